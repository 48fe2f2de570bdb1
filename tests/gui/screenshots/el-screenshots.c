/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * el-screenshots DIR: renders the app's main views, 1280x800, into DIR — the pictures of the README
 * and the AppStream metainfo. Not a test: `.ci/screenshot` runs it under Xvfb with a D-Bus session
 * and an unlocked keyring.
 *
 * A real eclipselink-server with the demo hospital, the real ElWindow signed in as nurse.a:
 *   census.png   the census of unit 4W with the first patient's handoffs
 *   editor.png   her latest handoff's SBAR report, after an edit saved as a new version
 *   history.png  the history tab: the word diff between that version and the one before
 *   record.png   the recording view, recording (a sine wave moves the level meter)
 *   print.png    a print preview of the unit's shift report (its first two pages)
 * record.png and print.png need the record and print views (built when their libraries exist).
 */
#include "config.h"

#include "el-application.h"
#include "el-census-panel.h"
#include "el-gui-test.h"
#include "el-history-view.h"
#include "el-patient-pane.h"
#include "el-sbar-editor.h"
#include "el-sign-in-page.h"
#include "el-window.h"
#ifdef EL_SCREENSHOTS_RECORD
#include "el-record-view.h"
#endif
#ifdef EL_SCREENSHOTS_PRINT
#include "el-shift-report.h"
#endif

#define SHOT_WIDTH  1280
#define SHOT_HEIGHT 800

typedef struct
{
  const char *out_dir;
  ElTestServer *server;
  char *data_dir;
  ElApplication *app;
  ElWindow *window;
  char *patient_id;
  char *patient_title; /* "Okafor, Margaret · 401" */
  char *handoff_id;
} Shots;

/* Saves what @widget shows, SHOT_WIDTH x SHOT_HEIGHT, to DIR/@name. */
static void
save_png (Shots *s, GtkWidget *widget, const char *name)
{
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GtkSnapshot) snapshot = NULL;
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GskRenderer) renderer = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (s->out_dir, name, NULL);

  el_gui_test_spin (500);
  if (gtk_widget_get_width (widget) != SHOT_WIDTH || gtk_widget_get_height (widget) != SHOT_HEIGHT)
    g_printerr ("screenshots: %s: the window is %dx%d, not %dx%d\n", name, gtk_widget_get_width (widget),
                gtk_widget_get_height (widget), SHOT_WIDTH, SHOT_HEIGHT);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), SHOT_WIDTH, SHOT_HEIGHT);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  renderer = gsk_cairo_renderer_new ();
  g_assert_true (gsk_renderer_realize (renderer, NULL, &error));
  g_assert_no_error (error);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, SHOT_WIDTH, SHOT_HEIGHT));
  gsk_renderer_unrealize (renderer);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_print ("screenshots: wrote %s\n", path);
}

/* A toast ("Signed in as …", "Saved as version 2") would cover the view: close every one shown. */
static void
dismiss_toasts (GtkWidget *root)
{
  GType toast_type = g_type_from_name ("AdwToastWidget");
  g_autoptr (GPtrArray) toasts = NULL;

  if (toast_type == G_TYPE_INVALID)
    return;
  toasts = el_gui_test_find_all (root, toast_type, NULL);
  for (guint i = 0; i < toasts->len; i++)
    {
      g_autoptr (GPtrArray) buttons =
          el_gui_test_find_all (g_ptr_array_index (toasts, i), GTK_TYPE_BUTTON, NULL);

      for (guint j = 0; j < buttons->len; j++)
        if (g_strcmp0 (gtk_button_get_icon_name (g_ptr_array_index (buttons, j)), "window-close-symbolic") ==
            0)
          el_gui_test_click (g_ptr_array_index (buttons, j));
    }
  el_gui_test_spin (600);
}

/* A window whose widget is SHOT_WIDTH x SHOT_HEIGHT: without a window manager GTK keeps a resize
 * border around it, outside the widget, so the surface is made that much larger. */
static void
present_for_shot (GtkWindow *window)
{
  int width, height;

  gtk_window_set_decorated (window, FALSE);
  gtk_window_set_default_size (window, SHOT_WIDTH, SHOT_HEIGHT);
  gtk_window_present (window);
  EL_GUI_WAIT_FOR (gtk_widget_get_mapped (GTK_WIDGET (window)) &&
                   gtk_widget_get_width (GTK_WIDGET (window)) > 0);
  el_gui_test_spin (100);
  width = gtk_widget_get_width (GTK_WIDGET (window));
  height = gtk_widget_get_height (GTK_WIDGET (window));
  if (width != SHOT_WIDTH || height != SHOT_HEIGHT)
    {
      /* (an X window without a window manager takes a new size when it is mapped again) */
      gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
      gtk_window_set_default_size (window, 2 * SHOT_WIDTH - width, 2 * SHOT_HEIGHT - height);
      gtk_window_present (window);
      EL_GUI_WAIT_FOR (gtk_widget_get_width (GTK_WIDGET (window)) == SHOT_WIDTH &&
                       gtk_widget_get_height (GTK_WIDGET (window)) == SHOT_HEIGHT);
    }
}

static void
sign_in (Shots *s)
{
  GtkWidget *page;
  GtkWidget *button;

  s->window = el_window_new_with_data_dir (s->app, s->data_dir);
  present_for_shot (GTK_WINDOW (s->window));
  EL_GUI_WAIT_FOR (g_strcmp0 (el_window_get_page (s->window), "sign-in") == 0);
  page = el_window_get_sign_in_page (s->window);
  el_gui_test_set_text (el_gui_test_find (page, G_TYPE_NONE, "sign-in-email"), EL_TEST_DEMO_NURSE_A);
  el_gui_test_set_text (el_gui_test_find (page, G_TYPE_NONE, "sign-in-password"), EL_GUI_TEST_PASSWORD);
  button = el_gui_test_find (page, GTK_TYPE_BUTTON, "sign-in-button");
  g_assert_nonnull (button);
  el_gui_test_click (button);
  EL_GUI_WAIT_FOR (g_strcmp0 (el_window_get_page (s->window), "main") == 0);
}

static void
shoot_census (Shots *s)
{
  ElCensusModel *model = el_census_panel_get_model (EL_CENSUS_PANEL (el_window_get_census_panel (s->window)));
  GtkWidget *list =
      el_gui_test_find (el_window_get_census_panel (s->window), GTK_TYPE_LIST_VIEW, "census-list");
  GtkWidget *content = el_gui_test_find (GTK_WIDGET (s->window), GTK_TYPE_STACK, "content-stack");
  g_autoptr (ElCensusItem) first = NULL;
  GPtrArray *handoffs = NULL; /* (transfer none) */

  EL_GUI_WAIT_FOR (g_list_model_get_n_items (G_LIST_MODEL (model)) >= 2);
  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  s->patient_id = g_strdup (el_census_item_get_patient_id (first));
  s->patient_title = g_strdup_printf ("%s · %s", el_census_item_get_display_name (first),
                                      el_census_item_get_room_bed (first));
  g_signal_emit_by_name (list, "activate", 0);
  EL_GUI_WAIT_FOR (g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (content)), "patient") == 0);
  EL_GUI_WAIT_FOR ((handoffs = el_patient_pane_get_handoffs (
                        EL_PATIENT_PANE (el_window_get_patient_pane (s->window)))) != NULL &&
                   handoffs->len > 0);
  s->handoff_id = g_strdup (el_handoff_get_id (g_ptr_array_index (handoffs, 0)));
  dismiss_toasts (GTK_WIDGET (s->window));
  save_png (s, GTK_WIDGET (s->window), "census.png");
}

static GtkTextBuffer *
section_buffer (Shots *s, const char *section)
{
  g_autofree char *name = g_strdup_printf ("editor-%s", section);
  GtkWidget *view = el_gui_test_find (el_window_get_editor (s->window), GTK_TYPE_TEXT_VIEW, name);

  g_assert_nonnull (view);
  return gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
}

/* @buffer's text with its last sentence replaced by @sentence (appended when it has only one). */
static void
rewrite_last_sentence (GtkTextBuffer *buffer, const char *sentence)
{
  GtkTextIter start, end;
  g_autofree char *text = NULL;
  g_autofree char *edited = NULL;
  char *cut;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
  cut = g_strrstr (text, ". ");
  if (cut != NULL)
    cut[1] = '\0';
  edited = *text != '\0' ? g_strdup_printf ("%s %s", text, sentence) : g_strdup (sentence);
  gtk_text_buffer_set_text (buffer, edited, -1);
}

static void
shoot_editor_and_history (Shots *s)
{
  GtkWidget *content = el_gui_test_find (GTK_WIDGET (s->window), GTK_TYPE_STACK, "content-stack");
  ElSbarEditor *editor = EL_SBAR_EDITOR (el_window_get_editor (s->window));
  ElHistoryView *history = EL_HISTORY_VIEW (el_window_get_history (s->window));
  AdwViewStack *tabs;
  int base;
  guint before;

  el_window_open_handoff (s->window, s->handoff_id);
  EL_GUI_WAIT_FOR (g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (content)), "handoff") == 0);
  EL_GUI_WAIT_FOR (!el_sbar_editor_get_loading (editor));
  EL_GUI_WAIT_FOR (!el_history_view_get_loading (history) && el_history_view_get_n_versions (history) > 0);
  base = el_sbar_editor_get_base_version (editor);
  before = el_history_view_get_n_versions (history);

  /* the nurse's edit at the station, saved (Ctrl+S) as the next version */
  rewrite_last_sentence (section_buffer (s, "assessment"),
                         "Reassessed at 18:30: resting comfortably, pain 2 of 10, breathing easier.");
  rewrite_last_sentence (section_buffer (s, "recommendation"),
                         "Recheck vitals at 20:00 and call the charge nurse with any change.");
  EL_GUI_WAIT_FOR (el_sbar_editor_get_dirty (editor));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL));
  EL_GUI_WAIT_FOR (el_sbar_editor_get_base_version (editor) == base + 1 &&
                   !el_sbar_editor_get_dirty (editor));
  EL_GUI_WAIT_FOR (!el_history_view_get_loading (history) &&
                   el_history_view_get_n_versions (history) == before + 1);
  /* sent to the server: the header reads "Up to date", the version is no longer "Not sent yet" */
  el_sync_request (el_context_get_sync (el_window_get_context (s->window)), EL_SYNC_RUN_IGNORE_BACKOFF);
  el_gui_test_spin (3000);
  EL_GUI_WAIT_FOR (!el_sbar_editor_get_loading (editor) && !el_history_view_get_loading (history));
  dismiss_toasts (GTK_WIDGET (s->window));
  save_png (s, GTK_WIDGET (s->window), "editor.png");

  tabs = ADW_VIEW_STACK (el_gui_test_find (GTK_WIDGET (s->window), ADW_TYPE_VIEW_STACK, NULL));
  adw_view_stack_set_visible_child_name (tabs, "history");
  EL_GUI_WAIT_FOR (!el_history_view_get_loading (history));
  el_history_view_select_version (history, base + 1);
  g_assert_true (el_history_view_compare (history, base, base + 1));
  dismiss_toasts (GTK_WIDGET (s->window));
  save_png (s, GTK_WIDGET (s->window), "history.png");
  adw_view_stack_set_visible_child_name (tabs, "report");
}

#ifdef EL_SCREENSHOTS_RECORD
/* The recording view, as the window shows it for a patient (Ctrl+R), a few seconds into a
 * recording of a sine wave (the level meter moves). */
static void
shoot_record (Shots *s)
{
  ElContext *ctx = el_window_get_context (s->window);
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *window = adw_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *view = el_record_view_new (ctx, settings);

  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header),
                                   adw_window_title_new ("Record Handoff", s->patient_title));
  gtk_box_append (GTK_BOX (box), header);
  gtk_widget_set_vexpand (view, TRUE);
  gtk_box_append (GTK_BOX (box), view);
  adw_window_set_content (ADW_WINDOW (window), box);
  gtk_window_set_title (GTK_WINDOW (window), "EclipseLink Handoff");
  present_for_shot (GTK_WINDOW (window));

  el_record_view_set_source (EL_RECORD_VIEW (view), "audiotestsrc is-live=true wave=sine volume=0.6");
  el_record_view_start (EL_RECORD_VIEW (view), s->handoff_id);
  EL_GUI_WAIT_FOR (el_record_view_get_state (EL_RECORD_VIEW (view)) == EL_RECORD_VIEW_RECORDING);
  EL_GUI_WAIT_FOR (el_record_view_get_duration_ms (EL_RECORD_VIEW (view)) >= 4200);
  save_png (s, window, "record.png");
  gtk_window_destroy (GTK_WINDOW (window));
  el_gui_test_spin (500);
}
#endif

#ifdef EL_SCREENSHOTS_PRINT
static void
report_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* A print preview: the unit's shift report, its first two A4 pages side by side on a grey desk. */
static void
shoot_print (Shots *s)
{
  ElContext *ctx = el_window_get_context (s->window);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElShiftReport) report = NULL;
  g_autofree char *path = g_build_filename (s->out_dir, "print.png", NULL);
  const double page_w = 595.28, page_h = 841.89; /* A4, points */
  const double page_margin = 36;                 /* half an inch */
  const double margin = 30, gap = 40;
  double scale = (SHOT_HEIGHT - 2 * margin) / page_h;
  cairo_surface_t *surface;
  cairo_t *cr;
  guint n_pages, shown;
  double x;

  el_shift_report_load_async (ctx, el_user_get_unit_id (el_context_get_user (ctx)), NULL,
                              EL_SHIFT_PATTERN_TWELVE_HOUR, NULL, report_loaded_cb, &result);
  EL_GUI_WAIT_FOR (result != NULL);
  report = el_shift_report_load_finish (result, &error);
  g_assert_no_error (error);
  n_pages = el_shift_report_get_n_pages (report, page_w - 2 * page_margin, page_h - 2 * page_margin);
  g_assert_cmpuint (n_pages, >, 0);
  shown = MIN (n_pages, 2);

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, SHOT_WIDTH, SHOT_HEIGHT);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 0.87, 0.87, 0.86); /* the preview's desk */
  cairo_paint (cr);
  x = (SHOT_WIDTH - shown * page_w * scale - (shown - 1) * gap) / 2;
  for (guint i = 0; i < shown; i++, x += page_w * scale + gap)
    {
      cairo_save (cr);
      /* a soft edge, then the white page */
      cairo_set_source_rgba (cr, 0, 0, 0, 0.18);
      cairo_rectangle (cr, x + 2, margin + 3, page_w * scale, page_h * scale);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_rectangle (cr, x, margin, page_w * scale, page_h * scale);
      cairo_fill (cr);
      /* the printable area, inside the printer's margins */
      cairo_translate (cr, x + page_margin * scale, margin + page_margin * scale);
      cairo_scale (cr, scale, scale);
      cairo_rectangle (cr, 0, 0, page_w - 2 * page_margin, page_h - 2 * page_margin);
      cairo_clip (cr);
      cairo_set_source_rgb (cr, 0, 0, 0);
      el_shift_report_render_page (report, cr, page_w - 2 * page_margin, page_h - 2 * page_margin, i);
      cairo_restore (cr);
    }
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  g_print ("screenshots: wrote %s\n", path);
}
#endif

int
main (int argc, char *argv[])
{
  Shots s = { 0 };
  g_autoptr (GSettings) settings = NULL;
  g_autoptr (GError) error = NULL;

  el_gui_test_init (&argc, &argv);
  /* pictures, not a test: a warning is reported, it does not lose every shot */
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  g_log_set_debug_enabled (FALSE);
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  if (argc != 2)
    {
      g_printerr ("usage: el-screenshots DIR\n");
      return 2;
    }
  s.out_dir = argv[1];
  if (g_mkdir_with_parents (s.out_dir, 0755) != 0)
    {
      g_printerr ("el-screenshots: cannot create %s\n", s.out_dir);
      return 1;
    }
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);

  s.server = el_gui_test_start_demo ();
  s.data_dir = el_test_make_dir ("el-screenshots-XXXXXX");
  settings = g_settings_new (APP_ID);
  g_settings_set_string (settings, "api-url", el_test_server_get_url (s.server));
  g_settings_set_string (settings, "remembered-account", "");
  g_settings_set_enum (settings, "shift-pattern", EL_SHIFT_PATTERN_TWELVE_HOUR);
  s.app = el_application_new ();
  g_application_set_flags (G_APPLICATION (s.app), G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (s.app), NULL, &error);
  g_assert_no_error (error);

  sign_in (&s);
  shoot_census (&s);
  shoot_editor_and_history (&s);
#ifdef EL_SCREENSHOTS_RECORD
  shoot_record (&s);
#else
  g_print ("screenshots: no record view in this build: record.png not made\n");
#endif
#ifdef EL_SCREENSHOTS_PRINT
  shoot_print (&s);
#else
  g_print ("screenshots: no print view in this build: print.png not made\n");
#endif

  gtk_window_destroy (GTK_WINDOW (s.window));
  el_gui_test_spin (500);
  g_clear_object (&s.app);
  el_test_remove_tree (s.data_dir);
  g_free (s.data_dir);
  g_free (s.patient_id);
  g_free (s.patient_title);
  g_free (s.handoff_id);
  el_test_server_free (s.server);
  return 0;
}
