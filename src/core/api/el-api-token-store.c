/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ElApiTokenStore (the interface) and ElApiMemoryTokenStore (in memory; tests and scripts). */
#include "config.h"

#include <openssl/crypto.h>
#include <string.h>

#include "el-api-client.h"

G_DEFINE_INTERFACE (ElApiTokenStore, el_api_token_store, G_TYPE_OBJECT)

static void
el_api_token_store_default_init (ElApiTokenStoreInterface *iface)
{
}

void
el_api_token_store_save_refresh_token_async (ElApiTokenStore *self,
                                             const char *account,
                                             const char *refresh_token,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer user_data)
{
  g_return_if_fail (EL_IS_API_TOKEN_STORE (self));
  g_return_if_fail (account != NULL && refresh_token != NULL);
  EL_API_TOKEN_STORE_GET_IFACE (self)->save_refresh_token_async (self, account, refresh_token, cancellable,
                                                                 callback, user_data);
}

gboolean
el_api_token_store_save_refresh_token_finish (ElApiTokenStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (EL_IS_API_TOKEN_STORE (self), FALSE);
  return EL_API_TOKEN_STORE_GET_IFACE (self)->save_refresh_token_finish (self, result, error);
}

void
el_api_token_store_load_refresh_token_async (ElApiTokenStore *self,
                                             const char *account,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer user_data)
{
  g_return_if_fail (EL_IS_API_TOKEN_STORE (self));
  g_return_if_fail (account != NULL);
  EL_API_TOKEN_STORE_GET_IFACE (self)->load_refresh_token_async (self, account, cancellable, callback,
                                                                 user_data);
}

char *
el_api_token_store_load_refresh_token_finish (ElApiTokenStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (EL_IS_API_TOKEN_STORE (self), NULL);
  return EL_API_TOKEN_STORE_GET_IFACE (self)->load_refresh_token_finish (self, result, error);
}

void
el_api_token_store_clear_refresh_token_async (ElApiTokenStore *self,
                                              const char *account,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer user_data)
{
  g_return_if_fail (EL_IS_API_TOKEN_STORE (self));
  g_return_if_fail (account != NULL);
  EL_API_TOKEN_STORE_GET_IFACE (self)->clear_refresh_token_async (self, account, cancellable, callback,
                                                                  user_data);
}

gboolean
el_api_token_store_clear_refresh_token_finish (ElApiTokenStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (EL_IS_API_TOKEN_STORE (self), FALSE);
  return EL_API_TOKEN_STORE_GET_IFACE (self)->clear_refresh_token_finish (self, result, error);
}

/* ------------------------------------------------------------------------------------------------
 * ElApiMemoryTokenStore
 */

struct _ElApiMemoryTokenStore
{
  GObject parent_instance;
  GHashTable *tokens; /* account -> token (wiped when removed) */
  guint save_count;
  gboolean fail_saves;
};

static void token_store_iface_init (ElApiTokenStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ElApiMemoryTokenStore,
                               el_api_memory_token_store,
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
memory_save_async (ElApiTokenStore *store,
                   const char *account,
                   const char *refresh_token,
                   GCancellable *cancellable,
                   GAsyncReadyCallback callback,
                   gpointer user_data)
{
  ElApiMemoryTokenStore *self = EL_API_MEMORY_TOKEN_STORE (store);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, memory_save_async);
  if (self->fail_saves)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "the token store refuses to save (test)");
      return;
    }
  self->save_count++;
  g_hash_table_replace (self->tokens, g_strdup (account), g_strdup (refresh_token));
  g_task_return_boolean (task, TRUE);
}

static gboolean
memory_boolean_finish (ElApiTokenStore *store, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
memory_load_async (ElApiTokenStore *store,
                   const char *account,
                   GCancellable *cancellable,
                   GAsyncReadyCallback callback,
                   gpointer user_data)
{
  ElApiMemoryTokenStore *self = EL_API_MEMORY_TOKEN_STORE (store);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, memory_load_async);
  g_task_return_pointer (task, g_strdup (g_hash_table_lookup (self->tokens, account)),
                         (GDestroyNotify) wipe_free);
}

static char *
memory_load_finish (ElApiTokenStore *store, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
memory_clear_async (ElApiTokenStore *store,
                    const char *account,
                    GCancellable *cancellable,
                    GAsyncReadyCallback callback,
                    gpointer user_data)
{
  ElApiMemoryTokenStore *self = EL_API_MEMORY_TOKEN_STORE (store);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, memory_clear_async);
  g_hash_table_remove (self->tokens, account);
  g_task_return_boolean (task, TRUE);
}

static void
token_store_iface_init (ElApiTokenStoreInterface *iface)
{
  iface->save_refresh_token_async = memory_save_async;
  iface->save_refresh_token_finish = memory_boolean_finish;
  iface->load_refresh_token_async = memory_load_async;
  iface->load_refresh_token_finish = memory_load_finish;
  iface->clear_refresh_token_async = memory_clear_async;
  iface->clear_refresh_token_finish = memory_boolean_finish;
}

static void
el_api_memory_token_store_finalize (GObject *object)
{
  ElApiMemoryTokenStore *self = EL_API_MEMORY_TOKEN_STORE (object);

  g_hash_table_unref (self->tokens);
  G_OBJECT_CLASS (el_api_memory_token_store_parent_class)->finalize (object);
}

static void
el_api_memory_token_store_class_init (ElApiMemoryTokenStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = el_api_memory_token_store_finalize;
}

static void
el_api_memory_token_store_init (ElApiMemoryTokenStore *self)
{
  self->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) wipe_free);
}

ElApiMemoryTokenStore *
el_api_memory_token_store_new (void)
{
  return g_object_new (EL_TYPE_API_MEMORY_TOKEN_STORE, NULL);
}

char *
el_api_memory_token_store_dup (ElApiMemoryTokenStore *self, const char *account)
{
  g_return_val_if_fail (EL_IS_API_MEMORY_TOKEN_STORE (self), NULL);
  return g_strdup (g_hash_table_lookup (self->tokens, account));
}

guint
el_api_memory_token_store_get_save_count (ElApiMemoryTokenStore *self)
{
  g_return_val_if_fail (EL_IS_API_MEMORY_TOKEN_STORE (self), 0);
  return self->save_count;
}

void
el_api_memory_token_store_set_fail_saves (ElApiMemoryTokenStore *self, gboolean fail)
{
  g_return_if_fail (EL_IS_API_MEMORY_TOKEN_STORE (self));
  self->fail_saves = fail;
}
