/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The version history (list, word diff, restore) and the conflict view from a real 409, on a real
 * eclipselink-server with the demo hospital, real ElContexts (keyring, SQLite cache).
 */
#include "config.h"

#include "el-conflict-view.h"
#include "el-gui-labels.h"
#include "el-gui-test.h"
#include "el-history-view.h"

/* ---- Store helpers (each waits for its async call) ---- */

/* An open (not signed) handoff of the signed-in user's unit that has at least one SBAR version. */
static char *
find_open_handoff (ElContext *ctx, int *latest)
{
  ElStore *store = el_context_get_store (ctx);
  ElUser *user = el_context_get_user (ctx);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = NULL;

  g_assert_nonnull (user);
  el_store_census_async (store, el_user_get_unit_id (user), NULL, el_test_result_cb, &result);
  entries = el_store_census_finish (store, el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    {
      ElStoreCensusEntry *entry = entries->pdata[i];
      ElHandoffStatus status;

      if (entry->handoff == NULL || entry->sbar_version < 1 || entry->sbar_pending)
        continue;
      status = el_handoff_get_status (entry->handoff);
      if (status != EL_HANDOFF_STATUS_READY && status != EL_HANDOFF_STATUS_DRAFT)
        continue;
      *latest = entry->sbar_version;
      return g_strdup (el_handoff_get_id (entry->handoff));
    }
  g_error ("no open handoff with a version in the demo unit");
  return NULL;
}

/* @version 0: the latest shown locally. */
static ElStoreSbar *
get_sbar (ElContext *ctx, const char *handoff_id, int version)
{
  ElStore *store = el_context_get_store (ctx);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  ElStoreSbar *sbar;

  el_store_get_sbar_async (store, handoff_id, version, NULL, el_test_result_cb, &result);
  sbar = el_store_get_sbar_finish (store, el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (sbar);
  return sbar;
}

/* A nurse's version with these sections and @from's fields (heart rate set to @heart_rate when > 0). */
static ElSbarVersion *
make_content (ElContext *ctx,
              ElSbarVersion *from,
              const char *situation,
              const char *background,
              const char *assessment,
              const char *recommendation,
              double heart_rate)
{
  ElSbarVersion *content = el_sbar_version_new ();
  ElUser *user = el_context_get_user (ctx);
  ElSbarFields *fields = el_sbar_fields_copy (el_sbar_version_get_fields (from));
  ElSbarVitals *vitals = el_sbar_fields_get_vitals (fields);

  if (heart_rate > 0)
    {
      if (vitals == NULL)
        {
          el_sbar_fields_take_vitals (fields, el_sbar_vitals_new ());
          vitals = el_sbar_fields_get_vitals (fields);
        }
      g_clear_pointer (&vitals->heart_rate, el_sbar_measure_free);
      vitals->heart_rate = el_sbar_measure_new (heart_rate);
    }
  el_sbar_version_set_source (content, EL_SBAR_SOURCE_NURSE);
  el_sbar_version_set_situation (content, situation);
  el_sbar_version_set_background (content, background);
  el_sbar_version_set_assessment (content, assessment);
  el_sbar_version_set_recommendation (content, recommendation);
  el_sbar_version_take_fields (content, fields);
  el_sbar_version_set_author_id (content, el_user_get_id (user));
  el_sbar_version_set_author_name (content, el_user_get_name (user));
  return content;
}

static void
save_draft (ElContext *ctx, const char *handoff_id, int base_version, ElSbarVersion *content)
{
  ElStore *store = el_context_get_store (ctx);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *op_id = NULL;

  el_store_save_sbar_draft_async (store, handoff_id, base_version, content, NULL, el_test_result_cb, &result);
  op_id = el_store_save_sbar_draft_finish (store, el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (op_id);
}

static GPtrArray *
list_conflicts (ElContext *ctx)
{
  ElStore *store = el_context_get_store (ctx);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *conflicts;

  el_store_list_conflicts_async (store, NULL, el_test_result_cb, &result);
  conflicts = el_store_list_conflicts_finish (store, el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  return conflicts;
}

static gint64
pending_count (ElContext *ctx)
{
  ElStore *store = el_context_get_store (ctx);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  gint64 n;

  el_store_get_pending_count_async (store, NULL, el_test_result_cb, &result);
  n = el_store_get_pending_count_finish (store, el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  return n;
}

static double
heart_rate_of (ElSbarVersion *version)
{
  ElSbarVitals *vitals = el_sbar_fields_get_vitals (el_sbar_version_get_fields (version));

  g_assert_nonnull (vitals);
  g_assert_nonnull (vitals->heart_rate);
  return vitals->heart_rate->value;
}

/* ---- Widget helpers ---- */

static char *
buffer_text (GtkWidget *text_view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (text_view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* The texts of the ranges tagged @tag_name, in order, joined with '|'. */
static char *
tagged_ranges (GtkWidget *text_view, const char *tag_name)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (text_view));
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), tag_name);
  g_autoptr (GString) out = g_string_new (NULL);
  GtkTextIter iter;

  g_assert_nonnull (tag);
  gtk_text_buffer_get_start_iter (buffer, &iter);
  while (TRUE)
    {
      GtkTextIter end;
      g_autofree char *text = NULL;

      if (!gtk_text_iter_has_tag (&iter, tag) && !gtk_text_iter_forward_to_tag_toggle (&iter, tag))
        break;
      if (!gtk_text_iter_has_tag (&iter, tag))
        break;
      end = iter;
      gtk_text_iter_forward_to_tag_toggle (&end, tag);
      text = gtk_text_iter_get_text (&iter, &end);
      if (out->len > 0)
        g_string_append_c (out, '|');
      g_string_append (out, text);
      iter = end;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static GtkWidget *
find (GtkWidget *root, const char *name)
{
  GtkWidget *widget = el_gui_test_find (root, G_TYPE_NONE, name);

  if (widget == NULL)
    g_error ("no widget named %s", name);
  return widget;
}

static gboolean
text_contains (GtkWidget *root, const char *needle)
{
  g_autofree char *text = el_gui_test_collect_text (root);

  return strstr (text, needle) != NULL;
}

static void
int_signal_cb (GObject *object, int value, int *out)
{
  (void) object;
  *out = value;
}

static void
string_signal_cb (GObject *object, const char *value, char **out)
{
  (void) object;
  g_free (*out);
  *out = g_strdup (value);
}

static gboolean
view_ready (ElHistoryView *view, guint n)
{
  return !el_history_view_get_loading (view) && el_history_view_get_n_versions (view) == n;
}

/* ---- History ---- */

#define SITUATION_1 "Alert and fully oriented, pain controlled"
#define SITUATION_2 "Alert and oriented, pain controlled with oral oxycodone"
#define BACKGROUND  "Admitted two days ago after a fall at home"
#define ASSESS_1    "Lungs clear, incision dry"
#define ASSESS_2    "Lungs clear, incision dry and intact"
#define RECOMMEND   "Walk twice before noon"

static void
test_history_diff_restore (void)
{
  g_autoptr (ElTestServer) server = el_gui_test_start_demo ();
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (server, EL_TEST_DEMO_NURSE_A, &data_dir);
  ElUser *user = el_context_get_user (ctx);
  g_autofree char *handoff_id = NULL;
  g_autoptr (ElStoreSbar) base = NULL;
  g_autoptr (ElSbarVersion) first = NULL;
  g_autoptr (ElSbarVersion) second = NULL;
  g_autoptr (ElStoreSbar) latest = NULL;
  g_autofree char *row_name = NULL;
  g_autofree char *text = NULL;
  g_autofree char *inserted = NULL;
  g_autofree char *deleted = NULL;
  GtkWidget *view, *list, *row, *situation, *restore;
  GtkWindow *window;
  int n = 0;
  int restored = 0;

  handoff_id = find_open_handoff (ctx, &n);
  base = get_sbar (ctx, handoff_id, n);

  /* Two versions through the store, then pushed. */
  first = make_content (ctx, base->version, SITUATION_1, BACKGROUND, ASSESS_1, RECOMMEND, 0);
  save_draft (ctx, handoff_id, n, first);
  second = make_content (ctx, base->version, SITUATION_2, BACKGROUND, ASSESS_2, RECOMMEND, 123);
  save_draft (ctx, handoff_id, n + 1, second);
  el_gui_test_sync (ctx);
  g_assert_cmpint (pending_count (ctx), ==, 0);

  view = el_history_view_new (ctx);
  window = el_gui_test_window_new (view);
  el_history_view_load (EL_HISTORY_VIEW (view), handoff_id);
  EL_GUI_WAIT_FOR (view_ready (EL_HISTORY_VIEW (view), (guint) n + 2));

  /* The list: newest first, with author, source and completeness in words. */
  list = find (view, "history-list");
  g_assert_true (GTK_IS_LIST_BOX (list));
  row = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0));
  row_name = g_strdup_printf ("history-version-%d", n + 2);
  g_assert_cmpstr (gtk_widget_get_name (row), ==, row_name);
  g_clear_pointer (&row_name, g_free);
  g_assert_null (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), n + 2));
  text = el_gui_test_collect_text (row);
  g_assert_nonnull (strstr (text, el_user_get_name (user)));
  g_assert_nonnull (strstr (text, el_gui_source_label (EL_SBAR_SOURCE_NURSE)));
  g_assert_nonnull (strstr (text, "% complete"));
  g_assert_null (strstr (text, "Not sent yet"));
  g_clear_pointer (&text, g_free);
  row = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 1));
  row_name = g_strdup_printf ("history-version-%d", n + 1);
  g_assert_cmpstr (gtk_widget_get_name (row), ==, row_name);
  g_clear_pointer (&row_name, g_free);

  /* The diff of the two versions: exactly the inserted and the deleted words are tagged. */
  g_assert_true (el_history_view_compare (EL_HISTORY_VIEW (view), n + 1, n + 2));
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (find (view, "history-from"))), ==, 1);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (find (view, "history-to"))), ==, 0);
  situation = find (view, "history-diff-situation");
  text = buffer_text (situation);
  g_assert_cmpstr (text, ==, "Alert and fully oriented, pain controlled with oral oxycodone");
  inserted = tagged_ranges (situation, "el-diff-insert");
  deleted = tagged_ranges (situation, "el-diff-delete");
  g_assert_cmpstr (inserted, ==, "with oral oxycodone");
  g_assert_cmpstr (deleted, ==, "fully");
  g_clear_pointer (&text, g_free);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (find (view, "history-summary-situation"))), ==,
                   "3 words added, 1 removed");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (find (view, "history-summary-background"))), ==,
                   "No changes");
  g_clear_pointer (&inserted, g_free);
  text = buffer_text (find (view, "history-diff-assessment"));
  g_assert_cmpstr (text, ==, ASSESS_2);
  inserted = tagged_ranges (find (view, "history-diff-assessment"), "el-diff-insert");
  g_assert_cmpstr (inserted, ==, "and intact");
  g_clear_pointer (&text, g_free);

  /* Unchanged sections say so; the changed field is listed in words with old and new values. */
  text = buffer_text (find (view, "history-diff-background"));
  g_assert_cmpstr (text, ==, "No changes");
  g_clear_pointer (&text, g_free);
  text = buffer_text (find (view, "history-diff-recommendation"));
  g_assert_cmpstr (text, ==, "No changes");
  g_clear_pointer (&text, g_free);
  text = el_gui_test_collect_text (find (view, "history-fields"));
  g_assert_nonnull (strstr (text, "Heart rate: "));
  g_assert_nonnull (strstr (text, "→ 123"));
  g_assert_null (strstr (text, "Temperature"));
  g_clear_pointer (&text, g_free);
  g_assert_false (gtk_widget_get_visible (find (view, "history-fields-unchanged")));

  /* The other direction swaps the tags. */
  g_assert_true (el_history_view_compare (EL_HISTORY_VIEW (view), n + 2, n + 1));
  g_clear_pointer (&inserted, g_free);
  g_clear_pointer (&deleted, g_free);
  inserted = tagged_ranges (situation, "el-diff-insert");
  deleted = tagged_ranges (situation, "el-diff-delete");
  g_assert_cmpstr (inserted, ==, "fully");
  g_assert_cmpstr (deleted, ==, "with oral oxycodone");

  /* Restore: the latest cannot be restored, an old version can. */
  restore = find (view, "history-restore");
  g_assert_true (el_history_view_select_version (EL_HISTORY_VIEW (view), n + 2));
  g_assert_false (gtk_widget_get_sensitive (restore));
  g_assert_true (el_history_view_select_version (EL_HISTORY_VIEW (view), n + 1));
  g_assert_true (gtk_widget_get_sensitive (restore));
  g_signal_connect (view, "restored", G_CALLBACK (int_signal_cb), &restored);
  el_gui_test_click (restore);
  EL_GUI_WAIT_FOR (restored != 0);
  g_assert_cmpint (restored, ==, n + 3);
  EL_GUI_WAIT_FOR (view_ready (EL_HISTORY_VIEW (view), (guint) n + 3));

  /* A new pending version on top, with the old version's text. */
  row = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0));
  row_name = g_strdup_printf ("history-version-%d", n + 3);
  g_assert_cmpstr (gtk_widget_get_name (row), ==, row_name);
  g_assert_true (text_contains (row, "Not sent yet"));
  latest = get_sbar (ctx, handoff_id, 0);
  g_assert_true (latest->pending);
  g_assert_cmpint (el_sbar_version_get_version (latest->version), ==, n + 3);
  g_assert_cmpstr (el_sbar_version_get_situation (latest->version), ==, SITUATION_1);
  g_assert_cmpstr (el_sbar_version_get_assessment (latest->version), ==, ASSESS_1);
  g_assert_cmpstr (el_sbar_version_get_background (latest->version), ==, BACKGROUND);
  g_assert_cmpfloat (heart_rate_of (latest->version), ==, heart_rate_of (base->version));
  g_clear_pointer (&latest, el_store_sbar_free);

  /* Synced: the server's latest is the restored one, and the list no longer says "Not sent yet". */
  el_gui_test_sync (ctx);
  latest = get_sbar (ctx, handoff_id, 0);
  g_assert_false (latest->pending);
  g_assert_cmpint (el_sbar_version_get_version (latest->version), ==, n + 3);
  g_assert_cmpstr (el_sbar_version_get_situation (latest->version), ==, SITUATION_1);
  g_assert_cmpstr (el_sbar_version_get_assessment (latest->version), ==, ASSESS_1);
  g_assert_cmpstr (el_sbar_version_get_author_name (latest->version), ==, el_user_get_name (user));
  EL_GUI_WAIT_FOR (
      !el_history_view_get_loading (EL_HISTORY_VIEW (view)) &&
      !text_contains (GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0)), "Not sent yet"));

  el_gui_test_assert_accessible (GTK_WIDGET (window));

  el_gui_test_destroy (window, G_OBJECT (view));
  el_gui_test_close_context (ctx, data_dir);
}

/* ---- Conflicts ---- */

typedef struct
{
  ElTestServer *server;
  ElContext *a;
  ElContext *b;
  char *dir_a;
  char *dir_b;
  char *handoff_id;
  int base_version;
  ElStoreSbar *base;
  ElStoreConflict *conflict;
} ConflictFixture;

#define A_SITUATION      "Febrile overnight, blood cultures drawn"
#define A_BACKGROUND     "Type two diabetes, on insulin sliding scale"
#define A_ASSESSMENT     "Tachycardic but perfusing well"
#define A_RECOMMENDATION "Recheck lactate at noon"
#define B_SITUATION      "Afebrile since midnight"
#define B_BACKGROUND     "Diabetic, insulin held while fasting"
#define B_ASSESSMENT     "Heart rate settling, skin warm"
#define B_RECOMMENDATION "Advance diet if tolerating fluids"
#define MERGED           "Type two diabetes, insulin held while fasting"

/* nurse.a and the charge nurse (both on 4W) edit the same version; A syncs first, B gets a 409. */
static void
conflict_setup (ConflictFixture *f)
{
  g_autoptr (ElSbarVersion) mine_a = NULL;
  g_autoptr (ElSbarVersion) mine_b = NULL;
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autoptr (ElStoreSbar) base_b = NULL;

  f->server = el_gui_test_start_demo ();
  f->a = el_gui_test_sign_in (f->server, EL_TEST_DEMO_NURSE_A, &f->dir_a);
  f->b = el_gui_test_sign_in (f->server, EL_TEST_DEMO_CHARGE, &f->dir_b);
  f->handoff_id = find_open_handoff (f->a, &f->base_version);
  f->base = get_sbar (f->a, f->handoff_id, f->base_version);
  base_b = get_sbar (f->b, f->handoff_id, 0);
  g_assert_cmpint (el_sbar_version_get_version (base_b->version), ==, f->base_version);

  /* A changes the text only; B the text and the heart rate. */
  mine_a =
      make_content (f->a, f->base->version, A_SITUATION, A_BACKGROUND, A_ASSESSMENT, A_RECOMMENDATION, 0);
  save_draft (f->a, f->handoff_id, f->base_version, mine_a);
  el_gui_test_sync (f->a);
  mine_b =
      make_content (f->b, base_b->version, B_SITUATION, B_BACKGROUND, B_ASSESSMENT, B_RECOMMENDATION, 131);
  save_draft (f->b, f->handoff_id, f->base_version, mine_b);
  el_gui_test_sync (f->b);

  conflicts = list_conflicts (f->b);
  g_assert_cmpuint (conflicts->len, ==, 1);
  f->conflict = el_store_conflict_copy (conflicts->pdata[0]);
  g_assert_cmpstr (f->conflict->handoff_id, ==, f->handoff_id);
  g_assert_cmpint (f->conflict->base_version, ==, f->base_version);
  g_assert_nonnull (f->conflict->base);
  g_assert_cmpint (el_sbar_version_get_version (f->conflict->theirs), ==, f->base_version + 1);
}

static void
conflict_teardown (ConflictFixture *f)
{
  el_gui_test_close_context (f->a, f->dir_a);
  el_gui_test_close_context (f->b, f->dir_b);
  g_clear_object (&f->a);
  g_clear_object (&f->b);
  g_free (f->dir_a);
  g_free (f->dir_b);
  g_free (f->handoff_id);
  g_clear_pointer (&f->base, el_store_sbar_free);
  g_clear_pointer (&f->conflict, el_store_conflict_free);
  g_clear_pointer (&f->server, el_test_server_free);
}

static void
assert_view_text (GtkWidget *root, const char *name, const char *expected)
{
  g_autofree char *text = buffer_text (find (root, name));

  g_assert_cmpstr (text, ==, expected);
}

static gboolean
toggle_active (GtkWidget *root, const char *name)
{
  return gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (find (root, name)));
}

static void
test_conflict_merge (void)
{
  ConflictFixture f = { 0 };
  g_autoptr (ElStoreSbar) latest = NULL;
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autofree char *resolved = NULL;
  g_autofree char *who = NULL;
  g_autofree char *op_id = NULL;
  GtkWidget *view, *resolve, *stack, *merge;
  GtkWindow *window;

  conflict_setup (&f);
  op_id = g_strdup (f.conflict->op_id);
  view = el_conflict_view_new (f.b, f.conflict);
  window = el_gui_test_window_new (view);

  /* The header names who saved first. */
  who = el_gui_test_collect_text (find (view, "conflict-who"));
  g_assert_cmpstr (el_sbar_version_get_author_name (f.conflict->theirs), ==,
                   el_user_get_name (el_context_get_user (f.a)));
  g_assert_nonnull (strstr (who, el_user_get_name (el_context_get_user (f.a))));
  g_assert_true (text_contains (view, "Someone else saved this handoff while you were editing"));

  /* Base, theirs and mine side by side. */
  assert_view_text (view, "conflict-situation-base", el_sbar_version_get_situation (f.base->version));
  assert_view_text (view, "conflict-situation-theirs", A_SITUATION);
  assert_view_text (view, "conflict-situation-mine", B_SITUATION);
  assert_view_text (view, "conflict-background-theirs", A_BACKGROUND);
  assert_view_text (view, "conflict-background-mine", B_BACKGROUND);
  assert_view_text (view, "conflict-recommendation-base",
                    el_sbar_version_get_recommendation (f.base->version));
  g_assert_false (gtk_text_view_get_editable (GTK_TEXT_VIEW (find (view, "conflict-situation-theirs"))));

  /* Both changed every section: no choice yet, Resolve waits. Only B changed the fields: mine. */
  resolve = find (view, "conflict-resolve");
  g_assert_false (gtk_widget_get_sensitive (resolve));
  g_assert_false (el_conflict_view_get_can_resolve (EL_CONFLICT_VIEW (view)));
  g_assert_false (toggle_active (view, "conflict-situation-take-theirs"));
  g_assert_false (toggle_active (view, "conflict-situation-keep-mine"));
  g_assert_true (toggle_active (view, "conflict-fields-keep-mine"));
  g_assert_true (text_contains (view, "Heart rate: "));

  el_gui_test_click (find (view, "conflict-situation-take-theirs"));
  g_assert_false (gtk_widget_get_sensitive (resolve));

  /* Edit: the merge editor appears, prefilled with mine. */
  stack = find (view, "conflict-background-stack");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "choice");
  el_gui_test_click (find (view, "conflict-background-edit"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "merge");
  merge = find (view, "conflict-background-merge");
  g_assert_true (gtk_text_view_get_editable (GTK_TEXT_VIEW (merge)));
  assert_view_text (view, "conflict-background-merge", B_BACKGROUND);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (merge)), MERGED, -1);

  el_gui_test_click (find (view, "conflict-assessment-keep-mine"));
  g_assert_false (gtk_widget_get_sensitive (resolve));
  el_gui_test_click (find (view, "conflict-recommendation-keep-mine"));
  g_assert_true (gtk_widget_get_sensitive (resolve));
  g_assert_true (el_conflict_view_get_can_resolve (EL_CONFLICT_VIEW (view)));

  g_signal_connect (view, "resolved", G_CALLBACK (string_signal_cb), &resolved);
  el_gui_test_click (resolve);
  EL_GUI_WAIT_FOR (resolved != NULL);
  g_assert_cmpstr (resolved, ==, op_id);
  g_assert_false (gtk_widget_get_sensitive (resolve));

  /* The conflict is gone; one new save waits, on top of theirs. */
  conflicts = list_conflicts (f.b);
  g_assert_cmpuint (conflicts->len, ==, 0);
  g_assert_cmpint (pending_count (f.b), ==, 1);
  el_gui_test_sync (f.b);
  g_assert_cmpint (pending_count (f.b), ==, 0);

  /* The server's latest, as the other nurse's PC gets it: exactly the chosen sections and fields. */
  el_gui_test_sync (f.a);
  latest = get_sbar (f.a, f.handoff_id, 0);
  g_assert_false (latest->pending);
  g_assert_cmpint (el_sbar_version_get_version (latest->version), ==, f.base_version + 2);
  g_assert_cmpstr (el_sbar_version_get_situation (latest->version), ==, A_SITUATION);
  g_assert_cmpstr (el_sbar_version_get_background (latest->version), ==, MERGED);
  g_assert_cmpstr (el_sbar_version_get_assessment (latest->version), ==, B_ASSESSMENT);
  g_assert_cmpstr (el_sbar_version_get_recommendation (latest->version), ==, B_RECOMMENDATION);
  g_assert_cmpfloat (heart_rate_of (latest->version), ==, 131);
  g_assert_cmpint (el_sbar_version_get_source (latest->version), ==, EL_SBAR_SOURCE_NURSE);
  g_assert_cmpstr (el_sbar_version_get_author_name (latest->version), ==,
                   el_user_get_name (el_context_get_user (f.b)));

  el_gui_test_assert_accessible (GTK_WIDGET (window));

  el_gui_test_destroy (window, G_OBJECT (view));
  conflict_teardown (&f);
}

static void
test_conflict_take_theirs (void)
{
  static const char *const ids[] = { "situation", "background", "assessment", "recommendation", "fields" };
  ConflictFixture f = { 0 };
  g_autoptr (ElStoreSbar) latest = NULL;
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autofree char *resolved = NULL;
  GtkWidget *view, *resolve;
  GtkWindow *window;

  conflict_setup (&f);
  view = el_conflict_view_new (f.b, f.conflict);
  window = el_gui_test_window_new (view);
  resolve = find (view, "conflict-resolve");

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *name = g_strdup_printf ("conflict-%s-take-theirs", ids[i]);

      /* the sections wait for a choice; the fields start with mine (only B changed them) */
      g_assert_true (gtk_widget_get_sensitive (resolve) == (i == G_N_ELEMENTS (ids) - 1));
      el_gui_test_click (find (view, name));
      g_assert_true (toggle_active (view, name));
    }
  g_assert_true (gtk_widget_get_sensitive (resolve));
  g_signal_connect (view, "resolved", G_CALLBACK (string_signal_cb), &resolved);
  el_gui_test_click (resolve);
  EL_GUI_WAIT_FOR (resolved != NULL);

  /* Mine is dropped: no conflict, nothing to send, theirs stays the latest. */
  conflicts = list_conflicts (f.b);
  g_assert_cmpuint (conflicts->len, ==, 0);
  g_assert_cmpint (pending_count (f.b), ==, 0);
  el_gui_test_sync (f.b);
  latest = get_sbar (f.b, f.handoff_id, 0);
  g_assert_false (latest->pending);
  g_assert_cmpint (el_sbar_version_get_version (latest->version), ==, f.base_version + 1);
  g_assert_cmpstr (el_sbar_version_get_situation (latest->version), ==, A_SITUATION);
  g_assert_cmpstr (el_sbar_version_get_recommendation (latest->version), ==, A_RECOMMENDATION);
  g_clear_pointer (&latest, el_store_sbar_free);

  /* And the server has no newer version either. */
  el_gui_test_sync (f.a);
  latest = get_sbar (f.a, f.handoff_id, 0);
  g_assert_cmpint (el_sbar_version_get_version (latest->version), ==, f.base_version + 1);

  el_gui_test_assert_accessible (GTK_WIDGET (window));

  el_gui_test_destroy (window, G_OBJECT (view));
  conflict_teardown (&f);
}

int
main (int argc, char **argv)
{
  el_gui_test_init (&argc, &argv);
  g_test_add_func ("/el/gui/history/diff-and-restore", test_history_diff_restore);
  g_test_add_func ("/el/gui/history/conflict-merge", test_conflict_merge);
  g_test_add_func ("/el/gui/history/conflict-take-theirs", test_conflict_take_theirs);
  return g_test_run ();
}
