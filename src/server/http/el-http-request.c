/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-http-private.h"

#include <string.h>

#include "el-model-types.h"

/* The models' strict parser (size, UTF-8, RFC 8259 syntax, depth) before json-glib sees a byte. */
#include "el-json-private.h"

static const char *const exposed_headers =
    "ETag, Location, Retry-After, RateLimit, RateLimit-Policy, RateLimit-Limit, RateLimit-Remaining, "
    "RateLimit-Reset, X-Request-Id";

static void
deferred_free (ElHttpDeferred *deferred)
{
  g_free (deferred->content_type);
  g_clear_pointer (&deferred->body, g_bytes_unref);
  g_clear_pointer (&deferred->headers, g_ptr_array_unref);
  g_free (deferred);
}

ElHttpRequest *
el_http_request_new (ElHttpServer *server, SoupServerMessage *msg)
{
  ElHttpRequest *self = g_new0 (ElHttpRequest, 1);

  self->ref_count = 1;
  self->server = server;
  self->msg = msg;
  self->id = g_uuid_string_random ();
  self->cancellable = g_cancellable_new ();
  return self;
}

ElHttpRequest *
el_http_request_ref (ElHttpRequest *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
el_http_request_unref (ElHttpRequest *self)
{
  if (self == NULL || !g_atomic_int_dec_and_test (&self->ref_count))
    return;

  g_assert (self->timeout == NULL);
  g_assert (self->msg_ref == NULL);
  if (self->data_destroy != NULL)
    self->data_destroy (self->data);
  g_clear_pointer (&self->params, g_hash_table_unref);
  g_clear_pointer (&self->query, g_hash_table_unref);
  g_clear_pointer (&self->body_buffer, g_byte_array_unref);
  g_clear_pointer (&self->body, g_bytes_unref);
  g_clear_pointer (&self->deferred, deferred_free);
  g_clear_object (&self->cancellable);
  g_free (self->user.id);
  g_free (self->user.unit_id);
  g_free (self->client_ip);
  g_free (self->origin);
  g_free (self->id);
  g_free (self);
}

/* A random UUID, made for this request and sent back as X-Request-Id. */
const char *
el_http_request_get_id (ElHttpRequest *self)
{
  return self->id;
}

/* The request method; HEAD on a GET route stays "HEAD". */
const char *
el_http_request_get_method (ElHttpRequest *self)
{
  return self->method;
}

/* The matched route's template, e.g. "/api/v1/handoffs/{handoff_id}", or %NULL. */
const char *
el_http_request_get_route (ElHttpRequest *self)
{
  return self->route != NULL ? el_http_template_get_pattern (self->route->template) : NULL;
}

/* A path parameter of the template, percent-decoded once, non-empty; %NULL if the template has none. */
const char *
el_http_request_get_param (ElHttpRequest *self, const char *name)
{
  return self->params != NULL ? g_hash_table_lookup (self->params, name) : NULL;
}

/* A query parameter, decoded (may be ""), or %NULL when absent. */
const char *
el_http_request_get_query (ElHttpRequest *self, const char *name)
{
  return self->query != NULL ? g_hash_table_lookup (self->query, name) : NULL;
}

/* Every query parameter: decoded name → decoded value (never %NULL once routed). */
GHashTable *
el_http_request_get_query_params (ElHttpRequest *self)
{
  return self->query;
}

const char *
el_http_request_get_header (ElHttpRequest *self, const char *name)
{
  /* the message belongs to the main thread: EL_HTTP_ROUTE_WORKER handlers read no header */
  g_return_val_if_fail (!self->offloaded, NULL);
  if (self->msg == NULL)
    return NULL;
  return soup_message_headers_get_one (soup_server_message_get_request_headers (self->msg), name);
}

/* The peer's IP address (no proxy header is trusted). */
const char *
el_http_request_get_client_ip (ElHttpRequest *self)
{
  return self->client_ip;
}

/* The authenticated user, or %NULL on routes without EL_HTTP_ROUTE_AUTH. */
const ElHttpUser *
el_http_request_get_user (ElHttpRequest *self)
{
  return self->has_user ? &self->user : NULL;
}

/* Cancelled when the request finishes, the client goes away or the server stops. */
GCancellable *
el_http_request_get_cancellable (ElHttpRequest *self)
{
  return self->cancellable;
}

/**
 * el_http_request_get_body:
 * @self: a request of a non-streaming route, in its handler
 *
 * Returns: (transfer none): the whole request body (empty when there was none)
 */
GBytes *
el_http_request_get_body (ElHttpRequest *self)
{
  if (self->body == NULL)
    {
      if (self->body_buffer != NULL)
        self->body = g_byte_array_free_to_bytes (g_steal_pointer (&self->body_buffer));
      else
        self->body = g_bytes_new (NULL, 0);
    }
  return self->body;
}

gboolean
el_http_request_has_json_content_type (ElHttpRequest *self)
{
  g_autoptr (GHashTable) params = NULL;
  const char *type;
  const char *charset;

  if (self->msg == NULL)
    return FALSE;
  type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (self->msg), &params);
  if (type == NULL || g_ascii_strcasecmp (type, "application/json") != 0)
    return FALSE;
  charset = params != NULL ? g_hash_table_lookup (params, "charset") : NULL;
  return charset == NULL || g_ascii_strcasecmp (charset, "utf-8") == 0;
}

/**
 * el_http_request_read_json:
 * @self: a request of a non-streaming route, in its handler
 *
 * Parses the body as strict JSON (RFC 8259, UTF-8, at most 1 MiB, depth 32). Answers 415
 * `unsupported_media_type` unless the Content-Type is `application/json` (charset utf-8 allowed),
 * and 400 `invalid_request` for an empty or malformed body.
 *
 * Returns: (transfer full) (nullable): the document, or %NULL when the problem is already sent
 */
JsonNode *
el_http_request_read_json (ElHttpRequest *self)
{
  GBytes *body;
  gsize len = 0;
  const char *data;
  g_autoptr (GError) error = NULL;
  JsonNode *node;

  if (!el_http_request_has_json_content_type (self))
    {
      el_http_request_respond_problem (self, EL_HTTP_PROBLEM_UNSUPPORTED_MEDIA_TYPE,
                                       "send the body as Content-Type: application/json");
      return NULL;
    }

  body = el_http_request_get_body (self);
  data = g_bytes_get_data (body, &len);
  if (len == 0)
    {
      el_http_request_respond_problem (self, EL_HTTP_PROBLEM_INVALID_REQUEST, "the request body is empty");
      return NULL;
    }

  node = el_json_parse_document (data, (gssize) len, &error);
  if (node == NULL)
    {
      g_autofree char *detail = g_strdup_printf ("malformed JSON body: %s", error->message);

      el_http_request_respond_problem (self, EL_HTTP_PROBLEM_INVALID_REQUEST, detail);
      return NULL;
    }
  return node;
}

/* Per-request data for the handler (a streaming upload's file, a digest context...); @destroy
 * runs when the request is freed. */
void
el_http_request_set_data (ElHttpRequest *self, gpointer data, GDestroyNotify destroy)
{
  if (self->data_destroy != NULL)
    self->data_destroy (self->data);
  self->data = data;
  self->data_destroy = destroy;
}

gpointer
el_http_request_get_data (ElHttpRequest *self)
{
  return self->data;
}

/* Streaming routes: stop reading the body until el_http_request_resume_body(), e.g. while a
 * chunk is being written out asynchronously. */
void
el_http_request_pause_body (ElHttpRequest *self)
{
  if (self->body_paused || self->finished || self->msg == NULL)
    return;
  self->body_paused = TRUE;
  soup_server_message_pause (self->msg);
}

void
el_http_request_resume_body (ElHttpRequest *self)
{
  if (!self->body_paused)
    return;
  self->body_paused = FALSE;
  if (!self->finished && self->msg != NULL)
    soup_server_message_unpause (self->msg);
}

/* Adds a response header (ETag, Location, ...) before one of the respond calls. */
void
el_http_request_set_header (ElHttpRequest *self, const char *name, const char *value)
{
  g_return_if_fail (name != NULL && value != NULL);

  if (self->offloaded)
    {
      g_ptr_array_add (self->deferred->headers, g_strdup (name));
      g_ptr_array_add (self->deferred->headers, g_strdup (value));
      return;
    }
  if (self->msg == NULL || self->finished)
    return;
  soup_message_headers_replace (soup_server_message_get_response_headers (self->msg), name, value);
}

gboolean
el_http_request_has_responded (ElHttpRequest *self)
{
  return self->offloaded ? self->deferred->has_response : self->responded;
}

static const char *const security_headers[][2] = {
  { "X-Content-Type-Options", "nosniff" },
  { "X-Frame-Options", "DENY" },
  { "Referrer-Policy", "strict-origin-when-cross-origin" },
  { "Permissions-Policy", "camera=(), microphone=(), geolocation=()" },
  { "Strict-Transport-Security", "max-age=63072000; includeSubDomains" },
  { "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'" },
  { "Server", EL_HTTP_SERVER_HEADER },
  { "Vary", "Origin" },
};

/* The Date header's text for now, formatted once per second. */
static void
http_date_now (char out[64])
{
  G_LOCK_DEFINE_STATIC (date);
  static gint64 second = -1;
  static char text[64];
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  G_LOCK (date);
  if (now != second)
    {
      g_autoptr (GDateTime) time = g_date_time_new_from_unix_utc (now);
      g_autofree char *formatted = time != NULL ? soup_date_time_to_string (time, SOUP_DATE_HTTP) : NULL;

      g_strlcpy (text, formatted != NULL ? formatted : "", sizeof text);
      second = now;
    }
  memcpy (out, text, sizeof text);
  G_UNLOCK (date);
}

/* The headers of every response; called when a request starts (so that even libsoup's own
 * answers to unparsable requests carry them) and again with the final status. */
void
el_http_request_apply_headers (ElHttpRequest *self)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (self->msg);
  guint status = soup_server_message_get_status (self->msg);
  gboolean cacheable = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (security_headers); i++)
    soup_message_headers_replace (headers, security_headers[i][0], security_headers[i][1]);
  soup_message_headers_replace (headers, "X-Request-Id", self->id);

  if (self->route != NULL && (self->route->flags & EL_HTTP_ROUTE_CACHEABLE) &&
      !(self->route->flags & EL_HTTP_ROUTE_PHI) && status != 0 && status < 400)
    cacheable = TRUE;
  soup_message_headers_replace (headers, "Cache-Control", cacheable ? "no-cache" : "no-store");

  if (self->cors_allowed)
    {
      soup_message_headers_replace (headers, "Access-Control-Allow-Origin", self->origin);
      soup_message_headers_replace (headers, "Access-Control-Expose-Headers", exposed_headers);
    }

  if (self->rate_limited_route)
    {
      guint reset_s = (guint) ((self->rl_reset_ms + 999) / 1000);
      char buf[128];

      g_snprintf (buf, sizeof buf, "%u;w=%u", self->rl_limit, self->rl_window_ms / 1000);
      soup_message_headers_replace (headers, "RateLimit-Policy", buf);
      g_snprintf (buf, sizeof buf, "limit=%u, remaining=%u, reset=%u", self->rl_limit, self->rl_remaining,
                  reset_s);
      soup_message_headers_replace (headers, "RateLimit", buf);
      g_snprintf (buf, sizeof buf, "%u", self->rl_limit);
      soup_message_headers_replace (headers, "RateLimit-Limit", buf);
      g_snprintf (buf, sizeof buf, "%u", self->rl_remaining);
      soup_message_headers_replace (headers, "RateLimit-Remaining", buf);
      g_snprintf (buf, sizeof buf, "%u", reset_s);
      soup_message_headers_replace (headers, "RateLimit-Reset", buf);
    }

  if (self->close_connection || (self->server != NULL && el_http_server_is_draining (self->server)))
    soup_message_headers_replace (headers, "Connection", "close");

  if (soup_message_headers_get_one (headers, "Date") == NULL)
    {
      char date[64];

      http_date_now (date);
      soup_message_headers_replace (headers, "Date", date);
    }
}

static void
respond (ElHttpRequest *self, guint status, const char *content_type, GBytes *body)
{
  SoupMessageHeaders *headers;
  SoupMessageBody *response_body;

  g_return_if_fail (status >= 200 && status <= 599);

  if (self->offloaded)
    {
      /* on a worker thread: kept for el_http_request_end_offload() on the main thread */
      g_return_if_fail (!self->deferred->has_response);
      self->deferred->has_response = TRUE;
      self->deferred->status = status;
      self->deferred->content_type = g_strdup (content_type);
      self->deferred->body = body != NULL ? g_bytes_ref (body) : NULL;
      return;
    }
  g_return_if_fail (!self->responded);

  self->responded = TRUE;
  if (self->finished || self->msg == NULL)
    return; /* the client went away */

  headers = soup_server_message_get_response_headers (self->msg);
  response_body = soup_server_message_get_response_body (self->msg);
  soup_server_message_set_status (self->msg, status, NULL);
  soup_message_body_truncate (response_body);
  /* libsoup writes Content-Length from the body; 204 and 304 have none (RFC 9110) */
  soup_message_headers_set_encoding (headers,
                                     status == SOUP_STATUS_NO_CONTENT || status == SOUP_STATUS_NOT_MODIFIED
                                         ? SOUP_ENCODING_NONE
                                         : SOUP_ENCODING_CONTENT_LENGTH);
  if (body != NULL && g_bytes_get_size (body) > 0)
    soup_message_body_append_bytes (response_body, body);
  if (content_type != NULL)
    soup_message_headers_replace (headers, "Content-Type", content_type);
  else
    soup_message_headers_remove (headers, "Content-Type");
  el_http_request_apply_headers (self);

  if (self->paused)
    {
      self->paused = FALSE;
      el_http_server_answered_late (self->server, self);
      soup_server_message_unpause (self->msg);
    }
}

/**
 * el_http_request_respond_json:
 * @self: the request
 * @status: the HTTP status
 * @node: the body, written with el_json_node_to_data() (clean numbers, members in order)
 */
void
el_http_request_respond_json (ElHttpRequest *self, guint status, JsonNode *node)
{
  gsize len = 0;
  char *data = el_json_node_to_data (node, &len);
  g_autoptr (GBytes) body = g_bytes_new_take (data, len);

  respond (self, status, "application/json", body);
}

void
el_http_request_respond_bytes (ElHttpRequest *self, guint status, const char *content_type, GBytes *body)
{
  g_return_if_fail (content_type != NULL || body == NULL || g_bytes_get_size (body) == 0);
  respond (self, status, content_type, body);
}

/* 204, 304, or any other status without a body. */
void
el_http_request_respond_empty (ElHttpRequest *self, guint status)
{
  respond (self, status, NULL, NULL);
}

/* A problem with @code's usual status (el_http_problem_code_get_status()). */
void
el_http_request_respond_problem (ElHttpRequest *self, ElHttpProblemCode code, const char *detail)
{
  el_http_request_respond_problem_full (self, el_http_problem_code_get_status (code), code, detail, NULL);
}

/**
 * el_http_request_respond_problem_full:
 * @self: the request
 * @status: the HTTP status (4xx or 5xx)
 * @code: the stable problem code
 * @detail: (nullable): for developers; no PHI, no value the client sent
 * @extra: (nullable): more members to copy into the problem (`errors`, `latest`)
 */
void
el_http_request_respond_problem_full (
    ElHttpRequest *self, guint status, ElHttpProblemCode code, const char *detail, JsonObject *extra)
{
  JsonObject *problem = el_http_problem_new (status, code, detail, self->id);
  g_autoptr (GBytes) body = NULL;

  g_return_if_fail (status >= 400 && status <= 599);

  if (extra != NULL)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, extra);
      while (json_object_iter_next (&iter, &name, &value))
        json_object_set_member (problem, name, json_node_copy (value));
    }
  body = el_http_problem_to_bytes (problem);
  json_object_unref (problem);
  respond (self, status, EL_HTTP_PROBLEM_CONTENT_TYPE, body);
}

/* Main thread, before the handler is handed to a worker thread: from now on, the answer and the
 * headers it sets are kept aside. */
void
el_http_request_begin_offload (ElHttpRequest *self)
{
  g_assert (!self->offloaded && self->deferred == NULL);
  self->deferred = g_new0 (ElHttpDeferred, 1);
  self->deferred->headers = g_ptr_array_new_with_free_func (g_free);
  self->offloaded = TRUE;
}

/* Main thread, once the worker's handler has returned: the answer it gave goes out (nothing is
 * sent when the client went away meanwhile). */
void
el_http_request_end_offload (ElHttpRequest *self)
{
  ElHttpDeferred *deferred = g_steal_pointer (&self->deferred);

  g_assert (self->offloaded && deferred != NULL);
  self->offloaded = FALSE;
  for (guint i = 0; i + 1 < deferred->headers->len; i += 2)
    el_http_request_set_header (self, g_ptr_array_index (deferred->headers, i),
                                g_ptr_array_index (deferred->headers, i + 1));
  if (deferred->has_response)
    respond (self, deferred->status, deferred->content_type, deferred->body);
  else if (!self->responded)
    el_http_request_respond_problem (self, EL_HTTP_PROBLEM_INTERNAL_ERROR, NULL);
  deferred_free (deferred);
}
