/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Where the offline speech engine finds its models.
 *
 * The nursing-handoff language model (handoff.lm, ARPA trigram) and pronunciation dictionary
 * (handoff.dict) are built by the project at build time from a corpus of handoff phrasing it writes
 * (data/speech/gen-corpus.py, data/speech/build-model.py, data/speech/pronunciations.dict; see
 * src/core/speech/meson.build) and installed to PKGDATADIR/speech. The acoustic model is Debian's
 * US English model from pocketsphinx-en-us.
 *
 * Environment overrides (tests, relocated installs): EL_SPEECH_MODEL_DIR (the folder holding
 * handoff.lm and handoff.dict), EL_SPEECH_ACOUSTIC_MODEL (the acoustic model folder).
 * Every function returns a newly allocated path; none checks that the files exist.
 */

#define EL_SPEECH_DEFAULT_ACOUSTIC_MODEL "/usr/share/pocketsphinx/model/en-us/en-us"
#define EL_SPEECH_LANGUAGE_MODEL_NAME    "handoff.lm"
#define EL_SPEECH_DICTIONARY_NAME        "handoff.dict"

char *el_speech_model_dir (void);
char *el_speech_acoustic_model_dir (void);
/* el_speech_model_dir()/handoff.lm and el_speech_model_dir()/handoff.dict. */
char *el_speech_language_model_path (void);
char *el_speech_dictionary_path (void);

/* The texts a speaker reads aloud to make a voice profile (el-voice-profile.h), in order:
 * el_speech_model_dir()/enrollment-NN.txt (handoffs written for it, in none of the corpus and
 * none of the test texts). An error when there are none. */
#define EL_SPEECH_ENROLLMENT_PREFIX "enrollment-"
GPtrArray *el_speech_enrollment_texts (GError **error);

G_END_DECLS
