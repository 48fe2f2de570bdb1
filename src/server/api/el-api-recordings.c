/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * POST /api/v1/handoffs/{handoff_id}/recordings (streamed audio upload),
 * GET /api/v1/recordings/{recording_id} and GET /api/v1/recordings/{recording_id}/audio.
 *
 * The upload never sits in memory: each chunk goes to an ElAudioWriter (encrypted to STORAGE_DIR
 * as it arrives, SHA-256 checked against Content-Digest, size and duration limits: 413). Once the
 * body is complete, one transaction inserts the recording (queued, the handoff moves to
 * processing), its change-feed row and audit event, the transcription job and the idempotency
 * record; the job runner's speech jobs (el-speech-jobs.h) take it from there.
 *
 * The audio download runs on a worker thread (EL_HTTP_ROUTE_WORKER, read-only like the other
 * GETs): it decrypts the sealed file (el_audio_store_open_read(), which authenticates every chunk)
 * into memory — at most EL_AUDIO_MAX_BYTES — and answers it with its Content-Length once the whole
 * file authenticated, so a tampered or truncated file is a 500, never a partial 200. Plaintext
 * never reaches the disk. Reads of recordings are not audited (no GET is); the access log has the
 * request (route template, user, status).
 */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "el-api.h"
#include "el-audio-error.h"
#include "el-audio-probe.h"
#include "el-audio-store.h"
#include "el-idempotency.h"
#include "el-jobs.h"
#include "el-log.h"
#include "el-model-types.h"
#include "el-repo.h"

typedef struct
{
  ElServerContext *ctx;
  ElAudioStore *store; /* NULL when STORAGE_DIR is unusable: uploads answer 503 */
} Recordings;

typedef struct
{
  ElServerContext *ctx;
  ElAudioWriter *writer;
  char *recording_id;
  char *handoff_id;
  char *content_type;
  char *scope; /* of the claimed Idempotency-Key, to drop the claim if the client goes away */
  char *key;
  gboolean claimed;
  gboolean done;
} Upload;

static void
recordings_free (Recordings *self)
{
  g_clear_object (&self->store);
  g_free (self);
}

static void
upload_free (Upload *upload)
{
  /* Freeing an unfinished writer removes its temporary file. A claim left in_progress by a client
   * that went away mid-body is dropped, so its retry runs at once instead of waiting for
   * EL_IDEMPOTENCY_LEASE_SECONDS (only an in_progress claim is dropped, never a stored answer). */
  if (upload->claimed && !upload->done && upload->key != NULL)
    {
      g_autoptr (GError) error = NULL;

      if (!el_idempotency_release (upload->ctx->db, upload->scope, upload->key, &error))
        el_log_message (EL_LOG_ERROR, "idempotency_release", error->message);
    }
  g_free (upload->scope);
  g_free (upload->key);
  g_clear_pointer (&upload->writer, el_audio_writer_free);
  g_free (upload->recording_id);
  g_free (upload->handoff_id);
  g_free (upload->content_type);
  g_free (upload);
}

static void
respond_audio_error (ElHttpRequest *req, const GError *error)
{
  switch (el_audio_error_http_status (error))
    {
      case SOUP_STATUS_BAD_REQUEST:
        el_http_request_respond_problem (req, EL_HTTP_PROBLEM_INVALID_REQUEST, error->message);
        break;
      case SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE:
        el_http_request_respond_problem (req, EL_HTTP_PROBLEM_PAYLOAD_TOO_LARGE, error->message);
        break;
      case SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE:
        el_http_request_respond_problem (req, EL_HTTP_PROBLEM_UNSUPPORTED_MEDIA_TYPE, error->message);
        break;
      case SOUP_STATUS_CONFLICT:
        el_http_request_respond_problem (req, EL_HTTP_PROBLEM_CONFLICT,
                                         "this recording was already uploaded");
        break;
      default:
        el_api_respond_internal_error (req, "audio store", error);
        break;
    }
}

/* Drops the idempotency claim (a retry runs again) and answers an audio error. */
static void
upload_fail (ElHttpRequest *req, Upload *upload, const GError *error)
{
  g_clear_pointer (&upload->writer, el_audio_writer_free);
  if (upload->claimed && !upload->done)
    {
      upload->done = TRUE;
      el_idempotency_abort (upload->ctx, req);
    }
  respond_audio_error (req, error);
}

static char *
media_type (const char *header)
{
  g_autofree char *type = NULL;

  if (header == NULL)
    return NULL;
  type = g_strndup (header, strcspn (header, ";"));
  return g_ascii_strdown (g_strstrip (type), -1);
}

static void
upload_begin (ElHttpRequest *req, gpointer user_data)
{
  Recordings *self = user_data;
  ElServerContext *ctx = self->ctx;
  g_autoptr (ElHandoff) handoff = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *type = media_type (el_http_request_get_header (req, "Content-Type"));
  const char *digest_header = el_http_request_get_header (req, "Content-Digest");
  const char *recording_id = el_http_request_get_query (req, "recording_id");
  guint8 digest[EL_SHA256_BYTES];
  Upload *upload;

  handoff = el_api_load_handoff (ctx, req);
  if (handoff == NULL)
    return;
  if (type == NULL || (!g_str_equal (type, "audio/ogg") && !g_str_equal (type, "audio/wav")))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_UNSUPPORTED_MEDIA_TYPE,
                                       "send the audio as audio/ogg or audio/wav");
      return;
    }
  if (el_http_request_get_header (req, "Idempotency-Key") == NULL)
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_INVALID_REQUEST, "Idempotency-Key is required");
      return;
    }
  if (digest_header == NULL)
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_INVALID_REQUEST,
                                       "Content-Digest (sha-256) is required");
      return;
    }
  if (!el_content_digest_parse_sha256 (digest_header, digest, &error))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_INVALID_REQUEST,
                                       "Content-Digest must hold sha-256=:<base64>:");
      return;
    }
  if (recording_id != NULL && !el_uuid_is_valid (recording_id))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_INVALID_REQUEST, "recording_id is not a UUID");
      return;
    }
  if (el_handoff_status_is_final (el_handoff_get_status (handoff)))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_LOCKED,
                                       "the handoff is acknowledged or cancelled");
      return;
    }
  if (self->store == NULL)
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_SERVICE_UNAVAILABLE,
                                       "the audio storage is unavailable");
      return;
    }

  upload = g_new0 (Upload, 1);
  upload->ctx = ctx;
  upload->recording_id = recording_id != NULL ? g_ascii_strdown (recording_id, -1) : g_uuid_string_random ();
  upload->handoff_id = g_strdup (el_handoff_get_id (handoff));
  upload->content_type = g_steal_pointer (&type);
  el_http_request_set_data (req, upload, (GDestroyNotify) upload_free);

  if (!el_api_idempotency_begin (ctx, req, TRUE, &upload->claimed))
    return;
  if (upload->claimed)
    {
      upload->scope = el_idempotency_request_scope (req);
      upload->key = g_strdup (el_http_request_get_header (req, "Idempotency-Key"));
    }
  upload->writer = el_audio_store_begin (self->store, upload->recording_id, upload->content_type, digest,
                                         EL_AUDIO_MAX_BYTES, EL_AUDIO_MAX_DURATION_MS, &error);
  if (upload->writer == NULL)
    upload_fail (req, upload, error);
}

static gboolean
upload_chunk (ElHttpRequest *req, GBytes *chunk, gpointer user_data)
{
  Upload *upload = el_http_request_get_data (req);
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  const void *data = g_bytes_get_data (chunk, &len);

  if (upload == NULL || upload->writer == NULL)
    return FALSE;
  if (!el_audio_writer_write (upload->writer, data, len, &error))
    {
      upload_fail (req, upload, error);
      return FALSE;
    }
  return TRUE;
}

static void
upload_done (ElHttpRequest *req, gpointer user_data)
{
  Recordings *self = user_data;
  ElServerContext *ctx = self->ctx;
  const ElHttpUser *user = el_http_request_get_user (req);
  Upload *upload = el_http_request_get_data (req);
  g_auto (ElAudioInfo) info = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (ElRecording) request = NULL;
  g_autoptr (ElRecording) recording = NULL;
  g_autoptr (ElDbTransaction) txn = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *location = NULL;
  ElAudioMimeType mime;
  gboolean existed = FALSE;

  if (el_http_request_has_responded (req) || upload == NULL || upload->writer == NULL)
    return;
  if (!el_audio_writer_finish (upload->writer, &info, &error))
    {
      upload_fail (req, upload, error);
      return;
    }
  g_clear_pointer (&upload->writer, el_audio_writer_free);

  request = el_recording_new ();
  el_recording_set_id (request, upload->recording_id);
  el_recording_set_handoff_id (request, upload->handoff_id);
  if (el_audio_mime_type_from_string (info.mime_type, &mime))
    el_recording_set_mime_type (request, mime);
  el_recording_set_duration_ms (request, info.duration_ms);
  el_recording_set_size_bytes (request, info.size_bytes);
  el_recording_set_sha256 (request, info.sha256);

  txn = el_db_transaction_begin (ctx->db, &error);
  if (txn != NULL)
    recording =
        el_repo_recording_create (ctx->db, request, info.storage_path, user->id, &existed, NULL, &error);
  if (recording != NULL && el_jobs_enqueue (ctx->db, "transcribe", upload->recording_id, &error) <= 0)
    g_clear_object (&recording);
  if (recording == NULL)
    {
      g_autoptr (GError) delete_error = NULL;

      g_clear_pointer (&txn, el_db_transaction_free);
      el_audio_store_delete (self->store, info.storage_path, &delete_error);
      upload->done = TRUE;
      el_api_fail (ctx, req, upload->claimed, &txn, error, NULL);
      return;
    }
  upload->done = TRUE;
  location = g_strdup_printf ("/api/v1/recordings/%s", upload->recording_id);
  node = el_recording_to_json (recording);
  el_api_finish_json (ctx, req, upload->claimed, &txn, SOUP_STATUS_ACCEPTED, node, NULL, location);
  if (ctx->jobs != NULL)
    el_job_runner_wake (ctx->jobs); /* after the commit: the worker may claim the job at once */
}

static void
get_recording (ElHttpRequest *req, gpointer user_data)
{
  Recordings *self = user_data;
  const char *id = el_http_request_get_param (req, "recording_id");
  g_autoptr (ElRecording) recording = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *unit_id = NULL;
  g_autoptr (JsonNode) node = NULL;

  if (id == NULL || !el_uuid_is_valid (id))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_INVALID_REQUEST, "recording_id is not a UUID");
      return;
    }
  recording = el_repo_recording_get (self->ctx->db, id, &unit_id, NULL, &error);
  if (recording == NULL)
    {
      el_api_respond_repo_error (req, error, NULL);
      return;
    }
  if (!el_api_user_can_see_unit (self->ctx, req, unit_id))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_NOT_FOUND, "no such resource");
      return;
    }
  node = el_recording_to_json (recording);
  el_http_request_respond_json (req, SOUP_STATUS_OK, node);
}

/* Reads the whole plaintext of a sealed recording (blocking; on a worker thread). */
static GBytes *
read_audio (ElAudioStore *store, const char *storage_path, const char *recording_id, GError **error)
{
  g_autoptr (GInputStream) in = NULL;
  g_autoptr (GByteArray) out = NULL;
  guint8 *chunk;

  in = el_audio_store_open_read (store, storage_path, recording_id, error);
  if (in == NULL)
    return NULL;
  out = g_byte_array_new ();
  chunk = g_malloc (EL_AUDIO_STORE_CHUNK_BYTES);
  for (;;)
    {
      gssize n = g_input_stream_read (in, chunk, EL_AUDIO_STORE_CHUNK_BYTES, NULL, error);

      if (n < 0 || (gint64) out->len + n > EL_AUDIO_MAX_BYTES)
        {
          if (n >= 0)
            g_set_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_TOO_LARGE, "the stored audio is too large");
          g_free (chunk);
          return NULL;
        }
      if (n == 0)
        break;
      g_byte_array_append (out, chunk, (guint) n);
    }
  g_free (chunk);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* GET /api/v1/recordings/{recording_id}/audio: on a worker thread (read-only, no request header). */
static void
get_recording_audio (ElHttpRequest *req, gpointer user_data)
{
  Recordings *self = user_data;
  const char *id = el_http_request_get_param (req, "recording_id");
  g_autoptr (ElRecording) recording = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *unit_id = NULL;
  g_autofree char *storage_path = NULL;
  g_autoptr (GBytes) audio = NULL;

  if (id == NULL || !el_uuid_is_valid (id))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_INVALID_REQUEST, "recording_id is not a UUID");
      return;
    }
  recording =
      el_repo_recording_get (el_server_context_get_db (self->ctx), id, &unit_id, &storage_path, &error);
  if (recording == NULL)
    {
      el_api_respond_repo_error (req, error, NULL);
      return;
    }
  /* the same rule as GET /api/v1/recordings/{id}: another unit's recording does not exist */
  if (!el_api_user_can_see_unit (self->ctx, req, unit_id))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_NOT_FOUND, "no such resource");
      return;
    }
  if (self->store == NULL)
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_SERVICE_UNAVAILABLE,
                                       "the audio storage is unavailable");
      return;
    }
  if (storage_path == NULL)
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_NOT_FOUND, "the audio of this recording is gone");
      return;
    }
  audio = read_audio (self->store, storage_path, el_recording_get_id (recording), &error);
  if (audio == NULL)
    {
      if (g_error_matches (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_NOT_FOUND))
        el_http_request_respond_problem (req, EL_HTTP_PROBLEM_NOT_FOUND,
                                         "the audio of this recording is gone");
      else
        el_api_respond_internal_error (req, "audio store", error);
      return;
    }
  el_http_request_respond_bytes (
      req, SOUP_STATUS_OK, el_audio_mime_type_to_string (el_recording_get_mime_type (recording)), audio);
}

void
el_api_recordings_register (ElServerContext *ctx)
{
  Recordings *self = g_new0 (Recordings, 1);
  g_autoptr (ElVault) vault = NULL;
  g_autoptr (GError) error = NULL;
  ElHttpRoute *route;

  self->ctx = ctx;
  if (ctx->config->has_encryption_key)
    {
      vault = el_vault_new (ctx->config->encryption_key);
      self->store = el_audio_store_new (ctx->config->storage_dir, vault, &error);
    }
  route = el_http_server_add_route (ctx->server, "POST", "/api/v1/handoffs/{handoff_id}/recordings",
                                    EL_HTTP_ROUTE_AUTH | EL_HTTP_ROUTE_PHI | EL_HTTP_ROUTE_STREAMING,
                                    upload_done, self, (GDestroyNotify) recordings_free);
  el_http_route_set_max_body (route, EL_AUDIO_MAX_BYTES);
  el_http_route_set_body_stream (route, upload_begin, upload_chunk);
  el_http_server_add_route (ctx->server, "GET", "/api/v1/recordings/{recording_id}",
                            EL_HTTP_ROUTE_AUTH | EL_HTTP_ROUTE_PHI, get_recording, self, NULL);
  el_http_server_add_route (ctx->server, "GET", "/api/v1/recordings/{recording_id}/audio",
                            EL_HTTP_ROUTE_AUTH | EL_HTTP_ROUTE_PHI | EL_HTTP_ROUTE_WORKER,
                            get_recording_audio, self, NULL);
}
