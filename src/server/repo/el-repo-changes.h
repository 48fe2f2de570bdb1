/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "el-db.h"

G_BEGIN_DECLS

/*
 * The change feed (schema ChangeFeed of data/openapi.json).
 *
 * el_repo_changes_since() reads the `changes` rows after @since_seq that @unit_ids may see (rows
 * of those units and rows of no unit: units, administrators) and returns one page as JSON text:
 *
 *   { "next_cursor": <seq>, "has_more": bool,
 *     "upserts": { "units": [Unit], "users": [User], "patients": [Patient], "handoffs": [Handoff],
 *                  "recordings": [Recording], "sbar_versions": [SbarVersion] },
 *     "tombstones": { "<same types>": [ { "id", "deleted_at" } ] } }
 *
 * Each changed entity appears once, with its current state (decrypted), in sequence order within
 * its type; empty types are left out. A page holds at most @limit entities (1..200) and stays
 * under %EL_REPO_CHANGES_MAX_BYTES (an entity bigger than that alone, such as a recording with a
 * very long transcript, makes a page of its own). next_cursor is the sequence number of the last
 * row the page covers (@since_seq when empty); pass it as the next @since_seq. The page is read in
 * one snapshot.
 */

#define EL_REPO_CHANGES_MAX_BYTES     (900 * 1024)
#define EL_REPO_CHANGES_DEFAULT_LIMIT 100

GBytes *el_repo_changes_since (ElDb *db,
                               gint64 since_seq,
                               const char *const *unit_ids,
                               guint limit,
                               gint64 *next_cursor,
                               gboolean *has_more,
                               GError **error);

G_END_DECLS
