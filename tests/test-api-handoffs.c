/* SPDX-License-Identifier: GPL-3.0-or-later */
/* /api/v1/handoffs: a real server seeded with `seed-demo`, users signed in through /auth/login. */
#include "config.h"

#include <string.h>

#include "el-test-api.h"

#define PASSWORD "handoff-demo-test"

/* One seeded server for every test. */
static ElTestDemo *demo;

/* ------------------------------------------------------------------------------------------------
 * Tests.
 */

static void
assert_all_in_unit (ElTestResponse *resp, const char *unit_id)
{
  JsonArray *items = json_object_get_array_member (el_test_response_get_object (resp), "items");

  g_assert_cmpuint (json_array_get_length (items), >, 0);
  for (guint i = 0; i < json_array_get_length (items); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, i), "unit_id"), ==,
                     unit_id);
}

static void
test_list_scoping (void)
{
  g_autofree char *other = g_strdup_printf ("/api/v1/handoffs?unit_id=%s", demo->nurse_b->unit_id);
  g_autofree char *own = g_strdup_printf ("/api/v1/handoffs?unit_id=%s", demo->nurse_a->unit_id);

  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", "/api/v1/handoffs", demo->nurse_a, NULL, EL_TEST_END);
    g_assert_cmpuint (resp->status, ==, 200);
    assert_all_in_unit (resp, demo->nurse_a->unit_id);
    g_assert_cmpstr (el_test_response_get_header (resp, "Cache-Control"), ==, "no-store");
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", "/api/v1/handoffs", demo->nurse_b, NULL, EL_TEST_END);
    g_assert_cmpuint (resp->status, ==, 200);
    assert_all_in_unit (resp, demo->nurse_b->unit_id);
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", other, demo->nurse_a, NULL, EL_TEST_END);
    el_test_assert_problem (resp, 403, "forbidden");
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", other, demo->charge, NULL, EL_TEST_END);
    el_test_assert_problem (resp, 403, "forbidden");
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", own, demo->charge, NULL, EL_TEST_END);
    g_assert_cmpuint (resp->status, ==, 200);
    assert_all_in_unit (resp, demo->nurse_a->unit_id);
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", other, demo->admin, NULL, EL_TEST_END);
    g_assert_cmpuint (resp->status, ==, 200);
    assert_all_in_unit (resp, demo->nurse_b->unit_id);
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", "/api/v1/handoffs", NULL, NULL, EL_TEST_END);
    el_test_assert_problem (resp, 401, "unauthorized");
  }
}

static void
test_list_filters_and_pages (void)
{
  g_autofree char *first = g_strdup_printf ("/api/v1/handoffs?unit_id=%s&limit=2", demo->nurse_a->unit_id);
  g_autofree char *cursor_path = NULL;
  g_autofree char *first_ids = NULL;
  g_autofree char *by_patient =
      g_strdup_printf ("/api/v1/handoffs?patient_id=%s&status=draft", demo->patient_4w_2);
  g_autofree char *created =
      el_test_api_create_handoff (demo->api, demo->nurse_a, demo->patient_4w_2, NULL, NULL);
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
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", first, demo->nurse_a, NULL, EL_TEST_END);
    JsonObject *obj;
    JsonArray *items;

    g_assert_cmpuint (resp->status, ==, 200);
    obj = el_test_response_get_object (resp);
    items = json_object_get_array_member (obj, "items");
    g_assert_cmpuint (json_array_get_length (items), ==, 2);
    g_assert_true (json_object_get_boolean_member (obj, "has_more"));
    g_assert_nonnull (el_test_response_get_string (resp, "next_cursor"));
    cursor_path = g_strdup_printf ("%s&cursor=%s", first, el_test_response_get_string (resp, "next_cursor"));
    first_ids = g_strdup_printf (
        "%s %s", json_object_get_string_member (json_array_get_object_element (items, 0), "id"),
        json_object_get_string_member (json_array_get_object_element (items, 1), "id"));
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", cursor_path, demo->nurse_a, NULL, EL_TEST_END);
    JsonArray *items;

    g_assert_cmpuint (resp->status, ==, 200);
    items = json_object_get_array_member (el_test_response_get_object (resp), "items");
    g_assert_cmpuint (json_array_get_length (items), ==, 2);
    for (guint i = 0; i < 2; i++)
      g_assert_null (
          strstr (first_ids, json_object_get_string_member (json_array_get_object_element (items, i), "id")));
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", by_patient, demo->nurse_a, NULL, EL_TEST_END);
    JsonArray *items;
    gboolean found = FALSE;

    g_assert_cmpuint (resp->status, ==, 200);
    items = json_object_get_array_member (el_test_response_get_object (resp), "items");
    for (guint i = 0; i < json_array_get_length (items); i++)
      {
        JsonObject *h = json_array_get_object_element (items, i);

        g_assert_cmpstr (json_object_get_string_member (h, "patient_id"), ==, demo->patient_4w_2);
        g_assert_cmpstr (json_object_get_string_member (h, "status"), ==, "draft");
        found |= g_str_equal (json_object_get_string_member (h, "id"), created);
      }
    g_assert_true (found);
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", "/api/v1/handoffs?shift_date=2026-11-20&status=draft",
                          demo->nurse_a, NULL, EL_TEST_END);
    g_assert_cmpuint (resp->status, ==, 200);
    assert_all_in_unit (resp, demo->nurse_a->unit_id);
  }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (ElTestResponse) resp =
          el_test_api_call (demo->api, "GET", bad[i], demo->admin, NULL, EL_TEST_END);
      el_test_assert_problem (resp, 400, "invalid_request");
    }
}

static void
test_create (void)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *key2 = g_uuid_string_random ();
  g_autofree char *key3 = g_uuid_string_random ();
  g_autofree char *body = el_test_handoff_body (id, demo->patient_4w, "day", NULL);
  g_autofree char *other_body = el_test_handoff_body (id, demo->patient_4w, "night", NULL);
  g_autofree char *location = g_strdup_printf ("/api/v1/handoffs/%s", id);
  g_autofree char *etag = NULL;

  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "POST", "/api/v1/handoffs", demo->nurse_a, body, EL_TEST_END);
    el_test_assert_problem (resp, 400, "invalid_request");
  }
  {
    g_autoptr (ElTestResponse) resp = el_test_api_call (demo->api, "POST", "/api/v1/handoffs", demo->nurse_a,
                                                        body, "Idempotency-Key", key, EL_TEST_END);
    g_assert_cmpuint (resp->status, ==, 201);
    g_assert_cmpstr (el_test_response_get_string (resp, "id"), ==, id);
    g_assert_cmpstr (el_test_response_get_string (resp, "status"), ==, "draft");
    g_assert_cmpstr (el_test_response_get_string (resp, "created_by"), ==, demo->nurse_a->id);
    g_assert_cmpstr (el_test_response_get_string (resp, "unit_id"), ==, demo->nurse_a->unit_id);
    g_assert_cmpstr (el_test_response_get_header (resp, "Location"), ==, location);
    etag = g_strdup_printf ("\"%s\"", el_test_response_get_string (resp, "etag"));
    g_assert_cmpstr (el_test_response_get_header (resp, "ETag"), ==, etag);
  }
  {
    /* the same key and body: the stored response again */
    g_autoptr (ElTestResponse) resp = el_test_api_call (demo->api, "POST", "/api/v1/handoffs", demo->nurse_a,
                                                        body, "Idempotency-Key", key, EL_TEST_END);
    g_assert_cmpuint (resp->status, ==, 201);
    g_assert_cmpstr (el_test_response_get_string (resp, "id"), ==, id);
    g_assert_cmpstr (el_test_response_get_header (resp, "ETag"), ==, etag);
  }
  {
    /* the same key with another body */
    g_autoptr (ElTestResponse) resp = el_test_api_call (demo->api, "POST", "/api/v1/handoffs", demo->nurse_a,
                                                        other_body, "Idempotency-Key", key, EL_TEST_END);
    el_test_assert_problem (resp, 422, "idempotency_key_reused");
  }
  {
    /* another key, the same handoff: 200 */
    g_autoptr (ElTestResponse) resp = el_test_api_call (demo->api, "POST", "/api/v1/handoffs", demo->nurse_a,
                                                        body, "Idempotency-Key", key2, EL_TEST_END);
    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_cmpstr (el_test_response_get_string (resp, "id"), ==, id);
  }
  {
    /* another key, the same id with other content: 409 */
    g_autoptr (ElTestResponse) resp = el_test_api_call (demo->api, "POST", "/api/v1/handoffs", demo->nurse_a,
                                                        other_body, "Idempotency-Key", key3, EL_TEST_END);
    el_test_assert_problem (resp, 409, "conflict");
  }
}

static void
test_create_errors (void)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *unknown_patient = g_uuid_string_random ();
  g_autofree char *other_unit = el_test_handoff_body (id, demo->patient_5e, "day", NULL);
  g_autofree char *unknown = el_test_handoff_body (id, unknown_patient, "day", NULL);
  g_autofree char *extra_member =
      el_test_handoff_body (id, demo->patient_4w, "day", ",\"status\":\"signed\"");
  g_autofree char *bad_shift = el_test_handoff_body (id, demo->patient_4w, "noon", NULL);
  g_autofree char *unit_member = g_strdup_printf (",\"unit_id\":\"%s\"", demo->nurse_b->unit_id);
  g_autofree char *wrong_unit = el_test_handoff_body (id, demo->patient_4w, "day", unit_member);
  g_autofree char *own_patient = el_test_handoff_body (id, demo->patient_4w, "day", NULL);
  g_autofree char *no_date =
      g_strdup_printf ("{\"id\":\"%s\",\"patient_id\":\"%s\",\"shift\":\"day\"}", id, demo->patient_4w);
  struct
  {
    const ElTestLogin *who;
    const char *body;
    const char *type;
    guint status;
    const char *code;
  } cases[] = {
    { demo->nurse_a, other_unit, NULL, 403, "forbidden" },
    { demo->nurse_b, own_patient, NULL, 403, "forbidden" },
    { demo->nurse_a, unknown, NULL, 422, "validation_failed" },
    { demo->nurse_a, extra_member, NULL, 422, "validation_failed" },
    { demo->nurse_a, bad_shift, NULL, 422, "validation_failed" },
    { demo->nurse_a, wrong_unit, NULL, 422, "validation_failed" },
    { demo->nurse_a, no_date, NULL, 422, "validation_failed" },
    { demo->nurse_a, "[]", NULL, 422, "validation_failed" },
    { demo->nurse_a, "{\"id\":", NULL, 400, "invalid_request" },
    { demo->nurse_a, "{}", "text/plain", 415, "unsupported_media_type" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *key = g_uuid_string_random ();
      g_autoptr (ElTestResponse) resp =
          cases[i].type != NULL
              ? el_test_api_call (demo->api, "POST", "/api/v1/handoffs", cases[i].who, cases[i].body,
                                  "Idempotency-Key", key, "Content-Type", cases[i].type, EL_TEST_END)
              : el_test_api_call (demo->api, "POST", "/api/v1/handoffs", cases[i].who, cases[i].body,
                                  "Idempotency-Key", key, EL_TEST_END);
      g_test_message ("case %u", i);
      el_test_assert_problem (resp, cases[i].status, cases[i].code);
    }
  {
    /* nothing was created */
    g_autofree char *path = el_test_handoff_path (id, NULL);
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", path, demo->admin, NULL, EL_TEST_END);
    el_test_assert_problem (resp, 404, "not_found");
  }
}

static void
test_get (void)
{
  g_autofree char *etag = NULL;
  g_autofree char *id = el_test_api_create_handoff (demo->api, demo->nurse_a, demo->patient_4w, NULL, &etag);
  g_autofree char *path = el_test_handoff_path (id, NULL);
  g_autofree char *unknown_id = g_uuid_string_random ();
  g_autofree char *unknown = el_test_handoff_path (unknown_id, NULL);

  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", path, demo->nurse_a, NULL, EL_TEST_END);
    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_cmpstr (el_test_response_get_string (resp, "id"), ==, id);
    g_assert_cmpstr (el_test_response_get_header (resp, "ETag"), ==, etag);
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", path, demo->charge, NULL, EL_TEST_END);
    g_assert_cmpuint (resp->status, ==, 200);
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", path, demo->admin, NULL, EL_TEST_END);
    g_assert_cmpuint (resp->status, ==, 200);
  }
  {
    /* another unit's handoff: 404, as an unknown one */
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", path, demo->nurse_b, NULL, EL_TEST_END);
    el_test_assert_problem (resp, 404, "not_found");
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", unknown, demo->nurse_a, NULL, EL_TEST_END);
    el_test_assert_problem (resp, 404, "not_found");
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", "/api/v1/handoffs/not-a-uuid", demo->nurse_a, NULL, EL_TEST_END);
    el_test_assert_problem (resp, 400, "invalid_request");
  }
}

static void
test_patch (void)
{
  g_autofree char *etag = NULL;
  g_autofree char *id = el_test_api_create_handoff (demo->api, demo->nurse_a, demo->patient_4w, NULL, &etag);
  g_autofree char *path = el_test_handoff_path (id, NULL);
  g_autofree char *etag2 = NULL;
  g_autofree char *etag3 = NULL;
  g_autofree char *assign = g_strdup_printf ("{\"receiving_nurse_id\":\"%s\"}", demo->charge->id);

  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "PATCH", path, demo->nurse_a, "{\"shift\":\"night\"}", EL_TEST_END);
    el_test_assert_problem (resp, 428, "precondition_required");
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "PATCH", path, demo->nurse_a, "{\"shift\":\"night\"}", "If-Match",
                          "\"stale\"", EL_TEST_END);
    el_test_assert_problem (resp, 412, "precondition_failed");
    g_assert_cmpstr (el_test_response_get_header (resp, "ETag"), ==, etag);
  }
  {
    g_autoptr (ElTestResponse) resp = el_test_api_call (
        demo->api, "PATCH", path, demo->nurse_b, "{\"shift\":\"night\"}", "If-Match", etag, EL_TEST_END);
    el_test_assert_problem (resp, 404, "not_found");
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
        g_autoptr (ElTestResponse) resp =
            el_test_api_call (demo->api, "PATCH", path, demo->nurse_a, bad[i], "If-Match", etag, EL_TEST_END);
        el_test_assert_problem (resp, 422, "validation_failed");
      }
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "PATCH", path, demo->nurse_a, "{\"shift\":\"night\"}", "If-Match", etag,
                          "Content-Type", "application/merge-patch+json", EL_TEST_END);
    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_cmpstr (el_test_response_get_string (resp, "shift"), ==, "night");
    etag2 = g_strdup (el_test_response_get_header (resp, "ETag"));
    g_assert_cmpstr (etag2, !=, etag);
  }
  {
    /* the old ETag is stale now */
    g_autoptr (ElTestResponse) resp = el_test_api_call (demo->api, "PATCH", path, demo->nurse_a,
                                                        "{\"shift\":\"day\"}", "If-Match", etag, EL_TEST_END);
    el_test_assert_problem (resp, 412, "precondition_failed");
    g_assert_cmpstr (el_test_response_get_header (resp, "ETag"), ==, etag2);
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "PATCH", path, demo->nurse_a, assign, "If-Match", etag2, EL_TEST_END);
    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_cmpstr (el_test_response_get_string (resp, "receiving_nurse_id"), ==, demo->charge->id);
    etag3 = g_strdup (el_test_response_get_header (resp, "ETag"));
  }
  {
    g_autoptr (ElTestResponse) resp = el_test_api_call (
        demo->api, "PATCH", path, demo->charge, "{\"status\":\"cancelled\"}", "If-Match", etag3, EL_TEST_END);
    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_cmpstr (el_test_response_get_string (resp, "status"), ==, "cancelled");
    g_free (etag3);
    etag3 = g_strdup (el_test_response_get_header (resp, "ETag"));
  }
  {
    g_autoptr (ElTestResponse) resp = el_test_api_call (
        demo->api, "PATCH", path, demo->nurse_a, "{\"shift\":\"day\"}", "If-Match", etag3, EL_TEST_END);
    el_test_assert_problem (resp, 423, "locked");
  }
}

static char *
add_version (const ElTestLogin *who, const char *id, int base)
{
  g_autofree char *path = el_test_handoff_path (id, "/sbar/versions");
  g_autofree char *body = el_test_sbar_version_body (base, "Stable overnight.");
  g_autoptr (ElTestResponse) resp = el_test_api_call (demo->api, "POST", path, who, body, EL_TEST_END);

  g_assert_cmpuint (resp->status, ==, 201);
  return g_strdup (el_test_response_get_header (resp, "ETag"));
}

static void
test_sign_and_acknowledge (void)
{
  g_autofree char *nurses = g_strdup_printf (",\"outgoing_nurse_id\":\"%s\",\"receiving_nurse_id\":\"%s\"",
                                             demo->nurse_a->id, demo->charge->id);
  g_autofree char *id = el_test_api_create_handoff (demo->api, demo->nurse_a, demo->patient_4w, nurses, NULL);
  g_autofree char *sign = el_test_handoff_path (id, "/sign");
  g_autofree char *ack = el_test_handoff_path (id, "/acknowledge");
  g_autofree char *path = el_test_handoff_path (id, NULL);
  g_autofree char *etag = NULL;

  {
    /* draft: nothing to sign yet */
    g_autoptr (ElTestResponse) resp = el_test_api_call (
        demo->api, "POST", sign, demo->nurse_a, "{\"version\":1,\"password\":\"" PASSWORD "\"}", EL_TEST_END);
    el_test_assert_problem (resp, 409, "invalid_transition");
  }
  g_free (add_version (demo->nurse_a, id, 0));
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "POST", sign, demo->nurse_a,
                          "{\"version\":1,\"password\":\"wrong-password\"}", EL_TEST_END);
    el_test_assert_problem (resp, 403, "invalid_credentials");
  }
  {
    g_autoptr (ElTestResponse) resp = el_test_api_call (
        demo->api, "POST", sign, demo->nurse_a, "{\"version\":2,\"password\":\"" PASSWORD "\"}", EL_TEST_END);
    JsonObject *latest;

    el_test_assert_problem (resp, 409, "version_conflict");
    latest = json_object_get_object_member (el_test_response_get_object (resp), "latest");
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
        g_autoptr (ElTestResponse) resp =
            el_test_api_call (demo->api, "POST", sign, demo->nurse_a, bad[i], EL_TEST_END);
        el_test_assert_problem (resp, 422, "validation_failed");
      }
  }
  {
    /* not the outgoing nurse the handoff names, with her own right password */
    g_autoptr (ElTestResponse) resp = el_test_api_call (
        demo->api, "POST", sign, demo->charge, "{\"version\":1,\"password\":\"" PASSWORD "\"}", EL_TEST_END);
    el_test_assert_problem (resp, 403, "forbidden");
  }
  {
    /* another unit: 404 */
    g_autoptr (ElTestResponse) resp = el_test_api_call (
        demo->api, "POST", sign, demo->nurse_b, "{\"version\":1,\"password\":\"" PASSWORD "\"}", EL_TEST_END);
    el_test_assert_problem (resp, 404, "not_found");
  }
  {
    /* ready, not signed: nothing to acknowledge */
    g_autoptr (ElTestResponse) resp = el_test_api_call (
        demo->api, "POST", ack, demo->charge, "{\"version\":1,\"readback_confirmed\":true}", EL_TEST_END);
    el_test_assert_problem (resp, 409, "invalid_transition");
  }
  {
    g_autoptr (ElTestResponse) resp = el_test_api_call (
        demo->api, "POST", sign, demo->nurse_a, "{\"version\":1,\"password\":\"" PASSWORD "\"}", EL_TEST_END);
    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_cmpstr (el_test_response_get_string (resp, "status"), ==, "signed");
    g_assert_cmpstr (el_test_response_get_string (resp, "signed_by"), ==, demo->nurse_a->id);
    g_assert_nonnull (el_test_response_get_string (resp, "signed_at"));
  }
  {
    g_autoptr (ElTestResponse) resp = el_test_api_call (
        demo->api, "POST", sign, demo->nurse_a, "{\"version\":1,\"password\":\"" PASSWORD "\"}", EL_TEST_END);
    el_test_assert_problem (resp, 409, "invalid_transition");
  }
  {
    /* the signer cannot acknowledge her own report */
    g_autoptr (ElTestResponse) resp = el_test_api_call (
        demo->api, "POST", ack, demo->nurse_a, "{\"version\":1,\"readback_confirmed\":true}", EL_TEST_END);
    el_test_assert_problem (resp, 403, "forbidden");
  }
  {
    g_autoptr (ElTestResponse) resp = el_test_api_call (
        demo->api, "POST", ack, demo->charge, "{\"version\":1,\"readback_confirmed\":false}", EL_TEST_END);
    el_test_assert_problem (resp, 422, "validation_failed");
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "POST", ack, demo->charge, "{\"version\":1}", EL_TEST_END);
    el_test_assert_problem (resp, 422, "validation_failed");
  }
  {
    g_autoptr (ElTestResponse) resp = el_test_api_call (
        demo->api, "POST", ack, demo->charge, "{\"version\":3,\"readback_confirmed\":true}", EL_TEST_END);
    el_test_assert_problem (resp, 409, "version_conflict");
  }
  {
    g_autoptr (ElTestResponse) resp = el_test_api_call (
        demo->api, "POST", ack, demo->charge,
        "{\"version\":1,\"readback_confirmed\":true,\"readback_note\":\"Clarified.\"}", EL_TEST_END);
    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_cmpstr (el_test_response_get_string (resp, "status"), ==, "acknowledged");
    g_assert_cmpstr (el_test_response_get_string (resp, "acknowledged_by"), ==, demo->charge->id);
    etag = g_strdup (el_test_response_get_header (resp, "ETag"));
  }
  /* acknowledged: read-only */
  {
    g_autoptr (ElTestResponse) resp = el_test_api_call (
        demo->api, "PATCH", path, demo->nurse_a, "{\"shift\":\"night\"}", "If-Match", etag, EL_TEST_END);
    el_test_assert_problem (resp, 423, "locked");
  }
  {
    g_autoptr (ElTestResponse) resp = el_test_api_call (
        demo->api, "POST", ack, demo->charge, "{\"version\":1,\"readback_confirmed\":true}", EL_TEST_END);
    el_test_assert_problem (resp, 423, "locked");
  }
  {
    g_autoptr (ElTestResponse) resp = el_test_api_call (
        demo->api, "POST", sign, demo->nurse_a, "{\"version\":1,\"password\":\"" PASSWORD "\"}", EL_TEST_END);
    el_test_assert_problem (resp, 423, "locked");
  }
  {
    g_autofree char *versions = el_test_handoff_path (id, "/sbar/versions");
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "POST", versions, demo->nurse_a,
                          "{\"base_version\":1,\"source\":\"nurse\",\"fields\":{}}", EL_TEST_END);
    el_test_assert_problem (resp, 423, "locked");
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", path, demo->nurse_a, NULL, EL_TEST_END);
    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_cmpstr (el_test_response_get_string (resp, "status"), ==, "acknowledged");
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/el/server/api/handoffs/list-scoping", test_list_scoping);
  g_test_add_func ("/el/server/api/handoffs/list-filters-pages", test_list_filters_and_pages);
  g_test_add_func ("/el/server/api/handoffs/create", test_create);
  g_test_add_func ("/el/server/api/handoffs/create-errors", test_create_errors);
  g_test_add_func ("/el/server/api/handoffs/get", test_get);
  g_test_add_func ("/el/server/api/handoffs/patch", test_patch);
  g_test_add_func ("/el/server/api/handoffs/sign-acknowledge", test_sign_and_acknowledge);

  demo = el_test_demo_new (PASSWORD);
  return el_test_demo_run (&demo);
}
