/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "el-openai-config.h"
#include "el-transcriber.h"

G_BEGIN_DECLS

/*
 * ElOpenAiTranscriber: the cloud ElTranscriber (engine name "openai") for the seed's Azure OpenAI
 * Whisper deployment or any OpenAI-compatible /v1/audio/transcriptions endpoint (api.openai.com, a
 * local whisper.cpp server), as ElOpenAiConfig describes.
 *
 * Request: one multipart/form-data POST to el_openai_config_build_url (config,
 * "audio/transcriptions") with the fields file (the recording, with a file name and its content
 * type), response_format=verbose_json, timestamp_granularities[]=word and =segment, language=en,
 * and model for the compatible flavour; header `api-key` (Azure) or `Authorization: Bearer`
 * (compatible, when a key is set). The recording goes over the network only to the configured
 * endpoint; it is never written to disk or a log.
 *
 * Reply (OpenAI's verbose_json): `text`, `duration` (s), `words[] {word, start, end}` (s) and
 * `segments[] {start, end, text, avg_logprob, ...}`. Each word is found in `text` in order (its
 * code point range); its confidence is exp(avg_logprob) of the segment it falls in, clamped to
 * 0..1 (1 when unknown). Without `words`, each segment's text is split into words whose times are
 * spread over the segment by their length. The transcript's audio length is `duration` (or the
 * last word's end) and its processing time the request's wall time.
 *
 * Errors (EL_TRANSCRIBER_ERROR): 401/403 -> ENGINE ("not authorised"); 429 and 5xx -> UNAVAILABLE,
 * with the server's Retry-After (see el_openai_transcriber_error_get_retry_after()); no answer
 * within the config's timeout or a network failure -> UNAVAILABLE; other statuses, malformed JSON,
 * a missing `text`, words not found in the text, a reply over 4 MiB -> ENGINE; no transcription
 * model or deployment configured -> UNAVAILABLE; not Ogg or WAV -> UNSUPPORTED_AUDIO. Messages
 * never contain the key, the audio or the reply body. G_IO_ERROR_CANCELLED when cancelled.
 *
 * Each call uses its own SoupSession created in the calling thread, so calls may run in parallel
 * from any thread that has a thread-default main context (el_transcriber_transcribe_sync() does).
 */

#define EL_OPENAI_TRANSCRIBER_MAX_REPLY (4 * 1024 * 1024)

#define EL_TYPE_OPENAI_TRANSCRIBER (el_openai_transcriber_get_type ())
G_DECLARE_FINAL_TYPE (ElOpenAiTranscriber, el_openai_transcriber, EL, OPENAI_TRANSCRIBER, GObject)

/* @config is copied (construct-only property "config", an ElOpenAiConfig boxed). Construct-only
 * "proxy-resolver" (GProxyResolver, nullable): the sessions' proxy resolver; NULL (the default): the
 * system's. */
ElTranscriber *el_openai_transcriber_new (const ElOpenAiConfig *config);

/* The seconds an UNAVAILABLE error from this engine says to wait (the reply's Retry-After, in
 * seconds or as an HTTP date), 0 when it gave none. */
guint el_openai_transcriber_error_get_retry_after (const GError *error);

G_END_DECLS
