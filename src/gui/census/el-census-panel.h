/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "el-census-model.h"
#include "el-context.h"

G_BEGIN_DECLS

/*
 * ElCensusPanel: the window's sidebar — the unit picker (hidden when the nurse's cache holds one
 * unit), the census search ("census-search"), the status filter ("census-status-filter"), the
 * "Needs my acknowledgment" toggle ("census-needs-ack"), the count ("census-count"), the list
 * ("census-list": a GtkListView of ElCensusRow on a GtkSingleSelection over an ElCensusModel) and
 * the empty state ("census-empty"). The unit picker is "census-unit-picker".
 *
 * Keyboard: Ctrl+F focuses the search from anywhere in the window; Down in the search moves to the
 * list; arrows move in the list (the selection follows); Enter activates the row (and, in the
 * search, the first row).
 *
 * Properties: context (ElContext, construct-only), selected-patient-id (string, nullable: setting it
 * selects that patient when listed).
 * Signals: ::patient-activated (const char *patient_id) — a row was selected or activated.
 */
#define EL_TYPE_CENSUS_PANEL (el_census_panel_get_type ())
G_DECLARE_FINAL_TYPE (ElCensusPanel, el_census_panel, EL, CENSUS_PANEL, GtkWidget)

GtkWidget *el_census_panel_new (ElContext *ctx);

ElCensusModel *el_census_panel_get_model (ElCensusPanel *self); /* (transfer none) */
const char *el_census_panel_get_selected_patient_id (ElCensusPanel *self);
void el_census_panel_set_selected_patient_id (ElCensusPanel *self, const char *patient_id);

G_END_DECLS
