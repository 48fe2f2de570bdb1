/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "el-attention-dialog.h"
#include "el-gui-labels.h"

struct _ElAttentionDialog
{
  AdwWindow parent_instance;

  ElContext *context;
  ElSync *sync;
  GCancellable *cancellable;        /* retry / discard; cancelled in dispose */
  GCancellable *reload_cancellable; /* the running reload */

  GtkStack *stack;
  GtkListBox *list;

  guint n_items;
  gboolean loading;
};

enum
{
  PROP_0,
  PROP_CONTEXT,
  PROP_N_ITEMS,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ElAttentionDialog, el_attention_dialog, ADW_TYPE_WINDOW)

/* ------------------------------------------------------------------------------------------------
 * Words
 */

const char *
el_attention_kind_label (const char *kind)
{
  if (g_strcmp0 (kind, EL_STORE_OP_SBAR_CREATE) == 0)
    return _ ("SBAR version");
  if (g_strcmp0 (kind, EL_STORE_OP_HANDOFF_CREATE) == 0)
    return _ ("New handoff");
  if (g_strcmp0 (kind, EL_STORE_OP_HANDOFF_PATCH) == 0)
    return _ ("Handoff change");
  if (g_strcmp0 (kind, "handoff.sign") == 0)
    return _ ("Signature");
  if (g_strcmp0 (kind, EL_STORE_OP_HANDOFF_ACKNOWLEDGE) == 0)
    return _ ("Acknowledgment");
  if (g_strcmp0 (kind, EL_STORE_OP_RECORDING_UPLOAD) == 0)
    return _ ("Recording");
  return _ ("Change");
}

char *
el_attention_reason_text (guint http_status, const char *last_error)
{
  switch (http_status)
    {
      case 403:
        return g_strdup (_ ("You don't have access to this patient's unit"));
      case 404:
        return g_strdup (_ ("The handoff no longer exists on the server"));
      case 409:
        return g_strdup (_ ("The handoff's status does not allow this change any more"));
      case 412:
      case 428:
        return g_strdup (_ ("The handoff was changed on the server since this change was made"));
      case 413:
        return g_strdup (_ ("The recording is too large for the server"));
      case 423:
        return g_strdup (_ ("The handoff is already acknowledged and locked"));
      case 422:
        return g_strdup (_ ("The server could not accept the data"));
      default:
        break;
    }
  if (last_error != NULL && *last_error != '\0')
    return g_strdup (last_error);
  return g_strdup (_ ("The server did not accept this change"));
}

/* ------------------------------------------------------------------------------------------------
 * Retry and discard
 */

typedef struct
{
  ElAttentionDialog *self; /* valid while the cancellable is not cancelled */
  GCancellable *cancellable;
  ElStore *store;
  ElSync *sync;
  char *op_id;
} Action;

static void
action_free (Action *action)
{
  g_clear_object (&action->cancellable);
  g_clear_object (&action->store);
  g_clear_object (&action->sync);
  g_free (action->op_id);
  g_free (action);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Action, action_free)

static Action *
action_new (ElAttentionDialog *self, const char *op_id)
{
  Action *action = g_new0 (Action, 1);
  ElStore *store = el_context_get_store (self->context);

  action->self = self;
  action->cancellable = g_object_ref (self->cancellable);
  action->store = store != NULL ? g_object_ref (store) : NULL;
  action->sync = self->sync != NULL ? g_object_ref (self->sync) : NULL;
  action->op_id = g_strdup (op_id);
  return action;
}

static void
op_retried_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Action) action = user_data;
  g_autoptr (GError) error = NULL;

  if (!el_store_op_retry_finish (EL_STORE (source), result, &error))
    g_debug ("retrying op %s failed: %s %d", action->op_id, g_quark_to_string (error->domain), error->code);
  else if (action->sync != NULL)
    {
      el_sync_refresh_counts (action->sync);
      el_sync_request (action->sync, EL_SYNC_RUN_IGNORE_BACKOFF);
    }
  if (!g_cancellable_is_cancelled (action->cancellable))
    el_attention_dialog_reload (action->self);
}

static void
op_discarded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Action) action = user_data;
  g_autoptr (GError) error = NULL;

  if (!el_store_op_discard_finish (EL_STORE (source), result, &error))
    g_debug ("discarding op %s failed: %s %d", action->op_id, g_quark_to_string (error->domain), error->code);
  else if (action->sync != NULL)
    el_sync_refresh_counts (action->sync);
  if (!g_cancellable_is_cancelled (action->cancellable))
    el_attention_dialog_reload (action->self);
}

static void
row_set_busy (GtkWidget *row)
{
  for (GtkWidget *w = row; w != NULL; w = gtk_widget_get_parent (w))
    if (GTK_IS_LIST_BOX_ROW (w))
      {
        gtk_widget_set_sensitive (w, FALSE);
        break;
      }
}

static void
retry_clicked_cb (GtkButton *button, gpointer user_data)
{
  ElAttentionDialog *self = user_data;
  const char *op_id = g_object_get_data (G_OBJECT (button), "op-id");
  Action *action = action_new (self, op_id);

  if (action->store == NULL)
    {
      action_free (action);
      return;
    }
  row_set_busy (GTK_WIDGET (button));
  /* no cancellable: a change the nurse sent again goes on even when the dialog closes at once (the
   * callback only touches the dialog while action->cancellable is not cancelled) */
  el_store_op_retry_async (action->store, op_id, NULL, op_retried_cb, action);
}

static void
discard_response_cb (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  ElAttentionDialog *self = user_data;
  const char *op_id = g_object_get_data (G_OBJECT (dialog), "op-id");
  Action *action;

  if (g_strcmp0 (response, "discard") != 0)
    return;
  action = action_new (self, op_id);
  if (action->store == NULL)
    {
      action_free (action);
      return;
    }
  /* no cancellable: the nurse confirmed it (see retry_clicked_cb) */
  el_store_op_discard_async (action->store, op_id, NULL, op_discarded_cb, action);
}

static void
discard_clicked_cb (GtkButton *button, gpointer user_data)
{
  ElAttentionDialog *self = user_data;
  const char *op_id = g_object_get_data (G_OBJECT (button), "op-id");
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (
      adw_message_dialog_new (GTK_WINDOW (self), _ ("Discard this change?"), _ ("It cannot be undone.")));
  gtk_widget_set_name (GTK_WIDGET (dialog), "attention-discard-confirm");
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "discard",
                                    _ ("_Discard"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "op-id", g_strdup (op_id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (discard_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------------------------------------------
 * The list
 */

typedef struct
{
  ElAttentionDialog *self; /* valid while the cancellable is not cancelled */
  GCancellable *cancellable;
  ElStore *store;
  GPtrArray *ops;   /* (element-type ElStoreOp) */
  GPtrArray *names; /* patient display names, NULL when unknown */
  guint remaining;
} Reload;

typedef struct
{
  Reload *reload;
  guint index;
} Lookup;

static void
reload_free (Reload *reload)
{
  g_clear_object (&reload->cancellable);
  g_clear_object (&reload->store);
  g_clear_pointer (&reload->ops, g_ptr_array_unref);
  g_clear_pointer (&reload->names, g_ptr_array_unref);
  g_free (reload);
}

static void
set_loading (ElAttentionDialog *self, gboolean loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
set_n_items (ElAttentionDialog *self, guint n_items)
{
  gtk_stack_set_visible_child_name (self->stack, n_items > 0 ? "list" : "empty");
  if (self->n_items == n_items)
    return;
  self->n_items = n_items;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static void
clear_rows (ElAttentionDialog *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
}

static GtkWidget *
make_row (ElAttentionDialog *self, ElStoreOp *op, const char *patient_name)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *retry = gtk_button_new_with_mnemonic (_ ("_Retry"));
  GtkWidget *discard = gtk_button_new_with_mnemonic (_ ("_Discard"));
  const char *kind = el_attention_kind_label (op->kind);
  const char *patient = patient_name != NULL ? patient_name : _ ("a patient");
  g_autoptr (GDateTime) created = g_date_time_new_from_unix_utc (op->created_at / G_USEC_PER_SEC);
  g_autofree char *when = created != NULL ? el_gui_format_time (created) : g_strdup ("");
  g_autofree char *reason = el_attention_reason_text (op->http_status, op->last_error);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *retry_label = NULL;
  g_autofree char *discard_label = NULL;

  /* Translators: a rejected change in a list: "SBAR version for Jane Doe"; %1$s is what it was,
   * %2$s the patient's name (or "a patient") */
  title = g_strdup_printf (_ ("%1$s for %2$s"), kind, patient);
  /* Translators: %1$s is when the change was made ("14:05"), %2$s the server's reason */
  subtitle = g_strdup_printf (_ ("Made %1$s\n%2$s"), when, reason);

  gtk_widget_set_name (row, "attention-row");
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  g_object_set_data_full (G_OBJECT (row), "op-id", g_strdup (op->op_id), g_free);

  /* Translators: the accessible label of a button; %s is e.g. "SBAR version for Jane Doe" */
  retry_label = g_strdup_printf (_ ("Retry: %s"), title);
  gtk_widget_set_name (retry, "attention-retry");
  gtk_widget_set_valign (retry, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (retry, _ ("Send this change to the server again"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (retry), GTK_ACCESSIBLE_PROPERTY_LABEL, retry_label, -1);
  g_object_set_data_full (G_OBJECT (retry), "op-id", g_strdup (op->op_id), g_free);
  g_signal_connect_object (retry, "clicked", G_CALLBACK (retry_clicked_cb), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), retry);

  /* Translators: the accessible label of a button; %s is e.g. "SBAR version for Jane Doe" */
  discard_label = g_strdup_printf (_ ("Discard: %s"), title);
  gtk_widget_set_name (discard, "attention-discard");
  gtk_widget_set_valign (discard, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (discard, "destructive-action");
  gtk_widget_set_tooltip_text (discard, _ ("Remove this change from this PC"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (discard), GTK_ACCESSIBLE_PROPERTY_LABEL, discard_label, -1);
  g_object_set_data_full (G_OBJECT (discard), "op-id", g_strdup (op->op_id), g_free);
  g_signal_connect_object (discard, "clicked", G_CALLBACK (discard_clicked_cb), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), discard);

  return row;
}

static void
reload_step_done (Reload *reload)
{
  ElAttentionDialog *self = reload->self;

  g_assert (reload->remaining > 0);
  if (--reload->remaining > 0)
    return;
  if (g_cancellable_is_cancelled (reload->cancellable))
    {
      reload_free (reload);
      return;
    }

  clear_rows (self);
  for (guint i = 0; i < reload->ops->len; i++)
    gtk_list_box_append (self->list, make_row (self, g_ptr_array_index (reload->ops, i),
                                               g_ptr_array_index (reload->names, i)));
  set_n_items (self, reload->ops->len);
  set_loading (self, FALSE);
  reload_free (reload);
}

static void
patient_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Lookup *lookup = user_data;
  Reload *reload = lookup->reload;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElPatient) patient = el_store_get_patient_finish (EL_STORE (source), result, &error);

  if (patient != NULL)
    {
      const char *given = el_patient_get_given_name (patient);
      const char *family = el_patient_get_family_name (patient);
      g_autofree char *name =
          g_strstrip (g_strdup_printf ("%s %s", given != NULL ? given : "", family != NULL ? family : ""));

      if (*name != '\0')
        {
          g_free (g_ptr_array_index (reload->names, lookup->index));
          g_ptr_array_index (reload->names, lookup->index) = g_steal_pointer (&name);
        }
    }
  g_free (lookup);
  reload_step_done (reload);
}

static void
handoff_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Lookup *lookup = user_data;
  Reload *reload = lookup->reload;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElHandoff) handoff = el_store_get_handoff_finish (EL_STORE (source), result, &error);

  if (handoff != NULL && el_handoff_get_patient_id (handoff) != NULL &&
      !g_cancellable_is_cancelled (reload->cancellable))
    {
      el_store_get_patient_async (reload->store, el_handoff_get_patient_id (handoff), reload->cancellable,
                                  patient_cb, lookup);
      return;
    }
  g_free (lookup);
  reload_step_done (reload);
}

static void
ops_listed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Reload *reload = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ops = el_store_list_ops_finish (EL_STORE (source), result, &error);

  if (g_cancellable_is_cancelled (reload->cancellable))
    {
      reload_free (reload);
      return;
    }
  if (ops == NULL)
    {
      g_debug ("listing the ops that need attention failed: %s %d", g_quark_to_string (error->domain),
               error->code);
      ops = g_ptr_array_new_with_free_func ((GDestroyNotify) el_store_op_free);
    }

  reload->ops = g_steal_pointer (&ops);
  reload->names = g_ptr_array_new_full (reload->ops->len, g_free);
  g_ptr_array_set_size (reload->names, reload->ops->len);
  reload->remaining = reload->ops->len + 1;
  for (guint i = 0; i < reload->ops->len; i++)
    {
      ElStoreOp *op = g_ptr_array_index (reload->ops, i);
      Lookup *lookup;

      if (g_strcmp0 (op->resource_type, "handoff") != 0 || op->resource_id == NULL)
        {
          reload->remaining--;
          continue;
        }
      lookup = g_new0 (Lookup, 1);
      lookup->reload = reload;
      lookup->index = i;
      el_store_get_handoff_async (reload->store, op->resource_id, reload->cancellable, handoff_cb, lookup);
    }
  /* the extra step: the list is built once every lookup is done, even when there is none */
  reload_step_done (reload);
}

void
el_attention_dialog_reload (ElAttentionDialog *self)
{
  ElStore *store;
  Reload *reload;

  g_return_if_fail (EL_IS_ATTENTION_DIALOG (self));

  g_cancellable_cancel (self->reload_cancellable);
  g_clear_object (&self->reload_cancellable);
  if (self->context == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;

  store = el_context_get_store (self->context);
  if (store == NULL)
    {
      clear_rows (self);
      set_n_items (self, 0);
      set_loading (self, FALSE);
      return;
    }

  self->reload_cancellable = g_cancellable_new ();
  reload = g_new0 (Reload, 1);
  reload->self = self;
  reload->cancellable = g_object_ref (self->reload_cancellable);
  reload->store = g_object_ref (store);
  set_loading (self, TRUE);
  el_store_list_ops_async (store, EL_STORE_OP_FILTER_NEEDS_ATTENTION, reload->cancellable, ops_listed_cb,
                           reload);
}

/* ------------------------------------------------------------------------------------------------
 * Following the context
 */

static void
sync_cycle_finished_cb (ElSync *sync, const ElSyncStats *stats, const GError *error, gpointer user_data)
{
  (void) sync;
  (void) stats;
  (void) error;
  el_attention_dialog_reload (EL_ATTENTION_DIALOG (user_data));
}

static void
sync_count_changed_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  (void) object;
  (void) pspec;
  el_attention_dialog_reload (EL_ATTENTION_DIALOG (user_data));
}

static void
bind_sync (ElAttentionDialog *self, ElSync *sync)
{
  if (self->sync == sync)
    return;
  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  g_set_object (&self->sync, sync);
  if (sync == NULL)
    return;
  g_signal_connect (sync, "cycle-finished", G_CALLBACK (sync_cycle_finished_cb), self);
  g_signal_connect (sync, "notify::needs-attention-count", G_CALLBACK (sync_count_changed_cb), self);
}

static void
context_changed_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  ElAttentionDialog *self = user_data;

  (void) pspec;
  bind_sync (self, el_context_get_sync (EL_CONTEXT (object)));
  el_attention_dialog_reload (self);
}

static void
el_attention_dialog_constructed (GObject *object)
{
  ElAttentionDialog *self = EL_ATTENTION_DIALOG (object);

  G_OBJECT_CLASS (el_attention_dialog_parent_class)->constructed (object);

  g_return_if_fail (EL_IS_CONTEXT (self->context));
  g_signal_connect (self->context, "notify::sync", G_CALLBACK (context_changed_cb), self);
  g_signal_connect (self->context, "notify::store", G_CALLBACK (context_changed_cb), self);
  bind_sync (self, el_context_get_sync (self->context));
  el_attention_dialog_reload (self);
}

static void
el_attention_dialog_dispose (GObject *object)
{
  ElAttentionDialog *self = EL_ATTENTION_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->reload_cancellable);
  g_clear_object (&self->reload_cancellable);
  bind_sync (self, NULL);
  if (self->context != NULL)
    g_signal_handlers_disconnect_by_data (self->context, self);
  g_clear_object (&self->context);
  gtk_widget_dispose_template (GTK_WIDGET (self), EL_TYPE_ATTENTION_DIALOG);

  G_OBJECT_CLASS (el_attention_dialog_parent_class)->dispose (object);
}

static void
el_attention_dialog_finalize (GObject *object)
{
  ElAttentionDialog *self = EL_ATTENTION_DIALOG (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (el_attention_dialog_parent_class)->finalize (object);
}

static void
el_attention_dialog_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElAttentionDialog *self = EL_ATTENTION_DIALOG (object);

  switch (prop_id)
    {
      case PROP_CONTEXT:
        g_value_set_object (value, self->context);
        break;
      case PROP_N_ITEMS:
        g_value_set_uint (value, self->n_items);
        break;
      case PROP_LOADING:
        g_value_set_boolean (value, self->loading);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_attention_dialog_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElAttentionDialog *self = EL_ATTENTION_DIALOG (object);

  switch (prop_id)
    {
      case PROP_CONTEXT:
        self->context = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_attention_dialog_class_init (ElAttentionDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = el_attention_dialog_constructed;
  object_class->dispose = el_attention_dialog_dispose;
  object_class->finalize = el_attention_dialog_finalize;
  object_class->get_property = el_attention_dialog_get_property;
  object_class->set_property = el_attention_dialog_set_property;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, EL_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
      g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LOADING] = g_param_spec_boolean (
      "loading", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/ai/eclipselink/Handoff/el-attention-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ElAttentionDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, ElAttentionDialog, list);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
el_attention_dialog_init (ElAttentionDialog *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
el_attention_dialog_new (ElContext *ctx)
{
  g_return_val_if_fail (EL_IS_CONTEXT (ctx), NULL);

  return g_object_new (EL_TYPE_ATTENTION_DIALOG, "context", ctx, NULL);
}

guint
el_attention_dialog_get_n_items (ElAttentionDialog *self)
{
  g_return_val_if_fail (EL_IS_ATTENTION_DIALOG (self), 0);
  return self->n_items;
}

gboolean
el_attention_dialog_get_loading (ElAttentionDialog *self)
{
  g_return_val_if_fail (EL_IS_ATTENTION_DIALOG (self), FALSE);
  return self->loading;
}
