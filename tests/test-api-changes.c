/* SPDX-License-Identifier: GPL-3.0-or-later */
/* GET /api/v1/changes: a real server seeded with `seed-demo`, users signed in through /auth/login. */
#include "config.h"

#include "el-test-api.h"

#define PASSWORD "handoff-demo-test"

/* One seeded server for every test. */
static ElTestDemo *demo;

/* ------------------------------------------------------------------------------------------------
 * Tests.
 */

/* Reads the feed from @since to its end as @who; returns the last cursor. Checks every handoff
 * upsert is in @unit_id (when set) and whether @wanted appears among them. */
static gint64
read_feed (const ElTestLogin *who, gint64 since, const char *unit_id, const char *wanted, gboolean *found)
{
  gboolean has_more = TRUE;
  guint pages = 0;

  *found = FALSE;
  while (has_more)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT "&limit=200", since);
      g_autoptr (ElTestResponse) resp = el_test_api_call (demo->api, "GET", path, who, NULL, EL_TEST_END);
      JsonObject *obj, *upserts;
      gint64 next;

      g_assert_cmpuint (resp->status, ==, 200);
      g_assert_cmpstr (el_test_response_get_header (resp, "Cache-Control"), ==, "no-store");
      obj = el_test_response_get_object (resp);
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
  gint64 a_end = read_feed (demo->nurse_a, 0, demo->nurse_a->unit_id, NULL, &found);
  gint64 b_end = read_feed (demo->nurse_b, 0, demo->nurse_b->unit_id, NULL, &found);
  gint64 charge_end = read_feed (demo->charge, 0, demo->charge->unit_id, NULL, &found);
  gint64 admin_end = read_feed (demo->admin, 0, NULL, NULL, &found);
  g_autofree char *id = NULL;
  g_autofree char *id_5e = NULL;

  g_assert_cmpint (a_end, >, 0);
  g_assert_cmpint (b_end, >, 0);
  g_assert_cmpint (charge_end, >, 0);

  /* a new handoff on 4W: in 4W's feed and the administrator's, not in 5E's */
  id = el_test_api_create_handoff (demo->api, demo->nurse_a, demo->patient_4w, NULL, NULL);
  id_5e = el_test_api_create_handoff (demo->api, demo->nurse_b, demo->patient_5e, NULL, NULL);
  read_feed (demo->nurse_a, a_end, demo->nurse_a->unit_id, id, &found);
  g_assert_true (found);
  read_feed (demo->charge, charge_end, demo->charge->unit_id, id, &found);
  g_assert_true (found);
  read_feed (demo->nurse_b, b_end, demo->nurse_b->unit_id, id, &found);
  g_assert_false (found);
  read_feed (demo->nurse_b, b_end, demo->nurse_b->unit_id, id_5e, &found);
  g_assert_true (found);
  read_feed (demo->nurse_a, a_end, demo->nurse_a->unit_id, id_5e, &found);
  g_assert_false (found);
  read_feed (demo->admin, admin_end, NULL, id, &found);
  g_assert_true (found);
  read_feed (demo->admin, admin_end, NULL, id_5e, &found);
  g_assert_true (found);
}

static void
test_feed_pages (void)
{
  g_autoptr (ElTestResponse) first =
      el_test_api_call (demo->api, "GET", "/api/v1/changes?limit=1", demo->admin, NULL, EL_TEST_END);
  g_autoptr (ElTestResponse) whole =
      el_test_api_call (demo->api, "GET", "/api/v1/changes", demo->admin, NULL, EL_TEST_END);
  JsonObject *obj;
  gint64 cursor;

  g_assert_cmpuint (first->status, ==, 200);
  obj = el_test_response_get_object (first);
  g_assert_true (json_object_get_boolean_member (obj, "has_more"));
  cursor = json_object_get_int_member (obj, "next_cursor");
  g_assert_cmpint (cursor, >, 0);
  g_assert_true (json_object_has_member (obj, "upserts"));

  /* the default page (100) goes further than a page of one */
  g_assert_cmpuint (whole->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (el_test_response_get_object (whole), "next_cursor"), >,
                   cursor);

  {
    /* past the end: an empty page, the same cursor */
    g_autoptr (ElTestResponse) end = el_test_api_call (
        demo->api, "GET", "/api/v1/changes?since=9000000000000", demo->admin, NULL, EL_TEST_END);
    g_assert_cmpuint (end->status, ==, 200);
    obj = el_test_response_get_object (end);
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
      g_autoptr (ElTestResponse) resp =
          el_test_api_call (demo->api, "GET", bad[i], demo->nurse_a, NULL, EL_TEST_END);
      g_test_message ("case %u", i);
      el_test_assert_problem (resp, 400, "invalid_request");
    }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (demo->api, "GET", "/api/v1/changes", NULL, NULL, EL_TEST_END);
    el_test_assert_problem (resp, 401, "unauthorized");
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/el/server/api/changes/scoping", test_feed_scoping);
  g_test_add_func ("/el/server/api/changes/pages", test_feed_pages);
  g_test_add_func ("/el/server/api/changes/bad-input", test_feed_bad_input);

  demo = el_test_demo_new (PASSWORD);
  return el_test_demo_run (&demo);
}
