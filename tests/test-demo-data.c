/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-completeness.h"
#include "el-demo-data.h"

/* Every demo patient is a valid census row, and its handoff fields are a complete SBAR. */
static void
test_stories_valid (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_utc (2026, 11, 25, 19, 0, 0);
  g_autofree char *unit_id = el_demo_uuid ("unit", 0, 0, 0);
  g_autoptr (GHashTable) mrns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_cmpuint (el_demo_n_patients (), ==, EL_DEMO_UNITS * EL_DEMO_PATIENTS_PER_UNIT);

  for (guint replica = 0; replica < 40; replica++)
    for (guint story = 0; story < el_demo_n_patients (); story++)
      {
        g_autoptr (GError) error = NULL;
        g_autoptr (ElPatient) patient = el_demo_make_patient (story, replica, unit_id, "412", now);
        g_autoptr (ElSbarFields) fields = el_demo_make_fields (story, patient);
        g_autoptr (JsonNode) fields_json = el_sbar_fields_to_json (fields);
        g_autoptr (JsonObject) version = json_object_new ();
        g_autoptr (ElSbarFields) decoded = NULL;
        g_autoptr (ElCompleteness) completeness = NULL;

        g_assert_true (el_patient_validate (patient, &error));
        g_assert_no_error (error);
        g_assert_true (g_hash_table_add (mrns, g_strdup (el_patient_get_mrn (patient))));
        g_assert_cmpint (el_patient_get_age (patient, now), >=, 18);

        decoded = el_sbar_fields_new_from_json (fields_json, &error);
        g_assert_no_error (error);
        g_assert_true (el_sbar_fields_equal (fields, decoded));

        json_object_set_member (version, "fields", json_node_copy (fields_json));
        completeness = el_completeness_compute (version);
        g_assert_cmpstrv (completeness->missing_critical, ((const char *const[]){ NULL }));
        g_assert_true (completeness->complete);
      }
}

/* Ids are stable across runs and distinct across kinds and numbers. */
static void
test_uuids (void)
{
  g_autofree char *a = el_demo_uuid ("patient", 1, 2, 3);
  g_autofree char *b = el_demo_uuid ("patient", 1, 2, 3);
  g_autofree char *c = el_demo_uuid ("patient", 1, 2, 4);
  g_autofree char *d = el_demo_uuid ("handoff", 1, 2, 3);

  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, !=, c);
  g_assert_cmpstr (a, !=, d);
  g_assert_true (el_uuid_is_valid (a));
  g_assert_true (el_uuid_is_valid (d));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/el/server/demo/stories-valid", test_stories_valid);
  g_test_add_func ("/el/server/demo/uuids", test_uuids);

  return g_test_run ();
}
