/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The About window and the app actions that open Preferences, About and Help. */
#include "config.h"

#include <glib/gi18n.h>

#include "el-help-window.h"
#include "el-preferences-window.h"

GtkWindow *
el_show_about (GtkWindow *parent)
{
  const char *developers[] = { "EclipseLink AI", NULL };
  GtkWidget *about = adw_about_window_new ();

  g_object_set (about, "application-name", _ ("EclipseLink Handoff"), "application-icon", APP_ID, "version",
                PACKAGE_VERSION, "developer-name", "EclipseLink AI", "developers", developers, "comments",
                _ ("Record shift handoffs as SBAR reports"), "license-type", GTK_LICENSE_GPL_3_0, "website",
                "https://eclipselink.ai/", "support-url", "https://eclipselink.ai/support/", "issue-url",
                "https://eclipselink.ai/support/", "copyright", "© 2026 EclipseLink AI",
                /* TRANSLATORS: put your name here, one per line */
                "translator-credits", _ ("translator-credits"), "release-notes-version", "0.1.0",
                "release-notes", _ ("<p>The first release of EclipseLink Handoff.</p>"), NULL);
  if (parent != NULL)
    {
      gtk_window_set_transient_for (GTK_WINDOW (about), parent);
      gtk_window_set_modal (GTK_WINDOW (about), TRUE);
    }
  gtk_window_present (GTK_WINDOW (about));
  return GTK_WINDOW (about);
}

static GtkWindow *
active_window (GtkApplication *app)
{
  return gtk_application_get_active_window (app);
}

/* One of each: the action again brings the open window to the front. */
static gboolean
present_existing (GtkApplication *app, GType type)
{
  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type))
      {
        gtk_window_present (GTK_WINDOW (l->data));
        return TRUE;
      }
  return FALSE;
}

static void
preferences_activated_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  g_autoptr (GSettings) settings = NULL;
  GtkWindow *parent;
  GtkWidget *prefs;

  if (present_existing (app, EL_TYPE_PREFERENCES_WINDOW))
    return;
  parent = active_window (app);
  settings = g_settings_new (APP_ID);
  prefs = el_preferences_window_new (settings);
  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (prefs), parent);
  gtk_window_set_application (GTK_WINDOW (prefs), app);
  gtk_window_present (GTK_WINDOW (prefs));
}

static void
about_activated_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  el_show_about (active_window (GTK_APPLICATION (user_data)));
}

static void
help_activated_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GtkWindow *parent;
  GtkWidget *help;

  if (present_existing (app, EL_TYPE_HELP_WINDOW))
    return;
  parent = active_window (app);
  help = el_help_window_new ();
  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (help), parent);
  gtk_window_set_application (GTK_WINDOW (help), app);
  gtk_window_present (GTK_WINDOW (help));
}

/* GTK 4.8's shortcuts window has an icon-only search toggle without a name; give it one. */
static void
label_search_toggles (GtkWidget *widget)
{
  if (GTK_IS_TOGGLE_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) == NULL)
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _ ("Search shortcuts"), -1);
      if (gtk_widget_get_tooltip_text (widget) == NULL)
        gtk_widget_set_tooltip_text (widget, _ ("Search shortcuts"));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    label_search_toggles (child);
}

void
el_prefs_fix_shortcuts_window (GtkShortcutsWindow *window)
{
  g_return_if_fail (GTK_IS_SHORTCUTS_WINDOW (window));
  label_search_toggles (GTK_WIDGET (window));
}

static void
window_added_cb (GtkApplication *app, GtkWindow *window)
{
  GtkShortcutsWindow *overlay;

  if (!GTK_IS_APPLICATION_WINDOW (window))
    return;
  overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
  if (overlay != NULL)
    el_prefs_fix_shortcuts_window (overlay);
}

static const GActionEntry prefs_actions[] = {
  { .name = "preferences", .activate = preferences_activated_cb },
  { .name = "about", .activate = about_activated_cb },
  { .name = "help", .activate = help_activated_cb },
};

void
el_prefs_install_actions (GtkApplication *app)
{
  const char *preferences_accels[] = { "<Control>comma", NULL };
  const char *help_accels[] = { "F1", NULL };

  g_return_if_fail (GTK_IS_APPLICATION (app));

  g_action_map_add_action_entries (G_ACTION_MAP (app), prefs_actions, G_N_ELEMENTS (prefs_actions), app);
  gtk_application_set_accels_for_action (app, "app.preferences", preferences_accels);
  gtk_application_set_accels_for_action (app, "app.help", help_accels);
  g_signal_connect (app, "window-added", G_CALLBACK (window_added_cb), NULL);
}
