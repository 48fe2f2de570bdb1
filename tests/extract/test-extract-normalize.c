/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "el-spoken-normalize.h"

/*
 * Spoken-form normalisation: a table of spoken inputs and the normalised text they must give, then
 * the token ranges (code points of the source words) and the kinds and values of the tokens.
 */

static const struct
{
  const char *spoken;
  const char *written;
} table[] = {
  /* the examples */
  { "one hundred thirty two over eighty four", "132/84" },
  { "thirty eight point four", "38.4" },
  { "twenty two hundred", "22:00" },
  { "two liters nasal cannula", "2 L NC" },
  { "code status is d n r", "code status is DNR" },
  { "sating ninety one percent", "SpO2 91 %" },
  { "sat ninety one percent", "SpO2 91 %" },
  /* cardinals */
  { "one hundred and twelve", "112" },
  { "ninety one", "91" },
  { "one hundred thirty two", "132" },
  { "one thirty two", "132" },
  { "one twelve", "112" },
  { "one oh one", "101" },
  { "a hundred", "100" },
  { "zero", "0" },
  { "ninety nine point nine", "99.9" },
  { "thirty-eight point four", "38.4" },
  { "point five", "point 5" },
  { "nine hundred ninety nine thousand nine hundred ninety nine", "999999" },
  { "two thousand and five", "2005" },
  { "four five six seven eight", "45678" },
  { "oh four five", "045" },
  { "fifteen hundred milliliters", "1500 mL" },
  /* times */
  { "oh eight hundred", "08:00" },
  { "oh eight hundred hours", "08:00" },
  { "fourteen thirty", "14:30" },
  { "at two thirty", "at 02:30" },
  { "due at nine pm", "due at 21:00" },
  { "nine o'clock", "09:00" },
  { "at 1400", "at 14:00" },
  { "0800", "08:00" },
  { "14:00", "14:00" },
  { "2 pm", "14:00" },
  /* blood pressure, percent, pain */
  { "132/84", "132/84" },
  { "132 over 84", "132/84" },
  { "one twenty over eighty", "120/80" },
  { "ninety five percent on room air", "95 % on RA" },
  { "91%", "91 %" },
  { "three out of ten", "3/10" },
  { "7/10", "7/10" },
  /* units, routes, devices */
  { "five milligrams by mouth", "5 mg PO" },
  { "two grams IV", "2 g IV" },
  { "ten units sub q", "10 units subcut" },
  { "fifty mcg", "50 mcg" },
  { "twenty milliequivalents", "20 mEq" },
  { "2L NC", "2 L NC" },
  { "5mg", "5 mg" },
  { "38.4", "38.4" },
  { "ninety eight point six fahrenheit", "98.6 °F" },
  { "o2 sat ninety", "SpO2 90" },
  /* words and garbage pass through */
  { "the patient is resting", "the patient is resting" },
  { "oh no", "oh no" },
  { "hundred", "hundred" },
  { "thousand thousand", "thousand thousand" },
  { "a", "a" },
  { "xyzzy 99999999999999999999 frob", "xyzzy 99999999999999999999 frob" },
  { "", "" },
  { "   ", "" },
  { "Temp: 38.4.", "temp: 38.4." },
};

static void
test_table (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autofree char *out = el_spoken_normalize_text (table[i].spoken);

      if (g_strcmp0 (out, table[i].written) != 0)
        g_test_message ("input %u: \"%s\" gave \"%s\"", i, table[i].spoken, out);
      g_assert_cmpstr (out, ==, table[i].written);
    }
}

static const ElSpokenToken *
token (GArray *tokens, guint i)
{
  g_assert_cmpuint (i, <, tokens->len);
  return &g_array_index (tokens, ElSpokenToken, i);
}

static void
test_ranges (void)
{
  /* "BP é one hundred thirty two over eighty four, sat ninety one percent" — the é makes code
   * points differ from bytes */
  const char *text = "BP é one hundred thirty two over eighty four, sat ninety one percent";
  g_autoptr (GArray) tokens = el_spoken_normalize (text);
  const ElSpokenToken *t;

  g_assert_cmpuint (tokens->len, ==, 6);
  t = token (tokens, 0);
  g_assert_cmpint (t->kind, ==, EL_SPOKEN_KIND_WORD);
  g_assert_cmpstr (t->text, ==, "bp");
  g_assert_cmpint (t->start, ==, 0);
  g_assert_cmpint (t->end, ==, 2);
  t = token (tokens, 2);
  g_assert_cmpint (t->kind, ==, EL_SPOKEN_KIND_BLOOD_PRESSURE);
  g_assert_cmpfloat (t->value, ==, 132);
  g_assert_cmpfloat (t->value2, ==, 84);
  g_assert_cmpint (t->start, ==, 5);
  g_assert_cmpint (t->end, ==, 5 + (gint64) strlen ("one hundred thirty two over eighty four"));
  g_assert_cmpuint (t->n_words, ==, 7);
  t = token (tokens, 3);
  g_assert_cmpint (t->kind, ==, EL_SPOKEN_KIND_PUNCT);
  t = token (tokens, 4);
  g_assert_cmpint (t->kind, ==, EL_SPOKEN_KIND_ABBREVIATION);
  g_assert_cmpstr (t->text, ==, "SpO2");
  t = token (tokens, 5);
  g_assert_cmpint (t->kind, ==, EL_SPOKEN_KIND_PERCENT);
  g_assert_cmpfloat (t->value, ==, 91);
  g_assert_cmpint (t->end, ==, g_utf8_strlen (text, -1));
}

static void
test_values (void)
{
  g_autoptr (GArray) a = el_spoken_normalize ("thirty seven point eight");
  g_autoptr (GArray) b = el_spoken_normalize ("twenty two hundred");
  g_autoptr (GArray) c = el_spoken_normalize ("pain four out of ten");
  g_autoptr (GArray) d = el_spoken_normalize ("2L");

  g_assert_cmpuint (a->len, ==, 1);
  g_assert_cmpint (token (a, 0)->kind, ==, EL_SPOKEN_KIND_NUMBER);
  g_assert_cmpfloat_with_epsilon (token (a, 0)->value, 37.8, 1e-9);
  g_assert_false (token (a, 0)->is_integer);
  g_assert_cmpint (token (a, 0)->decimals, ==, 1);

  g_assert_cmpint (token (b, 0)->kind, ==, EL_SPOKEN_KIND_TIME);
  g_assert_cmpfloat (token (b, 0)->value, ==, 22);
  g_assert_cmpfloat (token (b, 0)->value2, ==, 0);

  g_assert_cmpint (token (c, 1)->kind, ==, EL_SPOKEN_KIND_SCORE);
  g_assert_cmpfloat (token (c, 1)->value, ==, 4);
  g_assert_cmpfloat (token (c, 1)->value2, ==, 10);

  /* a written "2L" is split inside the word: the number and the unit keep their own ranges */
  g_assert_cmpuint (d->len, ==, 2);
  g_assert_cmpint (token (d, 0)->start, ==, 0);
  g_assert_cmpint (token (d, 0)->end, ==, 1);
  g_assert_cmpint (token (d, 1)->kind, ==, EL_SPOKEN_KIND_UNIT);
  g_assert_cmpint (token (d, 1)->start, ==, 1);
  g_assert_cmpint (token (d, 1)->end, ==, 2);
}

static void
test_forms (void)
{
  g_autoptr (GArray) tokens = el_spoken_normalize ("one thirty two over eighty four");
  g_autoptr (GPtrArray) forms = g_ptr_array_new_with_free_func (g_free);

  el_spoken_token_add_forms (token (tokens, 0), forms);
  g_assert_cmpuint (forms->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (forms, 0), ==, "132/84");
  g_assert_cmpstr (g_ptr_array_index (forms, 1), ==, "132");
  g_assert_cmpstr (g_ptr_array_index (forms, 2), ==, "84");
}

/* Random words never crash, tokens stay in order and inside the text. */
static void
test_garbage (void)
{
  static const char *const words[] = { "one",   "hundred", "thousand", "oh",    "point", "over",   "percent",
                                       "out",   "of",      "ten",      "and",   "a",     "twenty", "nineteen",
                                       "hours", "pm",      "at",       "99999", "1.5.6", "3/0",    "0/3",
                                       ":",     "%",       "é",        "—",     "2L",    "mgmg",   "12:99",
                                       "99:00", "-",       "''" };
  g_autoptr (GRand) rand = g_rand_new_with_seed (5);

  for (guint round = 0; round < 2000; round++)
    {
      g_autoptr (GString) s = g_string_new (NULL);
      g_autoptr (GArray) tokens = NULL;
      gint64 prev_end = 0, length;
      guint n = g_rand_int_range (rand, 0, 30);

      for (guint i = 0; i < n; i++)
        {
          g_string_append (s, words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
          if (g_rand_boolean (rand))
            g_string_append_c (s, ' ');
        }
      length = g_utf8_strlen (s->str, -1);
      tokens = el_spoken_normalize (s->str);
      for (guint i = 0; i < tokens->len; i++)
        {
          const ElSpokenToken *t = token (tokens, i);
          g_assert_cmpint (t->start, >=, prev_end);
          g_assert_cmpint (t->end, >, t->start);
          g_assert_cmpint (t->end, <=, length);
          g_assert_nonnull (t->text);
          prev_end = t->end;
        }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/el/extract/normalize/table", test_table);
  g_test_add_func ("/el/extract/normalize/ranges", test_ranges);
  g_test_add_func ("/el/extract/normalize/values", test_values);
  g_test_add_func ("/el/extract/normalize/forms", test_forms);
  g_test_add_func ("/el/extract/normalize/garbage", test_garbage);
  return g_test_run ();
}
