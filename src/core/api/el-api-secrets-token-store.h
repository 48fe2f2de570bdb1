/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "el-api-client.h"
#include "el-secrets.h"

G_BEGIN_DECLS

/*
 * ElApiSecretsTokenStore: the ElApiTokenStore the app uses — refresh tokens in the keyring through
 * ElSecrets (kind %EL_SECRET_KIND_REFRESH_TOKEN, account = the lower-case email the client passes).
 * Make the ElSecrets for the same base URL as the ElApiClient. Errors are ElSecrets' own
 * (EL_SECRETS_ERROR); a stored value that is not a token this client wrote (empty, not printable
 * ASCII, longer than 4096 bytes) loads as %EL_SECRETS_ERROR_CORRUPT.
 */

#define EL_TYPE_API_SECRETS_TOKEN_STORE (el_api_secrets_token_store_get_type ())
G_DECLARE_FINAL_TYPE (
    ElApiSecretsTokenStore, el_api_secrets_token_store, EL, API_SECRETS_TOKEN_STORE, GObject)

ElApiSecretsTokenStore *el_api_secrets_token_store_new (ElSecrets *secrets);
ElSecrets *el_api_secrets_token_store_get_secrets (ElApiSecretsTokenStore *self);

G_END_DECLS
