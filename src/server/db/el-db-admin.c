/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-db-admin.h"
#include "el-audit.h"
#include "el-db-private.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define BACKUP_PAGES_PER_STEP 256

void
el_db_check_report_free (ElDbCheckReport *report)
{
  if (report == NULL)
    return;
  g_free (report->integrity);
  g_free (report->foreign_key_first);
  g_free (report->audit_problem);
  g_free (report->sealed_first_bad);
  g_free (report);
}

/**
 * el_db_check_report_ok:
 * @report: a report
 *
 * Returns: %TRUE when every check passed
 */
gboolean
el_db_check_report_ok (const ElDbCheckReport *report)
{
  g_return_val_if_fail (report != NULL, FALSE);

  return g_strcmp0 (report->integrity, "ok") == 0 && report->foreign_key_violations == 0 &&
         report->audit_first_bad_id == 0 && report->audit_problem == NULL && report->sealed_first_bad == NULL;
}

/**
 * el_db_check_report_problem:
 * @report: a report
 *
 * Returns: (transfer full) (nullable): the first failed check, in one line; %NULL when all passed
 */
char *
el_db_check_report_problem (const ElDbCheckReport *report)
{
  g_return_val_if_fail (report != NULL, NULL);

  if (g_strcmp0 (report->integrity, "ok") != 0)
    return g_strdup_printf ("integrity check failed: %s", report->integrity);
  if (report->foreign_key_violations > 0)
    return g_strdup_printf ("%" G_GINT64_FORMAT " foreign key violations, first: %s",
                            report->foreign_key_violations, report->foreign_key_first);
  if (report->audit_problem != NULL)
    return g_strdup (report->audit_problem);
  if (report->sealed_first_bad != NULL)
    return g_strdup_printf ("sealed value does not open: %s", report->sealed_first_bad);
  return NULL;
}

/* "ok", or up to three of the problems integrity_check found, on one line. */
static char *
run_integrity_check (ElDb *db)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GString) problems = g_string_new (NULL);
  sqlite3 *handle = el_db_get_handle (db);
  int rc = sqlite3_prepare_v2 (handle, "PRAGMA integrity_check (3)", -1, &stmt, NULL);

  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (problems->len > 0)
        g_string_append (problems, "; ");
      g_string_append (problems, (const char *) sqlite3_column_text (stmt, 0));
      rc = SQLITE_OK;
    }
  if (rc != SQLITE_DONE)
    {
      if (problems->len > 0)
        g_string_append (problems, "; ");
      g_string_append (problems, sqlite3_errmsg (handle));
    }
  g_strdelimit (problems->str, "\r\n\t", ' ');
  return g_string_free (g_steal_pointer (&problems), FALSE);
}

static gboolean
run_foreign_key_check (ElDb *db, ElDbCheckReport *report, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  sqlite3 *handle = el_db_get_handle (db);
  int rc = sqlite3_prepare_v2 (handle, "PRAGMA foreign_key_check", -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return el_db_set_error (db, rc, "foreign_key_check", error);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (report->foreign_key_violations++ == 0)
        report->foreign_key_first = g_strdup_printf ("%s row %" G_GINT64_FORMAT " refers to a missing %s row",
                                                     (const char *) sqlite3_column_text (stmt, 0),
                                                     (gint64) sqlite3_column_int64 (stmt, 1),
                                                     (const char *) sqlite3_column_text (stmt, 2));
    }
  if (rc != SQLITE_DONE)
    return el_db_set_error (db, rc, "foreign_key_check", error);
  return TRUE;
}

static gboolean
run_sealed_check (ElDb *db, ElDbCheckReport *report, GError **error)
{
  const ElDbSealedColumn *columns;
  guint n_columns = 0;

  report->sealed_values = 0;
  columns = el_db_get_sealed_columns (&n_columns);
  for (guint i = 0; i < n_columns && report->sealed_first_bad == NULL; i++)
    {
      g_autofree char *sql =
          g_strdup_printf ("SELECT %s, %s FROM %s WHERE %s IS NOT NULL", columns[i].row_id_sql,
                           columns[i].column, columns[i].table, columns[i].column);
      g_autoptr (sqlite3_stmt) stmt = NULL;
      sqlite3 *handle = el_db_get_handle (db);
      int rc = sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL);

      if (rc != SQLITE_OK)
        return el_db_set_error (db, rc, "sealed values", error);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          g_autoptr (GBytes) plain = NULL;
          const char *row_id = (const char *) sqlite3_column_text (stmt, 0);

          plain = el_db_unseal (db, columns[i].table, row_id != NULL ? row_id : "", columns[i].column,
                                sqlite3_column_blob (stmt, 1), (gsize) sqlite3_column_bytes (stmt, 1), NULL);
          if (plain == NULL)
            {
              report->sealed_first_bad =
                  g_strdup_printf ("%s.%s of row %s", columns[i].table, columns[i].column, row_id);
              break;
            }
          report->sealed_values++;
        }
      if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return el_db_set_error (db, rc, "sealed values", error);
    }
  return TRUE;
}

/**
 * el_db_check:
 * @db: a database
 * @error: an %EL_DB_ERROR when a check could not run at all
 *
 * Runs every check (see el-db-admin.h); a failed check is in the report, not an error.
 *
 * Returns: (transfer full) (nullable): the report
 */
ElDbCheckReport *
el_db_check (ElDb *db, GError **error)
{
  g_autoptr (ElDbCheckReport) report = g_new0 (ElDbCheckReport, 1);
  g_autoptr (GError) audit_error = NULL;

  g_return_val_if_fail (EL_IS_DB (db), NULL);

  report->sealed_values = -1;
  report->integrity = run_integrity_check (db);
  if (g_strcmp0 (report->integrity, "ok") != 0)
    return g_steal_pointer (&report); /* the other checks could crash into the damage */
  if (!run_foreign_key_check (db, report, error))
    return NULL;
  if (!el_audit_verify_full (db, &report->audit_first_bad_id, &report->audit_events, &audit_error))
    report->audit_problem = g_strdup (audit_error->message);
  if (el_db_has_key (db) && !run_sealed_check (db, report, error))
    return NULL;
  return g_steal_pointer (&report);
}

/* Files ----------------------------------------------------------------------------------------- */

static gboolean
io_error (GError **error, const char *what, const char *path, int saved_errno)
{
  g_set_error (error, EL_DB_ERROR, EL_DB_ERROR_IO, "%s %s: %s", what, path, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
fsync_path (const char *path, gboolean directory, GError **error)
{
  int fd = g_open (path, (directory ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC, 0);

  if (fd < 0)
    return io_error (error, "cannot open", path, errno);
  if (fsync (fd) != 0)
    {
      int saved = errno;

      close (fd);
      return io_error (error, "cannot flush", path, saved);
    }
  close (fd);
  return TRUE;
}

static gboolean
fsync_parent (const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  return fsync_path (dir, TRUE, error);
}

/* A new empty file next to @path, mode 0600: "<dir>/.<name>.<what>-XXXXXX". */
static char *
make_temp_next_to (const char *path, const char *what, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *name = g_strdup_printf (".%s.%s-XXXXXX", base, what);
  char *temp = g_build_filename (dir, name, NULL);
  int fd = g_mkstemp_full (temp, O_RDWR | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      io_error (error, "cannot create a file next to", path, errno);
      g_free (temp);
      return NULL;
    }
  close (fd);
  return temp;
}

static void
remove_sqlite_files (const char *path)
{
  static const char *const suffixes[] = { "", "-journal", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_unlink (file);
    }
}

/* Leaves WAL mode so the file is complete on its own; fails when another connection has it open. */
static gboolean
set_rollback_journal (sqlite3 *handle, const char *path, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc = sqlite3_prepare_v2 (handle, "PRAGMA journal_mode = DELETE", -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      g_autofree char *context = g_strdup_printf ("%s: cannot leave WAL mode", path);

      return el_db_set_sqlite_error (handle, rc, context, error);
    }
  if (g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "delete") != 0)
    {
      g_set_error (error, EL_DB_ERROR, EL_DB_ERROR_BUSY, "%s: cannot leave WAL mode", path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
open_raw (const char *path, sqlite3 **handle, GError **error)
{
  int rc = sqlite3_open_v2 (path, handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_EXRESCODE, NULL);

  if (rc != SQLITE_OK)
    {
      g_autofree char *context = g_strdup_printf ("cannot open %s", path);

      return el_db_set_sqlite_error (*handle, rc, context, error);
    }
  sqlite3_extended_result_codes (*handle, 1);
  return TRUE;
}

static gboolean
check_copy (
    const char *path, ElVault *vault, ElDbOpenFlags flags, ElDbCheckReport **report_out, GError **error)
{
  g_autoptr (ElDb) db = el_db_open_full (path, vault, flags | EL_DB_OPEN_INSPECT, error);
  g_autoptr (ElDbCheckReport) report = NULL;
  g_autofree char *problem = NULL;

  if (db == NULL)
    return FALSE;
  report = el_db_check (db, error);
  if (report == NULL)
    return FALSE;
  problem = el_db_check_report_problem (report);
  if (report_out != NULL)
    *report_out = g_steal_pointer (&report);
  if (problem != NULL)
    {
      g_set_error (error, EL_DB_ERROR, EL_DB_ERROR_CORRUPT, "%s", problem);
      return FALSE;
    }
  return TRUE;
}

/* TRUE when @a and @b exist and are the same file (whatever the path spelling). */
static gboolean
same_file (const char *a, const char *b)
{
  GStatBuf sa, sb;

  return g_stat (a, &sa) == 0 && g_stat (b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Backup ---------------------------------------------------------------------------------------- */

static gboolean
copy_pages (ElDb *db, sqlite3 *dest, GError **error)
{
  sqlite3 *src = el_db_get_handle (db);
  sqlite3_backup *backup;
  guint busy_waits = 0;
  int rc;

  backup = sqlite3_backup_init (dest, "main", src, "main");
  if (backup == NULL)
    return el_db_set_sqlite_error (dest, sqlite3_errcode (dest), "backup", error);
  do
    {
      rc = sqlite3_backup_step (backup, BACKUP_PAGES_PER_STEP);
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        {
          if (++busy_waits > 500) /* about 5 s without progress */
            break;
          sqlite3_sleep (10);
        }
      else
        busy_waits = 0;
    }
  while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish (backup);
  if (rc != SQLITE_DONE)
    return el_db_set_sqlite_error (dest, rc, "backup", error);
  return TRUE;
}

/**
 * el_db_backup:
 * @db: the database to copy (no transaction open on it)
 * @dest_path: the backup file
 * @overwrite: replace @dest_path if it exists
 * @report: (out) (optional) (transfer full): the copy's check
 * @error: an %EL_DB_ERROR, or %G_IO_ERROR_EXISTS
 *
 * Returns: %TRUE when @dest_path holds a checked copy
 */
gboolean
el_db_backup (ElDb *db, const char *dest_path, gboolean overwrite, ElDbCheckReport **report, GError **error)
{
  g_autofree char *temp = NULL;
  gboolean ok;

  g_return_val_if_fail (EL_IS_DB (db), FALSE);
  g_return_val_if_fail (dest_path != NULL, FALSE);

  if (same_file (dest_path, el_db_get_path (db)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s is the database itself", dest_path);
      return FALSE;
    }
  if (!overwrite && g_file_test (dest_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "%s exists (--force replaces it)", dest_path);
      return FALSE;
    }
  if (el_db_in_transaction (db))
    {
      g_set_error_literal (error, EL_DB_ERROR, EL_DB_ERROR_MISUSE,
                           "el_db_backup() needs a connection at rest");
      return FALSE;
    }
  temp = make_temp_next_to (dest_path, "backup", error);
  if (temp == NULL)
    return FALSE;

  {
    g_autoptr (sqlite3) dest = NULL;
    g_autoptr (GError) rollback_error = NULL;

    /* One read snapshot for every step: a writer's commits do not restart the copy. */
    ok = open_raw (temp, &dest, error) && el_db_exec (db, "BEGIN", error) &&
         el_db_exec (db, "SELECT count(*) FROM sqlite_schema", error);
    if (ok)
      ok = copy_pages (db, dest, error);
    el_db_rollback (db, &rollback_error);
    ok = ok && set_rollback_journal (dest, temp, error);
  }

  ok = ok && check_copy (temp, NULL, EL_DB_OPEN_DEFAULT, report, error) && fsync_path (temp, FALSE, error);
  if (ok && g_rename (temp, dest_path) != 0)
    ok = io_error (error, "cannot rename the copy to", dest_path, errno);
  if (!ok)
    {
      remove_sqlite_files (temp);
      return FALSE;
    }
  return fsync_parent (dest_path, error);
}

/* Restore --------------------------------------------------------------------------------------- */

static char *
previous_name (const char *db_path)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  char *path = g_strdup_printf ("%s.before-restore-%s", db_path, stamp);

  for (guint i = 2; g_file_test (path, G_FILE_TEST_EXISTS); i++)
    {
      g_free (path);
      path = g_strdup_printf ("%s.before-restore-%s-%u", db_path, stamp, i);
    }
  return path;
}

static gboolean
stage_copy (const char *backup_path, const char *staged, ElVault *vault, GError **error)
{
  g_autoptr (GFile) from = g_file_new_for_path (backup_path);
  g_autoptr (GFile) to = g_file_new_for_path (staged);
  g_autoptr (sqlite3) handle = NULL;
  g_autofree char *wal = g_strconcat (staged, "-wal", NULL);

  if (!g_file_copy (from, to, G_FILE_COPY_OVERWRITE | G_FILE_COPY_NOFOLLOW_SYMLINKS, NULL, NULL, NULL, error))
    return FALSE;
  if (g_chmod (staged, 0600) != 0)
    return io_error (error, "cannot chmod", staged, errno);

  /* Migrate (a backup of an older version) and check, before the live database is touched. */
  if (!check_copy (staged, vault, EL_DB_OPEN_MIGRATE, NULL, error))
    {
      g_prefix_error (error, "%s: ", backup_path);
      return FALSE;
    }
  if (!open_raw (staged, &handle, error) || !set_rollback_journal (handle, staged, error))
    return FALSE;
  g_clear_pointer (&handle, sqlite3_close);
  if (g_file_test (wal, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, EL_DB_ERROR, EL_DB_ERROR_IO, "%s still has a WAL file", staged);
      return FALSE;
    }
  return fsync_path (staged, FALSE, error);
}

/**
 * el_db_restore:
 * @db_path: the live database
 * @backup_path: a file made by el_db_backup()
 * @vault: (nullable): the master key: the copy's key check and sealed values are checked too
 * @previous_path: (out) (optional) (transfer full): where the replaced database was kept, %NULL
 *   when there was none
 * @report: (out) (optional) (transfer full): the check of the restored database
 * @error: %EL_DB_ERROR_LOCKED (a server holds the lock), %EL_DB_ERROR_BUSY (another connection
 *   has the database open), %EL_DB_ERROR_CORRUPT (the backup failed its check; nothing changed),
 *   another %EL_DB_ERROR, or a %G_IO_ERROR
 *
 * See el-db-admin.h.
 *
 * Returns: %TRUE when the live database is the checked copy of @backup_path
 */
gboolean
el_db_restore (const char *db_path,
               const char *backup_path,
               ElVault *vault,
               char **previous_path,
               ElDbCheckReport **report,
               GError **error)
{
  g_autoptr (ElDbLock) lock = NULL;
  g_autofree char *staged = NULL;
  g_autofree char *previous = NULL;
  g_autofree char *live_wal = g_strconcat (db_path, "-wal", NULL);
  g_autoptr (sqlite3) live = NULL;
  gboolean ok = TRUE;

  g_return_val_if_fail (db_path != NULL && backup_path != NULL, FALSE);

  if (previous_path != NULL)
    *previous_path = NULL;

  lock = el_db_lock_acquire (db_path, EL_DB_LOCK_EXCLUSIVE, error);
  if (lock == NULL)
    return FALSE;
  if (!g_file_test (backup_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s is not a file", backup_path);
      return FALSE;
    }
  if (same_file (backup_path, db_path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s is the database itself", backup_path);
      return FALSE;
    }

  staged = make_temp_next_to (db_path, "restore", error);
  if (staged == NULL)
    return FALSE;
  if (!stage_copy (backup_path, staged, vault, error))
    {
      remove_sqlite_files (staged);
      return FALSE;
    }

  if (g_file_test (db_path, G_FILE_TEST_EXISTS))
    {
      /* Leaving WAL mode needs every other connection closed; then hold an exclusive lock on the
       * old file until it is replaced. */
      ok = open_raw (db_path, &live, error) && set_rollback_journal (live, db_path, error);
      if (!ok && g_error_matches (*error, EL_DB_ERROR, EL_DB_ERROR_BUSY))
        g_prefix_error (error, "another process has the database open (stop the server first): ");
      ok = ok && el_db_exec_raw (live, "BEGIN EXCLUSIVE", error);
      if (ok && g_file_test (live_wal, G_FILE_TEST_EXISTS))
        {
          g_set_error (error, EL_DB_ERROR, EL_DB_ERROR_BUSY, "%s still has a WAL file", db_path);
          ok = FALSE;
        }
      if (ok)
        {
          previous = previous_name (db_path);
          if (link (db_path, previous) != 0)
            ok = io_error (error, "cannot keep the current database as", previous, errno);
        }
    }
  if (ok && g_rename (staged, db_path) != 0)
    ok = io_error (error, "cannot move the restored database to", db_path, errno);
  if (!ok)
    {
      remove_sqlite_files (staged);
      if (previous != NULL)
        g_unlink (previous);
      return FALSE;
    }
  g_clear_pointer (&live, sqlite3_close); /* its lock was on the replaced file */
  if (!fsync_parent (db_path, error))
    return FALSE;
  if (previous_path != NULL)
    *previous_path = g_steal_pointer (&previous);

  if (!check_copy (db_path, vault, EL_DB_OPEN_DEFAULT, report, error))
    {
      g_prefix_error (error, "the restored database failed its check: ");
      return FALSE;
    }
  return TRUE;
}
