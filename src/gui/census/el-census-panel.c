/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "el-census-panel.h"
#include "el-census-row.h"

struct _ElCensusPanel
{
  GtkWidget parent_instance;

  ElContext *context;
  ElCensusModel *model;
  GtkSingleSelection *selection;
  GCancellable *cancellable;
  GPtrArray *unit_ids; /* ids in the unit picker's order */
  char *selected_patient_id;
  gulong cycle_finished_id;
  gboolean updating_units;

  GtkWidget *controls;
  GtkDropDown *unit_dropdown;
  GtkSearchEntry *search_entry;
  GtkDropDown *status_dropdown;
  GtkToggleButton *needs_ack_toggle;
  GtkLabel *count_label;
  GtkStack *stack;
  GtkListView *list_view;
  AdwStatusPage *empty_page;
};

G_DEFINE_FINAL_TYPE (ElCensusPanel, el_census_panel, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_CONTEXT,
  PROP_SELECTED_PATIENT_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_PATIENT_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- the list ---- */

static void
factory_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  (void) factory;
  (void) user_data;
  gtk_list_item_set_child (list_item, el_census_row_new ());
}

static void
factory_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  (void) factory;
  (void) user_data;
  el_census_row_set_item (EL_CENSUS_ROW (gtk_list_item_get_child (list_item)),
                          gtk_list_item_get_item (list_item), NULL);
}

static void
factory_unbind_cb (GtkSignalListItemFactory *factory, GtkListItem *list_item, gpointer user_data)
{
  (void) factory;
  (void) user_data;
  el_census_row_set_item (EL_CENSUS_ROW (gtk_list_item_get_child (list_item)), NULL, NULL);
}

static void
set_selected_id (ElCensusPanel *self, const char *patient_id, gboolean emit)
{
  if (g_strcmp0 (self->selected_patient_id, patient_id) == 0)
    return;
  g_free (self->selected_patient_id);
  self->selected_patient_id = g_strdup (patient_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_PATIENT_ID]);
  if (emit && patient_id != NULL)
    g_signal_emit (self, signals[SIGNAL_PATIENT_ACTIVATED], 0, patient_id);
}

static void
selection_changed_cb (GtkSingleSelection *selection, GParamSpec *pspec, gpointer user_data)
{
  ElCensusPanel *self = EL_CENSUS_PANEL (user_data);
  ElCensusItem *item = gtk_single_selection_get_selected_item (selection);

  (void) pspec;
  /* A row filtered out keeps the patient open in the content pane: only a new row changes it. */
  if (item != NULL)
    set_selected_id (self, el_census_item_get_patient_id (item), TRUE);
}

static void
list_activate_cb (GtkListView *list_view, guint position, gpointer user_data)
{
  ElCensusPanel *self = EL_CENSUS_PANEL (user_data);
  g_autoptr (ElCensusItem) item = g_list_model_get_item (G_LIST_MODEL (self->model), position);

  (void) list_view;
  if (item == NULL)
    return;
  gtk_single_selection_set_selected (self->selection, position);
  set_selected_id (self, el_census_item_get_patient_id (item), FALSE);
  g_signal_emit (self, signals[SIGNAL_PATIENT_ACTIVATED], 0, el_census_item_get_patient_id (item));
}

/* Selects the selected patient's row again when it is listed (after a reload or a filter change). */
static void
reselect (ElCensusPanel *self)
{
  guint position = GTK_INVALID_LIST_POSITION;
  ElCensusItem *current = gtk_single_selection_get_selected_item (self->selection);

  if (self->selected_patient_id == NULL ||
      (current != NULL &&
       g_strcmp0 (el_census_item_get_patient_id (current), self->selected_patient_id) == 0))
    return;
  if (el_census_model_find (self->model, self->selected_patient_id, &position) != NULL)
    gtk_single_selection_set_selected (self->selection, position);
  else if (current != NULL)
    {
      /* keep the selection empty rather than on another patient */
      g_signal_handlers_block_by_func (self->selection, selection_changed_cb, self);
      gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
      g_signal_handlers_unblock_by_func (self->selection, selection_changed_cb, self);
    }
}

static void
update_count (ElCensusPanel *self)
{
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  guint total = el_census_model_get_n_total (self->model);
  g_autofree char *text = NULL;

  if (shown == total)
    /* Translators: the census count when nothing is filtered out */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u patient", "%u patients", total), total);
  else
    /* Translators: the census count when filters hide some patients, e.g. "3 of 12 patients" */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u of %u patient", "%u of %u patients", total),
                            shown, total);
  gtk_label_set_text (self->count_label, text);

  if (shown > 0)
    gtk_stack_set_visible_child_name (self->stack, "list");
  else
    {
      if (total == 0)
        {
          adw_status_page_set_title (self->empty_page, el_census_model_get_loading (self->model)
                                                           ? _ ("Loading patients…")
                                                           : _ ("No patients on this unit"));
          adw_status_page_set_description (self->empty_page, NULL);
        }
      else
        {
          adw_status_page_set_title (self->empty_page, _ ("No patients match"));
          adw_status_page_set_description (self->empty_page, _ ("Try another search or filter."));
        }
      gtk_stack_set_visible_child_name (self->stack, "empty");
    }
}

static void
model_items_changed_cb (GListModel *model, guint position, guint removed, guint added, gpointer user_data)
{
  ElCensusPanel *self = EL_CENSUS_PANEL (user_data);

  (void) model;
  (void) position;
  (void) removed;
  (void) added;
  update_count (self);
  reselect (self);
}

static void
model_notify_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  (void) object;
  (void) pspec;
  update_count (EL_CENSUS_PANEL (user_data));
}

/* ---- controls ---- */

static void
search_changed_cb (GtkSearchEntry *entry, gpointer user_data)
{
  ElCensusPanel *self = EL_CENSUS_PANEL (user_data);

  el_census_model_set_search (self->model, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
search_activate_cb (GtkSearchEntry *entry, gpointer user_data)
{
  ElCensusPanel *self = EL_CENSUS_PANEL (user_data);

  /* the search-changed delay must not make Enter act on the old list */
  el_census_model_set_search (self->model, gtk_editable_get_text (GTK_EDITABLE (entry)));
  if (g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0)
    list_activate_cb (self->list_view, 0, self);
}

static void
search_stop_cb (GtkSearchEntry *entry, gpointer user_data)
{
  (void) user_data;
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

static gboolean
search_key_pressed_cb (
    GtkEventControllerKey *controller, guint keyval, guint keycode, GdkModifierType state, gpointer user_data)
{
  ElCensusPanel *self = EL_CENSUS_PANEL (user_data);

  (void) controller;
  (void) keycode;
  if ((keyval == GDK_KEY_Down || keyval == GDK_KEY_KP_Down) && (state & GDK_MODIFIER_MASK) == 0 &&
      g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0)
    return gtk_widget_child_focus (GTK_WIDGET (self->list_view), GTK_DIR_TAB_FORWARD);
  return FALSE;
}

static void
status_selected_cb (GtkDropDown *dropdown, GParamSpec *pspec, gpointer user_data)
{
  ElCensusPanel *self = EL_CENSUS_PANEL (user_data);
  guint selected = gtk_drop_down_get_selected (dropdown);

  (void) pspec;
  if (selected == GTK_INVALID_LIST_POSITION || selected > EL_CENSUS_STATUS_FILTER_FAILED)
    selected = EL_CENSUS_STATUS_FILTER_ALL;
  el_census_model_set_status_filter (self->model, (ElCensusStatusFilter) selected);
}

static void
needs_ack_toggled_cb (GtkToggleButton *button, gpointer user_data)
{
  ElCensusPanel *self = EL_CENSUS_PANEL (user_data);
  ElUser *user = el_context_get_user (self->context);

  el_census_model_set_needs_ack_user (
      self->model, gtk_toggle_button_get_active (button) && user != NULL ? el_user_get_id (user) : NULL);
}

static void
unit_selected_cb (GtkDropDown *dropdown, GParamSpec *pspec, gpointer user_data)
{
  ElCensusPanel *self = EL_CENSUS_PANEL (user_data);
  guint selected = gtk_drop_down_get_selected (dropdown);

  (void) pspec;
  if (self->updating_units || self->unit_ids == NULL || selected >= self->unit_ids->len)
    return;
  el_census_model_set_unit_id (self->model, g_ptr_array_index (self->unit_ids, selected));
}

static void
units_listed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElCensusPanel *self;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) units = el_store_list_units_finish (EL_STORE (source), result, &error);
  g_autoptr (GtkStringList) names = NULL;
  const char *current;
  const char *own_unit;
  ElUser *user;
  guint selected = 0;

  if (units == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("census: units not listed: %s #%d", g_quark_to_string (error->domain), error->code);
      return;
    }
  self = EL_CENSUS_PANEL (user_data);

  g_clear_pointer (&self->unit_ids, g_ptr_array_unref);
  self->unit_ids = g_ptr_array_new_with_free_func (g_free);
  names = gtk_string_list_new (NULL);
  current = el_census_model_get_unit_id (self->model);
  user = el_context_get_user (self->context);
  own_unit = user != NULL ? el_user_get_unit_id (user) : NULL;
  for (guint i = 0; i < units->len; i++)
    {
      ElUnit *unit = g_ptr_array_index (units, i);
      g_autofree char *label = NULL;

      /* A nurse's or charge nurse's census is her unit's (as GET /api/v1/units scopes it); the cache
       * may hold other units' names, never their patients. Only a user without a unit picks. */
      if (own_unit != NULL && g_strcmp0 (own_unit, el_unit_get_id (unit)) != 0)
        continue;

      if (el_unit_get_code (unit) != NULL && el_unit_get_name (unit) != NULL)
        /* Translators: a unit in the unit picker: its code and name, e.g. "4W — 4 West Medical-Surgical" */
        label = g_strdup_printf (_ ("%s — %s"), el_unit_get_code (unit), el_unit_get_name (unit));
      else
        label = g_strdup (el_unit_get_name (unit) != NULL ? el_unit_get_name (unit) : el_unit_get_id (unit));
      gtk_string_list_append (names, label);
      g_ptr_array_add (self->unit_ids, g_strdup (el_unit_get_id (unit)));
      if (g_strcmp0 (current, el_unit_get_id (unit)) == 0)
        selected = self->unit_ids->len - 1;
    }

  self->updating_units = TRUE;
  gtk_drop_down_set_model (self->unit_dropdown, G_LIST_MODEL (names));
  if (self->unit_ids->len > 0)
    gtk_drop_down_set_selected (self->unit_dropdown, selected);
  self->updating_units = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->unit_dropdown), self->unit_ids->len > 1);

  if (self->unit_ids->len > 0 &&
      (current == NULL || g_strcmp0 (current, self->unit_ids->pdata[selected]) != 0))
    el_census_model_set_unit_id (self->model, self->unit_ids->pdata[selected]);
}

static void
list_units (ElCensusPanel *self)
{
  ElStore *store = el_context_get_store (self->context);

  if (store != NULL)
    el_store_list_units_async (store, self->cancellable, units_listed_cb, self);
}

static void
sync_cycle_finished_cb (ElSync *sync, gpointer stats_ptr, gpointer error_ptr, gpointer user_data)
{
  const ElSyncStats *stats = stats_ptr;

  (void) sync;
  (void) error_ptr;
  if (stats != NULL && stats->applied > 0)
    list_units (EL_CENSUS_PANEL (user_data));
}

static void
focus_search_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ElCensusPanel *self = EL_CENSUS_PANEL (widget);

  (void) action_name;
  (void) parameter;
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* ---- public ---- */

ElCensusModel *
el_census_panel_get_model (ElCensusPanel *self)
{
  g_return_val_if_fail (EL_IS_CENSUS_PANEL (self), NULL);
  return self->model;
}

const char *
el_census_panel_get_selected_patient_id (ElCensusPanel *self)
{
  g_return_val_if_fail (EL_IS_CENSUS_PANEL (self), NULL);
  return self->selected_patient_id;
}

void
el_census_panel_set_selected_patient_id (ElCensusPanel *self, const char *patient_id)
{
  g_return_if_fail (EL_IS_CENSUS_PANEL (self));

  set_selected_id (self, patient_id, FALSE);
  if (patient_id == NULL)
    {
      g_signal_handlers_block_by_func (self->selection, selection_changed_cb, self);
      gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
      g_signal_handlers_unblock_by_func (self->selection, selection_changed_cb, self);
    }
  else
    reselect (self);
}

GtkWidget *
el_census_panel_new (ElContext *ctx)
{
  g_return_val_if_fail (EL_IS_CONTEXT (ctx), NULL);

  return g_object_new (EL_TYPE_CENSUS_PANEL, "context", ctx, NULL);
}

/* ---- GObject ---- */

static void
el_census_panel_constructed (GObject *object)
{
  ElCensusPanel *self = EL_CENSUS_PANEL (object);
  ElUser *user;
  ElSync *sync;
  g_autoptr (GtkListItemFactory) factory = NULL;

  G_OBJECT_CLASS (el_census_panel_parent_class)->constructed (object);

  g_return_if_fail (self->context != NULL);

  sync = el_context_get_sync (self->context);
  self->model = el_census_model_new (el_context_get_store (self->context), sync);
  g_signal_connect_object (self->model, "notify::n-total", G_CALLBACK (model_notify_cb), self, 0);
  g_signal_connect_object (self->model, "notify::loading", G_CALLBACK (model_notify_cb), self, 0);

  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected-item", G_CALLBACK (selection_changed_cb), self,
                           0);
  /* on the selection model, so it has taken the change in before the panel reselects */
  g_signal_connect_object (self->selection, "items-changed", G_CALLBACK (model_items_changed_cb), self, 0);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (factory_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (factory_bind_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (factory_unbind_cb), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  if (sync != NULL)
    self->cycle_finished_id =
        g_signal_connect (sync, "cycle-finished", G_CALLBACK (sync_cycle_finished_cb), self);

  /* The nurse's own unit at once; the picker when the cache's units are listed. */
  user = el_context_get_user (self->context);
  if (user != NULL && el_user_get_unit_id (user) != NULL)
    el_census_model_set_unit_id (self->model, el_user_get_unit_id (user));
  list_units (self);
  update_count (self);
}

static void
el_census_panel_dispose (GObject *object)
{
  ElCensusPanel *self = EL_CENSUS_PANEL (object);
  ElSync *sync = self->context != NULL ? el_context_get_sync (self->context) : NULL;

  g_cancellable_cancel (self->cancellable);
  if (self->cycle_finished_id != 0 && sync != NULL)
    g_clear_signal_handler (&self->cycle_finished_id, sync);
  self->cycle_finished_id = 0;

  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), EL_TYPE_CENSUS_PANEL);
  {
    GtkWidget *child;

    /* template children that are not bound to a field are not unparented by dispose_template */
    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
      gtk_widget_unparent (child);
  }
  g_clear_object (&self->selection);
  if (self->model != NULL)
    g_object_run_dispose (G_OBJECT (self->model));
  g_clear_object (&self->model);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (el_census_panel_parent_class)->dispose (object);
}

static void
el_census_panel_finalize (GObject *object)
{
  ElCensusPanel *self = EL_CENSUS_PANEL (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->unit_ids, g_ptr_array_unref);
  g_free (self->selected_patient_id);

  G_OBJECT_CLASS (el_census_panel_parent_class)->finalize (object);
}

static void
el_census_panel_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElCensusPanel *self = EL_CENSUS_PANEL (object);

  switch (prop_id)
    {
      case PROP_CONTEXT:
        g_value_set_object (value, self->context);
        break;
      case PROP_SELECTED_PATIENT_ID:
        g_value_set_string (value, self->selected_patient_id);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_census_panel_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElCensusPanel *self = EL_CENSUS_PANEL (object);

  switch (prop_id)
    {
      case PROP_CONTEXT:
        self->context = g_value_dup_object (value);
        break;
      case PROP_SELECTED_PATIENT_ID:
        el_census_panel_set_selected_patient_id (self, g_value_get_string (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_census_panel_class_init (ElCensusPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = el_census_panel_constructed;
  object_class->dispose = el_census_panel_dispose;
  object_class->finalize = el_census_panel_finalize;
  object_class->get_property = el_census_panel_get_property;
  object_class->set_property = el_census_panel_set_property;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, EL_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SELECTED_PATIENT_ID] =
      g_param_spec_string ("selected-patient-id", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_PATIENT_ACTIVATED] =
      g_signal_new ("patient-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/eclipselink/Handoff/el-census-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, ElCensusPanel, controls);
  gtk_widget_class_bind_template_child (widget_class, ElCensusPanel, unit_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ElCensusPanel, search_entry);
  gtk_widget_class_bind_template_child (widget_class, ElCensusPanel, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ElCensusPanel, needs_ack_toggle);
  gtk_widget_class_bind_template_child (widget_class, ElCensusPanel, count_label);
  gtk_widget_class_bind_template_child (widget_class, ElCensusPanel, stack);
  gtk_widget_class_bind_template_child (widget_class, ElCensusPanel, list_view);
  gtk_widget_class_bind_template_child (widget_class, ElCensusPanel, empty_page);

  gtk_widget_class_install_action (widget_class, "census.focus-search", NULL, focus_search_action);

  gtk_widget_class_set_css_name (widget_class, "census");
}

static void
el_census_panel_init (ElCensusPanel *self)
{
  GtkShortcutController *shortcuts;
  GtkEventController *keys;

  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (self->search_entry, "search-changed", G_CALLBACK (search_changed_cb), self, 0);
  g_signal_connect_object (self->search_entry, "activate", G_CALLBACK (search_activate_cb), self, 0);
  g_signal_connect_object (self->search_entry, "stop-search", G_CALLBACK (search_stop_cb), self, 0);
  keys = gtk_event_controller_key_new ();
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (search_key_pressed_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);

  g_signal_connect_object (self->status_dropdown, "notify::selected", G_CALLBACK (status_selected_cb), self,
                           0);
  g_signal_connect_object (self->needs_ack_toggle, "toggled", G_CALLBACK (needs_ack_toggled_cb), self, 0);
  g_signal_connect_object (self->unit_dropdown, "notify::selected", G_CALLBACK (unit_selected_cb), self, 0);
  g_signal_connect_object (self->list_view, "activate", G_CALLBACK (list_activate_cb), self, 0);

  /* Ctrl+F from anywhere in the window (the shortcut is global to the window) */
  shortcuts = GTK_SHORTCUT_CONTROLLER (gtk_shortcut_controller_new ());
  gtk_shortcut_controller_set_scope (shortcuts, GTK_SHORTCUT_SCOPE_GLOBAL);
  gtk_shortcut_controller_add_shortcut (
      shortcuts, gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_f, GDK_CONTROL_MASK),
                                   gtk_named_action_new ("census.focus-search")));
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (shortcuts));
}
