/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ElRecorder on real GStreamer pipelines with audiotestsrc: duration, levels, warnings, pause, max
 * length, stop fallback, discard, and no Ogg byte on disk. */
#include "config.h"

#include "el-audio-probe.h" /* the server's upload check */
#include "el-media-test.h"
#include "el-test-util.h"

#include <gst/gst.h>
#include <string.h>

#define SINE    "audiotestsrc is-live=true wave=sine freq=440"
#define SILENCE "audiotestsrc is-live=true wave=silence"

static char *base_dir; /* every recording of this program goes under it */

typedef struct
{
  guint level_notifies;
  gint64 first_level_us;
  gint64 last_level_us;
  double min_peak;
  double max_peak;
  double max_rms;
  guint warnings[2];
  guint finished;
  guint failed;
  guint discarded;
  guint64 warn_at_ms[2];
} Events;

static void
level_notify_cb (ElRecorder *recorder, GParamSpec *pspec, Events *ev)
{
  double peak = el_recorder_get_level_peak_db (recorder);
  gint64 now = g_get_monotonic_time ();

  if (ev->level_notifies == 0)
    {
      ev->first_level_us = now;
      ev->min_peak = ev->max_peak = peak;
      ev->max_rms = el_recorder_get_level_rms_db (recorder);
    }
  ev->last_level_us = now;
  ev->level_notifies++;
  ev->min_peak = MIN (ev->min_peak, peak);
  ev->max_peak = MAX (ev->max_peak, peak);
  ev->max_rms = MAX (ev->max_rms, el_recorder_get_level_rms_db (recorder));
}

static void
warning_cb (ElRecorder *recorder, ElRecorderWarning warning, Events *ev)
{
  g_assert_cmpint (warning, <=, EL_RECORDER_WARNING_SILENT_MICROPHONE);
  ev->warnings[warning]++;
  ev->warn_at_ms[warning] = el_recorder_get_duration_ms (recorder);
}

static void
finished_cb (ElRecorder *recorder, Events *ev)
{
  ev->finished++;
}

static void
failed_cb (ElRecorder *recorder, GError *error, Events *ev)
{
  g_assert_nonnull (error);
  ev->failed++;
}

static void
discarded_cb (ElRecorder *recorder, Events *ev)
{
  ev->discarded++;
}

static ElRecorder *
make_recorder (ElVault *vault, const char *source, Events *ev, char **dir_out)
{
  g_autofree char *dir = g_build_filename (base_dir, "recordings", NULL);
  ElRecorder *recorder = el_recorder_new (vault, dir, source);

  memset (ev, 0, sizeof *ev);
  g_signal_connect (recorder, "notify::level-peak-db", G_CALLBACK (level_notify_cb), ev);
  g_signal_connect (recorder, "warning", G_CALLBACK (warning_cb), ev);
  g_signal_connect (recorder, "finished", G_CALLBACK (finished_cb), ev);
  g_signal_connect (recorder, "failed", G_CALLBACK (failed_cb), ev);
  g_signal_connect (recorder, "discarded", G_CALLBACK (discarded_cb), ev);
  if (dir_out != NULL)
    *dir_out = g_steal_pointer (&dir);
  return recorder;
}

static void
stop_and_wait (ElRecorder *recorder)
{
  g_autoptr (GError) error = NULL;
  GAsyncResult *result = NULL;

  el_recorder_stop_async (recorder, NULL, el_test_result_cb, &result);
  g_assert_true (el_recorder_stop_finish (recorder, el_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpint (el_recorder_get_state (recorder), ==, EL_RECORDER_STATE_STOPPED);
}

static ElSealedAudio *
open_recording (ElVault *vault, ElRecorder *recorder)
{
  g_autoptr (GError) error = NULL;
  ElSealedAudio *audio = el_sealed_audio_open (vault, el_recorder_get_path (recorder),
                                               el_recorder_get_recording_id (recorder), NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (audio);
  return audio;
}

/* The plaintext passes the server's upload check (ElAudioProbe: a whole Ogg/Opus stream, CRCs,
 * page sequence, last page) with the file's duration. */
static void
assert_server_accepts (ElSealedAudio *audio)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) plain = el_sealed_audio_read_all (audio, NULL, &error);
  g_autoptr (ElAudioProbe) probe = el_audio_probe_new (EL_AUDIO_CONTAINER_OGG, EL_AUDIO_MAX_DURATION_MS);
  gsize len;
  const guint8 *data;

  g_assert_no_error (error);
  data = g_bytes_get_data (plain, &len);
  g_assert_true (el_audio_probe_feed (probe, data, len, &error));
  g_assert_no_error (error);
  g_assert_true (el_audio_probe_finish (probe, &error));
  g_assert_no_error (error);
  g_assert_cmpint (el_audio_probe_get_codec (probe), ==, EL_AUDIO_CODEC_OPUS);
  g_assert_cmpuint (el_audio_probe_get_channels (probe), ==, 1);
  g_assert_cmpint (
      ABS (el_audio_probe_get_duration_ms (probe) - (gint64) el_sealed_audio_get_duration_ms (audio)), <=, 1);
}

static void
assert_no_ogg_on_disk (void)
{
  g_autofree char *found = el_media_test_find_ogg (base_dir);

  if (found != NULL)
    g_error ("plaintext Ogg bytes on disk: %s", found);
}

/* Sine for ~3 s: duration within 0.2 s of the wall time, >= 10 level updates/s, a loud level, no
 * silence warning; the sealed file is complete and decodes to the same duration. */
static void
test_sine (void)
{
  g_autoptr (ElVault) vault = el_media_test_vault ();
  g_autoptr (ElRecorder) recorder = NULL;
  g_autoptr (ElSealedAudio) audio = NULL;
  g_autoptr (GError) error = NULL;
  Events ev;
  gint64 t0, t1;
  double wall_s, file_s, decoded_s, rate;
  guint64 samples;
  gint peak = 0;

  recorder = make_recorder (vault, SINE, &ev, NULL);
  el_recorder_set_silence (recorder, -60.0, 500);
  g_assert_cmpint (el_recorder_get_state (recorder), ==, EL_RECORDER_STATE_IDLE);
  g_assert_null (el_recorder_get_path (recorder));
  t0 = g_get_monotonic_time ();
  g_assert_true (el_recorder_start (recorder, &error));
  g_assert_no_error (error);
  g_assert_cmpint (el_recorder_get_state (recorder), ==, EL_RECORDER_STATE_RECORDING);
  g_assert_nonnull (el_recorder_get_path (recorder));
  g_assert_true (g_str_has_suffix (el_recorder_get_path (recorder), EL_SEALED_AUDIO_SUFFIX));
  el_test_sleep_main (3000);
  t1 = g_get_monotonic_time ();
  /* A second start is refused. */
  g_assert_false (el_recorder_start (recorder, &error));
  g_assert_error (error, EL_RECORDER_ERROR, EL_RECORDER_ERROR_STATE);
  g_clear_error (&error);
  stop_and_wait (recorder);
  wall_s = (double) (t1 - t0) / G_USEC_PER_SEC;

  g_assert_cmpuint (ev.finished, ==, 1);
  g_assert_cmpuint (ev.failed, ==, 0);
  g_assert_cmpuint (ev.warnings[EL_RECORDER_WARNING_SILENT_MICROPHONE], ==, 0);
  g_assert_cmpuint (ev.warnings[EL_RECORDER_WARNING_NEAR_MAX_LENGTH], ==, 0);

  /* Levels: at least 10 per second of recording, and loud (audiotestsrc's volume 0.8 is -1.9 dB). */
  rate = ev.level_notifies / wall_s;
  g_test_message ("level updates: %u in %.2f s (%.1f/s); peak %.1f .. %.1f dB", ev.level_notifies, wall_s,
                  rate, ev.min_peak, ev.max_peak);
  g_assert_cmpfloat (rate, >=, 10.0);
  g_assert_cmpfloat (ev.max_peak, >, -6.0);
  g_assert_cmpfloat (ev.max_rms, >, -10.0);

  audio = open_recording (vault, recorder);
  g_assert_true (el_sealed_audio_is_complete (audio));
  g_assert_cmpuint (el_sealed_audio_get_n_chunks (audio), >=, 3);
  file_s = el_sealed_audio_get_duration_ms (audio) / 1000.0;
  samples = el_media_test_decode (audio, &peak);
  decoded_s = el_media_test_samples_to_s (samples);
  g_test_message ("wall %.3f s, recorder %.3f s, file %.3f s in %u chunks, decoded %.3f s", wall_s,
                  el_recorder_get_duration_ms (recorder) / 1000.0, file_s,
                  el_sealed_audio_get_n_chunks (audio), decoded_s);
  g_assert_cmpfloat (ABS (decoded_s - wall_s), <=, 0.2);
  g_assert_cmpfloat (ABS (file_s - decoded_s), <=, 0.05);
  g_assert_cmpfloat (ABS (el_recorder_get_duration_ms (recorder) / 1000.0 - decoded_s), <=, 0.05);
  g_assert_cmpint (peak, >, 16000); /* a sine at 0.8 of full scale survived encoding */
  assert_server_accepts (audio);

  /* Stopping again is fine. */
  stop_and_wait (recorder);
  assert_no_ogg_on_disk ();
}

/* Silence: the level stays low and the silent-microphone warning comes after silence-ms. */
static void
test_silence (void)
{
  g_autoptr (ElVault) vault = el_media_test_vault ();
  g_autoptr (ElRecorder) recorder = NULL;
  g_autoptr (GError) error = NULL;
  Events ev;

  recorder = make_recorder (vault, SILENCE, &ev, NULL);
  el_recorder_set_silence (recorder, -60.0, 1000);
  g_assert_true (el_recorder_start (recorder, &error));
  g_assert_no_error (error);
  el_test_sleep_main (2000);
  stop_and_wait (recorder);

  g_assert_cmpuint (ev.level_notifies, >=, 20);
  g_assert_cmpfloat (ev.max_rms, <, -60.0);
  g_assert_cmpfloat (ev.max_peak, <, -60.0);
  g_assert_cmpuint (ev.warnings[EL_RECORDER_WARNING_SILENT_MICROPHONE], ==, 1);
  g_assert_cmpuint (ev.warn_at_ms[EL_RECORDER_WARNING_SILENT_MICROPHONE], >=, 1000);
  g_assert_cmpuint (ev.warn_at_ms[EL_RECORDER_WARNING_SILENT_MICROPHONE], <, 1500);
  assert_no_ogg_on_disk ();
}

/* Record 2 s, pause 2 s, record 2 s: the decoded recording is 4 s. */
static void
test_pause (void)
{
  g_autoptr (ElVault) vault = el_media_test_vault ();
  g_autoptr (ElRecorder) recorder = NULL;
  g_autoptr (ElSealedAudio) audio = NULL;
  g_autoptr (GError) error = NULL;
  Events ev;
  gint64 t0, t1, t2, t3;
  double recorded_s, decoded_s;

  recorder = make_recorder (vault, SINE, &ev, NULL);
  t0 = g_get_monotonic_time ();
  g_assert_true (el_recorder_start (recorder, &error));
  el_test_sleep_main (2000);
  el_recorder_pause (recorder);
  t1 = g_get_monotonic_time ();
  g_assert_cmpint (el_recorder_get_state (recorder), ==, EL_RECORDER_STATE_PAUSED);
  el_test_sleep_main (2000);
  t2 = g_get_monotonic_time ();
  el_recorder_resume (recorder);
  g_assert_cmpint (el_recorder_get_state (recorder), ==, EL_RECORDER_STATE_RECORDING);
  el_test_sleep_main (2000);
  t3 = g_get_monotonic_time ();
  stop_and_wait (recorder);

  recorded_s = (double) ((t1 - t0) + (t3 - t2)) / G_USEC_PER_SEC;
  audio = open_recording (vault, recorder);
  decoded_s = el_media_test_samples_to_s (el_media_test_decode (audio, NULL));
  g_test_message ("recorded %.3f s (paused %.3f s), decoded %.3f s, file %.3f s", recorded_s,
                  (double) (t2 - t1) / G_USEC_PER_SEC, decoded_s,
                  el_sealed_audio_get_duration_ms (audio) / 1000.0);
  g_assert_cmpfloat (ABS (decoded_s - 4.0), <=, 0.2);
  g_assert_cmpfloat (ABS (decoded_s - recorded_s), <=, 0.2);
  g_assert_cmpfloat (ABS (el_recorder_get_duration_ms (recorder) / 1000.0 - decoded_s), <=, 0.05);
  assert_server_accepts (audio);
  assert_no_ogg_on_disk ();
}

/* The maximum length stops the recording by itself, after the near-max warning. */
static void
test_max_length (void)
{
  g_autoptr (ElVault) vault = el_media_test_vault ();
  g_autoptr (ElRecorder) recorder = NULL;
  g_autoptr (ElSealedAudio) audio = NULL;
  g_autoptr (GError) error = NULL;
  Events ev;
  double decoded_s;

  recorder = make_recorder (vault, SINE, &ev, NULL);
  g_object_set (recorder, "max-duration-ms", (guint64) 1500, "warn-duration-ms", (guint64) 1000, NULL);
  g_assert_cmpuint (el_recorder_get_max_duration_ms (recorder), ==, 1500);
  g_assert_true (el_recorder_start (recorder, &error));
  g_assert_no_error (error);
  g_assert_cmpint (el_media_test_wait_done (recorder, 10000), ==, EL_RECORDER_STATE_STOPPED);
  g_assert_cmpuint (ev.finished, ==, 1);
  g_assert_cmpuint (ev.warnings[EL_RECORDER_WARNING_NEAR_MAX_LENGTH], ==, 1);
  g_assert_cmpuint (ev.warn_at_ms[EL_RECORDER_WARNING_NEAR_MAX_LENGTH], >=, 1000);
  g_assert_cmpuint (el_recorder_get_duration_ms (recorder), ==, 1500);

  audio = open_recording (vault, recorder);
  g_assert_true (el_sealed_audio_is_complete (audio));
  decoded_s = el_media_test_samples_to_s (el_media_test_decode (audio, NULL));
  g_test_message ("max 1.5 s: decoded %.3f s", decoded_s);
  g_assert_cmpfloat (ABS (decoded_s - 1.5), <=, 0.05);
  assert_server_accepts (audio);
  assert_no_ogg_on_disk ();
}

/* EOS never waited for (stop-timeout-ms 0): the recording still ends complete and decodable. */
static void
test_stop_timeout (void)
{
  g_autoptr (ElVault) vault = el_media_test_vault ();
  g_autoptr (ElRecorder) recorder = NULL;
  g_autoptr (ElSealedAudio) audio = NULL;
  g_autoptr (GError) error = NULL;
  Events ev;
  double decoded_s;

  recorder = make_recorder (vault, SINE, &ev, NULL);
  el_recorder_set_stop_timeout_ms (recorder, 0);
  g_assert_true (el_recorder_start (recorder, &error));
  el_test_sleep_main (2500);
  stop_and_wait (recorder);
  g_assert_cmpuint (ev.finished, ==, 1);
  audio = open_recording (vault, recorder);
  g_assert_true (el_sealed_audio_is_complete (audio));
  decoded_s = el_media_test_samples_to_s (el_media_test_decode (audio, NULL));
  g_test_message ("fallback stop after 2.5 s: decoded %.3f s", decoded_s);
  /* What was sealed plus what was collected: at least the sealed seconds. */
  g_assert_cmpfloat (decoded_s, >=, 1.0);
  g_assert_cmpfloat (decoded_s, <=, 2.7);
  assert_server_accepts (audio); /* the recorder ended the Ogg stream itself */
  assert_no_ogg_on_disk ();
}

/* Discard while recording, and after stopping: nothing is left on disk. */
static void
test_discard (void)
{
  g_autoptr (ElVault) vault = el_media_test_vault ();
  g_autoptr (ElRecorder) recorder = NULL;
  g_autoptr (ElRecorder) second = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  GAsyncResult *result = NULL;
  Events ev, ev2;

  recorder = make_recorder (vault, SINE, &ev, &dir);
  g_assert_true (el_recorder_start (recorder, &error));
  el_test_sleep_main (1500);
  path = g_strdup (el_recorder_get_path (recorder));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  el_recorder_discard (recorder);
  g_assert_cmpint (el_media_test_wait_done (recorder, 10000), ==, EL_RECORDER_STATE_STOPPED);
  g_assert_cmpuint (ev.discarded, ==, 1);
  g_assert_cmpuint (ev.finished, ==, 0);
  g_assert_null (el_recorder_get_path (recorder));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  el_recorder_stop_async (recorder, NULL, el_test_result_cb, &result);
  g_assert_false (el_recorder_stop_finish (recorder, el_test_wait_for (&result), &error));
  g_assert_error (error, EL_RECORDER_ERROR, EL_RECORDER_ERROR_DISCARDED);
  g_clear_error (&error);
  g_clear_object (&result);

  second = make_recorder (vault, SINE, &ev2, NULL);
  g_assert_true (el_recorder_start (second, &error));
  el_test_sleep_main (1200);
  stop_and_wait (second);
  g_free (path);
  path = g_strdup (el_recorder_get_path (second));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  el_recorder_discard (second);
  g_assert_cmpuint (ev2.discarded, ==, 1);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* The recordings folder holds nothing of either. */
  {
    g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    g_assert_nonnull (d);
    while ((name = g_dir_read_name (d)) != NULL)
      {
        g_assert_false (g_str_has_prefix (name, el_recorder_get_recording_id (recorder)));
        g_assert_false (g_str_has_prefix (name, el_recorder_get_recording_id (second)));
      }
  }
}

/* A source that does not exist, or a device that cannot be opened: a clear error, no file. */
static void
test_bad_source (void)
{
  g_autoptr (ElVault) vault = el_media_test_vault ();
  g_autoptr (ElRecorder) recorder = NULL;
  g_autoptr (ElRecorder) broken = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *device = NULL;
  g_autofree char *path = NULL;
  Events ev, ev2;

  recorder = make_recorder (vault, "no-such-element-here", &ev, NULL);
  g_assert_false (el_recorder_start (recorder, &error));
  g_assert_error (error, EL_RECORDER_ERROR, EL_RECORDER_ERROR_PIPELINE);
  g_assert_cmpint (el_recorder_get_state (recorder), ==, EL_RECORDER_STATE_FAILED);
  g_assert_null (el_recorder_get_path (recorder));
  g_clear_error (&error);

  /* A source whose state change fails (audiotestsrc with a negative num-buffers is fine, so use an
   * element that errors when it starts: filesrc on a missing file). */
  broken = make_recorder (vault, "filesrc location=/nonexistent/el-media-test ! wavparse", &ev2, NULL);
  if (el_recorder_start (broken, &error))
    {
      /* The failure may come from the streaming thread instead. */
      g_assert_cmpint (el_media_test_wait_done (broken, 10000), ==, EL_RECORDER_STATE_FAILED);
    }
  else
    {
      g_assert_error (error, EL_RECORDER_ERROR, EL_RECORDER_ERROR_STREAM);
      g_assert_cmpint (el_media_test_wait_done (broken, 10000), ==, EL_RECORDER_STATE_FAILED);
      g_assert_null (el_recorder_get_path (broken));
    }
  g_assert_cmpuint (ev2.failed, ==, 1);

  /* Device names become a quoted pulsesrc property; dangerous ones are refused. */
  device = el_recorder_source_for_device ("alsa_input.pci-0000_00_1f.3.analog-stereo");
  g_assert_cmpstr (device, ==, "pulsesrc device=\"alsa_input.pci-0000_00_1f.3.analog-stereo\"");
  g_assert_null (el_recorder_source_for_device (""));
  g_assert_null (el_recorder_source_for_device ("x\" ! filesink location=/tmp/leak"));
  g_assert_null (el_recorder_source_for_device ("a\\b"));
  g_assert_null (el_recorder_source_for_device ("a\nb"));
  /* the source chosen: a test's override, else the setting's microphone, else the default */
  {
    g_autofree char *forced = el_recorder_choose_source ("audiotestsrc", "mic");
    g_autofree char *chosen = el_recorder_choose_source (NULL, "mic");
    g_autofree char *unset = el_recorder_choose_source (NULL, "");
    g_autofree char *none = el_recorder_choose_source (NULL, NULL);
    g_autofree char *refused = el_recorder_choose_source (NULL, "x\" ! fakesink");

    g_assert_cmpstr (forced, ==, "audiotestsrc");
    g_assert_cmpstr (chosen, ==, "pulsesrc device=\"mic\"");
    g_assert_cmpstr (unset, ==, EL_RECORDER_DEFAULT_SOURCE);
    g_assert_cmpstr (none, ==, EL_RECORDER_DEFAULT_SOURCE);
    g_assert_cmpstr (refused, ==, EL_RECORDER_DEFAULT_SOURCE);
  }
  path = el_recorder_build_pipeline_description (NULL);
  g_assert_true (g_str_has_prefix (path, "autoaudiosrc ! "));
  g_assert_nonnull (strstr (path, "opusenc bitrate=24000 audio-type=voice"));
}

/* The level follows the sound within one recording: ticks (short beeps, silence between them). */
static void
test_level_moves (void)
{
  g_autoptr (ElVault) vault = el_media_test_vault ();
  g_autoptr (ElRecorder) recorder = NULL;
  g_autoptr (GError) error = NULL;
  Events ev;

  recorder = make_recorder (vault, "audiotestsrc is-live=true wave=ticks tick-interval=300000000", &ev, NULL);
  g_assert_true (el_recorder_start (recorder, &error));
  g_assert_no_error (error);
  el_test_sleep_main (2000);
  stop_and_wait (recorder);
  g_test_message ("ticks: %u level updates, peak %.1f .. %.1f dB", ev.level_notifies, ev.min_peak,
                  ev.max_peak);
  g_assert_cmpuint (ev.level_notifies, >=, 20);
  g_assert_cmpfloat (ev.max_peak, >, -10.0);
  g_assert_cmpfloat (ev.min_peak, <, -60.0);
}

/* A recorder dropped while recording stops its pipeline and leaves an interrupted, readable file
 * (as a crash would, but with what it had collected sealed). */
static void
test_dropped_while_recording (void)
{
  g_autoptr (ElVault) vault = el_media_test_vault ();
  g_autoptr (ElSealedAudio) audio = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *rid = NULL;
  ElRecorder *recorder;
  Events ev;
  double decoded_s;

  recorder = make_recorder (vault, SINE, &ev, NULL);
  g_assert_true (el_recorder_start (recorder, &error));
  el_test_sleep_main (1500);
  path = g_strdup (el_recorder_get_path (recorder));
  rid = g_strdup (el_recorder_get_recording_id (recorder));
  g_assert_finalize_object (recorder);

  audio = el_sealed_audio_open (vault, path, rid, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (el_sealed_audio_is_complete (audio));
  decoded_s = el_media_test_samples_to_s (el_media_test_decode (audio, NULL));
  g_test_message ("dropped after 1.5 s: decoded %.3f s", decoded_s);
  g_assert_cmpfloat (decoded_s, >=, 1.0);
  g_assert_cmpfloat (decoded_s, <=, 1.7);
}

/* Last: every file this program wrote, byte by byte. */
static void
test_no_ogg (void)
{
  g_autofree char *dir = g_build_filename (base_dir, "recordings", NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  /* The scan means something: the folder holds this program's recordings (sine, silence, pause, max
   * length, stop timeout). */
  g_assert_nonnull (d);
  while (g_dir_read_name (d) != NULL)
    n++;
  g_assert_cmpuint (n, >=, 5);
  assert_no_ogg_on_disk ();
}

int
main (int argc, char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  base_dir = el_test_make_dir ("test-media-recorder-XXXXXX");

  g_test_add_func ("/el/media/recorder/sine", test_sine);
  g_test_add_func ("/el/media/recorder/silence", test_silence);
  g_test_add_func ("/el/media/recorder/pause", test_pause);
  g_test_add_func ("/el/media/recorder/max-length", test_max_length);
  g_test_add_func ("/el/media/recorder/stop-timeout", test_stop_timeout);
  g_test_add_func ("/el/media/recorder/discard", test_discard);
  g_test_add_func ("/el/media/recorder/bad-source", test_bad_source);
  g_test_add_func ("/el/media/recorder/level-moves", test_level_moves);
  g_test_add_func ("/el/media/recorder/dropped-while-recording", test_dropped_while_recording);
  g_test_add_func ("/el/media/recorder/no-ogg-on-disk", test_no_ogg);

  ret = g_test_run ();
  el_test_remove_tree (base_dir);
  g_free (base_dir);
  return ret;
}
