/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-jwt.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <string.h>

#include "el-json-private.h"
#include "el-model-types.h"

G_DEFINE_QUARK (el_jwt_error_quark, el_jwt_error)

#define HS256_BYTES 32
#define HEADER_JSON "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"

/* base64url */

static const char b64url_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * el_base64url_encode:
 * @data: (array length=len): bytes
 * @len: their number
 *
 * Returns: (transfer full): @data in base64url without padding
 */
char *
el_base64url_encode (const guint8 *data, gsize len)
{
  GString *out = g_string_sized_new ((len + 2) / 3 * 4 + 1);
  gsize i = 0;

  for (; i + 3 <= len; i += 3)
    {
      guint32 v = ((guint32) data[i] << 16) | ((guint32) data[i + 1] << 8) | data[i + 2];

      g_string_append_c (out, b64url_alphabet[(v >> 18) & 63]);
      g_string_append_c (out, b64url_alphabet[(v >> 12) & 63]);
      g_string_append_c (out, b64url_alphabet[(v >> 6) & 63]);
      g_string_append_c (out, b64url_alphabet[v & 63]);
    }
  if (len - i == 1)
    {
      guint32 v = (guint32) data[i] << 16;

      g_string_append_c (out, b64url_alphabet[(v >> 18) & 63]);
      g_string_append_c (out, b64url_alphabet[(v >> 12) & 63]);
    }
  else if (len - i == 2)
    {
      guint32 v = ((guint32) data[i] << 16) | ((guint32) data[i + 1] << 8);

      g_string_append_c (out, b64url_alphabet[(v >> 18) & 63]);
      g_string_append_c (out, b64url_alphabet[(v >> 12) & 63]);
      g_string_append_c (out, b64url_alphabet[(v >> 6) & 63]);
    }
  return g_string_free (out, FALSE);
}

static int
b64url_value (char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '-')
    return 62;
  if (c == '_')
    return 63;
  return -1;
}

/**
 * el_base64url_decode:
 * @text: (array length=text_len): base64url text
 * @text_len: its length in bytes
 * @out_len: (out): the number of bytes decoded
 *
 * Decodes canonical base64url only: the 64 characters of the alphabet, no padding, no whitespace,
 * a length that is not 1 modulo 4 and unused trailing bits set to zero, so that every byte string
 * has exactly one accepted encoding.
 *
 * Returns: (transfer full) (nullable): the bytes (NUL-terminated for convenience; an empty
 *   @text gives an empty buffer), or %NULL if @text is not canonical base64url
 */
guint8 *
el_base64url_decode (const char *text, gsize text_len, gsize *out_len)
{
  g_autofree guint8 *out = NULL;
  gsize n = 0;
  guint32 acc = 0;
  guint bits = 0;

  if (text_len % 4 == 1)
    return NULL;

  out = g_malloc (text_len / 4 * 3 + 3);
  for (gsize i = 0; i < text_len; i++)
    {
      int v = b64url_value (text[i]);

      if (v < 0)
        return NULL;
      acc = (acc << 6) | (guint32) v;
      bits += 6;
      if (bits >= 8)
        {
          bits -= 8;
          out[n++] = (guint8) ((acc >> bits) & 0xff);
        }
    }
  /* 2 or 4 bits are left over after a partial group: they must be zero. */
  if ((acc & ((1u << bits) - 1)) != 0)
    return NULL;

  out[n] = 0;
  *out_len = n;
  return g_steal_pointer (&out);
}

/* Claims */

static char *
random_hex (gsize n_bytes)
{
  guint8 bytes[32];
  char *hex = g_malloc (n_bytes * 2 + 1);

  g_assert (n_bytes <= sizeof bytes);
  /* Without a working random generator no token may be made: abort rather than issue
   * guessable ids or secrets. */
  if (RAND_bytes (bytes, (int) n_bytes) != 1)
    g_error ("The system's random generator failed");
  for (gsize i = 0; i < n_bytes; i++)
    {
      hex[2 * i] = "0123456789abcdef"[bytes[i] >> 4];
      hex[2 * i + 1] = "0123456789abcdef"[bytes[i] & 15];
    }
  hex[n_bytes * 2] = '\0';
  OPENSSL_cleanse (bytes, sizeof bytes);
  return hex;
}

static gboolean
is_jti (const char *str)
{
  if (str == NULL || strlen (str) != EL_JWT_JTI_LEN)
    return FALSE;
  for (const char *p = str; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;
  return TRUE;
}

/**
 * el_jwt_claims_new:
 * @sub: the user's id (canonical lowercase UUID)
 * @role: the user's role
 * @unit_id: (nullable): the user's unit (canonical lowercase UUID)
 * @now: the current time, seconds since the Unix epoch
 * @ttl_seconds: the token's lifetime (JWT_EXPIRES_IN), at least 1
 *
 * Returns: (transfer full): claims with iat = nbf = @now, exp = @now + @ttl_seconds and a fresh jti
 */
ElJwtClaims *
el_jwt_claims_new (const char *sub, ElRole role, const char *unit_id, gint64 now, gint64 ttl_seconds)
{
  ElJwtClaims *claims;

  g_return_val_if_fail (el_uuid_is_valid (sub), NULL);
  g_return_val_if_fail (unit_id == NULL || el_uuid_is_valid (unit_id), NULL);
  g_return_val_if_fail (el_role_to_string (role) != NULL, NULL);
  g_return_val_if_fail (now >= 0 && ttl_seconds > 0 && now <= EL_MODEL_MAX_INTEGER - ttl_seconds, NULL);

  claims = g_new0 (ElJwtClaims, 1);
  claims->sub = g_strdup (sub);
  claims->role = role;
  claims->unit_id = g_strdup (unit_id);
  claims->iat = now;
  claims->nbf = now;
  claims->exp = now + ttl_seconds;
  claims->jti = random_hex (EL_JWT_JTI_LEN / 2);
  return claims;
}

ElJwtClaims *
el_jwt_claims_copy (const ElJwtClaims *claims)
{
  ElJwtClaims *copy;

  g_return_val_if_fail (claims != NULL, NULL);

  copy = g_new0 (ElJwtClaims, 1);
  *copy = *claims;
  copy->sub = g_strdup (claims->sub);
  copy->unit_id = g_strdup (claims->unit_id);
  copy->jti = g_strdup (claims->jti);
  return copy;
}

void
el_jwt_claims_free (ElJwtClaims *claims)
{
  if (claims == NULL)
    return;
  g_free (claims->sub);
  g_free (claims->unit_id);
  g_free (claims->jti);
  g_free (claims);
}

/* Signing */

static gboolean
hmac_sha256 (const guint8 *secret, gsize secret_len, const char *data, gsize len, guint8 out[HS256_BYTES])
{
  unsigned int out_len = 0;

  if (secret_len > G_MAXINT)
    return FALSE;
  if (HMAC (EVP_sha256 (), secret, (int) secret_len, (const guchar *) data, len, out, &out_len) == NULL)
    return FALSE;
  return out_len == HS256_BYTES;
}

static gboolean
is_timestamp (gint64 value)
{
  return value >= 0 && value <= EL_MODEL_MAX_INTEGER;
}

/**
 * el_jwt_sign:
 * @secret: (array length=secret_len): the HMAC key (JWT_SECRET)
 * @secret_len: its length, at least %EL_JWT_SECRET_MIN_BYTES
 * @claims: the claims; a %NULL jti gets a fresh random one
 *
 * Returns: (transfer full): the token, `header.payload.signature`
 */
char *
el_jwt_sign (const guint8 *secret, gsize secret_len, const ElJwtClaims *claims)
{
  g_autofree char *header = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *jti = NULL;
  g_autofree char *signature = NULL;
  g_autoptr (GString) json = NULL;
  g_autoptr (GString) token = NULL;
  guint8 mac[HS256_BYTES];

  g_return_val_if_fail (secret != NULL && secret_len >= EL_JWT_SECRET_MIN_BYTES, NULL);
  g_return_val_if_fail (claims != NULL, NULL);
  g_return_val_if_fail (el_uuid_is_valid (claims->sub), NULL);
  g_return_val_if_fail (claims->unit_id == NULL || el_uuid_is_valid (claims->unit_id), NULL);
  g_return_val_if_fail (el_role_to_string (claims->role) != NULL, NULL);
  g_return_val_if_fail (
      is_timestamp (claims->iat) && is_timestamp (claims->nbf) && is_timestamp (claims->exp), NULL);
  g_return_val_if_fail (claims->jti == NULL || is_jti (claims->jti), NULL);

  jti = claims->jti != NULL ? g_strdup (claims->jti) : random_hex (EL_JWT_JTI_LEN / 2);

  /* Every value is a UUID, a role nick, hex or an integer: nothing needs escaping. */
  json = g_string_new (NULL);
  g_string_append_printf (json, "{\"iss\":\"%s\",\"aud\":\"%s\",\"sub\":\"%s\",\"role\":\"%s\"",
                          EL_JWT_ISSUER, EL_JWT_AUDIENCE, claims->sub, el_role_to_string (claims->role));
  if (claims->unit_id != NULL)
    g_string_append_printf (json, ",\"unit_id\":\"%s\"", claims->unit_id);
  g_string_append_printf (json,
                          ",\"iat\":%" G_GINT64_FORMAT ",\"nbf\":%" G_GINT64_FORMAT
                          ",\"exp\":%" G_GINT64_FORMAT ",\"jti\":\"%s\"}",
                          claims->iat, claims->nbf, claims->exp, jti);

  header = el_base64url_encode ((const guint8 *) HEADER_JSON, strlen (HEADER_JSON));
  payload = el_base64url_encode ((const guint8 *) json->str, json->len);
  token = g_string_new (header);
  g_string_append_c (token, '.');
  g_string_append (token, payload);

  if (!hmac_sha256 (secret, secret_len, token->str, token->len, mac))
    {
      g_critical ("HMAC-SHA256 failed");
      return NULL;
    }
  signature = el_base64url_encode (mac, sizeof mac);
  g_string_append_c (token, '.');
  g_string_append (token, signature);
  return g_string_free (g_steal_pointer (&token), FALSE);
}

/* Strict JSON: the models' scanner (UTF-8, no NUL, RFC 8259, depth), then duplicate member names,
 * which json-glib would silently resolve to the last one. */

/* The 4 hex digits of a \u escape, already checked by the scanner. */
static gunichar
read_hex4 (const char *p)
{
  gunichar value = 0;

  for (guint i = 0; i < 4; i++)
    value = value * 16 + (gunichar) g_ascii_xdigit_value (p[i]);
  return value;
}

/* Decodes the JSON string starting at the quote *@pos (already known to be valid) into @out and
 * moves *@pos past the closing quote. */
static void
decode_string (const char **pos, GString *out)
{
  const char *p = *pos + 1;

  g_string_truncate (out, 0);
  while (*p != '"')
    {
      if (*p != '\\')
        {
          g_string_append_c (out, *p++);
          continue;
        }
      switch (p[1])
        {
          case 'b':
            g_string_append_c (out, '\b');
            p += 2;
            break;
          case 'f':
            g_string_append_c (out, '\f');
            p += 2;
            break;
          case 'n':
            g_string_append_c (out, '\n');
            p += 2;
            break;
          case 'r':
            g_string_append_c (out, '\r');
            p += 2;
            break;
          case 't':
            g_string_append_c (out, '\t');
            p += 2;
            break;
          case 'u':
            {
              gunichar c = read_hex4 (p + 2);

              p += 6;
              if (c >= 0xd800 && c <= 0xdbff)
                {
                  gunichar low = read_hex4 (p + 2);

                  c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
                  p += 6;
                }
              g_string_append_unichar (out, c);
              break;
            }
          default: /* '"', '\\', '/' */
            g_string_append_c (out, p[1]);
            p += 2;
            break;
        }
    }
  *pos = p + 1;
}

/* @data has passed el_json_check_syntax(): member names are the strings that follow '{' or a
 * ',' inside an object. */
static gboolean
has_duplicate_keys (const char *data, gsize len)
{
  GHashTable *objects[EL_MODEL_MAX_DEPTH] = { NULL };
  g_autoptr (GString) key = g_string_new (NULL);
  const char *p = data;
  const char *end = data + len;
  int depth = 0; /* containers open */
  gboolean expect_key = FALSE;
  gboolean duplicate = FALSE;

  while (p < end && !duplicate)
    {
      switch (*p)
        {
          case '{':
          case '[':
            g_assert (depth < EL_MODEL_MAX_DEPTH);
            objects[depth++] =
                *p == '{' ? g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) : NULL;
            expect_key = *p == '{';
            p++;
            break;
          case '}':
          case ']':
            g_clear_pointer (&objects[depth - 1], g_hash_table_unref);
            depth--;
            expect_key = FALSE;
            p++;
            break;
          case ',':
            expect_key = objects[depth - 1] != NULL;
            p++;
            break;
          case '"':
            if (expect_key)
              {
                decode_string (&p, key);
                if (!g_hash_table_add (objects[depth - 1], g_strndup (key->str, key->len)))
                  duplicate = TRUE;
                expect_key = FALSE;
              }
            else
              {
                decode_string (&p, key);
              }
            break;
          default:
            p++;
            break;
        }
    }

  for (int i = 0; i < depth; i++)
    g_clear_pointer (&objects[i], g_hash_table_unref);
  return duplicate;
}

static gboolean
set_error (GError **error, ElJwtError code, const char *message)
{
  g_set_error_literal (error, EL_JWT_ERROR, code, message);
  return FALSE;
}

/* Parses one decoded segment holding a JSON object. */
static JsonObject *
parse_json_segment (const guint8 *bytes, gsize len, const char *what, GError **error)
{
  g_autoptr (JsonNode) root = el_json_parse_document ((const char *) bytes, (gssize) len, NULL);

  if (root == NULL)
    {
      g_set_error (error, EL_JWT_ERROR, EL_JWT_ERROR_MALFORMED, "The token's %s is not strict JSON", what);
      return NULL;
    }
  if (has_duplicate_keys ((const char *) bytes, len))
    {
      g_set_error (error, EL_JWT_ERROR, EL_JWT_ERROR_MALFORMED, "The token's %s has a duplicate member",
                   what);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, EL_JWT_ERROR, EL_JWT_ERROR_MALFORMED, "The token's %s is not a JSON object", what);
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

static gboolean
check_header (JsonObject *header, GError **error)
{
  g_autoptr (GList) members = json_object_get_members (header);
  JsonNode *alg = json_object_get_member (header, "alg");
  JsonNode *typ = json_object_get_member (header, "typ");

  if (alg == NULL)
    return set_error (error, EL_JWT_ERROR_ALGORITHM, "The token's header has no alg");
  if (!JSON_NODE_HOLDS_VALUE (alg) || json_node_get_value_type (alg) != G_TYPE_STRING ||
      g_strcmp0 (json_node_get_string (alg), "HS256") != 0)
    return set_error (error, EL_JWT_ERROR_ALGORITHM, "The token's alg is not HS256");
  if (typ != NULL && (!JSON_NODE_HOLDS_VALUE (typ) || json_node_get_value_type (typ) != G_TYPE_STRING ||
                      g_strcmp0 (json_node_get_string (typ), "JWT") != 0))
    return set_error (error, EL_JWT_ERROR_ALGORITHM, "The token's typ is not JWT");
  if (json_object_has_member (header, "crit"))
    return set_error (error, EL_JWT_ERROR_ALGORITHM, "The token's header has a crit parameter");
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_str_equal (l->data, "alg") && !g_str_equal (l->data, "typ"))
      return set_error (error, EL_JWT_ERROR_ALGORITHM, "The token's header has an unsupported parameter");
  return TRUE;
}

/* Claim readers: NULL when absent or of the wrong type. */

static const char *
get_string (JsonObject *obj, const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* Integers only: json-glib reads 1.5 and 1e9 as doubles, which a NumericDate we issue never is. */
static gboolean
get_timestamp (JsonObject *obj, const char *name, gint64 *out)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (node);
  return is_timestamp (*out);
}

static gboolean
check_audience (JsonObject *payload)
{
  JsonNode *aud = json_object_get_member (payload, "aud");
  JsonArray *array;
  gboolean found = FALSE;

  if (aud == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_VALUE (aud))
    return json_node_get_value_type (aud) == G_TYPE_STRING &&
           g_strcmp0 (json_node_get_string (aud), EL_JWT_AUDIENCE) == 0;
  if (!JSON_NODE_HOLDS_ARRAY (aud))
    return FALSE;

  array = json_node_get_array (aud);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        return FALSE;
      if (g_strcmp0 (json_node_get_string (item), EL_JWT_AUDIENCE) == 0)
        found = TRUE;
    }
  return found;
}

/* Step 6. Timestamps are in [0, 2^53): neither difference can overflow, whatever @now is. */
static gboolean
check_time (const ElJwtClaims *claims, gint64 now, GError **error)
{
  if (now > claims->exp && now - claims->exp > EL_JWT_LEEWAY_SECONDS)
    return set_error (error, EL_JWT_ERROR_EXPIRED, "The token has expired");
  if (claims->nbf - EL_JWT_LEEWAY_SECONDS > now)
    return set_error (error, EL_JWT_ERROR_NOT_YET_VALID, "The token is not valid yet (nbf)");
  if (claims->iat - EL_JWT_LEEWAY_SECONDS > now)
    return set_error (error, EL_JWT_ERROR_NOT_YET_VALID, "The token was issued in the future (iat)");
  return TRUE;
}

static gboolean
read_claims (JsonObject *payload, gint64 now, ElJwtClaims *claims, GError **error)
{
  const char *iss = get_string (payload, "iss");
  const char *sub = get_string (payload, "sub");
  const char *role = get_string (payload, "role");
  const char *jti = get_string (payload, "jti");
  const char *unit_id = get_string (payload, "unit_id");

  if (!json_object_has_member (payload, "exp"))
    return set_error (error, EL_JWT_ERROR_CLAIMS, "The token has no exp");
  if (!get_timestamp (payload, "exp", &claims->exp) || !get_timestamp (payload, "nbf", &claims->nbf) ||
      !get_timestamp (payload, "iat", &claims->iat))
    return set_error (error, EL_JWT_ERROR_CLAIMS,
                      "The token's exp, nbf or iat is missing or not a NumericDate");
  if (g_strcmp0 (iss, EL_JWT_ISSUER) != 0)
    return set_error (error, EL_JWT_ERROR_CLAIMS, "The token's iss is missing or wrong");
  if (!check_audience (payload))
    return set_error (error, EL_JWT_ERROR_CLAIMS, "The token's aud is missing or wrong");
  if (!el_uuid_is_valid (sub))
    return set_error (error, EL_JWT_ERROR_CLAIMS, "The token's sub is missing or not a UUID");
  if (!el_role_from_string (role, &claims->role))
    return set_error (error, EL_JWT_ERROR_CLAIMS, "The token's role is missing or unknown");
  if (json_object_has_member (payload, "unit_id") && !el_uuid_is_valid (unit_id))
    return set_error (error, EL_JWT_ERROR_CLAIMS, "The token's unit_id is not a UUID");
  if (!is_jti (jti))
    return set_error (error, EL_JWT_ERROR_CLAIMS, "The token's jti is missing or malformed");

  if (!check_time (claims, now, error))
    return FALSE;

  claims->sub = g_strdup (sub);
  claims->unit_id = g_strdup (unit_id);
  claims->jti = g_strdup (jti);
  return TRUE;
}

/**
 * el_jwt_verify:
 * @secret: (array length=secret_len): the HMAC key (JWT_SECRET)
 * @secret_len: its length, at least %EL_JWT_SECRET_MIN_BYTES
 * @token: (nullable): the token as received (the part after "Bearer ")
 * @now: the current time, seconds since the Unix epoch
 * @claims: (out) (optional) (transfer full): the token's claims
 * @error: an %EL_JWT_ERROR; its message never contains the token
 *
 * Checks @token as described at the top of el-jwt.h.
 *
 * Returns: %TRUE if @token is a valid access token now
 */
gboolean
el_jwt_verify (const guint8 *secret,
               gsize secret_len,
               const char *token,
               gint64 now,
               ElJwtClaims **claims,
               GError **error)
{
  g_autoptr (JsonObject) header = NULL;
  g_autoptr (JsonObject) payload = NULL;
  g_autofree guint8 *header_bytes = NULL;
  g_autofree guint8 *payload_bytes = NULL;
  g_autofree guint8 *signature = NULL;
  g_autoptr (ElJwtClaims) result = NULL;
  const char *dot1;
  const char *dot2;
  const char *end;
  gsize len;
  gsize header_len = 0;
  gsize payload_len = 0;
  gsize signature_len = 0;
  guint8 mac[HS256_BYTES];
  gboolean good;

  g_return_val_if_fail (secret != NULL && secret_len >= EL_JWT_SECRET_MIN_BYTES, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* 1. Shape */
  if (token == NULL)
    return set_error (error, EL_JWT_ERROR_MALFORMED, "No token");
  len = strnlen (token, EL_JWT_MAX_TOKEN_BYTES + 1);
  if (len > EL_JWT_MAX_TOKEN_BYTES)
    return set_error (error, EL_JWT_ERROR_MALFORMED, "The token is longer than 8192 bytes");
  end = token + len;
  dot1 = memchr (token, '.', len);
  dot2 = dot1 != NULL ? memchr (dot1 + 1, '.', (gsize) (end - dot1 - 1)) : NULL;
  if (dot2 == NULL || memchr (dot2 + 1, '.', (gsize) (end - dot2 - 1)) != NULL)
    return set_error (error, EL_JWT_ERROR_MALFORMED, "The token does not have three segments");
  if (dot1 == token || dot2 == dot1 + 1)
    return set_error (error, EL_JWT_ERROR_MALFORMED, "The token has an empty header or payload");
  header_bytes = el_base64url_decode (token, (gsize) (dot1 - token), &header_len);
  payload_bytes = el_base64url_decode (dot1 + 1, (gsize) (dot2 - dot1 - 1), &payload_len);
  signature = el_base64url_decode (dot2 + 1, (gsize) (end - dot2 - 1), &signature_len);
  if (header_bytes == NULL || payload_bytes == NULL || signature == NULL)
    return set_error (error, EL_JWT_ERROR_MALFORMED, "The token is not canonical base64url");

  /* 2. Header: the algorithm is pinned, whatever the token says. */
  header = parse_json_segment (header_bytes, header_len, "header", error);
  if (header == NULL || !check_header (header, error))
    return FALSE;

  /* 3. Signature over the exact bytes received, before the payload is parsed. */
  if (!hmac_sha256 (secret, secret_len, token, (gsize) (dot2 - token), mac))
    return set_error (error, EL_JWT_ERROR_BAD_SIGNATURE, "The token's signature could not be computed");
  good = signature_len == HS256_BYTES && CRYPTO_memcmp (mac, signature, HS256_BYTES) == 0;
  OPENSSL_cleanse (mac, sizeof mac);
  if (!good)
    return set_error (error, EL_JWT_ERROR_BAD_SIGNATURE, "The token's signature does not match");

  /* 4. Payload, 5. claims, 6. time */
  payload = parse_json_segment (payload_bytes, payload_len, "payload", error);
  if (payload == NULL)
    return FALSE;
  result = g_new0 (ElJwtClaims, 1);
  if (!read_claims (payload, now, result, error))
    return FALSE;

  if (claims != NULL)
    *claims = g_steal_pointer (&result);
  return TRUE;
}

/* The cache of accepted tokens ---------------------------------------------------------------- */

#define DIGEST_BYTES 32

struct ElJwtCache
{
  GMutex lock;
  GHashTable *tokens; /* GBytes (SHA-256 of the token) -> ElJwtClaims */
  guint max_entries;
};

/**
 * el_jwt_cache_new:
 * @max_entries: how many accepted tokens to remember, at least 1
 *
 * Returns: (transfer full): an empty cache (see el-jwt.h)
 */
ElJwtCache *
el_jwt_cache_new (guint max_entries)
{
  ElJwtCache *cache;

  g_return_val_if_fail (max_entries > 0, NULL);

  cache = g_new0 (ElJwtCache, 1);
  g_mutex_init (&cache->lock);
  cache->tokens = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref,
                                         (GDestroyNotify) el_jwt_claims_free);
  cache->max_entries = max_entries;
  return cache;
}

void
el_jwt_cache_free (ElJwtCache *cache)
{
  if (cache == NULL)
    return;
  g_hash_table_unref (cache->tokens);
  g_mutex_clear (&cache->lock);
  g_free (cache);
}

/* How many accepted tokens the cache holds (for tests). */
guint
el_jwt_cache_get_size (ElJwtCache *cache)
{
  guint size;

  g_return_val_if_fail (cache != NULL, 0);

  g_mutex_lock (&cache->lock);
  size = g_hash_table_size (cache->tokens);
  g_mutex_unlock (&cache->lock);
  return size;
}

/**
 * el_jwt_verify_cached:
 * @cache: the cache of @secret's tokens
 * @secret: (array length=secret_len): as for el_jwt_verify()
 * @secret_len: its length
 * @token: (nullable): as for el_jwt_verify()
 * @now: as for el_jwt_verify()
 * @claims: (out) (optional) (transfer full): as for el_jwt_verify()
 * @error: as for el_jwt_verify()
 *
 * el_jwt_verify() for a token seen before without its cryptography and parsing: the same answer
 * for every token and time.
 *
 * Returns: %TRUE if @token is a valid access token now
 */
gboolean
el_jwt_verify_cached (ElJwtCache *cache,
                      const guint8 *secret,
                      gsize secret_len,
                      const char *token,
                      gint64 now,
                      ElJwtClaims **claims,
                      GError **error)
{
  g_autoptr (ElJwtClaims) verified = NULL;
  g_autoptr (GChecksum) checksum = NULL;
  g_autoptr (GBytes) key = NULL;
  guint8 digest[DIGEST_BYTES];
  gsize digest_len = sizeof digest;
  gsize len;

  g_return_val_if_fail (cache != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (token == NULL || (len = strnlen (token, EL_JWT_MAX_TOKEN_BYTES + 1)) > EL_JWT_MAX_TOKEN_BYTES)
    return el_jwt_verify (secret, secret_len, token, now, claims, error);
  /* GLib's SHA-256: OpenSSL 3 looks its implementation up on every one-shot call, which costs
   * more than hashing a token */
  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, (const guchar *) token, (gssize) len);
  g_checksum_get_digest (checksum, digest, &digest_len);
  g_assert (digest_len == DIGEST_BYTES);
  key = g_bytes_new (digest, sizeof digest);

  g_mutex_lock (&cache->lock);
  {
    const ElJwtClaims *known = g_hash_table_lookup (cache->tokens, key);

    /* a token accepted before, still in its time: the same claims (else the full check says why) */
    if (known != NULL && check_time (known, now, NULL))
      verified = el_jwt_claims_copy (known);
  }
  g_mutex_unlock (&cache->lock);
  if (verified != NULL)
    {
      if (claims != NULL)
        *claims = g_steal_pointer (&verified);
      return TRUE;
    }

  if (!el_jwt_verify (secret, secret_len, token, now, &verified, error))
    return FALSE;
  g_mutex_lock (&cache->lock);
  if (g_hash_table_size (cache->tokens) >= cache->max_entries)
    g_hash_table_remove_all (cache->tokens);
  g_hash_table_replace (cache->tokens, g_steal_pointer (&key), el_jwt_claims_copy (verified));
  g_mutex_unlock (&cache->lock);
  if (claims != NULL)
    *claims = g_steal_pointer (&verified);
  return TRUE;
}
