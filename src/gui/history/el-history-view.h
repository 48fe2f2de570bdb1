/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "el-context.h"

G_BEGIN_DECLS

/*
 * ElHistoryView: the versions of one handoff's SBAR report, newest first (number, author, time,
 * source, completeness, "Not sent yet" for a local save), a word diff of any two of them (added
 * words underlined, removed words struck through, and the changed structured fields), and "Restore
 * This Version": a new version (source nurse, by the signed-in user) copied from an old one.
 *
 * Everything goes through the context's store (el_store_list_sbar_versions_async(),
 * el_store_save_sbar_draft_async()); the view reloads after a restore, when the store's outbox
 * changes and when a sync cycle applied server changes.
 *
 * Properties:
 *   context     (ElContext, construct-only)
 *   handoff-id  (string, read-only)    the handoff loaded, or NULL
 *   loading     (boolean, read-only)   a load is running
 *
 * Signals:
 *   ::restored (int new_version) — a restore was saved as the local version @new_version.
 *
 * Widget names (for tests): "history-list" (GtkListBox, one row per version, newest first, each
 * row named "history-version-<N>"), "history-from" / "history-to" (GtkDropDown),
 * "history-diff-situation" ... "history-diff-recommendation" (GtkTextView; tags "el-diff-insert"
 * and "el-diff-delete"), "history-fields" (GtkListBox of changed fields, rows "history-field"),
 * "history-restore" (GtkButton).
 */

#define EL_TYPE_HISTORY_VIEW (el_history_view_get_type ())
G_DECLARE_FINAL_TYPE (ElHistoryView, el_history_view, EL, HISTORY_VIEW, GtkWidget)

GtkWidget *el_history_view_new (ElContext *ctx);

/* Loads (or reloads) the versions of @handoff_id from the cache. */
void el_history_view_load (ElHistoryView *self, const char *handoff_id);

const char *el_history_view_get_handoff_id (ElHistoryView *self);
gboolean el_history_view_get_loading (ElHistoryView *self);

/* Number of versions listed (0 while nothing is loaded). */
guint el_history_view_get_n_versions (ElHistoryView *self);

/* Shows the diff from version @from to version @to (version numbers; a pending local version is
 * found by its number too). FALSE when either is not listed. */
gboolean el_history_view_compare (ElHistoryView *self, int from, int to);

/* Selects version @version in the list (enables "Restore This Version" when it is not the
 * latest). FALSE when it is not listed. */
gboolean el_history_view_select_version (ElHistoryView *self, int version);

G_END_DECLS
