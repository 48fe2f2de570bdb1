/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-password.h"

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <string.h>

G_DEFINE_QUARK (el_password_error_quark, el_password_error)

/* A hash of a random password under the current parameters, for el_password_verify_dummy(). */
static char *dummy_hash;

static gboolean
check_length (gsize len, GError **error)
{
  if (len > EL_PASSWORD_MAX_BYTES)
    {
      g_set_error (error, EL_PASSWORD_ERROR, EL_PASSWORD_ERROR_TOO_LONG, "password longer than %d bytes",
                   EL_PASSWORD_MAX_BYTES);
      return FALSE;
    }
  return TRUE;
}

/**
 * el_password_hash:
 * @password: (array length=len): the password, any bytes
 * @len: its length, at most %EL_PASSWORD_MAX_BYTES
 * @error: an %EL_PASSWORD_ERROR
 *
 * Returns: (transfer full) (nullable): the Argon2id PHC string, with a fresh random salt
 */
char *
el_password_hash (const void *password, gsize len, GError **error)
{
  guint8 salt[EL_PASSWORD_SALT_BYTES];
  gsize encoded_len;
  g_autofree char *encoded = NULL;
  int rc;

  g_return_val_if_fail (password != NULL || len == 0, NULL);

  if (!check_length (len, error))
    return NULL;
  if (RAND_bytes (salt, sizeof salt) != 1)
    {
      g_set_error_literal (error, EL_PASSWORD_ERROR, EL_PASSWORD_ERROR_FAILED, "the random generator failed");
      return NULL;
    }

  encoded_len = argon2_encodedlen (EL_PASSWORD_T_COST, EL_PASSWORD_M_COST_KIB, EL_PASSWORD_PARALLELISM,
                                   EL_PASSWORD_SALT_BYTES, EL_PASSWORD_HASH_BYTES, Argon2_id);
  encoded = g_malloc0 (encoded_len);
  rc = argon2id_hash_encoded (EL_PASSWORD_T_COST, EL_PASSWORD_M_COST_KIB, EL_PASSWORD_PARALLELISM,
                              password != NULL ? password : "", len, salt, sizeof salt,
                              EL_PASSWORD_HASH_BYTES, encoded, encoded_len);
  if (rc != ARGON2_OK)
    {
      g_set_error (error, EL_PASSWORD_ERROR, EL_PASSWORD_ERROR_FAILED, "Argon2id failed: %s",
                   argon2_error_message (rc));
      return NULL;
    }
  return g_steal_pointer (&encoded);
}

/* Standard base64 without padding, as in PHC strings: the decoded length, or -1 if not base64. */
static gssize
b64_decoded_len (const char *s, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum (s[i]) && s[i] != '+' && s[i] != '/')
      return -1;
  if (n % 4 == 1)
    return -1;
  return (gssize) (n / 4 * 3 + (n % 4 == 0 ? 0 : n % 4 - 1));
}

static gboolean
parse_uint (const char **p, const char *prefix, guint64 max, guint64 *out)
{
  const char *s = *p;
  guint64 v = 0;

  if (!g_str_has_prefix (s, prefix))
    return FALSE;
  s += strlen (prefix);
  if (!g_ascii_isdigit (*s) || (*s == '0' && g_ascii_isdigit (s[1])))
    return FALSE;
  while (g_ascii_isdigit (*s))
    {
      v = v * 10 + (guint64) (*s - '0');
      if (v > max)
        return FALSE;
      s++;
    }
  *out = v;
  *p = s;
  return TRUE;
}

typedef struct
{
  guint64 version, m, t, p;
  gssize salt_len, hash_len;
} PhcParams;

/* $argon2id$v=19$m=19456,t=2,p=1$salt$hash */
static gboolean
parse_phc (const char *phc, PhcParams *out)
{
  const char *s = phc;
  const char *salt, *hash;

  if (phc == NULL || !g_str_has_prefix (s, "$argon2id$"))
    return FALSE;
  s += strlen ("$argon2id$");
  if (!parse_uint (&s, "v=", G_MAXUINT32, &out->version) || *s++ != '$')
    return FALSE;
  if (!parse_uint (&s, "m=", G_MAXUINT32, &out->m) || *s++ != ',')
    return FALSE;
  if (!parse_uint (&s, "t=", G_MAXUINT32, &out->t) || *s++ != ',')
    return FALSE;
  if (!parse_uint (&s, "p=", 0xffffff, &out->p) || *s++ != '$')
    return FALSE;
  salt = s;
  hash = strchr (salt, '$');
  if (hash == NULL)
    return FALSE;
  out->salt_len = b64_decoded_len (salt, (gsize) (hash - salt));
  hash++;
  out->hash_len = b64_decoded_len (hash, strlen (hash));
  return out->salt_len > 0 && out->hash_len > 0;
}

/**
 * el_password_verify:
 * @phc: a PHC string from el_password_hash()
 * @password: (array length=len): the password to check
 * @len: its length
 * @error: %EL_PASSWORD_ERROR_INVALID_HASH (a damaged or unsupported @phc, or cost parameters
 *   beyond EL_PASSWORD_MAX_*), %EL_PASSWORD_ERROR_TOO_LONG or %EL_PASSWORD_ERROR_FAILED
 *
 * Returns: %TRUE if @password matches; %FALSE without an error if it does not
 */
gboolean
el_password_verify (const char *phc, const void *password, gsize len, GError **error)
{
  PhcParams params = { 0 };
  int rc;

  g_return_val_if_fail (password != NULL || len == 0, FALSE);

  if (!parse_phc (phc, &params) || params.version != ARGON2_VERSION_13 ||
      params.m > EL_PASSWORD_MAX_M_COST_KIB || params.t > EL_PASSWORD_MAX_T_COST ||
      params.p > EL_PASSWORD_MAX_PARALLELISM || params.salt_len < 8 || params.hash_len < 16 ||
      params.hash_len > 64)
    {
      g_set_error_literal (error, EL_PASSWORD_ERROR, EL_PASSWORD_ERROR_INVALID_HASH,
                           "not an Argon2id hash this server accepts");
      return FALSE;
    }
  if (!check_length (len, error))
    return FALSE;

  rc = argon2id_verify (phc, password != NULL ? password : "", len);
  if (rc == ARGON2_OK)
    return TRUE;
  if (rc == ARGON2_VERIFY_MISMATCH)
    return FALSE;
  if (rc == ARGON2_MEMORY_ALLOCATION_ERROR || rc == ARGON2_THREAD_FAIL)
    g_set_error (error, EL_PASSWORD_ERROR, EL_PASSWORD_ERROR_FAILED, "Argon2id failed: %s",
                 argon2_error_message (rc));
  else
    g_set_error (error, EL_PASSWORD_ERROR, EL_PASSWORD_ERROR_INVALID_HASH, "invalid Argon2id hash: %s",
                 argon2_error_message (rc));
  return FALSE;
}

/**
 * el_password_verify_dummy:
 * @password: (array length=len): the password that was given
 * @len: its length
 *
 * Verifies @password against the hash of a random password (made once per process): as slow as a
 * real verification, always a mismatch. For logins of unknown accounts.
 */
void
el_password_verify_dummy (const void *password, gsize len)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      guint8 random_password[32];

      if (RAND_bytes (random_password, sizeof random_password) != 1)
        memset (random_password, 0x5a, sizeof random_password);
      dummy_hash = el_password_hash (random_password, sizeof random_password, NULL);
      OPENSSL_cleanse (random_password, sizeof random_password);
      g_once_init_leave (&initialized, 1);
    }
  if (dummy_hash != NULL)
    (void) el_password_verify (dummy_hash, password, MIN (len, EL_PASSWORD_MAX_BYTES), NULL);
}

/**
 * el_password_needs_rehash:
 * @phc: a stored PHC string
 *
 * Returns: %TRUE when @phc was not made with today's algorithm, parameters, salt and hash
 *   lengths (or cannot be read): hash the password again after a successful login
 */
gboolean
el_password_needs_rehash (const char *phc)
{
  PhcParams params = { 0 };

  if (!parse_phc (phc, &params))
    return TRUE;
  return params.version != ARGON2_VERSION_13 || params.m != EL_PASSWORD_M_COST_KIB ||
         params.t != EL_PASSWORD_T_COST || params.p != EL_PASSWORD_PARALLELISM ||
         params.salt_len != EL_PASSWORD_SALT_BYTES || params.hash_len != EL_PASSWORD_HASH_BYTES;
}
