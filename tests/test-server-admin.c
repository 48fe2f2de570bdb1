/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The database administration commands, run as the real eclipselink-server binary. */
#include "config.h"

#include <argon2.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "el-audit.h"
#include "el-db.h"
#include "el-password.h"

#define KEY       "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" /* bytes 0..31 */
#define OTHER_KEY "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=" /* bytes 32..63 */
#define PASSWORD  "correct horse battery staple"

static char *self_exe;

typedef struct
{
  char *dir;
  char *path;
  char *url;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("el-test-admin-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "live.db", NULL);
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

/* Runs eclipselink-server with DATABASE_URL (and ENCRYPTION_KEY when @key is not NULL). */
static void
run_full (const char *url, const char *key, const char *input, Result *r, const char *first, ...)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (
      G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
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
  g_subprocess_communicate_utf8 (proc, input != NULL ? input : "", NULL, &r->out, &r->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  r->status = g_subprocess_get_exit_status (proc);
  g_test_message ("exit %d\nstdout: %s\nstderr: %s", r->status, r->out, r->err);
}

#define run(f, input, r, ...) run_full ((f)->url, NULL, input, r, __VA_ARGS__, NULL)

static gboolean
is_one_line (const char *text)
{
  const char *newline = strchr (text, '\n');

  return newline != NULL && newline[1] == '\0';
}

static void
migrate (Fixture *f)
{
  g_auto (Result) r = { 0 };

  run (f, NULL, &r, "migrate");
  g_assert_cmpint (r.status, ==, 0);
}

static char *
create_unit (Fixture *f, const char *code)
{
  g_auto (Result) r = { 0 };

  run (f, NULL, &r, "create-unit", code, "--name", "West wing", "--beds", "24");
  g_assert_cmpint (r.status, ==, 0);
  g_strchomp (r.out);
  g_assert_true (g_uuid_string_is_valid (r.out));
  return g_steal_pointer (&r.out);
}

static char *
create_user (Fixture *f, const char *email, const char *role, const char *unit)
{
  g_auto (Result) r = { 0 };

  if (unit != NULL)
    run (f, PASSWORD "\n", &r, "create-user", email, "--name", "Test Nurse", "--role", role, "--unit", unit);
  else
    run (f, PASSWORD "\n", &r, "create-user", email, "--name", "Test Admin", "--role", role);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, "");
  g_strchomp (r.out);
  g_assert_true (g_uuid_string_is_valid (r.out));
  return g_steal_pointer (&r.out);
}

static ElDb *
open_db (const char *path)
{
  g_autoptr (GError) error = NULL;
  ElDb *db = el_db_open (path, NULL, &error);

  g_assert_no_error (error);
  return db;
}

static gint64
query_int (ElDb *db, const char *sql, const char *param)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDbStmt) stmt = el_db_prepare (db, sql, &error);

  g_assert_no_error (error);
  if (param != NULL)
    sqlite3_bind_text (stmt, 1, param, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (el_db_step (db, stmt, &error), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static char *
file_sha256 (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}

static void
raw_exec (const char *path, const char *sql)
{
  sqlite3 *handle = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &handle), ==, SQLITE_OK);
  if (sqlite3_exec (handle, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("raw SQL failed: %s", message);
  sqlite3_close (handle);
}

/* Helper processes (this test binary run again) ------------------------------------------------ */

typedef struct
{
  GSubprocess *proc;
} Helper;

/* Starts "--hold-write DB" or "--hold-lock DB" and waits until it holds what it holds. */
static Helper *
helper_start (const char *mode, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDataInputStream) lines = NULL;
  g_autofree char *line = NULL;
  Helper *helper = g_new0 (Helper, 1);

  helper->proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                                   self_exe, mode, path, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (helper->proc));
  line = g_data_input_stream_read_line (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "ready");
  return helper;
}

static void
helper_stop (Helper *helper)
{
  g_autoptr (GError) error = NULL;

  g_output_stream_close (g_subprocess_get_stdin_pipe (helper->proc), NULL, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check (helper->proc, NULL, &error);
  g_assert_no_error (error);
  g_object_unref (helper->proc);
  g_free (helper);
}

static void
wait_for_eof (void)
{
  char buf[64];

  while (fread (buf, 1, sizeof buf, stdin) > 0)
    ;
}

/* --hold-write DB: a connection in the middle of a write transaction (an uncommitted unit). */
static int
helper_hold_write (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDb) db = el_db_open (path, NULL, &error);

  if (db == NULL || !el_db_begin_immediate (db, &error) ||
      !el_db_exec (db,
                   "INSERT INTO units (id, code, name, created_at, updated_at) VALUES "
                   "('held', 'HELD', 'Uncommitted', 'x', 'x')",
                   &error))
    g_error ("helper: %s", error->message);
  printf ("ready\n");
  fflush (stdout);
  wait_for_eof ();
  el_db_rollback (db, NULL);
  return 0;
}

/* --hold-lock DB: what `serve` does: the shared server lock, and the database open. */
static int
helper_hold_lock (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDbLock) lock = el_db_lock_acquire (path, EL_DB_LOCK_SHARED, &error);

  if (lock == NULL)
    g_error ("helper: %s", error->message);
  printf ("ready\n");
  fflush (stdout);
  wait_for_eof ();
  return 0;
}

/* Tests ----------------------------------------------------------------------------------------- */

static void
test_migrate (Fixture *f, gconstpointer data)
{
  g_auto (Result) r = { 0 };
  g_auto (Result) again = { 0 };
  g_auto (Result) bad = { 0 };
  g_autofree char *expected =
      g_strdup_printf ("migrated %s from schema version 0 to %d\n", f->path, EL_DB_SCHEMA_VERSION);

  run (f, NULL, &r, "migrate");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, expected);
  g_assert_true (g_file_test (f->path, G_FILE_TEST_IS_REGULAR));

  run (f, NULL, &again, "migrate");
  g_assert_cmpint (again.status, ==, 0);
  {
    g_autofree char *up_to_date = g_strdup_printf ("schema version %d (up to date)", EL_DB_SCHEMA_VERSION);

    g_assert_nonnull (strstr (again.out, up_to_date));
  }

  run_full ("postgres://db/handoff", NULL, NULL, &bad, "migrate", NULL);
  g_assert_cmpint (bad.status, ==, 2);
  g_assert_true (is_one_line (bad.err));
  g_assert_nonnull (strstr (bad.err, "DATABASE_URL"));
}

static void
test_migrate_refused_while_serving (Fixture *f, gconstpointer data)
{
  g_auto (Result) r = { 0 };
  Helper *server = helper_start ("--hold-lock", f->path);

  run (f, NULL, &r, "migrate");
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "in use by another eclipselink-server process"));
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));
  helper_stop (server);
}

static void
test_create_user (Fixture *f, gconstpointer data)
{
  g_autofree char *unit = NULL;
  g_autofree char *id = NULL;
  g_autofree char *admin = NULL;
  g_autoptr (ElDb) db = NULL;
  g_autoptr (GError) error = NULL;

  migrate (f);
  unit = create_unit (f, "4W");
  id = create_user (f, "Nurse.A@Example.org", "nurse", "4w");
  admin = create_user (f, "admin@example.org", "admin", NULL);

  db = open_db (f->path);
  {
    g_autoptr (ElDbStmt) stmt = el_db_prepare (
        db, "SELECT email, name, role, unit_id, password_hash FROM users WHERE id = ?1", &error);

    g_assert_no_error (error);
    sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
    g_assert_cmpint (el_db_step (db, stmt, &error), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "nurse.a@example.org");
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 1), ==, "Test Nurse");
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 2), ==, "nurse");
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 3), ==, unit);
    g_assert_true (
        g_str_has_prefix ((const char *) sqlite3_column_text (stmt, 4), "$argon2id$v=19$m=19456,t=2,p=1$"));
    g_assert_true (el_password_verify ((const char *) sqlite3_column_text (stmt, 4), PASSWORD,
                                       strlen (PASSWORD), &error));
    g_assert_no_error (error);
    g_assert_false (el_password_verify ((const char *) sqlite3_column_text (stmt, 4), PASSWORD "\n",
                                        strlen (PASSWORD) + 1, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpint (query_int (db,
                              "SELECT count(*) FROM audit_events WHERE action = 'user.create' AND "
                              "entity_type = 'user' AND entity_id = ?1 AND actor_id IS NULL AND "
                              "json_extract (detail, '$.role') = 'nurse'",
                              id),
                   ==, 1);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM audit_events WHERE detail LIKE ?1", "%example.org%"),
                   ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM audit_events WHERE detail LIKE ?1", "%horse%"), ==,
                   0);
  g_assert_cmpint (
      query_int (db, "SELECT count(*) FROM users WHERE role = 'admin' AND unit_id IS NULL AND id = ?1",
                 admin),
      ==, 1);
}

static void
test_create_user_errors (Fixture *f, gconstpointer data)
{
  g_autofree char *long_password = g_strnfill (1025, 'x');
  g_autofree char *max_password = g_strnfill (1024, 'y');
  const struct
  {
    const char *input;
    int status;
    const char *message;
    const char *args[9];
  } cases[] = {
    /* duplicate email, in another case */
    { PASSWORD,
      1,
      "already exists",
      { "create-user", "NURSE.A@example.org", "--name", "B", "--role", "nurse", "--unit", "4W" } },
    { "short pass\n",
      2,
      "at least 12 characters",
      { "create-user", "b@example.org", "--name", "B", "--role", "nurse", "--unit", "4W" } },
    { "", 2, "at least 12 characters", { "create-user", "b@example.org", "--name", "B", "--role", "admin" } },
    { long_password,
      2,
      "longer than 1024 bytes",
      { "create-user", "b@example.org", "--name", "B", "--role", "admin" } },
    { PASSWORD, 2, "--role", { "create-user", "b@example.org", "--name", "B" } },
    { PASSWORD, 2, "--role must be", { "create-user", "b@example.org", "--name", "B", "--role", "boss" } },
    { PASSWORD,
      2,
      "needs --unit",
      { "create-user", "b@example.org", "--name", "B", "--role", "charge_nurse" } },
    { PASSWORD,
      2,
      "no unit with code",
      { "create-user", "b@example.org", "--name", "B", "--role", "nurse", "--unit", "9Z" } },
    { PASSWORD, 2, "invalid user", { "create-user", "not-an-email", "--name", "B", "--role", "admin" } },
    { PASSWORD, 2, "usage", { "create-user", "--name", "B", "--role", "admin" } },
    { PASSWORD,
      2,
      "Unknown option",
      { "create-user", "b@example.org", "--name", "B", "--role", "admin", "--bogus" } },
  };
  g_autoptr (ElDb) db = NULL;

  migrate (f);
  g_free (create_unit (f, "4W"));
  g_free (create_user (f, "nurse.a@example.org", "nurse", "4W"));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (Result) r = { 0 };

      run_full (f->url, NULL, cases[i].input, &r, cases[i].args[0], cases[i].args[1], cases[i].args[2],
                cases[i].args[3], cases[i].args[4], cases[i].args[5], cases[i].args[6], cases[i].args[7],
                cases[i].args[8], NULL);
      g_assert_cmpint (r.status, ==, cases[i].status);
      g_assert_cmpstr (r.out, ==, "");
      g_assert_true (is_one_line (r.err));
      g_assert_nonnull (strstr (r.err, cases[i].message));
      g_assert_null (strstr (r.err, "horse"));
    }

  /* Exactly 1024 bytes is allowed. */
  {
    g_auto (Result) r = { 0 };

    run (f, max_password, &r, "create-user", "max@example.org", "--name", "Max", "--role", "admin");
    g_assert_cmpint (r.status, ==, 0);
  }

  db = open_db (f->path);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM users", NULL), ==, 2);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM audit_events WHERE action = 'user.create'", NULL), ==,
                   2);

  /* Before `migrate`: a failure, not a usage error. */
  {
    g_autofree char *url = g_strconcat ("sqlite://", f->dir, "/fresh.db", NULL);
    g_auto (Result) r = { 0 };

    run_full (url, NULL, PASSWORD, &r, "create-user", "x@example.org", "--name", "X", "--role", "admin",
              NULL);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "migrate"));
  }
}

static void
test_check (Fixture *f, gconstpointer data)
{
  g_auto (Result) ok = { 0 };
  g_auto (Result) broken = { 0 };
  g_auto (Result) extra = { 0 };

  migrate (f);
  g_free (create_unit (f, "4W"));
  g_free (create_user (f, "a@example.org", "nurse", "4W"));
  g_free (create_user (f, "b@example.org", "nurse", "4W"));

  run (f, NULL, &ok, "check");
  g_assert_cmpint (ok.status, ==, 0);
  g_assert_nonnull (strstr (ok.out, "integrity: ok\n"));
  g_assert_nonnull (strstr (ok.out, "foreign keys: ok\n"));
  g_assert_nonnull (strstr (ok.out, "audit chain: ok (3 events)\n"));
  g_assert_nonnull (strstr (ok.out, "sealed values: not checked"));

  raw_exec (f->path, "DROP TRIGGER audit_events_no_update;"
                     "UPDATE audit_events SET detail = '{\"role\":\"admin\"}' WHERE id = 2");
  run (f, NULL, &broken, "check");
  g_assert_cmpint (broken.status, ==, 1);
  g_assert_nonnull (strstr (broken.out, "audit chain: BROKEN at event 2\n"));
  g_assert_true (is_one_line (broken.err));
  g_assert_nonnull (strstr (broken.err, "audit chain broken at event 2"));

  run (f, NULL, &extra, "check", "now");
  g_assert_cmpint (extra.status, ==, 2);
}

static void
test_check_with_key (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_auto (Result) ok = { 0 };
  g_auto (Result) wrong = { 0 };
  g_auto (Result) invalid = { 0 };
  g_auto (Result) unmigrated = { 0 };
  g_autofree char *fresh = g_strconcat ("sqlite://", f->dir, "/fresh.db", NULL);
  gsize key_len = 0;
  g_autofree guchar *key = g_base64_decode (KEY, &key_len);

  migrate (f);
  {
    g_autoptr (ElVault) vault = el_vault_new (key);
    g_autoptr (ElDb) db = el_db_open (f->path, vault, &error);
    g_autoptr (ElDbStmt) stmt = NULL;

    g_assert_no_error (error);
    stmt = el_db_prepare (
        db, "INSERT INTO units (id, code, name, created_at, updated_at) VALUES ('u', 'U', 'U', 'x', 'x')",
        &error);
    g_assert_cmpint (el_db_step (db, stmt, &error), ==, SQLITE_DONE);
    el_db_stmt_release (stmt);
    stmt = el_db_prepare (db,
                          "INSERT INTO patients (id, unit_id, room, mrn_index, doc, created_at, updated_at) "
                          "VALUES ('p', 'u', '1', zeroblob (32), ?1, 'x', 'x')",
                          &error);
    g_assert_true (
        el_db_bind_sealed (db, stmt, 1, "patients", "p", "doc", "{\"family_name\":\"Key\"}", -1, &error));
    g_assert_cmpint (el_db_step (db, stmt, &error), ==, SQLITE_DONE);
    g_assert_no_error (error);
  }

  run_full (f->url, KEY, NULL, &ok, "check", NULL);
  g_assert_cmpint (ok.status, ==, 0);
  g_assert_nonnull (strstr (ok.out, "sealed values: ok (1 values)\n"));

  run_full (f->url, OTHER_KEY, NULL, &wrong, "check", NULL);
  g_assert_cmpint (wrong.status, ==, 1);
  g_assert_nonnull (strstr (wrong.err, "ENCRYPTION_KEY is not the key"));

  run_full (f->url, "not-base64!", NULL, &invalid, "check", NULL);
  g_assert_cmpint (invalid.status, ==, 2);
  g_assert_true (is_one_line (invalid.err));
  g_assert_nonnull (strstr (invalid.err, "ENCRYPTION_KEY"));

  run_full (fresh, NULL, NULL, &unmigrated, "check", NULL);
  g_assert_cmpint (unmigrated.status, ==, 1);
  g_assert_nonnull (strstr (unmigrated.err, "migrate"));
}

/* The users' emails in a database file. */
static char *
emails (const char *path)
{
  g_autoptr (ElDb) db = open_db (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDbStmt) stmt = el_db_prepare (db,
                                             "SELECT group_concat (email, ',') FROM (SELECT email FROM users "
                                             "ORDER BY email)",
                                             &error);

  g_assert_no_error (error);
  g_assert_cmpint (el_db_step (db, stmt, &error), ==, SQLITE_ROW);
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

static void
test_backup_while_writing (Fixture *f, gconstpointer data)
{
  g_autofree char *backup = g_build_filename (f->dir, "backup.db", NULL);
  g_autofree char *backup_emails = NULL;
  g_auto (Result) r = { 0 };
  g_auto (Result) exists = { 0 };
  g_auto (Result) forced = { 0 };
  g_auto (Result) check = { 0 };
  Helper *writer;

  migrate (f);
  g_free (create_unit (f, "4W"));
  g_free (create_user (f, "a@example.org", "nurse", "4W"));

  /* Another process is in the middle of a write transaction. */
  writer = helper_start ("--hold-write", f->path);
  run (f, NULL, &r, "backup", backup);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "integrity: ok\n"));
  g_assert_nonnull (strstr (r.out, "audit chain: ok (2 events)\n"));

  run (f, NULL, &exists, "backup", backup);
  g_assert_cmpint (exists.status, ==, 1);
  g_assert_nonnull (strstr (exists.err, "exists"));
  run (f, NULL, &forced, "backup", "--force", backup);
  g_assert_cmpint (forced.status, ==, 0);
  helper_stop (writer);

  /* Never over the database itself. */
  {
    g_auto (Result) self = { 0 };

    run (f, NULL, &self, "backup", "--force", f->path);
    g_assert_cmpint (self.status, ==, 1);
    g_assert_nonnull (strstr (self.err, "is the database itself"));
  }

  /* The copy has what was committed, not what was in flight, and checks on its own. */
  backup_emails = emails (backup);
  g_assert_cmpstr (backup_emails, ==, "a@example.org");
  {
    g_autoptr (ElDb) db = open_db (backup);

    g_assert_cmpint (query_int (db, "SELECT count(*) FROM units WHERE code = 'HELD'", NULL), ==, 0);
    g_assert_cmpint (query_int (db, "SELECT count(*) FROM units WHERE code = '4W'", NULL), ==, 1);
  }
  {
    g_autofree char *url = g_strconcat ("sqlite://", backup, NULL);

    run_full (url, NULL, NULL, &check, "check", NULL);
    g_assert_cmpint (check.status, ==, 0);
  }
}

static void
test_restore_refused_while_in_use (Fixture *f, gconstpointer data)
{
  g_autofree char *backup = g_build_filename (f->dir, "backup.db", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after_writer = NULL;
  g_autofree char *after_server = NULL;
  g_auto (Result) b = { 0 };
  g_auto (Result) r1 = { 0 };
  g_auto (Result) r2 = { 0 };
  Helper *helper;

  migrate (f);
  g_free (create_unit (f, "4W"));
  run (f, NULL, &b, "backup", backup);
  g_assert_cmpint (b.status, ==, 0);
  g_free (create_user (f, "later@example.org", "admin", NULL));
  before = emails (f->path);

  /* A process that does not take the lock, holding a write transaction. */
  helper = helper_start ("--hold-write", f->path);
  run (f, NULL, &r1, "restore", backup);
  helper_stop (helper);
  g_assert_cmpint (r1.status, ==, 1);
  g_assert_true (is_one_line (r1.err));
  g_assert_nonnull (strstr (r1.err, "restore refused: another process has the database open"));
  after_writer = emails (f->path);
  g_assert_cmpstr (after_writer, ==, before);

  /* A server (the shared lock). */
  helper = helper_start ("--hold-lock", f->path);
  run (f, NULL, &r2, "restore", backup);
  helper_stop (helper);
  g_assert_cmpint (r2.status, ==, 1);
  g_assert_true (is_one_line (r2.err));
  g_assert_nonnull (strstr (r2.err, "restore refused"));
  g_assert_nonnull (strstr (r2.err, "in use by another eclipselink-server process"));
  after_server = emails (f->path);
  g_assert_cmpstr (after_server, ==, before);
}

static void
corrupt_pages (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpuint (len, >=, 8 * 4096);
  memset (contents + 2 * 4096, 0xa5, 4 * 4096); /* pages 3 to 6: table and index b-trees */
  g_assert_true (g_file_set_contents (path, contents, (gssize) len, NULL));
}

static void
test_restore_bad_file (Fixture *f, gconstpointer data)
{
  g_autofree char *backup = g_build_filename (f->dir, "backup.db", NULL);
  g_autofree char *corrupt = g_build_filename (f->dir, "corrupt.db", NULL);
  g_autofree char *chain = g_build_filename (f->dir, "chain.db", NULL);
  g_autofree char *text = g_build_filename (f->dir, "text.db", NULL);
  g_autofree char *missing = g_build_filename (f->dir, "missing.db", NULL);
  g_autofree char *live_before = NULL;
  g_auto (Result) b = { 0 };
  const char *files[] = { corrupt, chain, text, missing, f->path };
  const char *messages[] = { "", "audit chain broken at event 1", "", "not a file",
                             "is the database itself" };

  migrate (f);
  g_free (create_unit (f, "4W"));
  g_free (create_user (f, "a@example.org", "nurse", "4W"));
  run (f, NULL, &b, "backup", backup);
  g_assert_cmpint (b.status, ==, 0);

  {
    g_autofree char *contents = NULL;
    gsize len = 0;

    g_assert_true (g_file_get_contents (backup, &contents, &len, NULL));
    g_assert_true (g_file_set_contents (corrupt, contents, (gssize) len, NULL));
    g_assert_true (g_file_set_contents (chain, contents, (gssize) len, NULL));
  }
  corrupt_pages (corrupt);
  raw_exec (chain, "DROP TRIGGER audit_events_no_update;"
                   "UPDATE audit_events SET actor_id = 'someone' WHERE id = 1");
  g_assert_true (g_file_set_contents (text,
                                      "SQLite format 3? no, just text in a file of a decent length......"
                                      "................................................................",
                                      -1, NULL));

  live_before = file_sha256 (f->path);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_auto (Result) r = { 0 };
      g_autofree char *live_after = NULL;
      g_autoptr (GDir) dir = NULL;
      const char *name;

      run (f, NULL, &r, "restore", files[i]);
      g_assert_cmpint (r.status, ==, 1);
      g_assert_true (is_one_line (r.err));
      g_assert_nonnull (strstr (r.err, "restore refused"));
      g_assert_nonnull (strstr (r.err, messages[i]));
      live_after = file_sha256 (f->path);
      g_assert_cmpstr (live_after, ==, live_before);

      /* Nothing left behind: no staged copy, no kept "previous" file. */
      dir = g_dir_open (f->dir, 0, NULL);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_assert_false (g_str_has_prefix (name, ".live.db.restore-"));
          g_assert_null (strstr (name, "before-restore"));
        }
    }

  {
    g_auto (Result) r = { 0 };

    run (f, NULL, &r, "check");
    g_assert_cmpint (r.status, ==, 0);
  }
}

static void
test_restore (Fixture *f, gconstpointer data)
{
  g_autofree char *backup = g_build_filename (f->dir, "backup.db", NULL);
  g_autofree char *restored_emails = NULL;
  g_autofree char *previous_emails = NULL;
  g_autofree char *previous = NULL;
  g_auto (Result) b = { 0 };
  g_auto (Result) r = { 0 };
  g_auto (Result) check = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) dir = NULL;
  const char *name;

  migrate (f);
  g_free (create_unit (f, "4W"));
  g_free (create_user (f, "before@example.org", "nurse", "4W"));
  run (f, NULL, &b, "backup", backup);
  g_assert_cmpint (b.status, ==, 0);
  g_free (create_user (f, "after@example.org", "admin", NULL));

  run_full (f->url, KEY, NULL, &r, "restore", backup, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.err, ==, "");
  g_assert_nonnull (strstr (r.out, "restored "));
  g_assert_nonnull (strstr (r.out, "audit chain: ok (2 events)\n"));
  g_assert_nonnull (strstr (r.out, "the replaced database is kept as "));

  restored_emails = emails (f->path);
  g_assert_cmpstr (restored_emails, ==, "before@example.org");

  dir = g_dir_open (f->dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "live.db.before-restore-"))
      previous = g_build_filename (f->dir, name, NULL);
  g_assert_nonnull (previous);
  previous_emails = emails (previous);
  g_assert_cmpstr (previous_emails, ==, "after@example.org,before@example.org");

  run (f, NULL, &check, "check");
  g_assert_cmpint (check.status, ==, 0);

  /* The restore let go of the server lock. */
  {
    g_autoptr (ElDbLock) lock = el_db_lock_acquire (f->path, EL_DB_LOCK_EXCLUSIVE, &error);

    g_assert_no_error (error);
    g_assert_nonnull (lock);
  }
}

static void
test_usage (Fixture *f, gconstpointer data)
{
  const char *const cases[][3] = {
    { "backup", NULL, NULL },   { "restore", NULL, NULL },     { "restore", "a", "b" },
    { "migrate", "now", NULL }, { "create-unit", NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (Result) r = { 0 };

      run_full (f->url, NULL, NULL, &r, cases[i][0], cases[i][1], cases[i][2], NULL);
      g_assert_cmpint (r.status, ==, 2);
      g_assert_cmpstr (r.out, ==, "");
      g_assert_true (is_one_line (r.err));
    }
}

/* ElPassword ------------------------------------------------------------------------------------ */

static void
test_password_hash (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *a = el_password_hash (PASSWORD, strlen (PASSWORD), &error);
  g_autofree char *b = el_password_hash (PASSWORD, strlen (PASSWORD), &error);
  g_autofree char *empty = el_password_hash ("", 0, &error);
  g_auto (GStrv) parts = NULL;

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (a, "$argon2id$v=19$m=19456,t=2,p=1$"));
  parts = g_strsplit (a, "$", -1);
  g_assert_cmpuint (g_strv_length (parts), ==, 6);
  g_assert_cmpuint (strlen (parts[4]), ==, 22); /* 16 bytes of salt */
  g_assert_cmpuint (strlen (parts[5]), ==, 43); /* 32 bytes of hash */
  g_assert_cmpstr (a, !=, b);                   /* fresh salt */

  g_assert_true (el_password_verify (a, PASSWORD, strlen (PASSWORD), &error));
  g_assert_true (el_password_verify (b, PASSWORD, strlen (PASSWORD), &error));
  g_assert_false (el_password_verify (a, PASSWORD, strlen (PASSWORD) - 1, &error));
  g_assert_false (el_password_verify (a, "Correct horse battery staple", strlen (PASSWORD), &error));
  g_assert_true (el_password_verify (empty, "", 0, &error));
  g_assert_false (el_password_verify (empty, "x", 1, &error));
  g_assert_no_error (error);
  g_assert_false (el_password_needs_rehash (a));
}

static void
test_password_limits (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *max = g_strnfill (EL_PASSWORD_MAX_BYTES + 1, 'p');
  g_autofree char *hash = el_password_hash (max, EL_PASSWORD_MAX_BYTES, &error);

  g_assert_no_error (error);
  g_assert_true (el_password_verify (hash, max, EL_PASSWORD_MAX_BYTES, &error));
  g_assert_no_error (error);

  g_assert_null (el_password_hash (max, EL_PASSWORD_MAX_BYTES + 1, &error));
  g_assert_error (error, EL_PASSWORD_ERROR, EL_PASSWORD_ERROR_TOO_LONG);
  g_clear_error (&error);
  g_assert_false (el_password_verify (hash, max, EL_PASSWORD_MAX_BYTES + 1, &error));
  g_assert_error (error, EL_PASSWORD_ERROR, EL_PASSWORD_ERROR_TOO_LONG);
}

static void
test_password_rehash (void)
{
  g_autoptr (GError) error = NULL;
  guint8 salt[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
  char weak[256], argon2i[256], long_salt[256];
  g_autofree char *current = el_password_hash (PASSWORD, strlen (PASSWORD), &error);

  /* Hashes made with other parameters still verify, and ask to be redone. */
  g_assert_cmpint (
      argon2id_hash_encoded (1, 8192, 1, PASSWORD, strlen (PASSWORD), salt, 16, 32, weak, sizeof weak), ==,
      ARGON2_OK);
  g_assert_true (el_password_verify (weak, PASSWORD, strlen (PASSWORD), &error));
  g_assert_no_error (error);
  g_assert_true (el_password_needs_rehash (weak));

  g_assert_cmpint (argon2id_hash_encoded (2, 19456, 1, PASSWORD, strlen (PASSWORD), salt, 8, 32, long_salt,
                                          sizeof long_salt),
                   ==, ARGON2_OK);
  g_assert_true (el_password_verify (long_salt, PASSWORD, strlen (PASSWORD), &error));
  g_assert_true (el_password_needs_rehash (long_salt)); /* 8-byte salt */

  g_assert_cmpint (
      argon2i_hash_encoded (2, 19456, 1, PASSWORD, strlen (PASSWORD), salt, 16, 32, argon2i, sizeof argon2i),
      ==, ARGON2_OK);
  g_assert_true (el_password_needs_rehash (argon2i));
  g_assert_false (el_password_verify (argon2i, PASSWORD, strlen (PASSWORD), &error));
  g_assert_error (error, EL_PASSWORD_ERROR, EL_PASSWORD_ERROR_INVALID_HASH);
  g_clear_error (&error);

  g_assert_false (el_password_needs_rehash (current));
  g_assert_true (el_password_needs_rehash ("garbage"));
  g_assert_true (el_password_needs_rehash (NULL));
}

static void
test_password_invalid_hash (void)
{
  const char *hashes[] = {
    "",
    "$argon2id$v=19$m=19456,t=2,p=1$",
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA",
    "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$!!!",
    "$argon2id$v=16$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
    /* cost beyond the limits: refused before anything is allocated */
    "$argon2id$v=19$m=4194304,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
    "$argon2id$v=19$m=19456,t=1000,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
    "$argon2id$v=19$m=19456,t=2,p=255$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
    "$argon2id$v=19$m=019456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
  };

  for (guint i = 0; i < G_N_ELEMENTS (hashes); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_false (el_password_verify (hashes[i], PASSWORD, strlen (PASSWORD), &error));
      g_assert_error (error, EL_PASSWORD_ERROR, EL_PASSWORD_ERROR_INVALID_HASH);
    }
}

static void
test_password_dummy (void)
{
  gint64 start, dummy_us, real_us;
  g_autofree char *hash = el_password_hash (PASSWORD, strlen (PASSWORD), NULL);

  el_password_verify_dummy ("warm-up", 7); /* makes the dummy hash */

  start = g_get_monotonic_time ();
  el_password_verify_dummy (PASSWORD, strlen (PASSWORD));
  dummy_us = g_get_monotonic_time () - start;
  start = g_get_monotonic_time ();
  g_assert_false (el_password_verify (hash, "wrong password", 14, NULL));
  real_us = g_get_monotonic_time () - start;
  /* Not a timing assertion: the figures go to the log for the report. */
  g_test_message ("dummy verify %" G_GINT64_FORMAT " us, real verify %" G_GINT64_FORMAT " us", dummy_us,
                  real_us);
  g_assert_cmpint (dummy_us, >, 0);
}

int
main (int argc, char *argv[])
{
  int status;

  if (argc == 3 && g_str_equal (argv[1], "--hold-write"))
    return helper_hold_write (argv[2]);
  if (argc == 3 && g_str_equal (argv[1], "--hold-lock"))
    return helper_hold_lock (argv[2]);

  g_test_init (&argc, &argv, NULL);
  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_assert_nonnull (self_exe);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/el/server/admin/migrate", test_migrate);
  ADD ("/el/server/admin/migrate-refused-while-serving", test_migrate_refused_while_serving);
  ADD ("/el/server/admin/create-user", test_create_user);
  ADD ("/el/server/admin/create-user-errors", test_create_user_errors);
  ADD ("/el/server/admin/check", test_check);
  ADD ("/el/server/admin/check-with-key", test_check_with_key);
  ADD ("/el/server/admin/backup-while-writing", test_backup_while_writing);
  ADD ("/el/server/admin/restore-refused-while-in-use", test_restore_refused_while_in_use);
  ADD ("/el/server/admin/restore-bad-file", test_restore_bad_file);
  ADD ("/el/server/admin/restore", test_restore);
  ADD ("/el/server/admin/usage", test_usage);
#undef ADD
  g_test_add_func ("/el/server/password/hash", test_password_hash);
  g_test_add_func ("/el/server/password/limits", test_password_limits);
  g_test_add_func ("/el/server/password/rehash", test_password_rehash);
  g_test_add_func ("/el/server/password/invalid-hash", test_password_invalid_hash);
  g_test_add_func ("/el/server/password/dummy", test_password_dummy);

  status = g_test_run ();
  g_free (self_exe);
  return status;
}
