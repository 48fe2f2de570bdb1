/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "el-model-enums.h"

G_BEGIN_DECLS

/*
 * ElUser: a nurse, charge nurse or administrator.
 * JSON (schema User): { "id": Uuid, "email": string (contains '@', <= 254 bytes), "name": string,
 *   "role": "nurse"|"charge_nurse"|"admin", "unit_id": Uuid?, "created_at": Timestamp? }
 */

#define EL_TYPE_USER (el_user_get_type ())
G_DECLARE_FINAL_TYPE (ElUser, el_user, EL, USER, GObject)

ElUser *el_user_new (void);
ElUser *el_user_new_from_json (JsonNode *node, GError **error);
ElUser *el_user_new_from_data (const char *data, gssize len, GError **error);
JsonNode *el_user_to_json (ElUser *self);
char *el_user_to_data (ElUser *self, gsize *len);
gboolean el_user_validate (ElUser *self, GError **error);

const char *el_user_get_id (ElUser *self);
void el_user_set_id (ElUser *self, const char *id);
const char *el_user_get_email (ElUser *self);
void el_user_set_email (ElUser *self, const char *email);
const char *el_user_get_name (ElUser *self);
void el_user_set_name (ElUser *self, const char *name);
ElRole el_user_get_role (ElUser *self);
void el_user_set_role (ElUser *self, ElRole role);
const char *el_user_get_unit_id (ElUser *self);
void el_user_set_unit_id (ElUser *self, const char *unit_id);
GDateTime *el_user_get_created_at (ElUser *self);
void el_user_set_created_at (ElUser *self, GDateTime *created_at);

G_END_DECLS
