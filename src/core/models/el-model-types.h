/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * The common value types of the data model and their canonical text forms:
 *
 * - Uuid: canonical lowercase 8-4-4-4-12 hex (36 characters). g_uuid_string_random() makes one.
 * - Timestamp: RFC 3339 with `Z` or a `+hh:mm`/`-hh:mm` offset on input; the models keep a UTC
 *   #GDateTime with millisecond precision and always write `YYYY-MM-DDThh:mm:ss.sssZ`.
 *   Leap seconds (`:60`) and years outside 0001..9999 (after conversion to UTC) are rejected.
 * - Date: `YYYY-MM-DD`, a real calendar date from 0001-01-01 to 9999-12-31, held in a #GDate.
 * - Clock time: `HH:MM`, 24 hours (`00:00`..`23:59`), kept as a string.
 */

gboolean el_uuid_is_valid (const char *str);
gboolean el_sha256_is_valid (const char *str);
gboolean el_clock_time_is_valid (const char *str);

GDateTime *el_timestamp_parse (const char *str);
GDateTime *el_timestamp_normalize (GDateTime *timestamp);
char *el_timestamp_format (GDateTime *timestamp);
gboolean el_timestamp_is_canonical (const char *str);

gboolean el_date_parse (const char *str, GDate *out);
char *el_date_format (const GDate *date);

char *el_json_node_to_data (JsonNode *node, gsize *len);
void el_json_append_string (GString *out, const char *str);

G_END_DECLS
