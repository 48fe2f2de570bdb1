/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "el-transcript.h"

G_BEGIN_DECLS

/*
 * ElTranscriber: turns a recording into an ElTranscript. One interface, several engines:
 * ElPocketsphinxTranscriber (offline, the default) and ElOpenAiTranscriber (Azure OpenAI Whisper or
 * any OpenAI-compatible /v1/audio/transcriptions endpoint).
 *
 * @audio is the whole recording as uploaded: Ogg/Opus ("audio/ogg") or WAV ("audio/wav"). It is
 * PHI: engines keep it in memory only and never write it to disk or a log. The callback runs in
 * the thread-default main context of the call; blocking work runs in a worker thread.
 */

#define EL_TRANSCRIBER_ERROR (el_transcriber_error_quark ())
GQuark el_transcriber_error_quark (void);

typedef enum
{
  EL_TRANSCRIBER_ERROR_UNSUPPORTED_AUDIO, /* not Ogg/Opus or WAV, or undecodable */
  EL_TRANSCRIBER_ERROR_ENGINE,            /* the engine failed (model missing, bad reply, ...) */
  EL_TRANSCRIBER_ERROR_UNAVAILABLE,       /* a cloud engine that cannot be reached or is not configured */
  EL_TRANSCRIBER_ERROR_TOO_LONG,          /* longer than EL_TRANSCRIBER_MAX_AUDIO_MS */
} ElTranscriberError;

#define EL_TRANSCRIBER_MAX_AUDIO_MS (60 * 60 * 1000)

#define EL_TYPE_TRANSCRIBER (el_transcriber_get_type ())
G_DECLARE_INTERFACE (ElTranscriber, el_transcriber, EL, TRANSCRIBER, GObject)

struct _ElTranscriberInterface
{
  GTypeInterface parent_iface;

  /* A short stable name for health checks and metrics: "pocketsphinx", "openai". */
  const char *(*get_engine_name) (ElTranscriber *self);
  void (*transcribe_async) (ElTranscriber *self,
                            GBytes *audio,
                            const char *content_type,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data);
  ElTranscript *(*transcribe_finish) (ElTranscriber *self, GAsyncResult *result, GError **error);
};

const char *el_transcriber_get_engine_name (ElTranscriber *self);
void el_transcriber_transcribe_async (ElTranscriber *self,
                                      GBytes *audio,
                                      const char *content_type,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
ElTranscript *el_transcriber_transcribe_finish (ElTranscriber *self, GAsyncResult *result, GError **error);
/* Blocking convenience for worker threads (the server's job runner, the CLI): runs the async call
 * on a private main context. Never call it on the GTK main thread. */
ElTranscript *el_transcriber_transcribe_sync (
    ElTranscriber *self, GBytes *audio, const char *content_type, GCancellable *cancellable, GError **error);

G_END_DECLS
