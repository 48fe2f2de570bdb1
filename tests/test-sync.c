/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ElSync against a real `eclipselink-server` (tests/el-test-server.h) seeded with the demo hospital,
 * with real ElStore files in a temporary folder and a real ElApiClient: the initial sync fills the
 * store (census as the server has it), an edit reaches the server exactly once even when its push is
 * cut after the server got it (el-test-proxy) and retried, edits made while the server is stopped
 * reach it after it restarts on the same database, two stores editing one SBAR (409 -> conflicted
 * copy -> keep mine -> both versions in order), 404/423 rejections go to needs attention and later
 * ops still go through, the pull never overwrites a row with a pending op, a server killed right
 * after a COMMIT and by SIGKILL during a pull, `Retry-After` honoured, properties and signals,
 * coalesced runs and the triggers (start, local save, timer, network change), recordings.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>

#include "el-api-client.h"
#include "el-store.h"
#include "el-sync.h"
#include "el-test-api.h"
#include "el-test-proxy.h"
#include "el-test-server.h"
#include "el-test-util.h"

#define PASSWORD     "handoff-demo-test"
#define CHARGE_EMAIL "charge.nurse@demo.eclipselink.ai"

static ElTestServer *server; /* seeded, shared by the tests that leave it running */

/* ------------------------------------------------------------------------------------------------
 * Helpers
 */

/* Runs @async (first arguments, then cancellable, el_test_result_cb, &r) and evaluates to the result. */
#define RUN(async, ...)                               \
  ({                                                  \
    g_clear_object (&r);                              \
    async (__VA_ARGS__, NULL, el_test_result_cb, &r); \
    el_test_wait_for (&r);                            \
  })

static ElTestServer *
seeded_server_new (const char *const *extra_env)
{
  ElTestServer *srv = el_test_server_new ();

  el_test_demo_prepare_full (srv, PASSWORD, extra_env);
  return srv;
}

/* One signed-in app: a cache file, a client, an engine. */
typedef struct
{
  char *dir;
  ElStore *store;
  ElApiClient *client;
  ElApiMemoryTokenStore *tokens;
  ElSync *sync;
} Side;

static Side *
side_new (const char *url)
{
  Side *s = g_new0 (Side, 1);
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);
  g_autoptr (ElUser) user = NULL;
  g_autoptr (ElVault) vault = NULL;
  g_autofree char *path = NULL;
  guint8 key[EL_VAULT_KEY_BYTES];

  s->dir = el_test_make_dir ("el-sync-XXXXXX");
  path = g_build_filename (s->dir, "cache.db", NULL);
  for (guint i = 0; i < sizeof key; i++)
    key[i] = (guint8) g_random_int ();
  vault = el_vault_new (key);
  s->store = el_store_open_finish (RUN (el_store_open_async, path, vault), &error);
  g_assert_no_error (error);

  s->tokens = el_api_memory_token_store_new ();
  s->client = el_api_client_new (url, EL_API_TOKEN_STORE (s->tokens), &error);
  g_assert_no_error (error);
  el_api_client_set_proxy_resolver (s->client, direct);
  g_object_set (s->client, "circuit-threshold", 1000, "request-timeout", 10, NULL);
  el_api_client_set_max_attempts (s->client, 2);
  el_api_client_set_backoff (s->client, 50, 200);
  user = el_api_client_login_finish (
      s->client, RUN (el_api_client_login_async, s->client, CHARGE_EMAIL, PASSWORD), &error);
  g_assert_no_error (error);
  g_assert_nonnull (user);

  s->sync = el_sync_new (s->store, s->client);
  g_object_set (s->sync, "interval", 0, NULL);
  el_sync_set_retry_backoff (s->sync, 20, 50);
  return s;
}

static void
side_free (Side *s)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) d = NULL;
  const char *name;

  el_sync_stop (s->sync);
  g_clear_object (&s->sync);
  g_assert_true (el_store_close_finish (s->store, RUN (el_store_close_async, s->store), &error));
  g_assert_no_error (error);
  g_clear_object (&s->store);
  g_clear_object (&s->client);
  g_clear_object (&s->tokens);
  d = g_dir_open (s->dir, 0, NULL);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (s->dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (s->dir);
  g_free (s->dir);
  g_free (s);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Side, side_free)

static gboolean
sync_run (Side *s, ElSyncRunFlags flags, ElSyncStats *stats, GError **error)
{
  g_autoptr (GAsyncResult) r = NULL;

  return el_sync_run_finish (s->sync, RUN (el_sync_run_async, s->sync, flags), stats, error);
}

static void
sync_ok (Side *s, ElSyncStats *stats)
{
  g_autoptr (GError) error = NULL;
  ElSyncStats local;

  g_assert_true (sync_run (s, EL_SYNC_RUN_IGNORE_BACKOFF, stats != NULL ? stats : &local, &error));
  g_assert_no_error (error);
}

static GPtrArray *
store_units (Side *s)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *units = el_store_list_units_finish (s->store, RUN (el_store_list_units_async, s->store), &error);

  g_assert_no_error (error);
  return units;
}

static GPtrArray *
store_census (Side *s, const char *unit_id)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *census =
      el_store_census_finish (s->store, RUN (el_store_census_async, s->store, unit_id), &error);

  g_assert_no_error (error);
  return census;
}

static ElStoreCounts
store_counts (Side *s)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  ElStoreCounts counts = { 0 };

  g_assert_true (
      el_store_get_counts_finish (s->store, RUN (el_store_get_counts_async, s->store), &counts, &error));
  g_assert_no_error (error);
  return counts;
}

static ElStoreSbar *
store_latest (Side *s, const char *handoff_id)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  ElStoreSbar *sbar =
      el_store_get_sbar_finish (s->store, RUN (el_store_get_sbar_async, s->store, handoff_id, 0), &error);

  g_assert_no_error (error);
  return sbar;
}

static GPtrArray *
store_ops (Side *s, ElStoreOpFilter filter)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *ops =
      el_store_list_ops_finish (s->store, RUN (el_store_list_ops_async, s->store, filter), &error);

  g_assert_no_error (error);
  return ops;
}

/* The id of the current (ready) handoff of patient @index on the first unit (by code). */
static char *
ready_handoff (Side *s, guint index)
{
  g_autoptr (GPtrArray) units = store_units (s);
  g_autoptr (GPtrArray) census = NULL;
  ElStoreCensusEntry *entry;

  g_assert_cmpuint (units->len, >, 0);
  census = store_census (s, el_unit_get_id (g_ptr_array_index (units, 0)));
  g_assert_cmpuint (census->len, >, index);
  entry = g_ptr_array_index (census, index);
  g_assert_nonnull (entry->handoff);
  g_assert_cmpint (el_handoff_get_status (entry->handoff), ==, EL_HANDOFF_STATUS_READY);
  return g_strdup (el_handoff_get_id (entry->handoff));
}

/* An acknowledged (locked) handoff of patient @index on the first unit. */
static char *
acknowledged_handoff (Side *s, guint index)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) units = store_units (s);
  g_autoptr (GPtrArray) census = store_census (s, el_unit_get_id (g_ptr_array_index (units, 0)));
  ElStoreCensusEntry *entry = g_ptr_array_index (census, index);
  g_autoptr (GPtrArray) handoffs = el_store_list_handoffs_finish (
      s->store, RUN (el_store_list_handoffs_async, s->store, el_patient_get_id (entry->patient)), &error);

  g_assert_no_error (error);
  for (guint i = 0; i < handoffs->len; i++)
    if (el_handoff_get_status (g_ptr_array_index (handoffs, i)) == EL_HANDOFF_STATUS_ACKNOWLEDGED)
      return g_strdup (el_handoff_get_id (g_ptr_array_index (handoffs, i)));
  g_assert_not_reached ();
  return NULL;
}

/* Saves a new SBAR version of @handoff_id on top of the latest one shown locally; returns its op. */
static char *
save_edit (Side *s, const char *handoff_id, const char *situation, int *out_base)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElStoreSbar) latest = store_latest (s, handoff_id);
  g_autoptr (ElSbarVersion) content = el_sbar_version_new ();
  int base = el_sbar_version_get_version (latest->version);
  char *op_id;

  el_sbar_version_set_source (content, EL_SBAR_SOURCE_NURSE);
  el_sbar_version_set_situation (content, situation);
  el_sbar_version_set_background (content, el_sbar_version_get_background (latest->version));
  op_id = el_store_save_sbar_draft_finish (
      s->store, RUN (el_store_save_sbar_draft_async, s->store, handoff_id, base, content), &error);
  g_assert_no_error (error);
  g_assert_nonnull (op_id);
  if (out_base != NULL)
    *out_base = base;
  /* no el_sync_notify_local_change (): the store's ::outbox-changed::added tells the engine */
  return op_id;
}

/* The server's versions of @handoff_id, oldest first (through @client). */
static GPtrArray *
server_versions (ElApiClient *client, const char *handoff_id)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *versions = el_api_client_list_sbar_versions_finish (
      client, RUN (el_api_client_list_sbar_versions_async, client, handoff_id), &error);

  g_assert_no_error (error);
  g_assert_nonnull (versions);
  return versions;
}

static guint
count_situation (GPtrArray *versions, const char *situation)
{
  guint n = 0;

  for (guint i = 0; i < versions->len; i++)
    if (g_strcmp0 (el_sbar_version_get_situation (g_ptr_array_index (versions, i)), situation) == 0)
      n++;
  return n;
}

static void
cycle_count_cb (ElSync *sync, const ElSyncStats *stats, const GError *error, gpointer user_data)
{
  (void) sync;
  (void) stats;
  (void) error;
  (*(guint *) user_data)++;
}

/* Runs the main context until *@counter reaches @target. */
static void
wait_count (guint *counter, guint target)
{
  while (*counter < target)
    g_main_context_iteration (NULL, TRUE);
}

/* ------------------------------------------------------------------------------------------------
 * Initial sync: the store gets the census the server has
 */

static void
test_initial (void)
{
  g_autoptr (Side) s = side_new (el_test_server_get_url (server));
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) units = NULL;
  g_autoptr (GPtrArray) server_units = NULL;
  ElSyncStats stats = { 0 };
  ElStoreCounts counts;
  guint server_patients = 0, server_handoffs = 0;

  g_assert_cmpint (el_sync_get_pending_count (s->sync), ==, -1);
  sync_ok (s, &stats);
  g_assert_true (stats.pulled);
  g_assert_cmpuint (stats.pages, >=, 1);
  g_assert_cmpuint (stats.applied, >, 0);
  g_assert_cmpuint (stats.pushed, ==, 0);
  g_assert_cmpint (stats.cursor, >, 0);
  g_assert_cmpint (el_sync_get_state (s->sync), ==, EL_SYNC_STATE_IDLE);
  g_assert_cmpfloat (el_sync_get_progress (s->sync), ==, 1.0);
  g_assert_nonnull (el_sync_get_last_sync (s->sync));
  g_assert_null (el_sync_get_last_error (s->sync));
  g_assert_cmpint (el_sync_get_pending_count (s->sync), ==, 0);
  g_assert_cmpint (el_sync_get_needs_attention_count (s->sync), ==, 0);
  g_assert_cmpint (el_sync_get_conflict_count (s->sync), ==, 0);

  /* every census the server shows this user, and every handoff of those units */
  counts = store_counts (s);
  server_units =
      el_api_client_list_units_finish (s->client, RUN (el_api_client_list_units_async, s->client), &error);
  g_assert_no_error (error);
  units = store_units (s);
  /* (the feed may carry more units than GET /units lists for this user: unit rows hold no PHI) */
  g_assert_cmpuint (units->len, >=, server_units->len);
  for (guint u = 0; u < server_units->len; u++)
    {
      const char *unit_id = el_unit_get_id (g_ptr_array_index (server_units, u));
      gboolean cached = FALSE;
      g_autoptr (GPtrArray) patients = el_api_client_list_patients_finish (
          s->client, RUN (el_api_client_list_patients_async, s->client, unit_id), &error);
      g_autoptr (GPtrArray) census = store_census (s, unit_id);
      g_autoptr (GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
      g_autofree char *cursor = NULL;
      gboolean has_more = TRUE;

      for (guint k = 0; k < units->len; k++)
        cached = cached || g_strcmp0 (el_unit_get_id (g_ptr_array_index (units, k)), unit_id) == 0;
      g_assert_true (cached);
      if (g_error_matches (error, EL_API_ERROR, EL_API_ERROR_FORBIDDEN))
        {
          g_clear_error (&error);
          g_assert_cmpuint (census->len, ==, 0);
          continue;
        }
      g_assert_no_error (error);
      g_assert_cmpuint (census->len, ==, patients->len);
      server_patients += patients->len;
      for (guint i = 0; i < census->len; i++)
        g_hash_table_add (ids, (gpointer) el_patient_get_id (
                                   ((ElStoreCensusEntry *) g_ptr_array_index (census, i))->patient));
      for (guint i = 0; i < patients->len; i++)
        g_assert_true (g_hash_table_contains (ids, el_patient_get_id (g_ptr_array_index (patients, i))));
      while (has_more)
        {
          g_autofree char *next = NULL;
          g_autoptr (GPtrArray) page = el_api_client_list_handoffs_finish (
              s->client, RUN (el_api_client_list_handoffs_async, s->client, unit_id, NULL, cursor, 100),
              &next, &has_more, &error);

          g_assert_no_error (error);
          server_handoffs += page->len;
          g_free (cursor);
          cursor = g_steal_pointer (&next);
        }
    }
  g_assert_cmpuint (server_patients, >, 0);
  g_assert_cmpuint (counts.patients, ==, server_patients);
  g_assert_cmpuint (counts.handoffs, ==, server_handoffs);
  g_assert_cmpuint (counts.sbar_versions, >=, server_handoffs);

  /* one handoff's history as the server has it */
  {
    g_autofree char *handoff_id = ready_handoff (s, 0);
    g_autoptr (GPtrArray) theirs = server_versions (s->client, handoff_id);
    g_autoptr (GPtrArray) mine = el_store_list_sbar_versions_finish (
        s->store, RUN (el_store_list_sbar_versions_async, s->store, handoff_id), &error);

    g_assert_no_error (error);
    g_assert_cmpuint (mine->len, ==, theirs->len);
    for (guint i = 0; i < mine->len; i++)
      g_assert_cmpstr (el_sbar_version_get_id (((ElStoreSbar *) g_ptr_array_index (mine, i))->version), ==,
                       el_sbar_version_get_id (g_ptr_array_index (theirs, i)));
  }

  /* a second cycle: nothing new */
  sync_ok (s, &stats);
  g_assert_true (stats.pulled);
  g_assert_cmpuint (stats.applied, ==, 0);
}

/* ------------------------------------------------------------------------------------------------
 * An edit reaches the server exactly once, even when the answer is lost and the push retried
 */

typedef struct
{
  ElTestProxy *proxy;
  guint retries;
} CutOnce;

static void
pass_on_retry_cb (ElApiClient *client,
                  const char *method,
                  const char *route,
                  guint next_attempt,
                  guint delay_ms,
                  const GError *reason,
                  gpointer user_data)
{
  CutOnce *cut = user_data;

  (void) client;
  (void) method;
  (void) route;
  (void) next_attempt;
  (void) delay_ms;
  (void) reason;
  cut->retries++;
  el_test_proxy_set_mode (cut->proxy, EL_TEST_PROXY_PASS, 0);
}

static void
test_edit_once (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElTestProxy) proxy = el_test_proxy_new ((guint16) el_test_server_get_port (server), &error);
  g_autofree char *url = NULL;
  g_autoptr (Side) s = NULL;
  g_autofree char *handoff_id = NULL;
  g_autofree char *op1 = NULL;
  g_autofree char *op2 = NULL;
  g_autoptr (GPtrArray) before = NULL;
  g_autoptr (GPtrArray) after = NULL;
  g_autoptr (GPtrArray) ops = NULL;
  ElSyncStats stats = { 0 };
  CutOnce cut = { 0 };
  int base = 0;

  g_assert_no_error (error);
  url = el_test_proxy_url (proxy, "");
  if (g_str_has_suffix (url, "/"))
    url[strlen (url) - 1] = '\0';
  s = side_new (url);
  sync_ok (s, NULL);
  handoff_id = ready_handoff (s, 1);
  before = server_versions (s->client, handoff_id);

  /* 1. the server gets the POST, commits, and the answer is cut after one byte; the client retries
   * at once with the same Idempotency-Key and gets the stored answer */
  op1 = save_edit (s, handoff_id, "Edit once: first", &base);
  g_assert_cmpint (base, ==, (int) before->len);
  el_test_proxy_set_mode (proxy, EL_TEST_PROXY_CUT, 1);
  cut.proxy = proxy;
  g_signal_connect (s->client, "retrying", G_CALLBACK (pass_on_retry_cb), &cut);
  sync_ok (s, &stats);
  g_assert_cmpuint (cut.retries, ==, 1);
  g_assert_cmpuint (stats.pushed, ==, 1);
  after = server_versions (s->client, handoff_id);
  g_assert_cmpuint (after->len, ==, before->len + 1);
  g_assert_cmpuint (count_situation (after, "Edit once: first"), ==, 1);
  g_signal_handlers_disconnect_by_func (s->client, pass_on_retry_cb, &cut);

  /* 2. every attempt of the cycle is cut after the server committed: the op stays pending (network
   * backoff); the next cycle pushes it again with the same key: still one version */
  el_api_client_set_max_attempts (s->client, 1);
  op2 = save_edit (s, handoff_id, "Edit once: second", NULL);
  el_test_proxy_set_mode (proxy, EL_TEST_PROXY_CUT, 1);
  g_assert_false (sync_run (s, EL_SYNC_RUN_NONE, &stats, &error));
  g_assert_error (error, EL_SYNC_ERROR, EL_SYNC_ERROR_OFFLINE);
  g_clear_error (&error);
  g_assert_cmpuint (stats.failed, ==, 1);
  g_assert_false (stats.pulled);
  g_assert_cmpint (el_sync_get_state (s->sync), ==, EL_SYNC_STATE_OFFLINE);
  g_assert_nonnull (el_sync_get_last_error (s->sync));
  g_assert_cmpint (el_sync_get_pending_count (s->sync), ==, 1);
  ops = store_ops (s, EL_STORE_OP_FILTER_PUSHABLE);
  g_assert_cmpuint (ops->len, ==, 1);
  g_assert_cmpstr (((ElStoreOp *) g_ptr_array_index (ops, 0))->op_id, ==, op2);
  g_assert_cmpuint (((ElStoreOp *) g_ptr_array_index (ops, 0))->attempts, ==, 1);
  g_assert_cmpuint (((ElStoreOp *) g_ptr_array_index (ops, 0))->state, ==, EL_STORE_OP_PENDING);

  el_test_proxy_set_mode (proxy, EL_TEST_PROXY_PASS, 0);
  sync_ok (s, &stats);
  g_assert_cmpuint (stats.pushed, ==, 1);
  g_clear_pointer (&after, g_ptr_array_unref);
  after = server_versions (s->client, handoff_id);
  g_assert_cmpuint (after->len, ==, before->len + 2);
  g_assert_cmpuint (count_situation (after, "Edit once: second"), ==, 1);
  g_assert_cmpint (el_sync_get_pending_count (s->sync), ==, 0);
  g_assert_cmpint (el_sync_get_state (s->sync), ==, EL_SYNC_STATE_IDLE);
  g_assert_null (el_sync_get_last_error (s->sync));
  {
    g_autoptr (ElStoreSbar) latest = store_latest (s, handoff_id);

    g_assert_false (latest->pending);
    g_assert_cmpint (el_sbar_version_get_version (latest->version), ==, (int) before->len + 2);
    g_assert_cmpstr (el_sbar_version_get_situation (latest->version), ==, "Edit once: second");
  }
}

/* ------------------------------------------------------------------------------------------------
 * Edits made while the server is stopped reach it after it starts again
 */

static void
test_offline_edits (void)
{
  g_autoptr (ElTestServer) first = seeded_server_new (NULL);
  g_autoptr (ElTestServer) second = NULL;
  g_autoptr (Side) s = NULL;
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *h1 = NULL;
  g_autofree char *h2 = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autoptr (GPtrArray) v1 = NULL;
  g_autoptr (GPtrArray) v2 = NULL;
  ElSyncStats stats = { 0 };
  int base1 = 0, base2 = 0;
  guint port;

  el_test_server_start (first);
  port = el_test_server_get_port (first);
  s = side_new (el_test_server_get_url (first));
  sync_ok (s, NULL);
  h1 = ready_handoff (s, 0);
  h2 = ready_handoff (s, 1);
  g_assert_cmpint (el_test_server_stop (first), ==, 0);

  /* offline: saves work, the cycle says offline, nothing is lost */
  a = save_edit (s, h1, "Offline: h1 first", &base1);
  b = save_edit (s, h2, "Offline: h2", &base2);
  c = save_edit (s, h1, "Offline: h1 second", NULL);
  g_assert_false (sync_run (s, EL_SYNC_RUN_NONE, &stats, &error));
  g_assert_error (error, EL_SYNC_ERROR, EL_SYNC_ERROR_OFFLINE);
  g_clear_error (&error);
  g_assert_cmpuint (stats.pushed, ==, 0);
  g_assert_cmpuint (stats.failed, ==, 1);
  g_assert_cmpuint (stats.skipped, ==, 2); /* the push stopped at the first network error */
  g_assert_cmpint (el_sync_get_state (s->sync), ==, EL_SYNC_STATE_OFFLINE);
  g_assert_cmpint (el_sync_get_pending_count (s->sync), ==, 3);

  /* the server comes back on the same database and port */
  second = el_test_demo_start_again (first, port, NULL);
  (void) el_api_client_probe_finish (s->client, RUN (el_api_client_probe_async, s->client), NULL);
  sync_ok (s, &stats);
  g_assert_cmpuint (stats.pushed, ==, 3);
  g_assert_true (stats.pulled);
  g_assert_cmpint (el_sync_get_pending_count (s->sync), ==, 0);
  g_assert_cmpint (el_sync_get_state (s->sync), ==, EL_SYNC_STATE_IDLE);

  /* in order: h1 gets first then second, each once */
  v1 = server_versions (s->client, h1);
  g_assert_cmpuint (v1->len, ==, (guint) base1 + 2);
  g_assert_cmpstr (el_sbar_version_get_situation (g_ptr_array_index (v1, base1)), ==, "Offline: h1 first");
  g_assert_cmpstr (el_sbar_version_get_situation (g_ptr_array_index (v1, base1 + 1)), ==,
                   "Offline: h1 second");
  v2 = server_versions (s->client, h2);
  g_assert_cmpuint (v2->len, ==, (guint) base2 + 1);
  g_assert_cmpuint (count_situation (v2, "Offline: h2"), ==, 1);
  g_assert_cmpint (el_test_server_stop (second), ==, 0);
}

/* ------------------------------------------------------------------------------------------------
 * Two stores edit one SBAR: one 409, a conflicted copy, resolved by keeping mine rebased
 */

static void
conflict_cb (ElSync *sync, const char *handoff_id, const char *op_id, gpointer user_data)
{
  char **out = user_data;

  (void) sync;
  g_assert_nonnull (op_id);
  g_free (*out);
  *out = g_strdup (handoff_id);
}

static void
test_conflict (void)
{
  g_autoptr (Side) a = side_new (el_test_server_get_url (server));
  g_autoptr (Side) b = side_new (el_test_server_get_url (server));
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *handoff_id = NULL;
  g_autofree char *op_a = NULL;
  g_autofree char *op_b = NULL;
  g_autofree char *new_op = NULL;
  g_autofree char *signalled = NULL;
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autoptr (GPtrArray) versions = NULL;
  ElStoreConflict *conflict;
  ElSyncStats stats = { 0 };
  int base_a = 0, base_b = 0;

  sync_ok (a, NULL);
  sync_ok (b, NULL);
  handoff_id = ready_handoff (a, 2);
  op_a = save_edit (a, handoff_id, "Conflict: A", &base_a);
  op_b = save_edit (b, handoff_id, "Conflict: B", &base_b);
  g_assert_cmpint (base_a, ==, base_b);

  sync_ok (a, &stats);
  g_assert_cmpuint (stats.pushed, ==, 1);

  g_signal_connect (b->sync, "conflict-detected", G_CALLBACK (conflict_cb), &signalled);
  sync_ok (b, &stats);
  g_assert_cmpuint (stats.pushed, ==, 0);
  g_assert_cmpuint (stats.conflicts, ==, 1);
  g_assert_cmpstr (signalled, ==, handoff_id);
  g_assert_cmpint (el_sync_get_conflict_count (b->sync), ==, 1);
  g_assert_cmpint (el_sync_get_pending_count (b->sync), ==, 0);

  conflicts =
      el_store_list_conflicts_finish (b->store, RUN (el_store_list_conflicts_async, b->store), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  conflict = g_ptr_array_index (conflicts, 0);
  g_assert_cmpstr (conflict->op_id, ==, op_b);
  g_assert_cmpstr (conflict->handoff_id, ==, handoff_id);
  g_assert_cmpint (conflict->base_version, ==, base_b);
  g_assert_nonnull (conflict->base);
  g_assert_cmpint (el_sbar_version_get_version (conflict->base), ==, base_b);
  g_assert_cmpint (el_sbar_version_get_version (conflict->theirs), ==, base_b + 1);
  g_assert_cmpstr (el_sbar_version_get_situation (conflict->theirs), ==, "Conflict: A");
  g_assert_cmpstr (el_sbar_version_get_situation (conflict->mine), ==, "Conflict: B");

  /* a cycle while the conflict waits sends nothing for that handoff */
  sync_ok (b, &stats);
  g_assert_cmpuint (stats.pushed + stats.conflicts, ==, 0);

  /* keep mine, rebased on theirs */
  g_assert_true (el_store_resolve_conflict_finish (
      b->store, RUN (el_store_resolve_conflict_async, b->store, op_b, EL_STORE_RESOLVE_KEEP_MINE, NULL),
      &new_op, &error));
  g_assert_no_error (error);
  g_assert_nonnull (new_op);
  sync_ok (b, &stats);
  g_assert_cmpuint (stats.pushed, ==, 1);
  g_assert_cmpint (el_sync_get_conflict_count (b->sync), ==, 0);

  versions = server_versions (b->client, handoff_id);
  g_assert_cmpuint (versions->len, ==, (guint) base_a + 2);
  g_assert_cmpstr (el_sbar_version_get_situation (g_ptr_array_index (versions, base_a)), ==, "Conflict: A");
  g_assert_cmpstr (el_sbar_version_get_situation (g_ptr_array_index (versions, base_a + 1)), ==,
                   "Conflict: B");

  /* and A's store gets B's version with its next pull */
  sync_ok (a, NULL);
  {
    g_autoptr (ElStoreSbar) latest = store_latest (a, handoff_id);

    g_assert_cmpint (el_sbar_version_get_version (latest->version), ==, base_a + 2);
    g_assert_cmpstr (el_sbar_version_get_situation (latest->version), ==, "Conflict: B");
  }
}

/* ------------------------------------------------------------------------------------------------
 * A 4xx rejection goes to needs attention; a later op still goes through
 */

static void
rejected_cb (ElSync *sync, const char *op_id, const char *kind, guint status, gpointer user_data)
{
  GString *log = user_data;

  (void) sync;
  (void) op_id;
  g_string_append_printf (log, "%s:%u;", kind, status);
}

static void
test_rejected (void)
{
  g_autoptr (Side) s = side_new (el_test_server_get_url (server));
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) log = g_string_new (NULL);
  g_autofree char *locked = NULL;
  g_autofree char *ready = NULL;
  g_autofree char *op_locked = NULL;
  g_autofree char *op_missing = NULL;
  g_autofree char *op_ok = NULL;
  g_autofree char *missing_id = g_uuid_string_random ();
  static const char missing_body[] = "{\"base_version\":0,\"source\":\"nurse\",\"sections\":{}}";
  g_autoptr (GBytes) body = g_bytes_new_static (missing_body, strlen (missing_body));
  g_autoptr (GPtrArray) attention = NULL;
  g_autoptr (GPtrArray) versions = NULL;
  ElSyncStats stats = { 0 };

  sync_ok (s, NULL);
  locked = acknowledged_handoff (s, 3);
  ready = ready_handoff (s, 3);
  op_locked = save_edit (s, locked, "Rejected: locked", NULL);
  op_missing = el_store_enqueue_finish (
      s->store, RUN (el_store_enqueue_async, s->store, "sbar.create", "handoff", missing_id, body, 0, NULL),
      &error);
  g_assert_no_error (error);
  op_ok = save_edit (s, ready, "Rejected: later op", NULL);

  g_signal_connect (s->sync, "op-rejected", G_CALLBACK (rejected_cb), log);
  sync_ok (s, &stats);
  g_assert_cmpuint (stats.needs_attention, ==, 2);
  g_assert_cmpuint (stats.pushed, ==, 1);
  g_assert_cmpstr (log->str, ==, "sbar.create:423;sbar.create:404;");
  g_assert_cmpint (el_sync_get_needs_attention_count (s->sync), ==, 2);
  g_assert_cmpint (el_sync_get_pending_count (s->sync), ==, 0);
  g_assert_cmpint (el_sync_get_state (s->sync), ==, EL_SYNC_STATE_IDLE);

  attention = store_ops (s, EL_STORE_OP_FILTER_NEEDS_ATTENTION);
  g_assert_cmpuint (attention->len, ==, 2);
  g_assert_cmpstr (((ElStoreOp *) g_ptr_array_index (attention, 0))->op_id, ==, op_locked);
  g_assert_cmpuint (((ElStoreOp *) g_ptr_array_index (attention, 0))->http_status, ==, 423);
  g_assert_nonnull (strstr (((ElStoreOp *) g_ptr_array_index (attention, 0))->last_error, "423"));
  g_assert_cmpstr (((ElStoreOp *) g_ptr_array_index (attention, 1))->op_id, ==, op_missing);
  g_assert_cmpuint (((ElStoreOp *) g_ptr_array_index (attention, 1))->http_status, ==, 404);

  versions = server_versions (s->client, ready);
  g_assert_cmpuint (count_situation (versions, "Rejected: later op"), ==, 1);

  /* a later cycle leaves them alone; a discard makes them go */
  sync_ok (s, &stats);
  g_assert_cmpuint (stats.needs_attention, ==, 0);
  g_assert_true (
      el_store_op_discard_finish (s->store, RUN (el_store_op_discard_async, s->store, op_missing), &error));
  g_assert_no_error (error);
  el_sync_refresh_counts (s->sync);
  while (el_sync_get_needs_attention_count (s->sync) != 1)
    g_main_context_iteration (NULL, TRUE);
}

/* ------------------------------------------------------------------------------------------------
 * The pull never overwrites a row that has a pending local op
 */

static void
test_pending_not_overwritten (void)
{
  g_autoptr (Side) a = side_new (el_test_server_get_url (server));
  g_autoptr (Side) b = side_new (el_test_server_get_url (server));
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *handoff_id = NULL;
  g_autofree char *op_a = NULL;
  g_autofree char *op_b = NULL;
  g_autoptr (ElHandoff) cached = NULL;
  g_autoptr (ElHandoff) cached_after = NULL;
  g_autoptr (GPtrArray) ops = NULL;
  ElSyncStats stats = { 0 };
  int base = 0;

  sync_ok (a, NULL);
  sync_ok (b, NULL);
  handoff_id = ready_handoff (a, 4);
  cached =
      el_store_get_handoff_finish (a->store, RUN (el_store_get_handoff_async, a->store, handoff_id), &error);
  g_assert_no_error (error);

  /* A's edit waits (a server-asked delay, so even IGNORE_BACKOFF keeps it) while B's reaches the server */
  op_a = save_edit (a, handoff_id, "Pending: A", &base);
  g_assert_true (el_store_op_failed_finish (a->store,
                                            RUN (el_store_op_failed_async, a->store, op_a, "HTTP 503", 503,
                                                 g_get_real_time () + (gint64) 3600 * G_USEC_PER_SEC),
                                            &error));
  g_assert_no_error (error);
  op_b = save_edit (b, handoff_id, "Pending: B", NULL);
  sync_ok (b, &stats);
  g_assert_cmpuint (stats.pushed, ==, 1);

  sync_ok (a, &stats);
  g_assert_cmpuint (stats.pushed, ==, 0);
  g_assert_cmpuint (stats.skipped, ==, 1);
  g_assert_true (stats.pulled);
  g_assert_cmpuint (stats.deferred, >=, 1);
  g_assert_cmpuint (store_counts (a).deferred, >=, 1);
  {
    /* mine is still the version shown; the handoff row is as it was */
    g_autoptr (ElStoreSbar) latest = store_latest (a, handoff_id);

    g_assert_true (latest->pending);
    g_assert_cmpstr (el_sbar_version_get_situation (latest->version), ==, "Pending: A");
  }
  cached_after =
      el_store_get_handoff_finish (a->store, RUN (el_store_get_handoff_async, a->store, handoff_id), &error);
  g_assert_no_error (error);
  g_assert_cmpint (el_handoff_get_latest_version (cached_after), ==, el_handoff_get_latest_version (cached));
  g_assert_cmpstr (el_handoff_get_etag (cached_after), ==, el_handoff_get_etag (cached));
  ops = store_ops (a, EL_STORE_OP_FILTER_PUSHABLE);
  g_assert_cmpuint (ops->len, ==, 1);
  g_assert_cmpuint (((ElStoreOp *) g_ptr_array_index (ops, 0))->http_status, ==, 503);
}

/* ------------------------------------------------------------------------------------------------
 * The server dies: right after a COMMIT (fault hook), and by SIGKILL during a pull
 */

static void
sigkill_on_pulling_cb (ElSync *sync, GParamSpec *pspec, gpointer user_data)
{
  ElTestServer *srv = user_data;

  (void) pspec;
  if (el_sync_get_state (sync) == EL_SYNC_STATE_PULLING && el_sync_get_progress (sync) > 0.5 &&
      g_object_get_data (G_OBJECT (sync), "killed") == NULL)
    {
      g_object_set_data (G_OBJECT (sync), "killed", GINT_TO_POINTER (1));
      el_test_server_send_signal (srv, SIGKILL);
    }
}

static void
test_server_killed (void)
{
  static const char *const fault[] = { "EL_FAULT",
                                       "kill-after-commit:/api/v1/handoffs/{handoff_id}/sbar/versions",
                                       NULL };
  g_autoptr (ElTestServer) first = seeded_server_new (fault);
  g_autoptr (ElTestServer) second = NULL;
  g_autoptr (ElTestServer) third = NULL;
  g_autoptr (Side) s = NULL;
  g_autoptr (Side) fresh = NULL;
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  char *handoffs[3] = { NULL };
  int bases[3] = { 0 };
  ElSyncStats stats = { 0 };
  ElStoreCounts counts, fresh_counts;
  guint port;

  el_test_server_start (first);
  if (!el_test_server_require_fault_hook (first))
    return;
  port = el_test_server_get_port (first);
  s = side_new (el_test_server_get_url (first));
  sync_ok (s, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (handoffs); i++)
    {
      g_autofree char *text = g_strdup_printf ("Killed: %u", i);
      g_autofree char *op = NULL;

      handoffs[i] = ready_handoff (s, i);
      op = save_edit (s, handoffs[i], text, &bases[i]);
    }

  /* the first push is committed, then the server dies before answering */
  g_assert_false (sync_run (s, EL_SYNC_RUN_NONE, &stats, &error));
  g_assert_error (error, EL_SYNC_ERROR, EL_SYNC_ERROR_OFFLINE);
  g_clear_error (&error);
  g_assert_cmpint (el_sync_get_pending_count (s->sync), ==, 3);

  second = el_test_demo_start_again (first, port, NULL);
  sync_ok (s, &stats);
  g_assert_cmpuint (stats.pushed, ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (handoffs); i++)
    {
      g_autofree char *text = g_strdup_printf ("Killed: %u", i);
      g_autoptr (GPtrArray) versions = server_versions (s->client, handoffs[i]);
      g_autoptr (GPtrArray) cached = el_store_list_sbar_versions_finish (
          s->store, RUN (el_store_list_sbar_versions_async, s->store, handoffs[i]), &error);

      g_assert_no_error (error);
      g_assert_cmpuint (versions->len, ==, (guint) bases[i] + 1);
      g_assert_cmpuint (count_situation (versions, text), ==, 1);
      g_assert_cmpuint (cached->len, ==, versions->len);
      g_free (handoffs[i]);
    }

  /* a fresh store pulls; the server is SIGKILLed as the pull starts; it comes back and the next
   * cycle completes with the same rows as the first store, no duplicates */
  fresh = side_new (el_test_server_get_url (second));
  g_object_set (fresh->sync, "page-limit", 20, NULL);
  g_signal_connect (fresh->sync, "notify::progress", G_CALLBACK (sigkill_on_pulling_cb), second);
  g_assert_false (sync_run (fresh, EL_SYNC_RUN_NONE, &stats, &error));
  g_assert_error (error, EL_SYNC_ERROR, EL_SYNC_ERROR_OFFLINE);
  g_clear_error (&error);
  g_assert_false (stats.pulled);
  g_assert_cmpuint (stats.pages, >=, 1); /* killed after a page was applied */
  g_signal_handlers_disconnect_by_func (fresh->sync, sigkill_on_pulling_cb, second);
  third = el_test_demo_start_again (first, port, NULL);
  sync_ok (fresh, &stats);
  g_assert_true (stats.pulled);
  sync_ok (s, NULL);
  counts = store_counts (s);
  fresh_counts = store_counts (fresh);
  g_assert_cmpuint (fresh_counts.handoffs, ==, counts.handoffs);
  g_assert_cmpuint (fresh_counts.sbar_versions, ==, counts.sbar_versions);
  g_assert_cmpuint (fresh_counts.patients, ==, counts.patients);
  g_assert_cmpint (el_test_server_stop (third), ==, 0);
}

/* ------------------------------------------------------------------------------------------------
 * Retry-After: a 429 schedules the op for when the server said, and no "sync now" sends it earlier
 */

static void
test_retry_after (void)
{
  static const char *const limited[] = {
    "RATE_LIMIT_ENABLED", "true", "RATE_LIMIT_MAX_REQUESTS", "12", "RATE_LIMIT_WINDOW_MS", "60000", NULL
  };
  g_autoptr (ElTestServer) srv = seeded_server_new (limited);
  g_autoptr (Side) s = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ops = NULL;
  ElSyncStats stats = { 0 };
  ElStoreOp *failed = NULL;
  gint64 before;
  guint pushed = 0;

  /* seeded_server_new() disabled the limit; turn it on */
  for (guint i = 0; limited[i] != NULL; i += 2)
    el_test_server_setenv (srv, limited[i], limited[i + 1]);
  el_test_server_start (srv);
  s = side_new (el_test_server_get_url (srv));
  sync_ok (s, NULL);
  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *h = ready_handoff (s, i);
      g_autofree char *text = g_strdup_printf ("Rate limited %u", i);
      g_autofree char *op = save_edit (s, h, text, NULL);

      g_assert_nonnull (op);
    }
  before = g_get_real_time ();
  g_assert_false (sync_run (s, EL_SYNC_RUN_NONE, &stats, &error));
  g_assert_error (error, EL_SYNC_ERROR, EL_SYNC_ERROR_RATE_LIMITED);
  g_clear_error (&error);
  g_assert_cmpuint (stats.failed, ==, 1);
  g_assert_cmpint (el_sync_get_state (s->sync), ==, EL_SYNC_STATE_ERROR);
  pushed = stats.pushed;
  g_assert_cmpuint (pushed, <, 12);

  ops = store_ops (s, EL_STORE_OP_FILTER_PUSHABLE);
  g_assert_cmpuint (ops->len, ==, 12 - pushed);
  for (guint i = 0; i < ops->len; i++)
    if (((ElStoreOp *) g_ptr_array_index (ops, i))->attempts > 0)
      failed = g_ptr_array_index (ops, i);
  g_assert_nonnull (failed);
  g_assert_cmpuint (failed->http_status, ==, 429);
  /* the engine's own backoff is at most 50 ms here: seconds can only come from Retry-After */
  g_assert_cmpint (failed->next_attempt_at - before, >=, 1 * G_USEC_PER_SEC);

  /* "sync now" sends nothing before then: no request at all while the server asked to wait */
  g_assert_false (sync_run (s, EL_SYNC_RUN_IGNORE_BACKOFF, &stats, &error));
  g_assert_error (error, EL_SYNC_ERROR, EL_SYNC_ERROR_RATE_LIMITED);
  g_clear_error (&error);
  g_assert_cmpuint (stats.pushed + stats.failed + stats.pages, ==, 0);
  g_assert_cmpint (el_sync_get_pending_count (s->sync), ==, 12 - pushed);
  g_assert_cmpint (el_test_server_stop (srv), ==, 0);
}

/* ------------------------------------------------------------------------------------------------
 * Properties, signals, coalescing
 */

static void
state_log_cb (ElSync *sync, GParamSpec *pspec, gpointer user_data)
{
  GString *log = user_data;

  (void) pspec;
  g_string_append_printf (log, "%s,", el_sync_state_to_string (el_sync_get_state (sync)));
}

static void
progress_log_cb (ElSync *sync, GParamSpec *pspec, gpointer user_data)
{
  GArray *values = user_data;
  double v = el_sync_get_progress (sync);

  (void) pspec;
  g_array_append_val (values, v);
}

static void
notify_count_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  (void) object;
  (void) pspec;
  (*(guint *) user_data)++;
}

static void
test_properties (void)
{
  g_autoptr (Side) s = side_new (el_test_server_get_url (server));
  g_autoptr (GString) states = g_string_new (NULL);
  g_autoptr (GArray) progress = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GAsyncResult) r1 = NULL;
  g_autoptr (GAsyncResult) r2 = NULL;
  g_autoptr (GAsyncResult) r3 = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *handoff_id = NULL;
  g_autofree char *op = NULL;
  guint cycles = 0, pending_notes = 0, last_sync_notes = 0, running_notes = 0;
  ElSyncStats stats = { 0 };
  GDateTime *first_sync;
  ElSyncState state;
  double p;

  g_object_get (s->sync, "state", &state, "progress", &p, NULL);
  g_assert_cmpint (state, ==, EL_SYNC_STATE_IDLE);
  g_signal_connect (s->sync, "notify::state", G_CALLBACK (state_log_cb), states);
  g_signal_connect (s->sync, "notify::progress", G_CALLBACK (progress_log_cb), progress);
  g_signal_connect (s->sync, "notify::pending-count", G_CALLBACK (notify_count_cb), &pending_notes);
  g_signal_connect (s->sync, "notify::last-sync", G_CALLBACK (notify_count_cb), &last_sync_notes);
  g_signal_connect (s->sync, "notify::running", G_CALLBACK (notify_count_cb), &running_notes);
  g_signal_connect (s->sync, "cycle-finished", G_CALLBACK (cycle_count_cb), &cycles);

  sync_ok (s, NULL);
  g_assert_cmpstr (states->str, ==, "pushing,pulling,idle,");
  g_assert_cmpuint (cycles, ==, 1);
  g_assert_cmpuint (last_sync_notes, ==, 1);
  g_assert_cmpuint (running_notes, ==, 2);
  g_assert_cmpuint (pending_notes, ==, 1); /* -1 -> 0 */
  g_assert_cmpuint (progress->len, >=, 2);
  for (guint i = 1; i < progress->len; i++)
    g_assert_cmpfloat (g_array_index (progress, double, i), >=, g_array_index (progress, double, i - 1));
  g_assert_cmpfloat (g_array_index (progress, double, progress->len - 1), ==, 1.0);
  first_sync = g_date_time_ref (el_sync_get_last_sync (s->sync));

  /* a local save: the pending count says so without a cycle (not started: no cycle runs) */
  handoff_id = ready_handoff (s, 5);
  op = save_edit (s, handoff_id, "Properties", NULL);
  while (el_sync_get_pending_count (s->sync) != 1)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (pending_notes, ==, 2);
  g_assert_cmpuint (cycles, ==, 1);

  /* three runs asked at once: one cycle and one follow-up that the last two share */
  g_string_truncate (states, 0);
  el_sync_run_async (s->sync, EL_SYNC_RUN_NONE, NULL, el_test_result_cb, &r1);
  g_assert_true (el_sync_get_running (s->sync));
  el_sync_run_async (s->sync, EL_SYNC_RUN_NONE, NULL, el_test_result_cb, &r2);
  el_sync_run_async (s->sync, EL_SYNC_RUN_IGNORE_BACKOFF, NULL, el_test_result_cb, &r3);
  g_assert_true (el_sync_run_finish (s->sync, el_test_wait_for (&r1), &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pushed, ==, 1);
  g_assert_true (el_sync_run_finish (s->sync, el_test_wait_for (&r2), &stats, &error));
  g_assert_true (el_sync_run_finish (s->sync, el_test_wait_for (&r3), NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pushed, ==, 0);
  g_assert_cmpuint (cycles, ==, 3);
  g_assert_cmpstr (states->str, ==, "pushing,pulling,idle,pushing,pulling,idle,");
  g_assert_cmpint (el_sync_get_pending_count (s->sync), ==, 0);
  g_assert_false (el_sync_get_running (s->sync));
  g_assert_true (g_date_time_compare (el_sync_get_last_sync (s->sync), first_sync) >= 0);
  g_date_time_unref (first_sync);

  /* a caller that cancels its wait gets CANCELLED; the cycle still ends normally */
  {
    g_autoptr (GCancellable) cancellable = g_cancellable_new ();
    g_autoptr (GAsyncResult) rc = NULL;
    guint before = cycles;

    el_sync_run_async (s->sync, EL_SYNC_RUN_NONE, cancellable, el_test_result_cb, &rc);
    g_cancellable_cancel (cancellable);
    g_assert_false (el_sync_run_finish (s->sync, el_test_wait_for (&rc), NULL, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    wait_count (&cycles, before + 1);
  }

  /* not signed in: a clear error, state error */
  {
    g_autoptr (GAsyncResult) r = NULL;

    (void) el_api_client_logout_finish (s->client, RUN (el_api_client_logout_async, s->client), NULL);
    g_assert_false (sync_run (s, EL_SYNC_RUN_NONE, NULL, &error));
    g_assert_error (error, EL_SYNC_ERROR, EL_SYNC_ERROR_NOT_SIGNED_IN);
    g_assert_cmpint (el_sync_get_state (s->sync), ==, EL_SYNC_STATE_ERROR);
    g_assert_cmpstr (el_sync_get_last_error (s->sync), ==, error->message);
  }
}

/* ------------------------------------------------------------------------------------------------
 * Triggers: start, local save, timer, network change; stop
 */

static void
test_triggers (void)
{
  g_autoptr (Side) s = side_new (el_test_server_get_url (server));
  g_autoptr (Side) watcher = NULL;
  GNetworkMonitor *monitor = g_network_monitor_get_default ();
  g_autoptr (ElSync) engine = NULL;
  g_autofree char *handoff_id = NULL;
  g_autofree char *op = NULL;
  g_autoptr (GPtrArray) versions = NULL;
  guint cycles = 0;

  g_signal_connect (s->sync, "cycle-finished", G_CALLBACK (cycle_count_cb), &cycles);
  g_object_set (s->sync, "push-delay-ms", 10, NULL);

  /* start: a cycle at once */
  el_sync_start (s->sync);
  g_assert_true (el_sync_get_started (s->sync));
  wait_count (&cycles, 1);
  g_assert_nonnull (el_sync_get_last_sync (s->sync));

  /* a local save: a cycle push-delay-ms later (the store's outbox-changed signal, nothing else) */
  handoff_id = ready_handoff (s, 6);
  op = save_edit (s, handoff_id, "Triggered by a save", NULL);
  wait_count (&cycles, 2);
  while (el_sync_get_running (s->sync))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (el_sync_get_pending_count (s->sync), ==, 0);
  versions = server_versions (s->client, handoff_id);
  g_assert_cmpuint (count_situation (versions, "Triggered by a save"), ==, 1);

  /* the timer */
  el_sync_set_interval (s->sync, 1);
  wait_count (&cycles, 4);
  el_sync_set_interval (s->sync, 0);

  /* stop: no more cycles */
  el_sync_stop (s->sync);
  g_assert_false (el_sync_get_started (s->sync));
  {
    guint now = cycles;

    el_sync_notify_local_change (s->sync);
    el_test_sleep_main (300);
    g_assert_cmpuint (cycles, ==, now);
  }

  /* network-changed on the (injected) monitor: a cycle */
  watcher = side_new (el_test_server_get_url (server));
  engine = el_sync_new_with_monitor (watcher->store, watcher->client, monitor);
  g_object_set (engine, "interval", 0, NULL);
  cycles = 0;
  g_signal_connect (engine, "cycle-finished", G_CALLBACK (cycle_count_cb), &cycles);
  el_sync_start (engine);
  wait_count (&cycles, 1);
  g_signal_emit_by_name (monitor, "network-changed", TRUE);
  wait_count (&cycles, 2);
  el_sync_stop (engine);
}

/* ------------------------------------------------------------------------------------------------
 * Recordings: uploaded with Idempotency-Key and Content-Digest, once, after a failed attempt
 */

static void
test_recording (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElTestProxy) proxy = el_test_proxy_new ((guint16) el_test_server_get_port (server), &error);
  g_autoptr (Side) s = NULL;
  g_autoptr (GAsyncResult) r = NULL;
  g_autofree char *url = NULL;
  g_autofree char *handoff_id = NULL;
  g_autofree char *recording_id = g_uuid_string_random ();
  g_autofree char *path = NULL;
  g_autofree char *op = NULL;
  g_autoptr (GBytes) payload = NULL;
  g_autoptr (GPtrArray) recordings = NULL;
  g_autoptr (ElRecording) on_server = NULL;
  g_autoptr (GByteArray) wav = g_byte_array_new ();
  ElSyncStats stats = { 0 };
  guint32 u32;
  guint16 u16;

  g_assert_no_error (error);
  url = el_test_proxy_url (proxy, "");
  if (g_str_has_suffix (url, "/"))
    url[strlen (url) - 1] = '\0';
  s = side_new (url);
  sync_ok (s, NULL);
  handoff_id = ready_handoff (s, 7);

  /* one second of 16 kHz mono silence */
  g_byte_array_append (wav, (const guint8 *) "RIFF", 4);
  u32 = GUINT32_TO_LE (36 + 32000);
  g_byte_array_append (wav, (const guint8 *) &u32, 4);
  g_byte_array_append (wav, (const guint8 *) "WAVEfmt ", 8);
  u32 = GUINT32_TO_LE (16);
  g_byte_array_append (wav, (const guint8 *) &u32, 4);
  u16 = GUINT16_TO_LE (1);
  g_byte_array_append (wav, (const guint8 *) &u16, 2);
  g_byte_array_append (wav, (const guint8 *) &u16, 2);
  u32 = GUINT32_TO_LE (16000);
  g_byte_array_append (wav, (const guint8 *) &u32, 4);
  u32 = GUINT32_TO_LE (32000);
  g_byte_array_append (wav, (const guint8 *) &u32, 4);
  u16 = GUINT16_TO_LE (2);
  g_byte_array_append (wav, (const guint8 *) &u16, 2);
  u16 = GUINT16_TO_LE (16);
  g_byte_array_append (wav, (const guint8 *) &u16, 2);
  g_byte_array_append (wav, (const guint8 *) "data", 4);
  u32 = GUINT32_TO_LE (32000);
  g_byte_array_append (wav, (const guint8 *) &u32, 4);
  g_byte_array_set_size (wav, wav->len + 32000);
  memset (wav->data + 44, 0, 32000);
  path = g_build_filename (s->dir, "recording.wav", NULL);
  g_assert_true (g_file_set_contents (path, (const char *) wav->data, wav->len, &error));

  g_assert_null (el_sync_recording_payload_new (recording_id, "audio/mp3", path, &error));
  g_assert_error (error, EL_SYNC_ERROR, EL_SYNC_ERROR_FAILED);
  g_clear_error (&error);
  payload = el_sync_recording_payload_new (recording_id, "audio/wav", path, &error);
  g_assert_no_error (error);
  op = el_store_enqueue_finish (s->store,
                                RUN (el_store_enqueue_async, s->store, EL_STORE_OP_RECORDING_UPLOAD,
                                     "handoff", handoff_id, payload, -1, NULL),
                                &error);
  g_assert_no_error (error);

  /* an earlier attempt of this very upload still streaming (another connection that sent the
   * head and part of the body, then stalled): the server holds the op's Idempotency-Key and
   * answers 409 idempotency_in_progress — a reason to retry later, never one to give up */
  {
    g_autoptr (ElTestApi) api = el_test_api_new (server);
    const ElTestLogin *who = el_test_api_login (api, CHARGE_EMAIL, PASSWORD);
    g_autoptr (GSocketClient) socket_client = g_socket_client_new ();
    g_autoptr (GSocketConnection) stalled = NULL;
    g_autoptr (GPtrArray) ops = NULL;
    g_autofree char *digest = NULL;
    g_autofree char *head = NULL;
    guint8 sum[32];
    gsize sum_len = sizeof sum;
    GChecksum *checksum = g_checksum_new (G_CHECKSUM_SHA256);
    ElStoreOp *held;

    g_checksum_update (checksum, wav->data, wav->len);
    g_checksum_get_digest (checksum, sum, &sum_len);
    g_checksum_free (checksum);
    digest = g_base64_encode (sum, sum_len);
    head = g_strdup_printf ("POST /api/v1/handoffs/%s/recordings?recording_id=%s HTTP/1.1\r\nHost: x\r\n"
                            "Authorization: Bearer %s\r\nContent-Type: audio/wav\r\n"
                            "Content-Length: %u\r\nIdempotency-Key: %s\r\n"
                            "Content-Digest: sha-256=:%s:\r\n\r\n",
                            handoff_id, recording_id, who->token, wav->len, op, digest);
    stalled = g_socket_client_connect_to_host (socket_client, "127.0.0.1",
                                               (guint16) el_test_server_get_port (server), NULL, &error);
    g_assert_no_error (error);
    g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (stalled)), head,
                                              strlen (head), NULL, NULL, &error));
    g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (stalled)),
                                              wav->data, 1024, NULL, NULL, &error));
    g_assert_no_error (error);
    el_test_sleep_main (300); /* the server has claimed the key */

    el_api_client_set_max_attempts (s->client, 1);
    g_assert_true (sync_run (s, EL_SYNC_RUN_NONE, &stats, &error) || error != NULL);
    g_clear_error (&error);
    g_assert_cmpint (el_sync_get_needs_attention_count (s->sync), ==, 0);
    g_assert_cmpint (el_sync_get_pending_count (s->sync), ==, 1);
    ops = el_store_list_ops_finish (s->store, RUN (el_store_list_ops_async, s->store, EL_STORE_OP_FILTER_ALL),
                                    &error);
    g_assert_no_error (error);
    g_assert_cmpuint (ops->len, ==, 1);
    held = g_ptr_array_index (ops, 0);
    g_assert_cmpint (held->state, ==, EL_STORE_OP_PENDING);
    g_assert_cmpint (held->attempts, ==, 1);
    g_assert_nonnull (strstr (held->last_error, "idempotency_in_progress"));
    /* not before the server's Retry-After (5 s) */
    g_assert_cmpint (held->next_attempt_at, >=, g_get_real_time () + 3 * G_USEC_PER_SEC);
    /* the stalled attempt goes away: the server drops its claim, and the op is due after its
     * Retry-After */
    g_io_stream_close (G_IO_STREAM (stalled), NULL, NULL);
    while (g_get_real_time () < held->next_attempt_at + 100 * 1000)
      el_test_sleep_main (100);
  }

  /* every attempt of the first cycle is cut once the server has answered a few bytes */
  el_api_client_set_max_attempts (s->client, 1);
  el_test_proxy_set_mode (proxy, EL_TEST_PROXY_CUT, 1);
  g_assert_false (sync_run (s, EL_SYNC_RUN_NONE, &stats, &error));
  g_assert_error (error, EL_SYNC_ERROR, EL_SYNC_ERROR_OFFLINE);
  g_clear_error (&error);
  g_assert_cmpint (el_sync_get_pending_count (s->sync), ==, 1);

  el_test_proxy_set_mode (proxy, EL_TEST_PROXY_PASS, 0);
  sync_ok (s, &stats);
  g_assert_cmpuint (stats.pushed, ==, 1);
  g_assert_cmpint (el_sync_get_pending_count (s->sync), ==, 0);
  on_server = el_api_client_get_recording_finish (
      s->client, RUN (el_api_client_get_recording_async, s->client, recording_id), &error);
  g_assert_no_error (error);
  g_assert_nonnull (on_server);
  recordings = el_store_list_recordings_finish (
      s->store, RUN (el_store_list_recordings_async, s->store, handoff_id), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (recordings->len, ==, 1);
  g_assert_cmpstr (el_recording_get_id (g_ptr_array_index (recordings, 0)), ==, recording_id);

  /* a file that is gone: needs attention, not an endless retry */
  {
    g_autofree char *gone = g_build_filename (s->dir, "gone.wav", NULL);
    g_autoptr (GBytes) p2 = el_sync_recording_payload_new (NULL, "audio/wav", gone, &error);
    g_autofree char *op2 = NULL;

    g_assert_no_error (error);
    op2 = el_store_enqueue_finish (s->store,
                                   RUN (el_store_enqueue_async, s->store, EL_STORE_OP_RECORDING_UPLOAD,
                                        "handoff", handoff_id, p2, -1, NULL),
                                   &error);
    g_assert_no_error (error);
    sync_ok (s, &stats);
    g_assert_cmpuint (stats.needs_attention, ==, 1);
  }
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  server = seeded_server_new (NULL);
  el_test_server_start (server);

  g_test_add_func ("/el/client/sync/initial", test_initial);
  g_test_add_func ("/el/client/sync/edit-once-retried", test_edit_once);
  g_test_add_func ("/el/client/sync/offline-edits", test_offline_edits);
  g_test_add_func ("/el/client/sync/conflict", test_conflict);
  g_test_add_func ("/el/client/sync/rejected", test_rejected);
  g_test_add_func ("/el/client/sync/pending-not-overwritten", test_pending_not_overwritten);
  g_test_add_func ("/el/client/sync/server-killed", test_server_killed);
  g_test_add_func ("/el/client/sync/retry-after", test_retry_after);
  g_test_add_func ("/el/client/sync/properties", test_properties);
  g_test_add_func ("/el/client/sync/triggers", test_triggers);
  g_test_add_func ("/el/client/sync/recording", test_recording);
  status = g_test_run ();
  el_store_join_exiting_workers ();

  g_assert_cmpint (el_test_server_stop (server), ==, 0);
  el_test_server_free (server);
  return status;
}
