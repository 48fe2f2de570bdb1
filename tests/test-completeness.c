/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-completeness.h"

/*
 * Expected scores are worked out by hand from the spec's weights: 23 items, 6 of them critical
 * (1.5) and 17 not (1.0), so the total weight is 17 + 6 * 1.5 = 26.
 */

static const char *const all_items[] = {
  "situation",
  "background",
  "assessment",
  "recommendation",
  "patient_identifiers",
  "room_bed",
  "code_status",
  "allergies",
  "isolation",
  "fall_risk",
  "illness_severity",
  "diagnosis",
  "history",
  "vitals",
  "lines_drains_airways",
  "infusions",
  "diet",
  "mobility",
  "meds_due",
  "pending",
  "todos",
  "contingencies",
  "family_discharge",
  NULL,
};

static const char *const critical_items[] = {
  "patient_identifiers", "code_status", "allergies", "isolation", "vitals", "contingencies", NULL,
};

static const char *const no_items[] = { NULL };

/* A version with every item present (and some spans, which change nothing). */
static const char full_version[] =
    "{"
    " \"id\": \"0b7f3f0e-5a0c-4a8e-9d43-1c2f7c7f9e01\", \"version\": 2, \"source\": \"nurse\","
    " \"situation\": \"67yo M, post-op day 1, febrile overnight.\","
    " \"background\": \"Right hemicolectomy; CHF, DM2.\","
    " \"assessment\": \"T 38.4, HR 104, BP 132/84.\","
    " \"recommendation\": \"Recheck lactate at 14:00.\","
    " \"fields\": {"
    "  \"patient_identifiers\": {\"name\": \"John Doe\", \"mrn\": \"A123\", \"date_of_birth\": "
    "\"1958-03-02\"},"
    "  \"room_bed\": {\"value\": \"412B\", \"span\": {\"start\": 3, \"end\": 7}},"
    "  \"code_status\": {\"value\": \"full_code\"},"
    "  \"allergies\": {\"no_known_allergies\": false, \"items\": [{\"substance\": \"penicillin\", "
    "\"reaction\": "
    "\"rash\"}]},"
    "  \"isolation\": {\"value\": \"none\"},"
    "  \"fall_risk\": {\"value\": \"high\"},"
    "  \"illness_severity\": {\"value\": \"watcher\"},"
    "  \"diagnosis\": {\"value\": \"sepsis?\"},"
    "  \"history\": {\"value\": \"CHF\"},"
    "  \"vitals\": {\"taken_at\": \"2026-11-25T06:00:00Z\", \"temperature_c\": {\"value\": 38.4},"
    "             \"heart_rate\": {\"value\": 104}, \"respiratory_rate\": {\"value\": 22},"
    "             \"blood_pressure\": {\"systolic\": 132, \"diastolic\": 84},"
    "             \"spo2\": {\"value\": 93, \"o2_device\": \"NC\", \"o2_flow_l_min\": 2}, \"pain\": "
    "{\"value\": 3}},"
    "  \"lines_drains_airways\": [],"
    "  \"infusions\": [{\"description\": \"NS at 75 mL/h\"}],"
    "  \"diet\": {\"value\": \"NPO\"},"
    "  \"mobility\": {\"value\": \"OOB to chair\"},"
    "  \"meds_due\": [{\"name\": \"heparin\", \"dose\": \"5000 units\", \"route\": \"SC\", \"time\": "
    "\"14:00\"}],"
    "  \"pending\": [],"
    "  \"todos\": [],"
    "  \"contingencies\": [{\"if\": \"SBP < 90\", \"then\": \"call MD\"}],"
    "  \"family_discharge\": {\"value\": \"wife visiting 18:00\"}"
    " }"
    "}";

static JsonObject *
parse_object (const char *json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = json_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static JsonObject *
full (void)
{
  return parse_object (full_version);
}

static JsonObject *
fields_of (JsonObject *version)
{
  return json_object_get_object_member (version, "fields");
}

static void
assert_strv (GStrv got, const char *const *want)
{
  g_autofree char *g = g_strjoinv (",", got);
  g_autofree char *w = g_strjoinv (",", (GStrv) want);

  g_assert_cmpstr (g, ==, w);
}

static void
assert_completeness (JsonObject *version,
                     double score,
                     gboolean complete,
                     const char *const *missing,
                     const char *const *missing_critical)
{
  g_autoptr (ElCompleteness) c = el_completeness_compute (version);

  g_assert_nonnull (c);
  g_assert_cmpfloat_with_epsilon (c->score, score, 1e-9);
  g_assert_cmpint (c->complete, ==, complete);
  assert_strv (c->missing, missing);
  assert_strv (c->missing_critical, missing_critical);
}

/* Sets fields.<name> (or the section <name>) from JSON; NULL json removes it. */
static void
set_field (JsonObject *version, const char *name, const char *json)
{
  JsonObject *fields = fields_of (version);

  if (json_object_has_member (fields, name))
    json_object_remove_member (fields, name);
  if (json != NULL)
    {
      g_autoptr (GError) error = NULL;
      JsonNode *node = json_from_string (json, &error);

      g_assert_no_error (error);
      json_object_set_member (fields, name, node);
    }
}

static void
test_items (void)
{
  guint n = 0;
  const ElCompletenessItem *items = el_completeness_items (&n);
  double total = 0;
  guint critical = 0, sections = 0;

  g_assert_cmpuint (n, ==, g_strv_length ((GStrv) all_items));
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpstr (items[i].name, ==, all_items[i]);
      g_assert_cmpint (items[i].critical, ==, g_strv_contains (critical_items, items[i].name));
      g_assert_cmpfloat (items[i].weight, ==, items[i].critical ? 1.5 : 1.0);
      g_assert_cmpint (items[i].is_section, ==, i < 4);
      total += items[i].weight;
      critical += items[i].critical;
      sections += items[i].is_section;
    }
  g_assert_cmpfloat (total, ==, 26.0);
  g_assert_cmpuint (critical, ==, 6);
  g_assert_cmpuint (sections, ==, 4);
  g_assert_true (el_completeness_items (NULL) == items);

  assert_strv ((GStrv) el_completeness_vital_signs (),
               (const char *const[]){ "temperature_c", "heart_rate", "blood_pressure", "respiratory_rate",
                                      "spo2", NULL });
}

static void
test_empty (void)
{
  g_autoptr (JsonObject) empty = parse_object ("{}");
  g_autoptr (JsonObject) no_fields = parse_object ("{\"fields\": {}}");

  assert_completeness (empty, 0.0, FALSE, all_items, critical_items);
  assert_completeness (no_fields, 0.0, FALSE, all_items, critical_items);
}

static void
test_full (void)
{
  g_autoptr (JsonObject) version = full ();

  assert_completeness (version, 100.0, TRUE, no_items, no_items);
}

/* Removing any one item from the full version: 25/26 = 96.15 -> 96.2, or 24.5/26 = 94.23 -> 94.2. */
static void
test_each_item_missing (void)
{
  guint n = 0;
  const ElCompletenessItem *items = el_completeness_items (&n);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (JsonObject) version = full ();
      const char *const missing[] = { items[i].name, NULL };
      gboolean critical = g_strv_contains (critical_items, items[i].name);

      if (items[i].is_section)
        json_object_remove_member (version, items[i].name);
      else
        json_object_remove_member (fields_of (version), items[i].name);

      assert_completeness (version, critical ? 94.2 : 96.2, !critical, missing,
                           critical ? missing : no_items);
    }
}

/* All six critical items missing: 17/26 = 65.38 -> 65.4, incomplete. */
static void
test_only_critical_missing (void)
{
  g_autoptr (JsonObject) version = full ();

  for (guint i = 0; critical_items[i] != NULL; i++)
    json_object_remove_member (fields_of (version), critical_items[i]);
  assert_completeness (version, 65.4, FALSE, critical_items, critical_items);
}

/* Only non-critical items missing: complete whatever the score. Sections and the critical fields
 * only: 4 + 9 = 13 of 26 = 50.0. */
static void
test_only_critical_present (void)
{
  g_autoptr (JsonObject) version = full ();
  g_autoptr (GPtrArray) missing = g_ptr_array_new ();
  guint n = 0;
  const ElCompletenessItem *items = el_completeness_items (&n);

  for (guint i = 0; i < n; i++)
    if (!items[i].critical && !items[i].is_section)
      {
        json_object_remove_member (fields_of (version), items[i].name);
        g_ptr_array_add (missing, (gpointer) items[i].name);
      }
  g_ptr_array_add (missing, NULL);
  assert_completeness (version, 50.0, TRUE, (const char *const *) missing->pdata, no_items);
}

/* Sections count only with visible text: 23/26 = 88.46 -> 88.5, then 22/26 = 84.62 -> 84.6. */
static void
test_blank_sections (void)
{
  g_autoptr (JsonObject) version = full ();

  json_object_set_string_member (version, "situation", "");
  json_object_set_string_member (version, "background", "  \n\t ");
  json_object_set_string_member (version, "assessment", "\u00a0\u3000\u200b\ufeff");
  json_object_set_string_member (version, "recommendation", ".");
  assert_completeness (version, 88.5, TRUE,
                       (const char *const[]){ "situation", "background", "assessment", NULL }, no_items);

  json_object_set_string_member (version, "recommendation", " ");
  assert_completeness (
      version, 84.6, TRUE,
      (const char *const[]){ "situation", "background", "assessment", "recommendation", NULL }, no_items);
}

/* Partial vitals: vitals is missing (critical) and each absent vital sign is named. 24.5/26 -> 94.2. */
static void
test_partial_vitals (void)
{
  g_autoptr (JsonObject) version = full ();

  set_field (version, "vitals",
             "{\"temperature_c\": {\"value\": 37.0}, \"respiratory_rate\": {\"value\": 16},"
             " \"blood_pressure\": {\"systolic\": 120, \"diastolic\": 80}, \"pain\": {\"value\": 0}}");
  assert_completeness (version, 94.2, FALSE,
                       (const char *const[]){ "vitals", "vitals.heart_rate", "vitals.spo2", NULL },
                       (const char *const[]){ "vitals", NULL });

  /* A blood pressure without its diastolic value is not a blood pressure. */
  set_field (version, "vitals",
             "{\"temperature_c\": {\"value\": 37.0}, \"heart_rate\": {\"value\": 70}, \"respiratory_rate\": "
             "{\"value\": 16}, \"blood_pressure\": {\"systolic\": 120}, \"spo2\": {\"value\": 98}}");
  assert_completeness (version, 94.2, FALSE, (const char *const[]){ "vitals", "vitals.blood_pressure", NULL },
                       (const char *const[]){ "vitals", NULL });

  /* An empty vitals object lacks all five. */
  set_field (version, "vitals", "{}");
  assert_completeness (version, 94.2, FALSE,
                       (const char *const[]){ "vitals", "vitals.temperature_c", "vitals.heart_rate",
                                              "vitals.blood_pressure", "vitals.respiratory_rate",
                                              "vitals.spo2", NULL },
                       (const char *const[]){ "vitals", NULL });

  /* Only the five count: taken_at and pain are optional. */
  set_field (
      version, "vitals",
      "{\"temperature_c\": {\"value\": 37}, \"heart_rate\": {\"value\": 70}, \"respiratory_rate\": "
      "{\"value\": 16}, \"blood_pressure\": {\"systolic\": 120, \"diastolic\": 80}, \"spo2\": {\"value\": "
      "98.5}}");
  assert_completeness (version, 100.0, TRUE, no_items, no_items);
}

static void
test_allergies (void)
{
  g_autoptr (JsonObject) version = full ();
  const char *const missing[] = { "allergies", NULL };

  set_field (version, "allergies", "{\"no_known_allergies\": true, \"items\": []}");
  assert_completeness (version, 100.0, TRUE, no_items, no_items);
  set_field (version, "allergies", "{\"no_known_allergies\": true}");
  assert_completeness (version, 100.0, TRUE, no_items, no_items);
  set_field (version, "allergies", "{\"items\": [{\"substance\": \"latex\"}]}");
  assert_completeness (version, 100.0, TRUE, no_items, no_items);

  set_field (version, "allergies", "{\"no_known_allergies\": false, \"items\": []}");
  assert_completeness (version, 94.2, FALSE, missing, missing);
  set_field (version, "allergies", "{}");
  assert_completeness (version, 94.2, FALSE, missing, missing);
  set_field (version, "allergies", "{\"no_known_allergies\": \"true\"}");
  assert_completeness (version, 94.2, FALSE, missing, missing);
  set_field (version, "allergies", "{\"items\": [\"penicillin\"]}");
  assert_completeness (version, 94.2, FALSE, missing, missing);
  set_field (version, "allergies", "{\"items\": [{\"substance\": \" \"}]}");
  assert_completeness (version, 94.2, FALSE, missing, missing);
}

static void
test_identifiers (void)
{
  g_autoptr (JsonObject) version = full ();
  const char *const missing[] = { "patient_identifiers", NULL };

  set_field (version, "patient_identifiers", "{\"name\": \"Jane Roe\", \"mrn\": \"B77\"}");
  assert_completeness (version, 100.0, TRUE, no_items, no_items);
  set_field (version, "patient_identifiers", "{\"name\": \"Jane Roe\", \"date_of_birth\": \"1950-01-01\"}");
  assert_completeness (version, 100.0, TRUE, no_items, no_items);

  set_field (version, "patient_identifiers", "{\"name\": \"Jane Roe\"}");
  assert_completeness (version, 94.2, FALSE, missing, missing);
  set_field (version, "patient_identifiers", "{\"mrn\": \"B77\", \"date_of_birth\": \"1950-01-01\"}");
  assert_completeness (version, 94.2, FALSE, missing, missing);
  set_field (version, "patient_identifiers", "{\"name\": \"\", \"mrn\": \"B77\"}");
  assert_completeness (version, 94.2, FALSE, missing, missing);
  set_field (version, "patient_identifiers", "{\"name\": \"Jane Roe\", \"mrn\": 77}");
  assert_completeness (version, 94.2, FALSE, missing, missing);
}

/* Lists count when present, even empty; anything but an array does not. */
static void
test_lists (void)
{
  g_autoptr (JsonObject) version = full ();
  const char *const missing[] = { "meds_due", NULL };

  set_field (version, "meds_due", "[]");
  assert_completeness (version, 100.0, TRUE, no_items, no_items);
  set_field (version, "meds_due", "{}");
  assert_completeness (version, 96.2, TRUE, missing, no_items);
  set_field (version, "meds_due", "null");
  assert_completeness (version, 96.2, TRUE, missing, no_items);
}

static void
test_wrong_types (void)
{
  g_autoptr (JsonObject) version = full ();
  g_autoptr (JsonObject) fields_array = parse_object ("{\"situation\": \"x\", \"fields\": [1, 2]}");
  g_autoptr (JsonObject) fields_null = parse_object ("{\"situation\": \"x\", \"fields\": null}");
  g_autoptr (GPtrArray) all_but_situation = g_ptr_array_new ();

  /* Sections that are not strings; value fields that are not objects or lack a string value. */
  json_object_set_int_member (version, "situation", 42);
  json_object_set_null_member (version, "background");
  set_field (version, "code_status", "\"full_code\"");
  set_field (version, "diet", "{\"value\": 1}");
  set_field (version, "history", "{\"value\": null}");
  set_field (version, "mobility", "{\"text\": \"walks\"}");
  set_field (version, "vitals",
             "{\"temperature_c\": 37.0, \"heart_rate\": {\"value\": \"70\"}, \"respiratory_rate\": "
             "{\"value\": true},"
             " \"blood_pressure\": {\"systolic\": 120, \"diastolic\": \"80\"}, \"spo2\": [98]}");
  /* Present: 26 - 1 - 1 - 1.5 - 1 - 1 - 1 - 1.5 = 18 of 26 = 69.23 -> 69.2 */
  assert_completeness (version, 69.2, FALSE,
                       (const char *const[]){ "situation", "background", "code_status", "history", "vitals",
                                              "vitals.temperature_c", "vitals.heart_rate",
                                              "vitals.blood_pressure", "vitals.respiratory_rate",
                                              "vitals.spo2", "diet", "mobility", NULL },
                       (const char *const[]){ "code_status", "vitals", NULL });

  /* fields that is not an object: every field is missing; 1 of 26 = 3.85 -> 3.8 */
  for (guint i = 0; all_items[i] != NULL; i++)
    if (i != 0)
      g_ptr_array_add (all_but_situation, (gpointer) all_items[i]);
  g_ptr_array_add (all_but_situation, NULL);
  assert_completeness (fields_array, 3.8, FALSE, (const char *const *) all_but_situation->pdata,
                       critical_items);
  assert_completeness (fields_null, 3.8, FALSE, (const char *const *) all_but_situation->pdata,
                       critical_items);

  /* Invalid UTF-8 is not text. */
  {
    g_autoptr (JsonObject) bad = parse_object ("{\"fields\": {}}");
    g_autoptr (ElCompleteness) c = NULL;

    json_object_set_string_member (bad, "situation", "\xff\xfe");
    c = el_completeness_compute (bad);
    g_assert_true (g_strv_contains ((const char *const *) c->missing, "situation"));
  }
}

static void
test_to_json (void)
{
  g_autoptr (JsonObject) version = full ();
  g_autoptr (ElCompleteness) c = NULL;
  g_autoptr (ElCompleteness) copy = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *missing_critical = NULL;
  JsonObject *object;

  json_object_remove_member (fields_of (version), "history");
  json_object_remove_member (fields_of (version), "isolation");
  /* 26 - 1 - 1.5 = 23.5 of 26 = 90.38 -> 90.4 */
  c = el_completeness_compute (version);
  node = el_completeness_to_json (c);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  object = json_node_get_object (node);
  g_assert_cmpuint (json_object_get_size (object), ==, 4);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, "score"), 90.4, 1e-9);
  g_assert_false (json_object_get_boolean_member (object, "complete"));
  missing = json_to_string (json_object_get_member (object, "missing"), FALSE);
  missing_critical = json_to_string (json_object_get_member (object, "missing_critical"), FALSE);
  g_assert_cmpstr (missing, ==, "[\"isolation\",\"history\"]");
  g_assert_cmpstr (missing_critical, ==, "[\"isolation\"]");

  copy = g_boxed_copy (EL_TYPE_COMPLETENESS, c);
  g_assert_true (copy->missing != c->missing);
  g_assert_cmpfloat (copy->score, ==, c->score);
  g_assert_cmpint (copy->complete, ==, c->complete);
  assert_strv (copy->missing, (const char *const *) c->missing);
  assert_strv (copy->missing_critical, (const char *const *) c->missing_critical);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/el/completeness/items", test_items);
  g_test_add_func ("/el/completeness/empty", test_empty);
  g_test_add_func ("/el/completeness/full", test_full);
  g_test_add_func ("/el/completeness/each-item-missing", test_each_item_missing);
  g_test_add_func ("/el/completeness/only-critical-missing", test_only_critical_missing);
  g_test_add_func ("/el/completeness/only-critical-present", test_only_critical_present);
  g_test_add_func ("/el/completeness/blank-sections", test_blank_sections);
  g_test_add_func ("/el/completeness/partial-vitals", test_partial_vitals);
  g_test_add_func ("/el/completeness/allergies", test_allergies);
  g_test_add_func ("/el/completeness/identifiers", test_identifiers);
  g_test_add_func ("/el/completeness/lists", test_lists);
  g_test_add_func ("/el/completeness/wrong-types", test_wrong_types);
  g_test_add_func ("/el/completeness/to-json", test_to_json);

  return g_test_run ();
}
