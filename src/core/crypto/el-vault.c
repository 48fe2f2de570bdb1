/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-vault.h"
#include "el-vault-private.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_CIPHER_CTX, EVP_CIPHER_CTX_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_KDF, EVP_KDF_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_KDF_CTX, EVP_KDF_CTX_free)

struct _ElVault
{
  GObject parent_instance;

  guint8 key[EL_VAULT_KEY_BYTES];
  EVP_CIPHER *cipher; /* AES-256-GCM, fetched once */
};

/* Spelled out rather than G_DEFINE_QUARK (): cppcheck cannot parse that macro next to a type
 * definition. */
GQuark
el_vault_error_quark (void)
{
  static GQuark quark = 0;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("el-vault-error-quark");
  return quark;
}

G_DEFINE_FINAL_TYPE (ElVault, el_vault, G_TYPE_OBJECT)

static void
el_vault_finalize (GObject *object)
{
  ElVault *self = EL_VAULT (object);

  OPENSSL_cleanse (self->key, sizeof self->key);
  EVP_CIPHER_free (self->cipher);

  G_OBJECT_CLASS (el_vault_parent_class)->finalize (object);
}

static void
el_vault_class_init (ElVaultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = el_vault_finalize;
}

static void
el_vault_init (ElVault *self)
{
}

/**
 * el_vault_generate_key:
 * @out: (out caller-allocates): 32 random bytes from RAND_bytes(); the caller wipes them with
 *   OPENSSL_cleanse() once a vault (or the keyring) holds them
 * @error: %EL_VAULT_ERROR_FAILED if OpenSSL's random generator fails (then @out is zeroed)
 *
 * Returns: %TRUE on success
 */
gboolean
el_vault_generate_key (guint8 out[EL_VAULT_KEY_BYTES], GError **error)
{
  g_return_val_if_fail (out != NULL, FALSE);

  if (RAND_bytes (out, EL_VAULT_KEY_BYTES) != 1)
    {
      OPENSSL_cleanse (out, EL_VAULT_KEY_BYTES);
      g_set_error_literal (error, EL_VAULT_ERROR, EL_VAULT_ERROR_FAILED, "the random generator failed");
      return FALSE;
    }
  return TRUE;
}

/**
 * el_vault_new:
 * @key: 32 bytes; copied, the caller wipes its own copy
 *
 * Returns: (transfer full): a vault sealing with @key
 */
ElVault *
el_vault_new (const guint8 key[EL_VAULT_KEY_BYTES])
{
  ElVault *self;

  g_return_val_if_fail (key != NULL, NULL);

  self = g_object_new (EL_TYPE_VAULT, NULL);
  memcpy (self->key, key, EL_VAULT_KEY_BYTES);
  self->cipher = EVP_CIPHER_fetch (NULL, "AES-256-GCM", NULL);
  /* Without AES-256-GCM nothing can be sealed; seal and open report it as EL_VAULT_ERROR_FAILED. */
  if (self->cipher == NULL)
    g_warning ("OpenSSL has no AES-256-GCM");
  return self;
}

/**
 * el_vault_new_derived:
 * @master: the vault whose key derives the new one
 * @label: what the new key is for ("phi", "audio", "mrn-index", ...): different labels give
 *   independent keys
 *
 * Derives a subkey with HKDF-SHA256 (RFC 5869): IKM = @master's key, no salt (HashLen zero bytes),
 * info = @label, 32 bytes of output.
 *
 * Returns: (transfer full) (nullable): the derived vault; %NULL only if OpenSSL has no HKDF
 */
ElVault *
el_vault_new_derived (ElVault *master, const char *label)
{
  g_autoptr (EVP_KDF) kdf = NULL;
  g_autoptr (EVP_KDF_CTX) ctx = NULL;
  guint8 derived[EL_VAULT_KEY_BYTES];
  OSSL_PARAM params[4];
  ElVault *self;

  g_return_val_if_fail (EL_IS_VAULT (master), NULL);
  g_return_val_if_fail (label != NULL && *label != '\0', NULL);

  kdf = EVP_KDF_fetch (NULL, "HKDF", NULL);
  if (kdf == NULL || (ctx = EVP_KDF_CTX_new (kdf)) == NULL)
    {
      g_critical ("OpenSSL has no HKDF");
      return NULL;
    }
  params[0] = OSSL_PARAM_construct_utf8_string (OSSL_KDF_PARAM_DIGEST, (char *) "SHA256", 0);
  params[1] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_KEY, master->key, sizeof master->key);
  params[2] = OSSL_PARAM_construct_octet_string (OSSL_KDF_PARAM_INFO, (char *) label, strlen (label));
  params[3] = OSSL_PARAM_construct_end ();
  if (EVP_KDF_derive (ctx, derived, sizeof derived, params) != 1)
    {
      OPENSSL_cleanse (derived, sizeof derived);
      g_critical ("HKDF-SHA256 failed");
      return NULL;
    }
  self = el_vault_new (derived);
  OPENSSL_cleanse (derived, sizeof derived);
  return self;
}

static gboolean
fail (GError **error, ElVaultError code, const char *message)
{
  g_set_error_literal (error, EL_VAULT_ERROR, code, message);
  return FALSE;
}

static gboolean
init_ctx (ElVault *self, EVP_CIPHER_CTX *ctx, const guint8 *nonce, gboolean encrypt, GError **error)
{
  if (self->cipher == NULL)
    return fail (error, EL_VAULT_ERROR_FAILED, "OpenSSL has no AES-256-GCM");
  if (EVP_CipherInit_ex2 (ctx, self->cipher, self->key, nonce, encrypt ? 1 : 0, NULL) != 1)
    return fail (error, EL_VAULT_ERROR_FAILED, "could not set up AES-256-GCM");
  return TRUE;
}

GBytes *
el_vault_seal_with_nonce (ElVault *self,
                          const guint8 nonce[EL_VAULT_NONCE_BYTES],
                          const void *plaintext,
                          gsize plaintext_len,
                          const void *ad,
                          gsize ad_len,
                          GError **error)
{
  g_autoptr (EVP_CIPHER_CTX) ctx = NULL;
  g_autofree guint8 *out = NULL;
  gsize out_len;
  int n = 0;

  g_return_val_if_fail (EL_IS_VAULT (self), NULL);
  g_return_val_if_fail (plaintext != NULL || plaintext_len == 0, NULL);
  g_return_val_if_fail (ad != NULL || ad_len == 0, NULL);

  if (plaintext_len > EL_VAULT_MAX_PLAINTEXT || ad_len > G_MAXINT32)
    {
      fail (error, EL_VAULT_ERROR_TOO_LARGE, "value too large to seal");
      return NULL;
    }

  out_len = EL_VAULT_OVERHEAD + plaintext_len;
  out = g_malloc (out_len);
  out[0] = EL_VAULT_FORMAT_V1;
  memcpy (out + 1, nonce, EL_VAULT_NONCE_BYTES);

  ctx = EVP_CIPHER_CTX_new ();
  if (ctx == NULL || !init_ctx (self, ctx, nonce, TRUE, error))
    {
      if (ctx == NULL)
        fail (error, EL_VAULT_ERROR_FAILED, "out of memory");
      return NULL;
    }
  if (ad_len > 0 && EVP_EncryptUpdate (ctx, NULL, &n, ad, (int) ad_len) != 1)
    {
      fail (error, EL_VAULT_ERROR_FAILED, "AES-256-GCM failed on the associated data");
      return NULL;
    }
  if (plaintext_len > 0 &&
      EVP_EncryptUpdate (ctx, out + 1 + EL_VAULT_NONCE_BYTES, &n, plaintext, (int) plaintext_len) != 1)
    {
      fail (error, EL_VAULT_ERROR_FAILED, "AES-256-GCM failed");
      return NULL;
    }
  if (EVP_EncryptFinal_ex (ctx, out + 1 + EL_VAULT_NONCE_BYTES + plaintext_len, &n) != 1 ||
      EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_GET_TAG, EL_VAULT_TAG_BYTES,
                           out + 1 + EL_VAULT_NONCE_BYTES + plaintext_len) != 1)
    {
      fail (error, EL_VAULT_ERROR_FAILED, "AES-256-GCM failed to finish");
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&out), out_len);
}

/**
 * el_vault_seal:
 * @self: a vault
 * @plaintext: (array length=plaintext_len): the value
 * @plaintext_len: its length, at most %EL_VAULT_MAX_PLAINTEXT
 * @associated_data: (nullable): where the value lives, e.g. "patients|<id>|doc|1"
 * @error: an %EL_VAULT_ERROR
 *
 * Returns: (transfer full) (nullable): the sealed value (format in el-vault.h)
 */
GBytes *
el_vault_seal (
    ElVault *self, const void *plaintext, gsize plaintext_len, const char *associated_data, GError **error)
{
  guint8 nonce[EL_VAULT_NONCE_BYTES];

  g_return_val_if_fail (EL_IS_VAULT (self), NULL);

  if (RAND_bytes (nonce, sizeof nonce) != 1)
    {
      fail (error, EL_VAULT_ERROR_FAILED, "the random generator failed");
      return NULL;
    }
  return el_vault_seal_with_nonce (self, nonce, plaintext, plaintext_len, associated_data,
                                   associated_data != NULL ? strlen (associated_data) : 0, error);
}

GBytes *
el_vault_open_raw (
    ElVault *self, const void *sealed, gsize sealed_len, const void *ad, gsize ad_len, GError **error)
{
  g_autoptr (EVP_CIPHER_CTX) ctx = NULL;
  const guint8 *in = sealed;
  const guint8 *nonce, *ciphertext, *tag;
  guint8 *out = NULL;
  gsize len;
  int n = 0;

  g_return_val_if_fail (EL_IS_VAULT (self), NULL);
  g_return_val_if_fail (sealed != NULL || sealed_len == 0, NULL);
  g_return_val_if_fail (ad != NULL || ad_len == 0, NULL);

  if (sealed_len < EL_VAULT_OVERHEAD)
    {
      fail (error, EL_VAULT_ERROR_TRUNCATED, "sealed value truncated");
      return NULL;
    }
  if (in[0] != EL_VAULT_FORMAT_V1)
    {
      fail (error, EL_VAULT_ERROR_BAD_VERSION, "sealed value of an unknown format");
      return NULL;
    }
  len = sealed_len - EL_VAULT_OVERHEAD;
  if (len > EL_VAULT_MAX_PLAINTEXT || ad_len > G_MAXINT32)
    {
      fail (error, EL_VAULT_ERROR_TOO_LARGE, "sealed value too large");
      return NULL;
    }
  nonce = in + 1;
  ciphertext = nonce + EL_VAULT_NONCE_BYTES;
  tag = ciphertext + len;

  ctx = EVP_CIPHER_CTX_new ();
  if (ctx == NULL)
    {
      fail (error, EL_VAULT_ERROR_FAILED, "out of memory");
      return NULL;
    }
  if (!init_ctx (self, ctx, nonce, FALSE, error))
    return NULL;
  if (ad_len > 0 && EVP_DecryptUpdate (ctx, NULL, &n, ad, (int) ad_len) != 1)
    {
      fail (error, EL_VAULT_ERROR_FAILED, "AES-256-GCM failed on the associated data");
      return NULL;
    }

  /* One byte more than the plaintext: a NUL after the value, so text can be read as a string. */
  out = g_malloc (len + 1);
  if ((len > 0 && EVP_DecryptUpdate (ctx, out, &n, ciphertext, (int) len) != 1) ||
      EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_TAG, EL_VAULT_TAG_BYTES, (void *) tag) != 1 ||
      EVP_DecryptFinal_ex (ctx, out + len, &n) != 1)
    {
      /* Never hand out (or leave in the heap) a plaintext that did not authenticate. */
      OPENSSL_cleanse (out, len + 1);
      g_free (out);
      fail (error, EL_VAULT_ERROR_TAMPERED, "sealed value does not authenticate");
      return NULL;
    }
  out[len] = '\0';
  return g_bytes_new_take (out, len);
}

/**
 * el_vault_open:
 * @self: a vault
 * @sealed: (array length=sealed_len): what el_vault_seal() returned
 * @sealed_len: its length
 * @associated_data: (nullable): the same associated data as when sealing
 * @error: %EL_VAULT_ERROR_TRUNCATED, %EL_VAULT_ERROR_BAD_VERSION, %EL_VAULT_ERROR_TAMPERED (any
 *   change to nonce, ciphertext or tag, other associated data, another key) or
 *   %EL_VAULT_ERROR_FAILED
 *
 * Returns: (transfer full) (nullable): the plaintext; its data is followed by a NUL byte that the
 *   size does not count, so a text value can be read as a string
 */
GBytes *
el_vault_open (
    ElVault *self, const void *sealed, gsize sealed_len, const char *associated_data, GError **error)
{
  return el_vault_open_raw (self, sealed, sealed_len, associated_data,
                            associated_data != NULL ? strlen (associated_data) : 0, error);
}

/**
 * el_vault_mac:
 * @self: a vault derived for MACs only (e.g. "mrn-index")
 * @data: (array length=len): the value
 * @len: its length
 * @out: HMAC-SHA256 (key, data)
 *
 * A keyed hash for blind indexes: equal values give equal MACs, and without the key the MAC says
 * nothing about the value (an MRN's few digits cannot be guessed by hashing every candidate).
 */
void
el_vault_mac (ElVault *self, const void *data, gsize len, guint8 out[EL_VAULT_MAC_BYTES])
{
  unsigned int out_len = EL_VAULT_MAC_BYTES;

  g_return_if_fail (EL_IS_VAULT (self));
  g_return_if_fail (data != NULL || len == 0);

  if (HMAC (EVP_sha256 (), self->key, sizeof self->key, data != NULL ? data : (const void *) "", len, out,
            &out_len) == NULL)
    g_error ("HMAC-SHA256 failed");
}
