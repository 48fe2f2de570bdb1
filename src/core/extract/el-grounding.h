/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "el-sbar-extractor.h"

G_BEGIN_DECLS

/*
 * Grounding: the rule that an extractor never emits a value absent from the transcript, made
 * checkable.
 *
 * el_extraction_check_grounded() verifies, for every structured field of @extraction:
 * - it carries a span, and the span lies inside the transcript (0 <= start <= end <= length);
 * - every number of the field (a vital, a dose, a time, an MRN, a room...) is the normalised value
 *   of words inside its span (el-spoken-normalize.h: "one thirty two over eighty four" grounds 132
 *   and 84); a temperature in °C converted from a said °F value is grounded by that value followed
 *   by "fahrenheit";
 * - every word of a text value (a drug name, an allergy substance or reaction, a description, a
 *   name) is a word of its span, compared case-insensitively, or the written form of words of its
 *   span ("PO" for "by mouth");
 * - every enumerated value (code status, isolation, fall risk, illness severity, "no known
 *   allergies") has its key words inside its span ("dnr", "full" ... "code", "droplet", "watcher");
 * and for the four sections (free text without spans): every number and every drug name of the
 * lexicon they contain occurs somewhere in the transcript.
 *
 * It fails on the first violation with EL_GROUNDING_ERROR_UNGROUNDED (or _BAD_SPAN), naming the
 * field's path ("vitals.temperature_c", "meds_due[2]") but never the value (PHI).
 */

#define EL_GROUNDING_ERROR (el_grounding_error_quark ())
GQuark el_grounding_error_quark (void);

typedef enum
{
  EL_GROUNDING_ERROR_UNGROUNDED, /* a value not found in its span */
  EL_GROUNDING_ERROR_BAD_SPAN,   /* a field without a span, or a span outside the transcript */
} ElGroundingError;

gboolean
el_extraction_check_grounded (const ElExtraction *extraction, const ElTranscript *transcript, GError **error);

G_END_DECLS
