/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "el-db.h"
#include "el-jobs.h"

G_BEGIN_DECLS

/*
 * ElJobRunner: one worker thread that runs the jobs of the `jobs` table (el-jobs.h) on its own
 * ElDb connection to the same database (WAL lets it read and write beside the server's).
 *
 *   runner = el_job_runner_new (config->database_path, master_vault, &error);
 *   el_job_runner_register (runner, EL_JOB_KIND_TRANSCRIBE, transcribe_cb, speech);   // a later issue
 *   el_job_runner_start (runner, &error);     // re-queues jobs a crash left running, starts the thread
 *   ... el_job_runner_wake (runner) after committing an el_jobs_enqueue () ...
 *   el_job_runner_stop (runner, 5000);        // SIGTERM: cancel the running job, join the thread
 *
 * - Only kinds with a registered function are claimed; the others stay queued, untouched, until a
 *   runner that knows them starts (el_job_runner_has_kind (runner, "transcribe") tells /api/health
 *   whether speech is available).
 * - Claiming is one UPDATE ... WHERE state = 'queued' in an IMMEDIATE transaction (queued ->
 *   running, attempts + 1), so no job runs twice at once. The job function runs outside any
 *   transaction, in the worker thread, with the worker's connection; it may open its own
 *   transactions there (and must close them). Success: done. Failure: queued again with run_after =
 *   now + min (max_delay, base_delay * 2^(attempt - 1)) and last_error; once attempts reach
 *   max_attempts: failed, and the kind's ElJobFailedFunc runs in the transaction that marks it
 *   failed (e.g. to set the recording's status to failed).
 * - el_job_runner_stop() cancels the job's GCancellable: a job that stops because of it is
 *   re-queued without counting the attempt. Job functions must honour the cancellable.
 * - At el_job_runner_start(), jobs left `running` (the process died) are re-queued; their attempt
 *   counts, so a job that kills the server every time ends failed. One runner per database: a
 *   second runner's start would re-queue the first one's running job.
 * - "job-finished" is emitted in the main context that created the runner, after each run: state
 *   done, queued (will retry) or failed. The worker polls every second (el_job_runner_set_timing)
 *   or sooner when a retry is due or el_job_runner_wake() is called.
 *
 * Call el_job_runner_stop() before dropping the last reference: the thread holds one while it runs.
 */

#define EL_JOB_RUNNER_MAX_ATTEMPTS  5
#define EL_JOB_RUNNER_BASE_DELAY_MS 2000
#define EL_JOB_RUNNER_MAX_DELAY_MS  600000
#define EL_JOB_RUNNER_POLL_MS       1000
#define EL_JOB_RUNNER_STOP_WAIT_MS  5000

/**
 * ElJob:
 * @id: jobs.id
 * @kind: jobs.kind
 * @recording_id: (nullable): jobs.recording_id
 * @attempt: this run's number, 1 for the first
 * @max_attempts: the runner's limit: @attempt == @max_attempts is the last chance
 */
typedef struct
{
  gint64 id;
  const char *kind;
  const char *recording_id;
  guint attempt;
  guint max_attempts;
} ElJob;

/* Runs in the worker thread. Returns FALSE with @error (no PHI in its message) to retry later. */
typedef gboolean (*ElJobFunc) (
    ElDb *db, const ElJob *job, GCancellable *cancellable, gpointer user_data, GError **error);

/* Runs in the worker thread, inside the transaction that marks the job failed for good; @reason is
 * the last attempt's error message. Returning FALSE rolls that back (the runner tries again). */
typedef gboolean (*ElJobFailedFunc) (
    ElDb *db, const ElJob *job, const char *reason, gpointer user_data, GError **error);

#define EL_TYPE_JOB_RUNNER (el_job_runner_get_type ())
G_DECLARE_FINAL_TYPE (ElJobRunner, el_job_runner, EL, JOB_RUNNER, GObject)

ElJobRunner *el_job_runner_new (const char *db_path, ElVault *vault, GError **error);
void el_job_runner_register (ElJobRunner *self, const char *kind, ElJobFunc func, gpointer user_data);
void el_job_runner_register_full (ElJobRunner *self,
                                  const char *kind,
                                  ElJobFunc func,
                                  ElJobFailedFunc failed_func,
                                  gpointer user_data,
                                  GDestroyNotify destroy);
gboolean el_job_runner_has_kind (ElJobRunner *self, const char *kind);
void el_job_runner_set_timing (
    ElJobRunner *self, guint max_attempts, guint base_delay_ms, guint max_delay_ms, guint poll_ms);

gboolean el_job_runner_start (ElJobRunner *self, GError **error);
void el_job_runner_wake (ElJobRunner *self);
gboolean el_job_runner_stop (ElJobRunner *self, guint timeout_ms);
gboolean el_job_runner_is_running (ElJobRunner *self);

G_END_DECLS
