/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "el-lock-page.h"

struct _ElLockPage
{
  AdwBin parent_instance;

  ElContext *context;
  GCancellable *cancellable;
  guint failures;

  AdwStatusPage *status_page;
  GtkLabel *error_label;
  AdwPasswordEntryRow *password_row;
  GtkButton *unlock_button;
};

G_DEFINE_FINAL_TYPE (ElLockPage, el_lock_page, ADW_TYPE_BIN)

enum
{
  SIGNAL_UNLOCKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_busy (ElLockPage *self, gboolean busy)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->unlock_button), !busy);
}

static void
verified_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ElLockPage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!el_context_verify_password_finish (EL_CONTEXT (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      self->failures++;
      gtk_label_set_text (self->error_label,
                          g_error_matches (error, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_WRONG_PASSWORD)
                              ? _ ("Wrong password.")
                              : _ ("This computer cannot check your password. Switch nurse and sign in "
                                   "again."));
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }

  set_busy (self, FALSE);
  self->failures = 0;
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  g_signal_emit (self, signals[SIGNAL_UNLOCKED], 0);
}

static void
unlock_clicked_cb (ElLockPage *self)
{
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (self->context == NULL || *password == '\0' ||
      !gtk_widget_get_sensitive (GTK_WIDGET (self->unlock_button)))
    return;

  set_busy (self, TRUE);
  el_context_verify_password_async (self->context, password, self->cancellable, verified_cb,
                                    g_object_ref (self));
}

void
el_lock_page_set_context (ElLockPage *self, ElContext *context)
{
  ElUser *user;

  g_return_if_fail (EL_IS_LOCK_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_set_object (&self->context, context);
  set_busy (self, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);

  user = context != NULL ? el_context_get_user (context) : NULL;
  if (user != NULL)
    {
      /* Translators: %s is the signed-in nurse's name */
      g_autofree char *description =
          g_strdup_printf (_ ("Signed in as %s. Enter your password to continue."), el_user_get_name (user));
      adw_status_page_set_description (self->status_page, description);
    }
  else
    adw_status_page_set_description (self->status_page, _ ("Enter your password to continue."));
}

static void
el_lock_page_dispose (GObject *object)
{
  ElLockPage *self = EL_LOCK_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);
  gtk_widget_dispose_template (GTK_WIDGET (self), EL_TYPE_LOCK_PAGE);
  G_OBJECT_CLASS (el_lock_page_parent_class)->dispose (object);
}

static gboolean
el_lock_page_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (EL_LOCK_PAGE (widget)->password_row));
}

static void
el_lock_page_class_init (ElLockPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = el_lock_page_dispose;
  widget_class->grab_focus = el_lock_page_grab_focus;

  signals[SIGNAL_UNLOCKED] = g_signal_new ("unlocked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                           NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/eclipselink/Handoff/el-lock-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ElLockPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, ElLockPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, ElLockPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, ElLockPage, unlock_button);
  gtk_widget_class_bind_template_callback (widget_class, unlock_clicked_cb);
}

static void
el_lock_page_init (ElLockPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
el_lock_page_new (void)
{
  return g_object_new (EL_TYPE_LOCK_PAGE, NULL);
}
