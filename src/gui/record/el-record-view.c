/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "el-record-recover.h"
#include "el-record-view.h"
#include "el-recorder.h"
#include "el-speech-engines.h"

#define WAIT_POLL_MS     2000
#define LEVEL_FLOOR_DB   (-60.0)
#define SILENCE_CLEAR_DB (-55.0)

struct _ElRecordView
{
  GtkWidget parent_instance;

  ElContext *context;
  GSettings *settings;
  char *source;
  ElRecordViewState state;
  char *handoff_id;
  char *recording_id;
  char *path;
  gint64 duration_ms;
  char *progress_text;
  int base_version;
  gboolean on_device;
  ElTranscriptionMode mode;

  ElRecorder *recorder;
  GCancellable *cancellable; /* cancelled in dispose */
  gulong cycle_finished_id;
  guint poll_source;
  gboolean polling;
  guint completed_polls;
  AdwMessageDialog *discard_dialog;

  GtkWidget *scroller;
  GtkLabel *title_label;
  GtkLabel *timer_label;
  GtkLabel *state_label;
  GtkLevelBar *level_bar;
  GtkWidget *silent_box;
  GtkWidget *length_box;
  GtkLabel *length_label;
  GtkWidget *progress_box;
  GtkSpinner *spinner;
  GtkLabel *progress_label;
  GtkWidget *controls;
  GtkButton *pause_button;
  GtkWidget *close_button;
};

G_DEFINE_FINAL_TYPE (ElRecordView, el_record_view, GTK_TYPE_WIDGET)

G_DEFINE_ENUM_TYPE (ElRecordViewState,
                    el_record_view_state,
                    G_DEFINE_ENUM_VALUE (EL_RECORD_VIEW_IDLE, "idle"),
                    G_DEFINE_ENUM_VALUE (EL_RECORD_VIEW_RECORDING, "recording"),
                    G_DEFINE_ENUM_VALUE (EL_RECORD_VIEW_PAUSED, "paused"),
                    G_DEFINE_ENUM_VALUE (EL_RECORD_VIEW_SUBMITTING, "submitting"),
                    G_DEFINE_ENUM_VALUE (EL_RECORD_VIEW_WAITING, "waiting"),
                    G_DEFINE_ENUM_VALUE (EL_RECORD_VIEW_DONE, "done"),
                    G_DEFINE_ENUM_VALUE (EL_RECORD_VIEW_FAILED, "failed"))

enum
{
  PROP_0,
  PROP_CONTEXT,
  PROP_SETTINGS,
  PROP_STATE,
  PROP_HANDOFF_ID,
  PROP_RECORDING_ID,
  PROP_DURATION_MS,
  PROP_PROGRESS_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_DRAFT_READY,
  SIGNAL_CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void poll_server (ElRecordView *self);

/* ---- what the nurse sees ---- */

static char *
format_duration (gint64 ms)
{
  gint64 s = MAX (ms, 0) / 1000;

  return g_strdup_printf ("%02" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT, s / 60, s % 60);
}

static void
set_progress_text (ElRecordView *self, const char *text)
{
  if (g_strcmp0 (self->progress_text, text) == 0)
    return;
  g_free (self->progress_text);
  self->progress_text = g_strdup (text);
  gtk_label_set_label (self->progress_label, text != NULL ? text : "");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS_TEXT]);
}

static void
update_actions (ElRecordView *self)
{
  gboolean capturing = self->state == EL_RECORD_VIEW_RECORDING || self->state == EL_RECORD_VIEW_PAUSED;
  gboolean after = self->state == EL_RECORD_VIEW_DONE || self->state == EL_RECORD_VIEW_FAILED;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "record.pause", capturing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "record.stop", capturing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "record.discard", capturing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "record.close",
                                 after || self->state == EL_RECORD_VIEW_WAITING);
  gtk_widget_set_visible (self->controls, capturing || self->state == EL_RECORD_VIEW_IDLE);
  gtk_widget_set_visible (self->close_button, after || self->state == EL_RECORD_VIEW_WAITING);
  gtk_widget_set_visible (GTK_WIDGET (self->level_bar), capturing || self->state == EL_RECORD_VIEW_IDLE);
  gtk_widget_set_visible (self->progress_box, !capturing && self->state != EL_RECORD_VIEW_IDLE);
  gtk_spinner_set_spinning (self->spinner, self->state == EL_RECORD_VIEW_SUBMITTING ||
                                               self->state == EL_RECORD_VIEW_WAITING);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner),
                          self->state == EL_RECORD_VIEW_SUBMITTING || self->state == EL_RECORD_VIEW_WAITING);

  if (self->state == EL_RECORD_VIEW_PAUSED)
    {
      gtk_button_set_label (self->pause_button, _ ("_Resume"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->pause_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _ ("Resume recording"), -1);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->pause_button), _ ("Resume recording"));
    }
  else
    {
      gtk_button_set_label (self->pause_button, _ ("_Pause"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->pause_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _ ("Pause recording"), -1);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->pause_button), _ ("Pause recording"));
    }

  switch (self->state)
    {
      case EL_RECORD_VIEW_IDLE:
        gtk_label_set_label (self->state_label, _ ("Not recording"));
        break;
      case EL_RECORD_VIEW_RECORDING:
        gtk_label_set_label (self->state_label, _ ("Recording"));
        break;
      case EL_RECORD_VIEW_PAUSED:
        gtk_label_set_label (self->state_label, _ ("Paused — nothing is recorded"));
        break;
      case EL_RECORD_VIEW_SUBMITTING:
      case EL_RECORD_VIEW_WAITING:
        gtk_label_set_label (self->state_label, _ ("Recording finished"));
        break;
      case EL_RECORD_VIEW_DONE:
        gtk_label_set_label (self->state_label, _ ("Recording finished"));
        break;
      case EL_RECORD_VIEW_FAILED:
        gtk_label_set_label (self->state_label, _ ("Recording kept on this computer"));
        break;
      default:
        g_assert_not_reached ();
    }
}

static void
set_state (ElRecordView *self, ElRecordViewState state)
{
  if (self->state == state)
    return;
  self->state = state;
  update_actions (self);
  if (state != EL_RECORD_VIEW_RECORDING && state != EL_RECORD_VIEW_PAUSED)
    {
      gtk_widget_set_visible (self->silent_box, FALSE);
      gtk_widget_set_visible (self->length_box, FALSE);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
stop_waiting (ElRecordView *self)
{
  g_clear_handle_id (&self->poll_source, g_source_remove);
  if (self->cycle_finished_id != 0)
    {
      ElSync *sync = el_context_get_sync (self->context);

      if (sync != NULL)
        g_signal_handler_disconnect (sync, self->cycle_finished_id);
      self->cycle_finished_id = 0;
    }
}

static void
fail (ElRecordView *self, const char *text)
{
  stop_waiting (self);
  set_progress_text (self, text);
  set_state (self, EL_RECORD_VIEW_FAILED);
}

static void
draft_ready (ElRecordView *self)
{
  g_autofree char *handoff_id = g_strdup (self->handoff_id);

  stop_waiting (self);
  set_progress_text (self, _ ("The report draft is ready."));
  set_state (self, EL_RECORD_VIEW_DONE);
  g_signal_emit (self, signals[SIGNAL_DRAFT_READY], 0, handoff_id);
}

static void
set_duration (ElRecordView *self, gint64 ms)
{
  g_autofree char *text = format_duration (ms);

  gtk_label_set_label (self->timer_label, text);
  if (self->duration_ms != ms)
    {
      self->duration_ms = ms;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION_MS]);
    }
}

/* ---- recorder signals ---- */

static void
duration_notify_cb (ElRecorder *recorder, GParamSpec *pspec, gpointer user_data)
{
  (void) pspec;
  set_duration (EL_RECORD_VIEW (user_data), (gint64) el_recorder_get_duration_ms (recorder));
}

static void
level_notify_cb (ElRecorder *recorder, GParamSpec *pspec, gpointer user_data)
{
  ElRecordView *self = EL_RECORD_VIEW (user_data);
  double db = el_recorder_get_level_rms_db (recorder);
  double value = CLAMP ((db - LEVEL_FLOOR_DB) / -LEVEL_FLOOR_DB, 0.0, 1.0);
  const char *words;

  (void) pspec;
  if (self->state == EL_RECORD_VIEW_PAUSED)
    value = 0.0;
  gtk_level_bar_set_value (self->level_bar, value);
  if (value <= 0.0)
    words = _ ("Silent");
  else if (value < 0.33)
    words = _ ("Quiet");
  else if (value < 0.85)
    words = _ ("Good");
  else
    words = _ ("Loud");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->level_bar), GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, words,
                                  -1);
  /* the sound came back: the silent-microphone warning goes (it comes again if it goes again) */
  if (db > SILENCE_CLEAR_DB && gtk_widget_get_visible (self->silent_box))
    gtk_widget_set_visible (self->silent_box, FALSE);
}

static void
warning_cb (ElRecorder *recorder, ElRecorderWarning warning, gpointer user_data)
{
  ElRecordView *self = EL_RECORD_VIEW (user_data);

  if (warning == EL_RECORDER_WARNING_SILENT_MICROPHONE)
    {
      gtk_widget_set_visible (self->silent_box, TRUE);
    }
  else if (warning == EL_RECORDER_WARNING_NEAR_MAX_LENGTH)
    {
      guint64 max_ms = el_recorder_get_max_duration_ms (recorder);
      guint64 left_min = (max_ms - MIN (max_ms, el_recorder_get_duration_ms (recorder)) + 59999) / 60000;
      g_autofree char *text = g_strdup_printf (
          /* Translators: the maximum-length warning while recording */
          g_dngettext (GETTEXT_PACKAGE, "Recording stops by itself in %u minute.",
                       "Recording stops by itself in %u minutes.", (gulong) left_min),
          (guint) left_min);

      gtk_label_set_label (self->length_label, text);
      gtk_widget_set_visible (self->length_box, TRUE);
    }
}

static void
recorder_state_notify_cb (ElRecorder *recorder, GParamSpec *pspec, gpointer user_data)
{
  ElRecordView *self = EL_RECORD_VIEW (user_data);

  (void) pspec;
  /* reaching max-duration-ms stops by itself: hand the recording over as if Stop was pressed */
  if (el_recorder_get_state (recorder) == EL_RECORDER_STATE_STOPPING &&
      (self->state == EL_RECORD_VIEW_RECORDING || self->state == EL_RECORD_VIEW_PAUSED))
    el_record_view_stop (self);
}

static void
recorder_failed_cb (ElRecorder *recorder, GError *error, gpointer user_data)
{
  ElRecordView *self = EL_RECORD_VIEW (user_data);

  (void) recorder;
  g_debug ("record view: recorder failed: %s #%d", g_quark_to_string (error->domain), error->code);
  if (self->state == EL_RECORD_VIEW_RECORDING || self->state == EL_RECORD_VIEW_PAUSED)
    fail (self, error->code == EL_RECORDER_ERROR_STORAGE
                    ? _ ("The recording could not be saved on this computer. What was recorded is kept.")
                    : _ ("The microphone stopped working. What was recorded is kept."));
}

static void
recorder_discarded_cb (ElRecorder *recorder, gpointer user_data)
{
  ElRecordView *self = EL_RECORD_VIEW (user_data);

  (void) recorder;
  if (self->recording_id != NULL)
    el_record_delete_sidecar (el_context_get_recordings_dir (self->context), self->recording_id);
  g_clear_pointer (&self->path, g_free);
  set_duration (self, 0);
  set_progress_text (self, NULL);
  set_state (self, EL_RECORD_VIEW_IDLE);
  g_signal_emit (self, signals[SIGNAL_CLOSED], 0);
}

/* ---- waiting for the server's draft ---- */

typedef struct
{
  ElRecordView *self; /* not a reference: the calls are cancelled in dispose */
  gboolean newer_version;
} PollData;

static void
poll_done (ElRecordView *self)
{
  self->polling = FALSE;
}

static void
poll_handoff_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PollData *data = user_data;
  ElRecordView *self = data->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElHandoff) handoff = el_store_get_handoff_finish (EL_STORE (source), result, &error);

  g_free (data);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  poll_done (self);
  if (self->state != EL_RECORD_VIEW_WAITING || handoff == NULL)
    return;
  if (el_handoff_get_status (handoff) == EL_HANDOFF_STATUS_FAILED)
    fail (self, _ ("The server could not draft the report from this recording. The recording is kept; "
                   "write the report by hand."));
}

static void
poll_recordings_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PollData *data = user_data;
  ElRecordView *self = data->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) recordings = el_store_list_recordings_finish (EL_STORE (source), result, &error);
  ElRecording *mine = NULL;
  ElSync *sync;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_free (data);
      return;
    }
  if (self->state != EL_RECORD_VIEW_WAITING)
    {
      g_free (data);
      poll_done (self);
      return;
    }
  for (guint i = 0; recordings != NULL && i < recordings->len; i++)
    if (g_strcmp0 (el_recording_get_id (g_ptr_array_index (recordings, i)), self->recording_id) == 0)
      mine = g_ptr_array_index (recordings, i);

  sync = el_context_get_sync (self->context);
  if (mine == NULL)
    {
      if (sync != NULL && el_sync_get_state (sync) == EL_SYNC_STATE_OFFLINE)
        set_progress_text (self, _ ("Waiting for the server — the recording is kept on this computer and "
                                    "sent when the server is back…"));
      else
        set_progress_text (self, _ ("Uploading…"));
    }
  else
    {
      switch (el_recording_get_status (mine))
        {
          case EL_RECORDING_STATUS_QUEUED:
          case EL_RECORDING_STATUS_TRANSCRIBING:
            set_progress_text (self, _ ("Transcribing…"));
            break;
          case EL_RECORDING_STATUS_EXTRACTING:
            set_progress_text (self, _ ("Extracting…"));
            break;
          case EL_RECORDING_STATUS_COMPLETED:
            /* the server writes its draft with the recording's status, in one transaction: a
             * completed recording without a newer version twice in a row means the report had a
             * version already, and the server (which drafts only a first version) made none */
            if (++self->completed_polls >= 2)
              {
                g_free (data);
                poll_done (self);
                fail (self, _ ("The report already had a version, so no draft was made from this recording. "
                               "The recording and its transcript are kept with the handoff."));
                return;
              }
            set_progress_text (self, _ ("Drafting the report…"));
            break;
          case EL_RECORDING_STATUS_FAILED:
          default:
            g_free (data);
            poll_done (self);
            fail (self, _ ("The server could not transcribe this recording. The recording is kept; write the "
                           "report by hand."));
            return;
        }
    }
  el_store_get_handoff_async (EL_STORE (source), self->handoff_id, self->cancellable, poll_handoff_cb, data);
}

static void
poll_sbar_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PollData *data = user_data;
  ElRecordView *self = data->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElStoreSbar) sbar = el_store_get_sbar_finish (EL_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_free (data);
      return;
    }
  if (self->state != EL_RECORD_VIEW_WAITING)
    {
      g_free (data);
      poll_done (self);
      return;
    }
  if (sbar != NULL && el_sbar_version_get_version (sbar->version) > self->base_version)
    {
      g_free (data);
      poll_done (self);
      draft_ready (self);
      return;
    }
  el_store_list_recordings_async (EL_STORE (source), self->handoff_id, self->cancellable, poll_recordings_cb,
                                  data);
}

static void
poll_server (ElRecordView *self)
{
  ElStore *store = el_context_get_store (self->context);
  PollData *data;

  if (store == NULL || self->polling || self->state != EL_RECORD_VIEW_WAITING)
    return;
  self->polling = TRUE;
  data = g_new0 (PollData, 1);
  data->self = self;
  el_store_get_sbar_async (store, self->handoff_id, 0, self->cancellable, poll_sbar_cb, data);
}

static gboolean
poll_timeout_cb (gpointer user_data)
{
  ElRecordView *self = EL_RECORD_VIEW (user_data);
  ElSync *sync = el_context_get_sync (self->context);

  if (sync != NULL)
    el_sync_request (sync, EL_SYNC_RUN_NONE);
  poll_server (self);
  return G_SOURCE_CONTINUE;
}

static void
cycle_finished_cb (ElSync *sync, gpointer stats, gpointer error, gpointer user_data)
{
  (void) sync;
  (void) stats;
  (void) error;
  poll_server (EL_RECORD_VIEW (user_data));
}

static void
start_waiting (ElRecordView *self)
{
  ElSync *sync = el_context_get_sync (self->context);

  set_state (self, EL_RECORD_VIEW_WAITING);
  if (sync != NULL && self->cycle_finished_id == 0)
    {
      self->cycle_finished_id =
          g_signal_connect (sync, "cycle-finished", G_CALLBACK (cycle_finished_cb), self);
      el_sync_request (sync, EL_SYNC_RUN_IGNORE_BACKOFF);
    }
  if (self->poll_source == 0)
    self->poll_source = g_timeout_add (WAIT_POLL_MS, poll_timeout_cb, self);
  poll_server (self);
}

/* ---- handing the recording over ---- */

typedef struct
{
  ElRecordView *self; /* not a reference: the calls are cancelled in dispose */
} SubmitData;

static void
voice_learned_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!el_context_learn_voice_finish (EL_CONTEXT (source), result, NULL, &error))
    g_debug ("record view: learning the voice failed: %s #%d", g_quark_to_string (error->domain),
             error->code);
}

/* While she has no voice profile on this PC, her recording also teaches the offline recogniser her
 * voice (setting learn-voice; the context decides whether there is anything to learn). It goes on
 * in the background, whatever becomes of this view. */
static void
learn_voice (ElRecordView *self)
{
  if (self->settings == NULL || !g_settings_get_boolean (self->settings, "learn-voice"))
    return;
  el_context_learn_voice_async (self->context, self->recording_id, self->path, NULL, voice_learned_cb, NULL);
}

static void
submitted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SubmitData *data = user_data;
  ElRecordView *self = data->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) draft_error = NULL;
  g_autoptr (ElExtraction) draft = NULL;
  gboolean ok =
      el_context_submit_recording_finish (EL_CONTEXT (source), result, &draft, &draft_error, &error);

  g_free (data);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (!ok)
    {
      g_debug ("record view: submit failed: %s #%d", g_quark_to_string (error->domain), error->code);
      fail (self, _ ("The recording could not be handed over. It is kept on this computer."));
      return;
    }
  learn_voice (self);
  if (draft != NULL)
    {
      draft_ready (self);
      return;
    }
  if (draft_error != NULL)
    {
      g_debug ("record view: on-device draft failed: %s #%d", g_quark_to_string (draft_error->domain),
               draft_error->code);
      if (self->mode == EL_TRANSCRIPTION_MODE_ON_DEVICE)
        {
          fail (self, _ ("The report could not be drafted on this computer. The recording is kept and sent "
                         "to the server."));
          return;
        }
    }
  set_progress_text (self, _ ("Uploading…"));
  start_waiting (self);
}

static void
base_version_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SubmitData *data = user_data;
  ElRecordView *self = data->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElStoreSbar) sbar = el_store_get_sbar_finish (EL_STORE (source), result, &error);
  ElUser *user = el_context_get_user (self->context);
  ElDrafter *drafter = el_context_get_drafter (self->context);
  ElSync *sync = el_context_get_sync (self->context);
  /* offline: the client's circuit is open, or the last sync could not reach the server */
  gboolean offline = !el_api_client_get_online (el_context_get_api_client (self->context)) ||
                     (sync != NULL && el_sync_get_state (sync) == EL_SYNC_STATE_OFFLINE);
  ElTranscriptionMode mode;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_free (data);
      return;
    }
  self->base_version = sbar != NULL ? el_sbar_version_get_version (sbar->version) : 0;
  self->on_device = drafter != NULL && (self->mode == EL_TRANSCRIPTION_MODE_ON_DEVICE ||
                                        (self->mode == EL_TRANSCRIPTION_MODE_AUTO && offline));
  mode = self->on_device ? EL_TRANSCRIPTION_MODE_ON_DEVICE : self->mode;
  set_progress_text (self, self->on_device ? _ ("Drafting on this PC…") : _ ("Uploading…"));
  el_context_submit_recording_async (self->context, self->handoff_id, self->recording_id, self->path, mode,
                                     self->base_version, user != NULL ? el_user_get_id (user) : NULL,
                                     user != NULL ? el_user_get_name (user) : NULL, self->cancellable,
                                     submitted_cb, data);
}

static ElTranscriptionMode
mode_from_settings (ElRecordView *self)
{
  g_autofree char *mode = NULL;

  if (self->settings == NULL)
    return EL_TRANSCRIPTION_MODE_AUTO;
  mode = g_settings_get_string (self->settings, "transcription-mode");
  if (g_strcmp0 (mode, "server") == 0)
    return EL_TRANSCRIPTION_MODE_SERVER;
  if (g_strcmp0 (mode, "on-device") == 0)
    return EL_TRANSCRIPTION_MODE_ON_DEVICE;
  return EL_TRANSCRIPTION_MODE_AUTO;
}

static void
submit (ElRecordView *self)
{
  ElStore *store = el_context_get_store (self->context);
  SubmitData *data;

  set_state (self, EL_RECORD_VIEW_SUBMITTING);
  if (store == NULL)
    {
      fail (self, _ ("The recording could not be handed over. It is kept on this computer."));
      return;
    }
  self->mode = mode_from_settings (self);
  set_progress_text (self, _ ("Saving the recording…"));
  data = g_new0 (SubmitData, 1);
  data->self = self;
  el_store_get_sbar_async (store, self->handoff_id, 0, self->cancellable, base_version_cb, data);
}

static void
stopped_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SubmitData *data = user_data;
  ElRecordView *self = data->self;
  g_autoptr (GError) error = NULL;
  gboolean ok = el_recorder_stop_finish (EL_RECORDER (source), result, &error);

  g_free (data);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_error_matches (error, EL_RECORDER_ERROR, EL_RECORDER_ERROR_DISCARDED))
    return;
  if (self->state == EL_RECORD_VIEW_FAILED)
    return;
  set_duration (self, (gint64) el_recorder_get_duration_ms (EL_RECORDER (source)));
  if (!ok)
    {
      g_debug ("record view: stop failed: %s #%d", g_quark_to_string (error->domain), error->code);
      fail (self, _ ("The recording could not be finished. What was recorded is kept on this computer."));
      return;
    }
  if (el_recorder_get_duration_ms (EL_RECORDER (source)) == 0)
    {
      /* stopped within its first page: nothing to draft from */
      el_recorder_discard (EL_RECORDER (source));
      fail (self, _ ("Nothing was recorded. Check the microphone and record again."));
      return;
    }
  g_free (self->path);
  self->path = g_strdup (el_recorder_get_path (EL_RECORDER (source)));
  submit (self);
}

/* ---- actions ---- */

static void
pause_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ElRecordView *self = EL_RECORD_VIEW (widget);

  (void) action_name;
  (void) parameter;
  if (self->recorder == NULL)
    return;
  if (self->state == EL_RECORD_VIEW_RECORDING)
    {
      el_recorder_pause (self->recorder);
      gtk_level_bar_set_value (self->level_bar, 0.0);
      set_state (self, EL_RECORD_VIEW_PAUSED);
    }
  else if (self->state == EL_RECORD_VIEW_PAUSED)
    {
      el_recorder_resume (self->recorder);
      set_state (self, EL_RECORD_VIEW_RECORDING);
    }
}

static void
stop_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  (void) action_name;
  (void) parameter;
  el_record_view_stop (EL_RECORD_VIEW (widget));
}

static void
discard_response_cb (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  ElRecordView *self = EL_RECORD_VIEW (user_data);

  g_signal_handlers_disconnect_by_data (dialog, self);
  self->discard_dialog = NULL;
  if (g_strcmp0 (response, "discard") != 0 || self->recorder == NULL)
    return;
  if (self->state != EL_RECORD_VIEW_RECORDING && self->state != EL_RECORD_VIEW_PAUSED)
    return;
  set_progress_text (self, _ ("Discarding…"));
  el_recorder_discard (self->recorder);
}

static void
discard_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ElRecordView *self = EL_RECORD_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;

  (void) action_name;
  (void) parameter;
  if (self->discard_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->discard_dialog));
      return;
    }
  dialog =
      adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, _ ("Discard this recording?"),
                              _ ("The recording is deleted from this computer and cannot be brought back."));
  gtk_widget_set_name (dialog, "record-discard-dialog");
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Keep Recording"), "discard",
                                    _ ("_Discard"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  self->discard_dialog = ADW_MESSAGE_DIALOG (dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (discard_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
close_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  (void) action_name;
  (void) parameter;
  g_signal_emit (widget, signals[SIGNAL_CLOSED], 0);
}

/* ---- GObject ---- */

static void
el_record_view_constructed (GObject *object)
{
  ElRecordView *self = EL_RECORD_VIEW (object);

  G_OBJECT_CLASS (el_record_view_parent_class)->constructed (object);

  g_return_if_fail (EL_IS_CONTEXT (self->context));
  /* on-device drafts need the speech engines: made once per context, from the environment and the
   * nurse's voice profile */
  {
    g_autoptr (GError) error = NULL;

    if (!el_context_ensure_drafter (self->context, &error))
      g_debug ("record view: no on-device drafts: %s #%d", g_quark_to_string (error->domain), error->code);
  }
  update_actions (self);
}

static void
el_record_view_dispose (GObject *object)
{
  ElRecordView *self = EL_RECORD_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  stop_waiting (self);
  if (self->discard_dialog != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->discard_dialog, self);
      gtk_window_destroy (GTK_WINDOW (self->discard_dialog));
      self->discard_dialog = NULL;
    }
  if (self->recorder != NULL)
    {
      /* dropped while recording: the file stays an interrupted recording, recovered at the next start */
      g_signal_handlers_disconnect_by_data (self->recorder, self);
      g_clear_object (&self->recorder);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), EL_TYPE_RECORD_VIEW);
  g_clear_object (&self->settings);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (el_record_view_parent_class)->dispose (object);
}

static void
el_record_view_finalize (GObject *object)
{
  ElRecordView *self = EL_RECORD_VIEW (object);

  g_clear_object (&self->cancellable);
  g_free (self->source);
  g_free (self->handoff_id);
  g_free (self->recording_id);
  g_free (self->path);
  g_free (self->progress_text);

  G_OBJECT_CLASS (el_record_view_parent_class)->finalize (object);
}

static void
el_record_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElRecordView *self = EL_RECORD_VIEW (object);

  switch (prop_id)
    {
      case PROP_CONTEXT:
        g_value_set_object (value, self->context);
        break;
      case PROP_SETTINGS:
        g_value_set_object (value, self->settings);
        break;
      case PROP_STATE:
        g_value_set_enum (value, self->state);
        break;
      case PROP_HANDOFF_ID:
        g_value_set_string (value, self->handoff_id);
        break;
      case PROP_RECORDING_ID:
        g_value_set_string (value, self->recording_id);
        break;
      case PROP_DURATION_MS:
        g_value_set_int64 (value, self->duration_ms);
        break;
      case PROP_PROGRESS_TEXT:
        g_value_set_string (value, self->progress_text);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_record_view_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElRecordView *self = EL_RECORD_VIEW (object);

  switch (prop_id)
    {
      case PROP_CONTEXT:
        self->context = g_value_dup_object (value);
        break;
      case PROP_SETTINGS:
        self->settings = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_record_view_class_init (ElRecordViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->constructed = el_record_view_constructed;
  object_class->dispose = el_record_view_dispose;
  object_class->finalize = el_record_view_finalize;
  object_class->get_property = el_record_view_get_property;
  object_class->set_property = el_record_view_set_property;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, EL_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
      g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
      g_param_spec_enum ("state", NULL, NULL, EL_TYPE_RECORD_VIEW_STATE, EL_RECORD_VIEW_IDLE, ro);
  properties[PROP_HANDOFF_ID] = g_param_spec_string ("handoff-id", NULL, NULL, NULL, ro);
  properties[PROP_RECORDING_ID] = g_param_spec_string ("recording-id", NULL, NULL, NULL, ro);
  properties[PROP_DURATION_MS] = g_param_spec_int64 ("duration-ms", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_PROGRESS_TEXT] = g_param_spec_string ("progress-text", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_DRAFT_READY] = g_signal_new ("draft-ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                              NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                         NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "record.pause", NULL, pause_activated);
  gtk_widget_class_install_action (widget_class, "record.stop", NULL, stop_activated);
  gtk_widget_class_install_action (widget_class, "record.discard", NULL, discard_activated);
  gtk_widget_class_install_action (widget_class, "record.close", NULL, close_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, GDK_CONTROL_MASK, "record.pause", NULL);

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/eclipselink/Handoff/el-record-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ElRecordView, scroller);
  gtk_widget_class_bind_template_child (widget_class, ElRecordView, title_label);
  gtk_widget_class_bind_template_child (widget_class, ElRecordView, timer_label);
  gtk_widget_class_bind_template_child (widget_class, ElRecordView, state_label);
  gtk_widget_class_bind_template_child (widget_class, ElRecordView, level_bar);
  gtk_widget_class_bind_template_child (widget_class, ElRecordView, silent_box);
  gtk_widget_class_bind_template_child (widget_class, ElRecordView, length_box);
  gtk_widget_class_bind_template_child (widget_class, ElRecordView, length_label);
  gtk_widget_class_bind_template_child (widget_class, ElRecordView, progress_box);
  gtk_widget_class_bind_template_child (widget_class, ElRecordView, spinner);
  gtk_widget_class_bind_template_child (widget_class, ElRecordView, progress_label);
  gtk_widget_class_bind_template_child (widget_class, ElRecordView, controls);
  gtk_widget_class_bind_template_child (widget_class, ElRecordView, pause_button);
  gtk_widget_class_bind_template_child (widget_class, ElRecordView, close_button);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "el-record-view");
}

static void
el_record_view_init (ElRecordView *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_label_set_label (self->length_label, "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->level_bar), GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT,
                                  _ ("Silent"), -1);
}

/* ---- public ---- */

GtkWidget *
el_record_view_new (ElContext *ctx, GSettings *settings)
{
  g_return_val_if_fail (EL_IS_CONTEXT (ctx), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  return g_object_new (EL_TYPE_RECORD_VIEW, "context", ctx, "settings", settings, NULL);
}

void
el_record_view_set_source (ElRecordView *self, const char *source_description)
{
  g_return_if_fail (EL_IS_RECORD_VIEW (self));

  g_free (self->source);
  self->source = g_strdup (source_description);
}

static char *
choose_source (ElRecordView *self)
{
  g_autofree char *device =
      self->settings != NULL ? g_settings_get_string (self->settings, "microphone") : NULL;

  return el_recorder_choose_source (self->source, device);
}

void
el_record_view_start (ElRecordView *self, const char *handoff_id)
{
  ElVault *vault;
  const char *directory;
  g_autofree char *source = NULL;
  g_autoptr (GError) error = NULL;

  g_return_if_fail (EL_IS_RECORD_VIEW (self));
  g_return_if_fail (handoff_id != NULL);
  g_return_if_fail (self->state == EL_RECORD_VIEW_IDLE);

  g_free (self->handoff_id);
  self->handoff_id = g_strdup (handoff_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HANDOFF_ID]);

  vault = el_context_get_audio_vault (self->context);
  directory = el_context_get_recordings_dir (self->context);
  if (vault == NULL || directory == NULL)
    {
      fail (self, _ ("Sign in before recording."));
      return;
    }
  source = choose_source (self);
  if (self->recorder != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->recorder, self);
      g_clear_object (&self->recorder);
    }
  self->recorder = el_recorder_new (vault, directory, source);
  g_free (self->recording_id);
  self->recording_id = g_strdup (el_recorder_get_recording_id (self->recorder));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORDING_ID]);
  g_signal_connect (self->recorder, "notify::duration-ms", G_CALLBACK (duration_notify_cb), self);
  g_signal_connect (self->recorder, "notify::level-rms-db", G_CALLBACK (level_notify_cb), self);
  g_signal_connect (self->recorder, "notify::state", G_CALLBACK (recorder_state_notify_cb), self);
  g_signal_connect (self->recorder, "warning", G_CALLBACK (warning_cb), self);
  g_signal_connect (self->recorder, "failed", G_CALLBACK (recorder_failed_cb), self);
  g_signal_connect (self->recorder, "discarded", G_CALLBACK (recorder_discarded_cb), self);

  /* which handoff the audio is for, so a recording interrupted by a crash can be offered again */
  if (!el_record_write_sidecar (directory, self->recording_id, handoff_id, &error))
    {
      g_debug ("record view: sidecar not written: %s #%d", g_quark_to_string (error->domain), error->code);
      g_clear_error (&error);
    }
  set_duration (self, 0);
  set_progress_text (self, NULL);
  if (!el_recorder_start (self->recorder, &error))
    {
      g_debug ("record view: recorder did not start: %s #%d", g_quark_to_string (error->domain), error->code);
      el_record_delete_sidecar (directory, self->recording_id);
      fail (self, _ ("The microphone could not be opened. Check that it is connected and choose it in "
                     "Preferences."));
      return;
    }
  set_state (self, EL_RECORD_VIEW_RECORDING);
}

void
el_record_view_stop (ElRecordView *self)
{
  SubmitData *data;

  g_return_if_fail (EL_IS_RECORD_VIEW (self));

  if (self->recorder == NULL ||
      (self->state != EL_RECORD_VIEW_RECORDING && self->state != EL_RECORD_VIEW_PAUSED))
    return;
  set_state (self, EL_RECORD_VIEW_SUBMITTING);
  set_progress_text (self, _ ("Saving the recording…"));
  data = g_new0 (SubmitData, 1);
  data->self = self;
  el_recorder_stop_async (self->recorder, self->cancellable, stopped_cb, data);
}

void
el_record_view_submit_recording (ElRecordView *self,
                                 const char *handoff_id,
                                 const char *recording_id,
                                 const char *path,
                                 gint64 duration_ms)
{
  g_return_if_fail (EL_IS_RECORD_VIEW (self));
  g_return_if_fail (handoff_id != NULL && recording_id != NULL && path != NULL);
  g_return_if_fail (self->state == EL_RECORD_VIEW_IDLE);

  g_free (self->handoff_id);
  self->handoff_id = g_strdup (handoff_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HANDOFF_ID]);
  g_free (self->recording_id);
  self->recording_id = g_strdup (recording_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECORDING_ID]);
  g_free (self->path);
  self->path = g_strdup (path);
  set_duration (self, duration_ms);
  submit (self);
}

ElRecordViewState
el_record_view_get_state (ElRecordView *self)
{
  g_return_val_if_fail (EL_IS_RECORD_VIEW (self), EL_RECORD_VIEW_IDLE);
  return self->state;
}

const char *
el_record_view_get_handoff_id (ElRecordView *self)
{
  g_return_val_if_fail (EL_IS_RECORD_VIEW (self), NULL);
  return self->handoff_id;
}

const char *
el_record_view_get_recording_id (ElRecordView *self)
{
  g_return_val_if_fail (EL_IS_RECORD_VIEW (self), NULL);
  return self->recording_id;
}

gint64
el_record_view_get_duration_ms (ElRecordView *self)
{
  g_return_val_if_fail (EL_IS_RECORD_VIEW (self), 0);
  return self->duration_ms;
}

const char *
el_record_view_get_progress_text (ElRecordView *self)
{
  g_return_val_if_fail (EL_IS_RECORD_VIEW (self), NULL);
  return self->progress_text;
}

ElRecorder *
el_record_view_get_recorder (ElRecordView *self)
{
  g_return_val_if_fail (EL_IS_RECORD_VIEW (self), NULL);
  return self->recorder;
}
