/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "el-application.h"
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
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
}

static void
el_application_class_init (ElApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = el_application_activate;
  app_class->startup = el_application_startup;
}

static void
el_application_init (ElApplication *self)
{
}

ElApplication *
el_application_new (void)
{
  return g_object_new (EL_TYPE_APPLICATION, "application-id", APP_ID, "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/ai/eclipselink/Handoff", NULL);
}
