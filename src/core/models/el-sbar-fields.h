/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "el-model-enums.h"

G_BEGIN_DECLS

/*
 * The structured fields of an SBAR version (JSON `fields`, schema SbarFields).
 *
 * Every field is optional: %NULL (or a %NULL list) means "not known". A list that is present but
 * empty means "explicitly none" (`"infusions": []`). Each field and list item is a small public
 * struct with a boxed #GType and `_new()`, `_copy()` and `_free()`; the struct owns its strings
 * (g_free()) and its nested structs, so set members with g_free() + g_strdup(). The optional
 * @span of each says where in the transcript the AI found the value; nurse-entered values have
 * none.
 *
 * The decoder enforces the spec's rules (see el-model-limits.h for sizes):
 * - patient_identifiers: `name`, plus `mrn` or `date_of_birth` (else MISSING_FIELD).
 * - allergies: `no_known_allergies` and `items` are required; `items` must be empty when
 *   `no_known_allergies` is true (else OUT_OF_RANGE) and non-empty when it is false (else
 *   MISSING_FIELD at `fields.allergies.items`). A substance that means "none" (NKDA, NKA, none,
 *   no known [drug] allergies, any case) is OUT_OF_RANGE: that is `no_known_allergies: true`.
 * - vitals (OUT_OF_RANGE outside): temperature_c 25..45, heart_rate 20..300, respiratory_rate
 *   2..80, systolic 40..300 and diastolic 10..200 (integers, diastolic < systolic), spo2 50..100,
 *   o2_flow_l_min 0..80, pain 0..10 (an integer).
 * - meds_due.time and todos.due: `HH:MM`, 24 hours.
 * - span: 0 <= start <= end, 0 <= audio_start_ms <= audio_end_ms, confidence 0..1.
 */

/**
 * ElSpan:
 * @start: first character (Unicode code point) of the source in the transcript
 * @end: character after the last one; @end >= @start
 * @audio_start_ms: where the source starts in the audio, if @has_audio_start_ms
 * @audio_end_ms: where it ends in the audio, if @has_audio_end_ms
 * @confidence: 0..1, if @has_confidence
 *
 * Where an AI-produced value came from. JSON: `{ "start", "end", "audio_start_ms"?,
 * "audio_end_ms"?, "confidence"? }`.
 */
typedef struct ElSpan ElSpan;
struct ElSpan
{
  gint64 start;
  gint64 end;
  gint64 audio_start_ms;
  gint64 audio_end_ms;
  double confidence;
  gboolean has_audio_start_ms;
  gboolean has_audio_end_ms;
  gboolean has_confidence;
};

#define EL_TYPE_SPAN (el_span_get_type ())
GType el_span_get_type (void) G_GNUC_CONST;
ElSpan *el_span_new (gint64 start, gint64 end);
ElSpan *el_span_copy (const ElSpan *span);
void el_span_free (ElSpan *span);
void el_span_set_audio (ElSpan *span, gint64 audio_start_ms, gint64 audio_end_ms);
void el_span_set_confidence (ElSpan *span, double confidence);
gboolean el_span_equal (const ElSpan *a, const ElSpan *b);

/**
 * ElSbarIdentifiers:
 * @name: the patient's name
 * @mrn: (nullable): medical record number
 * @date_of_birth: cleared (g_date_valid() is %FALSE) when unknown
 * @span: (nullable): source in the transcript
 *
 * `patient_identifiers`: name plus MRN or date of birth.
 */
typedef struct ElSbarIdentifiers ElSbarIdentifiers;
struct ElSbarIdentifiers
{
  char *name;
  char *mrn;
  GDate date_of_birth;
  ElSpan *span;
};

/**
 * ElSbarText:
 * @value: the text
 * @span: (nullable): source in the transcript
 *
 * A text field: `room_bed`, `diagnosis`, `history`, `diet`, `mobility`, `family_discharge`.
 */
typedef struct ElSbarText ElSbarText;
struct ElSbarText
{
  char *value;
  ElSpan *span;
};

/**
 * ElSbarCodeStatus:
 * @value: the code status
 * @span: (nullable): source in the transcript
 */
typedef struct ElSbarCodeStatus ElSbarCodeStatus;
struct ElSbarCodeStatus
{
  ElCodeStatus value;
  ElSpan *span;
};

/**
 * ElSbarAllergy:
 * @substance: what the patient is allergic to
 * @reaction: (nullable): the reaction
 * @span: (nullable): source in the transcript
 */
typedef struct ElSbarAllergy ElSbarAllergy;
struct ElSbarAllergy
{
  char *substance;
  char *reaction;
  ElSpan *span;
};

/**
 * ElSbarAllergies:
 * @no_known_allergies: %TRUE for an explicit "no known allergies" (then @items is empty)
 * @items: (element-type ElSbarAllergy): never %NULL; owns its items
 * @span: (nullable): source in the transcript
 */
typedef struct ElSbarAllergies ElSbarAllergies;
struct ElSbarAllergies
{
  gboolean no_known_allergies;
  GPtrArray *items;
  ElSpan *span;
};

/**
 * ElSbarIsolation:
 * @value: the isolation precautions
 * @detail: (nullable): e.g. the organism
 * @span: (nullable): source in the transcript
 */
typedef struct ElSbarIsolation ElSbarIsolation;
struct ElSbarIsolation
{
  ElIsolation value;
  char *detail;
  ElSpan *span;
};

/**
 * ElSbarFallRisk:
 * @value: the fall risk
 * @span: (nullable): source in the transcript
 */
typedef struct ElSbarFallRisk ElSbarFallRisk;
struct ElSbarFallRisk
{
  ElFallRisk value;
  ElSpan *span;
};

/**
 * ElSbarIllnessSeverity:
 * @value: stable, watcher or unstable
 * @span: (nullable): source in the transcript
 */
typedef struct ElSbarIllnessSeverity ElSbarIllnessSeverity;
struct ElSbarIllnessSeverity
{
  ElIllnessSeverity value;
  ElSpan *span;
};

/**
 * ElSbarMeasure:
 * @value: the measured value
 * @span: (nullable): source in the transcript
 *
 * A vital sign: temperature_c, heart_rate, respiratory_rate, pain.
 */
typedef struct ElSbarMeasure ElSbarMeasure;
struct ElSbarMeasure
{
  double value;
  ElSpan *span;
};

/**
 * ElSbarBloodPressure:
 * @systolic: mmHg, 40..300
 * @diastolic: mmHg, 10..200 and below @systolic
 * @span: (nullable): source in the transcript
 */
typedef struct ElSbarBloodPressure ElSbarBloodPressure;
struct ElSbarBloodPressure
{
  int systolic;
  int diastolic;
  ElSpan *span;
};

/**
 * ElSbarSpo2:
 * @value: percent, 50..100
 * @o2_device: (nullable): e.g. "nasal cannula"
 * @has_o2_flow: whether @o2_flow_l_min is known
 * @o2_flow_l_min: litres per minute, 0..80
 * @span: (nullable): source in the transcript
 */
typedef struct ElSbarSpo2 ElSbarSpo2;
struct ElSbarSpo2
{
  double value;
  char *o2_device;
  gboolean has_o2_flow;
  double o2_flow_l_min;
  ElSpan *span;
};

/**
 * ElSbarVitals:
 * @taken_at: (nullable): when the vitals were taken (UTC)
 * @temperature_c: (nullable): °C
 * @heart_rate: (nullable): beats per minute
 * @respiratory_rate: (nullable): breaths per minute
 * @blood_pressure: (nullable): mmHg
 * @spo2: (nullable): oxygen saturation
 * @pain: (nullable): 0..10
 * @span: (nullable): source in the transcript
 *
 * The latest vitals; each member optional. Set @taken_at with a reference (g_date_time_ref());
 * the encoder writes it in UTC with millisecond precision.
 */
typedef struct ElSbarVitals ElSbarVitals;
struct ElSbarVitals
{
  GDateTime *taken_at;
  ElSbarMeasure *temperature_c;
  ElSbarMeasure *heart_rate;
  ElSbarMeasure *respiratory_rate;
  ElSbarBloodPressure *blood_pressure;
  ElSbarSpo2 *spo2;
  ElSbarMeasure *pain;
  ElSpan *span;
};

/**
 * ElSbarItem:
 * @description: the item
 * @span: (nullable): source in the transcript
 *
 * An item of `lines_drains_airways` or `infusions`.
 */
typedef struct ElSbarItem ElSbarItem;
struct ElSbarItem
{
  char *description;
  ElSpan *span;
};

/**
 * ElSbarMedDue:
 * @name: the medication
 * @dose: (nullable): e.g. "5 mg"
 * @route: (nullable): e.g. "PO"
 * @time: (nullable): `HH:MM`
 * @span: (nullable): source in the transcript
 */
typedef struct ElSbarMedDue ElSbarMedDue;
struct ElSbarMedDue
{
  char *name;
  char *dose;
  char *route;
  char *time;
  ElSpan *span;
};

/**
 * ElSbarPending:
 * @kind: lab, imaging, consult or other
 * @description: what is pending
 * @span: (nullable): source in the transcript
 */
typedef struct ElSbarPending ElSbarPending;
struct ElSbarPending
{
  ElPendingKind kind;
  char *description;
  ElSpan *span;
};

/**
 * ElSbarTodo:
 * @description: what to do
 * @owner: (nullable): who does it
 * @due: (nullable): `HH:MM`
 * @span: (nullable): source in the transcript
 */
typedef struct ElSbarTodo ElSbarTodo;
struct ElSbarTodo
{
  char *description;
  char *owner;
  char *due;
  ElSpan *span;
};

/**
 * ElSbarContingency:
 * @condition: JSON `if`
 * @action: JSON `then`
 * @span: (nullable): source in the transcript
 */
typedef struct ElSbarContingency ElSbarContingency;
struct ElSbarContingency
{
  char *condition;
  char *action;
  ElSpan *span;
};

#define EL_TYPE_SBAR_IDENTIFIERS (el_sbar_identifiers_get_type ())
GType el_sbar_identifiers_get_type (void) G_GNUC_CONST;
ElSbarIdentifiers *el_sbar_identifiers_new (const char *name, const char *mrn, const GDate *date_of_birth);
ElSbarIdentifiers *el_sbar_identifiers_copy (const ElSbarIdentifiers *self);
void el_sbar_identifiers_free (ElSbarIdentifiers *self);

#define EL_TYPE_SBAR_TEXT (el_sbar_text_get_type ())
GType el_sbar_text_get_type (void) G_GNUC_CONST;
ElSbarText *el_sbar_text_new (const char *value);
ElSbarText *el_sbar_text_copy (const ElSbarText *self);
void el_sbar_text_free (ElSbarText *self);

#define EL_TYPE_SBAR_CODE_STATUS (el_sbar_code_status_get_type ())
GType el_sbar_code_status_get_type (void) G_GNUC_CONST;
ElSbarCodeStatus *el_sbar_code_status_new (ElCodeStatus value);
ElSbarCodeStatus *el_sbar_code_status_copy (const ElSbarCodeStatus *self);
void el_sbar_code_status_free (ElSbarCodeStatus *self);

#define EL_TYPE_SBAR_ALLERGY (el_sbar_allergy_get_type ())
GType el_sbar_allergy_get_type (void) G_GNUC_CONST;
ElSbarAllergy *el_sbar_allergy_new (const char *substance, const char *reaction);
ElSbarAllergy *el_sbar_allergy_copy (const ElSbarAllergy *self);
void el_sbar_allergy_free (ElSbarAllergy *self);

#define EL_TYPE_SBAR_ALLERGIES (el_sbar_allergies_get_type ())
GType el_sbar_allergies_get_type (void) G_GNUC_CONST;
ElSbarAllergies *el_sbar_allergies_new (gboolean no_known_allergies);
ElSbarAllergies *el_sbar_allergies_copy (const ElSbarAllergies *self);
void el_sbar_allergies_free (ElSbarAllergies *self);
void el_sbar_allergies_add (ElSbarAllergies *self, ElSbarAllergy *item);

#define EL_TYPE_SBAR_ISOLATION (el_sbar_isolation_get_type ())
GType el_sbar_isolation_get_type (void) G_GNUC_CONST;
ElSbarIsolation *el_sbar_isolation_new (ElIsolation value, const char *detail);
ElSbarIsolation *el_sbar_isolation_copy (const ElSbarIsolation *self);
void el_sbar_isolation_free (ElSbarIsolation *self);

#define EL_TYPE_SBAR_FALL_RISK (el_sbar_fall_risk_get_type ())
GType el_sbar_fall_risk_get_type (void) G_GNUC_CONST;
ElSbarFallRisk *el_sbar_fall_risk_new (ElFallRisk value);
ElSbarFallRisk *el_sbar_fall_risk_copy (const ElSbarFallRisk *self);
void el_sbar_fall_risk_free (ElSbarFallRisk *self);

#define EL_TYPE_SBAR_ILLNESS_SEVERITY (el_sbar_illness_severity_get_type ())
GType el_sbar_illness_severity_get_type (void) G_GNUC_CONST;
ElSbarIllnessSeverity *el_sbar_illness_severity_new (ElIllnessSeverity value);
ElSbarIllnessSeverity *el_sbar_illness_severity_copy (const ElSbarIllnessSeverity *self);
void el_sbar_illness_severity_free (ElSbarIllnessSeverity *self);

#define EL_TYPE_SBAR_MEASURE (el_sbar_measure_get_type ())
GType el_sbar_measure_get_type (void) G_GNUC_CONST;
ElSbarMeasure *el_sbar_measure_new (double value);
ElSbarMeasure *el_sbar_measure_copy (const ElSbarMeasure *self);
void el_sbar_measure_free (ElSbarMeasure *self);

#define EL_TYPE_SBAR_BLOOD_PRESSURE (el_sbar_blood_pressure_get_type ())
GType el_sbar_blood_pressure_get_type (void) G_GNUC_CONST;
ElSbarBloodPressure *el_sbar_blood_pressure_new (int systolic, int diastolic);
ElSbarBloodPressure *el_sbar_blood_pressure_copy (const ElSbarBloodPressure *self);
void el_sbar_blood_pressure_free (ElSbarBloodPressure *self);

#define EL_TYPE_SBAR_SPO2 (el_sbar_spo2_get_type ())
GType el_sbar_spo2_get_type (void) G_GNUC_CONST;
ElSbarSpo2 *el_sbar_spo2_new (double value);
ElSbarSpo2 *el_sbar_spo2_copy (const ElSbarSpo2 *self);
void el_sbar_spo2_free (ElSbarSpo2 *self);
void el_sbar_spo2_set_o2 (ElSbarSpo2 *self, const char *device, gboolean has_flow, double flow_l_min);

#define EL_TYPE_SBAR_VITALS (el_sbar_vitals_get_type ())
GType el_sbar_vitals_get_type (void) G_GNUC_CONST;
ElSbarVitals *el_sbar_vitals_new (void);
ElSbarVitals *el_sbar_vitals_copy (const ElSbarVitals *self);
void el_sbar_vitals_free (ElSbarVitals *self);

#define EL_TYPE_SBAR_ITEM (el_sbar_item_get_type ())
GType el_sbar_item_get_type (void) G_GNUC_CONST;
ElSbarItem *el_sbar_item_new (const char *description);
ElSbarItem *el_sbar_item_copy (const ElSbarItem *self);
void el_sbar_item_free (ElSbarItem *self);

#define EL_TYPE_SBAR_MED_DUE (el_sbar_med_due_get_type ())
GType el_sbar_med_due_get_type (void) G_GNUC_CONST;
ElSbarMedDue *el_sbar_med_due_new (const char *name, const char *dose, const char *route, const char *time);
ElSbarMedDue *el_sbar_med_due_copy (const ElSbarMedDue *self);
void el_sbar_med_due_free (ElSbarMedDue *self);

#define EL_TYPE_SBAR_PENDING (el_sbar_pending_get_type ())
GType el_sbar_pending_get_type (void) G_GNUC_CONST;
ElSbarPending *el_sbar_pending_new (ElPendingKind kind, const char *description);
ElSbarPending *el_sbar_pending_copy (const ElSbarPending *self);
void el_sbar_pending_free (ElSbarPending *self);

#define EL_TYPE_SBAR_TODO (el_sbar_todo_get_type ())
GType el_sbar_todo_get_type (void) G_GNUC_CONST;
ElSbarTodo *el_sbar_todo_new (const char *description, const char *owner, const char *due);
ElSbarTodo *el_sbar_todo_copy (const ElSbarTodo *self);
void el_sbar_todo_free (ElSbarTodo *self);

#define EL_TYPE_SBAR_CONTINGENCY (el_sbar_contingency_get_type ())
GType el_sbar_contingency_get_type (void) G_GNUC_CONST;
ElSbarContingency *el_sbar_contingency_new (const char *condition, const char *action);
ElSbarContingency *el_sbar_contingency_copy (const ElSbarContingency *self);
void el_sbar_contingency_free (ElSbarContingency *self);

/**
 * ElSbarFields:
 *
 * All structured fields of one SBAR version (opaque, boxed, copied deeply). Getters return the
 * field itself (transfer none, %NULL when absent); it may be edited in place. `set` copies its
 * argument (%NULL removes the field), `take` takes ownership. For lists, `set` copies the items
 * of the array (%NULL removes the list, an empty array means "explicitly none") and `add` appends
 * one item (transfer full), creating the list if needed.
 */
typedef struct ElSbarFields ElSbarFields;

#define EL_TYPE_SBAR_FIELDS (el_sbar_fields_get_type ())
GType el_sbar_fields_get_type (void) G_GNUC_CONST;
ElSbarFields *el_sbar_fields_new (void);
ElSbarFields *el_sbar_fields_copy (const ElSbarFields *self);
void el_sbar_fields_free (ElSbarFields *self);
gboolean el_sbar_fields_equal (const ElSbarFields *a, const ElSbarFields *b);
gboolean el_sbar_fields_is_empty (const ElSbarFields *self);

ElSbarFields *el_sbar_fields_new_from_json (JsonNode *node, GError **error);
JsonNode *el_sbar_fields_to_json (const ElSbarFields *self);

ElSbarIdentifiers *el_sbar_fields_get_patient_identifiers (const ElSbarFields *self);
void el_sbar_fields_set_patient_identifiers (ElSbarFields *self, const ElSbarIdentifiers *value);
void el_sbar_fields_take_patient_identifiers (ElSbarFields *self, ElSbarIdentifiers *value);

ElSbarText *el_sbar_fields_get_room_bed (const ElSbarFields *self);
void el_sbar_fields_set_room_bed (ElSbarFields *self, const ElSbarText *value);
void el_sbar_fields_take_room_bed (ElSbarFields *self, ElSbarText *value);

ElSbarCodeStatus *el_sbar_fields_get_code_status (const ElSbarFields *self);
void el_sbar_fields_set_code_status (ElSbarFields *self, const ElSbarCodeStatus *value);
void el_sbar_fields_take_code_status (ElSbarFields *self, ElSbarCodeStatus *value);

ElSbarAllergies *el_sbar_fields_get_allergies (const ElSbarFields *self);
void el_sbar_fields_set_allergies (ElSbarFields *self, const ElSbarAllergies *value);
void el_sbar_fields_take_allergies (ElSbarFields *self, ElSbarAllergies *value);

ElSbarIsolation *el_sbar_fields_get_isolation (const ElSbarFields *self);
void el_sbar_fields_set_isolation (ElSbarFields *self, const ElSbarIsolation *value);
void el_sbar_fields_take_isolation (ElSbarFields *self, ElSbarIsolation *value);

ElSbarFallRisk *el_sbar_fields_get_fall_risk (const ElSbarFields *self);
void el_sbar_fields_set_fall_risk (ElSbarFields *self, const ElSbarFallRisk *value);
void el_sbar_fields_take_fall_risk (ElSbarFields *self, ElSbarFallRisk *value);

ElSbarIllnessSeverity *el_sbar_fields_get_illness_severity (const ElSbarFields *self);
void el_sbar_fields_set_illness_severity (ElSbarFields *self, const ElSbarIllnessSeverity *value);
void el_sbar_fields_take_illness_severity (ElSbarFields *self, ElSbarIllnessSeverity *value);

ElSbarText *el_sbar_fields_get_diagnosis (const ElSbarFields *self);
void el_sbar_fields_set_diagnosis (ElSbarFields *self, const ElSbarText *value);
void el_sbar_fields_take_diagnosis (ElSbarFields *self, ElSbarText *value);

ElSbarText *el_sbar_fields_get_history (const ElSbarFields *self);
void el_sbar_fields_set_history (ElSbarFields *self, const ElSbarText *value);
void el_sbar_fields_take_history (ElSbarFields *self, ElSbarText *value);

ElSbarVitals *el_sbar_fields_get_vitals (const ElSbarFields *self);
void el_sbar_fields_set_vitals (ElSbarFields *self, const ElSbarVitals *value);
void el_sbar_fields_take_vitals (ElSbarFields *self, ElSbarVitals *value);

GPtrArray *el_sbar_fields_get_lines_drains_airways (const ElSbarFields *self);
void el_sbar_fields_set_lines_drains_airways (ElSbarFields *self, GPtrArray *items);
void el_sbar_fields_add_line_drain_airway (ElSbarFields *self, ElSbarItem *item);

GPtrArray *el_sbar_fields_get_infusions (const ElSbarFields *self);
void el_sbar_fields_set_infusions (ElSbarFields *self, GPtrArray *items);
void el_sbar_fields_add_infusion (ElSbarFields *self, ElSbarItem *item);

ElSbarText *el_sbar_fields_get_diet (const ElSbarFields *self);
void el_sbar_fields_set_diet (ElSbarFields *self, const ElSbarText *value);
void el_sbar_fields_take_diet (ElSbarFields *self, ElSbarText *value);

ElSbarText *el_sbar_fields_get_mobility (const ElSbarFields *self);
void el_sbar_fields_set_mobility (ElSbarFields *self, const ElSbarText *value);
void el_sbar_fields_take_mobility (ElSbarFields *self, ElSbarText *value);

GPtrArray *el_sbar_fields_get_meds_due (const ElSbarFields *self);
void el_sbar_fields_set_meds_due (ElSbarFields *self, GPtrArray *items);
void el_sbar_fields_add_med_due (ElSbarFields *self, ElSbarMedDue *item);

GPtrArray *el_sbar_fields_get_pending (const ElSbarFields *self);
void el_sbar_fields_set_pending (ElSbarFields *self, GPtrArray *items);
void el_sbar_fields_add_pending (ElSbarFields *self, ElSbarPending *item);

GPtrArray *el_sbar_fields_get_todos (const ElSbarFields *self);
void el_sbar_fields_set_todos (ElSbarFields *self, GPtrArray *items);
void el_sbar_fields_add_todo (ElSbarFields *self, ElSbarTodo *item);

GPtrArray *el_sbar_fields_get_contingencies (const ElSbarFields *self);
void el_sbar_fields_set_contingencies (ElSbarFields *self, GPtrArray *items);
void el_sbar_fields_add_contingency (ElSbarFields *self, ElSbarContingency *item);

ElSbarText *el_sbar_fields_get_family_discharge (const ElSbarFields *self);
void el_sbar_fields_set_family_discharge (ElSbarFields *self, const ElSbarText *value);
void el_sbar_fields_take_family_discharge (ElSbarFields *self, ElSbarText *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElSpan, el_span_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElSbarIdentifiers, el_sbar_identifiers_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElSbarText, el_sbar_text_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElSbarCodeStatus, el_sbar_code_status_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElSbarAllergy, el_sbar_allergy_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElSbarAllergies, el_sbar_allergies_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElSbarIsolation, el_sbar_isolation_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElSbarFallRisk, el_sbar_fall_risk_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElSbarIllnessSeverity, el_sbar_illness_severity_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElSbarMeasure, el_sbar_measure_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElSbarBloodPressure, el_sbar_blood_pressure_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElSbarSpo2, el_sbar_spo2_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElSbarVitals, el_sbar_vitals_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElSbarItem, el_sbar_item_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElSbarMedDue, el_sbar_med_due_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElSbarPending, el_sbar_pending_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElSbarTodo, el_sbar_todo_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElSbarContingency, el_sbar_contingency_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElSbarFields, el_sbar_fields_free)

G_END_DECLS
