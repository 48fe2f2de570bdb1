/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "el-conflict-view.h"
#include "el-diff.h"
#include "el-gui-labels.h"
#include "el-history-private.h"

#define N_SECTIONS 4
/* The four sections, then the structured fields. */
#define N_PARTS     (N_SECTIONS + 1)
#define PART_FIELDS N_SECTIONS

typedef enum
{
  CHOICE_NONE,
  CHOICE_THEIRS,
  CHOICE_MINE,
  CHOICE_EDIT,
} Choice;

typedef struct
{
  ElConflictView *self;
  Choice choice;
  GtkToggleButton *theirs_button;
  GtkToggleButton *mine_button;
  GtkToggleButton *edit_button; /* NULL for the fields */
  GtkStack *stack;              /* NULL for the fields */
  GtkLabel *choice_label;
  GtkTextView *merge_view; /* NULL for the fields */
} Part;

struct _ElConflictView
{
  GtkWidget parent_instance;

  ElContext *context;
  ElStoreConflict *conflict;
  GCancellable *cancellable;
  gboolean resolving;
  gboolean resolved;
  gboolean can_resolve;

  Part parts[N_PARTS];

  /* template */
  GtkLabel *who_label;
  GtkBox *sections_box;
  GtkLabel *status_label;
  GtkButton *resolve_button;
};

G_DEFINE_FINAL_TYPE (ElConflictView, el_conflict_view, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_CONTEXT,
  PROP_CONFLICT,
  PROP_CAN_RESOLVE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_RESOLVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *const section_names[N_SECTIONS] = {
  "situation",
  "background",
  "assessment",
  "recommendation",
};

static const char *
section_text (ElSbarVersion *version, guint section)
{
  const char *text = version != NULL ? el_sbar_version_get_section (version, (ElSbarSection) section) : NULL;

  return text != NULL ? text : "";
}

/* Same words (white space alone is no change, as in the history's diff). */
static gboolean
same_words (const char *a, const char *b)
{
  g_autoptr (GPtrArray) ops = NULL;

  if (g_strcmp0 (a, b) == 0)
    return TRUE;
  ops = el_diff_words (a, b);
  return ops->len == 0;
}

static gboolean
same_fields (ElSbarVersion *a, ElSbarVersion *b)
{
  g_autoptr (GPtrArray) changes = el_history_field_changes (a, b);

  return changes->len == 0;
}

static char *
merge_text (Part *part)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (part->merge_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
update_status (ElConflictView *self)
{
  guint missing = 0;
  gboolean can;

  for (guint i = 0; i < N_PARTS; i++)
    if (self->parts[i].choice == CHOICE_NONE)
      missing++;
  can = missing == 0 && !self->resolving && !self->resolved;

  if (self->resolved)
    gtk_label_set_text (self->status_label, _ ("Resolved. The chosen text will be sent with the next sync."));
  else if (self->resolving)
    gtk_label_set_text (self->status_label, _ ("Saving…"));
  else if (missing > 0)
    {
      g_autofree char *text =
          /* Translators: shown until every section of a conflict has a choice. */
          g_strdup_printf (ngettext ("Choose what to keep in %u more part.",
                                     "Choose what to keep in %u more parts.", missing),
                           missing);
      gtk_label_set_text (self->status_label, text);
    }
  else
    gtk_label_set_text (self->status_label, _ ("Ready to resolve."));

  gtk_widget_set_sensitive (GTK_WIDGET (self->resolve_button), can);
  if (can != self->can_resolve)
    {
      self->can_resolve = can;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_RESOLVE]);
    }
}

static void
part_set_choice (Part *part, Choice choice)
{
  ElConflictView *self = part->self;
  const char *text = NULL;

  part->choice = choice;
  switch (choice)
    {
      case CHOICE_THEIRS:
        text = _ ("Their text will be kept.");
        break;
      case CHOICE_MINE:
        text = _ ("Your text will be kept.");
        break;
      case CHOICE_EDIT:
        text = _ ("Your merged text will be kept.");
        break;
      case CHOICE_NONE:
      default:
        text = _ ("Both of you changed this. Choose what to keep.");
        break;
    }
  if (part == &self->parts[PART_FIELDS])
    {
      if (choice == CHOICE_THEIRS)
        text = _ ("Their structured fields will be kept.");
      else if (choice == CHOICE_MINE)
        text = _ ("Your structured fields will be kept.");
    }
  gtk_label_set_text (part->choice_label, text);
  if (part->stack != NULL)
    gtk_stack_set_visible_child_name (part->stack, choice == CHOICE_EDIT ? "merge" : "choice");
  update_status (self);
}

static void
choice_toggled_cb (GtkToggleButton *button, Part *part)
{
  Choice choice;

  if (!gtk_toggle_button_get_active (button))
    return;
  if (button == part->theirs_button)
    choice = CHOICE_THEIRS;
  else if (button == part->mine_button)
    choice = CHOICE_MINE;
  else
    choice = CHOICE_EDIT;
  part_set_choice (part, choice);
  if (choice == CHOICE_EDIT && part->merge_view != NULL &&
      gtk_widget_get_mapped (GTK_WIDGET (part->merge_view)))
    gtk_widget_grab_focus (GTK_WIDGET (part->merge_view));
}

static GtkWidget *
make_text_view (const char *name, const char *text, gboolean editable, const char *accessible)
{
  GtkWidget *view = gtk_text_view_new ();

  gtk_widget_set_name (view, name);
  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), editable);
  gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (view), editable);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text, -1);
  el_gui_text_view_fit (GTK_TEXT_VIEW (view));
  if (editable)
    {
      gtk_text_buffer_set_enable_undo (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), TRUE);
      gtk_widget_set_size_request (view, -1, 100);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return view;
}

/* One column: a caption ("Theirs — changed") over a framed read-only text view. */
static GtkWidget *
make_column (const char *heading, const char *state, GtkWidget *view)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *label = gtk_label_new (heading);
  GtkWidget *frame = gtk_frame_new (NULL);

  gtk_widget_add_css_class (label, "caption-heading");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_box_append (GTK_BOX (header), label);
  if (state != NULL)
    {
      GtkWidget *state_label = gtk_label_new (state);

      gtk_widget_add_css_class (state_label, "caption");
      gtk_widget_add_css_class (state_label, "dim-label");
      gtk_box_append (GTK_BOX (header), state_label);
    }
  gtk_frame_set_child (GTK_FRAME (frame), view);
  gtk_widget_set_vexpand (frame, TRUE);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), frame);
  gtk_widget_set_hexpand (box, TRUE);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL,
                                  -1);
  return box;
}

static GtkToggleButton *
make_choice_button (const char *label, const char *name, const char *accessible, GtkToggleButton *group)
{
  GtkWidget *button = gtk_toggle_button_new_with_mnemonic (label);

  gtk_widget_set_name (button, name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  gtk_widget_set_tooltip_text (button, accessible);
  if (group != NULL)
    gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), group);
  return GTK_TOGGLE_BUTTON (button);
}

/* The header of a part: its name and the linked choice buttons. */
static GtkWidget *
make_part_header (Part *part, const char *title, const char *id, gboolean with_edit)
{
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *linked = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  g_autofree char *theirs_name = g_strdup_printf ("conflict-%s-take-theirs", id);
  g_autofree char *mine_name = g_strdup_printf ("conflict-%s-keep-mine", id);
  g_autofree char *edit_name = g_strdup_printf ("conflict-%s-edit", id);
  /* Translators: accessible labels of a conflict's choices: "Situation: take their text". */
  g_autofree char *theirs_a11y = g_strdup_printf (_ ("%s: take their text"), title);
  /* Translators: "Situation: keep my text". */
  g_autofree char *mine_a11y = g_strdup_printf (_ ("%s: keep my text"), title);
  /* Translators: "Situation: edit a merge of both texts". */
  g_autofree char *edit_a11y = g_strdup_printf (_ ("%s: edit a merge of both texts"), title);
  g_autofree char *group_a11y = g_strdup_printf (_ ("%s: what to keep"), title);

  gtk_widget_add_css_class (label, "heading");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (linked, "linked");
  gtk_accessible_update_property (GTK_ACCESSIBLE (linked), GTK_ACCESSIBLE_PROPERTY_LABEL, group_a11y, -1);

  part->theirs_button = make_choice_button (_ ("Take _Theirs"), theirs_name, theirs_a11y, NULL);
  part->mine_button = make_choice_button (_ ("Keep _Mine"), mine_name, mine_a11y, part->theirs_button);
  gtk_box_append (GTK_BOX (linked), GTK_WIDGET (part->theirs_button));
  gtk_box_append (GTK_BOX (linked), GTK_WIDGET (part->mine_button));
  if (with_edit)
    {
      part->edit_button = make_choice_button (_ ("_Edit"), edit_name, edit_a11y, part->theirs_button);
      gtk_box_append (GTK_BOX (linked), GTK_WIDGET (part->edit_button));
    }

  gtk_box_append (GTK_BOX (header), label);
  gtk_box_append (GTK_BOX (header), linked);
  return header;
}

static void
connect_part (Part *part)
{
  g_signal_connect (part->theirs_button, "toggled", G_CALLBACK (choice_toggled_cb), part);
  g_signal_connect (part->mine_button, "toggled", G_CALLBACK (choice_toggled_cb), part);
  if (part->edit_button != NULL)
    g_signal_connect (part->edit_button, "toggled", G_CALLBACK (choice_toggled_cb), part);
}

/* The choice to start with: the side that changed when only one did, or either when they agree. */
static Choice
default_choice (gboolean same, gboolean has_base, gboolean theirs_changed, gboolean mine_changed)
{
  if (same)
    return CHOICE_THEIRS;
  if (!has_base)
    return CHOICE_NONE;
  if (theirs_changed && !mine_changed)
    return CHOICE_THEIRS;
  if (mine_changed && !theirs_changed)
    return CHOICE_MINE;
  return CHOICE_NONE;
}

static void
apply_default (Part *part, Choice choice)
{
  if (choice == CHOICE_THEIRS)
    gtk_toggle_button_set_active (part->theirs_button, TRUE);
  else if (choice == CHOICE_MINE)
    gtk_toggle_button_set_active (part->mine_button, TRUE);
  else
    part_set_choice (part, CHOICE_NONE);
}

static const char *
changed_word (gboolean has_base, gboolean changed)
{
  if (!has_base)
    return NULL;
  /* Translators: whether a side of a conflict changed a section since the base version. */
  return changed ? C_ ("conflict side", "changed") : C_ ("conflict side", "unchanged");
}

static void
build_section (ElConflictView *self, guint s, const char *theirs_heading)
{
  ElStoreConflict *conflict = self->conflict;
  Part *part = &self->parts[s];
  const char *id = section_names[s];
  const char *title = el_gui_section_label ((ElSbarSection) s);
  gboolean has_base = conflict->base != NULL;
  const char *base = section_text (conflict->base, s);
  const char *theirs = section_text (conflict->theirs, s);
  const char *mine = section_text (conflict->mine, s);
  gboolean theirs_changed = has_base && !same_words (base, theirs);
  gboolean mine_changed = has_base && !same_words (base, mine);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *columns = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *stack = gtk_stack_new ();
  GtkWidget *merge_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *merge_label = gtk_label_new_with_mnemonic (_ ("Your _merged text"));
  GtkWidget *merge_frame = gtk_frame_new (NULL);
  GtkWidget *choice_label = gtk_label_new (NULL);
  GtkWidget *base_view, *theirs_view, *mine_view, *merge_view;
  g_autofree char *base_name = g_strdup_printf ("conflict-%s-base", id);
  g_autofree char *theirs_name = g_strdup_printf ("conflict-%s-theirs", id);
  g_autofree char *mine_name = g_strdup_printf ("conflict-%s-mine", id);
  g_autofree char *merge_name = g_strdup_printf ("conflict-%s-merge", id);
  g_autofree char *stack_name = g_strdup_printf ("conflict-%s-stack", id);
  /* Translators: accessible names of a conflict's columns: "Situation, base: what you started from". */
  g_autofree char *base_a11y = g_strdup_printf (_ ("%s, base: what you started from"), title);
  /* Translators: "Situation, theirs: the other nurse's version". */
  g_autofree char *theirs_a11y = g_strdup_printf (_ ("%s, theirs: the other nurse's version"), title);
  /* Translators: "Situation, mine: your version". */
  g_autofree char *mine_a11y = g_strdup_printf (_ ("%s, mine: your version"), title);
  /* Translators: "Situation, your merged text". */
  g_autofree char *merge_a11y = g_strdup_printf (_ ("%s, your merged text"), title);

  part->self = self;
  gtk_box_append (GTK_BOX (box), make_part_header (part, title, id, TRUE));

  base_view = make_text_view (base_name, has_base ? base : _ ("Not cached on this PC"), FALSE, base_a11y);
  if (!has_base)
    gtk_widget_add_css_class (base_view, "dim-label");
  theirs_view = make_text_view (theirs_name, theirs, FALSE, theirs_a11y);
  mine_view = make_text_view (mine_name, mine, FALSE, mine_a11y);
  gtk_box_set_homogeneous (GTK_BOX (columns), TRUE);
  gtk_box_append (GTK_BOX (columns), make_column (_ ("Base (what you started from)"), NULL, base_view));
  gtk_box_append (GTK_BOX (columns),
                  make_column (theirs_heading, changed_word (has_base, theirs_changed), theirs_view));
  gtk_box_append (GTK_BOX (columns),
                  make_column (_ ("Mine"), changed_word (has_base, mine_changed), mine_view));
  gtk_box_append (GTK_BOX (box), columns);

  /* Below the columns: what will be kept, or the merge editor. */
  gtk_widget_set_name (stack, stack_name);
  gtk_stack_set_vhomogeneous (GTK_STACK (stack), FALSE);
  gtk_stack_set_hhomogeneous (GTK_STACK (stack), FALSE);
  gtk_label_set_xalign (GTK_LABEL (choice_label), 0);
  gtk_label_set_wrap (GTK_LABEL (choice_label), TRUE);
  gtk_widget_add_css_class (choice_label, "dim-label");
  gtk_stack_add_named (GTK_STACK (stack), choice_label, "choice");

  merge_view = make_text_view (merge_name, mine, TRUE, merge_a11y);
  gtk_label_set_mnemonic_widget (GTK_LABEL (merge_label), merge_view);
  gtk_label_set_xalign (GTK_LABEL (merge_label), 0);
  gtk_widget_add_css_class (merge_label, "caption-heading");
  gtk_frame_set_child (GTK_FRAME (merge_frame), merge_view);
  gtk_box_append (GTK_BOX (merge_box), merge_label);
  gtk_box_append (GTK_BOX (merge_box), merge_frame);
  gtk_stack_add_named (GTK_STACK (stack), merge_box, "merge");
  gtk_box_append (GTK_BOX (box), stack);

  part->stack = GTK_STACK (stack);
  part->choice_label = GTK_LABEL (choice_label);
  part->merge_view = GTK_TEXT_VIEW (merge_view);
  connect_part (part);
  apply_default (part, default_choice (same_words (theirs, mine), has_base, theirs_changed, mine_changed));

  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  gtk_box_append (self->sections_box, box);
}

static void
build_fields (ElConflictView *self)
{
  ElStoreConflict *conflict = self->conflict;
  Part *part = &self->parts[PART_FIELDS];
  const char *title = _ ("Structured Fields");
  gboolean has_base = conflict->base != NULL;
  gboolean theirs_changed = has_base && !same_fields (conflict->base, conflict->theirs);
  gboolean mine_changed = has_base && !same_fields (conflict->base, conflict->mine);
  g_autoptr (GPtrArray) differences = el_history_field_changes (conflict->theirs, conflict->mine);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *choice_label = gtk_label_new (NULL);
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *caption;

  part->self = self;
  gtk_box_append (GTK_BOX (box), make_part_header (part, title, "fields", FALSE));

  if (differences->len == 0)
    caption = gtk_label_new (_ ("Both versions have the same structured fields."));
  else
    caption = gtk_label_new (_ ("Where they differ (theirs → mine):"));
  gtk_label_set_xalign (GTK_LABEL (caption), 0);
  gtk_label_set_wrap (GTK_LABEL (caption), TRUE);
  gtk_box_append (GTK_BOX (box), caption);

  gtk_widget_set_name (list, "conflict-fields-differences");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Differences in the structured fields, theirs then mine"), -1);
  for (guint i = 0; i < differences->len; i++)
    {
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *label = gtk_label_new (differences->pdata[i]);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_set_margin_top (label, 8);
      gtk_widget_set_margin_bottom (label, 8);
      gtk_widget_set_margin_start (label, 12);
      gtk_widget_set_margin_end (label, 12);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      differences->pdata[i], -1);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
    }
  gtk_widget_set_visible (list, differences->len > 0);
  gtk_box_append (GTK_BOX (box), list);

  gtk_label_set_xalign (GTK_LABEL (choice_label), 0);
  gtk_label_set_wrap (GTK_LABEL (choice_label), TRUE);
  gtk_widget_add_css_class (choice_label, "dim-label");
  gtk_box_append (GTK_BOX (box), choice_label);
  part->choice_label = GTK_LABEL (choice_label);

  connect_part (part);
  apply_default (part, default_choice (differences->len == 0, has_base, theirs_changed, mine_changed));

  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  gtk_box_append (self->sections_box, box);
}

static void
build (ElConflictView *self)
{
  ElSbarVersion *theirs = self->conflict->theirs;
  const char *author = theirs != NULL ? el_sbar_version_get_author_name (theirs) : NULL;
  GDateTime *when = theirs != NULL ? el_sbar_version_get_created_at (theirs) : NULL;
  g_autofree char *when_text = when != NULL ? el_gui_format_time (when) : NULL;
  g_autofree char *who = NULL;
  g_autofree char *theirs_heading = NULL;

  if (author == NULL || *author == '\0')
    author = _ ("Another nurse");
  if (when_text != NULL)
    /* Translators: who saved the other version of a conflict and when: "Version 3 was saved by Ana Ruiz at 14:05." */
    who = g_strdup_printf (_ ("Version %d was saved by %s at %s."), el_sbar_version_get_version (theirs),
                           author, when_text);
  else
    /* Translators: "Version 3 was saved by Ana Ruiz." */
    who = g_strdup_printf (_ ("Version %d was saved by %s."),
                           theirs != NULL ? el_sbar_version_get_version (theirs) : 0, author);
  gtk_label_set_text (self->who_label, who);

  /* Translators: the heading of the other nurse's column: "Theirs (Ana Ruiz)". */
  theirs_heading = g_strdup_printf (_ ("Theirs (%s)"), author);
  for (guint s = 0; s < N_SECTIONS; s++)
    build_section (self, s, theirs_heading);
  build_fields (self);
  update_status (self);
}

/* ---- Resolve ---- */

static void
resolve_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ElConflictView) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *new_op_id = NULL;
  ElSync *sync;
  gboolean ok;

  ok = el_store_resolve_conflict_finish (EL_STORE (source), result, &new_op_id, &error);
  /* Disposed meanwhile: the store did (or did not) resolve it; nothing to show. */
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  if (!ok)
    {
      g_debug ("conflict: resolving op %s failed: %s %d", self->conflict->op_id,
               g_quark_to_string (error->domain), error->code);
      self->resolving = FALSE;
      update_status (self);
      gtk_label_set_text (self->status_label, _ ("The resolution could not be saved. Try again."));
      return;
    }

  self->resolving = FALSE;
  self->resolved = TRUE;
  update_status (self);
  sync = el_context_get_sync (self->context);
  if (sync != NULL)
    el_sync_notify_local_change (sync);
  g_signal_emit (self, signals[SIGNAL_RESOLVED], 0, self->conflict->op_id);
}

static ElSbarVersion *
build_merged (ElConflictView *self)
{
  ElStoreConflict *conflict = self->conflict;
  ElSbarVersion *merged = el_sbar_version_new ();
  ElUser *user = el_context_get_user (self->context);
  Part *fields = &self->parts[PART_FIELDS];
  ElSbarVersion *fields_from = fields->choice == CHOICE_MINE ? conflict->mine : conflict->theirs;

  el_sbar_version_set_source (merged, EL_SBAR_SOURCE_NURSE);
  for (guint s = 0; s < N_SECTIONS; s++)
    {
      Part *part = &self->parts[s];
      g_autofree char *edited = NULL;
      const char *text;

      if (part->choice == CHOICE_EDIT)
        text = edited = merge_text (part);
      else if (part->choice == CHOICE_MINE)
        text = el_sbar_version_get_section (conflict->mine, (ElSbarSection) s);
      else
        text = el_sbar_version_get_section (conflict->theirs, (ElSbarSection) s);
      /* An emptied section is no section. */
      el_sbar_version_set_section (merged, (ElSbarSection) s, text != NULL && *text != '\0' ? text : NULL);
    }
  if (fields_from != NULL)
    el_sbar_version_set_fields (merged, el_sbar_version_get_fields (fields_from));
  if (user != NULL)
    {
      el_sbar_version_set_author_id (merged, el_user_get_id (user));
      el_sbar_version_set_author_name (merged, el_user_get_name (user));
    }
  return merged;
}

static void
resolve_button_clicked_cb (ElConflictView *self)
{
  ElStore *store = el_context_get_store (self->context);
  g_autoptr (ElSbarVersion) merged = NULL;
  ElStoreResolution resolution = EL_STORE_RESOLVE_TAKE_THEIRS;

  if (!self->can_resolve || store == NULL)
    return;

  for (guint i = 0; i < N_PARTS; i++)
    if (self->parts[i].choice != CHOICE_THEIRS)
      resolution = EL_STORE_RESOLVE_KEEP_MINE;
  if (resolution == EL_STORE_RESOLVE_KEEP_MINE)
    merged = build_merged (self);

  self->resolving = TRUE;
  update_status (self);
  el_store_resolve_conflict_async (store, self->conflict->op_id, resolution, merged, self->cancellable,
                                   resolve_cb, g_object_ref (self));
}

/* ---- GObject ---- */

static void
el_conflict_view_constructed (GObject *object)
{
  ElConflictView *self = EL_CONFLICT_VIEW (object);

  G_OBJECT_CLASS (el_conflict_view_parent_class)->constructed (object);

  g_return_if_fail (self->context != NULL && self->conflict != NULL);
  build (self);
}

static void
el_conflict_view_dispose (GObject *object)
{
  ElConflictView *self = EL_CONFLICT_VIEW (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), EL_TYPE_CONFLICT_VIEW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (el_conflict_view_parent_class)->dispose (object);
}

static void
el_conflict_view_finalize (GObject *object)
{
  ElConflictView *self = EL_CONFLICT_VIEW (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->conflict, el_store_conflict_free);

  G_OBJECT_CLASS (el_conflict_view_parent_class)->finalize (object);
}

static void
el_conflict_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElConflictView *self = EL_CONFLICT_VIEW (object);

  switch (prop_id)
    {
      case PROP_CONTEXT:
        g_value_set_object (value, self->context);
        break;
      case PROP_CONFLICT:
        g_value_set_boxed (value, self->conflict);
        break;
      case PROP_CAN_RESOLVE:
        g_value_set_boolean (value, self->can_resolve);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_conflict_view_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElConflictView *self = EL_CONFLICT_VIEW (object);

  switch (prop_id)
    {
      case PROP_CONTEXT:
        self->context = g_value_dup_object (value);
        break;
      case PROP_CONFLICT:
        self->conflict = g_value_dup_boxed (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_conflict_view_class_init (ElConflictViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = el_conflict_view_constructed;
  object_class->dispose = el_conflict_view_dispose;
  object_class->finalize = el_conflict_view_finalize;
  object_class->get_property = el_conflict_view_get_property;
  object_class->set_property = el_conflict_view_set_property;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, EL_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONFLICT] =
      g_param_spec_boxed ("conflict", NULL, NULL, EL_TYPE_STORE_CONFLICT,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_RESOLVE] = g_param_spec_boolean (
      "can-resolve", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_RESOLVED] = g_signal_new ("resolved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                           NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/eclipselink/Handoff/el-conflict-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ElConflictView, who_label);
  gtk_widget_class_bind_template_child (widget_class, ElConflictView, sections_box);
  gtk_widget_class_bind_template_child (widget_class, ElConflictView, status_label);
  gtk_widget_class_bind_template_child (widget_class, ElConflictView, resolve_button);
  gtk_widget_class_bind_template_callback (widget_class, resolve_button_clicked_cb);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
el_conflict_view_init (ElConflictView *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Conflicting versions of this handoff"), -1);
}

GtkWidget *
el_conflict_view_new (ElContext *ctx, const ElStoreConflict *conflict)
{
  g_return_val_if_fail (EL_IS_CONTEXT (ctx), NULL);
  g_return_val_if_fail (conflict != NULL && conflict->op_id != NULL, NULL);
  g_return_val_if_fail (EL_IS_SBAR_VERSION (conflict->theirs) && EL_IS_SBAR_VERSION (conflict->mine), NULL);

  return g_object_new (EL_TYPE_CONFLICT_VIEW, "context", ctx, "conflict", conflict, NULL);
}

const ElStoreConflict *
el_conflict_view_get_conflict (ElConflictView *self)
{
  g_return_val_if_fail (EL_IS_CONFLICT_VIEW (self), NULL);

  return self->conflict;
}

gboolean
el_conflict_view_get_can_resolve (ElConflictView *self)
{
  g_return_val_if_fail (EL_IS_CONFLICT_VIEW (self), FALSE);

  return self->can_resolve;
}
