/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-http-route.h"

#include <string.h>

typedef struct
{
  char *literal; /* NULL for a parameter */
  char *param;   /* NULL for a literal */
} TemplateSegment;

struct ElHttpTemplate
{
  char *pattern;
  TemplateSegment *segments;
  guint n_segments;
  guint n_params;
};

typedef enum
{
  DECODE_PATH_SEGMENT, /* `+` is literal; an encoded `/` or `\` is refused */
  DECODE_QUERY,        /* `+` is a space */
} DecodeMode;

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Percent-decodes @len bytes of @text once. Returns NULL (and sets @error with @code) for anything
 * the header's comment refuses. */
static char *
percent_decode (const char *text, gsize len, DecodeMode mode, ElHttpError code, GError **error)
{
  g_autofree char *out = g_malloc (len + 1);
  gsize n = 0;

  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) text[i];

      if (c == '%')
        {
          int hi = 0, lo = 0;

          if (len - i < 3 || (hi = hex_value (text[i + 1])) < 0 || (lo = hex_value (text[i + 2])) < 0)
            {
              g_set_error_literal (error, EL_HTTP_ERROR, code, "invalid percent-encoding");
              return NULL;
            }
          c = (guchar) (hi * 16 + lo);
          i += 2;
          if (mode == DECODE_PATH_SEGMENT && (c == '/' || c == '\\'))
            {
              g_set_error_literal (error, EL_HTTP_ERROR, code, "encoded path separator");
              return NULL;
            }
        }
      else if (c == '+' && mode == DECODE_QUERY)
        c = ' ';
      else if (c == '\\' && mode == DECODE_PATH_SEGMENT)
        {
          g_set_error_literal (error, EL_HTTP_ERROR, code, "backslash in path");
          return NULL;
        }

      if (c < 0x20 || c == 0x7f)
        {
          g_set_error_literal (error, EL_HTTP_ERROR, code, "control character or NUL");
          return NULL;
        }
      out[n++] = (char) c;
    }
  out[n] = '\0';

  if (!g_utf8_validate_len (out, n, NULL))
    {
      g_set_error_literal (error, EL_HTTP_ERROR, code, "not valid UTF-8");
      return NULL;
    }
  return g_steal_pointer (&out);
}

/**
 * el_http_path_parse:
 * @raw: the path as received (still percent-encoded), starting with `/`
 * @len: its length in bytes
 * @error: %EL_HTTP_ERROR_BAD_PATH
 *
 * Returns: (transfer full) (nullable): the decoded segments
 */
ElHttpPath *
el_http_path_parse (const char *raw, gsize len, GError **error)
{
  g_autoptr (GPtrArray) segments = NULL;
  g_autoptr (ElHttpPath) path = NULL;
  gsize start;

  if (len == 0 || raw[0] != '/')
    {
      g_set_error_literal (error, EL_HTTP_ERROR, EL_HTTP_ERROR_BAD_PATH, "the path must start with /");
      return NULL;
    }
  if (len > EL_HTTP_MAX_PATH_BYTES)
    {
      g_set_error (error, EL_HTTP_ERROR, EL_HTTP_ERROR_BAD_PATH, "the path is longer than %d bytes",
                   EL_HTTP_MAX_PATH_BYTES);
      return NULL;
    }

  segments = g_ptr_array_new_with_free_func (g_free);
  start = 1;
  while (start <= len && len > 1)
    {
      const char *slash = memchr (raw + start, '/', len - start);
      gsize end = slash != NULL ? (gsize) (slash - raw) : len;
      char *segment;

      if (segments->len == EL_HTTP_MAX_SEGMENTS)
        {
          g_set_error (error, EL_HTTP_ERROR, EL_HTTP_ERROR_BAD_PATH, "the path has more than %d segments",
                       EL_HTTP_MAX_SEGMENTS);
          return NULL;
        }
      segment = percent_decode (raw + start, end - start, DECODE_PATH_SEGMENT, EL_HTTP_ERROR_BAD_PATH, error);
      if (segment == NULL)
        return NULL;
      g_ptr_array_add (segments, segment);
      if (g_str_equal (segment, ".") || g_str_equal (segment, ".."))
        {
          g_set_error_literal (error, EL_HTTP_ERROR, EL_HTTP_ERROR_BAD_PATH, "dot segment in path");
          return NULL;
        }
      start = end + 1;
    }

  path = g_new0 (ElHttpPath, 1);
  path->n_segments = segments->len;
  g_ptr_array_add (segments, NULL);
  path->segments = (char **) g_ptr_array_steal (segments, NULL);
  return g_steal_pointer (&path);
}

void
el_http_path_free (ElHttpPath *path)
{
  if (path == NULL)
    return;
  g_strfreev (path->segments);
  g_free (path);
}

/**
 * el_http_query_parse:
 * @raw: (nullable): the query as received (without the `?`), or %NULL for none
 * @len: its length in bytes
 * @error: %EL_HTTP_ERROR_BAD_QUERY
 *
 * Returns: (transfer full) (nullable): decoded name → decoded value (never %NULL on success, empty
 *   for no query)
 */
GHashTable *
el_http_query_parse (const char *raw, gsize len, GError **error)
{
  g_autoptr (GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gsize start = 0;

  if (raw == NULL)
    return g_steal_pointer (&params);
  if (len > EL_HTTP_MAX_QUERY_BYTES)
    {
      g_set_error (error, EL_HTTP_ERROR, EL_HTTP_ERROR_BAD_QUERY, "the query is longer than %d bytes",
                   EL_HTTP_MAX_QUERY_BYTES);
      return NULL;
    }

  while (start < len)
    {
      const char *amp = memchr (raw + start, '&', len - start);
      gsize end = amp != NULL ? (gsize) (amp - raw) : len;
      const char *eq = memchr (raw + start, '=', end - start);
      gsize name_end = eq != NULL ? (gsize) (eq - raw) : end;
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (end == start)
        {
          /* "a=1&&b=2": an empty pair is ignored */
          start = end + 1;
          continue;
        }
      if (name_end == start)
        {
          g_set_error_literal (error, EL_HTTP_ERROR, EL_HTTP_ERROR_BAD_QUERY, "empty parameter name");
          return NULL;
        }
      name = percent_decode (raw + start, name_end - start, DECODE_QUERY, EL_HTTP_ERROR_BAD_QUERY, error);
      if (name == NULL)
        return NULL;
      if (eq != NULL)
        value = percent_decode (eq + 1, end - name_end - 1, DECODE_QUERY, EL_HTTP_ERROR_BAD_QUERY, error);
      else
        value = g_strdup ("");
      if (value == NULL)
        return NULL;
      if (g_hash_table_contains (params, name))
        {
          g_set_error_literal (error, EL_HTTP_ERROR, EL_HTTP_ERROR_BAD_QUERY, "repeated query parameter");
          return NULL;
        }
      if (g_hash_table_size (params) == EL_HTTP_MAX_QUERY_PARAMS)
        {
          g_set_error (error, EL_HTTP_ERROR, EL_HTTP_ERROR_BAD_QUERY, "more than %d query parameters",
                       EL_HTTP_MAX_QUERY_PARAMS);
          return NULL;
        }
      g_hash_table_insert (params, g_steal_pointer (&name), g_steal_pointer (&value));
      start = end + 1;
    }

  return g_steal_pointer (&params);
}

static gboolean
is_literal_char (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static gboolean
is_param_name (const char *name, gsize len)
{
  if (len == 0 || !(g_ascii_islower (name[0]) || name[0] == '_'))
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if (!(g_ascii_islower (name[i]) || g_ascii_isdigit (name[i]) || name[i] == '_'))
      return FALSE;
  return TRUE;
}

static ElHttpTemplate *
bad_template (GError **error, const char *pattern, const char *what)
{
  g_set_error (error, EL_HTTP_ERROR, EL_HTTP_ERROR_BAD_TEMPLATE, "route template %s: %s", pattern, what);
  return NULL;
}

/**
 * el_http_template_new:
 * @pattern: a template such as `/api/v1/handoffs/{handoff_id}`
 * @error: %EL_HTTP_ERROR_BAD_TEMPLATE
 *
 * Returns: (transfer full) (nullable): the compiled template
 */
ElHttpTemplate *
el_http_template_new (const char *pattern, GError **error)
{
  g_autoptr (ElHttpTemplate) self = NULL;
  g_auto (GStrv) parts = NULL;
  guint n;

  g_return_val_if_fail (pattern != NULL, NULL);

  if (pattern[0] != '/')
    return bad_template (error, pattern, "must start with /");

  self = g_new0 (ElHttpTemplate, 1);
  self->pattern = g_strdup (pattern);
  if (pattern[1] == '\0')
    return g_steal_pointer (&self);

  parts = g_strsplit (pattern + 1, "/", -1);
  n = g_strv_length (parts);
  if (n > EL_HTTP_MAX_SEGMENTS)
    return bad_template (error, pattern, "too many segments");
  self->segments = g_new0 (TemplateSegment, n);
  self->n_segments = n;

  for (guint i = 0; i < n; i++)
    {
      const char *part = parts[i];
      gsize len = strlen (part);

      if (len >= 2 && part[0] == '{' && part[len - 1] == '}')
        {
          if (!is_param_name (part + 1, len - 2))
            return bad_template (error, pattern, "bad parameter name");
          self->segments[i].param = g_strndup (part + 1, len - 2);
          for (guint j = 0; j < i; j++)
            if (self->segments[j].param != NULL &&
                g_str_equal (self->segments[j].param, self->segments[i].param))
              return bad_template (error, pattern, "repeated parameter name");
          self->n_params++;
        }
      else
        {
          if (len == 0 || g_str_equal (part, ".") || g_str_equal (part, ".."))
            return bad_template (error, pattern, "empty or dot segment");
          for (gsize k = 0; k < len; k++)
            if (!is_literal_char (part[k]))
              return bad_template (error, pattern, "a literal segment may only use A-Z a-z 0-9 - . _ ~");
          self->segments[i].literal = g_strdup (part);
        }
    }

  return g_steal_pointer (&self);
}

void
el_http_template_free (ElHttpTemplate *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->n_segments; i++)
    {
      g_free (self->segments[i].literal);
      g_free (self->segments[i].param);
    }
  g_free (self->segments);
  g_free (self->pattern);
  g_free (self);
}

const char *
el_http_template_get_pattern (const ElHttpTemplate *self)
{
  return self->pattern;
}

guint
el_http_template_get_n_params (const ElHttpTemplate *self)
{
  return self->n_params;
}

/**
 * el_http_template_match:
 * @self: a template
 * @path: a parsed path
 * @params: (nullable): when the path matches, receives parameter name → decoded value (copies)
 *
 * Returns: %TRUE if @path matches @self exactly
 */
gboolean
el_http_template_match (const ElHttpTemplate *self, const ElHttpPath *path, GHashTable *params)
{
  if (path->n_segments != self->n_segments)
    return FALSE;

  for (guint i = 0; i < self->n_segments; i++)
    {
      const TemplateSegment *seg = &self->segments[i];

      if (seg->literal != NULL ? !g_str_equal (seg->literal, path->segments[i])
                               : path->segments[i][0] == '\0')
        return FALSE;
    }

  if (params != NULL)
    for (guint i = 0; i < self->n_segments; i++)
      if (self->segments[i].param != NULL)
        g_hash_table_insert (params, g_strdup (self->segments[i].param), g_strdup (path->segments[i]));

  return TRUE;
}
