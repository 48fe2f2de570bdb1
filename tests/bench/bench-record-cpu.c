/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bench-record-cpu (issue 7): the CPU the app spends recording, next to GNOME Sound Recorder
 * (Debian `gnome-sound-recorder`) recording the same PulseAudio virtual microphone at the same time,
 * on the same X server, in the same run. Printed, never asserted; a missing tool
 * (gnome-sound-recorder, xdotool, Xvfb, pulseaudio, pactl/paplay/pacat, espeak-ng, sox), a D-Bus
 * session missing, or either app not recording fails the benchmark.
 *
 * Run it like CI runs the gui suite (a D-Bus session with an unlocked keyring, under Xvfb):
 *
 *   cd /tmp && HOME=$(mktemp -d) && mkdir -p $HOME/rt && chmod 700 $HOME/rt && \
 *     HOME=$HOME XDG_RUNTIME_DIR=$HOME/rt dbus-run-session -- sh -c \
 *     'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; \
 *      exec xvfb-run -a -s "-screen 0 1280x1024x24" \
 *      meson test -C BUILD --benchmark --suite gui --print-errorlogs -v bench-record-cpu'
 *
 * Without DISPLAY it starts its own Xvfb. EL_BENCH_RECORD_S (default 60): the spoken audio's
 * minimum length; EL_BENCH_IDLE_S (default 10): the idle window; EL_BENCH_GSR_PROFILE
 * (default "opus") and EL_BENCH_GSR_CHANNEL (default "mono"): Sound Recorder's format settings
 * (its own defaults are flac / stereo).
 *
 * The two recorders, each a process of its own with the same environment (HOME and XDG dirs of its
 * own, DISPLAY, GDK_BACKEND=x11, GSK_RENDERER=cairo, GTK_A11Y=none, NO_AT_BRIDGE=1, PULSE_SERVER of
 * the private PulseAudio whose default source is the virtual microphone; G_DEBUG and MALLOC_* of the
 * test environment removed):
 * - eclipselink: this program run again as `bench-record-cpu --child URL PATIENT_ID` — GTK and
 *   libadwaita on X, an ElContext signed in as nurse.a (real keyring, SQLite cache) on a local
 *   eclipselink-server (demo hospital), and a window showing the app's ElRecordView recording a new
 *   handoff of one of her patients from the virtual microphone (ElRecorder: Opus 24 kbps mono 16 kHz,
 *   sealed AES-256-GCM chunks, fdatasync each; the timer and the level meter drawn). Its sync is not
 *   started: only the recording is measured.
 * - gnome-sound-recorder: started with its window; recording starts with its own Ctrl+R shortcut
 *   (`recorder.start`) sent by xdotool (XTEST) to its focused window — its recorder actions are not
 *   exported on D-Bus — and stops with its `s` shortcut. It records the default source (the virtual
 *   microphone) with encodebin, the waveform drawn.
 * Both are checked to be capturing: PulseAudio must list a source-output of each process (by its
 * application.process.id) before the window opens.
 *
 * The measured windows: CPU = utime + stime of the process and every descendant (/proc/PID/stat,
 * waited-for children included through cutime + cstime), read at the start and the end of the window:
 * - idle: EL_BENCH_IDLE_S with both windows open, not recording;
 * - recording: both recording, from the start of paplay of the spoken handoff into the microphone
 *   to its end (the same ~60 s for both).
 * Printed: CPU seconds, % of one core (CPU / wall), and the ratio eclipselink / Sound Recorder.
 */
#include "config.h"

#include <errno.h>
#include <gio/gunixinputstream.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "bench-record-common.h"
#include "el-gui-test.h"
#include "el-record-view.h"

#define GSR_BUS_ID "org.gnome.SoundRecorder"

/* ---- the child: ElRecordView in a process of its own -------------------------------------------- */

static gboolean stop_asked;

static void
line_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree char *line =
      g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, NULL, NULL);

  (void) user_data;
  /* "stop", or the parent went away */
  stop_asked = TRUE;
}

static int
child_main (const char *url, const char *patient_id)
{
  /* under its own XDG_DATA_HOME, inside the parent's folder */
  g_autofree char *data_dir = g_build_filename (g_get_user_data_dir (), "eclipselink", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElContext) ctx = NULL;
  g_autoptr (ElUser) user = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GSettings) settings = NULL;
  g_autoptr (GInputStream) in = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  g_autoptr (GDataInputStream) lines = g_data_input_stream_new (in);
  g_autofree char *handoff_id = NULL;
  const char *source = g_getenv ("EL_BENCH_SOURCE");
  GtkWidget *view;
  GtkWindow *window;
  gint64 deadline;

  bench_record_set_name ("bench-record-cpu (child)");
  g_mkdir_with_parents (data_dir, 0700);
  if (!gtk_init_check ())
    bench_record_die ("GTK cannot open the display");
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);
  gst_init (NULL, NULL);

  ctx = el_context_new (url, data_dir, &error);
  if (ctx == NULL)
    bench_record_die ("el_context_new: %s", error->message);
  el_context_sign_in_async (ctx, EL_TEST_DEMO_NURSE_A, EL_GUI_TEST_PASSWORD, NULL, el_test_result_cb,
                            &result);
  user = el_context_sign_in_finish (ctx, el_test_wait_for (&result), NULL, &error);
  if (user == NULL)
    bench_record_die ("signing in (is the keyring unlocked?): %s", error->message);
  handoff_id = bench_record_create_handoff (ctx, patient_id);

  settings = g_settings_new ("ai.eclipselink.Handoff");
  /* after stop nothing is drafted on this PC (the measurement is over by then anyway) */
  g_settings_set_string (settings, "transcription-mode", "server");
  view = el_record_view_new (ctx, settings);
  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_title (window, "eclipselink record view");
  gtk_window_set_default_size (window, 800, 600);
  gtk_window_set_child (window, view);
  gtk_window_present (window);
  bench_record_spin (500);

  g_print ("window\n");
  fflush (stdout);
  /* wait for "record" */
  {
    g_autofree char *line = g_data_input_stream_read_line (lines, NULL, NULL, &error);

    if (g_strcmp0 (line, "record") != 0)
      bench_record_die ("expected \"record\" from the parent");
  }
  el_record_view_set_source (EL_RECORD_VIEW (view), source);
  el_record_view_start (EL_RECORD_VIEW (view), handoff_id);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (el_record_view_get_state (EL_RECORD_VIEW (view)) != EL_RECORD_VIEW_RECORDING)
    {
      if (el_record_view_get_state (EL_RECORD_VIEW (view)) == EL_RECORD_VIEW_FAILED ||
          g_get_monotonic_time () > deadline)
        bench_record_die ("the record view did not start recording: %s",
                          el_record_view_get_progress_text (EL_RECORD_VIEW (view)));
      bench_record_spin (20);
    }
  g_print ("recording\n");
  fflush (stdout);

  g_data_input_stream_read_line_async (lines, G_PRIORITY_DEFAULT, NULL, line_cb, NULL);
  while (!stop_asked)
    g_main_context_iteration (NULL, TRUE);
  if (el_record_view_get_state (EL_RECORD_VIEW (view)) != EL_RECORD_VIEW_RECORDING)
    bench_record_die ("the record view stopped recording by itself: %s",
                      el_record_view_get_progress_text (EL_RECORD_VIEW (view)));
  el_record_view_stop (EL_RECORD_VIEW (view));
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (el_record_view_get_state (EL_RECORD_VIEW (view)) == EL_RECORD_VIEW_RECORDING ||
         el_record_view_get_state (EL_RECORD_VIEW (view)) == EL_RECORD_VIEW_PAUSED)
    {
      if (g_get_monotonic_time () > deadline)
        bench_record_die ("the record view did not stop");
      bench_record_spin (20);
    }
  g_print ("stopped %" G_GINT64_FORMAT "\n", el_record_view_get_duration_ms (EL_RECORD_VIEW (view)));
  fflush (stdout);
  /* the parent ends this process; the data dir goes with the parent's folder */
  for (;;)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}

/* ---- the parent -------------------------------------------------------------------------------- */

typedef struct
{
  const char *name;
  GSubprocess *proc;
  GPid pid;
  char *home;
  GDataInputStream *out; /* the child's stdout (eclipselink) */
  GOutputStream *in;     /* the child's stdin (eclipselink) */
  double cpu0;
  double main0; /* its main thread (GTK: input, layout, drawing) */
} App;

/* utime + stime + cutime + cstime of @pid, in seconds; -1 when it is gone. */
static double
proc_cpu (GPid pid, GPid *ppid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *text = NULL;
  g_auto (GStrv) fields = NULL;
  const char *after;
  double ticks = (double) sysconf (_SC_CLK_TCK);

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return -1;
  /* the command name may hold spaces: fields start after its closing ')' */
  after = strrchr (text, ')');
  if (after == NULL)
    return -1;
  fields = g_strsplit (after + 2, " ", -1);
  if (g_strv_length (fields) < 15)
    return -1;
  /* after ')': state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17), counted from 3 */
  if (ppid != NULL)
    *ppid = (GPid) g_ascii_strtoll (fields[1], NULL, 10);
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL) +
          g_ascii_strtod (fields[13], NULL) + g_ascii_strtod (fields[14], NULL)) /
         ticks;
}

/* The CPU seconds of @root and all its descendants now. */
static double
tree_cpu (GPid root)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc", 0, NULL);
  g_autoptr (GHashTable) parent = g_hash_table_new (NULL, NULL);
  g_autoptr (GHashTable) cpu = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  const char *name;
  double total = 0;
  GHashTableIter iter;
  gpointer key, value;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      GPid pid = (GPid) g_ascii_strtoll (name, NULL, 10), ppid = 0;
      double s;

      if (pid <= 0 || (s = proc_cpu (pid, &ppid)) < 0)
        continue;
      g_hash_table_insert (parent, GINT_TO_POINTER (pid), GINT_TO_POINTER (ppid));
      g_hash_table_insert (cpu, GINT_TO_POINTER (pid), g_memdup2 (&s, sizeof s));
    }
  g_hash_table_iter_init (&iter, cpu);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPid p = GPOINTER_TO_INT (key);

      for (guint depth = 0; p > 1 && depth < 64; depth++)
        {
          if (p == root)
            {
              total += *(double *) value;
              break;
            }
          p = GPOINTER_TO_INT (g_hash_table_lookup (parent, GINT_TO_POINTER (p)));
        }
    }
  if (!g_hash_table_contains (cpu, GINT_TO_POINTER (root)))
    bench_record_die ("the process %d ended while it was measured", (int) root);
  return total;
}

static char **
app_environ (const char *home, BenchPulse *pulse, const char *display)
{
  static const char *const drop[] = {
    "G_DEBUG",         "G_SLICE",   "G_MESSAGES_DEBUG", "MALLOC_CHECK_", "MALLOC_PERTURB_",
    "WAYLAND_DISPLAY", "GTK_DEBUG", "GSK_DEBUG",        "GDK_DEBUG",     "GTK_THEME",
  };
  char **env = g_get_environ ();
  struct
  {
    const char *name, *sub;
  } dirs[] = {
    { "HOME", "" },
    { "XDG_CONFIG_HOME", "config" },
    { "XDG_DATA_HOME", "data" },
    { "XDG_CACHE_HOME", "cache" },
    { "XDG_STATE_HOME", "state" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (drop); i++)
    env = g_environ_unsetenv (env, drop[i]);
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *dir = g_build_filename (home, dirs[i].sub, NULL);

      g_mkdir_with_parents (dir, 0700);
      env = g_environ_setenv (env, dirs[i].name, dir, TRUE);
    }
  env = g_environ_setenv (env, "DISPLAY", display, TRUE);
  env = g_environ_setenv (env, "GDK_BACKEND", "x11", TRUE);
  env = g_environ_setenv (env, "GSK_RENDERER", "cairo", TRUE);
  env = g_environ_setenv (env, "GTK_A11Y", "none", TRUE);
  env = g_environ_setenv (env, "NO_AT_BRIDGE", "1", TRUE);
  env = g_environ_setenv (env, "GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  env = g_environ_setenv (env, "PULSE_SERVER", pulse->server, TRUE);
  return env;
}

static char *
read_child_line (App *app)
{
  g_autoptr (GError) error = NULL;
  char *line = g_data_input_stream_read_line (app->out, NULL, NULL, &error);

  if (line == NULL)
    bench_record_die ("the eclipselink child ended early (%s); its messages are above",
                      error != NULL ? error->message : "end of output");
  return line;
}

static void
write_child_line (App *app, const char *line)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("%s\n", line);

  if (!g_output_stream_write_all (app->in, text, strlen (text), NULL, NULL, &error) ||
      !g_output_stream_flush (app->in, NULL, &error))
    bench_record_die ("writing to the eclipselink child: %s", error->message);
}

static void
start_eclipselink (App *app,
                   const char *self_path,
                   const char *url,
                   const char *patient_id,
                   BenchPulse *pulse,
                   const char *display)
{
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_auto (GStrv) env = app_environ (app->home, pulse, display);
  g_autoptr (GError) error = NULL;

  /* GSettings in memory, the build's schemas (test_env's), inherited */
  env = g_environ_setenv (env, "EL_BENCH_SOURCE", pulse->source, TRUE);
  g_subprocess_launcher_set_environ (launcher, env);
  g_subprocess_launcher_set_child_setup (launcher, bench_record_child_setup, GINT_TO_POINTER (TRUE), NULL);
  app->proc = g_subprocess_launcher_spawn (launcher, &error, self_path, "--child", url, patient_id, NULL);
  if (app->proc == NULL)
    bench_record_die ("starting the eclipselink child: %s", error->message);
  app->pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (app->proc), NULL, 10);
  app->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (app->proc));
  app->in = g_object_ref (g_subprocess_get_stdin_pipe (app->proc));
  g_free (read_child_line (app)); /* "window" */
}

static void
write_gsr_settings (const char *home)
{
  g_autofree char *dir = g_build_filename (home, "config", "glib-2.0", "settings", NULL);
  g_autofree char *path = g_build_filename (dir, "keyfile", NULL);
  const char *profile = g_getenv ("EL_BENCH_GSR_PROFILE");
  const char *channel = g_getenv ("EL_BENCH_GSR_CHANNEL");
  g_autofree char *text =
      g_strdup_printf ("[org/gnome/SoundRecorder]\naudio-profile='%s'\naudio-channel='%s'\n",
                       profile != NULL ? profile : "opus", channel != NULL ? channel : "mono");
  g_autoptr (GError) error = NULL;

  g_mkdir_with_parents (dir, 0700);
  if (!g_file_set_contents (path, text, -1, &error))
    bench_record_die ("writing %s: %s", path, error->message);
}

static void
start_gsr (App *app, const char *path, BenchPulse *pulse, const char *display, const char *tmp)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_auto (GStrv) env = app_environ (app->home, pulse, display);
  g_autofree char *log = g_build_filename (tmp, "gnome-sound-recorder.log", NULL);
  g_autoptr (GError) error = NULL;

  write_gsr_settings (app->home);
  env = g_environ_setenv (env, "GSETTINGS_BACKEND", "keyfile", TRUE);
  env = g_environ_unsetenv (env, "GSETTINGS_SCHEMA_DIR");
  g_subprocess_launcher_set_environ (launcher, env);
  g_subprocess_launcher_set_stdout_file_path (launcher, log);
  g_subprocess_launcher_set_child_setup (launcher, bench_record_child_setup, GINT_TO_POINTER (TRUE), NULL);
  app->proc = g_subprocess_launcher_spawn (launcher, &error, path, NULL);
  if (app->proc == NULL)
    bench_record_die ("starting gnome-sound-recorder: %s", error->message);
  app->pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (app->proc), NULL, 10);
}

/* Runs a program; its stdout (NULL when it fails and @must is FALSE). */
static char *
run_out (const char *const *argv, gboolean must)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status,
                     &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      if (must)
        bench_record_die ("%s: %s %s", argv[0], error->message, err != NULL ? err : "");
      return NULL;
    }
  return g_steal_pointer (&out);
}

/* Whether PulseAudio has a source-output (a recording stream) of process @pid. */
static gboolean
pulse_records (BenchPulse *pulse, GPid pid)
{
  const char *argv[] = { "pactl", "list", "source-outputs", NULL };
  g_autoptr (GSubprocessLauncher) launcher = bench_pulse_launcher (pulse, G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr (GSubprocess) proc = g_subprocess_launcher_spawnv (launcher, argv, NULL);
  g_autofree char *out = NULL;
  g_autofree char *needle = g_strdup_printf ("application.process.id = \"%d\"", (int) pid);

  if (proc == NULL || !g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL, NULL))
    bench_record_die ("pactl list source-outputs failed");
  return out != NULL && strstr (out, needle) != NULL;
}

/* Sound Recorder's top-level windows (xdotool search --pid), waiting up to 30 s for one. */
static GStrv
gsr_windows (App *app)
{
  g_autofree char *pid = g_strdup_printf ("%d", (int) app->pid);
  const char *argv[] = { "xdotool", "search", "--onlyvisible", "--pid", pid, NULL };
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autofree char *out = run_out (argv, FALSE);

      if (out != NULL && *g_strstrip (out) != '\0')
        return g_strsplit (out, "\n", -1);
      if (g_get_monotonic_time () > deadline)
        bench_record_die ("gnome-sound-recorder showed no window in 30 s");
      g_usleep (200000);
    }
}

/* Focus one of its windows and send @keys (xdotool, XTEST); TRUE when @done turns TRUE after it. */
static gboolean
gsr_keys (App *app, const char *keys, BenchPulse *pulse, gboolean want_recording)
{
  g_auto (GStrv) windows = gsr_windows (app);

  /* the last one listed is the application window (the first can be GTK's hidden leader) */
  for (int i = (int) g_strv_length (windows) - 1; i >= 0; i--)
    {
      const char *focus[] = { "xdotool", "windowfocus", "--sync", windows[i], NULL };
      const char *key[] = { "xdotool", "key", "--clearmodifiers", keys, NULL };
      gint64 deadline;

      g_free (run_out (focus, FALSE));
      g_usleep (200000);
      g_free (run_out (key, TRUE));
      deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
      while (g_get_monotonic_time () < deadline)
        {
          if (pulse_records (pulse, app->pid) == want_recording)
            return TRUE;
          g_usleep (100000);
        }
    }
  return FALSE;
}

/* utime + stime of the main thread of @pid (its task whose id is the pid). */
static double
main_thread_cpu (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/task/%d/stat", (int) pid, (int) pid);
  g_autofree char *text = NULL;
  g_auto (GStrv) fields = NULL;
  const char *after;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (after = strrchr (text, ')')) == NULL)
    bench_record_die ("reading %s", path);
  fields = g_strsplit (after + 2, " ", -1);
  if (g_strv_length (fields) < 13)
    bench_record_die ("reading %s", path);
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) /
         (double) sysconf (_SC_CLK_TCK);
}

static void
window_begin (App *apps, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      apps[i].cpu0 = tree_cpu (apps[i].pid);
      apps[i].main0 = main_thread_cpu (apps[i].pid);
    }
}

static void
window_end (App *apps, guint n, double *cpu, double *main_cpu)
{
  for (guint i = 0; i < n; i++)
    {
      cpu[i] = tree_cpu (apps[i].pid) - apps[i].cpu0;
      main_cpu[i] = main_thread_cpu (apps[i].pid) - apps[i].main0;
    }
}

static void
app_end (App *app)
{
  if (app->proc == NULL)
    return;
  kill (-app->pid, SIGTERM);
  g_usleep (500000);
  kill (-app->pid, SIGKILL);
  g_subprocess_wait (app->proc, NULL, NULL);
  g_clear_object (&app->proc);
  g_clear_object (&app->out);
  g_clear_object (&app->in);
  g_free (app->home);
}

static guint64
dir_bytes (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint64 total = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      GStatBuf st;

      if (g_stat (child, &st) == 0 && S_ISREG (st.st_mode))
        total += (guint64) st.st_size;
    }
  return total;
}

int
main (int argc, char **argv)
{
  guint record_s = MAX (5, el_test_env_uint ("EL_BENCH_RECORD_S", 60));
  guint idle_s = el_test_env_uint ("EL_BENCH_IDLE_S", 10);
  g_autofree char *self_path = NULL;
  g_autofree char *gsr_path = NULL;
  g_autofree char *display = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *wav_path = NULL;
  g_autofree char *patient_id = NULL;
  g_autofree char *stopped = NULL;
  g_autofree char *gsr_version = NULL;
  g_autoptr (ElTestServer) server = NULL;
  g_autoptr (ElTestApi) api = NULL;
  g_autoptr (GDBusConnection) bus = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) paplay = NULL;
  App apps[2] = { { .name = "eclipselink" }, { .name = "gnome-sound-recorder" } };
  BenchPulse *pulse;
  const ElTestLogin *nurse;
  double audio_s, idle_cpu[2] = { 0 }, rec_cpu[2] = { 0 }, idle_wall = 0, rec_wall = 0;
  double idle_main[2] = { 0 }, rec_main[2] = { 0 };
  gint64 t0;
  guint n_texts = 0;
  gint64 el_duration_ms;
  guint64 gsr_bytes;

  if (argc == 4 && g_str_equal (argv[1], "--child"))
    return child_main (argv[2], argv[3]);

  bench_record_set_name ("bench-record-cpu");
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  self_path = g_file_read_link ("/proc/self/exe", &error);
  if (self_path == NULL)
    bench_record_die ("/proc/self/exe: %s", error->message);
  gsr_path = bench_record_require ("gnome-sound-recorder", "gnome-sound-recorder");
  g_free (bench_record_require ("xdotool", "xdotool"));
  if (!g_file_test (EL_SERVER_PATH, G_FILE_TEST_IS_EXECUTABLE))
    bench_record_die ("%s is not built", EL_SERVER_PATH);
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (bus == NULL)
    bench_record_die (
        "no D-Bus session bus (run under dbus-run-session with gnome-keyring-daemon --unlock): %s",
        error->message);
  {
    const char *argv_v[] = { gsr_path, "--version", NULL };

    gsr_version = run_out (argv_v, FALSE);
    if (gsr_version != NULL)
      g_strstrip (gsr_version);
  }

  display = bench_record_ensure_display ();
  tmp = el_test_make_dir ("el-bench-record-cpu-XXXXXX");
  wav_path = g_build_filename (tmp, "handoff.wav", NULL);
  audio_s = bench_record_make_handoff_wav (tmp, record_s, TRUE, wav_path, &n_texts);
  pulse = bench_pulse_start (tmp);

  server = el_test_server_new ();
  el_test_demo_prepare (server, EL_GUI_TEST_PASSWORD);
  el_test_server_start (server);
  api = el_test_api_new (server);
  nurse = el_test_api_login (api, EL_TEST_DEMO_NURSE_A, EL_GUI_TEST_PASSWORD);
  patient_id = el_test_api_patient_id (api, nurse, 0);

  apps[0].home = g_build_filename (tmp, "eclipselink-home", NULL);
  apps[1].home = g_build_filename (tmp, "sound-recorder-home", NULL);
  start_eclipselink (&apps[0], self_path, el_test_server_get_url (server), patient_id, pulse, display);
  start_gsr (&apps[1], gsr_path, pulse, display, tmp);
  g_strfreev (gsr_windows (&apps[1]));
  g_usleep (2 * G_USEC_PER_SEC); /* both settled after their start */

  /* idle: both windows open, nothing recorded */
  if (idle_s > 0)
    {
      window_begin (apps, 2);
      t0 = g_get_monotonic_time ();
      g_usleep ((gulong) idle_s * G_USEC_PER_SEC);
      window_end (apps, 2, idle_cpu, idle_main);
      idle_wall = (g_get_monotonic_time () - t0) / 1e6;
    }

  /* both record */
  write_child_line (&apps[0], "record");
  g_free (read_child_line (&apps[0])); /* "recording" */
  if (!pulse_records (pulse, apps[0].pid))
    bench_record_die ("the eclipselink child says it records, but PulseAudio has no stream of it");
  if (!gsr_keys (&apps[1], "ctrl+r", pulse, TRUE))
    bench_record_die (
        "gnome-sound-recorder did not start recording on Ctrl+R (no PulseAudio stream of it); its "
        "log: %s/gnome-sound-recorder.log",
        tmp);
  /* PulseAudio's virtual source starts delivering about 1.5 s after a stream is made */
  g_usleep (2 * G_USEC_PER_SEC);

  window_begin (apps, 2);
  t0 = g_get_monotonic_time ();
  paplay = bench_pulse_play (pulse, wav_path);
  bench_pulse_wait_play (paplay);
  window_end (apps, 2, rec_cpu, rec_main);
  rec_wall = (g_get_monotonic_time () - t0) / 1e6;

  /* stop both; what they recorded */
  write_child_line (&apps[0], "stop");
  stopped = read_child_line (&apps[0]);
  if (!g_str_has_prefix (stopped, "stopped "))
    bench_record_die ("the eclipselink child said \"%s\"", stopped);
  el_duration_ms = g_ascii_strtoll (stopped + 8, NULL, 10);
  if (!gsr_keys (&apps[1], "s", pulse, FALSE))
    bench_record_die ("gnome-sound-recorder did not stop recording on its \"s\" shortcut");
  g_usleep (G_USEC_PER_SEC);
  {
    g_autofree char *dir = g_build_filename (apps[1].home, "data", "org.gnome.SoundRecorder", NULL);

    gsr_bytes = dir_bytes (dir);
  }
  if (el_duration_ms < (gint64) (rec_wall * 1000))
    bench_record_die ("eclipselink recorded %" G_GINT64_FORMAT " ms, less than the %.1f s window",
                      el_duration_ms, rec_wall);
  if (gsr_bytes == 0)
    bench_record_die ("gnome-sound-recorder wrote no recording");

  app_end (&apps[0]);
  app_end (&apps[1]);

  bench_record_say (
      "\nCPU while recording %.1f s of speech (%u texts, espeak-ng) from the same PulseAudio virtual "
      "microphone, both apps at once on the same X server (%s), same environment (GSK_RENDERER=cairo, "
      "GTK_A11Y=none); CPU = utime + stime of each process tree (/proc/PID/stat):",
      audio_s, n_texts, display);
  bench_record_say (
      "  eclipselink ElRecordView (own process; Opus 24 kbps mono 16 kHz, sealed chunks): %.2f s CPU "
      "in %.1f s = %.2f %% of one core (recorded %.1f s)",
      rec_cpu[0], rec_wall, 100.0 * rec_cpu[0] / rec_wall, el_duration_ms / 1000.0);
  bench_record_say (
      "  gnome-sound-recorder %s (%s %s, started with its Ctrl+R via xdotool): %.2f s CPU in %.1f s = "
      "%.2f %% of one core (wrote %.1f kB)",
      gsr_version != NULL ? gsr_version : "",
      g_getenv ("EL_BENCH_GSR_PROFILE") != NULL ? g_getenv ("EL_BENCH_GSR_PROFILE") : "opus",
      g_getenv ("EL_BENCH_GSR_CHANNEL") != NULL ? g_getenv ("EL_BENCH_GSR_CHANNEL") : "mono", rec_cpu[1],
      rec_wall, 100.0 * rec_cpu[1] / rec_wall, gsr_bytes / 1000.0);
  bench_record_say (
      "  of which the main thread (GTK: timer, level meter / waveform, drawing; for Sound Recorder also "
      "its JavaScript): eclipselink %.2f s, gnome-sound-recorder %.2f s; the other threads (GStreamer "
      "capture, encoding, sealing / writing): eclipselink %.2f s, gnome-sound-recorder %.2f s",
      rec_main[0], rec_main[1], rec_cpu[0] - rec_main[0], rec_cpu[1] - rec_main[1]);
  bench_record_say ("  ratio eclipselink / gnome-sound-recorder while recording: %.2fx",
                    rec_cpu[0] / MAX (rec_cpu[1], 0.01));
  if (idle_s > 0)
    bench_record_say ("  idle with the window open (before recording, %.1f s): eclipselink %.2f s (%.2f %%), "
                      "gnome-sound-recorder %.2f s (%.2f %%)",
                      idle_wall, idle_cpu[0], 100.0 * idle_cpu[0] / idle_wall, idle_cpu[1],
                      100.0 * idle_cpu[1] / idle_wall);
  bench_record_say ("  goal (issue 7 sets no number; taken as: no more CPU than gnome-sound-recorder): %s",
                    rec_cpu[0] <= rec_cpu[1] ? "MET" : "NOT MET");

  if (el_test_server_stop (server) != 0)
    g_printerr ("bench-record-cpu: note: the server did not exit cleanly\n");
  bench_pulse_stop (pulse);
  bench_record_stop_display ();
  el_test_remove_tree (tmp);
  return 0;
}
