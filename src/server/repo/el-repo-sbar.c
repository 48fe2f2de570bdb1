/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SBAR versions: append with optimistic concurrency, completeness and diff; read; history. */
#include "config.h"

#include "el-completeness.h"
#include "el-diff.h"
#include "el-repo-private.h"

#include <openssl/crypto.h>
#include <string.h>

#define VERSION_COLUMNS                                                                                 \
  "v.id, v.handoff_id, v.version, v.previous_version_id, v.author_id, u.name, v.source, v.created_at, " \
  "v.doc, v.completeness, v.changes FROM sbar_versions v LEFT JOIN users u ON u.id = v.author_id"

static const char *const section_members[] = { "situation", "background", "assessment", "recommendation" };

static gboolean
sealed_json_member (
    ElDb *db, ElDbStmt *stmt, int col, const char *id, const char *column, JsonNode **out, GError **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;

  *out = NULL;
  if (!el_db_column_sealed (db, stmt, col, "sbar_versions", id, column, &text, &len, error))
    return FALSE;
  if (text == NULL)
    return TRUE;
  *out = el_repo_parse_json (text, (gssize) len);
  OPENSSL_cleanse (text, len);
  if (*out == NULL)
    {
      g_set_error (error, EL_DB_ERROR, EL_DB_ERROR_CORRUPT, "sbar_versions.%s of %s is not JSON", column, id);
      return FALSE;
    }
  return TRUE;
}

/* The SbarVersion JSON of the current row (not yet validated by the model). */
static JsonNode *
version_json_from_row (ElDb *db, ElDbStmt *stmt, GError **error)
{
  const char *id = el_repo_column_text (stmt, 0);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonNode) changes = NULL;
  g_autoptr (JsonNode) completeness = NULL;
  JsonObject *obj;

  if (!sealed_json_member (db, stmt, 8, id, "doc", &node, error) ||
      !sealed_json_member (db, stmt, 10, id, "changes", &changes, error))
    return NULL;
  completeness = el_repo_parse_json (el_repo_column_text (stmt, 9), -1);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) || completeness == NULL)
    {
      g_set_error (error, EL_DB_ERROR, EL_DB_ERROR_CORRUPT, "SBAR version %s is damaged", id);
      return NULL;
    }
  obj = json_node_get_object (node);
  json_object_set_string_member (obj, "id", id);
  json_object_set_string_member (obj, "handoff_id", el_repo_column_text (stmt, 1));
  json_object_set_int_member (obj, "version", sqlite3_column_int (stmt, 2));
  if (el_repo_column_text (stmt, 3) != NULL)
    json_object_set_string_member (obj, "previous_version_id", el_repo_column_text (stmt, 3));
  else
    json_object_set_null_member (obj, "previous_version_id");
  json_object_set_string_member (obj, "author_id", el_repo_column_text (stmt, 4));
  if (el_repo_column_text (stmt, 5) != NULL)
    json_object_set_string_member (obj, "author_name", el_repo_column_text (stmt, 5));
  json_object_set_string_member (obj, "source", el_repo_column_text (stmt, 6));
  json_object_set_string_member (obj, "created_at", el_repo_column_text (stmt, 7));
  json_object_set_member (obj, "completeness", g_steal_pointer (&completeness));
  if (changes != NULL)
    json_object_set_member (obj, "changes_since_last_version", g_steal_pointer (&changes));
  return g_steal_pointer (&node);
}

static ElSbarVersion *
version_from_row (ElDb *db, ElDbStmt *stmt, GError **error)
{
  g_autoptr (JsonNode) node = version_json_from_row (db, stmt, error);

  if (node == NULL)
    return NULL;
  return el_sbar_version_new_from_json (node, error);
}

static JsonNode *
version_json_get (ElDb *db, const char *handoff_id, int version, GError **error)
{
  g_autoptr (ElDbStmt) stmt =
      el_db_prepare (db, "SELECT " VERSION_COLUMNS " WHERE v.handoff_id = ?1 AND v.version = ?2", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  el_repo_bind_text (stmt, 1, handoff_id);
  sqlite3_bind_int (stmt, 2, version);
  rc = el_db_step (db, stmt, error);
  if (rc == SQLITE_DONE)
    el_repo_fail (error, EL_REPO_ERROR_NOT_FOUND, "no such SBAR version");
  if (rc != SQLITE_ROW)
    return NULL;
  return version_json_from_row (db, stmt, error);
}

/**
 * el_repo_sbar_get:
 * @db: a connection
 * @handoff_id: the handoff
 * @version: the version number (1 = first)
 * @error: %EL_REPO_ERROR_NOT_FOUND, EL_DB_ERROR, EL_MODEL_ERROR
 *
 * Returns: (transfer full) (nullable): the version, decrypted
 */
ElSbarVersion *
el_repo_sbar_get (ElDb *db, const char *handoff_id, int version, GError **error)
{
  g_autoptr (JsonNode) node = NULL;

  g_return_val_if_fail (handoff_id != NULL, NULL);

  node = version_json_get (db, handoff_id, version, error);
  if (node == NULL)
    return NULL;
  return el_sbar_version_new_from_json (node, error);
}

/**
 * el_repo_sbar_get_latest:
 * @db: a connection
 * @handoff_id: the handoff
 * @error: %EL_REPO_ERROR_NOT_FOUND (no such handoff, or no version yet), EL_DB_ERROR,
 *   EL_MODEL_ERROR
 *
 * Returns: (transfer full) (nullable): the latest version, decrypted
 */
ElSbarVersion *
el_repo_sbar_get_latest (ElDb *db, const char *handoff_id, GError **error)
{
  g_autoptr (ElDbStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (handoff_id != NULL, NULL);

  stmt = el_db_prepare (db, "SELECT " VERSION_COLUMNS " WHERE v.handoff_id = ?1 AND v.is_latest = 1", error);
  if (stmt == NULL)
    return NULL;
  el_repo_bind_text (stmt, 1, handoff_id);
  rc = el_db_step (db, stmt, error);
  if (rc == SQLITE_DONE)
    el_repo_fail (error, EL_REPO_ERROR_NOT_FOUND, "no SBAR version for this handoff");
  if (rc != SQLITE_ROW)
    return NULL;
  return version_from_row (db, stmt, error);
}

/* For the change feed. */
ElSbarVersion *
el_repo_sbar_get_by_id (ElDb *db, const char *version_id, GError **error)
{
  g_autoptr (ElDbStmt) stmt = el_db_prepare (db, "SELECT " VERSION_COLUMNS " WHERE v.id = ?1", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  el_repo_bind_text (stmt, 1, version_id);
  rc = el_db_step (db, stmt, error);
  if (rc == SQLITE_DONE)
    el_repo_fail (error, EL_REPO_ERROR_NOT_FOUND, "no such SBAR version");
  if (rc != SQLITE_ROW)
    return NULL;
  return version_from_row (db, stmt, error);
}

static gboolean
handoff_exists (ElDb *db, const char *handoff_id, GError **error)
{
  g_autoptr (ElDbStmt) stmt = el_db_prepare (db, "SELECT 1 FROM handoffs WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  el_repo_bind_text (stmt, 1, handoff_id);
  rc = el_db_step (db, stmt, error);
  if (rc == SQLITE_DONE)
    return el_repo_fail (error, EL_REPO_ERROR_NOT_FOUND, "no such handoff");
  return rc == SQLITE_ROW;
}

/**
 * el_repo_sbar_list:
 * @db: a connection
 * @handoff_id: the handoff
 * @error: %EL_REPO_ERROR_NOT_FOUND (no such handoff), EL_DB_ERROR, EL_MODEL_ERROR
 *
 * Returns: (transfer full) (element-type ElSbarVersion) (nullable): the handoff's versions, oldest
 *   first (empty when there is none); at most %EL_REPO_MAX_LIMIT, the newest ones
 */
GPtrArray *
el_repo_sbar_list (ElDb *db, const char *handoff_id, GError **error)
{
  g_autoptr (GPtrArray) versions = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (ElRepoRead) read = NULL;
  g_autoptr (ElDbStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (handoff_id != NULL, NULL);

  if ((read = el_repo_read_begin (db, error)) == NULL || !handoff_exists (db, handoff_id, error))
    return NULL;
  stmt = el_db_prepare (db,
                        "SELECT * FROM (SELECT " VERSION_COLUMNS " WHERE v.handoff_id = ?1 "
                        "ORDER BY v.version DESC LIMIT ?2) ORDER BY 3",
                        error);
  if (stmt == NULL)
    return NULL;
  el_repo_bind_text (stmt, 1, handoff_id);
  sqlite3_bind_int (stmt, 2, EL_REPO_MAX_LIMIT);
  while ((rc = el_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      ElSbarVersion *version = version_from_row (db, stmt, error);

      if (version == NULL)
        return NULL;
      g_ptr_array_add (versions, version);
    }
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&versions);
}

/* Append ---------------------------------------------------------------------------------------- */

static char *
author_name (ElDb *db, const char *author_id, GError **error)
{
  g_autoptr (ElDbStmt) stmt = el_db_prepare (db, "SELECT name FROM users WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  el_repo_bind_text (stmt, 1, author_id);
  rc = el_db_step (db, stmt, error);
  if (rc == SQLITE_DONE)
    el_repo_fail (error, EL_REPO_ERROR_INVALID, "author_id: no such user");
  if (rc != SQLITE_ROW)
    return NULL;
  return g_strdup (el_repo_column_text (stmt, 0));
}

/* The sealed document: the four sections and the fields. */
static char *
version_document (JsonObject *version, gsize *len)
{
  g_autoptr (JsonNode) node = el_repo_object_node_new ();
  JsonObject *doc = json_node_get_object (node);

  for (guint i = 0; i < G_N_ELEMENTS (section_members); i++)
    if (json_object_has_member (version, section_members[i]))
      json_object_set_member (doc, section_members[i], json_object_dup_member (version, section_members[i]));
  json_object_set_member (doc, "fields", json_object_dup_member (version, "fields"));
  return el_json_node_to_data (node, len);
}

static gboolean
insert_version (ElDb *db, ElSbarVersion *version, JsonObject *obj, GError **error)
{
  const char *id = el_sbar_version_get_id (version);
  g_autoptr (ElDbStmt) stmt = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *doc = NULL;
  g_autofree char *changes = NULL;
  g_autofree char *completeness = NULL;
  g_autofree char *created_at = el_timestamp_format (el_sbar_version_get_created_at (version));
  gsize doc_len = 0, changes_len = 0;
  gboolean ok = FALSE;

  doc = version_document (obj, &doc_len);
  completeness = el_json_node_to_data (json_object_get_member (obj, "completeness"), NULL);
  if (json_object_has_member (obj, "changes_since_last_version"))
    changes = el_json_node_to_data (json_object_get_member (obj, "changes_since_last_version"), &changes_len);

  stmt = el_db_prepare (db,
                        "INSERT INTO sbar_versions (id, handoff_id, version, previous_version_id, is_latest, "
                        "author_id, source, created_at, doc, completeness, changes) "
                        "VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, ?7, ?8, ?9, ?10)",
                        error);
  if (stmt == NULL)
    goto out;
  el_repo_bind_text (stmt, 1, id);
  el_repo_bind_text (stmt, 2, el_sbar_version_get_handoff_id (version));
  sqlite3_bind_int (stmt, 3, el_sbar_version_get_version (version));
  el_repo_bind_text (stmt, 4, el_sbar_version_get_previous_version_id (version));
  el_repo_bind_text (stmt, 5, el_sbar_version_get_author_id (version));
  el_repo_bind_text (stmt, 6, el_sbar_source_to_string (el_sbar_version_get_source (version)));
  el_repo_bind_text (stmt, 7, created_at);
  if (!el_db_bind_sealed (db, stmt, 8, "sbar_versions", id, "doc", doc, (gssize) doc_len, error) ||
      !el_db_bind_sealed (db, stmt, 10, "sbar_versions", id, "changes", changes, (gssize) changes_len, error))
    goto out;
  el_repo_bind_text (stmt, 9, completeness);
  if (el_db_step (db, stmt, &local_error) != SQLITE_DONE)
    {
      if (g_error_matches (local_error, EL_DB_ERROR, EL_DB_ERROR_UNIQUE))
        el_repo_fail (error, EL_REPO_ERROR_DUPLICATE, "an SBAR version with this id exists");
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      goto out;
    }
  ok = TRUE;

out:
  OPENSSL_cleanse (doc, doc_len);
  if (changes != NULL)
    OPENSSL_cleanse (changes, changes_len);
  return ok;
}

/**
 * el_repo_sbar_append:
 * @db: a connection opened with the key
 * @handoff_id: the handoff
 * @base_version: the version the author edited (0: none yet)
 * @content: the new content: source, sections and fields (el_sbar_version_create_request_from_json());
 *   an id if the caller chooses one (else a random one); its other members are ignored
 * @author_id: the author (a user)
 * @latest_out: (out) (optional) (transfer full) (nullable): on %EL_REPO_ERROR_CONFLICT_VERSION,
 *   the latest version (for the 409 body)
 * @handoff_out: (out) (optional) (transfer full): on success, the handoff as it is now (its etag)
 * @error: %EL_REPO_ERROR_NOT_FOUND, %EL_REPO_ERROR_LOCKED, %EL_REPO_ERROR_CONFLICT_VERSION,
 *   %EL_REPO_ERROR_INVALID (unknown author), %EL_REPO_ERROR_DUPLICATE (the id exists),
 *   EL_MODEL_ERROR, EL_DB_ERROR
 *
 * Audit "sbar.version.create" {handoff_id, version, source, score, and from/to when the handoff's
 * status changed}.
 *
 * Returns: (transfer full) (nullable): the new version with completeness and changes
 */
ElSbarVersion *
el_repo_sbar_append (ElDb *db,
                     const char *handoff_id,
                     int base_version,
                     ElSbarVersion *content,
                     const char *author_id,
                     ElSbarVersion **latest_out,
                     ElHandoff **handoff_out,
                     GError **error)
{
  g_autoptr (ElRepoWrite) write = NULL;
  g_autoptr (ElHandoff) handoff = NULL;
  g_autoptr (JsonNode) previous = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (ElCompleteness) completeness = NULL;
  g_autoptr (ElSbarVersion) version = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *name = NULL;
  g_autofree char *new_id = NULL;
  g_autofree char *created_at = NULL;
  ElHandoffStatus from, to;
  JsonObject *obj;
  JsonObject *detail;
  int latest;

  g_return_val_if_fail (handoff_id != NULL && author_id != NULL, NULL);
  g_return_val_if_fail (EL_IS_SBAR_VERSION (content), NULL);

  if (latest_out != NULL)
    *latest_out = NULL;
  if (handoff_out != NULL)
    *handoff_out = NULL;

  if ((write = el_repo_write_begin (db, error)) == NULL)
    return NULL;
  if ((handoff = el_repo_handoff_load (db, handoff_id, error)) == NULL ||
      !el_repo_handoff_check_unlocked (handoff, error))
    return NULL;
  latest = el_handoff_get_latest_version (handoff);
  if (base_version != latest)
    {
      if (latest_out != NULL && latest > 0)
        *latest_out = el_repo_sbar_get (db, handoff_id, latest, NULL);
      el_repo_fail (error, EL_REPO_ERROR_CONFLICT_VERSION, "base_version %d is not the latest version (%d)",
                    base_version, latest);
      return NULL;
    }
  if ((name = author_name (db, author_id, error)) == NULL)
    return NULL;
  if (latest > 0 && (previous = version_json_get (db, handoff_id, latest, error)) == NULL)
    return NULL;

  now = el_repo_now (db);
  created_at = el_timestamp_format (now);
  node = el_sbar_version_to_json (content);
  obj = json_node_get_object (node);
  json_object_remove_member (obj, "completeness");
  json_object_remove_member (obj, "changes_since_last_version");
  if (el_sbar_version_get_id (content) == NULL)
    new_id = g_uuid_string_random ();
  json_object_set_string_member (obj, "id", new_id != NULL ? new_id : el_sbar_version_get_id (content));
  json_object_set_string_member (obj, "handoff_id", handoff_id);
  json_object_set_int_member (obj, "version", latest + 1);
  if (previous != NULL)
    json_object_set_string_member (obj, "previous_version_id",
                                   json_object_get_string_member (json_node_get_object (previous), "id"));
  else
    json_object_set_null_member (obj, "previous_version_id");
  json_object_set_string_member (obj, "author_id", author_id);
  json_object_set_string_member (obj, "author_name", name);
  json_object_set_string_member (obj, "created_at", created_at);
  completeness = el_completeness_compute (obj);
  json_object_set_member (obj, "completeness", el_completeness_to_json (completeness));
  if (previous != NULL)
    json_object_set_member (obj, "changes_since_last_version",
                            el_diff_versions (json_node_get_object (previous), obj));
  version = el_sbar_version_new_from_json (node, error);
  if (version == NULL)
    return NULL;

  /* The partial unique index allows one latest version per handoff: clear the flag first (by
   * primary key: an UPDATE through the index it changes would need a temporary table). */
  if (previous != NULL)
    {
      g_autoptr (ElDbStmt) stmt =
          el_db_prepare (db, "UPDATE sbar_versions SET is_latest = 0 WHERE id = ?1", error);

      if (stmt == NULL)
        return NULL;
      el_repo_bind_text (stmt, 1, json_object_get_string_member (json_node_get_object (previous), "id"));
      if (el_db_step (db, stmt, error) != SQLITE_DONE)
        return NULL;
    }
  if (!insert_version (db, version, obj, error))
    return NULL;

  from = el_handoff_get_status (handoff);
  to = from == EL_HANDOFF_STATUS_DRAFT || from == EL_HANDOFF_STATUS_SIGNED ? EL_HANDOFF_STATUS_READY : from;
  if (to != from && !el_repo_handoff_transition (handoff, to, error))
    return NULL;
  el_handoff_set_latest_version (handoff, latest + 1);
  if (!el_repo_handoff_save_change (db, handoff, author_id, NULL, NULL, error))
    return NULL;

  detail = json_object_new ();
  json_object_set_string_member (detail, "handoff_id", handoff_id);
  json_object_set_int_member (detail, "version", latest + 1);
  json_object_set_string_member (detail, "source",
                                 el_sbar_source_to_string (el_sbar_version_get_source (version)));
  json_object_set_double_member (detail, "score", completeness->score);
  if (to != from)
    {
      json_object_set_string_member (detail, "from", el_handoff_status_to_string (from));
      json_object_set_string_member (detail, "to", el_handoff_status_to_string (to));
    }
  if (!el_repo_record (db, author_id, "sbar.version.create", "sbar_version", el_sbar_version_get_id (version),
                       detail, "sbar_version", EL_DB_CHANGE_UPSERT, el_handoff_get_unit_id (handoff),
                       error) ||
      !el_repo_write_commit (write, error))
    return NULL;
  if (handoff_out != NULL)
    *handoff_out = g_steal_pointer (&handoff);
  return g_steal_pointer (&version);
}

/* The SbarVersion JSON text of a row for the change feed, without a model round trip (the row was
 * validated when it was written): the clear members, then the sealed document's members, then the
 * completeness and changes as stored. */
gboolean
el_repo_sbar_write_json (ElDb *db, const char *version_id, GString *out, GError **error)
{
  g_autoptr (ElDbStmt) stmt = el_db_prepare (db, "SELECT " VERSION_COLUMNS " WHERE v.id = ?1", error);
  g_autofree char *doc = NULL;
  g_autofree char *changes = NULL;
  gsize doc_len = 0, changes_len = 0;
  const char *completeness;
  gboolean ok = FALSE;
  int rc;

  if (stmt == NULL)
    return FALSE;
  el_repo_bind_text (stmt, 1, version_id);
  rc = el_db_step (db, stmt, error);
  if (rc == SQLITE_DONE)
    return el_repo_fail (error, EL_REPO_ERROR_NOT_FOUND, "no such SBAR version");
  if (rc != SQLITE_ROW)
    return FALSE;
  if (!el_db_column_sealed (db, stmt, 8, "sbar_versions", version_id, "doc", &doc, &doc_len, error) ||
      !el_db_column_sealed (db, stmt, 10, "sbar_versions", version_id, "changes", &changes, &changes_len,
                            error))
    goto out;
  completeness = el_repo_column_text (stmt, 9);
  if (doc == NULL || doc_len < 2 || doc[0] != '{' || doc[doc_len - 1] != '}' || completeness == NULL)
    {
      g_set_error (error, EL_DB_ERROR, EL_DB_ERROR_CORRUPT, "SBAR version %s is damaged", version_id);
      goto out;
    }

  g_string_append (out, "{\"id\":");
  el_json_append_string (out, version_id);
  el_repo_json_put_string (out, "handoff_id", el_repo_column_text (stmt, 1));
  el_repo_json_put_int (out, "version", sqlite3_column_int (stmt, 2));
  el_repo_json_put_member (out, "previous_version_id");
  if (el_repo_column_text (stmt, 3) != NULL)
    el_json_append_string (out, el_repo_column_text (stmt, 3));
  else
    g_string_append (out, "null");
  el_repo_json_put_string (out, "author_id", el_repo_column_text (stmt, 4));
  el_repo_json_put_string (out, "author_name", el_repo_column_text (stmt, 5));
  el_repo_json_put_string (out, "source", el_repo_column_text (stmt, 6));
  el_repo_json_put_string (out, "created_at", el_repo_column_text (stmt, 7));
  if (doc_len > 2)
    {
      g_string_append_c (out, ',');
      g_string_append_len (out, doc + 1, (gssize) doc_len - 2);
    }
  g_string_append (out, ",\"completeness\":");
  g_string_append (out, completeness);
  if (changes != NULL)
    {
      g_string_append (out, ",\"changes_since_last_version\":");
      g_string_append_len (out, changes, (gssize) changes_len);
    }
  g_string_append_c (out, '}');
  ok = TRUE;

out:
  if (doc != NULL)
    OPENSSL_cleanse (doc, doc_len);
  if (changes != NULL)
    OPENSSL_cleanse (changes, changes_len);
  return ok;
}
