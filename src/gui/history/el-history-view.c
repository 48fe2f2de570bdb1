/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "el-gui-labels.h"
#include "el-history-private.h"
#include "el-history-view.h"

#define N_SECTIONS 4

typedef struct
{
  GtkWidget *box;
  GtkLabel *summary;
  GtkTextView *text_view;
} SectionDiff;

struct _ElHistoryView
{
  GtkWidget parent_instance;

  ElContext *context;
  char *handoff_id;
  GCancellable *cancellable;
  guint load_serial;
  gboolean loading;
  gboolean restoring;
  gboolean updating;

  /* (element-type ElStoreSbar): newest first, as listed */
  GPtrArray *versions;
  /* the versions compared and selected, by number (0: none), kept across reloads */
  int compare_from;
  int compare_to;
  int selected;

  ElStore *store;
  ElSync *sync;
  gulong outbox_handler;
  gulong cycle_handler;

  SectionDiff sections[N_SECTIONS];

  /* template */
  GtkStack *stack;
  GtkSpinner *spinner;
  AdwStatusPage *error_page;
  GtkListBox *list;
  GtkButton *restore_button;
  GtkLabel *restore_error;
  GtkDropDown *from_dropdown;
  GtkDropDown *to_dropdown;
  GtkBox *diff_box;
  GtkBox *fields_box;
  GtkLabel *fields_unchanged;
  GtkListBox *fields_list;
};

G_DEFINE_FINAL_TYPE (ElHistoryView, el_history_view, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_CONTEXT,
  PROP_HANDOFF_ID,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_RESTORED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *const section_names[N_SECTIONS] = {
  "situation",
  "background",
  "assessment",
  "recommendation",
};

static void el_history_view_reload (ElHistoryView *self);

static ElStoreSbar *
version_at (ElHistoryView *self, guint index)
{
  if (self->versions == NULL || index >= self->versions->len)
    return NULL;
  return g_ptr_array_index (self->versions, index);
}

/* The index of version @number in self->versions (a pending one first: it is listed first). */
static int
index_of_version (ElHistoryView *self, int number)
{
  if (self->versions == NULL)
    return -1;
  for (guint i = 0; i < self->versions->len; i++)
    {
      ElStoreSbar *entry = g_ptr_array_index (self->versions, i);

      if (el_sbar_version_get_version (entry->version) == number)
        return (int) i;
    }
  return -1;
}

static void
set_loading (ElHistoryView *self, gboolean loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  gtk_spinner_set_spinning (self->spinner, loading);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static char *
completeness_text (ElSbarVersion *version)
{
  JsonNode *node = el_sbar_version_get_completeness_json (version);
  JsonObject *object;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);
  if (!json_object_has_member (object, "score"))
    return NULL;
  /* Translators: how complete an SBAR version is, e.g. "85% complete". */
  return g_strdup_printf (_ ("%.0f%% complete"), json_object_get_double_member (object, "score"));
}

static char *
version_title (ElStoreSbar *entry)
{
  /* Translators: an SBAR version in the history list, e.g. "Version 3". */
  return g_strdup_printf (_ ("Version %d"), el_sbar_version_get_version (entry->version));
}

static GtkWidget *
make_badge (const char *text, const char *css_class, const char *accessible)
{
  GtkWidget *badge = gtk_label_new (NULL);

  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (badge, "caption");
  el_gui_badge_set (badge, text, css_class, accessible);
  return badge;
}

static GtkWidget *
make_version_row (ElStoreSbar *entry)
{
  ElSbarVersion *version = entry->version;
  GtkWidget *row = adw_action_row_new ();
  GDateTime *created_at = el_sbar_version_get_created_at (version);
  const char *author = el_sbar_version_get_author_name (version);
  g_autofree char *title = version_title (entry);
  g_autofree char *when = created_at != NULL ? el_gui_format_time (created_at) : NULL;
  g_autofree char *complete = completeness_text (version);
  g_autofree char *name = g_strdup_printf ("history-version-%d", el_sbar_version_get_version (version));
  g_autoptr (GString) subtitle = g_string_new (NULL);
  g_autoptr (GString) accessible = g_string_new (title);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  /* Translators: separates the parts of a version's description: "Ana Ruiz · 14:05 · Nurse". */
  g_string_append (subtitle, author != NULL && *author != '\0' ? author : _ ("Unknown author"));
  if (when != NULL)
    g_string_append_printf (subtitle, _ (" · %s"), when);
  g_string_append_printf (subtitle, _ (" · %s"), el_gui_source_label (el_sbar_version_get_source (version)));
  if (complete != NULL)
    g_string_append_printf (subtitle, _ (" · %s"), complete);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
  gtk_widget_set_name (row, name);

  if (entry->pending)
    {
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 make_badge (_ ("Not sent yet"), "warning",
                                             _ ("Not sent yet: saved on this PC, waiting to be synced")));
      g_string_append_printf (accessible, ", %s", _ ("not sent yet"));
    }
  if (entry->is_latest)
    {
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 make_badge (C_ ("version", "Current"), "accent", _ ("The current version")));
      g_string_append_printf (accessible, ", %s", _ ("current"));
    }
  g_string_append_printf (accessible, ", %s", subtitle->str);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible->str, -1);
  g_object_set_data (G_OBJECT (row), "el-version", GINT_TO_POINTER (el_sbar_version_get_version (version)));
  return row;
}

static void
update_restore_sensitivity (ElHistoryView *self)
{
  int index = index_of_version (self, self->selected);
  ElStoreSbar *entry = index >= 0 ? version_at (self, (guint) index) : NULL;
  gboolean can = entry != NULL && !entry->is_latest && !self->restoring && self->context != NULL &&
                 el_context_get_store (self->context) != NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->restore_button), can);
}

static void
section_set_summary (
    SectionDiff *section, const char *section_label, gboolean changed, guint inserted, guint deleted)
{
  g_autofree char *text = NULL;
  g_autofree char *description = NULL;

  if (!changed)
    text = g_strdup (_ ("No changes"));
  else
    {
      g_autofree char *added = NULL;
      g_autofree char *removed = NULL;

      /* Translators: part of a section's change summary: "3 words added, 1 removed". */
      added = g_strdup_printf (ngettext ("%u word added", "%u words added", inserted), inserted);
      /* Translators: part of a section's change summary: "3 words added, 1 removed". */
      removed = g_strdup_printf (ngettext ("%u removed", "%u removed", deleted), deleted);
      /* Translators: "3 words added, 1 removed". */
      text = g_strdup_printf (_ ("%s, %s"), added, removed);
    }
  gtk_label_set_text (section->summary, text);
  /* Translators: the accessible description of a section's diff: "Situation: 3 words added, 1 removed". */
  description = g_strdup_printf (_ ("%s: %s"), section_label, text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (section->text_view), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description, -1);
}

static void
clear_fields_list (ElHistoryView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->fields_list))) != NULL)
    gtk_list_box_remove (self->fields_list, child);
}

static void
render_fields (ElHistoryView *self, ElSbarVersion *from, ElSbarVersion *to)
{
  g_autoptr (GPtrArray) changes = el_history_field_changes (from, to);

  clear_fields_list (self);
  for (guint i = 0; i < changes->len; i++)
    {
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *label = gtk_label_new (changes->pdata[i]);

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_selectable (GTK_LABEL (label), FALSE);
      gtk_widget_set_margin_top (label, 8);
      gtk_widget_set_margin_bottom (label, 8);
      gtk_widget_set_margin_start (label, 12);
      gtk_widget_set_margin_end (label, 12);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_widget_set_name (row, "history-field");
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, changes->pdata[i],
                                      -1);
      gtk_list_box_append (self->fields_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->fields_list), changes->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->fields_unchanged), changes->len == 0);
}

/* Shows the diff between the versions at @from_index and @to_index of self->versions. */
static void
render_compare (ElHistoryView *self, guint from_index, guint to_index)
{
  ElStoreSbar *from = version_at (self, from_index);
  ElStoreSbar *to = version_at (self, to_index);

  if (from == NULL || to == NULL)
    return;

  self->compare_from = el_sbar_version_get_version (from->version);
  self->compare_to = el_sbar_version_get_version (to->version);

  for (guint s = 0; s < N_SECTIONS; s++)
    {
      SectionDiff *section = &self->sections[s];
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (section->text_view);
      guint inserted = 0, deleted = 0;
      gboolean changed;

      el_history_diff_tags_ensure (buffer, GTK_WIDGET (section->text_view));
      changed = el_history_diff_render (
          buffer, el_sbar_version_get_section (from->version, (ElSbarSection) s),
          el_sbar_version_get_section (to->version, (ElSbarSection) s), &inserted, &deleted);
      if (!changed)
        gtk_text_buffer_set_text (buffer, _ ("No changes"), -1);
      if (changed)
        gtk_widget_remove_css_class (GTK_WIDGET (section->text_view), "dim-label");
      else
        gtk_widget_add_css_class (GTK_WIDGET (section->text_view), "dim-label");
      section_set_summary (section, el_gui_section_label ((ElSbarSection) s), changed, inserted, deleted);
    }
  render_fields (self, from->version, to->version);
}

static void
set_dropdowns (ElHistoryView *self, guint from_index, guint to_index)
{
  self->updating = TRUE;
  gtk_drop_down_set_selected (self->from_dropdown, from_index);
  gtk_drop_down_set_selected (self->to_dropdown, to_index);
  self->updating = FALSE;
}

static void
dropdown_selected_cb (ElHistoryView *self)
{
  guint from_index = gtk_drop_down_get_selected (self->from_dropdown);
  guint to_index = gtk_drop_down_get_selected (self->to_dropdown);

  if (self->updating || self->versions == NULL || from_index == GTK_INVALID_LIST_POSITION ||
      to_index == GTK_INVALID_LIST_POSITION)
    return;
  render_compare (self, from_index, to_index);
}

static void
list_row_selected_cb (ElHistoryView *self, GtkListBoxRow *row)
{
  int index;

  if (self->updating)
    return;
  self->selected = row != NULL ? GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "el-version")) : 0;
  update_restore_sensitivity (self);

  /* A selected version shows what changed in it (from the version before it). */
  index = index_of_version (self, self->selected);
  if (index >= 0)
    {
      guint to_index = (guint) index;
      guint from_index = MIN (to_index + 1, self->versions->len - 1);

      set_dropdowns (self, from_index, to_index);
      render_compare (self, from_index, to_index);
    }
}

static void
populate (ElHistoryView *self)
{
  g_autoptr (GtkStringList) model = gtk_string_list_new (NULL);
  GtkWidget *child;
  int from_index, to_index;
  GtkListBoxRow *selected_row = NULL;

  self->updating = TRUE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);

  for (guint i = 0; i < self->versions->len; i++)
    {
      ElStoreSbar *entry = g_ptr_array_index (self->versions, i);
      g_autofree char *title = version_title (entry);
      GtkWidget *row = make_version_row (entry);

      gtk_list_box_append (self->list, row);
      if (entry->pending)
        {
          /* Translators: a version in the compare drop-downs that is saved on this PC only. */
          g_autofree char *item = g_strdup_printf (_ ("%s (not sent yet)"), title);
          gtk_string_list_append (model, item);
        }
      else
        gtk_string_list_append (model, title);
      if (self->selected != 0 && selected_row == NULL &&
          el_sbar_version_get_version (entry->version) == self->selected)
        selected_row = GTK_LIST_BOX_ROW (row);
    }
  gtk_drop_down_set_model (self->from_dropdown, G_LIST_MODEL (model));
  gtk_drop_down_set_model (self->to_dropdown, G_LIST_MODEL (model));
  if (selected_row != NULL)
    gtk_list_box_select_row (self->list, selected_row);
  else
    {
      gtk_list_box_unselect_all (self->list);
      self->selected = 0;
    }
  self->updating = FALSE;
  update_restore_sensitivity (self);

  /* Keep the versions compared across a reload; else the previous one against the latest. */
  from_index = index_of_version (self, self->compare_from);
  to_index = index_of_version (self, self->compare_to);
  if (from_index < 0 || to_index < 0)
    {
      to_index = 0;
      from_index = self->versions->len > 1 ? 1 : 0;
    }
  set_dropdowns (self, (guint) from_index, (guint) to_index);
  render_compare (self, (guint) from_index, (guint) to_index);
}

typedef struct
{
  ElHistoryView *self;
  guint serial;
} LoadData;

static void
list_versions_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LoadData *data = user_data;
  g_autoptr (ElHistoryView) self = data->self;
  guint serial = data->serial;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) versions = NULL;

  g_free (data);
  versions = el_store_list_sbar_versions_finish (EL_STORE (source), result, &error);
  if (g_cancellable_is_cancelled (self->cancellable) || serial != self->load_serial)
    return;
  set_loading (self, FALSE);

  if (versions == NULL)
    {
      g_debug ("history: reading the versions of handoff %s failed: %s %d", self->handoff_id,
               g_quark_to_string (error->domain), error->code);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  /* Newest first. */
  for (guint i = 0, j = versions->len; i + 1 < j; i++, j--)
    {
      gpointer swap = versions->pdata[i];

      versions->pdata[i] = versions->pdata[j - 1];
      versions->pdata[j - 1] = swap;
    }
  g_clear_pointer (&self->versions, g_ptr_array_unref);
  self->versions = g_steal_pointer (&versions);

  if (self->versions->len == 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  populate (self);
  gtk_stack_set_visible_child_name (self->stack, "versions");
}

static void
store_outbox_changed_cb (ElHistoryView *self)
{
  if (self->handoff_id != NULL)
    el_history_view_reload (self);
}

static void
sync_cycle_finished_cb (ElHistoryView *self, const ElSyncStats *stats, const GError *error)
{
  (void) error;
  if (self->handoff_id != NULL && stats != NULL && stats->applied > 0)
    el_history_view_reload (self);
}

/* Follows the context's current store and sync (they change with sign-in and sign-out). */
static void
watch_services (ElHistoryView *self)
{
  ElStore *store = el_context_get_store (self->context);
  ElSync *sync = el_context_get_sync (self->context);

  if (store != self->store)
    {
      if (self->store != NULL)
        g_clear_signal_handler (&self->outbox_handler, self->store);
      g_set_object (&self->store, store);
      if (store != NULL)
        self->outbox_handler = g_signal_connect_object (
            store, "outbox-changed", G_CALLBACK (store_outbox_changed_cb), self, G_CONNECT_SWAPPED);
    }
  if (sync != self->sync)
    {
      if (self->sync != NULL)
        g_clear_signal_handler (&self->cycle_handler, self->sync);
      g_set_object (&self->sync, sync);
      if (sync != NULL)
        self->cycle_handler = g_signal_connect_object (
            sync, "cycle-finished", G_CALLBACK (sync_cycle_finished_cb), self, G_CONNECT_SWAPPED);
    }
}

static void
el_history_view_reload (ElHistoryView *self)
{
  ElStore *store;
  LoadData *data;

  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  watch_services (self);
  store = el_context_get_store (self->context);
  self->load_serial++;
  if (store == NULL || self->handoff_id == NULL)
    {
      set_loading (self, FALSE);
      gtk_stack_set_visible_child_name (self->stack, store == NULL ? "error" : "empty");
      return;
    }
  if (self->versions == NULL)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  set_loading (self, TRUE);
  data = g_new0 (LoadData, 1);
  data->self = g_object_ref (self);
  data->serial = self->load_serial;
  el_store_list_sbar_versions_async (store, self->handoff_id, self->cancellable, list_versions_cb, data);
}

/* ---- Restore ---- */

typedef struct
{
  ElHistoryView *self;
  int new_version;
} RestoreData;

static void
save_draft_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RestoreData *data = user_data;
  g_autoptr (ElHistoryView) self = data->self;
  int new_version = data->new_version;
  g_autoptr (GError) error = NULL;
  g_autofree char *op_id = NULL;
  ElSync *sync;

  g_free (data);
  op_id = el_store_save_sbar_draft_finish (EL_STORE (source), result, &error);
  /* Disposed meanwhile: the save itself is done (or not), nothing to show. */
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  self->restoring = FALSE;
  if (op_id == NULL)
    {
      g_debug ("history: restoring a version of handoff %s failed: %s %d", self->handoff_id,
               g_quark_to_string (error->domain), error->code);
      gtk_label_set_text (self->restore_error, _ ("The version could not be restored. Try again."));
      gtk_widget_set_visible (GTK_WIDGET (self->restore_error), TRUE);
      update_restore_sensitivity (self);
      return;
    }

  sync = el_context_get_sync (self->context);
  if (sync != NULL)
    el_sync_notify_local_change (sync);
  /* Show the restored version against the one it was copied from... the new latest. */
  self->selected = 0;
  self->compare_from = 0;
  self->compare_to = 0;
  el_history_view_reload (self);
  g_signal_emit (self, signals[SIGNAL_RESTORED], 0, new_version);
}

static void
restore_button_clicked_cb (ElHistoryView *self)
{
  ElStore *store = el_context_get_store (self->context);
  ElUser *user = el_context_get_user (self->context);
  int index = index_of_version (self, self->selected);
  ElStoreSbar *entry = index >= 0 ? version_at (self, (guint) index) : NULL;
  g_autoptr (ElSbarVersion) content = NULL;
  RestoreData *data;
  int latest = 0;

  if (entry == NULL || entry->is_latest || store == NULL || self->restoring)
    return;

  for (guint i = 0; i < self->versions->len; i++)
    {
      ElStoreSbar *other = g_ptr_array_index (self->versions, i);

      if (other->is_latest)
        {
          latest = el_sbar_version_get_version (other->version);
          break;
        }
      latest = MAX (latest, el_sbar_version_get_version (other->version));
    }

  content = el_sbar_version_new ();
  el_sbar_version_set_source (content, EL_SBAR_SOURCE_NURSE);
  for (guint s = 0; s < N_SECTIONS; s++)
    el_sbar_version_set_section (content, (ElSbarSection) s,
                                 el_sbar_version_get_section (entry->version, (ElSbarSection) s));
  el_sbar_version_set_fields (content, el_sbar_version_get_fields (entry->version));
  if (user != NULL)
    {
      el_sbar_version_set_author_id (content, el_user_get_id (user));
      el_sbar_version_set_author_name (content, el_user_get_name (user));
    }

  self->restoring = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->restore_error), FALSE);
  update_restore_sensitivity (self);
  data = g_new0 (RestoreData, 1);
  data->self = g_object_ref (self);
  data->new_version = latest + 1;
  el_store_save_sbar_draft_async (store, self->handoff_id, latest, content, self->cancellable, save_draft_cb,
                                  data);
}

/* ---- Style ---- */

static void
style_changed_cb (ElHistoryView *self)
{
  if (self->sections[0].text_view == NULL)
    return;
  for (guint s = 0; s < N_SECTIONS; s++)
    el_history_diff_tags_ensure (gtk_text_view_get_buffer (self->sections[s].text_view),
                                 GTK_WIDGET (self->sections[s].text_view));
}

static void
build_sections (ElHistoryView *self)
{
  GtkWidget *previous = NULL;

  for (guint s = 0; s < N_SECTIONS; s++)
    {
      SectionDiff *section = &self->sections[s];
      const char *label = el_gui_section_label ((ElSbarSection) s);
      GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *title = gtk_label_new (label);
      GtkWidget *summary = gtk_label_new (NULL);
      GtkWidget *frame = gtk_frame_new (NULL);
      GtkWidget *view = gtk_text_view_new ();
      g_autofree char *name = g_strdup_printf ("history-diff-%s", section_names[s]);
      g_autofree char *summary_name = g_strdup_printf ("history-summary-%s", section_names[s]);
      /* Translators: the accessible name of a section's diff: "Changes in Situation". */
      g_autofree char *accessible = g_strdup_printf (_ ("Changes in %s"), label);

      el_gui_text_view_fit (GTK_TEXT_VIEW (view));
      section->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      gtk_widget_add_css_class (title, "heading");
      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_widget_add_css_class (summary, "dim-label");
      gtk_widget_add_css_class (summary, "caption");
      gtk_label_set_xalign (GTK_LABEL (summary), 0);
      gtk_widget_set_hexpand (summary, TRUE);
      gtk_widget_set_name (summary, summary_name);
      gtk_box_append (GTK_BOX (header), title);
      gtk_box_append (GTK_BOX (header), summary);

      gtk_widget_set_name (view, name);
      gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
      gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (view), FALSE);
      gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
      gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 8);
      gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 8);
      gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 8);
      gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 8);
      gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_RELATION_LABELLED_BY, title, NULL,
                                      -1);
      gtk_frame_set_child (GTK_FRAME (frame), view);

      gtk_box_append (GTK_BOX (section->box), header);
      gtk_box_append (GTK_BOX (section->box), frame);
      gtk_box_insert_child_after (self->diff_box, section->box, previous);
      previous = section->box;

      section->summary = GTK_LABEL (summary);
      section->text_view = GTK_TEXT_VIEW (view);
      el_history_diff_tags_ensure (gtk_text_view_get_buffer (section->text_view), view);
    }
}

/* ---- GObject ---- */

static void
el_history_view_dispose (GObject *object)
{
  ElHistoryView *self = EL_HISTORY_VIEW (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  if (self->store != NULL)
    g_clear_signal_handler (&self->outbox_handler, self->store);
  if (self->sync != NULL)
    g_clear_signal_handler (&self->cycle_handler, self->sync);
  g_clear_object (&self->store);
  g_clear_object (&self->sync);
  /* the list box emits ::row-selected while it goes */
  self->updating = TRUE;
  g_signal_handlers_disconnect_by_data (adw_style_manager_get_default (), self);
  memset (self->sections, 0, sizeof self->sections);
  gtk_widget_dispose_template (GTK_WIDGET (self), EL_TYPE_HISTORY_VIEW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->versions, g_ptr_array_unref);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (el_history_view_parent_class)->dispose (object);
}

static void
el_history_view_finalize (GObject *object)
{
  ElHistoryView *self = EL_HISTORY_VIEW (object);

  g_clear_object (&self->cancellable);
  g_free (self->handoff_id);

  G_OBJECT_CLASS (el_history_view_parent_class)->finalize (object);
}

static void
el_history_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElHistoryView *self = EL_HISTORY_VIEW (object);

  switch (prop_id)
    {
      case PROP_CONTEXT:
        g_value_set_object (value, self->context);
        break;
      case PROP_HANDOFF_ID:
        g_value_set_string (value, self->handoff_id);
        break;
      case PROP_LOADING:
        g_value_set_boolean (value, self->loading);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_history_view_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElHistoryView *self = EL_HISTORY_VIEW (object);

  switch (prop_id)
    {
      case PROP_CONTEXT:
        self->context = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_history_view_class_init (ElHistoryViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = el_history_view_dispose;
  object_class->finalize = el_history_view_finalize;
  object_class->get_property = el_history_view_get_property;
  object_class->set_property = el_history_view_set_property;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, EL_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HANDOFF_ID] = g_param_spec_string (
      "handoff-id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LOADING] = g_param_spec_boolean (
      "loading", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_RESTORED] = g_signal_new ("restored", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                           NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/eclipselink/Handoff/el-history-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ElHistoryView, stack);
  gtk_widget_class_bind_template_child (widget_class, ElHistoryView, spinner);
  gtk_widget_class_bind_template_child (widget_class, ElHistoryView, error_page);
  gtk_widget_class_bind_template_child (widget_class, ElHistoryView, list);
  gtk_widget_class_bind_template_child (widget_class, ElHistoryView, restore_button);
  gtk_widget_class_bind_template_child (widget_class, ElHistoryView, restore_error);
  gtk_widget_class_bind_template_child (widget_class, ElHistoryView, from_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ElHistoryView, to_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ElHistoryView, diff_box);
  gtk_widget_class_bind_template_child (widget_class, ElHistoryView, fields_box);
  gtk_widget_class_bind_template_child (widget_class, ElHistoryView, fields_unchanged);
  gtk_widget_class_bind_template_child (widget_class, ElHistoryView, fields_list);
  gtk_widget_class_bind_template_callback (widget_class, list_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, dropdown_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, restore_button_clicked_cb);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
el_history_view_init (ElHistoryView *self)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();

  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  build_sections (self);
  gtk_widget_set_visible (GTK_WIDGET (self->fields_list), FALSE);
  gtk_stack_set_visible_child_name (self->stack, "empty");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Version history"),
                                  -1);

  g_signal_connect_object (manager, "notify::dark", G_CALLBACK (style_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (manager, "notify::high-contrast", G_CALLBACK (style_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

GtkWidget *
el_history_view_new (ElContext *ctx)
{
  g_return_val_if_fail (EL_IS_CONTEXT (ctx), NULL);

  return g_object_new (EL_TYPE_HISTORY_VIEW, "context", ctx, NULL);
}

void
el_history_view_load (ElHistoryView *self, const char *handoff_id)
{
  g_return_if_fail (EL_IS_HISTORY_VIEW (self));
  g_return_if_fail (handoff_id != NULL);

  if (g_strcmp0 (self->handoff_id, handoff_id) != 0)
    {
      g_free (self->handoff_id);
      self->handoff_id = g_strdup (handoff_id);
      g_clear_pointer (&self->versions, g_ptr_array_unref);
      self->compare_from = self->compare_to = self->selected = 0;
      gtk_widget_set_visible (GTK_WIDGET (self->restore_error), FALSE);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HANDOFF_ID]);
    }
  el_history_view_reload (self);
}

const char *
el_history_view_get_handoff_id (ElHistoryView *self)
{
  g_return_val_if_fail (EL_IS_HISTORY_VIEW (self), NULL);

  return self->handoff_id;
}

gboolean
el_history_view_get_loading (ElHistoryView *self)
{
  g_return_val_if_fail (EL_IS_HISTORY_VIEW (self), FALSE);

  return self->loading;
}

guint
el_history_view_get_n_versions (ElHistoryView *self)
{
  g_return_val_if_fail (EL_IS_HISTORY_VIEW (self), 0);

  return self->versions != NULL ? self->versions->len : 0;
}

gboolean
el_history_view_compare (ElHistoryView *self, int from, int to)
{
  int from_index, to_index;

  g_return_val_if_fail (EL_IS_HISTORY_VIEW (self), FALSE);

  from_index = index_of_version (self, from);
  to_index = index_of_version (self, to);
  if (from_index < 0 || to_index < 0)
    return FALSE;
  set_dropdowns (self, (guint) from_index, (guint) to_index);
  render_compare (self, (guint) from_index, (guint) to_index);
  return TRUE;
}

gboolean
el_history_view_select_version (ElHistoryView *self, int version)
{
  GtkListBoxRow *row;
  int index;

  g_return_val_if_fail (EL_IS_HISTORY_VIEW (self), FALSE);

  index = index_of_version (self, version);
  if (index < 0 || (row = gtk_list_box_get_row_at_index (self->list, index)) == NULL)
    return FALSE;
  gtk_list_box_select_row (self->list, row);
  return TRUE;
}
