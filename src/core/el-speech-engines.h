/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "el-sbar-extractor.h"
#include "el-transcriber.h"

G_BEGIN_DECLS

/*
 * Which speech engines to use, from the process environment — the same rules for
 * eclipselink-server's jobs, the app's on-device drafts and eclipselink-cli:
 *
 *   SPEECH_ENGINE   auto (default) | pocketsphinx | openai | none
 *                   auto: "openai" when an OpenAI-compatible transcription model is configured
 *                   (el-openai-config.h: AZURE_OPENAI_ENDPOINT + AZURE_OPENAI_WHISPER_DEPLOYMENT,
 *                   or OPENAI_BASE_URL), else "pocketsphinx" — offline, nothing leaves the machine.
 *                   none: no transcriber (the server leaves uploads queued and its health says so).
 *   SBAR_EXTRACTOR  auto (default) | rules | openai
 *                   auto: "openai" when a chat model is configured (AZURE_OPENAI_GPT4_DEPLOYMENT,
 *                   or OPENAI_BASE_URL), else "rules". The chat engine falls back to the rules on
 *                   any failure.
 *   plus EL_SPEECH_MODEL_DIR / EL_SPEECH_ACOUSTIC_MODEL (el-speech-model.h).
 *
 * An unknown value, an "openai" choice without configuration, or pocketsphinx model files that are
 * missing is an error that names the variable — never a silent fallback to another engine.
 */

/* *transcriber is %NULL (and TRUE returned) only for SPEECH_ENGINE=none. */
gboolean el_speech_engines_new_transcriber (ElTranscriber **transcriber, GError **error);
/* The same, for one speaker: when the choice is pocketsphinx and @voice_profile (nullable) holds a
 * complete voice profile (el-voice-profile.h), the engine uses it as its acoustic model. A cloud
 * engine, or a missing or incomplete profile, leaves the choice as it was. */
gboolean el_speech_engines_new_transcriber_for_speaker (const char *voice_profile,
                                                        ElTranscriber **transcriber,
                                                        GError **error);
ElSbarExtractor *el_speech_engines_new_extractor (GError **error);

G_END_DECLS
