/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "el-context.h"
#include "el-sbar-editor.h"

G_BEGIN_DECLS

/*
 * ElSignBar: under the SBAR editor, the handoff's sign and acknowledge state in words ("Ready to
 * sign", "Signed by Avery Brooks at 14:05 — waiting for read-back", "Acknowledged by … — read-only",
 * "Signed on this PC — sent when online") and its two actions:
 * - "Sign…" (outgoing side: a ready handoff, not signed yet): sensitive only when the editor is
 *   saved (not dirty), no low-confidence value is unconfirmed and the handoff is not read-only; a
 *   hint says why not. Opens ElSignDialog with the missing critical items of the editor's content.
 * - "Acknowledge…" (receiving side: a signed handoff not signed by her): opens ElAcknowledgeDialog
 *   with the critical items of the version to read back.
 * The state follows the editor (handoff-id, loading, dirty, unconfirmed-count, read-only), the
 * outbox (a queued sign/acknowledge) and sync cycles (a colleague's signature pulled).
 *
 * Properties:
 *   context     (ElContext, construct-only)
 *   editor      (ElSbarEditor, read-write, nullable)
 *   state-text  (string, read-only)  what the state label says
 * Signals:
 *   changed ()  the handoff's sign/acknowledge state changed through this bar (signed, acknowledged,
 *               or the nurse asked to reload after a newer version): reload the editor
 *               (el_sbar_editor_load() — an acknowledged handoff then loads read-only)
 */

#define EL_TYPE_SIGN_BAR (el_sign_bar_get_type ())
G_DECLARE_FINAL_TYPE (ElSignBar, el_sign_bar, EL, SIGN_BAR, AdwBin)

GtkWidget *el_sign_bar_new (ElContext *ctx);
void el_sign_bar_set_editor (ElSignBar *self, ElSbarEditor *editor);
ElSbarEditor *el_sign_bar_get_editor (ElSignBar *self);
const char *el_sign_bar_get_state_text (ElSignBar *self);
/* The handoff as last read from the cache (transfer none) (nullable). */
ElHandoff *el_sign_bar_get_handoff (ElSignBar *self);
/* The sign or acknowledge dialog while it is open (tests), else NULL. */
GtkWindow *el_sign_bar_get_dialog (ElSignBar *self);
/* Reads the handoff's state again (also done on its own after saves and syncs). */
void el_sign_bar_refresh (ElSignBar *self);

G_END_DECLS
