/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "el-model-enums.h"

G_BEGIN_DECLS

/*
 * ElPatient: a census row, a patient currently on a unit. PHI.
 * JSON (schema Patient): { "id": Uuid, "unit_id": Uuid, "mrn": string, "given_name": string,
 *   "family_name": string, "date_of_birth": Date, "sex": Sex, "room": string, "bed": string?,
 *   "code_status": CodeStatus?, "allergies": [string]?, "no_known_allergies": bool?,
 *   "isolation": Isolation?, "acuity": int 1..5?, "fall_risk": FallRisk?, "diagnosis": string?,
 *   "attending": string?, "admitted_at": Timestamp?, "handoff_status": HandoffStatus?,
 *   "updated_at": Timestamp? }
 *
 * In C: optional strings, timestamps and the allergy list are %NULL when unset (an empty allergy
 * list is written as `[]`); acuity 0 means unset; the optional enums and no_known_allergies have
 * `has_`/`unset_` functions (their properties read the default value when unset).
 * The decoder rejects `no_known_allergies: true` together with a non-empty `allergies` list
 * (%EL_MODEL_ERROR_OUT_OF_RANGE at `allergies`), and an allergy item that means "none" (NKDA,
 * NKA, none, no known [drug] allergies, any case: %EL_MODEL_ERROR_OUT_OF_RANGE at `allergies[i]`).
 */

#define EL_TYPE_PATIENT (el_patient_get_type ())
G_DECLARE_FINAL_TYPE (ElPatient, el_patient, EL, PATIENT, GObject)

ElPatient *el_patient_new (void);
ElPatient *el_patient_new_from_json (JsonNode *node, GError **error);
ElPatient *el_patient_new_from_data (const char *data, gssize len, GError **error);
JsonNode *el_patient_to_json (ElPatient *self);
char *el_patient_to_data (ElPatient *self, gsize *len);
gboolean el_patient_validate (ElPatient *self, GError **error);

int el_patient_get_age (ElPatient *self, GDateTime *at);

const char *el_patient_get_id (ElPatient *self);
void el_patient_set_id (ElPatient *self, const char *id);
const char *el_patient_get_unit_id (ElPatient *self);
void el_patient_set_unit_id (ElPatient *self, const char *unit_id);
const char *el_patient_get_mrn (ElPatient *self);
void el_patient_set_mrn (ElPatient *self, const char *mrn);
const char *el_patient_get_given_name (ElPatient *self);
void el_patient_set_given_name (ElPatient *self, const char *given_name);
const char *el_patient_get_family_name (ElPatient *self);
void el_patient_set_family_name (ElPatient *self, const char *family_name);
const GDate *el_patient_get_date_of_birth (ElPatient *self);
void el_patient_set_date_of_birth (ElPatient *self, const GDate *date_of_birth);
ElSex el_patient_get_sex (ElPatient *self);
void el_patient_set_sex (ElPatient *self, ElSex sex);
const char *el_patient_get_room (ElPatient *self);
void el_patient_set_room (ElPatient *self, const char *room);
const char *el_patient_get_bed (ElPatient *self);
void el_patient_set_bed (ElPatient *self, const char *bed);

gboolean el_patient_has_code_status (ElPatient *self);
ElCodeStatus el_patient_get_code_status (ElPatient *self);
void el_patient_set_code_status (ElPatient *self, ElCodeStatus code_status);
void el_patient_unset_code_status (ElPatient *self);

const char *const *el_patient_get_allergies (ElPatient *self);
void el_patient_set_allergies (ElPatient *self, const char *const *allergies);

gboolean el_patient_has_no_known_allergies (ElPatient *self);
gboolean el_patient_get_no_known_allergies (ElPatient *self);
void el_patient_set_no_known_allergies (ElPatient *self, gboolean no_known_allergies);
void el_patient_unset_no_known_allergies (ElPatient *self);

gboolean el_patient_has_isolation (ElPatient *self);
ElIsolation el_patient_get_isolation (ElPatient *self);
void el_patient_set_isolation (ElPatient *self, ElIsolation isolation);
void el_patient_unset_isolation (ElPatient *self);

int el_patient_get_acuity (ElPatient *self);
void el_patient_set_acuity (ElPatient *self, int acuity);

gboolean el_patient_has_fall_risk (ElPatient *self);
ElFallRisk el_patient_get_fall_risk (ElPatient *self);
void el_patient_set_fall_risk (ElPatient *self, ElFallRisk fall_risk);
void el_patient_unset_fall_risk (ElPatient *self);

const char *el_patient_get_diagnosis (ElPatient *self);
void el_patient_set_diagnosis (ElPatient *self, const char *diagnosis);
const char *el_patient_get_attending (ElPatient *self);
void el_patient_set_attending (ElPatient *self, const char *attending);
GDateTime *el_patient_get_admitted_at (ElPatient *self);
void el_patient_set_admitted_at (ElPatient *self, GDateTime *admitted_at);

gboolean el_patient_has_handoff_status (ElPatient *self);
ElHandoffStatus el_patient_get_handoff_status (ElPatient *self);
void el_patient_set_handoff_status (ElPatient *self, ElHandoffStatus handoff_status);
void el_patient_unset_handoff_status (ElPatient *self);

GDateTime *el_patient_get_updated_at (ElPatient *self);
void el_patient_set_updated_at (ElPatient *self, GDateTime *updated_at);

G_END_DECLS
