/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Patients: the census, sealed documents, the MRN blind index, discharge. */
#include "config.h"

#include "el-repo-private.h"

#include <openssl/crypto.h>
#include <string.h>

/* Columns 0..7, then (census queries) the current shift's handoff status at 8: the newest handoff
 * of that shift (ties on created_at: the one inserted last). No tie-break on id: it would make
 * SQLite sort every handoff of the patient instead of reading one from handoffs_patient_created. */
#define PATIENT_COLUMNS "p.id, p.unit_id, p.room, p.bed, p.acuity, p.doc, p.updated_at, p.discharged_at"

#define CURRENT_STATUS                                                                                 \
  "(SELECT h.status FROM handoffs h WHERE h.patient_id = p.id AND h.shift_date = ?2 AND h.shift = ?3 " \
  "ORDER BY h.created_at DESC LIMIT 1)"

static ElPatient *
patient_from_row (ElDb *db, ElDbStmt *stmt, gboolean with_status, GError **error)
{
  const char *id = el_repo_column_text (stmt, 0);
  g_autofree char *doc = NULL;
  gsize len = 0;
  g_autoptr (ElPatient) patient = NULL;
  g_autoptr (GDateTime) updated_at = NULL;
  ElHandoffStatus status;

  if (!el_db_column_sealed (db, stmt, 5, "patients", id, "doc", &doc, &len, error))
    return NULL;
  patient = el_patient_new_from_data (doc, (gssize) len, error);
  OPENSSL_cleanse (doc, len);
  if (patient == NULL)
    return NULL;
  /* The clear columns are written with the document; they win if the two ever differ. */
  el_patient_set_id (patient, id);
  el_patient_set_unit_id (patient, el_repo_column_text (stmt, 1));
  updated_at = el_repo_column_timestamp (stmt, 6);
  if (updated_at != NULL)
    el_patient_set_updated_at (patient, updated_at);
  el_patient_unset_handoff_status (patient);
  if (with_status && el_handoff_status_from_string (el_repo_column_text (stmt, 8), &status))
    el_patient_set_handoff_status (patient, status);
  return g_steal_pointer (&patient);
}

/* The shift that @now (NULL: the connection's clock) falls in, local time. */
static void
current_shift (ElDb *db, GDateTime *now, char **date, ElShift *shift)
{
  g_autoptr (GDateTime) utc = now != NULL ? g_date_time_ref (now) : el_repo_now (db);
  g_autoptr (GDateTime) local = g_date_time_to_local (utc);
  GDate shift_date;

  el_repo_shift_at (local, &shift_date, shift);
  *date = el_date_format (&shift_date);
}

/**
 * el_repo_patients_list:
 * @db: a connection
 * @unit_id: the unit
 * @now: (nullable): when the census is taken (for handoff_status); %NULL = the connection's clock
 * @error: an EL_DB_ERROR, EL_MODEL_ERROR
 *
 * Returns: (transfer full) (element-type ElPatient): the unit's patients not discharged (at most
 *   %EL_REPO_MAX_LIMIT), by room, then bed
 */
GPtrArray *
el_repo_patients_list (ElDb *db, const char *unit_id, GDateTime *now, GError **error)
{
  g_autoptr (GPtrArray) patients = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (ElDbStmt) stmt = NULL;
  g_autofree char *shift_date = NULL;
  ElShift shift;
  int rc;

  g_return_val_if_fail (unit_id != NULL, NULL);

  current_shift (db, now, &shift_date, &shift);
  stmt = el_db_prepare (db,
                        "SELECT " PATIENT_COLUMNS ", " CURRENT_STATUS " FROM patients p "
                        "WHERE p.unit_id = ?1 AND p.discharged_at IS NULL "
                        "ORDER BY p.room, p.bed, p.id LIMIT ?4",
                        error);
  if (stmt == NULL)
    return NULL;
  el_repo_bind_text (stmt, 1, unit_id);
  el_repo_bind_text (stmt, 2, shift_date);
  el_repo_bind_text (stmt, 3, el_shift_to_string (shift));
  sqlite3_bind_int (stmt, 4, EL_REPO_MAX_LIMIT);
  while ((rc = el_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      ElPatient *patient = patient_from_row (db, stmt, TRUE, error);

      if (patient == NULL)
        return NULL;
      g_ptr_array_add (patients, patient);
    }
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&patients);
}

static ElPatient *
patient_get_where (ElDb *db,
                   const char *sql,
                   const void *key,
                   int key_len,
                   GDateTime *now,
                   gboolean *discharged,
                   GError **error)
{
  g_autoptr (ElDbStmt) stmt = NULL;
  g_autofree char *shift_date = NULL;
  ElShift shift;
  int rc;

  if (discharged != NULL)
    *discharged = FALSE;
  current_shift (db, now, &shift_date, &shift);
  stmt = el_db_prepare (db, sql, error);
  if (stmt == NULL)
    return NULL;
  if (key_len < 0)
    el_repo_bind_text (stmt, 1, key);
  else
    sqlite3_bind_blob (stmt, 1, key, key_len, SQLITE_TRANSIENT);
  el_repo_bind_text (stmt, 2, shift_date);
  el_repo_bind_text (stmt, 3, el_shift_to_string (shift));
  rc = el_db_step (db, stmt, error);
  if (rc == SQLITE_DONE)
    el_repo_fail (error, EL_REPO_ERROR_NOT_FOUND, "no such patient");
  if (rc != SQLITE_ROW)
    return NULL;
  if (discharged != NULL)
    *discharged = sqlite3_column_type (stmt, 7) != SQLITE_NULL;
  return patient_from_row (db, stmt, TRUE, error);
}

/**
 * el_repo_patient_get:
 * @db: a connection
 * @patient_id: the patient
 * @now: (nullable): for handoff_status, as in el_repo_patients_list()
 * @discharged: (out) (optional): %TRUE if the patient was discharged (still returned)
 * @error: %EL_REPO_ERROR_NOT_FOUND, EL_DB_ERROR, EL_MODEL_ERROR
 *
 * Returns: (transfer full) (nullable): the patient
 */
ElPatient *
el_repo_patient_get (ElDb *db, const char *patient_id, GDateTime *now, gboolean *discharged, GError **error)
{
  g_return_val_if_fail (patient_id != NULL, NULL);

  return patient_get_where (db,
                            "SELECT " PATIENT_COLUMNS ", " CURRENT_STATUS " FROM patients p WHERE p.id = ?1",
                            patient_id, -1, now, discharged, error);
}

/**
 * el_repo_patient_get_by_mrn:
 * @db: a connection opened with the key
 * @mrn: a medical record number (any case, surrounding spaces ignored)
 * @now: (nullable): for handoff_status
 * @discharged: (out) (optional): %TRUE if the patient was discharged
 * @error: %EL_REPO_ERROR_NOT_FOUND, EL_DB_ERROR (%EL_DB_ERROR_NO_KEY without a key)
 *
 * Returns: (transfer full) (nullable): the patient with this MRN
 */
ElPatient *
el_repo_patient_get_by_mrn (ElDb *db, const char *mrn, GDateTime *now, gboolean *discharged, GError **error)
{
  guint8 index[EL_DB_MRN_INDEX_BYTES];
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (mrn != NULL, NULL);

  if (!el_db_mrn_index (db, mrn, index, &local_error))
    {
      if (g_error_matches (local_error, EL_DB_ERROR, EL_DB_ERROR_CONSTRAINT))
        el_repo_fail (error, EL_REPO_ERROR_NOT_FOUND, "no such patient");
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return patient_get_where (
      db, "SELECT " PATIENT_COLUMNS ", " CURRENT_STATUS " FROM patients p WHERE p.mrn_index = ?1", index,
      sizeof index, now, discharged, error);
}

/* Without handoff_status: the change feed's patient. */
ElPatient *
el_repo_patient_load (ElDb *db, const char *patient_id, GError **error)
{
  g_autoptr (ElDbStmt) stmt =
      el_db_prepare (db, "SELECT " PATIENT_COLUMNS " FROM patients p WHERE p.id = ?1", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  el_repo_bind_text (stmt, 1, patient_id);
  rc = el_db_step (db, stmt, error);
  if (rc == SQLITE_DONE)
    el_repo_fail (error, EL_REPO_ERROR_NOT_FOUND, "no such patient");
  if (rc != SQLITE_ROW)
    return NULL;
  return patient_from_row (db, stmt, FALSE, error);
}

/* The patient's unit, or NULL (%EL_REPO_ERROR_NOT_FOUND). */
char *
el_repo_patient_unit (ElDb *db, const char *patient_id, gboolean *discharged, GError **error)
{
  g_autoptr (ElDbStmt) stmt =
      el_db_prepare (db, "SELECT unit_id, discharged_at FROM patients WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  el_repo_bind_text (stmt, 1, patient_id);
  rc = el_db_step (db, stmt, error);
  if (rc == SQLITE_DONE)
    el_repo_fail (error, EL_REPO_ERROR_NOT_FOUND, "no such patient");
  if (rc != SQLITE_ROW)
    return NULL;
  if (discharged != NULL)
    *discharged = sqlite3_column_type (stmt, 1) != SQLITE_NULL;
  return g_strdup (el_repo_column_text (stmt, 0));
}

static gboolean
unit_exists (ElDb *db, const char *unit_id, GError **error)
{
  g_autoptr (ElDbStmt) stmt = el_db_prepare (db, "SELECT 1 FROM units WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  el_repo_bind_text (stmt, 1, unit_id);
  rc = el_db_step (db, stmt, error);
  if (rc == SQLITE_DONE)
    return el_repo_fail (error, EL_REPO_ERROR_INVALID, "unit_id: no such unit");
  return rc == SQLITE_ROW;
}

/* The document to seal: the Patient JSON without the computed handoff_status. */
static char *
patient_document (ElPatient *patient, gsize *len)
{
  g_autoptr (JsonNode) node = el_patient_to_json (patient);

  json_object_remove_member (json_node_get_object (node), "handoff_status");
  return el_json_node_to_data (node, len);
}

/**
 * el_repo_patient_upsert:
 * @db: a connection opened with the key
 * @patient: a valid patient with its id; its updated_at is set to the connection's clock
 * @actor_id: (nullable): who writes it
 * @created: (out) (optional): %TRUE if the patient was new
 * @error: %EL_REPO_ERROR_CONFLICT (another patient has this MRN), %EL_REPO_ERROR_INVALID (no
 *   such unit), EL_MODEL_ERROR, EL_DB_ERROR
 *
 * Creates or replaces the patient (a discharged one is readmitted). Audit "patient.create" or
 * "patient.update"; change feed "patient" (the patient's unit).
 */
gboolean
el_repo_patient_upsert (ElDb *db, ElPatient *patient, const char *actor_id, gboolean *created, GError **error)
{
  guint8 index[EL_DB_MRN_INDEX_BYTES];
  g_autoptr (ElRepoWrite) write = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autoptr (GDateTime) previous_updated_at = NULL;
  g_autofree char *now_str = NULL;
  g_autofree char *doc = NULL;
  g_autofree char *old_unit = NULL;
  gboolean is_new = FALSE, was_discharged = FALSE;
  const char *id, *unit_id;
  JsonObject *detail;
  gsize doc_len = 0;

  g_return_val_if_fail (EL_IS_PATIENT (patient), FALSE);

  if (created != NULL)
    *created = FALSE;
  if (!el_patient_validate (patient, error))
    return FALSE;
  if (!el_db_mrn_index (db, el_patient_get_mrn (patient), index, error))
    return FALSE;
  id = el_patient_get_id (patient);
  unit_id = el_patient_get_unit_id (patient);
  now = el_repo_now (db);
  now_str = el_timestamp_format (now);
  if (el_patient_get_updated_at (patient) != NULL)
    previous_updated_at = g_date_time_ref (el_patient_get_updated_at (patient));
  el_patient_set_updated_at (patient, now);
  doc = patient_document (patient, &doc_len);

  if ((write = el_repo_write_begin (db, error)) == NULL)
    goto failed;
  if (!unit_exists (db, unit_id, error))
    goto failed;
  old_unit = el_repo_patient_unit (db, id, &was_discharged, &local_error);
  if (old_unit == NULL)
    {
      if (!g_error_matches (local_error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          goto failed;
        }
      g_clear_error (&local_error);
      is_new = TRUE;
    }

  {
    g_autoptr (ElDbStmt) stmt = el_db_prepare (
        db,
        "INSERT INTO patients (id, unit_id, room, bed, acuity, mrn_index, doc, created_at, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8) "
        "ON CONFLICT (id) DO UPDATE SET unit_id = excluded.unit_id, room = excluded.room, bed = "
        "excluded.bed, "
        "acuity = excluded.acuity, mrn_index = excluded.mrn_index, doc = excluded.doc, "
        "updated_at = excluded.updated_at, discharged_at = NULL",
        error);

    if (stmt == NULL)
      goto failed;
    el_repo_bind_text (stmt, 1, id);
    el_repo_bind_text (stmt, 2, unit_id);
    el_repo_bind_text (stmt, 3, el_patient_get_room (patient));
    el_repo_bind_text (stmt, 4, el_patient_get_bed (patient));
    if (el_patient_get_acuity (patient) > 0)
      sqlite3_bind_int (stmt, 5, el_patient_get_acuity (patient));
    sqlite3_bind_blob (stmt, 6, index, sizeof index, SQLITE_TRANSIENT);
    if (!el_db_bind_sealed (db, stmt, 7, "patients", id, "doc", doc, (gssize) doc_len, error))
      goto failed;
    el_repo_bind_text (stmt, 8, now_str);
    if (el_db_step (db, stmt, &local_error) != SQLITE_DONE)
      {
        if (g_error_matches (local_error, EL_DB_ERROR, EL_DB_ERROR_UNIQUE))
          el_repo_fail (error, EL_REPO_ERROR_CONFLICT, "another patient has this MRN");
        else
          g_propagate_error (error, g_steal_pointer (&local_error));
        goto failed;
      }
  }

  detail = json_object_new ();
  json_object_set_string_member (detail, "unit_id", unit_id);
  if (!is_new && old_unit != NULL && strcmp (old_unit, unit_id) != 0)
    json_object_set_string_member (detail, "from_unit_id", old_unit);
  if (was_discharged)
    json_object_set_boolean_member (detail, "readmitted", TRUE);
  if (!el_repo_record (db, actor_id, is_new ? "patient.create" : "patient.update", "patient", id, detail,
                       "patient", EL_DB_CHANGE_UPSERT, unit_id, error) ||
      !el_repo_write_commit (write, error))
    goto failed;

  OPENSSL_cleanse (doc, doc_len);
  if (created != NULL)
    *created = is_new;
  return TRUE;

failed:
  OPENSSL_cleanse (doc, doc_len);
  el_patient_set_updated_at (patient, previous_updated_at);
  return FALSE;
}

/**
 * el_repo_patient_discharge:
 * @db: a connection
 * @patient_id: the patient
 * @actor_id: (nullable): who discharges
 * @error: %EL_REPO_ERROR_NOT_FOUND, EL_DB_ERROR
 *
 * Takes the patient off the census. Discharging a discharged patient changes nothing. Audit
 * "patient.discharge"; the change feed gets a tombstone (the patient's unit).
 */
gboolean
el_repo_patient_discharge (ElDb *db, const char *patient_id, const char *actor_id, GError **error)
{
  g_autoptr (ElRepoWrite) write = NULL;
  g_autofree char *now = el_repo_now_string (db);
  g_autofree char *unit_id = NULL;
  gboolean discharged = FALSE;
  JsonObject *detail;

  g_return_val_if_fail (patient_id != NULL, FALSE);

  if ((write = el_repo_write_begin (db, error)) == NULL)
    return FALSE;
  unit_id = el_repo_patient_unit (db, patient_id, &discharged, error);
  if (unit_id == NULL)
    return FALSE;
  if (discharged)
    return el_repo_write_commit (write, error);
  {
    g_autoptr (ElDbStmt) stmt =
        el_db_prepare (db, "UPDATE patients SET discharged_at = ?2, updated_at = ?2 WHERE id = ?1", error);

    if (stmt == NULL)
      return FALSE;
    el_repo_bind_text (stmt, 1, patient_id);
    el_repo_bind_text (stmt, 2, now);
    if (el_db_step (db, stmt, error) != SQLITE_DONE)
      return FALSE;
  }
  detail = json_object_new ();
  json_object_set_string_member (detail, "unit_id", unit_id);
  if (!el_repo_record (db, actor_id, "patient.discharge", "patient", patient_id, detail, "patient",
                       EL_DB_CHANGE_DELETE, unit_id, error))
    return FALSE;
  return el_repo_write_commit (write, error);
}

/* The Patient JSON text for the change feed: the sealed document as it was written (it is the
 * Patient JSON without handoff_status), without a model round trip. */
gboolean
el_repo_patient_write_json (ElDb *db, const char *patient_id, GString *out, GError **error)
{
  g_autoptr (ElDbStmt) stmt = el_db_prepare (db, "SELECT doc FROM patients WHERE id = ?1", error);
  g_autofree char *doc = NULL;
  gsize len = 0;
  int rc;

  if (stmt == NULL)
    return FALSE;
  el_repo_bind_text (stmt, 1, patient_id);
  rc = el_db_step (db, stmt, error);
  if (rc == SQLITE_DONE)
    return el_repo_fail (error, EL_REPO_ERROR_NOT_FOUND, "no such patient");
  if (rc != SQLITE_ROW)
    return FALSE;
  if (!el_db_column_sealed (db, stmt, 0, "patients", patient_id, "doc", &doc, &len, error))
    return FALSE;
  if (doc == NULL || len < 2 || doc[0] != '{' || doc[len - 1] != '}')
    {
      if (doc != NULL)
        OPENSSL_cleanse (doc, len);
      g_set_error (error, EL_DB_ERROR, EL_DB_ERROR_CORRUPT, "patient %s is damaged", patient_id);
      return FALSE;
    }
  g_string_append_len (out, doc, (gssize) len);
  OPENSSL_cleanse (doc, len);
  return TRUE;
}
