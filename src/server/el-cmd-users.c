/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Accounts and units from the command line: create-user, create-unit. */
#include "config.h"

#include <errno.h>
#include <json-glib/json-glib.h>
#include <openssl/crypto.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "el-audit.h"
#include "el-cmd-users.h"
#include "el-commands.h"
#include "el-db.h"
#include "el-model-enums.h"
#include "el-model-types.h"
#include "el-password.h"
#include "el-server-config.h"
#include "el-unit.h"
#include "el-user.h"

#define MIN_PASSWORD_CHARS 12

/* A password buffer that is wiped when freed. */
typedef struct
{
  guint8 bytes[EL_PASSWORD_MAX_BYTES + 3]; /* room for "\r\n" and one byte too many */
  gsize len;
} Password;

static void
password_free (Password *password)
{
  if (password == NULL)
    return;
  OPENSSL_cleanse (password, sizeof *password);
  g_free (password);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Password, password_free)

/*
 * Reads the password from stdin: everything up to EOF (or the first line on a terminal, read
 * without echo), without one trailing newline. Returns NULL with @status set when unusable.
 */
static Password *
read_password (int *status)
{
  g_autoptr (Password) password = g_new0 (Password, 1);
  gboolean tty = isatty (STDIN_FILENO);
  struct termios saved, quiet;
  gboolean echo_off = FALSE;

  if (tty)
    {
      g_printerr ("Password (at least %d characters): ", MIN_PASSWORD_CHARS);
      if (tcgetattr (STDIN_FILENO, &saved) == 0)
        {
          quiet = saved;
          quiet.c_lflag &= ~(tcflag_t) ECHO;
          echo_off = tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
    }
  while (password->len < sizeof password->bytes)
    {
      gssize n = read (STDIN_FILENO, password->bytes + password->len, sizeof password->bytes - password->len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      password->len += (gsize) n;
      if (tty && memchr (password->bytes, '\n', password->len) != NULL)
        break;
    }
  if (echo_off)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      g_printerr ("\n");
    }
  if (tty)
    {
      guint8 *newline = memchr (password->bytes, '\n', password->len);

      if (newline != NULL)
        password->len = (gsize) (newline - password->bytes) + 1;
    }

  if (password->len > 0 && password->bytes[password->len - 1] == '\n')
    password->len--;
  if (password->len > 0 && password->bytes[password->len - 1] == '\r')
    password->len--;

  if (password->len > EL_PASSWORD_MAX_BYTES)
    *status = el_command_fail (EL_EXIT_USAGE, "the password is longer than %d bytes", EL_PASSWORD_MAX_BYTES);
  else if (memchr (password->bytes, '\0', password->len) != NULL ||
           !g_utf8_validate ((const char *) password->bytes, (gssize) password->len, NULL))
    *status = el_command_fail (EL_EXIT_USAGE, "the password must be UTF-8 text without NUL characters");
  else if (g_utf8_strlen ((const char *) password->bytes, (gssize) password->len) < MIN_PASSWORD_CHARS)
    *status = el_command_fail (EL_EXIT_USAGE, "the password must have at least %d characters (on stdin)",
                               MIN_PASSWORD_CHARS);
  else
    return g_steal_pointer (&password);
  return NULL;
}

static gboolean
parse_options (int *argc,
               char ***argv,
               const char *parameters,
               const char *summary,
               const GOptionEntry *entries,
               int *status)
{
  g_autoptr (GOptionContext) context = g_option_context_new (parameters);
  g_autoptr (GError) error = NULL;

  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *status = el_command_fail (EL_EXIT_USAGE, "%s: %s", (*argv)[0], error->message);
      return FALSE;
    }
  if (*argc != 2)
    {
      *status = el_command_fail (EL_EXIT_USAGE, "usage: eclipselink-server %s %s", (*argv)[0], parameters);
      return FALSE;
    }
  for (int i = 1; i < *argc; i++)
    if (!g_utf8_validate ((*argv)[i], -1, NULL))
      {
        *status = el_command_fail (EL_EXIT_USAGE, "%s: arguments must be UTF-8", (*argv)[0]);
        return FALSE;
      }
  return TRUE;
}

static ElServerConfig *
load_config (int *status)
{
  g_auto (GStrv) env = g_get_environ ();
  g_autoptr (GError) error = NULL;
  ElServerConfig *config =
      el_server_config_new_from_environ ((const char *const *) env, EL_SERVER_CONFIG_DATABASE, &error);

  if (config == NULL)
    *status = el_command_fail (EL_EXIT_USAGE, "%s", error->message);
  return config;
}

/* The id of the unit with @code, or NULL (with @status set). */
static char *
find_unit (ElDb *db, const char *code, int *status)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDbStmt) stmt = el_db_prepare (db, "SELECT id FROM units WHERE code = ?1", &error);
  int rc;

  if (stmt == NULL)
    {
      *status = el_command_fail (EL_EXIT_FAILURE, "%s", error->message);
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  rc = el_db_step (db, stmt, &error);
  if (rc == SQLITE_ROW)
    return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  if (rc == SQLITE_DONE)
    *status = el_command_fail (EL_EXIT_USAGE, "no unit with code '%s' (see create-unit)", code);
  else
    *status = el_command_fail (EL_EXIT_FAILURE, "%s", error->message);
  return NULL;
}

/* A JSON object of string members: keys[i] = values[i], members whose value is NULL left out. */
static char *
audit_detail (const char *const *keys, const char *const *values, guint n)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (builder);
  for (guint i = 0; i < n; i++)
    if (values[i] != NULL)
      {
        json_builder_set_member_name (builder, keys[i]);
        json_builder_add_string_value (builder, values[i]);
      }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return el_json_node_to_data (root, NULL);
}

static int
insert_user (ElDb *db, ElUser *user, const char *password_hash)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDbTransaction) txn = NULL;
  g_autofree char *now = el_db_timestamp_now ();
  g_autofree char *detail = NULL;
  ElRole role = el_user_get_role (user);

  txn = el_db_transaction_begin (db, &error);
  if (txn == NULL)
    return el_command_fail (EL_EXIT_FAILURE, "%s", error->message);
  {
    g_autoptr (ElDbStmt) stmt = el_db_prepare (
        db,
        "INSERT INTO users (id, email, name, role, unit_id, password_hash, created_at, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        &error);

    if (stmt == NULL)
      return el_command_fail (EL_EXIT_FAILURE, "%s", error->message);
    sqlite3_bind_text (stmt, 1, el_user_get_id (user), -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 2, el_user_get_email (user), -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 3, el_user_get_name (user), -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 4, el_role_to_string (role), -1, SQLITE_STATIC);
    if (el_user_get_unit_id (user) != NULL)
      sqlite3_bind_text (stmt, 5, el_user_get_unit_id (user), -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 6, password_hash, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 7, now, -1, SQLITE_STATIC);
    if (el_db_step (db, stmt, &error) != SQLITE_DONE)
      {
        if (g_error_matches (error, EL_DB_ERROR, EL_DB_ERROR_UNIQUE))
          return el_command_fail (EL_EXIT_FAILURE, "a user with the email %s already exists",
                                  el_user_get_email (user));
        return el_command_fail (EL_EXIT_FAILURE, "%s", error->message);
      }
  }
  detail = audit_detail (
      (const char *const[]){ "role", "unit_id", "via" },
      (const char *const[]){ el_role_to_string (role), el_user_get_unit_id (user), "create-user" }, 3);
  if (el_audit_append (db, NULL, "user.create", "user", el_user_get_id (user), detail, &error) == 0 ||
      !el_db_transaction_commit (txn, &error))
    return el_command_fail (EL_EXIT_FAILURE, "%s", error->message);
  return EL_EXIT_OK;
}

int
el_cmd_create_user (int argc, char **argv)
{
  g_autofree char *name = NULL;
  g_autofree char *role_str = NULL;
  g_autofree char *unit_code = NULL;
  const GOptionEntry entries[] = {
    { "name", 'n', 0, G_OPTION_ARG_STRING, &name, "The person's name (required)", "NAME" },
    { "role", 'r', 0, G_OPTION_ARG_STRING, &role_str, "nurse, charge_nurse or admin (required)", "ROLE" },
    { "unit", 'u', 0, G_OPTION_ARG_STRING, &unit_code, "The unit's code (required for nurses)", "CODE" },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr (ElServerConfig) config = NULL;
  g_autoptr (Password) password = NULL;
  g_autoptr (ElDb) db = NULL;
  g_autoptr (ElUser) user = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *email = NULL;
  g_autofree char *unit_id = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *hash = NULL;
  int status = EL_EXIT_OK;
  ElRole role;

  if (!parse_options (&argc, &argv, "EMAIL",
                      "Creates an account. The password is read from stdin (at least 12 characters).\n"
                      "Prints the new user's id.",
                      entries, &status))
    return status;
  if (name == NULL || role_str == NULL)
    return el_command_fail (EL_EXIT_USAGE,
                            "create-user needs --name NAME and --role nurse|charge_nurse|admin");
  if (!g_utf8_validate (name, -1, NULL) || (unit_code != NULL && !g_utf8_validate (unit_code, -1, NULL)))
    return el_command_fail (EL_EXIT_USAGE, "create-user: options must be UTF-8");
  if (!el_role_from_string (role_str, &role))
    return el_command_fail (EL_EXIT_USAGE, "--role must be nurse, charge_nurse or admin");
  if (role != EL_ROLE_ADMIN && unit_code == NULL)
    return el_command_fail (EL_EXIT_USAGE, "a nurse or a charge nurse needs --unit CODE");

  email = g_ascii_strdown (argv[1], -1);
  g_strstrip (email);
  g_strstrip (name);
  user = el_user_new ();
  el_user_set_id (user, id);
  el_user_set_email (user, email);
  el_user_set_name (user, name);
  el_user_set_role (user, role);
  if (!el_user_validate (user, &error))
    return el_command_fail (EL_EXIT_USAGE, "invalid user: %s", error->message);

  if ((config = load_config (&status)) == NULL)
    return status;
  if ((password = read_password (&status)) == NULL)
    return status;

  db = el_db_open (config->database_path, NULL, &error);
  if (db == NULL)
    return el_command_fail (EL_EXIT_FAILURE, "%s", error->message);
  if (unit_code != NULL)
    {
      if ((unit_id = find_unit (db, unit_code, &status)) == NULL)
        return status;
      el_user_set_unit_id (user, unit_id);
    }

  hash = el_password_hash (password->bytes, password->len, &error);
  g_clear_pointer (&password, password_free);
  if (hash == NULL)
    return el_command_fail (EL_EXIT_FAILURE, "%s", error->message);
  if ((status = insert_user (db, user, hash)) != EL_EXIT_OK)
    return status;

  g_print ("%s\n", id);
  return EL_EXIT_OK;
}

int
el_cmd_create_unit (int argc, char **argv)
{
  g_autofree char *name = NULL;
  g_autofree char *floor = NULL;
  int beds = -1;
  const GOptionEntry entries[] = {
    { "name", 'n', 0, G_OPTION_ARG_STRING, &name, "The unit's name (required)", "NAME" },
    { "floor", 0, 0, G_OPTION_ARG_STRING, &floor, "Its floor", "FLOOR" },
    { "beds", 0, 0, G_OPTION_ARG_INT, &beds, "Its number of beds (0..1000)", "N" },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr (ElServerConfig) config = NULL;
  g_autoptr (ElDb) db = NULL;
  g_autoptr (ElUnit) unit = NULL;
  g_autoptr (ElDbTransaction) txn = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *now = el_db_timestamp_now ();
  g_autofree char *detail = NULL;
  int status = EL_EXIT_OK;

  if (!parse_options (&argc, &argv, "CODE", "Creates a nursing unit (e.g. 4W). Prints the new unit's id.",
                      entries, &status))
    return status;
  if (name == NULL)
    return el_command_fail (EL_EXIT_USAGE, "create-unit needs --name NAME");
  if (!g_utf8_validate (name, -1, NULL) || (floor != NULL && !g_utf8_validate (floor, -1, NULL)))
    return el_command_fail (EL_EXIT_USAGE, "create-unit: options must be UTF-8");
  if (beds < -1 || beds > 1000)
    return el_command_fail (EL_EXIT_USAGE, "--beds must be from 0 to 1000");

  unit = el_unit_new ();
  el_unit_set_id (unit, id);
  el_unit_set_code (unit, g_strstrip (argv[1]));
  el_unit_set_name (unit, g_strstrip (name));
  el_unit_set_floor (unit, floor);
  el_unit_set_bed_count (unit, beds);
  if (!el_unit_validate (unit, &error))
    return el_command_fail (EL_EXIT_USAGE, "invalid unit: %s", error->message);

  if ((config = load_config (&status)) == NULL)
    return status;
  db = el_db_open (config->database_path, NULL, &error);
  if (db == NULL)
    return el_command_fail (EL_EXIT_FAILURE, "%s", error->message);
  txn = el_db_transaction_begin (db, &error);
  if (txn == NULL)
    return el_command_fail (EL_EXIT_FAILURE, "%s", error->message);
  {
    g_autoptr (ElDbStmt) stmt =
        el_db_prepare (db,
                       "INSERT INTO units (id, code, name, floor, bed_count, created_at, updated_at) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                       &error);

    if (stmt == NULL)
      return el_command_fail (EL_EXIT_FAILURE, "%s", error->message);
    sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 2, el_unit_get_code (unit), -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 3, el_unit_get_name (unit), -1, SQLITE_STATIC);
    if (floor != NULL)
      sqlite3_bind_text (stmt, 4, floor, -1, SQLITE_STATIC);
    if (beds >= 0)
      sqlite3_bind_int (stmt, 5, beds);
    sqlite3_bind_text (stmt, 6, now, -1, SQLITE_STATIC);
    if (el_db_step (db, stmt, &error) != SQLITE_DONE)
      {
        if (g_error_matches (error, EL_DB_ERROR, EL_DB_ERROR_UNIQUE))
          return el_command_fail (EL_EXIT_FAILURE, "a unit with the code %s already exists",
                                  el_unit_get_code (unit));
        return el_command_fail (EL_EXIT_FAILURE, "%s", error->message);
      }
  }
  detail = audit_detail ((const char *const[]){ "code", "via" },
                         (const char *const[]){ el_unit_get_code (unit), "create-unit" }, 2);
  if (el_audit_append (db, NULL, "unit.create", "unit", id, detail, &error) == 0 ||
      el_db_next_change (db, "unit", id, EL_DB_CHANGE_UPSERT, NULL, &error) == 0 ||
      !el_db_transaction_commit (txn, &error))
    return el_command_fail (EL_EXIT_FAILURE, "%s", error->message);

  g_print ("%s\n", id);
  return EL_EXIT_OK;
}
