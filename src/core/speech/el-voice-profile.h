/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A voice profile: the offline engine's acoustic model adapted to one speaker.
 *
 * The speaker reads known texts aloud (enrollment, a few minutes in all), or the texts are what the
 * stock model recognised in her recordings (unsupervised adaptation); the profile is Debian's
 * US English acoustic model with its Gaussian means and variances moved towards that voice by
 * maximum a posteriori (MAP) adaptation, the CMU Sphinx recipe: the recordings' MFCC features are
 * computed in memory with the model's own front end (no audio is written to disk), sphinxtrain's
 * `bw` collects Baum-Welch counts against the texts, and `map_adapt` re-estimates the Gaussians.
 * The result is a complete acoustic model folder (pass it as the pocketsphinx transcriber's
 * "acoustic-model", or `eclipselink-cli transcribe --voice-profile DIR`).
 *
 * Needs Debian's sphinxtrain (/usr/lib/sphinxtrain: bw, map_adapt; EL_SPHINXTRAIN_DIR overrides)
 * and pocketsphinx_mdef_convert (package pocketsphinx). The texts are lowercased and split into
 * words; letter runs such as "I C U" become the dictionary's abbreviation tokens; a word neither
 * in @dictionary nor in the CMU dictionary beside the acoustic model is an error naming it.
 *
 * Blocking (seconds: about 10 s for 5 minutes of speech): call el_voice_profile_build_async from
 * the GTK main loop. The profile folder is written under a temporary name and renamed into place,
 * so it is either complete or absent; an existing folder of that name is replaced.
 *
 * Errors: EL_TRANSCRIBER_ERROR_UNSUPPORTED_AUDIO (a recording that does not decode or holds no
 * speech), EL_TRANSCRIBER_ERROR_ENGINE (a tool missing or failing, a word without a
 * pronunciation, texts and recordings that do not pair up), G_IO_ERROR_CANCELLED, G_IO_ERROR.
 */

/* @recordings: GBytes of Ogg/Opus or WAV files, decoded in memory (el_audio_decode_to_pcm);
 * @texts: what each one says, as many as there are recordings. */

/* What a profile folder holds besides the model files: its provenance, as JSON. */
#define EL_VOICE_PROFILE_INFO_NAME "profile.json"

gboolean el_voice_profile_build (const char *base_acoustic_model,
                                 const char *dictionary,
                                 GPtrArray *recordings,
                                 const char *const *texts,
                                 const char *out_dir,
                                 GCancellable *cancellable,
                                 GError **error);

/* el_voice_profile_build() from the installed models; with @phi (the texts are what was heard in
 * handoffs) the work files (features, texts) go to el_voice_profile_private_work_dir(), a folder held
 * in memory, so nothing of them reaches a disk (an error when there is none). */
gboolean el_voice_profile_build_installed (GPtrArray *recordings,
                                           const char *const *texts,
                                           const char *out_dir,
                                           gboolean phi,
                                           GCancellable *cancellable,
                                           GError **error);
char *el_voice_profile_private_work_dir (GError **error);

void el_voice_profile_build_async (const char *base_acoustic_model,
                                   const char *dictionary,
                                   GPtrArray *recordings,
                                   const char *const *texts,
                                   const char *out_dir,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
gboolean el_voice_profile_build_finish (GAsyncResult *result, GError **error);

/* Whether @dir holds a complete voice profile (the info file and the adapted means). */
gboolean el_voice_profile_is_present (const char *dir);
/* The speech (ms) the profile in @dir was built from, as its info file says; -1 if there is none or
 * the file does not say. */
gint64 el_voice_profile_get_audio_ms (const char *dir);

/* The words of @text as the adaptation transcript spells them (lowercase, abbreviation tokens,
 * "<sil>" where punctuation makes a pause), joined by spaces; tokens not in @words are kept as they
 * are. Exposed for tests. */
char *el_voice_profile_transcript (const char *text, GHashTable *words);

G_END_DECLS
