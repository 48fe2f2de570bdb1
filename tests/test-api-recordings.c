/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Recordings: a real server seeded with `seed-demo`, users signed in through /auth/login. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "el-test-api.h"

#define PASSWORD "handoff-demo-test"

#define EL_TEST_AUDIO_MAX_BYTES G_GINT64_CONSTANT (52428800) /* EL_AUDIO_MAX_BYTES */

/* One seeded server for every test. */
static ElTestDemo *demo;

/* ------------------------------------------------------------------------------------------------
 * Tests.
 */

static char *
digest_of (GBytes *bytes)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 raw[32];
  gsize len = sizeof raw;
  g_autofree char *b64 = NULL;

  g_checksum_update (sum, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_checksum_get_digest (sum, raw, &len);
  b64 = g_base64_encode (raw, len);
  return g_strdup_printf ("sha-256=:%s:", b64);
}

/* POSTs @audio to the handoff's recordings; NULL header values are left out. */
static ElTestResponse *
upload (const ElTestLogin *who,
        const char *handoff_id,
        const char *query,
        GBytes *audio,
        const char *type,
        const char *digest,
        const char *key)
{
  g_autofree char *path =
      g_strdup_printf ("/api/v1/handoffs/%s/recordings%s", handoff_id, query != NULL ? query : "");
  const char *const headers[] = {
    "Content-Type", type, "Content-Digest", digest, "Idempotency-Key", key, NULL
  };

  return el_test_api_send (demo->api, "POST", path, who->token, audio, headers, NULL);
}

/* Sends a request head by hand and reads the status line: the server must refuse the body from
 * its Content-Length alone, before any byte of it arrives. */
static guint
raw_status (const char *head)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);
  g_autoptr (GSocketConnection) conn = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDataInputStream) in = NULL;
  g_autofree char *line = NULL;
  guint status = 0;

  g_socket_client_set_enable_proxy (client, FALSE);
  g_socket_client_set_proxy_resolver (client, direct);
  conn = g_socket_client_connect_to_host (client, "127.0.0.1", el_test_server_get_port (demo->server), NULL,
                                          &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), head, strlen (head), NULL,
                             NULL, &error);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (conn)));
  line = g_data_input_stream_read_line (in, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "HTTP/1.1 "));
  status = (guint) g_ascii_strtoull (line + strlen ("HTTP/1.1 "), NULL, 10);
  return status;
}

static void
test_upload_limits (void)
{
  g_autofree char *id = el_test_api_create_handoff (demo->api, demo->nurse_a, demo->patient_4w, NULL, NULL);
  g_autoptr (GBytes) wav = el_test_make_wav (100);
  g_autofree char *digest = digest_of (wav);
  g_autofree char *head = g_strdup_printf ("POST /api/v1/handoffs/%s/recordings HTTP/1.1\r\n"
                                           "Host: 127.0.0.1\r\n"
                                           "Authorization: Bearer %s\r\n"
                                           "Content-Type: audio/wav\r\n"
                                           "Content-Digest: %s\r\n"
                                           "Idempotency-Key: limits-1\r\n"
                                           "Content-Length: %" G_GINT64_FORMAT "\r\n\r\n",
                                           id, demo->nurse_a->token, digest, EL_TEST_AUDIO_MAX_BYTES + 1);

  /* over 50 MiB: 413 from the header alone */
  g_assert_cmpuint (raw_status (head), ==, 413);

  {
    /* a WAV whose header declares 16 minutes: 413 */
    GByteArray *bytes = g_byte_array_new ();
    g_autoptr (GBytes) body = NULL;
    g_autofree char *long_digest = NULL;
    g_autofree char *key = g_uuid_string_random ();
    guint32 declared = GUINT32_TO_LE (16000 * 2 * 16 * 60);
    gsize len = 0;
    const guint8 *data = g_bytes_get_data (wav, &len);

    g_byte_array_append (bytes, data, len);
    memcpy (bytes->data + 40, &declared, 4);
    body = g_byte_array_free_to_bytes (bytes);
    long_digest = digest_of (body);
    {
      g_autoptr (ElTestResponse) resp = upload (demo->nurse_a, id, NULL, body, "audio/wav", long_digest, key);
      el_test_assert_problem (resp, 413, "payload_too_large");
    }
  }
}

static void
test_upload (void)
{
  g_autofree char *etag = NULL;
  g_autofree char *id = el_test_api_create_handoff (demo->api, demo->nurse_a, demo->patient_4w, NULL, &etag);
  g_autoptr (GBytes) wav = el_test_make_wav (1000);
  g_autofree char *digest = digest_of (wav);
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *recording_id = g_uuid_string_random ();
  g_autofree char *query = g_strdup_printf ("?recording_id=%s", recording_id);
  g_autofree char *location = g_strdup_printf ("/api/v1/recordings/%s", recording_id);
  g_autofree char *handoff = el_test_handoff_path (id, NULL);

  {
    g_autoptr (ElTestResponse) resp = upload (demo->nurse_a, id, query, wav, "audio/wav", digest, key);
    JsonObject *obj;

    g_assert_cmpuint (resp->status, ==, 202);
    g_assert_cmpstr (el_test_response_get_string (resp, "id"), ==, recording_id);
    g_assert_cmpstr (el_test_response_get_string (resp, "handoff_id"), ==, id);
    g_assert_cmpstr (el_test_response_get_string (resp, "status"), ==, "queued");
    g_assert_cmpstr (el_test_response_get_string (resp, "mime_type"), ==, "audio/wav");
    obj = el_test_response_get_object (resp);
    g_assert_cmpint (json_object_get_int_member (obj, "size_bytes"), ==, (gint64) g_bytes_get_size (wav));
    g_assert_cmpint (json_object_get_int_member (obj, "duration_ms"), ==, 1000);
    g_assert_cmpstr (el_test_response_get_header (resp, "Location"), ==, location);
  }
  {
    /* the retry: the same answer, still one recording */
    g_autoptr (ElTestResponse) resp = upload (demo->nurse_a, id, query, wav, "audio/wav", digest, key);
    g_assert_cmpuint (resp->status, ==, 202);
    g_assert_cmpstr (el_test_response_get_string (resp, "id"), ==, recording_id);
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", location, demo->nurse_a, NULL, EL_TEST_END);
    g_assert_cmpuint (resp->status, ==, 200);
    /* the test server runs with SPEECH_ENGINE=none: it stays queued (test-api-speech runs the jobs) */
    g_assert_cmpstr (el_test_response_get_string (resp, "status"), ==, "queued");
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", location, demo->admin, NULL, EL_TEST_END);
    g_assert_cmpuint (resp->status, ==, 200);
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", location, demo->nurse_b, NULL, EL_TEST_END);
    el_test_assert_problem (resp, 404, "not_found");
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", handoff, demo->nurse_a, NULL, EL_TEST_END);
    g_assert_cmpstr (el_test_response_get_string (resp, "status"), ==, "processing");
  }
  {
    g_autofree char *unknown_id = g_uuid_string_random ();
    g_autofree char *unknown = g_strdup_printf ("/api/v1/recordings/%s", unknown_id);
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", unknown, demo->admin, NULL, EL_TEST_END);
    el_test_assert_problem (resp, 404, "not_found");
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", "/api/v1/recordings/../../etc", demo->admin, NULL, EL_TEST_END);
    g_assert_cmpuint (resp->status, >=, 400);
    g_assert_cmpuint (resp->status, <, 500);
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", "/api/v1/recordings/not-a-uuid", demo->admin, NULL, EL_TEST_END);
    el_test_assert_problem (resp, 400, "invalid_request");
  }
}

static void
test_upload_errors (void)
{
  g_autofree char *etag = NULL;
  g_autofree char *id = el_test_api_create_handoff (demo->api, demo->nurse_a, demo->patient_4w, NULL, &etag);
  g_autoptr (GBytes) wav = el_test_make_wav (500);
  g_autoptr (GBytes) other = el_test_make_wav (400);
  g_autofree char *digest = digest_of (wav);
  g_autofree char *wrong = digest_of (other);
  g_autofree char *handoff = el_test_handoff_path (id, NULL);
  struct
  {
    const ElTestLogin *who;
    const char *type;
    const char *digest;
    gboolean key;
    guint status;
    const char *code;
  } cases[] = {
    { demo->nurse_a, "audio/wav", digest, FALSE, 400, "invalid_request" },
    { demo->nurse_a, "audio/wav", NULL, TRUE, 400, "invalid_request" },
    { demo->nurse_a, "audio/wav", "sha-256=:nope:", TRUE, 400, "invalid_request" },
    { demo->nurse_a, "audio/wav", wrong, TRUE, 400, "invalid_request" },
    { demo->nurse_a, "audio/mpeg", digest, TRUE, 415, "unsupported_media_type" },
    { demo->nurse_a, "audio/ogg", digest, TRUE, 415, "unsupported_media_type" },
    { demo->nurse_b, "audio/wav", digest, TRUE, 404, "not_found" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *key = g_uuid_string_random ();
      g_autoptr (ElTestResponse) resp =
          upload (cases[i].who, id, NULL, wav, cases[i].type, cases[i].digest, cases[i].key ? key : NULL);
      g_test_message ("case %u", i);
      el_test_assert_problem (resp, cases[i].status, cases[i].code);
    }
  {
    g_autofree char *key = g_uuid_string_random ();
    g_autoptr (ElTestResponse) resp =
        upload (demo->nurse_a, id, "?recording_id=bad", wav, "audio/wav", digest, key);
    el_test_assert_problem (resp, 400, "invalid_request");
  }
  {
    /* nothing was stored: still a draft */
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", handoff, demo->nurse_a, NULL, EL_TEST_END);
    g_assert_cmpstr (el_test_response_get_string (resp, "status"), ==, "draft");
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "PATCH", handoff, demo->nurse_a, "{\"status\":\"cancelled\"}",
                          "If-Match", etag, EL_TEST_END);
    g_assert_cmpuint (resp->status, ==, 200);
  }
  {
    g_autofree char *key = g_uuid_string_random ();
    g_autoptr (ElTestResponse) resp = upload (demo->nurse_a, id, NULL, wav, "audio/wav", digest, key);
    el_test_assert_problem (resp, 423, "locked");
  }
}

/* GET /api/v1/recordings/{id}/audio: the uploaded bytes, the same visibility as the recording. */
static void
test_download_audio (void)
{
  g_autofree char *id = el_test_api_create_handoff (demo->api, demo->nurse_a, demo->patient_4w_2, NULL, NULL);
  g_autoptr (GBytes) wav = el_test_make_wav (1500);
  g_autofree char *digest = digest_of (wav);
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *recording_id = g_uuid_string_random ();
  g_autofree char *query = g_strdup_printf ("?recording_id=%s", recording_id);
  g_autofree char *audio = g_strdup_printf ("/api/v1/recordings/%s/audio", recording_id);
  g_autofree char *length = g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (wav));

  {
    g_autoptr (ElTestResponse) resp = upload (demo->nurse_a, id, query, wav, "audio/wav", digest, key);
    g_assert_cmpuint (resp->status, ==, 202);
  }
  /* the uploader, a charge nurse of the unit and an administrator get the very bytes */
  {
    const ElTestLogin *who[] = { demo->nurse_a, demo->charge, demo->admin };

    for (guint i = 0; i < G_N_ELEMENTS (who); i++)
      {
        g_autoptr (ElTestResponse) resp =
            el_test_api_call (demo->api, "GET", audio, who[i], NULL, EL_TEST_END);

        g_test_message ("reader %u", i);
        g_assert_cmpuint (resp->status, ==, 200);
        g_assert_cmpstr (el_test_response_get_header (resp, "Content-Type"), ==, "audio/wav");
        g_assert_cmpstr (el_test_response_get_header (resp, "Content-Length"), ==, length);
        g_assert_cmpstr (el_test_response_get_header (resp, "Cache-Control"), ==, "no-store");
        g_assert_true (g_bytes_equal (resp->body, wav));
      }
  }
  {
    /* a nurse of another unit: it does not exist (404, never 403) */
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", audio, demo->nurse_b, NULL, EL_TEST_END);
    el_test_assert_problem_strict (resp, 404, "not_found");
  }
  {
    /* no token */
    g_autoptr (ElTestResponse) resp = el_test_api_send (demo->api, "GET", audio, NULL, NULL, NULL, NULL);
    el_test_assert_problem_strict (resp, 401, "unauthorized");
  }
  {
    g_autofree char *unknown_id = g_uuid_string_random ();
    g_autofree char *unknown = g_strdup_printf ("/api/v1/recordings/%s/audio", unknown_id);
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", unknown, demo->admin, NULL, EL_TEST_END);
    el_test_assert_problem_strict (resp, 404, "not_found");
  }
  {
    g_autoptr (ElTestResponse) resp = el_test_api_call (
        demo->api, "GET", "/api/v1/recordings/not-a-uuid/audio", demo->admin, NULL, EL_TEST_END);
    el_test_assert_problem_strict (resp, 400, "invalid_request");
  }
  {
    /* the sealed file is gone from STORAGE_DIR: 404 */
    g_autofree char *file = g_strdup_printf ("%s.elaudio", recording_id);
    g_autofree char *shard = g_strndup (recording_id, 2);
    g_autofree char *path =
        g_build_filename (el_test_server_get_storage_dir (demo->server), "recordings", shard, file, NULL);

    g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    g_assert_cmpint (g_unlink (path), ==, 0);
    {
      g_autoptr (ElTestResponse) resp =
          el_test_api_call (demo->api, "GET", audio, demo->nurse_a, NULL, EL_TEST_END);
      el_test_assert_problem_strict (resp, 404, "not_found");
    }
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/el/server/api/recordings/upload", test_upload);
  g_test_add_func ("/el/server/api/recordings/upload-errors", test_upload_errors);
  g_test_add_func ("/el/server/api/recordings/upload-limits", test_upload_limits);
  g_test_add_func ("/el/server/api/recordings/download-audio", test_download_audio);

  demo = el_test_demo_new (PASSWORD);
  return el_test_demo_run (&demo);
}
