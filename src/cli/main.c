/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * eclipselink-cli: a headless client on the app's core (ElContext: ElSecrets, ElApiClient, ElStore,
 * ElSync) for administrators, support, scripts and tests.
 *
 *   eclipselink-cli [--server URL] [--data-dir DIR] [--json] COMMAND [ARGS...]
 *
 * Exit codes (also in `eclipselink-cli --help`):
 *   0  ok
 *   1  the operation failed: the server said no, a conflict, changes needing attention, a smoke
 *      check failed, a handoff or version not in the cache, logout refused (pending changes)
 *   2  usage error (bad command line)
 *   3  not signed in (no account remembered for this server, no key in the keyring, or the server
 *      ended the session)
 *   4  offline: the server could not be reached (network error, timeout)
 *   5  a local data problem: the cache is damaged or unreadable, the keyring is unavailable, a file
 *      could not be written
 *
 * Errors are one line on stderr (with --json, also an {"ok": false, "exit_code", "error"} document
 * on stdout); they never hold PHI, tokens or passwords. The command runs in a GMainLoop on the
 * services' async calls.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "el-cli.h"

#define DEFAULT_SERVER "http://127.0.0.1:8080"

static void
print_help (FILE *out)
{
  guint n = 0;
  const ElCliCommand *commands = el_cli_commands (&n);

  fprintf (out, "Usage: eclipselink-cli [--server URL] [--data-dir DIR] [--json] COMMAND [ARGS...]\n\n"
                "A headless EclipseLink Handoff client: the app's offline cache, keyring and sync engine.\n\n"
                "Options:\n"
                "  --server URL     the API server (default: $ECLIPSELINK_SERVER, else " DEFAULT_SERVER ")\n"
                "  --data-dir DIR   where the cache and cli.ini live (default: $XDG_DATA_HOME/eclipselink)\n"
                "  --json           machine-readable output (a JSON document on stdout) for every command\n"
                "  --help           this text;  --version  the version\n\n"
                "Commands:\n");
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *head = g_strdup_printf ("%s%s%s", commands[i].name,
                                               commands[i].usage[0] != '\0' ? " " : "", commands[i].usage);

      fprintf (out, "  %s\n      %s\n", head, commands[i].summary);
    }
  fprintf (out, "\n"
                "login reads the password from standard input (without echo on a terminal); edit reads\n"
                "a section's TEXT from standard input when it is \"-\" (keeps PHI out of the process list).\n"
                "Local commands (status, census, handoffs, sbar, history, edit, conflicts, export) read\n"
                "and write the encrypted cache only and work offline; `sync` pushes queued edits and pulls.\n"
                "logout deletes the cache (its key leaves the keyring); it refuses while edits are not\n"
                "on the server (exit 1) unless --force.\n\n"
                "Exit codes:\n"
                "  0  ok\n"
                "  1  the operation failed (the server said no, a conflict, a smoke check failed)\n"
                "  2  usage error\n"
                "  3  not signed in\n"
                "  4  offline: the server could not be reached\n"
                "  5  local data problem (damaged cache, keyring unavailable, file not writable)\n");
}

const char *
el_cli_option (ElCli *cli, const char *name)
{
  return g_hash_table_lookup (cli->options, name);
}

gboolean
el_cli_flag (ElCli *cli, const char *name)
{
  return g_hash_table_contains (cli->options, name);
}

/* --json, as soon as it is seen: usage errors then also print an error document */
static gboolean json_output;

static int usage_error (const char *format, ...) G_GNUC_PRINTF (1, 2);

static int
usage_error (const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("eclipselink-cli: %s (see eclipselink-cli --help)\n", message);
  if (json_output)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      g_autoptr (JsonNode) node = NULL;
      g_autoptr (JsonGenerator) gen = json_generator_new ();
      g_autofree char *text = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "ok");
      json_builder_add_boolean_value (b, FALSE);
      json_builder_set_member_name (b, "exit_code");
      json_builder_add_int_value (b, EL_CLI_EXIT_USAGE);
      json_builder_set_member_name (b, "error");
      json_builder_add_string_value (b, message);
      json_builder_end_object (b);
      node = json_builder_get_root (b);
      json_generator_set_root (gen, node);
      text = json_generator_to_data (gen, NULL);
      printf ("%s\n", text);
    }
  return EL_CLI_EXIT_USAGE;
}

/* Whether @opt is one of the command's options; *takes_value when it wants a value. */
static gboolean
find_option (const ElCliCommand *command, const char *opt, gboolean *takes_value)
{
  for (guint i = 0; command->options != NULL && command->options[i] != NULL; i++)
    {
      const char *spec = command->options[i];
      gsize len = strlen (spec);
      gboolean value = len > 0 && spec[len - 1] == '=';

      if (value)
        len--;
      if (strlen (opt) == len && strncmp (spec, opt, len) == 0)
        {
          *takes_value = value;
          return TRUE;
        }
    }
  return FALSE;
}

/* --name VALUE, --name=VALUE, --flag; "--" ends the options. Returns an exit code or -1. */
static int
parse_command_line (ElCli *cli, const ElCliCommand *command, int argc, char **argv)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  gboolean options_done = FALSE;

  for (int i = 0; i < argc; i++)
    {
      const char *arg = argv[i];
      g_autofree char *name = NULL;
      const char *value = NULL;
      const char *eq;
      gboolean takes_value = FALSE;

      if (options_done || arg[0] != '-' || strcmp (arg, "-") == 0)
        {
          g_ptr_array_add (args, g_strdup (arg));
          continue;
        }
      if (strcmp (arg, "--") == 0)
        {
          options_done = TRUE;
          continue;
        }
      if (!g_str_has_prefix (arg, "--"))
        return usage_error ("%s: unknown option %s", command->name, arg);
      /* the global --json may also follow the command (`transcribe FILE --json`) */
      if (strcmp (arg, "--json") == 0)
        {
          cli->json = json_output = TRUE;
          continue;
        }
      eq = strchr (arg, '=');
      name = eq != NULL ? g_strndup (arg + 2, (gsize) (eq - arg - 2)) : g_strdup (arg + 2);
      if (!find_option (command, name, &takes_value))
        return usage_error ("%s: unknown option --%s", command->name, name);
      if (takes_value)
        {
          if (eq != NULL)
            value = eq + 1;
          else if (i + 1 < argc)
            value = argv[++i];
          else
            return usage_error ("%s: --%s needs a value", command->name, name);
        }
      else if (eq != NULL)
        return usage_error ("%s: --%s takes no value", command->name, name);
      else
        value = "";
      if (g_hash_table_contains (cli->options, name))
        return usage_error ("%s: --%s given twice", command->name, name);
      g_hash_table_insert (cli->options, g_steal_pointer (&name), g_strdup (value));
    }
  if (args->len < command->min_args || args->len > command->max_args)
    return usage_error ("usage: eclipselink-cli %s %s", command->name, command->usage);
  g_ptr_array_add (args, NULL);
  cli->args = (char **) g_ptr_array_free (g_steal_pointer (&args), FALSE);
  return -1;
}

static gboolean
start_command_cb (gpointer user_data)
{
  ElCli *cli = user_data;
  guint n = 0;
  const ElCliCommand *commands = el_cli_commands (&n);

  for (guint i = 0; i < n; i++)
    if (strcmp (commands[i].name, cli->command) == 0)
      commands[i].run (cli);
  return G_SOURCE_REMOVE;
}

/*
 * Workaround: ElStore joins its worker thread in finalize, except when its last reference goes away
 * on the worker itself (the worker drops each job's GTask after the job: when that was the last
 * reference, the thread is left to exit on its own). A process that returns from main() right
 * after el_store_close_finish() can then exit while the worker is still ending, and OpenSSL's
 * per-thread state of that thread is never freed (LeakSanitizer reports it). So: keep a reference,
 * wait (at most 5 s) until it is the last one, and drop it here, which joins the worker.
 */
static void
release_store (ElCli *cli)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  if (cli->closed_store == NULL)
    return;
  g_clear_object (&cli->context);
  while (g_atomic_int_get (&G_OBJECT (cli->closed_store)->ref_count) > 1 &&
         g_get_monotonic_time () < deadline)
    g_usleep (1000);
  g_clear_object (&cli->closed_store);
}

static void
cli_clear (ElCli *cli)
{
  release_store (cli);
  g_clear_object (&cli->context);
  g_clear_object (&cli->cancellable);
  g_clear_pointer (&cli->loop, g_main_loop_unref);
  g_clear_pointer (&cli->options, g_hash_table_unref);
  g_clear_pointer (&cli->args, g_strfreev);
  g_free (cli->server_url);
  g_free (cli->data_dir);
  g_free (cli->config_path);
  g_free (cli->command);
  g_free (cli->account);
  g_free (cli->user_id);
  g_free (cli->unit_id);
}

int
main (int argc, char **argv)
{
  ElCli cli = { 0 };
  const ElCliCommand *commands;
  const ElCliCommand *command = NULL;
  guint n_commands = 0;
  int i;
  int status;

  setlocale (LC_ALL, "");
  g_set_prgname ("eclipselink-cli");
  commands = el_cli_commands (&n_commands);
  cli.options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  /* global options, before the command */
  for (i = 1; i < argc && argv[i][0] == '-'; i++)
    {
      const char *arg = argv[i];
      const char **target = NULL;

      if (strcmp (arg, "--help") == 0 || strcmp (arg, "-h") == 0)
        {
          print_help (stdout);
          cli_clear (&cli);
          return EL_CLI_EXIT_OK;
        }
      if (strcmp (arg, "--version") == 0)
        {
          printf ("eclipselink-cli %s\n", PACKAGE_VERSION);
          cli_clear (&cli);
          return EL_CLI_EXIT_OK;
        }
      if (strcmp (arg, "--json") == 0)
        {
          cli.json = json_output = TRUE;
          continue;
        }
      if (g_str_has_prefix (arg, "--server"))
        target = (const char **) &cli.server_url;
      else if (g_str_has_prefix (arg, "--data-dir"))
        target = (const char **) &cli.data_dir;
      if (target != NULL)
        {
          const char *name = target == (const char **) &cli.server_url ? "--server" : "--data-dir";
          const char *rest = arg + strlen (name);
          const char *value = NULL;

          if (rest[0] == '=')
            value = rest + 1;
          else if (rest[0] == '\0' && i + 1 < argc)
            value = argv[++i];
          if (rest[0] != '=' && rest[0] != '\0')
            target = NULL; /* e.g. --serverx */
          else if (value == NULL || value[0] == '\0')
            {
              cli_clear (&cli);
              return usage_error ("%s needs a value", name);
            }
          else
            {
              g_free ((char *) *target);
              *target = g_strdup (value);
              continue;
            }
        }
      cli_clear (&cli);
      return usage_error ("unknown option %s", arg);
    }
  if (i >= argc)
    {
      print_help (stderr);
      cli_clear (&cli);
      return EL_CLI_EXIT_USAGE;
    }
  if (strcmp (argv[i], "help") == 0)
    {
      print_help (stdout);
      cli_clear (&cli);
      return EL_CLI_EXIT_OK;
    }
  for (guint c = 0; c < n_commands; c++)
    if (strcmp (commands[c].name, argv[i]) == 0)
      command = &commands[c];
  if (command == NULL)
    {
      status = usage_error ("unknown command %s", argv[i]);
      cli_clear (&cli);
      return status;
    }
  cli.command = g_strdup (command->name);
  status = parse_command_line (&cli, command, argc - i - 1, argv + i + 1);
  if (status >= 0)
    {
      cli_clear (&cli);
      return status;
    }

  if (cli.server_url == NULL)
    {
      const char *env = g_getenv ("ECLIPSELINK_SERVER");

      cli.server_url = g_strdup (env != NULL && env[0] != '\0' ? env : DEFAULT_SERVER);
    }
  /* one spelling of the server everywhere (cli.ini group, keyring, cache name) */
  while (strlen (cli.server_url) > 0 && g_str_has_suffix (cli.server_url, "/"))
    cli.server_url[strlen (cli.server_url) - 1] = '\0';
  if (cli.data_dir == NULL)
    cli.data_dir = g_build_filename (g_get_user_data_dir (), "eclipselink", NULL);
  cli.config_path = g_build_filename (cli.data_dir, "cli.ini", NULL);
  cli.loop = g_main_loop_new (NULL, FALSE);
  cli.cancellable = g_cancellable_new ();
  cli.exit_code = EL_CLI_EXIT_FAILED;

  g_idle_add (start_command_cb, &cli);
  g_main_loop_run (cli.loop);

  status = cli.exit_code;
  cli_clear (&cli);
  return status;
}
