/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "el-audio-error.h"

G_BEGIN_DECLS

/*
 * ElAudioProbe: identifies an upload's audio while it streams, chunk by chunk, without holding it.
 *
 *   g_autoptr (ElAudioProbe) probe = el_audio_probe_new (EL_AUDIO_CONTAINER_OGG, EL_AUDIO_MAX_DURATION_MS);
 *   for each chunk:
 *     if (!el_audio_probe_feed (probe, data, len, &error))
 *       -> stop reading the body, answer el_audio_error_http_status (error)
 *   if (!el_audio_probe_finish (probe, &error)) ...
 *   el_audio_probe_get_duration_ms (probe)
 *
 * Accepted: WAV (RIFF "WAVE", a "fmt " chunk with PCM: format tag 1, or WAVE_FORMAT_EXTENSIBLE
 * with the PCM sub-format; 1..32 channels, 1000..384000 Hz, 8/16/24/32 bits; other chunks such as
 * LIST are skipped wherever they are) and Ogg/Opus (RFC 3533 pages, each CRC-checked, one logical
 * stream, page sequence numbers without gaps, first page BOS with exactly the "OpusHead" packet
 * (RFC 7845), second page starting with "OpusTags", non-decreasing granule positions, last page
 * EOS).
 *
 * Duration: WAV = data bytes * 1000 / byte rate (floor, ms); Ogg/Opus = (granule position of the
 * last page that has one - pre-skip) / 48 (floor, ms). el_audio_probe_get_duration_ms() reports
 * the duration of what was fed so far. The probe fails with %EL_AUDIO_ERROR_TOO_LONG as soon as the
 * duration passes the limit: for a WAV whose data chunk declares its size, already at the chunk
 * header; otherwise (size 0xFFFFFFFF = unknown, and Ogg) at the first page or data byte past it.
 *
 * Errors are sticky: after a failure every call returns the same error. The probe copies at most
 * one Ogg page (65307 bytes) and never reads past the byte that decided an error. Never fails with
 * anything but %EL_AUDIO_ERROR, whatever the bytes (tests/fuzz/fuzz-audio-probe.c).
 */

#define EL_AUDIO_MAX_DURATION_MS G_GINT64_CONSTANT (900000) /* 15 minutes */

typedef enum
{
  EL_AUDIO_CONTAINER_UNKNOWN, /* not yet known; as an expectation: any */
  EL_AUDIO_CONTAINER_WAV,
  EL_AUDIO_CONTAINER_OGG,
} ElAudioContainer;

typedef enum
{
  EL_AUDIO_CODEC_UNKNOWN,
  EL_AUDIO_CODEC_PCM,
  EL_AUDIO_CODEC_OPUS,
} ElAudioCodec;

typedef struct ElAudioProbe ElAudioProbe;

ElAudioProbe *el_audio_probe_new (ElAudioContainer expected, gint64 max_duration_ms);
void el_audio_probe_free (ElAudioProbe *self);

gboolean el_audio_probe_feed (ElAudioProbe *self, const void *data, gsize len, GError **error);
gboolean el_audio_probe_finish (ElAudioProbe *self, GError **error);

ElAudioContainer el_audio_probe_get_container (ElAudioProbe *self);
ElAudioCodec el_audio_probe_get_codec (ElAudioProbe *self);
gint64 el_audio_probe_get_duration_ms (ElAudioProbe *self);
guint64 el_audio_probe_get_bytes_fed (ElAudioProbe *self);
guint el_audio_probe_get_channels (ElAudioProbe *self);
guint el_audio_probe_get_sample_rate (ElAudioProbe *self);
guint el_audio_probe_get_bits_per_sample (ElAudioProbe *self);
guint el_audio_probe_get_pre_skip (ElAudioProbe *self);

const char *el_audio_container_to_mime_type (ElAudioContainer container);
gboolean el_audio_content_type_parse (const char *content_type, ElAudioContainer *out, GError **error);

guint32 el_ogg_crc32 (guint32 crc, const guint8 *data, gsize len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElAudioProbe, el_audio_probe_free)

G_END_DECLS
