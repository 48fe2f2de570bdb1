/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "el-context.h"

G_BEGIN_DECLS

/*
 * Recordings left behind: at start-up (after sign-in / open, BEFORE any recording starts in this
 * context), the window calls el_record_recover_async(). It scans el_context_get_recordings_dir()
 * for `*.elrec` (src/core/media/FORMAT.md) in a worker thread:
 *
 *   - interrupted (the app crashed or was closed mid-way): el_recorder_recover() ends it, then it
 *     is offered as EL_RECOVERED_INTERRUPTED;
 *   - complete but never handed over (stopped, then the app died before submitting): offered as
 *     EL_RECOVERED_COMPLETE;
 *   - a file cut inside its header (TRUNCATED) or holding no audio: deleted, with its sidecar;
 *   - a file that does not authenticate (TAMPERED) or does not parse (CORRUPT): kept on disk and
 *     reported as EL_RECOVERED_TAMPERED (never offered for drafting);
 *   - already handed over (the outbox holds its `recording.upload` op, or the store knows the
 *     recording): not reported.
 *
 * Which handoff a recording is for: the `.elrec` file does not say, so ElRecordView writes a
 * sidecar `<recording id>.handoff` next to it (the handoff's id in ASCII, nothing else) when it
 * starts recording; without one, handoff_id is NULL (the recording can only be discarded).
 */

typedef enum
{
  EL_RECOVERED_INTERRUPTED, /* was interrupted; now sealed with an ending */
  EL_RECOVERED_COMPLETE,    /* complete, never handed over */
  EL_RECOVERED_TAMPERED,    /* does not authenticate / parse: kept, not usable */
} ElRecoveredState;

typedef struct
{
  char *path;
  char *recording_id;
  char *handoff_id; /* (nullable) */
  gint64 duration_ms;
  ElRecoveredState state;
} ElRecoveredRecording;

#define EL_TYPE_RECOVERED_RECORDING (el_recovered_recording_get_type ())
GType el_recovered_recording_get_type (void) G_GNUC_CONST;
ElRecoveredRecording *el_recovered_recording_copy (const ElRecoveredRecording *self);
void el_recovered_recording_free (ElRecoveredRecording *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElRecoveredRecording, el_recovered_recording_free)

void el_record_recover_async (ElContext *ctx,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data);
/* (element-type ElRecoveredRecording) (transfer full): oldest first; empty when nothing to offer. */
GPtrArray *el_record_recover_finish (GAsyncResult *result, GError **error);

/* Deletes a left-behind recording and its sidecar (the recovery dialog's Discard). */
gboolean el_record_delete_recording (const char *path, GError **error);

/* The sidecar: <directory>/<recording_id>.handoff (mode 0600). */
char *el_record_sidecar_path (const char *directory, const char *recording_id);
gboolean el_record_write_sidecar (const char *directory,
                                  const char *recording_id,
                                  const char *handoff_id,
                                  GError **error);
/* (nullable): the handoff id, when the sidecar exists and holds a UUID. */
char *el_record_read_sidecar (const char *directory, const char *recording_id);
void el_record_delete_sidecar (const char *directory, const char *recording_id);

G_END_DECLS
