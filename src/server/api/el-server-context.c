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
