/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "el-context.h"
#include "el-test-api.h"
#include "el-test-server.h"
#include "el-test-util.h"

G_BEGIN_DECLS

/*
 * Helpers of the `gui` suite: a real eclipselink-server with the demo hospital, real ElContexts
 * (real keyring, real SQLite cache) signed in as demo nurses, and ways to wait for and find
 * widgets. Everything asserts rather than returning errors.
 *
 *   int main (int argc, char **argv)
 *   {
 *     el_gui_test_init (&argc, &argv);
 *     g_test_add_func ("/el/gui/census/search", test_search);
 *     return g_test_run ();
 *   }
 *
 *   static void test_search (void)
 *   {
 *     g_autoptr (ElTestServer) server = el_gui_test_start_demo ();
 *     g_autofree char *data_dir = NULL;
 *     g_autoptr (ElContext) ctx = el_gui_test_sign_in (server, EL_TEST_DEMO_NURSE_A, &data_dir);
 *     GtkWidget *panel = el_census_panel_new (ctx);
 *     GtkWindow *window = el_gui_test_window_new (panel);
 *     EL_GUI_WAIT_FOR (g_list_model_get_n_items (...) == 12);
 *     ...
 *     el_gui_test_destroy (window, G_OBJECT (panel));   // asserts the panel is finalized
 *     el_gui_test_close_context (ctx, data_dir);        // closes the cache, removes the folder
 *   }
 */

#define EL_GUI_TEST_PASSWORD "handoff-demo"

/* gtk_test_init + adw_init; GSettings is the memory backend (test_env). */
void el_gui_test_init (int *argc, char ***argv);

/* A started server with the default demo hospital (4W and 5E; nurse.a and the charge nurse on 4W,
 * nurse.b on 5E), every user's password EL_GUI_TEST_PASSWORD. */
ElTestServer *el_gui_test_start_demo (void);

/* A new data dir (*data_dir, free it) and an ElContext signed in as @email on @server, its sync
 * timer off (interval 0) and one sync run done, so the cache holds the unit. */
ElContext *el_gui_test_sign_in (ElTestServer *server, const char *email, char **data_dir);

/* One el_sync_run_async() to the end (asserts success). */
void el_gui_test_sync (ElContext *ctx);

/* Closes the context's cache and deletes @data_dir. */
void el_gui_test_close_context (ElContext *ctx, const char *data_dir);

/* Iterates the default main context until @cond returns TRUE; FALSE after @timeout_ms. */
gboolean el_gui_test_wait (gboolean (*cond) (gpointer data), gpointer data, guint timeout_ms);
/* Iterates until the expression is true (10 s), else fails the test naming the expression. */
#define EL_GUI_WAIT_FOR(expr)                                                     \
  G_STMT_START                                                                    \
  {                                                                               \
    gint64 el_gui_deadline_ = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;      \
    while (!(expr))                                                               \
      {                                                                           \
        if (g_get_monotonic_time () > el_gui_deadline_)                           \
          g_error ("%s:%d: timed out waiting for %s", __FILE__, __LINE__, #expr); \
        g_main_context_iteration (NULL, FALSE) || (g_usleep (2000), TRUE);        \
      }                                                                           \
  }                                                                               \
  G_STMT_END

/* Runs the main loop for @ms milliseconds. */
void el_gui_test_spin (guint ms);

/* A 1280x800 window holding @child, presented. */
GtkWindow *el_gui_test_window_new (GtkWidget *child);

/* Destroys @window and asserts that @view (a widget that was inside it, or any object the window
 * owned) is finalized with it: g_assert_finalize_object() after the window is gone. */
void el_gui_test_destroy (GtkWindow *window, GObject *view);

/* The first widget under @root (included) of @type (G_TYPE_NONE: any) whose widget name
 * (gtk_widget_set_name, or <property name="name"> in a .ui file) is @name (NULL: any). */
GtkWidget *el_gui_test_find (GtkWidget *root, GType type, const char *name);
/* The same search over every visible toplevel window (dialogs included); NULL when none. */
GtkWidget *el_gui_test_find_toplevel (GType type, const char *name);
/* Every such widget, in tree order; (element-type GtkWidget) (transfer container). */
GPtrArray *el_gui_test_find_all (GtkWidget *root, GType type, const char *name);

/* All text under @root: labels, editables, text views, buttons' labels, window titles, joined
 * with '\n' — to assert what a nurse can (or must not) see. Includes widgets not mapped. */
char *el_gui_test_collect_text (GtkWidget *root);

/* Clicks a button (emits "clicked"), activates a widget's action, types into an editable. */
void el_gui_test_click (GtkWidget *button);
void el_gui_test_set_text (GtkWidget *editable, const char *text);

/* Fails the test, listing them, when a visible control under @root (buttons, menu buttons,
 * drop-downs, entries, text views, switches, check buttons, list views; popovers included) has no
 * accessible name: an explicit label property or labelled-by relation, a button's own label text,
 * or the title of the AdwPreferencesRow it sits in. */
void el_gui_test_assert_accessible (GtkWidget *root);
/* The same check, returning the descriptions of the unnamed controls (element-type utf8). */
GPtrArray *el_gui_test_unlabelled (GtkWidget *root);

/* Whether a mapped text view is tall enough for all its lines (its last line ends inside it). */
gboolean el_gui_test_text_fully_shown (GtkTextView *view);

/* With EL_GUI_TEST_SHOTS=DIR in the environment, saves what @widget shows to DIR/@name.png (a way
 * to look at a test's screens); does nothing otherwise. */
void el_gui_test_shot (GtkWidget *widget, const char *name);

G_END_DECLS
