/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Password hashing with Argon2id (libargon2), stored as PHC strings:
 *
 *   $argon2id$v=19$m=19456,t=2,p=1$<salt, 16 bytes, base64 without padding>$<hash, 32 bytes>
 *
 * The parameters are OWASP's first recommendation (19 MiB, 2 passes, 1 lane): about 30 ms on a
 * current x86-64 core. A password is any bytes, at most EL_PASSWORD_MAX_BYTES (longer ones are
 * refused rather than truncated); the caller wipes its own copies with OPENSSL_cleanse().
 *
 * el_password_verify() compares in constant time (libargon2's argon2_verify()), and refuses a PHC
 * string whose cost parameters are beyond EL_PASSWORD_MAX_* so a damaged row cannot make a login
 * allocate gigabytes. After a successful login, call el_password_needs_rehash() and store a new
 * hash when it says so (the parameters changed since the hash was made).
 *
 * el_password_verify_dummy() spends the same time as a verification against a real hash: call it
 * when the account does not exist, so an unknown email and a wrong password take equally long.
 */

#define EL_PASSWORD_MAX_BYTES   1024
#define EL_PASSWORD_M_COST_KIB  19456
#define EL_PASSWORD_T_COST      2
#define EL_PASSWORD_PARALLELISM 1
#define EL_PASSWORD_SALT_BYTES  16
#define EL_PASSWORD_HASH_BYTES  32

/* Verification refuses hashes that would cost more than this. */
#define EL_PASSWORD_MAX_M_COST_KIB  (1024 * 1024)
#define EL_PASSWORD_MAX_T_COST      16
#define EL_PASSWORD_MAX_PARALLELISM 16

#define EL_PASSWORD_ERROR (el_password_error_quark ())

typedef enum
{
  EL_PASSWORD_ERROR_TOO_LONG,     /* more than EL_PASSWORD_MAX_BYTES */
  EL_PASSWORD_ERROR_INVALID_HASH, /* not an Argon2id PHC string we accept */
  EL_PASSWORD_ERROR_FAILED,       /* libargon2 or the random generator failed */
} ElPasswordError;

GQuark el_password_error_quark (void);

char *el_password_hash (const void *password, gsize len, GError **error);
gboolean el_password_verify (const char *phc, const void *password, gsize len, GError **error);
void el_password_verify_dummy (const void *password, gsize len);
gboolean el_password_needs_rehash (const char *phc);

G_END_DECLS
