/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ElRecorder on a virtual microphone: a private PulseAudio (null sink + remapped monitor source,
 * TESTING.md) fed with espeak-ng speech through paplay. No skips: without pulseaudio, pactl,
 * paplay, espeak-ng or sox the test fails and says which is missing (CI installs them). */
#include "config.h"

#include "el-media-test.h"
#include "el-test-util.h"

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#define SPEECH_TEXT                                                                                          \
  "Situation. This is the handoff for the patient in bed four. Background. Admitted yesterday with "         \
  "pneumonia. Assessment. Blood pressure one hundred thirty two over eighty four, temperature thirty eight " \
  "point four. Recommendation. Recheck the temperature at twenty two hundred."

typedef struct
{
  double max_rms;
  double max_rms_before_speech;
  gboolean speaking;
  guint notifies;
} Levels;

static void
rms_notify_cb (ElRecorder *recorder, GParamSpec *pspec, Levels *levels)
{
  double rms = el_recorder_get_level_rms_db (recorder);

  levels->notifies++;
  if (levels->speaking)
    levels->max_rms = MAX (levels->max_rms, rms);
  else
    levels->max_rms_before_speech = MAX (levels->max_rms_before_speech, rms);
}

/* The private PulseAudio dies with the test, even when an assertion aborts it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
require_tool (const char *name)
{
  g_autofree char *path = g_find_program_in_path (name);

  if (path == NULL)
    g_error ("%s is not installed: the virtual microphone test needs pulseaudio, pulseaudio-utils (pactl, "
             "paplay), espeak-ng and sox (see TESTING.md)",
             name);
}

/* Runs a program to completion in @launcher's environment; fails the test unless it exits 0. */
static char *
run (GSubprocessLauncher *launcher, const char *const *argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (proc) || g_subprocess_get_exit_status (proc) != 0)
    g_error ("%s failed: %s", argv[0], err != NULL ? err : "");
  return g_steal_pointer (&out);
}

static gboolean
pactl_ready (GSubprocessLauncher *launcher)
{
  const char *argv[] = { "pactl", "info", NULL };
  g_autoptr (GSubprocess) proc = g_subprocess_launcher_spawnv (launcher, argv, NULL);

  return proc != NULL && g_subprocess_wait (proc, NULL, NULL) && g_subprocess_get_if_exited (proc) &&
         g_subprocess_get_exit_status (proc) == 0;
}

static void
paplay_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *done = TRUE;
}

static void
test_virtual_microphone (void)
{
  g_autoptr (ElVault) vault = el_media_test_vault ();
  g_autofree char *base = el_test_make_dir ("test-media-vmic-XXXXXX");
  g_autofree char *runtime = g_build_filename (base, "runtime", NULL);
  g_autofree char *home = g_build_filename (base, "home", NULL);
  g_autofree char *rec_dir = g_build_filename (base, "recordings", NULL);
  g_autofree char *raw_wav = g_build_filename (base, "speech.wav", NULL);
  g_autofree char *wav = g_build_filename (base, "speech16k.wav", NULL);
  g_autofree char *server = NULL;
  g_autofree char *speech_len = NULL;
  g_autofree char *device = NULL;
  g_autofree char *source = NULL;
  g_autofree char *ogg = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) pulse = NULL;
  g_autoptr (GSubprocess) paplay = NULL;
  g_autoptr (GSubprocess) zeros = NULL;
  g_autoptr (ElRecorder) recorder = NULL;
  g_autoptr (ElSealedAudio) audio = NULL;
  g_autoptr (GError) error = NULL;
  Levels levels = { EL_RECORDER_MIN_DB, EL_RECORDER_MIN_DB, FALSE, 0 };
  gboolean played = FALSE;
  gint64 t0, t1;
  double speech_s, wall_s, decoded_s;
  gint peak = 0;

  require_tool ("pulseaudio");
  require_tool ("pactl");
  require_tool ("paplay");
  require_tool ("pacat");
  require_tool ("espeak-ng");
  require_tool ("sox");
  require_tool ("soxi");

  g_assert_cmpint (g_mkdir (runtime, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (home, 0700), ==, 0);
  server = g_strdup_printf ("unix:%s/pulse/native", runtime);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime, TRUE);
  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "PULSE_SERVER", server, TRUE);

  /* Speech: espeak-ng, then 16 kHz mono 16-bit. */
  {
    const char *espeak[] = { "espeak-ng", "-v", "en-us", "-s", "150", "-w", raw_wav, SPEECH_TEXT, NULL };
    const char *sox[] = { "sox", "-R", raw_wav, "-r", "16000", "-c", "1", "-b", "16", wav, NULL };
    const char *soxi[] = { "soxi", "-D", wav, NULL };

    g_free (run (launcher, espeak));
    g_free (run (launcher, sox));
    speech_len = run (launcher, soxi);
    speech_s = g_ascii_strtod (speech_len, NULL);
    g_assert_cmpfloat (speech_s, >, 5.0);
  }

  /* A private PulseAudio with the virtual microphone "speechmic". */
  {
    const char *argv[] = {
      "pulseaudio",
      "-n",
      "--daemonize=no",
      "--exit-idle-time=-1",
      "--log-level=error",
      "--disable-shm=yes",
      "--load=module-native-protocol-unix",
      "--load=module-null-sink sink_name=speech_sink rate=16000 channels=1",
      "--load=module-remap-source master=speech_sink.monitor source_name=speechmic channels=1",
      NULL
    };
    g_autoptr (GSubprocessLauncher) quiet = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
    gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

    g_subprocess_launcher_setenv (quiet, "XDG_RUNTIME_DIR", runtime, TRUE);
    g_subprocess_launcher_setenv (quiet, "HOME", home, TRUE);
    g_subprocess_launcher_set_child_setup (quiet, die_with_parent, NULL, NULL);
    pulse = g_subprocess_launcher_spawnv (quiet, argv, &error);
    g_assert_no_error (error);
    while (!pactl_ready (launcher))
      {
        if (g_get_monotonic_time () > deadline)
          g_error ("the private PulseAudio did not come up within 15 s");
        g_usleep (100000);
      }
  }

  /* A real microphone delivers audio all the time; an idle null sink's monitor does not. Keep the
   * sink busy with a stream of digital silence (PulseAudio mixes the speech into it). */
  {
    const char *argv[] = {
      "pacat",        "--playback",     "-d",        "speech_sink", "--raw", "--rate=16000",
      "--channels=1", "--format=s16le", "/dev/zero", NULL
    };

    g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
    zeros = g_subprocess_launcher_spawnv (launcher, argv, &error);
    g_assert_no_error (error);
    g_usleep (500000);
  }

  /* Record from the virtual microphone; pulsesrc in this process talks to the private server (its
   * server property rather than PULSE_SERVER: no setenv once GStreamer's threads run). */
  device = el_recorder_source_for_device ("speechmic");
  g_assert_cmpstr (device, ==, "pulsesrc device=\"speechmic\"");
  source = g_strdup_printf ("%s server=\"%s\"", device, server);
  recorder = el_recorder_new (vault, rec_dir, source);
  g_signal_connect (recorder, "notify::level-rms-db", G_CALLBACK (rms_notify_cb), &levels);
  t0 = g_get_monotonic_time ();
  g_assert_true (el_recorder_start (recorder, &error));
  g_assert_no_error (error);
  el_test_sleep_main (1000);

  /* Speak into it. */
  {
    const char *argv[] = { "paplay", "-d", "speech_sink", wav, NULL };

    levels.speaking = TRUE;
    paplay = g_subprocess_launcher_spawnv (launcher, argv, &error);
    g_assert_no_error (error);
    g_subprocess_wait_async (paplay, NULL, paplay_done_cb, &played);
    while (!played)
      g_main_context_iteration (NULL, TRUE);
    g_assert_true (g_subprocess_get_if_exited (paplay));
    g_assert_cmpint (g_subprocess_get_exit_status (paplay), ==, 0);
  }
  el_test_sleep_main (3000); /* PulseAudio holds about 2 s */
  t1 = g_get_monotonic_time ();
  {
    GAsyncResult *result = NULL;

    el_recorder_stop_async (recorder, NULL, el_test_result_cb, &result);
    g_assert_true (el_recorder_stop_finish (recorder, el_test_wait_for (&result), &error));
    g_assert_no_error (error);
    g_clear_object (&result);
  }
  wall_s = (double) (t1 - t0) / G_USEC_PER_SEC;

  audio = el_sealed_audio_open (vault, el_recorder_get_path (recorder),
                                el_recorder_get_recording_id (recorder), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (el_sealed_audio_is_complete (audio));
  decoded_s = el_media_test_samples_to_s (el_media_test_decode (audio, &peak));
  g_test_message ("speech %.2f s; recorded %.3f s wall, %.3f s decoded; rms before speech %.1f dB, while "
                  "speaking up to %.1f dB; decoded peak %d; %u level updates",
                  speech_s, wall_s, decoded_s, levels.max_rms_before_speech, levels.max_rms, peak,
                  levels.notifies);
  /* PulseAudio's virtual source starts delivering about 1.5 s after the stream is created (measured
   * here: the recording holds the speech plus the 3 s after it, not the second before it), so the
   * wall time is an upper bound; the speech and what followed it must all be there. */
  g_assert_cmpfloat (decoded_s, <=, wall_s + 0.2);
  g_assert_cmpfloat (decoded_s, >=, speech_s + 2.5);
  g_assert_cmpfloat (ABS (el_recorder_get_duration_ms (recorder) / 1000.0 - decoded_s), <=, 0.05);
  g_assert_cmpfloat (levels.max_rms_before_speech, <, -60.0);
  g_assert_cmpfloat (levels.max_rms, >, -40.0);
  g_assert_cmpint (peak, >, 3000);
  g_assert_cmpuint (levels.notifies, >=, (guint) (wall_s * 10));

  ogg = el_media_test_find_ogg (base);
  if (ogg != NULL)
    g_error ("plaintext Ogg bytes on disk: %s", ogg);

  g_subprocess_send_signal (zeros, SIGTERM);
  g_subprocess_wait (zeros, NULL, NULL);
  g_subprocess_send_signal (pulse, SIGTERM);
  g_subprocess_wait (pulse, NULL, NULL);
  el_test_remove_tree (base);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

  g_test_add_func ("/el/media/vmic/espeak-into-pulseaudio", test_virtual_microphone);

  return g_test_run ();
}
