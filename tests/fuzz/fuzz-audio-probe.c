/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness of the upload checks: ElAudioProbe, the Content-Digest and Content-Type
 * parsers, and the .elaudio reader's framing.
 *
 * An input is a control byte, two parameter bytes, then the payload:
 *
 *   byte 0, bits 0-1: 0 or 1 = probe, 2 = headers, 3 = .elaudio reader
 *           bits 2-3 (probe): the declared container: 0 any, 1 WAV, 2 Ogg, 3 any
 *           bit 4 (probe): fix the CRC of every Ogg page first, so mutations reach behind it
 *   byte 1: seed of the chunk sizes the probe is fed in (1..256 bytes)
 *   byte 2: duration limit: < 128 = 15 minutes, else (byte - 127) * 100 ms
 *
 * Probe: the payload is probed whole and in chunks; both runs must agree exactly (result, error
 * code and message, duration, bytes consumed); an error is an EL_AUDIO_ERROR; a success has a
 * container, its codec and a duration within the limit. Headers: the payload (to its first NUL)
 * as Content-Digest, which must yield a sha-256 that the header spells in base64, and as
 * Content-Type. Reader: the payload as an .elaudio file of a fixed key and recording: it must fail
 * with an EL_AUDIO_ERROR or yield plaintext. Warnings and criticals abort. */
#include "config.h"

#include "el-audio-store-private.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define RECORDING_ID "3f2a1b0c-9d8e-4f70-a1b2-c3d4e5f60001"

static ElVault *audio_vault;

G_GNUC_NORETURN static void
fail (const char *what, const char *detail)
{
  fprintf (stderr, "fuzz-audio-probe: %s\n", what);
  if (detail != NULL)
    fprintf (stderr, "  %s\n", detail);
  abort ();
}

typedef struct
{
  gboolean ok;
  GError *error;
  gint64 duration_ms;
  guint64 bytes_fed;
  ElAudioContainer container;
  ElAudioCodec codec;
} Outcome;

static void
probe (const guint8 *data, gsize len, ElAudioContainer expected, gint64 max_ms, guint seed, Outcome *out)
{
  g_autoptr (ElAudioProbe) probe = el_audio_probe_new (expected, max_ms);
  guint32 state = seed * 2654435761u + 1;
  gsize offset = 0;

  memset (out, 0, sizeof *out);
  out->ok = TRUE;
  while (out->ok && offset < len)
    {
      gsize n = len - offset;

      if (seed != 0)
        {
          state = state * 1103515245u + 12345u;
          n = MIN (n, 1 + ((state >> 16) & 0xff));
        }
      out->ok = el_audio_probe_feed (probe, data + offset, n, &out->error);
      offset += n;
      if (el_audio_probe_get_duration_ms (probe) < 0)
        fail ("a negative duration", NULL);
    }
  if (out->ok)
    out->ok = el_audio_probe_finish (probe, &out->error);
  out->duration_ms = el_audio_probe_get_duration_ms (probe);
  out->bytes_fed = el_audio_probe_get_bytes_fed (probe);
  out->container = el_audio_probe_get_container (probe);
  out->codec = el_audio_probe_get_codec (probe);

  if (out->ok != (out->error == NULL))
    fail ("the result and the error disagree", NULL);
  if (out->bytes_fed > len)
    fail ("consumed more bytes than it was given", NULL);
  if (out->ok)
    {
      if (out->bytes_fed != len)
        fail ("succeeded without consuming everything", NULL);
      if (out->duration_ms > max_ms)
        fail ("accepted audio longer than the limit", NULL);
      if (!((out->container == EL_AUDIO_CONTAINER_WAV && out->codec == EL_AUDIO_CODEC_PCM) ||
            (out->container == EL_AUDIO_CONTAINER_OGG && out->codec == EL_AUDIO_CODEC_OPUS)))
        fail ("accepted something that is neither WAV/PCM nor Ogg/Opus", NULL);
      if (expected != EL_AUDIO_CONTAINER_UNKNOWN && out->container != expected)
        fail ("accepted another container than the declared one", NULL);
    }
  else if (out->error->domain != EL_AUDIO_ERROR || out->error->code > EL_AUDIO_ERROR_FAILED ||
           out->error->message == NULL || *out->error->message == '\0')
    fail ("a failure without an EL_AUDIO_ERROR", NULL);
}

/* Rewrites the CRC of every complete Ogg page at the start of @data (a copy). */
static void
fix_ogg_crcs (guint8 *data, gsize len)
{
  gsize offset = 0;

  while (offset + 27 <= len && memcmp (data + offset, "OggS", 4) == 0)
    {
      gsize n_segments = data[offset + 26];
      gsize page_len = 27 + n_segments;

      if (offset + page_len > len)
        return;
      for (gsize i = 0; i < n_segments; i++)
        page_len += data[offset + 27 + i];
      if (offset + page_len > len)
        return;
      memset (data + offset + 22, 0, 4);
      {
        guint32 crc = el_ogg_crc32 (0, data + offset, page_len);

        data[offset + 22] = (guint8) crc;
        data[offset + 23] = (guint8) (crc >> 8);
        data[offset + 24] = (guint8) (crc >> 16);
        data[offset + 25] = (guint8) (crc >> 24);
      }
      offset += page_len;
    }
}

static void
check_probe (guint control, guint seed, guint limit, const guint8 *payload, gsize len)
{
  static const ElAudioContainer containers[] = {
    EL_AUDIO_CONTAINER_UNKNOWN,
    EL_AUDIO_CONTAINER_WAV,
    EL_AUDIO_CONTAINER_OGG,
    EL_AUDIO_CONTAINER_UNKNOWN,
  };
  ElAudioContainer expected = containers[(control >> 2) & 3];
  gint64 max_ms = limit < 128 ? EL_AUDIO_MAX_DURATION_MS : (gint64) (limit - 127) * 100;
  g_autofree guint8 *copy = g_memdup2 (payload, len);
  Outcome whole, chunked;

  if ((control & 0x10) != 0)
    fix_ogg_crcs (copy, len);
  probe (copy, len, expected, max_ms, 0, &whole);
  probe (copy, len, expected, max_ms, seed | 1, &chunked);
  if (whole.ok != chunked.ok || whole.duration_ms != chunked.duration_ms ||
      whole.bytes_fed != chunked.bytes_fed || whole.container != chunked.container ||
      whole.codec != chunked.codec)
    fail ("the outcome depends on how the body is cut", NULL);
  if (!whole.ok && (whole.error->code != chunked.error->code ||
                    strcmp (whole.error->message, chunked.error->message) != 0))
    fail ("the error depends on how the body is cut", whole.error->message);
  g_clear_error (&whole.error);
  g_clear_error (&chunked.error);
}

static void
check_headers (const guint8 *payload, gsize len)
{
  g_autofree char *text = g_strndup ((const char *) payload, len);
  g_autoptr (GError) error = NULL;
  guint8 digest[EL_SHA256_BYTES];
  ElAudioContainer container = EL_AUDIO_CONTAINER_UNKNOWN;

  if (el_content_digest_parse_sha256 (text, digest, &error))
    {
      g_autofree char *b64 = g_base64_encode (digest, sizeof digest);

      if (error != NULL)
        fail ("digest: success with an error", NULL);
      if (strstr (text, b64) == NULL)
        fail ("digest: a sha-256 the header does not spell", text);
    }
  else if (!g_error_matches (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_BAD_DIGEST_HEADER))
    fail ("digest: a failure without EL_AUDIO_ERROR_BAD_DIGEST_HEADER", NULL);
  g_clear_error (&error);

  if (el_audio_content_type_parse (text, &container, &error))
    {
      if (container != EL_AUDIO_CONTAINER_OGG && container != EL_AUDIO_CONTAINER_WAV)
        fail ("content type: success without a container", NULL);
      if (g_ascii_strncasecmp (g_strchug (text), el_audio_container_to_mime_type (container), 9) != 0)
        fail ("content type: not the declared type", NULL);
    }
  else if (!g_error_matches (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_UNSUPPORTED_TYPE))
    fail ("content type: a failure without EL_AUDIO_ERROR_UNSUPPORTED_TYPE", NULL);
}

static void
check_reader (const guint8 *payload, gsize len)
{
  g_autoptr (GInputStream) base = g_memory_input_stream_new_from_data (payload, (gssize) len, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GInputStream) stream = el_audio_read_stream_new (base, audio_vault, RECORDING_ID, NULL, &error);
  guint8 buffer[4096];
  gssize n;
  gsize total = 0;

  if (stream == NULL)
    {
      if (error == NULL || error->domain != EL_AUDIO_ERROR)
        fail ("reader: a failure without an EL_AUDIO_ERROR", NULL);
      return;
    }
  while ((n = g_input_stream_read (stream, buffer, sizeof buffer, NULL, &error)) > 0)
    total += (gsize) n;
  if (n < 0 && (error == NULL || error->domain != EL_AUDIO_ERROR))
    fail ("reader: a failure without an EL_AUDIO_ERROR", NULL);
  if (total > len)
    fail ("reader: more plaintext than input", NULL);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  guint8 key[EL_VAULT_KEY_BYTES];
  g_autoptr (ElVault) master = NULL;

  g_log_set_always_fatal (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);
  memset (key, 0x11, sizeof key);
  master = el_vault_new (key);
  audio_vault = el_vault_new_derived (master, EL_AUDIO_STORE_KEY_LABEL);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size < 3)
    return 0;
  switch (data[0] & 3)
    {
      case 2:
        check_headers (data + 3, size - 3);
        break;
      case 3:
        check_reader (data + 3, size - 3);
        break;
      default:
        check_probe (data[0], data[1], data[2], data + 3, size - 3);
        break;
    }
  return 0;
}
