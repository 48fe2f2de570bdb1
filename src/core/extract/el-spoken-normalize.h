/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Spoken-form normalisation: what a speech engine writes ("one hundred thirty two over eighty
 * four", "thirty eight point four", "twenty two hundred", "two liters nasal cannula", "sat ninety
 * one percent") turned into the written values a nurse reads (132/84, 38.4, 22:00, 2 L NC, SpO2
 * 91 %).
 *
 * el_spoken_normalize() is a pure function: it splits @text into tokens and returns one
 * ElSpokenToken per written value or word, each with the code point range [start, end) of the
 * source words it came from in @text — the unit of ElSpan — so an extractor working on the tokens
 * can always point back at the transcript (and, through ElTranscript, at the audio).
 *
 * What it recognises (case-insensitive; words may be joined by hyphens: "thirty-eight"):
 * - cardinals: "zero" .. "nine hundred ninety nine thousand ...", "a hundred", "one hundred and
 *   twelve", "ninety one"; spoken hundreds "one thirty two" (132), "one twelve"; digit by digit
 *   "one oh one" (101), "four five six seven" (4567; leading "oh"/"zero" kept in the text);
 * - decimals: "thirty eight point four", "ninety nine point nine", "two point five";
 * - times (kind TIME, value = hour, value2 = minute, text "HH:MM"): "twenty two hundred" and
 *   "oh eight hundred [hours]" (hours 10..23, or with "oh", or after a time word), "fourteen thirty"
 *   (hours 13..23), "two thirty" only in a time context (after at/by/around/until/before/after/
 *   from/due/since, or followed by am/pm/o'clock), "nine pm" (21:00), "nine o'clock"; written "14:00",
 *   "0800" (with a leading zero, "hours" after or a time word before);
 * - blood pressure "X over Y" / "X/Y" (kind BLOOD_PRESSURE, value/value2, text "132/84");
 * - "X percent" / "X%" (PERCENT, "91 %"); "X out of ten" / "X/10" (SCORE, value2 = 10, "3/10");
 * - unit words (UNIT): milligrams/mg → "mg", grams → "g", micrograms/mcg → "mcg", units → "units",
 *   milliliters/ml/cc → "mL", liters/l → "L", milliequivalents/meq → "mEq", celsius → "°C",
 *   fahrenheit → "°F" (single letters g, l, c, f only right after a number);
 * - abbreviations (ABBREVIATION): nasal cannula → "NC", room air → "RA", non rebreather → "NRB",
 *   by mouth / p o / orally → "PO", i v / intravenous → "IV", sub q / subcutaneous → "subcut",
 *   intramuscular → "IM", sublingual → "SL", per rectum → "PR", sat / sats / saturation / satting
 *   / spo2 / o2 sat / pulse ox → "SpO2";
 * - digits already written pass through ("132/84", "38.4", "91%", "2L" → 2 + "L"); three or more
 *   single digits in a row ("4 5 6 7") are one number, as an engine writes a number read out;
 * Everything else is a WORD (text lower-cased) or a PUNCT token (one character). Garbage in
 * gives WORD tokens, never an error; numbers are capped (at most 15 digits, below a billion
 * when spoken) so nothing overflows.
 */

typedef enum
{
  EL_SPOKEN_KIND_WORD,
  EL_SPOKEN_KIND_PUNCT,
  EL_SPOKEN_KIND_NUMBER,
  EL_SPOKEN_KIND_TIME,
  EL_SPOKEN_KIND_BLOOD_PRESSURE,
  EL_SPOKEN_KIND_PERCENT,
  EL_SPOKEN_KIND_SCORE,
  EL_SPOKEN_KIND_UNIT,
  EL_SPOKEN_KIND_ABBREVIATION,
} ElSpokenKind;

typedef struct
{
  ElSpokenKind kind;
  char *text;          /* the written form (see above); words lower-cased */
  double value;        /* NUMBER, PERCENT, SCORE: the number; BLOOD_PRESSURE: systolic; TIME: hour */
  double value2;       /* BLOOD_PRESSURE: diastolic; TIME: minute; SCORE: the scale (10) */
  int decimals;        /* NUMBER, PERCENT: digits after the decimal point */
  gint64 start;        /* first code point of the source in the text */
  gint64 end;          /* one past the last */
  guint n_words;       /* source words (and punctuation) it covers */
  gboolean is_integer; /* NUMBER, PERCENT, SCORE: a whole number */
} ElSpokenToken;

/* (element-type ElSpokenToken): the tokens of @text (valid UTF-8), in order; the array frees the
 * tokens' text. */
GArray *el_spoken_normalize (const char *text);
/* The tokens' texts joined by spaces (punctuation attached to the word before): the normalised
 * text, for the CLI and tests. "sat ninety one percent on two liters nasal cannula" →
 * "SpO2 91 % on 2 L NC". */
char *el_spoken_normalize_text (const char *text);
/* The written forms a token stands for, for grounding checks: its text plus, for a compound, its
 * parts ("132/84" → "132/84", "132", "84"; "91 %" → "91 %", "91"; "22:00" → "22:00", "22"). Appends
 * to @out (element-type utf8, owned). */
void el_spoken_token_add_forms (const ElSpokenToken *token, GPtrArray *out);
const char *el_spoken_kind_to_string (ElSpokenKind kind);

G_END_DECLS
