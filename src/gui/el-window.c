/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "el-window.h"

struct _ElWindow
{
  AdwApplicationWindow parent_instance;

  GSettings *settings;

  AdwStatusPage *status_page;
};

G_DEFINE_FINAL_TYPE (ElWindow, el_window, ADW_TYPE_APPLICATION_WINDOW)

/* The window's size and state live in GSettings so the station PC reopens the app as it was. */
static void
el_window_restore_state (ElWindow *self)
{
  int width = g_settings_get_int (self->settings, "window-width");
  int height = g_settings_get_int (self->settings, "window-height");

  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
el_window_save_state (ElWindow *self)
{
  int width = 0;
  int height = 0;
  gboolean maximized = gtk_window_is_maximized (GTK_WINDOW (self));

  g_settings_set_boolean (self->settings, "window-maximized", maximized);
  if (maximized)
    return;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
}

static gboolean
el_window_close_request (GtkWindow *window)
{
  el_window_save_state (EL_WINDOW (window));

  return GTK_WINDOW_CLASS (el_window_parent_class)->close_request (window);
}

static void
el_window_dispose (GObject *object)
{
  ElWindow *self = EL_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), EL_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (el_window_parent_class)->dispose (object);
}

static void
el_window_class_init (ElWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = el_window_dispose;
  window_class->close_request = el_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/eclipselink/Handoff/el-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ElWindow, status_page);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
el_window_init (ElWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APP_ID);
  el_window_restore_state (self);
}

ElWindow *
el_window_new (ElApplication *application)
{
  g_return_val_if_fail (EL_IS_APPLICATION (application), NULL);

  return g_object_new (EL_TYPE_WINDOW, "application", application, NULL);
}
