/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ElAudioProbe, ElAudioStore and the Content-Digest parser, on real Ogg/Opus and WAV files made
 * by GStreamer (gst-launch-1.0) and on real files in a temporary STORAGE_DIR. */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "el-audio-store.h"

#define RECORDING_ID  "3f2a1b0c-9d8e-4f70-a1b2-c3d4e5f60001"
#define RECORDING2_ID "3f2a1b0c-9d8e-4f70-a1b2-c3d4e5f60002"

/* Media generated once by main(): 3 s and 10 s of a 440 Hz sine, 16 kHz mono. */
static char *media_dir;
static char *media_error; /* why the media could not be made: every test that needs it fails */
static GBytes *ogg_3s;
static GBytes *wav_3s;
static GBytes *wav_10s;
static GBytes *ogg_vorbis;

/* Helpers ------------------------------------------------------------------------------------- */

static gboolean
require_media (void)
{
  if (media_error != NULL)
    {
      g_test_fail_printf ("%s", media_error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
gst_generate (const char *gst, guint buffers, const char *const *encoder, const char *path, GError **error)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *err = NULL;
  int status = 0;

  g_ptr_array_add (argv, g_strdup (gst));
  g_ptr_array_add (argv, g_strdup ("-q"));
  g_ptr_array_add (argv, g_strdup ("audiotestsrc"));
  g_ptr_array_add (argv, g_strdup_printf ("num-buffers=%u", buffers));
  g_ptr_array_add (argv, g_strdup ("samplesperbuffer=1600"));
  g_ptr_array_add (argv, g_strdup ("!"));
  g_ptr_array_add (argv, g_strdup ("audio/x-raw,rate=16000,channels=1"));
  for (guint i = 0; encoder[i] != NULL; i++)
    {
      g_ptr_array_add (argv, g_strdup ("!"));
      g_ptr_array_add (argv, g_strdup (encoder[i]));
    }
  g_ptr_array_add (argv, g_strdup ("!"));
  g_ptr_array_add (argv, g_strdup ("filesink"));
  g_ptr_array_add (argv, g_strdup_printf ("location=%s", path));
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
                     &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, error))
    {
      g_prefix_error (error, "%s: %s: ", gst, err != NULL ? err : "");
      return FALSE;
    }
  return TRUE;
}

static GBytes *
make_media (const char *gst, guint buffers, const char *const *encoder, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GMappedFile) mapped = NULL;
  g_autofree char *path = g_build_filename (media_dir, name, NULL);

  if (media_error != NULL)
    return NULL;
  if (!gst_generate (gst, buffers, encoder, path, &error))
    {
      media_error = g_strdup_printf ("could not make %s with GStreamer: %s", name, error->message);
      return NULL;
    }
  mapped = g_mapped_file_new (path, FALSE, &error);
  g_assert_no_error (error);
  return g_mapped_file_get_bytes (mapped);
}

static void
make_all_media (void)
{
  static const char *const opus[] = { "opusenc", "oggmux", NULL };
  static const char *const wav[] = { "wavenc", NULL };
  static const char *const vorbis[] = { "audioconvert", "vorbisenc", "oggmux", NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *gst = g_find_program_in_path ("gst-launch-1.0");

  media_dir = g_dir_make_tmp ("el-test-media-XXXXXX", &error);
  g_assert_no_error (error);
  if (gst == NULL)
    {
      media_error = g_strdup ("gst-launch-1.0 is not on PATH: install gstreamer1.0-tools, "
                              "gstreamer1.0-plugins-base and gstreamer1.0-plugins-good");
      return;
    }
  ogg_3s = make_media (gst, 30, opus, "3s.ogg");
  wav_3s = make_media (gst, 30, wav, "3s.wav");
  wav_10s = make_media (gst, 100, wav, "10s.wav");
  ogg_vorbis = make_media (gst, 10, vorbis, "vorbis.ogg");
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* Regular files anywhere under @path. */
static guint
count_files (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        n += count_files (child);
      else
        n++;
    }
  return n;
}

static void
sha256_of (const guint8 *data, gsize len, guint8 out[EL_SHA256_BYTES])
{
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize out_len = EL_SHA256_BYTES;

  g_checksum_update (checksum, data, len);
  g_checksum_get_digest (checksum, out, &out_len);
  g_assert_cmpuint (out_len, ==, EL_SHA256_BYTES);
}

static gboolean
contains (const guint8 *haystack, gsize haystack_len, const guint8 *needle, gsize needle_len)
{
  for (gsize i = 0; i + needle_len <= haystack_len; i++)
    if (haystack[i] == needle[0] && memcmp (haystack + i, needle, needle_len) == 0)
      return TRUE;
  return FALSE;
}

static void
write_le32 (guint8 *p, guint32 v)
{
  p[0] = (guint8) v;
  p[1] = (guint8) (v >> 8);
  p[2] = (guint8) (v >> 16);
  p[3] = (guint8) (v >> 24);
}

static void
write_le16 (guint8 *p, guint16 v)
{
  p[0] = (guint8) v;
  p[1] = (guint8) (v >> 8);
}

/* An independent, bitwise Ogg CRC (the probe uses a table), to re-seal pages a test modified. */
static guint32
bitwise_ogg_crc (const guint8 *data, gsize len)
{
  guint32 crc = 0;

  for (gsize i = 0; i < len; i++)
    {
      crc ^= (guint32) data[i] << 24;
      for (int bit = 0; bit < 8; bit++)
        crc = (crc & 0x80000000u) != 0 ? (crc << 1) ^ 0x04c11db7u : crc << 1;
    }
  return crc;
}

typedef struct
{
  gsize offset;
  gsize len;
} Span;

/* The pages of an Ogg file (offset and length of each). */
static GArray *
ogg_pages (const guint8 *data, gsize len)
{
  GArray *pages = g_array_new (FALSE, FALSE, sizeof (Span));
  gsize offset = 0;

  while (offset + 27 <= len)
    {
      Span page = { offset, 27 + data[offset + 26] };

      g_assert_cmpmem (data + offset, 4, "OggS", 4);
      for (guint i = 0; i < data[offset + 26]; i++)
        page.len += data[offset + 27 + i];
      g_array_append_val (pages, page);
      offset += page.len;
    }
  g_assert_cmpuint (offset, ==, len);
  return pages;
}

static void
reseal_page (guint8 *page, gsize len)
{
  memset (page + 22, 0, 4);
  write_le32 (page + 22, bitwise_ogg_crc (page, len));
}

/* A canonical 44-byte PCM WAV header. */
static void
wav_header (guint8 out[44], guint channels, guint rate, guint bits, guint32 data_size, guint32 riff_size)
{
  guint block_align = channels * bits / 8;

  memcpy (out, "RIFF", 4);
  write_le32 (out + 4, riff_size);
  memcpy (out + 8, "WAVEfmt ", 8);
  write_le32 (out + 16, 16);
  write_le16 (out + 20, 1);
  write_le16 (out + 22, (guint16) channels);
  write_le32 (out + 24, rate);
  write_le32 (out + 28, rate * block_align);
  write_le16 (out + 32, (guint16) block_align);
  write_le16 (out + 34, (guint16) bits);
  memcpy (out + 36, "data", 4);
  write_le32 (out + 40, data_size);
}

typedef struct
{
  gboolean ok;
  GError *error;
  gint64 duration_ms;
  guint64 bytes_fed;
  ElAudioContainer container;
  ElAudioCodec codec;
  guint channels;
  guint sample_rate;
  guint bits;
  guint pre_skip;
} ProbeResult;

static void
probe_result_clear (ProbeResult *result)
{
  g_clear_error (&result->error);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ProbeResult, probe_result_clear)

/* Feeds @data in pieces of @step bytes (0: all at once), stops at the first error, then finishes. */
static void
probe_bytes (
    const guint8 *data, gsize len, ElAudioContainer expected, gint64 max_ms, gsize step, ProbeResult *result)
{
  g_autoptr (ElAudioProbe) probe = el_audio_probe_new (expected, max_ms);
  gsize offset = 0;

  memset (result, 0, sizeof *result);
  if (step == 0)
    step = MAX (len, 1);
  result->ok = TRUE;
  while (result->ok && offset < len)
    {
      gsize n = MIN (step, len - offset);

      result->ok = el_audio_probe_feed (probe, data + offset, n, &result->error);
      offset += n;
    }
  if (result->ok)
    result->ok = el_audio_probe_finish (probe, &result->error);
  g_assert_true (result->ok == (result->error == NULL));
  result->duration_ms = el_audio_probe_get_duration_ms (probe);
  result->bytes_fed = el_audio_probe_get_bytes_fed (probe);
  result->container = el_audio_probe_get_container (probe);
  result->codec = el_audio_probe_get_codec (probe);
  result->channels = el_audio_probe_get_channels (probe);
  result->sample_rate = el_audio_probe_get_sample_rate (probe);
  result->bits = el_audio_probe_get_bits_per_sample (probe);
  result->pre_skip = el_audio_probe_get_pre_skip (probe);
}

static void
assert_probe_error (const guint8 *data, gsize len, ElAudioContainer expected, ElAudioError code)
{
  g_auto (ProbeResult) result;

  probe_bytes (data, len, expected, EL_AUDIO_MAX_DURATION_MS, 0, &result);
  g_assert_error (result.error, EL_AUDIO_ERROR, (gint) code);
  g_assert_false (result.ok);
  /* The same one byte at a time: the outcome does not depend on how the body is cut. */
  {
    g_auto (ProbeResult) bytewise;

    probe_bytes (data, len, expected, EL_AUDIO_MAX_DURATION_MS, 1, &bytewise);
    g_assert_error (bytewise.error, EL_AUDIO_ERROR, (gint) code);
    g_assert_cmpstr (bytewise.error->message, ==, result.error->message);
  }
}

/* Probe: real files ----------------------------------------------------------------------------- */

static void
test_probe_ogg (void)
{
  g_auto (ProbeResult) result;
  gsize len;
  const guint8 *data;

  if (!require_media ())
    return;
  data = g_bytes_get_data (ogg_3s, &len);
  probe_bytes (data, len, EL_AUDIO_CONTAINER_OGG, EL_AUDIO_MAX_DURATION_MS, 0, &result);
  g_assert_no_error (result.error);
  g_assert_true (result.ok);
  g_assert_cmpint (result.container, ==, EL_AUDIO_CONTAINER_OGG);
  g_assert_cmpint (result.codec, ==, EL_AUDIO_CODEC_OPUS);
  g_assert_cmpint (result.duration_ms, >=, 3000 - 20);
  g_assert_cmpint (result.duration_ms, <=, 3000 + 20);
  g_assert_cmpuint (result.channels, ==, 1);
  g_assert_cmpuint (result.sample_rate, ==, 16000);
  g_assert_cmpuint (result.pre_skip, >, 0);
  g_assert_cmpuint (result.bytes_fed, ==, len);
}

static void
test_probe_wav (void)
{
  g_auto (ProbeResult) result;
  gsize len;
  const guint8 *data;

  if (!require_media ())
    return;
  data = g_bytes_get_data (wav_3s, &len);
  probe_bytes (data, len, EL_AUDIO_CONTAINER_WAV, EL_AUDIO_MAX_DURATION_MS, 0, &result);
  g_assert_no_error (result.error);
  g_assert_cmpint (result.container, ==, EL_AUDIO_CONTAINER_WAV);
  g_assert_cmpint (result.codec, ==, EL_AUDIO_CODEC_PCM);
  g_assert_cmpint (result.duration_ms, ==, 3000);
  g_assert_cmpuint (result.channels, ==, 1);
  g_assert_cmpuint (result.sample_rate, ==, 16000);
  g_assert_cmpuint (result.bits, ==, 16);

  data = g_bytes_get_data (wav_10s, &len);
  probe_bytes (data, len, EL_AUDIO_CONTAINER_UNKNOWN, EL_AUDIO_MAX_DURATION_MS, 0, &result);
  g_assert_no_error (result.error);
  g_assert_cmpint (result.duration_ms, ==, 10000);
}

static void
test_probe_chunking (void)
{
  GBytes *files[] = { ogg_3s, wav_3s };
  const gsize steps[] = { 1, 2, 3, 7, 27, 28, 255, 4096, 65536 };

  if (!require_media ())
    return;
  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_auto (ProbeResult) whole;
      gsize len;
      const guint8 *data = g_bytes_get_data (files[f], &len);

      probe_bytes (data, len, EL_AUDIO_CONTAINER_UNKNOWN, EL_AUDIO_MAX_DURATION_MS, 0, &whole);
      g_assert_no_error (whole.error);
      for (guint s = 0; s < G_N_ELEMENTS (steps); s++)
        {
          g_auto (ProbeResult) cut;

          probe_bytes (data, len, EL_AUDIO_CONTAINER_UNKNOWN, EL_AUDIO_MAX_DURATION_MS, steps[s], &cut);
          g_assert_no_error (cut.error);
          g_assert_cmpint (cut.duration_ms, ==, whole.duration_ms);
          g_assert_cmpint (cut.container, ==, whole.container);
          g_assert_cmpint (cut.codec, ==, whole.codec);
          g_assert_cmpuint (cut.channels, ==, whole.channels);
          g_assert_cmpuint (cut.bytes_fed, ==, len);
        }
    }
}

/* The duration so far grows while an Ogg file streams in. */
static void
test_probe_duration_so_far (void)
{
  g_autoptr (ElAudioProbe) probe = el_audio_probe_new (EL_AUDIO_CONTAINER_OGG, EL_AUDIO_MAX_DURATION_MS);
  g_autoptr (GError) error = NULL;
  gint64 previous = 0;
  gboolean grew = FALSE;
  gsize len;
  const guint8 *data;

  if (!require_media ())
    return;
  data = g_bytes_get_data (ogg_3s, &len);
  for (gsize offset = 0; offset < len; offset += 1000)
    {
      gint64 now;

      g_assert_true (el_audio_probe_feed (probe, data + offset, MIN (1000, len - offset), &error));
      g_assert_no_error (error);
      now = el_audio_probe_get_duration_ms (probe);
      g_assert_cmpint (now, >=, previous);
      if (previous > 0 && now > previous && now < 3000)
        grew = TRUE;
      previous = now;
    }
  g_assert_true (grew);
  g_assert_true (el_audio_probe_finish (probe, &error));
  g_assert_no_error (error);
}

/* Probe: too long ------------------------------------------------------------------------------ */

#define RATE_16K_BYTES_PER_MS 32 /* 16 kHz, mono, 16 bits */

/* Streams a 16-minute WAV of silence whose data size is unknown (0xFFFFFFFF), made 64 KiB at a
 * time and never held whole: the probe must stop at 15 minutes. */
static void
test_probe_wav_too_long_streamed (void)
{
  g_autoptr (ElAudioProbe) probe = el_audio_probe_new (EL_AUDIO_CONTAINER_WAV, EL_AUDIO_MAX_DURATION_MS);
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *silence = g_malloc0 (65536);
  const guint64 total = (guint64) 16 * 60 * 1000 * RATE_16K_BYTES_PER_MS;
  const guint64 limit = (guint64) EL_AUDIO_MAX_DURATION_MS * RATE_16K_BYTES_PER_MS;
  guint8 header[44];
  guint64 produced = 0;
  gboolean ok = TRUE;

  wav_header (header, 1, 16000, 16, G_MAXUINT32, G_MAXUINT32);
  g_assert_true (el_audio_probe_feed (probe, header, sizeof header, &error));
  while (ok && produced < total)
    {
      gsize n = (gsize) MIN ((guint64) 65536, total - produced);

      ok = el_audio_probe_feed (probe, silence, n, &error);
      produced += n;
    }
  g_assert_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_TOO_LONG);
  /* Stopped within one piece of the limit, long before the 16 minutes were made. */
  g_assert_cmpuint (produced, <, total);
  g_assert_cmpuint (produced, >=, limit);
  g_assert_cmpuint (produced, <=, limit + 65536);
  /* ... and consumed exactly up to the byte that makes it 900001 ms. */
  g_assert_cmpuint (el_audio_probe_get_bytes_fed (probe), ==, sizeof header + limit + RATE_16K_BYTES_PER_MS);
  g_assert_cmpint (el_audio_probe_get_duration_ms (probe), >, EL_AUDIO_MAX_DURATION_MS);
  /* Sticky. */
  g_clear_error (&error);
  g_assert_false (el_audio_probe_finish (probe, &error));
  g_assert_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_TOO_LONG);
}

/* A WAV that declares 16 minutes of data is refused at its data chunk header. */
static void
test_probe_wav_too_long_declared (void)
{
  g_autoptr (ElAudioProbe) probe = el_audio_probe_new (EL_AUDIO_CONTAINER_WAV, EL_AUDIO_MAX_DURATION_MS);
  g_autoptr (GError) error = NULL;
  const guint32 data_size = 16 * 60 * 1000 * RATE_16K_BYTES_PER_MS;
  guint8 header[44];

  wav_header (header, 1, 16000, 16, data_size, data_size + 36);
  g_assert_false (el_audio_probe_feed (probe, header, sizeof header, &error));
  g_assert_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_TOO_LONG);
  g_assert_cmpuint (el_audio_probe_get_bytes_fed (probe), ==, sizeof header);

  /* Exactly 15 minutes is allowed. */
  g_clear_pointer (&probe, el_audio_probe_free);
  g_clear_error (&error);
  probe = el_audio_probe_new (EL_AUDIO_CONTAINER_WAV, EL_AUDIO_MAX_DURATION_MS);
  wav_header (header, 1, 16000, 16, (guint32) (EL_AUDIO_MAX_DURATION_MS * RATE_16K_BYTES_PER_MS),
              (guint32) (EL_AUDIO_MAX_DURATION_MS * RATE_16K_BYTES_PER_MS + 36));
  g_assert_true (el_audio_probe_feed (probe, header, sizeof header, &error));
  g_assert_no_error (error);
}

static void
test_probe_ogg_too_long (void)
{
  g_auto (ProbeResult) result;
  gsize len;
  const guint8 *data;

  if (!require_media ())
    return;
  data = g_bytes_get_data (ogg_3s, &len);
  probe_bytes (data, len, EL_AUDIO_CONTAINER_OGG, 1000, 512, &result);
  g_assert_error (result.error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_TOO_LONG);
  g_assert_cmpint (result.duration_ms, >, 1000);
  g_assert_cmpint (result.duration_ms, <, 3000);
  g_assert_cmpuint (result.bytes_fed, <, len / 2);
}

/* Probe: bad Ogg -------------------------------------------------------------------------------- */

static void
test_probe_ogg_bad_crc (void)
{
  g_autoptr (GArray) pages = NULL;
  g_autofree guint8 *copy = NULL;
  gsize len;
  const guint8 *data;
  const Span *page;

  if (!require_media ())
    return;
  data = g_bytes_get_data (ogg_3s, &len);
  pages = ogg_pages (data, len);
  g_assert_cmpuint (pages->len, >=, 5);

  /* A flipped bit in an audio page's body, and in a header's granule position. */
  page = &g_array_index (pages, Span, 3);
  copy = g_memdup2 (data, len);
  copy[page->offset + page->len - 10] ^= 0x01;
  assert_probe_error (copy, len, EL_AUDIO_CONTAINER_OGG, EL_AUDIO_ERROR_MALFORMED);
  memcpy (copy, data, len);
  copy[page->offset + 8] ^= 0x80;
  assert_probe_error (copy, len, EL_AUDIO_CONTAINER_OGG, EL_AUDIO_ERROR_MALFORMED);
  {
    g_auto (ProbeResult) result;

    probe_bytes (copy, len, EL_AUDIO_CONTAINER_OGG, EL_AUDIO_MAX_DURATION_MS, 0, &result);
    g_assert_nonnull (strstr (result.error->message, "CRC"));
    /* It stopped at that page. */
    g_assert_cmpuint (result.bytes_fed, ==, page->offset + page->len);
  }
}

static void
test_probe_ogg_truncated (void)
{
  g_autoptr (GArray) pages = NULL;
  gsize len;
  const guint8 *data;
  const Span *last;

  if (!require_media ())
    return;
  data = g_bytes_get_data (ogg_3s, &len);
  pages = ogg_pages (data, len);
  last = &g_array_index (pages, Span, pages->len - 1);

  /* Inside the last page's body, its segment table, its header. */
  assert_probe_error (data, len - 1, EL_AUDIO_CONTAINER_OGG, EL_AUDIO_ERROR_MALFORMED);
  assert_probe_error (data, last->offset + 27 + 3, EL_AUDIO_CONTAINER_OGG, EL_AUDIO_ERROR_MALFORMED);
  assert_probe_error (data, last->offset + 10, EL_AUDIO_CONTAINER_OGG, EL_AUDIO_ERROR_MALFORMED);
  /* At a page boundary: the EOS page is missing. */
  assert_probe_error (data, last->offset, EL_AUDIO_CONTAINER_OGG, EL_AUDIO_ERROR_MALFORMED);
  /* Only the identification header. */
  assert_probe_error (data, g_array_index (pages, Span, 1).offset, EL_AUDIO_CONTAINER_OGG,
                      EL_AUDIO_ERROR_MALFORMED);
  /* Bytes after the EOS page. */
  {
    g_autofree guint8 *longer = g_malloc (len + 4);

    memcpy (longer, data, len);
    memcpy (longer + len, "OggS", 4);
    assert_probe_error (longer, len + 4, EL_AUDIO_CONTAINER_OGG, EL_AUDIO_ERROR_MALFORMED);
  }
}

static void
test_probe_ogg_missing_page (void)
{
  g_autoptr (GArray) pages = NULL;
  g_autofree guint8 *copy = NULL;
  gsize len;
  const guint8 *data;
  const Span *page;

  if (!require_media ())
    return;
  data = g_bytes_get_data (ogg_3s, &len);
  pages = ogg_pages (data, len);
  page = &g_array_index (pages, Span, 3);

  copy = g_malloc (len);
  memcpy (copy, data, page->offset);
  memcpy (copy + page->offset, data + page->offset + page->len, len - page->offset - page->len);
  assert_probe_error (copy, len - page->len, EL_AUDIO_CONTAINER_OGG, EL_AUDIO_ERROR_MALFORMED);
}

/* Pages changed by the test and sealed again with a correct CRC: the structure checks. */
static void
test_probe_ogg_crafted (void)
{
  g_autoptr (GArray) pages = NULL;
  g_autofree guint8 *copy = NULL;
  gsize len;
  const guint8 *data;
  const Span *head, *tags, *audio;

  if (!require_media ())
    return;
  data = g_bytes_get_data (ogg_3s, &len);
  pages = ogg_pages (data, len);
  head = &g_array_index (pages, Span, 0);
  tags = &g_array_index (pages, Span, 1);
  audio = &g_array_index (pages, Span, 3);
  copy = g_memdup2 (data, len);

  /* Resealing without a change keeps it valid (the independent CRC agrees with the probe's). */
  reseal_page (copy + audio->offset, audio->len);
  g_assert_cmpmem (copy, len, data, len);
  g_assert_cmpuint (el_ogg_crc32 (0, (const guint8 *) "123456789", 9), ==,
                    bitwise_ogg_crc ((const guint8 *) "123456789", 9));

  /* OpusHead with 0 channels. */
  copy[head->offset + 27 + 1 + 9] = 0;
  reseal_page (copy + head->offset, head->len);
  assert_probe_error (copy, len, EL_AUDIO_CONTAINER_OGG, EL_AUDIO_ERROR_MALFORMED);
  memcpy (copy, data, len);

  /* Another codec's magic on the first page. */
  memcpy (copy + head->offset + 28, "OpusHeaX", 8);
  reseal_page (copy + head->offset, head->len);
  assert_probe_error (copy, len, EL_AUDIO_CONTAINER_OGG, EL_AUDIO_ERROR_UNSUPPORTED_FORMAT);
  memcpy (copy, data, len);

  /* The second page is not OpusTags. */
  memcpy (copy + tags->offset + 27 + copy[tags->offset + 26], "OpusTagz", 8);
  reseal_page (copy + tags->offset, tags->len);
  assert_probe_error (copy, len, EL_AUDIO_CONTAINER_OGG, EL_AUDIO_ERROR_MALFORMED);
  memcpy (copy, data, len);

  /* Another logical stream (serial number). */
  copy[audio->offset + 14] ^= 0x55;
  reseal_page (copy + audio->offset, audio->len);
  assert_probe_error (copy, len, EL_AUDIO_CONTAINER_OGG, EL_AUDIO_ERROR_UNSUPPORTED_FORMAT);
  memcpy (copy, data, len);

  /* A granule position that goes backwards. */
  memset (copy + audio->offset + 6, 0, 8);
  copy[audio->offset + 6] = 1;
  reseal_page (copy + audio->offset, audio->len);
  assert_probe_error (copy, len, EL_AUDIO_CONTAINER_OGG, EL_AUDIO_ERROR_MALFORMED);
  memcpy (copy, data, len);

  /* A granule position of 16 minutes: too long at that page. */
  {
    guint64 granule = (guint64) 16 * 60 * 48000;
    g_auto (ProbeResult) result;

    for (int i = 0; i < 8; i++)
      copy[audio->offset + 6 + i] = (guint8) (granule >> (8 * i));
    reseal_page (copy + audio->offset, audio->len);
    probe_bytes (copy, len, EL_AUDIO_CONTAINER_OGG, EL_AUDIO_MAX_DURATION_MS, 0, &result);
    g_assert_error (result.error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_TOO_LONG);
    g_assert_cmpuint (result.bytes_fed, ==, audio->offset + audio->len);
    memcpy (copy, data, len);
  }

  /* Stream structure version 1. */
  copy[audio->offset + 4] = 1;
  reseal_page (copy + audio->offset, audio->len);
  assert_probe_error (copy, len, EL_AUDIO_CONTAINER_OGG, EL_AUDIO_ERROR_MALFORMED);
}

static void
test_probe_ogg_vorbis (void)
{
  gsize len;
  const guint8 *data;

  if (!require_media ())
    return;
  data = g_bytes_get_data (ogg_vorbis, &len);
  assert_probe_error (data, len, EL_AUDIO_CONTAINER_OGG, EL_AUDIO_ERROR_UNSUPPORTED_FORMAT);
}

/* Probe: magic and Content-Type ------------------------------------------------------------------ */

static void
test_probe_wrong_magic (void)
{
  static const guint8 junk[] = "ID3\x04\x00\x00\x00\x00\x00\x00 this is an mp3 file, or so it says";
  static const guint8 avi[] = "RIFF\x10\x00\x00\x00"
                              "AVI LIST\x00\x00\x00\x00";
  g_autofree guint8 *ogg = NULL;
  const guint8 *data;
  gsize len;

  assert_probe_error (junk, sizeof junk - 1, EL_AUDIO_CONTAINER_UNKNOWN, EL_AUDIO_ERROR_UNSUPPORTED_FORMAT);
  assert_probe_error (avi, sizeof avi - 1, EL_AUDIO_CONTAINER_WAV, EL_AUDIO_ERROR_UNSUPPORTED_FORMAT);
  assert_probe_error ((const guint8 *) "", 0, EL_AUDIO_CONTAINER_OGG, EL_AUDIO_ERROR_MALFORMED);
  assert_probe_error ((const guint8 *) "Ogg", 3, EL_AUDIO_CONTAINER_OGG, EL_AUDIO_ERROR_MALFORMED);

  if (!require_media ())
    return;
  data = g_bytes_get_data (ogg_3s, &len);
  ogg = g_memdup2 (data, len);
  ogg[3] = 'X';
  assert_probe_error (ogg, len, EL_AUDIO_CONTAINER_OGG, EL_AUDIO_ERROR_UNSUPPORTED_FORMAT);
  {
    g_autofree guint8 *wav = NULL;

    data = g_bytes_get_data (wav_3s, &len);
    wav = g_memdup2 (data, len);
    memcpy (wav + 8, "WAVX", 4);
    assert_probe_error (wav, len, EL_AUDIO_CONTAINER_WAV, EL_AUDIO_ERROR_UNSUPPORTED_FORMAT);
  }
}

static void
test_probe_content_type_mismatch (void)
{
  gsize len;
  const guint8 *data;

  if (!require_media ())
    return;
  data = g_bytes_get_data (ogg_3s, &len);
  assert_probe_error (data, len, EL_AUDIO_CONTAINER_WAV, EL_AUDIO_ERROR_CONTENT_TYPE_MISMATCH);
  data = g_bytes_get_data (wav_3s, &len);
  assert_probe_error (data, len, EL_AUDIO_CONTAINER_OGG, EL_AUDIO_ERROR_CONTENT_TYPE_MISMATCH);
  {
    g_auto (ProbeResult) result;

    /* Decided by the first four bytes. */
    probe_bytes (data, len, EL_AUDIO_CONTAINER_OGG, EL_AUDIO_MAX_DURATION_MS, 0, &result);
    g_assert_cmpuint (result.bytes_fed, ==, 4);
  }
}

static void
test_content_type (void)
{
  static const struct
  {
    const char *value;
    ElAudioContainer container; /* UNKNOWN: refused */
  } cases[] = {
    { "audio/ogg", EL_AUDIO_CONTAINER_OGG },
    { "audio/wav", EL_AUDIO_CONTAINER_WAV },
    { "Audio/OGG", EL_AUDIO_CONTAINER_OGG },
    { " audio/ogg ; codecs=opus", EL_AUDIO_CONTAINER_OGG },
    { "audio/ogg; codecs=\"opus\"", EL_AUDIO_CONTAINER_OGG },
    { "audio/ogg;codecs=OPUS;rate=48000", EL_AUDIO_CONTAINER_OGG },
    { "audio/wav; codecs=1", EL_AUDIO_CONTAINER_WAV },
    { "audio/wav;", EL_AUDIO_CONTAINER_WAV },
    { "audio/ogg; codecs=vorbis", EL_AUDIO_CONTAINER_UNKNOWN },
    { "audio/wav; codecs=3", EL_AUDIO_CONTAINER_UNKNOWN },
    { "audio/ogg; codecs", EL_AUDIO_CONTAINER_UNKNOWN },
    { "audio/mpeg", EL_AUDIO_CONTAINER_UNKNOWN },
    { "audio/x-wav", EL_AUDIO_CONTAINER_UNKNOWN },
    { "application/octet-stream", EL_AUDIO_CONTAINER_UNKNOWN },
    { "audio/oggx", EL_AUDIO_CONTAINER_UNKNOWN },
    { "", EL_AUDIO_CONTAINER_UNKNOWN },
    { ";", EL_AUDIO_CONTAINER_UNKNOWN },
    { NULL, EL_AUDIO_CONTAINER_UNKNOWN },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      ElAudioContainer container = EL_AUDIO_CONTAINER_UNKNOWN;
      gboolean ok = el_audio_content_type_parse (cases[i].value, &container, &error);

      g_test_message ("Content-Type: %s", cases[i].value != NULL ? cases[i].value : "(none)");
      if (cases[i].container == EL_AUDIO_CONTAINER_UNKNOWN)
        {
          g_assert_false (ok);
          g_assert_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_UNSUPPORTED_TYPE);
          g_assert_cmpuint (el_audio_error_http_status (error), ==, 415);
        }
      else
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpint (container, ==, cases[i].container);
        }
    }
  g_assert_cmpstr (el_audio_container_to_mime_type (EL_AUDIO_CONTAINER_OGG), ==, "audio/ogg");
  g_assert_cmpstr (el_audio_container_to_mime_type (EL_AUDIO_CONTAINER_WAV), ==, "audio/wav");
  g_assert_null (el_audio_container_to_mime_type (EL_AUDIO_CONTAINER_UNKNOWN));
}

/* Probe: crafted WAV ----------------------------------------------------------------------------- */

/* A WAV of @n_samples mono 16-bit samples at 16 kHz, with @before and @after chunks around data. */
static GByteArray *
build_wav (const guint8 *fmt, gsize fmt_len, const char *before, gsize before_len, guint n_samples)
{
  GByteArray *wav = g_byte_array_new ();
  guint8 word[4];

  g_byte_array_append (wav, (const guint8 *) "RIFF\0\0\0\0WAVE", 12);
  if (before != NULL)
    g_byte_array_append (wav, (const guint8 *) before, (guint) before_len);
  if (fmt != NULL)
    {
      g_byte_array_append (wav, (const guint8 *) "fmt ", 4);
      write_le32 (word, (guint32) fmt_len);
      g_byte_array_append (wav, word, 4);
      g_byte_array_append (wav, fmt, (guint) fmt_len);
    }
  g_byte_array_append (wav, (const guint8 *) "data", 4);
  write_le32 (word, n_samples * 2);
  g_byte_array_append (wav, word, 4);
  for (guint i = 0; i < n_samples; i++)
    g_byte_array_append (wav, (const guint8 *) "\x10\x20", 2);
  write_le32 (wav->data + 4, wav->len - 8);
  return wav;
}

static void
pcm_fmt (guint8 fmt[16], guint tag, guint channels, guint rate, guint bits)
{
  write_le16 (fmt, (guint16) tag);
  write_le16 (fmt + 2, (guint16) channels);
  write_le32 (fmt + 4, rate);
  write_le32 (fmt + 8, rate * channels * bits / 8);
  write_le16 (fmt + 12, (guint16) (channels * bits / 8));
  write_le16 (fmt + 14, (guint16) bits);
}

static void
test_probe_wav_variants (void)
{
  guint8 fmt[40];
  g_autoptr (GByteArray) wav = NULL;

  /* A LIST chunk (odd size, padded) before fmt, another chunk after data: 1 s exactly. */
  pcm_fmt (fmt, 1, 1, 16000, 16);
  wav = build_wav (fmt, 16, "LIST\x05\x00\x00\x00INFOx\x00", 14, 16000);
  g_byte_array_append (wav,
                       (const guint8 *) "junk\x03\x00\x00\x00"
                                        "abc",
                       11); /* its pad byte is missing */
  {
    g_auto (ProbeResult) result;

    probe_bytes (wav->data, wav->len, EL_AUDIO_CONTAINER_WAV, EL_AUDIO_MAX_DURATION_MS, 0, &result);
    g_assert_no_error (result.error);
    g_assert_cmpint (result.duration_ms, ==, 1000);
    probe_bytes (wav->data, wav->len, EL_AUDIO_CONTAINER_WAV, EL_AUDIO_MAX_DURATION_MS, 1, &result);
    g_assert_no_error (result.error);
    g_assert_cmpint (result.duration_ms, ==, 1000);
  }
  g_clear_pointer (&wav, g_byte_array_unref);

  /* WAVE_FORMAT_EXTENSIBLE with the PCM sub-format; then with the float one. */
  pcm_fmt (fmt, 0xfffe, 1, 16000, 16);
  write_le16 (fmt + 16, 22);
  write_le16 (fmt + 18, 16);
  write_le32 (fmt + 20, 4);
  memcpy (fmt + 24, "\x01\x00\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71", 16);
  wav = build_wav (fmt, 40, NULL, 0, 8000);
  {
    g_auto (ProbeResult) result;

    probe_bytes (wav->data, wav->len, EL_AUDIO_CONTAINER_WAV, EL_AUDIO_MAX_DURATION_MS, 0, &result);
    g_assert_no_error (result.error);
    g_assert_cmpint (result.duration_ms, ==, 500);
  }
  g_clear_pointer (&wav, g_byte_array_unref);
  fmt[24] = 3;
  wav = build_wav (fmt, 40, NULL, 0, 8000);
  assert_probe_error (wav->data, wav->len, EL_AUDIO_CONTAINER_WAV, EL_AUDIO_ERROR_UNSUPPORTED_FORMAT);
  g_clear_pointer (&wav, g_byte_array_unref);

  /* IEEE float, A-law: not PCM. */
  pcm_fmt (fmt, 3, 1, 16000, 32);
  wav = build_wav (fmt, 16, NULL, 0, 100);
  assert_probe_error (wav->data, wav->len, EL_AUDIO_CONTAINER_WAV, EL_AUDIO_ERROR_UNSUPPORTED_FORMAT);
  g_clear_pointer (&wav, g_byte_array_unref);

  /* Absurd values. */
  {
    const guint bad[][3] = { { 0, 16000, 16 },  { 33, 16000, 16 }, { 1, 0, 16 },   { 1, 999, 16 },
                             { 1, 400000, 16 }, { 1, 16000, 12 },  { 1, 16000, 0 } };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        pcm_fmt (fmt, 1, bad[i][0], bad[i][1], bad[i][2]);
        wav = build_wav (fmt, 16, NULL, 0, 100);
        assert_probe_error (wav->data, wav->len, EL_AUDIO_CONTAINER_WAV, EL_AUDIO_ERROR_MALFORMED);
        g_clear_pointer (&wav, g_byte_array_unref);
      }
  }
  /* Inconsistent byte rate. */
  pcm_fmt (fmt, 1, 1, 16000, 16);
  write_le32 (fmt + 8, 1);
  wav = build_wav (fmt, 16, NULL, 0, 100);
  assert_probe_error (wav->data, wav->len, EL_AUDIO_CONTAINER_WAV, EL_AUDIO_ERROR_MALFORMED);
  g_clear_pointer (&wav, g_byte_array_unref);

  /* data before fmt; no fmt at all; a truncated data chunk; no data chunk; a short fmt. */
  pcm_fmt (fmt, 1, 1, 16000, 16);
  wav = build_wav (NULL, 0, NULL, 0, 100);
  assert_probe_error (wav->data, wav->len, EL_AUDIO_CONTAINER_WAV, EL_AUDIO_ERROR_MALFORMED);
  g_clear_pointer (&wav, g_byte_array_unref);
  wav = build_wav (fmt, 16, NULL, 0, 100);
  assert_probe_error (wav->data, wav->len - 1, EL_AUDIO_CONTAINER_WAV, EL_AUDIO_ERROR_MALFORMED);
  assert_probe_error (wav->data, 36, EL_AUDIO_CONTAINER_WAV, EL_AUDIO_ERROR_MALFORMED);
  assert_probe_error (wav->data, 40, EL_AUDIO_CONTAINER_WAV, EL_AUDIO_ERROR_MALFORMED);
  assert_probe_error (wav->data, 12, EL_AUDIO_CONTAINER_WAV, EL_AUDIO_ERROR_MALFORMED);
  assert_probe_error (wav->data, 8, EL_AUDIO_CONTAINER_WAV, EL_AUDIO_ERROR_MALFORMED);
  g_clear_pointer (&wav, g_byte_array_unref);
  wav = build_wav (fmt, 14, NULL, 0, 100);
  assert_probe_error (wav->data, wav->len, EL_AUDIO_CONTAINER_WAV, EL_AUDIO_ERROR_MALFORMED);
  g_clear_pointer (&wav, g_byte_array_unref);

  /* Two fmt chunks. */
  {
    guint8 twice[24] = "fmt \x10\x00\x00\x00";

    memcpy (twice + 8, fmt, 16);
    wav = build_wav (fmt, 16, (const char *) twice, sizeof twice, 100);
    assert_probe_error (wav->data, wav->len, EL_AUDIO_CONTAINER_WAV, EL_AUDIO_ERROR_MALFORMED);
    g_clear_pointer (&wav, g_byte_array_unref);
  }
}

/* Content-Digest -------------------------------------------------------------------------------- */

#define DIGEST_B64 "X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="

static void
test_content_digest (void)
{
  static const char *const good[] = {
    "sha-256=:" DIGEST_B64 ":",
    "SHA-256=:" DIGEST_B64 ":",
    "  sha-256=:" DIGEST_B64 ":  ",
    "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:, "
    "sha-256=:" DIGEST_B64 ":",
    "sha-256=:" DIGEST_B64 ":,\tmd5=:AAAAAAAAAAAAAAAAAAAAAA==:",
    "sha-256=:" DIGEST_B64 ":;created=1618884473, unixsum=30637",
    "foo=\"a, sha-256=:AAAA:\", sha-256=:" DIGEST_B64 ":",
    "foo=(1 2 \"x,y\");a=b, bar, baz=?1, qux=1.5, tok=abc/def:g, sha-256=:" DIGEST_B64 ":",
  };
  static const char *const bad[] = {
    "",
    "   ",
    "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:",
    "sha-256=" DIGEST_B64,
    "sha-256=\"" DIGEST_B64 "\"",
    "sha-256=:" DIGEST_B64,
    "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE:",
    "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE==:",
    "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPF=:", /* non-zero padding bits */
    "sha-256=:AAAA:",
    "sha-256=:" DIGEST_B64 ":, sha-256=:" DIGEST_B64 ":",
    "sha-256=:" DIGEST_B64 ":,",
    "sha-256=:" DIGEST_B64 ": x",
    ", sha-256=:" DIGEST_B64 ":",
    "sha-256",
    "foo=\"unterminated, sha-256=:" DIGEST_B64 ":",
    "sha-256=(:" DIGEST_B64 ":)",
    "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWx-f7kbu9DBPE=:",
    "1sha-256=:" DIGEST_B64 ":",
  };
  guint8 expected[EL_SHA256_BYTES];
  gsize len = 0;
  g_autofree guchar *decoded = g_base64_decode (DIGEST_B64, &len);

  g_assert_cmpuint (len, ==, EL_SHA256_BYTES);
  memcpy (expected, decoded, EL_SHA256_BYTES);
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (GError) error = NULL;
      guint8 out[EL_SHA256_BYTES] = { 0 };

      g_test_message ("good: %s", good[i]);
      g_assert_true (el_content_digest_parse_sha256 (good[i], out, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (out, sizeof out, expected, sizeof expected);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      guint8 out[EL_SHA256_BYTES];

      g_test_message ("bad: %s", bad[i]);
      g_assert_false (el_content_digest_parse_sha256 (bad[i], out, &error));
      g_assert_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_BAD_DIGEST_HEADER);
      g_assert_cmpuint (el_audio_error_http_status (error), ==, 400);
    }
  {
    g_autoptr (GError) error = NULL;
    g_autofree char *huge = g_strnfill (EL_CONTENT_DIGEST_MAX_LEN + 1, ' ');
    guint8 out[EL_SHA256_BYTES];

    g_assert_false (el_content_digest_parse_sha256 (NULL, out, &error));
    g_assert_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_BAD_DIGEST_HEADER);
    g_clear_error (&error);
    memcpy (huge, "sha-256=:" DIGEST_B64 ":", strlen ("sha-256=:" DIGEST_B64 ":"));
    g_assert_false (el_content_digest_parse_sha256 (huge, out, &error));
    g_assert_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_BAD_DIGEST_HEADER);
  }
}

/* Store ----------------------------------------------------------------------------------------- */

typedef struct
{
  char *dir;
  ElVault *master;
  ElAudioStore *store;
} Fixture;

static ElVault *
make_vault (guint8 fill)
{
  guint8 key[EL_VAULT_KEY_BYTES];

  memset (key, fill, sizeof key);
  return el_vault_new (key);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *storage = NULL;

  f->dir = g_dir_make_tmp ("el-test-audio-XXXXXX", &error);
  g_assert_no_error (error);
  storage = g_build_filename (f->dir, "storage", NULL);
  f->master = make_vault (0x42);
  f->store = el_audio_store_new (storage, f->master, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->store);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_assert_finalize_object (f->store);
  g_assert_finalize_object (f->master);
  remove_tree (f->dir);
  g_free (f->dir);
}

/* Uploads @data in uneven pieces; returns FALSE with @error as the writer said. */
static gboolean
upload (Fixture *f,
        const char *recording_id,
        const char *content_type,
        const guint8 *data,
        gsize len,
        const guint8 *digest,
        gint64 max_bytes,
        ElAudioInfo *info,
        GError **error)
{
  static const gsize pieces[] = { 1, 1000, 7, 65536, 65535, 3, 200000, 4096 };
  g_autoptr (ElAudioWriter) writer = NULL;
  guint8 own_digest[EL_SHA256_BYTES];
  gsize offset = 0;

  if (digest == NULL)
    {
      sha256_of (data, len, own_digest);
      digest = own_digest;
    }
  writer = el_audio_store_begin (f->store, recording_id, content_type, digest, max_bytes,
                                 EL_AUDIO_MAX_DURATION_MS, error);
  if (writer == NULL)
    return FALSE;
  for (guint i = 0; offset < len; i++)
    {
      gsize n = MIN (pieces[i % G_N_ELEMENTS (pieces)], len - offset);

      if (!el_audio_writer_write (writer, data + offset, n, error))
        return FALSE;
      offset += n;
    }
  g_assert_cmpuint (el_audio_writer_get_bytes_received (writer), ==, len);
  return el_audio_writer_finish (writer, info, error);
}

static GBytes *
read_back (Fixture *f, const char *storage_path, const char *recording_id, GError **error)
{
  g_autoptr (GInputStream) stream = el_audio_store_open_read (f->store, storage_path, recording_id, error);
  g_autoptr (GByteArray) out = g_byte_array_new ();
  guint8 buffer[5000];

  if (stream == NULL)
    return NULL;
  for (;;)
    {
      gssize n = g_input_stream_read (stream, buffer, sizeof buffer, NULL, error);

      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      g_byte_array_append (out, buffer, (guint) n);
    }
  g_assert_true (g_input_stream_close (stream, NULL, NULL));
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static char *
full_path (Fixture *f, const char *storage_path)
{
  return g_build_filename (el_audio_store_get_dir (f->store), storage_path, NULL);
}

static char *
recordings_dir (Fixture *f)
{
  return g_build_filename (el_audio_store_get_dir (f->store), EL_AUDIO_STORE_SUBDIR, NULL);
}

static GBytes *
store_one (Fixture *f, GBytes *media, const char *content_type, ElAudioInfo *info)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  char *contents = NULL;
  gsize contents_len = 0;
  gsize len;
  const guint8 *data = g_bytes_get_data (media, &len);

  g_assert_true (upload (f, RECORDING_ID, content_type, data, len, NULL, EL_AUDIO_MAX_BYTES, info, &error));
  g_assert_no_error (error);
  path = full_path (f, info->storage_path);
  g_assert_true (g_file_get_contents (path, &contents, &contents_len, &error));
  g_assert_no_error (error);
  return g_bytes_new_take (contents, contents_len);
}

static void
test_store_round_trip (Fixture *f, gconstpointer data)
{
  struct
  {
    GBytes **media;
    const char *content_type;
    const char *mime;
  } cases[] = {
    { &wav_10s, "audio/wav", "audio/wav" },
    { &ogg_3s, "audio/ogg; codecs=opus", "audio/ogg" },
  };

  if (!require_media ())
    return;
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_auto (ElAudioInfo) info = { 0 };
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) back = NULL;
      g_autoptr (GBytes) on_disk = NULL;
      g_autofree char *expected_path = el_audio_store_path_for (RECORDING_ID);
      g_autofree char *path = NULL;
      g_autofree char *dir = NULL;
      g_autofree char *hex = NULL;
      gsize len, disk_len;
      const guint8 *plain = g_bytes_get_data (*cases[c].media, &len);
      const guint8 *disk;
      GStatBuf st;

      on_disk = store_one (f, *cases[c].media, cases[c].content_type, &info);
      g_assert_nonnull (on_disk);
      g_assert_cmpstr (info.storage_path, ==, expected_path);
      g_assert_cmpstr (info.storage_path, ==, "recordings/3f/" RECORDING_ID ".elaudio");
      g_assert_cmpint (info.size_bytes, ==, (gint64) len);
      g_assert_cmpstr (info.mime_type, ==, cases[c].mime);
      hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, plain, len);
      g_assert_cmpstr (info.sha256, ==, hex);
      if (*cases[c].media == wav_10s)
        g_assert_cmpint (info.duration_ms, ==, 10000);
      else
        g_assert_cmpint (ABS (info.duration_ms - 3000), <=, 20);

      /* Modes: file 0600, directories 0700; only the final file is there. */
      path = full_path (f, info.storage_path);
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0600);
      dir = g_path_get_dirname (path);
      g_assert_cmpint (g_stat (dir, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0700);
      {
        g_autofree char *recordings = recordings_dir (f);

        g_assert_cmpint (g_stat (recordings, &st), ==, 0);
        g_assert_cmpint (st.st_mode & 0777, ==, 0700);
        g_assert_cmpuint (count_files (recordings), ==, 1);
      }
      g_assert_true (el_audio_store_exists (f->store, info.storage_path));

      /* No 64-byte window of the plaintext is on disk (every 512th offset), nor its header. */
      disk = g_bytes_get_data (on_disk, &disk_len);
      g_assert_cmpuint (disk_len, >, len);
      for (gsize offset = 0; offset + 64 <= len; offset += 512)
        g_assert_false (contains (disk, disk_len, plain + offset, 64));
      g_assert_false (contains (disk, disk_len, plain, 12));

      /* Round trip. */
      back = read_back (f, info.storage_path, RECORDING_ID, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), plain, len);

      g_assert_true (el_audio_store_delete (f->store, info.storage_path, &error));
      g_assert_no_error (error);
      g_assert_false (el_audio_store_exists (f->store, info.storage_path));
      g_assert_true (el_audio_store_delete (f->store, info.storage_path, &error)); /* already gone */
    }
}

/* The frames (offset of the length prefix, total length) of an .elaudio file. */
static GArray *
elaudio_frames (const guint8 *data, gsize len)
{
  GArray *frames = g_array_new (FALSE, FALSE, sizeof (Span));
  gsize offset = 16;

  g_assert_cmpmem (data, 8, "ELAUDIO\0", 8);
  while (offset < len)
    {
      Span frame = { offset, 4 };

      g_assert_cmpuint (offset + 4, <=, len);
      frame.len += ((gsize) data[offset] << 24) | ((gsize) data[offset + 1] << 16) |
                   ((gsize) data[offset + 2] << 8) | data[offset + 3];
      g_array_append_val (frames, frame);
      offset += frame.len;
    }
  g_assert_cmpuint (offset, ==, len);
  return frames;
}

static void
write_file (const char *path, const guint8 *data, gsize len)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (path, (const char *) data, (gssize) len, &error));
  g_assert_no_error (error);
}

static void
assert_read_fails (Fixture *f, const char *storage_path, const char *recording_id, ElAudioError code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) back = read_back (f, storage_path, recording_id, &error);

  g_assert_null (back);
  g_assert_error (error, EL_AUDIO_ERROR, (gint) code);
}

static void
test_store_tampering (Fixture *f, gconstpointer data)
{
  g_auto (ElAudioInfo) info = { 0 };
  g_autoptr (GBytes) on_disk = NULL;
  g_autoptr (GArray) frames = NULL;
  g_autofree char *path = NULL;
  g_autofree guint8 *copy = NULL;
  gsize len;
  const guint8 *original;
  const Span *frame0, *frame1, *last;

  if (!require_media ())
    return;
  on_disk = store_one (f, wav_10s, "audio/wav", &info);
  original = g_bytes_get_data (on_disk, &len);
  frames = elaudio_frames (original, len);
  g_assert_cmpuint (frames->len, ==, (g_bytes_get_size (wav_10s) + 65535) / 65536);
  g_assert_cmpuint (frames->len, >=, 4);
  frame0 = &g_array_index (frames, Span, 0);
  frame1 = &g_array_index (frames, Span, 1);
  last = &g_array_index (frames, Span, frames->len - 1);
  path = full_path (f, info.storage_path);
  copy = g_malloc (len);

  /* A flipped byte in a chunk's ciphertext, nonce, tag; in the header. */
  {
    const gsize spots[] = { frame1->offset + 4 + 100, frame1->offset + 4 + 1, last->offset + last->len - 1 };

    for (guint i = 0; i < G_N_ELEMENTS (spots); i++)
      {
        memcpy (copy, original, len);
        copy[spots[i]] ^= 0x20;
        write_file (path, copy, len);
        assert_read_fails (f, info.storage_path, RECORDING_ID, EL_AUDIO_ERROR_TAMPERED);
      }
  }
  memcpy (copy, original, len);
  copy[2] ^= 0x01;
  write_file (path, copy, len);
  assert_read_fails (f, info.storage_path, RECORDING_ID, EL_AUDIO_ERROR_CORRUPT);
  memcpy (copy, original, len);
  copy[8] = 2; /* version */
  write_file (path, copy, len);
  assert_read_fails (f, info.storage_path, RECORDING_ID, EL_AUDIO_ERROR_CORRUPT);
  memcpy (copy, original, len);
  copy[14] ^= 0x01; /* chunk size: bound into every chunk's associated data */
  write_file (path, copy, len);
  assert_read_fails (f, info.storage_path, RECORDING_ID, EL_AUDIO_ERROR_TAMPERED);
  memcpy (copy, original, len);
  copy[frame1->offset] = 0xff; /* a frame length out of bounds */
  write_file (path, copy, len);
  assert_read_fails (f, info.storage_path, RECORDING_ID, EL_AUDIO_ERROR_CORRUPT);

  /* Two chunks swapped (both full, so the framing still parses). */
  g_assert_cmpuint (frame0->len, ==, frame1->len);
  memcpy (copy, original, len);
  memcpy (copy + frame0->offset, original + frame1->offset, frame1->len);
  memcpy (copy + frame1->offset, original + frame0->offset, frame0->len);
  write_file (path, copy, len);
  assert_read_fails (f, info.storage_path, RECORDING_ID, EL_AUDIO_ERROR_TAMPERED);

  /* The final chunk dropped: the one before it was not sealed as final. */
  write_file (path, original, last->offset);
  assert_read_fails (f, info.storage_path, RECORDING_ID, EL_AUDIO_ERROR_TAMPERED);
  /* The file cut inside a chunk, inside a frame length, after the header only, to nothing. */
  write_file (path, original, len - 1);
  assert_read_fails (f, info.storage_path, RECORDING_ID, EL_AUDIO_ERROR_TRUNCATED);
  write_file (path, original, last->offset + 2);
  assert_read_fails (f, info.storage_path, RECORDING_ID, EL_AUDIO_ERROR_TRUNCATED);
  write_file (path, original, 16);
  assert_read_fails (f, info.storage_path, RECORDING_ID, EL_AUDIO_ERROR_TRUNCATED);
  write_file (path, original, 0);
  assert_read_fails (f, info.storage_path, RECORDING_ID, EL_AUDIO_ERROR_TRUNCATED);
  /* A chunk appended after the final one (a copy of the first). */
  {
    g_autofree guint8 *longer = g_malloc (len + frame0->len);

    memcpy (longer, original, len);
    memcpy (longer + len, original + frame0->offset, frame0->len);
    write_file (path, longer, len + frame0->len);
    assert_read_fails (f, info.storage_path, RECORDING_ID, EL_AUDIO_ERROR_TAMPERED);
  }

  /* Intact again: reads. */
  write_file (path, original, len);
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GBytes) back = read_back (f, info.storage_path, RECORDING_ID, &error);

    g_assert_no_error (error);
    g_assert_true (g_bytes_equal (back, wav_10s));
  }
}

/* The file of one recording copied to another's place, or read as another's, or with another key. */
static void
test_store_other_recording (Fixture *f, gconstpointer data)
{
  g_auto (ElAudioInfo) info = { 0 };
  g_autoptr (GBytes) on_disk = NULL;
  g_autofree char *other_path = el_audio_store_path_for (RECORDING2_ID);
  g_autofree char *other_full = NULL;
  g_autofree char *other_dir = NULL;

  if (!require_media ())
    return;
  on_disk = store_one (f, ogg_3s, "audio/ogg", &info);
  other_full = full_path (f, other_path);
  other_dir = g_path_get_dirname (other_full);
  g_assert_cmpint (g_mkdir_with_parents (other_dir, 0700), ==, 0);
  write_file (other_full, g_bytes_get_data (on_disk, NULL), g_bytes_get_size (on_disk));

  assert_read_fails (f, other_path, RECORDING2_ID, EL_AUDIO_ERROR_TAMPERED);
  assert_read_fails (f, info.storage_path, RECORDING2_ID, EL_AUDIO_ERROR_TAMPERED);

  {
    g_autoptr (ElVault) other_master = make_vault (0x43);
    g_autoptr (GError) error = NULL;
    g_autoptr (ElAudioStore) other_store =
        el_audio_store_new (el_audio_store_get_dir (f->store), other_master, &error);
    g_autoptr (GInputStream) stream = NULL;
    guint8 buffer[16];

    g_assert_no_error (error);
    stream = el_audio_store_open_read (other_store, info.storage_path, RECORDING_ID, &error);
    g_assert_no_error (error);
    g_assert_cmpint (g_input_stream_read (stream, buffer, sizeof buffer, NULL, &error), ==, -1);
    g_assert_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_TAMPERED);
    g_clear_error (&error);
    /* Still failing: no bytes after an error. */
    g_assert_cmpint (g_input_stream_read (stream, buffer, sizeof buffer, NULL, &error), ==, -1);
    g_assert_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_TAMPERED);
  }
}

static void
assert_nothing_stored (Fixture *f)
{
  g_autofree char *recordings = recordings_dir (f);

  g_assert_cmpuint (count_files (recordings), ==, 0);
}

static void
test_store_digest_mismatch (Fixture *f, gconstpointer data)
{
  g_auto (ElAudioInfo) info = { 0 };
  g_autoptr (GError) error = NULL;
  guint8 digest[EL_SHA256_BYTES];
  gsize len;
  const guint8 *media;

  if (!require_media ())
    return;
  media = g_bytes_get_data (wav_10s, &len);
  sha256_of (media, len, digest);
  digest[31] ^= 1;
  g_assert_false (
      upload (f, RECORDING_ID, "audio/wav", media, len, digest, EL_AUDIO_MAX_BYTES, &info, &error));
  g_assert_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_DIGEST_MISMATCH);
  g_assert_cmpuint (el_audio_error_http_status (error), ==, 400);
  g_assert_null (info.storage_path);
  assert_nothing_stored (f);
}

static void
test_store_too_large (Fixture *f, gconstpointer data)
{
  g_auto (ElAudioInfo) info = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (ElAudioWriter) writer = NULL;
  gsize len;
  const guint8 *media;
  guint8 digest[EL_SHA256_BYTES] = { 0 };

  if (!require_media ())
    return;
  media = g_bytes_get_data (wav_10s, &len);
  g_assert_false (upload (f, RECORDING_ID, "audio/wav", media, len, NULL, 100000, &info, &error));
  g_assert_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_TOO_LARGE);
  g_assert_cmpuint (el_audio_error_http_status (error), ==, 413);
  assert_nothing_stored (f);
  g_clear_error (&error);

  /* Exactly the limit is fine. */
  g_assert_true (upload (f, RECORDING_ID, "audio/wav", media, len, NULL, (gint64) len, &info, &error));
  g_assert_no_error (error);
  g_assert_true (el_audio_store_delete (f->store, info.storage_path, &error));

  /* After the failure, the writer stays failed, and nothing reappears. */
  writer = el_audio_store_begin (f->store, RECORDING_ID, "audio/wav", digest, 10, EL_AUDIO_MAX_DURATION_MS,
                                 &error);
  g_assert_no_error (error);
  g_assert_false (el_audio_writer_write (writer, media, 11, &error));
  g_assert_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_false (el_audio_writer_write (writer, media, 1, &error));
  g_assert_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_false (el_audio_writer_finish (writer, &info, &error));
  g_assert_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_TOO_LARGE);
  assert_nothing_stored (f);
}

/* The 16-minute WAV through the store: refused at 15 minutes, nothing left. */
static void
test_store_too_long (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElAudioWriter) writer = NULL;
  g_autofree guint8 *silence = g_malloc0 (65536);
  const guint64 total = (guint64) 16 * 60 * 1000 * RATE_16K_BYTES_PER_MS;
  guint8 digest[EL_SHA256_BYTES] = { 0 };
  guint8 header[44];
  guint64 produced = 0;
  gboolean ok;

  wav_header (header, 1, 16000, 16, G_MAXUINT32, G_MAXUINT32);
  writer = el_audio_store_begin (f->store, RECORDING_ID, "audio/wav", digest, G_GINT64_CONSTANT (100000000),
                                 EL_AUDIO_MAX_DURATION_MS, &error);
  g_assert_no_error (error);
  ok = el_audio_writer_write (writer, header, sizeof header, &error);
  while (ok && produced < total)
    {
      gsize n = (gsize) MIN ((guint64) 65536, total - produced);

      ok = el_audio_writer_write (writer, silence, n, &error);
      produced += n;
    }
  g_assert_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_TOO_LONG);
  g_assert_cmpuint (el_audio_error_http_status (error), ==, 413);
  g_assert_cmpuint (produced, <, total);
  assert_nothing_stored (f);
}

static void
test_store_bad_audio (Fixture *f, gconstpointer data)
{
  g_auto (ElAudioInfo) info = { 0 };
  g_autoptr (GError) error = NULL;
  gsize len;
  const guint8 *media;

  if (!require_media ())
    return;
  /* Truncated Ogg: noticed at finish. */
  media = g_bytes_get_data (ogg_3s, &len);
  g_assert_false (
      upload (f, RECORDING_ID, "audio/ogg", media, len - 10, NULL, EL_AUDIO_MAX_BYTES, &info, &error));
  g_assert_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_MALFORMED);
  g_assert_cmpuint (el_audio_error_http_status (error), ==, 400);
  assert_nothing_stored (f);
  g_clear_error (&error);

  /* WAV sent as audio/ogg: noticed at the first bytes. */
  media = g_bytes_get_data (wav_3s, &len);
  g_assert_false (upload (f, RECORDING_ID, "audio/ogg", media, len, NULL, EL_AUDIO_MAX_BYTES, &info, &error));
  g_assert_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_CONTENT_TYPE_MISMATCH);
  g_assert_cmpuint (el_audio_error_http_status (error), ==, 415);
  assert_nothing_stored (f);
  g_clear_error (&error);

  /* An unsupported Content-Type: refused before a file exists. */
  g_assert_false (
      upload (f, RECORDING_ID, "audio/mpeg", media, len, NULL, EL_AUDIO_MAX_BYTES, &info, &error));
  g_assert_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_UNSUPPORTED_TYPE);
  assert_nothing_stored (f);
}

static void
test_store_exists (Fixture *f, gconstpointer data)
{
  g_auto (ElAudioInfo) first = { 0 };
  g_auto (ElAudioInfo) second = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) back = NULL;
  g_autoptr (GBytes) on_disk = NULL;
  g_autofree char *recordings = NULL;
  gsize len;
  const guint8 *media;

  if (!require_media ())
    return;
  on_disk = store_one (f, wav_3s, "audio/wav", &first);
  media = g_bytes_get_data (ogg_3s, &len);
  g_assert_false (
      upload (f, RECORDING_ID, "audio/ogg", media, len, NULL, EL_AUDIO_MAX_BYTES, &second, &error));
  g_assert_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_EXISTS);
  g_assert_cmpuint (el_audio_error_http_status (error), ==, 409);
  g_clear_error (&error);

  /* The first upload's file is untouched, and alone. */
  recordings = recordings_dir (f);
  g_assert_cmpuint (count_files (recordings), ==, 1);
  back = read_back (f, first.storage_path, RECORDING_ID, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (back, wav_3s));
}

static void
test_store_abort (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  guint8 digest[EL_SHA256_BYTES] = { 0 };
  gsize len;
  const guint8 *media;

  if (!require_media ())
    return;
  media = g_bytes_get_data (wav_10s, &len);
  {
    g_autoptr (ElAudioWriter) writer = el_audio_store_begin (
        f->store, RECORDING_ID, "audio/wav", digest, EL_AUDIO_MAX_BYTES, EL_AUDIO_MAX_DURATION_MS, &error);
    g_autofree char *recordings = recordings_dir (f);

    g_assert_no_error (error);
    g_assert_true (el_audio_writer_write (writer, media, 200000, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (count_files (recordings), ==, 1); /* the temporary file */
    /* freed unfinished: aborted */
  }
  assert_nothing_stored (f);
  {
    g_autoptr (ElAudioWriter) writer = el_audio_store_begin (
        f->store, RECORDING_ID, "audio/wav", digest, EL_AUDIO_MAX_BYTES, EL_AUDIO_MAX_DURATION_MS, &error);
    g_auto (ElAudioInfo) info = { 0 };

    g_assert_true (el_audio_writer_write (writer, media, 1000, &error));
    el_audio_writer_abort (writer);
    el_audio_writer_abort (writer);
    assert_nothing_stored (f);
    g_assert_false (el_audio_writer_finish (writer, &info, &error));
    g_assert_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_IO);
  }
}

static void
test_store_bad_arguments (Fixture *f, gconstpointer data)
{
  static const char *const bad_ids[] = {
    "../../../etc/passwd",
    "3F2A1B0C-9D8E-4F70-A1B2-C3D4E5F60001",
    "3f2a1b0c-9d8e-4f70-a1b2-c3d4e5f6000",
    "",
  };
  static const char *const bad_paths[] = {
    "../x.elaudio",
    "/etc/passwd",
    "recordings/../../x",
    "recordings/3f/../../../etc/passwd",
    "recordings/3f/." RECORDING_ID ".abc.tmp",
    "recordings//x",
    "other/3f/" RECORDING_ID ".elaudio",
    "recordings/3f/x y",
    "",
  };
  guint8 digest[EL_SHA256_BYTES] = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (bad_ids); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (ElAudioWriter) writer = el_audio_store_begin (
          f->store, bad_ids[i], "audio/wav", digest, EL_AUDIO_MAX_BYTES, EL_AUDIO_MAX_DURATION_MS, &error);
      g_autoptr (GInputStream) stream = NULL;

      g_assert_null (writer);
      g_assert_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
      stream =
          el_audio_store_open_read (f->store, "recordings/3f/" RECORDING_ID ".elaudio", bad_ids[i], &error);
      g_assert_null (stream);
      g_assert_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_INVALID_ARGUMENT);
      g_assert_null (el_audio_store_path_for (bad_ids[i]));
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad_paths); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GInputStream) stream =
          el_audio_store_open_read (f->store, bad_paths[i], RECORDING_ID, &error);

      g_assert_null (stream);
      g_assert_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_INVALID_ARGUMENT);
      g_clear_error (&error);
      g_assert_false (el_audio_store_delete (f->store, bad_paths[i], &error));
      g_assert_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_INVALID_ARGUMENT);
      g_assert_false (el_audio_store_exists (f->store, bad_paths[i]));
    }
  assert_read_fails (f, "recordings/3f/" RECORDING_ID ".elaudio", RECORDING_ID, EL_AUDIO_ERROR_NOT_FOUND);
  assert_nothing_stored (f);
}

static void
test_store_stale_temp_files (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_build_filename (el_audio_store_get_dir (f->store), "recordings", "3f", NULL);
  g_autofree char *old = g_build_filename (dir, "." RECORDING_ID ".AbC123.tmp", NULL);
  g_autofree char *young = g_build_filename (dir, "." RECORDING_ID ".XyZ789.tmp", NULL);
  g_autofree char *kept = g_build_filename (dir, RECORDING_ID ".elaudio", NULL);
  GFile *file;
  g_autoptr (GError) error = NULL;
  g_autoptr (GFileInfo) info = g_file_info_new ();

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  write_file (old, (const guint8 *) "x", 1);
  write_file (young, (const guint8 *) "x", 1);
  write_file (kept, (const guint8 *) "x", 1);
  file = g_file_new_for_path (old);
  g_file_info_set_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED,
                                    (guint64) (g_get_real_time () / G_USEC_PER_SEC - 7200));
  g_assert_true (g_file_set_attributes_from_info (file, info, G_FILE_QUERY_INFO_NONE, NULL, &error));
  g_assert_no_error (error);
  g_object_unref (file);

  g_assert_cmpuint (el_audio_store_remove_stale_temp_files (f->store, 3600), ==, 1);
  g_assert_false (g_file_test (old, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (young, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (kept, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (el_audio_store_remove_stale_temp_files (f->store, 0), ==, 1);
  g_assert_true (g_file_test (kept, G_FILE_TEST_EXISTS));
}

static void
test_store_check (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *recordings = recordings_dir (f);

  g_assert_true (el_audio_store_check (f->store, &error));
  g_assert_no_error (error);
  if (getuid () != 0)
    {
      g_assert_cmpint (g_chmod (recordings, 0500), ==, 0);
      g_assert_false (el_audio_store_check (f->store, &error));
      g_assert_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_IO);
      g_assert_cmpint (g_chmod (recordings, 0700), ==, 0);
    }
  else
    {
      g_assert_cmpint (g_rmdir (recordings), ==, 0);
      g_assert_false (el_audio_store_check (f->store, &error));
      g_assert_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_IO);
      g_assert_cmpint (g_mkdir (recordings, 0700), ==, 0);
    }
}

static void
test_error_status (void)
{
  g_autoptr (GError) other = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "x");
  const struct
  {
    ElAudioError code;
    guint status;
  } cases[] = {
    { EL_AUDIO_ERROR_UNSUPPORTED_TYPE, 415 },
    { EL_AUDIO_ERROR_UNSUPPORTED_FORMAT, 415 },
    { EL_AUDIO_ERROR_CONTENT_TYPE_MISMATCH, 415 },
    { EL_AUDIO_ERROR_MALFORMED, 400 },
    { EL_AUDIO_ERROR_TOO_LONG, 413 },
    { EL_AUDIO_ERROR_TOO_LARGE, 413 },
    { EL_AUDIO_ERROR_BAD_DIGEST_HEADER, 400 },
    { EL_AUDIO_ERROR_DIGEST_MISMATCH, 400 },
    { EL_AUDIO_ERROR_EXISTS, 409 },
    { EL_AUDIO_ERROR_INVALID_ARGUMENT, 400 },
    { EL_AUDIO_ERROR_TAMPERED, 500 },
    { EL_AUDIO_ERROR_IO, 500 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = g_error_new_literal (EL_AUDIO_ERROR, cases[i].code, "x");

      g_assert_cmpuint (el_audio_error_http_status (error), ==, cases[i].status);
    }
  g_assert_cmpuint (el_audio_error_http_status (other), ==, 500);
  g_assert_cmpuint (el_audio_error_http_status (NULL), ==, 500);
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  make_all_media ();

  g_test_add_func ("/el/server/audio/probe/ogg", test_probe_ogg);
  g_test_add_func ("/el/server/audio/probe/wav", test_probe_wav);
  g_test_add_func ("/el/server/audio/probe/chunking", test_probe_chunking);
  g_test_add_func ("/el/server/audio/probe/duration-so-far", test_probe_duration_so_far);
  g_test_add_func ("/el/server/audio/probe/wav-too-long-streamed", test_probe_wav_too_long_streamed);
  g_test_add_func ("/el/server/audio/probe/wav-too-long-declared", test_probe_wav_too_long_declared);
  g_test_add_func ("/el/server/audio/probe/ogg-too-long", test_probe_ogg_too_long);
  g_test_add_func ("/el/server/audio/probe/ogg-bad-crc", test_probe_ogg_bad_crc);
  g_test_add_func ("/el/server/audio/probe/ogg-truncated", test_probe_ogg_truncated);
  g_test_add_func ("/el/server/audio/probe/ogg-missing-page", test_probe_ogg_missing_page);
  g_test_add_func ("/el/server/audio/probe/ogg-crafted", test_probe_ogg_crafted);
  g_test_add_func ("/el/server/audio/probe/ogg-vorbis", test_probe_ogg_vorbis);
  g_test_add_func ("/el/server/audio/probe/wrong-magic", test_probe_wrong_magic);
  g_test_add_func ("/el/server/audio/probe/content-type-mismatch", test_probe_content_type_mismatch);
  g_test_add_func ("/el/server/audio/probe/wav-variants", test_probe_wav_variants);
  g_test_add_func ("/el/server/audio/content-type", test_content_type);
  g_test_add_func ("/el/server/audio/content-digest", test_content_digest);
  g_test_add_func ("/el/server/audio/error-status", test_error_status);
  g_test_add ("/el/server/audio/store/round-trip", Fixture, NULL, fixture_set_up, test_store_round_trip,
              fixture_tear_down);
  g_test_add ("/el/server/audio/store/tampering", Fixture, NULL, fixture_set_up, test_store_tampering,
              fixture_tear_down);
  g_test_add ("/el/server/audio/store/other-recording", Fixture, NULL, fixture_set_up,
              test_store_other_recording, fixture_tear_down);
  g_test_add ("/el/server/audio/store/digest-mismatch", Fixture, NULL, fixture_set_up,
              test_store_digest_mismatch, fixture_tear_down);
  g_test_add ("/el/server/audio/store/too-large", Fixture, NULL, fixture_set_up, test_store_too_large,
              fixture_tear_down);
  g_test_add ("/el/server/audio/store/too-long", Fixture, NULL, fixture_set_up, test_store_too_long,
              fixture_tear_down);
  g_test_add ("/el/server/audio/store/bad-audio", Fixture, NULL, fixture_set_up, test_store_bad_audio,
              fixture_tear_down);
  g_test_add ("/el/server/audio/store/exists", Fixture, NULL, fixture_set_up, test_store_exists,
              fixture_tear_down);
  g_test_add ("/el/server/audio/store/abort", Fixture, NULL, fixture_set_up, test_store_abort,
              fixture_tear_down);
  g_test_add ("/el/server/audio/store/bad-arguments", Fixture, NULL, fixture_set_up, test_store_bad_arguments,
              fixture_tear_down);
  g_test_add ("/el/server/audio/store/stale-temp-files", Fixture, NULL, fixture_set_up,
              test_store_stale_temp_files, fixture_tear_down);
  g_test_add ("/el/server/audio/store/check", Fixture, NULL, fixture_set_up, test_store_check,
              fixture_tear_down);

  status = g_test_run ();

  g_clear_pointer (&ogg_3s, g_bytes_unref);
  g_clear_pointer (&wav_3s, g_bytes_unref);
  g_clear_pointer (&wav_10s, g_bytes_unref);
  g_clear_pointer (&ogg_vorbis, g_bytes_unref);
  remove_tree (media_dir);
  g_free (media_dir);
  g_free (media_error);
  return status;
}
