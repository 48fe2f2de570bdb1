/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include "el-application.h"
#include "el-window.h"

static AdwStatusPage *
find_status_page (GtkWidget *widget)
{
  if (ADW_IS_STATUS_PAGE (widget))
    return ADW_STATUS_PAGE (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AdwStatusPage *found = find_status_page (child);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
activated_cb (GApplication *app, gpointer user_data)
{
  GtkWindow **out = user_data;
  *out = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_application_hold (app);
}

/* The app starts, presents one window, and that window shows the product name. */
static void
test_window_shows_product (void)
{
  g_autoptr (ElApplication) app = el_application_new ();
  g_autoptr (GError) error = NULL;
  GtkWindow *window = NULL;
  AdwStatusPage *page;

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (app, "activate", G_CALLBACK (activated_cb), &window);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));

  g_assert_nonnull (window);
  g_assert_true (EL_IS_WINDOW (window));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_cmpstr (gtk_window_get_title (window), ==, "EclipseLink Handoff");

  page = find_status_page (GTK_WIDGET (window));
  g_assert_nonnull (page);
  g_assert_cmpstr (adw_status_page_get_title (page), ==, "EclipseLink Handoff");
  g_assert_cmpstr (adw_status_page_get_icon_name (page), ==, APP_ID);

  /* Closing the window keeps its size in GSettings (memory backend in tests). */
  gtk_window_set_default_size (window, 1000, 700);
  gtk_window_close (window);
  {
    g_autoptr (GSettings) settings = g_settings_new (APP_ID);
    g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1000);
    g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 700);
  }

  g_application_release (G_APPLICATION (app));
}

int
main (int argc, char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/el/gui/window/shows-product", test_window_shows_product);

  return g_test_run ();
}
