/* SPDX-License-Identifier: GPL-3.0-or-later */
/* el-model-samples OUTDIR: builds instances of every model through the C API (constructors and
 * setters, no JSON parsing), fully populated and minimal, and writes each with its encoder to
 * OUTDIR/<Schema>-<variant>.json. The contract suite validates every file against the OpenAPI
 * schema <Schema> (tests/contract/run-samples.sh). Completeness and changes of the SBAR versions
 * are computed by core (el-completeness.c, el-diff.c), as the server does. */
#include "config.h"

#include "el-completeness.h"
#include "el-diff.h"
#include "el-models.h"

#include <locale.h>
#include <stdlib.h>

#define UUID_NURSE      "3f0c1b6e-8d2a-4c1e-9b7a-2e5d4f6a8b90"
#define UUID_NURSE2     "5b2e7c1a-9f3d-4e8b-a6c2-1d0f8e7b6a51"
#define UUID_UNIT       "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
#define UUID_PATIENT    "7e6d5c4b-3a29-4817-a6f5-e4d3c2b1a098"
#define UUID_HANDOFF    "c0ffee00-1234-4abc-9def-0123456789ab"
#define UUID_RECORDING  "d15ea5e0-8bad-4f00-b00b-facefeed0001"
#define UUID_VERSION1   "0b7f3f0e-5a0c-4a8e-9d43-1c2f7c7f9e00"
#define UUID_VERSION2   "0b7f3f0e-5a0c-4a8e-9d43-1c2f7c7f9e01"
#define TRANSCRIPT_TEXT "Maria Lopez, MRN 4211, room 412 bed B. Full code. Allergic to penicillin, hives."

static const char *outdir;
static guint n_written;
static gboolean failed;

static GDateTime *
at (int hour, int minute, double seconds)
{
  return g_date_time_new_utc (2026, 11, 25, hour, minute, seconds);
}

static void
write_sample (const char *schema, const char *variant, char *json /* transfer full */, GError *validation)
{
  g_autofree char *data = json;
  g_autofree char *name = g_strdup_printf ("%s-%s.json", schema, variant);
  g_autofree char *path = g_build_filename (outdir, name, NULL);
  g_autoptr (GError) error = validation;

  if (error != NULL)
    {
      g_printerr ("%s: the model does not validate: %s\n", name, error->message);
      failed = TRUE;
      return;
    }
  if (!g_file_set_contents (path, data, -1, &error))
    {
      g_printerr ("%s: %s\n", name, error->message);
      failed = TRUE;
      return;
    }
  g_print ("%s\n", path);
  n_written++;
}

#define WRITE(Schema, variant, model, prefix)                                         \
  G_STMT_START                                                                        \
  {                                                                                   \
    GError *validation_error = NULL;                                                  \
                                                                                      \
    prefix##_validate (model, &validation_error);                                     \
    write_sample (Schema, variant, prefix##_to_data (model, NULL), validation_error); \
  }                                                                                   \
  G_STMT_END

static void
users (void)
{
  g_autoptr (ElUser) full = el_user_new ();
  g_autoptr (ElUser) minimal = el_user_new ();
  g_autoptr (GDateTime) created = g_date_time_new_utc (2025, 3, 1, 9, 0, 0);

  el_user_set_id (full, UUID_NURSE);
  el_user_set_email (full, "alex.nurse@hospital.example");
  el_user_set_name (full, "Alex Nurse");
  el_user_set_role (full, EL_ROLE_CHARGE_NURSE);
  el_user_set_unit_id (full, UUID_UNIT);
  el_user_set_created_at (full, created);
  WRITE ("User", "full", full, el_user);

  el_user_set_id (minimal, UUID_NURSE2);
  el_user_set_email (minimal, "sam@hospital.example");
  el_user_set_name (minimal, "Sam");
  el_user_set_role (minimal, EL_ROLE_NURSE);
  WRITE ("User", "minimal", minimal, el_user);

  el_user_set_role (minimal, EL_ROLE_ADMIN);
  WRITE ("User", "admin", minimal, el_user);
}

static void
units (void)
{
  g_autoptr (ElUnit) full = el_unit_new ();
  g_autoptr (ElUnit) minimal = el_unit_new ();

  el_unit_set_id (full, UUID_UNIT);
  el_unit_set_name (full, "Medical-Surgical West");
  el_unit_set_code (full, "4W");
  el_unit_set_floor (full, "4");
  el_unit_set_bed_count (full, 28);
  WRITE ("Unit", "full", full, el_unit);

  el_unit_set_id (minimal, UUID_UNIT);
  el_unit_set_name (minimal, "Intensive Care");
  el_unit_set_code (minimal, "ICU");
  WRITE ("Unit", "minimal", minimal, el_unit);
}

static ElPatient *
new_patient (void)
{
  ElPatient *patient = el_patient_new ();
  GDate dob;

  g_date_clear (&dob, 1);
  g_date_set_dmy (&dob, 28, G_DATE_FEBRUARY, 1958);
  el_patient_set_id (patient, UUID_PATIENT);
  el_patient_set_unit_id (patient, UUID_UNIT);
  el_patient_set_mrn (patient, "MRN-004211");
  el_patient_set_given_name (patient, "Maria");
  el_patient_set_family_name (patient, "Lopez");
  el_patient_set_date_of_birth (patient, &dob);
  el_patient_set_sex (patient, EL_SEX_FEMALE);
  el_patient_set_room (patient, "412");
  return patient;
}

static void
patients (void)
{
  g_autoptr (ElPatient) full = new_patient ();
  g_autoptr (ElPatient) minimal = new_patient ();
  g_autoptr (ElPatient) nkda = new_patient ();
  g_autoptr (GDateTime) admitted = g_date_time_new_utc (2026, 11, 22, 18, 40, 12.345);
  g_autoptr (GDateTime) updated = at (6, 59, 59.999);
  const char *const allergies[] = { "penicillin", "latex", NULL };

  el_patient_set_bed (full, "B");
  el_patient_set_code_status (full, EL_CODE_STATUS_DNR_DNI);
  el_patient_set_allergies (full, allergies);
  el_patient_set_no_known_allergies (full, FALSE);
  el_patient_set_isolation (full, EL_ISOLATION_CONTACT_PLUS);
  el_patient_set_acuity (full, 4);
  el_patient_set_fall_risk (full, EL_FALL_RISK_HIGH);
  el_patient_set_diagnosis (full, "Sepsis, urinary source");
  el_patient_set_attending (full, "Dr. Okafor");
  el_patient_set_admitted_at (full, admitted);
  el_patient_set_handoff_status (full, EL_HANDOFF_STATUS_READY);
  el_patient_set_updated_at (full, updated);
  WRITE ("Patient", "full", full, el_patient);

  el_patient_set_sex (minimal, EL_SEX_UNKNOWN);
  WRITE ("Patient", "minimal", minimal, el_patient);

  el_patient_set_no_known_allergies (nkda, TRUE);
  el_patient_set_isolation (nkda, EL_ISOLATION_NONE);
  el_patient_set_code_status (nkda, EL_CODE_STATUS_FULL_CODE);
  WRITE ("Patient", "nkda", nkda, el_patient);
}

static ElHandoff *
new_handoff (void)
{
  ElHandoff *handoff = el_handoff_new ();
  g_autoptr (GDateTime) created = at (6, 30, 0);
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 25, G_DATE_NOVEMBER, 2026);
  el_handoff_set_id (handoff, UUID_HANDOFF);
  el_handoff_set_patient_id (handoff, UUID_PATIENT);
  el_handoff_set_unit_id (handoff, UUID_UNIT);
  el_handoff_set_shift_date (handoff, &date);
  el_handoff_set_shift (handoff, EL_SHIFT_NIGHT);
  el_handoff_set_created_by (handoff, UUID_NURSE);
  el_handoff_set_created_at (handoff, created);
  el_handoff_set_updated_at (handoff, created);
  return handoff;
}

static void
handoffs (void)
{
  g_autoptr (ElHandoff) draft = new_handoff ();
  g_autoptr (ElHandoff) full = new_handoff ();
  g_autoptr (ElHandoff) failed_handoff = new_handoff ();
  g_autoptr (GDateTime) signed_at = at (7, 10, 0);
  g_autoptr (GDateTime) acknowledged_at = at (7, 20, 0);

  WRITE ("Handoff", "draft", draft, el_handoff);

  el_handoff_set_outgoing_nurse_id (full, UUID_NURSE);
  el_handoff_set_receiving_nurse_id (full, UUID_NURSE2);
  el_handoff_set_latest_version (full, 2);
  el_handoff_set_etag (full, "W/2-5f1c");
  el_handoff_transition (full, EL_HANDOFF_STATUS_PROCESSING, NULL);
  el_handoff_transition (full, EL_HANDOFF_STATUS_READY, NULL);
  el_handoff_set_signed_by (full, UUID_NURSE);
  el_handoff_set_signed_at (full, signed_at);
  el_handoff_transition (full, EL_HANDOFF_STATUS_SIGNED, NULL);
  el_handoff_set_updated_at (full, signed_at);
  WRITE ("Handoff", "signed", full, el_handoff);

  el_handoff_set_acknowledged_by (full, UUID_NURSE2);
  el_handoff_set_acknowledged_at (full, acknowledged_at);
  el_handoff_set_readback_note (full,
                                "Read back: recheck lactate at 14:00, call rapid response if MAP < 65.");
  el_handoff_transition (full, EL_HANDOFF_STATUS_ACKNOWLEDGED, NULL);
  el_handoff_set_updated_at (full, acknowledged_at);
  WRITE ("Handoff", "acknowledged", full, el_handoff);

  el_handoff_transition (failed_handoff, EL_HANDOFF_STATUS_PROCESSING, NULL);
  el_handoff_transition (failed_handoff, EL_HANDOFF_STATUS_FAILED, NULL);
  el_handoff_set_failure_reason (failed_handoff, "Transcription failed: the audio is silent.");
  WRITE ("Handoff", "failed", failed_handoff, el_handoff);
}

static void
recordings (void)
{
  g_autoptr (ElRecording) queued = el_recording_new ();
  g_autoptr (ElRecording) completed = el_recording_new ();
  g_autoptr (ElRecording) failed_recording = el_recording_new ();
  g_autoptr (GDateTime) created = at (7, 0, 0);
  g_autoptr (GDateTime) updated = at (7, 1, 30.5);
  static const char *const words[] = { "Maria", "Lopez", "MRN", "4211", "room", "412", "bed", "B" };
  g_autoptr (GPtrArray) no_words = g_ptr_array_new ();

  el_recording_set_id (queued, UUID_RECORDING);
  el_recording_set_handoff_id (queued, UUID_HANDOFF);
  el_recording_set_created_at (queued, created);
  el_recording_set_updated_at (queued, created);
  WRITE ("Recording", "queued", queued, el_recording);

  el_recording_set_id (completed, UUID_RECORDING);
  el_recording_set_handoff_id (completed, UUID_HANDOFF);
  el_recording_set_status (completed, EL_RECORDING_STATUS_COMPLETED);
  el_recording_set_mime_type (completed, EL_AUDIO_MIME_TYPE_WAV);
  el_recording_set_duration_ms (completed, 44000);
  el_recording_set_size_bytes (completed, 1408044);
  el_recording_set_sha256 (completed, "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  el_recording_set_engine (completed, "pocketsphinx");
  el_recording_set_transcript (completed, TRANSCRIPT_TEXT);
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    el_recording_add_word (completed,
                           el_recording_word_new (words[i], i * 400, i * 400 + 350, 0.5 + i * 0.05));
  el_recording_set_created_at (completed, created);
  el_recording_set_updated_at (completed, updated);
  WRITE ("Recording", "completed", completed, el_recording);

  el_recording_set_id (failed_recording, UUID_RECORDING);
  el_recording_set_handoff_id (failed_recording, UUID_HANDOFF);
  el_recording_set_status (failed_recording, EL_RECORDING_STATUS_FAILED);
  el_recording_set_error (failed_recording, "No speech found in the audio.");
  el_recording_set_words (failed_recording, no_words);
  el_recording_set_created_at (failed_recording, created);
  el_recording_set_updated_at (failed_recording, updated);
  WRITE ("Recording", "failed", failed_recording, el_recording);
}

static ElSpan *
span (gint64 start, gint64 end, gint64 audio_start_ms, double confidence)
{
  ElSpan *result = el_span_new (start, end);

  el_span_set_audio (result, audio_start_ms, audio_start_ms + (end - start) * 60);
  el_span_set_confidence (result, confidence);
  return result;
}

/* Every field, AI-produced (with spans) or not. */
static ElSbarFields *
full_fields (gboolean ai)
{
  ElSbarFields *fields = el_sbar_fields_new ();
  ElSbarIdentifiers *ids;
  ElSbarText *text;
  ElSbarCodeStatus *code_status;
  ElSbarAllergies *allergies;
  ElSbarAllergy *allergy;
  ElSbarIsolation *isolation;
  ElSbarVitals *vitals;
  ElSbarMedDue *med;
  GDate dob;

  g_date_clear (&dob, 1);
  g_date_set_dmy (&dob, 28, G_DATE_FEBRUARY, 1958);
  ids = el_sbar_identifiers_new ("Maria Lopez", "MRN-004211", &dob);
  text = el_sbar_text_new ("412B");
  code_status = el_sbar_code_status_new (EL_CODE_STATUS_FULL_CODE);
  allergies = el_sbar_allergies_new (FALSE);
  allergy = el_sbar_allergy_new ("penicillin", "hives");
  if (ai)
    {
      ids->span = span (0, 21, 0, 0.91);
      text->span = span (23, 38, 1400, 0.88);
      code_status->span = span (40, 49, 2400, 0.95);
      allergy->span = span (51, 81, 3000, 0.9);
    }
  el_sbar_fields_take_patient_identifiers (fields, ids);
  el_sbar_fields_take_room_bed (fields, text);
  el_sbar_fields_take_code_status (fields, code_status);
  el_sbar_allergies_add (allergies, allergy);
  el_sbar_fields_take_allergies (fields, allergies);

  isolation = el_sbar_isolation_new (EL_ISOLATION_CONTACT, "MRSA in the wound");
  el_sbar_fields_take_isolation (fields, isolation);
  el_sbar_fields_take_fall_risk (fields, el_sbar_fall_risk_new (EL_FALL_RISK_MODERATE));
  el_sbar_fields_take_illness_severity (fields, el_sbar_illness_severity_new (EL_ILLNESS_SEVERITY_WATCHER));
  el_sbar_fields_take_diagnosis (fields, el_sbar_text_new ("Sepsis, urinary source"));
  el_sbar_fields_take_history (fields, el_sbar_text_new ("CHF, type 2 diabetes, CKD stage 3"));

  vitals = el_sbar_vitals_new ();
  vitals->taken_at = at (6, 0, 0);
  vitals->temperature_c = el_sbar_measure_new (38.4);
  vitals->heart_rate = el_sbar_measure_new (104);
  vitals->respiratory_rate = el_sbar_measure_new (22);
  vitals->blood_pressure = el_sbar_blood_pressure_new (132, 84);
  vitals->spo2 = el_sbar_spo2_new (93);
  el_sbar_spo2_set_o2 (vitals->spo2, "nasal cannula", TRUE, 2);
  vitals->pain = el_sbar_measure_new (3);
  el_sbar_fields_take_vitals (fields, vitals);

  el_sbar_fields_add_line_drain_airway (fields, el_sbar_item_new ("PIV 20g left forearm"));
  el_sbar_fields_add_line_drain_airway (fields, el_sbar_item_new ("Foley catheter"));
  el_sbar_fields_add_infusion (fields, el_sbar_item_new ("Normal saline at 75 mL/h"));
  el_sbar_fields_take_diet (fields, el_sbar_text_new ("NPO after midnight"));
  el_sbar_fields_take_mobility (fields, el_sbar_text_new ("Up with assist of one"));
  med = el_sbar_med_due_new ("Vancomycin", "1 g", "IV", "14:00");
  el_sbar_fields_add_med_due (fields, med);
  el_sbar_fields_add_med_due (fields, el_sbar_med_due_new ("Acetaminophen", "650 mg", "PO", NULL));
  el_sbar_fields_add_pending (fields, el_sbar_pending_new (EL_PENDING_KIND_LAB, "Lactate"));
  el_sbar_fields_add_pending (fields, el_sbar_pending_new (EL_PENDING_KIND_IMAGING, "CT abdomen"));
  el_sbar_fields_add_pending (fields, el_sbar_pending_new (EL_PENDING_KIND_CONSULT, "Infectious disease"));
  el_sbar_fields_add_todo (fields, el_sbar_todo_new ("Recheck lactate", "night RN", "14:00"));
  el_sbar_fields_add_contingency (fields, el_sbar_contingency_new ("MAP below 65", "Call rapid response"));
  el_sbar_fields_take_family_discharge (fields, el_sbar_text_new ("Daughter visiting at 18:00"));
  return fields;
}

/* Sets completeness (and changes against @previous) as the server computes them. */
static void
compute (ElSbarVersion *version, ElSbarVersion *previous)
{
  g_autoptr (JsonNode) node = el_sbar_version_to_json (version);
  g_autoptr (ElCompleteness) completeness = el_completeness_compute (json_node_get_object (node));
  g_autoptr (JsonNode) completeness_json = el_completeness_to_json (completeness);
  g_autoptr (GError) error = NULL;

  if (!el_sbar_version_set_completeness_json (version, completeness_json, &error))
    {
      g_printerr ("el_completeness_to_json() gave an invalid Completeness: %s\n", error->message);
      failed = TRUE;
      g_clear_error (&error);
    }
  if (previous != NULL)
    {
      g_autoptr (JsonNode) previous_node = el_sbar_version_to_json (previous);
      g_autoptr (JsonNode) changes =
          el_diff_versions (json_node_get_object (previous_node), json_node_get_object (node));

      if (!el_sbar_version_set_changes_json (version, changes, &error))
        {
          g_printerr ("el_diff_versions() gave invalid Changes: %s\n", error->message);
          failed = TRUE;
        }
    }
}

static void
sbar_versions (void)
{
  g_autoptr (ElSbarVersion) minimal = el_sbar_version_new ();
  g_autoptr (ElSbarVersion) ai = el_sbar_version_new ();
  g_autoptr (ElSbarVersion) full = el_sbar_version_new ();
  g_autoptr (ElSbarVersion) create = el_sbar_version_new ();
  g_autoptr (ElSbarVersion) create_minimal = el_sbar_version_new ();
  g_autoptr (ElSbarFields) ai_fields = full_fields (TRUE);
  g_autoptr (ElSbarFields) fields = full_fields (FALSE);
  g_autoptr (GDateTime) created1 = at (7, 2, 0);
  g_autoptr (GDateTime) created2 = at (7, 5, 0);

  /* Version 1 as the recording pipeline writes it before any field is known. */
  el_sbar_version_set_id (minimal, UUID_VERSION1);
  el_sbar_version_set_handoff_id (minimal, UUID_HANDOFF);
  el_sbar_version_set_version (minimal, 1);
  el_sbar_version_set_author_id (minimal, UUID_NURSE);
  el_sbar_version_set_source (minimal, EL_SBAR_SOURCE_AI);
  el_sbar_version_set_created_at (minimal, created1);
  WRITE ("SbarVersion", "minimal", minimal, el_sbar_version);

  /* Version 1 from the extractor: grounded fields, completeness. */
  el_sbar_version_set_id (ai, UUID_VERSION1);
  el_sbar_version_set_handoff_id (ai, UUID_HANDOFF);
  el_sbar_version_set_version (ai, 1);
  el_sbar_version_set_author_id (ai, UUID_NURSE);
  el_sbar_version_set_source (ai, EL_SBAR_SOURCE_AI);
  el_sbar_version_set_created_at (ai, created1);
  el_sbar_version_set_situation (ai, "67 year old woman with sepsis, febrile overnight.");
  el_sbar_version_set_background (ai, "Admitted 11/22 from the emergency department.");
  el_sbar_fields_take_patient_identifiers (
      el_sbar_version_get_fields (ai),
      el_sbar_identifiers_copy (el_sbar_fields_get_patient_identifiers (ai_fields)));
  el_sbar_fields_take_room_bed (el_sbar_version_get_fields (ai),
                                el_sbar_text_copy (el_sbar_fields_get_room_bed (ai_fields)));
  el_sbar_fields_take_code_status (el_sbar_version_get_fields (ai),
                                   el_sbar_code_status_copy (el_sbar_fields_get_code_status (ai_fields)));
  el_sbar_fields_take_allergies (el_sbar_version_get_fields (ai),
                                 el_sbar_allergies_copy (el_sbar_fields_get_allergies (ai_fields)));
  compute (ai, NULL);
  WRITE ("SbarVersion", "ai", ai, el_sbar_version);

  /* Version 2, edited by the nurse: every field, completeness and changes since version 1. */
  el_sbar_version_set_id (full, UUID_VERSION2);
  el_sbar_version_set_handoff_id (full, UUID_HANDOFF);
  el_sbar_version_set_version (full, 2);
  el_sbar_version_set_previous_version_id (full, UUID_VERSION1);
  el_sbar_version_set_author_id (full, UUID_NURSE);
  el_sbar_version_set_author_name (full, "Alex Nurse");
  el_sbar_version_set_source (full, EL_SBAR_SOURCE_NURSE);
  el_sbar_version_set_created_at (full, created2);
  el_sbar_version_set_situation (full, "67 year old woman with sepsis, afebrile since 04:00.");
  el_sbar_version_set_background (full, "Admitted 11/22 from the emergency department. CHF, diabetes.");
  el_sbar_version_set_assessment (full, "Improving; lactate down to 2.1.");
  el_sbar_version_set_recommendation (full, "Recheck lactate at 14:00; call rapid response if MAP < 65.");
  el_sbar_version_set_fields (full, ai_fields);
  compute (full, ai);
  WRITE ("SbarVersion", "full", full, el_sbar_version);

  /* The requests that create versions. */
  el_sbar_version_set_source (create, EL_SBAR_SOURCE_NURSE);
  el_sbar_version_set_situation (create, el_sbar_version_get_situation (full));
  el_sbar_version_set_background (create, el_sbar_version_get_background (full));
  el_sbar_version_set_assessment (create, el_sbar_version_get_assessment (full));
  el_sbar_version_set_recommendation (create, el_sbar_version_get_recommendation (full));
  el_sbar_version_set_fields (create, fields);
  write_sample ("SbarVersionCreate", "full", el_sbar_version_create_request_to_data (create, 1, NULL), NULL);

  el_sbar_version_set_source (create_minimal, EL_SBAR_SOURCE_ON_DEVICE);
  write_sample ("SbarVersionCreate", "minimal",
                el_sbar_version_create_request_to_data (create_minimal, 0, NULL), NULL);

  /* The create requests must decode again. */
  {
    g_autofree char *json = el_sbar_version_create_request_to_data (create, 1, NULL);
    g_autoptr (GError) error = NULL;
    g_autoptr (ElSbarVersion) again = el_sbar_version_create_request_from_data (json, -1, NULL, &error);

    if (again == NULL)
      {
        g_printerr ("SbarVersionCreate-full.json does not decode: %s\n", error->message);
        failed = TRUE;
      }
  }
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "");

  if (argc != 2)
    {
      g_printerr ("Usage: %s OUTDIR\n", argv[0]);
      return 2;
    }
  outdir = argv[1];
  if (g_mkdir_with_parents (outdir, 0755) != 0)
    {
      g_printerr ("%s: cannot create the directory\n", outdir);
      return 1;
    }

  users ();
  units ();
  patients ();
  handoffs ();
  recordings ();
  sbar_versions ();

  g_print ("%u samples written\n", n_written);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
