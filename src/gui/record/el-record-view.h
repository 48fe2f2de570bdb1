/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "el-context.h"
#include "el-recorder.h"

G_BEGIN_DECLS

/*
 * ElRecordView: recording a verbal handoff for one handoff — large timer, live level meter,
 * pause/resume, stop, discard (confirmed), the silent-microphone and maximum-length warnings; after
 * stop, the progress of the draft (uploading → transcribing → extracting on the server, or
 * "on this PC" when offline / transcription-mode on-device) until the SBAR draft is there.
 *
 * The window shows it in its content pane (Ctrl+R on a patient) and opens the editor on
 * "draft-ready". Audio reaches disk only sealed (ElRecorder in el_context_get_recordings_dir()).
 */

typedef enum
{
  EL_RECORD_VIEW_IDLE,       /* nothing started */
  EL_RECORD_VIEW_RECORDING,  /* capturing */
  EL_RECORD_VIEW_PAUSED,     /* paused: nothing captured */
  EL_RECORD_VIEW_SUBMITTING, /* stopped; handing the recording over (on-device draft, upload queued) */
  EL_RECORD_VIEW_WAITING,    /* waiting for the server's draft (uploading, transcribing, extracting) */
  EL_RECORD_VIEW_DONE,       /* a draft version exists ("draft-ready" emitted) */
  EL_RECORD_VIEW_FAILED,     /* recording or drafting failed; the words say why; the audio is kept */
} ElRecordViewState;

#define EL_TYPE_RECORD_VIEW_STATE (el_record_view_state_get_type ())
GType el_record_view_state_get_type (void) G_GNUC_CONST;

#define EL_TYPE_RECORD_VIEW (el_record_view_get_type ())
G_DECLARE_FINAL_TYPE (ElRecordView, el_record_view, EL, RECORD_VIEW, GtkWidget)

/*
 * Properties: "context" (construct-only), "settings" (GSettings, construct-only: microphone,
 * transcription-mode), "state" (ElRecordViewState), "handoff-id", "recording-id", "duration-ms",
 * "progress-text" (the words shown under the timer).
 * Signals: "draft-ready" (const char *handoff_id): the handoff has a new SBAR version from this
 * recording; "closed": the nurse discarded or left the view (nothing more to show).
 */
GtkWidget *el_record_view_new (ElContext *ctx, GSettings *settings);

/* Starts recording for @handoff_id at once. */
void el_record_view_start (ElRecordView *self, const char *handoff_id);
/* The Stop button. */
void el_record_view_stop (ElRecordView *self);
/* The capture source as a GStreamer bin description (e.g. "pulsesrc device=virtual_mic" or
 * "audiotestsrc is-live=true"), for tests and benchmarks; NULL: the "microphone" setting. */
void el_record_view_set_source (ElRecordView *self, const char *source_description);

ElRecordViewState el_record_view_get_state (ElRecordView *self);
const char *el_record_view_get_handoff_id (ElRecordView *self);
const char *el_record_view_get_recording_id (ElRecordView *self);
gint64 el_record_view_get_duration_ms (ElRecordView *self);
const char *el_record_view_get_progress_text (ElRecordView *self);

/* Added: hands over a recording made earlier (a recovered one, see el-record-recover.h) exactly as
 * after Stop — the view goes from IDLE to SUBMITTING and on, with the same progress and signals. */
void el_record_view_submit_recording (ElRecordView *self,
                                      const char *handoff_id,
                                      const char *recording_id,
                                      const char *path,
                                      gint64 duration_ms);
/* Added, for tests and benchmarks: (transfer none) (nullable) the recorder of the current recording. */
ElRecorder *el_record_view_get_recorder (ElRecordView *self);

G_END_DECLS
