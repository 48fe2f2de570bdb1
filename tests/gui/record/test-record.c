/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The record view on a real server with speech on (pocketsphinx + rules), a private PulseAudio
 * virtual microphone fed with espeak-ng speech (the recipe of tests/media/test-media-vmic.c), and a
 * recording child killed mid-way for the crash recovery. No skips: without pulseaudio, pactl,
 * paplay, pacat, espeak-ng or sox the test fails and says which is missing. */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "el-gui-test.h"
#include "el-patient-pane.h"
#include "el-record-recover.h"
#include "el-record-view.h"
#include "el-recovery-dialog.h"
#include "el-sealed-audio.h"

/* About 9 s at 175 words a minute; the items the rules extractor knows. */
#define SPEECH_TEXT                                                                                  \
  "Mister Hughes is full code. He is allergic to penicillin. His temperature is thirty eight point " \
  "two and his heart rate is one hundred and six. If his pressure drops below ninety, call the resident."

#define TONE_SOURCE "audiotestsrc is-live=true wave=sine freq=440 volume=0.5"

static const char *const speech_env[] = { "SPEECH_ENGINE", "pocketsphinx", "SBAR_EXTRACTOR", "rules", NULL };

/* ---- the virtual microphone (one private PulseAudio for the whole program) ---- */

typedef struct
{
  char *base;
  char *server; /* "unix:<runtime>/pulse/native" */
  char *wav;    /* the speech, 16 kHz mono */
  double speech_s;
  GSubprocessLauncher *launcher;
  GSubprocess *pulse;
  GSubprocess *zeros;
} VirtualMic;

static VirtualMic vmic;

static void
die_with_parent (gpointer user_data)
{
  (void) user_data;
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
require_tool (const char *name)
{
  g_autofree char *path = g_find_program_in_path (name);

  if (path == NULL)
    g_error ("%s is not installed: the record tests need pulseaudio, pulseaudio-utils (pactl, paplay, "
             "pacat), espeak-ng and sox (see TESTING.md)",
             name);
}

static char *
run (GSubprocessLauncher *launcher, const char *const *argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (proc) || g_subprocess_get_exit_status (proc) != 0)
    g_error ("%s failed: %s", argv[0], err != NULL ? err : "");
  return g_steal_pointer (&out);
}

static gboolean
pactl_ready (GSubprocessLauncher *launcher)
{
  const char *argv[] = { "pactl", "info", NULL };
  g_autoptr (GSubprocess) proc = g_subprocess_launcher_spawnv (launcher, argv, NULL);

  return proc != NULL && g_subprocess_wait (proc, NULL, NULL) && g_subprocess_get_if_exited (proc) &&
         g_subprocess_get_exit_status (proc) == 0;
}

static void
vmic_ensure (void)
{
  g_autofree char *runtime = NULL;
  g_autofree char *home = NULL;
  g_autofree char *raw = NULL;
  g_autoptr (GError) error = NULL;

  if (vmic.pulse != NULL)
    return;
  require_tool ("pulseaudio");
  require_tool ("pactl");
  require_tool ("paplay");
  require_tool ("pacat");
  require_tool ("espeak-ng");
  require_tool ("sox");
  require_tool ("soxi");

  vmic.base = el_test_make_dir ("test-record-vmic-XXXXXX");
  runtime = g_build_filename (vmic.base, "runtime", NULL);
  home = g_build_filename (vmic.base, "home", NULL);
  raw = g_build_filename (vmic.base, "speech.wav", NULL);
  vmic.wav = g_build_filename (vmic.base, "speech16k.wav", NULL);
  g_assert_cmpint (g_mkdir (runtime, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (home, 0700), ==, 0);
  vmic.server = g_strdup_printf ("unix:%s/pulse/native", runtime);
  vmic.launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (vmic.launcher, "XDG_RUNTIME_DIR", runtime, TRUE);
  g_subprocess_launcher_setenv (vmic.launcher, "HOME", home, TRUE);
  g_subprocess_launcher_setenv (vmic.launcher, "PULSE_SERVER", vmic.server, TRUE);

  {
    const char *espeak[] = { "espeak-ng", "-v", "en-us", "-s", "175", "-w", raw, SPEECH_TEXT, NULL };
    const char *sox[] = { "sox", "-R", raw, "-r", "16000", "-c", "1", "-b", "16", vmic.wav, NULL };
    const char *soxi[] = { "soxi", "-D", vmic.wav, NULL };
    g_autofree char *len = NULL;

    g_free (run (vmic.launcher, espeak));
    g_free (run (vmic.launcher, sox));
    len = run (vmic.launcher, soxi);
    vmic.speech_s = g_ascii_strtod (len, NULL);
    g_assert_cmpfloat (vmic.speech_s, >, 5.0);
  }
  {
    const char *argv[] = {
      "pulseaudio",
      "-n",
      "--daemonize=no",
      "--exit-idle-time=-1",
      "--log-level=error",
      "--disable-shm=yes",
      "--load=module-native-protocol-unix",
      "--load=module-null-sink sink_name=speech_sink rate=16000 channels=1",
      "--load=module-remap-source master=speech_sink.monitor source_name=speechmic channels=1",
      NULL
    };
    g_autoptr (GSubprocessLauncher) quiet = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
    gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

    g_subprocess_launcher_setenv (quiet, "XDG_RUNTIME_DIR", runtime, TRUE);
    g_subprocess_launcher_setenv (quiet, "HOME", home, TRUE);
    g_subprocess_launcher_set_child_setup (quiet, die_with_parent, NULL, NULL);
    vmic.pulse = g_subprocess_launcher_spawnv (quiet, argv, &error);
    g_assert_no_error (error);
    while (!pactl_ready (vmic.launcher))
      {
        if (g_get_monotonic_time () > deadline)
          g_error ("the private PulseAudio did not come up within 15 s");
        g_usleep (100000);
      }
  }
  /* a real microphone delivers audio all the time; an idle null sink's monitor does not */
  {
    const char *argv[] = {
      "pacat",        "--playback",     "-d",        "speech_sink", "--raw", "--rate=16000",
      "--channels=1", "--format=s16le", "/dev/zero", NULL
    };

    g_subprocess_launcher_set_child_setup (vmic.launcher, die_with_parent, NULL, NULL);
    vmic.zeros = g_subprocess_launcher_spawnv (vmic.launcher, argv, &error);
    g_assert_no_error (error);
    g_usleep (500000);
  }
}

static char *
vmic_source (void)
{
  return g_strdup_printf ("pulsesrc device=\"speechmic\" server=\"%s\"", vmic.server);
}

static void
paplay_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *done = TRUE;
}

/* Plays the speech into the virtual microphone, iterating the main context until it ended. */
static void
vmic_speak (void)
{
  const char *argv[] = { "paplay", "-d", "speech_sink", vmic.wav, NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) paplay = g_subprocess_launcher_spawnv (vmic.launcher, argv, &error);
  gboolean played = FALSE;

  g_assert_no_error (error);
  g_subprocess_wait_async (paplay, NULL, paplay_done_cb, &played);
  while (!played)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_subprocess_get_if_exited (paplay));
  g_assert_cmpint (g_subprocess_get_exit_status (paplay), ==, 0);
}

static void
vmic_stop (void)
{
  if (vmic.zeros != NULL)
    g_subprocess_force_exit (vmic.zeros);
  if (vmic.pulse != NULL)
    g_subprocess_force_exit (vmic.pulse);
  g_clear_object (&vmic.zeros);
  g_clear_object (&vmic.pulse);
  g_clear_object (&vmic.launcher);
  if (vmic.base != NULL)
    el_test_remove_tree (vmic.base);
  g_free (vmic.base);
  g_free (vmic.server);
  g_free (vmic.wav);
}

/* ---- helpers ---- */

static ElTestServer *
start_speech_server (void)
{
  ElTestServer *server = el_test_server_new ();

  for (guint i = 0; speech_env[i] != NULL; i += 2)
    el_test_server_setenv (server, speech_env[i], speech_env[i + 1]);
  el_test_demo_prepare (server, EL_GUI_TEST_PASSWORD);
  el_test_server_start (server);
  return server;
}

static GSettings *
settings_with_mode (const char *mode)
{
  GSettings *settings = g_settings_new ("ai.eclipselink.Handoff");

  g_settings_set_string (settings, "transcription-mode", mode);
  g_settings_set_string (settings, "microphone", "");
  return settings;
}

/* The first patient of the nurse's unit, and a new draft handoff of this shift for it (the demo's
 * handoffs all have versions, and the server drafts only a first version). */
static char *
first_patient_id (ElContext *ctx, char **new_handoff_id)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) census = NULL;
  g_autoptr (ElHandoff) handoff = el_handoff_new ();
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GDateTime) now_utc = g_date_time_to_utc (now);
  ElUser *user = el_context_get_user (ctx);
  ElStoreCensusEntry *entry;
  GDate date;
  ElShift shift = el_census_shift_at (now, EL_SHIFT_PATTERN_TWELVE_HOUR, &date);

  el_store_census_async (el_context_get_store (ctx), el_user_get_unit_id (user), NULL, el_test_result_cb, &r);
  census = el_store_census_finish (el_context_get_store (ctx), el_test_wait_for (&r), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (census->len, >, 0);
  entry = g_ptr_array_index (census, 0);

  *new_handoff_id = g_uuid_string_random ();
  el_handoff_set_id (handoff, *new_handoff_id);
  el_handoff_set_patient_id (handoff, el_patient_get_id (entry->patient));
  el_handoff_set_unit_id (handoff, el_patient_get_unit_id (entry->patient));
  el_handoff_set_status (handoff, EL_HANDOFF_STATUS_DRAFT);
  el_handoff_set_shift_date (handoff, &date);
  el_handoff_set_shift (handoff, shift);
  el_handoff_set_outgoing_nurse_id (handoff, el_user_get_id (user));
  el_handoff_set_created_by (handoff, el_user_get_id (user));
  el_handoff_set_created_at (handoff, now_utc);
  el_handoff_set_updated_at (handoff, now_utc);
  g_clear_object (&r);
  el_store_create_handoff_async (el_context_get_store (ctx), handoff, NULL, el_test_result_cb, &r);
  g_free (el_store_create_handoff_finish (el_context_get_store (ctx), el_test_wait_for (&r), &error));
  g_assert_no_error (error);
  return g_strdup (el_patient_get_id (entry->patient));
}

static const char *
label_text (GtkWidget *root, const char *name)
{
  GtkWidget *label = el_gui_test_find (root, GTK_TYPE_LABEL, name);

  g_assert_nonnull (label);
  return gtk_label_get_label (GTK_LABEL (label));
}

/* This shift's handoff of the first patient, through the patient pane (as the window's Ctrl+R). */
static char *
current_handoff (ElContext *ctx, char **patient_name)
{
  g_autofree char *fresh_id = NULL;
  g_autofree char *patient_id = first_patient_id (ctx, &fresh_id);
  GtkWidget *pane = el_patient_pane_new (ctx);
  GtkWindow *window = el_gui_test_window_new (pane);
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  char *handoff_id;
  g_autofree char *again = NULL;

  el_patient_pane_set_patient_id (EL_PATIENT_PANE (pane), patient_id);
  EL_GUI_WAIT_FOR (strlen (label_text (pane, "patient-name")) > 0);
  if (patient_name != NULL)
    *patient_name = g_strdup (label_text (pane, "patient-name"));
  el_patient_pane_ensure_current_handoff_async (EL_PATIENT_PANE (pane), NULL, el_test_result_cb, &r);
  handoff_id =
      el_patient_pane_ensure_current_handoff_finish (EL_PATIENT_PANE (pane), el_test_wait_for (&r), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (handoff_id, ==, fresh_id); /* this shift's newest one, still a draft */
  /* asked again: the same handoff, not a second one */
  g_clear_object (&r);
  el_patient_pane_ensure_current_handoff_async (EL_PATIENT_PANE (pane), NULL, el_test_result_cb, &r);
  again =
      el_patient_pane_ensure_current_handoff_finish (EL_PATIENT_PANE (pane), el_test_wait_for (&r), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, handoff_id);
  g_clear_object (&r); /* the task holds the pane */
  el_gui_test_destroy (window, G_OBJECT (pane));
  return handoff_id;
}

static GPtrArray *
store_ops (ElContext *ctx)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *ops;

  el_store_list_ops_async (el_context_get_store (ctx), EL_STORE_OP_FILTER_ALL, NULL, el_test_result_cb, &r);
  ops = el_store_list_ops_finish (el_context_get_store (ctx), el_test_wait_for (&r), &error);
  g_assert_no_error (error);
  return ops;
}

static guint
count_upload_ops (ElContext *ctx, const char *recording_id)
{
  g_autoptr (GPtrArray) ops = store_ops (ctx);
  guint n = 0;

  for (guint i = 0; i < ops->len; i++)
    {
      ElStoreOp *op = g_ptr_array_index (ops, i);
      g_autofree char *payload = NULL;

      if (g_strcmp0 (op->kind, EL_STORE_OP_RECORDING_UPLOAD) != 0)
        continue;
      payload = g_strndup (g_bytes_get_data (op->payload, NULL), g_bytes_get_size (op->payload));
      if (recording_id == NULL || strstr (payload, recording_id) != NULL)
        n++;
    }
  return n;
}

static gboolean
store_has_recording (ElContext *ctx, const char *handoff_id, const char *recording_id)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) recordings = NULL;

  el_store_list_recordings_async (el_context_get_store (ctx), handoff_id, NULL, el_test_result_cb, &r);
  recordings = el_store_list_recordings_finish (el_context_get_store (ctx), el_test_wait_for (&r), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < recordings->len; i++)
    if (g_strcmp0 (el_recording_get_id (g_ptr_array_index (recordings, i)), recording_id) == 0)
      return TRUE;
  return FALSE;
}

static ElStoreSbar *
latest_sbar (ElContext *ctx, const char *handoff_id)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  ElStoreSbar *sbar;

  el_store_get_sbar_async (el_context_get_store (ctx), handoff_id, 0, NULL, el_test_result_cb, &r);
  sbar = el_store_get_sbar_finish (el_context_get_store (ctx), el_test_wait_for (&r), &error);
  g_assert_no_error (error);
  return sbar;
}

/* What was said clearly came back: at least two of five items (recognition is not perfect). */
static guint
fields_found (ElSbarVersion *version)
{
  ElSbarFields *fields = el_sbar_version_get_fields (version);
  ElSbarVitals *vitals = el_sbar_fields_get_vitals (fields);
  guint found = 0;

  found += el_sbar_fields_get_code_status (fields) != NULL;
  found += el_sbar_fields_get_allergies (fields) != NULL;
  found += vitals != NULL && vitals->temperature_c != NULL;
  found += vitals != NULL && vitals->heart_rate != NULL;
  found += el_sbar_fields_get_contingencies (fields) != NULL;
  return found;
}

static guint
count_files (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

typedef struct
{
  GPtrArray *progress; /* every progress text, in order */
  char *draft_ready;   /* the handoff id of "draft-ready" */
  guint closed;
  double max_level;
} Seen;

static void
progress_cb (ElRecordView *view, GParamSpec *pspec, Seen *seen)
{
  const char *text = el_record_view_get_progress_text (view);

  (void) pspec;
  if (text != NULL)
    g_ptr_array_add (seen->progress, g_strdup (text));
}

static void
draft_ready_cb (ElRecordView *view, const char *handoff_id, Seen *seen)
{
  (void) view;
  g_free (seen->draft_ready);
  seen->draft_ready = g_strdup (handoff_id);
}

static void
closed_cb (ElRecordView *view, Seen *seen)
{
  (void) view;
  seen->closed++;
}

static void
level_cb (GtkLevelBar *bar, GParamSpec *pspec, Seen *seen)
{
  (void) pspec;
  seen->max_level = MAX (seen->max_level, gtk_level_bar_get_value (bar));
}

static void
seen_watch (Seen *seen, GtkWidget *view)
{
  seen->progress = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (view, "notify::progress-text", G_CALLBACK (progress_cb), seen);
  g_signal_connect (view, "draft-ready", G_CALLBACK (draft_ready_cb), seen);
  g_signal_connect (view, "closed", G_CALLBACK (closed_cb), seen);
  g_signal_connect (el_gui_test_find (view, GTK_TYPE_LEVEL_BAR, "record-level"), "notify::value",
                    G_CALLBACK (level_cb), seen);
}

static void
seen_clear (Seen *seen)
{
  g_clear_pointer (&seen->progress, g_ptr_array_unref);
  g_clear_pointer (&seen->draft_ready, g_free);
}

static gboolean
seen_has (Seen *seen, const char *text)
{
  for (guint i = 0; i < seen->progress->len; i++)
    if (g_strcmp0 (g_ptr_array_index (seen->progress, i), text) == 0)
      return TRUE;
  return FALSE;
}

typedef struct
{
  ElRecordView *view;
  ElRecordViewState state;
} StateWait;

static gboolean
state_reached (gpointer data)
{
  StateWait *w = data;
  ElRecordViewState state = el_record_view_get_state (w->view);

  return state == w->state || state == EL_RECORD_VIEW_FAILED;
}

static void
wait_state (GtkWidget *view, ElRecordViewState state, guint timeout_ms)
{
  StateWait w = { EL_RECORD_VIEW (view), state };

  if (!el_gui_test_wait (state_reached, &w, timeout_ms))
    g_error ("the record view stayed in state %d (progress: %s), waiting for %d",
             el_record_view_get_state (w.view), el_record_view_get_progress_text (w.view), state);
  if (el_record_view_get_state (w.view) != state)
    g_error ("the record view failed: %s", el_record_view_get_progress_text (w.view));
}

static void
spin_until_duration (GtkWidget *view, gint64 ms)
{
  EL_GUI_WAIT_FOR (el_record_view_get_duration_ms (EL_RECORD_VIEW (view)) >= ms);
}

/* ---- tests ---- */

static AdwMessageDialog *find_dialog (const char *name);
static void click_response (AdwMessageDialog *dialog, const char *label);

/* A spoken handoff through the virtual microphone → Stop → uploaded, transcribed and extracted on
 * the server → "draft-ready" and an "ai" version with the items that were said. */
static void
test_record_server_draft (void)
{
  g_autoptr (ElTestServer) server = start_speech_server ();
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (server, EL_TEST_DEMO_NURSE_A, &data_dir);
  g_autoptr (GSettings) settings = settings_with_mode ("server");
  g_autofree char *handoff_id = current_handoff (ctx, NULL);
  g_autofree char *source = NULL;
  g_autofree char *timer = NULL;
  g_autoptr (ElStoreSbar) sbar = NULL;
  Seen seen = { 0 };
  GtkWidget *view;
  GtkWindow *window;

  vmic_ensure ();
  source = vmic_source ();
  view = el_record_view_new (ctx, settings);
  window = el_gui_test_window_new (view);
  seen_watch (&seen, view);
  g_assert_cmpint (el_record_view_get_state (EL_RECORD_VIEW (view)), ==, EL_RECORD_VIEW_IDLE);
  el_record_view_set_source (EL_RECORD_VIEW (view), source);
  el_record_view_start (EL_RECORD_VIEW (view), handoff_id);
  g_assert_cmpint (el_record_view_get_state (EL_RECORD_VIEW (view)), ==, EL_RECORD_VIEW_RECORDING);
  g_assert_cmpstr (el_record_view_get_handoff_id (EL_RECORD_VIEW (view)), ==, handoff_id);
  g_assert_true (g_uuid_string_is_valid (el_record_view_get_recording_id (EL_RECORD_VIEW (view))));
  g_assert_cmpstr (label_text (view, "record-state"), ==, "Recording");
  el_gui_test_spin (1500);
  vmic_speak ();
  el_gui_test_spin (2500);

  /* the timer shows mm:ss of what was recorded; the meter moved with the voice */
  timer = g_strdup (label_text (view, "record-timer"));
  g_assert_cmpuint (strlen (timer), ==, 5);
  g_assert_cmpint (timer[2], ==, ':');
  g_assert_cmpint (el_record_view_get_duration_ms (EL_RECORD_VIEW (view)), >=,
                   (gint64) (vmic.speech_s * 1000));
  g_assert_cmpfloat (seen.max_level, >, 0.3);
  el_gui_test_shot (GTK_WIDGET (window), "record-recording");
  el_gui_test_assert_accessible (GTK_WIDGET (window));

  el_gui_test_click (el_gui_test_find (view, GTK_TYPE_BUTTON, "record-stop"));
  wait_state (view, EL_RECORD_VIEW_DONE, 120000);
  g_assert_true (seen_has (&seen, "Uploading…"));
  g_assert_false (seen_has (&seen, "Drafting on this PC…"));
  g_assert_cmpstr (seen.draft_ready, ==, handoff_id);
  g_assert_cmpstr (label_text (view, "record-progress"), ==, "The report draft is ready.");
  g_test_message ("progress seen: %u texts", seen.progress->len);

  sbar = latest_sbar (ctx, handoff_id);
  g_assert_false (sbar->pending);
  g_assert_cmpint (el_sbar_version_get_source (sbar->version), ==, EL_SBAR_SOURCE_AI);
  g_assert_cmpuint (fields_found (sbar->version), >=, 2);
  g_assert_true (
      store_has_recording (ctx, handoff_id, el_record_view_get_recording_id (EL_RECORD_VIEW (view))));

  /* the recording also teaches this PC her voice (learn-voice is on by default): what was heard is
   * kept, sealed, until enough is gathered for a profile */
  {
    g_autofree char *heard =
        g_strdup_printf ("%s.learn%c%s.heard", el_context_get_voice_profile_dir (ctx), G_DIR_SEPARATOR,
                         el_record_view_get_recording_id (EL_RECORD_VIEW (view)));

    EL_GUI_WAIT_FOR (g_file_test (heard, G_FILE_TEST_IS_REGULAR));
    g_assert_false (el_context_has_voice_profile (ctx));
  }
  el_gui_test_shot (GTK_WIDGET (window), "record-done");
  el_gui_test_assert_accessible (GTK_WIDGET (window));

  el_gui_test_destroy (window, G_OBJECT (view));
  seen_clear (&seen);
  el_gui_test_close_context (ctx, data_dir);
}

/* Pause: the time paused is neither counted nor in the sealed file. */
static void
test_pause_excludes_audio (void)
{
  g_autoptr (ElTestServer) server = el_gui_test_start_demo ();
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (server, EL_TEST_DEMO_NURSE_A, &data_dir);
  g_autoptr (GSettings) settings = settings_with_mode ("server");
  g_autofree char *handoff_id = current_handoff (ctx, NULL);
  g_autofree char *path = NULL;
  g_autoptr (ElSealedAudio) audio = NULL;
  g_autoptr (GError) error = NULL;
  GtkWidget *view = el_record_view_new (ctx, settings);
  GtkWindow *window = el_gui_test_window_new (view);
  gint64 at_pause, after_pause, t_resume, t_stop, final;

  el_record_view_set_source (EL_RECORD_VIEW (view), TONE_SOURCE);
  el_record_view_start (EL_RECORD_VIEW (view), handoff_id);
  spin_until_duration (view, 1500);

  el_gui_test_click (el_gui_test_find (view, GTK_TYPE_BUTTON, "record-pause"));
  g_assert_cmpint (el_record_view_get_state (EL_RECORD_VIEW (view)), ==, EL_RECORD_VIEW_PAUSED);
  g_assert_cmpstr (
      gtk_button_get_label (GTK_BUTTON (el_gui_test_find (view, GTK_TYPE_BUTTON, "record-pause"))), ==,
      "_Resume");
  g_assert_cmpstr (label_text (view, "record-state"), ==, "Paused — nothing is recorded");
  el_gui_test_spin (300); /* what was on its way when Pause was pressed */
  at_pause = el_record_view_get_duration_ms (EL_RECORD_VIEW (view));
  el_gui_test_spin (2000);
  after_pause = el_record_view_get_duration_ms (EL_RECORD_VIEW (view));
  g_assert_cmpint (after_pause - at_pause, <=, 100);
  el_gui_test_assert_accessible (GTK_WIDGET (window));

  el_gui_test_click (el_gui_test_find (view, GTK_TYPE_BUTTON, "record-pause"));
  g_assert_cmpint (el_record_view_get_state (EL_RECORD_VIEW (view)), ==, EL_RECORD_VIEW_RECORDING);
  t_resume = g_get_monotonic_time ();
  el_gui_test_spin (2000);
  t_stop = g_get_monotonic_time ();
  el_record_view_stop (EL_RECORD_VIEW (view));
  EL_GUI_WAIT_FOR (el_record_view_get_state (EL_RECORD_VIEW (view)) >= EL_RECORD_VIEW_WAITING);
  g_assert_cmpint (el_record_view_get_state (EL_RECORD_VIEW (view)), !=, EL_RECORD_VIEW_FAILED);

  /* recorded: before the pause + after it, not the 2 s in between */
  final = el_record_view_get_duration_ms (EL_RECORD_VIEW (view));
  g_test_message ("at pause %" G_GINT64_FORMAT " ms, final %" G_GINT64_FORMAT
                  " ms, resumed for %" G_GINT64_FORMAT " ms",
                  at_pause, final, (t_stop - t_resume) / 1000);
  g_assert_cmpint (ABS (final - (at_pause + (t_stop - t_resume) / 1000)), <=, 300);

  path = el_sealed_audio_path_for (el_context_get_recordings_dir (ctx),
                                   el_record_view_get_recording_id (EL_RECORD_VIEW (view)));
  audio = el_sealed_audio_open (el_context_get_audio_vault (ctx), path,
                                el_record_view_get_recording_id (EL_RECORD_VIEW (view)), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (el_sealed_audio_is_complete (audio));
  g_assert_cmpint (ABS ((gint64) el_sealed_audio_get_duration_ms (audio) - final), <=, 300);
  /* the upload is queued (or already sent) */
  g_assert_cmpstr (el_record_view_get_progress_text (EL_RECORD_VIEW (view)), !=, NULL);

  el_gui_test_destroy (window, G_OBJECT (view));
  el_gui_test_close_context (ctx, data_dir);
}

/* The recorder's warnings become visible words (and alerts): a microphone that hears nothing, the
 * maximum length coming. */
static void
test_warnings (void)
{
  g_autoptr (ElTestServer) server = el_gui_test_start_demo ();
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (server, EL_TEST_DEMO_NURSE_A, &data_dir);
  g_autofree char *handoff_id = current_handoff (ctx, NULL);
  GtkWidget *view = el_record_view_new (ctx, NULL);
  GtkWindow *window = el_gui_test_window_new (view);
  GtkWidget *silent = el_gui_test_find (view, GTK_TYPE_BOX, "record-silent-warning");
  GtkWidget *length = el_gui_test_find (view, GTK_TYPE_BOX, "record-length-warning");
  ElRecorder *recorder;
  GtkAccessibleRole role;
  Seen seen = { 0 };

  seen_watch (&seen, view);
  g_object_get (silent, "accessible-role", &role, NULL);
  g_assert_cmpint (role, ==, GTK_ACCESSIBLE_ROLE_ALERT);
  g_object_get (length, "accessible-role", &role, NULL);
  g_assert_cmpint (role, ==, GTK_ACCESSIBLE_ROLE_ALERT);
  el_record_view_set_source (EL_RECORD_VIEW (view), "audiotestsrc is-live=true wave=silence");
  el_record_view_start (EL_RECORD_VIEW (view), handoff_id);
  recorder = el_record_view_get_recorder (EL_RECORD_VIEW (view));
  el_recorder_set_silence (recorder, -60.0, 1000);
  el_recorder_set_warn_duration_ms (recorder, 1500);
  g_assert_false (gtk_widget_get_visible (silent));
  g_assert_false (gtk_widget_get_visible (length));
  EL_GUI_WAIT_FOR (gtk_widget_get_visible (silent));
  g_assert_cmpstr (label_text (view, "record-silent-label"), ==,
                   "The microphone hears nothing. Check that it is connected and not muted.");
  EL_GUI_WAIT_FOR (gtk_widget_get_visible (length));
  g_assert_cmpstr (label_text (view, "record-length-label"), ==, "Recording stops by itself in 15 minutes.");
  el_gui_test_assert_accessible (GTK_WIDGET (window));

  /* dropped: nothing queued */
  el_gui_test_click (el_gui_test_find (view, GTK_TYPE_BUTTON, "record-discard"));
  EL_GUI_WAIT_FOR (find_dialog ("record-discard-dialog") != NULL);
  click_response (find_dialog ("record-discard-dialog"), "_Discard");
  EL_GUI_WAIT_FOR (seen.closed == 1);
  g_assert_false (gtk_widget_get_visible (silent));

  el_gui_test_destroy (window, G_OBJECT (view));
  seen_clear (&seen);
  el_gui_test_close_context (ctx, data_dir);
}

static AdwMessageDialog *
find_dialog (const char *name)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && g_strcmp0 (gtk_widget_get_name (w), name) == 0 &&
          gtk_widget_get_visible (w))
        return ADW_MESSAGE_DIALOG (w);
    }
  return NULL;
}

/* Clicks a dialog's response button, as the nurse does (the dialog closes, then responds). */
static void
click_response (AdwMessageDialog *dialog, const char *label)
{
  g_autoptr (GPtrArray) buttons = el_gui_test_find_all (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, NULL);

  for (guint i = 0; i < buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (buttons, i);

      if (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (button)), label) == 0)
        {
          g_assert_true (gtk_widget_get_sensitive (button));
          el_gui_test_click (button);
          return;
        }
    }
  g_error ("no response button %s", label);
}

/* Discard (confirmed): nothing is left on disk, nothing queued. Cancel first: still recording. */
static void
test_discard (void)
{
  g_autoptr (ElTestServer) server = el_gui_test_start_demo ();
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (server, EL_TEST_DEMO_NURSE_A, &data_dir);
  g_autoptr (GSettings) settings = settings_with_mode ("automatic");
  g_autofree char *handoff_id = current_handoff (ctx, NULL);
  const char *dir = el_context_get_recordings_dir (ctx);
  GtkWidget *view = el_record_view_new (ctx, settings);
  GtkWindow *window = el_gui_test_window_new (view);
  AdwMessageDialog *dialog;
  Seen seen = { 0 };

  seen_watch (&seen, view);
  el_record_view_set_source (EL_RECORD_VIEW (view), TONE_SOURCE);
  el_record_view_start (EL_RECORD_VIEW (view), handoff_id);
  spin_until_duration (view, 1500);
  g_assert_cmpuint (count_files (dir), ==, 2); /* the sealed recording and its handoff sidecar */

  el_gui_test_click (el_gui_test_find (view, GTK_TYPE_BUTTON, "record-discard"));
  EL_GUI_WAIT_FOR ((dialog = find_dialog ("record-discard-dialog")) != NULL);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Discard this recording?");
  el_gui_test_assert_accessible (GTK_WIDGET (dialog));
  click_response (dialog, "_Keep Recording");
  EL_GUI_WAIT_FOR (find_dialog ("record-discard-dialog") == NULL);
  g_assert_cmpint (el_record_view_get_state (EL_RECORD_VIEW (view)), ==, EL_RECORD_VIEW_RECORDING);

  el_gui_test_click (el_gui_test_find (view, GTK_TYPE_BUTTON, "record-discard"));
  EL_GUI_WAIT_FOR ((dialog = find_dialog ("record-discard-dialog")) != NULL);
  click_response (dialog, "_Discard");
  EL_GUI_WAIT_FOR (seen.closed == 1);
  g_assert_cmpint (el_record_view_get_state (EL_RECORD_VIEW (view)), ==, EL_RECORD_VIEW_IDLE);
  g_assert_cmpuint (count_files (dir), ==, 0);
  g_assert_cmpuint (count_upload_ops (ctx, NULL), ==, 0);
  g_assert_null (seen.draft_ready);

  el_gui_test_destroy (window, G_OBJECT (view));
  seen_clear (&seen);
  el_gui_test_close_context (ctx, data_dir);
}

typedef struct
{
  GtkWindow *window;
  GtkWidget *view;
  ElContext *ctx;
} UseData;

static void
use_recording_cb (ElRecoveryDialog *dialog, ElRecoveredRecording *rec, UseData *use)
{
  (void) dialog;
  /* what the window does: the record view hands it over like after Stop */
  use->view = el_record_view_new (use->ctx, NULL);
  gtk_window_set_child (use->window, use->view);
  el_record_view_submit_recording (EL_RECORD_VIEW (use->view), rec->handoff_id, rec->recording_id, rec->path,
                                   rec->duration_ms);
}

static void
recover (ElContext *ctx, GPtrArray **found)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;

  el_record_recover_async (ctx, NULL, el_test_result_cb, &r);
  *found = el_record_recover_finish (el_test_wait_for (&r), &error);
  g_assert_no_error (error);
}

/* A recording process killed mid-way → the next start finds it (interrupted → recovered), the dialog
 * offers it with its length and patient, "use" hands it over; a junk file is deleted, a tampered one
 * kept and reported. */
static void
test_kill_and_recover (void)
{
  g_autoptr (ElTestServer) server = start_speech_server ();
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (server, EL_TEST_DEMO_NURSE_A, &data_dir);
  g_autofree char *patient_name = NULL;
  g_autofree char *handoff_id = current_handoff (ctx, &patient_name);
  const char *dir = el_context_get_recordings_dir (ctx);
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr (GSubprocess) child = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (GPtrArray) again = NULL;
  g_autofree char *line = NULL;
  g_autofree char *junk = NULL;
  g_autofree char *junk_id = g_uuid_string_random ();
  g_autoptr (ElSealedAudio) audio = NULL;
  ElRecoveredRecording *rec;
  const char *recording_id;
  AdwMessageDialog *dialog;
  GtkWindow *window;
  UseData use = { 0 };
  const char *body;

  /* the "app" records in a process of its own, on the same account, and is killed */
  {
    const char *argv[] = { EL_RECORD_KILL_HELPER,
                           el_context_get_server_url (ctx),
                           data_dir,
                           el_context_get_account (ctx),
                           handoff_id,
                           NULL };

    g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
    child = g_subprocess_launcher_spawnv (launcher, argv, &error);
    g_assert_no_error (error);
    out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
    line = g_data_input_stream_read_line (out, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (line);
    g_assert_true (g_str_has_prefix (line, "recording "));
    recording_id = line + strlen ("recording ");
    g_assert_true (g_uuid_string_is_valid (recording_id));
    g_usleep (500000);
    g_subprocess_send_signal (child, SIGKILL);
    g_assert_true (g_subprocess_wait (child, NULL, NULL));
    g_assert_false (g_subprocess_get_if_exited (child));
  }
  /* a file cut inside its header: deleted by the recovery */
  junk = el_sealed_audio_path_for (dir, junk_id);
  g_assert_true (g_file_set_contents (junk, "ELREC", 5, NULL));

  recover (ctx, &found);
  g_assert_cmpuint (found->len, ==, 1);
  rec = g_ptr_array_index (found, 0);
  g_assert_cmpstr (rec->recording_id, ==, recording_id);
  g_assert_cmpstr (rec->handoff_id, ==, handoff_id);
  g_assert_cmpint (rec->state, ==, EL_RECOVERED_INTERRUPTED);
  g_assert_cmpint (rec->duration_ms, >=, 2000);
  g_assert_false (g_file_test (junk, G_FILE_TEST_EXISTS));
  audio = el_sealed_audio_open (el_context_get_audio_vault (ctx), rec->path, rec->recording_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (el_sealed_audio_is_complete (audio)); /* recovered: it has its ending now */

  /* the dialog offers it: length and patient */
  window = el_gui_test_window_new (gtk_label_new (""));
  use.window = window;
  use.ctx = ctx;
  dialog = ADW_MESSAGE_DIALOG (el_recovery_dialog_new (window, ctx, rec));
  g_signal_connect (dialog, "use-recording", G_CALLBACK (use_recording_cb), &use);
  gtk_window_present (GTK_WINDOW (dialog));
  EL_GUI_WAIT_FOR (strstr (adw_message_dialog_get_body (dialog), patient_name) != NULL);
  body = adw_message_dialog_get_body (dialog);
  {
    g_autofree char *length = g_strdup_printf ("(%d:%02d, ", (int) (rec->duration_ms / 1000) / 60,
                                               (int) (rec->duration_ms / 1000) % 60);

    g_assert_true (g_str_has_prefix (body, "A recording was interrupted "));
    g_assert_nonnull (strstr (body, length));
  }
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Recording Interrupted");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "use"));
  el_gui_test_assert_accessible (GTK_WIDGET (dialog));

  click_response (dialog, "_Use It to Draft the Report");
  g_assert_nonnull (use.view);
  g_assert_cmpstr (el_record_view_get_recording_id (EL_RECORD_VIEW (use.view)), ==, recording_id);
  EL_GUI_WAIT_FOR (el_record_view_get_state (EL_RECORD_VIEW (use.view)) >= EL_RECORD_VIEW_WAITING);
  g_assert_cmpint (el_record_view_get_state (EL_RECORD_VIEW (use.view)), !=, EL_RECORD_VIEW_FAILED);
  /* handed over: queued in the outbox, or already on the server (the view asks for syncs) */
  EL_GUI_WAIT_FOR (count_upload_ops (ctx, recording_id) == 1 ||
                   store_has_recording (ctx, handoff_id, recording_id));
  /* the next start does not offer it again */
  recover (ctx, &again);
  g_assert_cmpuint (again->len, ==, 0);
  /* and it reaches the server */
  EL_GUI_WAIT_FOR (store_has_recording (ctx, handoff_id, recording_id));
  el_gui_test_assert_accessible (GTK_WIDGET (window));

  el_gui_test_destroy (window, G_OBJECT (use.view));
  el_gui_test_close_context (ctx, data_dir);
}

static void
discarded_cb (ElRecoveryDialog *dialog, ElRecoveredRecording *rec, gboolean *discarded)
{
  (void) dialog;
  (void) rec;
  *discarded = TRUE;
}

/* Recovery dialog: Discard asks first; confirmed, the file and its sidecar are gone. A tampered file
 * is kept and only reported. */
static void
test_recovery_discard_and_tampered (void)
{
  g_autoptr (ElTestServer) server = el_gui_test_start_demo ();
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (server, EL_TEST_DEMO_NURSE_A, &data_dir);
  g_autofree char *handoff_id = current_handoff (ctx, NULL);
  const char *dir = el_context_get_recordings_dir (ctx);
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (GPtrArray) after = NULL;
  g_autofree char *tampered_path = NULL;
  g_autofree char *tampered_id = NULL;
  ElRecoveredRecording *interrupted = NULL;
  ElRecoveredRecording *tampered = NULL;
  AdwMessageDialog *dialog;
  AdwMessageDialog *confirm;
  GtkWindow *window;
  GtkWidget *label = gtk_label_new ("");
  gboolean discarded = FALSE;

  /* two recordings dropped while recording (as when the app is closed mid-way); one then damaged */
  for (guint i = 0; i < 2; i++)
    {
      GtkWidget *view = el_record_view_new (ctx, NULL);
      GtkWindow *w = el_gui_test_window_new (view);

      el_record_view_set_source (EL_RECORD_VIEW (view), TONE_SOURCE);
      el_record_view_start (EL_RECORD_VIEW (view), handoff_id);
      spin_until_duration (view, 2000);
      el_gui_test_spin (900);
      if (i == 1)
        tampered_id = g_strdup (el_record_view_get_recording_id (EL_RECORD_VIEW (view)));
      el_gui_test_destroy (w, G_OBJECT (view)); /* nothing in the view stops the recording: dropped */
    }
  tampered_path = el_sealed_audio_path_for (dir, tampered_id);
  {
    g_autofree char *contents = NULL;
    gsize len = 0;

    g_assert_true (g_file_get_contents (tampered_path, &contents, &len, NULL));
    g_assert_cmpuint (len, >, 200);
    contents[100] ^= 0x5a; /* inside the first chunk's sealed value */
    g_assert_true (
        g_file_set_contents_full (tampered_path, contents, len, G_FILE_SET_CONTENTS_NONE, 0600, NULL));
  }

  recover (ctx, &found);
  g_assert_cmpuint (found->len, ==, 2);
  for (guint i = 0; i < found->len; i++)
    {
      ElRecoveredRecording *rec = g_ptr_array_index (found, i);

      if (g_strcmp0 (rec->recording_id, tampered_id) == 0)
        tampered = rec;
      else
        interrupted = rec;
    }
  g_assert_nonnull (tampered);
  g_assert_nonnull (interrupted);
  g_assert_cmpint (tampered->state, ==, EL_RECOVERED_TAMPERED);
  g_assert_cmpint (interrupted->state, ==, EL_RECOVERED_INTERRUPTED);
  g_assert_cmpstr (interrupted->handoff_id, ==, handoff_id);

  window = el_gui_test_window_new (label);

  /* tampered: reported, neither usable nor discardable here */
  dialog = ADW_MESSAGE_DIALOG (el_recovery_dialog_new (window, ctx, tampered));
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Recording Damaged");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "use"));
  el_gui_test_assert_accessible (GTK_WIDGET (dialog));
  click_response (dialog, "_Close");
  g_assert_true (g_file_test (tampered_path, G_FILE_TEST_EXISTS));

  /* discard: asked first; cancel brings the offer back; confirmed, gone */
  dialog = ADW_MESSAGE_DIALOG (el_recovery_dialog_new (window, ctx, interrupted));
  g_signal_connect (dialog, "discarded", G_CALLBACK (discarded_cb), &discarded);
  gtk_window_present (GTK_WINDOW (dialog));
  click_response (dialog, "_Discard…");
  EL_GUI_WAIT_FOR ((confirm = find_dialog ("recovery-discard-dialog")) != NULL);
  g_assert_cmpstr (adw_message_dialog_get_heading (confirm), ==, "Discard this recording?");
  el_gui_test_assert_accessible (GTK_WIDGET (confirm));
  click_response (confirm, "_Cancel");
  EL_GUI_WAIT_FOR (find_dialog ("recovery-discard-dialog") == NULL);
  g_assert_true (g_file_test (interrupted->path, G_FILE_TEST_EXISTS));
  EL_GUI_WAIT_FOR (find_dialog ("recovery-dialog") != NULL);
  dialog = find_dialog ("recovery-dialog");
  click_response (dialog, "_Discard…");
  EL_GUI_WAIT_FOR ((confirm = find_dialog ("recovery-discard-dialog")) != NULL);
  click_response (confirm, "_Discard");
  EL_GUI_WAIT_FOR (!g_file_test (interrupted->path, G_FILE_TEST_EXISTS));
  EL_GUI_WAIT_FOR (find_dialog ("recovery-dialog") == NULL);
  g_assert_true (discarded);

  /* what is left: only the tampered file (and its sidecar), still reported */
  recover (ctx, &after);
  g_assert_cmpuint (after->len, ==, 1);
  g_assert_cmpint (((ElRecoveredRecording *) g_ptr_array_index (after, 0))->state, ==, EL_RECOVERED_TAMPERED);
  g_assert_cmpuint (count_files (dir), ==, 2);

  el_gui_test_destroy (window, G_OBJECT (label));
  el_gui_test_close_context (ctx, data_dir);
}

/* Offline, transcription automatic: the draft is made on this PC ("on-device"); when the server
 * comes back on the same port and database, the version and the recording reach it. */
static void
test_offline_on_device (void)
{
  g_autoptr (ElTestServer) server = start_speech_server ();
  g_autoptr (ElTestServer) server_again = NULL;
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (server, EL_TEST_DEMO_NURSE_A, &data_dir);
  g_autoptr (GSettings) settings = settings_with_mode ("automatic");
  g_autofree char *handoff_id = current_handoff (ctx, NULL);
  g_autofree char *source = NULL;
  g_autofree char *recording_id = NULL;
  g_autofree char *learn_dir = g_strconcat (el_context_get_voice_profile_dir (ctx), ".learn", NULL);
  g_autoptr (ElStoreSbar) sbar = NULL;
  g_autoptr (ElStoreSbar) synced = NULL;
  g_autoptr (GAsyncResult) r = NULL;
  guint port = el_test_server_get_port (server);
  Seen seen = { 0 };
  GtkWidget *view;
  GtkWindow *window;

  vmic_ensure ();
  source = vmic_source ();
  g_settings_set_boolean (settings, "learn-voice", FALSE);
  el_gui_test_sync (ctx); /* the new handoff reaches the server */

  /* the server goes away; a sync finds out */
  g_assert_cmpint (el_test_server_stop (server), ==, 0);
  el_sync_run_async (el_context_get_sync (ctx), EL_SYNC_RUN_NONE, NULL, el_test_result_cb, &r);
  g_assert_false (el_sync_run_finish (el_context_get_sync (ctx), el_test_wait_for (&r), NULL, NULL));
  g_assert_cmpint (el_sync_get_state (el_context_get_sync (ctx)), ==, EL_SYNC_STATE_OFFLINE);

  view = el_record_view_new (ctx, settings);
  window = el_gui_test_window_new (view);
  seen_watch (&seen, view);
  el_record_view_set_source (EL_RECORD_VIEW (view), source);
  el_record_view_start (EL_RECORD_VIEW (view), handoff_id);
  recording_id = g_strdup (el_record_view_get_recording_id (EL_RECORD_VIEW (view)));
  el_gui_test_spin (1500);
  vmic_speak ();
  el_gui_test_spin (2000);
  el_gui_test_click (el_gui_test_find (view, GTK_TYPE_BUTTON, "record-stop"));
  wait_state (view, EL_RECORD_VIEW_DONE, 120000);
  g_assert_true (seen_has (&seen, "Drafting on this PC…"));
  g_assert_false (seen_has (&seen, "Uploading…"));
  g_assert_cmpstr (seen.draft_ready, ==, handoff_id);
  el_gui_test_assert_accessible (GTK_WIDGET (window));

  sbar = latest_sbar (ctx, handoff_id);
  g_assert_true (sbar->pending);
  g_assert_cmpint (el_sbar_version_get_source (sbar->version), ==, EL_SBAR_SOURCE_ON_DEVICE);
  g_assert_cmpuint (fields_found (sbar->version), >=, 2);
  g_assert_cmpuint (count_upload_ops (ctx, recording_id), ==, 1);
  /* learn-voice off: nothing heard is kept */
  el_gui_test_spin (2000);
  g_assert_false (g_file_test (learn_dir, G_FILE_TEST_EXISTS));

  /* the server comes back: the version and the audio reach it, and come back through the feed */
  server_again = el_test_demo_start_again (server, port, speech_env);
  el_gui_test_sync (ctx);
  EL_GUI_WAIT_FOR (store_has_recording (ctx, handoff_id, recording_id) ||
                   (el_gui_test_sync (ctx), store_has_recording (ctx, handoff_id, recording_id)));
  g_assert_cmpuint (count_upload_ops (ctx, NULL), ==, 0);
  synced = latest_sbar (ctx, handoff_id);
  g_assert_false (synced->pending);
  g_assert_cmpint (el_sbar_version_get_version (synced->version), ==, 1);
  g_assert_cmpint (el_sbar_version_get_source (synced->version), ==, EL_SBAR_SOURCE_ON_DEVICE);

  el_gui_test_destroy (window, G_OBJECT (view));
  seen_clear (&seen);
  el_gui_test_close_context (ctx, data_dir);
}

int
main (int argc, char **argv)
{
  int status;

  el_gui_test_init (&argc, &argv);
  g_test_add_func ("/el/gui/record/server-draft", test_record_server_draft);
  g_test_add_func ("/el/gui/record/pause", test_pause_excludes_audio);
  g_test_add_func ("/el/gui/record/discard", test_discard);
  g_test_add_func ("/el/gui/record/warnings", test_warnings);
  g_test_add_func ("/el/gui/record/kill-recover", test_kill_and_recover);
  g_test_add_func ("/el/gui/record/recovery-discard-tampered", test_recovery_discard_and_tampered);
  g_test_add_func ("/el/gui/record/offline-on-device", test_offline_on_device);
  status = g_test_run ();
  vmic_stop ();
  return status;
}
