/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness of the HTTP router's input side (el-http-route.h): the first byte picks what the
 * rest of the input is.
 *   0: a request path, matched against the API's templates;
 *   1: a query string;
 *   2: a route template, then (after a NUL) a path matched against it.
 * Checked properties: a parsed path has only valid UTF-8 segments without '/', '\', control
 * characters, "." or ".."; percent-encoding every byte of those segments and parsing again gives
 * the same segments (decoding happens exactly once); a match fills every parameter with a
 * non-empty segment; a parsed query has valid UTF-8 names and values without control characters.
 * Warnings and criticals abort (they count as crashes). */
#include "config.h"

#include "el-http-route.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char *const api_templates[] = {
  "/api/health",
  "/api/v1/handoffs",
  "/api/v1/handoffs/{handoff_id}",
  "/api/v1/handoffs/{handoff_id}/recordings",
  "/api/v1/handoffs/{handoff_id}/sbar/versions/{version}",
  "/api/v1/recordings/{recording_id}",
  "/",
  NULL,
};

static ElHttpTemplate *templates[G_N_ELEMENTS (api_templates)];

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);
  for (guint i = 0; api_templates[i] != NULL; i++)
    {
      templates[i] = el_http_template_new (api_templates[i], NULL);
      g_assert (templates[i] != NULL);
    }
  return 0;
}

static gboolean
clean_text (const char *text)
{
  if (!g_utf8_validate (text, -1, NULL))
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return FALSE;
  return TRUE;
}

static void
check_path (const ElHttpPath *path)
{
  g_autoptr (GString) encoded = g_string_new (NULL);
  g_autoptr (ElHttpPath) again = NULL;

  g_assert (path->n_segments <= EL_HTTP_MAX_SEGMENTS);
  g_assert (path->segments[path->n_segments] == NULL);
  for (guint i = 0; i < path->n_segments; i++)
    {
      const char *segment = path->segments[i];

      g_assert (clean_text (segment));
      g_assert (strchr (segment, '/') == NULL && strchr (segment, '\\') == NULL);
      g_assert (strcmp (segment, ".") != 0 && strcmp (segment, "..") != 0);
      g_string_append_c (encoded, '/');
      for (const char *p = segment; *p != '\0'; p++)
        g_string_append_printf (encoded, "%%%02X", (guchar) *p);
    }
  if (path->n_segments == 0)
    g_string_append_c (encoded, '/');

  if (encoded->len > EL_HTTP_MAX_PATH_BYTES)
    return;
  again = el_http_path_parse (encoded->str, encoded->len, NULL);
  g_assert (again != NULL);
  g_assert (again->n_segments == path->n_segments);
  for (guint i = 0; i < path->n_segments; i++)
    g_assert (strcmp (again->segments[i], path->segments[i]) == 0);
}

static void
check_match (const ElHttpTemplate *template, const ElHttpPath *path)
{
  g_autoptr (GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer value;

  if (!el_http_template_match (template, path, params))
    {
      g_assert (g_hash_table_size (params) == 0);
      return;
    }
  g_assert (g_hash_table_size (params) == el_http_template_get_n_params (template));
  g_hash_table_iter_init (&iter, params);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_assert (((const char *) value)[0] != '\0');
}

static void
fuzz_path (const char *text, gsize len)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElHttpPath) path = el_http_path_parse (text, len, &error);

  if (path == NULL)
    {
      g_assert (g_error_matches (error, EL_HTTP_ERROR, EL_HTTP_ERROR_BAD_PATH));
      return;
    }
  check_path (path);
  for (guint i = 0; templates[i] != NULL; i++)
    check_match (templates[i], path);
}

static void
fuzz_query (const char *text, gsize len)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) query = el_http_query_parse (text, len, &error);
  GHashTableIter iter;
  gpointer name, value;

  if (query == NULL)
    {
      g_assert (g_error_matches (error, EL_HTTP_ERROR, EL_HTTP_ERROR_BAD_QUERY));
      return;
    }
  g_assert (g_hash_table_size (query) <= EL_HTTP_MAX_QUERY_PARAMS);
  g_hash_table_iter_init (&iter, query);
  while (g_hash_table_iter_next (&iter, &name, &value))
    {
      g_assert (((const char *) name)[0] != '\0');
      g_assert (clean_text (name));
      g_assert (clean_text (value));
    }
}

static void
fuzz_template (const char *text, gsize len)
{
  const char *nul = memchr (text, '\0', len);
  g_autofree char *pattern = g_strndup (text, nul != NULL ? (gsize) (nul - text) : len);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElHttpTemplate) template = el_http_template_new (pattern, &error);
  g_autoptr (ElHttpPath) path = NULL;

  if (template == NULL)
    {
      g_assert (g_error_matches (error, EL_HTTP_ERROR, EL_HTTP_ERROR_BAD_TEMPLATE));
      return;
    }
  g_assert (strcmp (el_http_template_get_pattern (template), pattern) == 0);
  if (nul == NULL)
    return;
  path = el_http_path_parse (nul + 1, len - (gsize) (nul - text) - 1, NULL);
  if (path != NULL)
    check_match (template, path);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *text = (const char *) data + 1;
  gsize len;

  if (size == 0)
    return 0;
  len = size - 1;

  switch (data[0] % 3)
    {
      case 0:
        fuzz_path (text, len);
        break;
      case 1:
        fuzz_query (text, len);
        break;
      default:
        fuzz_template (text, len);
        break;
    }
  return 0;
}
