/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "el-census-model.h"
#include "el-context.h"

G_BEGIN_DECLS

/*
 * ElPatientPane: the top of the content pane — the selected patient's header (name, MRN, age/sex,
 * room/bed, diagnosis, badges in words) and the patient's handoffs grouped "This shift" and
 * "Earlier shifts" (shift date and shift, status, latest version, completeness of the latest
 * version when cached), each row activatable; the "New Handoff" button creates a draft handoff for
 * the current shift (el_census_shift_at() under the pane's shift pattern, local time) in the
 * store (queued for the server) and activates it. Reloads when the store's outbox changes or a sync
 * cycle applied something.
 *
 * Widget names: "patient-name", "patient-details", "patient-diagnosis", "patient-new-handoff",
 * "patient-handoffs-current", "patient-handoffs-earlier" (GtkListBox; each row is an AdwActionRow
 * named "handoff-row" whose object data "el-handoff-id" is the handoff id), "patient-empty".
 *
 * Properties: context (ElContext, construct-only), patient-id (string, nullable).
 * Signals: ::handoff-activated (const char *handoff_id).
 */
#define EL_TYPE_PATIENT_PANE (el_patient_pane_get_type ())
G_DECLARE_FINAL_TYPE (ElPatientPane, el_patient_pane, EL, PATIENT_PANE, GtkWidget)

GtkWidget *el_patient_pane_new (ElContext *ctx);

void el_patient_pane_set_patient_id (ElPatientPane *self, const char *patient_id);
/* How the hospital's shifts fall (GSettings "shift-pattern"; default twelve-hour): which handoffs
 * are "this shift", and the shift of a new one. */
void el_patient_pane_set_shift_pattern (ElPatientPane *self, ElShiftPattern pattern);
const char *el_patient_pane_get_patient_id (ElPatientPane *self); /* (nullable) */
/* The handoffs shown (element-type ElHandoff) (transfer none), newest first; empty while loading. */
GPtrArray *el_patient_pane_get_handoffs (ElPatientPane *self);

/* The handoff Record (Ctrl+R) records for: this shift's handoff of the shown patient that has no
 * report yet (a draft, or a failed one; the newest), or a new draft one created like New Handoff
 * does (queued for the server) when there is none — a recording never lands on a report a nurse
 * already wrote. Returns (transfer full) its id;
 * %EL_CONTEXT_ERROR_NOT_OPEN when no patient is shown. */
void el_patient_pane_ensure_current_handoff_async (ElPatientPane *self,
                                                   GCancellable *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer user_data);
char *
el_patient_pane_ensure_current_handoff_finish (ElPatientPane *self, GAsyncResult *result, GError **error);

G_END_DECLS
