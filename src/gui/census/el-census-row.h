/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "el-census-model.h"

G_BEGIN_DECLS

/*
 * ElCensusRow: one census row of the sidebar's list: room/bed, "Family, Given", age/sex, and badges
 * in words (code status, allergies or NKDA, isolation, acuity, handoff status, "Not synced"). Its
 * accessible label reads the whole row. Widget names: "census-row-room", "census-row-name",
 * "census-row-age-sex", "census-row-code-status", "census-row-allergies", "census-row-isolation",
 * "census-row-acuity", "census-row-status", "census-row-unsynced".
 */
#define EL_TYPE_CENSUS_ROW (el_census_row_get_type ())
G_DECLARE_FINAL_TYPE (ElCensusRow, el_census_row, EL, CENSUS_ROW, GtkWidget)

GtkWidget *el_census_row_new (void);

/* Shows @item (nullable: clears the row). Ages are computed at @now (NULL: now). */
void el_census_row_set_item (ElCensusRow *self, ElCensusItem *item, GDateTime *now);
ElCensusItem *el_census_row_get_item (ElCensusRow *self); /* (nullable) (transfer none) */

G_END_DECLS
