/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness of the sealed recording reader (src/core/media/FORMAT.md).
 *
 * An input is an .elrec file of the test vault (el_media_test_vault()) and the recording
 * FUZZ_RECORDING_ID. It must either fail with an EL_SEALED_AUDIO_ERROR, or open; an open file's
 * plaintext (el_sealed_audio_read_all()) has exactly el_sealed_audio_get_size() bytes, a stream
 * read after a seek to any offset agrees with it, and a complete file has at least one chunk.
 * The seeds (seeds-sealed-audio/) are real files of that vault: complete, interrupted, torn.
 * Warnings and criticals abort. */
#include "config.h"

#include "el-media-test.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define FUZZ_RECORDING_ID "3f2a1b0c-9d8e-4f70-a1b2-c3d4e5f60001"

static ElVault *vault;

G_GNUC_NORETURN static void
fail (const char *what, const char *detail)
{
  fprintf (stderr, "fuzz-sealed-audio: %s\n", what);
  if (detail != NULL)
    fprintf (stderr, "  %s\n", detail);
  abort ();
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);
  vault = el_media_test_vault ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GBytes) file = g_bytes_new (data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElSealedAudio) audio = el_sealed_audio_open_bytes (vault, file, FUZZ_RECORDING_ID, &error);
  g_autoptr (GBytes) plain = NULL;
  g_autoptr (GInputStream) stream = NULL;
  const guint8 *p;
  gsize plen;

  if (audio == NULL)
    {
      if (error == NULL || error->domain != EL_SEALED_AUDIO_ERROR)
        fail ("a refused file without an EL_SEALED_AUDIO_ERROR", error != NULL ? error->message : NULL);
      return 0;
    }
  if (error != NULL)
    fail ("an opened file with an error", error->message);
  if (el_sealed_audio_is_complete (audio) && el_sealed_audio_get_n_chunks (audio) == 0)
    fail ("a complete file without chunks", NULL);

  plain = el_sealed_audio_read_all (audio, NULL, &error);
  if (plain == NULL)
    fail ("an opened file does not read", error != NULL ? error->message : NULL);
  p = g_bytes_get_data (plain, &plen);
  if (plen != el_sealed_audio_get_size (audio))
    fail ("read_all and get_size disagree", NULL);

  stream = el_sealed_audio_open_stream (audio, &error);
  if (stream == NULL)
    fail ("no stream", error != NULL ? error->message : NULL);
  for (gsize i = 0; i < MIN (size, 8); i++)
    {
      gsize off = plen == 0 ? 0 : (data[i] * 7919u) % (plen + 1);
      guint8 buf[97];
      gsize got = 0;
      gsize want = MIN (sizeof buf, plen - off);

      if (!g_seekable_seek (G_SEEKABLE (stream), (goffset) off, G_SEEK_SET, NULL, &error))
        fail ("seek inside the plaintext failed", error->message);
      if (!g_input_stream_read_all (stream, buf, want, &got, NULL, &error) || got != want)
        fail ("read after seek failed", error != NULL ? error->message : NULL);
      if (want > 0 && memcmp (buf, p + off, want) != 0)
        fail ("read after seek disagrees with read_all", NULL);
    }
  return 0;
}
