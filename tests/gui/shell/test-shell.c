/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window: sign-in and each failure, offline access, auto-lock and unlock, the desktop locking,
 * Ctrl+L, switching nurses, "keep me signed in" — on a real server, keyring and cache. */
#include "config.h"

#include "el-application.h"
#include "el-census-panel.h"
#include "el-conflict-view.h"
#include "el-history-view.h"
#include "el-offline-banner.h"
#include "el-sync-indicator.h"
#include "el-patient-pane.h"
#include "el-record-view.h"
#include "el-sign-bar.h"
#include "el-sbar-editor.h"
#include "el-gui-test.h"
#include "el-lock-page.h"
#include "el-sign-in-page.h"
#include "el-window.h"

typedef struct
{
  ElTestServer *server;
  ElTestServer *stopped; /* a stopped server whose folder (database) a restarted one still uses */
  ElApplication *app;
  char *data_dir;
} Fixture;

static ElApplication *app;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autoptr (GError) error = NULL;

  f->server = el_gui_test_start_demo ();
  f->data_dir = el_test_make_dir ("el-shell-data-XXXXXX");
  g_settings_set_string (settings, "api-url", el_test_server_get_url (f->server));
  g_settings_set_string (settings, "remembered-account", "");
  g_settings_set_uint (settings, "auto-lock-minutes", 5);

  /* one application for the whole program: it stays exported on the session bus once registered */
  if (app == NULL)
    {
      app = el_application_new ();
      g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
      g_application_register (G_APPLICATION (app), NULL, &error);
      g_assert_no_error (error);
    }
  f->app = app;
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  f->app = NULL;
  el_gui_test_spin (100);
  el_test_remove_tree (f->data_dir);
  g_free (f->data_dir);
  g_clear_pointer (&f->server, el_test_server_free);
  g_clear_pointer (&f->stopped, el_test_server_free);
}

static ElWindow *
open_window (Fixture *f)
{
  ElWindow *window = el_window_new_with_data_dir (f->app, f->data_dir);

  gtk_window_present (GTK_WINDOW (window));
  EL_GUI_WAIT_FOR (g_strcmp0 (el_window_get_page (window), "starting") != 0);
  return window;
}

/* Closes @window and asserts that it and every view it made (census, patient, report, history,
 * sign-in and lock pages) are finalized. */
static void
close_window (ElWindow *window)
{
  GtkWidget *views[] = {
    el_window_get_census_panel (window), el_window_get_patient_pane (window),
    el_window_get_editor (window),       el_window_get_history (window),
    el_window_get_sign_in_page (window), el_window_get_lock_page (window),
  };

  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    if (views[i] != NULL)
      g_object_add_weak_pointer (G_OBJECT (views[i]), (gpointer *) &views[i]);
  g_object_ref (window);
  gtk_window_close (GTK_WINDOW (window));
  gtk_window_destroy (GTK_WINDOW (window));
  el_gui_test_spin (200);
  g_assert_finalize_object (window);
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    g_assert_null (views[i]);
}

static void
fill_in (ElWindow *window, const char *email, const char *password, gboolean keep)
{
  GtkWidget *page = el_window_get_sign_in_page (window);

  g_assert_cmpstr (el_window_get_page (window), ==, "sign-in");
  el_gui_test_set_text (el_gui_test_find (page, G_TYPE_NONE, "sign-in-email"), email);
  el_gui_test_set_text (el_gui_test_find (page, G_TYPE_NONE, "sign-in-password"), password);
  gtk_switch_set_active (GTK_SWITCH (el_gui_test_find (page, GTK_TYPE_SWITCH, "sign-in-keep")), keep);
}

static void
press (ElWindow *window, const char *name)
{
  GtkWidget *button = el_gui_test_find (el_window_get_sign_in_page (window), GTK_TYPE_BUTTON, name);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_sensitive (button));
  el_gui_test_click (button);
}

static const char *
sign_in_error (ElWindow *window)
{
  GtkWidget *label = el_gui_test_find (el_window_get_sign_in_page (window), GTK_TYPE_LABEL, "sign-in-error");

  return gtk_widget_get_visible (label) ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
}

static gboolean
sign_in_idle (ElWindow *window)
{
  return !el_sign_in_page_get_busy (EL_SIGN_IN_PAGE (el_window_get_sign_in_page (window)));
}

static void
sign_in (ElWindow *window, const char *email, gboolean keep)
{
  fill_in (window, email, EL_GUI_TEST_PASSWORD, keep);
  press (window, "sign-in-button");
  EL_GUI_WAIT_FOR (g_strcmp0 (el_window_get_page (window), "main") == 0);
  g_assert_nonnull (el_window_get_context (window));
  g_assert_cmpstr (el_user_get_email (el_context_get_user (el_window_get_context (window))), ==, email);
}

/* The names of a unit's patients, both ways round, as the server has them (GET /api/v1/patients as @email). */
static GPtrArray *
unit_family_names (ElTestServer *server, const char *email)
{
  g_autoptr (ElTestApi) api = el_test_api_new (server);
  const ElTestLogin *who = el_test_api_login (api, email, EL_GUI_TEST_PASSWORD);
  g_autofree char *path = g_strdup_printf ("/api/v1/patients?unit_id=%s", who->unit_id);
  g_autoptr (ElTestResponse) resp = el_test_api_call (api, "GET", path, who, NULL, EL_TEST_END);
  JsonArray *items;
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);

  g_assert_cmpuint (resp->status, ==, 200);
  items = json_object_get_array_member (el_test_response_get_object (resp), "items");
  /* "Family, Given" (the census) and "Given Family": a family name alone may be a nurse's too */
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *patient = json_array_get_object_element (items, i);
      const char *family = json_object_get_string_member (patient, "family_name");
      const char *given = json_object_get_string_member (patient, "given_name");

      g_ptr_array_add (names, g_strdup_printf ("%s, %s", family, given));
      g_ptr_array_add (names, g_strdup_printf ("%s %s", given, family));
    }
  g_assert_cmpuint (names->len, >, 0);
  return names;
}

static guint
count_names_shown (GtkWidget *root, GPtrArray *names)
{
  g_autofree char *text = el_gui_test_collect_text (root);
  guint n = 0;

  for (guint i = 0; i < names->len; i++)
    if (strstr (text, g_ptr_array_index (names, i)) != NULL)
      n++;
  return n;
}

/* Sign-in works; the census of her unit appears; closing the window finalizes it. */
static void
test_sign_in_success (Fixture *f, gconstpointer data)
{
  ElWindow *window = open_window (f);
  g_autoptr (GPtrArray) names = unit_family_names (f->server, EL_TEST_DEMO_NURSE_A);

  g_assert_cmpstr (el_window_get_page (window), ==, "sign-in");
  el_gui_test_assert_accessible (GTK_WIDGET (window));
  /* the form is not ready before every field is filled in */
  g_assert_false (gtk_widget_get_sensitive (
      el_gui_test_find (el_window_get_sign_in_page (window), GTK_TYPE_BUTTON, "sign-in-button")));
  sign_in (window, EL_TEST_DEMO_NURSE_A, FALSE);
  g_assert_nonnull (el_window_get_census_panel (window));
  EL_GUI_WAIT_FOR (count_names_shown (GTK_WIDGET (window), names) > 0);
  close_window (window);
}

/* Wrong password, unknown nurse, a bad server address: plain words, nothing opened. */
static void
test_sign_in_failures (Fixture *f, gconstpointer data)
{
  ElWindow *window = open_window (f);
  GtkWidget *page = el_window_get_sign_in_page (window);

  fill_in (window, EL_TEST_DEMO_NURSE_A, "not-her-password", FALSE);
  press (window, "sign-in-button");
  EL_GUI_WAIT_FOR (sign_in_idle (window) && sign_in_error (window) != NULL);
  g_assert_cmpstr (sign_in_error (window), ==, "Wrong email or password.");
  g_assert_cmpstr (el_window_get_page (window), ==, "sign-in");
  g_assert_null (el_window_get_context (window));
  /* the password field is emptied for the next try */
  g_assert_cmpstr (
      gtk_editable_get_text (GTK_EDITABLE (el_gui_test_find (page, G_TYPE_NONE, "sign-in-password"))), ==,
      "");

  /* an unknown nurse gets the very same words */
  fill_in (window, "nobody@demo.eclipselink.ai", EL_GUI_TEST_PASSWORD, FALSE);
  press (window, "sign-in-button");
  EL_GUI_WAIT_FOR (sign_in_idle (window) && sign_in_error (window) != NULL);
  g_assert_cmpstr (sign_in_error (window), ==, "Wrong email or password.");

  /* not a server address */
  el_gui_test_set_text (el_gui_test_find (page, G_TYPE_NONE, "sign-in-server"), "ftp://example.org");
  fill_in (window, EL_TEST_DEMO_NURSE_A, EL_GUI_TEST_PASSWORD, FALSE);
  press (window, "sign-in-button");
  EL_GUI_WAIT_FOR (sign_in_error (window) != NULL);
  g_assert_nonnull (strstr (sign_in_error (window), "server address"));
  g_assert_null (el_window_get_context (window));
  close_window (window);
}

/* The server is down: plain words, and "Open Offline" only for a nurse with a session on this PC;
 * her password is still checked. */
static void
test_offline_access (Fixture *f, gconstpointer data)
{
  ElWindow *window = open_window (f);
  g_autoptr (GPtrArray) names = unit_family_names (f->server, EL_TEST_DEMO_NURSE_A);
  GtkWidget *offline;

  /* a first sign-in online leaves an offline session and a filled cache */
  sign_in (window, EL_TEST_DEMO_NURSE_A, FALSE);
  EL_GUI_WAIT_FOR (count_names_shown (GTK_WIDGET (window), names) > 0);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.switch-nurse", NULL);
  EL_GUI_WAIT_FOR (g_strcmp0 (el_window_get_page (window), "sign-in") == 0);
  g_assert_null (el_window_get_context (window));

  g_assert_cmpint (el_test_server_stop (f->server), ==, 0);

  /* nurse.b never signed in here: no way in */
  fill_in (window, EL_TEST_DEMO_NURSE_B, EL_GUI_TEST_PASSWORD, FALSE);
  press (window, "sign-in-button");
  EL_GUI_WAIT_FOR (sign_in_idle (window) && sign_in_error (window) != NULL);
  g_assert_nonnull (strstr (sign_in_error (window), "Cannot reach the server"));
  offline = el_gui_test_find (el_window_get_sign_in_page (window), GTK_TYPE_BUTTON, "sign-in-offline");
  g_assert_false (gtk_widget_get_visible (offline));

  /* nurse.a did: offered, but a wrong password is refused */
  fill_in (window, EL_TEST_DEMO_NURSE_A, "wrong-password", FALSE);
  press (window, "sign-in-button");
  EL_GUI_WAIT_FOR (sign_in_idle (window) && gtk_widget_get_visible (offline));
  g_assert_nonnull (strstr (sign_in_error (window), "stored on this computer"));
  el_gui_test_click (offline);
  EL_GUI_WAIT_FOR (sign_in_idle (window) && sign_in_error (window) != NULL &&
                   strstr (sign_in_error (window), "Wrong password") != NULL);
  g_assert_null (el_window_get_context (window));

  /* the right password opens her cached unit */
  el_gui_test_set_text (
      el_gui_test_find (el_window_get_sign_in_page (window), G_TYPE_NONE, "sign-in-password"),
      EL_GUI_TEST_PASSWORD);
  el_gui_test_click (offline);
  EL_GUI_WAIT_FOR (g_strcmp0 (el_window_get_page (window), "main") == 0);
  g_assert_cmpstr (el_user_get_email (el_context_get_user (el_window_get_context (window))), ==,
                   EL_TEST_DEMO_NURSE_A);
  EL_GUI_WAIT_FOR (count_names_shown (GTK_WIDGET (window), names) > 0);
  close_window (window);
}

static gboolean
lock_error_shown (ElWindow *window)
{
  GtkWidget *label = el_gui_test_find (el_window_get_lock_page (window), GTK_TYPE_LABEL, "lock-error");
  return gtk_widget_get_visible (label);
}

static void
unlock (ElWindow *window, const char *password)
{
  GtkWidget *lock = el_window_get_lock_page (window);

  el_gui_test_set_text (el_gui_test_find (lock, G_TYPE_NONE, "lock-password"), password);
  el_gui_test_click (el_gui_test_find (lock, GTK_TYPE_BUTTON, "lock-unlock"));
}

/* Idle for the auto-lock time: locked, no patient on screen; the wrong password keeps it locked,
 * hers unlocks; Ctrl+L's action locks at once. */
static void
test_auto_lock (Fixture *f, gconstpointer data)
{
  ElWindow *window = open_window (f);
  g_autoptr (GPtrArray) names = unit_family_names (f->server, EL_TEST_DEMO_NURSE_A);
  GtkWidget *stack;

  sign_in (window, EL_TEST_DEMO_NURSE_A, FALSE);
  EL_GUI_WAIT_FOR (count_names_shown (GTK_WIDGET (window), names) > 0);
  g_assert_false (el_window_get_locked (window));

  el_window_set_auto_lock_seconds (window, 1);
  EL_GUI_WAIT_FOR (el_window_get_locked (window));
  g_assert_cmpstr (el_window_get_page (window), ==, "locked");
  /* what is on screen is the lock page alone, and it names no patient */
  stack = el_gui_test_find (GTK_WIDGET (window), GTK_TYPE_STACK, "window-stack");
  g_assert_true (gtk_stack_get_visible_child (GTK_STACK (stack)) == el_window_get_lock_page (window));
  g_assert_cmpuint (count_names_shown (el_window_get_lock_page (window), names), ==, 0);
  el_gui_test_assert_accessible (GTK_WIDGET (window));
  g_assert_false (gtk_widget_get_mapped (el_window_get_census_panel (window)));

  unlock (window, "not-her-password");
  EL_GUI_WAIT_FOR (lock_error_shown (window));
  g_assert_true (el_window_get_locked (window));

  /* a long limit again, then her password */
  el_window_set_auto_lock_seconds (window, 3600);
  unlock (window, EL_GUI_TEST_PASSWORD);
  EL_GUI_WAIT_FOR (!el_window_get_locked (window));
  g_assert_cmpstr (el_window_get_page (window), ==, "main");

  /* Ctrl+L */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.lock", NULL));
  g_assert_true (el_window_get_locked (window));
  unlock (window, EL_GUI_TEST_PASSWORD);
  EL_GUI_WAIT_FOR (!el_window_get_locked (window));
  close_window (window);
}

/* The desktop's screensaver turning on locks the window too. */
static void
test_desktop_lock (Fixture *f, gconstpointer data)
{
  ElWindow *window = open_window (f);
  g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_nonnull (bus);
  sign_in (window, EL_TEST_DEMO_NURSE_A, FALSE);

  /* turning off does nothing */
  g_dbus_connection_emit_signal (bus, NULL, "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver",
                                 "ActiveChanged", g_variant_new ("(b)", FALSE), &error);
  g_assert_no_error (error);
  el_gui_test_spin (300);
  g_assert_false (el_window_get_locked (window));

  g_dbus_connection_emit_signal (bus, NULL, "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver",
                                 "ActiveChanged", g_variant_new ("(b)", TRUE), &error);
  g_assert_no_error (error);
  EL_GUI_WAIT_FOR (el_window_get_locked (window));
  close_window (window);
}

/* Switching nurses on a shared PC: nurse.b (another unit) never sees nurse.a's patients, and
 * nurse.a gets her own cache back when she returns. */
static void
test_switch_nurse (Fixture *f, gconstpointer data)
{
  ElWindow *window = open_window (f);
  g_autoptr (GPtrArray) names_a = unit_family_names (f->server, EL_TEST_DEMO_NURSE_A);
  g_autoptr (GPtrArray) names_b = unit_family_names (f->server, EL_TEST_DEMO_NURSE_B);
  g_autofree char *store_a = NULL;
  g_autofree char *store_b = NULL;

  sign_in (window, EL_TEST_DEMO_NURSE_A, FALSE);
  EL_GUI_WAIT_FOR (count_names_shown (GTK_WIDGET (window), names_a) > 0);
  store_a = g_strdup (el_store_get_path (el_context_get_store (el_window_get_context (window))));

  /* from the lock screen, as a colleague would */
  el_window_lock (window);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.switch-nurse", NULL);
  EL_GUI_WAIT_FOR (g_strcmp0 (el_window_get_page (window), "sign-in") == 0);
  g_assert_null (el_window_get_census_panel (window));
  g_assert_cmpuint (count_names_shown (GTK_WIDGET (window), names_a), ==, 0);
  /* the form does not keep her email */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (
                       el_gui_test_find (el_window_get_sign_in_page (window), G_TYPE_NONE, "sign-in-email"))),
                   ==, "");

  sign_in (window, EL_TEST_DEMO_NURSE_B, FALSE);
  EL_GUI_WAIT_FOR (count_names_shown (GTK_WIDGET (window), names_b) > 0);
  el_gui_test_spin (300);
  g_assert_cmpuint (count_names_shown (GTK_WIDGET (window), names_a), ==, 0);
  store_b = g_strdup (el_store_get_path (el_context_get_store (el_window_get_context (window))));
  g_assert_cmpstr (store_a, !=, store_b);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.switch-nurse", NULL);
  EL_GUI_WAIT_FOR (g_strcmp0 (el_window_get_page (window), "sign-in") == 0);
  sign_in (window, EL_TEST_DEMO_NURSE_A, FALSE);
  g_assert_cmpstr (el_store_get_path (el_context_get_store (el_window_get_context (window))), ==, store_a);
  EL_GUI_WAIT_FOR (count_names_shown (GTK_WIDGET (window), names_a) > 0);
  g_assert_cmpuint (count_names_shown (GTK_WIDGET (window), names_b), ==, 0);
  close_window (window);
}

/* "Keep me signed in": the next start opens her census without a password; without it, the next
 * start asks again (and the keyring no longer holds her refresh token). */
static void
test_keep_signed_in (Fixture *f, gconstpointer data)
{
  ElWindow *window = open_window (f);
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *remembered = NULL;

  sign_in (window, EL_TEST_DEMO_NURSE_A, TRUE);
  remembered = g_settings_get_string (settings, "remembered-account");
  g_assert_cmpstr (remembered, ==, EL_TEST_DEMO_NURSE_A);
  close_window (window);

  window = open_window (f);
  EL_GUI_WAIT_FOR (g_strcmp0 (el_window_get_page (window), "main") == 0);
  g_assert_cmpstr (el_user_get_email (el_context_get_user (el_window_get_context (window))), ==,
                   EL_TEST_DEMO_NURSE_A);

  /* she switches to a colleague who does not keep her session */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.switch-nurse", NULL);
  EL_GUI_WAIT_FOR (g_strcmp0 (el_window_get_page (window), "sign-in") == 0);
  sign_in (window, EL_TEST_DEMO_NURSE_B, FALSE);
  g_free (remembered);
  remembered = g_settings_get_string (settings, "remembered-account");
  g_assert_cmpstr (remembered, ==, "");
  close_window (window);

  window = open_window (f);
  g_assert_cmpstr (el_window_get_page (window), ==, "sign-in");
  close_window (window);
}

/* As a click on a census row would. */
static void
activate_patient (ElWindow *window, ElCensusItem *item)
{
  ElCensusModel *model = el_census_panel_get_model (EL_CENSUS_PANEL (el_window_get_census_panel (window)));
  GtkWidget *list = el_gui_test_find (el_window_get_census_panel (window), GTK_TYPE_LIST_VIEW, "census-list");
  guint position = GTK_INVALID_LIST_POSITION;

  g_assert_nonnull (list);
  g_assert_nonnull (el_census_model_find (model, el_census_item_get_patient_id (item), &position));
  g_signal_emit_by_name (list, "activate", position);
  el_gui_test_spin (20);
}

static gboolean
editor_idle (ElWindow *window)
{
  return !el_sbar_editor_get_loading (EL_SBAR_EDITOR (el_window_get_editor (window)));
}

static void
answer_leave (ElWindow *window, const char *response)
{
  AdwMessageDialog *dialog = NULL;

  EL_GUI_WAIT_FOR (
      (dialog = el_sbar_editor_get_leave_dialog (EL_SBAR_EDITOR (el_window_get_editor (window)))) != NULL);
  adw_message_dialog_response (dialog, response);
  el_gui_test_spin (100);
}

static GtkTextBuffer *
situation_buffer (ElWindow *window)
{
  GtkWidget *view = el_gui_test_find (el_window_get_editor (window), GTK_TYPE_TEXT_VIEW, "editor-situation");

  g_assert_nonnull (view);
  return gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
}

/* Census → patient → her latest handoff in the editor → history; leaving an edited report asks
 * first: Cancel stays with the words, Discard goes. */
static void
test_navigate (Fixture *f, gconstpointer data)
{
  ElWindow *window = open_window (f);
  ElCensusModel *model;
  g_autoptr (ElCensusItem) first = NULL;
  g_autoptr (ElCensusItem) second = NULL;
  GPtrArray *handoffs = NULL; /* (transfer none) */
  g_autofree char *handoff_id = NULL;
  GtkWidget *content;
  char *edited = "Edited at the station, not saved";

  sign_in (window, EL_TEST_DEMO_NURSE_A, FALSE);
  model = el_census_panel_get_model (EL_CENSUS_PANEL (el_window_get_census_panel (window)));
  EL_GUI_WAIT_FOR (g_list_model_get_n_items (G_LIST_MODEL (model)) >= 2);
  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  second = g_list_model_get_item (G_LIST_MODEL (model), 1);
  el_gui_test_shot (GTK_WIDGET (window), "census");

  activate_patient (window, first);
  content = el_gui_test_find (GTK_WIDGET (window), GTK_TYPE_STACK, "content-stack");
  EL_GUI_WAIT_FOR (g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (content)), "patient") == 0);
  g_assert_cmpstr (el_patient_pane_get_patient_id (EL_PATIENT_PANE (el_window_get_patient_pane (window))), ==,
                   el_census_item_get_patient_id (first));
  EL_GUI_WAIT_FOR ((handoffs = el_patient_pane_get_handoffs (
                        EL_PATIENT_PANE (el_window_get_patient_pane (window)))) != NULL &&
                   handoffs->len > 0);
  el_gui_test_shot (GTK_WIDGET (window), "patient");

  handoff_id = g_strdup (el_handoff_get_id (g_ptr_array_index (handoffs, 0)));
  el_window_open_handoff (window, handoff_id);
  EL_GUI_WAIT_FOR (g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (content)), "handoff") == 0);
  EL_GUI_WAIT_FOR (editor_idle (window));
  g_assert_cmpstr (el_sbar_editor_get_handoff_id (EL_SBAR_EDITOR (el_window_get_editor (window))), ==,
                   handoff_id);
  el_gui_test_shot (GTK_WIDGET (window), "editor");
  /* every control of the main window, with a report open, has an accessible name */
  el_gui_test_assert_accessible (GTK_WIDGET (window));
  {
    AdwViewStack *tabs = ADW_VIEW_STACK (el_gui_test_find (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK, NULL));

    adw_view_stack_set_visible_child_name (tabs, "history");
    el_gui_test_spin (300);
    el_gui_test_shot (GTK_WIDGET (window), "history");
    el_gui_test_assert_accessible (GTK_WIDGET (window));
    adw_view_stack_set_visible_child_name (tabs, "report");
  }

  /* a long report is shown whole: the section grows with its text, at this width and a narrower one */
  {
    GtkWidget *view =
        el_gui_test_find (el_window_get_editor (window), GTK_TYPE_TEXT_VIEW, "editor-situation");
    g_autoptr (GString) text = g_string_new (NULL);

    for (guint i = 0; i < 12; i++)
      g_string_append_printf (text, "Sentence %u of a long situation that a nurse dictated at the bedside. ",
                              i);
    gtk_text_buffer_set_text (situation_buffer (window), text->str, -1);
    /* (the line's height is an estimate until GTK has laid it out: wait for both) */
    EL_GUI_WAIT_FOR (gtk_widget_get_height (view) > 120 /* its minimum is 96 */
                     && el_gui_test_text_fully_shown (GTK_TEXT_VIEW (view)));
    gtk_window_set_default_size (GTK_WINDOW (window), 1100, 800);
    EL_GUI_WAIT_FOR (gtk_widget_get_width (view) < 700);
    EL_GUI_WAIT_FOR (gtk_widget_get_height (view) > 150 &&
                     el_gui_test_text_fully_shown (GTK_TEXT_VIEW (view)));
    el_gui_test_shot (GTK_WIDGET (window), "editor-long");
  }

  /* an edit, then another patient: the guard asks; Cancel keeps her words where they were */
  gtk_text_buffer_set_text (situation_buffer (window), edited, -1);
  EL_GUI_WAIT_FOR (el_sbar_editor_get_dirty (EL_SBAR_EDITOR (el_window_get_editor (window))));
  activate_patient (window, second);
  answer_leave (window, "cancel");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (content)), ==, "handoff");
  /* the census points at the patient still open */
  g_assert_cmpstr (
      el_census_panel_get_selected_patient_id (EL_CENSUS_PANEL (el_window_get_census_panel (window))), ==,
      el_census_item_get_patient_id (first));
  g_assert_true (el_sbar_editor_get_dirty (EL_SBAR_EDITOR (el_window_get_editor (window))));
  {
    GtkTextIter start, end;
    g_autofree char *text = NULL;

    gtk_text_buffer_get_bounds (situation_buffer (window), &start, &end);
    text = gtk_text_buffer_get_text (situation_buffer (window), &start, &end, FALSE);
    g_assert_cmpstr (text, ==, edited);
  }

  /* Discard: the other patient opens, nothing was saved */
  activate_patient (window, second);
  answer_leave (window, "discard");
  EL_GUI_WAIT_FOR (
      g_strcmp0 (el_patient_pane_get_patient_id (EL_PATIENT_PANE (el_window_get_patient_pane (window))),
                 el_census_item_get_patient_id (second)) == 0);
  EL_GUI_WAIT_FOR (g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (content)), "patient") == 0);
  close_window (window);
}

/* Signs nurse.a in and opens the latest handoff of her first census patient in the report; returns
 * its id (the patient in *patient_id when asked). */
static char *
open_first_handoff (ElWindow *window, char **patient_id)
{
  ElCensusModel *model;
  g_autoptr (ElCensusItem) first = NULL;
  GPtrArray *handoffs = NULL; /* (transfer none) */
  char *handoff_id;
  GtkWidget *content;

  sign_in (window, EL_TEST_DEMO_NURSE_A, FALSE);
  model = el_census_panel_get_model (EL_CENSUS_PANEL (el_window_get_census_panel (window)));
  EL_GUI_WAIT_FOR (g_list_model_get_n_items (G_LIST_MODEL (model)) >= 1);
  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  activate_patient (window, first);
  EL_GUI_WAIT_FOR ((handoffs = el_patient_pane_get_handoffs (
                        EL_PATIENT_PANE (el_window_get_patient_pane (window)))) != NULL &&
                   handoffs->len > 0);
  handoff_id = g_strdup (el_handoff_get_id (g_ptr_array_index (handoffs, 0)));
  el_window_open_handoff (window, handoff_id);
  content = el_gui_test_find (GTK_WIDGET (window), GTK_TYPE_STACK, "content-stack");
  EL_GUI_WAIT_FOR (g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (content)), "handoff") == 0);
  EL_GUI_WAIT_FOR (editor_idle (window));
  if (patient_id != NULL)
    *patient_id = g_strdup (el_census_item_get_patient_id (first));
  return handoff_id;
}

static char *
buffer_text (GtkTextBuffer *buffer)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* A real 409 in the window: the charge nurse saved first; nurse.a's save becomes a conflict, the
 * header's "Resolve Conflicts" opens the conflict view, taking theirs brings her report back with
 * the charge nurse's words and no conflict left. */
static void
test_window_conflict (Fixture *f, gconstpointer data)
{
  ElWindow *window = open_window (f);
  g_autofree char *handoff_id = open_first_handoff (window, NULL);
  g_autofree char *charge_dir = NULL;
  g_autoptr (ElContext) charge = el_gui_test_sign_in (f->server, EL_TEST_DEMO_CHARGE, &charge_dir);
  ElSbarEditor *editor = EL_SBAR_EDITOR (el_window_get_editor (window));
  int base = el_sbar_editor_get_base_version (editor);
  ElSync *sync = el_context_get_sync (el_window_get_context (window));
  GtkWidget *indicator = el_gui_test_find (GTK_WIDGET (window), EL_TYPE_SYNC_INDICATOR, NULL);
  GtkWidget *content = el_gui_test_find (GTK_WIDGET (window), GTK_TYPE_STACK, "content-stack");
  GtkWidget *view;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElStoreSbar) theirs_base = NULL;
  g_autoptr (ElSbarVersion) theirs = NULL;
  g_autofree char *op = NULL;
  g_autofree char *shown = NULL;
  const char *const sections[] = { "situation", "background", "assessment", "recommendation", "fields" };

  /* the charge nurse saves first, from the same version */
  el_store_get_sbar_async (el_context_get_store (charge), handoff_id, 0, NULL, el_test_result_cb, &result);
  theirs_base = el_store_get_sbar_finish (el_context_get_store (charge), el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (el_sbar_version_get_version (theirs_base->version), ==, base);
  theirs = el_sbar_editor_get_content (editor);
  el_sbar_version_set_situation (theirs, "Charge nurse: pain controlled, family updated.");
  g_clear_object (&result);
  el_store_save_sbar_draft_async (el_context_get_store (charge), handoff_id, base, theirs, NULL,
                                  el_test_result_cb, &result);
  op = el_store_save_sbar_draft_finish (el_context_get_store (charge), el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  el_gui_test_sync (charge);

  /* nurse.a saves hers from the same base */
  gtk_text_buffer_set_text (situation_buffer (window), "Nurse A: pain 6 of 10, oxycodone given.", -1);
  EL_GUI_WAIT_FOR (el_sbar_editor_get_dirty (editor));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  EL_GUI_WAIT_FOR (!el_sbar_editor_get_dirty (editor));
  el_sync_request (sync, EL_SYNC_RUN_IGNORE_BACKOFF);
  EL_GUI_WAIT_FOR (el_sync_get_conflict_count (sync) > 0);
  EL_GUI_WAIT_FOR (el_sync_indicator_get_status (EL_SYNC_INDICATOR (indicator)) ==
                   EL_SYNC_INDICATOR_CONFLICT);

  g_assert_true (gtk_widget_activate_action (indicator, "sync.resolve-conflicts", NULL));
  EL_GUI_WAIT_FOR (g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (content)), "conflict") == 0);
  view = el_gui_test_find (content, EL_TYPE_CONFLICT_VIEW, NULL);
  g_assert_nonnull (view);
  el_gui_test_shot (GTK_WIDGET (window), "conflict");
  el_gui_test_assert_accessible (GTK_WIDGET (window));

  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      g_autofree char *name = g_strdup_printf ("conflict-%s-take-theirs", sections[i]);
      GtkWidget *button = el_gui_test_find (view, GTK_TYPE_TOGGLE_BUTTON, name);

      g_assert_nonnull (button);
      if (!gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)))
        el_gui_test_click (button);
    }
  EL_GUI_WAIT_FOR (el_conflict_view_get_can_resolve (EL_CONFLICT_VIEW (view)));
  el_gui_test_click (el_gui_test_find (view, GTK_TYPE_BUTTON, "conflict-resolve"));

  /* back in her report, which now reads the charge nurse's words */
  EL_GUI_WAIT_FOR (g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (content)), "handoff") == 0);
  EL_GUI_WAIT_FOR (el_sync_get_conflict_count (sync) == 0 || (el_sync_refresh_counts (sync), FALSE));
  EL_GUI_WAIT_FOR (editor_idle (window) &&
                   (g_free (shown), shown = buffer_text (situation_buffer (window)),
                    g_str_equal (shown, "Charge nurse: pain controlled, family updated.")));
  g_assert_false (el_sbar_editor_get_dirty (editor));

  el_gui_test_close_context (charge, charge_dir);
  close_window (window);
}

/* The server goes away: the window's offline banner shows; it comes back on the same address: the
 * banner goes. */
static void
test_window_offline (Fixture *f, gconstpointer data)
{
  ElWindow *window = open_window (f);
  GtkWidget *banner;
  guint port = el_test_server_get_port (f->server);
  ElTestServer *again;

  sign_in (window, EL_TEST_DEMO_NURSE_A, FALSE);
  banner = el_gui_test_find (GTK_WIDGET (window), EL_TYPE_OFFLINE_BANNER, NULL);
  g_assert_nonnull (banner);
  el_gui_test_spin (300);
  g_assert_false (el_offline_banner_get_revealed (EL_OFFLINE_BANNER (banner)));

  g_assert_cmpint (el_test_server_stop (f->server), ==, 0);
  el_sync_request (el_context_get_sync (el_window_get_context (window)), EL_SYNC_RUN_IGNORE_BACKOFF);
  EL_GUI_WAIT_FOR (el_offline_banner_get_revealed (EL_OFFLINE_BANNER (banner)));
  el_gui_test_shot (GTK_WIDGET (window), "offline");

  again = el_test_demo_start_again (f->server, port, NULL);
  f->stopped = f->server;
  f->server = again;
  EL_GUI_WAIT_FOR (!el_offline_banner_get_revealed (EL_OFFLINE_BANNER (banner)));
  close_window (window);
}

/* From a station monitor (1280 px here) down to 900 px: wide, census and report side by side; narrow, one
 * at a time with a back button. */
static void
test_adaptive (Fixture *f, gconstpointer data)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  const int widths[] = { 1280, 900 }; /* CI's Xvfb screen is 1280 px wide */

  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      ElWindow *window;
      AdwLeaflet *leaflet;
      g_autofree char *handoff_id = NULL;

      g_settings_set_int (settings, "window-width", widths[i]);
      g_settings_set_int (settings, "window-height", 800);
      window = open_window (f);
      handoff_id = open_first_handoff (window, NULL);
      leaflet = ADW_LEAFLET (el_gui_test_find (GTK_WIDGET (window), ADW_TYPE_LEAFLET, "main-leaflet"));
      /* the window's own width leaves out its client-side border */
      EL_GUI_WAIT_FOR (ABS (gtk_widget_get_width (GTK_WIDGET (window)) - widths[i]) <= 20);
      el_gui_test_spin (200);
      if (widths[i] > 1100)
        {
          g_assert_false (adw_leaflet_get_folded (leaflet));
          g_assert_true (gtk_widget_get_mapped (el_window_get_census_panel (window)));
          g_assert_true (gtk_widget_get_mapped (el_window_get_editor (window)));
        }
      else
        {
          /* the report she opened fills the window; the census is one step back */
          g_assert_true (adw_leaflet_get_folded (leaflet));
          EL_GUI_WAIT_FOR (gtk_widget_get_mapped (el_window_get_editor (window)));
          g_assert_false (gtk_widget_get_mapped (el_window_get_census_panel (window)));
          el_gui_test_shot (GTK_WIDGET (window), "narrow");
          adw_leaflet_navigate (leaflet, ADW_NAVIGATION_DIRECTION_BACK);
          EL_GUI_WAIT_FOR (gtk_widget_get_mapped (el_window_get_census_panel (window)));
        }
      close_window (window);
      /* closing keeps the size it had */
      g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, widths[i]);
    }
}

/* Dark mode: the report and a history diff render with the dark style (and the diff's tags follow
 * the switch) without a warning; PNGs with EL_GUI_TEST_SHOTS. */
static void
test_dark (Fixture *f, gconstpointer data)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  ElWindow *window = open_window (f);
  g_autofree char *handoff_id = open_first_handoff (window, NULL);
  AdwViewStack *tabs = ADW_VIEW_STACK (el_gui_test_find (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK, NULL));

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  EL_GUI_WAIT_FOR (adw_style_manager_get_dark (style));
  el_gui_test_shot (GTK_WIDGET (window), "dark-report");
  adw_view_stack_set_visible_child_name (tabs, "history");
  el_gui_test_spin (300);
  el_gui_test_shot (GTK_WIDGET (window), "dark-history");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  EL_GUI_WAIT_FOR (!adw_style_manager_get_dark (style));
  el_gui_test_spin (100);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  close_window (window);
}

/* Ctrl+S in the report saves a new version; the toast says so and the history lists it. */
static void
test_save_to_history (Fixture *f, gconstpointer data)
{
  ElWindow *window = open_window (f);
  g_autofree char *handoff_id = open_first_handoff (window, NULL);
  ElSbarEditor *editor = EL_SBAR_EDITOR (el_window_get_editor (window));
  ElHistoryView *history = EL_HISTORY_VIEW (el_window_get_history (window));
  int base = el_sbar_editor_get_base_version (editor);
  guint before;
  g_autofree char *text = NULL;

  EL_GUI_WAIT_FOR (!el_history_view_get_loading (history) && el_history_view_get_n_versions (history) > 0);
  before = el_history_view_get_n_versions (history);
  gtk_text_buffer_set_text (situation_buffer (window), "Saved from the window with Ctrl+S.", -1);
  EL_GUI_WAIT_FOR (el_sbar_editor_get_dirty (editor));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  EL_GUI_WAIT_FOR (el_sbar_editor_get_base_version (editor) == base + 1);
  g_assert_false (el_sbar_editor_get_dirty (editor));
  EL_GUI_WAIT_FOR (!el_history_view_get_loading (history) &&
                   el_history_view_get_n_versions (history) == before + 1);
  text = el_gui_test_collect_text (GTK_WIDGET (window));
  {
    g_autofree char *toast = g_strdup_printf ("Saved as version %d", base + 1);
    g_assert_nonnull (strstr (text, toast));
  }
  close_window (window);
}

/* Ctrl+R on a patient: the recording view opens in the content pane for this shift's handoff with
 * no report yet (a new one: the demo's handoffs all have reports), records, and Discard brings the
 * patient back with nothing left on disk; the report page carries the sign bar. */
static void
test_record_from_window (Fixture *f, gconstpointer data)
{
  ElWindow *window = open_window (f);
  g_autofree char *handoff_id = NULL;
  g_autofree char *patient_id = NULL;
  GtkWidget *content;
  GtkWidget *view;
  AdwMessageDialog *dialog = NULL;
  g_autoptr (GDir) dir = NULL;

  el_window_set_record_source (window, "audiotestsrc is-live=true wave=sine volume=0.3");
  handoff_id = open_first_handoff (window, &patient_id);
  g_assert_nonnull (el_gui_test_find (GTK_WIDGET (window), EL_TYPE_SIGN_BAR, NULL));
  content = el_gui_test_find (GTK_WIDGET (window), GTK_TYPE_STACK, "content-stack");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.record", NULL));
  EL_GUI_WAIT_FOR (el_window_get_record_view (window) != NULL &&
                   el_record_view_get_state (EL_RECORD_VIEW (el_window_get_record_view (window))) ==
                       EL_RECORD_VIEW_RECORDING);
  view = el_window_get_record_view (window);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (content)), ==, "record");
  /* the handoff with a report was not recorded onto: a new one for this shift */
  g_assert_cmpstr (el_record_view_get_handoff_id (EL_RECORD_VIEW (view)), !=, handoff_id);
  EL_GUI_WAIT_FOR (el_record_view_get_duration_ms (EL_RECORD_VIEW (view)) > 1000);
  el_gui_test_shot (GTK_WIDGET (window), "record");
  el_gui_test_assert_accessible (GTK_WIDGET (window));

  g_assert_true (gtk_widget_activate_action (view, "record.discard", NULL));
  EL_GUI_WAIT_FOR ((dialog = ADW_MESSAGE_DIALOG (el_gui_test_find_toplevel (
                        ADW_TYPE_MESSAGE_DIALOG, "record-discard-dialog"))) != NULL);
  adw_message_dialog_response (dialog, "discard");
  EL_GUI_WAIT_FOR (el_window_get_record_view (window) == NULL);
  EL_GUI_WAIT_FOR (g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (content)), "handoff") == 0);
  dir = g_dir_open (el_context_get_recordings_dir (el_window_get_context (window)), 0, NULL);
  if (dir != NULL)
    {
      const char *name;

      while ((name = g_dir_read_name (dir)) != NULL)
        g_assert_false (g_str_has_suffix (name, ".elrec"));
    }
  close_window (window);
}

/* The accessibility check itself: an icon-only button and a bare text view are caught; a label
 * property, a labelled-by relation or a row title names them. */
static void
test_accessible_check (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *icon = gtk_button_new_from_icon_name ("list-add-symbolic");
  GtkWidget *text = gtk_text_view_new ();
  GtkWidget *caption = gtk_label_new ("Situation");
  GtkWidget *labelled = gtk_button_new_with_label ("Save");
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();
  GtkWindow *window;
  g_autoptr (GPtrArray) missing = NULL;

  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), caption);
  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), labelled);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  gtk_box_append (GTK_BOX (box), list);
  window = el_gui_test_window_new (box);

  missing = el_gui_test_unlabelled (GTK_WIDGET (window));
  for (guint i = 0; i < missing->len; i++)
    g_test_message ("unnamed: %s", (char *) g_ptr_array_index (missing, i));
  g_assert_cmpuint (missing->len, ==, 3); /* the icon, the text view, the switch in an untitled row */
  g_clear_pointer (&missing, g_ptr_array_unref);

  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, "Add", -1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (text), GTK_ACCESSIBLE_RELATION_LABELLED_BY, caption, NULL,
                                  -1);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), "Keep me signed in");
  missing = el_gui_test_unlabelled (GTK_WIDGET (window));
  g_assert_cmpuint (missing->len, ==, 0);
  el_gui_test_destroy (window, G_OBJECT (box));
}

int
main (int argc, char *argv[])
{
  el_gui_test_init (&argc, &argv);

#define ADD(path, fn) g_test_add ("/el/gui/shell/" path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("sign-in", test_sign_in_success);
  ADD ("sign-in-failures", test_sign_in_failures);
  ADD ("offline-access", test_offline_access);
  ADD ("auto-lock", test_auto_lock);
  ADD ("desktop-lock", test_desktop_lock);
  ADD ("switch-nurse", test_switch_nurse);
  ADD ("keep-signed-in", test_keep_signed_in);
  ADD ("navigate", test_navigate);
  ADD ("conflict", test_window_conflict);
  ADD ("offline", test_window_offline);
  ADD ("adaptive", test_adaptive);
  ADD ("dark", test_dark);
  ADD ("save-to-history", test_save_to_history);
  ADD ("record", test_record_from_window);
#undef ADD
  g_test_add_func ("/el/gui/shell/accessible-check", test_accessible_check);

  {
    int status = g_test_run ();

    g_clear_object (&app);
    return status;
  }
}
