/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "el-diff.h"

/*
 * Word diff speed: el_diff_words() (Myers, linear space) against a naive O(N*M) LCS dynamic
 * programme run on the same inputs in the same process. Prints figures; asserts nothing about time
 * (only that both find the same number of edits, which is a correctness check).
 */

#define SECTION_BYTES 16384
#define MIN_SECONDS   0.5

static const char *const vocabulary[] = {
  "patient",   "stable",   "febrile", "overnight", "post-op",  "day",     "HR",      "BP",         "RR",
  "SpO2",      "on",       "2L",      "NC",        "room",     "air",     "pain",    "controlled", "with",
  "oxycodone", "5",        "mg",      "q4h",       "PRN",      "lactate", "pending", "recheck",    "at",
  "14:00",     "call",     "MD",      "if",        "SBP",      "<",       "90",      "38.4",       "132/84",
  "wife",      "visiting", "NPO",     "after",     "midnight", "for",     "CT",      "abdomen",    "don't",
  "mobilize",  "alone",    "fall",    "risk",      "high",     "the",     "and",     "of",         "to",
  "was",       "is",       ",",       ".",         ";",        "(",       ")",
};

static char *
random_text (GRand *rand, gsize bytes, gboolean upper)
{
  GString *text = g_string_sized_new (bytes + 32);

  while (text->len < bytes)
    {
      const char *word = vocabulary[g_rand_int_range (rand, 0, G_N_ELEMENTS (vocabulary))];

      if (upper)
        {
          /* Disjoint tokens: letters upper-cased, no punctuation, no bare numbers. */
          g_autofree char *up = g_ascii_strup (word, -1);
          if (!g_ascii_isalpha (word[0]))
            continue;
          if (text->len + strlen (up) + 1 > bytes)
            break;
          g_string_append_printf (text, "%sX ", up);
        }
      else
        {
          if (text->len + strlen (word) + 1 > bytes)
            break;
          g_string_append_printf (text, "%s ", word);
        }
    }
  return g_string_free (text, FALSE);
}

/* Edits about @percent % of the words of @text: replacements, deletions and insertions. */
static char *
edit_text (GRand *rand, const char *text, int percent)
{
  g_auto (GStrv) words = g_strsplit (text, " ", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    {
      if (*words[i] == '\0')
        continue;
      if (g_rand_int_range (rand, 0, 100) < percent)
        {
          const char *other = vocabulary[g_rand_int_range (rand, 0, G_N_ELEMENTS (vocabulary))];
          switch (g_rand_int_range (rand, 0, 3))
            {
              case 0: /* replace */
                g_string_append_printf (out, "%s ", other);
                break;
              case 1: /* delete */
                break;
              default: /* insert */
                g_string_append_printf (out, "%s %s ", other, words[i]);
                break;
            }
          continue;
        }
      g_string_append_printf (out, "%s ", words[i]);
    }
  return g_string_free (out, FALSE);
}

/* The naive diff: split, intern, fill the full (N+1)x(M+1) LCS table, walk back. Returns the
 * number of inserted + deleted words, like the ops of el_diff_words(). */
static guint
naive_diff (const char *a, const char *b)
{
  g_auto (GStrv) x = el_diff_split_words (a);
  g_auto (GStrv) y = el_diff_split_words (b);
  g_autoptr (GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n = g_strv_length (x), m = g_strv_length (y);
  g_autofree guint *xv = g_new (guint, n + 1);
  g_autofree guint *yv = g_new (guint, m + 1);
  g_autofree guint32 *table = g_new0 (guint32, (gsize) (n + 1) * (m + 1));
  guint edits = 0;
  guint i, j;

#define CELL(i, j) table[(gsize) (i) * (m + 1) + (j)]

  for (guint k = 0; k < n + m; k++)
    {
      const char *word = k < n ? x[k] : y[k - n];
      char *key = g_utf8_normalize (word, -1, G_NORMALIZE_NFC);
      gpointer id = g_hash_table_lookup (ids, key);

      if (id == NULL)
        {
          id = GUINT_TO_POINTER (g_hash_table_size (ids) + 1);
          g_hash_table_insert (ids, key, id);
        }
      else
        g_free (key);
      if (k < n)
        xv[k] = GPOINTER_TO_UINT (id);
      else
        yv[k - n] = GPOINTER_TO_UINT (id);
    }

  for (i = 1; i <= n; i++)
    for (j = 1; j <= m; j++)
      CELL (i, j) = xv[i - 1] == yv[j - 1] ? CELL (i - 1, j - 1) + 1 : MAX (CELL (i - 1, j), CELL (i, j - 1));

  i = n;
  j = m;
  while (i > 0 || j > 0)
    {
      if (i > 0 && j > 0 && xv[i - 1] == yv[j - 1])
        i--, j--;
      else if (j > 0 && (i == 0 || CELL (i, j - 1) >= CELL (i - 1, j)))
        j--, edits++;
      else
        i--, edits++;
    }

#undef CELL
  return edits;
}

static guint
myers_diff (const char *a, const char *b)
{
  g_autoptr (GPtrArray) ops = el_diff_words (a, b);
  guint edits = 0;

  for (guint i = 0; i < ops->len; i++)
    {
      const ElDiffOp *op = ops->pdata[i];
      edits += op->old_count + op->new_count;
    }
  return edits;
}

typedef guint (*DiffFunc) (const char *a, const char *b);

/* Runs @func until MIN_SECONDS have passed (at least once); returns seconds per run. */
static double
time_diff (DiffFunc func, const char *a, const char *b, guint *edits, guint *runs)
{
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;
  guint n = 0;

  do
    {
      *edits = func (a, b);
      n++;
      elapsed = g_get_monotonic_time () - start;
    }
  while (elapsed < MIN_SECONDS * G_USEC_PER_SEC);

  *runs = n;
  return elapsed / 1e6 / n;
}

static gboolean
run_case (const char *title, const char *a, const char *b)
{
  g_auto (GStrv) x = el_diff_split_words (a);
  g_auto (GStrv) y = el_diff_split_words (b);
  guint words = g_strv_length (x) + g_strv_length (y);
  guint myers_edits = 0, naive_edits = 0, myers_runs = 0, naive_runs = 0;
  double myers = time_diff (myers_diff, a, b, &myers_edits, &myers_runs);
  double naive = time_diff (naive_diff, a, b, &naive_edits, &naive_runs);

  g_print ("%s\n", title);
  g_print ("  old %zu bytes, %u words; new %zu bytes, %u words; edits (inserted + deleted words): %u\n",
           strlen (a), g_strv_length (x), strlen (b), g_strv_length (y), myers_edits);
  g_print ("  myers      %9.3f ms per diff  %8.2f M words/s  (%u runs)\n", myers * 1e3, words / myers / 1e6,
           myers_runs);
  g_print ("  naive LCS  %9.3f ms per diff  %8.2f M words/s  (%u runs, edits %u)\n", naive * 1e3,
           words / naive / 1e6, naive_runs, naive_edits);
  g_print ("  naive / myers: %.1fx\n", naive / myers);

  if (naive_edits != myers_edits)
    {
      g_printerr ("  MISMATCH: naive LCS found %u edits, myers %u\n", naive_edits, myers_edits);
      return FALSE;
    }
  return TRUE;
}

int
main (int argc, char *argv[])
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (1125);
  g_autofree char *a = random_text (rand, SECTION_BYTES, FALSE);
  g_autofree char *b = edit_text (rand, a, 5);
  g_autofree char *c = random_text (rand, SECTION_BYTES, TRUE);
  g_autofree char *d = random_text (rand, SECTION_BYTES, FALSE);
  gboolean ok = TRUE;

  ok &= run_case ("two 16 KiB sections, ~5% of the words edited", a, b);
  ok &= run_case ("worst case: two 16 KiB sections with no word in common", a, c);
  ok &= run_case ("hard case: two unrelated 16 KiB sections drawn from the same 60 words", a, d);
  return ok ? 0 : 1;
}
