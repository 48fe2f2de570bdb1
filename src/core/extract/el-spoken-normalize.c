/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "el-spoken-normalize.h"

/*
 * Two passes: the text is split into raw tokens (runs of letters and digits, with '.', ':' between
 * digits and '/' between letters or digits kept inside; hyphens separate; any other non-space
 * character is a one-character punctuation token), then a left-to-right scan turns runs of raw
 * tokens into written values (numbers, times, blood pressures...). Each output token covers whole
 * raw tokens, except a written "2L" / "5mg", which is split into a number and a unit at the first
 * letter.
 */

typedef struct
{
  gint64 start, end; /* code points */
  char *low;         /* lower-cased */
  gboolean punct;
  gboolean digit; /* starts with an ASCII digit */
} Raw;

typedef enum
{
  NW_NONE,
  NW_ONES, /* zero .. nine */
  NW_OH,   /* "oh", "o": zero in digit-by-digit numbers */
  NW_TEEN, /* ten .. nineteen */
  NW_TENS, /* twenty .. ninety */
  NW_HUNDRED,
  NW_THOUSAND,
} NumWord;

static const struct
{
  const char *word;
  int value;
  NumWord kind;
} number_words[] = {
  { "zero", 0, NW_ONES },
  { "one", 1, NW_ONES },
  { "two", 2, NW_ONES },
  { "three", 3, NW_ONES },
  { "four", 4, NW_ONES },
  { "five", 5, NW_ONES },
  { "six", 6, NW_ONES },
  { "seven", 7, NW_ONES },
  { "eight", 8, NW_ONES },
  { "nine", 9, NW_ONES },
  { "oh", 0, NW_OH },
  { "o", 0, NW_OH },
  { "ten", 10, NW_TEEN },
  { "eleven", 11, NW_TEEN },
  { "twelve", 12, NW_TEEN },
  { "thirteen", 13, NW_TEEN },
  { "fourteen", 14, NW_TEEN },
  { "fifteen", 15, NW_TEEN },
  { "sixteen", 16, NW_TEEN },
  { "seventeen", 17, NW_TEEN },
  { "eighteen", 18, NW_TEEN },
  { "nineteen", 19, NW_TEEN },
  { "twenty", 20, NW_TENS },
  { "thirty", 30, NW_TENS },
  { "forty", 40, NW_TENS },
  { "fourty", 40, NW_TENS },
  { "fifty", 50, NW_TENS },
  { "sixty", 60, NW_TENS },
  { "seventy", 70, NW_TENS },
  { "eighty", 80, NW_TENS },
  { "ninety", 90, NW_TENS },
  { "hundred", 100, NW_HUNDRED },
  { "thousand", 1000, NW_THOUSAND },
};

typedef struct
{
  const char *words[4]; /* lower-case, NULL-terminated */
  const char *text;
  ElSpokenKind kind;
  gboolean after_number_only;
} Phrase;

static const Phrase phrases[] = {
  /* abbreviations */
  { { "nasal", "cannula", NULL }, "NC", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "nc", NULL }, "NC", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "room", "air", NULL }, "RA", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "non", "rebreather", NULL }, "NRB", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "nonrebreather", NULL }, "NRB", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "by", "mouth", NULL }, "PO", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "p", "o", NULL }, "PO", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "po", NULL }, "PO", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "orally", NULL }, "PO", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "i", "v", NULL }, "IV", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "iv", NULL }, "IV", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "intravenous", NULL }, "IV", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "intravenously", NULL }, "IV", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "sub", "q", NULL }, "subcut", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "subq", NULL }, "subcut", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "subcut", NULL }, "subcut", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "subcutaneous", NULL }, "subcut", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "subcutaneously", NULL }, "subcut", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "intramuscular", NULL }, "IM", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "intramuscularly", NULL }, "IM", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "im", NULL }, "IM", EL_SPOKEN_KIND_ABBREVIATION, TRUE },
  { { "sublingual", NULL }, "SL", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "sublingually", NULL }, "SL", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "per", "rectum", NULL }, "PR", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "rectally", NULL }, "PR", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "o2", "sat", NULL }, "SpO2", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "o2", "sats", NULL }, "SpO2", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "oxygen", "saturation", NULL }, "SpO2", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "pulse", "ox", NULL }, "SpO2", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "pulse", "oximetry", NULL }, "SpO2", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "sat", NULL }, "SpO2", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "sats", NULL }, "SpO2", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "saturation", NULL }, "SpO2", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "saturating", NULL }, "SpO2", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "satting", NULL }, "SpO2", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "spo2", NULL }, "SpO2", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "sating", NULL }, "SpO2", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  /* letters said one by one (speech recognisers write "d n r") */
  { { "d", "n", "r" }, "DNR", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "d", "n", "i" }, "DNI", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "c", "m", "o" }, "CMO", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  { { "n", "k", "a" }, "NKA", EL_SPOKEN_KIND_ABBREVIATION, FALSE },
  /* units */
  { { "milligram", NULL }, "mg", EL_SPOKEN_KIND_UNIT, FALSE },
  { { "milligrams", NULL }, "mg", EL_SPOKEN_KIND_UNIT, FALSE },
  { { "mg", NULL }, "mg", EL_SPOKEN_KIND_UNIT, FALSE },
  { { "mgs", NULL }, "mg", EL_SPOKEN_KIND_UNIT, FALSE },
  { { "gram", NULL }, "g", EL_SPOKEN_KIND_UNIT, FALSE },
  { { "grams", NULL }, "g", EL_SPOKEN_KIND_UNIT, FALSE },
  { { "gm", NULL }, "g", EL_SPOKEN_KIND_UNIT, TRUE },
  { { "g", NULL }, "g", EL_SPOKEN_KIND_UNIT, TRUE },
  { { "microgram", NULL }, "mcg", EL_SPOKEN_KIND_UNIT, FALSE },
  { { "micrograms", NULL }, "mcg", EL_SPOKEN_KIND_UNIT, FALSE },
  { { "mcg", NULL }, "mcg", EL_SPOKEN_KIND_UNIT, FALSE },
  { { "unit", NULL }, "units", EL_SPOKEN_KIND_UNIT, FALSE },
  { { "units", NULL }, "units", EL_SPOKEN_KIND_UNIT, FALSE },
  { { "milliliter", NULL }, "mL", EL_SPOKEN_KIND_UNIT, FALSE },
  { { "milliliters", NULL }, "mL", EL_SPOKEN_KIND_UNIT, FALSE },
  { { "millilitre", NULL }, "mL", EL_SPOKEN_KIND_UNIT, FALSE },
  { { "millilitres", NULL }, "mL", EL_SPOKEN_KIND_UNIT, FALSE },
  { { "ml", NULL }, "mL", EL_SPOKEN_KIND_UNIT, FALSE },
  { { "mls", NULL }, "mL", EL_SPOKEN_KIND_UNIT, FALSE },
  { { "cc", NULL }, "mL", EL_SPOKEN_KIND_UNIT, TRUE },
  { { "ccs", NULL }, "mL", EL_SPOKEN_KIND_UNIT, TRUE },
  { { "liter", NULL }, "L", EL_SPOKEN_KIND_UNIT, FALSE },
  { { "liters", NULL }, "L", EL_SPOKEN_KIND_UNIT, FALSE },
  { { "litre", NULL }, "L", EL_SPOKEN_KIND_UNIT, FALSE },
  { { "litres", NULL }, "L", EL_SPOKEN_KIND_UNIT, FALSE },
  { { "lpm", NULL }, "L", EL_SPOKEN_KIND_UNIT, TRUE },
  { { "l", NULL }, "L", EL_SPOKEN_KIND_UNIT, TRUE },
  { { "milliequivalent", NULL }, "mEq", EL_SPOKEN_KIND_UNIT, FALSE },
  { { "milliequivalents", NULL }, "mEq", EL_SPOKEN_KIND_UNIT, FALSE },
  { { "meq", NULL }, "mEq", EL_SPOKEN_KIND_UNIT, FALSE },
  { { "celsius", NULL }, "°C", EL_SPOKEN_KIND_UNIT, FALSE },
  { { "centigrade", NULL }, "°C", EL_SPOKEN_KIND_UNIT, FALSE },
  { { "c", NULL }, "°C", EL_SPOKEN_KIND_UNIT, TRUE },
  { { "fahrenheit", NULL }, "°F", EL_SPOKEN_KIND_UNIT, FALSE },
  { { "f", NULL }, "°F", EL_SPOKEN_KIND_UNIT, TRUE },
};

/* Words after which a bare spoken hour is a time ("at two thirty"). */
static const char *const time_context_words[] = {
  "at", "by", "around", "until", "till", "til", "before", "after", "from", "due", "since", "@", NULL,
};

#define MAX_DIGITS 15

const char *
el_spoken_kind_to_string (ElSpokenKind kind)
{
  static const char *const names[] = { "word",    "punct", "number", "time",        "blood_pressure",
                                       "percent", "score", "unit",   "abbreviation" };

  if ((guint) kind >= G_N_ELEMENTS (names))
    return NULL;
  return names[kind];
}

/* Raw tokens */

static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c) || g_unichar_ismark (c);
}

static char *
lower_slice (const char *p, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if ((guchar) p[i] >= 0x80)
      return g_utf8_strdown (p, len);
  return g_ascii_strdown (p, len);
}

static void
raw_clear (gpointer data)
{
  Raw *raw = data;
  g_free (raw->low);
}

static GArray *
split_raw (const char *text)
{
  GArray *raws = g_array_new (FALSE, TRUE, sizeof (Raw));
  const char *p = text, *tok_p = NULL;
  gint64 pos = 0, tok_start = -1;
  gunichar prev = 0;

  g_array_set_clear_func (raws, raw_clear);

#define END_TOKEN(endp)                                                                                  \
  G_STMT_START                                                                                           \
  {                                                                                                      \
    if (tok_start >= 0)                                                                                  \
      {                                                                                                  \
        Raw r = { tok_start, pos, lower_slice (tok_p, (endp) -tok_p), FALSE, g_ascii_isdigit (*tok_p) }; \
        g_array_append_val (raws, r);                                                                    \
        tok_start = -1;                                                                                  \
      }                                                                                                  \
  }                                                                                                      \
  G_STMT_END

  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char (p);
      const char *next = g_utf8_next_char (p);
      gunichar after = *next != '\0' ? g_utf8_get_char (next) : 0;

      if (is_word_char (c))
        {
          if (tok_start < 0)
            {
              tok_start = pos;
              tok_p = p;
            }
        }
      else if (tok_start >= 0 && after != 0 &&
               (((c == '.' || c == ':') && g_unichar_isdigit (prev) && g_unichar_isdigit (after)) ||
                (c == '/' && is_word_char (prev) && is_word_char (after)) ||
                ((c == '\'' || c == 0x2019) && g_unichar_isalpha (prev) && g_unichar_isalpha (after))))
        {
          /* joined: 38.4, 14:00, 132/84, DNR/DNI, don't */
        }
      else
        {
          END_TOKEN (p);
          if (!g_unichar_isspace (c) && c != '-' && c != 0x2010 && c != 0x2011)
            {
              Raw r = { pos, pos + 1, g_strndup (p, next - p), TRUE, FALSE };
              g_array_append_val (raws, r);
            }
        }
      prev = c;
      p = next;
      pos++;
    }
  END_TOKEN (p);
#undef END_TOKEN
  return raws;
}

/* Helpers over raw tokens */

typedef struct
{
  const Raw *raws;
  guint n;
} Ctx;

static const char *
low_at (const Ctx *ctx, guint i)
{
  if (i >= ctx->n || ctx->raws[i].punct)
    return NULL;
  return ctx->raws[i].low;
}

static gboolean
word_is (const Ctx *ctx, guint i, const char *word)
{
  const char *low = low_at (ctx, i);
  return low != NULL && strcmp (low, word) == 0;
}

static NumWord
num_word (const Ctx *ctx, guint i, int *value)
{
  const char *low = low_at (ctx, i);

  if (low == NULL)
    return NW_NONE;
  for (guint k = 0; k < G_N_ELEMENTS (number_words); k++)
    if (strcmp (low, number_words[k].word) == 0)
      {
        if (value != NULL)
          *value = number_words[k].value;
        return number_words[k].kind;
      }
  return NW_NONE;
}

static gboolean
is_digit_word (const Ctx *ctx, guint i, int *value)
{
  NumWord kind = num_word (ctx, i, value);
  return kind == NW_ONES || kind == NW_OH;
}

static gboolean
in_time_context (const Ctx *ctx, guint i)
{
  const char *low = i > 0 ? low_at (ctx, i - 1) : NULL;

  if (i > 0 && ctx->raws[i - 1].punct && strcmp (ctx->raws[i - 1].low, "@") == 0)
    return TRUE;
  if (low == NULL)
    return FALSE;
  return g_strv_contains (time_context_words, low);
}

/* "am"/"pm"/"a m"/"p m"/"o'clock" at @i: returns the raw tokens it covers (0 if none) and sets
 * *pm to 1 (pm), 0 (am) or -1 (o'clock). */
static guint
match_meridiem (const Ctx *ctx, guint i, int *pm)
{
  if (word_is (ctx, i, "am") || word_is (ctx, i, "pm"))
    {
      *pm = word_is (ctx, i, "pm");
      return 1;
    }
  if ((word_is (ctx, i, "a") || word_is (ctx, i, "p")) && word_is (ctx, i + 1, "m"))
    {
      *pm = word_is (ctx, i, "p");
      return 2;
    }
  if (word_is (ctx, i, "o'clock") || word_is (ctx, i, "o’clock") || word_is (ctx, i, "oclock"))
    {
      *pm = -1;
      return 1;
    }
  return 0;
}

static gboolean
is_unit_word (const Ctx *ctx, guint i)
{
  const char *low = low_at (ctx, i);

  if (low == NULL)
    return FALSE;
  for (guint k = 0; k < G_N_ELEMENTS (phrases); k++)
    if (phrases[k].kind == EL_SPOKEN_KIND_UNIT && phrases[k].words[1] == NULL &&
        strcmp (phrases[k].words[0], low) == 0)
      return TRUE;
  return FALSE;
}

/* A spoken hour 0..23 at @i ("two", "fourteen", "twenty two"); returns raw tokens used. */
static guint
parse_hour (const Ctx *ctx, guint i, int *hour)
{
  int v = 0, w = 0;
  NumWord kind = num_word (ctx, i, &v);

  if (kind == NW_ONES || kind == NW_TEEN)
    {
      *hour = v;
      return 1;
    }
  if (kind == NW_TENS && v == 20)
    {
      if (num_word (ctx, i + 1, &w) == NW_ONES && w >= 1 && w <= 3)
        {
          *hour = 20 + w;
          return 2;
        }
      *hour = 20;
      return 1;
    }
  return 0;
}

/* Spoken minutes 1..59 at @i ("oh five", "fifteen", "thirty", "forty five"). */
static guint
parse_minutes (const Ctx *ctx, guint i, int *minutes)
{
  int v = 0, w = 0;
  NumWord kind = num_word (ctx, i, &v);

  if (kind == NW_OH && num_word (ctx, i + 1, &w) == NW_ONES && w >= 1)
    {
      *minutes = w;
      return 2;
    }
  if (kind == NW_TEEN)
    {
      *minutes = v;
      return 1;
    }
  if (kind == NW_TENS && v <= 50)
    {
      if (num_word (ctx, i + 1, &w) == NW_ONES && w >= 1)
        {
          *minutes = v + w;
          return 2;
        }
      *minutes = v;
      return 1;
    }
  return 0;
}

/* The spoken time forms; returns the raw tokens used (0: not a time). */
static guint
parse_spoken_time (const Ctx *ctx, guint i, int *hour, int *minute)
{
  int h = -1, m = 0, pm = -1, d = 0;
  guint used, k;
  gboolean context = in_time_context (ctx, i);

  /* "oh eight hundred", "oh eight thirty" */
  if (num_word (ctx, i, NULL) == NW_OH && num_word (ctx, i + 1, &d) == NW_ONES)
    {
      if (num_word (ctx, i + 2, NULL) == NW_HUNDRED)
        {
          k = i + 3;
          if (word_is (ctx, k, "hours"))
            k++;
          *hour = d;
          *minute = 0;
          return k - i;
        }
      if ((used = parse_minutes (ctx, i + 2, &m)) > 0 && num_word (ctx, i + 2, NULL) != NW_OH)
        {
          *hour = d;
          *minute = m;
          return 2 + used;
        }
      return 0;
    }

  used = parse_hour (ctx, i, &h);
  if (used == 0)
    return 0;
  k = i + used;

  /* "twenty two hundred [hours]" */
  if (num_word (ctx, k, NULL) == NW_HUNDRED)
    {
      NumWord after = num_word (ctx, k + 1, NULL);
      gboolean hours = word_is (ctx, k + 1, "hours");

      NumWord after_and = num_word (ctx, k + 2, NULL);

      if (after == NW_ONES || after == NW_TEEN || after == NW_TENS ||
          (word_is (ctx, k + 1, "and") &&
           (after_and == NW_ONES || after_and == NW_TEEN || after_and == NW_TENS)) ||
          is_unit_word (ctx, k + 1) || num_word (ctx, k + 1, NULL) == NW_THOUSAND)
        return 0;
      if (h >= 10 || hours || context)
        {
          *hour = h;
          *minute = 0;
          return k + 1 - i + (hours ? 1 : 0);
        }
      return 0;
    }

  /* "two thirty", "fourteen thirty" */
  if ((used = parse_minutes (ctx, k, &m)) > 0)
    {
      guint mer = match_meridiem (ctx, k + used, &pm);

      if (mer > 0 || context || h >= 13)
        {
          if (is_unit_word (ctx, k + used))
            return 0;
          if (pm == 1 && h < 12)
            h += 12;
          else if (pm == 0 && h == 12)
            h = 0;
          *hour = h;
          *minute = m;
          return k + used + mer - i;
        }
      return 0;
    }

  /* "nine pm", "nine o'clock" */
  if (h >= 1 && h <= 12)
    {
      guint mer = match_meridiem (ctx, k, &pm);
      if (mer > 0)
        {
          if (pm == 1 && h < 12)
            h += 12;
          else if (pm == 0 && h == 12)
            h = 0;
          *hour = h;
          *minute = 0;
          return k + mer - i;
        }
    }
  return 0;
}

typedef struct
{
  double value;
  int decimals;
  gboolean is_integer;
  char text[MAX_DIGITS + 16];
  guint end; /* raw index after the number */
} Num;

static void
num_format (Num *num)
{
  if (num->is_integer)
    g_snprintf (num->text, sizeof num->text, "%.0f", num->value);
  else
    g_snprintf (num->text, sizeof num->text, "%.*f", num->decimals, num->value);
}

/* "point four", "point zero five", "point twenty five" after a number. */
static void
parse_decimal_part (const Ctx *ctx, Num *num)
{
  guint k = num->end;
  char digits[8];
  guint n = 0;
  int v = 0;

  if (!num->is_integer || !word_is (ctx, k, "point"))
    return;
  k++;
  while (n < 6 && is_digit_word (ctx, k, &v))
    {
      digits[n++] = (char) ('0' + v);
      k++;
    }
  if (n == 0)
    {
      NumWord kind = num_word (ctx, k, &v);
      int w = 0;

      if (kind == NW_TEEN || kind == NW_TENS)
        {
          if (kind == NW_TENS && num_word (ctx, k + 1, &w) == NW_ONES && w > 0)
            {
              v += w;
              k++;
            }
          digits[n++] = (char) ('0' + v / 10);
          digits[n++] = (char) ('0' + v % 10);
          k++;
        }
      else if (k < ctx->n && ctx->raws[k].digit &&
               strspn (ctx->raws[k].low, "0123456789") == strlen (ctx->raws[k].low) &&
               strlen (ctx->raws[k].low) <= 6)
        {
          n = strlen (ctx->raws[k].low);
          memcpy (digits, ctx->raws[k].low, n);
          k++;
        }
    }
  if (n == 0)
    return;
  digits[n] = '\0';
  num->value += g_ascii_strtod (digits, NULL) / pow (10, n);
  num->decimals = (int) n;
  num->is_integer = FALSE;
  num->end = k;
  num_format (num);
}

/* A two-digit group after a spoken hundreds digit: "thirty two", "twelve", "oh five". */
static guint
parse_two_digit (const Ctx *ctx, guint i, int *value)
{
  int v = 0, w = 0;
  NumWord kind = num_word (ctx, i, &v);

  if (kind == NW_TEEN)
    {
      *value = v;
      return 1;
    }
  if (kind == NW_TENS)
    {
      if (num_word (ctx, i + 1, &w) == NW_ONES && w > 0)
        {
          *value = v + w;
          return 2;
        }
      *value = v;
      return 1;
    }
  return 0;
}

static gboolean
parse_spoken_number (const Ctx *ctx, guint i, Num *num)
{
  int v = 0, w = 0;
  NumWord kind = num_word (ctx, i, &v);
  NumWord last = NW_NONE;
  gboolean after_and = FALSE;
  double total = 0, cur = 0;
  guint k = i;

  memset (num, 0, sizeof *num);
  num->is_integer = TRUE;

  /* "a hundred", "a thousand" */
  if (word_is (ctx, i, "a"))
    {
      NumWord next = num_word (ctx, i + 1, NULL);
      if (next != NW_HUNDRED && next != NW_THOUSAND)
        return FALSE;
      cur = 1;
      last = NW_ONES;
      k = i + 1;
    }
  /* digit by digit: "one oh one", "four five six seven", "oh four" */
  else if ((kind == NW_ONES || (kind == NW_OH && word_is (ctx, i, "oh"))) && is_digit_word (ctx, i + 1, &w) &&
           num_word (ctx, i + 2, NULL) != NW_HUNDRED && num_word (ctx, i + 2, NULL) != NW_THOUSAND)
    {
      guint n = 0;

      while (n < MAX_DIGITS && is_digit_word (ctx, k, &v))
        {
          num->text[n++] = (char) ('0' + v);
          k++;
        }
      num->text[n] = '\0';
      num->value = g_ascii_strtod (num->text, NULL);
      num->end = k;
      parse_decimal_part (ctx, num);
      return TRUE;
    }
  else if (kind == NW_OH)
    return FALSE;
  /* spoken hundreds: "one thirty two", "one twelve" */
  else if (kind == NW_ONES && v >= 1 && parse_two_digit (ctx, i + 1, &w) > 0)
    {
      guint used = parse_two_digit (ctx, i + 1, &w);
      NumWord after = num_word (ctx, i + 1 + used, NULL);

      if (after != NW_HUNDRED && after != NW_THOUSAND)
        {
          num->value = v * 100 + w;
          num->end = i + 1 + used;
          num_format (num);
          parse_decimal_part (ctx, num);
          return TRUE;
        }
    }

  for (; k < ctx->n; k++)
    {
      kind = num_word (ctx, k, &v);
      if (kind == NW_ONES &&
          (last == NW_NONE || last == NW_HUNDRED || last == NW_THOUSAND || last == NW_TENS))
        {
          if (last == NW_TENS && v == 0)
            break;
          cur += v;
        }
      else if ((kind == NW_TEEN || kind == NW_TENS) &&
               (last == NW_NONE || last == NW_HUNDRED || last == NW_THOUSAND))
        cur += v;
      else if (kind == NW_HUNDRED && (last == NW_ONES || last == NW_TEEN || last == NW_TENS) && cur > 0 &&
               cur < 100)
        cur *= 100;
      else if (kind == NW_THOUSAND && last != NW_NONE && last != NW_THOUSAND && total == 0 && cur > 0)
        {
          total = cur * 1000;
          cur = 0;
        }
      else if (word_is (ctx, k, "and") && (last == NW_HUNDRED || last == NW_THOUSAND) && !after_and)
        {
          NumWord next = num_word (ctx, k + 1, NULL);
          if (next != NW_ONES && next != NW_TEEN && next != NW_TENS)
            break;
          after_and = TRUE;
          continue;
        }
      else
        break;
      last = kind;
    }
  if (last == NW_NONE)
    return FALSE;
  num->value = total + cur;
  num->end = k;
  num_format (num);
  parse_decimal_part (ctx, num);
  return TRUE;
}

static gboolean
all_digits (const char *s, gsize len)
{
  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

/* Output */

static void
token_clear (gpointer data)
{
  ElSpokenToken *token = data;
  g_free (token->text);
}

static ElSpokenToken *
push (GArray *out, ElSpokenKind kind, const char *text, const Ctx *ctx, guint first, guint end)
{
  ElSpokenToken t = { 0 };

  t.kind = kind;
  t.text = g_strdup (text);
  t.start = ctx->raws[first].start;
  t.end = ctx->raws[end - 1].end;
  t.n_words = end - first;
  g_array_append_val (out, t);
  /* cppcheck-suppress memleak ; the array owns the text */
  return &g_array_index (out, ElSpokenToken, out->len - 1);
}

/* After a number at [first, num->end): "over Y", "percent", "out of ten". */
static void
push_number (GArray *out, const Ctx *ctx, guint first, Num *num, guint *next)
{
  guint k = num->end;
  ElSpokenToken *t;

  /* X over Y */
  if (num->is_integer && word_is (ctx, k, "over"))
    {
      Num dia;
      gboolean ok = FALSE;

      if (k + 1 < ctx->n && ctx->raws[k + 1].digit &&
          all_digits (ctx->raws[k + 1].low, strlen (ctx->raws[k + 1].low)) &&
          strlen (ctx->raws[k + 1].low) <= 3)
        {
          memset (&dia, 0, sizeof dia);
          dia.value = g_ascii_strtod (ctx->raws[k + 1].low, NULL);
          dia.is_integer = TRUE;
          dia.end = k + 2;
          ok = TRUE;
        }
      else if (parse_spoken_number (ctx, k + 1, &dia) && dia.is_integer)
        ok = TRUE;
      if (ok && dia.value > 0 && dia.value < num->value && num->value <= 400)
        {
          g_autofree char *text = g_strdup_printf ("%.0f/%.0f", num->value, dia.value);

          t = push (out, EL_SPOKEN_KIND_BLOOD_PRESSURE, text, ctx, first, dia.end);
          t->value = num->value;
          t->value2 = dia.value;
          t->is_integer = TRUE;
          *next = dia.end;
          return;
        }
    }
  /* X percent, X% */
  if (word_is (ctx, k, "percent") ||
      (k < ctx->n && ctx->raws[k].punct && strcmp (ctx->raws[k].low, "%") == 0))
    {
      g_autofree char *text = g_strdup_printf ("%s %%", num->text);

      t = push (out, EL_SPOKEN_KIND_PERCENT, text, ctx, first, k + 1);
      t->value = num->value;
      t->decimals = num->decimals;
      t->is_integer = num->is_integer;
      *next = k + 1;
      return;
    }
  /* X out of ten */
  if (num->is_integer && num->value <= 10 && word_is (ctx, k, "out") && word_is (ctx, k + 1, "of") &&
      (word_is (ctx, k + 2, "ten") || word_is (ctx, k + 2, "10")))
    {
      g_autofree char *text = g_strdup_printf ("%s/10", num->text);

      t = push (out, EL_SPOKEN_KIND_SCORE, text, ctx, first, k + 3);
      t->value = num->value;
      t->value2 = 10;
      t->is_integer = TRUE;
      *next = k + 3;
      return;
    }
  t = push (out, EL_SPOKEN_KIND_NUMBER, num->text, ctx, first, k);
  t->value = num->value;
  t->decimals = num->decimals;
  t->is_integer = num->is_integer;
  *next = k;
}

static gboolean
prev_is_number (GArray *out)
{
  if (out->len == 0)
    return FALSE;
  return g_array_index (out, ElSpokenToken, out->len - 1).kind == EL_SPOKEN_KIND_NUMBER;
}

/* A raw token starting with a digit. Returns TRUE when it produced tokens. */
static gboolean
push_written (GArray *out, const Ctx *ctx, guint i, guint *next)
{
  const char *s = ctx->raws[i].low;
  gsize len = strlen (s);
  gsize nd = strspn (s, "0123456789");
  const char *sep = s + nd;
  ElSpokenToken *t;
  Num num;

  memset (&num, 0, sizeof num);
  if (nd > MAX_DIGITS)
    return FALSE;

  /* "4 5 6 7 8": single written digits one after the other (an MRN read out) */
  if (nd == 1 && len == 1 && i + 2 < ctx->n && ctx->raws[i + 1].digit && strlen (ctx->raws[i + 1].low) == 1 &&
      ctx->raws[i + 2].digit && strlen (ctx->raws[i + 2].low) == 1)
    {
      guint k = i, n = 0;

      while (k < ctx->n && n < MAX_DIGITS && ctx->raws[k].digit && strlen (ctx->raws[k].low) == 1)
        num.text[n++] = ctx->raws[k++].low[0];
      num.text[n] = '\0';
      num.value = g_ascii_strtod (num.text, NULL);
      num.is_integer = TRUE;
      num.end = k;
      t = push (out, EL_SPOKEN_KIND_NUMBER, num.text, ctx, i, k);
      t->value = num.value;
      t->is_integer = TRUE;
      *next = k;
      return TRUE;
    }

  if (nd == len)
    {
      int pm = -1;
      guint mer = match_meridiem (ctx, i + 1, &pm);
      long v = strtol (s, NULL, 10);

      /* "0800", "2200 hours", "at 1400" */
      if (len == 4 && v / 100 <= 23 && v % 100 <= 59 &&
          (s[0] == '0' || word_is (ctx, i + 1, "hours") || in_time_context (ctx, i)))
        {
          g_autofree char *text = g_strdup_printf ("%02ld:%02ld", v / 100, v % 100);
          guint end = i + 1 + (word_is (ctx, i + 1, "hours") ? 1 : 0);

          t = push (out, EL_SPOKEN_KIND_TIME, text, ctx, i, end);
          t->value = v / 100;
          t->value2 = v % 100;
          *next = end;
          return TRUE;
        }
      /* "2 pm" */
      if (mer > 0 && len <= 2 && v >= 1 && v <= 12)
        {
          g_autofree char *text = NULL;
          if (pm == 1 && v < 12)
            v += 12;
          else if (pm == 0 && v == 12)
            v = 0;
          text = g_strdup_printf ("%02ld:00", v);
          t = push (out, EL_SPOKEN_KIND_TIME, text, ctx, i, i + 1 + mer);
          t->value = v;
          *next = i + 1 + mer;
          return TRUE;
        }
      num.value = g_ascii_strtod (s, NULL);
      num.is_integer = TRUE;
      g_strlcpy (num.text, s, sizeof num.text);
      num.end = i + 1;
      parse_decimal_part (ctx, &num);
      push_number (out, ctx, i, &num, next);
      return TRUE;
    }

  if (*sep == '.' && all_digits (sep + 1, strlen (sep + 1)) && len - nd - 1 <= 6)
    {
      num.value = g_ascii_strtod (s, NULL);
      num.decimals = (int) (len - nd - 1);
      num.is_integer = FALSE;
      g_strlcpy (num.text, s, sizeof num.text);
      num.end = i + 1;
      push_number (out, ctx, i, &num, next);
      return TRUE;
    }

  if (*sep == ':' && nd <= 2 && strlen (sep + 1) == 2 && all_digits (sep + 1, 2))
    {
      long h = strtol (s, NULL, 10), m = strtol (sep + 1, NULL, 10);
      int pm = -1;
      guint mer = match_meridiem (ctx, i + 1, &pm);

      if (h <= 23 && m <= 59)
        {
          g_autofree char *text = NULL;
          if (mer > 0 && pm == 1 && h < 12)
            h += 12;
          else if (mer > 0 && pm == 0 && h == 12)
            h = 0;
          text = g_strdup_printf ("%02ld:%02ld", h, m);
          t = push (out, EL_SPOKEN_KIND_TIME, text, ctx, i, i + 1 + mer);
          t->value = h;
          t->value2 = m;
          *next = i + 1 + mer;
          return TRUE;
        }
      return FALSE;
    }

  if (*sep == '/' && nd <= 3 && all_digits (sep + 1, strlen (sep + 1)) && strlen (sep + 1) <= 3)
    {
      long a = strtol (s, NULL, 10), b = strtol (sep + 1, NULL, 10);
      g_autofree char *text = g_strdup_printf ("%ld/%ld", a, b);

      if (b == 10 && a <= 10)
        {
          t = push (out, EL_SPOKEN_KIND_SCORE, text, ctx, i, i + 1);
          t->value = a;
          t->value2 = 10;
          t->is_integer = TRUE;
          *next = i + 1;
          return TRUE;
        }
      if (b > 0 && a > b)
        {
          t = push (out, EL_SPOKEN_KIND_BLOOD_PRESSURE, text, ctx, i, i + 1);
          t->value = a;
          t->value2 = b;
          t->is_integer = TRUE;
          *next = i + 1;
          return TRUE;
        }
      return FALSE;
    }

  /* "2l", "5mg": a number and a unit in one word */
  if (g_ascii_isalpha (*sep))
    {
      for (guint k = 0; k < G_N_ELEMENTS (phrases); k++)
        {
          ElSpokenToken nt = { 0 }, ut = { 0 };

          if (phrases[k].kind != EL_SPOKEN_KIND_UNIT || phrases[k].words[1] != NULL ||
              strcmp (phrases[k].words[0], sep) != 0)
            continue;
          nt.kind = EL_SPOKEN_KIND_NUMBER;
          nt.text = g_strndup (s, nd);
          nt.value = g_ascii_strtod (nt.text, NULL);
          nt.is_integer = TRUE;
          nt.start = ctx->raws[i].start;
          nt.end = ctx->raws[i].start + (gint64) nd;
          nt.n_words = 1;
          g_array_append_val (out, nt);
          ut.kind = EL_SPOKEN_KIND_UNIT;
          ut.text = g_strdup (phrases[k].text);
          ut.start = nt.end;
          ut.end = ctx->raws[i].end;
          ut.n_words = 1;
          g_array_append_val (out, ut);
          *next = i + 1;
          /* cppcheck-suppress memleak ; the array owns the texts */
          return TRUE;
        }
    }
  return FALSE;
}

/* Longest phrase (abbreviation or unit) at @i. */
static const Phrase *
match_phrase (const Ctx *ctx, guint i, GArray *out, guint *used)
{
  const Phrase *best = NULL;
  guint best_n = 0;

  for (guint k = 0; k < G_N_ELEMENTS (phrases); k++)
    {
      guint n = 0;

      while (n < 3 && phrases[k].words[n] != NULL && word_is (ctx, i + n, phrases[k].words[n]))
        n++;
      if (n == 0 || n > 3 || phrases[k].words[n] != NULL || n <= best_n)
        continue;
      if (phrases[k].after_number_only && !prev_is_number (out))
        continue;
      best = &phrases[k];
      best_n = n;
    }
  *used = best_n;
  return best;
}

GArray *
el_spoken_normalize (const char *text)
{
  g_autoptr (GArray) raws = NULL;
  GArray *out;
  Ctx ctx;
  guint i = 0;

  g_return_val_if_fail (text != NULL, NULL);

  out = g_array_new (FALSE, TRUE, sizeof (ElSpokenToken));
  g_array_set_clear_func (out, token_clear);
  if (!g_utf8_validate (text, -1, NULL))
    return out;

  raws = split_raw (text);
  ctx.raws = (const Raw *) raws->data;
  ctx.n = raws->len;

  while (i < ctx.n)
    {
      const Raw *r = &ctx.raws[i];
      int hour = 0, minute = 0;
      guint used = 0, next = i + 1;
      const Phrase *phrase;
      Num num;

      if (r->punct)
        {
          push (out, EL_SPOKEN_KIND_PUNCT, r->low, &ctx, i, i + 1);
          i++;
          continue;
        }
      if ((used = parse_spoken_time (&ctx, i, &hour, &minute)) > 0)
        {
          g_autofree char *t = g_strdup_printf ("%02d:%02d", hour, minute);
          ElSpokenToken *tok = push (out, EL_SPOKEN_KIND_TIME, t, &ctx, i, i + used);

          tok->value = hour;
          tok->value2 = minute;
          i += used;
          continue;
        }
      if (r->digit && push_written (out, &ctx, i, &next))
        {
          i = next;
          continue;
        }
      if (!r->digit && parse_spoken_number (&ctx, i, &num))
        {
          push_number (out, &ctx, i, &num, &next);
          i = next;
          continue;
        }
      if ((phrase = match_phrase (&ctx, i, out, &used)) != NULL)
        {
          push (out, phrase->kind, phrase->text, &ctx, i, i + used);
          i += used;
          continue;
        }
      push (out, EL_SPOKEN_KIND_WORD, r->low, &ctx, i, i + 1);
      i++;
    }
  return out;
}

char *
el_spoken_normalize_text (const char *text)
{
  g_autoptr (GArray) tokens = NULL;
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (text != NULL, NULL);

  tokens = el_spoken_normalize (text);
  for (guint i = 0; i < tokens->len; i++)
    {
      const ElSpokenToken *t = &g_array_index (tokens, ElSpokenToken, i);

      if (s->len > 0 && t->kind != EL_SPOKEN_KIND_PUNCT)
        g_string_append_c (s, ' ');
      g_string_append (s, t->text);
    }
  return g_string_free (s, FALSE);
}

void
el_spoken_token_add_forms (const ElSpokenToken *token, GPtrArray *out)
{
  g_return_if_fail (token != NULL);
  g_return_if_fail (out != NULL);

  g_ptr_array_add (out, g_utf8_strdown (token->text, -1));
  switch (token->kind)
    {
      case EL_SPOKEN_KIND_NUMBER:
      case EL_SPOKEN_KIND_PERCENT:
      case EL_SPOKEN_KIND_SCORE:
        if (token->is_integer)
          g_ptr_array_add (out, g_strdup_printf ("%.0f", token->value));
        else
          g_ptr_array_add (out, g_strdup_printf ("%.*f", token->decimals, token->value));
        if (token->kind == EL_SPOKEN_KIND_SCORE)
          g_ptr_array_add (out, g_strdup ("10"));
        break;
      case EL_SPOKEN_KIND_BLOOD_PRESSURE:
        g_ptr_array_add (out, g_strdup_printf ("%.0f", token->value));
        g_ptr_array_add (out, g_strdup_printf ("%.0f", token->value2));
        break;
      case EL_SPOKEN_KIND_TIME:
        g_ptr_array_add (out, g_strdup_printf ("%.0f", token->value));
        g_ptr_array_add (out, g_strdup_printf ("%02.0f", token->value2));
        break;
      case EL_SPOKEN_KIND_WORD:
      case EL_SPOKEN_KIND_PUNCT:
      case EL_SPOKEN_KIND_UNIT:
      case EL_SPOKEN_KIND_ABBREVIATION:
      default:
        break;
    }
}
