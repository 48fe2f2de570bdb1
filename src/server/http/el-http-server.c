/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-http-private.h"

#include "el-log.h"
#include "el-throttle.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

/* Below this many body bytes, a request refused before its body is read keeps its connection:
 * libsoup reads and drops the rest. Above it (or chunked), the answer goes out at once and the
 * connection is closed. */
#define EARLY_DISCARD_BYTES (64 * 1024)
/* How long a closed-early connection keeps draining what the client still sends, so that the
 * client reads the answer instead of a reset. */
#define LINGER_MS 2000
/* Rate-limit keys kept at most; beyond, new keys are let through (fail open: a general limit must
 * not lock everybody out under a spray of addresses; the login guard fails closed). */
#define RATE_LIMIT_MAX_KEYS 100000

static const char default_problem[] = "{\"type\":\"" EL_HTTP_PROBLEM_TYPE_BASE "invalid_request\","
                                      "\"title\":\"Invalid request\",\"status\":400,"
                                      "\"code\":\"invalid_request\",\"detail\":\"malformed HTTP request\"}";

static const char allowed_request_headers[] =
    "Authorization, Content-Type, Idempotency-Key, If-Match, If-None-Match, Content-Digest";

static const char *const known_methods[] = {
  "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", NULL
};

typedef struct
{
  ElHttpShutdownFunc func;
  gpointer user_data;
  GDestroyNotify destroy;
} ShutdownHook;

struct _ElHttpServer
{
  GObject parent_instance;

  SoupServer *soup;
  GPtrArray *routes; /* ElHttpRoute */

  ElHttpAuthFunc auth_func;
  gpointer auth_data;
  GDestroyNotify auth_destroy;

  gboolean rate_limit_enabled;
  guint rate_limit_max;
  guint rate_limit_window_ms;
  ElThrottle *throttle;

  char *cors_origin;
  guint io_timeout_ms;

  ElMetrics *metrics;
  ElMetric *requests_total;
  ElMetric *request_duration;
  ElMetric *requests_in_flight;
  ElHealth *health;

  gboolean ready;
  gboolean draining;
  gboolean drained_emitted;
  guint n_in_flight;
  guint n_lingering;        /* connections closed early, still draining the client's bytes */
  GHashTable *active;       /* ElHttpRequest (a reference each) */
  GHashTable *idle_watches; /* GSocket (borrowed: its watch holds it) -> IdleWatch, libsoup < 3.3 */
  GPtrArray *shutdown_hooks;
  guint port;

  /* worker threads for EL_HTTP_ROUTE_WORKER handlers */
  GMainContext *main_context;
  GAsyncQueue *jobs;  /* ElHttpRequest, or the quit sentinel */
  GPtrArray *workers; /* Worker */
};

typedef struct
{
  ElHttpServer *server; /* borrowed: the server stops its workers before it goes */
  GThread *thread;
  gpointer data;
  GDestroyNotify data_destroy;
} Worker;

/* The calling worker thread's data (NULL on other threads). */
static GPrivate worker_data_key;
static int worker_quit; /* its address, queued once per worker, stops it */

G_DEFINE_FINAL_TYPE (ElHttpServer, el_http_server, G_TYPE_OBJECT)

enum
{
  SIGNAL_DRAINED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The ElHttpRequest of a SoupServerMessage is kept as qdata. */
static GQuark
request_quark (void)
{
  static GQuark quark;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("el-http-request");
  return quark;
}

static void send_on_raw_connection (ElHttpServer *self, ElHttpRequest *req);
static void wrote_body_data_cb (SoupServerMessage *msg, guint size, gpointer user_data);
static void got_chunk_cb (SoupServerMessage *msg, GBytes *chunk, gpointer user_data);

static void
route_free (ElHttpRoute *route)
{
  if (route->destroy != NULL)
    route->destroy (route->user_data);
  el_http_template_free (route->template);
  g_free (route->method);
  g_free (route);
}

static void
shutdown_hook_free (ShutdownHook *hook)
{
  if (hook->destroy != NULL)
    hook->destroy (hook->user_data);
  g_free (hook);
}

static ElHttpRequest *
request_from_message (SoupServerMessage *msg)
{
  return g_object_get_qdata (G_OBJECT (msg), request_quark ());
}

/* ------------------------------------------------------------------------------------------------
 * The I/O timeout: a GSource whose ready time moves forward with every byte received.
 */

static gboolean
timeout_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  return callback (user_data);
}

static GSourceFuncs timeout_funcs = { NULL, NULL, timeout_dispatch, NULL, NULL, NULL };

static gboolean
request_timed_out_cb (gpointer user_data)
{
  ElHttpRequest *req = user_data;
  GSocket *socket;

  g_source_set_ready_time (req->timeout, -1);
  req->timed_out = TRUE;
  el_log_message (EL_LOG_DEBUG, "io_timeout", "closing a connection that sent nothing in time");
  socket = req->msg != NULL ? soup_server_message_get_socket (req->msg) : NULL;
  if (socket != NULL)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
  return G_SOURCE_CONTINUE;
}

static void
arm_timeout (ElHttpServer *self, ElHttpRequest *req)
{
  if (self->io_timeout_ms == 0)
    return;
  if (req->timeout == NULL)
    {
      req->timeout = g_source_new (&timeout_funcs, sizeof (GSource));
      g_source_set_callback (req->timeout, request_timed_out_cb, req, NULL);
      g_source_set_static_name (req->timeout, "[el-http] io timeout");
      g_source_attach (req->timeout, NULL);
    }
  g_source_set_ready_time (req->timeout, g_get_monotonic_time () + (gint64) self->io_timeout_ms * 1000);
}

static void
disarm_timeout (ElHttpRequest *req)
{
  if (req->timeout == NULL)
    return;
  g_source_destroy (req->timeout);
  g_clear_pointer (&req->timeout, g_source_unref);
}

/* qdata destroy notify: the message is being finalized. */
static void
request_detach (gpointer data)
{
  ElHttpRequest *req = data;

  disarm_timeout (req);
  req->msg = NULL;
  el_http_request_unref (req);
}

/* ------------------------------------------------------------------------------------------------
 * Completion: one log line and the metrics per request.
 */

static const char *
method_label (const char *method)
{
  for (guint i = 0; known_methods[i] != NULL; i++)
    if (g_strcmp0 (method, known_methods[i]) == 0)
      return known_methods[i];
  return "OTHER";
}

static void maybe_drained (ElHttpServer *self);

static void
request_complete (ElHttpServer *self, ElHttpRequest *req, guint status, gboolean aborted)
{
  double duration_s = 0;
  gsize bytes = 0;
  const char *route = req->template_pattern;
  const char *method = method_label (
      req->method != NULL || req->msg == NULL ? req->method : soup_server_message_get_method (req->msg));
  GString *line;

  el_http_request_ref (req);
  req->finished = TRUE;
  disarm_timeout (req);
  g_cancellable_cancel (req->cancellable);
  if (req->msg != NULL)
    {
      g_signal_handlers_disconnect_by_data (req->msg, req);
      if (g_strcmp0 (req->method, "HEAD") != 0)
        bytes = soup_server_message_get_response_body (req->msg)->length;
    }
  if (req->timed_out)
    {
      status = SOUP_STATUS_REQUEST_TIMEOUT;
      aborted = TRUE;
    }
  else if (aborted && !req->responded)
    {
      /* libsoup says 500 for a broken or interrupted request it could not read: nothing was
       * answered, the client broke off (499, as nginx logs it) */
      status = 499;
    }
  if (req->started_us != 0)
    duration_s = (double) (g_get_monotonic_time () - req->started_us) / G_USEC_PER_SEC;

  line = el_log_line_new (status >= 500 ? EL_LOG_ERROR : EL_LOG_INFO, "request");
  if (line != NULL)
    {
      el_log_line_add_string (line, "request_id", req->id);
      el_log_line_add_string (line, "method", method);
      el_log_line_add_string (line, "route", route);
      el_log_line_add_int (line, "status", status);
      el_log_line_add_double (line, "duration_ms", duration_s * 1000.0);
      el_log_line_add_string (line, "user_id", req->has_user ? req->user.id : NULL);
      el_log_line_add_int (line, "bytes", (gint64) bytes);
      if (aborted)
        el_log_line_add_bool (line, "aborted", TRUE);
      el_log_line_write (line);
    }

  if (self != NULL)
    {
      char status_text[16];
      const char *route_label = route != NULL ? route : "unmatched";

      g_snprintf (status_text, sizeof status_text, "%u", status);
      el_metric_inc (self->requests_total, (const char *[]){ route_label, method, status_text, NULL }, 1);
      el_metric_observe (self->request_duration, (const char *[]){ route_label, NULL }, duration_s);

      if (req->active)
        {
          req->active = FALSE;
          self->n_in_flight--;
          el_metric_set (self->requests_in_flight, NULL, self->n_in_flight);
          g_hash_table_remove (self->active, req);
          maybe_drained (self);
        }
    }
  req->active = FALSE;
  g_clear_object (&req->msg_ref);
  el_http_request_unref (req);
}

static void
finish_message (ElHttpServer *self, SoupServerMessage *msg, gboolean aborted)
{
  ElHttpRequest *req = request_from_message (msg);

  if (req == NULL || req->finished)
    return;
  /* libsoup reports a handler's own 500 as "aborted" too */
  request_complete (self, req, soup_server_message_get_status (msg), aborted && !req->responded);
}

/* ------------------------------------------------------------------------------------------------
 * Kept-alive connections on libsoup before 3.3. Between two requests such a libsoup does not
 * notice that the client closed the connection (upstream commit d20c6601): the socket stayed open
 * for the life of the process. So from the end of each answer until the next request starts, the
 * server watches the socket itself; when the client has gone (end of stream or an error), or has
 * said nothing for the I/O timeout, it closes the socket. A request that arrives is left to
 * libsoup (::request-started drops the watch).
 */

typedef struct
{
  ElHttpServer *server; /* borrowed: the server drops its watches before it goes */
  GSocket *socket;
  GSource *io;
  GSource *timer; /* NULL without an I/O timeout */
} IdleWatch;

static void
idle_watch_free (gpointer data)
{
  IdleWatch *watch = data;

  g_source_destroy (watch->io);
  g_source_unref (watch->io);
  if (watch->timer != NULL)
    {
      g_source_destroy (watch->timer);
      g_source_unref (watch->timer);
    }
  g_object_unref (watch->socket);
  g_free (watch);
}

static gboolean
idle_connection_cb (GSocket *socket, GIOCondition condition, gpointer user_data)
{
  IdleWatch *watch = user_data;

  if (!g_socket_is_closed (socket))
    {
      char byte;
      gssize n = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);

      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return G_SOURCE_CONTINUE;
      if (n <= 0)
        g_socket_close (socket, NULL); /* the client has gone */
      /* n > 0: the next request, libsoup reads it */
    }
  g_hash_table_remove (watch->server->idle_watches, socket); /* frees the watch */
  return G_SOURCE_REMOVE;
}

static gboolean
idle_timeout_cb (gpointer user_data)
{
  IdleWatch *watch = user_data;

  g_socket_close (watch->socket, NULL); /* silent for the I/O timeout */
  g_hash_table_remove (watch->server->idle_watches, watch->socket);
  return G_SOURCE_REMOVE;
}

static void
idle_watch_start (ElHttpServer *self, SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  IdleWatch *watch;

  if (self->idle_watches == NULL || socket == NULL || g_socket_is_closed (socket) ||
      g_hash_table_contains (self->idle_watches, socket))
    return;
  watch = g_new0 (IdleWatch, 1);
  watch->server = self;
  watch->socket = g_object_ref (socket);
  watch->io = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (watch->io, G_SOURCE_FUNC (idle_connection_cb), watch, NULL);
  g_source_attach (watch->io, self->main_context);
  if (self->io_timeout_ms > 0)
    {
      watch->timer = g_timeout_source_new (self->io_timeout_ms);
      g_source_set_callback (watch->timer, idle_timeout_cb, watch, NULL);
      g_source_attach (watch->timer, self->main_context);
    }
  g_hash_table_insert (self->idle_watches, socket, watch);
}

static void
idle_watch_stop (ElHttpServer *self, SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (self->idle_watches != NULL && socket != NULL)
    g_hash_table_remove (self->idle_watches, socket);
}

static void
request_finished_cb (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  finish_message (user_data, msg, FALSE);
  idle_watch_start (user_data, msg);
}

static void
request_aborted_cb (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  finish_message (user_data, msg, TRUE);
  idle_watch_start (user_data, msg);
}

/* ------------------------------------------------------------------------------------------------
 * Request start: every message gets its ElHttpRequest, the common headers and a default 400
 * problem body (what libsoup sends if it cannot parse the request head).
 */

static void
request_started_cb (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  ElHttpServer *self = user_data;
  ElHttpRequest *req = el_http_request_new (self, msg);

  idle_watch_stop (self, msg);
  g_object_set_qdata_full (G_OBJECT (msg), request_quark (), req, request_detach);
  el_http_request_apply_headers (req);
  soup_server_message_set_response (msg, EL_HTTP_PROBLEM_CONTENT_TYPE, SOUP_MEMORY_STATIC, default_problem,
                                    sizeof default_problem - 1);
  arm_timeout (self, req);
}

/* ------------------------------------------------------------------------------------------------
 * Routing, at got-headers (libsoup's early handler): everything that can be refused is refused
 * before the body is read.
 */

static char *
bearer_token (const char *authorization)
{
  const char *p;

  if (authorization == NULL || g_ascii_strncasecmp (authorization, "Bearer", 6) != 0)
    return NULL;
  p = authorization + 6;
  if (*p != ' ')
    return NULL;
  while (*p == ' ')
    p++;
  if (*p == '\0')
    return NULL;
  for (const char *q = p; *q != '\0'; q++)
    if (!(g_ascii_isalnum (*q) || strchr ("-._~+/=", *q) != NULL))
      return NULL;
  return g_strdup (p);
}

static ElHttpAuthResult
authenticate (ElHttpServer *self, ElHttpRequest *req, gboolean *missing)
{
  g_autofree char *token = bearer_token (el_http_request_get_header (req, "Authorization"));
  ElHttpUser user = { NULL, 0, NULL };
  ElHttpAuthResult result;

  *missing = token == NULL;
  if (token == NULL || self->auth_func == NULL)
    return EL_HTTP_AUTH_INVALID;

  result = self->auth_func (token, &user, self->auth_data);
  if (result == EL_HTTP_AUTH_OK && user.id != NULL)
    {
      req->user = user;
      req->has_user = TRUE;
      return EL_HTTP_AUTH_OK;
    }
  g_free (user.id);
  g_free (user.unit_id);
  return result == EL_HTTP_AUTH_OK ? EL_HTTP_AUTH_INVALID : result;
}

/* Returns FALSE (and answers 429) when the client is over its limit. */
static gboolean
check_rate_limit (ElHttpServer *self, ElHttpRequest *req)
{
  g_autofree char *key = NULL;
  guint remaining = 0;
  gint64 reset_ms = 0;
  gboolean allowed;

  if (!self->rate_limit_enabled || (req->route != NULL && (req->route->flags & EL_HTTP_ROUTE_NO_RATE_LIMIT)))
    return TRUE;

  key = req->has_user ? g_strconcat ("user:", req->user.id, NULL)
                      : g_strconcat ("ip:", req->client_ip != NULL ? req->client_ip : "?", NULL);
  allowed = el_throttle_hit (self->throttle, key, g_get_monotonic_time () / 1000, &remaining, &reset_ms);

  req->rate_limited_route = TRUE;
  req->rl_limit = self->rate_limit_max;
  req->rl_window_ms = self->rate_limit_window_ms;
  req->rl_remaining = remaining;
  req->rl_reset_ms = MAX (reset_ms, 0);

  if (!allowed)
    {
      char retry_after[32];
      g_autofree char *detail = g_strdup_printf ("more than %u requests in %u seconds; retry later",
                                                 self->rate_limit_max, self->rate_limit_window_ms / 1000);

      g_snprintf (retry_after, sizeof retry_after, "%" G_GINT64_FORMAT, MAX ((reset_ms + 999) / 1000, 1));
      el_http_request_set_header (req, "Retry-After", retry_after);
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_RATE_LIMITED, detail);
      return FALSE;
    }
  return TRUE;
}

static void
append_method (GString *allow, const char *method)
{
  g_auto (GStrv) present = g_strsplit (allow->str, ", ", -1);

  if (allow->len > 0 && g_strv_contains ((const char *const *) present, method))
    return;
  if (allow->len > 0)
    g_string_append (allow, ", ");
  g_string_append (allow, method);
}

static void
answer_options (ElHttpServer *self, ElHttpRequest *req, const char *allow)
{
  const char *request_method = el_http_request_get_header (req, "Access-Control-Request-Method");

  if (req->origin != NULL && request_method != NULL && req->cors_allowed)
    {
      el_http_request_set_header (req, "Access-Control-Allow-Methods", allow);
      el_http_request_set_header (req, "Access-Control-Allow-Headers", allowed_request_headers);
      el_http_request_set_header (req, "Access-Control-Max-Age", "600");
    }
  el_http_request_set_header (req, "Allow", allow);
  el_http_request_respond_empty (req, SOUP_STATUS_NO_CONTENT);
}

static gboolean
method_matches (const char *route_method, const char *method)
{
  return g_strcmp0 (route_method, method) == 0 ||
         (g_strcmp0 (method, "HEAD") == 0 && g_str_equal (route_method, "GET"));
}

static void
route_request (ElHttpServer *self, ElHttpRequest *req)
{
  GUri *uri = soup_server_message_get_uri (req->msg);
  const char *raw_path = uri != NULL ? g_uri_get_path (uri) : NULL;
  const char *raw_query = uri != NULL ? g_uri_get_query (uri) : NULL;
  g_autoptr (ElHttpPath) path = NULL;
  g_autoptr (GError) path_error = NULL;
  g_autoptr (GError) query_error = NULL;
  g_autoptr (GString) allow = g_string_new (NULL);
  gboolean path_known = FALSE;
  gboolean has_explicit_options = FALSE;
  gboolean auth_missing = FALSE;
  ElHttpAuthResult auth = EL_HTTP_AUTH_OK;
  ElHttpRoute *route = NULL;

  if (soup_server_message_is_options_ping (req->msg))
    {
      el_http_request_set_header (req, "Allow", "GET, HEAD, POST, PATCH, OPTIONS");
      el_http_request_respond_empty (req, SOUP_STATUS_NO_CONTENT);
      return;
    }

  if (raw_path != NULL)
    path = el_http_path_parse (raw_path, strlen (raw_path), &path_error);
  else
    g_set_error_literal (&path_error, EL_HTTP_ERROR, EL_HTTP_ERROR_BAD_PATH, "no path");
  req->query = el_http_query_parse (raw_query, raw_query != NULL ? strlen (raw_query) : 0, &query_error);

  if (path != NULL)
    for (guint i = 0; i < self->routes->len; i++)
      {
        ElHttpRoute *r = g_ptr_array_index (self->routes, i);

        if (!el_http_template_match (r->template, path, NULL))
          continue;
        if (!path_known)
          req->template_pattern = el_http_template_get_pattern (r->template);
        path_known = TRUE;
        append_method (allow, r->method);
        if (g_str_equal (r->method, "GET"))
          append_method (allow, "HEAD");
        if (g_str_equal (r->method, "OPTIONS"))
          has_explicit_options = TRUE;
        if (route == NULL && method_matches (r->method, req->method))
          route = r;
      }
  if (path_known)
    append_method (allow, "OPTIONS");
  if (route != NULL)
    {
      req->route = route;
      req->template_pattern = el_http_template_get_pattern (route->template);
      req->params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      el_http_template_match (route->template, path, req->params);
      req->max_body = route->max_body;
    }

  /* Starting or draining: only the system routes answer. */
  if (!el_http_server_is_serving (self) && (route == NULL || !(route->flags & EL_HTTP_ROUTE_SYSTEM)))
    {
      el_http_request_set_header (req, "Retry-After", self->draining ? "5" : "1");
      req->close_connection = self->draining;
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_SERVICE_UNAVAILABLE,
                                       self->draining ? "the server is shutting down"
                                                      : "the server is starting");
      return;
    }

  if (route != NULL && (route->flags & EL_HTTP_ROUTE_AUTH))
    auth = authenticate (self, req, &auth_missing);

  if (!check_rate_limit (self, req))
    return;

  if (path == NULL)
    {
      g_autofree char *detail = g_strdup_printf ("malformed request path: %s", path_error->message);

      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_INVALID_REQUEST, detail);
      return;
    }
  if (req->query == NULL)
    {
      g_autofree char *detail = g_strdup_printf ("malformed query string: %s", query_error->message);

      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_INVALID_REQUEST, detail);
      return;
    }
  if (!path_known)
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_NOT_FOUND, "no such resource");
      return;
    }
  if (g_strcmp0 (req->method, "OPTIONS") == 0 && !has_explicit_options)
    {
      answer_options (self, req, allow->str);
      return;
    }
  if (route == NULL)
    {
      el_http_request_set_header (req, "Allow", allow->str);
      el_http_request_respond_problem_full (req, SOUP_STATUS_METHOD_NOT_ALLOWED,
                                            EL_HTTP_PROBLEM_INVALID_REQUEST,
                                            "method not allowed on this resource", NULL);
      return;
    }
  if (auth != EL_HTTP_AUTH_OK)
    {
      el_http_request_set_header (req, "WWW-Authenticate",
                                  auth_missing ? "Bearer realm=\"eclipselink\""
                                               : "Bearer realm=\"eclipselink\", error=\"invalid_token\"");
      el_http_request_respond_problem (
          req, auth == EL_HTTP_AUTH_EXPIRED ? EL_HTTP_PROBLEM_TOKEN_EXPIRED : EL_HTTP_PROBLEM_UNAUTHORIZED,
          auth_missing                   ? "send Authorization: Bearer <access token>"
          : auth == EL_HTTP_AUTH_EXPIRED ? "the access token expired; refresh it and retry"
                                         : "the access token is not valid");
      return;
    }

  if (req->content_length > req->max_body)
    {
      g_autofree char *detail =
          g_strdup_printf ("the request body is larger than %" G_GUINT64_FORMAT " bytes", req->max_body);

      req->close_connection = TRUE;
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_PAYLOAD_TOO_LARGE, detail);
      return;
    }
  if ((route->flags & EL_HTTP_ROUTE_JSON) && (req->content_length > 0 || req->body_chunked) &&
      !el_http_request_has_json_content_type (req))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_UNSUPPORTED_MEDIA_TYPE,
                                       "send the body as Content-Type: application/json");
      return;
    }

  if (route->flags & EL_HTTP_ROUTE_STREAMING)
    {
      if (route->body_begin != NULL)
        {
          el_http_request_ref (req);
          route->body_begin (req, route->user_data);
          el_http_request_unref (req);
        }
    }
  else if (req->content_length > 0)
    req->body_buffer = g_byte_array_sized_new ((guint) MIN (req->content_length, EARLY_DISCARD_BYTES));
}

/* The peer's address, from the socket: libsoup's own getter warns when the peer is already gone. */
static char *
peer_address (SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  g_autoptr (GSocketAddress) address = socket != NULL ? g_socket_get_remote_address (socket, NULL) : NULL;

  if (address == NULL || !G_IS_INET_SOCKET_ADDRESS (address))
    return NULL;
  return g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
}

static void
begin_request (ElHttpServer *self, ElHttpRequest *req)
{
  SoupServerMessage *msg = req->msg;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *origin;

  req->active = TRUE;
  req->msg_ref = g_object_ref (msg);
  g_hash_table_add (self->active, el_http_request_ref (req));
  self->n_in_flight++;
  el_metric_set (self->requests_in_flight, NULL, self->n_in_flight);

  req->started_us = g_get_monotonic_time ();
  req->method = soup_server_message_get_method (msg);
  req->client_ip = peer_address (msg);
  req->max_body = EL_HTTP_DEFAULT_MAX_BODY;

  /* drop the default 400 body: this request parsed */
  soup_server_message_set_response (msg, NULL, SOUP_MEMORY_STATIC, NULL, 0);

  switch (soup_message_headers_get_encoding (headers))
    {
      case SOUP_ENCODING_CONTENT_LENGTH:
        req->content_length = (guint64) MAX (soup_message_headers_get_content_length (headers), 0);
        break;
      case SOUP_ENCODING_CHUNKED:
      case SOUP_ENCODING_EOF:
      case SOUP_ENCODING_BYTERANGES:
        req->body_chunked = TRUE;
        break;
      case SOUP_ENCODING_NONE:
      case SOUP_ENCODING_UNRECOGNIZED:
      default:
        break;
    }
  req->expect_continue = (soup_message_headers_get_expectations (headers) & SOUP_EXPECTATION_CONTINUE) != 0;
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), req);
  g_signal_connect (msg, "wrote-body-data", G_CALLBACK (wrote_body_data_cb), req);

  origin = soup_message_headers_get_one (headers, "Origin");
  if (origin != NULL)
    {
      req->origin = g_strdup (origin);
      req->cors_allowed = self->cors_origin != NULL && g_str_equal (origin, self->cors_origin);
    }
}

static void
early_handler_cb (
    SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer user_data)
{
  ElHttpServer *self = user_data;
  ElHttpRequest *req = request_from_message (msg);
  gboolean body_pending;

  if (req == NULL || req->active || req->finished)
    return;

  begin_request (self, req);
  el_http_request_ref (req);
  if (req->timed_out)
    {
      /* libsoup takes the end of the stream for the end of a half-sent request head: do not run it */
      req->close_connection = TRUE;
      el_http_request_respond_problem_full (req, SOUP_STATUS_REQUEST_TIMEOUT, EL_HTTP_PROBLEM_INVALID_REQUEST,
                                            "the request took too long to arrive", NULL);
    }
  else
    route_request (self, req);

  body_pending = req->content_length > 0 || req->body_chunked;
  if (!req->responded)
    {
      if (body_pending)
        arm_timeout (self, req);
      else
        disarm_timeout (req);
    }
  else if (body_pending && !req->finished)
    {
      /* Refused before its body: libsoup drops a small body and keeps the connection; a large or
       * unknown one is not read at all. */
      req->close_connection = req->close_connection || req->expect_continue;
      el_http_request_apply_headers (req);
      if (!req->expect_continue && (req->body_chunked || req->content_length > EARLY_DISCARD_BYTES))
        send_on_raw_connection (self, req);
      else
        arm_timeout (self, req);
    }
  else
    disarm_timeout (req);
  el_http_request_unref (req);
}

/* ------------------------------------------------------------------------------------------------
 * The body, piece by piece.
 */

static void
got_chunk_cb (SoupServerMessage *msg, GBytes *chunk, gpointer user_data)
{
  ElHttpRequest *req = user_data;
  ElHttpServer *self = req->server;
  gsize size = g_bytes_get_size (chunk);

  req->body_received += size;
  if (req->finished || req->stolen || self == NULL)
    return;
  arm_timeout (self, req);

  if (req->responded)
    {
      if (!req->expect_continue && req->body_received > EARLY_DISCARD_BYTES)
        send_on_raw_connection (self, req);
      return;
    }

  if (req->body_received > req->max_body)
    {
      g_autofree char *detail =
          g_strdup_printf ("the request body is larger than %" G_GUINT64_FORMAT " bytes", req->max_body);

      req->close_connection = TRUE;
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_PAYLOAD_TOO_LARGE, detail);
      send_on_raw_connection (self, req);
      return;
    }

  if (req->route == NULL)
    return;
  if (req->route->flags & EL_HTTP_ROUTE_STREAMING)
    {
      gboolean ok = TRUE;

      el_http_request_ref (req);
      if (req->route->body_chunk != NULL)
        ok = req->route->body_chunk (req, chunk, req->route->user_data);
      if (!ok && !req->responded)
        el_http_request_respond_problem (req, EL_HTTP_PROBLEM_INTERNAL_ERROR,
                                         "the request body could not be stored");
      if (req->responded && !req->finished)
        {
          req->close_connection = TRUE;
          send_on_raw_connection (self, req);
        }
      el_http_request_unref (req);
      return;
    }

  if (req->body_buffer == NULL)
    req->body_buffer = g_byte_array_new ();
  g_byte_array_append (req->body_buffer, g_bytes_get_data (chunk, NULL), (guint) size);
}

/* The answer is being written: the client reads, give it more time. */
static void
wrote_body_data_cb (SoupServerMessage *msg, guint size, gpointer user_data)
{
  ElHttpRequest *req = user_data;

  if (req->timeout != NULL && !req->finished && req->server != NULL)
    arm_timeout (req->server, req);
}

/* An answer given later, from a callback (el-http-request.c): the write is timed like a read. */
void
el_http_server_answered_late (ElHttpServer *self, ElHttpRequest *req)
{
  if (self != NULL && !req->finished)
    arm_timeout (self, req);
}

/* The normal handler: the body is complete. */
static void
handler_cb (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer user_data)
{
  ElHttpRequest *req = request_from_message (msg);

  if (req == NULL || !req->active || req->responded || req->finished)
    return;

  disarm_timeout (req);
  if (req->route != NULL && (req->route->flags & EL_HTTP_ROUTE_WORKER) && req->server != NULL &&
      req->server->workers != NULL)
    {
      /* the handler runs on a worker; the answer comes back to offload_done_cb() */
      req->paused = TRUE;
      soup_server_message_pause (msg);
      el_http_request_begin_offload (req);
      g_async_queue_push (req->server->jobs, el_http_request_ref (req));
      return;
    }
  el_http_request_ref (req);
  if (req->route == NULL)
    el_http_request_respond_problem (req, EL_HTTP_PROBLEM_INTERNAL_ERROR, NULL);
  else
    req->route->handler (req, req->route->user_data);

  if (!req->responded && !req->finished)
    {
      /* answered later, from a callback */
      req->paused = TRUE;
      soup_server_message_pause (msg);
    }
  else if (!req->finished && req->server != NULL)
    arm_timeout (req->server, req); /* a client that stops reading the answer */
  el_http_request_unref (req);
}

/* ------------------------------------------------------------------------------------------------
 * Worker threads.
 */

/* Main loop: the worker's handler has returned. */
static gboolean
offload_done_cb (gpointer user_data)
{
  ElHttpRequest *req = user_data;

  el_http_request_end_offload (req);
  if (!req->finished && req->server != NULL && req->responded)
    arm_timeout (req->server, req); /* a client that stops reading the answer */
  el_http_request_unref (req);
  return G_SOURCE_REMOVE;
}

static gpointer
worker_main (gpointer user_data)
{
  Worker *worker = user_data;
  ElHttpServer *self = worker->server;

  g_private_set (&worker_data_key, worker->data);
  for (;;)
    {
      gpointer job = g_async_queue_pop (self->jobs);
      ElHttpRequest *req = job;

      if (job == &worker_quit)
        break;
      /* the route and what the handler reads of the request were set before the push and do not
       * change until the answer is back on the main loop */
      req->route->handler (req, req->route->user_data);
      g_main_context_invoke (self->main_context, offload_done_cb, req);
    }
  g_private_set (&worker_data_key, NULL);
  return NULL;
}

/**
 * el_http_server_start_workers:
 * @self: the server, workers not started
 * @thread_data: (transfer container): one item per worker thread, that thread's data
 * @destroy: (nullable): frees an item, on the main thread, once its thread has stopped
 *
 * Starts the worker threads that run the handlers of EL_HTTP_ROUTE_WORKER routes.
 *
 * Returns: %TRUE (%FALSE when @thread_data is empty or workers already run)
 */
gboolean
el_http_server_start_workers (ElHttpServer *self, GPtrArray *thread_data, GDestroyNotify destroy)
{
  g_autoptr (GPtrArray) items = thread_data;

  g_return_val_if_fail (EL_IS_HTTP_SERVER (self), FALSE);
  g_return_val_if_fail (thread_data != NULL && thread_data->len > 0, FALSE);
  g_return_val_if_fail (self->workers == NULL, FALSE);

  self->jobs = g_async_queue_new ();
  self->workers = g_ptr_array_new ();
  for (guint i = 0; i < items->len; i++)
    {
      Worker *worker = g_new0 (Worker, 1);
      g_autofree char *name = g_strdup_printf ("el-http-worker-%u", i);

      worker->server = self;
      worker->data = g_ptr_array_index (items, i);
      worker->data_destroy = destroy;
      worker->thread = g_thread_new (name, worker_main, worker);
      g_ptr_array_add (self->workers, worker);
    }
  return TRUE;
}

/* Stops the worker threads once each has finished its handler (their answers still go out from
 * the main loop); later EL_HTTP_ROUTE_WORKER requests run on the main loop. */
void
el_http_server_stop_workers (ElHttpServer *self)
{
  g_return_if_fail (EL_IS_HTTP_SERVER (self));

  if (self->workers == NULL)
    return;
  for (guint i = 0; i < self->workers->len; i++)
    g_async_queue_push (self->jobs, &worker_quit);
  for (guint i = 0; i < self->workers->len; i++)
    {
      Worker *worker = g_ptr_array_index (self->workers, i);

      g_thread_join (worker->thread);
      if (worker->data_destroy != NULL && worker->data != NULL)
        worker->data_destroy (worker->data);
      g_free (worker);
    }
  g_clear_pointer (&self->workers, g_ptr_array_unref);
  g_clear_pointer (&self->jobs, g_async_queue_unref);
}

guint
el_http_server_get_n_workers (ElHttpServer *self)
{
  g_return_val_if_fail (EL_IS_HTTP_SERVER (self), 0);
  return self->workers != NULL ? self->workers->len : 0;
}

/* On a worker thread: its data (el_http_server_start_workers()); elsewhere %NULL. */
gpointer
el_http_worker_get_data (void)
{
  return g_private_get (&worker_data_key);
}

/* ------------------------------------------------------------------------------------------------
 * Answering on the raw connection while the body is still arriving (413 on a large upload):
 * libsoup only answers after reading the whole body, so the connection is taken from it, the
 * answer written, the write side shut, and whatever the client still sends drained for a moment
 * (closing with unread data would reset the connection and lose the answer).
 */

typedef struct
{
  ElHttpServer *server; /* a reference: drain waits for lingering connections too */
  GIOStream *stream;
  GSocket *socket;
  GBytes *data;
  GCancellable *cancellable;
  guint deadline;
  guint8 buffer[16384];
} Linger;

static void
linger_close (Linger *linger)
{
  g_clear_handle_id (&linger->deadline, g_source_remove);
  if (linger->stream != NULL)
    g_io_stream_close (linger->stream, NULL, NULL);
  if (linger->socket != NULL)
    g_socket_close (linger->socket, NULL);
  g_clear_object (&linger->stream);
  g_clear_object (&linger->socket);
  g_clear_object (&linger->cancellable);
  g_clear_pointer (&linger->data, g_bytes_unref);
  if (linger->server != NULL)
    {
      linger->server->n_lingering--;
      maybe_drained (linger->server);
      g_object_unref (linger->server);
    }
  g_free (linger);
}

static gboolean
linger_deadline_cb (gpointer user_data)
{
  Linger *linger = user_data;

  linger->deadline = 0;
  g_cancellable_cancel (linger->cancellable);
  return G_SOURCE_REMOVE;
}

static void
linger_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Linger *linger = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0)
    {
      linger_close (linger);
      return;
    }
  g_input_stream_read_async (G_INPUT_STREAM (source), linger->buffer, sizeof linger->buffer, G_PRIORITY_LOW,
                             linger->cancellable, linger_read_cb, linger);
}

static void
linger_wrote_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Linger *linger = user_data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      linger_close (linger);
      return;
    }
  if (linger->socket != NULL)
    g_socket_shutdown (linger->socket, FALSE, TRUE, NULL);
  g_input_stream_read_async (g_io_stream_get_input_stream (linger->stream), linger->buffer,
                             sizeof linger->buffer, G_PRIORITY_LOW, linger->cancellable, linger_read_cb,
                             linger);
}

static void
send_on_raw_connection (ElHttpServer *self, ElHttpRequest *req)
{
  SoupServerMessage *msg = req->msg;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  guint status = soup_server_message_get_status (msg);
  g_autoptr (GBytes) body = soup_message_body_flatten (soup_server_message_get_response_body (msg));
  GString *out = g_string_sized_new (1024 + g_bytes_get_size (body));
  SoupMessageHeadersIter iter;
  const char *name, *value;
  GSocket *socket = soup_server_message_get_socket (msg);
  Linger *linger;

  req->stolen = TRUE;
  req->close_connection = TRUE;
  el_http_request_apply_headers (req);
  soup_message_headers_remove (headers, "Content-Length");
  if (g_strcmp0 (req->method, "HEAD") == 0)
    g_clear_pointer (&body, g_bytes_unref);

  g_string_append_printf (out, "HTTP/1.1 %u %s\r\n", status, soup_status_get_phrase (status));
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    g_string_append_printf (out, "%s: %s\r\n", name, value);
  g_string_append_printf (out, "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                          body != NULL ? g_bytes_get_size (body) : 0);
  if (body != NULL)
    g_string_append_len (out, g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body));

  linger = g_new0 (Linger, 1);
  linger->data = g_string_free_to_bytes (out);
  linger->socket = socket != NULL ? g_object_ref (socket) : NULL;
  linger->cancellable = g_cancellable_new ();
  linger->server = g_object_ref (self);
  self->n_lingering++;

  el_http_request_ref (req);
  linger->stream = soup_server_message_steal_connection (msg);
  request_complete (self, req, status, FALSE);
  el_http_request_unref (req);

  if (linger->stream == NULL)
    {
      linger_close (linger);
      return;
    }
  linger->deadline = g_timeout_add (LINGER_MS, linger_deadline_cb, linger);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (linger->stream),
                                   g_bytes_get_data (linger->data, NULL), g_bytes_get_size (linger->data),
                                   G_PRIORITY_DEFAULT, linger->cancellable, linger_wrote_cb, linger);
}

/* ------------------------------------------------------------------------------------------------
 * The object.
 */

static void
el_http_server_dispose (GObject *object)
{
  ElHttpServer *self = EL_HTTP_SERVER (object);
  GHashTableIter iter;
  gpointer key;

  el_http_server_stop_workers (self);
  if (self->active != NULL)
    {
      g_hash_table_iter_init (&iter, self->active);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          ElHttpRequest *req = key;

          /* still in flight after the drain timeout: forget the server, free the message */
          req->server = NULL;
          req->active = FALSE;
          g_cancellable_cancel (req->cancellable);
          g_clear_object (&req->msg_ref);
        }
    }
  if (self->soup != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->soup, self);
      soup_server_disconnect (self->soup);
      g_clear_object (&self->soup);
    }
  g_clear_pointer (&self->active, g_hash_table_unref);
  g_clear_pointer (&self->idle_watches, g_hash_table_unref);
  g_clear_pointer (&self->routes, g_ptr_array_unref);
  g_clear_pointer (&self->shutdown_hooks, g_ptr_array_unref);
  if (self->auth_destroy != NULL)
    g_clear_pointer (&self->auth_data, self->auth_destroy);
  self->auth_func = NULL;

  G_OBJECT_CLASS (el_http_server_parent_class)->dispose (object);
}

static void
el_http_server_finalize (GObject *object)
{
  ElHttpServer *self = EL_HTTP_SERVER (object);

  g_clear_pointer (&self->throttle, el_throttle_free);
  g_clear_pointer (&self->health, el_health_free);
  g_clear_pointer (&self->metrics, el_metrics_free);
  g_clear_pointer (&self->main_context, g_main_context_unref);
  g_free (self->cors_origin);

  G_OBJECT_CLASS (el_http_server_parent_class)->finalize (object);
}

static void
el_http_server_class_init (ElHttpServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = el_http_server_dispose;
  object_class->finalize = el_http_server_finalize;

  /**
   * ElHttpServer::drained:
   *
   * Emitted once, after el_http_server_drain(), when no request is in flight any more.
   */
  signals[SIGNAL_DRAINED] = g_signal_new ("drained", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                          NULL, NULL, G_TYPE_NONE, 0);
}

static void
el_http_server_init (ElHttpServer *self)
{
  self->routes = g_ptr_array_new_with_free_func ((GDestroyNotify) route_free);
  self->main_context = g_main_context_ref_thread_default ();
  self->active =
      g_hash_table_new_full (g_direct_hash, g_direct_equal, (GDestroyNotify) el_http_request_unref, NULL);
  self->shutdown_hooks = g_ptr_array_new_with_free_func ((GDestroyNotify) shutdown_hook_free);
  if (!soup_check_version (3, 3, 0))
    self->idle_watches = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, idle_watch_free);
  self->io_timeout_ms = EL_HTTP_DEFAULT_IO_TIMEOUT_MS;
  self->rate_limit_enabled = TRUE;
  self->rate_limit_max = 100;
  self->rate_limit_window_ms = 60000;
  self->throttle = el_throttle_new_full (self->rate_limit_max, self->rate_limit_window_ms,
                                         RATE_LIMIT_MAX_KEYS, EL_THROTTLE_FULL_ALLOW);

  self->metrics = el_metrics_new ();
  self->requests_total =
      el_metrics_add_counter (self->metrics, "el_http_requests_total", "HTTP requests answered.",
                              (const char *[]){ "route", "method", "status", NULL });
  self->request_duration = el_metrics_add_histogram (
      self->metrics, "el_http_request_duration_seconds",
      "Time from the request head to the end of the answer, in seconds.", (const char *[]){ "route", NULL },
      el_metrics_latency_buckets, EL_METRICS_N_LATENCY_BUCKETS);
  self->requests_in_flight = el_metrics_add_gauge (self->metrics, "el_http_requests_in_flight",
                                                   "HTTP requests being answered.", NULL);

  /* raw-paths: the framework decodes each path segment once itself (el-http-route.c).
   * No server-header: libsoup's default would name its version; the framework sets its own. */
  self->soup = soup_server_new ("raw-paths", TRUE, "server-header", NULL, NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (request_started_cb), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (request_finished_cb), self);
  g_signal_connect (self->soup, "request-aborted", G_CALLBACK (request_aborted_cb), self);
  soup_server_add_early_handler (self->soup, NULL, early_handler_cb, self, NULL);
  soup_server_add_handler (self->soup, NULL, handler_cb, self, NULL);
  soup_server_add_early_handler (self->soup, "*", early_handler_cb, self, NULL);
  soup_server_add_handler (self->soup, "*", handler_cb, self, NULL);
}

/**
 * el_http_server_new:
 * @version: the version /api/health and el_build_info report (APP_VERSION)
 *
 * Returns: (transfer full): a server without routes, not listening, not ready
 */
ElHttpServer *
el_http_server_new (const char *version)
{
  ElHttpServer *self = g_object_new (EL_TYPE_HTTP_SERVER, NULL);
  ElMetric *build_info;

  self->health = el_health_new (version);
  build_info = el_metrics_add_gauge (self->metrics, "el_build_info", "The server's version (always 1).",
                                     (const char *[]){ "version", NULL });
  el_metric_set (build_info, (const char *[]){ version, NULL }, 1);
  return self;
}

/**
 * el_http_server_add_route:
 * @self: the server
 * @method: an HTTP method (`GET` also answers `HEAD`)
 * @template: the path template (el-http-route.h); an invalid one is a programming error
 * @flags: the route's flags
 * @handler: runs once the body is complete
 * @user_data: data for @handler and the stream callbacks
 * @destroy: (nullable): frees @user_data with the server
 *
 * Returns: (transfer none): the route, to set its body limit or stream callbacks
 */
ElHttpRoute *
el_http_server_add_route (ElHttpServer *self,
                          const char *method,
                          const char *template,
                          ElHttpRouteFlags flags,
                          ElHttpHandler handler,
                          gpointer user_data,
                          GDestroyNotify destroy)
{
  g_autoptr (GError) error = NULL;
  ElHttpTemplate *compiled;
  ElHttpRoute *route;

  g_return_val_if_fail (EL_IS_HTTP_SERVER (self), NULL);
  g_return_val_if_fail (method != NULL && handler != NULL, NULL);

  compiled = el_http_template_new (template, &error);
  if (compiled == NULL)
    {
      g_critical ("%s", error->message);
      return NULL;
    }

  route = g_new0 (ElHttpRoute, 1);
  route->method = g_ascii_strup (method, -1);
  route->template = compiled;
  route->flags = flags;
  route->max_body = EL_HTTP_DEFAULT_MAX_BODY;
  route->handler = handler;
  route->user_data = user_data;
  route->destroy = destroy;
  g_ptr_array_add (self->routes, route);
  return route;
}

/* The largest body accepted (default %EL_HTTP_DEFAULT_MAX_BODY): 413 beyond. */
void
el_http_route_set_max_body (ElHttpRoute *route, guint64 max_bytes)
{
  g_return_if_fail (route != NULL);
  route->max_body = max_bytes;
}

/**
 * el_http_route_set_body_stream:
 * @route: a route with %EL_HTTP_ROUTE_STREAMING
 * @begin: (nullable): runs when the request head is accepted, before the body; answering refuses it
 * @chunk: (nullable): runs for each piece of the body; answer and return %FALSE to stop
 */
void
el_http_route_set_body_stream (ElHttpRoute *route, ElHttpHandler begin, ElHttpChunkFunc chunk)
{
  g_return_if_fail (route != NULL && (route->flags & EL_HTTP_ROUTE_STREAMING));
  route->body_begin = begin;
  route->body_chunk = chunk;
}

/* How bearer tokens are checked on EL_HTTP_ROUTE_AUTH routes; without one, they all get 401. */
void
el_http_server_set_authenticator (ElHttpServer *self,
                                  ElHttpAuthFunc func,
                                  gpointer user_data,
                                  GDestroyNotify destroy)
{
  g_return_if_fail (EL_IS_HTTP_SERVER (self));

  if (self->auth_destroy != NULL)
    self->auth_destroy (self->auth_data);
  self->auth_func = func;
  self->auth_data = user_data;
  self->auth_destroy = destroy;
}

/* Hands the current authenticator (and the duty to destroy its data) to the caller. */
void
el_http_server_steal_authenticator (ElHttpServer *self,
                                    ElHttpAuthFunc *func,
                                    gpointer *user_data,
                                    GDestroyNotify *destroy)
{
  *func = g_steal_pointer (&self->auth_func);
  *user_data = g_steal_pointer (&self->auth_data);
  *destroy = g_steal_pointer (&self->auth_destroy);
}

/* RATE_LIMIT_ENABLED, RATE_LIMIT_MAX_REQUESTS, RATE_LIMIT_WINDOW_MS: per user, per IP before login. */
void
el_http_server_set_rate_limit (ElHttpServer *self, gboolean enabled, guint max_requests, guint window_ms)
{
  g_return_if_fail (EL_IS_HTTP_SERVER (self));
  g_return_if_fail (max_requests > 0 && window_ms >= 1000);

  self->rate_limit_enabled = enabled;
  self->rate_limit_max = max_requests;
  self->rate_limit_window_ms = window_ms;
  g_clear_pointer (&self->throttle, el_throttle_free);
  self->throttle =
      el_throttle_new_full (max_requests, window_ms, RATE_LIMIT_MAX_KEYS, EL_THROTTLE_FULL_ALLOW);
}

/* CORS_ORIGIN: the one origin allowed to call the API from a browser (%NULL: none). */
void
el_http_server_set_cors_origin (ElHttpServer *self, const char *origin)
{
  g_return_if_fail (EL_IS_HTTP_SERVER (self));

  g_free (self->cors_origin);
  self->cors_origin = g_strdup (origin);
}

/* How long a connection may stay silent while the server waits for a request head or body
 * bytes (0: forever). */
void
el_http_server_set_io_timeout (ElHttpServer *self, guint timeout_ms)
{
  g_return_if_fail (EL_IS_HTTP_SERVER (self));
  self->io_timeout_ms = timeout_ms;
}

ElMetrics *
el_http_server_get_metrics (ElHttpServer *self)
{
  g_return_val_if_fail (EL_IS_HTTP_SERVER (self), NULL);
  return self->metrics;
}

ElHealth *
el_http_server_get_health (ElHttpServer *self)
{
  g_return_val_if_fail (EL_IS_HTTP_SERVER (self), NULL);
  return self->health;
}

/**
 * el_http_server_listen:
 * @self: the server
 * @host: an IPv4 or IPv6 address literal (`127.0.0.1`, `::1`, `0.0.0.0`)
 * @port: the port, 0 for any free one (el_http_server_get_port() tells which)
 * @error: %EL_HTTP_ERROR_LISTEN
 */
gboolean
el_http_server_listen (ElHttpServer *self, const char *host, guint port, GError **error)
{
  g_autoptr (GSocket) listener = NULL;
  g_autoptr (GInetAddress) address = NULL;
  g_autoptr (GSocketAddress) socket_address = NULL;
  g_autoptr (GError) local_error = NULL;
  GSList *listeners;

  g_return_val_if_fail (EL_IS_HTTP_SERVER (self), FALSE);

  address = g_inet_address_new_from_string (host);
  if (address == NULL || port > 65535)
    {
      g_set_error (error, EL_HTTP_ERROR, EL_HTTP_ERROR_LISTEN, "the host must be an IPv4 or IPv6 address");
      return FALSE;
    }
  socket_address = g_inet_socket_address_new (address, (guint16) port);
  /* Our own socket for the listen backlog: GSocket's default of 10 pending connections drops the
   * SYNs of clients that connect at the same moment (each then waits a second to try again), and
   * every request is a new connection on a libsoup without safe keep-alive. */
  listener = g_socket_new (g_socket_address_get_family (socket_address), G_SOCKET_TYPE_STREAM,
                           G_SOCKET_PROTOCOL_DEFAULT, &local_error);
  if (listener != NULL)
    {
      g_socket_set_listen_backlog (listener, EL_HTTP_LISTEN_BACKLOG);
      if (!g_socket_bind (listener, socket_address, TRUE, &local_error) ||
          !g_socket_listen (listener, &local_error))
        g_clear_object (&listener);
    }
  if (listener == NULL || !soup_server_listen_socket (self->soup, listener, 0, &local_error))
    {
      g_set_error (error, EL_HTTP_ERROR, EL_HTTP_ERROR_LISTEN, "cannot listen on %s port %u: %s", host, port,
                   local_error->message);
      return FALSE;
    }

  listeners = soup_server_get_listeners (self->soup);
  for (GSList *l = listeners; l != NULL; l = l->next)
    {
      g_autoptr (GSocketAddress) local = g_socket_get_local_address (l->data, NULL);

      if (local != NULL && G_IS_INET_SOCKET_ADDRESS (local))
        self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
    }
  g_slist_free (listeners);
  return TRUE;
}

guint
el_http_server_get_port (ElHttpServer *self)
{
  g_return_val_if_fail (EL_IS_HTTP_SERVER (self), 0);
  return self->port;
}

/* Until ready, only the system routes answer (health says `degraded`); the rest gets 503. */
void
el_http_server_set_ready (ElHttpServer *self, gboolean ready)
{
  g_return_if_fail (EL_IS_HTTP_SERVER (self));
  self->ready = ready;
}

gboolean
el_http_server_is_serving (ElHttpServer *self)
{
  g_return_val_if_fail (EL_IS_HTTP_SERVER (self), FALSE);
  return self->ready && !self->draining;
}

gboolean
el_http_server_is_draining (ElHttpServer *self)
{
  g_return_val_if_fail (EL_IS_HTTP_SERVER (self), FALSE);
  return self->draining;
}

guint
el_http_server_get_n_in_flight (ElHttpServer *self)
{
  g_return_val_if_fail (EL_IS_HTTP_SERVER (self), 0);
  return self->n_in_flight;
}

static gboolean
emit_drained_cb (gpointer user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_DRAINED], 0);
  return G_SOURCE_REMOVE;
}

static void
maybe_drained (ElHttpServer *self)
{
  if (!self->draining || self->n_in_flight > 0 || self->n_lingering > 0 || self->drained_emitted)
    return;
  self->drained_emitted = TRUE;
  g_idle_add_full (G_PRIORITY_DEFAULT, emit_drained_cb, g_object_ref (self), g_object_unref);
}

/**
 * el_http_server_drain:
 * @self: the server
 *
 * Stops accepting connections (the listening sockets are shut down, so new connections are
 * refused), lets the requests in flight finish, and answers later requests on open connections
 * 503 with `Connection: close`. ::drained follows when nothing is in flight.
 */
void
el_http_server_drain (ElHttpServer *self)
{
  GSList *listeners;
  GString *line;

  g_return_if_fail (EL_IS_HTTP_SERVER (self));

  if (self->draining)
    return;
  self->draining = TRUE;

  listeners = soup_server_get_listeners (self->soup);
  for (GSList *l = listeners; l != NULL; l = l->next)
    g_socket_shutdown (l->data, TRUE, FALSE, NULL);
  g_slist_free (listeners);

  line = el_log_line_new (EL_LOG_INFO, "draining");
  if (line != NULL)
    {
      el_log_line_add_int (line, "in_flight", self->n_in_flight);
      el_log_line_write (line);
    }
  maybe_drained (self);
}

/* Runs in reverse order of registration by el_http_server_run_shutdown_hooks(). */
void
el_http_server_add_shutdown_hook (ElHttpServer *self,
                                  ElHttpShutdownFunc func,
                                  gpointer user_data,
                                  GDestroyNotify destroy)
{
  ShutdownHook *hook;

  g_return_if_fail (EL_IS_HTTP_SERVER (self) && func != NULL);

  hook = g_new0 (ShutdownHook, 1);
  hook->func = func;
  hook->user_data = user_data;
  hook->destroy = destroy;
  g_ptr_array_add (self->shutdown_hooks, hook);
}

void
el_http_server_run_shutdown_hooks (ElHttpServer *self)
{
  g_return_if_fail (EL_IS_HTTP_SERVER (self));

  while (self->shutdown_hooks->len > 0)
    {
      ShutdownHook *hook = g_ptr_array_steal_index (self->shutdown_hooks, self->shutdown_hooks->len - 1);

      hook->func (hook->user_data);
      shutdown_hook_free (hook);
    }
}
