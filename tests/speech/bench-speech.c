/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Offline transcription: real-time factor on a ~2-minute handoff (goal <= 0.1 on 2 cores) and word
 * error rate on the disjoint test set (goal <= 20 %), for the project's nursing-handoff model and,
 * measured in the same run as the baseline, Debian's stock en-us model (en-us.lm.bin + cmudict).
 * Speech is made at run time by espeak-ng + sox from tests/data/speech (texts not in the corpus).
 * Figures and MET / NOT MET are printed; it never fails on them.
 *   meson test -C BUILD --benchmark --print-errorlogs -v bench-speech
 * EL_BENCH_ROUNDS (default 1): RTF rounds per model (the median is reported). */
#include "config.h"

#include <gst/gst.h>
#include <stdio.h>

#include "el-pocketsphinx-transcriber.h"
#include "el-speech-model.h"
#include "el-test-util.h"
#include "speech-test-util.h"

#define STOCK_DIR "/usr/share/pocketsphinx/model/en-us"

typedef struct
{
  const char *name;
  ElTranscriber *engine;
  double rtf;
  guint errors, words;
} Model;

static void
measure (Model *m, GBytes *long_wav, GPtrArray *texts, GPtrArray *wavs, guint rounds)
{
  g_autoptr (GArray) rtfs = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GBytes) warm = speech_test_sine_wav (16000, 1, 500);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElTranscript) warm_t = NULL;

  /* Load the models before timing. */
  warm_t = el_transcriber_transcribe_sync (m->engine, warm, "audio/wav", NULL, &error);
  g_assert_no_error (error);
  for (guint r = 0; r < rounds; r++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr (ElTranscript) t =
          el_transcriber_transcribe_sync (m->engine, long_wav, "audio/wav", NULL, &error);
      double wall = (g_get_monotonic_time () - start) / 1e6;
      double rtf;

      g_assert_no_error (error);
      rtf = wall / (el_transcript_get_audio_ms (t) / 1000.0);
      g_array_append_val (rtfs, rtf);
      printf ("  %-9s round %u: %.1f s of audio in %.2f s, RTF %.3f\n", m->name, r + 1,
              el_transcript_get_audio_ms (t) / 1000.0, wall, rtf);
    }
  m->rtf = el_test_median (rtfs);
  for (guint i = 0; i < wavs->len; i++)
    {
      g_autoptr (ElTranscript) t =
          el_transcriber_transcribe_sync (m->engine, wavs->pdata[i], "audio/wav", NULL, &error);
      g_autoptr (GPtrArray) ref = NULL;
      g_autoptr (GPtrArray) hyp = NULL;
      guint e;

      g_assert_no_error (error);
      ref = speech_test_words (texts->pdata[i]);
      hyp = speech_test_words (el_transcript_get_text (t));
      e = speech_test_word_errors (ref, hyp);
      printf ("  %-9s handoff %u: WER %.1f %% (%u / %u)\n", m->name, i + 1, 100.0 * e / ref->len, e,
              ref->len);
      m->errors += e;
      m->words += ref->len;
    }
}

int
main (int argc, char **argv)
{
  g_autofree char *tmpdir = el_test_make_dir ("bench-speech-XXXXXX");
  g_autoptr (GPtrArray) paths = speech_test_text_paths ();
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) wavs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GPtrArray) first = g_ptr_array_new ();
  g_autoptr (GBytes) long_wav = NULL;
  guint rounds = el_test_env_uint ("EL_BENCH_ROUNDS", 1);
  gsize long_size = 0;
  Model models[2] = { { "project", NULL, 0, 0, 0 }, { "stock", NULL, 0, 0, 0 } };
  double long_s;

  gst_init (&argc, &argv);
  for (guint i = 0; i < paths->len; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *name = g_strdup_printf ("handoff-%u", i);
      char *text = speech_test_read_text (paths->pdata[i]);
      GBytes *wav = speech_test_synthesise (text, tmpdir, name, &error);

      if (wav == NULL)
        {
          printf ("bench-speech: skipped: %s\n", error->message);
          g_free (text);
          el_test_remove_tree (tmpdir);
          return 77;
        }
      g_ptr_array_add (texts, text);
      g_ptr_array_add (wavs, wav);
    }
  /* ~2 minutes: the first handoffs one after another. */
  for (guint i = 0; i < wavs->len && long_size < 2 * 60 * 32000; i++)
    {
      g_ptr_array_add (first, wavs->pdata[i]);
      long_size += g_bytes_get_size (wavs->pdata[i]);
    }
  long_wav = speech_test_concat_wav (first);
  long_s = (g_bytes_get_size (long_wav) - 44) / 32000.0;
  printf ("bench-speech: %.1f s handoff (%u texts) for the RTF, %u texts for the WER, %u processors\n",
          long_s, first->len, wavs->len, g_get_num_processors ());

  models[0].engine = el_pocketsphinx_transcriber_new ();
  models[1].engine = el_pocketsphinx_transcriber_new_with_models (NULL, STOCK_DIR "/en-us.lm.bin",
                                                                  STOCK_DIR "/cmudict-en-us.dict");
  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    measure (&models[m], long_wav, texts, wavs, rounds);

  printf ("\n%-10s %10s %10s\n", "model", "RTF", "WER");
  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    printf ("%-10s %10.3f %9.1f %%\n", models[m].name, models[m].rtf,
            100.0 * models[m].errors / MAX (models[m].words, 1));
  printf ("goal: real-time factor <= 0.1 on 2 cores (project model): %.3f, %s (stock baseline %.3f)\n",
          models[0].rtf, models[0].rtf <= 0.1 ? "MET" : "NOT MET", models[1].rtf);
  printf ("goal: WER <= 20 %% on the disjoint set (project model): %.1f %%, %s (stock baseline %.1f %%)\n",
          100.0 * models[0].errors / models[0].words,
          (double) models[0].errors / models[0].words <= 0.2 ? "MET" : "NOT MET",
          100.0 * models[1].errors / models[1].words);

  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    g_object_unref (models[m].engine);
  el_test_remove_tree (tmpdir);
  return 0;
}
