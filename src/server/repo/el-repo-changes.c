/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The change feed: pages of upserts and tombstones by sequence number. */
#include "config.h"

#include "el-repo-directory.h"
#include "el-repo-private.h"

#include <string.h>

/* The order the contract asks clients to apply them in. */
static const struct
{
  const char *entity_type; /* changes.entity_type */
  const char *group;       /* member of upserts / tombstones */
} kinds[] = {
  { "unit", "units" },       { "user", "users" },           { "patient", "patients" },
  { "handoff", "handoffs" }, { "recording", "recordings" }, { "sbar_version", "sbar_versions" },
};

#define N_KINDS         G_N_ELEMENTS (kinds)
#define CHANGE_SELECT   "SELECT c.seq AS seq, c.entity_type, c.entity_id, c.op, c.at FROM changes c "
#define ENVELOPE_BYTES  512 /* next_cursor, has_more, member names, brackets */
#define MAX_UNIT_FILTER EL_REPO_MAX_LIMIT

typedef struct
{
  GString *upserts[N_KINDS];
  GString *tombstones[N_KINDS];
} Page;

static void
page_clear (Page *page)
{
  for (guint i = 0; i < N_KINDS; i++)
    {
      if (page->upserts[i] != NULL)
        g_string_free (page->upserts[i], TRUE);
      if (page->tombstones[i] != NULL)
        g_string_free (page->tombstones[i], TRUE);
    }
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Page, page_clear)

static int
kind_index (const char *entity_type)
{
  for (guint i = 0; i < N_KINDS; i++)
    if (g_strcmp0 (kinds[i].entity_type, entity_type) == 0)
      return (int) i;
  return -1;
}

/* Recordings, rare in the feed, go through their model. */
static JsonNode *
recording_node (ElDb *db, const char *id, GError **error)
{
  g_autoptr (ElRecording) recording = el_repo_recording_get (db, id, NULL, NULL, error);

  return recording != NULL ? el_recording_to_json (recording) : NULL;
}

/* Appends the entity's current JSON to @out; %EL_REPO_ERROR_NOT_FOUND when it is gone. Units and
 * users come from the connection's directory; everything but recordings is written from its row
 * (and stored document) directly, without a model object. */
static gboolean
write_entity (ElDb *db, ElRepoDirectory *dir, int kind, const char *id, GString *out, GError **error)
{
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *json = NULL;
  gsize len = 0;

  switch (kind)
    {
      case 0:
        return el_repo_directory_write_json (dir, db, EL_REPO_DIRECTORY_UNIT, id, out, error);
      case 1:
        return el_repo_directory_write_json (dir, db, EL_REPO_DIRECTORY_USER, id, out, error);
      case 2:
        return el_repo_patient_write_json (db, id, out, error);
      case 3:
        return el_repo_handoff_write_json (db, id, out, error);
      case 5:
        return el_repo_sbar_write_json (db, id, out, error);
      default:
        break;
    }
  g_assert (kind == 4);
  node = recording_node (db, id, error);
  if (node == NULL)
    return FALSE;
  json = el_json_node_to_data (node, &len);
  g_string_append_len (out, json, (gssize) len);
  return TRUE;
}

static char *
tombstone_json (const char *id, const char *deleted_at, gsize *len)
{
  g_autoptr (JsonNode) node = el_repo_object_node_new ();
  JsonObject *obj = json_node_get_object (node);

  json_object_set_string_member (obj, "id", id);
  json_object_set_string_member (obj, "deleted_at", deleted_at);
  return el_json_node_to_data (node, len);
}

static void
append_item (GString **list, const char *json, gsize len)
{
  if (*list == NULL)
    {
      /* room for a page's worth of most kinds without growing */
      *list = g_string_sized_new (MAX (4096, 2 * len));
      g_string_append_c (*list, '[');
    }
  else
    g_string_append_c (*list, ',');
  g_string_append_len (*list, json, (gssize) len);
}

static void
append_groups (GString *out, const char *member, GString **lists)
{
  gboolean first = TRUE;

  g_string_append_printf (out, ",\"%s\":{", member);
  for (guint i = 0; i < N_KINDS; i++)
    {
      if (lists[i] == NULL)
        continue;
      g_string_append_printf (out, "%s\"%s\":", first ? "" : ",", kinds[i].group);
      g_string_append_len (out, lists[i]->str, (gssize) lists[i]->len);
      g_string_append_c (out, ']');
      first = FALSE;
    }
  g_string_append_c (out, '}');
}

/**
 * el_repo_changes_since:
 * @db: a connection opened with the key
 * @since_seq: the cursor of the previous page (0: from the start)
 * @unit_ids: (nullable) (array zero-terminated=1): the units the caller may see; %NULL = all
 *   (an administrator). At most %EL_REPO_MAX_LIMIT.
 * @limit: entities per page, 1..%EL_REPO_MAX_LIMIT
 * @next_cursor: (out): the cursor for the next call
 * @has_more: (out): %TRUE: call again at once with @next_cursor
 * @error: %EL_REPO_ERROR_INVALID (since < 0, limit out of range, too many units), EL_DB_ERROR,
 *   EL_MODEL_ERROR
 *
 * Returns: (transfer full) (nullable): the ChangeFeed JSON text (UTF-8)
 */
GBytes *
el_repo_changes_since (ElDb *db,
                       gint64 since_seq,
                       const char *const *unit_ids,
                       guint limit,
                       gint64 *next_cursor,
                       gboolean *has_more,
                       GError **error)
{
  g_auto (Page) page = { { NULL }, { NULL } };
  g_autoptr (ElRepoRead) read = NULL;
  g_autoptr (ElDbStmt) stmt = NULL;
  ElRepoDirectory *dir = NULL;
  g_autoptr (GString) sql = g_string_new (NULL);
  g_autoptr (GString) out = NULL;
  g_autoptr (GString) item = g_string_new (NULL);
  g_autoptr (GPtrArray) units = g_ptr_array_new ();
  guint n_units;
  gsize bytes = ENVELOPE_BYTES;
  guint count = 0;
  gint64 cursor = since_seq;
  gboolean more = FALSE;
  int rc;

  g_return_val_if_fail (next_cursor != NULL && has_more != NULL, NULL);

  *next_cursor = since_seq;
  *has_more = FALSE;
  if (since_seq < 0 || limit < 1 || limit > EL_REPO_MAX_LIMIT)
    {
      el_repo_fail (error, EL_REPO_ERROR_INVALID, "since must be >= 0 and limit from 1 to %d",
                    EL_REPO_MAX_LIMIT);
      return NULL;
    }
  /* Each unit once: a unit named twice would bring its rows twice. */
  for (guint i = 0; unit_ids != NULL && unit_ids[i] != NULL; i++)
    if (!g_ptr_array_find_with_equal_func (units, unit_ids[i], g_str_equal, NULL))
      g_ptr_array_add (units, (gpointer) unit_ids[i]);
  n_units = units->len;
  if (n_units > MAX_UNIT_FILTER)
    {
      el_repo_fail (error, EL_REPO_ERROR_INVALID, "at most %d units", MAX_UNIT_FILTER);
      return NULL;
    }
  /* Without a unit filter: the rowid order. With one: one arm per unit plus the rows of no unit,
   * each an ordered search of changes_unit_seq, merged by SQLite as they stream (an IN list or an
   * OR would collect and sort every row of the unit first). */
  if (unit_ids == NULL)
    g_string_append (sql, CHANGE_SELECT "WHERE c.seq > ?1");
  else
    {
      g_string_append (sql, CHANGE_SELECT "WHERE c.unit_id IS NULL AND c.seq > ?1");
      for (guint i = 0; i < n_units; i++)
        g_string_append_printf (sql, " UNION ALL " CHANGE_SELECT "WHERE c.unit_id = ?%u AND c.seq > ?1",
                                i + 2);
    }
  g_string_append (sql, " ORDER BY seq");

  if ((read = el_repo_read_begin (db, error)) == NULL || (dir = el_repo_directory_begin (db, error)) == NULL)
    return NULL;
  stmt = el_db_prepare (db, sql->str, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, since_seq);
  for (guint i = 0; i < n_units; i++)
    el_repo_bind_text (stmt, (int) i + 2, g_ptr_array_index (units, i));

  while ((rc = el_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      gint64 seq = sqlite3_column_int64 (stmt, 0);
      int kind = kind_index (el_repo_column_text (stmt, 1));
      const char *id = el_repo_column_text (stmt, 2);
      gboolean deleted = g_strcmp0 (el_repo_column_text (stmt, 3), "delete") == 0;
      g_autoptr (GError) local_error = NULL;
      gboolean present = FALSE;

      if (count == limit)
        {
          more = TRUE;
          break;
        }
      if (kind < 0)
        {
          /* A kind of entity this version does not serve: skip it, but move past it. */
          cursor = seq;
          continue;
        }
      g_string_truncate (item, 0);
      if (!deleted)
        {
          present = write_entity (db, dir, kind, id, item, &local_error);
          if (!present && !g_error_matches (local_error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
        }
      if (!present)
        {
          g_autofree char *json = NULL;
          gsize len = 0;

          /* A deletion, or an entity gone since its change was recorded. */
          g_string_truncate (item, 0);
          json = tombstone_json (id, el_repo_column_text (stmt, 4), &len);
          g_string_append_len (item, json, (gssize) len);
        }
      if (count > 0 && bytes + item->len + 1 > EL_REPO_CHANGES_MAX_BYTES)
        {
          more = TRUE;
          break;
        }
      append_item (present ? &page.upserts[kind] : &page.tombstones[kind], item->str, item->len);
      bytes += item->len + 1;
      count++;
      cursor = seq;
    }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return NULL;

  out = g_string_sized_new (bytes);
  g_string_append_printf (out, "{\"next_cursor\":%" G_GINT64_FORMAT ",\"has_more\":%s", cursor,
                          more ? "true" : "false");
  append_groups (out, "upserts", page.upserts);
  append_groups (out, "tombstones", page.tombstones);
  g_string_append_c (out, '}');

  *next_cursor = cursor;
  *has_more = more;
  return g_string_free_to_bytes (g_steal_pointer (&out));
}
