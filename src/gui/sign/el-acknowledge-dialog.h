/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "el-context.h"

G_BEGIN_DECLS

/*
 * ElAcknowledgeDialog: the receiving nurse reads back the critical items of the signed version
 * (code status, allergies, isolation, vitals, meds due, contingencies), ticks "I read back the
 * critical items" (required), may add a note, and acknowledges (el_context_acknowledge_async():
 * online, or queued on this PC). Errors in words.
 *
 * Signals:
 *   acknowledged (ElHandoff *handoff, gboolean queued)  done (then the dialog closes)
 */

#define EL_TYPE_ACKNOWLEDGE_DIALOG (el_acknowledge_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ElAcknowledgeDialog, el_acknowledge_dialog, EL, ACKNOWLEDGE_DIALOG, AdwWindow)

/* @content: the signed version (its fields are read back); @signed_text: (nullable): who signed
 * and when, in words. */
ElAcknowledgeDialog *el_acknowledge_dialog_new (
    ElContext *ctx, const char *handoff_id, int version, ElSbarVersion *content, const char *signed_text);

const char *el_acknowledge_dialog_get_error (ElAcknowledgeDialog *self);

/* The read-back lines, "Item: value" each (translated), for @content; (transfer full). */
GStrv el_acknowledge_readback_lines (ElSbarVersion *content);

G_END_DECLS
