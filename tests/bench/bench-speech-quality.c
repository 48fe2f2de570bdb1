/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Issue 5's quality and end-to-end figures for the offline pipeline, on the handoffs of
 * tests/data/speech (never in the language-model corpus) spoken by espeak-ng (and flite, festival):
 *   - WER of pocketsphinx with the project's model (goal <= 20 %);
 *   - critical-field recall (goal >= 90 %) and precision (>= 98 %) of the rules extractor on what
 *     was recognised, against tests/data/quality/handoff-NN.json, and on the typed text for
 *     reference; ungrounded values (goal 0);
 *   - stop -> SBAR draft on the PC for a ~2-minute handoff (sealed Ogg/Opus recording -> decrypt ->
 *     transcribe -> extract; goal <= 15 s), with pocketsphinx_continuous (Debian's command-line
 *     recogniser, same models, same audio) timed in the same run as the baseline;
 *   - the stock model's figures again with the same handoffs in five voices built from recordings of
 *     people (flite's CMU ARCTIC voices, festival's HTS voice): espeak-ng's formant synthesis is
 *     far from the speech the model was trained on, these are much nearer (still synthetic);
 *     and a site profile learned without supervision from two of those voices (about ten minutes, as
 *     the server adapts to its site), measured on the three it never heard;
 *   - all of it twice: with Debian's stock acoustic model, and with a voice profile (el-voice-profile.h)
 *     enrolled on the app's enrollment texts, el_speech_enrollment_texts() (the tuning handoffs of
 *     tests/data/speech-dev: disjoint from the test set and the corpus) read by the same espeak-ng
 *     voice, as a nurse enrolls her own voice once. The stock figures are what an unenrolled
 *     speaker gets;
 *   - a third time with a profile adapted without reading anything: the same recordings, each
 *     with what the stock model recognised in it as its text (unsupervised adaptation, as the app
 *     learns a nurse's voice from her handoffs, el_context_learn_voice_async());
 *   - and a fourth time with such a profile learned from another voice (espeak-ng's en-us+f3, a
 *     higher, female variant) reading the same texts: what adaptation gives a speaker it never
 *     heard, i.e. how much of the gain is the recording conditions and synthetic speech rather than
 *     the speaker. espeak-ng voices differ far less than people do.
 * Figures are printed with MET / NOT MET; nothing here fails on them. */
#include "config.h"

#include <gst/gst.h>
#include <math.h>
#include <string.h>

#include "el-drafter.h"
#include "el-grounding.h"
#include "el-pocketsphinx-transcriber.h"
#include "el-rules-extractor.h"
#include "el-sealed-audio.h"
#include "el-speech-model.h"
#include "el-test-util.h"
#include "el-vault.h"
#include "el-voice-profile.h"
#include "speech-test-util.h"

typedef struct
{
  guint expected;                 /* critical values the text states */
  guint found;                    /* of those, emitted with the right value */
  guint emitted;                  /* critical values emitted */
  guint correct;                  /* of those, right */
  guint right_flagged;            /* right values flagged "recognised with low confidence: please confirm" */
  guint wrong_flagged;            /* wrong values so flagged */
  const ElExtraction *extraction; /* nullable: whose flags count */
} Score;

/* Whether a field under @prefix ("vitals.heart_rate", "allergies") carries a low-confidence flag. */
static gboolean
flagged (const Score *s, const char *prefix)
{
  for (guint i = 0; s->extraction != NULL && i < el_extraction_get_n_flags (s->extraction); i++)
    {
      const ElExtractionFlag *flag = el_extraction_get_flag (s->extraction, i);

      if (flag->kind == EL_EXTRACTION_FLAG_LOW_CONFIDENCE && g_str_has_prefix (flag->field, prefix))
        return TRUE;
    }
  return FALSE;
}

static void
count_emitted (Score *s, const char *prefix, gboolean right)
{
  s->emitted++;
  s->correct += right;
  if (flagged (s, prefix))
    {
      s->right_flagged += right;
      s->wrong_flagged += !right;
    }
}

static double
member_double (JsonObject *obj, const char *member)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NAN;
  return json_object_get_double_member_with_default (json_node_get_object (node), "value", NAN);
}

/* One critical value: @expected (nullable node from the JSON) against what was emitted. */
static void
score_value (Score *s,
             const char *prefix,
             JsonNode *expected,
             gboolean emitted,
             gboolean (*matches) (JsonNode *, gpointer),
             gpointer got)
{
  gboolean right = emitted && expected != NULL && matches (expected, got);

  if (expected != NULL)
    {
      s->expected++;
      if (right)
        s->found++;
    }
  if (emitted)
    count_emitted (s, prefix, right);
}

static gboolean
number_matches (JsonNode *expected, gpointer got)
{
  double value = *(double *) got;

  if (JSON_NODE_HOLDS_ARRAY (expected))
    {
      JsonArray *any = json_node_get_array (expected);

      for (guint i = 0; i < json_array_get_length (any); i++)
        if (fabs (json_array_get_double_element (any, i) - value) < 0.05)
          return TRUE;
      return FALSE;
    }
  return fabs (json_node_get_double (expected) - value) < 0.05;
}

static gboolean
string_matches (JsonNode *expected, gpointer got)
{
  return g_strcmp0 (json_node_get_string (expected), got) == 0;
}

static gboolean
contains_matches (JsonNode *expected, gpointer got)
{
  g_autofree char *a = g_utf8_strdown (got, -1);
  g_autofree char *b = g_utf8_strdown (json_node_get_string (expected), -1);

  return strstr (a, b) != NULL;
}

static gboolean
true_matches (JsonNode *expected, gpointer got)
{
  return json_node_get_boolean (expected);
}

static void
score_fields (Score *s, JsonObject *expected, const ElSbarFields *fields)
{
  g_autoptr (JsonNode) node = el_sbar_fields_to_json (fields);
  JsonObject *f = json_node_get_object (node);
  JsonObject *vitals =
      json_object_has_member (f, "vitals") ? json_object_get_object_member (f, "vitals") : NULL;
  JsonObject *allergies =
      json_object_has_member (f, "allergies") ? json_object_get_object_member (f, "allergies") : NULL;
  static const char *const measures[] = { "temperature_c", "heart_rate", "respiratory_rate", "spo2", "pain" };

  {
    JsonObject *ids = json_object_has_member (f, "patient_identifiers")
                          ? json_object_get_object_member (f, "patient_identifiers")
                          : NULL;
    const char *name = ids != NULL ? json_object_get_string_member_with_default (ids, "name", NULL) : NULL;

    score_value (s, "patient_identifiers", json_object_get_member (expected, "name"), name != NULL,
                 contains_matches, (gpointer) name);
  }
  {
    JsonObject *cs =
        json_object_has_member (f, "code_status") ? json_object_get_object_member (f, "code_status") : NULL;
    const char *value = cs != NULL ? json_object_get_string_member (cs, "value") : NULL;

    score_value (s, "code_status", json_object_get_member (expected, "code_status"), value != NULL,
                 string_matches, (gpointer) value);
  }
  {
    JsonObject *iso =
        json_object_has_member (f, "isolation") ? json_object_get_object_member (f, "isolation") : NULL;
    const char *value = iso != NULL ? json_object_get_string_member (iso, "value") : NULL;

    /* "none" is a statement too, but no text says it: emitted only if a value other than none */
    if (g_strcmp0 (value, "none") == 0)
      value = NULL;
    score_value (s, "isolation", json_object_get_member (expected, "isolation"), value != NULL,
                 string_matches, (gpointer) value);
  }
  {
    gboolean nka = allergies != NULL &&
                   json_object_get_boolean_member_with_default (allergies, "no_known_allergies", FALSE);

    score_value (s, "allergies", json_object_get_member (expected, "no_known_allergies"), nka, true_matches,
                 NULL);
  }
  {
    JsonArray *items = allergies != NULL && json_object_has_member (allergies, "items")
                           ? json_object_get_array_member (allergies, "items")
                           : NULL;
    JsonNode *want = json_object_get_member (expected, "allergies");
    JsonArray *wanted = want != NULL ? json_node_get_array (want) : NULL;
    guint n_items = items != NULL ? json_array_get_length (items) : 0;

    for (guint i = 0; wanted != NULL && i < json_array_get_length (wanted); i++)
      {
        gboolean hit = FALSE;

        for (guint j = 0; j < n_items; j++)
          hit |= contains_matches (json_array_get_element (wanted, i),
                                   (gpointer) json_object_get_string_member (
                                       json_array_get_object_element (items, j), "substance"));
        s->expected++;
        s->found += hit;
      }
    for (guint j = 0; j < n_items; j++)
      {
        gboolean hit = FALSE;

        for (guint i = 0; wanted != NULL && i < json_array_get_length (wanted); i++)
          hit |= contains_matches (json_array_get_element (wanted, i),
                                   (gpointer) json_object_get_string_member (
                                       json_array_get_object_element (items, j), "substance"));
        count_emitted (s, "allergies", hit);
      }
  }
  for (guint i = 0; i < G_N_ELEMENTS (measures); i++)
    {
      double value = member_double (vitals, measures[i]);
      g_autofree char *prefix = g_strconcat ("vitals.", measures[i], NULL);

      score_value (s, prefix, json_object_get_member (expected, measures[i]), !isnan (value), number_matches,
                   &value);
    }
  {
    JsonObject *bp = vitals != NULL && json_object_has_member (vitals, "blood_pressure")
                         ? json_object_get_object_member (vitals, "blood_pressure")
                         : NULL;
    g_autofree char *text = bp != NULL ? g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                                                          json_object_get_int_member (bp, "systolic"),
                                                          json_object_get_int_member (bp, "diastolic"))
                                       : NULL;

    score_value (s, "vitals.blood_pressure", json_object_get_member (expected, "blood_pressure"),
                 text != NULL, string_matches, text);
  }
  {
    guint want = (guint) json_object_get_int_member_with_default (expected, "contingencies", 0);
    guint got = json_object_has_member (f, "contingencies")
                    ? json_array_get_length (json_object_get_array_member (f, "contingencies"))
                    : 0;

    s->expected += want;
    s->found += MIN (want, got);
    for (guint i = 0; i < got; i++)
      count_emitted (s, "contingencies", i < want);
  }
}

static JsonObject *
load_expected (const char *text_path, JsonParser *parser)
{
  g_autofree char *base = g_path_get_basename (text_path);
  g_autofree char *name = g_strndup (base, strlen (base) - strlen (".txt"));
  g_autofree char *file = g_strdup_printf ("%s.json", name);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "quality", file, NULL);
  g_autoptr (GError) error = NULL;

  if (!json_parser_load_from_file (parser, path, &error))
    g_error ("%s: %s", path, error->message);
  return json_node_get_object (json_parser_get_root (parser));
}

static double
seconds (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1e6;
}

static void
print_score (const char *what, const Score *s)
{
  double recall = s->expected > 0 ? 100.0 * s->found / s->expected : 0;
  double precision = s->emitted > 0 ? 100.0 * s->correct / s->emitted : 0;

  g_print (
      "  %-26s recall %5.1f %% (%u/%u, goal >= 90 %%: %s)  precision %5.1f %% (%u/%u, goal >= 98 %%: %s)\n",
      what, recall, s->found, s->expected, recall >= 90 ? "MET" : "NOT MET", precision, s->correct,
      s->emitted, precision >= 98 ? "MET" : "NOT MET");
}

typedef struct
{
  guint errors;
  guint ref_words;
  guint ungrounded;
  Score spoken;
} Quality;

/* The pipeline (@drafter) on every test handoff: WER, critical fields, grounding; one line each, or
 * with @voice one line for all of them. */
static void
measure (ElDrafter *drafter, GPtrArray *paths, GPtrArray *wavs, const char *voice, Quality *q)
{
  Quality before = *q;

  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autofree char *text = speech_test_read_text (path);
      g_autoptr (GError) error = NULL;
      g_autoptr (ElTranscript) transcript = NULL;
      g_autoptr (ElExtraction) extraction = NULL;
      g_autoptr (GPtrArray) ref = speech_test_words (text);
      g_autoptr (GPtrArray) hyp = NULL;
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonObject *expected = load_expected (path, parser);
      Score one = { 0 };
      guint e;

      {
        g_autoptr (GAsyncResult) result = NULL;

        el_drafter_run_async (drafter, wavs->pdata[i], "audio/wav", NULL, el_test_result_cb, &result);
        extraction = el_drafter_run_finish (drafter, el_test_wait_for (&result), &transcript, &error);
      }
      if (extraction == NULL)
        g_error ("pipeline: %s", error->message);
      hyp = speech_test_words (el_transcript_get_text (transcript));
      e = speech_test_word_errors (ref, hyp);
      q->errors += e;
      q->ref_words += ref->len;
      one.extraction = extraction;
      score_fields (&one, expected, el_extraction_get_fields (extraction));
      q->spoken.expected += one.expected;
      q->spoken.found += one.found;
      q->spoken.emitted += one.emitted;
      q->spoken.correct += one.correct;
      q->spoken.right_flagged += one.right_flagged;
      q->spoken.wrong_flagged += one.wrong_flagged;
      if (!el_extraction_check_grounded (extraction, transcript, NULL))
        q->ungrounded++;
      if (voice == NULL)
        g_print ("  %s: WER %5.1f %% (%u/%u words), critical %u/%u found, %u/%u emitted right\n",
                 strrchr (path, '/') + 1, 100.0 * e / ref->len, e, ref->len, one.found, one.expected,
                 one.correct, one.emitted);
    }
  if (voice != NULL)
    g_print ("  %-34s WER %5.1f %% (%u/%u words), critical %u/%u found, %u/%u emitted right, %u ungrounded\n",
             voice, 100.0 * (q->errors - before.errors) / (q->ref_words - before.ref_words),
             q->errors - before.errors, q->ref_words - before.ref_words,
             q->spoken.found - before.spoken.found, q->spoken.expected - before.spoken.expected,
             q->spoken.correct - before.spoken.correct, q->spoken.emitted - before.spoken.emitted,
             q->ungrounded - before.ungrounded);
}

static void
print_quality (const Quality *q)
{
  g_print ("  WER overall %.1f %% (goal <= 20 %%: %s)\n", 100.0 * q->errors / q->ref_words,
           100.0 * q->errors / q->ref_words <= 20 ? "MET" : "NOT MET");
  print_score ("critical fields, spoken", &q->spoken);
  g_print ("  drafts with an ungrounded value: %u (goal 0: %s)\n", q->ungrounded,
           q->ungrounded == 0 ? "MET" : "NOT MET");
  if (q->spoken.emitted > 0)
    g_print (
        "  flagged for the nurse to confirm (low confidence): %u of %u wrong values, %u of %u right ones\n",
        q->spoken.wrong_flagged, q->spoken.emitted - q->spoken.correct, q->spoken.right_flagged,
        q->spoken.correct);
}

static void
quality_add (Quality *sum, const Quality *q)
{
  sum->errors += q->errors;
  sum->ref_words += q->ref_words;
  sum->ungrounded += q->ungrounded;
  sum->spoken.expected += q->spoken.expected;
  sum->spoken.found += q->spoken.found;
  sum->spoken.emitted += q->spoken.emitted;
  sum->spoken.correct += q->spoken.correct;
  sum->spoken.right_flagged += q->spoken.right_flagged;
  sum->spoken.wrong_flagged += q->spoken.wrong_flagged;
}

/* A voice profile enrolled as the app does it: the enrollment texts (el_speech_enrollment_texts(),
 * the tuning handoffs: never in the corpus, never in the test set), read by @voices (comma-separated
 * ENGINE:VOICE; every text in each). With @recogniser: unsupervised, each recording's text is what
 * @recogniser heard in it, not what was read. */
static char *
enroll (const char *tmp, ElTranscriber *recogniser, const char *voices)
{
  g_autoptr (GError) texts_error = NULL;
  g_autoptr (GPtrArray) scripts = el_speech_enrollment_texts (&texts_error);
  g_autoptr (GPtrArray) recordings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) readers = g_strsplit (voices, ",", -1);
  g_autofree char *folder = g_strdelimit (
      g_strdup_printf ("%s-%s", recogniser != NULL ? "unsupervised" : "enrolled", voices), ":,", '-');
  char *profile = g_build_filename (tmp, folder, NULL);
  guint ref_words = 0, errors = 0;
  g_autoptr (GError) error = NULL;
  double speech_s = 0;
  gint64 start;

  if (scripts == NULL)
    g_error ("enrollment texts: %s", texts_error->message);
  for (guint n = 0; n < scripts->len * g_strv_length (readers); n++)
    {
      guint i = n % scripts->len;
      const char *voice = readers[n / scripts->len];
      g_autofree char *name = g_strdelimit (g_strdup_printf ("enroll%u-%s", i, voice), ":", '-');
      char *text = g_strdup (scripts->pdata[i]);
      GBytes *wav = speech_test_synthesise_voice (text, voice, tmp, name, &error);

      if (wav == NULL)
        g_error ("synthesising: %s", error->message);
      speech_s += (g_bytes_get_size (wav) - 44) / 32000.0;
      g_ptr_array_add (recordings, wav);
      if (recogniser != NULL)
        {
          g_autoptr (ElTranscript) heard =
              el_transcriber_transcribe_sync (recogniser, wav, "audio/wav", NULL, &error);
          g_autoptr (GPtrArray) ref = speech_test_words (text);
          g_autoptr (GPtrArray) hyp = NULL;

          if (heard == NULL)
            g_error ("transcribing enrollment recording %u: %s", i, error->message);
          hyp = speech_test_words (el_transcript_get_text (heard));
          errors += speech_test_word_errors (ref, hyp);
          ref_words += ref->len;
          g_free (text);
          text = g_strdup (el_transcript_get_text (heard));
        }
      g_ptr_array_add (texts, text);
    }
  g_ptr_array_add (texts, NULL);
  start = g_get_monotonic_time ();
  if (!el_voice_profile_build_installed (recordings, (const char *const *) texts->pdata, profile, FALSE, NULL,
                                         &error))
    g_error ("enrollment: %s", error->message);
  if (recogniser != NULL)
    g_print ("\nUnsupervised profile: the %u enrollment texts read by %s (%.0f s of speech), each with what "
             "the stock model heard in it as its text (WER %.1f %%: nothing corrected), built in %.1f s\n",
             scripts->len, voices, speech_s, 100.0 * errors / ref_words, seconds (start));
  else
    g_print (
        "\nVoice profile: enrolled on the %u enrollment texts (the tuning handoffs; %.0f s of speech, the "
        "same espeak-ng voice), built in %.1f s\n",
        scripts->len, speech_s, seconds (start));
  return profile;
}

/* Sealed recording -> decrypt -> transcribe -> extract, timed: what the PC does at "stop". */
static double
stop_to_draft (ElDrafter *drafter, ElVault *vault, const char *path, const char *recording_id)
{
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  g_autoptr (ElSealedAudio) sealed = el_sealed_audio_open (vault, path, recording_id, NULL, &error);
  g_autoptr (GBytes) plain = el_sealed_audio_read_all (sealed, NULL, &error);
  g_autoptr (ElExtraction) extraction = NULL;
  g_autoptr (GAsyncResult) result = NULL;

  g_assert_nonnull (plain);
  el_drafter_run_async (drafter, plain, "audio/ogg", NULL, el_test_result_cb, &result);
  extraction = el_drafter_run_finish (drafter, el_test_wait_for (&result), NULL, &error);
  g_assert_nonnull (extraction);
  return seconds (start);
}

int
main (int argc, char **argv)
{
  g_autoptr (GPtrArray) paths = NULL;
  g_autoptr (GPtrArray) wavs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (ElTranscriber) transcriber = NULL;
  g_autoptr (ElTranscriber) adapted_transcriber = NULL;
  g_autoptr (ElSbarExtractor) rules = el_rules_extractor_new ();
  g_autoptr (ElDrafter) drafter = NULL;
  g_autoptr (ElDrafter) adapted_drafter = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *profile = NULL;
  g_autofree char *unsupervised_profile = NULL;
  g_autofree char *other_voice_profile = NULL;
  guint ungrounded_typed = 0;
  Score typed = { 0 };
  Quality stock = { 0 }, people_stock = { 0 }, adapted = { 0 }, unsupervised = { 0 }, other_voice = { 0 };
  Quality site = { 0 };
  static const char *const people[] = { "flite:slt", "flite:awb", "flite:rms", "flite:kal16",
                                        "festival:cmu_us_slt_arctic_hts" };
  Quality people_each[G_N_ELEMENTS (people)] = { { 0 } };
  GPtrArray *people_wavs[G_N_ELEMENTS (people)] = { NULL };
  g_autofree char *site_profile = NULL;

  g_test_init (&argc, &argv, NULL);
  gst_init (NULL, NULL);
  tmp = el_test_make_dir ("el-bench-quality-XXXXXX");
  transcriber = el_pocketsphinx_transcriber_new ();
  drafter = el_drafter_new (transcriber, rules);
  paths = speech_test_text_paths ();

  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autofree char *text = speech_test_read_text (path);
      g_autofree char *name = g_strdup_printf ("q%u", i);
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) wav = speech_test_synthesise (text, tmp, name, &error);
      g_autoptr (ElTranscript) typed_transcript = el_transcript_new_from_text (text, "text");
      g_autoptr (ElExtraction) typed_extraction = NULL;
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonObject *expected = load_expected (path, parser);

      if (wav == NULL)
        g_error ("synthesising: %s", error->message);
      g_ptr_array_add (wavs, g_bytes_ref (wav));
      typed_extraction = el_rules_extractor_extract (typed_transcript);
      score_fields (&typed, expected, el_extraction_get_fields (typed_extraction));
      if (!el_extraction_check_grounded (typed_extraction, typed_transcript, NULL))
        ungrounded_typed++;
    }

  g_print ("Offline pipeline on %u spoken handoffs of tests/data/speech (not in the LM corpus), stock "
           "acoustic model\n",
           paths->len);
  measure (drafter, paths, wavs, NULL, &stock);
  print_quality (&stock);
  g_print ("  typed text, for reference:\n");
  print_score ("critical fields, typed", &typed);
  g_print ("  drafts with an ungrounded value, typed: %u (goal 0: %s)\n", ungrounded_typed,
           ungrounded_typed == 0 ? "MET" : "NOT MET");

  /* espeak-ng's formant synthesis is far from the speech the stock acoustic model was trained on
   * (recordings of people). The same handoffs in voices that are built from recordings of people:
   * flite's CMU ARCTIC voices (slt, awb, rms: statistical parametric; kal16: diphones) and
   * festival's HTS voice of slt. Still synthetic, so still not a nurse at a station PC. */
  g_print ("\nStock acoustic model, the same %u handoffs in %u voices built from recordings of people\n",
           paths->len, (guint) G_N_ELEMENTS (people));
  for (guint v = 0; v < G_N_ELEMENTS (people); v++)
    {
      people_wavs[v] = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
      for (guint i = 0; i < paths->len; i++)
        {
          g_autofree char *text = speech_test_read_text (paths->pdata[i]);
          g_autofree char *name = g_strdelimit (g_strdup_printf ("p%u-%s", i, people[v]), ":", '-');
          g_autoptr (GError) error = NULL;
          GBytes *wav = speech_test_synthesise_voice (text, people[v], tmp, name, &error);

          if (wav == NULL)
            g_error ("synthesising: %s", error->message);
          g_ptr_array_add (people_wavs[v], wav);
        }
      measure (drafter, paths, people_wavs[v], people[v], &people_each[v]);
      quality_add (&people_stock, &people_each[v]);
    }
  print_quality (&people_stock);

  /* A site that has adapted (the server's SPEECH_ADAPTATION_SECONDS): a profile learned without
   * supervision from about ten minutes of two people's voices (awb and kal16 reading the tuning
   * texts), then the handoffs of three voices it never heard: rms, slt and slt's festival voice. */
  site_profile = enroll (tmp, transcriber, "flite:awb,flite:kal16");
  {
    g_autoptr (ElTranscriber) site_transcriber =
        g_object_new (EL_TYPE_POCKETSPHINX_TRANSCRIBER, "acoustic-model", site_profile, NULL);
    g_autoptr (ElDrafter) site_drafter = el_drafter_new (site_transcriber, rules);
    static const guint unheard[] = { 0, 2, 4 };
    Quality before = { 0 };

    g_print ("The same %u handoffs in the %u voices that profile never heard, before and with it\n",
             paths->len, (guint) G_N_ELEMENTS (unheard));
    for (guint u = 0; u < G_N_ELEMENTS (unheard); u++)
      {
        quality_add (&before, &people_each[unheard[u]]);
        measure (site_drafter, paths, people_wavs[unheard[u]], people[unheard[u]], &site);
      }
    g_print ("  stock model, the same voices: WER %.1f %%, recall %u/%u, precision %u/%u\n",
             100.0 * before.errors / before.ref_words, before.spoken.found, before.spoken.expected,
             before.spoken.correct, before.spoken.emitted);
    print_quality (&site);
  }

  /* What the PC learns for one nurse (el_context_learn_voice_async()): a voice's own tuning recordings
   * with what the stock model heard in them, then its own handoffs, and another voice's. */
  {
    static const guint own[] = { 2, 0 }; /* rms, slt */
    Quality own_quality = { 0 }, other_quality = { 0 };
    g_autoptr (ElTranscriber) first_transcriber = NULL;

    for (guint o = 0; o < G_N_ELEMENTS (own); o++)
      {
        g_autofree char *own_profile = enroll (tmp, transcriber, people[own[o]]);
        g_autoptr (ElTranscriber) own_transcriber =
            g_object_new (EL_TYPE_POCKETSPHINX_TRANSCRIBER, "acoustic-model", own_profile, NULL);
        g_autoptr (ElDrafter) own_drafter = el_drafter_new (own_transcriber, rules);

        g_print ("The same %u handoffs in that voice (stock: WER %.1f %%)\n", paths->len,
                 100.0 * people_each[own[o]].errors / people_each[own[o]].ref_words);
        measure (own_drafter, paths, people_wavs[own[o]], people[own[o]], &own_quality);
        if (o == 0)
          first_transcriber = g_object_ref (own_transcriber);
      }
    g_print ("\nEach voice with its own learned profile\n");
    print_quality (&own_quality);
    {
      g_autoptr (ElDrafter) other_drafter = el_drafter_new (first_transcriber, rules);

      g_print ("\nThe handoffs of %s with the profile learned from %s (stock: WER %.1f %%)\n", people[own[1]],
               people[own[0]], 100.0 * people_each[own[1]].errors / people_each[own[1]].ref_words);
      measure (other_drafter, paths, people_wavs[own[1]], people[own[1]], &other_quality);
      print_quality (&other_quality);
    }
  }

  profile = enroll (tmp, NULL, "espeak-ng:en-us");
  adapted_transcriber = g_object_new (EL_TYPE_POCKETSPHINX_TRANSCRIBER, "acoustic-model", profile, NULL);
  adapted_drafter = el_drafter_new (adapted_transcriber, rules);
  g_print ("The same %u handoffs with the speaker's voice profile\n", paths->len);
  measure (adapted_drafter, paths, wavs, NULL, &adapted);
  print_quality (&adapted);

  unsupervised_profile = enroll (tmp, transcriber, "espeak-ng:en-us");
  {
    g_autoptr (ElTranscriber) unsupervised_transcriber =
        g_object_new (EL_TYPE_POCKETSPHINX_TRANSCRIBER, "acoustic-model", unsupervised_profile, NULL);
    g_autoptr (ElDrafter) unsupervised_drafter = el_drafter_new (unsupervised_transcriber, rules);

    g_print ("The same %u handoffs with the unsupervised profile of their own voice\n", paths->len);
    measure (unsupervised_drafter, paths, wavs, NULL, &unsupervised);
    print_quality (&unsupervised);
  }
  other_voice_profile = enroll (tmp, transcriber, "espeak-ng:en-us+f3");
  {
    g_autoptr (ElTranscriber) other_transcriber =
        g_object_new (EL_TYPE_POCKETSPHINX_TRANSCRIBER, "acoustic-model", other_voice_profile, NULL);
    g_autoptr (ElDrafter) other_drafter = el_drafter_new (other_transcriber, rules);

    g_print ("The same %u handoffs (voice en-us) with the unsupervised profile of voice en-us+f3\n",
             paths->len);
    measure (other_drafter, paths, wavs, NULL, &other_voice);
    print_quality (&other_voice);
  }

  /* Stop -> draft for a ~2-minute handoff: the recorder's sealed file holds Ogg/Opus. */
  {
    g_autoptr (GPtrArray) two_minutes = g_ptr_array_new ();
    g_autoptr (GBytes) wav = NULL;
    g_autoptr (GError) error = NULL;
    g_autoptr (GBytes) ogg = NULL;
    guint8 key[EL_VAULT_KEY_BYTES];
    g_autoptr (ElVault) vault = NULL;
    g_autofree char *recording_id = g_uuid_string_random ();
    g_autoptr (ElSealedAudioWriter) writer = NULL;
    g_autofree char *wav_path = g_build_filename (tmp, "two-minutes.wav", NULL);
    g_autofree char *lm = el_speech_language_model_path ();
    g_autofree char *dict = el_speech_dictionary_path ();
    g_autofree char *hmm = el_speech_acoustic_model_dir ();
    gsize pcm_bytes = 0;
    double audio_s, draft_s, adapted_draft_s, baseline_s = -1;
    gint64 start;

    /* the first handoffs, up to about two minutes of speech */
    for (guint i = 0; i < wavs->len && pcm_bytes < 120 * 32000; i++)
      {
        g_ptr_array_add (two_minutes, wavs->pdata[i]);
        pcm_bytes += g_bytes_get_size (wavs->pdata[i]) - 44;
      }
    wav = speech_test_concat_wav (two_minutes);
    ogg = speech_test_wav_to_ogg_opus (wav, &error);
    audio_s = (g_bytes_get_size (wav) - 44) / 32000.0;

    g_assert_nonnull (ogg);
    g_assert_true (el_vault_generate_key (key, NULL));
    vault = el_vault_new (key);
    writer = el_sealed_audio_writer_new (vault, tmp, recording_id, &error);
    g_assert_nonnull (writer);
    g_assert_true (el_sealed_audio_writer_append (
        writer, g_bytes_get_data (ogg, NULL), g_bytes_get_size (ogg), (guint64) (audio_s * 1000), &error));
    g_assert_true (el_sealed_audio_writer_finish (writer, &error));

    draft_s = stop_to_draft (drafter, vault, el_sealed_audio_writer_get_path (writer), recording_id);
    adapted_draft_s =
        stop_to_draft (adapted_drafter, vault, el_sealed_audio_writer_get_path (writer), recording_id);

    g_assert_true (
        g_file_set_contents (wav_path, g_bytes_get_data (wav, NULL), g_bytes_get_size (wav), NULL));
    if (g_find_program_in_path ("pocketsphinx_continuous") != NULL)
      {
        const char *argv_ps[] = { "pocketsphinx_continuous",
                                  "-infile",
                                  wav_path,
                                  "-hmm",
                                  hmm,
                                  "-lm",
                                  lm,
                                  "-dict",
                                  dict,
                                  "-logfn",
                                  "/dev/null",
                                  NULL };
        int status = 0;

        start = g_get_monotonic_time ();
        if (g_spawn_sync (NULL, (char **) argv_ps, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                          NULL, NULL, NULL, NULL, &status, NULL))
          baseline_s = seconds (start);
      }
    g_print ("\n  stop -> SBAR draft on the PC, %.0f s handoff (sealed Ogg/Opus -> decrypt -> transcribe -> "
             "extract): %.2f s (goal <= 15 s: %s)\n",
             audio_s, draft_s, draft_s <= 15 ? "MET" : "NOT MET");
    g_print ("  the same with the voice profile: %.2f s (goal <= 15 s: %s)\n", adapted_draft_s,
             adapted_draft_s <= 15 ? "MET" : "NOT MET");
    if (baseline_s >= 0)
      g_print ("  baseline pocketsphinx_continuous, same models, same audio as WAV: %.2f s (ratio %.2f)\n",
               baseline_s, draft_s / baseline_s);
    else
      g_print ("  baseline pocketsphinx_continuous: not installed (Debian package pocketsphinx)\n");
  }
  for (guint v = 0; v < G_N_ELEMENTS (people); v++)
    g_ptr_array_unref (people_wavs[v]);
  el_test_remove_tree (tmp);
  return 0;
}
