/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The census endpoints (GET /api/v1/units, GET /api/v1/patients?unit_id=) for each role, on a real
 * `eclipselink-server serve` seeded with `seed-demo` (units 4W and 5E, two patients each). */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "el-model-types.h"
#include "el-test-server.h"

#define PASSWORD     "test-password-42"
#define NURSE_A      "nurse.a@demo.eclipselink.ai"
#define CHARGE_4W    "charge.nurse@demo.eclipselink.ai"
#define NURSE_B      "nurse.b@demo.eclipselink.ai"
#define CHARGE_5E    "charge.nurse.5e@demo.eclipselink.ai"
#define ADMIN        "admin@demo.eclipselink.ai"
#define UNKNOWN_UNIT "00000000-0000-4000-8000-000000000000"

static ElTestServer *server;
static SoupSession *session;

typedef struct
{
  guint status;
  SoupMessageHeaders *headers;
  GBytes *body;
} Response;

static void
response_free (Response *response)
{
  if (response == NULL)
    return;
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_free (response);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Response, response_free)

static Response *
http (const char *method, const char *path, const char *bearer, const char *content_type, const char *body)
{
  g_autofree char *url = el_test_server_url (server, path);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GError) error = NULL;
  Response *response = g_new0 (Response, 1);

  g_assert_nonnull (msg);
  if (bearer != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", bearer, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  if (body != NULL)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, content_type, bytes);
    }
  response->body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  response->status = soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  return response;
}

static Response *
post_json (const char *path, const char *body)
{
  return http ("POST", path, NULL, "application/json", body);
}

static const char *
header (Response *response, const char *name)
{
  return soup_message_headers_get_one (response->headers, name);
}

static JsonObject *
body_object (Response *response)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (response->body, &len);

  json_parser_load_from_data (parser, data, (gssize) len, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
assert_problem (Response *response, guint status, const char *code)
{
  g_autoptr (JsonObject) problem = NULL;

  g_assert_cmpuint (response->status, ==, status);
  g_assert_cmpstr (header (response, "Content-Type"), ==, "application/problem+json");
  problem = body_object (response);
  g_assert_cmpstr (json_object_get_string_member (problem, "code"), ==, code);
  g_assert_cmpint (json_object_get_int_member (problem, "status"), ==, status);
}

static Response *
login (const char *email, const char *password)
{
  g_autofree char *body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}", email, password);

  return post_json ("/api/v1/auth/login", body);
}

/* Signs in and returns the TokenResponse. */
static JsonObject *
login_ok (const char *email)
{
  g_autoptr (Response) r = login (email, PASSWORD);

  g_assert_cmpuint (r->status, ==, 200);
  return body_object (r);
}

/* The access token and the unit of a signed-in user. */
static char *
token_of (const char *email, char **unit_id)
{
  g_autoptr (JsonObject) tokens = login_ok (email);
  JsonObject *user = json_object_get_object_member (tokens, "user");

  if (unit_id != NULL)
    *unit_id = json_object_has_member (user, "unit_id")
                   ? g_strdup (json_object_get_string_member (user, "unit_id"))
                   : NULL;
  return g_strdup (json_object_get_string_member (tokens, "access_token"));
}

static JsonArray *
items_of (Response *response)
{
  g_autoptr (JsonObject) object = body_object (response);

  g_assert_true (json_object_has_member (object, "items"));
  g_assert_cmpuint (json_object_get_size (object), ==, 1);
  return json_array_ref (json_object_get_array_member (object, "items"));
}

static Response *
get (const char *path, const char *token)
{
  return http ("GET", path, token, NULL, NULL);
}

static Response *
get_patients (const char *unit_id, const char *token)
{
  g_autofree char *path = g_strconcat ("/api/v1/patients?unit_id=", unit_id, NULL);

  return get (path, token);
}

/* A nurse and a charge nurse see their unit; the admin every unit, ordered by name. */
static void
test_units (void)
{
  struct
  {
    const char *email;
    guint n_units;
  } cases[] = { { NURSE_A, 1 }, { CHARGE_4W, 1 }, { NURSE_B, 1 }, { CHARGE_5E, 1 }, { ADMIN, 2 } };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree char *unit_id = NULL;
      g_autofree char *token = token_of (cases[c].email, &unit_id);
      g_autoptr (Response) r = get ("/api/v1/units", token);
      g_autoptr (JsonArray) items = NULL;

      g_assert_cmpuint (r->status, ==, 200);
      g_assert_cmpstr (header (r, "Cache-Control"), ==, "no-store");
      items = items_of (r);
      g_assert_cmpuint (json_array_get_length (items), ==, cases[c].n_units);
      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          JsonObject *unit = json_array_get_object_element (items, i);

          g_assert_true (el_uuid_is_valid (json_object_get_string_member (unit, "id")));
          g_assert_nonnull (json_object_get_string_member (unit, "code"));
          if (unit_id != NULL)
            g_assert_cmpstr (json_object_get_string_member (unit, "id"), ==, unit_id);
          if (i > 0)
            g_assert_cmpint (g_utf8_collate (json_object_get_string_member (
                                                 json_array_get_object_element (items, i - 1), "name"),
                                             json_object_get_string_member (unit, "name")),
                             <=, 0);
        }
    }
  {
    g_autoptr (Response) none = get ("/api/v1/units", NULL);

    assert_problem (none, 401, "unauthorized");
  }
}

static void
assert_census (const char *unit_id, const char *token, guint n_patients)
{
  g_autoptr (Response) r = get_patients (unit_id, token);
  g_autoptr (JsonArray) items = NULL;

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (header (r, "Cache-Control"), ==, "no-store");
  g_assert_cmpstr (header (r, "Content-Type"), ==, "application/json");
  items = items_of (r);
  g_assert_cmpuint (json_array_get_length (items), ==, n_patients);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *patient = json_array_get_object_element (items, i);

      g_assert_cmpstr (json_object_get_string_member (patient, "unit_id"), ==, unit_id);
      g_assert_true (el_uuid_is_valid (json_object_get_string_member (patient, "id")));
      g_assert_true (json_object_has_member (patient, "mrn"));
    }
}

static void
test_patients_roles (void)
{
  g_autofree char *unit_4w = NULL;
  g_autofree char *unit_5e = NULL;
  g_autofree char *nurse_a = token_of (NURSE_A, &unit_4w);
  g_autofree char *nurse_b = token_of (NURSE_B, &unit_5e);
  g_autofree char *charge_4w = token_of (CHARGE_4W, NULL);
  g_autofree char *charge_5e = token_of (CHARGE_5E, NULL);
  g_autofree char *admin = token_of (ADMIN, NULL);

  g_assert_cmpstr (unit_4w, !=, unit_5e);
  assert_census (unit_4w, nurse_a, 2);
  assert_census (unit_5e, nurse_b, 2);
  assert_census (unit_4w, charge_4w, 2);
  assert_census (unit_5e, charge_5e, 2);
  assert_census (unit_4w, admin, 2);
  assert_census (unit_5e, admin, 2);

  /* another unit: 403 */
  {
    g_autoptr (Response) a = get_patients (unit_5e, nurse_a);
    g_autoptr (Response) b = get_patients (unit_4w, nurse_b);
    g_autoptr (Response) c = get_patients (unit_5e, charge_4w);
    g_autoptr (Response) d = get_patients (unit_4w, charge_5e);

    assert_problem (a, 403, "forbidden");
    assert_problem (b, 403, "forbidden");
    assert_problem (c, 403, "forbidden");
    assert_problem (d, 403, "forbidden");
    g_assert_cmpstr (header (a, "Cache-Control"), ==, "no-store");
  }
}

static void
test_patients_bad_queries (void)
{
  g_autofree char *admin = token_of (ADMIN, NULL);
  g_autofree char *nurse = token_of (NURSE_A, NULL);
  const char *bad[] = {
    "/api/v1/patients",
    "/api/v1/patients?unit_id=",
    "/api/v1/patients?unit_id=not-a-uuid",
    "/api/v1/patients?unit_id=00000000-0000-4000-8000-00000000000G",
    "/api/v1/patients?unit_id=00000000-0000-4000-8000-00000000000A",
    "/api/v1/patients?unit_id=..%2F..%2Fetc%2Fpasswd",
    "/api/v1/patients?unit_id=00000000-0000-4000-8000-0000000000000",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (Response) r = get (bad[i], admin);

      assert_problem (r, 400, "invalid_request");
    }
  {
    g_autoptr (Response) unknown = get_patients (UNKNOWN_UNIT, admin);
    g_autoptr (Response) unknown_nurse = get_patients (UNKNOWN_UNIT, nurse);
    g_autoptr (Response) none = get_patients (UNKNOWN_UNIT, NULL);

    assert_problem (unknown, 404, "not_found");
    assert_problem (unknown_nurse, 404, "not_found");
    assert_problem (none, 401, "unauthorized");
  }
}

int
main (int argc, char **argv)
{
  g_autoptr (GProxyResolver) direct = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *seed[] = { "seed-demo",  "--units", "2", "--patients-per-unit", "2", "--days", "1",
                         "--password", PASSWORD,  NULL };
  int status;

  g_test_init (&argc, &argv, NULL);

  server = el_test_server_new ();
  el_test_server_start (server);
  status = el_test_server_run (server, seed, &out, &err);
  g_assert_cmpint (status, ==, 0);
  direct = g_simple_proxy_resolver_new (NULL, NULL);
  session = soup_session_new_with_options ("timeout", 30, "proxy-resolver", direct, NULL);

  g_test_add_func ("/el/server/api/census/units", test_units);
  g_test_add_func ("/el/server/api/census/patients-roles", test_patients_roles);
  g_test_add_func ("/el/server/api/census/patients-bad-queries", test_patients_bad_queries);
  status = g_test_run ();

  g_object_unref (session);
  g_assert_cmpint (el_test_server_stop (server), ==, 0);
  el_test_server_free (server);
  return status;
}
