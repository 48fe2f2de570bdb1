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

#include <sqlite3.h>
#include <string.h>

#include "el-test-api.h"

#define PASSWORD       "handoff-demo-test"
#define HANDOFFS_ROUTE "/api/v1/handoffs"
#define VERSIONS_ROUTE "/api/v1/handoffs/{handoff_id}/sbar/versions"

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
  g_autoptr (ElTestServer) server = el_test_server_new ();
  g_autofree char *fault = g_strconcat ("kill-after-commit:", route, NULL);

  el_test_demo_prepare (server, PASSWORD);
  el_test_server_setenv (server, "EL_FAULT", fault);
  el_test_server_start (server);
  if (!el_test_server_require_fault_hook (server))
    return NULL;
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

/* Signs nurse.a in (asserting she has a unit); returns a day-shift handoff with id @id for her
 * unit's first patient, the body of a POST /api/v1/handoffs. */
static char *
sign_in (ElTestApi *api, const char *id, const ElTestLogin **nurse)
{
  g_autofree char *patient = NULL;

  *nurse = el_test_api_login (api, EL_TEST_DEMO_NURSE_A, PASSWORD);
  g_assert_nonnull ((*nurse)->unit_id);
  patient = el_test_api_patient_id (api, *nurse, 0);
  return el_test_handoff_body (id, patient, "day", NULL);
}

/* The request dies with the server: no status, the connection closed. */
static void
assert_connection_dies (
    ElTestApi *api, const char *path, const ElTestLogin *who, const char *body, const char *key)
{
  const char *const headers[] = { "Idempotency-Key", key, NULL };
  g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr (GError) error = NULL;
  g_autoptr (ElTestResponse) resp = el_test_api_send (api, "POST", path, who->token, bytes, headers, &error);

  g_assert_null (resp);
  g_assert_nonnull (error);
}

/* The retry's answer is the stored one, replayed, and a second retry gets the same bytes. */
static void
assert_replayed (ElTestResponse *resp, guint status)
{
  g_assert_cmpuint (resp->status, ==, status);
  g_assert_cmpstr (el_test_response_get_header (resp, "Idempotent-Replayed"), ==, "true");
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
  g_autoptr (ElTestApi) api = NULL;
  g_autoptr (ElTestApi) api2 = NULL;
  const ElTestLogin *nurse;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  const char *db_path;

  if (first == NULL)
    return;
  api = el_test_api_new (first);
  body = sign_in (api, id, &nurse);
  path = el_test_handoff_path (id, NULL);
  db_path = el_test_server_get_database_path (first);

  assert_connection_dies (api, "/api/v1/handoffs", nurse, body, key);
  /* committed before the crash */
  g_assert_cmpint (count_rows (db_path, "SELECT count(*) FROM handoffs WHERE id = ?1", id), ==, 1);

  second = restart_on_same_database (first);
  api2 = el_test_api_new (second);
  {
    g_autoptr (ElTestResponse) retry =
        el_test_api_call (api2, "POST", "/api/v1/handoffs", nurse, body, "Idempotency-Key", key, EL_TEST_END);
    g_autoptr (ElTestResponse) again =
        el_test_api_call (api2, "POST", "/api/v1/handoffs", nurse, body, "Idempotency-Key", key, EL_TEST_END);
    g_autoptr (ElTestResponse) current = el_test_api_call (api2, "GET", path, nurse, NULL, EL_TEST_END);

    assert_replayed (retry, 201);
    g_assert_cmpstr (el_test_response_get_string (retry, "id"), ==, id);
    g_assert_cmpstr (el_test_response_get_header (retry, "Location"), ==, path);
    /* the response of the crashed request: the handoff as it was committed */
    g_assert_cmpuint (current->status, ==, 200);
    g_assert_true (json_node_equal (retry->json, current->json));
    g_assert_cmpstr (el_test_response_get_header (retry, "ETag"), ==,
                     el_test_response_get_header (current, "ETag"));
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
  g_autoptr (ElTestApi) api = NULL;
  g_autoptr (ElTestApi) api2 = NULL;
  const ElTestLogin *nurse;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *create_key = g_uuid_string_random ();
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *body = NULL;
  g_autofree char *versions = NULL;
  g_autofree char *version_body = el_test_sbar_version_body (0, "Stable overnight.");
  const char *db_path;
  gint64 changes_before, audit_before;

  if (first == NULL)
    return;
  api = el_test_api_new (first);
  body = sign_in (api, id, &nurse);
  versions = el_test_handoff_path (id, "/sbar/versions");
  db_path = el_test_server_get_database_path (first);
  {
    /* another route: not armed */
    g_autoptr (ElTestResponse) created = el_test_api_call (api, "POST", "/api/v1/handoffs", nurse, body,
                                                           "Idempotency-Key", create_key, EL_TEST_END);
    g_assert_cmpuint (created->status, ==, 201);
  }
  changes_before = count_rows (db_path, "SELECT count(*) FROM changes", NULL);
  audit_before = count_rows (db_path, "SELECT count(*) FROM audit_events", NULL);

  assert_connection_dies (api, versions, nurse, version_body, key);
  g_assert_cmpint (count_rows (db_path, "SELECT count(*) FROM sbar_versions WHERE handoff_id = ?1", id), ==,
                   1);

  second = restart_on_same_database (first);
  api2 = el_test_api_new (second);
  {
    g_autoptr (ElTestResponse) retry =
        el_test_api_call (api2, "POST", versions, nurse, version_body, "Idempotency-Key", key, EL_TEST_END);
    g_autoptr (ElTestResponse) again =
        el_test_api_call (api2, "POST", versions, nurse, version_body, "Idempotency-Key", key, EL_TEST_END);
    g_autofree char *v1_path = g_strdup_printf ("%s/1", versions);
    g_autoptr (ElTestResponse) v1 = el_test_api_call (api2, "GET", v1_path, nurse, NULL, EL_TEST_END);
    g_autoptr (ElTestResponse) list = el_test_api_call (api2, "GET", versions, nurse, NULL, EL_TEST_END);

    assert_replayed (retry, 201);
    g_assert_cmpint (json_object_get_int_member (el_test_response_get_object (retry), "version"), ==, 1);
    g_assert_cmpstr (el_test_response_get_header (retry, "Location"), ==, v1_path);
    g_assert_cmpuint (v1->status, ==, 200);
    g_assert_true (json_node_equal (retry->json, v1->json));
    assert_replayed (again, 201);
    g_assert_true (g_bytes_equal (retry->body, again->body));
    g_assert_cmpuint (list->status, ==, 200);
    g_assert_cmpuint (
        json_array_get_length (json_object_get_array_member (el_test_response_get_object (list), "items")),
        ==, 1);
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
