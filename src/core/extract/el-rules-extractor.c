/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "el-drug-lexicon.h"
#include "el-extract-private.h"
#include "el-model-limits.h"
#include "el-rules-extractor.h"

/*
 * The rules engine. One pass of spoken-form normalisation, then one small matcher per field over
 * the tokens. Every value is either the text of tokens (a verbatim substring of the transcript
 * between two token boundaries, or a token's written form) or an enumeration whose key words are in
 * the span, which is what el_extraction_check_grounded() verifies.
 */

struct _ElRulesExtractor
{
  GObject parent_instance;
};

static void el_rules_extractor_iface_init (ElSbarExtractorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ElRulesExtractor,
                               el_rules_extractor,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (EL_TYPE_SBAR_EXTRACTOR, el_rules_extractor_iface_init))

#define MAX_SHORT EL_MODEL_MAX_SHORT_STRING_BYTES
#define MAX_TEXT  EL_MODEL_MAX_TEXT_BYTES
#define MAX_ITEMS EL_MODEL_MAX_ARRAY_ITEMS

typedef struct
{
  ElTranscript *tr;
  const char *text;
  GArray *toks;
  guint n;
  char **low;
  gsize *bstart, *bend;
  guint8 *used;
  ElExtraction *ex;
  ElSbarFields *f;
} Rx;

static inline const ElSpokenToken *
tok (const Rx *rx, guint i)
{
  return &g_array_index (rx->toks, ElSpokenToken, i);
}

static gboolean
is (const Rx *rx, guint i, const char *word)
{
  return i < rx->n && strcmp (rx->low[i], word) == 0;
}

static gboolean
is_kind (const Rx *rx, guint i, ElSpokenKind kind)
{
  return i < rx->n && tok (rx, i)->kind == kind;
}

static gboolean
is_word (const Rx *rx, guint i)
{
  return is_kind (rx, i, EL_SPOKEN_KIND_WORD);
}

static gboolean
is_punct (const Rx *rx, guint i)
{
  return is_kind (rx, i, EL_SPOKEN_KIND_PUNCT);
}

static gboolean
is_boundary (const Rx *rx, guint i)
{
  return is_punct (rx, i) && strchr (".!?;", rx->low[i][0]) != NULL;
}

/* Matches the space-separated lower-case words of @phrase at @i; returns the tokens used or 0. */
static guint
seq (const Rx *rx, guint i, const char *phrase)
{
  guint k = 0;
  const char *p = phrase;

  while (*p != '\0')
    {
      const char *e = strchr (p, ' ');
      gsize len = e != NULL ? (gsize) (e - p) : strlen (p);

      if (i + k >= rx->n || strlen (rx->low[i + k]) != len || strncmp (rx->low[i + k], p, len) != 0)
        return 0;
      k++;
      p += len;
      while (*p == ' ')
        p++;
    }
  return k;
}

/* Longest of @phrases at @i: its index (or -1) and *used. */
static int
seq_any (const Rx *rx, guint i, const char *const *phrases, guint *used)
{
  int best = -1;
  guint best_n = 0;

  for (int k = 0; phrases[k] != NULL; k++)
    {
      guint n = seq (rx, i, phrases[k]);
      if (n > best_n)
        {
          best_n = n;
          best = k;
        }
    }
  if (used != NULL)
    *used = best_n;
  return best;
}

static char *
sub (const Rx *rx, guint a, guint b)
{
  return g_strndup (rx->text + rx->bstart[a], rx->bend[b] - rx->bstart[a]);
}

/* A verbatim substring for a short-string field, or NULL when it is too long. */
static char *
sub_short (const Rx *rx, guint a, guint b)
{
  if (rx->bend[b] - rx->bstart[a] > MAX_SHORT)
    return NULL;
  return sub (rx, a, b);
}

static char *
sub_text (const Rx *rx, guint a, guint b)
{
  g_autofree char *s = sub (rx, a, b);
  return el_extract_truncate (s, MAX_TEXT);
}

static ElSpan *
span_of (Rx *rx, const char *path, guint a, guint b)
{
  ElSpan *span = el_transcript_make_span (rx->tr, tok (rx, a)->start, tok (rx, b)->end);

  if (span->has_confidence && span->confidence < EL_SPEECH_LOW_CONFIDENCE)
    el_extraction_add_flag (rx->ex, EL_EXTRACTION_FLAG_LOW_CONFIDENCE, path,
                            "recognised with low confidence: please confirm", span);
  return span;
}

static const char *const negations[] = {
  "no",    "not",     "denies", "denied", "denying", "without", "negative", "never", "non",
  "don't", "doesn't", "didn't", "isn't",  "wasn't",  "nor",     "none",     NULL,
};

/* Subjects that start a clause: in speech recognised without punctuation they end the clause
 * before ("he has no nausea he is allergic to sulfa": the "no" is not the allergy's). */
static const char *const clause_subjects[] = { "he", "she", "they", "we", NULL };

static gboolean
negated (const Rx *rx, guint i)
{
  for (guint k = i; k > 0 && k + 3 >= i; k--)
    {
      guint j = k - 1;
      if (is_boundary (rx, j) || is (rx, j, ",") || is (rx, j, "but") ||
          g_strv_contains (clause_subjects, rx->low[j]))
        return FALSE;
      if (g_strv_contains (negations, rx->low[j]))
        return TRUE;
    }
  return FALSE;
}

static const char *const corrections[] = {
  "sorry",  "i mean",  "i meant",      "correction", "actually",
  "rather", "no wait", "scratch that", "i'm sorry",  NULL,
};

/* A correction cue right after @j ("38, sorry, 37.8"): the index of the token after it, or 0. */
static guint
correction_after (const Rx *rx, guint j)
{
  guint k = j + 1, used = 0;

  while (k < rx->n && is (rx, k, ","))
    k++;
  if (seq_any (rx, k, corrections, &used) < 0)
    return 0;
  k += used;
  while (k < rx->n &&
         (is (rx, k, ",") || is (rx, k, "it's") || is (rx, k, "it") || is (rx, k, "was") || is (rx, k, "is")))
    k++;
  return k < rx->n ? k : 0;
}

static gboolean
add_flag_at (Rx *rx, ElExtractionFlagKind kind, const char *path, const char *detail, guint a, guint b)
{
  g_autoptr (ElSpan) span = el_transcript_make_span (rx->tr, tok (rx, a)->start, tok (rx, b)->end);
  el_extraction_add_flag (rx->ex, kind, path, detail, span);
  return TRUE;
}

/* Section cues */

typedef struct
{
  const char *phrase;
  ElSbarSection section;
} SectionCue;

static const SectionCue section_cues[] = {
  { "situation awareness and contingency planning", EL_SBAR_SECTION_RECOMMENDATION },
  { "situation awareness", EL_SBAR_SECTION_RECOMMENDATION },
  { "situation", EL_SBAR_SECTION_SITUATION },
  { "illness severity", EL_SBAR_SECTION_SITUATION },
  { "background", EL_SBAR_SECTION_BACKGROUND },
  { "patient summary", EL_SBAR_SECTION_BACKGROUND },
  { "assessment", EL_SBAR_SECTION_ASSESSMENT },
  { "recommendations", EL_SBAR_SECTION_RECOMMENDATION },
  { "recommendation", EL_SBAR_SECTION_RECOMMENDATION },
  { "action list", EL_SBAR_SECTION_RECOMMENDATION },
  { "contingency planning", EL_SBAR_SECTION_RECOMMENDATION },
  { "contingency", EL_SBAR_SECTION_RECOMMENDATION },
  { "contingencies", EL_SBAR_SECTION_RECOMMENDATION },
  { "synthesis", EL_SBAR_SECTION_RECOMMENDATION },
};

static guint
section_cue_at (const Rx *rx, guint i, ElSbarSection *section)
{
  guint best = 0;

  for (guint k = 0; k < G_N_ELEMENTS (section_cues); k++)
    {
      guint n = seq (rx, i, section_cues[k].phrase);
      if (n > best)
        {
          best = n;
          *section = section_cues[k].section;
        }
    }
  /* "illness severity" is a cue; "the situation is" in the middle of a sentence is too, but
   * "background noise" or "assessment of pain" are rare enough in a handoff to accept. */
  return best;
}

static const char *const starter_words[] = {
  "she",       "he",       "patient", "vitals",    "plan",  "please", "history", "admitted",
  "allergies", "allergic", "code",    "pending",   "if",    "her",    "his",     "labs",
  "we",        "family",   "diet",    "isolation", "lines", "meds",   "next",    "overnight",
  "today",     "this",     "also",    "mobility",  NULL,
};

static const char *const rec_cues[] = {
  "please",  "needs",    "need", "recommend", "plan",     "follow",  "if",       "call",     "make",
  "pending", "due",      "todo", "watch",     "monitor",  "recheck", "reassess", "continue", "will",
  "should",  "consider", "keep", "awaiting",  "remember", "forget",  "notify",   "page",     NULL,
};
static const char *const bg_cues[] = {
  "history",  "admitted", "pmh",  "hx",          "presented", "came",  "past",
  "baseline", "lives",    "home", "allergic",    "allergies", "nkda",  "diagnosed",
  "code",     "dnr",      "full", "transferred", "year",      "years", NULL,
};
static const char *const asm_cues[] = {
  "vitals",    "temp",    "temperature", "heart",       "hr",       "bp",       "pressure",
  "spo2",      "pain",    "lungs",       "alert",       "oriented", "afebrile", "febrile",
  "denies",    "exam",    "labs",        "urine",       "output",   "skin",     "wound",
  "neuro",     "appears", "complains",   "tolerating",  "voiding",  "stable",   "respiratory",
  "breathing", "sounds",  "tachycardic", "hypotensive", "glucose",  "sugar",    NULL,
};

static int
count_cues (const Rx *rx, guint a, guint b, const char *const *cues)
{
  int n = 0;

  for (guint i = a; i <= b; i++)
    {
      const ElSpokenToken *t = tok (rx, i);

      if (g_strv_contains (cues, rx->low[i]))
        n++;
      if (cues == asm_cues && (t->kind == EL_SPOKEN_KIND_BLOOD_PRESSURE ||
                               t->kind == EL_SPOKEN_KIND_PERCENT || t->kind == EL_SPOKEN_KIND_SCORE))
        n++;
    }
  return n;
}

static void
append_section (GString **acc, const char *text)
{
  if (text == NULL || *text == '\0')
    return;
  if (*acc == NULL)
    *acc = g_string_new (NULL);
  else if ((*acc)->len > 0)
    g_string_append_c (*acc, ' ');
  g_string_append (*acc, text);
}

/* Splits [a, b] into sentences and classifies each. */
static void
classify_range (Rx *rx, guint a, guint b, GString **acc, gboolean first_is_situation)
{
  gboolean punctuated = FALSE;
  int prev = first_is_situation ? -1 : EL_SBAR_SECTION_SITUATION;
  guint s = a;
  gboolean first = TRUE;

  for (guint i = a; i <= b; i++)
    if (is_boundary (rx, i))
      punctuated = TRUE;

  for (guint i = a; i <= b; i++)
    {
      gboolean end =
          (i == b) || is_boundary (rx, i) ||
          (!punctuated && i + 1 <= b && i + 1 > s + 2 && g_strv_contains (starter_words, rx->low[i + 1]));
      int rec, bg, as, section;
      g_autofree char *text = NULL;

      if (!end)
        continue;
      while (s <= i && is_punct (rx, s))
        s++;
      if (s > i)
        {
          s = i + 1;
          continue;
        }
      rec = count_cues (rx, s, i, rec_cues);
      bg = count_cues (rx, s, i, bg_cues);
      as = count_cues (rx, s, i, asm_cues);
      if (first && first_is_situation)
        section = EL_SBAR_SECTION_SITUATION;
      else if (rec == 0 && bg == 0 && as == 0)
        section = prev >= 0 ? prev : EL_SBAR_SECTION_SITUATION;
      else if (rec >= bg && rec >= as)
        section = EL_SBAR_SECTION_RECOMMENDATION;
      else if (as >= bg)
        section = EL_SBAR_SECTION_ASSESSMENT;
      else
        section = EL_SBAR_SECTION_BACKGROUND;
      text = sub (rx, s, i);
      append_section (&acc[section], text);
      prev = section;
      first = FALSE;
      s = i + 1;
    }
}

static void
extract_sections (Rx *rx)
{
  GString *acc[4] = { NULL, NULL, NULL, NULL };
  guint i = 0, seg_start = 0;
  int current = -1;

  if (rx->n == 0)
    return;
  while (i < rx->n)
    {
      ElSbarSection section = EL_SBAR_SECTION_SITUATION;
      guint used = section_cue_at (rx, i, &section);

      if (used == 0)
        {
          i++;
          continue;
        }
      /* close the previous segment */
      if (i > seg_start)
        {
          if (current < 0)
            classify_range (rx, seg_start, i - 1, acc, TRUE);
          else
            {
              guint a = seg_start, b = i - 1;
              while (a <= b && is_punct (rx, a))
                a++;
              while (b > a && is_punct (rx, b) && !is_boundary (rx, b))
                b--;
              if (a <= b && !(a == b && is_punct (rx, a)))
                {
                  g_autofree char *text = sub (rx, a, b);
                  append_section (&acc[current], text);
                }
            }
        }
      current = section;
      i += used;
      /* "Situation: ...", "Background is ..." */
      while (i < rx->n && (is (rx, i, ":") || is (rx, i, ",") || is (rx, i, "-") || is (rx, i, ".")))
        i++;
      if (is (rx, i, "is") && section != EL_SBAR_SECTION_SITUATION)
        i++;
      seg_start = i;
    }
  if (seg_start < rx->n)
    {
      if (current < 0)
        classify_range (rx, seg_start, rx->n - 1, acc, TRUE);
      else
        {
          guint a = seg_start, b = rx->n - 1;
          while (a <= b && a < rx->n && is_punct (rx, a))
            a++;
          if (a <= b && a < rx->n)
            {
              g_autofree char *text = sub (rx, a, b);
              append_section (&acc[current], text);
            }
        }
    }
  for (guint s = 0; s < 4; s++)
    {
      if (acc[s] == NULL)
        continue;
      if (acc[s]->len > 0)
        {
          g_autofree char *text = el_extract_truncate (acc[s]->str, MAX_TEXT);
          el_extraction_set_section (rx->ex, (ElSbarSection) s, text);
        }
      memset (acc[s]->str, 0, acc[s]->len);
      g_string_free (acc[s], TRUE);
    }
}

/* Patient identifiers, room/bed, a second patient */

static const char *const name_cues[] = {
  "this is", "patient is", "patient name is", "name is", "patient", "mr", "mrs", "ms", "miss", "mister", NULL,
};

static const char *const not_names[] = {
  "a",       "an",        "the",        "is",         "was",
  "in",      "on",        "with",       "for",        "to",
  "of",      "and",       "our",        "my",         "your",
  "his",     "her",       "patient",    "mister",     "missus",
  "doctor",  "room",      "bed",        "age",        "years",
  "year",    "old",       "male",       "female",     "man",
  "woman",   "gentleman", "lady",       "who",        "that",
  "here",    "admitted",  "currently",  "still",      "has",
  "had",     "been",      "being",      "now",        "very",
  "stable",  "unstable",  "watcher",    "doing",      "going",
  "getting", "in",        "at",         "from",       "she",
  "he",      "they",      "it",         "i",          "we",
  "you",     "situation", "background", "assessment", "recommendation",
  "alert",   "oriented",  "awake",      "pleasant",   "sleeping",
  "resting", "also",      "report",     "handoff",    "today",
  "tonight", "overnight", "summary",    "name",       "identifiers",
  "just",    "s",         "well",       "okay",       "ok",
  "so",      "um",        "uh",         "sorry",      "not",
  "no",      "due",       "pain",       "on",         "will",
  "can",     "should",    "would",      "be",         NULL,
};

static gboolean
is_capitalised (const Rx *rx, guint i)
{
  gunichar c = g_utf8_get_char (rx->text + rx->bstart[i]);
  return g_unichar_isupper (c) || g_unichar_istitle (c);
}

static gboolean
has_uppercase (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_isupper (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

/* A name after a cue at @i: [*a, *b]. */
static gboolean
name_at (const Rx *rx, guint i, gboolean cased, guint *a, guint *b)
{
  guint used = 0, k, n = 0;
  int cue = seq_any (rx, i, name_cues, &used);
  gboolean title;

  if (cue < 0)
    return FALSE;
  title = used == 1 && (is (rx, i, "mr") || is (rx, i, "mrs") || is (rx, i, "ms") || is (rx, i, "miss") ||
                        is (rx, i, "mister"));
  k = i + used;
  if (title && is (rx, k, "."))
    k++;
  *a = title ? i : k;
  while (k < rx->n && n < 3 && is_word (rx, k) && !g_strv_contains (not_names, rx->low[k]) &&
         g_unichar_isalpha (g_utf8_get_char (rx->low[k])) && !el_drug_lexicon_contains (rx->low[k]) &&
         (cased ? is_capitalised (rx, k) : TRUE))
    {
      k++;
      n++;
      if (!cased && n == 2)
        break;
    }
  if (n == 0)
    return FALSE;
  *b = k - 1;
  return TRUE;
}

/* "Mr. Smith" and "John Smith" are the same patient: a word (not a title) in common. */
static gboolean
share_a_name (const char *a, const char *b)
{
  static const char *const titles[] = { "mr", "mrs", "ms", "miss", "mister", NULL };
  g_autoptr (GPtrArray) wa = el_split_claim_words (a);
  g_autoptr (GPtrArray) wb = el_split_claim_words (b);

  for (guint i = 0; i < wa->len; i++)
    for (guint j = 0; j < wb->len; j++)
      if (!g_strv_contains (titles, g_ptr_array_index (wa, i)) &&
          strcmp (g_ptr_array_index (wa, i), g_ptr_array_index (wb, j)) == 0)
        return TRUE;
  return FALSE;
}

static const char *const mrn_cues[] = {
  "mrn", "medical record number", "medical record", "record number", "mr number", NULL,
};

static void
extract_identifiers (Rx *rx)
{
  gboolean cased = has_uppercase (rx->text);
  guint name_a = 0, name_b = 0, mrn_i = 0, room_a = 0, room_b = 0;
  gboolean has_name = FALSE, has_mrn = FALSE, has_room = FALSE, other = FALSE;
  guint other_a = 0, other_b = 0;

  for (guint i = 0; i < rx->n; i++)
    {
      guint a, b, used = 0;

      if ((is (rx, i, "next") || is (rx, i, "other") || is (rx, i, "second") || is (rx, i, "another")) &&
          is (rx, i + 1, "patient"))
        {
          if (!other)
            {
              other_a = i;
              other_b = i + 1;
            }
          other = TRUE;
        }
      if (name_at (rx, i, cased, &a, &b))
        {
          g_autofree char *n = sub (rx, a, b);
          g_autofree char *key = g_utf8_strdown (n, -1);

          if (!has_name && rx->bend[b] - rx->bstart[a] <= MAX_SHORT)
            {
              has_name = TRUE;
              name_a = a;
              name_b = b;
            }
          else if (has_name)
            {
              g_autofree char *first = sub (rx, name_a, name_b);
              g_autofree char *first_key = g_utf8_strdown (first, -1);
              /* "Mr. Smith" after "John Smith" is the same patient */
              if (!share_a_name (first_key, key) && !other)
                {
                  other = TRUE;
                  other_a = a;
                  other_b = b;
                }
            }
        }
      if (!has_mrn && seq_any (rx, i, mrn_cues, &used) >= 0)
        {
          guint k = i + used;
          while (k < rx->n && (is (rx, k, "is") || is (rx, k, "number") || is (rx, k, ":") ||
                               is (rx, k, ",") || is (rx, k, "#")))
            k++;
          if (is_kind (rx, k, EL_SPOKEN_KIND_NUMBER) && tok (rx, k)->is_integer &&
              strlen (tok (rx, k)->text) >= 3)
            {
              has_mrn = TRUE;
              mrn_i = k;
            }
        }
      if (is (rx, i, "room") && is_kind (rx, i + 1, EL_SPOKEN_KIND_NUMBER) && tok (rx, i + 1)->is_integer)
        {
          g_autofree char *key = g_strdup (tok (rx, i + 1)->text);
          guint b2 = i + 1;

          if (is (rx, i + 2, "bed") && (is_kind (rx, i + 3, EL_SPOKEN_KIND_NUMBER) ||
                                        (is_word (rx, i + 3) && strlen (rx->low[i + 3]) == 1)))
            b2 = i + 3;
          if (!has_room)
            {
              has_room = TRUE;
              room_a = i;
              room_b = b2;
            }
          else if (strcmp (tok (rx, room_a + 1)->text, key) != 0 && !other)
            {
              other = TRUE;
              other_a = i;
              other_b = i + 1;
            }
        }
      else if (!has_room && is (rx, i, "bed") && (i == 0 || !is (rx, i - 1, "in")) &&
               is_kind (rx, i + 1, EL_SPOKEN_KIND_NUMBER) && tok (rx, i + 1)->is_integer &&
               tok (rx, i + 1)->value < 1000)
        {
          has_room = TRUE;
          room_a = i;
          room_b = i + 1;
        }
    }

  if (has_name && has_mrn)
    {
      g_autofree char *n = sub (rx, name_a, name_b);
      guint a = MIN (name_a, mrn_i), b = MAX (name_b, mrn_i);

      if (rx->bend[b] - rx->bstart[a] < 2000)
        {
          ElSbarIdentifiers *ids = el_sbar_identifiers_new (n, tok (rx, mrn_i)->text, NULL);
          ids->span = span_of (rx, "patient_identifiers", a, b);
          el_sbar_fields_take_patient_identifiers (rx->f, ids);
        }
    }
  if (has_room)
    {
      GString *v = g_string_new (NULL);
      ElSbarText *room;

      for (guint k = room_a; k <= room_b; k++)
        {
          if (v->len > 0)
            g_string_append_c (v, ' ');
          g_string_append (v, tok (rx, k)->kind == EL_SPOKEN_KIND_WORD ? rx->low[k] : tok (rx, k)->text);
        }
      room = el_sbar_text_new (v->str);
      room->span = span_of (rx, "room_bed", room_a, room_b);
      el_sbar_fields_take_room_bed (rx->f, room);
      g_string_free (v, TRUE);
    }
  if (other)
    add_flag_at (rx, EL_EXTRACTION_FLAG_OTHER_PATIENT, "patient_identifiers",
                 "the handoff seems to mention more than one patient", other_a, other_b);
}

/* Code status */

typedef struct
{
  const char *phrase;
  int value;
} EnumPhrase;

static const EnumPhrase code_phrases[] = {
  { "dnr/dni", EL_CODE_STATUS_DNR_DNI },
  { "dnr / dni", EL_CODE_STATUS_DNR_DNI },
  { "dnr dni", EL_CODE_STATUS_DNR_DNI },
  { "dnr and dni", EL_CODE_STATUS_DNR_DNI },
  { "do not resuscitate and do not intubate", EL_CODE_STATUS_DNR_DNI },
  { "do not resuscitate do not intubate", EL_CODE_STATUS_DNR_DNI },
  { "dnr", EL_CODE_STATUS_DNR },
  { "do not resuscitate", EL_CODE_STATUS_DNR },
  { "dni", EL_CODE_STATUS_DNI },
  { "do not intubate", EL_CODE_STATUS_DNI },
  { "full code", EL_CODE_STATUS_FULL_CODE },
  { "code status is full", EL_CODE_STATUS_FULL_CODE },
  { "code status full", EL_CODE_STATUS_FULL_CODE },
  { "comfort care", EL_CODE_STATUS_COMFORT_CARE },
  { "comfort measures", EL_CODE_STATUS_COMFORT_CARE },
  { "comfort measures only", EL_CODE_STATUS_COMFORT_CARE },
  { "cmo", EL_CODE_STATUS_COMFORT_CARE },
  { NULL, 0 },
};

static int
enum_phrase_at (const Rx *rx, guint i, const EnumPhrase *phrases, guint *used)
{
  int best = -1;
  guint best_n = 0;

  for (int k = 0; phrases[k].phrase != NULL; k++)
    {
      guint n = seq (rx, i, phrases[k].phrase);
      if (n > best_n)
        {
          best_n = n;
          best = k;
        }
    }
  *used = best_n;
  return best;
}

static void
extract_code_status (Rx *rx)
{
  int value = -1, first_value = -1;
  guint a = 0, b = 0;

  for (guint i = 0; i < rx->n; i++)
    {
      guint used = 0;
      int k = enum_phrase_at (rx, i, code_phrases, &used);

      if (k < 0)
        continue;
      if (!negated (rx, i))
        {
          if (first_value < 0)
            first_value = code_phrases[k].value;
          value = code_phrases[k].value;
          a = i;
          b = i + used - 1;
        }
      i += used - 1;
    }
  if (value >= 0)
    {
      ElSbarCodeStatus *cs = el_sbar_code_status_new ((ElCodeStatus) value);

      cs->span = span_of (rx, "code_status", a, b);
      el_sbar_fields_take_code_status (rx->f, cs);
      if (first_value != value)
        el_extraction_add_flag (rx->ex, EL_EXTRACTION_FLAG_CORRECTED, "code_status",
                                "more than one code status was said: the last one is kept", cs->span);
    }
}

/* Allergies */

static const char *const nkda_phrases[] = {
  "nkda",
  "nka",
  "no known allergies",
  "no known drug allergies",
  "no known allergy",
  "no allergies",
  "no drug allergies",
  "denies allergies",
  "denies any allergies",
  "no known drug allergy",
  "allergies none",
  "allergies : none",
  "allergies are none",
  "allergies , none",
  "allergies nkda",
  "allergies : nkda",
  NULL,
};

static const char *const allergy_cues[] = {
  "allergic to", "allergy to",  "allergies to", "allergies are", "allergies include",
  "allergies :", "allergies ,", "allergies is", "allergy is",    "allergy :",
  "allergies",   "allergy",     NULL,
};

static const char *const allergens[] = {
  "contrast dye", "iv contrast",    "contrast",       "shellfish",   "peanuts",      "peanut",    "tree nuts",
  "nuts",         "latex",          "iodine",         "sulfa drugs", "sulfa",        "eggs",      "egg",
  "bee stings",   "bees",           "tape",           "adhesive",    "soy",          "milk",      "dairy",
  "fish",         "strawberries",   "gluten",         "wheat",       "penicillins",  "nsaids",    "opioids",
  "opiates",      "cephalosporins", "ace inhibitors", "statins",     "sulfonamides", "ibuprofen", NULL,
};

static const char *const reactions[] = {
  "hives",
  "rash",
  "anaphylaxis",
  "anaphylactic",
  "anaphylactic shock",
  "swelling",
  "itching",
  "itchiness",
  "nausea",
  "vomiting",
  "angioedema",
  "shortness of breath",
  "throat swelling",
  "throat closing",
  "trouble breathing",
  "difficulty breathing",
  "wheezing",
  "hypotension",
  "gi upset",
  "upset stomach",
  "diarrhea",
  "seizures",
  "seizure",
  "red man syndrome",
  "red man",
  "confusion",
  "hallucinations",
  "blisters",
  "stevens johnson",
  "sjs",
  "tongue swelling",
  "lip swelling",
  "facial swelling",
  "dizziness",
  "headache",
  NULL,
};

static const char *const not_substances[] = {
  "none",     "nka",    "nkda",  "no",   "known",  "unknown", "is",       "are",  "to",   "and",   "or",
  "the",      "a",      "an",    "her",  "his",    "she",     "he",       "any",  "with", "which", "that",
  "reaction", "causes", "gives", "list", "listed", "include", "includes", "also", "but",  NULL,
};

static const char *words_of_lexicon (const Rx *rx, guint i, guint *used);

/* A substance at @i: tokens used (0 if none). */
static guint
substance_at (const Rx *rx, guint i, gboolean loose)
{
  guint used = 0;

  if (i >= rx->n || !is_word (rx, i))
    return 0;
  if (words_of_lexicon (rx, i, &used) != NULL)
    return used;
  if (seq_any (rx, i, allergens, &used) >= 0)
    return used;
  if (loose && !g_strv_contains (not_substances, rx->low[i]) && !g_strv_contains (negations, rx->low[i]) &&
      g_unichar_isalpha (g_utf8_get_char (rx->low[i])) && seq_any (rx, i, reactions, NULL) < 0)
    return 1;
  return 0;
}

static void
extract_allergies (Rx *rx)
{
  ElSbarAllergies *allergies = NULL;
  guint nk_a = 0, nk_b = 0;
  gboolean nkda = FALSE;
  guint all_a = G_MAXUINT, all_b = 0;

  for (guint i = 0; i < rx->n; i++)
    {
      guint used = 0, k;
      guint count = 0;

      if (!nkda && seq_any (rx, i, nkda_phrases, &used) >= 0)
        {
          nkda = TRUE;
          nk_a = i;
          nk_b = i + used - 1;
          i += used - 1;
          continue;
        }
      if (seq_any (rx, i, allergy_cues, &used) < 0 || negated (rx, i))
        continue;
      /* "penicillin allergy": the substance before the cue */
      k = i + used;
      while (k < rx->n && (is (rx, k, "a") || is (rx, k, "an") || is (rx, k, "the") || is (rx, k, ":")))
        k++;
      if (used == 1 && (is (rx, i, "allergy") || is (rx, i, "allergies")) && substance_at (rx, k, FALSE) == 0)
        {
          guint s_used = 0;
          if (i > 0 && (s_used = substance_at (rx, i - 1, FALSE)) == 1 && !rx->used[i - 1])
            k = i - 1;
          else
            continue;
        }
      while (k < rx->n && count < 8)
        {
          guint s = substance_at (rx, k, count == 0), r_a = 0, r_b = 0, end;
          gboolean has_reaction = FALSE;
          g_autofree char *substance = NULL;
          g_autofree char *reaction = NULL;
          ElSbarAllergy *item;

          if (s == 0)
            break;
          end = k + s - 1;
          /* a reaction in the next few tokens, before a separator */
          for (guint r = end + 1; r < rx->n && r <= end + 5; r++)
            {
              guint r_used = 0;
              if (is_boundary (rx, r) || is (rx, r, "and") || is (rx, r, "or") ||
                  (r > end + 1 && substance_at (rx, r, FALSE) > 0))
                break;
              if (seq_any (rx, r, reactions, &r_used) >= 0)
                {
                  has_reaction = TRUE;
                  r_a = r;
                  r_b = r + r_used - 1;
                  break;
                }
            }
          substance = sub_short (rx, k, end);
          if (has_reaction)
            reaction = sub_short (rx, r_a, r_b);
          if (substance != NULL)
            {
              item = el_sbar_allergy_new (substance, reaction);
              item->span = span_of (rx, "allergies", k, has_reaction ? r_b : end);
              if (allergies == NULL)
                allergies = el_sbar_allergies_new (FALSE);
              if (allergies->items->len < MAX_ITEMS)
                el_sbar_allergies_add (allergies, item);
              else
                el_sbar_allergy_free (item);
              for (guint u = k; u <= end; u++)
                rx->used[u] = 1;
              all_a = MIN (all_a, MIN (i, k));
              all_b = MAX (all_b, has_reaction ? r_b : end);
            }
          count++;
          k = has_reaction ? r_b + 1 : end + 1;
          while (k < rx->n && (is (rx, k, ",") || is (rx, k, "and") || is (rx, k, "or") ||
                               is (rx, k, "also") || is (rx, k, "to")))
            k++;
        }
      if (k > i)
        i = k - 1;
    }
  if (allergies != NULL)
    {
      allergies->span = span_of (rx, "allergies", all_a, all_b);
      el_sbar_fields_take_allergies (rx->f, allergies);
    }
  else if (nkda)
    {
      allergies = el_sbar_allergies_new (TRUE);
      allergies->span = span_of (rx, "allergies", nk_a, nk_b);
      el_sbar_fields_take_allergies (rx->f, allergies);
    }
}

/* Isolation */

static const EnumPhrase isolation_phrases[] = {
  { "not on isolation", EL_ISOLATION_NONE },
  { "no isolation", EL_ISOLATION_NONE },
  { "not in isolation", EL_ISOLATION_NONE },
  { "no longer on isolation", EL_ISOLATION_NONE },
  { "isolation none", EL_ISOLATION_NONE },
  { "isolation : none", EL_ISOLATION_NONE },
  { "isolation is none", EL_ISOLATION_NONE },
  { "no precautions", EL_ISOLATION_NONE },
  { "standard precautions", EL_ISOLATION_NONE },
  { "contact plus", EL_ISOLATION_CONTACT_PLUS },
  { "enteric contact", EL_ISOLATION_CONTACT_PLUS },
  { "contact enteric", EL_ISOLATION_CONTACT_PLUS },
  { "enteric precautions", EL_ISOLATION_CONTACT_PLUS },
  { "enteric isolation", EL_ISOLATION_CONTACT_PLUS },
  { "contact isolation", EL_ISOLATION_CONTACT },
  { "contact precautions", EL_ISOLATION_CONTACT },
  { "on contact", EL_ISOLATION_CONTACT },
  { "isolation contact", EL_ISOLATION_CONTACT },
  { "isolation : contact", EL_ISOLATION_CONTACT },
  { "isolation is contact", EL_ISOLATION_CONTACT },
  { "droplet", EL_ISOLATION_DROPLET },
  { "airborne", EL_ISOLATION_AIRBORNE },
  { "neutropenic precautions", EL_ISOLATION_NEUTROPENIC },
  { "neutropenic isolation", EL_ISOLATION_NEUTROPENIC },
  { "on neutropenic", EL_ISOLATION_NEUTROPENIC },
  { NULL, 0 },
};

static const char *const organisms[] = {
  "mrsa",         "vre", "c diff",  "c . diff",  "cdiff",     "c difficile", "clostridium difficile",
  "esbl",         "cre", "covid",   "covid 19",  "influenza", "flu",         "tb",
  "tuberculosis", "rsv", "measles", "varicella", "shingles",  "norovirus",   "pertussis",
  "meningitis",   NULL,
};

static void
extract_isolation (Rx *rx)
{
  for (guint i = 0; i < rx->n; i++)
    {
      guint used = 0, a, b;
      int k = enum_phrase_at (rx, i, isolation_phrases, &used);
      int value;
      ElSbarIsolation *iso;
      g_autofree char *detail = NULL;

      if (k < 0)
        continue;
      value = isolation_phrases[k].value;
      if (value != EL_ISOLATION_NONE && negated (rx, i))
        {
          /* "no longer on droplet": not a statement of "none" either unless isolation is named */
          i += used - 1;
          continue;
        }
      a = i;
      b = i + used - 1;
      /* the organism, in the same sentence */
      if (value != EL_ISOLATION_NONE)
        {
          guint lo = i >= 6 ? i - 6 : 0;
          for (guint o = lo; o < rx->n && o <= b + 6; o++)
            {
              guint o_used = 0;
              if (is_boundary (rx, o))
                {
                  if (o < i)
                    continue;
                  break;
                }
              if (seq_any (rx, o, organisms, &o_used) >= 0)
                {
                  gboolean crossed = FALSE;
                  for (guint x = MIN (o, a); x < MAX (o, b); x++)
                    crossed |= is_boundary (rx, x);
                  if (crossed)
                    continue;
                  detail = sub_text (rx, o, o + o_used - 1);
                  a = MIN (a, o);
                  b = MAX (b, o + o_used - 1);
                  break;
                }
            }
        }
      iso = el_sbar_isolation_new ((ElIsolation) value, detail);
      iso->span = span_of (rx, "isolation", a, b);
      el_sbar_fields_take_isolation (rx->f, iso);
      return;
    }
}

/* Fall risk, illness severity */

static void
extract_fall_risk (Rx *rx)
{
  static const char *const cues[] = {
    "fall risk", "falls risk", "risk for falls", "risk of falls", "risk for fall", "fall precautions", NULL
  };
  for (guint i = 0; i < rx->n; i++)
    {
      guint used = 0;
      guint lo = i >= 3 ? i - 3 : 0;

      if (seq_any (rx, i, cues, &used) < 0)
        continue;
      for (guint k = lo; k < rx->n && k <= i + used + 2; k++)
        {
          int value = -1;
          if (k < i && is_boundary (rx, k))
            {
              lo = k + 1;
              continue;
            }
          if (k > i && is_boundary (rx, k))
            break;
          if (is (rx, k, "high"))
            value = EL_FALL_RISK_HIGH;
          else if (is (rx, k, "moderate") || is (rx, k, "medium"))
            value = EL_FALL_RISK_MODERATE;
          else if (is (rx, k, "low"))
            value = EL_FALL_RISK_LOW;
          if (value >= 0 && !negated (rx, MIN (k, i)))
            {
              ElSbarFallRisk *fr = el_sbar_fall_risk_new ((ElFallRisk) value);
              fr->span = span_of (rx, "fall_risk", MIN (k, i), MAX (k, i + used - 1));
              el_sbar_fields_take_fall_risk (rx->f, fr);
              return;
            }
        }
    }
}

static void
extract_illness_severity (Rx *rx)
{
  static const char *const stable_before[] = { "is",    "remains", "remained", "been",    "currently",
                                               "she's", "he's",    "patient",  "overall", NULL };
  int value = -1;
  guint a = 0, b = 0;

  for (guint i = 0; i < rx->n && value < 0; i++)
    {
      if (seq (rx, i, "illness severity"))
        for (guint k = i + 2; k < rx->n && k <= i + 6; k++)
          {
            int v = is (rx, k, "stable")     ? EL_ILLNESS_SEVERITY_STABLE
                    : is (rx, k, "watcher")  ? EL_ILLNESS_SEVERITY_WATCHER
                    : is (rx, k, "unstable") ? EL_ILLNESS_SEVERITY_UNSTABLE
                                             : -1;
            if (v >= 0)
              {
                value = v;
                a = i;
                b = k;
                break;
              }
          }
    }
  for (guint i = 0; i < rx->n && value < 0; i++)
    {
      if (negated (rx, i))
        continue;
      if (is (rx, i, "watcher"))
        value = EL_ILLNESS_SEVERITY_WATCHER;
      else if (is (rx, i, "unstable"))
        value = EL_ILLNESS_SEVERITY_UNSTABLE;
      else if (is (rx, i, "stable") && i > 0 && g_strv_contains (stable_before, rx->low[i - 1]))
        value = EL_ILLNESS_SEVERITY_STABLE;
      a = b = i;
    }
  if (value >= 0)
    {
      ElSbarIllnessSeverity *s = el_sbar_illness_severity_new ((ElIllnessSeverity) value);
      s->span = span_of (rx, "illness_severity", a, b);
      el_sbar_fields_take_illness_severity (rx->f, s);
    }
}

/* Vitals */

typedef enum
{
  V_TEMP,
  V_HR,
  V_RR,
  V_BP,
  V_SPO2,
  V_PAIN,
  N_VITALS,
} Vital;

static const char *const vital_paths[] = {
  "vitals.temperature_c",  "vitals.heart_rate", "vitals.respiratory_rate",
  "vitals.blood_pressure", "vitals.spo2",       "vitals.pain",
};

static const char *const temp_cues[] = { "temp",       "temperature", "tmax",     "t max", "temp max",
                                         "febrile to", "fever of",    "fever to", "temps", NULL };
static const char *const hr_cues[] = {
  "heart rate",     "hr",       "pulse",        "heart rates", "tachycardic to",
  "bradycardic to", "tachy to", "heart rate's", NULL
};
static const char *const rr_cues[] = {
  "respiratory rate", "resp rate",         "rr", "respirations", "resps", "respiration",
  "breathing at",     "respiratory rates", NULL
};
static const char *const bp_cues[] = { "blood pressure",  "bp", "pressure", "pressures",
                                       "blood pressures", NULL };
static const char *const spo2_cues[] = { "spo2", NULL };
static const char *const pain_cues[] = { "pain", "pain score", "pain level", NULL };

static const char *const *const vital_cues[] = { temp_cues, hr_cues, rr_cues, bp_cues, spo2_cues, pain_cues };

static gboolean
kind_ok (Vital v, const ElSpokenToken *t)
{
  switch (v)
    {
      case V_TEMP:
      case V_HR:
      case V_RR:
        return t->kind == EL_SPOKEN_KIND_NUMBER;
      case V_BP:
        return t->kind == EL_SPOKEN_KIND_BLOOD_PRESSURE;
      case V_SPO2:
        return t->kind == EL_SPOKEN_KIND_PERCENT || t->kind == EL_SPOKEN_KIND_NUMBER;
      case V_PAIN:
        return t->kind == EL_SPOKEN_KIND_SCORE || (t->kind == EL_SPOKEN_KIND_NUMBER && t->is_integer);
      case N_VITALS:
      default:
        return FALSE;
    }
}

static gboolean
is_value_kind (const ElSpokenToken *t)
{
  return t->kind == EL_SPOKEN_KIND_NUMBER || t->kind == EL_SPOKEN_KIND_BLOOD_PRESSURE ||
         t->kind == EL_SPOKEN_KIND_PERCENT || t->kind == EL_SPOKEN_KIND_SCORE ||
         t->kind == EL_SPOKEN_KIND_TIME;
}

static gboolean
any_vital_cue_at (const Rx *rx, guint i)
{
  for (guint v = 0; v < N_VITALS; v++)
    if (seq_any (rx, i, vital_cues[v], NULL) >= 0)
      return TRUE;
  return FALSE;
}

/* The value of vital @v after its cue ending before @i: its index, or -1. */
static int
vital_value_after (const Rx *rx, Vital v, guint i, guint max)
{
  for (guint k = i; k < rx->n && k < i + max; k++)
    {
      const ElSpokenToken *t = tok (rx, k);

      if (is_boundary (rx, k))
        return -1;
      if (is_value_kind (t))
        return kind_ok (v, t) ? (int) k : -1;
      if (t->kind == EL_SPOKEN_KIND_WORD &&
          (any_vital_cue_at (rx, k) || g_strv_contains (negations, rx->low[k])))
        return -1;
      if (t->kind == EL_SPOKEN_KIND_ABBREVIATION && v != V_SPO2)
        return -1;
    }
  return -1;
}

typedef struct
{
  gboolean found;
  double value, value2;
  guint a, b;
  gboolean corrected;
  gboolean implausible;
} VitalHit;

static gboolean
plausible (Vital v, double x, double y)
{
  switch (v)
    {
      case V_TEMP:
        return x >= 30 && x <= 43;
      case V_HR:
        return x >= 20 && x <= 250;
      case V_RR:
        return x >= 4 && x <= 60;
      case V_BP:
        return x >= 50 && x <= 260 && y >= 20 && y <= 160 && y < x && x == floor (x) && y == floor (y);
      case V_SPO2:
        return x >= 50 && x <= 100;
      case V_PAIN:
        return x >= 0 && x <= 10 && x == floor (x);
      case N_VITALS:
      default:
        return FALSE;
    }
}

/* Reads the value at @k (and a unit after it for a temperature); returns the last token used. */
static guint
read_vital (const Rx *rx, Vital v, guint k, double *x, double *y, gboolean *bad_unit)
{
  const ElSpokenToken *t = tok (rx, k);
  guint last = k;

  *x = t->value;
  *y = t->value2;
  *bad_unit = FALSE;
  if (v == V_TEMP)
    {
      guint u = k + 1;
      if (is (rx, u, "degrees") || is (rx, u, "degree"))
        u++;
      if (is_kind (rx, u, EL_SPOKEN_KIND_UNIT) && strcmp (tok (rx, u)->text, "°F") == 0)
        {
          *x = round ((t->value - 32) * 5 / 9 * 10) / 10;
          last = u;
        }
      else if (is_kind (rx, u, EL_SPOKEN_KIND_UNIT) && strcmp (tok (rx, u)->text, "°C") == 0)
        last = u;
      else if (u > k + 1)
        last = k + 1;
    }
  return last;
}

/* A change said as a trend: "from thirty seven up to thirty eight point four", "from one ten to
 * ninety", "ninety two down to eighty eight". Its last value is the current one: the index of
 * that value, or 0. A bare "eighty nine to ninety two" is a range and keeps its first value. */
static guint
trend_after (const Rx *rx, Vital v, guint value_at, guint last)
{
  gboolean from = value_at > 0 && is (rx, value_at - 1, "from");
  guint k = last + 1;
  gboolean moved;

  while (is (rx, k, ","))
    k++;
  moved = is (rx, k, "up") || is (rx, k, "down") || is (rx, k, "back");
  k += moved ? 1 : 0;

  if ((!from && !moved) || !is (rx, k, "to") || k + 1 >= rx->n)
    return 0;
  return is_value_kind (tok (rx, k + 1)) && kind_ok (v, tok (rx, k + 1)) ? k + 1 : 0;
}

static void
find_vital (Rx *rx, Vital v, VitalHit *hit)
{
  memset (hit, 0, sizeof *hit);
  for (guint i = 0; i < rx->n && !hit->found; i++)
    {
      guint used = 0, last, k2;
      int k;
      double x = 0, y = 0;
      gboolean bad = FALSE;

      if (seq_any (rx, i, vital_cues[v], &used) < 0)
        continue;
      if (negated (rx, i))
        continue;
      k = vital_value_after (rx, v, i + used, v == V_PAIN ? 6 : 5);
      if (k < 0)
        continue;
      last = read_vital (rx, v, (guint) k, &x, &y, &bad);
      k2 = trend_after (rx, v, (guint) k, last);
      if (k2 > 0)
        last = read_vital (rx, v, k2, &x, &y, &bad);
      /* "thirty eight, sorry, thirty seven point eight" */
      k2 = correction_after (rx, last);
      if (k2 > 0 && kind_ok (v, tok (rx, k2)))
        {
          last = read_vital (rx, v, k2, &x, &y, &bad);
          hit->corrected = TRUE;
        }
      hit->found = TRUE;
      hit->value = x;
      hit->value2 = y;
      hit->a = i;
      hit->b = last;
    }
  /* without a cue: "X over Y", "X beats per minute", "pain" near "X out of ten", "X percent on 2 L" */
  for (guint i = 0; i < rx->n && !hit->found; i++)
    {
      const ElSpokenToken *t = tok (rx, i);
      gboolean take = FALSE;
      guint a = i, b = i;

      if (v == V_BP && t->kind == EL_SPOKEN_KIND_BLOOD_PRESSURE)
        take = TRUE;
      else if (v == V_HR && t->kind == EL_SPOKEN_KIND_NUMBER &&
               (is (rx, i + 1, "bpm") || seq (rx, i + 1, "beats per minute")))
        {
          take = TRUE;
          b = is (rx, i + 1, "bpm") ? i + 1 : i + 3;
        }
      else if (v == V_RR && t->kind == EL_SPOKEN_KIND_NUMBER && seq (rx, i + 1, "breaths per minute"))
        {
          take = TRUE;
          b = i + 3;
        }
      else if (v == V_PAIN && t->kind == EL_SPOKEN_KIND_SCORE)
        {
          for (guint k = i >= 5 ? i - 5 : 0; k < rx->n && k <= i + 2; k++)
            if (is (rx, k, "pain") && !negated (rx, k))
              {
                gboolean crossed = FALSE;
                for (guint x = MIN (k, i); x < MAX (k, i); x++)
                  crossed |= is_boundary (rx, x);
                if (!crossed)
                  {
                    take = TRUE;
                    a = MIN (k, i);
                    b = MAX (k, i);
                  }
              }
        }
      else if (v == V_SPO2 && t->kind == EL_SPOKEN_KIND_PERCENT && is (rx, i + 1, "on") &&
               (is_kind (rx, i + 2, EL_SPOKEN_KIND_ABBREVIATION) ||
                is_kind (rx, i + 2, EL_SPOKEN_KIND_NUMBER)))
        take = TRUE;
      if (take && !negated (rx, a))
        {
          hit->found = TRUE;
          hit->value = t->value;
          hit->value2 = t->value2;
          hit->a = a;
          hit->b = b;
        }
    }
  if (hit->found && !plausible (v, hit->value, hit->value2))
    hit->implausible = TRUE;
}

static const char *const o2_devices[] = {
  "face mask",    "simple mask", "mask",         "high flow", "high flow nasal cannula",
  "hfnc",         "venti mask",  "venturi mask", "bipap",     "cpap",
  "trach collar", "ventilator",  "vent",         "blow by",   "oxymizer",
  NULL,
};

/* O2 device and flow around an SpO2 value in [a, b]; widens [a, b]. */
static void
find_o2 (Rx *rx, ElSbarSpo2 *spo2, guint *a, guint *b)
{
  guint lo = *a >= 6 ? *a - 6 : 0, hi = MIN (rx->n - 1, *b + 8);
  gboolean have_device = FALSE, have_flow = FALSE;

  for (guint k = *a; k > lo; k--)
    if (is_boundary (rx, k - 1))
      {
        lo = k;
        break;
      }
  for (guint k = *b + 1; k <= hi; k++)
    if (is_boundary (rx, k))
      {
        hi = k - 1;
        break;
      }
  for (guint k = lo; k <= hi && k < rx->n; k++)
    {
      const ElSpokenToken *t = tok (rx, k);
      guint used = 0;

      if (!have_flow && t->kind == EL_SPOKEN_KIND_NUMBER && is_kind (rx, k + 1, EL_SPOKEN_KIND_UNIT) &&
          strcmp (tok (rx, k + 1)->text, "L") == 0 && t->value >= 0 && t->value <= 60)
        {
          have_flow = TRUE;
          spo2->has_o2_flow = TRUE;
          spo2->o2_flow_l_min = t->value;
          *a = MIN (*a, k);
          *b = MAX (*b, k + 1);
          k++;
          continue;
        }
      if (!have_device && t->kind == EL_SPOKEN_KIND_ABBREVIATION &&
          (strcmp (t->text, "NC") == 0 || strcmp (t->text, "RA") == 0 || strcmp (t->text, "NRB") == 0))
        used = 1;
      else if (!have_device && t->kind == EL_SPOKEN_KIND_WORD)
        seq_any (rx, k, o2_devices, &used);
      if (used > 0)
        {
          g_autofree char *device = sub_short (rx, k, k + used - 1);
          if (device != NULL)
            {
              g_free (spo2->o2_device);
              spo2->o2_device = g_utf8_strdown (device, -1);
              have_device = TRUE;
              *a = MIN (*a, k);
              *b = MAX (*b, k + used - 1);
            }
          k += used - 1;
        }
    }
}

static void
extract_vitals (Rx *rx)
{
  ElSbarVitals *vitals = el_sbar_vitals_new ();
  gboolean any = FALSE;
  guint va = G_MAXUINT, vb = 0;

  for (guint v = 0; v < N_VITALS; v++)
    {
      VitalHit hit;
      ElSpan *span;

      find_vital (rx, (Vital) v, &hit);
      if (!hit.found)
        continue;
      if (hit.implausible)
        {
          g_autofree char *detail =
              g_strdup_printf ("%s is outside its plausible range: not kept", vital_paths[v]);
          add_flag_at (rx, EL_EXTRACTION_FLAG_IMPLAUSIBLE, vital_paths[v], detail, hit.a, hit.b);
          continue;
        }
      if (v == V_SPO2)
        {
          ElSbarSpo2 *spo2 = el_sbar_spo2_new (hit.value);
          find_o2 (rx, spo2, &hit.a, &hit.b);
          spo2->span = span_of (rx, vital_paths[v], hit.a, hit.b);
          span = spo2->span;
          vitals->spo2 = spo2;
        }
      else if (v == V_BP)
        {
          ElSbarBloodPressure *bp = el_sbar_blood_pressure_new ((int) hit.value, (int) hit.value2);
          bp->span = span_of (rx, vital_paths[v], hit.a, hit.b);
          span = bp->span;
          vitals->blood_pressure = bp;
        }
      else
        {
          ElSbarMeasure *m = el_sbar_measure_new (hit.value);
          m->span = span_of (rx, vital_paths[v], hit.a, hit.b);
          span = m->span;
          if (v == V_TEMP)
            vitals->temperature_c = m;
          else if (v == V_HR)
            vitals->heart_rate = m;
          else if (v == V_RR)
            vitals->respiratory_rate = m;
          else
            vitals->pain = m;
        }
      if (hit.corrected)
        el_extraction_add_flag (rx->ex, EL_EXTRACTION_FLAG_CORRECTED, vital_paths[v],
                                "the speaker corrected this value: the last one is kept", span);
      any = TRUE;
      va = MIN (va, hit.a);
      vb = MAX (vb, hit.b);
    }
  if (!any)
    {
      el_sbar_vitals_free (vitals);
      return;
    }
  vitals->span = el_transcript_make_span (rx->tr, tok (rx, va)->start, tok (rx, vb)->end);
  el_sbar_fields_take_vitals (rx->f, vitals);
}

/* Drugs: meds due and infusions */

static const char *
words_of_lexicon (const Rx *rx, guint i, guint *used)
{
  const char *words[3];
  guint n = 0;

  while (n < 3 && i + n < rx->n && is_word (rx, i + n))
    {
      words[n] = rx->low[i + n];
      n++;
    }
  if (n == 0)
    return NULL;
  return el_drug_lexicon_match (words, n, used);
}

static const char *const common_words[] = {
  "patient",    "pressure",  "potential",   "position", "morning",    "evening",     "tonight",    "minimal",
  "minute",     "minutes",   "history",     "hospital", "meeting",    "morphing",    "several",    "general",
  "central",    "natural",   "another",     "neither",  "between",    "because",     "getting",    "putting",
  "cutting",    "setting",   "waiting",     "walking",  "talking",    "calling",     "feeling",    "resting",
  "sleeping",   "eating",    "drinking",    "voiding",  "nursing",    "support",     "suction",    "station",
  "session",    "surgery",   "surgeon",     "urinary",  "urinal",     "alert",       "oriented",   "stable",
  "tolerating", "breathing", "medicine",    "medical",  "medication", "medications", "insulin",    "lasting",
  "dressing",   "bedside",   "commode",     "nothing",  "anything",   "something",   "everything", "contact",
  "droplet",    "airborne",  "neutropenic", NULL,
};

/* A misspelled drug at @i (only when a dose or route follows within 4 tokens). */
static const char *
approximate_drug_at (const Rx *rx, guint i)
{
  const char *w;
  gsize len;
  guint d = 0, max;
  const char *best;
  gboolean context = FALSE;

  if (!is_word (rx, i))
    return NULL;
  w = rx->low[i];
  len = strlen (w);
  if (len < 5 || g_strv_contains (common_words, w) || g_strv_contains (not_names, w))
    return NULL;
  for (gsize k = 0; k < len; k++)
    if (!g_ascii_isalpha (w[k]))
      return NULL;
  for (guint k = i + 1; k < rx->n && k <= i + 4 && !context; k++)
    {
      if (is_boundary (rx, k))
        break;
      if (tok (rx, k)->kind == EL_SPOKEN_KIND_ABBREVIATION && strcmp (tok (rx, k)->text, "SpO2") != 0 &&
          strcmp (tok (rx, k)->text, "NC") != 0 && strcmp (tok (rx, k)->text, "RA") != 0 &&
          strcmp (tok (rx, k)->text, "NRB") != 0)
        context = TRUE;
      if (tok (rx, k)->kind == EL_SPOKEN_KIND_NUMBER && is_kind (rx, k + 1, EL_SPOKEN_KIND_UNIT) &&
          strcmp (tok (rx, k + 1)->text, "L") != 0 && tok (rx, k + 1)->text[0] != (char) 0xc2)
        context = TRUE;
    }
  if (!context)
    return NULL;
  max = len >= 8 ? 2 : 1;
  best = el_drug_lexicon_nearest (w, max, &d);
  if (best == NULL || d == 0)
    return NULL;
  return best;
}

static const char *const dose_units[] = { "mg", "g", "mcg", "units", "mL", "mEq", NULL };
static const char *const route_words[] = {
  "nebulized",  "neb",        "nebs",     "inhaled", "topical",     "topically",   "transdermal",
  "via g tube", "per g tube", "per tube", "via peg", "per ng tube", "via ng tube", NULL,
};
static const char *const due_cues[] = { "due", "scheduled", "give",   "next dose", "needs",
                                        "prn", "gets",      "to get", NULL };
static const char *const hold_cues[] = { "hold", "held", "holding", "discontinued", "stopped", "dc'd",
                                         "no",   "not",  NULL };
static const char *const infusion_cues[] = { "drip",     "gtt",        "gtts",    "infusion",
                                             "infusing", "running at", "running", NULL };

static gboolean
dose_at (const Rx *rx, guint k)
{
  return is_kind (rx, k, EL_SPOKEN_KIND_NUMBER) && tok (rx, k)->value > 0 &&
         is_kind (rx, k + 1, EL_SPOKEN_KIND_UNIT) && g_strv_contains (dose_units, tok (rx, k + 1)->text);
}

static gboolean
is_drug_at (const Rx *rx, guint k)
{
  return words_of_lexicon (rx, k, NULL) != NULL;
}

static void
extract_drugs (Rx *rx)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n_meds = 0, n_inf = 0;

  for (guint i = 0; i < rx->n; i++)
    {
      guint used = 0, last, dose_k = 0, route_a = 0, route_b = 0, time_k = 0;
      gboolean has_dose = FALSE, has_route = FALSE, has_time = FALSE, due = FALSE, infusion = FALSE;
      gboolean approx = FALSE, corrected = FALSE;
      guint inf_end = 0;
      const char *drug;
      g_autofree char *name = NULL;
      guint a = i;

      if (rx->used[i])
        continue;
      drug = words_of_lexicon (rx, i, &used);
      if (drug == NULL)
        {
          const char *near = approximate_drug_at (rx, i);
          if (near == NULL)
            continue;
          approx = TRUE;
          used = 1;
        }
      last = i + used - 1;
      if (i > 0 && g_strv_contains (hold_cues, rx->low[i - 1]))
        {
          i = last;
          continue;
        }
      /* before: "ten units of insulin", "on a heparin drip", "IV vancomycin" */
      for (guint k = i >= 4 ? i - 4 : 0; k < i; k++)
        {
          if (is_boundary (rx, k))
            {
              has_dose = FALSE;
              has_route = FALSE;
              continue;
            }
          if (dose_at (rx, k) && (k + 2 == i || (k + 3 == i && is (rx, k + 2, "of"))))
            {
              has_dose = TRUE;
              dose_k = k;
              a = MIN (a, k);
            }
          if (k + 1 == i && is_kind (rx, k, EL_SPOKEN_KIND_ABBREVIATION) &&
              strcmp (tok (rx, k)->text, "SpO2") != 0 && strcmp (tok (rx, k)->text, "NC") != 0 &&
              strcmp (tok (rx, k)->text, "RA") != 0 && strcmp (tok (rx, k)->text, "NRB") != 0)
            {
              has_route = TRUE;
              route_a = route_b = k;
              a = MIN (a, k);
            }
        }
      /* after, up to the end of the sentence or the next drug */
      for (guint k = last + 1; k < rx->n && k <= last + 10; k++)
        {
          guint u = 0;
          const ElSpokenToken *t = tok (rx, k);

          if (is_boundary (rx, k) || is_drug_at (rx, k) || any_vital_cue_at (rx, k) || is (rx, k, "if"))
            break;
          if (!has_dose && dose_at (rx, k))
            {
              guint k2;
              has_dose = TRUE;
              dose_k = k;
              k2 = correction_after (rx, k + 1);
              if (k2 > 0 && dose_at (rx, k2))
                {
                  dose_k = k2;
                  corrected = TRUE;
                  k = k2;
                }
              k++;
              continue;
            }
          if (!has_route && t->kind == EL_SPOKEN_KIND_ABBREVIATION &&
              (strcmp (t->text, "PO") == 0 || strcmp (t->text, "IV") == 0 ||
               strcmp (t->text, "subcut") == 0 || strcmp (t->text, "IM") == 0 ||
               strcmp (t->text, "SL") == 0 || strcmp (t->text, "PR") == 0))
            {
              has_route = TRUE;
              route_a = route_b = k;
              continue;
            }
          if (!has_route && seq_any (rx, k, route_words, &u) >= 0)
            {
              has_route = TRUE;
              route_a = k;
              route_b = k + u - 1;
              k += u - 1;
              continue;
            }
          if (!has_time && t->kind == EL_SPOKEN_KIND_TIME)
            {
              has_time = TRUE;
              time_k = k;
              continue;
            }
          if (seq_any (rx, k, due_cues, &u) >= 0)
            due = TRUE;
          if (!infusion && k <= last + 3 && seq_any (rx, k, infusion_cues, &u) >= 0)
            {
              infusion = TRUE;
              inf_end = k + u - 1;
            }
        }
      if (i > 0 && seq_any (rx, i - 1, due_cues, NULL) >= 0)
        due = TRUE;
      if (i >= 2 && (seq (rx, i - 2, "on a") || seq (rx, i - 2, "on the")) && infusion)
        a = MIN (a, i - 2);
      if (approx && !has_dose && !has_route)
        continue;
      if (!(has_dose || has_route || has_time || due || infusion))
        {
          i = last;
          continue;
        }
      name = approx ? sub_short (rx, i, last) : g_strdup (drug);
      if (name == NULL)
        continue;
      if (infusion)
        {
          guint b = MAX (inf_end, has_dose ? dose_k + 1 : last);
          ElSbarItem *item;
          g_autofree char *desc = NULL;

          /* "running at 10 mL per hour" */
          for (guint k = b + 1; k < rx->n && k <= b + 4; k++)
            {
              if (is_boundary (rx, k) || is (rx, k, ","))
                break;
              if (is (rx, k, "hour") || is (rx, k, "hr") || is (rx, k, "minute") || is (rx, k, "kg"))
                b = k;
            }
          desc = sub_text (rx, i, b);
          if (n_inf < MAX_ITEMS && desc != NULL && *desc != '\0')
            {
              item = el_sbar_item_new (desc);
              item->span = span_of (rx, "infusions", i, b);
              el_sbar_fields_add_infusion (rx->f, item);
              n_inf++;
            }
          i = b;
          continue;
        }
      if (g_hash_table_contains (seen, name) || n_meds >= MAX_ITEMS)
        {
          i = last;
          continue;
        }
      {
        g_autofree char *dose = NULL;
        g_autofree char *route = NULL;
        ElSbarMedDue *med;
        guint b = last;
        g_autofree char *path = g_strdup_printf ("meds_due[%u]", n_meds);

        if (has_dose)
          {
            dose = g_strdup_printf ("%s %s", tok (rx, dose_k)->text, tok (rx, dose_k + 1)->text);
            b = MAX (b, dose_k + 1);
          }
        if (has_route)
          {
            route = route_a == route_b && tok (rx, route_a)->kind == EL_SPOKEN_KIND_ABBREVIATION
                        ? g_strdup (tok (rx, route_a)->text)
                        : sub_short (rx, route_a, route_b);
            b = MAX (b, route_b);
          }
        if (has_time)
          b = MAX (b, time_k);
        med = el_sbar_med_due_new (name, dose, route, has_time ? tok (rx, time_k)->text : NULL);
        med->span = span_of (rx, path, a, b);
        if (approx)
          el_extraction_add_flag (rx->ex, EL_EXTRACTION_FLAG_LOW_CONFIDENCE, path,
                                  "the drug name only approximately matches a known drug: please confirm",
                                  med->span);
        if (corrected)
          el_extraction_add_flag (rx->ex, EL_EXTRACTION_FLAG_CORRECTED, path,
                                  "the speaker corrected the dose: the last one is kept", med->span);
        el_sbar_fields_add_med_due (rx->f, med);
        g_hash_table_add (seen, g_strdup (name));
        n_meds++;
        i = MAX (last, has_dose ? dose_k + 1 : last);
      }
    }
}

/* Lines, drains, airways */

static const char *const line_cues[] = {
  "piv",
  "peripheral iv",
  "peripheral line",
  "saline lock",
  "picc line",
  "picc",
  "central line",
  "cvc",
  "port",
  "port a cath",
  "portacath",
  "midline",
  "arterial line",
  "art line",
  "a line",
  "foley catheter",
  "foley",
  "urinary catheter",
  "chest tube",
  "jp drain",
  "jackson pratt",
  "jp",
  "hemovac",
  "ng tube",
  "ngt",
  "og tube",
  "g tube",
  "peg tube",
  "peg",
  "j tube",
  "nephrostomy tube",
  "nephrostomy",
  "colostomy",
  "ileostomy",
  "ostomy",
  "tracheostomy",
  "trach",
  "endotracheal tube",
  "ett",
  "wound vac",
  "rectal tube",
  "dialysis catheter",
  "permacath",
  "evd",
  "drain",
  "an iv",
  "triple lumen",
  "double lumen",
  NULL,
};

static const char *const line_detail_words[] = {
  "in",      "on",      "the",        "left",    "right",    "l",           "r",     "upper",    "lower",
  "arm",     "forearm", "hand",       "wrist",   "ac",       "antecubital", "chest", "neck",     "internal",
  "jugular", "ij",      "subclavian", "femoral", "groin",    "abdomen",     "flank", "to",       "gravity",
  "suction", "low",     "wall",       "clamped", "draining", "placed",      "site",  "clean",    "dry",
  "intact",  "day",     "her",        "his",     "gauge",    "iv",          "line",  "catheter", "tube",
  "patent",  "flushes", "well",       "leg",     NULL,
};

static void
extract_lines (Rx *rx)
{
  guint n = 0;

  for (guint i = 0; i < rx->n && n < MAX_ITEMS; i++)
    {
      guint used = 0, a = i, b;
      g_autofree char *desc = NULL;
      ElSbarItem *item;
      g_autofree char *path = NULL;

      if (is_kind (rx, i, EL_SPOKEN_KIND_NUMBER) && is (rx, i + 1, "gauge"))
        used = 2;
      else if (seq_any (rx, i, line_cues, &used) < 0)
        continue;
      if (is (rx, i, "an"))
        a = i + 1;
      if (negated (rx, i))
        {
          i += used - 1;
          continue;
        }
      /* "twenty gauge", "left" before */
      if (i >= 2 && is_kind (rx, i - 2, EL_SPOKEN_KIND_NUMBER) && is (rx, i - 1, "gauge"))
        a = i - 2;
      else if (i >= 1 && (is (rx, i - 1, "left") || is (rx, i - 1, "right") || is (rx, i - 1, "peripheral")))
        a = i - 1;
      b = i + used - 1;
      for (guint k = b + 1; k < rx->n && k <= b + 7; k++)
        {
          if (is_boundary (rx, k) || is (rx, k, ","))
            break;
          if (is_kind (rx, k, EL_SPOKEN_KIND_NUMBER) ||
              ((is_word (rx, k) || is_kind (rx, k, EL_SPOKEN_KIND_ABBREVIATION)) &&
               g_strv_contains (line_detail_words, rx->low[k])))
            {
              if (!g_strv_contains ((const char *const[]){ "in", "on", "the", "to", "her", "his", NULL },
                                    rx->low[k]))
                b = k;
              continue;
            }
          if (seq_any (rx, k, line_cues, NULL) >= 0)
            {
              guint u2 = 0;
              seq_any (rx, k, line_cues, &u2);
              b = k + u2 - 1;
              k = b;
              continue;
            }
          break;
        }
      desc = sub_text (rx, a, b);
      path = g_strdup_printf ("lines_drains_airways[%u]", n);
      item = el_sbar_item_new (desc);
      item->span = span_of (rx, path, a, b);
      el_sbar_fields_add_line_drain_airway (rx->f, item);
      n++;
      i = b;
    }
}

/* Pending labs, imaging, consults */

typedef struct
{
  const char *phrase;
  ElPendingKind kind;
} PendingWord;

static const PendingWord pending_words[] = {
  { "cbc", EL_PENDING_KIND_LAB },
  { "bmp", EL_PENDING_KIND_LAB },
  { "cmp", EL_PENDING_KIND_LAB },
  { "basic metabolic panel", EL_PENDING_KIND_LAB },
  { "lactate", EL_PENDING_KIND_LAB },
  { "lactic acid", EL_PENDING_KIND_LAB },
  { "troponin", EL_PENDING_KIND_LAB },
  { "troponins", EL_PENDING_KIND_LAB },
  { "blood cultures", EL_PENDING_KIND_LAB },
  { "blood culture", EL_PENDING_KIND_LAB },
  { "urine culture", EL_PENDING_KIND_LAB },
  { "sputum culture", EL_PENDING_KIND_LAB },
  { "cultures", EL_PENDING_KIND_LAB },
  { "culture", EL_PENDING_KIND_LAB },
  { "potassium", EL_PENDING_KIND_LAB },
  { "magnesium", EL_PENDING_KIND_LAB },
  { "inr", EL_PENDING_KIND_LAB },
  { "ptt", EL_PENDING_KIND_LAB },
  { "a1c", EL_PENDING_KIND_LAB },
  { "abg", EL_PENDING_KIND_LAB },
  { "vbg", EL_PENDING_KIND_LAB },
  { "urinalysis", EL_PENDING_KIND_LAB },
  { "ua", EL_PENDING_KIND_LAB },
  { "lipase", EL_PENDING_KIND_LAB },
  { "bnp", EL_PENDING_KIND_LAB },
  { "hemoglobin", EL_PENDING_KIND_LAB },
  { "h and h", EL_PENDING_KIND_LAB },
  { "type and screen", EL_PENDING_KIND_LAB },
  { "type and cross", EL_PENDING_KIND_LAB },
  { "procalcitonin", EL_PENDING_KIND_LAB },
  { "cortisol", EL_PENDING_KIND_LAB },
  { "tsh", EL_PENDING_KIND_LAB },
  { "lfts", EL_PENDING_KIND_LAB },
  { "creatinine", EL_PENDING_KIND_LAB },
  { "covid test", EL_PENDING_KIND_LAB },
  { "flu swab", EL_PENDING_KIND_LAB },
  { "stool sample", EL_PENDING_KIND_LAB },
  { "trough", EL_PENDING_KIND_LAB },
  { "vanco trough", EL_PENDING_KIND_LAB },
  { "coags", EL_PENDING_KIND_LAB },
  { "d dimer", EL_PENDING_KIND_LAB },
  { "ammonia", EL_PENDING_KIND_LAB },
  { "labs", EL_PENDING_KIND_LAB },
  { "morning labs", EL_PENDING_KIND_LAB },
  { "glucose", EL_PENDING_KIND_LAB },
  { "blood sugar", EL_PENDING_KIND_LAB },
  { "chest x ray", EL_PENDING_KIND_IMAGING },
  { "chest xray", EL_PENDING_KIND_IMAGING },
  { "x ray", EL_PENDING_KIND_IMAGING },
  { "xray", EL_PENDING_KIND_IMAGING },
  { "cxr", EL_PENDING_KIND_IMAGING },
  { "ct scan", EL_PENDING_KIND_IMAGING },
  { "cat scan", EL_PENDING_KIND_IMAGING },
  { "ct", EL_PENDING_KIND_IMAGING },
  { "cta", EL_PENDING_KIND_IMAGING },
  { "mri", EL_PENDING_KIND_IMAGING },
  { "ultrasound", EL_PENDING_KIND_IMAGING },
  { "echo", EL_PENDING_KIND_IMAGING },
  { "echocardiogram", EL_PENDING_KIND_IMAGING },
  { "doppler", EL_PENDING_KIND_IMAGING },
  { "dopplers", EL_PENDING_KIND_IMAGING },
  { "kub", EL_PENDING_KIND_IMAGING },
  { "pet scan", EL_PENDING_KIND_IMAGING },
  { "imaging", EL_PENDING_KIND_IMAGING },
  { "scan", EL_PENDING_KIND_IMAGING },
  { "cardiology", EL_PENDING_KIND_CONSULT },
  { "nephrology", EL_PENDING_KIND_CONSULT },
  { "gi", EL_PENDING_KIND_CONSULT },
  { "surgery", EL_PENDING_KIND_CONSULT },
  { "neurology", EL_PENDING_KIND_CONSULT },
  { "psych", EL_PENDING_KIND_CONSULT },
  { "psychiatry", EL_PENDING_KIND_CONSULT },
  { "infectious disease", EL_PENDING_KIND_CONSULT },
  { "pulmonology", EL_PENDING_KIND_CONSULT },
  { "palliative", EL_PENDING_KIND_CONSULT },
  { "palliative care", EL_PENDING_KIND_CONSULT },
  { "social work", EL_PENDING_KIND_CONSULT },
  { "case management", EL_PENDING_KIND_CONSULT },
  { "physical therapy", EL_PENDING_KIND_CONSULT },
  { "occupational therapy", EL_PENDING_KIND_CONSULT },
  { "pt", EL_PENDING_KIND_CONSULT },
  { "ot", EL_PENDING_KIND_CONSULT },
  { "wound care", EL_PENDING_KIND_CONSULT },
  { "nutrition", EL_PENDING_KIND_CONSULT },
  { "dietitian", EL_PENDING_KIND_CONSULT },
  { "oncology", EL_PENDING_KIND_CONSULT },
  { "urology", EL_PENDING_KIND_CONSULT },
  { "ortho", EL_PENDING_KIND_CONSULT },
  { "consult", EL_PENDING_KIND_CONSULT },
  { "ekg", EL_PENDING_KIND_OTHER },
  { "ecg", EL_PENDING_KIND_OTHER },
  { "eeg", EL_PENDING_KIND_OTHER },
  { "biopsy", EL_PENDING_KIND_OTHER },
  { "results", EL_PENDING_KIND_OTHER },
  { NULL, 0 },
};

static const char *const pending_cues[] = {
  "pending",      "awaiting",    "waiting on",    "waiting for",      "still need", "outstanding",
  "follow up on", "to be drawn", "still waiting", "haven't resulted", "not back",   NULL,
};

static int
pending_word_at (const Rx *rx, guint i, guint *used)
{
  int best = -1;
  guint best_n = 0;

  for (int k = 0; pending_words[k].phrase != NULL; k++)
    {
      guint n = seq (rx, i, pending_words[k].phrase);
      if (n > best_n)
        {
          best_n = n;
          best = k;
        }
    }
  *used = best_n;
  return best;
}

static void
extract_pending (Rx *rx)
{
  g_autofree guint8 *taken = g_new0 (guint8, rx->n + 1);
  guint n = 0;

  for (guint i = 0; i < rx->n && n < MAX_ITEMS; i++)
    {
      guint used = 0, lo, hi;

      if (seq_any (rx, i, pending_cues, &used) < 0 || negated (rx, i))
        continue;
      /* the cue's sentence, at most 8 tokens either side */
      lo = i >= 12 ? i - 12 : 0;
      hi = MIN (rx->n - 1, i + used + 8);
      for (guint k = i; k > lo; k--)
        if (is_boundary (rx, k - 1))
          {
            lo = k;
            break;
          }
      for (guint k = i + used; k <= hi; k++)
        if (is_boundary (rx, k) || is (rx, k, "if"))
          {
            hi = k > 0 ? k - 1 : 0;
            break;
          }
      for (guint k = lo; k <= hi && k < rx->n && n < MAX_ITEMS; k++)
        {
          guint w_used = 0, b;
          int w = pending_word_at (rx, k, &w_used);
          ElPendingKind kind;
          ElSbarPending *p;
          g_autofree char *desc = NULL;
          g_autofree char *path = NULL;

          if (w < 0 || taken[k])
            continue;
          kind = pending_words[w].kind;
          b = k + w_used - 1;
          if (is (rx, b + 1, "consult"))
            {
              b++;
              kind = EL_PENDING_KIND_CONSULT;
            }
          if (strcmp (pending_words[w].phrase, "consult") == 0 && k > lo && is_word (rx, k - 1) &&
              !taken[k - 1] && !g_strv_contains (not_names, rx->low[k - 1]))
            {
              /* "renal consult" */
              desc = sub_text (rx, k - 1, b);
              for (guint x = k - 1; x <= b; x++)
                taken[x] = 1;
              path = g_strdup_printf ("pending[%u]", n);
              p = el_sbar_pending_new (kind, desc);
              p->span = span_of (rx, path, k - 1, b);
              el_sbar_fields_add_pending (rx->f, p);
              n++;
              k = b;
              continue;
            }
          if (kind == EL_PENDING_KIND_CONSULT && strcmp (pending_words[w].phrase, "consult") != 0 &&
              !(b > k + w_used - 1) && !seq (rx, lo, "consult"))
            {
              gboolean consult_near = FALSE;
              for (guint x = lo; x <= hi; x++)
                consult_near |= is (rx, x, "consult") || is (rx, x, "consults") ||
                                is (rx, x, "recommendations") || is (rx, x, "recs") || is (rx, x, "see");
              if (!consult_near)
                continue;
            }
          desc = sub_text (rx, k, b);
          for (guint x = k; x <= b; x++)
            taken[x] = 1;
          path = g_strdup_printf ("pending[%u]", n);
          p = el_sbar_pending_new (kind, desc);
          p->span = span_of (rx, path, k, b);
          el_sbar_fields_add_pending (rx->f, p);
          n++;
          k = b;
        }
      i = MAX (i, hi);
    }
}

/* Contingencies and to-dos */

static const char *const action_verbs[] = {
  "call",     "page",     "notify", "give",     "start",  "stop",     "hold",  "increase",   "decrease",
  "titrate",  "draw",     "get",    "let",      "check",  "recheck",  "send",  "administer", "bolus",
  "escalate", "contact",  "tell",   "consider", "repeat", "transfer", "order", "apply",      "place",
  "use",      "activate", "alert",  "inform",   "obtain", NULL,
};

static guint
clause_end (const Rx *rx, guint from, guint max)
{
  guint b = from;

  for (guint k = from; k < rx->n && k < from + max; k++)
    {
      ElSbarSection s;
      if (is_boundary (rx, k) || (k > from && is (rx, k, "if")) ||
          (k > from && section_cue_at (rx, k, &s) > 0))
        break;
      b = k;
    }
  while (b > from && is_punct (rx, b))
    b--;
  return b;
}

static void
extract_contingencies (Rx *rx)
{
  guint n = 0;

  for (guint i = 0; i + 2 < rx->n && n < MAX_ITEMS; i++)
    {
      guint c_a, c_b, act_a = 0, act_b, k;
      gboolean found = FALSE;
      g_autofree char *cond = NULL;
      g_autofree char *action = NULL;
      ElSbarContingency *c;
      g_autofree char *path = NULL;

      if (!is (rx, i, "if") ||
          (i > 0 && (is (rx, i - 1, "as") || is (rx, i - 1, "even") || is (rx, i - 1, "see"))))
        continue;
      c_a = i + 1;
      for (k = c_a + 1; k < rx->n && k <= c_a + 20; k++)
        {
          if (is_boundary (rx, k))
            break;
          if (is (rx, k, "then"))
            {
              act_a = k + 1;
              found = TRUE;
              break;
            }
          if (is (rx, k, ",") && k + 1 < rx->n && !is_boundary (rx, k + 1))
            {
              act_a = k + 1;
              if (is (rx, act_a, "then"))
                act_a++;
              found = TRUE;
              break;
            }
          if (g_strv_contains (action_verbs, rx->low[k]) && k > c_a)
            {
              act_a = k;
              found = TRUE;
              break;
            }
        }
      if (!found || act_a >= rx->n || is_boundary (rx, act_a) || is_punct (rx, act_a))
        continue;
      c_b = act_a - 1;
      while (c_b > c_a && (is_punct (rx, c_b) || is (rx, c_b, "then")))
        c_b--;
      if (c_b < c_a || is_punct (rx, c_a))
        continue;
      act_b = clause_end (rx, act_a, 25);
      cond = sub_text (rx, c_a, c_b);
      action = sub_text (rx, act_a, act_b);
      if (cond == NULL || action == NULL || *cond == '\0' || *action == '\0')
        continue;
      path = g_strdup_printf ("contingencies[%u]", n);
      c = el_sbar_contingency_new (cond, action);
      c->span = span_of (rx, path, i, act_b);
      el_sbar_fields_add_contingency (rx->f, c);
      for (guint x = i; x <= act_b; x++)
        rx->used[x] |= 2;
      n++;
      i = act_b;
    }
}

static const char *const todo_cues[] = {
  "please",        "need to",     "needs to",       "will need", "make sure",    "don't forget",
  "do not forget", "remember to", "to do",          "todo",      "follow up on", "follow up",
  "recheck",       "reassess",    "keep an eye on", "needs",     NULL,
};

static void
extract_todos (Rx *rx)
{
  guint n = 0;

  for (guint i = 0; i < rx->n && n < MAX_ITEMS; i++)
    {
      guint used = 0, b, due_k = 0;
      gboolean has_due = FALSE;
      g_autofree char *desc = NULL;
      ElSbarTodo *todo;
      g_autofree char *path = NULL;

      if ((rx->used[i] & 2) || seq_any (rx, i, todo_cues, &used) < 0)
        continue;
      if (i + used >= rx->n || is_boundary (rx, i + used))
        continue;
      b = clause_end (rx, i, 25);
      if (b < i + used)
        continue;
      for (guint k = i; k <= b; k++)
        if (is_kind (rx, k, EL_SPOKEN_KIND_TIME) && !has_due)
          {
            has_due = TRUE;
            due_k = k;
          }
      desc = sub_text (rx, i, b);
      path = g_strdup_printf ("todos[%u]", n);
      todo = el_sbar_todo_new (desc, NULL, has_due ? tok (rx, due_k)->text : NULL);
      todo->span = span_of (rx, path, i, b);
      el_sbar_fields_add_todo (rx->f, todo);
      n++;
      i = b;
    }
}

/* Diagnosis, history, diet, mobility, family/discharge */

static const char *const diagnosis_cues[] = {
  "admitted for",
  "admitted with",
  "here for",
  "in for",
  "presented with",
  "presents with",
  "came in with",
  "diagnosis is",
  "diagnosis of",
  "diagnosed with",
  "dx is",
  "dx of",
  "being treated for",
  "admitting diagnosis",
  "status post",
  "s/p",
  NULL,
};
static const char *const history_cues[] = {
  "past medical history of",
  "past medical history includes",
  "past medical history is",
  "past medical history significant for",
  "past medical history",
  "medical history of",
  "history of",
  "pmh of",
  "pmh",
  "hx of",
  NULL,
};
static const char *const diet_cues[] = {
  "npo",          "nothing by mouth", "diet is",       "on a regular diet", "regular diet",
  "cardiac diet", "diabetic diet",    "renal diet",    "clear liquids",     "clear liquid diet",
  "full liquids", "soft diet",        "puree",         "mechanical soft",   "tube feeds",
  "tube feeding", "carb controlled",  "heart healthy", "low sodium diet",   "diet",
  NULL,
};
static const char *const mobility_cues[] = {
  "ambulates",  "ambulating", "bed rest",    "bedrest",    "up with assist", "assist of",
  "one assist", "two assist", "walker",      "wheelchair", "bedbound",       "bed bound",
  "hoyer",      "up ad lib",  "up to chair", "mobility",   "ambulate",       NULL,
};
static const char *const family_cues[] = {
  "family", "wife",    "husband", "daughter", "son",       "discharge", "mother",
  "father", "partner", "sister",  "brother",  "caregiver", NULL,
};

typedef enum
{
  FROM_AFTER_CUE, /* "admitted for X" -> X */
  FROM_CUE,       /* "NPO after midnight" */
  FROM_SENTENCE,  /* "His wife is at the bedside": the sentence, when the cue opens it */
} TextStart;

static void
text_field (Rx *rx,
            const char *const *cues,
            const char *path,
            TextStart start,
            gboolean stop_at_comma,
            guint max,
            void (*take) (ElSbarFields *, ElSbarText *))
{
  gboolean punctuated = FALSE;

  for (guint i = 0; i < rx->n && !punctuated; i++)
    punctuated = is_boundary (rx, i);
  for (guint i = 0; i < rx->n; i++)
    {
      guint used = 0, a, b;
      ElSbarText *t;
      g_autofree char *value = NULL;

      if (seq_any (rx, i, cues, &used) < 0 || negated (rx, i))
        continue;
      a = start == FROM_AFTER_CUE ? i + used : i;
      if (start == FROM_SENTENCE)
        {
          guint s = i;
          while (s > 0 && i - s < 30 && !is_boundary (rx, s - 1))
            s--;
          if (punctuated && i - s > 3)
            continue;
          a = punctuated ? s
                         : (i > 0 && (is (rx, i - 1, "his") || is (rx, i - 1, "her") || is (rx, i - 1, "the"))
                                ? i - 1
                                : i);
        }
      if (a >= rx->n || is_boundary (rx, a) || is_punct (rx, a))
        continue;
      b = clause_end (rx, a, max);
      if (stop_at_comma)
        for (guint k = a + 1; k <= b; k++)
          if (is (rx, k, ","))
            {
              b = k - 1;
              break;
            }
      /* stop a diagnosis/history at a comma followed by a new statement */
      for (guint k = a + 1; k <= b; k++)
        if (is (rx, k, ",") && k + 1 <= b && g_strv_contains (starter_words, rx->low[k + 1]))
          {
            b = k - 1;
            break;
          }
      while (b > a && is_punct (rx, b))
        b--;
      value = sub_text (rx, a, b);
      if (value == NULL || *value == '\0')
        continue;
      t = el_sbar_text_new (value);
      t->span = span_of (rx, path, MIN (i, a), b);
      take (rx->f, t);
      return;
    }
}

/* Entry points */

static void
rx_clear (Rx *rx)
{
  for (guint i = 0; i < rx->n; i++)
    g_free (rx->low[i]);
  g_free (rx->low);
  g_free (rx->bstart);
  g_free (rx->bend);
  g_free (rx->used);
  g_array_unref (rx->toks);
}

ElExtraction *
el_rules_extractor_extract (ElTranscript *transcript)
{
  Rx rx = { 0 };
  const char *p;
  gint64 pos = 0;
  ElExtraction *ex;

  g_return_val_if_fail (transcript != NULL, NULL);

  ex = el_extraction_new ("rules");
  rx.tr = transcript;
  rx.text = el_transcript_get_text (transcript);
  rx.toks = el_spoken_normalize (rx.text);
  rx.n = rx.toks->len;
  rx.low = g_new0 (char *, rx.n + 1);
  rx.bstart = g_new0 (gsize, rx.n + 1);
  rx.bend = g_new0 (gsize, rx.n + 1);
  rx.used = g_new0 (guint8, rx.n + 1);
  rx.ex = ex;
  rx.f = el_sbar_fields_new ();

  /* byte offsets of the tokens (one walk over the text: tokens are in order) */
  p = rx.text;
  for (guint i = 0; i < rx.n; i++)
    {
      const ElSpokenToken *t = tok (&rx, i);

      while (pos < t->start && *p != '\0')
        {
          p = g_utf8_next_char (p);
          pos++;
        }
      rx.bstart[i] = p - rx.text;
      {
        const char *e = p;
        for (gint64 k = t->start; k < t->end && *e != '\0'; k++)
          e = g_utf8_next_char (e);
        rx.bend[i] = e - rx.text;
      }
      rx.low[i] = g_utf8_strdown (t->text, -1);
    }

  extract_sections (&rx);
  extract_identifiers (&rx);
  extract_code_status (&rx);
  extract_allergies (&rx);
  extract_isolation (&rx);
  extract_fall_risk (&rx);
  extract_illness_severity (&rx);
  extract_vitals (&rx);
  extract_drugs (&rx);
  extract_lines (&rx);
  extract_pending (&rx);
  extract_contingencies (&rx);
  extract_todos (&rx);
  text_field (&rx, diagnosis_cues, "diagnosis", FROM_AFTER_CUE, FALSE, 12, el_sbar_fields_take_diagnosis);
  text_field (&rx, history_cues, "history", FROM_AFTER_CUE, FALSE, 16, el_sbar_fields_take_history);
  text_field (&rx, diet_cues, "diet", FROM_CUE, TRUE, 6, el_sbar_fields_take_diet);
  text_field (&rx, mobility_cues, "mobility", FROM_CUE, TRUE, 8, el_sbar_fields_take_mobility);
  text_field (&rx, family_cues, "family_discharge", FROM_SENTENCE, FALSE, 25,
              el_sbar_fields_take_family_discharge);

  el_extraction_take_fields (ex, rx.f);
  rx_clear (&rx);
  return ex;
}

static const char *
el_rules_extractor_get_engine_name (ElSbarExtractor *extractor)
{
  (void) extractor;
  return "rules";
}

static void
extract_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  (void) source;
  (void) cancellable;
  if (g_task_return_error_if_cancelled (task))
    return;
  g_task_return_pointer (task, el_rules_extractor_extract (task_data), (GDestroyNotify) el_extraction_unref);
}

static void
el_rules_extractor_extract_async (ElSbarExtractor *extractor,
                                  ElTranscript *transcript,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (extractor, cancellable, callback, user_data);

  g_task_set_source_tag (task, el_rules_extractor_extract_async);
  g_task_set_task_data (task, el_transcript_ref (transcript), (GDestroyNotify) el_transcript_unref);
  g_task_run_in_thread (task, extract_thread);
}

static ElExtraction *
el_rules_extractor_extract_finish (ElSbarExtractor *extractor, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, extractor), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
el_rules_extractor_iface_init (ElSbarExtractorInterface *iface)
{
  iface->get_engine_name = el_rules_extractor_get_engine_name;
  iface->extract_async = el_rules_extractor_extract_async;
  iface->extract_finish = el_rules_extractor_extract_finish;
}

static void
el_rules_extractor_class_init (ElRulesExtractorClass *klass)
{
  (void) klass;
}

static void
el_rules_extractor_init (ElRulesExtractor *self)
{
  (void) self;
}

ElSbarExtractor *
el_rules_extractor_new (void)
{
  return g_object_new (EL_TYPE_RULES_EXTRACTOR, NULL);
}
