/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ElStore: the encrypted offline cache and the outbox (see el-store.h for the design). Everything
 * below the "worker" line runs on the store's own thread; the public calls only queue jobs.
 */
#include "config.h"

#include "el-store.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "el-completeness.h"
#include "el-diff.h"
#include "el-model-types.h"

#define BUSY_TIMEOUT_MS 5000
#define KEY_CHECK_TEXT  "el-store key check v1"
#define NIL_UUID        "00000000-0000-0000-0000-000000000000"

G_DEFINE_QUARK (el - store - error - quark, el_store_error)

/* ------------------------------------------------------------------------------------------------
 * Schema
 */

static const char *const migrations[] = {
  /* 1 */
  "CREATE TABLE meta (\n"
  "  key   TEXT PRIMARY KEY,\n"
  "  value\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE units (\n"
  "  id        TEXT PRIMARY KEY,\n"
  "  code      TEXT,\n"
  "  doc       BLOB NOT NULL,\n"
  "  cached_at INTEGER NOT NULL\n"
  ");\n"
  "CREATE TABLE users (\n"
  "  id        TEXT PRIMARY KEY,\n"
  "  unit_id   TEXT,\n"
  "  doc       BLOB NOT NULL,\n"
  "  cached_at INTEGER NOT NULL\n"
  ");\n"
  "CREATE TABLE patients (\n"
  "  id             TEXT PRIMARY KEY,\n"
  "  unit_id        TEXT NOT NULL,\n"
  "  room           TEXT,\n"
  "  bed            TEXT,\n"
  "  acuity         INTEGER,\n"
  "  handoff_status TEXT,\n"
  "  updated_at     TEXT,\n"
  "  doc            BLOB NOT NULL,\n"
  "  cached_at      INTEGER NOT NULL\n"
  ");\n"
  "CREATE INDEX patients_unit_room_bed ON patients (unit_id, room, bed);\n"
  "CREATE TABLE handoffs (\n"
  "  id             TEXT PRIMARY KEY,\n"
  "  patient_id     TEXT NOT NULL,\n"
  "  unit_id        TEXT NOT NULL,\n"
  "  status         TEXT NOT NULL,\n"
  "  shift_date     TEXT,\n"
  "  shift          TEXT,\n"
  "  latest_version INTEGER NOT NULL DEFAULT 0,\n"
  "  etag           TEXT,\n"
  "  created_at     TEXT NOT NULL,\n"
  "  updated_at     TEXT NOT NULL,\n"
  "  local          INTEGER NOT NULL DEFAULT 0 CHECK (local IN (0, 1)),\n"
  "  doc            BLOB NOT NULL,\n"
  "  cached_at      INTEGER NOT NULL\n"
  ");\n"
  "CREATE INDEX handoffs_patient_created ON handoffs (patient_id, created_at, id);\n"
  "CREATE INDEX handoffs_unit_updated ON handoffs (unit_id, updated_at);\n"
  "CREATE INDEX handoffs_updated ON handoffs (updated_at);\n"
  "CREATE TABLE sbar_versions (\n"
  "  id                  TEXT PRIMARY KEY,\n"
  "  handoff_id          TEXT NOT NULL,\n"
  "  version             INTEGER NOT NULL CHECK (version >= 1),\n"
  "  previous_version_id TEXT,\n"
  "  is_latest           INTEGER NOT NULL DEFAULT 0 CHECK (is_latest IN (0, 1)),\n"
  "  author_id           TEXT,\n"
  "  source              TEXT,\n"
  "  created_at          TEXT NOT NULL,\n"
  "  completeness        REAL,\n"
  "  pending_op          TEXT,\n"
  "  doc                 BLOB NOT NULL,\n"
  "  cached_at           INTEGER NOT NULL\n"
  ");\n"
  "CREATE INDEX sbar_versions_handoff ON sbar_versions (handoff_id, version);\n"
  "CREATE UNIQUE INDEX sbar_versions_number ON sbar_versions (handoff_id, version) WHERE pending_op IS "
  "NULL;\n"
  "CREATE TABLE recordings (\n"
  "  id         TEXT PRIMARY KEY,\n"
  "  handoff_id TEXT NOT NULL,\n"
  "  status     TEXT NOT NULL,\n"
  "  created_at TEXT NOT NULL,\n"
  "  updated_at TEXT NOT NULL,\n"
  "  doc        BLOB NOT NULL,\n"
  "  cached_at  INTEGER NOT NULL\n"
  ");\n"
  "CREATE INDEX recordings_handoff ON recordings (handoff_id, created_at);\n"
  "CREATE TABLE outbox (\n"
  "  seq             INTEGER PRIMARY KEY,\n"
  "  op_id           TEXT NOT NULL UNIQUE,\n"
  "  kind            TEXT NOT NULL,\n"
  "  resource_type   TEXT NOT NULL,\n"
  "  resource_id     TEXT NOT NULL,\n"
  "  payload         BLOB,\n"
  "  base_version    INTEGER,\n"
  "  etag            TEXT,\n"
  "  digest          TEXT NOT NULL CHECK (length (digest) = 64),\n"
  "  state           TEXT NOT NULL CHECK (state IN ('pending', 'in_flight', 'needs_attention', "
  "'conflict')),\n"
  "  attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),\n"
  "  next_attempt_at INTEGER NOT NULL DEFAULT 0,\n"
  "  last_error      TEXT,\n"
  "  http_status     INTEGER NOT NULL DEFAULT 0,\n"
  "  local_id        TEXT,\n"
  "  created_at      INTEGER NOT NULL,\n"
  "  updated_at      INTEGER NOT NULL\n"
  ");\n"
  "CREATE INDEX outbox_resource ON outbox (resource_type, resource_id, state);\n"
  "CREATE TABLE conflicts (\n"
  "  op_id        TEXT PRIMARY KEY REFERENCES outbox (op_id) ON DELETE CASCADE,\n"
  "  handoff_id   TEXT NOT NULL,\n"
  "  base_version INTEGER NOT NULL,\n"
  "  theirs       BLOB NOT NULL,\n"
  "  mine         BLOB NOT NULL,\n"
  "  created_at   INTEGER NOT NULL\n"
  ");\n"
  "CREATE TABLE deferred (\n"
  "  entity_type TEXT NOT NULL,\n"
  "  id          TEXT NOT NULL,\n"
  "  doc         BLOB,\n"
  "  at          TEXT NOT NULL,\n"
  "  PRIMARY KEY (entity_type, id)\n"
  ") WITHOUT ROWID;\n",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == EL_STORE_SCHEMA_VERSION);

/* Every sealed column, for rekey: table, the SQL of its row key (the associated data's id), column. */
static const struct
{
  const char *table;
  const char *key_sql;
  const char *column;
} sealed_columns[] = {
  { "meta", "key", "value" }, /* only key_check is sealed in meta (see reseal_column) */
  { "units", "id", "doc" },         { "users", "id", "doc" },
  { "patients", "id", "doc" },      { "handoffs", "id", "doc" },
  { "sbar_versions", "id", "doc" }, { "recordings", "id", "doc" },
  { "outbox", "op_id", "payload" }, { "conflicts", "op_id", "theirs" },
  { "conflicts", "op_id", "mine" }, { "deferred", "entity_type || ':' || id", "doc" },
};

/* Entity kinds, in the order the contract applies a page. */
typedef enum
{
  KIND_UNIT,
  KIND_USER,
  KIND_PATIENT,
  KIND_HANDOFF,
  KIND_RECORDING,
  KIND_SBAR,
  N_KINDS
} Kind;

static const struct
{
  const char *type;  /* entity / resource type */
  const char *group; /* ChangeFeed member */
  const char *table;
} kinds[N_KINDS] = {
  { "unit", "units", "units" },
  { "user", "users", "users" },
  { "patient", "patients", "patients" },
  { "handoff", "handoffs", "handoffs" },
  { "recording", "recordings", "recordings" },
  { "sbar_version", "sbar_versions", "sbar_versions" },
};

static const char *const state_names[] = { "pending", "in_flight", "needs_attention", "conflict" };

/* ------------------------------------------------------------------------------------------------
 * Boxed types
 */

const char *
el_store_op_state_to_string (ElStoreOpState state)
{
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (state_names), NULL);
  return state_names[state];
}

static gboolean
state_from_string (const char *str, ElStoreOpState *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (state_names); i++)
    if (g_strcmp0 (state_names[i], str) == 0)
      {
        *out = (ElStoreOpState) i;
        return TRUE;
      }
  return FALSE;
}

ElStoreOp *
el_store_op_copy (const ElStoreOp *op)
{
  ElStoreOp *copy = g_new0 (ElStoreOp, 1);

  *copy = *op;
  copy->op_id = g_strdup (op->op_id);
  copy->kind = g_strdup (op->kind);
  copy->resource_type = g_strdup (op->resource_type);
  copy->resource_id = g_strdup (op->resource_id);
  copy->payload = op->payload != NULL ? g_bytes_ref (op->payload) : NULL;
  copy->etag = g_strdup (op->etag);
  copy->digest = g_strdup (op->digest);
  copy->last_error = g_strdup (op->last_error);
  copy->local_id = g_strdup (op->local_id);
  return copy;
}

void
el_store_op_free (ElStoreOp *op)
{
  if (op == NULL)
    return;
  g_free (op->op_id);
  g_free (op->kind);
  g_free (op->resource_type);
  g_free (op->resource_id);
  g_clear_pointer (&op->payload, g_bytes_unref);
  g_free (op->etag);
  g_free (op->digest);
  g_free (op->last_error);
  g_free (op->local_id);
  g_free (op);
}

G_DEFINE_BOXED_TYPE (ElStoreOp, el_store_op, el_store_op_copy, el_store_op_free)

ElStoreSbar *
el_store_sbar_copy (const ElStoreSbar *sbar)
{
  ElStoreSbar *copy = g_new0 (ElStoreSbar, 1);

  *copy = *sbar;
  copy->version = sbar->version != NULL ? g_object_ref (sbar->version) : NULL;
  copy->op_id = g_strdup (sbar->op_id);
  return copy;
}

void
el_store_sbar_free (ElStoreSbar *sbar)
{
  if (sbar == NULL)
    return;
  g_clear_object (&sbar->version);
  g_free (sbar->op_id);
  g_free (sbar);
}

G_DEFINE_BOXED_TYPE (ElStoreSbar, el_store_sbar, el_store_sbar_copy, el_store_sbar_free)

ElStoreCensusEntry *
el_store_census_entry_copy (const ElStoreCensusEntry *entry)
{
  ElStoreCensusEntry *copy = g_new0 (ElStoreCensusEntry, 1);

  *copy = *entry;
  copy->patient = entry->patient != NULL ? g_object_ref (entry->patient) : NULL;
  copy->handoff = entry->handoff != NULL ? g_object_ref (entry->handoff) : NULL;
  return copy;
}

void
el_store_census_entry_free (ElStoreCensusEntry *entry)
{
  if (entry == NULL)
    return;
  g_clear_object (&entry->patient);
  g_clear_object (&entry->handoff);
  g_free (entry);
}

G_DEFINE_BOXED_TYPE (ElStoreCensusEntry,
                     el_store_census_entry,
                     el_store_census_entry_copy,
                     el_store_census_entry_free)

ElStoreConflict *
el_store_conflict_copy (const ElStoreConflict *conflict)
{
  ElStoreConflict *copy = g_new0 (ElStoreConflict, 1);

  *copy = *conflict;
  copy->op_id = g_strdup (conflict->op_id);
  copy->handoff_id = g_strdup (conflict->handoff_id);
  copy->base = conflict->base != NULL ? g_object_ref (conflict->base) : NULL;
  copy->theirs = conflict->theirs != NULL ? g_object_ref (conflict->theirs) : NULL;
  copy->mine = conflict->mine != NULL ? g_object_ref (conflict->mine) : NULL;
  return copy;
}

void
el_store_conflict_free (ElStoreConflict *conflict)
{
  if (conflict == NULL)
    return;
  g_free (conflict->op_id);
  g_free (conflict->handoff_id);
  g_clear_object (&conflict->base);
  g_clear_object (&conflict->theirs);
  g_clear_object (&conflict->mine);
  g_free (conflict);
}

G_DEFINE_BOXED_TYPE (ElStoreConflict, el_store_conflict, el_store_conflict_copy, el_store_conflict_free)

/* ------------------------------------------------------------------------------------------------
 * The object and its worker thread
 */

typedef struct
{
  sqlite3 *db;
  ElVault *phi;      /* the store's derived vault */
  GHashTable *stmts; /* SQL text -> prepared statement */
  char *path;
  GAsyncQueue *queue;       /* of Job */
  GHashTable *census_cache; /* patient id -> CensusCacheEntry: decoded patients of the census */
} Worker;

/* A decoded patient and the GCM tag of the sealed document it came from: any rewrite of the row
 * seals with a fresh nonce, so a different tag means a different document. */
typedef struct
{
  guint8 tag[EL_VAULT_TAG_BYTES];
  ElPatient *patient;
} CensusCacheEntry;

#define CENSUS_CACHE_MAX 20000

static void
census_cache_entry_free (gpointer data)
{
  CensusCacheEntry *entry = data;

  g_clear_object (&entry->patient);
  g_free (entry);
}

typedef void (*JobFunc) (ElStore *self, Worker *w, GTask *task, gpointer data);

typedef struct
{
  GTask *task; /* NULL: quit */
  JobFunc func;
} Job;

struct _ElStore
{
  GObject parent_instance;

  char *path;
  GAsyncQueue *queue;
  GThread *thread;
};

G_DEFINE_FINAL_TYPE (ElStore, el_store, G_TYPE_OBJECT)

enum
{
  SIGNAL_OUTBOX_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Details of ::outbox-changed. */
#define OUTBOX_ADDED   "added"
#define OUTBOX_STATE   "state"
#define OUTBOX_REMOVED "removed"

static void
worker_close_db (Worker *w)
{
  g_hash_table_remove_all (w->stmts);
  g_hash_table_remove_all (w->census_cache);
  if (w->db != NULL)
    {
      sqlite3_close_v2 (w->db);
      w->db = NULL;
    }
}

static gpointer
worker_main (gpointer data)
{
  Worker *w = data;

  for (;;)
    {
      Job *job = g_async_queue_pop (w->queue);

      if (job->task == NULL)
        {
          g_free (job);
          break;
        }
      if (!g_task_return_error_if_cancelled (job->task))
        job->func (g_task_get_source_object (job->task), w, job->task, g_task_get_task_data (job->task));
      g_object_unref (job->task);
      g_free (job);
    }
  worker_close_db (w);
  g_hash_table_unref (w->stmts);
  g_hash_table_unref (w->census_cache);
  g_clear_object (&w->phi);
  g_free (w->path);
  g_async_queue_unref (w->queue);
  g_free (w);
  return NULL;
}

/* Workers whose store went away on the worker itself: exiting on their own, joined by
 * el_store_join_exiting_workers(). */
static GMutex exiting_lock;
static GPtrArray *exiting_workers; /* GThread */

/**
 * el_store_join_exiting_workers:
 *
 * Waits for the worker threads of stores that were finalized on their own worker (they finish
 * closing their database on their own). Call it before the process exits, so that no database is
 * still being closed and every worker has let go of its thread state (OpenSSL's random generator
 * among it) when the process ends.
 */
void
el_store_join_exiting_workers (void)
{
  g_autoptr (GPtrArray) threads = NULL;

  g_mutex_lock (&exiting_lock);
  threads = g_steal_pointer (&exiting_workers);
  g_mutex_unlock (&exiting_lock);
  for (guint i = 0; threads != NULL && i < threads->len; i++)
    g_thread_join (threads->pdata[i]);
}

static void
el_store_finalize (GObject *object)
{
  ElStore *self = EL_STORE (object);
  Job *quit = g_new0 (Job, 1);

  g_async_queue_push (self->queue, quit);
  /* The last reference can go away on the worker itself (a task freed there): then it exits on its
   * own after the current job, and is joined later. */
  if (g_thread_self () == self->thread)
    {
      g_mutex_lock (&exiting_lock);
      if (exiting_workers == NULL)
        exiting_workers = g_ptr_array_new ();
      g_ptr_array_add (exiting_workers, self->thread);
      g_mutex_unlock (&exiting_lock);
    }
  else
    g_thread_join (self->thread);
  g_async_queue_unref (self->queue);
  g_free (self->path);

  G_OBJECT_CLASS (el_store_parent_class)->finalize (object);
  /* cppcheck-suppress memleak ; the queue owns the job */
}

static void
el_store_class_init (ElStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = el_store_finalize;

  /**
   * ElStore::outbox-changed:
   *
   * A call that added, removed or changed the state of outbox ops has completed (see el-store.h).
   * Detailed: "added", "state" or "removed".
   */
  signals[SIGNAL_OUTBOX_CHANGED] =
      g_signal_new ("outbox-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED, 0,
                    NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
el_store_init (ElStore *self)
{
  (void) self;
}

static void
stmt_finalize (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static ElStore *
store_new (const char *path)
{
  ElStore *self = g_object_new (EL_TYPE_STORE, NULL);
  Worker *w = g_new0 (Worker, 1);

  self->path = g_strdup (path);
  self->queue = g_async_queue_new ();
  w->queue = g_async_queue_ref (self->queue);
  w->path = g_strdup (path);
  w->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, stmt_finalize);
  w->census_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, census_cache_entry_free);
  self->thread = g_thread_new ("el-store", worker_main, w);
  return self;
}

/* A call that changes the outbox: its GTask calls this first, which runs the caller's callback and
 * then, when the call succeeded, emits ::outbox-changed — both in the caller's context. */
typedef struct
{
  GAsyncReadyCallback callback;
  gpointer user_data;
  GQuark detail;
} OutboxCall;

static void
outbox_call_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OutboxCall *call = user_data;

  if (call->callback != NULL)
    call->callback (source, result, call->user_data);
  if (!g_task_had_error (G_TASK (result)))
    g_signal_emit (source, signals[SIGNAL_OUTBOX_CHANGED], call->detail);
  g_free (call);
}

/* @outbox_detail: NULL for calls that change no op, else the detail of ::outbox-changed. */
static GTask *
store_task_new (ElStore *self,
                const char *outbox_detail,
                GCancellable *cancellable,
                GAsyncReadyCallback callback,
                gpointer user_data)
{
  OutboxCall *call;

  if (outbox_detail == NULL)
    return g_task_new (self, cancellable, callback, user_data);
  call = g_new0 (OutboxCall, 1);
  call->callback = callback;
  call->user_data = user_data;
  call->detail = g_quark_from_static_string (outbox_detail);
  return g_task_new (self, cancellable, outbox_call_done_cb, call);
}

static void
store_run_full (ElStore *self,
                gpointer source_tag,
                const char *outbox_detail,
                gpointer data,
                GDestroyNotify data_free,
                JobFunc func,
                GCancellable *cancellable,
                GAsyncReadyCallback callback,
                gpointer user_data)
{
  Job *job = g_new0 (Job, 1);

  job->task = store_task_new (self, outbox_detail, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, source_tag);
  g_task_set_task_data (job->task, data, data_free);
  job->func = func;
  g_async_queue_push (self->queue, job);
  /* cppcheck-suppress memleak ; the queue owns the job */
}

static void
store_run (ElStore *self,
           gpointer source_tag,
           gpointer data,
           GDestroyNotify data_free,
           JobFunc func,
           GCancellable *cancellable,
           GAsyncReadyCallback callback,
           gpointer user_data)
{
  store_run_full (self, source_tag, NULL, data, data_free, func, cancellable, callback, user_data);
}

const char *
el_store_get_path (ElStore *self)
{
  g_return_val_if_fail (EL_IS_STORE (self), NULL);
  return self->path;
}

/* ------------------------------------------------------------------------------------------------
 * Worker helpers: errors, statements, transactions, sealing
 */

static gint64
now_us (void)
{
  return g_get_real_time ();
}

static char *
now_timestamp (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  return el_timestamp_format (now);
}

static gboolean
set_sql_error (Worker *w, GError **error, const char *what)
{
  int code = w->db != NULL ? sqlite3_extended_errcode (w->db) & 0xff : SQLITE_ERROR;
  const char *msg = w->db != NULL ? sqlite3_errmsg (w->db) : "no database";
  ElStoreError err = EL_STORE_ERROR_FAILED;

  if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
    err = EL_STORE_ERROR_CORRUPT;
  else if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
    err = EL_STORE_ERROR_BUSY;
  g_set_error (error, EL_STORE_ERROR, err, "%s: %s", what, msg);
  return FALSE;
}

static gboolean
check_open (Worker *w, GError **error)
{
  if (w->db != NULL)
    return TRUE;
  g_set_error_literal (error, EL_STORE_ERROR, EL_STORE_ERROR_CLOSED, "the store is closed");
  return FALSE;
}

/* A cached statement: released (reset, bindings cleared) by g_autoptr, never finalized. */
typedef sqlite3_stmt ElStoreStmt;

static void
stmt_release (ElStoreStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElStoreStmt, stmt_release)

static ElStoreStmt *
prep (Worker *w, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (w->stmts, sql);

  if (stmt != NULL)
    return stmt;
  if (!check_open (w, error))
    return NULL;
  if (sqlite3_prepare_v3 (w->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      set_sql_error (w, error, "prepare");
      return NULL;
    }
  g_hash_table_insert (w->stmts, g_strdup (sql), stmt);
  return stmt;
}

/* Steps once: SQLITE_ROW, SQLITE_DONE, or -1 with @error set. */
static int
step (Worker *w, sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    return rc;
  set_sql_error (w, error, "step");
  return -1;
}

static gboolean
exec_done (Worker *w, sqlite3_stmt *stmt, GError **error)
{
  return step (w, stmt, error) == SQLITE_DONE;
}

static gboolean
exec_sql (Worker *w, const char *sql, GError **error)
{
  if (!check_open (w, error))
    return FALSE;
  if (sqlite3_exec (w->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return set_sql_error (w, error, "exec");
  return TRUE;
}

static gboolean
tx_begin (Worker *w, GError **error)
{
  return exec_sql (w, "BEGIN IMMEDIATE", error);
}

static gboolean
tx_end (Worker *w, gboolean ok, GError **error)
{
  if (ok)
    {
      if (exec_sql (w, "COMMIT", error))
        return TRUE;
    }
  if (w->db != NULL && !sqlite3_get_autocommit (w->db))
    sqlite3_exec (w->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

static void
bind_text (sqlite3_stmt *stmt, int idx, const char *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, idx);
  else
    sqlite3_bind_text (stmt, idx, text, -1, SQLITE_TRANSIENT);
}

static const char *
col_text (sqlite3_stmt *stmt, int col)
{
  return (const char *) sqlite3_column_text (stmt, col);
}

static char *
make_ad (const char *table, const char *id, const char *column)
{
  return g_strdup_printf ("%s|%s|%s|1", table, id, column);
}

static gboolean
bind_sealed (Worker *w,
             sqlite3_stmt *stmt,
             int idx,
             const char *table,
             const char *id,
             const char *column,
             const void *data,
             gsize len,
             GError **error)
{
  g_autofree char *ad = make_ad (table, id, column);
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GBytes) sealed = el_vault_seal (w->phi, data, len, ad, &local_error);

  if (sealed == NULL)
    {
      g_set_error (error, EL_STORE_ERROR, EL_STORE_ERROR_FAILED, "cannot seal %s.%s: %s", table, column,
                   local_error->message);
      return FALSE;
    }
  sqlite3_bind_blob64 (stmt, idx, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed),
                       SQLITE_TRANSIENT);
  return TRUE;
}

static GBytes *
open_sealed (ElVault *vault,
             const void *sealed,
             gsize len,
             const char *table,
             const char *id,
             const char *column,
             GError **error)
{
  g_autofree char *ad = make_ad (table, id, column);
  g_autoptr (GError) local_error = NULL;
  GBytes *plain = el_vault_open (vault, sealed, len, ad, &local_error);

  if (plain == NULL)
    g_set_error (error, EL_STORE_ERROR, EL_STORE_ERROR_SEALED,
                 "%s.%s of row %s does not open (moved from another row, tampered, or another key): %s",
                 table, column, id, local_error->message);
  return plain;
}

static GBytes *
column_open (Worker *w,
             sqlite3_stmt *stmt,
             int col,
             const char *table,
             const char *id,
             const char *column,
             GError **error)
{
  const void *blob = sqlite3_column_blob (stmt, col);
  int len = sqlite3_column_bytes (stmt, col);

  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    return NULL;
  return open_sealed (w->phi, blob, (gsize) len, table, id, column, error);
}

static char *
sha256_hex (const void *data, gsize len)
{
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, len);
}

/* JSON member readers on canonical documents. */
static const char *
obj_str (JsonObject *obj, const char *member)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gint64
obj_int (JsonObject *obj, const char *member, gint64 fallback)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;
  return json_node_get_int (node);
}

/* ------------------------------------------------------------------------------------------------
 * Entities: validate with the models' decoders, write and read sealed documents
 */

static void
set_invalid (GError **error, const char *where, GError *cause)
{
  g_set_error (error, EL_STORE_ERROR, EL_STORE_ERROR_INVALID, "%s: %s", where, cause->message);
}

/* Decodes @node as @kind and returns the canonical JSON (the model's encoder), or NULL. */
static JsonNode *
canonicalize (Kind kind, JsonNode *node, GError **error)
{
  switch (kind)
    {
      case KIND_UNIT:
        {
          g_autoptr (ElUnit) v = el_unit_new_from_json (node, error);
          return v != NULL ? el_unit_to_json (v) : NULL;
        }
      case KIND_USER:
        {
          g_autoptr (ElUser) v = el_user_new_from_json (node, error);
          return v != NULL ? el_user_to_json (v) : NULL;
        }
      case KIND_PATIENT:
        {
          g_autoptr (ElPatient) v = el_patient_new_from_json (node, error);
          return v != NULL ? el_patient_to_json (v) : NULL;
        }
      case KIND_HANDOFF:
        {
          g_autoptr (ElHandoff) v = el_handoff_new_from_json (node, error);
          return v != NULL ? el_handoff_to_json (v) : NULL;
        }
      case KIND_RECORDING:
        {
          g_autoptr (ElRecording) v = el_recording_new_from_json (node, error);
          return v != NULL ? el_recording_to_json (v) : NULL;
        }
      case KIND_SBAR:
        {
          g_autoptr (ElSbarVersion) v = el_sbar_version_new_from_json (node, error);
          return v != NULL ? el_sbar_version_to_json (v) : NULL;
        }
      case N_KINDS:
      default:
        g_assert_not_reached ();
    }
}

static gpointer
decode_kind (Kind kind, GBytes *bytes, GError **error)
{
  const char *data = g_bytes_get_data (bytes, NULL);
  gssize len = (gssize) g_bytes_get_size (bytes);
  g_autoptr (GError) local_error = NULL;
  gpointer obj = NULL;

  switch (kind)
    {
      case KIND_UNIT:
        obj = el_unit_new_from_data (data, len, &local_error);
        break;
      case KIND_USER:
        obj = el_user_new_from_data (data, len, &local_error);
        break;
      case KIND_PATIENT:
        obj = el_patient_new_from_data (data, len, &local_error);
        break;
      case KIND_HANDOFF:
        obj = el_handoff_new_from_data (data, len, &local_error);
        break;
      case KIND_RECORDING:
        obj = el_recording_new_from_data (data, len, &local_error);
        break;
      case KIND_SBAR:
        obj = el_sbar_version_new_from_data (data, len, &local_error);
        break;
      case N_KINDS:
      default:
        g_assert_not_reached ();
    }
  if (obj == NULL)
    set_invalid (error, kinds[kind].table, local_error);
  return obj;
}

/* Writes a row of @kind from its canonical object @obj. @pending_op: sbar rows only (a local
 * pending version); @local: handoff rows only (created here, not yet on the server). */
static gboolean
write_row (Worker *w, Kind kind, JsonObject *obj, const char *pending_op, gboolean local, GError **error)
{
  g_autoptr (JsonNode) root = json_node_init_object (json_node_alloc (), obj);
  g_autofree char *data = NULL;
  g_autoptr (ElStoreStmt) s = NULL;
  const char *id = obj_str (obj, "id");
  gsize len = 0;
  gint64 now = now_us ();

  if (id == NULL)
    {
      g_set_error (error, EL_STORE_ERROR, EL_STORE_ERROR_INVALID, "%s: no id", kinds[kind].table);
      return FALSE;
    }
  data = el_json_node_to_data (root, &len);

  switch (kind)
    {
      case KIND_UNIT:
        s = prep (w,
                  "INSERT INTO units (id, code, doc, cached_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) DO "
                  "UPDATE SET code = excluded.code, doc = excluded.doc, cached_at = excluded.cached_at",
                  error);
        if (s == NULL)
          return FALSE;
        bind_text (s, 1, id);
        bind_text (s, 2, obj_str (obj, "code"));
        if (!bind_sealed (w, s, 3, "units", id, "doc", data, len, error))
          return FALSE;
        sqlite3_bind_int64 (s, 4, now);
        break;
      case KIND_USER:
        s = prep (
            w,
            "INSERT INTO users (id, unit_id, doc, cached_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id) "
            "DO UPDATE SET unit_id = excluded.unit_id, doc = excluded.doc, cached_at = excluded.cached_at",
            error);
        if (s == NULL)
          return FALSE;
        bind_text (s, 1, id);
        bind_text (s, 2, obj_str (obj, "unit_id"));
        if (!bind_sealed (w, s, 3, "users", id, "doc", data, len, error))
          return FALSE;
        sqlite3_bind_int64 (s, 4, now);
        break;
      case KIND_PATIENT:
        s = prep (w,
                  "INSERT INTO patients (id, unit_id, room, bed, acuity, handoff_status, updated_at, doc, "
                  "cached_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (id) DO UPDATE SET "
                  "unit_id = excluded.unit_id, room = excluded.room, bed = excluded.bed, acuity = "
                  "excluded.acuity, handoff_status = excluded.handoff_status, updated_at = "
                  "excluded.updated_at, doc = excluded.doc, cached_at = excluded.cached_at",
                  error);
        if (s == NULL)
          return FALSE;
        bind_text (s, 1, id);
        bind_text (s, 2, obj_str (obj, "unit_id"));
        bind_text (s, 3, obj_str (obj, "room"));
        bind_text (s, 4, obj_str (obj, "bed"));
        if (json_object_has_member (obj, "acuity"))
          sqlite3_bind_int64 (s, 5, obj_int (obj, "acuity", 0));
        bind_text (s, 6, obj_str (obj, "handoff_status"));
        bind_text (s, 7, obj_str (obj, "updated_at"));
        if (!bind_sealed (w, s, 8, "patients", id, "doc", data, len, error))
          return FALSE;
        sqlite3_bind_int64 (s, 9, now);
        break;
      case KIND_HANDOFF:
        s = prep (w,
                  "INSERT INTO handoffs (id, patient_id, unit_id, status, shift_date, shift, latest_version, "
                  "etag, created_at, updated_at, local, doc, cached_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                  "?8, ?9, ?10, ?11, ?12, ?13) ON CONFLICT (id) DO UPDATE SET patient_id = "
                  "excluded.patient_id, unit_id = excluded.unit_id, status = excluded.status, shift_date = "
                  "excluded.shift_date, shift = excluded.shift, latest_version = excluded.latest_version, "
                  "etag = excluded.etag, created_at = excluded.created_at, updated_at = excluded.updated_at, "
                  "local = excluded.local, doc = excluded.doc, cached_at = excluded.cached_at",
                  error);
        if (s == NULL)
          return FALSE;
        bind_text (s, 1, id);
        bind_text (s, 2, obj_str (obj, "patient_id"));
        bind_text (s, 3, obj_str (obj, "unit_id"));
        bind_text (s, 4, obj_str (obj, "status"));
        bind_text (s, 5, obj_str (obj, "shift_date"));
        bind_text (s, 6, obj_str (obj, "shift"));
        sqlite3_bind_int64 (s, 7, obj_int (obj, "latest_version", 0));
        bind_text (s, 8, obj_str (obj, "etag"));
        bind_text (s, 9, obj_str (obj, "created_at"));
        bind_text (s, 10, obj_str (obj, "updated_at"));
        sqlite3_bind_int (s, 11, local ? 1 : 0);
        if (!bind_sealed (w, s, 12, "handoffs", id, "doc", data, len, error))
          return FALSE;
        sqlite3_bind_int64 (s, 13, now);
        break;
      case KIND_RECORDING:
        s = prep (w,
                  "INSERT INTO recordings (id, handoff_id, status, created_at, updated_at, doc, cached_at) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO UPDATE SET handoff_id = "
                  "excluded.handoff_id, status = excluded.status, created_at = excluded.created_at, "
                  "updated_at = excluded.updated_at, doc = excluded.doc, cached_at = excluded.cached_at",
                  error);
        if (s == NULL)
          return FALSE;
        bind_text (s, 1, id);
        bind_text (s, 2, obj_str (obj, "handoff_id"));
        bind_text (s, 3, obj_str (obj, "status"));
        bind_text (s, 4, obj_str (obj, "created_at"));
        bind_text (s, 5, obj_str (obj, "updated_at"));
        if (!bind_sealed (w, s, 6, "recordings", id, "doc", data, len, error))
          return FALSE;
        sqlite3_bind_int64 (s, 7, now);
        break;
      case KIND_SBAR:
        {
          const char *handoff_id = obj_str (obj, "handoff_id");
          gint64 version = obj_int (obj, "version", 0);
          JsonObject *completeness =
              json_object_get_member (obj, "completeness") != NULL &&
                      JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "completeness"))
                  ? json_object_get_object_member (obj, "completeness")
                  : NULL;

          if (pending_op == NULL)
            {
              /* A server version replaces any other server copy of the same number. */
              g_autoptr (ElStoreStmt) d = prep (w,
                                                "DELETE FROM sbar_versions WHERE handoff_id = ?1 AND version "
                                                "= ?2 AND pending_op IS NULL AND id <> ?3",
                                                error);
              if (d == NULL)
                return FALSE;
              bind_text (d, 1, handoff_id);
              sqlite3_bind_int64 (d, 2, version);
              bind_text (d, 3, id);
              if (!exec_done (w, d, error))
                return FALSE;
            }
          s = prep (w,
                    "INSERT INTO sbar_versions (id, handoff_id, version, previous_version_id, author_id, "
                    "source, created_at, completeness, pending_op, doc, cached_at) VALUES (?1, ?2, ?3, ?4, "
                    "?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT (id) DO UPDATE SET handoff_id = "
                    "excluded.handoff_id, version = excluded.version, previous_version_id = "
                    "excluded.previous_version_id, author_id = excluded.author_id, source = excluded.source, "
                    "created_at = excluded.created_at, completeness = excluded.completeness, pending_op = "
                    "excluded.pending_op, doc = excluded.doc, cached_at = excluded.cached_at",
                    error);
          if (s == NULL)
            return FALSE;
          bind_text (s, 1, id);
          bind_text (s, 2, handoff_id);
          sqlite3_bind_int64 (s, 3, version);
          bind_text (s, 4, obj_str (obj, "previous_version_id"));
          bind_text (s, 5, obj_str (obj, "author_id"));
          bind_text (s, 6, obj_str (obj, "source"));
          bind_text (s, 7, obj_str (obj, "created_at"));
          if (completeness != NULL && json_object_has_member (completeness, "score"))
            sqlite3_bind_double (s, 8, json_object_get_double_member (completeness, "score"));
          bind_text (s, 9, pending_op);
          if (!bind_sealed (w, s, 10, "sbar_versions", id, "doc", data, len, error))
            return FALSE;
          sqlite3_bind_int64 (s, 11, now);
          if (!exec_done (w, s, error))
            return FALSE;
          if (pending_op == NULL)
            {
              g_autoptr (ElStoreStmt) u = prep (
                  w,
                  "UPDATE sbar_versions SET is_latest = (version = (SELECT max (version) FROM sbar_versions "
                  "WHERE handoff_id = ?1 AND pending_op IS NULL)) WHERE handoff_id = ?1 AND pending_op IS "
                  "NULL",
                  error);
              if (u == NULL)
                return FALSE;
              bind_text (u, 1, handoff_id);
              return exec_done (w, u, error);
            }
          return TRUE;
        }
      case N_KINDS:
      default:
        g_assert_not_reached ();
    }
  return exec_done (w, s, error);
}

static gboolean
delete_row (Worker *w, Kind kind, const char *id, GError **error)
{
  static const char *const sql[N_KINDS] = {
    "DELETE FROM units WHERE id = ?1",      "DELETE FROM users WHERE id = ?1",
    "DELETE FROM patients WHERE id = ?1",   "DELETE FROM handoffs WHERE id = ?1",
    "DELETE FROM recordings WHERE id = ?1", "DELETE FROM sbar_versions WHERE id = ?1 AND pending_op IS NULL",
  };
  g_autoptr (ElStoreStmt) s = prep (w, sql[kind], error);

  if (s == NULL)
    return FALSE;
  bind_text (s, 1, id);
  if (!exec_done (w, s, error))
    return FALSE;
  if (kind == KIND_HANDOFF)
    {
      g_autoptr (ElStoreStmt) v =
          prep (w, "DELETE FROM sbar_versions WHERE handoff_id = ?1 AND pending_op IS NULL", error);
      g_autoptr (ElStoreStmt) r = NULL;

      if (v == NULL)
        return FALSE;
      bind_text (v, 1, id);
      if (!exec_done (w, v, error))
        return FALSE;
      r = prep (w, "DELETE FROM recordings WHERE handoff_id = ?1", error);
      if (r == NULL)
        return FALSE;
      bind_text (r, 1, id);
      return exec_done (w, r, error);
    }
  return TRUE;
}

/* Reads and decodes the document of one row; NOT_FOUND when absent. */
static gpointer
load_entity (Worker *w, Kind kind, const char *id, GError **error)
{
  static const char *const sql[N_KINDS] = {
    "SELECT doc FROM units WHERE id = ?1",      "SELECT doc FROM users WHERE id = ?1",
    "SELECT doc FROM patients WHERE id = ?1",   "SELECT doc FROM handoffs WHERE id = ?1",
    "SELECT doc FROM recordings WHERE id = ?1", "SELECT doc FROM sbar_versions WHERE id = ?1",
  };
  g_autoptr (ElStoreStmt) s = prep (w, sql[kind], error);
  g_autoptr (GBytes) plain = NULL;
  int rc;

  if (s == NULL)
    return NULL;
  bind_text (s, 1, id);
  rc = step (w, s, error);
  if (rc < 0)
    return NULL;
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, EL_STORE_ERROR, EL_STORE_ERROR_NOT_FOUND, "no %s %s in the cache", kinds[kind].type,
                   id);
      return NULL;
    }
  plain = column_open (w, s, 0, kinds[kind].table, id, "doc", error);
  if (plain == NULL)
    return NULL;
  return decode_kind (kind, plain, error);
}

/* The canonical JSON of a cached row (NULL + NOT_FOUND when absent). */
static JsonNode *
load_entity_json (Worker *w, Kind kind, const char *id, GError **error)
{
  g_autoptr (GObject) obj = load_entity (w, kind, id, error);

  if (obj == NULL)
    return NULL;
  switch (kind)
    {
      case KIND_HANDOFF:
        return el_handoff_to_json (EL_HANDOFF (obj));
      case KIND_SBAR:
        return el_sbar_version_to_json (EL_SBAR_VERSION (obj));
      case KIND_PATIENT:
        return el_patient_to_json (EL_PATIENT (obj));
      case KIND_UNIT:
        return el_unit_to_json (EL_UNIT (obj));
      case KIND_USER:
        return el_user_to_json (EL_USER (obj));
      case KIND_RECORDING:
        return el_recording_to_json (EL_RECORDING (obj));
      case N_KINDS:
      default:
        g_assert_not_reached ();
    }
}

static int
kind_from_type (const char *type)
{
  for (int i = 0; i < N_KINDS; i++)
    if (g_strcmp0 (kinds[i].type, type) == 0)
      return i;
  return -1;
}

/* ------------------------------------------------------------------------------------------------
 * Rows with local changes: active ops protect their resource; the server's state waits in `deferred`
 */

/* 1: the resource has an op pending, in flight or needing attention; 0: none; -1: error. */
static int
has_active_ops (Worker *w, const char *type, const char *id, GError **error)
{
  g_autoptr (ElStoreStmt) s =
      prep (w,
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE resource_type = ?1 AND "
            "resource_id = ?2 AND state IN ('pending', 'in_flight', 'needs_attention'))",
            error);
  int rc;

  if (s == NULL)
    return -1;
  bind_text (s, 1, type);
  bind_text (s, 2, id);
  rc = step (w, s, error);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error_literal (error, EL_STORE_ERROR, EL_STORE_ERROR_FAILED, "EXISTS returned no row");
      return -1;
    }
  return sqlite3_column_int (s, 0);
}

/* Keeps the server's state of (type, id) aside: @data NULL = a deletion. Replaces what is kept only
 * when @at is not older. */
static gboolean
defer_put (
    Worker *w, const char *type, const char *id, const char *data, gsize len, const char *at, GError **error)
{
  g_autofree char *key = g_strdup_printf ("%s:%s", type, id);
  g_autoptr (ElStoreStmt) s = prep (w,
                                    "INSERT INTO deferred (entity_type, id, doc, at) VALUES (?1, ?2, ?3, ?4) "
                                    "ON CONFLICT (entity_type, id) DO UPDATE SET doc = excluded.doc, at = "
                                    "excluded.at WHERE excluded.at >= deferred.at",
                                    error);

  if (s == NULL)
    return FALSE;
  bind_text (s, 1, type);
  bind_text (s, 2, id);
  if (data != NULL && !bind_sealed (w, s, 3, "deferred", key, "doc", data, len, error))
    return FALSE;
  bind_text (s, 4, at != NULL ? at : "");
  return exec_done (w, s, error);
}

/* Before a local change edits a server row: keep the server's current copy aside (once). */
static gboolean
defer_snapshot (Worker *w, Kind kind, const char *id, GError **error)
{
  g_autoptr (ElStoreStmt) s =
      prep (w,
            "SELECT EXISTS (SELECT 1 FROM deferred WHERE entity_type = ?1 AND id = ?2), "
            "(SELECT local FROM handoffs WHERE id = ?2)",
            error);
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;
  int rc;

  if (s == NULL)
    return FALSE;
  bind_text (s, 1, kinds[kind].type);
  bind_text (s, 2, id);
  rc = step (w, s, error);
  if (rc != SQLITE_ROW)
    return rc == SQLITE_DONE;
  if (sqlite3_column_int (s, 0) != 0 || sqlite3_column_type (s, 1) == SQLITE_NULL ||
      sqlite3_column_int (s, 1) != 0)
    return TRUE;
  stmt_release (s);
  node = load_entity_json (w, kind, id, error);
  if (node == NULL)
    return FALSE;
  data = el_json_node_to_data (node, &len);
  return defer_put (w, kinds[kind].type, id, data, len, "", error);
}

/* When (type, id) has no active op left: applies the server's state kept aside, or drops a local-only
 * handoff nobody will create any more. */
static gboolean
settle (Worker *w, const char *type, const char *id, GError **error)
{
  g_autofree char *key = g_strdup_printf ("%s:%s", type, id);
  g_autoptr (ElStoreStmt) s = NULL;
  g_autoptr (GBytes) plain = NULL;
  int kind = kind_from_type (type);
  int active = has_active_ops (w, type, id, error);
  gboolean deletion;
  int rc;

  if (active < 0)
    return FALSE;
  if (active > 0 || kind < 0)
    return TRUE;
  s = prep (w, "SELECT doc FROM deferred WHERE entity_type = ?1 AND id = ?2", error);
  if (s == NULL)
    return FALSE;
  bind_text (s, 1, type);
  bind_text (s, 2, id);
  rc = step (w, s, error);
  if (rc < 0)
    return FALSE;
  if (rc == SQLITE_DONE)
    {
      g_autoptr (ElStoreStmt) d = NULL;

      if (kind != KIND_HANDOFF)
        return TRUE;
      d = prep (w, "DELETE FROM handoffs WHERE id = ?1 AND local = 1", error);
      if (d == NULL)
        return FALSE;
      bind_text (d, 1, id);
      return exec_done (w, d, error);
    }
  deletion = sqlite3_column_type (s, 0) == SQLITE_NULL;
  if (!deletion && (plain = column_open (w, s, 0, "deferred", key, "doc", error)) == NULL)
    return FALSE;
  stmt_release (s);

  if (deletion)
    {
      if (!delete_row (w, (Kind) kind, id, error))
        return FALSE;
    }
  else
    {
      g_autoptr (GError) local_error = NULL;
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autoptr (JsonNode) canonical = NULL;

      if (!json_parser_load_from_data (parser, g_bytes_get_data (plain, NULL),
                                       (gssize) g_bytes_get_size (plain), &local_error) ||
          (canonical = canonicalize ((Kind) kind, json_parser_get_root (parser), &local_error)) == NULL)
        {
          set_invalid (error, "deferred", local_error);
          return FALSE;
        }
      if (!write_row (w, (Kind) kind, json_node_get_object (canonical), NULL, FALSE, error))
        return FALSE;
    }
  {
    g_autoptr (ElStoreStmt) d = prep (w, "DELETE FROM deferred WHERE entity_type = ?1 AND id = ?2", error);

    if (d == NULL)
      return FALSE;
    bind_text (d, 1, type);
    bind_text (d, 2, id);
    return exec_done (w, d, error);
  }
}

/* A server copy of an entity (pulled, or returned by a push): written, or kept aside while the row
 * has local changes. */
static gboolean
server_upsert (Worker *w, Kind kind, JsonNode *canonical, guint *applied, guint *deferred, GError **error)
{
  JsonObject *obj = json_node_get_object (canonical);
  const char *id = obj_str (obj, "id");
  int active = has_active_ops (w, kinds[kind].type, id, error);

  if (active < 0)
    return FALSE;
  if (active > 0)
    {
      g_autofree char *data = NULL;
      gsize len = 0;

      data = el_json_node_to_data (canonical, &len);
      if (!defer_put (w, kinds[kind].type, id, data, len, obj_str (obj, "updated_at"), error))
        return FALSE;
      if (deferred != NULL)
        (*deferred)++;
      return TRUE;
    }
  if (!write_row (w, kind, obj, NULL, FALSE, error))
    return FALSE;
  if (applied != NULL)
    (*applied)++;
  return TRUE;
}

/* ------------------------------------------------------------------------------------------------
 * Open, migrate, check
 */

static gboolean
chmod_private (const char *path, GError **error)
{
  if (g_chmod (path, 0600) == 0 || errno == ENOENT)
    return TRUE;
  g_set_error (error, EL_STORE_ERROR, EL_STORE_ERROR_IO, "cannot chmod the cache file: %s",
               g_strerror (errno));
  return FALSE;
}

static gboolean
chmod_db_files (const char *path, GError **error)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  return chmod_private (path, error) && chmod_private (wal, error) && chmod_private (shm, error);
}

/* Creates @path 0600 (whatever the umask) unless it exists. */
static gboolean
create_private_file (const char *path, gboolean truncate, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, EL_STORE_ERROR, EL_STORE_ERROR_IO, "cannot create the cache folder: %s",
                   g_strerror (errno));
      return FALSE;
    }
  fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0600);
  if (fd < 0)
    {
      g_set_error (error, EL_STORE_ERROR, EL_STORE_ERROR_IO, "cannot create the cache file: %s",
                   g_strerror (errno));
      return FALSE;
    }
  if (fchmod (fd, 0600) != 0)
    {
      int saved = errno;

      close (fd);
      g_set_error (error, EL_STORE_ERROR, EL_STORE_ERROR_IO, "cannot chmod the cache file: %s",
                   g_strerror (saved));
      return FALSE;
    }
  close (fd);
  return TRUE;
}

static gint64
pragma_int (Worker *w, const char *sql, GError **error)
{
  sqlite3_stmt *s = NULL;
  gint64 value = -1;

  if (sqlite3_prepare_v2 (w->db, sql, -1, &s, NULL) != SQLITE_OK)
    {
      set_sql_error (w, error, sql);
      return -1;
    }
  if (sqlite3_step (s) == SQLITE_ROW)
    value = sqlite3_column_int64 (s, 0);
  else
    set_sql_error (w, error, sql);
  sqlite3_finalize (s);
  return value;
}

static gboolean
quick_check (Worker *w, GError **error)
{
  sqlite3_stmt *s = NULL;
  gboolean ok = FALSE;
  int rc;

  if (sqlite3_prepare_v2 (w->db, "PRAGMA quick_check", -1, &s, NULL) != SQLITE_OK)
    {
      set_sql_error (w, error, "quick_check");
      if (error != NULL && *error != NULL && (*error)->code == EL_STORE_ERROR_FAILED)
        (*error)->code = EL_STORE_ERROR_CORRUPT;
      return FALSE;
    }
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW && g_strcmp0 ((const char *) sqlite3_column_text (s, 0), "ok") == 0)
    ok = TRUE;
  else if (rc == SQLITE_ROW)
    g_set_error_literal (error, EL_STORE_ERROR, EL_STORE_ERROR_CORRUPT,
                         "the cache file is damaged (quick_check failed): recover it");
  else
    {
      set_sql_error (w, error, "quick_check");
      if (error != NULL && *error != NULL && (*error)->code == EL_STORE_ERROR_FAILED)
        (*error)->code = EL_STORE_ERROR_CORRUPT;
    }
  sqlite3_finalize (s);
  return ok;
}

static gboolean
migrate (Worker *w, GError **error)
{
  gint64 version = pragma_int (w, "PRAGMA user_version", error);

  if (version < 0)
    return FALSE;
  if (version > EL_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, EL_STORE_ERROR, EL_STORE_ERROR_TOO_NEW,
                   "the cache file has schema %" G_GINT64_FORMAT ", this build knows up to %d", version,
                   EL_STORE_SCHEMA_VERSION);
      return FALSE;
    }
  for (gint64 v = version + 1; v <= EL_STORE_SCHEMA_VERSION; v++)
    {
      g_autofree char *set = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT, v);
      gboolean ok;

      if (!tx_begin (w, error))
        return FALSE;
      ok = exec_sql (w, migrations[v - 1], error) && exec_sql (w, set, error);
      if (!tx_end (w, ok, error))
        return FALSE;
    }
  return TRUE;
}

/* A sealed value in meta proves the key: created at the first open, checked at every other. */
static gboolean
check_key (Worker *w, GError **error)
{
  g_autoptr (ElStoreStmt) s = prep (w, "SELECT value FROM meta WHERE key = 'key_check'", error);
  g_autoptr (GBytes) plain = NULL;
  g_autoptr (GError) local_error = NULL;
  int rc;

  if (s == NULL)
    return FALSE;
  rc = step (w, s, error);
  if (rc < 0)
    return FALSE;
  if (rc == SQLITE_ROW)
    {
      plain = column_open (w, s, 0, "meta", "key_check", "value", &local_error);
      if (plain == NULL || g_bytes_get_size (plain) != strlen (KEY_CHECK_TEXT) ||
          memcmp (g_bytes_get_data (plain, NULL), KEY_CHECK_TEXT, strlen (KEY_CHECK_TEXT)) != 0)
        {
          g_set_error_literal (error, EL_STORE_ERROR, EL_STORE_ERROR_WRONG_KEY,
                               "the cache was written with another key");
          return FALSE;
        }
      return TRUE;
    }
  stmt_release (s);
  {
    g_autoptr (ElStoreStmt) ins = prep (w, "INSERT INTO meta (key, value) VALUES ('key_check', ?1)", error);

    if (ins == NULL || !bind_sealed (w, ins, 1, "meta", "key_check", "value", KEY_CHECK_TEXT,
                                     strlen (KEY_CHECK_TEXT), error))
      return FALSE;
    return exec_done (w, ins, error);
  }
}

static gboolean
worker_open (Worker *w, ElVault *vault, GError **error)
{
  g_autofree char *mode = NULL;
  sqlite3_stmt *s = NULL;

  worker_close_db (w);
  if (!create_private_file (w->path, FALSE, error))
    return FALSE;
  if (sqlite3_open_v2 (w->path, &w->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    {
      set_sql_error (w, error, "open");
      worker_close_db (w);
      return FALSE;
    }
  sqlite3_extended_result_codes (w->db, 1);
  sqlite3_busy_timeout (w->db, BUSY_TIMEOUT_MS);
  g_clear_object (&w->phi);
  w->phi = el_vault_new_derived (vault, EL_STORE_VAULT_LABEL);
  if (w->phi == NULL)
    {
      g_set_error_literal (error, EL_STORE_ERROR, EL_STORE_ERROR_FAILED, "no HKDF for the store key");
      goto fail;
    }
  if (!quick_check (w, error))
    goto fail;
  if (sqlite3_prepare_v2 (w->db, "PRAGMA journal_mode = WAL", -1, &s, NULL) != SQLITE_OK ||
      sqlite3_step (s) != SQLITE_ROW)
    {
      set_sql_error (w, error, "journal_mode");
      sqlite3_finalize (s);
      goto fail;
    }
  mode = g_strdup ((const char *) sqlite3_column_text (s, 0));
  sqlite3_finalize (s);
  if (g_ascii_strcasecmp (mode, "wal") != 0)
    {
      g_set_error_literal (error, EL_STORE_ERROR, EL_STORE_ERROR_FAILED, "the cache cannot use WAL");
      goto fail;
    }
  if (!exec_sql (w,
                 "PRAGMA synchronous = FULL; PRAGMA secure_delete = ON; PRAGMA foreign_keys = ON; "
                 "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -32768; PRAGMA mmap_size = 268435456",
                 error))
    goto fail;
  if (!migrate (w, error) || !check_key (w, error) || !chmod_db_files (w->path, error))
    goto fail;
  return TRUE;

fail:
  worker_close_db (w);
  return FALSE;
}

static void
open_job (ElStore *self, Worker *w, GTask *task, gpointer data)
{
  GError *error = NULL;

  if (worker_open (w, EL_VAULT (data), &error))
    g_task_return_pointer (task, g_object_ref (self), g_object_unref);
  else
    g_task_return_error (task, error);
}

void
el_store_open_async (const char *path,
                     ElVault *vault,
                     GCancellable *cancellable,
                     GAsyncReadyCallback callback,
                     gpointer user_data)
{
  g_autoptr (ElStore) self = NULL;

  g_return_if_fail (path != NULL);
  g_return_if_fail (EL_IS_VAULT (vault));

  self = store_new (path);
  store_run (self, el_store_open_async, g_object_ref (vault), g_object_unref, open_job, cancellable, callback,
             user_data);
}

ElStore *
el_store_open_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Counts the ops of a damaged file, -1 when it cannot be read. */
static int
count_lost_ops (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;
  int n = -1;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2 (db, "SELECT count(*) FROM outbox", -1, &s, NULL) == SQLITE_OK &&
      sqlite3_step (s) == SQLITE_ROW)
    n = sqlite3_column_int (s, 0);
  sqlite3_finalize (s);
  sqlite3_close_v2 (db);
  return n;
}

static void
recover_job (ElStore *self, Worker *w, GTask *task, gpointer data)
{
  static const char *const suffixes[] = { "", "-wal", "-shm" };
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  g_autofree char *moved = g_strdup_printf ("%s.corrupt-%s", w->path, stamp);
  GError *error = NULL;
  int lost = -1;

  worker_close_db (w);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (w->path, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (moved, suffixes[i], NULL);

      if (g_rename (from, to) != 0 && errno != ENOENT)
        {
          g_task_return_new_error (task, EL_STORE_ERROR, EL_STORE_ERROR_IO,
                                   "cannot move the damaged cache aside: %s", g_strerror (errno));
          return;
        }
    }
  if (g_file_test (moved, G_FILE_TEST_EXISTS))
    {
      lost = count_lost_ops (moved);
      chmod_db_files (moved, NULL);
    }
  g_object_set_data (G_OBJECT (task), "lost-ops", GINT_TO_POINTER (lost));
  if (worker_open (w, EL_VAULT (data), &error))
    g_task_return_pointer (task, g_object_ref (self), g_object_unref);
  else
    g_task_return_error (task, error);
}

void
el_store_recover_async (const char *path,
                        ElVault *vault,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_autoptr (ElStore) self = NULL;

  g_return_if_fail (path != NULL);
  g_return_if_fail (EL_IS_VAULT (vault));

  self = store_new (path);
  store_run (self, el_store_recover_async, g_object_ref (vault), g_object_unref, recover_job, cancellable,
             callback, user_data);
}

ElStore *
el_store_recover_finish (GAsyncResult *result, int *lost_ops, GError **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  if (lost_ops != NULL)
    *lost_ops = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (result), "lost-ops"));
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
close_job (ElStore *self, Worker *w, GTask *task, gpointer data)
{
  (void) self;
  (void) data;
  worker_close_db (w);
  g_task_return_boolean (task, TRUE);
}

void
el_store_close_async (ElStore *self,
                      GCancellable *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer user_data)
{
  g_return_if_fail (EL_IS_STORE (self));
  store_run (self, el_store_close_async, NULL, NULL, close_job, cancellable, callback, user_data);
}

static gboolean
finish_boolean (ElStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
el_store_close_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  return finish_boolean (self, result, error);
}

char *
el_store_path_for_account (const char *data_dir, const char *server_url, const char *account)
{
  g_autofree char *url = NULL;
  g_autofree char *who = NULL;
  g_autofree char *input = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (data_dir != NULL && server_url != NULL && account != NULL, NULL);

  url = g_strdup (server_url);
  while (url[0] != '\0' && url[strlen (url) - 1] == '/')
    url[strlen (url) - 1] = '\0';
  who = g_utf8_strdown (account, -1);
  g_strstrip (who);
  input = g_strdup_printf ("%s\n%s", url, who);
  hash = sha256_hex (input, strlen (input));
  hash[32] = '\0';
  name = g_strdup_printf ("cache-%s.db", hash);
  return g_build_filename (data_dir, name, NULL);
}

/* ------------------------------------------------------------------------------------------------
 * Cursor and pages
 */

static gint64
read_cursor (Worker *w, GError **error)
{
  g_autoptr (ElStoreStmt) s = prep (w, "SELECT value FROM meta WHERE key = 'cursor'", error);
  int rc;

  if (s == NULL)
    return -1;
  rc = step (w, s, error);
  if (rc < 0)
    return -1;
  return rc == SQLITE_ROW ? sqlite3_column_int64 (s, 0) : 0;
}

static void
get_cursor_job (ElStore *self, Worker *w, GTask *task, gpointer data)
{
  GError *error = NULL;
  gint64 cursor = read_cursor (w, &error);

  (void) self;
  (void) data;
  if (cursor < 0)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, cursor);
}

void
el_store_get_cursor_async (ElStore *self,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_return_if_fail (EL_IS_STORE (self));
  store_run (self, el_store_get_cursor_async, NULL, NULL, get_cursor_job, cancellable, callback, user_data);
}

gint64
el_store_get_cursor_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}

static gboolean
bad_page (GError **error, const char *what)
{
  g_set_error (error, EL_STORE_ERROR, EL_STORE_ERROR_INVALID, "change page: %s", what);
  return FALSE;
}

static gboolean
get_group (JsonObject *groups, Kind kind, const char *where, JsonArray **out, GError **error)
{
  JsonNode *node = json_object_get_member (groups, kinds[kind].group);

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_autofree char *what = g_strdup_printf ("%s.%s is not an array", where, kinds[kind].group);
      return bad_page (error, what);
    }
  *out = json_node_get_array (node);
  return TRUE;
}

static gboolean
apply_page (Worker *w, JsonNode *page, ElStoreApplyResult *result, GError **error)
{
  JsonObject *obj, *upserts, *tombstones;
  JsonNode *cursor_node, *more_node, *node;
  gint64 next_cursor, stored;

  if (page == NULL || !JSON_NODE_HOLDS_OBJECT (page))
    return bad_page (error, "not an object");
  obj = json_node_get_object (page);
  cursor_node = json_object_get_member (obj, "next_cursor");
  more_node = json_object_get_member (obj, "has_more");
  if (cursor_node == NULL || !JSON_NODE_HOLDS_VALUE (cursor_node) ||
      json_node_get_value_type (cursor_node) != G_TYPE_INT64 || json_node_get_int (cursor_node) < 0)
    return bad_page (error, "next_cursor is not an integer >= 0");
  if (more_node == NULL || !JSON_NODE_HOLDS_VALUE (more_node) ||
      json_node_get_value_type (more_node) != G_TYPE_BOOLEAN)
    return bad_page (error, "has_more is not a boolean");
  node = json_object_get_member (obj, "upserts");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return bad_page (error, "upserts is not an object");
  upserts = json_node_get_object (node);
  node = json_object_get_member (obj, "tombstones");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return bad_page (error, "tombstones is not an object");
  tombstones = json_node_get_object (node);
  next_cursor = json_node_get_int (cursor_node);
  result->next_cursor = next_cursor;
  result->has_more = json_node_get_boolean (more_node);

  stored = read_cursor (w, error);
  if (stored < 0)
    return FALSE;
  if (next_cursor < stored)
    return bad_page (error, "next_cursor is older than the stored cursor");

  for (int k = 0; k < N_KINDS; k++)
    {
      JsonArray *items = NULL;

      if (!get_group (upserts, (Kind) k, "upserts", &items, error))
        return FALSE;
      for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
        {
          g_autoptr (GError) local_error = NULL;
          g_autoptr (JsonNode) canonical =
              canonicalize ((Kind) k, json_array_get_element (items, i), &local_error);

          if (canonical == NULL)
            {
              g_autofree char *where = g_strdup_printf ("change page: upserts.%s[%u]", kinds[k].group, i);
              set_invalid (error, where, local_error);
              return FALSE;
            }
          if (!server_upsert (w, (Kind) k, canonical, &result->applied, &result->deferred, error))
            return FALSE;
        }
    }
  for (int k = 0; k < N_KINDS; k++)
    {
      JsonArray *items = NULL;

      if (!get_group (tombstones, (Kind) k, "tombstones", &items, error))
        return FALSE;
      for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
        {
          JsonNode *item = json_array_get_element (items, i);
          JsonObject *t = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
          const char *id = t != NULL ? obj_str (t, "id") : NULL;
          const char *deleted_at = t != NULL ? obj_str (t, "deleted_at") : NULL;
          g_autoptr (GDateTime) when = deleted_at != NULL ? el_timestamp_parse (deleted_at) : NULL;
          int active;

          if (id == NULL || !el_uuid_is_valid (id) || when == NULL)
            {
              g_autofree char *where = g_strdup_printf (
                  "tombstones.%s[%u] needs a uuid id and a deleted_at timestamp", kinds[k].group, i);
              return bad_page (error, where);
            }
          active = has_active_ops (w, kinds[k].type, id, error);
          if (active < 0)
            return FALSE;
          if (active > 0)
            {
              g_autofree char *at = el_timestamp_format (when);

              if (!defer_put (w, kinds[k].type, id, NULL, 0, at, error))
                return FALSE;
              result->deferred++;
            }
          else
            {
              if (!delete_row (w, (Kind) k, id, error))
                return FALSE;
              result->applied++;
            }
        }
    }
  {
    g_autoptr (ElStoreStmt) s =
        prep (w,
              "INSERT INTO meta (key, value) VALUES ('cursor', ?1) ON CONFLICT (key) DO "
              "UPDATE SET value = excluded.value",
              error);

    if (s == NULL)
      return FALSE;
    sqlite3_bind_int64 (s, 1, next_cursor);
    return exec_done (w, s, error);
  }
}

static void
apply_page_job (ElStore *self, Worker *w, GTask *task, gpointer data)
{
  ElStoreApplyResult *result = g_new0 (ElStoreApplyResult, 1);
  GError *error = NULL;
  gboolean ok;

  (void) self;
  ok = tx_begin (w, &error);
  if (ok)
    ok = tx_end (w, apply_page (w, data, result, &error), &error);
  if (ok)
    g_task_return_pointer (task, result, g_free);
  else
    {
      g_free (result);
      g_task_return_error (task, error);
    }
}

void
el_store_apply_changes_page_async (ElStore *self,
                                   JsonNode *page,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_return_if_fail (EL_IS_STORE (self));
  g_return_if_fail (page != NULL);
  /* A reference, not a copy: the page is read on the worker thread while the caller holds it, so the
   * caller must not change it once it is given (see el-store.h). (json_node_copy() would not
   * protect it either: it shares the page's objects.) */
  store_run (self, el_store_apply_changes_page_async, json_node_ref (page), (GDestroyNotify) json_node_unref,
             apply_page_job, cancellable, callback, user_data);
}

gboolean
el_store_apply_changes_page_finish (ElStore *self,
                                    GAsyncResult *result,
                                    ElStoreApplyResult *out_result,
                                    GError **error)
{
  g_autofree ElStoreApplyResult *r = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  r = g_task_propagate_pointer (G_TASK (result), error);
  if (r == NULL)
    return FALSE;
  if (out_result != NULL)
    *out_result = *r;
  return TRUE;
}

/* ------------------------------------------------------------------------------------------------
 * Queries
 */

typedef struct
{
  char *id;
  int version;
} QueryArgs;

static void
query_args_free (QueryArgs *args)
{
  g_free (args->id);
  g_free (args);
}

static QueryArgs *
query_args_new (const char *id, int version)
{
  QueryArgs *args = g_new0 (QueryArgs, 1);

  args->id = g_strdup (id);
  args->version = version;
  return args;
}

/* @error: read after @array was computed (argument evaluation order is unspecified). */
static void
return_array (GTask *task, GPtrArray *array, GError **error)
{
  if (array != NULL)
    g_task_return_pointer (task, array, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, *error);
}

static GPtrArray *
finish_array (ElStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Rows (id, doc) of @sql with ?1 = @arg decoded as @kind. */
static GPtrArray *
list_entities (Worker *w, Kind kind, const char *sql, const char *arg, GError **error)
{
  g_autoptr (ElStoreStmt) s = prep (w, sql, error);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  if (s == NULL)
    return NULL;
  if (arg != NULL)
    bind_text (s, 1, arg);
  while ((rc = step (w, s, error)) == SQLITE_ROW)
    {
      const char *id = col_text (s, 0);
      g_autoptr (GBytes) plain = column_open (w, s, 1, kinds[kind].table, id, "doc", error);
      gpointer obj;

      if (plain == NULL || (obj = decode_kind (kind, plain, error)) == NULL)
        return NULL;
      g_ptr_array_add (out, obj);
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

static void
list_units_job (ElStore *self, Worker *w, GTask *task, gpointer data)
{
  GError *error = NULL;

  (void) self;
  (void) data;
  return_array (task,
                list_entities (w, KIND_UNIT, "SELECT id, doc FROM units ORDER BY code, id", NULL, &error),
                &error);
}

void
el_store_list_units_async (ElStore *self,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_return_if_fail (EL_IS_STORE (self));
  store_run (self, el_store_list_units_async, NULL, NULL, list_units_job, cancellable, callback, user_data);
}

GPtrArray *
el_store_list_units_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  return finish_array (self, result, error);
}

/* The version shown as latest for a handoff: (version, pending, completeness) or FALSE if none. */
static int
latest_sbar_info (
    Worker *w, const char *handoff_id, int *version, gboolean *pending, double *completeness, GError **error)
{
  g_autoptr (ElStoreStmt) s =
      prep (w,
            "SELECT version, pending_op IS NOT NULL, completeness FROM sbar_versions "
            "WHERE handoff_id = ?1 ORDER BY pending_op IS NOT NULL DESC, version DESC "
            "LIMIT 1",
            error);
  int rc;

  if (s == NULL)
    return -1;
  bind_text (s, 1, handoff_id);
  rc = step (w, s, error);
  if (rc != SQLITE_ROW)
    return rc == SQLITE_DONE ? 0 : -1;
  *version = sqlite3_column_int (s, 0);
  *pending = sqlite3_column_int (s, 1) != 0;
  *completeness = sqlite3_column_type (s, 2) == SQLITE_NULL ? -1 : sqlite3_column_double (s, 2);
  return 1;
}

/* The census row's handoff, from the clear columns only (no document to open and decode). */
static ElHandoff *
handoff_summary (sqlite3_stmt *s, int col)
{
  ElHandoff *h = el_handoff_new ();
  g_autoptr (GDateTime) created = el_timestamp_parse (col_text (s, col + 7));
  g_autoptr (GDateTime) updated = el_timestamp_parse (col_text (s, col + 8));
  GDate date;
  ElHandoffStatus status;
  ElShift shift;

  el_handoff_set_id (h, col_text (s, col));
  el_handoff_set_patient_id (h, col_text (s, col + 1));
  el_handoff_set_unit_id (h, col_text (s, col + 2));
  if (col_text (s, col + 3) != NULL && el_handoff_status_from_string (col_text (s, col + 3), &status))
    el_handoff_set_status (h, status);
  if (col_text (s, col + 4) != NULL && el_date_parse (col_text (s, col + 4), &date))
    el_handoff_set_shift_date (h, &date);
  if (col_text (s, col + 5) != NULL && el_shift_from_string (col_text (s, col + 5), &shift))
    el_handoff_set_shift (h, shift);
  el_handoff_set_latest_version (h, sqlite3_column_int (s, col + 6));
  if (created != NULL)
    el_handoff_set_created_at (h, created);
  if (updated != NULL)
    el_handoff_set_updated_at (h, updated);
  el_handoff_set_etag (h, col_text (s, col + 9));
  return h;
}

/* A signed handoff's summary also names its nurses and signer (who must acknowledge it): the only
 * census rows whose sealed document is opened. */
static gboolean
census_signed_nurses (Worker *w, sqlite3_stmt *s, int col, ElHandoff *summary, GError **error)
{
  const char *id = el_handoff_get_id (summary);
  g_autoptr (GBytes) plain = column_open (w, s, col, "handoffs", id, "doc", error);
  g_autoptr (ElHandoff) full = NULL;

  if (plain == NULL || (full = decode_kind (KIND_HANDOFF, plain, error)) == NULL)
    return FALSE;
  el_handoff_set_outgoing_nurse_id (summary, el_handoff_get_outgoing_nurse_id (full));
  el_handoff_set_receiving_nurse_id (summary, el_handoff_get_receiving_nurse_id (full));
  el_handoff_set_signed_by (summary, el_handoff_get_signed_by (full));
  el_handoff_set_signed_at (summary, el_handoff_get_signed_at (full));
  return TRUE;
}

/* The patient of a census row: the cached object when its sealed document has not changed. */
static ElPatient *
census_patient (Worker *w, sqlite3_stmt *s, const char *id, GError **error)
{
  const guint8 *blob = sqlite3_column_blob (s, 1);
  int len = sqlite3_column_bytes (s, 1);
  CensusCacheEntry *entry;
  g_autoptr (GBytes) plain = NULL;
  ElPatient *patient;

  if (blob != NULL && len >= EL_VAULT_OVERHEAD)
    {
      entry = g_hash_table_lookup (w->census_cache, id);
      if (entry != NULL && memcmp (entry->tag, blob + len - EL_VAULT_TAG_BYTES, EL_VAULT_TAG_BYTES) == 0)
        return g_object_ref (entry->patient);
    }
  plain = column_open (w, s, 1, "patients", id, "doc", error);
  if (plain == NULL || (patient = decode_kind (KIND_PATIENT, plain, error)) == NULL)
    return NULL;
  if (g_hash_table_size (w->census_cache) >= CENSUS_CACHE_MAX)
    g_hash_table_remove_all (w->census_cache);
  entry = g_new0 (CensusCacheEntry, 1);
  memcpy (entry->tag, blob + len - EL_VAULT_TAG_BYTES, EL_VAULT_TAG_BYTES);
  entry->patient = g_object_ref (patient);
  g_hash_table_replace (w->census_cache, g_strdup (id), entry);
  return patient;
}

static GPtrArray *
census (Worker *w, const char *unit_id, GError **error)
{
  g_autoptr (ElStoreStmt) s =
      prep (w,
            "SELECT p.id, p.doc, h.id, h.patient_id, h.unit_id, h.status, h.shift_date, "
            "h.shift, h.latest_version, h.created_at, h.updated_at, h.etag, EXISTS (SELECT "
            "1 FROM outbox o WHERE o.resource_type = 'handoff' AND o.resource_id = h.id "
            "AND o.state IN ('pending', 'in_flight', 'needs_attention')), h.doc FROM patients p "
            "LEFT JOIN handoffs h ON h.id = (SELECT h2.id FROM handoffs h2 WHERE "
            "h2.patient_id = p.id ORDER BY h2.created_at DESC, h2.id DESC LIMIT 1) WHERE "
            "p.unit_id = ?1 ORDER BY p.room, p.bed, p.id",
            error);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) el_store_census_entry_free);
  int rc;

  if (s == NULL)
    return NULL;
  bind_text (s, 1, unit_id);
  while ((rc = step (w, s, error)) == SQLITE_ROW)
    {
      const char *id = col_text (s, 0);
      const char *handoff_id = col_text (s, 2);
      g_autoptr (ElStoreCensusEntry) entry = g_new0 (ElStoreCensusEntry, 1);

      entry->completeness = -1;
      entry->patient = census_patient (w, s, id, error);
      if (entry->patient == NULL)
        return NULL;
      if (handoff_id != NULL)
        {
          entry->handoff = handoff_summary (s, 2);
          entry->has_pending_ops = sqlite3_column_int (s, 12) != 0;
          if (el_handoff_get_status (entry->handoff) == EL_HANDOFF_STATUS_SIGNED &&
              !census_signed_nurses (w, s, 13, entry->handoff, error))
            return NULL;
          if (latest_sbar_info (w, handoff_id, &entry->sbar_version, &entry->sbar_pending,
                                &entry->completeness, error) < 0)
            return NULL;
        }
      g_ptr_array_add (out, g_steal_pointer (&entry));
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

static void
census_job (ElStore *self, Worker *w, GTask *task, gpointer data)
{
  GError *error = NULL;

  (void) self;
  return_array (task, census (w, ((QueryArgs *) data)->id, &error), &error);
}

void
el_store_census_async (ElStore *self,
                       const char *unit_id,
                       GCancellable *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer user_data)
{
  g_return_if_fail (EL_IS_STORE (self));
  g_return_if_fail (unit_id != NULL);
  store_run (self, el_store_census_async, query_args_new (unit_id, 0), (GDestroyNotify) query_args_free,
             census_job, cancellable, callback, user_data);
}

GPtrArray *
el_store_census_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  return finish_array (self, result, error);
}

static void
get_entity_job (ElStore *self, Worker *w, GTask *task, gpointer data)
{
  QueryArgs *args = data;
  GError *error = NULL;
  gpointer obj;

  (void) self;
  obj = load_entity (w, (Kind) args->version, args->id, &error);
  if (obj != NULL)
    g_task_return_pointer (task, obj, g_object_unref);
  else
    g_task_return_error (task, error);
}

void
el_store_get_patient_async (ElStore *self,
                            const char *patient_id,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_return_if_fail (EL_IS_STORE (self));
  g_return_if_fail (patient_id != NULL);
  store_run (self, el_store_get_patient_async, query_args_new (patient_id, KIND_PATIENT),
             (GDestroyNotify) query_args_free, get_entity_job, cancellable, callback, user_data);
}

ElPatient *
el_store_get_patient_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
el_store_get_user_async (ElStore *self,
                         const char *user_id,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_return_if_fail (EL_IS_STORE (self));
  g_return_if_fail (user_id != NULL);
  store_run (self, el_store_get_user_async, query_args_new (user_id, KIND_USER),
             (GDestroyNotify) query_args_free, get_entity_job, cancellable, callback, user_data);
}

ElUser *
el_store_get_user_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
el_store_get_handoff_async (ElStore *self,
                            const char *handoff_id,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_return_if_fail (EL_IS_STORE (self));
  g_return_if_fail (handoff_id != NULL);
  store_run (self, el_store_get_handoff_async, query_args_new (handoff_id, KIND_HANDOFF),
             (GDestroyNotify) query_args_free, get_entity_job, cancellable, callback, user_data);
}

ElHandoff *
el_store_get_handoff_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
list_handoffs_job (ElStore *self, Worker *w, GTask *task, gpointer data)
{
  GError *error = NULL;

  (void) self;
  return_array (
      task,
      list_entities (w, KIND_HANDOFF,
                     "SELECT id, doc FROM handoffs WHERE patient_id = ?1 ORDER BY created_at DESC, id DESC",
                     ((QueryArgs *) data)->id, &error),
      &error);
}

void
el_store_list_handoffs_async (ElStore *self,
                              const char *patient_id,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_return_if_fail (EL_IS_STORE (self));
  g_return_if_fail (patient_id != NULL);
  store_run (self, el_store_list_handoffs_async, query_args_new (patient_id, 0),
             (GDestroyNotify) query_args_free, list_handoffs_job, cancellable, callback, user_data);
}

GPtrArray *
el_store_list_handoffs_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  return finish_array (self, result, error);
}

static void
list_recordings_job (ElStore *self, Worker *w, GTask *task, gpointer data)
{
  GError *error = NULL;

  (void) self;
  return_array (task,
                list_entities (w, KIND_RECORDING,
                               "SELECT id, doc FROM recordings WHERE handoff_id = ?1 ORDER BY created_at, id",
                               ((QueryArgs *) data)->id, &error),
                &error);
}

void
el_store_list_recordings_async (ElStore *self,
                                const char *handoff_id,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_return_if_fail (EL_IS_STORE (self));
  g_return_if_fail (handoff_id != NULL);
  store_run (self, el_store_list_recordings_async, query_args_new (handoff_id, 0),
             (GDestroyNotify) query_args_free, list_recordings_job, cancellable, callback, user_data);
}

GPtrArray *
el_store_list_recordings_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  return finish_array (self, result, error);
}

/* Every version of a handoff: server ones by number, then pending ones by number. */
static GPtrArray *
list_sbar (Worker *w, const char *handoff_id, GError **error)
{
  g_autoptr (ElStoreStmt) s =
      prep (w,
            "SELECT id, doc, pending_op FROM sbar_versions WHERE handoff_id = ?1 ORDER BY "
            "pending_op IS NOT NULL, version, created_at",
            error);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) el_store_sbar_free);
  int rc;

  if (s == NULL)
    return NULL;
  bind_text (s, 1, handoff_id);
  while ((rc = step (w, s, error)) == SQLITE_ROW)
    {
      const char *id = col_text (s, 0);
      g_autoptr (GBytes) plain = column_open (w, s, 1, "sbar_versions", id, "doc", error);
      g_autoptr (ElStoreSbar) entry = g_new0 (ElStoreSbar, 1);

      if (plain == NULL || (entry->version = decode_kind (KIND_SBAR, plain, error)) == NULL)
        return NULL;
      entry->op_id = g_strdup (col_text (s, 2));
      entry->pending = entry->op_id != NULL;
      g_ptr_array_add (out, g_steal_pointer (&entry));
    }
  if (rc != SQLITE_DONE)
    return NULL;
  if (out->len > 0)
    ((ElStoreSbar *) out->pdata[out->len - 1])->is_latest = TRUE;
  return g_steal_pointer (&out);
}

static void
list_sbar_job (ElStore *self, Worker *w, GTask *task, gpointer data)
{
  GError *error = NULL;

  (void) self;
  return_array (task, list_sbar (w, ((QueryArgs *) data)->id, &error), &error);
}

void
el_store_list_sbar_versions_async (ElStore *self,
                                   const char *handoff_id,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_return_if_fail (EL_IS_STORE (self));
  g_return_if_fail (handoff_id != NULL);
  store_run (self, el_store_list_sbar_versions_async, query_args_new (handoff_id, 0),
             (GDestroyNotify) query_args_free, list_sbar_job, cancellable, callback, user_data);
}

GPtrArray *
el_store_list_sbar_versions_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  return finish_array (self, result, error);
}

static ElStoreSbar *
get_sbar (Worker *w, const char *handoff_id, int version, GError **error)
{
  g_autoptr (ElStoreStmt) s = NULL;
  g_autoptr (GBytes) plain = NULL;
  g_autoptr (ElStoreSbar) entry = g_new0 (ElStoreSbar, 1);
  const char *id;
  int rc;

  if (version <= 0)
    s = prep (
        w,
        "SELECT id, doc, pending_op, 1 FROM sbar_versions WHERE handoff_id = ?1 ORDER BY pending_op IS NOT "
        "NULL DESC, version DESC LIMIT 1",
        error);
  else
    s = prep (
        w,
        "SELECT id, doc, pending_op, id = (SELECT id FROM sbar_versions WHERE handoff_id = ?1 ORDER BY "
        "pending_op IS NOT NULL DESC, version DESC LIMIT 1) FROM sbar_versions WHERE handoff_id = ?1 AND "
        "version = ?2 ORDER BY pending_op IS NOT NULL, created_at DESC LIMIT 1",
        error);
  if (s == NULL)
    return NULL;
  bind_text (s, 1, handoff_id);
  if (version > 0)
    sqlite3_bind_int (s, 2, version);
  rc = step (w, s, error);
  if (rc < 0)
    return NULL;
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, EL_STORE_ERROR, EL_STORE_ERROR_NOT_FOUND,
                   "no SBAR version %d of handoff %s in the cache", version, handoff_id);
      return NULL;
    }
  id = col_text (s, 0);
  plain = column_open (w, s, 1, "sbar_versions", id, "doc", error);
  if (plain == NULL || (entry->version = decode_kind (KIND_SBAR, plain, error)) == NULL)
    return NULL;
  entry->op_id = g_strdup (col_text (s, 2));
  entry->pending = entry->op_id != NULL;
  entry->is_latest = sqlite3_column_int (s, 3) != 0;
  return g_steal_pointer (&entry);
}

static void
get_sbar_job (ElStore *self, Worker *w, GTask *task, gpointer data)
{
  QueryArgs *args = data;
  GError *error = NULL;
  ElStoreSbar *sbar;

  (void) self;
  sbar = get_sbar (w, args->id, args->version, &error);
  if (sbar != NULL)
    g_task_return_pointer (task, sbar, (GDestroyNotify) el_store_sbar_free);
  else
    g_task_return_error (task, error);
}

void
el_store_get_sbar_async (ElStore *self,
                         const char *handoff_id,
                         int version,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_return_if_fail (EL_IS_STORE (self));
  g_return_if_fail (handoff_id != NULL);
  store_run (self, el_store_get_sbar_async, query_args_new (handoff_id, version),
             (GDestroyNotify) query_args_free, get_sbar_job, cancellable, callback, user_data);
}

ElStoreSbar *
el_store_get_sbar_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
count_rows (Worker *w, const char *sql, guint *out, GError **error)
{
  g_autoptr (ElStoreStmt) s = prep (w, sql, error);

  if (s == NULL || step (w, s, error) != SQLITE_ROW)
    return FALSE;
  *out = (guint) sqlite3_column_int64 (s, 0);
  return TRUE;
}

static void
counts_job (ElStore *self, Worker *w, GTask *task, gpointer data)
{
  ElStoreCounts *c = g_new0 (ElStoreCounts, 1);
  GError *error = NULL;

  (void) self;
  (void) data;
  if (count_rows (w, "SELECT count(*) FROM units", &c->units, &error) &&
      count_rows (w, "SELECT count(*) FROM users", &c->users, &error) &&
      count_rows (w, "SELECT count(*) FROM patients", &c->patients, &error) &&
      count_rows (w, "SELECT count(*) FROM handoffs", &c->handoffs, &error) &&
      count_rows (w, "SELECT count(*) FROM sbar_versions", &c->sbar_versions, &error) &&
      count_rows (w, "SELECT count(*) FROM recordings", &c->recordings, &error) &&
      count_rows (w, "SELECT count(*) FROM outbox WHERE state IN ('pending', 'in_flight')", &c->pending_ops,
                  &error) &&
      count_rows (w, "SELECT count(*) FROM outbox WHERE state = 'needs_attention'", &c->needs_attention,
                  &error) &&
      count_rows (w, "SELECT count(*) FROM conflicts", &c->conflicts, &error) &&
      count_rows (w, "SELECT count(*) FROM deferred", &c->deferred, &error))
    g_task_return_pointer (task, c, g_free);
  else
    {
      g_free (c);
      g_task_return_error (task, error);
    }
}

void
el_store_get_counts_async (ElStore *self,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_return_if_fail (EL_IS_STORE (self));
  store_run (self, el_store_get_counts_async, NULL, NULL, counts_job, cancellable, callback, user_data);
}

gboolean
el_store_get_counts_finish (ElStore *self, GAsyncResult *result, ElStoreCounts *counts, GError **error)
{
  g_autofree ElStoreCounts *c = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  c = g_task_propagate_pointer (G_TASK (result), error);
  if (c == NULL)
    return FALSE;
  if (counts != NULL)
    *counts = *c;
  return TRUE;
}

/* ------------------------------------------------------------------------------------------------
 * The outbox
 */

/* 1: an sbar.create of handoff @handoff_id waits in state conflict (a row in `conflicts`); 0: none;
 * -1: error. */
static int
has_open_conflict (Worker *w, const char *handoff_id, GError **error)
{
  g_autoptr (ElStoreStmt) s =
      prep (w, "SELECT EXISTS (SELECT 1 FROM conflicts WHERE handoff_id = ?1)", error);
  int rc;

  if (s == NULL)
    return -1;
  bind_text (s, 1, handoff_id);
  rc = step (w, s, error);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error_literal (error, EL_STORE_ERROR, EL_STORE_ERROR_FAILED, "EXISTS returned no row");
      return -1;
    }
  return sqlite3_column_int (s, 0);
}

static gboolean
insert_op (Worker *w,
           const char *op_id,
           const char *kind,
           const char *resource_type,
           const char *resource_id,
           const void *payload,
           gsize payload_len,
           int base_version,
           const char *etag,
           const char *local_id,
           GError **error)
{
  g_autoptr (ElStoreStmt) s = NULL;
  g_autofree char *digest = sha256_hex (payload != NULL ? payload : "", payload != NULL ? payload_len : 0);
  const char *state = "pending";

  if (g_strcmp0 (kind, EL_STORE_OP_SBAR_CREATE) == 0)
    {
      /* made while a save of this handoff waits in conflict: held behind it (see el-store.h) */
      int open = has_open_conflict (w, resource_id, error);

      if (open < 0)
        return FALSE;
      if (open > 0)
        state = "conflict";
    }
  s = prep (w,
            "INSERT INTO outbox (op_id, kind, resource_type, resource_id, payload, "
            "base_version, etag, digest, state, local_id, created_at, updated_at) VALUES "
            "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?11, ?9, ?10, ?10)",
            error);
  if (s == NULL)
    return FALSE;
  bind_text (s, 11, state);
  bind_text (s, 1, op_id);
  bind_text (s, 2, kind);
  bind_text (s, 3, resource_type);
  bind_text (s, 4, resource_id);
  if (payload != NULL && !bind_sealed (w, s, 5, "outbox", op_id, "payload", payload, payload_len, error))
    return FALSE;
  if (base_version >= 0)
    sqlite3_bind_int (s, 6, base_version);
  bind_text (s, 7, etag);
  bind_text (s, 8, digest);
  bind_text (s, 9, local_id);
  sqlite3_bind_int64 (s, 10, now_us ());
  return exec_done (w, s, error);
}

static ElStoreOp *
read_op_row (Worker *w, sqlite3_stmt *s, GError **error)
{
  g_autoptr (ElStoreOp) op = g_new0 (ElStoreOp, 1);

  op->seq = sqlite3_column_int64 (s, 0);
  op->op_id = g_strdup (col_text (s, 1));
  op->kind = g_strdup (col_text (s, 2));
  op->resource_type = g_strdup (col_text (s, 3));
  op->resource_id = g_strdup (col_text (s, 4));
  if (sqlite3_column_type (s, 5) != SQLITE_NULL)
    {
      op->payload = column_open (w, s, 5, "outbox", op->op_id, "payload", error);
      if (op->payload == NULL)
        return NULL;
    }
  op->base_version = sqlite3_column_type (s, 6) == SQLITE_NULL ? -1 : sqlite3_column_int (s, 6);
  op->etag = g_strdup (col_text (s, 7));
  op->digest = g_strdup (col_text (s, 8));
  if (!state_from_string (col_text (s, 9), &op->state))
    {
      g_set_error (error, EL_STORE_ERROR, EL_STORE_ERROR_FAILED, "op %s has an unknown state", op->op_id);
      return NULL;
    }
  op->attempts = (guint) sqlite3_column_int (s, 10);
  op->next_attempt_at = sqlite3_column_int64 (s, 11);
  op->last_error = g_strdup (col_text (s, 12));
  op->http_status = (guint) sqlite3_column_int (s, 13);
  op->local_id = g_strdup (col_text (s, 14));
  op->created_at = sqlite3_column_int64 (s, 15);
  return g_steal_pointer (&op);
}

#define OP_COLUMNS                                                                                       \
  "seq, op_id, kind, resource_type, resource_id, payload, base_version, etag, digest, state, attempts, " \
  "next_attempt_at, last_error, http_status, local_id, created_at"

static ElStoreOp *
load_op (Worker *w, const char *op_id, GError **error)
{
  g_autoptr (ElStoreStmt) s = prep (w, "SELECT " OP_COLUMNS " FROM outbox WHERE op_id = ?1", error);
  int rc;

  if (s == NULL)
    return NULL;
  bind_text (s, 1, op_id);
  rc = step (w, s, error);
  if (rc < 0)
    return NULL;
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, EL_STORE_ERROR, EL_STORE_ERROR_NOT_FOUND, "no op %s in the outbox", op_id);
      return NULL;
    }
  return read_op_row (w, s, error);
}

/* The sbar.create ops of @conflict's handoff held behind it (state conflict, no row in `conflicts`,
 * queued after it), in seq order. */
static GPtrArray *
held_drafts (Worker *w, ElStoreOp *conflict, GError **error)
{
  g_autoptr (ElStoreStmt) s =
      prep (w,
            "SELECT " OP_COLUMNS " FROM outbox WHERE kind = '" EL_STORE_OP_SBAR_CREATE
            "' AND resource_type = ?1 AND resource_id = ?2 AND state = 'conflict' AND "
            "seq > ?3 AND op_id NOT IN (SELECT op_id FROM conflicts) ORDER BY seq",
            error);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) el_store_op_free);
  int rc;

  if (s == NULL)
    return NULL;
  bind_text (s, 1, conflict->resource_type);
  bind_text (s, 2, conflict->resource_id);
  sqlite3_bind_int64 (s, 3, conflict->seq);
  while ((rc = step (w, s, error)) == SQLITE_ROW)
    {
      ElStoreOp *op = read_op_row (w, s, error);

      if (op == NULL)
        return NULL;
      g_ptr_array_add (out, op);
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

static GPtrArray *
list_ops (Worker *w, ElStoreOpFilter filter, GError **error)
{
  static const char *const sql[] = {
    "SELECT " OP_COLUMNS " FROM outbox WHERE state IN ('pending', 'in_flight') ORDER BY seq",
    "SELECT " OP_COLUMNS " FROM outbox WHERE state = 'needs_attention' ORDER BY seq",
    "SELECT " OP_COLUMNS " FROM outbox WHERE state = 'conflict' ORDER BY seq",
    "SELECT " OP_COLUMNS " FROM outbox ORDER BY seq",
  };
  g_autoptr (ElStoreStmt) s = NULL;
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) el_store_op_free);
  int rc;

  if ((guint) filter >= G_N_ELEMENTS (sql))
    {
      g_set_error_literal (error, EL_STORE_ERROR, EL_STORE_ERROR_INVALID, "unknown op filter");
      return NULL;
    }
  s = prep (w, sql[filter], error);
  if (s == NULL)
    return NULL;
  while ((rc = step (w, s, error)) == SQLITE_ROW)
    {
      ElStoreOp *op = read_op_row (w, s, error);

      if (op == NULL)
        return NULL;
      g_ptr_array_add (out, op);
    }
  return rc == SQLITE_DONE ? g_steal_pointer (&out) : NULL;
}

static void
list_ops_job (ElStore *self, Worker *w, GTask *task, gpointer data)
{
  GError *error = NULL;

  (void) self;
  return_array (task, list_ops (w, (ElStoreOpFilter) GPOINTER_TO_INT (data), &error), &error);
}

void
el_store_list_ops_async (ElStore *self,
                         ElStoreOpFilter filter,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_return_if_fail (EL_IS_STORE (self));
  store_run (self, el_store_list_ops_async, GINT_TO_POINTER (filter), NULL, list_ops_job, cancellable,
             callback, user_data);
}

GPtrArray *
el_store_list_ops_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  return finish_array (self, result, error);
}

static void
pending_count_job (ElStore *self, Worker *w, GTask *task, gpointer data)
{
  GError *error = NULL;
  guint n = 0;

  (void) self;
  (void) data;
  if (count_rows (w, "SELECT count(*) FROM outbox WHERE state IN ('pending', 'in_flight')", &n, &error))
    g_task_return_int (task, n);
  else
    g_task_return_error (task, error);
}

void
el_store_get_pending_count_async (ElStore *self,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_return_if_fail (EL_IS_STORE (self));
  store_run (self, el_store_get_pending_count_async, NULL, NULL, pending_count_job, cancellable, callback,
             user_data);
}

gint64
el_store_get_pending_count_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}

/* ---- writes that take an op id and a few arguments ---- */

typedef struct
{
  char *op_id;
  char *text;
  guint http_status;
  gint64 when;
  JsonNode *node;
  int resolution;
  GObject *object;
} OpArgs;

static void
op_args_free (OpArgs *args)
{
  g_free (args->op_id);
  g_free (args->text);
  g_clear_pointer (&args->node, json_node_unref);
  g_clear_object (&args->object);
  g_free (args);
}

static OpArgs *
op_args_new (const char *op_id)
{
  OpArgs *args = g_new0 (OpArgs, 1);

  args->op_id = g_strdup (op_id);
  return args;
}

typedef gboolean (*OpWriteFunc) (Worker *w, OpArgs *args, char **out_id, GError **error);

/* Runs @func in one transaction; returns its out id (a string) or TRUE. */
static void
run_write (Worker *w, GTask *task, OpWriteFunc func, OpArgs *args, gboolean returns_id)
{
  GError *error = NULL;
  g_autofree char *out_id = NULL;
  gboolean ok = tx_begin (w, &error);

  if (ok)
    ok = tx_end (w, func (w, args, &out_id, &error), &error);
  if (!ok)
    g_task_return_error (task, error);
  else if (returns_id)
    g_task_return_pointer (task, g_steal_pointer (&out_id), g_free);
  else
    g_task_return_boolean (task, TRUE);
}

static char *
finish_string (ElStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Changes an op's state from one of @from (a '|' list) — STATE error when it is in another. */
static gboolean
require_state (Worker *w, const char *op_id, const char *allowed, ElStoreOp **out, GError **error)
{
  g_autoptr (ElStoreOp) op = load_op (w, op_id, error);
  g_auto (GStrv) states = g_strsplit (allowed, "|", -1);

  if (op == NULL)
    return FALSE;
  if (!g_strv_contains ((const char *const *) states, state_names[op->state]))
    {
      g_set_error (error, EL_STORE_ERROR, EL_STORE_ERROR_STATE, "op %s is %s, not %s", op_id,
                   state_names[op->state], allowed);
      return FALSE;
    }
  if (out != NULL)
    *out = g_steal_pointer (&op);
  return TRUE;
}

static gboolean
op_begin (Worker *w, OpArgs *args, char **out_id, GError **error)
{
  g_autoptr (ElStoreStmt) s = NULL;

  (void) out_id;
  if (!require_state (w, args->op_id, "pending|in_flight", NULL, error))
    return FALSE;
  s = prep (
      w, "UPDATE outbox SET state = 'in_flight', attempts = attempts + 1, updated_at = ?2 WHERE op_id = ?1",
      error);
  if (s == NULL)
    return FALSE;
  bind_text (s, 1, args->op_id);
  sqlite3_bind_int64 (s, 2, now_us ());
  return exec_done (w, s, error);
}

static gboolean
op_failed (Worker *w, OpArgs *args, char **out_id, GError **error)
{
  g_autoptr (ElStoreStmt) s = NULL;

  (void) out_id;
  if (!require_state (w, args->op_id, "pending|in_flight", NULL, error))
    return FALSE;
  s = prep (w,
            "UPDATE outbox SET state = 'pending', last_error = ?2, http_status = ?3, next_attempt_at = ?4, "
            "updated_at = ?5 WHERE op_id = ?1",
            error);
  if (s == NULL)
    return FALSE;
  bind_text (s, 1, args->op_id);
  bind_text (s, 2, args->text);
  sqlite3_bind_int (s, 3, (int) args->http_status);
  sqlite3_bind_int64 (s, 4, args->when);
  sqlite3_bind_int64 (s, 5, now_us ());
  return exec_done (w, s, error);
}

static gboolean
op_needs_attention (Worker *w, OpArgs *args, char **out_id, GError **error)
{
  g_autoptr (ElStoreStmt) s = NULL;

  (void) out_id;
  if (!require_state (w, args->op_id, "pending|in_flight", NULL, error))
    return FALSE;
  s = prep (w,
            "UPDATE outbox SET state = 'needs_attention', last_error = ?2, http_status = ?3, updated_at = ?4 "
            "WHERE op_id = ?1",
            error);
  if (s == NULL)
    return FALSE;
  bind_text (s, 1, args->op_id);
  bind_text (s, 2, args->text);
  sqlite3_bind_int (s, 3, (int) args->http_status);
  sqlite3_bind_int64 (s, 4, now_us ());
  return exec_done (w, s, error);
}

static gboolean
op_retry (Worker *w, OpArgs *args, char **out_id, GError **error)
{
  g_autoptr (ElStoreStmt) s = NULL;

  (void) out_id;
  if (!require_state (w, args->op_id, "needs_attention", NULL, error))
    return FALSE;
  s = prep (
      w,
      "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = 0, updated_at = ?2 WHERE op_id = "
      "?1",
      error);
  if (s == NULL)
    return FALSE;
  bind_text (s, 1, args->op_id);
  sqlite3_bind_int64 (s, 2, now_us ());
  return exec_done (w, s, error);
}

/* The op's local pending version (looked up by its primary key, ops.local_id). */
static gboolean
delete_op_local_rows (Worker *w, ElStoreOp *op, GError **error)
{
  g_autoptr (ElStoreStmt) v = NULL;

  if (op->local_id == NULL)
    return TRUE;
  v = prep (w, "DELETE FROM sbar_versions WHERE id = ?1 AND pending_op = ?2", error);
  if (v == NULL)
    return FALSE;
  bind_text (v, 1, op->local_id);
  bind_text (v, 2, op->op_id);
  return exec_done (w, v, error);
}

static gboolean
delete_op (Worker *w, ElStoreOp *op, GError **error)
{
  g_autoptr (ElStoreStmt) d = NULL;

  if (!delete_op_local_rows (w, op, error))
    return FALSE;
  d = prep (w, "DELETE FROM outbox WHERE op_id = ?1", error);
  if (d == NULL)
    return FALSE;
  bind_text (d, 1, op->op_id);
  return exec_done (w, d, error);
}

/* When @op is a conflict (it has a row in `conflicts`): deletes the saves held behind it. */
static gboolean
drop_held_drafts (Worker *w, ElStoreOp *op, GError **error)
{
  g_autoptr (GPtrArray) held = NULL;

  if (op->state != EL_STORE_OP_CONFLICT)
    return TRUE;
  {
    g_autoptr (ElStoreStmt) s = prep (w, "SELECT EXISTS (SELECT 1 FROM conflicts WHERE op_id = ?1)", error);

    if (s == NULL)
      return FALSE;
    bind_text (s, 1, op->op_id);
    if (step (w, s, error) != SQLITE_ROW)
      return FALSE;
    if (sqlite3_column_int (s, 0) == 0)
      return TRUE; /* a held save itself */
  }
  held = held_drafts (w, op, error);
  if (held == NULL)
    return FALSE;
  for (guint i = 0; i < held->len; i++)
    if (!delete_op (w, held->pdata[i], error))
      return FALSE;
  return TRUE;
}

static gboolean
op_discard (Worker *w, OpArgs *args, char **out_id, GError **error)
{
  g_autoptr (ElStoreOp) op = NULL;

  (void) out_id;
  if (!require_state (w, args->op_id, "needs_attention|conflict", &op, error))
    return FALSE;
  return drop_held_drafts (w, op, error) && delete_op (w, op, error) &&
         settle (w, op->resource_type, op->resource_id, error);
}

/* The kind of entity the server returns for an op kind, -1: none expected. */
static int
entity_kind_for_op (const char *op_kind)
{
  if (g_str_has_prefix (op_kind, "handoff."))
    return KIND_HANDOFF;
  if (g_str_has_prefix (op_kind, "sbar."))
    return KIND_SBAR;
  if (g_str_has_prefix (op_kind, "recording."))
    return KIND_RECORDING;
  return -1;
}

/* @done (a handoff.* op the server accepted, answering @handoff): the ops queued after it on that
 * handoff that were made from the same server state as it (their etag is @done's etag) are now
 * made from the server's answer; so is the cached row, when it still shows local changes. Only
 * when that is certain: @done carried an If-Match (the server checked that nothing came in
 * between), or it created the handoff (later ops had no etag: the local-only handoff). */
static gboolean
rebase_etags (Worker *w, ElStoreOp *done, JsonObject *handoff, GError **error)
{
  const char *new_etag = obj_str (handoff, "etag");
  const char *id = obj_str (handoff, "id");
  const char *prev = done->etag;
  gboolean local = FALSE;
  int rc;

  if (new_etag == NULL || g_strcmp0 (id, done->resource_id) != 0 || g_strcmp0 (prev, new_etag) == 0)
    return TRUE;
  if (prev == NULL && g_strcmp0 (done->kind, EL_STORE_OP_HANDOFF_CREATE) != 0)
    return TRUE;
  {
    g_autoptr (ElStoreStmt) u =
        prep (w,
              "UPDATE outbox SET etag = ?1, updated_at = ?6 WHERE resource_type = ?2 AND "
              "resource_id = ?3 AND seq > ?4 AND etag IS ?5 AND kind IN ('" EL_STORE_OP_HANDOFF_PATCH
              "', '" EL_STORE_OP_HANDOFF_ACKNOWLEDGE "') AND state IN ('pending', "
              "'needs_attention')",
              error);

    if (u == NULL)
      return FALSE;
    bind_text (u, 1, new_etag);
    bind_text (u, 2, done->resource_type);
    bind_text (u, 3, done->resource_id);
    sqlite3_bind_int64 (u, 4, done->seq);
    bind_text (u, 5, prev);
    sqlite3_bind_int64 (u, 6, now_us ());
    if (!exec_done (w, u, error))
      return FALSE;
  }
  {
    /* the row: the server's answer was kept aside when other ops are active */
    g_autoptr (ElStoreStmt) s = prep (w, "SELECT local, etag IS ?2 FROM handoffs WHERE id = ?1", error);

    if (s == NULL)
      return FALSE;
    bind_text (s, 1, id);
    bind_text (s, 2, prev);
    rc = step (w, s, error);
    if (rc != SQLITE_ROW)
      return rc == SQLITE_DONE;
    if (sqlite3_column_int (s, 1) == 0)
      return TRUE;
    local = sqlite3_column_int (s, 0) != 0;
  }
  {
    g_autoptr (ElHandoff) row = load_entity (w, KIND_HANDOFF, id, error);
    g_autoptr (JsonNode) doc = NULL;

    if (row == NULL)
      return FALSE;
    el_handoff_set_etag (row, new_etag);
    doc = el_handoff_to_json (row);
    return write_row (w, KIND_HANDOFF, json_node_get_object (doc), NULL, local, error);
  }
}

static gboolean
op_done (Worker *w, OpArgs *args, char **out_id, GError **error)
{
  g_autoptr (ElStoreOp) op = NULL;
  g_autoptr (JsonNode) canonical = NULL;

  (void) out_id;
  if (!require_state (w, args->op_id, "pending|in_flight", &op, error))
    return FALSE;
  if (args->node != NULL)
    {
      int kind = entity_kind_for_op (op->kind);
      g_autoptr (GError) local_error = NULL;

      if (kind < 0)
        {
          g_set_error (error, EL_STORE_ERROR, EL_STORE_ERROR_INVALID, "ops of kind %s return no entity",
                       op->kind);
          return FALSE;
        }
      canonical = canonicalize ((Kind) kind, args->node, &local_error);
      if (canonical == NULL)
        {
          set_invalid (error, "the server's entity", local_error);
          return FALSE;
        }
    }
  if (g_strcmp0 (op->kind, EL_STORE_OP_HANDOFF_CREATE) == 0)
    {
      g_autoptr (ElStoreStmt) s = prep (w, "UPDATE handoffs SET local = 0 WHERE id = ?1", error);

      if (s == NULL)
        return FALSE;
      bind_text (s, 1, op->resource_id);
      if (!exec_done (w, s, error))
        return FALSE;
    }
  if (!delete_op (w, op, error))
    return FALSE;
  if (canonical != NULL)
    {
      Kind kind = (Kind) entity_kind_for_op (op->kind);

      if (!server_upsert (w, kind, canonical, NULL, NULL, error))
        return FALSE;
      if (kind == KIND_HANDOFF && !rebase_etags (w, op, json_node_get_object (canonical), error))
        return FALSE;
    }
  return settle (w, op->resource_type, op->resource_id, error);
}

static void
op_write_job (ElStore *self, Worker *w, GTask *task, gpointer data)
{
  OpWriteFunc func = g_object_get_data (G_OBJECT (task), "write-func");

  (void) self;
  run_write (w, task, func, data, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "returns-id")));
}

static void
run_op_write (ElStore *self,
              gpointer tag,
              const char *outbox_detail,
              OpWriteFunc func,
              gboolean returns_id,
              OpArgs *args,
              GCancellable *cancellable,
              GAsyncReadyCallback callback,
              gpointer user_data)
{
  Job *job = g_new0 (Job, 1);

  job->task = store_task_new (self, outbox_detail, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, tag);
  g_task_set_task_data (job->task, args, (GDestroyNotify) op_args_free);
  g_object_set_data (G_OBJECT (job->task), "write-func", (gpointer) func);
  g_object_set_data (G_OBJECT (job->task), "returns-id", GINT_TO_POINTER (returns_id));
  job->func = op_write_job;
  g_async_queue_push (self->queue, job);
  /* cppcheck-suppress memleak ; the queue owns the job */
}

void
el_store_op_begin_async (ElStore *self,
                         const char *op_id,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_return_if_fail (EL_IS_STORE (self));
  g_return_if_fail (op_id != NULL);
  run_op_write (self, el_store_op_begin_async, OUTBOX_STATE, op_begin, FALSE, op_args_new (op_id),
                cancellable, callback, user_data);
}

gboolean
el_store_op_begin_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  return finish_boolean (self, result, error);
}

void
el_store_op_failed_async (ElStore *self,
                          const char *op_id,
                          const char *error_message,
                          guint http_status,
                          gint64 next_attempt_at,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  OpArgs *args;

  g_return_if_fail (EL_IS_STORE (self));
  g_return_if_fail (op_id != NULL);
  args = op_args_new (op_id);
  args->text = g_strdup (error_message);
  args->http_status = http_status;
  args->when = next_attempt_at;
  run_op_write (self, el_store_op_failed_async, OUTBOX_STATE, op_failed, FALSE, args, cancellable, callback,
                user_data);
}

gboolean
el_store_op_failed_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  return finish_boolean (self, result, error);
}

void
el_store_op_done_async (ElStore *self,
                        const char *op_id,
                        JsonNode *entity,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer user_data)
{
  OpArgs *args;

  g_return_if_fail (EL_IS_STORE (self));
  g_return_if_fail (op_id != NULL);
  args = op_args_new (op_id);
  args->node = entity != NULL ? json_node_copy (entity) : NULL;
  run_op_write (self, el_store_op_done_async, OUTBOX_REMOVED, op_done, FALSE, args, cancellable, callback,
                user_data);
}

gboolean
el_store_op_done_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  return finish_boolean (self, result, error);
}

void
el_store_op_needs_attention_async (ElStore *self,
                                   const char *op_id,
                                   const char *error_message,
                                   guint http_status,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  OpArgs *args;

  g_return_if_fail (EL_IS_STORE (self));
  g_return_if_fail (op_id != NULL);
  args = op_args_new (op_id);
  args->text = g_strdup (error_message);
  args->http_status = http_status;
  run_op_write (self, el_store_op_needs_attention_async, OUTBOX_STATE, op_needs_attention, FALSE, args,
                cancellable, callback, user_data);
}

gboolean
el_store_op_needs_attention_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  return finish_boolean (self, result, error);
}

void
el_store_op_retry_async (ElStore *self,
                         const char *op_id,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_return_if_fail (EL_IS_STORE (self));
  g_return_if_fail (op_id != NULL);
  run_op_write (self, el_store_op_retry_async, OUTBOX_STATE, op_retry, FALSE, op_args_new (op_id),
                cancellable, callback, user_data);
}

gboolean
el_store_op_retry_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  return finish_boolean (self, result, error);
}

void
el_store_op_discard_async (ElStore *self,
                           const char *op_id,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_return_if_fail (EL_IS_STORE (self));
  g_return_if_fail (op_id != NULL);
  run_op_write (self, el_store_op_discard_async, OUTBOX_REMOVED, op_discard, FALSE, op_args_new (op_id),
                cancellable, callback, user_data);
}

gboolean
el_store_op_discard_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  return finish_boolean (self, result, error);
}

/* ---- Local changes ---- */

/* The local id of the version numbered @version of a handoff (server one first), NULL when none. */
static char *
version_id (Worker *w, const char *handoff_id, int version, GError **error)
{
  g_autoptr (ElStoreStmt) s =
      prep (w,
            "SELECT id FROM sbar_versions WHERE handoff_id = ?1 AND version = ?2 ORDER BY "
            "pending_op IS NOT NULL, created_at DESC LIMIT 1",
            error);
  int rc;

  if (s == NULL)
    return NULL;
  bind_text (s, 1, handoff_id);
  sqlite3_bind_int (s, 2, version);
  rc = step (w, s, error);
  return rc == SQLITE_ROW ? g_strdup (col_text (s, 0)) : NULL;
}

/* Writes a local pending version and its sbar.create op; *out_id = the op id. */
static gboolean
save_draft (Worker *w,
            const char *handoff_id,
            int base_version,
            ElSbarVersion *content,
            char **out_id,
            GError **error)
{
  g_autofree char *op_id = g_uuid_string_random ();
  g_autofree char *local_id = g_uuid_string_random ();
  g_autofree char *prev_id = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *created_at = now_timestamp ();
  g_autoptr (JsonNode) node = el_sbar_version_to_json (content);
  g_autoptr (JsonNode) canonical = NULL;
  g_autoptr (ElCompleteness) completeness = NULL;
  g_autoptr (GError) local_error = NULL;
  JsonObject *obj = json_node_get_object (node);
  gsize payload_len = 0;

  if (!el_uuid_is_valid (handoff_id) || base_version < 0 || base_version >= G_MAXINT - 1)
    {
      g_set_error_literal (error, EL_STORE_ERROR, EL_STORE_ERROR_INVALID,
                           "an SBAR draft needs a handoff uuid and a base_version >= 0");
      return FALSE;
    }
  if (base_version > 0)
    {
      prev_id = version_id (w, handoff_id, base_version, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  payload = el_sbar_version_create_request_to_data (content, base_version, &payload_len);

  json_object_set_string_member (obj, "id", local_id);
  json_object_set_string_member (obj, "handoff_id", handoff_id);
  json_object_set_int_member (obj, "version", base_version + 1);
  if (base_version > 0)
    json_object_set_string_member (obj, "previous_version_id", prev_id != NULL ? prev_id : NIL_UUID);
  else
    json_object_set_null_member (obj, "previous_version_id");
  if (obj_str (obj, "author_id") == NULL)
    json_object_set_string_member (obj, "author_id", NIL_UUID);
  json_object_set_string_member (obj, "created_at", created_at);
  json_object_remove_member (obj, "changes_since_last_version");
  completeness = el_completeness_compute (obj);
  json_object_set_member (obj, "completeness", el_completeness_to_json (completeness));
  if (prev_id != NULL)
    {
      g_autoptr (JsonNode) base = load_entity_json (w, KIND_SBAR, prev_id, error);

      if (base == NULL)
        return FALSE;
      json_object_set_member (obj, "changes_since_last_version",
                              el_diff_versions (json_node_get_object (base), obj));
    }
  canonical = canonicalize (KIND_SBAR, node, &local_error);
  if (canonical == NULL && prev_id != NULL)
    {
      /* A diff too large for the model's limits: keep the draft without it. */
      g_clear_error (&local_error);
      json_object_remove_member (obj, "changes_since_last_version");
      canonical = canonicalize (KIND_SBAR, node, &local_error);
      if (canonical == NULL)
        {
          set_invalid (error, "the SBAR draft", local_error);
          return FALSE;
        }
    }
  if (!write_row (w, KIND_SBAR, json_node_get_object (canonical), op_id, FALSE, error))
    return FALSE;
  if (!insert_op (w, op_id, EL_STORE_OP_SBAR_CREATE, "handoff", handoff_id, payload, payload_len,
                  base_version, NULL, local_id, error))
    return FALSE;
  *out_id = g_steal_pointer (&op_id);
  return TRUE;
}

/* What a draft is made of (source, sections, fields, author), copied so the caller may keep editing
 * its object while the job waits. */
static ElSbarVersion *
copy_content (ElSbarVersion *content)
{
  g_autoptr (JsonNode) body = el_sbar_version_create_request_to_json (content, 0);
  ElSbarVersion *copy = el_sbar_version_create_request_from_json (body, NULL, NULL);

  if (copy == NULL)
    {
      /* Content the decoder refuses: save_draft reports it; the fields are read from a plain copy. */
      copy = el_sbar_version_new ();
      el_sbar_version_set_source (copy, el_sbar_version_get_source (content));
      for (int i = 0; i < 4; i++)
        el_sbar_version_set_section (copy, (ElSbarSection) i,
                                     el_sbar_version_get_section (content, (ElSbarSection) i));
      el_sbar_version_set_fields (copy, el_sbar_version_get_fields (content));
    }
  el_sbar_version_set_author_id (copy, el_sbar_version_get_author_id (content));
  el_sbar_version_set_author_name (copy, el_sbar_version_get_author_name (content));
  return copy;
}

static gboolean
save_draft_write (Worker *w, OpArgs *args, char **out_id, GError **error)
{
  return save_draft (w, args->op_id, args->resolution, EL_SBAR_VERSION (args->object), out_id, error);
}

void
el_store_save_sbar_draft_async (ElStore *self,
                                const char *handoff_id,
                                int base_version,
                                ElSbarVersion *content,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  OpArgs *args;

  g_return_if_fail (EL_IS_STORE (self));
  g_return_if_fail (handoff_id != NULL);
  g_return_if_fail (EL_IS_SBAR_VERSION (content));
  args = op_args_new (handoff_id);
  args->resolution = base_version;
  args->object = G_OBJECT (copy_content (content));
  run_op_write (self, el_store_save_sbar_draft_async, OUTBOX_ADDED, save_draft_write, TRUE, args, cancellable,
                callback, user_data);
}

char *
el_store_save_sbar_draft_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  return finish_string (self, result, error);
}

static gboolean
create_handoff_write (Worker *w, OpArgs *args, char **out_id, GError **error)
{
  static const char *const create_members[] = {
    "id", "patient_id", "unit_id", "shift_date", "shift", "outgoing_nurse_id", "receiving_nurse_id",
  };
  g_autoptr (GError) local_error = NULL;
  g_autoptr (JsonNode) canonical = canonicalize (KIND_HANDOFF, args->node, &local_error);
  g_autoptr (JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  g_autoptr (JsonObject) body_obj = json_object_new ();
  g_autofree char *op_id = g_uuid_string_random ();
  g_autofree char *payload = NULL;
  JsonObject *obj;
  const char *id;
  gsize len = 0;
  int active;

  if (canonical == NULL)
    {
      set_invalid (error, "the new handoff", local_error);
      return FALSE;
    }
  obj = json_node_get_object (canonical);
  id = obj_str (obj, "id");
  {
    g_autoptr (ElStoreStmt) s = prep (w, "SELECT EXISTS (SELECT 1 FROM handoffs WHERE id = ?1)", error);

    if (s == NULL)
      return FALSE;
    bind_text (s, 1, id);
    if (step (w, s, error) != SQLITE_ROW)
      return FALSE;
    if (sqlite3_column_int (s, 0) != 0)
      {
        g_set_error (error, EL_STORE_ERROR, EL_STORE_ERROR_INVALID, "handoff %s already exists", id);
        return FALSE;
      }
  }
  active = has_active_ops (w, "handoff", id, error);
  if (active < 0)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (create_members); i++)
    {
      JsonNode *m = json_object_get_member (obj, create_members[i]);

      if (m != NULL && !JSON_NODE_HOLDS_NULL (m))
        json_object_set_member (body_obj, create_members[i], json_node_copy (m));
    }
  json_node_set_object (body, body_obj);
  payload = el_json_node_to_data (body, &len);
  if (!write_row (w, KIND_HANDOFF, obj, NULL, TRUE, error) ||
      !insert_op (w, op_id, EL_STORE_OP_HANDOFF_CREATE, "handoff", id, payload, len, -1, NULL, id, error))
    return FALSE;
  *out_id = g_steal_pointer (&op_id);
  return TRUE;
}

void
el_store_create_handoff_async (ElStore *self,
                               ElHandoff *handoff,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  OpArgs *args;

  g_return_if_fail (EL_IS_STORE (self));
  g_return_if_fail (EL_IS_HANDOFF (handoff));
  args = op_args_new (NULL);
  args->node = el_handoff_to_json (handoff);
  run_op_write (self, el_store_create_handoff_async, OUTBOX_ADDED, create_handoff_write, TRUE, args,
                cancellable, callback, user_data);
}

char *
el_store_create_handoff_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  return finish_string (self, result, error);
}

static gboolean
patch_handoff_write (Worker *w, OpArgs *args, char **out_id, GError **error)
{
  static const char *const allowed[] = {
    "shift_date", "shift", "outgoing_nurse_id", "receiving_nurse_id", "status", NULL,
  };
  const char *handoff_id = args->op_id;
  g_autoptr (ElHandoff) current = NULL;
  g_autoptr (JsonNode) doc = NULL;
  g_autoptr (JsonNode) canonical = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GList) members = NULL;
  g_autofree char *op_id = g_uuid_string_random ();
  g_autofree char *payload = NULL;
  JsonObject *patch, *obj;
  const char *etag;
  gsize len = 0;

  if (args->node == NULL || !JSON_NODE_HOLDS_OBJECT (args->node) ||
      json_object_get_size (json_node_get_object (args->node)) == 0)
    {
      g_set_error_literal (error, EL_STORE_ERROR, EL_STORE_ERROR_INVALID,
                           "a handoff patch is a non-empty object");
      return FALSE;
    }
  patch = json_node_get_object (args->node);
  members = json_object_get_members (patch);
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        g_set_error (error, EL_STORE_ERROR, EL_STORE_ERROR_INVALID, "a handoff patch cannot change %s",
                     (const char *) l->data);
        return FALSE;
      }
  current = load_entity (w, KIND_HANDOFF, handoff_id, error);
  if (current == NULL)
    return FALSE;
  if (json_object_has_member (patch, "status"))
    {
      if (g_strcmp0 (obj_str (patch, "status"), "cancelled") != 0)
        {
          g_set_error_literal (error, EL_STORE_ERROR, EL_STORE_ERROR_INVALID,
                               "a patch can only set status cancelled");
          return FALSE;
        }
      if (!el_handoff_transition (current, EL_HANDOFF_STATUS_CANCELLED, &local_error))
        {
          set_invalid (error, "handoff patch", local_error);
          return FALSE;
        }
    }
  etag = args->text != NULL ? args->text : el_handoff_get_etag (current);
  doc = el_handoff_to_json (current);
  obj = json_node_get_object (doc);
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *value = json_object_get_member (patch, l->data);

      if (JSON_NODE_HOLDS_NULL (value))
        json_object_remove_member (obj, l->data);
      else
        json_object_set_member (obj, l->data, json_node_copy (value));
    }
  canonical = canonicalize (KIND_HANDOFF, doc, &local_error);
  if (canonical == NULL)
    {
      set_invalid (error, "handoff patch", local_error);
      return FALSE;
    }
  payload = el_json_node_to_data (args->node, &len);
  if (!defer_snapshot (w, KIND_HANDOFF, handoff_id, error))
    return FALSE;
  {
    g_autoptr (ElStoreStmt) s = prep (w, "SELECT local FROM handoffs WHERE id = ?1", error);
    gboolean local;

    if (s == NULL)
      return FALSE;
    bind_text (s, 1, handoff_id);
    if (step (w, s, error) != SQLITE_ROW)
      return FALSE;
    local = sqlite3_column_int (s, 0) != 0;
    stmt_release (s);
    if (!write_row (w, KIND_HANDOFF, json_node_get_object (canonical), NULL, local, error))
      return FALSE;
  }
  if (!insert_op (w, op_id, EL_STORE_OP_HANDOFF_PATCH, "handoff", handoff_id, payload, len, -1, etag, NULL,
                  error))
    return FALSE;
  *out_id = g_steal_pointer (&op_id);
  return TRUE;
}

void
el_store_patch_handoff_async (ElStore *self,
                              const char *handoff_id,
                              JsonNode *patch,
                              const char *etag,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  OpArgs *args;

  g_return_if_fail (EL_IS_STORE (self));
  g_return_if_fail (handoff_id != NULL);
  g_return_if_fail (patch != NULL);
  args = op_args_new (handoff_id);
  args->node = json_node_copy (patch);
  args->text = g_strdup (etag);
  run_op_write (self, el_store_patch_handoff_async, OUTBOX_ADDED, patch_handoff_write, TRUE, args,
                cancellable, callback, user_data);
}

char *
el_store_patch_handoff_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  return finish_string (self, result, error);
}

/* args->op_id: the handoff id; args->text: the op kind; args->node: {"handoff": the new local copy,
 * "payload": the request body}. */
static gboolean
handoff_change_write (Worker *w, OpArgs *args, char **out_id, GError **error)
{
  const char *handoff_id = args->op_id;
  const char *kind = args->text;
  g_autoptr (ElHandoff) current = NULL;
  g_autoptr (JsonNode) canonical = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *op_id = g_uuid_string_random ();
  g_autofree char *payload = NULL;
  JsonObject *obj = json_node_get_object (args->node);
  JsonNode *doc = json_object_get_member (obj, "handoff");
  JsonNode *body = json_object_get_member (obj, "payload");
  gsize len = 0;

  if (g_strcmp0 (kind, EL_STORE_OP_HANDOFF_SIGN) != 0 &&
      g_strcmp0 (kind, EL_STORE_OP_HANDOFF_ACKNOWLEDGE) != 0)
    {
      g_set_error_literal (error, EL_STORE_ERROR, EL_STORE_ERROR_INVALID,
                           "a handoff change is handoff.sign or handoff.acknowledge");
      return FALSE;
    }
  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    {
      g_set_error_literal (error, EL_STORE_ERROR, EL_STORE_ERROR_INVALID, "the payload is not an object");
      return FALSE;
    }
  current = load_entity (w, KIND_HANDOFF, handoff_id, error);
  if (current == NULL)
    return FALSE;
  canonical = canonicalize (KIND_HANDOFF, doc, &local_error);
  if (canonical == NULL)
    {
      set_invalid (error, "handoff change", local_error);
      return FALSE;
    }
  if (g_strcmp0 (obj_str (json_node_get_object (canonical), "id"), handoff_id) != 0)
    {
      g_set_error_literal (error, EL_STORE_ERROR, EL_STORE_ERROR_INVALID, "the handoff's id is not the op's");
      return FALSE;
    }
  payload = el_json_node_to_data (body, &len);
  if (!defer_snapshot (w, KIND_HANDOFF, handoff_id, error))
    return FALSE;
  {
    g_autoptr (ElStoreStmt) s = prep (w, "SELECT local FROM handoffs WHERE id = ?1", error);
    gboolean local;

    if (s == NULL)
      return FALSE;
    bind_text (s, 1, handoff_id);
    if (step (w, s, error) != SQLITE_ROW)
      return FALSE;
    local = sqlite3_column_int (s, 0) != 0;
    stmt_release (s);
    if (!write_row (w, KIND_HANDOFF, json_node_get_object (canonical), NULL, local, error))
      return FALSE;
  }
  if (!insert_op (w, op_id, kind, "handoff", handoff_id, payload, len, -1, NULL, NULL, error))
    return FALSE;
  *out_id = g_steal_pointer (&op_id);
  return TRUE;
}

void
el_store_enqueue_handoff_change_async (ElStore *self,
                                       const char *kind,
                                       ElHandoff *handoff,
                                       JsonNode *payload,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  OpArgs *args;
  JsonObject *obj;

  g_return_if_fail (EL_IS_STORE (self));
  g_return_if_fail (kind != NULL);
  g_return_if_fail (EL_IS_HANDOFF (handoff) && el_handoff_get_id (handoff) != NULL);
  g_return_if_fail (payload != NULL);
  args = op_args_new (el_handoff_get_id (handoff));
  args->text = g_strdup (kind);
  obj = json_object_new ();
  json_object_set_member (obj, "handoff", el_handoff_to_json (handoff));
  json_object_set_member (obj, "payload", json_node_copy (payload));
  args->node = json_node_init_object (json_node_alloc (), obj);
  json_object_unref (obj);
  run_op_write (self, el_store_enqueue_handoff_change_async, OUTBOX_ADDED, handoff_change_write, TRUE, args,
                cancellable, callback, user_data);
}

char *
el_store_enqueue_handoff_change_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  return finish_string (self, result, error);
}

typedef struct
{
  char *kind;
  char *resource_type;
  char *resource_id;
  GBytes *payload;
  int base_version;
  char *etag;
} EnqueueArgs;

static void
enqueue_args_free (EnqueueArgs *args)
{
  g_free (args->kind);
  g_free (args->resource_type);
  g_free (args->resource_id);
  g_clear_pointer (&args->payload, g_bytes_unref);
  g_free (args->etag);
  g_free (args);
}

static void
enqueue_job (ElStore *self, Worker *w, GTask *task, gpointer data)
{
  EnqueueArgs *args = data;
  g_autofree char *op_id = g_uuid_string_random ();
  GError *error = NULL;
  gboolean ok;

  (void) self;
  ok = tx_begin (w, &error);
  if (ok)
    ok = tx_end (w,
                 insert_op (w, op_id, args->kind, args->resource_type, args->resource_id,
                            args->payload != NULL ? g_bytes_get_data (args->payload, NULL) : NULL,
                            args->payload != NULL ? g_bytes_get_size (args->payload) : 0, args->base_version,
                            args->etag, NULL, &error),
                 &error);
  if (ok)
    g_task_return_pointer (task, g_steal_pointer (&op_id), g_free);
  else
    g_task_return_error (task, error);
}

void
el_store_enqueue_async (ElStore *self,
                        const char *kind,
                        const char *resource_type,
                        const char *resource_id,
                        GBytes *payload,
                        int base_version,
                        const char *etag,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer user_data)
{
  EnqueueArgs *args;

  g_return_if_fail (EL_IS_STORE (self));
  g_return_if_fail (kind != NULL && resource_type != NULL && resource_id != NULL);
  args = g_new0 (EnqueueArgs, 1);
  args->kind = g_strdup (kind);
  args->resource_type = g_strdup (resource_type);
  args->resource_id = g_strdup (resource_id);
  args->payload = payload != NULL ? g_bytes_ref (payload) : NULL;
  args->base_version = base_version;
  args->etag = g_strdup (etag);
  store_run_full (self, el_store_enqueue_async, OUTBOX_ADDED, args, (GDestroyNotify) enqueue_args_free,
                  enqueue_job, cancellable, callback, user_data);
}

char *
el_store_enqueue_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  return finish_string (self, result, error);
}

/* ---- Conflicts ---- */

static gboolean
mark_conflict_write (Worker *w, OpArgs *args, char **out_id, GError **error)
{
  g_autoptr (ElStoreOp) op = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autoptr (JsonNode) theirs = NULL;
  g_autoptr (ElStoreStmt) s = NULL;
  g_autofree char *theirs_data = NULL;
  gsize theirs_len = 0;

  (void) out_id;
  if (!require_state (w, args->op_id, "pending|in_flight|needs_attention", &op, error))
    return FALSE;
  if (g_strcmp0 (op->kind, EL_STORE_OP_SBAR_CREATE) != 0)
    {
      g_set_error (error, EL_STORE_ERROR, EL_STORE_ERROR_STATE, "op %s is not an SBAR save", op->op_id);
      return FALSE;
    }
  theirs = args->node != NULL ? canonicalize (KIND_SBAR, args->node, &local_error) : NULL;
  if (theirs == NULL)
    {
      if (local_error != NULL)
        set_invalid (error, "theirs", local_error);
      else
        g_set_error_literal (error, EL_STORE_ERROR, EL_STORE_ERROR_INVALID, "theirs is missing");
      return FALSE;
    }
  if (g_strcmp0 (obj_str (json_node_get_object (theirs), "handoff_id"), op->resource_id) != 0)
    {
      g_set_error_literal (error, EL_STORE_ERROR, EL_STORE_ERROR_INVALID,
                           "theirs belongs to another handoff");
      return FALSE;
    }
  /* Mine: the SbarVersionCreate body the op would have sent. */
  if (op->payload == NULL)
    {
      g_set_error (error, EL_STORE_ERROR, EL_STORE_ERROR_INVALID, "op %s has no draft", op->op_id);
      return FALSE;
    }
  theirs_data = el_json_node_to_data (theirs, &theirs_len);
  if (!delete_op_local_rows (w, op, error) ||
      !write_row (w, KIND_SBAR, json_node_get_object (theirs), NULL, FALSE, error))
    return FALSE;
  s = prep (
      w,
      "INSERT INTO conflicts (op_id, handoff_id, base_version, theirs, mine, created_at) VALUES (?1, ?2, ?3, "
      "?4, ?5, ?6)",
      error);
  if (s == NULL)
    return FALSE;
  bind_text (s, 1, op->op_id);
  bind_text (s, 2, op->resource_id);
  sqlite3_bind_int (s, 3, MAX (op->base_version, 0));
  if (!bind_sealed (w, s, 4, "conflicts", op->op_id, "theirs", theirs_data, theirs_len, error) ||
      !bind_sealed (w, s, 5, "conflicts", op->op_id, "mine", g_bytes_get_data (op->payload, NULL),
                    g_bytes_get_size (op->payload), error))
    return FALSE;
  sqlite3_bind_int64 (s, 6, now_us ());
  if (!exec_done (w, s, error))
    return FALSE;
  {
    g_autoptr (ElStoreStmt) u =
        prep (w, "UPDATE outbox SET state = 'conflict', updated_at = ?2 WHERE op_id = ?1", error);

    if (u == NULL)
      return FALSE;
    bind_text (u, 1, op->op_id);
    sqlite3_bind_int64 (u, 2, now_us ());
    if (!exec_done (w, u, error))
      return FALSE;
  }
  {
    /* The later saves of this handoff were made on top of the refused one (the first has
     * base_version = its number = theirs' number): held until the conflict is resolved. */
    g_autoptr (ElStoreStmt) h =
        prep (w,
              "UPDATE outbox SET state = 'conflict', updated_at = ?4 WHERE kind = '" EL_STORE_OP_SBAR_CREATE
              "' AND resource_type = ?1 AND resource_id = ?2 AND seq > ?3 AND state IN ('pending', "
              "'in_flight', 'needs_attention')",
              error);

    if (h == NULL)
      return FALSE;
    bind_text (h, 1, op->resource_type);
    bind_text (h, 2, op->resource_id);
    sqlite3_bind_int64 (h, 3, op->seq);
    sqlite3_bind_int64 (h, 4, now_us ());
    if (!exec_done (w, h, error))
      return FALSE;
  }
  return settle (w, op->resource_type, op->resource_id, error);
}

void
el_store_mark_conflict_async (ElStore *self,
                              const char *op_id,
                              JsonNode *theirs,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  OpArgs *args;

  g_return_if_fail (EL_IS_STORE (self));
  g_return_if_fail (op_id != NULL);
  args = op_args_new (op_id);
  args->node = theirs != NULL ? json_node_copy (theirs) : NULL;
  run_op_write (self, el_store_mark_conflict_async, OUTBOX_STATE, mark_conflict_write, FALSE, args,
                cancellable, callback, user_data);
}

gboolean
el_store_mark_conflict_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  return finish_boolean (self, result, error);
}

/* The server version numbered @version of a handoff, NULL (no error) when not cached. */
static ElSbarVersion *
server_version (Worker *w, const char *handoff_id, int version, GError **error)
{
  g_autoptr (ElStoreStmt) s =
      prep (w,
            "SELECT id, doc FROM sbar_versions WHERE handoff_id = ?1 AND version = ?2 AND "
            "pending_op IS NULL",
            error);
  g_autoptr (GBytes) plain = NULL;
  int rc;

  if (s == NULL)
    return NULL;
  bind_text (s, 1, handoff_id);
  sqlite3_bind_int (s, 2, version);
  rc = step (w, s, error);
  if (rc != SQLITE_ROW)
    return NULL;
  plain = column_open (w, s, 1, "sbar_versions", col_text (s, 0), "doc", error);
  return plain != NULL ? decode_kind (KIND_SBAR, plain, error) : NULL;
}

/* The payload of the newest save held behind conflict @op_id; NULL without an error when none. */
static GBytes *
newest_held_draft (Worker *w, const char *op_id, GError **error)
{
  g_autoptr (ElStoreStmt) s =
      prep (w,
            "SELECT h.op_id, h.payload FROM outbox h JOIN outbox c ON c.op_id = ?1 WHERE h.kind = "
            "'" EL_STORE_OP_SBAR_CREATE
            "' AND h.resource_type = c.resource_type AND h.resource_id = c.resource_id AND h.state = "
            "'conflict' AND h.seq > c.seq AND h.payload IS NOT NULL AND h.op_id NOT IN (SELECT op_id FROM "
            "conflicts) ORDER BY h.seq DESC LIMIT 1",
            error);
  int rc;

  if (s == NULL)
    return NULL;
  bind_text (s, 1, op_id);
  rc = step (w, s, error);
  if (rc != SQLITE_ROW)
    return NULL;
  return column_open (w, s, 1, "outbox", col_text (s, 0), "payload", error);
}

static ElStoreConflict *
read_conflict_row (Worker *w, sqlite3_stmt *s, GError **error)
{
  g_autoptr (ElStoreConflict) c = g_new0 (ElStoreConflict, 1);
  g_autoptr (GBytes) theirs = NULL;
  g_autoptr (GBytes) mine = NULL;
  g_autoptr (GError) local_error = NULL;
  int base = 0;

  c->op_id = g_strdup (col_text (s, 0));
  c->handoff_id = g_strdup (col_text (s, 1));
  c->base_version = sqlite3_column_int (s, 2);
  c->created_at = sqlite3_column_int64 (s, 5);
  theirs = column_open (w, s, 3, "conflicts", c->op_id, "theirs", error);
  if (theirs == NULL || (c->theirs = decode_kind (KIND_SBAR, theirs, error)) == NULL)
    return NULL;
  mine = newest_held_draft (w, c->op_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (mine == NULL)
    mine = column_open (w, s, 4, "conflicts", c->op_id, "mine", error);
  if (mine == NULL)
    return NULL;
  c->mine = el_sbar_version_create_request_from_data (g_bytes_get_data (mine, NULL),
                                                      (gssize) g_bytes_get_size (mine), &base, &local_error);
  if (c->mine == NULL)
    {
      set_invalid (error, "conflicts.mine", local_error);
      return NULL;
    }
  el_sbar_version_set_handoff_id (c->mine, c->handoff_id);
  return g_steal_pointer (&c);
}

static GPtrArray *
list_conflicts (Worker *w, GError **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) el_store_conflict_free);
  int rc;

  {
    g_autoptr (ElStoreStmt) s = prep (w,
                                      "SELECT op_id, handoff_id, base_version, theirs, mine, created_at FROM "
                                      "conflicts ORDER BY created_at, op_id",
                                      error);

    if (s == NULL)
      return NULL;
    while ((rc = step (w, s, error)) == SQLITE_ROW)
      {
        ElStoreConflict *c = read_conflict_row (w, s, error);

        if (c == NULL)
          return NULL;
        g_ptr_array_add (out, c);
      }
    if (rc != SQLITE_DONE)
      return NULL;
  }
  for (guint i = 0; i < out->len; i++)
    {
      ElStoreConflict *c = out->pdata[i];
      g_autoptr (GError) local_error = NULL;

      if (c->base_version > 0)
        {
          c->base = server_version (w, c->handoff_id, c->base_version, &local_error);
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
        }
    }
  return g_steal_pointer (&out);
}

static void
list_conflicts_job (ElStore *self, Worker *w, GTask *task, gpointer data)
{
  GError *error = NULL;

  (void) self;
  (void) data;
  return_array (task, list_conflicts (w, &error), &error);
}

void
el_store_list_conflicts_async (ElStore *self,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_return_if_fail (EL_IS_STORE (self));
  store_run (self, el_store_list_conflicts_async, NULL, NULL, list_conflicts_job, cancellable, callback,
             user_data);
}

GPtrArray *
el_store_list_conflicts_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  return finish_array (self, result, error);
}

static gboolean
resolve_write (Worker *w, OpArgs *args, char **out_id, GError **error)
{
  g_autoptr (ElStoreOp) op = NULL;
  g_autoptr (ElStoreConflict) conflict = NULL;
  g_autoptr (ElStoreStmt) s = NULL;
  int rc;

  if (!require_state (w, args->op_id, "conflict", &op, error))
    return FALSE;
  s = prep (
      w, "SELECT op_id, handoff_id, base_version, theirs, mine, created_at FROM conflicts WHERE op_id = ?1",
      error);
  if (s == NULL)
    return FALSE;
  bind_text (s, 1, op->op_id);
  rc = step (w, s, error);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, EL_STORE_ERROR, EL_STORE_ERROR_NOT_FOUND, "no conflict for op %s", op->op_id);
      return FALSE;
    }
  conflict = read_conflict_row (w, s, error);
  stmt_release (s);
  /* mine is the newest held save, if any: the saves held behind the conflict go with it (KEEP_MINE
   * pushes the newest as one version on top of theirs; TAKE_THEIRS drops them all) */
  if (conflict == NULL || !drop_held_drafts (w, op, error) || !delete_op (w, op, error))
    return FALSE;
  if (args->resolution == EL_STORE_RESOLVE_KEEP_MINE)
    {
      ElSbarVersion *content = args->object != NULL ? EL_SBAR_VERSION (args->object) : conflict->mine;

      if (!save_draft (w, conflict->handoff_id, el_sbar_version_get_version (conflict->theirs), content,
                       out_id, error))
        return FALSE;
    }
  return settle (w, op->resource_type, op->resource_id, error);
}

void
el_store_resolve_conflict_async (ElStore *self,
                                 const char *op_id,
                                 ElStoreResolution resolution,
                                 ElSbarVersion *merged,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  OpArgs *args;

  g_return_if_fail (EL_IS_STORE (self));
  g_return_if_fail (op_id != NULL);
  g_return_if_fail (resolution == EL_STORE_RESOLVE_KEEP_MINE || resolution == EL_STORE_RESOLVE_TAKE_THEIRS);
  g_return_if_fail (merged == NULL || EL_IS_SBAR_VERSION (merged));
  args = op_args_new (op_id);
  args->resolution = (int) resolution;
  if (merged != NULL && resolution == EL_STORE_RESOLVE_KEEP_MINE)
    args->object = G_OBJECT (copy_content (merged));
  run_op_write (self, el_store_resolve_conflict_async,
                resolution == EL_STORE_RESOLVE_KEEP_MINE ? OUTBOX_ADDED : OUTBOX_REMOVED, resolve_write, TRUE,
                args, cancellable, callback, user_data);
}

gboolean
el_store_resolve_conflict_finish (ElStore *self, GAsyncResult *result, char **new_op_id, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *id = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  id = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (new_op_id != NULL)
    *new_op_id = g_steal_pointer (&id);
  return TRUE;
}

/* ------------------------------------------------------------------------------------------------
 * Maintenance
 */

static gboolean
purge_write (Worker *w, OpArgs *args, char **out_id, GError **error)
{
  static const char *const steps[] = {
    "DELETE FROM sbar_versions WHERE handoff_id IN (SELECT id FROM purge_ids)",
    "DELETE FROM recordings WHERE handoff_id IN (SELECT id FROM purge_ids)",
    "DELETE FROM deferred WHERE entity_type = 'handoff' AND id IN (SELECT id FROM purge_ids)",
    "DELETE FROM handoffs WHERE id IN (SELECT id FROM purge_ids)",
  };
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) cutoff = g_date_time_add_days (now, -(int) MIN (args->when, 36500));
  g_autofree char *cutoff_str = el_timestamp_format (cutoff);

  (void) out_id;
  if (!exec_sql (w, "CREATE TEMP TABLE IF NOT EXISTS purge_ids (id TEXT PRIMARY KEY); DELETE FROM purge_ids",
                 error))
    return FALSE;
  {
    g_autoptr (ElStoreStmt) s =
        prep (w,
              "INSERT INTO purge_ids (id) SELECT h.id FROM handoffs h WHERE h.updated_at < "
              "?1 AND h.local = 0 AND NOT EXISTS (SELECT 1 FROM outbox o WHERE "
              "o.resource_type = 'handoff' AND o.resource_id = h.id) AND NOT EXISTS "
              "(SELECT 1 FROM sbar_versions v WHERE v.handoff_id = h.id AND v.pending_op "
              "IS NOT NULL)",
              error);

    if (s == NULL)
      return FALSE;
    bind_text (s, 1, cutoff_str);
    if (!exec_done (w, s, error))
      return FALSE;
  }
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (!exec_sql (w, steps[i], error))
      return FALSE;
  args->http_status = (guint) sqlite3_changes (w->db);
  return exec_sql (w, "DELETE FROM purge_ids", error);
}

static void
purge_job (ElStore *self, Worker *w, GTask *task, gpointer data)
{
  OpArgs *args = data;
  GError *error = NULL;
  gboolean ok;

  (void) self;
  ok = tx_begin (w, &error);
  if (ok)
    ok = tx_end (w, purge_write (w, args, NULL, &error), &error);
  if (ok)
    g_task_return_int (task, args->http_status);
  else
    g_task_return_error (task, error);
}

void
el_store_purge_async (ElStore *self,
                      guint retention_days,
                      GCancellable *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer user_data)
{
  OpArgs *args;

  g_return_if_fail (EL_IS_STORE (self));
  args = op_args_new (NULL);
  args->when = retention_days;
  store_run (self, el_store_purge_async, args, (GDestroyNotify) op_args_free, purge_job, cancellable,
             callback, user_data);
}

gint64
el_store_purge_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}

static gboolean
backup_to (Worker *w, const char *dest_path, GError **error)
{
  sqlite3 *dest = NULL;
  sqlite3_backup *backup;
  int rc;

  if (!check_open (w, error))
    return FALSE;
  if (!create_private_file (dest_path, TRUE, error))
    return FALSE;
  if (sqlite3_open_v2 (dest_path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    {
      g_set_error (error, EL_STORE_ERROR, EL_STORE_ERROR_IO, "cannot open the backup file: %s",
                   sqlite3_errmsg (dest));
      sqlite3_close_v2 (dest);
      return FALSE;
    }
  backup = sqlite3_backup_init (dest, "main", w->db, "main");
  if (backup == NULL)
    {
      g_set_error (error, EL_STORE_ERROR, EL_STORE_ERROR_FAILED, "backup: %s", sqlite3_errmsg (dest));
      sqlite3_close_v2 (dest);
      return FALSE;
    }
  rc = sqlite3_backup_step (backup, -1);
  sqlite3_backup_finish (backup);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, EL_STORE_ERROR, EL_STORE_ERROR_FAILED, "backup: %s", sqlite3_errstr (rc));
      sqlite3_close_v2 (dest);
      return FALSE;
    }
  rc = sqlite3_exec (dest, "PRAGMA synchronous = FULL; PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
  sqlite3_close_v2 (dest);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, EL_STORE_ERROR, EL_STORE_ERROR_FAILED, "backup: %s", sqlite3_errstr (rc));
      return FALSE;
    }
  return chmod_db_files (dest_path, error);
}

static void
backup_job (ElStore *self, Worker *w, GTask *task, gpointer data)
{
  GError *error = NULL;

  (void) self;
  if (backup_to (w, data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
el_store_backup_async (ElStore *self,
                       const char *dest_path,
                       GCancellable *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer user_data)
{
  g_return_if_fail (EL_IS_STORE (self));
  g_return_if_fail (dest_path != NULL);
  store_run (self, el_store_backup_async, g_strdup (dest_path), g_free, backup_job, cancellable, callback,
             user_data);
}

gboolean
el_store_backup_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  return finish_boolean (self, result, error);
}

/* Re-seals one column: every row is read first, then updated (updating a table while a SELECT walks
 * it may visit a row twice). */
static gboolean
reseal_column (Worker *w, ElVault *new_phi, guint i, GError **error)
{
  gboolean meta = g_str_equal (sealed_columns[i].table, "meta");
  g_autofree char *select = g_strdup_printf (
      "SELECT %s, %s FROM %s WHERE %s IS NOT NULL%s", sealed_columns[i].key_sql, sealed_columns[i].column,
      sealed_columns[i].table, sealed_columns[i].column, meta ? " AND key = 'key_check'" : "");
  g_autofree char *update = g_strdup_printf ("UPDATE %s SET %s = ?1 WHERE %s = ?2", sealed_columns[i].table,
                                             sealed_columns[i].column, sealed_columns[i].key_sql);
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  sqlite3_stmt *sel = NULL;
  sqlite3_stmt *upd = NULL;
  gboolean ok = FALSE;
  int rc;

  if (sqlite3_prepare_v2 (w->db, select, -1, &sel, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (w->db, update, -1, &upd, NULL) != SQLITE_OK)
    {
      set_sql_error (w, error, "rekey");
      goto out;
    }
  while ((rc = sqlite3_step (sel)) == SQLITE_ROW)
    {
      const char *key = col_text (sel, 0);
      g_autoptr (GBytes) plain =
          column_open (w, sel, 1, sealed_columns[i].table, key, sealed_columns[i].column, error);
      g_autofree char *ad = make_ad (sealed_columns[i].table, key, sealed_columns[i].column);
      g_autoptr (GError) local_error = NULL;
      GBytes *sealed;

      if (plain == NULL)
        goto out;
      sealed =
          el_vault_seal (new_phi, g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), ad, &local_error);
      if (sealed == NULL)
        {
          g_set_error (error, EL_STORE_ERROR, EL_STORE_ERROR_FAILED, "rekey: %s", local_error->message);
          goto out;
        }
      g_ptr_array_add (keys, g_strdup (key));
      g_ptr_array_add (values, sealed);
    }
  if (rc != SQLITE_DONE)
    {
      set_sql_error (w, error, "rekey");
      goto out;
    }
  for (guint r = 0; r < keys->len; r++)
    {
      GBytes *sealed = values->pdata[r];

      sqlite3_bind_blob64 (upd, 1, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed), SQLITE_STATIC);
      sqlite3_bind_text (upd, 2, keys->pdata[r], -1, SQLITE_STATIC);
      if (sqlite3_step (upd) != SQLITE_DONE)
        {
          set_sql_error (w, error, "rekey");
          goto out;
        }
      sqlite3_reset (upd);
    }
  ok = TRUE;
out:
  sqlite3_finalize (sel);
  sqlite3_finalize (upd);
  return ok;
}

static void
rekey_job (ElStore *self, Worker *w, GTask *task, gpointer data)
{
  g_autoptr (ElVault) new_phi = el_vault_new_derived (EL_VAULT (data), EL_STORE_VAULT_LABEL);
  GError *error = NULL;
  gboolean ok;

  (void) self;
  if (new_phi == NULL)
    {
      g_task_return_new_error (task, EL_STORE_ERROR, EL_STORE_ERROR_FAILED, "no HKDF for the store key");
      return;
    }
  ok = tx_begin (w, &error);
  if (ok)
    {
      gboolean done = TRUE;

      for (guint i = 0; done && i < G_N_ELEMENTS (sealed_columns); i++)
        done = reseal_column (w, new_phi, i, &error);
      ok = tx_end (w, done, &error);
    }
  if (!ok)
    {
      g_task_return_error (task, error);
      return;
    }
  g_set_object (&w->phi, new_phi);
  g_hash_table_remove_all (w->census_cache);
  g_task_return_boolean (task, TRUE);
}

void
el_store_rekey_async (ElStore *self,
                      ElVault *new_vault,
                      GCancellable *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer user_data)
{
  g_return_if_fail (EL_IS_STORE (self));
  g_return_if_fail (EL_IS_VAULT (new_vault));
  store_run (self, el_store_rekey_async, g_object_ref (new_vault), g_object_unref, rekey_job, cancellable,
             callback, user_data);
}

gboolean
el_store_rekey_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  return finish_boolean (self, result, error);
}

static void
pragma_job (ElStore *self, Worker *w, GTask *task, gpointer data)
{
  static const char *const names[] = {
    "journal_mode", "synchronous",  "secure_delete", "foreign_keys",
    "busy_timeout", "user_version", "temp_store",    NULL,
  };
  g_autofree char *sql = NULL;
  sqlite3_stmt *s = NULL;
  GError *error = NULL;

  (void) self;
  if (!g_strv_contains (names, data))
    {
      g_task_return_new_error (task, EL_STORE_ERROR, EL_STORE_ERROR_INVALID,
                               "not a setting the store reports");
      return;
    }
  if (!check_open (w, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  sql = g_strdup_printf ("PRAGMA %s", (const char *) data);
  if (sqlite3_prepare_v2 (w->db, sql, -1, &s, NULL) != SQLITE_OK || sqlite3_step (s) != SQLITE_ROW)
    {
      set_sql_error (w, &error, "pragma");
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, g_strdup ((const char *) sqlite3_column_text (s, 0)), g_free);
  sqlite3_finalize (s);
}

void
el_store_get_pragma_async (ElStore *self,
                           const char *name,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_return_if_fail (EL_IS_STORE (self));
  g_return_if_fail (name != NULL);
  store_run (self, el_store_get_pragma_async, g_strdup (name), g_free, pragma_job, cancellable, callback,
             user_data);
}

char *
el_store_get_pragma_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  return finish_string (self, result, error);
}

static void
integrity_job (ElStore *self, Worker *w, GTask *task, gpointer data)
{
  sqlite3_stmt *s = NULL;
  GError *error = NULL;
  int rc;

  (void) self;
  (void) data;
  if (!check_open (w, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (sqlite3_prepare_v2 (w->db, "PRAGMA integrity_check", -1, &s, NULL) != SQLITE_OK)
    {
      set_sql_error (w, &error, "integrity_check");
      g_task_return_error (task, error);
      return;
    }
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW && g_strcmp0 ((const char *) sqlite3_column_text (s, 0), "ok") == 0)
    g_task_return_boolean (task, TRUE);
  else if (rc == SQLITE_ROW)
    g_task_return_new_error (task, EL_STORE_ERROR, EL_STORE_ERROR_CORRUPT, "integrity_check failed");
  else
    {
      set_sql_error (w, &error, "integrity_check");
      g_task_return_error (task, error);
    }
  sqlite3_finalize (s);
}

void
el_store_integrity_check_async (ElStore *self,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_return_if_fail (EL_IS_STORE (self));
  store_run (self, el_store_integrity_check_async, NULL, NULL, integrity_job, cancellable, callback,
             user_data);
}

gboolean
el_store_integrity_check_finish (ElStore *self, GAsyncResult *result, GError **error)
{
  return finish_boolean (self, result, error);
}
