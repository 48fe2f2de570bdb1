/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The HTTP framework and `serve`: a real eclipselink-server process on 127.0.0.1 (most tests use
 * the test routes of a -Dtest_routes=true build, enabled with EL_TEST_ROUTES=1), real sockets
 * (libsoup's client, or raw sockets for requests no client would send); plus the pure parts
 * (paths, templates, queries, problem codes, metrics) in-process. */
#include "config.h"

#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#include "el-db.h"
#include "el-health.h"
#include "el-http-problem.h"
#include "el-http-route.h"
#include "el-http-server.h"
#include "el-metrics.h"
#include "el-model-types.h"
#include "el-test-server.h"

#define TEST_USER_ID "8d0f7a3e-6f1c-4c55-9d5b-1c2f4a5e6b7c"

/* ------------------------------------------------------------------------------------------------
 * HTTP helpers
 */

typedef struct
{
  guint status;
  SoupMessageHeaders *headers;
  GBytes *body;
} Response;

static void
response_free (Response *response)
{
  if (response == NULL)
    return;
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_free (response);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Response, response_free)

/* direct connections: no system proxy lookup (libproxy throws C++ exceptions under ASan) */
static GSocketClient *
new_socket_client (void)
{
  GSocketClient *client = g_socket_client_new ();

  g_socket_client_set_enable_proxy (client, FALSE);
  return client;
}

static SoupSession *
new_session (void)
{
  g_autoptr (GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

  return soup_session_new_with_options ("timeout", 30, "proxy-resolver", direct, NULL);
}

/* @headers: NULL or name, value, name, value, ..., NULL */
static Response *
http (SoupSession *session,
      const char *method,
      const char *url,
      const char *const *headers,
      const char *content_type,
      GBytes *body)
{
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GError) error = NULL;
  Response *response = g_new0 (Response, 1);

  g_assert_nonnull (msg);
  for (guint i = 0; headers != NULL && headers[i] != NULL; i += 2)
    soup_message_headers_replace (soup_message_get_request_headers (msg), headers[i], headers[i + 1]);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);
  response->body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  response->status = soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  return response;
}

static Response *
http_get (SoupSession *session, ElTestServer *server, const char *path)
{
  g_autofree char *url = el_test_server_url (server, path);

  return http (session, "GET", url, NULL, NULL, NULL);
}

static const char *
header (Response *response, const char *name)
{
  return soup_message_headers_get_one (response->headers, name);
}

static JsonObject *
body_object (Response *response)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (response->body, &len);

  json_parser_load_from_data (parser, data, (gssize) len, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
assert_common_headers (Response *response, const char *cache_control)
{
  const char *request_id = header (response, "X-Request-Id");

  g_assert_cmpstr (header (response, "X-Content-Type-Options"), ==, "nosniff");
  g_assert_cmpstr (header (response, "X-Frame-Options"), ==, "DENY");
  g_assert_cmpstr (header (response, "Referrer-Policy"), ==, "strict-origin-when-cross-origin");
  g_assert_cmpstr (header (response, "Permissions-Policy"), ==, "camera=(), microphone=(), geolocation=()");
  g_assert_cmpstr (header (response, "Strict-Transport-Security"), ==, "max-age=63072000; includeSubDomains");
  g_assert_cmpstr (header (response, "Content-Security-Policy"), ==,
                   "default-src 'none'; frame-ancestors 'none'");
  g_assert_cmpstr (header (response, "Cache-Control"), ==, cache_control);
  g_assert_cmpstr (header (response, "Vary"), ==, "Origin");
  /* a product name, no version */
  g_assert_cmpstr (header (response, "Server"), ==, "eclipselink-server");
  g_assert_nonnull (request_id);
  g_assert_true (el_uuid_is_valid (request_id));
}

static void
assert_problem (Response *response, guint status, const char *code)
{
  g_autoptr (JsonObject) problem = NULL;
  g_autofree char *type = g_strconcat ("https://eclipselink.ai/problems/", code, NULL);
  g_autofree char *instance = NULL;

  g_assert_cmpuint (response->status, ==, status);
  g_assert_cmpstr (header (response, "Content-Type"), ==, "application/problem+json");
  problem = body_object (response);
  g_assert_cmpstr (json_object_get_string_member (problem, "type"), ==, type);
  g_assert_cmpint (json_object_get_int_member (problem, "status"), ==, status);
  g_assert_cmpstr (json_object_get_string_member (problem, "code"), ==, code);
  g_assert_nonnull (json_object_get_string_member (problem, "title"));
  instance = g_strconcat ("urn:uuid:", header (response, "X-Request-Id"), NULL);
  g_assert_cmpstr (json_object_get_string_member (problem, "instance"), ==, instance);
}

static const guint8 *
find (const guint8 *haystack, gsize len, const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; n <= len && i <= len - n; i++)
    if (memcmp (haystack + i, needle, n) == 0)
      return haystack + i;
  return NULL;
}

static GBytes *
bytes_from_string (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static GSocketConnection *
raw_connect (guint port)
{
  g_autoptr (GSocketClient) client = new_socket_client ();
  g_autoptr (GError) error = NULL;
  GSocketConnection *connection;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", (guint16) port, NULL, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (g_socket_connection_get_socket (connection), 30);
  return connection;
}

static void
raw_write (GSocketConnection *connection, const void *data, gsize len)
{
  /* the server may answer and stop reading before everything is written: errors are fine */
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), data, len, NULL, NULL,
                             NULL);
}

/* Reads one final response (1xx ones are skipped); NULL when the server closed (or reset) the
 * connection first. Stops at the end of the body, so the connection can carry another request. */
static Response *
raw_read_response (GSocketConnection *connection)
{
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  g_autoptr (GByteArray) in = g_byte_array_new ();
  g_autoptr (GError) error = NULL;
  guint8 byte;

  /* byte by byte: nothing of a next response is consumed */
  for (;;)
    {
      gssize n = g_input_stream_read (input, &byte, 1, NULL, &error);
      const guint8 *end;

      if (n <= 0)
        {
          /* ECONNRESET counts as closed; a timeout is a failure */
          g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT));
          return NULL;
        }
      g_byte_array_append (in, &byte, 1);
      end = in->len >= 4 ? find (in->data + in->len - 4, 4, "\r\n\r\n") : NULL;
      if (end != NULL)
        {
          g_autoptr (SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
          guint status = 0;
          goffset length;
          Response *response;
          gsize got = 0;

          g_assert_true (soup_headers_parse_response ((const char *) in->data, (int) in->len, headers, NULL,
                                                      &status, NULL));
          if (status < 200)
            {
              g_byte_array_set_size (in, 0);
              continue;
            }
          length = soup_message_headers_get_content_length (headers);
          response = g_new0 (Response, 1);
          response->status = status;
          response->headers = g_steal_pointer (&headers);
          {
            g_autofree guint8 *body = g_malloc (MAX (length, 1));

            if (!g_input_stream_read_all (input, body, (gsize) length, &got, NULL, &error) ||
                got != (gsize) length)
              {
                g_assert_false (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT));
                response_free (response);
                return NULL;
              }
            response->body = g_bytes_new (body, (gsize) length);
          }
          return response;
        }
    }
}

/* A request written byte for byte on a new connection. NULL when the server closed (or reset) the
 * connection without answering. */
static Response *
raw_request (guint port, const void *data, gsize len)
{
  g_autoptr (GSocketConnection) connection = raw_connect (port);

  raw_write (connection, data, len);
  return raw_read_response (connection);
}

static Response *
raw_text (guint port, const char *text)
{
  return raw_request (port, text, strlen (text));
}

/* Reads el_http_requests_in_flight from /api/metrics. */
static guint
metric_value (SoupSession *session, ElTestServer *server, const char *series)
{
  g_autoptr (Response) response = http_get (session, server, "/api/metrics");
  g_autofree char *text =
      g_strndup (g_bytes_get_data (response->body, NULL), g_bytes_get_size (response->body));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], series) && lines[i][strlen (series)] == ' ')
      return (guint) g_ascii_strtoull (lines[i] + strlen (series) + 1, NULL, 10);
  return 0;
}

static ElTestServer *
start_server (const char *first_name, ...)
{
  ElTestServer *server = el_test_server_new ();
  va_list args;

  el_test_server_setenv (server, "EL_TEST_ROUTES", "1");
  va_start (args, first_name);
  for (const char *name = first_name; name != NULL; name = va_arg (args, const char *))
    el_test_server_setenv (server, name, va_arg (args, const char *));
  va_end (args);
  el_test_server_start (server);
  return server;
}

/* ------------------------------------------------------------------------------------------------
 * In-process: paths, templates, queries, problem codes, metrics.
 */

static void
assert_bad_path (const char *raw)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElHttpPath) path = el_http_path_parse (raw, strlen (raw), &error);

  g_assert_null (path);
  g_assert_error (error, EL_HTTP_ERROR, EL_HTTP_ERROR_BAD_PATH);
}

static void
test_paths (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElHttpPath) path = NULL;
  g_autofree char *long_path = g_strnfill (EL_HTTP_MAX_PATH_BYTES + 1, 'a');
  g_autoptr (GString) many = g_string_new (NULL);

  path = el_http_path_parse ("/api/v1/handoffs/a%20b/caf%C3%A9", strlen ("/api/v1/handoffs/a%20b/caf%C3%A9"),
                             &error);
  g_assert_no_error (error);
  g_assert_cmpuint (path->n_segments, ==, 5);
  g_assert_cmpstr (path->segments[3], ==, "a b");
  g_assert_cmpstr (path->segments[4], ==, "café");
  g_clear_pointer (&path, el_http_path_free);

  /* decoded once: %2541 is "%41", not "A" */
  path = el_http_path_parse ("/x/%2541", strlen ("/x/%2541"), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (path->segments[1], ==, "%41");
  g_clear_pointer (&path, el_http_path_free);

  path = el_http_path_parse ("/", 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (path->n_segments, ==, 0);
  g_clear_pointer (&path, el_http_path_free);

  path = el_http_path_parse ("/a//b/", strlen ("/a//b/"), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (path->n_segments, ==, 4);
  g_assert_cmpstr (path->segments[1], ==, "");
  g_assert_cmpstr (path->segments[3], ==, "");
  g_clear_pointer (&path, el_http_path_free);

  assert_bad_path ("");
  assert_bad_path ("relative");
  assert_bad_path ("/a/%2F/b");
  assert_bad_path ("/a/%2f");
  assert_bad_path ("/a/%5C");
  assert_bad_path ("/a\\b");
  assert_bad_path ("/a/%00");
  assert_bad_path ("/a/%0a");
  assert_bad_path ("/a/%zz");
  assert_bad_path ("/a/%4");
  assert_bad_path ("/a/%");
  assert_bad_path ("/a/%ff%fe");
  assert_bad_path ("/a/\xc3");
  assert_bad_path ("/a/..");
  assert_bad_path ("/a/%2e%2E/b");
  assert_bad_path ("/a/./b");
  long_path[0] = '/';
  assert_bad_path (long_path);
  for (guint i = 0; i <= EL_HTTP_MAX_SEGMENTS; i++)
    g_string_append (many, "/s");
  assert_bad_path (many->str);
}

static void
test_templates (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElHttpTemplate) t =
      el_http_template_new ("/api/v1/handoffs/{handoff_id}/sbar/versions/{version}", &error);
  g_autoptr (GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *const bad[] = { "",     "api",     "/a/{}",  "/a/{Id}", "/a/{1d}", "/a/{x}/{x}",
                              "/a//", "/a/{x}y", "/a/b c", "/a/..",   "/a/%41",  NULL };

  g_assert_no_error (error);
  g_assert_cmpuint (el_http_template_get_n_params (t), ==, 2);

  {
    const char *raw = "/api/v1/handoffs/h%2D1/sbar/versions/3";
    g_autoptr (ElHttpPath) path = el_http_path_parse (raw, strlen (raw), &error);

    g_assert_no_error (error);
    g_assert_true (el_http_template_match (t, path, params));
    g_assert_cmpstr (g_hash_table_lookup (params, "handoff_id"), ==, "h-1");
    g_assert_cmpstr (g_hash_table_lookup (params, "version"), ==, "3");
  }
  {
    const char *const misses[] = {
      "/api/v1/handoffs/h/sbar/versions",  "/api/v1/handoffs/h/sbar/versions/3/x",
      "/api/v1/handoffs//sbar/versions/3", "/api/v1/Handoffs/h/sbar/versions/3",
      "/api/v1/handoffs/h/sbar/versions/", NULL
    };

    for (guint i = 0; misses[i] != NULL; i++)
      {
        g_autoptr (ElHttpPath) path = el_http_path_parse (misses[i], strlen (misses[i]), &error);

        g_assert_no_error (error);
        g_assert_false (el_http_template_match (t, path, NULL));
      }
  }

  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autoptr (GError) template_error = NULL;
      g_autoptr (ElHttpTemplate) b = el_http_template_new (bad[i], &template_error);

      g_assert_null (b);
      g_assert_error (template_error, EL_HTTP_ERROR, EL_HTTP_ERROR_BAD_TEMPLATE);
    }
}

static void
assert_bad_query (const char *raw)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) query = el_http_query_parse (raw, strlen (raw), &error);

  g_assert_null (query);
  g_assert_error (error, EL_HTTP_ERROR, EL_HTTP_ERROR_BAD_QUERY);
}

static void
test_queries (void)
{
  g_autoptr (GError) error = NULL;
  const char *raw_query = "unit_id=u%2F1&since=12&&q=a+b&flag";
  g_autoptr (GHashTable) query = el_http_query_parse (raw_query, strlen (raw_query), &error);
  g_autoptr (GHashTable) none = el_http_query_parse (NULL, 0, &error);
  g_autoptr (GString) many = g_string_new (NULL);

  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (query), ==, 4);
  g_assert_cmpstr (g_hash_table_lookup (query, "unit_id"), ==, "u/1");
  g_assert_cmpstr (g_hash_table_lookup (query, "since"), ==, "12");
  g_assert_cmpstr (g_hash_table_lookup (query, "q"), ==, "a b");
  g_assert_cmpstr (g_hash_table_lookup (query, "flag"), ==, "");
  g_assert_nonnull (none);
  g_assert_cmpuint (g_hash_table_size (none), ==, 0);

  assert_bad_query ("a=1&a=2");
  assert_bad_query ("=1");
  assert_bad_query ("a=%zz");
  assert_bad_query ("a=%00");
  assert_bad_query ("a=%ff");
  for (guint i = 0; i <= EL_HTTP_MAX_QUERY_PARAMS; i++)
    g_string_append_printf (many, "p%u=1&", i);
  assert_bad_query (many->str);
}

/* The codes the framework knows are exactly data/openapi.json's ErrorCode enum. */
static void
test_problem_codes (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "openapi.json", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *schemas;
  JsonArray *codes;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  schemas = json_object_get_object_member (
      json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "components"),
      "schemas");
  codes = json_object_get_array_member (json_object_get_object_member (schemas, "ErrorCode"), "enum");

  g_assert_cmpuint (json_array_get_length (codes), ==, EL_HTTP_PROBLEM_N_CODES);
  for (guint i = 0; i < EL_HTTP_PROBLEM_N_CODES; i++)
    {
      ElHttpProblemCode code;

      g_assert_true (el_http_problem_code_from_string (json_array_get_string_element (codes, i), &code));
      g_assert_cmpstr (el_http_problem_code_to_string (code), ==, json_array_get_string_element (codes, i));
      g_assert_cmpuint (el_http_problem_code_get_status (code), >=, 400);
      g_assert_cmpuint (el_http_problem_code_get_status (code), <=, 599);
    }
}

static void
test_metrics_format (void)
{
  g_autoptr (ElMetrics) metrics = el_metrics_new ();
  ElMetric *counter = el_metrics_add_counter (metrics, "el_test_total", "Things.\nCounted \\ here.",
                                              (const char *[]){ "kind", NULL });
  ElMetric *gauge = el_metrics_add_gauge (metrics, "el_test_gauge", "A gauge.", NULL);
  const double buckets[] = { 0.1, 1 };
  ElMetric *histogram = el_metrics_add_histogram (metrics, "el_test_seconds", "Durations.",
                                                  (const char *[]){ "route", NULL }, buckets, 2);
  g_autofree char *text = NULL;

  el_metric_inc (counter, (const char *[]){ "a\"b\\c\nd", NULL }, 2);
  el_metric_inc (counter, (const char *[]){ "plain", NULL }, 1);
  el_metric_inc (counter, (const char *[]){ "plain", NULL }, 0.5);
  el_metric_set (gauge, NULL, -3);
  el_metric_observe (histogram, (const char *[]){ "/x", NULL }, 0.05);
  el_metric_observe (histogram, (const char *[]){ "/x", NULL }, 0.5);
  el_metric_observe (histogram, (const char *[]){ "/x", NULL }, 5);
  /* registering again gives the same metric */
  g_assert_true (el_metrics_add_gauge (metrics, "el_test_gauge", "A gauge.", NULL) == gauge);

  text = el_metrics_render (metrics, NULL);
  g_assert_cmpstr (text, ==,
                   "# HELP el_test_total Things.\\nCounted \\\\ here.\n"
                   "# TYPE el_test_total counter\n"
                   "el_test_total{kind=\"a\\\"b\\\\c\\nd\"} 2\n"
                   "el_test_total{kind=\"plain\"} 1.5\n"
                   "# HELP el_test_gauge A gauge.\n"
                   "# TYPE el_test_gauge gauge\n"
                   "el_test_gauge -3\n"
                   "# HELP el_test_seconds Durations.\n"
                   "# TYPE el_test_seconds histogram\n"
                   "el_test_seconds_bucket{route=\"/x\",le=\"0.1\"} 1\n"
                   "el_test_seconds_bucket{route=\"/x\",le=\"1\"} 2\n"
                   "el_test_seconds_bucket{route=\"/x\",le=\"+Inf\"} 3\n"
                   "el_test_seconds_sum{route=\"/x\"} 5.55\n"
                   "el_test_seconds_count{route=\"/x\"} 3\n");
}

/* ------------------------------------------------------------------------------------------------
 * The real server.
 */

static void
test_listening (void)
{
  g_autoptr (ElTestServer) server = el_test_server_new ();
  g_autofree char *expected = NULL;
  g_autofree char *out = NULL;

  el_test_server_start (server);
  g_assert_cmpuint (el_test_server_get_port (server), >, 0);
  g_assert_cmpuint (el_test_server_get_port (server), !=, 8080);
  g_assert_cmpint (el_test_server_stop (server), ==, 0);

  /* the listening line is the only thing on stdout */
  expected = g_strdup_printf ("listening on http://127.0.0.1:%u/\n", el_test_server_get_port (server));
  out = el_test_server_get_stdout (server);
  g_assert_cmpstr (out, ==, expected);
}

static void
test_ipv6 (void)
{
  g_autoptr (ElTestServer) server = el_test_server_new ();
  g_autoptr (SoupSession) session = new_session ();
  g_autoptr (Response) response = NULL;
  g_autofree char *prefix = NULL;

  el_test_server_add_arg (server, "--host");
  el_test_server_add_arg (server, "::1");
  el_test_server_start (server);
  prefix = g_strdup_printf ("http://[::1]:%u", el_test_server_get_port (server));
  g_assert_cmpstr (el_test_server_get_url (server), ==, prefix);

  response = http_get (session, server, "/api/health");
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpint (el_test_server_stop (server), ==, 0);
}

static void
test_headers_everywhere (void)
{
  g_autoptr (ElTestServer) server = start_server (NULL);
  g_autoptr (SoupSession) session = new_session ();
  g_autofree char *echo = el_test_server_url (server, "/api/_test/echo");
  g_autofree char *health = el_test_server_url (server, "/api/health");
  g_autoptr (GBytes) good = bytes_from_string ("{\"a\":1}");
  g_autoptr (GBytes) bad = bytes_from_string ("{\"a\":1,}");
  guint port = el_test_server_get_port (server);

  {
    g_autoptr (Response) r = http_get (session, server, "/api/health");
    g_assert_cmpuint (r->status, ==, 200);
    assert_common_headers (r, "no-store");
    /* health is not rate limited */
    g_assert_null (header (r, "RateLimit"));
  }
  {
    g_autoptr (Response) r = http_get (session, server, "/api/metrics");
    g_assert_cmpuint (r->status, ==, 200);
    assert_common_headers (r, "no-store");
    g_assert_null (header (r, "RateLimit-Limit"));
  }
  {
    g_autoptr (Response) r = http_get (session, server, "/api/docs");
    g_assert_cmpuint (r->status, ==, 200);
    assert_common_headers (r, "no-cache");
    g_assert_cmpstr (header (r, "RateLimit-Limit"), ==, "100");
  }
  {
    g_autoptr (Response) r = http (session, "POST", echo, NULL, "application/json", good);
    g_assert_cmpuint (r->status, ==, 200);
    assert_common_headers (r, "no-store");
  }
  {
    g_autoptr (Response) r = http_get (session, server, "/api/v1/no-such-thing");
    assert_problem (r, 404, "not_found");
    assert_common_headers (r, "no-store");
    g_assert_nonnull (header (r, "RateLimit"));
  }
  {
    g_autoptr (Response) r = http (session, "DELETE", health, NULL, NULL, NULL);
    assert_problem (r, 405, "invalid_request");
    assert_common_headers (r, "no-store");
    g_assert_cmpstr (header (r, "Allow"), ==, "GET, HEAD, OPTIONS");
  }
  {
    g_autoptr (Response) r = http (session, "POST", echo, NULL, "text/plain", good);
    assert_problem (r, 415, "unsupported_media_type");
    assert_common_headers (r, "no-store");
  }
  {
    g_autoptr (Response) r = http (session, "POST", echo, NULL, "application/json", bad);
    assert_problem (r, 400, "invalid_request");
    assert_common_headers (r, "no-store");
  }
  {
    /* refused on Content-Length alone: the body is never sent */
    g_autoptr (Response) r =
        raw_text (port, "POST /api/_test/echo HTTP/1.1\r\nHost: x\r\n"
                        "Content-Type: application/json\r\nContent-Length: 2097152\r\n\r\n");
    g_assert_nonnull (r);
    assert_problem (r, 413, "payload_too_large");
    assert_common_headers (r, "no-store");
    g_assert_cmpstr (header (r, "Connection"), ==, "close");
  }
  {
    /* libsoup's own answer to an unparsable request carries them too */
    g_autoptr (Response) r = raw_text (port, "\x01garbage\r\n\r\n");
    g_assert_nonnull (r);
    g_assert_cmpuint (r->status, ==, 400);
    assert_common_headers (r, "no-store");
    g_assert_cmpstr (header (r, "Content-Type"), ==, "application/problem+json");
  }
  {
    g_autoptr (Response) r = http_get (session, server, "/api/_test/whoami");
    assert_problem (r, 401, "unauthorized");
    assert_common_headers (r, "no-store");
    g_assert_cmpstr (header (r, "WWW-Authenticate"), ==, "Bearer realm=\"eclipselink\"");
  }

  g_assert_cmpint (el_test_server_stop (server), ==, 0);
}

static void
test_cors (void)
{
  g_autoptr (ElTestServer) server = start_server ("CORS_ORIGIN", "https://handoff.example.org", NULL);
  g_autoptr (SoupSession) session = new_session ();
  g_autofree char *health = el_test_server_url (server, "/api/health");
  g_autofree char *echo = el_test_server_url (server, "/api/_test/echo");
  g_autofree char *nothing = el_test_server_url (server, "/api/v1/nothing");

  {
    const char *h[] = { "Origin", "https://handoff.example.org", NULL };
    g_autoptr (Response) r = http (session, "GET", health, h, NULL, NULL);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpstr (header (r, "Access-Control-Allow-Origin"), ==, "https://handoff.example.org");
    g_assert_nonnull (strstr (header (r, "Access-Control-Expose-Headers"), "X-Request-Id"));
    assert_common_headers (r, "no-store");
  }
  {
    /* errors too, so that the browser app can read the problem */
    const char *h[] = { "Origin", "https://handoff.example.org", NULL };
    g_autoptr (Response) r = http (session, "GET", nothing, h, NULL, NULL);

    g_assert_cmpuint (r->status, ==, 404);
    g_assert_cmpstr (header (r, "Access-Control-Allow-Origin"), ==, "https://handoff.example.org");
  }
  {
    const char *const denied[] = { "https://evil.example.org", "https://handoff.example.org.evil.net",
                                   "http://handoff.example.org", "null", NULL };

    for (guint i = 0; denied[i] != NULL; i++)
      {
        const char *h[] = { "Origin", denied[i], NULL };
        g_autoptr (Response) r = http (session, "GET", health, h, NULL, NULL);

        g_assert_cmpuint (r->status, ==, 200);
        g_assert_null (header (r, "Access-Control-Allow-Origin"));
        g_assert_null (header (r, "Access-Control-Expose-Headers"));
      }
  }
  {
    const char *h[] = {
      "Origin", "https://handoff.example.org",    "Access-Control-Request-Method",
      "POST",   "Access-Control-Request-Headers", "authorization, content-type, idempotency-key",
      NULL
    };
    g_autoptr (Response) r = http (session, "OPTIONS", echo, h, NULL, NULL);
    const char *allowed_headers;

    g_assert_cmpuint (r->status, ==, 204);
    assert_common_headers (r, "no-store");
    g_assert_cmpstr (header (r, "Access-Control-Allow-Origin"), ==, "https://handoff.example.org");
    g_assert_cmpstr (header (r, "Access-Control-Allow-Methods"), ==, "POST, OPTIONS");
    allowed_headers = header (r, "Access-Control-Allow-Headers");
    g_assert_nonnull (allowed_headers);
    g_assert_nonnull (strstr (allowed_headers, "Authorization"));
    g_assert_nonnull (strstr (allowed_headers, "Content-Type"));
    g_assert_nonnull (strstr (allowed_headers, "Idempotency-Key"));
    g_assert_nonnull (strstr (allowed_headers, "If-Match"));
    g_assert_nonnull (strstr (allowed_headers, "Content-Digest"));
    g_assert_cmpstr (header (r, "Vary"), ==, "Origin");
    g_assert_null (strstr (header (r, "Access-Control-Allow-Origin"), "*"));
  }
  {
    const char *h[] = { "Origin", "https://evil.example.org", "Access-Control-Request-Method", "POST", NULL };
    g_autoptr (Response) r = http (session, "OPTIONS", echo, h, NULL, NULL);

    g_assert_cmpuint (r->status, ==, 204);
    g_assert_null (header (r, "Access-Control-Allow-Origin"));
    g_assert_null (header (r, "Access-Control-Allow-Methods"));
  }
  g_assert_cmpint (el_test_server_stop (server), ==, 0);

  {
    /* without CORS_ORIGIN, no origin is allowed */
    g_autoptr (ElTestServer) plain = start_server (NULL);
    const char *h[] = { "Origin", "https://handoff.example.org", NULL };
    g_autofree char *url = el_test_server_url (plain, "/api/health");
    g_autoptr (Response) r = http (session, "GET", url, h, NULL, NULL);

    g_assert_null (header (r, "Access-Control-Allow-Origin"));
    g_assert_cmpint (el_test_server_stop (plain), ==, 0);
  }
}

static void
test_rate_limit (void)
{
  g_autoptr (ElTestServer) server = start_server ("RATE_LIMIT_MAX_REQUESTS", "100", NULL);
  g_autoptr (SoupSession) session = new_session ();
  g_autofree char *whoami = el_test_server_url (server, "/api/_test/whoami");
  g_autoptr (JsonObject) problem = NULL;
  guint64 retry_after = 0;

  for (guint i = 1; i <= 100; i++)
    {
      g_autoptr (Response) r = http_get (session, server, "/api/v1/nothing");
      g_autofree char *remaining = g_strdup_printf ("%u", 100 - i);
      g_autofree char *prefix = g_strdup_printf ("limit=100, remaining=%u, reset=", 100 - i);

      g_assert_cmpuint (r->status, ==, 404);
      g_assert_cmpstr (header (r, "RateLimit-Limit"), ==, "100");
      g_assert_cmpstr (header (r, "RateLimit-Remaining"), ==, remaining);
      g_assert_cmpstr (header (r, "RateLimit-Policy"), ==, "100;w=60");
      g_assert_true (g_str_has_prefix (header (r, "RateLimit"), prefix));
      g_assert_nonnull (header (r, "RateLimit-Reset"));
    }

  {
    g_autoptr (Response) r = http_get (session, server, "/api/v1/nothing");

    assert_problem (r, 429, "rate_limited");
    assert_common_headers (r, "no-store");
    g_assert_true (g_ascii_string_to_unsigned (header (r, "Retry-After"), 10, 1, 60, &retry_after, NULL));
    g_assert_cmpstr (header (r, "RateLimit-Limit"), ==, "100");
    g_assert_cmpstr (header (r, "RateLimit-Remaining"), ==, "0");
    g_assert_cmpstr (header (r, "RateLimit-Policy"), ==, "100;w=60");
    g_assert_true (g_str_has_prefix (header (r, "RateLimit"), "limit=100, remaining=0, reset="));
    problem = body_object (r);
    g_assert_nonnull (json_object_get_string_member (problem, "detail"));
  }
  {
    /* every route of this client is limited, the docs included... */
    g_autoptr (Response) r = http_get (session, server, "/api/docs");
    g_assert_cmpuint (r->status, ==, 429);
  }
  {
    /* ...but not health and metrics */
    g_autoptr (Response) h = http_get (session, server, "/api/health");
    g_autoptr (Response) m = http_get (session, server, "/api/metrics");

    g_assert_cmpuint (h->status, ==, 200);
    g_assert_cmpuint (m->status, ==, 200);
  }
  {
    /* a signed-in user has her own budget */
    const char *h[] = { "Authorization", "Bearer test." TEST_USER_ID ".nurse", NULL };
    g_autoptr (Response) r = http (session, "GET", whoami, h, NULL, NULL);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpstr (header (r, "RateLimit-Remaining"), ==, "99");
  }
  {
    /* and a bad token is counted against the address */
    const char *h[] = { "Authorization", "Bearer forged", NULL };
    g_autoptr (Response) r = http (session, "GET", whoami, h, NULL, NULL);

    g_assert_cmpuint (r->status, ==, 429);
  }
  g_assert_cmpint (el_test_server_stop (server), ==, 0);

  {
    g_autoptr (ElTestServer) unlimited =
        start_server ("RATE_LIMIT_ENABLED", "false", "RATE_LIMIT_MAX_REQUESTS", "5", NULL);

    for (guint i = 0; i < 20; i++)
      {
        g_autoptr (Response) r = http_get (session, unlimited, "/api/v1/nothing");

        g_assert_cmpuint (r->status, ==, 404);
        g_assert_null (header (r, "RateLimit"));
        g_assert_null (header (r, "RateLimit-Remaining"));
      }
    g_assert_cmpint (el_test_server_stop (unlimited), ==, 0);
  }
}

static void
test_docs (void)
{
  g_autoptr (ElTestServer) server = start_server (NULL);
  g_autoptr (SoupSession) session = new_session ();
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "openapi.json", NULL);
  g_autofree char *expected = NULL;
  gsize expected_len = 0;
  g_autoptr (Response) r = http_get (session, server, "/api/docs");
  g_autofree char *url = el_test_server_url (server, "/api/docs");
  const char *etag;

  g_assert_true (g_file_get_contents (path, &expected, &expected_len, NULL));
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (header (r, "Content-Type"), ==, "application/json");
  g_assert_cmpmem (g_bytes_get_data (r->body, NULL), g_bytes_get_size (r->body), expected, expected_len);
  etag = header (r, "ETag");
  g_assert_nonnull (etag);
  g_assert_true (etag[0] == '"' && etag[strlen (etag) - 1] == '"');

  {
    const char *h[] = { "If-None-Match", etag, NULL };
    g_autoptr (Response) again = http (session, "GET", url, h, NULL, NULL);

    g_assert_cmpuint (again->status, ==, 304);
    g_assert_cmpuint (g_bytes_get_size (again->body), ==, 0);
    g_assert_cmpstr (header (again, "ETag"), ==, etag);
    assert_common_headers (again, "no-cache");
  }
  {
    const char *h[] = { "If-None-Match", "\"something-else\"", NULL };
    g_autoptr (Response) other = http (session, "GET", url, h, NULL, NULL);

    g_assert_cmpuint (other->status, ==, 200);
  }
  g_assert_cmpint (el_test_server_stop (server), ==, 0);
}

static void
test_metrics (void)
{
  g_autoptr (ElTestServer) server = start_server ("APP_VERSION", "9.8.7-test", NULL);
  g_autoptr (SoupSession) session = new_session ();
  g_autofree char *health = el_test_server_url (server, "/api/health");
  g_autoptr (Response) r = NULL;
  g_autoptr (Response) deleted = NULL;
  g_autoptr (Response) item = NULL;
  g_autofree char *text = NULL;
  const char *const expected[] = {
    "# TYPE el_http_requests_total counter\n",
    "\nel_http_requests_total{route=\"/api/docs\",method=\"GET\",status=\"200\"} 3\n",
    "\nel_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 2\n",
    "\nel_http_requests_total{route=\"/api/health\",method=\"DELETE\",status=\"405\"} 1\n",
    "\nel_http_requests_total{route=\"/api/_test/items/{item_id}\",method=\"GET\",status=\"200\"} 1\n",
    "# TYPE el_http_request_duration_seconds histogram\n",
    "\nel_http_request_duration_seconds_bucket{route=\"/api/docs\",le=\"0.005\"} ",
    "\nel_http_request_duration_seconds_bucket{route=\"/api/docs\",le=\"10\"} 3\n",
    "\nel_http_request_duration_seconds_bucket{route=\"/api/docs\",le=\"+Inf\"} 3\n",
    "\nel_http_request_duration_seconds_count{route=\"/api/docs\"} 3\n",
    "\nel_http_requests_in_flight 1\n",
    "\nel_build_info{version=\"9.8.7-test\"} 1\n",
    NULL,
  };

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (Response) docs = http_get (session, server, "/api/docs");
      g_assert_cmpuint (docs->status, ==, 200);
    }
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (Response) missing = http_get (session, server, "/api/v1/x");
      g_assert_cmpuint (missing->status, ==, 404);
    }
  deleted = http (session, "DELETE", health, NULL, NULL, NULL);
  g_assert_cmpuint (deleted->status, ==, 405);
  item = http_get (session, server, "/api/_test/items/ab12");
  g_assert_cmpuint (item->status, ==, 200);

  r = http_get (session, server, "/api/metrics");
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (header (r, "Content-Type"), ==, "text/plain; version=0.0.4; charset=utf-8");
  text = g_strndup (g_bytes_get_data (r->body, NULL), g_bytes_get_size (r->body));
  for (guint i = 0; expected[i] != NULL; i++)
    if (strstr (text, expected[i]) == NULL)
      g_error ("metrics lack %s in:\n%s", expected[i], text);
  /* the concrete id is never a label */
  g_assert_null (strstr (text, "ab12"));
  g_assert_cmpint (el_test_server_stop (server), ==, 0);
}

static void
test_health (void)
{
  g_autoptr (ElTestServer) server = start_server ("APP_VERSION", "1.2.3-health", NULL);
  g_autoptr (SoupSession) session = new_session ();
  g_autoptr (Response) r = http_get (session, server, "/api/health");
  g_autoptr (JsonObject) doc = NULL;
  JsonObject *checks;

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (header (r, "Content-Type"), ==, "application/json");
  doc = body_object (r);
  g_assert_cmpstr (json_object_get_string_member (doc, "status"), ==, "healthy");
  g_assert_cmpstr (json_object_get_string_member (doc, "version"), ==, "1.2.3-health");
  g_assert_cmpint (json_object_get_int_member (doc, "uptime_seconds"), >=, 0);
  checks = json_object_get_object_member (doc, "checks");
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (checks, "database"), "status"), ==, "ok");
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (checks, "storage"), "status"), ==, "ok");
  /* the test server runs with SPEECH_ENGINE=none: said so, not faked (test-api-speech has it on) */
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (checks, "speech"), "status"),
                   ==, "down");
  g_assert_nonnull (
      strstr (json_object_get_string_member (json_object_get_object_member (checks, "speech"), "detail"),
              "SPEECH_ENGINE=none"));
  g_assert_cmpint (el_test_server_stop (server), ==, 0);
}

static void
test_health_storage_down (void)
{
  g_autoptr (ElTestServer) server = el_test_server_new ();
  g_autoptr (SoupSession) session = new_session ();
  g_autofree char *not_a_dir = g_build_filename (el_test_server_get_dir (server), "a-file", NULL);
  g_autoptr (Response) r = NULL;
  g_autoptr (JsonObject) doc = NULL;
  JsonObject *checks;

  g_assert_true (g_file_set_contents (not_a_dir, "x", 1, NULL));
  el_test_server_setenv (server, "STORAGE_DIR", not_a_dir);
  el_test_server_start (server);

  r = http_get (session, server, "/api/health");
  g_assert_cmpuint (r->status, ==, 503);
  g_assert_nonnull (header (r, "Retry-After"));
  assert_common_headers (r, "no-store");
  doc = body_object (r);
  g_assert_cmpstr (json_object_get_string_member (doc, "status"), ==, "degraded");
  checks = json_object_get_object_member (doc, "checks");
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (checks, "storage"), "status"), ==,
      "down");
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (checks, "database"), "status"), ==, "ok");
  g_assert_cmpint (el_test_server_stop (server), ==, 0);
}

static gboolean
line_is_request (JsonObject *line)
{
  return g_strcmp0 (json_object_get_string_member_with_default (line, "event", ""), "request") == 0;
}

static void
test_logs (void)
{
  g_autoptr (ElTestServer) server = start_server (NULL);
  g_autoptr (SoupSession) session = new_session ();
  const char *item_id = "5b0f9e2a-3c44-4d1e-8a7b-9c0d1e2f3a4b";
  g_autofree char *item_path = g_strdup_printf ("/api/_test/items/%s?mrn=MRN-SECRET-123", item_id);
  g_autofree char *item_url = el_test_server_url (server, item_path);
  g_autofree char *echo = el_test_server_url (server, "/api/_test/echo");
  g_autofree char *whoami = el_test_server_url (server, "/api/_test/whoami");
  g_autoptr (GBytes) phi = bytes_from_string ("{\"given_name\":\"PHI-MARKER-Jane\"}");
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_autofree char *expected_out = NULL;
  g_auto (GStrv) lines = NULL;
  guint n_requests = 0;
  gboolean saw_item = FALSE, saw_user = FALSE;

  {
    const char *h[] = { "Authorization", "Bearer TOKEN-SECRET-abc", NULL };
    g_autoptr (Response) a = http (session, "GET", item_url, h, NULL, NULL);
    g_autoptr (Response) b = http (session, "POST", echo, NULL, "application/json", phi);
    g_autoptr (Response) c =
        http_get (session, server, "/api/v1/no-such-route/0e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b");
    const char *h2[] = { "Authorization", "Bearer test." TEST_USER_ID ".charge_nurse", NULL };
    g_autoptr (Response) d = http (session, "GET", whoami, h2, NULL, NULL);

    g_assert_cmpuint (a->status, ==, 200);
    g_assert_cmpuint (b->status, ==, 200);
    g_assert_cmpuint (c->status, ==, 404);
    g_assert_cmpuint (d->status, ==, 200);
  }
  g_assert_cmpint (el_test_server_stop (server), ==, 0);

  err = el_test_server_get_stderr (server);
  g_assert_null (strstr (err, item_id));
  g_assert_null (strstr (err, "MRN-SECRET"));
  g_assert_null (strstr (err, "mrn="));
  g_assert_null (strstr (err, "TOKEN-SECRET"));
  g_assert_null (strstr (err, "PHI-MARKER"));
  g_assert_null (strstr (err, "0e1d2c3b"));
  g_assert_null (strstr (err, "test." TEST_USER_ID));

  lines = g_strsplit (err, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autoptr (GError) error = NULL;
      JsonObject *line;
      const char *level;
      g_autoptr (GDateTime) time = NULL;

      if (lines[i][0] == '\0')
        {
          g_assert_null (lines[i + 1]); /* only the final newline */
          continue;
        }
      json_parser_load_from_data (parser, lines[i], -1, &error);
      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
      line = json_node_get_object (json_parser_get_root (parser));
      time = el_timestamp_parse (json_object_get_string_member (line, "time"));
      g_assert_nonnull (time);
      level = json_object_get_string_member (line, "level");
      g_assert_true (
          g_strv_contains ((const char *const[]){ "debug", "info", "warn", "error", NULL }, level));
      g_assert_nonnull (json_object_get_string_member (line, "event"));
      if (!line_is_request (line))
        continue;

      n_requests++;
      g_assert_true (el_uuid_is_valid (json_object_get_string_member (line, "request_id")));
      g_assert_nonnull (json_object_get_string_member (line, "method"));
      g_assert_true (json_object_has_member (line, "route"));
      g_assert_cmpint (json_object_get_int_member (line, "status"), >=, 200);
      g_assert_cmpfloat (json_object_get_double_member (line, "duration_ms"), >=, 0);
      g_assert_true (json_object_has_member (line, "user_id"));
      g_assert_cmpint (json_object_get_int_member (line, "bytes"), >=, 0);
      if (g_strcmp0 (json_object_get_string_member (line, "route"), "/api/_test/items/{item_id}") == 0)
        {
          saw_item = TRUE;
          g_assert_true (json_object_get_null_member (line, "user_id"));
        }
      if (g_strcmp0 (json_object_get_string_member (line, "route"), "/api/_test/whoami") == 0)
        {
          saw_user = TRUE;
          g_assert_cmpstr (json_object_get_string_member (line, "user_id"), ==, TEST_USER_ID);
        }
    }
  g_assert_cmpuint (n_requests, ==, 4);
  g_assert_true (saw_item);
  g_assert_true (saw_user);

  out = el_test_server_get_stdout (server);
  expected_out = g_strconcat ("listening on ", el_test_server_get_url (server), "/\n", NULL);
  g_assert_cmpstr (out, ==, expected_out);

  {
    /* LOG_LEVEL=warn drops the info lines (requests that went well) */
    g_autoptr (ElTestServer) quiet = start_server ("LOG_LEVEL", "warn", NULL);
    g_autoptr (Response) r = http_get (session, quiet, "/api/health");
    g_autofree char *quiet_err = NULL;

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpint (el_test_server_stop (quiet), ==, 0);
    quiet_err = el_test_server_get_stderr (quiet);
    g_assert_null (strstr (quiet_err, "\"event\":\"request\""));
    g_assert_null (strstr (quiet_err, "\"level\":\"info\""));
    /* the test-routes warning stays */
    g_assert_nonnull (strstr (quiet_err, "\"event\":\"test_routes\""));
  }
}

static void
test_json_bodies (void)
{
  g_autoptr (ElTestServer) server = start_server (NULL);
  g_autoptr (SoupSession) session = new_session ();
  g_autofree char *echo = el_test_server_url (server, "/api/_test/echo");
  g_autoptr (GString) deep = g_string_new (NULL);
  g_autoptr (GBytes) deep_body = NULL;
  const struct
  {
    const char *content_type;
    const char *body;
    guint status;
    const char *code;
  } cases[] = {
    { "application/json; charset=utf-8", "{\"n\":36.8,\"s\":\"café\"}", 200, NULL },
    { "Application/JSON", "[1,2,3]", 200, NULL },
    { "application/json; charset=latin1", "{}", 415, "unsupported_media_type" },
    { "application/x-www-form-urlencoded", "a=1", 415, "unsupported_media_type" },
    { "application/json", "", 400, "invalid_request" },
    { "application/json", "{\"a\":", 400, "invalid_request" },
    { "application/json", "{'a':1}", 400, "invalid_request" },
    { "application/json", "{\"a\":1} trailing", 400, "invalid_request" },
    { "application/json", "\"\xff\xfe\"", 400, "invalid_request" },
    { "application/json", "{\"a\":\"\\u0000\"}", 400, "invalid_request" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GBytes) body = bytes_from_string (cases[i].body);
      g_autoptr (Response) r = http (session, "POST", echo, NULL, cases[i].content_type, body);

      if (cases[i].code != NULL)
        assert_problem (r, cases[i].status, cases[i].code);
      else
        {
          g_assert_cmpuint (r->status, ==, 200);
          g_assert_cmpmem (g_bytes_get_data (r->body, NULL), g_bytes_get_size (r->body), cases[i].body,
                           strlen (cases[i].body));
        }
    }

  /* deep nesting is refused before json-glib recurses */
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  deep_body = g_bytes_new (deep->str, deep->len);
  {
    g_autoptr (Response) r = http (session, "POST", echo, NULL, "application/json", deep_body);
    assert_problem (r, 400, "invalid_request");
  }
  g_assert_cmpint (el_test_server_stop (server), ==, 0);
}

/* EL_HTTP_ROUTE_WORKER: the handler runs on a worker thread; its answer (status, body, headers) goes
 * out with every common header; the main loop keeps answering meanwhile; a client that leaves
 * while its handler runs, and a SIGTERM while one runs, are handled. */
typedef struct
{
  Response *response;
  gboolean done;
} Pending;

static void
pending_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Pending *pending = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);

  if (body != NULL)
    {
      pending->response = g_new0 (Response, 1);
      pending->response->status = soup_message_get_status (msg);
      pending->response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
      pending->response->body = g_steal_pointer (&body);
    }
  pending->done = TRUE;
}

static void
send_pending (SoupSession *session, const char *url, GCancellable *cancellable, Pending *pending)
{
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);

  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, cancellable, pending_done_cb, pending);
}

static void
test_workers (void)
{
  g_autoptr (ElTestServer) server = start_server (NULL);
  g_autoptr (SoupSession) session = new_session ();
  g_autoptr (SoupSession) other = new_session ();
  g_autofree char *slow = el_test_server_url (server, "/api/_test/worker?ms=1500");
  g_autofree char *slow_again = el_test_server_url (server, "/api/_test/worker?ms=1000");

  {
    g_autoptr (Response) r = http_get (session, server, "/api/_test/worker");
    g_autoptr (JsonObject) obj = body_object (r);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_true (json_object_get_boolean_member (obj, "on_worker"));
    g_assert_cmpstr (header (r, "X-Test-Header"), ==, "set on the worker");
    g_assert_cmpstr (header (r, "Content-Type"), ==, "application/json");
    assert_common_headers (r, "no-store");
  }
  {
    g_autoptr (Response) r = http_get (session, server, "/api/_test/worker?fail=1");

    assert_problem (r, 400, "invalid_request");
    g_assert_cmpstr (header (r, "X-Test-Header"), ==, "set on the worker");
  }
  {
    g_autoptr (Response) r = http_get (session, server, "/api/_test/worker?ms=x");

    assert_problem (r, 400, "invalid_request");
    g_assert_null (header (r, "X-Test-Header"));
  }

  /* a slow handler on a worker does not hold up the main loop */
  {
    Pending pending = { NULL, FALSE };

    send_pending (other, slow, NULL, &pending);
    while (metric_value (session, server, "el_http_requests_in_flight") < 2)
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (10 * 1000);
      }
    {
      g_autoptr (Response) r = http_get (session, server, "/api/health");

      g_assert_cmpuint (r->status, ==, 200);
    }
    g_assert_false (pending.done);
    while (!pending.done)
      g_main_context_iteration (NULL, TRUE);
    g_assert_nonnull (pending.response);
    g_assert_cmpuint (pending.response->status, ==, 200);
    g_clear_pointer (&pending.response, response_free);
  }

  /* the client leaves while its handler runs: nothing is sent, the server carries on */
  {
    g_autoptr (GCancellable) cancellable = g_cancellable_new ();
    Pending pending = { NULL, FALSE };

    send_pending (other, slow, cancellable, &pending);
    while (metric_value (session, server, "el_http_requests_in_flight") < 2)
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (10 * 1000);
      }
    g_cancellable_cancel (cancellable);
    while (!pending.done)
      g_main_context_iteration (NULL, TRUE);
    g_assert_null (pending.response);
    while (metric_value (session, server, "el_http_requests_in_flight") > 1)
      g_usleep (50 * 1000);
  }

  /* SIGTERM while a handler runs on a worker: its answer still goes out, then the server stops */
  {
    Pending pending = { NULL, FALSE };

    send_pending (other, slow_again, NULL, &pending);
    while (metric_value (session, server, "el_http_requests_in_flight") < 2)
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (10 * 1000);
      }
    el_test_server_send_signal (server, SIGTERM);
    while (!pending.done)
      g_main_context_iteration (NULL, TRUE);
    g_assert_nonnull (pending.response);
    g_assert_cmpuint (pending.response->status, ==, 200);
    g_clear_pointer (&pending.response, response_free);
    g_assert_cmpint (el_test_server_wait (server), ==, 0);
  }
}

static void
test_params_and_head (void)
{
  g_autoptr (ElTestServer) server = start_server (NULL);
  g_autoptr (SoupSession) session = new_session ();
  g_autofree char *health = el_test_server_url (server, "/api/health");

  {
    g_autoptr (Response) r = http_get (session, server, "/api/_test/items/a%20b%2Bc");
    g_autoptr (JsonObject) obj = body_object (r);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpstr (json_object_get_string_member (obj, "item_id"), ==, "a b+c");
  }
  {
    const char *const misses[] = { "/api/_test/items/", "/api/_test/items/x/y", "/api/_test/items",
                                   "/API/health",       "/api/health/",         NULL };

    for (guint i = 0; misses[i] != NULL; i++)
      {
        g_autoptr (Response) r = http_get (session, server, misses[i]);
        assert_problem (r, 404, "not_found");
      }
  }
  {
    g_autoptr (Response) r = http (session, "HEAD", health, NULL, NULL, NULL);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_cmpuint (g_bytes_get_size (r->body), ==, 0);
    g_assert_cmpint (soup_message_headers_get_content_length (r->headers), >, 0);
    assert_common_headers (r, "no-store");
  }
  {
    g_autoptr (Response) r = http (session, "OPTIONS", health, NULL, NULL, NULL);

    g_assert_cmpuint (r->status, ==, 204);
    g_assert_cmpstr (header (r, "Allow"), ==, "GET, HEAD, OPTIONS");
    /* RFC 9110: no Content-Length on a 204 */
    g_assert_null (header (r, "Content-Length"));
  }
  g_assert_cmpint (el_test_server_stop (server), ==, 0);
}

static GBytes *
chunked (const guint8 *data, gsize len, gsize piece)
{
  GString *out = g_string_new (NULL);

  for (gsize off = 0; off < len; off += piece)
    {
      gsize n = MIN (piece, len - off);

      g_string_append_printf (out, "%zx\r\n", n);
      g_string_append_len (out, (const char *) data + off, (gssize) n);
      g_string_append (out, "\r\n");
    }
  g_string_append (out, "0\r\n\r\n");
  return g_string_free_to_bytes (out);
}

static Response *
raw_with_body (guint port, const char *head, GBytes *body)
{
  g_autoptr (GByteArray) all = g_byte_array_new ();

  g_byte_array_append (all, (const guint8 *) head, (guint) strlen (head));
  g_byte_array_append (all, g_bytes_get_data (body, NULL), (guint) g_bytes_get_size (body));
  return raw_request (port, all->data, all->len);
}

static void
assert_upload (Response *r, gsize bytes)
{
  g_autoptr (JsonObject) obj = NULL;

  g_assert_nonnull (r);
  g_assert_cmpuint (r->status, ==, 200);
  obj = body_object (r);
  g_assert_cmpint (json_object_get_int_member (obj, "bytes"), ==, (gint64) bytes);
  /* delivered in pieces, never whole */
  g_assert_cmpint (json_object_get_int_member (obj, "chunks"), >, 10);
}

static void
test_streaming (void)
{
  g_autoptr (ElTestServer) server = start_server (NULL);
  g_autoptr (SoupSession) session = new_session ();
  g_autofree char *upload = el_test_server_url (server, "/api/_test/upload");
  guint port = el_test_server_get_port (server);
  gsize size = 3 * 1000 * 1000;
  g_autofree guint8 *data = g_malloc (size);
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GBytes) big = NULL;

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) (i * 7);
  body = g_bytes_new_static (data, size);

  {
    g_autoptr (Response) r = http (session, "POST", upload, NULL, "audio/ogg", body);
    assert_upload (r, size);
  }
  {
    g_autoptr (GBytes) encoded = chunked (data, size, 65536);
    g_autoptr (Response) r = raw_with_body (port,
                                            "POST /api/_test/upload HTTP/1.1\r\nHost: x\r\n"
                                            "Transfer-Encoding: chunked\r\n\r\n",
                                            encoded);
    assert_upload (r, size);
  }

  /* over the route's 4 MiB: 413 with and without Content-Length */
  big = g_bytes_new_take (g_malloc0 (5 * 1024 * 1024), 5 * 1024 * 1024);
  {
    g_autoptr (Response) r = raw_text (port, "POST /api/_test/upload HTTP/1.1\r\nHost: x\r\n"
                                             "Content-Length: 5242880\r\n\r\n");
    g_assert_nonnull (r);
    assert_problem (r, 413, "payload_too_large");
  }
  {
    g_autoptr (GBytes) encoded = chunked (g_bytes_get_data (big, NULL), g_bytes_get_size (big), 100000);
    g_autoptr (Response) r = raw_with_body (port,
                                            "POST /api/_test/upload HTTP/1.1\r\nHost: x\r\n"
                                            "Transfer-Encoding: chunked\r\n\r\n",
                                            encoded);
    g_assert_nonnull (r);
    assert_problem (r, 413, "payload_too_large");
    assert_common_headers (r, "no-store");
  }
  {
    /* the server is fine afterwards */
    g_autoptr (Response) r = http (session, "POST", upload, NULL, "audio/ogg", body);
    assert_upload (r, size);
  }
  g_assert_cmpint (el_test_server_stop (server), ==, 0);
}

static void
test_bad_input (void)
{
  g_autoptr (ElTestServer) server = start_server (NULL);
  g_autoptr (SoupSession) session = new_session ();
  guint port = el_test_server_get_port (server);
  g_autoptr (GString) huge = g_string_new ("GET /api/health HTTP/1.1\r\nHost: x\r\nX-Huge: ");
  g_autoptr (GString) long_path = g_string_new ("GET /");
  const struct
  {
    const char *request;
    guint status;
  } cases[] = {
    { "GET /api/v1/handoffs/%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
    { "GET /api/_test/items/a%2Fb HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
    { "GET /api/_test/items/a%5Cb HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
    { "GET /api/_test/items/a%00b HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
    { "GET /api/_test/items/%ff%fe HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
    { "GET /api/_test/items/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
    { "GET /api/_test/items/%2e%2e HTTP/1.1\r\nHost: x\r\n\r\n", 404 }, /* "..", removed by the URI parser */
    { "GET /api/_test/items/../../health/x HTTP/1.1\r\nHost: x\r\n\r\n", 404 },
    { "GET /api/health?a=1&a=2 HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
    { "GET /api/health?a=%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
    { "BREW /api/health HTTP/1.1\r\nHost: x\r\n\r\n", 405 },
    { "BREW /nowhere HTTP/1.1\r\nHost: x\r\n\r\n", 404 },
    { "GET /api/health HTTP/1.1\r\n\r\n", 400 },
    { "\x01\x02 nonsense\r\n\r\n", 400 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (Response) r = raw_text (port, cases[i].request);

      if (r == NULL || r->status != cases[i].status)
        g_error ("case %u: expected %u, got %u", i, cases[i].status, r != NULL ? r->status : 0);
      g_assert_cmpstr (header (r, "Content-Type"), ==, "application/problem+json");
      assert_common_headers (r, "no-store");
    }

  /* a broken chunked body ("zz" reads as the last chunk): 400 or closed, never a 5xx */
  {
    g_autoptr (Response) r =
        raw_text (port, "POST /api/_test/echo HTTP/1.1\r\nHost: x\r\n"
                        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "zz\r\n\r\n");

    g_assert_true (r == NULL || r->status == 400);
  }

  /* a 64 KiB header line: libsoup closes the connection (no answer is fine, a crash is not) */
  for (guint i = 0; i < 64 * 1024; i++)
    g_string_append_c (huge, 'a');
  g_string_append (huge, "\r\n\r\n");
  {
    g_autoptr (Response) r = raw_request (port, huge->str, huge->len);

    g_assert_true (r == NULL || (r->status >= 400 && r->status < 500));
  }

  /* an over-long path */
  for (guint i = 0; i < 4096; i++)
    g_string_append_c (long_path, 'a');
  g_string_append (long_path, " HTTP/1.1\r\nHost: x\r\n\r\n");
  {
    g_autoptr (Response) r = raw_request (port, long_path->str, long_path->len);

    g_assert_nonnull (r);
    assert_problem (r, 400, "invalid_request");
  }

  /* bodies over 1 MiB, with and without Content-Length */
  {
    g_autoptr (GBytes) big = g_bytes_new_take (g_malloc0 (1100 * 1024), 1100 * 1024);
    g_autoptr (GBytes) encoded = chunked (g_bytes_get_data (big, NULL), g_bytes_get_size (big), 8192);
    g_autoptr (Response) with_length =
        raw_with_body (port,
                       "POST /api/_test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                       "Content-Length: 1126400\r\n\r\n",
                       big);
    g_autoptr (Response) without =
        raw_with_body (port,
                       "POST /api/_test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                       "Transfer-Encoding: chunked\r\n\r\n",
                       encoded);

    g_assert_nonnull (with_length);
    assert_problem (with_length, 413, "payload_too_large");
    g_assert_nonnull (without);
    assert_problem (without, 413, "payload_too_large");
  }

  {
    /* still serving, and nothing was a 5xx */
    g_autoptr (Response) r = http_get (session, server, "/api/health");
    g_autoptr (Response) m = http_get (session, server, "/api/metrics");
    g_autofree char *text = g_strndup (g_bytes_get_data (m->body, NULL), g_bytes_get_size (m->body));

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_null (strstr (text, "status=\"5"));
  }
  g_assert_cmpint (el_test_server_stop (server), ==, 0);
}

static void
test_slow_clients (void)
{
  g_autoptr (ElTestServer) server = start_server ("EL_TEST_IO_TIMEOUT_MS", "300", NULL);
  g_autoptr (SoupSession) session = new_session ();
  guint port = el_test_server_get_port (server);
  g_autofree char *err = NULL;

  /* a request head that never ends, a connection that says nothing, a body that stops: each is
   * closed (the helper fails on its own 30 s timeout rather than waiting forever) */
  g_assert_null (
      raw_text (port, "POST /api/_test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"));
  g_assert_null (raw_text (port, ""));
  {
    g_autoptr (Response) r =
        raw_text (port, "POST /api/_test/echo HTTP/1.1\r\nHost: x\r\n"
                        "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":");
    g_assert_null (r);
  }
  {
    /* a kept-alive connection that stays silent after its answer is closed too */
    g_autoptr (GSocketConnection) c = raw_connect (port);
    const char *health_request = "GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n";
    g_autoptr (Response) first = NULL;

    raw_write (c, health_request, strlen (health_request));
    first = raw_read_response (c);
    g_assert_nonnull (first);
    g_assert_cmpuint (first->status, ==, 200);
    g_assert_null (header (first, "Connection"));
    g_assert_null (raw_read_response (c)); /* the end of the stream, after about 300 ms */
  }
  {
    g_autoptr (Response) r = http_get (session, server, "/api/health");
    g_assert_cmpuint (r->status, ==, 200);
  }
  g_assert_cmpint (el_test_server_stop (server), ==, 0);

  /* the half-sent head was not run as a request: the echo route only ever timed out */
  err = el_test_server_get_stderr (server);
  g_assert_null (strstr (err, "\"route\":\"/api/_test/echo\",\"status\":200"));
  g_assert_null (strstr (err, "\"route\":\"/api/_test/echo\",\"status\":400"));
  g_assert_nonnull (strstr (err, "\"route\":\"/api/_test/echo\",\"status\":408"));
}

/* Clients that close their connection after a response (as every browser and app does in time)
 * leave no descriptor behind, whatever libsoup keeps alive. */
static void
test_closed_connections_freed (void)
{
  g_autoptr (ElTestServer) server = start_server (NULL);
  guint port = el_test_server_get_port (server);
  const char *health_request = "GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n";
  guint before, after;

  {
    /* one request first: the database, its WAL and the log are open from here on */
    g_autoptr (GSocketConnection) warm = raw_connect (port);
    g_autoptr (Response) r = NULL;

    raw_write (warm, health_request, strlen (health_request));
    r = raw_read_response (warm);
    g_assert_cmpuint (r->status, ==, 200);
  }
  before = el_test_server_count_fds (server);
  for (guint i = 0; i < 200; i++)
    {
      g_autoptr (GSocketConnection) c = raw_connect (port);
      g_autoptr (Response) r = NULL;

      raw_write (c, health_request, strlen (health_request));
      r = raw_read_response (c);
      g_assert_cmpuint (r->status, ==, 200);
      g_assert_null (header (r, "Connection")); /* kept alive: the client closes it */
      g_io_stream_close (G_IO_STREAM (c), NULL, NULL);
    }
  /* the server notices each close on its own main loop: give it until a deadline */
  {
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while ((after = el_test_server_count_fds (server)) > before + 5 && g_get_monotonic_time () < deadline)
      g_usleep (20 * 1000);
  }
  g_test_message ("descriptors: %u before, %u after 200 closed connections", before, after);
  g_assert_cmpuint (after, <=, before + 5);
  g_assert_cmpint (el_test_server_stop (server), ==, 0);
}

/* A kept-alive connection serves request after request, with idle time between them (when the
 * server watches it for the client going away on libsoup < 3.3), and a client that sends its
 * request and shuts down its sending side still gets the whole answer before the server closes. */
static void
test_keepalive_reuse (void)
{
  g_autoptr (ElTestServer) server = start_server (NULL);
  guint port = el_test_server_get_port (server);
  const char *health_request = "GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n";
  const char *echo_request = "POST /api/_test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                             "Content-Length: 11\r\n\r\n{\"n\":12345}";
  g_autoptr (GSocketConnection) c = raw_connect (port);

  for (guint i = 0; i < 6; i++)
    {
      g_autoptr (Response) r = NULL;

      /* the request in two parts, the second after a pause: the head arrives while idle */
      if (i % 2 == 0)
        {
          raw_write (c, health_request, strlen (health_request));
        }
      else
        {
          raw_write (c, echo_request, 20);
          g_usleep (30 * 1000);
          raw_write (c, echo_request + 20, strlen (echo_request) - 20);
        }
      r = raw_read_response (c);
      g_assert_nonnull (r);
      g_assert_cmpuint (r->status, ==, 200);
      g_assert_null (header (r, "Connection"));
      if (i % 2 == 1)
        g_assert_nonnull (find (g_bytes_get_data (r->body, NULL), g_bytes_get_size (r->body), "12345"));
      g_usleep (50 * 1000); /* idle between requests */
    }

  /* request, then shutdown(SHUT_WR): the answer still arrives in full, then the connection ends */
  {
    g_autoptr (GSocketConnection) half = raw_connect (port);
    const char *slow_request = "GET /api/_test/slow?ms=300 HTTP/1.1\r\nHost: x\r\n\r\n";
    g_autoptr (Response) r = NULL;
    g_autoptr (GError) error = NULL;

    raw_write (half, slow_request, strlen (slow_request));
    g_assert_true (g_socket_shutdown (g_socket_connection_get_socket (half), FALSE, TRUE, &error));
    g_assert_no_error (error);
    r = raw_read_response (half);
    g_assert_nonnull (r);
    g_assert_cmpuint (r->status, ==, 200);
    g_assert_nonnull (
        find (g_bytes_get_data (r->body, NULL), g_bytes_get_size (r->body), "{\"slept_ms\":300}"));
    g_assert_null (raw_read_response (half)); /* closed after the answer */
  }
  g_assert_cmpint (el_test_server_stop (server), ==, 0);
}

static void
test_shutdown (void)
{
  g_autoptr (ElTestServer) server = start_server (NULL);
  g_autoptr (SoupSession) session = new_session ();
  guint port = el_test_server_get_port (server);
  const char *slow_request = "GET /api/_test/slow?ms=1500 HTTP/1.1\r\nHost: x\r\n\r\n";
  const char *health_request = "GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n";
  const char *nothing_request = "GET /api/v1/nothing HTTP/1.1\r\nHost: x\r\n\r\n";
  g_autoptr (GSocketConnection) slow = raw_connect (port);
  g_autoptr (GSocketConnection) idle_a = raw_connect (port);
  g_autoptr (GSocketConnection) idle_b = raw_connect (port);
  g_autoptr (Response) slow_response = NULL;
  g_autoptr (JsonObject) health = NULL;
  gboolean refused = FALSE;
  gint64 deadline;
  g_autofree char *err = NULL;

  /* two keep-alive connections, used once before the signal */
  raw_write (idle_a, health_request, strlen (health_request));
  raw_write (idle_b, health_request, strlen (health_request));
  {
    g_autoptr (Response) a = raw_read_response (idle_a);
    g_autoptr (Response) b = raw_read_response (idle_b);

    g_assert_cmpuint (a->status, ==, 200);
    g_assert_cmpuint (b->status, ==, 200);
    g_assert_null (header (a, "Connection"));
    g_assert_null (header (b, "Connection"));
  }

  raw_write (slow, slow_request, strlen (slow_request));
  /* wait until the server works on it: the metrics request itself plus the slow one */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (metric_value (session, server, "el_http_requests_in_flight") < 2)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10 * 1000);
    }

  el_test_server_send_signal (server, SIGTERM);

  /* new connections are refused once it drains */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!refused && g_get_monotonic_time () < deadline)
    {
      g_autoptr (GSocketClient) probe = new_socket_client ();
      g_autoptr (GSocketConnection) c = NULL;
      g_autoptr (GError) connect_error = NULL;

      c = g_socket_client_connect_to_host (probe, "127.0.0.1", (guint16) port, NULL, &connect_error);
      /* a connection that raced the listener's close is reset: try again until refused */
      if (c == NULL && !g_error_matches (connect_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED))
        {
          g_assert_error (connect_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
          refused = TRUE;
        }
      else
        g_usleep (10 * 1000);
    }
  g_assert_true (refused);

  /* requests on open connections: 503 and the connection closes; health says degraded */
  raw_write (idle_a, nothing_request, strlen (nothing_request));
  raw_write (idle_b, health_request, strlen (health_request));
  {
    g_autoptr (Response) a = raw_read_response (idle_a);
    g_autoptr (Response) b = raw_read_response (idle_b);

    g_assert_nonnull (a);
    assert_problem (a, 503, "service_unavailable");
    assert_common_headers (a, "no-store");
    g_assert_cmpstr (header (a, "Connection"), ==, "close");
    g_assert_nonnull (header (a, "Retry-After"));
    g_assert_nonnull (b);
    g_assert_cmpuint (b->status, ==, 503);
    g_assert_cmpstr (header (b, "Connection"), ==, "close");
    health = body_object (b);
    g_assert_cmpstr (json_object_get_string_member (health, "status"), ==, "degraded");
    g_assert_null (raw_read_response (idle_a));
  }

  /* the request in flight still gets its full answer */
  slow_response = raw_read_response (slow);
  g_assert_nonnull (slow_response);
  g_assert_cmpuint (slow_response->status, ==, 200);
  g_assert_cmpstr (header (slow_response, "Connection"), ==, "close");
  g_assert_nonnull (find (g_bytes_get_data (slow_response->body, NULL),
                          g_bytes_get_size (slow_response->body), "{\"slept_ms\":1500}"));

  g_assert_cmpint (el_test_server_wait (server), ==, 0);
  err = el_test_server_get_stderr (server);
  g_assert_nonnull (strstr (err, "\"event\":\"draining\""));
  g_assert_nonnull (strstr (err, "\"event\":\"drained\""));
  g_assert_nonnull (strstr (err, "\"event\":\"checkpoint\""));
  g_assert_nonnull (strstr (err, "\"event\":\"stopped\""));
}

static void
test_lock_while_serving (void)
{
  g_autoptr (ElTestServer) server = el_test_server_new ();
  g_autoptr (GError) error = NULL;
  ElDbLock *lock;

  el_test_server_start (server);
  /* what `restore` takes: refused while the server runs */
  lock = el_db_lock_acquire (el_test_server_get_database_path (server), EL_DB_LOCK_EXCLUSIVE, &error);
  g_assert_null (lock);
  g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_LOCKED);
  g_clear_error (&error);

  g_assert_cmpint (el_test_server_stop (server), ==, 0);
  lock = el_db_lock_acquire (el_test_server_get_database_path (server), EL_DB_LOCK_EXCLUSIVE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (lock);
  el_db_lock_release (lock);
}

static void
assert_usage_error (ElTestServer *server, const char *const *args, const char *mention)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = el_test_server_run (server, args, &out, &err);
  const char *newline;

  if (status != 2)
    g_error ("%s: exit status %d, stderr: %s", args[1] != NULL ? args[1] : args[0], status, err);
  g_assert_cmpstr (out, ==, "");
  /* exactly one line */
  newline = strchr (err, '\n');
  g_assert_nonnull (newline);
  g_assert_cmpstr (newline + 1, ==, "");
  g_assert_nonnull (strstr (err, mention));
}

static void
test_config_errors (void)
{
  g_autoptr (ElTestServer) server = el_test_server_new ();

  el_test_server_setenv (server, "JWT_SECRET", "too-short");
  assert_usage_error (server, (const char *[]){ "serve", "--port", "0", NULL }, "JWT_SECRET");
  /* the value never appears */
  {
    g_autofree char *err = NULL;

    el_test_server_run (server, (const char *[]){ "serve", "--port", "0", NULL }, NULL, &err);
    g_assert_null (strstr (err, "too-short"));
  }
  el_test_server_setenv (server, "JWT_SECRET", EL_TEST_JWT_SECRET);

  el_test_server_setenv (server, "ENCRYPTION_KEY", NULL);
  assert_usage_error (server, (const char *[]){ "serve", "--port", "0", NULL }, "ENCRYPTION_KEY");
  el_test_server_setenv (server, "ENCRYPTION_KEY", EL_TEST_ENCRYPTION_KEY);

  el_test_server_setenv (server, "PORT", "http");
  assert_usage_error (server, (const char *[]){ "serve", NULL }, "PORT");
  el_test_server_setenv (server, "PORT", NULL);

  el_test_server_setenv (server, "RATE_LIMIT_MAX_REQUESTS", "lots");
  assert_usage_error (server, (const char *[]){ "serve", "--port", "0", NULL }, "RATE_LIMIT_MAX_REQUESTS");
  el_test_server_setenv (server, "RATE_LIMIT_MAX_REQUESTS", NULL);

  assert_usage_error (server, (const char *[]){ "serve", "--host", "localhost", "--port", "0", NULL },
                      "--host");
  assert_usage_error (server, (const char *[]){ "serve", "--port", "70000", NULL }, "--port");
  assert_usage_error (server, (const char *[]){ "serve", "--port", "-1", NULL }, "--port");
  assert_usage_error (server, (const char *[]){ "serve", "--frobnicate", NULL }, "frobnicate");
  assert_usage_error (server, (const char *[]){ "serve", "extra", NULL }, "serve");
}

static void
test_dev (void)
{
  g_autoptr (ElTestServer) server = el_test_server_new ();
  g_autoptr (SoupSession) session = new_session ();
  g_autoptr (Response) r = NULL;
  g_autofree char *err = NULL;
  g_auto (GStrv) lines = NULL;
  guint mentions = 0;

  el_test_server_setenv (server, "JWT_SECRET", NULL);
  el_test_server_setenv (server, "ENCRYPTION_KEY", NULL);
  el_test_server_set_migrate (server, FALSE); /* --dev migrates by itself */
  el_test_server_add_arg (server, "--dev");
  el_test_server_start (server);

  r = http_get (session, server, "/api/health");
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpint (el_test_server_stop (server), ==, 0);

  err = el_test_server_get_stderr (server);
  lines = g_strsplit (err, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "throwaway") != NULL)
      mentions++;
  g_assert_cmpuint (mentions, ==, 1);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/el/server/http/paths", test_paths);
  g_test_add_func ("/el/server/http/workers", test_workers);
  g_test_add_func ("/el/server/http/templates", test_templates);
  g_test_add_func ("/el/server/http/queries", test_queries);
  g_test_add_func ("/el/server/http/problem-codes", test_problem_codes);
  g_test_add_func ("/el/server/http/metrics-format", test_metrics_format);
  g_test_add_func ("/el/server/http/listening", test_listening);
  g_test_add_func ("/el/server/http/ipv6", test_ipv6);
  g_test_add_func ("/el/server/http/headers-everywhere", test_headers_everywhere);
  g_test_add_func ("/el/server/http/cors", test_cors);
  g_test_add_func ("/el/server/http/rate-limit", test_rate_limit);
  g_test_add_func ("/el/server/http/docs", test_docs);
  g_test_add_func ("/el/server/http/metrics", test_metrics);
  g_test_add_func ("/el/server/http/health", test_health);
  g_test_add_func ("/el/server/http/health-storage-down", test_health_storage_down);
  g_test_add_func ("/el/server/http/logs", test_logs);
  g_test_add_func ("/el/server/http/json-bodies", test_json_bodies);
  g_test_add_func ("/el/server/http/params-and-head", test_params_and_head);
  g_test_add_func ("/el/server/http/streaming", test_streaming);
  g_test_add_func ("/el/server/http/bad-input", test_bad_input);
  g_test_add_func ("/el/server/http/slow-clients", test_slow_clients);
  g_test_add_func ("/el/server/http/shutdown", test_shutdown);
  g_test_add_func ("/el/server/http/closed-connections-freed", test_closed_connections_freed);
  g_test_add_func ("/el/server/http/keepalive-reuse", test_keepalive_reuse);
  g_test_add_func ("/el/server/http/lock-while-serving", test_lock_while_serving);
  g_test_add_func ("/el/server/http/config-errors", test_config_errors);
  g_test_add_func ("/el/server/http/dev", test_dev);

  return g_test_run ();
}
