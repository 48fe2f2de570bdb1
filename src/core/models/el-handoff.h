/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "el-model-enums.h"

G_BEGIN_DECLS

/*
 * ElHandoff: one shift handoff of one patient. PHI.
 * JSON (schema Handoff): { "id": Uuid, "patient_id": Uuid, "unit_id": Uuid, "status": HandoffStatus,
 *   "shift_date": Date, "shift": "day"|"evening"|"night", "outgoing_nurse_id": Uuid?,
 *   "receiving_nurse_id": Uuid?, "created_by": Uuid, "created_at": Timestamp,
 *   "updated_at": Timestamp, "latest_version": int >= 0, "etag": string?, "signed_by": Uuid?,
 *   "signed_at": Timestamp?, "acknowledged_by": Uuid?, "acknowledged_at": Timestamp?,
 *   "readback_note": string?, "failure_reason": string? }
 *
 * The etag is opaque: printable ASCII without space or `"` (<= 256 bytes).
 *
 * Status transitions (el_handoff_status_can_transition()); anything else, X -> X included, is
 * %EL_MODEL_ERROR_INVALID_TRANSITION:
 *
 *   draft        -> processing | ready | cancelled
 *   processing   -> ready | failed | cancelled
 *   failed       -> processing | cancelled
 *   ready        -> processing | signed | cancelled
 *   signed       -> acknowledged | ready   (a new SBAR version voids the signature)
 *   acknowledged, cancelled: final
 *
 * The decoder requires signed_by + signed_at for status signed and acknowledged, and
 * acknowledged_by + acknowledged_at for acknowledged (%EL_MODEL_ERROR_MISSING_FIELD).
 */

#define EL_TYPE_HANDOFF (el_handoff_get_type ())
G_DECLARE_FINAL_TYPE (ElHandoff, el_handoff, EL, HANDOFF, GObject)

gboolean el_handoff_status_can_transition (ElHandoffStatus from, ElHandoffStatus to);
gboolean el_handoff_status_is_final (ElHandoffStatus status);

ElHandoff *el_handoff_new (void);
ElHandoff *el_handoff_new_from_json (JsonNode *node, GError **error);
ElHandoff *el_handoff_new_from_data (const char *data, gssize len, GError **error);
JsonNode *el_handoff_to_json (ElHandoff *self);
char *el_handoff_to_data (ElHandoff *self, gsize *len);
gboolean el_handoff_validate (ElHandoff *self, GError **error);

gboolean el_handoff_transition (ElHandoff *self, ElHandoffStatus to, GError **error);

const char *el_handoff_get_id (ElHandoff *self);
void el_handoff_set_id (ElHandoff *self, const char *id);
const char *el_handoff_get_patient_id (ElHandoff *self);
void el_handoff_set_patient_id (ElHandoff *self, const char *patient_id);
const char *el_handoff_get_unit_id (ElHandoff *self);
void el_handoff_set_unit_id (ElHandoff *self, const char *unit_id);
ElHandoffStatus el_handoff_get_status (ElHandoff *self);
void el_handoff_set_status (ElHandoff *self, ElHandoffStatus status);
const GDate *el_handoff_get_shift_date (ElHandoff *self);
void el_handoff_set_shift_date (ElHandoff *self, const GDate *shift_date);
ElShift el_handoff_get_shift (ElHandoff *self);
void el_handoff_set_shift (ElHandoff *self, ElShift shift);
const char *el_handoff_get_outgoing_nurse_id (ElHandoff *self);
void el_handoff_set_outgoing_nurse_id (ElHandoff *self, const char *outgoing_nurse_id);
const char *el_handoff_get_receiving_nurse_id (ElHandoff *self);
void el_handoff_set_receiving_nurse_id (ElHandoff *self, const char *receiving_nurse_id);
const char *el_handoff_get_created_by (ElHandoff *self);
void el_handoff_set_created_by (ElHandoff *self, const char *created_by);
GDateTime *el_handoff_get_created_at (ElHandoff *self);
void el_handoff_set_created_at (ElHandoff *self, GDateTime *created_at);
GDateTime *el_handoff_get_updated_at (ElHandoff *self);
void el_handoff_set_updated_at (ElHandoff *self, GDateTime *updated_at);
int el_handoff_get_latest_version (ElHandoff *self);
void el_handoff_set_latest_version (ElHandoff *self, int latest_version);
const char *el_handoff_get_etag (ElHandoff *self);
void el_handoff_set_etag (ElHandoff *self, const char *etag);
const char *el_handoff_get_signed_by (ElHandoff *self);
void el_handoff_set_signed_by (ElHandoff *self, const char *signed_by);
GDateTime *el_handoff_get_signed_at (ElHandoff *self);
void el_handoff_set_signed_at (ElHandoff *self, GDateTime *signed_at);
const char *el_handoff_get_acknowledged_by (ElHandoff *self);
void el_handoff_set_acknowledged_by (ElHandoff *self, const char *acknowledged_by);
GDateTime *el_handoff_get_acknowledged_at (ElHandoff *self);
void el_handoff_set_acknowledged_at (ElHandoff *self, GDateTime *acknowledged_at);
const char *el_handoff_get_readback_note (ElHandoff *self);
void el_handoff_set_readback_note (ElHandoff *self, const char *readback_note);
const char *el_handoff_get_failure_reason (ElHandoff *self);
void el_handoff_set_failure_reason (ElHandoff *self, const char *failure_reason);

G_END_DECLS
