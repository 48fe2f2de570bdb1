/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "el-health.h"
#include "el-http-request.h"
#include "el-metrics.h"

G_BEGIN_DECLS

/*
 * ElHttpServer: the HTTP framework of eclipselink-server, on libsoup's SoupServer.
 *
 * Routes. el_http_server_add_route() takes a method and a template (el-http-route.h):
 *
 *   el_http_server_add_route (server, "GET", "/api/v1/handoffs/{handoff_id}",
 *                             EL_HTTP_ROUTE_AUTH | EL_HTTP_ROUTE_PHI, get_handoff, ctx, NULL);
 *
 * For each request, in this order: the path and query are decoded (400 `invalid_request`); the
 * route is found (404 `not_found`; a known path with another method: 405 with `Allow`; OPTIONS
 * answers itself, CORS preflights included); while the server starts or drains, 503
 * `service_unavailable` (system routes excepted); a bearer token is checked on AUTH routes (401
 * `unauthorized` / `token_expired`, with `WWW-Authenticate`); the rate limit (429 `rate_limited`
 * with `Retry-After`); the body size against the route's limit (413 `payload_too_large` as soon as
 * Content-Length or the bytes received exceed it; the connection is then closed); on JSON routes
 * the Content-Type (415 `unsupported_media_type`). Only then does the body arrive, and the
 * handler runs once it is complete.
 *
 * Streaming bodies (EL_HTTP_ROUTE_STREAMING, for audio uploads): the body is never held in
 * memory. el_http_route_set_body_stream() gives a `begin` callback (runs before the first byte;
 * answering from it refuses the body) and a `chunk` callback (each piece as it arrives; answer and
 * return FALSE to stop; el_http_request_pause_body()/resume_body() for flow control while a chunk
 * is written out). The route's handler runs after the last chunk.
 *
 * Every response carries X-Content-Type-Options, X-Frame-Options, Referrer-Policy,
 * Permissions-Policy, Strict-Transport-Security, Content-Security-Policy, X-Request-Id, Server
 * (no version), Vary: Origin and Cache-Control: no-store (except EL_HTTP_ROUTE_CACHEABLE routes,
 * which get no-cache and their ETag); rate-limited routes add RateLimit-Policy, RateLimit,
 * RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset; CORS headers only when Origin equals
 * the configured origin exactly. Requests are logged (el-log.h) and counted (el_http_requests_total,
 * el_http_request_duration_seconds) by route template, never by concrete path.
 *
 * Slow clients: a connection that sends no complete request head, or no body bytes, for the I/O
 * timeout (default 30 s) is closed; libsoup refuses request heads over 64 KiB.
 *
 * Keep-alive: connections are kept alive. libsoup before 3.3 (Debian 12 has 3.2) never notices
 * that a client closed a kept-alive connection between two requests (upstream commit d20c6601): its
 * socket and descriptor would stay open for the life of the process. With such a libsoup the server
 * watches each connection itself from the end of an answer until the next request starts, and
 * closes the socket when the client has gone or has been silent for the I/O timeout. libsoup 3.2 also keeps about 330 bytes (the accepted
 * GSocket object, its descriptor closed) of every connection for the life of the process — about
 * 1.6 MiB per 5,000 connections measured here; README's operations section says how to bound it (a
 * nightly graceful restart) until Debian ships libsoup >= 3.3.
 *
 * Worker threads: el_http_server_start_workers() starts one thread per item of @thread_data (each
 * item is that thread's, e.g. its own read connection to the database; el_http_worker_get_data()
 * returns it on that thread). Requests of EL_HTTP_ROUTE_WORKER routes are then routed,
 * authenticated and rate limited on the main loop as every request is, and only their handler
 * runs on a worker: the message is paused meanwhile, and the answer the handler gives (status,
 * body, headers) is applied on the main loop, where the response is written, logged and counted.
 * Everything else (I/O, other routes, request bodies) stays on the main loop. Stopped by
 * el_http_server_stop_workers() or with the server (after the handlers running at the time).
 *
 * Shutdown: el_http_server_drain() closes the listening sockets; requests in flight finish,
 * later requests on open connections get 503 with `Connection: close`, and ::drained is emitted
 * once nothing is in flight. el_http_server_run_shutdown_hooks() then runs the hooks (the
 * database checkpoints its WAL there).
 */

#define EL_TYPE_HTTP_SERVER (el_http_server_get_type ())
G_DECLARE_FINAL_TYPE (ElHttpServer, el_http_server, EL, HTTP_SERVER, GObject)

#define EL_HTTP_DEFAULT_MAX_BODY      (1024 * 1024)
#define EL_HTTP_LISTEN_BACKLOG        1024 /* the kernel caps it at net.core.somaxconn */
#define EL_HTTP_DEFAULT_IO_TIMEOUT_MS 30000
#define EL_HTTP_SERVER_HEADER         "eclipselink-server"

/**
 * ElHttpRouteFlags:
 * @EL_HTTP_ROUTE_DEFAULT: nothing special
 * @EL_HTTP_ROUTE_AUTH: needs `Authorization: Bearer <token>` accepted by the authenticator
 * @EL_HTTP_ROUTE_PHI: the response holds PHI or tokens (always `Cache-Control: no-store`)
 * @EL_HTTP_ROUTE_JSON: the request body must be `application/json` (checked before it is read)
 * @EL_HTTP_ROUTE_STREAMING: the body goes to the route's chunk callback, never into memory
 * @EL_HTTP_ROUTE_NO_RATE_LIMIT: not rate limited (health, metrics)
 * @EL_HTTP_ROUTE_SYSTEM: answered while the server starts or drains (health, metrics)
 * @EL_HTTP_ROUTE_CACHEABLE: `Cache-Control: no-cache` instead of no-store (the OpenAPI document)
 * @EL_HTTP_ROUTE_WORKER: the handler runs on a worker thread once el_http_server_start_workers() has
 *   started them (on the main loop before, or without them). Such a handler reads only the
 *   request's id, method, route, path parameters, query, client address and user, sets headers and
 *   answers with the el_http_request_respond_*() calls (never later, from a callback), takes its
 *   thread's resources (its database connection) from el_http_worker_get_data(), and touches nothing
 *   else that the main loop uses unless it is thread-safe. No request header: see below.
 */
typedef enum
{
  EL_HTTP_ROUTE_DEFAULT = 0,
  EL_HTTP_ROUTE_AUTH = 1 << 0,
  EL_HTTP_ROUTE_PHI = 1 << 1,
  EL_HTTP_ROUTE_JSON = 1 << 2,
  EL_HTTP_ROUTE_STREAMING = 1 << 3,
  EL_HTTP_ROUTE_NO_RATE_LIMIT = 1 << 4,
  EL_HTTP_ROUTE_SYSTEM = 1 << 5,
  EL_HTTP_ROUTE_CACHEABLE = 1 << 6,
  EL_HTTP_ROUTE_WORKER = 1 << 7,
} ElHttpRouteFlags;

typedef struct ElHttpRoute ElHttpRoute;

typedef void (*ElHttpHandler) (ElHttpRequest *request, gpointer user_data);
typedef gboolean (*ElHttpChunkFunc) (ElHttpRequest *request, GBytes *chunk, gpointer user_data);
typedef void (*ElHttpShutdownFunc) (gpointer user_data);

/**
 * ElHttpAuthResult:
 * @EL_HTTP_AUTH_OK: the token is valid; the user is filled in
 * @EL_HTTP_AUTH_INVALID: malformed, forged, revoked or otherwise unacceptable (401 `unauthorized`)
 * @EL_HTTP_AUTH_EXPIRED: well-formed and genuine but expired (401 `token_expired`)
 */
typedef enum
{
  EL_HTTP_AUTH_OK,
  EL_HTTP_AUTH_INVALID,
  EL_HTTP_AUTH_EXPIRED,
} ElHttpAuthResult;

/**
 * ElHttpAuthFunc:
 * @token: the bearer token (never log it)
 * @user: (out caller-allocates): fill in id (and unit_id) with newly allocated strings and role
 * @user_data: the data given to el_http_server_set_authenticator()
 *
 * Checks a bearer token (the endpoint code wires el_jwt_verify() here). Runs on the main loop.
 */
typedef ElHttpAuthResult (*ElHttpAuthFunc) (const char *token, ElHttpUser *user, gpointer user_data);

ElHttpServer *el_http_server_new (const char *version);

ElHttpRoute *el_http_server_add_route (ElHttpServer *self,
                                       const char *method,
                                       const char *template,
                                       ElHttpRouteFlags flags,
                                       ElHttpHandler handler,
                                       gpointer user_data,
                                       GDestroyNotify destroy);
void el_http_route_set_max_body (ElHttpRoute *route, guint64 max_bytes);
void el_http_route_set_body_stream (ElHttpRoute *route, ElHttpHandler begin, ElHttpChunkFunc chunk);

void el_http_server_set_authenticator (ElHttpServer *self,
                                       ElHttpAuthFunc func,
                                       gpointer user_data,
                                       GDestroyNotify destroy);
void
el_http_server_set_rate_limit (ElHttpServer *self, gboolean enabled, guint max_requests, guint window_ms);
void el_http_server_set_cors_origin (ElHttpServer *self, const char *origin);
void el_http_server_set_io_timeout (ElHttpServer *self, guint timeout_ms);

gboolean el_http_server_start_workers (ElHttpServer *self, GPtrArray *thread_data, GDestroyNotify destroy);
void el_http_server_stop_workers (ElHttpServer *self);
guint el_http_server_get_n_workers (ElHttpServer *self);
gpointer el_http_worker_get_data (void);

ElMetrics *el_http_server_get_metrics (ElHttpServer *self);
ElHealth *el_http_server_get_health (ElHttpServer *self);

gboolean el_http_server_listen (ElHttpServer *self, const char *host, guint port, GError **error);
guint el_http_server_get_port (ElHttpServer *self);

void el_http_server_set_ready (ElHttpServer *self, gboolean ready);
gboolean el_http_server_is_serving (ElHttpServer *self);
void el_http_server_drain (ElHttpServer *self);
gboolean el_http_server_is_draining (ElHttpServer *self);
guint el_http_server_get_n_in_flight (ElHttpServer *self);

void el_http_server_add_shutdown_hook (ElHttpServer *self,
                                       ElHttpShutdownFunc func,
                                       gpointer user_data,
                                       GDestroyNotify destroy);
void el_http_server_run_shutdown_hooks (ElHttpServer *self);

/* el-http-system.c: /api/health, /api/docs, /api/metrics (and the test routes). */
void el_http_server_add_system_routes (ElHttpServer *self);
GBytes *el_http_openapi_document (void);
gboolean el_http_server_add_test_routes (ElHttpServer *self, GError **error);

G_END_DECLS
