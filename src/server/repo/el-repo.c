/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The repository's common parts: errors, the clock, shifts, visibility, write transactions. */
#include "config.h"

#include "el-repo-private.h"

#include <openssl/rand.h>
#include <string.h>

G_DEFINE_QUARK (el - repo - error - quark, el_repo_error)

#define CLOCK_KEY "el-repo-clock"

gboolean
el_repo_fail (GError **error, ElRepoError code, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, EL_REPO_ERROR, code, message);
  return FALSE;
}

/* The clock ------------------------------------------------------------------------------------- */

/**
 * el_repo_set_clock:
 * @db: a connection
 * @now: (nullable): the time the repository writes on entities from now on; %NULL = the real time
 *
 * For the demo seed (which writes the history of past shifts) and tests. Audit events and
 * change-feed rows keep the real time.
 */
void
el_repo_set_clock (ElDb *db, GDateTime *now)
{
  g_return_if_fail (EL_IS_DB (db));

  g_object_set_data_full (G_OBJECT (db), CLOCK_KEY, now != NULL ? el_timestamp_normalize (now) : NULL,
                          (GDestroyNotify) g_date_time_unref);
}

/**
 * el_repo_get_now:
 * @db: a connection
 *
 * Returns: (transfer full): the connection's current time (el_repo_set_clock()), UTC, milliseconds
 */
GDateTime *
el_repo_get_now (ElDb *db)
{
  GDateTime *fixed;
  g_autoptr (GDateTime) now = NULL;

  g_return_val_if_fail (EL_IS_DB (db), NULL);

  fixed = g_object_get_data (G_OBJECT (db), CLOCK_KEY);
  if (fixed != NULL)
    return g_date_time_ref (fixed);
  now = g_date_time_new_now_utc ();
  return el_timestamp_normalize (now);
}

GDateTime *
el_repo_now (ElDb *db)
{
  return el_repo_get_now (db);
}

char *
el_repo_now_string (ElDb *db)
{
  g_autoptr (GDateTime) now = el_repo_now (db);

  return el_timestamp_format (now);
}

/* 128 random bits in hex: a new entity tag for every change. */
char *
el_repo_new_etag (void)
{
  guint8 bytes[16];
  char *etag = g_malloc (sizeof bytes * 2 + 1);

  if (RAND_bytes (bytes, sizeof bytes) != 1)
    {
      /* OpenSSL's generator does not fail on a working system; GLib's is good enough for a tag. */
      for (guint i = 0; i < sizeof bytes; i++)
        bytes[i] = (guint8) g_random_int_range (0, 256);
    }
  for (guint i = 0; i < sizeof bytes; i++)
    g_snprintf (etag + 2 * i, 3, "%02x", bytes[i]);
  return etag;
}

/* Shifts ---------------------------------------------------------------------------------------- */

/**
 * el_repo_shift_at:
 * @at: a time, in the hospital's time zone (g_date_time_new_now_local() or to_local of a UTC time)
 * @shift_date: (out caller-allocates): the date of the shift that @at falls in
 * @shift: (out): day (07:00-18:59) or night (19:00-06:59, dated by the evening it starts)
 */
void
el_repo_shift_at (GDateTime *at, GDate *shift_date, ElShift *shift)
{
  int hour;

  g_return_if_fail (at != NULL && shift_date != NULL && shift != NULL);

  hour = g_date_time_get_hour (at);
  g_date_clear (shift_date, 1);
  g_date_set_dmy (shift_date, (GDateDay) g_date_time_get_day_of_month (at),
                  (GDateMonth) g_date_time_get_month (at), (GDateYear) g_date_time_get_year (at));
  if (hour >= EL_REPO_DAY_SHIFT_START_HOUR && hour < EL_REPO_NIGHT_SHIFT_START_HOUR)
    *shift = EL_SHIFT_DAY;
  else
    {
      *shift = EL_SHIFT_NIGHT;
      if (hour < EL_REPO_DAY_SHIFT_START_HOUR)
        g_date_subtract_days (shift_date, 1);
    }
}

/**
 * el_repo_shift_start:
 * @shift_date: a shift's date
 * @shift: day or night (evening is treated as a day shift)
 * @tz: the hospital's time zone
 *
 * Returns: (transfer full): when the shift starts
 */
GDateTime *
el_repo_shift_start (const GDate *shift_date, ElShift shift, GTimeZone *tz)
{
  g_return_val_if_fail (shift_date != NULL && g_date_valid (shift_date), NULL);
  g_return_val_if_fail (tz != NULL, NULL);

  return g_date_time_new (
      tz, g_date_get_year (shift_date), g_date_get_month (shift_date), g_date_get_day (shift_date),
      shift == EL_SHIFT_NIGHT ? EL_REPO_NIGHT_SHIFT_START_HOUR : EL_REPO_DAY_SHIFT_START_HOUR, 0, 0);
}

/* Visibility ------------------------------------------------------------------------------------ */

/**
 * el_repo_user_can_see_unit:
 * @role: the user's role
 * @user_unit_id: (nullable): the user's unit
 * @unit_id: (nullable): the unit of what the user asks for
 *
 * A nurse and a charge nurse see their own unit; an administrator sees every unit.
 *
 * Returns: %TRUE if the user may see entities of @unit_id
 */
gboolean
el_repo_user_can_see_unit (ElRole role, const char *user_unit_id, const char *unit_id)
{
  if (role == EL_ROLE_ADMIN)
    return TRUE;
  if (role != EL_ROLE_NURSE && role != EL_ROLE_CHARGE_NURSE)
    return FALSE;
  return user_unit_id != NULL && unit_id != NULL && strcmp (user_unit_id, unit_id) == 0;
}

/**
 * el_repo_user_scope_unit:
 * @role: the user's role
 * @user_unit_id: (nullable): the user's unit
 *
 * The unit to restrict lists and the change feed to.
 *
 * Returns: (nullable): @user_unit_id for a nurse or a charge nurse, %NULL (every unit) for an
 *   administrator. A nurse without a unit gets "", which matches no unit.
 */
const char *
el_repo_user_scope_unit (ElRole role, const char *user_unit_id)
{
  if (role == EL_ROLE_ADMIN)
    return NULL;
  return user_unit_id != NULL ? user_unit_id : "";
}

/* Columns --------------------------------------------------------------------------------------- */

const char *
el_repo_column_text (ElDbStmt *stmt, int col)
{
  /* NULL for SQL NULL (and, in theory, when out of memory) */
  return (const char *) sqlite3_column_text (stmt, col);
}

void
el_repo_bind_text (ElDbStmt *stmt, int index, const char *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

GDateTime *
el_repo_column_timestamp (ElDbStmt *stmt, int col)
{
  const char *text = el_repo_column_text (stmt, col);

  return text != NULL ? el_timestamp_parse (text) : NULL;
}

/* JSON text written directly (the list endpoints and the change feed), member by member: each
 * call appends `,"name":value`, so the caller writes `{"id":...` first. Strings are escaped as the
 * models' encoder escapes them; NULL values are left out, as the models leave them out. */
void
el_repo_json_put_member (GString *out, const char *name)
{
  gsize len = strlen (name);
  gsize start = out->len;
  char *p;

  /* `,"name":` in place, in one piece */
  g_string_set_size (out, start + len + 4);
  p = out->str + start;
  p[0] = ',';
  p[1] = '"';
  memcpy (p + 2, name, len);
  p[len + 2] = '"';
  p[len + 3] = ':';
}

/* `,"name":N` */
void
el_repo_json_put_int (GString *out, const char *name, gint64 value)
{
  char buf[24];
  char *end = buf + sizeof buf;
  char *p = end;
  guint64 magnitude = value < 0 ? (guint64) 0 - (guint64) value : (guint64) value;

  el_repo_json_put_member (out, name);
  do
    {
      *--p = (char) ('0' + magnitude % 10);
      magnitude /= 10;
    }
  while (magnitude != 0);
  if (value < 0)
    *--p = '-';
  g_string_append_len (out, p, end - p);
}

void
el_repo_json_put_string (GString *out, const char *name, const char *value)
{
  if (value == NULL)
    return;
  el_repo_json_put_member (out, name);
  el_json_append_string (out, value);
}

/* A stored timestamp as el_json_put_timestamp() writes it: canonical UTC, left out if unreadable. */
void
el_repo_json_put_timestamp (GString *out, const char *name, const char *text)
{
  g_autoptr (GDateTime) parsed = NULL;
  g_autofree char *canonical = NULL;

  /* what the server stores is canonical already: then the text is the answer */
  if (el_timestamp_is_canonical (text))
    {
      el_repo_json_put_string (out, name, text);
      return;
    }
  parsed = text != NULL ? el_timestamp_parse (text) : NULL;
  canonical = parsed != NULL ? el_timestamp_format (parsed) : NULL;
  el_repo_json_put_string (out, name, canonical);
}

JsonNode *
el_repo_object_node_new (void)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, json_object_new ());
  return node;
}

JsonNode *
el_repo_parse_json (const char *text, gssize len)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();

  if (text == NULL || !json_parser_load_from_data (parser, text, len, NULL))
    return NULL;
  return json_parser_steal_root (parser);
}

/* Transactions ---------------------------------------------------------------------------------- */

/* One statement without results through the statement cache (savepoints are frequent). */
static gboolean
exec_cached (ElDb *db, const char *sql, GError **error)
{
  g_autoptr (ElDbStmt) stmt = el_db_prepare (db, sql, error);

  return stmt != NULL && el_db_step (db, stmt, error) == SQLITE_DONE;
}

struct ElRepoWrite
{
  ElDb *db;
  ElDbTransaction *txn;
  gboolean savepoint;
  gboolean done;
};

ElRepoWrite *
el_repo_write_begin (ElDb *db, GError **error)
{
  g_autofree ElRepoWrite *write = g_new0 (ElRepoWrite, 1);

  write->db = db;
  if (el_db_in_transaction (db))
    {
      if (!exec_cached (db, "SAVEPOINT el_repo", error))
        return NULL;
      write->savepoint = TRUE;
    }
  else
    {
      write->txn = el_db_transaction_begin (db, error);
      if (write->txn == NULL)
        return NULL;
    }
  return g_steal_pointer (&write);
}

gboolean
el_repo_write_commit (ElRepoWrite *write, GError **error)
{
  g_return_val_if_fail (write != NULL && !write->done, FALSE);

  if (write->savepoint)
    {
      if (!exec_cached (write->db, "RELEASE el_repo", error))
        return FALSE;
    }
  else if (!el_db_transaction_commit (write->txn, error))
    return FALSE;
  write->done = TRUE;
  return TRUE;
}

void
el_repo_write_free (ElRepoWrite *write)
{
  if (write == NULL)
    return;
  if (write->savepoint && !write->done && el_db_in_transaction (write->db))
    {
      g_autoptr (GError) error = NULL;

      /* SQLite rolls the whole transaction back by itself after some errors (disk full, I/O):
       * then the savepoint is gone and the caller's commit reports the failure. */
      if (!el_db_exec (write->db, "ROLLBACK TO el_repo; RELEASE el_repo", &error))
        g_debug ("rolling back a repository write: %s", error->message);
    }
  g_clear_pointer (&write->txn, el_db_transaction_free);
  g_free (write);
}

struct ElRepoRead
{
  ElDb *db;
  gboolean began;
};

ElRepoRead *
el_repo_read_begin (ElDb *db, GError **error)
{
  ElRepoRead *read = g_new0 (ElRepoRead, 1);

  read->db = db;
  if (!el_db_in_transaction (db))
    {
      if (!el_db_exec (db, "BEGIN", error))
        {
          g_free (read);
          return NULL;
        }
      read->began = TRUE;
    }
  return read;
}

void
el_repo_read_free (ElRepoRead *read)
{
  if (read == NULL)
    return;
  if (read->began && el_db_in_transaction (read->db))
    {
      g_autoptr (GError) error = NULL;

      if (!el_db_exec (read->db, "COMMIT", &error))
        g_debug ("ending a read: %s", error->message);
    }
  g_free (read);
}

/* Audit and change feed ------------------------------------------------------------------------- */

gboolean
el_repo_record (ElDb *db,
                const char *actor_id,
                const char *action,
                const char *entity_type,
                const char *entity_id,
                JsonObject *detail,
                const char *feed_type,
                ElDbChangeOp op,
                const char *unit_id,
                GError **error)
{
  g_autofree char *detail_json = NULL;

  if (detail != NULL)
    {
      g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), detail);

      json_object_unref (detail);
      detail_json = el_json_node_to_data (node, NULL);
    }
  if (el_audit_append (db, actor_id, action, entity_type, entity_id, detail_json, error) == 0)
    return FALSE;
  if (feed_type != NULL && el_db_next_change (db, feed_type, entity_id, op, unit_id, error) == 0)
    return FALSE;
  return TRUE;
}
