/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ElStore speed (issue 4's benchmarks), printed, never asserted:
 * - a durable local SBAR save (el_store_save_sbar_draft_async to its callback: local version + outbox op,
 *   sealed, one synchronous=FULL transaction on the store's thread), median of EL_BENCH_SAVES (200),
 *   against a bare SQLite single-row synchronous=FULL WAL commit on the same disk, interleaved in the
 *   same run; goal: <= 2x;
 * - the census of a unit with EL_BENCH_HANDOFFS (100000) cached handoffs: median over 200 calls,
 *   goal <= 2 ms.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "el-store.h"
#include "el-test-util.h"

#define UNIT     "11111111-1111-4111-8111-111111111111"
#define USER     "22222222-2222-4222-8222-222222222222"
#define PATIENTS 40u

static void
got_result_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  (void) source;
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
check (gboolean ok, GError *error)
{
  if (!ok)
    g_error ("bench-store: %s", error != NULL ? error->message : "failed");
}

static char *
patient_id (guint i)
{
  return g_strdup_printf ("33333333-3333-4333-8333-%012u", i);
}

static char *
handoff_id (guint i)
{
  return g_strdup_printf ("44444444-4444-4444-8444-%012u", i);
}

static void
apply (ElStore *store, GString *json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) page = json_from_string (json->str, &error);
  g_autoptr (GAsyncResult) r = NULL;

  check (page != NULL, error);
  el_store_apply_changes_page_async (store, page, NULL, got_result_cb, &r);
  el_test_wait_for (&r);
  check (el_store_apply_changes_page_finish (store, r, NULL, &error), error);
}

/* A unit with PATIENTS patients and @n handoffs spread over them (oldest first). */
static void
populate (ElStore *store, guint n)
{
  g_autoptr (GString) page = g_string_new (NULL);
  g_autoptr (GDateTime) base = g_date_time_new_utc (2024, 1, 1, 0, 0, 0);
  gint64 cursor = 1;

  g_string_append (page, "{\"next_cursor\":1,\"has_more\":true,\"upserts\":{\"units\":[{\"id\":\"" UNIT
                         "\",\"name\":\"Bench\",\"code\":\"B1\"}],\"patients\":[");
  for (guint p = 0; p < PATIENTS; p++)
    {
      g_autofree char *id = patient_id (p);

      g_string_append_printf (
          page,
          "%s{\"id\":\"%s\",\"unit_id\":\"" UNIT "\",\"mrn\":\"M%u\",\"given_name\":\"Given%u\","
          "\"family_name\":\"Family\",\"date_of_birth\":\"1950-01-02\",\"sex\":\"female\","
          "\"room\":\"%u\",\"bed\":\"A\",\"diagnosis\":\"Pneumonia\",\"allergies\":[\"latex\"]}",
          p > 0 ? "," : "", id, p, p, 100 + p);
    }
  g_string_append (page, "]},\"tombstones\":{}}");
  apply (store, page);

  for (guint start = 0; start < n; start += 1000)
    {
      g_string_truncate (page, 0);
      g_string_append_printf (
          page, "{\"next_cursor\":%" G_GINT64_FORMAT ",\"has_more\":true,\"upserts\":{\"handoffs\":[",
          ++cursor);
      for (guint i = start; i < MIN (n, start + 1000); i++)
        {
          g_autofree char *id = handoff_id (i);
          g_autofree char *pid = patient_id (i % PATIENTS);
          g_autoptr (GDateTime) at = g_date_time_add_minutes (base, (int) i);
          g_autofree char *ts = g_date_time_format (at, "%Y-%m-%dT%H:%M:%S.000Z");

          g_string_append_printf (
              page,
              "%s{\"id\":\"%s\",\"patient_id\":\"%s\",\"unit_id\":\"" UNIT "\",\"status\":"
              "\"ready\",\"shift_date\":\"2024-01-01\",\"shift\":\"day\",\"created_by\":\"" USER
              "\",\"created_at\":\"%s\",\"updated_at\":\"%s\",\"latest_version\":1,\"etag\":"
              "\"e%u\"}",
              i > start ? "," : "", id, pid, ts, ts, i);
        }
      g_string_append (page, "]},\"tombstones\":{}}");
      apply (store, page);
    }
}

int
main (int argc, char **argv)
{
  guint saves = el_test_env_uint ("EL_BENCH_SAVES", 200);
  guint handoffs = el_test_env_uint ("EL_BENCH_HANDOFFS", 100000);
  guint census_runs = el_test_env_uint ("EL_BENCH_CENSUS_RUNS", 200);
  guint8 key[EL_VAULT_KEY_BYTES];
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("el-bench-store-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *bare_path = NULL;
  g_autoptr (ElVault) vault = NULL;
  g_autoptr (ElStore) store = NULL;
  g_autoptr (GArray) bare = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) durable = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) census = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (ElSbarVersion) content = el_sbar_version_new ();
  sqlite3 *db = NULL;
  sqlite3_stmt *ins = NULL;
  double bare_ms, save_ms, census_ms, load_s;
  gint64 t0;
  guint rows = 0;

  (void) argc;
  (void) argv;
  check (dir != NULL, error);
  for (guint i = 0; i < sizeof key; i++)
    key[i] = (guint8) (i * 7 + 3);
  vault = el_vault_new (key);
  path = g_build_filename (dir, "cache.db", NULL);
  bare_path = g_build_filename (dir, "bare.db", NULL);

  /* The baseline: a bare WAL database, one row per synchronous=FULL transaction. */
  if (sqlite3_open (bare_path, &db) != SQLITE_OK ||
      sqlite3_exec (
          db,
          "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; CREATE TABLE t (id INTEGER PRIMARY KEY, "
          "v BLOB)",
          NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "INSERT INTO t (v) VALUES (?1)", -1, &ins, NULL) != SQLITE_OK)
    g_error ("bench-store: bare SQLite: %s", sqlite3_errmsg (db));

  {
    GAsyncResult *r = NULL;

    el_store_open_async (path, vault, NULL, got_result_cb, &r);
    el_test_wait_for (&r);
    store = el_store_open_finish (r, &error);
    g_object_unref (r);
    check (store != NULL, error);
  }
  el_sbar_version_set_source (content, EL_SBAR_SOURCE_NURSE);
  el_sbar_version_set_situation (content,
                                 "72-year-old with pneumonia, more short of breath since 0300, SpO2 89% on "
                                 "2 L nasal cannula, now 94% on 4 L.");
  el_sbar_version_set_recommendation (content, "Recheck SpO2 hourly; call the resident if below 92% on 4 L.");
  el_sbar_version_set_author_id (content, USER);

  for (guint i = 0; i < saves; i++)
    {
      g_autofree char *hid = handoff_id (1000000 + i);
      GAsyncResult *r = NULL;
      g_autofree char *op = NULL;
      double ms;

      t0 = g_get_monotonic_time ();
      sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
      sqlite3_bind_blob (ins, 1, "0123456789abcdef0123456789abcdef", 32, SQLITE_STATIC);
      sqlite3_step (ins);
      sqlite3_reset (ins);
      if (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        g_error ("bench-store: bare commit: %s", sqlite3_errmsg (db));
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      g_array_append_val (bare, ms);

      t0 = g_get_monotonic_time ();
      el_store_save_sbar_draft_async (store, hid, 0, content, NULL, got_result_cb, &r);
      el_test_wait_for (&r);
      op = el_store_save_sbar_draft_finish (store, r, &error);
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      g_object_unref (r);
      check (op != NULL, error);
      g_array_append_val (durable, ms);
    }
  sqlite3_finalize (ins);
  sqlite3_close (db);
  bare_ms = el_test_median (bare);
  save_ms = el_test_median (durable);
  g_print ("durable SBAR save: median %.3f ms over %u (bare SQLite synchronous=FULL commit: median %.3f ms); "
           "ratio %.2fx, goal <= 2x: %s\n",
           save_ms, saves, bare_ms, save_ms / bare_ms, save_ms <= 2 * bare_ms ? "MET" : "NOT MET");

  t0 = g_get_monotonic_time ();
  populate (store, handoffs);
  load_s = (g_get_monotonic_time () - t0) / 1e6;
  g_print ("cached %u handoffs of %u patients through %u change pages in %.1f s\n", handoffs, PATIENTS,
           (handoffs + 999) / 1000 + 1, load_s);

  for (guint i = 0; i < census_runs; i++)
    {
      GAsyncResult *r = NULL;
      g_autoptr (GPtrArray) list = NULL;
      double ms;

      t0 = g_get_monotonic_time ();
      el_store_census_async (store, UNIT, NULL, got_result_cb, &r);
      el_test_wait_for (&r);
      list = el_store_census_finish (store, r, &error);
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      g_object_unref (r);
      check (list != NULL, error);
      rows = list->len;
      g_array_append_val (census, ms);
    }
  census_ms = el_test_median (census);
  g_print (
      "census of a unit with %u cached handoffs (%u patients, each with its latest handoff): median %.3f ms "
      "over %u, goal <= 2 ms: %s\n",
      handoffs, rows, census_ms, census_runs, census_ms <= 2.0 ? "MET" : "NOT MET");

  g_clear_object (&store);
  {
    static const char *const files[] = { "cache.db", "cache.db-wal", "cache.db-shm",
                                         "bare.db",  "bare.db-wal",  "bare.db-shm" };

    for (guint i = 0; i < G_N_ELEMENTS (files); i++)
      {
        g_autofree char *p = g_build_filename (dir, files[i], NULL);

        g_unlink (p);
      }
    g_rmdir (dir);
  }
  return 0;
}
