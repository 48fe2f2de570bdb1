/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "el-acknowledge-dialog.h"
#include "el-completeness.h"
#include "el-gui-labels.h"
#include "el-sign-bar.h"
#include "el-sign-dialog.h"

struct _ElSignBar
{
  AdwBin parent_instance;

  ElContext *context;
  ElSbarEditor *editor;
  GSignalGroup *editor_signals;
  ElStore *store;
  ElSync *sync;
  gulong outbox_handler;
  gulong cycle_handler;

  GCancellable *cancellable;
  guint serial;
  ElHandoff *handoff;
  char *pending_kind; /* a queued handoff.sign / handoff.acknowledge of this handoff, or NULL */
  char *signer_name;
  char *acker_name;
  char *state_text;
  GtkWindow *dialog; /* weak */

  /* template */
  GtkLabel *state_label;
  GtkLabel *hint_label;
  GtkButton *sign_button;
  GtkButton *acknowledge_button;
};

G_DEFINE_FINAL_TYPE (ElSignBar, el_sign_bar, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_CONTEXT,
  PROP_EDITOR,
  PROP_STATE_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
my_id (ElSignBar *self)
{
  ElUser *user = el_context_get_user (self->context);

  return user != NULL ? el_user_get_id (user) : NULL;
}

static void
set_state_text (ElSignBar *self, const char *text, const char *hint)
{
  gtk_label_set_text (self->state_label, text != NULL ? text : "");
  gtk_label_set_text (self->hint_label, hint != NULL ? hint : "");
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), hint != NULL);
  if (g_strcmp0 (self->state_text, text) != 0)
    {
      g_free (self->state_text);
      self->state_text = g_strdup (text);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE_TEXT]);
    }
}

/* Everything shown from the handoff, the queued op and the editor's state. */
static void
update (ElSignBar *self)
{
  ElSbarEditor *e = self->editor;
  ElHandoff *h = self->handoff;
  g_autofree char *text = NULL;
  const char *hint = NULL;
  gboolean can_sign = FALSE, show_sign = FALSE, show_ack = FALSE, can_ack = FALSE;
  const char *me = my_id (self);

  if (e == NULL || h == NULL || el_sbar_editor_get_handoff_id (e) == NULL ||
      g_strcmp0 (el_sbar_editor_get_handoff_id (e), el_handoff_get_id (h)) != 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->sign_button), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->acknowledge_button), FALSE);
      set_state_text (self, NULL, NULL);
      return;
    }

  switch (el_handoff_get_status (h))
    {
      case EL_HANDOFF_STATUS_READY:
      case EL_HANDOFF_STATUS_DRAFT:
        {
          const char *outgoing = el_handoff_get_outgoing_nurse_id (h);
          int unconfirmed = el_sbar_editor_get_unconfirmed_count (e);

          show_sign = outgoing == NULL || g_strcmp0 (outgoing, me) == 0;
          if (el_handoff_get_status (h) == EL_HANDOFF_STATUS_READY)
            text = g_strdup (_ ("Ready to sign"));
          else
            text = g_strdup (_ ("Draft — save the report before signing"));
          if (!show_sign)
            hint = _ ("Only the outgoing nurse of this handoff can sign it.");
          else if (el_sbar_editor_get_loading (e))
            hint = NULL;
          else if (el_sbar_editor_get_read_only (e))
            hint = _ ("This handoff cannot change any more.");
          else if (el_sbar_editor_get_dirty (e))
            hint = _ ("Save your changes before signing.");
          else if (unconfirmed > 0)
            hint = _ ("Confirm the highlighted values before signing.");
          else if (el_sbar_editor_get_base_version (e) < 1)
            hint = _ ("Save the report before signing.");
          else
            can_sign = TRUE;
          break;
        }
      case EL_HANDOFF_STATUS_SIGNED:
        {
          g_autofree char *when = el_handoff_get_signed_at (h) != NULL
                                      ? el_gui_format_time (el_handoff_get_signed_at (h))
                                      : g_strdup ("");
          const char *receiving = el_handoff_get_receiving_nurse_id (h);
          gboolean mine = g_strcmp0 (el_handoff_get_signed_by (h), me) == 0;

          if (g_strcmp0 (self->pending_kind, "handoff.sign") == 0)
            text = g_strdup (_ ("Signed on this PC — sent when online"));
          else if (mine)
            /* Translators: "Signed by you at 14:05 — waiting for read-back" */
            text = g_strdup_printf (_ ("Signed by you at %s — waiting for read-back"), when);
          else
            /* Translators: "Signed by Avery Brooks at 14:05 — waiting for read-back" */
            text =
                g_strdup_printf (_ ("Signed by %s at %s — waiting for read-back"),
                                 self->signer_name != NULL ? self->signer_name : _ ("another nurse"), when);
          show_ack = !mine && (receiving == NULL || g_strcmp0 (receiving, me) == 0);
          can_ack = show_ack && self->pending_kind == NULL && !el_sbar_editor_get_loading (e) &&
                    !el_sbar_editor_get_dirty (e);
          if (show_ack && el_sbar_editor_get_dirty (e))
            hint = _ ("Your changes are not saved: a save voids the signature.");
          break;
        }
      case EL_HANDOFF_STATUS_ACKNOWLEDGED:
        {
          g_autofree char *when = el_handoff_get_acknowledged_at (h) != NULL
                                      ? el_gui_format_time (el_handoff_get_acknowledged_at (h))
                                      : g_strdup ("");
          gboolean mine = g_strcmp0 (el_handoff_get_acknowledged_by (h), me) == 0;

          if (g_strcmp0 (self->pending_kind, "handoff.acknowledge") == 0)
            text = g_strdup (_ ("Acknowledged on this PC — sent when online — read-only"));
          else if (mine)
            /* Translators: "Acknowledged by you at 14:05 — read-only" */
            text = g_strdup_printf (_ ("Acknowledged by you at %s — read-only"), when);
          else
            /* Translators: "Acknowledged by Avery Brooks at 14:05 — read-only" */
            text = g_strdup_printf (_ ("Acknowledged by %s at %s — read-only"),
                                    self->acker_name != NULL ? self->acker_name : _ ("another nurse"), when);
          break;
        }
      case EL_HANDOFF_STATUS_PROCESSING:
        text = g_strdup (_ ("The draft is being prepared — sign it once it is ready"));
        break;
      case EL_HANDOFF_STATUS_FAILED:
        text = g_strdup (_ ("Drafting failed — save the report yourself, then sign it"));
        break;
      case EL_HANDOFF_STATUS_CANCELLED:
        text = g_strdup (_ ("Cancelled — read-only"));
        break;
      default:
        break;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->sign_button), show_sign);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_button), can_sign && self->dialog == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->acknowledge_button), show_ack);
  gtk_widget_set_sensitive (GTK_WIDGET (self->acknowledge_button), can_ack && self->dialog == NULL);
  set_state_text (self, text, hint);
}

/* ---- reading the state: handoff → queued ops → names ---- */

typedef struct
{
  ElSignBar *self; /* a ref */
  guint serial;
  ElHandoff *handoff;
  char *pending_kind;
  char *signer_name;
} Load;

static void
load_free (Load *load)
{
  g_object_unref (load->self);
  g_clear_object (&load->handoff);
  g_free (load->pending_kind);
  g_free (load->signer_name);
  g_free (load);
}

static gboolean
load_current (Load *load, const GError *error)
{
  if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  return load->serial == load->self->serial;
}

static void
load_done (Load *load, char *acker_name)
{
  ElSignBar *self = load->self;

  g_set_object (&self->handoff, load->handoff);
  g_free (self->pending_kind);
  self->pending_kind = g_steal_pointer (&load->pending_kind);
  g_free (self->signer_name);
  self->signer_name = g_steal_pointer (&load->signer_name);
  g_free (self->acker_name);
  self->acker_name = acker_name;
  update (self);
  load_free (load);
}

static void
acker_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Load *load = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElUser) user = el_store_get_user_finish (EL_STORE (source), result, &error);

  if (!load_current (load, error))
    {
      load_free (load);
      return;
    }
  load_done (load, user != NULL ? g_strdup (el_user_get_name (user)) : NULL);
}

static void
signer_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Load *load = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElUser) user = el_store_get_user_finish (EL_STORE (source), result, &error);
  const char *acker;

  if (!load_current (load, error))
    {
      load_free (load);
      return;
    }
  load->signer_name = user != NULL ? g_strdup (el_user_get_name (user)) : NULL;
  acker = el_handoff_get_acknowledged_by (load->handoff);
  if (acker != NULL)
    el_store_get_user_async (EL_STORE (source), acker, load->self->cancellable, acker_cb, load);
  else
    load_done (load, NULL);
}

static void
ops_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Load *load = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ops = el_store_list_ops_finish (EL_STORE (source), result, &error);
  const char *id = el_handoff_get_id (load->handoff);
  const char *signer;

  if (!load_current (load, error))
    {
      load_free (load);
      return;
    }
  for (guint i = 0; ops != NULL && i < ops->len; i++)
    {
      ElStoreOp *op = g_ptr_array_index (ops, i);

      if (g_strcmp0 (op->resource_id, id) == 0 &&
          (g_strcmp0 (op->kind, "handoff.sign") == 0 || g_strcmp0 (op->kind, "handoff.acknowledge") == 0))
        {
          g_free (load->pending_kind);
          load->pending_kind = g_strdup (op->kind);
        }
    }
  signer = el_handoff_get_signed_by (load->handoff);
  if (signer != NULL)
    el_store_get_user_async (EL_STORE (source), signer, load->self->cancellable, signer_cb, load);
  else
    load_done (load, NULL);
}

static void
handoff_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Load *load = user_data;
  g_autoptr (GError) error = NULL;

  load->handoff = el_store_get_handoff_finish (EL_STORE (source), result, &error);
  if (!load_current (load, error))
    {
      load_free (load);
      return;
    }
  if (load->handoff == NULL)
    {
      g_debug ("sign bar: handoff not read: %s", error->message);
      load_done (load, NULL);
      return;
    }
  el_store_list_ops_async (EL_STORE (source), EL_STORE_OP_FILTER_ALL, load->self->cancellable, ops_cb, load);
}

void
el_sign_bar_refresh (ElSignBar *self)
{
  const char *id;
  Load *load;

  g_return_if_fail (EL_IS_SIGN_BAR (self));

  self->serial++;
  id = self->editor != NULL ? el_sbar_editor_get_handoff_id (self->editor) : NULL;
  if (id == NULL || self->store == NULL)
    {
      g_clear_object (&self->handoff);
      update (self);
      return;
    }
  load = g_new0 (Load, 1);
  load->self = g_object_ref (self);
  load->serial = self->serial;
  el_store_get_handoff_async (self->store, id, self->cancellable, handoff_cb, load);
}

/* ---- dialogs ---- */

static void
dialog_destroyed_cb (ElSignBar *self, GtkWindow *dialog)
{
  if (self->dialog == dialog)
    self->dialog = NULL;
  update (self);
}

static void
changed_cb (ElSignBar *self)
{
  el_sign_bar_refresh (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
show_dialog (ElSignBar *self, GtkWindow *dialog)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  self->dialog = dialog;
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (dialog_destroyed_cb), self, G_CONNECT_SWAPPED);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (dialog, GTK_WINDOW (root));
  update (self);
  gtk_window_present (dialog);
}

static void
sign_clicked_cb (ElSignBar *self)
{
  g_autoptr (ElSbarVersion) content = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (ElCompleteness) completeness = NULL;
  g_autoptr (GPtrArray) labels = g_ptr_array_new ();
  ElSignDialog *dialog;

  if (self->editor == NULL || self->handoff == NULL || self->dialog != NULL)
    return;
  content = el_sbar_editor_get_content (self->editor);
  node = el_sbar_version_to_json (content);
  completeness = el_completeness_compute (json_node_get_object (node));
  for (guint i = 0; completeness->missing_critical[i] != NULL; i++)
    g_ptr_array_add (labels, (gpointer) el_gui_completeness_item_label (completeness->missing_critical[i]));
  g_ptr_array_add (labels, NULL);
  dialog = el_sign_dialog_new (self->context, el_handoff_get_id (self->handoff),
                               el_sbar_editor_get_base_version (self->editor),
                               (const char *const *) labels->pdata);
  g_signal_connect_object (dialog, "signed", G_CALLBACK (changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "reload", G_CALLBACK (changed_cb), self, G_CONNECT_SWAPPED);
  show_dialog (self, GTK_WINDOW (dialog));
}

static void
acknowledge_clicked_cb (ElSignBar *self)
{
  g_autoptr (ElSbarVersion) content = NULL;
  g_autofree char *signed_text = NULL;
  ElAcknowledgeDialog *dialog;

  if (self->editor == NULL || self->handoff == NULL || self->dialog != NULL)
    return;
  content = el_sbar_editor_get_content (self->editor);
  signed_text = g_strconcat (self->state_text != NULL ? self->state_text : "", ".", NULL);
  dialog = el_acknowledge_dialog_new (self->context, el_handoff_get_id (self->handoff),
                                      el_sbar_editor_get_base_version (self->editor), content, signed_text);
  g_signal_connect_object (dialog, "acknowledged", G_CALLBACK (changed_cb), self, G_CONNECT_SWAPPED);
  show_dialog (self, GTK_WINDOW (dialog));
}

/* ---- the editor ---- */

static void
editor_handoff_changed_cb (ElSignBar *self)
{
  el_sign_bar_refresh (self);
}

static void
editor_state_changed_cb (ElSignBar *self)
{
  update (self);
}

void
el_sign_bar_set_editor (ElSignBar *self, ElSbarEditor *editor)
{
  g_return_if_fail (EL_IS_SIGN_BAR (self));
  g_return_if_fail (editor == NULL || EL_IS_SBAR_EDITOR (editor));

  if (self->editor == editor)
    return;
  g_set_weak_pointer (&self->editor, editor);
  g_signal_group_set_target (self->editor_signals, editor);
  el_sign_bar_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITOR]);
}

ElSbarEditor *
el_sign_bar_get_editor (ElSignBar *self)
{
  g_return_val_if_fail (EL_IS_SIGN_BAR (self), NULL);
  return self->editor;
}

const char *
el_sign_bar_get_state_text (ElSignBar *self)
{
  g_return_val_if_fail (EL_IS_SIGN_BAR (self), NULL);
  return self->state_text;
}

ElHandoff *
el_sign_bar_get_handoff (ElSignBar *self)
{
  g_return_val_if_fail (EL_IS_SIGN_BAR (self), NULL);
  return self->handoff;
}

GtkWindow *
el_sign_bar_get_dialog (ElSignBar *self)
{
  g_return_val_if_fail (EL_IS_SIGN_BAR (self), NULL);
  return self->dialog;
}

/* ---- GObject ---- */

static void
cycle_finished_cb (ElSignBar *self)
{
  el_sign_bar_refresh (self);
}

static void
el_sign_bar_constructed (GObject *object)
{
  ElSignBar *self = EL_SIGN_BAR (object);

  G_OBJECT_CLASS (el_sign_bar_parent_class)->constructed (object);
  g_assert (self->context != NULL);
  self->store = el_context_get_store (self->context) != NULL
                    ? g_object_ref (el_context_get_store (self->context))
                    : NULL;
  self->sync =
      el_context_get_sync (self->context) != NULL ? g_object_ref (el_context_get_sync (self->context)) : NULL;
  if (self->store != NULL)
    self->outbox_handler =
        g_signal_connect_swapped (self->store, "outbox-changed", G_CALLBACK (el_sign_bar_refresh), self);
  if (self->sync != NULL)
    self->cycle_handler =
        g_signal_connect_swapped (self->sync, "cycle-finished", G_CALLBACK (cycle_finished_cb), self);
}

static void
el_sign_bar_dispose (GObject *object)
{
  ElSignBar *self = EL_SIGN_BAR (object);

  g_cancellable_cancel (self->cancellable);
  if (self->dialog != NULL)
    {
      GtkWindow *dialog = self->dialog;

      self->dialog = NULL;
      gtk_window_destroy (dialog);
    }
  if (self->store != NULL)
    g_clear_signal_handler (&self->outbox_handler, self->store);
  if (self->sync != NULL)
    g_clear_signal_handler (&self->cycle_handler, self->sync);
  g_clear_object (&self->store);
  g_clear_object (&self->sync);
  if (self->editor_signals != NULL)
    g_signal_group_set_target (self->editor_signals, NULL);
  g_clear_object (&self->editor_signals);
  g_clear_weak_pointer (&self->editor);
  gtk_widget_dispose_template (GTK_WIDGET (self), EL_TYPE_SIGN_BAR);
  G_OBJECT_CLASS (el_sign_bar_parent_class)->dispose (object);
}

static void
el_sign_bar_finalize (GObject *object)
{
  ElSignBar *self = EL_SIGN_BAR (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->handoff);
  g_clear_object (&self->context);
  g_free (self->pending_kind);
  g_free (self->signer_name);
  g_free (self->acker_name);
  g_free (self->state_text);
  G_OBJECT_CLASS (el_sign_bar_parent_class)->finalize (object);
}

static void
el_sign_bar_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElSignBar *self = EL_SIGN_BAR (object);

  switch (prop_id)
    {
      case PROP_CONTEXT:
        g_value_set_object (value, self->context);
        break;
      case PROP_EDITOR:
        g_value_set_object (value, self->editor);
        break;
      case PROP_STATE_TEXT:
        g_value_set_string (value, self->state_text);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_sign_bar_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElSignBar *self = EL_SIGN_BAR (object);

  switch (prop_id)
    {
      case PROP_CONTEXT:
        self->context = g_value_dup_object (value);
        break;
      case PROP_EDITOR:
        el_sign_bar_set_editor (self, g_value_get_object (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_sign_bar_class_init (ElSignBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = el_sign_bar_constructed;
  object_class->dispose = el_sign_bar_dispose;
  object_class->finalize = el_sign_bar_finalize;
  object_class->get_property = el_sign_bar_get_property;
  object_class->set_property = el_sign_bar_set_property;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, EL_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EDITOR] =
      g_param_spec_object ("editor", NULL, NULL, EL_TYPE_SBAR_EDITOR,
                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STATE_TEXT] = g_param_spec_string (
      "state-text", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                          NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/eclipselink/Handoff/el-sign-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, ElSignBar, state_label);
  gtk_widget_class_bind_template_child (widget_class, ElSignBar, hint_label);
  gtk_widget_class_bind_template_child (widget_class, ElSignBar, sign_button);
  gtk_widget_class_bind_template_child (widget_class, ElSignBar, acknowledge_button);
  gtk_widget_class_bind_template_callback (widget_class, sign_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, acknowledge_clicked_cb);
}

static void
el_sign_bar_init (ElSignBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->editor_signals = g_signal_group_new (EL_TYPE_SBAR_EDITOR);
  g_signal_group_connect_swapped (self->editor_signals, "notify::handoff-id",
                                  G_CALLBACK (editor_handoff_changed_cb), self);
  g_signal_group_connect_swapped (self->editor_signals, "notify::loading",
                                  G_CALLBACK (editor_handoff_changed_cb), self);
  g_signal_group_connect_swapped (self->editor_signals, "saved", G_CALLBACK (editor_handoff_changed_cb),
                                  self);
  g_signal_group_connect_swapped (self->editor_signals, "notify::dirty", G_CALLBACK (editor_state_changed_cb),
                                  self);
  g_signal_group_connect_swapped (self->editor_signals, "notify::unconfirmed-count",
                                  G_CALLBACK (editor_state_changed_cb), self);
  g_signal_group_connect_swapped (self->editor_signals, "notify::read-only",
                                  G_CALLBACK (editor_state_changed_cb), self);
  g_signal_group_connect_swapped (self->editor_signals, "notify::base-version",
                                  G_CALLBACK (editor_state_changed_cb), self);
}

GtkWidget *
el_sign_bar_new (ElContext *ctx)
{
  g_return_val_if_fail (EL_IS_CONTEXT (ctx), NULL);
  return g_object_new (EL_TYPE_SIGN_BAR, "context", ctx, NULL);
}
