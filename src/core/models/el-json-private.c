/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "el-json-private.h"
#include "el-model-types.h"

#include <math.h>
#include <string.h>

/* Paths and errors */

static void
append_path (GString *str, const ElJsonPath *path)
{
  if (path == NULL)
    return;
  append_path (str, path->parent);
  if (path->member != NULL)
    {
      if (str->len > 0)
        g_string_append_c (str, '.');
      g_string_append (str, path->member);
    }
  else
    {
      g_string_append_printf (str, "[%u]", path->index);
    }
}

char *
el_json_path_to_string (const ElJsonPath *path)
{
  GString *str = g_string_new (NULL);

  append_path (str, path);
  if (str->len == 0)
    g_string_append (str, "(document)");
  return g_string_free (str, FALSE);
}

guint
el_json_path_depth (const ElJsonPath *path)
{
  guint depth = 0;

  for (; path != NULL; path = path->parent)
    depth++;
  return depth;
}

void
el_json_set_error (GError **error, ElModelError code, const ElJsonPath *path, const char *format, ...)
{
  g_autofree char *where = NULL;
  g_autofree char *what = NULL;
  va_list args;

  if (error == NULL)
    return;

  where = el_json_path_to_string (path);
  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, EL_MODEL_ERROR, code, "%s: %s", where, what);
}

static const char *
describe_node (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
      case JSON_NODE_OBJECT:
        return "an object";
      case JSON_NODE_ARRAY:
        return "an array";
      case JSON_NODE_NULL:
        return "null";
      case JSON_NODE_VALUE:
      default:
        break;
    }

  switch (json_node_get_value_type (node))
    {
      case G_TYPE_STRING:
        return "a string";
      case G_TYPE_BOOLEAN:
        return "a boolean";
      case G_TYPE_INT64:
      case G_TYPE_DOUBLE:
        return "a number";
      default:
        return "an unknown value";
    }
}

static gboolean
wrong_type (GError **error, const ElJsonPath *path, const char *expected, JsonNode *node)
{
  el_json_set_error (error, EL_MODEL_ERROR_WRONG_TYPE, path, "expected %s, found %s", expected,
                     describe_node (node));
  return FALSE;
}

/* Numbers (without libm, which core does not link) */

gboolean
el_double_is_integral (double value)
{
  /* Every double of magnitude 2^53 or more is an integer. */
  if (!isfinite (value))
    return FALSE;
  if (value >= 9007199254740992.0 || value <= -9007199254740992.0)
    return TRUE;
  return (double) (gint64) value == value;
}

/* "No known allergies" is written as no_known_allergies: true, never as an allergy item: an
 * "NKDA" substance would be read as an allergy by one reader and as none by another. */
gboolean
el_allergy_is_none_marker (const char *substance)
{
  static const char *const markers[] = { "NKDA", "NKA", "none", "no known allergies",
                                         "no known drug allergies" };
  g_autofree char *stripped = g_strstrip (g_strdup (substance));

  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    if (g_ascii_strcasecmp (stripped, markers[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Enums */

const char *
el_enum_to_nick (GType type, int value)
{
  GEnumClass *klass = g_type_class_ref (type);
  GEnumValue *enum_value = g_enum_get_value (klass, value);

  /* The class of a static enum type is never finalized: its values outlive this reference. */
  g_type_class_unref (klass);
  return enum_value != NULL ? enum_value->value_nick : NULL;
}

gboolean
el_enum_from_nick (GType type, const char *nick, int *value)
{
  GEnumClass *klass;
  GEnumValue *enum_value;

  if (nick == NULL)
    return FALSE;

  klass = g_type_class_ref (type);
  enum_value = g_enum_get_value_by_nick (klass, nick);
  g_type_class_unref (klass);
  if (enum_value == NULL)
    return FALSE;
  *value = enum_value->value;
  return TRUE;
}

/* Syntax check: a strict RFC 8259 scanner that runs before json-glib, which accepts comments,
 * single quotes and trailing data, silently wraps integers that overflow 64 bits and has no depth
 * limit (deep nesting overflows its stack). */

typedef enum
{
  SCAN_VALUE,
  SCAN_VALUE_OR_CLOSE,
  SCAN_KEY,
  SCAN_KEY_OR_CLOSE,
  SCAN_COLON,
  SCAN_COMMA_OR_CLOSE,
  SCAN_END,
} ScanState;

static gboolean
malformed (GError **error, const char *what)
{
  g_set_error (error, EL_MODEL_ERROR, EL_MODEL_ERROR_MALFORMED, "(document): not valid JSON: %s", what);
  return FALSE;
}

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

/* Reads the 4 hex digits of a \u escape at @p (after "\u"). */
static gboolean
read_hex4 (const char *p, const char *end, guint *out)
{
  guint value = 0;

  if (end - p < 4)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      int digit = hex_value (p[i]);

      if (digit < 0)
        return FALSE;
      value = value * 16 + (guint) digit;
    }
  *out = value;
  return TRUE;
}

static gboolean
scan_string (const char **pos, const char *end, GError **error)
{
  const char *p = *pos + 1;

  while (p < end)
    {
      guchar c = (guchar) *p;

      if (c == '"')
        {
          *pos = p + 1;
          return TRUE;
        }
      if (c < 0x20)
        return malformed (error, "control character in a string");
      if (c != '\\')
        {
          p++;
          continue;
        }

      if (p + 1 >= end)
        break;
      switch (p[1])
        {
          case '"':
          case '\\':
          case '/':
          case 'b':
          case 'f':
          case 'n':
          case 'r':
          case 't':
            p += 2;
            break;
          case 'u':
            {
              guint unit;

              if (!read_hex4 (p + 2, end, &unit))
                return malformed (error, "bad \\u escape");
              if (unit == 0)
                return malformed (error, "NUL character in a string");
              if (unit >= 0xdc00 && unit <= 0xdfff)
                return malformed (error, "unpaired surrogate in a string");
              p += 6;
              if (unit >= 0xd800 && unit <= 0xdbff)
                {
                  guint low;

                  if (end - p < 2 || p[0] != '\\' || p[1] != 'u' || !read_hex4 (p + 2, end, &low) ||
                      low < 0xdc00 || low > 0xdfff)
                    return malformed (error, "unpaired surrogate in a string");
                  p += 6;
                }
              break;
            }
          default:
            return malformed (error, "bad escape in a string");
        }
    }
  return malformed (error, "unterminated string");
}

static gboolean
scan_number (const char **pos, const char *end, GError **error)
{
  const char *p = *pos;
  gboolean negative = FALSE;
  gboolean integral = TRUE;
  gboolean overflow = FALSE;
  guint64 magnitude = 0;

  if (*p == '-')
    {
      negative = TRUE;
      p++;
    }
  if (p >= end || !g_ascii_isdigit (*p))
    return malformed (error, "bad number");
  if (*p == '0')
    {
      p++;
    }
  else
    {
      for (; p < end && g_ascii_isdigit (*p); p++)
        {
          guint digit = (guint) (*p - '0');

          if (magnitude > (G_MAXUINT64 - digit) / 10)
            overflow = TRUE;
          else
            magnitude = magnitude * 10 + digit;
        }
    }
  if (p < end && *p == '.')
    {
      integral = FALSE;
      p++;
      if (p >= end || !g_ascii_isdigit (*p))
        return malformed (error, "bad number");
      while (p < end && g_ascii_isdigit (*p))
        p++;
    }
  if (p < end && (*p == 'e' || *p == 'E'))
    {
      integral = FALSE;
      p++;
      if (p < end && (*p == '+' || *p == '-'))
        p++;
      if (p >= end || !g_ascii_isdigit (*p))
        return malformed (error, "bad number");
      while (p < end && g_ascii_isdigit (*p))
        p++;
    }

  if (integral && (overflow || magnitude > (guint64) G_MAXINT64 + (negative ? 1 : 0)))
    {
      g_set_error_literal (error, EL_MODEL_ERROR, EL_MODEL_ERROR_OUT_OF_RANGE,
                           "(document): an integer is outside the 64-bit range");
      return FALSE;
    }
  *pos = p;
  return TRUE;
}

static gboolean
scan_literal (const char **pos, const char *end)
{
  static const char *const literals[] = { "true", "false", "null" };

  for (guint i = 0; i < G_N_ELEMENTS (literals); i++)
    {
      gsize len = strlen (literals[i]);

      if ((gsize) (end - *pos) >= len && memcmp (*pos, literals[i], len) == 0)
        {
          *pos += len;
          return TRUE;
        }
    }
  return FALSE;
}

gboolean
el_json_check_syntax (const char *data, gsize len, GError **error)
{
  char stack[EL_MODEL_MAX_DEPTH];
  guint depth = 0;
  ScanState state = SCAN_VALUE;
  const char *p = data;
  const char *end = data + len;

  while (p < end)
    {
      char c = *p;

      if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        {
          p++;
          continue;
        }

      switch (state)
        {
          case SCAN_END:
            return malformed (error, "data after the document");

          case SCAN_COLON:
            if (c != ':')
              return malformed (error, "expected ':'");
            p++;
            state = SCAN_VALUE;
            continue;

          case SCAN_KEY:
          case SCAN_KEY_OR_CLOSE:
            if (c == '}' && state == SCAN_KEY_OR_CLOSE)
              {
                p++;
                depth--;
                state = depth == 0 ? SCAN_END : SCAN_COMMA_OR_CLOSE;
                continue;
              }
            if (c != '"')
              return malformed (error, "expected a member name");
            if (!scan_string (&p, end, error))
              return FALSE;
            state = SCAN_COLON;
            continue;

          case SCAN_COMMA_OR_CLOSE:
            if (c == ',')
              {
                p++;
                state = stack[depth - 1] == '{' ? SCAN_KEY : SCAN_VALUE;
                continue;
              }
            if ((c == '}' && stack[depth - 1] == '{') || (c == ']' && stack[depth - 1] == '['))
              {
                p++;
                depth--;
                state = depth == 0 ? SCAN_END : SCAN_COMMA_OR_CLOSE;
                continue;
              }
            return malformed (error, "expected ',' or the end of a container");

          case SCAN_VALUE:
          case SCAN_VALUE_OR_CLOSE:
          default:
            break;
        }

      /* A value */
      if (c == ']' && state == SCAN_VALUE_OR_CLOSE)
        {
          p++;
          depth--;
          state = depth == 0 ? SCAN_END : SCAN_COMMA_OR_CLOSE;
          continue;
        }
      if (c == '{' || c == '[')
        {
          if (depth == EL_MODEL_MAX_DEPTH)
            {
              g_set_error (error, EL_MODEL_ERROR, EL_MODEL_ERROR_TOO_LONG,
                           "(document): nested deeper than %d levels", EL_MODEL_MAX_DEPTH);
              return FALSE;
            }
          stack[depth++] = c;
          p++;
          state = c == '{' ? SCAN_KEY_OR_CLOSE : SCAN_VALUE_OR_CLOSE;
          continue;
        }
      if (c == '"')
        {
          if (!scan_string (&p, end, error))
            return FALSE;
        }
      else if (c == '-' || g_ascii_isdigit (c))
        {
          if (!scan_number (&p, end, error))
            return FALSE;
        }
      else if (!scan_literal (&p, end))
        {
          return malformed (error, "unexpected character");
        }
      state = depth == 0 ? SCAN_END : SCAN_COMMA_OR_CLOSE;
    }

  if (state != SCAN_END)
    return malformed (error, "unexpected end of the document");
  return TRUE;
}

JsonNode *
el_json_parse_document (const char *data, gssize len, GError **error)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GError) local_error = NULL;
  JsonNode *root;
  gsize size;

  if (data == NULL)
    {
      g_set_error_literal (error, EL_MODEL_ERROR, EL_MODEL_ERROR_MALFORMED, "(document): no data");
      return NULL;
    }

  size = len < 0 ? strnlen (data, EL_MODEL_MAX_DOCUMENT_BYTES + 1) : (gsize) len;
  if (size > EL_MODEL_MAX_DOCUMENT_BYTES)
    {
      g_set_error (error, EL_MODEL_ERROR, EL_MODEL_ERROR_TOO_LONG, "(document): larger than %d bytes",
                   EL_MODEL_MAX_DOCUMENT_BYTES);
      return NULL;
    }
  if (memchr (data, '\0', size) != NULL)
    {
      g_set_error_literal (error, EL_MODEL_ERROR, EL_MODEL_ERROR_MALFORMED,
                           "(document): contains a NUL byte");
      return NULL;
    }
  if (!g_utf8_validate_len (data, size, NULL))
    {
      g_set_error_literal (error, EL_MODEL_ERROR, EL_MODEL_ERROR_MALFORMED, "(document): not valid UTF-8");
      return NULL;
    }
  if (!el_json_check_syntax (data, size, error))
    return NULL;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, (gssize) size, &local_error))
    {
      /* json-glib's message quotes the input: keep it out of ours. */
      g_set_error_literal (error, EL_MODEL_ERROR, EL_MODEL_ERROR_MALFORMED, "(document): not valid JSON");
      return NULL;
    }
  root = json_parser_steal_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, EL_MODEL_ERROR, EL_MODEL_ERROR_MALFORMED, "(document): empty");
      return NULL;
    }
  return root;
}

/* Generator */

/* The escape of a byte that needs one, or %NULL (then 0x00-0x1f not listed: \u00XX). */
static const char *
short_escape (guchar c)
{
  switch (c)
    {
      case '"':
        return "\\\"";
      case '\\':
        return "\\\\";
      case '\b':
        return "\\b";
      case '\f':
        return "\\f";
      case '\n':
        return "\\n";
      case '\r':
        return "\\r";
      case '\t':
        return "\\t";
      default:
        return NULL;
    }
}

static inline gboolean
needs_escape (guchar c)
{
  return c < 0x20 || c == '"' || c == '\\';
}

#define BYTES_OF(b) (G_GUINT64_CONSTANT (0x0101010101010101) * (b))
#define HIGH_BITS   BYTES_OF (0x80)

/* Whether any of the 8 bytes of @v needs an escape: one below 0x20, a quote or a backslash (the bit
 * tricks "has a byte less than n" and "has a zero byte", exact as yes/no answers). */
static inline gboolean
word_needs_escape (guint64 v)
{
  guint64 quote = v ^ BYTES_OF ('"');
  guint64 backslash = v ^ BYTES_OF ('\\');
  guint64 below_space = (v - BYTES_OF (0x20)) & ~v;
  guint64 is_quote = (quote - BYTES_OF (1)) & ~quote;
  guint64 is_backslash = (backslash - BYTES_OF (1)) & ~backslash;

  return ((below_space | is_quote | is_backslash) & HIGH_BITS) != 0;
}

/* The bytes escapes add to @len bytes of @s, eight at a time where none is needed (most text). */
static gsize
escaped_extra (const guchar *s, gsize len)
{
  gsize extra = 0;
  gsize i = 0;

  for (; i + 8 <= len; i += 8)
    {
      guint64 v;

      memcpy (&v, s + i, sizeof v);
      if (G_LIKELY (!word_needs_escape (v)))
        continue;
      for (gsize j = i; j < i + 8; j++)
        if (needs_escape (s[j]))
          extra += short_escape (s[j]) != NULL ? 1 : 5;
    }
  for (; i < len; i++)
    if (needs_escape (s[i]))
      extra += short_escape (s[i]) != NULL ? 1 : 5;
  return extra;
}

/* Measures the escaped text first, then writes it into the string in place: one allocation at
 * most, no call per piece (the list endpoints write thousands of strings per response). */
static void
append_string (GString *out, const char *str)
{
  const guchar *s = (const guchar *) str;
  gsize len = strlen (str);
  gsize escaped = escaped_extra (s, len);
  gsize start = out->len;
  char *p;

  g_string_set_size (out, start + len + escaped + 2);
  p = out->str + start;
  *p++ = '"';
  if (escaped == 0)
    {
      memcpy (p, s, len);
      p += len;
    }
  else
    for (gsize i = 0; i < len; i++)
      {
        const char *escape;

        if (!needs_escape (s[i]))
          {
            *p++ = (char) s[i];
            continue;
          }
        escape = short_escape (s[i]);
        if (escape != NULL)
          {
            *p++ = escape[0];
            *p++ = escape[1];
            continue;
          }
        *p++ = '\\';
        *p++ = 'u';
        *p++ = '0';
        *p++ = '0';
        *p++ = "0123456789abcdef"[s[i] >> 4];
        *p++ = "0123456789abcdef"[s[i] & 0xf];
      }
  *p++ = '"';
  g_assert (p == out->str + out->len);
}

/**
 * el_json_append_string:
 * @out: where to append
 * @str: UTF-8 text
 *
 * Appends @str as a JSON string literal, quotes included, escaped exactly as el_json_node_to_data()
 * escapes strings (for code that writes JSON text directly, such as the server's list endpoints).
 */
void
el_json_append_string (GString *out, const char *str)
{
  append_string (out, str);
}

/* An integer in decimal without printf. */
static void
append_int64 (GString *out, gint64 value)
{
  char buf[24];
  char *end = buf + sizeof buf;
  char *p = end;
  guint64 magnitude = value < 0 ? (guint64) 0 - (guint64) value : (guint64) value;

  do
    {
      *--p = (char) ('0' + magnitude % 10);
      magnitude /= 10;
    }
  while (magnitude != 0);
  if (value < 0)
    *--p = '-';
  g_string_append_len (out, p, end - p);
}

static void
append_double (GString *out, double value)
{
  static const char *const formats[] = { "%.15g", "%.16g", "%.17g" };
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buf, sizeof buf, formats[i], value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }
  g_string_append (out, buf);
  if (strpbrk (buf, ".eE") == NULL)
    g_string_append (out, ".0");
}

static void
append_node (GString *out, JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
      case JSON_NODE_OBJECT:
        {
          JsonObjectIter iter;
          const char *name;
          JsonNode *member;
          gboolean first = TRUE;

          g_string_append_c (out, '{');
          json_object_iter_init_ordered (&iter, json_node_get_object (node));
          while (json_object_iter_next_ordered (&iter, &name, &member))
            {
              if (!first)
                g_string_append_c (out, ',');
              first = FALSE;
              append_string (out, name);
              g_string_append_c (out, ':');
              append_node (out, member);
            }
          g_string_append_c (out, '}');
          break;
        }

      case JSON_NODE_ARRAY:
        {
          JsonArray *array = json_node_get_array (node);
          guint n = json_array_get_length (array);

          g_string_append_c (out, '[');
          for (guint i = 0; i < n; i++)
            {
              if (i > 0)
                g_string_append_c (out, ',');
              append_node (out, json_array_get_element (array, i));
            }
          g_string_append_c (out, ']');
          break;
        }

      case JSON_NODE_VALUE:
        switch (json_node_get_value_type (node))
          {
            case G_TYPE_STRING:
              append_string (out, json_node_get_string (node) != NULL ? json_node_get_string (node) : "");
              break;
            case G_TYPE_BOOLEAN:
              g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
              break;
            case G_TYPE_INT64:
              append_int64 (out, json_node_get_int (node));
              break;
            case G_TYPE_DOUBLE:
              append_double (out, json_node_get_double (node));
              break;
            default:
              g_string_append (out, "null");
              break;
          }
        break;

      case JSON_NODE_NULL:
      default:
        g_string_append (out, "null");
        break;
    }
}

char *
el_json_generate (JsonNode *node, gsize *len)
{
  GString *out = g_string_sized_new (512);

  append_node (out, node);
  if (len != NULL)
    *len = out->len;
  return g_string_free (out, FALSE);
}

/* Node readers */

gboolean
el_json_node_get_object (JsonNode *node, const ElJsonPath *path, JsonObject **out, GError **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return wrong_type (error, path, "an object", node);
  *out = json_node_get_object (node);
  return TRUE;
}

gboolean
el_json_node_get_array (
    JsonNode *node, const ElJsonPath *path, guint max_items, JsonArray **out, GError **error)
{
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return wrong_type (error, path, "an array", node);
  array = json_node_get_array (node);
  if (json_array_get_length (array) > max_items)
    {
      el_json_set_error (error, EL_MODEL_ERROR_TOO_LONG, path, "more than %u items", max_items);
      return FALSE;
    }
  *out = array;
  return TRUE;
}

gboolean
el_json_node_get_string (
    JsonNode *node, const ElJsonPath *path, gsize max_bytes, const char **out, GError **error)
{
  const char *str;
  gsize len;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return wrong_type (error, path, "a string", node);
  str = json_node_get_string (node);
  if (str == NULL)
    str = "";
  len = strnlen (str, max_bytes + 1);
  if (len > max_bytes)
    {
      el_json_set_error (error, EL_MODEL_ERROR_TOO_LONG, path, "longer than %" G_GSIZE_FORMAT " bytes",
                         max_bytes);
      return FALSE;
    }
  if (!g_utf8_validate_len (str, len, NULL))
    {
      el_json_set_error (error, EL_MODEL_ERROR_MALFORMED, path, "not valid UTF-8");
      return FALSE;
    }
  *out = str;
  return TRUE;
}

static gboolean
get_number (JsonNode *node,
            const ElJsonPath *path,
            double *as_double,
            gint64 *as_int,
            gboolean *is_int,
            GError **error)
{
  if (!JSON_NODE_HOLDS_VALUE (node))
    return wrong_type (error, path, "a number", node);

  switch (json_node_get_value_type (node))
    {
      case G_TYPE_INT64:
        *as_int = json_node_get_int (node);
        *as_double = (double) *as_int;
        *is_int = TRUE;
        return TRUE;
      case G_TYPE_DOUBLE:
        *as_double = json_node_get_double (node);
        *is_int = FALSE;
        if (!isfinite (*as_double))
          {
            el_json_set_error (error, EL_MODEL_ERROR_OUT_OF_RANGE, path, "not a finite number");
            return FALSE;
          }
        return TRUE;
      default:
        return wrong_type (error, path, "a number", node);
    }
}

gboolean
el_json_node_get_int (
    JsonNode *node, const ElJsonPath *path, gint64 min, gint64 max, gint64 *out, GError **error)
{
  double as_double;
  gint64 as_int = 0;
  gboolean is_int;

  if (!get_number (node, path, &as_double, &as_int, &is_int, error))
    return FALSE;

  if (!is_int)
    {
      if (!el_double_is_integral (as_double))
        return wrong_type (error, path, "an integer", node);
      /* Bounds are at most 2^53 in magnitude: both conversions are exact. */
      if (as_double < (double) min || as_double > (double) max)
        goto out_of_range;
      as_int = (gint64) as_double;
    }
  if (as_int < min || as_int > max)
    goto out_of_range;

  *out = as_int;
  return TRUE;

out_of_range:
  el_json_set_error (error, EL_MODEL_ERROR_OUT_OF_RANGE, path,
                     "outside %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT, min, max);
  return FALSE;
}

gboolean
el_json_node_get_double (
    JsonNode *node, const ElJsonPath *path, double min, double max, double *out, GError **error)
{
  double value;
  gint64 as_int;
  gboolean is_int;

  if (!get_number (node, path, &value, &as_int, &is_int, error))
    return FALSE;
  if (value < min || value > max)
    {
      el_json_set_error (error, EL_MODEL_ERROR_OUT_OF_RANGE, path, "outside %g..%g", min, max);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

static gboolean
check_any (JsonNode *node, const ElJsonPath *path, guint depth, GError **error)
{
  if ((JSON_NODE_HOLDS_OBJECT (node) || JSON_NODE_HOLDS_ARRAY (node)) && depth > EL_MODEL_MAX_DEPTH)
    {
      el_json_set_error (error, EL_MODEL_ERROR_TOO_LONG, path, "nested deeper than %d levels",
                         EL_MODEL_MAX_DEPTH);
      return FALSE;
    }

  switch (JSON_NODE_TYPE (node))
    {
      case JSON_NODE_OBJECT:
        {
          JsonObjectIter iter;
          const char *name;
          JsonNode *member;

          /* Member names are not part of the path: they may come from the input. */
          json_object_iter_init (&iter, json_node_get_object (node));
          while (json_object_iter_next (&iter, &name, &member))
            {
              if (!g_utf8_validate (name, -1, NULL))
                {
                  el_json_set_error (error, EL_MODEL_ERROR_MALFORMED, path,
                                     "a member name is not valid UTF-8");
                  return FALSE;
                }
              if (!check_any (member, path, depth + 1, error))
                return FALSE;
            }
          return TRUE;
        }

      case JSON_NODE_ARRAY:
        {
          JsonArray *array;
          guint n;

          if (!el_json_node_get_array (node, path, EL_MODEL_MAX_ARRAY_ITEMS, &array, error))
            return FALSE;
          n = json_array_get_length (array);
          for (guint i = 0; i < n; i++)
            {
              ElJsonPath item = { path, NULL, i };

              if (!check_any (json_array_get_element (array, i), &item, depth + 1, error))
                return FALSE;
            }
          return TRUE;
        }

      case JSON_NODE_VALUE:
        switch (json_node_get_value_type (node))
          {
            case G_TYPE_STRING:
              {
                const char *str;

                return el_json_node_get_string (node, path, EL_MODEL_MAX_TEXT_BYTES, &str, error);
              }
            case G_TYPE_INT64:
            case G_TYPE_DOUBLE:
              {
                double value;

                return el_json_node_get_double (node, path, -G_MAXDOUBLE, G_MAXDOUBLE, &value, error);
              }
            case G_TYPE_BOOLEAN:
              return TRUE;
            default:
              return wrong_type (error, path, "a JSON value", node);
          }

      case JSON_NODE_NULL:
      default:
        return TRUE;
    }
}

/* Any JSON value: strings valid UTF-8 within the free-text limit, arrays within the item limit,
 * finite numbers, and the document depth limit counted from the root. */
gboolean
el_json_node_check_any (JsonNode *node, const ElJsonPath *path, GError **error)
{
  return check_any (node, path, el_json_path_depth (path) + 1, error);
}

/* Member readers */

/* Looks up @path's member in @obj: *node is NULL when it is absent (an error if required). */
static gboolean
lookup_member (
    JsonObject *obj, const ElJsonPath *path, ElJsonPresence presence, JsonNode **node, GError **error)
{
  *node = json_object_get_member (obj, path->member);
  if (*node == NULL && presence == EL_JSON_REQUIRED)
    {
      el_json_set_error (error, EL_MODEL_ERROR_MISSING_FIELD, path, "required member is missing");
      return FALSE;
    }
  return TRUE;
}

static gboolean
mark_absent (gboolean *present)
{
  if (present != NULL)
    *present = FALSE;
  return TRUE;
}

gboolean
el_json_read_object (JsonObject *obj,
                     const ElJsonPath *obj_path,
                     const char *member,
                     ElJsonPresence presence,
                     JsonObject **out,
                     GError **error)
{
  ElJsonPath path = { obj_path, member, 0 };
  JsonNode *node;

  if (!lookup_member (obj, &path, presence, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  return el_json_node_get_object (node, &path, out, error);
}

gboolean
el_json_read_array (JsonObject *obj,
                    const ElJsonPath *obj_path,
                    const char *member,
                    ElJsonPresence presence,
                    guint max_items,
                    JsonArray **out,
                    GError **error)
{
  ElJsonPath path = { obj_path, member, 0 };
  JsonNode *node;

  if (!lookup_member (obj, &path, presence, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  return el_json_node_get_array (node, &path, max_items, out, error);
}

gboolean
el_json_read_string (JsonObject *obj,
                     const ElJsonPath *obj_path,
                     const char *member,
                     ElJsonPresence presence,
                     gsize max_bytes,
                     char **out,
                     GError **error)
{
  const char *str;

  ElJsonPath path = { obj_path, member, 0 };
  JsonNode *node;

  if (!lookup_member (obj, &path, presence, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!el_json_node_get_string (node, &path, max_bytes, &str, error))
    return FALSE;
  g_free (*out);
  *out = g_strdup (str);
  return TRUE;
}

gboolean
el_json_read_uuid (JsonObject *obj,
                   const ElJsonPath *obj_path,
                   const char *member,
                   ElJsonPresence presence,
                   char **out,
                   GError **error)
{
  const char *str;

  ElJsonPath path = { obj_path, member, 0 };
  JsonNode *node;

  if (!lookup_member (obj, &path, presence, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!el_json_node_get_string (node, &path, EL_MODEL_MAX_SHORT_STRING_BYTES, &str, error))
    return FALSE;
  if (!el_uuid_is_valid (str))
    {
      el_json_set_error (error, EL_MODEL_ERROR_OUT_OF_RANGE, &path, "not a canonical lowercase UUID");
      return FALSE;
    }
  g_free (*out);
  *out = g_strdup (str);
  return TRUE;
}

gboolean
el_json_read_nullable_uuid (
    JsonObject *obj, const ElJsonPath *obj_path, const char *member, char **out, GError **error)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node != NULL && JSON_NODE_HOLDS_NULL (node))
    {
      g_clear_pointer (out, g_free);
      return TRUE;
    }
  return el_json_read_uuid (obj, obj_path, member, EL_JSON_REQUIRED, out, error);
}

gboolean
el_json_read_timestamp (JsonObject *obj,
                        const ElJsonPath *obj_path,
                        const char *member,
                        ElJsonPresence presence,
                        GDateTime **out,
                        GError **error)
{
  const char *str;
  GDateTime *timestamp;

  ElJsonPath path = { obj_path, member, 0 };
  JsonNode *node;

  if (!lookup_member (obj, &path, presence, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!el_json_node_get_string (node, &path, EL_MODEL_MAX_SHORT_STRING_BYTES, &str, error))
    return FALSE;
  timestamp = el_timestamp_parse (str);
  if (timestamp == NULL)
    {
      el_json_set_error (error, EL_MODEL_ERROR_OUT_OF_RANGE, &path,
                         "not an RFC 3339 timestamp with a time zone");
      return FALSE;
    }
  g_clear_pointer (out, g_date_time_unref);
  *out = timestamp;
  return TRUE;
}

gboolean
el_json_read_date (JsonObject *obj,
                   const ElJsonPath *obj_path,
                   const char *member,
                   ElJsonPresence presence,
                   GDate *out,
                   GError **error)
{
  const char *str;

  ElJsonPath path = { obj_path, member, 0 };
  JsonNode *node;

  if (!lookup_member (obj, &path, presence, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!el_json_node_get_string (node, &path, EL_MODEL_MAX_SHORT_STRING_BYTES, &str, error))
    return FALSE;
  if (!el_date_parse (str, out))
    {
      el_json_set_error (error, EL_MODEL_ERROR_OUT_OF_RANGE, &path, "not a YYYY-MM-DD calendar date");
      return FALSE;
    }
  return TRUE;
}

gboolean
el_json_read_clock_time (JsonObject *obj,
                         const ElJsonPath *obj_path,
                         const char *member,
                         ElJsonPresence presence,
                         char **out,
                         GError **error)
{
  const char *str;

  ElJsonPath path = { obj_path, member, 0 };
  JsonNode *node;

  if (!lookup_member (obj, &path, presence, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!el_json_node_get_string (node, &path, EL_MODEL_MAX_SHORT_STRING_BYTES, &str, error))
    return FALSE;
  if (!el_clock_time_is_valid (str))
    {
      el_json_set_error (error, EL_MODEL_ERROR_OUT_OF_RANGE, &path, "not a 24-hour HH:MM time");
      return FALSE;
    }
  g_free (*out);
  *out = g_strdup (str);
  return TRUE;
}

gboolean
el_json_read_int (JsonObject *obj,
                  const ElJsonPath *obj_path,
                  const char *member,
                  ElJsonPresence presence,
                  gint64 min,
                  gint64 max,
                  gint64 *out,
                  gboolean *present,
                  GError **error)
{
  ElJsonPath path = { obj_path, member, 0 };
  JsonNode *node;

  if (!lookup_member (obj, &path, presence, &node, error))
    return FALSE;
  if (node == NULL)
    return mark_absent (present);
  if (!el_json_node_get_int (node, &path, min, max, out, error))
    return FALSE;
  if (present != NULL)
    *present = TRUE;
  return TRUE;
}

gboolean
el_json_read_double (JsonObject *obj,
                     const ElJsonPath *obj_path,
                     const char *member,
                     ElJsonPresence presence,
                     double min,
                     double max,
                     double *out,
                     gboolean *present,
                     GError **error)
{
  ElJsonPath path = { obj_path, member, 0 };
  JsonNode *node;

  if (!lookup_member (obj, &path, presence, &node, error))
    return FALSE;
  if (node == NULL)
    return mark_absent (present);
  if (!el_json_node_get_double (node, &path, min, max, out, error))
    return FALSE;
  if (present != NULL)
    *present = TRUE;
  return TRUE;
}

gboolean
el_json_read_boolean (JsonObject *obj,
                      const ElJsonPath *obj_path,
                      const char *member,
                      ElJsonPresence presence,
                      gboolean *out,
                      gboolean *present,
                      GError **error)
{
  ElJsonPath path = { obj_path, member, 0 };
  JsonNode *node;

  if (!lookup_member (obj, &path, presence, &node, error))
    return FALSE;
  if (node == NULL)
    return mark_absent (present);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return wrong_type (error, &path, "a boolean", node);
  *out = json_node_get_boolean (node);
  if (present != NULL)
    *present = TRUE;
  return TRUE;
}

gboolean
el_json_read_enum (JsonObject *obj,
                   const ElJsonPath *obj_path,
                   const char *member,
                   ElJsonPresence presence,
                   GType type,
                   int *out,
                   gboolean *present,
                   GError **error)
{
  const char *str;

  ElJsonPath path = { obj_path, member, 0 };
  JsonNode *node;

  if (!lookup_member (obj, &path, presence, &node, error))
    return FALSE;
  if (node == NULL)
    return mark_absent (present);
  if (!el_json_node_get_string (node, &path, EL_MODEL_MAX_SHORT_STRING_BYTES, &str, error))
    return FALSE;
  if (!el_enum_from_nick (type, str, out))
    {
      el_json_set_error (error, EL_MODEL_ERROR_OUT_OF_RANGE, &path, "not one of the allowed values");
      return FALSE;
    }
  if (present != NULL)
    *present = TRUE;
  return TRUE;
}

/* Writers */

void
el_json_put_string (JsonObject *obj, const char *member, const char *value)
{
  if (value != NULL)
    json_object_set_string_member (obj, member, value);
}

void
el_json_put_timestamp (JsonObject *obj, const char *member, GDateTime *value)
{
  g_autofree char *str = NULL;

  if (value == NULL)
    return;
  str = el_timestamp_format (value);
  if (str != NULL)
    json_object_set_string_member (obj, member, str);
}

void
el_json_put_date (JsonObject *obj, const char *member, const GDate *value)
{
  g_autofree char *str = NULL;

  if (value == NULL || !g_date_valid (value))
    return;
  str = el_date_format (value);
  if (str != NULL)
    json_object_set_string_member (obj, member, str);
}

/* Integral values are written as integers (`88`, not `88.0`). */
void
el_json_put_number (JsonObject *obj, const char *member, double value)
{
  if (el_double_is_integral (value) && value <= (double) EL_MODEL_MAX_INTEGER &&
      value >= -(double) EL_MODEL_MAX_INTEGER)
    json_object_set_int_member (obj, member, (gint64) value);
  else
    json_object_set_double_member (obj, member, value);
}

void
el_json_put_enum (JsonObject *obj, const char *member, GType type, int value)
{
  const char *nick = el_enum_to_nick (type, value);

  if (nick != NULL)
    json_object_set_string_member (obj, member, nick);
}

/* Setter helpers */

gboolean
el_set_string (char **field, const char *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

gboolean
el_set_timestamp (GDateTime **field, GDateTime *value)
{
  g_autoptr (GDateTime) normalized = value != NULL ? el_timestamp_normalize (value) : NULL;

  if (*field == NULL && normalized == NULL)
    return FALSE;
  if (*field != NULL && normalized != NULL && g_date_time_equal (*field, normalized))
    return FALSE;
  g_clear_pointer (field, g_date_time_unref);
  *field = g_steal_pointer (&normalized);
  return TRUE;
}

gboolean
el_set_date (GDate *field, const GDate *value)
{
  gboolean was_valid = g_date_valid (field);
  gboolean is_valid = value != NULL && g_date_valid (value);

  if (!was_valid && !is_valid)
    return FALSE;
  if (was_valid && is_valid && g_date_compare (field, value) == 0)
    return FALSE;
  g_date_clear (field, 1);
  if (is_valid)
    g_date_set_julian (field, g_date_get_julian (value));
  return TRUE;
}

const GDate *
el_date_or_null (const GDate *date)
{
  return g_date_valid (date) ? date : NULL;
}
