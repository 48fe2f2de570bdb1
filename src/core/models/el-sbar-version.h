/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "el-model-enums.h"
#include "el-sbar-fields.h"

G_BEGIN_DECLS

/*
 * ElSbarVersion: one immutable version of the SBAR report of a handoff. PHI.
 * JSON (schema SbarVersion): { "id": Uuid, "handoff_id": Uuid, "version": int >= 1,
 *   "previous_version_id": Uuid | null, "author_id": Uuid, "author_name": string?,
 *   "source": "ai"|"nurse"|"on-device", "created_at": Timestamp, "situation": string?,
 *   "background": string?, "assessment": string?, "recommendation": string?,
 *   "fields": SbarFields (required, may be {}), "completeness": Completeness?,
 *   "changes_since_last_version": Changes | null? }
 *
 * Rules of the decoder beyond the types: version 1 has `previous_version_id: null` and no changes
 * (%EL_MODEL_ERROR_OUT_OF_RANGE otherwise); a later version needs a previous_version_id
 * (%EL_MODEL_ERROR_MISSING_FIELD). `changes_since_last_version: null` reads as absent.
 *
 * `completeness` and `changes_since_last_version` are computed elsewhere (el-completeness.c,
 * el-diff.c, from el_sbar_version_to_json()) and kept here as validated JSON objects; the encoder
 * writes them only when set, with their members in the spec's order (unknown members dropped):
 * - Completeness { "score": number 0..100 with at most one decimal, "complete": bool (true exactly
 *   when missing_critical is empty), "missing": [CompletenessItem], "missing_critical":
 *   [CriticalItem] }, every member required; item names are those of the OpenAPI document.
 * - Changes { "from_version": int >= 1, "to_version": int > from_version, "sections": { "<section>":
 *   [ { "op": "insert"|"delete"|"replace", "at": int >= 0, "old": string, "new": string } ] },
 *   "fields": [ { "path": string (1..256 bytes), "op": "added"|"removed"|"changed", "old": any?,
 *   "new": any? } ], "summary": { "words_inserted", "words_deleted", "fields_changed": int >= 0 } },
 *   members required except old/new of a field change; unknown section names are ignored.
 *   Arrays hold at most %EL_MODEL_MAX_ARRAY_ITEMS items: a diff must fit in 200 edits per section
 *   and 200 field changes.
 *
 * The request body that creates a version (schema SbarVersionCreate: { "base_version": int >= 0,
 * "source", the four sections, "fields" }, base_version, source and fields required) uses an
 * ElSbarVersion for its content: el_sbar_version_create_request_to_json() writes only source,
 * sections and fields of it; el_sbar_version_create_request_from_json() returns a version with
 * only those set.
 *
 * In C, version 0 means "not set" (a version being created locally); previous_version_id %NULL is
 * written as null.
 */

#define EL_TYPE_SBAR_VERSION (el_sbar_version_get_type ())
G_DECLARE_FINAL_TYPE (ElSbarVersion, el_sbar_version, EL, SBAR_VERSION, GObject)

ElSbarVersion *el_sbar_version_new (void);
ElSbarVersion *el_sbar_version_new_from_json (JsonNode *node, GError **error);
ElSbarVersion *el_sbar_version_new_from_data (const char *data, gssize len, GError **error);
JsonNode *el_sbar_version_to_json (ElSbarVersion *self);
char *el_sbar_version_to_data (ElSbarVersion *self, gsize *len);
gboolean el_sbar_version_validate (ElSbarVersion *self, GError **error);

ElSbarVersion *el_sbar_version_create_request_from_json (JsonNode *node, int *base_version, GError **error);
ElSbarVersion *
el_sbar_version_create_request_from_data (const char *data, gssize len, int *base_version, GError **error);
JsonNode *el_sbar_version_create_request_to_json (ElSbarVersion *self, int base_version);
char *el_sbar_version_create_request_to_data (ElSbarVersion *self, int base_version, gsize *len);

const char *el_sbar_version_get_id (ElSbarVersion *self);
void el_sbar_version_set_id (ElSbarVersion *self, const char *id);
const char *el_sbar_version_get_handoff_id (ElSbarVersion *self);
void el_sbar_version_set_handoff_id (ElSbarVersion *self, const char *handoff_id);
int el_sbar_version_get_version (ElSbarVersion *self);
void el_sbar_version_set_version (ElSbarVersion *self, int version);
const char *el_sbar_version_get_previous_version_id (ElSbarVersion *self);
void el_sbar_version_set_previous_version_id (ElSbarVersion *self, const char *previous_version_id);
const char *el_sbar_version_get_author_id (ElSbarVersion *self);
void el_sbar_version_set_author_id (ElSbarVersion *self, const char *author_id);
const char *el_sbar_version_get_author_name (ElSbarVersion *self);
void el_sbar_version_set_author_name (ElSbarVersion *self, const char *author_name);
ElSbarSource el_sbar_version_get_source (ElSbarVersion *self);
void el_sbar_version_set_source (ElSbarVersion *self, ElSbarSource source);
GDateTime *el_sbar_version_get_created_at (ElSbarVersion *self);
void el_sbar_version_set_created_at (ElSbarVersion *self, GDateTime *created_at);

const char *el_sbar_version_get_section (ElSbarVersion *self, ElSbarSection section);
void el_sbar_version_set_section (ElSbarVersion *self, ElSbarSection section, const char *text);
const char *el_sbar_version_get_situation (ElSbarVersion *self);
void el_sbar_version_set_situation (ElSbarVersion *self, const char *situation);
const char *el_sbar_version_get_background (ElSbarVersion *self);
void el_sbar_version_set_background (ElSbarVersion *self, const char *background);
const char *el_sbar_version_get_assessment (ElSbarVersion *self);
void el_sbar_version_set_assessment (ElSbarVersion *self, const char *assessment);
const char *el_sbar_version_get_recommendation (ElSbarVersion *self);
void el_sbar_version_set_recommendation (ElSbarVersion *self, const char *recommendation);

ElSbarFields *el_sbar_version_get_fields (ElSbarVersion *self);
void el_sbar_version_set_fields (ElSbarVersion *self, const ElSbarFields *fields);
void el_sbar_version_take_fields (ElSbarVersion *self, ElSbarFields *fields);

JsonNode *el_sbar_version_get_completeness_json (ElSbarVersion *self);
gboolean el_sbar_version_set_completeness_json (ElSbarVersion *self, JsonNode *completeness, GError **error);
JsonNode *el_sbar_version_get_changes_json (ElSbarVersion *self);
gboolean el_sbar_version_set_changes_json (ElSbarVersion *self, JsonNode *changes, GError **error);

G_END_DECLS
