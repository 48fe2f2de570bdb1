/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Recordings: a real server seeded with `seed-demo`, users signed in through /auth/login. */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "el-test-server.h"

#define PASSWORD "handoff-demo-test"

/* ------------------------------------------------------------------------------------------------
 * Client helpers.
 */

typedef struct
{
  guint status;
  JsonNode *json;
  SoupMessageHeaders *headers;
} Resp;

static void
resp_free (Resp *resp)
{
  g_clear_pointer (&resp->json, json_node_unref);
  g_clear_pointer (&resp->headers, soup_message_headers_unref);
  g_free (resp);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Resp, resp_free)

/* The end of call()'s extra headers. */
#define END ((const char *) NULL)

#define EL_TEST_AUDIO_MAX_BYTES G_GINT64_CONSTANT (52428800) /* EL_AUDIO_MAX_BYTES */

static ElTestServer *server;
static SoupSession *session;

typedef struct
{
  char *token;
  char *id;
  char *unit_id;
} Login;

static Login admin, charge, nurse_a, nurse_b;
static char *patient_4w, *patient_4w_2, *patient_5e;

/* Sends a request; extra headers as name, value, ..., NULL. */
static Resp *
call (const char *method, const char *path, const Login *who, const char *body, ...)
{
  g_autofree char *url = el_test_server_url (server, path);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GBytes) reply = NULL;
  g_autoptr (GError) error = NULL;
  Resp *resp = g_new0 (Resp, 1);
  SoupMessageHeaders *hdrs;
  const char *name;
  const char *type;
  gboolean has_type = FALSE;
  va_list ap;

  g_assert_nonnull (msg);
  hdrs = soup_message_get_request_headers (msg);
  if (who != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", who->token);
      soup_message_headers_replace (hdrs, "Authorization", auth);
    }
  va_start (ap, body);
  while ((name = va_arg (ap, const char *)) != NULL)
    {
      const char *value = va_arg (ap, const char *);

      soup_message_headers_replace (hdrs, name, value);
      if (g_ascii_strcasecmp (name, "Content-Type") == 0)
        has_type = TRUE;
    }
  va_end (ap);
  if (body != NULL)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, has_type ? NULL : "application/json", bytes);
    }
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  resp->status = soup_message_get_status (msg);
  resp->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  type = soup_message_headers_get_content_type (resp->headers, NULL);
  if (type != NULL &&
      (g_str_equal (type, "application/json") || g_str_equal (type, "application/problem+json")))
    {
      gsize len = 0;
      const char *data = g_bytes_get_data (reply, &len);
      g_autofree char *text = g_strndup (data, len);

      resp->json = json_from_string (text, &error);
      g_assert_no_error (error);
    }
  return resp;
}

static const char *
member (Resp *resp, const char *name)
{
  g_assert_nonnull (resp->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (resp->json));
  return json_object_get_string_member_with_default (json_node_get_object (resp->json), name, NULL);
}

#define assert_problem(resp, st, code)                     \
  G_STMT_START                                             \
  {                                                        \
    g_assert_cmpuint ((resp)->status, ==, (st));           \
    g_assert_cmpstr (member ((resp), "code"), ==, (code)); \
  }                                                        \
  G_STMT_END

static void
login (Login *out, const char *email)
{
  g_autofree char *body =
      g_strdup_printf ("{\"email\":\"%s@demo.eclipselink.ai\",\"password\":\"" PASSWORD "\"}", email);
  g_autoptr (Resp) resp = call ("POST", "/api/v1/auth/login", NULL, body, END);
  JsonObject *user;

  g_assert_cmpuint (resp->status, ==, 200);
  out->token = g_strdup (member (resp, "access_token"));
  user = json_object_get_object_member (json_node_get_object (resp->json), "user");
  out->id = g_strdup (json_object_get_string_member (user, "id"));
  out->unit_id = g_strdup (json_object_get_string_member_with_default (user, "unit_id", NULL));
}

static char *
first_patient (const Login *who, guint index)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/patients?unit_id=%s", who->unit_id);
  g_autoptr (Resp) resp = call ("GET", path, who, NULL, END);
  JsonArray *items;

  g_assert_cmpuint (resp->status, ==, 200);
  items = json_object_get_array_member (json_node_get_object (resp->json), "items");
  g_assert_cmpuint (json_array_get_length (items), >, index);
  return g_strdup (json_object_get_string_member (json_array_get_object_element (items, index), "id"));
}

static char *
create_body (const char *id, const char *patient, const char *shift, const char *extra)
{
  return g_strdup_printf (
      "{\"id\":\"%s\",\"patient_id\":\"%s\",\"shift_date\":\"2026-11-20\",\"shift\":\"%s\"%s}", id, patient,
      shift, extra != NULL ? extra : "");
}

/* Creates a handoff as @who; returns its id and (optionally) its ETag. */
static char *
create_handoff (const Login *who, const char *patient, const char *extra, char **etag)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *body = create_body (id, patient, "day", extra);
  g_autofree char *key = g_uuid_string_random ();
  g_autoptr (Resp) resp = call ("POST", "/api/v1/handoffs", who, body, "Idempotency-Key", key, END);

  g_assert_cmpuint (resp->status, ==, 201);
  if (etag != NULL)
    *etag = g_strdup (soup_message_headers_get_one (resp->headers, "ETag"));
  return g_steal_pointer (&id);
}

static char *
path_of (const char *id, const char *suffix)
{
  return g_strdup_printf ("/api/v1/handoffs/%s%s", id, suffix != NULL ? suffix : "");
}

/* ------------------------------------------------------------------------------------------------
 * Tests.
 */

/* A WAV file: PCM, 16 bit, mono, 16 kHz, @ms milliseconds of a quiet ramp. */
static GBytes *
make_wav (guint ms)
{
  guint32 data_len = 16000 * 2 * ms / 1000;
  GByteArray *out = g_byte_array_new ();
  guint8 header[44];
  guint32 u32;
  guint16 u16;

  memcpy (header, "RIFF", 4);
  u32 = GUINT32_TO_LE (36 + data_len);
  memcpy (header + 4, &u32, 4);
  memcpy (header + 8, "WAVEfmt ", 8);
  u32 = GUINT32_TO_LE (16);
  memcpy (header + 16, &u32, 4);
  u16 = GUINT16_TO_LE (1); /* PCM */
  memcpy (header + 20, &u16, 2);
  u16 = GUINT16_TO_LE (1); /* mono */
  memcpy (header + 22, &u16, 2);
  u32 = GUINT32_TO_LE (16000);
  memcpy (header + 24, &u32, 4);
  u32 = GUINT32_TO_LE (32000);
  memcpy (header + 28, &u32, 4);
  u16 = GUINT16_TO_LE (2);
  memcpy (header + 32, &u16, 2);
  u16 = GUINT16_TO_LE (16);
  memcpy (header + 34, &u16, 2);
  memcpy (header + 36, "data", 4);
  u32 = GUINT32_TO_LE (data_len);
  memcpy (header + 40, &u32, 4);
  g_byte_array_append (out, header, sizeof header);
  for (guint32 i = 0; i < data_len; i++)
    {
      guint8 b = (guint8) (i % 7);
      g_byte_array_append (out, &b, 1);
    }
  return g_byte_array_free_to_bytes (out);
}

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
static Resp *
upload (const Login *who,
        const char *handoff_id,
        const char *query,
        GBytes *audio,
        const char *type,
        const char *digest,
        const char *key)
{
  g_autofree char *path =
      g_strdup_printf ("/api/v1/handoffs/%s/recordings%s", handoff_id, query != NULL ? query : "");
  g_autofree char *url = el_test_server_url (server, path);
  g_autoptr (SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr (GBytes) reply = NULL;
  g_autoptr (GError) error = NULL;
  SoupMessageHeaders *hdrs = soup_message_get_request_headers (msg);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", who->token);
  Resp *resp = g_new0 (Resp, 1);
  gsize len = 0;
  const char *data;
  g_autofree char *text = NULL;

  soup_message_headers_replace (hdrs, "Authorization", auth);
  if (digest != NULL)
    soup_message_headers_replace (hdrs, "Content-Digest", digest);
  if (key != NULL)
    soup_message_headers_replace (hdrs, "Idempotency-Key", key);
  soup_message_set_request_body_from_bytes (msg, type, audio);
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  resp->status = soup_message_get_status (msg);
  resp->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  data = g_bytes_get_data (reply, &len);
  text = g_strndup (data, len);
  if (len > 0)
    {
      resp->json = json_from_string (text, &error);
      g_assert_no_error (error);
    }
  return resp;
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
  conn =
      g_socket_client_connect_to_host (client, "127.0.0.1", el_test_server_get_port (server), NULL, &error);
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
  g_autofree char *id = create_handoff (&nurse_a, patient_4w, NULL, NULL);
  g_autoptr (GBytes) wav = make_wav (100);
  g_autofree char *digest = digest_of (wav);
  g_autofree char *head = g_strdup_printf ("POST /api/v1/handoffs/%s/recordings HTTP/1.1\r\n"
                                           "Host: 127.0.0.1\r\n"
                                           "Authorization: Bearer %s\r\n"
                                           "Content-Type: audio/wav\r\n"
                                           "Content-Digest: %s\r\n"
                                           "Idempotency-Key: limits-1\r\n"
                                           "Content-Length: %" G_GINT64_FORMAT "\r\n\r\n",
                                           id, nurse_a.token, digest, EL_TEST_AUDIO_MAX_BYTES + 1);

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
      g_autoptr (Resp) resp = upload (&nurse_a, id, NULL, body, "audio/wav", long_digest, key);
      assert_problem (resp, 413, "payload_too_large");
    }
  }
}

static void
test_upload (void)
{
  g_autofree char *etag = NULL;
  g_autofree char *id = create_handoff (&nurse_a, patient_4w, NULL, &etag);
  g_autoptr (GBytes) wav = make_wav (1000);
  g_autofree char *digest = digest_of (wav);
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *recording_id = g_uuid_string_random ();
  g_autofree char *query = g_strdup_printf ("?recording_id=%s", recording_id);
  g_autofree char *location = g_strdup_printf ("/api/v1/recordings/%s", recording_id);
  g_autofree char *handoff = path_of (id, NULL);

  {
    g_autoptr (Resp) resp = upload (&nurse_a, id, query, wav, "audio/wav", digest, key);
    JsonObject *obj;

    g_assert_cmpuint (resp->status, ==, 202);
    g_assert_cmpstr (member (resp, "id"), ==, recording_id);
    g_assert_cmpstr (member (resp, "handoff_id"), ==, id);
    g_assert_cmpstr (member (resp, "status"), ==, "queued");
    g_assert_cmpstr (member (resp, "mime_type"), ==, "audio/wav");
    obj = json_node_get_object (resp->json);
    g_assert_cmpint (json_object_get_int_member (obj, "size_bytes"), ==, (gint64) g_bytes_get_size (wav));
    g_assert_cmpint (json_object_get_int_member (obj, "duration_ms"), ==, 1000);
    g_assert_cmpstr (soup_message_headers_get_one (resp->headers, "Location"), ==, location);
  }
  {
    /* the retry: the same answer, still one recording */
    g_autoptr (Resp) resp = upload (&nurse_a, id, query, wav, "audio/wav", digest, key);
    g_assert_cmpuint (resp->status, ==, 202);
    g_assert_cmpstr (member (resp, "id"), ==, recording_id);
  }
  {
    g_autoptr (Resp) resp = call ("GET", location, &nurse_a, NULL, END);
    g_assert_cmpuint (resp->status, ==, 200);
    /* no speech engine yet: it stays queued */
    g_assert_cmpstr (member (resp, "status"), ==, "queued");
  }
  {
    g_autoptr (Resp) resp = call ("GET", location, &admin, NULL, END);
    g_assert_cmpuint (resp->status, ==, 200);
  }
  {
    g_autoptr (Resp) resp = call ("GET", location, &nurse_b, NULL, END);
    assert_problem (resp, 404, "not_found");
  }
  {
    g_autoptr (Resp) resp = call ("GET", handoff, &nurse_a, NULL, END);
    g_assert_cmpstr (member (resp, "status"), ==, "processing");
  }
  {
    g_autofree char *unknown_id = g_uuid_string_random ();
    g_autofree char *unknown = g_strdup_printf ("/api/v1/recordings/%s", unknown_id);
    g_autoptr (Resp) resp = call ("GET", unknown, &admin, NULL, END);
    assert_problem (resp, 404, "not_found");
  }
  {
    g_autoptr (Resp) resp = call ("GET", "/api/v1/recordings/../../etc", &admin, NULL, END);
    g_assert_cmpuint (resp->status, >=, 400);
    g_assert_cmpuint (resp->status, <, 500);
  }
  {
    g_autoptr (Resp) resp = call ("GET", "/api/v1/recordings/not-a-uuid", &admin, NULL, END);
    assert_problem (resp, 400, "invalid_request");
  }
}

static void
test_upload_errors (void)
{
  g_autofree char *etag = NULL;
  g_autofree char *id = create_handoff (&nurse_a, patient_4w, NULL, &etag);
  g_autoptr (GBytes) wav = make_wav (500);
  g_autoptr (GBytes) other = make_wav (400);
  g_autofree char *digest = digest_of (wav);
  g_autofree char *wrong = digest_of (other);
  g_autofree char *handoff = path_of (id, NULL);
  struct
  {
    const Login *who;
    const char *type;
    const char *digest;
    gboolean key;
    guint status;
    const char *code;
  } cases[] = {
    { &nurse_a, "audio/wav", digest, FALSE, 400, "invalid_request" },
    { &nurse_a, "audio/wav", NULL, TRUE, 400, "invalid_request" },
    { &nurse_a, "audio/wav", "sha-256=:nope:", TRUE, 400, "invalid_request" },
    { &nurse_a, "audio/wav", wrong, TRUE, 400, "invalid_request" },
    { &nurse_a, "audio/mpeg", digest, TRUE, 415, "unsupported_media_type" },
    { &nurse_a, "audio/ogg", digest, TRUE, 415, "unsupported_media_type" },
    { &nurse_b, "audio/wav", digest, TRUE, 404, "not_found" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *key = g_uuid_string_random ();
      g_autoptr (Resp) resp =
          upload (cases[i].who, id, NULL, wav, cases[i].type, cases[i].digest, cases[i].key ? key : NULL);
      g_test_message ("case %u", i);
      assert_problem (resp, cases[i].status, cases[i].code);
    }
  {
    g_autofree char *key = g_uuid_string_random ();
    g_autoptr (Resp) resp = upload (&nurse_a, id, "?recording_id=bad", wav, "audio/wav", digest, key);
    assert_problem (resp, 400, "invalid_request");
  }
  {
    /* nothing was stored: still a draft */
    g_autoptr (Resp) resp = call ("GET", handoff, &nurse_a, NULL, END);
    g_assert_cmpstr (member (resp, "status"), ==, "draft");
  }
  {
    g_autoptr (Resp) resp =
        call ("PATCH", handoff, &nurse_a, "{\"status\":\"cancelled\"}", "If-Match", etag, END);
    g_assert_cmpuint (resp->status, ==, 200);
  }
  {
    g_autofree char *key = g_uuid_string_random ();
    g_autoptr (Resp) resp = upload (&nurse_a, id, NULL, wav, "audio/wav", digest, key);
    assert_problem (resp, 423, "locked");
  }
}

/* ------------------------------------------------------------------------------------------------
 * Setup: one seeded server for every test.
 */

static void
start_server (void)
{
  static const char *const migrate[] = { "migrate", NULL };
  static const char *const seed[] = { "seed-demo", "--password", PASSWORD, NULL };
  g_autofree char *err = NULL;
  g_autoptr (GProxyResolver) direct = NULL;

  server = el_test_server_new ();
  el_test_server_setenv (server, "RATE_LIMIT_ENABLED", "false");
  g_assert_cmpint (el_test_server_run (server, migrate, NULL, &err), ==, 0);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (el_test_server_run (server, seed, NULL, &err), ==, 0);
  el_test_server_set_migrate (server, FALSE);
  el_test_server_start (server);
  direct = g_simple_proxy_resolver_new (NULL, NULL);
  session = soup_session_new_with_options ("timeout", 30, "proxy-resolver", direct, NULL);

  login (&admin, "admin");
  login (&charge, "charge.nurse");
  login (&nurse_a, "nurse.a");
  login (&nurse_b, "nurse.b");
  g_assert_cmpstr (nurse_a.unit_id, ==, charge.unit_id);
  g_assert_cmpstr (nurse_a.unit_id, !=, nurse_b.unit_id);
  patient_4w = first_patient (&nurse_a, 0);
  patient_4w_2 = first_patient (&nurse_a, 1);
  patient_5e = first_patient (&nurse_b, 0);
}

static void
clear_login (Login *login)
{
  g_free (login->token);
  g_free (login->id);
  g_free (login->unit_id);
}

int
main (int argc, char **argv)
{
  int status, stop_status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/el/server/api/recordings/upload", test_upload);
  g_test_add_func ("/el/server/api/recordings/upload-errors", test_upload_errors);
  g_test_add_func ("/el/server/api/recordings/upload-limits", test_upload_limits);

  start_server ();
  status = g_test_run ();
  stop_status = el_test_server_stop (server);
  if (stop_status != 0)
    {
      g_autofree char *err = el_test_server_get_stderr (server);
      g_printerr ("server stderr:\n%s\n", err);
    }
  g_assert_cmpint (stop_status, ==, 0);
  g_clear_pointer (&server, el_test_server_free);
  g_clear_object (&session);
  clear_login (&admin);
  clear_login (&charge);
  clear_login (&nurse_a);
  clear_login (&nurse_b);
  g_free (patient_4w);
  g_free (patient_4w_2);
  g_free (patient_5e);
  return status;
}
