/* SPDX-License-Identifier: GPL-3.0-or-later */
/* eclipselink-server: the cloud API of EclipseLink Handoff and its administration commands. */
#include "config.h"

#include <glib.h>
#include <locale.h>
#include <stdio.h>

#include "el-cmd-db.h"
#include "el-cmd-serve.h"
#include "el-cmd-seed.h"
#include "el-cmd-users.h"
#include "el-commands.h"

static const ElCommand commands[] = {
  { "serve", "Serve the API until SIGTERM; prints `listening on http://HOST:PORT/`", el_cmd_serve },
  { "migrate", "Create or upgrade the database at DATABASE_URL", el_cmd_migrate },
  { "check", "Check integrity, foreign keys, the audit chain (and sealed values)", el_cmd_check },
  { "backup", "Copy the database to FILE (safe while serving), then check the copy", el_cmd_backup },
  { "restore", "Replace the database with a checked backup FILE (server stopped)", el_cmd_restore },
  { "create-unit", "Create a nursing unit: CODE --name NAME [--floor F] [--beds N]", el_cmd_create_unit },
  { "create-user", "Create an account: EMAIL --name NAME --role ROLE [--unit CODE]", el_cmd_create_user },
  { "seed-demo", "Fill an empty database with the demo hospital (or a bigger one: --scale N)",
    el_cmd_seed_demo },
  { NULL, NULL, NULL },
};

int
el_command_fail (int status, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("eclipselink-server: %s\n", message);
  return status;
}

static void
print_help (FILE *out)
{
  fprintf (out, "Usage:\n"
                "  eclipselink-server COMMAND [OPTION…]\n"
                "\n"
                "The cloud API of EclipseLink Handoff: authentication, unit census, handoffs, recordings,\n"
                "SBAR versions and the change feed, on SQLite.\n"
                "\n"
                "Commands:\n");
  for (const ElCommand *c = commands; c->name != NULL; c++)
    fprintf (out, "  %-14s %s\n", c->name, c->summary);
  fprintf (out, "\n"
                "Options:\n"
                "  -h, --help     Show this help\n"
                "  -v, --version  Print the version and exit\n"
                "\n"
                "Run 'eclipselink-server COMMAND --help' for a command's options. Configuration comes from\n"
                "the environment (PORT, DATABASE_URL, JWT_SECRET, ENCRYPTION_KEY, ...): see .env.example.\n");
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "");

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      print_help (argc < 2 ? stderr : stdout);
      return argc < 2 ? EL_EXIT_USAGE : EL_EXIT_OK;
    }

  if (g_str_equal (argv[1], "--version") || g_str_equal (argv[1], "-v"))
    {
      g_print ("eclipselink-server %s\n", PACKAGE_VERSION);
      return EL_EXIT_OK;
    }

  if (argv[1][0] == '-')
    {
      g_printerr ("eclipselink-server: unknown option %s\n", argv[1]);
      g_printerr ("Try 'eclipselink-server --help'.\n");
      return EL_EXIT_USAGE;
    }

  for (const ElCommand *c = commands; c->name != NULL; c++)
    if (g_str_equal (argv[1], c->name))
      return c->run (argc - 1, argv + 1);

  g_printerr ("eclipselink-server: unknown command '%s'\n", argv[1]);
  g_printerr ("Try 'eclipselink-server --help'.\n");
  return EL_EXIT_USAGE;
}
