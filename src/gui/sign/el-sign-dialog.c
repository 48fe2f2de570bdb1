/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "el-model-error.h"
#include "el-sign-dialog.h"

struct _ElSignDialog
{
  AdwWindow parent_instance;

  ElContext *context;
  char *handoff_id;
  int version;
  gboolean has_missing;
  gboolean busy;
  GCancellable *cancellable;

  /* template */
  GtkButton *sign_button;
  GtkLabel *version_label;
  AdwPasswordEntryRow *password_row;
  GtkWidget *missing_box;
  GtkLabel *missing_list;
  GtkCheckButton *missing_check;
  GtkLabel *error_label;
  GtkWidget *reload_button;
};

G_DEFINE_FINAL_TYPE (ElSignDialog, el_sign_dialog, ADW_TYPE_WINDOW)

enum
{
  SIGNAL_SIGNED,
  SIGNAL_RELOAD,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_sensitive (ElSignDialog *self)
{
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  gboolean ok = !self->busy && password != NULL && password[0] != '\0' &&
                (!self->has_missing || gtk_check_button_get_active (self->missing_check));

  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_button), ok);
}

static void
show_error (ElSignDialog *self, const char *text, gboolean reload)
{
  gtk_label_set_text (self->error_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
  gtk_widget_set_visible (self->reload_button, reload);
}

static const char *
error_words (const GError *error, gboolean *reload)
{
  *reload = FALSE;
  if (g_error_matches (error, EL_API_ERROR, EL_API_ERROR_INVALID_CREDENTIALS) ||
      g_error_matches (error, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_WRONG_PASSWORD))
    return _ ("The password is not correct. Try again.");
  if (g_error_matches (error, EL_API_ERROR, EL_API_ERROR_CONFLICT))
    {
      ElApiProblem *problem = el_api_error_get_problem (error);
      const char *code = problem != NULL ? el_api_problem_get_code (problem) : NULL;

      *reload = TRUE;
      if (g_strcmp0 (code, "version_conflict") == 0)
        return _ ("Someone saved a newer version of this handoff. Reload it, check the changes, then sign "
                  "the new version.");
      return _ ("This handoff changed meanwhile and cannot be signed now. Reload it.");
    }
  if (g_error_matches (error, EL_API_ERROR, EL_API_ERROR_FORBIDDEN))
    return _ ("Only the outgoing nurse of this handoff can sign it.");
  if (g_error_matches (error, EL_API_ERROR, EL_API_ERROR_LOCKED))
    return _ ("This handoff is acknowledged or cancelled: it can no longer be signed.");
  if (error->domain == EL_MODEL_ERROR)
    {
      *reload = TRUE;
      return _ ("This handoff is not ready to be signed. Reload it.");
    }
  if (g_error_matches (error, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_NOT_SIGNED_IN) ||
      error->domain == EL_SECRETS_ERROR)
    return _ ("Your password cannot be checked on this PC (the keyring is not available). Connect to the "
              "server and try again.");
  return _ ("The handoff could not be signed. Try again.");
}

static void
signed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  gboolean queued = FALSE;
  g_autoptr (ElHandoff) handoff = el_context_sign_finish (EL_CONTEXT (source), result, &queued, &error);
  ElSignDialog *self;
  gboolean reload = FALSE;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = EL_SIGN_DIALOG (user_data);
  self->busy = FALSE;
  if (handoff == NULL)
    {
      g_debug ("sign: handoff %s not signed: %s %d", self->handoff_id, g_quark_to_string (error->domain),
               error->code);
      show_error (self, error_words (error, &reload), reload);
      gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      update_sensitive (self);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_SIGNED], 0, handoff, queued);
  gtk_window_close (GTK_WINDOW (self));
}

static void
sign_clicked_cb (ElSignDialog *self)
{
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (self->busy || !gtk_widget_get_sensitive (GTK_WIDGET (self->sign_button)))
    return;
  self->busy = TRUE;
  update_sensitive (self);
  show_error (self, NULL, FALSE);
  el_context_sign_async (self->context, self->handoff_id, self->version, password, self->cancellable,
                         signed_cb, self);
}

static void
reload_clicked_cb (ElSignDialog *self)
{
  g_signal_emit (self, signals[SIGNAL_RELOAD], 0);
  gtk_window_close (GTK_WINDOW (self));
}

static void
el_sign_dialog_dispose (GObject *object)
{
  ElSignDialog *self = EL_SIGN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), EL_TYPE_SIGN_DIALOG);
  G_OBJECT_CLASS (el_sign_dialog_parent_class)->dispose (object);
}

static void
el_sign_dialog_finalize (GObject *object)
{
  ElSignDialog *self = EL_SIGN_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);
  g_free (self->handoff_id);
  G_OBJECT_CLASS (el_sign_dialog_parent_class)->finalize (object);
}

static void
el_sign_dialog_class_init (ElSignDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = el_sign_dialog_dispose;
  object_class->finalize = el_sign_dialog_finalize;

  signals[SIGNAL_SIGNED] = g_signal_new ("signed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                         NULL, NULL, G_TYPE_NONE, 2, EL_TYPE_HANDOFF, G_TYPE_BOOLEAN);
  signals[SIGNAL_RELOAD] = g_signal_new ("reload", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                         NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/eclipselink/Handoff/el-sign-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ElSignDialog, sign_button);
  gtk_widget_class_bind_template_child (widget_class, ElSignDialog, version_label);
  gtk_widget_class_bind_template_child (widget_class, ElSignDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, ElSignDialog, missing_box);
  gtk_widget_class_bind_template_child (widget_class, ElSignDialog, missing_list);
  gtk_widget_class_bind_template_child (widget_class, ElSignDialog, missing_check);
  gtk_widget_class_bind_template_child (widget_class, ElSignDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, ElSignDialog, reload_button);
  gtk_widget_class_bind_template_callback (widget_class, update_sensitive);
  gtk_widget_class_bind_template_callback (widget_class, sign_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, reload_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
el_sign_dialog_init (ElSignDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

ElSignDialog *
el_sign_dialog_new (ElContext *ctx, const char *handoff_id, int version, const char *const *missing_critical)
{
  ElSignDialog *self;
  g_autofree char *text = NULL;

  g_return_val_if_fail (EL_IS_CONTEXT (ctx), NULL);
  g_return_val_if_fail (handoff_id != NULL, NULL);

  self = g_object_new (EL_TYPE_SIGN_DIALOG, NULL);
  self->context = g_object_ref (ctx);
  self->handoff_id = g_strdup (handoff_id);
  self->version = version;
  text = g_strdup_printf (_ ("You are signing version %d of this handoff. Enter your password to sign it."),
                          version);
  gtk_label_set_text (self->version_label, text);
  if (missing_critical != NULL && missing_critical[0] != NULL)
    {
      g_autoptr (GString) list = g_string_new (NULL);

      for (guint i = 0; missing_critical[i] != NULL; i++)
        g_string_append_printf (list, "%s• %s", i > 0 ? "\n" : "", missing_critical[i]);
      gtk_label_set_text (self->missing_list, list->str);
      gtk_widget_set_visible (self->missing_box, TRUE);
      self->has_missing = TRUE;
    }
  update_sensitive (self);
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->password_row));
  return self;
}

const char *
el_sign_dialog_get_error (ElSignDialog *self)
{
  g_return_val_if_fail (EL_IS_SIGN_DIALOG (self), NULL);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_text (self->error_label);
}
