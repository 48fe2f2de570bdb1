/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * el_audio_decode_to_pcm: a whole recording in memory (Ogg/Opus as ElRecorder writes it, or WAV)
 * to the raw audio speech engines want: 16 kHz, mono, signed 16-bit little-endian PCM.
 *
 * The recording is PHI: it is decoded in memory (appsrc ! decodebin ! audioconvert ! audioresample
 * ! capsfilter ! appsink), never written to disk, and the returned PCM wipes itself when freed.
 *
 * Blocking: call it from a worker thread (the engines do, inside their GTask thread). It never
 * hangs: pipeline errors and end of stream end it, @cancellable is checked every 100 ms, and a
 * deadline proportional to the input size is the last resort.
 *
 * @content_type: "audio/ogg", "audio/opus", "audio/wav" (also "audio/x-wav", "audio/wave",
 * "audio/vnd.wave"), or NULL to go by the bytes alone. The bytes must start like an Ogg or a RIFF
 * WAVE file whatever the content type says. Errors are EL_TRANSCRIBER_ERROR_UNSUPPORTED_AUDIO
 * (empty, garbage, not Ogg or WAV, a video, undecodable, no audio in it), _TOO_LONG (over
 * EL_TRANSCRIBER_MAX_AUDIO_MS) or G_IO_ERROR_CANCELLED.
 */

#define EL_AUDIO_PCM_RATE 16000

GBytes *el_audio_decode_to_pcm (GBytes *audio,
                                const char *content_type,
                                gint64 *out_duration_ms,
                                GCancellable *cancellable,
                                GError **error);

G_END_DECLS
