/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "el-context.h"
#include "el-player.h"
#include "el-transcript-view.h"

G_BEGIN_DECLS

/*
 * ElSbarEditor: the SBAR editor of one handoff — the four sections, the structured fields, the
 * completeness meter, the AI marks (with the transcript sentence they came from) and the Confirm
 * buttons of low-confidence values. Ctrl+S (action "editor.save") saves a new version through the
 * store (queued while offline).
 *
 * Listening: each AI mark's popover has a Play button that plays what was said for the value
 * (the span's audio range, with ElPlayer, from the sealed recording the transcript came from, in
 * el_context_get_recordings_dir()); it becomes Stop while playing. Playback stops when another
 * starts, when the popover closes, when another handoff loads and when the editor goes. A
 * recording made on another PC is downloaded at the first Play while online ("Downloading the
 * recording…"; GET /api/v1/recordings/{id}/audio into memory), sealed at once with the account's
 * audio vault into el_context_get_recordings_dir()/downloaded/ (a sealed local copy for the next
 * Play; plaintext never reaches the disk) and played from there; offline the popover says the
 * audio is not on this computer. The "Transcript" expander shows the transcript
 * (ElTranscriptView) with the values' spans highlighted; activating one goes to its value and
 * plays it.
 *
 * Properties:
 *   context            (ElContext, construct-only)
 *   handoff-id         (string, read-only)  the loaded handoff, or NULL
 *   base-version       (int, read-only)     the version the edit started from (0: none yet)
 *   dirty              (bool, read-only)    unsaved changes
 *   loading            (bool, read-only)    a load is running
 *   read-only          (bool, read-only)    the handoff is acknowledged or cancelled
 *   unconfirmed-count  (int, read-only)     low-confidence AI values not yet confirmed
 *   completeness       (double, read-only)  0..100, of the current content
 *   audio-sink         (string)             ElPlayer's sink description (NULL: autoaudiosink;
 *                                           tests: "fakesink sync=true")
 * Signals:
 *   saved (const char *op_id, int version)  a save reached the store
 */

#define EL_TYPE_SBAR_EDITOR (el_sbar_editor_get_type ())
G_DECLARE_FINAL_TYPE (ElSbarEditor, el_sbar_editor, EL, SBAR_EDITOR, AdwBin)

GtkWidget *el_sbar_editor_new (ElContext *ctx);

/* Loads the handoff, its latest version shown locally and its recordings (for the transcripts).
 * Replaces whatever was shown: call el_sbar_editor_confirm_leave_async() first when dirty. */
void el_sbar_editor_load (ElSbarEditor *self, const char *handoff_id);

const char *el_sbar_editor_get_handoff_id (ElSbarEditor *self);
int el_sbar_editor_get_base_version (ElSbarEditor *self);
gboolean el_sbar_editor_get_dirty (ElSbarEditor *self);
gboolean el_sbar_editor_get_loading (ElSbarEditor *self);
gboolean el_sbar_editor_get_read_only (ElSbarEditor *self);
int el_sbar_editor_get_unconfirmed_count (ElSbarEditor *self);
double el_sbar_editor_get_completeness (ElSbarEditor *self);

void el_sbar_editor_set_audio_sink (ElSbarEditor *self, const char *sink);
const char *el_sbar_editor_get_audio_sink (ElSbarEditor *self);
/* The player of the loaded recording, made at the first Play (transfer none) (nullable). */
ElPlayer *el_sbar_editor_get_player (ElSbarEditor *self);
/* Whether a value's audio is playing (or being opened to play). */
gboolean el_sbar_editor_get_playing (ElSbarEditor *self);
ElTranscriptView *el_sbar_editor_get_transcript_view (ElSbarEditor *self);

/* (transfer full): the content as the widgets hold it (source nurse, sections, fields). Values
 * that do not validate are left out here; saving refuses them instead. */
ElSbarVersion *el_sbar_editor_get_content (ElSbarEditor *self);

/* Saves a new version (what "editor.save" does). Fails (EL_SBAR_EDITOR_ERROR) when a value does
 * not validate, the handoff is read-only or the store refuses; the editor shows why. Returns the
 * new version's number (0 on error). */
void el_sbar_editor_save_async (ElSbarEditor *self,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
int el_sbar_editor_save_finish (ElSbarEditor *self, GAsyncResult *result, GError **error);

/* The unsaved-changes guard: TRUE at once when not dirty; else asks "Save changes to this
 * handoff?" (Cancel → FALSE, Discard → TRUE, Save → saves, then TRUE; FALSE with an error when
 * the save fails). */
void el_sbar_editor_confirm_leave_async (ElSbarEditor *self,
                                         GtkWindow *parent,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
gboolean el_sbar_editor_confirm_leave_finish (ElSbarEditor *self, GAsyncResult *result, GError **error);

/* The guard's dialog while it is shown (for tests: adw_message_dialog_response()), else NULL. */
AdwMessageDialog *el_sbar_editor_get_leave_dialog (ElSbarEditor *self);

#define EL_SBAR_EDITOR_ERROR (el_sbar_editor_error_quark ())
typedef enum
{
  EL_SBAR_EDITOR_ERROR_INVALID, /* a value does not validate */
  EL_SBAR_EDITOR_ERROR_READ_ONLY,
  EL_SBAR_EDITOR_ERROR_NOT_LOADED,
  EL_SBAR_EDITOR_ERROR_FAILED, /* the store refused */
} ElSbarEditorError;
GQuark el_sbar_editor_error_quark (void);

G_END_DECLS
