/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Idempotency across a crash: a server built with -Dfault_injection=true and run with
 * EL_FAULT=kill-after-commit:ROUTE dies (SIGKILL) right after the COMMIT of an idempotent write,
 * before its reply. A second server on the same database, without the fault, must answer the
 * client's retry with the stored response, and the effect must exist exactly once.
 *
 * In a build without the option the hook is absent (the server does not log `fault_injection`):
 * the tests fail, saying so. CI builds with it (.ci/test, .ci/run).
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sqlite3.h>
#include <string.h>

#include "el-test-server.h"

#define PASSWORD       "handoff-demo-test"
#define HANDOFFS_ROUTE "/api/v1/handoffs"
#define VERSIONS_ROUTE "/api/v1/handoffs/{handoff_id}/sbar/versions"

typedef struct
{
  guint status;
  GBytes *body;
  JsonNode *json;
  SoupMessageHeaders *headers;
} Resp;

static void
resp_free (Resp *resp)
{
  g_clear_pointer (&resp->body, g_bytes_unref);
  g_clear_pointer (&resp->json, json_node_unref);
  g_clear_pointer (&resp->headers, soup_message_headers_unref);
  g_free (resp);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Resp, resp_free)

static SoupSession *
new_session (void)
{
  g_autoptr (GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

  return soup_session_new_with_options ("timeout", 30, "proxy-resolver", direct, NULL);
}

/* Sends a request; NULL with @error set when the connection died without an answer. */
static Resp *
try_call (SoupSession *session,
          ElTestServer *server,
          const char *method,
          const char *path,
          const char *token,
          const char *body,
          const char *key,
          GError **error)
{
  g_autofree char *url = el_test_server_url (server, path);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GBytes) reply = NULL;
  SoupMessageHeaders *hdrs = soup_message_get_request_headers (msg);
  const char *type;
  Resp *resp;

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
  reply = soup_session_send_and_read (session, msg, NULL, error);
  if (reply == NULL)
    return NULL;
  resp = g_new0 (Resp, 1);
  resp->status = soup_message_get_status (msg);
  resp->body = g_bytes_ref (reply);
  resp->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  type = soup_message_headers_get_content_type (resp->headers, NULL);
  if (g_strcmp0 (type, "application/json") == 0 || g_strcmp0 (type, "application/problem+json") == 0)
    {
      g_autoptr (GError) parse_error = NULL;
      g_autofree char *text = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));

      resp->json = json_from_string (text, &parse_error);
      g_assert_no_error (parse_error);
    }
  return resp;
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
  g_autoptr (GError) error = NULL;
  Resp *resp = try_call (session, server, method, path, token, body, key, &error);

  g_assert_no_error (error);
  return resp;
}

static const char *
member (Resp *resp, const char *name)
{
  g_assert_nonnull (resp->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (resp->json));
  return json_object_get_string_member_with_default (json_node_get_object (resp->json), name, NULL);
}

/* ------------------------------------------------------------------------------------------------
 * The database, read directly.
 */

static gint64
count_rows (const char *db_path, const char *sql, const char *arg)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (arg != NULL)
    sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* ------------------------------------------------------------------------------------------------
 * Servers.
 */

/* A seeded server armed with EL_FAULT=kill-after-commit:@route; NULL (test failed) when this
 * build has no fault hook. */
static ElTestServer *
start_faulty_server (const char *route)
{
  static const char *const migrate[] = { "migrate", NULL };
  static const char *const seed[] = { "seed-demo", "--password", PASSWORD, NULL };
  g_autoptr (ElTestServer) server = el_test_server_new ();
  g_autofree char *fault = g_strconcat ("kill-after-commit:", route, NULL);
  g_autofree char *err = NULL;
  g_autofree char *log = NULL;

  el_test_server_setenv (server, "RATE_LIMIT_ENABLED", "false");
  g_assert_cmpint (el_test_server_run (server, migrate, NULL, &err), ==, 0);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (el_test_server_run (server, seed, NULL, &err), ==, 0);
  el_test_server_set_migrate (server, FALSE);
  el_test_server_setenv (server, "EL_FAULT", fault);
  el_test_server_start (server);
  log = el_test_server_get_stderr (server);
  if (strstr (log, "\"event\":\"fault_injection\"") == NULL)
    {
      /* Not a skip: a build that cannot prove the crash-after-commit guarantee fails. */
      g_test_fail_printf ("this build has no fault hook: configure with -Dfault_injection=true");
      return NULL;
    }
  return g_steal_pointer (&server);
}

/* A second server on @first's database and storage, without the fault. */
static ElTestServer *
restart_on_same_database (ElTestServer *first)
{
  ElTestServer *server = el_test_server_new ();
  g_autofree char *url = g_strconcat ("sqlite://", el_test_server_get_database_path (first), NULL);

  el_test_server_setenv (server, "RATE_LIMIT_ENABLED", "false");
  el_test_server_setenv (server, "DATABASE_URL", url);
  el_test_server_setenv (server, "STORAGE_DIR", el_test_server_get_storage_dir (first));
  el_test_server_setenv (server, "EL_FAULT", NULL);
  el_test_server_set_migrate (server, FALSE);
  el_test_server_start (server);
  return server;
}

static char *
login (SoupSession *session, ElTestServer *server, char **unit_id)
{
  const char *body = "{\"email\":\"nurse.a@demo.eclipselink.ai\",\"password\":\"" PASSWORD "\"}";
  g_autoptr (Resp) resp = call (session, server, "POST", "/api/v1/auth/login", NULL, body, NULL);
  JsonObject *user;

  g_assert_cmpuint (resp->status, ==, 200);
  user = json_object_get_object_member (json_node_get_object (resp->json), "user");
  *unit_id = g_strdup (json_object_get_string_member (user, "unit_id"));
  return g_strdup (member (resp, "access_token"));
}

static char *
first_patient (SoupSession *session, ElTestServer *server, const char *token, const char *unit_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/patients?unit_id=%s", unit_id);
  g_autoptr (Resp) resp = call (session, server, "GET", path, token, NULL, NULL);
  JsonArray *items;

  g_assert_cmpuint (resp->status, ==, 200);
  items = json_object_get_array_member (json_node_get_object (resp->json), "items");
  g_assert_cmpuint (json_array_get_length (items), >, 0);
  return g_strdup (json_object_get_string_member (json_array_get_object_element (items, 0), "id"));
}

static char *
handoff_body (const char *id, const char *patient)
{
  return g_strdup_printf (
      "{\"id\":\"%s\",\"patient_id\":\"%s\",\"shift_date\":\"2026-11-20\",\"shift\":\"day\"}", id, patient);
}

/* The request dies with the server: no status, the connection closed. */
static void
assert_connection_dies (SoupSession *session,
                        ElTestServer *server,
                        const char *path,
                        const char *token,
                        const char *body,
                        const char *key)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (Resp) resp = try_call (session, server, "POST", path, token, body, key, &error);

  g_assert_null (resp);
  g_assert_nonnull (error);
}

/* The retry's answer is the stored one, replayed, and a second retry gets the same bytes. */
static void
assert_replayed (Resp *resp, guint status)
{
  g_assert_cmpuint (resp->status, ==, status);
  g_assert_cmpstr (soup_message_headers_get_one (resp->headers, "Idempotent-Replayed"), ==, "true");
  g_assert_nonnull (resp->json);
}

/* ------------------------------------------------------------------------------------------------
 * Tests.
 */

static void
test_kill_after_commit_handoff (void)
{
  g_autoptr (ElTestServer) first = start_faulty_server (HANDOFFS_ROUTE);
  g_autoptr (ElTestServer) second = NULL;
  g_autoptr (SoupSession) session = NULL;
  g_autoptr (SoupSession) session2 = NULL;
  g_autofree char *unit_id = NULL;
  g_autofree char *token = NULL;
  g_autofree char *patient = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  const char *db_path;

  if (first == NULL)
    return;
  session = new_session ();
  token = login (session, first, &unit_id);
  patient = first_patient (session, first, token, unit_id);
  body = handoff_body (id, patient);
  path = g_strdup_printf ("/api/v1/handoffs/%s", id);
  db_path = el_test_server_get_database_path (first);

  assert_connection_dies (session, first, "/api/v1/handoffs", token, body, key);
  /* committed before the crash */
  g_assert_cmpint (count_rows (db_path, "SELECT count(*) FROM handoffs WHERE id = ?1", id), ==, 1);

  second = restart_on_same_database (first);
  session2 = new_session ();
  {
    g_autoptr (Resp) retry = call (session2, second, "POST", "/api/v1/handoffs", token, body, key);
    g_autoptr (Resp) again = call (session2, second, "POST", "/api/v1/handoffs", token, body, key);
    g_autoptr (Resp) current = call (session2, second, "GET", path, token, NULL, NULL);

    assert_replayed (retry, 201);
    g_assert_cmpstr (member (retry, "id"), ==, id);
    g_assert_cmpstr (soup_message_headers_get_one (retry->headers, "Location"), ==, path);
    /* the response of the crashed request: the handoff as it was committed */
    g_assert_cmpuint (current->status, ==, 200);
    g_assert_true (json_node_equal (retry->json, current->json));
    g_assert_cmpstr (soup_message_headers_get_one (retry->headers, "ETag"), ==,
                     soup_message_headers_get_one (current->headers, "ETag"));
    assert_replayed (again, 201);
    g_assert_true (g_bytes_equal (retry->body, again->body));
  }

  /* exactly one effect */
  g_assert_cmpint (count_rows (db_path, "SELECT count(*) FROM handoffs WHERE id = ?1", id), ==, 1);
  g_assert_cmpint (
      count_rows (db_path, "SELECT count(*) FROM changes WHERE entity_type = 'handoff' AND entity_id = ?1",
                  id),
      ==, 1);
  g_assert_cmpint (count_rows (db_path, "SELECT count(*) FROM audit_events WHERE entity_id = ?1", id), ==, 1);
  g_assert_cmpint (
      count_rows (db_path, "SELECT count(*) FROM idempotency_keys WHERE key = ?1 AND state = 'done'", key),
      ==, 1);
  g_assert_cmpint (el_test_server_stop (second), ==, 0);
}

static void
test_kill_after_commit_sbar_version (void)
{
  g_autoptr (ElTestServer) first = start_faulty_server (VERSIONS_ROUTE);
  g_autoptr (ElTestServer) second = NULL;
  g_autoptr (SoupSession) session = NULL;
  g_autoptr (SoupSession) session2 = NULL;
  g_autofree char *unit_id = NULL;
  g_autofree char *token = NULL;
  g_autofree char *patient = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *create_key = g_uuid_string_random ();
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *body = NULL;
  g_autofree char *versions = NULL;
  const char *version_body =
      "{\"base_version\":0,\"source\":\"nurse\",\"situation\":\"Stable overnight.\",\"fields\":{}}";
  const char *db_path;
  gint64 changes_before, audit_before;

  if (first == NULL)
    return;
  session = new_session ();
  token = login (session, first, &unit_id);
  patient = first_patient (session, first, token, unit_id);
  body = handoff_body (id, patient);
  versions = g_strdup_printf ("/api/v1/handoffs/%s/sbar/versions", id);
  db_path = el_test_server_get_database_path (first);
  {
    /* another route: not armed */
    g_autoptr (Resp) created = call (session, first, "POST", "/api/v1/handoffs", token, body, create_key);
    g_assert_cmpuint (created->status, ==, 201);
  }
  changes_before = count_rows (db_path, "SELECT count(*) FROM changes", NULL);
  audit_before = count_rows (db_path, "SELECT count(*) FROM audit_events", NULL);

  assert_connection_dies (session, first, versions, token, version_body, key);
  g_assert_cmpint (count_rows (db_path, "SELECT count(*) FROM sbar_versions WHERE handoff_id = ?1", id), ==,
                   1);

  second = restart_on_same_database (first);
  session2 = new_session ();
  {
    g_autoptr (Resp) retry = call (session2, second, "POST", versions, token, version_body, key);
    g_autoptr (Resp) again = call (session2, second, "POST", versions, token, version_body, key);
    g_autofree char *v1_path = g_strdup_printf ("%s/1", versions);
    g_autoptr (Resp) v1 = call (session2, second, "GET", v1_path, token, NULL, NULL);
    g_autoptr (Resp) list = call (session2, second, "GET", versions, token, NULL, NULL);

    assert_replayed (retry, 201);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (retry->json), "version"), ==, 1);
    g_assert_cmpstr (soup_message_headers_get_one (retry->headers, "Location"), ==, v1_path);
    g_assert_cmpuint (v1->status, ==, 200);
    g_assert_true (json_node_equal (retry->json, v1->json));
    assert_replayed (again, 201);
    g_assert_true (g_bytes_equal (retry->body, again->body));
    g_assert_cmpuint (list->status, ==, 200);
    g_assert_cmpuint (
        json_array_get_length (json_object_get_array_member (json_node_get_object (list->json), "items")), ==,
        1);
  }

  /* one new version, one change-feed entry, one audit event: those of the crashed request */
  g_assert_cmpint (count_rows (db_path, "SELECT count(*) FROM sbar_versions WHERE handoff_id = ?1", id), ==,
                   1);
  g_assert_cmpint (count_rows (db_path, "SELECT count(*) FROM changes", NULL), ==, changes_before + 1);
  g_assert_cmpint (count_rows (db_path, "SELECT count(*) FROM audit_events", NULL), ==, audit_before + 1);
  g_assert_cmpint (el_test_server_stop (second), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/el/server/fault/idempotency/kill-after-commit-handoff", test_kill_after_commit_handoff);
  g_test_add_func ("/el/server/fault/idempotency/kill-after-commit-sbar-version",
                   test_kill_after_commit_sbar_version);
  return g_test_run ();
}
