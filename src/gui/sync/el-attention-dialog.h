/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "el-context.h"

G_BEGIN_DECLS

/*
 * ElAttentionDialog: the changes the server rejected (outbox ops in state needs_attention): what
 * each was ("SBAR version", "New handoff", ...), for which patient, when it was made and the
 * server's reason in plain words, each with "Retry" (send it again) and "Discard" (after a
 * confirmation). Reloads when a sync cycle ends and when the count of such changes changes.
 *
 * Properties:
 *   context  (ElContext, construct-only)
 *   n-items  (uint, read-only) the changes listed after the last reload
 *   loading  (boolean, read-only) a reload is running
 */
#define EL_TYPE_ATTENTION_DIALOG (el_attention_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ElAttentionDialog, el_attention_dialog, EL, ATTENTION_DIALOG, AdwWindow)

GtkWidget *el_attention_dialog_new (ElContext *ctx);

guint el_attention_dialog_get_n_items (ElAttentionDialog *self);
gboolean el_attention_dialog_get_loading (ElAttentionDialog *self);

/* Reads the list again (also done on its own after sync cycles). */
void el_attention_dialog_reload (ElAttentionDialog *self);

/* Words for an op kind ("sbar.create" → "SBAR version") and a rejection (HTTP status, with the
 * op's last error as the fallback); translated, static / (transfer full). */
const char *el_attention_kind_label (const char *kind);
char *el_attention_reason_text (guint http_status, const char *last_error);

G_END_DECLS
