/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "el-audit.h"
#include "el-db-admin.h"
#include "el-db.h"
#include "el-test-util.h"

#define UNIT_ID     "6f1c0f7e-2c7a-4d5e-9a51-0d3c2b1a0001"
#define UNIT2_ID    "6f1c0f7e-2c7a-4d5e-9a51-0d3c2b1a0002"
#define USER_ID     "0b7a4c1e-8f2d-4e3a-b5c6-d7e8f9a0b001"
#define PATIENT_ID  "5d2e6f70-1a2b-4c3d-8e4f-5a6b7c8d0001"
#define PATIENT2_ID "5d2e6f70-1a2b-4c3d-8e4f-5a6b7c8d0002"
#define HANDOFF_ID  "9c8b7a60-5f4e-4d3c-9b2a-1f0e9d8c0001"
#define NOW         "2026-11-25T07:15:00.000Z"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = el_test_make_dir ("el-test-db-XXXXXX");
  f->path = g_build_filename (f->dir, "handoff.db", NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  el_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static ElVault *
make_vault (guint8 fill)
{
  guint8 key[EL_VAULT_KEY_BYTES];

  memset (key, fill, sizeof key);
  return el_vault_new (key);
}

static ElDb *
open_db (const char *path, ElVault *vault)
{
  g_autoptr (GError) error = NULL;
  ElDb *db = el_db_open_full (path, vault, EL_DB_OPEN_MIGRATE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (db);
  return db;
}

static void
exec_ok (ElDb *db, const char *sql)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (el_db_exec (db, sql, &error));
  g_assert_no_error (error);
}

static void
exec_fails (ElDb *db, const char *sql, int code)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (el_db_exec (db, sql, &error));
  g_assert_error (error, EL_DB_ERROR, code);
}

static gint64
query_int (ElDb *db, const char *sql)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDbStmt) stmt = el_db_prepare (db, sql, &error);

  g_assert_no_error (error);
  g_assert_cmpint (el_db_step (db, stmt, &error), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static char *
query_text (ElDb *db, const char *sql)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDbStmt) stmt = el_db_prepare (db, sql, &error);

  g_assert_no_error (error);
  g_assert_cmpint (el_db_step (db, stmt, &error), ==, SQLITE_ROW);
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

/* A raw connection that bypasses ElDb: what an attacker with the file would use. */
static sqlite3 *
open_raw (const char *path)
{
  sqlite3 *handle = NULL;

  g_assert_cmpint (sqlite3_open (path, &handle), ==, SQLITE_OK);
  return handle;
}

static void
raw_exec (sqlite3 *handle, const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (handle, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("raw SQL failed: %s", message);
}

static void
insert_unit_and_user (ElDb *db)
{
  exec_ok (db, "INSERT INTO units (id, code, name, created_at, updated_at) VALUES ('" UNIT_ID "', '4W', "
               "'4 West', '" NOW "', '" NOW "');"
               "INSERT INTO units (id, code, name, created_at, updated_at) VALUES ('" UNIT2_ID "', '5E', "
               "'5 East', '" NOW "', '" NOW "');"
               "INSERT INTO users (id, email, name, role, unit_id, password_hash, created_at, updated_at) "
               "VALUES ('" USER_ID "', 'a@example.org', 'Nurse A', 'nurse', '" UNIT_ID "', 'x', '" NOW
               "', '" NOW "');");
}

static void
insert_patient (ElDb *db, const char *id, const char *mrn, const char *room, const char *doc)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDbStmt) stmt = el_db_prepare (
      db,
      "INSERT INTO patients (id, unit_id, room, bed, acuity, mrn_index, doc, created_at, updated_at) "
      "VALUES (?1, ?2, ?3, 'A', 3, ?4, ?5, ?6, ?6)",
      &error);
  guint8 index[EL_DB_MRN_INDEX_BYTES];

  g_assert_no_error (error);
  g_assert_true (el_db_mrn_index (db, mrn, index, &error));
  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, UNIT_ID, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, room, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 4, index, sizeof index, SQLITE_STATIC);
  g_assert_true (el_db_bind_sealed (db, stmt, 5, "patients", id, "doc", doc, -1, &error));
  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 6, NOW, -1, SQLITE_STATIC);
  g_assert_cmpint (el_db_step (db, stmt, &error), ==, SQLITE_DONE);
  g_assert_no_error (error);
}

static void
insert_handoff (ElDb *db)
{
  exec_ok (
      db,
      "INSERT INTO handoffs (id, patient_id, unit_id, status, shift_date, shift, created_by, created_at, "
      "updated_at, etag) VALUES ('" HANDOFF_ID "', '" PATIENT_ID "', '" UNIT_ID "', 'draft', '2026-11-25', "
      "'day', '" USER_ID "', '" NOW "', '" NOW "', 'e1')");
}

/* Inserts an SBAR version (doc sealed); returns FALSE with @error on a constraint. */
static gboolean
insert_version (ElDb *db, const char *id, int version, const char *previous, gboolean latest, GError **error)
{
  g_autoptr (ElDbStmt) stmt = el_db_prepare (
      db,
      "INSERT INTO sbar_versions (id, handoff_id, version, previous_version_id, is_latest, author_id, "
      "source, "
      "created_at, doc, completeness) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'nurse', ?7, ?8, '{\"score\":50}')",
      error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, HANDOFF_ID, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, version);
  if (previous != NULL)
    sqlite3_bind_text (stmt, 4, previous, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 5, latest ? 1 : 0);
  sqlite3_bind_text (stmt, 6, USER_ID, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, NOW, -1, SQLITE_STATIC);
  if (!el_db_bind_sealed (db, stmt, 8, "sbar_versions", id, "doc", "{\"situation\":\"stable\"}", -1, error))
    return FALSE;
  return el_db_step (db, stmt, error) == SQLITE_DONE;
}

/* ---------------------------------------------------------------------------------------------- */

static void
test_pragmas (Fixture *f, gconstpointer data)
{
  g_autoptr (ElDb) first = open_db (f->path, NULL);
  g_autoptr (ElDb) db = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *mode = NULL;

  g_assert_nonnull (first);
  /* A second connection, not migrating: every setting is per connection and must be set again. */
  db = el_db_open (f->path, NULL, &error);
  g_assert_no_error (error);
  mode = query_text (db, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpint (query_int (db, "PRAGMA synchronous"), ==, 2); /* FULL */
  g_assert_cmpint (query_int (db, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (query_int (db, "PRAGMA busy_timeout"), ==, EL_DB_BUSY_TIMEOUT_MS);
  g_assert_cmpint (query_int (db, "PRAGMA secure_delete"), ==, 1);
  g_assert_cmpint (query_int (db, "PRAGMA trusted_schema"), ==, 0);
  g_assert_cmpint (query_int (db, "PRAGMA user_version"), ==, EL_DB_SCHEMA_VERSION);
  g_assert_cmpint (query_int (db, "PRAGMA application_id"), ==, EL_DB_APPLICATION_ID);
  g_assert_false (el_db_has_key (db));

  el_db_set_busy_timeout (db, 250);
  g_assert_cmpint (query_int (db, "PRAGMA busy_timeout"), ==, 250);

  /* SQLite keeps no memory statistics in the server (they serialise every allocation of every
   * connection on one mutex): with them this would count the open connections' memory. */
  g_assert_cmpint (sqlite3_memory_used (), ==, 0);
}

static char *
dump_schema (ElDb *db)
{
  return query_text (db, "SELECT group_concat (type || ' ' || name || ' ' || coalesce (sql, ''), ';') "
                         "FROM (SELECT * FROM sqlite_schema ORDER BY name)");
}

static void
test_migrate_idempotent (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *reopened = NULL;

  {
    g_autoptr (ElDb) db = open_db (f->path, NULL);

    before = dump_schema (db);
    g_assert_nonnull (strstr (before, "table audit_events"));
    g_assert_nonnull (strstr (before, "index sbar_versions_one_latest"));
    g_assert_true (el_db_migrate (db, &error));
    g_assert_no_error (error);
    g_assert_true (el_db_migrate (db, &error));
    g_assert_no_error (error);
    after = dump_schema (db);
    g_assert_cmpstr (before, ==, after);
    g_assert_cmpint (query_int (db, "PRAGMA user_version"), ==, EL_DB_SCHEMA_VERSION);
  }
  {
    g_autoptr (ElDb) db = open_db (f->path, NULL);

    reopened = dump_schema (db);
    g_assert_cmpstr (before, ==, reopened);
  }
  g_assert_cmpint (el_db_read_schema_version (f->path, &error), ==, EL_DB_SCHEMA_VERSION);
  g_assert_no_error (error);
}

/* Version 1 to 2: the handoff list index replaces handoffs(unit_id, shift_date), and a unit's list
 * is read in its order (no temporary B-tree per page). */
static void
test_migrate_v2 (Fixture *f, gconstpointer data)
{
  static const char list_sql[] = "EXPLAIN QUERY PLAN SELECT id FROM handoffs WHERE 1 AND unit_id = ?1 "
                                 "ORDER BY shift_date DESC, created_at DESC, id DESC LIMIT ?9";
  g_autofree char *schema = NULL;

  {
    g_autoptr (ElDb) db = open_db (f->path, NULL);

    insert_unit_and_user (db);
  }
  {
    /* the database as schema version 1 left it */
    sqlite3 *raw = open_raw (f->path);

    raw_exec (raw, "BEGIN; DROP INDEX handoffs_unit_list; "
                   "CREATE INDEX handoffs_unit_shift_date ON handoffs (unit_id, shift_date); "
                   "DROP TABLE directory_generation; DROP TRIGGER units_directory_insert; "
                   "DROP TRIGGER units_directory_update; DROP TRIGGER units_directory_delete; "
                   "DROP TRIGGER users_directory_insert; DROP TRIGGER users_directory_update; "
                   "DROP TRIGGER users_directory_delete; PRAGMA user_version = 1; COMMIT;");
    sqlite3_close (raw);
  }
  {
    g_autoptr (ElDb) db = open_db (f->path, NULL);

    g_assert_cmpint (query_int (db, "PRAGMA user_version"), ==, EL_DB_SCHEMA_VERSION);
    g_assert_cmpint (query_int (db, "SELECT count(*) FROM units"), >, 0);
    schema = dump_schema (db);
    g_assert_nonnull (strstr (schema, "index handoffs_unit_list"));
    g_assert_null (strstr (schema, "handoffs_unit_shift_date"));
    /* version 3: the generation starts at 0, whatever units and users are there */
    g_assert_nonnull (strstr (schema, "trigger users_directory_update"));
    g_assert_cmpint (query_int (db, "SELECT n FROM directory_generation"), ==, 0);
  }
  {
    sqlite3 *raw = open_raw (f->path);
    sqlite3_stmt *stmt = NULL;
    g_autoptr (GString) details = g_string_new (NULL);

    g_assert_cmpint (sqlite3_prepare_v2 (raw, list_sql, -1, &stmt, NULL), ==, SQLITE_OK);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      g_string_append_printf (details, "%s; ", (const char *) sqlite3_column_text (stmt, 3));
    sqlite3_finalize (stmt);
    sqlite3_close (raw);
    g_assert_nonnull (strstr (details->str, "handoffs_unit_list"));
    g_assert_null (strstr (details->str, "TEMP B-TREE"));
  }
}

/* Schema version 3: every write to units or users raises the directory generation, in its own
 * transaction (a rolled-back one leaves it); writes to other tables do not. */
static void
test_directory_generation (Fixture *f, gconstpointer data)
{
  g_autoptr (ElVault) vault = make_vault (1);
  g_autoptr (ElDb) db = open_db (f->path, vault);
  static const char generation[] = "SELECT n FROM directory_generation WHERE id = 1";
  gint64 n;

  g_assert_cmpint (query_int (db, generation), ==, 0);
  insert_unit_and_user (db); /* two units, one user */
  g_assert_cmpint ((n = query_int (db, generation)), ==, 3);
  exec_ok (db, "UPDATE units SET name = '4 West Surgical' WHERE id = '" UNIT_ID "'");
  g_assert_cmpint (query_int (db, generation), ==, n + 1);
  exec_ok (db, "UPDATE users SET name = 'Nurse Alice' WHERE id = '" USER_ID "'");
  g_assert_cmpint (query_int (db, generation), ==, n + 2);
  exec_ok (db, "BEGIN; UPDATE users SET email = 'b@example.org'; ROLLBACK");
  g_assert_cmpint (query_int (db, generation), ==, n + 2);
  insert_patient (db, PATIENT_ID, "MRN-1", "401", "{}");
  g_assert_cmpint (query_int (db, generation), ==, n + 2);
  exec_ok (db, "DELETE FROM units WHERE id = '" UNIT2_ID "'");
  g_assert_cmpint (query_int (db, generation), ==, n + 3);
  exec_ok (db, "DELETE FROM users WHERE id = '" USER_ID "'");
  g_assert_cmpint (query_int (db, generation), ==, n + 4);
  /* one row, always */
  exec_fails (db, "INSERT INTO directory_generation (id, n) VALUES (2, 0)", EL_DB_ERROR_CONSTRAINT);
}

static void
test_refuse (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *empty = g_build_filename (f->dir, "empty.db", NULL);
  g_autofree char *foreign = g_build_filename (f->dir, "foreign.db", NULL);
  g_autofree char *garbage = g_build_filename (f->dir, "garbage.db", NULL);
  ElDb *db;

  /* No file: not migrated, and nothing created. */
  db = el_db_open (f->path, NULL, &error);
  g_assert_null (db);
  g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_NOT_MIGRATED);
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* An empty SQLite database: not migrated; it opens once asked to migrate. */
  {
    sqlite3 *raw = open_raw (empty);

    raw_exec (raw, "PRAGMA user_version = 0");
    sqlite3_close (raw);
  }
  db = el_db_open (empty, NULL, &error);
  g_assert_null (db);
  g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_NOT_MIGRATED);
  g_clear_error (&error);

  /* Newer than this binary: refused, even when asked to migrate. */
  {
    g_autoptr (ElDb) ok = open_db (f->path, NULL);

    g_assert_nonnull (ok);
  }
  {
    sqlite3 *raw = open_raw (f->path);

    raw_exec (raw, "PRAGMA user_version = 99");
    sqlite3_close (raw);
  }
  db = el_db_open (f->path, NULL, &error);
  g_assert_null (db);
  g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_TOO_NEW);
  g_clear_error (&error);
  db = el_db_open_full (f->path, NULL, EL_DB_OPEN_MIGRATE, &error);
  g_assert_null (db);
  g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_TOO_NEW);
  g_clear_error (&error);
  g_assert_cmpint (el_db_read_schema_version (f->path, &error), ==, 99);
  g_assert_no_error (error);

  /* Another application's database is neither opened nor migrated. */
  {
    sqlite3 *raw = open_raw (foreign);

    raw_exec (raw, "CREATE TABLE songs (title TEXT)");
    sqlite3_close (raw);
  }
  db = el_db_open_full (foreign, NULL, EL_DB_OPEN_MIGRATE, &error);
  g_assert_null (db);
  g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_WRONG_FILE);
  g_clear_error (&error);

  /* Not a database at all. */
  g_assert_true (
      g_file_set_contents (garbage, "this is not a database, just some text that is long enough", -1, NULL));
  db = el_db_open (garbage, NULL, &error);
  g_assert_null (db);
  g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_CORRUPT);
}

static void
test_one_latest_version (Fixture *f, gconstpointer data)
{
  g_autoptr (ElVault) vault = make_vault (1);
  g_autoptr (ElDb) db = open_db (f->path, vault);
  g_autoptr (GError) error = NULL;
  const char *v1 = "11111111-0000-4000-8000-000000000001";
  const char *v2 = "11111111-0000-4000-8000-000000000002";

  insert_unit_and_user (db);
  insert_patient (db, PATIENT_ID, "MRN-1", "12", "{}");
  insert_handoff (db);

  g_assert_true (insert_version (db, v1, 1, NULL, TRUE, &error));
  g_assert_no_error (error);

  /* A second latest version of the same handoff: the partial unique index says no. */
  g_assert_false (insert_version (db, v2, 2, v1, TRUE, &error));
  g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_UNIQUE);
  g_assert_true (el_db_error_is_constraint (error));
  g_clear_error (&error);

  /* The same version number twice: UNIQUE (handoff_id, version). */
  g_assert_false (insert_version (db, v2, 1, NULL, FALSE, &error));
  g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_UNIQUE);
  g_clear_error (&error);

  /* Version 2 without a previous version: CHECK. */
  g_assert_false (insert_version (db, v2, 2, NULL, FALSE, &error));
  g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_CONSTRAINT);
  g_clear_error (&error);

  /* The right way: the old one stops being latest, in one transaction. */
  {
    g_autoptr (ElDbTransaction) txn = el_db_transaction_begin (db, &error);

    g_assert_no_error (error);
    exec_ok (db,
             "UPDATE sbar_versions SET is_latest = 0 WHERE handoff_id = '" HANDOFF_ID "' AND is_latest = 1");
    g_assert_true (insert_version (db, v2, 2, v1, TRUE, &error));
    g_assert_no_error (error);
    g_assert_true (el_db_transaction_commit (txn, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpint (query_int (db, "SELECT version FROM sbar_versions WHERE is_latest = 1"), ==, 2);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM sbar_versions"), ==, 2);

  /* Versions are immutable: only is_latest may change. */
  exec_fails (db, "UPDATE sbar_versions SET completeness = '{}' WHERE version = 1", EL_DB_ERROR_CONSTRAINT);
  exec_fails (db, "UPDATE sbar_versions SET doc = x'00' WHERE version = 1", EL_DB_ERROR_CONSTRAINT);
}

static void
append_events (ElDb *db, guint n)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDbTransaction) txn = el_db_transaction_begin (db, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *detail = g_strdup_printf ("{\"n\": %u, \"role\": \"nurse\"}", i);
      gint64 id =
          el_audit_append (db, i % 2 ? USER_ID : NULL, "user.update", "user", USER_ID, detail, &error);

      g_assert_no_error (error);
      g_assert_cmpint (id, >, 0);
    }
  g_assert_true (el_db_transaction_commit (txn, &error));
  g_assert_no_error (error);
}

static void
test_audit_immutable (Fixture *f, gconstpointer data)
{
  g_autoptr (ElDb) db = open_db (f->path, NULL);
  g_autoptr (GError) error = NULL;
  gint64 first_bad = -1, n_events = -1;

  append_events (db, 3);
  g_assert_cmpint (query_int (db, "SELECT max (id) FROM audit_events"), ==, 3);
  g_assert_cmpint (
      query_int (db, "SELECT count(*) FROM audit_events WHERE detail = '{\"n\":1,\"role\":\"nurse\"}'"), ==,
      1);

  exec_fails (db, "UPDATE audit_events SET action = 'nothing' WHERE id = 2", EL_DB_ERROR_CONSTRAINT);
  exec_fails (db, "DELETE FROM audit_events WHERE id = 3", EL_DB_ERROR_CONSTRAINT);
  exec_fails (db, "DELETE FROM audit_events", EL_DB_ERROR_CONSTRAINT);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM audit_events"), ==, 3);

  /* Outside a transaction, or with a detail that is not an object: refused. */
  g_assert_cmpint (el_audit_append (db, NULL, "x.y", "user", NULL, NULL, &error), ==, 0);
  g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_MISUSE);
  g_clear_error (&error);
  {
    g_autoptr (ElDbTransaction) txn = el_db_transaction_begin (db, &error);

    g_assert_nonnull (txn);
    g_assert_cmpint (el_audit_append (db, NULL, "x.y", "user", NULL, "[1]", &error), ==, 0);
    g_assert_error (error, EL_AUDIT_ERROR, EL_AUDIT_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_cmpint (el_audit_append (db, NULL, "", "user", NULL, NULL, &error), ==, 0);
    g_assert_error (error, EL_AUDIT_ERROR, EL_AUDIT_ERROR_INVALID);
    g_clear_error (&error);
  }

  g_assert_true (el_audit_verify_full (db, &first_bad, &n_events, &error));
  g_assert_no_error (error);
  g_assert_cmpint (first_bad, ==, 0);
  g_assert_cmpint (n_events, ==, 3);
}

/* Builds a chain of 5 events, tampers with it through a raw connection, and verifies. */
static gint64
tamper_and_verify (const char *path, const char *tamper_sql)
{
  g_autoptr (GError) error = NULL;
  gint64 first_bad = -1;

  {
    g_autoptr (ElDb) db = open_db (path, NULL);

    append_events (db, 5);
    g_assert_true (el_audit_verify (db, &first_bad, &error));
    g_assert_no_error (error);
    g_assert_cmpint (first_bad, ==, 0);
  }
  {
    sqlite3 *raw = open_raw (path);

    raw_exec (raw, "DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;");
    raw_exec (raw, tamper_sql);
    sqlite3_close (raw);
  }
  {
    g_autoptr (ElDb) db = open_db (path, NULL);

    g_assert_false (el_audit_verify (db, &first_bad, &error));
    g_assert_error (error, EL_AUDIT_ERROR, EL_AUDIT_ERROR_BROKEN);
  }
  return first_bad;
}

static void
test_audit_tamper (Fixture *f, gconstpointer data)
{
  const struct
  {
    const char *sql;
    gint64 first_bad;
  } cases[] = {
    { "UPDATE audit_events SET detail = '{\"n\":2,\"role\":\"admin\"}' WHERE id = 3", 3 },
    { "UPDATE audit_events SET actor_id = NULL WHERE id = 2", 2 },
    { "UPDATE audit_events SET at = '2020-01-01T00:00:00.000Z' WHERE id = 5", 5 },
    { "UPDATE audit_events SET hash = zeroblob (32) WHERE id = 4", 4 }, /* then 5 no longer follows it */
    { "DELETE FROM audit_events WHERE id = 3", 4 },
    { "DELETE FROM audit_events WHERE id = 1", 2 },
    { "DELETE FROM audit_events WHERE id >= 4", 4 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("chain-%u.db", i);
      g_autofree char *path = g_build_filename (f->dir, name, NULL);

      g_test_message ("tamper: %s", cases[i].sql);
      g_assert_cmpint (tamper_and_verify (path, cases[i].sql), ==, cases[i].first_bad);
    }
}

static GBytes *
read_all_files (const char *path)
{
  g_autoptr (GByteArray) all = g_byte_array_new ();
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;

      if (g_file_get_contents (file, &contents, &len, NULL))
        g_byte_array_append (all, (const guint8 *) contents, (guint) len);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&all));
}

static gboolean
bytes_contain (GBytes *bytes, const char *needle)
{
  gsize len = 0, n = strlen (needle);
  const guint8 *data = g_bytes_get_data (bytes, &len);

  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static void
test_sealed_no_plaintext (Fixture *f, gconstpointer data)
{
  g_autoptr (ElVault) vault = make_vault (9);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) raw_bytes = NULL;
  const char *doc = "{\"given_name\":\"Zebulon\",\"family_name\":\"Quackenbush\",\"mrn\":\"MRN-77-3141\"}";

  {
    g_autoptr (ElDb) db = open_db (f->path, vault);

    g_assert_true (el_db_has_key (db));
    insert_unit_and_user (db);
    insert_patient (db, PATIENT_ID, "MRN-77-3141", "ROOM-MARKER-7", doc);
    insert_patient (db, PATIENT2_ID, "MRN-2", "14", "{\"given_name\":\"Other\"}");
    g_assert_true (el_db_checkpoint (db, &error));
    g_assert_no_error (error);
  }

  /* The file (and any WAL) holds the clear columns but no name or MRN. */
  raw_bytes = read_all_files (f->path);
  g_assert_true (bytes_contain (raw_bytes, "ROOM-MARKER-7"));
  g_assert_false (bytes_contain (raw_bytes, "Quackenbush"));
  g_assert_false (bytes_contain (raw_bytes, "Zebulon"));
  g_assert_false (bytes_contain (raw_bytes, "MRN-77-3141"));

  /* With the key, it reads back. */
  {
    g_autoptr (ElDb) db = open_db (f->path, vault);
    g_autoptr (ElDbStmt) stmt = el_db_prepare (db, "SELECT id, doc FROM patients WHERE id = ?1", &error);
    g_autofree char *text = NULL;
    gsize len = 0;

    g_assert_no_error (error);
    sqlite3_bind_text (stmt, 1, PATIENT_ID, -1, SQLITE_STATIC);
    g_assert_cmpint (el_db_step (db, stmt, &error), ==, SQLITE_ROW);
    g_assert_true (el_db_column_sealed (db, stmt, 1, "patients", PATIENT_ID, "doc", &text, &len, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (text, ==, doc);
    g_assert_cmpuint (len, ==, strlen (doc));
    g_clear_pointer (&text, g_free);

    /* Read as if it belonged to the other patient: it does not open. */
    g_assert_false (el_db_column_sealed (db, stmt, 1, "patients", PATIENT2_ID, "doc", &text, NULL, &error));
    g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_SEALED);
    g_assert_null (text);
    g_clear_error (&error);

    /* SQL NULL reads as NULL without an error. */
    el_db_stmt_release (stmt);
    stmt = el_db_prepare (db, "SELECT NULL", &error);
    g_assert_cmpint (el_db_step (db, stmt, &error), ==, SQLITE_ROW);
    g_assert_true (el_db_column_sealed (db, stmt, 0, "patients", PATIENT_ID, "doc", &text, NULL, &error));
    g_assert_no_error (error);
    g_assert_null (text);
  }

  /* Swapping two patients' documents in the file: check finds it. */
  {
    sqlite3 *raw = open_raw (f->path);

    raw_exec (raw, "UPDATE patients SET doc = (SELECT doc FROM patients WHERE id = '" PATIENT2_ID "') "
                   "WHERE id = '" PATIENT_ID "'");
    sqlite3_close (raw);
  }
  {
    g_autoptr (ElDb) db = open_db (f->path, vault);
    g_autoptr (ElDbCheckReport) report = el_db_check (db, &error);

    g_assert_no_error (error);
    g_assert_false (el_db_check_report_ok (report));
    g_assert_cmpstr (report->sealed_first_bad, ==, "patients.doc of row " PATIENT_ID);
  }

  /* Another key: refused at open, before anything is written with it. */
  {
    g_autoptr (ElVault) other = make_vault (10);
    ElDb *db = el_db_open (f->path, other, &error);

    g_assert_null (db);
    g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_WRONG_KEY);
    g_clear_error (&error);
  }

  /* No key: sealed columns cannot be used. */
  {
    g_autoptr (ElDb) db = open_db (f->path, NULL);
    g_autoptr (ElDbStmt) stmt = el_db_prepare (db, "SELECT ?1", &error);
    guint8 index[EL_DB_MRN_INDEX_BYTES];

    g_assert_false (el_db_bind_sealed (db, stmt, 1, "patients", PATIENT_ID, "doc", "x", -1, &error));
    g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_NO_KEY);
    g_clear_error (&error);
    g_assert_false (el_db_mrn_index (db, "MRN-1", index, &error));
    g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_NO_KEY);
  }
}

static void
test_mrn_index (Fixture *f, gconstpointer data)
{
  g_autoptr (ElVault) vault = make_vault (3);
  g_autoptr (ElVault) other_vault = make_vault (4);
  g_autoptr (ElDb) db = open_db (f->path, vault);
  g_autofree char *other_path = g_build_filename (f->dir, "other.db", NULL);
  g_autoptr (ElDb) other = open_db (other_path, other_vault);
  g_autoptr (GError) error = NULL;
  guint8 a[EL_DB_MRN_INDEX_BYTES], b[EL_DB_MRN_INDEX_BYTES], c[EL_DB_MRN_INDEX_BYTES],
      d[EL_DB_MRN_INDEX_BYTES];

  g_assert_true (el_db_mrn_index (db, "mrn-000123", a, &error));
  g_assert_true (el_db_mrn_index (db, "  MRN-000123\t", b, &error));
  g_assert_true (el_db_mrn_index (db, "MRN-000124", c, &error));
  g_assert_true (el_db_mrn_index (other, "MRN-000123", d, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (a, sizeof a, b, sizeof b);
  g_assert_true (memcmp (a, c, sizeof a) != 0);
  g_assert_true (memcmp (a, d, sizeof a) != 0); /* keyed: another key, another index */
  g_assert_false (el_db_mrn_index (db, "   ", a, &error));
  g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_CONSTRAINT);
  g_clear_error (&error);

  /* A second patient with the same MRN (spelled differently) is refused. */
  insert_unit_and_user (db);
  insert_patient (db, PATIENT_ID, "MRN-000123", "1", "{}");
  {
    g_autoptr (ElDbStmt) stmt =
        el_db_prepare (db,
                       "INSERT INTO patients (id, unit_id, room, mrn_index, doc, created_at, updated_at) "
                       "VALUES ('" PATIENT2_ID "', '" UNIT_ID "', '2', ?1, x'00', '" NOW "', '" NOW "')",
                       &error);

    g_assert_true (el_db_mrn_index (db, "mrn-000123 ", b, &error));
    sqlite3_bind_blob (stmt, 1, b, sizeof b, SQLITE_STATIC);
    g_assert_cmpint (el_db_step (db, stmt, &error), ==, SQLITE_CONSTRAINT_UNIQUE);
    g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_UNIQUE);
  }
}

static gint64
change (ElDb *db, const char *type, const char *id, ElDbChangeOp op, const char *unit)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDbTransaction) txn = el_db_transaction_begin (db, &error);
  gint64 seq;

  g_assert_no_error (error);
  seq = el_db_next_change (db, type, id, op, unit, &error);
  g_assert_no_error (error);
  g_assert_true (el_db_transaction_commit (txn, &error));
  g_assert_no_error (error);
  return seq;
}

static void
test_change_feed (Fixture *f, gconstpointer data)
{
  g_autoptr (ElDb) db = open_db (f->path, NULL);
  g_autoptr (GError) error = NULL;
  gint64 last = 0;
  gint64 seq;

  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *id = g_strdup_printf ("entity-%u", i % 7);

      seq = change (db, i % 2 ? "handoff" : "patient", id,
                    i % 5 == 4 ? EL_DB_CHANGE_DELETE : EL_DB_CHANGE_UPSERT, i % 3 ? UNIT_ID : UNIT2_ID);
      g_assert_cmpint (seq, >, last);
      last = seq;
    }

  /* One row per entity, the newest; the maximum is never reused after its row goes. */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM (SELECT entity_type, entity_id FROM changes "
                                  "GROUP BY 1, 2 HAVING count(*) > 1)"),
                   ==, 0);
  g_assert_cmpint (query_int (db, "SELECT max (seq) FROM changes"), ==, last);
  seq = change (db, "handoff", "entity-6", EL_DB_CHANGE_UPSERT, UNIT_ID);
  g_assert_cmpint (seq, ==, last + 1);
  seq = change (db, "handoff", "entity-6", EL_DB_CHANGE_DELETE, UNIT_ID);
  g_assert_cmpint (seq, ==, last + 2);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM changes WHERE entity_id = 'entity-6' AND "
                                  "entity_type = 'handoff'"),
                   ==, 1);
  g_assert_cmpint (query_int (db,
                              "SELECT seq FROM changes WHERE entity_id = 'entity-6' AND op = 'delete' AND "
                              "entity_type = 'handoff'"),
                   ==, last + 2);

  /* A rolled-back change leaves nothing. */
  {
    g_autoptr (ElDbTransaction) txn = el_db_transaction_begin (db, &error);

    g_assert_nonnull (txn);
    g_assert_cmpint (el_db_next_change (db, "patient", "ghost", EL_DB_CHANGE_UPSERT, UNIT_ID, &error), >, 0);
  }
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM changes WHERE entity_id = 'ghost'"), ==, 0);

  /* Outside a transaction: refused. */
  g_assert_cmpint (el_db_next_change (db, "patient", "x", EL_DB_CHANGE_UPSERT, NULL, &error), ==, 0);
  g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_MISUSE);
}

static void
test_transaction_guard (Fixture *f, gconstpointer data)
{
  g_autoptr (ElDb) db = open_db (f->path, NULL);
  g_autoptr (GError) error = NULL;

  {
    g_autoptr (ElDbTransaction) txn = el_db_transaction_begin (db, &error);

    g_assert_nonnull (txn);
    g_assert_no_error (error);
    g_assert_true (el_db_in_transaction (db));
    exec_ok (db,
             "INSERT INTO units (id, code, name, created_at, updated_at) VALUES ('u1', 'A', 'A', 'x', 'x')");
    /* Nested: refused. */
    g_assert_null (el_db_transaction_begin (db, &error));
    g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_MISUSE);
    g_clear_error (&error);
    /* Leaves the scope without a commit. */
  }
  g_assert_false (el_db_in_transaction (db));
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM units"), ==, 0);

  {
    g_autoptr (ElDbTransaction) txn = el_db_transaction_begin (db, &error);

    exec_ok (db,
             "INSERT INTO units (id, code, name, created_at, updated_at) VALUES ('u1', 'A', 'A', 'x', 'x')");
    g_assert_true (el_db_transaction_commit (txn, &error));
    g_assert_no_error (error);
    g_assert_false (el_db_transaction_commit (txn, &error));
    g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_MISUSE);
    g_clear_error (&error);
  }
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM units"), >, 0);

  /* A commit that fails (a deferred foreign key) leaves the guard to roll back. */
  {
    g_autoptr (ElDbTransaction) txn = el_db_transaction_begin (db, &error);

    exec_ok (db,
             "INSERT INTO units (id, code, name, created_at, updated_at) VALUES ('u2', 'B', 'B', 'x', 'x')");
    exec_ok (db, "INSERT INTO users (id, email, name, role, password_hash, created_at, updated_at) VALUES "
                 "('a1', 'admin@example.org', 'Admin', 'admin', 'x', 'x', 'x');"
                 "INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, created_at, expires_at, "
                 "replaced_by) VALUES ('t1', 'a1', 'f1', zeroblob (32), 'x', 'x', 'no-such-token')");
    g_assert_false (el_db_transaction_commit (txn, &error));
    g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_FOREIGN_KEY);
    g_clear_error (&error);
  }
  g_assert_false (el_db_in_transaction (db));
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM units"), >, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM users"), ==, 0);

  /* The plain calls. */
  g_assert_true (el_db_begin_immediate (db, &error));
  exec_ok (db, "DELETE FROM units");
  g_assert_true (el_db_rollback (db, &error));
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM units"), >, 0);
  g_assert_false (el_db_commit (db, &error));
  g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_MISUSE);
}

static void
test_errors (Fixture *f, gconstpointer data)
{
  g_autoptr (ElDb) db = open_db (f->path, NULL);
  g_autoptr (ElDb) other = open_db (f->path, NULL);
  g_autoptr (GError) error = NULL;

  insert_unit_and_user (db);
  exec_fails (
      db, "INSERT INTO units (id, code, name, created_at, updated_at) VALUES ('u9', '4w', 'dup', 'x', 'x')",
      EL_DB_ERROR_UNIQUE);
  exec_fails (db,
              "INSERT INTO users (id, email, name, role, password_hash, created_at, updated_at) VALUES "
              "('u9', 'A@EXAMPLE.ORG', 'dup', 'admin', 'x', 'x', 'x')",
              EL_DB_ERROR_UNIQUE);
  exec_fails (db,
              "INSERT INTO users (id, email, name, role, unit_id, password_hash, created_at, updated_at) "
              "VALUES ('u9', 'b@example.org', 'B', 'nurse', 'no-such-unit', 'x', 'x', 'x')",
              EL_DB_ERROR_FOREIGN_KEY);
  exec_fails (db,
              "INSERT INTO users (id, email, name, role, password_hash, created_at, updated_at) VALUES "
              "('u9', 'c@example.org', 'C', 'boss', 'x', 'x', 'x')",
              EL_DB_ERROR_CONSTRAINT);
  exec_fails (db,
              "INSERT INTO users (id, email, name, role, password_hash, created_at, updated_at) VALUES "
              "('u9', 'c@example.org', 'C', 'nurse', 'x', 'x', 'x')", /* a nurse needs a unit */
              EL_DB_ERROR_CONSTRAINT);
  exec_fails (db, "SELECT * FROM no_such_table", EL_DB_ERROR_FAILED);

  /* Another connection holds the write lock: BUSY once the (short) timeout runs out. */
  g_assert_true (el_db_begin_immediate (other, &error));
  g_assert_no_error (error);
  el_db_set_busy_timeout (db, 50);
  g_assert_false (el_db_begin_immediate (db, &error));
  g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_BUSY);
  g_assert_false (el_db_error_is_constraint (error));
  g_clear_error (&error);
  g_assert_true (el_db_rollback (other, &error));
  g_assert_true (el_db_begin_immediate (db, &error));
  g_assert_true (el_db_commit (db, &error));
  g_assert_no_error (error);
}

static void
test_statement_cache (Fixture *f, gconstpointer data)
{
  g_autoptr (ElDb) db = open_db (f->path, NULL);
  g_autoptr (GError) error = NULL;
  ElDbStmt *first, *second;

  exec_ok (db, "INSERT INTO units (id, code, name, created_at, updated_at) VALUES ('u1', 'A', 'A', 'x', 'x'),"
               "('u2', 'B', 'B', 'x', 'x')");
  first = el_db_prepare (db, "SELECT id FROM units ORDER BY id", &error);
  g_assert_no_error (error);
  g_assert_cmpint (el_db_step (db, first, &error), ==, SQLITE_ROW);

  /* Still being stepped: not handed out again. */
  g_assert_null (el_db_prepare (db, "SELECT id FROM units ORDER BY id", &error));
  g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_MISUSE);
  g_clear_error (&error);

  el_db_stmt_release (first);
  second = el_db_prepare (db, "SELECT id FROM units ORDER BY id", &error);
  g_assert_true (first == second);
  g_assert_cmpint (el_db_step (db, second, &error), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (second, 0), ==, "u1"); /* from the start again */
  el_db_stmt_release (second);

  /* One statement per call. */
  g_assert_null (el_db_prepare (db, "SELECT 1; SELECT 2", &error));
  g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_MISUSE);
  g_clear_error (&error);
  g_assert_null (el_db_prepare (db, "SELEKT 1", &error));
  g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_FAILED);
}

static void
test_lock (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  ElDbLock *shared_a = el_db_lock_acquire (f->path, EL_DB_LOCK_SHARED, &error);
  ElDbLock *shared_b = el_db_lock_acquire (f->path, EL_DB_LOCK_SHARED, &error);
  ElDbLock *exclusive;

  g_assert_no_error (error);
  g_assert_nonnull (shared_a);
  g_assert_nonnull (shared_b);

  exclusive = el_db_lock_acquire (f->path, EL_DB_LOCK_EXCLUSIVE, &error);
  g_assert_null (exclusive);
  g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_LOCKED);
  g_clear_error (&error);

  el_db_lock_release (shared_a);
  exclusive = el_db_lock_acquire (f->path, EL_DB_LOCK_EXCLUSIVE, &error);
  g_assert_null (exclusive);
  g_clear_error (&error);
  el_db_lock_release (shared_b);

  exclusive = el_db_lock_acquire (f->path, EL_DB_LOCK_EXCLUSIVE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (exclusive);
  g_assert_null (el_db_lock_acquire (f->path, EL_DB_LOCK_SHARED, &error));
  g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_LOCKED);
  el_db_lock_release (exclusive);
}

static void
test_purge_idempotency (Fixture *f, gconstpointer data)
{
  g_autoptr (ElDb) db = open_db (f->path, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_utc (2026, 11, 25, 12, 0, 0);

  exec_ok (
      db,
      "INSERT INTO idempotency_keys (scope, key, method, route, request_hash, state, created_at, "
      "updated_at) VALUES "
      "('ip:127.0.0.1', 'old', 'POST', '/x', zeroblob (32), 'in_progress', '2026-10-25T11:59:59.000Z', 'x'),"
      "('ip:127.0.0.1', 'edge', 'POST', '/x', zeroblob (32), 'in_progress', '2026-10-26T12:00:00.000Z', 'x'),"
      "('ip:127.0.0.1', 'new', 'POST', '/x', zeroblob (32), 'in_progress', '2026-11-24T12:00:00.000Z', 'x')");
  g_assert_cmpint (el_db_purge_idempotency_keys (db, now, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM idempotency_keys WHERE key = 'old'"), ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM idempotency_keys"), ==, 2);
}

static void
test_backup_in_process (Fixture *f, gconstpointer data)
{
  g_autoptr (ElVault) vault = make_vault (5);
  g_autoptr (ElDb) db = open_db (f->path, vault);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDbCheckReport) report = NULL;
  g_autofree char *copy = g_build_filename (f->dir, "copy.db", NULL);
  g_autofree char *wal = g_strconcat (copy, "-wal", NULL);

  insert_unit_and_user (db);
  insert_patient (db, PATIENT_ID, "MRN-5", "5", "{\"family_name\":\"Backup\"}");
  append_events (db, 4);

  g_assert_true (el_db_backup (db, copy, FALSE, &report, &error));
  g_assert_no_error (error);
  g_assert_true (el_db_check_report_ok (report));
  g_assert_cmpint (report->audit_events, ==, 4);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));

  /* Not over an existing file, unless asked. */
  g_assert_false (el_db_backup (db, copy, FALSE, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_true (el_db_backup (db, copy, TRUE, NULL, &error));
  g_assert_no_error (error);

  {
    g_autoptr (ElDb) restored = el_db_open (copy, vault, &error);
    g_autoptr (ElDbCheckReport) check = NULL;

    g_assert_no_error (error);
    check = el_db_check (restored, &error);
    g_assert_no_error (error);
    g_assert_true (el_db_check_report_ok (check));
    g_assert_cmpint (check->sealed_values, ==, 1);
    g_assert_cmpint (query_int (restored, "SELECT count(*) FROM users"), ==, 1);
    g_assert_cmpint (query_int (restored, "SELECT count(*) FROM audit_events"), ==, 4);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/el/server/db/pragmas", test_pragmas);
  ADD ("/el/server/db/migrate/idempotent", test_migrate_idempotent);
  ADD ("/el/server/db/migrate/v2", test_migrate_v2);
  ADD ("/el/server/db/migrate/directory-generation", test_directory_generation);
  ADD ("/el/server/db/migrate/refuse", test_refuse);
  ADD ("/el/server/db/sbar/one-latest", test_one_latest_version);
  ADD ("/el/server/db/audit/immutable", test_audit_immutable);
  ADD ("/el/server/db/audit/tamper", test_audit_tamper);
  ADD ("/el/server/db/sealed/no-plaintext", test_sealed_no_plaintext);
  ADD ("/el/server/db/sealed/mrn-index", test_mrn_index);
  ADD ("/el/server/db/changes/monotonic", test_change_feed);
  ADD ("/el/server/db/transaction/guard", test_transaction_guard);
  ADD ("/el/server/db/errors", test_errors);
  ADD ("/el/server/db/statement-cache", test_statement_cache);
  ADD ("/el/server/db/lock", test_lock);
  ADD ("/el/server/db/idempotency/purge", test_purge_idempotency);
  ADD ("/el/server/db/backup", test_backup_in_process);
#undef ADD

  return g_test_run ();
}
