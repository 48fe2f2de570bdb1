/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "el-sbar-extractor.h"

G_BEGIN_DECLS

/*
 * ElRulesExtractor: the offline, grounded SBAR extractor (engine name "rules"), the default.
 *
 * It works on the spoken-form normalised tokens of the transcript (el-spoken-normalize.h), so
 * every value it writes is the written form of words it read, and every field carries the ElSpan
 * (el_transcript_make_span()) of those words — audio times and lowest confidence included.
 *
 * - Sections: from cue phrases (SBAR: situation, background, assessment, recommendation; I-PASS:
 *   illness severity → situation, patient summary → background, action list, situation awareness,
 *   contingency, synthesis → recommendation); text before the first cue, or a transcript without
 *   cues, is split into sentences (at . ! ? ; or, without punctuation, before words that start a
 *   new statement) and each sentence classified: the first one is the situation; vitals and
 *   findings → assessment; history, "admitted for" → background; plans, to-dos, "please",
 *   "needs", "if" → recommendation; a sentence without a clue follows the one before.
 * - Fields (see el-sbar-fields.h): patient identifiers (a name after "this is"/"patient"/"name
 *   is" plus the digits after "MRN"/"medical record number" — both needed by the model), room/bed,
 *   code status, allergies (substance + reaction, or "no known allergies"/"NKDA"), isolation (with
 *   the organism as detail; "not on isolation" → none), fall risk, illness severity, diagnosis,
 *   history, vitals, lines/drains/airways, infusions ("drip", "infusion", "running at"), diet,
 *   mobility, meds due (drug lexicon; dose, route, time), pending labs/imaging/consults, to-dos,
 *   if/then contingencies, family/discharge notes.
 * - Vitals are kept only inside plausibility ranges (temperature 30..43 °C, heart rate 20..250,
 *   respiratory rate 4..60, systolic 50..260 and diastolic 20..160 below it, SpO2 50..100, O2 flow
 *   0..60 L/min, pain 0..10 integer); otherwise not emitted and flagged IMPLAUSIBLE. A temperature
 *   is converted from °F only when "fahrenheit" (or "F") is said.
 * - Negation ("denies pain", "no fever", "not on isolation") keeps a finding out; "no known
 *   allergies" sets no_known_allergies. Self-correction ("thirty eight, sorry, thirty seven point
 *   eight"; "I mean", "correction", "actually", "rather") keeps the corrected value, flagged
 *   CORRECTED, with a span over both.
 * - A drug name that only approximately matches the lexicon (edit distance 1, or 2 for long
 *   names) is emitted only when a dose or route follows, with the transcript's own word, and flagged
 *   LOW_CONFIDENCE; so is every value whose words were recognised below EL_SPEECH_LOW_CONFIDENCE.
 * - Two different names, two different rooms, or "next/other/another patient" → OTHER_PATIENT (the
 *   first patient's values are kept; "Mr. Smith" after "John Smith" is the same patient).
 * - Not extracted: age (no model field), date of birth, to-do owners, vitals.taken_at.
 *
 * el_rules_extractor_extract() is the pure synchronous form (the chat engine's fallback, the job
 * runner); extract_async runs it in a worker thread.
 */

#define EL_TYPE_RULES_EXTRACTOR (el_rules_extractor_get_type ())
G_DECLARE_FINAL_TYPE (ElRulesExtractor, el_rules_extractor, EL, RULES_EXTRACTOR, GObject)

ElSbarExtractor *el_rules_extractor_new (void);
/* (transfer full): never NULL; engine "rules". */
ElExtraction *el_rules_extractor_extract (ElTranscript *transcript);

G_END_DECLS
