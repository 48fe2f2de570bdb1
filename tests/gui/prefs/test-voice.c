/* SPDX-License-Identifier: GPL-3.0-or-later */
/* "Train Speech Recognition" (ElVoiceDialog) on a real server and a signed-in ElContext: the nurse
 * reads two texts into a private PulseAudio virtual microphone (espeak-ng speech played with
 * paplay, prefs-test-pulse.h), a reading that is too short is refused, the profile is built with
 * sphinxtrain and the context's on-device drafter switches to it; the readings are deleted; and a
 * dialog closed half-way leaves nothing behind. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "el-drafter.h"
#include "el-gui-test.h"
#include "el-voice-dialog.h"
#include "el-voice-profile.h"
#include "prefs-test-pulse.h"

static const char *const texts[] = {
  "Next is Mister Hughes in bed four. He is sixty seven and he is a full code. His heart rate is "
  "eighty eight and his pressure is one hundred forty over ninety.",
  "Her temperature was thirty eight point one this afternoon. She is allergic to penicillin and she "
  "is on two liters nasal cannula, sating ninety four percent.",
  NULL,
};

static char *server_address;
static char *speech_dir;
static char *wavs[2];
static GSubprocess *zeros;

static GSubprocessLauncher *
pulse_launcher (void)
{
  GSubprocessLauncher *launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);

  g_subprocess_launcher_setenv (launcher, "PULSE_SERVER", server_address, TRUE);
  return launcher;
}

static void
run_ok (const char *const *argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocessLauncher) launcher = pulse_launcher ();
  g_autoptr (GSubprocess) proc = g_subprocess_launcher_spawnv (launcher, argv, &error);

  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (proc, NULL, &error));
  g_assert_no_error (error);
}

/* The texts spoken by espeak-ng; a stream of silence into the sink, as a real microphone always
 * delivers audio (an idle null sink's monitor does not). */
static void
speech_setup (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocessLauncher) launcher = pulse_launcher ();
  const char *argv[] = {
    "pacat",        "--playback",     "-d",        "speech_sink", "--raw", "--rate=16000",
    "--channels=1", "--format=s16le", "/dev/zero", NULL
  };

  speech_dir = el_test_make_dir ("test-voice-XXXXXX");
  for (guint i = 0; i < G_N_ELEMENTS (wavs); i++)
    {
      g_autofree char *raw = g_strdup_printf ("%s/raw%u.wav", speech_dir, i);
      const char *espeak[] = { "espeak-ng", "-v", "en-us", "-s", "150", "-w", raw, texts[i], NULL };

      wavs[i] = g_strdup_printf ("%s/speech%u.wav", speech_dir, i);
      {
        const char *sox[] = { "sox", "-R", raw, "-r", "16000", "-c", "1", "-b", "16", wavs[i], NULL };

        run_ok (espeak);
        run_ok (sox);
      }
    }
  zeros = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_usleep (300000);
}

static void
paplay_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *done = TRUE;
}

/* Plays text @i into the virtual microphone, the main loop running meanwhile. */
static void
speak (guint i)
{
  const char *argv[] = { "paplay", "-d", "speech_sink", wavs[i], NULL };
  g_autoptr (GSubprocessLauncher) launcher = pulse_launcher ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) paplay = g_subprocess_launcher_spawnv (launcher, argv, &error);
  gboolean played = FALSE;

  g_assert_no_error (error);
  g_subprocess_wait_async (paplay, NULL, paplay_done_cb, &played);
  while (!played)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_subprocess_get_if_exited (paplay));
  g_assert_cmpint (g_subprocess_get_exit_status (paplay), ==, 0);
}

static ElVoiceDialog *
new_dialog (ElContext *ctx)
{
  g_autofree char *source =
      g_strdup_printf ("pulsesrc device=\"%s\" server=\"%s\"", PREFS_TEST_MIC_NAME, server_address);
  ElVoiceDialog *dialog =
      g_object_new (EL_TYPE_VOICE_DIALOG, "context", ctx, "source", source, "texts", texts, NULL);

  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

static GtkWidget *
find (ElVoiceDialog *dialog, const char *name)
{
  GtkWidget *widget = el_gui_test_find (GTK_WIDGET (dialog), G_TYPE_NONE, name);

  g_assert_nonnull (widget);
  return widget;
}

static const char *
button_label (ElVoiceDialog *dialog, const char *name)
{
  return gtk_button_get_label (GTK_BUTTON (find (dialog, name)));
}

static const char *
visible_page (ElVoiceDialog *dialog)
{
  return gtk_stack_get_visible_child_name (
      GTK_STACK (el_gui_test_find (GTK_WIDGET (dialog), GTK_TYPE_STACK, NULL)));
}

static guint
files_in (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  if (d == NULL)
    return 0;
  while (g_dir_read_name (d) != NULL)
    n++;
  g_dir_close (d);
  return n;
}

/* Record, speak text @i, Stop: the reading is kept (Next becomes sensitive). */
static void
read_text (ElVoiceDialog *dialog, guint i)
{
  el_gui_test_click (find (dialog, "voice-record"));
  g_assert_cmpstr (button_label (dialog, "voice-record"), ==, "_Stop");
  g_assert_false (gtk_widget_get_sensitive (find (dialog, "voice-next")));
  speak (i);
  el_gui_test_spin (300);
  el_gui_test_click (find (dialog, "voice-record"));
  EL_GUI_WAIT_FOR (gtk_widget_get_sensitive (find (dialog, "voice-next")));
  g_assert_cmpstr (button_label (dialog, "voice-record"), ==, "_Record Again");
}

static void
enrolled_cb (ElVoiceDialog *dialog, gboolean *enrolled)
{
  *enrolled = TRUE;
}

static gboolean
page_is_result (gpointer data)
{
  return g_strcmp0 (visible_page (data), "result") == 0;
}

static void
test_enroll (void)
{
  g_autoptr (ElTestServer) server = el_gui_test_start_demo ();
  g_autofree char *data_dir = NULL;
  ElContext *ctx = el_gui_test_sign_in (server, "nurse.a@demo.eclipselink.ai", &data_dir);
  g_autofree char *readings = NULL;
  ElVoiceDialog *dialog;
  gboolean enrolled = FALSE;
  g_autofree char *text = NULL;

  g_assert_false (el_context_has_voice_profile (ctx));
  g_assert_true (el_context_ensure_drafter (ctx, NULL));
  readings = g_strconcat (el_context_get_voice_profile_dir (ctx), ".readings", NULL);

  dialog = new_dialog (ctx);
  g_signal_connect (dialog, "enrolled", G_CALLBACK (enrolled_cb), &enrolled);
  g_assert_cmpstr (visible_page (dialog), ==, "intro");
  text = el_gui_test_collect_text (GTK_WIDGET (dialog));
  g_assert_nonnull (strstr (text, "Read 2 short handoffs aloud"));
  g_assert_null (strstr (text, "replaces"));
  el_gui_test_assert_accessible (GTK_WIDGET (dialog));

  el_gui_test_click (find (dialog, "voice-start"));
  g_assert_cmpstr (visible_page (dialog), ==, "read");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (find (dialog, "voice-progress"))), ==, "Text 1 of 2");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (find (dialog, "voice-script"))), ==, texts[0]);
  g_assert_false (gtk_widget_get_sensitive (find (dialog, "voice-next")));
  el_gui_test_assert_accessible (GTK_WIDGET (dialog));

  /* too short: refused, nothing kept */
  el_gui_test_click (find (dialog, "voice-record"));
  el_gui_test_spin (500);
  el_gui_test_click (find (dialog, "voice-record"));
  EL_GUI_WAIT_FOR (g_strcmp0 (button_label (dialog, "voice-record"), "_Record") == 0);
  g_assert_false (gtk_widget_get_sensitive (find (dialog, "voice-next")));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (find (dialog, "voice-hint"))), "too short"));
  g_assert_cmpuint (files_in (readings), ==, 0);

  read_text (dialog, 0);
  g_assert_cmpuint (files_in (readings), ==, 1);
  g_assert_cmpstr (button_label (dialog, "voice-next"), ==, "_Next");
  el_gui_test_click (find (dialog, "voice-next"));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (find (dialog, "voice-progress"))), ==, "Text 2 of 2");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (find (dialog, "voice-script"))), ==, texts[1]);
  read_text (dialog, 1);
  g_assert_cmpuint (files_in (readings), ==, 2);
  g_assert_cmpstr (button_label (dialog, "voice-next"), ==, "_Build Profile");
  el_gui_test_click (find (dialog, "voice-next"));
  g_assert_true (el_gui_test_wait (page_is_result, dialog, 120000));

  /* built: the drafter uses it, the readings are gone */
  g_assert_true (enrolled);
  text = (g_free (text), el_gui_test_collect_text (GTK_WIDGET (dialog)));
  g_assert_nonnull (strstr (text, "Your Voice Profile Is Ready"));
  g_assert_true (el_context_has_voice_profile (ctx));
  g_assert_true (el_voice_profile_is_present (el_context_get_voice_profile_dir (ctx)));
  g_assert_cmpuint (files_in (readings), ==, 0);
  {
    g_autofree char *model = NULL;

    g_assert_nonnull (el_context_get_drafter (ctx));
    g_object_get (el_drafter_get_transcriber (el_context_get_drafter (ctx)), "acoustic-model", &model, NULL);
    g_assert_cmpstr (model, ==, el_context_get_voice_profile_dir (ctx));
  }
  el_gui_test_click (find (dialog, "voice-close"));
  el_gui_test_spin (100);

  /* again, closed half-way: what was read is deleted, the profile stays as it was */
  dialog = new_dialog (ctx);
  text = (g_free (text), el_gui_test_collect_text (GTK_WIDGET (dialog)));
  g_assert_nonnull (strstr (text, "replaces"));
  el_gui_test_click (find (dialog, "voice-start"));
  read_text (dialog, 0);
  g_assert_cmpuint (files_in (readings), ==, 1);
  gtk_window_destroy (GTK_WINDOW (dialog));
  el_gui_test_spin (100);
  g_assert_cmpuint (files_in (readings), ==, 0);
  g_assert_true (el_context_has_voice_profile (ctx));

  el_gui_test_close_context (ctx, data_dir);
  g_object_unref (ctx);
}

int
main (int argc, char **argv)
{
  PrefsTestPulse *pulse;
  int ret;

  /* before GTK and GStreamer start threads */
  pulse = prefs_test_pulse_start (&server_address);
  g_setenv ("PULSE_SERVER", server_address, TRUE);
  speech_setup ();

  el_gui_test_init (&argc, &argv);
  g_test_add_func ("/el/gui/voice/enroll", test_enroll);
  ret = g_test_run ();

  if (zeros != NULL)
    g_subprocess_force_exit (zeros);
  g_clear_object (&zeros);
  prefs_test_pulse_stop (pulse);
  el_test_remove_tree (speech_dir);
  return ret;
}
