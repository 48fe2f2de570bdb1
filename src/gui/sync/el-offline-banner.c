/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "el-offline-banner.h"
#include "el-sync-monitor.h"

struct _ElOfflineBanner
{
  GtkWidget parent_instance;

  ElContext *context;
  ElSyncMonitor *monitor;

  GtkRevealer *revealer;
  GtkLabel *label;
  GtkButton *retry_button;

  gboolean revealed;
};

enum
{
  PROP_0,
  PROP_CONTEXT,
  PROP_REVEALED,
  PROP_RETRY_INTERVAL_MS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ElOfflineBanner, el_offline_banner, GTK_TYPE_WIDGET)

static void
update (ElOfflineBanner *self)
{
  gboolean offline = el_sync_monitor_get_offline (self->monitor);

  gtk_revealer_set_reveal_child (self->revealer, offline);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "banner.retry", offline);
  if (self->revealed != offline)
    {
      self->revealed = offline;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVEALED]);
    }
}

static void
monitor_changed_cb (ElSyncMonitor *monitor, gpointer user_data)
{
  (void) monitor;
  update (EL_OFFLINE_BANNER (user_data));
}

static void
retry_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ElOfflineBanner *self = EL_OFFLINE_BANNER (widget);

  (void) action_name;
  (void) parameter;
  el_sync_monitor_sync_now (self->monitor);
}

static void
el_offline_banner_constructed (GObject *object)
{
  ElOfflineBanner *self = EL_OFFLINE_BANNER (object);

  G_OBJECT_CLASS (el_offline_banner_parent_class)->constructed (object);

  g_return_if_fail (EL_IS_CONTEXT (self->context));
  self->monitor = el_sync_monitor_new (self->context);
  g_signal_connect (self->monitor, "changed", G_CALLBACK (monitor_changed_cb), self);
  update (self);
}

static void
el_offline_banner_dispose (GObject *object)
{
  ElOfflineBanner *self = EL_OFFLINE_BANNER (object);

  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
  if (self->revealer != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->revealer));
      self->revealer = NULL;
      self->label = NULL;
      self->retry_button = NULL;
    }
  g_clear_object (&self->context);

  G_OBJECT_CLASS (el_offline_banner_parent_class)->dispose (object);
}

static void
el_offline_banner_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElOfflineBanner *self = EL_OFFLINE_BANNER (object);

  switch (prop_id)
    {
      case PROP_CONTEXT:
        g_value_set_object (value, self->context);
        break;
      case PROP_REVEALED:
        g_value_set_boolean (value, self->revealed);
        break;
      case PROP_RETRY_INTERVAL_MS:
        g_value_set_uint (value, self->monitor != NULL ? el_sync_monitor_get_retry_interval (self->monitor)
                                                       : EL_SYNC_MONITOR_DEFAULT_RETRY_MS);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_offline_banner_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElOfflineBanner *self = EL_OFFLINE_BANNER (object);

  switch (prop_id)
    {
      case PROP_CONTEXT:
        self->context = g_value_dup_object (value);
        break;
      case PROP_RETRY_INTERVAL_MS:
        if (self->monitor != NULL &&
            el_sync_monitor_get_retry_interval (self->monitor) != g_value_get_uint (value))
          {
            el_sync_monitor_set_retry_interval (self->monitor, g_value_get_uint (value));
            g_object_notify_by_pspec (object, pspec);
          }
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_offline_banner_class_init (ElOfflineBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = el_offline_banner_constructed;
  object_class->dispose = el_offline_banner_dispose;
  object_class->get_property = el_offline_banner_get_property;
  object_class->set_property = el_offline_banner_set_property;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, EL_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REVEALED] = g_param_spec_boolean (
      "revealed", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_RETRY_INTERVAL_MS] =
      g_param_spec_uint ("retry-interval-ms", NULL, NULL, 0, G_MAXUINT, EL_SYNC_MONITOR_DEFAULT_RETRY_MS,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "banner.retry", NULL, retry_activated);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "el-offline-banner");
}

static void
el_offline_banner_init (ElOfflineBanner *self)
{
  GtkWidget *box;
  GtkWidget *icon;

  self->revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_widget_set_name (GTK_WIDGET (self->revealer), "offline-banner-revealer");
  gtk_revealer_set_transition_type (self->revealer, GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);
  gtk_widget_set_parent (GTK_WIDGET (self->revealer), GTK_WIDGET (self));

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_add_css_class (box, "el-banner");
  gtk_widget_add_css_class (box, "toolbar");
  gtk_revealer_set_child (self->revealer, box);

  icon = gtk_image_new_from_icon_name ("network-offline-symbolic");
  gtk_widget_set_margin_start (icon, 6);
  gtk_box_append (GTK_BOX (box), icon);

  self->label = GTK_LABEL (
      gtk_label_new (_ ("Offline — changes are saved on this PC and sent when the server is back.")));
  gtk_widget_set_name (GTK_WIDGET (self->label), "offline-banner-label");
  gtk_label_set_wrap (self->label, TRUE);
  gtk_label_set_xalign (self->label, 0.0);
  gtk_widget_set_hexpand (GTK_WIDGET (self->label), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->label));

  self->retry_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_ ("_Retry")));
  gtk_widget_set_name (GTK_WIDGET (self->retry_button), "offline-banner-retry");
  gtk_widget_set_valign (GTK_WIDGET (self->retry_button), GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->retry_button), "banner.retry");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->retry_button), _ ("Try to reach the server now"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->retry_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Retry: try to reach the server now"), -1);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->retry_button));
}

GtkWidget *
el_offline_banner_new (ElContext *ctx)
{
  g_return_val_if_fail (EL_IS_CONTEXT (ctx), NULL);

  return g_object_new (EL_TYPE_OFFLINE_BANNER, "context", ctx, NULL);
}

gboolean
el_offline_banner_get_revealed (ElOfflineBanner *self)
{
  g_return_val_if_fail (EL_IS_OFFLINE_BANNER (self), FALSE);
  return self->revealed;
}
