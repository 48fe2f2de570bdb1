/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-gui-test.h"

void
el_gui_test_init (int *argc, char ***argv)
{
  /* the API client of every context talks to 127.0.0.1 directly (no libproxy lookup) */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  /* GTK's test accessibility backend keeps every accessible property, so a test can check that
   * each control has a name (el_gui_test_assert_accessible); with "none" nothing is kept. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (argc, argv, NULL);
  adw_init ();
  /* Xvfb has no window manager: a window never gets focus-in/out, and a blinking cursor's timer
   * then warns that its entry "did not receive a focus-out event" (fatal in tests). */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);
}

ElTestServer *
el_gui_test_start_demo (void)
{
  ElTestServer *server = el_test_server_new ();

  el_test_demo_prepare (server, EL_GUI_TEST_PASSWORD);
  el_test_server_start (server);
  return server;
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  return el_test_wait_for (slot);
}

ElContext *
el_gui_test_sign_in (ElTestServer *server, const char *email, char **data_dir)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (ElUser) user = NULL;
  g_autofree char *dir = el_test_make_dir ("el-gui-data-XXXXXX");
  ElContext *ctx;

  ctx = el_context_new (el_test_server_get_url (server), dir, &error);
  g_assert_no_error (error);

  el_context_sign_in_async (ctx, email, EL_GUI_TEST_PASSWORD, NULL, el_test_result_cb, &result);
  user = el_context_sign_in_finish (ctx, wait_result (&result), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (user);

  g_object_set (el_context_get_sync (ctx), "interval", 0, NULL);
  el_gui_test_sync (ctx);

  if (data_dir != NULL)
    *data_dir = g_steal_pointer (&dir);
  return ctx;
}

void
el_gui_test_sync (ElContext *ctx)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  ElSync *sync = el_context_get_sync (ctx);

  g_assert_nonnull (sync);
  el_sync_run_async (sync, EL_SYNC_RUN_IGNORE_BACKOFF, NULL, el_test_result_cb, &result);
  g_assert_true (el_sync_run_finish (sync, wait_result (&result), NULL, &error));
  g_assert_no_error (error);
}

void
el_gui_test_close_context (ElContext *ctx, const char *data_dir)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;

  el_context_close_async (ctx, NULL, el_test_result_cb, &result);
  g_assert_true (el_context_close_finish (ctx, wait_result (&result), &error));
  g_assert_no_error (error);
  if (data_dir != NULL)
    el_test_remove_tree (data_dir);
}

gboolean
el_gui_test_wait (gboolean (*cond) (gpointer data), gpointer data, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!cond (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
  return TRUE;
}

void
el_gui_test_spin (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

GtkWindow *
el_gui_test_window_new (GtkWidget *child)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (window, 1280, 800);
  gtk_window_set_child (window, child);
  gtk_window_present (window);
  el_gui_test_spin (50);
  return window;
}

void
el_gui_test_destroy (GtkWindow *window, GObject *view)
{
  g_object_ref (view);
  gtk_window_destroy (window);
  /* let pending idles and finished async calls drop their references */
  el_gui_test_spin (100);
  g_assert_finalize_object (view);
}

static void
find_all (GtkWidget *widget, GType type, const char *name, GPtrArray *out)
{
  if ((type == G_TYPE_NONE || g_type_is_a (G_OBJECT_TYPE (widget), type)) &&
      (name == NULL || g_strcmp0 (gtk_widget_get_name (widget), name) == 0))
    g_ptr_array_add (out, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    find_all (child, type, name, out);
}

GPtrArray *
el_gui_test_find_all (GtkWidget *root, GType type, const char *name)
{
  GPtrArray *out = g_ptr_array_new ();

  g_return_val_if_fail (GTK_IS_WIDGET (root), out);
  find_all (root, type, name, out);
  return out;
}

GtkWidget *
el_gui_test_find (GtkWidget *root, GType type, const char *name)
{
  g_autoptr (GPtrArray) all = el_gui_test_find_all (root, type, name);

  return all->len > 0 ? g_ptr_array_index (all, 0) : NULL;
}

static void
collect_text (GtkWidget *widget, GString *out)
{
  const char *text = NULL;
  g_autofree char *owned = NULL;

  if (GTK_IS_LABEL (widget))
    text = gtk_label_get_text (GTK_LABEL (widget));
  else if (GTK_IS_EDITABLE (widget) && !GTK_IS_TEXT (widget))
    text = gtk_editable_get_text (GTK_EDITABLE (widget));
  else if (GTK_IS_TEXT_VIEW (widget))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget));
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      owned = gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
      text = owned;
    }
  else if (GTK_IS_WINDOW (widget))
    text = gtk_window_get_title (GTK_WINDOW (widget));
  else if (ADW_IS_PREFERENCES_ROW (widget))
    text = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
  else if (ADW_IS_STATUS_PAGE (widget))
    text = adw_status_page_get_title (ADW_STATUS_PAGE (widget));
  else if (ADW_IS_WINDOW_TITLE (widget))
    text = adw_window_title_get_title (ADW_WINDOW_TITLE (widget));

  if (text != NULL && *text != '\0')
    {
      g_string_append (out, text);
      g_string_append_c (out, '\n');
    }
  if (ADW_IS_ACTION_ROW (widget) && adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)) != NULL)
    {
      g_string_append (out, adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)));
      g_string_append_c (out, '\n');
    }
  if (GTK_IS_WIDGET (widget) && gtk_widget_get_tooltip_text (widget) != NULL)
    {
      g_string_append (out, gtk_widget_get_tooltip_text (widget));
      g_string_append_c (out, '\n');
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_text (child, out);
}

char *
el_gui_test_collect_text (GtkWidget *root)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (GTK_IS_WIDGET (root), g_string_free (out, FALSE));
  collect_text (root, out);
  return g_string_free (out, FALSE);
}

void
el_gui_test_click (GtkWidget *button)
{
  g_return_if_fail (GTK_IS_BUTTON (button));
  g_signal_emit_by_name (button, "clicked");
  el_gui_test_spin (10);
}

void
el_gui_test_set_text (GtkWidget *editable, const char *text)
{
  g_return_if_fail (GTK_IS_EDITABLE (editable));
  gtk_editable_set_text (GTK_EDITABLE (editable), text);
  el_gui_test_spin (10);
}

void
el_gui_test_shot (GtkWidget *widget, const char *name)
{
  const char *dir = g_getenv ("EL_GUI_TEST_SHOTS");
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GtkSnapshot) snapshot = NULL;
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GskRenderer) renderer = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  int width, height;

  if (dir == NULL || *dir == '\0')
    return;

  el_gui_test_spin (300);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  renderer = gsk_cairo_renderer_new ();
  g_assert_true (gsk_renderer_realize (renderer, NULL, &error));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_renderer_unrealize (renderer);
  g_mkdir_with_parents (dir, 0755);
  path = g_strdup_printf ("%s/%s.png", dir, name);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

/* Widgets whose insides are one control (their own accessible name covers them). */
static gboolean
is_composite (GtkWidget *widget)
{
  return GTK_IS_MENU_BUTTON (widget) || GTK_IS_DROP_DOWN (widget) || GTK_IS_SPIN_BUTTON (widget) ||
         GTK_IS_SEARCH_ENTRY (widget) || GTK_IS_PASSWORD_ENTRY (widget) || GTK_IS_ENTRY (widget) ||
         ADW_IS_ENTRY_ROW (widget) || ADW_IS_SPLIT_BUTTON (widget) || GTK_IS_WINDOW_CONTROLS (widget) ||
         GTK_IS_CHECK_BUTTON (widget) || GTK_IS_SWITCH (widget) || GTK_IS_SCROLLBAR (widget);
}

static gboolean
is_interactive (GtkWidget *widget)
{
  return GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_DROP_DOWN (widget) ||
         GTK_IS_EDITABLE (widget) || GTK_IS_TEXT_VIEW (widget) || GTK_IS_SWITCH (widget) ||
         GTK_IS_CHECK_BUTTON (widget) || GTK_IS_LIST_VIEW (widget) || GTK_IS_SCALE (widget) ||
         ADW_IS_SPLIT_BUTTON (widget);
}

static gboolean
has_label_text (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && *gtk_label_get_text (GTK_LABEL (widget)) != '\0')
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label_text (child))
      return TRUE;
  return FALSE;
}

static gboolean
in_titled_row (GtkWidget *widget)
{
  for (GtkWidget *up = widget; up != NULL; up = gtk_widget_get_parent (up))
    {
      if (ADW_IS_PREFERENCES_ROW (up))
        {
          const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (up));
          return title != NULL && *title != '\0';
        }
      if (GTK_IS_LIST_BOX_ROW (up) || GTK_IS_WINDOW (up))
        return FALSE;
    }
  return FALSE;
}

static gboolean
has_accessible_name (GtkWidget *widget)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);

  if (gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL))
    return TRUE;
  /* GTK points a button's labelled-by at its child, even an image with no words: only text counts */
  if (!GTK_IS_BUTTON (widget) && !GTK_IS_MENU_BUTTON (widget) &&
      gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return TRUE;
  if (GTK_IS_MENU_BUTTON (widget))
    {
      const char *label = gtk_menu_button_get_label (GTK_MENU_BUTTON (widget));
      return (label != NULL && *label != '\0') || has_label_text (widget);
    }
  if ((GTK_IS_BUTTON (widget) || GTK_IS_CHECK_BUTTON (widget) || ADW_IS_SPLIT_BUTTON (widget)) &&
      has_label_text (widget))
    return TRUE;
  /* a switch, drop-down or entry inside a titled row (AdwActionRow, AdwComboRow, AdwEntryRow) */
  return in_titled_row (widget);
}

static void
find_unlabelled (GtkWidget *widget, GPtrArray *out)
{
  /* hidden widgets and pages of a stack not shown are skipped; popovers are checked closed */
  if (!GTK_IS_POPOVER (widget) &&
      (!gtk_widget_get_visible (widget) || !gtk_widget_get_child_visible (widget)))
    return;

  if (is_interactive (widget) && !GTK_IS_TEXT (widget) && !has_accessible_name (widget))
    g_ptr_array_add (out, g_strdup_printf ("%s \"%s\" (in %s \"%s\")", G_OBJECT_TYPE_NAME (widget),
                                           gtk_widget_get_name (widget),
                                           G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)),
                                           gtk_widget_get_name (gtk_widget_get_parent (widget))));
  if (GTK_IS_TEXT (widget) && !has_accessible_name (widget))
    {
      /* a bare GtkText is the whole control only outside an entry-like parent */
      GtkWidget *parent = gtk_widget_get_parent (widget);
      gboolean inner = FALSE;

      for (GtkWidget *up = parent; up != NULL && !inner; up = gtk_widget_get_parent (up))
        inner = is_composite (up);
      if (!inner)
        g_ptr_array_add (out, g_strdup_printf ("GtkText \"%s\"", gtk_widget_get_name (widget)));
    }
  /* libadwaita 1.2's toast has an unnamed close button of its own: not ours to name */
  if (is_composite (widget) || g_str_equal (G_OBJECT_TYPE_NAME (widget), "AdwToastWidget"))
    return;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    find_unlabelled (child, out);
}

GPtrArray *
el_gui_test_unlabelled (GtkWidget *root)
{
  GPtrArray *missing = g_ptr_array_new_with_free_func (g_free);

  find_unlabelled (root, missing);
  return missing;
}

void
el_gui_test_assert_accessible (GtkWidget *root)
{
  g_autoptr (GPtrArray) missing = el_gui_test_unlabelled (root);

  if (missing->len > 0)
    {
      g_autoptr (GString) text = g_string_new (NULL);

      for (guint i = 0; i < missing->len; i++)
        g_string_append_printf (text, "\n  %s", (char *) g_ptr_array_index (missing, i));
      g_error ("%u controls under %s have no accessible name:%s", missing->len, G_OBJECT_TYPE_NAME (root),
               text->str);
    }
}

gboolean
el_gui_test_text_fully_shown (GtkTextView *view)
{
  GtkTextIter end;
  int y = 0, height = 0;

  gtk_text_buffer_get_end_iter (gtk_text_view_get_buffer (view), &end);
  gtk_text_view_get_line_yrange (view, &end, &y, &height);
  return gtk_widget_get_mapped (GTK_WIDGET (view)) && y + height > 1 &&
         y + height + (int) gtk_text_view_get_top_margin (view) <= gtk_widget_get_height (GTK_WIDGET (view));
}

GtkWidget *
el_gui_test_find_toplevel (GType type, const char *name)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) window = g_list_model_get_item (toplevels, i);
      GtkWidget *found = el_gui_test_find (window, type, name);

      if (found != NULL && gtk_widget_get_visible (window))
        return found;
    }
  return NULL;
}
