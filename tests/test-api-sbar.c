/* SPDX-License-Identifier: GPL-3.0-or-later */
/* /api/v1/handoffs/{id}/sbar: a real server seeded with `seed-demo`, users signed in through /auth/login. */
#include "config.h"

#include "el-test-api.h"

#define PASSWORD "handoff-demo-test"

/* One seeded server for every test. */
static ElTestDemo *demo;

/* ------------------------------------------------------------------------------------------------
 * Tests.
 */

static void
test_versions (void)
{
  g_autofree char *id = el_test_api_create_handoff (demo->api, demo->nurse_a, demo->patient_4w, NULL, NULL);
  g_autofree char *latest = el_test_handoff_path (id, "/sbar");
  g_autofree char *versions = el_test_handoff_path (id, "/sbar/versions");
  g_autofree char *v1 = el_test_handoff_path (id, "/sbar/versions/1");
  g_autofree char *v3 = el_test_handoff_path (id, "/sbar/versions/3");
  g_autofree char *v0 = el_test_handoff_path (id, "/sbar/versions/0");
  g_autofree char *vx = el_test_handoff_path (id, "/sbar/versions/abc");
  g_autofree char *handoff = el_test_handoff_path (id, NULL);
  g_autofree char *body0 = el_test_sbar_version_body (0, "Stable overnight.");
  g_autofree char *body1 = el_test_sbar_version_body (1, "Febrile at 04:00, cultures sent.");
  g_autofree char *location = g_strdup_printf ("/api/v1/handoffs/%s/sbar/versions/1", id);

  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", latest, demo->nurse_a, NULL, EL_TEST_END);
    el_test_assert_problem (resp, 404, "not_found");
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", versions, demo->nurse_a, NULL, EL_TEST_END);
    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_cmpuint (
        json_array_get_length (json_object_get_array_member (el_test_response_get_object (resp), "items")),
        ==, 0);
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "POST", versions, demo->nurse_a, body0, EL_TEST_END);
    JsonObject *obj;

    g_assert_cmpuint (resp->status, ==, 201);
    obj = el_test_response_get_object (resp);
    g_assert_cmpint (json_object_get_int_member (obj, "version"), ==, 1);
    g_assert_cmpstr (el_test_response_get_string (resp, "author_id"), ==, demo->nurse_a->id);
    g_assert_true (json_object_has_member (obj, "completeness"));
    g_assert_cmpstr (el_test_response_get_header (resp, "Location"), ==, location);
    g_assert_nonnull (el_test_response_get_header (resp, "ETag"));
  }
  {
    /* the first version makes the draft ready */
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", handoff, demo->nurse_a, NULL, EL_TEST_END);
    g_assert_cmpstr (el_test_response_get_string (resp, "status"), ==, "ready");
    g_assert_cmpint (json_object_get_int_member (el_test_response_get_object (resp), "latest_version"), ==,
                     1);
  }
  {
    /* a stale base: 409 with the latest */
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "POST", versions, demo->charge, body0, EL_TEST_END);
    JsonObject *obj;

    el_test_assert_problem (resp, 409, "version_conflict");
    obj = json_object_get_object_member (el_test_response_get_object (resp), "latest");
    g_assert_nonnull (obj);
    g_assert_cmpint (json_object_get_int_member (obj, "version"), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (obj, "situation"), ==, "Stable overnight.");
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "POST", versions, demo->charge, body1, EL_TEST_END);
    JsonObject *obj;

    g_assert_cmpuint (resp->status, ==, 201);
    obj = el_test_response_get_object (resp);
    g_assert_cmpint (json_object_get_int_member (obj, "version"), ==, 2);
    g_assert_true (json_object_has_member (obj, "changes_since_last_version"));
    g_assert_false (json_node_is_null (json_object_get_member (obj, "changes_since_last_version")));
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", latest, demo->nurse_a, NULL, EL_TEST_END);
    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (el_test_response_get_object (resp), "version"), ==, 2);
    g_assert_cmpstr (el_test_response_get_string (resp, "situation"), ==, "Febrile at 04:00, cultures sent.");
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", versions, demo->admin, NULL, EL_TEST_END);
    JsonArray *items;

    g_assert_cmpuint (resp->status, ==, 200);
    items = json_object_get_array_member (el_test_response_get_object (resp), "items");
    g_assert_cmpuint (json_array_get_length (items), ==, 2);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (items, 0), "version"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (items, 1), "version"), ==, 2);
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", v1, demo->charge, NULL, EL_TEST_END);
    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (el_test_response_get_object (resp), "version"), ==, 1);
    g_assert_cmpstr (el_test_response_get_string (resp, "situation"), ==, "Stable overnight.");
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", v3, demo->nurse_a, NULL, EL_TEST_END);
    el_test_assert_problem (resp, 404, "not_found");
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", v0, demo->nurse_a, NULL, EL_TEST_END);
    el_test_assert_problem (resp, 400, "invalid_request");
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", vx, demo->nurse_a, NULL, EL_TEST_END);
    el_test_assert_problem (resp, 400, "invalid_request");
  }
}

static void
test_scoping (void)
{
  g_autofree char *id = el_test_api_create_handoff (demo->api, demo->nurse_a, demo->patient_4w, NULL, NULL);
  g_autofree char *versions = el_test_handoff_path (id, "/sbar/versions");
  g_autofree char *body0 = el_test_sbar_version_body (0, "Stable.");
  const char *const suffixes[] = { "/sbar", "/sbar/versions", "/sbar/versions/1" };

  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "POST", versions, demo->nurse_b, body0, EL_TEST_END);
    el_test_assert_problem (resp, 404, "not_found");
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "POST", versions, demo->nurse_a, body0, EL_TEST_END);
    g_assert_cmpuint (resp->status, ==, 201);
  }
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = el_test_handoff_path (id, suffixes[i]);
      g_autoptr (ElTestResponse) other =
          el_test_api_call (demo->api, "GET", path, demo->nurse_b, NULL, EL_TEST_END);
      g_autoptr (ElTestResponse) own =
          el_test_api_call (demo->api, "GET", path, demo->nurse_a, NULL, EL_TEST_END);
      g_autoptr (ElTestResponse) all =
          el_test_api_call (demo->api, "GET", path, demo->admin, NULL, EL_TEST_END);
      g_autoptr (ElTestResponse) nobody = el_test_api_call (demo->api, "GET", path, NULL, NULL, EL_TEST_END);

      el_test_assert_problem (other, 404, "not_found");
      g_assert_cmpuint (own->status, ==, 200);
      g_assert_cmpuint (all->status, ==, 200);
      el_test_assert_problem (nobody, 401, "unauthorized");
    }
  {
    g_autofree char *unknown_id = g_uuid_string_random ();
    g_autofree char *path = el_test_handoff_path (unknown_id, "/sbar/versions");
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "POST", path, demo->nurse_a, body0, EL_TEST_END);
    el_test_assert_problem (resp, 404, "not_found");
  }
  {
    g_autoptr (ElTestResponse) resp = el_test_api_call (
        demo->api, "GET", "/api/v1/handoffs/..%2f..%2fetc/sbar", demo->nurse_a, NULL, EL_TEST_END);
    g_assert_cmpuint (resp->status, >=, 400);
    g_assert_cmpuint (resp->status, <, 500);
  }
}

static void
test_bad_bodies (void)
{
  g_autofree char *id = el_test_api_create_handoff (demo->api, demo->nurse_a, demo->patient_4w, NULL, NULL);
  g_autofree char *versions = el_test_handoff_path (id, "/sbar/versions");
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
      g_autoptr (ElTestResponse) resp =
          el_test_api_call (demo->api, "POST", versions, demo->nurse_a, invalid[i], EL_TEST_END);
      g_test_message ("case %u", i);
      el_test_assert_problem (resp, 422, "validation_failed");
    }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "POST", versions, demo->nurse_a, "{\"base_version\":", EL_TEST_END);
    el_test_assert_problem (resp, 400, "invalid_request");
  }
  {
    g_autoptr (ElTestResponse) resp = el_test_api_call (demo->api, "POST", versions, demo->nurse_a, "{}",
                                                        "Content-Type", "text/plain", EL_TEST_END);
    el_test_assert_problem (resp, 415, "unsupported_media_type");
  }
  {
    /* nothing was saved */
    g_autofree char *latest = el_test_handoff_path (id, "/sbar");
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", latest, demo->nurse_a, NULL, EL_TEST_END);
    el_test_assert_problem (resp, 404, "not_found");
  }
}

static void
test_idempotency (void)
{
  g_autofree char *id = el_test_api_create_handoff (demo->api, demo->nurse_a, demo->patient_4w, NULL, NULL);
  g_autofree char *versions = el_test_handoff_path (id, "/sbar/versions");
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *body0 = el_test_sbar_version_body (0, "Stable.");
  g_autofree char *other = el_test_sbar_version_body (0, "Unstable.");
  g_autofree char *first_id = NULL;

  {
    g_autoptr (ElTestResponse) resp = el_test_api_call (demo->api, "POST", versions, demo->nurse_a, body0,
                                                        "Idempotency-Key", key, EL_TEST_END);
    g_assert_cmpuint (resp->status, ==, 201);
    first_id = g_strdup (el_test_response_get_string (resp, "id"));
  }
  {
    /* the retry: the same response, no second version */
    g_autoptr (ElTestResponse) resp = el_test_api_call (demo->api, "POST", versions, demo->nurse_a, body0,
                                                        "Idempotency-Key", key, EL_TEST_END);
    g_assert_cmpuint (resp->status, ==, 201);
    g_assert_cmpstr (el_test_response_get_string (resp, "id"), ==, first_id);
    g_assert_cmpint (json_object_get_int_member (el_test_response_get_object (resp), "version"), ==, 1);
  }
  {
    g_autoptr (ElTestResponse) resp = el_test_api_call (demo->api, "POST", versions, demo->nurse_a, other,
                                                        "Idempotency-Key", key, EL_TEST_END);
    el_test_assert_problem (resp, 422, "idempotency_key_reused");
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", versions, demo->nurse_a, NULL, EL_TEST_END);
    g_assert_cmpuint (
        json_array_get_length (json_object_get_array_member (el_test_response_get_object (resp), "items")),
        ==, 1);
  }
}

static void
test_locked (void)
{
  g_autofree char *etag = NULL;
  g_autofree char *id = el_test_api_create_handoff (demo->api, demo->nurse_a, demo->patient_4w, NULL, &etag);
  g_autofree char *versions = el_test_handoff_path (id, "/sbar/versions");
  g_autofree char *handoff = el_test_handoff_path (id, NULL);
  g_autofree char *body0 = el_test_sbar_version_body (0, "Stable.");

  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "PATCH", handoff, demo->nurse_a, "{\"status\":\"cancelled\"}",
                          "If-Match", etag, EL_TEST_END);
    g_assert_cmpuint (resp->status, ==, 200);
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "POST", versions, demo->nurse_a, body0, EL_TEST_END);
    el_test_assert_problem (resp, 423, "locked");
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/el/server/api/sbar/versions", test_versions);
  g_test_add_func ("/el/server/api/sbar/scoping", test_scoping);
  g_test_add_func ("/el/server/api/sbar/bad-bodies", test_bad_bodies);
  g_test_add_func ("/el/server/api/sbar/idempotency", test_idempotency);
  g_test_add_func ("/el/server/api/sbar/locked", test_locked);

  demo = el_test_demo_new (PASSWORD);
  return el_test_demo_run (&demo);
}
