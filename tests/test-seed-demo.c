/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `eclipselink-server seed-demo`: the real binary on a temporary database. */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "el-db.h"
#include "el-password.h"
#include "el-repo.h"

#define KEY       "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
#define OTHER_KEY "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="

typedef struct
{
  char *dir;
  char *path;
  char *url;
} Fixture;

typedef struct
{
  int status;
  char *out;
  char *err;
} Result;

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Result, result_clear)

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("el-test-seed-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "demo.db", NULL);
  f->url = g_strconcat ("sqlite://", f->path, NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (f->dir, name, NULL);

      g_unlink (child);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->path);
  g_free (f->url);
}

/* Runs eclipselink-server with DATABASE_URL and (unless NULL) ENCRYPTION_KEY. */
static void
run_full (const char *url, const char *key, Result *r, const char *first, ...)
{
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  va_list args;

  g_subprocess_launcher_setenv (launcher, "DATABASE_URL", url, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "JWT_SECRET");
  if (key != NULL)
    g_subprocess_launcher_setenv (launcher, "ENCRYPTION_KEY", key, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "ENCRYPTION_KEY");
  g_ptr_array_add (argv, (gpointer) EL_SERVER_PATH);
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &r->out, &r->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  r->status = g_subprocess_get_exit_status (proc);
  g_test_message ("exit %d\nstdout: %s\nstderr: %s", r->status, r->out, r->err);
}

#define run(f, r, ...) run_full ((f)->url, KEY, r, __VA_ARGS__, NULL)

static gboolean
is_one_line (const char *text)
{
  const char *newline = strchr (text, '\n');

  return newline != NULL && newline[1] == '\0';
}

static ElDb *
open_db (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  g_autofree guchar *key = g_base64_decode (KEY, &len);
  g_autoptr (ElVault) vault = el_vault_new (key);
  ElDb *db = el_db_open (f->path, vault, &error);

  g_assert_no_error (error);
  g_assert_nonnull (db);
  return db;
}

static gint64
count (ElDb *db, const char *sql)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDbStmt) stmt = el_db_prepare (db, sql, &error);

  g_assert_no_error (error);
  g_assert_cmpint (el_db_step (db, stmt, &error), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

/* Version 2 exists for handoff k (0 = oldest) of patient g when (g + k) % 3 == 0 (el-cmd-seed.c). */
static gint64
expected_versions (guint patients, guint days)
{
  gint64 n = 0;

  for (guint g = 0; g < patients; g++)
    for (guint k = 0; k < 2 * days; k++)
      n += 1 + ((g + k) % 3 == 0);
  return n;
}

static void
assert_password (ElDb *db, const char *email, const char *password, gboolean ok)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *hash = NULL;
  gboolean disabled = TRUE;
  g_autoptr (ElUser) user = el_repo_user_get_by_email (db, email, &hash, &disabled, &error);

  g_assert_no_error (error);
  g_assert_nonnull (user);
  g_assert_false (disabled);
  g_assert_true (g_str_has_prefix (hash, "$argon2id$"));
  if (ok)
    {
      g_assert_true (el_password_verify (hash, password, strlen (password), &error));
      g_assert_no_error (error);
    }
  else
    g_assert_false (el_password_verify (hash, password, strlen (password), NULL));
}

static void
assert_user (ElDb *db, const char *email, ElRole role, const char *unit_code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElUser) user = el_repo_user_get_by_email (db, email, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (el_user_get_role (user), ==, role);
  if (unit_code == NULL)
    g_assert_null (el_user_get_unit_id (user));
  else
    {
      g_autoptr (ElUnit) unit = el_repo_unit_get (db, el_user_get_unit_id (user), &error);

      g_assert_no_error (error);
      g_assert_cmpstr (el_unit_get_code (unit), ==, unit_code);
    }
}

/* ---------------------------------------------------------------------------------------------- */

static void
test_default (Fixture *f, gconstpointer data)
{
  g_auto (Result) seed = { 0 };
  g_auto (Result) check = { 0 };
  g_auto (Result) again = { 0 };
  g_auto (Result) forced = { 0 };
  g_autoptr (ElDb) db = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) census = NULL;
  g_autoptr (ElUnit) west = NULL;
  g_autoptr (ElUnit) east = NULL;

  run (f, &seed, "seed-demo");
  g_assert_cmpint (seed.status, ==, 0);
  g_assert_true (is_one_line (seed.out));
  g_assert_true (g_str_has_prefix (
      seed.out, "seeded 2 units, 5 users, 24 patients, 144 handoffs and 192 SBAR versions in "));
  g_assert_nonnull (strstr (seed.err, "unit 4W (1/2)"));
  g_assert_null (strstr (seed.err, "handoff-demo"));

  db = open_db (f);
  g_assert_cmpint (count (db, "SELECT count(*) FROM units"), ==, 2);
  g_assert_cmpint (count (db, "SELECT count(*) FROM users"), ==, 5);
  g_assert_cmpint (count (db, "SELECT count(*) FROM patients"), ==, 24);
  g_assert_cmpint (count (db, "SELECT count(*) FROM handoffs"), ==, 144);
  g_assert_cmpint (count (db, "SELECT count(*) FROM sbar_versions"), ==, expected_versions (24, 3));
  g_assert_cmpint (expected_versions (24, 3), ==, 192);
  g_assert_cmpint (count (db, "SELECT count(*) FROM sbar_versions WHERE version = 2 AND changes IS NOT NULL"),
                   ==, 48);
  g_assert_cmpint (count (db, "SELECT count(*) FROM sbar_versions v JOIN users u ON u.id = v.author_id "
                              "WHERE v.version = 2 AND u.role = 'charge_nurse'"),
                   ==, 48);
  g_assert_cmpint (count (db, "SELECT count(*) FROM sbar_versions WHERE source <> 'nurse'"), ==, 0);
  /* Every patient has six shifts of handoffs; the newest shift's are ready, the others acknowledged. */
  g_assert_cmpint (count (db, "SELECT count(DISTINCT shift_date || shift) FROM handoffs"), ==, 6);
  g_assert_cmpint (
      count (db, "SELECT count(*) FROM handoffs WHERE status = 'acknowledged' AND signed_by IS NOT NULL"), ==,
      120);
  g_assert_cmpint (count (db,
                          "SELECT count(*) FROM handoffs WHERE status = 'ready' AND id IN (SELECT id FROM "
                          "handoffs h2 WHERE h2.created_at = (SELECT max (created_at) FROM handoffs h3 WHERE "
                          "h3.patient_id = h2.patient_id))"),
                   ==, 24);
  g_assert_cmpint (count (db, "SELECT count(*) FROM handoffs WHERE status = 'ready'"), ==, 24);

  west = el_repo_unit_get_by_code (db, "4W", &error);
  g_assert_no_error (error);
  east = el_repo_unit_get_by_code (db, "5E", &error);
  g_assert_no_error (error);
  census = el_repo_patients_list (db, el_unit_get_id (west), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (census->len, ==, 12);
  g_assert_cmpstr (el_patient_get_room (g_ptr_array_index (census, 0)), ==, "401");
  g_assert_cmpstr (el_patient_get_room (g_ptr_array_index (census, 11)), ==, "412");
  g_assert_cmpstr (el_patient_get_family_name (g_ptr_array_index (census, 0)), ==, "Okafor");
  g_clear_pointer (&census, g_ptr_array_unref);
  census = el_repo_patients_list (db, el_unit_get_id (east), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (census->len, ==, 12);
  g_assert_cmpstr (el_patient_get_room (g_ptr_array_index (census, 0)), ==, "501");
  g_assert_cmpstr (el_patient_get_room (g_ptr_array_index (census, 11)), ==, "512");

  assert_user (db, "charge.nurse@demo.eclipselink.ai", EL_ROLE_CHARGE_NURSE, "4W");
  assert_user (db, "nurse.a@demo.eclipselink.ai", EL_ROLE_NURSE, "4W");
  assert_user (db, "nurse.b@demo.eclipselink.ai", EL_ROLE_NURSE, "5E");
  assert_user (db, "charge.nurse.5e@demo.eclipselink.ai", EL_ROLE_CHARGE_NURSE, "5E");
  assert_user (db, "admin@demo.eclipselink.ai", EL_ROLE_ADMIN, NULL);
  assert_password (db, "charge.nurse@demo.eclipselink.ai", "handoff-demo", TRUE);
  assert_password (db, "nurse.a@demo.eclipselink.ai", "handoff-demo", TRUE);
  assert_password (db, "nurse.b@demo.eclipselink.ai", "handoff-demo", TRUE);
  assert_password (db, "admin@demo.eclipselink.ai", "handoff-demo", TRUE);
  assert_password (db, "admin@demo.eclipselink.ai", "handoff-dem0", FALSE);
  /* One hash for everyone (seeding stays fast). */
  g_assert_cmpint (count (db, "SELECT count(DISTINCT password_hash) FROM users"), ==, 1);
  /* The change feed and the audit log saw every write. */
  g_assert_cmpint (count (db, "SELECT count(*) FROM changes"), ==, 2 + 5 + 24 + 144 + 192);
  g_assert_cmpint (count (db, "SELECT count(*) FROM audit_events"), ==, 2 + 5 + 24 + 144 + 192 + 120 + 120);
  g_clear_object (&db);

  run (f, &check, "check");
  g_assert_cmpint (check.status, ==, 0);
  g_assert_nonnull (strstr (check.out, "integrity: ok\n"));
  g_assert_nonnull (strstr (check.out, "foreign keys: ok\n"));
  g_assert_nonnull (strstr (check.out, "audit chain: ok (607 events)\n"));
  g_assert_nonnull (strstr (check.out, "sealed values: ok"));

  /* A second run is refused; --force keeps everything and adds nothing. */
  run (f, &again, "seed-demo");
  g_assert_cmpint (again.status, ==, 1);
  g_assert_true (is_one_line (again.err));
  g_assert_nonnull (strstr (again.err, "already has 2 units"));
  g_assert_cmpstr (again.out, ==, "");
  run (f, &forced, "seed-demo", "--force", "--password", "another-password");
  g_assert_cmpint (forced.status, ==, 0);
  g_assert_true (
      g_str_has_prefix (forced.out, "seeded 0 units, 0 users, 0 patients, 0 handoffs and 0 SBAR versions"));
  db = open_db (f);
  g_assert_cmpint (count (db, "SELECT count(*) FROM handoffs"), ==, 144);
  assert_password (db, "nurse.a@demo.eclipselink.ai", "handoff-demo", TRUE);
}

static void
test_small (Fixture *f, gconstpointer data)
{
  g_auto (Result) seed = { 0 };
  g_auto (Result) check = { 0 };
  g_autoptr (ElDb) db = NULL;

  run (f, &seed, "seed-demo", "--units", "3", "--patients-per-unit", "5", "--days", "2", "--password",
       "correct horse battery");
  g_assert_cmpint (seed.status, ==, 0);
  g_assert_true (g_str_has_prefix (
      seed.out, "seeded 3 units, 7 users, 15 patients, 60 handoffs and 80 SBAR versions in "));
  db = open_db (f);
  g_assert_cmpint (count (db, "SELECT count(*) FROM units"), ==, 3);
  g_assert_cmpint (count (db, "SELECT count(*) FROM users"), ==, 7);
  g_assert_cmpint (count (db, "SELECT count(*) FROM patients"), ==, 15);
  g_assert_cmpint (count (db, "SELECT count(*) FROM handoffs"), ==, 60);
  g_assert_cmpint (count (db, "SELECT count(*) FROM sbar_versions"), ==, expected_versions (15, 2));
  g_assert_cmpint (count (db, "SELECT count(*) FROM handoffs WHERE status = 'ready'"), ==, 15);
  g_assert_cmpint (
      count (db, "SELECT count(*) FROM patients WHERE room IN ('401', '405', '501', '505', '601', '605')"),
      ==, 6);
  g_assert_cmpint (count (db, "SELECT count(*) FROM units WHERE code = '6N'"), ==, 1);
  assert_user (db, "nurse.6n@demo.eclipselink.ai", EL_ROLE_NURSE, "6N");
  assert_user (db, "charge.nurse.6n@demo.eclipselink.ai", EL_ROLE_CHARGE_NURSE, "6N");
  assert_password (db, "nurse.6n@demo.eclipselink.ai", "correct horse battery", TRUE);
  assert_password (db, "nurse.a@demo.eclipselink.ai", "handoff-demo", FALSE);
  g_clear_object (&db);

  run (f, &check, "check");
  g_assert_cmpint (check.status, ==, 0);
  g_assert_nonnull (strstr (check.out, "audit chain: ok"));
}

static void
test_scale (Fixture *f, gconstpointer data)
{
  g_auto (Result) seed = { 0 };

  /* --scale 2: 4 units of 12 + 18/14 = 13 patients (9 days, but --days wins). */
  run (f, &seed, "seed-demo", "--scale", "2", "--days", "1");
  g_assert_cmpint (seed.status, ==, 0);
  g_assert_true (g_str_has_prefix (
      seed.out, "seeded 4 units, 9 users, 52 patients, 104 handoffs and 139 SBAR versions in "));
  g_assert_cmpint (expected_versions (52, 1), ==, 139);
}

static void
test_refusals (Fixture *f, gconstpointer data)
{
  const char *const usage[][3] = {
    { "--units", "0", NULL },        { "--units", "201", NULL }, { "--patients-per-unit", "0", NULL },
    { "--days", "0", NULL },         { "--days", "3651", NULL }, { "--scale", "0", NULL },
    { "--password", "short", NULL }, { "--bogus", NULL, NULL },  { "extra", NULL, NULL },
  };
  g_auto (Result) no_key = { 0 };
  g_auto (Result) bad_key = { 0 };
  g_auto (Result) locked = { 0 };
  g_auto (Result) wrong_key = { 0 };
  g_auto (Result) seeded = { 0 };
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (usage); i++)
    {
      g_auto (Result) r = { 0 };

      run_full (f->url, KEY, &r, "seed-demo", usage[i][0], usage[i][1], NULL);
      g_assert_cmpint (r.status, ==, 2);
      g_assert_true (is_one_line (r.err));
      g_assert_cmpstr (r.out, ==, "");
    }
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));

  run_full (f->url, NULL, &no_key, "seed-demo", NULL);
  g_assert_cmpint (no_key.status, ==, 2);
  g_assert_nonnull (strstr (no_key.err, "ENCRYPTION_KEY"));
  run_full (f->url, "not-a-key", &bad_key, "seed-demo", NULL);
  g_assert_cmpint (bad_key.status, ==, 2);
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));

  /* A restore or a migration holds the lock exclusively: seed-demo does not run under it. */
  {
    g_autoptr (ElDbLock) lock = el_db_lock_acquire (f->path, EL_DB_LOCK_EXCLUSIVE, &error);

    g_assert_no_error (error);
    g_assert_nonnull (lock);
    run (f, &locked, "seed-demo");
    g_assert_cmpint (locked.status, ==, 1);
    g_assert_nonnull (strstr (locked.err, "in use"));
  }

  /* Another key than the database's. */
  run (f, &seeded, "seed-demo", "--units", "1", "--patients-per-unit", "1", "--days", "1");
  g_assert_cmpint (seeded.status, ==, 0);
  run_full (f->url, OTHER_KEY, &wrong_key, "seed-demo", "--force", NULL);
  g_assert_cmpint (wrong_key.status, ==, 1);
  g_assert_nonnull (strstr (wrong_key.err, "ENCRYPTION_KEY is not the key"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/el/server/seed-demo/default", test_default);
  ADD ("/el/server/seed-demo/small", test_small);
  ADD ("/el/server/seed-demo/scale", test_scale);
  ADD ("/el/server/seed-demo/refusals", test_refusals);
#undef ADD

  return g_test_run ();
}
