/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The API's own metrics on /api/metrics (handoffs created by unit, SBAR versions by source, the
 * completeness histogram, the speech histograms registered empty) and the idempotency-key purge
 * that `serve` runs at start (then hourly).
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sqlite3.h>
#include <string.h>

#include "el-test-server.h"

#define PASSWORD "handoff-demo-test"

typedef struct
{
  guint status;
  char *text;
  JsonNode *json;
} Resp;

static void
resp_free (Resp *resp)
{
  g_free (resp->text);
  g_clear_pointer (&resp->json, json_node_unref);
  g_free (resp);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Resp, resp_free)

static SoupSession *
new_session (void)
{
  g_autoptr (GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

  return soup_session_new_with_options ("timeout", 30, "proxy-resolver", direct, NULL);
}

static Resp *
call (SoupSession *session,
      ElTestServer *server,
      const char *method,
      const char *path,
      const char *token,
      const char *body,
      const char *key)
{
  g_autofree char *url = el_test_server_url (server, path);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GBytes) reply = NULL;
  g_autoptr (GError) error = NULL;
  SoupMessageHeaders *hdrs = soup_message_get_request_headers (msg);
  const char *type;
  Resp *resp = g_new0 (Resp, 1);

  if (token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (hdrs, "Authorization", auth);
    }
  if (key != NULL)
    soup_message_headers_replace (hdrs, "Idempotency-Key", key);
  if (body != NULL)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  resp->status = soup_message_get_status (msg);
  resp->text = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
  type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);
  if (g_strcmp0 (type, "application/json") == 0 || g_strcmp0 (type, "application/problem+json") == 0)
    {
      resp->json = json_from_string (resp->text, &error);
      g_assert_no_error (error);
    }
  return resp;
}

static char *
metrics_text (SoupSession *session, ElTestServer *server)
{
  g_autoptr (Resp) resp = call (session, server, "GET", "/api/metrics", NULL, NULL, NULL);

  g_assert_cmpuint (resp->status, ==, 200);
  return g_steal_pointer (&resp->text);
}

static void
assert_has_line (const char *text, const char *line)
{
  g_autofree char *needle = g_strconcat ("\n", line, "\n", NULL);

  if (strstr (text, needle) == NULL)
    g_error ("metrics lack the line «%s» in:\n%s", line, text);
}

/* ------------------------------------------------------------------------------------------------
 * Metrics.
 */

static void
test_metrics (void)
{
  static const char *const migrate[] = { "migrate", NULL };
  static const char *const seed[] = { "seed-demo", "--password", PASSWORD, NULL };
  g_autoptr (ElTestServer) server = el_test_server_new ();
  g_autoptr (SoupSession) session = new_session ();
  g_autofree char *err = NULL;
  g_autofree char *token = NULL;
  g_autofree char *unit_id = NULL;
  g_autofree char *patient = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *handoff_line = NULL;
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *id2 = g_uuid_string_random ();
  g_autofree char *body = NULL;
  g_autofree char *body2 = NULL;
  g_autofree char *versions = NULL;
  const char *version_body =
      "{\"base_version\":0,\"source\":\"nurse\",\"situation\":\"Stable overnight.\",\"fields\":{}}";

  el_test_server_setenv (server, "RATE_LIMIT_ENABLED", "false");
  g_assert_cmpint (el_test_server_run (server, migrate, NULL, &err), ==, 0);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (el_test_server_run (server, seed, NULL, &err), ==, 0);
  el_test_server_set_migrate (server, FALSE);
  el_test_server_start (server);

  /* registered before anything happened: the speech histograms stay empty and say why */
  before = metrics_text (session, server);
  g_assert_nonnull (strstr (before, "# TYPE el_handoffs_created_total counter\n"));
  g_assert_nonnull (strstr (before, "# TYPE el_sbar_versions_created_total counter\n"));
  g_assert_nonnull (strstr (before, "# TYPE el_sbar_completeness_score histogram\n"));
  g_assert_nonnull (strstr (before, "# TYPE el_transcription_duration_seconds histogram\n"));
  g_assert_nonnull (strstr (before, "# TYPE el_extraction_duration_seconds histogram\n"));
  g_assert_nonnull (strstr (before, "# HELP el_transcription_duration_seconds "));
  g_assert_nonnull (strstr (before, "until the speech engine ships"));
  g_assert_null (strstr (before, "el_handoffs_created_total{"));
  assert_has_line (before, "el_sbar_completeness_score_count 0");
  assert_has_line (before, "el_transcription_duration_seconds_count 0");
  assert_has_line (before, "el_extraction_duration_seconds_count 0");

  {
    const char *login = "{\"email\":\"nurse.a@demo.eclipselink.ai\",\"password\":\"" PASSWORD "\"}";
    g_autoptr (Resp) resp = call (session, server, "POST", "/api/v1/auth/login", NULL, login, NULL);
    JsonObject *user;

    g_assert_cmpuint (resp->status, ==, 200);
    token = g_strdup (json_object_get_string_member (json_node_get_object (resp->json), "access_token"));
    user = json_object_get_object_member (json_node_get_object (resp->json), "user");
    unit_id = g_strdup (json_object_get_string_member (user, "unit_id"));
  }
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/patients?unit_id=%s", unit_id);
    g_autoptr (Resp) resp = call (session, server, "GET", path, token, NULL, NULL);
    JsonArray *items;

    g_assert_cmpuint (resp->status, ==, 200);
    items = json_object_get_array_member (json_node_get_object (resp->json), "items");
    patient = g_strdup (json_object_get_string_member (json_array_get_object_element (items, 0), "id"));
  }

  body = g_strdup_printf (
      "{\"id\":\"%s\",\"patient_id\":\"%s\",\"shift_date\":\"2026-11-20\",\"shift\":\"day\"}", id, patient);
  body2 = g_strdup_printf (
      "{\"id\":\"%s\",\"patient_id\":\"%s\",\"shift_date\":\"2026-11-20\",\"shift\":\"night\"}", id2,
      patient);
  versions = g_strdup_printf ("/api/v1/handoffs/%s/sbar/versions", id);
  {
    g_autofree char *key2 = g_uuid_string_random ();
    g_autofree char *key3 = g_uuid_string_random ();
    g_autoptr (Resp) a = call (session, server, "POST", "/api/v1/handoffs", token, body, key);
    g_autoptr (Resp) replayed = call (session, server, "POST", "/api/v1/handoffs", token, body, key);
    g_autoptr (Resp) b = call (session, server, "POST", "/api/v1/handoffs", token, body2, key2);
    g_autoptr (Resp) v = call (session, server, "POST", versions, token, version_body, key3);

    g_assert_cmpuint (a->status, ==, 201);
    g_assert_cmpuint (replayed->status, ==, 201);
    g_assert_cmpuint (b->status, ==, 201);
    g_assert_cmpuint (v->status, ==, 201);
  }

  after = metrics_text (session, server);
  /* two handoffs (the replay is not a new one), labelled with the unit's id */
  handoff_line = g_strdup_printf ("el_handoffs_created_total{unit=\"%s\"} 2", unit_id);
  assert_has_line (after, handoff_line);
  assert_has_line (after, "el_sbar_versions_created_total{source=\"nurse\"} 1");
  assert_has_line (after, "el_sbar_completeness_score_count 1");
  assert_has_line (after, "el_sbar_completeness_score_bucket{le=\"100\"} 1");
  assert_has_line (after, "el_sbar_completeness_score_bucket{le=\"+Inf\"} 1");
  g_assert_nonnull (strstr (after, "el_sbar_completeness_score_bucket{le=\"90\"}"));
  assert_has_line (after, "el_transcription_duration_seconds_count 0");
  assert_has_line (after, "el_extraction_duration_seconds_count 0");
  g_assert_cmpint (el_test_server_stop (server), ==, 0);
}

/* ------------------------------------------------------------------------------------------------
 * Idempotency-key purge at start.
 */

static void
insert_key (sqlite3 *db, const char *key, const char *created_at)
{
  sqlite3_stmt *stmt = NULL;
  const guint8 hash[32] = { 0 };

  g_assert_cmpint (
      sqlite3_prepare_v2 (db,
                          "INSERT INTO idempotency_keys (scope, key, method, route, request_hash, "
                          "state, status, created_at, updated_at) VALUES ('ip:127.0.0.1', ?1, "
                          "'POST', '/api/v1/handoffs', ?2, 'done', 201, ?3, ?3)",
                          -1, &stmt, NULL),
      ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob (stmt, 2, hash, sizeof hash, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, created_at, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
}

static gint64
count_keys (const char *path, const char *key)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (
      sqlite3_prepare_v2 (db, "SELECT count(*) FROM idempotency_keys WHERE key = ?1", -1, &stmt, NULL), ==,
      SQLITE_OK);
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static void
test_purge_at_start (void)
{
  static const char *const migrate[] = { "migrate", NULL };
  g_autoptr (ElTestServer) server = el_test_server_new ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) recent = g_date_time_add_days (now, -29);
  g_autofree char *recent_str = g_date_time_format (recent, "%Y-%m-%dT%H:%M:%S.000Z");
  g_autofree char *err = NULL;
  g_autofree char *log = NULL;
  const char *path = el_test_server_get_database_path (server);
  sqlite3 *db = NULL;

  g_assert_cmpint (el_test_server_run (server, migrate, NULL, &err), ==, 0);
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  insert_key (db, "old-key", "2020-01-01T00:00:00.000Z");
  insert_key (db, "recent-key", recent_str);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  g_assert_cmpint (count_keys (path, "old-key"), ==, 1);
  g_assert_cmpint (count_keys (path, "recent-key"), ==, 1);

  el_test_server_set_migrate (server, FALSE);
  el_test_server_start (server);
  /* purged before the listening line */
  g_assert_cmpint (count_keys (path, "old-key"), ==, 0);
  g_assert_cmpint (count_keys (path, "recent-key"), ==, 1);
  log = el_test_server_get_stderr (server);
  g_assert_nonnull (strstr (log, "\"event\":\"idempotency_purged\""));
  g_assert_nonnull (strstr (log, "\"deleted\":1"));
  g_assert_cmpint (el_test_server_stop (server), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/el/server/api/metrics/created-and-completeness", test_metrics);
  g_test_add_func ("/el/server/api/idempotency/purge-at-start", test_purge_at_start);
  return g_test_run ();
}
