/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "el-diff.h"
#include "el-model-limits.h"

#include <string.h>

/*
 * Word diff of SBAR sections and field diff of SBAR versions (the spec's "Changes" object).
 *
 * Tokens. Text is cut into grapheme-like clusters (a character plus its combining marks, variation
 * selectors, emoji modifiers, format characters, and whatever follows a ZERO WIDTH JOINER; a pair
 * of regional indicators is one flag). A cluster is white space, a word character (a letter, a
 * number, a mark or a connector such as '_'), or a symbol (punctuation, emoji, ...). Then:
 * - white space (including U+200B, and format characters that follow white space) separates
 *   tokens and is never one, so changes in white space alone are not word changes;
 * - a word is a run of word characters, also joined across one '.' or '/' or '-' between letters
 *   or digits ("38.4", "132/84", "p.o", "post-op", "COVID-19"), one ',' or ':' between digits
 *   ("1,000", "14:30"), and one apostrophe (' or U+2019) between letters ("don't");
 * - every character of a script written without spaces (Han, Hiragana, Katakana, Bopomofo, Thai,
 *   Lao, Khmer, Myanmar) is a word of its own, since core has no dictionary to find real words;
 * - every other symbol is a token of its own, except that a run of the same symbol ("...", "--",
 *   "!!") is one token. Punctuation next to a word is therefore its own token: "fever)." is
 *   "fever", ")", ".".
 * Tokens are compared after NFC normalization with format characters removed, so "café" typed
 * precomposed or decomposed, or a stray LEFT-TO-RIGHT MARK, is not a change. Invalid UTF-8 is
 * first repaired with g_utf8_make_valid(); offsets then refer to the repaired text.
 *
 * Diff. Myers' O((N+M)D) algorithm in its linear-space form (middle snake, divide and conquer, as
 * in GNU diff's analyze.c), after setting aside the words only one text has (they are edits in
 * every script) and stripping the common prefix and suffix. It is exact (a minimal number of
 * inserted plus deleted words) whenever N+M <= 32768 words, which covers any two sections within
 * the spec's 16 KiB limit. On bigger inputs, a middle-snake search that needs more than
 * max (4096, 2^29 / (N+M)) edit steps gives up on minimality for that sub-problem and splits at the
 * furthest point reached (GNU diff's "too expensive" heuristic): the script stays valid and each
 * search costs at most about 2^30 steps.
 */

/* ---------------------------------------------------------------------------------------------- */
/* Tokens */

typedef enum
{
  CLASS_SPACE,
  CLASS_WORD,
  CLASS_ISOLATED,
  CLASS_SYMBOL,
} CharClass;

typedef struct
{
  gsize start;
  gsize end;
  gunichar base;
  CharClass klass;
} Cluster;

typedef struct
{
  gsize start;
  gsize end;
} Token;

static gboolean
is_space (gunichar c)
{
  /* g_unichar_isspace() leaves out VT and NEL. */
  return g_unichar_isspace (c) || c == '\v' || c == 0x85 || c == 0x200B;
}

static gboolean
is_extender (gunichar c)
{
  switch (g_unichar_type (c))
    {
      case G_UNICODE_NON_SPACING_MARK:
      case G_UNICODE_SPACING_MARK:
      case G_UNICODE_ENCLOSING_MARK:
        return TRUE;
      case G_UNICODE_FORMAT:
        return c != 0x200B;
      default:
        return c >= 0x1F3FB && c <= 0x1F3FF; /* emoji skin tone modifiers */
    }
}

static gboolean
is_regional_indicator (gunichar c)
{
  return c >= 0x1F1E6 && c <= 0x1F1FF;
}

static gboolean
is_alnum (gunichar c)
{
  switch (g_unichar_type (c))
    {
      case G_UNICODE_UPPERCASE_LETTER:
      case G_UNICODE_LOWERCASE_LETTER:
      case G_UNICODE_TITLECASE_LETTER:
      case G_UNICODE_MODIFIER_LETTER:
      case G_UNICODE_OTHER_LETTER:
      case G_UNICODE_DECIMAL_NUMBER:
      case G_UNICODE_LETTER_NUMBER:
      case G_UNICODE_OTHER_NUMBER:
        return TRUE;
      default:
        return FALSE;
    }
}

static gboolean
is_unspaced_script (gunichar c)
{
  switch (g_unichar_get_script (c))
    {
      case G_UNICODE_SCRIPT_HAN:
      case G_UNICODE_SCRIPT_HIRAGANA:
      case G_UNICODE_SCRIPT_KATAKANA:
      case G_UNICODE_SCRIPT_BOPOMOFO:
      case G_UNICODE_SCRIPT_THAI:
      case G_UNICODE_SCRIPT_LAO:
      case G_UNICODE_SCRIPT_KHMER:
      case G_UNICODE_SCRIPT_MYANMAR:
        return TRUE;
      default:
        return FALSE;
    }
}

static CharClass
classify (gunichar c)
{
  if (c < 0x80)
    return g_ascii_isalnum ((char) c) || c == '_' ? CLASS_WORD : CLASS_SYMBOL;

  switch (g_unichar_type (c))
    {
      case G_UNICODE_UPPERCASE_LETTER:
      case G_UNICODE_LOWERCASE_LETTER:
      case G_UNICODE_TITLECASE_LETTER:
      case G_UNICODE_MODIFIER_LETTER:
      case G_UNICODE_OTHER_LETTER:
      case G_UNICODE_DECIMAL_NUMBER:
      case G_UNICODE_LETTER_NUMBER:
      case G_UNICODE_OTHER_NUMBER:
        return is_unspaced_script (c) ? CLASS_ISOLATED : CLASS_WORD;
      case G_UNICODE_NON_SPACING_MARK:
      case G_UNICODE_SPACING_MARK:
      case G_UNICODE_ENCLOSING_MARK:
      case G_UNICODE_CONNECT_PUNCTUATION:
        return CLASS_WORD;
      default:
        return CLASS_SYMBOL;
    }
}

/* Reads the cluster that starts at @pos (< @len) of the valid, NUL-terminated @text. */
static void
read_cluster (const char *text, gsize len, gsize pos, Cluster *out)
{
  const char *end = text + len;
  const char *p = text + pos;
  gunichar c = g_utf8_get_char (p);

  p = g_utf8_next_char (p);
  out->start = pos;
  out->base = c;

  /* White space is never extended; a format character that does not follow a cluster it could
   * belong to (start of text, after white space) is as invisible as white space. */
  if (is_space (c) || g_unichar_type (c) == G_UNICODE_FORMAT)
    {
      out->klass = CLASS_SPACE;
      out->end = (gsize) (p - text);
      return;
    }

  if (is_regional_indicator (c) && p < end && is_regional_indicator (g_utf8_get_char (p)))
    p = g_utf8_next_char (p);

  while (p < end && (guchar) *p >= 0x80) /* no ASCII character extends a cluster */
    {
      gunichar n = g_utf8_get_char (p);

      if (!is_extender (n))
        break;
      p = g_utf8_next_char (p);
      if (n == 0x200D && p < end && !is_space (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
    }

  out->end = (gsize) (p - text);
  out->klass = classify (c);
}

static gboolean
is_single_char (const char *text, const Cluster *cluster)
{
  return (gsize) (g_utf8_next_char (text + cluster->start) - text) == cluster->end;
}

static gboolean
joins_words (gunichar before, gunichar joiner, gunichar after)
{
  switch (joiner)
    {
      case '.':
      case '/':
      case '-':
      case 0x2010: /* HYPHEN */
        return is_alnum (before) && is_alnum (after);
      case ',':
      case ':':
        return g_unichar_isdigit (before) && g_unichar_isdigit (after);
      case '\'':
      case 0x2019: /* RIGHT SINGLE QUOTATION MARK, the typographic apostrophe */
        return g_unichar_isalpha (before) && g_unichar_isalpha (after);
      default:
        return FALSE;
    }
}

/* Appends the tokens of the valid, NUL-terminated @text (@len bytes) to @tokens. */
static void
tokenize (const char *text, gsize len, GArray *tokens)
{
  gsize pos = 0;

  while (pos < len)
    {
      Cluster c;
      Token token;

      read_cluster (text, len, pos, &c);
      pos = c.end;
      if (c.klass == CLASS_SPACE)
        continue;

      if (c.klass == CLASS_WORD)
        {
          gunichar last = c.base;

          while (pos < len)
            {
              Cluster n;
              Cluster after;

              read_cluster (text, len, pos, &n);
              if (n.klass == CLASS_WORD)
                {
                  pos = n.end;
                  last = n.base;
                  continue;
                }
              if (n.klass != CLASS_SYMBOL || n.end >= len || !is_single_char (text, &n))
                break;
              read_cluster (text, len, n.end, &after);
              if (after.klass != CLASS_WORD || !joins_words (last, n.base, after.base))
                break;
              pos = after.end;
              last = after.base;
            }
        }
      else if (c.klass == CLASS_SYMBOL)
        {
          gsize size = c.end - c.start;

          while (pos + size <= len && memcmp (text + pos, text + c.start, size) == 0)
            {
              Cluster n;

              read_cluster (text, len, pos, &n);
              if (n.end - n.start != size)
                break;
              pos = n.end;
            }
        }

      token.start = c.start;
      token.end = pos;
      g_array_append_val (tokens, token);
    }
}

/* The comparison key of a token: NFC, without format characters. */
static char *
make_key (const char *s, gsize len)
{
  g_autofree char *nfc = NULL;
  GString *key;

  for (gsize i = 0; i < len; i++)
    if ((guchar) s[i] >= 0x80)
      goto unicode;
  return g_strndup (s, len);

unicode:
  nfc = g_utf8_normalize (s, (gssize) len, G_NORMALIZE_NFC);
  if (nfc == NULL)
    return g_strndup (s, len);
  key = g_string_sized_new (len);
  for (const char *p = nfc; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_type (c) != G_UNICODE_FORMAT)
        g_string_append_unichar (key, c);
    }
  return g_string_free (key, FALSE);
}

typedef struct
{
  char *owned;
  const char *text;
  gsize len;
  GArray *tokens;
  guint *ids;
} Words;

static void
words_init (Words *words, const char *text, GHashTable *interned)
{
  if (text == NULL)
    text = "";
  if (!g_utf8_validate (text, -1, NULL))
    text = words->owned = g_utf8_make_valid (text, -1);
  else
    words->owned = NULL;
  words->text = text;
  words->len = strlen (text);
  words->tokens = g_array_new (FALSE, FALSE, sizeof (Token));
  tokenize (text, words->len, words->tokens);
  words->ids = NULL;

  if (interned == NULL)
    return;

  words->ids = g_new (guint, words->tokens->len + 1);
  for (guint i = 0; i < words->tokens->len; i++)
    {
      const Token *t = &g_array_index (words->tokens, Token, i);
      char *key = make_key (text + t->start, t->end - t->start);
      gpointer id = g_hash_table_lookup (interned, key);

      if (id == NULL)
        {
          id = GUINT_TO_POINTER (g_hash_table_size (interned) + 1);
          g_hash_table_insert (interned, key, id);
        }
      else
        g_free (key);
      words->ids[i] = GPOINTER_TO_UINT (id);
    }
}

static void
words_clear (Words *words)
{
  g_clear_pointer (&words->owned, g_free);
  g_clear_pointer (&words->tokens, g_array_unref);
  g_clear_pointer (&words->ids, g_free);
}

/**
 * el_diff_split_words:
 * @text: (nullable): UTF-8 text
 *
 * Cuts @text into the tokens the word diff compares: words and punctuation, without white space
 * (see the top of el-diff.c for the rules).
 *
 * Returns: (transfer full): a %NULL-terminated array of tokens, as written in @text
 */
char **
el_diff_split_words (const char *text)
{
  Words words;
  GPtrArray *out;

  words_init (&words, text, NULL);
  out = g_ptr_array_sized_new (words.tokens->len + 1);
  for (guint i = 0; i < words.tokens->len; i++)
    {
      const Token *t = &g_array_index (words.tokens, Token, i);
      g_ptr_array_add (out, g_strndup (words.text + t->start, t->end - t->start));
    }
  g_ptr_array_add (out, NULL);
  words_clear (&words);
  return (char **) g_ptr_array_free (out, FALSE);
}

/* ---------------------------------------------------------------------------------------------- */
/* Myers' diff, linear space */

#define WORK_BUDGET    ((gssize) 1 << 29)
#define MIN_COST_LIMIT ((gssize) 4096)

typedef struct
{
  const guint *xv;
  const guint *yv;
  gssize *fd; /* forward furthest x per diagonal, indexed by k = x - y */
  gssize *bd; /* backward furthest x per diagonal */
  gssize too_expensive;
  guint8 *xchg; /* old token i deleted */
  guint8 *ychg; /* new token j inserted */
} Myers;

typedef struct
{
  gssize xoff, xlim, yoff, ylim;
} Range;

/* Finds a point (xmid, ymid) on an optimal path from (xoff, yoff) to (xlim, ylim): the middle snake. */
static void
myers_split (Myers *m, const Range *r, gssize *xmid, gssize *ymid)
{
  gssize *const fd = m->fd;
  gssize *const bd = m->bd;
  const guint *const xv = m->xv;
  const guint *const yv = m->yv;
  const gssize dmin = r->xoff - r->ylim;
  const gssize dmax = r->xlim - r->yoff;
  const gssize fmid = r->xoff - r->yoff;
  const gssize bmid = r->xlim - r->ylim;
  const gboolean odd = ((fmid - bmid) & 1) != 0;
  gssize fmin = fmid, fmax = fmid;
  gssize bmin = bmid, bmax = bmid;

  fd[fmid] = r->xoff;
  bd[bmid] = r->xlim;

  for (gssize c = 1;; c++)
    {
      gssize fxybest = -1, fxbest = 0;
      gssize bxybest = G_MAXSSIZE, bxbest = 0;

      if (fmin > dmin)
        fd[--fmin - 1] = -1;
      else
        fmin++;
      if (fmax < dmax)
        fd[++fmax + 1] = -1;
      else
        fmax--;
      for (gssize d = fmax; d >= fmin; d -= 2)
        {
          gssize tlo = fd[d - 1], thi = fd[d + 1];
          gssize x = tlo >= thi ? tlo + 1 : thi;
          gssize y = x - d;

          while (x < r->xlim && y < r->ylim && xv[x] == yv[y])
            x++, y++;
          fd[d] = x;
          if (odd && bmin <= d && d <= bmax && bd[d] <= x)
            {
              *xmid = x;
              *ymid = y;
              return;
            }
        }

      if (bmin > dmin)
        bd[--bmin - 1] = G_MAXSSIZE;
      else
        bmin++;
      if (bmax < dmax)
        bd[++bmax + 1] = G_MAXSSIZE;
      else
        bmax--;
      for (gssize d = bmax; d >= bmin; d -= 2)
        {
          gssize tlo = bd[d - 1], thi = bd[d + 1];
          gssize x = tlo < thi ? tlo : thi - 1;
          gssize y = x - d;

          while (x > r->xoff && y > r->yoff && xv[x - 1] == yv[y - 1])
            x--, y--;
          bd[d] = x;
          if (!odd && fmin <= d && d <= fmax && x <= fd[d])
            {
              *xmid = x;
              *ymid = y;
              return;
            }
        }

      if (c < m->too_expensive)
        continue;

      /* Too expensive: split where the forward or backward search got furthest. */
      for (gssize d = fmax; d >= fmin; d -= 2)
        {
          gssize x = MIN (fd[d], r->xlim);
          gssize y = x - d;

          if (r->ylim < y)
            x = r->ylim + d, y = r->ylim;
          if (fxybest < x + y)
            fxybest = x + y, fxbest = x;
        }
      for (gssize d = bmax; d >= bmin; d -= 2)
        {
          gssize x = MAX (r->xoff, bd[d]);
          gssize y = x - d;

          if (y < r->yoff)
            x = r->yoff + d, y = r->yoff;
          if (x + y < bxybest)
            bxybest = x + y, bxbest = x;
        }
      if ((r->xlim + r->ylim) - bxybest < fxybest - (r->xoff + r->yoff))
        {
          *xmid = fxbest;
          *ymid = fxybest - fxbest;
        }
      else
        {
          *xmid = bxbest;
          *ymid = bxybest - bxbest;
        }
      return;
    }
}

/* Marks @xchg / @ychg for a shortest edit script between xv[0..n) and yv[0..nm). */
static void
myers_diff (const guint *xv, gssize n, const guint *yv, gssize nm, guint8 *xchg, guint8 *ychg)
{
  g_autoptr (GArray) stack = g_array_new (FALSE, FALSE, sizeof (Range));
  g_autofree gssize *fstore = g_new (gssize, n + nm + 3);
  g_autofree gssize *bstore = g_new (gssize, n + nm + 3);
  Myers m = {
    .xv = xv,
    .yv = yv,
    .fd = fstore + nm + 1,
    .bd = bstore + nm + 1,
    .too_expensive = MAX (MIN_COST_LIMIT, WORK_BUDGET / MAX (n + nm, 1)),
    .xchg = xchg,
    .ychg = ychg,
  };
  Range top = { 0, n, 0, nm };

  g_array_append_val (stack, top);
  while (stack->len > 0)
    {
      Range r = g_array_index (stack, Range, stack->len - 1);
      gssize xmid = 0, ymid = 0;

      g_array_set_size (stack, stack->len - 1);

      while (r.xoff < r.xlim && r.yoff < r.ylim && xv[r.xoff] == yv[r.yoff])
        r.xoff++, r.yoff++;
      while (r.xlim > r.xoff && r.ylim > r.yoff && xv[r.xlim - 1] == yv[r.ylim - 1])
        r.xlim--, r.ylim--;

      if (r.xoff == r.xlim)
        {
          for (gssize j = r.yoff; j < r.ylim; j++)
            ychg[j] = 1;
        }
      else if (r.yoff == r.ylim)
        {
          for (gssize i = r.xoff; i < r.xlim; i++)
            xchg[i] = 1;
        }
      else
        {
          Range lo, hi;

          myers_split (&m, &r, &xmid, &ymid);
          lo = (Range){ r.xoff, xmid, r.yoff, ymid };
          hi = (Range){ xmid, r.xlim, ymid, r.ylim };
          g_array_append_val (stack, hi);
          g_array_append_val (stack, lo);
        }
    }
}

/* ---------------------------------------------------------------------------------------------- */
/* Ops */

G_DEFINE_BOXED_TYPE (ElDiffOp, el_diff_op, el_diff_op_copy, el_diff_op_free)

ElDiffOp *
el_diff_op_copy (const ElDiffOp *op)
{
  ElDiffOp *copy;

  g_return_val_if_fail (op != NULL, NULL);

  copy = g_memdup2 (op, sizeof *op);
  copy->old_text = g_strdup (op->old_text);
  copy->new_text = g_strdup (op->new_text);
  return copy;
}

void
el_diff_op_free (ElDiffOp *op)
{
  if (op == NULL)
    return;
  g_free (op->old_text);
  g_free (op->new_text);
  g_free (op);
}

/**
 * el_diff_op_kind_to_string:
 * @kind: a kind
 *
 * Returns: the spec's name of @kind: "insert", "delete", "replace" (or "equal")
 */
const char *
el_diff_op_kind_to_string (ElDiffOpKind kind)
{
  switch (kind)
    {
      case EL_DIFF_OP_EQUAL:
        return "equal";
      case EL_DIFF_OP_INSERT:
        return "insert";
      case EL_DIFF_OP_DELETE:
        return "delete";
      case EL_DIFF_OP_REPLACE:
        return "replace";
      default:
        g_return_val_if_reached (NULL);
    }
}

/* Byte range of tokens [index, index + count): for count 0, the start of token @index. */
static void
words_range (const Words *words, guint index, guint count, gsize *offset, gsize *length)
{
  const GArray *tokens = words->tokens;

  if (count == 0)
    {
      *offset = index < tokens->len ? g_array_index (tokens, Token, index).start : words->len;
      *length = 0;
      return;
    }
  *offset = g_array_index (tokens, Token, index).start;
  *length = g_array_index (tokens, Token, index + count - 1).end - *offset;
}

static void
add_op (GPtrArray *ops,
        const Words *a,
        const Words *b,
        guint i,
        guint n_old,
        guint j,
        guint n_new,
        gboolean equal)
{
  ElDiffOp *op = g_new0 (ElDiffOp, 1);

  if (equal)
    op->kind = EL_DIFF_OP_EQUAL;
  else if (n_old == 0)
    op->kind = EL_DIFF_OP_INSERT;
  else if (n_new == 0)
    op->kind = EL_DIFF_OP_DELETE;
  else
    op->kind = EL_DIFF_OP_REPLACE;
  op->old_index = i;
  op->old_count = n_old;
  op->new_index = j;
  op->new_count = n_new;
  words_range (a, i, n_old, &op->old_offset, &op->old_length);
  words_range (b, j, n_new, &op->new_offset, &op->new_length);
  op->old_text = g_strndup (a->text + op->old_offset, op->old_length);
  op->new_text = g_strndup (b->text + op->new_offset, op->new_length);
  g_ptr_array_add (ops, op);
}

/* A word that occurs in only one of the texts is an edit in every script, and leaving it out does
 * not change which scripts are shortest for the rest: diff only the words both texts use. This makes
 * unrelated texts, the worst case of Myers' algorithm, cost linear time. */
static void
mark_changes (const Words *a, const Words *b, guint n_ids, guint8 *xchg, guint8 *ychg)
{
  guint n = a->tokens->len, m = b->tokens->len;
  g_autofree guint8 *in_a = g_new0 (guint8, n_ids + 1);
  g_autofree guint8 *in_b = g_new0 (guint8, n_ids + 1);
  g_autofree guint *xi = g_new (guint, n + 1);
  g_autofree guint *yi = g_new (guint, m + 1);
  g_autofree guint *xv = g_new (guint, n + 1);
  g_autofree guint *yv = g_new (guint, m + 1);
  g_autofree guint8 *xc = NULL;
  g_autofree guint8 *yc = NULL;
  guint nx = 0, ny = 0;

  for (guint i = 0; i < n; i++)
    in_a[a->ids[i]] = 1;
  for (guint j = 0; j < m; j++)
    in_b[b->ids[j]] = 1;
  for (guint i = 0; i < n; i++)
    {
      xchg[i] = 1;
      if (in_b[a->ids[i]])
        xi[nx] = i, xv[nx++] = a->ids[i];
    }
  for (guint j = 0; j < m; j++)
    {
      ychg[j] = 1;
      if (in_a[b->ids[j]])
        yi[ny] = j, yv[ny++] = b->ids[j];
    }

  xc = g_new0 (guint8, nx + 1);
  yc = g_new0 (guint8, ny + 1);
  myers_diff (xv, nx, yv, ny, xc, yc);
  for (guint k = 0; k < nx; k++)
    xchg[xi[k]] = xc[k];
  for (guint k = 0; k < ny; k++)
    ychg[yi[k]] = yc[k];
}

static GPtrArray *
diff_words (const char *old_text, const char *new_text, gboolean with_equal)
{
  g_autoptr (GHashTable) interned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree guint8 *xchg = NULL;
  g_autofree guint8 *ychg = NULL;
  GPtrArray *ops = g_ptr_array_new_with_free_func ((GDestroyNotify) el_diff_op_free);
  Words a, b;
  guint n, m, i = 0, j = 0;

  words_init (&a, old_text, interned);
  words_init (&b, new_text, interned);
  n = a.tokens->len;
  m = b.tokens->len;
  xchg = g_new0 (guint8, n + 1);
  ychg = g_new0 (guint8, m + 1);

  mark_changes (&a, &b, g_hash_table_size (interned), xchg, ychg);

  while (i < n || j < m)
    {
      guint i0 = i, j0 = j;

      if (i < n && j < m && !xchg[i] && !ychg[j])
        {
          while (i < n && j < m && !xchg[i] && !ychg[j])
            i++, j++;
          if (with_equal)
            add_op (ops, &a, &b, i0, i - i0, j0, j - j0, TRUE);
          continue;
        }

      while (i < n && xchg[i])
        i++;
      while (j < m && ychg[j])
        j++;
      if (i == i0 && j == j0)
        {
          /* Cannot happen with a consistent script; never loop forever. */
          g_warn_if_reached ();
          i = n;
          j = m;
        }
      add_op (ops, &a, &b, i0, i - i0, j0, j - j0, FALSE);
    }

  words_clear (&a);
  words_clear (&b);
  return ops;
}

/**
 * el_diff_words:
 * @old_text: (nullable): the old text (%NULL is "")
 * @new_text: (nullable): the new text (%NULL is "")
 *
 * A shortest word diff from @old_text to @new_text: insertions, deletions and replacements (a
 * deletion and an insertion at the same place), in text order. Identical texts, and texts that
 * differ only in white space, give no ops.
 *
 * Returns: (transfer full) (element-type ElDiffOp): the ops
 */
GPtrArray *
el_diff_words (const char *old_text, const char *new_text)
{
  return diff_words (old_text, new_text, FALSE);
}

/**
 * el_diff_words_full:
 * @old_text: (nullable): the old text (%NULL is "")
 * @new_text: (nullable): the new text (%NULL is "")
 *
 * Like el_diff_words(), with the runs of equal words in between as %EL_DIFF_OP_EQUAL ops, so that
 * the ops cover every word of both texts in order (for a view that renders the whole text).
 *
 * Returns: (transfer full) (element-type ElDiffOp): the ops
 */
GPtrArray *
el_diff_words_full (const char *old_text, const char *new_text)
{
  return diff_words (old_text, new_text, TRUE);
}

/* ---------------------------------------------------------------------------------------------- */
/* Versions */

static const char *const section_names[] = { "situation", "background", "assessment", "recommendation" };

static JsonNode *
get_member (JsonObject *object, const char *name)
{
  return object != NULL ? json_object_get_member (object, name) : NULL;
}

static const char *
get_section (JsonObject *version, const char *name)
{
  JsonNode *node = get_member (version, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return "";
  return json_node_get_string (node);
}

static gboolean
is_number (JsonNode *node)
{
  GType type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Member names of @a and @b, without "span", sorted and without duplicates. */
static GPtrArray *
union_of_members (JsonObject *a, JsonObject *b)
{
  GPtrArray *names = g_ptr_array_new ();
  JsonObject *objects[2] = { a, b };
  guint out = 0;

  for (guint k = 0; k < 2; k++)
    {
      GList *members = json_object_get_members (objects[k]);
      for (GList *l = members; l != NULL; l = l->next)
        if (!g_str_equal (l->data, "span"))
          g_ptr_array_add (names, l->data);
      g_list_free (members);
    }
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    if (out == 0 || strcmp (names->pdata[out - 1], names->pdata[i]) != 0)
      names->pdata[out++] = names->pdata[i];
  g_ptr_array_set_size (names, out);
  return names;
}

/* Deep equality of two JSON values, ignoring "span" members; 38 == 38.0. */
static gboolean
nodes_equal (JsonNode *a, JsonNode *b)
{
  if (JSON_NODE_TYPE (a) != JSON_NODE_TYPE (b))
    return FALSE;

  switch (JSON_NODE_TYPE (a))
    {
      case JSON_NODE_NULL:
        return TRUE;

      case JSON_NODE_VALUE:
        if (is_number (a) && is_number (b))
          {
            if (json_node_get_value_type (a) == G_TYPE_INT64 && json_node_get_value_type (b) == G_TYPE_INT64)
              return json_node_get_int (a) == json_node_get_int (b);
            return !(json_node_get_double (a) < json_node_get_double (b)) &&
                   !(json_node_get_double (a) > json_node_get_double (b));
          }
        if (json_node_get_value_type (a) != json_node_get_value_type (b))
          return FALSE;
        if (json_node_get_value_type (a) == G_TYPE_BOOLEAN)
          return json_node_get_boolean (a) == json_node_get_boolean (b);
        if (json_node_get_value_type (a) == G_TYPE_STRING)
          return g_strcmp0 (json_node_get_string (a), json_node_get_string (b)) == 0;
        return FALSE;

      case JSON_NODE_ARRAY:
        {
          JsonArray *x = json_node_get_array (a);
          JsonArray *y = json_node_get_array (b);
          guint len = json_array_get_length (x);

          if (len != json_array_get_length (y))
            return FALSE;
          for (guint i = 0; i < len; i++)
            if (!nodes_equal (json_array_get_element (x, i), json_array_get_element (y, i)))
              return FALSE;
          return TRUE;
        }

      case JSON_NODE_OBJECT:
        {
          JsonObject *x = json_node_get_object (a);
          JsonObject *y = json_node_get_object (b);
          g_autoptr (GPtrArray) names = union_of_members (x, y);

          for (guint i = 0; i < names->len; i++)
            {
              JsonNode *u = json_object_get_member (x, names->pdata[i]);
              JsonNode *v = json_object_get_member (y, names->pdata[i]);
              if (u == NULL || v == NULL || !nodes_equal (u, v))
                return FALSE;
            }
          return TRUE;
        }

      default:
        return FALSE;
    }
}

/* A deep copy of @node without any "span" member. */
static JsonNode *
copy_without_spans (JsonNode *node)
{
  JsonNode *copy;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      JsonObject *out = json_object_new ();
      GList *members = json_object_get_members (object);

      for (GList *l = members; l != NULL; l = l->next)
        if (!g_str_equal (l->data, "span"))
          json_object_set_member (out, l->data,
                                  copy_without_spans (json_object_get_member (object, l->data)));
      g_list_free (members);
      copy = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (copy, out);
      return copy;
    }

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      JsonArray *out = json_array_sized_new (json_array_get_length (array));

      for (guint i = 0; i < json_array_get_length (array); i++)
        json_array_add_element (out, copy_without_spans (json_array_get_element (array, i)));
      copy = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (copy, out);
      return copy;
    }

  return json_node_copy (node);
}

static void
add_field_change (
    JsonArray *changes, const char *path, const char *op, JsonNode *old_value, JsonNode *new_value)
{
  JsonObject *change = json_object_new ();

  json_object_set_string_member (change, "path", path);
  json_object_set_string_member (change, "op", op);
  if (old_value != NULL)
    json_object_set_member (change, "old", copy_without_spans (old_value));
  if (new_value != NULL)
    json_object_set_member (change, "new", copy_without_spans (new_value));
  json_array_add_object_element (changes, change);
}

/* Walks @a and @b (either may be %NULL = absent) below @path, in path order. */
static void
diff_fields (GString *path, JsonNode *a, JsonNode *b, JsonArray *changes)
{
  gsize len = path->len;

  if (a == NULL && b == NULL)
    return;
  if (a == NULL)
    {
      add_field_change (changes, path->str, "added", NULL, b);
      return;
    }
  if (b == NULL)
    {
      add_field_change (changes, path->str, "removed", a, NULL);
      return;
    }

  if (JSON_NODE_HOLDS_OBJECT (a) && JSON_NODE_HOLDS_OBJECT (b))
    {
      JsonObject *x = json_node_get_object (a);
      JsonObject *y = json_node_get_object (b);
      g_autoptr (GPtrArray) names = union_of_members (x, y);

      for (guint i = 0; i < names->len; i++)
        {
          const char *name = names->pdata[i];

          if (len > 0)
            g_string_append_c (path, '.');
          g_string_append (path, name);
          diff_fields (path, json_object_get_member (x, name), json_object_get_member (y, name), changes);
          g_string_truncate (path, len);
        }
      return;
    }

  if (JSON_NODE_HOLDS_ARRAY (a) && JSON_NODE_HOLDS_ARRAY (b))
    {
      JsonArray *x = json_node_get_array (a);
      JsonArray *y = json_node_get_array (b);
      guint lx = json_array_get_length (x);
      guint ly = json_array_get_length (y);

      for (guint i = 0; i < MAX (lx, ly); i++)
        {
          g_string_append_printf (path, "[%u]", i);
          diff_fields (path, i < lx ? json_array_get_element (x, i) : NULL,
                       i < ly ? json_array_get_element (y, i) : NULL, changes);
          g_string_truncate (path, len);
        }
      return;
    }

  if (!nodes_equal (a, b))
    add_field_change (changes, path->str, "changed", a, b);
}

static void
copy_version_number (JsonObject *changes, const char *name, JsonObject *version)
{
  JsonNode *node = get_member (version, "version");

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    json_object_set_int_member (changes, name, json_node_get_int (node));
}

static JsonObject *
op_to_json (const ElDiffOp *op)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "op", el_diff_op_kind_to_string (op->kind));
  json_object_set_int_member (object, "at", op->old_index);
  json_object_set_string_member (object, "old", op->old_text);
  json_object_set_string_member (object, "new", op->new_text);
  return object;
}

/* A stored section diff has at most %EL_MODEL_MAX_ARRAY_ITEMS ops, the decoders' array limit. A
 * larger diff (a rewrite) is stored with runs of consecutive ops merged into one replacement each,
 * from the first op's words to the last one's; the op counts in "summary" stay exact. */
static JsonArray *
ops_to_json (GPtrArray *ops, const char *old_text, const char *new_text)
{
  guint group = (ops->len + EL_MODEL_MAX_ARRAY_ITEMS - 1) / EL_MODEL_MAX_ARRAY_ITEMS;
  JsonArray *array = json_array_sized_new (MIN (ops->len, EL_MODEL_MAX_ARRAY_ITEMS));

  if (group <= 1)
    {
      for (guint i = 0; i < ops->len; i++)
        json_array_add_object_element (array, op_to_json (ops->pdata[i]));
      return array;
    }

  for (guint i = 0; i < ops->len; i += group)
    {
      const ElDiffOp *first = ops->pdata[i];
      const ElDiffOp *last = ops->pdata[MIN (i + group, ops->len) - 1];
      gsize old_end = last->old_offset + last->old_length;
      gsize new_end = last->new_offset + last->new_length;
      g_autofree char *old_part = g_strndup (old_text + first->old_offset, old_end - first->old_offset);
      g_autofree char *new_part = g_strndup (new_text + first->new_offset, new_end - first->new_offset);
      ElDiffOp merged = {
        .kind = EL_DIFF_OP_REPLACE,
        .old_index = first->old_index,
        .old_text = old_part,
        .new_text = new_part,
      };

      if (*old_part == '\0')
        merged.kind = EL_DIFF_OP_INSERT;
      else if (*new_part == '\0')
        merged.kind = EL_DIFF_OP_DELETE;
      json_array_add_object_element (array, op_to_json (&merged));
    }
  return array;
}

/* One entry per top-level field that differs (spans ignored), with the whole old and new value. */
static void
diff_top_level_fields (JsonObject *old_fields, JsonObject *new_fields, JsonArray *changes)
{
  g_autoptr (GPtrArray) names = union_of_members (old_fields, new_fields);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = names->pdata[i];
      JsonNode *a = json_object_get_member (old_fields, name);
      JsonNode *b = json_object_get_member (new_fields, name);

      if (a == NULL)
        add_field_change (changes, name, "added", NULL, b);
      else if (b == NULL)
        add_field_change (changes, name, "removed", a, NULL);
      else if (!nodes_equal (a, b))
        add_field_change (changes, name, "changed", a, b);
    }
}

/**
 * el_diff_versions:
 * @old_version: (nullable): the earlier SBAR version in its JSON form (%NULL: an empty one)
 * @new_version: (nullable): the later one (%NULL: an empty one)
 *
 * The spec's `Changes` object from @old_version to @new_version:
 * - `from_version`, `to_version`: the versions' "version" numbers, each omitted when that version
 *   has no integer "version";
 * - `sections`: word ops (el_diff_words()) of each section whose words changed, in S, B, A, R order;
 *   a section that is absent or not a string is "";
 * - `fields`: one entry per difference between the two "fields" objects (absent or not an object
 *   is {}), found by walking both trees: objects member by member, arrays index by index. A value
 *   present on one side only is "added" or "removed" at the highest path where it is; values that
 *   differ otherwise (scalars, or a change of JSON type) are "changed" at their own path, e.g.
 *   `vitals.heart_rate.value`, `meds_due[2].dose`, `allergies.items[0]`. "span" members are
 *   ignored everywhere: they make no change and are left out of "old"/"new". Entries are sorted by
 *   path segment by segment (member names by byte order, array indices numerically);
 * - both arrays stay within %EL_MODEL_MAX_ARRAY_ITEMS so the result decodes: a section with more
 *   ops has runs of consecutive ops merged into single replacements, and more field entries are
 *   replaced by one entry per changed top-level field with its whole old and new value;
 * - `summary`: words_inserted and words_deleted over all sections (a replacement counts both),
 *   fields_changed = the number of leaf differences found (the length of `fields` unless it was
 *   condensed as above). These counts are always exact.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
el_diff_versions (JsonObject *old_version, JsonObject *new_version)
{
  g_autoptr (GString) path = g_string_new (NULL);
  g_autoptr (JsonNode) empty = json_node_new (JSON_NODE_OBJECT);
  JsonObject *result = json_object_new ();
  JsonObject *sections = json_object_new ();
  JsonArray *fields = json_array_new ();
  JsonObject *summary = json_object_new ();
  JsonNode *old_fields = get_member (old_version, "fields");
  JsonNode *new_fields = get_member (new_version, "fields");
  JsonNode *node;
  gint64 inserted = 0, deleted = 0;
  guint fields_changed;

  json_node_take_object (empty, json_object_new ());
  copy_version_number (result, "from_version", old_version);
  copy_version_number (result, "to_version", new_version);

  for (guint s = 0; s < G_N_ELEMENTS (section_names); s++)
    {
      const char *old_text = get_section (old_version, section_names[s]);
      const char *new_text = get_section (new_version, section_names[s]);
      g_autoptr (GPtrArray) ops = NULL;
      JsonArray *array;

      if (g_str_equal (old_text, new_text))
        continue;
      ops = el_diff_words (old_text, new_text);
      if (ops->len == 0)
        continue;

      for (guint i = 0; i < ops->len; i++)
        {
          const ElDiffOp *op = ops->pdata[i];
          inserted += op->new_count;
          deleted += op->old_count;
        }
      array = ops_to_json (ops, old_text, new_text);
      json_object_set_array_member (sections, section_names[s], array);
    }

  if (old_fields == NULL || !JSON_NODE_HOLDS_OBJECT (old_fields))
    old_fields = empty;
  if (new_fields == NULL || !JSON_NODE_HOLDS_OBJECT (new_fields))
    new_fields = empty;
  diff_fields (path, old_fields, new_fields, fields);
  fields_changed = json_array_get_length (fields);
  if (fields_changed > EL_MODEL_MAX_ARRAY_ITEMS)
    {
      /* Too many leaf changes to store: say instead which whole fields changed. */
      json_array_unref (fields);
      fields = json_array_new ();
      diff_top_level_fields (json_node_get_object (old_fields), json_node_get_object (new_fields), fields);
    }

  json_object_set_int_member (summary, "words_inserted", inserted);
  json_object_set_int_member (summary, "words_deleted", deleted);
  json_object_set_int_member (summary, "fields_changed", fields_changed);

  json_object_set_object_member (result, "sections", sections);
  json_object_set_array_member (result, "fields", fields);
  json_object_set_object_member (result, "summary", summary);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, result);
  return node;
}
