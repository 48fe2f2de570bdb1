/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-audit.h"
#include "el-model-types.h"

#include <json-glib/json-glib.h>
#include <string.h>

G_DEFINE_QUARK (el_audit_error_quark, el_audit_error)

static void
put_field (GChecksum *sum, const char *value, gsize len)
{
  guint8 be[4] = { 0xff, 0xff, 0xff, 0xff };

  if (value == NULL)
    {
      g_checksum_update (sum, be, sizeof be);
      return;
    }
  be[0] = (guint8) (len >> 24);
  be[1] = (guint8) (len >> 16);
  be[2] = (guint8) (len >> 8);
  be[3] = (guint8) len;
  g_checksum_update (sum, be, sizeof be);
  g_checksum_update (sum, (const guchar *) value, (gssize) len);
}

typedef struct
{
  gint64 id;
  const char *at;
  const char *actor_id;
  const char *action;
  const char *entity_type;
  const char *entity_id;
  const char *detail;
  gsize detail_len;
} AuditRow;

/* hash = SHA-256 (prev_hash || canonical content), see el-audit.h */
static void
compute_hash (const guint8 prev_hash[EL_AUDIT_HASH_BYTES],
              const AuditRow *row,
              guint8 out[EL_AUDIT_HASH_BYTES])
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  char id[32];
  gsize out_len = EL_AUDIT_HASH_BYTES;

  g_snprintf (id, sizeof id, "%" G_GINT64_FORMAT, row->id);
  g_checksum_update (sum, prev_hash, EL_AUDIT_HASH_BYTES);
  put_field (sum, id, strlen (id));
  put_field (sum, row->at, row->at != NULL ? strlen (row->at) : 0);
  put_field (sum, row->actor_id, row->actor_id != NULL ? strlen (row->actor_id) : 0);
  put_field (sum, row->action, row->action != NULL ? strlen (row->action) : 0);
  put_field (sum, row->entity_type, row->entity_type != NULL ? strlen (row->entity_type) : 0);
  put_field (sum, row->entity_id, row->entity_id != NULL ? strlen (row->entity_id) : 0);
  put_field (sum, row->detail, row->detail_len);
  g_checksum_get_digest (sum, out, &out_len);
}

static gboolean
invalid (GError **error, const char *message)
{
  g_set_error_literal (error, EL_AUDIT_ERROR, EL_AUDIT_ERROR_INVALID, message);
  return FALSE;
}

/* The detail as stored: a JSON object, written compactly by json-glib. */
static char *
normalize_detail (const char *detail_json, gsize *len, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;

  if (detail_json == NULL)
    {
      *len = 2;
      return g_strdup ("{}");
    }
  if (!json_parser_load_from_data (parser, detail_json, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      invalid (error, "audit detail must be a JSON object");
      return NULL;
    }
  return el_json_node_to_data (root, len);
}

/**
 * el_audit_append:
 * @db: a database in a write transaction
 * @actor_id: (nullable): the user who acted; %NULL for the system or an operator's command
 * @action: what happened, e.g. "user.create", "handoff.sign"
 * @entity_type: the kind of entity, e.g. "user", "handoff"
 * @entity_id: (nullable): its id
 * @detail_json: (nullable): a JSON object without PHI; %NULL for {}
 * @error: an %EL_AUDIT_ERROR or %EL_DB_ERROR (%EL_DB_ERROR_MISUSE outside a transaction)
 *
 * Appends one event to the chain, in the caller's transaction.
 *
 * Returns: the event's id (> 0), or 0 with @error set
 */
gint64
el_audit_append (ElDb *db,
                 const char *actor_id,
                 const char *action,
                 const char *entity_type,
                 const char *entity_id,
                 const char *detail_json,
                 GError **error)
{
  guint8 prev_hash[EL_AUDIT_HASH_BYTES] = { 0 };
  guint8 hash[EL_AUDIT_HASH_BYTES];
  g_autofree char *detail = NULL;
  g_autofree char *at = NULL;
  gint64 last_id = 0, next_id;
  AuditRow row = { 0 };
  int rc;

  g_return_val_if_fail (EL_IS_DB (db), 0);

  if (action == NULL || *action == '\0' || entity_type == NULL || *entity_type == '\0')
    {
      invalid (error, "an audit event needs an action and an entity type");
      return 0;
    }
  if (!el_db_in_transaction (db))
    {
      g_set_error_literal (error, EL_DB_ERROR, EL_DB_ERROR_MISUSE,
                           "el_audit_append() must run in the transaction of the audited change");
      return 0;
    }
  detail = normalize_detail (detail_json, &row.detail_len, error);
  if (detail == NULL)
    return 0;

  {
    g_autoptr (ElDbStmt) stmt =
        el_db_prepare (db, "SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1", error);

    if (stmt == NULL)
      return 0;
    rc = el_db_step (db, stmt, error);
    if (rc == SQLITE_ROW)
      {
        last_id = sqlite3_column_int64 (stmt, 0);
        if (sqlite3_column_bytes (stmt, 1) == EL_AUDIT_HASH_BYTES)
          memcpy (prev_hash, sqlite3_column_blob (stmt, 1), EL_AUDIT_HASH_BYTES);
      }
    else if (rc != SQLITE_DONE)
      return 0;
  }
  {
    /* AUTOINCREMENT's high-water mark: rows cut off the end leave a gap that verify reports. */
    g_autoptr (ElDbStmt) stmt =
        el_db_prepare (db, "SELECT seq FROM sqlite_sequence WHERE name = 'audit_events'", error);

    if (stmt == NULL)
      return 0;
    rc = el_db_step (db, stmt, error);
    if (rc == SQLITE_ROW)
      last_id = MAX (last_id, sqlite3_column_int64 (stmt, 0));
    else if (rc != SQLITE_DONE)
      return 0;
  }
  next_id = last_id + 1;

  at = el_db_timestamp_now ();
  row.id = next_id;
  row.at = at;
  row.actor_id = actor_id;
  row.action = action;
  row.entity_type = entity_type;
  row.entity_id = entity_id;
  row.detail = detail;
  compute_hash (prev_hash, &row, hash);

  {
    g_autoptr (ElDbStmt) stmt = el_db_prepare (db,
                                               "INSERT INTO audit_events (id, at, actor_id, action, "
                                               "entity_type, entity_id, detail, prev_hash, hash) "
                                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                                               error);

    if (stmt == NULL)
      return 0;
    sqlite3_bind_int64 (stmt, 1, next_id);
    sqlite3_bind_text (stmt, 2, at, -1, SQLITE_STATIC);
    if (actor_id != NULL)
      sqlite3_bind_text (stmt, 3, actor_id, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 4, action, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 5, entity_type, -1, SQLITE_STATIC);
    if (entity_id != NULL)
      sqlite3_bind_text (stmt, 6, entity_id, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 7, detail, (int) row.detail_len, SQLITE_STATIC);
    sqlite3_bind_blob (stmt, 8, prev_hash, sizeof prev_hash, SQLITE_STATIC);
    sqlite3_bind_blob (stmt, 9, hash, sizeof hash, SQLITE_STATIC);
    if (el_db_step (db, stmt, error) != SQLITE_DONE)
      return 0;
  }
  return next_id;
}

static gboolean
broken (gint64 id, gint64 *first_bad_id, GError **error, const char *what)
{
  if (first_bad_id != NULL)
    *first_bad_id = id;
  g_set_error (error, EL_AUDIT_ERROR, EL_AUDIT_ERROR_BROKEN,
               "audit chain broken at event %" G_GINT64_FORMAT ": %s", id, what);
  return FALSE;
}

/**
 * el_audit_verify_full:
 * @db: a database
 * @first_bad_id: (out) (optional): the first event that does not verify, 0 when all do
 * @n_events: (out) (optional): how many events verified
 * @error: %EL_AUDIT_ERROR_BROKEN, or an %EL_DB_ERROR
 *
 * Walks the whole chain in one read transaction.
 *
 * Returns: %TRUE when every event verifies
 */
gboolean
el_audit_verify_full (ElDb *db, gint64 *first_bad_id, gint64 *n_events, GError **error)
{
  guint8 prev_hash[EL_AUDIT_HASH_BYTES] = { 0 };
  gint64 expected_id = 1, count = 0, high_water = 0;
  gboolean own_transaction;
  gboolean ok = TRUE;
  int rc = SQLITE_DONE;

  g_return_val_if_fail (EL_IS_DB (db), FALSE);

  if (first_bad_id != NULL)
    *first_bad_id = 0;
  if (n_events != NULL)
    *n_events = 0;

  /* One snapshot for the rows and the high-water mark. */
  own_transaction = !el_db_in_transaction (db);
  if (own_transaction && !el_db_exec (db, "BEGIN", error))
    return FALSE;

  {
    g_autoptr (ElDbStmt) stmt =
        el_db_prepare (db,
                       "SELECT id, at, actor_id, action, entity_type, entity_id, detail, prev_hash, hash "
                       "FROM audit_events ORDER BY id",
                       error);

    if (stmt == NULL)
      ok = FALSE;
    while (ok && (rc = el_db_step (db, stmt, error)) == SQLITE_ROW)
      {
        guint8 hash[EL_AUDIT_HASH_BYTES] = { 0 };
        AuditRow row = { 0 };

        row.id = sqlite3_column_int64 (stmt, 0);
        row.at = (const char *) sqlite3_column_text (stmt, 1);
        row.actor_id = (const char *) sqlite3_column_text (stmt, 2);
        row.action = (const char *) sqlite3_column_text (stmt, 3);
        row.entity_type = (const char *) sqlite3_column_text (stmt, 4);
        row.entity_id = (const char *) sqlite3_column_text (stmt, 5);
        row.detail = (const char *) sqlite3_column_text (stmt, 6);
        row.detail_len = (gsize) sqlite3_column_bytes (stmt, 6);

        if (row.id != expected_id)
          ok = broken (row.id, first_bad_id, error, "events before it are missing");
        else if (sqlite3_column_bytes (stmt, 7) != EL_AUDIT_HASH_BYTES ||
                 memcmp (sqlite3_column_blob (stmt, 7), prev_hash, EL_AUDIT_HASH_BYTES) != 0)
          ok = broken (row.id, first_bad_id, error, "it does not follow the event before it");
        else
          {
            compute_hash (prev_hash, &row, hash);
            if (sqlite3_column_bytes (stmt, 8) != EL_AUDIT_HASH_BYTES ||
                memcmp (sqlite3_column_blob (stmt, 8), hash, EL_AUDIT_HASH_BYTES) != 0)
              ok = broken (row.id, first_bad_id, error, "its content was changed");
          }
        if (ok)
          {
            memcpy (prev_hash, hash, EL_AUDIT_HASH_BYTES);
            expected_id = row.id + 1;
            count++;
          }
      }
    if (ok && rc != SQLITE_DONE)
      ok = FALSE;
  }

  if (ok)
    {
      g_autoptr (ElDbStmt) stmt =
          el_db_prepare (db, "SELECT seq FROM sqlite_sequence WHERE name = 'audit_events'", error);

      if (stmt == NULL)
        ok = FALSE;
      else if ((rc = el_db_step (db, stmt, error)) == SQLITE_ROW)
        high_water = sqlite3_column_int64 (stmt, 0);
      else if (rc != SQLITE_DONE)
        ok = FALSE;
      if (ok && high_water >= expected_id)
        ok = broken (expected_id, first_bad_id, error, "the events from it on are missing");
    }

  if (own_transaction)
    el_db_rollback (db, NULL);
  if (ok && n_events != NULL)
    *n_events = count;
  return ok;
}

/**
 * el_audit_verify:
 * @db: a database
 * @first_bad_id: (out) (optional): the first event that does not verify, 0 when all do
 * @error: %EL_AUDIT_ERROR_BROKEN, or an %EL_DB_ERROR
 *
 * Returns: %TRUE when every event verifies
 */
gboolean
el_audit_verify (ElDb *db, gint64 *first_bad_id, GError **error)
{
  return el_audit_verify_full (db, first_bad_id, NULL, error);
}
