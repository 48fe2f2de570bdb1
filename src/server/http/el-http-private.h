/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shared by el-http-server.c and el-http-request.c only. */

#include <libsoup/soup.h>

#include "el-http-route.h"
#include "el-http-server.h"

G_BEGIN_DECLS

struct ElHttpRoute
{
  char *method;
  ElHttpTemplate *template;
  ElHttpRouteFlags flags;
  guint64 max_body;
  ElHttpHandler handler;
  gpointer user_data;
  GDestroyNotify destroy;
  ElHttpHandler body_begin;
  ElHttpChunkFunc body_chunk;
};

/* What a handler on a worker thread answered, applied on the main thread (el-http-request.c). */
typedef struct
{
  gboolean has_response;
  guint status;
  char *content_type;
  GBytes *body;
  GPtrArray *headers; /* name, value, name, value... */
} ElHttpDeferred;

struct ElHttpRequest
{
  gint ref_count;
  ElHttpServer *server;       /* NULL once the server is gone */
  SoupServerMessage *msg;     /* NULL once the message is finalized */
  SoupServerMessage *msg_ref; /* a strong reference while the request is active */

  char *id;
  const char *method;           /* interned */
  ElHttpRoute *route;           /* NULL when no route matched */
  const char *template_pattern; /* the path's template even when the method did not match (logs) */
  GHashTable *params;
  GHashTable *query;
  char *client_ip;
  ElHttpUser user;
  gboolean has_user;

  /* body */
  gboolean expect_continue;
  gboolean body_chunked;
  guint64 content_length;
  guint64 max_body;
  guint64 body_received;
  GByteArray *body_buffer;
  GBytes *body;

  /* rate limit, for the response headers */
  gboolean rate_limited_route;
  guint rl_limit;
  guint rl_remaining;
  gint64 rl_reset_ms;
  guint rl_window_ms;

  gboolean cors_allowed;
  char *origin;
  gboolean close_connection;

  gint64 started_us;
  GSource *timeout;
  GCancellable *cancellable;
  gpointer data;
  GDestroyNotify data_destroy;

  gboolean active;    /* headers read, not finished: counts as in flight */
  gboolean responded; /* a final status is set */
  gboolean paused;    /* the handler returned without answering */
  gboolean body_paused;
  gboolean finished;
  gboolean stolen;    /* answered on the raw connection (413 while the body is still arriving) */
  gboolean timed_out; /* closed by the I/O timeout */
  /* A handler running on a worker thread (EL_HTTP_ROUTE_WORKER): its answer goes to @deferred, which
   * the main thread applies once the handler has returned. Set and cleared on the main thread only,
   * while no worker holds the request. */
  gboolean offloaded;
  ElHttpDeferred *deferred;
};

ElHttpRequest *el_http_request_new (ElHttpServer *server, SoupServerMessage *msg);
void el_http_request_apply_headers (ElHttpRequest *self);
gboolean el_http_request_has_json_content_type (ElHttpRequest *self);
void el_http_server_answered_late (ElHttpServer *self, ElHttpRequest *req);
void el_http_request_begin_offload (ElHttpRequest *self);
void el_http_request_end_offload (ElHttpRequest *self);

/* el-http-system.c: the test authenticator wraps the real one */
void el_http_server_steal_authenticator (ElHttpServer *self,
                                         ElHttpAuthFunc *func,
                                         gpointer *user_data,
                                         GDestroyNotify *destroy);

G_END_DECLS
