/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-test-server.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

/* ASan builds start slowly; the server itself starts in milliseconds. */
#define START_TIMEOUT_S 60
#define STOP_TIMEOUT_S  30

struct ElTestServer
{
  char *dir;
  char *db_path;
  char *storage_dir;
  char *stdout_path;
  char *stderr_path;
  char **env;
  GPtrArray *args;
  gboolean migrate;

  GSubprocess *proc;
  char *url;
  guint port;
  gboolean waited;
  int exit_status;
};

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      GDir *dir = g_dir_open (path, 0, NULL);
      const char *name;

      /* a test may have made the directory unreadable */
      g_chmod (path, 0700);
      if (dir != NULL)
        {
          while ((name = g_dir_read_name (dir)) != NULL)
            {
              g_autofree char *child = g_build_filename (path, name, NULL);

              remove_tree (child);
            }
          g_dir_close (dir);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

/**
 * el_test_server_new:
 *
 * Returns: (transfer full): a server, not started, with its own temporary directory
 */
ElTestServer *
el_test_server_new (void)
{
  ElTestServer *self = g_new0 (ElTestServer, 1);
  g_autoptr (GError) error = NULL;
  g_autofree char *database_url = NULL;
  static const char *const cleared[] = { "PORT",
                                         "SBAR_EXTRACTOR",
                                         "AZURE_OPENAI_ENDPOINT",
                                         "AZURE_OPENAI_API_KEY",
                                         "OPENAI_BASE_URL",
                                         "OPENAI_API_KEY",
                                         "CORS_ORIGIN",
                                         "RATE_LIMIT_ENABLED",
                                         "RATE_LIMIT_MAX_REQUESTS",
                                         "RATE_LIMIT_WINDOW_MS",
                                         "APP_VERSION",
                                         "JWT_EXPIRES_IN",
                                         "REFRESH_TOKEN_EXPIRES_IN",
                                         "EL_TEST_ROUTES",
                                         "EL_TEST_IO_TIMEOUT_MS",
                                         NULL };

  self->dir = g_dir_make_tmp ("el-test-server-XXXXXX", &error);
  g_assert_no_error (error);
  self->db_path = g_build_filename (self->dir, "eclipselink.db", NULL);
  self->storage_dir = g_build_filename (self->dir, "storage", NULL);
  self->stdout_path = g_build_filename (self->dir, "stdout.log", NULL);
  self->stderr_path = g_build_filename (self->dir, "stderr.log", NULL);
  self->args = g_ptr_array_new_with_free_func (g_free);
  self->migrate = TRUE;
  self->exit_status = -1;

  database_url = g_strconcat ("sqlite://", self->db_path, NULL);
  self->env = g_get_environ ();
  for (guint i = 0; cleared[i] != NULL; i++)
    self->env = g_environ_unsetenv (self->env, cleared[i]);
  self->env = g_environ_setenv (self->env, "DATABASE_URL", database_url, TRUE);
  self->env = g_environ_setenv (self->env, "STORAGE_DIR", self->storage_dir, TRUE);
  self->env = g_environ_setenv (self->env, "JWT_SECRET", EL_TEST_JWT_SECRET, TRUE);
  self->env = g_environ_setenv (self->env, "ENCRYPTION_KEY", EL_TEST_ENCRYPTION_KEY, TRUE);
  self->env = g_environ_setenv (self->env, "LOG_LEVEL", "info", TRUE);
  /* Speech jobs off unless a test asks for them (el_test_server_setenv (s, "SPEECH_ENGINE", ...)):
   * an upload then stays queued, which the API tests rely on. */
  self->env = g_environ_setenv (self->env, "SPEECH_ENGINE", "none", TRUE);
  return self;
}

/* Stops the server if it still runs (SIGKILL) and removes its directory. */
void
el_test_server_free (ElTestServer *self)
{
  if (self == NULL)
    return;
  if (self->proc != NULL && !self->waited)
    {
      g_subprocess_force_exit (self->proc);
      g_subprocess_wait (self->proc, NULL, NULL);
    }
  g_clear_object (&self->proc);
  remove_tree (self->dir);
  g_strfreev (self->env);
  g_ptr_array_unref (self->args);
  g_free (self->url);
  g_free (self->stdout_path);
  g_free (self->stderr_path);
  g_free (self->storage_dir);
  g_free (self->db_path);
  g_free (self->dir);
  g_free (self);
}

/* Sets (or with a %NULL @value, removes) a variable of the server's environment. */
void
el_test_server_setenv (ElTestServer *self, const char *name, const char *value)
{
  if (value != NULL)
    self->env = g_environ_setenv (self->env, name, value, TRUE);
  else
    self->env = g_environ_unsetenv (self->env, name);
}

/* An argument after `serve --port 0` (e.g. --dev, or --host ::1). */
void
el_test_server_add_arg (ElTestServer *self, const char *arg)
{
  g_ptr_array_add (self->args, g_strdup (arg));
}

/* Whether el_test_server_start() runs `migrate` first (default TRUE). */
void
el_test_server_set_migrate (ElTestServer *self, gboolean migrate)
{
  self->migrate = migrate;
}

/* In the child: die with the test, so that a failed assertion leaves no server behind. */
static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocessLauncher *
new_launcher (ElTestServer *self, GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  g_subprocess_launcher_set_environ (launcher, self->env);
  g_subprocess_launcher_set_cwd (launcher, self->dir);
  return launcher;
}

/**
 * el_test_server_run:
 * @self: a server
 * @args: the command line after the program name, e.g. { "migrate", NULL }
 * @out: (out) (optional): its stdout
 * @err: (out) (optional): its stderr
 *
 * Runs another eclipselink-server command with the server's environment and waits for it.
 *
 * Returns: its exit status
 */
int
el_test_server_run (ElTestServer *self, const char *const *args, char **out, char **err)
{
  g_autoptr (GSubprocessLauncher) launcher =
      new_launcher (self, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;

  g_ptr_array_add (argv, (gpointer) EL_SERVER_PATH);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &stdout_text, &stderr_text, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (proc))
    g_error ("eclipselink-server %s did not exit normally: %s", args[0], stderr_text);
  if (out != NULL)
    *out = g_steal_pointer (&stdout_text);
  if (err != NULL)
    *err = g_steal_pointer (&stderr_text);
  return g_subprocess_get_exit_status (proc);
}

static char *
read_file (const char *path)
{
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

static gboolean
process_running (ElTestServer *self)
{
  return self->proc != NULL && g_subprocess_get_identifier (self->proc) != NULL;
}

/**
 * el_test_server_start:
 * @self: a server, not started
 *
 * Runs `migrate` (unless disabled), starts `serve --port 0` and waits until it prints its
 * listening line. Fails the test if it does not.
 */
void
el_test_server_start (ElTestServer *self)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  gint64 deadline;

  g_assert_null (self->proc);

  if (self->migrate)
    {
      const char *migrate[] = { "migrate", NULL };
      g_autofree char *err = NULL;
      int status = el_test_server_run (self, migrate, NULL, &err);

      if (status != 0)
        g_error ("eclipselink-server migrate failed (%d): %s", status, err);
    }

  launcher = new_launcher (self, G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_stdout_file_path (launcher, self->stdout_path);
  g_subprocess_launcher_set_stderr_file_path (launcher, self->stderr_path);
  g_ptr_array_add (argv, (gpointer) EL_SERVER_PATH);
  g_ptr_array_add (argv, (gpointer) "serve");
  g_ptr_array_add (argv, (gpointer) "--port");
  g_ptr_array_add (argv, (gpointer) "0");
  for (guint i = 0; i < self->args->len; i++)
    g_ptr_array_add (argv, g_ptr_array_index (self->args, i));
  g_ptr_array_add (argv, NULL);
  self->proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + START_TIMEOUT_S * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      g_autofree char *out = read_file (self->stdout_path);
      const char *newline = strchr (out, '\n');

      if (newline != NULL)
        {
          g_autofree char *line = g_strndup (out, (gsize) (newline - out));
          const char *colon;

          if (!g_str_has_prefix (line, "listening on http://") || !g_str_has_suffix (line, "/"))
            g_error ("unexpected first line on stdout: %s", line);
          self->url =
              g_strndup (line + strlen ("listening on "), strlen (line) - strlen ("listening on ") - 1);
          colon = strrchr (self->url, ':');
          g_assert_nonnull (colon);
          self->port = (guint) g_ascii_strtoull (colon + 1, NULL, 10);
          g_assert_cmpuint (self->port, >, 0);
          return;
        }
      if (!process_running (self))
        {
          g_autofree char *err = read_file (self->stderr_path);

          g_error ("eclipselink-server serve exited before listening: %s", err);
        }
      g_usleep (10 * 1000);
    }
  g_error ("eclipselink-server serve did not print its listening line in %d s", START_TIMEOUT_S);
}

/* "http://127.0.0.1:PORT" (no trailing slash). */
const char *
el_test_server_get_url (ElTestServer *self)
{
  return self->url;
}

/* The base URL followed by @path ("/api/health"). */
char *
el_test_server_url (ElTestServer *self, const char *path)
{
  return g_strconcat (self->url, path, NULL);
}

guint
el_test_server_get_port (ElTestServer *self)
{
  return self->port;
}

/* The running server's process id as text, e.g. for /proc paths. */
const char *
el_test_server_get_pid (ElTestServer *self)
{
  g_assert_nonnull (self->proc);
  return g_subprocess_get_identifier (self->proc);
}

/* For crash tests on a server started with EL_FAULT set: TRUE when its build has the fault hook
 * (it logged `fault_injection`); otherwise the test fails — never skips: a build that cannot prove
 * the crash-after-commit guarantee must not pass (configure with -Dfault_injection=true). */
gboolean
el_test_server_require_fault_hook (ElTestServer *self)
{
  g_autofree char *log = el_test_server_get_stderr (self);

  if (strstr (log, "\"event\":\"fault_injection\"") != NULL)
    return TRUE;
  g_test_fail_printf ("this build has no fault hook: configure with -Dfault_injection=true");
  return FALSE;
}

/* How many file descriptors the running server holds open (from /proc/PID/fd). */
guint
el_test_server_count_fds (ElTestServer *self)
{
  g_autofree char *path = g_build_filename ("/proc", el_test_server_get_pid (self), "fd", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) dir = g_dir_open (path, 0, &error);
  guint n = 0;

  g_assert_no_error (error);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

const char *
el_test_server_get_dir (ElTestServer *self)
{
  return self->dir;
}

const char *
el_test_server_get_database_path (ElTestServer *self)
{
  return self->db_path;
}

const char *
el_test_server_get_storage_dir (ElTestServer *self)
{
  return self->storage_dir;
}

void
el_test_server_send_signal (ElTestServer *self, int signum)
{
  g_assert_nonnull (self->proc);
  g_subprocess_send_signal (self->proc, signum);
}

/**
 * el_test_server_wait:
 * @self: a started server
 *
 * Waits (at most 30 s, then fails) for the server to exit by itself.
 *
 * Returns: its exit status; fails the test if a signal killed it
 */
int
el_test_server_wait (ElTestServer *self)
{
  gint64 deadline = g_get_monotonic_time () + STOP_TIMEOUT_S * G_USEC_PER_SEC;

  g_assert_nonnull (self->proc);
  if (self->waited)
    return self->exit_status;

  while (process_running (self) && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  if (process_running (self))
    {
      g_subprocess_force_exit (self->proc);
      g_subprocess_wait (self->proc, NULL, NULL);
      self->waited = TRUE;
      g_error ("eclipselink-server did not exit within %d s", STOP_TIMEOUT_S);
    }
  g_subprocess_wait (self->proc, NULL, NULL);
  self->waited = TRUE;
  if (!g_subprocess_get_if_exited (self->proc))
    {
      g_autofree char *err = read_file (self->stderr_path);

      g_error ("eclipselink-server was killed by signal %d: %s", g_subprocess_get_term_sig (self->proc), err);
    }
  self->exit_status = g_subprocess_get_exit_status (self->proc);
  return self->exit_status;
}

/* SIGTERM, then el_test_server_wait(). */
int
el_test_server_stop (ElTestServer *self)
{
  if (!self->waited)
    el_test_server_send_signal (self, SIGTERM);
  return el_test_server_wait (self);
}

/* Everything the server wrote on stdout so far. */
char *
el_test_server_get_stdout (ElTestServer *self)
{
  return read_file (self->stdout_path);
}

/* Everything the server wrote on stderr so far (its JSON log lines). */
char *
el_test_server_get_stderr (ElTestServer *self)
{
  return read_file (self->stderr_path);
}
