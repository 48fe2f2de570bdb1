/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ElSbarEditor: one handoff's SBAR report, editable.
 *
 * The four sections live in the template; the structured fields are built here from small tables
 * (vitals, choices, free-text details, the six lists). Every value that can carry an AI span has a
 * Mark: the "AI · From recording" tag (its popover shows the transcript sentence the value came
 * from) and, for a low-confidence value, "Check this value" with a Confirm button. Editing a value
 * by hand drops its span. Marks are owned by the editor (self->marks) and only flagged dead when
 * their row goes away, so a late signal of a removed row never touches freed memory.
 *
 * The content is read back from the widgets (el_sbar_editor_get_content()) for the completeness
 * meter (debounced) and for saving; values the nurse typed that do not validate block the save
 * with a message, they are never dropped silently. Nothing here logs PHI: debug messages name ids
 * and error codes only.
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "el-api-client.h"
#include "el-completeness.h"
#include "el-gui-labels.h"
#include "el-models.h"
#include "el-player.h"
#include "el-sbar-editor.h"
#include "el-sealed-audio.h"
#include "el-store.h"
#include "el-sync.h"
#include "el-transcript-view.h"
#include "el-transcript.h"

#ifndef EL_SPEECH_LOW_CONFIDENCE
#define EL_SPEECH_LOW_CONFIDENCE 0.6
#endif

#define COMPLETENESS_DELAY_MS 150

G_DEFINE_QUARK (el - sbar - editor - error - quark, el_sbar_editor_error)

typedef struct Mark Mark;

typedef enum
{
  VITAL_TEMPERATURE,
  VITAL_HEART_RATE,
  VITAL_RESPIRATORY_RATE,
  VITAL_SYSTOLIC,
  VITAL_DIASTOLIC,
  VITAL_SPO2,
  VITAL_O2_DEVICE,
  VITAL_O2_FLOW,
  VITAL_PAIN,
  N_VITALS
} Vital;

/* The marks of the vitals: one per measure (blood pressure and SpO₂ with its oxygen share one). */
typedef enum
{
  VMARK_TEMPERATURE,
  VMARK_HEART_RATE,
  VMARK_RESPIRATORY_RATE,
  VMARK_BLOOD_PRESSURE,
  VMARK_SPO2,
  VMARK_PAIN,
  N_VMARKS
} VitalMark;

typedef enum
{
  CHOICE_CODE_STATUS,
  CHOICE_ISOLATION,
  CHOICE_FALL_RISK,
  CHOICE_ILLNESS_SEVERITY,
  N_CHOICES
} Choice;

typedef enum
{
  TEXT_ROOM_BED,
  TEXT_DIAGNOSIS,
  TEXT_HISTORY,
  TEXT_DIET,
  TEXT_MOBILITY,
  TEXT_FAMILY_DISCHARGE,
  N_TEXTS
} TextField;

typedef enum
{
  LIST_LINES,
  LIST_INFUSIONS,
  LIST_MEDS,
  LIST_PENDING,
  LIST_TODOS,
  LIST_CONTINGENCIES,
  N_LISTS
} ListKind;

#define MAX_LIST_ENTRIES 4

struct Mark
{
  ElSbarEditor *self;
  char *what; /* the value's name ("Heart rate"), for labels */
  ElSpan *span;
  gboolean confirmed;
  gboolean dead;
  GtkWidget *box;
  GtkWidget *ai_button;
  GtkWidget *sentence_label;
  GtkWidget *play_button;
  GtkWidget *play_message;
  GtkWidget *check_box;
};

typedef struct
{
  ListKind kind;
  GtkWidget *row;
  GtkWidget *entries[MAX_LIST_ENTRIES];
  GtkWidget *kind_dropdown; /* pending items */
  Mark *mark;
} ListRow;

typedef struct
{
  char *substance;
  char *reaction;
  Mark *mark;
} Chip;

struct _ElSbarEditor
{
  AdwBin parent_instance;

  ElContext *context;
  GCancellable *cancellable;      /* saves; cancelled in dispose */
  GCancellable *load_cancellable; /* the running load; cancelled by the next load and in dispose */
  GSimpleActionGroup *actions;

  char *handoff_id;
  int base_version;
  gboolean dirty;
  gboolean loading;
  gboolean loaded;
  gboolean read_only;
  gboolean saving;
  int unconfirmed_count;
  double completeness;

  guint serial;      /* bumped by every change */
  gboolean applying; /* widgets are being filled: not an edit */
  guint completeness_source;

  /* Carried over from the loaded version (not edited here). */
  ElHandoff *handoff;
  ElSbarVersion *loaded_version;
  char *transcript; /* PHI */
  ElSbarIdentifiers *identifiers;
  GDateTime *vitals_taken_at;
  gboolean vitals_edited;
  gboolean list_present[N_LISTS];

  GPtrArray *marks; /* (element-type Mark) owned */

  GTask *leave_task;
  AdwMessageDialog *leave_dialog;

  /* Listening: the audio of the recording the transcript came from */
  char *recording_id;              /* (nullable) */
  gint64 recording_duration_ms;    /* as the store knows it (0: unknown) */
  char *audio_sink;                /* (nullable): ElPlayer's default */
  ElSealedAudio *audio;            /* opened at the first Play */
  ElPlayer *player;                /* (nullable) */
  GCancellable *audio_cancellable; /* opening, downloading or sealing the audio */
  Mark *playing_mark;              /* (nullable) (unowned): its audio plays, or is being opened */
  guint stop_source;               /* releases the player after its range ended */

  /* Template */
  GtkLabel *read_only_label;
  GtkLabel *error_label;
  GtkLabel *patient_label;
  GtkWidget *form_box;
  GtkLevelBar *completeness_bar;
  GtkLabel *completeness_label;
  GtkLabel *missing_label;
  GtkTextView *section_views[4];
  AdwPreferencesGroup *vitals_group;
  AdwPreferencesGroup *allergies_group;
  AdwPreferencesGroup *status_group;
  AdwPreferencesGroup *details_group;
  AdwPreferencesGroup *list_groups[N_LISTS];
  GtkExpander *transcript_expander;
  ElTranscriptView *transcript_view;

  /* Built in code */
  GtkWidget *vital_entries[N_VITALS];
  Mark *vital_marks[N_VMARKS];
  Mark *vitals_mark;
  GtkLabel *vitals_message;
  GtkWidget *nkda_switch;
  Mark *allergies_mark;
  GtkFlowBox *allergy_box;
  GtkWidget *allergy_substance;
  GtkWidget *allergy_reaction;
  GtkWidget *allergy_add;
  GtkLabel *allergy_message;
  GtkWidget *choices[N_CHOICES];
  Mark *choice_marks[N_CHOICES];
  GtkWidget *isolation_detail;
  GtkWidget *texts[N_TEXTS];
  Mark *text_marks[N_TEXTS];
  GtkListBox *lists[N_LISTS];
  GPtrArray *transcript_marks; /* (element-type Mark) (unowned): the marks of the view's spans, by index */
};

G_DEFINE_FINAL_TYPE (ElSbarEditor, el_sbar_editor, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_CONTEXT,
  PROP_HANDOFF_ID,
  PROP_BASE_VERSION,
  PROP_DIRTY,
  PROP_LOADING,
  PROP_READ_ONLY,
  PROP_UNCONFIRMED_COUNT,
  PROP_COMPLETENESS,
  PROP_AUDIO_SINK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Tables ---------------------------------------------------------------------------------------- */

typedef struct
{
  const char *name;    /* widget name */
  const char *label;   /* with a mnemonic */
  const char *a11y;    /* accessible label */
  const char *unit;    /* (nullable) */
  double min, max;     /* numbers only */
  gboolean integer;    /* whole numbers only */
  gboolean is_text;    /* the oxygen device */
  const char *invalid; /* the message when the value does not validate */
  int width_chars;
} VitalSpec;

static const VitalSpec vital_specs[N_VITALS] = {
  [VITAL_TEMPERATURE] = { "editor-vital-temperature", N_ ("_Temperature"),
                          N_ ("Temperature in degrees Celsius"), N_ ("°C"), 25, 45, FALSE, FALSE,
                          N_ ("Temperature must be a number from 25 to 45 °C."), 6 },
  [VITAL_HEART_RATE] = { "editor-vital-heart-rate", N_ ("_Heart rate"), N_ ("Heart rate per minute"),
                         N_ ("/min"), 20, 300, TRUE, FALSE,
                         N_ ("Heart rate must be a whole number from 20 to 300 per minute."), 6 },
  [VITAL_RESPIRATORY_RATE] = { "editor-vital-respiratory-rate", N_ ("_Respiratory rate"),
                               N_ ("Respiratory rate per minute"), N_ ("/min"), 2, 80, TRUE, FALSE,
                               N_ ("Respiratory rate must be a whole number from 2 to 80 per minute."), 6 },
  [VITAL_SYSTOLIC] = { "editor-vital-systolic", N_ ("_Blood pressure"),
                       N_ ("Systolic blood pressure in mmHg"), NULL, 40, 300, TRUE, FALSE,
                       N_ ("Systolic pressure must be a whole number from 40 to 300 mmHg."), 5 },
  [VITAL_DIASTOLIC] = { "editor-vital-diastolic", NULL, N_ ("Diastolic blood pressure in mmHg"), N_ ("mmHg"),
                        10, 200, TRUE, FALSE,
                        N_ ("Diastolic pressure must be a whole number from 10 to 200 mmHg."), 5 },
  [VITAL_SPO2] = { "editor-vital-spo2", N_ ("_SpO₂"), N_ ("Oxygen saturation in percent"), N_ ("%"), 50, 100,
                   FALSE, FALSE, N_ ("SpO₂ must be a number from 50 to 100 %."), 6 },
  [VITAL_O2_DEVICE] = { "editor-vital-o2-device", N_ ("O₂ _device"), N_ ("Oxygen device"), NULL, 0, 0, FALSE,
                        TRUE, NULL, 16 },
  [VITAL_O2_FLOW] = { "editor-vital-o2-flow", N_ ("O₂ _flow"), N_ ("Oxygen flow in litres per minute"),
                      N_ ("L/min"), 0, 80, FALSE, FALSE,
                      N_ ("Oxygen flow must be a number from 0 to 80 L/min."), 6 },
  [VITAL_PAIN] = { "editor-vital-pain", N_ ("_Pain"), N_ ("Pain score from 0 to 10"), N_ ("0–10"), 0, 10,
                   TRUE, FALSE, N_ ("Pain must be a whole number from 0 to 10."), 6 },
};

static const struct
{
  const char *name;
  const char *title;
} choice_specs[N_CHOICES] = {
  [CHOICE_CODE_STATUS] = { "editor-code-status", N_ ("_Code status") },
  [CHOICE_ISOLATION] = { "editor-isolation", N_ ("_Isolation") },
  [CHOICE_FALL_RISK] = { "editor-fall-risk", N_ ("_Fall risk") },
  [CHOICE_ILLNESS_SEVERITY] = { "editor-illness-severity", N_ ("Illness _severity") },
};

static const struct
{
  const char *name;
  const char *title;
} text_specs[N_TEXTS] = {
  [TEXT_ROOM_BED] = { "editor-room-bed", N_ ("Room and bed") },
  [TEXT_DIAGNOSIS] = { "editor-diagnosis", N_ ("Diagnosis") },
  [TEXT_HISTORY] = { "editor-history", N_ ("Medical history") },
  [TEXT_DIET] = { "editor-diet", N_ ("Diet") },
  [TEXT_MOBILITY] = { "editor-mobility", N_ ("Mobility") },
  [TEXT_FAMILY_DISCHARGE] = { "editor-family-discharge", N_ ("Family and discharge") },
};

typedef struct
{
  const char *name;
  const char *placeholder;
  gboolean expand;
  int width_chars;
} ListEntrySpec;

static const struct
{
  const char *add_name;
  const char *add_a11y;
  guint n_entries;
  gboolean has_kind;
  ListEntrySpec entries[MAX_LIST_ENTRIES];
} list_specs[N_LISTS] = {
  [LIST_LINES] = { "editor-add-line",
                   N_ ("Add a line, drain or airway"),
                   1,
                   FALSE,
                   { { "editor-line-description", N_ ("Line, drain or airway"), TRUE, 20 } } },
  [LIST_INFUSIONS] = { "editor-add-infusion",
                       N_ ("Add an infusion"),
                       1,
                       FALSE,
                       { { "editor-infusion-description", N_ ("Infusion"), TRUE, 20 } } },
  [LIST_MEDS] = { "editor-add-med",
                  N_ ("Add a medication due"),
                  4,
                  FALSE,
                  { { "editor-med-name", N_ ("Medication"), TRUE, 12 },
                    { "editor-med-dose", N_ ("Dose"), FALSE, 8 },
                    { "editor-med-route", N_ ("Route"), FALSE, 6 },
                    { "editor-med-time", N_ ("HH:MM"), FALSE, 6 } } },
  [LIST_PENDING] = { "editor-add-pending",
                     N_ ("Add a pending result"),
                     1,
                     TRUE,
                     { { "editor-pending-description", N_ ("What is pending"), TRUE, 20 } } },
  [LIST_TODOS] = { "editor-add-todo",
                   N_ ("Add a to-do"),
                   3,
                   FALSE,
                   { { "editor-todo-description", N_ ("To do"), TRUE, 16 },
                     { "editor-todo-owner", N_ ("Who"), FALSE, 10 },
                     { "editor-todo-due", N_ ("HH:MM"), FALSE, 6 } } },
  [LIST_CONTINGENCIES] = { "editor-add-contingency",
                           N_ ("Add a contingency"),
                           2,
                           FALSE,
                           { { "editor-contingency-if", N_ ("If…"), TRUE, 14 },
                             { "editor-contingency-then", N_ ("Then…"), TRUE, 14 } } },
};

static void editor_changed (ElSbarEditor *self);
static void update_unconfirmed (ElSbarEditor *self);
static void validate_vitals (ElSbarEditor *self);
static void refresh_transcript_spans (ElSbarEditor *self);
static void play_mark (ElSbarEditor *self, Mark *mark);
static void stop_playback (ElSbarEditor *self);
static void sync_play_buttons (ElSbarEditor *self);

/* Small helpers --------------------------------------------------------------------------------- */

static void
set_accessible_label (GtkWidget *widget, const char *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

static char *
editable_text (GtkWidget *editable)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (editable))));
}

static char *
nonempty_or_null (char *text)
{
  if (text != NULL && *text == '\0')
    g_clear_pointer (&text, g_free);
  return text;
}

static void
set_editable_text (GtkWidget *editable, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (editable), text != NULL ? text : "");
}

static gboolean
is_time_hhmm (const char *text)
{
  return strlen (text) == 5 && g_ascii_isdigit (text[0]) && g_ascii_isdigit (text[1]) && text[2] == ':' &&
         g_ascii_isdigit (text[3]) && g_ascii_isdigit (text[4]) &&
         (text[0] - '0') * 10 + (text[1] - '0') < 24 && (text[3] - '0') * 10 + (text[4] - '0') < 60;
}

/* A substance that means "none" is the NKDA switch's business (the decoder refuses it). */
static gboolean
means_no_allergies (const char *substance)
{
  static const char *const none[] = { "nkda", "nka", "none", "no known allergies", "no known drug allergies",
                                      NULL };
  g_autofree char *folded = g_utf8_strdown (substance, -1);

  return g_strv_contains (none, g_strstrip (folded));
}

/* "_Code status" → "Code status" ("__" stays one "_"). */
static char *
without_mnemonic (const char *label)
{
  GString *text = g_string_new (NULL);

  for (const char *p = label; *p != '\0'; p++)
    {
      if (*p == '_' && p[1] == '_')
        p++;
      else if (*p == '_')
        continue;
      g_string_append_c (text, *p);
    }
  return g_string_free (text, FALSE);
}

static void
set_error_style (GtkWidget *widget, gboolean error)
{
  if (error)
    gtk_widget_add_css_class (widget, "error");
  else
    gtk_widget_remove_css_class (widget, "error");
}

static void
set_dirty (ElSbarEditor *self, gboolean dirty)
{
  if (self->dirty == dirty)
    return;
  self->dirty = dirty;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRTY]);
}

static void
set_loading (ElSbarEditor *self, gboolean loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
set_base_version (ElSbarEditor *self, int version)
{
  if (self->base_version == version)
    return;
  self->base_version = version;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_VERSION]);
}

static void
show_error (ElSbarEditor *self, const char *message)
{
  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
update_save_enabled (ElSbarEditor *self)
{
  GAction *save = g_action_map_lookup_action (G_ACTION_MAP (self->actions), "save");

  g_simple_action_set_enabled (G_SIMPLE_ACTION (save), self->loaded && !self->read_only && !self->saving);
}

/* Transcript sentences -------------------------------------------------------------------------- */

static gboolean
is_terminator (gunichar c)
{
  return c == '.' || c == '!' || c == '?' || c == 0x2026 /* … */;
}

/* The sentence of @text around @span (code points), the span's words in bold and underlined, as
 * Pango markup; (transfer full). A '.' inside a number ("37.5") ends nothing. */
static char *
sentence_markup (const char *text, const ElSpan *span)
{
  glong n = g_utf8_strlen (text, -1);
  glong start = CLAMP (span->start, 0, n);
  glong end = CLAMP (span->end, start, n);
  const char *p_start = g_utf8_offset_to_pointer (text, start);
  const char *p_end = g_utf8_offset_to_pointer (text, end);
  const char *s = p_start;
  const char *e = p_end;
  g_autofree char *before = NULL;
  g_autofree char *middle = NULL;
  g_autofree char *after = NULL;

  while (s > text)
    {
      const char *prev = g_utf8_prev_char (s);
      gunichar c = g_utf8_get_char (prev);

      if (c == '\n' || (is_terminator (c) && g_unichar_isspace (g_utf8_get_char (s))))
        break;
      s = prev;
    }
  while (s < p_start && g_unichar_isspace (g_utf8_get_char (s)))
    s = g_utf8_next_char (s);

  while (*e != '\0')
    {
      gunichar c = g_utf8_get_char (e);
      const char *next = g_utf8_next_char (e);

      if (c == '\n')
        break;
      if (is_terminator (c) && (*next == '\0' || g_unichar_isspace (g_utf8_get_char (next))))
        {
          e = next;
          break;
        }
      e = next;
    }

  before = g_markup_escape_text (s, p_start - s);
  middle = g_markup_escape_text (p_start, p_end - p_start);
  after = g_markup_escape_text (p_end, e - p_end);
  return g_strdup_printf ("%s<b><u>%s</u></b>%s", before, middle, after);
}

/* Marks ----------------------------------------------------------------------------------------- */

static gboolean
mark_is_low_confidence (const Mark *mark)
{
  return mark->span != NULL && mark->span->has_confidence &&
         mark->span->confidence < EL_SPEECH_LOW_CONFIDENCE;
}

static void
mark_free (gpointer data)
{
  Mark *mark = data;

  g_clear_pointer (&mark->span, el_span_free);
  g_free (mark->what);
  g_free (mark);
}

static gboolean
mark_has_audio (const Mark *mark)
{
  return mark->span != NULL && mark->span->has_audio_start_ms && mark->span->has_audio_end_ms;
}

/* The Play button of @mark as Play or Stop. */
static void
mark_sync_play_button (Mark *mark)
{
  gboolean playing = mark->self->playing_mark == mark;
  g_autofree char *label = NULL;
  AdwButtonContent *content;

  if (mark->dead)
    return;
  gtk_widget_set_visible (mark->play_button, mark_has_audio (mark));
  if (playing)
    /* Translators: %s is a value's name, e.g. "Stop playing what was said for Heart rate" */
    label = g_strdup_printf (_ ("Stop playing what was said for %s"), mark->what);
  else
    /* Translators: %s is a value's name, e.g. "Play what was said for Heart rate" */
    label = g_strdup_printf (_ ("Play what was said for %s"), mark->what);
  content = ADW_BUTTON_CONTENT (gtk_button_get_child (GTK_BUTTON (mark->play_button)));
  adw_button_content_set_icon_name (content, playing ? "media-playback-stop-symbolic"
                                                     : "media-playback-start-symbolic");
  adw_button_content_set_label (content, playing ? _ ("Stop") : _ ("Play"));
  set_accessible_label (mark->play_button, label);
  if (playing)
    gtk_widget_add_css_class (mark->play_button, "accent");
  else
    gtk_widget_remove_css_class (mark->play_button, "accent");
}

static void
mark_show_play_message (Mark *mark, const char *message)
{
  if (mark == NULL || mark->dead)
    return;
  gtk_label_set_label (GTK_LABEL (mark->play_message), message != NULL ? message : "");
  gtk_widget_set_visible (mark->play_message, message != NULL);
}

static void
mark_sync_widgets (Mark *mark)
{
  ElSbarEditor *self = mark->self;

  if (mark->dead)
    return;
  gtk_widget_set_visible (mark->box, mark->span != NULL);
  gtk_widget_set_visible (mark->check_box, mark_is_low_confidence (mark) && !mark->confirmed);
  mark_sync_play_button (mark);
  mark_show_play_message (mark, NULL);
  if (mark->span == NULL)
    return;

  if (self->transcript != NULL)
    {
      g_autofree char *markup = sentence_markup (self->transcript, mark->span);

      gtk_label_set_markup (GTK_LABEL (mark->sentence_label), markup);
      gtk_widget_set_tooltip_markup (mark->ai_button, markup);
    }
  else
    {
      const char *missing = _ ("The transcript of the recording is not on this computer yet.");

      gtk_label_set_text (GTK_LABEL (mark->sentence_label), missing);
      gtk_widget_set_tooltip_text (mark->ai_button, missing);
    }
}

static void
mark_confirm_clicked_cb (GtkButton *button, gpointer user_data)
{
  Mark *mark = user_data;

  if (mark->dead)
    return;
  mark->confirmed = TRUE;
  mark_sync_widgets (mark);
  update_unconfirmed (mark->self);
}

static void
mark_play_clicked_cb (GtkButton *button, gpointer user_data)
{
  Mark *mark = user_data;

  if (mark->dead)
    return;
  if (mark->self->playing_mark == mark)
    stop_playback (mark->self);
  else
    play_mark (mark->self, mark);
}

static void
mark_popover_closed_cb (GtkPopover *popover, gpointer user_data)
{
  Mark *mark = user_data;

  if (!mark->dead && mark->self->playing_mark == mark)
    stop_playback (mark->self);
}

/* @what: the value's name for the accessible texts ("Temperature"). */
static Mark *
mark_new (ElSbarEditor *self, const char *what)
{
  Mark *mark = g_new0 (Mark, 1);
  GtkWidget *tag = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *ai = gtk_label_new (C_ ("source tag", "AI"));
  GtkWidget *from = gtk_label_new (_ ("From recording"));
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *popover_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *heading = gtk_label_new (_ ("Heard in the recording"));
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  GtkWidget *check = gtk_label_new (_ ("Check this value"));
  GtkWidget *confirm = gtk_button_new_with_mnemonic (_ ("C_onfirm"));
  g_autofree char *ai_label =
      g_strdup_printf (_ ("%s: produced by AI from the recording. Show the sentence"), what);
  g_autofree char *confirm_label =
      g_strdup_printf (_ ("Confirm %s: the speech recognition was unsure of this value"), what);

  mark->self = self;
  mark->what = g_strdup (what);
  mark->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_valign (mark->box, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (mark->box, FALSE);

  gtk_widget_add_css_class (ai, "caption-heading");
  gtk_widget_add_css_class (ai, "accent");
  gtk_widget_add_css_class (from, "caption");
  gtk_box_append (GTK_BOX (tag), ai);
  gtk_box_append (GTK_BOX (tag), from);

  gtk_widget_add_css_class (heading, "heading");
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  mark->sentence_label = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (mark->sentence_label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (mark->sentence_label), 50);
  gtk_label_set_xalign (GTK_LABEL (mark->sentence_label), 0);
  gtk_widget_set_name (mark->sentence_label, "editor-ai-sentence");
  gtk_box_append (GTK_BOX (popover_box), heading);
  gtk_box_append (GTK_BOX (popover_box), mark->sentence_label);

  mark->play_button = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (mark->play_button), adw_button_content_new ());
  gtk_widget_set_name (mark->play_button, "editor-ai-play");
  gtk_widget_set_halign (mark->play_button, GTK_ALIGN_START);
  g_signal_connect (mark->play_button, "clicked", G_CALLBACK (mark_play_clicked_cb), mark);
  gtk_box_append (GTK_BOX (popover_box), mark->play_button);
  mark->play_message = gtk_label_new (NULL);
  gtk_widget_set_name (mark->play_message, "editor-ai-play-message");
  gtk_label_set_wrap (GTK_LABEL (mark->play_message), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (mark->play_message), 50);
  gtk_label_set_xalign (GTK_LABEL (mark->play_message), 0);
  gtk_widget_add_css_class (mark->play_message, "dim-label");
  gtk_widget_set_visible (mark->play_message, FALSE);
  gtk_box_append (GTK_BOX (popover_box), mark->play_message);
  gtk_popover_set_child (GTK_POPOVER (popover), popover_box);
  g_signal_connect (popover, "closed", G_CALLBACK (mark_popover_closed_cb), mark);

  mark->ai_button = gtk_menu_button_new ();
  gtk_widget_set_name (mark->ai_button, "editor-ai-mark");
  gtk_menu_button_set_child (GTK_MENU_BUTTON (mark->ai_button), tag);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (mark->ai_button), popover);
  gtk_widget_add_css_class (mark->ai_button, "flat");
  set_accessible_label (mark->ai_button, ai_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (mark->ai_button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _ ("This value was produced by AI from the handoff recording"), -1);
  gtk_box_append (GTK_BOX (mark->box), mark->ai_button);

  mark->check_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_widget_add_css_class (icon, "warning");
  gtk_widget_add_css_class (check, "warning");
  gtk_widget_add_css_class (check, "caption");
  gtk_widget_set_name (confirm, "editor-confirm");
  gtk_widget_add_css_class (confirm, "warning");
  gtk_widget_set_tooltip_text (confirm,
                               _ ("The speech recognition was unsure: check the value, then confirm it"));
  set_accessible_label (confirm, confirm_label);
  g_signal_connect (confirm, "clicked", G_CALLBACK (mark_confirm_clicked_cb), mark);
  gtk_box_append (GTK_BOX (mark->check_box), icon);
  gtk_box_append (GTK_BOX (mark->check_box), check);
  gtk_box_append (GTK_BOX (mark->check_box), confirm);
  gtk_box_append (GTK_BOX (mark->box), mark->check_box);

  g_ptr_array_add (self->marks, mark);
  mark_sync_play_button (mark);
  return mark;
}

static void
mark_set_span (Mark *mark, const ElSpan *span)
{
  if (mark->self->playing_mark == mark)
    stop_playback (mark->self);
  g_clear_pointer (&mark->span, el_span_free);
  mark->span = span != NULL ? el_span_copy (span) : NULL;
  mark->confirmed = FALSE;
  mark_sync_widgets (mark);
}

/* The nurse changed the value: it is hers now. */
static void
mark_clear (Mark *mark)
{
  if (mark == NULL || mark->span == NULL)
    return;
  if (mark->self->playing_mark == mark)
    stop_playback (mark->self);
  g_clear_pointer (&mark->span, el_span_free);
  mark_sync_widgets (mark);
  update_unconfirmed (mark->self);
  refresh_transcript_spans (mark->self);
}

static void
mark_kill (Mark *mark)
{
  if (mark->self->playing_mark == mark)
    stop_playback (mark->self);
  g_clear_pointer (&mark->span, el_span_free);
  mark->dead = TRUE;
  refresh_transcript_spans (mark->self);
}

static ElSpan *
mark_dup_span (Mark *mark)
{
  return mark != NULL && mark->span != NULL ? el_span_copy (mark->span) : NULL;
}

static void
update_unconfirmed (ElSbarEditor *self)
{
  int count = 0;

  for (guint i = 0; i < self->marks->len; i++)
    {
      Mark *mark = g_ptr_array_index (self->marks, i);

      if (!mark->dead && mark_is_low_confidence (mark) && !mark->confirmed)
        count++;
    }
  if (count == self->unconfirmed_count)
    return;
  self->unconfirmed_count = count;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNCONFIRMED_COUNT]);
}

/* Listening ------------------------------------------------------------------------------------- */

static void
sync_play_buttons (ElSbarEditor *self)
{
  for (guint i = 0; i < self->marks->len; i++)
    mark_sync_play_button (g_ptr_array_index (self->marks, i));
}

/* Why a value's audio does not play: in its popover and under the transcript. */
static void
show_listen_message (ElSbarEditor *self, Mark *mark, const char *message)
{
  mark_show_play_message (mark, message);
  if (self->transcript_view != NULL)
    el_transcript_view_set_message (self->transcript_view, message);
}

static void
stop_playback (ElSbarEditor *self)
{
  if (self->audio_cancellable != NULL && self->playing_mark != NULL)
    show_listen_message (self, self->playing_mark, NULL); /* "Downloading the recording…" */
  g_cancellable_cancel (self->audio_cancellable);
  g_clear_object (&self->audio_cancellable);
  g_clear_handle_id (&self->stop_source, g_source_remove);
  self->playing_mark = NULL;
  if (self->player != NULL && el_player_get_state (self->player) != EL_PLAYER_STATE_STOPPED)
    el_player_stop (self->player);
  sync_play_buttons (self);
}

/* Another recording (or none): the player and the opened audio go. */
static void
forget_audio (ElSbarEditor *self)
{
  stop_playback (self);
  if (self->player != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->player, self);
      el_player_stop (self->player);
      g_clear_object (&self->player);
    }
  g_clear_object (&self->audio);
  g_clear_pointer (&self->recording_id, g_free);
  self->recording_duration_ms = 0;
}

static gboolean
stop_source_cb (gpointer user_data)
{
  ElSbarEditor *self = user_data;

  self->stop_source = 0;
  if (self->playing_mark == NULL && self->player != NULL)
    el_player_stop (self->player); /* releases the audio device */
  return G_SOURCE_REMOVE;
}

static void
player_eos_cb (ElPlayer *player, gpointer user_data)
{
  ElSbarEditor *self = user_data;

  self->playing_mark = NULL;
  sync_play_buttons (self);
  if (self->stop_source == 0)
    self->stop_source = g_idle_add (stop_source_cb, self);
}

static void
player_failed_cb (ElPlayer *player, const GError *error, gpointer user_data)
{
  ElSbarEditor *self = user_data;
  Mark *mark = self->playing_mark;

  g_debug ("Playing recording %s failed: %s code %d", self->recording_id, g_quark_to_string (error->domain),
           error->code);
  self->playing_mark = NULL;
  sync_play_buttons (self);
  show_listen_message (self, mark, _ ("The audio could not be played on this computer."));
}

/* Plays the range of self->playing_mark from the open audio. */
static void
start_range (ElSbarEditor *self)
{
  Mark *mark = self->playing_mark;
  guint64 duration = el_sealed_audio_get_duration_ms (self->audio);
  guint64 start, end;
  g_autoptr (GError) error = NULL;

  if (mark == NULL || mark->dead || !mark_has_audio (mark))
    {
      stop_playback (self);
      return;
    }
  start = (guint64) MAX (mark->span->audio_start_ms, 0);
  end = MIN ((guint64) MAX (mark->span->audio_end_ms, 0), duration);
  if (end <= start)
    end = MIN (start + 500, duration); /* a word too short to time: half a second */
  if (start >= duration || end <= start)
    {
      stop_playback (self);
      show_listen_message (self, mark, _ ("This part is missing from the recording on this computer."));
      return;
    }
  if (self->player == NULL)
    {
      self->player = el_player_new (self->audio, self->audio_sink);
      g_signal_connect (self->player, "eos", G_CALLBACK (player_eos_cb), self);
      g_signal_connect (self->player, "failed", G_CALLBACK (player_failed_cb), self);
    }
  if (!el_player_play_range (self->player, start, end, &error))
    {
      g_debug ("Playing recording %s failed: %s code %d", self->recording_id,
               g_quark_to_string (error->domain), error->code);
      stop_playback (self);
      show_listen_message (self, mark, _ ("The audio could not be played on this computer."));
      return;
    }
  sync_play_buttons (self);
}

static void
audio_opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElSbarEditor *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElSealedAudio) audio = el_sealed_audio_open_finish (result, &error);
  Mark *mark;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->audio_cancellable);
  if (audio == NULL)
    {
      mark = self->playing_mark;
      g_debug ("Opening recording %s failed: %s code %d", self->recording_id,
               g_quark_to_string (error->domain), error->code);
      stop_playback (self);
      if (g_error_matches (error, EL_SEALED_AUDIO_ERROR, EL_SEALED_AUDIO_ERROR_IO))
        show_listen_message (self, mark, _ ("The audio of this recording is not on this computer."));
      else
        show_listen_message (self, mark,
                             _ ("The audio of this recording could not be read: it may be damaged."));
      return;
    }
  g_set_object (&self->audio, audio);
  start_range (self);
}

/* A recording made on another PC: its audio comes from the server (GET …/recordings/{id}/audio)
 * into memory, and is sealed at once with the account's audio vault (ElSealedAudioWriter, as the
 * recorder seals) into DOWNLOADED_SUBDIR of the recordings folder, which ElPlayer then plays like a
 * local recording. Plaintext never reaches the disk; the sealed copy serves the next Play without
 * the network. It lives in a subfolder because the recordings folder itself holds this PC's own
 * recordings, which the recovery at start offers to upload. */
#define DOWNLOADED_SUBDIR "downloaded"

static char *
downloaded_path (const char *dir, const char *recording_id)
{
  g_autofree char *sub = g_build_filename (dir, DOWNLOADED_SUBDIR, NULL);

  return el_sealed_audio_path_for (sub, recording_id);
}

typedef struct
{
  ElVault *vault;
  char *dir; /* the recordings folder */
  char *recording_id;
  GBytes *audio; /* plaintext: memory only */
  guint64 duration_ms;
} Seal;

static void
seal_free (Seal *seal)
{
  g_clear_object (&seal->vault);
  g_free (seal->dir);
  g_free (seal->recording_id);
  g_clear_pointer (&seal->audio, g_bytes_unref);
  g_free (seal);
}

/* In a worker thread: seal the downloaded audio in a fresh folder, then move it into place in one
 * rename (a crash never leaves a half-written copy where Play looks), and open it. */
static void
seal_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Seal *seal = task_data;
  g_autofree char *sub = g_build_filename (seal->dir, DOWNLOADED_SUBDIR, NULL);
  g_autofree char *tmp = g_build_filename (sub, ".download-XXXXXX", NULL);
  g_autofree char *final = el_sealed_audio_path_for (sub, seal->recording_id);
  g_autoptr (ElSealedAudioWriter) writer = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElSealedAudio) audio = NULL;
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (seal->audio, &size);
  gboolean ok;

  (void) source;
  if (g_mkdir_with_parents (sub, 0700) != 0 || g_mkdtemp_full (tmp, 0700) == NULL)
    {
      int saved = errno;

      g_task_return_new_error (task, G_FILE_ERROR, g_file_error_from_errno (saved), "no folder: %s",
                               g_strerror (saved));
      return;
    }
  writer = el_sealed_audio_writer_new (seal->vault, tmp, seal->recording_id, &error);
  ok = writer != NULL;
  for (gsize offset = 0; ok && offset < size;)
    {
      gsize len = MIN (size - offset, (gsize) EL_SEALED_AUDIO_MAX_PAYLOAD);
      /* the media end of each piece: proportional to the bytes (the whole file: the duration) */
      guint64 media_end = (guint64) ((double) seal->duration_ms * (double) (offset + len) / (double) size);

      ok = !g_cancellable_set_error_if_cancelled (cancellable, &error) &&
           el_sealed_audio_writer_append (writer, data + offset, len, media_end, &error);
      offset += len;
    }
  if (ok)
    ok = el_sealed_audio_writer_finish (writer, &error);
  if (ok && g_rename (el_sealed_audio_writer_get_path (writer), final) != 0)
    {
      int saved = errno;

      ok = FALSE;
      g_set_error (&error, G_FILE_ERROR, g_file_error_from_errno (saved), "not moved: %s",
                   g_strerror (saved));
    }
  if (writer != NULL && !ok)
    el_sealed_audio_writer_discard (writer);
  g_clear_object (&writer);
  g_rmdir (tmp);
  if (ok)
    audio = el_sealed_audio_open (seal->vault, final, seal->recording_id, cancellable, &error);
  if (audio == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&audio), g_object_unref);
}

static void
audio_sealed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElSbarEditor *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElSealedAudio) audio = g_task_propagate_pointer (G_TASK (result), &error);
  Mark *mark;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return; /* stopped, or the editor went away: self is not touched */
  g_clear_object (&self->audio_cancellable);
  mark = self->playing_mark;
  if (audio == NULL)
    {
      g_debug ("Sealing the downloaded recording %s failed: %s code %d", self->recording_id,
               g_quark_to_string (error->domain), error->code);
      stop_playback (self);
      show_listen_message (self, mark, _ ("The audio could not be played on this computer."));
      return;
    }
  show_listen_message (self, mark, NULL);
  g_set_object (&self->audio, audio);
  start_range (self);
}

static void
audio_downloaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElSbarEditor *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes =
      el_api_client_download_recording_audio_finish (EL_API_CLIENT (source), result, NULL, &error);
  g_autoptr (GTask) task = NULL;
  Mark *mark;
  Seal *seal;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return; /* stopped, or the editor went away: self is not touched */
  mark = self->playing_mark;
  if (bytes == NULL)
    {
      const char *message;

      g_debug ("Downloading recording %s failed: %s code %d", self->recording_id,
               g_quark_to_string (error->domain), error->code);
      if (g_error_matches (error, EL_API_ERROR, EL_API_ERROR_NETWORK) ||
          g_error_matches (error, EL_API_ERROR, EL_API_ERROR_TIMEOUT) ||
          g_error_matches (error, EL_API_ERROR, EL_API_ERROR_CIRCUIT_OPEN) ||
          g_error_matches (error, EL_API_ERROR, EL_API_ERROR_UNAUTHORIZED) ||
          g_error_matches (error, EL_API_ERROR, EL_API_ERROR_TOKEN_EXPIRED))
        message = _ ("The audio of this recording is not on this computer.");
      else if (g_error_matches (error, EL_API_ERROR, EL_API_ERROR_NOT_FOUND))
        message = _ ("The audio of this recording is not on the server.");
      else
        message = _ ("The audio of this recording could not be downloaded.");
      stop_playback (self);
      show_listen_message (self, mark, message);
      return;
    }
  seal = g_new0 (Seal, 1);
  seal->vault = g_object_ref (el_context_get_audio_vault (self->context));
  seal->dir = g_strdup (el_context_get_recordings_dir (self->context));
  seal->recording_id = g_strdup (self->recording_id);
  seal->audio = g_steal_pointer (&bytes);
  seal->duration_ms = (guint64) MAX (self->recording_duration_ms, 0);
  task = g_task_new (NULL, self->audio_cancellable, audio_sealed_cb, self);
  g_task_set_task_data (task, seal, (GDestroyNotify) seal_free);
  g_task_run_in_thread (task, seal_thread);
}

/* Plays what was said for @mark's value (stopping whatever played). The audio is the recording the
 * transcript came from: sealed on this PC by the recorder, else a sealed copy downloaded before,
 * else downloaded from the server now (online only). */
static void
play_mark (ElSbarEditor *self, Mark *mark)
{
  ElVault *vault = el_context_get_audio_vault (self->context);
  const char *dir = el_context_get_recordings_dir (self->context);
  ElApiClient *client = el_context_get_api_client (self->context);
  g_autofree char *path = NULL;

  stop_playback (self);
  show_listen_message (self, mark, NULL);
  if (!mark_has_audio (mark))
    {
      show_listen_message (self, mark, _ ("The recording does not say when this value was heard."));
      return;
    }
  if (self->audio == NULL && self->recording_id != NULL && vault != NULL && dir != NULL)
    {
      path = el_sealed_audio_path_for (dir, self->recording_id);
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_free (path);
          path = downloaded_path (dir, self->recording_id);
          if (!g_file_test (path, G_FILE_TEST_EXISTS))
            g_clear_pointer (&path, g_free);
        }
      if (path == NULL && client != NULL && el_api_client_get_online (client) &&
          el_api_client_get_signed_in (client) && self->recording_duration_ms > 0)
        {
          self->playing_mark = mark;
          sync_play_buttons (self);
          show_listen_message (self, mark, _ ("Downloading the recording…"));
          self->audio_cancellable = g_cancellable_new ();
          el_api_client_download_recording_audio_async (client, self->recording_id, self->audio_cancellable,
                                                        audio_downloaded_cb, self);
          return;
        }
    }
  if (self->audio == NULL && path == NULL)
    {
      show_listen_message (self, mark, _ ("The audio of this recording is not on this computer."));
      return;
    }
  self->playing_mark = mark;
  sync_play_buttons (self);
  if (self->audio != NULL)
    {
      start_range (self);
      return;
    }
  self->audio_cancellable = g_cancellable_new ();
  el_sealed_audio_open_async (vault, path, self->recording_id, self->audio_cancellable, audio_opened_cb,
                              self);
}

/* The transcript's highlights: the spans of the values as they are now. */
static void
refresh_transcript_spans (ElSbarEditor *self)
{
  if (self->transcript_view == NULL || self->applying)
    return;
  el_transcript_view_clear_spans (self->transcript_view);
  g_ptr_array_set_size (self->transcript_marks, 0);
  if (self->transcript == NULL)
    return;
  for (guint i = 0; i < self->marks->len; i++)
    {
      Mark *mark = g_ptr_array_index (self->marks, i);

      if (mark->dead || mark->span == NULL)
        continue;
      el_transcript_view_add_span (self->transcript_view, mark->span->start, mark->span->end, mark->what);
      g_ptr_array_add (self->transcript_marks, mark);
    }
}

static void
transcript_span_activated_cb (ElTranscriptView *view, guint index, gpointer user_data)
{
  ElSbarEditor *self = user_data;
  Mark *mark;

  if (index >= self->transcript_marks->len)
    return;
  mark = g_ptr_array_index (self->transcript_marks, index);
  if (mark->dead || mark->span == NULL)
    return;
  if (gtk_widget_get_mapped (mark->ai_button))
    gtk_widget_grab_focus (mark->ai_button); /* shows the value: the view scrolls to the focus */
  play_mark (self, mark);
}

/* Change tracking ------------------------------------------------------------------------------- */

static void
field_changed_cb (GtkWidget *widget, gpointer user_data)
{
  ElSbarEditor *self = user_data;

  if (self->applying)
    return;
  set_error_style (widget, FALSE);
  mark_clear (g_object_get_data (G_OBJECT (widget), "el-mark"));
  editor_changed (self);
}

static void
field_notify_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  field_changed_cb (GTK_WIDGET (object), user_data);
}

static void
vital_changed_cb (GtkWidget *widget, gpointer user_data)
{
  ElSbarEditor *self = user_data;

  validate_vitals (self);
  if (self->applying)
    return;
  self->vitals_edited = TRUE;
  mark_clear (g_object_get_data (G_OBJECT (widget), "el-mark"));
  mark_clear (self->vitals_mark);
  editor_changed (self);
}

static void
section_changed_cb (GtkTextBuffer *buffer, gpointer user_data)
{
  ElSbarEditor *self = user_data;

  if (self->applying)
    return;
  editor_changed (self);
}

/* Completeness ---------------------------------------------------------------------------------- */

static void
update_completeness (ElSbarEditor *self)
{
  g_autoptr (ElSbarVersion) content = el_sbar_editor_get_content (self);
  g_autoptr (JsonNode) node = el_sbar_version_to_json (content);
  g_autoptr (ElCompleteness) completeness = el_completeness_compute (json_node_get_object (node));
  g_autofree char *percent = NULL;

  gtk_level_bar_set_value (self->completeness_bar, completeness->score);
  /* Translators: the completeness score, e.g. "85 %" */
  percent = g_strdup_printf (_ ("%.0f %%"), completeness->score);
  gtk_label_set_label (self->completeness_label, percent);

  if (completeness->missing_critical[0] == NULL)
    {
      gtk_label_set_label (self->missing_label, _ ("No critical item is missing."));
      gtk_widget_remove_css_class (GTK_WIDGET (self->missing_label), "warning");
    }
  else
    {
      g_autoptr (GString) text = g_string_new (_ ("Missing critical items:"));

      for (guint i = 0; completeness->missing_critical[i] != NULL; i++)
        {
          g_string_append (text, i == 0 ? " " : ", ");
          g_string_append (text, el_gui_completeness_item_label (completeness->missing_critical[i]));
        }
      gtk_label_set_label (self->missing_label, text->str);
      gtk_widget_add_css_class (GTK_WIDGET (self->missing_label), "warning");
    }
  {
    g_autofree char *a11y = g_strdup_printf (_ ("Completeness %.0f percent. %s"), completeness->score,
                                             gtk_label_get_label (self->missing_label));

    gtk_accessible_update_property (GTK_ACCESSIBLE (self->completeness_bar),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, a11y, -1);
  }

  if (self->completeness != completeness->score)
    {
      self->completeness = completeness->score;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETENESS]);
    }
}

static gboolean
completeness_timeout_cb (gpointer user_data)
{
  ElSbarEditor *self = user_data;

  self->completeness_source = 0;
  update_completeness (self);
  return G_SOURCE_REMOVE;
}

static void
editor_changed (ElSbarEditor *self)
{
  self->serial++;
  set_dirty (self, TRUE);
  if (self->completeness_source == 0)
    self->completeness_source = g_timeout_add (COMPLETENESS_DELAY_MS, completeness_timeout_cb, self);
}

/* Vitals ---------------------------------------------------------------------------------------- */

typedef enum
{
  PARSE_EMPTY,
  PARSE_OK,
  PARSE_BAD,
} ParseResult;

static ParseResult
parse_vital (ElSbarEditor *self, Vital vital, double *out)
{
  const VitalSpec *spec = &vital_specs[vital];
  g_autofree char *text = editable_text (self->vital_entries[vital]);
  char *end = NULL;
  double value;

  if (*text == '\0')
    return PARSE_EMPTY;
  g_strdelimit (text, ",", '.'); /* a decimal comma */
  value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (value))
    return PARSE_BAD;
  if (spec->integer && value != floor (value))
    return PARSE_BAD;
  if (value < spec->min || value > spec->max)
    return PARSE_BAD;
  *out = value;
  return PARSE_OK;
}

/* The vitals as typed: (transfer full) (nullable) when nothing is entered. Each problem is
 * appended to @errors (translated) and its entries styled as errors. */
static ElSbarVitals *
build_vitals (ElSbarEditor *self, GPtrArray *errors)
{
  double values[N_VITALS] = { 0 };
  ParseResult results[N_VITALS];
  g_autoptr (ElSbarVitals) vitals = el_sbar_vitals_new ();
  g_autofree char *device = editable_text (self->vital_entries[VITAL_O2_DEVICE]);
  gboolean any = *device != '\0';

  for (guint i = 0; i < N_VITALS; i++)
    {
      if (vital_specs[i].is_text)
        {
          results[i] = *device != '\0' ? PARSE_OK : PARSE_EMPTY;
          continue;
        }
      results[i] = parse_vital (self, i, &values[i]);
      set_error_style (self->vital_entries[i], results[i] == PARSE_BAD);
      if (results[i] == PARSE_BAD)
        g_ptr_array_add (errors, g_strdup (_ (vital_specs[i].invalid)));
      if (results[i] != PARSE_EMPTY)
        any = TRUE;
    }
  if (!any)
    return NULL;

  if (results[VITAL_TEMPERATURE] == PARSE_OK)
    {
      vitals->temperature_c = el_sbar_measure_new (values[VITAL_TEMPERATURE]);
      vitals->temperature_c->span = mark_dup_span (self->vital_marks[VMARK_TEMPERATURE]);
    }
  if (results[VITAL_HEART_RATE] == PARSE_OK)
    {
      vitals->heart_rate = el_sbar_measure_new (values[VITAL_HEART_RATE]);
      vitals->heart_rate->span = mark_dup_span (self->vital_marks[VMARK_HEART_RATE]);
    }
  if (results[VITAL_RESPIRATORY_RATE] == PARSE_OK)
    {
      vitals->respiratory_rate = el_sbar_measure_new (values[VITAL_RESPIRATORY_RATE]);
      vitals->respiratory_rate->span = mark_dup_span (self->vital_marks[VMARK_RESPIRATORY_RATE]);
    }
  if (results[VITAL_PAIN] == PARSE_OK)
    {
      vitals->pain = el_sbar_measure_new (values[VITAL_PAIN]);
      vitals->pain->span = mark_dup_span (self->vital_marks[VMARK_PAIN]);
    }

  if (results[VITAL_SYSTOLIC] == PARSE_OK && results[VITAL_DIASTOLIC] == PARSE_OK)
    {
      if (values[VITAL_DIASTOLIC] >= values[VITAL_SYSTOLIC])
        {
          g_ptr_array_add (errors, g_strdup (_ ("Diastolic pressure must be below systolic pressure.")));
          set_error_style (self->vital_entries[VITAL_DIASTOLIC], TRUE);
        }
      else
        {
          vitals->blood_pressure =
              el_sbar_blood_pressure_new ((int) values[VITAL_SYSTOLIC], (int) values[VITAL_DIASTOLIC]);
          vitals->blood_pressure->span = mark_dup_span (self->vital_marks[VMARK_BLOOD_PRESSURE]);
        }
    }
  else if ((results[VITAL_SYSTOLIC] == PARSE_EMPTY) != (results[VITAL_DIASTOLIC] == PARSE_EMPTY) &&
           results[VITAL_SYSTOLIC] != PARSE_BAD && results[VITAL_DIASTOLIC] != PARSE_BAD)
    {
      Vital empty = results[VITAL_SYSTOLIC] == PARSE_EMPTY ? VITAL_SYSTOLIC : VITAL_DIASTOLIC;

      g_ptr_array_add (errors, g_strdup (_ ("Enter both the systolic and the diastolic pressure.")));
      set_error_style (self->vital_entries[empty], TRUE);
    }

  if (results[VITAL_SPO2] == PARSE_OK)
    {
      vitals->spo2 = el_sbar_spo2_new (values[VITAL_SPO2]);
      el_sbar_spo2_set_o2 (vitals->spo2, *device != '\0' ? device : NULL, results[VITAL_O2_FLOW] == PARSE_OK,
                           values[VITAL_O2_FLOW]);
      vitals->spo2->span = mark_dup_span (self->vital_marks[VMARK_SPO2]);
    }
  else if (results[VITAL_SPO2] == PARSE_EMPTY && (*device != '\0' || results[VITAL_O2_FLOW] != PARSE_EMPTY))
    {
      g_ptr_array_add (errors, g_strdup (_ ("Enter the SpO₂ to record the oxygen device or flow.")));
      set_error_style (self->vital_entries[VITAL_SPO2], TRUE);
    }

  if (self->vitals_taken_at != NULL && !self->vitals_edited)
    vitals->taken_at = g_date_time_ref (self->vitals_taken_at);
  else if (self->vitals_edited)
    vitals->taken_at = g_date_time_new_now_utc ();
  vitals->span = mark_dup_span (self->vitals_mark);
  return g_steal_pointer (&vitals);
}

static void
validate_vitals (ElSbarEditor *self)
{
  g_autoptr (GPtrArray) errors = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (ElSbarVitals) vitals = NULL;

  if (self->vitals_message == NULL)
    return; /* still being built */
  vitals = build_vitals (self, errors);
  g_ptr_array_add (errors, NULL);
  {
    g_autofree char *text = g_strjoinv ("\n", (char **) errors->pdata);

    gtk_label_set_label (self->vitals_message, text);
    gtk_widget_set_visible (GTK_WIDGET (self->vitals_message), *text != '\0');
  }
}

static void
build_vitals_group (ElSbarEditor *self)
{
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  static const int vmark_of[N_VITALS] = {
    [VITAL_TEMPERATURE] = VMARK_TEMPERATURE,
    [VITAL_HEART_RATE] = VMARK_HEART_RATE,
    [VITAL_RESPIRATORY_RATE] = VMARK_RESPIRATORY_RATE,
    [VITAL_SYSTOLIC] = VMARK_BLOOD_PRESSURE,
    [VITAL_DIASTOLIC] = VMARK_BLOOD_PRESSURE,
    [VITAL_SPO2] = VMARK_SPO2,
    [VITAL_O2_DEVICE] = VMARK_SPO2,
    [VITAL_O2_FLOW] = VMARK_SPO2,
    [VITAL_PAIN] = VMARK_PAIN,
  };
  static const char *const vmark_names[N_VMARKS] = {
    N_ ("Temperature"),    N_ ("Heart rate"), N_ ("Respiratory rate"),
    N_ ("Blood pressure"), N_ ("SpO₂"),       N_ ("Pain"),
  };
  int row = 0;

  self->vitals_mark = mark_new (self, _ ("Vital signs"));
  adw_preferences_group_set_header_suffix (self->vitals_group, self->vitals_mark->box);
  for (guint i = 0; i < N_VMARKS; i++)
    self->vital_marks[i] = mark_new (self, _ (vmark_names[i]));

  gtk_widget_add_css_class (card, "card");
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_widget_set_margin_start (grid, 12);
  gtk_widget_set_margin_end (grid, 12);
  gtk_widget_set_margin_top (grid, 12);
  gtk_widget_set_margin_bottom (grid, 12);

  for (guint i = 0; i < N_VITALS; i++)
    {
      const VitalSpec *spec = &vital_specs[i];
      GtkWidget *entry = gtk_entry_new ();

      self->vital_entries[i] = entry;
      gtk_widget_set_name (entry, spec->name);
      gtk_editable_set_width_chars (GTK_EDITABLE (entry), spec->width_chars);
      gtk_editable_set_max_width_chars (GTK_EDITABLE (entry), spec->width_chars);
      if (!spec->is_text)
        gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_NUMBER);
      gtk_entry_set_max_length (GTK_ENTRY (entry), spec->is_text ? 120 : 8);
      set_accessible_label (entry, _ (spec->a11y));
      g_object_set_data (G_OBJECT (entry), "el-mark", self->vital_marks[vmark_of[i]]);
      g_signal_connect (entry, "changed", G_CALLBACK (vital_changed_cb), self);
    }

  for (guint i = 0; i < N_VITALS; i++)
    {
      const VitalSpec *spec = &vital_specs[i];
      GtkWidget *label;
      GtkWidget *value = self->vital_entries[i];

      if (i == VITAL_DIASTOLIC)
        continue; /* in the systolic row */
      label = gtk_label_new_with_mnemonic (_ (spec->label));
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_mnemonic_widget (GTK_LABEL (label), self->vital_entries[i]);
      gtk_grid_attach (GTK_GRID (grid), label, 0, row, 1, 1);

      if (i == VITAL_SYSTOLIC)
        {
          GtkWidget *slash = gtk_label_new ("/");

          value = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
          gtk_box_append (GTK_BOX (value), self->vital_entries[VITAL_SYSTOLIC]);
          gtk_box_append (GTK_BOX (value), slash);
          gtk_box_append (GTK_BOX (value), self->vital_entries[VITAL_DIASTOLIC]);
          spec = &vital_specs[VITAL_DIASTOLIC];
        }
      gtk_widget_set_halign (value, GTK_ALIGN_START);
      gtk_grid_attach (GTK_GRID (grid), value, 1, row, 1, 1);
      if (spec->unit != NULL)
        {
          GtkWidget *unit = gtk_label_new (_ (spec->unit));

          gtk_label_set_xalign (GTK_LABEL (unit), 0);
          gtk_widget_add_css_class (unit, "dim-label");
          gtk_grid_attach (GTK_GRID (grid), unit, 2, row, 1, 1);
        }
      if (i == VITAL_TEMPERATURE || i == VITAL_HEART_RATE || i == VITAL_RESPIRATORY_RATE ||
          i == VITAL_SYSTOLIC || i == VITAL_SPO2 || i == VITAL_PAIN)
        gtk_grid_attach (GTK_GRID (grid), self->vital_marks[vmark_of[i]]->box, 3, row, 1, 1);
      row++;
    }

  self->vitals_message = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_name (GTK_WIDGET (self->vitals_message), "editor-vitals-message");
  gtk_label_set_wrap (self->vitals_message, TRUE);
  gtk_label_set_xalign (self->vitals_message, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->vitals_message), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->vitals_message), FALSE);
  gtk_widget_set_margin_start (GTK_WIDGET (self->vitals_message), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->vitals_message), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->vitals_message), 12);

  gtk_box_append (GTK_BOX (card), grid);
  gtk_box_append (GTK_BOX (card), GTK_WIDGET (self->vitals_message));
  adw_preferences_group_add (self->vitals_group, card);
}

static void
format_number (GtkWidget *entry, gboolean present, double value)
{
  g_autofree char *text = present ? g_strdup_printf ("%g", value) : NULL;

  set_editable_text (entry, text);
}

/* Allergies ------------------------------------------------------------------------------------- */

static void
chip_free (gpointer data)
{
  Chip *chip = data;

  g_free (chip->substance);
  g_free (chip->reaction);
  g_free (chip);
}

static void
remove_chip (ElSbarEditor *self, GtkWidget *child)
{
  Chip *chip = g_object_get_data (G_OBJECT (child), "el-chip");

  mark_kill (chip->mark);
  gtk_flow_box_remove (self->allergy_box, child);
}

static void
remove_all_chips (ElSbarEditor *self)
{
  GtkFlowBoxChild *child;

  while ((child = gtk_flow_box_get_child_at_index (self->allergy_box, 0)) != NULL)
    remove_chip (self, GTK_WIDGET (child));
}

static void
chip_remove_clicked_cb (GtkButton *button, gpointer user_data)
{
  ElSbarEditor *self = user_data;
  GtkWidget *child = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_FLOW_BOX_CHILD);

  remove_chip (self, child);
  mark_clear (self->allergies_mark);
  update_unconfirmed (self);
  editor_changed (self);
  gtk_widget_grab_focus (self->allergy_substance);
}

static void
add_chip (ElSbarEditor *self, const char *substance, const char *reaction, const ElSpan *span)
{
  Chip *chip = g_new0 (Chip, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label;
  GtkWidget *remove = gtk_button_new_from_icon_name ("window-close-symbolic");
  GtkWidget *child = gtk_flow_box_child_new ();
  g_autofree char *text = NULL;
  g_autofree char *remove_label = NULL;

  chip->substance = g_strdup (substance);
  chip->reaction = g_strdup (reaction);
  /* Translators: an allergy and its reaction, e.g. "Penicillin (hives)" */
  text = reaction != NULL ? g_strdup_printf (_ ("%s (%s)"), substance, reaction) : g_strdup (substance);
  label = gtk_label_new (text);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  chip->mark = mark_new (self, text);
  mark_set_span (chip->mark, span);

  gtk_widget_set_name (box, "editor-allergy-chip");
  gtk_widget_add_css_class (box, "card");
  gtk_widget_set_margin_start (label, 10);
  gtk_widget_set_margin_top (label, 4);
  gtk_widget_set_margin_bottom (label, 4);
  gtk_widget_set_name (remove, "editor-allergy-remove");
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_add_css_class (remove, "circular");
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  remove_label = g_strdup_printf (_ ("Remove allergy %s"), text);
  gtk_widget_set_tooltip_text (remove, remove_label);
  set_accessible_label (remove, remove_label);
  g_signal_connect (remove, "clicked", G_CALLBACK (chip_remove_clicked_cb), self);

  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), chip->mark->box);
  gtk_box_append (GTK_BOX (box), remove);
  gtk_flow_box_child_set_child (GTK_FLOW_BOX_CHILD (child), box);
  gtk_widget_set_focusable (child, FALSE);
  g_object_set_data_full (G_OBJECT (child), "el-chip", chip, chip_free);
  gtk_flow_box_append (self->allergy_box, child);
}

static void
show_allergy_message (ElSbarEditor *self, const char *message)
{
  gtk_label_set_label (self->allergy_message, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->allergy_message), message != NULL);
}

static void
allergy_add_clicked_cb (GtkWidget *widget, gpointer user_data)
{
  ElSbarEditor *self = user_data;
  g_autofree char *substance = editable_text (self->allergy_substance);
  g_autofree char *reaction = nonempty_or_null (editable_text (self->allergy_reaction));

  if (*substance == '\0')
    return;
  if (means_no_allergies (substance))
    {
      show_allergy_message (self, _ ("To record no known allergies, turn on “No known allergies”."));
      set_error_style (self->allergy_substance, TRUE);
      return;
    }
  show_allergy_message (self, NULL);
  add_chip (self, substance, reaction, NULL);
  self->applying = TRUE; /* the text goes into the chip: not a change by itself */
  set_editable_text (self->allergy_substance, NULL);
  set_editable_text (self->allergy_reaction, NULL);
  self->applying = FALSE;
  set_error_style (self->allergy_substance, FALSE);
  if (gtk_switch_get_active (GTK_SWITCH (self->nkda_switch)))
    gtk_switch_set_active (GTK_SWITCH (self->nkda_switch), FALSE);
  mark_clear (self->allergies_mark);
  editor_changed (self);
  gtk_widget_grab_focus (self->allergy_substance);
}

static void
allergy_entry_changed_cb (GtkEditable *editable, gpointer user_data)
{
  ElSbarEditor *self = user_data;
  g_autofree char *substance = editable_text (self->allergy_substance);

  gtk_widget_set_sensitive (self->allergy_add, *substance != '\0');
  set_error_style (GTK_WIDGET (editable), FALSE);
  if (*substance == '\0')
    show_allergy_message (self, NULL);
}

static void
nkda_notify_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  ElSbarEditor *self = user_data;

  if (self->applying)
    return;
  if (gtk_switch_get_active (GTK_SWITCH (self->nkda_switch)))
    remove_all_chips (self);
  mark_clear (self->allergies_mark);
  update_unconfirmed (self);
  editor_changed (self);
}

static void
build_allergies_group (ElSbarEditor *self)
{
  GtkWidget *list = gtk_list_box_new ();
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  GtkWidget *add_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  self->allergies_mark = mark_new (self, _ ("Allergies"));

  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  self->nkda_switch = gtk_switch_new ();
  gtk_widget_set_name (self->nkda_switch, "editor-nkda");
  gtk_widget_set_valign (self->nkda_switch, GTK_ALIGN_CENTER);
  set_accessible_label (self->nkda_switch, _ ("No known allergies"));
  g_signal_connect (self->nkda_switch, "notify::active", G_CALLBACK (nkda_notify_cb), self);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _ ("_No known allergies"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_action_row_set_subtitle (row, _ ("Clears the allergies listed below"));
  adw_action_row_add_suffix (row, self->allergies_mark->box);
  adw_action_row_add_suffix (row, self->nkda_switch);
  adw_action_row_set_activatable_widget (row, self->nkda_switch);
  gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (row));

  self->allergy_box = GTK_FLOW_BOX (gtk_flow_box_new ());
  gtk_widget_set_name (GTK_WIDGET (self->allergy_box), "editor-allergies");
  gtk_flow_box_set_selection_mode (self->allergy_box, GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (self->allergy_box, 6);
  gtk_flow_box_set_row_spacing (self->allergy_box, 6);
  gtk_flow_box_set_column_spacing (self->allergy_box, 6);
  set_accessible_label (GTK_WIDGET (self->allergy_box), _ ("Allergies"));

  self->allergy_substance = gtk_entry_new ();
  gtk_widget_set_name (self->allergy_substance, "editor-allergy-substance");
  gtk_widget_set_hexpand (self->allergy_substance, TRUE);
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->allergy_substance), _ ("Substance"));
  gtk_entry_set_max_length (GTK_ENTRY (self->allergy_substance), 120);
  set_accessible_label (self->allergy_substance, _ ("Allergy: substance"));
  self->allergy_reaction = gtk_entry_new ();
  gtk_widget_set_name (self->allergy_reaction, "editor-allergy-reaction");
  gtk_widget_set_hexpand (self->allergy_reaction, TRUE);
  gtk_entry_set_placeholder_text (GTK_ENTRY (self->allergy_reaction), _ ("Reaction (optional)"));
  gtk_entry_set_max_length (GTK_ENTRY (self->allergy_reaction), 120);
  set_accessible_label (self->allergy_reaction, _ ("Allergy: reaction"));
  self->allergy_add = gtk_button_new_with_mnemonic (_ ("A_dd Allergy"));
  gtk_widget_set_name (self->allergy_add, "editor-allergy-add");
  gtk_widget_set_sensitive (self->allergy_add, FALSE);
  g_signal_connect (self->allergy_substance, "changed", G_CALLBACK (allergy_entry_changed_cb), self);
  g_signal_connect (self->allergy_substance, "activate", G_CALLBACK (allergy_add_clicked_cb), self);
  g_signal_connect (self->allergy_reaction, "activate", G_CALLBACK (allergy_add_clicked_cb), self);
  g_signal_connect (self->allergy_add, "clicked", G_CALLBACK (allergy_add_clicked_cb), self);
  gtk_box_append (GTK_BOX (add_box), self->allergy_substance);
  gtk_box_append (GTK_BOX (add_box), self->allergy_reaction);
  gtk_box_append (GTK_BOX (add_box), self->allergy_add);

  self->allergy_message = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_set_name (GTK_WIDGET (self->allergy_message), "editor-allergy-message");
  gtk_label_set_wrap (self->allergy_message, TRUE);
  gtk_label_set_xalign (self->allergy_message, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->allergy_message), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->allergy_message), FALSE);

  gtk_box_append (GTK_BOX (box), list);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->allergy_box));
  gtk_box_append (GTK_BOX (box), add_box);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->allergy_message));
  adw_preferences_group_add (self->allergies_group, box);
}

/* Choices and details --------------------------------------------------------------------------- */

static const char *
choice_label (Choice choice, guint value)
{
  switch (choice)
    {
      case CHOICE_CODE_STATUS:
        return el_gui_code_status_label (value);
      case CHOICE_ISOLATION:
        return el_gui_isolation_label (value);
      case CHOICE_FALL_RISK:
        return el_gui_fall_risk_label (value);
      case CHOICE_ILLNESS_SEVERITY:
      default:
        return el_gui_illness_severity_label (value);
    }
}

static guint
choice_n_values (Choice choice)
{
  switch (choice)
    {
      case CHOICE_CODE_STATUS:
        return EL_CODE_STATUS_COMFORT_CARE + 1;
      case CHOICE_ISOLATION:
        return EL_ISOLATION_NEUTROPENIC + 1;
      case CHOICE_FALL_RISK:
        return EL_FALL_RISK_HIGH + 1;
      case CHOICE_ILLNESS_SEVERITY:
      default:
        return EL_ILLNESS_SEVERITY_UNSTABLE + 1;
    }
}

static void
isolation_sync_detail (ElSbarEditor *self)
{
  guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (self->choices[CHOICE_ISOLATION]));

  gtk_widget_set_sensitive (self->isolation_detail, selected != 0 && selected != EL_ISOLATION_NONE + 1);
}

static void
isolation_notify_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  isolation_sync_detail (user_data);
}

static void
build_status_group (ElSbarEditor *self)
{
  for (guint c = 0; c < N_CHOICES; c++)
    {
      g_autoptr (GtkStringList) model = gtk_string_list_new (NULL);
      GtkWidget *row = adw_combo_row_new ();

      gtk_string_list_append (model, _ ("Not recorded"));
      for (guint v = 0; v < choice_n_values (c); v++)
        gtk_string_list_append (model, choice_label (c, v));
      adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _ (choice_specs[c].title));
      adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
      gtk_widget_set_name (row, choice_specs[c].name);
      self->choices[c] = row;
      {
        g_autofree char *what = without_mnemonic (_ (choice_specs[c].title));

        self->choice_marks[c] = mark_new (self, what);
      }
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), self->choice_marks[c]->box);
      g_object_set_data (G_OBJECT (row), "el-mark", self->choice_marks[c]);
      g_signal_connect (row, "notify::selected", G_CALLBACK (field_notify_cb), self);
      adw_preferences_group_add (self->status_group, row);

      if (c == CHOICE_ISOLATION)
        {
          self->isolation_detail = adw_entry_row_new ();
          gtk_widget_set_name (self->isolation_detail, "editor-isolation-detail");
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->isolation_detail),
                                         _ ("Isolation detail, e.g. the organism"));
          g_object_set_data (G_OBJECT (self->isolation_detail), "el-mark", self->choice_marks[c]);
          g_signal_connect (self->isolation_detail, "changed", G_CALLBACK (field_changed_cb), self);
          g_signal_connect (row, "notify::selected", G_CALLBACK (isolation_notify_cb), self);
          adw_preferences_group_add (self->status_group, self->isolation_detail);
        }
    }
  isolation_sync_detail (self);
}

static void
build_details_group (ElSbarEditor *self)
{
  for (guint t = 0; t < N_TEXTS; t++)
    {
      GtkWidget *row = adw_entry_row_new ();

      gtk_widget_set_name (row, text_specs[t].name);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _ (text_specs[t].title));
      self->texts[t] = row;
      self->text_marks[t] = mark_new (self, _ (text_specs[t].title));
      adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), self->text_marks[t]->box);
      g_object_set_data (G_OBJECT (row), "el-mark", self->text_marks[t]);
      g_signal_connect (row, "changed", G_CALLBACK (field_changed_cb), self);
      adw_preferences_group_add (self->details_group, row);
    }
}

/* Lists ----------------------------------------------------------------------------------------- */

static void
remove_list_row (ElSbarEditor *self, ListRow *lr)
{
  mark_kill (lr->mark);
  gtk_list_box_remove (self->lists[lr->kind], lr->row);
}

static void
list_remove_clicked_cb (GtkButton *button, gpointer user_data)
{
  ElSbarEditor *self = user_data;
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_LIST_BOX_ROW);
  ListRow *lr = g_object_get_data (G_OBJECT (row), "el-list-row");
  ListKind kind = lr->kind;

  remove_list_row (self, lr);
  self->list_present[kind] = TRUE;
  update_unconfirmed (self);
  editor_changed (self);
}

static ListRow *
add_list_row (
    ElSbarEditor *self, ListKind kind, const char *const *values, guint pending_kind, const ElSpan *span)
{
  ListRow *lr = g_new0 (ListRow, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");

  lr->kind = kind;
  lr->row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (lr->row), FALSE);
  gtk_widget_set_focusable (lr->row, FALSE);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  lr->mark = mark_new (self, adw_preferences_group_get_title (self->list_groups[kind]));
  mark_set_span (lr->mark, span);

  if (list_specs[kind].has_kind)
    {
      g_autoptr (GtkStringList) model = gtk_string_list_new (NULL);

      gtk_string_list_append (model, C_ ("pending kind", "Lab"));
      gtk_string_list_append (model, C_ ("pending kind", "Imaging"));
      gtk_string_list_append (model, C_ ("pending kind", "Consult"));
      gtk_string_list_append (model, C_ ("pending kind", "Other"));
      lr->kind_dropdown = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (model)), NULL);
      gtk_widget_set_name (lr->kind_dropdown, "editor-pending-kind");
      gtk_drop_down_set_selected (GTK_DROP_DOWN (lr->kind_dropdown), pending_kind);
      gtk_widget_set_valign (lr->kind_dropdown, GTK_ALIGN_CENTER);
      set_accessible_label (lr->kind_dropdown, _ ("Kind of pending result"));
      g_object_set_data (G_OBJECT (lr->kind_dropdown), "el-mark", lr->mark);
      g_signal_connect (lr->kind_dropdown, "notify::selected", G_CALLBACK (field_notify_cb), self);
      gtk_box_append (GTK_BOX (box), lr->kind_dropdown);
    }

  for (guint i = 0; i < list_specs[kind].n_entries; i++)
    {
      const ListEntrySpec *spec = &list_specs[kind].entries[i];
      GtkWidget *entry = gtk_entry_new ();

      lr->entries[i] = entry;
      gtk_widget_set_name (entry, spec->name);
      gtk_widget_set_hexpand (entry, spec->expand);
      gtk_editable_set_width_chars (GTK_EDITABLE (entry), spec->width_chars);
      gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _ (spec->placeholder));
      gtk_entry_set_max_length (GTK_ENTRY (entry), 250);
      set_accessible_label (entry, _ (spec->placeholder));
      set_editable_text (entry, values != NULL ? values[i] : NULL);
      g_object_set_data (G_OBJECT (entry), "el-mark", lr->mark);
      g_signal_connect (entry, "changed", G_CALLBACK (field_changed_cb), self);
      gtk_box_append (GTK_BOX (box), entry);
    }

  gtk_box_append (GTK_BOX (box), lr->mark->box);
  gtk_widget_set_name (remove, "editor-remove-item");
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (remove, _ ("Remove"));
  set_accessible_label (remove, _ ("Remove this item"));
  g_signal_connect (remove, "clicked", G_CALLBACK (list_remove_clicked_cb), self);
  gtk_box_append (GTK_BOX (box), remove);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (lr->row), box);
  g_object_set_data_full (G_OBJECT (lr->row), "el-list-row", lr, g_free);
  gtk_list_box_append (self->lists[kind], lr->row);
  return lr;
}

static void
list_add_clicked_cb (GtkButton *button, gpointer user_data)
{
  ElSbarEditor *self = user_data;
  ListKind kind = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "el-list-kind"));
  ListRow *lr = add_list_row (self, kind, NULL, EL_PENDING_KIND_LAB, NULL);

  self->list_present[kind] = TRUE;
  gtk_widget_grab_focus (lr->entries[0]);
  editor_changed (self);
}

static void
remove_all_list_rows (ElSbarEditor *self, ListKind kind)
{
  GtkListBoxRow *row;

  while ((row = gtk_list_box_get_row_at_index (self->lists[kind], 0)) != NULL)
    remove_list_row (self, g_object_get_data (G_OBJECT (row), "el-list-row"));
}

static void
build_list_groups (ElSbarEditor *self)
{
  for (guint k = 0; k < N_LISTS; k++)
    {
      GtkWidget *list = gtk_list_box_new ();
      GtkWidget *placeholder = gtk_label_new (_ ("None recorded"));
      GtkWidget *add = gtk_button_new ();
      GtkWidget *content = adw_button_content_new ();

      gtk_widget_add_css_class (list, "boxed-list");
      gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
      gtk_widget_add_css_class (placeholder, "dim-label");
      gtk_widget_set_margin_top (placeholder, 12);
      gtk_widget_set_margin_bottom (placeholder, 12);
      gtk_list_box_set_placeholder (GTK_LIST_BOX (list), placeholder);
      set_accessible_label (list, adw_preferences_group_get_title (self->list_groups[k]));
      self->lists[k] = GTK_LIST_BOX (list);

      adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), "list-add-symbolic");
      adw_button_content_set_label (ADW_BUTTON_CONTENT (content), _ ("Add"));
      gtk_button_set_child (GTK_BUTTON (add), content);
      gtk_widget_add_css_class (add, "flat");
      gtk_widget_set_name (add, list_specs[k].add_name);
      gtk_widget_set_tooltip_text (add, _ (list_specs[k].add_a11y));
      set_accessible_label (add, _ (list_specs[k].add_a11y));
      g_object_set_data (G_OBJECT (add), "el-list-kind", GUINT_TO_POINTER (k));
      g_signal_connect (add, "clicked", G_CALLBACK (list_add_clicked_cb), self);
      adw_preferences_group_set_header_suffix (self->list_groups[k], add);
      adw_preferences_group_add (self->list_groups[k], list);
    }
}

static char *
list_entry_text (ListRow *lr, guint i)
{
  return editable_text (lr->entries[i]);
}

/* The rows of list @kind as model items, appended to the fields. Empty rows are skipped (nothing
 * was typed); a half-filled row or a bad time is an error. */
static void
build_list (ElSbarEditor *self, ListKind kind, ElSbarFields *fields, GPtrArray *errors)
{
  g_autoptr (GPtrArray) items = NULL;
  gboolean present = self->list_present[kind];
  GtkListBoxRow *row;

  switch (kind)
    {
      case LIST_LINES:
      case LIST_INFUSIONS:
        items = g_ptr_array_new_with_free_func ((GDestroyNotify) el_sbar_item_free);
        break;
      case LIST_MEDS:
        items = g_ptr_array_new_with_free_func ((GDestroyNotify) el_sbar_med_due_free);
        break;
      case LIST_PENDING:
        items = g_ptr_array_new_with_free_func ((GDestroyNotify) el_sbar_pending_free);
        break;
      case LIST_TODOS:
        items = g_ptr_array_new_with_free_func ((GDestroyNotify) el_sbar_todo_free);
        break;
      case LIST_CONTINGENCIES:
      default:
        items = g_ptr_array_new_with_free_func ((GDestroyNotify) el_sbar_contingency_free);
        break;
    }

  for (guint r = 0; (row = gtk_list_box_get_row_at_index (self->lists[kind], r)) != NULL; r++)
    {
      ListRow *lr = g_object_get_data (G_OBJECT (row), "el-list-row");
      g_autofree char *a = list_entry_text (lr, 0);
      g_autofree char *b = list_specs[kind].n_entries > 1 ? list_entry_text (lr, 1) : g_strdup ("");
      g_autofree char *c = list_specs[kind].n_entries > 2 ? list_entry_text (lr, 2) : g_strdup ("");
      g_autofree char *d = list_specs[kind].n_entries > 3 ? list_entry_text (lr, 3) : g_strdup ("");
      gboolean empty = *a == '\0' && *b == '\0' && *c == '\0' && *d == '\0';

      if (empty)
        continue;
      switch (kind)
        {
          case LIST_LINES:
          case LIST_INFUSIONS:
            {
              ElSbarItem *item = el_sbar_item_new (a);

              item->span = mark_dup_span (lr->mark);
              g_ptr_array_add (items, item);
            }
            break;
          case LIST_MEDS:
            {
              ElSbarMedDue *item;

              if (*a == '\0')
                {
                  g_ptr_array_add (errors, g_strdup (_ ("A medication due needs the medication’s name.")));
                  set_error_style (lr->entries[0], TRUE);
                  continue;
                }
              if (*d != '\0' && !is_time_hhmm (d))
                {
                  g_ptr_array_add (errors,
                                   g_strdup (_ ("The time of a medication due must be HH:MM (24 hours).")));
                  set_error_style (lr->entries[3], TRUE);
                  continue;
                }
              item = el_sbar_med_due_new (a, *b != '\0' ? b : NULL, *c != '\0' ? c : NULL,
                                          *d != '\0' ? d : NULL);
              item->span = mark_dup_span (lr->mark);
              g_ptr_array_add (items, item);
            }
            break;
          case LIST_PENDING:
            {
              ElSbarPending *item =
                  el_sbar_pending_new (gtk_drop_down_get_selected (GTK_DROP_DOWN (lr->kind_dropdown)), a);

              item->span = mark_dup_span (lr->mark);
              g_ptr_array_add (items, item);
            }
            break;
          case LIST_TODOS:
            {
              ElSbarTodo *item;

              if (*a == '\0')
                {
                  g_ptr_array_add (errors, g_strdup (_ ("A to-do needs a description.")));
                  set_error_style (lr->entries[0], TRUE);
                  continue;
                }
              if (*c != '\0' && !is_time_hhmm (c))
                {
                  g_ptr_array_add (errors, g_strdup (_ ("The time of a to-do must be HH:MM (24 hours).")));
                  set_error_style (lr->entries[2], TRUE);
                  continue;
                }
              item = el_sbar_todo_new (a, *b != '\0' ? b : NULL, *c != '\0' ? c : NULL);
              item->span = mark_dup_span (lr->mark);
              g_ptr_array_add (items, item);
            }
            break;
          case LIST_CONTINGENCIES:
          default:
            {
              ElSbarContingency *item;

              if (*a == '\0' || *b == '\0')
                {
                  g_ptr_array_add (errors, g_strdup (_ ("A contingency needs both “if” and “then”.")));
                  set_error_style (lr->entries[*a == '\0' ? 0 : 1], TRUE);
                  continue;
                }
              item = el_sbar_contingency_new (a, b);
              item->span = mark_dup_span (lr->mark);
              g_ptr_array_add (items, item);
            }
            break;
        }
    }

  if (items->len == 0 && !present)
    return;
  switch (kind)
    {
      case LIST_LINES:
        el_sbar_fields_set_lines_drains_airways (fields, items);
        break;
      case LIST_INFUSIONS:
        el_sbar_fields_set_infusions (fields, items);
        break;
      case LIST_MEDS:
        el_sbar_fields_set_meds_due (fields, items);
        break;
      case LIST_PENDING:
        el_sbar_fields_set_pending (fields, items);
        break;
      case LIST_TODOS:
        el_sbar_fields_set_todos (fields, items);
        break;
      case LIST_CONTINGENCIES:
      default:
        el_sbar_fields_set_contingencies (fields, items);
        break;
    }
}

/* Content --------------------------------------------------------------------------------------- */

static ElSbarText *
build_text (ElSbarEditor *self, TextField t)
{
  g_autofree char *text = nonempty_or_null (editable_text (self->texts[t]));
  ElSbarText *value;

  if (text == NULL)
    return NULL;
  value = el_sbar_text_new (text);
  value->span = mark_dup_span (self->text_marks[t]);
  return value;
}

/* (transfer full): the fields as the widgets hold them; problems appended to @errors. */
static ElSbarFields *
build_fields (ElSbarEditor *self, GPtrArray *errors)
{
  g_autoptr (ElSbarFields) fields = el_sbar_fields_new ();
  ElSbarVitals *vitals;
  guint selected;
  GtkFlowBoxChild *child;

  if (self->identifiers != NULL)
    el_sbar_fields_set_patient_identifiers (fields, self->identifiers);

  el_sbar_fields_take_room_bed (fields, build_text (self, TEXT_ROOM_BED));
  el_sbar_fields_take_diagnosis (fields, build_text (self, TEXT_DIAGNOSIS));
  el_sbar_fields_take_history (fields, build_text (self, TEXT_HISTORY));
  el_sbar_fields_take_diet (fields, build_text (self, TEXT_DIET));
  el_sbar_fields_take_mobility (fields, build_text (self, TEXT_MOBILITY));
  el_sbar_fields_take_family_discharge (fields, build_text (self, TEXT_FAMILY_DISCHARGE));

  selected = adw_combo_row_get_selected (ADW_COMBO_ROW (self->choices[CHOICE_CODE_STATUS]));
  if (selected != 0 && selected != GTK_INVALID_LIST_POSITION)
    {
      ElSbarCodeStatus *value = el_sbar_code_status_new (selected - 1);

      value->span = mark_dup_span (self->choice_marks[CHOICE_CODE_STATUS]);
      el_sbar_fields_take_code_status (fields, value);
    }
  selected = adw_combo_row_get_selected (ADW_COMBO_ROW (self->choices[CHOICE_ISOLATION]));
  if (selected != 0 && selected != GTK_INVALID_LIST_POSITION)
    {
      g_autofree char *detail = nonempty_or_null (editable_text (self->isolation_detail));
      ElSbarIsolation *value =
          el_sbar_isolation_new (selected - 1, selected - 1 != EL_ISOLATION_NONE ? detail : NULL);

      value->span = mark_dup_span (self->choice_marks[CHOICE_ISOLATION]);
      el_sbar_fields_take_isolation (fields, value);
    }
  selected = adw_combo_row_get_selected (ADW_COMBO_ROW (self->choices[CHOICE_FALL_RISK]));
  if (selected != 0 && selected != GTK_INVALID_LIST_POSITION)
    {
      ElSbarFallRisk *value = el_sbar_fall_risk_new (selected - 1);

      value->span = mark_dup_span (self->choice_marks[CHOICE_FALL_RISK]);
      el_sbar_fields_take_fall_risk (fields, value);
    }
  selected = adw_combo_row_get_selected (ADW_COMBO_ROW (self->choices[CHOICE_ILLNESS_SEVERITY]));
  if (selected != 0 && selected != GTK_INVALID_LIST_POSITION)
    {
      ElSbarIllnessSeverity *value = el_sbar_illness_severity_new (selected - 1);

      value->span = mark_dup_span (self->choice_marks[CHOICE_ILLNESS_SEVERITY]);
      el_sbar_fields_take_illness_severity (fields, value);
    }

  /* Allergies: NKDA, or the chips; neither is "not known". */
  {
    gboolean nkda = gtk_switch_get_active (GTK_SWITCH (self->nkda_switch));
    g_autoptr (ElSbarAllergies) allergies = el_sbar_allergies_new (nkda);
    g_autofree char *typed = editable_text (self->allergy_substance);

    for (guint i = 0; !nkda && (child = gtk_flow_box_get_child_at_index (self->allergy_box, i)) != NULL; i++)
      {
        Chip *chip = g_object_get_data (G_OBJECT (child), "el-chip");
        ElSbarAllergy *item = el_sbar_allergy_new (chip->substance, chip->reaction);

        item->span = mark_dup_span (chip->mark);
        el_sbar_allergies_add (allergies, item);
      }
    if (*typed != '\0')
      {
        g_ptr_array_add (errors, g_strdup (_ ("An allergy was typed but not added: add it or clear it.")));
        set_error_style (self->allergy_substance, TRUE);
      }
    if (nkda || allergies->items->len > 0)
      {
        allergies->span = mark_dup_span (self->allergies_mark);
        el_sbar_fields_take_allergies (fields, g_steal_pointer (&allergies));
      }
  }

  vitals = build_vitals (self, errors);
  if (vitals != NULL)
    el_sbar_fields_take_vitals (fields, vitals);

  for (guint k = 0; k < N_LISTS; k++)
    build_list (self, k, fields, errors);

  return g_steal_pointer (&fields);
}

static ElSbarVersion *
build_content (ElSbarEditor *self, GPtrArray *errors)
{
  ElSbarVersion *content = el_sbar_version_new ();

  el_sbar_version_set_source (content, EL_SBAR_SOURCE_NURSE);
  if (self->handoff_id != NULL)
    el_sbar_version_set_handoff_id (content, self->handoff_id);
  for (guint s = 0; s < 4; s++)
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->section_views[s]);
      GtkTextIter start, end;
      g_autofree char *text = NULL;
      g_autofree char *stripped = NULL;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
      stripped = g_strstrip (g_strdup (text));
      el_sbar_version_set_section (content, s, *stripped != '\0' ? text : NULL);
    }
  el_sbar_version_take_fields (content, build_fields (self, errors));
  return content;
}

ElSbarVersion *
el_sbar_editor_get_content (ElSbarEditor *self)
{
  g_autoptr (GPtrArray) errors = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (EL_IS_SBAR_EDITOR (self), NULL);

  return build_content (self, errors);
}

/* Applying a version to the widgets ------------------------------------------------------------- */

typedef ElSbarText *(*ElTextGetter) (const ElSbarFields *fields);

/* The text fields in the order of self->texts. */
static const ElTextGetter text_getters[N_TEXTS] = {
  el_sbar_fields_get_room_bed, el_sbar_fields_get_diagnosis, el_sbar_fields_get_history,
  el_sbar_fields_get_diet,     el_sbar_fields_get_mobility,  el_sbar_fields_get_family_discharge,
};

static void
apply_version (ElSbarEditor *self, ElSbarVersion *version)
{
  ElSbarFields *fields = version != NULL ? el_sbar_version_get_fields (version) : NULL;
  ElSbarVitals *vitals = fields != NULL ? el_sbar_fields_get_vitals (fields) : NULL;
  ElSbarAllergies *allergies = fields != NULL ? el_sbar_fields_get_allergies (fields) : NULL;
  ElSbarIsolation *isolation = fields != NULL ? el_sbar_fields_get_isolation (fields) : NULL;

  self->applying = TRUE;

  for (guint s = 0; s < 4; s++)
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->section_views[s]);
      const char *text = version != NULL ? el_sbar_version_get_section (version, s) : NULL;

      gtk_text_buffer_begin_irreversible_action (buffer);
      gtk_text_buffer_set_text (buffer, text != NULL ? text : "", -1);
      gtk_text_buffer_end_irreversible_action (buffer);
    }

  g_clear_pointer (&self->identifiers, el_sbar_identifiers_free);
  if (fields != NULL && el_sbar_fields_get_patient_identifiers (fields) != NULL)
    self->identifiers = el_sbar_identifiers_copy (el_sbar_fields_get_patient_identifiers (fields));
  if (self->identifiers != NULL && self->identifiers->mrn != NULL)
    {
      /* Translators: the patient's name and medical record number */
      g_autofree char *title =
          g_strdup_printf (_ ("%s · MRN %s"), self->identifiers->name, self->identifiers->mrn);

      gtk_label_set_label (self->patient_label, title);
    }
  else
    gtk_label_set_label (self->patient_label, self->identifiers != NULL ? self->identifiers->name : "");
  gtk_widget_set_visible (GTK_WIDGET (self->patient_label), self->identifiers != NULL);

  /* Vitals */
  g_clear_pointer (&self->vitals_taken_at, g_date_time_unref);
  if (vitals != NULL && vitals->taken_at != NULL)
    self->vitals_taken_at = g_date_time_ref (vitals->taken_at);
  self->vitals_edited = FALSE;
  format_number (self->vital_entries[VITAL_TEMPERATURE], vitals && vitals->temperature_c,
                 vitals && vitals->temperature_c ? vitals->temperature_c->value : 0);
  format_number (self->vital_entries[VITAL_HEART_RATE], vitals && vitals->heart_rate,
                 vitals && vitals->heart_rate ? vitals->heart_rate->value : 0);
  format_number (self->vital_entries[VITAL_RESPIRATORY_RATE], vitals && vitals->respiratory_rate,
                 vitals && vitals->respiratory_rate ? vitals->respiratory_rate->value : 0);
  format_number (self->vital_entries[VITAL_SYSTOLIC], vitals && vitals->blood_pressure,
                 vitals && vitals->blood_pressure ? vitals->blood_pressure->systolic : 0);
  format_number (self->vital_entries[VITAL_DIASTOLIC], vitals && vitals->blood_pressure,
                 vitals && vitals->blood_pressure ? vitals->blood_pressure->diastolic : 0);
  format_number (self->vital_entries[VITAL_SPO2], vitals && vitals->spo2,
                 vitals && vitals->spo2 ? vitals->spo2->value : 0);
  set_editable_text (self->vital_entries[VITAL_O2_DEVICE],
                     vitals && vitals->spo2 ? vitals->spo2->o2_device : NULL);
  format_number (self->vital_entries[VITAL_O2_FLOW], vitals && vitals->spo2 && vitals->spo2->has_o2_flow,
                 vitals && vitals->spo2 ? vitals->spo2->o2_flow_l_min : 0);
  format_number (self->vital_entries[VITAL_PAIN], vitals && vitals->pain,
                 vitals && vitals->pain ? vitals->pain->value : 0);
  mark_set_span (self->vitals_mark, vitals ? vitals->span : NULL);
  mark_set_span (self->vital_marks[VMARK_TEMPERATURE],
                 vitals && vitals->temperature_c ? vitals->temperature_c->span : NULL);
  mark_set_span (self->vital_marks[VMARK_HEART_RATE],
                 vitals && vitals->heart_rate ? vitals->heart_rate->span : NULL);
  mark_set_span (self->vital_marks[VMARK_RESPIRATORY_RATE],
                 vitals && vitals->respiratory_rate ? vitals->respiratory_rate->span : NULL);
  mark_set_span (self->vital_marks[VMARK_BLOOD_PRESSURE],
                 vitals && vitals->blood_pressure ? vitals->blood_pressure->span : NULL);
  mark_set_span (self->vital_marks[VMARK_SPO2], vitals && vitals->spo2 ? vitals->spo2->span : NULL);
  mark_set_span (self->vital_marks[VMARK_PAIN], vitals && vitals->pain ? vitals->pain->span : NULL);

  /* Allergies */
  remove_all_chips (self);
  gtk_switch_set_active (GTK_SWITCH (self->nkda_switch), allergies != NULL && allergies->no_known_allergies);
  for (guint i = 0; allergies != NULL && i < allergies->items->len; i++)
    {
      ElSbarAllergy *item = g_ptr_array_index (allergies->items, i);

      add_chip (self, item->substance, item->reaction, item->span);
    }
  mark_set_span (self->allergies_mark, allergies ? allergies->span : NULL);
  set_editable_text (self->allergy_substance, NULL);
  set_editable_text (self->allergy_reaction, NULL);
  show_allergy_message (self, NULL);

  /* Choices */
  {
    ElSbarCodeStatus *code = fields ? el_sbar_fields_get_code_status (fields) : NULL;
    ElSbarFallRisk *fall = fields ? el_sbar_fields_get_fall_risk (fields) : NULL;
    ElSbarIllnessSeverity *severity = fields ? el_sbar_fields_get_illness_severity (fields) : NULL;

    adw_combo_row_set_selected (ADW_COMBO_ROW (self->choices[CHOICE_CODE_STATUS]),
                                code ? code->value + 1 : 0);
    mark_set_span (self->choice_marks[CHOICE_CODE_STATUS], code ? code->span : NULL);
    adw_combo_row_set_selected (ADW_COMBO_ROW (self->choices[CHOICE_ISOLATION]),
                                isolation ? isolation->value + 1 : 0);
    mark_set_span (self->choice_marks[CHOICE_ISOLATION], isolation ? isolation->span : NULL);
    set_editable_text (self->isolation_detail, isolation ? isolation->detail : NULL);
    adw_combo_row_set_selected (ADW_COMBO_ROW (self->choices[CHOICE_FALL_RISK]), fall ? fall->value + 1 : 0);
    mark_set_span (self->choice_marks[CHOICE_FALL_RISK], fall ? fall->span : NULL);
    adw_combo_row_set_selected (ADW_COMBO_ROW (self->choices[CHOICE_ILLNESS_SEVERITY]),
                                severity ? severity->value + 1 : 0);
    mark_set_span (self->choice_marks[CHOICE_ILLNESS_SEVERITY], severity ? severity->span : NULL);
    isolation_sync_detail (self);
  }

  for (guint t = 0; t < N_TEXTS; t++)
    {
      ElSbarText *text = fields ? text_getters[t](fields) : NULL;

      set_editable_text (self->texts[t], text ? text->value : NULL);
      mark_set_span (self->text_marks[t], text ? text->span : NULL);
    }

  /* Lists */
  for (guint k = 0; k < N_LISTS; k++)
    {
      GPtrArray *items = NULL;

      remove_all_list_rows (self, k);
      if (fields != NULL)
        {
          switch (k)
            {
              case LIST_LINES:
                items = el_sbar_fields_get_lines_drains_airways (fields);
                break;
              case LIST_INFUSIONS:
                items = el_sbar_fields_get_infusions (fields);
                break;
              case LIST_MEDS:
                items = el_sbar_fields_get_meds_due (fields);
                break;
              case LIST_PENDING:
                items = el_sbar_fields_get_pending (fields);
                break;
              case LIST_TODOS:
                items = el_sbar_fields_get_todos (fields);
                break;
              case LIST_CONTINGENCIES:
              default:
                items = el_sbar_fields_get_contingencies (fields);
                break;
            }
        }
      self->list_present[k] = items != NULL;
      for (guint i = 0; items != NULL && i < items->len; i++)
        {
          gpointer item = g_ptr_array_index (items, i);

          switch (k)
            {
              case LIST_LINES:
              case LIST_INFUSIONS:
                {
                  ElSbarItem *it = item;
                  const char *values[] = { it->description, NULL };

                  add_list_row (self, k, values, 0, it->span);
                }
                break;
              case LIST_MEDS:
                {
                  ElSbarMedDue *it = item;
                  const char *values[] = { it->name, it->dose, it->route, it->time };

                  add_list_row (self, k, values, 0, it->span);
                }
                break;
              case LIST_PENDING:
                {
                  ElSbarPending *it = item;
                  const char *values[] = { it->description, NULL };

                  add_list_row (self, k, values, it->kind, it->span);
                }
                break;
              case LIST_TODOS:
                {
                  ElSbarTodo *it = item;
                  const char *values[] = { it->description, it->owner, it->due };

                  add_list_row (self, k, values, 0, it->span);
                }
                break;
              case LIST_CONTINGENCIES:
              default:
                {
                  ElSbarContingency *it = item;
                  const char *values[] = { it->condition, it->action };

                  add_list_row (self, k, values, 0, it->span);
                }
                break;
            }
        }
    }

  self->applying = FALSE;

  /* Clear the error styles the filled widgets may have kept. */
  for (guint i = 0; i < N_VITALS; i++)
    set_error_style (self->vital_entries[i], FALSE);
  set_error_style (self->allergy_substance, FALSE);
  validate_vitals (self);

  self->serial++;
  set_dirty (self, FALSE);
  g_clear_handle_id (&self->completeness_source, g_source_remove);
  update_completeness (self);
  update_unconfirmed (self);
  refresh_transcript_spans (self);
}

/* Loading --------------------------------------------------------------------------------------- */

static void
set_read_only (ElSbarEditor *self, gboolean read_only, const char *why)
{
  gtk_label_set_label (self->read_only_label, why != NULL ? why : "");
  gtk_widget_set_visible (GTK_WIDGET (self->read_only_label), read_only);
  gtk_widget_set_sensitive (self->form_box, !read_only);
  if (self->read_only != read_only)
    {
      self->read_only = read_only;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READ_ONLY]);
    }
  update_save_enabled (self);
}

static void
finish_load (ElSbarEditor *self, GPtrArray *recordings)
{
  ElHandoffStatus status = el_handoff_get_status (self->handoff);

  g_clear_pointer (&self->transcript, g_free);
  forget_audio (self);
  /* The spans are in the newest transcript, and their times in its recording's audio. */
  for (guint i = recordings != NULL ? recordings->len : 0; i > 0; i--)
    {
      ElRecording *recording = g_ptr_array_index (recordings, i - 1);
      const char *transcript = el_recording_get_transcript (recording);

      if (transcript != NULL)
        {
          self->transcript = g_strdup (transcript);
          self->recording_id = g_strdup (el_recording_get_id (recording));
          self->recording_duration_ms = el_recording_get_duration_ms (recording);
          break;
        }
    }
  if (self->recording_id == NULL && recordings != NULL && recordings->len > 0)
    {
      ElRecording *last = g_ptr_array_index (recordings, recordings->len - 1);

      self->recording_id = g_strdup (el_recording_get_id (last));
      self->recording_duration_ms = el_recording_get_duration_ms (last);
    }
  el_transcript_view_set_transcript (self->transcript_view, self->transcript);
  el_transcript_view_set_message (self->transcript_view, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->transcript_expander), self->transcript != NULL);

  set_base_version (self,
                    self->loaded_version != NULL ? el_sbar_version_get_version (self->loaded_version) : 0);
  apply_version (self, self->loaded_version);
  self->loaded = TRUE;
  if (status == EL_HANDOFF_STATUS_ACKNOWLEDGED)
    set_read_only (self, TRUE,
                   _ ("This handoff was acknowledged by the receiving nurse. It can no longer be changed."));
  else if (status == EL_HANDOFF_STATUS_CANCELLED)
    set_read_only (self, TRUE, _ ("This handoff was cancelled. It can no longer be changed."));
  else
    set_read_only (self, FALSE, NULL);
  set_loading (self, FALSE);
}

static void
load_failed (ElSbarEditor *self, const GError *error)
{
  g_debug ("Loading handoff %s failed: %s code %d", self->handoff_id, g_quark_to_string (error->domain),
           error->code);
  if (g_error_matches (error, EL_STORE_ERROR, EL_STORE_ERROR_NOT_FOUND))
    show_error (self, _ ("This handoff is not on this computer. Sync, then try again."));
  else
    show_error (self, _ ("The handoff could not be read from this computer’s cache."));
  self->loaded = FALSE;
  update_save_enabled (self);
  set_loading (self, FALSE);
}

static void
recordings_listed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElSbarEditor *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) recordings = el_store_list_recordings_finish (EL_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    g_debug ("Listing the recordings of handoff %s failed: code %d", self->handoff_id, error->code);
  finish_load (self, recordings);
}

static void
sbar_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElSbarEditor *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElStoreSbar) sbar = el_store_get_sbar_finish (EL_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL && !g_error_matches (error, EL_STORE_ERROR, EL_STORE_ERROR_NOT_FOUND))
    {
      load_failed (self, error);
      return;
    }
  g_clear_object (&self->loaded_version);
  if (sbar != NULL)
    self->loaded_version = g_object_ref (sbar->version);
  el_store_list_recordings_async (EL_STORE (source), self->handoff_id, self->load_cancellable,
                                  recordings_listed_cb, self);
}

static void
handoff_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElSbarEditor *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElHandoff) handoff = el_store_get_handoff_finish (EL_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (handoff == NULL)
    {
      load_failed (self, error);
      return;
    }
  g_set_object (&self->handoff, handoff);
  el_store_get_sbar_async (EL_STORE (source), self->handoff_id, 0, self->load_cancellable, sbar_loaded_cb,
                           self);
}

void
el_sbar_editor_load (ElSbarEditor *self, const char *handoff_id)
{
  ElStore *store;

  g_return_if_fail (EL_IS_SBAR_EDITOR (self));
  g_return_if_fail (handoff_id != NULL);

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  forget_audio (self);

  if (g_strcmp0 (self->handoff_id, handoff_id) != 0)
    {
      g_free (self->handoff_id);
      self->handoff_id = g_strdup (handoff_id);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HANDOFF_ID]);
    }
  self->loaded = FALSE;
  update_save_enabled (self);
  show_error (self, NULL);
  set_loading (self, TRUE);

  store = el_context_get_store (self->context);
  if (store == NULL)
    {
      show_error (self, _ ("The handoff cache is not open."));
      set_loading (self, FALSE);
      return;
    }
  el_store_get_handoff_async (store, handoff_id, self->load_cancellable, handoff_loaded_cb, self);
}

/* Saving ---------------------------------------------------------------------------------------- */

typedef struct
{
  guint serial;
  int version;
} SaveData;

static void
draft_saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ElSbarEditor *self = g_task_get_source_object (task);
  SaveData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *op_id = el_store_save_sbar_draft_finish (EL_STORE (source), result, &error);
  ElSync *sync;

  self->saving = FALSE;
  update_save_enabled (self);
  if (op_id == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_debug ("Saving handoff %s failed: %s code %d", self->handoff_id,
                   g_quark_to_string (error->domain), error->code);
          show_error (self,
                      _ ("The handoff could not be saved on this computer. Your changes are still here: "
                         "try again."));
        }
      g_task_return_new_error (task, EL_SBAR_EDITOR_ERROR, EL_SBAR_EDITOR_ERROR_FAILED,
                               "save failed: %s code %d", g_quark_to_string (error->domain), error->code);
      return;
    }

  show_error (self, NULL);
  set_base_version (self, data->version);
  if (self->serial == data->serial)
    set_dirty (self, FALSE);
  sync = el_context_get_sync (self->context);
  if (sync != NULL)
    el_sync_notify_local_change (sync);
  g_signal_emit (self, signals[SIGNAL_SAVED], 0, op_id, data->version);
  g_task_return_int (task, data->version);
}

void
el_sbar_editor_save_async (ElSbarEditor *self,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GPtrArray) errors = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (ElSbarVersion) content = NULL;
  ElStore *store = el_context_get_store (self->context);
  ElUser *user = el_context_get_user (self->context);
  SaveData *data;

  g_return_if_fail (EL_IS_SBAR_EDITOR (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_sbar_editor_save_async);

  if (!self->loaded || store == NULL || self->saving)
    {
      g_task_return_new_error (task, EL_SBAR_EDITOR_ERROR, EL_SBAR_EDITOR_ERROR_NOT_LOADED,
                               "no handoff loaded, or a save is running");
      return;
    }
  if (self->read_only)
    {
      g_task_return_new_error (task, EL_SBAR_EDITOR_ERROR, EL_SBAR_EDITOR_ERROR_READ_ONLY,
                               "read-only handoff");
      return;
    }

  content = build_content (self, errors);
  validate_vitals (self);
  if (errors->len > 0)
    {
      g_autoptr (GString) message = g_string_new (_ ("Not saved. Correct the values marked in red:"));

      for (guint i = 0; i < errors->len; i++)
        g_string_append_printf (message, "\n• %s", (const char *) g_ptr_array_index (errors, i));
      show_error (self, message->str);
      g_task_return_new_error (task, EL_SBAR_EDITOR_ERROR, EL_SBAR_EDITOR_ERROR_INVALID, "%u invalid values",
                               errors->len);
      return;
    }

  if (user != NULL)
    {
      el_sbar_version_set_author_id (content, el_user_get_id (user));
      el_sbar_version_set_author_name (content, el_user_get_name (user));
    }
  data = g_new0 (SaveData, 1);
  data->serial = self->serial;
  data->version = self->base_version + 1;
  g_task_set_task_data (task, data, g_free);
  self->saving = TRUE;
  update_save_enabled (self);
  el_store_save_sbar_draft_async (store, self->handoff_id, self->base_version, content, self->cancellable,
                                  draft_saved_cb, g_steal_pointer (&task));
}

int
el_sbar_editor_save_finish (ElSbarEditor *self, GAsyncResult *result, GError **error)
{
  gssize version;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  version = g_task_propagate_int (G_TASK (result), error);
  return version > 0 ? (int) version : 0;
}

static void
save_action_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  /* The editor shows what went wrong. */
  el_sbar_editor_save_finish (EL_SBAR_EDITOR (source), result, &error);
}

static void
save_activated_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  el_sbar_editor_save_async (EL_SBAR_EDITOR (user_data), NULL, save_action_done_cb, NULL);
}

/* The unsaved-changes guard --------------------------------------------------------------------- */

static void
leave_saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (el_sbar_editor_save_finish (EL_SBAR_EDITOR (source), result, &error) > 0)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
leave_dialog_response_cb (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  ElSbarEditor *self = user_data;
  g_autoptr (GTask) task = g_steal_pointer (&self->leave_task);

  g_signal_handlers_disconnect_by_func (dialog, leave_dialog_response_cb, self);
  self->leave_dialog = NULL;
  if (task == NULL)
    return;
  if (g_strcmp0 (response, "save") == 0)
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      el_sbar_editor_save_async (self, cancellable, leave_saved_cb, g_steal_pointer (&task));
    }
  else
    g_task_return_boolean (task, g_strcmp0 (response, "discard") == 0);
}

void
el_sbar_editor_confirm_leave_async (ElSbarEditor *self,
                                    GtkWindow *parent,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  GtkWidget *dialog;

  g_return_if_fail (EL_IS_SBAR_EDITOR (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_sbar_editor_confirm_leave_async);
  if (!self->dirty || self->read_only)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (self->leave_task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, "the guard is already asking");
      return;
    }

  if (parent == NULL)
    parent = GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));
  dialog = adw_message_dialog_new (parent, _ ("Save changes to this handoff?"),
                                   _ ("If you leave without saving, your changes will be lost."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "discard",
                                    _ ("_Discard"), "save", _ ("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (leave_dialog_response_cb), self);
  self->leave_dialog = ADW_MESSAGE_DIALOG (dialog);
  self->leave_task = g_steal_pointer (&task);
  gtk_window_present (GTK_WINDOW (dialog));
}

gboolean
el_sbar_editor_confirm_leave_finish (ElSbarEditor *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

AdwMessageDialog *
el_sbar_editor_get_leave_dialog (ElSbarEditor *self)
{
  g_return_val_if_fail (EL_IS_SBAR_EDITOR (self), NULL);

  return self->leave_dialog;
}

/* Getters --------------------------------------------------------------------------------------- */

const char *
el_sbar_editor_get_handoff_id (ElSbarEditor *self)
{
  g_return_val_if_fail (EL_IS_SBAR_EDITOR (self), NULL);
  return self->handoff_id;
}

int
el_sbar_editor_get_base_version (ElSbarEditor *self)
{
  g_return_val_if_fail (EL_IS_SBAR_EDITOR (self), 0);
  return self->base_version;
}

gboolean
el_sbar_editor_get_dirty (ElSbarEditor *self)
{
  g_return_val_if_fail (EL_IS_SBAR_EDITOR (self), FALSE);
  return self->dirty;
}

gboolean
el_sbar_editor_get_loading (ElSbarEditor *self)
{
  g_return_val_if_fail (EL_IS_SBAR_EDITOR (self), FALSE);
  return self->loading;
}

gboolean
el_sbar_editor_get_read_only (ElSbarEditor *self)
{
  g_return_val_if_fail (EL_IS_SBAR_EDITOR (self), FALSE);
  return self->read_only;
}

int
el_sbar_editor_get_unconfirmed_count (ElSbarEditor *self)
{
  g_return_val_if_fail (EL_IS_SBAR_EDITOR (self), 0);
  return self->unconfirmed_count;
}

double
el_sbar_editor_get_completeness (ElSbarEditor *self)
{
  g_return_val_if_fail (EL_IS_SBAR_EDITOR (self), 0);
  return self->completeness;
}

/* GObject --------------------------------------------------------------------------------------- */

static void
el_sbar_editor_dispose (GObject *object)
{
  ElSbarEditor *self = EL_SBAR_EDITOR (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->load_cancellable);
  g_clear_handle_id (&self->completeness_source, g_source_remove);
  forget_audio (self);
  if (self->transcript_view != NULL)
    g_signal_handlers_disconnect_by_data (self->transcript_view, self);
  self->transcript_view = NULL; /* no more highlights while the widgets go */
  if (self->leave_dialog != NULL)
    {
      AdwMessageDialog *dialog = g_steal_pointer (&self->leave_dialog);

      g_signal_handlers_disconnect_by_func (dialog, leave_dialog_response_cb, self);
      gtk_window_destroy (GTK_WINDOW (dialog));
    }
  if (self->leave_task != NULL)
    {
      g_autoptr (GTask) task = g_steal_pointer (&self->leave_task);

      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "the editor went away");
    }

  gtk_widget_insert_action_group (GTK_WIDGET (self), "editor", NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), EL_TYPE_SBAR_EDITOR);

  g_clear_object (&self->actions);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->handoff);
  g_clear_object (&self->loaded_version);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (el_sbar_editor_parent_class)->dispose (object);
}

static void
el_sbar_editor_finalize (GObject *object)
{
  ElSbarEditor *self = EL_SBAR_EDITOR (object);

  g_free (self->handoff_id);
  g_free (self->transcript);
  g_free (self->audio_sink);
  g_clear_pointer (&self->transcript_marks, g_ptr_array_unref);
  g_clear_pointer (&self->identifiers, el_sbar_identifiers_free);
  g_clear_pointer (&self->vitals_taken_at, g_date_time_unref);
  g_clear_pointer (&self->marks, g_ptr_array_unref);

  G_OBJECT_CLASS (el_sbar_editor_parent_class)->finalize (object);
}

static void
el_sbar_editor_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElSbarEditor *self = EL_SBAR_EDITOR (object);

  switch (prop_id)
    {
      case PROP_CONTEXT:
        g_value_set_object (value, self->context);
        break;
      case PROP_HANDOFF_ID:
        g_value_set_string (value, self->handoff_id);
        break;
      case PROP_BASE_VERSION:
        g_value_set_int (value, self->base_version);
        break;
      case PROP_DIRTY:
        g_value_set_boolean (value, self->dirty);
        break;
      case PROP_LOADING:
        g_value_set_boolean (value, self->loading);
        break;
      case PROP_READ_ONLY:
        g_value_set_boolean (value, self->read_only);
        break;
      case PROP_UNCONFIRMED_COUNT:
        g_value_set_int (value, self->unconfirmed_count);
        break;
      case PROP_COMPLETENESS:
        g_value_set_double (value, self->completeness);
        break;
      case PROP_AUDIO_SINK:
        g_value_set_string (value, self->audio_sink);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_sbar_editor_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElSbarEditor *self = EL_SBAR_EDITOR (object);

  switch (prop_id)
    {
      case PROP_CONTEXT:
        self->context = g_value_dup_object (value);
        break;
      case PROP_AUDIO_SINK:
        el_sbar_editor_set_audio_sink (self, g_value_get_string (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_sbar_editor_class_init (ElSbarEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = el_sbar_editor_dispose;
  object_class->finalize = el_sbar_editor_finalize;
  object_class->get_property = el_sbar_editor_get_property;
  object_class->set_property = el_sbar_editor_set_property;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, EL_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HANDOFF_ID] =
      g_param_spec_string ("handoff-id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_BASE_VERSION] = g_param_spec_int ("base-version", NULL, NULL, 0, G_MAXINT, 0,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DIRTY] =
      g_param_spec_boolean ("dirty", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
      g_param_spec_boolean ("loading", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_READ_ONLY] =
      g_param_spec_boolean ("read-only", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_UNCONFIRMED_COUNT] = g_param_spec_int ("unconfirmed-count", NULL, NULL, 0, G_MAXINT, 0,
                                                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMPLETENESS] =
      g_param_spec_double ("completeness", NULL, NULL, 0, 100, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_AUDIO_SINK] = g_param_spec_string (
      "audio-sink", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                        NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT);

  g_type_ensure (EL_TYPE_TRANSCRIPT_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class, "/ai/eclipselink/Handoff/el-sbar-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, ElSbarEditor, transcript_expander);
  gtk_widget_class_bind_template_child (widget_class, ElSbarEditor, transcript_view);
  gtk_widget_class_bind_template_child (widget_class, ElSbarEditor, read_only_label);
  gtk_widget_class_bind_template_child (widget_class, ElSbarEditor, error_label);
  gtk_widget_class_bind_template_child (widget_class, ElSbarEditor, patient_label);
  gtk_widget_class_bind_template_child (widget_class, ElSbarEditor, form_box);
  gtk_widget_class_bind_template_child (widget_class, ElSbarEditor, completeness_bar);
  gtk_widget_class_bind_template_child (widget_class, ElSbarEditor, completeness_label);
  gtk_widget_class_bind_template_child (widget_class, ElSbarEditor, missing_label);
  gtk_widget_class_bind_template_child_full (widget_class, "situation_view", FALSE,
                                             G_STRUCT_OFFSET (ElSbarEditor, section_views[0]));
  gtk_widget_class_bind_template_child_full (widget_class, "background_view", FALSE,
                                             G_STRUCT_OFFSET (ElSbarEditor, section_views[1]));
  gtk_widget_class_bind_template_child_full (widget_class, "assessment_view", FALSE,
                                             G_STRUCT_OFFSET (ElSbarEditor, section_views[2]));
  gtk_widget_class_bind_template_child_full (widget_class, "recommendation_view", FALSE,
                                             G_STRUCT_OFFSET (ElSbarEditor, section_views[3]));
  gtk_widget_class_bind_template_child (widget_class, ElSbarEditor, vitals_group);
  gtk_widget_class_bind_template_child (widget_class, ElSbarEditor, allergies_group);
  gtk_widget_class_bind_template_child (widget_class, ElSbarEditor, status_group);
  gtk_widget_class_bind_template_child (widget_class, ElSbarEditor, details_group);
  gtk_widget_class_bind_template_child_full (widget_class, "lines_group", FALSE,
                                             G_STRUCT_OFFSET (ElSbarEditor, list_groups[LIST_LINES]));
  gtk_widget_class_bind_template_child_full (widget_class, "infusions_group", FALSE,
                                             G_STRUCT_OFFSET (ElSbarEditor, list_groups[LIST_INFUSIONS]));
  gtk_widget_class_bind_template_child_full (widget_class, "meds_group", FALSE,
                                             G_STRUCT_OFFSET (ElSbarEditor, list_groups[LIST_MEDS]));
  gtk_widget_class_bind_template_child_full (widget_class, "pending_group", FALSE,
                                             G_STRUCT_OFFSET (ElSbarEditor, list_groups[LIST_PENDING]));
  gtk_widget_class_bind_template_child_full (widget_class, "todos_group", FALSE,
                                             G_STRUCT_OFFSET (ElSbarEditor, list_groups[LIST_TODOS]));
  gtk_widget_class_bind_template_child_full (widget_class, "contingencies_group", FALSE,
                                             G_STRUCT_OFFSET (ElSbarEditor, list_groups[LIST_CONTINGENCIES]));
}

static void
el_sbar_editor_init (ElSbarEditor *self)
{
  static const GActionEntry entries[] = {
    { "save", save_activated_cb, NULL, NULL, NULL },
  };
  GtkEventController *shortcuts;

  self->marks = g_ptr_array_new_with_free_func (mark_free);
  self->transcript_marks = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->transcript_view, "span-activated", G_CALLBACK (transcript_span_activated_cb), self);
  el_gui_fit_text_views (GTK_WIDGET (self));

  for (guint s = 0; s < 4; s++)
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->section_views[s]);

      gtk_text_buffer_set_enable_undo (buffer, TRUE);
      g_signal_connect (buffer, "changed", G_CALLBACK (section_changed_cb), self);
    }
  build_vitals_group (self);
  build_allergies_group (self);
  build_status_group (self);
  build_details_group (self);
  build_list_groups (self);
  gtk_widget_set_visible (GTK_WIDGET (self->patient_label), FALSE);

  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), entries, G_N_ELEMENTS (entries), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "editor", G_ACTION_GROUP (self->actions));
  update_save_enabled (self);

  /* Ctrl+S wherever the focus is inside the editor. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_LOCAL);
  gtk_shortcut_controller_add_shortcut (
      GTK_SHORTCUT_CONTROLLER (shortcuts),
      gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_s, GDK_CONTROL_MASK),
                        gtk_named_action_new ("editor.save")));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  apply_version (self, NULL);
}

void
el_sbar_editor_set_audio_sink (ElSbarEditor *self, const char *sink)
{
  g_return_if_fail (EL_IS_SBAR_EDITOR (self));

  if (g_strcmp0 (self->audio_sink, sink) == 0)
    return;
  g_free (self->audio_sink);
  self->audio_sink = g_strdup (sink);
  if (self->player != NULL)
    {
      /* The next Play makes a player with the new sink. */
      stop_playback (self);
      g_signal_handlers_disconnect_by_data (self->player, self);
      g_clear_object (&self->player);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUDIO_SINK]);
}

const char *
el_sbar_editor_get_audio_sink (ElSbarEditor *self)
{
  g_return_val_if_fail (EL_IS_SBAR_EDITOR (self), NULL);
  return self->audio_sink;
}

ElPlayer *
el_sbar_editor_get_player (ElSbarEditor *self)
{
  g_return_val_if_fail (EL_IS_SBAR_EDITOR (self), NULL);
  return self->player;
}

gboolean
el_sbar_editor_get_playing (ElSbarEditor *self)
{
  g_return_val_if_fail (EL_IS_SBAR_EDITOR (self), FALSE);
  return self->playing_mark != NULL;
}

ElTranscriptView *
el_sbar_editor_get_transcript_view (ElSbarEditor *self)
{
  g_return_val_if_fail (EL_IS_SBAR_EDITOR (self), NULL);
  return self->transcript_view;
}

GtkWidget *
el_sbar_editor_new (ElContext *ctx)
{
  g_return_val_if_fail (EL_IS_CONTEXT (ctx), NULL);

  return g_object_new (EL_TYPE_SBAR_EDITOR, "context", ctx, NULL);
}
