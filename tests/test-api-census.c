/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The census endpoints (GET /api/v1/units, GET /api/v1/patients?unit_id=) for each role, on a real
 * `eclipselink-server serve` seeded with `seed-demo` (units 4W and 5E, two patients each). */
#include "config.h"

#include "el-model-types.h"
#include "el-test-api.h"

#define PASSWORD     "test-password-42"
#define NURSE_A      "nurse.a@demo.eclipselink.ai"
#define CHARGE_4W    "charge.nurse@demo.eclipselink.ai"
#define NURSE_B      "nurse.b@demo.eclipselink.ai"
#define CHARGE_5E    "charge.nurse.5e@demo.eclipselink.ai"
#define ADMIN        "admin@demo.eclipselink.ai"
#define UNKNOWN_UNIT "00000000-0000-4000-8000-000000000000"

static ElTestDemo *demo;

static JsonArray *
items_of (ElTestResponse *response)
{
  JsonObject *object = el_test_response_get_object (response);

  g_assert_true (json_object_has_member (object, "items"));
  g_assert_cmpuint (json_object_get_size (object), ==, 1);
  return json_array_ref (json_object_get_array_member (object, "items"));
}

static ElTestResponse *
get_patients (const char *unit_id, const ElTestLogin *who)
{
  g_autofree char *path = g_strconcat ("/api/v1/patients?unit_id=", unit_id, NULL);

  return el_test_api_call (demo->api, "GET", path, who, NULL, EL_TEST_END);
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
      const ElTestLogin *who = el_test_api_login (demo->api, cases[c].email, PASSWORD);
      const char *unit_id = who->unit_id;
      g_autoptr (ElTestResponse) r =
          el_test_api_call (demo->api, "GET", "/api/v1/units", who, NULL, EL_TEST_END);
      g_autoptr (JsonArray) items = NULL;

      g_assert_cmpuint (r->status, ==, 200);
      g_assert_cmpstr (el_test_response_get_header (r, "Cache-Control"), ==, "no-store");
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
    g_autoptr (ElTestResponse) none =
        el_test_api_call (demo->api, "GET", "/api/v1/units", NULL, NULL, EL_TEST_END);

    el_test_assert_problem_strict (none, 401, "unauthorized");
  }
}

static void
assert_census (const char *unit_id, const ElTestLogin *who, guint n_patients)
{
  g_autoptr (ElTestResponse) r = get_patients (unit_id, who);
  g_autoptr (JsonArray) items = NULL;

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (el_test_response_get_header (r, "Cache-Control"), ==, "no-store");
  g_assert_cmpstr (el_test_response_get_header (r, "Content-Type"), ==, "application/json");
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
  const ElTestLogin *nurse_a = el_test_api_login (demo->api, NURSE_A, PASSWORD);
  const ElTestLogin *nurse_b = el_test_api_login (demo->api, NURSE_B, PASSWORD);
  const ElTestLogin *charge_4w = el_test_api_login (demo->api, CHARGE_4W, PASSWORD);
  const ElTestLogin *charge_5e = el_test_api_login (demo->api, CHARGE_5E, PASSWORD);
  const ElTestLogin *admin = el_test_api_login (demo->api, ADMIN, PASSWORD);
  const char *unit_4w = nurse_a->unit_id;
  const char *unit_5e = nurse_b->unit_id;

  g_assert_cmpstr (unit_4w, !=, unit_5e);
  assert_census (unit_4w, nurse_a, 2);
  assert_census (unit_5e, nurse_b, 2);
  assert_census (unit_4w, charge_4w, 2);
  assert_census (unit_5e, charge_5e, 2);
  assert_census (unit_4w, admin, 2);
  assert_census (unit_5e, admin, 2);

  /* another unit: 403 */
  {
    g_autoptr (ElTestResponse) a = get_patients (unit_5e, nurse_a);
    g_autoptr (ElTestResponse) b = get_patients (unit_4w, nurse_b);
    g_autoptr (ElTestResponse) c = get_patients (unit_5e, charge_4w);
    g_autoptr (ElTestResponse) d = get_patients (unit_4w, charge_5e);

    el_test_assert_problem_strict (a, 403, "forbidden");
    el_test_assert_problem_strict (b, 403, "forbidden");
    el_test_assert_problem_strict (c, 403, "forbidden");
    el_test_assert_problem_strict (d, 403, "forbidden");
    g_assert_cmpstr (el_test_response_get_header (a, "Cache-Control"), ==, "no-store");
  }
}

static void
test_patients_bad_queries (void)
{
  const ElTestLogin *admin = el_test_api_login (demo->api, ADMIN, PASSWORD);
  const ElTestLogin *nurse = el_test_api_login (demo->api, NURSE_A, PASSWORD);
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
      g_autoptr (ElTestResponse) r = el_test_api_call (demo->api, "GET", bad[i], admin, NULL, EL_TEST_END);

      el_test_assert_problem_strict (r, 400, "invalid_request");
    }
  {
    g_autoptr (ElTestResponse) unknown = get_patients (UNKNOWN_UNIT, admin);
    g_autoptr (ElTestResponse) unknown_nurse = get_patients (UNKNOWN_UNIT, nurse);
    g_autoptr (ElTestResponse) none = get_patients (UNKNOWN_UNIT, NULL);

    el_test_assert_problem_strict (unknown, 404, "not_found");
    el_test_assert_problem_strict (unknown_nurse, 404, "not_found");
    el_test_assert_problem_strict (none, 401, "unauthorized");
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  demo = el_test_demo_new_small (PASSWORD);

  g_test_add_func ("/el/server/api/census/units", test_units);
  g_test_add_func ("/el/server/api/census/patients-roles", test_patients_roles);
  g_test_add_func ("/el/server/api/census/patients-bad-queries", test_patients_bad_queries);
  return el_test_demo_run (&demo);
}
