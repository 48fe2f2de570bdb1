/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "el-db.h"
#include "el-job-runner.h"
#include "el-http-server.h"
#include "el-jwt.h"
#include "el-server-config.h"
#include "el-throttle.h"
#include "el-tokens.h"

G_BEGIN_DECLS

/*
 * ElServerContext: what every API endpoint needs, made once by `serve` and given to each
 * el_api_*_register() (el-api.h), which pass it as the user data of their routes.
 *
 * - config: the configuration (borrowed: `serve` keeps it alive longer than the context);
 * - db: the serving thread's connection (a reference);
 * - server: the HTTP server (borrowed: the server holds the routes, which point back here);
 * - refresh_store: refresh-token families on @db (owned);
 * - login_guard: the login throttle (owned);
 * - token_cache: the access tokens accepted so far (owned; el_jwt_verify_cached());
 * - metrics: the server's metrics (borrowed from @server);
 * - jobs: the job runner (borrowed; %NULL when speech jobs are off), woken after an upload commits.
 *
 * Everything here is used from the main loop only (ElDb is one thread at a time), except in the
 * handlers of EL_HTTP_ROUTE_WORKER routes, which run on the server's worker threads
 * (el_server_context_start_workers()): they read the database through el_server_context_get_db()
 * (the worker's own connection) and use nothing else here but @config and @token_cache. Free the
 * context after the server has stopped serving and its workers have stopped.
 */
typedef struct
{
  ElServerConfig *config;
  ElDb *db;
  ElHttpServer *server;
  ElRefreshStore *refresh_store;
  ElLoginGuard *login_guard;
  ElJwtCache *token_cache;
  ElMetrics *metrics;
  ElJobRunner *jobs;
} ElServerContext;

ElServerContext *el_server_context_new (ElServerConfig *config, ElDb *db, ElHttpServer *server);
gboolean el_server_context_start_workers (ElServerContext *ctx, guint n_workers, GError **error);
ElDb *el_server_context_get_db (ElServerContext *ctx);
void el_server_context_free (ElServerContext *ctx);
gint64 el_server_context_now_ms (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElServerContext, el_server_context_free)

G_END_DECLS
