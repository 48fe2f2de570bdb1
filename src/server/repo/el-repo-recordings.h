/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "el-db.h"
#include "el-models.h"

G_BEGIN_DECLS

/*
 * Recordings (see el-repo.h for the common rules).
 *
 * el_repo_recording_create() stores an uploaded recording as `queued` and moves its handoff to
 * processing in the same transaction (the state machine decides: a signed handoff is
 * %EL_REPO_ERROR_INVALID_TRANSITION, an acknowledged or cancelled one %EL_REPO_ERROR_LOCKED).
 * Queueing the transcription job is the caller's, in the same transaction.
 * el_repo_recording_update() is the job runner's: status, engine, transcript and words (both
 * sealed), error, duration, size. The storage path (relative to STORAGE_DIR) is not part of the
 * Recording JSON: it is passed and returned beside the model. Change feed: entity "recording",
 * visible to the handoff's unit.
 */

ElRecording *el_repo_recording_create (ElDb *db,
                                       ElRecording *recording,
                                       const char *storage_path,
                                       const char *actor_id,
                                       gboolean *existed,
                                       ElHandoff **handoff_out,
                                       GError **error);
ElRecording *el_repo_recording_get (
    ElDb *db, const char *recording_id, char **unit_id, char **storage_path, GError **error);
char *el_repo_recording_get_created_by (ElDb *db, const char *recording_id, GError **error);
GPtrArray *el_repo_recordings_list (ElDb *db, const char *handoff_id, GError **error);
GPtrArray *el_repo_recordings_latest_transcribed (
    ElDb *db, const char *engine, const char *created_by, guint limit, GError **error);
gboolean el_repo_recording_update (ElDb *db, ElRecording *recording, const char *actor_id, GError **error);

G_END_DECLS
