/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ElApiSecretsTokenStore: ElApiTokenStore on ElSecrets (the keyring). */
#include "config.h"

#include <openssl/crypto.h>
#include <string.h>

#include "el-api-secrets-token-store.h"

#define MAX_TOKEN_BYTES 4096

struct _ElApiSecretsTokenStore
{
  GObject parent_instance;
  ElSecrets *secrets;
};

static void token_store_iface_init (ElApiTokenStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ElApiSecretsTokenStore,
                               el_api_secrets_token_store,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (EL_TYPE_API_TOKEN_STORE, token_store_iface_init))

static void
wipe_free (char *token)
{
  if (token == NULL)
    return;
  OPENSSL_cleanse (token, strlen (token));
  g_free (token);
}

static void
stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!el_secrets_store_finish (EL_SECRETS (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
secrets_save_async (ElApiTokenStore *store,
                    const char *account,
                    const char *refresh_token,
                    GCancellable *cancellable,
                    GAsyncReadyCallback callback,
                    gpointer user_data)
{
  ElApiSecretsTokenStore *self = EL_API_SECRETS_TOKEN_STORE (store);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr (GBytes) secret = el_secrets_bytes_new_wiped (refresh_token, strlen (refresh_token));

  g_task_set_source_tag (task, secrets_save_async);
  el_secrets_store_async (self->secrets, account, EL_SECRET_KIND_REFRESH_TOKEN, secret, cancellable,
                          stored_cb, task);
}

static gboolean
secrets_boolean_finish (ElApiTokenStore *store, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
looked_up_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  g_autoptr (GBytes) secret = el_secrets_lookup_finish (EL_SECRETS (source), result, &error);
  const guint8 *data;
  gsize len = 0;

  if (secret == NULL)
    {
      if (error != NULL)
        g_task_return_error (task, error);
      else
        g_task_return_pointer (task, NULL, NULL);
      return;
    }
  data = g_bytes_get_data (secret, &len);
  for (gsize i = 0; i < len; i++)
    if (data[i] < 0x21 || data[i] > 0x7e)
      len = 0;
  if (len == 0 || len > MAX_TOKEN_BYTES)
    {
      g_task_return_new_error (task, EL_SECRETS_ERROR, EL_SECRETS_ERROR_CORRUPT,
                               "the stored refresh token is not one this client wrote");
      return;
    }
  g_task_return_pointer (task, g_strndup ((const char *) data, len), (GDestroyNotify) wipe_free);
}

static void
secrets_load_async (ElApiTokenStore *store,
                    const char *account,
                    GCancellable *cancellable,
                    GAsyncReadyCallback callback,
                    gpointer user_data)
{
  ElApiSecretsTokenStore *self = EL_API_SECRETS_TOKEN_STORE (store);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, secrets_load_async);
  el_secrets_lookup_async (self->secrets, account, EL_SECRET_KIND_REFRESH_TOKEN, cancellable, looked_up_cb,
                           task);
}

static char *
secrets_load_finish (ElApiTokenStore *store, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
cleared_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!el_secrets_clear_finish (EL_SECRETS (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
secrets_clear_async (ElApiTokenStore *store,
                     const char *account,
                     GCancellable *cancellable,
                     GAsyncReadyCallback callback,
                     gpointer user_data)
{
  ElApiSecretsTokenStore *self = EL_API_SECRETS_TOKEN_STORE (store);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, secrets_clear_async);
  el_secrets_clear_async (self->secrets, account, EL_SECRET_KIND_REFRESH_TOKEN, cancellable, cleared_cb,
                          task);
}

static void
token_store_iface_init (ElApiTokenStoreInterface *iface)
{
  iface->save_refresh_token_async = secrets_save_async;
  iface->save_refresh_token_finish = secrets_boolean_finish;
  iface->load_refresh_token_async = secrets_load_async;
  iface->load_refresh_token_finish = secrets_load_finish;
  iface->clear_refresh_token_async = secrets_clear_async;
  iface->clear_refresh_token_finish = secrets_boolean_finish;
}

static void
el_api_secrets_token_store_dispose (GObject *object)
{
  ElApiSecretsTokenStore *self = EL_API_SECRETS_TOKEN_STORE (object);

  g_clear_object (&self->secrets);
  G_OBJECT_CLASS (el_api_secrets_token_store_parent_class)->dispose (object);
}

static void
el_api_secrets_token_store_class_init (ElApiSecretsTokenStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = el_api_secrets_token_store_dispose;
}

static void
el_api_secrets_token_store_init (ElApiSecretsTokenStore *self)
{
}

ElApiSecretsTokenStore *
el_api_secrets_token_store_new (ElSecrets *secrets)
{
  ElApiSecretsTokenStore *self;

  g_return_val_if_fail (EL_IS_SECRETS (secrets), NULL);
  self = g_object_new (EL_TYPE_API_SECRETS_TOKEN_STORE, NULL);
  self->secrets = g_object_ref (secrets);
  return self;
}

ElSecrets *
el_api_secrets_token_store_get_secrets (ElApiSecretsTokenStore *self)
{
  g_return_val_if_fail (EL_IS_API_SECRETS_TOKEN_STORE (self), NULL);
  return self->secrets;
}
