/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "el-application.h"
#include "el-preferences-window.h"
#include "el-window.h"

struct _ElApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (ElApplication, el_application, ADW_TYPE_APPLICATION)

static void
el_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (el_window_new (EL_APPLICATION (app)));

  gtk_window_present (window);
}

static void
quit_activated_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = quit_activated_cb },
};

static void
el_application_startup (GApplication *app)
{
  const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (el_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  /* app.preferences (Ctrl+,), app.about, app.help (F1) */
  el_prefs_install_actions (GTK_APPLICATION (app));
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
}

/* --server URL: the server of this run (the demo's), written to "api-url" before the window is
 * made, as the sign-in page's Server field would; this instance runs on its own (non-unique), so
 * an app already running elsewhere keeps its server. */
static int
el_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  const char *server = NULL;

  if (g_variant_dict_lookup (options, "server", "&s", &server))
    {
      g_autoptr (GUri) uri = g_uri_parse (server, G_URI_FLAGS_NONE, NULL);
      g_autoptr (GSettings) settings = NULL;

      if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
          (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
           g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
        {
          /* TRANSLATORS: --server is a command-line option; do not translate it */
          g_printerr (
              _ ("--server must be an http:// or https:// address, such as http://127.0.0.1:8080/\n"));
          return 2;
        }
      settings = g_settings_new (APP_ID);
      g_settings_set_string (settings, "api-url", server);
      g_settings_sync ();
      g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);
    }

  return -1; /* go on: register and activate */
}

static void
el_application_class_init (ElApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = el_application_activate;
  app_class->startup = el_application_startup;
  app_class->handle_local_options = el_application_handle_local_options;
}

static void
el_application_init (ElApplication *self)
{
  const GOptionEntry options[] = {
    { "server", 's', G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, NULL,
      N_ ("Address of the EclipseLink Handoff server to sign in to, for this run"), N_ ("URL") },
    G_OPTION_ENTRY_NULL,
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
}

ElApplication *
el_application_new (void)
{
  return g_object_new (EL_TYPE_APPLICATION, "application-id", APP_ID, "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/ai/eclipselink/Handoff", NULL);
}
