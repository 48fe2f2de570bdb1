/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The repository (src/server/repo) on a real SQLite file in a temporary directory. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "el-audit.h"
#include "el-db.h"
#include "el-repo-directory.h"
#include "el-repo.h"
#include "el-test-util.h"

#define UNIT_A  "6f1c0f7e-2c7a-4d5e-9a51-0d3c2b1a0001"
#define UNIT_B  "6f1c0f7e-2c7a-4d5e-9a51-0d3c2b1a0002"
#define NURSE_A "0b7a4c1e-8f2d-4e3a-b5c6-d7e8f9a0b001"
#define CHARGE  "0b7a4c1e-8f2d-4e3a-b5c6-d7e8f9a0b002"
#define NURSE_B "0b7a4c1e-8f2d-4e3a-b5c6-d7e8f9a0b003"
#define ADMIN   "0b7a4c1e-8f2d-4e3a-b5c6-d7e8f9a0b004"
#define NURSE_C "0b7a4c1e-8f2d-4e3a-b5c6-d7e8f9a0b005"
#define PAT_1   "5d2e6f70-1a2b-4c3d-8e4f-5a6b7c8d0001"
#define PAT_2   "5d2e6f70-1a2b-4c3d-8e4f-5a6b7c8d0002"
#define PAT_3   "5d2e6f70-1a2b-4c3d-8e4f-5a6b7c8d0003"
#define HO_1    "9c8b7a60-5f4e-4d3c-9b2a-1f0e9d8c0001"
#define HO_2    "9c8b7a60-5f4e-4d3c-9b2a-1f0e9d8c0002"

/* PHI markers: they must never appear in a clear column, the audit log or the file in clear. */
#define GIVEN_NAME  "Zebulon"
#define FAMILY_NAME "Quartermaine"
#define MRN         "ZQ99887766"
#define SITUATION   "Xylophonist admitted with zygomatic fracture"
#define TRANSCRIPT  "Quixotic transcript about the zygomatic fracture"
#define NOTE        "Readback mentioned Quartermaine clarifications"
#define HASH \
  "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"

typedef struct
{
  char *dir;
  char *path;
  ElVault *vault;
  ElDb *db;
} Fixture;

/* Helpers --------------------------------------------------------------------------------------- */

static gint64
query_int (ElDb *db, const char *sql)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDbStmt) stmt = el_db_prepare (db, sql, &error);

  g_assert_no_error (error);
  g_assert_cmpint (el_db_step (db, stmt, &error), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static gint64
audit_count (ElDb *db)
{
  return query_int (db, "SELECT count(*) FROM audit_events");
}

static char *
last_audit_action (ElDb *db)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDbStmt) stmt =
      el_db_prepare (db, "SELECT action FROM audit_events ORDER BY id DESC LIMIT 1", &error);

  g_assert_no_error (error);
  g_assert_cmpint (el_db_step (db, stmt, &error), ==, SQLITE_ROW);
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

static void
set_clock (ElDb *db, int year, int month, int day, int hour, int minute)
{
  g_autoptr (GDateTime) at = g_date_time_new_local (year, month, day, hour, minute, 0);

  el_repo_set_clock (db, at);
}

static void
add_unit (ElDb *db, const char *id, const char *code, const char *name)
{
  g_autoptr (ElUnit) unit = el_unit_new ();
  g_autoptr (GError) error = NULL;

  el_unit_set_id (unit, id);
  el_unit_set_code (unit, code);
  el_unit_set_name (unit, name);
  el_unit_set_floor (unit, "4");
  el_unit_set_bed_count (unit, 24);
  g_assert_true (el_repo_unit_insert (db, unit, NULL, &error));
  g_assert_no_error (error);
}

static void
add_user (ElDb *db, const char *id, const char *email, const char *name, ElRole role, const char *unit_id)
{
  g_autoptr (ElUser) user = el_user_new ();
  g_autoptr (GError) error = NULL;

  el_user_set_id (user, id);
  el_user_set_email (user, email);
  el_user_set_name (user, name);
  el_user_set_role (user, role);
  el_user_set_unit_id (user, unit_id);
  g_assert_true (el_repo_user_insert (db, user, HASH, NULL, &error));
  g_assert_no_error (error);
}

static ElPatient *
make_patient (const char *id,
              const char *unit_id,
              const char *mrn,
              const char *given,
              const char *room,
              const char *bed)
{
  ElPatient *patient = el_patient_new ();
  GDate dob;

  g_date_clear (&dob, 1);
  g_date_set_dmy (&dob, 12, G_DATE_MARCH, 1948);
  el_patient_set_id (patient, id);
  el_patient_set_unit_id (patient, unit_id);
  el_patient_set_mrn (patient, mrn);
  el_patient_set_given_name (patient, given);
  el_patient_set_family_name (patient, FAMILY_NAME);
  el_patient_set_date_of_birth (patient, &dob);
  el_patient_set_sex (patient, EL_SEX_FEMALE);
  el_patient_set_room (patient, room);
  el_patient_set_bed (patient, bed);
  el_patient_set_acuity (patient, 3);
  el_patient_set_diagnosis (patient, "Community-acquired pneumonia");
  return patient;
}

static void
add_patient (ElDb *db,
             const char *id,
             const char *unit_id,
             const char *mrn,
             const char *given,
             const char *room,
             const char *bed)
{
  g_autoptr (ElPatient) patient = make_patient (id, unit_id, mrn, given, room, bed);
  g_autoptr (GError) error = NULL;

  g_assert_true (el_repo_patient_upsert (db, patient, NURSE_A, NULL, &error));
  g_assert_no_error (error);
}

static ElHandoff *
handoff_request (const char *id, const char *patient_id, int year, int month, int day, ElShift shift)
{
  ElHandoff *request = el_handoff_new ();
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  el_handoff_set_id (request, id);
  el_handoff_set_patient_id (request, patient_id);
  el_handoff_set_shift_date (request, &date);
  el_handoff_set_shift (request, shift);
  return request;
}

static ElHandoff *
create_handoff (ElDb *db, const char *id, const char *patient_id, int day, ElShift shift)
{
  g_autoptr (ElHandoff) request = handoff_request (id, patient_id, 2026, 11, day, shift);
  g_autoptr (GError) error = NULL;
  ElHandoff *handoff;

  el_handoff_set_outgoing_nurse_id (request, NURSE_A);
  el_handoff_set_receiving_nurse_id (request, CHARGE);
  handoff = el_repo_handoff_create (db, request, NURSE_A, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (handoff);
  return handoff;
}

/* Creates a handoff the test only needs to exist. */
static void
add_handoff (ElDb *db, const char *id, const char *patient_id, int day, ElShift shift)
{
  g_autoptr (ElHandoff) handoff = create_handoff (db, id, patient_id, day, shift);

  g_assert_cmpstr (el_handoff_get_id (handoff), ==, id);
}

static ElSbarVersion *
make_content (const char *situation, const char *recommendation, double heart_rate)
{
  ElSbarVersion *content = el_sbar_version_new ();
  g_autoptr (ElSbarFields) fields = el_sbar_fields_new ();
  ElSbarVitals *vitals = el_sbar_vitals_new ();
  GDate dob;

  g_date_clear (&dob, 1);
  g_date_set_dmy (&dob, 12, G_DATE_MARCH, 1948);
  vitals->heart_rate = el_sbar_measure_new (heart_rate);
  vitals->temperature_c = el_sbar_measure_new (37.2);
  el_sbar_fields_take_vitals (fields, vitals);
  el_sbar_fields_take_patient_identifiers (fields,
                                           el_sbar_identifiers_new (GIVEN_NAME " " FAMILY_NAME, MRN, &dob));
  el_sbar_fields_take_code_status (fields, el_sbar_code_status_new (EL_CODE_STATUS_DNR));
  el_sbar_version_set_source (content, EL_SBAR_SOURCE_NURSE);
  el_sbar_version_set_situation (content, situation);
  el_sbar_version_set_background (content, "COPD, atrial fibrillation.");
  el_sbar_version_set_recommendation (content, recommendation);
  el_sbar_version_set_fields (content, fields);
  return content;
}

static ElSbarVersion *
append (ElDb *db,
        const char *handoff_id,
        int base,
        const char *recommendation,
        double heart_rate,
        const char *author)
{
  g_autoptr (ElSbarVersion) content = make_content (SITUATION, recommendation, heart_rate);
  g_autoptr (GError) error = NULL;
  ElSbarVersion *version = el_repo_sbar_append (db, handoff_id, base, content, author, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (version);
  return version;
}

static void
add_version (ElDb *db,
             const char *handoff_id,
             int base,
             const char *recommendation,
             double heart_rate,
             const char *author)
{
  g_autoptr (ElSbarVersion) version = append (db, handoff_id, base, recommendation, heart_rate, author);

  g_assert_cmpint (el_sbar_version_get_version (version), ==, base + 1);
}

static ElHandoffStatus
status_of (ElDb *db, const char *handoff_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElHandoff) handoff = el_repo_handoff_get (db, handoff_id, &error);

  g_assert_no_error (error);
  return el_handoff_get_status (handoff);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  guint8 key[EL_VAULT_KEY_BYTES];

  f->dir = el_test_make_dir ("el-test-repo-XXXXXX");
  f->path = g_build_filename (f->dir, "handoff.db", NULL);
  memset (key, 0x5a, sizeof key);
  f->vault = el_vault_new (key);
  f->db = el_db_open_full (f->path, f->vault, EL_DB_OPEN_MIGRATE, &error);
  g_assert_no_error (error);

  /* Wednesday 2026-11-25, 10:00 local time: the day shift of the 25th. */
  set_clock (f->db, 2026, 11, 25, 10, 0);
  add_unit (f->db, UNIT_A, "4W", "4 West Medical-Surgical");
  add_unit (f->db, UNIT_B, "5E", "5 East Cardiac");
  add_user (f->db, ADMIN, "admin@example.org", "Ada Admin", EL_ROLE_ADMIN, NULL);
  add_user (f->db, NURSE_A, "nurse.a@example.org", "Avery Nurse", EL_ROLE_NURSE, UNIT_A);
  add_user (f->db, CHARGE, "charge@example.org", "Carmen Charge", EL_ROLE_CHARGE_NURSE, UNIT_A);
  add_user (f->db, NURSE_B, "nurse.b@example.org", "Blake Nurse", EL_ROLE_NURSE, UNIT_B);
  add_user (f->db, NURSE_C, "nurse.c@example.org", "Casey Nurse", EL_ROLE_NURSE, UNIT_A);
  add_patient (f->db, PAT_1, UNIT_A, MRN, GIVEN_NAME, "402", "A");
  add_patient (f->db, PAT_2, UNIT_A, "MRN0000002", "Margaret", "401", "B");
  add_patient (f->db, PAT_3, UNIT_B, "MRN0000003", "Daniel", "501", NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->db);
  g_clear_object (&f->vault);
  el_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

/* Units, users, visibility, shifts -------------------------------------------------------------- */

static void
test_units (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) units = el_repo_units_list (f->db, &error);
  g_autoptr (ElUnit) by_id = NULL;
  g_autoptr (ElUnit) by_code = NULL;
  g_autoptr (ElUnit) missing = NULL;
  g_autoptr (ElUnit) dup = el_unit_new ();
  gint64 events;

  g_assert_no_error (error);
  g_assert_cmpuint (units->len, ==, 2);
  /* By name: "4 West ..." before "5 East ...". */
  g_assert_cmpstr (el_unit_get_code (g_ptr_array_index (units, 0)), ==, "4W");
  g_assert_cmpstr (el_unit_get_code (g_ptr_array_index (units, 1)), ==, "5E");
  g_assert_cmpint (el_repo_units_count (f->db, &error), ==, 2);

  by_id = el_repo_unit_get (f->db, UNIT_B, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (el_unit_get_name (by_id), ==, "5 East Cardiac");
  g_assert_cmpint (el_unit_get_bed_count (by_id), ==, 24);
  g_assert_cmpstr (el_unit_get_floor (by_id), ==, "4");
  by_code = el_repo_unit_get_by_code (f->db, "4w", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (el_unit_get_id (by_code), ==, UNIT_A);
  missing = el_repo_unit_get (f->db, "6f1c0f7e-2c7a-4d5e-9a51-0d3c2b1a0999", &error);
  g_assert_null (missing);
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  events = audit_count (f->db);
  el_unit_set_id (dup, "6f1c0f7e-2c7a-4d5e-9a51-0d3c2b1a0003");
  el_unit_set_code (dup, "4W");
  el_unit_set_name (dup, "Other");
  g_assert_false (el_repo_unit_insert (f->db, dup, NULL, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_CONFLICT);
  g_clear_error (&error);
  el_unit_set_id (dup, UNIT_A);
  el_unit_set_code (dup, "7E");
  g_assert_false (el_repo_unit_insert (f->db, dup, NULL, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_DUPLICATE);
  g_clear_error (&error);
  /* A failed write leaves no audit event and no row. */
  g_assert_cmpint (audit_count (f->db), ==, events);
  g_assert_cmpint (el_repo_units_count (f->db, &error), ==, 2);
}

static void
test_users (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *hash2 = NULL;
  gboolean disabled = TRUE;
  g_autoptr (ElUser) by_email = NULL;
  g_autoptr (ElUser) by_id = NULL;
  g_autoptr (ElUser) missing = NULL;
  g_autoptr (ElUser) dup = el_user_new ();
  g_autoptr (GPtrArray) staff = NULL;

  by_email = el_repo_user_get_by_email (f->db, "Nurse.A@Example.org", &hash, &disabled, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (el_user_get_id (by_email), ==, NURSE_A);
  g_assert_cmpint (el_user_get_role (by_email), ==, EL_ROLE_NURSE);
  g_assert_cmpstr (el_user_get_unit_id (by_email), ==, UNIT_A);
  g_assert_nonnull (el_user_get_created_at (by_email));
  g_assert_cmpstr (hash, ==, HASH);
  g_assert_false (disabled);

  g_assert_true (el_repo_user_set_disabled (f->db, NURSE_A, TRUE, ADMIN, &error));
  g_assert_no_error (error);
  g_assert_true (el_repo_user_set_password_hash (f->db, NURSE_A, "$argon2id$new", NURSE_A, &error));
  g_assert_no_error (error);
  by_id = el_repo_user_get (f->db, NURSE_A, &hash2, &disabled, &error);
  g_assert_no_error (error);
  g_assert_true (disabled);
  g_assert_cmpstr (hash2, ==, "$argon2id$new");
  g_assert_true (el_repo_user_set_disabled (f->db, NURSE_A, FALSE, ADMIN, &error));
  g_clear_object (&by_id);
  by_id = el_repo_user_get (f->db, NURSE_A, NULL, &disabled, &error);
  g_assert_no_error (error);
  g_assert_false (disabled);

  missing = el_repo_user_get_by_email (f->db, "nobody@example.org", NULL, NULL, &error);
  g_assert_null (missing);
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (
      el_repo_user_set_disabled (f->db, "0b7a4c1e-8f2d-4e3a-b5c6-d7e8f9a0b999", TRUE, ADMIN, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  staff = el_repo_users_list_by_unit (f->db, UNIT_A, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (staff->len, ==, 3);
  g_assert_cmpstr (el_user_get_name (g_ptr_array_index (staff, 0)), ==, "Avery Nurse");
  g_assert_cmpstr (el_user_get_name (g_ptr_array_index (staff, 2)), ==, "Casey Nurse");

  el_user_set_id (dup, "0b7a4c1e-8f2d-4e3a-b5c6-d7e8f9a0b010");
  el_user_set_email (dup, "NURSE.A@example.org");
  el_user_set_name (dup, "Copy");
  el_user_set_role (dup, EL_ROLE_NURSE);
  el_user_set_unit_id (dup, UNIT_A);
  g_assert_false (el_repo_user_insert (f->db, dup, HASH, NULL, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_CONFLICT);
  g_clear_error (&error);
  el_user_set_email (dup, "new@example.org");
  el_user_set_unit_id (dup, NULL);
  g_assert_false (el_repo_user_insert (f->db, dup, HASH, NULL, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_INVALID);
  g_clear_error (&error);
  el_user_set_unit_id (dup, "6f1c0f7e-2c7a-4d5e-9a51-0d3c2b1a0999");
  g_assert_false (el_repo_user_insert (f->db, dup, HASH, NULL, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_INVALID);
  g_clear_error (&error);
  el_user_set_unit_id (dup, UNIT_B);
  el_user_set_id (dup, NURSE_B);
  g_assert_false (el_repo_user_insert (f->db, dup, HASH, NULL, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_DUPLICATE);
}

static void
test_visibility (void)
{
  g_assert_true (el_repo_user_can_see_unit (EL_ROLE_NURSE, UNIT_A, UNIT_A));
  g_assert_false (el_repo_user_can_see_unit (EL_ROLE_NURSE, UNIT_A, UNIT_B));
  g_assert_true (el_repo_user_can_see_unit (EL_ROLE_CHARGE_NURSE, UNIT_A, UNIT_A));
  g_assert_false (el_repo_user_can_see_unit (EL_ROLE_CHARGE_NURSE, UNIT_A, UNIT_B));
  g_assert_false (el_repo_user_can_see_unit (EL_ROLE_NURSE, NULL, UNIT_A));
  g_assert_false (el_repo_user_can_see_unit (EL_ROLE_NURSE, UNIT_A, NULL));
  g_assert_true (el_repo_user_can_see_unit (EL_ROLE_ADMIN, NULL, UNIT_B));
  g_assert_false (el_repo_user_can_see_unit ((ElRole) 42, UNIT_A, UNIT_A));
  g_assert_null (el_repo_user_scope_unit (EL_ROLE_ADMIN, UNIT_A));
  g_assert_cmpstr (el_repo_user_scope_unit (EL_ROLE_NURSE, UNIT_A), ==, UNIT_A);
  g_assert_cmpstr (el_repo_user_scope_unit (EL_ROLE_CHARGE_NURSE, NULL), ==, "");
}

static void
check_shift (int day, int hour, int want_day, ElShift want_shift)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_utc ();
  g_autoptr (GDateTime) at = g_date_time_new (tz, 2026, 11, day, hour, 30, 0);
  GDate date;
  ElShift shift;

  el_repo_shift_at (at, &date, &shift);
  g_assert_cmpint (g_date_get_day (&date), ==, want_day);
  g_assert_cmpint (shift, ==, want_shift);
}

static void
test_shifts (void)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_utc ();
  g_autoptr (GDateTime) start = NULL;
  GDate date;

  check_shift (25, 6, 24, EL_SHIFT_NIGHT);
  check_shift (25, 7, 25, EL_SHIFT_DAY);
  check_shift (25, 18, 25, EL_SHIFT_DAY);
  check_shift (25, 19, 25, EL_SHIFT_NIGHT);
  check_shift (26, 0, 25, EL_SHIFT_NIGHT);
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 25, G_DATE_NOVEMBER, 2026);
  start = el_repo_shift_start (&date, EL_SHIFT_NIGHT, tz);
  g_assert_cmpint (g_date_time_get_hour (start), ==, 19);
  g_assert_cmpint (g_date_time_get_day_of_month (start), ==, 25);
}

/* Patients -------------------------------------------------------------------------------------- */

static void
test_patients (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) census = NULL;
  g_autoptr (GPtrArray) after = NULL;
  g_autoptr (ElPatient) by_mrn = NULL;
  g_autoptr (ElPatient) got = NULL;
  g_autoptr (ElPatient) other =
      make_patient ("5d2e6f70-1a2b-4c3d-8e4f-5a6b7c8d0009", UNIT_A, " zq99887766 ", "Other", "403", NULL);
  g_autoptr (ElPatient) moved = make_patient (PAT_2, UNIT_A, "MRN0000002", "Margaret", "410", "A");
  g_autoptr (ElPatient) nowhere =
      make_patient ("5d2e6f70-1a2b-4c3d-8e4f-5a6b7c8d0008", "6f1c0f7e-2c7a-4d5e-9a51-0d3c2b1a0999",
                    "MRN0000008", "Nowhere", "403", NULL);
  g_autoptr (ElHandoff) today = NULL;
  g_autoptr (ElHandoff) yesterday = NULL;
  gboolean created = TRUE, discharged = TRUE;
  gint64 events;

  /* This shift's handoff (day of the 25th) shows in the census; yesterday's does not. */
  yesterday = create_handoff (f->db, HO_2, PAT_2, 24, EL_SHIFT_NIGHT);
  today = create_handoff (f->db, HO_1, PAT_1, 25, EL_SHIFT_DAY);

  census = el_repo_patients_list (f->db, UNIT_A, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (census->len, ==, 2);
  /* By room: 401 before 402. */
  g_assert_cmpstr (el_patient_get_id (g_ptr_array_index (census, 0)), ==, PAT_2);
  g_assert_cmpstr (el_patient_get_id (g_ptr_array_index (census, 1)), ==, PAT_1);
  g_assert_false (el_patient_has_handoff_status (g_ptr_array_index (census, 0)));
  g_assert_true (el_patient_has_handoff_status (g_ptr_array_index (census, 1)));
  g_assert_cmpint (el_patient_get_handoff_status (g_ptr_array_index (census, 1)), ==,
                   EL_HANDOFF_STATUS_DRAFT);
  g_assert_cmpstr (el_patient_get_given_name (g_ptr_array_index (census, 1)), ==, GIVEN_NAME);
  g_assert_cmpstr (el_patient_get_bed (g_ptr_array_index (census, 1)), ==, "A");

  /* At 20:00 it is the night shift of the 25th: no handoff yet. */
  {
    g_autoptr (GDateTime) night = g_date_time_new_local (2026, 11, 25, 20, 0, 0);
    g_autoptr (GPtrArray) later = el_repo_patients_list (f->db, UNIT_A, night, &error);

    g_assert_no_error (error);
    g_assert_false (el_patient_has_handoff_status (g_ptr_array_index (later, 1)));
  }

  by_mrn = el_repo_patient_get_by_mrn (f->db, " zq99887766", NULL, &discharged, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (el_patient_get_id (by_mrn), ==, PAT_1);
  g_assert_false (discharged);
  g_assert_true (el_patient_has_handoff_status (by_mrn));
  g_assert_null (el_repo_patient_get_by_mrn (f->db, "MRN-NONE", NULL, NULL, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (el_repo_patient_get_by_mrn (f->db, "  ", NULL, NULL, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Another patient with the same MRN (whatever its case and spaces). */
  events = audit_count (f->db);
  g_assert_false (el_repo_patient_upsert (f->db, other, NURSE_A, &created, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_false (el_repo_patient_upsert (f->db, nowhere, NURSE_A, &created, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (audit_count (f->db), ==, events);

  /* An update: moved to room 410. */
  g_assert_true (el_repo_patient_upsert (f->db, moved, CHARGE, &created, &error));
  g_assert_no_error (error);
  g_assert_false (created);
  g_assert_nonnull (el_patient_get_updated_at (moved));
  g_assert_cmpint (audit_count (f->db), ==, events + 1);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM patients WHERE room = '410'"), ==, 1);

  /* Discharge: off the census, still readable, a tombstone in the change feed. */
  g_assert_true (el_repo_patient_discharge (f->db, PAT_1, CHARGE, &error));
  g_assert_no_error (error);
  g_assert_true (el_repo_patient_discharge (f->db, PAT_1, CHARGE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (audit_count (f->db), ==, events + 2);
  after = el_repo_patients_list (f->db, UNIT_A, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, 1);
  g_assert_cmpstr (el_patient_get_id (g_ptr_array_index (after, 0)), ==, PAT_2);
  got = el_repo_patient_get (f->db, PAT_1, NULL, &discharged, &error);
  g_assert_no_error (error);
  g_assert_true (discharged);
  g_assert_cmpint (
      query_int (f->db, "SELECT count(*) FROM changes WHERE entity_type = 'patient' AND op = 'delete'"), ==,
      1);
  g_assert_false (el_repo_patient_discharge (f->db, "5d2e6f70-1a2b-4c3d-8e4f-5a6b7c8d0999", CHARGE, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Readmission. */
  {
    g_autoptr (ElPatient) again = make_patient (PAT_1, UNIT_A, MRN, GIVEN_NAME, "402", "A");
    g_autoptr (GPtrArray) back = NULL;

    g_assert_true (el_repo_patient_upsert (f->db, again, CHARGE, &created, &error));
    g_assert_no_error (error);
    g_assert_false (created);
    back = el_repo_patients_list (f->db, UNIT_A, NULL, &error);
    g_assert_cmpuint (back->len, ==, 2);
  }
}

/* Handoffs -------------------------------------------------------------------------------------- */

static void
test_handoff_create (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElHandoff) created = create_handoff (f->db, HO_1, PAT_1, 25, EL_SHIFT_DAY);
  g_autoptr (ElHandoff) got = el_repo_handoff_get (f->db, HO_1, &error);
  g_autoptr (ElHandoff) again = NULL;
  g_autoptr (ElHandoff) request = handoff_request (HO_1, PAT_1, 2026, 11, 25, EL_SHIFT_DAY);
  gboolean existed = FALSE;
  gint64 events;

  g_assert_no_error (error);
  g_assert_cmpint (el_handoff_get_status (created), ==, EL_HANDOFF_STATUS_DRAFT);
  g_assert_cmpint (el_handoff_get_latest_version (created), ==, 0);
  g_assert_cmpstr (el_handoff_get_unit_id (created), ==, UNIT_A);
  g_assert_cmpstr (el_handoff_get_created_by (created), ==, NURSE_A);
  g_assert_cmpuint (strlen (el_handoff_get_etag (created)), ==, 32);
  g_assert_cmpstr (el_handoff_get_etag (got), ==, el_handoff_get_etag (created));
  g_assert_cmpstr (el_handoff_get_receiving_nurse_id (got), ==, CHARGE);
  g_assert_true (g_date_time_equal (el_handoff_get_created_at (got), el_handoff_get_created_at (created)));

  /* The same request again (an expired idempotency record): returned, nothing written. */
  events = audit_count (f->db);
  el_handoff_set_outgoing_nurse_id (request, NURSE_A);
  el_handoff_set_receiving_nurse_id (request, CHARGE);
  el_handoff_set_unit_id (request, UNIT_A);
  again = el_repo_handoff_create (f->db, request, NURSE_A, &existed, &error);
  g_assert_no_error (error);
  g_assert_true (existed);
  g_assert_cmpstr (el_handoff_get_etag (again), ==, el_handoff_get_etag (created));
  g_assert_cmpint (audit_count (f->db), ==, events);

  /* Same id, other content. */
  el_handoff_set_shift (request, EL_SHIFT_NIGHT);
  g_assert_null (el_repo_handoff_create (f->db, request, NURSE_A, &existed, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_DUPLICATE);
  g_assert_false (existed);
  g_clear_error (&error);
  el_handoff_set_shift (request, EL_SHIFT_DAY);
  el_handoff_set_receiving_nurse_id (request, NULL);
  g_assert_null (el_repo_handoff_create (f->db, request, NURSE_A, NULL, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_DUPLICATE);
  g_clear_error (&error);

  /* New ids with bad references. */
  {
    g_autoptr (ElHandoff) no_patient =
        handoff_request (HO_2, "5d2e6f70-1a2b-4c3d-8e4f-5a6b7c8d0999", 2026, 11, 25, EL_SHIFT_DAY);
    g_autoptr (ElHandoff) wrong_unit = handoff_request (HO_2, PAT_1, 2026, 11, 25, EL_SHIFT_DAY);
    g_autoptr (ElHandoff) bad_nurse = handoff_request (HO_2, PAT_1, 2026, 11, 25, EL_SHIFT_DAY);
    g_autoptr (ElHandoff) no_creator = handoff_request (HO_2, PAT_1, 2026, 11, 25, EL_SHIFT_DAY);
    g_autoptr (ElHandoff) no_id = handoff_request (HO_2, PAT_1, 2026, 11, 25, EL_SHIFT_DAY);

    g_assert_null (el_repo_handoff_create (f->db, no_patient, NURSE_A, NULL, &error));
    g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND);
    g_clear_error (&error);
    el_handoff_set_unit_id (wrong_unit, UNIT_B);
    g_assert_null (el_repo_handoff_create (f->db, wrong_unit, NURSE_A, NULL, &error));
    g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_INVALID);
    g_clear_error (&error);
    el_handoff_set_outgoing_nurse_id (bad_nurse, "0b7a4c1e-8f2d-4e3a-b5c6-d7e8f9a0b999");
    g_assert_null (el_repo_handoff_create (f->db, bad_nurse, NURSE_A, NULL, &error));
    g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "outgoing_nurse_id"));
    g_clear_error (&error);
    g_assert_null (el_repo_handoff_create (f->db, no_creator, NULL, NULL, &error));
    g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_INVALID);
    g_clear_error (&error);
    el_handoff_set_id (no_id, NULL);
    g_assert_null (el_repo_handoff_create (f->db, no_id, NURSE_A, NULL, &error));
    g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_INVALID);
    g_clear_error (&error);

    /* A discharged patient gets no new handoff. */
    g_assert_true (el_repo_patient_discharge (f->db, PAT_2, CHARGE, &error));
    el_handoff_set_patient_id (no_creator, PAT_2);
    g_assert_null (el_repo_handoff_create (f->db, no_creator, NURSE_A, NULL, &error));
    g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
  g_assert_cmpint (audit_count (f->db), ==, events + 1); /* the discharge */

  g_assert_null (el_repo_handoff_get (f->db, HO_2, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND);
}

/* 250 handoffs over 25 shift dates, several created in the same millisecond (ties on created_at). */
static GPtrArray *
create_many (ElDb *db, guint n)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("7a000000-0000-4000-8000-%012u", i);
      g_autoptr (ElHandoff) handoff = NULL;

      set_clock (db, 2026, 11, 25, 8, (int) (i / 4) % 60);
      handoff = create_handoff (db, id, i % 3 == 0 ? PAT_2 : PAT_1, 1 + (int) (i % 25),
                                i % 2 ? EL_SHIFT_DAY : EL_SHIFT_NIGHT);
      g_ptr_array_add (ids, g_steal_pointer (&id));
    }
  return ids;
}

/* Pages through the list; returns the ids in order. */
static GPtrArray *
read_all (ElDb *db, const ElRepoHandoffFilter *filter, guint limit, void (*between) (ElDb *db, guint page))
{
  GPtrArray *seen = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *cursor = NULL;
  guint pages = 0;

  for (;;)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) page = NULL;
      g_autofree char *next = NULL;
      gboolean more = FALSE;

      page = el_repo_handoffs_list (db, filter, cursor, limit, &next, &more, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (page->len, <=, limit);
      g_assert_true (more == (next != NULL));
      if (more)
        g_assert_cmpuint (page->len, ==, limit);
      for (guint i = 0; i < page->len; i++)
        g_ptr_array_add (seen, g_strdup (el_handoff_get_id (g_ptr_array_index (page, i))));
      pages++;
      g_assert_cmpuint (pages, <, 1000);
      if (!more)
        break;
      g_assert_cmpuint (strlen (next), <=, 512);
      g_free (cursor);
      cursor = g_steal_pointer (&next);
      if (between != NULL)
        between (db, pages);
    }
  return seen;
}

static guint inserted;

static void
insert_between (ElDb *db, guint page)
{
  /* A newer handoff (before the cursor) and an older one (after it). */
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *id =
          g_strdup_printf ("%s-0000-4000-8000-%012u", i == 0 ? "7c000000" : "7b000000", inserted++);
      add_handoff (db, id, PAT_1, i == 0 ? 28 : 1, EL_SHIFT_DAY);
    }
}

static gboolean
contains_once (GPtrArray *ids, const char *id)
{
  guint n = 0;

  for (guint i = 0; i < ids->len; i++)
    if (strcmp (g_ptr_array_index (ids, i), id) == 0)
      n++;
  return n == 1;
}

static void
test_handoff_pages (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ids = create_many (f->db, 250);
  const guint limits[] = { 1, 7, 50, 200 };
  g_autoptr (GPtrArray) reference = NULL;
  g_autoptr (GHashTable) unique = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint l = 0; l < G_N_ELEMENTS (limits); l++)
    {
      g_autoptr (GPtrArray) seen = read_all (f->db, NULL, limits[l], NULL);

      g_assert_cmpuint (seen->len, ==, 250);
      if (reference == NULL)
        reference = g_ptr_array_ref (seen);
      for (guint i = 0; i < seen->len; i++)
        g_assert_cmpstr (g_ptr_array_index (seen, i), ==, g_ptr_array_index (reference, i));
    }
  for (guint i = 0; i < reference->len; i++)
    g_hash_table_add (unique, g_ptr_array_index (reference, i));
  g_assert_cmpuint (g_hash_table_size (unique), ==, 250);

  /* Newest shift_date first, then newest created_at, then id. */
  {
    g_autoptr (GPtrArray) page = NULL;
    g_autofree char *next = NULL;
    gboolean more = FALSE;

    page = el_repo_handoffs_list (f->db, NULL, NULL, 200, &next, &more, &error);
    g_assert_no_error (error);
    for (guint i = 1; i < page->len; i++)
      {
        ElHandoff *a = g_ptr_array_index (page, i - 1), *b = g_ptr_array_index (page, i);
        int by_date = g_date_compare (el_handoff_get_shift_date (a), el_handoff_get_shift_date (b));
        int by_time = g_date_time_compare (el_handoff_get_created_at (a), el_handoff_get_created_at (b));

        g_assert_cmpint (by_date, >=, 0);
        if (by_date == 0)
          {
            g_assert_cmpint (by_time, >=, 0);
            if (by_time == 0)
              g_assert_cmpint (strcmp (el_handoff_get_id (a), el_handoff_get_id (b)), >, 0);
          }
      }
  }

  /* Stable under inserts: every handoff that existed is seen once, nothing twice. */
  {
    g_autoptr (GPtrArray) seen = read_all (f->db, NULL, 50, insert_between);
    g_autoptr (GHashTable) once = g_hash_table_new (g_str_hash, g_str_equal);
    guint newer = 0, older = 0;

    for (guint i = 0; i < ids->len; i++)
      g_assert_true (contains_once (seen, g_ptr_array_index (ids, i)));
    for (guint i = 0; i < seen->len; i++)
      g_assert_true (g_hash_table_add (once, g_ptr_array_index (seen, i)));
    for (guint i = 0; i < seen->len; i++)
      {
        newer += g_str_has_prefix (g_ptr_array_index (seen, i), "7c");
        older += g_str_has_prefix (g_ptr_array_index (seen, i), "7b");
      }
    /* Newer handoffs sort before the cursor: never on a later page. Older ones come after it. */
    g_assert_cmpuint (inserted, >=, 8);
    g_assert_cmpuint (newer, ==, 0);
    g_assert_cmpuint (older, >, 0);
    g_assert_cmpuint (seen->len, ==, 250 + older);
  }

  /* Filters. */
  {
    ElRepoHandoffFilter by_patient = { .patient_id = PAT_2 };
    ElRepoHandoffFilter by_unit = { .unit_id = UNIT_A };
    ElRepoHandoffFilter scoped_b = { .scope_unit_id = UNIT_B };
    ElRepoHandoffFilter by_date = { 0 };
    ElRepoHandoffFilter by_status = { .has_status = TRUE, .status = EL_HANDOFF_STATUS_READY };
    g_autoptr (GPtrArray) p2 = read_all (f->db, &by_patient, 30, NULL);
    g_autoptr (GPtrArray) u1 = read_all (f->db, &by_unit, 200, NULL);
    g_autoptr (GPtrArray) b = read_all (f->db, &scoped_b, 10, NULL);
    g_autoptr (GPtrArray) dated = NULL;
    g_autoptr (GPtrArray) ready = NULL;
    GDate date;

    add_version (f->db, g_ptr_array_index (ids, 0), 0, "Wean oxygen.", 88, NURSE_A);
    g_assert_cmpuint (p2->len, ==, 84); /* i % 3 == 0 for i < 250 */
    g_assert_cmpuint (u1->len, ==, 250 + inserted);
    g_assert_cmpuint (b->len, ==, 0);
    g_date_clear (&date, 1);
    g_date_set_dmy (&date, 3, G_DATE_NOVEMBER, 2026);
    by_date.shift_date = &date;
    dated = read_all (f->db, &by_date, 200, NULL);
    g_assert_cmpuint (dated->len, ==, 10);
    ready = read_all (f->db, &by_status, 200, NULL);
    g_assert_cmpuint (ready->len, ==, 1);
    g_assert_cmpstr (g_ptr_array_index (ready, 0), ==, g_ptr_array_index (ids, 0));
  }

  /* Bad limits and cursors. */
  {
    g_autofree char *next = NULL;
    gboolean more = TRUE;
    const char raw[] = "2026-11-25\x1f"
                       "2026-11-25T08:00:00.000Z\x1f"
                       "not-a-uuid";
    g_autofree char *forged = g_base64_encode ((const guchar *) raw, strlen (raw));
    const char *bad[] = { "", "!!!", "bm90IGEgY3Vyc29y", "YWJj", NULL };

    g_strdelimit (forged, "=", '\0');
    g_strdelimit (forged, "+", '-');
    g_strdelimit (forged, "/", '_');
    bad[4] = forged;

    g_assert_null (el_repo_handoffs_list (f->db, NULL, NULL, 0, &next, &more, &error));
    g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_null (el_repo_handoffs_list (f->db, NULL, NULL, 201, &next, &more, &error));
    g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_INVALID);
    g_clear_error (&error);
    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_assert_null (el_repo_handoffs_list (f->db, NULL, bad[i], 10, &next, &more, &error));
        g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_INVALID);
        g_assert_false (more);
        g_assert_null (next);
        g_clear_error (&error);
      }
  }
}

static void
test_handoff_update (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElHandoff) created = create_handoff (f->db, HO_1, PAT_1, 25, EL_SHIFT_DAY);
  g_autoptr (ElHandoff) updated = NULL;
  g_autoptr (ElHandoff) cancelled = NULL;
  ElRepoHandoffPatch patch = { 0 };
  /* cppcheck-suppress legacyUninitvar ; .cancel is a member, not the variable */
  ElRepoHandoffPatch cancel = { .cancel = TRUE };
  GDate date;
  gint64 events = audit_count (f->db);
  g_autofree char *action = NULL;

  /* Stale If-Match. */
  patch.set_receiving_nurse_id = TRUE;
  patch.receiving_nurse_id = NURSE_C;
  g_assert_null (el_repo_handoff_update (f->db, HO_1, "stale", &patch, CHARGE, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_STALE);
  g_clear_error (&error);

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 26, G_DATE_NOVEMBER, 2026);
  patch.shift_date = &date;
  patch.set_shift = TRUE;
  patch.shift = EL_SHIFT_NIGHT;
  patch.set_outgoing_nurse_id = TRUE;
  patch.outgoing_nurse_id = NULL;
  updated = el_repo_handoff_update (f->db, HO_1, el_handoff_get_etag (created), &patch, CHARGE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (el_handoff_get_receiving_nurse_id (updated), ==, NURSE_C);
  g_assert_null (el_handoff_get_outgoing_nurse_id (updated));
  g_assert_cmpint (el_handoff_get_shift (updated), ==, EL_SHIFT_NIGHT);
  g_assert_cmpint (g_date_get_day (el_handoff_get_shift_date (updated)), ==, 26);
  g_assert_cmpstr (el_handoff_get_etag (updated), !=, el_handoff_get_etag (created));
  g_assert_cmpint (audit_count (f->db), ==, events + 1);
  action = last_audit_action (f->db);
  g_assert_cmpstr (action, ==, "handoff.update");

  patch = (ElRepoHandoffPatch){ .set_receiving_nurse_id = TRUE,
                                .receiving_nurse_id = "0b7a4c1e-8f2d-4e3a-b5c6-d7e8f9a0b999" };
  g_assert_null (el_repo_handoff_update (f->db, HO_1, NULL, &patch, CHARGE, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (el_repo_handoff_update (f->db, HO_2, NULL, &patch, CHARGE, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Job runner: draft -> processing -> failed -> processing -> ready. */
  {
    g_autoptr (ElHandoff) processing =
        el_repo_handoff_set_status (f->db, HO_1, EL_HANDOFF_STATUS_PROCESSING, NULL, NULL, &error);
    g_autoptr (ElHandoff) failed = NULL;
    g_autoptr (ElHandoff) retried = NULL;

    g_assert_no_error (error);
    g_assert_cmpint (el_handoff_get_status (processing), ==, EL_HANDOFF_STATUS_PROCESSING);
    failed = el_repo_handoff_set_status (f->db, HO_1, EL_HANDOFF_STATUS_FAILED, "speech engine unavailable",
                                         NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (el_handoff_get_failure_reason (failed), ==, "speech engine unavailable");
    g_assert_null (el_repo_handoff_set_status (f->db, HO_1, EL_HANDOFF_STATUS_READY, NULL, NULL, &error));
    g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_INVALID_TRANSITION);
    g_clear_error (&error);
    g_assert_null (el_repo_handoff_set_status (f->db, HO_1, EL_HANDOFF_STATUS_SIGNED, NULL, NULL, &error));
    g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_INVALID_TRANSITION);
    g_clear_error (&error);
    retried = el_repo_handoff_set_status (f->db, HO_1, EL_HANDOFF_STATUS_PROCESSING, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_null (el_handoff_get_failure_reason (retried));
  }

  /* Cancel: final, and locked from then on. */
  cancelled = el_repo_handoff_update (f->db, HO_1, NULL, &cancel, CHARGE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (el_handoff_get_status (cancelled), ==, EL_HANDOFF_STATUS_CANCELLED);
  g_assert_null (
      el_repo_handoff_update (f->db, HO_1, el_handoff_get_etag (cancelled), &cancel, CHARGE, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_LOCKED);
  g_clear_error (&error);
  g_assert_null (el_repo_handoff_set_status (f->db, HO_1, EL_HANDOFF_STATUS_PROCESSING, NULL, NULL, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_LOCKED);
  g_clear_error (&error);
  g_free (action);
  action = last_audit_action (f->db);
  g_assert_cmpstr (action, ==, "handoff.cancel");
}

/* SBAR versions, sign, acknowledge ------------------------------------------------------------- */

static JsonObject *
version_object (ElSbarVersion *version, JsonNode **holder)
{
  *holder = el_sbar_version_to_json (version);
  return json_node_get_object (*holder);
}

static void
test_sbar_versions (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElHandoff) created = create_handoff (f->db, HO_1, PAT_1, 25, EL_SHIFT_DAY);
  g_autoptr (ElSbarVersion) v1 = NULL;
  g_autoptr (ElSbarVersion) v2 = NULL;
  g_autoptr (ElSbarVersion) latest = NULL;
  g_autoptr (ElSbarVersion) stale = NULL;
  g_autoptr (ElSbarVersion) got = NULL;
  g_autoptr (ElSbarVersion) content = NULL;
  g_autoptr (ElHandoff) after = NULL;
  g_autoptr (GPtrArray) history = NULL;
  g_autoptr (JsonNode) holder = NULL;
  JsonObject *obj, *changes, *completeness;
  gint64 events;

  /* No version yet. */
  g_assert_null (el_repo_sbar_get_latest (f->db, HO_1, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  history = el_repo_sbar_list (f->db, HO_1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 0);
  g_clear_pointer (&history, g_ptr_array_unref);

  /* Version 1: draft -> ready, completeness computed, no changes. */
  set_clock (f->db, 2026, 11, 25, 10, 5);
  v1 = append (f->db, HO_1, 0, "Wean oxygen to keep sats above 90.", 88, NURSE_A);
  g_assert_cmpint (el_sbar_version_get_version (v1), ==, 1);
  g_assert_null (el_sbar_version_get_previous_version_id (v1));
  g_assert_cmpstr (el_sbar_version_get_author_name (v1), ==, "Avery Nurse");
  g_assert_null (el_sbar_version_get_changes_json (v1));
  g_assert_nonnull (el_sbar_version_get_completeness_json (v1));
  g_assert_cmpint (status_of (f->db, HO_1), ==, EL_HANDOFF_STATUS_READY);

  /* A stale base: the latest comes with the error; nothing is written. */
  events = audit_count (f->db);
  content = make_content (SITUATION, "Something else.", 90);
  g_assert_null (el_repo_sbar_append (f->db, HO_1, 0, content, CHARGE, &stale, NULL, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_CONFLICT_VERSION);
  g_clear_error (&error);
  g_assert_nonnull (stale);
  g_assert_cmpint (el_sbar_version_get_version (stale), ==, 1);
  g_assert_cmpstr (el_sbar_version_get_id (stale), ==, el_sbar_version_get_id (v1));
  g_assert_cmpstr (el_sbar_version_get_recommendation (stale), ==, "Wean oxygen to keep sats above 90.");
  g_clear_object (&stale);
  g_assert_null (el_repo_sbar_append (f->db, HO_1, 5, content, CHARGE, &stale, NULL, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_CONFLICT_VERSION);
  g_clear_error (&error);
  g_assert_nonnull (stale);
  g_assert_null (el_repo_sbar_append (f->db, HO_1, 1, content, "0b7a4c1e-8f2d-4e3a-b5c6-d7e8f9a0b999", NULL,
                                      NULL, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (el_repo_sbar_append (f->db, HO_2, 0, content, CHARGE, NULL, NULL, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (audit_count (f->db), ==, events);

  /* Version 2 by the charge nurse: diff and completeness stored, sealed, and read back. */
  set_clock (f->db, 2026, 11, 25, 10, 30);
  {
    g_autoptr (ElSbarVersion) edit =
        make_content (SITUATION, "Wean oxygen to keep sats above 92. Recheck at 14:00.", 96);

    v2 = el_repo_sbar_append (f->db, HO_1, 1, edit, CHARGE, NULL, &after, &error);
    g_assert_no_error (error);
  }
  g_assert_cmpint (el_sbar_version_get_version (v2), ==, 2);
  g_assert_cmpstr (el_sbar_version_get_previous_version_id (v2), ==, el_sbar_version_get_id (v1));
  g_assert_cmpint (el_handoff_get_latest_version (after), ==, 2);
  g_assert_cmpstr (el_handoff_get_etag (after), !=, el_handoff_get_etag (created));
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM sbar_versions WHERE is_latest = 1"), ==, 1);
  g_assert_cmpint (query_int (f->db, "SELECT latest_version FROM handoffs WHERE id = '" HO_1 "'"), ==, 2);

  latest = el_repo_sbar_get_latest (f->db, HO_1, &error);
  g_assert_no_error (error);
  obj = version_object (latest, &holder);
  g_assert_cmpint (json_object_get_int_member (obj, "version"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (obj, "author_name"), ==, "Carmen Charge");
  g_assert_cmpstr (json_object_get_string_member (obj, "situation"), ==, SITUATION);
  changes = json_object_get_object_member (obj, "changes_since_last_version");
  g_assert_nonnull (changes);
  g_assert_cmpint (json_object_get_int_member (changes, "from_version"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (changes, "to_version"), ==, 2);
  g_assert_true (
      json_object_has_member (json_object_get_object_member (changes, "sections"), "recommendation"));
  g_assert_false (json_object_has_member (json_object_get_object_member (changes, "sections"), "situation"));
  g_assert_cmpstr (
      json_object_get_string_member (
          json_array_get_object_element (json_object_get_array_member (changes, "fields"), 0), "path"),
      ==, "vitals.heart_rate.value");
  completeness = json_object_get_object_member (obj, "completeness");
  g_assert_nonnull (completeness);
  g_assert_false (json_object_get_boolean_member (completeness, "complete")); /* no allergies, no isolation */
  g_assert_cmpfloat (json_object_get_double_member (completeness, "score"), >, 0);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM sbar_versions WHERE changes IS NOT NULL"), ==, 1);
  g_assert_cmpint (
      query_int (f->db, "SELECT count(*) FROM sbar_versions WHERE completeness LIKE '%\"score\":%'"), ==, 2);

  got = el_repo_sbar_get (f->db, HO_1, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (el_sbar_version_get_id (got), ==, el_sbar_version_get_id (v1));
  g_assert_null (el_repo_sbar_get (f->db, HO_1, 3, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  history = el_repo_sbar_list (f->db, HO_1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  g_assert_cmpint (el_sbar_version_get_version (g_ptr_array_index (history, 0)), ==, 1);
  g_assert_cmpint (el_sbar_version_get_version (g_ptr_array_index (history, 1)), ==, 2);
  g_assert_null (el_repo_sbar_list (f->db, HO_2, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A client-chosen version id that exists. */
  {
    g_autoptr (ElSbarVersion) copy = make_content (SITUATION, "Again.", 90);

    el_sbar_version_set_id (copy, el_sbar_version_get_id (v1));
    g_assert_null (el_repo_sbar_append (f->db, HO_1, 2, copy, CHARGE, NULL, NULL, &error));
    g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_DUPLICATE);
    g_clear_error (&error);
    g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM sbar_versions"), ==, 2);
    g_assert_cmpint (
        query_int (f->db, "SELECT count(*) FROM sbar_versions WHERE is_latest = 1 AND version = 2"), ==, 1);
  }
}

static void
test_sign_acknowledge (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElHandoff) created = create_handoff (f->db, HO_1, PAT_1, 25, EL_SHIFT_DAY);
  g_autoptr (ElSbarVersion) v1 = NULL;
  g_autoptr (ElSbarVersion) v2 = NULL;
  g_autoptr (ElSbarVersion) latest = NULL;
  g_autoptr (ElHandoff) signed_handoff = NULL;
  g_autoptr (ElHandoff) resigned = NULL;
  g_autoptr (ElHandoff) acknowledged = NULL;
  g_autoptr (ElHandoff) got = NULL;
  g_autoptr (ElSbarVersion) content = make_content (SITUATION, "Too late.", 90);

  g_assert_nonnull (created);
  /* Nothing to sign yet: draft cannot become signed. */
  g_assert_null (el_repo_handoff_sign (f->db, HO_1, 1, NURSE_A, &latest, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_INVALID_TRANSITION);
  g_clear_error (&error);

  v1 = append (f->db, HO_1, 0, "Wean oxygen.", 88, NURSE_A);
  g_assert_null (el_repo_handoff_sign (f->db, HO_1, 2, NURSE_A, &latest, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_CONFLICT_VERSION);
  g_clear_error (&error);
  g_assert_nonnull (latest);
  g_assert_cmpint (el_sbar_version_get_version (latest), ==, 1);
  g_clear_object (&latest);
  /* Only the outgoing nurse signs. */
  g_assert_null (el_repo_handoff_sign (f->db, HO_1, 1, NURSE_C, NULL, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_FORBIDDEN);
  g_clear_error (&error);

  set_clock (f->db, 2026, 11, 25, 18, 50);
  signed_handoff = el_repo_handoff_sign (f->db, HO_1, 1, NURSE_A, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (el_handoff_get_status (signed_handoff), ==, EL_HANDOFF_STATUS_SIGNED);
  g_assert_cmpstr (el_handoff_get_signed_by (signed_handoff), ==, NURSE_A);
  g_assert_nonnull (el_handoff_get_signed_at (signed_handoff));
  g_assert_null (el_repo_handoff_sign (f->db, HO_1, 1, NURSE_A, NULL, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_INVALID_TRANSITION);
  g_clear_error (&error);

  /* A new version after signing voids the signature: signed -> ready. */
  v2 = append (f->db, HO_1, 1, "Wean oxygen to 1 L.", 90, CHARGE);
  got = el_repo_handoff_get (f->db, HO_1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (el_handoff_get_status (got), ==, EL_HANDOFF_STATUS_READY);
  g_assert_null (el_handoff_get_signed_by (got));
  g_assert_null (el_handoff_get_signed_at (got));
  g_assert_cmpint (
      query_int (f->db, "SELECT count(*) FROM handoffs WHERE signed_by IS NULL AND status = 'ready'"), ==, 1);

  resigned = el_repo_handoff_sign (f->db, HO_1, 2, NURSE_A, NULL, &error);
  g_assert_no_error (error);

  /* Acknowledge: the signer cannot; another nurse than the receiving one cannot; a stale version. */
  g_assert_null (el_repo_handoff_acknowledge (f->db, HO_1, 2, NULL, NURSE_A, NULL, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_FORBIDDEN);
  g_clear_error (&error);
  g_assert_null (el_repo_handoff_acknowledge (f->db, HO_1, 2, NULL, NURSE_C, NULL, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_FORBIDDEN);
  g_clear_error (&error);
  g_assert_null (el_repo_handoff_acknowledge (f->db, HO_1, 1, NULL, CHARGE, &latest, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_CONFLICT_VERSION);
  g_clear_error (&error);
  g_assert_cmpint (el_sbar_version_get_version (latest), ==, 2);

  set_clock (f->db, 2026, 11, 25, 19, 5);
  acknowledged = el_repo_handoff_acknowledge (f->db, HO_1, 2, NOTE, CHARGE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (el_handoff_get_status (acknowledged), ==, EL_HANDOFF_STATUS_ACKNOWLEDGED);
  g_assert_cmpstr (el_handoff_get_acknowledged_by (acknowledged), ==, CHARGE);
  g_clear_object (&got);
  got = el_repo_handoff_get (f->db, HO_1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (el_handoff_get_readback_note (got), ==, NOTE);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM handoffs WHERE typeof (readback_note) = 'blob'"),
                   ==, 1);

  /* Locked after acknowledge: no version, no signature, no change. */
  g_assert_null (el_repo_sbar_append (f->db, HO_1, 2, content, CHARGE, NULL, NULL, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_LOCKED);
  g_clear_error (&error);
  g_assert_null (el_repo_handoff_sign (f->db, HO_1, 2, NURSE_A, NULL, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_LOCKED);
  g_clear_error (&error);
  g_assert_null (el_repo_handoff_acknowledge (f->db, HO_1, 2, NULL, CHARGE, NULL, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_LOCKED);
  g_clear_error (&error);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM sbar_versions"), ==, 2);
}

/* The list and change-feed JSON written straight from rows is exactly the models' JSON. */
static void
assert_json_paths_agree (ElDb *db, guint limit)
{
  g_autofree char *cursor = NULL;
  guint pages = 0;

  for (;;)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) objects = NULL;
      g_autoptr (GString) expected = g_string_new (NULL);
      g_autoptr (GString) text = g_string_new (NULL);
      g_autofree char *next_objects = NULL;
      g_autofree char *next_text = NULL;
      gboolean more_objects = FALSE, more_text = FALSE;

      objects = el_repo_handoffs_list (db, NULL, cursor, limit, &next_objects, &more_objects, &error);
      g_assert_no_error (error);
      g_assert_true (
          el_repo_handoffs_list_json (db, NULL, cursor, limit, text, &next_text, &more_text, &error));
      g_assert_no_error (error);
      for (guint i = 0; i < objects->len; i++)
        {
          ElHandoff *handoff = g_ptr_array_index (objects, i);
          g_autofree char *one = el_handoff_to_data (handoff, NULL);
          g_autoptr (GString) single = g_string_new (NULL);

          if (i > 0)
            g_string_append_c (expected, ',');
          g_string_append (expected, one);
          g_assert_true (el_repo_handoff_write_json (db, el_handoff_get_id (handoff), single, &error));
          g_assert_no_error (error);
          g_assert_cmpstr (single->str, ==, one);
        }
      g_assert_cmpstr (text->str, ==, expected->str);
      g_assert_cmpint (more_text, ==, more_objects);
      g_assert_cmpstr (next_text, ==, next_objects);
      pages++;
      if (!more_objects)
        break;
      g_free (cursor);
      cursor = g_steal_pointer (&next_objects);
    }
  g_assert_cmpuint (pages, >=, limit < 30 ? 2 : 1);
}

static void
test_handoff_json (Fixture *f, gconstpointer data)
{
  const char *note = "Read back: \"2 mg\" \\ morphine\n\tq4h \x01 \xe2\x80\x94 \xc3\xbc \xe2\x9c\x93";
  g_autoptr (GPtrArray) ids = create_many (f->db, 30);
  g_autoptr (ElHandoff) created = create_handoff (f->db, HO_1, PAT_1, 25, EL_SHIFT_DAY);
  g_autoptr (ElSbarVersion) v1 = NULL;
  g_autoptr (ElHandoff) done = NULL;
  g_autoptr (ElHandoff) failed = NULL;
  g_autoptr (GString) missing = g_string_new (NULL);
  g_autoptr (GError) error = NULL;

  /* a signed and acknowledged handoff with a read-back note that needs escaping */
  g_assert_nonnull (created);
  v1 = append (f->db, HO_1, 0, "Wean oxygen.", 88, NURSE_A);
  g_assert_nonnull (v1);
  set_clock (f->db, 2026, 11, 25, 18, 50);
  g_clear_object (&done);
  done = el_repo_handoff_sign (f->db, HO_1, 1, NURSE_A, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&done);
  done = el_repo_handoff_acknowledge (f->db, HO_1, 1, note, CHARGE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (el_handoff_get_readback_note (done), ==, note);
  /* a failed one with its reason */
  g_clear_object (&failed);
  failed = el_repo_handoff_set_status (f->db, g_ptr_array_index (ids, 0), EL_HANDOFF_STATUS_PROCESSING, NULL,
                                       NURSE_A, &error);
  g_assert_no_error (error);
  g_clear_object (&failed);
  failed = el_repo_handoff_set_status (f->db, g_ptr_array_index (ids, 0), EL_HANDOFF_STATUS_FAILED,
                                       "speech \"engine\" failed\n", NURSE_A, &error);
  g_assert_no_error (error);
  g_assert_nonnull (el_handoff_get_failure_reason (failed));

  assert_json_paths_agree (f->db, 7);
  assert_json_paths_agree (f->db, 200);

  g_assert_false (
      el_repo_handoff_write_json (f->db, "9c8b7a60-5f4e-4d3c-9b2a-1f0e9d8cffff", missing, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND);
}

/* Units and users in the change feed, written from their rows, are exactly the models' JSON. */
static void
test_staff_json (Fixture *f, gconstpointer data)
{
  static const char *const unit_ids[] = { UNIT_A, UNIT_B, "8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c01", NULL };
  static const char *const user_ids[] = { ADMIN, NURSE_A, CHARGE, "8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c02",
                                          NULL };
  g_autoptr (ElUnit) bare = el_unit_new ();
  g_autoptr (GString) missing = g_string_new (NULL);
  g_autoptr (GError) error = NULL;

  /* a unit without floor and bed count, a user whose name needs escaping */
  el_unit_set_id (bare, unit_ids[2]);
  el_unit_set_code (bare, "ICU");
  el_unit_set_name (bare, "Intensive \"Care\" \\ Unit \xe2\x80\x94 \xc3\xbc");
  g_assert_true (el_repo_unit_insert (f->db, bare, NULL, &error));
  g_assert_no_error (error);
  add_user (f->db, user_ids[3], "odd@example.org", "O'Neil \"Quote\"\tTab \xc3\xa9", EL_ROLE_NURSE, UNIT_B);

  for (guint i = 0; unit_ids[i] != NULL; i++)
    {
      g_autoptr (ElUnit) unit = el_repo_unit_get (f->db, unit_ids[i], &error);
      g_autoptr (GString) text = g_string_new (NULL);
      g_autofree char *expected = NULL;

      g_assert_no_error (error);
      expected = el_unit_to_data (unit, NULL);
      g_assert_true (el_repo_unit_write_json (f->db, unit_ids[i], text, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (text->str, ==, expected);
    }
  for (guint i = 0; user_ids[i] != NULL; i++)
    {
      g_autoptr (ElUser) user = el_repo_user_get (f->db, user_ids[i], NULL, NULL, &error);
      g_autoptr (GString) text = g_string_new (NULL);
      g_autofree char *expected = NULL;

      g_assert_no_error (error);
      expected = el_user_to_data (user, NULL);
      g_assert_true (el_repo_user_write_json (f->db, user_ids[i], text, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (text->str, ==, expected);
    }

  /* the change feed writes them through the connection's directory: the same text, for an
   * administrator and for a unit */
  for (guint scope = 0; scope < 2; scope++)
    {
      const char *const units_b[] = { UNIT_B, NULL };
      gint64 next = 0;
      gboolean more = FALSE;
      g_autoptr (GBytes) page =
          el_repo_changes_since (f->db, 0, scope == 0 ? NULL : units_b, 200, &next, &more, &error);
      g_autofree char *text = NULL;

      g_assert_no_error (error);
      text = g_strndup (g_bytes_get_data (page, NULL), g_bytes_get_size (page));
      for (guint i = 0; unit_ids[i] != NULL; i++)
        {
          g_autoptr (ElUnit) unit = el_repo_unit_get (f->db, unit_ids[i], &error);
          g_autofree char *expected = el_unit_to_data (unit, NULL);

          g_assert_nonnull (strstr (text, expected));
        }
      for (guint i = 0; user_ids[i] != NULL; i++)
        {
          g_autoptr (ElUser) user = el_repo_user_get (f->db, user_ids[i], NULL, NULL, &error);
          g_autofree char *expected = el_user_to_data (user, NULL);

          /* a unit sees its own staff (and the administrator, who has no unit) */
          if (scope == 0 || g_strcmp0 (el_user_get_unit_id (user), UNIT_B) == 0 ||
              el_user_get_unit_id (user) == NULL)
            g_assert_nonnull (strstr (text, expected));
          else
            g_assert_null (strstr (text, expected));
        }
    }

  g_assert_false (el_repo_unit_write_json (f->db, "9c8b7a60-5f4e-4d3c-9b2a-1f0e9d8cffff", missing, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (el_repo_user_write_json (f->db, "9c8b7a60-5f4e-4d3c-9b2a-1f0e9d8cffff", missing, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND);
}

/* Recordings ------------------------------------------------------------------------------------ */

#define REC_1  "3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f50001"
#define DIGEST "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

static ElRecording *
upload (const char *id, const char *handoff_id)
{
  ElRecording *recording = el_recording_new ();

  el_recording_set_id (recording, id);
  el_recording_set_handoff_id (recording, handoff_id);
  el_recording_set_mime_type (recording, EL_AUDIO_MIME_TYPE_OGG);
  el_recording_set_size_bytes (recording, 48000);
  el_recording_set_duration_ms (recording, 61000);
  el_recording_set_sha256 (recording, DIGEST);
  return recording;
}

static void
test_recordings (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElHandoff) created = create_handoff (f->db, HO_1, PAT_1, 25, EL_SHIFT_DAY);
  g_autoptr (ElRecording) request = upload (REC_1, HO_1);
  g_autoptr (ElRecording) stored = NULL;
  g_autoptr (ElRecording) retry = NULL;
  g_autoptr (ElRecording) got = NULL;
  g_autoptr (ElHandoff) handoff = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autofree char *unit_id = NULL;
  g_autofree char *storage_path = NULL;
  gboolean existed = TRUE;
  gint64 events;

  g_assert_nonnull (created);
  stored = el_repo_recording_create (f->db, request, "ab/" REC_1 ".ogg.sealed", NURSE_A, &existed, &handoff,
                                     &error);
  g_assert_no_error (error);
  g_assert_false (existed);
  g_assert_cmpint (el_recording_get_status (stored), ==, EL_RECORDING_STATUS_QUEUED);
  g_assert_cmpint (el_handoff_get_status (handoff), ==, EL_HANDOFF_STATUS_PROCESSING);
  g_assert_cmpint (status_of (f->db, HO_1), ==, EL_HANDOFF_STATUS_PROCESSING);

  /* An idempotent retry, then the same id with other content. */
  events = audit_count (f->db);
  retry = el_repo_recording_create (f->db, request, "ab/other", NURSE_A, &existed, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (existed);
  g_assert_cmpint (audit_count (f->db), ==, events);
  el_recording_set_size_bytes (request, 1);
  g_assert_null (el_repo_recording_create (f->db, request, NULL, NURSE_A, NULL, NULL, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_DUPLICATE);
  g_clear_error (&error);

  /* processing -> processing is not a transition: a second recording waits. */
  {
    g_autoptr (ElRecording) second = upload ("3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f50002", HO_1);
    g_autoptr (ElRecording) orphan = upload ("3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f50003", HO_2);

    g_assert_null (el_repo_recording_create (f->db, second, NULL, NURSE_A, NULL, NULL, &error));
    g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_INVALID_TRANSITION);
    g_clear_error (&error);
    g_assert_null (el_repo_recording_create (f->db, orphan, NULL, NURSE_A, NULL, NULL, &error));
    g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
  g_assert_cmpint (audit_count (f->db), ==, events);

  /* The job runner's update: transcript and words sealed. */
  el_recording_set_status (stored, EL_RECORDING_STATUS_COMPLETED);
  el_recording_set_engine (stored, "pocketsphinx");
  el_recording_set_transcript (stored, TRANSCRIPT);
  el_recording_add_word (stored, el_recording_word_new ("Quixotic", 0, 420, 0.9));
  el_recording_add_word (stored, el_recording_word_new ("transcript", 420, 900, 0.8));
  g_assert_true (el_repo_recording_update (f->db, stored, NULL, &error));
  g_assert_no_error (error);
  got = el_repo_recording_get (f->db, REC_1, &unit_id, &storage_path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (el_recording_get_transcript (got), ==, TRANSCRIPT);
  g_assert_cmpuint (el_recording_get_words (got)->len, ==, 2);
  g_assert_cmpstr (((ElRecordingWord *) g_ptr_array_index (el_recording_get_words (got), 1))->word, ==,
                   "transcript");
  g_assert_cmpint (el_recording_get_status (got), ==, EL_RECORDING_STATUS_COMPLETED);
  g_assert_cmpstr (el_recording_get_engine (got), ==, "pocketsphinx");
  g_assert_cmpstr (unit_id, ==, UNIT_A);
  g_assert_cmpstr (storage_path, ==, "ab/" REC_1 ".ogg.sealed");
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM recordings WHERE typeof (transcript) = 'blob' AND "
                                     "typeof (words) = 'blob'"),
                   ==, 1);
  list = el_repo_recordings_list (f->db, HO_1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);

  el_recording_set_id (stored, "3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f50009");
  g_assert_false (el_repo_recording_update (f->db, stored, NULL, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (el_repo_recording_get (f->db, "3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f50009", NULL, NULL, &error));
  g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A signed handoff takes no recording; a cancelled one is locked. */
  {
    g_autoptr (ElHandoff) ready =
        el_repo_handoff_set_status (f->db, HO_1, EL_HANDOFF_STATUS_READY, NULL, NULL, &error);
    g_autoptr (ElSbarVersion) v1 = append (f->db, HO_1, 0, "Wean oxygen.", 88, NURSE_A);
    g_autoptr (ElHandoff) signed_handoff = el_repo_handoff_sign (f->db, HO_1, 1, NURSE_A, NULL, &error);
    g_autoptr (ElRecording) late = upload ("3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f50004", HO_1);
    g_autoptr (ElHandoff) other = create_handoff (f->db, HO_2, PAT_2, 25, EL_SHIFT_DAY);
    /* cppcheck-suppress legacyUninitvar ; .cancel is a member, not the variable */
    ElRepoHandoffPatch cancel = { .cancel = TRUE };
    g_autoptr (ElHandoff) cancelled = el_repo_handoff_update (f->db, HO_2, NULL, &cancel, CHARGE, &error);
    g_autoptr (ElRecording) locked = upload ("3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f50005", HO_2);

    g_assert_nonnull (ready);
    g_assert_nonnull (v1);
    g_assert_nonnull (other);
    g_assert_nonnull (cancelled);
    g_assert_no_error (error);
    g_assert_nonnull (signed_handoff);
    g_assert_null (el_repo_recording_create (f->db, late, NULL, NURSE_A, NULL, NULL, &error));
    g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_INVALID_TRANSITION);
    g_clear_error (&error);
    g_assert_null (el_repo_recording_create (f->db, locked, NULL, NURSE_A, NULL, NULL, &error));
    g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_LOCKED);
    g_clear_error (&error);
  }
}

/* The change feed ------------------------------------------------------------------------------- */

typedef struct
{
  GHashTable *upserts;    /* "group/id" -> count */
  GHashTable *tombstones; /* "group/id" -> count */
  gint64 cursor;
  guint pages;
} Feed;

static void
feed_clear (Feed *feed)
{
  g_clear_pointer (&feed->upserts, g_hash_table_unref);
  g_clear_pointer (&feed->tombstones, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Feed, feed_clear)

static const char *const groups[] = {
  "units", "users", "patients", "handoffs", "recordings", "sbar_versions"
};

/* Checks one entity against its schema by decoding it with its model. */
static void
check_entity (const char *group, JsonNode *node)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GObject) model = NULL;

  if (strcmp (group, "units") == 0)
    model = G_OBJECT (el_unit_new_from_json (node, &error));
  else if (strcmp (group, "users") == 0)
    model = G_OBJECT (el_user_new_from_json (node, &error));
  else if (strcmp (group, "patients") == 0)
    model = G_OBJECT (el_patient_new_from_json (node, &error));
  else if (strcmp (group, "handoffs") == 0)
    model = G_OBJECT (el_handoff_new_from_json (node, &error));
  else if (strcmp (group, "recordings") == 0)
    model = G_OBJECT (el_recording_new_from_json (node, &error));
  else
    model = G_OBJECT (el_sbar_version_new_from_json (node, &error));
  g_assert_no_error (error);
  g_assert_nonnull (model);
}

static void
count_group (GHashTable *table, JsonObject *parent, gboolean tombstones, guint *n_items)
{
  GList *members = json_object_get_members (parent);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *group = l->data;
      JsonArray *items = json_object_get_array_member (parent, group);
      gboolean known = FALSE;

      for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
        known |= strcmp (groups[g], group) == 0;
      g_assert_true (known);
      g_assert_nonnull (items);
      g_assert_cmpuint (json_array_get_length (items), >, 0); /* empty groups are left out */
      g_assert_cmpuint (json_array_get_length (items), <=, 200);
      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          JsonNode *item = json_array_get_element (items, i);
          JsonObject *obj = json_node_get_object (item);
          char *key = g_strdup_printf ("%s/%s", group, json_object_get_string_member (obj, "id"));

          if (tombstones)
            {
              g_autoptr (GDateTime) deleted_at =
                  el_timestamp_parse (json_object_get_string_member (obj, "deleted_at"));

              g_assert_cmpuint (json_object_get_size (obj), ==, 2);
              g_assert_nonnull (deleted_at);
            }
          else
            check_entity (group, item);
          g_hash_table_insert (table, key,
                               GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (table, key)) + 1));
          (*n_items)++;
        }
    }
  g_list_free (members);
}

/* Reads the feed from @since to the end with pages of @limit. */
static void
read_feed (ElDb *db, gint64 since, const char *const *unit_ids, guint limit, Feed *feed)
{
  feed->upserts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  feed->tombstones = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  feed->cursor = since;
  for (;;)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (JsonParser) parser = json_parser_new ();
      gint64 next = -1;
      gboolean more = TRUE;
      JsonObject *obj;
      guint n_items = 0;
      gsize size = 0;
      const char *text;

      bytes = el_repo_changes_since (db, feed->cursor, unit_ids, limit, &next, &more, &error);
      g_assert_no_error (error);
      text = g_bytes_get_data (bytes, &size);
      g_assert_cmpuint (size, <=, EL_REPO_CHANGES_MAX_BYTES);
      g_assert_true (json_parser_load_from_data (parser, text, (gssize) size, &error));
      g_assert_no_error (error);
      obj = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpuint (json_object_get_size (obj), ==, 4);
      g_assert_cmpint (json_object_get_int_member (obj, "next_cursor"), ==, next);
      g_assert_true (json_object_get_boolean_member (obj, "has_more") == more);
      g_assert_cmpint (next, >=, feed->cursor);
      count_group (feed->upserts, json_object_get_object_member (obj, "upserts"), FALSE, &n_items);
      count_group (feed->tombstones, json_object_get_object_member (obj, "tombstones"), TRUE, &n_items);
      g_assert_cmpuint (n_items, <=, limit);
      if (more)
        g_assert_cmpint (next, >, feed->cursor);
      else
        g_assert_cmpint (n_items, >=, 0);
      feed->cursor = next;
      feed->pages++;
      g_assert_cmpuint (feed->pages, <, 10000);
      if (!more)
        break;
    }
}

static guint
feed_count (GHashTable *table, const char *group, const char *id)
{
  g_autofree char *key = g_strdup_printf ("%s/%s", group, id);

  return GPOINTER_TO_UINT (g_hash_table_lookup (table, key));
}

static void
test_changes (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElHandoff) h1 = create_handoff (f->db, HO_1, PAT_1, 25, EL_SHIFT_DAY);
  g_autoptr (ElSbarVersion) v1 = append (f->db, HO_1, 0, "Wean oxygen.", 88, NURSE_A);
  g_autoptr (ElSbarVersion) v2 = append (f->db, HO_1, 1, "Wean oxygen to 1 L.", 90, CHARGE);
  g_auto (Feed) all = { 0 };
  g_auto (Feed) paged = { 0 };
  g_auto (Feed) unit_b = { 0 };
  g_auto (Feed) after = { 0 };
  const char *const only_b[] = { UNIT_B, NULL };
  const char *const none[] = { NULL };
  gint64 end;

  g_assert_nonnull (h1);
  g_assert_nonnull (v1);
  read_feed (f->db, 0, NULL, 200, &all);
  g_assert_cmpuint (all.pages, ==, 1);
  g_assert_cmpuint (g_hash_table_size (all.upserts), ==, 2 + 5 + 3 + 1 + 2);
  g_assert_cmpuint (feed_count (all.upserts, "units", UNIT_A), ==, 1);
  g_assert_cmpuint (feed_count (all.upserts, "users", NURSE_B), ==, 1);
  g_assert_cmpuint (feed_count (all.upserts, "handoffs", HO_1), ==, 1);
  g_assert_cmpuint (feed_count (all.upserts, "sbar_versions", el_sbar_version_get_id (v2)), ==, 1);
  g_assert_cmpuint (g_hash_table_size (all.tombstones), ==, 0);
  end = all.cursor;
  g_assert_cmpint (end, >, 0);

  /* Pages of 2: the same entities, each once. */
  read_feed (f->db, 0, NULL, 2, &paged);
  g_assert_cmpuint (paged.pages, ==, 7);
  g_assert_cmpuint (g_hash_table_size (paged.upserts), ==, g_hash_table_size (all.upserts));
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, paged.upserts);
    while (g_hash_table_iter_next (&iter, &key, &value))
      g_assert_cmpuint (GPOINTER_TO_UINT (value), ==, 1);
  }
  g_assert_cmpint (paged.cursor, ==, end);

  /* A nurse of 5E: units and staff of no unit, her unit's patient, nothing of 4W. */
  read_feed (f->db, 0, only_b, 50, &unit_b);
  g_assert_cmpuint (feed_count (unit_b.upserts, "units", UNIT_A), ==, 1);
  g_assert_cmpuint (feed_count (unit_b.upserts, "users", ADMIN), ==, 1);
  g_assert_cmpuint (feed_count (unit_b.upserts, "users", NURSE_B), ==, 1);
  g_assert_cmpuint (feed_count (unit_b.upserts, "users", NURSE_A), ==, 0);
  g_assert_cmpuint (feed_count (unit_b.upserts, "patients", PAT_3), ==, 1);
  g_assert_cmpuint (feed_count (unit_b.upserts, "patients", PAT_1), ==, 0);
  g_assert_cmpuint (feed_count (unit_b.upserts, "handoffs", HO_1), ==, 0);
  g_assert_cmpuint (g_hash_table_size (unit_b.upserts), ==, 2 + 1 + 1 + 1);

  /* From the end: only what changes next, a discharge as a tombstone. */
  g_assert_true (el_repo_patient_discharge (f->db, PAT_1, CHARGE, &error));
  {
    g_autoptr (ElHandoff) signed_handoff = el_repo_handoff_sign (f->db, HO_1, 2, NURSE_A, NULL, &error);

    g_assert_nonnull (signed_handoff);
    g_assert_no_error (error);
  }
  read_feed (f->db, end, NULL, 100, &after);
  g_assert_cmpuint (g_hash_table_size (after.upserts), ==, 1);
  g_assert_cmpuint (feed_count (after.upserts, "handoffs", HO_1), ==, 1);
  g_assert_cmpuint (g_hash_table_size (after.tombstones), ==, 1);
  g_assert_cmpuint (feed_count (after.tombstones, "patients", PAT_1), ==, 1);

  /* The visible-to-everyone rows only. */
  {
    g_auto (Feed) shared = { 0 };

    read_feed (f->db, 0, none, 200, &shared);
    g_assert_cmpuint (g_hash_table_size (shared.upserts), ==, 2 + 1);
  }

  /* An empty page keeps the cursor. */
  {
    g_autoptr (GBytes) empty = NULL;
    gint64 next = 0;
    gboolean more = TRUE;

    empty = el_repo_changes_since (f->db, after.cursor, NULL, 10, &next, &more, &error);
    g_assert_no_error (error);
    g_assert_cmpint (next, ==, after.cursor);
    g_assert_false (more);
    {
      g_autofree char *want = g_strdup_printf ("{\"next_cursor\":%" G_GINT64_FORMAT
                                               ",\"has_more\":false,\"upserts\":{},\"tombstones\":{}}",
                                               after.cursor);

      g_assert_cmpmem (g_bytes_get_data (empty, NULL), g_bytes_get_size (empty), want, strlen (want));
    }
  }

  /* Bad arguments. */
  {
    gint64 next = 0;
    gboolean more = TRUE;

    g_assert_null (el_repo_changes_since (f->db, -1, NULL, 10, &next, &more, &error));
    g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_null (el_repo_changes_since (f->db, 0, NULL, 0, &next, &more, &error));
    g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_null (el_repo_changes_since (f->db, 0, NULL, 201, &next, &more, &error));
    g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_INVALID);
    g_clear_error (&error);
  }
}

/* The first page of the feed, for an administrator. */
static char *
feed_first_page (ElDb *db)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) page = NULL;
  gint64 next = 0;
  gboolean more = TRUE;

  page = el_repo_changes_since (db, 0, NULL, 200, &next, &more, &error);
  g_assert_no_error (error);
  g_assert_false (more);
  return g_strndup (g_bytes_get_data (page, NULL), g_bytes_get_size (page));
}

/* Where @needle is in @haystack: 'u' in upserts, 't' in tombstones, 0 nowhere. */
static char
feed_group_of (const char *haystack, const char *needle)
{
  const char *at = strstr (haystack, needle);
  const char *tombstones = strstr (haystack, "\"tombstones\":");

  g_assert_nonnull (tombstones);
  if (at == NULL)
    return 0;
  return at < tombstones ? 'u' : 't';
}

/* The feed's directory of unit and user JSON: filled by a page, and never stale, whichever
 * connection changes a unit or a user (another process, such as `create-user`, or plain SQL that
 * writes no change row). */
static void
test_changes_directory (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDb) other = el_db_open_full (f->path, f->vault, EL_DB_OPEN_MIGRATE, &error);
  g_autofree char *first = NULL;
  g_autofree char *again = NULL;
  g_autofree char *renamed = NULL;
  g_autofree char *added = NULL;
  g_autofree char *deleted = NULL;
  const char *extra = "0b7a4c1e-8f2d-4e3a-b5c6-d7e8f9a0b0ff";
  const char *extra_id = "\"id\":\"0b7a4c1e-8f2d-4e3a-b5c6-d7e8f9a0b0ff\"";

  g_assert_no_error (error);
  g_assert_cmpuint (el_repo_directory_size (f->db, EL_REPO_DIRECTORY_USER), ==, 0);
  first = feed_first_page (f->db);
  g_assert_cmpuint (el_repo_directory_size (f->db, EL_REPO_DIRECTORY_UNIT), ==, 2);
  g_assert_cmpuint (el_repo_directory_size (f->db, EL_REPO_DIRECTORY_USER), ==, 5);
  g_assert_cmpint (feed_group_of (first, "\"name\":\"Blake Nurse\""), ==, 'u');
  g_assert_cmpint (feed_group_of (first, "\"name\":\"5 East Cardiac\""), ==, 'u');
  again = feed_first_page (f->db);
  g_assert_cmpstr (again, ==, first);

  /* renamed elsewhere, without a change row: the next page has the new names */
  g_assert_true (el_db_exec (other,
                             "UPDATE users SET name = 'Blake Renamed' WHERE id = '" NURSE_B "';"
                             "UPDATE units SET name = '5 East Telemetry' WHERE id = '" UNIT_B "'",
                             &error));
  g_assert_no_error (error);
  renamed = feed_first_page (f->db);
  g_assert_cmpint (feed_group_of (renamed, "Blake Nurse"), ==, 0);
  g_assert_cmpint (feed_group_of (renamed, "5 East Cardiac"), ==, 0);
  g_assert_cmpint (feed_group_of (renamed, "\"name\":\"Blake Renamed\""), ==, 'u');
  g_assert_cmpint (feed_group_of (renamed, "\"name\":\"5 East Telemetry\""), ==, 'u');

  /* added elsewhere, then deleted elsewhere after the page cached it: a tombstone */
  add_user (other, extra, "temp@example.org", "Temporary Nurse", EL_ROLE_NURSE, UNIT_A);
  added = feed_first_page (f->db);
  g_assert_cmpint (feed_group_of (added, extra_id), ==, 'u');
  g_assert_cmpuint (el_repo_directory_size (f->db, EL_REPO_DIRECTORY_USER), ==, 6);
  g_assert_true (
      el_db_exec (other, "DELETE FROM users WHERE id = '0b7a4c1e-8f2d-4e3a-b5c6-d7e8f9a0b0ff'", &error));
  g_assert_no_error (error);
  deleted = feed_first_page (f->db);
  g_assert_cmpint (feed_group_of (deleted, extra_id), ==, 't');
  g_assert_cmpint (feed_group_of (deleted, "Temporary Nurse"), ==, 0);
  g_assert_cmpuint (el_repo_directory_size (f->db, EL_REPO_DIRECTORY_USER), ==, 5);

  /* read inside a write transaction that is then rolled back: nothing of it stays, even when a
   * commit elsewhere brings the generation to the number it had inside */
  g_assert_true (el_db_exec (
      f->db, "BEGIN IMMEDIATE; UPDATE users SET name = 'Never Saved' WHERE id = '" NURSE_C "'", &error));
  g_assert_no_error (error);
  {
    g_autofree char *inside = feed_first_page (f->db);

    g_assert_cmpint (feed_group_of (inside, "\"name\":\"Never Saved\""), ==, 'u');
  }
  g_assert_true (el_db_exec (f->db, "ROLLBACK", &error));
  g_assert_no_error (error);
  g_assert_true (el_db_exec (other, "UPDATE users SET name = 'Ada Renamed' WHERE id = '" ADMIN "'", &error));
  g_assert_no_error (error);
  {
    g_autofree char *after = feed_first_page (f->db);

    g_assert_cmpint (feed_group_of (after, "Never Saved"), ==, 0);
    g_assert_cmpint (feed_group_of (after, "\"name\":\"Casey Nurse\""), ==, 'u');
    g_assert_cmpint (feed_group_of (after, "\"name\":\"Ada Renamed\""), ==, 'u');
  }
}

/* Pages stay under EL_REPO_CHANGES_MAX_BYTES: six recordings with 200 KB transcripts. */
static void
test_changes_size (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  g_auto (Feed) feed = { 0 };

  while (text->len < 200 * 1024)
    g_string_append (text, "wean the oxygen and recheck the saturation ");
  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *handoff_id = g_strdup_printf ("9c8b7a60-5f4e-4d3c-9b2a-1f0e9d8c01%02u", i);
      g_autofree char *recording_id = g_strdup_printf ("3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f501%02u", i);
      g_autoptr (ElHandoff) handoff = create_handoff (f->db, handoff_id, PAT_1, 25, EL_SHIFT_DAY);
      g_autoptr (ElRecording) request = upload (recording_id, handoff_id);
      g_autoptr (ElRecording) stored =
          el_repo_recording_create (f->db, request, NULL, NURSE_A, NULL, NULL, &error);

      g_assert_nonnull (handoff);
      g_assert_no_error (error);
      el_recording_set_transcript (stored, text->str);
      el_recording_set_status (stored, EL_RECORDING_STATUS_COMPLETED);
      g_assert_true (el_repo_recording_update (f->db, stored, NULL, &error));
      g_assert_no_error (error);
    }
  read_feed (f->db, 0, NULL, 200, &feed);
  /* 1.2 MB of transcripts: at least two pages, each checked under the budget by read_feed. */
  g_assert_cmpuint (feed.pages, >=, 2);
  g_assert_cmpuint (g_hash_table_size (feed.upserts), ==, 2 + 5 + 3 + 6 + 6);
}

/* Audit, transactions, PHI at rest -------------------------------------------------------------- */

static void
test_audit (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElHandoff) h1 = NULL;
  g_autoptr (ElSbarVersion) v1 = NULL;
  g_autoptr (ElHandoff) signed_handoff = NULL;
  g_autoptr (ElHandoff) acknowledged = NULL;
  g_autoptr (ElRecording) request = upload (REC_1, HO_2);
  g_autoptr (ElRecording) stored = NULL;
  g_autoptr (ElHandoff) h2 = NULL;
  gint64 first_bad = -1, n_events = 0;
  struct
  {
    const char *action;
    gint64 count;
  } expected[] = {
    { "unit.create", 2 },         { "user.create", 5 },         { "patient.create", 3 },
    { "handoff.create", 2 },      { "sbar.version.create", 1 }, { "handoff.sign", 1 },
    { "handoff.acknowledge", 1 }, { "recording.create", 1 },    { "recording.update", 1 },
    { "patient.discharge", 1 },
  };
  gint64 total = 0;

  h1 = create_handoff (f->db, HO_1, PAT_1, 25, EL_SHIFT_DAY);
  v1 = append (f->db, HO_1, 0, "Wean oxygen.", 88, NURSE_A);
  signed_handoff = el_repo_handoff_sign (f->db, HO_1, 1, NURSE_A, NULL, &error);
  g_assert_no_error (error);
  acknowledged = el_repo_handoff_acknowledge (f->db, HO_1, 1, NOTE, CHARGE, NULL, &error);
  g_assert_no_error (error);
  h2 = create_handoff (f->db, HO_2, PAT_2, 25, EL_SHIFT_DAY);
  stored = el_repo_recording_create (f->db, request, NULL, NURSE_A, NULL, NULL, &error);
  g_assert_no_error (error);
  el_recording_set_transcript (stored, TRANSCRIPT);
  g_assert_true (el_repo_recording_update (f->db, stored, NULL, &error));
  g_assert_true (el_repo_patient_discharge (f->db, PAT_3, CHARGE, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr (ElDbStmt) stmt =
          el_db_prepare (f->db, "SELECT count(*) FROM audit_events WHERE action = ?1", &error);

      sqlite3_bind_text (stmt, 1, expected[i].action, -1, SQLITE_STATIC);
      g_assert_cmpint (el_db_step (f->db, stmt, &error), ==, SQLITE_ROW);
      g_test_message ("%s", expected[i].action);
      g_assert_cmpint (sqlite3_column_int64 (stmt, 0), ==, expected[i].count);
      total += expected[i].count;
    }
  g_assert_cmpint (audit_count (f->db), ==, total);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM audit_events WHERE actor_id = '" CHARGE "' AND "
                                     "action = 'handoff.acknowledge' AND entity_id = '" HO_1 "'"),
                   ==, 1);
  g_assert_true (el_audit_verify_full (f->db, &first_bad, &n_events, &error));
  g_assert_no_error (error);
  g_assert_cmpint (n_events, ==, total);

  /* No PHI in any detail. */
  g_assert_cmpint (query_int (f->db,
                              "SELECT count(*) FROM audit_events WHERE detail LIKE '%" GIVEN_NAME "%' OR "
                              "detail LIKE '%" FAMILY_NAME "%' OR detail LIKE '%" MRN "%' OR "
                              "detail LIKE '%Quixotic%' OR detail LIKE '%Xylophonist%'"),
                   ==, 0);
}

static void
test_caller_transaction (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 events = audit_count (f->db);

  /* A failed write inside the caller's transaction leaves it usable; the caller commits the rest. */
  {
    g_autoptr (ElDbTransaction) txn = el_db_transaction_begin (f->db, &error);
    g_autoptr (ElHandoff) h1 = create_handoff (f->db, HO_1, PAT_1, 25, EL_SHIFT_DAY);
    g_autoptr (ElSbarVersion) content = make_content (SITUATION, "Wean.", 88);

    g_assert_nonnull (h1);
    g_assert_nonnull (txn);
    g_assert_null (el_repo_sbar_append (f->db, HO_1, 3, content, NURSE_A, NULL, NULL, &error));
    g_assert_error (error, EL_REPO_ERROR, EL_REPO_ERROR_CONFLICT_VERSION);
    g_clear_error (&error);
    g_assert_true (el_db_in_transaction (f->db));
    g_assert_true (el_db_transaction_commit (txn, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpint (audit_count (f->db), ==, events + 1);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM handoffs"), ==, 1);

  /* A caller that rolls back takes the repository's writes, audit and feed rows with it. */
  {
    g_autoptr (ElDbTransaction) txn = el_db_transaction_begin (f->db, &error);
    g_autoptr (ElHandoff) h2 = create_handoff (f->db, HO_2, PAT_2, 25, EL_SHIFT_DAY);
    g_autoptr (ElSbarVersion) v1 = append (f->db, HO_2, 0, "Wean.", 88, NURSE_A);

    g_assert_nonnull (txn);
    g_assert_nonnull (h2);
    g_assert_cmpint (el_sbar_version_get_version (v1), ==, 1);
    /* freed without a commit: ROLLBACK */
  }
  g_assert_false (el_db_in_transaction (f->db));
  g_assert_cmpint (audit_count (f->db), ==, events + 1);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM handoffs"), ==, 1);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM changes WHERE entity_id = '" HO_2 "'"), ==, 0);
  g_assert_true (el_audit_verify (f->db, NULL, &error));
  g_assert_no_error (error);
}

static GBytes *
read_file_or_empty (const char *path)
{
  char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return g_bytes_new (NULL, 0);
  return g_bytes_new_take (contents, len);
}

static void
assert_absent (GBytes *bytes, const char *needle)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);

  gsize n = strlen (needle);

  for (gsize i = 0; data != NULL && i + n <= len; i++)
    if (memcmp (data + i, needle, n) == 0)
      g_error ("found \"%s\" in clear at byte %" G_GSIZE_FORMAT, needle, i);
}

static void
test_no_phi_in_clear (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElHandoff) h1 = create_handoff (f->db, HO_1, PAT_1, 25, EL_SHIFT_DAY);
  g_autoptr (ElSbarVersion) v1 = append (f->db, HO_1, 0, "Call if sats drop below 88.", 88, NURSE_A);
  g_autoptr (ElSbarVersion) v2 =
      append (f->db, HO_1, 1, "Call Quartermaine's son if sats drop below 88.", 92, CHARGE);
  g_autoptr (ElHandoff) signed_handoff = el_repo_handoff_sign (f->db, HO_1, 2, NURSE_A, NULL, &error);
  g_autoptr (ElHandoff) acknowledged =
      el_repo_handoff_acknowledge (f->db, HO_1, 2, NOTE, CHARGE, NULL, &error);
  g_autoptr (ElHandoff) h2 = create_handoff (f->db, HO_2, PAT_2, 25, EL_SHIFT_DAY);
  g_autoptr (ElRecording) request = upload (REC_1, HO_2);
  g_autoptr (ElRecording) stored =
      el_repo_recording_create (f->db, request, NULL, NURSE_A, NULL, NULL, &error);
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  const char *markers[] = { GIVEN_NAME, FAMILY_NAME, MRN,  "zq99887766",         SITUATION,
                            TRANSCRIPT, "Quixotic",  NOTE, "Community-acquired", "1948-03-12" };

  g_assert_nonnull (acknowledged);
  g_assert_nonnull (h1);
  g_assert_nonnull (h2);
  g_assert_nonnull (v1);
  g_assert_nonnull (signed_handoff);
  g_assert_nonnull (v2);
  g_assert_no_error (error);
  el_recording_set_transcript (stored, TRANSCRIPT);
  el_recording_add_word (stored, el_recording_word_new ("Quixotic", 0, 420, 0.9));
  g_assert_true (el_repo_recording_update (f->db, stored, NULL, &error));
  g_assert_no_error (error);

  /* The markers are really there (decrypted)... */
  {
    g_autoptr (ElPatient) patient = el_repo_patient_get_by_mrn (f->db, MRN, NULL, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (el_patient_get_family_name (patient), ==, FAMILY_NAME);
  }
  /* ...but nowhere in the database file or its WAL. */
  for (int pass = 0; pass < 2; pass++)
    {
      g_autoptr (GBytes) main_file = read_file_or_empty (f->path);
      g_autoptr (GBytes) wal_file = read_file_or_empty (wal);

      g_assert_cmpuint (g_bytes_get_size (main_file) + g_bytes_get_size (wal_file), >, 0);
      for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
        {
          g_test_message ("looking for %s (pass %d)", markers[i], pass);
          assert_absent (main_file, markers[i]);
          assert_absent (wal_file, markers[i]);
        }
      g_assert_true (el_db_checkpoint (f->db, &error));
      g_assert_no_error (error);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/el/server/repo/units", test_units);
  ADD ("/el/server/repo/users", test_users);
  g_test_add_func ("/el/server/repo/visibility", test_visibility);
  g_test_add_func ("/el/server/repo/shifts", test_shifts);
  ADD ("/el/server/repo/patients", test_patients);
  ADD ("/el/server/repo/handoffs/create", test_handoff_create);
  ADD ("/el/server/repo/handoffs/pages", test_handoff_pages);
  ADD ("/el/server/repo/handoffs/update", test_handoff_update);
  ADD ("/el/server/repo/handoffs/json", test_handoff_json);
  ADD ("/el/server/repo/staff/json", test_staff_json);
  ADD ("/el/server/repo/sbar/versions", test_sbar_versions);
  ADD ("/el/server/repo/sbar/sign-acknowledge", test_sign_acknowledge);
  ADD ("/el/server/repo/recordings", test_recordings);
  ADD ("/el/server/repo/changes/pages", test_changes);
  ADD ("/el/server/repo/changes/size", test_changes_size);
  ADD ("/el/server/repo/changes/directory", test_changes_directory);
  ADD ("/el/server/repo/audit", test_audit);
  ADD ("/el/server/repo/caller-transaction", test_caller_transaction);
  ADD ("/el/server/repo/no-phi-in-clear", test_no_phi_in_clear);
#undef ADD

  return g_test_run ();
}
