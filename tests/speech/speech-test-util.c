/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "speech-test-util.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <math.h>
#include <string.h>

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

GPtrArray *
speech_test_text_paths_in (const char *folder, const char *prefix)
{
  const char *root = g_getenv ("EL_SOURCE_ROOT");
  g_autofree char *dir_path = g_build_filename (root != NULL ? root : ".", "tests", "data", folder, NULL);
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, prefix) && g_str_has_suffix (name, ".txt"))
      g_ptr_array_add (paths, g_build_filename (dir_path, name, NULL));
  g_ptr_array_sort (paths, compare_strings);
  return paths;
}

GPtrArray *
speech_test_text_paths (void)
{
  return speech_test_text_paths_in ("speech", "handoff-");
}

char *
speech_test_read_text (const char *path)
{
  char *text = NULL;
  g_autoptr (GError) error = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

GPtrArray *
speech_test_words (const char *text)
{
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);
  GString *word = g_string_new (NULL);

  for (const char *p = text;; p++)
    {
      if (*p != '\0' && (g_ascii_isalnum (*p) || *p == '\''))
        {
          g_string_append_c (word, g_ascii_tolower (*p));
          continue;
        }
      if (word->len > 0)
        {
          g_ptr_array_add (words, g_strdup (word->str));
          g_string_truncate (word, 0);
        }
      if (*p == '\0')
        break;
    }
  g_string_free (word, TRUE);
  return words;
}

GPtrArray *
speech_test_sentences (const char *text)
{
  GPtrArray *sentences = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) parts = g_regex_split_simple ("[.?!\\n]", text, 0, 0);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autoptr (GPtrArray) words = speech_test_words (parts[i]);

      if (words->len == 0)
        continue;
      g_ptr_array_add (words, NULL);
      g_ptr_array_add (sentences, g_strjoinv (" ", (char **) words->pdata));
    }
  return sentences;
}

guint
speech_test_word_errors (GPtrArray *reference, GPtrArray *hypothesis)
{
  guint n = reference->len, m = hypothesis->len;
  g_autofree guint *prev = g_new (guint, m + 1);
  g_autofree guint *cur = g_new (guint, m + 1);

  for (guint j = 0; j <= m; j++)
    prev[j] = j;
  for (guint i = 1; i <= n; i++)
    {
      guint *swap;

      cur[0] = i;
      for (guint j = 1; j <= m; j++)
        {
          guint sub = prev[j - 1] + (strcmp (reference->pdata[i - 1], hypothesis->pdata[j - 1]) == 0 ? 0 : 1);

          cur[j] = MIN (sub, MIN (prev[j] + 1, cur[j - 1] + 1));
        }
      swap = prev;
      prev = cur;
      cur = swap;
    }
  return prev[m];
}

static gboolean
run (const char *const *argv, GError **error)
{
  int status = 0;
  g_autofree char *err_out = NULL;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                     NULL, &err_out, &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, error))
    {
      g_prefix_error (error, "%s failed (%s): ", argv[0], err_out != NULL ? err_out : "");
      return FALSE;
    }
  return TRUE;
}

GBytes *
speech_test_synthesise (const char *text, const char *tmpdir, const char *name, GError **error)
{
  return speech_test_synthesise_voice (text, "espeak-ng:en-us", tmpdir, name, error);
}

GBytes *
speech_test_synthesise_voice (
    const char *text, const char *voice, const char *tmpdir, const char *name, GError **error)
{
  g_autofree char *txt = g_strdup_printf ("%s/%s.txt", tmpdir, name);
  g_autofree char *raw = g_strdup_printf ("%s/%s-tts.wav", tmpdir, name);
  g_autofree char *wav = g_strdup_printf ("%s/%s.wav", tmpdir, name);
  g_auto (GStrv) parts = g_strsplit (voice, ":", 2);
  const char *engine = parts[0];
  const char *speaker = parts[1];
  g_autofree char *program = NULL;
  g_autofree char *sox = g_find_program_in_path ("sox");
  g_autofree char *festival_voice = NULL;
  char *contents = NULL;
  gsize size = 0;

  if (speaker == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "voice %s is not ENGINE:VOICE", voice);
      return NULL;
    }
  program = g_find_program_in_path (g_str_equal (engine, "festival") ? "text2wave" : engine);
  if (program == NULL || sox == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s and sox are needed", engine);
      return NULL;
    }
  if (!g_file_set_contents (txt, text, -1, error))
    return NULL;
  if (g_str_equal (engine, "espeak-ng"))
    {
      const char *argv[] = { program, "-v", speaker, "-s", "150", "-f", txt, "-w", raw, NULL };
      if (!run (argv, error))
        return NULL;
    }
  else if (g_str_equal (engine, "flite"))
    {
      const char *argv[] = { program, "-voice", speaker, "-f", txt, "-o", raw, NULL };
      if (!run (argv, error))
        return NULL;
    }
  else if (g_str_equal (engine, "festival"))
    {
      festival_voice = g_strdup_printf ("(voice_%s)", speaker);
      {
        const char *argv[] = { program, "-eval", festival_voice, txt, "-o", raw, NULL };
        if (!run (argv, error))
          return NULL;
      }
    }
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "unknown speech synthesiser %s", engine);
      return NULL;
    }
  {
    /* -R: sox dithers when it resamples to 16 bits; the same random numbers on every run keep a
     * test's speech, and so its figures, the same from run to run */
    const char *argv[] = { sox, "-R", raw, "-r", "16000", "-c", "1", "-b", "16", wav, NULL };
    if (!run (argv, error))
      return NULL;
  }
  if (!g_file_get_contents (wav, &contents, &size, error))
    return NULL;
  return g_bytes_new_take (contents, size);
}

GBytes *
speech_test_wav_to_ogg_opus (GBytes *wav, GError **error)
{
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GByteArray) out = g_byte_array_new ();
  GstElement *src, *sink;

  gst_init (NULL, NULL);
  pipeline = gst_parse_launch ("appsrc name=src format=bytes ! wavparse ! audioconvert ! audioresample ! "
                               "audio/x-raw,rate=16000,channels=1 ! opusenc bitrate=24000 ! oggmux ! "
                               "appsink name=sink sync=false",
                               error);
  if (pipeline == NULL)
    return NULL;
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  gst_app_src_push_buffer (GST_APP_SRC (src), gst_buffer_new_wrapped_bytes (wav));
  gst_app_src_end_of_stream (GST_APP_SRC (src));
  for (;;)
    {
      g_autoptr (GstSample) sample = gst_app_sink_pull_sample (GST_APP_SINK (sink));
      GstMapInfo map;

      if (sample == NULL)
        break;
      if (gst_buffer_map (gst_sample_get_buffer (sample), &map, GST_MAP_READ))
        {
          g_byte_array_append (out, map.data, map.size);
          gst_buffer_unmap (gst_sample_get_buffer (sample), &map);
        }
    }
  bus = gst_element_get_bus (pipeline);
  {
    g_autoptr (GstMessage) msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    if (msg != NULL)
      {
        gst_message_parse_error (msg, error, NULL);
        gst_element_set_state (pipeline, GST_STATE_NULL);
        gst_object_unref (src);
        gst_object_unref (sink);
        return NULL;
      }
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (src);
  gst_object_unref (sink);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static void
write_wav_header (GByteArray *out, guint rate, guint channels, guint32 data_bytes)
{
  guint8 h[44];
  guint32 v;
  guint16 s;

  memcpy (h, "RIFF", 4);
  v = GUINT32_TO_LE (36 + data_bytes);
  memcpy (h + 4, &v, 4);
  memcpy (h + 8, "WAVEfmt ", 8);
  v = GUINT32_TO_LE (16);
  memcpy (h + 16, &v, 4);
  s = GUINT16_TO_LE (1);
  memcpy (h + 20, &s, 2);
  s = GUINT16_TO_LE (channels);
  memcpy (h + 22, &s, 2);
  v = GUINT32_TO_LE (rate);
  memcpy (h + 24, &v, 4);
  v = GUINT32_TO_LE (rate * channels * 2);
  memcpy (h + 28, &v, 4);
  s = GUINT16_TO_LE (channels * 2);
  memcpy (h + 32, &s, 2);
  s = GUINT16_TO_LE (16);
  memcpy (h + 34, &s, 2);
  memcpy (h + 36, "data", 4);
  v = GUINT32_TO_LE (data_bytes);
  memcpy (h + 40, &v, 4);
  g_byte_array_append (out, h, sizeof h);
}

/* The PCM payload of a canonical WAV as sox writes it (the "data" chunk). */
static const guint8 *
wav_data (GBytes *wav, gsize *len)
{
  gsize size;
  const guint8 *d = g_bytes_get_data (wav, &size);
  gsize pos = 12;

  while (pos + 8 <= size)
    {
      guint32 chunk;

      memcpy (&chunk, d + pos + 4, 4);
      chunk = GUINT32_FROM_LE (chunk);
      if (memcmp (d + pos, "data", 4) == 0)
        {
          *len = MIN ((gsize) chunk, size - pos - 8);
          return d + pos + 8;
        }
      pos += 8 + chunk + (chunk & 1);
    }
  *len = 0;
  return NULL;
}

GBytes *
speech_test_concat_wav (GPtrArray *wavs)
{
  GByteArray *pcm = g_byte_array_new ();
  GByteArray *out = g_byte_array_new ();

  for (guint i = 0; i < wavs->len; i++)
    {
      gsize len;
      const guint8 *d = wav_data (wavs->pdata[i], &len);

      g_assert_nonnull (d);
      g_byte_array_append (pcm, d, len);
    }
  write_wav_header (out, 16000, 1, pcm->len);
  g_byte_array_append (out, pcm->data, pcm->len);
  g_byte_array_unref (pcm);
  return g_byte_array_free_to_bytes (out);
}

GBytes *
speech_test_sine_wav (guint rate, guint channels, guint ms)
{
  guint frames = rate * ms / 1000;
  GByteArray *out = g_byte_array_new ();

  write_wav_header (out, rate, channels, frames * channels * 2);
  for (guint i = 0; i < frames; i++)
    {
      gint16 v = GINT16_TO_LE ((gint16) (8000 * sin (2 * G_PI * 440.0 * i / rate)));

      for (guint c = 0; c < channels; c++)
        g_byte_array_append (out, (const guint8 *) &v, 2);
    }
  return g_byte_array_free_to_bytes (out);
}
