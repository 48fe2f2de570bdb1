/* SPDX-License-Identifier: GPL-3.0-or-later */
/* eclipselink-server: the cloud API the app talks to. For now it answers --version and --help;
 * the commands (serve, migrate, seed-demo, ...) arrive with the server issue. */
#include "config.h"

#include <glib.h>
#include <locale.h>

static const char summary[] =
    "The cloud API of EclipseLink Handoff: authentication, unit census, handoffs, recordings,\n"
    "SBAR versions and the change feed, on SQLite.";

int
main (int argc, char *argv[])
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  gboolean version = FALSE;
  GOptionEntry entries[] = {
    { "version", 'v', 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL }, { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("COMMAND");
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, NULL);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("eclipselink-server: %s\n", error->message);
      g_printerr ("Try 'eclipselink-server --help'.\n");
      return 2;
    }

  if (version)
    {
      g_print ("eclipselink-server %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (argc > 1)
    {
      g_printerr ("eclipselink-server: unknown command '%s'\n", argv[1]);
      g_printerr ("Try 'eclipselink-server --help'.\n");
      return 2;
    }

  {
    g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
    g_print ("%s", help);
  }
  return 0;
}
