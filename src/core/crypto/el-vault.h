/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * ElVault: authenticated encryption of small values at rest (PHI columns, audio chunks, cached
 * documents) with AES-256-GCM (OpenSSL EVP).
 *
 * Sealed format, version 1 (EL_VAULT_FORMAT_V1), EL_VAULT_OVERHEAD bytes longer than the plaintext:
 *
 *   +------+-----------------+--------------------------+-----------------+
 *   | 0x01 | nonce, 12 bytes | ciphertext, as plaintext | GCM tag, 16 B   |
 *   +------+-----------------+--------------------------+-----------------+
 *
 * - The nonce is 96 random bits from RAND_bytes() for every seal. Random nonces stay safe for up to
 *   2^32 seals under one key (NIST SP 800-38D, 8.3); the key rotation of a later issue keeps each
 *   key well under that.
 * - The version byte says how to read the rest; a byte other than 0x01 fails with
 *   %EL_VAULT_ERROR_BAD_VERSION. The GCM associated data is exactly the caller's (below), so
 *   version 1 is plain AES-256-GCM and NIST's test vectors apply as they are.
 * - Associated data: a string the caller gives to both seal and open that says where the value
 *   lives, e.g. "patients|<id>|doc|1". It is not stored; a sealed value copied to another row (or
 *   opened with another label) fails with %EL_VAULT_ERROR_TAMPERED. %NULL means "".
 *
 * Keys: a vault holds one 256-bit key, wiped with OPENSSL_cleanse() when the vault is finalized.
 * Never seal with the master key itself: derive one vault per purpose with el_vault_new_derived()
 * (HKDF-SHA256, RFC 5869: IKM = the parent's key, no salt, info = the label), e.g. "phi" for
 * database columns, "audio" for recordings, "mrn-index" for the blind index of MRNs
 * (el_vault_mac(), HMAC-SHA256 with the vault's key: use a vault derived for MACs only).
 *
 * A vault is immutable once made: seal, open and mac may run from any thread at the same time.
 *
 * Keys come from el_vault_generate_key() (256 bits from RAND_bytes(), the data key made at first
 * sign-in and kept only in the keyring, see el-secrets.h). A vault never hands its key out. Key
 * rotation needs no more API: make a vault with the new key, then for every sealed value open it
 * with the old vault and seal it with the new one under the same associated data, in one
 * transaction; store the new key in the keyring before that transaction commits and drop the old
 * vault after it. Values sealed under the old key never open under the new one (and the reverse),
 * so a half-done rotation is detected rather than misread.
 */

#define EL_VAULT_KEY_BYTES     32
#define EL_VAULT_NONCE_BYTES   12
#define EL_VAULT_TAG_BYTES     16
#define EL_VAULT_MAC_BYTES     32
#define EL_VAULT_FORMAT_V1     0x01
#define EL_VAULT_OVERHEAD      (1 + EL_VAULT_NONCE_BYTES + EL_VAULT_TAG_BYTES)
#define EL_VAULT_MAX_PLAINTEXT (G_MAXINT32 - 64)

#define EL_VAULT_ERROR (el_vault_error_quark ())

typedef enum
{
  EL_VAULT_ERROR_TAMPERED,  /* authentication failed: modified bytes, other associated data or another key */
  EL_VAULT_ERROR_TRUNCATED, /* shorter than EL_VAULT_OVERHEAD bytes */
  EL_VAULT_ERROR_BAD_VERSION, /* the first byte is not a format this build reads */
  EL_VAULT_ERROR_TOO_LARGE,   /* more than EL_VAULT_MAX_PLAINTEXT bytes */
  EL_VAULT_ERROR_FAILED,      /* OpenSSL failed (no randomness, no AES-256-GCM) */
} ElVaultError;

#define EL_TYPE_VAULT (el_vault_get_type ())
G_DECLARE_FINAL_TYPE (ElVault, el_vault, EL, VAULT, GObject)

GQuark el_vault_error_quark (void);

gboolean el_vault_generate_key (guint8 out[EL_VAULT_KEY_BYTES], GError **error);

ElVault *el_vault_new (const guint8 key[EL_VAULT_KEY_BYTES]);
ElVault *el_vault_new_derived (ElVault *master, const char *label);

GBytes *el_vault_seal (
    ElVault *self, const void *plaintext, gsize plaintext_len, const char *associated_data, GError **error);
GBytes *el_vault_open (
    ElVault *self, const void *sealed, gsize sealed_len, const char *associated_data, GError **error);
void el_vault_mac (ElVault *self, const void *data, gsize len, guint8 out[EL_VAULT_MAC_BYTES]);

G_END_DECLS
