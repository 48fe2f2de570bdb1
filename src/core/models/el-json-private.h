/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Helpers shared by the models' JSON decoders and encoders. Not installed, not public API.
 *
 * Decoders walk a JsonNode with an ElJsonPath chain on the stack (no allocation unless an error
 * is reported). Every error names the member's path and the JSON type found, never a value. */

#include <json-glib/json-glib.h>

#include "el-model-error.h"
#include "el-model-limits.h"

G_BEGIN_DECLS

typedef struct ElJsonPath ElJsonPath;

/* One step of a JSON path: a member of an object (member != NULL) or an item of an array. The
 * root object has the path NULL; its member "id" is { NULL, "id", 0 }. */
struct ElJsonPath
{
  const ElJsonPath *parent;
  const char *member;
  guint index;
};

typedef enum
{
  EL_JSON_OPTIONAL,
  EL_JSON_REQUIRED,
} ElJsonPresence;

char *el_json_path_to_string (const ElJsonPath *path);
void el_json_set_error (GError **error, ElModelError code, const ElJsonPath *path, const char *format, ...)
    G_GNUC_PRINTF (4, 5);
guint el_json_path_depth (const ElJsonPath *path);

const char *el_enum_to_nick (GType type, int value);
gboolean el_enum_from_nick (GType type, const char *nick, int *value);

/* Documents: limits, UTF-8, strict syntax and depth, then json-glib. */
gboolean el_json_check_syntax (const char *data, gsize len, GError **error);
JsonNode *el_json_parse_document (const char *data, gssize len, GError **error);
char *el_json_generate (JsonNode *node, gsize *len);

/* Node readers: @path is the path of @node itself. */
gboolean el_json_node_get_object (JsonNode *node, const ElJsonPath *path, JsonObject **out, GError **error);
gboolean el_json_node_get_array (
    JsonNode *node, const ElJsonPath *path, guint max_items, JsonArray **out, GError **error);
gboolean el_json_node_get_string (
    JsonNode *node, const ElJsonPath *path, gsize max_bytes, const char **out, GError **error);
gboolean el_json_node_get_int (
    JsonNode *node, const ElJsonPath *path, gint64 min, gint64 max, gint64 *out, GError **error);
gboolean el_json_node_get_double (
    JsonNode *node, const ElJsonPath *path, double min, double max, double *out, GError **error);
gboolean el_json_node_check_any (JsonNode *node, const ElJsonPath *path, GError **error);

/* Member readers: @obj_path is the path of @obj. An absent optional member leaves *out
 * untouched and sets *present (when given) to FALSE. Strings are copied. */
gboolean el_json_read_object (JsonObject *obj,
                              const ElJsonPath *obj_path,
                              const char *member,
                              ElJsonPresence presence,
                              JsonObject **out,
                              GError **error);
gboolean el_json_read_array (JsonObject *obj,
                             const ElJsonPath *obj_path,
                             const char *member,
                             ElJsonPresence presence,
                             guint max_items,
                             JsonArray **out,
                             GError **error);
gboolean el_json_read_string (JsonObject *obj,
                              const ElJsonPath *obj_path,
                              const char *member,
                              ElJsonPresence presence,
                              gsize max_bytes,
                              char **out,
                              GError **error);
gboolean el_json_read_uuid (JsonObject *obj,
                            const ElJsonPath *obj_path,
                            const char *member,
                            ElJsonPresence presence,
                            char **out,
                            GError **error);
gboolean el_json_read_nullable_uuid (
    JsonObject *obj, const ElJsonPath *obj_path, const char *member, char **out, GError **error);
gboolean el_json_read_timestamp (JsonObject *obj,
                                 const ElJsonPath *obj_path,
                                 const char *member,
                                 ElJsonPresence presence,
                                 GDateTime **out,
                                 GError **error);
gboolean el_json_read_date (JsonObject *obj,
                            const ElJsonPath *obj_path,
                            const char *member,
                            ElJsonPresence presence,
                            GDate *out,
                            GError **error);
gboolean el_json_read_clock_time (JsonObject *obj,
                                  const ElJsonPath *obj_path,
                                  const char *member,
                                  ElJsonPresence presence,
                                  char **out,
                                  GError **error);
gboolean el_json_read_int (JsonObject *obj,
                           const ElJsonPath *obj_path,
                           const char *member,
                           ElJsonPresence presence,
                           gint64 min,
                           gint64 max,
                           gint64 *out,
                           gboolean *present,
                           GError **error);
gboolean el_json_read_double (JsonObject *obj,
                              const ElJsonPath *obj_path,
                              const char *member,
                              ElJsonPresence presence,
                              double min,
                              double max,
                              double *out,
                              gboolean *present,
                              GError **error);
gboolean el_json_read_boolean (JsonObject *obj,
                               const ElJsonPath *obj_path,
                               const char *member,
                               ElJsonPresence presence,
                               gboolean *out,
                               gboolean *present,
                               GError **error);
gboolean el_json_read_enum (JsonObject *obj,
                            const ElJsonPath *obj_path,
                            const char *member,
                            ElJsonPresence presence,
                            GType type,
                            int *out,
                            gboolean *present,
                            GError **error);

/* Writers: a NULL string, timestamp or invalid date is omitted. */
void el_json_put_string (JsonObject *obj, const char *member, const char *value);
void el_json_put_timestamp (JsonObject *obj, const char *member, GDateTime *value);
void el_json_put_date (JsonObject *obj, const char *member, const GDate *value);
void el_json_put_number (JsonObject *obj, const char *member, double value);
void el_json_put_enum (JsonObject *obj, const char *member, GType type, int value);

/* Setter helpers for GObject properties: return TRUE when the value changed. */
gboolean el_double_is_integral (double value);
gboolean el_allergy_is_none_marker (const char *substance);

gboolean el_set_string (char **field, const char *value);
gboolean el_set_timestamp (GDateTime **field, GDateTime *value);
gboolean el_set_date (GDate *field, const GDate *value);
const GDate *el_date_or_null (const GDate *date);

G_END_DECLS
