/* SPDX-License-Identifier: GPL-3.0-or-later */
/* el_audio_decode_to_pcm(): WAV (any rate/channels) and Ogg/Opus in memory to 16 kHz mono S16LE, and
 * every kind of bad input (empty, garbage, a header alone, truncated Ogg, a video, the wrong content
 * type, cancelled) ending with a clear error instead of a crash or a hang. */
#include "config.h"

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <string.h>

#include "el-audio-decode.h"
#include "el-transcriber.h"
#include "speech-test-util.h"

static void
expect_unsupported (GBytes *bytes, const char *content_type)
{
  g_autoptr (GError) error = NULL;
  gint64 ms = -7;
  g_autoptr (GBytes) pcm = el_audio_decode_to_pcm (bytes, content_type, &ms, NULL, &error);

  g_assert_null (pcm);
  g_assert_error (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_UNSUPPORTED_AUDIO);
  g_assert_cmpint (ms, ==, -7);
  g_test_message ("%s", error->message);
}

static void
test_wav (void)
{
  const guint rates[] = { 16000, 22050, 44100, 48000 };

  for (gsize i = 0; i < G_N_ELEMENTS (rates); i++)
    for (guint channels = 1; channels <= 2; channels++)
      {
        g_autoptr (GBytes) wav = speech_test_sine_wav (rates[i], channels, 1000);
        g_autoptr (GError) error = NULL;
        gint64 ms = 0;
        g_autoptr (GBytes) pcm = el_audio_decode_to_pcm (wav, "audio/wav", &ms, NULL, &error);
        const gint16 *samples;
        gsize size;
        int peak = 0;

        g_assert_no_error (error);
        g_assert_cmpint (ABS (ms - 1000), <=, 10);
        samples = g_bytes_get_data (pcm, &size);
        g_assert_cmpuint (size % 2, ==, 0);
        g_assert_cmpint ((gint64) size, ==, ms * 32);
        for (gsize s = 0; s < size / 2; s++)
          peak = MAX (peak, ABS (GINT16_FROM_LE (samples[s])));
        /* The tone survives (amplitude 8000, resampling keeps it near that). */
        g_assert_cmpint (peak, >, 6000);
        g_assert_cmpint (peak, <, 10000);
      }
}

static void
test_ogg_opus (void)
{
  g_autoptr (GBytes) wav = speech_test_sine_wav (48000, 1, 2000);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) ogg = speech_test_wav_to_ogg_opus (wav, &error);
  g_autoptr (GBytes) pcm = NULL;
  g_autoptr (GBytes) half = NULL;
  g_autoptr (GBytes) head = NULL;
  g_autoptr (GBytes) pcm_half = NULL;
  gint64 ms = 0, ms_half = 0;
  gsize size = 0;

  g_assert_no_error (error);
  g_assert_cmpmem ("OggS", 4, g_bytes_get_data (ogg, &size), 4);
  pcm = el_audio_decode_to_pcm (ogg, "audio/ogg", &ms, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ABS (ms - 2000), <=, 60);
  /* No content type: the bytes decide. */
  g_clear_pointer (&pcm, g_bytes_unref);
  pcm = el_audio_decode_to_pcm (ogg, NULL, &ms, NULL, &error);
  g_assert_no_error (error);

  /* Cut in the headers: no audio at all. */
  head = g_bytes_new_from_bytes (ogg, 0, MIN (size, 60));
  expect_unsupported (head, "audio/ogg");
  /* Cut in the middle: either what is there, shorter, or a clear error; never a crash. */
  half = g_bytes_new_from_bytes (ogg, 0, size / 2);
  pcm_half = el_audio_decode_to_pcm (half, "audio/ogg", &ms_half, NULL, &error);
  if (pcm_half != NULL)
    {
      g_assert_no_error (error);
      g_assert_cmpint (ms_half, <, ms);
      g_assert_cmpint (ms_half, >, 0);
    }
  else
    {
      g_assert_error (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_UNSUPPORTED_AUDIO);
    }
}

static void
test_bad_input (void)
{
  static const char garbage[] = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod";
  static const char fake_ogg[] =
      "OggS\0\x02 and then nothing that an Ogg demuxer could ever make sense of......";
  static const guint8 wav_header_only[44] = { 'R', 'I', 'F',  'F',  36,  0,   0,   0,    'W', 'A', 'V',
                                              'E', 'f', 'm',  't',  ' ', 16,  0,   0,    0,   1,   0,
                                              1,   0,   0x80, 0x3e, 0,   0,   0,   0x7d, 0,   0,   2,
                                              0,   16,  0,    'd',  'a', 't', 'a', 0,    0,   0,   0 };
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr (GBytes) text = g_bytes_new_static (garbage, sizeof garbage - 1);
  g_autoptr (GBytes) ogg = g_bytes_new_static (fake_ogg, sizeof fake_ogg - 1);
  g_autoptr (GBytes) header = g_bytes_new_static (wav_header_only, sizeof wav_header_only);
  g_autoptr (GBytes) wav = speech_test_sine_wav (16000, 1, 200);
  g_autoptr (GBytes) random_bytes = NULL;
  guint8 noise[4096];

  for (gsize i = 0; i < sizeof noise; i++)
    noise[i] = (guint8) g_test_rand_int_range (0, 256);
  memcpy (noise, "OggS", 4);
  random_bytes = g_bytes_new (noise, sizeof noise);

  expect_unsupported (empty, "audio/ogg");
  expect_unsupported (text, "audio/ogg");
  expect_unsupported (text, NULL);
  expect_unsupported (ogg, "audio/ogg");
  expect_unsupported (random_bytes, "audio/ogg");
  expect_unsupported (header, "audio/wav");
  expect_unsupported (wav, "video/mp4"); /* the content type says it is not for us */
}

static GBytes *
make_video (void)
{
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GstElement) sink = NULL;
  g_autoptr (GError) error = NULL;

  pipeline =
      gst_parse_launch ("videotestsrc num-buffers=15 ! video/x-raw,width=64,height=48,framerate=15/1 ! "
                        "theoraenc ! oggmux ! appsink name=sink sync=false",
                        &error);
  if (pipeline == NULL)
    return NULL;
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
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
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return out->len > 0 ? g_byte_array_free_to_bytes (g_steal_pointer (&out)) : NULL;
}

static void
test_video (void)
{
  g_autoptr (GBytes) video = make_video ();

  /* theoraenc comes with gstreamer1.0-plugins-base, which .ci/install-deps installs: a failure, not
   * a skip, when it is missing */
  if (video == NULL)
    g_error ("theoraenc (gstreamer1.0-plugins-base) is needed to make the Ogg video of this test");
  expect_unsupported (video, "audio/ogg");
  expect_unsupported (video, NULL);
}

static void
test_cancelled (void)
{
  g_autoptr (GBytes) wav = speech_test_sine_wav (16000, 1, 1000);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) pcm = NULL;

  g_cancellable_cancel (cancellable);
  pcm = el_audio_decode_to_pcm (wav, "audio/wav", NULL, cancellable, &error);
  g_assert_null (pcm);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gst_init (NULL, NULL);
  g_test_add_func ("/el/speech/decode/wav-rates-channels", test_wav);
  g_test_add_func ("/el/speech/decode/ogg-opus-and-truncated", test_ogg_opus);
  g_test_add_func ("/el/speech/decode/bad-input", test_bad_input);
  g_test_add_func ("/el/speech/decode/video", test_video);
  g_test_add_func ("/el/speech/decode/cancelled", test_cancelled);
  return g_test_run ();
}
