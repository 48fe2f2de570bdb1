/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The staff directory: each connection keeps the change feed's JSON text of the units and users it
 * has written, for one generation of the directory.
 *
 * Most of a first page of the feed is units and users (every unit and every colleague), read again
 * on every first sync; looking each one up cost more than the rest of the page. They are not PHI
 * and change rarely. directory_generation.n (schema version 3) is raised by triggers in the
 * transaction that inserts, updates or deletes a unit or a user, so within one read snapshot the
 * same n means the same units and users: the cache is emptied whenever the snapshot's n differs
 * from the one its entries were read at, and is never stale. A unit or user that is gone is not
 * cached (the feed writes its tombstone).
 *
 * A connection is used by one thread at a time, so its directory needs no lock.
 */
#include "config.h"

#include "el-repo-directory.h"
#include "el-repo-private.h"
#include "el-repo-staff.h"

/* Per kind: a hospital's staff fits many times over; beyond it, lookups are simply not cached. */
#define MAX_ENTRIES 20000

struct _ElRepoDirectory
{
  gint64 generation;                              /* of the entries; -1 = none read yet */
  GHashTable *entries[EL_REPO_DIRECTORY_N_KINDS]; /* id (owned) -> GBytes of the JSON text */
};

static GQuark
directory_quark (void)
{
  static gsize quark;

  if (g_once_init_enter (&quark))
    g_once_init_leave (&quark, g_quark_from_static_string ("el-repo-directory"));
  return (GQuark) quark;
}

static void
directory_free (gpointer data)
{
  ElRepoDirectory *dir = data;

  for (guint i = 0; i < EL_REPO_DIRECTORY_N_KINDS; i++)
    g_hash_table_unref (dir->entries[i]);
  g_free (dir);
}

static ElRepoDirectory *
directory_new (void)
{
  ElRepoDirectory *dir = g_new0 (ElRepoDirectory, 1);

  dir->generation = -1;
  for (guint i = 0; i < EL_REPO_DIRECTORY_N_KINDS; i++)
    dir->entries[i] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  return dir;
}

/**
 * el_repo_directory_begin:
 * @db: a connection, in the transaction (el_repo_read_begin()) the entries will be used in
 * @error: an EL_DB_ERROR
 *
 * Reads the snapshot's directory generation and returns the connection's directory, emptied if its
 * entries are of another generation.
 *
 * Returns: (transfer none) (nullable): the directory, owned by @db
 */
ElRepoDirectory *
el_repo_directory_begin (ElDb *db, GError **error)
{
  g_autoptr (ElDbStmt) stmt = el_db_prepare (db, "SELECT n FROM directory_generation WHERE id = 1", error);
  ElRepoDirectory *dir;
  gint64 generation;
  int rc;

  if (stmt == NULL)
    return NULL;
  rc = el_db_step (db, stmt, error);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return NULL;
  /* Nothing is cached without the row (only a hand-edited database has none) or inside a write
   * transaction of the caller's: what it wrote may yet be rolled back, and a later commit elsewhere
   * could bring the generation back to the same number over other rows. */
  generation = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : -1;
  if (sqlite3_txn_state (el_db_get_handle (db), "main") == SQLITE_TXN_WRITE)
    generation = -1;

  dir = g_object_get_qdata (G_OBJECT (db), directory_quark ());
  if (dir == NULL)
    {
      dir = directory_new ();
      g_object_set_qdata_full (G_OBJECT (db), directory_quark (), dir, directory_free);
    }
  if (dir->generation != generation || generation < 0)
    {
      for (guint i = 0; i < EL_REPO_DIRECTORY_N_KINDS; i++)
        g_hash_table_remove_all (dir->entries[i]);
      dir->generation = generation;
    }
  return dir;
}

/**
 * el_repo_directory_write_json:
 * @dir: from el_repo_directory_begin() in the current read transaction
 * @db: the same connection
 * @kind: a unit or a user
 * @id: its id
 * @out: where its JSON text (el_repo_unit_write_json(), el_repo_user_write_json()) is appended
 * @error: %EL_REPO_ERROR_NOT_FOUND when it is gone, an EL_DB_ERROR
 *
 * Returns: %TRUE when appended
 */
gboolean
el_repo_directory_write_json (
    ElRepoDirectory *dir, ElDb *db, ElRepoDirectoryKind kind, const char *id, GString *out, GError **error)
{
  GHashTable *entries;
  GBytes *cached;
  gsize start = out->len;
  gboolean found;

  g_return_val_if_fail (dir != NULL && kind < EL_REPO_DIRECTORY_N_KINDS && id != NULL, FALSE);

  entries = dir->entries[kind];
  cached = g_hash_table_lookup (entries, id);
  if (cached != NULL)
    {
      gsize len = 0;
      const char *json = g_bytes_get_data (cached, &len);

      g_string_append_len (out, json, (gssize) len);
      return TRUE;
    }
  if (kind == EL_REPO_DIRECTORY_UNIT)
    found = el_repo_unit_write_json (db, id, out, error);
  else
    found = el_repo_user_write_json (db, id, out, error);
  if (found && dir->generation >= 0 && g_hash_table_size (entries) < MAX_ENTRIES)
    g_hash_table_insert (entries, g_strdup (id), g_bytes_new (out->str + start, out->len - start));
  return found;
}

/* For tests: how many entries of @kind @db's directory holds (0 before its first use). */
guint
el_repo_directory_size (ElDb *db, ElRepoDirectoryKind kind)
{
  ElRepoDirectory *dir = g_object_get_qdata (G_OBJECT (db), directory_quark ());

  g_return_val_if_fail (kind < EL_REPO_DIRECTORY_N_KINDS, 0);

  return dir != NULL ? g_hash_table_size (dir->entries[kind]) : 0;
}
