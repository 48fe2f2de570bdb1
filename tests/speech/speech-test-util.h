/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Helpers of the speech tests and benchmark: the test handoff texts (tests/data/speech/handoff-NN.txt, never
 * in the language model corpus), speech synthesised from them (espeak-ng, flite or festival, + sox) at test time,
 * in-memory Ogg/Opus encoding with GStreamer, word error rate.
 */

/* The paths of tests/data/speech/handoff-*.txt, sorted. */
/* tests/data/FOLDER/PREFIX*.txt, sorted (the tuning handoffs: "speech-dev", "dev-"). */
GPtrArray *speech_test_text_paths_in (const char *folder, const char *prefix);
GPtrArray *speech_test_text_paths (void);
char *speech_test_read_text (const char *path);
/* Lower case words: letters, digits and apostrophes; everything else separates words. */
GPtrArray *speech_test_words (const char *text);
/* Sentences (split on . ? ! and newlines), as normalised words joined by one space; empty ones dropped. */
GPtrArray *speech_test_sentences (const char *text);
/* Word-level Levenshtein distance between @reference and @hypothesis (arrays of char *). */
guint speech_test_word_errors (GPtrArray *reference, GPtrArray *hypothesis);
/* @text spoken by espeak-ng (en-us, 150 wpm), converted by sox to 16 kHz mono 16-bit WAV; the files
 * go to @tmpdir. NULL (and a skip message in @error) when espeak-ng or sox is missing. */
GBytes *speech_test_synthesise (const char *text, const char *tmpdir, const char *name, GError **error);
/* The same in another voice, "ENGINE:VOICE": "espeak-ng:en-us+f3" (espeak-ng's formant synthesis, a
 * higher variant), "flite:slt" (flite's voices built from recordings of people: slt, awb, rms,
 * kal16), "festival:cmu_us_slt_arctic_hts" (festival's HTS voice, package festvox-us-slt-hts). NULL
 * (G_IO_ERROR_NOT_FOUND) when the synthesiser or sox is missing. */
GBytes *speech_test_synthesise_voice (
    const char *text, const char *voice, const char *tmpdir, const char *name, GError **error);
/* A WAV file in memory -> Ogg/Opus (wavparse ! audioconvert ! audioresample ! opusenc ! oggmux). */
GBytes *speech_test_wav_to_ogg_opus (GBytes *wav, GError **error);
/* Concatenates 16 kHz mono 16-bit WAV files made by speech_test_synthesise() into one. */
GBytes *speech_test_concat_wav (GPtrArray *wavs);
/* A WAV file of a sine tone (for decoding tests). */
GBytes *speech_test_sine_wav (guint rate, guint channels, guint ms);

G_END_DECLS
