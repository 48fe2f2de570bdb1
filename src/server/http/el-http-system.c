/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-http-private.h"

#include "el-http-error.h"
#include "el-model-types.h"
#include "el-server-resources.h"

#include <libsoup/soup.h>
#include <string.h>

#define OPENAPI_RESOURCE "/ai/eclipselink/Server/openapi.json"

/* ------------------------------------------------------------------------------------------------
 * GET /api/health: for load balancers; no auth, no rate limit; answers while starting and
 * draining (503 `degraded` then).
 */

static void
health_cb (ElHttpRequest *req, gpointer user_data)
{
  ElHttpServer *server = user_data;
  gboolean healthy = FALSE;
  g_autoptr (JsonNode) doc =
      el_health_run (el_http_server_get_health (server), el_http_server_is_serving (server), &healthy);

  if (!healthy)
    el_http_request_set_header (req, "Retry-After", "5");
  el_http_request_respond_json (req, healthy ? SOUP_STATUS_OK : SOUP_STATUS_SERVICE_UNAVAILABLE, doc);
}

/* ------------------------------------------------------------------------------------------------
 * GET /api/docs: data/openapi.json byte for byte, from the GResource built into the binary.
 */

typedef struct
{
  GBytes *document;
  char *etag;
} Docs;

static void
docs_free (Docs *docs)
{
  g_bytes_unref (docs->document);
  g_free (docs->etag);
  g_free (docs);
}

/**
 * el_http_openapi_document:
 *
 * Returns: (transfer full): the OpenAPI document the server was built with
 */
GBytes *
el_http_openapi_document (void)
{
  g_autoptr (GError) error = NULL;
  GBytes *bytes = g_resource_lookup_data (el_server_get_resource (), OPENAPI_RESOURCE,
                                          G_RESOURCE_LOOKUP_FLAGS_NONE, &error);

  if (bytes == NULL)
    g_error ("the OpenAPI document is missing from the binary: %s", error->message);
  return bytes;
}

static gboolean
etag_matches (const char *if_none_match, const char *etag)
{
  g_auto (GStrv) tags = NULL;

  if (if_none_match == NULL)
    return FALSE;
  tags = g_strsplit (if_none_match, ",", -1);
  for (guint i = 0; tags[i] != NULL; i++)
    {
      const char *tag = g_strstrip (tags[i]);

      if (g_str_has_prefix (tag, "W/"))
        tag += 2;
      if (g_str_equal (tag, "*") || g_str_equal (tag, etag))
        return TRUE;
    }
  return FALSE;
}

static void
docs_cb (ElHttpRequest *req, gpointer user_data)
{
  Docs *docs = user_data;

  el_http_request_set_header (req, "ETag", docs->etag);
  if (etag_matches (el_http_request_get_header (req, "If-None-Match"), docs->etag))
    {
      el_http_request_respond_empty (req, SOUP_STATUS_NOT_MODIFIED);
      return;
    }
  el_http_request_respond_bytes (req, SOUP_STATUS_OK, "application/json", docs->document);
}

/* ------------------------------------------------------------------------------------------------
 * GET /api/metrics: Prometheus text format 0.0.4; no auth, no rate limit (expose it only to the
 * monitoring network).
 */

static void
metrics_cb (ElHttpRequest *req, gpointer user_data)
{
  ElHttpServer *server = user_data;
  gsize len = 0;
  char *text = el_metrics_render (el_http_server_get_metrics (server), &len);
  g_autoptr (GBytes) body = g_bytes_new_take (text, len);

  el_http_request_respond_bytes (req, SOUP_STATUS_OK, "text/plain; version=0.0.4; charset=utf-8", body);
}

/**
 * el_http_server_add_system_routes:
 * @self: the server
 *
 * Adds GET /api/health, /api/docs and /api/metrics.
 */
void
el_http_server_add_system_routes (ElHttpServer *self)
{
  Docs *docs = g_new0 (Docs, 1);
  g_autofree char *sum = NULL;

  docs->document = el_http_openapi_document ();
  sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, docs->document);
  docs->etag = g_strdup_printf ("\"%.32s\"", sum);

  el_http_server_add_route (self, "GET", "/api/health", EL_HTTP_ROUTE_SYSTEM | EL_HTTP_ROUTE_NO_RATE_LIMIT,
                            health_cb, self, NULL);
  el_http_server_add_route (self, "GET", "/api/docs", EL_HTTP_ROUTE_CACHEABLE, docs_cb, docs,
                            (GDestroyNotify) docs_free);
  el_http_server_add_route (self, "GET", "/api/metrics", EL_HTTP_ROUTE_SYSTEM | EL_HTTP_ROUTE_NO_RATE_LIMIT,
                            metrics_cb, self, NULL);
}

#ifdef EL_TEST_ROUTES

/* ------------------------------------------------------------------------------------------------
 * Test routes: compiled only with -Dtest_routes=true, registered only when the environment has
 * EL_TEST_ROUTES=1 (eclipselink-server serve). They exercise the framework from a real process:
 *
 *   GET  /api/_test/slow?ms=N   answers {"slept_ms":N} after N ms (default 1000, at most 20000)
 *   POST /api/_test/upload      streaming body (4 MiB limit), read with a pause after every
 *                               chunk; answers {"bytes":N,"chunks":M}
 *   POST /api/_test/echo        JSON body, echoed back
 *   GET  /api/_test/whoami      bearer auth; answers {"user_id":…,"role":…}
 *   GET  /api/_test/items/{item_id}   answers {"item_id":…} (the decoded path parameter)
 *   GET  /api/_test/worker?ms=N EL_HTTP_ROUTE_WORKER: sleeps N ms on the thread it runs on (default
 *                               0, at most 5000), sets X-Test-Header, answers {"on_worker":…,
 *                               "slept_ms":N}; ?fail=1 answers 400 invalid_request instead
 *
 * and a test authenticator in front of the real one: `Bearer test.<uuid>.<role>` is that user,
 * `Bearer test.expired` is expired, other `test.` tokens are invalid, and every other token goes to
 * the authenticator set before (the JWT one), or is invalid without one.
 */

static gboolean
slow_done_cb (gpointer user_data)
{
  ElHttpRequest *req = user_data;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "slept_ms");
  json_builder_add_int_value (builder, GPOINTER_TO_UINT (el_http_request_get_data (req)));
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  el_http_request_respond_json (req, SOUP_STATUS_OK, node);
  return G_SOURCE_REMOVE;
}

static void
slow_cb (ElHttpRequest *req, gpointer user_data)
{
  const char *ms_text = el_http_request_get_query (req, "ms");
  guint64 ms = 1000;

  if (ms_text != NULL && !g_ascii_string_to_unsigned (ms_text, 10, 0, 20000, &ms, NULL))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_INVALID_REQUEST, "ms must be 0..20000");
      return;
    }
  el_http_request_set_data (req, GUINT_TO_POINTER ((guint) ms), NULL);
  g_timeout_add_full (G_PRIORITY_DEFAULT, (guint) ms, slow_done_cb, el_http_request_ref (req),
                      (GDestroyNotify) el_http_request_unref);
}

typedef struct
{
  guint64 bytes;
  guint chunks;
} Upload;

static void
upload_begin_cb (ElHttpRequest *req, gpointer user_data)
{
  el_http_request_set_data (req, g_new0 (Upload, 1), g_free);
}

static gboolean
resume_cb (gpointer user_data)
{
  el_http_request_resume_body (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
upload_chunk_cb (ElHttpRequest *req, GBytes *chunk, gpointer user_data)
{
  Upload *upload = el_http_request_get_data (req);

  upload->bytes += g_bytes_get_size (chunk);
  upload->chunks++;
  /* as a handler writing each chunk out asynchronously would */
  el_http_request_pause_body (req);
  g_idle_add_full (G_PRIORITY_DEFAULT, resume_cb, el_http_request_ref (req),
                   (GDestroyNotify) el_http_request_unref);
  return TRUE;
}

static void
upload_cb (ElHttpRequest *req, gpointer user_data)
{
  Upload *upload = el_http_request_get_data (req);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "bytes");
  json_builder_add_int_value (builder, (gint64) upload->bytes);
  json_builder_set_member_name (builder, "chunks");
  json_builder_add_int_value (builder, upload->chunks);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  el_http_request_respond_json (req, SOUP_STATUS_OK, node);
}

static void
echo_cb (ElHttpRequest *req, gpointer user_data)
{
  g_autoptr (JsonNode) body = el_http_request_read_json (req);

  if (body != NULL)
    el_http_request_respond_json (req, SOUP_STATUS_OK, body);
}

static void
whoami_cb (ElHttpRequest *req, gpointer user_data)
{
  const ElHttpUser *user = el_http_request_get_user (req);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "user_id");
  json_builder_add_string_value (builder, user->id);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, el_role_to_string (user->role));
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  el_http_request_respond_json (req, SOUP_STATUS_OK, node);
}

static void
item_cb (ElHttpRequest *req, gpointer user_data)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "item_id");
  json_builder_add_string_value (builder, el_http_request_get_param (req, "item_id"));
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  el_http_request_respond_json (req, SOUP_STATUS_OK, node);
}

static void
worker_cb (ElHttpRequest *req, gpointer user_data)
{
  const char *ms_text = el_http_request_get_query (req, "ms");
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) node = NULL;
  guint64 ms = 0;

  if (ms_text != NULL && !g_ascii_string_to_unsigned (ms_text, 10, 0, 5000, &ms, NULL))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_INVALID_REQUEST, "ms must be 0..5000");
      return;
    }
  g_usleep (ms * 1000);
  el_http_request_set_header (req, "X-Test-Header", "set on the worker");
  if (g_strcmp0 (el_http_request_get_query (req, "fail"), "1") == 0)
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_INVALID_REQUEST, "asked to fail");
      return;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "on_worker");
  json_builder_add_boolean_value (builder, el_http_worker_get_data () != NULL);
  json_builder_set_member_name (builder, "slept_ms");
  json_builder_add_int_value (builder, (gint64) ms);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  el_http_request_respond_json (req, SOUP_STATUS_OK, node);
}

typedef struct
{
  ElHttpAuthFunc func;
  gpointer user_data;
  GDestroyNotify destroy;
} NextAuthenticator;

static void
next_authenticator_free (NextAuthenticator *next)
{
  if (next->destroy != NULL)
    next->destroy (next->user_data);
  g_free (next);
}

static ElHttpAuthResult
test_authenticator (const char *token, ElHttpUser *user, gpointer user_data)
{
  NextAuthenticator *next = user_data;
  g_auto (GStrv) parts = NULL;

  if (!g_str_has_prefix (token, "test."))
    return next->func != NULL ? next->func (token, user, next->user_data) : EL_HTTP_AUTH_INVALID;
  if (g_str_equal (token, "test.expired"))
    return EL_HTTP_AUTH_EXPIRED;
  parts = g_strsplit (token, ".", -1);
  if (g_strv_length (parts) != 3 || !g_str_equal (parts[0], "test") || !el_uuid_is_valid (parts[1]) ||
      !el_role_from_string (parts[2], &user->role))
    return EL_HTTP_AUTH_INVALID;
  user->id = g_strdup (parts[1]);
  return EL_HTTP_AUTH_OK;
}

gboolean
el_http_server_add_test_routes (ElHttpServer *self, GError **error)
{
  ElHttpRoute *upload;
  NextAuthenticator *next;

  el_http_server_add_route (self, "GET", "/api/_test/slow", EL_HTTP_ROUTE_DEFAULT, slow_cb, NULL, NULL);
  upload = el_http_server_add_route (self, "POST", "/api/_test/upload", EL_HTTP_ROUTE_STREAMING, upload_cb,
                                     NULL, NULL);
  el_http_route_set_max_body (upload, 4 * 1024 * 1024);
  el_http_route_set_body_stream (upload, upload_begin_cb, upload_chunk_cb);
  el_http_server_add_route (self, "POST", "/api/_test/echo", EL_HTTP_ROUTE_JSON, echo_cb, NULL, NULL);
  el_http_server_add_route (self, "GET", "/api/_test/whoami", EL_HTTP_ROUTE_AUTH | EL_HTTP_ROUTE_PHI,
                            whoami_cb, NULL, NULL);
  el_http_server_add_route (self, "GET", "/api/_test/items/{item_id}", EL_HTTP_ROUTE_DEFAULT, item_cb, NULL,
                            NULL);
  el_http_server_add_route (self, "GET", "/api/_test/worker", EL_HTTP_ROUTE_WORKER, worker_cb, NULL, NULL);
  next = g_new0 (NextAuthenticator, 1);
  el_http_server_steal_authenticator (self, &next->func, &next->user_data, &next->destroy);
  el_http_server_set_authenticator (self, test_authenticator, next, (GDestroyNotify) next_authenticator_free);
  return TRUE;
}

#else

gboolean
el_http_server_add_test_routes (ElHttpServer *self, GError **error)
{
  g_set_error_literal (error, EL_HTTP_ERROR, EL_HTTP_ERROR_BAD_TEMPLATE,
                       "this build has no test routes (meson option test_routes)");
  return FALSE;
}

#endif
