/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Recordings: the upload's row, the job runner's updates; transcript and words sealed. */
#include "config.h"

#include "el-repo-private.h"

#include <openssl/crypto.h>
#include <string.h>

#define RECORDING_COLUMNS                                                                        \
  "r.id, r.handoff_id, r.status, r.mime_type, r.duration_ms, r.size_bytes, r.sha256, r.engine, " \
  "r.transcript, r.words, r.error, r.created_at, r.updated_at, r.storage_path, h.unit_id "       \
  "FROM recordings r JOIN handoffs h ON h.id = r.handoff_id"

static void
put_text (JsonObject *obj, const char *member, ElDbStmt *stmt, int col)
{
  const char *text = el_repo_column_text (stmt, col);

  if (text != NULL)
    json_object_set_string_member (obj, member, text);
}

static void
put_int (JsonObject *obj, const char *member, ElDbStmt *stmt, int col)
{
  if (sqlite3_column_type (stmt, col) != SQLITE_NULL)
    json_object_set_int_member (obj, member, sqlite3_column_int64 (stmt, col));
}

static ElRecording *
recording_from_row (ElDb *db, ElDbStmt *stmt, GError **error)
{
  const char *id = el_repo_column_text (stmt, 0);
  g_autoptr (JsonNode) node = el_repo_object_node_new ();
  JsonObject *obj = json_node_get_object (node);
  g_autofree char *transcript = NULL;
  g_autofree char *words = NULL;
  gsize transcript_len = 0, words_len = 0;
  ElRecording *recording = NULL;

  if (!el_db_column_sealed (db, stmt, 8, "recordings", id, "transcript", &transcript, &transcript_len,
                            error) ||
      !el_db_column_sealed (db, stmt, 9, "recordings", id, "words", &words, &words_len, error))
    goto out;
  put_text (obj, "id", stmt, 0);
  put_text (obj, "handoff_id", stmt, 1);
  put_text (obj, "status", stmt, 2);
  put_text (obj, "mime_type", stmt, 3);
  put_int (obj, "duration_ms", stmt, 4);
  put_int (obj, "size_bytes", stmt, 5);
  put_text (obj, "sha256", stmt, 6);
  put_text (obj, "engine", stmt, 7);
  if (transcript != NULL)
    json_object_set_string_member (obj, "transcript", transcript);
  if (words != NULL)
    {
      JsonNode *array = el_repo_parse_json (words, (gssize) words_len);

      if (array == NULL)
        {
          g_set_error (error, EL_DB_ERROR, EL_DB_ERROR_CORRUPT, "recordings.words of %s is not JSON", id);
          goto out;
        }
      json_object_set_member (obj, "words", array);
    }
  put_text (obj, "error", stmt, 10);
  put_text (obj, "created_at", stmt, 11);
  put_text (obj, "updated_at", stmt, 12);
  recording = el_recording_new_from_json (node, error);

out:
  if (transcript != NULL)
    OPENSSL_cleanse (transcript, transcript_len);
  if (words != NULL)
    OPENSSL_cleanse (words, words_len);
  return recording;
}

/**
 * el_repo_recording_get:
 * @db: a connection
 * @recording_id: the recording
 * @unit_id: (out) (optional) (transfer full): its handoff's unit (who may see it)
 * @storage_path: (out) (optional) (transfer full) (nullable): where the sealed audio is
 * @error: %EL_REPO_ERROR_NOT_FOUND, EL_DB_ERROR, EL_MODEL_ERROR
 *
 * Returns: (transfer full) (nullable): the recording, transcript and words decrypted
 */
ElRecording *
el_repo_recording_get (
    ElDb *db, const char *recording_id, char **unit_id, char **storage_path, GError **error)
{
  g_autoptr (ElDbStmt) stmt = NULL;
  ElRecording *recording;
  int rc;

  g_return_val_if_fail (recording_id != NULL, NULL);

  if (unit_id != NULL)
    *unit_id = NULL;
  if (storage_path != NULL)
    *storage_path = NULL;
  stmt = el_db_prepare (db, "SELECT " RECORDING_COLUMNS " WHERE r.id = ?1", error);
  if (stmt == NULL)
    return NULL;
  el_repo_bind_text (stmt, 1, recording_id);
  rc = el_db_step (db, stmt, error);
  if (rc == SQLITE_DONE)
    el_repo_fail (error, EL_REPO_ERROR_NOT_FOUND, "no such recording");
  if (rc != SQLITE_ROW)
    return NULL;
  recording = recording_from_row (db, stmt, error);
  if (recording == NULL)
    return NULL;
  if (unit_id != NULL)
    *unit_id = g_strdup (el_repo_column_text (stmt, 14));
  if (storage_path != NULL)
    *storage_path = g_strdup (el_repo_column_text (stmt, 13));
  return recording;
}

/**
 * el_repo_recording_get_created_by:
 * @db: a connection
 * @recording_id: the recording
 * @error: EL_DB_ERROR, EL_REPO_ERROR (NOT_FOUND: no such recording, or it has no uploader)
 *
 * Returns: (transfer full) (nullable): the id of the user who uploaded the recording (the author of
 *   the "ai" SBAR version made from it)
 */
char *
el_repo_recording_get_created_by (ElDb *db, const char *recording_id, GError **error)
{
  g_autoptr (ElDbStmt) stmt = NULL;
  const char *created_by;
  int rc;

  g_return_val_if_fail (recording_id != NULL, NULL);

  stmt = el_db_prepare (db, "SELECT created_by FROM recordings WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  el_repo_bind_text (stmt, 1, recording_id);
  rc = el_db_step (db, stmt, error);
  if (rc == SQLITE_DONE)
    el_repo_fail (error, EL_REPO_ERROR_NOT_FOUND, "no such recording");
  if (rc != SQLITE_ROW)
    return NULL;
  created_by = el_repo_column_text (stmt, 0);
  if (created_by == NULL)
    {
      el_repo_fail (error, EL_REPO_ERROR_NOT_FOUND, "the recording has no uploader");
      return NULL;
    }
  return g_strdup (created_by);
}

/**
 * el_repo_recordings_list:
 * @db: a connection
 * @handoff_id: the handoff
 * @error: EL_DB_ERROR, EL_MODEL_ERROR
 *
 * Returns: (transfer full) (element-type ElRecording) (nullable): the handoff's recordings, oldest
 *   first (at most %EL_REPO_MAX_LIMIT)
 */
GPtrArray *
el_repo_recordings_list (ElDb *db, const char *handoff_id, GError **error)
{
  g_autoptr (GPtrArray) recordings = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (ElDbStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (handoff_id != NULL, NULL);

  stmt = el_db_prepare (
      db, "SELECT " RECORDING_COLUMNS " WHERE r.handoff_id = ?1 ORDER BY r.created_at, r.id LIMIT ?2", error);
  if (stmt == NULL)
    return NULL;
  el_repo_bind_text (stmt, 1, handoff_id);
  sqlite3_bind_int (stmt, 2, EL_REPO_MAX_LIMIT);
  while ((rc = el_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      ElRecording *recording = recording_from_row (db, stmt, error);

      if (recording == NULL)
        return NULL;
      g_ptr_array_add (recordings, recording);
    }
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&recordings);
}

/**
 * el_repo_recordings_latest_transcribed:
 * @db: a connection
 * @engine: the transcriber's engine name (recordings.engine)
 * @created_by: (nullable): only those this user uploaded
 * @limit: at most this many
 * @error: an EL_DB_ERROR
 *
 * Returns: (transfer full) (element-type utf8) (nullable): the ids of the recordings @engine has
 *   transcribed (extracting or completed, with a transcript), the newest upload first
 */
GPtrArray *
el_repo_recordings_latest_transcribed (
    ElDb *db, const char *engine, const char *created_by, guint limit, GError **error)
{
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (ElDbStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (engine != NULL, NULL);

  /* rowid order is upload order, and needs no sort */
  stmt = el_db_prepare (db,
                        "SELECT id FROM recordings WHERE engine = ?1 AND transcript IS NOT NULL "
                        "AND status IN ('extracting', 'completed') AND (?3 IS NULL OR created_by = ?3) "
                        "ORDER BY rowid DESC LIMIT ?2",
                        error);
  if (stmt == NULL)
    return NULL;
  el_repo_bind_text (stmt, 1, engine);
  sqlite3_bind_int64 (stmt, 2, limit);
  el_repo_bind_text (stmt, 3, created_by);
  while ((rc = el_db_step (db, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup (el_repo_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&ids);
}

static gboolean
same_upload (ElRecording *a, ElRecording *b)
{
  return g_strcmp0 (el_recording_get_handoff_id (a), el_recording_get_handoff_id (b)) == 0 &&
         el_recording_get_mime_type (a) == el_recording_get_mime_type (b) &&
         g_strcmp0 (el_recording_get_sha256 (a), el_recording_get_sha256 (b)) == 0 &&
         el_recording_get_size_bytes (a) == el_recording_get_size_bytes (b);
}

/* The words as stored: the Recording JSON's "words" array, or NULL. */
static char *
words_json (ElRecording *recording, gsize *len)
{
  g_autoptr (JsonNode) node = NULL;
  JsonNode *words;

  *len = 0;
  if (el_recording_get_words (recording) == NULL)
    return NULL;
  node = el_recording_to_json (recording);
  words = json_object_get_member (json_node_get_object (node), "words");
  return words != NULL ? el_json_node_to_data (words, len) : NULL;
}

/**
 * el_repo_recording_create:
 * @db: a connection
 * @recording: the upload: id, handoff_id, mime_type, and what is known of duration_ms,
 *   size_bytes, sha256; its status and timestamps are set here
 * @storage_path: (nullable): where the sealed audio was written, relative to STORAGE_DIR
 * @actor_id: (nullable): who uploads
 * @existed: (out) (optional): %TRUE when a recording with this id and the same handoff, type,
 *   digest and size existed (an idempotent retry: it is returned, nothing is written)
 * @handoff_out: (out) (optional) (transfer full) (nullable): the handoff as it is now
 * @error: %EL_REPO_ERROR_NOT_FOUND (no such handoff), %EL_REPO_ERROR_LOCKED,
 *   %EL_REPO_ERROR_INVALID_TRANSITION, %EL_REPO_ERROR_DUPLICATE (the id exists with other
 *   content), EL_MODEL_ERROR, EL_DB_ERROR
 *
 * Audit "recording.create" {handoff_id, mime_type, size_bytes, duration_ms}.
 *
 * Returns: (transfer full) (nullable): the recording as stored
 */
ElRecording *
el_repo_recording_create (ElDb *db,
                          ElRecording *recording,
                          const char *storage_path,
                          const char *actor_id,
                          gboolean *existed,
                          ElHandoff **handoff_out,
                          GError **error)
{
  g_autoptr (ElRepoWrite) write = NULL;
  g_autoptr (ElRecording) stored = NULL;
  g_autoptr (ElRecording) fresh = NULL;
  g_autoptr (ElHandoff) handoff = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *now_str = NULL;
  const char *id, *handoff_id;
  ElHandoffStatus from;
  JsonObject *detail;

  g_return_val_if_fail (EL_IS_RECORDING (recording), NULL);

  if (existed != NULL)
    *existed = FALSE;
  if (handoff_out != NULL)
    *handoff_out = NULL;
  id = el_recording_get_id (recording);
  handoff_id = el_recording_get_handoff_id (recording);
  if (id == NULL || !el_uuid_is_valid (id) || handoff_id == NULL)
    {
      el_repo_fail (error, EL_REPO_ERROR_INVALID, "a recording needs an id and a handoff");
      return NULL;
    }

  if ((write = el_repo_write_begin (db, error)) == NULL)
    return NULL;
  stored = el_repo_recording_get (db, id, NULL, NULL, &local_error);
  if (stored != NULL)
    {
      if (!same_upload (stored, recording))
        {
          el_repo_fail (error, EL_REPO_ERROR_DUPLICATE, "another recording with this id exists");
          return NULL;
        }
      if (!el_repo_write_commit (write, error))
        return NULL;
      if (existed != NULL)
        *existed = TRUE;
      if (handoff_out != NULL)
        *handoff_out = el_repo_handoff_load (db, handoff_id, NULL);
      return g_steal_pointer (&stored);
    }
  if (!g_error_matches (local_error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if ((handoff = el_repo_handoff_load (db, handoff_id, error)) == NULL ||
      !el_repo_handoff_check_unlocked (handoff, error))
    return NULL;
  from = el_handoff_get_status (handoff);
  if (!el_repo_handoff_transition (handoff, EL_HANDOFF_STATUS_PROCESSING, error))
    return NULL;

  now = el_repo_now (db);
  now_str = el_timestamp_format (now);
  fresh = el_recording_new ();
  el_recording_set_id (fresh, id);
  el_recording_set_handoff_id (fresh, handoff_id);
  el_recording_set_status (fresh, EL_RECORDING_STATUS_QUEUED);
  el_recording_set_mime_type (fresh, el_recording_get_mime_type (recording));
  el_recording_set_duration_ms (fresh, el_recording_get_duration_ms (recording));
  el_recording_set_size_bytes (fresh, el_recording_get_size_bytes (recording));
  el_recording_set_sha256 (fresh, el_recording_get_sha256 (recording));
  el_recording_set_created_at (fresh, now);
  el_recording_set_updated_at (fresh, now);
  if (!el_recording_validate (fresh, error))
    return NULL;

  {
    g_autoptr (ElDbStmt) stmt = el_db_prepare (
        db,
        "INSERT INTO recordings (id, handoff_id, status, mime_type, duration_ms, size_bytes, sha256, "
        "storage_path, created_by, created_at, updated_at) "
        "VALUES (?1, ?2, 'queued', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        error);

    if (stmt == NULL)
      return NULL;
    el_repo_bind_text (stmt, 1, id);
    el_repo_bind_text (stmt, 2, handoff_id);
    el_repo_bind_text (stmt, 3, el_audio_mime_type_to_string (el_recording_get_mime_type (fresh)));
    if (el_recording_get_duration_ms (fresh) >= 0)
      sqlite3_bind_int64 (stmt, 4, el_recording_get_duration_ms (fresh));
    if (el_recording_get_size_bytes (fresh) >= 0)
      sqlite3_bind_int64 (stmt, 5, el_recording_get_size_bytes (fresh));
    el_repo_bind_text (stmt, 6, el_recording_get_sha256 (fresh));
    el_repo_bind_text (stmt, 7, storage_path);
    el_repo_bind_text (stmt, 8, actor_id);
    el_repo_bind_text (stmt, 9, now_str);
    if (el_db_step (db, stmt, error) != SQLITE_DONE)
      return NULL;
  }

  if (!el_repo_handoff_save_change (db, handoff, actor_id, NULL, NULL, error))
    return NULL;
  detail = json_object_new ();
  json_object_set_string_member (detail, "handoff_id", handoff_id);
  json_object_set_string_member (detail, "mime_type",
                                 el_audio_mime_type_to_string (el_recording_get_mime_type (fresh)));
  if (el_recording_get_size_bytes (fresh) >= 0)
    json_object_set_int_member (detail, "size_bytes", el_recording_get_size_bytes (fresh));
  if (el_recording_get_duration_ms (fresh) >= 0)
    json_object_set_int_member (detail, "duration_ms", el_recording_get_duration_ms (fresh));
  json_object_set_string_member (detail, "from", el_handoff_status_to_string (from));
  json_object_set_string_member (detail, "to", el_handoff_status_to_string (EL_HANDOFF_STATUS_PROCESSING));
  if (!el_repo_record (db, actor_id, "recording.create", "recording", id, detail, "recording",
                       EL_DB_CHANGE_UPSERT, el_handoff_get_unit_id (handoff), error) ||
      !el_repo_write_commit (write, error))
    return NULL;
  if (handoff_out != NULL)
    *handoff_out = g_steal_pointer (&handoff);
  return g_steal_pointer (&fresh);
}

/**
 * el_repo_recording_update:
 * @db: a connection opened with the key
 * @recording: the recording with its new status, engine, transcript, words, error, duration, size
 *   and digest; its updated_at is set to the connection's clock
 * @actor_id: (nullable): who updates (%NULL: the job runner)
 * @error: %EL_REPO_ERROR_NOT_FOUND, EL_MODEL_ERROR, EL_DB_ERROR
 *
 * Audit "recording.update" {status, engine, words: their number}.
 */
gboolean
el_repo_recording_update (ElDb *db, ElRecording *recording, const char *actor_id, GError **error)
{
  g_autoptr (ElRepoWrite) write = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autoptr (GDateTime) previous = NULL;
  g_autofree char *now_str = NULL;
  g_autofree char *unit_id = NULL;
  g_autofree char *words = NULL;
  gsize words_len = 0;
  const char *id;
  JsonObject *detail;
  gboolean ok = FALSE;

  g_return_val_if_fail (EL_IS_RECORDING (recording), FALSE);

  id = el_recording_get_id (recording);
  now = el_repo_now (db);
  now_str = el_timestamp_format (now);
  if (el_recording_get_updated_at (recording) != NULL)
    previous = g_date_time_ref (el_recording_get_updated_at (recording));
  el_recording_set_updated_at (recording, now);
  if (!el_recording_validate (recording, error))
    goto out;
  words = words_json (recording, &words_len);

  if ((write = el_repo_write_begin (db, error)) == NULL)
    goto out;
  {
    g_autoptr (ElDbStmt) stmt = el_db_prepare (
        db, "SELECT h.unit_id FROM recordings r JOIN handoffs h ON h.id = r.handoff_id WHERE r.id = ?1",
        error);
    int rc;

    if (stmt == NULL)
      goto out;
    el_repo_bind_text (stmt, 1, id);
    rc = el_db_step (db, stmt, error);
    if (rc == SQLITE_DONE)
      el_repo_fail (error, EL_REPO_ERROR_NOT_FOUND, "no such recording");
    if (rc != SQLITE_ROW)
      goto out;
    unit_id = g_strdup (el_repo_column_text (stmt, 0));
  }
  {
    g_autoptr (ElDbStmt) stmt = el_db_prepare (
        db,
        "UPDATE recordings SET status = ?2, duration_ms = ?3, size_bytes = ?4, sha256 = ?5, engine = ?6, "
        "transcript = ?7, words = ?8, error = ?9, updated_at = ?10 WHERE id = ?1",
        error);

    if (stmt == NULL)
      goto out;
    el_repo_bind_text (stmt, 1, id);
    el_repo_bind_text (stmt, 2, el_recording_status_to_string (el_recording_get_status (recording)));
    if (el_recording_get_duration_ms (recording) >= 0)
      sqlite3_bind_int64 (stmt, 3, el_recording_get_duration_ms (recording));
    if (el_recording_get_size_bytes (recording) >= 0)
      sqlite3_bind_int64 (stmt, 4, el_recording_get_size_bytes (recording));
    el_repo_bind_text (stmt, 5, el_recording_get_sha256 (recording));
    el_repo_bind_text (stmt, 6, el_recording_get_engine (recording));
    if (!el_db_bind_sealed (db, stmt, 7, "recordings", id, "transcript",
                            el_recording_get_transcript (recording), -1, error) ||
        !el_db_bind_sealed (db, stmt, 8, "recordings", id, "words", words, (gssize) words_len, error))
      goto out;
    el_repo_bind_text (stmt, 9, el_recording_get_error (recording));
    el_repo_bind_text (stmt, 10, now_str);
    if (el_db_step (db, stmt, error) != SQLITE_DONE)
      goto out;
  }

  detail = json_object_new ();
  json_object_set_string_member (detail, "status",
                                 el_recording_status_to_string (el_recording_get_status (recording)));
  if (el_recording_get_engine (recording) != NULL)
    json_object_set_string_member (detail, "engine", el_recording_get_engine (recording));
  if (el_recording_get_words (recording) != NULL)
    json_object_set_int_member (detail, "words", el_recording_get_words (recording)->len);
  if (!el_repo_record (db, actor_id, "recording.update", "recording", id, detail, "recording",
                       EL_DB_CHANGE_UPSERT, unit_id, error) ||
      !el_repo_write_commit (write, error))
    goto out;
  ok = TRUE;

out:
  if (words != NULL)
    OPENSSL_cleanse (words, words_len);
  if (!ok)
    el_recording_set_updated_at (recording, previous);
  return ok;
}
