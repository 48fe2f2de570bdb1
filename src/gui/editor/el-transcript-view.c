/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ElTranscriptView: a read-only GtkTextView of the transcript, one anonymous tag per span. The
 * tags' background is the theme's accent background, made translucent, looked up again whenever
 * the CSS changes (dark mode, high contrast); every tag is also underlined so a highlight never
 * depends on colour. Nothing here logs: the transcript and the field values are PHI.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "el-gui-labels.h"
#include "el-transcript-view.h"

#define HIGHLIGHT_ALPHA 0.3

typedef struct
{
  gint64 start; /* code points, clamped to the text */
  gint64 end;
  char *field;
  GtkTextTag *tag; /* owned by the buffer's tag table */
} Span;

struct _ElTranscriptView
{
  AdwBin parent_instance;

  GPtrArray *spans; /* (element-type Span) */

  /* Template */
  GtkTextView *text_view;
  GtkLabel *fields_label;
  GtkLabel *message_label;
};

G_DEFINE_FINAL_TYPE (ElTranscriptView, el_transcript_view, ADW_TYPE_BIN)

enum
{
  SIGNAL_SPAN_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
span_free (gpointer data)
{
  Span *span = data;

  g_free (span->field);
  g_free (span);
}

static GtkTextBuffer *
buffer_of (ElTranscriptView *self)
{
  return gtk_text_view_get_buffer (self->text_view);
}

static void
highlight_rgba (ElTranscriptView *self, GdkRGBA *rgba)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self->text_view));

  /* a theme without named colours: the text's own colour, faint (the underline marks it too) */
  if (!gtk_style_context_lookup_color (context, "accent_bg_color", rgba) &&
      !gtk_style_context_lookup_color (context, "theme_selected_bg_color", rgba))
    gtk_style_context_get_color (context, rgba);
  rgba->alpha = HIGHLIGHT_ALPHA;
}

static void
style_tag (ElTranscriptView *self, GtkTextTag *tag)
{
  GdkRGBA rgba;

  highlight_rgba (self, &rgba);
  g_object_set (tag, "background-rgba", &rgba, "underline", PANGO_UNDERLINE_SINGLE, NULL);
}

static void
update_fields_label (ElTranscriptView *self)
{
  g_autoptr (GString) text = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < self->spans->len; i++)
    {
      Span *span = g_ptr_array_index (self->spans, i);

      if (span->end <= span->start || !g_hash_table_add (seen, span->field))
        continue;
      if (text == NULL)
        text = g_string_new (_ ("Highlighted for:"));
      g_string_append (text, g_hash_table_size (seen) == 1 ? " " : ", ");
      g_string_append (text, span->field);
    }
  gtk_label_set_label (self->fields_label, text != NULL ? text->str : "");
  gtk_widget_set_visible (GTK_WIDGET (self->fields_label), text != NULL);
}

/* The smallest span holding @offset, or -1. */
static int
span_at (ElTranscriptView *self, gint64 offset)
{
  int best = -1;
  gint64 best_len = G_MAXINT64;

  for (guint i = 0; i < self->spans->len; i++)
    {
      Span *span = g_ptr_array_index (self->spans, i);

      if (offset >= span->start && offset < span->end && span->end - span->start < best_len)
        {
          best = (int) i;
          best_len = span->end - span->start;
        }
    }
  return best;
}

static gboolean
iter_at_widget_point (ElTranscriptView *self, double x, double y, GtkTextIter *iter)
{
  int bx, by;

  gtk_text_view_window_to_buffer_coords (self->text_view, GTK_TEXT_WINDOW_WIDGET, (int) x, (int) y, &bx, &by);
  return gtk_text_view_get_iter_at_location (self->text_view, iter, bx, by);
}

static gboolean
query_tooltip_cb (
    GtkWidget *widget, int x, int y, gboolean keyboard_mode, GtkTooltip *tooltip, gpointer user_data)
{
  ElTranscriptView *self = user_data;
  GtkTextIter iter;
  g_autofree char *fields = NULL;
  g_autofree char *text = NULL;

  if (keyboard_mode)
    gtk_text_buffer_get_iter_at_mark (buffer_of (self), &iter, gtk_text_buffer_get_insert (buffer_of (self)));
  else if (!iter_at_widget_point (self, x, y, &iter))
    return FALSE;
  fields = el_transcript_view_dup_fields_at (self, gtk_text_iter_get_offset (&iter));
  if (fields == NULL)
    return FALSE;
  /* Translators: the tooltip of highlighted transcript words, e.g. "Heard for: Heart rate" */
  text = g_strdup_printf (_ ("Heard for: %s"), fields);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
click_released_cb (GtkGestureClick *gesture, int n_press, double x, double y, gpointer user_data)
{
  ElTranscriptView *self = user_data;
  GtkTextIter iter;

  if (n_press != 1 || gtk_text_buffer_get_has_selection (buffer_of (self)))
    return; /* selecting text to copy it */
  if (iter_at_widget_point (self, x, y, &iter))
    el_transcript_view_activate_at (self, gtk_text_iter_get_offset (&iter));
}

static gboolean
key_pressed_cb (
    GtkEventControllerKey *controller, guint keyval, guint keycode, GdkModifierType state, gpointer user_data)
{
  ElTranscriptView *self = user_data;
  GtkTextIter iter;

  if (keyval != GDK_KEY_Return && keyval != GDK_KEY_KP_Enter && keyval != GDK_KEY_ISO_Enter &&
      keyval != GDK_KEY_space && keyval != GDK_KEY_KP_Space)
    return FALSE;
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) != 0)
    return FALSE;
  gtk_text_buffer_get_iter_at_mark (buffer_of (self), &iter, gtk_text_buffer_get_insert (buffer_of (self)));
  return el_transcript_view_activate_at (self, gtk_text_iter_get_offset (&iter));
}

/* Public ---------------------------------------------------------------------------------------- */

GtkWidget *
el_transcript_view_new (void)
{
  return g_object_new (EL_TYPE_TRANSCRIPT_VIEW, NULL);
}

void
el_transcript_view_clear_spans (ElTranscriptView *self)
{
  GtkTextTagTable *table;

  g_return_if_fail (EL_IS_TRANSCRIPT_VIEW (self));

  table = gtk_text_buffer_get_tag_table (buffer_of (self));
  for (guint i = 0; i < self->spans->len; i++)
    gtk_text_tag_table_remove (table, ((Span *) g_ptr_array_index (self->spans, i))->tag);
  g_ptr_array_set_size (self->spans, 0);
  update_fields_label (self);
}

void
el_transcript_view_set_transcript (ElTranscriptView *self, const char *text)
{
  GtkTextBuffer *buffer;
  GtkTextIter start;

  g_return_if_fail (EL_IS_TRANSCRIPT_VIEW (self));

  el_transcript_view_clear_spans (self);
  buffer = buffer_of (self);
  gtk_text_buffer_set_text (buffer, text != NULL ? text : "", -1);
  gtk_text_buffer_get_start_iter (buffer, &start);
  gtk_text_buffer_place_cursor (buffer, &start);
}

guint
el_transcript_view_add_span (ElTranscriptView *self, gint64 start, gint64 end, const char *field)
{
  GtkTextBuffer *buffer;
  gint64 n;
  Span *span;
  GtkTextIter s, e;

  g_return_val_if_fail (EL_IS_TRANSCRIPT_VIEW (self), 0);
  g_return_val_if_fail (field != NULL, 0);

  buffer = buffer_of (self);
  n = gtk_text_buffer_get_char_count (buffer);
  span = g_new0 (Span, 1);
  span->start = CLAMP (start, 0, n);
  span->end = CLAMP (end, span->start, n);
  span->field = g_strdup (field);
  span->tag = gtk_text_buffer_create_tag (buffer, NULL, NULL);
  style_tag (self, span->tag);
  gtk_text_buffer_get_iter_at_offset (buffer, &s, (int) span->start);
  gtk_text_buffer_get_iter_at_offset (buffer, &e, (int) span->end);
  gtk_text_buffer_apply_tag (buffer, span->tag, &s, &e);
  g_ptr_array_add (self->spans, span);
  update_fields_label (self);
  return self->spans->len - 1;
}

guint
el_transcript_view_get_n_spans (ElTranscriptView *self)
{
  g_return_val_if_fail (EL_IS_TRANSCRIPT_VIEW (self), 0);
  return self->spans->len;
}

GtkTextTag *
el_transcript_view_get_span_tag (ElTranscriptView *self, guint index)
{
  g_return_val_if_fail (EL_IS_TRANSCRIPT_VIEW (self), NULL);
  g_return_val_if_fail (index < self->spans->len, NULL);
  return ((Span *) g_ptr_array_index (self->spans, index))->tag;
}

char *
el_transcript_view_dup_fields_at (ElTranscriptView *self, gint64 offset)
{
  g_autoptr (GString) text = NULL;

  g_return_val_if_fail (EL_IS_TRANSCRIPT_VIEW (self), NULL);

  for (guint i = 0; i < self->spans->len; i++)
    {
      Span *span = g_ptr_array_index (self->spans, i);

      if (offset < span->start || offset >= span->end)
        continue;
      if (text == NULL)
        text = g_string_new (span->field);
      else
        g_string_append_printf (text, ", %s", span->field);
    }
  return text != NULL ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

gboolean
el_transcript_view_activate_at (ElTranscriptView *self, gint64 offset)
{
  int index;

  g_return_val_if_fail (EL_IS_TRANSCRIPT_VIEW (self), FALSE);

  index = span_at (self, offset);
  if (index < 0)
    return FALSE;
  g_signal_emit (self, signals[SIGNAL_SPAN_ACTIVATED], 0, (guint) index);
  return TRUE;
}

GtkTextView *
el_transcript_view_get_text_view (ElTranscriptView *self)
{
  g_return_val_if_fail (EL_IS_TRANSCRIPT_VIEW (self), NULL);
  return self->text_view;
}

void
el_transcript_view_set_message (ElTranscriptView *self, const char *message)
{
  g_return_if_fail (EL_IS_TRANSCRIPT_VIEW (self));

  gtk_label_set_label (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
}

/* GObject --------------------------------------------------------------------------------------- */

static void
el_transcript_view_css_changed (GtkWidget *widget, GtkCssStyleChange *change)
{
  ElTranscriptView *self = EL_TRANSCRIPT_VIEW (widget);

  GTK_WIDGET_CLASS (el_transcript_view_parent_class)->css_changed (widget, change);
  for (guint i = 0; self->spans != NULL && i < self->spans->len; i++)
    style_tag (self, ((Span *) g_ptr_array_index (self->spans, i))->tag);
}

static void
el_transcript_view_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), EL_TYPE_TRANSCRIPT_VIEW);

  G_OBJECT_CLASS (el_transcript_view_parent_class)->dispose (object);
}

static void
el_transcript_view_finalize (GObject *object)
{
  ElTranscriptView *self = EL_TRANSCRIPT_VIEW (object);

  g_clear_pointer (&self->spans, g_ptr_array_unref);

  G_OBJECT_CLASS (el_transcript_view_parent_class)->finalize (object);
}

static void
el_transcript_view_class_init (ElTranscriptViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = el_transcript_view_dispose;
  object_class->finalize = el_transcript_view_finalize;
  widget_class->css_changed = el_transcript_view_css_changed;

  signals[SIGNAL_SPAN_ACTIVATED] =
      g_signal_new ("span-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/eclipselink/Handoff/el-transcript-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ElTranscriptView, text_view);
  gtk_widget_class_bind_template_child (widget_class, ElTranscriptView, fields_label);
  gtk_widget_class_bind_template_child (widget_class, ElTranscriptView, message_label);
}

static void
el_transcript_view_init (ElTranscriptView *self)
{
  GtkGesture *click;
  GtkEventController *keys;

  self->spans = g_ptr_array_new_with_free_func (span_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  el_gui_text_view_fit (self->text_view);

  g_signal_connect (self->text_view, "query-tooltip", G_CALLBACK (query_tooltip_cb), self);
  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "released", G_CALLBACK (click_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->text_view), GTK_EVENT_CONTROLLER (click));
  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->text_view), keys);
}
