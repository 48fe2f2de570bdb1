/* SPDX-License-Identifier: GPL-3.0-or-later */
/* media-record-helper DIR RECORDING_ID [SOURCE]: records (the test vault, audiotestsrc by default)
 * into DIR until it is killed; prints "recording" once started. For test-media-crash. */
#include "config.h"

#include "el-media-test.h"

#include <gst/gst.h>
#include <stdio.h>

int
main (int argc, char *argv[])
{
  g_autoptr (ElVault) vault = NULL;
  g_autoptr (ElRecorder) recorder = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GMainLoop) loop = NULL;

  gst_init (&argc, &argv);
  if (argc < 3)
    {
      fprintf (stderr, "usage: media-record-helper DIR RECORDING_ID [SOURCE]\n");
      return 2;
    }
  vault = el_media_test_vault ();
  recorder =
      g_object_new (EL_TYPE_RECORDER, "vault", vault, "directory", argv[1], "recording-id", argv[2], "source",
                    argc > 3 ? argv[3] : "audiotestsrc is-live=true wave=sine freq=440", NULL);
  if (!el_recorder_start (recorder, &error))
    {
      fprintf (stderr, "cannot record: %s\n", error->message);
      return 1;
    }
  printf ("recording\n");
  fflush (stdout);
  loop = g_main_loop_new (NULL, FALSE);
  g_main_loop_run (loop); /* until SIGKILL */
  return 0;
}
