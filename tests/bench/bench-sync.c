/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ElSync speed (issue 4's benchmarks), printed, never asserted, against a real `eclipselink-server`
 * on 127.0.0.1 seeded with one unit of EL_BENCH_PATIENTS (30) patients x EL_BENCH_DAYS (50) days,
 * two shifts a day: 3,000 handoffs and their SBAR versions.
 * - Initial sync: a fresh ElStore, one el_sync_run_async() (every page of GET /api/v1/changes
 *   applied with its cursor); goal <= 2 s. Baseline in the same run: the same pages only fetched
 *   (HTTP + JSON parse, nothing decoded or stored).
 * - Delta sync: another client saves 10 SBAR versions on the server, then one cycle pulls them;
 *   median of EL_BENCH_ROUNDS (7) rounds; goal <= 50 ms. Baseline: an empty cycle (nothing changed).
 */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "el-api-client.h"
#include "el-store.h"
#include "el-sync.h"
#include "el-test-util.h"

#define PASSWORD "handoff-demo-bench"
#define EMAIL    "charge.nurse@demo.eclipselink.ai"
#define JWT      "bench-jwt-secret-0123456789abcdef0123456789abcdef"
#define ENC_KEY  "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

static void
got_result_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  (void) source;
  *(GAsyncResult **) user_data = g_object_ref (result);
}

#define RUN(async, ...)                           \
  ({                                              \
    g_clear_object (&r);                          \
    async (__VA_ARGS__, NULL, got_result_cb, &r); \
    el_test_wait_for (&r);                        \
  })

/* Runs `eclipselink-server ARGS` with @env; returns its exit status. */
static int
run_server_command (char **env, const char *const *args, GSubprocess **out_proc)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (
      out_proc != NULL ? G_SUBPROCESS_FLAGS_STDOUT_PIPE : G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) proc = NULL;

  g_subprocess_launcher_set_environ (launcher, env);
  g_ptr_array_add (argv, (gpointer) EL_SERVER_PATH);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  if (out_proc != NULL)
    {
      *out_proc = g_steal_pointer (&proc);
      return 0;
    }
  g_assert_true (g_subprocess_wait (proc, NULL, NULL));
  return g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
}

static ElApiClient *
client_new (const char *url)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);
  g_autoptr (ElApiMemoryTokenStore) tokens = el_api_memory_token_store_new ();
  ElApiClient *client = el_api_client_new (url, EL_API_TOKEN_STORE (tokens), &error);
  g_autoptr (ElUser) user = NULL;

  g_assert_no_error (error);
  el_api_client_set_proxy_resolver (client, direct);
  user =
      el_api_client_login_finish (client, RUN (el_api_client_login_async, client, EMAIL, PASSWORD), &error);
  g_assert_no_error (error);
  return client;
}

static ElStore *
store_new (const char *dir, const char *name)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  guint8 key[EL_VAULT_KEY_BYTES];
  g_autoptr (ElVault) vault = NULL;
  ElStore *store;

  for (guint i = 0; i < sizeof key; i++)
    key[i] = (guint8) g_random_int ();
  vault = el_vault_new (key);
  store = el_store_open_finish (RUN (el_store_open_async, path, vault), &error);
  g_assert_no_error (error);
  return store;
}

static double
timed_cycle (ElSync *sync, ElSyncStats *stats)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();
  gboolean ok = el_sync_run_finish (sync, RUN (el_sync_run_async, sync, EL_SYNC_RUN_NONE), stats, &error);
  double ms = (double) (g_get_monotonic_time () - t0) / 1000.0;

  g_assert_no_error (error);
  g_assert_true (ok);
  return ms;
}

/* Fetches every change-feed page without storing anything (the baseline). */
static double
fetch_only (ElApiClient *client, guint *n_pages)
{
  gint64 since = 0, t0 = g_get_monotonic_time ();
  gboolean more = TRUE;

  *n_pages = 0;
  while (more)
    {
      g_autoptr (GAsyncResult) r = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT "&limit=200", since);
      g_autoptr (ElApiResponse) resp =
          el_api_client_call_finish (client,
                                     RUN (el_api_client_call_async, client, "GET", "/api/v1/changes", path,
                                          EL_API_CALL_AUTH, NULL, NULL, NULL, NULL),
                                     &error);
      JsonObject *page;

      g_assert_no_error (error);
      page = json_node_get_object (el_api_response_get_json (resp));
      more = json_object_get_boolean_member (page, "has_more");
      since = json_object_get_int_member (page, "next_cursor");
      (*n_pages)++;
    }
  return (double) (g_get_monotonic_time () - t0) / 1000.0;
}

int
main (int argc, char *argv[])
{
  guint patients = el_test_env_uint ("EL_BENCH_PATIENTS", 30);
  guint days = el_test_env_uint ("EL_BENCH_DAYS", 50);
  guint rounds = el_test_env_uint ("EL_BENCH_ROUNDS", 7);
  g_autofree char *dir = g_dir_make_tmp ("el-bench-sync-XXXXXX", NULL);
  g_autofree char *db_url = g_strdup_printf ("sqlite://%s/server.db", dir);
  g_autofree char *storage = g_build_filename (dir, "storage", NULL);
  g_autofree char *patients_arg = g_strdup_printf ("%u", patients);
  g_autofree char *days_arg = g_strdup_printf ("%u", days);
  g_auto (GStrv) env = g_get_environ ();
  g_autoptr (GSubprocess) server = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (ElApiClient) client = NULL;
  g_autoptr (ElApiClient) editor = NULL;
  g_autoptr (ElStore) store = NULL;
  g_autoptr (ElSync) sync = NULL;
  g_autoptr (GArray) deltas = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) empties = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GPtrArray) handoffs = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *url = NULL;
  g_autofree char *line = NULL;
  ElSyncStats stats = { 0 };
  ElSyncStats delta_stats = { 0 };
  ElStoreCounts counts = { 0 };
  guint fetch_pages = 0;
  double initial_ms, fetch_ms, delta_ms, empty_ms;
  gint64 t0;

  g_test_init (&argc, &argv, NULL); /* for G_DEBUG and the assertion messages */
  g_assert_nonnull (dir);

  env = g_environ_setenv (env, "DATABASE_URL", db_url, TRUE);
  env = g_environ_setenv (env, "STORAGE_DIR", storage, TRUE);
  env = g_environ_setenv (env, "JWT_SECRET", JWT, TRUE);
  env = g_environ_setenv (env, "ENCRYPTION_KEY", ENC_KEY, TRUE);
  env = g_environ_setenv (env, "RATE_LIMIT_ENABLED", "false", TRUE);
  env = g_environ_setenv (env, "LOG_LEVEL", "error", TRUE);
  {
    const char *migrate[] = { "migrate", NULL };
    const char *seed[] = { "seed-demo",           "--password", PASSWORD, "--units", "1",
                           "--patients-per-unit", patients_arg, "--days", days_arg,  NULL };

    int status = run_server_command (env, migrate, NULL);

    g_assert_cmpint (status, ==, 0);
    t0 = g_get_monotonic_time ();
    status = run_server_command (env, seed, NULL);
    g_assert_cmpint (status, ==, 0);
    g_print ("# seeded 1 unit x %u patients x %u days (%u handoffs) in %.1f s\n", patients, days,
             patients * days * 2, (double) (g_get_monotonic_time () - t0) / 1e6);
  }
  {
    const char *serve[] = { "serve", "--host", "127.0.0.1", "--port", "0", NULL };
    g_autoptr (GError) error = NULL;

    run_server_command (env, serve, &server);
    out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
    while (url == NULL)
      {
        const char *at;

        g_clear_pointer (&line, g_free);
        line = g_data_input_stream_read_line (out, NULL, NULL, &error);
        g_assert_no_error (error);
        g_assert_nonnull (line);
        at = strstr (line, "http://");
        if (at != NULL)
          {
            url = g_strdup (at);
            if (g_str_has_suffix (url, "/"))
              url[strlen (url) - 1] = '\0';
          }
      }
  }

  client = client_new (url);
  editor = client_new (url);
  store = store_new (dir, "cache.db");
  sync = el_sync_new (store, client);
  g_object_set (sync, "interval", 0, NULL);

  /* baseline: the same pages, fetched and parsed only */
  fetch_ms = fetch_only (editor, &fetch_pages);

  initial_ms = timed_cycle (sync, &stats);
  {
    g_autoptr (GAsyncResult) r = NULL;
    g_autoptr (GError) error = NULL;

    g_assert_true (
        el_store_get_counts_finish (store, RUN (el_store_get_counts_async, store), &counts, &error));
    g_assert_no_error (error);
  }
  g_print ("initial sync: %u handoffs, %u SBAR versions, %u patients in %u pages: %.0f ms "
           "(baseline: the same %u pages fetched only: %.0f ms) goal <= 2000 ms: %s\n",
           counts.handoffs, counts.sbar_versions, counts.patients, stats.pages, initial_ms, fetch_pages,
           fetch_ms, initial_ms <= 2000.0 ? "MET" : "NOT MET");

  /* ten handoffs the editor changes each round */
  {
    g_autoptr (GAsyncResult) r = NULL;
    g_autoptr (GError) error = NULL;
    g_autofree char *next = NULL;
    gboolean more = FALSE;
    g_autoptr (GPtrArray) list = el_api_client_list_handoffs_finish (
        editor, RUN (el_api_client_list_handoffs_async, editor, NULL, NULL, NULL, 100), &next, &more, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < list->len && handoffs->len < 10; i++)
      if (el_handoff_get_status (g_ptr_array_index (list, i)) == EL_HANDOFF_STATUS_READY)
        g_ptr_array_add (handoffs, g_strdup (el_handoff_get_id (g_ptr_array_index (list, i))));
    g_assert_cmpuint (handoffs->len, ==, 10);
  }

  for (guint round = 0; round < rounds; round++)
    {
      for (guint i = 0; i < handoffs->len; i++)
        {
          g_autoptr (GAsyncResult) r = NULL;
          g_autoptr (GError) error = NULL;
          const char *id = g_ptr_array_index (handoffs, i);
          g_autoptr (ElSbarVersion) latest =
              el_api_client_get_sbar_finish (editor, RUN (el_api_client_get_sbar_async, editor, id), &error);
          g_autoptr (ElSbarVersion) content = el_sbar_version_new ();
          g_autoptr (ElSbarVersion) created = NULL;
          g_autofree char *text = g_strdup_printf ("Bench round %u", round);

          g_assert_no_error (error);
          el_sbar_version_set_source (content, EL_SBAR_SOURCE_NURSE);
          el_sbar_version_set_situation (content, text);
          created = el_api_client_create_sbar_version_finish (
              editor,
              RUN (el_api_client_create_sbar_version_async, editor, id, content,
                   el_sbar_version_get_version (latest), NULL),
              NULL, &error);
          g_assert_no_error (error);
        }
      delta_ms = timed_cycle (sync, &delta_stats);
      g_array_append_val (deltas, delta_ms);
      g_assert_cmpuint (delta_stats.applied, >=, 10);
      empty_ms = timed_cycle (sync, &stats);
      g_array_append_val (empties, empty_ms);
    }
  delta_ms = el_test_median (deltas);
  empty_ms = el_test_median (empties);
  g_print ("delta sync: 10 new SBAR versions (%u items applied in the last round), median of %u: %.1f ms "
           "(baseline: a cycle with nothing new: %.1f ms) goal <= 50 ms: %s\n",
           delta_stats.applied, rounds, delta_ms, empty_ms, delta_ms <= 50.0 ? "MET" : "NOT MET");

  g_clear_object (&sync);
  {
    g_autoptr (GAsyncResult) r = NULL;

    (void) el_store_close_finish (store, RUN (el_store_close_async, store), NULL);
  }
  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  el_test_remove_tree (dir);
  return 0;
}
