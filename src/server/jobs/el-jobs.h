/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "el-db.h"

G_BEGIN_DECLS

/*
 * The durable job queue: rows of the `jobs` table (el-db-schema.c), worked by ElJobRunner
 * (el-job-runner.h).
 *
 *   queued --claim--> running --ok--> done
 *     ^                  |
 *     +---- failed, -----+  (attempts < max: run_after = now + backoff; last_error kept)
 *     |     or stopped      (stop()/SIGTERM: attempts given back, run_after = now)
 *     |
 *   running at startup (the server died while it ran) -> queued again (the attempt counts)
 *   queued with attempts >= max -> failed (last_error: the last attempt's error)
 *
 * Enqueue inside the transaction that makes the work necessary, so the job exists exactly when
 * its cause does (an upload: the recordings row, its change-feed entry and its job):
 *
 *   g_autoptr (ElDbTransaction) txn = el_db_transaction_begin (db, error);
 *   ... INSERT INTO recordings ...; el_db_next_change (db, "recording", id, ...);
 *   if (el_jobs_enqueue (db, EL_JOB_KIND_TRANSCRIBE, id, error) < 0) return FALSE;
 *   if (!el_db_transaction_commit (txn, error)) return FALSE;
 *   el_job_runner_wake (runner);                   // else the worker notices within a second
 *
 * last_error holds a job's error message (control characters replaced, at most
 * EL_JOB_LAST_ERROR_MAX bytes). Like every GError message in this project it must never quote PHI:
 * a job function says "the speech engine failed (exit status 1)", never a transcript or a name.
 */

#define EL_JOB_KIND_TRANSCRIBE "transcribe"
#define EL_JOB_KIND_EXTRACT    "extract"
#define EL_JOB_KIND_MAX_LEN    64
#define EL_JOB_LAST_ERROR_MAX  1024

#define EL_JOB_ERROR (el_job_error_quark ())

typedef enum
{
  EL_JOB_ERROR_INVALID,        /* a kind that is not [a-z0-9_-]{1,64}, a recording id that is not a UUID */
  EL_JOB_ERROR_NO_TRANSACTION, /* el_jobs_enqueue() outside a transaction */
  EL_JOB_ERROR_FAILED,         /* a job function returned FALSE without an error */
  EL_JOB_ERROR_INTERRUPTED,    /* the server stopped while the job ran (last_error of a re-queued job) */
} ElJobError;

typedef enum
{
  EL_JOB_STATE_QUEUED,
  EL_JOB_STATE_RUNNING,
  EL_JOB_STATE_DONE,
  EL_JOB_STATE_FAILED,
} ElJobState;

GQuark el_job_error_quark (void);
const char *el_job_state_to_string (ElJobState state);
gboolean el_job_state_from_string (const char *str, ElJobState *out);
gboolean el_job_kind_is_valid (const char *kind);

gint64 el_jobs_enqueue (ElDb *db, const char *kind, const char *recording_id, GError **error);
gint64 el_jobs_count (ElDb *db, ElJobState state, const char *kind, GError **error);

G_END_DECLS
