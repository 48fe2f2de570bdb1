/* SPDX-License-Identifier: GPL-3.0-or-later */
/* gui tests of Preferences, About, the keyboard shortcuts window and the F1 guide. GSettings is
 * the memory backend (test_env); the microphone list comes from a private PulseAudio with a
 * virtual microphone (prefs-test-pulse.h), started before GTK so PULSE_SERVER is set first. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "el-gui-test.h"
#include "el-help-window.h"
#include "el-preferences-window.h"
#include "prefs-test-pulse.h"

static const char *const keys[] = {
  "api-url", "auto-lock-minutes", "cache-retention-days", "transcription-mode", "microphone", "shift-pattern",
  NULL
};

static void
assert_key (GSettings *settings, const char *key, const char *expected)
{
  g_autofree char *value = g_settings_get_string (settings, key);

  g_assert_cmpstr (value, ==, expected);
}

static GSettings *
fresh_settings (void)
{
  GSettings *settings = g_settings_new (APP_ID);

  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
  return settings;
}

static ElPreferencesWindow *
show_preferences (GSettings *settings)
{
  ElPreferencesWindow *prefs = EL_PREFERENCES_WINDOW (el_preferences_window_new (settings));

  gtk_window_present (GTK_WINDOW (prefs));
  EL_GUI_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (prefs)));
  EL_GUI_WAIT_FOR (!el_preferences_window_get_microphones_loading (prefs));
  return prefs;
}

static GtkWidget *
find (gpointer root, const char *name)
{
  GtkWidget *widget = el_gui_test_find (GTK_WIDGET (root), G_TYPE_NONE, name);

  if (widget == NULL)
    g_error ("no widget named %s", name);
  return widget;
}

static const char *
combo_text (AdwComboRow *row, guint index)
{
  g_autoptr (GObject) item = g_list_model_get_item (adw_combo_row_get_model (row), index);

  g_assert_nonnull (item);
  return gtk_string_object_get_string (GTK_STRING_OBJECT (item));
}

static guint
combo_find (AdwComboRow *row, const char *text)
{
  GListModel *model = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (g_strcmp0 (combo_text (row, i), text) == 0)
      return i;
  return GTK_INVALID_LIST_POSITION;
}

static void
close_preferences (ElPreferencesWindow *prefs)
{
  el_gui_test_assert_accessible (GTK_WIDGET (prefs));
  el_gui_test_destroy (GTK_WINDOW (prefs), G_OBJECT (prefs));
}

/* Each spin button and combo row writes its key and follows the key when it changes elsewhere. */
static void
test_rows_follow_settings (void)
{
  g_autoptr (GSettings) settings = fresh_settings ();
  ElPreferencesWindow *prefs = show_preferences (settings);
  GtkSpinButton *auto_lock = GTK_SPIN_BUTTON (find (prefs, "prefs-auto-lock"));
  GtkSpinButton *retention = GTK_SPIN_BUTTON (find (prefs, "prefs-cache-retention"));
  AdwComboRow *transcription = ADW_COMBO_ROW (find (prefs, "prefs-transcription-mode"));
  AdwComboRow *shift = ADW_COMBO_ROW (find (prefs, "prefs-shift-pattern"));
  GtkSwitch *learn =
      GTK_SWITCH (adw_action_row_get_activatable_widget (ADW_ACTION_ROW (find (prefs, "prefs-learn-voice"))));

  /* the defaults are shown */
  g_assert_cmpint (gtk_spin_button_get_value_as_int (auto_lock), ==, 5);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (retention), ==, 7);
  g_assert_cmpstr (combo_text (transcription, adw_combo_row_get_selected (transcription)), ==,
                   _ ("Automatic"));
  g_assert_cmpuint (adw_combo_row_get_selected (shift), ==, 0);

  /* auto-lock: the control writes the key, the key moves the control; the range is 1–60 */
  gtk_spin_button_set_value (auto_lock, 12);
  g_assert_cmpuint (g_settings_get_uint (settings, "auto-lock-minutes"), ==, 12);
  g_settings_set_uint (settings, "auto-lock-minutes", 30);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (auto_lock), ==, 30);
  gtk_spin_button_set_value (auto_lock, 500);
  g_assert_cmpuint (g_settings_get_uint (settings, "auto-lock-minutes"), ==, 60);
  gtk_spin_button_set_value (auto_lock, 0);
  g_assert_cmpuint (g_settings_get_uint (settings, "auto-lock-minutes"), ==, 1);

  /* cache retention: 1–90 */
  gtk_spin_button_set_value (retention, 45);
  g_assert_cmpuint (g_settings_get_uint (settings, "cache-retention-days"), ==, 45);
  g_settings_set_uint (settings, "cache-retention-days", 3);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (retention), ==, 3);
  gtk_spin_button_set_value (retention, 1000);
  g_assert_cmpuint (g_settings_get_uint (settings, "cache-retention-days"), ==, 90);

  /* learning her voice from her handoffs: on by default */
  g_assert_true (gtk_switch_get_active (learn));
  gtk_switch_set_active (learn, FALSE);
  g_assert_false (g_settings_get_boolean (settings, "learn-voice"));
  g_settings_set_boolean (settings, "learn-voice", TRUE);
  g_assert_true (gtk_switch_get_active (learn));

  /* transcription mode */
  adw_combo_row_set_selected (transcription, combo_find (transcription, _ ("On this PC")));
  assert_key (settings, "transcription-mode", "on-device");
  adw_combo_row_set_selected (transcription, combo_find (transcription, _ ("On the server")));
  assert_key (settings, "transcription-mode", "server");
  g_settings_set_string (settings, "transcription-mode", "automatic");
  g_assert_cmpstr (combo_text (transcription, adw_combo_row_get_selected (transcription)), ==,
                   _ ("Automatic"));
  g_settings_set_string (settings, "transcription-mode", "on-device");
  g_assert_cmpstr (combo_text (transcription, adw_combo_row_get_selected (transcription)), ==,
                   _ ("On this PC"));

  /* shift pattern */
  adw_combo_row_set_selected (shift, 1);
  g_assert_true (g_str_has_prefix (combo_text (shift, 1), _ ("Eight-hour")));
  assert_key (settings, "shift-pattern", "eight-hour");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (shift)), "15:00–23:00"));
  g_settings_set_string (settings, "shift-pattern", "twelve-hour");
  g_assert_cmpuint (adw_combo_row_get_selected (shift), ==, 0);
  g_assert_true (g_str_has_prefix (combo_text (shift, 0), _ ("Twelve-hour")));
  g_assert_null (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (shift)), "15:00"));

  el_gui_test_shot (GTK_WIDGET (prefs), "prefs");
  close_preferences (prefs);
}

/* The server address: only http(s) addresses are stored; others leave the key as it was and say
 * why under the row. */
static void
test_server_url (void)
{
  g_autoptr (GSettings) settings = fresh_settings ();
  ElPreferencesWindow *prefs = show_preferences (settings);
  GtkWidget *row = find (prefs, "prefs-server-url");
  GtkLabel *error = GTK_LABEL (find (prefs, "prefs-server-error"));
  g_autofree char *text = el_gui_test_collect_text (GTK_WIDGET (prefs));
  g_autofree char *before = g_settings_get_string (settings, "api-url");
  const char *bad[] = {
    "ftp://handoff.example.org", "handoff.example.org", "javascript:alert(1)", "https://", "", NULL
  };

  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, before);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error)));
  /* the nurse is told when a new address takes effect */
  g_assert_nonnull (strstr (text, _ ("A new address is used the next time a nurse signs in.")));

  for (guint i = 0; bad[i] != NULL; i++)
    {
      el_gui_test_set_text (row, bad[i]);
      g_signal_emit_by_name (row, "apply");
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error)));
      g_assert_cmpstr (gtk_label_get_text (error), !=, "");
      g_assert_true (gtk_widget_has_css_class (row, "error"));
      assert_key (settings, "api-url", before);
    }
  g_assert_nonnull (strstr (gtk_label_get_text (error), "https://"));

  /* typing again clears the message */
  el_gui_test_set_text (row, "https://handoff.example");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error)));

  /* Enter applies too */
  el_gui_test_set_text (row, "  https://handoff.example.org/  ");
  g_signal_emit_by_name (row, "entry-activated");
  assert_key (settings, "api-url", "https://handoff.example.org/");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error)));
  g_assert_false (gtk_widget_has_css_class (row, "error"));

  el_gui_test_set_text (row, "http://127.0.0.1:9090");
  g_signal_emit_by_name (row, "apply");
  assert_key (settings, "api-url", "http://127.0.0.1:9090");

  /* a change made elsewhere (the sign-in page) shows up */
  g_settings_set_string (settings, "api-url", "https://other.example.org/");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "https://other.example.org/");

  close_preferences (prefs);
}

/* The microphone list: "System default" first, then the microphones PulseAudio has (the virtual
 * one), no monitors; the choice is stored by PulseAudio name. */
static void
test_microphone (void)
{
  g_autoptr (GSettings) settings = fresh_settings ();
  ElPreferencesWindow *prefs = show_preferences (settings);
  AdwComboRow *row = ADW_COMBO_ROW (find (prefs, "prefs-microphone"));
  guint mic;

  g_assert_cmpstr (combo_text (row, 0), ==, _ ("System default"));
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, 0);
  mic = combo_find (row, PREFS_TEST_MIC_DESCRIPTION);
  g_assert_cmpuint (mic, !=, GTK_INVALID_LIST_POSITION);
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (row)), ==, 2);

  adw_combo_row_set_selected (row, mic);
  assert_key (settings, "microphone", PREFS_TEST_MIC_NAME);
  adw_combo_row_set_selected (row, 0);
  assert_key (settings, "microphone", "");

  /* set elsewhere */
  g_assert_true (adw_combo_row_get_selected (row) == 0);
  g_settings_set_string (settings, "microphone", PREFS_TEST_MIC_NAME);
  g_assert_cmpuint (adw_combo_row_get_selected (row), ==, mic);

  /* a microphone that is not plugged in is shown as such, not replaced */
  g_settings_set_string (settings, "microphone", "usb-headset-gone");
  g_assert_true (g_str_has_prefix (combo_text (row, adw_combo_row_get_selected (row)), "usb-headset-gone"));
  assert_key (settings, "microphone", "usb-headset-gone");

  close_preferences (prefs);

  /* a window that is closed while it is still looking for microphones goes away at once */
  prefs = EL_PREFERENCES_WINDOW (el_preferences_window_new (settings));
  gtk_window_present (GTK_WINDOW (prefs));
  el_gui_test_destroy (GTK_WINDOW (prefs), G_OBJECT (prefs));
  el_gui_test_spin (500);
}

static void
test_about (void)
{
  GtkWidget *parent = gtk_window_new ();
  GtkWindow *about;
  g_autofree char *text = NULL;

  gtk_window_present (GTK_WINDOW (parent));
  about = el_show_about (GTK_WINDOW (parent));
  g_assert_true (ADW_IS_ABOUT_WINDOW (about));
  g_assert_true (gtk_window_get_transient_for (about) == GTK_WINDOW (parent));
  EL_GUI_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (about)));
  el_gui_test_shot (GTK_WIDGET (about), "about");
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  g_assert_cmpstr (adw_about_window_get_application_icon (ADW_ABOUT_WINDOW (about)), ==, APP_ID);
  g_assert_cmpint (adw_about_window_get_license_type (ADW_ABOUT_WINDOW (about)), ==, GTK_LICENSE_GPL_3_0);
  text = el_gui_test_collect_text (GTK_WIDGET (about));
  g_assert_nonnull (strstr (text, _ ("EclipseLink Handoff")));
  g_assert_nonnull (strstr (text, PACKAGE_VERSION));
  g_assert_nonnull (strstr (text, "EclipseLink AI"));
  el_gui_test_assert_accessible (GTK_WIDGET (about));
  el_gui_test_destroy (about, G_OBJECT (about));
  gtk_window_destroy (GTK_WINDOW (parent));
}

/* GtkApplication loads this one from the resource base path: the id must be help_overlay. */
static void
test_shortcuts_window (void)
{
  g_autoptr (GtkBuilder) builder =
      gtk_builder_new_from_resource ("/ai/eclipselink/Handoff/gtk/help-overlay.ui");
  GtkWindow *overlay = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
  g_autoptr (GPtrArray) shortcuts = NULL;
  g_autofree char *text = NULL;
  const char *titles[] = { "Lock",
                           "Quit",
                           "Close window",
                           "Keyboard shortcuts",
                           "Help",
                           "Preferences",
                           "Search patients",
                           "New handoff",
                           "Record a handoff",
                           "Save",
                           "Undo",
                           "Redo",
                           "Print",
                           NULL };
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean seen_lock = FALSE, seen_f1 = FALSE;

  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (overlay));
  el_prefs_fix_shortcuts_window (GTK_SHORTCUTS_WINDOW (overlay));
  g_object_ref (overlay);
  g_clear_object (&builder);
  gtk_window_present (overlay);
  EL_GUI_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (overlay)));
  text = el_gui_test_collect_text (GTK_WIDGET (overlay));
  for (guint i = 0; titles[i] != NULL; i++)
    if (strstr (text, _ (titles[i])) == NULL)
      g_error ("the shortcuts window lacks “%s”", titles[i]);

  shortcuts = el_gui_test_find_all (GTK_WIDGET (overlay), GTK_TYPE_SHORTCUTS_SHORTCUT, NULL);
  /* (the window keeps a second copy of each for its search page) */
  g_assert_cmpuint (shortcuts->len, >=, 13);
  for (guint i = 0; i < shortcuts->len; i++)
    {
      g_autofree char *title = NULL;
      g_autofree char *accel = NULL;

      g_object_get (g_ptr_array_index (shortcuts, i), "title", &title, "accelerator", &accel, NULL);
      g_hash_table_add (seen, g_strdup (title));
      if (g_strcmp0 (title, _ ("Lock")) == 0)
        seen_lock = g_strcmp0 (accel, "<Primary>l") == 0;
      if (g_strcmp0 (title, _ ("Help")) == 0)
        seen_f1 = g_strcmp0 (accel, "F1") == 0;
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 13);
  g_assert_true (seen_lock);
  g_assert_true (seen_f1);
  el_gui_test_shot (GTK_WIDGET (overlay), "shortcuts");
  el_gui_test_assert_accessible (GTK_WIDGET (overlay));
  g_object_unref (overlay);
  el_gui_test_destroy (overlay, G_OBJECT (overlay));
}

static void
test_help_window (void)
{
  ElHelpWindow *help = EL_HELP_WINDOW (el_help_window_new ());
  g_autofree char *text = NULL;
  const char *titles[] = { "Signing in and offline work",
                           "The census",
                           "Recording a handoff",
                           "Reviewing the draft",
                           "Saving and the history",
                           "Conflicts",
                           "Signing and read-back",
                           "Printing",
                           "Locking and switching nurse",
                           "Sync states",
                           NULL };
  GtkWidget *section;
  GtkWidget *scroller;

  gtk_window_present (GTK_WINDOW (help));
  EL_GUI_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (help)));
  text = el_gui_test_collect_text (GTK_WIDGET (help));
  g_assert_cmpuint (el_help_window_get_n_sections (), ==, g_strv_length ((char **) titles));
  for (guint i = 0; titles[i] != NULL; i++)
    {
      if (strstr (text, _ (titles[i])) == NULL)
        g_error ("the guide lacks the section “%s”", titles[i]);
      g_assert_cmpstr (el_help_window_get_section_title (i), ==, _ (titles[i]));
    }
  /* what a nurse needs to find: read-back, offline, AI marks */
  g_assert_nonnull (strstr (text, "read back"));
  g_assert_nonnull (strstr (text, "Open Offline"));
  g_assert_nonnull (strstr (text, "Ctrl+L"));

  /* long: it scrolls */
  scroller = find (help, "help-scroller");
  g_assert_true (GTK_IS_SCROLLED_WINDOW (scroller));
  EL_GUI_WAIT_FOR (gtk_adjustment_get_upper (gtk_scrolled_window_get_vadjustment (
                       GTK_SCROLLED_WINDOW (scroller))) > gtk_widget_get_height (scroller));

  /* the sections are focusable rows (keyboard: Tab into the list, then Up/Down) */
  section = find (help, "help-section-signing");
  g_assert_true (gtk_widget_get_focusable (section));
  g_assert_true (gtk_widget_grab_focus (section));

  /* search: every word must appear; nothing found says so */
  el_help_window_search (help, "read back");
  g_assert_cmpuint (el_help_window_get_n_shown (help), >=, 1);
  g_assert_cmpuint (el_help_window_get_n_shown (help), <, el_help_window_get_n_sections ());
  g_assert_true (gtk_widget_get_child_visible (section));
  g_assert_true (gtk_widget_get_child_visible (find (help, "help-section-signing")));
  g_assert_false (gtk_widget_get_child_visible (find (help, "help-section-printing")));
  el_help_window_search (help, "PRINT pdf");
  g_assert_cmpuint (el_help_window_get_n_shown (help), ==, 1);
  g_assert_true (gtk_widget_get_child_visible (find (help, "help-section-printing")));
  el_help_window_search (help, "zebra-crossing");
  g_assert_cmpuint (el_help_window_get_n_shown (help), ==, 0);
  g_assert_true (gtk_widget_get_mapped (find (help, "help-no-results")));
  el_help_window_search (help, "");
  g_assert_cmpuint (el_help_window_get_n_shown (help), ==, el_help_window_get_n_sections ());

  el_gui_test_shot (GTK_WIDGET (help), "help");
  el_gui_test_assert_accessible (GTK_WIDGET (help));
  el_gui_test_destroy (GTK_WINDOW (help), G_OBJECT (help));
}

/* The app actions: Preferences (Ctrl+comma), About, Help (F1), each opened once. */
static void
test_actions (void)
{
  g_autoptr (GtkApplication) app = gtk_application_new (NULL, G_APPLICATION_NON_UNIQUE);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) accels = NULL;
  GtkWidget *main_window;
  GList *windows;
  GtkWindow *help = NULL;
  GtkShortcutsWindow *overlay;

  g_application_set_resource_base_path (G_APPLICATION (app), "/ai/eclipselink/Handoff");
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  el_prefs_install_actions (app);
  accels = gtk_application_get_accels_for_action (app, "app.preferences");
  g_assert_cmpstr (accels[0], ==, "<Control>comma");
  g_clear_pointer (&accels, g_strfreev);
  accels = gtk_application_get_accels_for_action (app, "app.help");
  g_assert_cmpstr (accels[0], ==, "F1");
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (app), "about"));

  main_window = gtk_application_window_new (app);
  gtk_window_present (GTK_WINDOW (main_window));
  EL_GUI_WAIT_FOR (gtk_widget_get_mapped (main_window));

  /* the keyboard shortcuts window (Ctrl+?) comes from the resource, its controls named */
  overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (main_window));
  g_assert_nonnull (overlay);
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (main_window), "show-help-overlay"));
  el_gui_test_assert_accessible (GTK_WIDGET (overlay));

  g_action_group_activate_action (G_ACTION_GROUP (app), "help", NULL);
  g_action_group_activate_action (G_ACTION_GROUP (app), "help", NULL);
  windows = gtk_application_get_windows (app);
  for (GList *l = windows; l != NULL; l = l->next)
    if (EL_IS_HELP_WINDOW (l->data))
      {
        g_assert_null (help);
        help = l->data;
      }
  g_assert_nonnull (help);
  g_assert_true (gtk_window_get_transient_for (help) == GTK_WINDOW (main_window));
  gtk_window_destroy (help);

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  {
    GtkWindow *prefs = NULL;

    for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
      if (EL_IS_PREFERENCES_WINDOW (l->data))
        prefs = l->data;
    g_assert_nonnull (prefs);
    g_assert_true (gtk_window_get_transient_for (prefs) == GTK_WINDOW (main_window));
    EL_GUI_WAIT_FOR (!el_preferences_window_get_microphones_loading (EL_PREFERENCES_WINDOW (prefs)));
    el_gui_test_destroy (prefs, G_OBJECT (prefs));
  }

  gtk_window_destroy (GTK_WINDOW (main_window));
  el_gui_test_spin (50);
}

int
main (int argc, char **argv)
{
  g_autofree char *server = NULL;
  PrefsTestPulse *pulse;
  int ret;

  /* before GTK and GStreamer start threads */
  pulse = prefs_test_pulse_start (&server);
  g_setenv ("PULSE_SERVER", server, TRUE);

  el_gui_test_init (&argc, &argv);
  g_test_add_func ("/el/gui/prefs/rows-follow-settings", test_rows_follow_settings);
  g_test_add_func ("/el/gui/prefs/server-url", test_server_url);
  g_test_add_func ("/el/gui/prefs/microphone", test_microphone);
  g_test_add_func ("/el/gui/prefs/about", test_about);
  g_test_add_func ("/el/gui/prefs/shortcuts-window", test_shortcuts_window);
  g_test_add_func ("/el/gui/prefs/help-window", test_help_window);
  g_test_add_func ("/el/gui/prefs/actions", test_actions);
  ret = g_test_run ();
  prefs_test_pulse_stop (pulse);
  return ret;
}
