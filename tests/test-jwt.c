/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Access tokens: round trip, base64url, and the forged-JWT suite. Every forged token is signed
 * with the right secret unless the test is about the signature, so that it is rejected for the
 * reason under test and not by accident. */
#include "config.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>

#include "el-jwt.h"

#define SECRET       "0123456789abcdef0123456789abcdef-jwt-test"
#define OTHER_SECRET "fedcba9876543210fedcba9876543210-jwt-test"
#define NOW          G_GINT64_CONSTANT (1750000000)
#define USER_ID      "3f1c1a8e-2b7d-4c55-9a10-6d2f0b9e7a41"
#define UNIT_ID      "0b6e3c2a-8d1f-4e7a-b5c9-2a4d6f8e0c13"
#define JTI          "00112233445566778899aabbccddeeff"
#define HEADER       "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"

static const guint8 *
secret (void)
{
  return (const guint8 *) SECRET;
}

static gsize
secret_len (void)
{
  return strlen (SECRET);
}

/* A token made by hand: any header and payload bytes, signed with @key. */
static char *
make_token_len (const char *header, gsize header_len, const char *payload, gsize payload_len, const char *key)
{
  g_autofree char *h = el_base64url_encode ((const guint8 *) header, header_len);
  g_autofree char *p = el_base64url_encode ((const guint8 *) payload, payload_len);
  g_autofree char *signing_input = g_strconcat (h, ".", p, NULL);
  g_autofree char *s = NULL;
  guint8 mac[32];
  unsigned int mac_len = 0;

  g_assert_nonnull (HMAC (EVP_sha256 (), key, (int) strlen (key), (const guchar *) signing_input,
                          strlen (signing_input), mac, &mac_len));
  g_assert_cmpuint (mac_len, ==, 32);
  s = el_base64url_encode (mac, mac_len);
  return g_strconcat (signing_input, ".", s, NULL);
}

static char *
make_token (const char *header, const char *payload)
{
  return make_token_len (header, strlen (header), payload, strlen (payload), SECRET);
}

/* The payload el_jwt_sign() writes, with the times given; @extra goes before the closing brace. */
static char *
payload_at (gint64 iat, gint64 nbf, gint64 exp, const char *extra)
{
  return g_strdup_printf ("{\"iss\":\"eclipselink-server\",\"aud\":\"eclipselink\",\"sub\":\"" USER_ID
                          "\",\"role\":\"nurse\",\"unit_id\":\"" UNIT_ID "\",\"iat\":%" G_GINT64_FORMAT
                          ",\"nbf\":%" G_GINT64_FORMAT ",\"exp\":%" G_GINT64_FORMAT ",\"jti\":\"" JTI "\"%s}",
                          iat, nbf, exp, extra != NULL ? extra : "");
}

static char *
good_payload (const char *extra)
{
  return payload_at (NOW - 10, NOW - 10, NOW + 3600, extra);
}

/* Checks that @token is rejected with @code, that no claims come out and that the message holds
 * no part of the token longer than a few characters. */
static void
assert_rejected_at (const char *token, ElJwtError code, const char *where)
{
  g_autoptr (GError) error = NULL;
  ElJwtClaims *claims = NULL;
  g_auto (GStrv) segments = NULL;
  gboolean ok;

  ok = el_jwt_verify (secret (), secret_len (), token, NOW, &claims, &error);
  if (ok || !g_error_matches (error, EL_JWT_ERROR, code))
    g_error ("%s: expected EL_JWT_ERROR %d, got %s (%s)", where, code, ok ? "success" : "another error",
             error != NULL ? error->message : "no error");
  g_assert_null (claims);
  g_assert_nonnull (error->message);
  g_assert_cmpuint (strlen (error->message), <, 100);
  if (token != NULL && strlen (token) <= 2 * EL_JWT_MAX_TOKEN_BYTES)
    {
      segments = g_strsplit (token, ".", -1);
      for (guint i = 0; segments[i] != NULL; i++)
        if (strlen (segments[i]) >= 8)
          g_assert_null (strstr (error->message, segments[i]));
    }
}

#define assert_rejected(token, code) assert_rejected_at ((token), (code), G_STRLOC)

static ElJwtClaims *
assert_accepted_at (const char *token, gint64 now, const char *where)
{
  g_autoptr (GError) error = NULL;
  ElJwtClaims *claims = NULL;

  if (!el_jwt_verify (secret (), secret_len (), token, now, &claims, &error))
    g_error ("%s: expected the token to be accepted: %s", where, error->message);
  g_assert_nonnull (claims);
  return claims;
}

#define assert_accepted(token) assert_accepted_at ((token), NOW, G_STRLOC)

/* base64url */

static void
test_base64url_vectors (void)
{
  /* RFC 4648 §10, in the URL alphabet without padding. */
  static const struct
  {
    const char *plain;
    const char *encoded;
  } vectors[] = {
    { "", "" },           { "f", "Zg" },          { "fo", "Zm8" },          { "foo", "Zm9v" },
    { "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" }, { "foobar", "Zm9vYmFy" },
  };
  static const guint8 url_bytes[] = { 0xfb, 0xff, 0xbf };

  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autofree char *encoded =
          el_base64url_encode ((const guint8 *) vectors[i].plain, strlen (vectors[i].plain));
      g_autofree guint8 *decoded = NULL;
      gsize len = 99;

      g_assert_cmpstr (encoded, ==, vectors[i].encoded);
      decoded = el_base64url_decode (encoded, strlen (encoded), &len);
      g_assert_nonnull (decoded);
      g_assert_cmpmem (decoded, len, vectors[i].plain, strlen (vectors[i].plain));
    }

  {
    g_autofree char *encoded = el_base64url_encode (url_bytes, sizeof url_bytes);

    /* Standard base64 would be "+/+/" */
    g_assert_cmpstr (encoded, ==, "-_-_");
  }
}

static void
test_base64url_strict (void)
{
  static const char *const bad[] = {
    "Zg==",          /* padding */
    "Zg=",           /* padding */
    "Z",             /* length 1 mod 4 */
    "Zm9vY",         /* length 1 mod 4 */
    "A",             /* length 1 mod 4, no bits set */
    "Zm9vA",         /* length 1 mod 4, no bits set */
    "+_-_",          /* standard alphabet */
    "-/-_",          /* standard alphabet */
    "Zm9 v",         /* whitespace */
    "Zm9v\n",  "Zh", /* "f" with a trailing bit set */
    "Zm9",           /* "fo" with trailing bits set */
    "Zm9vYmF",       /* "fooba" with trailing bits set */
    "Zm9v.",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      gsize len = 0;

      if (el_base64url_decode (bad[i], strlen (bad[i]), &len) != NULL)
        g_error ("accepted non-canonical base64url \"%s\"", bad[i]);
    }
}

/* Round trip */

static void
test_round_trip (void)
{
  g_autoptr (ElJwtClaims) claims = el_jwt_claims_new (USER_ID, EL_ROLE_CHARGE_NURSE, UNIT_ID, NOW, 3600);
  g_autoptr (ElJwtClaims) decoded = NULL;
  g_autoptr (ElJwtClaims) again = NULL;
  g_autofree char *token = NULL;
  g_autofree char *token2 = NULL;
  g_autofree guint8 *header = NULL;
  g_auto (GStrv) segments = NULL;
  gsize header_len = 0;

  g_assert_nonnull (claims);
  g_assert_cmpint (claims->iat, ==, NOW);
  g_assert_cmpint (claims->nbf, ==, NOW);
  g_assert_cmpint (claims->exp, ==, NOW + 3600);
  g_assert_cmpuint (strlen (claims->jti), ==, 32);
  g_assert_true (strspn (claims->jti, "0123456789abcdef") == 32);

  token = el_jwt_sign (secret (), secret_len (), claims);
  g_assert_nonnull (token);
  segments = g_strsplit (token, ".", -1);
  g_assert_cmpuint (g_strv_length (segments), ==, 3);
  g_assert_cmpuint (strlen (segments[2]), ==, 43);
  header = el_base64url_decode (segments[0], strlen (segments[0]), &header_len);
  g_assert_cmpmem (header, header_len, HEADER, strlen (HEADER));
  g_assert_null (strpbrk (token, "=+/ "));

  decoded = assert_accepted (token);
  g_assert_cmpstr (decoded->sub, ==, USER_ID);
  g_assert_cmpint (decoded->role, ==, EL_ROLE_CHARGE_NURSE);
  g_assert_cmpstr (decoded->unit_id, ==, UNIT_ID);
  g_assert_cmpint (decoded->iat, ==, NOW);
  g_assert_cmpint (decoded->nbf, ==, NOW);
  g_assert_cmpint (decoded->exp, ==, NOW + 3600);
  g_assert_cmpstr (decoded->jti, ==, claims->jti);

  /* Without a unit, and without the claims out-parameter. */
  {
    g_autoptr (ElJwtClaims) admin = el_jwt_claims_new (USER_ID, EL_ROLE_ADMIN, NULL, NOW, 60);
    g_autoptr (ElJwtClaims) admin_decoded = NULL;
    g_autofree char *admin_token = el_jwt_sign (secret (), secret_len (), admin);
    g_autoptr (GError) error = NULL;

    admin_decoded = assert_accepted (admin_token);
    g_assert_null (admin_decoded->unit_id);
    g_assert_cmpint (admin_decoded->role, ==, EL_ROLE_ADMIN);
    g_assert_true (el_jwt_verify (secret (), secret_len (), admin_token, NOW, NULL, &error));
    g_assert_no_error (error);
  }

  /* A fresh jti each time; a given jti is kept. */
  again = el_jwt_claims_new (USER_ID, EL_ROLE_CHARGE_NURSE, UNIT_ID, NOW, 3600);
  g_assert_cmpstr (again->jti, !=, claims->jti);
  g_clear_pointer (&again->jti, g_free);
  token2 = el_jwt_sign (secret (), secret_len (), again);
  g_clear_pointer (&decoded, el_jwt_claims_free);
  decoded = assert_accepted (token2);
  g_assert_cmpuint (strlen (decoded->jti), ==, 32);
  g_assert_cmpstr (decoded->jti, !=, claims->jti);
  g_clear_pointer (&token2, g_free);
  g_clear_pointer (&again->jti, g_free);
  again->jti = g_strdup (JTI);
  token2 = el_jwt_sign (secret (), secret_len (), again);
  g_clear_pointer (&decoded, el_jwt_claims_free);
  decoded = assert_accepted (token2);
  g_assert_cmpstr (decoded->jti, ==, JTI);

  /* The hand-made token of these tests is accepted, so their rejections mean something. */
  {
    g_autofree char *payload = good_payload (NULL);
    g_autofree char *manual = make_token (HEADER, payload);
    g_autoptr (ElJwtClaims) manual_claims = assert_accepted (manual);

    g_assert_cmpstr (manual_claims->jti, ==, JTI);
    g_assert_cmpint (manual_claims->role, ==, EL_ROLE_NURSE);
  }
}

static void
test_claims_copy (void)
{
  g_autoptr (ElJwtClaims) claims = el_jwt_claims_new (USER_ID, EL_ROLE_NURSE, UNIT_ID, NOW, 3600);
  g_autoptr (ElJwtClaims) copy = el_jwt_claims_copy (claims);

  g_assert_true (copy->sub != claims->sub);
  g_assert_cmpstr (copy->sub, ==, claims->sub);
  g_assert_cmpstr (copy->unit_id, ==, claims->unit_id);
  g_assert_cmpstr (copy->jti, ==, claims->jti);
  g_assert_cmpint (copy->exp, ==, claims->exp);
  g_assert_cmpint (copy->role, ==, claims->role);
}

/* The header */

static void
test_alg_none (void)
{
  g_autofree char *payload = good_payload (NULL);
  const char *headers[] = { "{\"alg\":\"none\",\"typ\":\"JWT\"}", "{\"alg\":\"none\"}" };

  for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      g_autofree char *signed_token = make_token (headers[i], payload);
      g_autofree char *unsigned_token = NULL;
      g_autofree char *other = NULL;

      /* With a signature (made with the right secret, even). */
      assert_rejected (signed_token, EL_JWT_ERROR_ALGORITHM);
      /* Without one: "header.payload." */
      unsigned_token = g_strndup (signed_token, (gsize) (strrchr (signed_token, '.') - signed_token + 1));
      g_assert_true (g_str_has_suffix (unsigned_token, "."));
      assert_rejected (unsigned_token, EL_JWT_ERROR_ALGORITHM);
      /* Not even a good HS256 signature makes "none" acceptable. */
      other = make_token_len (headers[i], strlen (headers[i]), payload, strlen (payload), OTHER_SECRET);
      assert_rejected (other, EL_JWT_ERROR_ALGORITHM);
    }
}

static void
test_alg_other (void)
{
  static const char *const headers[] = {
    "{\"alg\":\"HS384\",\"typ\":\"JWT\"}",
    "{\"alg\":\"HS512\",\"typ\":\"JWT\"}",
    "{\"alg\":\"RS256\",\"typ\":\"JWT\"}",
    "{\"alg\":\"ES256\",\"typ\":\"JWT\"}",
    "{\"alg\":\"hs256\",\"typ\":\"JWT\"}",
    "{\"alg\":\"Hs256\",\"typ\":\"JWT\"}",
    "{\"alg\":\"HS256 \",\"typ\":\"JWT\"}",
    "{\"alg\":\"HS2560\",\"typ\":\"JWT\"}",
    "{\"alg\":\"\",\"typ\":\"JWT\"}",
    "{\"alg\":null,\"typ\":\"JWT\"}",
    "{\"alg\":256,\"typ\":\"JWT\"}",
    "{\"alg\":true,\"typ\":\"JWT\"}",
    "{\"alg\":[\"HS256\"],\"typ\":\"JWT\"}",
    "{\"alg\":{\"name\":\"HS256\"},\"typ\":\"JWT\"}",
    "{\"typ\":\"JWT\"}",
    "{\"ALG\":\"HS256\",\"typ\":\"JWT\"}",
    "{}",
  };
  g_autofree char *payload = good_payload (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      g_autofree char *token = make_token (headers[i], payload);

      assert_rejected_at (token, EL_JWT_ERROR_ALGORITHM, headers[i]);
    }
}

static void
test_typ_and_crit (void)
{
  static const char *const rejected[] = {
    "{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}",
    "{\"alg\":\"HS256\",\"typ\":\"jwt\"}",
    "{\"alg\":\"HS256\",\"typ\":\"JWS\"}",
    "{\"alg\":\"HS256\",\"typ\":\"\"}",
    "{\"alg\":\"HS256\",\"typ\":null}",
    "{\"alg\":\"HS256\",\"typ\":1}",
    "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"crit\":[\"exp\"]}",
    "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"crit\":[]}",
    "{\"alg\":\"HS256\",\"crit\":[\"b64\"],\"b64\":false}",
    "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"1\"}",
    "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"jku\":\"https://attacker.example/keys\"}",
    "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"jwk\":{\"kty\":\"oct\",\"k\":\"AAAA\"}}",
  };
  g_autofree char *payload = good_payload (NULL);
  g_autofree char *without_typ = make_token ("{\"alg\":\"HS256\"}", payload);
  g_autofree char *typ_first = make_token ("{\"typ\":\"JWT\",\"alg\":\"HS256\"}", payload);
  g_autofree char *spaced = make_token ("{ \"alg\" : \"HS256\" ,\n\"typ\":\"JWT\" }", payload);
  g_autoptr (ElJwtClaims) c1 = NULL;
  g_autoptr (ElJwtClaims) c2 = NULL;
  g_autoptr (ElJwtClaims) c3 = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (rejected); i++)
    {
      g_autofree char *token = make_token (rejected[i], payload);

      assert_rejected_at (token, EL_JWT_ERROR_ALGORITHM, rejected[i]);
    }

  /* typ is optional; member order and JSON whitespace do not matter (the HMAC covers the bytes). */
  c1 = assert_accepted (without_typ);
  c2 = assert_accepted (typ_first);
  c3 = assert_accepted (spaced);
}

/* The signature */

static void
test_bit_flips (void)
{
  g_autoptr (ElJwtClaims) claims = el_jwt_claims_new (USER_ID, EL_ROLE_NURSE, UNIT_ID, NOW, 3600);
  g_autofree char *token = el_jwt_sign (secret (), secret_len (), claims);
  gsize len = strlen (token);
  guint rejected = 0;

  for (gsize pos = 0; pos < len; pos++)
    for (guint bit = 0; bit < 8; bit++)
      {
        g_autofree char *forged = g_strdup (token);
        g_autoptr (GError) error = NULL;
        ElJwtClaims *out = NULL;

        forged[pos] = (char) ((guchar) forged[pos] ^ (1u << bit));
        if (forged[pos] == '\0')
          continue; /* a NUL ends the string: that is a shorter token, tested elsewhere */
        if (el_jwt_verify (secret (), secret_len (), forged, NOW, &out, &error))
          g_error ("a token with bit %u of byte %" G_GSIZE_FORMAT " flipped was accepted", bit, pos);
        g_assert_error (error, EL_JWT_ERROR, error->code);
        g_assert_null (out);
        g_assert_null (strstr (error->message, strrchr (token, '.') + 1));
        rejected++;
      }
  g_assert_cmpuint (rejected, ==, len * 8);
}

static void
test_other_secret (void)
{
  g_autofree char *payload = good_payload (NULL);
  g_autofree char *token = make_token_len (HEADER, strlen (HEADER), payload, strlen (payload), OTHER_SECRET);
  g_autoptr (ElJwtClaims) claims = el_jwt_claims_new (USER_ID, EL_ROLE_ADMIN, NULL, NOW, 3600);
  g_autofree char *signed_other = el_jwt_sign ((const guint8 *) OTHER_SECRET, strlen (OTHER_SECRET), claims);
  g_autoptr (GError) error = NULL;

  assert_rejected (token, EL_JWT_ERROR_BAD_SIGNATURE);
  assert_rejected (signed_other, EL_JWT_ERROR_BAD_SIGNATURE);
  /* The same token passes with the secret it was made with. */
  g_assert_true (
      el_jwt_verify ((const guint8 *) OTHER_SECRET, strlen (OTHER_SECRET), signed_other, NOW, NULL, &error));
  g_assert_no_error (error);
}

static void
test_swapped_segments (void)
{
  g_autoptr (ElJwtClaims) nurse = el_jwt_claims_new (USER_ID, EL_ROLE_NURSE, UNIT_ID, NOW, 3600);
  g_autoptr (ElJwtClaims) admin = el_jwt_claims_new (USER_ID, EL_ROLE_ADMIN, NULL, NOW, 3600);
  g_autofree char *a = el_jwt_sign (secret (), secret_len (), nurse);
  g_autofree char *b = el_jwt_sign (secret (), secret_len (), admin);
  g_auto (GStrv) sa = g_strsplit (a, ".", -1);
  g_auto (GStrv) sb = g_strsplit (b, ".", -1);
  g_autofree char *payload_b_sig_a = g_strjoin (".", sa[0], sb[1], sa[2], NULL);
  g_autofree char *sig_b_on_a = g_strjoin (".", sa[0], sa[1], sb[2], NULL);
  g_autofree char *header_payload_swapped = g_strjoin (".", sa[1], sa[0], sa[2], NULL);
  g_autofree char *signature_as_payload = g_strjoin (".", sa[0], sa[2], sa[2], NULL);

  assert_rejected (payload_b_sig_a, EL_JWT_ERROR_BAD_SIGNATURE);
  assert_rejected (sig_b_on_a, EL_JWT_ERROR_BAD_SIGNATURE);
  /* The payload as a header: an object without alg. */
  assert_rejected (header_payload_swapped, EL_JWT_ERROR_ALGORITHM);
  assert_rejected (signature_as_payload, EL_JWT_ERROR_BAD_SIGNATURE);
}

/* Time */

static void
test_expiry (void)
{
  g_autofree char *payload = payload_at (NOW - 7200, NOW - 7200, NOW - 3600, NULL);
  g_autofree char *token = make_token (HEADER, payload);
  g_autoptr (ElJwtClaims) c59 = NULL;
  g_autoptr (ElJwtClaims) c60 = NULL;
  g_autoptr (ElJwtClaims) before = NULL;
  g_autoptr (GError) error = NULL;

  /* exp = NOW - 3600: at exp + 59 and exp + 60 it is still good, at exp + 61 it is not. */
  c59 = assert_accepted_at (token, NOW - 3600 + 59, G_STRLOC);
  c60 = assert_accepted_at (token, NOW - 3600 + 60, G_STRLOC);
  before = assert_accepted_at (token, NOW - 7200, G_STRLOC);
  g_assert_false (el_jwt_verify (secret (), secret_len (), token, NOW - 3600 + 61, NULL, &error));
  g_assert_error (error, EL_JWT_ERROR, EL_JWT_ERROR_EXPIRED);
  assert_rejected (token, EL_JWT_ERROR_EXPIRED);

  /* Signed with el_jwt_sign(): 61 s past exp. */
  {
    g_autoptr (ElJwtClaims) claims = el_jwt_claims_new (USER_ID, EL_ROLE_NURSE, NULL, NOW - 3661, 3600);
    g_autofree char *signed_token = el_jwt_sign (secret (), secret_len (), claims);
    g_autoptr (ElJwtClaims) ok = NULL;

    assert_rejected (signed_token, EL_JWT_ERROR_EXPIRED);
    ok = assert_accepted_at (signed_token, NOW - 2, G_STRLOC);
  }
}

static void
test_not_yet_valid (void)
{
  g_autofree char *nbf61 = payload_at (NOW, NOW + 61, NOW + 3600, NULL);
  g_autofree char *nbf59 = payload_at (NOW, NOW + 59, NOW + 3600, NULL);
  g_autofree char *iat61 = payload_at (NOW + 61, NOW, NOW + 3600, NULL);
  g_autofree char *iat59 = payload_at (NOW + 59, NOW, NOW + 3600, NULL);
  g_autofree char *t_nbf61 = make_token (HEADER, nbf61);
  g_autofree char *t_nbf59 = make_token (HEADER, nbf59);
  g_autofree char *t_iat61 = make_token (HEADER, iat61);
  g_autofree char *t_iat59 = make_token (HEADER, iat59);
  g_autoptr (ElJwtClaims) c1 = NULL;
  g_autoptr (ElJwtClaims) c2 = NULL;
  g_autoptr (ElJwtClaims) c3 = NULL;

  assert_rejected (t_nbf61, EL_JWT_ERROR_NOT_YET_VALID);
  assert_rejected (t_iat61, EL_JWT_ERROR_NOT_YET_VALID);
  c1 = assert_accepted (t_nbf59);
  c2 = assert_accepted (t_iat59);
  /* Once the time has come, the nbf token is good. */
  c3 = assert_accepted_at (t_nbf61, NOW + 1, G_STRLOC);
}

/* Claims */

static void
test_issuer_audience (void)
{
  static const struct
  {
    const char *iss;
    const char *aud;
    gboolean ok;
  } cases[] = {
    { "\"eclipselink-server\"", "\"eclipselink\"", TRUE },
    { "\"eclipselink-server\"", "[\"eclipselink\"]", TRUE },
    { "\"eclipselink-server\"", "[\"other\",\"eclipselink\"]", TRUE },
    { "\"eclipselink-server\"", "[\"other\"]", FALSE },
    { "\"eclipselink-server\"", "[]", FALSE },
    { "\"eclipselink-server\"", "[\"eclipselink\",1]", FALSE },
    { "\"eclipselink-server\"", "[[\"eclipselink\"]]", FALSE },
    { "\"eclipselink-server\"", "\"Eclipselink\"", FALSE },
    { "\"eclipselink-server\"", "\"eclipselink \"", FALSE },
    { "\"eclipselink-server\"", "\"other\"", FALSE },
    { "\"eclipselink-server\"", "null", FALSE },
    { "\"eclipselink-server\"", "{\"aud\":\"eclipselink\"}", FALSE },
    { "\"https://attacker.example\"", "\"eclipselink\"", FALSE },
    { "\"Eclipselink-Server\"", "\"eclipselink\"", FALSE },
    { "\"\"", "\"eclipselink\"", FALSE },
    { "null", "\"eclipselink\"", FALSE },
    { "[\"eclipselink-server\"]", "\"eclipselink\"", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *payload = g_strdup_printf (
          "{\"iss\":%s,\"aud\":%s,\"sub\":\"" USER_ID "\",\"role\":\"nurse\",\"iat\":%" G_GINT64_FORMAT
          ",\"nbf\":%" G_GINT64_FORMAT ",\"exp\":%" G_GINT64_FORMAT ",\"jti\":\"" JTI "\"}",
          cases[i].iss, cases[i].aud, NOW, NOW, NOW + 60);
      g_autofree char *token = make_token (HEADER, payload);

      if (cases[i].ok)
        {
          g_autoptr (ElJwtClaims) claims = assert_accepted_at (token, NOW, payload);

          g_assert_null (claims->unit_id);
        }
      else
        {
          assert_rejected_at (token, EL_JWT_ERROR_CLAIMS, payload);
        }
    }
}

/* Builds the good payload without @member (a JSON string of member text to cut out). */
static char *
payload_without (const char *member)
{
  g_autofree char *payload = good_payload (NULL);
  g_autoptr (GString) str = g_string_new (payload);
  char *at = strstr (str->str, member);

  g_assert_nonnull (at);
  g_string_erase (str, at - str->str, (gssize) strlen (member));
  return g_string_free (g_steal_pointer (&str), FALSE);
}

static void
test_missing_claims (void)
{
  static const char *const members[] = {
    "\"iss\":\"eclipselink-server\",",
    "\"aud\":\"eclipselink\",",
    "\"sub\":\"" USER_ID "\",",
    "\"role\":\"nurse\",",
  };
  static const char *const times[] = { "exp", "nbf", "iat" };

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      g_autofree char *payload = payload_without (members[i]);
      g_autofree char *token = make_token (HEADER, payload);

      assert_rejected_at (token, EL_JWT_ERROR_CLAIMS, members[i]);
    }

  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    {
      g_autofree char *payload = good_payload (NULL);
      g_autoptr (GString) str = g_string_new (payload);
      g_autofree char *needle = g_strdup_printf (",\"%s\":", times[i]);
      char *at = strstr (str->str, needle);
      char *stop;
      g_autofree char *token = NULL;

      g_assert_nonnull (at);
      stop = strchr (at + 1, ',');
      g_string_erase (str, at - str->str, stop - at);
      token = make_token (HEADER, str->str);
      assert_rejected_at (token, EL_JWT_ERROR_CLAIMS, str->str);
    }

  {
    g_autofree char *payload = payload_without (",\"jti\":\"" JTI "\"");
    g_autofree char *token = make_token (HEADER, payload);

    assert_rejected (token, EL_JWT_ERROR_CLAIMS);
  }
  {
    /* unit_id is the one optional claim. */
    g_autofree char *payload = payload_without (",\"unit_id\":\"" UNIT_ID "\"");
    g_autofree char *token = make_token (HEADER, payload);
    g_autoptr (ElJwtClaims) claims = assert_accepted (token);

    g_assert_null (claims->unit_id);
  }
  {
    g_autofree char *token = make_token (HEADER, "{}");

    assert_rejected (token, EL_JWT_ERROR_CLAIMS);
  }
}

static void
test_claim_types (void)
{
  static const struct
  {
    const char *from;
    const char *to;
  } cases[] = {
    { "\"sub\":\"" USER_ID "\"", "\"sub\":5" },
    { "\"sub\":\"" USER_ID "\"", "\"sub\":null" },
    { "\"sub\":\"" USER_ID "\"", "\"sub\":\"3F1C1A8E-2B7D-4C55-9A10-6D2F0B9E7A41\"" },
    { "\"sub\":\"" USER_ID "\"", "\"sub\":\"nurse.a@demo.eclipselink.ai\"" },
    { "\"sub\":\"" USER_ID "\"", "\"sub\":\"" USER_ID " \"" },
    { "\"sub\":\"" USER_ID "\"", "\"sub\":[\"" USER_ID "\"]" },
    { "\"role\":\"nurse\"", "\"role\":\"superuser\"" },
    { "\"role\":\"nurse\"", "\"role\":\"Admin\"" },
    { "\"role\":\"nurse\"", "\"role\":2" },
    { "\"role\":\"nurse\"", "\"role\":[\"admin\"]" },
    { "\"unit_id\":\"" UNIT_ID "\"", "\"unit_id\":7" },
    { "\"unit_id\":\"" UNIT_ID "\"", "\"unit_id\":null" },
    { "\"unit_id\":\"" UNIT_ID "\"", "\"unit_id\":\"ward-3\"" },
    { "\"jti\":\"" JTI "\"", "\"jti\":\"abc\"" },
    { "\"jti\":\"" JTI "\"", "\"jti\":\"00112233445566778899AABBCCDDEEFF\"" },
    { "\"jti\":\"" JTI "\"", "\"jti\":12" },
    { "\"iss\":\"eclipselink-server\"", "\"iss\":1" },
  };
  static const char *const bad_times[] = {
    "\"1750003600\"", "1750003600.5", "1.75e9",       "1750003600.0",     "-1",
    "null",           "true",         "[1750003600]", "9007199254740992", "9223372036854775807",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *payload = good_payload (NULL);
      g_autoptr (GString) str = g_string_new (payload);
      g_autofree char *token = NULL;

      g_assert_cmpuint (g_string_replace (str, cases[i].from, cases[i].to, 1), ==, 1);
      token = make_token (HEADER, str->str);
      assert_rejected_at (token, EL_JWT_ERROR_CLAIMS, str->str);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad_times); i++)
    for (guint which = 0; which < 3; which++)
      {
        static const char *const names[] = { "iat", "nbf", "exp" };
        g_autofree char *payload = payload_at (NOW, NOW, NOW + 3600, NULL);
        g_autoptr (GString) str = g_string_new (payload);
        g_autofree char *from = NULL;
        g_autofree char *to = g_strdup_printf ("\"%s\":%s", names[which], bad_times[i]);
        g_autofree char *token = NULL;

        from = g_strdup_printf ("\"%s\":%" G_GINT64_FORMAT, names[which], which == 2 ? NOW + 3600 : NOW);
        g_assert_cmpuint (g_string_replace (str, from, to, 1), ==, 1);
        token = make_token (HEADER, str->str);
        assert_rejected_at (token, EL_JWT_ERROR_CLAIMS, str->str);
      }
}

static void
test_extra_claims_ignored (void)
{
  g_autofree char *payload = good_payload (",\"scope\":\"x\",\"nested\":{\"a\":{\"b\":[1,2,{\"c\":null}]}}");
  g_autofree char *token = make_token (HEADER, payload);
  g_autoptr (ElJwtClaims) claims = assert_accepted (token);

  g_assert_cmpstr (claims->sub, ==, USER_ID);
}

/* JSON */

static void
test_duplicate_keys (void)
{
  static const char *const headers[] = {
    "{\"alg\":\"HS256\",\"alg\":\"none\"}",        "{\"alg\":\"none\",\"alg\":\"HS256\"}",
    "{\"alg\":\"HS256\",\"alg\":\"HS256\"}",       "{\"alg\":\"HS256\",\"typ\":\"JWT\",\"typ\":\"JWT\"}",
    "{\"alg\":\"HS256\",\"\\u0061lg\":\"HS256\"}", "{\"alg\":\"HS256\",\"al\\u0067\":\"none\"}",
    "{\"a\\/lg\":1,\"a/lg\":1,\"alg\":\"HS256\"}",
  };
  static const char *const extras[] = {
    ",\"sub\":\"" USER_ID "\"",
    ",\"exp\":1",
    ",\"role\":\"admin\"",
    ",\"\\u0072ole\":\"admin\"",
    ",\"x\":{\"k\":1,\"k\":2}",
    ",\"x\":[{\"k\":1},{\"k\":1,\"\\u006b\":2}]",
    ",\"\\ud83d\\ude00\":1,\"\xf0\x9f\x98\x80\":2",
  };
  g_autofree char *payload = good_payload (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
    {
      g_autofree char *token = make_token (headers[i], payload);

      assert_rejected_at (token, EL_JWT_ERROR_MALFORMED, headers[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (extras); i++)
    {
      g_autofree char *dup = good_payload (extras[i]);
      g_autofree char *token = make_token (HEADER, dup);

      assert_rejected_at (token, EL_JWT_ERROR_MALFORMED, extras[i]);
    }

  /* The same name in different objects is no duplicate. */
  {
    g_autofree char *ok = good_payload (",\"x\":{\"sub\":1,\"k\":{\"k\":2}},\"y\":[{\"k\":1},{\"k\":1}]");
    g_autofree char *token = make_token (HEADER, ok);
    g_autoptr (ElJwtClaims) claims = assert_accepted (token);

    g_assert_cmpstr (claims->sub, ==, USER_ID);
  }
}

/* The cache of accepted tokens: the same answers as el_jwt_verify(), whatever it remembers. */
static void
test_cache (void)
{
  g_autoptr (ElJwtCache) cache = el_jwt_cache_new (3);
  g_autoptr (ElJwtClaims) claims = el_jwt_claims_new (USER_ID, EL_ROLE_CHARGE_NURSE, UNIT_ID, NOW, 3600);
  g_autofree char *token = el_jwt_sign (secret (), secret_len (), claims);
  gsize len = strlen (token);

  g_assert_cmpuint (el_jwt_cache_get_size (cache), ==, 0);
  /* twice: the second answer comes from the cache, with the same claims */
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr (ElJwtClaims) out = NULL;
      g_autoptr (GError) error = NULL;

      g_assert_true (el_jwt_verify_cached (cache, secret (), secret_len (), token, NOW + 10, &out, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (out->sub, ==, USER_ID);
      g_assert_cmpint (out->role, ==, EL_ROLE_CHARGE_NURSE);
      g_assert_cmpstr (out->unit_id, ==, UNIT_ID);
      g_assert_cmpstr (out->jti, ==, claims->jti);
      g_assert_cmpint (out->exp, ==, NOW + 3600);
      g_assert_cmpuint (el_jwt_cache_get_size (cache), ==, 1);
    }

  /* a known token out of its time: expired (or not yet valid) exactly as el_jwt_verify() says */
  {
    g_autoptr (GError) error = NULL;
    ElJwtClaims *out = NULL;

    g_assert_true (el_jwt_verify_cached (cache, secret (), secret_len (), token, NOW + 3660, NULL, &error));
    g_assert_false (el_jwt_verify_cached (cache, secret (), secret_len (), token, NOW + 3661, &out, &error));
    g_assert_error (error, EL_JWT_ERROR, EL_JWT_ERROR_EXPIRED);
    g_assert_null (out);
    g_clear_error (&error);
    g_assert_false (el_jwt_verify_cached (cache, secret (), secret_len (), token, NOW - 61, &out, &error));
    g_assert_error (error, EL_JWT_ERROR, EL_JWT_ERROR_NOT_YET_VALID);
    g_assert_null (out);
  }

  /* every bit flip of a cached token is still refused */
  for (gsize pos = 0; pos < len; pos++)
    for (guint bit = 0; bit < 8; bit++)
      {
        g_autofree char *forged = g_strdup (token);
        g_autoptr (GError) error = NULL;
        ElJwtClaims *out = NULL;

        forged[pos] = (char) ((guchar) forged[pos] ^ (1u << bit));
        if (forged[pos] == '\0')
          continue;
        if (el_jwt_verify_cached (cache, secret (), secret_len (), forged, NOW + 10, &out, &error))
          g_error ("a token with bit %u of byte %" G_GSIZE_FORMAT " flipped was accepted", bit, pos);
        g_assert_error (error, EL_JWT_ERROR, error->code);
        g_assert_null (out);
      }
  /* a prefix of a cached token, another secret, no token */
  {
    g_autofree char *prefix = g_strndup (token, len - 1);
    g_autoptr (GError) error = NULL;
    g_autoptr (GError) uncached_error = NULL;

    /* Without its last character the signature is either not canonical base64url (malformed) or,
     * when the dropped bits happen to be zero (1 token in 16), 31 bytes that do not match: the
     * cache must give whichever answer el_jwt_verify() gives. */
    g_assert_false (el_jwt_verify (secret (), secret_len (), prefix, NOW, NULL, &uncached_error));
    g_assert_nonnull (uncached_error);
    g_assert_true (uncached_error->code == EL_JWT_ERROR_MALFORMED ||
                   uncached_error->code == EL_JWT_ERROR_BAD_SIGNATURE);
    g_assert_false (el_jwt_verify_cached (cache, secret (), secret_len (), prefix, NOW, NULL, &error));
    g_assert_error (error, EL_JWT_ERROR, uncached_error->code);
    g_clear_error (&error);
    g_assert_false (el_jwt_verify_cached (cache, secret (), secret_len (), NULL, NOW, NULL, &error));
    g_assert_error (error, EL_JWT_ERROR, EL_JWT_ERROR_MALFORMED);
  }
  g_assert_cmpuint (el_jwt_cache_get_size (cache), ==, 1);

  /* bounded: the fourth token starts the cache over */
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (ElJwtClaims) other = el_jwt_claims_new (USER_ID, EL_ROLE_NURSE, NULL, NOW + i, 3600);
      g_autofree char *other_token = el_jwt_sign (secret (), secret_len (), other);
      g_autoptr (GError) error = NULL;

      g_assert_true (
          el_jwt_verify_cached (cache, secret (), secret_len (), other_token, NOW + 10, NULL, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpuint (el_jwt_cache_get_size (cache), ==, 1);
}

static void
test_not_strict_json (void)
{
  static const char *const payloads[] = {
    "[]",
    "[{\"sub\":\"" USER_ID "\"}]",
    "null",
    "42",
    "\"eclipselink\"",
    "",
    " ",
    "{\"iss\":\"eclipselink-server\",}",
    "{'iss':'eclipselink-server'}",
    "{\"iss\":\"eclipselink-server\"} {}",
    "{\"iss\":\"eclipselink-server\" /* c */}",
    "{\"iss\":\"eclipselink-server\"",
    "{\"exp\":01}",
    "{\"exp\":99999999999999999999999}",
    "{\"iss\":\"a\\u0000b\"}",
    "{\"iss\":\"\\ud800\"}",
  };
  static const char non_utf8[] = "{\"iss\":\"eclipselink-server\",\"sub\":\"\xff\xfe\"}";
  static const char nul[] = "{\"iss\":\"eclipselink-server\"}\0";
  g_autofree char *payload = good_payload (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (payloads); i++)
    {
      g_autofree char *token = make_token (HEADER, payloads[i]);

      assert_rejected_at (token, EL_JWT_ERROR_MALFORMED, payloads[i]);
    }

  {
    g_autofree char *token = make_token_len (HEADER, strlen (HEADER), non_utf8, sizeof non_utf8 - 1, SECRET);
    static const char bad_header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\xc3\"}";
    g_autofree char *header_bad =
        make_token_len (bad_header, sizeof bad_header - 1, payload, strlen (payload), SECRET);

    assert_rejected (token, EL_JWT_ERROR_MALFORMED);
    assert_rejected (header_bad, EL_JWT_ERROR_MALFORMED);
  }
  {
    g_autofree char *token = make_token_len (HEADER, strlen (HEADER), nul, sizeof nul - 1, SECRET);

    assert_rejected (token, EL_JWT_ERROR_MALFORMED);
  }
  {
    g_autofree char *array_header = make_token ("[\"HS256\"]", payload);
    g_autofree char *string_header = make_token ("\"HS256\"", payload);

    assert_rejected (array_header, EL_JWT_ERROR_MALFORMED);
    assert_rejected (string_header, EL_JWT_ERROR_MALFORMED);
  }
}

/* Serialisation */

static void
test_non_canonical_base64 (void)
{
  g_autoptr (ElJwtClaims) claims = el_jwt_claims_new (USER_ID, EL_ROLE_NURSE, UNIT_ID, NOW, 3600);
  g_autofree char *token = el_jwt_sign (secret (), secret_len (), claims);
  g_auto (GStrv) s = g_strsplit (token, ".", -1);
  g_autoptr (GPtrArray) forged = g_ptr_array_new_with_free_func (g_free);
  gsize sig_len = strlen (s[2]);
  char last = s[2][sig_len - 1];

  for (guint i = 0; i < 3; i++)
    {
      static const char *const insertions[] = { "=", "==", " ", "\n", "\t", "+", "/", "%3D", "\r\n" };

      for (guint j = 0; j < G_N_ELEMENTS (insertions); j++)
        {
          g_auto (GStrv) copy = g_strdupv (s);
          char *appended = g_strconcat (copy[i], insertions[j], NULL);
          char *prepended = g_strconcat (insertions[j], copy[i], NULL);

          g_free (copy[i]);
          copy[i] = appended;
          g_ptr_array_add (forged, g_strjoinv (".", copy));
          g_free (copy[i]);
          copy[i] = prepended;
          g_ptr_array_add (forged, g_strjoinv (".", copy));
        }
    }

  /* '-' and '_' written in the standard alphabet: take any token whose segments have them. */
  for (guint n = 0; n < 64; n++)
    {
      g_autoptr (ElJwtClaims) c = el_jwt_claims_new (USER_ID, EL_ROLE_NURSE, UNIT_ID, NOW + n, 3600);
      g_autofree char *t = el_jwt_sign (secret (), secret_len (), c);

      if (strchr (t, '-') != NULL)
        {
          char *std = g_strdup (t);

          *strchr (std, '-') = '+';
          g_ptr_array_add (forged, std);
        }
      if (strchr (t, '_') != NULL)
        {
          char *std = g_strdup (t);

          *strchr (std, '_') = '/';
          g_ptr_array_add (forged, std);
        }
    }

  /* The signature's last character carries 2 unused bits: setting one keeps the decoded bytes of a
   * lax decoder the same. */
  {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int value = (int) (strchr (alphabet, last) - alphabet);
    char *lax = g_strdup (token);

    g_assert_cmpint (value & 3, ==, 0);
    lax[strlen (lax) - 1] = alphabet[value | 1];
    g_ptr_array_add (forged, lax);
  }

  g_assert_cmpuint (forged->len, >, 54);
  for (guint i = 0; i < forged->len; i++)
    assert_rejected_at (forged->pdata[i], EL_JWT_ERROR_MALFORMED, forged->pdata[i]);
}

static void
test_segments (void)
{
  g_autoptr (ElJwtClaims) claims = el_jwt_claims_new (USER_ID, EL_ROLE_NURSE, UNIT_ID, NOW, 3600);
  g_autofree char *token = el_jwt_sign (secret (), secret_len (), claims);
  g_auto (GStrv) s = g_strsplit (token, ".", -1);
  g_autofree char *two = g_strjoin (".", s[0], s[1], NULL);
  g_autofree char *four = g_strjoin (".", s[0], s[1], s[2], s[2], NULL);
  g_autofree char *trailing_dot = g_strconcat (token, ".", NULL);
  g_autofree char *leading_dot = g_strconcat (".", token, NULL);
  g_autofree char *no_header = g_strjoin (".", "", s[1], s[2], NULL);
  g_autofree char *no_payload = g_strjoin (".", s[0], "", s[2], NULL);
  g_autofree char *no_signature = g_strjoin (".", s[0], s[1], "", NULL);
  const char *const malformed[] = { two, four, trailing_dot, leading_dot, no_header, no_payload, "",
                                    ".", "..", "...",        "a.b",       "a.b.c.d", s[0],       NULL };

  for (guint i = 0; malformed[i] != NULL; i++)
    assert_rejected_at (malformed[i], EL_JWT_ERROR_MALFORMED, malformed[i]);
  /* An empty signature is a signature that does not match. */
  assert_rejected (no_signature, EL_JWT_ERROR_BAD_SIGNATURE);
  assert_rejected (NULL, EL_JWT_ERROR_MALFORMED);
}

static void
test_size_limit (void)
{
  g_autofree char *largest = NULL;
  g_autofree char *too_large = NULL;
  g_autofree char *huge = NULL;

  /* Grow an extra claim until the token passes 8192 bytes. */
  for (gsize pad = 5000; pad < 7000; pad++)
    {
      g_autofree char *filler = g_strnfill (pad, 'x');
      g_autofree char *extra = g_strdup_printf (",\"pad\":\"%s\"", filler);
      g_autofree char *payload = good_payload (extra);
      char *token = make_token (HEADER, payload);

      if (strlen (token) <= EL_JWT_MAX_TOKEN_BYTES)
        {
          g_free (largest);
          largest = token;
        }
      else
        {
          too_large = token;
          break;
        }
    }
  g_assert_nonnull (largest);
  g_assert_nonnull (too_large);
  g_assert_cmpuint (strlen (largest), >=, EL_JWT_MAX_TOKEN_BYTES - 3);
  g_assert_cmpuint (strlen (too_large), >, EL_JWT_MAX_TOKEN_BYTES);

  {
    g_autoptr (ElJwtClaims) claims = assert_accepted (largest);

    g_assert_cmpstr (claims->sub, ==, USER_ID);
  }
  assert_rejected (too_large, EL_JWT_ERROR_MALFORMED);

  /* A megabyte of dots: rejected on its size, before anything else. */
  huge = g_strnfill (1024 * 1024, '.');
  assert_rejected (huge, EL_JWT_ERROR_MALFORMED);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/el/server/jwt/base64url/vectors", test_base64url_vectors);
  g_test_add_func ("/el/server/jwt/base64url/strict", test_base64url_strict);
  g_test_add_func ("/el/server/jwt/round-trip", test_round_trip);
  g_test_add_func ("/el/server/jwt/claims-copy", test_claims_copy);
  g_test_add_func ("/el/server/jwt/forged/alg-none", test_alg_none);
  g_test_add_func ("/el/server/jwt/forged/alg-other", test_alg_other);
  g_test_add_func ("/el/server/jwt/forged/typ-crit", test_typ_and_crit);
  g_test_add_func ("/el/server/jwt/forged/bit-flips", test_bit_flips);
  g_test_add_func ("/el/server/jwt/forged/other-secret", test_other_secret);
  g_test_add_func ("/el/server/jwt/forged/swapped-segments", test_swapped_segments);
  g_test_add_func ("/el/server/jwt/forged/expired", test_expiry);
  g_test_add_func ("/el/server/jwt/forged/not-yet-valid", test_not_yet_valid);
  g_test_add_func ("/el/server/jwt/forged/iss-aud", test_issuer_audience);
  g_test_add_func ("/el/server/jwt/forged/missing-claims", test_missing_claims);
  g_test_add_func ("/el/server/jwt/forged/claim-types", test_claim_types);
  g_test_add_func ("/el/server/jwt/extra-claims", test_extra_claims_ignored);
  g_test_add_func ("/el/server/jwt/forged/duplicate-keys", test_duplicate_keys);
  g_test_add_func ("/el/server/jwt/forged/not-strict-json", test_not_strict_json);
  g_test_add_func ("/el/server/jwt/forged/non-canonical-base64", test_non_canonical_base64);
  g_test_add_func ("/el/server/jwt/forged/segments", test_segments);
  g_test_add_func ("/el/server/jwt/forged/size-limit", test_size_limit);
  g_test_add_func ("/el/server/jwt/cache", test_cache);

  return g_test_run ();
}
