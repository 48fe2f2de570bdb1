/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ElApiClient: the request machinery (attempts, deadlines, retries, circuit breaker) and the
 * session (login, single-flight refresh, logout). The typed endpoint calls are in el-api-calls.c.
 * See el-api-client.h for the behaviour; the comments here explain how.
 *
 * A call is a GTask whose task data is a Call. Each attempt builds a SoupMessage, a GCancellable of
 * its own (cancelled by the deadline's timeout source or by the caller's cancellable, watched with
 * a cancellable source on the client's main context) and sends it with
 * soup_session_send_and_read_async(). Between attempts a timeout source waits the backoff. A call
 * that needs a refresh parks in `refresh_waiters` until the one refresh in flight ends.
 */
#include "config.h"

#include <openssl/crypto.h>
#include <string.h>

#include "el-api-private.h"
#include "el-model-error.h"

#define SESSION_TIMEOUT_S 30
#define MAX_TOKEN_BYTES   4096

struct _ElApiClient
{
  GObject parent_instance;

  char *base_url;
  GUri *base_uri;
  ElApiTokenStore *token_store;
  SoupSession *session;
  GMainContext *context;
  GCancellable *cancellable; /* cancelled at dispose: refreshes, probes, store calls */

  guint max_attempts;
  guint backoff_base_ms;
  guint backoff_cap_ms;
  guint request_timeout_s;
  guint upload_timeout_s;
  int refresh_margin_s;
  guint circuit_threshold;

  /* session */
  char *access_token;
  char *refresh_token;
  char *account;
  ElUser *user;
  gint64 expires_at_us; /* monotonic */
  gint64 lifetime_us;   /* expires_in of the current access token */
  guint64 generation;   /* bumped by every new access token */
  guint64 epoch;        /* bumped by every sign-in and sign-out */
  gboolean refreshing;
  GPtrArray *refresh_waiters; /* GTask: calls (with a Call) and el_api_client_refresh_async() tasks */
  guint refresh_count;

  /* circuit breaker */
  gboolean online;
  gboolean circuit_open;
  guint consecutive_failures;
  guint probe_attempt;
  GSource *probe_source;
  gboolean probing;
};

G_DEFINE_FINAL_TYPE (ElApiClient, el_api_client, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_BASE_URL,
  PROP_TOKEN_STORE,
  PROP_ONLINE,
  PROP_SIGNED_IN,
  PROP_USER,
  PROP_REFRESH_COUNT,
  PROP_MAX_ATTEMPTS,
  PROP_BACKOFF_BASE_MS,
  PROP_BACKOFF_CAP_MS,
  PROP_REQUEST_TIMEOUT,
  PROP_UPLOAD_TIMEOUT,
  PROP_REFRESH_MARGIN,
  PROP_CIRCUIT_THRESHOLD,
  PROP_PROXY_RESOLVER,
  N_PROPS
};

enum
{
  SIGNAL_RETRYING,
  SIGNAL_SESSION_ENDED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct
{
  char *method;
  char *route;
  char *path;
  ElApiCallFlags flags;
  GBytes *body;
  char *content_type;
  char *idempotency_key;
  char *if_match;
  ElApiOpenStreamFunc open_stream;
  gpointer open_data;
  GDestroyNotify open_data_destroy;
  gint64 size;
  char *content_digest;
  gboolean upload;
  gboolean system;
  char *accept;
  gint64 max_body;
  gboolean too_large; /* the answer's Content-Length is over max_body: the attempt was stopped */

  guint attempt;         /* attempts sent (each try of the network) */
  guint retries;         /* waits scheduled (backoff) */
  gboolean auth_retried; /* the one resend after a 401 */
  gboolean refreshed;    /* this call already waited for a refresh: no proactive refresh again */
  guint64 generation;    /* of the access token the current attempt sent */
  gboolean finished;
  gboolean timed_out;
  gboolean waiting_refresh;
  GCancellable *attempt_cancellable;
  GSource *deadline_source;
  GSource *wait_source;
  GSource *cancel_source;
} Call;

static void call_next_attempt (GTask *task);
static void session_refresh (ElApiClient *self, GTask *waiter);
static void circuit_schedule_probe (ElApiClient *self);

/* ------------------------------------------------------------------------------------------------
 * Small helpers
 */

typedef struct
{
  char *data;
  gsize len;
} Secret;

static void
secret_free (gpointer user_data)
{
  Secret *secret = user_data;

  OPENSSL_cleanse (secret->data, secret->len);
  g_free (secret->data);
  g_free (secret);
}

/* A GBytes that takes @data (g_malloc'd) and wipes it when freed. */
GBytes *
el_api_bytes_new_secret (char *data, gsize len)
{
  Secret *secret = g_new (Secret, 1);

  secret->data = data;
  secret->len = len;
  return g_bytes_new_with_free_func (data, len, secret_free, secret);
}

/* Appends @value as a JSON string literal. */
void
el_api_json_append_string (GString *out, const char *value)
{
  g_string_append_c (out, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) c);
        }
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

static void
wipe_string (char **str)
{
  if (*str == NULL)
    return;
  OPENSSL_cleanse (*str, strlen (*str));
  g_clear_pointer (str, g_free);
}

/* Frees a body that held secrets: wiped first when this was the last reference. */
static void
bytes_unref_wiped (GBytes *bytes)
{
  gsize len = 0;
  char *data;

  if (bytes == NULL)
    return;
  data = g_bytes_unref_to_data (bytes, &len);
  if (data != NULL)
    OPENSSL_cleanse (data, len);
  g_free (data);
}

static GSource *
attach_timeout (ElApiClient *self, guint ms, GSourceFunc func, gpointer data, GDestroyNotify destroy)
{
  GSource *source = g_timeout_source_new (ms);

  g_source_set_callback (source, func, data, destroy);
  g_source_attach (source, self->context);
  return source;
}

static void
clear_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

/* Full jitter: a random delay in [0, min(cap, base * 2^n)]. */
static guint
backoff_delay (ElApiClient *self, guint n)
{
  guint64 ceiling = self->backoff_base_ms;

  for (guint i = 0; i < n && ceiling < self->backoff_cap_ms; i++)
    ceiling *= 2;
  ceiling = MIN (ceiling, (guint64) self->backoff_cap_ms);
  if (ceiling == 0)
    return 0;
  return (guint) g_random_int_range (0, (gint32) MIN (ceiling + 1, (guint64) G_MAXINT32));
}

/* ------------------------------------------------------------------------------------------------
 * Calls
 */

static void
call_free (Call *call)
{
  g_free (call->method);
  g_free (call->route);
  g_free (call->path);
  bytes_unref_wiped (call->body);
  g_free (call->content_type);
  g_free (call->idempotency_key);
  g_free (call->if_match);
  if (call->open_data_destroy != NULL)
    call->open_data_destroy (call->open_data);
  g_free (call->content_digest);
  g_free (call->accept);
  g_clear_object (&call->attempt_cancellable);
  clear_source (&call->deadline_source);
  clear_source (&call->wait_source);
  clear_source (&call->cancel_source);
  g_free (call);
}

static void
call_end (Call *call)
{
  call->finished = TRUE;
  clear_source (&call->deadline_source);
  clear_source (&call->wait_source);
  clear_source (&call->cancel_source);
}

static void
call_fail (GTask *task, GError *error)
{
  Call *call = g_task_get_task_data (task);

  if (call->finished)
    {
      g_error_free (error);
      return;
    }
  call_end (call);
  g_task_return_error (task, error);
}

static void
call_succeed (GTask *task, ElApiResponse *response)
{
  Call *call = g_task_get_task_data (task);

  if (call->finished)
    {
      el_api_response_unref (response);
      return;
    }
  call_end (call);
  g_task_return_pointer (task, response, (GDestroyNotify) el_api_response_unref);
}

static gboolean
call_may_retry (Call *call)
{
  if (call->flags & EL_API_CALL_NO_RETRY)
    return FALSE;
  if (g_str_equal (call->method, "GET") || g_str_equal (call->method, "HEAD") ||
      g_str_equal (call->method, "PUT") || g_str_equal (call->method, "DELETE"))
    return TRUE;
  return call->idempotency_key != NULL;
}

static gboolean
call_cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  GTask *task = user_data;
  Call *call = g_task_get_task_data (task);

  if (call->finished)
    return G_SOURCE_REMOVE;
  if (call->attempt_cancellable != NULL)
    {
      /* the attempt's callback ends the call */
      g_cancellable_cancel (call->attempt_cancellable);
      return G_SOURCE_REMOVE;
    }
  /* waiting: for a retry or for the refresh */
  call_fail (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "the operation was cancelled"));
  return G_SOURCE_REMOVE;
}

static gboolean
call_wait_done_cb (gpointer user_data)
{
  GTask *task = user_data;
  Call *call = g_task_get_task_data (task);

  g_clear_pointer (&call->wait_source, g_source_unref);
  if (!call->finished)
    call_next_attempt (task);
  return G_SOURCE_REMOVE;
}

static void
call_schedule_retry (GTask *task, guint delay_ms, GError *reason)
{
  ElApiClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);

  call->retries++;
  g_signal_emit (self, signals[SIGNAL_RETRYING], 0, call->method, call->route, call->attempt + 1, delay_ms,
                 reason);
  g_error_free (reason);
  if (call->finished) /* a handler cancelled it */
    return;
  call->wait_source = attach_timeout (self, delay_ms, call_wait_done_cb, g_object_ref (task), g_object_unref);
}

/* Maps an error answer to EL_API_ERROR. */
static GError *
call_status_error (Call *call, guint status, ElApiProblem *problem)
{
  const char *code = el_api_problem_get_code (problem);
  const char *title = el_api_problem_get_title (problem);
  ElApiError error_code;
  GError *error = NULL;

  switch (status)
    {
      case 400:
      case 415:
        error_code = EL_API_ERROR_BAD_REQUEST;
        break;
      case 401:
        if (g_strcmp0 (code, "invalid_credentials") == 0)
          error_code = EL_API_ERROR_INVALID_CREDENTIALS;
        else if (g_strcmp0 (code, "token_expired") == 0)
          error_code = EL_API_ERROR_TOKEN_EXPIRED;
        else
          error_code = EL_API_ERROR_UNAUTHORIZED;
        break;
      case 403:
        error_code = g_strcmp0 (code, "invalid_credentials") == 0 ? EL_API_ERROR_INVALID_CREDENTIALS
                                                                  : EL_API_ERROR_FORBIDDEN;
        break;
      case 404:
        error_code = EL_API_ERROR_NOT_FOUND;
        break;
      case 408:
        error_code = EL_API_ERROR_TIMEOUT;
        break;
      case 409:
        error_code = EL_API_ERROR_CONFLICT;
        break;
      case 412:
        error_code = EL_API_ERROR_PRECONDITION_FAILED;
        break;
      case 413:
        error_code = EL_API_ERROR_PAYLOAD_TOO_LARGE;
        break;
      case 422:
        error_code = EL_API_ERROR_UNPROCESSABLE;
        break;
      case 423:
        error_code = EL_API_ERROR_LOCKED;
        break;
      case 428:
        error_code = EL_API_ERROR_PRECONDITION_REQUIRED;
        break;
      case 429:
        error_code = EL_API_ERROR_RATE_LIMITED;
        break;
      default:
        if (status >= 500 && status <= 599)
          error_code = EL_API_ERROR_SERVER;
        else if (status >= 400 && status <= 499)
          error_code = EL_API_ERROR_BAD_REQUEST;
        else
          error_code = EL_API_ERROR_INVALID_RESPONSE;
        break;
    }
  el_api_set_error (&error, error_code, problem, "%s %s: HTTP %u%s%s%s%s%s", call->method, call->route,
                    status, code != NULL ? " " : "", code != NULL ? code : "", title != NULL ? " (" : "",
                    title != NULL ? title : "", title != NULL ? ")" : "");
  return error;
}

/* ------------------------------------------------------------------------------------------------
 * Circuit breaker
 */

static void
set_online (ElApiClient *self, gboolean online)
{
  if (self->online == online)
    return;
  self->online = online;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);
}

static void
circuit_close (ElApiClient *self)
{
  self->consecutive_failures = 0;
  self->probe_attempt = 0;
  clear_source (&self->probe_source);
  if (self->circuit_open)
    {
      self->circuit_open = FALSE;
      set_online (self, TRUE);
    }
}

static void
circuit_record_failure (ElApiClient *self)
{
  self->consecutive_failures++;
  if (!self->circuit_open && self->consecutive_failures >= self->circuit_threshold)
    {
      g_debug ("the circuit opens after %u network failures", self->consecutive_failures);
      self->circuit_open = TRUE;
      self->probe_attempt = 0;
      set_online (self, FALSE);
      circuit_schedule_probe (self);
    }
}

static void
probe_sent_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElApiClient *self = EL_API_CLIENT (source);
  g_autoptr (ElApiResponse) response = NULL;
  g_autoptr (GError) error = NULL;

  response = el_api_client_send_finish (self, result, el_api_client_probe_async, &error);
  self->probing = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (response != NULL && el_api_response_get_status (response) == SOUP_STATUS_OK)
    circuit_close (self);
  else if (self->circuit_open)
    {
      self->probe_attempt++;
      circuit_schedule_probe (self);
    }
}

static const ElApiCallSpec health_spec = {
  .method = "GET",
  .route = "/api/health",
  .path = "/api/health",
  .flags = EL_API_CALL_NO_RETRY,
  .system = TRUE,
  .size = -1,
};

static void
circuit_probe_now (ElApiClient *self)
{
  clear_source (&self->probe_source);
  if (self->probing)
    return;
  self->probing = TRUE;
  el_api_client_send_async (self, &health_spec, self->cancellable, el_api_client_probe_async, probe_sent_cb,
                            NULL);
}

static gboolean
probe_timer_cb (gpointer user_data)
{
  ElApiClient *self = user_data;

  g_clear_pointer (&self->probe_source, g_source_unref);
  circuit_probe_now (self);
  return G_SOURCE_REMOVE;
}

static void
circuit_schedule_probe (ElApiClient *self)
{
  guint delay = backoff_delay (self, self->probe_attempt);

  clear_source (&self->probe_source);
  /* at least 100 ms between probes of a dead server */
  self->probe_source = attach_timeout (self, MAX (delay, 100), probe_timer_cb, self, NULL);
}

/* ------------------------------------------------------------------------------------------------
 * Attempts
 */

static gboolean
deadline_cb (gpointer user_data)
{
  GTask *task = user_data;
  Call *call = g_task_get_task_data (task);

  g_clear_pointer (&call->deadline_source, g_source_unref);
  call->timed_out = TRUE;
  if (call->attempt_cancellable != NULL)
    g_cancellable_cancel (call->attempt_cancellable);
  return G_SOURCE_REMOVE;
}

static char *
quote_etag (const char *etag)
{
  if (etag[0] == '"' || g_str_has_prefix (etag, "W/"))
    return g_strdup (etag);
  return g_strdup_printf ("\"%s\"", etag);
}

static void call_sent_cb (GObject *source, GAsyncResult *result, gpointer user_data);

/* A download's head: a body over the call's limit is not read at all. */
static void
call_got_headers_cb (SoupMessage *msg, gpointer user_data)
{
  GTask *task = user_data;
  Call *call = g_task_get_task_data (task);
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  guint status = soup_message_get_status (msg);

  if (call->max_body <= 0 || status < 200 || status >= 300 ||
      soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    return;
  if (soup_message_headers_get_content_length (headers) > call->max_body)
    {
      call->too_large = TRUE;
      g_cancellable_cancel (call->attempt_cancellable);
    }
}

static void
call_send (GTask *task)
{
  ElApiClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autoptr (GUri) uri = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GError) error = NULL;
  SoupMessageHeaders *headers;
  guint timeout_s = call->upload || call->max_body > 0 ? self->upload_timeout_s : self->request_timeout_s;

  uri = g_uri_parse_relative (self->base_uri, call->path, G_URI_FLAGS_ENCODED, &error);
  if (uri == NULL)
    {
      call_fail (task, g_error_new (EL_API_ERROR, EL_API_ERROR_INVALID_ARGUMENT,
                                    "%s %s: the path is not valid", call->method, call->route));
      return;
    }
  msg = soup_message_new_from_uri (call->method, uri);
  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (
      headers, "Accept", call->accept != NULL ? call->accept : "application/json, application/problem+json");
  if (call->max_body > 0)
    g_signal_connect_object (msg, "got-headers", G_CALLBACK (call_got_headers_cb), task, 0);
  if (call->flags & EL_API_CALL_AUTH)
    {
      g_autofree char *value = NULL;

      if (self->access_token == NULL)
        {
          call_fail (task, g_error_new (EL_API_ERROR, EL_API_ERROR_UNAUTHORIZED, "%s %s: not signed in",
                                        call->method, call->route));
          return;
        }
      value = g_strconcat ("Bearer ", self->access_token, NULL);
      soup_message_headers_replace (headers, "Authorization", value);
      OPENSSL_cleanse (value, strlen (value));
      call->generation = self->generation;
    }
  if (call->idempotency_key != NULL)
    soup_message_headers_replace (headers, "Idempotency-Key", call->idempotency_key);
  if (call->if_match != NULL)
    {
      g_autofree char *quoted = quote_etag (call->if_match);

      soup_message_headers_replace (headers, "If-Match", quoted);
    }
  if (call->content_digest != NULL)
    soup_message_headers_replace (headers, "Content-Digest", call->content_digest);

  if (call->open_stream != NULL)
    {
      g_autoptr (GInputStream) stream =
          call->open_stream (call->open_data, g_task_get_cancellable (task), &error);

      if (stream == NULL)
        {
          if (error == NULL)
            g_set_error (&error, EL_API_ERROR, EL_API_ERROR_INVALID_ARGUMENT,
                         "%s %s: the body cannot be read", call->method, call->route);
          call_fail (task, g_steal_pointer (&error));
          return;
        }
      soup_message_set_request_body (msg, call->content_type, stream, call->size);
    }
  else if (call->body != NULL)
    soup_message_set_request_body_from_bytes (
        msg, call->content_type != NULL ? call->content_type : "application/json", call->body);

  call->attempt++;
  call->timed_out = FALSE;
  call->too_large = FALSE;
  g_clear_object (&call->attempt_cancellable);
  call->attempt_cancellable = g_cancellable_new ();
  clear_source (&call->deadline_source);
  call->deadline_source = attach_timeout (self, timeout_s * 1000, deadline_cb, task, NULL);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, call->attempt_cancellable,
                                    call_sent_cb, g_object_ref (task));
}

static gboolean
token_needs_refresh (ElApiClient *self)
{
  gint64 margin_us = (gint64) self->refresh_margin_s * G_USEC_PER_SEC;
  gint64 now = g_get_monotonic_time ();

  if (self->access_token == NULL)
    return self->refresh_token != NULL;
  /* never more than half the token's life early: a short-lived token is not refreshed at once */
  if (margin_us > self->lifetime_us / 2)
    margin_us = self->lifetime_us / 2;
  return now >= self->expires_at_us - margin_us;
}

static void
call_next_attempt (GTask *task)
{
  ElApiClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);

  if (call->finished)
    return;
  if (self->circuit_open && !call->system)
    {
      call_fail (task, g_error_new (EL_API_ERROR, EL_API_ERROR_CIRCUIT_OPEN,
                                    "%s %s: offline (the circuit is open)", call->method, call->route));
      return;
    }
  if ((call->flags & EL_API_CALL_AUTH) && !call->refreshed && self->refresh_token != NULL &&
      (self->refreshing || token_needs_refresh (self)))
    {
      call->refreshed = TRUE;
      session_refresh (self, task);
      return;
    }
  call_send (task);
}

static gboolean
is_retry_status (guint status)
{
  return status == 408 || status == 429 || status == 502 || status == 503 || status == 504;
}

/* A body shorter than the answer's Content-Length: the connection ended inside the body. libsoup
 * 3.2 may return such a body without an error (seen when the FIN is already there when the body is
 * read). Not checked when the body was content-decoded (its length is not the Content-Length's), nor
 * for answers that have no body. Sets *received and *expected. */
static gboolean
body_is_short (Call *call, SoupMessage *msg, GBytes *body, gsize *received, goffset *expected)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  const char *coding = soup_message_headers_get_one (headers, "Content-Encoding");
  guint status = soup_message_get_status (msg);

  *received = g_bytes_get_size (body);
  *expected = -1;
  if (g_str_equal (call->method, "HEAD") || status < 200 || status == 204 || status == 304)
    return FALSE;
  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    return FALSE;
  if (coding != NULL && g_ascii_strcasecmp (coding, "identity") != 0)
    return FALSE;
  *expected = soup_message_headers_get_content_length (headers);
  return *expected >= 0 && (guint64) *received < (guint64) *expected;
}

/* A network failure of one attempt (@reason: EL_API_ERROR_NETWORK or _TIMEOUT): counted by the
 * breaker, retried when the call allows it, else the call's error. */
static void
call_network_failure (GTask *task, GError *reason)
{
  ElApiClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);

  if (!call->system)
    circuit_record_failure (self);
  if (call_may_retry (call) && call->attempt < self->max_attempts && !self->circuit_open)
    call_schedule_retry (task, backoff_delay (self, call->retries), reason);
  else
    call_fail (task, reason);
}

static void
call_sent_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ElApiClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_autoptr (ElApiProblem) problem = NULL;
  g_autoptr (GDateTime) now = NULL;
  SoupMessageHeaders *headers;
  const char *content_type;
  guint status;
  gint64 retry_after;

  clear_source (&call->deadline_source);
  g_clear_object (&call->attempt_cancellable);
  if (call->finished)
    return;

  if ((body == NULL && call->too_large) ||
      (body != NULL && call->max_body > 0 && (gint64) g_bytes_get_size (body) > call->max_body))
    {
      /* not the network's fault: no retry, not counted by the breaker */
      call_fail (task, g_error_new (EL_API_ERROR, EL_API_ERROR_INVALID_RESPONSE,
                                    "%s %s: the answer is larger than %" G_GINT64_FORMAT " bytes",
                                    call->method, call->route, call->max_body));
      return;
    }
  if (body == NULL)
    {
      GError *reason;

      if (g_cancellable_is_cancelled (g_task_get_cancellable (task)) ||
          g_cancellable_is_cancelled (self->cancellable))
        {
          call_fail (task,
                     g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "the operation was cancelled"));
          return;
        }
      if (call->timed_out)
        reason = g_error_new (EL_API_ERROR, EL_API_ERROR_TIMEOUT, "%s %s: no answer within the deadline",
                              call->method, call->route);
      else
        reason = g_error_new (EL_API_ERROR, EL_API_ERROR_NETWORK, "%s %s: network error: %s", call->method,
                              call->route, error->message);
      call_network_failure (task, reason);
      return;
    }
  {
    gsize received;
    goffset expected;

    if (body_is_short (call, msg, body, &received, &expected))
      {
        call_network_failure (task,
                              g_error_new (EL_API_ERROR, EL_API_ERROR_NETWORK,
                                           "%s %s: network error: the answer ended after %" G_GSIZE_FORMAT
                                           " of its %" G_GOFFSET_FORMAT " bytes",
                                           call->method, call->route, received, expected));
        return;
      }
  }

  /* the server answered */
  if (!call->system)
    self->consecutive_failures = 0;
  status = soup_message_get_status (msg);
  headers = soup_message_get_response_headers (msg);
  content_type = soup_message_headers_get_content_type (headers, NULL);

  if ((status >= 200 && status < 300) || status == 304)
    {
      g_autoptr (JsonNode) json = NULL;

      if (content_type != NULL && g_str_equal (content_type, "application/json") &&
          g_bytes_get_size (body) > 0)
        {
          g_autoptr (GError) parse_error = NULL;

          json = el_api_parse_json (body, &parse_error);
          if (json == NULL)
            {
              call_fail (task, g_error_new (EL_API_ERROR, EL_API_ERROR_INVALID_RESPONSE, "%s %s: HTTP %u: %s",
                                            call->method, call->route, status, parse_error->message));
              return;
            }
        }
      call_succeed (task, el_api_response_new (status, headers, body, json, call->attempt));
      return;
    }

  now = g_date_time_new_now_utc ();
  retry_after = el_api_parse_retry_after (soup_message_headers_get_one (headers, "Retry-After"), now);
  problem = el_api_problem_new (status, content_type, body, retry_after);

  if (status == 401 && (call->flags & EL_API_CALL_AUTH) && !call->auth_retried &&
      self->refresh_token != NULL &&
      g_strcmp0 (el_api_problem_get_code (problem), "invalid_credentials") != 0)
    {
      call->auth_retried = TRUE;
      call->attempt--; /* the resend is not a retry */
      if (call->generation != self->generation && self->access_token != NULL)
        call_send (task); /* another call refreshed meanwhile */
      else
        {
          call->refreshed = TRUE;
          session_refresh (self, task);
        }
      return;
    }

  if (is_retry_status (status) && call_may_retry (call) && call->attempt < self->max_attempts)
    {
      if (retry_after > (gint64) self->backoff_cap_ms)
        {
          /* the server asks for more than we wait inside one call: give it back to the caller */
          call_fail (task, call_status_error (call, status, problem));
          return;
        }
      call_schedule_retry (task, retry_after >= 0 ? (guint) retry_after : backoff_delay (self, call->retries),
                           call_status_error (call, status, problem));
      return;
    }
  call_fail (task, call_status_error (call, status, problem));
}

/**
 * el_api_client_send_async:
 * @self: the client
 * @spec: the request (copied)
 * @cancellable: (nullable): the caller's cancellable
 * @source_tag: the public function, checked by el_api_client_send_finish()
 * @callback: called on the client's context
 * @user_data: for @callback
 *
 * Sends one logical request (see the header for attempts, retries and refresh).
 */
void
el_api_client_send_async (ElApiClient *self,
                          const ElApiCallSpec *spec,
                          GCancellable *cancellable,
                          gpointer source_tag,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  Call *call;

  g_return_if_fail (EL_IS_API_CLIENT (self));
  g_return_if_fail (spec != NULL && spec->method != NULL && spec->route != NULL && spec->path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  call = g_new0 (Call, 1);
  call->method = g_strdup (spec->method);
  call->route = g_strdup (spec->route);
  call->path = g_strdup (spec->path);
  call->flags = spec->flags;
  call->body = spec->body != NULL ? g_bytes_ref (spec->body) : NULL;
  call->content_type = g_strdup (spec->content_type);
  call->idempotency_key = g_strdup (spec->idempotency_key);
  call->if_match = g_strdup (spec->if_match);
  call->open_stream = spec->open_stream;
  call->open_data = spec->open_data;
  call->open_data_destroy = spec->open_data_destroy;
  call->size = spec->size;
  call->content_digest = g_strdup (spec->content_digest);
  call->upload = spec->open_stream != NULL;
  call->system = spec->system;
  call->accept = g_strdup (spec->accept);
  call->max_body = spec->max_body;
  g_task_set_task_data (task, call, (GDestroyNotify) call_free);

  if (cancellable != NULL)
    {
      if (g_cancellable_is_cancelled (cancellable))
        {
          call_fail (task,
                     g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "the operation was cancelled"));
          return;
        }
      call->cancel_source = g_cancellable_source_new (cancellable);
      /* the source's callback must not keep the task alive: call_end() destroys the source */
      g_source_set_callback (call->cancel_source, G_SOURCE_FUNC (call_cancelled_cb), task, NULL);
      g_source_attach (call->cancel_source, self->context);
    }
  call_next_attempt (task);
}

ElApiResponse *
el_api_client_send_finish (ElApiClient *self, GAsyncResult *result, gpointer source_tag, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------------------
 * Session
 */

static void
session_clear (ElApiClient *self)
{
  gboolean was_signed_in = self->access_token != NULL || self->refresh_token != NULL;
  gboolean had_user = self->user != NULL;

  wipe_string (&self->access_token);
  wipe_string (&self->refresh_token);
  g_clear_pointer (&self->account, g_free);
  g_clear_object (&self->user);
  self->expires_at_us = 0;
  self->lifetime_us = 0;
  self->generation++;
  self->epoch++;
  if (was_signed_in)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
  if (had_user)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER]);
}

static void
store_cleared_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!el_api_token_store_clear_refresh_token_finish (EL_API_TOKEN_STORE (source), result, &error))
    g_debug ("the token store could not clear a refresh token: %s", error->message);
}

/* Ends the session without logout (refused refresh, failed save): clears the store's copy. */
static void
session_end (ElApiClient *self, const GError *reason)
{
  if (self->token_store != NULL && self->account != NULL)
    el_api_token_store_clear_refresh_token_async (self->token_store, self->account, NULL, store_cleared_cb,
                                                  NULL);
  session_clear (self);
  g_signal_emit (self, signals[SIGNAL_SESSION_ENDED], 0, reason);
}

typedef struct
{
  char *access_token;
  char *refresh_token;
  gint64 expires_in;
  ElUser *user;
} Tokens;

static void
tokens_free (Tokens *tokens)
{
  wipe_string (&tokens->access_token);
  wipe_string (&tokens->refresh_token);
  g_clear_object (&tokens->user);
  g_free (tokens);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Tokens, tokens_free)

static char *
token_member (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);
  const char *value;
  gsize len;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  value = json_node_get_string (node);
  len = strlen (value);
  if (len == 0 || len > MAX_TOKEN_BYTES)
    return NULL;
  for (gsize i = 0; i < len; i++)
    if ((guchar) value[i] < 0x21 || (guchar) value[i] > 0x7e)
      return NULL;
  return g_strdup (value);
}

/* Decodes a TokenResponse; wipes the answer's bytes. */
static Tokens *
tokens_from_response (ElApiResponse *response, const char *route, GError **error)
{
  g_autoptr (Tokens) tokens = g_new0 (Tokens, 1);
  g_autoptr (GError) user_error = NULL;
  JsonNode *root = el_api_response_get_json (response);
  JsonObject *object;
  JsonNode *node;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    goto invalid;
  object = json_node_get_object (root);
  tokens->access_token = token_member (object, "access_token");
  tokens->refresh_token = token_member (object, "refresh_token");
  node = json_object_get_member (object, "expires_in");
  if (tokens->access_token == NULL || tokens->refresh_token == NULL || node == NULL ||
      !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < 1 ||
      g_strcmp0 (json_object_get_string_member_with_default (object, "token_type", NULL), "Bearer") != 0)
    goto invalid;
  tokens->expires_in = MIN (json_node_get_int (node), (gint64) 10 * 366 * 86400);
  node = json_object_get_member (object, "user");
  tokens->user = node != NULL ? el_user_new_from_json (node, &user_error) : NULL;
  if (tokens->user == NULL)
    {
      g_set_error (error, EL_API_ERROR, EL_API_ERROR_INVALID_RESPONSE, "POST %s: the user is not valid: %s",
                   route, user_error != NULL ? user_error->message : "missing");
      return NULL;
    }
  return g_steal_pointer (&tokens);

invalid:
  g_set_error (error, EL_API_ERROR, EL_API_ERROR_INVALID_RESPONSE,
               "POST %s: the answer is not a TokenResponse", route);
  return NULL;
}

/* Installs tokens saved by the store (takes them). */
static void
session_install (ElApiClient *self, Tokens *tokens, const char *account)
{
  gboolean was_signed_in = self->access_token != NULL;

  wipe_string (&self->access_token);
  wipe_string (&self->refresh_token);
  self->access_token = g_steal_pointer (&tokens->access_token);
  self->refresh_token = g_steal_pointer (&tokens->refresh_token);
  self->lifetime_us = tokens->expires_in * G_USEC_PER_SEC;
  self->expires_at_us = g_get_monotonic_time () + self->lifetime_us;
  self->generation++;
  if (account != NULL && g_strcmp0 (account, self->account) != 0)
    {
      g_free (self->account);
      self->account = g_strdup (account);
    }
  g_set_object (&self->user, tokens->user);
  if (!was_signed_in)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER]);
}

/* Saving tokens: one flow for login, resume and refresh. */
typedef struct
{
  ElApiClient *self;
  Tokens *tokens;
  char *account;
  guint64 epoch;
  GError *error; /* why the session is being ended (refresh) */
} Saving;

static void
saving_free (Saving *saving)
{
  g_clear_pointer (&saving->tokens, tokens_free);
  g_free (saving->account);
  g_clear_error (&saving->error);
  g_object_unref (saving->self);
  g_free (saving);
}

/* Completes a refresh for every waiter: @error NULL = success. */
static void
refresh_complete (ElApiClient *self, const GError *error)
{
  g_autoptr (GPtrArray) waiters = g_steal_pointer (&self->refresh_waiters);

  self->refresh_waiters = g_ptr_array_new_with_free_func (g_object_unref);
  self->refreshing = FALSE;
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (g_task_get_source_tag (task) == el_api_client_refresh_async)
        {
          if (error == NULL)
            g_task_return_boolean (task, TRUE);
          else
            g_task_return_error (task, g_error_copy (error));
          continue;
        }
      {
        Call *call = g_task_get_task_data (task);

        call->waiting_refresh = FALSE;
        if (call->finished)
          continue;
        if (error == NULL)
          call_next_attempt (task);
        else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && self->access_token != NULL &&
                 g_get_monotonic_time () < self->expires_at_us && !call->auth_retried)
          call_send (task); /* a proactive refresh failed, the token still works */
        else
          call_fail (task, g_error_copy (error));
      }
    }
}

static void
refresh_saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Saving *saving = user_data;
  ElApiClient *self = saving->self;
  g_autoptr (GError) error = NULL;

  if (!el_api_token_store_save_refresh_token_finish (EL_API_TOKEN_STORE (source), result, &error))
    {
      g_prefix_error (&error, "the new refresh token could not be saved: ");
      if (saving->epoch == self->epoch)
        session_end (self, error);
      refresh_complete (self, error);
    }
  else if (saving->epoch != self->epoch)
    {
      g_autoptr (GError) gone = g_error_new (EL_API_ERROR, EL_API_ERROR_UNAUTHORIZED,
                                             "POST /api/v1/auth/refresh: signed out meanwhile");
      refresh_complete (self, gone);
    }
  else
    {
      session_install (self, saving->tokens, saving->account);
      refresh_complete (self, NULL);
    }
  saving_free (saving);
}

static void
refresh_sent_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElApiClient *self = EL_API_CLIENT (source);
  guint64 epoch = GPOINTER_TO_SIZE (user_data);
  g_autoptr (ElApiResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (Tokens) tokens = NULL;
  Saving *saving;

  response = el_api_client_send_finish (self, result, session_refresh, &error);
  if (response != NULL)
    tokens = tokens_from_response (response, "/api/v1/auth/refresh", &error);
  if (tokens == NULL)
    {
      if (epoch == self->epoch && (g_error_matches (error, EL_API_ERROR, EL_API_ERROR_UNAUTHORIZED) ||
                                   g_error_matches (error, EL_API_ERROR, EL_API_ERROR_TOKEN_EXPIRED) ||
                                   g_error_matches (error, EL_API_ERROR, EL_API_ERROR_INVALID_CREDENTIALS)))
        session_end (self, error);
      refresh_complete (self, error);
      return;
    }
  if (epoch != self->epoch)
    {
      g_autoptr (GError) gone = g_error_new (EL_API_ERROR, EL_API_ERROR_UNAUTHORIZED,
                                             "POST /api/v1/auth/refresh: signed out meanwhile");
      refresh_complete (self, gone);
      return;
    }
  if (self->token_store == NULL)
    {
      session_install (self, tokens, NULL);
      refresh_complete (self, NULL);
      return;
    }
  saving = g_new0 (Saving, 1);
  saving->self = g_object_ref (self);
  saving->account = g_strdup (self->account);
  saving->epoch = epoch;
  saving->tokens = g_steal_pointer (&tokens);
  el_api_token_store_save_refresh_token_async (self->token_store, saving->account,
                                               saving->tokens->refresh_token, self->cancellable,
                                               refresh_saved_cb, saving);
}

/* Builds {"name":"value"} as a wiped-on-free body. */
static GBytes *
secret_body (const char *name1, const char *value1, const char *name2, const char *value2)
{
  gsize capacity = 64 + 6 * (strlen (value1) + (value2 != NULL ? strlen (value2) : 0));
  GString *out = g_string_sized_new (capacity); /* never grows: no stray copies */
  gsize len;

  g_string_append_c (out, '{');
  el_api_json_append_string (out, name1);
  g_string_append_c (out, ':');
  el_api_json_append_string (out, value1);
  if (name2 != NULL)
    {
      g_string_append_c (out, ',');
      el_api_json_append_string (out, name2);
      g_string_append_c (out, ':');
      el_api_json_append_string (out, value2);
    }
  g_string_append_c (out, '}');
  len = out->len;
  return el_api_bytes_new_secret (g_string_free (out, FALSE), len);
}

/* Starts the refresh, or joins the one in flight. @waiter: a call, or a refresh task. */
static void
session_refresh (ElApiClient *self, GTask *waiter)
{
  g_autoptr (GBytes) body = NULL;
  ElApiCallSpec spec = {
    .method = "POST",
    .route = "/api/v1/auth/refresh",
    .path = "/api/v1/auth/refresh",
    .flags = EL_API_CALL_NO_RETRY,
    .size = -1,
  };

  if (g_task_get_source_tag (waiter) != el_api_client_refresh_async)
    ((Call *) g_task_get_task_data (waiter))->waiting_refresh = TRUE;
  g_ptr_array_add (self->refresh_waiters, g_object_ref (waiter));
  if (self->refreshing)
    return;
  if (self->refresh_token == NULL)
    {
      g_autoptr (GError) error =
          g_error_new (EL_API_ERROR, EL_API_ERROR_UNAUTHORIZED, "POST /api/v1/auth/refresh: not signed in");

      refresh_complete (self, error);
      return;
    }
  self->refreshing = TRUE;
  self->refresh_count++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFRESH_COUNT]);
  body = secret_body ("refresh_token", self->refresh_token, NULL, NULL);
  spec.body = body;
  el_api_client_send_async (self, &spec, self->cancellable, session_refresh, refresh_sent_cb,
                            GSIZE_TO_POINTER ((gsize) self->epoch));
}

void
el_api_client_refresh_async (ElApiClient *self,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (EL_IS_API_CLIENT (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_api_client_refresh_async);
  session_refresh (self, task);
}

gboolean
el_api_client_refresh_finish (ElApiClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == el_api_client_refresh_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Login and resume ------------------------------------------------------------------------------- */

typedef struct
{
  char *account;
  Tokens *tokens;
  guint64 epoch;
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_free (sign_in->account);
  g_clear_pointer (&sign_in->tokens, tokens_free);
  g_free (sign_in);
}

static void
sign_in_complete (GTask *task)
{
  ElApiClient *self = g_task_get_source_object (task);
  SignIn *sign_in = g_task_get_task_data (task);
  ElUser *user = g_object_ref (sign_in->tokens->user);

  session_clear (self);
  session_install (self, sign_in->tokens, sign_in->account);
  g_task_return_pointer (task, user, g_object_unref);
}

static void
sign_in_saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!el_api_token_store_save_refresh_token_finish (EL_API_TOKEN_STORE (source), result, &error))
    {
      g_prefix_error (&error, "the refresh token could not be saved: ");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  sign_in_complete (task);
}

/* The TokenResponse arrived: save the refresh token, then install the session. */
static void
sign_in_answered (GTask *task, ElApiResponse *response, GError *error, const char *route)
{
  ElApiClient *self = g_task_get_source_object (task);
  SignIn *sign_in = g_task_get_task_data (task);

  if (response != NULL)
    sign_in->tokens = tokens_from_response (response, route, &error);
  if (sign_in->tokens == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (self->token_store == NULL)
    {
      sign_in_complete (task);
      return;
    }
  el_api_token_store_save_refresh_token_async (self->token_store, sign_in->account,
                                               sign_in->tokens->refresh_token, g_task_get_cancellable (task),
                                               sign_in_saved_cb, g_object_ref (task));
}

static void
login_sent_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  g_autoptr (ElApiResponse) response =
      el_api_client_send_finish (EL_API_CLIENT (source), result, el_api_client_login_async, &error);

  sign_in_answered (task, response, error, "/api/v1/auth/login");
}

void
el_api_client_login_async (ElApiClient *self,
                           const char *email,
                           const char *password,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GBytes) body = NULL;
  SignIn *sign_in;
  ElApiCallSpec spec = {
    .method = "POST",
    .route = "/api/v1/auth/login",
    .path = "/api/v1/auth/login",
    .flags = EL_API_CALL_NO_RETRY,
    .size = -1,
  };

  g_return_if_fail (EL_IS_API_CLIENT (self));
  g_return_if_fail (email != NULL && password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_api_client_login_async);
  sign_in = g_new0 (SignIn, 1);
  sign_in->account = g_utf8_strdown (email, -1);
  g_task_set_task_data (task, sign_in, (GDestroyNotify) sign_in_free);
  if (!g_utf8_validate (email, -1, NULL) || !g_utf8_validate (password, -1, NULL))
    {
      g_task_return_new_error (task, EL_API_ERROR, EL_API_ERROR_INVALID_ARGUMENT,
                               "POST /api/v1/auth/login: the email and password must be UTF-8");
      return;
    }
  body = secret_body ("email", email, "password", password);
  spec.body = body;
  el_api_client_send_async (self, &spec, cancellable, el_api_client_login_async, login_sent_cb,
                            g_object_ref (task));
}

ElUser *
el_api_client_login_finish (ElApiClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == el_api_client_login_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
resume_sent_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ElApiClient *self = EL_API_CLIENT (source);
  SignIn *sign_in = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (ElApiResponse) response =
      el_api_client_send_finish (self, result, el_api_client_resume_async, &error);

  if (response == NULL && self->token_store != NULL &&
      (g_error_matches (error, EL_API_ERROR, EL_API_ERROR_UNAUTHORIZED) ||
       g_error_matches (error, EL_API_ERROR, EL_API_ERROR_TOKEN_EXPIRED)))
    el_api_token_store_clear_refresh_token_async (self->token_store, sign_in->account, NULL, store_cleared_cb,
                                                  NULL);
  sign_in_answered (task, response, error, "/api/v1/auth/refresh");
}

static void
resume_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ElApiClient *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *token =
      el_api_token_store_load_refresh_token_finish (EL_API_TOKEN_STORE (source), result, &error);
  g_autoptr (GBytes) body = NULL;
  ElApiCallSpec spec = {
    .method = "POST",
    .route = "/api/v1/auth/refresh",
    .path = "/api/v1/auth/refresh",
    .flags = EL_API_CALL_NO_RETRY,
    .size = -1,
  };

  if (token == NULL)
    {
      if (error == NULL)
        error = g_error_new_literal (EL_API_ERROR, EL_API_ERROR_UNAUTHORIZED,
                                     "no stored session for this account");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  body = secret_body ("refresh_token", token, NULL, NULL);
  wipe_string (&token);
  spec.body = body;
  self->refresh_count++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFRESH_COUNT]);
  el_api_client_send_async (self, &spec, g_task_get_cancellable (task), el_api_client_resume_async,
                            resume_sent_cb, g_object_ref (task));
}

void
el_api_client_resume_async (ElApiClient *self,
                            const char *account,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  SignIn *sign_in;

  g_return_if_fail (EL_IS_API_CLIENT (self));
  g_return_if_fail (account != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_api_client_resume_async);
  sign_in = g_new0 (SignIn, 1);
  sign_in->account = g_utf8_strdown (account, -1);
  g_task_set_task_data (task, sign_in, (GDestroyNotify) sign_in_free);
  if (self->token_store == NULL)
    {
      g_task_return_new_error (task, EL_API_ERROR, EL_API_ERROR_UNAUTHORIZED,
                               "no token store: nothing to resume");
      return;
    }
  el_api_token_store_load_refresh_token_async (self->token_store, sign_in->account, cancellable,
                                               resume_loaded_cb, g_object_ref (task));
}

ElUser *
el_api_client_resume_finish (ElApiClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == el_api_client_resume_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Logout ------------------------------------------------------------------------------------------ */

typedef struct
{
  char *account;
  GError *error; /* the server's */
} Logout;

static void
logout_free (Logout *logout)
{
  g_free (logout->account);
  g_clear_error (&logout->error);
  g_free (logout);
}

static void
logout_cleared_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Logout *logout = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!el_api_token_store_clear_refresh_token_finish (EL_API_TOKEN_STORE (source), result, &error))
    g_debug ("logout: the token store could not clear the refresh token: %s", error->message);
  if (logout->error != NULL)
    g_task_return_error (task, g_steal_pointer (&logout->error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
logout_sent_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ElApiClient *self = EL_API_CLIENT (source);
  Logout *logout = g_task_get_task_data (task);
  g_autoptr (ElApiResponse) response = NULL;

  if (result != NULL)
    response = el_api_client_send_finish (self, result, el_api_client_logout_async, &logout->error);
  if (self->token_store != NULL && logout->account != NULL)
    {
      el_api_token_store_clear_refresh_token_async (self->token_store, logout->account, NULL,
                                                    logout_cleared_cb, g_object_ref (task));
      return;
    }
  if (logout->error != NULL)
    g_task_return_error (task, g_steal_pointer (&logout->error));
  else
    g_task_return_boolean (task, TRUE);
}

void
el_api_client_logout_async (ElApiClient *self,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GBytes) body = NULL;
  Logout *logout;
  ElApiCallSpec spec = {
    .method = "POST",
    .route = "/api/v1/auth/logout",
    .path = "/api/v1/auth/logout",
    .flags = EL_API_CALL_NO_RETRY,
    .size = -1,
  };

  g_return_if_fail (EL_IS_API_CLIENT (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_api_client_logout_async);
  logout = g_new0 (Logout, 1);
  logout->account = g_strdup (self->account);
  g_task_set_task_data (task, logout, (GDestroyNotify) logout_free);

  if (self->refresh_token != NULL)
    body = secret_body ("refresh_token", self->refresh_token, NULL, NULL);
  /* the local session ends now: nothing may use these tokens any more */
  session_clear (self);
  if (body == NULL)
    {
      logout_sent_cb (G_OBJECT (self), NULL, g_steal_pointer (&task));
      return;
    }
  spec.body = body;
  el_api_client_send_async (self, &spec, cancellable, el_api_client_logout_async, logout_sent_cb,
                            g_steal_pointer (&task));
}

gboolean
el_api_client_logout_finish (ElApiClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == el_api_client_logout_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------------------
 * Health and probe
 */

static void
health_sent_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ElApiClient *self = EL_API_CLIENT (source);
  GError *error = NULL;
  g_autoptr (ElApiResponse) response =
      el_api_client_send_finish (self, result, el_api_client_health_async, &error);
  JsonNode *json;

  if (response == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (self->circuit_open && el_api_response_get_status (response) == SOUP_STATUS_OK)
    circuit_close (self);
  json = el_api_response_get_json (response);
  if (json == NULL || !JSON_NODE_HOLDS_OBJECT (json) ||
      g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (json), "status", NULL),
                 "healthy") != 0)
    {
      g_task_return_new_error (task, EL_API_ERROR, EL_API_ERROR_INVALID_RESPONSE,
                               "GET /api/health: HTTP %u without a healthy Health document",
                               el_api_response_get_status (response));
      return;
    }
  g_task_return_pointer (task, json_node_ref (json), (GDestroyNotify) json_node_unref);
}

void
el_api_client_health_async (ElApiClient *self,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  GTask *task;

  g_return_if_fail (EL_IS_API_CLIENT (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_api_client_health_async);
  el_api_client_send_async (self, &health_spec, cancellable, el_api_client_health_async, health_sent_cb,
                            task);
}

JsonNode *
el_api_client_health_finish (ElApiClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == el_api_client_health_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
probe_call_sent_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ElApiClient *self = EL_API_CLIENT (source);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElApiResponse) response =
      el_api_client_send_finish (self, result, el_api_client_probe_async, &error);

  if (response != NULL && el_api_response_get_status (response) == SOUP_STATUS_OK)
    circuit_close (self);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, self->online);
}

void
el_api_client_probe_async (ElApiClient *self,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  GTask *task;

  g_return_if_fail (EL_IS_API_CLIENT (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_api_client_probe_async);
  el_api_client_send_async (self, &health_spec, cancellable, el_api_client_probe_async, probe_call_sent_cb,
                            task);
}

gboolean
el_api_client_probe_finish (ElApiClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == el_api_client_probe_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------------------
 * Generic call
 */

static void
call_sent_public_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  ElApiResponse *response =
      el_api_client_send_finish (EL_API_CLIENT (source), result, el_api_client_call_async, &error);

  if (response == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, response, (GDestroyNotify) el_api_response_unref);
}

void
el_api_client_call_async (ElApiClient *self,
                          const char *method,
                          const char *route,
                          const char *path,
                          ElApiCallFlags flags,
                          JsonNode *body,
                          const char *content_type,
                          const char *idempotency_key,
                          const char *if_match,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_autoptr (GBytes) bytes = NULL;
  GTask *task;
  ElApiCallSpec spec = {
    .method = method,
    .route = route,
    .path = path,
    .flags = flags,
    .content_type = content_type,
    .idempotency_key = idempotency_key,
    .if_match = if_match,
    .size = -1,
  };

  g_return_if_fail (EL_IS_API_CLIENT (self));
  g_return_if_fail (method != NULL && route != NULL && path != NULL);
  if (body != NULL)
    {
      char *data = json_to_string (body, FALSE);

      bytes = el_api_bytes_new_secret (data, strlen (data));
      spec.body = bytes;
    }
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_api_client_call_async);
  el_api_client_send_async (self, &spec, cancellable, el_api_client_call_async, call_sent_public_cb, task);
}

ElApiResponse *
el_api_client_call_finish (ElApiClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == el_api_client_call_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------------------
 * GObject
 */

static void
el_api_client_dispose (GObject *object)
{
  ElApiClient *self = EL_API_CLIENT (object);

  g_cancellable_cancel (self->cancellable);
  clear_source (&self->probe_source);
  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->token_store);
  G_OBJECT_CLASS (el_api_client_parent_class)->dispose (object);
}

static void
el_api_client_finalize (GObject *object)
{
  ElApiClient *self = EL_API_CLIENT (object);

  wipe_string (&self->access_token);
  wipe_string (&self->refresh_token);
  g_free (self->account);
  g_clear_object (&self->user);
  g_ptr_array_unref (self->refresh_waiters);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->base_uri, g_uri_unref);
  g_free (self->base_url);
  G_OBJECT_CLASS (el_api_client_parent_class)->finalize (object);
}

static void
el_api_client_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElApiClient *self = EL_API_CLIENT (object);

  switch (prop_id)
    {
      case PROP_BASE_URL:
        g_value_set_string (value, self->base_url);
        break;
      case PROP_TOKEN_STORE:
        g_value_set_object (value, self->token_store);
        break;
      case PROP_ONLINE:
        g_value_set_boolean (value, self->online);
        break;
      case PROP_SIGNED_IN:
        g_value_set_boolean (value, el_api_client_get_signed_in (self));
        break;
      case PROP_USER:
        g_value_set_object (value, self->user);
        break;
      case PROP_REFRESH_COUNT:
        g_value_set_uint (value, self->refresh_count);
        break;
      case PROP_MAX_ATTEMPTS:
        g_value_set_uint (value, self->max_attempts);
        break;
      case PROP_BACKOFF_BASE_MS:
        g_value_set_uint (value, self->backoff_base_ms);
        break;
      case PROP_BACKOFF_CAP_MS:
        g_value_set_uint (value, self->backoff_cap_ms);
        break;
      case PROP_REQUEST_TIMEOUT:
        g_value_set_uint (value, self->request_timeout_s);
        break;
      case PROP_UPLOAD_TIMEOUT:
        g_value_set_uint (value, self->upload_timeout_s);
        break;
      case PROP_REFRESH_MARGIN:
        g_value_set_int (value, self->refresh_margin_s);
        break;
      case PROP_CIRCUIT_THRESHOLD:
        g_value_set_uint (value, self->circuit_threshold);
        break;
      case PROP_PROXY_RESOLVER:
        g_value_set_object (value,
                            self->session != NULL ? soup_session_get_proxy_resolver (self->session) : NULL);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
set_uint (ElApiClient *self, guint *field, const GValue *value, guint prop_id)
{
  guint v = g_value_get_uint (value);

  if (*field == v)
    return;
  *field = v;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
el_api_client_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElApiClient *self = EL_API_CLIENT (object);

  switch (prop_id)
    {
      case PROP_BASE_URL:
        {
          g_autofree char *url = g_value_dup_string (value);

          /* validated in el_api_client_new(); drop trailing slashes */
          while (url != NULL && g_str_has_suffix (url, "/"))
            url[strlen (url) - 1] = '\0';
          self->base_url = g_steal_pointer (&url);
          break;
        }
      case PROP_TOKEN_STORE:
        self->token_store = g_value_dup_object (value);
        break;
      case PROP_MAX_ATTEMPTS:
        set_uint (self, &self->max_attempts, value, prop_id);
        break;
      case PROP_BACKOFF_BASE_MS:
        set_uint (self, &self->backoff_base_ms, value, prop_id);
        break;
      case PROP_BACKOFF_CAP_MS:
        set_uint (self, &self->backoff_cap_ms, value, prop_id);
        break;
      case PROP_REQUEST_TIMEOUT:
        set_uint (self, &self->request_timeout_s, value, prop_id);
        break;
      case PROP_UPLOAD_TIMEOUT:
        set_uint (self, &self->upload_timeout_s, value, prop_id);
        break;
      case PROP_REFRESH_MARGIN:
        if (self->refresh_margin_s != g_value_get_int (value))
          {
            self->refresh_margin_s = g_value_get_int (value);
            g_object_notify_by_pspec (object, pspec);
          }
        break;
      case PROP_CIRCUIT_THRESHOLD:
        set_uint (self, &self->circuit_threshold, value, prop_id);
        break;
      case PROP_PROXY_RESOLVER:
        el_api_client_set_proxy_resolver (self, g_value_get_object (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_api_client_constructed (GObject *object)
{
  ElApiClient *self = EL_API_CLIENT (object);
  g_autofree char *user_agent = g_strdup_printf ("%s/%s", EL_API_USER_AGENT_PRODUCT, PACKAGE_VERSION);
  g_autofree char *base = g_strconcat (self->base_url != NULL ? self->base_url : "", "/", NULL);

  G_OBJECT_CLASS (el_api_client_parent_class)->constructed (object);
  self->base_uri = g_uri_parse (base, G_URI_FLAGS_ENCODED, NULL);
  self->session =
      soup_session_new_with_options ("timeout", SESSION_TIMEOUT_S, "idle-timeout", 60, "user-agent",
                                     user_agent, "max-conns", 32, "max-conns-per-host", 8, NULL);
}

static void
el_api_client_class_init (ElApiClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = el_api_client_dispose;
  object_class->finalize = el_api_client_finalize;
  object_class->get_property = el_api_client_get_property;
  object_class->set_property = el_api_client_set_property;
  object_class->constructed = el_api_client_constructed;

  properties[PROP_BASE_URL] = g_param_spec_string (
      "base-url", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOKEN_STORE] =
      g_param_spec_object ("token-store", NULL, NULL, EL_TYPE_API_TOKEN_STORE,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ONLINE] = g_param_spec_boolean ("online", NULL, NULL, TRUE, ro);
  properties[PROP_SIGNED_IN] = g_param_spec_boolean ("signed-in", NULL, NULL, FALSE, ro);
  properties[PROP_USER] = g_param_spec_object ("user", NULL, NULL, EL_TYPE_USER, ro);
  properties[PROP_REFRESH_COUNT] = g_param_spec_uint ("refresh-count", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_MAX_ATTEMPTS] =
      g_param_spec_uint ("max-attempts", NULL, NULL, 1, 100, 4, rw | G_PARAM_CONSTRUCT);
  properties[PROP_BACKOFF_BASE_MS] =
      g_param_spec_uint ("backoff-base-ms", NULL, NULL, 0, 3600000, 500, rw | G_PARAM_CONSTRUCT);
  properties[PROP_BACKOFF_CAP_MS] =
      g_param_spec_uint ("backoff-cap-ms", NULL, NULL, 0, 3600000, 60000, rw | G_PARAM_CONSTRUCT);
  properties[PROP_REQUEST_TIMEOUT] =
      g_param_spec_uint ("request-timeout", NULL, NULL, 1, 3600, 60, rw | G_PARAM_CONSTRUCT);
  properties[PROP_UPLOAD_TIMEOUT] =
      g_param_spec_uint ("upload-timeout", NULL, NULL, 1, 86400, 900, rw | G_PARAM_CONSTRUCT);
  properties[PROP_REFRESH_MARGIN] =
      g_param_spec_int ("refresh-margin", NULL, NULL, -3600, 86400, 300, rw | G_PARAM_CONSTRUCT);
  properties[PROP_CIRCUIT_THRESHOLD] =
      g_param_spec_uint ("circuit-threshold", NULL, NULL, 1, 1000, 5, rw | G_PARAM_CONSTRUCT);
  properties[PROP_PROXY_RESOLVER] =
      g_param_spec_object ("proxy-resolver", NULL, NULL, G_TYPE_PROXY_RESOLVER, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_RETRYING] =
      g_signal_new ("retrying", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 5, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_ERROR);
  signals[SIGNAL_SESSION_ENDED] = g_signal_new ("session-ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
el_api_client_init (ElApiClient *self)
{
  self->online = TRUE;
  self->context = g_main_context_ref_thread_default ();
  self->cancellable = g_cancellable_new ();
  self->refresh_waiters = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * el_api_client_new:
 * @base_url: "http://host:port" or "https://host[:port][/prefix]"
 * @token_store: (nullable): where refresh tokens are kept
 * @error: %EL_API_ERROR_INVALID_ARGUMENT for a URL that is not http(s) with a host
 *
 * Returns: (transfer full) (nullable): the client
 */
ElApiClient *
el_api_client_new (const char *base_url, ElApiTokenStore *token_store, GError **error)
{
  g_autoptr (GUri) uri = NULL;
  const char *scheme;

  g_return_val_if_fail (token_store == NULL || EL_IS_API_TOKEN_STORE (token_store), NULL);
  if (base_url != NULL)
    uri = g_uri_parse (base_url, G_URI_FLAGS_ENCODED, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (uri == NULL || scheme == NULL ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0) ||
      g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0' || g_uri_get_query (uri) != NULL ||
      g_uri_get_fragment (uri) != NULL || g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error_literal (
          error, EL_API_ERROR, EL_API_ERROR_INVALID_ARGUMENT,
          "the server URL must be http:// or https:// with a host, and no query or credentials");
      return NULL;
    }
  return g_object_new (EL_TYPE_API_CLIENT, "base-url", base_url, "token-store", token_store, NULL);
}

const char *
el_api_client_get_base_url (ElApiClient *self)
{
  g_return_val_if_fail (EL_IS_API_CLIENT (self), NULL);
  return self->base_url;
}

gboolean
el_api_client_get_online (ElApiClient *self)
{
  g_return_val_if_fail (EL_IS_API_CLIENT (self), FALSE);
  return self->online;
}

gboolean
el_api_client_get_signed_in (ElApiClient *self)
{
  g_return_val_if_fail (EL_IS_API_CLIENT (self), FALSE);
  return self->access_token != NULL;
}

ElUser *
el_api_client_get_user (ElApiClient *self)
{
  g_return_val_if_fail (EL_IS_API_CLIENT (self), NULL);
  return self->user;
}

guint
el_api_client_get_refresh_count (ElApiClient *self)
{
  g_return_val_if_fail (EL_IS_API_CLIENT (self), 0);
  return self->refresh_count;
}

void
el_api_client_set_max_attempts (ElApiClient *self, guint max_attempts)
{
  g_return_if_fail (EL_IS_API_CLIENT (self));
  g_object_set (self, "max-attempts", CLAMP (max_attempts, 1, 100), NULL);
}

void
el_api_client_set_backoff (ElApiClient *self, guint base_ms, guint cap_ms)
{
  g_return_if_fail (EL_IS_API_CLIENT (self));
  g_object_set (self, "backoff-base-ms", MIN (base_ms, 3600000), "backoff-cap-ms", MIN (cap_ms, 3600000),
                NULL);
}

void
el_api_client_set_proxy_resolver (ElApiClient *self, GProxyResolver *resolver)
{
  g_return_if_fail (EL_IS_API_CLIENT (self));
  g_return_if_fail (resolver == NULL || G_IS_PROXY_RESOLVER (resolver));
  if (self->session == NULL)
    return;
  if (resolver == NULL)
    resolver = g_proxy_resolver_get_default ();
  if (soup_session_get_proxy_resolver (self->session) == resolver)
    return;
  soup_session_set_proxy_resolver (self->session, resolver);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROXY_RESOLVER]);
}
