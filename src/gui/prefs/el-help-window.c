/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "el-help-window.h"

#include <string.h>

#define MAX_PARAGRAPHS 6

typedef struct
{
  const char *id;
  const char *title;
  const char *paragraphs[MAX_PARAGRAPHS + 1];
} HelpSection;

/* The guide. Plain words for the nurse at the station; translated when shown. */
static const HelpSection sections[] = {
  { "signing-in",
    N_ ("Signing in and offline work"),
    { N_ ("Sign in with your hospital email address and password. The server address is set once "
          "per computer; ask your charge nurse or IT if you do not know it."),
      N_ ("“Keep me signed in” keeps you signed in on this computer until you sign out. Only choose it on a "
          "computer that locks when you step away."),
      N_ ("When the network or the server is down, choose Open Offline. You see the patients already stored "
          "on "
          "this computer and can record, edit and sign as usual. Your changes are kept encrypted on this "
          "computer and sent when the server is back."),
      NULL } },
  { "census",
    N_ ("The census"),
    { N_ ("The list on the left shows the patients of your unit: room, name, age, code status, isolation, "
          "fall risk and how far their handoff is. Choose another unit with the unit button at the top."),
      N_ ("Type in the search field (Ctrl+F) to find a patient by name, room or medical record number. Use "
          "the "
          "status filter to show only patients without a handoff, in progress, signed, acknowledged or "
          "failed, "
          "or “Needs my acknowledgment” for the handoffs waiting for you."),
      N_ ("Select a patient to see their handoffs. New Handoff (Ctrl+Shift+N) starts an empty report."),
      NULL } },
  { "recording",
    N_ ("Recording a handoff"),
    { N_ ("Select the patient and choose Record (Ctrl+R). Speak the handoff as you would at the bedside: "
          "situation, background, assessment, recommendation. The timer and the level meter show that the "
          "microphone hears you."),
      N_ ("Pause stops recording until you resume: what is said while paused is not kept. Stop ends the "
          "recording. Discard throws it away after asking you to confirm."),
      N_ ("If the microphone seems silent, a warning appears: check that it is plugged in and not muted, or "
          "choose another one in Preferences. A warning also appears shortly before the longest allowed "
          "recording; the recording then stops by itself."),
      N_ ("After you stop, the recording is sent to the server and turned into a draft report. When the "
          "computer is offline, the draft is made on this computer instead. A message tells you when the "
          "draft "
          "is ready and the report opens."),
      N_ ("If the app or the computer stops while you are recording, the next start offers the recording "
          "again, so nothing you said is lost."),
      NULL } },
  { "reviewing",
    N_ ("Reviewing the draft"),
    { N_ ("A draft made from a recording is marked as an AI draft. Every value the AI filled in is marked "
          "and "
          "shows the sentence it came from. Read each one: you are responsible for the report, not the AI."),
      N_ ("Values the AI was unsure about must be confirmed before the handoff can be signed. Correct the "
          "value "
          "if it is wrong, then confirm it."),
      N_ ("To check what was actually said, play the audio of a value or open the transcript, where the "
          "parts "
          "used for each value are highlighted."),
      N_ ("The completeness list shows the items a handoff should have, such as code status, allergies and "
          "vital signs, and which of them are still missing."),
      NULL } },
  { "saving",
    N_ ("Saving and the history"),
    { N_ ("Save (Ctrl+S) stores your changes as a new version of the report. Nothing is overwritten: every "
          "version is kept with who made it and when. Undo and redo with Ctrl+Z and Ctrl+Shift+Z."),
      N_ ("If you leave a report with unsaved changes, the app asks whether to save or discard them."),
      N_ ("The History tab lists all versions. Choose two to see what changed between them, word by word: "
          "removed words are struck through and added words are underlined. You can restore an older "
          "version; "
          "it is saved as a new version."),
      NULL } },
  { "conflicts",
    N_ ("Conflicts"),
    { N_ ("A conflict happens when two people change the same report at the same time, for example while one "
          "of the computers was offline. The app does not choose for you."),
      N_ ("For each section you see the version you both started from, their change and yours. Keep theirs, "
          "keep yours, or combine them, then save. The result is a new version and nothing is lost."),
      NULL } },
  { "signing",
    N_ ("Signing and read-back"),
    { N_ ("The outgoing nurse signs the handoff when the report is right. Signing asks for your password "
          "again. All unsure AI values must be confirmed first, and any missing critical item must be "
          "acknowledged as missing."),
      N_ ("The receiving nurse then acknowledges the handoff with a read-back: read the critical items back "
          "to the outgoing nurse, tick “I read back the critical items” and add a note if needed."),
      N_ ("An acknowledged handoff is final and can no longer be changed. Signing and acknowledging also "
          "work offline; they are sent when the server is back."),
      NULL } },
  { "printing",
    N_ ("Printing"),
    { N_ ("Print (Ctrl+P) prints the shift report of the selected patient, or of the whole unit with one "
          "page "
          "per patient. Each page shows the unit, shift, who printed it and when, the patient’s identifiers, "
          "the SBAR sections, the version and how complete it is."),
      N_ ("To make a PDF file instead of paper, choose “Print to File” in the print dialog, or use Export "
          "PDF. "
          "Printed reports hold patient information: keep them safe and shred them after use."),
      NULL } },
  { "locking",
    N_ ("Locking and switching nurse"),
    { N_ ("Lock the window (Ctrl+L) whenever you leave the station. Patient information is hidden until you "
          "enter your password again. The window also locks by itself after some minutes without use; the "
          "number of minutes is set in Preferences."),
      N_ ("To hand the computer to a colleague, choose Switch Nurse in the main menu. Your work is saved, "
          "you "
          "are signed out, and your colleague signs in with their own account."),
      NULL } },
  { "sync",
    N_ ("Sync states"),
    { N_ ("The indicator in the header bar tells you whether your work has reached the server:"),
      N_ ("“Up to date” or “Online”: everything is on the server. “Syncing…”: changes are being sent now. "
          "“Pending”: changes are waiting to be sent; the number says how many."),
      N_ ("“Offline”: the server cannot be reached. Keep working; changes are stored safely on this computer "
          "and sent when the server is back. Retry tries again at once."),
      N_ ("“Conflict”: someone else changed the same report; open it and resolve the conflict. “Needs "
          "attention”: the server refused a change, for example because the handoff was already "
          "acknowledged. Open the list to see why, then retry or discard the change."),
      NULL } },
};

struct _ElHelpWindow
{
  AdwWindow parent_instance;

  char **search_words; /* casefolded; NULL: show all */
  guint n_shown;

  /* template */
  GtkSearchEntry *search_entry;
  GtkStack *stack;
  GtkScrolledWindow *scroller;
  GtkListBox *sections_list;
};

G_DEFINE_FINAL_TYPE (ElHelpWindow, el_help_window, ADW_TYPE_WINDOW)

guint
el_help_window_get_n_sections (void)
{
  return G_N_ELEMENTS (sections);
}

const char *
el_help_window_get_section_title (guint index)
{
  g_return_val_if_fail (index < G_N_ELEMENTS (sections), NULL);
  return _ (sections[index].title);
}

guint
el_help_window_get_n_shown (ElHelpWindow *self)
{
  g_return_val_if_fail (EL_IS_HELP_WINDOW (self), 0);
  return self->n_shown;
}

static GtkWidget *
section_row_new (const HelpSection *section)
{
  g_autofree char *name = g_strconcat ("help-section-", section->id, NULL);
  g_autoptr (GString) text = g_string_new (_ (section->title));
  g_autofree char *folded = NULL;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *title;

  gtk_widget_set_name (row, name);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 18);
  gtk_widget_set_margin_start (box, 18);
  gtk_widget_set_margin_end (box, 18);

  title = g_object_new (GTK_TYPE_LABEL, "accessible-role", GTK_ACCESSIBLE_ROLE_HEADING, "label",
                        _ (section->title), "xalign", 0.0f, "wrap", TRUE, NULL);
  gtk_widget_add_css_class (title, "title-4");
  gtk_box_append (GTK_BOX (box), title);
  for (guint i = 0; section->paragraphs[i] != NULL; i++)
    {
      GtkWidget *paragraph = gtk_label_new (_ (section->paragraphs[i]));

      gtk_label_set_wrap (GTK_LABEL (paragraph), TRUE);
      gtk_label_set_xalign (GTK_LABEL (paragraph), 0.0f);
      gtk_box_append (GTK_BOX (box), paragraph);
      g_string_append_c (text, '\n');
      g_string_append (text, _ (section->paragraphs[i]));
    }
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  /* A screen reader names the row by its title and reads the section as its description. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, _ (section->title),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text->str, -1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_RELATION_LABELLED_BY, title, NULL, -1);

  folded = g_utf8_casefold (text->str, -1);
  g_object_set_data_full (G_OBJECT (row), "el-help-text", g_steal_pointer (&folded), g_free);
  return row;
}

static gboolean
section_matches (ElHelpWindow *self, GtkListBoxRow *row)
{
  const char *text = g_object_get_data (G_OBJECT (row), "el-help-text");

  if (self->search_words == NULL)
    return TRUE;
  for (guint i = 0; self->search_words[i] != NULL; i++)
    if (strstr (text, self->search_words[i]) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
filter_func (GtkListBoxRow *row, gpointer user_data)
{
  return section_matches (EL_HELP_WINDOW (user_data), row);
}

static void
apply_search (ElHelpWindow *self, const char *text)
{
  g_autofree char *folded = g_utf8_casefold (text != NULL ? text : "", -1);
  g_auto (GStrv) words = g_strsplit_set (g_strstrip (folded), " \t", -1);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  GtkWidget *child;

  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0')
      g_strv_builder_add (builder, words[i]);
  g_clear_pointer (&self->search_words, g_strfreev);
  self->search_words = g_strv_builder_end (builder);
  if (self->search_words[0] == NULL)
    g_clear_pointer (&self->search_words, g_strfreev);

  gtk_list_box_invalidate_filter (self->sections_list);
  self->n_shown = 0;
  for (child = gtk_widget_get_first_child (GTK_WIDGET (self->sections_list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) && section_matches (self, GTK_LIST_BOX_ROW (child)))
      self->n_shown++;
  gtk_stack_set_visible_child_name (self->stack, self->n_shown > 0 ? "guide" : "empty");
}

static void
search_changed_cb (ElHelpWindow *self)
{
  apply_search (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

void
el_help_window_search (ElHelpWindow *self, const char *text)
{
  g_return_if_fail (EL_IS_HELP_WINDOW (self));
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text != NULL ? text : "");
  apply_search (self, text);
}

static void
stop_search_cb (ElHelpWindow *self)
{
  if (*gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) != '\0')
    el_help_window_search (self, "");
  else
    gtk_window_close (GTK_WINDOW (self));
}

/* Enter in the search: go to the first section shown. */
static void
search_activate_cb (ElHelpWindow *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->sections_list)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_BOX_ROW (child) && gtk_widget_get_child_visible (child))
      {
        gtk_widget_grab_focus (child);
        return;
      }
}

static gboolean
focus_search_cb (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  ElHelpWindow *self = EL_HELP_WINDOW (widget);

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  return TRUE;
}

GtkWidget *
el_help_window_new (void)
{
  return g_object_new (EL_TYPE_HELP_WINDOW, NULL);
}

static void
el_help_window_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), EL_TYPE_HELP_WINDOW);
  G_OBJECT_CLASS (el_help_window_parent_class)->dispose (object);
}

static void
el_help_window_finalize (GObject *object)
{
  ElHelpWindow *self = EL_HELP_WINDOW (object);

  g_strfreev (self->search_words);
  G_OBJECT_CLASS (el_help_window_parent_class)->finalize (object);
}

static void
el_help_window_class_init (ElHelpWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = el_help_window_dispose;
  object_class->finalize = el_help_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/eclipselink/Handoff/el-help-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ElHelpWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, ElHelpWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, ElHelpWindow, scroller);
  gtk_widget_class_bind_template_child (widget_class, ElHelpWindow, sections_list);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);

  gtk_widget_class_add_binding (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, focus_search_cb, NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
el_help_window_init (ElHelpWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    gtk_list_box_append (self->sections_list, section_row_new (&sections[i]));
  gtk_list_box_set_filter_func (self->sections_list, filter_func, self, NULL);
  self->n_shown = G_N_ELEMENTS (sections);
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->search_entry));
}
