/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-media-recorder: the CPU ElRecorder spends recording (encode + seal + fdatasync per chunk)
 * against gst-launch-1.0 running the same pipeline into a filesink, in the same run.
 *
 * Both record EL_BENCH_RECORD_S seconds (default 20) of a live audiotestsrc that ends by itself
 * (num-buffers), so the work is the same; EL_BENCH_ROUNDS (default 3) rounds alternate between the
 * two and the medians are compared. The recorder's CPU is this process's (getrusage, user +
 * system, every thread) from el_recorder_start() to `finished`; gst-launch's is its child's rusage
 * (wait4). gst-launch also pays its start-up (gst_init, registry, parsing): a run of the same
 * pipeline with one buffer measures that (for both sides), and each run is counted without it. Goal: recorder <= 1.2x baseline. Figures only; never fails on them.
 */
#include "config.h"

#include "el-media-test.h"
#include "el-test-util.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

extern char **environ;

static double
rusage_s (const struct rusage *ru)
{
  return ru->ru_utime.tv_sec + ru->ru_utime.tv_usec / 1e6 + ru->ru_stime.tv_sec + ru->ru_stime.tv_usec / 1e6;
}

static double
self_cpu_s (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return rusage_s (&ru);
}

/* Runs gst-launch-1.0 on @pipeline to completion; returns its CPU seconds (and wall seconds). */
static double
gst_launch_cpu (const char *pipeline, double *wall_s)
{
  g_autofree char *gst_launch = g_find_program_in_path ("gst-launch-1.0");
  g_auto (GStrv) args = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  struct rusage ru;
  gint64 t0;
  pid_t pid;
  int status = 0;
  int argc = 0;

  if (gst_launch == NULL)
    g_error ("bench-media-recorder: gst-launch-1.0 is not installed (gstreamer1.0-tools)");
  if (!g_shell_parse_argv (pipeline, &argc, &args, &error))
    g_error ("bench-media-recorder: %s", error->message);
  g_ptr_array_add (argv, gst_launch);
  g_ptr_array_add (argv, (gpointer) "-q");
  for (int i = 0; i < argc; i++)
    g_ptr_array_add (argv, args[i]);
  g_ptr_array_add (argv, NULL);

  t0 = g_get_monotonic_time ();
  if (posix_spawn (&pid, gst_launch, NULL, NULL, (char **) argv->pdata, environ) != 0)
    g_error ("bench-media-recorder: cannot run gst-launch-1.0: %s", g_strerror (errno));
  while (wait4 (pid, &status, 0, &ru) < 0)
    if (errno != EINTR)
      g_error ("bench-media-recorder: wait4: %s", g_strerror (errno));
  *wall_s = (g_get_monotonic_time () - t0) / 1e6;
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("bench-media-recorder: gst-launch-1.0 failed (%s)", pipeline);
  return rusage_s (&ru);
}

/* One ElRecorder run of @source in this process: CPU seconds (and wall seconds, chunks). */
static double
recorder_cpu (
    ElVault *vault, const char *rec_dir, const char *source, guint timeout_s, double *wall_s, guint *chunks)
{
  g_autoptr (ElRecorder) recorder = el_recorder_new (vault, rec_dir, source);
  g_autoptr (GError) error = NULL;
  double cpu0, cpu;
  gint64 t0;

  cpu0 = self_cpu_s ();
  t0 = g_get_monotonic_time ();
  if (!el_recorder_start (recorder, &error))
    g_error ("bench-media-recorder: %s", error->message);
  if (el_media_test_wait_done (recorder, timeout_s * 1000) != EL_RECORDER_STATE_STOPPED)
    g_error ("bench-media-recorder: the recording did not finish");
  cpu = self_cpu_s () - cpu0;
  if (wall_s != NULL)
    *wall_s = (g_get_monotonic_time () - t0) / 1e6;
  if (chunks != NULL)
    {
      g_autoptr (ElSealedAudio) audio = el_sealed_audio_open (
          vault, el_recorder_get_path (recorder), el_recorder_get_recording_id (recorder), NULL, &error);

      if (audio == NULL)
        g_error ("bench-media-recorder: %s", error->message);
      *chunks = el_sealed_audio_get_n_chunks (audio);
    }
  el_recorder_discard (recorder);
  return cpu;
}

int
main (int argc, char *argv[])
{
  guint seconds = el_test_env_uint ("EL_BENCH_RECORD_S", 20);
  guint rounds = el_test_env_uint ("EL_BENCH_ROUNDS", 3);
  g_autofree char *dir = el_test_make_dir ("bench-media-recorder-XXXXXX");
  g_autofree char *rec_dir = g_build_filename (dir, "recordings", NULL);
  g_autofree char *ogg = g_build_filename (dir, "baseline.ogg", NULL);
  /* 160 samples at 16 kHz: 10 ms per buffer. */
  g_autofree char *source =
      g_strdup_printf ("audiotestsrc is-live=true wave=sine freq=440 samplesperbuffer=160 "
                       "num-buffers=%u",
                       seconds * 100);
  g_autofree char *one_buffer = g_strdup ("audiotestsrc is-live=true wave=sine freq=440 samplesperbuffer=160 "
                                          "num-buffers=1");
  g_autofree char *description = el_recorder_build_pipeline_description (source);
  g_autofree char *description_1 = el_recorder_build_pipeline_description (one_buffer);
  g_autofree char *baseline = g_strdup_printf ("%s ! queue ! filesink location=%s", description, ogg);
  g_autofree char *baseline_1 = g_strdup_printf ("%s ! queue ! filesink location=%s", description_1, ogg);
  g_autoptr (GArray) rec_runs = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) base_runs = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (ElVault) vault = NULL;
  double rec_start, base_start, rec, base, rec_wall = 0, base_wall = 0, unused;
  guint chunks = 0;

  gst_init (&argc, &argv);
  vault = el_media_test_vault ();

  /* Start-up and stop alone (one buffer), for each side. */
  rec_start = recorder_cpu (vault, rec_dir, one_buffer, 30, NULL, NULL);
  base_start = gst_launch_cpu (baseline_1, &unused);
  g_remove (ogg);

  /* Rounds alternate between the two, so a busy machine weighs on both alike; medians. */
  for (guint i = 0; i < rounds; i++)
    {
      double r = recorder_cpu (vault, rec_dir, source, seconds + 30, &rec_wall, &chunks) - rec_start;
      double b = gst_launch_cpu (baseline, &base_wall) - base_start;

      g_remove (ogg);
      r = MAX (r, 1e-3);
      b = MAX (b, 1e-3);
      g_array_append_val (rec_runs, r);
      g_array_append_val (base_runs, b);
      g_print ("round %u: ElRecorder %.3f s CPU (%.2f s wall, %u sealed chunks), gst-launch-1.0 %.3f s CPU "
               "(%.2f s "
               "wall): %.2fx\n",
               i + 1, r, rec_wall, chunks, b, base_wall, r / b);
    }
  rec = el_test_median (rec_runs);
  base = el_test_median (base_runs);

  g_print ("recording %u s of live audio (audiotestsrc, 16 kHz mono Opus 24 kbps); CPU = user + system, each "
           "side's start-up and stop (one-buffer run: ElRecorder %.3f s, gst-launch-1.0 %.3f s) subtracted\n",
           seconds, rec_start, base_start);
  g_print ("ElRecorder (appsink, AES-256-GCM chunks, fdatasync each): median %.3f s (%.2f %% of one core)\n",
           rec, 100.0 * rec / seconds);
  g_print ("gst-launch-1.0, same pipeline to filesink: median %.3f s (%.2f %% of one core)\n", base,
           100.0 * base / seconds);
  g_print ("ratio ElRecorder / gst-launch-1.0: %.2fx over %u rounds; goal <= 1.2x: %s\n", rec / base, rounds,
           rec <= 1.2 * base ? "MET" : "NOT MET");

  el_test_remove_tree (dir);
  return 0;
}
