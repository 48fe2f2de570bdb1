/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Idempotency-Key storage (el-idempotency.h) on a real SQLite file: replay, reuse (422), a
 * concurrent duplicate (409), a failed handler leaves no key, the response commits with the
 * effect, abandoned claims are taken over after the lease. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "el-audit.h"
#include "el-db.h"
#include "el-idempotency.h"
#include "el-test-api.h"

#define SCOPE  "user:8d0f7a3e-6f1c-4c55-9d5b-1c2f4a5e6b7c"
#define SCOPE2 "ip:127.0.0.1"
#define KEY    "5b0f6a3e-2c1d-4e8f-9a7b-6c5d4e3f2a1b"
#define BODY   "{\"id\":\"a1\",\"note\":\"patient in bed 4\"}"

typedef struct
{
  char *dir;
  ElDb *db;
  GDateTime *now;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElVault) vault = NULL;
  g_autofree char *path = NULL;
  guint8 key[EL_VAULT_KEY_BYTES];

  f->dir = g_dir_make_tmp ("el-test-idempotency-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "handoff.db", NULL);
  memset (key, 0x3c, sizeof key);
  vault = el_vault_new (key);
  f->db = el_db_open_full (path, vault, EL_DB_OPEN_MIGRATE, &error);
  g_assert_no_error (error);
  f->now = g_date_time_new_now_utc ();
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "handoff.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_clear_object (&f->db);
  g_date_time_unref (f->now);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_free (f->dir);
}

static void
hash_of (const char *text, guint8 out[EL_IDEMPOTENCY_HASH_LEN])
{
  gsize len = EL_IDEMPOTENCY_HASH_LEN;
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  g_checksum_update (sum, (const guchar *) text, -1);
  g_checksum_get_digest (sum, out, &len);
}

static ElIdempotencyOutcome
claim (Fixture *f, const char *scope, const char *request, GDateTime *now, ElIdempotencyResponse **stored)
{
  g_autoptr (GError) error = NULL;
  ElIdempotencyOutcome outcome = EL_IDEMPOTENCY_NEW;
  guint8 hash[EL_IDEMPOTENCY_HASH_LEN];

  hash_of (request, hash);
  g_assert_true (el_idempotency_claim (f->db, scope, KEY, "POST", "/api/v1/handoffs", hash,
                                       now != NULL ? now : f->now, &outcome, stored, &error));
  g_assert_no_error (error);
  return outcome;
}

static gint64
count (Fixture *f, const char *sql)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDbStmt) stmt = el_db_prepare (f->db, sql, &error);

  g_assert_no_error (error);
  g_assert_cmpint (el_db_step (f->db, stmt, &error), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

/* The handler: an effect (an audit event) and the stored response, in one transaction. */
static void
run_handler (Fixture *f, const char *scope, gboolean commit)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDbTransaction) txn = el_db_transaction_begin (f->db, &error);
  g_autoptr (GBytes) body = g_bytes_new_static (BODY, strlen (BODY));

  g_assert_no_error (error);
  g_assert_cmpint (el_audit_append (f->db, NULL, "handoff.create", "handoff", "a1", NULL, &error), >, 0);
  g_assert_true (el_idempotency_store (f->db, scope, KEY, 201,
                                       "{\"Content-Type\":\"application/json\",\"ETag\":\"\\\"e1\\\"\"}",
                                       body, f->now, &error));
  g_assert_no_error (error);
  if (commit)
    {
      g_assert_true (el_db_transaction_commit (txn, &error));
      g_assert_no_error (error);
    }
}

static void
test_replay (Fixture *f, gconstpointer data)
{
  g_autoptr (ElIdempotencyResponse) stored = NULL;
  gsize len = 0;
  const char *text;

  g_assert_cmpint (claim (f, SCOPE, "request one", NULL, NULL), ==, EL_IDEMPOTENCY_NEW);
  run_handler (f, SCOPE, TRUE);
  g_assert_cmpint (count (f, "SELECT count(*) FROM audit_events WHERE action = 'handoff.create'"), ==, 1);

  g_assert_cmpint (claim (f, SCOPE, "request one", NULL, &stored), ==, EL_IDEMPOTENCY_REPLAY);
  g_assert_nonnull (stored);
  g_assert_cmpuint (stored->status, ==, 201);
  g_assert_cmpstr (stored->headers_json, ==,
                   "{\"Content-Type\":\"application/json\",\"ETag\":\"\\\"e1\\\"\"}");
  text = g_bytes_get_data (stored->body, &len);
  g_assert_cmpmem (text, len, BODY, strlen (BODY));
  /* the replay made no second effect */
  g_assert_cmpint (count (f, "SELECT count(*) FROM audit_events WHERE action = 'handoff.create'"), ==, 1);
  /* the body is sealed at rest */
  g_assert_cmpint (
      count (f, "SELECT count(*) FROM idempotency_keys WHERE instr (response_body, 'bed 4') > 0"), ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM idempotency_keys WHERE state = 'done' AND status = 201"),
                   ==, 1);

  /* the same key in another scope is another key */
  g_assert_cmpint (claim (f, SCOPE2, "request one", NULL, NULL), ==, EL_IDEMPOTENCY_NEW);
}

static void
test_reused (Fixture *f, gconstpointer data)
{
  g_autoptr (ElIdempotencyResponse) stored = NULL;

  g_assert_cmpint (claim (f, SCOPE, "request one", NULL, NULL), ==, EL_IDEMPOTENCY_NEW);
  /* another body while the first runs */
  g_assert_cmpint (claim (f, SCOPE, "request two", NULL, NULL), ==, EL_IDEMPOTENCY_REUSED);
  run_handler (f, SCOPE, TRUE);
  /* another body after it is done */
  g_assert_cmpint (claim (f, SCOPE, "request two", NULL, &stored), ==, EL_IDEMPOTENCY_REUSED);
  g_assert_null (stored);
  g_assert_cmpint (claim (f, SCOPE, "request one", NULL, NULL), ==, EL_IDEMPOTENCY_REPLAY);
}

static void
test_concurrent (Fixture *f, gconstpointer data)
{
  g_autoptr (GDateTime) soon = g_date_time_add_seconds (f->now, EL_IDEMPOTENCY_LEASE_SECONDS - 5);
  g_autoptr (GDateTime) later = g_date_time_add_seconds (f->now, EL_IDEMPOTENCY_LEASE_SECONDS + 5);

  g_assert_cmpint (claim (f, SCOPE, "request one", NULL, NULL), ==, EL_IDEMPOTENCY_NEW);
  g_assert_cmpint (claim (f, SCOPE, "request one", NULL, NULL), ==, EL_IDEMPOTENCY_IN_PROGRESS);
  g_assert_cmpint (claim (f, SCOPE, "request one", soon, NULL), ==, EL_IDEMPOTENCY_IN_PROGRESS);
  /* a claim whose process died before COMMIT is taken over once the lease is over */
  g_assert_cmpint (claim (f, SCOPE, "request one", later, NULL), ==, EL_IDEMPOTENCY_NEW);
  g_assert_cmpint (claim (f, SCOPE, "request one", later, NULL), ==, EL_IDEMPOTENCY_IN_PROGRESS);
}

/* A handler that fails rolls back its effect and the stored response; the claim is released, so
 * a retry runs again (and only then is there an effect). */
static void
test_failed_handler (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (claim (f, SCOPE, "request one", NULL, NULL), ==, EL_IDEMPOTENCY_NEW);
  run_handler (f, SCOPE, FALSE); /* rolled back */
  g_assert_cmpint (count (f, "SELECT count(*) FROM audit_events WHERE action = 'handoff.create'"), ==, 0);
  /* the stored response went with the rollback: still in progress */
  g_assert_cmpint (claim (f, SCOPE, "request one", NULL, NULL), ==, EL_IDEMPOTENCY_IN_PROGRESS);
  g_assert_true (el_idempotency_release (f->db, SCOPE, KEY, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (f, "SELECT count(*) FROM idempotency_keys"), ==, 0);

  g_assert_cmpint (claim (f, SCOPE, "request one", NULL, NULL), ==, EL_IDEMPOTENCY_NEW);
  run_handler (f, SCOPE, TRUE);
  g_assert_cmpint (count (f, "SELECT count(*) FROM audit_events WHERE action = 'handoff.create'"), ==, 1);
  /* release leaves a stored response alone */
  g_assert_true (el_idempotency_release (f->db, SCOPE, KEY, &error));
  g_assert_cmpint (claim (f, SCOPE, "request one", NULL, NULL), ==, EL_IDEMPOTENCY_REPLAY);
}

static void
test_misuse (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = g_bytes_new_static ("{}", 2);
  ElIdempotencyOutcome outcome;
  guint8 hash[EL_IDEMPOTENCY_HASH_LEN] = { 0 };

  /* store outside a transaction */
  g_assert_false (el_idempotency_store (f->db, SCOPE, KEY, 200, NULL, body, f->now, &error));
  g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_MISUSE);
  g_clear_error (&error);

  {
    g_autoptr (ElDbTransaction) txn = el_db_transaction_begin (f->db, &error);

    g_assert_no_error (error);
    g_assert_nonnull (txn);
    /* store without a claim */
    g_assert_false (el_idempotency_store (f->db, SCOPE, KEY, 200, NULL, body, f->now, &error));
    g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_MISUSE);
    g_clear_error (&error);
    /* claim or release inside the handler's transaction */
    g_assert_false (
        el_idempotency_claim (f->db, SCOPE, KEY, "POST", "/x", hash, f->now, &outcome, NULL, &error));
    g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_MISUSE);
    g_clear_error (&error);
    g_assert_false (el_idempotency_release (f->db, SCOPE, KEY, &error));
    g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_MISUSE);
    g_clear_error (&error);
  }
  g_assert_cmpint (count (f, "SELECT count(*) FROM idempotency_keys"), ==, 0);
}

static void
test_key_validity (void)
{
  g_autofree char *longest = g_strnfill (EL_IDEMPOTENCY_KEY_MAX_LEN, 'k');
  g_autofree char *too_long = g_strnfill (EL_IDEMPOTENCY_KEY_MAX_LEN + 1, 'k');

  g_assert_true (el_idempotency_key_is_valid (KEY));
  g_assert_true (el_idempotency_key_is_valid ("~!"));
  g_assert_true (el_idempotency_key_is_valid (longest));
  g_assert_false (el_idempotency_key_is_valid (too_long));
  g_assert_false (el_idempotency_key_is_valid (NULL));
  g_assert_false (el_idempotency_key_is_valid (""));
  g_assert_false (el_idempotency_key_is_valid ("has space"));
  g_assert_false (el_idempotency_key_is_valid ("tab\t"));
  g_assert_false (el_idempotency_key_is_valid ("caf\xc3\xa9"));
}

/* ------------------------------------------------------------------------------------------------
 * Through HTTP: the middleware on the test route POST /api/_test/idempotent (el-idempotency.c).
 */

/* POSTs @body with this Idempotency-Key (none if NULL), each time from a new session. */
static ElTestResponse *
post (ElTestServer *server, const char *key, const char *body)
{
  g_autoptr (ElTestApi) api = el_test_api_new (server);

  return el_test_api_call (api, "POST", "/api/_test/idempotent", NULL, body, "Idempotency-Key", key,
                           EL_TEST_END);
}

static ElTestServer *
start_server (void)
{
  ElTestServer *server = el_test_server_new ();

  el_test_server_setenv (server, "EL_TEST_ROUTES", "1");
  el_test_server_start (server);
  return server;
}

typedef struct
{
  ElTestServer *server;
  ElTestResponse *reply;
} SlowCall;

static gpointer
slow_thread (gpointer data)
{
  SlowCall *call = data;

  call->reply = post (call->server, "slow-key", "{\"delay_ms\":1500}");
  return NULL;
}

static void
test_http (void)
{
  g_autoptr (ElTestServer) server = start_server ();

  /* the first request makes the effect; its retry gets the same bytes and makes none */
  {
    g_autoptr (ElTestResponse) first = post (server, "key-1", "{}");
    g_autoptr (ElTestResponse) again = post (server, "key-1", "{}");
    g_autoptr (ElTestResponse) other = post (server, "key-2", "{}");

    g_assert_cmpuint (first->status, ==, 201);
    g_assert_cmpstr (first->text, ==, "{\"effects\":1}");
    g_assert_null (el_test_response_get_header (first, EL_IDEMPOTENCY_REPLAYED_HEADER));
    g_assert_cmpuint (again->status, ==, 201);
    g_assert_cmpstr (again->text, ==, "{\"effects\":1}");
    g_assert_cmpstr (el_test_response_get_header (again, EL_IDEMPOTENCY_REPLAYED_HEADER), ==, "true");
    g_assert_cmpstr (el_test_response_get_header (again, "ETag"), ==, "\"test-etag\"");
    g_assert_cmpstr (el_test_response_get_header (again, "Content-Type"), ==, "application/json");
    g_assert_cmpuint (other->status, ==, 201);
    g_assert_cmpstr (other->text, ==, "{\"effects\":2}");
  }

  /* the same key with another body: 422 */
  {
    g_autoptr (ElTestResponse) reused = post (server, "key-1", "{\"fail\":false}");

    g_assert_cmpuint (reused->status, ==, 422);
    g_assert_cmpstr (el_test_response_get_string (reused, "code"), ==, "idempotency_key_reused");
  }

  /* no key, a bad key: 400 */
  {
    g_autoptr (ElTestResponse) none = post (server, NULL, "{}");
    g_autoptr (ElTestResponse) bad = post (server, "has space", "{}");

    g_assert_cmpuint (none->status, ==, 400);
    g_assert_cmpstr (el_test_response_get_string (none, "code"), ==, "invalid_request");
    g_assert_cmpuint (bad->status, ==, 400);
    g_assert_cmpstr (el_test_response_get_string (bad, "code"), ==, "invalid_request");
  }

  /* a failing handler leaves no key: the retry runs again (and fails again, not 409, not a replay) */
  {
    g_autoptr (ElTestResponse) failed = post (server, "key-fail", "{\"fail\":true}");
    g_autoptr (ElTestResponse) retry = post (server, "key-fail", "{\"fail\":true}");
    g_autoptr (ElTestResponse) next = post (server, "key-3", "{}");

    g_assert_cmpuint (failed->status, ==, 422);
    g_assert_cmpstr (el_test_response_get_string (failed, "code"), ==, "validation_failed");
    g_assert_cmpuint (retry->status, ==, 422);
    g_assert_cmpstr (el_test_response_get_string (retry, "code"), ==, "validation_failed");
    /* the failed effects were rolled back */
    g_assert_cmpstr (next->text, ==, "{\"effects\":3}");
  }

  /* a duplicate while the first is still running: 409; afterwards, the replay */
  {
    SlowCall call = { server, NULL };
    GThread *thread = g_thread_new ("slow", slow_thread, &call);
    g_autoptr (ElTestResponse) duplicate = NULL;
    g_autoptr (ElTestResponse) later = NULL;

    g_usleep (500 * G_TIME_SPAN_MILLISECOND);
    duplicate = post (server, "slow-key", "{\"delay_ms\":1500}");
    g_thread_join (thread);
    g_assert_cmpuint (duplicate->status, ==, 409);
    g_assert_cmpstr (el_test_response_get_string (duplicate, "code"), ==, "idempotency_in_progress");
    g_assert_cmpstr (el_test_response_get_header (duplicate, "Retry-After"), ==, "5");
    g_assert_cmpuint (call.reply->status, ==, 201);
    g_assert_cmpstr (call.reply->text, ==, "{\"effects\":4}");
    later = post (server, "slow-key", "{\"delay_ms\":1500}");
    g_assert_cmpuint (later->status, ==, 201);
    g_assert_cmpstr (later->text, ==, "{\"effects\":4}");
    el_test_response_free (call.reply);
  }

  g_assert_cmpint (el_test_server_stop (server), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/el/server/idempotency/replay", test_replay);
  ADD ("/el/server/idempotency/reused", test_reused);
  ADD ("/el/server/idempotency/concurrent", test_concurrent);
  ADD ("/el/server/idempotency/failed-handler", test_failed_handler);
  ADD ("/el/server/idempotency/misuse", test_misuse);
#undef ADD
  g_test_add_func ("/el/server/idempotency/key-validity", test_key_validity);
  g_test_add_func ("/el/server/idempotency/http", test_http);
  return g_test_run ();
}
