/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "el-context.h"
#include "el-record-recover.h"

G_BEGIN_DECLS

/*
 * ElRecoveryDialog: offers one recording left behind (el_record_recover_async()) —
 * "A recording was interrupted (2:13, <patient name>)." with
 *   "use"      Use It to Draft the Report: emits ::use-recording; the window shows an ElRecordView
 *              and calls el_record_view_submit_recording() (handed over like after Stop);
 *   "discard"  Discard…: asks "Discard this recording?" (AdwMessageDialog named
 *              "recovery-discard-dialog"); confirmed, the file and its sidecar are deleted and
 *              ::discarded is emitted; cancelled, this dialog comes back;
 *   "later"    Not Now: kept on disk, offered again at the next start.
 * A recording whose handoff is unknown cannot be used (only discarded or kept); a TAMPERED one is
 * only reported (Close). The patient's name comes from the store (handoff → patient).
 * The dialog destroys itself once the nurse decided; ::decided is emitted last, in every case.
 *
 * Widget name "recovery-dialog".
 * Signals: ::use-recording (ElRecoveredRecording *), ::discarded (ElRecoveredRecording *),
 *          ::decided (const char *response: "use", "discard" or "later").
 */
#define EL_TYPE_RECOVERY_DIALOG (el_recovery_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ElRecoveryDialog, el_recovery_dialog, EL, RECOVERY_DIALOG, AdwMessageDialog)

GtkWidget *el_recovery_dialog_new (GtkWindow *parent, ElContext *ctx, const ElRecoveredRecording *recording);
const ElRecoveredRecording *el_recovery_dialog_get_recording (ElRecoveryDialog *self);

G_END_DECLS
