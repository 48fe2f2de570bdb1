/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The sync state a nurse sees: the header bar's indicator, the offline banner and the dialog of
 * rejected changes — on a real server that is stopped and started again, with real rejections
 * (423 on an acknowledged handoff, 404 on a handoff the server does not have).
 */
#include "config.h"

#include <string.h>

#include "el-attention-dialog.h"
#include "el-gui-test.h"
#include "el-offline-banner.h"
#include "el-sync-indicator.h"

/* A store call to its end: r is a g_autoptr (GAsyncResult) of the caller. */
#define RUN(async, ...)                               \
  ({                                                  \
    g_clear_object (&r);                              \
    async (__VA_ARGS__, NULL, el_test_result_cb, &r); \
    el_test_wait_for (&r);                            \
  })

static ElStoreSbar *
store_latest (ElStore *store, const char *handoff_id)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  ElStoreSbar *sbar =
      el_store_get_sbar_finish (store, RUN (el_store_get_sbar_async, store, handoff_id, 0), &error);

  g_assert_no_error (error);
  return sbar;
}

static GPtrArray *
store_ops (ElStore *store, ElStoreOpFilter filter)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *ops = el_store_list_ops_finish (store, RUN (el_store_list_ops_async, store, filter), &error);

  g_assert_no_error (error);
  return ops;
}

/* The first handoff of the first unit's census whose status is @status; *patient_name (optional)
 * gets the patient's name as the dialog writes it. */
static char *
find_handoff (ElStore *store, ElHandoffStatus status, char **patient_name)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) units =
      el_store_list_units_finish (store, RUN (el_store_list_units_async, store), &error);
  g_autoptr (GPtrArray) census = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (units->len, >, 0);
  census = el_store_census_finish (
      store, RUN (el_store_census_async, store, el_unit_get_id (g_ptr_array_index (units, 0))), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < census->len; i++)
    {
      ElStoreCensusEntry *entry = g_ptr_array_index (census, i);
      g_autoptr (GPtrArray) handoffs = el_store_list_handoffs_finish (
          store, RUN (el_store_list_handoffs_async, store, el_patient_get_id (entry->patient)), &error);

      g_assert_no_error (error);
      for (guint j = 0; j < handoffs->len; j++)
        {
          ElHandoff *handoff = g_ptr_array_index (handoffs, j);

          if (el_handoff_get_status (handoff) != status)
            continue;
          if (patient_name != NULL)
            *patient_name = g_strdup_printf ("%s %s", el_patient_get_given_name (entry->patient),
                                             el_patient_get_family_name (entry->patient));
          return g_strdup (el_handoff_get_id (handoff));
        }
    }
  g_assert_not_reached ();
  return NULL;
}

/* Saves a new SBAR version of @handoff_id on top of the latest one (the store queues the op). */
static char *
save_edit (ElStore *store, const char *handoff_id, const char *situation)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElStoreSbar) latest = store_latest (store, handoff_id);
  g_autoptr (ElSbarVersion) content = el_sbar_version_new ();
  char *op_id;

  el_sbar_version_set_source (content, EL_SBAR_SOURCE_NURSE);
  el_sbar_version_set_situation (content, situation);
  el_sbar_version_set_background (content, el_sbar_version_get_background (latest->version));
  op_id = el_store_save_sbar_draft_finish (store,
                                           RUN (el_store_save_sbar_draft_async, store, handoff_id,
                                                el_sbar_version_get_version (latest->version), content),
                                           &error);
  g_assert_no_error (error);
  g_assert_nonnull (op_id);
  return op_id;
}

static gboolean
text_has (GtkWidget *root, const char *needle)
{
  g_autofree char *text = el_gui_test_collect_text (root);

  return strstr (text, needle) != NULL;
}

static ElSyncIndicatorStatus
status_of (GtkWidget *indicator)
{
  return el_sync_indicator_get_status (EL_SYNC_INDICATOR (indicator));
}

static const char *
text_of (GtkWidget *indicator)
{
  return el_sync_indicator_get_status_text (EL_SYNC_INDICATOR (indicator));
}

static gboolean
revealed (GtkWidget *banner)
{
  return el_offline_banner_get_revealed (EL_OFFLINE_BANNER (banner));
}

/* The open toplevel of @type named @name (NULL: any), or NULL. */
static GtkWidget *
find_toplevel (GType type, const char *name)
{
  GListModel *toplevels = gtk_window_get_toplevels (); /* (transfer none) */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (g_type_is_a (G_OBJECT_TYPE (window), type) &&
          (name == NULL || g_strcmp0 (gtk_widget_get_name (window), name) == 0))
        return window;
    }
  return NULL;
}

/* The server's SBAR versions of @handoff_id, as JSON text, read by another client. */
static char *
server_versions_text (ElTestServer *server, const char *handoff_id)
{
  g_autoptr (ElTestApi) api = el_test_api_new (server);
  const ElTestLogin *nurse = el_test_api_login (api, EL_TEST_DEMO_NURSE_A, EL_GUI_TEST_PASSWORD);
  g_autofree char *path = el_test_handoff_path (handoff_id, "/sbar/versions");
  g_autoptr (ElTestResponse) resp = el_test_api_call (api, "GET", path, nurse, NULL, EL_TEST_END);

  g_assert_cmpuint (resp->status, ==, 200);
  return g_strdup (resp->text);
}

/* Online → the server stops → Offline and the banner → a save while offline is "1 pending" → the
 * server comes back on the same port and database → Online, the banner hides, the save is on it. */
static void
test_offline_and_back (void)
{
  g_autoptr (ElTestServer) server = el_gui_test_start_demo ();
  g_autoptr (ElTestServer) server_again = NULL;
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (server, EL_TEST_DEMO_NURSE_A, &data_dir);
  ElStore *store = el_context_get_store (ctx);
  ElSync *sync = el_context_get_sync (ctx);
  guint port = el_test_server_get_port (server);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *indicator = el_sync_indicator_new (ctx);
  GtkWidget *banner = el_offline_banner_new (ctx);
  GtkWidget *banner_label;
  GtkWindow *window;
  g_autofree char *handoff_id = NULL;
  g_autofree char *op_id = NULL;
  g_autofree char *versions = NULL;
  g_autoptr (GPtrArray) ops = NULL;
  guint interval = 0;
  static const char situation[] = "Saved while the server was down";

  /* the client gives up on a dead server quickly (its retries would otherwise take seconds) */
  el_api_client_set_backoff (el_context_get_api_client (ctx), 20, 100);
  g_object_set (indicator, "retry-interval-ms", 200, NULL);
  g_object_set (banner, "retry-interval-ms", 200, NULL);
  g_object_get (banner, "retry-interval-ms", &interval, NULL);
  g_assert_cmpuint (interval, ==, 200);
  gtk_box_append (GTK_BOX (box), indicator);
  gtk_box_append (GTK_BOX (box), banner);
  window = el_gui_test_window_new (box);
  g_object_add_weak_pointer (G_OBJECT (indicator), (gpointer *) &indicator);
  g_object_add_weak_pointer (G_OBJECT (banner), (gpointer *) &banner);

  /* signed in and synced: up to date, no banner, the last sync time in the popover */
  EL_GUI_WAIT_FOR (status_of (indicator) == EL_SYNC_INDICATOR_ONLINE);
  g_assert_cmpstr (text_of (indicator), ==, "Up to date");
  g_assert_false (revealed (banner));
  g_assert_true (text_has (indicator, "Last synced: "));
  g_assert_false (text_has (indicator, "Last synced: Never"));
  g_assert_true (text_has (indicator, "Sync Now"));
  g_assert_false (gtk_widget_get_visible (el_gui_test_find (indicator, GTK_TYPE_BUTTON, "sync-review")));
  g_assert_false (
      gtk_widget_get_visible (el_gui_test_find (indicator, GTK_TYPE_BUTTON, "sync-resolve-conflicts")));
  g_assert_true (g_str_has_prefix (gtk_widget_get_tooltip_text (el_gui_test_find (
                                       indicator, GTK_TYPE_MENU_BUTTON, "sync-indicator-button")),
                                   "Sync status: Up to date."));

  /* the server goes away; the next sync attempt finds out */
  g_assert_cmpint (el_test_server_stop (server), ==, 0);
  el_gui_test_click (el_gui_test_find (indicator, GTK_TYPE_BUTTON, "sync-now"));
  EL_GUI_WAIT_FOR (status_of (indicator) == EL_SYNC_INDICATOR_OFFLINE);
  g_assert_cmpstr (text_of (indicator), ==, "Offline");
  EL_GUI_WAIT_FOR (revealed (banner));
  banner_label = el_gui_test_find (banner, GTK_TYPE_LABEL, "offline-banner-label");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (banner_label)), ==,
                   "Offline — changes are saved on this PC and sent when the server is back.");
  g_assert_nonnull (el_gui_test_find (banner, GTK_TYPE_BUTTON, "offline-banner-retry"));
  g_assert_true (text_has (indicator, "The server could not be reached."));
  g_assert_cmpint (el_sync_get_state (sync), ==, EL_SYNC_STATE_OFFLINE);

  /* a save while offline waits in the outbox, and the nurse sees it */
  handoff_id = find_handoff (store, EL_HANDOFF_STATUS_READY, NULL);
  op_id = save_edit (store, handoff_id, situation);
  EL_GUI_WAIT_FOR (g_strcmp0 (text_of (indicator), "Offline · 1 pending") == 0);
  g_assert_cmpint (status_of (indicator), ==, EL_SYNC_INDICATOR_OFFLINE);
  g_assert_true (text_has (indicator, "1 change waiting to be sent."));

  /* Retry on the banner while the server is still down changes nothing */
  el_gui_test_click (el_gui_test_find (banner, GTK_TYPE_BUTTON, "offline-banner-retry"));
  el_gui_test_spin (600);
  g_assert_true (revealed (banner));
  g_assert_cmpint (status_of (indicator), ==, EL_SYNC_INDICATOR_OFFLINE);
  ops = store_ops (store, EL_STORE_OP_FILTER_PUSHABLE);
  g_assert_cmpuint (ops->len, ==, 1);
  g_assert_cmpstr (((ElStoreOp *) g_ptr_array_index (ops, 0))->op_id, ==, op_id);

  /* the server comes back on the same port and database: without any click, the banner's probing
   * finds it, the op is sent, everything is up to date */
  server_again = el_test_demo_start_again (server, port, NULL);
  EL_GUI_WAIT_FOR (!revealed (banner));
  EL_GUI_WAIT_FOR (status_of (indicator) == EL_SYNC_INDICATOR_ONLINE);
  g_assert_cmpstr (text_of (indicator), ==, "Up to date");
  g_assert_cmpint (el_sync_get_pending_count (sync), ==, 0);
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = store_ops (store, EL_STORE_OP_FILTER_ALL);
  g_assert_cmpuint (ops->len, ==, 0);
  versions = server_versions_text (server_again, handoff_id);
  g_assert_nonnull (strstr (versions, situation));
  g_assert_false (text_has (indicator, "could not be reached"));

  el_gui_test_assert_accessible (GTK_WIDGET (window));

  el_gui_test_destroy (window, G_OBJECT (box));
  g_assert_null (indicator);
  g_assert_null (banner);
  el_gui_test_close_context (ctx, data_dir);
}

static void
count_pending_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  GArray *seen = user_data;
  gint64 pending = el_sync_get_pending_count (EL_SYNC (object));

  (void) pspec;
  g_array_append_val (seen, pending);
}

/* Rejected changes: a 423 (acknowledged handoff) → "Needs attention (1)" → the dialog says why →
 * Discard after the confirmation → gone. A 404 (handoff unknown to the server) → the handoff is
 * made on the server → Retry → pending again, then sent. */
static void
test_needs_attention (void)
{
  g_autoptr (ElTestServer) server = el_gui_test_start_demo ();
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (server, EL_TEST_DEMO_NURSE_A, &data_dir);
  ElStore *store = el_context_get_store (ctx);
  ElSync *sync = el_context_get_sync (ctx);
  GtkWidget *indicator = el_sync_indicator_new (ctx);
  GtkWindow *window = el_gui_test_window_new (indicator);
  GtkWidget *dialog;
  GtkWidget *confirm;
  GtkWidget *empty;
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *locked = NULL;
  g_autofree char *patient_name = NULL;
  g_autofree char *title = NULL;
  g_autofree char *locked_op = NULL;
  g_autofree char *missing_id = g_uuid_string_random ();
  g_autofree char *missing_op = NULL;
  g_autofree char *body = el_test_sbar_version_body (0, "Sent again from the dialog");
  g_autoptr (GBytes) payload = g_bytes_new (body, strlen (body));
  g_autoptr (GPtrArray) ops = NULL;
  g_autoptr (GArray) pending_seen = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *versions = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  gboolean saw_pending = FALSE;
  gulong handler;

  EL_GUI_WAIT_FOR (status_of (indicator) == EL_SYNC_INDICATOR_ONLINE);

  /* an SBAR save on an acknowledged handoff: the server says 423 */
  locked = find_handoff (store, EL_HANDOFF_STATUS_ACKNOWLEDGED, &patient_name);
  locked_op = save_edit (store, locked, "Too late: the handoff is locked");
  el_gui_test_sync (ctx);
  EL_GUI_WAIT_FOR (status_of (indicator) == EL_SYNC_INDICATOR_NEEDS_ATTENTION);
  g_assert_cmpstr (text_of (indicator), ==, "Needs attention (1)");
  g_assert_true (text_has (indicator, "1 change was rejected by the server."));
  g_assert_true (gtk_widget_get_visible (el_gui_test_find (indicator, GTK_TYPE_BUTTON, "sync-review")));

  /* Review Changes… opens the dialog over the window */
  g_assert_null (find_toplevel (EL_TYPE_ATTENTION_DIALOG, NULL));
  el_gui_test_click (el_gui_test_find (indicator, GTK_TYPE_BUTTON, "sync-review"));
  dialog = find_toplevel (EL_TYPE_ATTENTION_DIALOG, NULL);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == window);
  EL_GUI_WAIT_FOR (el_attention_dialog_get_n_items (EL_ATTENTION_DIALOG (dialog)) == 1 &&
                   !el_attention_dialog_get_loading (EL_ATTENTION_DIALOG (dialog)));
  title = g_strdup_printf ("SBAR version for %s", patient_name);
  g_assert_true (text_has (dialog, title));
  g_assert_true (text_has (dialog, "The handoff is already acknowledged and locked"));
  rows = el_gui_test_find_all (dialog, G_TYPE_NONE, "attention-row");
  g_assert_cmpuint (rows->len, ==, 1);

  /* Discard asks first; Cancel keeps it */
  el_gui_test_click (el_gui_test_find (dialog, GTK_TYPE_BUTTON, "attention-discard"));
  confirm = find_toplevel (ADW_TYPE_MESSAGE_DIALOG, "attention-discard-confirm");
  g_assert_nonnull (confirm);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (confirm)), ==, "Discard this change?");
  g_assert_cmpstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (confirm)), ==, "It cannot be undone.");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (confirm), "cancel");
  el_gui_test_spin (200);
  g_assert_cmpuint (el_attention_dialog_get_n_items (EL_ATTENTION_DIALOG (dialog)), ==, 1);
  ops = store_ops (store, EL_STORE_OP_FILTER_NEEDS_ATTENTION);
  g_assert_cmpuint (ops->len, ==, 1);
  g_clear_pointer (&ops, g_ptr_array_unref);

  /* ... and Discard drops it */
  el_gui_test_click (el_gui_test_find (dialog, GTK_TYPE_BUTTON, "attention-discard"));
  confirm = find_toplevel (ADW_TYPE_MESSAGE_DIALOG, "attention-discard-confirm");
  g_assert_nonnull (confirm);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (confirm), "discard");
  EL_GUI_WAIT_FOR (el_attention_dialog_get_n_items (EL_ATTENTION_DIALOG (dialog)) == 0 &&
                   !el_attention_dialog_get_loading (EL_ATTENTION_DIALOG (dialog)));
  ops = store_ops (store, EL_STORE_OP_FILTER_ALL);
  g_assert_cmpuint (ops->len, ==, 0);
  g_clear_pointer (&ops, g_ptr_array_unref);
  empty = el_gui_test_find (dialog, ADW_TYPE_STATUS_PAGE, "attention-empty");
  g_assert_true (gtk_widget_get_child_visible (empty) && gtk_widget_get_mapped (empty));
  g_assert_false (text_has (dialog, "already acknowledged"));
  EL_GUI_WAIT_FOR (status_of (indicator) == EL_SYNC_INDICATOR_ONLINE);
  g_assert_false (gtk_widget_get_visible (el_gui_test_find (indicator, GTK_TYPE_BUTTON, "sync-review")));

  /* an SBAR version of a handoff the server does not have: 404; the open dialog reloads */
  missing_op = el_store_enqueue_finish (
      store, RUN (el_store_enqueue_async, store, "sbar.create", "handoff", missing_id, payload, 0, NULL),
      &error);
  g_assert_no_error (error);
  el_gui_test_sync (ctx);
  EL_GUI_WAIT_FOR (g_strcmp0 (text_of (indicator), "Needs attention (1)") == 0);
  EL_GUI_WAIT_FOR (el_attention_dialog_get_n_items (EL_ATTENTION_DIALOG (dialog)) == 1 &&
                   !el_attention_dialog_get_loading (EL_ATTENTION_DIALOG (dialog)));
  g_assert_true (text_has (dialog, "SBAR version for a patient"));
  g_assert_true (text_has (dialog, "The handoff no longer exists on the server"));

  /* the handoff is made on the server; Retry puts the change back in the outbox and sends it */
  {
    g_autoptr (ElTestApi) api = el_test_api_new (server);
    const ElTestLogin *nurse = el_test_api_login (api, EL_TEST_DEMO_NURSE_A, EL_GUI_TEST_PASSWORD);
    g_autofree char *patient_id = el_test_api_patient_id (api, nurse, 0);
    g_autofree char *handoff = el_test_handoff_body (missing_id, patient_id, "day", NULL);
    g_autofree char *key = g_uuid_string_random ();
    g_autoptr (ElTestResponse) resp = el_test_api_call (api, "POST", "/api/v1/handoffs", nurse, handoff,
                                                        "Idempotency-Key", key, EL_TEST_END);

    g_assert_cmpuint (resp->status, ==, 201);
  }
  handler = g_signal_connect (sync, "notify::pending-count", G_CALLBACK (count_pending_cb), pending_seen);
  el_gui_test_click (el_gui_test_find (dialog, GTK_TYPE_BUTTON, "attention-retry"));
  EL_GUI_WAIT_FOR (el_attention_dialog_get_n_items (EL_ATTENTION_DIALOG (dialog)) == 0 &&
                   !el_attention_dialog_get_loading (EL_ATTENTION_DIALOG (dialog)));
  EL_GUI_WAIT_FOR (status_of (indicator) == EL_SYNC_INDICATOR_ONLINE &&
                   el_sync_get_pending_count (sync) == 0);
  g_signal_handler_disconnect (sync, handler);
  for (guint i = 0; i < pending_seen->len; i++)
    saw_pending |= g_array_index (pending_seen, gint64, i) == 1;
  g_assert_true (saw_pending);
  g_assert_cmpstr (text_of (indicator), ==, "Up to date");
  ops = store_ops (store, EL_STORE_OP_FILTER_ALL);
  g_assert_cmpuint (ops->len, ==, 0);
  versions = server_versions_text (server, missing_id);
  g_assert_nonnull (strstr (versions, "Sent again from the dialog"));

  el_gui_test_assert_accessible (GTK_WIDGET (GTK_WINDOW (dialog)));

  el_gui_test_destroy (GTK_WINDOW (dialog), G_OBJECT (dialog));
  el_gui_test_assert_accessible (GTK_WIDGET (window));
  el_gui_test_destroy (window, G_OBJECT (indicator));
  el_gui_test_close_context (ctx, data_dir);
}

/* The dialog shows its empty state when nothing was rejected; words for each kind and status. */
static void
test_words_and_empty (void)
{
  g_autoptr (ElTestServer) server = el_gui_test_start_demo ();
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (server, EL_TEST_DEMO_NURSE_A, &data_dir);
  GtkWidget *dialog = el_attention_dialog_new (ctx);
  g_autofree char *reason = NULL;

  gtk_window_present (GTK_WINDOW (dialog));
  EL_GUI_WAIT_FOR (!el_attention_dialog_get_loading (EL_ATTENTION_DIALOG (dialog)));
  g_assert_cmpuint (el_attention_dialog_get_n_items (EL_ATTENTION_DIALOG (dialog)), ==, 0);
  g_assert_true (text_has (dialog, "Nothing Needs Attention"));

  g_assert_cmpstr (el_attention_kind_label ("handoff.create"), ==, "New handoff");
  g_assert_cmpstr (el_attention_kind_label ("handoff.patch"), ==, "Handoff change");
  g_assert_cmpstr (el_attention_kind_label ("recording.upload"), ==, "Recording");
  g_assert_cmpstr (el_attention_kind_label ("something.new"), ==, "Change");
  reason = el_attention_reason_text (403, "POST /x: HTTP 403");
  g_assert_cmpstr (reason, ==, "You don't have access to this patient's unit");
  g_free (reason);
  reason = el_attention_reason_text (412, NULL);
  g_assert_nonnull (strstr (reason, "changed on the server"));
  g_free (reason);
  reason = el_attention_reason_text (0, "recording.upload: the file is missing");
  g_assert_cmpstr (reason, ==, "recording.upload: the file is missing");

  el_gui_test_assert_accessible (GTK_WIDGET (GTK_WINDOW (dialog)));

  el_gui_test_destroy (GTK_WINDOW (dialog), G_OBJECT (dialog));
  el_gui_test_close_context (ctx, data_dir);
}

/* Before sign-in the context has no ElSync: the indicator says Online with "Sync Now" disabled;
 * after sign-in (notify::sync) it follows the new engine. */
static void
test_before_sign_in (void)
{
  g_autoptr (ElTestServer) server = el_gui_test_start_demo ();
  g_autofree char *data_dir = el_test_make_dir ("el-gui-data-XXXXXX");
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (ElContext) ctx = el_context_new (el_test_server_get_url (server), data_dir, &error);
  g_autoptr (ElUser) user = NULL;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *indicator = el_sync_indicator_new (ctx);
  GtkWidget *banner = el_offline_banner_new (ctx);
  GtkWindow *window;

  g_assert_no_error (error);
  gtk_box_append (GTK_BOX (box), indicator);
  gtk_box_append (GTK_BOX (box), banner);
  window = el_gui_test_window_new (box);
  g_object_add_weak_pointer (G_OBJECT (banner), (gpointer *) &banner);
  g_assert_null (el_context_get_sync (ctx));
  g_assert_cmpint (status_of (indicator), ==, EL_SYNC_INDICATOR_ONLINE);
  g_assert_cmpstr (text_of (indicator), ==, "Online");
  g_assert_true (text_has (indicator, "Last synced: Never"));
  g_assert_false (gtk_widget_is_sensitive (el_gui_test_find (indicator, GTK_TYPE_BUTTON, "sync-now")));
  g_assert_false (revealed (banner));

  user = el_context_sign_in_finish (
      ctx, RUN (el_context_sign_in_async, ctx, EL_TEST_DEMO_NURSE_A, EL_GUI_TEST_PASSWORD), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (el_context_get_sync (ctx));
  g_object_set (el_context_get_sync (ctx), "interval", 0, NULL);
  g_assert_true (gtk_widget_is_sensitive (el_gui_test_find (indicator, GTK_TYPE_BUTTON, "sync-now")));
  el_gui_test_sync (ctx);
  EL_GUI_WAIT_FOR (g_strcmp0 (text_of (indicator), "Up to date") == 0);
  g_assert_false (text_has (indicator, "Last synced: Never"));

  el_gui_test_assert_accessible (GTK_WIDGET (window));

  el_gui_test_destroy (window, G_OBJECT (indicator));
  g_assert_null (banner);
  el_gui_test_close_context (ctx, data_dir);
}

static void
count_signal_cb (ElSyncIndicator *indicator, gpointer user_data)
{
  (void) indicator;
  (*(guint *) user_data)++;
}

/* Another nurse saved first: the local save becomes a conflict (a real 409) → "Conflict", and
 * "Resolve Conflicts…" emits ::show-conflicts for the window. */
static void
test_conflict (void)
{
  g_autoptr (ElTestServer) server = el_gui_test_start_demo ();
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (server, EL_TEST_DEMO_NURSE_A, &data_dir);
  ElStore *store = el_context_get_store (ctx);
  GtkWidget *indicator = el_sync_indicator_new (ctx);
  GtkWindow *window = el_gui_test_window_new (indicator);
  g_autofree char *handoff_id = find_handoff (store, EL_HANDOFF_STATUS_READY, NULL);
  g_autoptr (ElStoreSbar) latest = store_latest (store, handoff_id);
  g_autofree char *op_id = NULL;
  guint shown = 0;

  EL_GUI_WAIT_FOR (status_of (indicator) == EL_SYNC_INDICATOR_ONLINE);
  g_assert_false (
      gtk_widget_get_visible (el_gui_test_find (indicator, GTK_TYPE_BUTTON, "sync-resolve-conflicts")));
  {
    g_autoptr (ElTestApi) api = el_test_api_new (server);
    const ElTestLogin *charge = el_test_api_login (api, EL_TEST_DEMO_CHARGE, EL_GUI_TEST_PASSWORD);
    g_autofree char *path = el_test_handoff_path (handoff_id, "/sbar/versions");
    g_autofree char *body =
        el_test_sbar_version_body (el_sbar_version_get_version (latest->version), "Theirs, saved first");
    g_autoptr (ElTestResponse) resp = el_test_api_call (api, "POST", path, charge, body, EL_TEST_END);

    g_assert_cmpuint (resp->status, ==, 201);
  }
  op_id = save_edit (store, handoff_id, "Mine, saved second");
  el_gui_test_sync (ctx);
  EL_GUI_WAIT_FOR (status_of (indicator) == EL_SYNC_INDICATOR_CONFLICT);
  g_assert_cmpstr (text_of (indicator), ==, "Conflict");
  g_assert_true (text_has (indicator, "1 conflict with a newer version."));
  g_assert_true (
      gtk_widget_get_visible (el_gui_test_find (indicator, GTK_TYPE_BUTTON, "sync-resolve-conflicts")));
  g_signal_connect (indicator, "show-conflicts", G_CALLBACK (count_signal_cb), &shown);
  el_gui_test_click (el_gui_test_find (indicator, GTK_TYPE_BUTTON, "sync-resolve-conflicts"));
  g_assert_cmpuint (shown, ==, 1);

  el_gui_test_assert_accessible (GTK_WIDGET (window));

  el_gui_test_destroy (window, G_OBJECT (indicator));
  el_gui_test_close_context (ctx, data_dir);
}

int
main (int argc, char **argv)
{
  el_gui_test_init (&argc, &argv);
  g_test_add_func ("/el/gui/sync/before-sign-in", test_before_sign_in);
  g_test_add_func ("/el/gui/sync/offline-and-back", test_offline_and_back);
  g_test_add_func ("/el/gui/sync/needs-attention", test_needs_attention);
  g_test_add_func ("/el/gui/sync/conflict", test_conflict);
  g_test_add_func ("/el/gui/sync/words-and-empty", test_words_and_empty);
  return g_test_run ();
}
