/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Content-Digest (RFC 9530) as an RFC 8941 Structured Field Dictionary. */
#include "config.h"

#include "el-content-digest.h"

#include <string.h>

typedef struct
{
  const char *p;
  const char *end;
} Parser;

static gboolean
at (const Parser *parser, char c)
{
  return parser->p < parser->end && *parser->p == c;
}

static void
skip_sp (Parser *parser)
{
  while (parser->p < parser->end && *parser->p == ' ')
    parser->p++;
}

static void
skip_ows (Parser *parser)
{
  while (parser->p < parser->end && (*parser->p == ' ' || *parser->p == '\t'))
    parser->p++;
}

/* key = ( lcalpha / "*" ) *( lcalpha / DIGIT / "_" / "-" / "." / "*" ); upper case accepted too. */
static gboolean
parse_key (Parser *parser, const char **start, gsize *len)
{
  const char *begin = parser->p;

  if (parser->p >= parser->end || !(g_ascii_isalpha (*parser->p) || *parser->p == '*'))
    return FALSE;
  parser->p++;
  while (parser->p < parser->end && (g_ascii_isalnum (*parser->p) || strchr ("_-.*", *parser->p) != NULL))
    parser->p++;
  *start = begin;
  *len = (gsize) (parser->p - begin);
  return TRUE;
}

static gboolean
is_tchar (char c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("!#$%&'*+-.^_`|~", c) != NULL);
}

/* bare-item; a byte sequence's base64 is returned in @bytes/@bytes_len (else @bytes is NULL). */
static gboolean
parse_bare_item (Parser *parser, const char **bytes, gsize *bytes_len)
{
  char c;

  *bytes = NULL;
  if (parser->p >= parser->end)
    return FALSE;
  c = *parser->p;
  if (c == '-' || g_ascii_isdigit (c))
    {
      guint digits = 0, dots = 0;

      if (c == '-')
        parser->p++;
      while (parser->p < parser->end && (g_ascii_isdigit (*parser->p) || *parser->p == '.'))
        {
          if (*parser->p == '.')
            dots++;
          else
            digits++;
          parser->p++;
        }
      return digits >= 1 && digits <= 15 && dots <= 1 && parser->p[-1] != '.';
    }
  if (c == '"')
    {
      parser->p++;
      while (parser->p < parser->end)
        {
          c = *parser->p++;
          if (c == '"')
            return TRUE;
          if (c == '\\')
            {
              if (parser->p >= parser->end || (*parser->p != '"' && *parser->p != '\\'))
                return FALSE;
              parser->p++;
            }
          else if (c < 0x20 || c > 0x7e)
            return FALSE;
        }
      return FALSE;
    }
  if (c == '*' || g_ascii_isalpha (c))
    {
      parser->p++;
      while (parser->p < parser->end && (is_tchar (*parser->p) || *parser->p == ':' || *parser->p == '/'))
        parser->p++;
      return TRUE;
    }
  if (c == ':')
    {
      const char *begin = ++parser->p;

      while (parser->p < parser->end && (g_ascii_isalnum (*parser->p) || strchr ("+/=", *parser->p) != NULL))
        parser->p++;
      if (!at (parser, ':'))
        return FALSE;
      *bytes = begin;
      *bytes_len = (gsize) (parser->p - begin);
      parser->p++;
      return TRUE;
    }
  if (c == '?')
    {
      parser->p++;
      if (parser->p >= parser->end || (*parser->p != '0' && *parser->p != '1'))
        return FALSE;
      parser->p++;
      return TRUE;
    }
  return FALSE;
}

static gboolean
parse_parameters (Parser *parser)
{
  while (at (parser, ';'))
    {
      const char *key, *bytes;
      gsize key_len, bytes_len;

      parser->p++;
      skip_sp (parser);
      if (!parse_key (parser, &key, &key_len))
        return FALSE;
      if (at (parser, '='))
        {
          parser->p++;
          if (!parse_bare_item (parser, &bytes, &bytes_len))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
parse_inner_list (Parser *parser)
{
  parser->p++; /* ( */
  while (parser->p < parser->end)
    {
      const char *bytes;
      gsize bytes_len;

      skip_sp (parser);
      if (at (parser, ')'))
        {
          parser->p++;
          return parse_parameters (parser);
        }
      if (!parse_bare_item (parser, &bytes, &bytes_len) || !parse_parameters (parser))
        return FALSE;
      if (!at (parser, ' ') && !at (parser, ')'))
        return FALSE;
    }
  return FALSE;
}

static gboolean
bad_header (GError **error, const char *message)
{
  g_set_error_literal (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_BAD_DIGEST_HEADER, message);
  return FALSE;
}

static gboolean
decode_sha256 (const char *b64, gsize len, guint8 out[EL_SHA256_BYTES])
{
  g_autofree char *text = NULL;
  g_autofree guchar *decoded = NULL;
  g_autofree char *again = NULL;
  gsize decoded_len = 0;

  /* 32 bytes are 43 base64 digits and one '=' of padding. */
  if (len != 44 || b64[43] != '=')
    return FALSE;
  for (gsize i = 0; i < 43; i++)
    if (!g_ascii_isalnum (b64[i]) && b64[i] != '+' && b64[i] != '/')
      return FALSE;
  text = g_strndup (b64, len);
  decoded = g_base64_decode (text, &decoded_len);
  if (decoded_len != EL_SHA256_BYTES)
    return FALSE;
  again = g_base64_encode (decoded, decoded_len);
  if (strcmp (again, text) != 0)
    return FALSE; /* non-zero padding bits: not the canonical encoding */
  memcpy (out, decoded, EL_SHA256_BYTES);
  return TRUE;
}

/**
 * el_content_digest_parse_sha256:
 * @header: (nullable): the Content-Digest header value
 * @out: (out caller-allocates): the 32 bytes of the sha-256 member
 * @error: %EL_AUDIO_ERROR_BAD_DIGEST_HEADER
 *
 * Returns: %TRUE when @header is a valid dictionary with exactly one valid sha-256 member
 */
gboolean
el_content_digest_parse_sha256 (const char *header, guint8 out[EL_SHA256_BYTES], GError **error)
{
  Parser parser;
  gboolean found = FALSE;
  gsize len;

  g_return_val_if_fail (out != NULL, FALSE);

  if (header == NULL)
    return bad_header (error, "Content-Digest is missing");
  len = strlen (header);
  if (len > EL_CONTENT_DIGEST_MAX_LEN)
    return bad_header (error, "Content-Digest is too long");

  parser.p = header;
  parser.end = header + len;
  skip_ows (&parser);
  while (parser.end > parser.p && (parser.end[-1] == ' ' || parser.end[-1] == '\t'))
    parser.end--;
  if (parser.p == parser.end)
    return bad_header (error, "Content-Digest is empty");

  while (parser.p < parser.end)
    {
      const char *key, *bytes = NULL;
      gsize key_len, bytes_len = 0;
      gboolean is_sha256;

      if (!parse_key (&parser, &key, &key_len))
        return bad_header (error, "Content-Digest is not a structured field dictionary");
      is_sha256 = key_len == strlen ("sha-256") && g_ascii_strncasecmp (key, "sha-256", key_len) == 0;
      if (at (&parser, '='))
        {
          parser.p++;
          if (at (&parser, '('))
            {
              if (!parse_inner_list (&parser))
                return bad_header (error, "Content-Digest is not a structured field dictionary");
            }
          else if (!parse_bare_item (&parser, &bytes, &bytes_len) || !parse_parameters (&parser))
            return bad_header (error, "Content-Digest is not a structured field dictionary");
        }
      else if (!parse_parameters (&parser))
        return bad_header (error, "Content-Digest is not a structured field dictionary");

      if (is_sha256)
        {
          if (found)
            return bad_header (error, "Content-Digest has sha-256 twice");
          if (bytes == NULL || !decode_sha256 (bytes, bytes_len, out))
            return bad_header (error, "Content-Digest: sha-256 is not 32 bytes of base64 between colons");
          found = TRUE;
        }

      skip_ows (&parser);
      if (parser.p == parser.end)
        break;
      if (!at (&parser, ','))
        return bad_header (error, "Content-Digest is not a structured field dictionary");
      parser.p++;
      skip_ows (&parser);
      if (parser.p == parser.end)
        return bad_header (error, "Content-Digest ends with a comma");
    }

  if (!found)
    return bad_header (error, "Content-Digest has no sha-256 digest");
  return TRUE;
}
