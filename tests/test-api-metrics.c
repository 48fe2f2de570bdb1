/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The API's own metrics on /api/metrics (handoffs created by unit, SBAR versions by source, the
 * completeness histogram, the speech histograms registered empty) and the idempotency-key purge
 * that `serve` runs at start (then hourly).
 */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "el-test-api.h"

#define PASSWORD "handoff-demo-test"

static char *
metrics_text (ElTestApi *api)
{
  g_autoptr (ElTestResponse) resp = el_test_api_call (api, "GET", "/api/metrics", NULL, NULL, EL_TEST_END);

  g_assert_cmpuint (resp->status, ==, 200);
  return g_strdup (resp->text);
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
  g_autoptr (ElTestServer) server = el_test_server_new ();
  g_autoptr (ElTestApi) api = el_test_api_new (server);
  const ElTestLogin *nurse;
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
  g_autofree char *version_body = el_test_sbar_version_body (0, "Stable overnight.");

  el_test_demo_prepare (server, PASSWORD);
  el_test_server_start (server);

  /* registered before anything happened: the speech histograms stay empty and say why */
  before = metrics_text (api);
  g_assert_nonnull (strstr (before, "# TYPE el_handoffs_created_total counter\n"));
  g_assert_nonnull (strstr (before, "# TYPE el_sbar_versions_created_total counter\n"));
  g_assert_nonnull (strstr (before, "# TYPE el_sbar_completeness_score histogram\n"));
  g_assert_nonnull (strstr (before, "# TYPE el_transcription_duration_seconds histogram\n"));
  g_assert_nonnull (strstr (before, "# TYPE el_sbar_generation_duration_seconds histogram\n"));
  g_assert_nonnull (strstr (before, "# HELP el_transcription_duration_seconds "));
  g_assert_nonnull (strstr (before, "# TYPE el_sbar_quality_score histogram\n"));
  g_assert_nonnull (strstr (before, "# TYPE el_speech_jobs_total counter\n"));
  g_assert_null (strstr (before, "el_handoffs_created_total{"));
  assert_has_line (before, "el_sbar_completeness_score_count 0");
  assert_has_line (before, "el_transcription_duration_seconds_count 0");
  assert_has_line (before, "el_sbar_generation_duration_seconds_count 0");

  nurse = el_test_api_login (api, EL_TEST_DEMO_NURSE_A, PASSWORD);
  g_assert_nonnull (nurse->unit_id);
  patient = el_test_api_patient_id (api, nurse, 0);

  body = el_test_handoff_body (id, patient, "day", NULL);
  body2 = el_test_handoff_body (id2, patient, "night", NULL);
  versions = el_test_handoff_path (id, "/sbar/versions");
  {
    g_autofree char *key2 = g_uuid_string_random ();
    g_autofree char *key3 = g_uuid_string_random ();
    g_autoptr (ElTestResponse) a =
        el_test_api_call (api, "POST", "/api/v1/handoffs", nurse, body, "Idempotency-Key", key, EL_TEST_END);
    g_autoptr (ElTestResponse) replayed =
        el_test_api_call (api, "POST", "/api/v1/handoffs", nurse, body, "Idempotency-Key", key, EL_TEST_END);
    g_autoptr (ElTestResponse) b = el_test_api_call (api, "POST", "/api/v1/handoffs", nurse, body2,
                                                     "Idempotency-Key", key2, EL_TEST_END);
    g_autoptr (ElTestResponse) v =
        el_test_api_call (api, "POST", versions, nurse, version_body, "Idempotency-Key", key3, EL_TEST_END);

    g_assert_cmpuint (a->status, ==, 201);
    g_assert_cmpuint (replayed->status, ==, 201);
    g_assert_cmpuint (b->status, ==, 201);
    g_assert_cmpuint (v->status, ==, 201);
  }

  after = metrics_text (api);
  /* two handoffs (the replay is not a new one), labelled with the unit's id */
  handoff_line = g_strdup_printf ("el_handoffs_created_total{unit=\"%s\"} 2", nurse->unit_id);
  assert_has_line (after, handoff_line);
  assert_has_line (after, "el_sbar_versions_created_total{source=\"nurse\"} 1");
  assert_has_line (after, "el_sbar_completeness_score_count 1");
  assert_has_line (after, "el_sbar_completeness_score_bucket{le=\"100\"} 1");
  assert_has_line (after, "el_sbar_completeness_score_bucket{le=\"+Inf\"} 1");
  g_assert_nonnull (strstr (after, "el_sbar_completeness_score_bucket{le=\"90\"}"));
  assert_has_line (after, "el_transcription_duration_seconds_count 0");
  assert_has_line (after, "el_sbar_generation_duration_seconds_count 0");
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
