/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-server-context.h"

/* Access tokens remembered as accepted: a few per signed-in client (~200 bytes each). */
#define EL_SERVER_TOKEN_CACHE_ENTRIES 4096

/**
 * el_server_context_new:
 * @config: the configuration (borrowed; must outlive the context)
 * @db: the serving connection (a reference is taken)
 * @server: the HTTP server (borrowed)
 *
 * Returns: (transfer full): a new context with its own refresh-token store (TTL
 * REFRESH_TOKEN_EXPIRES_IN) and login guard
 */
ElServerContext *
el_server_context_new (ElServerConfig *config, ElDb *db, ElHttpServer *server)
{
  ElServerContext *ctx;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (EL_IS_DB (db), NULL);
  g_return_val_if_fail (EL_IS_HTTP_SERVER (server), NULL);

  ctx = g_new0 (ElServerContext, 1);
  ctx->config = config;
  ctx->db = g_object_ref (db);
  ctx->server = server;
  ctx->refresh_store = el_refresh_store_new (db, config->refresh_expires_seconds);
  ctx->login_guard = el_login_guard_new ();
  ctx->token_cache = el_jwt_cache_new (EL_SERVER_TOKEN_CACHE_ENTRIES);
  ctx->metrics = el_http_server_get_metrics (server);
  return ctx;
}

/**
 * el_server_context_start_workers:
 * @ctx: the context
 * @n_workers: how many worker threads (at least 1)
 * @error: an EL_DB_ERROR when a connection cannot be opened
 *
 * Opens one database connection per worker thread (with the same key as the serving one) and
 * starts the server's workers, which then run the handlers of EL_HTTP_ROUTE_WORKER routes (the
 * read-only GETs). Stop them (el_http_server_stop_workers()) before freeing the context.
 *
 * Returns: %TRUE if the workers run
 */
gboolean
el_server_context_start_workers (ElServerContext *ctx, guint n_workers, GError **error)
{
  g_autoptr (GPtrArray) connections = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (ElVault) vault = NULL;

  g_return_val_if_fail (ctx != NULL && n_workers > 0, FALSE);
  g_return_val_if_fail (ctx->config->has_encryption_key, FALSE);

  vault = el_vault_new (ctx->config->encryption_key);
  for (guint i = 0; i < n_workers; i++)
    {
      ElDb *db = el_db_open (ctx->config->database_path, vault, error);

      if (db == NULL)
        return FALSE;
      g_ptr_array_add (connections, db);
    }
  g_ptr_array_set_free_func (connections, NULL);
  return el_http_server_start_workers (ctx->server, g_steal_pointer (&connections), g_object_unref);
}

/* The database connection of the calling thread: a worker's own, else the serving one. */
ElDb *
el_server_context_get_db (ElServerContext *ctx)
{
  ElDb *db = el_http_worker_get_data ();

  return db != NULL ? db : ctx->db;
}

void
el_server_context_free (ElServerContext *ctx)
{
  if (ctx == NULL)
    return;
  g_clear_pointer (&ctx->refresh_store, el_refresh_store_free);
  g_clear_pointer (&ctx->login_guard, el_login_guard_free);
  g_clear_pointer (&ctx->token_cache, el_jwt_cache_free);
  g_clear_object (&ctx->db);
  g_free (ctx);
}

/* Milliseconds on the monotonic clock, for the throttles. */
gint64
el_server_context_now_ms (void)
{
  return g_get_monotonic_time () / 1000;
}
