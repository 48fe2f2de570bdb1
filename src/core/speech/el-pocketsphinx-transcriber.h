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
 * utterances at pauses of 300 ms or more (an energy detector; at most 30 s each), and the
 * utterances are decoded by pocketsphinx in blocks, checking the GCancellable between blocks: in
 * contiguous runs of about equal length, one run per decoder, each decoder on its own thread
 * (property "threads": 0, the default, is one per processor, at most 4; each decoder holds its own
 * copy of the models: 12.5 MB more peak RSS with 2 than with 1, measured). Words get audio times
 * from the word segmentation (10 ms frames from the start of their utterance, offset by the
 * utterance's start) and a confidence from the segment posterior (0..1); fillers and silences are
 * skipped. Cepstral mean normalisation is live, and every decoder starts each call from the mean
 * cepstrum of the whole recording (computed first by a front-end pass over the utterances, without
 * search): a run decoded on its own starts as well adapted as the first utterance of the recording,
 * which used to start from the model's generic estimate (WER 33.5 % → 29.0 % on the test set). The
 * front end's noise estimate still carries over from call to call, so a call's result can depend
 * slightly on earlier calls on the same object. The transcript's timing is the audio length and the
 * processing time of the call (decoding and recognition; the one-time model loading is not
 * counted).
 *
 * Thread safety: the decoders are loaded on first use in the worker thread and guarded by a mutex,
 * so calls on one object run one at a time (each using up to "threads" threads). The hypothesis
 * text is never logged; pocketsphinx's own log goes to /dev/null.
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
/* The audio (ms) that every pocketsphinx transcriber of this process has decoded so far: a
 * diagnostic, and how tests see that a recording was not decoded twice. */
gint64 el_pocketsphinx_transcriber_get_audio_ms_decoded (void);

G_END_DECLS
