/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "el-db.h"
#include "el-models.h"

G_BEGIN_DECLS

/*
 * Patients: the census (see el-repo.h for the common rules).
 *
 * The whole Patient JSON is sealed in patients.doc (without handoff_status, which is computed);
 * unit_id, room, bed and acuity are copied to clear columns for the census query, and the MRN is
 * found through its blind index (el_db_mrn_index()), so no MRN or name is ever stored in clear.
 *
 * handoff_status: el_repo_patients_list() and el_repo_patient_get() fill it with the status of
 * the patient's newest handoff of the shift that @now falls in (el_repo_shift_at(); %NULL = the
 * connection's clock in local time). The change feed's patients carry no handoff_status: clients
 * derive it from the handoffs they sync.
 *
 * Discharge: discharged_at is set, the patient leaves the census and the change feed carries a
 * tombstone; the row stays (handoffs refer to it). Upserting a discharged patient readmits them.
 * Change feed: entity "patient", visible to the patient's unit. A patient moved to another unit
 * is announced to the new unit only.
 */

GPtrArray *el_repo_patients_list (ElDb *db, const char *unit_id, GDateTime *now, GError **error);
ElPatient *
el_repo_patient_get (ElDb *db, const char *patient_id, GDateTime *now, gboolean *discharged, GError **error);
ElPatient *
el_repo_patient_get_by_mrn (ElDb *db, const char *mrn, GDateTime *now, gboolean *discharged, GError **error);
gboolean el_repo_patient_upsert (
    ElDb *db, ElPatient *patient, const char *actor_id, gboolean *created, GError **error);
gboolean el_repo_patient_discharge (ElDb *db, const char *patient_id, const char *actor_id, GError **error);

G_END_DECLS
