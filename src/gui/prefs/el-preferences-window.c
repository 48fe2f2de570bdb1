/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "el-audio-sources.h"
#include "el-preferences-window.h"

struct _ElPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GSettings *settings;
  GCancellable *cancellable; /* the microphone probe; cancelled in dispose */

  /* microphones: the combo row's strings and, index for index, the PulseAudio names ("" first) */
  GtkStringList *microphone_model;
  GPtrArray *microphone_names;
  gboolean microphones_loading;
  gboolean updating_microphone;

  /* template */
  AdwEntryRow *server_row;
  GtkLabel *server_error;
  GtkSpinButton *auto_lock_spin;
  GtkSpinButton *retention_spin;
  AdwComboRow *transcription_row;
  AdwComboRow *microphone_row;
  GtkSwitch *learn_voice_switch;
  AdwComboRow *shift_row;
};

enum
{
  PROP_0,
  PROP_SETTINGS,
  PROP_MICROPHONES_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (ElPreferencesWindow, el_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* The combo rows' items, in order, as the keys' nicks. */
static const char *const transcription_nicks[] = { "automatic", "server", "on-device" };
static const char *const shift_nicks[] = { "twelve-hour", "eight-hour" };

/* ------------------------------------------------------------------------------------------------
 * Server address
 */

gboolean
el_preferences_check_server_url (const char *url, char **message)
{
  g_autoptr (GUri) uri = NULL;
  const char *scheme;
  const char *host;

  if (message != NULL)
    *message = NULL;
  if (url == NULL || *url == '\0')
    {
      if (message != NULL)
        *message = g_strdup (_ ("Enter the server address, such as https://handoff.example.org"));
      return FALSE;
    }
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (scheme == NULL ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0))
    {
      if (message != NULL)
        *message = g_strdup (
            _ ("The address must start with https:// or http://, such as https://handoff.example.org"));
      return FALSE;
    }
  host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0' || g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL ||
      g_uri_get_userinfo (uri) != NULL)
    {
      if (message != NULL)
        *message = g_strdup (_ ("This is not a server address. Use the form https://handoff.example.org"));
      return FALSE;
    }
  return TRUE;
}

static void
show_server_error (ElPreferencesWindow *self, const char *message)
{
  gboolean error = message != NULL;

  gtk_label_set_text (self->server_error, error ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->server_error), error);
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->server_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->server_row), "error");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->server_row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  error ? message : "", -1);
  if (error)
    gtk_accessible_update_state (GTK_ACCESSIBLE (self->server_row), GTK_ACCESSIBLE_STATE_INVALID,
                                 GTK_ACCESSIBLE_INVALID_TRUE, -1);
  else
    gtk_accessible_reset_state (GTK_ACCESSIBLE (self->server_row), GTK_ACCESSIBLE_STATE_INVALID);
}

static void
server_apply_cb (ElPreferencesWindow *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_row))));
  g_autofree char *current = g_settings_get_string (self->settings, "api-url");
  g_autofree char *message = NULL;

  if (!el_preferences_check_server_url (text, &message))
    {
      show_server_error (self, message);
      return;
    }
  show_server_error (self, NULL);
  if (g_strcmp0 (text, current) == 0)
    return;
  g_settings_set_string (self->settings, "api-url", text);
  adw_preferences_window_add_toast (
      ADW_PREFERENCES_WINDOW (self),
      adw_toast_new (_ ("Server address saved. It is used the next time a nurse signs in.")));
}

static void
server_changed_cb (ElPreferencesWindow *self)
{
  /* The error belongs to the text that was applied; typing clears it. */
  if (gtk_widget_get_visible (GTK_WIDGET (self->server_error)))
    show_server_error (self, NULL);
}

static void
api_url_changed_cb (ElPreferencesWindow *self)
{
  g_autofree char *url = g_settings_get_string (self->settings, "api-url");

  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->server_row)), url) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->server_row), url);
  show_server_error (self, NULL);
}

/* ------------------------------------------------------------------------------------------------
 * Enum keys <-> combo rows
 */

static gboolean
nick_to_index (GValue *value, GVariant *variant, gpointer user_data)
{
  const char *const *nicks = user_data;
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; nicks[i] != NULL; i++)
    if (g_strcmp0 (nicks[i], nick) == 0)
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
index_to_nick (const GValue *value, const GVariantType *expected_type, gpointer user_data)
{
  const char *const *nicks = user_data;
  guint index = g_value_get_uint (value);

  if (index >= g_strv_length ((char **) nicks))
    return NULL;
  return g_variant_new_string (nicks[index]);
}

/* The chosen pattern's shifts, under the row: they decide which handoffs are the current shift's. */
static void
shift_selected_cb (ElPreferencesWindow *self)
{
  const char *subtitle;

  if (adw_combo_row_get_selected (self->shift_row) == 1)
    subtitle = _ ("Day 07:00–15:00, evening 15:00–23:00, night 23:00–07:00");
  else
    subtitle = _ ("Day 07:00–19:00, night 19:00–07:00");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->shift_row), subtitle);
}

/* ------------------------------------------------------------------------------------------------
 * Microphone
 */

static guint
find_microphone (ElPreferencesWindow *self, const char *name)
{
  for (guint i = 0; i < self->microphone_names->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->microphone_names, i), name) == 0)
      return i;
  return GTK_INVALID_LIST_POSITION;
}

/* Selects the key's microphone; one that is not connected gets an item of its own, so the
 * setting is shown as it is rather than silently replaced. */
static void
sync_microphone_from_settings (ElPreferencesWindow *self)
{
  g_autofree char *name = g_settings_get_string (self->settings, "microphone");
  guint index = find_microphone (self, name);

  if (index == GTK_INVALID_LIST_POSITION)
    {
      g_autofree char *label = g_strdup_printf (_ ("%s (not connected)"), name);

      gtk_string_list_append (self->microphone_model, label);
      g_ptr_array_add (self->microphone_names, g_strdup (name));
      index = self->microphone_names->len - 1;
    }
  self->updating_microphone = TRUE;
  adw_combo_row_set_selected (self->microphone_row, index);
  self->updating_microphone = FALSE;
}

static void
microphone_selected_cb (ElPreferencesWindow *self)
{
  guint index = adw_combo_row_get_selected (self->microphone_row);
  g_autofree char *current = NULL;

  if (self->updating_microphone || index >= self->microphone_names->len)
    return;
  current = g_settings_get_string (self->settings, "microphone");
  if (g_strcmp0 (current, g_ptr_array_index (self->microphone_names, index)) != 0)
    g_settings_set_string (self->settings, "microphone", g_ptr_array_index (self->microphone_names, index));
}

static void
fill_microphones (ElPreferencesWindow *self, GPtrArray *sources)
{
  g_autoptr (GPtrArray) labels = g_ptr_array_new ();

  g_ptr_array_set_size (self->microphone_names, 0);
  g_ptr_array_add (self->microphone_names, g_strdup (""));
  g_ptr_array_add (labels, (gpointer) _ ("System default"));
  for (guint i = 0; sources != NULL && i < sources->len; i++)
    {
      ElAudioSource *source = g_ptr_array_index (sources, i);

      g_ptr_array_add (self->microphone_names, g_strdup (source->device_name));
      g_ptr_array_add (labels, source->display_name);
    }
  g_ptr_array_add (labels, NULL);

  self->updating_microphone = TRUE;
  gtk_string_list_splice (self->microphone_model, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->microphone_model)),
                          (const char *const *) labels->pdata);
  self->updating_microphone = FALSE;
  sync_microphone_from_settings (self);
}

static void
microphones_listed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElPreferencesWindow *self;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) sources = el_audio_sources_list_finish (result, &error);

  /* Not referenced while probing (the window may close meanwhile): dispose cancels, and a
   * cancelled task always finishes with G_IO_ERROR_CANCELLED. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = EL_PREFERENCES_WINDOW (user_data);
  if (error != NULL)
    g_debug ("microphones: listing failed (%s %d)", g_quark_to_string (error->domain), error->code);
  fill_microphones (self, sources);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->microphone_row), "");
  self->microphones_loading = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MICROPHONES_LOADING]);
}

gboolean
el_preferences_window_get_microphones_loading (ElPreferencesWindow *self)
{
  g_return_val_if_fail (EL_IS_PREFERENCES_WINDOW (self), FALSE);
  return self->microphones_loading;
}

/* ------------------------------------------------------------------------------------------------
 * GObject
 */

GtkWidget *
el_preferences_window_new (GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  return g_object_new (EL_TYPE_PREFERENCES_WINDOW, "settings", settings, NULL);
}

static void
el_preferences_window_constructed (GObject *object)
{
  ElPreferencesWindow *self = EL_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (el_preferences_window_parent_class)->constructed (object);

  api_url_changed_cb (self);
  g_signal_connect_object (self->settings, "changed::api-url", G_CALLBACK (api_url_changed_cb), self,
                           G_CONNECT_SWAPPED);

  g_settings_bind (self->settings, "auto-lock-minutes", self->auto_lock_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "cache-retention-days", self->retention_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "transcription-mode", self->transcription_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, nick_to_index, index_to_nick,
                                (gpointer) transcription_nicks, NULL);
  g_settings_bind (self->settings, "learn-voice", self->learn_voice_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "shift-pattern", self->shift_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, nick_to_index, index_to_nick, (gpointer) shift_nicks,
                                NULL);

  /* Microphones: the default (and the chosen one) now, the list when PulseAudio has answered. */
  fill_microphones (self, NULL);
  g_signal_connect_object (self->microphone_row, "notify::selected", G_CALLBACK (microphone_selected_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::microphone", G_CALLBACK (sync_microphone_from_settings),
                           self, G_CONNECT_SWAPPED);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->microphone_row), _ ("Looking for microphones…"));
  self->microphones_loading = TRUE;
  el_audio_sources_list_async (NULL, self->cancellable, microphones_listed_cb, self);
}

static void
el_preferences_window_dispose (GObject *object)
{
  ElPreferencesWindow *self = EL_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->settings != NULL)
    {
      g_settings_unbind (self->auto_lock_spin, "value");
      g_settings_unbind (self->retention_spin, "value");
      g_settings_unbind (self->transcription_row, "selected");
      g_settings_unbind (self->shift_row, "selected");
      g_settings_unbind (self->learn_voice_switch, "active");
    }
  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), EL_TYPE_PREFERENCES_WINDOW);
  G_OBJECT_CLASS (el_preferences_window_parent_class)->dispose (object);
}

static void
el_preferences_window_finalize (GObject *object)
{
  ElPreferencesWindow *self = EL_PREFERENCES_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->microphone_model);
  g_clear_pointer (&self->microphone_names, g_ptr_array_unref);
  G_OBJECT_CLASS (el_preferences_window_parent_class)->finalize (object);
}

static void
el_preferences_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElPreferencesWindow *self = EL_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
      case PROP_SETTINGS:
        g_value_set_object (value, self->settings);
        break;
      case PROP_MICROPHONES_LOADING:
        g_value_set_boolean (value, self->microphones_loading);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_preferences_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElPreferencesWindow *self = EL_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
      case PROP_SETTINGS:
        self->settings = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_preferences_window_class_init (ElPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = el_preferences_window_constructed;
  object_class->dispose = el_preferences_window_dispose;
  object_class->finalize = el_preferences_window_finalize;
  object_class->get_property = el_preferences_window_get_property;
  object_class->set_property = el_preferences_window_set_property;

  properties[PROP_SETTINGS] =
      g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MICROPHONES_LOADING] =
      g_param_spec_boolean ("microphones-loading", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/ai/eclipselink/Handoff/el-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ElPreferencesWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, ElPreferencesWindow, server_error);
  gtk_widget_class_bind_template_child (widget_class, ElPreferencesWindow, auto_lock_spin);
  gtk_widget_class_bind_template_child (widget_class, ElPreferencesWindow, retention_spin);
  gtk_widget_class_bind_template_child (widget_class, ElPreferencesWindow, transcription_row);
  gtk_widget_class_bind_template_child (widget_class, ElPreferencesWindow, learn_voice_switch);
  gtk_widget_class_bind_template_child (widget_class, ElPreferencesWindow, microphone_row);
  gtk_widget_class_bind_template_child (widget_class, ElPreferencesWindow, shift_row);
  gtk_widget_class_bind_template_callback (widget_class, server_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, server_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, shift_selected_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
el_preferences_window_init (ElPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->microphone_names = g_ptr_array_new_with_free_func (g_free);
  self->microphone_model = gtk_string_list_new (NULL);
  shift_selected_cb (self);
  adw_combo_row_set_model (self->microphone_row, G_LIST_MODEL (self->microphone_model));
}
