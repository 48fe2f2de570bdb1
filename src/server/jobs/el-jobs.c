/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The job queue's rows (el-jobs.h). */
#include "config.h"

#include "el-jobs.h"
#include "el-model-types.h"

#include <string.h>

/* Spelled out rather than G_DEFINE_QUARK (): cppcheck cannot parse that macro. */
GQuark
el_job_error_quark (void)
{
  static GQuark quark = 0;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("el-job-error-quark");
  return quark;
}

static const char *const state_names[] = {
  [EL_JOB_STATE_QUEUED] = "queued",
  [EL_JOB_STATE_RUNNING] = "running",
  [EL_JOB_STATE_DONE] = "done",
  [EL_JOB_STATE_FAILED] = "failed",
};

/**
 * el_job_state_to_string:
 * @state: a state
 *
 * Returns: its name in the jobs.state column
 */
const char *
el_job_state_to_string (ElJobState state)
{
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (state_names), NULL);
  return state_names[state];
}

gboolean
el_job_state_from_string (const char *str, ElJobState *out)
{
  g_return_val_if_fail (out != NULL, FALSE);

  for (guint i = 0; str != NULL && i < G_N_ELEMENTS (state_names); i++)
    if (strcmp (str, state_names[i]) == 0)
      {
        *out = (ElJobState) i;
        return TRUE;
      }
  return FALSE;
}

/**
 * el_job_kind_is_valid:
 * @kind: (nullable): a job kind
 *
 * Returns: %TRUE for 1 to EL_JOB_KIND_MAX_LEN characters of [a-z0-9_-]
 */
gboolean
el_job_kind_is_valid (const char *kind)
{
  gsize len;

  if (kind == NULL)
    return FALSE;
  len = strlen (kind);
  if (len == 0 || len > EL_JOB_KIND_MAX_LEN)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!(g_ascii_islower (kind[i]) || g_ascii_isdigit (kind[i]) || kind[i] == '_' || kind[i] == '-'))
      return FALSE;
  return TRUE;
}

/**
 * el_jobs_enqueue:
 * @db: the caller's connection, inside the transaction that makes the job necessary
 * @kind: what to do (EL_JOB_KIND_TRANSCRIBE, ...); a kind no runner handles stays queued
 * @recording_id: (nullable): the recording it is about (must exist: foreign key)
 * @error: %EL_JOB_ERROR_INVALID, %EL_JOB_ERROR_NO_TRANSACTION, or an %EL_DB_ERROR
 *
 * Adds a queued job, runnable now. It becomes visible to the runner when the transaction commits
 * and disappears with a rollback.
 *
 * Returns: the job's id, or -1 with @error set
 */
gint64
el_jobs_enqueue (ElDb *db, const char *kind, const char *recording_id, GError **error)
{
  g_autoptr (ElDbStmt) stmt = NULL;
  g_autofree char *now = NULL;

  g_return_val_if_fail (EL_IS_DB (db), -1);

  if (!el_job_kind_is_valid (kind))
    {
      g_set_error_literal (error, EL_JOB_ERROR, EL_JOB_ERROR_INVALID, "a job kind is [a-z0-9_-]{1,64}");
      return -1;
    }
  if (recording_id != NULL && !el_uuid_is_valid (recording_id))
    {
      g_set_error_literal (error, EL_JOB_ERROR, EL_JOB_ERROR_INVALID, "a recording id is a canonical UUID");
      return -1;
    }
  if (!el_db_in_transaction (db))
    {
      g_set_error_literal (error, EL_JOB_ERROR, EL_JOB_ERROR_NO_TRANSACTION,
                           "enqueue a job in the transaction that makes it necessary");
      return -1;
    }

  stmt = el_db_prepare (
      db,
      "INSERT INTO jobs (kind, recording_id, state, attempts, run_after, created_at, updated_at) "
      "VALUES (?1, ?2, 'queued', 0, ?3, ?3, ?3)",
      error);
  if (stmt == NULL)
    return -1;
  now = el_db_timestamp_now ();
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  if (recording_id != NULL)
    sqlite3_bind_text (stmt, 2, recording_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, now, -1, SQLITE_STATIC);
  if (el_db_step (db, stmt, error) != SQLITE_DONE)
    return -1;
  return sqlite3_last_insert_rowid (el_db_get_handle (db));
}

/**
 * el_jobs_count:
 * @db: a connection
 * @state: the state to count
 * @kind: (nullable): only this kind; %NULL for all
 * @error: an %EL_DB_ERROR
 *
 * For /api/health and /api/metrics (queue depth, failures).
 *
 * Returns: the number of jobs, or -1 with @error set
 */
gint64
el_jobs_count (ElDb *db, ElJobState state, const char *kind, GError **error)
{
  g_autoptr (ElDbStmt) stmt = NULL;

  g_return_val_if_fail (EL_IS_DB (db), -1);

  stmt =
      el_db_prepare (db, "SELECT count(*) FROM jobs WHERE state = ?1 AND (?2 IS NULL OR kind = ?2)", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, el_job_state_to_string (state), -1, SQLITE_STATIC);
  if (kind != NULL)
    sqlite3_bind_text (stmt, 2, kind, -1, SQLITE_STATIC);
  if (el_db_step (db, stmt, error) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}
