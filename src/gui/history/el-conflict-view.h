/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "el-context.h"

G_BEGIN_DECLS

/*
 * ElConflictView: an SBAR save the server refused because someone else saved the handoff first
 * (a 409, el_store_list_conflicts_async()). For each section it shows side by side what the nurse
 * started from (Base), the other nurse's version (Theirs) and her own draft (Mine), with a choice:
 * Take Theirs, Keep Mine, or Edit (an editable merge, prefilled with mine). The structured fields
 * are taken from one side as a whole. A section that only one side changed starts with that side
 * chosen; Resolve is enabled once every section has a choice.
 *
 * Resolve: every choice "Theirs" → el_store_resolve_conflict_async (TAKE_THEIRS); otherwise the
 * merged version (source nurse, by the signed-in user) → KEEP_MINE with it. Then
 * el_sync_notify_local_change() and ::resolved.
 *
 * Properties:
 *   context      (ElContext, construct-only)
 *   conflict     (ElStoreConflict, construct-only; copied)
 *   can-resolve  (boolean, read-only)  every section and the fields have a choice, nothing running
 *
 * Signals:
 *   ::resolved (const char *op_id) — the conflict (its op, ElStoreConflict.op_id) was resolved in
 *       the store.
 *
 * Widget names (for tests): "conflict-<section>-base|theirs|mine" (GtkTextView, read-only),
 * "conflict-<section>-merge" (GtkTextView, editable), "conflict-<section>-take-theirs|keep-mine|edit"
 * and "conflict-fields-take-theirs|keep-mine" (GtkToggleButton), "conflict-<section>-stack"
 * (GtkStack: "choice" / "merge"), "conflict-resolve" (GtkButton), "conflict-who" (GtkLabel).
 * <section> is situation, background, assessment or recommendation.
 */

#define EL_TYPE_CONFLICT_VIEW (el_conflict_view_get_type ())
G_DECLARE_FINAL_TYPE (ElConflictView, el_conflict_view, EL, CONFLICT_VIEW, GtkWidget)

GtkWidget *el_conflict_view_new (ElContext *ctx, const ElStoreConflict *conflict);

const ElStoreConflict *el_conflict_view_get_conflict (ElConflictView *self);
gboolean el_conflict_view_get_can_resolve (ElConflictView *self);

G_END_DECLS
