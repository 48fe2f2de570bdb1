/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "el-sign-in-page.h"

struct _ElSignInPage
{
  AdwBin parent_instance;

  GSettings *settings;
  char *data_dir;
  ElContext *context; /* while signing in */
  GCancellable *cancellable;
  gboolean busy;

  GtkLabel *error_label;
  AdwEntryRow *email_row;
  AdwPasswordEntryRow *password_row;
  AdwEntryRow *server_row;
  GtkSwitch *keep_switch;
  GtkButton *sign_in_button;
  GtkButton *offline_button;
  GtkSpinner *spinner;
};

G_DEFINE_FINAL_TYPE (ElSignInPage, el_sign_in_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_SETTINGS,
  PROP_DATA_DIR,
  PROP_BUSY,
  N_PROPS
};

enum
{
  SIGNAL_SIGNED_IN,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

char *
el_sign_in_page_describe_error (const GError *error, const char *server_url)
{
  if (g_error_matches (error, EL_API_ERROR, EL_API_ERROR_INVALID_CREDENTIALS))
    return g_strdup (_ ("Wrong email or password."));
  if (g_error_matches (error, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_WRONG_PASSWORD))
    return g_strdup (_ ("Wrong password."));
  if (g_error_matches (error, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_NOT_SIGNED_IN))
    return g_strdup (_ ("You have not signed in on this computer before, so nothing is stored here to "
                        "open offline. Sign in when the server can be reached."));
  if (g_error_matches (error, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_INVALID_ARGUMENT))
    return g_strdup (
        _ ("Enter your email address and a server address such as https://handoff.example.org."));
  if (g_error_matches (error, EL_API_ERROR, EL_API_ERROR_NETWORK) ||
      g_error_matches (error, EL_API_ERROR, EL_API_ERROR_TIMEOUT) ||
      g_error_matches (error, EL_API_ERROR, EL_API_ERROR_CIRCUIT_OPEN))
    /* Translators: %s is the server address */
    return g_strdup_printf (_ ("Cannot reach the server at %s. Check the network cable or Wi-Fi, or ask IT "
                               "whether the server is down."),
                            server_url);
  if (g_error_matches (error, EL_API_ERROR, EL_API_ERROR_RATE_LIMITED))
    return g_strdup (_ ("Too many sign-in attempts. Wait a minute, then try again."));
  if (g_error_matches (error, EL_API_ERROR, EL_API_ERROR_FORBIDDEN))
    return g_strdup (_ ("This account may not use the app. Ask your charge nurse or IT."));
  if (error != NULL && error->domain == EL_SECRETS_ERROR)
    return g_strdup (_ ("The keyring is locked or not available, so this computer cannot keep your data "
                        "safe. Unlock the keyring, or ask IT."));
  if (error != NULL && error->domain == EL_STORE_ERROR)
    return g_strdup (_ ("The patient data stored on this computer cannot be opened. Ask IT for help."));
  if (g_error_matches (error, EL_API_ERROR, EL_API_ERROR_SERVER) ||
      g_error_matches (error, EL_API_ERROR, EL_API_ERROR_INVALID_RESPONSE))
    return g_strdup (_ ("The server had a problem signing you in. Try again in a moment."));
  return g_strdup (_ ("Could not sign in. Try again, or ask IT."));
}

static gboolean
is_unreachable (const GError *error)
{
  return g_error_matches (error, EL_API_ERROR, EL_API_ERROR_NETWORK) ||
         g_error_matches (error, EL_API_ERROR, EL_API_ERROR_TIMEOUT) ||
         g_error_matches (error, EL_API_ERROR, EL_API_ERROR_CIRCUIT_OPEN) ||
         g_error_matches (error, EL_API_ERROR, EL_API_ERROR_SERVER);
}

static void
set_busy (ElSignInPage *self, gboolean busy)
{
  self->busy = busy;
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->email_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->server_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->offline_button), !busy);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
show_error (ElSignInPage *self, const char *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static gboolean
form_complete (ElSignInPage *self)
{
  const char *email = gtk_editable_get_text (GTK_EDITABLE (self->email_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  const char *server = gtk_editable_get_text (GTK_EDITABLE (self->server_row));

  return *email != '\0' && *password != '\0' && *server != '\0';
}

static void
input_changed_cb (ElSignInPage *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), !self->busy && form_complete (self));
}

static void
email_activated_cb (ElSignInPage *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

static void
finish_signed_in (ElSignInPage *self, ElContext *context, gboolean offline)
{
  g_autoptr (ElContext) ctx = g_object_ref (context);
  gboolean keep = gtk_switch_get_active (self->keep_switch);

  g_clear_object (&self->context);
  g_settings_set_string (self->settings, "api-url", el_context_get_server_url (ctx));
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  show_error (self, NULL);
  set_busy (self, FALSE);
  input_changed_cb (self);
  g_signal_emit (self, signals[SIGNAL_SIGNED_IN], 0, ctx, offline, keep);
}

static void
has_session_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ElSignInPage) self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean has = el_context_has_offline_session_finish (EL_CONTEXT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  input_changed_cb (self);
  gtk_widget_set_visible (GTK_WIDGET (self->offline_button), has);
  if (has)
    {
      g_autofree char *text = g_strconcat (gtk_label_get_text (self->error_label), " ",
                                           _ ("You can open the patients stored on this computer "
                                              "and work offline."),
                                           NULL);
      show_error (self, text);
      gtk_widget_grab_focus (GTK_WIDGET (self->offline_button));
    }
}

static void
signed_in_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ElSignInPage) self = user_data;
  ElContext *ctx = EL_CONTEXT (source);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElUser) user = el_context_sign_in_finish (ctx, result, NULL, &error);
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (user != NULL)
    {
      finish_signed_in (self, ctx, FALSE);
      return;
    }

  g_debug ("sign-in failed: %s %d", g_quark_to_string (error->domain), error->code);
  message = el_sign_in_page_describe_error (error, el_context_get_server_url (ctx));
  show_error (self, message);
  if (is_unreachable (error))
    {
      /* still busy: is there anything to open offline? */
      el_context_has_offline_session_async (ctx, gtk_editable_get_text (GTK_EDITABLE (self->email_row)),
                                            self->cancellable, has_session_cb, g_object_ref (self));
      return;
    }
  set_busy (self, FALSE);
  input_changed_cb (self);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

static void
sign_in_clicked_cb (ElSignInPage *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElContext) ctx = NULL;
  const char *server = gtk_editable_get_text (GTK_EDITABLE (self->server_row));

  if (self->busy || !form_complete (self))
    return;

  gtk_widget_set_visible (GTK_WIDGET (self->offline_button), FALSE);
  ctx = el_context_new (server, self->data_dir, &error);
  if (ctx == NULL)
    {
      g_autofree char *message = el_sign_in_page_describe_error (error, server);
      show_error (self, message);
      return;
    }
  g_set_object (&self->context, ctx);
  show_error (self, NULL);
  set_busy (self, TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), FALSE);
  el_context_sign_in_async (ctx, gtk_editable_get_text (GTK_EDITABLE (self->email_row)),
                            gtk_editable_get_text (GTK_EDITABLE (self->password_row)), self->cancellable,
                            signed_in_cb, g_object_ref (self));
}

static void
opened_offline_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ElSignInPage) self = user_data;
  ElContext *ctx = EL_CONTEXT (source);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElUser) user = el_context_open_offline_finish (ctx, result, &error);
  g_autofree char *message = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (user != NULL)
    {
      finish_signed_in (self, ctx, TRUE);
      return;
    }
  message = el_sign_in_page_describe_error (error, el_context_get_server_url (ctx));
  show_error (self, message);
  set_busy (self, FALSE);
  input_changed_cb (self);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

static void
offline_clicked_cb (ElSignInPage *self)
{
  if (self->busy || self->context == NULL || !form_complete (self))
    return;

  set_busy (self, TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), FALSE);
  el_context_open_offline_async (self->context, gtk_editable_get_text (GTK_EDITABLE (self->email_row)),
                                 gtk_editable_get_text (GTK_EDITABLE (self->password_row)), self->cancellable,
                                 opened_offline_cb, g_object_ref (self));
}

void
el_sign_in_page_reset (ElSignInPage *self, const char *email)
{
  g_return_if_fail (EL_IS_SIGN_IN_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_object (&self->context);
  set_busy (self, FALSE);
  show_error (self, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->offline_button), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->email_row), email != NULL ? email : "");
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_switch_set_active (self->keep_switch, FALSE);
  input_changed_cb (self);
}

gboolean
el_sign_in_page_get_busy (ElSignInPage *self)
{
  g_return_val_if_fail (EL_IS_SIGN_IN_PAGE (self), FALSE);
  return self->busy;
}

static void
el_sign_in_page_constructed (GObject *object)
{
  ElSignInPage *self = EL_SIGN_IN_PAGE (object);
  g_autofree char *url = g_settings_get_string (self->settings, "api-url");

  G_OBJECT_CLASS (el_sign_in_page_parent_class)->constructed (object);
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), url);
}

static void
el_sign_in_page_dispose (GObject *object)
{
  ElSignInPage *self = EL_SIGN_IN_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), EL_TYPE_SIGN_IN_PAGE);
  G_OBJECT_CLASS (el_sign_in_page_parent_class)->dispose (object);
}

static void
el_sign_in_page_finalize (GObject *object)
{
  ElSignInPage *self = EL_SIGN_IN_PAGE (object);

  g_free (self->data_dir);
  G_OBJECT_CLASS (el_sign_in_page_parent_class)->finalize (object);
}

static void
el_sign_in_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElSignInPage *self = EL_SIGN_IN_PAGE (object);

  switch (prop_id)
    {
      case PROP_SETTINGS:
        g_value_set_object (value, self->settings);
        break;
      case PROP_DATA_DIR:
        g_value_set_string (value, self->data_dir);
        break;
      case PROP_BUSY:
        g_value_set_boolean (value, self->busy);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_sign_in_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElSignInPage *self = EL_SIGN_IN_PAGE (object);

  switch (prop_id)
    {
      case PROP_SETTINGS:
        self->settings = g_value_dup_object (value);
        break;
      case PROP_DATA_DIR:
        self->data_dir = g_value_dup_string (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_sign_in_page_class_init (ElSignInPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = el_sign_in_page_constructed;
  object_class->dispose = el_sign_in_page_dispose;
  object_class->finalize = el_sign_in_page_finalize;
  object_class->get_property = el_sign_in_page_get_property;
  object_class->set_property = el_sign_in_page_set_property;

  properties[PROP_SETTINGS] =
      g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DATA_DIR] = g_param_spec_string (
      "data-dir", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
      g_param_spec_boolean ("busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_SIGNED_IN] =
      g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 3, EL_TYPE_CONTEXT, G_TYPE_BOOLEAN, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/eclipselink/Handoff/el-sign-in-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ElSignInPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, ElSignInPage, email_row);
  gtk_widget_class_bind_template_child (widget_class, ElSignInPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, ElSignInPage, server_row);
  gtk_widget_class_bind_template_child (widget_class, ElSignInPage, keep_switch);
  gtk_widget_class_bind_template_child (widget_class, ElSignInPage, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, ElSignInPage, offline_button);
  gtk_widget_class_bind_template_child (widget_class, ElSignInPage, spinner);
  gtk_widget_class_bind_template_callback (widget_class, input_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, email_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, sign_in_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, offline_clicked_cb);
}

static void
el_sign_in_page_init (ElSignInPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
el_sign_in_page_new (GSettings *settings, const char *data_dir)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (data_dir != NULL, NULL);

  return g_object_new (EL_TYPE_SIGN_IN_PAGE, "settings", settings, "data-dir", data_dir, NULL);
}
