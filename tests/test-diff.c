/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "el-diff.h"

/* ---------------------------------------------------------------------------------------------- */
/* Helpers */

static void
assert_split (const char *text, const char *const *expected)
{
  g_auto (GStrv) words = el_diff_split_words (text);
  g_autofree char *got = g_strjoinv ("|", words);
  g_autofree char *want = g_strjoinv ("|", (GStrv) expected);

  g_assert_cmpstr (got, ==, want);
  g_assert_cmpuint (g_strv_length (words), ==, g_strv_length ((GStrv) expected));
}

/* Asserts the one op of old -> new. */
static void
assert_single_op (const char *old_text,
                  const char *new_text,
                  ElDiffOpKind kind,
                  guint at,
                  const char *old_words,
                  const char *new_words)
{
  g_autoptr (GPtrArray) ops = el_diff_words (old_text, new_text);
  const ElDiffOp *op;

  g_assert_cmpuint (ops->len, ==, 1);
  op = ops->pdata[0];
  g_assert_cmpstr (el_diff_op_kind_to_string (op->kind), ==, el_diff_op_kind_to_string (kind));
  g_assert_cmpuint (op->old_index, ==, at);
  g_assert_cmpstr (op->old_text, ==, old_words);
  g_assert_cmpstr (op->new_text, ==, new_words);
  /* The offsets point at the words' text. */
  g_assert_cmpuint (op->old_length, ==, strlen (old_words));
  g_assert_cmpuint (op->new_length, ==, strlen (new_words));
  if (old_text != NULL)
    g_assert_true (strncmp (old_text + op->old_offset, old_words, op->old_length) == 0);
  if (new_text != NULL)
    g_assert_true (strncmp (new_text + op->new_offset, new_words, op->new_length) == 0);
}

static char *
nfc (const char *s)
{
  return g_utf8_normalize (s, -1, G_NORMALIZE_NFC);
}

/* Number of inserted + deleted words in @ops. */
static guint
edit_count (GPtrArray *ops)
{
  guint total = 0;

  for (guint i = 0; i < ops->len; i++)
    {
      const ElDiffOp *op = ops->pdata[i];
      if (op->kind != EL_DIFF_OP_EQUAL)
        total += op->old_count + op->new_count;
    }
  return total;
}

/* Length of a longest common subsequence (words compared in NFC), by the textbook dynamic programme. */
static guint
lcs_length (char **a, char **b)
{
  guint n = g_strv_length (a), m = g_strv_length (b);
  g_autofree guint *row = g_new0 (guint, m + 1);
  g_autoptr (GPtrArray) kb = g_ptr_array_new_with_free_func (g_free);

  for (guint j = 0; j < m; j++)
    g_ptr_array_add (kb, nfc (b[j]));

  for (guint i = 1; i <= n; i++)
    {
      guint diag = 0;
      g_autofree char *ka = nfc (a[i - 1]);

      for (guint j = 1; j <= m; j++)
        {
          guint up = row[j];

          row[j] = g_str_equal (ka, kb->pdata[j - 1]) ? diag + 1 : MAX (row[j], row[j - 1]);
          diag = up;
        }
    }
  return row[m];
}

/* Checks everything that must hold for any pair of texts; returns the number of edits. */
static guint
check_diff (const char *old_text, const char *new_text)
{
  g_auto (GStrv) a = el_diff_split_words (old_text);
  g_auto (GStrv) b = el_diff_split_words (new_text);
  g_autoptr (GPtrArray) ops = el_diff_words (old_text, new_text);
  g_autoptr (GPtrArray) full = el_diff_words_full (old_text, new_text);
  g_autoptr (GPtrArray) rebuilt = g_ptr_array_new_with_free_func (g_free);
  guint n = g_strv_length (a), m = g_strv_length (b);
  guint i = 0, j = 0, k = 0;
  guint lcs = lcs_length (a, b);

  /* Applying the ops to the old words gives the new words. */
  for (guint o = 0; o < ops->len; o++)
    {
      const ElDiffOp *op = ops->pdata[o];
      g_auto (GStrv) inserted = el_diff_split_words (op->new_text);
      g_auto (GStrv) deleted = el_diff_split_words (op->old_text);

      g_assert_cmpint (op->kind, !=, EL_DIFF_OP_EQUAL);
      g_assert_cmpuint (op->old_index, >=, i);
      g_assert_cmpuint (g_strv_length (deleted), ==, op->old_count);
      g_assert_cmpuint (g_strv_length (inserted), ==, op->new_count);
      for (; i < op->old_index; i++)
        g_ptr_array_add (rebuilt, nfc (a[i]));
      for (guint d = 0; d < op->old_count; d++, i++)
        g_assert_cmpstr (deleted[d], ==, a[i]);
      for (guint w = 0; inserted[w] != NULL; w++)
        g_ptr_array_add (rebuilt, nfc (inserted[w]));
      switch (op->kind)
        {
          case EL_DIFF_OP_INSERT:
            g_assert_cmpuint (op->old_count, ==, 0);
            g_assert_cmpuint (op->new_count, >, 0);
            g_assert_cmpstr (op->old_text, ==, "");
            break;
          case EL_DIFF_OP_DELETE:
            g_assert_cmpuint (op->old_count, >, 0);
            g_assert_cmpuint (op->new_count, ==, 0);
            g_assert_cmpstr (op->new_text, ==, "");
            break;
          case EL_DIFF_OP_REPLACE:
            g_assert_cmpuint (op->old_count, >, 0);
            g_assert_cmpuint (op->new_count, >, 0);
            break;
          default:
            g_assert_not_reached ();
        }
    }
  for (; i < n; i++)
    g_ptr_array_add (rebuilt, nfc (a[i]));
  g_assert_cmpuint (rebuilt->len, ==, m);
  for (guint w = 0; w < m; w++)
    {
      g_autofree char *want = nfc (b[w]);
      g_assert_cmpstr (rebuilt->pdata[w], ==, want);
    }

  /* Minimal: as many edits as the LCS allows, no fewer and no more. */
  g_assert_cmpuint (edit_count (ops), ==, n + m - 2 * lcs);

  /* The full alignment covers both texts in order, alternates equal and changed runs (so a
   * deletion next to an insertion is always merged into a replacement), and agrees with the ops. */
  i = j = 0;
  for (guint o = 0; o < full->len; o++)
    {
      const ElDiffOp *op = full->pdata[o];

      g_assert_cmpuint (op->old_index, ==, i);
      g_assert_cmpuint (op->new_index, ==, j);
      if (o > 0)
        g_assert_true ((op->kind == EL_DIFF_OP_EQUAL) !=
                       (((const ElDiffOp *) full->pdata[o - 1])->kind == EL_DIFF_OP_EQUAL));
      if (op->kind == EL_DIFF_OP_EQUAL)
        {
          g_assert_cmpuint (op->old_count, ==, op->new_count);
          for (guint w = 0; w < op->old_count; w++)
            {
              g_autofree char *x = nfc (a[i + w]);
              g_autofree char *y = nfc (b[j + w]);
              g_assert_cmpstr (x, ==, y);
            }
        }
      else
        {
          const ElDiffOp *same = ops->pdata[k++];
          g_assert_cmpint (same->kind, ==, op->kind);
          g_assert_cmpuint (same->old_index, ==, op->old_index);
          g_assert_cmpuint (same->new_index, ==, op->new_index);
          g_assert_cmpstr (same->old_text, ==, op->old_text);
          g_assert_cmpstr (same->new_text, ==, op->new_text);
        }
      i += op->old_count;
      j += op->new_count;
    }
  g_assert_cmpuint (i, ==, n);
  g_assert_cmpuint (j, ==, m);
  g_assert_cmpuint (k, ==, ops->len);

  return edit_count (ops);
}

static JsonObject *
parse_object (const char *json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = json_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static char *
to_string (JsonNode *node)
{
  return json_to_string (node, FALSE);
}

/* Diffs two versions given as JSON, returns the Changes as a compact JSON string. */
static char *
diff_json (const char *old_json, const char *new_json)
{
  g_autoptr (JsonObject) a = old_json != NULL ? parse_object (old_json) : NULL;
  g_autoptr (JsonObject) b = new_json != NULL ? parse_object (new_json) : NULL;
  g_autoptr (JsonNode) changes = el_diff_versions (a, b);

  g_assert_true (JSON_NODE_HOLDS_OBJECT (changes));
  return to_string (changes);
}

/* The "fields" member of the Changes from old to new, as a compact JSON string. */
static char *
diff_fields_json (const char *old_json, const char *new_json)
{
  g_autoptr (JsonObject) a = parse_object (old_json);
  g_autoptr (JsonObject) b = parse_object (new_json);
  g_autoptr (JsonNode) changes = el_diff_versions (a, b);
  JsonObject *object = json_node_get_object (changes);
  JsonObject *summary = json_object_get_object_member (object, "summary");
  JsonArray *fields = json_object_get_array_member (object, "fields");

  g_assert_cmpint (json_object_get_int_member (summary, "fields_changed"), ==,
                   json_array_get_length (fields));
  return to_string (json_object_get_member (object, "fields"));
}

/* ---------------------------------------------------------------------------------------------- */
/* Tokens */

static void
test_split_clinical (void)
{
  assert_split ("Temp 38.4, BP 132/84; give q4h. Don't wait!",
                (const char *const[]){ "Temp", "38.4", ",", "BP", "132/84", ";", "give", "q4h", ".", "Don't",
                                       "wait", "!", NULL });
  assert_split ("Tylenol 650 mg p.o. at 14:30, post-op day 1, 1,000 mL NS",
                (const char *const[]){ "Tylenol", "650", "mg", "p.o", ".", "at", "14:30", ",", "post-op",
                                       "day", "1", ",", "1,000", "mL", "NS", NULL });
  assert_split (
      "patient\u2019s O2 sat 94% on 2L/min NC",
      (const char *const[]){ "patient\u2019s", "O2", "sat", "94", "%", "on", "2L/min", "NC", NULL });
}

static void
test_split_punctuation (void)
{
  assert_split ("(fever).", (const char *const[]){ "(", "fever", ")", ".", NULL });
  assert_split ("wait...then--go!!", (const char *const[]){ "wait", "...", "then", "--", "go", "!!", NULL });
  assert_split ("a,b 5:x -5 x- 'ok' nurses'",
                (const char *const[]){ "a", ",", "b", "5", ":", "x", "-", "5", "x", "-", "'", "ok", "'",
                                       "nurses", "'", NULL });
  assert_split ("snake_case x_1", (const char *const[]){ "snake_case", "x_1", NULL });
  assert_split ("1.", (const char *const[]){ "1", ".", NULL });
  assert_split (".5", (const char *const[]){ ".", "5", NULL });
}

static void
test_split_whitespace (void)
{
  g_auto (GStrv) none = el_diff_split_words (NULL);
  g_auto (GStrv) empty = el_diff_split_words ("");
  g_auto (GStrv) blank = el_diff_split_words (" \t\r\n\u00a0\u3000\u200b\u200e ");

  g_assert_cmpuint (g_strv_length (none), ==, 0);
  g_assert_cmpuint (g_strv_length (empty), ==, 0);
  g_assert_cmpuint (g_strv_length (blank), ==, 0);
  assert_split ("  one\ttwo\n\nthree  ", (const char *const[]){ "one", "two", "three", NULL });
  /* NO-BREAK SPACE and IDEOGRAPHIC SPACE separate words too. */
  assert_split ("5\u00a0mg\u3000IV", (const char *const[]){ "5", "mg", "IV", NULL });
}

static void
test_split_unicode (void)
{
  /* Accents, precomposed and with a combining mark. */
  assert_split ("café cafe\u0301 naïve", (const char *const[]){ "café", "cafe\u0301", "naïve", NULL });
  /* A combining mark never starts a token of its own after a letter. */
  assert_split ("a\u0301\u0327b", (const char *const[]){ "a\u0301\u0327b", NULL });
  /* Han and kana, one character per word; numbers inside stay whole. */
  assert_split ("患者は発熱", (const char *const[]){ "患", "者", "は", "発", "熱", NULL });
  assert_split ("体温38.4度。", (const char *const[]){ "体", "温", "38.4", "度", "。", NULL });
  /* Hangul is written with spaces. */
  assert_split ("환자 안정", (const char *const[]){ "환자", "안정", NULL });
  /* Thai: one cluster (consonant + marks) per word. */
  assert_split ("ไข้", (const char *const[]){ "ไ", "ข้", NULL });
  /* Emoji: ZWJ sequences, skin tones, flags and variation selectors stay whole. */
  assert_split (
      "pain😣 nurse👩\u200d⚕\ufe0f ok👍🏽 🇺🇸🇫🇷",
      (const char *const[]){ "pain", "😣", "nurse", "👩\u200d⚕\ufe0f", "ok", "👍🏽", "🇺🇸", "🇫🇷", NULL });
  /* Right to left: Hebrew, and Arabic with vowel marks; the mark and punctuation handling is the same. */
  assert_split ("החולה יציב.", (const char *const[]){ "החולה", "יציב", ".", NULL });
  assert_split ("المَرِيض مستقر، 38.4", (const char *const[]){ "المَرِيض", "مستقر", "،", "38.4", NULL });
  /* A mark after a bidi control character stays in the word it follows. */
  assert_split ("\u200fשלום\u200f!", (const char *const[]){ "שלום\u200f", "!", NULL });
}

static void
test_split_invalid_utf8 (void)
{
  /* Repaired, never a crash; the bad byte becomes U+FFFD, a symbol. */
  g_auto (GStrv) words = el_diff_split_words ("ok \xff end");

  g_assert_cmpuint (g_strv_length (words), ==, 3);
  g_assert_cmpstr (words[0], ==, "ok");
  g_assert_cmpstr (words[1], ==, "\xef\xbf\xbd");
  g_assert_cmpstr (words[2], ==, "end");
}

/* ---------------------------------------------------------------------------------------------- */
/* Word diff */

static void
test_words_identical (void)
{
  const char *text = "Pt is a 67yo M, afebrile, HR 88, BP 132/84.";
  g_autoptr (GPtrArray) ops = el_diff_words (text, text);
  g_autoptr (GPtrArray) full = el_diff_words_full (text, text);
  g_autoptr (GPtrArray) empty = el_diff_words ("", NULL);
  g_autoptr (GPtrArray) empty_full = el_diff_words_full (NULL, "");
  const ElDiffOp *op;

  g_assert_cmpuint (ops->len, ==, 0);
  g_assert_cmpuint (empty->len, ==, 0);
  g_assert_cmpuint (empty_full->len, ==, 0);
  g_assert_cmpuint (full->len, ==, 1);
  op = full->pdata[0];
  g_assert_cmpint (op->kind, ==, EL_DIFF_OP_EQUAL);
  g_assert_cmpuint (op->old_index, ==, 0);
  g_assert_cmpuint (op->old_count, ==, 14);
  g_assert_cmpuint (op->new_count, ==, 14);
  g_assert_cmpstr (op->old_text, ==, text);
  g_assert_cmpstr (op->new_text, ==, text);
}

static void
test_words_insert (void)
{
  assert_single_op ("HR 88 regular", "Now HR 88 regular", EL_DIFF_OP_INSERT, 0, "", "Now");
  assert_single_op ("HR 88 regular", "HR 88 bpm, regular", EL_DIFF_OP_INSERT, 2, "", "bpm,");
  assert_single_op ("HR 88 regular", "HR 88 regular and strong.", EL_DIFF_OP_INSERT, 3, "", "and strong.");
  assert_single_op ("", "New text here", EL_DIFF_OP_INSERT, 0, "", "New text here");
  assert_single_op (NULL, "  padded  ", EL_DIFF_OP_INSERT, 0, "", "padded");
}

static void
test_words_delete (void)
{
  assert_single_op ("Now HR 88 regular", "HR 88 regular", EL_DIFF_OP_DELETE, 0, "Now", "");
  assert_single_op ("HR 88 bpm, regular", "HR 88 regular", EL_DIFF_OP_DELETE, 2, "bpm,", "");
  assert_single_op ("HR 88 regular and strong.", "HR 88 regular", EL_DIFF_OP_DELETE, 3, "and strong.", "");
  assert_single_op ("Old  text\there", "", EL_DIFF_OP_DELETE, 0, "Old  text\there", "");
  assert_single_op ("Old text", NULL, EL_DIFF_OP_DELETE, 0, "Old text", "");
}

static void
test_words_replace (void)
{
  assert_single_op ("Temp 38.4 C", "T 38.4 C", EL_DIFF_OP_REPLACE, 0, "Temp", "T");
  assert_single_op ("Temp 38.4 C", "Temp 39.1 C", EL_DIFF_OP_REPLACE, 1, "38.4", "39.1");
  assert_single_op ("Temp 38.4 C", "Temp 38.4 F.", EL_DIFF_OP_REPLACE, 2, "C", "F.");
  assert_single_op ("BP 132/84 stable", "BP 90/60, dropping fast stable", EL_DIFF_OP_REPLACE, 1, "132/84",
                    "90/60, dropping fast");
  assert_single_op ("stable", "unstable", EL_DIFF_OP_REPLACE, 0, "stable", "unstable");
  /* Joining two words is a word change, not a white space one. */
  assert_single_op ("post op", "post-op", EL_DIFF_OP_REPLACE, 0, "post op", "post-op");
  check_diff ("Temp 38.4 C", "Temp 39.1 C");
}

static void
test_words_several (void)
{
  g_autoptr (GPtrArray) ops = el_diff_words ("a b c d e f g", "x b c e f g y");
  const ElDiffOp *op;

  g_assert_cmpuint (ops->len, ==, 3);
  op = ops->pdata[0];
  g_assert_cmpint (op->kind, ==, EL_DIFF_OP_REPLACE);
  g_assert_cmpuint (op->old_index, ==, 0);
  g_assert_cmpstr (op->old_text, ==, "a");
  g_assert_cmpstr (op->new_text, ==, "x");
  op = ops->pdata[1];
  g_assert_cmpint (op->kind, ==, EL_DIFF_OP_DELETE);
  g_assert_cmpuint (op->old_index, ==, 3);
  g_assert_cmpuint (op->new_index, ==, 3);
  g_assert_cmpstr (op->old_text, ==, "d");
  g_assert_cmpuint (op->new_offset, ==, 6); /* where "e" starts in the new text */
  op = ops->pdata[2];
  g_assert_cmpint (op->kind, ==, EL_DIFF_OP_INSERT);
  g_assert_cmpuint (op->old_index, ==, 7);
  g_assert_cmpuint (op->old_offset, ==, 13); /* the end of the old text */
  g_assert_cmpstr (op->new_text, ==, "y");
}

static void
test_words_whitespace (void)
{
  const char *a = "Pt stable.\nPlan: continue abx.";
  const char *b = "  Pt   stable. Plan :\tcontinue\r\nabx .  ";
  g_autoptr (GPtrArray) ops = el_diff_words (a, b);
  g_autoptr (GPtrArray) full = el_diff_words_full (a, b);
  const ElDiffOp *op;

  g_assert_cmpuint (ops->len, ==, 0);
  g_assert_cmpuint (full->len, ==, 1);
  op = full->pdata[0];
  g_assert_cmpint (op->kind, ==, EL_DIFF_OP_EQUAL);
  g_assert_cmpstr (op->old_text, ==, a);
  g_assert_cmpstr (op->new_text, ==, "Pt   stable. Plan :\tcontinue\r\nabx .");
  g_assert_cmpuint (op->new_offset, ==, 2);

  /* A word change next to a white space change reports the word only. */
  assert_single_op ("give  1 tab", "give\n2 tab", EL_DIFF_OP_REPLACE, 1, "1", "2");
}

static void
test_words_unicode (void)
{
  g_autoptr (GPtrArray) same = el_diff_words ("Patient café, naïve", "Patient cafe\u0301, nai\u0308ve");
  g_autoptr (GPtrArray) bidi = el_diff_words ("\u200eHR 88", "HR\u200e 88");

  /* Precomposed and decomposed accents are the same word; so are words with bidi marks. */
  g_assert_cmpuint (same->len, ==, 0);
  g_assert_cmpuint (bidi->len, ==, 0);

  assert_single_op ("Patient café stable", "Patient thé stable", EL_DIFF_OP_REPLACE, 1, "café", "thé");
  assert_single_op ("体温38.4度", "体温39.1度", EL_DIFF_OP_REPLACE, 2, "38.4", "39.1");
  assert_single_op ("患者は発熱", "患者は無熱", EL_DIFF_OP_REPLACE, 3, "発", "無");
  assert_single_op ("pain 😣 now", "pain 😊 now", EL_DIFF_OP_REPLACE, 1, "😣", "😊");
  assert_single_op ("ok 👍 go", "ok 👍🏽 go", EL_DIFF_OP_REPLACE, 1, "👍", "👍🏽");
  assert_single_op ("nurse 👩\u200d⚕\ufe0f here", "nurse here", EL_DIFF_OP_DELETE, 1, "👩\u200d⚕\ufe0f", "");
  assert_single_op ("a\u0301 b", "a\u0300 b", EL_DIFF_OP_REPLACE, 0, "a\u0301", "a\u0300");
  assert_single_op ("החולה יציב.", "החולה לא יציב.", EL_DIFF_OP_INSERT, 1, "", "לא");
  assert_single_op ("المريض مستقر", "المريض غير مستقر", EL_DIFF_OP_INSERT, 1, "", "غير");
  check_diff ("患者は発熱しています。", "患者は熱がありません。");
}

/* Small cases with a known shortest edit script. */
static void
test_words_minimal (void)
{
  /* Myers' paper: ABCABBA -> CBABAC has D = 5. */
  g_assert_cmpuint (check_diff ("A B C A B B A", "C B A B A C"), ==, 5);
  g_assert_cmpuint (check_diff ("a b c", "a b c"), ==, 0);
  g_assert_cmpuint (check_diff ("a b c", "c b a"), ==, 4);
  g_assert_cmpuint (check_diff ("a a a b", "b a a a"), ==, 2);
  g_assert_cmpuint (check_diff ("x y z", "p q r s"), ==, 7);
  g_assert_cmpuint (check_diff ("the cat sat on the mat", "the dog sat on a mat"), ==, 4);
  g_assert_cmpuint (check_diff ("a b a b a b", "b a b a b a"), ==, 2);
  g_assert_cmpuint (check_diff ("", "a"), ==, 1);
  g_assert_cmpuint (check_diff ("a", ""), ==, 1);
  g_assert_cmpuint (check_diff ("", ""), ==, 0);

  {
    /* "a b c" -> "a x c" is one replacement, not a deletion and an insertion. */
    g_autoptr (GPtrArray) ops = el_diff_words ("a b c", "a x c");
    g_assert_cmpuint (ops->len, ==, 1);
    g_assert_cmpint (((ElDiffOp *) ops->pdata[0])->kind, ==, EL_DIFF_OP_REPLACE);
  }
}

static const char *const vocabulary[] = {
  "a",     "b",  "c",  "the", "patient", "38.4",     "132/84", "q4h",  "don't", "café",    "cafe\u0301",
  "naïve", "患", "者", "発",  "😣",       "👍🏽", "🇺🇸",     "שלום", "مريض",  "a\u0301", ".",
  ",",     "(",  ")",  "...", "!",       "-",        "—",      "%",    "mg",    "stable",  "HR",
};

static const char *const separators[] = { " ", "  ", "\n", "\t", " \r\n ", "\u00a0", "\u3000" };

static GPtrArray *
random_words (GRand *rand, guint max_len, guint vocabulary_size)
{
  GPtrArray *words = g_ptr_array_new ();
  guint len = (guint) g_rand_int_range (rand, 0, (gint32) max_len + 1);

  for (guint i = 0; i < len; i++)
    g_ptr_array_add (words, (gpointer) vocabulary[g_rand_int_range (rand, 0, (gint32) vocabulary_size)]);
  return words;
}

static GPtrArray *
mutate_words (GRand *rand, GPtrArray *words, guint vocabulary_size)
{
  GPtrArray *out = g_ptr_array_new ();
  gint32 rate = g_rand_int_range (rand, 1, 60); /* percent */

  for (guint i = 0; i <= words->len; i++)
    {
      if (g_rand_int_range (rand, 0, 100) < rate / 2)
        g_ptr_array_add (out, (gpointer) vocabulary[g_rand_int_range (rand, 0, (gint32) vocabulary_size)]);
      if (i == words->len)
        break;
      if (g_rand_int_range (rand, 0, 100) < rate)
        {
          if (g_rand_boolean (rand))
            continue; /* delete */
          g_ptr_array_add (out, (gpointer) vocabulary[g_rand_int_range (rand, 0, (gint32) vocabulary_size)]);
          continue;
        }
      g_ptr_array_add (out, words->pdata[i]);
    }
  return out;
}

static char *
join_words (GRand *rand, GPtrArray *words)
{
  GString *text = g_string_new (NULL);

  if (g_rand_boolean (rand))
    g_string_append (text, separators[g_rand_int_range (rand, 0, G_N_ELEMENTS (separators))]);
  for (guint i = 0; i < words->len; i++)
    {
      if (i > 0)
        g_string_append (text, separators[g_rand_int_range (rand, 0, G_N_ELEMENTS (separators))]);
      g_string_append (text, words->pdata[i]);
    }
  return g_string_free (text, FALSE);
}

/* The text joins the words with white space, so it splits back into exactly these words. */
static void
assert_splits_into (const char *text, GPtrArray *words)
{
  g_auto (GStrv) split = el_diff_split_words (text);

  g_assert_cmpuint (g_strv_length (split), ==, words->len);
  for (guint i = 0; i < words->len; i++)
    g_assert_cmpstr (split[i], ==, words->pdata[i]);
}

static void
run_random (guint32 seed, guint cases, guint max_len, guint vocabulary_size)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);

  for (guint c = 0; c < cases; c++)
    {
      g_autoptr (GPtrArray) old_words = random_words (rand, max_len, vocabulary_size);
      g_autoptr (GPtrArray) new_words = c % 5 == 4 ? random_words (rand, max_len, vocabulary_size)
                                                   : mutate_words (rand, old_words, vocabulary_size);
      g_autofree char *old_text = join_words (rand, old_words);
      g_autofree char *new_text = join_words (rand, new_words);

      assert_splits_into (old_text, old_words);
      assert_splits_into (new_text, new_words);
      check_diff (old_text, new_text);
    }
}

static void
test_words_random_small (void)
{
  /* A 3-word alphabet: many equal words, many equally short scripts. */
  run_random (20261125, 400, 14, 3);
}

static void
test_words_random_unicode (void)
{
  run_random (4242, 300, 80, G_N_ELEMENTS (vocabulary));
}

static void
test_words_random_long (void)
{
  run_random (7, 20, 1500, G_N_ELEMENTS (vocabulary));
}

static void
test_words_large_disjoint (void)
{
  /* Two ~16 KiB sections with no word in common: one replacement of everything. */
  GString *a = g_string_new (NULL);
  GString *b = g_string_new (NULL);
  g_autoptr (GPtrArray) ops = NULL;
  g_autofree char *old_text = NULL;
  g_autofree char *new_text = NULL;

  for (guint i = 0; a->len < 16000; i++)
    g_string_append_printf (a, "w%u ", i);
  for (guint i = 0; b->len < 16000; i++)
    g_string_append_printf (b, "v%u ", i);
  old_text = g_string_free (a, FALSE);
  new_text = g_string_free (b, FALSE);

  ops = el_diff_words (old_text, new_text);
  g_assert_cmpuint (ops->len, ==, 1);
  g_assert_cmpint (((ElDiffOp *) ops->pdata[0])->kind, ==, EL_DIFF_OP_REPLACE);
  g_assert_cmpuint (((ElDiffOp *) ops->pdata[0])->old_index, ==, 0);
  g_assert_cmpuint (((ElDiffOp *) ops->pdata[0])->old_count, >, 2500);
}

static void
test_op_boxed (void)
{
  g_autoptr (GPtrArray) ops = el_diff_words ("a b", "a c");
  g_autoptr (ElDiffOp) copy = g_boxed_copy (EL_TYPE_DIFF_OP, ops->pdata[0]);

  g_assert_true (copy != ops->pdata[0]);
  g_assert_cmpint (copy->kind, ==, EL_DIFF_OP_REPLACE);
  g_assert_cmpuint (copy->old_index, ==, 1);
  g_assert_cmpstr (copy->old_text, ==, "b");
  g_assert_cmpstr (copy->new_text, ==, "c");
  g_assert_true (copy->old_text != ((ElDiffOp *) ops->pdata[0])->old_text);
  g_assert_cmpstr (el_diff_op_kind_to_string (EL_DIFF_OP_INSERT), ==, "insert");
  g_assert_cmpstr (el_diff_op_kind_to_string (EL_DIFF_OP_DELETE), ==, "delete");
  g_assert_cmpstr (el_diff_op_kind_to_string (EL_DIFF_OP_REPLACE), ==, "replace");
  g_assert_cmpstr (el_diff_op_kind_to_string (EL_DIFF_OP_EQUAL), ==, "equal");
}

/* ---------------------------------------------------------------------------------------------- */
/* Versions */

static void
test_versions_sections (void)
{
  g_autofree char *json = diff_json (
      "{\"version\": 3, \"situation\": \"Pt stable on room air.\", \"assessment\": \"Lungs clear.\","
      " \"recommendation\": \"Recheck BP at 14:00.\", \"fields\": {}}",
      "{\"version\": 4, \"situation\": \"Pt febrile on 2L NC.\", \"background\": \"CHF, DM2\","
      " \"assessment\": \"Lungs   clear.\\n\", \"fields\": {}}");

  g_assert_cmpstr (
      json, ==,
      "{\"from_version\":3,\"to_version\":4,\"sections\":{"
      "\"situation\":["
      "{\"op\":\"replace\",\"at\":1,\"old\":\"stable\",\"new\":\"febrile\"},"
      "{\"op\":\"replace\",\"at\":3,\"old\":\"room air\",\"new\":\"2L NC\"}],"
      "\"background\":[{\"op\":\"insert\",\"at\":0,\"old\":\"\",\"new\":\"CHF, DM2\"}],"
      "\"recommendation\":[{\"op\":\"delete\",\"at\":0,\"old\":\"Recheck BP at 14:00.\",\"new\":\"\"}]},"
      "\"fields\":[],"
      "\"summary\":{\"words_inserted\":6,\"words_deleted\":8,\"fields_changed\":0}}");
}

static void
test_versions_identical (void)
{
  const char *v = "{\"version\": 2, \"situation\": \"Stable.\", \"fields\": {\"diet\": {\"value\": \"NPO\"},"
                  " \"meds_due\": [{\"name\": \"heparin\"}]}}";
  g_autofree char *json = diff_json (v, v);

  g_assert_cmpstr (json, ==,
                   "{\"from_version\":2,\"to_version\":2,\"sections\":{},\"fields\":[],"
                   "\"summary\":{\"words_inserted\":0,\"words_deleted\":0,\"fields_changed\":0}}");
}

static void
test_versions_fields (void)
{
  g_autofree char *json = diff_fields_json (
      "{\"fields\": {"
      " \"code_status\": {\"value\": \"full_code\"},"
      " \"diet\": {\"value\": \"NPO\"},"
      " \"vitals\": {\"heart_rate\": {\"value\": 88}, \"temperature_c\": {\"value\": 38.5},"
      "              \"blood_pressure\": {\"systolic\": 132, \"diastolic\": 84}},"
      " \"allergies\": {\"no_known_allergies\": false, \"items\": [{\"substance\": \"penicillin\"}]}}}",
      "{\"fields\": {"
      " \"code_status\": {\"value\": \"dnr\"},"
      " \"mobility\": {\"value\": \"bed rest\"},"
      " \"vitals\": {\"heart_rate\": {\"value\": 112}, \"temperature_c\": {\"value\": 38.5},"
      "              \"blood_pressure\": {\"systolic\": 132, \"diastolic\": 84}, \"spo2\": {\"value\": 91}},"
      " \"allergies\": {\"no_known_allergies\": false,"
      "                 \"items\": [{\"substance\": \"penicillin\", \"reaction\": \"rash\"}, {\"substance\": "
      "\"latex\"}]}}}");

  g_assert_cmpstr (
      json, ==,
      "["
      "{\"path\":\"allergies.items[0].reaction\",\"op\":\"added\",\"new\":\"rash\"},"
      "{\"path\":\"allergies.items[1]\",\"op\":\"added\",\"new\":{\"substance\":\"latex\"}},"
      "{\"path\":\"code_status.value\",\"op\":\"changed\",\"old\":\"full_code\",\"new\":\"dnr\"},"
      "{\"path\":\"diet\",\"op\":\"removed\",\"old\":{\"value\":\"NPO\"}},"
      "{\"path\":\"mobility\",\"op\":\"added\",\"new\":{\"value\":\"bed rest\"}},"
      "{\"path\":\"vitals.heart_rate.value\",\"op\":\"changed\",\"old\":88,\"new\":112},"
      "{\"path\":\"vitals.spo2\",\"op\":\"added\",\"new\":{\"value\":91}}"
      "]");
}

static void
test_versions_arrays (void)
{
  GString *a = g_string_new ("{\"fields\": {\"meds_due\": [");
  GString *b = g_string_new ("{\"fields\": {\"meds_due\": [");
  g_autofree char *old_json = NULL;
  g_autofree char *new_json = NULL;
  g_autofree char *json = NULL;
  g_autofree char *removed = NULL;

  for (guint i = 0; i < 12; i++)
    {
      g_string_append_printf (a, "%s{\"name\": \"med%u\", \"dose\": \"%u mg\"}", i ? "," : "", i, i);
      g_string_append_printf (b, "%s{\"name\": \"med%u\", \"dose\": \"%u mg\"}", i ? "," : "", i,
                              i == 2 || i == 10 ? i * 2 : i);
    }
  g_string_append (a, "]}}");
  g_string_append (b, ",{\"name\": \"med12\"}]}}");
  old_json = g_string_free (a, FALSE);
  new_json = g_string_free (b, FALSE);

  /* Indices sort numerically: [2] before [10] before [12]. */
  json = diff_fields_json (old_json, new_json);
  g_assert_cmpstr (json, ==,
                   "["
                   "{\"path\":\"meds_due[2].dose\",\"op\":\"changed\",\"old\":\"2 mg\",\"new\":\"4 mg\"},"
                   "{\"path\":\"meds_due[10].dose\",\"op\":\"changed\",\"old\":\"10 mg\",\"new\":\"20 mg\"},"
                   "{\"path\":\"meds_due[12]\",\"op\":\"added\",\"new\":{\"name\":\"med12\"}}"
                   "]");

  removed =
      diff_fields_json ("{\"fields\": {\"todos\": [{\"description\": \"call MD\"}, {\"description\": \"x\"}],"
                        " \"pending\": []}}",
                        "{\"fields\": {\"todos\": [{\"description\": \"call MD\"}]}}");
  g_assert_cmpstr (removed, ==,
                   "["
                   "{\"path\":\"pending\",\"op\":\"removed\",\"old\":[]},"
                   "{\"path\":\"todos[1]\",\"op\":\"removed\",\"old\":{\"description\":\"x\"}}"
                   "]");
}

static void
test_versions_spans (void)
{
  /* Span-only differences (changed, added, removed spans) are not changes. */
  g_autofree char *none = diff_fields_json (
      "{\"fields\": {\"vitals\": {\"heart_rate\": {\"value\": 88, \"span\": {\"start\": 1, \"end\": 3}}},"
      " \"diet\": {\"value\": \"NPO\", \"span\": {\"start\": 10, \"end\": 13}},"
      " \"infusions\": [{\"description\": \"NS 75 mL/h\", \"span\": {\"start\": 1, \"end\": 9}}]}}",
      "{\"fields\": {\"vitals\": {\"heart_rate\": {\"value\": 88, \"span\": {\"start\": 5, \"end\": 9,"
      " \"confidence\": 0.5}}},"
      " \"diet\": {\"value\": \"NPO\"},"
      " \"infusions\": [{\"description\": \"NS 75 mL/h\", \"span\": {\"start\": 2, \"end\": 9}}]}}");
  /* Values in changes come without their spans; 38 and 38.0 are the same number. */
  g_autofree char *changed =
      diff_fields_json ("{\"fields\": {\"vitals\": {\"temperature_c\": {\"value\": 38}, \"pain\": "
                        "{\"value\": 3, \"span\": {\"start\": 0, "
                        "\"end\": 1}}}}}",
                        "{\"fields\": {\"vitals\": {\"temperature_c\": {\"value\": 38.0}},"
                        " \"room_bed\": {\"value\": \"412B\", \"span\": {\"start\": 4, \"end\": 8}}}}");

  g_assert_cmpstr (none, ==, "[]");
  g_assert_cmpstr (changed, ==,
                   "["
                   "{\"path\":\"room_bed\",\"op\":\"added\",\"new\":{\"value\":\"412B\"}},"
                   "{\"path\":\"vitals.pain\",\"op\":\"removed\",\"old\":{\"value\":3}}"
                   "]");
}

static void
test_versions_wrong_types (void)
{
  /* A type change is one "changed" at its path; fields that are not an object count as {};
   * sections that are not strings count as ""; a version without an integer "version" has no
   * number in the changes. */
  g_autofree char *json =
      diff_json ("{\"version\": \"1\", \"situation\": 42, \"fields\": [1, 2]}",
                 "{\"situation\": \"Now text\", \"fields\": {\"diet\": \"NPO\", \"vitals\": null}}");
  g_autofree char *type_change =
      diff_fields_json ("{\"fields\": {\"diet\": {\"value\": \"NPO\"}, \"todos\": []}}",
                        "{\"fields\": {\"diet\": \"NPO\", \"todos\": {}}}");

  g_assert_cmpstr (
      json, ==,
      "{\"sections\":{\"situation\":[{\"op\":\"insert\",\"at\":0,\"old\":\"\",\"new\":\"Now text\"}]},"
      "\"fields\":["
      "{\"path\":\"diet\",\"op\":\"added\",\"new\":\"NPO\"},"
      "{\"path\":\"vitals\",\"op\":\"added\",\"new\":null}],"
      "\"summary\":{\"words_inserted\":2,\"words_deleted\":0,\"fields_changed\":2}}");
  g_assert_cmpstr (type_change, ==,
                   "["
                   "{\"path\":\"diet\",\"op\":\"changed\",\"old\":{\"value\":\"NPO\"},\"new\":\"NPO\"},"
                   "{\"path\":\"todos\",\"op\":\"changed\",\"old\":[],\"new\":{}}"
                   "]");
}

static void
test_versions_from_nothing (void)
{
  g_autofree char *json = diff_json (NULL, "{\"version\": 1, \"recommendation\": \"Call MD if SBP < 90.\","
                                           " \"fields\": {\"code_status\": {\"value\": \"dnr\"}}}");
  g_autofree char *back = diff_json ("{\"version\": 1, \"fields\": {\"diet\": {\"value\": \"NPO\"}}}", NULL);

  g_assert_cmpstr (json, ==,
                   "{\"to_version\":1,\"sections\":{\"recommendation\":"
                   "[{\"op\":\"insert\",\"at\":0,\"old\":\"\",\"new\":\"Call MD if SBP < 90.\"}]},"
                   "\"fields\":[{\"path\":\"code_status\",\"op\":\"added\",\"new\":{\"value\":\"dnr\"}}],"
                   "\"summary\":{\"words_inserted\":7,\"words_deleted\":0,\"fields_changed\":1}}");
  g_assert_cmpstr (back, ==,
                   "{\"from_version\":1,\"sections\":{},"
                   "\"fields\":[{\"path\":\"diet\",\"op\":\"removed\",\"old\":{\"value\":\"NPO\"}}],"
                   "\"summary\":{\"words_inserted\":0,\"words_deleted\":0,\"fields_changed\":1}}");
}

/* Applies stored section ops to @old_text's words; returns the resulting words joined by spaces. */
static char *
apply_stored_ops (const char *old_text, JsonArray *ops)
{
  g_auto (GStrv) old_words = el_diff_split_words (old_text);
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  guint pos = 0;

  for (guint i = 0; i < json_array_get_length (ops); i++)
    {
      JsonObject *op = json_array_get_object_element (ops, i);
      guint at = json_object_get_int_member (op, "at");
      g_auto (GStrv) removed = el_diff_split_words (json_object_get_string_member (op, "old"));
      g_auto (GStrv) added = el_diff_split_words (json_object_get_string_member (op, "new"));

      g_assert_cmpuint (at, >=, pos);
      for (; pos < at; pos++)
        g_ptr_array_add (out, g_strdup (old_words[pos]));
      for (guint k = 0; removed[k] != NULL; k++, pos++)
        g_assert_cmpstr (old_words[pos], ==, removed[k]);
      for (guint k = 0; added[k] != NULL; k++)
        g_ptr_array_add (out, g_strdup (added[k]));
    }
  for (; old_words[pos] != NULL; pos++)
    g_ptr_array_add (out, g_strdup (old_words[pos]));
  g_ptr_array_add (out, NULL);

  return g_strjoinv (" ", (char **) out->pdata);
}

/* A rewrite with more ops than a decoder accepts in an array is stored condensed, still exact. */
static void
test_versions_condensed (void)
{
  g_autoptr (GString) old_text = g_string_new (NULL);
  g_autoptr (GString) new_text = g_string_new (NULL);
  g_autoptr (JsonObject) a = json_object_new ();
  g_autoptr (JsonObject) b = json_object_new ();
  JsonObject *old_fields = json_object_new ();
  JsonObject *new_fields = json_object_new ();
  JsonArray *old_meds = json_array_new ();
  JsonArray *new_meds = json_array_new ();
  g_autoptr (JsonNode) changes = NULL;
  g_auto (GStrv) expected_words = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *rebuilt = NULL;
  JsonObject *object, *summary, *change;
  JsonArray *ops, *fields;

  /* 1000 words, every fourth replaced: 250 separate replacements. */
  for (guint i = 0; i < 1000; i++)
    {
      g_string_append_printf (old_text, "w%u ", i);
      g_string_append_printf (new_text, i % 4 == 0 ? "x%u " : "w%u ", i);
    }
  /* 200 meds, each with a changed name and dose: 400 leaf changes. */
  for (guint i = 0; i < 200; i++)
    {
      JsonObject *med = json_object_new ();
      json_object_set_string_member (med, "name", "heparin");
      json_object_set_string_member (med, "dose", "5000 units");
      json_array_add_object_element (old_meds, med);
      med = json_object_new ();
      json_object_set_string_member (med, "name", "enoxaparin");
      json_object_set_string_member (med, "dose", "40 mg");
      json_array_add_object_element (new_meds, med);
    }
  json_object_set_array_member (old_fields, "meds_due", old_meds);
  json_object_set_array_member (new_fields, "meds_due", new_meds);
  json_object_set_object_member (old_fields, "diet", json_object_new ());
  json_object_set_string_member (a, "situation", old_text->str);
  json_object_set_string_member (b, "situation", new_text->str);
  json_object_set_object_member (a, "fields", old_fields);
  json_object_set_object_member (b, "fields", new_fields);

  changes = el_diff_versions (a, b);
  object = json_node_get_object (changes);
  summary = json_object_get_object_member (object, "summary");
  ops = json_object_get_array_member (json_object_get_object_member (object, "sections"), "situation");
  fields = json_object_get_array_member (object, "fields");

  g_assert_cmpuint (json_array_get_length (ops), <=, 200);
  g_assert_cmpuint (json_array_get_length (ops), >=, 100);
  g_assert_cmpint (json_object_get_int_member (summary, "words_inserted"), ==, 250);
  g_assert_cmpint (json_object_get_int_member (summary, "words_deleted"), ==, 250);
  expected_words = el_diff_split_words (new_text->str);
  expected = g_strjoinv (" ", expected_words);
  rebuilt = apply_stored_ops (old_text->str, ops);
  g_assert_cmpstr (rebuilt, ==, expected);

  /* Fields: one entry per changed top-level field, the whole value on both sides. */
  g_assert_cmpint (json_object_get_int_member (summary, "fields_changed"), ==, 401);
  g_assert_cmpuint (json_array_get_length (fields), ==, 2);
  change = json_array_get_object_element (fields, 0);
  g_assert_cmpstr (json_object_get_string_member (change, "path"), ==, "diet");
  g_assert_cmpstr (json_object_get_string_member (change, "op"), ==, "removed");
  change = json_array_get_object_element (fields, 1);
  g_assert_cmpstr (json_object_get_string_member (change, "path"), ==, "meds_due");
  g_assert_cmpstr (json_object_get_string_member (change, "op"), ==, "changed");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (change, "new")), ==, 200);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/el/diff/split/clinical", test_split_clinical);
  g_test_add_func ("/el/diff/split/punctuation", test_split_punctuation);
  g_test_add_func ("/el/diff/split/whitespace", test_split_whitespace);
  g_test_add_func ("/el/diff/split/unicode", test_split_unicode);
  g_test_add_func ("/el/diff/split/invalid-utf8", test_split_invalid_utf8);
  g_test_add_func ("/el/diff/words/identical", test_words_identical);
  g_test_add_func ("/el/diff/words/insert", test_words_insert);
  g_test_add_func ("/el/diff/words/delete", test_words_delete);
  g_test_add_func ("/el/diff/words/replace", test_words_replace);
  g_test_add_func ("/el/diff/words/several", test_words_several);
  g_test_add_func ("/el/diff/words/whitespace", test_words_whitespace);
  g_test_add_func ("/el/diff/words/unicode", test_words_unicode);
  g_test_add_func ("/el/diff/words/minimal", test_words_minimal);
  g_test_add_func ("/el/diff/words/random-small", test_words_random_small);
  g_test_add_func ("/el/diff/words/random-unicode", test_words_random_unicode);
  g_test_add_func ("/el/diff/words/random-long", test_words_random_long);
  g_test_add_func ("/el/diff/words/large-disjoint", test_words_large_disjoint);
  g_test_add_func ("/el/diff/op/boxed", test_op_boxed);
  g_test_add_func ("/el/diff/versions/sections", test_versions_sections);
  g_test_add_func ("/el/diff/versions/identical", test_versions_identical);
  g_test_add_func ("/el/diff/versions/fields", test_versions_fields);
  g_test_add_func ("/el/diff/versions/arrays", test_versions_arrays);
  g_test_add_func ("/el/diff/versions/spans", test_versions_spans);
  g_test_add_func ("/el/diff/versions/wrong-types", test_versions_wrong_types);
  g_test_add_func ("/el/diff/versions/from-nothing", test_versions_from_nothing);
  g_test_add_func ("/el/diff/versions/condensed", test_versions_condensed);

  return g_test_run ();
}
