/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Handoffs: create, read, list with keyset pages, PATCH, status changes, sign, acknowledge. */
#include "config.h"

#include "el-repo-private.h"

#include <openssl/crypto.h>
#include <string.h>

#define HANDOFF_COLUMNS                                                                               \
  "id, patient_id, unit_id, status, shift_date, shift, outgoing_nurse_id, receiving_nurse_id, "       \
  "created_by, created_at, updated_at, latest_version, etag, signed_by, signed_at, acknowledged_by, " \
  "acknowledged_at, readback_note, failure_reason"

#define CURSOR_SEPARATOR '\x1f'

static ElHandoff *
handoff_from_row (ElDb *db, ElDbStmt *stmt, GError **error)
{
  g_autoptr (ElHandoff) handoff = el_handoff_new ();
  const char *id = el_repo_column_text (stmt, 0);
  g_autofree char *note = NULL;
  gsize note_len = 0;
  ElHandoffStatus status = EL_HANDOFF_STATUS_DRAFT;
  ElShift shift = EL_SHIFT_DAY;
  GDate date;

  if (!el_db_column_sealed (db, stmt, 17, "handoffs", id, "readback_note", &note, &note_len, error))
    return NULL;
  el_handoff_set_id (handoff, id);
  el_handoff_set_patient_id (handoff, el_repo_column_text (stmt, 1));
  el_handoff_set_unit_id (handoff, el_repo_column_text (stmt, 2));
  if (!el_handoff_status_from_string (el_repo_column_text (stmt, 3), &status) ||
      !el_date_parse (el_repo_column_text (stmt, 4), &date) ||
      !el_shift_from_string (el_repo_column_text (stmt, 5), &shift))
    {
      g_set_error (error, EL_DB_ERROR, EL_DB_ERROR_CORRUPT, "handoff %s has an invalid status, date or shift",
                   id);
      return NULL;
    }
  el_handoff_set_status (handoff, status);
  el_handoff_set_shift_date (handoff, &date);
  el_handoff_set_shift (handoff, shift);
  el_handoff_set_outgoing_nurse_id (handoff, el_repo_column_text (stmt, 6));
  el_handoff_set_receiving_nurse_id (handoff, el_repo_column_text (stmt, 7));
  el_handoff_set_created_by (handoff, el_repo_column_text (stmt, 8));
  {
    g_autoptr (GDateTime) created_at = el_repo_column_timestamp (stmt, 9);
    g_autoptr (GDateTime) updated_at = el_repo_column_timestamp (stmt, 10);
    g_autoptr (GDateTime) signed_at = el_repo_column_timestamp (stmt, 14);
    g_autoptr (GDateTime) acknowledged_at = el_repo_column_timestamp (stmt, 16);

    el_handoff_set_created_at (handoff, created_at);
    el_handoff_set_updated_at (handoff, updated_at);
    el_handoff_set_signed_at (handoff, signed_at);
    el_handoff_set_acknowledged_at (handoff, acknowledged_at);
  }
  el_handoff_set_latest_version (handoff, sqlite3_column_int (stmt, 11));
  el_handoff_set_etag (handoff, el_repo_column_text (stmt, 12));
  el_handoff_set_signed_by (handoff, el_repo_column_text (stmt, 13));
  el_handoff_set_acknowledged_by (handoff, el_repo_column_text (stmt, 15));
  el_handoff_set_readback_note (handoff, note);
  if (note != NULL)
    OPENSSL_cleanse (note, note_len);
  el_handoff_set_failure_reason (handoff, el_repo_column_text (stmt, 18));
  return g_steal_pointer (&handoff);
}

/* The Handoff JSON of a row (HANDOFF_COLUMNS): member for member the text el_handoff_to_data() writes
 * for handoff_from_row()'s object (test-repo compares the two on every kind of row), without the
 * object — the list endpoints and the change feed write many of them per request. */
static gboolean
handoff_write_row_json (ElDb *db, ElDbStmt *stmt, GString *out, GError **error)
{
  const char *id = el_repo_column_text (stmt, 0);
  const char *status_text = el_repo_column_text (stmt, 3);
  const char *date_text = el_repo_column_text (stmt, 4);
  const char *shift_text = el_repo_column_text (stmt, 5);
  g_autofree char *note = NULL;
  gsize note_len = 0;
  ElHandoffStatus status = EL_HANDOFF_STATUS_DRAFT;
  ElShift shift = EL_SHIFT_DAY;
  GDate date;

  /* checked as the model would read them; what passes is written as stored, which is what the model
   * writes (nicks match exactly; a date that parses is YYYY-MM-DD with year 1..9999) */
  if (!el_handoff_status_from_string (status_text, &status) || !el_date_parse (date_text, &date) ||
      !el_shift_from_string (shift_text, &shift))
    {
      g_set_error (error, EL_DB_ERROR, EL_DB_ERROR_CORRUPT, "handoff %s has an invalid status, date or shift",
                   id);
      return FALSE;
    }
  if (!el_db_column_sealed (db, stmt, 17, "handoffs", id, "readback_note", &note, &note_len, error))
    return FALSE;

  g_string_append (out, "{\"id\":");
  el_json_append_string (out, id);
  el_repo_json_put_string (out, "patient_id", el_repo_column_text (stmt, 1));
  el_repo_json_put_string (out, "unit_id", el_repo_column_text (stmt, 2));
  el_repo_json_put_string (out, "status", status_text);
  el_repo_json_put_string (out, "shift_date", date_text);
  el_repo_json_put_string (out, "shift", shift_text);
  el_repo_json_put_string (out, "outgoing_nurse_id", el_repo_column_text (stmt, 6));
  el_repo_json_put_string (out, "receiving_nurse_id", el_repo_column_text (stmt, 7));
  el_repo_json_put_string (out, "created_by", el_repo_column_text (stmt, 8));
  el_repo_json_put_timestamp (out, "created_at", el_repo_column_text (stmt, 9));
  el_repo_json_put_timestamp (out, "updated_at", el_repo_column_text (stmt, 10));
  el_repo_json_put_int (out, "latest_version", sqlite3_column_int (stmt, 11));
  el_repo_json_put_string (out, "etag", el_repo_column_text (stmt, 12));
  el_repo_json_put_string (out, "signed_by", el_repo_column_text (stmt, 13));
  el_repo_json_put_timestamp (out, "signed_at", el_repo_column_text (stmt, 14));
  el_repo_json_put_string (out, "acknowledged_by", el_repo_column_text (stmt, 15));
  el_repo_json_put_timestamp (out, "acknowledged_at", el_repo_column_text (stmt, 16));
  el_repo_json_put_string (out, "readback_note", note);
  if (note != NULL)
    OPENSSL_cleanse (note, note_len);
  el_repo_json_put_string (out, "failure_reason", el_repo_column_text (stmt, 18));
  g_string_append_c (out, '}');
  return TRUE;
}

/* el_repo_handoff_load()'s handoff as JSON text (the change feed); %EL_REPO_ERROR_NOT_FOUND if gone. */
gboolean
el_repo_handoff_write_json (ElDb *db, const char *handoff_id, GString *out, GError **error)
{
  g_autoptr (ElDbStmt) stmt =
      el_db_prepare (db, "SELECT " HANDOFF_COLUMNS " FROM handoffs WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  el_repo_bind_text (stmt, 1, handoff_id);
  rc = el_db_step (db, stmt, error);
  if (rc == SQLITE_DONE)
    return el_repo_fail (error, EL_REPO_ERROR_NOT_FOUND, "no such handoff");
  if (rc != SQLITE_ROW)
    return FALSE;
  return handoff_write_row_json (db, stmt, out, error);
}

ElHandoff *
el_repo_handoff_load (ElDb *db, const char *handoff_id, GError **error)
{
  g_autoptr (ElDbStmt) stmt =
      el_db_prepare (db, "SELECT " HANDOFF_COLUMNS " FROM handoffs WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  el_repo_bind_text (stmt, 1, handoff_id);
  rc = el_db_step (db, stmt, error);
  if (rc == SQLITE_DONE)
    el_repo_fail (error, EL_REPO_ERROR_NOT_FOUND, "no such handoff");
  if (rc != SQLITE_ROW)
    return NULL;
  return handoff_from_row (db, stmt, error);
}

/**
 * el_repo_handoff_get:
 * @db: a connection
 * @handoff_id: the handoff
 * @error: %EL_REPO_ERROR_NOT_FOUND, EL_DB_ERROR
 *
 * Returns: (transfer full) (nullable): the handoff, readback_note decrypted
 */
ElHandoff *
el_repo_handoff_get (ElDb *db, const char *handoff_id, GError **error)
{
  g_return_val_if_fail (handoff_id != NULL, NULL);

  return el_repo_handoff_load (db, handoff_id, error);
}

static char *
format_optional_timestamp (GDateTime *at)
{
  return at != NULL ? el_timestamp_format (at) : NULL;
}

/* Writes every mutable column of @handoff to its row. */
gboolean
el_repo_handoff_store (ElDb *db, ElHandoff *handoff, GError **error)
{
  const char *id = el_handoff_get_id (handoff);
  g_autofree char *shift_date = el_date_format (el_handoff_get_shift_date (handoff));
  g_autofree char *updated_at = format_optional_timestamp (el_handoff_get_updated_at (handoff));
  g_autofree char *signed_at = format_optional_timestamp (el_handoff_get_signed_at (handoff));
  g_autofree char *acknowledged_at = format_optional_timestamp (el_handoff_get_acknowledged_at (handoff));
  g_autoptr (ElDbStmt) stmt = NULL;

  /* Only this file changes handoffs, through the state machine and validated setters: no second
   * validation here (it would encode and decode the handoff on every change). */
  stmt = el_db_prepare (
      db,
      "UPDATE handoffs SET status = ?2, shift_date = ?3, shift = ?4, outgoing_nurse_id = ?5, "
      "receiving_nurse_id = ?6, updated_at = ?7, latest_version = ?8, etag = ?9, signed_by = ?10, "
      "signed_at = ?11, acknowledged_by = ?12, acknowledged_at = ?13, readback_note = ?14, "
      "failure_reason = ?15 WHERE id = ?1",
      error);
  if (stmt == NULL)
    return FALSE;
  el_repo_bind_text (stmt, 1, id);
  el_repo_bind_text (stmt, 2, el_handoff_status_to_string (el_handoff_get_status (handoff)));
  el_repo_bind_text (stmt, 3, shift_date);
  el_repo_bind_text (stmt, 4, el_shift_to_string (el_handoff_get_shift (handoff)));
  el_repo_bind_text (stmt, 5, el_handoff_get_outgoing_nurse_id (handoff));
  el_repo_bind_text (stmt, 6, el_handoff_get_receiving_nurse_id (handoff));
  el_repo_bind_text (stmt, 7, updated_at);
  sqlite3_bind_int (stmt, 8, el_handoff_get_latest_version (handoff));
  el_repo_bind_text (stmt, 9, el_handoff_get_etag (handoff));
  el_repo_bind_text (stmt, 10, el_handoff_get_signed_by (handoff));
  el_repo_bind_text (stmt, 11, signed_at);
  el_repo_bind_text (stmt, 12, el_handoff_get_acknowledged_by (handoff));
  el_repo_bind_text (stmt, 13, acknowledged_at);
  if (!el_db_bind_sealed (db, stmt, 14, "handoffs", id, "readback_note",
                          el_handoff_get_readback_note (handoff), -1, error))
    return FALSE;
  el_repo_bind_text (stmt, 15, el_handoff_get_failure_reason (handoff));
  if (el_db_step (db, stmt, error) != SQLITE_DONE)
    return FALSE;
  if (sqlite3_changes (el_db_get_handle (db)) != 1)
    return el_repo_fail (error, EL_REPO_ERROR_NOT_FOUND, "no such handoff");
  return TRUE;
}

/* A new etag and updated_at, the row, the audit event (none when @action is NULL) and the
 * change-feed row. */
gboolean
el_repo_handoff_save_change (ElDb *db,
                             ElHandoff *handoff,
                             const char *actor_id,
                             const char *action,
                             JsonObject *detail,
                             GError **error)
{
  g_autoptr (GDateTime) now = el_repo_now (db);
  g_autofree char *etag = el_repo_new_etag ();

  el_handoff_set_etag (handoff, etag);
  el_handoff_set_updated_at (handoff, now);
  if (!el_repo_handoff_store (db, handoff, error))
    {
      if (detail != NULL)
        json_object_unref (detail);
      return FALSE;
    }
  if (action == NULL)
    {
      if (detail != NULL)
        json_object_unref (detail);
      return el_db_next_change (db, "handoff", el_handoff_get_id (handoff), EL_DB_CHANGE_UPSERT,
                                el_handoff_get_unit_id (handoff), error) > 0;
    }
  return el_repo_record (db, actor_id, action, "handoff", el_handoff_get_id (handoff), detail, "handoff",
                         EL_DB_CHANGE_UPSERT, el_handoff_get_unit_id (handoff), error);
}

gboolean
el_repo_handoff_check_unlocked (ElHandoff *handoff, GError **error)
{
  ElHandoffStatus status = el_handoff_get_status (handoff);

  if (status == EL_HANDOFF_STATUS_ACKNOWLEDGED || status == EL_HANDOFF_STATUS_CANCELLED)
    return el_repo_fail (error, EL_REPO_ERROR_LOCKED, "the handoff is %s and can no longer change",
                         el_handoff_status_to_string (status));
  return TRUE;
}

gboolean
el_repo_handoff_transition (ElHandoff *handoff, ElHandoffStatus to, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  if (el_handoff_transition (handoff, to, &local_error))
    return TRUE;
  return el_repo_fail (error, EL_REPO_ERROR_INVALID_TRANSITION, "%s", local_error->message);
}

static JsonObject *
status_detail (ElHandoffStatus from, ElHandoffStatus to)
{
  JsonObject *detail = json_object_new ();

  json_object_set_string_member (detail, "from", el_handoff_status_to_string (from));
  json_object_set_string_member (detail, "to", el_handoff_status_to_string (to));
  return detail;
}

/* Create ---------------------------------------------------------------------------------------- */

static gboolean
same_date (const GDate *a, const GDate *b)
{
  return a != NULL && b != NULL && g_date_compare (a, b) == 0;
}

static gboolean
same_request (ElHandoff *existing, ElHandoff *request, const char *unit_id)
{
  return g_strcmp0 (el_handoff_get_patient_id (existing), el_handoff_get_patient_id (request)) == 0 &&
         g_strcmp0 (el_handoff_get_unit_id (existing), unit_id) == 0 &&
         same_date (el_handoff_get_shift_date (existing), el_handoff_get_shift_date (request)) &&
         el_handoff_get_shift (existing) == el_handoff_get_shift (request) &&
         g_strcmp0 (el_handoff_get_outgoing_nurse_id (existing),
                    el_handoff_get_outgoing_nurse_id (request)) == 0 &&
         g_strcmp0 (el_handoff_get_receiving_nurse_id (existing),
                    el_handoff_get_receiving_nurse_id (request)) == 0;
}

static gboolean
check_nurse (ElDb *db, const char *user_id, const char *member, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  if (user_id == NULL || el_repo_user_exists (db, user_id, &local_error))
    return TRUE;
  if (g_error_matches (local_error, EL_REPO_ERROR, EL_REPO_ERROR_INVALID))
    return el_repo_fail (error, EL_REPO_ERROR_INVALID, "%s: no such user", member);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/**
 * el_repo_handoff_create:
 * @db: a connection
 * @request: the new handoff (schema HandoffCreate): id (client-chosen), patient_id, shift_date,
 *   shift, optionally unit_id (must be the patient's), outgoing_nurse_id, receiving_nurse_id,
 *   created_by (default @actor_id); its other members are ignored
 * @actor_id: (nullable): who creates it
 * @existed: (out) (optional): %TRUE when a handoff with this id and the same content already
 *   existed (it is returned and nothing is written)
 * @error: %EL_REPO_ERROR_DUPLICATE (the id exists with other content), %EL_REPO_ERROR_NOT_FOUND
 *   (no such patient, or discharged), %EL_REPO_ERROR_INVALID (unit_id is not the patient's, an
 *   unknown nurse, no creator), EL_MODEL_ERROR, EL_DB_ERROR
 *
 * Creates the handoff in status draft, latest_version 0, with a new etag. Audit
 * "handoff.create"; change feed "handoff".
 *
 * Returns: (transfer full) (nullable): the handoff as stored
 */
ElHandoff *
el_repo_handoff_create (ElDb *db, ElHandoff *request, const char *actor_id, gboolean *existed, GError **error)
{
  g_autoptr (ElRepoWrite) write = NULL;
  g_autoptr (ElHandoff) handoff = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *unit_id = NULL;
  g_autofree char *etag = NULL;
  g_autofree char *now_str = NULL;
  g_autofree char *shift_date = NULL;
  const char *id, *created_by;
  gboolean discharged = FALSE;
  JsonObject *detail;

  g_return_val_if_fail (EL_IS_HANDOFF (request), NULL);

  if (existed != NULL)
    *existed = FALSE;
  id = el_handoff_get_id (request);
  if (id == NULL || !el_uuid_is_valid (id) || el_handoff_get_patient_id (request) == NULL ||
      el_handoff_get_shift_date (request) == NULL)
    {
      el_repo_fail (error, EL_REPO_ERROR_INVALID, "a new handoff needs an id, a patient and a shift date");
      return NULL;
    }
  created_by = el_handoff_get_created_by (request) != NULL ? el_handoff_get_created_by (request) : actor_id;
  if (created_by == NULL)
    {
      el_repo_fail (error, EL_REPO_ERROR_INVALID, "created_by: a handoff is created by a user");
      return NULL;
    }

  if ((write = el_repo_write_begin (db, error)) == NULL)
    return NULL;
  handoff = el_repo_handoff_load (db, id, &local_error);
  if (handoff != NULL)
    {
      const char *wanted_unit = el_handoff_get_unit_id (request) != NULL ? el_handoff_get_unit_id (request)
                                                                         : el_handoff_get_unit_id (handoff);

      if (!same_request (handoff, request, wanted_unit))
        {
          el_repo_fail (error, EL_REPO_ERROR_DUPLICATE, "another handoff with this id exists");
          return NULL;
        }
      if (!el_repo_write_commit (write, error))
        return NULL;
      if (existed != NULL)
        *existed = TRUE;
      return g_steal_pointer (&handoff);
    }
  if (!g_error_matches (local_error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  g_clear_error (&local_error);

  unit_id = el_repo_patient_unit (db, el_handoff_get_patient_id (request), &discharged, error);
  if (unit_id == NULL)
    return NULL;
  if (discharged)
    {
      el_repo_fail (error, EL_REPO_ERROR_NOT_FOUND, "the patient was discharged");
      return NULL;
    }
  if (el_handoff_get_unit_id (request) != NULL && strcmp (el_handoff_get_unit_id (request), unit_id) != 0)
    {
      el_repo_fail (error, EL_REPO_ERROR_INVALID, "unit_id: not the patient's unit");
      return NULL;
    }
  if (!check_nurse (db, el_handoff_get_outgoing_nurse_id (request), "outgoing_nurse_id", error) ||
      !check_nurse (db, el_handoff_get_receiving_nurse_id (request), "receiving_nurse_id", error) ||
      !check_nurse (db, created_by, "created_by", error))
    return NULL;

  now = el_repo_now (db);
  now_str = el_timestamp_format (now);
  etag = el_repo_new_etag ();
  handoff = el_handoff_new ();
  el_handoff_set_id (handoff, id);
  el_handoff_set_patient_id (handoff, el_handoff_get_patient_id (request));
  el_handoff_set_unit_id (handoff, unit_id);
  el_handoff_set_status (handoff, EL_HANDOFF_STATUS_DRAFT);
  el_handoff_set_shift_date (handoff, el_handoff_get_shift_date (request));
  el_handoff_set_shift (handoff, el_handoff_get_shift (request));
  el_handoff_set_outgoing_nurse_id (handoff, el_handoff_get_outgoing_nurse_id (request));
  el_handoff_set_receiving_nurse_id (handoff, el_handoff_get_receiving_nurse_id (request));
  el_handoff_set_created_by (handoff, created_by);
  el_handoff_set_created_at (handoff, now);
  el_handoff_set_updated_at (handoff, now);
  el_handoff_set_latest_version (handoff, 0);
  el_handoff_set_etag (handoff, etag);
  if (!el_handoff_validate (handoff, error))
    return NULL;
  shift_date = el_date_format (el_handoff_get_shift_date (handoff));

  {
    g_autoptr (ElDbStmt) stmt = el_db_prepare (
        db,
        "INSERT INTO handoffs (id, patient_id, unit_id, status, shift_date, shift, outgoing_nurse_id, "
        "receiving_nurse_id, created_by, created_at, updated_at, latest_version, etag) "
        "VALUES (?1, ?2, ?3, 'draft', ?4, ?5, ?6, ?7, ?8, ?9, ?9, 0, ?10)",
        error);

    if (stmt == NULL)
      return NULL;
    el_repo_bind_text (stmt, 1, id);
    el_repo_bind_text (stmt, 2, el_handoff_get_patient_id (handoff));
    el_repo_bind_text (stmt, 3, unit_id);
    el_repo_bind_text (stmt, 4, shift_date);
    el_repo_bind_text (stmt, 5, el_shift_to_string (el_handoff_get_shift (handoff)));
    el_repo_bind_text (stmt, 6, el_handoff_get_outgoing_nurse_id (handoff));
    el_repo_bind_text (stmt, 7, el_handoff_get_receiving_nurse_id (handoff));
    el_repo_bind_text (stmt, 8, created_by);
    el_repo_bind_text (stmt, 9, now_str);
    el_repo_bind_text (stmt, 10, etag);
    if (el_db_step (db, stmt, error) != SQLITE_DONE)
      return NULL;
  }

  detail = json_object_new ();
  json_object_set_string_member (detail, "patient_id", el_handoff_get_patient_id (handoff));
  json_object_set_string_member (detail, "unit_id", unit_id);
  json_object_set_string_member (detail, "shift_date", shift_date);
  json_object_set_string_member (detail, "shift", el_shift_to_string (el_handoff_get_shift (handoff)));
  if (!el_repo_record (db, actor_id, "handoff.create", "handoff", id, detail, "handoff", EL_DB_CHANGE_UPSERT,
                       unit_id, error) ||
      !el_repo_write_commit (write, error))
    return NULL;
  return g_steal_pointer (&handoff);
}

/* List ------------------------------------------------------------------------------------------ */

/* The cursor after a row: its shift_date, created_at and id as stored (what the ORDER BY compares). */
static char *
cursor_encode (const char *date, const char *created_at, const char *id)
{
  g_autofree char *raw =
      g_strdup_printf ("%s%c%s%c%s", date, CURSOR_SEPARATOR, created_at, CURSOR_SEPARATOR, id);
  char *encoded = g_base64_encode ((const guchar *) raw, strlen (raw));

  /* base64url without padding: safe in a query string as it is. */
  g_strdelimit (encoded, "+", '-');
  g_strdelimit (encoded, "/", '_');
  for (char *end = encoded + strlen (encoded); end > encoded && end[-1] == '='; end--)
    end[-1] = '\0';
  return encoded;
}

static gboolean
cursor_decode (const char *cursor, char **date, char **created_at, char **id, GError **error)
{
  g_autofree char *text = NULL;
  g_autofree guchar *raw = NULL;
  g_auto (GStrv) parts = NULL;
  g_autoptr (GDateTime) timestamp = NULL;
  g_autofree char *canonical = NULL;
  gsize len, raw_len = 0;
  GDate parsed;

  len = strlen (cursor);
  if (len == 0 || len > 512)
    return el_repo_fail (error, EL_REPO_ERROR_INVALID, "cursor: not a cursor of this list");
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (cursor[i]) && cursor[i] != '-' && cursor[i] != '_')
      return el_repo_fail (error, EL_REPO_ERROR_INVALID, "cursor: not a cursor of this list");
  text = g_malloc (len + 4);
  memcpy (text, cursor, len);
  while (len % 4 != 0)
    text[len++] = '=';
  text[len] = '\0';
  g_strdelimit (text, "-", '+');
  g_strdelimit (text, "_", '/');
  raw = g_base64_decode (text, &raw_len);
  if (raw == NULL || raw_len == 0 || memchr (raw, '\0', raw_len) != NULL)
    return el_repo_fail (error, EL_REPO_ERROR_INVALID, "cursor: not a cursor of this list");
  {
    g_autofree char *str = g_strndup ((const char *) raw, raw_len);
    const char separator[2] = { CURSOR_SEPARATOR, '\0' };

    parts = g_strsplit (str, separator, -1);
  }
  if (g_strv_length (parts) != 3 || !el_date_parse (parts[0], &parsed) ||
      (timestamp = el_timestamp_parse (parts[1])) == NULL || !el_uuid_is_valid (parts[2]))
    return el_repo_fail (error, EL_REPO_ERROR_INVALID, "cursor: not a cursor of this list");
  canonical = el_timestamp_format (timestamp);
  *date = g_strdup (parts[0]);
  *created_at = g_steal_pointer (&canonical);
  *id = g_strdup (parts[2]);
  return TRUE;
}

/**
 * el_repo_handoffs_list:
 * @db: a connection
 * @filter: (nullable): the filters
 * @cursor: (nullable): @next_cursor of the previous page; %NULL for the first page
 * @limit: the page size, 1..%EL_REPO_MAX_LIMIT
 * @next_cursor: (out) (transfer full) (nullable): the cursor of the next page, %NULL without one
 * @has_more: (out): %TRUE when there is a next page
 * @error: %EL_REPO_ERROR_INVALID (limit out of range, a cursor this list did not make), EL_DB_ERROR
 *
 * Returns: (transfer full) (element-type ElHandoff) (nullable): one page
 */
/* Called for each row of a page, in order; FALSE (with @error set) stops the page. */
typedef gboolean (*HandoffRowFunc) (ElDb *db, ElDbStmt *stmt, gpointer user_data, GError **error);

static gboolean
handoffs_page (ElDb *db,
               const ElRepoHandoffFilter *filter,
               const char *cursor,
               guint limit,
               HandoffRowFunc row_func,
               gpointer user_data,
               char **next_cursor,
               gboolean *has_more,
               GError **error)
{
  static const ElRepoHandoffFilter no_filter = { 0 };
  g_autofree char *last_date = NULL;
  g_autofree char *last_created = NULL;
  g_autofree char *last_id = NULL;
  guint count = 0;
  g_autoptr (GString) sql = g_string_new ("SELECT " HANDOFF_COLUMNS " FROM handoffs WHERE 1");
  g_autoptr (ElDbStmt) stmt = NULL;
  g_autofree char *c_date = NULL;
  g_autofree char *c_created = NULL;
  g_autofree char *c_id = NULL;
  g_autofree char *shift_date = NULL;
  int rc;

  g_return_val_if_fail (next_cursor != NULL && has_more != NULL, FALSE);

  *next_cursor = NULL;
  *has_more = FALSE;
  if (filter == NULL)
    filter = &no_filter;
  if (limit < 1 || limit > EL_REPO_MAX_LIMIT)
    {
      return el_repo_fail (error, EL_REPO_ERROR_INVALID, "limit: must be from 1 to %d", EL_REPO_MAX_LIMIT);
    }
  if (cursor != NULL && !cursor_decode (cursor, &c_date, &c_created, &c_id, error))
    return FALSE;
  if (filter->shift_date != NULL)
    shift_date = el_date_format (filter->shift_date);

  /* One statement per combination of filters (each cached), so SQLite picks an index for it. */
  if (filter->unit_id != NULL)
    g_string_append (sql, " AND unit_id = ?1");
  if (filter->scope_unit_id != NULL)
    g_string_append (sql, " AND unit_id = ?2");
  if (filter->patient_id != NULL)
    g_string_append (sql, " AND patient_id = ?3");
  if (filter->has_status)
    g_string_append (sql, " AND status = ?4");
  if (shift_date != NULL)
    g_string_append (sql, " AND shift_date = ?5");
  if (cursor != NULL)
    g_string_append (sql, " AND (shift_date, created_at, id) < (?6, ?7, ?8)");
  g_string_append (sql, " ORDER BY shift_date DESC, created_at DESC, id DESC LIMIT ?9");

  stmt = el_db_prepare (db, sql->str, error);
  if (stmt == NULL)
    return FALSE;
  el_repo_bind_text (stmt, 1, filter->unit_id);
  el_repo_bind_text (stmt, 2, filter->scope_unit_id);
  el_repo_bind_text (stmt, 3, filter->patient_id);
  el_repo_bind_text (stmt, 4, filter->has_status ? el_handoff_status_to_string (filter->status) : NULL);
  el_repo_bind_text (stmt, 5, shift_date);
  el_repo_bind_text (stmt, 6, c_date);
  el_repo_bind_text (stmt, 7, c_created);
  el_repo_bind_text (stmt, 8, c_id);
  sqlite3_bind_int (stmt, 9, (int) limit + 1);
  while ((rc = el_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      if (count == limit)
        {
          *has_more = TRUE;
          break;
        }
      if (!row_func (db, stmt, user_data, error))
        return FALSE;
      if (++count == limit)
        {
          /* the last row of a full page: the next page starts after it */
          last_date = g_strdup (el_repo_column_text (stmt, 4));
          last_created = g_strdup (el_repo_column_text (stmt, 9));
          last_id = g_strdup (el_repo_column_text (stmt, 0));
        }
    }
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return FALSE;
  if (*has_more)
    *next_cursor = cursor_encode (last_date, last_created, last_id);
  return TRUE;
}

static gboolean
collect_row (ElDb *db, ElDbStmt *stmt, gpointer user_data, GError **error)
{
  ElHandoff *handoff = handoff_from_row (db, stmt, error);

  if (handoff == NULL)
    return FALSE;
  g_ptr_array_add (user_data, handoff);
  return TRUE;
}

GPtrArray *
el_repo_handoffs_list (ElDb *db,
                       const ElRepoHandoffFilter *filter,
                       const char *cursor,
                       guint limit,
                       char **next_cursor,
                       gboolean *has_more,
                       GError **error)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  if (!handoffs_page (db, filter, cursor, limit, collect_row, items, next_cursor, has_more, error))
    return NULL;
  return g_steal_pointer (&items);
}

typedef struct
{
  GString *out;
  guint n;
} JsonRows;

static gboolean
write_row (ElDb *db, ElDbStmt *stmt, gpointer user_data, GError **error)
{
  JsonRows *rows = user_data;

  if (rows->n++ > 0)
    g_string_append_c (rows->out, ',');
  return handoff_write_row_json (db, stmt, rows->out, error);
}

/**
 * el_repo_handoffs_list_json:
 * @out: where the page's Handoff objects are appended as JSON text, separated by commas (no brackets)
 *
 * el_repo_handoffs_list() for a response body: the same page, the same cursor, and for each row
 * exactly the text el_handoff_to_data() would write for el_repo_handoffs_list()'s object, written
 * from the row without building the object. On failure @out holds a partial page: discard it.
 *
 * Returns: %TRUE on success
 */
gboolean
el_repo_handoffs_list_json (ElDb *db,
                            const ElRepoHandoffFilter *filter,
                            const char *cursor,
                            guint limit,
                            GString *out,
                            char **next_cursor,
                            gboolean *has_more,
                            GError **error)
{
  JsonRows rows = { out, 0 };

  return handoffs_page (db, filter, cursor, limit, write_row, &rows, next_cursor, has_more, error);
}

/* Changes --------------------------------------------------------------------------------------- */

/**
 * el_repo_handoff_update:
 * @db: a connection
 * @handoff_id: the handoff
 * @if_match: (nullable): the etag the client read; %NULL = no check (the HTTP layer answers 428)
 * @patch: what changes
 * @actor_id: (nullable): who changes it
 * @error: %EL_REPO_ERROR_NOT_FOUND, %EL_REPO_ERROR_LOCKED, %EL_REPO_ERROR_STALE (If-Match),
 *   %EL_REPO_ERROR_INVALID_TRANSITION (cancel), %EL_REPO_ERROR_INVALID (an unknown nurse),
 *   EL_DB_ERROR
 *
 * Audit "handoff.update" (the names of the changed members) or "handoff.cancel".
 *
 * Returns: (transfer full) (nullable): the handoff as stored
 */
ElHandoff *
el_repo_handoff_update (ElDb *db,
                        const char *handoff_id,
                        const char *if_match,
                        const ElRepoHandoffPatch *patch,
                        const char *actor_id,
                        GError **error)
{
  g_autoptr (ElRepoWrite) write = NULL;
  g_autoptr (ElHandoff) handoff = NULL;
  g_autoptr (JsonArray) changed = json_array_new ();
  ElHandoffStatus from;
  JsonObject *detail;

  g_return_val_if_fail (handoff_id != NULL && patch != NULL, NULL);

  if ((write = el_repo_write_begin (db, error)) == NULL)
    return NULL;
  if ((handoff = el_repo_handoff_load (db, handoff_id, error)) == NULL ||
      !el_repo_handoff_check_unlocked (handoff, error))
    return NULL;
  if (if_match != NULL && g_strcmp0 (if_match, el_handoff_get_etag (handoff)) != 0)
    {
      el_repo_fail (error, EL_REPO_ERROR_STALE, "the handoff changed since it was read");
      return NULL;
    }
  from = el_handoff_get_status (handoff);
  if (patch->shift_date != NULL)
    {
      el_handoff_set_shift_date (handoff, patch->shift_date);
      json_array_add_string_element (changed, "shift_date");
    }
  if (patch->set_shift)
    {
      el_handoff_set_shift (handoff, patch->shift);
      json_array_add_string_element (changed, "shift");
    }
  if (patch->set_outgoing_nurse_id)
    {
      if (!check_nurse (db, patch->outgoing_nurse_id, "outgoing_nurse_id", error))
        return NULL;
      el_handoff_set_outgoing_nurse_id (handoff, patch->outgoing_nurse_id);
      json_array_add_string_element (changed, "outgoing_nurse_id");
    }
  if (patch->set_receiving_nurse_id)
    {
      if (!check_nurse (db, patch->receiving_nurse_id, "receiving_nurse_id", error))
        return NULL;
      el_handoff_set_receiving_nurse_id (handoff, patch->receiving_nurse_id);
      json_array_add_string_element (changed, "receiving_nurse_id");
    }
  if (patch->cancel)
    {
      if (!el_repo_handoff_transition (handoff, EL_HANDOFF_STATUS_CANCELLED, error))
        return NULL;
      json_array_add_string_element (changed, "status");
    }

  detail = patch->cancel ? status_detail (from, EL_HANDOFF_STATUS_CANCELLED) : json_object_new ();
  json_object_set_array_member (detail, "changed", g_steal_pointer (&changed));
  if (!el_repo_handoff_save_change (db, handoff, actor_id,
                                    patch->cancel ? "handoff.cancel" : "handoff.update", detail, error) ||
      !el_repo_write_commit (write, error))
    return NULL;
  return g_steal_pointer (&handoff);
}

/**
 * el_repo_handoff_set_status:
 * @db: a connection
 * @handoff_id: the handoff
 * @status: the new status (processing, ready, failed, cancelled: the job runner's changes)
 * @failure_reason: (nullable): for failed: a system message (never a transcript or a name)
 * @actor_id: (nullable): who changes it (%NULL: the system)
 * @error: %EL_REPO_ERROR_NOT_FOUND, %EL_REPO_ERROR_LOCKED, %EL_REPO_ERROR_INVALID_TRANSITION,
 *   EL_DB_ERROR
 *
 * Audit "handoff.status" {from, to}. Use el_repo_handoff_sign() and
 * el_repo_handoff_acknowledge() for those two.
 *
 * Returns: (transfer full) (nullable): the handoff as stored
 */
ElHandoff *
el_repo_handoff_set_status (ElDb *db,
                            const char *handoff_id,
                            ElHandoffStatus status,
                            const char *failure_reason,
                            const char *actor_id,
                            GError **error)
{
  g_autoptr (ElRepoWrite) write = NULL;
  g_autoptr (ElHandoff) handoff = NULL;
  ElHandoffStatus from;

  g_return_val_if_fail (handoff_id != NULL, NULL);

  if (status == EL_HANDOFF_STATUS_SIGNED || status == EL_HANDOFF_STATUS_ACKNOWLEDGED)
    {
      el_repo_fail (error, EL_REPO_ERROR_INVALID_TRANSITION,
                    "status: sign and acknowledge have their own calls");
      return NULL;
    }
  if ((write = el_repo_write_begin (db, error)) == NULL)
    return NULL;
  if ((handoff = el_repo_handoff_load (db, handoff_id, error)) == NULL ||
      !el_repo_handoff_check_unlocked (handoff, error))
    return NULL;
  from = el_handoff_get_status (handoff);
  if (!el_repo_handoff_transition (handoff, status, error))
    return NULL;
  if (status == EL_HANDOFF_STATUS_FAILED)
    el_handoff_set_failure_reason (handoff, failure_reason);
  else if (status == EL_HANDOFF_STATUS_PROCESSING || status == EL_HANDOFF_STATUS_READY)
    el_handoff_set_failure_reason (handoff, NULL);
  if (!el_repo_handoff_save_change (db, handoff, actor_id, "handoff.status", status_detail (from, status),
                                    error) ||
      !el_repo_write_commit (write, error))
    return NULL;
  return g_steal_pointer (&handoff);
}

/* The handoff must be at @version: otherwise %EL_REPO_ERROR_CONFLICT_VERSION with the latest. */
static gboolean
check_version (ElDb *db, ElHandoff *handoff, int version, ElSbarVersion **latest_out, GError **error)
{
  int latest = el_handoff_get_latest_version (handoff);

  if (version == latest && latest > 0)
    return TRUE;
  if (latest_out != NULL && latest > 0)
    *latest_out = el_repo_sbar_get (db, el_handoff_get_id (handoff), latest, NULL);
  return el_repo_fail (error, EL_REPO_ERROR_CONFLICT_VERSION, "version %d is not the latest (%d)", version,
                       latest);
}

/**
 * el_repo_handoff_sign:
 * @db: a connection
 * @handoff_id: the handoff
 * @version: the SBAR version being signed; must be the latest
 * @signer_id: the outgoing nurse (the caller checked her password)
 * @latest_out: (out) (optional) (transfer full) (nullable): on %EL_REPO_ERROR_CONFLICT_VERSION,
 *   the latest version
 * @error: %EL_REPO_ERROR_NOT_FOUND, %EL_REPO_ERROR_LOCKED, %EL_REPO_ERROR_INVALID_TRANSITION (not
 *   ready), %EL_REPO_ERROR_CONFLICT_VERSION, %EL_REPO_ERROR_FORBIDDEN (another nurse is the
 *   handoff's outgoing nurse), EL_DB_ERROR
 *
 * ready -> signed with signed_by and signed_at. Audit "handoff.sign" {version}.
 *
 * Returns: (transfer full) (nullable): the handoff as stored
 */
ElHandoff *
el_repo_handoff_sign (ElDb *db,
                      const char *handoff_id,
                      int version,
                      const char *signer_id,
                      ElSbarVersion **latest_out,
                      GError **error)
{
  g_autoptr (ElRepoWrite) write = NULL;
  g_autoptr (ElHandoff) handoff = NULL;
  g_autoptr (GDateTime) now = NULL;
  const char *outgoing;
  JsonObject *detail;

  g_return_val_if_fail (handoff_id != NULL && signer_id != NULL, NULL);

  if (latest_out != NULL)
    *latest_out = NULL;
  if ((write = el_repo_write_begin (db, error)) == NULL)
    return NULL;
  if ((handoff = el_repo_handoff_load (db, handoff_id, error)) == NULL ||
      !el_repo_handoff_check_unlocked (handoff, error))
    return NULL;
  outgoing = el_handoff_get_outgoing_nurse_id (handoff);
  if (outgoing != NULL && strcmp (outgoing, signer_id) != 0)
    {
      el_repo_fail (error, EL_REPO_ERROR_FORBIDDEN, "only the outgoing nurse may sign this handoff");
      return NULL;
    }
  if (!check_nurse (db, signer_id, "signed_by", error) ||
      !el_repo_handoff_transition (handoff, EL_HANDOFF_STATUS_SIGNED, error) ||
      !check_version (db, handoff, version, latest_out, error))
    return NULL;
  now = el_repo_now (db);
  el_handoff_set_signed_by (handoff, signer_id);
  el_handoff_set_signed_at (handoff, now);
  detail = status_detail (EL_HANDOFF_STATUS_READY, EL_HANDOFF_STATUS_SIGNED);
  json_object_set_int_member (detail, "version", version);
  if (!el_repo_handoff_save_change (db, handoff, signer_id, "handoff.sign", detail, error) ||
      !el_repo_write_commit (write, error))
    return NULL;
  return g_steal_pointer (&handoff);
}

/**
 * el_repo_handoff_acknowledge:
 * @db: a connection
 * @handoff_id: the handoff
 * @version: the SBAR version read back; must be the signed, latest one
 * @readback_note: (nullable): a note from the read-back (sealed)
 * @user_id: the receiving nurse
 * @latest_out: (out) (optional) (transfer full) (nullable): on %EL_REPO_ERROR_CONFLICT_VERSION,
 *   the latest version
 * @error: %EL_REPO_ERROR_NOT_FOUND, %EL_REPO_ERROR_LOCKED, %EL_REPO_ERROR_INVALID_TRANSITION (not
 *   signed), %EL_REPO_ERROR_CONFLICT_VERSION, %EL_REPO_ERROR_FORBIDDEN (the signer, or not the
 *   handoff's receiving nurse), EL_DB_ERROR
 *
 * signed -> acknowledged; the handoff is locked from then on. Audit "handoff.acknowledge"
 * {version, readback_note: whether there is one}.
 *
 * Returns: (transfer full) (nullable): the handoff as stored
 */
ElHandoff *
el_repo_handoff_acknowledge (ElDb *db,
                             const char *handoff_id,
                             int version,
                             const char *readback_note,
                             const char *user_id,
                             ElSbarVersion **latest_out,
                             GError **error)
{
  g_autoptr (ElRepoWrite) write = NULL;
  g_autoptr (ElHandoff) handoff = NULL;
  g_autoptr (GDateTime) now = NULL;
  const char *receiving;
  JsonObject *detail;

  g_return_val_if_fail (handoff_id != NULL && user_id != NULL, NULL);

  if (latest_out != NULL)
    *latest_out = NULL;
  if ((write = el_repo_write_begin (db, error)) == NULL)
    return NULL;
  if ((handoff = el_repo_handoff_load (db, handoff_id, error)) == NULL ||
      !el_repo_handoff_check_unlocked (handoff, error))
    return NULL;
  if (!el_repo_handoff_transition (handoff, EL_HANDOFF_STATUS_ACKNOWLEDGED, error) ||
      !check_version (db, handoff, version, latest_out, error))
    return NULL;
  receiving = el_handoff_get_receiving_nurse_id (handoff);
  if (g_strcmp0 (el_handoff_get_signed_by (handoff), user_id) == 0)
    {
      el_repo_fail (error, EL_REPO_ERROR_FORBIDDEN, "the nurse who signed cannot acknowledge");
      return NULL;
    }
  if (receiving != NULL && strcmp (receiving, user_id) != 0)
    {
      el_repo_fail (error, EL_REPO_ERROR_FORBIDDEN, "only the receiving nurse may acknowledge this handoff");
      return NULL;
    }
  if (!check_nurse (db, user_id, "acknowledged_by", error))
    return NULL;
  now = el_repo_now (db);
  el_handoff_set_acknowledged_by (handoff, user_id);
  el_handoff_set_acknowledged_at (handoff, now);
  el_handoff_set_readback_note (handoff, readback_note);
  detail = status_detail (EL_HANDOFF_STATUS_SIGNED, EL_HANDOFF_STATUS_ACKNOWLEDGED);
  json_object_set_int_member (detail, "version", version);
  json_object_set_boolean_member (detail, "readback_note", readback_note != NULL);
  if (!el_repo_handoff_save_change (db, handoff, user_id, "handoff.acknowledge", detail, error) ||
      !el_repo_write_commit (write, error))
    return NULL;
  return g_steal_pointer (&handoff);
}
