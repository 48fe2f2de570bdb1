/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness of the access-token verifier, with a fixed secret and a fixed time.
 *
 * An input is either
 * - a token (any bytes, cut at the first NUL) given to el_jwt_verify() as is, or
 * - '!' then a header, a newline and a payload (any bytes): the harness signs them with the secret,
 *   so that the header and claims checks behind the signature are reached too.
 *
 * el_jwt_verify() must fail with an EL_JWT_ERROR whose message does not quote the input, or return
 * claims that sign again into a token that verifies to the same claims. el_base64url_decode()
 * must accept only what el_base64url_encode() gives back unchanged. Warnings and criticals abort. */
#include "config.h"

#include "el-jwt.h"
#include "el-model-types.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define SECRET "fuzz-jwt-secret-0123456789abcdef-0123456789"
#define NOW    G_GINT64_CONSTANT (1750000000)

G_GNUC_NORETURN static void
fail (const char *what, const char *detail)
{
  fprintf (stderr, "fuzz-jwt: %s\n", what);
  if (detail != NULL)
    fprintf (stderr, "  %s\n", detail);
  abort ();
}

static void
check_claims_round_trip (const ElJwtClaims *claims)
{
  g_autofree char *token = NULL;
  g_autoptr (ElJwtClaims) again = NULL;
  g_autoptr (GError) error = NULL;

  if (!el_uuid_is_valid (claims->sub) || (claims->unit_id != NULL && !el_uuid_is_valid (claims->unit_id)) ||
      claims->jti == NULL || strlen (claims->jti) != EL_JWT_JTI_LEN)
    fail ("accepted claims that are not valid", NULL);
  if (NOW - claims->exp > EL_JWT_LEEWAY_SECONDS || claims->nbf - NOW > EL_JWT_LEEWAY_SECONDS ||
      claims->iat - NOW > EL_JWT_LEEWAY_SECONDS)
    fail ("accepted a token outside its validity", NULL);

  token = el_jwt_sign ((const guint8 *) SECRET, strlen (SECRET), claims);
  if (token == NULL)
    fail ("accepted claims cannot be signed again", NULL);
  if (!el_jwt_verify ((const guint8 *) SECRET, strlen (SECRET), token, NOW, &again, &error))
    fail ("a token signed again does not verify", error->message);
  if (g_strcmp0 (again->sub, claims->sub) != 0 || g_strcmp0 (again->unit_id, claims->unit_id) != 0 ||
      g_strcmp0 (again->jti, claims->jti) != 0 || again->role != claims->role || again->iat != claims->iat ||
      again->nbf != claims->nbf || again->exp != claims->exp)
    fail ("the claims changed on the round trip", token);
}

static void
check_token (const char *token)
{
  g_autoptr (ElJwtClaims) claims = NULL;
  g_autoptr (GError) error = NULL;

  if (el_jwt_verify ((const guint8 *) SECRET, strlen (SECRET), token, NOW, &claims, &error))
    {
      if (claims == NULL || error != NULL)
        fail ("success without claims, or with an error", NULL);
      check_claims_round_trip (claims);
      return;
    }
  if (claims != NULL)
    fail ("failure with claims", NULL);
  if (error == NULL || error->domain != EL_JWT_ERROR || error->code > EL_JWT_ERROR_CLAIMS)
    fail ("failure without an EL_JWT_ERROR", NULL);
  if (error->message == NULL || *error->message == '\0')
    fail ("an error without a message", NULL);
  if (strlen (token) >= 12 && strstr (error->message, token) != NULL)
    fail ("the error message quotes the token", error->message);
}

/* '!' header '\n' payload: signed here with the secret. */
static void
check_signed (const char *data, size_t size)
{
  const char *newline = memchr (data, '\n', size);
  g_autofree char *header = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *signing_input = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *token = NULL;
  guint8 mac[32];
  unsigned int mac_len = 0;

  if (newline == NULL)
    return;
  header = el_base64url_encode ((const guint8 *) data, (gsize) (newline - data));
  payload = el_base64url_encode ((const guint8 *) newline + 1, size - (gsize) (newline - data) - 1);
  signing_input = g_strconcat (header, ".", payload, NULL);
  if (HMAC (EVP_sha256 (), SECRET, (int) strlen (SECRET), (const guchar *) signing_input,
            strlen (signing_input), mac, &mac_len) == NULL)
    fail ("HMAC failed", NULL);
  signature = el_base64url_encode (mac, mac_len);
  token = g_strconcat (signing_input, ".", signature, NULL);
  check_token (token);
}

static void
check_base64url (const char *data, size_t size)
{
  g_autofree guint8 *decoded = NULL;
  g_autofree char *encoded = NULL;
  gsize len = 0;

  decoded = el_base64url_decode (data, size, &len);
  if (decoded == NULL)
    return;
  encoded = el_base64url_encode (decoded, len);
  if (strlen (encoded) != size || memcmp (encoded, data, size) != 0)
    fail ("base64url decoding accepted a non-canonical form", NULL);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);

  check_base64url ((const char *) data, size);
  if (size > 0 && data[0] == '!')
    check_signed ((const char *) data + 1, size - 1);
  else
    check_token (text);
  return 0;
}
