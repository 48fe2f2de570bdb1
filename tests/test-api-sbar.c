/* SPDX-License-Identifier: GPL-3.0-or-later */
/* /api/v1/handoffs/{id}/sbar: a real server seeded with `seed-demo`, users signed in through /auth/login. */
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

static char *
version_body (int base, const char *situation)
{
  return g_strdup_printf ("{\"base_version\":%d,\"source\":\"nurse\",\"situation\":\"%s\",\"fields\":{}}",
                          base, situation);
}

static void
test_versions (void)
{
  g_autofree char *id = create_handoff (&nurse_a, patient_4w, NULL, NULL);
  g_autofree char *latest = path_of (id, "/sbar");
  g_autofree char *versions = path_of (id, "/sbar/versions");
  g_autofree char *v1 = path_of (id, "/sbar/versions/1");
  g_autofree char *v3 = path_of (id, "/sbar/versions/3");
  g_autofree char *v0 = path_of (id, "/sbar/versions/0");
  g_autofree char *vx = path_of (id, "/sbar/versions/abc");
  g_autofree char *handoff = path_of (id, NULL);
  g_autofree char *body0 = version_body (0, "Stable overnight.");
  g_autofree char *body1 = version_body (1, "Febrile at 04:00, cultures sent.");
  g_autofree char *location = g_strdup_printf ("/api/v1/handoffs/%s/sbar/versions/1", id);

  {
    g_autoptr (Resp) resp = call ("GET", latest, &nurse_a, NULL, END);
    assert_problem (resp, 404, "not_found");
  }
  {
    g_autoptr (Resp) resp = call ("GET", versions, &nurse_a, NULL, END);
    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_cmpuint (
        json_array_get_length (json_object_get_array_member (json_node_get_object (resp->json), "items")), ==,
        0);
  }
  {
    g_autoptr (Resp) resp = call ("POST", versions, &nurse_a, body0, END);
    JsonObject *obj;

    g_assert_cmpuint (resp->status, ==, 201);
    obj = json_node_get_object (resp->json);
    g_assert_cmpint (json_object_get_int_member (obj, "version"), ==, 1);
    g_assert_cmpstr (member (resp, "author_id"), ==, nurse_a.id);
    g_assert_true (json_object_has_member (obj, "completeness"));
    g_assert_cmpstr (soup_message_headers_get_one (resp->headers, "Location"), ==, location);
    g_assert_nonnull (soup_message_headers_get_one (resp->headers, "ETag"));
  }
  {
    /* the first version makes the draft ready */
    g_autoptr (Resp) resp = call ("GET", handoff, &nurse_a, NULL, END);
    g_assert_cmpstr (member (resp, "status"), ==, "ready");
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (resp->json), "latest_version"), ==, 1);
  }
  {
    /* a stale base: 409 with the latest */
    g_autoptr (Resp) resp = call ("POST", versions, &charge, body0, END);
    JsonObject *obj;

    assert_problem (resp, 409, "version_conflict");
    obj = json_object_get_object_member (json_node_get_object (resp->json), "latest");
    g_assert_nonnull (obj);
    g_assert_cmpint (json_object_get_int_member (obj, "version"), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (obj, "situation"), ==, "Stable overnight.");
  }
  {
    g_autoptr (Resp) resp = call ("POST", versions, &charge, body1, END);
    JsonObject *obj;

    g_assert_cmpuint (resp->status, ==, 201);
    obj = json_node_get_object (resp->json);
    g_assert_cmpint (json_object_get_int_member (obj, "version"), ==, 2);
    g_assert_true (json_object_has_member (obj, "changes_since_last_version"));
    g_assert_false (json_node_is_null (json_object_get_member (obj, "changes_since_last_version")));
  }
  {
    g_autoptr (Resp) resp = call ("GET", latest, &nurse_a, NULL, END);
    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (resp->json), "version"), ==, 2);
    g_assert_cmpstr (member (resp, "situation"), ==, "Febrile at 04:00, cultures sent.");
  }
  {
    g_autoptr (Resp) resp = call ("GET", versions, &admin, NULL, END);
    JsonArray *items;

    g_assert_cmpuint (resp->status, ==, 200);
    items = json_object_get_array_member (json_node_get_object (resp->json), "items");
    g_assert_cmpuint (json_array_get_length (items), ==, 2);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (items, 0), "version"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (items, 1), "version"), ==, 2);
  }
  {
    g_autoptr (Resp) resp = call ("GET", v1, &charge, NULL, END);
    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (resp->json), "version"), ==, 1);
    g_assert_cmpstr (member (resp, "situation"), ==, "Stable overnight.");
  }
  {
    g_autoptr (Resp) resp = call ("GET", v3, &nurse_a, NULL, END);
    assert_problem (resp, 404, "not_found");
  }
  {
    g_autoptr (Resp) resp = call ("GET", v0, &nurse_a, NULL, END);
    assert_problem (resp, 400, "invalid_request");
  }
  {
    g_autoptr (Resp) resp = call ("GET", vx, &nurse_a, NULL, END);
    assert_problem (resp, 400, "invalid_request");
  }
}

static void
test_scoping (void)
{
  g_autofree char *id = create_handoff (&nurse_a, patient_4w, NULL, NULL);
  g_autofree char *versions = path_of (id, "/sbar/versions");
  g_autofree char *body0 = version_body (0, "Stable.");
  const char *const suffixes[] = { "/sbar", "/sbar/versions", "/sbar/versions/1" };

  {
    g_autoptr (Resp) resp = call ("POST", versions, &nurse_b, body0, END);
    assert_problem (resp, 404, "not_found");
  }
  {
    g_autoptr (Resp) resp = call ("POST", versions, &nurse_a, body0, END);
    g_assert_cmpuint (resp->status, ==, 201);
  }
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = path_of (id, suffixes[i]);
      g_autoptr (Resp) other = call ("GET", path, &nurse_b, NULL, END);
      g_autoptr (Resp) own = call ("GET", path, &nurse_a, NULL, END);
      g_autoptr (Resp) all = call ("GET", path, &admin, NULL, END);
      g_autoptr (Resp) nobody = call ("GET", path, NULL, NULL, END);

      assert_problem (other, 404, "not_found");
      g_assert_cmpuint (own->status, ==, 200);
      g_assert_cmpuint (all->status, ==, 200);
      assert_problem (nobody, 401, "unauthorized");
    }
  {
    g_autofree char *unknown_id = g_uuid_string_random ();
    g_autofree char *path = path_of (unknown_id, "/sbar/versions");
    g_autoptr (Resp) resp = call ("POST", path, &nurse_a, body0, END);
    assert_problem (resp, 404, "not_found");
  }
  {
    g_autoptr (Resp) resp = call ("GET", "/api/v1/handoffs/..%2f..%2fetc/sbar", &nurse_a, NULL, END);
    g_assert_cmpuint (resp->status, >=, 400);
    g_assert_cmpuint (resp->status, <, 500);
  }
}

static void
test_bad_bodies (void)
{
  g_autofree char *id = create_handoff (&nurse_a, patient_4w, NULL, NULL);
  g_autofree char *versions = path_of (id, "/sbar/versions");
  static const char *const invalid[] = {
    "{\"base_version\":0,\"source\":\"nurse\",\"fields\":{},\"author_id\":\"x\"}",
    "{\"base_version\":0,\"source\":\"nurse\"}",
    "{\"base_version\":-1,\"source\":\"nurse\",\"fields\":{}}",
    "{\"base_version\":\"0\",\"source\":\"nurse\",\"fields\":{}}",
    "{\"base_version\":0,\"source\":\"robot\",\"fields\":{}}",
    "{\"base_version\":0,\"source\":\"nurse\",\"fields\":{\"code_status\":{\"value\":\"maybe\"}}}",
    "[]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr (Resp) resp = call ("POST", versions, &nurse_a, invalid[i], END);
      g_test_message ("case %u", i);
      assert_problem (resp, 422, "validation_failed");
    }
  {
    g_autoptr (Resp) resp = call ("POST", versions, &nurse_a, "{\"base_version\":", END);
    assert_problem (resp, 400, "invalid_request");
  }
  {
    g_autoptr (Resp) resp = call ("POST", versions, &nurse_a, "{}", "Content-Type", "text/plain", END);
    assert_problem (resp, 415, "unsupported_media_type");
  }
  {
    /* nothing was saved */
    g_autofree char *latest = path_of (id, "/sbar");
    g_autoptr (Resp) resp = call ("GET", latest, &nurse_a, NULL, END);
    assert_problem (resp, 404, "not_found");
  }
}

static void
test_idempotency (void)
{
  g_autofree char *id = create_handoff (&nurse_a, patient_4w, NULL, NULL);
  g_autofree char *versions = path_of (id, "/sbar/versions");
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *body0 = version_body (0, "Stable.");
  g_autofree char *other = version_body (0, "Unstable.");
  g_autofree char *first_id = NULL;

  {
    g_autoptr (Resp) resp = call ("POST", versions, &nurse_a, body0, "Idempotency-Key", key, END);
    g_assert_cmpuint (resp->status, ==, 201);
    first_id = g_strdup (member (resp, "id"));
  }
  {
    /* the retry: the same response, no second version */
    g_autoptr (Resp) resp = call ("POST", versions, &nurse_a, body0, "Idempotency-Key", key, END);
    g_assert_cmpuint (resp->status, ==, 201);
    g_assert_cmpstr (member (resp, "id"), ==, first_id);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (resp->json), "version"), ==, 1);
  }
  {
    g_autoptr (Resp) resp = call ("POST", versions, &nurse_a, other, "Idempotency-Key", key, END);
    assert_problem (resp, 422, "idempotency_key_reused");
  }
  {
    g_autoptr (Resp) resp = call ("GET", versions, &nurse_a, NULL, END);
    g_assert_cmpuint (
        json_array_get_length (json_object_get_array_member (json_node_get_object (resp->json), "items")), ==,
        1);
  }
}

static void
test_locked (void)
{
  g_autofree char *etag = NULL;
  g_autofree char *id = create_handoff (&nurse_a, patient_4w, NULL, &etag);
  g_autofree char *versions = path_of (id, "/sbar/versions");
  g_autofree char *handoff = path_of (id, NULL);
  g_autofree char *body0 = version_body (0, "Stable.");

  {
    g_autoptr (Resp) resp =
        call ("PATCH", handoff, &nurse_a, "{\"status\":\"cancelled\"}", "If-Match", etag, END);
    g_assert_cmpuint (resp->status, ==, 200);
  }
  {
    g_autoptr (Resp) resp = call ("POST", versions, &nurse_a, body0, END);
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
  g_test_add_func ("/el/server/api/sbar/versions", test_versions);
  g_test_add_func ("/el/server/api/sbar/scoping", test_scoping);
  g_test_add_func ("/el/server/api/sbar/bad-bodies", test_bad_bodies);
  g_test_add_func ("/el/server/api/sbar/idempotency", test_idempotency);
  g_test_add_func ("/el/server/api/sbar/locked", test_locked);

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
