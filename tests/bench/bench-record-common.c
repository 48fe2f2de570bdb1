/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "bench-record-common.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "el-test-util.h"
#include "speech-test-util.h"

static const char *program_name = "bench-record";
static GSubprocess *xvfb;

void
bench_record_set_name (const char *name)
{
  program_name = name;
}

void
bench_record_die (const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fflush (stdout);
  g_printerr ("%s: FAILED: %s\n", program_name, message);
  exit (1);
}

void
bench_record_say (const char *format, ...)
{
  va_list args;
  g_autofree char *line = NULL;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  g_print ("%s\n", line);
  fflush (stdout);
}

char *
bench_record_require (const char *program, const char *package)
{
  char *path = g_find_program_in_path (program);

  if (path == NULL)
    bench_record_die ("%s is not installed (Debian package %s, listed in .ci/install-deps)", program,
                      package);
  return path;
}

void
bench_record_child_setup (gpointer data)
{
  if (data != NULL)
    setpgid (0, 0);
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

void
bench_record_spin (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

/* ---- the X server ------------------------------------------------------------------------------ */

char *
bench_record_ensure_display (void)
{
  const char *display = g_getenv ("DISPLAY");
  g_autofree char *path = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GError) error = NULL;
  char number[32] = { 0 };
  gsize got = 0;
  int fds[2];
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  char *name;

  if (display != NULL && *display != '\0')
    {
      bench_record_say ("X server: DISPLAY=%s (given)", display);
      return g_strdup (display);
    }
  path = bench_record_require ("Xvfb", "xvfb");
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  if (!g_unix_open_pipe (fds, FD_CLOEXEC, &error))
    bench_record_die ("pipe: %s", error->message);
  g_subprocess_launcher_take_fd (launcher, fds[1], 3);
  g_subprocess_launcher_set_child_setup (launcher, bench_record_child_setup, NULL, NULL);
  xvfb = g_subprocess_launcher_spawn (launcher, &error, path, "-displayfd", "3", "-screen", "0",
                                      "1280x1024x24", "-nolisten", "tcp", NULL);
  if (xvfb == NULL)
    bench_record_die ("could not start Xvfb: %s", error->message);
  /* Xvfb writes the display number it found free, then a newline */
  while (got < sizeof number - 1 && strchr (number, '\n') == NULL)
    {
      struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
      ssize_t n;

      if (g_get_monotonic_time () > deadline)
        bench_record_die ("Xvfb did not report its display in 15 s");
      if (poll (&pfd, 1, 100) <= 0)
        continue;
      n = read (fds[0], number + got, sizeof number - 1 - got);
      if (n <= 0)
        bench_record_die ("Xvfb exited before reporting its display");
      got += (gsize) n;
    }
  close (fds[0]);
  g_strstrip (number);
  name = g_strdup_printf (":%s", number);
  g_setenv ("DISPLAY", name, TRUE);
  bench_record_say ("X server: own Xvfb on %s (1280x1024x24)", name);
  return name;
}

void
bench_record_stop_display (void)
{
  if (xvfb == NULL)
    return;
  g_subprocess_send_signal (xvfb, SIGTERM);
  g_subprocess_wait (xvfb, NULL, NULL);
  g_clear_object (&xvfb);
}

/* ---- PulseAudio -------------------------------------------------------------------------------- */

GSubprocessLauncher *
bench_pulse_launcher (BenchPulse *pulse, GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", pulse->runtime, TRUE);
  g_subprocess_launcher_setenv (launcher, "PULSE_SERVER", pulse->server, TRUE);
  g_subprocess_launcher_set_child_setup (launcher, bench_record_child_setup, NULL, NULL);
  return launcher;
}

static gboolean
pactl_run (BenchPulse *pulse, const char *const *args, char **err)
{
  g_autoptr (GSubprocessLauncher) launcher =
      bench_pulse_launcher (pulse, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;

  g_ptr_array_add (argv, (gpointer) "pactl");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  if (proc == NULL)
    bench_record_die ("pactl: %s", error->message);
  if (!g_subprocess_communicate_utf8 (proc, NULL, NULL, NULL, err, &error))
    bench_record_die ("pactl: %s", error->message);
  return g_subprocess_get_if_exited (proc) && g_subprocess_get_exit_status (proc) == 0;
}

void
bench_pulse_pactl (BenchPulse *pulse, const char *const *args)
{
  g_autofree char *err = NULL;

  if (!pactl_run (pulse, args, &err))
    bench_record_die ("pactl %s failed: %s", args[0], err != NULL ? err : "");
}

BenchPulse *
bench_pulse_start (const char *base_dir)
{
  BenchPulse *pulse = g_new0 (BenchPulse, 1);
  g_autofree char *pulseaudio = bench_record_require ("pulseaudio", "pulseaudio");
  g_autofree char *home = g_build_filename (base_dir, "pulse-home", NULL);
  g_autoptr (GSubprocessLauncher) quiet = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr (GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  const char *const info[] = { "info", NULL };

  g_free (bench_record_require ("pactl", "pulseaudio-utils"));
  g_free (bench_record_require ("paplay", "pulseaudio-utils"));
  g_free (bench_record_require ("pacat", "pulseaudio-utils"));
  pulse->runtime = g_build_filename (base_dir, "pulse-runtime", NULL);
  pulse->server = g_strdup_printf ("unix:%s/pulse/native", pulse->runtime);
  pulse->source = g_strdup_printf ("pulsesrc device=\"speechmic\" server=\"%s\"", pulse->server);
  if (g_mkdir_with_parents (pulse->runtime, 0700) != 0 || g_mkdir_with_parents (home, 0700) != 0)
    bench_record_die ("cannot create %s: %s", pulse->runtime, g_strerror (errno));

  {
    const char *argv[] = {
      pulseaudio,
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

    g_subprocess_launcher_setenv (quiet, "XDG_RUNTIME_DIR", pulse->runtime, TRUE);
    g_subprocess_launcher_setenv (quiet, "HOME", home, TRUE);
    g_subprocess_launcher_set_child_setup (quiet, bench_record_child_setup, NULL, NULL);
    pulse->pulse = g_subprocess_launcher_spawnv (quiet, argv, &error);
    if (pulse->pulse == NULL)
      bench_record_die ("could not start pulseaudio: %s", error->message);
  }
  while (!pactl_run (pulse, info, NULL))
    {
      if (g_get_monotonic_time () > deadline)
        bench_record_die ("the private PulseAudio did not come up within 15 s");
      g_usleep (100000);
    }
  {
    /* a real microphone delivers audio all the time; an idle null sink's monitor does not */
    const char *argv[] = {
      "pacat",        "--playback",     "-d",        "speech_sink", "--raw", "--rate=16000",
      "--channels=1", "--format=s16le", "/dev/zero", NULL
    };
    g_autoptr (GSubprocessLauncher) launcher = bench_pulse_launcher (pulse, G_SUBPROCESS_FLAGS_NONE);

    pulse->zeros = g_subprocess_launcher_spawnv (launcher, argv, &error);
    if (pulse->zeros == NULL)
      bench_record_die ("pacat: %s", error->message);
  }
  {
    const char *const def[] = { "set-default-source", "speechmic", NULL };

    bench_pulse_pactl (pulse, def);
  }
  g_usleep (500000);
  return pulse;
}

GSubprocess *
bench_pulse_play (BenchPulse *pulse, const char *wav_path)
{
  g_autoptr (GSubprocessLauncher) launcher = bench_pulse_launcher (pulse, G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GError) error = NULL;
  const char *argv[] = { "paplay", "-d", "speech_sink", wav_path, NULL };
  GSubprocess *proc = g_subprocess_launcher_spawnv (launcher, argv, &error);

  if (proc == NULL)
    bench_record_die ("paplay: %s", error->message);
  return proc;
}

static void
wait_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

void
bench_pulse_wait_play (GSubprocess *paplay)
{
  gboolean done = FALSE;

  g_subprocess_wait_async (paplay, NULL, wait_done_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  if (!g_subprocess_get_if_exited (paplay) || g_subprocess_get_exit_status (paplay) != 0)
    bench_record_die ("paplay into the virtual microphone failed");
}

void
bench_pulse_stop (BenchPulse *pulse)
{
  if (pulse == NULL)
    return;
  g_subprocess_send_signal (pulse->zeros, SIGTERM);
  g_subprocess_wait (pulse->zeros, NULL, NULL);
  g_subprocess_send_signal (pulse->pulse, SIGTERM);
  g_subprocess_wait (pulse->pulse, NULL, NULL);
  g_clear_object (&pulse->zeros);
  g_clear_object (&pulse->pulse);
  g_free (pulse->runtime);
  g_free (pulse->server);
  g_free (pulse->source);
  g_free (pulse);
}

/* ---- the handoff ---------------------------------------------------------------------------------- */

/* A new handoff of @patient_id for the signed-in nurse, in the cache (pushed by sync). */
char *
bench_record_create_handoff (ElContext *ctx, const char *patient_id)
{
  ElUser *user = el_context_get_user (ctx);
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format_iso8601 (now);
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *json = NULL;
  g_autoptr (ElHandoff) handoff = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *created = NULL;

  json =
      g_strdup_printf ("{\"id\":\"%s\",\"patient_id\":\"%s\",\"unit_id\":\"%s\",\"status\":\"draft\","
                       "\"shift_date\":\"%s\",\"shift\":\"day\",\"created_by\":\"%s\","
                       "\"created_at\":\"%s\",\"updated_at\":\"%s\",\"latest_version\":0}",
                       id, patient_id, el_user_get_unit_id (user), date, el_user_get_id (user), stamp, stamp);
  handoff = el_handoff_new_from_data (json, -1, &error);
  if (handoff == NULL)
    bench_record_die ("handoff JSON: %s", error->message);
  el_store_create_handoff_async (el_context_get_store (ctx), handoff, NULL, el_test_result_cb, &result);
  created = el_store_create_handoff_finish (el_context_get_store (ctx), el_test_wait_for (&result), &error);
  if (created == NULL)
    bench_record_die ("creating the handoff in the cache: %s", error->message);
  return g_steal_pointer (&id);
}

/* ---- the spoken handoff ------------------------------------------------------------------------ */

static void
put_le32 (guint8 *at, guint32 value)
{
  for (guint i = 0; i < 4; i++)
    at[i] = (guint8) (value >> (8 * i));
}

double
bench_record_make_handoff_wav (
    const char *tmp, double target_s, gboolean exact, const char *wav_path, guint *n_texts)
{
  g_autoptr (GPtrArray) paths = speech_test_text_paths ();
  g_autoptr (GPtrArray) wavs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GBytes) all = NULL;
  g_autoptr (GError) error = NULL;
  /* 16 kHz mono 16-bit: 32000 bytes a second after the 44-byte header */
  gsize target = (gsize) (target_s * 32000) & ~(gsize) 1;
  gsize pcm_bytes = 0, size;
  guint8 *data;
  guint n = 0;

  g_free (bench_record_require ("espeak-ng", "espeak-ng"));
  g_free (bench_record_require ("sox", "sox"));
  if (paths->len == 0)
    bench_record_die ("no tests/data/speech/handoff-*.txt (EL_SOURCE_ROOT unset? run it through meson test)");
  for (guint i = 0; pcm_bytes < target; i++)
    {
      const char *path = g_ptr_array_index (paths, i % paths->len);
      g_autofree char *text = speech_test_read_text (path);
      g_autofree char *name = g_strdup_printf ("handoff-%u", i);
      GBytes *wav = i < paths->len ? speech_test_synthesise (text, tmp, name, &error)
                                   : g_bytes_ref (g_ptr_array_index (wavs, i % paths->len));
      gsize more;

      if (wav == NULL)
        bench_record_die ("espeak-ng / sox: %s", error->message);
      more = g_bytes_get_size (wav) - 44;
      /* whole texts: stop before one that would take the length further from the target */
      if (!exact && n > 0 && pcm_bytes + more > target && pcm_bytes + more - target > target - pcm_bytes)
        {
          g_bytes_unref (wav);
          break;
        }
      pcm_bytes += more;
      g_ptr_array_add (wavs, wav);
      n++;
    }
  all = speech_test_concat_wav (wavs);
  data = g_bytes_unref_to_data (g_steal_pointer (&all), &size);
  if (exact && size - 44 > target)
    {
      /* cut to the target: the RIFF and data sizes of the 44-byte header follow */
      size = 44 + target;
      put_le32 (data + 4, (guint32) (size - 8));
      put_le32 (data + 40, (guint32) target);
    }
  if (!g_file_set_contents (wav_path, (const char *) data, (gssize) size, &error))
    bench_record_die ("writing %s: %s", wav_path, error->message);
  g_free (data);
  if (n_texts != NULL)
    *n_texts = n;
  return (size - 44) / 32000.0;
}
