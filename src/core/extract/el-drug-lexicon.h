/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The drug lexicon of the rules extractor: a few hundred common inpatient drugs, generic and brand
 * spellings, lower-case, some of two words ("potassium chloride", "insulin glargine"). Static data,
 * thread-safe.
 *
 * el_drug_lexicon_match() looks up the longest entry (up to three words) made of @words[0..n);
 * el_drug_lexicon_nearest() finds the entry closest to one word by edit distance (Levenshtein,
 * capped), for words a speech engine misspelled ("metoprolo"). Approximate matches are only ever
 * reported with the transcript's own words (see el-rules-extractor.h).
 */

/* The entry made of the first 1..3 of @words (lower-case), longest first; NULL when none.
 * *n_used is the number of words it takes. */
const char *el_drug_lexicon_match (const char *const *words, guint n_words, guint *n_used);
/* TRUE when @name (lower-case, words separated by one space) is an entry. */
gboolean el_drug_lexicon_contains (const char *name);
/* The single-word entry nearest to @word (lower-case) within @max_distance edits, or NULL;
 * *distance is set when found. Exact matches return distance 0. */
const char *el_drug_lexicon_nearest (const char *word, guint max_distance, guint *distance);
/* Number of entries (for tests). */
guint el_drug_lexicon_size (void);
/* Edit distance between two ASCII/UTF-8 strings, counted in bytes, stopping early above @cap
 * (returns cap + 1 then). */
guint el_edit_distance (const char *a, const char *b, guint cap);

G_END_DECLS
