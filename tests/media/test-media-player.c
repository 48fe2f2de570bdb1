/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ElPlayer on a recording made by ElRecorder: play_range stops at the range's end, seek, pause,
 * and a recording changed on disk fails cleanly. */
#include "config.h"

#include "el-media-test.h"
#include "el-player.h"
#include "el-test-util.h"

#include <gst/gst.h>
#include <string.h>

static char *base_dir;
static char *rec_path;
static char *rec_id;

typedef struct
{
  GMutex lock;
  guint buffers;
  GstClockTime first_pts;
  GstClockTime last_end;
  guint eos;
  guint failed;
} Seen;

static void
handoff_cb (GstElement *sink, GstBuffer *buffer, GstPad *pad, Seen *seen)
{
  GstClockTime pts = GST_BUFFER_PTS (buffer);
  GstClockTime dur = GST_BUFFER_DURATION (buffer);

  if (!GST_CLOCK_TIME_IS_VALID (pts))
    return;
  g_mutex_lock (&seen->lock);
  if (seen->buffers == 0 || pts < seen->first_pts)
    seen->first_pts = pts;
  if (pts + (GST_CLOCK_TIME_IS_VALID (dur) ? dur : 0) > seen->last_end || seen->buffers == 0)
    seen->last_end = pts + (GST_CLOCK_TIME_IS_VALID (dur) ? dur : 0);
  seen->buffers++;
  g_mutex_unlock (&seen->lock);
}

static void
eos_cb (ElPlayer *player, Seen *seen)
{
  seen->eos++;
}

static void
failed_cb (ElPlayer *player, GError *error, Seen *seen)
{
  g_assert_error (error, EL_PLAYER_ERROR, EL_PLAYER_ERROR_STREAM);
  seen->failed++;
}

static void
seen_reset (Seen *seen)
{
  g_mutex_lock (&seen->lock);
  seen->buffers = 0;
  seen->first_pts = GST_CLOCK_TIME_NONE;
  seen->last_end = 0;
  seen->eos = 0;
  seen->failed = 0;
  g_mutex_unlock (&seen->lock);
}

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
wait_until (const guint *counter, guint ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (ms, timeout_cb, &timed_out);

  while (*counter == 0 && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
}

static ElPlayer *
make_player (ElVault *vault, const char *sink, Seen *seen, ElSealedAudio **audio_out)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElSealedAudio) audio = el_sealed_audio_open (vault, rec_path, rec_id, NULL, &error);
  ElPlayer *player;

  g_assert_no_error (error);
  player = el_player_new (audio, sink);
  g_signal_connect (player, "eos", G_CALLBACK (eos_cb), seen);
  g_signal_connect (player, "failed", G_CALLBACK (failed_cb), seen);
  if (audio_out != NULL)
    *audio_out = g_object_ref (audio);
  return player;
}

static void
connect_handoffs (ElPlayer *player, Seen *seen)
{
  GstElement *sink = el_player_get_sink (player);

  g_assert_nonnull (sink);
  g_signal_connect (sink, "handoff", G_CALLBACK (handoff_cb), seen);
}

#define FAST_SINK "fakesink name=el-sink signal-handoffs=true sync=false"
#define REAL_SINK "fakesink name=el-sink signal-handoffs=true sync=true"

/* play_range: the sink gets audio from the range's start to its end, and nothing after. */
static void
test_play_range (void)
{
  g_autoptr (ElVault) vault = el_media_test_vault ();
  g_autoptr (GError) error = NULL;
  g_autoptr (ElPlayer) player = NULL;
  Seen seen = { 0 };
  const guint64 ranges[][2] = { { 1000, 2000 }, { 0, 700 }, { 2500, 3300 }, { 1200, 1300 } };

  g_mutex_init (&seen.lock);
  player = make_player (vault, FAST_SINK, &seen, NULL);
  g_assert_cmpuint (el_player_get_duration_ms (player), >=, 3900);
  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    {
      guint64 start = ranges[i][0], end = ranges[i][1];

      seen_reset (&seen);
      g_assert_true (el_player_play_range (player, start, end, &error));
      g_assert_no_error (error);
      if (i == 0)
        connect_handoffs (player, &seen);
      g_assert_cmpint (el_player_get_state (player), ==, EL_PLAYER_STATE_PLAYING);
      wait_until (&seen.eos, 10000);
      g_assert_cmpuint (seen.eos, ==, 1);
      g_assert_cmpuint (seen.failed, ==, 0);
      g_mutex_lock (&seen.lock);
      g_test_message ("range %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT
                      " ms: %u buffers, %.3f .. %.3f s, position %" G_GUINT64_FORMAT " ms",
                      start, end, seen.buffers, (double) seen.first_pts / GST_SECOND,
                      (double) seen.last_end / GST_SECOND, el_player_get_position_ms (player));
      g_assert_cmpuint (seen.buffers, >, 0);
      g_assert_cmpuint (seen.first_pts, >=, start * GST_MSECOND - MIN (start, 30) * GST_MSECOND);
      g_assert_cmpuint (seen.first_pts, <=, (start + 100) * GST_MSECOND);
      g_assert_cmpuint (seen.last_end, <=, (end + 100) * GST_MSECOND);
      g_assert_cmpuint (seen.last_end, >=, (end - 100) * GST_MSECOND);
      g_mutex_unlock (&seen.lock);
      g_assert_cmpuint (el_player_get_position_ms (player), <=, end + 100);
      g_assert_cmpuint (el_player_get_position_ms (player), >=, end - 100);
      g_assert_cmpint (el_player_get_state (player), ==, EL_PLAYER_STATE_PAUSED);
    }

  /* Bad ranges. */
  g_assert_false (el_player_play_range (player, 2000, 1000, &error));
  g_assert_error (error, EL_PLAYER_ERROR, EL_PLAYER_ERROR_RANGE);
  g_clear_error (&error);
  g_assert_false (el_player_play_range (player, 60000, 61000, &error));
  g_assert_error (error, EL_PLAYER_ERROR, EL_PLAYER_ERROR_RANGE);
  g_clear_error (&error);
  el_player_stop (player);
  g_assert_cmpint (el_player_get_state (player), ==, EL_PLAYER_STATE_STOPPED);
  g_mutex_clear (&seen.lock);
}

/* Seek then play to the end; then play from a stopped player with a seek before the first play. */
static void
test_seek (void)
{
  g_autoptr (ElVault) vault = el_media_test_vault ();
  g_autoptr (GError) error = NULL;
  g_autoptr (ElPlayer) player = NULL;
  g_autoptr (ElSealedAudio) audio = NULL;
  Seen seen = { 0 };
  guint64 duration;

  g_mutex_init (&seen.lock);
  seen_reset (&seen);
  player = make_player (vault, FAST_SINK, &seen, &audio);
  duration = el_sealed_audio_get_duration_ms (audio);
  /* Seek before anything plays: applied once the pipeline is ready. */
  g_assert_true (el_player_seek (player, 3000, &error));
  g_assert_no_error (error);
  g_assert_cmpint (el_player_get_state (player), ==, EL_PLAYER_STATE_PAUSED);
  connect_handoffs (player, &seen);
  g_assert_true (el_player_play (player, &error));
  g_assert_no_error (error);
  wait_until (&seen.eos, 10000);
  g_assert_cmpuint (seen.eos, ==, 1);
  g_mutex_lock (&seen.lock);
  g_test_message ("seek 3000 ms: %.3f .. %.3f s of %.3f s", (double) seen.first_pts / GST_SECOND,
                  (double) seen.last_end / GST_SECOND, duration / 1000.0);
  g_assert_cmpuint (seen.first_pts, >=, 2970 * GST_MSECOND);
  g_assert_cmpuint (seen.first_pts, <=, 3100 * GST_MSECOND);
  g_assert_cmpuint (seen.last_end, >=, (duration - 100) * GST_MSECOND);
  g_assert_cmpuint (seen.last_end, <=, (duration + 100) * GST_MSECOND);
  g_mutex_unlock (&seen.lock);

  /* Play again after eos: from the start. */
  seen_reset (&seen);
  g_assert_true (el_player_play (player, &error));
  wait_until (&seen.eos, 10000);
  g_assert_cmpuint (seen.eos, ==, 1);
  g_mutex_lock (&seen.lock);
  g_assert_cmpuint (seen.first_pts, <=, 100 * GST_MSECOND);
  g_assert_cmpuint (seen.last_end, >=, (duration - 100) * GST_MSECOND);
  g_mutex_unlock (&seen.lock);

  g_assert_false (el_player_seek (player, duration + 5000, &error));
  g_assert_error (error, EL_PLAYER_ERROR, EL_PLAYER_ERROR_RANGE);
  g_mutex_clear (&seen.lock);
}

/* In real time (sync=true): pause holds the position, resume finishes the range. */
static void
test_pause_resume (void)
{
  g_autoptr (ElVault) vault = el_media_test_vault ();
  g_autoptr (GError) error = NULL;
  g_autoptr (ElPlayer) player = NULL;
  Seen seen = { 0 };
  guint64 paused_at;

  g_mutex_init (&seen.lock);
  seen_reset (&seen);
  player = make_player (vault, REAL_SINK, &seen, NULL);
  g_assert_true (el_player_play_range (player, 500, 1500, &error));
  g_assert_no_error (error);
  el_test_sleep_main (400);
  el_player_pause (player);
  g_assert_cmpint (el_player_get_state (player), ==, EL_PLAYER_STATE_PAUSED);
  paused_at = el_player_get_position_ms (player);
  g_test_message ("paused at %" G_GUINT64_FORMAT " ms", paused_at);
  g_assert_cmpuint (paused_at, >, 500);
  g_assert_cmpuint (paused_at, <, 1500);
  el_test_sleep_main (300);
  g_assert_cmpuint (seen.eos, ==, 0);
  g_assert_cmpuint (el_player_get_position_ms (player), ==, paused_at);
  g_assert_true (el_player_play (player, &error));
  wait_until (&seen.eos, 10000);
  g_assert_cmpuint (seen.eos, ==, 1);
  g_mutex_lock (&seen.lock);
  g_assert_cmpuint (seen.last_end, <=, 1600 * GST_MSECOND);
  g_mutex_unlock (&seen.lock);
  g_mutex_clear (&seen.lock);
}

/* The file changed on disk after it was opened: playback fails with an error, not a crash. */
static void
test_tampered (void)
{
  g_autoptr (ElVault) vault = el_media_test_vault ();
  g_autoptr (GError) error = NULL;
  g_autoptr (ElPlayer) player = NULL;
  g_autofree char *copy_path = g_build_filename (base_dir, "tampered.elrec", NULL);
  g_autofree char *data = NULL;
  g_autoptr (ElSealedAudio) audio = NULL;
  gsize len = 0;
  Seen seen = { 0 };

  g_mutex_init (&seen.lock);
  seen_reset (&seen);
  g_assert_true (g_file_get_contents (rec_path, &data, &len, &error));
  g_assert_true (g_file_set_contents (copy_path, data, (gssize) len, &error));
  audio = el_sealed_audio_open (vault, copy_path, rec_id, NULL, &error);
  g_assert_no_error (error);
  data[len / 2] ^= 0x40;
  g_assert_true (g_file_set_contents (copy_path, data, (gssize) len, &error));
  player = el_player_new (audio, FAST_SINK);
  g_signal_connect (player, "eos", G_CALLBACK (eos_cb), &seen);
  g_signal_connect (player, "failed", G_CALLBACK (failed_cb), &seen);
  g_assert_true (el_player_play (player, &error));
  g_assert_no_error (error);
  wait_until (&seen.failed, 10000);
  g_assert_cmpuint (seen.failed, ==, 1);
  g_assert_cmpuint (seen.eos, ==, 0);
  g_assert_cmpint (el_player_get_state (player), ==, EL_PLAYER_STATE_STOPPED);
  g_mutex_clear (&seen.lock);
}

/* One 4-second recording for every test, made with the recorder. */
static void
record_fixture (void)
{
  g_autoptr (ElVault) vault = el_media_test_vault ();
  g_autofree char *dir = g_build_filename (base_dir, "recordings", NULL);
  g_autoptr (ElRecorder) recorder =
      el_recorder_new (vault, dir, "audiotestsrc is-live=true wave=sine freq=330");
  g_autoptr (GError) error = NULL;

  el_recorder_set_max_duration_ms (recorder, 4000);
  g_assert_true (el_recorder_start (recorder, &error));
  g_assert_no_error (error);
  g_assert_cmpint (el_media_test_wait_done (recorder, 20000), ==, EL_RECORDER_STATE_STOPPED);
  rec_path = g_strdup (el_recorder_get_path (recorder));
  rec_id = g_strdup (el_recorder_get_recording_id (recorder));
}

int
main (int argc, char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  base_dir = el_test_make_dir ("test-media-player-XXXXXX");
  record_fixture ();

  g_test_add_func ("/el/media/player/play-range", test_play_range);
  g_test_add_func ("/el/media/player/seek", test_seek);
  g_test_add_func ("/el/media/player/pause-resume", test_pause_resume);
  g_test_add_func ("/el/media/player/tampered", test_tampered);

  ret = g_test_run ();
  {
    g_autofree char *found = el_media_test_find_ogg (base_dir);

    if (found != NULL)
      g_error ("plaintext Ogg bytes on disk: %s", found);
  }
  el_test_remove_tree (base_dir);
  g_free (base_dir);
  g_free (rec_path);
  g_free (rec_id);
  return ret;
}
