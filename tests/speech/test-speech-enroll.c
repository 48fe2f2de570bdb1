/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Voice profiles (el-voice-profile.h): enrollment transcripts, a profile built with sphinxtrain from
 * four tuning-set handoffs spoken by espeak-ng, which then recognises a test handoff (never in the
 * corpus, never enrolled) with fewer errors than the stock acoustic model; and every way enrollment
 * can be refused. */
#include "config.h"

#include <glib/gstdio.h>
#include <gst/gst.h>

#include "el-pocketsphinx-transcriber.h"
#include "el-speech-model.h"
#include "el-test-util.h"
#include "el-transcriber.h"
#include "el-voice-profile.h"
#include "speech-test-util.h"

#define N_ENROLL 4

static char *tmpdir;

static GHashTable *
word_set (const char *const *words)
{
  GHashTable *set = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; words[i] != NULL; i++)
    g_hash_table_add (set, (gpointer) words[i]);
  return set;
}

static void
test_transcript (void)
{
  static const char *const known[] = { "i_c_u", "c_o_p_d", "a_c", "d_n_r", "d_n_i", NULL };
  g_autoptr (GHashTable) words = word_set (known);
  static const struct
  {
    const char *text;
    const char *expected;
  } cases[] = {
    /* letter runs become the dictionary's tokens; punctuation is a pause; none at the end */
    { "Situation, Missus Nguyen came up from the I C U.",
      "situation <sil> missus nguyen came up from the i_c_u" },
    /* "a c o p d": the article, then the abbreviation (fewest pieces, "a" alone is cheap) */
    { "He is a C O P D patient!", "he is a c_o_p_d patient" },
    /* two abbreviations in a row; letters that make none stay letters */
    { "She is D N R D N I; P T tomorrow?", "she is d_n_r d_n_i <sil> p t tomorrow" },
    { "O'Neil's   sats:  ninety-one", "o'neil's sats <sil> ninety one" },
    { "...", "" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = el_voice_profile_transcript (cases[i].text, words);

      g_assert_cmpstr (got, ==, cases[i].expected);
    }
}

/* espeak-ng's reading of @text, as a WAV file in memory */
static GBytes *
spoken (const char *text, const char *name)
{
  g_autoptr (GError) error = NULL;
  GBytes *wav = speech_test_synthesise (text, tmpdir, name, &error);

  if (wav == NULL)
    g_error ("espeak-ng and sox are needed to make the test speech: %s", error->message);
  return wav;
}

static double
wer (ElTranscriber *engine, GBytes *audio, const char *reference)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElTranscript) transcript = NULL;
  g_autoptr (GPtrArray) ref = speech_test_words (reference);
  g_autoptr (GPtrArray) hyp = NULL;

  transcript = el_transcriber_transcribe_sync (engine, audio, "audio/wav", NULL, &error);
  g_assert_no_error (error);
  hyp = speech_test_words (el_transcript_get_text (transcript));
  return (double) speech_test_word_errors (ref, hyp) / MAX (ref->len, 1);
}

static gboolean
files_equal (const char *a, const char *b)
{
  g_autofree char *x = NULL, *y = NULL;
  gsize nx = 0, ny = 0;

  g_assert_true (g_file_get_contents (a, &x, &nx, NULL));
  g_assert_true (g_file_get_contents (b, &y, &ny, NULL));
  return nx == ny && memcmp (x, y, nx) == 0;
}

static void
build_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_profile (void)
{
  g_autoptr (GPtrArray) dev = speech_test_text_paths_in ("speech-dev", "dev-");
  g_autoptr (GPtrArray) test = speech_test_text_paths ();
  g_autoptr (GPtrArray) recordings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *profile = g_build_filename (tmpdir, "profiles", "nurse", NULL);
  g_autofree char *acoustic = el_speech_acoustic_model_dir ();
  g_autofree char *dictionary = el_speech_dictionary_path ();
  g_autofree char *held_out_text = NULL;
  g_autoptr (GBytes) held_out = NULL;
  g_autoptr (ElTranscriber) stock = NULL;
  g_autoptr (ElTranscriber) adapted = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  double stock_wer, adapted_wer;

  g_assert_cmpuint (dev->len, >=, N_ENROLL);
  for (guint i = 0; i < N_ENROLL; i++)
    {
      g_autofree char *name = g_strdup_printf ("enroll-%u", i);
      char *text = speech_test_read_text (dev->pdata[i]);

      g_ptr_array_add (recordings, spoken (text, name));
      g_ptr_array_add (texts, text);
    }
  g_ptr_array_add (texts, NULL);

  /* async, as the app calls it */
  el_voice_profile_build_async (acoustic, dictionary, recordings, (const char *const *) texts->pdata, profile,
                                NULL, build_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (el_voice_profile_build_finish (result, &error));
  g_assert_no_error (error);
  g_assert_true (el_voice_profile_is_present (profile));

  /* a complete model: the base's files, adapted Gaussians, provenance */
  {
    static const char *const same[] = { "feat.params", "mdef", "noisedict", "sendump",
                                        "transition_matrices" };
    g_autofree char *info = g_build_filename (profile, EL_VOICE_PROFILE_INFO_NAME, NULL);
    g_autofree char *means = g_build_filename (profile, "means", NULL);
    g_autofree char *base_means = g_build_filename (acoustic, "means", NULL);
    JsonObject *obj;

    for (guint i = 0; i < G_N_ELEMENTS (same); i++)
      {
        g_autofree char *a = g_build_filename (profile, same[i], NULL);
        g_autofree char *b = g_build_filename (acoustic, same[i], NULL);

        g_assert_true (files_equal (a, b));
      }
    g_assert_false (files_equal (means, base_means));
    g_assert_true (json_parser_load_from_file (parser, info, &error));
    g_assert_no_error (error);
    obj = json_node_get_object (json_parser_get_root (parser));
    g_assert_cmpint (json_object_get_int_member (obj, "recordings"), ==, N_ENROLL);
    g_assert_cmpint (json_object_get_int_member (obj, "audio_ms"), >, 60 * 1000);
  }
  /* nothing left beside it */
  {
    g_autofree char *parent = g_path_get_dirname (profile);
    GDir *dir = g_dir_open (parent, 0, NULL);
    guint n = 0;

    g_assert_nonnull (dir);
    while (g_dir_read_name (dir) != NULL)
      n++;
    g_dir_close (dir);
    g_assert_cmpuint (n, ==, 1);
  }

  /* a test handoff, never enrolled: fewer errors with the profile */
  held_out_text = speech_test_read_text (test->pdata[0]);
  held_out = spoken (held_out_text, "held-out");
  stock = el_pocketsphinx_transcriber_new ();
  adapted = g_object_new (EL_TYPE_POCKETSPHINX_TRANSCRIBER, "acoustic-model", profile, NULL);
  stock_wer = wer (stock, held_out, held_out_text);
  adapted_wer = wer (adapted, held_out, held_out_text);
  g_test_message (
      "held-out handoff: WER %.1f %% with the stock acoustic model, %.1f %% with the voice profile",
      100 * stock_wer, 100 * adapted_wer);
  g_assert_cmpfloat (adapted_wer, <, stock_wer);

  /* built again over itself: replaced whole */
  g_assert_true (el_voice_profile_build (acoustic, dictionary, recordings, (const char *const *) texts->pdata,
                                         profile, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (el_voice_profile_is_present (profile));
}

static void
assert_refused (GBytes *const *audio,
                const char *const *texts,
                GQuark domain,
                int code,
                const char *fragment,
                GCancellable *cancellable)
{
  g_autofree char *acoustic = el_speech_acoustic_model_dir ();
  g_autofree char *dictionary = el_speech_dictionary_path ();
  g_autofree char *profile = g_build_filename (tmpdir, "refused", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) recordings = g_ptr_array_new ();

  for (guint i = 0; audio[i] != NULL; i++)
    g_ptr_array_add (recordings, audio[i]);
  g_assert_false (
      el_voice_profile_build (acoustic, dictionary, recordings, texts, profile, cancellable, &error));
  g_assert_error (error, domain, code);
  if (fragment != NULL)
    g_assert_nonnull (strstr (error->message, fragment));
  /* nothing written */
  g_assert_false (g_file_test (profile, G_FILE_TEST_EXISTS));
  {
    GDir *dir = g_dir_open (tmpdir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (dir)) != NULL)
      g_assert_false (g_str_has_prefix (name, ".refused"));
    g_dir_close (dir);
  }
}

static void
test_refused (void)
{
  g_autofree char *text = g_strdup ("She is sating ninety one percent on two liters, full code.");
  g_autoptr (GBytes) wav = spoken (text, "short");
  g_autoptr (GBytes) garbage = g_bytes_new_static ("RIFF\x10\0\0\0WAVEnonsense", 20);
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr (GBytes) tone = speech_test_sine_wav (16000, 1, 500);
  g_autoptr (GCancellable) cancelled = g_cancellable_new ();
  GBytes *one_wav[] = { wav, NULL };
  const char *one_text[] = { text, NULL };
  GBytes *no_audio[] = { NULL };
  const char *no_text[] = { NULL };

  /* nothing to learn from, or texts that do not pair up */
  assert_refused (no_audio, no_text, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_ENGINE, "one text for each",
                  NULL);
  assert_refused (one_wav, (const char *[]){ text, text, NULL }, EL_TRANSCRIBER_ERROR,
                  EL_TRANSCRIBER_ERROR_ENGINE, "one text for each", NULL);
  /* a word no dictionary can say */
  assert_refused (one_wav, (const char *[]){ "She is on zzyzxqium tonight.", NULL }, EL_TRANSCRIBER_ERROR,
                  EL_TRANSCRIBER_ERROR_ENGINE, "zzyzxqium", NULL);
  assert_refused (one_wav, (const char *[]){ "  ...  ", NULL }, EL_TRANSCRIBER_ERROR,
                  EL_TRANSCRIBER_ERROR_ENGINE, "no words", NULL);
  /* audio that is not audio, or too little of it */
  assert_refused ((GBytes *[]){ garbage, NULL }, one_text, EL_TRANSCRIBER_ERROR,
                  EL_TRANSCRIBER_ERROR_UNSUPPORTED_AUDIO, NULL, NULL);
  assert_refused ((GBytes *[]){ empty, NULL }, one_text, EL_TRANSCRIBER_ERROR,
                  EL_TRANSCRIBER_ERROR_UNSUPPORTED_AUDIO, NULL, NULL);
  assert_refused ((GBytes *[]){ tone, NULL }, one_text, EL_TRANSCRIBER_ERROR,
                  EL_TRANSCRIBER_ERROR_UNSUPPORTED_AUDIO, "too short", NULL);
  /* cancelled */
  g_cancellable_cancel (cancelled);
  assert_refused (one_wav, one_text, G_IO_ERROR, G_IO_ERROR_CANCELLED, NULL, cancelled);
  /* without sphinxtrain: what to install */
  g_setenv ("EL_SPHINXTRAIN_DIR", "/nonexistent", TRUE);
  assert_refused (one_wav, one_text, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_ENGINE, "sphinxtrain", NULL);
  g_unsetenv ("EL_SPHINXTRAIN_DIR");
  /* a base model that is not a tied one */
  {
    g_autofree char *dictionary = el_speech_dictionary_path ();
    g_autofree char *profile = g_build_filename (tmpdir, "refused", NULL);
    g_autoptr (GPtrArray) recordings = g_ptr_array_new ();
    g_autoptr (GError) error = NULL;

    g_ptr_array_add (recordings, wav);
    g_assert_false (el_voice_profile_build (tmpdir, dictionary, recordings, one_text, profile, NULL, &error));
    g_assert_error (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_ENGINE);
  }
  g_assert_false (el_voice_profile_is_present (tmpdir));
  g_assert_false (el_voice_profile_is_present (NULL));
}

int
main (int argc, char **argv)
{
  int status;

  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("el-test-enroll-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);

  g_test_add_func ("/el/speech/enroll/transcript", test_transcript);
  g_test_add_func ("/el/speech/enroll/refused", test_refused);
  g_test_add_func ("/el/speech/enroll/profile", test_profile);

  status = g_test_run ();
  el_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return status;
}
