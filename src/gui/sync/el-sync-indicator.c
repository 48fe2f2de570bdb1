/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "el-attention-dialog.h"
#include "el-gui-labels.h"
#include "el-sync-indicator.h"
#include "el-sync-monitor.h"

struct _ElSyncIndicator
{
  GtkWidget parent_instance;

  ElContext *context;
  ElSyncMonitor *monitor;
  GtkWindow *attention_dialog; /* weak */

  GtkMenuButton *button;
  GtkImage *icon;
  GtkLabel *label;
  GtkPopover *popover;
  GtkLabel *title_label;
  GtkLabel *last_sync_label;
  GtkLabel *counts_label;
  GtkLabel *error_label;
  GtkLabel *details_label;
  GtkButton *review_button;
  GtkButton *conflicts_button;

  ElSyncIndicatorStatus status;
  char *status_text;
};

enum
{
  PROP_0,
  PROP_CONTEXT,
  PROP_STATUS,
  PROP_STATUS_TEXT,
  PROP_RETRY_INTERVAL_MS,
  N_PROPS
};

enum
{
  SIGNAL_SHOW_CONFLICTS,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ElSyncIndicator, el_sync_indicator, GTK_TYPE_WIDGET)

G_DEFINE_ENUM_TYPE (ElSyncIndicatorStatus,
                    el_sync_indicator_status,
                    G_DEFINE_ENUM_VALUE (EL_SYNC_INDICATOR_ONLINE, "online"),
                    G_DEFINE_ENUM_VALUE (EL_SYNC_INDICATOR_OFFLINE, "offline"),
                    G_DEFINE_ENUM_VALUE (EL_SYNC_INDICATOR_SYNCING, "syncing"),
                    G_DEFINE_ENUM_VALUE (EL_SYNC_INDICATOR_PENDING, "pending"),
                    G_DEFINE_ENUM_VALUE (EL_SYNC_INDICATOR_NEEDS_ATTENTION, "needs-attention"),
                    G_DEFINE_ENUM_VALUE (EL_SYNC_INDICATOR_CONFLICT, "conflict"))

static const char *
status_css_class (ElSyncIndicatorStatus status)
{
  switch (status)
    {
      case EL_SYNC_INDICATOR_NEEDS_ATTENTION:
      case EL_SYNC_INDICATOR_CONFLICT:
        return "error";
      case EL_SYNC_INDICATOR_OFFLINE:
        return "warning";
      case EL_SYNC_INDICATOR_SYNCING:
      case EL_SYNC_INDICATOR_PENDING:
      case EL_SYNC_INDICATOR_ONLINE:
      default:
        return NULL;
    }
}

static void
update (ElSyncIndicator *self)
{
  ElSyncMonitor *m = self->monitor;
  ElSyncIndicatorStatus status = el_sync_monitor_get_status (m);
  const char *text = el_sync_monitor_get_status_text (m);
  const char *error_text = el_sync_monitor_get_error_text (m);
  const char *details = el_sync_monitor_get_error_details (m);
  GDateTime *last_sync = el_sync_monitor_get_last_sync (m);
  gint64 pending = el_sync_monitor_get_pending (m);
  gint64 attention = el_sync_monitor_get_needs_attention (m);
  gint64 conflicts = el_sync_monitor_get_conflicts (m);
  ElSync *sync = el_sync_monitor_get_sync (m);
  g_autofree char *when = NULL;
  g_autofree char *last_sync_text = NULL;
  g_autoptr (GString) counts = g_string_new (NULL);
  g_autoptr (GString) accessible = g_string_new (NULL);
  static const char *const status_classes[] = { "error", "warning" };
  const char *css_class;

  gtk_image_set_from_icon_name (self->icon, el_sync_monitor_get_icon_name (m));
  gtk_label_set_label (self->label, text);
  gtk_label_set_label (self->title_label, text);
  css_class = status_css_class (status);
  for (guint i = 0; i < G_N_ELEMENTS (status_classes); i++)
    if (g_strcmp0 (css_class, status_classes[i]) == 0)
      gtk_widget_add_css_class (GTK_WIDGET (self->label), status_classes[i]);
    else
      gtk_widget_remove_css_class (GTK_WIDGET (self->label), status_classes[i]);

  if (last_sync != NULL)
    {
      when = el_gui_format_time (last_sync);
      /* Translators: %s is a time such as "14:05" or "Yesterday 22:10" */
      last_sync_text = g_strdup_printf (_ ("Last synced: %s"), when);
    }
  else
    last_sync_text = g_strdup (_ ("Last synced: Never"));
  gtk_label_set_label (self->last_sync_label, last_sync_text);

  if (pending > 0)
    g_string_append_printf (
        counts,
        ngettext ("%d change waiting to be sent.", "%d changes waiting to be sent.", (gulong) pending),
        (int) pending);
  if (attention > 0)
    {
      if (counts->len > 0)
        g_string_append_c (counts, '\n');
      g_string_append_printf (counts,
                              ngettext ("%d change was rejected by the server.",
                                        "%d changes were rejected by the server.", (gulong) attention),
                              (int) attention);
    }
  if (conflicts > 0)
    {
      if (counts->len > 0)
        g_string_append_c (counts, '\n');
      g_string_append_printf (counts,
                              ngettext ("%d conflict with a newer version.",
                                        "%d conflicts with newer versions.", (gulong) conflicts),
                              (int) conflicts);
    }
  gtk_label_set_label (self->counts_label, counts->str);
  gtk_widget_set_visible (GTK_WIDGET (self->counts_label), counts->len > 0);

  gtk_label_set_label (self->error_label, error_text != NULL ? error_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error_text != NULL);
  gtk_label_set_label (self->details_label, details != NULL ? details : "");
  gtk_widget_set_visible (GTK_WIDGET (self->details_label), error_text != NULL && details != NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->review_button), attention > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->conflicts_button), conflicts > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sync.now", sync != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sync.review", attention > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sync.resolve-conflicts", conflicts > 0);

  /* Translators: the accessible label of the header bar's sync button; %s is the state, e.g. "Offline" */
  g_string_append_printf (accessible, _ ("Sync status: %s."), text);
  g_string_append_c (accessible, ' ');
  g_string_append (accessible, last_sync_text);
  if (counts->len > 0)
    {
      g_string_append_c (accessible, ' ');
      g_string_append (accessible, counts->str);
    }
  if (error_text != NULL)
    {
      g_string_append_c (accessible, ' ');
      g_string_append (accessible, error_text);
    }
  g_strdelimit (accessible->str, "\n", ' ');
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible->str, -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), accessible->str);

  if (self->status != status)
    {
      self->status = status;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }
  if (g_strcmp0 (self->status_text, text) != 0)
    {
      g_free (self->status_text);
      self->status_text = g_strdup (text);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_TEXT]);
    }
}

static void
monitor_changed_cb (ElSyncMonitor *monitor, gpointer user_data)
{
  (void) monitor;
  update (EL_SYNC_INDICATOR (user_data));
}

static void
sync_now_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ElSyncIndicator *self = EL_SYNC_INDICATOR (widget);

  (void) action_name;
  (void) parameter;
  el_sync_monitor_sync_now (self->monitor);
}

static void
review_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ElSyncIndicator *self = EL_SYNC_INDICATOR (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  (void) action_name;
  (void) parameter;
  gtk_popover_popdown (self->popover);
  if (self->attention_dialog == NULL)
    {
      self->attention_dialog = GTK_WINDOW (el_attention_dialog_new (self->context));
      g_object_add_weak_pointer (G_OBJECT (self->attention_dialog), (gpointer *) &self->attention_dialog);
      if (GTK_IS_WINDOW (root))
        {
          gtk_window_set_transient_for (self->attention_dialog, GTK_WINDOW (root));
          gtk_window_set_destroy_with_parent (self->attention_dialog, TRUE);
        }
    }
  gtk_window_present (self->attention_dialog);
}

static void
resolve_conflicts_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ElSyncIndicator *self = EL_SYNC_INDICATOR (widget);

  (void) action_name;
  (void) parameter;
  gtk_popover_popdown (self->popover);
  g_signal_emit (self, signals[SIGNAL_SHOW_CONFLICTS], 0);
}

static void
el_sync_indicator_constructed (GObject *object)
{
  ElSyncIndicator *self = EL_SYNC_INDICATOR (object);

  G_OBJECT_CLASS (el_sync_indicator_parent_class)->constructed (object);

  g_return_if_fail (EL_IS_CONTEXT (self->context));
  self->monitor = el_sync_monitor_new (self->context);
  g_signal_connect (self->monitor, "changed", G_CALLBACK (monitor_changed_cb), self);
  update (self);
}

static void
el_sync_indicator_dispose (GObject *object)
{
  ElSyncIndicator *self = EL_SYNC_INDICATOR (object);

  if (self->attention_dialog != NULL)
    {
      GtkWindow *dialog = self->attention_dialog;

      g_object_remove_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->attention_dialog);
      self->attention_dialog = NULL;
      gtk_window_destroy (dialog);
    }
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);
  gtk_widget_dispose_template (GTK_WIDGET (self), EL_TYPE_SYNC_INDICATOR);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (el_sync_indicator_parent_class)->dispose (object);
}

static void
el_sync_indicator_finalize (GObject *object)
{
  ElSyncIndicator *self = EL_SYNC_INDICATOR (object);

  g_free (self->status_text);

  G_OBJECT_CLASS (el_sync_indicator_parent_class)->finalize (object);
}

static void
el_sync_indicator_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElSyncIndicator *self = EL_SYNC_INDICATOR (object);

  switch (prop_id)
    {
      case PROP_CONTEXT:
        g_value_set_object (value, self->context);
        break;
      case PROP_STATUS:
        g_value_set_enum (value, self->status);
        break;
      case PROP_STATUS_TEXT:
        g_value_set_string (value, self->status_text);
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
el_sync_indicator_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElSyncIndicator *self = EL_SYNC_INDICATOR (object);

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
el_sync_indicator_class_init (ElSyncIndicatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = el_sync_indicator_constructed;
  object_class->dispose = el_sync_indicator_dispose;
  object_class->finalize = el_sync_indicator_finalize;
  object_class->get_property = el_sync_indicator_get_property;
  object_class->set_property = el_sync_indicator_set_property;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, EL_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
      g_param_spec_enum ("status", NULL, NULL, EL_TYPE_SYNC_INDICATOR_STATUS, EL_SYNC_INDICATOR_ONLINE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STATUS_TEXT] = g_param_spec_string (
      "status-text", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* after "context" (construct-time properties are set before constructed(): a non-construct
   * property is set after it, when the monitor exists) */
  properties[PROP_RETRY_INTERVAL_MS] =
      g_param_spec_uint ("retry-interval-ms", NULL, NULL, 0, G_MAXUINT, EL_SYNC_MONITOR_DEFAULT_RETRY_MS,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_SHOW_CONFLICTS] = g_signal_new ("show-conflicts", G_TYPE_FROM_CLASS (klass),
                                                 G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/eclipselink/Handoff/el-sync-indicator.ui");
  gtk_widget_class_bind_template_child (widget_class, ElSyncIndicator, button);
  gtk_widget_class_bind_template_child (widget_class, ElSyncIndicator, icon);
  gtk_widget_class_bind_template_child (widget_class, ElSyncIndicator, label);
  gtk_widget_class_bind_template_child (widget_class, ElSyncIndicator, popover);
  gtk_widget_class_bind_template_child (widget_class, ElSyncIndicator, title_label);
  gtk_widget_class_bind_template_child (widget_class, ElSyncIndicator, last_sync_label);
  gtk_widget_class_bind_template_child (widget_class, ElSyncIndicator, counts_label);
  gtk_widget_class_bind_template_child (widget_class, ElSyncIndicator, error_label);
  gtk_widget_class_bind_template_child (widget_class, ElSyncIndicator, details_label);
  gtk_widget_class_bind_template_child (widget_class, ElSyncIndicator, review_button);
  gtk_widget_class_bind_template_child (widget_class, ElSyncIndicator, conflicts_button);

  gtk_widget_class_install_action (widget_class, "sync.now", NULL, sync_now_activated);
  gtk_widget_class_install_action (widget_class, "sync.review", NULL, review_activated);
  gtk_widget_class_install_action (widget_class, "sync.resolve-conflicts", NULL, resolve_conflicts_activated);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "el-sync-indicator");
}

static void
el_sync_indicator_init (ElSyncIndicator *self)
{
  self->status = EL_SYNC_INDICATOR_ONLINE;
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
el_sync_indicator_new (ElContext *ctx)
{
  g_return_val_if_fail (EL_IS_CONTEXT (ctx), NULL);

  return g_object_new (EL_TYPE_SYNC_INDICATOR, "context", ctx, NULL);
}

ElSyncIndicatorStatus
el_sync_indicator_get_status (ElSyncIndicator *self)
{
  g_return_val_if_fail (EL_IS_SYNC_INDICATOR (self), EL_SYNC_INDICATOR_ONLINE);
  return self->status;
}

const char *
el_sync_indicator_get_status_text (ElSyncIndicator *self)
{
  g_return_val_if_fail (EL_IS_SYNC_INDICATOR (self), NULL);
  return self->status_text;
}
