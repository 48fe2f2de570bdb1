/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * Running the real `eclipselink-cli` (built in EL_BUILD_ROOT/src/cli) from the CLI and crash tests.
 * Header-only helpers (static functions), so each test program takes what it uses.
 */

typedef struct
{
  int status; /* exit status; -1 when a signal ended it */
  int signal; /* the signal, or 0 */
  char *out;
  char *err;
} CliRun;

static void G_GNUC_UNUSED
cli_run_free (CliRun *run)
{
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliRun, cli_run_free)

static char *G_GNUC_UNUSED
cli_path (void)
{
  const char *root = g_getenv ("EL_BUILD_ROOT");

  g_assert_nonnull (root);
  return g_build_filename (root, "src", "cli", "eclipselink-cli", NULL);
}

/* Starts `eclipselink-cli --server @server_url --data-dir @data_dir ARGS...` with its stdin, stdout and
 * stderr piped, ECLIPSELINK_SERVER unset, and TMPDIR=@tmpdir unless @tmpdir is NULL. */
static GSubprocess *G_GNUC_UNUSED
cli_spawn (const char *server_url, const char *data_dir, const char *const *args, const char *tmpdir)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (
      G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  GSubprocess *proc;

  g_ptr_array_add (argv, cli_path ());
  g_ptr_array_add (argv, g_strdup ("--server"));
  g_ptr_array_add (argv, g_strdup (server_url));
  g_ptr_array_add (argv, g_strdup ("--data-dir"));
  g_ptr_array_add (argv, g_strdup (data_dir));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_unsetenv (launcher, "ECLIPSELINK_SERVER");
  /* direct connections to 127.0.0.1: no system proxy lookup (libproxy throws C++ exceptions under
   * ASan); the CLI itself uses the system's proxy settings */
  g_subprocess_launcher_setenv (launcher, "GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  if (tmpdir != NULL)
    g_subprocess_launcher_setenv (launcher, "TMPDIR", tmpdir, TRUE);
  proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  return proc;
}

/* Writes @input (may be NULL) to @proc and waits for it: its output and how it ended. */
static CliRun *G_GNUC_UNUSED
cli_communicate (GSubprocess *proc, const char *input)
{
  g_autoptr (GError) error = NULL;
  CliRun *run = g_new0 (CliRun, 1);

  g_subprocess_communicate_utf8 (proc, input, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_if_exited (proc))
    run->status = g_subprocess_get_exit_status (proc);
  else
    {
      run->status = -1;
      run->signal = g_subprocess_get_term_sig (proc);
    }
  return run;
}

/* The next handoff of a `census --json` answer's @patients, from *@index on, that may be edited
 * (neither acknowledged nor cancelled); NULL when there is none. */
static JsonObject *G_GNUC_UNUSED
cli_next_editable_handoff (JsonArray *patients, guint *index)
{
  while (*index < json_array_get_length (patients))
    {
      JsonObject *entry = json_array_get_object_element (patients, (*index)++);
      JsonObject *handoff;
      const char *status;

      if (json_object_get_null_member (entry, "handoff"))
        continue;
      handoff = json_object_get_object_member (entry, "handoff");
      status = json_object_get_string_member (handoff, "status");
      if (g_strcmp0 (status, "acknowledged") == 0 || g_strcmp0 (status, "cancelled") == 0)
        continue;
      return handoff;
    }
  return NULL;
}

static JsonObject *G_GNUC_UNUSED
parse_object (const char *text, JsonNode **keep)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  *keep = node;
  return json_node_get_object (node);
}

G_END_DECLS
