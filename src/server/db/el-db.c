/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-db.h"
#include "el-db-private.h"
#include "el-model-types.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <openssl/crypto.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#define KEY_CHECK_KEY   "key_check"
#define KEY_CHECK_VALUE "eclipselink key check v1"

struct _ElDb
{
  GObject parent_instance;

  sqlite3 *handle;
  char *path;
  ElVault *phi;      /* seals PHI columns; NULL without a key */
  ElVault *mrn;      /* MRN blind index */
  GHashTable *stmts; /* SQL text -> sqlite3_stmt, finalized with the connection */
};

/* Spelled out rather than G_DEFINE_QUARK (): cppcheck cannot parse that macro next to a type
 * definition. */
GQuark
el_db_error_quark (void)
{
  static GQuark quark = 0;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("el-db-error-quark");
  return quark;
}

G_DEFINE_FINAL_TYPE (ElDb, el_db, G_TYPE_OBJECT)

static void
el_db_finalize (GObject *object)
{
  ElDb *self = EL_DB (object);

  g_clear_pointer (&self->stmts, g_hash_table_unref); /* finalizes every cached statement */
  if (self->handle != NULL)
    {
      if (sqlite3_close (self->handle) != SQLITE_OK)
        g_warning ("could not close the database: %s", sqlite3_errmsg (self->handle));
      self->handle = NULL;
    }
  g_clear_object (&self->phi);
  g_clear_object (&self->mrn);
  g_free (self->path);

  G_OBJECT_CLASS (el_db_parent_class)->finalize (object);
}

static void
el_db_class_init (ElDbClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = el_db_finalize;
}

static void
finalize_stmt (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
el_db_init (ElDb *self)
{
  self->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_stmt);
}

/* Errors ---------------------------------------------------------------------------------------- */

static ElDbError
map_code (int rc)
{
  switch (rc & 0xff)
    {
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        return EL_DB_ERROR_BUSY;
      case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
          return EL_DB_ERROR_UNIQUE;
        if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
          return EL_DB_ERROR_FOREIGN_KEY;
        return EL_DB_ERROR_CONSTRAINT;
      case SQLITE_CORRUPT:
      case SQLITE_NOTADB:
        return EL_DB_ERROR_CORRUPT;
      case SQLITE_IOERR:
      case SQLITE_FULL:
      case SQLITE_CANTOPEN:
      case SQLITE_READONLY:
      case SQLITE_PERM:
        return EL_DB_ERROR_IO;
      default:
        return EL_DB_ERROR_FAILED;
    }
}

gboolean
el_db_set_sqlite_error (sqlite3 *handle, int rc, const char *context, GError **error)
{
  const char *message = handle != NULL ? sqlite3_errmsg (handle) : sqlite3_errstr (rc);

  /* SQLite's messages name tables and columns ("UNIQUE constraint failed: users.email"), never
   * values, so they are safe to pass on. */
  if (context != NULL)
    g_set_error (error, EL_DB_ERROR, map_code (rc), "%s: %s", context, message);
  else
    g_set_error_literal (error, EL_DB_ERROR, map_code (rc), message);
  return FALSE;
}

/**
 * el_db_set_error:
 * @self: the connection that returned @rc
 * @rc: a SQLite result code (extended codes are on)
 * @context: (nullable): what was being done, prefixed to SQLite's message
 * @error: receives the matching %EL_DB_ERROR
 *
 * Returns: %FALSE, for `return el_db_set_error (...)`
 */
gboolean
el_db_set_error (ElDb *self, int rc, const char *context, GError **error)
{
  return el_db_set_sqlite_error (self != NULL ? self->handle : NULL, rc, context, error);
}

/**
 * el_db_error_is_constraint:
 * @error: (nullable): an error
 *
 * Returns: %TRUE for any constraint violation: %EL_DB_ERROR_CONSTRAINT, %EL_DB_ERROR_UNIQUE or
 *   %EL_DB_ERROR_FOREIGN_KEY
 */
gboolean
el_db_error_is_constraint (const GError *error)
{
  return error != NULL && error->domain == EL_DB_ERROR &&
         (error->code == EL_DB_ERROR_CONSTRAINT || error->code == EL_DB_ERROR_UNIQUE ||
          error->code == EL_DB_ERROR_FOREIGN_KEY);
}

static gboolean
misuse (GError **error, const char *message)
{
  g_set_error_literal (error, EL_DB_ERROR, EL_DB_ERROR_MISUSE, message);
  return FALSE;
}

/* Statements ------------------------------------------------------------------------------------ */

/**
 * el_db_prepare:
 * @self: a database
 * @sql: one SQL statement, usually a string constant
 * @error: an %EL_DB_ERROR
 *
 * Returns the statement cached for @sql (prepared on first use), reset, with its bindings cleared.
 * A statement that is still being stepped (the same SQL used twice at once) is an
 * %EL_DB_ERROR_MISUSE rather than being reset under its first user.
 *
 * Returns: (transfer none) (nullable): the statement; hold it in a g_autoptr (ElDbStmt)
 */
ElDbStmt *
el_db_prepare (ElDb *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt;
  const char *tail = NULL;
  int rc;

  g_return_val_if_fail (EL_IS_DB (self), NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  stmt = g_hash_table_lookup (self->stmts, sql);
  if (stmt != NULL)
    {
      if (sqlite3_stmt_busy (stmt))
        {
          misuse (error, "statement already in use (the same SQL is being stepped elsewhere)");
          return NULL;
        }
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
  if (rc != SQLITE_OK)
    {
      el_db_set_error (self, rc, "prepare", error);
      return NULL;
    }
  while (tail != NULL && g_ascii_isspace (*tail))
    tail++;
  if (stmt == NULL || (tail != NULL && *tail != '\0'))
    {
      sqlite3_finalize (stmt);
      misuse (error, "el_db_prepare() takes exactly one SQL statement");
      return NULL;
    }
  g_hash_table_insert (self->stmts, g_strdup (sql), stmt);
  return stmt;
}

/**
 * el_db_stmt_release:
 * @stmt: (nullable): a statement from el_db_prepare()
 *
 * Resets the statement and clears its bindings (ending any read it kept open); the cache keeps it.
 */
void
el_db_stmt_release (ElDbStmt *stmt)
{
  if (stmt == NULL)
    return;
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

/**
 * el_db_step:
 * @self: the statement's database
 * @stmt: a statement
 * @error: an %EL_DB_ERROR unless the result is SQLITE_ROW or SQLITE_DONE
 *
 * Returns: SQLITE_ROW, SQLITE_DONE, or the failing SQLite result code with @error set
 */
int
el_db_step (ElDb *self, ElDbStmt *stmt, GError **error)
{
  int rc;

  g_return_val_if_fail (EL_IS_DB (self), SQLITE_MISUSE);
  g_return_val_if_fail (stmt != NULL, SQLITE_MISUSE);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    el_db_set_error (self, rc, NULL, error);
  return rc;
}

/**
 * el_db_exec:
 * @self: a database
 * @sql: one or more SQL statements without results
 * @error: an %EL_DB_ERROR
 */
gboolean
el_db_exec (ElDb *self, const char *sql, GError **error)
{
  int rc;

  g_return_val_if_fail (EL_IS_DB (self), FALSE);

  rc = sqlite3_exec (self->handle, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    return el_db_set_error (self, rc, NULL, error);
  return TRUE;
}

gboolean
el_db_exec_raw (sqlite3 *handle, const char *sql, GError **error)
{
  int rc = sqlite3_exec (handle, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return el_db_set_sqlite_error (handle, rc, NULL, error);
  return TRUE;
}

static gboolean
query_int (sqlite3 *handle, const char *sql, gint64 *out, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc = sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return el_db_set_sqlite_error (handle, rc, NULL, error);
  *out = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

static char *
query_text (sqlite3 *handle, const char *sql, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc = sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      el_db_set_sqlite_error (handle, rc, NULL, error);
      return NULL;
    }
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

/* Transactions ---------------------------------------------------------------------------------- */

/**
 * el_db_in_transaction:
 * @self: a database
 *
 * Returns: %TRUE between a BEGIN and its COMMIT or ROLLBACK
 */
gboolean
el_db_in_transaction (ElDb *self)
{
  g_return_val_if_fail (EL_IS_DB (self), FALSE);

  return !sqlite3_get_autocommit (self->handle);
}

/**
 * el_db_begin_immediate:
 * @self: a database, not in a transaction
 * @error: %EL_DB_ERROR_BUSY when another writer held the lock for the whole busy timeout,
 *   %EL_DB_ERROR_MISUSE when a transaction is already open
 *
 * Starts a write transaction, taking the write lock now (so it cannot fail later for a lock).
 */
gboolean
el_db_begin_immediate (ElDb *self, GError **error)
{
  g_return_val_if_fail (EL_IS_DB (self), FALSE);

  if (el_db_in_transaction (self))
    return misuse (error, "a transaction is already open on this connection");
  return el_db_exec (self, "BEGIN IMMEDIATE", error);
}

/**
 * el_db_commit:
 * @self: a database in a transaction
 * @error: an %EL_DB_ERROR (a deferred foreign key, the disk); the transaction stays open then:
 *   roll it back
 */
gboolean
el_db_commit (ElDb *self, GError **error)
{
  g_return_val_if_fail (EL_IS_DB (self), FALSE);

  if (!el_db_in_transaction (self))
    return misuse (error, "COMMIT without a transaction");
  return el_db_exec (self, "COMMIT", error);
}

/**
 * el_db_rollback:
 * @self: a database
 * @error: an %EL_DB_ERROR
 *
 * Rolls back the open transaction, if any (SQLite may already have rolled it back after an error).
 */
gboolean
el_db_rollback (ElDb *self, GError **error)
{
  g_return_val_if_fail (EL_IS_DB (self), FALSE);

  if (!el_db_in_transaction (self))
    return TRUE;
  return el_db_exec (self, "ROLLBACK", error);
}

struct ElDbTransaction
{
  ElDb *db;
  gboolean finished;
};

/**
 * el_db_transaction_begin:
 * @db: a database, not in a transaction
 * @error: as el_db_begin_immediate()
 *
 * Returns: (transfer full) (nullable): a guard: el_db_transaction_commit() commits; freeing it
 *   without a successful commit rolls back
 */
ElDbTransaction *
el_db_transaction_begin (ElDb *db, GError **error)
{
  ElDbTransaction *txn;

  g_return_val_if_fail (EL_IS_DB (db), NULL);

  if (!el_db_begin_immediate (db, error))
    return NULL;
  txn = g_new0 (ElDbTransaction, 1);
  txn->db = g_object_ref (db);
  return txn;
}

/**
 * el_db_transaction_commit:
 * @txn: a guard from el_db_transaction_begin()
 * @error: an %EL_DB_ERROR; the guard then rolls back when freed
 */
gboolean
el_db_transaction_commit (ElDbTransaction *txn, GError **error)
{
  g_return_val_if_fail (txn != NULL, FALSE);

  if (txn->finished)
    return misuse (error, "transaction already committed");
  if (!el_db_commit (txn->db, error))
    return FALSE;
  txn->finished = TRUE;
  return TRUE;
}

/**
 * el_db_transaction_free:
 * @txn: (nullable): a guard
 *
 * Rolls back unless the transaction was committed, then frees the guard.
 */
void
el_db_transaction_free (ElDbTransaction *txn)
{
  g_autoptr (GError) error = NULL;

  if (txn == NULL)
    return;
  if (!txn->finished && !el_db_rollback (txn->db, &error))
    g_warning ("ROLLBACK failed: %s", error->message);
  g_object_unref (txn->db);
  g_free (txn);
}

/* Opening and migrating ------------------------------------------------------------------------- */

static gboolean
apply_pragmas (ElDb *self, ElDbOpenFlags flags, GError **error)
{
  g_autofree char *mode = NULL;

  if ((flags & EL_DB_OPEN_INSPECT) == 0)
    {
      mode = query_text (self->handle, "PRAGMA journal_mode = WAL", error);
      if (mode == NULL)
        return FALSE;
      if (g_ascii_strcasecmp (mode, "wal") != 0)
        {
          g_set_error (error, EL_DB_ERROR, EL_DB_ERROR_IO, "could not switch %s to WAL mode", self->path);
          return FALSE;
        }
    }
  return el_db_exec (self,
                     "PRAGMA synchronous = FULL;"
                     "PRAGMA foreign_keys = ON;"
                     "PRAGMA secure_delete = ON;"
                     "PRAGMA trusted_schema = OFF;",
                     error);
}

static int
read_user_version (ElDb *self, GError **error)
{
  gint64 version = -1;

  if (!query_int (self->handle, "PRAGMA user_version", &version, error))
    return -1;
  return (int) version;
}

/* Refuses SQLite files that another application made. */
static gboolean
check_application (sqlite3 *handle, const char *path, GError **error)
{
  gint64 app_id = 0, version = 0, n_objects = 0;

  if (!query_int (handle, "PRAGMA application_id", &app_id, error) ||
      !query_int (handle, "PRAGMA user_version", &version, error) ||
      !query_int (handle, "SELECT count(*) FROM sqlite_schema", &n_objects, error))
    return FALSE;
  if (app_id == EL_DB_APPLICATION_ID || (app_id == 0 && version == 0 && n_objects == 0))
    return TRUE;
  g_set_error (error, EL_DB_ERROR, EL_DB_ERROR_WRONG_FILE, "%s is not an EclipseLink database", path);
  return FALSE;
}

static gboolean
check_version (int version, gboolean migrate, const char *path, GError **error)
{
  if (version > EL_DB_SCHEMA_VERSION)
    {
      g_set_error (error, EL_DB_ERROR, EL_DB_ERROR_TOO_NEW,
                   "%s has schema version %d, newer than this eclipselink-server (%d): upgrade it", path,
                   version, EL_DB_SCHEMA_VERSION);
      return FALSE;
    }
  if (version < EL_DB_SCHEMA_VERSION && !migrate)
    {
      g_set_error (
          error, EL_DB_ERROR, EL_DB_ERROR_NOT_MIGRATED,
          "%s has schema version %d, this eclipselink-server needs %d: run `eclipselink-server migrate`",
          path, version, EL_DB_SCHEMA_VERSION);
      return FALSE;
    }
  return TRUE;
}

/**
 * el_db_migrate:
 * @self: a database
 * @error: an %EL_DB_ERROR (%EL_DB_ERROR_TOO_NEW for a newer schema)
 *
 * Applies every pending migration, each in its own IMMEDIATE transaction that also sets
 * user_version; a migration another process applied meanwhile is skipped. Idempotent.
 */
gboolean
el_db_migrate (ElDb *self, GError **error)
{
  const ElDbMigration *migrations;
  guint n_migrations = 0;

  g_return_val_if_fail (EL_IS_DB (self), FALSE);

  migrations = el_db_get_migrations (&n_migrations);
  for (guint i = 0; i < n_migrations; i++)
    {
      g_autoptr (ElDbTransaction) txn = NULL;
      g_autofree char *set_version = NULL;
      int version;

      txn = el_db_transaction_begin (self, error);
      if (txn == NULL)
        return FALSE;
      version = read_user_version (self, error);
      if (version < 0)
        return FALSE;
      if (version > EL_DB_SCHEMA_VERSION)
        return check_version (version, TRUE, self->path, error);
      if (version >= migrations[i].version)
        continue; /* the guard rolls the empty transaction back */
      if (version != migrations[i].version - 1)
        {
          g_set_error (error, EL_DB_ERROR, EL_DB_ERROR_FAILED, "%s: cannot migrate from version %d to %d",
                       self->path, version, migrations[i].version);
          return FALSE;
        }
      set_version = g_strdup_printf ("PRAGMA user_version = %d", migrations[i].version);
      if (!el_db_exec (self, migrations[i].sql, error) || !el_db_exec (self, set_version, error) ||
          !el_db_transaction_commit (txn, error))
        {
          g_prefix_error (error, "migration to schema version %d: ", migrations[i].version);
          return FALSE;
        }
      g_debug ("migrated %s to schema version %d", self->path, migrations[i].version);
    }
  return TRUE;
}

/* Stores the key check value on first use of a key, and compares it afterwards. */
static gboolean
check_key (ElDb *self, GError **error)
{
  for (int attempt = 0; attempt < 2; attempt++)
    {
      g_autoptr (GError) local_error = NULL;
      g_autoptr (GBytes) sealed = NULL;
      g_autoptr (GBytes) plain = NULL;
      gboolean found = FALSE;
      int rc;

      {
        g_autoptr (ElDbStmt) stmt = el_db_prepare (self, "SELECT value FROM meta WHERE key = ?1", error);

        if (stmt == NULL)
          return FALSE;
        sqlite3_bind_text (stmt, 1, KEY_CHECK_KEY, -1, SQLITE_STATIC);
        rc = el_db_step (self, stmt, error);
        if (rc == SQLITE_ROW)
          {
            found = TRUE;
            plain = el_db_unseal (self, "meta", KEY_CHECK_KEY, "value", sqlite3_column_blob (stmt, 0),
                                  (gsize) sqlite3_column_bytes (stmt, 0), &local_error);
          }
        else if (rc != SQLITE_DONE)
          return FALSE;
      }

      if (found)
        {
          if (plain == NULL || g_bytes_get_size (plain) != strlen (KEY_CHECK_VALUE) ||
              memcmp (g_bytes_get_data (plain, NULL), KEY_CHECK_VALUE, strlen (KEY_CHECK_VALUE)) != 0)
            {
              g_set_error (error, EL_DB_ERROR, EL_DB_ERROR_WRONG_KEY,
                           "ENCRYPTION_KEY is not the key %s was encrypted with", self->path);
              return FALSE;
            }
          return TRUE;
        }

      sealed =
          el_db_seal (self, "meta", KEY_CHECK_KEY, "value", KEY_CHECK_VALUE, strlen (KEY_CHECK_VALUE), error);
      if (sealed == NULL)
        return FALSE;
      {
        g_autoptr (ElDbTransaction) txn = el_db_transaction_begin (self, error);
        g_autoptr (ElDbStmt) insert = NULL;

        if (txn == NULL)
          return FALSE;
        insert = el_db_prepare (self, "INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)", error);
        if (insert == NULL)
          return FALSE;
        sqlite3_bind_text (insert, 1, KEY_CHECK_KEY, -1, SQLITE_STATIC);
        sqlite3_bind_blob64 (insert, 2, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed),
                             SQLITE_STATIC);
        if (el_db_step (self, insert, error) != SQLITE_DONE)
          return FALSE;
        el_db_stmt_release (insert);
        if (!el_db_transaction_commit (txn, error))
          return FALSE;
      }
      /* Read it back: another process may have stored its own first. */
    }
  g_set_error (error, EL_DB_ERROR, EL_DB_ERROR_FAILED, "could not store the key check of %s", self->path);
  return FALSE;
}

/**
 * el_db_open_full:
 * @path: the database file
 * @vault: (nullable): the master key (ENCRYPTION_KEY); %NULL for commands that never touch a
 *   sealed column
 * @flags: %EL_DB_OPEN_MIGRATE to create the file and apply migrations; %EL_DB_OPEN_INSPECT for a
 *   copy being checked (its journal mode is left as it is)
 * @error: an %EL_DB_ERROR
 *
 * Returns: (transfer full) (nullable): the connection
 */
/* Before SQLite's first use in the process: no memory statistics. With them every allocation of
 * every connection takes one process-wide mutex, and the request workers' connections contended
 * for it (profiled at 5-10 % of a worker's time serving the change feed, much of it in futex
 * calls). Nothing here reads sqlite3_memory_used(). Too late (SQLITE_MISUSE) is harmless. */
static gpointer
configure_sqlite_once (gpointer data)
{
  sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
  return NULL;
}

ElDb *
el_db_open_full (const char *path, ElVault *vault, ElDbOpenFlags flags, GError **error)
{
  static GOnce configured = G_ONCE_INIT;

  g_autoptr (ElDb) self = NULL;
  int open_flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  gboolean migrate = (flags & EL_DB_OPEN_MIGRATE) != 0;
  int version;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (vault == NULL || EL_IS_VAULT (vault), NULL);

  if (migrate)
    open_flags |= SQLITE_OPEN_CREATE;
  else if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, EL_DB_ERROR, EL_DB_ERROR_NOT_MIGRATED,
                   "%s does not exist: run `eclipselink-server migrate` to create it", path);
      return NULL;
    }

  g_once (&configured, configure_sqlite_once, NULL);
  self = g_object_new (EL_TYPE_DB, NULL);
  self->path = g_strdup (path);
  rc = sqlite3_open_v2 (path, &self->handle, open_flags, NULL);
  if (rc != SQLITE_OK)
    {
      g_autofree char *context = g_strdup_printf ("cannot open %s", path);

      el_db_set_error (self, rc, context, error);
      return NULL;
    }
  sqlite3_extended_result_codes (self->handle, 1);
  sqlite3_busy_timeout (self->handle, EL_DB_BUSY_TIMEOUT_MS);
  sqlite3_db_config (self->handle, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config (self->handle, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);

  if (!check_application (self->handle, path, error))
    return NULL;
  version = read_user_version (self, error);
  if (version < 0 || !check_version (version, migrate, path, error) || !apply_pragmas (self, flags, error))
    return NULL;
  if (version < EL_DB_SCHEMA_VERSION && !el_db_migrate (self, error))
    return NULL;

  if (vault != NULL)
    {
      self->phi = el_vault_new_derived (vault, EL_DB_KEY_LABEL_PHI);
      self->mrn = el_vault_new_derived (vault, EL_DB_KEY_LABEL_MRN_INDEX);
      if (self->phi == NULL || self->mrn == NULL)
        {
          g_set_error_literal (error, EL_DB_ERROR, EL_DB_ERROR_FAILED, "could not derive the database keys");
          return NULL;
        }
      if (!check_key (self, error))
        return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * el_db_open:
 * @path: the database file
 * @vault: (nullable): the master key
 * @error: an %EL_DB_ERROR; %EL_DB_ERROR_NOT_MIGRATED and %EL_DB_ERROR_TOO_NEW as in el-db.h
 *
 * Opens a database that is at this binary's schema version (el_db_open_full() without flags).
 *
 * Returns: (transfer full) (nullable): the connection
 */
ElDb *
el_db_open (const char *path, ElVault *vault, GError **error)
{
  return el_db_open_full (path, vault, EL_DB_OPEN_DEFAULT, error);
}

/**
 * el_db_read_schema_version:
 * @path: a database file
 * @error: an %EL_DB_ERROR (%EL_DB_ERROR_WRONG_FILE for another application's file)
 *
 * Reads user_version without changing anything (a missing file is version 0).
 *
 * Returns: the schema version, or -1 with @error set
 */
int
el_db_read_schema_version (const char *path, GError **error)
{
  g_autoptr (sqlite3) handle = NULL;
  gint64 version = 0;
  int rc;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return 0;
  rc = sqlite3_open_v2 (path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_EXRESCODE, NULL);
  if (rc != SQLITE_OK)
    {
      el_db_set_sqlite_error (handle, rc, path, error);
      return -1;
    }
  sqlite3_busy_timeout (handle, EL_DB_BUSY_TIMEOUT_MS);
  if (!check_application (handle, path, error) || !query_int (handle, "PRAGMA user_version", &version, error))
    return -1;
  return (int) version;
}

/**
 * el_db_get_handle:
 * @self: a database
 *
 * Returns: (transfer none): the SQLite connection, for what ElDb does not wrap
 */
sqlite3 *
el_db_get_handle (ElDb *self)
{
  g_return_val_if_fail (EL_IS_DB (self), NULL);

  return self->handle;
}

/**
 * el_db_has_key:
 * @self: a database
 *
 * Returns: %TRUE when opened with a vault (sealed columns can be read and written)
 */
gboolean
el_db_has_key (ElDb *self)
{
  g_return_val_if_fail (EL_IS_DB (self), FALSE);

  return self->phi != NULL;
}

const char *
el_db_get_path (ElDb *self)
{
  g_return_val_if_fail (EL_IS_DB (self), NULL);

  return self->path;
}

/**
 * el_db_set_busy_timeout:
 * @self: a database
 * @ms: how long a statement waits for another connection's lock (default EL_DB_BUSY_TIMEOUT_MS)
 */
void
el_db_set_busy_timeout (ElDb *self, int ms)
{
  g_return_if_fail (EL_IS_DB (self));

  sqlite3_busy_timeout (self->handle, ms);
}

/* Change feed ----------------------------------------------------------------------------------- */

const char *
el_db_change_op_to_string (ElDbChangeOp op)
{
  switch (op)
    {
      case EL_DB_CHANGE_UPSERT:
        return "upsert";
      case EL_DB_CHANGE_DELETE:
        return "delete";
      default:
        return NULL;
    }
}

/**
 * el_db_next_change:
 * @self: a database, in the write transaction that changes the entity
 * @entity_type: "patient", "handoff", "sbar_version", "recording", ...
 * @entity_id: the entity's id
 * @op: upsert or delete (a tombstone)
 * @unit_id: (nullable): the unit whose members may see the change; %NULL = every unit
 * @error: an %EL_DB_ERROR (%EL_DB_ERROR_MISUSE outside a transaction)
 *
 * Appends to the change feed: the entity's earlier entries are replaced by this one, whose
 * sequence number is greater than any before (AUTOINCREMENT never reuses one). Commit order is
 * sequence order (SQLite has one writer at a time).
 *
 * Returns: the new sequence number (> 0), or 0 with @error set
 */
gint64
el_db_next_change (ElDb *self,
                   const char *entity_type,
                   const char *entity_id,
                   ElDbChangeOp op,
                   const char *unit_id,
                   GError **error)
{
  g_autofree char *now = NULL;
  const char *op_str = el_db_change_op_to_string (op);

  g_return_val_if_fail (EL_IS_DB (self), 0);
  g_return_val_if_fail (entity_type != NULL && entity_id != NULL, 0);
  g_return_val_if_fail (op_str != NULL, 0);

  if (!el_db_in_transaction (self))
    {
      misuse (error, "el_db_next_change() must run in the transaction that makes the change");
      return 0;
    }

  {
    g_autoptr (ElDbStmt) stmt =
        el_db_prepare (self, "DELETE FROM changes WHERE entity_type = ?1 AND entity_id = ?2", error);

    if (stmt == NULL)
      return 0;
    sqlite3_bind_text (stmt, 1, entity_type, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 2, entity_id, -1, SQLITE_STATIC);
    if (el_db_step (self, stmt, error) != SQLITE_DONE)
      return 0;
  }

  now = el_db_timestamp_now ();
  {
    g_autoptr (ElDbStmt) stmt = el_db_prepare (
        self, "INSERT INTO changes (entity_type, entity_id, op, unit_id, at) VALUES (?1, ?2, ?3, ?4, ?5)",
        error);

    if (stmt == NULL)
      return 0;
    sqlite3_bind_text (stmt, 1, entity_type, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 2, entity_id, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 3, op_str, -1, SQLITE_STATIC);
    if (unit_id != NULL)
      sqlite3_bind_text (stmt, 4, unit_id, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 5, now, -1, SQLITE_STATIC);
    if (el_db_step (self, stmt, error) != SQLITE_DONE)
      return 0;
  }
  return sqlite3_last_insert_rowid (self->handle);
}

/* Sealed columns -------------------------------------------------------------------------------- */

/**
 * el_db_sealed_ad:
 * @table: the table
 * @row_id: the row's id (for idempotency_keys: "<scope>|<key>")
 * @column: the column
 *
 * Returns: (transfer full): the associated data of a sealed value, "<table>|<row id>|<column>|1"
 */
char *
el_db_sealed_ad (const char *table, const char *row_id, const char *column)
{
  g_return_val_if_fail (table != NULL && strchr (table, '|') == NULL, NULL);
  g_return_val_if_fail (column != NULL && strchr (column, '|') == NULL, NULL);
  g_return_val_if_fail (row_id != NULL, NULL);

  /* no printf: this runs for every sealed value read */
  return g_strconcat (table, "|", row_id, "|", column, "|1", NULL);
}

static gboolean
require_key (ElDb *self, GError **error)
{
  if (self->phi != NULL)
    return TRUE;
  g_set_error_literal (error, EL_DB_ERROR, EL_DB_ERROR_NO_KEY,
                       "this database connection was opened without ENCRYPTION_KEY");
  return FALSE;
}

/**
 * el_db_seal:
 * @self: a database opened with a vault
 * @table: where the value goes
 * @row_id: the row's id
 * @column: the column
 * @plaintext: (array length=len): the value
 * @len: its length
 * @error: an %EL_DB_ERROR (%EL_DB_ERROR_NO_KEY without a vault)
 *
 * Returns: (transfer full) (nullable): the sealed value to store
 */
GBytes *
el_db_seal (ElDb *self,
            const char *table,
            const char *row_id,
            const char *column,
            const void *plaintext,
            gsize len,
            GError **error)
{
  g_autofree char *ad = NULL;
  g_autoptr (GError) local_error = NULL;
  GBytes *sealed;

  g_return_val_if_fail (EL_IS_DB (self), NULL);

  if (!require_key (self, error))
    return NULL;
  ad = el_db_sealed_ad (table, row_id, column);
  sealed = el_vault_seal (self->phi, plaintext, len, ad, &local_error);
  if (sealed == NULL)
    g_set_error (error, EL_DB_ERROR, EL_DB_ERROR_FAILED, "cannot seal %s.%s: %s", table, column,
                 local_error->message);
  return sealed;
}

/**
 * el_db_unseal:
 * @self: a database opened with a vault
 * @table: where the value was read
 * @row_id: the row's id
 * @column: the column
 * @sealed: (array length=len): the stored value
 * @len: its length
 * @error: %EL_DB_ERROR_SEALED when the value does not open (modified, moved from another row or
 *   column, another key), %EL_DB_ERROR_NO_KEY without a vault
 *
 * Returns: (transfer full) (nullable): the plaintext, followed by a NUL byte its size does not count
 */
GBytes *
el_db_unseal (ElDb *self,
              const char *table,
              const char *row_id,
              const char *column,
              const void *sealed,
              gsize len,
              GError **error)
{
  g_autofree char *ad = NULL;
  g_autoptr (GError) local_error = NULL;
  GBytes *plain;

  g_return_val_if_fail (EL_IS_DB (self), NULL);

  if (!require_key (self, error))
    return NULL;
  ad = el_db_sealed_ad (table, row_id, column);
  plain = el_vault_open (self->phi, sealed != NULL ? sealed : "", sealed != NULL ? len : 0, ad, &local_error);
  if (plain == NULL)
    g_set_error (error, EL_DB_ERROR, EL_DB_ERROR_SEALED, "%s.%s does not open: %s", table, column,
                 local_error->message);
  return plain;
}

/**
 * el_db_bind_sealed:
 * @self: a database opened with a vault
 * @stmt: a statement
 * @index: the parameter (1-based)
 * @table: the table the statement writes
 * @row_id: the row's id
 * @column: the column
 * @text: (nullable): the value (%NULL binds SQL NULL)
 * @len: its length, or -1 when NUL-terminated
 * @error: an %EL_DB_ERROR
 *
 * Seals @text for table/row_id/column and binds the result.
 */
gboolean
el_db_bind_sealed (ElDb *self,
                   ElDbStmt *stmt,
                   int index,
                   const char *table,
                   const char *row_id,
                   const char *column,
                   const char *text,
                   gssize len,
                   GError **error)
{
  g_autoptr (GBytes) sealed = NULL;
  gsize size = 0;
  gpointer data;
  int rc;

  g_return_val_if_fail (EL_IS_DB (self), FALSE);
  g_return_val_if_fail (stmt != NULL, FALSE);

  if (text == NULL)
    rc = sqlite3_bind_null (stmt, index);
  else
    {
      sealed = el_db_seal (self, table, row_id, column, text, len < 0 ? strlen (text) : (gsize) len, error);
      if (sealed == NULL)
        return FALSE;
      data = g_bytes_unref_to_data (g_steal_pointer (&sealed), &size);
      rc = sqlite3_bind_blob64 (stmt, index, data, size, g_free);
    }
  if (rc != SQLITE_OK)
    return el_db_set_error (self, rc, "bind", error);
  return TRUE;
}

/**
 * el_db_column_sealed:
 * @self: a database opened with a vault
 * @stmt: a statement on a row
 * @col: the result column (0-based) holding the sealed value
 * @table: the table it came from
 * @row_id: the row's id
 * @column: the column's name in @table
 * @text: (out) (transfer full) (nullable): the plaintext, NUL-terminated; %NULL for SQL NULL
 * @len: (out) (optional): its length
 * @error: an %EL_DB_ERROR (%EL_DB_ERROR_SEALED when the value does not open)
 */
gboolean
el_db_column_sealed (ElDb *self,
                     ElDbStmt *stmt,
                     int col,
                     const char *table,
                     const char *row_id,
                     const char *column,
                     char **text,
                     gsize *len,
                     GError **error)
{
  g_autoptr (GBytes) plain = NULL;
  gsize size = 0;
  const void *data;

  g_return_val_if_fail (EL_IS_DB (self), FALSE);
  g_return_val_if_fail (stmt != NULL && text != NULL, FALSE);

  *text = NULL;
  if (len != NULL)
    *len = 0;
  if (sqlite3_column_type (stmt, col) == SQLITE_NULL)
    return TRUE;
  data = sqlite3_column_blob (stmt, col);
  plain = el_db_unseal (self, table, row_id, column, data, (gsize) sqlite3_column_bytes (stmt, col), error);
  if (plain == NULL)
    return FALSE;
  data = g_bytes_get_data (plain, &size);
  *text = g_malloc (size + 1);
  if (size > 0)
    memcpy (*text, data, size);
  (*text)[size] = '\0';
  if (len != NULL)
    *len = size;
  return TRUE;
}

/**
 * el_db_mrn_index:
 * @self: a database opened with a vault
 * @mrn: a medical record number
 * @out: HMAC-SHA256 with the MRN key of the MRN trimmed of white space and upper-cased (ASCII)
 * @error: %EL_DB_ERROR_NO_KEY, or %EL_DB_ERROR_CONSTRAINT for an empty MRN
 *
 * The blind index of patients.mrn_index: find a patient by MRN, or refuse a second patient with
 * the same MRN, without storing the MRN in clear.
 */
gboolean
el_db_mrn_index (ElDb *self, const char *mrn, guint8 out[EL_DB_MRN_INDEX_BYTES], GError **error)
{
  g_autofree char *normalized = NULL;

  g_return_val_if_fail (EL_IS_DB (self), FALSE);
  g_return_val_if_fail (mrn != NULL, FALSE);

  if (!require_key (self, error))
    return FALSE;
  normalized = g_ascii_strup (mrn, -1);
  g_strstrip (normalized);
  if (*normalized == '\0')
    {
      g_set_error_literal (error, EL_DB_ERROR, EL_DB_ERROR_CONSTRAINT, "empty MRN");
      return FALSE;
    }
  el_vault_mac (self->mrn, normalized, strlen (normalized), out);
  OPENSSL_cleanse (normalized, strlen (normalized));
  return TRUE;
}

/* Maintenance ----------------------------------------------------------------------------------- */

/**
 * el_db_timestamp_now:
 *
 * Returns: (transfer full): the current time as stored: "YYYY-MM-DDThh:mm:ss.sssZ"
 */
char *
el_db_timestamp_now (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  return el_timestamp_format (now);
}

/**
 * el_db_purge_idempotency_keys:
 * @self: a database
 * @now: (nullable): the current time (%NULL: now)
 * @error: an %EL_DB_ERROR
 *
 * Deletes idempotency keys older than EL_DB_IDEMPOTENCY_RETENTION_DAYS.
 *
 * Returns: how many were deleted, or -1 with @error set
 */
gint64
el_db_purge_idempotency_keys (ElDb *self, GDateTime *now, GError **error)
{
  g_autoptr (GDateTime) current = now != NULL ? g_date_time_ref (now) : g_date_time_new_now_utc ();
  g_autoptr (GDateTime) cutoff = g_date_time_add_days (current, -EL_DB_IDEMPOTENCY_RETENTION_DAYS);
  g_autofree char *cutoff_str = el_timestamp_format (cutoff);
  g_autoptr (ElDbStmt) stmt = NULL;

  g_return_val_if_fail (EL_IS_DB (self), -1);

  stmt = el_db_prepare (self, "DELETE FROM idempotency_keys WHERE created_at < ?1", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, cutoff_str, -1, SQLITE_STATIC);
  if (el_db_step (self, stmt, error) != SQLITE_DONE)
    return -1;
  return sqlite3_changes64 (self->handle);
}

/**
 * el_db_checkpoint:
 * @self: a database
 * @error: %EL_DB_ERROR_BUSY when readers kept the WAL from being emptied
 *
 * Copies the WAL into the database and truncates it (at shutdown).
 */
gboolean
el_db_checkpoint (ElDb *self, GError **error)
{
  int rc;

  g_return_val_if_fail (EL_IS_DB (self), FALSE);

  rc = sqlite3_wal_checkpoint_v2 (self->handle, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
  if (rc != SQLITE_OK)
    return el_db_set_error (self, rc, "checkpoint", error);
  return TRUE;
}

/* The server lock ------------------------------------------------------------------------------- */

struct ElDbLock
{
  int fd;
};

/**
 * el_db_lock_acquire:
 * @db_path: the database file (the lock is "<db_path>.lock")
 * @mode: shared (serving) or exclusive (replacing the file)
 * @error: %EL_DB_ERROR_LOCKED when another process holds a conflicting lock, %EL_DB_ERROR_IO
 *
 * Takes the server lock without waiting (see el-db.h). Released by el_db_lock_release() or when
 * the process ends.
 *
 * Returns: (transfer full) (nullable): the lock
 */
ElDbLock *
el_db_lock_acquire (const char *db_path, ElDbLockMode mode, GError **error)
{
  g_autofree char *lock_path = NULL;
  ElDbLock *lock;
  int fd;

  g_return_val_if_fail (db_path != NULL, NULL);

  lock_path = g_strconcat (db_path, ".lock", NULL);
  fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, EL_DB_ERROR, EL_DB_ERROR_IO, "cannot open %s: %s", lock_path, g_strerror (saved));
      return NULL;
    }
  if (flock (fd, (mode == EL_DB_LOCK_EXCLUSIVE ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0)
    {
      int saved = errno;

      close (fd);
      if (saved == EWOULDBLOCK)
        g_set_error (error, EL_DB_ERROR, EL_DB_ERROR_LOCKED,
                     "%s is in use by another eclipselink-server process (%s is locked)", db_path, lock_path);
      else
        g_set_error (error, EL_DB_ERROR, EL_DB_ERROR_IO, "cannot lock %s: %s", lock_path, g_strerror (saved));
      return NULL;
    }
  lock = g_new0 (ElDbLock, 1);
  lock->fd = fd;
  return lock;
}

/**
 * el_db_lock_release:
 * @lock: (nullable): a lock
 */
void
el_db_lock_release (ElDbLock *lock)
{
  if (lock == NULL)
    return;
  flock (lock->fd, LOCK_UN);
  close (lock->fd);
  g_free (lock);
}
