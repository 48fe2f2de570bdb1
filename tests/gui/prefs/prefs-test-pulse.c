/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-test-util.h"
#include "prefs-test-pulse.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>

struct _PrefsTestPulse
{
  char *base;
  GSubprocess *daemon;
};

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
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
require_tool (const char *name)
{
  g_autofree char *path = g_find_program_in_path (name);

  if (path == NULL)
    g_error ("%s is not installed: the microphone list test needs pulseaudio and pulseaudio-utils (see "
             "TESTING.md)",
             name);
}

PrefsTestPulse *
prefs_test_pulse_start (char **server)
{
  PrefsTestPulse *pulse = g_new0 (PrefsTestPulse, 1);
  g_autofree char *runtime = NULL;
  g_autofree char *home = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocessLauncher) quiet = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *address = NULL;
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  const char *argv[] = {
    "pulseaudio",
    "-n",
    "--daemonize=no",
    "--exit-idle-time=-1",
    "--log-level=error",
    "--disable-shm=yes",
    "--load=module-native-protocol-unix",
    "--load=module-null-sink sink_name=speech_sink rate=16000 channels=1",
    "--load=module-remap-source master=speech_sink.monitor source_name=" PREFS_TEST_MIC_NAME
    " channels=1 source_properties='device.description=\"" PREFS_TEST_MIC_DESCRIPTION "\"'",
    NULL
  };

  require_tool ("pulseaudio");
  require_tool ("pactl");

  pulse->base = el_test_make_dir ("test-prefs-pulse-XXXXXX");
  runtime = g_build_filename (pulse->base, "runtime", NULL);
  home = g_build_filename (pulse->base, "home", NULL);
  g_assert_cmpint (g_mkdir (runtime, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (home, 0700), ==, 0);
  address = g_strdup_printf ("unix:%s/pulse/native", runtime);

  quiet = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_setenv (quiet, "XDG_RUNTIME_DIR", runtime, TRUE);
  g_subprocess_launcher_setenv (quiet, "HOME", home, TRUE);
  g_subprocess_launcher_unsetenv (quiet, "PULSE_SERVER");
  /* No session bus: a PulseAudio that cannot own org.PulseAudio1 there (another test's private
   * one, run in parallel) exits; without a bus it runs. */
  g_subprocess_launcher_unsetenv (quiet, "DBUS_SESSION_BUS_ADDRESS");
  g_subprocess_launcher_unsetenv (quiet, "DISPLAY");
  g_subprocess_launcher_set_child_setup (quiet, die_with_parent, NULL, NULL);
  pulse->daemon = g_subprocess_launcher_spawnv (quiet, argv, &error);
  g_assert_no_error (error);

  launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime, TRUE);
  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "PULSE_SERVER", address, TRUE);
  while (!pactl_ready (launcher))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("the private PulseAudio did not come up within 15 s");
      g_usleep (100000);
    }
  *server = g_steal_pointer (&address);
  return pulse;
}

void
prefs_test_pulse_stop (PrefsTestPulse *pulse)
{
  if (pulse == NULL)
    return;
  g_subprocess_force_exit (pulse->daemon);
  g_subprocess_wait (pulse->daemon, NULL, NULL);
  g_object_unref (pulse->daemon);
  el_test_remove_tree (pulse->base);
  g_free (pulse->base);
  g_free (pulse);
}
