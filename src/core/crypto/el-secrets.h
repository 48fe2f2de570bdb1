/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * ElSecrets: the few secrets the client keeps between runs, in the user's keyring (libsecret):
 *
 * - the refresh token of each signed-in user (the access token lives in memory only);
 * - the cache data key of each user: 32 random bytes made at first sign-in
 *   (el_secrets_get_or_create_data_key_async()); the master key of the user's ElVault, which
 *   encrypts the PHI columns of the offline cache. It exists nowhere but in the keyring.
 *
 * Items use the schema "ai.eclipselink.Handoff" with three string attributes:
 *
 *   server   the API base URL this ElSecrets was made for, without a trailing '/'
 *   account  the user (the caller passes one canonical spelling: the lower-case email or the id)
 *   kind     "refresh-token" or "data-key" (ElSecretKind)
 *
 * so two servers, two accounts and the two kinds never see each other's items. Items go to the
 * default collection (SECRET_COLLECTION_DEFAULT, "login" on GNOME) with a readable label, e.g.
 * "EclipseLink Handoff refresh token for nurse.a@example.org (https://api.example.org)" (the
 * account is an email address, not PHI). Values are stored as base64 text ("text/plain"), so a
 * keyring browser shows them without breaking anything; every copy the client makes of a secret
 * (base64 text, decoded bytes) is wiped with OPENSSL_cleanse() before it is freed, and the
 * GBytes this API returns wipe their memory when their last reference goes.
 *
 * Flatpak: nothing to change. libsecret >= 0.20 sees it runs in a sandbox and, instead of talking
 * to org.freedesktop.secrets, asks the Secret portal (org.freedesktop.portal.Secret) for an
 * application secret and keeps the items in an encrypted file under ~/.var/app/<id>/data/keyrings.
 * The same calls, the same schema; the manifest needs no --talk-name=org.freedesktop.secrets.
 * (That path exists only for the secret_password_*() functions this file uses, not for
 * SecretService/SecretCollection objects; it needs the libsecret of the GNOME runtime, built with
 * its file backend, and a portal backend that implements org.freedesktop.impl.portal.Secret,
 * e.g. gnome-keyring's.)
 *
 * Errors (EL_SECRETS_ERROR): %EL_SECRETS_ERROR_UNAVAILABLE when there is no usable secret service
 * (no session bus, no service, no default collection, a locked collection, a dismissed prompt)
 * — the caller can keep running signed-in for this session but cannot remember it;
 * %EL_SECRETS_ERROR_CORRUPT when a stored value is not what this client wrote (bad base64, a data
 * key that is not 32 bytes): the caller decides (for the data key: the cache is unreadable, start a
 * new cache and a new key after clearing it); %EL_SECRETS_ERROR_FAILED for anything else. A
 * cancelled call fails with G_IO_ERROR_CANCELLED, as everywhere in GIO. No message ever contains a
 * secret. An absent item is not an error: lookup returns %NULL without an error.
 *
 * All calls are asynchronous (libsecret's D-Bus calls), complete on the thread-default main
 * context of the caller, and may run concurrently. el_secrets_get_or_create_data_key_async() is
 * single-flight per account: concurrent calls in one process get the same key.
 */

#define EL_SECRETS_SCHEMA_NAME "ai.eclipselink.Handoff"

#define EL_SECRETS_ERROR (el_secrets_error_quark ())

typedef enum
{
  EL_SECRETS_ERROR_UNAVAILABLE, /* no secret service, no default collection, locked, prompt dismissed */
  EL_SECRETS_ERROR_CORRUPT,     /* a stored value this client cannot read */
  EL_SECRETS_ERROR_FAILED,      /* anything else */
} ElSecretsError;

typedef enum
{
  EL_SECRET_KIND_REFRESH_TOKEN,     /* attribute kind = "refresh-token" */
  EL_SECRET_KIND_DATA_KEY,          /* attribute kind = "data-key", EL_SECRETS_DATA_KEY_BYTES bytes */
  EL_SECRET_KIND_OFFLINE_SESSION,   /* attribute kind = "offline-session": the password check and the
                                   * user for signing in and unlocking without the server */
  EL_SECRET_KIND_PENDING_SIGNATURE, /* attribute kind = "pending-signature", one item per queued
                                     * `handoff.sign` op (attribute item = the op id): the password
                                     * re-entered to sign offline, until the op is sent or dropped */
} ElSecretKind;

#define EL_SECRETS_DATA_KEY_BYTES 32

#define EL_TYPE_SECRETS (el_secrets_get_type ())
G_DECLARE_FINAL_TYPE (ElSecrets, el_secrets, EL, SECRETS, GObject)

GQuark el_secrets_error_quark (void);
const char *el_secret_kind_to_string (ElSecretKind kind);

ElSecrets *el_secrets_new (const char *server_url);
const char *el_secrets_get_server_url (ElSecrets *self);

void el_secrets_store_async (ElSecrets *self,
                             const char *account,
                             ElSecretKind kind,
                             GBytes *secret,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data);
gboolean el_secrets_store_finish (ElSecrets *self, GAsyncResult *result, GError **error);

void el_secrets_lookup_async (ElSecrets *self,
                              const char *account,
                              ElSecretKind kind,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data);
GBytes *el_secrets_lookup_finish (ElSecrets *self, GAsyncResult *result, GError **error);

void el_secrets_clear_async (ElSecrets *self,
                             const char *account,
                             ElSecretKind kind,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data);
gboolean el_secrets_clear_finish (ElSecrets *self, GAsyncResult *result, GError **error);

void el_secrets_clear_account_async (ElSecrets *self,
                                     const char *account,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
gboolean el_secrets_clear_account_finish (ElSecrets *self, GAsyncResult *result, GError **error);

void el_secrets_get_or_create_data_key_async (ElSecrets *self,
                                              const char *account,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer user_data);
GBytes *el_secrets_get_or_create_data_key_finish (ElSecrets *self, GAsyncResult *result, GError **error);

GBytes *el_secrets_bytes_new_wiped (const void *data, gsize len);

/* Kinds with several items (EL_SECRET_KIND_PENDING_SIGNATURE): a fourth attribute "item" names one
 * (e.g. an outbox op id). Store, lookup and clear finish with el_secrets_store_finish(),
 * el_secrets_lookup_finish() and el_secrets_clear_finish(); el_secrets_clear_account_async() removes
 * them with the account's other items. */
void el_secrets_store_item_async (ElSecrets *self,
                                  const char *account,
                                  ElSecretKind kind,
                                  const char *item,
                                  GBytes *secret,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data);
void el_secrets_lookup_item_async (ElSecrets *self,
                                   const char *account,
                                   ElSecretKind kind,
                                   const char *item,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
void el_secrets_clear_item_async (ElSecrets *self,
                                  const char *account,
                                  ElSecretKind kind,
                                  const char *item,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data);
/* The "item" attribute of every item of @account and @kind (no secret is read). */
void el_secrets_list_items_async (ElSecrets *self,
                                  const char *account,
                                  ElSecretKind kind,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data);
char **el_secrets_list_items_finish (ElSecrets *self, GAsyncResult *result, GError **error);

G_END_DECLS
