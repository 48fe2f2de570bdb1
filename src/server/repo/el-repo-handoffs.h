/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "el-db.h"
#include "el-models.h"

G_BEGIN_DECLS

/*
 * Handoffs (see el-repo.h for the common rules).
 *
 * Status changes go through the model's state machine (el_handoff_transition()). An acknowledged
 * or cancelled handoff is locked: every change is %EL_REPO_ERROR_LOCKED. Every change gives the
 * handoff a new random etag (compare it with If-Match) and updated_at. readback_note is sealed.
 * Change feed: entity "handoff", visible to the handoff's unit.
 *
 * Lists: newest shift_date first, then newest created_at (then id), in pages of 1..200 with an
 * opaque keyset cursor: a page never repeats or skips a handoff that existed when the first page
 * was read, whatever is inserted between pages.
 */

/**
 * ElRepoHandoffFilter:
 * @unit_id: (nullable): only this unit
 * @scope_unit_id: (nullable): what the caller may see (el_repo_user_scope_unit()); %NULL = every unit
 * @patient_id: (nullable): only this patient
 * @has_status: filter on @status
 * @status: the status, when @has_status
 * @shift_date: (nullable): only this shift date
 *
 * Filters of el_repo_handoffs_list(); they combine with AND. Zero-initialize, then set.
 */
typedef struct
{
  const char *unit_id;
  const char *scope_unit_id;
  const char *patient_id;
  gboolean has_status;
  ElHandoffStatus status;
  const GDate *shift_date;
} ElRepoHandoffFilter;

/**
 * ElRepoHandoffPatch:
 * @shift_date: (nullable): the new shift date
 * @set_shift: change the shift to @shift
 * @shift: the new shift
 * @set_outgoing_nurse_id: change the outgoing nurse to @outgoing_nurse_id (%NULL clears it)
 * @outgoing_nurse_id: (nullable): the outgoing nurse
 * @set_receiving_nurse_id: change the receiving nurse to @receiving_nurse_id (%NULL clears it)
 * @receiving_nurse_id: (nullable): the receiving nurse
 * @cancel: cancel the handoff
 *
 * A PATCH of a handoff (schema HandoffPatch) once decoded. Zero-initialize, then set.
 */
typedef struct
{
  const GDate *shift_date;
  gboolean set_shift;
  ElShift shift;
  gboolean set_outgoing_nurse_id;
  const char *outgoing_nurse_id;
  gboolean set_receiving_nurse_id;
  const char *receiving_nurse_id;
  gboolean cancel;
} ElRepoHandoffPatch;

ElHandoff *el_repo_handoff_create (
    ElDb *db, ElHandoff *request, const char *actor_id, gboolean *existed, GError **error);
ElHandoff *el_repo_handoff_get (ElDb *db, const char *handoff_id, GError **error);
GPtrArray *el_repo_handoffs_list (ElDb *db,
                                  const ElRepoHandoffFilter *filter,
                                  const char *cursor,
                                  guint limit,
                                  char **next_cursor,
                                  gboolean *has_more,
                                  GError **error);

gboolean el_repo_handoff_write_json (ElDb *db, const char *handoff_id, GString *out, GError **error);
gboolean el_repo_handoffs_list_json (ElDb *db,
                                     const ElRepoHandoffFilter *filter,
                                     const char *cursor,
                                     guint limit,
                                     GString *out,
                                     char **next_cursor,
                                     gboolean *has_more,
                                     GError **error);

ElHandoff *el_repo_handoff_update (ElDb *db,
                                   const char *handoff_id,
                                   const char *if_match,
                                   const ElRepoHandoffPatch *patch,
                                   const char *actor_id,
                                   GError **error);
ElHandoff *el_repo_handoff_set_status (ElDb *db,
                                       const char *handoff_id,
                                       ElHandoffStatus status,
                                       const char *failure_reason,
                                       const char *actor_id,
                                       GError **error);
ElHandoff *el_repo_handoff_sign (ElDb *db,
                                 const char *handoff_id,
                                 int version,
                                 const char *signer_id,
                                 ElSbarVersion **latest_out,
                                 GError **error);
ElHandoff *el_repo_handoff_acknowledge (ElDb *db,
                                        const char *handoff_id,
                                        int version,
                                        const char *readback_note,
                                        const char *user_id,
                                        ElSbarVersion **latest_out,
                                        GError **error);

G_END_DECLS
