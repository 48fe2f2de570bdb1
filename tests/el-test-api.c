/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-test-api.h"

#include <string.h>

struct ElTestApi
{
  ElTestServer *server; /* not owned */
  SoupSession *session;
  GPtrArray *logins; /* of ElTestLogin */
};

static void
login_free (ElTestLogin *login)
{
  g_free (login->token);
  g_free (login->refresh_token);
  g_free (login->id);
  g_free (login->unit_id);
  g_free (login);
}

/**
 * el_test_api_new:
 * @server: the server to talk to; it must outlive the client
 *
 * Returns: (transfer full): a client with its own session, no proxy, a 30 s timeout
 */
ElTestApi *
el_test_api_new (ElTestServer *server)
{
  ElTestApi *self = g_new0 (ElTestApi, 1);
  g_autoptr (GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

  self->server = server;
  self->session = soup_session_new_with_options ("timeout", 30, "proxy-resolver", direct, NULL);
  self->logins = g_ptr_array_new_with_free_func ((GDestroyNotify) login_free);
  return self;
}

void
el_test_api_free (ElTestApi *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->session);
  g_ptr_array_unref (self->logins);
  g_free (self);
}

static gboolean
is_json (const char *content_type)
{
  return g_strcmp0 (content_type, "application/json") == 0 ||
         g_strcmp0 (content_type, "application/problem+json") == 0;
}

/**
 * el_test_api_send:
 * @self: a client
 * @method: the HTTP method
 * @path: the path and query, e.g. "/api/v1/handoffs?limit=2"
 * @token: (nullable): a bearer token for Authorization
 * @body: (nullable): the request body
 * @headers: (nullable): more request headers as name, value, ..., NULL; a NULL value leaves its
 *   header out
 * @error: (optional): where a failed exchange (no answer at all) is returned; NULL to assert that
 *   there is an answer
 *
 * Sends a request. The body goes as application/json unless @headers name a Content-Type.
 *
 * Returns: (transfer full) (nullable): the answer; NULL, with @error set, when there was none
 */
ElTestResponse *
el_test_api_send (ElTestApi *self,
                  const char *method,
                  const char *path,
                  const char *token,
                  GBytes *body,
                  const char *const *headers,
                  GError **error)
{
  g_autofree char *url = el_test_server_url (self->server, path);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GBytes) reply = NULL;
  g_autoptr (GError) local_error = NULL;
  ElTestResponse *resp;
  SoupMessageHeaders *hdrs;
  gboolean has_type = FALSE;

  g_assert_nonnull (msg);
  hdrs = soup_message_get_request_headers (msg);
  if (token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (hdrs, "Authorization", auth);
    }
  for (guint i = 0; headers != NULL && headers[i] != NULL; i += 2)
    {
      if (headers[i + 1] == NULL)
        continue;
      soup_message_headers_replace (hdrs, headers[i], headers[i + 1]);
      if (g_ascii_strcasecmp (headers[i], "Content-Type") == 0)
        has_type = TRUE;
    }
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, has_type ? NULL : "application/json", body);

  reply = soup_session_send_and_read (self->session, msg, NULL, &local_error);
  if (reply == NULL && error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  g_assert_no_error (local_error);

  resp = g_new0 (ElTestResponse, 1);
  resp->status = soup_message_get_status (msg);
  resp->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  resp->body = g_bytes_ref (reply);
  resp->text = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
  if (is_json (soup_message_headers_get_content_type (resp->headers, NULL)))
    {
      resp->json = json_from_string (resp->text, &local_error);
      g_assert_no_error (local_error);
    }
  return resp;
}

/**
 * el_test_api_call:
 * @self: a client
 * @method: the HTTP method
 * @path: the path and query
 * @who: (nullable): the user the request is made as (its access token)
 * @body: (nullable): the request body, a string
 * @...: more request headers as name, value, ..., EL_TEST_END (a NULL value leaves its header out,
 *   as in el_test_api_send()'s @headers)
 *
 * Sends a request and asserts there is an answer.
 *
 * Returns: (transfer full): the answer
 */
ElTestResponse *
el_test_api_call (
    ElTestApi *self, const char *method, const char *path, const ElTestLogin *who, const char *body, ...)
{
  g_autoptr (GPtrArray) headers = g_ptr_array_new ();
  g_autoptr (GBytes) bytes = NULL;
  const char *name;
  va_list ap;

  va_start (ap, body);
  while ((name = va_arg (ap, const char *)) != NULL)
    {
      g_ptr_array_add (headers, (gpointer) name);
      g_ptr_array_add (headers, (gpointer) va_arg (ap, const char *));
    }
  va_end (ap);
  g_ptr_array_add (headers, NULL);
  if (body != NULL)
    bytes = g_bytes_new (body, strlen (body));
  return el_test_api_send (self, method, path, who != NULL ? who->token : NULL, bytes,
                           (const char *const *) headers->pdata, NULL);
}

/**
 * el_test_api_login_request:
 *
 * Returns: (transfer full): the answer to POST /api/v1/auth/login with this email and password,
 *   whatever it is
 */
ElTestResponse *
el_test_api_login_request (ElTestApi *self, const char *email, const char *password)
{
  g_autofree char *body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}", email, password);

  return el_test_api_call (self, "POST", "/api/v1/auth/login", NULL, body, EL_TEST_END);
}

/**
 * el_test_api_login:
 *
 * Signs in (asserting 200) and keeps the user's tokens for the client's lifetime.
 *
 * Returns: (transfer none): the signed-in user
 */
const ElTestLogin *
el_test_api_login (ElTestApi *self, const char *email, const char *password)
{
  g_autoptr (ElTestResponse) resp = el_test_api_login_request (self, email, password);
  ElTestLogin *login = g_new0 (ElTestLogin, 1);
  JsonObject *user;

  g_assert_cmpuint (resp->status, ==, 200);
  login->token = g_strdup (el_test_response_get_string (resp, "access_token"));
  login->refresh_token = g_strdup (el_test_response_get_string (resp, "refresh_token"));
  user = json_object_get_object_member (el_test_response_get_object (resp), "user");
  login->id = g_strdup (json_object_get_string_member (user, "id"));
  login->unit_id = g_strdup (json_object_get_string_member_with_default (user, "unit_id", NULL));
  g_ptr_array_add (self->logins, login);
  return login;
}

/**
 * el_test_api_patient_id:
 *
 * Returns: (transfer full): the id of the patient at @index in GET /api/v1/patients?unit_id= of
 *   @who's unit, as @who (asserting there is one)
 */
char *
el_test_api_patient_id (ElTestApi *self, const ElTestLogin *who, guint index)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/patients?unit_id=%s", who->unit_id);
  g_autoptr (ElTestResponse) resp = el_test_api_call (self, "GET", path, who, NULL, EL_TEST_END);
  JsonArray *items;

  g_assert_cmpuint (resp->status, ==, 200);
  items = json_object_get_array_member (el_test_response_get_object (resp), "items");
  g_assert_cmpuint (json_array_get_length (items), >, index);
  return g_strdup (json_object_get_string_member (json_array_get_object_element (items, index), "id"));
}

/**
 * el_test_api_create_handoff:
 * @extra_members: (nullable): more members of the body, each after a comma
 * @etag: (out) (optional): the new handoff's ETag
 *
 * Creates a day-shift handoff as @who (POST /api/v1/handoffs with a new Idempotency-Key, asserting
 * 201).
 *
 * Returns: (transfer full): its id
 */
char *
el_test_api_create_handoff (
    ElTestApi *self, const ElTestLogin *who, const char *patient_id, const char *extra_members, char **etag)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *body = el_test_handoff_body (id, patient_id, "day", extra_members);
  g_autofree char *key = g_uuid_string_random ();
  g_autoptr (ElTestResponse) resp =
      el_test_api_call (self, "POST", "/api/v1/handoffs", who, body, "Idempotency-Key", key, EL_TEST_END);

  g_assert_cmpuint (resp->status, ==, 201);
  if (etag != NULL)
    *etag = g_strdup (el_test_response_get_header (resp, "ETag"));
  return g_steal_pointer (&id);
}

void
el_test_response_free (ElTestResponse *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->headers, soup_message_headers_unref);
  g_clear_pointer (&self->body, g_bytes_unref);
  g_free (self->text);
  g_clear_pointer (&self->json, json_node_unref);
  g_free (self);
}

const char *
el_test_response_get_header (ElTestResponse *self, const char *name)
{
  return soup_message_headers_get_one (self->headers, name);
}

/**
 * el_test_response_get_object:
 *
 * Returns: (transfer none): the JSON body, asserted to be an object
 */
JsonObject *
el_test_response_get_object (ElTestResponse *self)
{
  g_assert_nonnull (self->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (self->json));
  return json_node_get_object (self->json);
}

/**
 * el_test_response_get_string:
 *
 * Returns: (nullable): the string @member of the JSON body (asserted to be an object); NULL when
 *   it has none
 */
const char *
el_test_response_get_string (ElTestResponse *self, const char *member)
{
  return json_object_get_string_member_with_default (el_test_response_get_object (self), member, NULL);
}

/* ------------------------------------------------------------------------------------------------
 * Request bodies and paths.
 */

/* "/api/v1/handoffs/ID" followed by @suffix (e.g. "/sbar/versions"), if any. */
char *
el_test_handoff_path (const char *handoff_id, const char *suffix)
{
  return g_strdup_printf ("/api/v1/handoffs/%s%s", handoff_id, suffix != NULL ? suffix : "");
}

/* A HandoffCreate on 2026-11-20; @extra_members, if any, each after a comma. */
char *
el_test_handoff_body (const char *id, const char *patient_id, const char *shift, const char *extra_members)
{
  return g_strdup_printf (
      "{\"id\":\"%s\",\"patient_id\":\"%s\",\"shift_date\":\"2026-11-20\",\"shift\":\"%s\"%s}", id,
      patient_id, shift, extra_members != NULL ? extra_members : "");
}

/* A nurse's SbarVersionCreate on @base_version with only a situation. */
char *
el_test_sbar_version_body (int base_version, const char *situation)
{
  return g_strdup_printf ("{\"base_version\":%d,\"source\":\"nurse\",\"situation\":\"%s\",\"fields\":{}}",
                          base_version, situation);
}

/**
 * el_test_make_wav:
 * @ms: its length in milliseconds
 *
 * Returns: (transfer full): a WAV file: PCM, 16 bit, mono, 16 kHz, @ms milliseconds of a quiet ramp
 */
GBytes *
el_test_make_wav (guint ms)
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

/* ------------------------------------------------------------------------------------------------
 * The demo.
 */

/* Runs `eclipselink-server seed-demo OPTIONS... --password PASSWORD` on @server's database and
 * asserts it succeeds; @options may be NULL. */
static void
seed_demo (ElTestServer *server, const char *const *options, const char *password)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  g_autofree char *err = NULL;

  g_ptr_array_add (args, (gpointer) "seed-demo");
  for (guint i = 0; options != NULL && options[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) options[i]);
  g_ptr_array_add (args, (gpointer) "--password");
  g_ptr_array_add (args, (gpointer) password);
  g_ptr_array_add (args, NULL);
  g_assert_cmpint (el_test_server_run (server, (const char *const *) args->pdata, NULL, &err), ==, 0);
}

/* Sets @env (name, value pairs; NULL or an empty list for none) on @server. */
static void
setenv_pairs (ElTestServer *server, const char *const *env)
{
  for (guint i = 0; env != NULL && env[i] != NULL; i += 2)
    el_test_server_setenv (server, env[i], env[i + 1]);
}

/* Readies a server that is not started yet: RATE_LIMIT_ENABLED=false, `migrate`, the default demo
 * (`seed-demo --password PASSWORD`), and no second migration at el_test_server_start(). */
void
el_test_demo_prepare (ElTestServer *server, const char *password)
{
  el_test_demo_prepare_full (server, password, NULL);
}

/* The same with @env (name, value pairs, after RATE_LIMIT_ENABLED=false, so they may change it) in
 * the server's environment for `migrate`, `seed-demo` and `serve`. */
void
el_test_demo_prepare_full (ElTestServer *server, const char *password, const char *const *env)
{
  static const char *const migrate[] = { "migrate", NULL };
  g_autofree char *err = NULL;

  el_test_server_setenv (server, "RATE_LIMIT_ENABLED", "false");
  setenv_pairs (server, env);
  g_assert_cmpint (el_test_server_run (server, migrate, NULL, &err), ==, 0);
  seed_demo (server, NULL, password);
  el_test_server_set_migrate (server, FALSE);
}

/* Starts a second server process on @first's database and audio folder (the server "comes back"):
 * RATE_LIMIT_ENABLED=false, @env (name, value pairs, may be NULL), no migration, on @port (0: any;
 * otherwise asserted). Returns (transfer full) the running server. */
ElTestServer *
el_test_demo_start_again (ElTestServer *first, guint port, const char *const *env)
{
  ElTestServer *server = el_test_server_new ();
  g_autofree char *url = g_strconcat ("sqlite://", el_test_server_get_database_path (first), NULL);
  g_autofree char *port_text = g_strdup_printf ("%u", port);

  el_test_server_setenv (server, "RATE_LIMIT_ENABLED", "false");
  setenv_pairs (server, env);
  el_test_server_setenv (server, "DATABASE_URL", url);
  el_test_server_setenv (server, "STORAGE_DIR", el_test_server_get_storage_dir (first));
  el_test_server_set_migrate (server, FALSE);
  if (port != 0)
    {
      el_test_server_add_arg (server, "--port");
      el_test_server_add_arg (server, port_text);
    }
  el_test_server_start (server);
  if (port != 0)
    g_assert_cmpuint (el_test_server_get_port (server), ==, port);
  return server;
}

/**
 * el_test_demo_new:
 * @password: every demo user's password
 *
 * Starts a server with the default demo (el_test_demo_prepare()) and signs the four demo users in.
 *
 * Returns: (transfer full): the demo
 */
ElTestDemo *
el_test_demo_new (const char *password)
{
  ElTestDemo *self = g_new0 (ElTestDemo, 1);

  self->server = el_test_server_new ();
  el_test_demo_prepare (self->server, password);
  el_test_server_start (self->server);
  self->api = el_test_api_new (self->server);

  self->admin = el_test_api_login (self->api, EL_TEST_DEMO_ADMIN, password);
  self->charge = el_test_api_login (self->api, EL_TEST_DEMO_CHARGE, password);
  self->nurse_a = el_test_api_login (self->api, EL_TEST_DEMO_NURSE_A, password);
  self->nurse_b = el_test_api_login (self->api, EL_TEST_DEMO_NURSE_B, password);
  g_assert_cmpstr (self->nurse_a->unit_id, ==, self->charge->unit_id);
  g_assert_cmpstr (self->nurse_a->unit_id, !=, self->nurse_b->unit_id);
  self->patient_4w = el_test_api_patient_id (self->api, self->nurse_a, 0);
  self->patient_4w_2 = el_test_api_patient_id (self->api, self->nurse_a, 1);
  self->patient_5e = el_test_api_patient_id (self->api, self->nurse_b, 0);
  return self;
}

/**
 * el_test_demo_new_small:
 * @password: every demo user's password
 *
 * Starts a server (migrating it, rate limits as by default), then seeds a small demo into it while
 * it runs: two units (4W, 5E) of two patients, one day. Nobody is signed in.
 *
 * Returns: (transfer full): the demo
 */
ElTestDemo *
el_test_demo_new_small (const char *password)
{
  static const char *const small[] = { "--units", "2", "--patients-per-unit", "2", "--days", "1", NULL };
  ElTestDemo *self = g_new0 (ElTestDemo, 1);

  self->server = el_test_server_new ();
  el_test_server_start (self->server);
  seed_demo (self->server, small, password);
  self->api = el_test_api_new (self->server);
  return self;
}

/**
 * el_test_demo_run:
 * @demo: (inout) (transfer full): the demo the tests use; cleared
 *
 * The end of a main(): runs the tests (g_test_run()), then stops the server, asserting it exits
 * with status 0 (its stderr printed if not), and frees the demo.
 *
 * Returns: g_test_run()'s status
 */
int
el_test_demo_run (ElTestDemo **demo)
{
  int status = g_test_run ();
  int server_status = el_test_server_stop ((*demo)->server);

  if (server_status != 0)
    {
      g_autofree char *err = el_test_server_get_stderr ((*demo)->server);

      g_printerr ("server stderr:\n%s\n", err);
    }
  g_assert_cmpint (server_status, ==, 0);
  g_clear_pointer (demo, el_test_demo_free);
  return status;
}

void
el_test_demo_free (ElTestDemo *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->server, el_test_server_free);
  g_clear_pointer (&self->api, el_test_api_free);
  g_free (self->patient_4w);
  g_free (self->patient_4w_2);
  g_free (self->patient_5e);
  g_free (self);
}
