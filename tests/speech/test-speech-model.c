/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The nursing-handoff language model built by the project (src/core/speech/meson.build): the test
 * texts stay out of its corpus, every corpus word has a pronunciation in the acoustic model's
 * phones, and handoff.lm is a valid ARPA back-off model whose distributions sum to one. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "el-speech-model.h"
#include "speech-test-util.h"

static const char *const phones[] = { "AA", "AE", "AH", "AO", "AW", "AY", "B",  "CH", "D",  "DH",
                                      "EH", "ER", "EY", "F",  "G",  "HH", "IH", "IY", "JH", "K",
                                      "L",  "M",  "N",  "NG", "OW", "OY", "P",  "R",  "S",  "SH",
                                      "T",  "TH", "UH", "UW", "V",  "W",  "Y",  "Z",  "ZH" };

static char **
read_lines (const char *name)
{
  g_autofree char *dir = el_speech_model_dir ();
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return g_strsplit (contents, "\n", -1);
}

/* The corpus, split in place: one GPtrArray of word pointers per line (no allocation per word; the
 * corpus has a million of them). With @spelled, an abbreviation token ("d_n_r") is its letters. */
static GPtrArray *
corpus_lines (char **buffer, gboolean spelled)
{
  g_autofree char *dir = el_speech_model_dir ();
  g_autofree char *path = g_build_filename (dir, "handoff-corpus.txt", NULL);
  g_autoptr (GError) error = NULL;
  GPtrArray *lines = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  char *line;

  g_file_get_contents (path, buffer, NULL, &error);
  g_assert_no_error (error);
  if (spelled)
    g_strdelimit (*buffer, "_", ' ');
  line = *buffer;
  while (line != NULL && *line != '\0')
    {
      char *next = strchr (line, '\n');
      GPtrArray *words = g_ptr_array_new ();
      char *word = line;

      if (next != NULL)
        *next++ = '\0';
      while (word != NULL)
        {
          char *space = strchr (word, ' ');

          if (space != NULL)
            *space++ = '\0';
          if (*word != '\0')
            g_ptr_array_add (words, word);
          word = space;
        }
      g_ptr_array_add (lines, words);
      line = next;
    }
  return lines;
}

static void
test_disjoint (void)
{
  g_autofree char *buffer = NULL;
  g_autoptr (GPtrArray) lines = corpus_lines (&buffer, TRUE);
  g_autoptr (GPtrArray) paths = speech_test_text_paths ();
  g_autoptr (GPtrArray) dev_paths = speech_test_text_paths_in ("speech-dev", "dev-");
  g_autoptr (GHashTable) sentences = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GHashTable) first_words = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GString) key = g_string_new (NULL);
  guint found = 0;

  g_assert_cmpuint (lines->len, >, 10000);
  g_assert_cmpuint (paths->len, >=, 6);
  /* the tuning handoffs stay out of the corpus too */
  g_assert_cmpuint (dev_paths->len, >=, 8);
  for (guint p = 0; p < dev_paths->len; p++)
    g_ptr_array_add (paths, g_strdup (dev_paths->pdata[p]));
  for (guint p = 0; p < paths->len; p++)
    {
      g_autofree char *text = speech_test_read_text (paths->pdata[p]);
      g_autoptr (GPtrArray) words = speech_test_words (text);
      g_autoptr (GPtrArray) list = speech_test_sentences (text);

      g_assert_cmpuint (words->len, >=, 60);
      g_assert_cmpuint (words->len, <=, 150);
      for (guint s = 0; s < list->len; s++)
        {
          const char *sentence = list->pdata[s];
          const char *space = strchr (sentence, ' ');

          g_hash_table_insert (sentences, g_strdup (sentence), g_path_get_basename (paths->pdata[p]));
          g_hash_table_add (first_words,
                            space != NULL ? g_strndup (sentence, space - sentence) : g_strdup (sentence));
        }
    }

  /* Every run of words of every corpus line (corpus lines can run several clauses together) that
   * starts like a test sentence, looked up among the test sentences. */
  for (guint l = 0; l < lines->len; l++)
    {
      GPtrArray *words = lines->pdata[l];

      for (guint i = 0; i < words->len; i++)
        {
          if (!g_hash_table_contains (first_words, words->pdata[i]))
            continue;
          g_string_truncate (key, 0);
          for (guint j = i; j < words->len; j++)
            {
              const char *file;

              if (j > i)
                g_string_append_c (key, ' ');
              g_string_append (key, words->pdata[j]);
              file = g_hash_table_lookup (sentences, key->str);
              if (file != NULL)
                {
                  g_test_message ("%s: this sentence is in the corpus: \"%s\"", file, key->str);
                  found++;
                }
            }
        }
    }
  g_test_message ("%u test sentences checked against %u corpus lines", g_hash_table_size (sentences),
                  lines->len);
  g_assert_cmpuint (found, ==, 0);
}

static void
test_dictionary (void)
{
  g_autofree char *buffer = NULL;
  g_autoptr (GPtrArray) lines = corpus_lines (&buffer, FALSE);
  g_auto (GStrv) dict = read_lines ("handoff.dict");
  g_autoptr (GHashTable) words = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) phone_set = g_hash_table_new (g_str_hash, g_str_equal);
  guint missing = 0, n_corpus_words = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (phones); i++)
    g_hash_table_add (phone_set, (gpointer) phones[i]);
  for (guint i = 0; dict[i] != NULL; i++)
    {
      g_auto (GStrv) fields = g_strsplit_set (dict[i], " \t", -1);
      char *paren;
      guint n_phones = 0;

      if (dict[i][0] == '\0')
        continue;
      paren = strchr (fields[0], '(');
      if (paren != NULL)
        *paren = '\0';
      g_hash_table_add (words, g_strdup (fields[0]));
      for (guint f = 1; fields[f] != NULL; f++)
        {
          if (fields[f][0] == '\0')
            continue;
          if (!g_hash_table_contains (phone_set, fields[f]))
            g_test_message ("handoff.dict: \"%s\" has an unknown phone %s", fields[0], fields[f]);
          g_assert_true (g_hash_table_contains (phone_set, fields[f]));
          n_phones++;
        }
      g_assert_cmpuint (n_phones, >, 0);
    }
  for (guint l = 0; l < lines->len; l++)
    {
      GPtrArray *line = lines->pdata[l];

      for (guint w = 0; w < line->len; w++)
        {
          n_corpus_words++;
          if (!g_hash_table_contains (words, line->pdata[w]))
            {
              g_test_message ("corpus word without a pronunciation: %s", (char *) line->pdata[w]);
              missing++;
            }
        }
    }
  g_test_message ("%u corpus words, %u dictionary words", n_corpus_words, g_hash_table_size (words));
  g_assert_cmpuint (missing, ==, 0);
  /* Drug names need the project's own pronunciations (cmudict lacks them). */
  g_assert_true (g_hash_table_contains (words, "vancomycin"));
  g_assert_true (g_hash_table_contains (words, "piperacillin"));
  g_assert_true (g_hash_table_contains (words, "ondansetron"));
}

typedef struct
{
  double prob;    /* log10 */
  double backoff; /* log10 */
} Entry;

static GHashTable *grams[4]; /* "w1 w2" -> Entry */

static double
lm_prob (const char *context, const char *word)
{
  g_autofree char *key = context[0] != '\0' ? g_strdup_printf ("%s %s", context, word) : g_strdup (word);
  guint order = 1;
  Entry *e;
  const char *shorter;

  for (const char *p = key; *p != '\0'; p++)
    order += *p == ' ';
  e = g_hash_table_lookup (grams[order], key);
  if (e != NULL)
    return pow (10, e->prob);
  g_assert_cmpuint (order, >, 1);
  e = g_hash_table_lookup (grams[order - 1], context);
  shorter = strchr (context, ' ');
  return (e != NULL ? pow (10, e->backoff) : 1.0) * lm_prob (shorter != NULL ? shorter + 1 : "", word);
}

static void
test_arpa (void)
{
  g_auto (GStrv) lines = read_lines ("handoff.lm");
  guint declared[4] = { 0 }, seen[4] = { 0 };
  guint section = 0, i = 0;
  gboolean end = FALSE;
  g_autoptr (GPtrArray) vocabulary = g_ptr_array_new ();
  const char *contexts[] = { "<s>", "blood", "pressure", "<s> temperature", "one hundred", "vancomycin one" };

  for (guint n = 1; n <= 3; n++)
    grams[n] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_assert_cmpstr (lines[0], ==, "\\data\\");
  for (i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      guint n, count;

      g_assert_cmpint (sscanf (lines[i], "ngram %u=%u", &n, &count), ==, 2);
      g_assert_cmpuint (n, >=, 1);
      g_assert_cmpuint (n, <=, 3);
      declared[n] = count;
    }
  for (; lines[i] != NULL; i++)
    {
      g_auto (GStrv) fields = NULL;
      Entry *e;
      guint n_words;

      if (lines[i][0] == '\0')
        continue;
      if (strcmp (lines[i], "\\end\\") == 0)
        {
          end = TRUE;
          break;
        }
      if (sscanf (lines[i], "\\%u-grams:", &section) == 1)
        continue;
      g_assert_cmpuint (section, >=, 1);
      fields = g_strsplit (lines[i], "\t", -1);
      g_assert_cmpuint (g_strv_length (fields), >=, 2);
      e = g_new0 (Entry, 1);
      e->prob = g_ascii_strtod (fields[0], NULL);
      e->backoff = fields[2] != NULL ? g_ascii_strtod (fields[2], NULL) : 0.0;
      g_assert_cmpfloat (e->prob, <=, 0.0);
      n_words = 1;
      for (const char *p = fields[1]; *p != '\0'; p++)
        n_words += *p == ' ';
      g_assert_cmpuint (n_words, ==, section);
      g_hash_table_insert (grams[section], g_strdup (fields[1]), e);
      seen[section]++;
    }
  g_assert_true (end);
  for (guint n = 1; n <= 3; n++)
    {
      g_test_message ("%u-grams: %u", n, seen[n]);
      g_assert_cmpuint (seen[n], ==, declared[n]);
      g_assert_cmpuint (seen[n], >, 0);
    }

  /* P(w | context) over the vocabulary sums to 1 for a few contexts, by back-off. */
  {
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init (&iter, grams[1]);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      if (strcmp (key, "<s>") != 0)
        g_ptr_array_add (vocabulary, key);
  }
  for (gsize c = 0; c < G_N_ELEMENTS (contexts) + 1; c++)
    {
      const char *context = c == 0 ? "" : contexts[c - 1];
      double sum = 0;

      for (guint w = 0; w < vocabulary->len; w++)
        sum += lm_prob (context, vocabulary->pdata[w]);
      g_test_message ("sum of P(w | \"%s\") = %.6f", context, sum);
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 0.001);
    }
  for (guint n = 1; n <= 3; n++)
    g_clear_pointer (&grams[n], g_hash_table_unref);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/el/speech/model/test-texts-not-in-corpus", test_disjoint);
  g_test_add_func ("/el/speech/model/dictionary-covers-corpus", test_dictionary);
  g_test_add_func ("/el/speech/model/arpa-valid", test_arpa);
  return g_test_run ();
}
