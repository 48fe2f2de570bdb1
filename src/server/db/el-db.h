/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <sqlite3.h>

#include "el-vault.h"

G_BEGIN_DECLS

/*
 * ElDb: one SQLite connection to the server's database, for one thread at a time. The serving
 * thread has one; a worker thread (the job runner) opens its own with the same ElVault.
 *
 * el_db_open() sets, on every connection: journal_mode=WAL, synchronous=FULL, foreign_keys=ON,
 * busy_timeout=5000 ms, secure_delete=ON, trusted_schema=OFF and SQLITE_DBCONFIG_DEFENSIVE. It
 * refuses a file that is not an EclipseLink database (PRAGMA application_id), a database whose
 * schema is newer than this binary (%EL_DB_ERROR_TOO_NEW) and one not yet migrated
 * (%EL_DB_ERROR_NOT_MIGRATED, also for a missing file) unless opened with %EL_DB_OPEN_MIGRATE.
 * Migrations run by PRAGMA user_version, each in one IMMEDIATE transaction (el-db-schema.c holds
 * the SQL and documents every table).
 *
 * Keys. With a vault (the master key, ENCRYPTION_KEY), ElDb derives two subkeys:
 * EL_DB_KEY_LABEL_PHI seals PHI columns, EL_DB_KEY_LABEL_MRN_INDEX makes the MRN blind index.
 * Audio files use EL_DB_KEY_LABEL_AUDIO (el_vault_new_derived (master, EL_DB_KEY_LABEL_AUDIO)).
 * The first open with a vault stores a sealed check value in the `meta` table; a later open with
 * another key fails with %EL_DB_ERROR_WRONG_KEY instead of mixing two keys in one database.
 * Without a vault (migrate, check, backup, restore), the sealed-column calls fail with
 * %EL_DB_ERROR_NO_KEY.
 *
 * Sealed columns hold el_vault_seal() output made with the PHI key and the associated data
 * "<table>|<row id>|<column>|1" (el_db_sealed_ad()), so a value moved to another row or column does
 * not open. The row id of idempotency_keys is "<scope>|<key>".
 *
 * Statements. el_db_prepare() returns a cached statement (ElDbStmt), reset and with its bindings
 * cleared: hold it in a g_autoptr (ElDbStmt), which resets it again when it goes out of scope, so
 * a half-read SELECT never keeps a read transaction open. Never finalize it. el_db_step() maps
 * errors to EL_DB_ERROR.
 *
 * Transactions. el_db_begin_immediate() / el_db_commit() / el_db_rollback(), or a guard:
 *
 *   g_autoptr (ElDbTransaction) txn = el_db_transaction_begin (db, error);
 *   if (txn == NULL)
 *     return FALSE;
 *   ... writes, el_audit_append (), el_db_next_change () ...
 *   return el_db_transaction_commit (txn, error); // freed without a commit = ROLLBACK
 *
 * Timestamps are the models' canonical UTC strings ("2026-11-25T07:15:00.000Z",
 * el_db_timestamp_now()), so they sort as text.
 *
 * The server lock (who may replace the database file). Every process that serves the database
 * holds a SHARED lock, `restore` (and `migrate`, when it has migrations to apply) an EXCLUSIVE one:
 *
 *   g_autoptr (ElDbLock) lock = el_db_lock_acquire (config->database_path, EL_DB_LOCK_SHARED, &error);
 *   // NULL with EL_DB_ERROR_LOCKED: a restore or migration is running; exit 1 with the message
 *   ... serve; keep `lock` until the process exits ...
 *
 * The lock is flock(2) on "<database path>.lock" (created with mode 0600, never deleted), never
 * waits, and dies with its process (SIGKILL included), so no stale lock survives a crash.
 * `restore` also refuses while any other connection has the database open (switching the live
 * database out of WAL mode needs every other connection closed): a process that does not take the
 * lock is still detected while it has the database open.
 *
 * What `serve` does with this: take the SHARED lock, then el_db_open() (never migrating, except
 * `serve --dev` with %EL_DB_OPEN_MIGRATE; an unmigrated or too new database is exit 2 or 1 with
 * the error's one line), one ElDb per thread, el_db_purge_idempotency_keys() now and then (e.g.
 * hourly), el_db_checkpoint() at shutdown, and release the lock last.
 */

#define EL_DB_SCHEMA_VERSION  3
#define EL_DB_APPLICATION_ID  0x454c4e4b /* "ELNK" */
#define EL_DB_BUSY_TIMEOUT_MS 5000

#define EL_DB_KEY_LABEL_PHI       "phi"
#define EL_DB_KEY_LABEL_MRN_INDEX "mrn-index"
#define EL_DB_KEY_LABEL_AUDIO     "audio"

#define EL_DB_MRN_INDEX_BYTES            32
#define EL_DB_IDEMPOTENCY_RETENTION_DAYS 30

#define EL_DB_ERROR (el_db_error_quark ())

typedef enum
{
  EL_DB_ERROR_FAILED,       /* any other SQLite error */
  EL_DB_ERROR_BUSY,         /* SQLITE_BUSY/SQLITE_LOCKED once busy_timeout ran out */
  EL_DB_ERROR_CONSTRAINT,   /* CHECK, NOT NULL, or a trigger's RAISE(ABORT) (audit rows are append-only) */
  EL_DB_ERROR_UNIQUE,       /* UNIQUE or PRIMARY KEY (includes the one-latest-version index) */
  EL_DB_ERROR_FOREIGN_KEY,  /* FOREIGN KEY */
  EL_DB_ERROR_CORRUPT,      /* SQLITE_CORRUPT, SQLITE_NOTADB */
  EL_DB_ERROR_IO,           /* SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_READONLY, SQLITE_PERM */
  EL_DB_ERROR_NOT_MIGRATED, /* user_version below EL_DB_SCHEMA_VERSION, or no database file yet */
  EL_DB_ERROR_TOO_NEW,      /* user_version above EL_DB_SCHEMA_VERSION: a newer binary migrated it */
  EL_DB_ERROR_WRONG_FILE,   /* a SQLite file of another application */
  EL_DB_ERROR_WRONG_KEY,    /* the vault's key is not the one the database was sealed with */
  EL_DB_ERROR_NO_KEY,       /* a sealed column was used on an ElDb opened without a vault */
  EL_DB_ERROR_SEALED,       /* a sealed value does not open (tampered, or moved to another row) */
  EL_DB_ERROR_LOCKED,       /* el_db_lock_acquire(): another process holds the server lock */
  EL_DB_ERROR_MISUSE,       /* a call outside a transaction that needs one, a nested BEGIN, ... */
} ElDbError;

typedef enum
{
  EL_DB_OPEN_DEFAULT = 0,
  EL_DB_OPEN_MIGRATE = 1 << 0, /* create the file if missing and apply pending migrations */
  EL_DB_OPEN_INSPECT = 1 << 1, /* a copy being checked (backup, restore): leave its journal mode alone */
} ElDbOpenFlags;

typedef enum
{
  EL_DB_CHANGE_UPSERT,
  EL_DB_CHANGE_DELETE,
} ElDbChangeOp;

#define EL_TYPE_DB (el_db_get_type ())
G_DECLARE_FINAL_TYPE (ElDb, el_db, EL, DB, GObject)

/* A statement from el_db_prepare()'s cache; g_autoptr (ElDbStmt) resets it, never finalizes it. */
typedef sqlite3_stmt ElDbStmt;
typedef struct ElDbTransaction ElDbTransaction;
typedef struct ElDbLock ElDbLock;

typedef enum
{
  EL_DB_LOCK_SHARED,    /* serve, seed-demo: many at once */
  EL_DB_LOCK_EXCLUSIVE, /* restore, migrate: nobody else */
} ElDbLockMode;

GQuark el_db_error_quark (void);
gboolean el_db_error_is_constraint (const GError *error);

ElDb *el_db_open (const char *path, ElVault *vault, GError **error);
ElDb *el_db_open_full (const char *path, ElVault *vault, ElDbOpenFlags flags, GError **error);
gboolean el_db_migrate (ElDb *self, GError **error);
int el_db_read_schema_version (const char *path, GError **error);

sqlite3 *el_db_get_handle (ElDb *self);
gboolean el_db_has_key (ElDb *self);
const char *el_db_get_path (ElDb *self);
void el_db_set_busy_timeout (ElDb *self, int ms);

ElDbStmt *el_db_prepare (ElDb *self, const char *sql, GError **error);
void el_db_stmt_release (ElDbStmt *stmt);
int el_db_step (ElDb *self, ElDbStmt *stmt, GError **error);
gboolean el_db_exec (ElDb *self, const char *sql, GError **error);
gboolean el_db_set_error (ElDb *self, int rc, const char *context, GError **error);

gboolean el_db_begin_immediate (ElDb *self, GError **error);
gboolean el_db_commit (ElDb *self, GError **error);
gboolean el_db_rollback (ElDb *self, GError **error);
gboolean el_db_in_transaction (ElDb *self);

ElDbTransaction *el_db_transaction_begin (ElDb *db, GError **error);
gboolean el_db_transaction_commit (ElDbTransaction *txn, GError **error);
void el_db_transaction_free (ElDbTransaction *txn);

gint64 el_db_next_change (ElDb *self,
                          const char *entity_type,
                          const char *entity_id,
                          ElDbChangeOp op,
                          const char *unit_id,
                          GError **error);
const char *el_db_change_op_to_string (ElDbChangeOp op);

char *el_db_sealed_ad (const char *table, const char *row_id, const char *column);
GBytes *el_db_seal (ElDb *self,
                    const char *table,
                    const char *row_id,
                    const char *column,
                    const void *plaintext,
                    gsize len,
                    GError **error);
GBytes *el_db_unseal (ElDb *self,
                      const char *table,
                      const char *row_id,
                      const char *column,
                      const void *sealed,
                      gsize len,
                      GError **error);
gboolean el_db_bind_sealed (ElDb *self,
                            ElDbStmt *stmt,
                            int index,
                            const char *table,
                            const char *row_id,
                            const char *column,
                            const char *text,
                            gssize len,
                            GError **error);
gboolean el_db_column_sealed (ElDb *self,
                              ElDbStmt *stmt,
                              int col,
                              const char *table,
                              const char *row_id,
                              const char *column,
                              char **text,
                              gsize *len,
                              GError **error);
gboolean el_db_mrn_index (ElDb *self, const char *mrn, guint8 out[EL_DB_MRN_INDEX_BYTES], GError **error);

char *el_db_timestamp_now (void);
gint64 el_db_purge_idempotency_keys (ElDb *self, GDateTime *now, GError **error);
gboolean el_db_checkpoint (ElDb *self, GError **error);

ElDbLock *el_db_lock_acquire (const char *db_path, ElDbLockMode mode, GError **error);
void el_db_lock_release (ElDbLock *lock);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3, sqlite3_close)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElDbStmt, el_db_stmt_release)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElDbTransaction, el_db_transaction_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElDbLock, el_db_lock_release)

G_END_DECLS
