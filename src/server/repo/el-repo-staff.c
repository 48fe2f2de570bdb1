/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Units and users. */
#include "config.h"

#include "el-repo-private.h"

#include <string.h>

#define UNIT_COLUMNS      "id, code, name, floor, bed_count"
#define USER_JSON_COLUMNS "id, email, name, role, unit_id, created_at"

static ElUnit *
unit_from_row (ElDbStmt *stmt)
{
  ElUnit *unit = el_unit_new ();

  el_unit_set_id (unit, el_repo_column_text (stmt, 0));
  el_unit_set_code (unit, el_repo_column_text (stmt, 1));
  el_unit_set_name (unit, el_repo_column_text (stmt, 2));
  el_unit_set_floor (unit, el_repo_column_text (stmt, 3));
  el_unit_set_bed_count (unit,
                         sqlite3_column_type (stmt, 4) == SQLITE_NULL ? -1 : sqlite3_column_int (stmt, 4));
  return unit;
}

/**
 * el_repo_units_list:
 * @db: a connection
 * @error: an EL_DB_ERROR
 *
 * Returns: (transfer full) (element-type ElUnit): every unit (at most %EL_REPO_MAX_LIMIT), by name
 */
GPtrArray *
el_repo_units_list (ElDb *db, GError **error)
{
  g_autoptr (GPtrArray) units = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (ElDbStmt) stmt =
      el_db_prepare (db, "SELECT " UNIT_COLUMNS " FROM units ORDER BY name, id LIMIT ?1", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, EL_REPO_MAX_LIMIT);
  while ((rc = el_db_step (db, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (units, unit_from_row (stmt));
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&units);
}

static ElUnit *
unit_get_where (ElDb *db, const char *sql, const char *value, GError **error)
{
  g_autoptr (ElDbStmt) stmt = el_db_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  el_repo_bind_text (stmt, 1, value);
  rc = el_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    return unit_from_row (stmt);
  if (rc == SQLITE_DONE)
    el_repo_fail (error, EL_REPO_ERROR_NOT_FOUND, "no such unit");
  return NULL;
}

/**
 * el_repo_unit_get:
 * @db: a connection
 * @unit_id: a unit's id
 * @error: %EL_REPO_ERROR_NOT_FOUND, an EL_DB_ERROR
 *
 * Returns: (transfer full) (nullable): the unit
 */
ElUnit *
el_repo_unit_get (ElDb *db, const char *unit_id, GError **error)
{
  g_return_val_if_fail (unit_id != NULL, NULL);

  return unit_get_where (db, "SELECT " UNIT_COLUMNS " FROM units WHERE id = ?1", unit_id, error);
}

/* The unit of the current row as el_unit_to_json() text, from the UNIT_COLUMNS. */
static void
unit_row_write_json (ElDbStmt *stmt, GString *out)
{
  g_string_append (out, "{\"id\":");
  el_json_append_string (out, el_repo_column_text (stmt, 0));
  el_repo_json_put_string (out, "name", el_repo_column_text (stmt, 2));
  el_repo_json_put_string (out, "code", el_repo_column_text (stmt, 1));
  el_repo_json_put_string (out, "floor", el_repo_column_text (stmt, 3));
  if (sqlite3_column_type (stmt, 4) != SQLITE_NULL)
    el_repo_json_put_int (out, "bed_count", sqlite3_column_int (stmt, 4));
  g_string_append_c (out, '}');
}

/* el_repo_unit_get()'s unit as el_unit_to_json() text, written from the row;
 * %EL_REPO_ERROR_NOT_FOUND if gone. */
gboolean
el_repo_unit_write_json (ElDb *db, const char *unit_id, GString *out, GError **error)
{
  g_autoptr (ElDbStmt) stmt = el_db_prepare (db, "SELECT " UNIT_COLUMNS " FROM units WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  el_repo_bind_text (stmt, 1, unit_id);
  rc = el_db_step (db, stmt, error);
  if (rc == SQLITE_DONE)
    return el_repo_fail (error, EL_REPO_ERROR_NOT_FOUND, "no such unit");
  if (rc != SQLITE_ROW)
    return FALSE;
  unit_row_write_json (stmt, out);
  return TRUE;
}

/**
 * el_repo_unit_get_by_code:
 * @db: a connection
 * @code: a unit's code, any case ("4w" finds "4W")
 * @error: %EL_REPO_ERROR_NOT_FOUND, an EL_DB_ERROR
 *
 * Returns: (transfer full) (nullable): the unit
 */
ElUnit *
el_repo_unit_get_by_code (ElDb *db, const char *code, GError **error)
{
  g_return_val_if_fail (code != NULL, NULL);

  return unit_get_where (db, "SELECT " UNIT_COLUMNS " FROM units WHERE code = ?1", code, error);
}

/**
 * el_repo_units_count:
 * @db: a connection
 * @error: an EL_DB_ERROR
 *
 * Returns: how many units there are, or -1 with @error set
 */
gint64
el_repo_units_count (ElDb *db, GError **error)
{
  g_autoptr (ElDbStmt) stmt = el_db_prepare (db, "SELECT count(*) FROM units", error);

  if (stmt == NULL || el_db_step (db, stmt, error) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

/**
 * el_repo_unit_insert:
 * @db: a connection
 * @unit: a valid unit with its id
 * @actor_id: (nullable): who creates it
 * @error: %EL_REPO_ERROR_CONFLICT (the code is taken), %EL_REPO_ERROR_DUPLICATE (the id is),
 *   EL_MODEL_ERROR, EL_DB_ERROR
 *
 * Audit "unit.create"; change feed "unit" (every unit).
 */
gboolean
el_repo_unit_insert (ElDb *db, ElUnit *unit, const char *actor_id, GError **error)
{
  g_autoptr (ElRepoWrite) write = NULL;
  g_autoptr (ElDbStmt) stmt = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *now = NULL;
  JsonObject *detail;
  const char *id;

  g_return_val_if_fail (EL_IS_UNIT (unit), FALSE);

  if (!el_unit_validate (unit, error))
    return FALSE;
  id = el_unit_get_id (unit);
  now = el_repo_now_string (db);
  if ((write = el_repo_write_begin (db, error)) == NULL)
    return FALSE;
  stmt = el_db_prepare (db,
                        "INSERT INTO units (id, code, name, floor, bed_count, created_at, updated_at) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                        error);
  if (stmt == NULL)
    return FALSE;
  el_repo_bind_text (stmt, 1, id);
  el_repo_bind_text (stmt, 2, el_unit_get_code (unit));
  el_repo_bind_text (stmt, 3, el_unit_get_name (unit));
  el_repo_bind_text (stmt, 4, el_unit_get_floor (unit));
  if (el_unit_get_bed_count (unit) >= 0)
    sqlite3_bind_int (stmt, 5, el_unit_get_bed_count (unit));
  el_repo_bind_text (stmt, 6, now);
  if (el_db_step (db, stmt, &local_error) != SQLITE_DONE)
    {
      if (g_error_matches (local_error, EL_DB_ERROR, EL_DB_ERROR_UNIQUE))
        {
          gboolean same_id = strstr (local_error->message, "units.id") != NULL;

          return el_repo_fail (error, same_id ? EL_REPO_ERROR_DUPLICATE : EL_REPO_ERROR_CONFLICT,
                               same_id ? "a unit with this id exists" : "a unit with this code exists");
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  el_db_stmt_release (g_steal_pointer (&stmt));

  detail = json_object_new ();
  json_object_set_string_member (detail, "code", el_unit_get_code (unit));
  if (!el_repo_record (db, actor_id, "unit.create", "unit", id, detail, "unit", EL_DB_CHANGE_UPSERT, NULL,
                       error))
    return FALSE;
  return el_repo_write_commit (write, error);
}

/* Users ----------------------------------------------------------------------------------------- */

#define USER_COLUMNS "id, email, name, role, unit_id, created_at, password_hash, disabled_at"

static ElUser *
user_from_row (ElDbStmt *stmt, char **password_hash, gboolean *disabled)
{
  ElUser *user = el_user_new ();
  g_autoptr (GDateTime) created_at = el_repo_column_timestamp (stmt, 5);
  ElRole role = EL_ROLE_NURSE;

  el_user_set_id (user, el_repo_column_text (stmt, 0));
  el_user_set_email (user, el_repo_column_text (stmt, 1));
  el_user_set_name (user, el_repo_column_text (stmt, 2));
  if (!el_role_from_string (el_repo_column_text (stmt, 3), &role))
    role = EL_ROLE_NURSE; /* the CHECK constraint allows nothing else */
  el_user_set_role (user, role);
  el_user_set_unit_id (user, el_repo_column_text (stmt, 4));
  el_user_set_created_at (user, created_at);
  if (password_hash != NULL)
    *password_hash = g_strdup (el_repo_column_text (stmt, 6));
  if (disabled != NULL)
    *disabled = sqlite3_column_type (stmt, 7) != SQLITE_NULL;
  return user;
}

static ElUser *
user_get_where (
    ElDb *db, const char *sql, const char *value, char **password_hash, gboolean *disabled, GError **error)
{
  g_autoptr (ElDbStmt) stmt = el_db_prepare (db, sql, error);
  int rc;

  if (password_hash != NULL)
    *password_hash = NULL;
  if (disabled != NULL)
    *disabled = FALSE;
  if (stmt == NULL)
    return NULL;
  el_repo_bind_text (stmt, 1, value);
  rc = el_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    return user_from_row (stmt, password_hash, disabled);
  if (rc == SQLITE_DONE)
    el_repo_fail (error, EL_REPO_ERROR_NOT_FOUND, "no such user");
  return NULL;
}

/* The user of the current row as el_user_to_json() text, from the USER_JSON_COLUMNS. */
static void
user_row_write_json (ElDbStmt *stmt, GString *out)
{
  ElRole role = EL_ROLE_NURSE;

  if (!el_role_from_string (el_repo_column_text (stmt, 3), &role))
    role = EL_ROLE_NURSE; /* as user_from_row(): the CHECK constraint allows nothing else */
  g_string_append (out, "{\"id\":");
  el_json_append_string (out, el_repo_column_text (stmt, 0));
  el_repo_json_put_string (out, "email", el_repo_column_text (stmt, 1));
  el_repo_json_put_string (out, "name", el_repo_column_text (stmt, 2));
  el_repo_json_put_string (out, "role", el_role_to_string (role));
  el_repo_json_put_string (out, "unit_id", el_repo_column_text (stmt, 4));
  el_repo_json_put_timestamp (out, "created_at", el_repo_column_text (stmt, 5));
  g_string_append_c (out, '}');
}

/* el_repo_user_get()'s user as el_user_to_json() text, written from the row;
 * %EL_REPO_ERROR_NOT_FOUND if gone. */
gboolean
el_repo_user_write_json (ElDb *db, const char *user_id, GString *out, GError **error)
{
  g_autoptr (ElDbStmt) stmt =
      el_db_prepare (db, "SELECT " USER_JSON_COLUMNS " FROM users WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  el_repo_bind_text (stmt, 1, user_id);
  rc = el_db_step (db, stmt, error);
  if (rc == SQLITE_DONE)
    return el_repo_fail (error, EL_REPO_ERROR_NOT_FOUND, "no such user");
  if (rc != SQLITE_ROW)
    return FALSE;
  user_row_write_json (stmt, out);
  return TRUE;
}

/**
 * el_repo_user_get:
 * @db: a connection
 * @user_id: a user's id
 * @password_hash: (out) (optional) (transfer full): the PHC string
 * @disabled: (out) (optional): %TRUE if the account may not sign in
 * @error: %EL_REPO_ERROR_NOT_FOUND, an EL_DB_ERROR
 *
 * Returns: (transfer full) (nullable): the user
 */
ElUser *
el_repo_user_get (ElDb *db, const char *user_id, char **password_hash, gboolean *disabled, GError **error)
{
  g_return_val_if_fail (user_id != NULL, NULL);

  return user_get_where (db, "SELECT " USER_COLUMNS " FROM users WHERE id = ?1", user_id, password_hash,
                         disabled, error);
}

/**
 * el_repo_user_get_access:
 * @db: a connection
 * @user_id: a user's id
 * @role: (out): the user's role
 * @unit_id: (out) (transfer full) (nullable): the user's unit
 * @disabled: (out): %TRUE if the account may not sign in
 * @error: %EL_REPO_ERROR_NOT_FOUND, an EL_DB_ERROR
 *
 * What the authenticator needs of an account on every request, without the whole user.
 *
 * Returns: %TRUE if the user exists
 */
gboolean
el_repo_user_get_access (
    ElDb *db, const char *user_id, ElRole *role, char **unit_id, gboolean *disabled, GError **error)
{
  g_autoptr (ElDbStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (user_id != NULL && role != NULL && unit_id != NULL && disabled != NULL, FALSE);

  *unit_id = NULL;
  *disabled = FALSE;
  stmt = el_db_prepare (db, "SELECT role, unit_id, disabled_at FROM users WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  el_repo_bind_text (stmt, 1, user_id);
  rc = el_db_step (db, stmt, error);
  if (rc == SQLITE_DONE)
    return el_repo_fail (error, EL_REPO_ERROR_NOT_FOUND, "no such user");
  if (rc != SQLITE_ROW)
    return FALSE;
  if (!el_role_from_string (el_repo_column_text (stmt, 0), role))
    *role = EL_ROLE_NURSE; /* as user_from_row(): the CHECK constraint allows nothing else */
  *unit_id = g_strdup (el_repo_column_text (stmt, 1));
  *disabled = sqlite3_column_type (stmt, 2) != SQLITE_NULL;
  return TRUE;
}

/**
 * el_repo_user_get_by_email:
 * @db: a connection
 * @email: an email address, any case
 * @password_hash: (out) (optional) (transfer full): the PHC string
 * @disabled: (out) (optional): %TRUE if the account may not sign in
 * @error: %EL_REPO_ERROR_NOT_FOUND, an EL_DB_ERROR
 *
 * Returns: (transfer full) (nullable): the user
 */
ElUser *
el_repo_user_get_by_email (
    ElDb *db, const char *email, char **password_hash, gboolean *disabled, GError **error)
{
  g_return_val_if_fail (email != NULL, NULL);

  return user_get_where (db, "SELECT " USER_COLUMNS " FROM users WHERE email = ?1", email, password_hash,
                         disabled, error);
}

gboolean
el_repo_user_exists (ElDb *db, const char *user_id, GError **error)
{
  g_autoptr (ElDbStmt) stmt = el_db_prepare (db, "SELECT 1 FROM users WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  el_repo_bind_text (stmt, 1, user_id);
  rc = el_db_step (db, stmt, error);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc == SQLITE_DONE)
    el_repo_fail (error, EL_REPO_ERROR_INVALID, "no such user");
  return FALSE;
}

/**
 * el_repo_users_list_by_unit:
 * @db: a connection
 * @unit_id: a unit
 * @error: an EL_DB_ERROR
 *
 * Returns: (transfer full) (element-type ElUser): the unit's staff (at most %EL_REPO_MAX_LIMIT),
 *   by name, disabled accounts included
 */
GPtrArray *
el_repo_users_list_by_unit (ElDb *db, const char *unit_id, GError **error)
{
  g_autoptr (GPtrArray) users = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (ElDbStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (unit_id != NULL, NULL);

  stmt = el_db_prepare (
      db, "SELECT " USER_COLUMNS " FROM users WHERE unit_id = ?1 ORDER BY name, id LIMIT ?2", error);
  if (stmt == NULL)
    return NULL;
  el_repo_bind_text (stmt, 1, unit_id);
  sqlite3_bind_int (stmt, 2, EL_REPO_MAX_LIMIT);
  while ((rc = el_db_step (db, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (users, user_from_row (stmt, NULL, NULL));
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&users);
}

/**
 * el_repo_user_insert:
 * @db: a connection
 * @user: a valid user with its id (a nurse or charge nurse with a unit)
 * @password_hash: the Argon2id PHC string (el_password_hash())
 * @actor_id: (nullable): who creates the account
 * @error: %EL_REPO_ERROR_CONFLICT (the email is taken), %EL_REPO_ERROR_DUPLICATE (the id is),
 *   %EL_REPO_ERROR_INVALID (no unit for a nurse, unknown unit), EL_MODEL_ERROR, EL_DB_ERROR
 *
 * Sets the user's created_at. Audit "user.create"; change feed "user" (the user's unit).
 */
gboolean
el_repo_user_insert (ElDb *db, ElUser *user, const char *password_hash, const char *actor_id, GError **error)
{
  g_autoptr (ElRepoWrite) write = NULL;
  g_autoptr (ElDbStmt) stmt = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *now_str = NULL;
  const char *unit_id;
  ElRole role;
  JsonObject *detail;

  g_return_val_if_fail (EL_IS_USER (user), FALSE);
  g_return_val_if_fail (password_hash != NULL, FALSE);

  if (!el_user_validate (user, error))
    return FALSE;
  role = el_user_get_role (user);
  unit_id = el_user_get_unit_id (user);
  if (role != EL_ROLE_ADMIN && unit_id == NULL)
    return el_repo_fail (error, EL_REPO_ERROR_INVALID, "a nurse or a charge nurse needs a unit");
  now = el_repo_now (db);
  now_str = el_timestamp_format (now);

  if ((write = el_repo_write_begin (db, error)) == NULL)
    return FALSE;
  stmt = el_db_prepare (
      db,
      "INSERT INTO users (id, email, name, role, unit_id, password_hash, created_at, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
      error);
  if (stmt == NULL)
    return FALSE;
  el_repo_bind_text (stmt, 1, el_user_get_id (user));
  el_repo_bind_text (stmt, 2, el_user_get_email (user));
  el_repo_bind_text (stmt, 3, el_user_get_name (user));
  el_repo_bind_text (stmt, 4, el_role_to_string (role));
  el_repo_bind_text (stmt, 5, unit_id);
  el_repo_bind_text (stmt, 6, password_hash);
  el_repo_bind_text (stmt, 7, now_str);
  if (el_db_step (db, stmt, &local_error) != SQLITE_DONE)
    {
      if (g_error_matches (local_error, EL_DB_ERROR, EL_DB_ERROR_UNIQUE))
        {
          gboolean same_id = strstr (local_error->message, "users.id") != NULL;

          return el_repo_fail (error, same_id ? EL_REPO_ERROR_DUPLICATE : EL_REPO_ERROR_CONFLICT,
                               same_id ? "a user with this id exists" : "a user with this email exists");
        }
      if (g_error_matches (local_error, EL_DB_ERROR, EL_DB_ERROR_FOREIGN_KEY))
        return el_repo_fail (error, EL_REPO_ERROR_INVALID, "unit_id: no such unit");
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  el_db_stmt_release (g_steal_pointer (&stmt));

  detail = json_object_new ();
  json_object_set_string_member (detail, "role", el_role_to_string (role));
  if (unit_id != NULL)
    json_object_set_string_member (detail, "unit_id", unit_id);
  if (!el_repo_record (db, actor_id, "user.create", "user", el_user_get_id (user), detail, "user",
                       EL_DB_CHANGE_UPSERT, unit_id, error) ||
      !el_repo_write_commit (write, error))
    return FALSE;
  el_user_set_created_at (user, now);
  return TRUE;
}

static gboolean
user_update (ElDb *db,
             const char *user_id,
             const char *sql,
             const char *value,
             const char *actor_id,
             const char *action,
             GError **error)
{
  g_autoptr (ElRepoWrite) write = NULL;
  g_autoptr (ElDbStmt) stmt = NULL;
  g_autofree char *now = el_repo_now_string (db);

  if ((write = el_repo_write_begin (db, error)) == NULL)
    return FALSE;
  stmt = el_db_prepare (db, sql, error);
  if (stmt == NULL)
    return FALSE;
  el_repo_bind_text (stmt, 1, user_id);
  el_repo_bind_text (stmt, 2, value);
  el_repo_bind_text (stmt, 3, now);
  if (el_db_step (db, stmt, error) != SQLITE_DONE)
    return FALSE;
  if (sqlite3_changes (el_db_get_handle (db)) == 0)
    return el_repo_fail (error, EL_REPO_ERROR_NOT_FOUND, "no such user");
  el_db_stmt_release (g_steal_pointer (&stmt));
  /* The User JSON shows neither the hash nor the disabled flag: nothing for the change feed. */
  if (!el_repo_record (db, actor_id, action, "user", user_id, NULL, NULL, EL_DB_CHANGE_UPSERT, NULL, error))
    return FALSE;
  return el_repo_write_commit (write, error);
}

/**
 * el_repo_user_set_password_hash:
 * @db: a connection
 * @user_id: the user
 * @password_hash: the new PHC string (a changed password, or a rehash after login)
 * @actor_id: (nullable): who changes it
 * @error: %EL_REPO_ERROR_NOT_FOUND, an EL_DB_ERROR
 *
 * Audit "user.password".
 */
gboolean
el_repo_user_set_password_hash (
    ElDb *db, const char *user_id, const char *password_hash, const char *actor_id, GError **error)
{
  g_return_val_if_fail (user_id != NULL && password_hash != NULL, FALSE);

  return user_update (db, user_id, "UPDATE users SET password_hash = ?2, updated_at = ?3 WHERE id = ?1",
                      password_hash, actor_id, "user.password", error);
}

/**
 * el_repo_user_set_disabled:
 * @db: a connection
 * @user_id: the user
 * @disabled: %TRUE: the account may no longer sign in
 * @actor_id: (nullable): who changes it
 * @error: %EL_REPO_ERROR_NOT_FOUND, an EL_DB_ERROR
 *
 * Audit "user.disable" or "user.enable".
 */
gboolean
el_repo_user_set_disabled (
    ElDb *db, const char *user_id, gboolean disabled, const char *actor_id, GError **error)
{
  g_autofree char *now = el_repo_now_string (db);

  g_return_val_if_fail (user_id != NULL, FALSE);

  if (disabled)
    return user_update (
        db, user_id,
        "UPDATE users SET disabled_at = coalesce (disabled_at, ?2), updated_at = ?3 WHERE id = ?1", now,
        actor_id, "user.disable", error);
  return user_update (db, user_id,
                      "UPDATE users SET disabled_at = NULL, updated_at = ?3 WHERE id = ?1 AND ?2 IS NULL",
                      NULL, actor_id, "user.enable", error);
}
