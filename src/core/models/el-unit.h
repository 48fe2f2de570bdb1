/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * ElUnit: a nursing unit (ward).
 * JSON (schema Unit): { "id": Uuid, "name": string, "code": string (e.g. "4W"), "floor": string?,
 *   "bed_count": int 0..1000? }
 * In C, a bed count of -1 means "not set" (the member is omitted).
 */

#define EL_TYPE_UNIT (el_unit_get_type ())
G_DECLARE_FINAL_TYPE (ElUnit, el_unit, EL, UNIT, GObject)

ElUnit *el_unit_new (void);
ElUnit *el_unit_new_from_json (JsonNode *node, GError **error);
ElUnit *el_unit_new_from_data (const char *data, gssize len, GError **error);
JsonNode *el_unit_to_json (ElUnit *self);
char *el_unit_to_data (ElUnit *self, gsize *len);
gboolean el_unit_validate (ElUnit *self, GError **error);

const char *el_unit_get_id (ElUnit *self);
void el_unit_set_id (ElUnit *self, const char *id);
const char *el_unit_get_name (ElUnit *self);
void el_unit_set_name (ElUnit *self, const char *name);
const char *el_unit_get_code (ElUnit *self);
void el_unit_set_code (ElUnit *self, const char *code);
const char *el_unit_get_floor (ElUnit *self);
void el_unit_set_floor (ElUnit *self, const char *floor);
int el_unit_get_bed_count (ElUnit *self);
void el_unit_set_bed_count (ElUnit *self, int bed_count);

G_END_DECLS
