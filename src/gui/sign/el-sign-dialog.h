/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "el-context.h"

G_BEGIN_DECLS

/*
 * ElSignDialog: the outgoing nurse signs one version of a handoff: she re-enters her password; when
 * critical items are missing she must tick that she knows. Sign calls el_context_sign_async()
 * (online, or queued on this PC); errors are shown in words: a wrong password, a newer version saved
 * by someone else (with a Reload button), not the outgoing nurse, locked.
 *
 * Signals:
 *   signed (ElHandoff *handoff, gboolean queued)  the signature is made (then the dialog closes)
 *   reload ()                                     the nurse asked to reload (a newer version exists)
 */

#define EL_TYPE_SIGN_DIALOG (el_sign_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ElSignDialog, el_sign_dialog, EL, SIGN_DIALOG, AdwWindow)

/* @missing_critical: (nullable): translated labels of the missing critical items. */
ElSignDialog *
el_sign_dialog_new (ElContext *ctx, const char *handoff_id, int version, const char *const *missing_critical);

/* The error shown, or NULL (tests). */
const char *el_sign_dialog_get_error (ElSignDialog *self);

G_END_DECLS
