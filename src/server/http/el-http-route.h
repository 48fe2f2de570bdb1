/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "el-http-error.h"

G_BEGIN_DECLS

/*
 * Request paths, query strings and route templates: pure functions, no I/O (fuzzed by
 * tests/fuzz/fuzz-http-route.c).
 *
 * A path is split on `/` FIRST and each segment is then percent-decoded exactly once, so an
 * encoded `%2F` can never create a segment boundary; it is refused anyway, as are an encoded `\`
 * (%5C), NUL (%00), any other control character, a `%` not followed by two hex digits, a segment
 * that is not valid UTF-8 once decoded, a `.` or `..` segment (literal or encoded: `%2e%2e`), a
 * path longer than %EL_HTTP_MAX_PATH_BYTES or with more than %EL_HTTP_MAX_SEGMENTS segments.
 * Empty segments (`//`, a trailing `/`) are kept: no template matches them.
 *
 * A query string is `name=value` pairs joined by `&`, with `+` meaning a space and percent-decoding
 * as above (an encoded `/` is fine in a value). Names are non-empty; a repeated name is refused
 * (the API never takes lists in the query, and "which one wins" is a classic smuggling trick).
 *
 * A template is a path whose segments are literals (`[A-Za-z0-9._~-]+`) or parameters
 * (`{name}`, name `[a-z_][a-z0-9_]*`, unique in the template), e.g.
 * `/api/v1/handoffs/{handoff_id}/sbar/versions/{version}`. A parameter matches exactly one
 * non-empty decoded segment; literals match byte for byte (case-sensitive).
 */

#define EL_HTTP_MAX_PATH_BYTES   2048
#define EL_HTTP_MAX_SEGMENTS     32
#define EL_HTTP_MAX_QUERY_BYTES  4096
#define EL_HTTP_MAX_QUERY_PARAMS 32

typedef struct
{
  char **segments; /* decoded, NULL-terminated */
  guint n_segments;
} ElHttpPath;

typedef struct ElHttpTemplate ElHttpTemplate;

ElHttpPath *el_http_path_parse (const char *raw, gsize len, GError **error);
void el_http_path_free (ElHttpPath *path);

GHashTable *el_http_query_parse (const char *raw, gsize len, GError **error);

ElHttpTemplate *el_http_template_new (const char *pattern, GError **error);
void el_http_template_free (ElHttpTemplate *self);
const char *el_http_template_get_pattern (const ElHttpTemplate *self);
guint el_http_template_get_n_params (const ElHttpTemplate *self);
gboolean el_http_template_match (const ElHttpTemplate *self, const ElHttpPath *path, GHashTable *params);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElHttpPath, el_http_path_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElHttpTemplate, el_http_template_free)

G_END_DECLS
