/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "el-model-enums.h"

G_BEGIN_DECLS

/*
 * Access tokens: HS256 JSON Web Tokens (RFC 7519) made and checked with OpenSSL's HMAC-SHA256.
 * No JWT library: the algorithm is pinned here, not chosen by the token.
 *
 * A token is `base64url(header) "." base64url(payload) "." base64url(HMAC-SHA256(secret, header "."
 * payload))`, base64url without padding. The header is exactly `{"alg":"HS256","typ":"JWT"}`; the
 * payload is
 *
 *   {"iss":"eclipselink-server","aud":"eclipselink","sub":"<user uuid>","role":"nurse",
 *    "unit_id":"<unit uuid>","iat":N,"nbf":N,"exp":N,"jti":"<32 lowercase hex>"}
 *
 * (unit_id only when the user has one). el_jwt_verify() checks, in this order, and stops at the
 * first failure:
 *
 * 1. shape (%EL_JWT_ERROR_MALFORMED): at most %EL_JWT_MAX_TOKEN_BYTES bytes, exactly three
 *    segments, each canonical base64url (alphabet A-Z a-z 0-9 - _ only: no padding, no '+' or '/',
 *    no whitespace, unused trailing bits zero);
 * 2. header: strict JSON (UTF-8, RFC 8259 syntax, no duplicate member names) holding an object
 *    (%EL_JWT_ERROR_MALFORMED), whose members are exactly "alg" = the string "HS256" and optionally
 *    "typ" = the string "JWT" (%EL_JWT_ERROR_ALGORITHM otherwise: none, HS384, RS256, "hs256", a
 *    non-string, a missing alg, another typ, "crit" or any other header parameter);
 * 3. signature (%EL_JWT_ERROR_BAD_SIGNATURE): 32 bytes equal, by CRYPTO_memcmp(), to the HMAC of
 *    the exact header "." payload bytes received. The payload is not parsed before this;
 * 4. payload: strict JSON as for the header, an object (%EL_JWT_ERROR_MALFORMED);
 * 5. claims (%EL_JWT_ERROR_CLAIMS): iss = "eclipselink-server"; aud = "eclipselink" or an array of
 *    strings containing it; sub a canonical lowercase UUID; role "nurse" | "charge_nurse" |
 *    "admin"; unit_id absent or a canonical UUID; iat, nbf, exp integers in [0, 2^53 - 1]; jti 32
 *    lowercase hex digits. All of them but unit_id are required. Other claims are ignored;
 * 6. time, with a leeway of %EL_JWT_LEEWAY_SECONDS: %EL_JWT_ERROR_EXPIRED when now > exp + 60,
 *    %EL_JWT_ERROR_NOT_YET_VALID when nbf > now + 60 or iat > now + 60.
 *
 * Error messages say what failed and never contain the token or a claim's value.
 */

#define EL_JWT_ERROR (el_jwt_error_quark ())

typedef enum
{
  EL_JWT_ERROR_MALFORMED,     /* not a JWT in our strict serialisation, or its JSON is not strict */
  EL_JWT_ERROR_BAD_SIGNATURE, /* the HMAC does not match */
  EL_JWT_ERROR_ALGORITHM,     /* the header is not {"alg":"HS256"[,"typ":"JWT"]} */
  EL_JWT_ERROR_EXPIRED,       /* exp is more than the leeway in the past */
  EL_JWT_ERROR_NOT_YET_VALID, /* nbf or iat is more than the leeway in the future */
  EL_JWT_ERROR_CLAIMS,        /* a claim is missing, has the wrong type or a wrong value */
} ElJwtError;

#define EL_JWT_ISSUER           "eclipselink-server"
#define EL_JWT_AUDIENCE         "eclipselink"
#define EL_JWT_LEEWAY_SECONDS   60
#define EL_JWT_MAX_TOKEN_BYTES  8192
#define EL_JWT_SECRET_MIN_BYTES 32
#define EL_JWT_JTI_LEN          32 /* hex digits of 128 random bits */

/**
 * ElJwtClaims:
 * @sub: the user's id (canonical lowercase UUID)
 * @role: the user's role
 * @unit_id: (nullable): the user's unit (canonical lowercase UUID)
 * @iat: issued at, seconds since the Unix epoch
 * @nbf: not before, seconds since the Unix epoch
 * @exp: expires at, seconds since the Unix epoch
 * @jti: the token's id: 128 random bits as 32 lowercase hex digits
 *
 * The claims of an access token; iss and aud are fixed (%EL_JWT_ISSUER, %EL_JWT_AUDIENCE).
 */
typedef struct
{
  char *sub;
  ElRole role;
  char *unit_id;
  gint64 iat;
  gint64 nbf;
  gint64 exp;
  char *jti;
} ElJwtClaims;

GQuark el_jwt_error_quark (void);

ElJwtClaims *
el_jwt_claims_new (const char *sub, ElRole role, const char *unit_id, gint64 now, gint64 ttl_seconds);
ElJwtClaims *el_jwt_claims_copy (const ElJwtClaims *claims);
void el_jwt_claims_free (ElJwtClaims *claims);

char *el_jwt_sign (const guint8 *secret, gsize secret_len, const ElJwtClaims *claims);
gboolean el_jwt_verify (const guint8 *secret,
                        gsize secret_len,
                        const char *token,
                        gint64 now,
                        ElJwtClaims **claims,
                        GError **error);

/*
 * ElJwtCache: el_jwt_verify() with a memory of the tokens it accepted, for the bearer token that
 * a client sends with every request. Accepting a token is a pure function of the token, the
 * secret and the time, so a token seen before is found by the SHA-256 of its exact bytes (the
 * token itself is not kept) and only the time checks (step 6) run again; a token that fails them,
 * or any token not in the cache, goes through el_jwt_verify() in full. Nothing about the user is
 * cached: callers still check the account (disabled, role) on every request. One cache serves one
 * secret; at most @max_entries tokens are kept (beyond, the cache starts over). Thread-safe.
 */
typedef struct ElJwtCache ElJwtCache;

ElJwtCache *el_jwt_cache_new (guint max_entries);
void el_jwt_cache_free (ElJwtCache *cache);
guint el_jwt_cache_get_size (ElJwtCache *cache);
gboolean el_jwt_verify_cached (ElJwtCache *cache,
                               const guint8 *secret,
                               gsize secret_len,
                               const char *token,
                               gint64 now,
                               ElJwtClaims **claims,
                               GError **error);

/* base64url without padding (RFC 4648 §5), shared with el-tokens. */
char *el_base64url_encode (const guint8 *data, gsize len);
guint8 *el_base64url_decode (const char *text, gsize text_len, gsize *out_len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElJwtClaims, el_jwt_claims_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElJwtCache, el_jwt_cache_free)

G_END_DECLS
