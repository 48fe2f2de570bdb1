/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Listening in the SBAR editor, on a real eclipselink-server (demo hospital), a real signed-in
 * ElContext and a real sealed recording made on this PC by ElRecorder: each AI value's Play plays
 * its span's audio range with ElPlayer (into a fakesink that runs in real time), Play becomes
 * Stop, a second Play stops the first, closing the popover stops it, loading another handoff stops
 * it; the transcript view shows the transcript with exactly the spans' code points highlighted;
 * a recording made on another PC is downloaded (sealed at once) and plays, and offline says that
 * its audio is not on this PC.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "el-api-client.h"
#include "el-gui-test.h"
#include "el-recorder.h"
#include "el-sbar-editor.h"

#define TEST_SINK "fakesink name=el-sink signal-handoffs=true sync=true"

static ElTestServer *shared_server;

static const char transcript[] =
    "Mister Doe is a full code. Temperature 37.5 and pulse 92 at rest. No pain, he says “très bien”.";

/* Helpers --------------------------------------------------------------------------------------- */

/* The current (ready) handoff of the unit's patient @index and its latest version's number. */
static char *
current_handoff (ElContext *ctx, guint index, int *version)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  ElStore *store = el_context_get_store (ctx);
  g_autoptr (GPtrArray) entries = NULL;
  ElStoreCensusEntry *entry;

  el_store_census_async (store, el_user_get_unit_id (el_context_get_user (ctx)), NULL, el_test_result_cb,
                         &result);
  entries = el_store_census_finish (store, el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, >, index);
  entry = g_ptr_array_index (entries, index);
  g_assert_nonnull (entry->handoff);
  g_assert_cmpint (el_handoff_get_status (entry->handoff), ==, EL_HANDOFF_STATUS_READY);
  *version = entry->sbar_version;
  return g_strdup (el_handoff_get_id (entry->handoff));
}

/* Records @ms of a sine from "audiotestsrc is-live=true" with ElRecorder into the context's
 * recordings folder, sealed with its audio vault, as the Record view does; returns the id. */
static char *
record_sine (ElContext *ctx, guint ms)
{
  g_autoptr (ElRecorder) recorder =
      el_recorder_new (el_context_get_audio_vault (ctx), el_context_get_recordings_dir (ctx),
                       "audiotestsrc is-live=true wave=sine freq=440");
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *path = NULL;

  g_assert_true (el_recorder_start (recorder, &error));
  g_assert_no_error (error);
  el_gui_test_spin (ms);
  el_recorder_stop_async (recorder, NULL, el_test_result_cb, &result);
  g_assert_true (el_recorder_stop_finish (recorder, el_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (el_recorder_get_duration_ms (recorder), >=, ms - 600);
  path =
      el_sealed_audio_path_for (el_context_get_recordings_dir (ctx), el_recorder_get_recording_id (recorder));
  g_assert_cmpstr (path, ==, el_recorder_get_path (recorder));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  return g_strdup (el_recorder_get_recording_id (recorder));
}

/* A recording row of the handoff with @transcript, applied as the change feed brings it. */
static void
add_recording (ElContext *ctx, const char *handoff_id, const char *recording_id, gint64 duration_ms)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (ElRecording) recording = el_recording_new ();
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  ElStore *store = el_context_get_store (ctx);
  JsonObject *page = json_object_new ();
  JsonObject *upserts = json_object_new ();
  JsonArray *recordings = json_array_new ();
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  gint64 cursor;

  el_store_get_cursor_async (store, NULL, el_test_result_cb, &result);
  cursor = el_store_get_cursor_finish (store, el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  el_recording_set_id (recording, recording_id);
  el_recording_set_handoff_id (recording, handoff_id);
  el_recording_set_status (recording, EL_RECORDING_STATUS_COMPLETED);
  el_recording_set_mime_type (recording, EL_AUDIO_MIME_TYPE_OGG);
  el_recording_set_transcript (recording, transcript);
  if (duration_ms > 0)
    el_recording_set_duration_ms (recording, duration_ms);
  el_recording_set_created_at (recording, now);
  el_recording_set_updated_at (recording, now);
  json_array_add_element (recordings, el_recording_to_json (recording));
  json_object_set_array_member (upserts, "recordings", recordings);
  json_object_set_int_member (page, "next_cursor", cursor);
  json_object_set_boolean_member (page, "has_more", FALSE);
  json_object_set_object_member (page, "upserts", upserts);
  json_object_set_object_member (page, "tombstones", json_object_new ());
  json_node_take_object (node, page);
  json_node_seal (node);

  el_store_apply_changes_page_async (store, node, NULL, el_test_result_cb, &result);
  g_assert_true (el_store_apply_changes_page_finish (store, el_test_wait_for (&result), NULL, &error));
  g_assert_no_error (error);
}

static ElSpan *
span_of (const char *words, gint64 audio_start_ms, gint64 audio_end_ms)
{
  const char *p = strstr (transcript, words);
  ElSpan *span;

  g_assert_nonnull (p);
  span = el_span_new (g_utf8_pointer_to_offset (transcript, p),
                      g_utf8_pointer_to_offset (transcript, p + strlen (words)));
  el_span_set_audio (span, audio_start_ms, audio_end_ms);
  el_span_set_confidence (span, 0.95);
  return span;
}

/* Saves a version of @handoff_id whose code status and heart rate carry @code and @pulse. */
static void
save_version_with_spans (
    ElContext *ctx, const char *handoff_id, int base, const ElSpan *code, const ElSpan *pulse)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (ElStoreSbar) before = NULL;
  g_autoptr (ElSbarVersion) content = el_sbar_version_new ();
  g_autofree char *op_id = NULL;
  ElStore *store = el_context_get_store (ctx);
  ElSbarFields *fields;

  el_store_get_sbar_async (store, handoff_id, 0, NULL, el_test_result_cb, &result);
  before = el_store_get_sbar_finish (store, el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  el_sbar_version_set_source (content, EL_SBAR_SOURCE_NURSE);
  el_sbar_version_set_situation (content, el_sbar_version_get_situation (before->version));
  el_sbar_version_set_fields (content, el_sbar_version_get_fields (before->version));
  fields = el_sbar_version_get_fields (content);
  el_sbar_fields_get_code_status (fields)->value = EL_CODE_STATUS_FULL_CODE;
  el_sbar_fields_get_code_status (fields)->span = el_span_copy (code);
  el_sbar_fields_get_vitals (fields)->heart_rate->value = 92;
  el_sbar_fields_get_vitals (fields)->heart_rate->span = el_span_copy (pulse);
  el_store_save_sbar_draft_async (store, handoff_id, base, content, NULL, el_test_result_cb, &result);
  op_id = el_store_save_sbar_draft_finish (store, el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (op_id);
}

static ElSbarEditor *
open_editor (ElContext *ctx, const char *handoff_id, GtkWindow **window)
{
  ElSbarEditor *editor = EL_SBAR_EDITOR (el_sbar_editor_new (ctx));

  el_sbar_editor_set_audio_sink (editor, TEST_SINK);
  *window = el_gui_test_window_new (GTK_WIDGET (editor));
  el_sbar_editor_load (editor, handoff_id);
  EL_GUI_WAIT_FOR (!el_sbar_editor_get_loading (editor));
  g_assert_cmpstr (el_sbar_editor_get_handoff_id (editor), ==, handoff_id);
  return editor;
}

static gboolean
has_label (GtkWidget *widget, const char *label)
{
  g_autofree char *mismatch =
      gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label);

  return mismatch == NULL;
}

/* The Play button of the value named @what (by its accessible label, as Play or as Stop). */
static GtkWidget *
play_button (ElSbarEditor *editor, const char *what)
{
  g_autoptr (GPtrArray) buttons = el_gui_test_find_all (GTK_WIDGET (editor), G_TYPE_NONE, "editor-ai-play");
  g_autofree char *play = g_strdup_printf ("Play what was said for %s", what);
  g_autofree char *stop = g_strdup_printf ("Stop playing what was said for %s", what);

  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (buttons, i);

      if (gtk_widget_get_visible (button) && (has_label (button, play) || has_label (button, stop)))
        return button;
    }
  g_error ("no Play button for %s", what);
  return NULL;
}

static gboolean
shows_stop (GtkWidget *button, const char *what)
{
  AdwButtonContent *content = ADW_BUTTON_CONTENT (gtk_button_get_child (GTK_BUTTON (button)));
  g_autofree char *stop = g_strdup_printf ("Stop playing what was said for %s", what);
  g_autofree char *play = g_strdup_printf ("Play what was said for %s", what);
  gboolean stopping =
      g_strcmp0 (adw_button_content_get_icon_name (content), "media-playback-stop-symbolic") == 0;

  if (stopping)
    {
      g_assert_cmpstr (adw_button_content_get_label (content), ==, "Stop");
      g_assert_true (has_label (button, stop));
    }
  else
    {
      g_assert_cmpstr (adw_button_content_get_icon_name (content), ==, "media-playback-start-symbolic");
      g_assert_cmpstr (adw_button_content_get_label (content), ==, "Play");
      g_assert_true (has_label (button, play));
    }
  return stopping;
}

/* What the player did while a range played: positions seen and the sink's buffers. */
typedef struct
{
  GMutex lock;
  guint64 min_pos;
  guint64 max_pos;
  guint notifies;
  guint buffers;
  GstClockTime first_pts;
  GstClockTime last_end;
} Watch;

static void
watch_reset (Watch *watch)
{
  g_mutex_lock (&watch->lock);
  watch->min_pos = G_MAXUINT64;
  watch->max_pos = 0;
  watch->notifies = 0;
  watch->buffers = 0;
  watch->first_pts = GST_CLOCK_TIME_NONE;
  watch->last_end = 0;
  g_mutex_unlock (&watch->lock);
}

static void
position_cb (ElPlayer *player, GParamSpec *pspec, Watch *watch)
{
  guint64 pos = el_player_get_position_ms (player);

  if (el_player_get_state (player) != EL_PLAYER_STATE_PLAYING && pos == 0)
    return; /* a stop's reset */
  watch->min_pos = MIN (watch->min_pos, pos);
  watch->max_pos = MAX (watch->max_pos, pos);
  watch->notifies++;
}

static void
handoff_cb (GstElement *sink, GstBuffer *buffer, GstPad *pad, Watch *watch)
{
  GstClockTime pts = GST_BUFFER_PTS (buffer);
  GstClockTime dur = GST_BUFFER_DURATION (buffer);

  if (!GST_CLOCK_TIME_IS_VALID (pts))
    return;
  g_mutex_lock (&watch->lock);
  if (watch->buffers == 0 || pts < watch->first_pts)
    watch->first_pts = pts;
  watch->last_end = MAX (watch->last_end, pts + (GST_CLOCK_TIME_IS_VALID (dur) ? dur : 0));
  watch->buffers++;
  g_mutex_unlock (&watch->lock);
}

/* Connects @watch to the editor's player (made by the first Play) and its sink. */
static void
watch_player (ElSbarEditor *editor, Watch *watch)
{
  ElPlayer *player = el_sbar_editor_get_player (editor);

  g_assert_nonnull (player);
  if (g_object_get_data (G_OBJECT (player), "watched") != NULL)
    return;
  g_object_set_data (G_OBJECT (player), "watched", GINT_TO_POINTER (1));
  g_signal_connect (player, "notify::position-ms", G_CALLBACK (position_cb), watch);
  g_assert_nonnull (el_player_get_sink (player));
  g_signal_connect (el_player_get_sink (player), "handoff", G_CALLBACK (handoff_cb), watch);
}

static void
popup (GtkWidget *play)
{
  GtkWidget *menu_button = gtk_widget_get_ancestor (play, GTK_TYPE_MENU_BUTTON);

  g_assert_nonnull (menu_button);
  gtk_menu_button_popup (GTK_MENU_BUTTON (menu_button));
  EL_GUI_WAIT_FOR (gtk_widget_get_mapped (play));
}

/* Tests ----------------------------------------------------------------------------------------- */

static void
test_play_and_transcript (void)
{
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (shared_server, EL_TEST_DEMO_NURSE_A, &data_dir);
  int n = 0;
  g_autofree char *handoff_id = current_handoff (ctx, 3, &n);
  g_autofree char *other_id = NULL;
  g_autofree char *recording_id = record_sine (ctx, 4000);
  g_autoptr (ElSpan) code_span = span_of ("full code", 400, 1400);
  g_autoptr (ElSpan) pulse_span = span_of ("pulse 92", 2000, 3000);
  GtkWindow *window = NULL;
  ElSbarEditor *editor;
  ElTranscriptView *view;
  GtkWidget *hr_play, *code_play;
  ElPlayer *player;
  Watch watch = { 0 };
  int other_n = 0;

  g_mutex_init (&watch.lock);
  save_version_with_spans (ctx, handoff_id, n, code_span, pulse_span);
  add_recording (ctx, handoff_id, recording_id, 0);
  editor = open_editor (ctx, handoff_id, &window);
  g_assert_cmpint (el_sbar_editor_get_base_version (editor), ==, n + 1);
  g_assert_null (el_sbar_editor_get_player (editor));
  g_assert_false (el_sbar_editor_get_playing (editor));

  /* The transcript view: the text, and each span's code points highlighted, no more, no less. */
  view = el_sbar_editor_get_transcript_view (editor);
  g_assert_true (
      gtk_widget_get_visible (el_gui_test_find (GTK_WIDGET (editor), G_TYPE_NONE, "editor-transcript")));
  gtk_expander_set_expanded (
      GTK_EXPANDER (el_gui_test_find (GTK_WIDGET (editor), G_TYPE_NONE, "editor-transcript")), TRUE);
  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (el_transcript_view_get_text_view (view));
    GtkTextIter start, end;
    g_autofree char *text = NULL;
    const ElSpan *spans[] = { code_span, pulse_span };
    gboolean matched[2] = { FALSE, FALSE };
    int n_chars = gtk_text_buffer_get_char_count (buffer);

    gtk_text_buffer_get_bounds (buffer, &start, &end);
    text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    g_assert_cmpstr (text, ==, transcript);
    g_assert_false (gtk_text_view_get_editable (el_transcript_view_get_text_view (view)));
    g_assert_cmpuint (el_transcript_view_get_n_spans (view), ==, 2);
    for (guint t = 0; t < 2; t++)
      {
        GtkTextTag *tag = el_transcript_view_get_span_tag (view, t);
        PangoUnderline underline;
        gboolean background_set;
        gint64 first = -1, last = -1;
        guint covered = 0;

        g_object_get (tag, "underline", &underline, "background-set", &background_set, NULL);
        g_assert_cmpint (underline, ==, PANGO_UNDERLINE_SINGLE); /* not by colour alone */
        g_assert_true (background_set);
        for (int o = 0; o < n_chars; o++)
          {
            GtkTextIter iter;

            gtk_text_buffer_get_iter_at_offset (buffer, &iter, o);
            if (!gtk_text_iter_has_tag (&iter, tag))
              continue;
            if (first < 0)
              first = o;
            last = o;
            covered++;
          }
        g_assert_cmpuint (covered, ==, last - first + 1); /* one run */
        for (guint s = 0; s < 2; s++)
          if (spans[s]->start == first && spans[s]->end == last + 1)
            matched[s] = TRUE;
      }
    g_assert_true (matched[0]);
    g_assert_true (matched[1]);
    /* The fields are named, in words. */
    {
      g_autofree char *at_pulse = el_transcript_view_dup_fields_at (view, pulse_span->start + 1);
      g_autofree char *at_code = el_transcript_view_dup_fields_at (view, code_span->start);
      g_autofree char *outside = el_transcript_view_dup_fields_at (view, 0);
      const char *summary = gtk_label_get_label (
          GTK_LABEL (el_gui_test_find (GTK_WIDGET (view), G_TYPE_NONE, "transcript-fields")));

      g_assert_cmpstr (at_pulse, ==, "Heart rate");
      g_assert_cmpstr (at_code, ==, "Code status");
      g_assert_null (outside);
      g_assert_nonnull (strstr (summary, "Heart rate"));
      g_assert_nonnull (strstr (summary, "Code status"));
    }
  }
  el_gui_test_shot (GTK_WIDGET (window), "listen-transcript");

  /* Play in the heart rate's popover: the player plays 2000..3000 ms and stops there. */
  hr_play = play_button (editor, "Heart rate");
  code_play = play_button (editor, "Code status");
  g_assert_false (shows_stop (hr_play, "Heart rate"));
  popup (hr_play);
  el_gui_test_assert_accessible (GTK_WIDGET (window)); /* the open popover included */
  el_gui_test_click (hr_play);
  g_assert_true (el_sbar_editor_get_playing (editor));
  g_assert_true (shows_stop (hr_play, "Heart rate"));
  g_assert_false (shows_stop (code_play, "Code status"));
  EL_GUI_WAIT_FOR (el_sbar_editor_get_player (editor) != NULL);
  watch_reset (&watch);
  watch_player (editor, &watch);
  player = el_sbar_editor_get_player (editor);
  EL_GUI_WAIT_FOR (el_player_get_state (player) == EL_PLAYER_STATE_PLAYING);
  EL_GUI_WAIT_FOR (!el_sbar_editor_get_playing (editor)); /* eos at the range's end */
  g_assert_false (shows_stop (hr_play, "Heart rate"));
  g_assert_cmpint (el_player_get_state (player), !=, EL_PLAYER_STATE_PLAYING);
  g_mutex_lock (&watch.lock);
  g_test_message ("heart rate: positions %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT
                  " ms (%u), %u buffers %.3f..%.3f s",
                  watch.min_pos, watch.max_pos, watch.notifies, watch.buffers,
                  (double) watch.first_pts / GST_SECOND, (double) watch.last_end / GST_SECOND);
  g_assert_cmpuint (watch.notifies, >, 1);
  g_assert_cmpuint (watch.min_pos, >=, 2000 - 50);
  g_assert_cmpuint (watch.max_pos, >=, 3000 - 150);
  g_assert_cmpuint (watch.max_pos, <=, 3000 + 100);
  g_assert_cmpuint (watch.buffers, >, 0);
  g_assert_cmpuint (watch.first_pts, >=, 1950 * GST_MSECOND);
  g_assert_cmpuint (watch.first_pts, <=, 2100 * GST_MSECOND);
  g_assert_cmpuint (watch.last_end, <=, 3100 * GST_MSECOND);
  g_assert_cmpuint (watch.last_end, >=, 2900 * GST_MSECOND);
  g_mutex_unlock (&watch.lock);
  /* The player is released after the range. */
  EL_GUI_WAIT_FOR (el_player_get_state (player) == EL_PLAYER_STATE_STOPPED);

  /* A second Play stops the first: heart rate playing, then the code status's Play. */
  el_gui_test_click (hr_play);
  EL_GUI_WAIT_FOR (el_player_get_state (player) == EL_PLAYER_STATE_PLAYING &&
                   el_player_get_position_ms (player) > 2100);
  g_assert_true (shows_stop (hr_play, "Heart rate"));
  watch_reset (&watch);
  el_gui_test_click (code_play);
  g_assert_false (shows_stop (hr_play, "Heart rate"));
  g_assert_true (shows_stop (code_play, "Code status"));
  g_assert_true (el_sbar_editor_get_playing (editor));
  g_assert_true (el_sbar_editor_get_player (editor) == player); /* the same recording */
  EL_GUI_WAIT_FOR (el_player_get_state (player) == EL_PLAYER_STATE_PLAYING &&
                   el_player_get_position_ms (player) >= 400 && el_player_get_position_ms (player) < 1400);
  EL_GUI_WAIT_FOR (!el_sbar_editor_get_playing (editor));
  g_assert_cmpuint (watch.max_pos, <=, 1400 + 100);
  g_assert_cmpuint (watch.max_pos, >=, 1400 - 150);
  g_assert_false (shows_stop (code_play, "Code status"));

  /* Stop: the button itself. */
  el_gui_test_click (hr_play);
  EL_GUI_WAIT_FOR (el_player_get_state (player) == EL_PLAYER_STATE_PLAYING);
  el_gui_test_shot (gtk_widget_get_ancestor (hr_play, GTK_TYPE_POPOVER), "listen-playing");
  el_gui_test_click (hr_play);
  g_assert_false (el_sbar_editor_get_playing (editor));
  g_assert_cmpint (el_player_get_state (player), ==, EL_PLAYER_STATE_STOPPED);
  g_assert_false (shows_stop (hr_play, "Heart rate"));

  /* Closing the popover stops the playback. */
  el_gui_test_click (hr_play);
  EL_GUI_WAIT_FOR (el_player_get_state (player) == EL_PLAYER_STATE_PLAYING);
  gtk_popover_popdown (GTK_POPOVER (gtk_widget_get_ancestor (hr_play, GTK_TYPE_POPOVER)));
  g_assert_false (el_sbar_editor_get_playing (editor));
  g_assert_cmpint (el_player_get_state (player), ==, EL_PLAYER_STATE_STOPPED);

  /* Activating a highlighted span in the transcript plays its value's audio. */
  watch_reset (&watch);
  g_assert_false (el_transcript_view_activate_at (view, 0));
  g_assert_true (el_transcript_view_activate_at (view, pulse_span->start + 2));
  g_assert_true (el_sbar_editor_get_playing (editor));
  g_assert_true (shows_stop (hr_play, "Heart rate"));
  EL_GUI_WAIT_FOR (el_player_get_state (player) == EL_PLAYER_STATE_PLAYING &&
                   el_player_get_position_ms (player) >= 2000);
  g_assert_cmpuint (watch.max_pos, <=, 3100);

  /* Loading another handoff stops it and lets the recording go. */
  g_object_add_weak_pointer (G_OBJECT (player), (gpointer *) &player);
  other_id = current_handoff (ctx, 5, &other_n);
  el_sbar_editor_load (editor, other_id);
  g_assert_false (el_sbar_editor_get_playing (editor));
  g_assert_null (el_sbar_editor_get_player (editor));
  g_assert_null (player); /* finalized: its pipeline is gone */
  EL_GUI_WAIT_FOR (!el_sbar_editor_get_loading (editor));
  g_assert_false (
      gtk_widget_get_visible (el_gui_test_find (GTK_WIDGET (editor), G_TYPE_NONE, "editor-transcript")));

  /* Back to the recorded handoff: playing when the editor goes away. */
  el_sbar_editor_load (editor, handoff_id);
  EL_GUI_WAIT_FOR (!el_sbar_editor_get_loading (editor));
  hr_play = play_button (editor, "Heart rate");
  el_gui_test_click (hr_play);
  EL_GUI_WAIT_FOR (el_sbar_editor_get_player (editor) != NULL &&
                   el_player_get_state (el_sbar_editor_get_player (editor)) == EL_PLAYER_STATE_PLAYING);
  player = el_sbar_editor_get_player (editor);
  g_object_add_weak_pointer (G_OBJECT (player), (gpointer *) &player);

  el_gui_test_assert_accessible (GTK_WIDGET (window));
  el_gui_test_destroy (window, G_OBJECT (editor));
  g_assert_null (player);
  g_mutex_clear (&watch.lock);
  el_gui_test_close_context (ctx, data_dir);
}

static GInputStream *
open_sealed (gpointer user_data, GCancellable *cancellable, GError **error)
{
  return el_sealed_audio_open_stream (EL_SEALED_AUDIO (user_data), error);
}

/* Uploads the sealed recording @recording_id of @ctx's recordings folder to @handoff_id (as the
 * outbox does); returns its duration. */
static gint64
upload_recording (ElContext *ctx, const char *handoff_id, const char *recording_id)
{
  g_autofree char *path = el_sealed_audio_path_for (el_context_get_recordings_dir (ctx), recording_id);
  g_autofree char *key = g_uuid_string_random ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (ElRecording) recording = NULL;
  g_autoptr (ElSealedAudio) audio =
      el_sealed_audio_open (el_context_get_audio_vault (ctx), path, recording_id, NULL, &error);

  g_assert_no_error (error);
  el_api_client_upload_recording_async (el_context_get_api_client (ctx), handoff_id, recording_id,
                                        "audio/ogg", open_sealed, g_object_ref (audio), g_object_unref,
                                        (gint64) el_sealed_audio_get_size (audio), NULL, key, NULL,
                                        el_test_result_cb, &result);
  recording = el_api_client_upload_recording_finish (el_context_get_api_client (ctx),
                                                     el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (el_recording_get_id (recording), ==, recording_id);
  g_assert_cmpint (el_recording_get_duration_ms (recording), >, 3000);
  return el_recording_get_duration_ms (recording);
}

/* The visible message of a Play in the editor's popovers (NULL: none). */
static const char *
play_message (ElSbarEditor *editor)
{
  g_autoptr (GPtrArray) labels =
      el_gui_test_find_all (GTK_WIDGET (editor), G_TYPE_NONE, "editor-ai-play-message");

  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_get_visible (g_ptr_array_index (labels, i)))
      return gtk_label_get_label (GTK_LABEL (g_ptr_array_index (labels, i)));
  return NULL;
}

static const char *
transcript_message (ElSbarEditor *editor)
{
  GtkWidget *label = el_gui_test_find (GTK_WIDGET (el_sbar_editor_get_transcript_view (editor)), G_TYPE_NONE,
                                       "transcript-message");

  g_assert_nonnull (label);
  return gtk_widget_get_visible (label) ? gtk_label_get_label (GTK_LABEL (label)) : NULL;
}

/* Every file under @dir holds sealed audio (its magic), never Ogg or WAV. */
static guint
assert_all_sealed (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  if (d == NULL)
    return 0;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *data = NULL;
      gsize len = 0;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          n += assert_all_sealed (path);
          continue;
        }
      g_assert_true (g_file_get_contents (path, &data, &len, NULL));
      g_assert_cmpuint (len, >=, 8);
      g_assert_true (memcmp (data, EL_SEALED_AUDIO_MAGIC, 8) == 0);
      g_assert_null (g_strstr_len (data, (gssize) len, "OggS"));
      n++;
    }
  return n;
}

/* A recording made on another PC (another data dir) and uploaded from there: online, Play downloads
 * its audio, seals it here and plays the value's range; offline, it says the audio is not here. */
static void
test_audio_not_here (void)
{
  g_autoptr (ElTestServer) server = el_gui_test_start_demo ();
  g_autofree char *other_dir = NULL;
  g_autofree char *data_dir = NULL;
  ElContext *other = el_gui_test_sign_in (server, EL_TEST_DEMO_NURSE_A, &other_dir);
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (server, EL_TEST_DEMO_NURSE_A, &data_dir);
  int n = 0;
  g_autofree char *handoff_id = current_handoff (ctx, 2, &n);
  g_autofree char *recording_id = record_sine (other, 4000);
  g_autofree char *local = el_sealed_audio_path_for (el_context_get_recordings_dir (ctx), recording_id);
  g_autofree char *copy = NULL;
  g_autoptr (ElSpan) code_span = span_of ("full code", 400, 1400);
  g_autoptr (ElSpan) pulse_span = span_of ("pulse 92", 2000, 3000);
  GtkWindow *window = NULL;
  ElSbarEditor *editor;
  GtkWidget *hr_play;
  ElPlayer *player;
  Watch watch = { 0 };
  gint64 duration;

  g_mutex_init (&watch.lock);
  duration = upload_recording (other, handoff_id, recording_id);
  el_gui_test_close_context (other, other_dir);
  g_object_unref (other);

  /* this PC knows the recording from the change feed, not its audio */
  save_version_with_spans (ctx, handoff_id, n, code_span, pulse_span);
  add_recording (ctx, handoff_id, recording_id, duration);
  g_assert_false (g_file_test (local, G_FILE_TEST_EXISTS));
  editor = open_editor (ctx, handoff_id, &window);

  /* online: "Downloading the recording…", then the range plays */
  hr_play = play_button (editor, "Heart rate");
  popup (hr_play);
  el_gui_test_click (hr_play);
  g_assert_true (el_sbar_editor_get_playing (editor));
  g_assert_true (shows_stop (hr_play, "Heart rate"));
  g_assert_cmpstr (play_message (editor), ==, "Downloading the recording…");
  g_assert_cmpstr (transcript_message (editor), ==, "Downloading the recording…");
  el_gui_test_assert_accessible (GTK_WIDGET (window));
  EL_GUI_WAIT_FOR (el_sbar_editor_get_player (editor) != NULL);
  g_assert_null (play_message (editor));
  g_assert_null (transcript_message (editor));
  watch_reset (&watch);
  watch_player (editor, &watch);
  player = el_sbar_editor_get_player (editor);
  EL_GUI_WAIT_FOR (el_player_get_state (player) == EL_PLAYER_STATE_PLAYING);
  EL_GUI_WAIT_FOR (!el_sbar_editor_get_playing (editor)); /* eos at the range's end */
  g_mutex_lock (&watch.lock);
  g_test_message ("downloaded: positions %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT
                  " ms, %u buffers %.3f..%.3f s",
                  watch.min_pos, watch.max_pos, watch.buffers, (double) watch.first_pts / GST_SECOND,
                  (double) watch.last_end / GST_SECOND);
  g_assert_cmpuint (watch.min_pos, >=, 2000 - 50);
  g_assert_cmpuint (watch.max_pos, <=, 3000 + 100);
  g_assert_cmpuint (watch.buffers, >, 0);
  g_assert_cmpuint (watch.first_pts, >=, 1950 * GST_MSECOND);
  g_assert_cmpuint (watch.first_pts, <=, 2100 * GST_MSECOND);
  g_assert_cmpuint (watch.last_end, >=, 2900 * GST_MSECOND);
  g_assert_cmpuint (watch.last_end, <=, 3100 * GST_MSECOND);
  g_mutex_unlock (&watch.lock);
  g_assert_cmpuint (el_player_get_duration_ms (player), ==, (guint64) duration);

  /* the audio is kept sealed, never as plaintext, outside the folder of this PC's own recordings */
  g_assert_false (g_file_test (local, G_FILE_TEST_EXISTS));
  {
    g_autofree char *sub = g_build_filename (el_context_get_recordings_dir (ctx), "downloaded", NULL);

    copy = el_sealed_audio_path_for (sub, recording_id);
  }
  g_assert_true (g_file_test (copy, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (assert_all_sealed (el_context_get_recordings_dir (ctx)), ==, 1);

  /* offline, with the copy gone: not on this computer */
  g_assert_cmpint (g_unlink (copy), ==, 0);
  g_assert_cmpint (el_test_server_stop (server), ==, 0);
  el_sbar_editor_load (editor, handoff_id); /* lets the opened audio go */
  EL_GUI_WAIT_FOR (!el_sbar_editor_get_loading (editor));
  g_assert_null (el_sbar_editor_get_player (editor));
  hr_play = play_button (editor, "Heart rate");
  popup (hr_play);
  el_gui_test_click (hr_play);
  EL_GUI_WAIT_FOR (!el_sbar_editor_get_playing (editor));
  g_assert_null (el_sbar_editor_get_player (editor));
  g_assert_false (shows_stop (hr_play, "Heart rate"));
  g_assert_cmpstr (play_message (editor), ==, "The audio of this recording is not on this computer.");
  /* the transcript (collapsed) says it too */
  g_assert_cmpstr (transcript_message (editor), ==, "The audio of this recording is not on this computer.");
  g_assert_false (g_file_test (copy, G_FILE_TEST_EXISTS));

  el_gui_test_assert_accessible (GTK_WIDGET (window));
  el_gui_test_destroy (window, G_OBJECT (editor));
  g_mutex_clear (&watch.lock);
  el_gui_test_close_context (ctx, data_dir);
}

int
main (int argc, char **argv)
{
  int status;

  el_gui_test_init (&argc, &argv);
  g_test_add_func ("/el/gui/editor/listen/play-and-transcript", test_play_and_transcript);
  g_test_add_func ("/el/gui/editor/listen/audio-not-here", test_audio_not_here);

  shared_server = el_gui_test_start_demo ();
  status = g_test_run ();
  g_assert_cmpint (el_test_server_stop (shared_server), ==, 0);
  g_clear_pointer (&shared_server, el_test_server_free);
  return status;
}
