/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The census sidebar (ElCensusPanel) and the patient pane (ElPatientPane) on a real demo server,
 * real keyring and real SQLite cache: what the nurse sees in the rows, search, filters, the
 * "needs my acknowledgment" filter after a handoff is signed for her, the unit picker, the patient's
 * handoffs and "New Handoff". */
#include "config.h"

#include <string.h>

#include "el-census-panel.h"
#include "el-census-row.h"
#include "el-gui-test.h"
#include "el-patient-pane.h"

/* One server for the whole program (the demo hospital; tests that change it say so). */
static ElTestServer *server;

typedef struct
{
  ElContext *ctx;
  char *data_dir;
  GtkWidget *panel;
  GtkWindow *window;
  ElCensusModel *model;
} View;

static void
view_open (View *v, const char *email)
{
  v->ctx = el_gui_test_sign_in (server, email, &v->data_dir);
  v->panel = el_census_panel_new (v->ctx);
  v->window = el_gui_test_window_new (v->panel);
  v->model = el_census_panel_get_model (EL_CENSUS_PANEL (v->panel));
  EL_GUI_WAIT_FOR (el_census_model_get_n_total (v->model) > 0 && !el_census_model_get_loading (v->model));
}

static void
view_close (View *v)
{
  el_gui_test_assert_accessible (GTK_WIDGET (v->window));
  el_gui_test_destroy (v->window, G_OBJECT (v->panel));
  el_gui_test_close_context (v->ctx, v->data_dir);
  g_object_unref (v->ctx);
  g_free (v->data_dir);
}

static guint
n_shown (View *v)
{
  return g_list_model_get_n_items (G_LIST_MODEL (v->model));
}

/* The names the rows on screen show (the ElCensusRow widgets the list view made), in order. */
static char *
row_names (View *v)
{
  GtkWidget *list = el_gui_test_find (v->panel, GTK_TYPE_LIST_VIEW, "census-list");
  g_autoptr (GPtrArray) rows = el_gui_test_find_all (list, EL_TYPE_CENSUS_ROW, NULL);
  g_autoptr (GPtrArray) bound = g_ptr_array_new ();
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < rows->len; i++)
    if (el_census_row_get_item (rows->pdata[i]) != NULL && gtk_widget_get_mapped (rows->pdata[i]))
      g_ptr_array_add (bound, rows->pdata[i]);
  /* the list view's children are in tree order, which is not the list's order after recycling */
  for (guint pos = 0; pos < n_shown (v); pos++)
    {
      g_autoptr (ElCensusItem) item = g_list_model_get_item (G_LIST_MODEL (v->model), pos);

      for (guint i = 0; i < bound->len; i++)
        if (el_census_row_get_item (bound->pdata[i]) == item)
          {
            GtkWidget *name = el_gui_test_find (bound->pdata[i], GTK_TYPE_LABEL, "census-row-name");

            if (s->len > 0)
              g_string_append_c (s, '|');
            g_string_append (s, gtk_label_get_text (GTK_LABEL (name)));
          }
    }
  return g_string_free (s, FALSE);
}

/* The model's display names, in order. */
static char *
model_names (View *v)
{
  GString *s = g_string_new (NULL);

  for (guint pos = 0; pos < n_shown (v); pos++)
    {
      g_autoptr (ElCensusItem) item = g_list_model_get_item (G_LIST_MODEL (v->model), pos);

      if (pos > 0)
        g_string_append_c (s, '|');
      g_string_append (s, el_census_item_get_display_name (item));
    }
  return g_string_free (s, FALSE);
}

static void
type_search (View *v, const char *text)
{
  GtkWidget *entry = el_gui_test_find (v->panel, GTK_TYPE_SEARCH_ENTRY, "census-search");

  g_assert_nonnull (entry);
  el_gui_test_set_text (entry, text);
  /* GtkSearchEntry reports after its delay */
  EL_GUI_WAIT_FOR (g_strcmp0 (el_census_model_get_search (v->model), text) == 0);
  el_gui_test_spin (20);
}

/* The server's census of @unit_id as the nurse's API sees it: "Family, Given" by room, via REST. */
static GPtrArray *
server_census (ElTestApi *api, const ElTestLogin *who, const char *unit_id)
{
  g_autofree char *path = g_strconcat ("/api/v1/patients?unit_id=", unit_id, NULL);
  g_autoptr (ElTestResponse) resp = el_test_api_call (api, "GET", path, who, NULL, EL_TEST_END);
  JsonArray *items;
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  g_assert_cmpuint (resp->status, ==, 200);
  items = json_object_get_array_member (el_test_response_get_object (resp), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *p = json_array_get_object_element (items, i);

      g_ptr_array_add (out, g_strdup_printf ("%s\t%s, %s", json_object_get_string_member (p, "room"),
                                             json_object_get_string_member (p, "family_name"),
                                             json_object_get_string_member (p, "given_name")));
    }
  return out;
}

static int
compare_room_keys (gconstpointer a, gconstpointer b)
{
  const char *sa = *(const char **) a;
  const char *sb = *(const char **) b;
  g_autofree char *ra = g_strndup (sa, strchr (sa, '\t') - sa);
  g_autofree char *rb = g_strndup (sb, strchr (sb, '\t') - sb);
  g_autofree char *ka = g_utf8_collate_key_for_filename (ra, -1);
  g_autofree char *kb = g_utf8_collate_key_for_filename (rb, -1);

  return strcmp (ka, kb);
}

/* nurse.a's census: her unit's patients, the same as the server's census, sorted by room; the rows
 * show the names, rooms and badges in words; the count says how many. */
static void
test_census_lists_unit (void)
{
  ElTestApi *api = el_test_api_new (server);
  const ElTestLogin *nurse = el_test_api_login (api, EL_TEST_DEMO_NURSE_A, EL_GUI_TEST_PASSWORD);
  View v = { 0 };
  g_autoptr (GPtrArray) expected = NULL;
  g_autofree char *names = NULL;
  g_autofree char *shown_names = NULL;
  g_autofree char *text = NULL;
  GString *want = g_string_new (NULL);
  g_autofree char *want_names = NULL;

  view_open (&v, EL_TEST_DEMO_NURSE_A);
  g_assert_cmpstr (el_census_model_get_unit_id (v.model), ==, nurse->unit_id);

  expected = server_census (api, nurse, nurse->unit_id);
  g_assert_cmpuint (expected->len, ==, 12);
  g_ptr_array_sort (expected, compare_room_keys);
  for (guint i = 0; i < expected->len; i++)
    {
      if (i > 0)
        g_string_append_c (want, '|');
      g_string_append (want, strchr (expected->pdata[i], '\t') + 1);
    }
  want_names = g_string_free (want, FALSE);

  g_assert_cmpuint (el_census_model_get_n_total (v.model), ==, expected->len);
  g_assert_cmpuint (n_shown (&v), ==, expected->len);
  names = model_names (&v);
  g_assert_cmpstr (names, ==, want_names);

  /* rooms ascending as the nurse reads them */
  for (guint pos = 1; pos < n_shown (&v); pos++)
    {
      g_autoptr (ElCensusItem) a = g_list_model_get_item (G_LIST_MODEL (v.model), pos - 1);
      g_autoptr (ElCensusItem) b = g_list_model_get_item (G_LIST_MODEL (v.model), pos);

      g_assert_cmpint (el_census_item_compare (a, b), <, 0);
    }

  /* what the rows on screen say (the list view binds the visible ones: at least the first few) */
  shown_names = row_names (&v);
  g_assert_true (strlen (shown_names) > 0);
  g_assert_true (g_str_has_prefix (want_names, shown_names));
  text = el_gui_test_collect_text (v.panel);
  g_assert_nonnull (strstr (text, "12 patients"));
  {
    g_autoptr (ElCensusItem) first = g_list_model_get_item (G_LIST_MODEL (v.model), 0);

    g_assert_nonnull (strstr (text, el_census_item_get_room_bed (first)));
  }
  /* badges carry words: a handoff status, allergies or NKDA */
  g_assert_nonnull (strstr (text, "Ready"));
  g_assert_true (strstr (text, "NKDA") != NULL || strstr (text, "allerg") != NULL);

  /* one unit in nurse.a's cache: no picker */
  {
    GtkWidget *picker = el_gui_test_find (v.panel, GTK_TYPE_DROP_DOWN, "census-unit-picker");

    g_assert_nonnull (picker);
    el_gui_test_spin (100);
    g_assert_false (gtk_widget_get_visible (picker));
  }

  view_close (&v);
  el_test_api_free (api);
}

/* Search by family name, by room, by MRN (and accents / case) narrows what the rows show. */
static void
test_census_search (void)
{
  View v = { 0 };
  g_autoptr (ElCensusItem) third = NULL;
  g_autofree char *family = NULL;
  g_autofree char *room = NULL;
  g_autofree char *mrn = NULL;

  view_open (&v, EL_TEST_DEMO_NURSE_A);
  third = g_list_model_get_item (G_LIST_MODEL (v.model), 2);
  family = g_utf8_strdown (el_patient_get_family_name (el_census_item_get_patient (third)), -1);
  room = g_strdup (el_patient_get_room (el_census_item_get_patient (third)));
  mrn = g_strdup (el_patient_get_mrn (el_census_item_get_patient (third)));

  /* family name, lower case */
  type_search (&v, family);
  g_assert_cmpuint (n_shown (&v), >=, 1);
  g_assert_cmpuint (n_shown (&v), <, 12);
  for (guint pos = 0; pos < n_shown (&v); pos++)
    {
      g_autoptr (ElCensusItem) item = g_list_model_get_item (G_LIST_MODEL (v.model), pos);
      g_autofree char *name = g_utf8_strdown (el_census_item_get_display_name (item), -1);

      g_assert_nonnull (strstr (name, family));
    }
  {
    g_autofree char *rows = row_names (&v);
    g_autofree char *names = model_names (&v);

    g_assert_cmpstr (rows, ==, names);
    g_assert_nonnull (strstr (rows, el_census_item_get_display_name (third)));
  }

  /* room: the patients whose room (or record number) contains it, that patient among them */
  type_search (&v, room);
  g_assert_cmpuint (n_shown (&v), >=, 1);
  g_assert_cmpuint (n_shown (&v), <, 12);
  {
    g_autofree char *rows = row_names (&v);
    g_autofree char *names = model_names (&v);
    guint expected = 0;

    g_assert_cmpstr (rows, ==, names);
    g_assert_nonnull (strstr (rows, el_census_item_get_display_name (third)));
    g_assert_nonnull (el_census_model_find (v.model, el_census_item_get_patient_id (third), NULL));
    for (guint pos = 0; pos < n_shown (&v); pos++)
      {
        g_autoptr (ElCensusItem) item = g_list_model_get_item (G_LIST_MODEL (v.model), pos);
        ElPatient *p = el_census_item_get_patient (item);

        g_assert_true (strstr (el_patient_get_room (p), room) != NULL ||
                       strstr (el_patient_get_mrn (p), room) != NULL);
      }
    /* and no other patient of the unit matches */
    type_search (&v, "");
    for (guint pos = 0; pos < n_shown (&v); pos++)
      {
        g_autoptr (ElCensusItem) item = g_list_model_get_item (G_LIST_MODEL (v.model), pos);
        ElPatient *p = el_census_item_get_patient (item);

        expected +=
            strstr (el_patient_get_room (p), room) != NULL || strstr (el_patient_get_mrn (p), room) != NULL;
      }
    type_search (&v, room);
    g_assert_cmpuint (n_shown (&v), ==, expected);
  }

  /* MRN */
  type_search (&v, mrn);
  g_assert_cmpuint (n_shown (&v), ==, 1);
  {
    g_autoptr (ElCensusItem) item = g_list_model_get_item (G_LIST_MODEL (v.model), 0);

    g_assert_cmpstr (el_census_item_get_patient_id (item), ==, el_census_item_get_patient_id (third));
  }

  /* nothing: the empty state and the count */
  type_search (&v, "no such patient zzz");
  g_assert_cmpuint (n_shown (&v), ==, 0);
  {
    GtkWidget *empty = el_gui_test_find (v.panel, ADW_TYPE_STATUS_PAGE, "census-empty");
    GtkWidget *stack = gtk_widget_get_parent (empty);
    g_autofree char *text = el_gui_test_collect_text (v.panel);

    g_assert_true (GTK_IS_STACK (stack));
    g_assert_true (gtk_stack_get_visible_child (GTK_STACK (stack)) == empty);
    g_assert_true (gtk_widget_get_mapped (empty));
    g_assert_nonnull (strstr (text, "No patients match"));
    g_assert_nonnull (strstr (text, "0 of 12 patients"));
  }

  /* cleared: all again */
  type_search (&v, "");
  g_assert_cmpuint (n_shown (&v), ==, 12);

  /* Ctrl+F's action focuses the search */
  {
    GtkWidget *entry = el_gui_test_find (v.panel, GTK_TYPE_SEARCH_ENTRY, "census-search");

    gtk_widget_grab_focus (el_gui_test_find (v.panel, GTK_TYPE_LIST_VIEW, "census-list"));
    g_assert_true (gtk_widget_activate_action (v.panel, "census.focus-search", NULL));
    el_gui_test_spin (20);
    g_assert_true (gtk_widget_has_focus (entry) || gtk_widget_is_focus (gtk_widget_get_first_child (entry)) ||
                   gtk_widget_get_focus_child (entry) != NULL);
  }

  view_close (&v);
}

static void
set_status_filter (View *v, ElCensusStatusFilter filter)
{
  GtkWidget *dropdown = el_gui_test_find (v->panel, GTK_TYPE_DROP_DOWN, "census-status-filter");

  g_assert_nonnull (dropdown);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), filter);
  el_gui_test_spin (10);
  g_assert_cmpint (el_census_model_get_status_filter (v->model), ==, filter);
}

/* A handoff created, given a version and signed by the charge nurse for nurse.a as receiving nurse
 * (through the API); returns its id. The patient is @patient_id. */
static char *
sign_for_nurse_a (ElTestApi *api, const char *patient_id)
{
  const ElTestLogin *charge = el_test_api_login (api, EL_TEST_DEMO_CHARGE, EL_GUI_TEST_PASSWORD);
  const ElTestLogin *nurse = el_test_api_login (api, EL_TEST_DEMO_NURSE_A, EL_GUI_TEST_PASSWORD);
  g_autofree char *nurses =
      g_strdup_printf (",\"outgoing_nurse_id\":\"%s\",\"receiving_nurse_id\":\"%s\"", charge->id, nurse->id);
  g_autofree char *id = el_test_api_create_handoff (api, charge, patient_id, nurses, NULL);
  g_autofree char *versions = el_test_handoff_path (id, "/sbar/versions");
  g_autofree char *sign = el_test_handoff_path (id, "/sign");
  g_autofree char *body = el_test_sbar_version_body (0, "Stable overnight.");

  {
    g_autoptr (ElTestResponse) resp = el_test_api_call (api, "POST", versions, charge, body, EL_TEST_END);

    g_assert_cmpuint (resp->status, ==, 201);
  }
  {
    g_autoptr (ElTestResponse) resp = el_test_api_call (
        api, "POST", sign, charge, "{\"version\":1,\"password\":\"" EL_GUI_TEST_PASSWORD "\"}", EL_TEST_END);

    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_cmpstr (el_test_response_get_string (resp, "status"), ==, "signed");
  }
  return g_steal_pointer (&id);
}

/* The status filter, and "Needs my acknowledgment" after a handoff is signed for nurse.a and synced.
 * Changes the server: a signed handoff on one 4W patient (later tests do not depend on it). */
static void
test_census_filters_and_needs_ack (void)
{
  ElTestApi *api = el_test_api_new (server);
  View v = { 0 };
  g_autoptr (ElCensusItem) target = NULL;
  g_autofree char *handoff_id = NULL;
  GtkWidget *toggle;
  guint in_progress;

  view_open (&v, EL_TEST_DEMO_NURSE_A);

  /* the demo: every patient's current handoff is ready (in progress), none signed */
  set_status_filter (&v, EL_CENSUS_STATUS_FILTER_IN_PROGRESS);
  in_progress = n_shown (&v);
  g_assert_cmpuint (in_progress, >, 0);
  for (guint pos = 0; pos < n_shown (&v); pos++)
    {
      g_autoptr (ElCensusItem) item = g_list_model_get_item (G_LIST_MODEL (v.model), pos);
      ElHandoffStatus status;

      g_assert_true (el_census_item_get_handoff_status (item, &status));
      g_assert_true (status == EL_HANDOFF_STATUS_READY || status == EL_HANDOFF_STATUS_DRAFT ||
                     status == EL_HANDOFF_STATUS_PROCESSING);
    }
  set_status_filter (&v, EL_CENSUS_STATUS_FILTER_SIGNED);
  g_assert_cmpuint (n_shown (&v), ==, 0);
  set_status_filter (&v, EL_CENSUS_STATUS_FILTER_ALL);
  g_assert_cmpuint (n_shown (&v), ==, 12);

  toggle = el_gui_test_find (v.panel, GTK_TYPE_TOGGLE_BUTTON, "census-needs-ack");
  g_assert_nonnull (toggle);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (toggle), TRUE);
  el_gui_test_spin (10);
  g_assert_cmpstr (el_census_model_get_needs_ack_user (v.model), ==,
                   el_user_get_id (el_context_get_user (v.ctx)));
  g_assert_cmpuint (n_shown (&v), ==, 0);

  /* the charge nurse signs a handoff for nurse.a; nurse.a syncs */
  target = g_list_model_get_item (G_LIST_MODEL (v.model), 0) /* none shown */;
  g_assert_null (target);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (toggle), FALSE);
  el_gui_test_spin (10);
  target = g_list_model_get_item (G_LIST_MODEL (v.model), 4);
  handoff_id = sign_for_nurse_a (api, el_census_item_get_patient_id (target));
  el_gui_test_sync (v.ctx);
  EL_GUI_WAIT_FOR (({
    ElCensusItem *now = el_census_model_lookup (v.model, el_census_item_get_patient_id (target));
    ElHandoffStatus st;
    now != NULL &&el_census_item_get_handoff_status (now, &st) && st == EL_HANDOFF_STATUS_SIGNED;
  }));

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (toggle), TRUE);
  el_gui_test_spin (10);
  g_assert_cmpuint (n_shown (&v), ==, 1);
  {
    g_autoptr (ElCensusItem) item = g_list_model_get_item (G_LIST_MODEL (v.model), 0);
    g_autofree char *rows = row_names (&v);
    GtkWidget *status = NULL;
    g_autoptr (GPtrArray) badges = el_gui_test_find_all (v.panel, GTK_TYPE_LABEL, "census-row-status");

    g_assert_cmpstr (el_census_item_get_patient_id (item), ==, el_census_item_get_patient_id (target));
    g_assert_cmpstr (el_handoff_get_id (el_census_item_get_handoff (item)), ==, handoff_id);
    g_assert_cmpstr (rows, ==, el_census_item_get_display_name (target));
    for (guint i = 0; i < badges->len; i++)
      if (gtk_widget_get_mapped (badges->pdata[i]))
        status = badges->pdata[i];
    g_assert_nonnull (status);
    g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (status)), ==, "Signed");
  }

  /* signed filter: that patient; with needs-ack off, still only that one is signed */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (toggle), FALSE);
  set_status_filter (&v, EL_CENSUS_STATUS_FILTER_SIGNED);
  g_assert_cmpuint (n_shown (&v), ==, 1);
  set_status_filter (&v, EL_CENSUS_STATUS_FILTER_IN_PROGRESS);
  g_assert_cmpuint (n_shown (&v), ==, in_progress - 1);
  set_status_filter (&v, EL_CENSUS_STATUS_FILTER_ALL);

  view_close (&v);
  el_test_api_free (api);
}

/* The charge nurse: the picker is shown exactly when her cache holds more than one unit. */
static void
test_census_charge_unit_picker (void)
{
  View v = { 0 };
  GtkWidget *picker;
  g_autoptr (GPtrArray) units = NULL;
  guint n_hers = 0;

  view_open (&v, EL_TEST_DEMO_CHARGE);
  {
    g_autoptr (GAsyncResult) result = NULL;
    g_autoptr (GError) error = NULL;

    el_store_list_units_async (el_context_get_store (v.ctx), NULL, el_test_result_cb, &result);
    units = el_store_list_units_finish (el_context_get_store (v.ctx), el_test_wait_for (&result), &error);
    g_assert_no_error (error);
  }
  /* her units: the one she belongs to (a user without a unit, an administrator, has all) */
  for (guint i = 0; i < units->len; i++)
    {
      const char *own = el_user_get_unit_id (el_context_get_user (v.ctx));

      if (own == NULL || g_strcmp0 (own, el_unit_get_id (units->pdata[i])) == 0)
        n_hers++;
    }
  g_assert_cmpuint (n_hers, >=, 1);
  picker = el_gui_test_find (v.panel, GTK_TYPE_DROP_DOWN, "census-unit-picker");
  el_gui_test_spin (100);
  if (n_hers > 1)
    {
      g_assert_true (gtk_widget_get_visible (picker));
      g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (GTK_DROP_DOWN (picker))), ==,
                        n_hers);
    }
  else
    {
      g_test_message ("the charge nurse has %u unit (the cache holds %u): the picker must be hidden", n_hers,
                      units->len);
      g_assert_false (gtk_widget_get_visible (picker));
      g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (GTK_DROP_DOWN (picker))), ==, 1);
    }
  g_assert_cmpuint (n_shown (&v), ==, 12);
  g_assert_cmpstr (el_census_model_get_unit_id (v.model), ==,
                   el_user_get_unit_id (el_context_get_user (v.ctx)));
  view_close (&v);
}

static void
patient_activated_cb (ElCensusPanel *panel, const char *patient_id, gpointer user_data)
{
  (void) panel;
  g_free (*(char **) user_data);
  *(char **) user_data = g_strdup (patient_id);
}

static void
handoff_activated_cb (ElPatientPane *pane, const char *handoff_id, gpointer user_data)
{
  (void) pane;
  g_free (*(char **) user_data);
  *(char **) user_data = g_strdup (handoff_id);
}

static guint
count_handoff_rows (GtkWidget *pane, const char *list_name)
{
  GtkWidget *list = el_gui_test_find (pane, GTK_TYPE_LIST_BOX, list_name);
  g_autoptr (GPtrArray) rows = el_gui_test_find_all (list, ADW_TYPE_ACTION_ROW, "handoff-row");

  return rows->len;
}

/* Selecting a patient in the census shows her handoffs in the patient pane (this shift / earlier);
 * "New Handoff" creates a draft for the current shift in the store and activates it. */
static void
test_patient_pane (void)
{
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (server, EL_TEST_DEMO_NURSE_A, &data_dir);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *panel = el_census_panel_new (ctx);
  GtkWidget *pane = el_patient_pane_new (ctx);
  GtkWindow *window;
  ElCensusModel *model = el_census_panel_get_model (EL_CENSUS_PANEL (panel));
  g_autofree char *activated_patient = NULL;
  g_autofree char *activated_handoff = NULL;
  g_autoptr (ElCensusItem) item = NULL;
  g_autoptr (GPtrArray) stored = NULL;
  g_autofree char *text = NULL;
  GtkWidget *selection_view;
  guint before;

  gtk_widget_set_size_request (panel, 360, -1);
  gtk_widget_set_hexpand (pane, TRUE);
  gtk_box_append (GTK_BOX (box), panel);
  gtk_box_append (GTK_BOX (box), pane);
  window = el_gui_test_window_new (box);
  g_signal_connect (panel, "patient-activated", G_CALLBACK (patient_activated_cb), &activated_patient);
  g_signal_connect (pane, "handoff-activated", G_CALLBACK (handoff_activated_cb), &activated_handoff);
  g_signal_connect_swapped (panel, "patient-activated", G_CALLBACK (el_patient_pane_set_patient_id), pane);
  EL_GUI_WAIT_FOR (g_list_model_get_n_items (G_LIST_MODEL (model)) == 12);

  /* the list view's activation (Enter on a row) */
  selection_view = el_gui_test_find (panel, GTK_TYPE_LIST_VIEW, "census-list");
  item = g_list_model_get_item (G_LIST_MODEL (model), 1);
  g_signal_emit_by_name (selection_view, "activate", 1);
  g_assert_cmpstr (activated_patient, ==, el_census_item_get_patient_id (item));
  g_assert_cmpstr (el_census_panel_get_selected_patient_id (EL_CENSUS_PANEL (panel)), ==,
                   el_census_item_get_patient_id (item));
  g_assert_cmpstr (el_patient_pane_get_patient_id (EL_PATIENT_PANE (pane)), ==,
                   el_census_item_get_patient_id (item));

  /* the store's handoffs of that patient */
  {
    g_autoptr (GAsyncResult) result = NULL;
    g_autoptr (GError) error = NULL;

    el_store_list_handoffs_async (el_context_get_store (ctx), el_census_item_get_patient_id (item), NULL,
                                  el_test_result_cb, &result);
    stored = el_store_list_handoffs_finish (el_context_get_store (ctx), el_test_wait_for (&result), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (stored->len, >, 1);
  }
  EL_GUI_WAIT_FOR (el_patient_pane_get_handoffs (EL_PATIENT_PANE (pane))->len == stored->len);
  g_assert_cmpuint (count_handoff_rows (pane, "patient-handoffs-current") +
                        count_handoff_rows (pane, "patient-handoffs-earlier"),
                    ==, stored->len);
  g_assert_cmpuint (count_handoff_rows (pane, "patient-handoffs-earlier"), >=, 1);
  text = el_gui_test_collect_text (pane);
  g_assert_nonnull (strstr (text, el_patient_get_family_name (el_census_item_get_patient (item))));
  g_assert_nonnull (strstr (text, el_patient_get_mrn (el_census_item_get_patient (item))));
  g_assert_nonnull (strstr (text, "Earlier Shifts"));
  g_assert_nonnull (strstr (text, "Acknowledged")); /* the demo's earlier handoffs */
  g_assert_nonnull (strstr (text, "version 1"));

  /* activating a handoff row names it */
  {
    GtkWidget *list = el_gui_test_find (pane, GTK_TYPE_LIST_BOX, "patient-handoffs-earlier");
    GtkWidget *row = el_gui_test_find (list, ADW_TYPE_ACTION_ROW, "handoff-row");

    g_signal_emit_by_name (row, "activate");
    el_gui_test_spin (10);
    g_assert_cmpstr (activated_handoff, ==, g_object_get_data (G_OBJECT (row), "el-handoff-id"));
  }

  /* New Handoff */
  before = count_handoff_rows (pane, "patient-handoffs-current");
  g_clear_pointer (&activated_handoff, g_free);
  {
    GtkWidget *button = el_gui_test_find (pane, GTK_TYPE_BUTTON, "patient-new-handoff");

    g_assert_nonnull (button);
    EL_GUI_WAIT_FOR (gtk_widget_is_sensitive (button));
    el_gui_test_click (button);
  }
  EL_GUI_WAIT_FOR (activated_handoff != NULL);
  EL_GUI_WAIT_FOR (count_handoff_rows (pane, "patient-handoffs-current") == before + 1);
  {
    g_autoptr (GAsyncResult) result = NULL;
    g_autoptr (GError) error = NULL;
    g_autoptr (ElHandoff) handoff = NULL;
    g_autoptr (GDateTime) now = g_date_time_new_now_local ();
    GDate date;
    ElShift shift = el_census_shift_at (now, EL_SHIFT_PATTERN_TWELVE_HOUR, &date); /* the pane's default */

    el_store_get_handoff_async (el_context_get_store (ctx), activated_handoff, NULL, el_test_result_cb,
                                &result);
    handoff = el_store_get_handoff_finish (el_context_get_store (ctx), el_test_wait_for (&result), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (el_handoff_get_patient_id (handoff), ==, el_census_item_get_patient_id (item));
    g_assert_cmpint (el_handoff_get_status (handoff), ==, EL_HANDOFF_STATUS_DRAFT);
    g_assert_cmpint (el_handoff_get_shift (handoff), ==, shift);
    g_assert_cmpint (g_date_compare (el_handoff_get_shift_date (handoff), &date), ==, 0);
    g_assert_cmpstr (el_handoff_get_created_by (handoff), ==, el_user_get_id (el_context_get_user (ctx)));
  }
  /* the census row shows the new draft and that it is not yet on the server */
  EL_GUI_WAIT_FOR (({
    ElCensusItem *now = el_census_model_lookup (model, el_census_item_get_patient_id (item));
    now != NULL &&el_census_item_get_handoff (now) !=
        NULL &&g_strcmp0 (el_handoff_get_id (el_census_item_get_handoff (now)), activated_handoff) == 0;
  }));
  /* the selection survived the census reload */
  g_assert_cmpstr (el_census_panel_get_selected_patient_id (EL_CENSUS_PANEL (panel)), ==,
                   el_census_item_get_patient_id (item));

  /* pushed: the server has it */
  el_gui_test_sync (ctx);
  {
    ElTestApi *api = el_test_api_new (server);
    const ElTestLogin *nurse = el_test_api_login (api, EL_TEST_DEMO_NURSE_A, EL_GUI_TEST_PASSWORD);
    g_autofree char *path = el_test_handoff_path (activated_handoff, NULL);
    g_autoptr (ElTestResponse) resp = el_test_api_call (api, "GET", path, nurse, NULL, EL_TEST_END);

    g_assert_cmpuint (resp->status, ==, 200);
    g_assert_cmpstr (el_test_response_get_string (resp, "status"), ==, "draft");
    el_test_api_free (api);
  }

  g_signal_handlers_disconnect_by_data (panel, &activated_patient);
  g_signal_handlers_disconnect_by_data (pane, &activated_handoff);
  g_object_ref (pane);
  el_gui_test_assert_accessible (GTK_WIDGET (window));
  el_gui_test_destroy (window, G_OBJECT (panel));
  g_assert_finalize_object (pane);
  el_gui_test_close_context (ctx, data_dir);
}

int
main (int argc, char **argv)
{
  int status;

  el_gui_test_init (&argc, &argv);
  g_test_add_func ("/el/gui/census/lists-unit", test_census_lists_unit);
  g_test_add_func ("/el/gui/census/search", test_census_search);
  g_test_add_func ("/el/gui/census/charge-unit-picker", test_census_charge_unit_picker);
  g_test_add_func ("/el/gui/census/filters-and-needs-ack", test_census_filters_and_needs_ack);
  g_test_add_func ("/el/gui/census/patient-pane", test_patient_pane);

  server = el_gui_test_start_demo ();
  status = g_test_run ();
  el_test_server_free (server);
  return status;
}
