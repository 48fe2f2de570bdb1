/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "el-db.h"
#include "el-models.h"

G_BEGIN_DECLS

/*
 * SBAR versions (see el-repo.h for the common rules).
 *
 * Versions are immutable and numbered from 1 per handoff. el_repo_sbar_append() adds one in a
 * single transaction: it refuses a stale base_version (%EL_REPO_ERROR_CONFLICT_VERSION, with the
 * latest version in @latest_out) and a locked handoff (%EL_REPO_ERROR_LOCKED); computes the
 * completeness (el_completeness_compute()) and, from version 2 on, changes_since_last_version
 * (el_diff_versions() against the previous version); moves is_latest; bumps the handoff's
 * latest_version and etag; and moves the handoff to ready when it was draft, or signed (a new
 * version voids the signature: el_handoff_transition()). Other statuses stay as they are.
 *
 * Sealed: the sections and fields (sbar_versions.doc) and the changes; the completeness is in
 * clear (a score and field names). Versions are returned with author_name (the author's name).
 * Change feed: entity "sbar_version" (and the handoff), visible to the handoff's unit.
 */

ElSbarVersion *el_repo_sbar_append (ElDb *db,
                                    const char *handoff_id,
                                    int base_version,
                                    ElSbarVersion *content,
                                    const char *author_id,
                                    ElSbarVersion **latest_out,
                                    ElHandoff **handoff_out,
                                    GError **error);
ElSbarVersion *el_repo_sbar_get_latest (ElDb *db, const char *handoff_id, GError **error);
ElSbarVersion *el_repo_sbar_get (ElDb *db, const char *handoff_id, int version, GError **error);
GPtrArray *el_repo_sbar_list (ElDb *db, const char *handoff_id, GError **error);

G_END_DECLS
