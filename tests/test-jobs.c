/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The durable job queue and its worker thread, on a real SQLite file. */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "el-db.h"
#include "el-job-runner.h"
#include "el-test-util.h"

#define UNIT_ID      "6f1c0f7e-2c7a-4d5e-9a51-0d3c2b1a0001"
#define USER_ID      "0b7a4c1e-8f2d-4e3a-b5c6-d7e8f9a0b001"
#define PATIENT_ID   "5d2e6f70-1a2b-4c3d-8e4f-5a6b7c8d0001"
#define HANDOFF_ID   "9c8b7a60-5f4e-4d3c-9b2a-1f0e9d8c0001"
#define RECORDING_ID "3f2a1b0c-9d8e-4f70-a1b2-c3d4e5f60001"
#define NOW          "2026-11-25T07:15:00.000Z"
#define TEST_KIND    "test-kind"
#define WAIT_MS      20000 /* generous: a test that needs it has failed anyway */

typedef struct
{
  gint64 id;
  ElJobState state;
  char *message;
} Event;

typedef struct
{
  char *dir;
  char *path;
  ElVault *vault;
  ElDb *db;
  ElJobRunner *runner;
  GArray *events; /* Event, from "job-finished" */
  GThread *main_thread;

  /* What the job functions saw (they run in the worker thread). */
  GMutex lock;
  GCond cond;
  guint calls;
  gint64 call_times[16];
  GThread *job_thread;
  ElDb *job_db;
  char *job_recording_id;
  guint job_attempt;
  gboolean started;   /* the blocking job is waiting */
  gboolean cancelled; /* and saw its cancellable fire */
  guint failed_calls;
  gboolean failed_in_transaction;
} Fixture;

static void
event_clear (gpointer data)
{
  g_free (((Event *) data)->message);
}

static void
exec_ok (ElDb *db, const char *sql)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (el_db_exec (db, sql, &error));
  g_assert_no_error (error);
}

static void
insert_recording_chain (ElDb *db)
{
  g_autoptr (GError) error = NULL;
  guint8 index[EL_DB_MRN_INDEX_BYTES];

  exec_ok (db, "INSERT INTO units (id, code, name, created_at, updated_at) VALUES ('" UNIT_ID "', '4W', "
               "'4 West', '" NOW "', '" NOW "');"
               "INSERT INTO users (id, email, name, role, unit_id, password_hash, created_at, updated_at) "
               "VALUES ('" USER_ID "', 'a@example.org', 'Nurse A', 'nurse', '" UNIT_ID "', 'x', '" NOW
               "', '" NOW "');");
  {
    g_autoptr (ElDbStmt) stmt = el_db_prepare (
        db,
        "INSERT INTO patients (id, unit_id, room, bed, acuity, mrn_index, doc, created_at, updated_at) "
        "VALUES (?1, ?2, '12', 'A', 3, ?3, ?4, ?5, ?5)",
        &error);

    g_assert_no_error (error);
    g_assert_true (el_db_mrn_index (db, "MRN-1", index, &error));
    sqlite3_bind_text (stmt, 1, PATIENT_ID, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 2, UNIT_ID, -1, SQLITE_STATIC);
    sqlite3_bind_blob (stmt, 3, index, sizeof index, SQLITE_STATIC);
    g_assert_true (el_db_bind_sealed (db, stmt, 4, "patients", PATIENT_ID, "doc", "{}", -1, &error));
    sqlite3_bind_text (stmt, 5, NOW, -1, SQLITE_STATIC);
    g_assert_cmpint (el_db_step (db, stmt, &error), ==, SQLITE_DONE);
    g_assert_no_error (error);
  }
  exec_ok (
      db,
      "INSERT INTO handoffs (id, patient_id, unit_id, status, shift_date, shift, created_by, created_at, "
      "updated_at, etag) VALUES ('" HANDOFF_ID "', '" PATIENT_ID "', '" UNIT_ID "', 'draft', '2026-11-25', "
      "'day', '" USER_ID "', '" NOW "', '" NOW "', 'e1')");
}

static void
insert_recording (ElDb *db, const char *id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDbStmt) stmt =
      el_db_prepare (db,
                     "INSERT INTO recordings (id, handoff_id, status, mime_type, created_at, updated_at) "
                     "VALUES (?1, '" HANDOFF_ID "', 'queued', 'audio/ogg', '" NOW "', '" NOW "')",
                     &error);

  g_assert_no_error (error);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  g_assert_cmpint (el_db_step (db, stmt, &error), ==, SQLITE_DONE);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  guint8 key[EL_VAULT_KEY_BYTES];

  f->dir = el_test_make_dir ("el-test-jobs-XXXXXX");
  f->path = g_build_filename (f->dir, "handoff.db", NULL);
  memset (key, 0x5a, sizeof key);
  f->vault = el_vault_new (key);
  f->db = el_db_open_full (f->path, f->vault, EL_DB_OPEN_MIGRATE, &error);
  g_assert_no_error (error);
  insert_recording_chain (f->db);
  insert_recording (f->db, RECORDING_ID);
  f->events = g_array_new (FALSE, TRUE, sizeof (Event));
  g_array_set_clear_func (f->events, event_clear);
  f->main_thread = g_thread_self ();
  g_mutex_init (&f->lock);
  g_cond_init (&f->cond);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  if (f->runner != NULL)
    {
      g_assert_true (el_job_runner_stop (f->runner, 10000));
      /* Deliver what the worker queued for the main context, then the runner must go. */
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_assert_finalize_object (f->runner);
    }
  g_assert_finalize_object (f->db);
  g_assert_finalize_object (f->vault);
  g_array_unref (f->events);
  g_free (f->job_recording_id);
  g_mutex_clear (&f->lock);
  g_cond_clear (&f->cond);
  el_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static void
job_finished_cb (ElJobRunner *runner,
                 gint64 job_id,
                 const char *kind,
                 const char *recording_id,
                 int state,
                 const char *message,
                 gpointer user_data)
{
  Fixture *f = user_data;
  Event event = { job_id, (ElJobState) state, g_strdup (message) };

  g_assert_true (g_thread_self () == f->main_thread);
  g_assert_true (el_job_kind_is_valid (kind));
  g_array_append_val (f->events, event);
}

static ElJobRunner *
make_runner (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  ElJobRunner *runner = el_job_runner_new (f->path, f->vault, &error);

  g_assert_no_error (error);
  g_assert_nonnull (runner);
  g_signal_connect (runner, "job-finished", G_CALLBACK (job_finished_cb), f);
  return runner;
}

static void
start (ElJobRunner *runner)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (el_job_runner_start (runner, &error));
  g_assert_no_error (error);
  g_assert_true (el_job_runner_is_running (runner));
}

static gint64
enqueue (Fixture *f, const char *kind, const char *recording_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDbTransaction) txn = el_db_transaction_begin (f->db, &error);
  gint64 id;

  g_assert_no_error (error);
  id = el_jobs_enqueue (f->db, kind, recording_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  g_assert_true (el_db_transaction_commit (txn, &error));
  g_assert_no_error (error);
  return id;
}

typedef struct
{
  char *state;
  gint64 attempts;
  char *last_error;
  char *run_after;
  char *updated_at;
} JobRow;

static void
job_row_clear (JobRow *row)
{
  g_free (row->state);
  g_free (row->last_error);
  g_free (row->run_after);
  g_free (row->updated_at);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (JobRow, job_row_clear)

static void
read_job (Fixture *f, gint64 id, JobRow *row)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDbStmt) stmt = el_db_prepare (
      f->db, "SELECT state, attempts, last_error, run_after, updated_at FROM jobs WHERE id = ?1", &error);

  g_assert_no_error (error);
  sqlite3_bind_int64 (stmt, 1, id);
  g_assert_cmpint (el_db_step (f->db, stmt, &error), ==, SQLITE_ROW);
  row->state = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  row->attempts = sqlite3_column_int64 (stmt, 1);
  row->last_error = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  row->run_after = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  row->updated_at = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
}

static gint64
count_rows (Fixture *f, const char *sql)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDbStmt) stmt = el_db_prepare (f->db, sql, &error);

  g_assert_no_error (error);
  g_assert_cmpint (el_db_step (f->db, stmt, &error), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

/* Iterates the main context until @n events arrived (or fails after WAIT_MS). */
static void
wait_for_events (Fixture *f, guint n)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;

  while (f->events->len < n)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
}

/* Lets the worker go around its loop a few times (it must then still have done nothing more). */
static void
let_worker_idle (Fixture *f, guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      el_job_runner_wake (f->runner);
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (5000);
    }
}

static const Event *
event_at (Fixture *f, guint i)
{
  return &g_array_index (f->events, Event, i);
}

/* Job functions (worker thread) --------------------------------------------------------------- */

static gboolean
succeed_job (ElDb *db, const ElJob *job, GCancellable *cancellable, gpointer user_data, GError **error)
{
  Fixture *f = user_data;

  g_mutex_lock (&f->lock);
  f->call_times[MIN (f->calls, G_N_ELEMENTS (f->call_times) - 1)] = g_get_monotonic_time ();
  f->calls++;
  f->job_thread = g_thread_self ();
  f->job_db = db;
  g_free (f->job_recording_id);
  f->job_recording_id = g_strdup (job->recording_id);
  f->job_attempt = job->attempt;
  g_mutex_unlock (&f->lock);
  /* The worker's own connection can write: mark the recording as being transcribed. */
  return el_db_exec (db, "UPDATE recordings SET status = 'transcribing'", error);
}

static gboolean
fail_job (ElDb *db, const ElJob *job, GCancellable *cancellable, gpointer user_data, GError **error)
{
  Fixture *f = user_data;

  g_mutex_lock (&f->lock);
  f->call_times[MIN (f->calls, G_N_ELEMENTS (f->call_times) - 1)] = g_get_monotonic_time ();
  f->calls++;
  g_mutex_unlock (&f->lock);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the speech engine failed (exit status %u)\n",
               job->attempt);
  return FALSE;
}

static gboolean
job_failed_for_good (ElDb *db, const ElJob *job, const char *reason, gpointer user_data, GError **error)
{
  Fixture *f = user_data;
  g_autoptr (ElDbStmt) stmt = NULL;

  g_mutex_lock (&f->lock);
  f->failed_calls++;
  f->failed_in_transaction = el_db_in_transaction (db);
  g_mutex_unlock (&f->lock);
  stmt = el_db_prepare (db, "UPDATE recordings SET status = 'failed', error = ?1 WHERE id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, reason, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, job->recording_id, -1, SQLITE_STATIC);
  return el_db_step (db, stmt, error) == SQLITE_DONE;
}

static void
cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  Fixture *f = user_data;

  g_mutex_lock (&f->lock);
  f->cancelled = TRUE;
  g_cond_broadcast (&f->cond);
  g_mutex_unlock (&f->lock);
}

/* Blocks until its cancellable fires (no timeout: only cancellation ends it). */
static gboolean
blocking_job (ElDb *db, const ElJob *job, GCancellable *cancellable, gpointer user_data, GError **error)
{
  Fixture *f = user_data;
  gulong handler = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), f, NULL);

  g_mutex_lock (&f->lock);
  f->calls++;
  f->started = TRUE;
  g_cond_broadcast (&f->cond);
  while (!f->cancelled)
    g_cond_wait (&f->cond, &f->lock);
  g_mutex_unlock (&f->lock);
  g_cancellable_disconnect (cancellable, handler);
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

/* Tests --------------------------------------------------------------------------------------- */

static void
test_enqueue_transaction (Fixture *f, gconstpointer data)
{
  const char *other = "3f2a1b0c-9d8e-4f70-a1b2-c3d4e5f60002";

  /* Rolled back: neither the recording, its change, nor its job exist. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (ElDbTransaction) txn = el_db_transaction_begin (f->db, &error);
    gint64 id;

    g_assert_no_error (error);
    g_assert_nonnull (txn);
    insert_recording (f->db, other);
    g_assert_cmpint (el_db_next_change (f->db, "recording", other, EL_DB_CHANGE_UPSERT, UNIT_ID, &error), >,
                     0);
    id = el_jobs_enqueue (f->db, EL_JOB_KIND_TRANSCRIBE, other, &error);
    g_assert_no_error (error);
    g_assert_cmpint (id, >, 0);
    g_assert_cmpint (el_jobs_count (f->db, EL_JOB_STATE_QUEUED, NULL, &error), ==, 1);
    /* txn freed without a commit: ROLLBACK */
  }
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM jobs"), ==, 0);
  g_assert_cmpint (
      count_rows (f, "SELECT count(*) FROM recordings WHERE id = '3f2a1b0c-9d8e-4f70-a1b2-c3d4e5f60002'"), ==,
      0);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM changes"), ==, 0);

  /* Committed: all three. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (ElDbTransaction) txn = el_db_transaction_begin (f->db, &error);
    JobRow row = { 0 };
    gint64 id;

    insert_recording (f->db, other);
    g_assert_cmpint (el_db_next_change (f->db, "recording", other, EL_DB_CHANGE_UPSERT, UNIT_ID, &error), >,
                     0);
    id = el_jobs_enqueue (f->db, EL_JOB_KIND_TRANSCRIBE, other, &error);
    g_assert_true (el_db_transaction_commit (txn, &error));
    g_assert_no_error (error);
    read_job (f, id, &row);
    g_assert_cmpstr (row.state, ==, "queued");
    g_assert_cmpint (row.attempts, ==, 0);
    g_assert_null (row.last_error);
    job_row_clear (&row);
  }
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM jobs WHERE kind = 'transcribe' AND recording_id = "
                                  "'3f2a1b0c-9d8e-4f70-a1b2-c3d4e5f60002'"),
                   ==, 1);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM changes"), ==, 1);
  {
    g_autoptr (GError) error = NULL;

    g_assert_cmpint (el_jobs_count (f->db, EL_JOB_STATE_QUEUED, EL_JOB_KIND_TRANSCRIBE, &error), ==, 1);
    g_assert_cmpint (el_jobs_count (f->db, EL_JOB_STATE_QUEUED, "extract", &error), ==, 0);
    g_assert_cmpint (el_jobs_count (f->db, EL_JOB_STATE_DONE, NULL, &error), ==, 0);
    g_assert_no_error (error);
  }
}

static void
test_enqueue_invalid (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDbTransaction) txn = NULL;

  /* Outside a transaction. */
  g_assert_cmpint (el_jobs_enqueue (f->db, TEST_KIND, NULL, &error), ==, -1);
  g_assert_error (error, EL_JOB_ERROR, EL_JOB_ERROR_NO_TRANSACTION);
  g_clear_error (&error);

  txn = el_db_transaction_begin (f->db, &error);
  g_assert_no_error (error);
  g_assert_cmpint (el_jobs_enqueue (f->db, "Transcribe", NULL, &error), ==, -1);
  g_assert_error (error, EL_JOB_ERROR, EL_JOB_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (el_jobs_enqueue (f->db, "", NULL, &error), ==, -1);
  g_assert_error (error, EL_JOB_ERROR, EL_JOB_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (el_jobs_enqueue (f->db, TEST_KIND, "not-a-uuid", &error), ==, -1);
  g_assert_error (error, EL_JOB_ERROR, EL_JOB_ERROR_INVALID);
  g_clear_error (&error);
  /* A recording that does not exist: the foreign key. */
  g_assert_cmpint (el_jobs_enqueue (f->db, TEST_KIND, "3f2a1b0c-9d8e-4f70-a1b2-c3d4e5f6ffff", &error), ==,
                   -1);
  g_assert_error (error, EL_DB_ERROR, EL_DB_ERROR_FOREIGN_KEY);
}

static void
test_runs_once (Fixture *f, gconstpointer data)
{
  g_auto (JobRow) row = { 0 };
  gint64 id = enqueue (f, TEST_KIND, RECORDING_ID);

  f->runner = make_runner (f);
  el_job_runner_register (f->runner, TEST_KIND, succeed_job, f);
  g_assert_true (el_job_runner_has_kind (f->runner, TEST_KIND));
  start (f->runner);
  wait_for_events (f, 1);
  g_assert_cmpint (event_at (f, 0)->id, ==, id);
  g_assert_cmpint (event_at (f, 0)->state, ==, EL_JOB_STATE_DONE);
  g_assert_null (event_at (f, 0)->message);

  let_worker_idle (f, 300);
  g_mutex_lock (&f->lock);
  g_assert_cmpuint (f->calls, ==, 1);
  g_assert_true (f->job_thread != f->main_thread);
  g_assert_true (f->job_db != f->db);
  g_assert_cmpstr (f->job_recording_id, ==, RECORDING_ID);
  g_assert_cmpuint (f->job_attempt, ==, 1);
  g_mutex_unlock (&f->lock);
  g_assert_cmpuint (f->events->len, ==, 1);

  read_job (f, id, &row);
  g_assert_cmpstr (row.state, ==, "done");
  g_assert_cmpint (row.attempts, ==, 1);
  g_assert_null (row.last_error);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM recordings WHERE status = 'transcribing'"), ==, 1);
}

/* A job enqueued while the runner waits (poll interval 1 min) runs after el_job_runner_wake(). */
static void
test_wake (Fixture *f, gconstpointer data)
{
  gint64 id;

  f->runner = make_runner (f);
  el_job_runner_set_timing (f->runner, 3, 10, 100, 60000);
  el_job_runner_register (f->runner, TEST_KIND, succeed_job, f);
  start (f->runner);
  g_usleep (50000); /* let it go to sleep on an empty queue */
  id = enqueue (f, TEST_KIND, NULL);
  el_job_runner_wake (f->runner);
  wait_for_events (f, 1);
  g_assert_cmpint (event_at (f, 0)->id, ==, id);
  g_assert_cmpint (event_at (f, 0)->state, ==, EL_JOB_STATE_DONE);
}

static void
test_retry_then_failed (Fixture *f, gconstpointer data)
{
  g_auto (JobRow) row = { 0 };
  g_autoptr (GError) error = NULL;
  gint64 id = enqueue (f, TEST_KIND, RECORDING_ID);

  f->runner = make_runner (f);
  el_job_runner_set_timing (f->runner, 3, 100, 10000, 1000);
  el_job_runner_register_full (f->runner, TEST_KIND, fail_job, job_failed_for_good, f, NULL);
  start (f->runner);
  wait_for_events (f, 3);

  /* queued (retry), queued (retry), failed. */
  g_assert_cmpint (event_at (f, 0)->state, ==, EL_JOB_STATE_QUEUED);
  g_assert_cmpint (event_at (f, 1)->state, ==, EL_JOB_STATE_QUEUED);
  g_assert_cmpint (event_at (f, 2)->state, ==, EL_JOB_STATE_FAILED);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (event_at (f, i)->id, ==, id);
  /* The newline became a space. */
  g_assert_cmpstr (event_at (f, 2)->message, ==, "the speech engine failed (exit status 3) ");

  let_worker_idle (f, 300);
  g_mutex_lock (&f->lock);
  g_assert_cmpuint (f->calls, ==, 3);
  /* Exponential backoff: >= 100 ms before the 2nd run, >= 200 ms before the 3rd. */
  g_assert_cmpint (f->call_times[1] - f->call_times[0], >=, 100 * 1000);
  g_assert_cmpint (f->call_times[2] - f->call_times[1], >=, 200 * 1000);
  g_assert_cmpuint (f->failed_calls, ==, 1);
  g_assert_true (f->failed_in_transaction);
  g_mutex_unlock (&f->lock);
  g_assert_cmpuint (f->events->len, ==, 3);

  read_job (f, id, &row);
  g_assert_cmpstr (row.state, ==, "failed");
  g_assert_cmpint (row.attempts, ==, 3);
  g_assert_cmpstr (row.last_error, ==, "the speech engine failed (exit status 3) ");
  /* The failed hook ran in the transaction that failed the job. */
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM recordings WHERE status = 'failed' AND error = "
                                  "'the speech engine failed (exit status 3) '"),
                   ==, 1);
  g_assert_cmpint (el_jobs_count (f->db, EL_JOB_STATE_FAILED, TEST_KIND, &error), ==, 1);
}

/* A crash left jobs `running`: the next start re-queues them (the attempt counts). */
static void
test_interrupted (Fixture *f, gconstpointer data)
{
  g_auto (JobRow) resumed = { 0 };
  g_auto (JobRow) exhausted = { 0 };
  gint64 resumed_id = enqueue (f, TEST_KIND, RECORDING_ID);
  gint64 exhausted_id = enqueue (f, TEST_KIND, NULL);
  g_autofree char *sql =
      g_strdup_printf ("UPDATE jobs SET state = 'running', attempts = 1 WHERE id = %" G_GINT64_FORMAT
                       "; UPDATE jobs SET state = 'running', attempts = 3 WHERE id = %" G_GINT64_FORMAT,
                       resumed_id, exhausted_id);

  exec_ok (f->db, sql);
  f->runner = make_runner (f);
  el_job_runner_set_timing (f->runner, 3, 10, 100, 1000);
  el_job_runner_register_full (f->runner, TEST_KIND, succeed_job, job_failed_for_good, f, NULL);
  start (f->runner);
  wait_for_events (f, 2);
  let_worker_idle (f, 200);

  read_job (f, resumed_id, &resumed);
  g_assert_cmpstr (resumed.state, ==, "done");
  g_assert_cmpint (resumed.attempts, ==, 2);
  read_job (f, exhausted_id, &exhausted);
  g_assert_cmpstr (exhausted.state, ==, "failed");
  g_assert_cmpint (exhausted.attempts, ==, 3);
  g_assert_cmpstr (exhausted.last_error, ==, "interrupted: the server stopped while the job ran");
  g_mutex_lock (&f->lock);
  g_assert_cmpuint (f->calls, ==, 1);
  g_assert_cmpuint (f->job_attempt, ==, 2);
  g_assert_cmpuint (f->failed_calls, ==, 1);
  g_mutex_unlock (&f->lock);
}

/* Jobs of a kind without a function stay queued, untouched, and survive a restart. */
static void
test_unregistered_kind (Fixture *f, gconstpointer data)
{
  g_auto (JobRow) before = { 0 };
  g_auto (JobRow) after = { 0 };
  g_auto (JobRow) later = { 0 };
  gint64 speech = enqueue (f, EL_JOB_KIND_TRANSCRIBE, RECORDING_ID);
  gint64 test = enqueue (f, TEST_KIND, NULL);

  read_job (f, speech, &before);
  f->runner = make_runner (f);
  el_job_runner_register (f->runner, TEST_KIND, succeed_job, f);
  g_assert_false (el_job_runner_has_kind (f->runner, EL_JOB_KIND_TRANSCRIBE));
  g_assert_false (el_job_runner_has_kind (f->runner, NULL));
  start (f->runner);
  wait_for_events (f, 1);
  g_assert_cmpint (event_at (f, 0)->id, ==, test);
  let_worker_idle (f, 300);
  g_assert_cmpuint (f->events->len, ==, 1);

  read_job (f, speech, &after);
  g_assert_cmpstr (after.state, ==, "queued");
  g_assert_cmpint (after.attempts, ==, 0);
  g_assert_null (after.last_error);
  g_assert_cmpstr (after.updated_at, ==, before.updated_at);
  g_assert_cmpstr (after.run_after, ==, before.run_after);

  /* Restart with a runner that knows the kind (registered after start): it runs. */
  g_assert_true (el_job_runner_stop (f->runner, 5000));
  g_assert_false (el_job_runner_is_running (f->runner));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (f->runner);
  f->runner = make_runner (f);
  start (f->runner);
  el_job_runner_register (f->runner, EL_JOB_KIND_TRANSCRIBE, succeed_job, f);
  g_assert_true (el_job_runner_has_kind (f->runner, EL_JOB_KIND_TRANSCRIBE));
  wait_for_events (f, 2);
  g_assert_cmpint (event_at (f, 1)->id, ==, speech);
  read_job (f, speech, &later);
  g_assert_cmpstr (later.state, ==, "done");
}

/* stop() while the job blocks on its cancellable: it returns (thread joined), the job is queued
 * again and its attempt given back. */
static void
test_stop_while_blocking (Fixture *f, gconstpointer data)
{
  g_auto (JobRow) row = { 0 };
  gint64 id = enqueue (f, TEST_KIND, RECORDING_ID);
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * 1000;

  f->runner = make_runner (f);
  el_job_runner_register (f->runner, TEST_KIND, blocking_job, f);
  start (f->runner);

  g_mutex_lock (&f->lock);
  while (!f->started)
    g_assert_true (g_cond_wait_until (&f->cond, &f->lock, deadline));
  g_mutex_unlock (&f->lock);
  read_job (f, id, &row);
  g_assert_cmpstr (row.state, ==, "running");
  g_assert_cmpint (row.attempts, ==, 1);
  job_row_clear (&row);
  memset (&row, 0, sizeof row);

  g_assert_true (el_job_runner_stop (f->runner, EL_JOB_RUNNER_STOP_WAIT_MS));
  g_assert_false (el_job_runner_is_running (f->runner));
  g_mutex_lock (&f->lock);
  g_assert_true (f->cancelled);
  g_assert_cmpuint (f->calls, ==, 1);
  g_mutex_unlock (&f->lock);
  g_assert_true (el_job_runner_stop (f->runner, 0)); /* idempotent */

  read_job (f, id, &row);
  g_assert_cmpstr (row.state, ==, "queued");
  g_assert_cmpint (row.attempts, ==, 0);
  g_assert_null (row.last_error);
}

static void
test_states (void)
{
  ElJobState state = EL_JOB_STATE_DONE;

  g_assert_cmpstr (el_job_state_to_string (EL_JOB_STATE_QUEUED), ==, "queued");
  g_assert_cmpstr (el_job_state_to_string (EL_JOB_STATE_FAILED), ==, "failed");
  g_assert_true (el_job_state_from_string ("running", &state));
  g_assert_cmpint (state, ==, EL_JOB_STATE_RUNNING);
  g_assert_false (el_job_state_from_string ("Running", &state));
  g_assert_false (el_job_state_from_string (NULL, &state));
  g_assert_true (el_job_kind_is_valid ("transcribe"));
  g_assert_true (el_job_kind_is_valid ("a_b-9"));
  g_assert_false (el_job_kind_is_valid ("a b"));
  g_assert_false (el_job_kind_is_valid (NULL));
  {
    g_autofree char *long_kind = g_strnfill (EL_JOB_KIND_MAX_LEN + 1, 'a');

    g_assert_false (el_job_kind_is_valid (long_kind));
    long_kind[EL_JOB_KIND_MAX_LEN] = '\0';
    g_assert_true (el_job_kind_is_valid (long_kind));
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/el/server/jobs/states", test_states);
  g_test_add ("/el/server/jobs/enqueue/transaction", Fixture, NULL, fixture_set_up, test_enqueue_transaction,
              fixture_tear_down);
  g_test_add ("/el/server/jobs/enqueue/invalid", Fixture, NULL, fixture_set_up, test_enqueue_invalid,
              fixture_tear_down);
  g_test_add ("/el/server/jobs/runner/runs-once", Fixture, NULL, fixture_set_up, test_runs_once,
              fixture_tear_down);
  g_test_add ("/el/server/jobs/runner/wake", Fixture, NULL, fixture_set_up, test_wake, fixture_tear_down);
  g_test_add ("/el/server/jobs/runner/retry-then-failed", Fixture, NULL, fixture_set_up,
              test_retry_then_failed, fixture_tear_down);
  g_test_add ("/el/server/jobs/runner/interrupted", Fixture, NULL, fixture_set_up, test_interrupted,
              fixture_tear_down);
  g_test_add ("/el/server/jobs/runner/unregistered-kind", Fixture, NULL, fixture_set_up,
              test_unregistered_kind, fixture_tear_down);
  g_test_add ("/el/server/jobs/runner/stop-while-blocking", Fixture, NULL, fixture_set_up,
              test_stop_while_blocking, fixture_tear_down);

  return g_test_run ();
}
