/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "el-vault.h"

G_BEGIN_DECLS

/*
 * For the known-answer tests only: sealing with a given nonce and binary associated data.
 * Reusing a nonce under one key breaks GCM; production code calls el_vault_seal().
 */
GBytes *el_vault_seal_with_nonce (ElVault *self,
                                  const guint8 nonce[EL_VAULT_NONCE_BYTES],
                                  const void *plaintext,
                                  gsize plaintext_len,
                                  const void *ad,
                                  gsize ad_len,
                                  GError **error);
GBytes *el_vault_open_raw (
    ElVault *self, const void *sealed, gsize sealed_len, const void *ad, gsize ad_len, GError **error);

G_END_DECLS
