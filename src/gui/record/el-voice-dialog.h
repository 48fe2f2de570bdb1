/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "el-context.h"

G_BEGIN_DECLS

/*
 * ElVoiceDialog: "Train Speech Recognition" — the signed-in nurse reads the enrollment texts
 * (el_speech_enrollment_texts()) aloud one by one, each recorded with ElRecorder (sealed on disk
 * like every recording, in the voice profile's own folder so they are never offered as handoff
 * recordings), then el_context_enroll_voice_async() builds her voice profile and deletes them.
 *
 * Pages (GtkStack "intro", "read", "building", "result"): Start; for each text "Text N of M", the
 * text, the microphone level, Record / Stop / Record Again, Next (Build Profile on the last); a
 * spinner; the outcome with Close. A reading shorter than 3 s is refused ("read the whole text").
 * Closing the window at any point cancels and deletes what was recorded.
 *
 * Widget names: voice-dialog, voice-start, voice-progress, voice-script, voice-level, voice-record,
 * voice-next, voice-result, voice-close.
 * Signal ::enrolled: the profile was built (the context's on-device drafter now uses it).
 * For tests: "source" (a GStreamer source description instead of the chosen microphone) and
 * "texts" (other texts to read).
 */
#define EL_TYPE_VOICE_DIALOG (el_voice_dialog_get_type ())
G_DECLARE_FINAL_TYPE (ElVoiceDialog, el_voice_dialog, EL, VOICE_DIALOG, AdwWindow)

/* @settings (nullable): the app's GSettings, for the chosen microphone */
GtkWidget *el_voice_dialog_new (GtkWindow *parent, ElContext *ctx, GSettings *settings);

G_END_DECLS
