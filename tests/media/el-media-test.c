/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-media-test.h"

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <string.h>

ElVault *
el_media_test_vault (void)
{
  guint8 key[EL_VAULT_KEY_BYTES];
  g_autoptr (ElVault) master = NULL;

  for (guint i = 0; i < sizeof key; i++)
    key[i] = (guint8) (i * 13 + 7);
  master = el_vault_new (key);
  return el_vault_new_derived (master, "audio");
}

guint64
el_media_test_decode (ElSealedAudio *audio, gint *peak)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GInputStream) stream = el_sealed_audio_open_stream (audio, &error);
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) src = NULL;
  g_autoptr (GstElement) sink = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) done = NULL;
  guint64 samples = 0;
  gint max = 0;

  g_assert_no_error (error);
  pipeline =
      gst_parse_launch ("giostreamsrc name=src ! oggdemux ! opusdec ! audioconvert ! audioresample ! "
                        "audio/x-raw,format=S16LE,rate=16000,channels=1 ! appsink name=sink sync=false",
                        &error);
  g_assert_no_error (error);
  gst_object_ref_sink (pipeline);
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (src, "stream", stream, NULL);
  g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_PLAYING), !=, GST_STATE_CHANGE_FAILURE);
  for (;;)
    {
      g_autoptr (GstSample) sample = gst_app_sink_pull_sample (GST_APP_SINK (sink));
      GstBuffer *buffer;
      GstMapInfo map;

      if (sample == NULL)
        break;
      buffer = gst_sample_get_buffer (sample);
      g_assert_true (gst_buffer_map (buffer, &map, GST_MAP_READ));
      samples += map.size / 2;
      for (gsize i = 0; i + 1 < map.size; i += 2)
        {
          gint16 v;

          memcpy (&v, map.data + i, 2);
          max = MAX (max, ABS ((gint) v));
        }
      gst_buffer_unmap (buffer, &map);
    }
  bus = gst_element_get_bus (pipeline);
  done = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (done);
  if (GST_MESSAGE_TYPE (done) == GST_MESSAGE_ERROR)
    {
      g_autoptr (GError) gst_error = NULL;

      gst_message_parse_error (done, &gst_error, NULL);
      g_error ("decoding the recording failed: %s", gst_error->message);
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (peak != NULL)
    *peak = max;
  return samples;
}

double
el_media_test_samples_to_s (guint64 samples)
{
  return (double) samples / EL_RECORDER_RATE;
}

static gboolean
file_has_ogg (const char *path)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;
  for (gsize i = 0; i + 4 <= len; i++)
    if (data[i] == 'O' && memcmp (data + i, "OggS", 4) == 0)
      return TRUE;
  return FALSE;
}

char *
el_media_test_find_ogg (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return NULL;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (dir, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        {
          char *found = el_media_test_find_ogg (child);

          if (found != NULL)
            return found;
        }
      else if (g_file_test (child, G_FILE_TEST_IS_REGULAR) && file_has_ogg (child))
        return g_steal_pointer (&child);
    }
  return NULL;
}

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

ElRecorderState
el_media_test_wait_done (ElRecorder *recorder, guint timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, timeout_cb, &timed_out);

  while (!timed_out && el_recorder_get_state (recorder) != EL_RECORDER_STATE_STOPPED &&
         el_recorder_get_state (recorder) != EL_RECORDER_STATE_FAILED)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return el_recorder_get_state (recorder);
}
