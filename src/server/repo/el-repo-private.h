/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "el-audit.h"
#include "el-repo.h"

G_BEGIN_DECLS

/* Helpers shared by the repository's files. */

gboolean el_repo_fail (GError **error, ElRepoError code, const char *format, ...) G_GNUC_PRINTF (3, 4);

/* The connection's clock (el_repo_set_clock()), in UTC with millisecond precision. */
GDateTime *el_repo_now (ElDb *db);
char *el_repo_now_string (ElDb *db);
char *el_repo_new_etag (void);

/* Text columns: NULL for SQL NULL. */
const char *el_repo_column_text (ElDbStmt *stmt, int col);
void el_repo_bind_text (ElDbStmt *stmt, int index, const char *text);
GDateTime *el_repo_column_timestamp (ElDbStmt *stmt, int col);

/* A node holding a new, empty object (json_node_init_object() would add a second reference). */
JsonNode *el_repo_object_node_new (void);

/* JSON text -> node (NULL when it is not JSON). */
JsonNode *el_repo_parse_json (const char *text, gssize len);

/*
 * ElRepoWrite: the transaction of one repository write. In the caller's open transaction it is a
 * SAVEPOINT (released on commit, rolled back to when freed uncommitted); otherwise its own
 * IMMEDIATE transaction.
 */
typedef struct ElRepoWrite ElRepoWrite;

ElRepoWrite *el_repo_write_begin (ElDb *db, GError **error);
gboolean el_repo_write_commit (ElRepoWrite *write, GError **error);
void el_repo_write_free (ElRepoWrite *write);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElRepoWrite, el_repo_write_free)

/*
 * A read snapshot: BEGIN (deferred) when no transaction is open, so several SELECTs see one state
 * of the database; ended (COMMIT) when freed.
 */
typedef struct ElRepoRead ElRepoRead;

ElRepoRead *el_repo_read_begin (ElDb *db, GError **error);
void el_repo_read_free (ElRepoRead *read);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElRepoRead, el_repo_read_free)

/*
 * Records a write: the audit event (@detail: a JSON object without PHI, consumed; NULL = {}) and,
 * when @feed_type is not NULL, the change-feed row of (@feed_type, @entity_id) for @unit_id.
 */
gboolean el_repo_record (ElDb *db,
                         const char *actor_id,
                         const char *action,
                         const char *entity_type,
                         const char *entity_id,
                         JsonObject *detail,
                         const char *feed_type,
                         ElDbChangeOp op,
                         const char *unit_id,
                         GError **error);

/* Shared between files: rows to models. */
gboolean el_repo_user_exists (ElDb *db, const char *user_id, GError **error);
char *el_repo_patient_unit (ElDb *db, const char *patient_id, gboolean *discharged, GError **error);
ElSbarVersion *el_repo_sbar_get_by_id (ElDb *db, const char *version_id, GError **error);
ElHandoff *el_repo_handoff_load (ElDb *db, const char *handoff_id, GError **error);
gboolean el_repo_handoff_store (ElDb *db, ElHandoff *handoff, GError **error);
gboolean el_repo_handoff_save_change (ElDb *db,
                                      ElHandoff *handoff,
                                      const char *actor_id,
                                      const char *action,
                                      JsonObject *detail,
                                      GError **error);
gboolean el_repo_handoff_check_unlocked (ElHandoff *handoff, GError **error);
gboolean el_repo_handoff_transition (ElHandoff *handoff, ElHandoffStatus to, GError **error);
ElPatient *el_repo_patient_load (ElDb *db, const char *patient_id, GError **error);

/* The change feed's JSON text of an entity, appended to @out (%EL_REPO_ERROR_NOT_FOUND when gone). */
void el_repo_json_put_member (GString *out, const char *name);
void el_repo_json_put_string (GString *out, const char *name, const char *value);
void el_repo_json_put_int (GString *out, const char *name, gint64 value);
void el_repo_json_put_timestamp (GString *out, const char *name, const char *text);
gboolean el_repo_sbar_write_json (ElDb *db, const char *version_id, GString *out, GError **error);
gboolean el_repo_patient_write_json (ElDb *db, const char *patient_id, GString *out, GError **error);

G_END_DECLS
