/* SPDX-License-Identifier: GPL-3.0-or-later */
/* /api/v1/handoffs: a real server seeded with `seed-demo`, users signed in through /auth/login. */
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

static void
assert_all_in_unit (Resp *resp, const char *unit_id)
{
  JsonArray *items = json_object_get_array_member (json_node_get_object (resp->json), "items");

  g_assert_cmpuint (json_array_get_length (items), >, 0);
  for (guint i = 0; i < json_array_get_length (items); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, i), "unit_id"), ==,
                     unit_id);
}

static void
test_list_scoping (void)
{
  g_autofree char *other = g_strdup_printf ("/api/v1/handoffs?unit_id=%s", nurse_b.unit_id);
  g_autofree char *own = g_strdup_printf ("/api/v1/handoffs?unit_id=%s", nurse_a.unit_id);

  {
    g_autoptr (Resp) resp = call ("GET", "/api/v1/handoffs", &nurse_a, NULL, END);
    g_assert_cmpuint (resp->status, ==, 200);
    assert_all_in_unit (resp, nurse_a.unit_id);
    g_assert_cmpstr (soup_message_headers_get_one (resp->headers, "Cache-Control"), ==, "no-store");
  }
  {
    g_autoptr (Resp) resp = call ("GET", "/api/v1/handoffs", &nurse_b, NULL, END);
    g_assert_cmpuint (resp->status, ==, 200);
    assert_all_in_unit (resp, nurse_b.unit_id);
  }
  {
    g_autoptr (Resp) resp = call ("GET", other, &nurse_a, NULL, END);
    assert_problem (resp, 403, "forbidden");
  }
  {
    g_autoptr (Resp) resp = call ("GET", other, &charge, NULL, END);
    assert_problem (resp, 403, "forbidden");
  }
  {
    g_autoptr (Resp) resp = call ("GET", own, &charge, NULL, END);
    g_assert_cmpuint (resp->status, ==, 200);
    assert_all_in_unit (resp, nurse_a.unit_id);
  }
  {
    g_autoptr (Resp) resp = call ("GET", other, &admin, NULL, END);
    g_assert_cmpuint (resp->status, ==, 200);
    assert_all_in_unit (resp, nurse_b.unit_id);
  }
  {
    g_autoptr (Resp) resp = call ("GET", "/api/v1/handoffs", NULL, NULL, END);
    assert_problem (resp, 401, "unauthorized");
  }
}

static void
test_list_filters_and_pages (void)
{
  g_autofree char *first = g_strdup_printf ("/api/v1/handoffs?unit_id=%s&limit=2", nurse_a.unit_id);
  g_autofree char *cursor_path = NULL;
  g_autofree char *first_ids = NULL;
  g_autofree char *by_patient = g_strdup_printf ("/api/v1/handoffs?patient_id=%s&status=draft", patient_4w_2);
  g_autofree char *created = create_handoff (&nurse_a, patient_4w_2, NULL, NULL);
  static const char *const bad[] = {
    "/api/v1/handoffs?limit=0",
    "/api/v1/handoffs?limit=201",
    "/api/v1/handoffs?limit=abc",
    "/api/v1/handoffs?status=bogus",
    "/api/v1/handoffs?unit_id=not-a-uuid",
    "/api/v1/handoffs?shift_date=2026-13-01",
    "/api/v1/handoffs?cursor=garbage",
  };

  {
    g_autoptr (Resp) resp = call ("GET", first, &nurse_a, NULL, END);
    JsonObject *obj;
    JsonArray *items;

    g_assert_cmpuint (resp->status, ==, 200);
    obj = json_node_get_object (resp->json);
    items = json_object_get_array_member (obj, "items");
    g_assert_cmpuint (json_array_get_length (items), ==, 2);
    g_assert_true (json_object_get_boolean_member (obj, "has_more"));
    g_assert_nonnull (member (resp, "next_cursor"));
    cursor_path = g_strdup_printf ("%s&cursor=%s", first, member (resp, "next_cursor"));
    first_ids = g_strdup_printf (
        "%s %s", json_object_get_string_member (json_array_get_object_element (items, 0), "id"),
        json_object_get_string_member (json_array_get_object_element (items, 1), "id"));
  }
  {
    g_autoptr (Resp) resp = call ("GET", cursor_path, &nurse_a, NULL, END);
    JsonArray *items;

    g_assert_cmpuint (resp->status, ==, 200);
    items = json_object_get_array_member (json_node_get_object (resp->json), "items");
    g_assert_cmpuint (json_array_get_length (items), ==, 2);
    for (guint i = 0; i < 2; i++)
      g_assert_null (
          strstr (first_ids, json_object_get_string_member (json_array_get_object_element (items, i), "id")));
  }
  {
    g_autoptr (Resp) resp = call ("GET", by_patient, &nurse_a, NULL, END);
    JsonArray *items;
    gboolean found = FALSE;

    g_assert_cmpuint (resp->status, ==, 200);
    items = json_object_get_array_member (json_node_get_object (resp->json), "items");
    for (guint i = 0; i < json_array_get_length (items); i++)
      {
        JsonObject *h = json_array_get_object_element (items, i);

        g_assert_cmpstr (json_object_get_string_member (h, "patient_id"), ==, patient_4w_2);
        g_assert_cmpstr (json_object_get_string_member (h, "status"), ==, "draft");
        found |= g_str_equal (json_object_get_string_member (h, "id"), created);
      }
    g_assert_true (found);
  }
  {
    g_autoptr (Resp) resp =
        call ("GET", "/api/v1/handoffs?shift_date=2026-11-20&status=draft", &nurse_a, NULL, END);
    g_assert_cmpuint (resp->status, ==, 200);
    assert_all_in_unit (resp, nurse_a.unit_id);
  }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (Resp) resp = call ("GET", bad[i], &admin, NULL, END);
      assert_problem (resp, 400, "invalid_request");
    }
}

static void
test_create (void)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *key2 = g_uuid_string_random ();
  g_autofree char *key3 = g_uuid_string_random ();
  g_autofree char *body = create_body (id, patient_4w, "day", NULL);
  g_autofree char *other_body = create_body (id, patient_4w, "night", NULL);
  g_autofree char *location = g_strdup_printf ("/api/v1/handoffs/%s", id);
  g_autofree char *etag = NULL;

  {
    g_autoptr (Resp) resp = call ("POST", "/api/v1/handoffs", &nurse_a, body, END);
    assert_problem (resp, 400, "invalid_request");
  }
  {
    g_autoptr (Resp) resp = call ("POST", "/api/v1/handoffs", &nurse_a, body, "Idempotency-Key", key, END);
    g_assert_cmpuint (resp->status, ==, 201);
    g_assert_cmpstr (member (resp, "id"), ==, id);
    g_assert_cmpstr (member (resp, "status"), ==, "draft");
    g_assert_cmpstr (member (resp, "created_by"), ==, nurse_a.id);
    g_assert_cmpstr (member (resp, "unit_id"), ==, nurse_a.unit_id);
    g_assert_cmpstr (soup_message_headers_get_one (resp->headers, "Location"), ==, location);
    etag = g_strdup_printf ("\"%s\"", member (resp, "etag"));
    g_assert_cmpstr (soup_message_headers_get_one (resp->headers, "ETag"), ==, etag);
  }
  {
    /* the same key and body: the stored response again */
    g_autoptr (Resp) resp = call ("POST", "/api/v1/handoffs", &nurse_a, body, "Idempotency-Key", key, END);
    g_assert_cmpuint (resp->status, ==, 201);
    g_assert_cmpstr (member (resp, "id"), ==, id);
    g_assert_cmpstr (soup_message_headers_get_one (resp->headers, "ETag"), ==, etag);
  }
  {
    /* the same key with another body */
    g_autoptr (Resp) resp =
        call ("POST", "/api/v1/handoffs", &nurse_a, other_body, "Idempotency-Key", key, END);
    assert_problem (resp, 422, "idempotency_key_reused");
  }
  {
    /* another key, the same handoff: 200 */
    g_autoptr (Resp) resp = call ("POST", "/api/v1/handoffs", &nurse_a, body, "Idempotency-Key", key2, END);
    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_cmpstr (member (resp, "id"), ==, id);
  }
  {
    /* another key, the same id with other content: 409 */
    g_autoptr (Resp) resp =
        call ("POST", "/api/v1/handoffs", &nurse_a, other_body, "Idempotency-Key", key3, END);
    assert_problem (resp, 409, "conflict");
  }
}

static void
test_create_errors (void)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *unknown_patient = g_uuid_string_random ();
  g_autofree char *other_unit = create_body (id, patient_5e, "day", NULL);
  g_autofree char *unknown = create_body (id, unknown_patient, "day", NULL);
  g_autofree char *extra_member = create_body (id, patient_4w, "day", ",\"status\":\"signed\"");
  g_autofree char *bad_shift = create_body (id, patient_4w, "noon", NULL);
  g_autofree char *unit_member = g_strdup_printf (",\"unit_id\":\"%s\"", nurse_b.unit_id);
  g_autofree char *wrong_unit = create_body (id, patient_4w, "day", unit_member);
  g_autofree char *own_patient = create_body (id, patient_4w, "day", NULL);
  g_autofree char *no_date =
      g_strdup_printf ("{\"id\":\"%s\",\"patient_id\":\"%s\",\"shift\":\"day\"}", id, patient_4w);
  struct
  {
    const Login *who;
    const char *body;
    const char *type;
    guint status;
    const char *code;
  } cases[] = {
    { &nurse_a, other_unit, NULL, 403, "forbidden" },
    { &nurse_b, own_patient, NULL, 403, "forbidden" },
    { &nurse_a, unknown, NULL, 422, "validation_failed" },
    { &nurse_a, extra_member, NULL, 422, "validation_failed" },
    { &nurse_a, bad_shift, NULL, 422, "validation_failed" },
    { &nurse_a, wrong_unit, NULL, 422, "validation_failed" },
    { &nurse_a, no_date, NULL, 422, "validation_failed" },
    { &nurse_a, "[]", NULL, 422, "validation_failed" },
    { &nurse_a, "{\"id\":", NULL, 400, "invalid_request" },
    { &nurse_a, "{}", "text/plain", 415, "unsupported_media_type" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *key = g_uuid_string_random ();
      g_autoptr (Resp) resp =
          cases[i].type != NULL
              ? call ("POST", "/api/v1/handoffs", cases[i].who, cases[i].body, "Idempotency-Key", key,
                      "Content-Type", cases[i].type, END)
              : call ("POST", "/api/v1/handoffs", cases[i].who, cases[i].body, "Idempotency-Key", key, END);
      g_test_message ("case %u", i);
      assert_problem (resp, cases[i].status, cases[i].code);
    }
  {
    /* nothing was created */
    g_autofree char *path = path_of (id, NULL);
    g_autoptr (Resp) resp = call ("GET", path, &admin, NULL, END);
    assert_problem (resp, 404, "not_found");
  }
}

static void
test_get (void)
{
  g_autofree char *etag = NULL;
  g_autofree char *id = create_handoff (&nurse_a, patient_4w, NULL, &etag);
  g_autofree char *path = path_of (id, NULL);
  g_autofree char *unknown_id = g_uuid_string_random ();
  g_autofree char *unknown = path_of (unknown_id, NULL);

  {
    g_autoptr (Resp) resp = call ("GET", path, &nurse_a, NULL, END);
    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_cmpstr (member (resp, "id"), ==, id);
    g_assert_cmpstr (soup_message_headers_get_one (resp->headers, "ETag"), ==, etag);
  }
  {
    g_autoptr (Resp) resp = call ("GET", path, &charge, NULL, END);
    g_assert_cmpuint (resp->status, ==, 200);
  }
  {
    g_autoptr (Resp) resp = call ("GET", path, &admin, NULL, END);
    g_assert_cmpuint (resp->status, ==, 200);
  }
  {
    /* another unit's handoff: 404, as an unknown one */
    g_autoptr (Resp) resp = call ("GET", path, &nurse_b, NULL, END);
    assert_problem (resp, 404, "not_found");
  }
  {
    g_autoptr (Resp) resp = call ("GET", unknown, &nurse_a, NULL, END);
    assert_problem (resp, 404, "not_found");
  }
  {
    g_autoptr (Resp) resp = call ("GET", "/api/v1/handoffs/not-a-uuid", &nurse_a, NULL, END);
    assert_problem (resp, 400, "invalid_request");
  }
}

static void
test_patch (void)
{
  g_autofree char *etag = NULL;
  g_autofree char *id = create_handoff (&nurse_a, patient_4w, NULL, &etag);
  g_autofree char *path = path_of (id, NULL);
  g_autofree char *etag2 = NULL;
  g_autofree char *etag3 = NULL;
  g_autofree char *assign = g_strdup_printf ("{\"receiving_nurse_id\":\"%s\"}", charge.id);

  {
    g_autoptr (Resp) resp = call ("PATCH", path, &nurse_a, "{\"shift\":\"night\"}", END);
    assert_problem (resp, 428, "precondition_required");
  }
  {
    g_autoptr (Resp) resp =
        call ("PATCH", path, &nurse_a, "{\"shift\":\"night\"}", "If-Match", "\"stale\"", END);
    assert_problem (resp, 412, "precondition_failed");
    g_assert_cmpstr (soup_message_headers_get_one (resp->headers, "ETag"), ==, etag);
  }
  {
    g_autoptr (Resp) resp = call ("PATCH", path, &nurse_b, "{\"shift\":\"night\"}", "If-Match", etag, END);
    assert_problem (resp, 404, "not_found");
  }
  {
    static const char *const bad[] = { "{}",
                                       "{\"status\":\"signed\"}",
                                       "{\"latest_version\":3}",
                                       "{\"shift\":\"noon\"}",
                                       "{\"outgoing_nurse_id\":\"x\"}",
                                       "[]" };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr (Resp) resp = call ("PATCH", path, &nurse_a, bad[i], "If-Match", etag, END);
        assert_problem (resp, 422, "validation_failed");
      }
  }
  {
    g_autoptr (Resp) resp = call ("PATCH", path, &nurse_a, "{\"shift\":\"night\"}", "If-Match", etag,
                                  "Content-Type", "application/merge-patch+json", END);
    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_cmpstr (member (resp, "shift"), ==, "night");
    etag2 = g_strdup (soup_message_headers_get_one (resp->headers, "ETag"));
    g_assert_cmpstr (etag2, !=, etag);
  }
  {
    /* the old ETag is stale now */
    g_autoptr (Resp) resp = call ("PATCH", path, &nurse_a, "{\"shift\":\"day\"}", "If-Match", etag, END);
    assert_problem (resp, 412, "precondition_failed");
    g_assert_cmpstr (soup_message_headers_get_one (resp->headers, "ETag"), ==, etag2);
  }
  {
    g_autoptr (Resp) resp = call ("PATCH", path, &nurse_a, assign, "If-Match", etag2, END);
    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_cmpstr (member (resp, "receiving_nurse_id"), ==, charge.id);
    etag3 = g_strdup (soup_message_headers_get_one (resp->headers, "ETag"));
  }
  {
    g_autoptr (Resp) resp =
        call ("PATCH", path, &charge, "{\"status\":\"cancelled\"}", "If-Match", etag3, END);
    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_cmpstr (member (resp, "status"), ==, "cancelled");
    g_free (etag3);
    etag3 = g_strdup (soup_message_headers_get_one (resp->headers, "ETag"));
  }
  {
    g_autoptr (Resp) resp = call ("PATCH", path, &nurse_a, "{\"shift\":\"day\"}", "If-Match", etag3, END);
    assert_problem (resp, 423, "locked");
  }
}

static char *
add_version (const Login *who, const char *id, int base)
{
  g_autofree char *path = path_of (id, "/sbar/versions");
  g_autofree char *body = g_strdup_printf (
      "{\"base_version\":%d,\"source\":\"nurse\",\"situation\":\"Stable overnight.\",\"fields\":{}}", base);
  g_autoptr (Resp) resp = call ("POST", path, who, body, END);

  g_assert_cmpuint (resp->status, ==, 201);
  return g_strdup (soup_message_headers_get_one (resp->headers, "ETag"));
}

static void
test_sign_and_acknowledge (void)
{
  g_autofree char *nurses =
      g_strdup_printf (",\"outgoing_nurse_id\":\"%s\",\"receiving_nurse_id\":\"%s\"", nurse_a.id, charge.id);
  g_autofree char *id = create_handoff (&nurse_a, patient_4w, nurses, NULL);
  g_autofree char *sign = path_of (id, "/sign");
  g_autofree char *ack = path_of (id, "/acknowledge");
  g_autofree char *path = path_of (id, NULL);
  g_autofree char *etag = NULL;

  {
    /* draft: nothing to sign yet */
    g_autoptr (Resp) resp =
        call ("POST", sign, &nurse_a, "{\"version\":1,\"password\":\"" PASSWORD "\"}", END);
    assert_problem (resp, 409, "invalid_transition");
  }
  g_free (add_version (&nurse_a, id, 0));
  {
    g_autoptr (Resp) resp =
        call ("POST", sign, &nurse_a, "{\"version\":1,\"password\":\"wrong-password\"}", END);
    assert_problem (resp, 403, "invalid_credentials");
  }
  {
    g_autoptr (Resp) resp =
        call ("POST", sign, &nurse_a, "{\"version\":2,\"password\":\"" PASSWORD "\"}", END);
    JsonObject *latest;

    assert_problem (resp, 409, "version_conflict");
    latest = json_object_get_object_member (json_node_get_object (resp->json), "latest");
    g_assert_nonnull (latest);
    g_assert_cmpint (json_object_get_int_member (latest, "version"), ==, 1);
  }
  {
    static const char *const bad[] = { "{\"version\":1}", "{\"password\":\"x\"}",
                                       "{\"version\":0,\"password\":\"x\"}",
                                       "{\"version\":1,\"password\":\"\"}",
                                       "{\"version\":1,\"password\":\"x\",\"signer\":\"me\"}" };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autoptr (Resp) resp = call ("POST", sign, &nurse_a, bad[i], END);
        assert_problem (resp, 422, "validation_failed");
      }
  }
  {
    /* not the outgoing nurse the handoff names, with her own right password */
    g_autoptr (Resp) resp =
        call ("POST", sign, &charge, "{\"version\":1,\"password\":\"" PASSWORD "\"}", END);
    assert_problem (resp, 403, "forbidden");
  }
  {
    /* another unit: 404 */
    g_autoptr (Resp) resp =
        call ("POST", sign, &nurse_b, "{\"version\":1,\"password\":\"" PASSWORD "\"}", END);
    assert_problem (resp, 404, "not_found");
  }
  {
    /* ready, not signed: nothing to acknowledge */
    g_autoptr (Resp) resp = call ("POST", ack, &charge, "{\"version\":1,\"readback_confirmed\":true}", END);
    assert_problem (resp, 409, "invalid_transition");
  }
  {
    g_autoptr (Resp) resp =
        call ("POST", sign, &nurse_a, "{\"version\":1,\"password\":\"" PASSWORD "\"}", END);
    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_cmpstr (member (resp, "status"), ==, "signed");
    g_assert_cmpstr (member (resp, "signed_by"), ==, nurse_a.id);
    g_assert_nonnull (member (resp, "signed_at"));
  }
  {
    g_autoptr (Resp) resp =
        call ("POST", sign, &nurse_a, "{\"version\":1,\"password\":\"" PASSWORD "\"}", END);
    assert_problem (resp, 409, "invalid_transition");
  }
  {
    /* the signer cannot acknowledge her own report */
    g_autoptr (Resp) resp = call ("POST", ack, &nurse_a, "{\"version\":1,\"readback_confirmed\":true}", END);
    assert_problem (resp, 403, "forbidden");
  }
  {
    g_autoptr (Resp) resp = call ("POST", ack, &charge, "{\"version\":1,\"readback_confirmed\":false}", END);
    assert_problem (resp, 422, "validation_failed");
  }
  {
    g_autoptr (Resp) resp = call ("POST", ack, &charge, "{\"version\":1}", END);
    assert_problem (resp, 422, "validation_failed");
  }
  {
    g_autoptr (Resp) resp = call ("POST", ack, &charge, "{\"version\":3,\"readback_confirmed\":true}", END);
    assert_problem (resp, 409, "version_conflict");
  }
  {
    g_autoptr (Resp) resp =
        call ("POST", ack, &charge,
              "{\"version\":1,\"readback_confirmed\":true,\"readback_note\":\"Clarified.\"}", END);
    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_cmpstr (member (resp, "status"), ==, "acknowledged");
    g_assert_cmpstr (member (resp, "acknowledged_by"), ==, charge.id);
    etag = g_strdup (soup_message_headers_get_one (resp->headers, "ETag"));
  }
  /* acknowledged: read-only */
  {
    g_autoptr (Resp) resp = call ("PATCH", path, &nurse_a, "{\"shift\":\"night\"}", "If-Match", etag, END);
    assert_problem (resp, 423, "locked");
  }
  {
    g_autoptr (Resp) resp = call ("POST", ack, &charge, "{\"version\":1,\"readback_confirmed\":true}", END);
    assert_problem (resp, 423, "locked");
  }
  {
    g_autoptr (Resp) resp =
        call ("POST", sign, &nurse_a, "{\"version\":1,\"password\":\"" PASSWORD "\"}", END);
    assert_problem (resp, 423, "locked");
  }
  {
    g_autofree char *versions = path_of (id, "/sbar/versions");
    g_autoptr (Resp) resp =
        call ("POST", versions, &nurse_a, "{\"base_version\":1,\"source\":\"nurse\",\"fields\":{}}", END);
    assert_problem (resp, 423, "locked");
  }
  {
    g_autoptr (Resp) resp = call ("GET", path, &nurse_a, NULL, END);
    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_cmpstr (member (resp, "status"), ==, "acknowledged");
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
  g_test_add_func ("/el/server/api/handoffs/list-scoping", test_list_scoping);
  g_test_add_func ("/el/server/api/handoffs/list-filters-pages", test_list_filters_and_pages);
  g_test_add_func ("/el/server/api/handoffs/create", test_create);
  g_test_add_func ("/el/server/api/handoffs/create-errors", test_create_errors);
  g_test_add_func ("/el/server/api/handoffs/get", test_get);
  g_test_add_func ("/el/server/api/handoffs/patch", test_patch);
  g_test_add_func ("/el/server/api/handoffs/sign-acknowledge", test_sign_and_acknowledge);

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
