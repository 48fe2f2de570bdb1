/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "el-recorder.h"
#include "el-speech-model.h"
#include "el-voice-dialog.h"

#define MIN_READING_MS 3000
#define LEVEL_FLOOR_DB -60.0

struct _ElVoiceDialog
{
  AdwWindow parent_instance;

  ElContext *context;
  GSettings *settings; /* nullable */
  char *source;        /* nullable: tests */
  GPtrArray *texts;    /* char * */
  GPtrArray *paths;    /* char *, one per text; NULL until read */
  GPtrArray *ids;      /* char *, the recordings' ids */
  guint index;
  ElRecorder *recorder; /* the reading in progress */
  gboolean stopping;
  gboolean enrolled;
  GCancellable *cancellable;

  GtkStack *stack;
  AdwStatusPage *intro_page;
  GtkButton *start_button;
  GtkLabel *progress_label;
  GtkLabel *hint_label;
  GtkLabel *script_label;
  GtkLevelBar *level_bar;
  GtkButton *record_button;
  GtkButton *next_button;
  GtkSpinner *spinner;
  AdwStatusPage *result_page;
};

G_DEFINE_FINAL_TYPE (ElVoiceDialog, el_voice_dialog, ADW_TYPE_WINDOW)

enum
{
  PROP_0,
  PROP_CONTEXT,
  PROP_SETTINGS,
  PROP_SOURCE,
  PROP_TEXTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_ENROLLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Where the readings are recorded: beside the profile, never among the handoff recordings. */
static char *
readings_dir (ElVoiceDialog *self)
{
  const char *voice = el_context_get_voice_profile_dir (self->context);

  return voice != NULL ? g_strconcat (voice, ".readings", NULL) : NULL;
}

static void
show_result (ElVoiceDialog *self, const char *icon, const char *title, const char *description)
{
  gtk_spinner_stop (self->spinner);
  adw_status_page_set_icon_name (self->result_page, icon);
  adw_status_page_set_title (self->result_page, title);
  adw_status_page_set_description (self->result_page, description);
  gtk_stack_set_visible_child_name (self->stack, "result");
}

static void
update_read_page (ElVoiceDialog *self)
{
  gboolean last = self->index + 1 == self->texts->len;
  gboolean have = g_ptr_array_index (self->paths, self->index) != NULL;
  g_autofree char *progress = NULL;

  /* Translators: the enrollment text being read, e.g. "Text 2 of 8" */
  progress = g_strdup_printf (_ ("Text %u of %u"), self->index + 1, self->texts->len);
  gtk_label_set_label (self->progress_label, progress);
  gtk_label_set_label (self->script_label, g_ptr_array_index (self->texts, self->index));
  if (self->recorder != NULL)
    gtk_button_set_label (self->record_button, _ ("_Stop"));
  else
    gtk_button_set_label (self->record_button, have ? _ ("_Record Again") : _ ("_Record"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->record_button), !self->stopping);
  gtk_button_set_label (self->next_button, last ? _ ("_Build Profile") : _ ("_Next"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button), have && self->recorder == NULL);
  if (self->recorder != NULL)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->record_button), "suggested-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->record_button), "destructive-action");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->record_button), "destructive-action");
      if (!have)
        gtk_widget_add_css_class (GTK_WIDGET (self->record_button), "suggested-action");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self->record_button), "suggested-action");
    }
}

static void
set_hint (ElVoiceDialog *self, const char *hint)
{
  gtk_label_set_label (self->hint_label, hint);
}

static void
forget_reading (ElVoiceDialog *self, guint index)
{
  char *path = g_ptr_array_index (self->paths, index);

  if (path != NULL)
    g_unlink (path);
  g_clear_pointer (&g_ptr_array_index (self->paths, index), g_free);
  g_clear_pointer (&g_ptr_array_index (self->ids, index), g_free);
}

static void
drop_recorder (ElVoiceDialog *self)
{
  if (self->recorder == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->recorder, self);
  if (el_recorder_get_state (self->recorder) == EL_RECORDER_STATE_RECORDING ||
      el_recorder_get_state (self->recorder) == EL_RECORDER_STATE_PAUSED)
    el_recorder_discard (self->recorder);
  g_clear_object (&self->recorder);
}

static void
level_notify_cb (ElRecorder *recorder, GParamSpec *pspec, gpointer user_data)
{
  ElVoiceDialog *self = EL_VOICE_DIALOG (user_data);
  double db = el_recorder_get_level_rms_db (recorder);

  (void) pspec;
  gtk_level_bar_set_value (self->level_bar, CLAMP ((db - LEVEL_FLOOR_DB) / -LEVEL_FLOOR_DB, 0.0, 1.0));
}

static void
recorder_failed_cb (ElRecorder *recorder, const GError *error, gpointer user_data)
{
  ElVoiceDialog *self = EL_VOICE_DIALOG (user_data);

  (void) recorder;
  g_debug ("voice dialog: recorder failed: %s #%d", g_quark_to_string (error->domain), error->code);
  drop_recorder (self);
  self->stopping = FALSE;
  set_hint (self, _ ("The microphone stopped working. Check it and record this text again."));
  update_read_page (self);
}

static void
stopped_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElVoiceDialog *self = user_data; /* referenced by the call */
  ElRecorder *recorder = EL_RECORDER (source);
  g_autoptr (GError) error = NULL;
  gboolean ok = el_recorder_stop_finish (recorder, result, &error);

  if (recorder != self->recorder)
    {
      /* the dialog went on (closed, or recording again) */
      if (ok && el_recorder_get_path (recorder) != NULL && !self->enrolled)
        g_unlink (el_recorder_get_path (recorder));
      g_object_unref (self);
      return;
    }
  self->stopping = FALSE;
  if (!ok || el_recorder_get_duration_ms (recorder) < MIN_READING_MS)
    {
      if (ok && el_recorder_get_path (recorder) != NULL)
        g_unlink (el_recorder_get_path (recorder));
      set_hint (self, ok ? _ ("That was too short: press Record and read the whole text.")
                         : _ ("The recording could not be saved. Record this text again."));
    }
  else
    {
      forget_reading (self, self->index);
      g_ptr_array_index (self->paths, self->index) = g_strdup (el_recorder_get_path (recorder));
      g_ptr_array_index (self->ids, self->index) = g_strdup (el_recorder_get_recording_id (recorder));
      set_hint (self, self->index + 1 == self->texts->len ? _ ("That was the last one.")
                                                          : _ ("Go on to the next text."));
    }
  g_signal_handlers_disconnect_by_data (recorder, self);
  g_clear_object (&self->recorder);
  gtk_level_bar_set_value (self->level_bar, 0);
  update_read_page (self);
  g_object_unref (self);
}

static char *
choose_source (ElVoiceDialog *self)
{
  g_autofree char *device =
      self->settings != NULL ? g_settings_get_string (self->settings, "microphone") : NULL;

  return el_recorder_choose_source (self->source, device);
}

static void
record_clicked_cb (ElVoiceDialog *self)
{
  g_autofree char *directory = NULL;
  g_autofree char *source = NULL;
  g_autoptr (GError) error = NULL;
  ElVault *vault = el_context_get_audio_vault (self->context);

  if (self->recorder != NULL)
    {
      self->stopping = TRUE;
      update_read_page (self);
      el_recorder_stop_async (self->recorder, self->cancellable, stopped_cb, g_object_ref (self));
      return;
    }
  directory = readings_dir (self);
  if (vault == NULL || directory == NULL)
    {
      show_result (self, "dialog-warning-symbolic", _ ("Sign In First"),
                   _ ("A voice profile belongs to the nurse who is signed in."));
      return;
    }
  source = choose_source (self);
  self->recorder = el_recorder_new (vault, directory, source);
  g_signal_connect (self->recorder, "notify::level-rms-db", G_CALLBACK (level_notify_cb), self);
  g_signal_connect (self->recorder, "failed", G_CALLBACK (recorder_failed_cb), self);
  if (!el_recorder_start (self->recorder, &error))
    {
      g_debug ("voice dialog: recorder did not start: %s #%d", g_quark_to_string (error->domain),
               error->code);
      g_clear_object (&self->recorder);
      set_hint (self, _ ("The microphone could not be opened. Check that it is connected and choose it in "
                         "Preferences."));
      update_read_page (self);
      return;
    }
  set_hint (self, _ ("Read the text aloud at your usual pace, then press Stop."));
  update_read_page (self);
}

static void
enrolled_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElVoiceDialog *self = user_data; /* referenced by the call */
  g_autoptr (GError) error = NULL;
  gboolean ok = el_context_enroll_voice_finish (EL_CONTEXT (source), result, &error);

  /* closed meanwhile: its widgets are gone */
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_object_unref (self);
      return;
    }
  if (ok)
    {
      self->enrolled = TRUE;
      for (guint i = 0; i < self->paths->len; i++)
        {
          g_clear_pointer (&g_ptr_array_index (self->paths, i), g_free);
          g_clear_pointer (&g_ptr_array_index (self->ids, i), g_free);
        }
      show_result (self, "object-select-symbolic", _ ("Your Voice Profile Is Ready"),
                   _ ("Handoffs you record on this computer are now recognised with it. The recordings you "
                      "made for it have been deleted."));
      g_signal_emit (self, signals[SIGNAL_ENROLLED], 0);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = g_strdup_printf (
          _ ("Your readings are kept until you close this window. Ask your IT department if this happens "
             "again (%s)."),
          error->message);

      g_debug ("voice dialog: enrollment failed: %s #%d", g_quark_to_string (error->domain), error->code);
      show_result (self, "dialog-warning-symbolic", _ ("The Profile Could Not Be Built"), text);
    }
  g_object_unref (self);
}

/* @strings' strings, borrowed, NULL-terminated (a copy of the array would free them with it) */
static GPtrArray *
borrowed_strv (GPtrArray *strings)
{
  GPtrArray *strv = g_ptr_array_sized_new (strings->len + 1);

  for (guint i = 0; i < strings->len; i++)
    g_ptr_array_add (strv, g_ptr_array_index (strings, i));
  g_ptr_array_add (strv, NULL);
  return strv;
}

static void
next_clicked_cb (ElVoiceDialog *self)
{
  g_autoptr (GPtrArray) texts = NULL;
  g_autoptr (GPtrArray) paths = NULL;
  g_autoptr (GPtrArray) ids = NULL;

  if (self->recorder != NULL || g_ptr_array_index (self->paths, self->index) == NULL)
    return;
  if (self->index + 1 < self->texts->len)
    {
      self->index++;
      set_hint (self, _ ("Press Record, read the text aloud at your usual pace, then press Stop."));
      update_read_page (self);
      return;
    }
  texts = borrowed_strv (self->texts);
  paths = borrowed_strv (self->paths);
  ids = borrowed_strv (self->ids);
  gtk_stack_set_visible_child_name (self->stack, "building");
  gtk_spinner_start (self->spinner);
  el_context_enroll_voice_async (self->context, (const char *const *) paths->pdata,
                                 (const char *const *) ids->pdata, (const char *const *) texts->pdata,
                                 self->cancellable, enrolled_cb, g_object_ref (self));
}

static void
start_clicked_cb (ElVoiceDialog *self)
{
  self->index = 0;
  set_hint (self, _ ("Press Record, read the text aloud at your usual pace, then press Stop."));
  update_read_page (self);
  gtk_stack_set_visible_child_name (self->stack, "read");
}

static void
close_clicked_cb (ElVoiceDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

/* ------------------------------------------------------------------------------------------------
 * GObject
 */

GtkWidget *
el_voice_dialog_new (GtkWindow *parent, ElContext *ctx, GSettings *settings)
{
  g_return_val_if_fail (EL_IS_CONTEXT (ctx), NULL);
  return g_object_new (EL_TYPE_VOICE_DIALOG, "transient-for", parent, "context", ctx, "settings", settings,
                       NULL);
}

static void
el_voice_dialog_constructed (GObject *object)
{
  ElVoiceDialog *self = EL_VOICE_DIALOG (object);
  g_autoptr (GError) error = NULL;
  g_autofree char *description = NULL;

  G_OBJECT_CLASS (el_voice_dialog_parent_class)->constructed (object);

  /* a profile belongs to the nurse signed in: another one signing in (or out) ends it */
  g_signal_connect_object (self->context, "notify::account", G_CALLBACK (gtk_window_close), self,
                           G_CONNECT_SWAPPED);

  if (self->texts == NULL)
    self->texts = el_speech_enrollment_texts (&error);
  if (self->texts == NULL)
    {
      g_debug ("voice dialog: no enrollment texts: %s #%d", g_quark_to_string (error->domain), error->code);
      show_result (self, "dialog-warning-symbolic", _ ("Speech Recognition Is Not Installed"),
                   _ ("The texts to read are missing on this computer. Ask your IT department."));
      return;
    }
  self->paths = g_ptr_array_new_with_free_func (g_free);
  self->ids = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_set_size (self->paths, self->texts->len);
  g_ptr_array_set_size (self->ids, self->texts->len);

  description = g_strdup_printf (
      ngettext ("Read %u short handoff aloud, as you would give it. Speech recognition on this computer then "
                "makes fewer mistakes with your voice.",
                "Read %u short handoffs aloud, as you would give them (about forty seconds each). Speech "
                "recognition on this computer then makes fewer mistakes with your voice.",
                self->texts->len),
      self->texts->len);
  if (el_context_has_voice_profile (self->context))
    {
      g_autofree char *more =
          g_strconcat (description, " ", _ ("This replaces the voice profile you have."), NULL);

      g_free (description);
      description = g_steal_pointer (&more);
    }
  adw_status_page_set_description (self->intro_page, description);
}

static void
el_voice_dialog_dispose (GObject *object)
{
  ElVoiceDialog *self = EL_VOICE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  drop_recorder (self);
  /* readings never used for a profile are not kept */
  if (self->paths != NULL && !self->enrolled)
    for (guint i = 0; i < self->paths->len; i++)
      forget_reading (self, i);
  gtk_widget_dispose_template (GTK_WIDGET (self), EL_TYPE_VOICE_DIALOG);
  G_OBJECT_CLASS (el_voice_dialog_parent_class)->dispose (object);
}

static void
el_voice_dialog_finalize (GObject *object)
{
  ElVoiceDialog *self = EL_VOICE_DIALOG (object);

  g_clear_object (&self->context);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_free (self->source);
  g_clear_pointer (&self->texts, g_ptr_array_unref);
  g_clear_pointer (&self->paths, g_ptr_array_unref);
  g_clear_pointer (&self->ids, g_ptr_array_unref);
  G_OBJECT_CLASS (el_voice_dialog_parent_class)->finalize (object);
}

static void
el_voice_dialog_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElVoiceDialog *self = EL_VOICE_DIALOG (object);

  switch (prop_id)
    {
      case PROP_CONTEXT:
        g_value_set_object (value, self->context);
        break;
      case PROP_SETTINGS:
        g_value_set_object (value, self->settings);
        break;
      case PROP_SOURCE:
        g_value_set_string (value, self->source);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_voice_dialog_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElVoiceDialog *self = EL_VOICE_DIALOG (object);

  switch (prop_id)
    {
      case PROP_CONTEXT:
        self->context = g_value_dup_object (value);
        break;
      case PROP_SETTINGS:
        self->settings = g_value_dup_object (value);
        break;
      case PROP_SOURCE:
        g_free (self->source);
        self->source = g_value_dup_string (value);
        break;
      case PROP_TEXTS:
        {
          const char *const *texts = g_value_get_boxed (value);

          if (texts == NULL)
            break;
          self->texts = g_ptr_array_new_with_free_func (g_free);
          for (guint i = 0; texts[i] != NULL; i++)
            g_ptr_array_add (self->texts, g_strdup (texts[i]));
          if (self->texts->len == 0)
            g_clear_pointer (&self->texts, g_ptr_array_unref);
        }
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_voice_dialog_class_init (ElVoiceDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = el_voice_dialog_constructed;
  object_class->dispose = el_voice_dialog_dispose;
  object_class->finalize = el_voice_dialog_finalize;
  object_class->get_property = el_voice_dialog_get_property;
  object_class->set_property = el_voice_dialog_set_property;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, EL_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
      g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SOURCE] =
      g_param_spec_string ("source", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEXTS] = g_param_spec_boxed (
      "texts", NULL, NULL, G_TYPE_STRV, G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_ENROLLED] = g_signal_new ("enrolled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                           NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/eclipselink/Handoff/el-voice-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ElVoiceDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, ElVoiceDialog, intro_page);
  gtk_widget_class_bind_template_child (widget_class, ElVoiceDialog, start_button);
  gtk_widget_class_bind_template_child (widget_class, ElVoiceDialog, progress_label);
  gtk_widget_class_bind_template_child (widget_class, ElVoiceDialog, hint_label);
  gtk_widget_class_bind_template_child (widget_class, ElVoiceDialog, script_label);
  gtk_widget_class_bind_template_child (widget_class, ElVoiceDialog, level_bar);
  gtk_widget_class_bind_template_child (widget_class, ElVoiceDialog, record_button);
  gtk_widget_class_bind_template_child (widget_class, ElVoiceDialog, next_button);
  gtk_widget_class_bind_template_child (widget_class, ElVoiceDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, ElVoiceDialog, result_page);
  gtk_widget_class_bind_template_callback (widget_class, start_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, record_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, next_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, close_clicked_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
el_voice_dialog_init (ElVoiceDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}
