/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "el-extract-private.h"
#include "el-grounding.h"
#include "el-rules-extractor.h"
#include "el-test-util.h"

/*
 * The rules engine on text: each field type, negation, self-correction, sections with and without
 * cues, two patients, implausible vitals, spans with audio times from word timings, the model's
 * decoders accepting everything it emits, and the grounding property over ≥ 2,000 generated
 * handoffs (every value is found in its span; every span is inside the text).
 */

static ElExtraction *
extract (const char *text)
{
  g_autoptr (ElTranscript) transcript = el_transcript_new_from_text (text, "test");
  g_autoptr (GError) error = NULL;
  ElExtraction *ex = el_rules_extractor_extract (transcript);
  g_autoptr (JsonNode) json = el_sbar_fields_to_json (el_extraction_get_fields (ex));
  g_autoptr (ElSbarFields) decoded = NULL;

  /* every extraction is grounded and accepted by the model's strict decoder */
  if (!el_extraction_check_grounded (ex, transcript, &error))
    g_test_message ("not grounded: %s", error->message);
  g_assert_no_error (error);
  decoded = el_sbar_fields_new_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_true (el_sbar_fields_equal (decoded, el_extraction_get_fields (ex)));
  return ex;
}

static guint
count_flags (ElExtraction *ex, ElExtractionFlagKind kind, const char *field)
{
  guint n = 0;

  for (guint i = 0; i < el_extraction_get_n_flags (ex); i++)
    {
      const ElExtractionFlag *flag = el_extraction_get_flag (ex, i);
      if (flag->kind == kind && (field == NULL || g_strcmp0 (flag->field, field) == 0))
        n++;
    }
  return n;
}

static char *
span_text (const char *text, const ElSpan *span)
{
  const char *s = g_utf8_offset_to_pointer (text, span->start);
  const char *e = g_utf8_offset_to_pointer (text, span->end);
  return g_strndup (s, e - s);
}

static const char *handoff =
    "Situation: This is John Smith in room 412, MRN 4 5 6 7 8 9, a 67 year old admitted for community "
    "acquired pneumonia. He is a watcher. Background: history of COPD and diabetes. Allergic to penicillin, "
    "causes hives, and sulfa. Full code. He is on contact precautions for MRSA. High fall risk. Assessment: "
    "temp thirty eight, sorry, thirty seven point eight. Heart rate one twelve, BP one thirty two over "
    "eighty "
    "four, respiratory rate twenty two, sat ninety one percent on two liters nasal cannula. Pain three out "
    "of "
    "ten. He has a twenty gauge IV in the left forearm and a foley. Recommendation: metoprolol twenty five "
    "milligrams PO due at twenty two hundred. Vancomycin one gram IV at oh eight hundred. Blood cultures and "
    "a "
    "chest x ray are pending. Please recheck the lactate at fourteen thirty. If his systolic drops below "
    "ninety, call the rapid response team. He is NPO after midnight. Wife is at the bedside.";

static void
test_full_handoff (void)
{
  g_autoptr (ElExtraction) ex = extract (handoff);
  ElSbarFields *f = el_extraction_get_fields (ex);
  ElSbarIdentifiers *ids = el_sbar_fields_get_patient_identifiers (f);
  ElSbarVitals *v = el_sbar_fields_get_vitals (f);
  ElSbarAllergies *al = el_sbar_fields_get_allergies (f);
  GPtrArray *meds = el_sbar_fields_get_meds_due (f);
  ElSbarMedDue *med;
  ElSbarAllergy *a;
  ElSbarContingency *c;
  ElSbarTodo *todo;
  g_autofree char *bp_text = NULL;

  g_assert_cmpstr (el_extraction_get_engine (ex), ==, "rules");
  g_assert_false (el_extraction_get_fell_back (ex));
  g_assert_true (
      g_str_has_prefix (el_extraction_get_section (ex, EL_SBAR_SECTION_SITUATION), "This is John Smith"));
  g_assert_true (
      g_str_has_prefix (el_extraction_get_section (ex, EL_SBAR_SECTION_BACKGROUND), "history of COPD"));
  g_assert_true (
      g_str_has_prefix (el_extraction_get_section (ex, EL_SBAR_SECTION_ASSESSMENT), "temp thirty"));
  g_assert_true (
      g_str_has_prefix (el_extraction_get_section (ex, EL_SBAR_SECTION_RECOMMENDATION), "metoprolol"));

  g_assert_nonnull (ids);
  g_assert_cmpstr (ids->name, ==, "John Smith");
  g_assert_cmpstr (ids->mrn, ==, "456789");
  g_assert_cmpstr (el_sbar_fields_get_room_bed (f)->value, ==, "room 412");
  g_assert_cmpint (el_sbar_fields_get_code_status (f)->value, ==, EL_CODE_STATUS_FULL_CODE);
  g_assert_cmpint (el_sbar_fields_get_isolation (f)->value, ==, EL_ISOLATION_CONTACT);
  g_assert_cmpstr (el_sbar_fields_get_isolation (f)->detail, ==, "MRSA");
  g_assert_cmpint (el_sbar_fields_get_fall_risk (f)->value, ==, EL_FALL_RISK_HIGH);
  g_assert_cmpint (el_sbar_fields_get_illness_severity (f)->value, ==, EL_ILLNESS_SEVERITY_WATCHER);
  g_assert_cmpstr (el_sbar_fields_get_diagnosis (f)->value, ==, "community acquired pneumonia");
  g_assert_cmpstr (el_sbar_fields_get_history (f)->value, ==, "COPD and diabetes");
  g_assert_cmpstr (el_sbar_fields_get_diet (f)->value, ==, "NPO after midnight");

  g_assert_false (al->no_known_allergies);
  g_assert_cmpuint (al->items->len, ==, 2);
  a = g_ptr_array_index (al->items, 0);
  g_assert_cmpstr (a->substance, ==, "penicillin");
  g_assert_cmpstr (a->reaction, ==, "hives");
  a = g_ptr_array_index (al->items, 1);
  g_assert_cmpstr (a->substance, ==, "sulfa");
  g_assert_null (a->reaction);

  g_assert_nonnull (v);
  g_assert_cmpfloat_with_epsilon (v->temperature_c->value, 37.8, 1e-9);
  g_assert_cmpuint (count_flags (ex, EL_EXTRACTION_FLAG_CORRECTED, "vitals.temperature_c"), ==, 1);
  g_assert_cmpfloat (v->heart_rate->value, ==, 112);
  g_assert_cmpfloat (v->respiratory_rate->value, ==, 22);
  g_assert_cmpint (v->blood_pressure->systolic, ==, 132);
  g_assert_cmpint (v->blood_pressure->diastolic, ==, 84);
  bp_text = span_text (handoff, v->blood_pressure->span);
  g_assert_cmpstr (bp_text, ==, "BP one thirty two over eighty four");
  g_assert_cmpfloat (v->spo2->value, ==, 91);
  g_assert_cmpstr (v->spo2->o2_device, ==, "nasal cannula");
  g_assert_true (v->spo2->has_o2_flow);
  g_assert_cmpfloat (v->spo2->o2_flow_l_min, ==, 2);
  g_assert_cmpfloat (v->pain->value, ==, 3);

  g_assert_cmpuint (el_sbar_fields_get_lines_drains_airways (f)->len, ==, 2);
  g_assert_cmpstr (
      ((ElSbarItem *) g_ptr_array_index (el_sbar_fields_get_lines_drains_airways (f), 0))->description, ==,
      "twenty gauge IV in the left forearm");

  g_assert_cmpuint (meds->len, ==, 2);
  med = g_ptr_array_index (meds, 0);
  g_assert_cmpstr (med->name, ==, "metoprolol");
  g_assert_cmpstr (med->dose, ==, "25 mg");
  g_assert_cmpstr (med->route, ==, "PO");
  g_assert_cmpstr (med->time, ==, "22:00");
  med = g_ptr_array_index (meds, 1);
  g_assert_cmpstr (med->name, ==, "vancomycin");
  g_assert_cmpstr (med->dose, ==, "1 g");
  g_assert_cmpstr (med->route, ==, "IV");
  g_assert_cmpstr (med->time, ==, "08:00");

  g_assert_cmpuint (el_sbar_fields_get_pending (f)->len, ==, 2);
  g_assert_cmpint (((ElSbarPending *) g_ptr_array_index (el_sbar_fields_get_pending (f), 1))->kind, ==,
                   EL_PENDING_KIND_IMAGING);
  todo = g_ptr_array_index (el_sbar_fields_get_todos (f), 0);
  g_assert_cmpstr (todo->due, ==, "14:30");
  c = g_ptr_array_index (el_sbar_fields_get_contingencies (f), 0);
  g_assert_cmpstr (c->condition, ==, "his systolic drops below ninety");
  g_assert_cmpstr (c->action, ==, "call the rapid response team");
  g_assert_nonnull (el_sbar_fields_get_family_discharge (f));
  g_assert_cmpuint (count_flags (ex, EL_EXTRACTION_FLAG_OTHER_PATIENT, NULL), ==, 0);
}

static void
test_identifiers (void)
{
  g_autoptr (ElExtraction) with_mrn =
      extract ("This is Maria Lopez, medical record number one two three four five.");
  g_autoptr (ElExtraction) without = extract ("This is Maria Lopez, she is stable.");
  g_autoptr (ElExtraction) room = extract ("patient in room four twelve bed two");
  ElSbarIdentifiers *ids = el_sbar_fields_get_patient_identifiers (el_extraction_get_fields (with_mrn));

  g_assert_nonnull (ids);
  g_assert_cmpstr (ids->name, ==, "Maria Lopez");
  g_assert_cmpstr (ids->mrn, ==, "12345");
  /* the model needs a name plus an MRN or a date of birth: a name alone is not emitted */
  g_assert_null (el_sbar_fields_get_patient_identifiers (el_extraction_get_fields (without)));
  g_assert_cmpstr (el_sbar_fields_get_room_bed (el_extraction_get_fields (room))->value, ==,
                   "room 412 bed 2");
}

static void
test_code_status (void)
{
  static const struct
  {
    const char *text;
    int value;
  } cases[] = {
    { "She is full code.", EL_CODE_STATUS_FULL_CODE },
    { "Code status DNR.", EL_CODE_STATUS_DNR },
    { "He is DNI.", EL_CODE_STATUS_DNI },
    { "She is DNR/DNI.", EL_CODE_STATUS_DNR_DNI },
    { "DNR and DNI", EL_CODE_STATUS_DNR_DNI },
    { "family wants comfort care only", EL_CODE_STATUS_COMFORT_CARE },
    { "she is not a DNR, she is full code", EL_CODE_STATUS_FULL_CODE },
    { "do not resuscitate", EL_CODE_STATUS_DNR },
    /* letters one by one, as a speech recogniser writes them */
    { "his code status is d n r", EL_CODE_STATUS_DNR },
    { "her code status is d n r d n i", EL_CODE_STATUS_DNR_DNI },
    { "she is d n r and d n i", EL_CODE_STATUS_DNR_DNI },
    { "c m o per the family", EL_CODE_STATUS_COMFORT_CARE },
    { "nothing about it", -1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (ElExtraction) ex = extract (cases[i].text);
      ElSbarCodeStatus *cs = el_sbar_fields_get_code_status (el_extraction_get_fields (ex));

      if (cases[i].value < 0)
        g_assert_null (cs);
      else
        {
          g_assert_nonnull (cs);
          g_assert_cmpint (cs->value, ==, cases[i].value);
        }
    }
}

static void
test_allergies (void)
{
  g_autoptr (ElExtraction) nkda = extract ("No known allergies. Vitals stable.");
  g_autoptr (ElExtraction) nkda2 = extract ("Allergies: NKDA");
  g_autoptr (ElExtraction) item = extract ("She is allergic to morphine which causes itching.");
  g_autoptr (ElExtraction) suffix = extract ("He has a latex allergy.");
  g_autoptr (ElExtraction) none = extract ("She is not allergic to anything we know of.");
  /* recognised speech has no punctuation: a negation does not reach into the next clause */
  g_autoptr (ElExtraction) unpunctuated =
      extract ("and he has no nausea he is allergic to sulfa which causes a rash he wants everything done");
  g_autoptr (ElExtraction) unpunctuated_none = extract ("she has no allergies she is full code");
  ElSbarAllergies *a;
  ElSbarAllergy *it;

  a = el_sbar_fields_get_allergies (el_extraction_get_fields (nkda));
  g_assert_nonnull (a);
  g_assert_true (a->no_known_allergies);
  g_assert_cmpuint (a->items->len, ==, 0);
  a = el_sbar_fields_get_allergies (el_extraction_get_fields (nkda2));
  g_assert_true (a->no_known_allergies);

  a = el_sbar_fields_get_allergies (el_extraction_get_fields (item));
  g_assert_false (a->no_known_allergies);
  g_assert_cmpuint (a->items->len, ==, 1);
  it = g_ptr_array_index (a->items, 0);
  g_assert_cmpstr (it->substance, ==, "morphine");
  g_assert_cmpstr (it->reaction, ==, "itching");
  /* a drug named as an allergy is not a med due */
  g_assert_null (el_sbar_fields_get_meds_due (el_extraction_get_fields (item)));

  a = el_sbar_fields_get_allergies (el_extraction_get_fields (suffix));
  g_assert_nonnull (a);
  g_assert_cmpstr (((ElSbarAllergy *) g_ptr_array_index (a->items, 0))->substance, ==, "latex");
  g_assert_null (el_sbar_fields_get_allergies (el_extraction_get_fields (none)));

  a = el_sbar_fields_get_allergies (el_extraction_get_fields (unpunctuated));
  g_assert_nonnull (a);
  g_assert_false (a->no_known_allergies);
  g_assert_cmpuint (a->items->len, ==, 1);
  g_assert_cmpstr (((ElSbarAllergy *) g_ptr_array_index (a->items, 0))->substance, ==, "sulfa");
  g_assert_cmpstr (((ElSbarAllergy *) g_ptr_array_index (a->items, 0))->reaction, ==, "rash");
  a = el_sbar_fields_get_allergies (el_extraction_get_fields (unpunctuated_none));
  g_assert_nonnull (a);
  g_assert_true (a->no_known_allergies);
}

static void
test_isolation_and_risk (void)
{
  g_autoptr (ElExtraction) droplet =
      extract ("She is on droplet precautions for influenza. Moderate fall risk.");
  g_autoptr (ElExtraction) none = extract ("He is not on isolation. Illness severity: unstable.");
  g_autoptr (ElExtraction) plus = extract ("contact plus for C diff, she remains stable");
  ElSbarFields *f;

  f = el_extraction_get_fields (droplet);
  g_assert_cmpint (el_sbar_fields_get_isolation (f)->value, ==, EL_ISOLATION_DROPLET);
  g_assert_cmpstr (el_sbar_fields_get_isolation (f)->detail, ==, "influenza");
  g_assert_cmpint (el_sbar_fields_get_fall_risk (f)->value, ==, EL_FALL_RISK_MODERATE);
  f = el_extraction_get_fields (none);
  g_assert_cmpint (el_sbar_fields_get_isolation (f)->value, ==, EL_ISOLATION_NONE);
  g_assert_cmpint (el_sbar_fields_get_illness_severity (f)->value, ==, EL_ILLNESS_SEVERITY_UNSTABLE);
  f = el_extraction_get_fields (plus);
  g_assert_cmpint (el_sbar_fields_get_isolation (f)->value, ==, EL_ISOLATION_CONTACT_PLUS);
  g_assert_cmpstr (el_sbar_fields_get_isolation (f)->detail, ==, "C diff");
  g_assert_cmpint (el_sbar_fields_get_illness_severity (f)->value, ==, EL_ILLNESS_SEVERITY_STABLE);
}

static void
test_vitals (void)
{
  g_autoptr (ElExtraction) f_temp = extract ("temp one hundred one point two fahrenheit, pulse 88");
  g_autoptr (ElExtraction) implausible = extract ("temperature ninety three, heart rate 80");
  g_autoptr (ElExtraction) no_unit = extract ("temp one hundred one");
  g_autoptr (ElExtraction) bp_bad = extract ("BP three hundred over two hundred");
  g_autoptr (ElExtraction) denies = extract ("She denies pain. No fever.");
  g_autoptr (ElExtraction) zero = extract ("pain zero out of ten");
  g_autoptr (ElExtraction) corrected = extract ("heart rate one ten, I mean one hundred");
  g_autoptr (ElExtraction) ra = extract ("satting ninety five percent on room air, RR 16");
  g_autoptr (ElExtraction) rose =
      extract ("temperature went from thirty seven up to thirty eight point four");
  g_autoptr (ElExtraction) fell = extract ("Heart rate from one hundred ten to ninety after the bolus.");
  g_autoptr (ElExtraction) heard = extract ("her temperature one up to thirty eight point four and");
  g_autoptr (ElExtraction) range = extract ("sats have been eighty nine to ninety two percent");
  g_autoptr (ElExtraction) pain_down = extract ("pain was eight, down to four out of ten after morphine");
  ElSbarVitals *v;

  v = el_sbar_fields_get_vitals (el_extraction_get_fields (f_temp));
  g_assert_cmpfloat_with_epsilon (v->temperature_c->value, 38.4, 1e-9);
  g_assert_cmpfloat (v->heart_rate->value, ==, 88);

  /* 93 °C is not a temperature: not emitted, flagged; the rest is kept */
  v = el_sbar_fields_get_vitals (el_extraction_get_fields (implausible));
  g_assert_null (v->temperature_c);
  g_assert_cmpfloat (v->heart_rate->value, ==, 80);
  g_assert_cmpuint (count_flags (implausible, EL_EXTRACTION_FLAG_IMPLAUSIBLE, "vitals.temperature_c"), ==, 1);
  /* °F is not assumed when the unit is not said */
  g_assert_null (el_sbar_fields_get_vitals (el_extraction_get_fields (no_unit)));
  g_assert_cmpuint (count_flags (no_unit, EL_EXTRACTION_FLAG_IMPLAUSIBLE, NULL), ==, 1);
  g_assert_null (el_sbar_fields_get_vitals (el_extraction_get_fields (bp_bad)));
  g_assert_cmpuint (count_flags (bp_bad, EL_EXTRACTION_FLAG_IMPLAUSIBLE, "vitals.blood_pressure"), ==, 1);

  /* negation: "denies pain" is not pain 0, it is no pain value at all */
  g_assert_null (el_sbar_fields_get_vitals (el_extraction_get_fields (denies)));
  v = el_sbar_fields_get_vitals (el_extraction_get_fields (zero));
  g_assert_cmpfloat (v->pain->value, ==, 0);

  v = el_sbar_fields_get_vitals (el_extraction_get_fields (corrected));
  g_assert_cmpfloat (v->heart_rate->value, ==, 100);
  g_assert_cmpuint (count_flags (corrected, EL_EXTRACTION_FLAG_CORRECTED, "vitals.heart_rate"), ==, 1);

  v = el_sbar_fields_get_vitals (el_extraction_get_fields (ra));
  g_assert_cmpfloat (v->spo2->value, ==, 95);
  g_assert_cmpstr (v->spo2->o2_device, ==, "room air");
  g_assert_false (v->spo2->has_o2_flow);
  g_assert_cmpfloat (v->respiratory_rate->value, ==, 16);

  /* a trend: the current value is its last one, not where it started */
  v = el_sbar_fields_get_vitals (el_extraction_get_fields (rose));
  g_assert_cmpfloat_with_epsilon (v->temperature_c->value, 38.4, 1e-9);
  g_assert_cmpuint (v->temperature_c->span->start, ==, 0);
  v = el_sbar_fields_get_vitals (el_extraction_get_fields (fell));
  g_assert_cmpfloat (v->heart_rate->value, ==, 90);
  /* "went" heard as "one": 1 °C is not the value, what it went up to is */
  v = el_sbar_fields_get_vitals (el_extraction_get_fields (heard));
  g_assert_cmpfloat_with_epsilon (v->temperature_c->value, 38.4, 1e-9);
  g_assert_cmpuint (count_flags (heard, EL_EXTRACTION_FLAG_IMPLAUSIBLE, NULL), ==, 0);
  /* a range is not a trend */
  v = el_sbar_fields_get_vitals (el_extraction_get_fields (range));
  g_assert_cmpfloat (v->spo2->value, ==, 89);
  /* "eight, down to four": a comma is not a sentence's end */
  v = el_sbar_fields_get_vitals (el_extraction_get_fields (pain_down));
  g_assert_cmpfloat (v->pain->value, ==, 4);
}

static void
test_meds (void)
{
  g_autoptr (ElExtraction) lasix = extract ("Give Lasix forty milligrams IV at ten hundred.");
  g_autoptr (ElExtraction) approx = extract ("metoprolo twenty five milligrams by mouth tonight");
  g_autoptr (ElExtraction) unknown = extract ("frobnicate twenty five milligrams");
  g_autoptr (ElExtraction) drip = extract ("She is on a heparin drip at twelve units per kg per hour.");
  g_autoptr (ElExtraction) dose_fix = extract ("oxycodone five milligrams, sorry, ten milligrams PO");
  g_autoptr (ElExtraction) held = extract ("We held the metoprolol.");
  ElSbarMedDue *m;
  GPtrArray *inf;

  m = g_ptr_array_index (el_sbar_fields_get_meds_due (el_extraction_get_fields (lasix)), 0);
  g_assert_cmpstr (m->name, ==, "lasix");
  g_assert_cmpstr (m->dose, ==, "40 mg");
  g_assert_cmpstr (m->route, ==, "IV");
  g_assert_cmpstr (m->time, ==, "10:00");

  /* an approximate match keeps the transcript's own word and asks the nurse */
  m = g_ptr_array_index (el_sbar_fields_get_meds_due (el_extraction_get_fields (approx)), 0);
  g_assert_cmpstr (m->name, ==, "metoprolo");
  g_assert_cmpuint (count_flags (approx, EL_EXTRACTION_FLAG_LOW_CONFIDENCE, "meds_due[0]"), ==, 1);
  g_assert_null (el_sbar_fields_get_meds_due (el_extraction_get_fields (unknown)));

  inf = el_sbar_fields_get_infusions (el_extraction_get_fields (drip));
  g_assert_nonnull (inf);
  g_assert_true (g_str_has_prefix (((ElSbarItem *) g_ptr_array_index (inf, 0))->description, "heparin drip"));
  g_assert_null (el_sbar_fields_get_meds_due (el_extraction_get_fields (drip)));

  m = g_ptr_array_index (el_sbar_fields_get_meds_due (el_extraction_get_fields (dose_fix)), 0);
  g_assert_cmpstr (m->dose, ==, "10 mg");
  g_assert_cmpuint (count_flags (dose_fix, EL_EXTRACTION_FLAG_CORRECTED, "meds_due[0]"), ==, 1);
  g_assert_null (el_sbar_fields_get_meds_due (el_extraction_get_fields (held)));
}

static void
test_plans (void)
{
  g_autoptr (ElExtraction) ex = extract (
      "Cardiology consult is pending, and we are awaiting the MRI. If her pressure drops below ninety "
      "then give a fluid bolus. Please draw a BMP at oh six hundred. She has a PICC line in the right "
      "arm. Ambulates with a walker.");
  ElSbarFields *f = el_extraction_get_fields (ex);
  GPtrArray *pending = el_sbar_fields_get_pending (f);
  ElSbarPending *p;
  ElSbarContingency *c;
  ElSbarTodo *t;

  g_assert_cmpuint (pending->len, ==, 2);
  p = g_ptr_array_index (pending, 0);
  g_assert_cmpint (p->kind, ==, EL_PENDING_KIND_CONSULT);
  g_assert_cmpstr (p->description, ==, "Cardiology consult");
  p = g_ptr_array_index (pending, 1);
  g_assert_cmpint (p->kind, ==, EL_PENDING_KIND_IMAGING);
  c = g_ptr_array_index (el_sbar_fields_get_contingencies (f), 0);
  g_assert_cmpstr (c->condition, ==, "her pressure drops below ninety");
  g_assert_cmpstr (c->action, ==, "give a fluid bolus");
  t = g_ptr_array_index (el_sbar_fields_get_todos (f), 0);
  g_assert_cmpstr (t->description, ==, "Please draw a BMP at oh six hundred");
  g_assert_cmpstr (t->due, ==, "06:00");
  g_assert_cmpstr (
      ((ElSbarItem *) g_ptr_array_index (el_sbar_fields_get_lines_drains_airways (f), 0))->description, ==,
      "PICC line in the right arm");
  g_assert_cmpstr (el_sbar_fields_get_mobility (f)->value, ==, "Ambulates with a walker");
}

static void
test_sections (void)
{
  g_autoptr (ElExtraction) missing =
      extract ("Situation: Mr. Brown, post op day one. Assessment: pain controlled.");
  g_autoptr (ElExtraction) ipass = extract (
      "Illness severity: stable. Patient summary: seventy year old with CHF. Action list: daily weight. "
      "Situation awareness and contingency planning: if short of breath call the team.");
  g_autoptr (ElExtraction) nocues =
      extract ("Mrs. Green is a post op hip patient. She was admitted yesterday with a history of falls. "
               "Heart rate 80 and BP 120/70. Please check her dressing tonight.");
  g_autoptr (ElExtraction) unpunctuated = extract (
      "mister green post op hip she was admitted yesterday with a history of falls heart rate eighty "
      "please check her dressing tonight");

  g_assert_cmpstr (el_extraction_get_section (missing, EL_SBAR_SECTION_SITUATION), ==,
                   "Mr. Brown, post op day one.");
  g_assert_null (el_extraction_get_section (missing, EL_SBAR_SECTION_BACKGROUND));
  g_assert_cmpstr (el_extraction_get_section (missing, EL_SBAR_SECTION_ASSESSMENT), ==, "pain controlled.");
  g_assert_null (el_extraction_get_section (missing, EL_SBAR_SECTION_RECOMMENDATION));

  g_assert_cmpstr (el_extraction_get_section (ipass, EL_SBAR_SECTION_SITUATION), ==, "stable.");
  g_assert_cmpstr (el_extraction_get_section (ipass, EL_SBAR_SECTION_BACKGROUND), ==,
                   "seventy year old with CHF.");
  g_assert_cmpstr (el_extraction_get_section (ipass, EL_SBAR_SECTION_RECOMMENDATION), ==,
                   "daily weight. if short of breath call the team.");
  g_assert_cmpint (el_sbar_fields_get_illness_severity (el_extraction_get_fields (ipass))->value, ==,
                   EL_ILLNESS_SEVERITY_STABLE);

  g_assert_cmpstr (el_extraction_get_section (nocues, EL_SBAR_SECTION_SITUATION), ==,
                   "Mrs. Green is a post op hip patient.");
  g_assert_cmpstr (el_extraction_get_section (nocues, EL_SBAR_SECTION_BACKGROUND), ==,
                   "She was admitted yesterday with a history of falls.");
  g_assert_cmpstr (el_extraction_get_section (nocues, EL_SBAR_SECTION_ASSESSMENT), ==,
                   "Heart rate 80 and BP 120/70.");
  g_assert_cmpstr (el_extraction_get_section (nocues, EL_SBAR_SECTION_RECOMMENDATION), ==,
                   "Please check her dressing tonight.");

  g_assert_nonnull (el_extraction_get_section (unpunctuated, EL_SBAR_SECTION_SITUATION));
  g_assert_nonnull (el_extraction_get_section (unpunctuated, EL_SBAR_SECTION_BACKGROUND));
  g_assert_nonnull (el_extraction_get_section (unpunctuated, EL_SBAR_SECTION_RECOMMENDATION));
}

static void
test_two_patients (void)
{
  g_autoptr (ElExtraction) two =
      extract ("This is John Smith in room 412, MRN 55501. Also Mary Jones in room 414 "
               "has a fever.");
  g_autoptr (ElExtraction) one =
      extract ("This is John Smith in room 412. Mr. Smith is stable. Room 412 is quiet.");
  g_autoptr (ElExtraction) next = extract ("Moving on to the next patient, heart rate 90.");

  g_assert_cmpuint (count_flags (two, EL_EXTRACTION_FLAG_OTHER_PATIENT, NULL), ==, 1);
  /* the first patient's identifiers are kept */
  g_assert_cmpstr (el_sbar_fields_get_patient_identifiers (el_extraction_get_fields (two))->name, ==,
                   "John Smith");
  g_assert_cmpuint (count_flags (one, EL_EXTRACTION_FLAG_OTHER_PATIENT, NULL), ==, 0);
  g_assert_cmpuint (count_flags (next, EL_EXTRACTION_FLAG_OTHER_PATIENT, NULL), ==, 1);
}

/* Words with fake audio times (word i at [1000 i, 1000 i + 800] ms); "twelve" heard at 0.4. */
static void
test_audio_spans (void)
{
  static const char *const words[] = { "heart", "rate", "one", "twelve", "and",
                                       "pain",  "two",  "out", "of",     "ten" };
  g_autoptr (ElTranscript) tr = el_transcript_new ("pocketsphinx");
  g_autoptr (ElExtraction) ex = NULL;
  g_autoptr (GError) error = NULL;
  ElSbarVitals *v;

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    el_transcript_append_word (tr, words[i], 1000 * i, 1000 * i + 800, i == 3 ? 0.4 : 0.95);
  ex = el_rules_extractor_extract (tr);
  g_assert_true (el_extraction_check_grounded (ex, tr, &error));
  g_assert_no_error (error);
  v = el_sbar_fields_get_vitals (el_extraction_get_fields (ex));
  g_assert_cmpfloat (v->heart_rate->value, ==, 112);
  g_assert_true (v->heart_rate->span->has_audio_start_ms);
  g_assert_cmpint (v->heart_rate->span->audio_start_ms, ==, 0);
  g_assert_cmpint (v->heart_rate->span->audio_end_ms, ==, 3800);
  g_assert_cmpfloat (v->heart_rate->span->confidence, <, EL_SPEECH_LOW_CONFIDENCE);
  g_assert_cmpuint (count_flags (ex, EL_EXTRACTION_FLAG_LOW_CONFIDENCE, "vitals.heart_rate"), ==, 1);
  g_assert_cmpint (v->pain->span->audio_start_ms, ==, 5000);
  g_assert_cmpint (v->pain->span->audio_end_ms, ==, 9800);
  g_assert_cmpfloat_with_epsilon (v->pain->span->confidence, 0.95, 1e-9);
  g_assert_cmpuint (count_flags (ex, EL_EXTRACTION_FLAG_LOW_CONFIDENCE, "vitals.pain"), ==, 0);
}

/* The checker itself: values changed after extraction are caught. */
static void
test_checker (void)
{
  g_autoptr (ElTranscript) tr = el_transcript_new_from_text (handoff, "test");
  g_autoptr (ElExtraction) ex = el_rules_extractor_extract (tr);
  ElSbarFields *f = el_extraction_get_fields (ex);
  ElSbarMedDue *med = g_ptr_array_index (el_sbar_fields_get_meds_due (f), 0);
  ElSbarVitals *v = el_sbar_fields_get_vitals (f);
  GError *error = NULL;

  g_assert_true (el_extraction_check_grounded (ex, tr, &error));
  v->heart_rate->value = 113;
  g_assert_false (el_extraction_check_grounded (ex, tr, &error));
  g_assert_error (error, EL_GROUNDING_ERROR, EL_GROUNDING_ERROR_UNGROUNDED);
  g_assert_null (strstr (error->message, "113")); /* names the field, never the value */
  g_assert_nonnull (strstr (error->message, "vitals.heart_rate"));
  g_clear_error (&error);
  v->heart_rate->value = 112;

  g_free (med->dose);
  med->dose = g_strdup ("50 mg");
  g_assert_false (el_extraction_check_grounded (ex, tr, &error));
  g_assert_error (error, EL_GROUNDING_ERROR, EL_GROUNDING_ERROR_UNGROUNDED);
  g_clear_error (&error);
  g_free (med->dose);
  med->dose = g_strdup ("25 mg");
  g_free (med->name);
  med->name = g_strdup ("labetalol");
  g_assert_false (el_extraction_check_grounded (ex, tr, &error));
  g_clear_error (&error);
  g_free (med->name);
  med->name = g_strdup ("metoprolol");
  g_assert_true (el_extraction_check_grounded (ex, tr, &error));

  /* a value outside its span: the right words, the wrong place */
  v->heart_rate->span->start = 0;
  v->heart_rate->span->end = 10;
  g_assert_false (el_extraction_check_grounded (ex, tr, &error));
  g_clear_error (&error);
  v->heart_rate->span->end = el_transcript_get_length (tr) + 1;
  g_assert_false (el_extraction_check_grounded (ex, tr, &error));
  g_assert_error (error, EL_GROUNDING_ERROR, EL_GROUNDING_ERROR_BAD_SPAN);
  g_clear_error (&error);
  v->heart_rate->span->end = el_transcript_get_length (tr);
  g_assert_true (el_extraction_check_grounded (ex, tr, &error));

  el_extraction_set_section (ex, EL_SBAR_SECTION_SITUATION, "Gave 40 mg of furosemide.");
  g_assert_false (el_extraction_check_grounded (ex, tr, &error));
  g_clear_error (&error);
}

/* Generated handoffs: the grounding property. */

static const char *const noise[] = { "um",  "so",   "okay", "uh",   "and",   "then",     "the",
                                     "she", "he",   "also", "was",  "is",    "really",   "kind",
                                     "of",  "like", "you",  "know", "today", "overnight" };
static const char *const ones[] = { "zero", "one", "two",   "three", "four",
                                    "five", "six", "seven", "eight", "nine" };
static const char *const tens[] = { "",      "",      "twenty",  "thirty", "forty",
                                    "fifty", "sixty", "seventy", "eighty", "ninety" };
static const char *const teens[] = { "ten",     "eleven",  "twelve",    "thirteen", "fourteen",
                                     "fifteen", "sixteen", "seventeen", "eighteen", "nineteen" };

static void
append_number (GString *s, GRand *rand, int value)
{
  int style = g_rand_int_range (rand, 0, 3);

  if (style == 0 || value < 0 || value > 999)
    {
      g_string_append_printf (s, "%d", value);
      return;
    }
  if (value >= 100)
    {
      g_string_append_printf (s, "%s hundred", ones[value / 100]);
      value %= 100;
      if (value == 0)
        return;
      g_string_append (s, g_rand_boolean (rand) ? " and " : " ");
    }
  if (value < 10)
    g_string_append (s, ones[value]);
  else if (value < 20)
    g_string_append (s, teens[value - 10]);
  else
    {
      g_string_append (s, tens[value / 10]);
      if (value % 10)
        g_string_append_printf (s, " %s", ones[value % 10]);
    }
}

static char *
generate (GRand *rand)
{
  GString *s = g_string_new (NULL);
  guint n = g_rand_int_range (rand, 3, 25);
  const char *sep = g_rand_boolean (rand) ? ". " : " ";

  for (guint i = 0; i < n; i++)
    {
      switch (g_rand_int_range (rand, 0, 22))
        {
          case 0:
            g_string_append (s, "temp ");
            append_number (s, rand, g_rand_int_range (rand, 20, 110));
            if (g_rand_boolean (rand))
              {
                g_string_append (s, " point ");
                g_string_append (s, ones[g_rand_int_range (rand, 0, 10)]);
              }
            if (g_rand_int_range (rand, 0, 4) == 0)
              g_string_append (s, " fahrenheit");
            break;
          case 1:
            g_string_append (s, g_rand_boolean (rand) ? "heart rate " : "HR ");
            append_number (s, rand, g_rand_int_range (rand, 0, 320));
            break;
          case 2:
            g_string_append (s, "BP ");
            append_number (s, rand, g_rand_int_range (rand, 30, 320));
            g_string_append (s, " over ");
            append_number (s, rand, g_rand_int_range (rand, 5, 220));
            break;
          case 3:
            g_string_append (s, "sat ");
            append_number (s, rand, g_rand_int_range (rand, 40, 105));
            g_string_append (s, " percent on ");
            append_number (s, rand, g_rand_int_range (rand, 0, 90));
            g_string_append (s, g_rand_boolean (rand) ? " liters nasal cannula" : " L");
            break;
          case 4:
            g_string_append (s, "pain ");
            append_number (s, rand, g_rand_int_range (rand, 0, 14));
            g_string_append (s, " out of ten");
            break;
          case 5:
            {
              g_string_append (s, g_rand_boolean (rand) ? "give " : "");
              g_string_append (s, (const char *[]){ "metoprolol", "vancomycin", "Lasix", "heparin",
                                                    "insulin glargine", "oxycodone", "metoprolo",
                                                    "vancomicin", "tylenol",
                                                    "potassium chloride" }[g_rand_int_range (rand, 0, 10)]);
              g_string_append_c (s, ' ');
              append_number (s, rand, g_rand_int_range (rand, 0, 1200));
              g_string_append (s, (const char *[]){ " milligrams", " mg", " units", " grams",
                                                    " mL" }[g_rand_int_range (rand, 0, 5)]);
              g_string_append (s, (const char *[]){ " PO", " IV", " by mouth", " sub q",
                                                    "" }[g_rand_int_range (rand, 0, 5)]);
              if (g_rand_boolean (rand))
                {
                  g_string_append (s, " at ");
                  append_number (s, rand, g_rand_int_range (rand, 0, 24));
                  g_string_append (s, " hundred");
                }
              break;
            }
          case 6:
            g_string_append (
                s, (const char *[]){ "allergic to penicillin causes hives", "no known allergies", "NKDA",
                                     "allergies sulfa and latex", "allergy to shellfish with swelling",
                                     "not allergic to morphine" }[g_rand_int_range (rand, 0, 6)]);
            break;
          case 7:
            g_string_append (s, (const char *[]){ "full code", "DNR", "DNR/DNI", "comfort care", "not a DNR",
                                                  "do not intubate" }[g_rand_int_range (rand, 0, 6)]);
            break;
          case 8:
            g_string_append (s,
                             (const char *[]){ "contact precautions for MRSA", "droplet", "not on isolation",
                                               "airborne for TB", "neutropenic precautions",
                                               "contact plus C diff" }[g_rand_int_range (rand, 0, 6)]);
            break;
          case 9:
            g_string_append (s, (const char *[]){ "high fall risk", "fall risk low", "watcher", "is stable",
                                                  "unstable",
                                                  "illness severity stable" }[g_rand_int_range (rand, 0, 6)]);
            break;
          case 10:
            g_string_append (s, ", sorry, ");
            append_number (s, rand, g_rand_int_range (rand, 0, 200));
            break;
          case 11:
            g_string_append (s, "this is ");
            g_string_append (s, (const char *[]){ "John Smith", "Mary Jones", "Ann Lee", "bob",
                                                  "the patient" }[g_rand_int_range (rand, 0, 5)]);
            g_string_append (s, " MRN ");
            append_number (s, rand, g_rand_int_range (rand, 0, 999));
            g_string_append_printf (s, " %d", g_rand_int_range (rand, 0, 100000));
            break;
          case 12:
            g_string_append (s, "room ");
            append_number (s, rand, g_rand_int_range (rand, 0, 999));
            break;
          case 13:
            g_string_append (s, "if ");
            g_string_append (s, noise[g_rand_int_range (rand, 0, G_N_ELEMENTS (noise))]);
            g_string_append (s, " pressure below ");
            append_number (s, rand, g_rand_int_range (rand, 0, 200));
            g_string_append (s, g_rand_boolean (rand) ? " then call the doctor" : ", page rapid response");
            break;
          case 14:
            g_string_append (s, "please recheck ");
            g_string_append (
                s, (const char *[]){ "the lactate", "potassium", "a CBC" }[g_rand_int_range (rand, 0, 3)]);
            g_string_append (s, " at ");
            append_number (s, rand, g_rand_int_range (rand, 0, 30));
            g_string_append (
                s, (const char *[]){ " hundred", " thirty", " pm", "" }[g_rand_int_range (rand, 0, 4)]);
            break;
          case 15:
            g_string_append (s,
                             (const char *[]){ "blood cultures pending", "awaiting CT scan",
                                               "cardiology consult pending",
                                               "pending the echo and a BMP" }[g_rand_int_range (rand, 0, 4)]);
            break;
          case 16:
            append_number (s, rand, g_rand_int_range (rand, 10, 30));
            g_string_append (s, " gauge in the left forearm and a foley");
            break;
          case 17:
            g_string_append (s, (const char *[]){ "situation", "background", "assessment", "recommendation",
                                                  "action list",
                                                  "patient summary" }[g_rand_int_range (rand, 0, 6)]);
            g_string_append (s, g_rand_boolean (rand) ? ": " : " ");
            break;
          case 18:
            g_string_append (s, (const char *[]){ "admitted for sepsis", "history of CHF and COPD",
                                                  "NPO after midnight", "ambulates with walker",
                                                  "wife at bedside" }[g_rand_int_range (rand, 0, 5)]);
            break;
          case 19:
            g_string_append_printf (s, "%d/%d", g_rand_int_range (rand, 0, 300),
                                    g_rand_int_range (rand, 0, 300));
            break;
          case 20:
            g_string_append (s, (const char *[]){ "é", "—", "%", "/", "½", "ninety-one", "1.2.3",
                                                  "12:61" }[g_rand_int_range (rand, 0, 8)]);
            break;
          default:
            g_string_append (s, noise[g_rand_int_range (rand, 0, G_N_ELEMENTS (noise))]);
            break;
        }
      g_string_append (s, g_rand_int_range (rand, 0, 3) == 0 ? sep : " ");
    }
  return g_string_free (s, FALSE);
}

typedef struct
{
  gint64 length;
  guint n;
} SpanCheck;

static gboolean
span_inside_cb (const char *path, ElClaims *claims, ElSpan *span, gpointer user_data)
{
  SpanCheck *check = user_data;

  (void) claims;
  g_assert_nonnull (span);
  if (span->start < 0 || span->end < span->start || span->end > check->length)
    g_test_message ("%s: span outside the text", path);
  g_assert_cmpint (span->start, >=, 0);
  g_assert_cmpint (span->end, >=, span->start);
  g_assert_cmpint (span->end, <=, check->length);
  check->n++;
  return TRUE;
}

static void
test_grounding_property (void)
{
  guint rounds = el_test_env_uint ("EL_EXTRACT_PROPERTY_ROUNDS", 2500);
  g_autoptr (GRand) rand = g_rand_new_with_seed (el_test_env_uint ("EL_EXTRACT_PROPERTY_SEED", 20261126));
  guint fields = 0, with_vitals = 0, with_meds = 0, flagged = 0;

  for (guint r = 0; r < rounds; r++)
    {
      g_autofree char *text = generate (rand);
      g_autoptr (ElTranscript) tr = el_transcript_new_from_text (text, "test");
      g_autoptr (ElExtraction) ex = el_rules_extractor_extract (tr);
      g_autoptr (GError) error = NULL;
      g_autoptr (JsonNode) json = NULL;
      g_autoptr (ElSbarFields) decoded = NULL;
      SpanCheck check = { el_transcript_get_length (tr), 0 };

      if (!el_extraction_check_grounded (ex, tr, &error))
        g_test_message ("round %u not grounded (%s): %s", r, error->message, text);
      g_assert_no_error (error);
      el_fields_foreach_claims (el_extraction_get_fields (ex), span_inside_cb, &check);
      for (guint i = 0; i < el_extraction_get_n_flags (ex); i++)
        {
          const ElExtractionFlag *flag = el_extraction_get_flag (ex, i);
          if (flag->span != NULL)
            {
              g_assert_cmpint (flag->span->start, >=, 0);
              g_assert_cmpint (flag->span->end, <=, check.length);
            }
        }
      json = el_sbar_fields_to_json (el_extraction_get_fields (ex));
      decoded = el_sbar_fields_new_from_json (json, &error);
      if (error != NULL)
        g_test_message ("round %u rejected by the model (%s): %s", r, error->message, text);
      g_assert_no_error (error);
      fields += check.n;
      with_vitals += el_sbar_fields_get_vitals (el_extraction_get_fields (ex)) != NULL;
      with_meds += el_sbar_fields_get_meds_due (el_extraction_get_fields (ex)) != NULL;
      flagged += el_extraction_get_n_flags (ex) > 0;
    }
  g_test_message ("%u transcripts, %u grounded fields, %u with vitals, %u with meds, %u with flags", rounds,
                  fields, with_vitals, with_meds, flagged);
  /* the generator really exercises the extractor */
  g_assert_cmpuint (fields, >, rounds * 3);
  g_assert_cmpuint (with_vitals, >, rounds / 2);
  g_assert_cmpuint (with_meds, >, rounds / 4);
}

static void
test_interface (void)
{
  g_autoptr (ElSbarExtractor) rules = el_rules_extractor_new ();
  g_autoptr (ElTranscript) tr = el_transcript_new_from_text (handoff, "test");
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (ElExtraction) async_ex = NULL;
  g_autoptr (ElExtraction) sync_ex = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancelled = g_cancellable_new ();
  g_autoptr (ElSbarVersion) version = NULL;
  g_autoptr (JsonNode) json = NULL;
  JsonNode *completeness;
  ElExtraction *none;

  g_assert_cmpstr (el_sbar_extractor_get_engine_name (rules), ==, "rules");
  el_sbar_extractor_extract_async (rules, tr, NULL, el_test_result_cb, &result);
  async_ex = el_sbar_extractor_extract_finish (rules, el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  sync_ex = el_sbar_extractor_extract_sync (rules, tr, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (
      el_sbar_fields_equal (el_extraction_get_fields (async_ex), el_extraction_get_fields (sync_ex)));

  g_cancellable_cancel (cancelled);
  none = el_sbar_extractor_extract_sync (rules, tr, cancelled, &error);
  g_assert_null (none);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  version = el_extraction_to_sbar_version (sync_ex, EL_SBAR_SOURCE_ON_DEVICE);
  g_assert_cmpint (el_sbar_version_get_source (version), ==, EL_SBAR_SOURCE_ON_DEVICE);
  g_assert_cmpstr (el_sbar_version_get_situation (version), ==,
                   el_extraction_get_section (sync_ex, EL_SBAR_SECTION_SITUATION));
  completeness = el_sbar_version_get_completeness_json (version);
  g_assert_nonnull (completeness);
  g_assert_cmpfloat (json_object_get_double_member (json_node_get_object (completeness), "score"), ==,
                     el_extraction_get_score (sync_ex));
  g_assert_cmpfloat (el_extraction_get_score (sync_ex), >, 80);

  json = el_extraction_to_json (sync_ex);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json), "engine"), ==, "rules");
  g_assert_cmpuint (
      json_array_get_length (json_object_get_array_member (json_node_get_object (json), "flags")), ==,
      el_extraction_get_n_flags (sync_ex));
  g_assert_true (json_object_has_member (json_node_get_object (json), "completeness"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/el/extract/rules/full-handoff", test_full_handoff);
  g_test_add_func ("/el/extract/rules/identifiers", test_identifiers);
  g_test_add_func ("/el/extract/rules/code-status", test_code_status);
  g_test_add_func ("/el/extract/rules/allergies", test_allergies);
  g_test_add_func ("/el/extract/rules/isolation-and-risk", test_isolation_and_risk);
  g_test_add_func ("/el/extract/rules/vitals", test_vitals);
  g_test_add_func ("/el/extract/rules/meds", test_meds);
  g_test_add_func ("/el/extract/rules/plans", test_plans);
  g_test_add_func ("/el/extract/rules/sections", test_sections);
  g_test_add_func ("/el/extract/rules/two-patients", test_two_patients);
  g_test_add_func ("/el/extract/rules/audio-spans", test_audio_spans);
  g_test_add_func ("/el/extract/rules/checker", test_checker);
  g_test_add_func ("/el/extract/rules/grounding-property", test_grounding_property);
  g_test_add_func ("/el/extract/rules/interface", test_interface);
  return g_test_run ();
}
