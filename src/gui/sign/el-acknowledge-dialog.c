/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "el-acknowledge-dialog.h"
#include "el-gui-labels.h"
#include "el-model-error.h"

struct _ElAcknowledgeDialog
{
  AdwWindow parent_instance;

  ElContext *context;
  char *handoff_id;
  int version;
  gboolean busy;
  GCancellable *cancellable;

  /* template */
  GtkButton *acknowledge_button;
  GtkLabel *intro_label;
  AdwPreferencesGroup *readback_group;
  GtkCheckButton *readback_check;
  GtkTextView *note_view;
  GtkLabel *error_label;
};

G_DEFINE_FINAL_TYPE (ElAcknowledgeDialog, el_acknowledge_dialog, ADW_TYPE_WINDOW)

enum
{
  SIGNAL_ACKNOWLEDGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- the read-back summary ---- */

static char *
format_number (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (value == (double) (gint64) value)
    return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) value);
  g_snprintf (buffer, sizeof buffer, "%.1f", value);
  return g_strdup (buffer);
}

static char *
vitals_text (const ElSbarVitals *v)
{
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (v->temperature_c != NULL)
    {
      g_autofree char *n = format_number (v->temperature_c->value);
      /* Translators: temperature in degrees Celsius */
      g_ptr_array_add (parts, g_strdup_printf (_ ("T %s °C"), n));
    }
  if (v->heart_rate != NULL)
    {
      g_autofree char *n = format_number (v->heart_rate->value);
      /* Translators: heart rate per minute */
      g_ptr_array_add (parts, g_strdup_printf (_ ("HR %s"), n));
    }
  if (v->blood_pressure != NULL)
    /* Translators: blood pressure, systolic/diastolic mmHg */
    g_ptr_array_add (
        parts, g_strdup_printf (_ ("BP %d/%d"), v->blood_pressure->systolic, v->blood_pressure->diastolic));
  if (v->respiratory_rate != NULL)
    {
      g_autofree char *n = format_number (v->respiratory_rate->value);
      /* Translators: respiratory rate per minute */
      g_ptr_array_add (parts, g_strdup_printf (_ ("RR %s"), n));
    }
  if (v->spo2 != NULL)
    {
      g_autofree char *n = format_number (v->spo2->value);
      /* Translators: oxygen saturation in per cent */
      g_ptr_array_add (parts, g_strdup_printf (_ ("SpO₂ %s %%"), n));
    }
  if (v->pain != NULL)
    {
      g_autofree char *n = format_number (v->pain->value);
      /* Translators: pain score out of 10 */
      g_ptr_array_add (parts, g_strdup_printf (_ ("pain %s/10"), n));
    }
  if (parts->len == 0)
    return NULL;
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **) parts->pdata);
}

/* (element-type utf8): item, value, item, value... */
static void
add_line (GPtrArray *builder, const char *item, const char *value)
{
  g_ptr_array_add (builder, g_strdup (item));
  g_ptr_array_add (builder, g_strdup (value != NULL ? value : _ ("Not recorded")));
}

static GPtrArray *
readback_items (ElSbarVersion *content)
{
  GPtrArray *builder = g_ptr_array_new_with_free_func (g_free);
  ElSbarFields *f = content != NULL ? el_sbar_version_get_fields (content) : NULL;
  ElSbarCodeStatus *code = f != NULL ? el_sbar_fields_get_code_status (f) : NULL;
  ElSbarAllergies *allergies = f != NULL ? el_sbar_fields_get_allergies (f) : NULL;
  ElSbarIsolation *isolation = f != NULL ? el_sbar_fields_get_isolation (f) : NULL;
  ElSbarVitals *vitals = f != NULL ? el_sbar_fields_get_vitals (f) : NULL;
  GPtrArray *meds = f != NULL ? el_sbar_fields_get_meds_due (f) : NULL;
  GPtrArray *contingencies = f != NULL ? el_sbar_fields_get_contingencies (f) : NULL;

  add_line (builder, el_gui_completeness_item_label ("code_status"),
            code != NULL ? el_gui_code_status_label (code->value) : NULL);

  if (allergies == NULL)
    add_line (builder, el_gui_completeness_item_label ("allergies"), NULL);
  else if (allergies->no_known_allergies || allergies->items == NULL || allergies->items->len == 0)
    add_line (builder, el_gui_completeness_item_label ("allergies"), _ ("No known allergies"));
  else
    {
      g_autoptr (GString) text = g_string_new (NULL);

      for (guint i = 0; i < allergies->items->len; i++)
        {
          ElSbarAllergy *a = g_ptr_array_index (allergies->items, i);

          if (i > 0)
            g_string_append (text, ", ");
          g_string_append (text, a->substance);
          if (a->reaction != NULL)
            g_string_append_printf (text, " (%s)", a->reaction);
        }
      add_line (builder, el_gui_completeness_item_label ("allergies"), text->str);
    }

  if (isolation == NULL)
    add_line (builder, el_gui_completeness_item_label ("isolation"), NULL);
  else
    {
      g_autofree char *text =
          isolation->detail != NULL
              ? g_strdup_printf ("%s (%s)", el_gui_isolation_label (isolation->value), isolation->detail)
              : g_strdup (el_gui_isolation_label (isolation->value));

      add_line (builder, el_gui_completeness_item_label ("isolation"), text);
    }

  {
    g_autofree char *text = vitals != NULL ? vitals_text (vitals) : NULL;

    add_line (builder, el_gui_completeness_item_label ("vitals"), text);
  }

  if (meds == NULL)
    add_line (builder, el_gui_completeness_item_label ("meds_due"), NULL);
  else if (meds->len == 0)
    add_line (builder, el_gui_completeness_item_label ("meds_due"), _ ("None"));
  else
    {
      g_autoptr (GString) text = g_string_new (NULL);

      for (guint i = 0; i < meds->len; i++)
        {
          ElSbarMedDue *m = g_ptr_array_index (meds, i);

          if (i > 0)
            g_string_append (text, "; ");
          g_string_append (text, m->name);
          if (m->dose != NULL)
            g_string_append_printf (text, " %s", m->dose);
          if (m->route != NULL)
            g_string_append_printf (text, " %s", m->route);
          if (m->time != NULL)
            g_string_append_printf (text, " %s", m->time);
        }
      add_line (builder, el_gui_completeness_item_label ("meds_due"), text->str);
    }

  if (contingencies == NULL)
    add_line (builder, el_gui_completeness_item_label ("contingencies"), NULL);
  else if (contingencies->len == 0)
    add_line (builder, el_gui_completeness_item_label ("contingencies"), _ ("None"));
  else
    {
      g_autoptr (GString) text = g_string_new (NULL);

      for (guint i = 0; i < contingencies->len; i++)
        {
          ElSbarContingency *c = g_ptr_array_index (contingencies, i);

          if (i > 0)
            g_string_append (text, "; ");
          /* Translators: a contingency, "if <condition> → <action>" */
          g_string_append_printf (text, _ ("if %s → %s"), c->condition, c->action);
        }
      add_line (builder, el_gui_completeness_item_label ("contingencies"), text->str);
    }
  return builder;
}

GStrv
el_acknowledge_readback_lines (ElSbarVersion *content)
{
  g_autoptr (GPtrArray) items = readback_items (content);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i + 1 < items->len; i += 2)
    {
      /* Translators: a read-back line, "Code status: DNR" */
      g_autofree char *line = g_strdup_printf (_ ("%s: %s"), (char *) g_ptr_array_index (items, i),
                                               (char *) g_ptr_array_index (items, i + 1));

      g_strv_builder_add (builder, line);
    }
  return g_strv_builder_end (builder);
}

/* ---- the dialog ---- */

static void
update_sensitive (ElAcknowledgeDialog *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->acknowledge_button),
                            !self->busy && gtk_check_button_get_active (self->readback_check));
}

static void
show_error (ElAcknowledgeDialog *self, const char *text)
{
  gtk_label_set_text (self->error_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
}

static const char *
error_words (const GError *error)
{
  if (g_error_matches (error, EL_API_ERROR, EL_API_ERROR_FORBIDDEN) ||
      g_error_matches (error, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_INVALID_ARGUMENT))
    return _ ("Only the receiving nurse can acknowledge this handoff, and never the nurse who signed it.");
  if (g_error_matches (error, EL_API_ERROR, EL_API_ERROR_CONFLICT) || error->domain == EL_MODEL_ERROR)
    return _ ("This handoff changed meanwhile (a newer version, or the signature was voided). Close this "
              "dialog and check it again.");
  if (g_error_matches (error, EL_API_ERROR, EL_API_ERROR_LOCKED))
    return _ ("This handoff is already acknowledged or cancelled.");
  return _ ("The handoff could not be acknowledged. Try again.");
}

static void
acknowledged_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  gboolean queued = FALSE;
  g_autoptr (ElHandoff) handoff =
      el_context_acknowledge_finish (EL_CONTEXT (source), result, &queued, &error);
  ElAcknowledgeDialog *self;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = EL_ACKNOWLEDGE_DIALOG (user_data);
  self->busy = FALSE;
  if (handoff == NULL)
    {
      g_debug ("acknowledge: handoff %s not acknowledged: %s %d", self->handoff_id,
               g_quark_to_string (error->domain), error->code);
      show_error (self, error_words (error));
      update_sensitive (self);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_ACKNOWLEDGED], 0, handoff, queued);
  gtk_window_close (GTK_WINDOW (self));
}

static void
acknowledge_clicked_cb (ElAcknowledgeDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->note_view);
  GtkTextIter start, end;
  g_autofree char *note = NULL;

  if (self->busy || !gtk_check_button_get_active (self->readback_check))
    return;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  note = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
  self->busy = TRUE;
  update_sensitive (self);
  show_error (self, NULL);
  el_context_acknowledge_async (self->context, self->handoff_id, self->version, note[0] != '\0' ? note : NULL,
                                self->cancellable, acknowledged_cb, self);
}

static void
el_acknowledge_dialog_dispose (GObject *object)
{
  ElAcknowledgeDialog *self = EL_ACKNOWLEDGE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), EL_TYPE_ACKNOWLEDGE_DIALOG);
  G_OBJECT_CLASS (el_acknowledge_dialog_parent_class)->dispose (object);
}

static void
el_acknowledge_dialog_finalize (GObject *object)
{
  ElAcknowledgeDialog *self = EL_ACKNOWLEDGE_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);
  g_free (self->handoff_id);
  G_OBJECT_CLASS (el_acknowledge_dialog_parent_class)->finalize (object);
}

static void
el_acknowledge_dialog_class_init (ElAcknowledgeDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = el_acknowledge_dialog_dispose;
  object_class->finalize = el_acknowledge_dialog_finalize;

  signals[SIGNAL_ACKNOWLEDGED] =
      g_signal_new ("acknowledged", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 2, EL_TYPE_HANDOFF, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/ai/eclipselink/Handoff/el-acknowledge-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ElAcknowledgeDialog, acknowledge_button);
  gtk_widget_class_bind_template_child (widget_class, ElAcknowledgeDialog, intro_label);
  gtk_widget_class_bind_template_child (widget_class, ElAcknowledgeDialog, readback_group);
  gtk_widget_class_bind_template_child (widget_class, ElAcknowledgeDialog, readback_check);
  gtk_widget_class_bind_template_child (widget_class, ElAcknowledgeDialog, note_view);
  gtk_widget_class_bind_template_child (widget_class, ElAcknowledgeDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, update_sensitive);
  gtk_widget_class_bind_template_callback (widget_class, acknowledge_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
el_acknowledge_dialog_init (ElAcknowledgeDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  el_gui_text_view_fit (self->note_view);
}

ElAcknowledgeDialog *
el_acknowledge_dialog_new (
    ElContext *ctx, const char *handoff_id, int version, ElSbarVersion *content, const char *signed_text)
{
  ElAcknowledgeDialog *self;
  g_autoptr (GPtrArray) items = NULL;
  g_autofree char *intro = NULL;

  g_return_val_if_fail (EL_IS_CONTEXT (ctx), NULL);
  g_return_val_if_fail (handoff_id != NULL, NULL);

  self = g_object_new (EL_TYPE_ACKNOWLEDGE_DIALOG, NULL);
  self->context = g_object_ref (ctx);
  self->handoff_id = g_strdup (handoff_id);
  self->version = version;
  intro = g_strdup_printf (_ ("Version %d. %s Read the critical items back to the nurse who signed, then "
                              "confirm."),
                           version, signed_text != NULL ? signed_text : "");
  gtk_label_set_text (self->intro_label, intro);
  items = readback_items (content);
  for (guint i = 0; i + 1 < items->len; i += 2)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), g_ptr_array_index (items, i));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), g_ptr_array_index (items, i + 1));
      gtk_widget_set_name (row, "acknowledge-readback-row");
      adw_preferences_group_add (self->readback_group, row);
    }
  update_sensitive (self);
  return self;
}

const char *
el_acknowledge_dialog_get_error (ElAcknowledgeDialog *self)
{
  g_return_val_if_fail (EL_IS_ACKNOWLEDGE_DIALOG (self), NULL);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return NULL;
  return gtk_label_get_text (self->error_label);
}
