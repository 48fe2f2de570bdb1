/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "el-store.h"
#include "el-test-api.h"
#include "el-test-cli.h"
#include "el-test-server.h"
#include "el-test-util.h"

/*
 * The crash test: `eclipselink-cli edit` makes edits against a signed-in cache, one process per
 * edit, and the test SIGKILLs it at random points (200 times in 500 edits; 1,000 with `-m slow`,
 * the `slow` suite). Every edit the CLI reported as saved ("saved <op id>", printed only after the
 * store's commit) is recorded; after the last one a normal `sync` runs, and then every reported
 * edit must exist on the server exactly once (compared by its SBAR text, each edit's text is
 * unique), no edit at all may exist twice, the server's order of a handoff's edits must be the
 * order they were made in, and `PRAGMA integrity_check` on the cache must say ok (before and after
 * the sync).
 *
 * Kill points: a delay drawn uniformly from [0, the mean run time of the edits not killed so
 * far], so kills land everywhere in a run: start-up, keyring lookup, store open (WAL recovery of
 * the previous kill), the read of the latest version, the commit, the print, the close. A kill that
 * comes after the process already exited does not count; edits go on until the number of real kills
 * is reached. Run with --seed to replay a sequence.
 */

#define PASSWORD   "handoff-demo"
#define N_HANDOFFS 4
#define ACCOUNT    "nurse.a@demo.eclipselink.ai"

static ElTestServer *server;

static CliRun *
run_cli (const char *dir, const char *input, const char *const *args, guint kill_after_us, gboolean *killed)
{
  g_autoptr (GSubprocess) proc = cli_spawn (el_test_server_get_url (server), dir, args, NULL);
  CliRun *run;

  if (killed != NULL)
    {
      g_usleep (kill_after_us);
      g_subprocess_send_signal (proc, SIGKILL);
    }
  run = cli_communicate (proc, input);
  if (killed != NULL)
    *killed = run->signal == SIGKILL;
  if (run->signal != 0 && run->signal != SIGKILL)
    g_error ("eclipselink-cli died of signal %d: %s", run->signal, run->err);
  return run;
}

#define cli(dir, input, ...) run_cli ((dir), (input), (const char *const[]){ __VA_ARGS__, NULL }, 0, NULL)

static void
assert_ok (CliRun *run)
{
  if (run->status != 0)
    g_printerr ("eclipselink-cli exited %d\nstdout:\n%s\nstderr:\n%s\n", run->status, run->out, run->err);
  g_assert_cmpint (run->status, ==, 0);
}

static void
assert_integrity_ok (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* N_HANDOFFS editable handoffs of different patients, from the CLI's census. */
static GPtrArray *
pick_handoffs (const char *dir)
{
  g_autoptr (CliRun) run = cli (dir, NULL, "--json", "census");
  g_autoptr (JsonNode) root = NULL;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  JsonArray *patients;
  JsonObject *handoff;
  guint i = 0;

  assert_ok (run);
  patients = json_object_get_array_member (parse_object (run->out, &root), "patients");
  while (ids->len < N_HANDOFFS && (handoff = cli_next_editable_handoff (patients, &i)) != NULL)
    g_ptr_array_add (ids, g_strdup (json_object_get_string_member (handoff, "id")));
  g_assert_cmpuint (ids->len, ==, N_HANDOFFS);
  return ids;
}

/* The edit number of a crash text "crash-edit-NNNNN", or -1. */
static int
edit_number (const char *text)
{
  guint64 n = 0;

  if (text == NULL || !g_str_has_prefix (text, "crash-edit-") ||
      !g_ascii_string_to_unsigned (text + strlen ("crash-edit-"), 10, 0, G_MAXINT, &n, NULL))
    return -1;
  return (int) n;
}

static void
test_crash (void)
{
  guint n_edits = g_test_slow () ? 2500 : 500;
  guint n_kills = g_test_slow () ? 1000 : 200;
  g_autofree char *dir = el_test_make_dir ("el-crash-XXXXXX");
  g_autofree char *cache = NULL;
  g_autoptr (GPtrArray) handoffs = NULL;
  g_autoptr (GHashTable) reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) on_server = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GRand *rand = g_rand_new_with_seed (g_test_rand_int ());
  guint kills = 0, killed_after_saved = 0, missed = 0, edits = 0;
  double mean_us = 40000, total_us = 0;
  guint n_timed = 0;
  gint64 started = g_get_monotonic_time ();

  cache = el_store_path_for_account (dir, el_test_server_get_url (server), ACCOUNT);
  {
    g_autoptr (CliRun) run = cli (dir, PASSWORD "\n", "login", ACCOUNT);

    assert_ok (run);
  }
  {
    g_autoptr (CliRun) run = cli (dir, NULL, "sync");

    assert_ok (run);
  }
  handoffs = pick_handoffs (dir);

  for (guint i = 0; i < n_edits || kills < n_kills; i++)
    {
      const char *handoff = g_ptr_array_index (handoffs, i % N_HANDOFFS);
      g_autofree char *text = g_strdup_printf ("crash-edit-%05u", i);
      const char *const args[] = { "edit", handoff, "--situation", text, NULL };
      guint left = i < n_edits ? n_edits - i : 1;
      gboolean kill = kills < n_kills && g_rand_double (rand) * left < (double) (n_kills - kills);
      gboolean killed = FALSE;
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr (CliRun) run = NULL;
      gboolean saved;

      g_assert_cmpuint (i, <, n_edits * 4); /* kills that never land would loop forever */
      run = run_cli (dir, NULL, args, kill ? (guint) g_rand_double_range (rand, 0, mean_us) : 0,
                     kill ? &killed : NULL);
      saved = g_str_has_prefix (run->out, "saved ");
      edits++;
      if (killed)
        {
          kills++;
          killed_after_saved += saved;
        }
      else
        {
          if (kill)
            missed++;
          /* a run that was not killed must have saved */
          if (run->status != 0 || !saved)
            g_printerr ("edit %u: exit %d\nstdout:\n%s\nstderr:\n%s\n", i, run->status, run->out, run->err);
          g_assert_cmpint (run->status, ==, 0);
          g_assert_true (saved);
          total_us += (double) (g_get_monotonic_time () - t0);
          n_timed++;
          mean_us = total_us / n_timed;
        }
      if (saved)
        g_hash_table_add (reported, g_steal_pointer (&text));
    }
  g_test_message ("%u edits, %u SIGKILLs (%u after \"saved\" was printed, %u kills came too late), "
                  "%u reported saved; mean edit run %.1f ms",
                  edits, kills, killed_after_saved, missed, g_hash_table_size (reported), mean_us / 1000);
  g_assert_cmpuint (kills, ==, n_kills);

  /* the cache survived every kill */
  assert_integrity_ok (cache);

  {
    g_autoptr (CliRun) run = cli (dir, NULL, "--json", "sync");

    assert_ok (run);
  }
  {
    g_autoptr (CliRun) run = cli (dir, NULL, "--json", "status");
    g_autoptr (JsonNode) root = NULL;
    JsonObject *obj;

    assert_ok (run);
    obj = parse_object (run->out, &root);
    g_assert_cmpint (json_object_get_int_member (obj, "pending_ops"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (obj, "needs_attention"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (obj, "conflicts"), ==, 0);
  }
  assert_integrity_ok (cache);

  /* the server: every version of the handoffs, by number */
  {
    g_autoptr (ElTestApi) api = el_test_api_new (server);
    const ElTestLogin *who = el_test_api_login (api, ACCOUNT, PASSWORD);
    GHashTableIter iter;
    gpointer key;
    guint crash_versions = 0;

    for (guint h = 0; h < handoffs->len; h++)
      {
        const char *handoff = g_ptr_array_index (handoffs, h);
        g_autofree char *path = el_test_handoff_path (handoff, "");
        g_autoptr (ElTestResponse) resp = el_test_api_call (api, "GET", path, who, NULL, EL_TEST_END);
        int latest;
        int previous = -1;

        g_assert_cmpuint (resp->status, ==, 200);
        latest = (int) json_object_get_int_member (el_test_response_get_object (resp), "latest_version");
        for (int v = 1; v <= latest; v++)
          {
            g_autofree char *suffix = g_strdup_printf ("/sbar/versions/%d", v);
            g_autofree char *vpath = el_test_handoff_path (handoff, suffix);
            g_autoptr (ElTestResponse) vresp = el_test_api_call (api, "GET", vpath, who, NULL, EL_TEST_END);
            const char *situation;
            int n;

            g_assert_cmpuint (vresp->status, ==, 200);
            situation = el_test_response_get_string (vresp, "situation");
            n = edit_number (situation);
            if (n < 0)
              continue;
            crash_versions++;
            /* no edit twice */
            if (g_hash_table_contains (on_server, situation))
              g_error ("%s is on the server twice", situation);
            g_hash_table_add (on_server, g_strdup (situation));
            /* on this handoff, in the order the edits were made */
            g_assert_cmpint ((guint) n % N_HANDOFFS, ==, h);
            g_assert_cmpint (n, >, previous);
            previous = n;
          }
      }
    /* every reported edit exactly once (no duplicates was checked above) */
    g_hash_table_iter_init (&iter, reported);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      if (!g_hash_table_contains (on_server, key))
        g_error ("%s was reported saved but is not on the server", (const char *) key);
    g_test_message ("%u edits on the server: %u reported + %u committed just before a kill (never reported)",
                    crash_versions, g_hash_table_size (reported),
                    crash_versions - g_hash_table_size (reported));
    g_assert_cmpuint (crash_versions, >=, g_hash_table_size (reported));
    g_assert_cmpuint (crash_versions, <=, edits);
  }
  g_test_message ("crash test took %.1f s", (double) (g_get_monotonic_time () - started) / G_USEC_PER_SEC);

  {
    g_autoptr (CliRun) run = cli (dir, NULL, "logout");

    assert_ok (run);
  }
  g_rand_free (rand);
  el_test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  server = el_test_server_new ();
  el_test_demo_prepare (server, PASSWORD);
  el_test_server_start (server);

  g_test_add_func ("/el/client/crash/edit-sigkill", test_crash);
  status = g_test_run ();

  g_assert_cmpint (el_test_server_stop (server), ==, 0);
  el_test_server_free (server);
  return status;
}
