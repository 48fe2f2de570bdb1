/* SPDX-License-Identifier: GPL-3.0-or-later */
/* record-kill-helper SERVER_URL DATA_DIR ACCOUNT HANDOFF_ID: the app's recording path in a process
 * of its own — opens the signed-in account's cache offline (keyring of the same session), records
 * with ElRecordView (audiotestsrc) for HANDOFF_ID until it is killed; prints "recording <id>" once
 * more than two seconds of audio are sealed. For test-record's crash recovery. */
#include "config.h"

#include <stdio.h>

#include "el-gui-test.h"
#include "el-record-view.h"

static void
opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  gboolean *done = user_data;

  if (!el_context_open_finish (EL_CONTEXT (source), result, &error))
    g_error ("open: %s", error->message);
  *done = TRUE;
}

int
main (int argc, char *argv[])
{
  g_autoptr (ElContext) ctx = NULL;
  g_autoptr (GError) error = NULL;
  GtkWidget *view;
  GtkWidget *window;
  gboolean opened = FALSE;
  gboolean announced = FALSE;

  gtk_init ();
  adw_init ();
  if (argc < 5)
    {
      fprintf (stderr, "usage: record-kill-helper SERVER_URL DATA_DIR ACCOUNT HANDOFF_ID\n");
      return 2;
    }
  ctx = el_context_new (argv[1], argv[2], &error);
  g_assert_no_error (error);
  el_context_open_async (ctx, argv[3], NULL, opened_cb, &opened);
  while (!opened)
    g_main_context_iteration (NULL, TRUE);

  view = el_record_view_new (ctx, NULL);
  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_present (GTK_WINDOW (window));
  el_record_view_set_source (EL_RECORD_VIEW (view), "audiotestsrc is-live=true wave=sine freq=440");
  el_record_view_start (EL_RECORD_VIEW (view), argv[4]);
  g_assert_cmpint (el_record_view_get_state (EL_RECORD_VIEW (view)), ==, EL_RECORD_VIEW_RECORDING);
  for (;;) /* until SIGKILL */
    {
      g_main_context_iteration (NULL, TRUE);
      if (!announced && el_record_view_get_duration_ms (EL_RECORD_VIEW (view)) > 2500)
        {
          printf ("recording %s\n", el_record_view_get_recording_id (EL_RECORD_VIEW (view)));
          fflush (stdout);
          announced = TRUE;
        }
    }
  return 0;
}
