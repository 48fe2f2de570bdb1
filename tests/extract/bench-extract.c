/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-grounding.h"
#include "el-rules-extractor.h"
#include "el-test-util.h"

/*
 * Extraction time of the rules engine on a ~2-minute handoff (about 300 spoken words; goal ≤ 20 ms)
 * and, as the baseline measured in the same run, a plain pass that only splits the same text into
 * words (el_transcript_new_from_text()). Prints the medians and MET / NOT MET; asserts nothing about
 * time (only that the extraction is grounded).
 */

static const char *const handoff[] = {
  "Okay so this is John Smith in room four twelve, MRN four five six seven eight nine, he is a sixty seven "
  "year",
  "old man admitted for community acquired pneumonia, illness severity watcher. Background, history of COPD,",
  "type two diabetes and atrial fibrillation, he lives at home with his wife. He is allergic to penicillin "
  "which",
  "causes hives and to sulfa. Full code. He is on droplet precautions for influenza and he is a high fall "
  "risk.",
  "Assessment, overnight his temp was thirty eight, sorry, thirty seven point eight, heart rate one twelve,",
  "blood pressure one thirty two over eighty four, respiratory rate twenty two, sat ninety one percent on "
  "two",
  "liters nasal cannula. Pain is three out of ten in his chest with coughing, he denies shortness of breath "
  "at",
  "rest. Lungs have crackles in the right base. He has a twenty gauge IV in the left forearm and a foley to",
  "gravity draining clear yellow urine. He is on a heparin drip at twelve units per kg per hour. He ate "
  "about",
  "half his dinner, diabetic diet, and he ambulates with a walker and one assist. Recommendation, metoprolol",
  "twenty five milligrams PO is due at twenty two hundred and vancomycin one gram IV at oh six hundred. "
  "Insulin",
  "glargine twenty units sub q at bedtime. Blood cultures times two and a chest x ray are pending, and the",
  "cardiology consult is pending too. Please recheck the lactate at fourteen thirty and draw a BMP with the",
  "morning labs. If his systolic drops below ninety, call the rapid response team. If he spikes a fever over",
  "thirty eight point five then send another set of cultures. His wife is at the bedside and wants an update",
  "from the team tomorrow morning about discharge planning. That is all for him, any questions.",
};

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

int
main (void)
{
  g_autofree char *text = NULL;
  g_autoptr (ElTranscript) tr = NULL;
  g_autoptr (GArray) extract_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) split_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GError) error = NULL;
  guint rounds = el_test_env_uint ("EL_BENCH_ROUNDS", 200);
  double extract_median, split_median;
  guint words;

  text = g_strjoinv (" ", (char **) handoff);
  tr = el_transcript_new_from_text (text, "bench");
  words = el_transcript_get_n_words (tr);

  /* warm-up: the lexicon's hash table and the allocator */
  {
    g_autoptr (ElExtraction) ex = el_rules_extractor_extract (tr);
    if (!el_extraction_check_grounded (ex, tr, &error))
      g_error ("the benchmark's extraction is not grounded: %s", error->message);
  }
  for (guint r = 0; r < rounds; r++)
    {
      double t0 = now_ms (), t1, t2;
      g_autoptr (ElExtraction) ex = el_rules_extractor_extract (tr);
      g_autoptr (ElTranscript) split = NULL;

      g_assert (ex != NULL);

      t1 = now_ms ();
      split = el_transcript_new_from_text (text, "bench");
      t2 = now_ms ();
      g_array_append_vals (extract_ms, (double[]){ t1 - t0 }, 1);
      g_array_append_vals (split_ms, (double[]){ t2 - t1 }, 1);
    }
  extract_median = el_test_median (extract_ms);
  split_median = el_test_median (split_ms);
  g_print ("bench-extract: rules extraction of a %u-word handoff (about 2 minutes of speech), %u rounds\n",
           words, rounds);
  g_print ("  extraction      median %.3f ms\n", extract_median);
  g_print ("  baseline split  median %.3f ms (words only, same text)\n", split_median);
  g_print ("  ratio           %.1fx the plain split\n", split_median > 0 ? extract_median / split_median : 0);
  g_print ("  goal            extraction <= 20 ms: %s\n", extract_median <= 20 ? "MET" : "NOT MET");
  return 0;
}
