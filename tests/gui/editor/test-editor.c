/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The SBAR editor on a real eclipselink-server (demo hospital) and a real signed-in ElContext:
 * load, edit, save (online and offline), the completeness meter, validation, allergies, AI marks
 * with the transcript sentence and the Confirm button, undo, the unsaved-changes guard, read-only.
 */
#include "config.h"

#include "el-gui-test.h"
#include "el-sbar-editor.h"

static ElTestServer *shared_server;

/* Helpers --------------------------------------------------------------------------------------- */

static GPtrArray *
census (ElContext *ctx)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  ElStore *store = el_context_get_store (ctx);
  GPtrArray *entries;

  el_store_census_async (store, el_user_get_unit_id (el_context_get_user (ctx)), NULL, el_test_result_cb,
                         &result);
  entries = el_store_census_finish (store, el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, >, 6);
  return entries;
}

/* The current (ready) handoff of the unit's patient @index and its latest version's number. */
static char *
current_handoff (ElContext *ctx, guint index, int *version, char **patient_id)
{
  g_autoptr (GPtrArray) entries = census (ctx);
  ElStoreCensusEntry *entry = g_ptr_array_index (entries, index);

  g_assert_nonnull (entry->handoff);
  g_assert_cmpint (el_handoff_get_status (entry->handoff), ==, EL_HANDOFF_STATUS_READY);
  g_assert_cmpint (entry->sbar_version, >=, 1);
  if (version != NULL)
    *version = entry->sbar_version;
  if (patient_id != NULL)
    *patient_id = g_strdup (el_patient_get_id (entry->patient));
  return g_strdup (el_handoff_get_id (entry->handoff));
}

static ElStoreSbar *
store_latest (ElContext *ctx, const char *handoff_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  ElStore *store = el_context_get_store (ctx);
  ElStoreSbar *sbar;

  el_store_get_sbar_async (store, handoff_id, 0, NULL, el_test_result_cb, &result);
  sbar = el_store_get_sbar_finish (store, el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  return sbar;
}

static ElSbarEditor *
open_editor (ElContext *ctx, const char *handoff_id, GtkWindow **window)
{
  ElSbarEditor *editor = EL_SBAR_EDITOR (el_sbar_editor_new (ctx));

  *window = el_gui_test_window_new (GTK_WIDGET (editor));
  el_sbar_editor_load (editor, handoff_id);
  g_assert_true (el_sbar_editor_get_loading (editor));
  EL_GUI_WAIT_FOR (!el_sbar_editor_get_loading (editor));
  g_assert_cmpstr (el_sbar_editor_get_handoff_id (editor), ==, handoff_id);
  return editor;
}

static GtkWidget *
find (ElSbarEditor *editor, const char *name)
{
  GtkWidget *widget = el_gui_test_find (GTK_WIDGET (editor), G_TYPE_NONE, name);

  g_assert_nonnull (widget);
  return widget;
}

static GtkTextBuffer *
section_buffer (ElSbarEditor *editor, const char *section)
{
  g_autofree char *name = g_strdup_printf ("editor-%s", section);

  return gtk_text_view_get_buffer (GTK_TEXT_VIEW (find (editor, name)));
}

static char *
buffer_text (GtkTextBuffer *buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static const char *
label_text (ElSbarEditor *editor, const char *name)
{
  return gtk_label_get_label (GTK_LABEL (find (editor, name)));
}

static void
saved_cb (ElSbarEditor *editor, const char *op_id, int version, gpointer user_data)
{
  int *saved_version = user_data;

  g_assert_nonnull (op_id);
  *saved_version = version;
}

/* Activates editor.save as Ctrl+S does and waits for ::saved; returns the new version. */
static int
save (ElSbarEditor *editor)
{
  int version = 0;
  gulong id = g_signal_connect (editor, "saved", G_CALLBACK (saved_cb), &version);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  EL_GUI_WAIT_FOR (version != 0);
  g_signal_handler_disconnect (editor, id);
  return version;
}

static guint
count_visible (ElSbarEditor *editor, const char *name)
{
  g_autoptr (GPtrArray) widgets = el_gui_test_find_all (GTK_WIDGET (editor), G_TYPE_NONE, name);
  guint n = 0;

  for (guint i = 0; i < widgets->len; i++)
    if (gtk_widget_is_visible (g_ptr_array_index (widgets, i)))
      n++;
  return n;
}

/* Tests ----------------------------------------------------------------------------------------- */

static void
test_load_edit_save_sync (void)
{
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (shared_server, EL_TEST_DEMO_NURSE_A, &data_dir);
  int n = 0;
  g_autofree char *handoff_id = current_handoff (ctx, 0, &n, NULL);
  g_autoptr (ElStoreSbar) before = store_latest (ctx, handoff_id);
  GtkWindow *window = NULL;
  ElSbarEditor *editor = open_editor (ctx, handoff_id, &window);
  g_autofree char *situation = buffer_text (section_buffer (editor, "situation"));
  g_autofree char *assessment = buffer_text (section_buffer (editor, "assessment"));
  g_autoptr (ElStoreSbar) after = NULL;
  g_autoptr (ElTestApi) api = el_test_api_new (shared_server);
  const ElTestLogin *nurse = el_test_api_login (api, EL_TEST_DEMO_NURSE_A, EL_GUI_TEST_PASSWORD);
  g_autofree char *path = el_test_handoff_path (handoff_id, "/sbar");
  g_autoptr (ElTestResponse) resp = NULL;
  JsonObject *obj;
  const char *edited = "Edited in the editor: stable overnight, afebrile.";

  /* What the server wrote is what the nurse sees. */
  g_assert_cmpint (el_sbar_editor_get_base_version (editor), ==, n);
  g_assert_cmpstr (situation, ==, el_sbar_version_get_situation (before->version));
  g_assert_cmpstr (assessment, ==, el_sbar_version_get_assessment (before->version));
  g_assert_false (el_sbar_editor_get_dirty (editor));
  g_assert_false (el_sbar_editor_get_read_only (editor));
  g_assert_cmpfloat (el_sbar_editor_get_completeness (editor), >, 50);
  g_assert_true (g_str_has_suffix (label_text (editor, "editor-completeness-label"), "%"));
  g_assert_cmpfloat (gtk_level_bar_get_value (GTK_LEVEL_BAR (find (editor, "editor-completeness"))), ==,
                     el_sbar_editor_get_completeness (editor));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find (editor, "editor-vital-heart-rate"))), !=, "");

  /* Edit a section and a vital. */
  gtk_text_buffer_set_text (section_buffer (editor, "situation"), edited, -1);
  g_assert_true (el_sbar_editor_get_dirty (editor));
  el_gui_test_set_text (find (editor, "editor-vital-heart-rate"), "88");
  g_assert_false (gtk_widget_is_visible (find (editor, "editor-vitals-message")));

  g_assert_cmpint (save (editor), ==, n + 1);
  g_assert_cmpint (el_sbar_editor_get_base_version (editor), ==, n + 1);
  g_assert_false (el_sbar_editor_get_dirty (editor));
  g_assert_false (gtk_widget_get_visible (find (editor, "editor-error")));

  /* The store's latest is a pending N+1 with the new text and vital. */
  after = store_latest (ctx, handoff_id);
  g_assert_true (after->pending);
  g_assert_cmpint (el_sbar_version_get_version (after->version), ==, n + 1);
  g_assert_cmpstr (el_sbar_version_get_situation (after->version), ==, edited);
  g_assert_cmpstr (el_sbar_version_get_assessment (after->version), ==, assessment);
  g_assert_cmpfloat (
      el_sbar_fields_get_vitals (el_sbar_version_get_fields (after->version))->heart_rate->value, ==, 88);
  g_assert_cmpint (el_sbar_version_get_source (after->version), ==, EL_SBAR_SOURCE_NURSE);
  g_assert_cmpstr (el_sbar_version_get_author_id (after->version), ==,
                   el_user_get_id (el_context_get_user (ctx)));
  /* Unedited fields are carried over. */
  g_assert_true (el_sbar_fields_get_code_status (el_sbar_version_get_fields (after->version)) != NULL);
  g_assert_true (el_sbar_fields_get_patient_identifiers (el_sbar_version_get_fields (after->version)) !=
                 NULL);
  g_assert_cmpuint (el_sbar_fields_get_meds_due (el_sbar_version_get_fields (after->version))->len, ==,
                    el_sbar_fields_get_meds_due (el_sbar_version_get_fields (before->version))->len);

  /* After a sync, the server's latest is N+1 with the text. */
  el_gui_test_sync (ctx);
  resp = el_test_api_call (api, "GET", path, nurse, NULL, EL_TEST_END);
  g_assert_cmpuint (resp->status, ==, 200);
  obj = el_test_response_get_object (resp);
  g_assert_cmpint (json_object_get_int_member (obj, "version"), ==, n + 1);
  g_assert_cmpstr (json_object_get_string_member (obj, "situation"), ==, edited);
  g_clear_pointer (&after, el_store_sbar_free);
  after = store_latest (ctx, handoff_id);
  g_assert_false (after->pending);
  g_assert_cmpint (el_sbar_version_get_version (after->version), ==, n + 1);

  el_gui_test_assert_accessible (GTK_WIDGET (window));

  el_gui_test_destroy (window, G_OBJECT (editor));
  el_gui_test_close_context (ctx, data_dir);
}

static void
test_offline_save (void)
{
  g_autoptr (ElTestServer) server = el_gui_test_start_demo ();
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (server, EL_TEST_DEMO_NURSE_A, &data_dir);
  int n = 0;
  g_autofree char *handoff_id = current_handoff (ctx, 1, &n, NULL);
  GtkWindow *window = NULL;
  ElSbarEditor *editor = NULL;
  g_autoptr (ElStoreSbar) after = NULL;
  g_autoptr (GPtrArray) ops = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  ElStore *store = el_context_get_store (ctx);
  gboolean found = FALSE;

  g_assert_cmpint (el_test_server_stop (server), ==, 0);
  editor = open_editor (ctx, handoff_id, &window);
  gtk_text_buffer_set_text (section_buffer (editor, "recommendation"), "Written while the server was down.",
                            -1);
  g_assert_cmpint (save (editor), ==, n + 1);
  g_assert_false (el_sbar_editor_get_dirty (editor));

  after = store_latest (ctx, handoff_id);
  g_assert_true (after->pending);
  g_assert_cmpstr (el_sbar_version_get_recommendation (after->version), ==,
                   "Written while the server was down.");

  el_store_list_ops_async (store, EL_STORE_OP_FILTER_ALL, NULL, el_test_result_cb, &result);
  ops = el_store_list_ops_finish (store, el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < ops->len; i++)
    {
      ElStoreOp *op = g_ptr_array_index (ops, i);

      if (g_strcmp0 (op->kind, EL_STORE_OP_SBAR_CREATE) == 0 && g_strcmp0 (op->resource_id, handoff_id) == 0)
        {
          g_assert_cmpint (op->base_version, ==, n);
          g_assert_cmpstr (op->op_id, ==, after->op_id);
          found = TRUE;
        }
    }
  g_assert_true (found);

  el_gui_test_assert_accessible (GTK_WIDGET (window));

  el_gui_test_destroy (window, G_OBJECT (editor));
  el_gui_test_close_context (ctx, data_dir);
}

static void
test_completeness_and_validation (void)
{
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (shared_server, EL_TEST_DEMO_NURSE_A, &data_dir);
  int n = 0;
  g_autofree char *handoff_id = current_handoff (ctx, 2, &n, NULL);
  GtkWindow *window = NULL;
  ElSbarEditor *editor = open_editor (ctx, handoff_id, &window);
  GtkWidget *code_status = find (editor, "editor-code-status");
  GtkWidget *temperature = find (editor, "editor-vital-temperature");
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (ElStoreSbar) latest = NULL;
  double full;

  /* The meter's missing list follows the code status. */
  g_assert_null (strstr (label_text (editor, "editor-missing"), "Code status"));
  full = el_sbar_editor_get_completeness (editor);
  adw_combo_row_set_selected (ADW_COMBO_ROW (code_status), 0);
  EL_GUI_WAIT_FOR (strstr (label_text (editor, "editor-missing"), "Code status") != NULL);
  g_assert_cmpfloat (el_sbar_editor_get_completeness (editor), <, full);
  {
    g_autoptr (ElSbarVersion) content = el_sbar_editor_get_content (editor);

    g_assert_null (el_sbar_fields_get_code_status (el_sbar_version_get_fields (content)));
  }
  adw_combo_row_set_selected (ADW_COMBO_ROW (code_status), 1 + EL_CODE_STATUS_DNR);
  EL_GUI_WAIT_FOR (strstr (label_text (editor, "editor-missing"), "Code status") == NULL);
  g_assert_cmpfloat (el_sbar_editor_get_completeness (editor), ==, full);

  /* An out-of-range vital is shown and blocks the save; nothing is dropped silently. */
  el_gui_test_set_text (temperature, "52");
  g_assert_true (gtk_widget_has_css_class (temperature, "error"));
  g_assert_true (gtk_widget_is_visible (find (editor, "editor-vitals-message")));
  g_assert_nonnull (strstr (label_text (editor, "editor-vitals-message"), "Temperature"));
  el_sbar_editor_save_async (editor, NULL, el_test_result_cb, &result);
  g_assert_cmpint (el_sbar_editor_save_finish (editor, el_test_wait_for (&result), &error), ==, 0);
  g_assert_error (error, EL_SBAR_EDITOR_ERROR, EL_SBAR_EDITOR_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_object (&result);
  g_assert_true (gtk_widget_get_visible (find (editor, "editor-error")));
  g_assert_nonnull (strstr (label_text (editor, "editor-error"), "Temperature must be"));
  g_assert_true (el_sbar_editor_get_dirty (editor));
  latest = store_latest (ctx, handoff_id);
  g_assert_false (latest->pending);
  g_assert_cmpint (el_sbar_version_get_version (latest->version), ==, n);

  /* Half a blood pressure, and a contingency without "then", block it too. */
  el_gui_test_set_text (temperature, "37.5");
  g_assert_false (gtk_widget_has_css_class (temperature, "error"));
  el_gui_test_set_text (find (editor, "editor-vital-diastolic"), "");
  g_assert_nonnull (strstr (label_text (editor, "editor-vitals-message"), "systolic and the diastolic"));
  el_gui_test_set_text (find (editor, "editor-vital-diastolic"), "70");
  el_gui_test_click (find (editor, "editor-add-contingency"));
  {
    g_autoptr (GPtrArray) ifs =
        el_gui_test_find_all (GTK_WIDGET (editor), G_TYPE_NONE, "editor-contingency-if");

    el_gui_test_set_text (g_ptr_array_index (ifs, ifs->len - 1), "Pain above 6");
  }
  el_sbar_editor_save_async (editor, NULL, el_test_result_cb, &result);
  g_assert_cmpint (el_sbar_editor_save_finish (editor, el_test_wait_for (&result), &error), ==, 0);
  g_assert_error (error, EL_SBAR_EDITOR_ERROR, EL_SBAR_EDITOR_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_object (&result);
  g_assert_nonnull (strstr (label_text (editor, "editor-error"), "both “if” and “then”"));
  {
    g_autoptr (GPtrArray) thens =
        el_gui_test_find_all (GTK_WIDGET (editor), G_TYPE_NONE, "editor-contingency-then");

    el_gui_test_set_text (g_ptr_array_index (thens, thens->len - 1), "Call the resident");
  }

  /* Fixed: it saves, with the typed values. */
  g_assert_cmpint (save (editor), ==, n + 1);
  g_clear_pointer (&latest, el_store_sbar_free);
  latest = store_latest (ctx, handoff_id);
  {
    ElSbarFields *fields = el_sbar_version_get_fields (latest->version);
    GPtrArray *contingencies = el_sbar_fields_get_contingencies (fields);
    ElSbarContingency *last = g_ptr_array_index (contingencies, contingencies->len - 1);

    g_assert_cmpfloat (el_sbar_fields_get_vitals (fields)->temperature_c->value, ==, 37.5);
    g_assert_cmpint (el_sbar_fields_get_vitals (fields)->blood_pressure->diastolic, ==, 70);
    g_assert_cmpint (el_sbar_fields_get_code_status (fields)->value, ==, EL_CODE_STATUS_DNR);
    g_assert_cmpstr (last->condition, ==, "Pain above 6");
    g_assert_cmpstr (last->action, ==, "Call the resident");
  }

  el_gui_test_assert_accessible (GTK_WIDGET (window));

  el_gui_test_destroy (window, G_OBJECT (editor));
  el_gui_test_close_context (ctx, data_dir);
}

static void
test_allergies (void)
{
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (shared_server, EL_TEST_DEMO_NURSE_A, &data_dir);
  g_autofree char *handoff_id = current_handoff (ctx, 3, NULL, NULL);
  GtkWindow *window = NULL;
  ElSbarEditor *editor = open_editor (ctx, handoff_id, &window);
  GtkWidget *nkda = find (editor, "editor-nkda");
  guint chips;
  g_autoptr (ElSbarVersion) content = NULL;
  ElSbarAllergies *allergies;

  gtk_switch_set_active (GTK_SWITCH (nkda), FALSE);
  chips = count_visible (editor, "editor-allergy-chip");
  el_gui_test_set_text (find (editor, "editor-allergy-substance"), "Latex");
  el_gui_test_set_text (find (editor, "editor-allergy-reaction"), "rash");
  el_gui_test_click (find (editor, "editor-allergy-add"));
  g_assert_cmpuint (count_visible (editor, "editor-allergy-chip"), ==, chips + 1);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find (editor, "editor-allergy-substance"))), ==, "");
  g_assert_true (el_sbar_editor_get_dirty (editor));
  content = el_sbar_editor_get_content (editor);
  allergies = el_sbar_fields_get_allergies (el_sbar_version_get_fields (content));
  g_assert_false (allergies->no_known_allergies);
  g_assert_cmpstr (
      ((ElSbarAllergy *) g_ptr_array_index (allergies->items, allergies->items->len - 1))->reaction, ==,
      "rash");
  g_clear_object (&content);

  /* "NKDA" as a substance is the switch's business. */
  el_gui_test_set_text (find (editor, "editor-allergy-substance"), "NKDA");
  el_gui_test_click (find (editor, "editor-allergy-add"));
  g_assert_cmpuint (count_visible (editor, "editor-allergy-chip"), ==, chips + 1);
  g_assert_true (gtk_widget_is_visible (find (editor, "editor-allergy-message")));
  el_gui_test_set_text (find (editor, "editor-allergy-substance"), "");

  /* The switch clears the chips; NKDA and items exclude each other. */
  gtk_switch_set_active (GTK_SWITCH (nkda), TRUE);
  g_assert_cmpuint (count_visible (editor, "editor-allergy-chip"), ==, 0);
  content = el_sbar_editor_get_content (editor);
  allergies = el_sbar_fields_get_allergies (el_sbar_version_get_fields (content));
  g_assert_true (allergies->no_known_allergies);
  g_assert_cmpuint (allergies->items->len, ==, 0);
  g_clear_object (&content);

  el_gui_test_set_text (find (editor, "editor-allergy-substance"), "Penicillin");
  el_gui_test_click (find (editor, "editor-allergy-add"));
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (nkda)));
  g_assert_cmpuint (count_visible (editor, "editor-allergy-chip"), ==, 1);

  el_gui_test_click (find (editor, "editor-allergy-remove"));
  g_assert_cmpuint (count_visible (editor, "editor-allergy-chip"), ==, 0);
  content = el_sbar_editor_get_content (editor);
  g_assert_null (el_sbar_fields_get_allergies (el_sbar_version_get_fields (content)));

  el_gui_test_assert_accessible (GTK_WIDGET (window));

  el_gui_test_destroy (window, G_OBJECT (editor));
  el_gui_test_close_context (ctx, data_dir);
}

/* A transcript on this PC: a recording row applied as the change feed would bring it. */
static void
add_recording (ElContext *ctx, const char *handoff_id, const char *transcript)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (ElRecording) recording = el_recording_new ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *id = g_uuid_string_random ();
  ElStore *store = el_context_get_store (ctx);
  JsonObject *page = json_object_new ();
  JsonObject *upserts = json_object_new ();
  JsonArray *recordings = json_array_new ();
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  gint64 cursor;

  el_store_get_cursor_async (store, NULL, el_test_result_cb, &result);
  cursor = el_store_get_cursor_finish (store, el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  el_recording_set_id (recording, id);
  el_recording_set_handoff_id (recording, handoff_id);
  el_recording_set_status (recording, EL_RECORDING_STATUS_COMPLETED);
  el_recording_set_mime_type (recording, EL_AUDIO_MIME_TYPE_OGG);
  el_recording_set_transcript (recording, transcript);
  el_recording_set_created_at (recording, now);
  el_recording_set_updated_at (recording, now);
  json_array_add_element (recordings, el_recording_to_json (recording));
  json_object_set_array_member (upserts, "recordings", recordings);
  json_object_set_int_member (page, "next_cursor", cursor);
  json_object_set_boolean_member (page, "has_more", FALSE);
  json_object_set_object_member (page, "upserts", upserts);
  json_object_set_object_member (page, "tombstones", json_object_new ());
  json_node_take_object (node, page);
  json_node_seal (node);

  el_store_apply_changes_page_async (store, node, NULL, el_test_result_cb, &result);
  g_assert_true (el_store_apply_changes_page_finish (store, el_test_wait_for (&result), NULL, &error));
  g_assert_no_error (error);
}

static void
test_ai_marks (void)
{
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (shared_server, EL_TEST_DEMO_NURSE_A, &data_dir);
  int n = 0;
  g_autofree char *handoff_id = current_handoff (ctx, 4, &n, NULL);
  g_autoptr (ElStoreSbar) before = store_latest (ctx, handoff_id);
  g_autoptr (ElSbarVersion) content = el_sbar_version_new ();
  ElSbarFields *fields;
  g_autoptr (ElSpan) code_span = el_span_new (18, 27);  /* "full code" */
  g_autoptr (ElSpan) pulse_span = el_span_new (48, 50); /* "92" */
  const char *transcript = "Mister Doe is a full code. Temperature 37.5 and pulse 92 at rest. No pain.";
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *op_id = NULL;
  GtkWindow *window = NULL;
  ElSbarEditor *editor = NULL;
  g_autoptr (ElTestApi) api = el_test_api_new (shared_server);
  const ElTestLogin *nurse = el_test_api_login (api, EL_TEST_DEMO_NURSE_A, EL_GUI_TEST_PASSWORD);
  g_autofree char *path = el_test_handoff_path (handoff_id, "/sbar");
  g_autoptr (ElTestResponse) resp = NULL;
  g_autoptr (ElSbarVersion) edited = NULL;
  GtkWidget *confirm;

  /* A version whose values carry spans, saved as a nurse's draft would be. */
  g_assert_cmpint (g_utf8_strlen (transcript, -1), >, 60);
  pulse_span->start = g_utf8_pointer_to_offset (transcript, strstr (transcript, "92"));
  pulse_span->end = pulse_span->start + 2;
  code_span->start = g_utf8_pointer_to_offset (transcript, strstr (transcript, "full code"));
  code_span->end = code_span->start + 9;
  el_span_set_confidence (code_span, 0.95);
  el_span_set_confidence (pulse_span, 0.4);
  el_sbar_version_set_source (content, EL_SBAR_SOURCE_NURSE);
  el_sbar_version_set_situation (content, el_sbar_version_get_situation (before->version));
  el_sbar_version_set_fields (content, el_sbar_version_get_fields (before->version));
  fields = el_sbar_version_get_fields (content);
  el_sbar_fields_get_code_status (fields)->value = EL_CODE_STATUS_FULL_CODE;
  el_sbar_fields_get_code_status (fields)->span = el_span_copy (code_span);
  el_sbar_fields_get_vitals (fields)->heart_rate->value = 92;
  el_sbar_fields_get_vitals (fields)->heart_rate->span = el_span_copy (pulse_span);
  el_store_save_sbar_draft_async (el_context_get_store (ctx), handoff_id, n, content, NULL, el_test_result_cb,
                                  &result);
  op_id = el_store_save_sbar_draft_finish (el_context_get_store (ctx), el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  add_recording (ctx, handoff_id, transcript);

  editor = open_editor (ctx, handoff_id, &window);
  g_assert_cmpint (el_sbar_editor_get_base_version (editor), ==, n + 1);

  /* Two AI marks with words; one low-confidence value to confirm. */
  g_assert_cmpuint (count_visible (editor, "editor-ai-mark"), ==, 2);
  g_assert_cmpuint (count_visible (editor, "editor-confirm"), ==, 1);
  g_assert_cmpint (el_sbar_editor_get_unconfirmed_count (editor), ==, 1);
  {
    g_autofree char *text = el_gui_test_collect_text (GTK_WIDGET (editor));

    g_assert_nonnull (strstr (text, "From recording"));
    g_assert_nonnull (strstr (text, "Check this value"));
  }

  /* The sentence around each span, no more. */
  {
    g_autoptr (GPtrArray) sentences =
        el_gui_test_find_all (GTK_WIDGET (editor), G_TYPE_NONE, "editor-ai-sentence");
    gboolean code_seen = FALSE, pulse_seen = FALSE;

    for (guint i = 0; i < sentences->len; i++)
      {
        const char *text = gtk_label_get_text (g_ptr_array_index (sentences, i));

        if (g_strcmp0 (text, "Mister Doe is a full code.") == 0)
          code_seen = TRUE;
        if (g_strcmp0 (text, "Temperature 37.5 and pulse 92 at rest.") == 0)
          pulse_seen = TRUE;
      }
    g_assert_true (code_seen);
    g_assert_true (pulse_seen);
  }

  /* Confirming the unsure value; the nurse's own edit drops the span. */
  confirm = NULL;
  {
    g_autoptr (GPtrArray) buttons = el_gui_test_find_all (GTK_WIDGET (editor), G_TYPE_NONE, "editor-confirm");

    for (guint i = 0; i < buttons->len; i++)
      if (gtk_widget_is_visible (g_ptr_array_index (buttons, i)))
        confirm = g_ptr_array_index (buttons, i);
  }
  g_assert_nonnull (confirm);
  el_gui_test_click (confirm);
  g_assert_cmpint (el_sbar_editor_get_unconfirmed_count (editor), ==, 0);
  g_assert_cmpuint (count_visible (editor, "editor-confirm"), ==, 0);
  g_assert_false (el_sbar_editor_get_dirty (editor));

  adw_combo_row_set_selected (ADW_COMBO_ROW (find (editor, "editor-code-status")), 1 + EL_CODE_STATUS_DNR);
  g_assert_cmpuint (count_visible (editor, "editor-ai-mark"), ==, 1);
  edited = el_sbar_editor_get_content (editor);
  g_assert_null (el_sbar_fields_get_code_status (el_sbar_version_get_fields (edited))->span);
  g_assert_nonnull (el_sbar_fields_get_vitals (el_sbar_version_get_fields (edited))->heart_rate->span);

  /* The server takes spans from a nurse's save. */
  el_gui_test_sync (ctx);
  resp = el_test_api_call (api, "GET", path, nurse, NULL, EL_TEST_END);
  g_assert_cmpuint (resp->status, ==, 200);
  {
    JsonObject *f = json_object_get_object_member (el_test_response_get_object (resp), "fields");
    JsonObject *hr =
        json_object_get_object_member (json_object_get_object_member (f, "vitals"), "heart_rate");

    g_assert_true (json_object_has_member (hr, "span"));
  }

  el_gui_test_assert_accessible (GTK_WIDGET (window));

  el_gui_test_destroy (window, G_OBJECT (editor));
  el_gui_test_close_context (ctx, data_dir);
}

static void
test_undo (void)
{
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (shared_server, EL_TEST_DEMO_NURSE_A, &data_dir);
  g_autofree char *handoff_id = current_handoff (ctx, 5, NULL, NULL);
  GtkWindow *window = NULL;
  ElSbarEditor *editor = open_editor (ctx, handoff_id, &window);
  GtkWidget *view = find (editor, "editor-background");
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  g_autofree char *original = buffer_text (buffer);
  g_autofree char *text = NULL;

  /* Loading is not an edit to undo. */
  g_assert_false (gtk_text_buffer_get_can_undo (buffer));
  g_assert_true (gtk_text_buffer_get_enable_undo (buffer));
  g_assert_true (gtk_text_view_get_wrap_mode (GTK_TEXT_VIEW (view)) != GTK_WRAP_NONE);

  gtk_text_buffer_insert_at_cursor (buffer, " Added by hand.", -1);
  g_assert_true (el_sbar_editor_get_dirty (editor));
  text = buffer_text (buffer);
  g_assert_cmpstr (text, !=, original);
  g_clear_pointer (&text, g_free);

  /* Ctrl+Z is text.undo; Ctrl+Shift+Z text.redo. */
  g_assert_true (gtk_widget_activate_action (view, "text.undo", NULL));
  text = buffer_text (buffer);
  g_assert_cmpstr (text, ==, original);
  g_clear_pointer (&text, g_free);
  g_assert_true (gtk_widget_activate_action (view, "text.redo", NULL));
  text = buffer_text (buffer);
  g_assert_true (g_str_has_suffix (text, " Added by hand."));

  el_gui_test_assert_accessible (GTK_WIDGET (window));

  el_gui_test_destroy (window, G_OBJECT (editor));
  el_gui_test_close_context (ctx, data_dir);
}

static void
leave_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  int *answer = user_data;
  g_autoptr (GError) error = NULL;

  *answer = el_sbar_editor_confirm_leave_finish (EL_SBAR_EDITOR (source), result, &error) ? 1 : 0;
  g_assert_no_error (error);
}

/* Asks to leave, answers @response in the dialog (NULL: expects no dialog); returns the answer. */
static gboolean
leave (ElSbarEditor *editor, GtkWindow *window, const char *response)
{
  int answer = -1;

  el_sbar_editor_confirm_leave_async (editor, window, NULL, leave_cb, &answer);
  if (response == NULL)
    {
      g_assert_null (el_sbar_editor_get_leave_dialog (editor));
    }
  else
    {
      AdwMessageDialog *dialog = el_sbar_editor_get_leave_dialog (editor);

      g_assert_nonnull (dialog);
      g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Save changes to this handoff?");
      g_assert_true (adw_message_dialog_has_response (dialog, "cancel"));
      g_assert_true (adw_message_dialog_has_response (dialog, "discard"));
      g_assert_true (adw_message_dialog_has_response (dialog, "save"));
      el_gui_test_spin (20);
      adw_message_dialog_response (dialog, response);
    }
  EL_GUI_WAIT_FOR (answer != -1);
  g_assert_null (el_sbar_editor_get_leave_dialog (editor));
  return answer == 1;
}

static void
test_confirm_leave (void)
{
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (shared_server, EL_TEST_DEMO_NURSE_A, &data_dir);
  int n = 0;
  g_autofree char *handoff_id = current_handoff (ctx, 6, &n, NULL);
  GtkWindow *window = NULL;
  ElSbarEditor *editor = open_editor (ctx, handoff_id, &window);
  g_autoptr (ElStoreSbar) latest = NULL;

  /* Not dirty: no question. */
  g_assert_true (leave (editor, window, NULL));

  gtk_text_buffer_set_text (section_buffer (editor, "assessment"), "Changed before leaving.", -1);
  g_assert_false (leave (editor, window, "cancel"));
  g_assert_true (el_sbar_editor_get_dirty (editor));
  g_assert_true (leave (editor, window, "discard"));
  latest = store_latest (ctx, handoff_id);
  g_assert_false (latest->pending);
  g_clear_pointer (&latest, el_store_sbar_free);

  g_assert_true (leave (editor, window, "save"));
  g_assert_false (el_sbar_editor_get_dirty (editor));
  latest = store_latest (ctx, handoff_id);
  g_assert_true (latest->pending);
  g_assert_cmpint (el_sbar_version_get_version (latest->version), ==, n + 1);
  g_assert_cmpstr (el_sbar_version_get_assessment (latest->version), ==, "Changed before leaving.");

  el_gui_test_assert_accessible (GTK_WIDGET (window));

  el_gui_test_destroy (window, G_OBJECT (editor));
  el_gui_test_close_context (ctx, data_dir);
}

static void
test_read_only (void)
{
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (shared_server, EL_TEST_DEMO_NURSE_A, &data_dir);
  g_autofree char *patient_id = NULL;
  g_autofree char *current = current_handoff (ctx, 7, NULL, &patient_id);
  g_autoptr (GPtrArray) handoffs = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  ElStore *store = el_context_get_store (ctx);
  const char *acknowledged = NULL;
  GtkWindow *window = NULL;
  ElSbarEditor *editor = NULL;

  el_store_list_handoffs_async (store, patient_id, NULL, el_test_result_cb, &result);
  handoffs = el_store_list_handoffs_finish (store, el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  for (guint i = 0; i < handoffs->len && acknowledged == NULL; i++)
    if (el_handoff_get_status (g_ptr_array_index (handoffs, i)) == EL_HANDOFF_STATUS_ACKNOWLEDGED)
      acknowledged = el_handoff_get_id (g_ptr_array_index (handoffs, i));
  g_assert_nonnull (acknowledged);

  editor = open_editor (ctx, acknowledged, &window);
  g_assert_true (el_sbar_editor_get_read_only (editor));
  g_assert_true (gtk_widget_get_visible (find (editor, "editor-read-only")));
  g_assert_nonnull (strstr (label_text (editor, "editor-read-only"), "acknowledged"));
  g_assert_false (gtk_widget_is_sensitive (find (editor, "editor-situation")));
  g_assert_false (gtk_widget_is_sensitive (find (editor, "editor-vital-heart-rate")));
  g_assert_false (gtk_widget_is_sensitive (find (editor, "editor-code-status")));
  {
    g_autofree char *situation = buffer_text (section_buffer (editor, "situation"));

    g_assert_cmpstr (situation, !=, "");
  }
  el_sbar_editor_save_async (editor, NULL, el_test_result_cb, &result);
  g_assert_cmpint (el_sbar_editor_save_finish (editor, el_test_wait_for (&result), &error), ==, 0);
  g_assert_error (error, EL_SBAR_EDITOR_ERROR, EL_SBAR_EDITOR_ERROR_READ_ONLY);
  g_clear_error (&error);
  g_clear_object (&result); /* a GTask holds the editor */

  /* Loading the current handoff in the same editor makes it editable again. */
  el_sbar_editor_load (editor, current);
  EL_GUI_WAIT_FOR (!el_sbar_editor_get_loading (editor));
  g_assert_false (el_sbar_editor_get_read_only (editor));
  g_assert_false (gtk_widget_get_visible (find (editor, "editor-read-only")));
  g_assert_true (gtk_widget_is_sensitive (find (editor, "editor-situation")));

  el_gui_test_assert_accessible (GTK_WIDGET (window));

  el_gui_test_destroy (window, G_OBJECT (editor));
  el_gui_test_close_context (ctx, data_dir);
}

static gboolean
has_save_shortcut (GtkWidget *widget)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr (GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          g_autofree char *trigger = gtk_shortcut_trigger_to_string (gtk_shortcut_get_trigger (shortcut));
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);

          if (g_strcmp0 (trigger, "<Control>s") == 0 && GTK_IS_NAMED_ACTION (action) &&
              g_strcmp0 (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)), "editor.save") == 0)
            return TRUE;
        }
    }
  return FALSE;
}

/* A handoff made on this PC has no version yet: the editor starts empty from base 0. */
static void
test_new_handoff (void)
{
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (shared_server, EL_TEST_DEMO_NURSE_A, &data_dir);
  g_autofree char *patient_id = NULL;
  g_autofree char *current = current_handoff (ctx, 8, NULL, &patient_id);
  g_autoptr (ElHandoff) handoff = el_handoff_new ();
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *op_id = NULL;
  ElUser *user = el_context_get_user (ctx);
  ElStore *store = el_context_get_store (ctx);
  GDate date;
  GtkWindow *window = NULL;
  ElSbarEditor *editor = NULL;
  g_autoptr (ElStoreSbar) latest = NULL;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                  g_date_time_get_year (now));
  el_handoff_set_id (handoff, id);
  el_handoff_set_patient_id (handoff, patient_id);
  el_handoff_set_unit_id (handoff, el_user_get_unit_id (user));
  el_handoff_set_shift_date (handoff, &date);
  el_handoff_set_shift (handoff, EL_SHIFT_DAY);
  el_handoff_set_status (handoff, EL_HANDOFF_STATUS_DRAFT);
  el_handoff_set_created_by (handoff, el_user_get_id (user));
  el_handoff_set_created_at (handoff, now);
  el_handoff_set_updated_at (handoff, now);
  el_store_create_handoff_async (store, handoff, NULL, el_test_result_cb, &result);
  op_id = el_store_create_handoff_finish (store, el_test_wait_for (&result), &error);
  g_assert_no_error (error);

  editor = open_editor (ctx, id, &window);
  g_assert_true (has_save_shortcut (GTK_WIDGET (editor)));
  g_assert_cmpint (el_sbar_editor_get_base_version (editor), ==, 0);
  g_assert_false (el_sbar_editor_get_read_only (editor));
  g_assert_false (el_sbar_editor_get_dirty (editor));
  {
    g_autofree char *situation = buffer_text (section_buffer (editor, "situation"));

    g_assert_cmpstr (situation, ==, "");
  }
  g_assert_cmpfloat (el_sbar_editor_get_completeness (editor), ==, 0);
  g_assert_nonnull (strstr (label_text (editor, "editor-missing"), "Code status"));
  g_assert_nonnull (strstr (label_text (editor, "editor-missing"), "Allergies"));

  gtk_text_buffer_set_text (section_buffer (editor, "situation"), "New admission from the ED.", -1);
  el_gui_test_click (find (editor, "editor-add-med"));
  el_gui_test_set_text (find (editor, "editor-med-name"), "Heparin");
  el_gui_test_set_text (find (editor, "editor-med-time"), "25:00");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  EL_GUI_WAIT_FOR (gtk_widget_get_visible (find (editor, "editor-error")));
  g_assert_nonnull (strstr (label_text (editor, "editor-error"), "HH:MM"));
  g_assert_true (gtk_widget_has_css_class (find (editor, "editor-med-time"), "error"));
  el_gui_test_set_text (find (editor, "editor-med-time"), "21:00");
  g_assert_cmpint (save (editor), ==, 1);

  latest = store_latest (ctx, id);
  g_assert_true (latest->pending);
  g_assert_cmpint (el_sbar_version_get_version (latest->version), ==, 1);
  g_assert_cmpstr (el_sbar_version_get_situation (latest->version), ==, "New admission from the ED.");
  g_assert_cmpstr (((ElSbarMedDue *) g_ptr_array_index (
                        el_sbar_fields_get_meds_due (el_sbar_version_get_fields (latest->version)), 0))
                       ->time,
                   ==, "21:00");

  el_gui_test_assert_accessible (GTK_WIDGET (window));

  el_gui_test_destroy (window, G_OBJECT (editor));
  el_gui_test_close_context (ctx, data_dir);
}

int
main (int argc, char **argv)
{
  int status;

  el_gui_test_init (&argc, &argv);
  g_test_add_func ("/el/gui/editor/load-edit-save-sync", test_load_edit_save_sync);
  g_test_add_func ("/el/gui/editor/offline-save", test_offline_save);
  g_test_add_func ("/el/gui/editor/completeness-and-validation", test_completeness_and_validation);
  g_test_add_func ("/el/gui/editor/allergies", test_allergies);
  g_test_add_func ("/el/gui/editor/ai-marks", test_ai_marks);
  g_test_add_func ("/el/gui/editor/undo", test_undo);
  g_test_add_func ("/el/gui/editor/confirm-leave", test_confirm_leave);
  g_test_add_func ("/el/gui/editor/read-only", test_read_only);
  g_test_add_func ("/el/gui/editor/new-handoff", test_new_handoff);

  shared_server = el_gui_test_start_demo ();
  status = g_test_run ();
  g_assert_cmpint (el_test_server_stop (shared_server), ==, 0);
  g_clear_pointer (&shared_server, el_test_server_free);
  return status;
}
