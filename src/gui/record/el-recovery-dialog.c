/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "el-recovery-dialog.h"

struct _ElRecoveryDialog
{
  AdwMessageDialog parent_instance;

  ElContext *context;
  ElRecoveredRecording *recording;
  char *patient_name;
  GCancellable *cancellable;
  AdwMessageDialog *confirm;
  gboolean decided;
};

G_DEFINE_FINAL_TYPE (ElRecoveryDialog, el_recovery_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum
{
  SIGNAL_USE_RECORDING,
  SIGNAL_DISCARDED,
  SIGNAL_DECIDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_body (ElRecoveryDialog *self)
{
  gint64 s = MAX (self->recording->duration_ms, 0) / 1000;
  g_autofree char *length = g_strdup_printf ("%" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT, s / 60, s % 60);
  g_autofree char *body = NULL;
  const char *who = self->patient_name != NULL ? self->patient_name : _ ("patient unknown");

  switch (self->recording->state)
    {
      case EL_RECOVERED_INTERRUPTED:
        /* Translators: %s are the length (2:13) and the patient's name */
        body = g_strdup_printf (_ ("A recording was interrupted (%s, %s). What was recorded is kept."),
                                length, who);
        break;
      case EL_RECOVERED_COMPLETE:
        body = g_strdup_printf (_ ("A recording was not handed over (%s, %s)."), length, who);
        break;
      case EL_RECOVERED_TAMPERED:
      default:
        body = g_strdup (_ ("A recording on this computer cannot be opened: it was damaged or changed. It is "
                            "kept for your administrator."));
        break;
    }
  if (self->recording->state != EL_RECOVERED_TAMPERED && self->recording->handoff_id == NULL)
    {
      g_autofree char *more = g_strconcat (
          body, " ", _ ("The handoff it belongs to is unknown, so it cannot be used for a report."), NULL);

      g_free (body);
      body = g_steal_pointer (&more);
    }
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);
}

static void
finish (ElRecoveryDialog *self, const char *response)
{
  if (self->decided)
    return;
  self->decided = TRUE;
  g_signal_emit (self, signals[SIGNAL_DECIDED], 0, response);
  gtk_window_destroy (GTK_WINDOW (self));
}

/* ---- the patient's name ---- */

static void
patient_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElRecoveryDialog *self = user_data; /* the call is cancelled in dispose */
  g_autoptr (GError) error = NULL;
  g_autoptr (ElPatient) patient = el_store_get_patient_finish (EL_STORE (source), result, &error);

  if (patient == NULL)
    return;
  g_free (self->patient_name);
  /* as the patient pane writes it: "Family, Given" */
  self->patient_name =
      g_strdup_printf ("%s, %s", el_patient_get_family_name (patient), el_patient_get_given_name (patient));
  update_body (self);
}

static void
handoff_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElRecoveryDialog *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElHandoff) handoff = el_store_get_handoff_finish (EL_STORE (source), result, &error);

  if (handoff == NULL)
    return;
  el_store_get_patient_async (EL_STORE (source), el_handoff_get_patient_id (handoff), self->cancellable,
                              patient_loaded_cb, self);
}

/* ---- responses ---- */

static void
confirm_response_cb (AdwMessageDialog *confirm, const char *response, gpointer user_data)
{
  ElRecoveryDialog *self = EL_RECOVERY_DIALOG (user_data);
  g_autoptr (GError) error = NULL;

  g_signal_handlers_disconnect_by_data (confirm, self);
  self->confirm = NULL;
  if (g_strcmp0 (response, "discard") != 0)
    {
      gtk_window_present (GTK_WINDOW (self));
      return;
    }
  if (!el_record_delete_recording (self->recording->path, &error))
    g_debug ("recovery dialog: not deleted: %s #%d", g_quark_to_string (error->domain), error->code);
  g_signal_emit (self, signals[SIGNAL_DISCARDED], 0, self->recording);
  finish (self, "discard");
}

static void
el_recovery_dialog_response (AdwMessageDialog *dialog, const char *response)
{
  ElRecoveryDialog *self = EL_RECOVERY_DIALOG (dialog);
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  GtkWidget *confirm;

  if (g_strcmp0 (response, "use") == 0)
    {
      g_signal_emit (self, signals[SIGNAL_USE_RECORDING], 0, self->recording);
      finish (self, "use");
      return;
    }
  if (g_strcmp0 (response, "discard") != 0)
    {
      finish (self, "later");
      return;
    }
  confirm =
      adw_message_dialog_new (parent, _ ("Discard this recording?"),
                              _ ("The recording is deleted from this computer and cannot be brought back."));
  gtk_widget_set_name (confirm, "recovery-discard-dialog");
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (confirm), "cancel", _ ("_Cancel"), "discard",
                                    _ ("_Discard"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (confirm), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (confirm), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (confirm), "cancel");
  gtk_window_set_modal (GTK_WINDOW (confirm), TRUE);
  self->confirm = ADW_MESSAGE_DIALOG (confirm);
  g_signal_connect (confirm, "response", G_CALLBACK (confirm_response_cb), self);
  gtk_window_present (GTK_WINDOW (confirm));
}

/* ---- GObject ---- */

static void
el_recovery_dialog_dispose (GObject *object)
{
  ElRecoveryDialog *self = EL_RECOVERY_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  if (self->confirm != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->confirm, self);
      gtk_window_destroy (GTK_WINDOW (self->confirm));
      self->confirm = NULL;
    }
  g_clear_object (&self->context);

  G_OBJECT_CLASS (el_recovery_dialog_parent_class)->dispose (object);
}

static void
el_recovery_dialog_finalize (GObject *object)
{
  ElRecoveryDialog *self = EL_RECOVERY_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->recording, el_recovered_recording_free);
  g_free (self->patient_name);

  G_OBJECT_CLASS (el_recovery_dialog_parent_class)->finalize (object);
}

static void
el_recovery_dialog_class_init (ElRecoveryDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  AdwMessageDialogClass *dialog_class = ADW_MESSAGE_DIALOG_CLASS (klass);

  object_class->dispose = el_recovery_dialog_dispose;
  object_class->finalize = el_recovery_dialog_finalize;
  dialog_class->response = el_recovery_dialog_response;

  signals[SIGNAL_USE_RECORDING] =
      g_signal_new ("use-recording", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 1, EL_TYPE_RECOVERED_RECORDING | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIGNAL_DISCARDED] =
      g_signal_new ("discarded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 1, EL_TYPE_RECOVERED_RECORDING | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIGNAL_DECIDED] = g_signal_new ("decided", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                          NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/eclipselink/Handoff/el-recovery-dialog.ui");
}

static void
el_recovery_dialog_init (ElRecoveryDialog *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
el_recovery_dialog_new (GtkWindow *parent, ElContext *ctx, const ElRecoveredRecording *recording)
{
  ElRecoveryDialog *self;
  ElStore *store;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (EL_IS_CONTEXT (ctx), NULL);
  g_return_val_if_fail (recording != NULL, NULL);

  self = g_object_new (EL_TYPE_RECOVERY_DIALOG, "transient-for", parent, NULL);
  self->context = g_object_ref (ctx);
  self->recording = el_recovered_recording_copy (recording);
  if (recording->state == EL_RECOVERED_TAMPERED)
    {
      adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), _ ("Recording Damaged"));
      adw_message_dialog_set_response_label (ADW_MESSAGE_DIALOG (self), "later", _ ("_Close"));
      adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "use", FALSE);
      adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "discard", FALSE);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self), "later");
    }
  else if (recording->state == EL_RECOVERED_COMPLETE)
    adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), _ ("Recording Not Handed Over"));
  if (recording->handoff_id == NULL)
    {
      adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "use", FALSE);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self), "later");
    }
  update_body (self);

  store = el_context_get_store (ctx);
  if (store != NULL && recording->handoff_id != NULL)
    el_store_get_handoff_async (store, recording->handoff_id, self->cancellable, handoff_loaded_cb, self);
  return GTK_WIDGET (self);
}

const ElRecoveredRecording *
el_recovery_dialog_get_recording (ElRecoveryDialog *self)
{
  g_return_val_if_fail (EL_IS_RECOVERY_DIALOG (self), NULL);
  return self->recording;
}
