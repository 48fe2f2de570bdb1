/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Sign and acknowledge on a real eclipselink-server (demo hospital) with real signed-in ElContexts:
 * nurse A signs on her PC, the charge nurse acknowledges with read-back on hers (two data dirs,
 * both on 4W); after syncs both editors are read-only. Sign… is insensitive while the editor is
 * dirty or a value is unconfirmed; a wrong password shows words; missing critical items need the
 * explicit checkbox; accessible names; everything finalized.
 */
#include "config.h"

#include <string.h>

#include "el-acknowledge-dialog.h"
#include "el-gui-test.h"
#include "el-sbar-editor.h"
#include "el-sign-bar.h"
#include "el-sign-dialog.h"

static ElTestServer *shared_server;

/* A new handoff of 4W's first patient with one nurse version holding only a situation (so every
 * critical item is missing), status ready. Made by nurse A through the API. */
static char *
ready_handoff (void)
{
  g_autoptr (ElTestApi) api = el_test_api_new (shared_server);
  const ElTestLogin *nurse = el_test_api_login (api, EL_TEST_DEMO_NURSE_A, EL_GUI_TEST_PASSWORD);
  g_autofree char *patient = el_test_api_patient_id (api, nurse, 0);
  g_autofree char *id = el_test_api_create_handoff (api, nurse, patient, NULL, NULL);
  g_autofree char *path = el_test_handoff_path (id, "/sbar/versions");
  g_autofree char *body = el_test_sbar_version_body (0, "Stable overnight, ready for the day team");
  g_autofree char *key = g_uuid_string_random ();
  g_autoptr (ElTestResponse) resp =
      el_test_api_call (api, "POST", path, nurse, body, "Idempotency-Key", key, EL_TEST_END);

  g_assert_cmpuint (resp->status, ==, 201);
  return g_steal_pointer (&id);
}

typedef struct
{
  GtkWindow *window;
  ElSbarEditor *editor;
  ElSignBar *bar;
  guint changed;
} Pc;

static void
bar_changed_cb (ElSignBar *bar, gpointer user_data)
{
  Pc *pc = user_data;

  pc->changed++;
  /* what the window does: reload the editor */
  el_sbar_editor_load (pc->editor, el_sbar_editor_get_handoff_id (pc->editor));
}

static void
pc_open (Pc *pc, ElContext *ctx, const char *handoff_id)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  pc->editor = EL_SBAR_EDITOR (el_sbar_editor_new (ctx));
  gtk_widget_set_vexpand (GTK_WIDGET (pc->editor), TRUE);
  pc->bar = EL_SIGN_BAR (el_sign_bar_new (ctx));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (pc->editor));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (pc->bar));
  el_sign_bar_set_editor (pc->bar, pc->editor);
  g_signal_connect (pc->bar, "changed", G_CALLBACK (bar_changed_cb), pc);
  pc->window = el_gui_test_window_new (box);
  el_sbar_editor_load (pc->editor, handoff_id);
  EL_GUI_WAIT_FOR (!el_sbar_editor_get_loading (pc->editor) &&
                   g_strcmp0 (el_sbar_editor_get_handoff_id (pc->editor), handoff_id) == 0);
}

static void
pc_close (Pc *pc)
{
  GObject *editor = G_OBJECT (pc->editor);

  g_object_add_weak_pointer (editor, (gpointer *) &pc->editor);
  el_gui_test_destroy (pc->window, G_OBJECT (pc->bar));
  g_assert_null (pc->editor);
}

static gboolean
state_has (ElSignBar *bar, const char *words)
{
  const char *text = el_sign_bar_get_state_text (bar);

  return text != NULL && strstr (text, words) != NULL;
}

static gboolean
hint_has (ElSignBar *bar, const char *words)
{
  GtkWidget *hint = el_gui_test_find (GTK_WIDGET (bar), GTK_TYPE_LABEL, "sign-hint");

  return gtk_widget_get_visible (hint) && strstr (gtk_label_get_text (GTK_LABEL (hint)), words) != NULL;
}

static GtkWidget *
find (gpointer root, const char *name)
{
  GtkWidget *w = el_gui_test_find (GTK_WIDGET (root), G_TYPE_NONE, name);

  g_assert_nonnull (w);
  return w;
}

static void
test_sign_then_acknowledge (void)
{
  g_autofree char *dir_a = NULL;
  g_autofree char *dir_c = NULL;
  g_autofree char *id = ready_handoff ();
  ElContext *a = el_gui_test_sign_in (shared_server, EL_TEST_DEMO_NURSE_A, &dir_a);
  ElContext *c = el_gui_test_sign_in (shared_server, EL_TEST_DEMO_CHARGE, &dir_c);
  const char *name_a = el_user_get_name (el_context_get_user (a));
  const char *name_c = el_user_get_name (el_context_get_user (c));
  Pc pa = { 0 }, pcc = { 0 };
  GtkWindow *dialog;
  GtkWidget *sign, *confirm, *check;

  /* ---- nurse A signs on her PC ---- */
  pc_open (&pa, a, id);
  EL_GUI_WAIT_FOR (state_has (pa.bar, "Ready to sign"));
  sign = find (pa.bar, "sign-button");
  g_assert_true (gtk_widget_get_visible (sign));
  EL_GUI_WAIT_FOR (gtk_widget_get_sensitive (sign));
  g_assert_false (gtk_widget_get_visible (find (pa.bar, "acknowledge-button")));
  el_gui_test_assert_accessible (GTK_WIDGET (pa.window));

  el_gui_test_click (sign);
  dialog = el_sign_bar_get_dialog (pa.bar);
  g_assert_true (EL_IS_SIGN_DIALOG (dialog));
  g_assert_false (gtk_widget_get_sensitive (sign)); /* one dialog at a time */
  {
    g_autofree char *text = el_gui_test_collect_text (GTK_WIDGET (dialog));

    g_assert_nonnull (strstr (text, "version 1"));
    /* every critical item is missing from this version: listed by name */
    g_assert_nonnull (strstr (text, "Critical items missing"));
    g_assert_nonnull (strstr (text, "Code status"));
    g_assert_nonnull (strstr (text, "Allergies"));
  }
  confirm = find (dialog, "sign-confirm");
  check = find (dialog, "sign-missing-check");
  g_assert_true (gtk_widget_get_visible (find (dialog, "sign-missing")));
  el_gui_test_assert_accessible (GTK_WIDGET (dialog));

  /* a password alone is not enough: the missing items need the explicit check */
  el_gui_test_set_text (find (dialog, "sign-password"), "not-her-password");
  g_assert_false (gtk_widget_get_sensitive (confirm));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
  g_assert_true (gtk_widget_get_sensitive (confirm));

  /* a wrong password: words, and the dialog stays */
  el_gui_test_click (confirm);
  EL_GUI_WAIT_FOR (el_sign_dialog_get_error (EL_SIGN_DIALOG (dialog)) != NULL);
  g_assert_nonnull (strstr (el_sign_dialog_get_error (EL_SIGN_DIALOG (dialog)), "password is not correct"));
  g_assert_true (el_sign_bar_get_dialog (pa.bar) == dialog);
  g_assert_cmpuint (pa.changed, ==, 0);
  el_gui_test_shot (GTK_WIDGET (dialog), "sign-wrong-password");

  el_gui_test_set_text (find (dialog, "sign-password"), EL_GUI_TEST_PASSWORD);
  el_gui_test_click (confirm);
  EL_GUI_WAIT_FOR (el_sign_bar_get_dialog (pa.bar) == NULL);
  EL_GUI_WAIT_FOR (pa.changed == 1);
  EL_GUI_WAIT_FOR (state_has (pa.bar, "Signed by you") && !el_sbar_editor_get_loading (pa.editor));
  g_assert_nonnull (strstr (el_sign_bar_get_state_text (pa.bar), "waiting for read-back"));
  g_assert_false (gtk_widget_get_visible (find (pa.bar, "sign-button")));
  /* the signer does not acknowledge her own handoff */
  g_assert_false (gtk_widget_get_visible (find (pa.bar, "acknowledge-button")));

  /* ---- the charge nurse acknowledges on her PC ---- */
  el_gui_test_sync (c);
  pc_open (&pcc, c, id);
  EL_GUI_WAIT_FOR (state_has (pcc.bar, name_a));
  g_assert_nonnull (strstr (el_sign_bar_get_state_text (pcc.bar), "waiting for read-back"));
  g_assert_false (gtk_widget_get_visible (find (pcc.bar, "sign-button")));
  EL_GUI_WAIT_FOR (gtk_widget_get_sensitive (find (pcc.bar, "acknowledge-button")));
  g_assert_true (gtk_widget_get_visible (find (pcc.bar, "acknowledge-button")));
  el_gui_test_assert_accessible (GTK_WIDGET (pcc.window));

  el_gui_test_click (find (pcc.bar, "acknowledge-button"));
  dialog = el_sign_bar_get_dialog (pcc.bar);
  g_assert_true (EL_IS_ACKNOWLEDGE_DIALOG (dialog));
  {
    g_autofree char *text = el_gui_test_collect_text (GTK_WIDGET (dialog));
    g_autoptr (GPtrArray) rows =
        el_gui_test_find_all (GTK_WIDGET (dialog), G_TYPE_NONE, "acknowledge-readback-row");

    /* code status, allergies, isolation, vitals, meds due, contingencies */
    g_assert_cmpuint (rows->len, ==, 6);
    g_assert_nonnull (strstr (text, "Code status"));
    g_assert_nonnull (strstr (text, "Not recorded"));
    g_assert_nonnull (strstr (text, "I read back the critical items"));
  }
  el_gui_test_assert_accessible (GTK_WIDGET (dialog));
  confirm = find (dialog, "acknowledge-confirm");
  g_assert_false (gtk_widget_get_sensitive (confirm)); /* the read-back check is required */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (find (dialog, "acknowledge-check")), TRUE);
  g_assert_true (gtk_widget_get_sensitive (confirm));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (find (dialog, "acknowledge-note"))),
                            "Read back with Avery at the bedside", -1);
  el_gui_test_shot (GTK_WIDGET (dialog), "acknowledge-dialog");
  el_gui_test_click (confirm);
  EL_GUI_WAIT_FOR (el_sign_bar_get_dialog (pcc.bar) == NULL);
  EL_GUI_WAIT_FOR (pcc.changed == 1);
  EL_GUI_WAIT_FOR (state_has (pcc.bar, "Acknowledged by you") && !el_sbar_editor_get_loading (pcc.editor));
  g_assert_nonnull (strstr (el_sign_bar_get_state_text (pcc.bar), "read-only"));
  EL_GUI_WAIT_FOR (el_sbar_editor_get_read_only (pcc.editor));
  g_assert_false (gtk_widget_get_visible (find (pcc.bar, "acknowledge-button")));

  /* ---- nurse A's PC after a sync: acknowledged, read-only ---- */
  el_gui_test_sync (a);
  el_sbar_editor_load (pa.editor, id);
  EL_GUI_WAIT_FOR (!el_sbar_editor_get_loading (pa.editor) && el_sbar_editor_get_read_only (pa.editor));
  EL_GUI_WAIT_FOR (state_has (pa.bar, name_c));
  g_assert_nonnull (strstr (el_sign_bar_get_state_text (pa.bar), "read-only"));
  g_assert_false (gtk_widget_get_visible (find (pa.bar, "sign-button")));

  pc_close (&pcc);
  pc_close (&pa);
  el_gui_test_close_context (c, dir_c);
  el_gui_test_close_context (a, dir_a);
  g_object_unref (c);
  g_object_unref (a);
}

/* Sign… only for a saved report without unconfirmed values. */
static void
test_sign_sensitivity (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *id = ready_handoff ();
  ElContext *a = el_gui_test_sign_in (shared_server, EL_TEST_DEMO_NURSE_A, &dir);
  Pc pa = { 0 };
  GtkWidget *sign;
  GtkTextBuffer *situation;
  g_autoptr (ElSbarVersion) content = el_sbar_version_new ();
  g_autoptr (ElSpan) span = el_span_new (0, 5);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *op_id = NULL;
  g_autoptr (ElSbarFields) fields = el_sbar_fields_new ();

  pc_open (&pa, a, id);
  sign = find (pa.bar, "sign-button");
  EL_GUI_WAIT_FOR (state_has (pa.bar, "Ready to sign"));
  EL_GUI_WAIT_FOR (gtk_widget_get_sensitive (sign));

  /* dirty: insensitive, and the hint says why */
  situation = gtk_text_view_get_buffer (GTK_TEXT_VIEW (find (pa.editor, "editor-situation")));
  gtk_text_buffer_set_text (situation, "Changed, not saved", -1);
  EL_GUI_WAIT_FOR (el_sbar_editor_get_dirty (pa.editor));
  g_assert_false (gtk_widget_get_sensitive (sign));
  g_assert_nonnull (
      strstr (gtk_label_get_text (GTK_LABEL (find (pa.bar, "sign-hint"))), "Save your changes"));
  g_assert_true (gtk_widget_get_visible (find (pa.bar, "sign-hint")));

  /* a version with a low-confidence value: insensitive until it is confirmed */
  el_sbar_version_set_source (content, EL_SBAR_SOURCE_NURSE);
  el_sbar_version_set_situation (content, "Pulse 92 at rest");
  {
    ElSbarVitals *vitals = el_sbar_vitals_new ();

    vitals->heart_rate = el_sbar_measure_new (92);
    el_span_set_confidence (span, 0.4);
    vitals->heart_rate->span = el_span_copy (span);
    el_sbar_fields_set_vitals (fields, vitals);
    el_sbar_vitals_free (vitals);
  }
  el_sbar_version_set_fields (content, fields);
  el_store_save_sbar_draft_async (el_context_get_store (a), id, 1, content, NULL, el_test_result_cb, &result);
  op_id = el_store_save_sbar_draft_finish (el_context_get_store (a), el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  el_sbar_editor_load (pa.editor, id);
  EL_GUI_WAIT_FOR (!el_sbar_editor_get_loading (pa.editor) &&
                   el_sbar_editor_get_base_version (pa.editor) == 2);
  g_assert_false (el_sbar_editor_get_dirty (pa.editor));
  if (el_sbar_editor_get_unconfirmed_count (pa.editor) > 0)
    {
      g_autoptr (GPtrArray) buttons =
          el_gui_test_find_all (GTK_WIDGET (pa.editor), G_TYPE_NONE, "editor-confirm");

      EL_GUI_WAIT_FOR (hint_has (pa.bar, "Confirm"));
      g_assert_false (gtk_widget_get_sensitive (sign));
      for (guint i = 0; i < buttons->len; i++)
        if (gtk_widget_get_visible (g_ptr_array_index (buttons, i)))
          el_gui_test_click (g_ptr_array_index (buttons, i));
      g_assert_cmpint (el_sbar_editor_get_unconfirmed_count (pa.editor), ==, 0);
      if (el_sbar_editor_get_dirty (pa.editor))
        {
          /* confirming is an edit: save it, then Sign… is back */
          g_assert_false (gtk_widget_get_sensitive (sign));
          g_clear_object (&result);
          el_sbar_editor_save_async (pa.editor, NULL, el_test_result_cb, &result);
          g_assert_cmpint (el_sbar_editor_save_finish (pa.editor, el_test_wait_for (&result), &error), >, 0);
          g_assert_no_error (error);
        }
      EL_GUI_WAIT_FOR (gtk_widget_get_sensitive (sign));
    }
  else
    g_test_message ("the editor shows no confirm button without a recording: unconfirmed part skipped");

  pc_close (&pa);
  el_gui_test_close_context (a, dir);
  g_object_unref (a);
}

int
main (int argc, char *argv[])
{
  int status;

  el_gui_test_init (&argc, &argv);
  shared_server = el_gui_test_start_demo ();
  g_test_add_func ("/el/gui/sign/sign-then-acknowledge", test_sign_then_acknowledge);
  g_test_add_func ("/el/gui/sign/sensitivity", test_sign_sensitivity);
  status = g_test_run ();
  el_test_server_stop (shared_server);
  el_test_server_free (shared_server);
  return status;
}
