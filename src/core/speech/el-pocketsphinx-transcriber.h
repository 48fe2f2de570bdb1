/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "el-transcriber.h"

G_BEGIN_DECLS

/*
 * ElPocketsphinxTranscriber: the offline ElTranscriber (engine name "pocketsphinx"), Debian's
 * libpocketsphinx with the project's nursing-handoff language model and dictionary
 * (el-speech-model.h) and the en-us acoustic model. No audio or text leaves the process.
 *
 * A recording is decoded to 16 kHz mono PCM in memory (el_audio_decode_to_pcm()), cut into
 * utterances at pauses of 300 ms or more (an energy detector; at most 30 s each), and each
 * utterance is decoded by pocketsphinx in blocks, checking the GCancellable between blocks. Words
 * get audio times from the word segmentation (10 ms frames, offset by the utterance's start) and a
 * confidence from the segment posterior (0..1); fillers and silences are skipped. Cepstral mean
 * normalisation is live: the decoder's channel estimate adapts over the utterances and calls it has
 * heard (this measured better than per-utterance normalisation: 30 % against 37 % WER on the test
 * set), so a call's result can depend slightly on earlier calls on the same object. The transcript's
 * timing is the audio length and the processing time of the call (decoding and recognition; the
 * one-time model loading is not counted).
 *
 * Thread safety: one decoder per object, loaded on first use in the worker thread and guarded by a
 * mutex, so calls on one object run one at a time. Create one object per worker for parallel
 * decoding. The hypothesis text is never logged; pocketsphinx's own log goes to /dev/null.
 *
 * Errors: EL_TRANSCRIBER_ERROR_UNSUPPORTED_AUDIO / _TOO_LONG from decoding, _ENGINE when a model
 * file is missing or unusable, G_IO_ERROR_CANCELLED.
 */

#define EL_TYPE_POCKETSPHINX_TRANSCRIBER (el_pocketsphinx_transcriber_get_type ())
G_DECLARE_FINAL_TYPE (
    ElPocketsphinxTranscriber, el_pocketsphinx_transcriber, EL, POCKETSPHINX_TRANSCRIBER, GObject)

/* The default models: el_speech_acoustic_model_dir(), el_speech_language_model_path(),
 * el_speech_dictionary_path(). */
ElTranscriber *el_pocketsphinx_transcriber_new (void);
/* Explicit model files (construct-only properties "acoustic-model", "language-model",
 * "dictionary"); NULL for the default of that one. The language model may be ARPA or binary. */
ElTranscriber *el_pocketsphinx_transcriber_new_with_models (const char *acoustic_model_dir,
                                                            const char *language_model,
                                                            const char *dictionary);

G_END_DECLS
