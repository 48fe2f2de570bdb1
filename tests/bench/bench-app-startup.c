/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The app's start and memory (issue 6's benchmarks), next to GNOME Text Editor in the same run, on
 * the same X server, measured the same way from outside. Printed, never asserted: a goal not met
 * prints NOT MET; a missing tool (the app, gnome-text-editor, Xvfb, a D-Bus session, the keyring)
 * fails with a message.
 *
 * Run it like CI runs the gui suite (a D-Bus session with an unlocked keyring, under Xvfb):
 *
 *   cd /tmp && HOME=$(mktemp -d) && mkdir -p $HOME/rt && chmod 700 $HOME/rt && \
 *     HOME=$HOME XDG_RUNTIME_DIR=$HOME/rt dbus-run-session -- sh -c \
 *     'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; \
 *      exec xvfb-run -a -s "-screen 0 1280x1024x24" \
 *      meson test -C BUILD --benchmark --suite gui --print-errorlogs -v bench-app-startup'
 *
 * Without DISPLAY it starts its own `Xvfb -displayfd N -screen 0 1280x1024x24` (a free display
 * number) and stops it at the end.
 *
 * What is measured, for both apps alike:
 * - Each launch spawns the program (its own process group) with the same environment: its own
 *   HOME and XDG_CONFIG/DATA/CACHE/STATE_HOME under the run's temporary folder (one tree per app,
 *   kept across its launches), GSETTINGS_BACKEND=keyfile, GSETTINGS_SCHEMA_DIR=<build>/data,
 *   GIO_USE_PROXY_RESOLVER=dummy, NO_AT_BRIDGE=1, GTK_A11Y=none, GSK_RENDERER=cairo, GDK_BACKEND=x11;
 *   G_DEBUG and MALLOC_* of the test environment are removed.
 * - "window mapped": from just before the spawn to the MapNotify of the first top-level window
 *   (child of the root, not override-redirect) whose _NET_WM_PID is the child's pid, seen through
 *   SubstructureNotify on the root window (and StructureNotify on each new root child, so a
 *   reparenting window manager does not hide it).
 * - "first frame": to the first DAMAGE (X Damage extension) on that window after it was mapped:
 *   the app has drawn into it. This is the figure of the startup goal.
 * - Cold: the first launch of each app in this run; when running as root with a writable
 *   /proc/sys/vm/drop_caches, the page cache is dropped (sync + 3) right before it. eclipselink is
 *   launched first, so without dropping the caches the shared libraries (GTK, libadwaita) are warm
 *   for Text Editor. Warm: the median of EL_BENCH_WARM (5) launches each, alternating the two apps.
 * - After each launch the process group gets SIGTERM (SIGKILL after 2 s), is reaped, and the next
 *   launch waits until the app's D-Bus name is released (a new instance must not be a remote).
 * - RSS: eclipselink's cold launch resumes the session of a nurse signed in once through core
 *   (ElContext, real keyring) into XDG_DATA_HOME/eclipselink, on a real eclipselink-server seeded
 *   with `seed-demo --units 2 --patients-per-unit EL_BENCH_PATIENTS (30) --days EL_BENCH_DAYS (3)`;
 *   GSettings remembered-account and api-url point at it. After the first frame the benchmark waits
 *   until the server has logged the app's GET /api/v1/changes (the app resumed and synced) and
 *   VmRSS (/proc/PID/status) has stayed within 128 kB for 1 s (cap 15 s after the map), then reads
 *   VmRSS. Text Editor's RSS (the baseline) is read the same way after its cold first frame (no
 *   server part). 1 MB = 10^6 bytes.
 */
#include "config.h"

#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/extensions/Xdamage.h>
#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <unistd.h>

#include "el-context.h"
#include "el-test-api.h"
#include "el-test-server.h"
#include "el-test-util.h"

#define PASSWORD    "handoff-demo-bench"
#define NURSE       EL_TEST_DEMO_NURSE_A
#define APP_BUS_ID  "ai.eclipselink.Handoff"
#define TE_BUS_ID   "org.gnome.TextEditor"
#define TE_PATH     "/usr/bin/gnome-text-editor"
#define RSS_GOAL_MB 150.0

/* The X server, and what the benchmark listens to on it. */
typedef struct
{
  Display *dpy;
  Window root;
  int damage_event;
  Atom net_wm_pid;
  GSubprocess *xvfb; /* our own Xvfb, or NULL */
  char *display;
} Bench;

/* One program under test. */
typedef struct
{
  const char *name;
  const char *path;
  const char *bus_name;
  char *home; /* its HOME and XDG dirs */
  char **env;
  guint launches;
} App;

/* One launch. */
typedef struct
{
  GSubprocess *proc;
  GPid pid;
  gint64 start;
  Window window;
  double map_ms;
  double frame_ms;
  guint64 frame_rss; /* VmRSS in kB when the first frame was seen */
  char *log_path;
} Launch;

/* What is stopped on the way out of a failure or a signal: the X server, the eclipselink-server and
 * the app under test that this program started (by their pids, nothing else). */
static struct
{
  GPid xvfb;
  GPid server;
  GPid child; /* also its process group */
  const char *tmp;
} started;

/* async-signal-safe: only kill(2) */
static void
stop_started (void)
{
  if (started.child > 0)
    kill (-started.child, SIGKILL);
  if (started.server > 0)
    kill (started.server, SIGTERM);
  if (started.xvfb > 0)
    kill (started.xvfb, SIGTERM);
}

static void
on_signal (int signum)
{
  static const char message[] = "bench-app-startup: interrupted, stopping what it started\n";

  stop_started ();
  if (write (STDERR_FILENO, message, sizeof message - 1) < 0)
    (void) 0;
  _exit (128 + signum);
}

static G_NORETURN G_GNUC_PRINTF (1, 2) void die (const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("bench-app-startup: FAILED: %s\n", message);
  stop_started ();
  if (started.tmp != NULL)
    g_printerr ("bench-app-startup: the run's files (app logs) are kept in %s\n", started.tmp);
  exit (1);
}

static void say (const char *format, ...) G_GNUC_PRINTF (1, 2);

static void
say (const char *format, ...)
{
  va_list args;
  g_autofree char *line = NULL;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  g_print ("%s\n", line);
  fflush (stdout);
}

static gboolean verbose;

static double
ms_since (gint64 start)
{
  return (double) (g_get_monotonic_time () - start) / 1000.0;
}

/* ---- the X server ------------------------------------------------------------------------------ */

static int
ignore_x_error (Display *dpy, XErrorEvent *event)
{
  /* a window gone before we selected on it, Damage on an InputOnly window: not ours to mind */
  (void) dpy;
  (void) event;
  return 0;
}

/* In the child: its own process group (@data TRUE), and SIGKILL when this program dies. */
static void
child_setup (gpointer data)
{
  if (data != NULL)
    setpgid (0, 0);
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static char *
start_xvfb (GSubprocess **out)
{
  g_autofree char *xvfb = g_find_program_in_path ("Xvfb");
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr (GError) error = NULL;
  GSubprocess *proc;
  char number[32] = { 0 };
  gsize got = 0;
  int fds[2];
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

  if (xvfb == NULL)
    die ("DISPLAY is not set and Xvfb is not installed (Debian package xvfb)");
  if (!g_unix_open_pipe (fds, FD_CLOEXEC, &error))
    die ("pipe: %s", error->message);
  g_subprocess_launcher_take_fd (launcher, fds[1], 3);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  proc = g_subprocess_launcher_spawn (launcher, &error, xvfb, "-displayfd", "3", "-screen", "0",
                                      "1280x1024x24", "-nolisten", "tcp", NULL);
  if (proc == NULL)
    die ("could not start Xvfb: %s", error->message);
  /* Xvfb writes the display number it found free, then a newline */
  while (got < sizeof number - 1 && strchr (number, '\n') == NULL)
    {
      struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
      ssize_t n;

      if (g_get_monotonic_time () > deadline)
        die ("Xvfb did not report its display in 15 s");
      if (poll (&pfd, 1, 100) <= 0)
        continue;
      n = read (fds[0], number + got, sizeof number - 1 - got);
      if (n <= 0)
        die ("Xvfb exited before reporting its display");
      got += (gsize) n;
    }
  close (fds[0]);
  g_strstrip (number);
  *out = proc;
  started.xvfb = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (proc), NULL, 10);
  return g_strdup_printf (":%s", number);
}

static void
bench_open_display (Bench *b)
{
  int damage_error, major = 1, minor = 1;
  const char *display = g_getenv ("DISPLAY");

  if (display == NULL || *display == '\0')
    {
      b->display = start_xvfb (&b->xvfb);
      say ("X server: own Xvfb on %s (1280x1024x24)", b->display);
    }
  else
    {
      b->display = g_strdup (display);
      say ("X server: DISPLAY=%s (given)", b->display);
    }

  for (int i = 0; i < 100 && b->dpy == NULL; i++)
    if ((b->dpy = XOpenDisplay (b->display)) == NULL)
      g_usleep (100000);
  if (b->dpy == NULL)
    die ("cannot open X display %s", b->display);
  XSetErrorHandler (ignore_x_error);
  if (!XDamageQueryExtension (b->dpy, &b->damage_event, &damage_error) ||
      !XDamageQueryVersion (b->dpy, &major, &minor))
    die ("the X server %s has no DAMAGE extension", b->display);
  b->root = DefaultRootWindow (b->dpy);
  b->net_wm_pid = XInternAtom (b->dpy, "_NET_WM_PID", False);
  XSelectInput (b->dpy, b->root, SubstructureNotifyMask);
  XSync (b->dpy, False);
}

static void
bench_close_display (Bench *b)
{
  if (b->dpy != NULL)
    XCloseDisplay (b->dpy);
  if (b->xvfb != NULL)
    {
      kill (started.xvfb, SIGTERM);
      started.xvfb = 0;
      g_subprocess_wait (b->xvfb, NULL, NULL);
      g_clear_object (&b->xvfb);
    }
  g_free (b->display);
}

/* The _NET_WM_PID of @window, or 0. */
static gulong
window_pid (Bench *b, Window window)
{
  Atom type = None;
  int format = 0;
  unsigned long n = 0, after = 0;
  unsigned char *data = NULL;
  gulong pid = 0;

  if (XGetWindowProperty (b->dpy, window, b->net_wm_pid, 0, 1, False, XA_CARDINAL, &type, &format, &n, &after,
                          &data) == Success &&
      type == XA_CARDINAL && format == 32 && n == 1)
    pid = *(unsigned long *) data;
  if (data != NULL)
    XFree (data);
  return pid;
}

/* VmRSS, RssAnon, RssFile of @pid in kB (0 when absent). */
static guint64
read_rss (GPid pid, guint64 *anon, guint64 *file)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  guint64 rss = 0;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "VmRSS:"))
        rss = g_ascii_strtoull (lines[i] + 6, NULL, 10);
      else if (anon != NULL && g_str_has_prefix (lines[i], "RssAnon:"))
        *anon = g_ascii_strtoull (lines[i] + 8, NULL, 10);
      else if (file != NULL && g_str_has_prefix (lines[i], "RssFile:"))
        *file = g_ascii_strtoull (lines[i] + 8, NULL, 10);
    }
  return rss;
}

/* ---- launching --------------------------------------------------------------------------------- */

static char **
app_environ (Bench *b, const char *home)
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
  env = g_environ_setenv (env, "DISPLAY", b->display, TRUE);
  env = g_environ_setenv (env, "GDK_BACKEND", "x11", TRUE);
  env = g_environ_setenv (env, "GSETTINGS_BACKEND", "keyfile", TRUE);
  env = g_environ_setenv (env, "GSETTINGS_SCHEMA_DIR", EL_SCHEMA_DIR, TRUE);
  env = g_environ_setenv (env, "GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  env = g_environ_setenv (env, "NO_AT_BRIDGE", "1", TRUE);
  env = g_environ_setenv (env, "GTK_A11Y", "none", TRUE);
  env = g_environ_setenv (env, "GSK_RENDERER", "cairo", TRUE);
  return env;
}

static gboolean
bus_name_owned (GDBusConnection *bus, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "NameHasOwner",
      g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  gboolean owned = FALSE;

  if (reply == NULL)
    die ("D-Bus NameHasOwner: %s", error->message);
  g_variant_get (reply, "(b)", &owned);
  return owned;
}

static void
wait_bus_name_free (GDBusConnection *bus, const char *name)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (bus_name_owned (bus, name))
    {
      if (g_get_monotonic_time () > deadline)
        die ("%s still owns its D-Bus name 10 s after its process ended (another instance running?)", name);
      g_usleep (10000);
    }
}

static char *
log_tail (const char *path)
{
  g_autofree char *text = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &text, &len, NULL))
    return g_strdup ("(no output)");
  return g_strdup (len > 3000 ? text + len - 3000 : text);
}

static void
drain_events (Bench *b)
{
  XSync (b->dpy, False);
  while (XPending (b->dpy))
    {
      XEvent event;

      XNextEvent (b->dpy, &event);
    }
}

/* Spawns @app and waits for its first top-level window to be mapped and then drawn into. */
static void
launch (Bench *b, App *app, const char *tmp, Launch *l)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) tracked = g_hash_table_new (NULL, NULL); /* Window -> Damage */
  int fd = ConnectionNumber (b->dpy);
  gint64 deadline;

  memset (l, 0, sizeof *l);
  l->log_path = g_strdup_printf ("%s/%s-%u.log", tmp, app->name, ++app->launches);
  g_subprocess_launcher_set_environ (launcher, app->env);
  g_subprocess_launcher_set_cwd (launcher, app->home);
  g_subprocess_launcher_set_stdout_file_path (launcher, l->log_path);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, GINT_TO_POINTER (TRUE), NULL);

  drain_events (b);
  l->start = g_get_monotonic_time ();
  l->proc = g_subprocess_launcher_spawn (launcher, &error, app->path, NULL);
  if (l->proc == NULL)
    die ("could not start %s: %s", app->path, error->message);
  l->pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (l->proc), NULL, 10);
  started.child = l->pid;
  deadline = l->start + 60 * G_USEC_PER_SEC;

  while (l->frame_ms == 0)
    {
      struct pollfd pfd = { .fd = fd, .events = POLLIN };

      while (XPending (b->dpy) && l->frame_ms == 0)
        {
          XEvent ev;
          double at;

          XNextEvent (b->dpy, &ev);
          at = ms_since (l->start);
          if (ev.type == CreateNotify && ev.xcreatewindow.parent == b->root &&
              !ev.xcreatewindow.override_redirect)
            {
              Window w = ev.xcreatewindow.window;

              XSelectInput (b->dpy, w, StructureNotifyMask);
              g_hash_table_insert (tracked, GSIZE_TO_POINTER (w),
                                   GSIZE_TO_POINTER (XDamageCreate (b->dpy, w, XDamageReportNonEmpty)));
              if (verbose)
                say ("  [%8.1f ms] create 0x%lx", at, w);
            }
          else if (ev.type == MapNotify && l->window == None && !ev.xmap.override_redirect &&
                   g_hash_table_contains (tracked, GSIZE_TO_POINTER (ev.xmap.window)) &&
                   window_pid (b, ev.xmap.window) == (gulong) l->pid)
            {
              Damage damage = (Damage) GPOINTER_TO_SIZE (
                  g_hash_table_lookup (tracked, GSIZE_TO_POINTER (ev.xmap.window)));

              l->window = ev.xmap.window;
              l->map_ms = at;
              /* anything reported before the map does not count: the next report is a frame */
              XDamageSubtract (b->dpy, damage, None, None);
              if (verbose)
                say ("  [%8.1f ms] map 0x%lx", at, l->window);
            }
          else if (ev.type == b->damage_event + XDamageNotify)
            {
              XDamageNotifyEvent *de = (XDamageNotifyEvent *) &ev;

              if (verbose)
                say ("  [%8.1f ms] damage 0x%lx %dx%d+%d+%d", at, de->drawable, de->area.width,
                     de->area.height, de->area.x, de->area.y);
              if (l->window != None && de->drawable == l->window)
                {
                  l->frame_ms = at;
                  l->frame_rss = read_rss (l->pid, NULL, NULL);
                }
              else
                XDamageSubtract (b->dpy, de->damage, None, None);
            }
        }
      if (l->frame_ms != 0)
        break;
      if (g_get_monotonic_time () > deadline)
        {
          g_autofree char *tail = log_tail (l->log_path);

          die ("%s: no window %s within 60 s (pid %d); its output:\n%s", app->name,
               l->window == None ? "mapped" : "drawn into", (int) l->pid, tail);
        }
      if (kill (l->pid, 0) != 0)
        {
          g_autofree char *tail = log_tail (l->log_path);

          die ("%s exited before its first frame; its output:\n%s", app->name, tail);
        }
      poll (&pfd, 1, 20);
    }

  /* stop listening to the other root children: Damage objects go with the connection's next use */
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, tracked);
    while (g_hash_table_iter_next (&iter, &key, &value))
      if ((Window) GPOINTER_TO_SIZE (key) != l->window)
        XDamageDestroy (b->dpy, (Damage) GPOINTER_TO_SIZE (value));
    XSync (b->dpy, False);
  }
}

static void
launch_end (App *app, Launch *l, GDBusConnection *bus)
{
  gint64 deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

  kill (-l->pid, SIGTERM);
  while (kill (l->pid, 0) == 0 && g_get_monotonic_time () < deadline)
    {
      /* GSubprocess reaps in GLib's worker thread: kill(pid, 0) fails once it is gone */
      g_usleep (5000);
    }
  if (kill (l->pid, 0) == 0)
    kill (-l->pid, SIGKILL);
  g_subprocess_wait (l->proc, NULL, NULL);
  /* helpers left in its process group, if any */
  kill (-l->pid, SIGKILL);
  started.child = 0;
  wait_bus_name_free (bus, app->bus_name);
  g_clear_object (&l->proc);
  g_clear_pointer (&l->log_path, g_free);
}

/* ---- RSS --------------------------------------------------------------------------------------- */

static double
kb_to_mb (guint64 kb)
{
  return (double) kb * 1024.0 / 1e6;
}

/* How many request lines for @route the server logged so far. */
static guint
count_requests (ElTestServer *server, const char *route)
{
  g_autofree char *log = el_test_server_get_stderr (server);
  g_autofree char *needle = g_strdup_printf ("\"route\":\"%s\"", route);
  guint n = 0;

  for (const char *p = log; p != NULL && (p = strstr (p, needle)) != NULL; p += strlen (needle))
    n++;
  return n;
}

/* Waits until the server logged one more GET /api/v1/changes than @changes_before (when @server is
 * set) and VmRSS stayed within 128 kB for 1 s; 15 s after the map at most. Returns VmRSS in kB. */
static guint64
settle_rss (Launch *l, ElTestServer *server, guint changes_before, guint64 *anon, guint64 *file, GString *how)
{
  g_autoptr (GArray) samples = g_array_new (FALSE, FALSE, sizeof (guint64));
  gint64 cap = l->start + (gint64) (l->map_ms * 1000) + 15 * G_USEC_PER_SEC;
  gboolean synced = server == NULL;
  double synced_ms = 0;

  for (;;)
    {
      guint64 rss = read_rss (l->pid, anon, file);
      gboolean stable = samples->len >= 10;

      if (rss == 0)
        die ("the process %d ended while its RSS was read", (int) l->pid);
      g_array_append_val (samples, rss);
      for (guint i = samples->len >= 11 ? samples->len - 11 : 0; stable && i < samples->len; i++)
        if (ABS ((gint64) g_array_index (samples, guint64, i) - (gint64) rss) > 128)
          stable = FALSE;
      if (!synced && count_requests (server, "/api/v1/changes") > changes_before)
        {
          synced = TRUE;
          synced_ms = ms_since (l->start);
        }
      if (synced && stable)
        {
          if (server != NULL)
            g_string_append_printf (how, "synced (GET /api/v1/changes) at %.0f ms, ", synced_ms);
          g_string_append_printf (how, "RSS stable for 1 s at %.0f ms", ms_since (l->start));
          return rss;
        }
      if (g_get_monotonic_time () > cap)
        {
          g_string_append_printf (how, "CAPPED at 15 s after the map (%s%s)", synced ? "" : "no sync seen",
                                  stable   ? ""
                                  : synced ? "RSS still moving"
                                           : ", RSS still moving");
          return rss;
        }
      g_usleep (100000);
    }
}

/* With EL_BENCH_SCREENSHOT=DIR: the window as the RSS is read, DIR/NAME.png (ImageMagick's
 * `import`), to check by eye what was measured (the census, not the sign-in page). */
static void
screenshot (Bench *b, const char *name, Launch *l)
{
  const char *dir = g_getenv ("EL_BENCH_SCREENSHOT");
  g_autofree char *import = NULL;
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;

  if (dir == NULL || *dir == '\0')
    return;
  if ((import = g_find_program_in_path ("import")) == NULL)
    die ("EL_BENCH_SCREENSHOT needs ImageMagick's import (Debian package imagemagick)");
  id = g_strdup_printf ("0x%lx", l->window);
  path = g_strdup_printf ("%s/%s.png", dir, name);
  {
    const char *argv[] = { import, "-display", b->display, "-window", id, path, NULL };

    if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status,
                       &error) ||
        !g_spawn_check_wait_status (status, &error))
      die ("import: %s", error->message);
  }
  say ("screenshot: %s", path);
}

/* ---- the signed-in nurse ----------------------------------------------------------------------- */

static ElTestServer *
start_server (guint patients, guint days)
{
  ElTestServer *server = el_test_server_new ();
  g_autofree char *per_unit = g_strdup_printf ("%u", patients);
  g_autofree char *n_days = g_strdup_printf ("%u", days);
  const char *const migrate[] = { "migrate", NULL };
  const char *const seed[] = {
    "seed-demo",  "--units", "2",  "--patients-per-unit", per_unit, "--days", n_days,
    "--password", PASSWORD,  NULL,
  };
  g_autofree char *err = NULL;
  int status;

  if (!g_file_test (EL_SERVER_PATH, G_FILE_TEST_IS_EXECUTABLE))
    die ("%s is not built", EL_SERVER_PATH);
  el_test_server_setenv (server, "RATE_LIMIT_ENABLED", "false");
  el_test_server_setenv (server, "G_DEBUG", "");
  el_test_server_setenv (server, "MALLOC_PERTURB_", "");
  if ((status = el_test_server_run (server, migrate, NULL, &err)) != 0)
    die ("eclipselink-server migrate failed (%d): %s", status, err);
  g_clear_pointer (&err, g_free);
  if ((status = el_test_server_run (server, seed, NULL, &err)) != 0)
    die ("eclipselink-server seed-demo failed (%d): %s", status, err);
  el_test_server_set_migrate (server, FALSE);
  el_test_server_start (server);
  started.server = (GPid) g_ascii_strtoll (el_test_server_get_pid (server), NULL, 10);
  return server;
}

/* Runs the main context until *@result is set; 120 s at most (a keyring that prompts hangs). */
static GAsyncResult *
wait_result (GAsyncResult **result, const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  while (*result == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        die ("%s did not finish in 120 s (a locked keyring waiting for a prompt?)", what);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
  return *result;
}

/* Signs NURSE in through core into @data_dir once, syncs her unit and closes the cache (the keyring
 * keeps the session). Returns the server URL as core spells it; *patients: her unit's census size. */
static char *
sign_in_once (ElTestServer *server, const char *data_dir, guint *patients)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (ElContext) ctx = el_context_new (el_test_server_get_url (server), data_dir, &error);
  g_autoptr (ElUser) user = NULL;
  g_autoptr (GPtrArray) census = NULL;
  ElSync *sync;

  if (ctx == NULL)
    die ("el_context_new: %s", error->message);
  el_context_sign_in_async (ctx, NURSE, PASSWORD, NULL, el_test_result_cb, &r);
  user = el_context_sign_in_finish (ctx, wait_result (&r, "signing in"), NULL, &error);
  if (user == NULL)
    die ("signing %s in through core failed (is the keyring unlocked?): %s", NURSE, error->message);
  g_clear_object (&r);

  sync = el_context_get_sync (ctx);
  g_object_set (sync, "interval", 0, NULL);
  el_sync_run_async (sync, EL_SYNC_RUN_IGNORE_BACKOFF, NULL, el_test_result_cb, &r);
  if (!el_sync_run_finish (sync, wait_result (&r, "the first sync"), NULL, &error))
    die ("the first sync failed: %s", error->message);
  g_clear_object (&r);

  el_store_census_async (el_context_get_store (ctx), el_user_get_unit_id (user), NULL, el_test_result_cb, &r);
  census =
      el_store_census_finish (el_context_get_store (ctx), wait_result (&r, "reading the census"), &error);
  if (census == NULL)
    die ("reading the census from the cache failed: %s", error->message);
  *patients = census->len;
  g_clear_object (&r);

  el_context_close_async (ctx, NULL, el_test_result_cb, &r);
  if (!el_context_close_finish (ctx, wait_result (&r, "closing the cache"), &error))
    die ("closing the cache failed: %s", error->message);
  return g_strdup (el_context_get_server_url (ctx));
}

/* GSettings for the app (keyfile backend under its XDG_CONFIG_HOME): resume NURSE from @url. */
static void
write_settings (const char *home, const char *url)
{
  g_autofree char *dir = g_build_filename (home, "config", "glib-2.0", "settings", NULL);
  g_autofree char *path = g_build_filename (dir, "keyfile", NULL);
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) account = g_variant_ref_sink (g_variant_new_string (NURSE));
  g_autoptr (GVariant) api_url = g_variant_ref_sink (g_variant_new_string (url));
  g_autofree char *account_text = g_variant_print (account, FALSE);
  g_autofree char *url_text = g_variant_print (api_url, FALSE);

  g_mkdir_with_parents (dir, 0700);
  g_key_file_set_value (keyfile, "ai/eclipselink/Handoff", "remembered-account", account_text);
  g_key_file_set_value (keyfile, "ai/eclipselink/Handoff", "api-url", url_text);
  if (!g_key_file_save_to_file (keyfile, path, &error))
    die ("writing %s: %s", path, error->message);
}

/* ---- main -------------------------------------------------------------------------------------- */

static gboolean
drop_caches (void)
{
  int fd;
  gboolean ok;

  if (getuid () != 0 || access ("/proc/sys/vm/drop_caches", W_OK) != 0)
    return FALSE;
  sync ();
  fd = open ("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return FALSE;
  ok = write (fd, "3", 1) == 1;
  close (fd);
  return ok;
}

static const char *
verdict (gboolean met)
{
  return met ? "MET" : "NOT MET";
}

int
main (int argc, char **argv)
{
  Bench bench = { 0 };
  App app = { .name = "eclipselink", .path = EL_APP_PATH, .bus_name = APP_BUS_ID };
  App te = { .name = "gnome-text-editor", .path = TE_PATH, .bus_name = TE_BUS_ID };
  g_autoptr (GDBusConnection) bus = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElTestServer) server = NULL;
  g_autoptr (GArray) app_warm = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) te_warm = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) app_warm_map = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) te_warm_map = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GString) app_how = g_string_new (NULL);
  g_autoptr (GString) te_how = g_string_new (NULL);
  g_autoptr (GString) app_runs = g_string_new (NULL);
  g_autoptr (GString) te_runs = g_string_new (NULL);
  g_autofree char *tmp = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *url = NULL;
  guint n_patients = el_test_env_uint ("EL_BENCH_PATIENTS", 30);
  guint n_days = el_test_env_uint ("EL_BENCH_DAYS", 3);
  guint n_warm = MAX (1, el_test_env_uint ("EL_BENCH_WARM", 5));
  guint patients = 0, changes_before;
  guint64 app_rss, te_rss, app_frame_rss, te_frame_rss, app_anon = 0, app_file = 0, te_anon = 0, te_file = 0;
  double app_cold_map, app_cold_frame, te_cold_map, te_cold_frame, app_warm_ms, te_warm_ms;
  gboolean cold_dropped;
  Launch l;

  (void) argc;
  (void) argv;
  verbose = g_getenv ("EL_BENCH_VERBOSE") != NULL;
  signal (SIGTERM, on_signal);
  signal (SIGINT, on_signal);
  signal (SIGHUP, on_signal);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  /* the tools: fail loudly, never skip */
  if (!g_file_test (app.path, G_FILE_TEST_IS_EXECUTABLE))
    die ("the app %s is not built", app.path);
  if (!g_file_test (te.path, G_FILE_TEST_IS_EXECUTABLE))
    die ("%s is missing: install the Debian package gnome-text-editor (.ci/install-deps)", te.path);
  if (!g_file_test (EL_SCHEMA_DIR "/gschemas.compiled", G_FILE_TEST_EXISTS))
    die ("%s/gschemas.compiled is not built", EL_SCHEMA_DIR);
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  if (bus == NULL)
    die ("no D-Bus session bus (run under dbus-run-session with gnome-keyring-daemon --unlock): %s",
         error->message);
  if (bus_name_owned (bus, APP_BUS_ID) || bus_name_owned (bus, TE_BUS_ID))
    die ("eclipselink or gnome-text-editor is already running on this D-Bus session");

  tmp = el_test_make_dir ("el-bench-app-XXXXXX");
  started.tmp = tmp;
  app.home = g_build_filename (tmp, "eclipselink-home", NULL);
  te.home = g_build_filename (tmp, "text-editor-home", NULL);
  bench_open_display (&bench);
  app.env = app_environ (&bench, app.home);
  te.env = app_environ (&bench, te.home);

  /* a real server, a 30-patient unit, the nurse signed in once into the app's data folder */
  server = start_server (n_patients, n_days);
  data_dir = g_build_filename (app.home, "data", "eclipselink", NULL);
  url = sign_in_once (server, data_dir, &patients);
  write_settings (app.home, url);
  say ("server: %s, seed-demo --units 2 --patients-per-unit %u --days %u", url, n_patients, n_days);
  say ("signed in once through core as %s: her unit has %u patients in the cache", NURSE, patients);
  if (patients < 30)
    die ("the nurse's unit has %u patients, fewer than 30", patients);

  /* cold: the first launch of each app in this run */
  cold_dropped = drop_caches ();
  changes_before = count_requests (server, "/api/v1/changes");
  launch (&bench, &app, tmp, &l);
  app_cold_map = l.map_ms;
  app_cold_frame = l.frame_ms;
  app_rss = settle_rss (&l, server, changes_before, &app_anon, &app_file, app_how);
  app_frame_rss = l.frame_rss;
  screenshot (&bench, app.name, &l);
  launch_end (&app, &l, bus);

  if (cold_dropped)
    drop_caches ();
  launch (&bench, &te, tmp, &l);
  te_cold_map = l.map_ms;
  te_cold_frame = l.frame_ms;
  te_rss = settle_rss (&l, NULL, 0, &te_anon, &te_file, te_how);
  te_frame_rss = l.frame_rss;
  screenshot (&bench, te.name, &l);
  launch_end (&te, &l, bus);

  /* warm: alternating */
  for (guint i = 0; i < n_warm; i++)
    {
      launch (&bench, &app, tmp, &l);
      g_array_append_val (app_warm, l.frame_ms);
      g_array_append_val (app_warm_map, l.map_ms);
      g_string_append_printf (app_runs, "%s%.0f", i > 0 ? ", " : "", l.frame_ms);
      launch_end (&app, &l, bus);

      launch (&bench, &te, tmp, &l);
      g_array_append_val (te_warm, l.frame_ms);
      g_array_append_val (te_warm_map, l.map_ms);
      g_string_append_printf (te_runs, "%s%.0f", i > 0 ? ", " : "", l.frame_ms);
      launch_end (&te, &l, bus);
    }
  app_warm_ms = el_test_median (app_warm);
  te_warm_ms = el_test_median (te_warm);

  say ("cold: %s", cold_dropped ? "page cache dropped (sync; echo 3 > /proc/sys/vm/drop_caches) before each "
                                  "app's first launch"
                                : "first launch in this run (page cache not dropped: not root or "
                                  "/proc/sys/vm/drop_caches not writable)");
  say ("startup cold: eclipselink %.0f ms, gnome-text-editor %.0f ms (%.2fx)   [spawn -> first frame]",
       app_cold_frame, te_cold_frame, app_cold_frame / te_cold_frame);
  say ("startup cold (window mapped): eclipselink %.0f ms, gnome-text-editor %.0f ms (%.2fx)", app_cold_map,
       te_cold_map, app_cold_map / te_cold_map);
  say (
      "startup warm (median of %u): eclipselink %.0f ms, gnome-text-editor %.0f ms (%.2fx)   [spawn -> first "
      "frame]",
      n_warm, app_warm_ms, te_warm_ms, app_warm_ms / te_warm_ms);
  say ("startup warm (window mapped, median): eclipselink %.0f ms, gnome-text-editor %.0f ms (%.2fx)",
       el_test_median (app_warm_map), el_test_median (te_warm_map),
       el_test_median (app_warm_map) / el_test_median (te_warm_map));
  say ("  warm runs (first frame, ms): eclipselink %s; gnome-text-editor %s", app_runs->str, te_runs->str);
  say ("rss after sign-in (%u patients): eclipselink %.1f MB (anon %.1f, file %.1f); %s", patients,
       kb_to_mb (app_rss), kb_to_mb (app_anon), kb_to_mb (app_file), app_how->str);
  say ("rss baseline: gnome-text-editor %.1f MB (anon %.1f, file %.1f) after its first frame; %s",
       kb_to_mb (te_rss), kb_to_mb (te_anon), kb_to_mb (te_file), te_how->str);
  say ("rss at the first frame (cold): eclipselink %.1f MB, gnome-text-editor %.1f MB",
       kb_to_mb (app_frame_rss), kb_to_mb (te_frame_rss));
  say ("goal startup cold faster than gnome-text-editor: %s", verdict (app_cold_frame < te_cold_frame));
  say ("goal startup warm faster than gnome-text-editor: %s", verdict (app_warm_ms < te_warm_ms));
  say ("goal rss after sign-in <= %.0f MB: %s", RSS_GOAL_MB, verdict (kb_to_mb (app_rss) <= RSS_GOAL_MB));

  started.server = 0;
  if (el_test_server_stop (server) != 0)
    g_printerr ("bench-app-startup: note: the server did not exit cleanly\n");
  bench_close_display (&bench);
  g_strfreev (app.env);
  g_strfreev (te.env);
  g_free (app.home);
  g_free (te.home);
  el_test_remove_tree (tmp);
  return 0;
}
