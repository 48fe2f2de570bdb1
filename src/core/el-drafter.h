/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "el-sbar-extractor.h"
#include "el-sealed-audio.h"
#include "el-store.h"
#include "el-transcriber.h"

G_BEGIN_DECLS

/*
 * ElDrafter: the speech pipeline on the PC, the same steps the server's jobs run
 * (el-speech-jobs.h): audio -> ElTranscriber -> ElSbarExtractor -> an SBAR draft.
 *
 * - el_drafter_run_async(): recording bytes (Ogg/Opus or WAV, in memory) -> the transcript and
 *   the extraction (the CLI, benchmarks).
 * - el_drafter_draft_handoff_async(): a sealed recording (ElSealedAudio, decrypted in memory only)
 *   -> a local SBAR version with source "on-device" saved in @store on top of @base_version and
 *   queued for sync like any other save (el_store_save_sbar_draft_async()). Used when the server
 *   cannot be reached or the app's transcription mode is on-device; when the recording's upload
 *   reaches the server later, the server keeps this version (it adds an "ai" version only to a
 *   handoff that has none).
 *
 * The work runs in a worker thread; callbacks come in the thread-default main context of the
 * call. Nothing here logs or writes the audio, the transcript or the draft in clear.
 */

#define EL_TYPE_DRAFTER (el_drafter_get_type ())
G_DECLARE_FINAL_TYPE (ElDrafter, el_drafter, EL, DRAFTER, GObject)

ElDrafter *el_drafter_new (ElTranscriber *transcriber, ElSbarExtractor *extractor);
ElTranscriber *el_drafter_get_transcriber (ElDrafter *self);
ElSbarExtractor *el_drafter_get_extractor (ElDrafter *self);

void el_drafter_run_async (ElDrafter *self,
                           GBytes *audio,
                           const char *content_type,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data);
/* (transfer full): the extraction; @transcript (out, optional, transfer full). */
ElExtraction *
el_drafter_run_finish (ElDrafter *self, GAsyncResult *result, ElTranscript **transcript, GError **error);

void el_drafter_draft_handoff_async (ElDrafter *self,
                                     ElStore *store,
                                     ElSealedAudio *audio,
                                     const char *handoff_id,
                                     int base_version,
                                     const char *author_id,
                                     const char *author_name,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
/* Returns the op id of the saved version; @extraction (out, optional): what was extracted;
 * @transcript (out, optional): what was heard. */
char *el_drafter_draft_handoff_finish (ElDrafter *self,
                                       GAsyncResult *result,
                                       ElExtraction **extraction,
                                       ElTranscript **transcript,
                                       GError **error);

G_END_DECLS
