/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GET /api/v1/changes: a real server seeded with `seed-demo`, users signed in through /auth/login. */
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

/* ------------------------------------------------------------------------------------------------
 * Tests.
 */

/* Reads the feed from @since to its end as @who; returns the last cursor. Checks every handoff
 * upsert is in @unit_id (when set) and whether @wanted appears among them. */
static gint64
read_feed (const Login *who, gint64 since, const char *unit_id, const char *wanted, gboolean *found)
{
  gboolean has_more = TRUE;
  guint pages = 0;

  *found = FALSE;
  while (has_more)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT "&limit=200", since);
      g_autoptr (Resp) resp = call ("GET", path, who, NULL, END);
      JsonObject *obj, *upserts;
      gint64 next;

      g_assert_cmpuint (resp->status, ==, 200);
      g_assert_cmpstr (soup_message_headers_get_one (resp->headers, "Cache-Control"), ==, "no-store");
      obj = json_node_get_object (resp->json);
      has_more = json_object_get_boolean_member (obj, "has_more");
      next = json_object_get_int_member (obj, "next_cursor");
      g_assert_cmpint (next, >=, since);
      if (has_more)
        g_assert_cmpint (next, >, since);
      since = next;
      upserts = json_object_get_object_member (obj, "upserts");
      if (upserts != NULL && json_object_has_member (upserts, "handoffs"))
        {
          JsonArray *handoffs = json_object_get_array_member (upserts, "handoffs");

          for (guint i = 0; i < json_array_get_length (handoffs); i++)
            {
              JsonObject *h = json_array_get_object_element (handoffs, i);

              if (unit_id != NULL)
                g_assert_cmpstr (json_object_get_string_member (h, "unit_id"), ==, unit_id);
              if (wanted != NULL && g_str_equal (json_object_get_string_member (h, "id"), wanted))
                *found = TRUE;
            }
        }
      pages++;
      g_assert_cmpuint (pages, <, 1000);
    }
  return since;
}

static void
test_feed_scoping (void)
{
  gboolean found = FALSE;
  gint64 a_end = read_feed (&nurse_a, 0, nurse_a.unit_id, NULL, &found);
  gint64 b_end = read_feed (&nurse_b, 0, nurse_b.unit_id, NULL, &found);
  gint64 charge_end = read_feed (&charge, 0, charge.unit_id, NULL, &found);
  gint64 admin_end = read_feed (&admin, 0, NULL, NULL, &found);
  g_autofree char *id = NULL;
  g_autofree char *id_5e = NULL;

  g_assert_cmpint (a_end, >, 0);
  g_assert_cmpint (b_end, >, 0);
  g_assert_cmpint (charge_end, >, 0);

  /* a new handoff on 4W: in 4W's feed and the administrator's, not in 5E's */
  id = create_handoff (&nurse_a, patient_4w, NULL, NULL);
  id_5e = create_handoff (&nurse_b, patient_5e, NULL, NULL);
  read_feed (&nurse_a, a_end, nurse_a.unit_id, id, &found);
  g_assert_true (found);
  read_feed (&charge, charge_end, charge.unit_id, id, &found);
  g_assert_true (found);
  read_feed (&nurse_b, b_end, nurse_b.unit_id, id, &found);
  g_assert_false (found);
  read_feed (&nurse_b, b_end, nurse_b.unit_id, id_5e, &found);
  g_assert_true (found);
  read_feed (&nurse_a, a_end, nurse_a.unit_id, id_5e, &found);
  g_assert_false (found);
  read_feed (&admin, admin_end, NULL, id, &found);
  g_assert_true (found);
  read_feed (&admin, admin_end, NULL, id_5e, &found);
  g_assert_true (found);
}

static void
test_feed_pages (void)
{
  g_autoptr (Resp) first = call ("GET", "/api/v1/changes?limit=1", &admin, NULL, END);
  g_autoptr (Resp) whole = call ("GET", "/api/v1/changes", &admin, NULL, END);
  JsonObject *obj;
  gint64 cursor;

  g_assert_cmpuint (first->status, ==, 200);
  obj = json_node_get_object (first->json);
  g_assert_true (json_object_get_boolean_member (obj, "has_more"));
  cursor = json_object_get_int_member (obj, "next_cursor");
  g_assert_cmpint (cursor, >, 0);
  g_assert_true (json_object_has_member (obj, "upserts"));

  /* the default page (100) goes further than a page of one */
  g_assert_cmpuint (whole->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (whole->json), "next_cursor"), >, cursor);

  {
    /* past the end: an empty page, the same cursor */
    g_autoptr (Resp) end = call ("GET", "/api/v1/changes?since=9000000000000", &admin, NULL, END);
    g_assert_cmpuint (end->status, ==, 200);
    obj = json_node_get_object (end->json);
    g_assert_false (json_object_get_boolean_member (obj, "has_more"));
    g_assert_cmpint (json_object_get_int_member (obj, "next_cursor"), ==, G_GINT64_CONSTANT (9000000000000));
  }
}

static void
test_feed_bad_input (void)
{
  static const char *const bad[] = {
    "/api/v1/changes?since=-1",  "/api/v1/changes?since=abc",
    "/api/v1/changes?since=",    "/api/v1/changes?limit=0",
    "/api/v1/changes?limit=201", "/api/v1/changes?limit=1x",
    "/api/v1/changes?since=+5",  "/api/v1/changes?since=99999999999999999999",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (Resp) resp = call ("GET", bad[i], &nurse_a, NULL, END);
      g_test_message ("case %u", i);
      assert_problem (resp, 400, "invalid_request");
    }
  {
    g_autoptr (Resp) resp = call ("GET", "/api/v1/changes", NULL, NULL, END);
    assert_problem (resp, 401, "unauthorized");
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
  g_test_add_func ("/el/server/api/changes/scoping", test_feed_scoping);
  g_test_add_func ("/el/server/api/changes/pages", test_feed_pages);
  g_test_add_func ("/el/server/api/changes/bad-input", test_feed_bad_input);

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
