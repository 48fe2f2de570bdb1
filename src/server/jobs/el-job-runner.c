/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The job queue's worker thread (el-job-runner.h). */
#include "config.h"

#include "el-job-runner.h"
#include "el-model-types.h"

#include <string.h>

#define INTERRUPTED_MESSAGE "interrupted: the server stopped while the job ran"

typedef struct
{
  char *kind;
  ElJobFunc func;
  ElJobFailedFunc failed_func;
  gpointer user_data;
  GDestroyNotify destroy;
} Handler;

struct _ElJobRunner
{
  GObject parent_instance;

  ElDb *db;              /* the worker's connection: used by start() before the thread, then only by it */
  GMainContext *context; /* where "job-finished" is emitted */
  GCancellable *cancellable;
  GThread *thread;

  guint max_attempts;
  guint base_delay_ms;
  guint max_delay_ms;
  guint poll_ms;

  GMutex lock; /* guards what follows */
  GCond cond;
  GHashTable *handlers; /* kind -> Handler; never removed before finalize */
  gboolean started;
  gboolean stopping;
  gboolean exited;
  gboolean wake_pending;
};

enum
{
  SIGNAL_JOB_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ElJobRunner, el_job_runner, G_TYPE_OBJECT)

/* A candidate job read from the queue. */
typedef struct
{
  gint64 id;
  char *kind;
  char *recording_id;
  guint attempts;
  char *last_error;
} Row;

static void
row_clear (Row *row)
{
  g_clear_pointer (&row->kind, g_free);
  g_clear_pointer (&row->recording_id, g_free);
  g_clear_pointer (&row->last_error, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Row, row_clear)

static void
handler_free (gpointer data)
{
  Handler *handler = data;

  if (handler->destroy != NULL)
    handler->destroy (handler->user_data);
  g_free (handler->kind);
  g_free (handler);
}

static void
el_job_runner_finalize (GObject *object)
{
  ElJobRunner *self = EL_JOB_RUNNER (object);

  /* The thread holds a reference while it runs: it is gone (joined or left behind) by now. */
  if (self->thread != NULL)
    g_thread_unref (self->thread);
  g_clear_object (&self->db);
  g_clear_object (&self->cancellable);
  g_main_context_unref (self->context);
  g_hash_table_unref (self->handlers);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (el_job_runner_parent_class)->finalize (object);
}

static void
el_job_runner_class_init (ElJobRunnerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = el_job_runner_finalize;

  /**
   * ElJobRunner::job-finished:
   * @runner: the runner
   * @job_id: jobs.id
   * @kind: its kind
   * @recording_id: (nullable): its recording
   * @state: an #ElJobState: %EL_JOB_STATE_DONE, %EL_JOB_STATE_QUEUED (it will run again) or
   *   %EL_JOB_STATE_FAILED
   * @message: (nullable): the error of a run that failed
   *
   * Emitted in the main context that created the runner after each run of a job.
   */
  signals[SIGNAL_JOB_FINISHED] =
      g_signal_new ("job-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 5, G_TYPE_INT64, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_INT, G_TYPE_STRING);
}

static void
el_job_runner_init (ElJobRunner *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->handlers = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, handler_free);
  self->max_attempts = EL_JOB_RUNNER_MAX_ATTEMPTS;
  self->base_delay_ms = EL_JOB_RUNNER_BASE_DELAY_MS;
  self->max_delay_ms = EL_JOB_RUNNER_MAX_DELAY_MS;
  self->poll_ms = EL_JOB_RUNNER_POLL_MS;
}

/**
 * el_job_runner_new:
 * @db_path: the database file (the server's)
 * @vault: (nullable): the master key, for job functions that read sealed columns
 * @error: an %EL_DB_ERROR
 *
 * Opens the worker's connection. "job-finished" will be emitted in the thread-default main
 * context of the caller.
 *
 * Returns: (transfer full) (nullable): a runner, not started
 */
ElJobRunner *
el_job_runner_new (const char *db_path, ElVault *vault, GError **error)
{
  g_autoptr (ElJobRunner) self = NULL;

  g_return_val_if_fail (db_path != NULL, NULL);

  self = g_object_new (EL_TYPE_JOB_RUNNER, NULL);
  self->context = g_main_context_ref_thread_default ();
  self->db = el_db_open (db_path, vault, error);
  if (self->db == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * el_job_runner_register_full:
 * @self: a runner
 * @kind: a job kind (el_job_kind_is_valid()), not registered yet
 * @func: runs a job of @kind in the worker thread
 * @failed_func: (nullable): runs when a job of @kind has failed for good
 * @user_data: for both
 * @destroy: (nullable): frees @user_data when the runner is finalized
 *
 * May be called before or after el_job_runner_start(); a kind cannot be registered twice.
 */
void
el_job_runner_register_full (ElJobRunner *self,
                             const char *kind,
                             ElJobFunc func,
                             ElJobFailedFunc failed_func,
                             gpointer user_data,
                             GDestroyNotify destroy)
{
  Handler *handler;

  g_return_if_fail (EL_IS_JOB_RUNNER (self));
  g_return_if_fail (el_job_kind_is_valid (kind));
  g_return_if_fail (func != NULL);

  g_mutex_lock (&self->lock);
  if (g_hash_table_contains (self->handlers, kind))
    {
      g_mutex_unlock (&self->lock);
      g_critical ("job kind %s is already registered", kind);
      return;
    }
  handler = g_new0 (Handler, 1);
  handler->kind = g_strdup (kind);
  handler->func = func;
  handler->failed_func = failed_func;
  handler->user_data = user_data;
  handler->destroy = destroy;
  g_hash_table_insert (self->handlers, handler->kind, handler);
  self->wake_pending = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/**
 * el_job_runner_register:
 * @self: a runner
 * @kind: a job kind
 * @func: runs a job of @kind in the worker thread
 * @user_data: for @func, owned by the caller, alive until the runner is finalized
 */
void
el_job_runner_register (ElJobRunner *self, const char *kind, ElJobFunc func, gpointer user_data)
{
  el_job_runner_register_full (self, kind, func, NULL, user_data, NULL);
}

/**
 * el_job_runner_has_kind:
 * @self: a runner
 * @kind: a job kind
 *
 * Returns: %TRUE when jobs of @kind will run (a function is registered)
 */
gboolean
el_job_runner_has_kind (ElJobRunner *self, const char *kind)
{
  gboolean found;

  g_return_val_if_fail (EL_IS_JOB_RUNNER (self), FALSE);

  if (kind == NULL)
    return FALSE;
  g_mutex_lock (&self->lock);
  found = g_hash_table_contains (self->handlers, kind);
  g_mutex_unlock (&self->lock);
  return found;
}

/**
 * el_job_runner_set_timing:
 * @self: a runner, not started
 * @max_attempts: runs before a job fails for good (>= 1)
 * @base_delay_ms: the delay before the second run; it doubles for each further one
 * @max_delay_ms: the longest delay
 * @poll_ms: how often the queue is looked at without el_job_runner_wake() (>= 1)
 */
void
el_job_runner_set_timing (
    ElJobRunner *self, guint max_attempts, guint base_delay_ms, guint max_delay_ms, guint poll_ms)
{
  g_return_if_fail (EL_IS_JOB_RUNNER (self));
  g_return_if_fail (!self->started);
  g_return_if_fail (max_attempts >= 1 && poll_ms >= 1);

  self->max_attempts = max_attempts;
  self->base_delay_ms = base_delay_ms;
  self->max_delay_ms = max_delay_ms;
  self->poll_ms = poll_ms;
}

/* Reporting -------------------------------------------------------------------------------------- */

typedef struct
{
  GWeakRef runner;
  gint64 id;
  char *kind;
  char *recording_id;
  ElJobState state;
  char *message;
} Finished;

static void
finished_free (gpointer data)
{
  Finished *finished = data;

  g_weak_ref_clear (&finished->runner);
  g_free (finished->kind);
  g_free (finished->recording_id);
  g_free (finished->message);
  g_free (finished);
}

static gboolean
emit_finished_cb (gpointer data)
{
  Finished *finished = data;
  g_autoptr (ElJobRunner) self = g_weak_ref_get (&finished->runner);

  if (self != NULL)
    g_signal_emit (self, signals[SIGNAL_JOB_FINISHED], 0, finished->id, finished->kind,
                   finished->recording_id, (int) finished->state, finished->message);
  return G_SOURCE_REMOVE;
}

static void
report (ElJobRunner *self, const ElJob *job, ElJobState state, const char *message)
{
  Finished *finished = g_new0 (Finished, 1);
  g_autoptr (GSource) source = NULL;

  g_weak_ref_init (&finished->runner, self);
  finished->id = job->id;
  finished->kind = g_strdup (job->kind);
  finished->recording_id = g_strdup (job->recording_id);
  finished->state = state;
  finished->message = g_strdup (message);
  /* A source rather than g_main_context_invoke (), which would run the callback right here in the
   * worker thread whenever it can acquire a context nobody is iterating. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, emit_finished_cb, finished, finished_free);
  g_source_set_static_name (source, "[el-job-runner] job-finished");
  g_source_attach (source, self->context);
}

/* The message stored in last_error: valid UTF-8, no control characters, bounded. */
static char *
sanitize_message (const char *message)
{
  g_autofree char *valid = g_utf8_make_valid (message != NULL ? message : "", -1);
  GString *out = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gsize len = (gsize) (g_utf8_next_char (p) - p);

      if (out->len + len > EL_JOB_LAST_ERROR_MAX)
        break;
      if (g_unichar_iscntrl (c))
        g_string_append_c (out, ' ');
      else
        g_string_append_len (out, p, (gssize) len);
    }
  return g_string_free (out, FALSE);
}

/* Queue operations (worker thread) --------------------------------------------------------------- */

/* now + @delay_ms, rounded up to the millisecond (timestamps keep milliseconds): never early. */
static char *
timestamp_in (gint64 delay_ms)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) then = g_date_time_add (now, delay_ms * 1000 + 999);

  return el_timestamp_format (then);
}

static gint64
timestamp_to_real_us (const char *text)
{
  g_autoptr (GDateTime) time = text != NULL ? el_timestamp_parse (text) : NULL;

  if (time == NULL)
    return -1;
  return g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time);
}

static char *
kinds_sql (const char *prefix, guint n_kinds, const char *suffix)
{
  GString *sql = g_string_new (prefix);

  for (guint i = 0; i < n_kinds; i++)
    g_string_append_printf (sql, "%s?%u", i == 0 ? "" : ", ", i + 2);
  g_string_append (sql, suffix);
  return g_string_free (sql, FALSE);
}

/* The next runnable job of a registered kind, or (found = FALSE) when the next one is due. */
static gboolean
find_job (ElJobRunner *self, GPtrArray *kinds, const char *now, Row *row, gint64 *next_due_us, GError **error)
{
  g_autofree char *sql = kinds_sql ("SELECT id, kind, recording_id, attempts, last_error FROM jobs "
                                    "WHERE state = 'queued' AND run_after <= ?1 AND kind IN (",
                                    kinds->len, ") ORDER BY run_after, id LIMIT 1");
  g_autofree char *next_sql =
      kinds_sql ("SELECT min (run_after) FROM jobs WHERE state = 'queued' AND kind IN (", kinds->len, ")");
  int rc;

  {
    g_autoptr (ElDbStmt) stmt = el_db_prepare (self->db, sql, error);

    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_text (stmt, 1, now, -1, SQLITE_STATIC);
    for (guint i = 0; i < kinds->len; i++)
      sqlite3_bind_text (stmt, (int) i + 2, g_ptr_array_index (kinds, i), -1, SQLITE_STATIC);
    rc = el_db_step (self->db, stmt, error);
    if (rc == SQLITE_ROW)
      {
        row->id = sqlite3_column_int64 (stmt, 0);
        row->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
        row->recording_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
        row->attempts = (guint) CLAMP (sqlite3_column_int64 (stmt, 3), 0, G_MAXINT);
        row->last_error = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
        return TRUE;
      }
    if (rc != SQLITE_DONE)
      return FALSE;
  }
  {
    g_autoptr (ElDbStmt) stmt = el_db_prepare (self->db, next_sql, error);

    if (stmt == NULL)
      return FALSE;
    for (guint i = 0; i < kinds->len; i++)
      sqlite3_bind_text (stmt, (int) i + 2, g_ptr_array_index (kinds, i), -1, SQLITE_STATIC);
    if (el_db_step (self->db, stmt, error) != SQLITE_ROW)
      return FALSE;
    *next_due_us = timestamp_to_real_us ((const char *) sqlite3_column_text (stmt, 0));
  }
  return TRUE;
}

/* Runs one UPDATE of the job in its own transaction; *changed = whether a row matched. */
static gboolean
update_job (ElJobRunner *self,
            const char *sql,
            gint64 id,
            const char *text1,
            const char *text2,
            const char *text3,
            gboolean *changed,
            GError **error)
{
  g_autoptr (ElDbTransaction) txn = el_db_transaction_begin (self->db, error);

  if (txn == NULL)
    return FALSE;
  {
    g_autoptr (ElDbStmt) stmt = el_db_prepare (self->db, sql, error);

    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, id);
    if (text1 != NULL)
      sqlite3_bind_text (stmt, 2, text1, -1, SQLITE_STATIC);
    if (text2 != NULL)
      sqlite3_bind_text (stmt, 3, text2, -1, SQLITE_STATIC);
    if (text3 != NULL)
      sqlite3_bind_text (stmt, 4, text3, -1, SQLITE_STATIC);
    if (el_db_step (self->db, stmt, error) != SQLITE_DONE)
      return FALSE;
  }
  if (changed != NULL)
    *changed = sqlite3_changes (el_db_get_handle (self->db)) > 0;
  return el_db_transaction_commit (txn, error);
}

/* queued -> running, attempts + 1, unless another runner got there first. */
static gboolean
claim_job (ElJobRunner *self, const Row *row, gboolean *claimed, GError **error)
{
  g_autofree char *now = el_db_timestamp_now ();
  g_autofree char *attempts = g_strdup_printf ("%u", row->attempts);

  return update_job (self,
                     "UPDATE jobs SET state = 'running', attempts = attempts + 1, updated_at = ?2 "
                     "WHERE id = ?1 AND state = 'queued' AND attempts = CAST (?3 AS INTEGER)",
                     row->id, now, attempts, NULL, claimed, error);
}

/* Marks the job failed and runs the kind's failed_func in the same transaction. */
static gboolean
fail_job (ElJobRunner *self, Handler *handler, const ElJob *job, const char *reason, GError **error)
{
  g_autoptr (ElDbTransaction) txn = el_db_transaction_begin (self->db, error);
  g_autofree char *now = el_db_timestamp_now ();

  if (txn == NULL)
    return FALSE;
  {
    g_autoptr (ElDbStmt) stmt =
        el_db_prepare (self->db,
                       "UPDATE jobs SET state = 'failed', last_error = ?2, updated_at = ?3 "
                       "WHERE id = ?1 AND state IN ('queued', 'running')",
                       error);

    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_int64 (stmt, 1, job->id);
    sqlite3_bind_text (stmt, 2, reason, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 3, now, -1, SQLITE_STATIC);
    if (el_db_step (self->db, stmt, error) != SQLITE_DONE)
      return FALSE;
  }
  if (handler->failed_func != NULL &&
      !handler->failed_func (self->db, job, reason, handler->user_data, error))
    return FALSE;
  if (!el_db_transaction_commit (txn, error))
    return FALSE;
  report (self, job, EL_JOB_STATE_FAILED, reason);
  return TRUE;
}

static guint64
backoff_ms (ElJobRunner *self, guint attempt)
{
  guint64 delay = self->base_delay_ms;

  for (guint i = 1; i < attempt && delay < self->max_delay_ms; i++)
    delay *= 2;
  return MIN (delay, (guint64) self->max_delay_ms);
}

static void
run_job (ElJobRunner *self, Handler *handler, const Row *row)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) db_error = NULL;
  g_autofree char *now = NULL;
  g_autofree char *message = NULL;
  ElJob job = {
    .id = row->id,
    .kind = row->kind,
    .recording_id = row->recording_id,
    .attempt = row->attempts + 1,
    .max_attempts = self->max_attempts,
  };
  gboolean ok;

  g_debug ("job %" G_GINT64_FORMAT " (%s) attempt %u", job.id, job.kind, job.attempt);
  ok = handler->func (self->db, &job, self->cancellable, handler->user_data, &error);
  if (ok)
    g_clear_error (&error);
  else if (error == NULL)
    error = g_error_new_literal (EL_JOB_ERROR, EL_JOB_ERROR_FAILED, "the job failed without saying why");
  if (el_db_in_transaction (self->db))
    {
      g_message ("job %" G_GINT64_FORMAT " (%s) left a transaction open: rolled back", job.id, job.kind);
      el_db_rollback (self->db, NULL);
      if (ok)
        {
          ok = FALSE;
          error = g_error_new_literal (EL_JOB_ERROR, EL_JOB_ERROR_FAILED, "the job left a transaction open");
        }
    }

  now = el_db_timestamp_now ();
  if (ok)
    {
      if (update_job (self,
                      "UPDATE jobs SET state = 'done', last_error = NULL, updated_at = ?2 "
                      "WHERE id = ?1 AND state = 'running'",
                      job.id, now, NULL, NULL, NULL, &db_error))
        report (self, &job, EL_JOB_STATE_DONE, NULL);
    }
  else if (g_cancellable_is_cancelled (self->cancellable))
    {
      /* Stopped by el_job_runner_stop (): the attempt does not count. */
      update_job (self,
                  "UPDATE jobs SET state = 'queued', attempts = max (attempts - 1, 0), run_after = ?2, "
                  "updated_at = ?2 WHERE id = ?1 AND state = 'running'",
                  job.id, now, NULL, NULL, NULL, &db_error);
    }
  else
    {
      message = sanitize_message (error->message);
      g_debug ("job %" G_GINT64_FORMAT " (%s) attempt %u failed", job.id, job.kind, job.attempt);
      if (job.attempt >= job.max_attempts && fail_job (self, handler, &job, message, &db_error))
        return;
      if (db_error != NULL)
        {
          g_message ("job runner: could not mark job %" G_GINT64_FORMAT " failed: %s", job.id,
                     db_error->message);
          g_clear_error (&db_error);
        }
      {
        /* Retry later; past max_attempts the next claim fails it for good (with failed_func). */
        g_autofree char *run_after = timestamp_in ((gint64) backoff_ms (self, job.attempt));

        if (update_job (self,
                        "UPDATE jobs SET state = 'queued', last_error = ?2, run_after = ?3, updated_at = ?4 "
                        "WHERE id = ?1 AND state = 'running'",
                        job.id, message, run_after, now, NULL, &db_error) &&
            job.attempt < job.max_attempts)
          report (self, &job, EL_JOB_STATE_QUEUED, message);
      }
    }
  if (db_error != NULL)
    g_message ("job runner: could not record the end of job %" G_GINT64_FORMAT ": %s", job.id,
               db_error->message);
}

/* Claims and runs at most one job. *progressed: a job was handled (look again at once). */
static gboolean
work_once (ElJobRunner *self, GPtrArray *kinds, gboolean *progressed, gint64 *next_due_us, GError **error)
{
  g_auto (Row) row = { 0 };
  g_autofree char *now = el_db_timestamp_now ();
  gboolean claimed = FALSE;
  Handler *handler;

  *progressed = FALSE;
  *next_due_us = -1;
  if (!find_job (self, kinds, now, &row, next_due_us, error))
    return FALSE;
  if (row.kind == NULL)
    return TRUE;

  g_mutex_lock (&self->lock);
  handler = g_hash_table_lookup (self->handlers, row.kind);
  g_mutex_unlock (&self->lock);
  if (handler == NULL)
    return TRUE; /* cannot happen: only registered kinds are selected, and none is ever removed */

  if (row.attempts >= self->max_attempts)
    {
      /* Its last attempt failed (or was interrupted by a crash) and it was not yet marked failed. */
      ElJob job = {
        .id = row.id,
        .kind = row.kind,
        .recording_id = row.recording_id,
        .attempt = row.attempts,
        .max_attempts = self->max_attempts,
      };

      if (!fail_job (self, handler, &job, row.last_error != NULL ? row.last_error : INTERRUPTED_MESSAGE,
                     error))
        return FALSE;
      *progressed = TRUE;
      return TRUE;
    }

  if (!claim_job (self, &row, &claimed, error))
    return FALSE;
  *progressed = TRUE;
  if (claimed)
    run_job (self, handler, &row);
  return TRUE;
}

static GPtrArray *
snapshot_kinds (ElJobRunner *self)
{
  GPtrArray *kinds = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->handlers);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (kinds, key); /* the handler's string: lives as long as the runner */
  return kinds;
}

static gpointer
worker_main (gpointer data)
{
  ElJobRunner *self = data; /* a reference of its own, dropped on the way out */

  for (;;)
    {
      g_autoptr (GPtrArray) kinds = NULL;
      g_autoptr (GError) error = NULL;
      gboolean progressed = FALSE;
      gint64 next_due_us = -1;
      gint64 deadline;

      g_mutex_lock (&self->lock);
      if (self->stopping)
        {
          g_mutex_unlock (&self->lock);
          break;
        }
      self->wake_pending = FALSE;
      kinds = snapshot_kinds (self);
      g_mutex_unlock (&self->lock);

      if (kinds->len > 0 && !work_once (self, kinds, &progressed, &next_due_us, &error))
        {
          g_message ("job runner: %s", error->message);
          progressed = FALSE;
          next_due_us = -1;
        }
      if (progressed)
        continue;

      deadline = g_get_monotonic_time () + (gint64) self->poll_ms * 1000;
      if (next_due_us >= 0)
        deadline = MIN (deadline, g_get_monotonic_time () + MAX (next_due_us - g_get_real_time (), 0));
      g_mutex_lock (&self->lock);
      while (!self->stopping && !self->wake_pending)
        if (!g_cond_wait_until (&self->cond, &self->lock, deadline))
          break;
      g_mutex_unlock (&self->lock);
    }

  g_mutex_lock (&self->lock);
  self->exited = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  g_object_unref (self);
  return NULL;
}

/* Control ---------------------------------------------------------------------------------------- */

/* running -> queued for the jobs of a process that died; their attempt counts. */
static gboolean
requeue_interrupted (ElJobRunner *self, const char *now, gboolean *changed, GError **error)
{
  g_autoptr (ElDbStmt) stmt =
      el_db_prepare (self->db,
                     "UPDATE jobs SET state = 'queued', run_after = ?1, updated_at = ?1, "
                     "last_error = ?2 WHERE state = 'running'",
                     error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, now, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, INTERRUPTED_MESSAGE, -1, SQLITE_STATIC);
  if (el_db_step (self->db, stmt, error) != SQLITE_DONE)
    return FALSE;
  *changed = sqlite3_changes (el_db_get_handle (self->db)) > 0;
  return TRUE;
}

/**
 * el_job_runner_start:
 * @self: a runner, never started
 * @error: an %EL_DB_ERROR, or a #GThreadError
 *
 * Re-queues the jobs a previous process left running, then starts the worker thread.
 */
gboolean
el_job_runner_start (ElJobRunner *self, GError **error)
{
  g_autofree char *now = el_db_timestamp_now ();
  gboolean changed = FALSE;

  g_return_val_if_fail (EL_IS_JOB_RUNNER (self), FALSE);
  g_return_val_if_fail (!self->started, FALSE);

  if (!requeue_interrupted (self, now, &changed, error))
    return FALSE;
  if (changed)
    g_message ("job runner: re-queued jobs that were running when the server stopped");

  self->cancellable = g_cancellable_new ();
  g_mutex_lock (&self->lock);
  self->started = TRUE;
  g_mutex_unlock (&self->lock);
  self->thread = g_thread_try_new ("el-job-runner", worker_main, g_object_ref (self), error);
  if (self->thread == NULL)
    {
      g_mutex_lock (&self->lock);
      self->stopping = TRUE;
      self->exited = TRUE;
      g_mutex_unlock (&self->lock);
      g_object_unref (self);
      return FALSE;
    }
  return TRUE;
}

/**
 * el_job_runner_wake:
 * @self: a runner
 *
 * Tells the worker to look at the queue now (after a commit that enqueued a job).
 */
void
el_job_runner_wake (ElJobRunner *self)
{
  g_return_if_fail (EL_IS_JOB_RUNNER (self));

  g_mutex_lock (&self->lock);
  self->wake_pending = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

/**
 * el_job_runner_stop:
 * @self: a runner
 * @timeout_ms: how long to wait for the running job to honour its cancellable
 *   (EL_JOB_RUNNER_STOP_WAIT_MS)
 *
 * Cancels the running job, and joins the worker thread if it ends within @timeout_ms. Otherwise the
 * thread is left behind (it ends on its own, or with the process) and its job stays `running` in
 * the database until the next start re-queues it. Idempotent.
 *
 * Returns: %TRUE when the worker thread has ended
 */
gboolean
el_job_runner_stop (ElJobRunner *self, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  gboolean exited;

  g_return_val_if_fail (EL_IS_JOB_RUNNER (self), FALSE);

  if (self->thread == NULL)
    return TRUE;

  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  g_cancellable_cancel (self->cancellable);

  g_mutex_lock (&self->lock);
  while (!self->exited)
    if (!g_cond_wait_until (&self->cond, &self->lock, deadline))
      break;
  exited = self->exited;
  g_mutex_unlock (&self->lock);

  if (exited)
    g_thread_join (self->thread);
  else
    {
      g_message ("job runner: the running job did not stop within %u ms; leaving it behind", timeout_ms);
      g_thread_unref (self->thread);
    }
  self->thread = NULL;
  return exited;
}

/**
 * el_job_runner_is_running:
 * @self: a runner
 *
 * Returns: %TRUE between el_job_runner_start() and el_job_runner_stop()
 */
gboolean
el_job_runner_is_running (ElJobRunner *self)
{
  gboolean running;

  g_return_val_if_fail (EL_IS_JOB_RUNNER (self), FALSE);

  g_mutex_lock (&self->lock);
  running = self->started && !self->stopping;
  g_mutex_unlock (&self->lock);
  return running;
}
