/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "el-sbar-fields-private.h"

/* ElSpan */

G_DEFINE_BOXED_TYPE (ElSpan, el_span, el_span_copy, el_span_free)

/**
 * el_span_new:
 * @start: first character of the source in the transcript
 * @end: character after the last one
 *
 * Returns: (transfer full): a span without audio times or confidence
 */
ElSpan *
el_span_new (gint64 start, gint64 end)
{
  ElSpan *span = g_new0 (ElSpan, 1);

  span->start = start;
  span->end = end;
  return span;
}

ElSpan *
el_span_copy (const ElSpan *span)
{
  g_return_val_if_fail (span != NULL, NULL);

  return g_memdup2 (span, sizeof *span);
}

void
el_span_free (ElSpan *span)
{
  g_free (span);
}

void
el_span_set_audio (ElSpan *span, gint64 audio_start_ms, gint64 audio_end_ms)
{
  g_return_if_fail (span != NULL);

  span->audio_start_ms = audio_start_ms;
  span->audio_end_ms = audio_end_ms;
  span->has_audio_start_ms = TRUE;
  span->has_audio_end_ms = TRUE;
}

void
el_span_set_confidence (ElSpan *span, double confidence)
{
  g_return_if_fail (span != NULL);

  span->confidence = confidence;
  span->has_confidence = TRUE;
}

/**
 * el_span_equal:
 * @a: (nullable): a span
 * @b: (nullable): a span
 *
 * Returns: %TRUE if both are %NULL or hold the same values
 */
gboolean
el_span_equal (const ElSpan *a, const ElSpan *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return a->start == b->start && a->end == b->end && a->has_audio_start_ms == b->has_audio_start_ms &&
         (!a->has_audio_start_ms || a->audio_start_ms == b->audio_start_ms) &&
         a->has_audio_end_ms == b->has_audio_end_ms &&
         (!a->has_audio_end_ms || a->audio_end_ms == b->audio_end_ms) &&
         a->has_confidence == b->has_confidence && (!a->has_confidence || a->confidence == b->confidence);
}

static ElSpan *
copy_span (const ElSpan *span)
{
  return span != NULL ? el_span_copy (span) : NULL;
}

/* Field structs */

static GPtrArray *
copy_list (GPtrArray *items, GBoxedCopyFunc copy, GDestroyNotify free_func)
{
  GPtrArray *result = g_ptr_array_new_full (items->len, free_func);

  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (result, copy (g_ptr_array_index (items, i)));
  return result;
}

G_DEFINE_BOXED_TYPE (ElSbarIdentifiers,
                     el_sbar_identifiers,
                     el_sbar_identifiers_copy,
                     el_sbar_identifiers_free)

/**
 * el_sbar_identifiers_new:
 * @name: the patient's name
 * @mrn: (nullable): medical record number
 * @date_of_birth: (nullable): date of birth
 *
 * Returns: (transfer full): new identifiers
 */
ElSbarIdentifiers *
el_sbar_identifiers_new (const char *name, const char *mrn, const GDate *date_of_birth)
{
  ElSbarIdentifiers *self = g_new0 (ElSbarIdentifiers, 1);

  self->name = g_strdup (name);
  self->mrn = g_strdup (mrn);
  g_date_clear (&self->date_of_birth, 1);
  if (date_of_birth != NULL && g_date_valid (date_of_birth))
    self->date_of_birth = *date_of_birth;
  return self;
}

ElSbarIdentifiers *
el_sbar_identifiers_copy (const ElSbarIdentifiers *self)
{
  ElSbarIdentifiers *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = el_sbar_identifiers_new (self->name, self->mrn, &self->date_of_birth);
  copy->span = copy_span (self->span);
  return copy;
}

void
el_sbar_identifiers_free (ElSbarIdentifiers *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self->mrn);
  g_clear_pointer (&self->span, el_span_free);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (ElSbarText, el_sbar_text, el_sbar_text_copy, el_sbar_text_free)

ElSbarText *
el_sbar_text_new (const char *value)
{
  ElSbarText *self = g_new0 (ElSbarText, 1);

  self->value = g_strdup (value);
  return self;
}

ElSbarText *
el_sbar_text_copy (const ElSbarText *self)
{
  ElSbarText *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = el_sbar_text_new (self->value);
  copy->span = copy_span (self->span);
  return copy;
}

void
el_sbar_text_free (ElSbarText *self)
{
  if (self == NULL)
    return;
  g_free (self->value);
  g_clear_pointer (&self->span, el_span_free);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (ElSbarCodeStatus,
                     el_sbar_code_status,
                     el_sbar_code_status_copy,
                     el_sbar_code_status_free)

ElSbarCodeStatus *
el_sbar_code_status_new (ElCodeStatus value)
{
  ElSbarCodeStatus *self = g_new0 (ElSbarCodeStatus, 1);

  self->value = value;
  return self;
}

ElSbarCodeStatus *
el_sbar_code_status_copy (const ElSbarCodeStatus *self)
{
  ElSbarCodeStatus *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = el_sbar_code_status_new (self->value);
  copy->span = copy_span (self->span);
  return copy;
}

void
el_sbar_code_status_free (ElSbarCodeStatus *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->span, el_span_free);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (ElSbarAllergy, el_sbar_allergy, el_sbar_allergy_copy, el_sbar_allergy_free)

ElSbarAllergy *
el_sbar_allergy_new (const char *substance, const char *reaction)
{
  ElSbarAllergy *self = g_new0 (ElSbarAllergy, 1);

  self->substance = g_strdup (substance);
  self->reaction = g_strdup (reaction);
  return self;
}

ElSbarAllergy *
el_sbar_allergy_copy (const ElSbarAllergy *self)
{
  ElSbarAllergy *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = el_sbar_allergy_new (self->substance, self->reaction);
  copy->span = copy_span (self->span);
  return copy;
}

void
el_sbar_allergy_free (ElSbarAllergy *self)
{
  if (self == NULL)
    return;
  g_free (self->substance);
  g_free (self->reaction);
  g_clear_pointer (&self->span, el_span_free);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (ElSbarAllergies, el_sbar_allergies, el_sbar_allergies_copy, el_sbar_allergies_free)

ElSbarAllergies *
el_sbar_allergies_new (gboolean no_known_allergies)
{
  ElSbarAllergies *self = g_new0 (ElSbarAllergies, 1);

  self->no_known_allergies = no_known_allergies;
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) el_sbar_allergy_free);
  return self;
}

ElSbarAllergies *
el_sbar_allergies_copy (const ElSbarAllergies *self)
{
  ElSbarAllergies *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (ElSbarAllergies, 1);
  copy->no_known_allergies = self->no_known_allergies;
  copy->items =
      copy_list (self->items, (GBoxedCopyFunc) el_sbar_allergy_copy, (GDestroyNotify) el_sbar_allergy_free);
  copy->span = copy_span (self->span);
  return copy;
}

void
el_sbar_allergies_free (ElSbarAllergies *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->span, el_span_free);
  g_free (self);
}

/**
 * el_sbar_allergies_add:
 * @self: allergies
 * @item: (transfer full): an allergy
 */
void
el_sbar_allergies_add (ElSbarAllergies *self, ElSbarAllergy *item)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (item != NULL);

  g_ptr_array_add (self->items, item);
}

G_DEFINE_BOXED_TYPE (ElSbarIsolation, el_sbar_isolation, el_sbar_isolation_copy, el_sbar_isolation_free)

ElSbarIsolation *
el_sbar_isolation_new (ElIsolation value, const char *detail)
{
  ElSbarIsolation *self = g_new0 (ElSbarIsolation, 1);

  self->value = value;
  self->detail = g_strdup (detail);
  return self;
}

ElSbarIsolation *
el_sbar_isolation_copy (const ElSbarIsolation *self)
{
  ElSbarIsolation *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = el_sbar_isolation_new (self->value, self->detail);
  copy->span = copy_span (self->span);
  return copy;
}

void
el_sbar_isolation_free (ElSbarIsolation *self)
{
  if (self == NULL)
    return;
  g_free (self->detail);
  g_clear_pointer (&self->span, el_span_free);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (ElSbarFallRisk, el_sbar_fall_risk, el_sbar_fall_risk_copy, el_sbar_fall_risk_free)

ElSbarFallRisk *
el_sbar_fall_risk_new (ElFallRisk value)
{
  ElSbarFallRisk *self = g_new0 (ElSbarFallRisk, 1);

  self->value = value;
  return self;
}

ElSbarFallRisk *
el_sbar_fall_risk_copy (const ElSbarFallRisk *self)
{
  ElSbarFallRisk *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = el_sbar_fall_risk_new (self->value);
  copy->span = copy_span (self->span);
  return copy;
}

void
el_sbar_fall_risk_free (ElSbarFallRisk *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->span, el_span_free);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (ElSbarIllnessSeverity,
                     el_sbar_illness_severity,
                     el_sbar_illness_severity_copy,
                     el_sbar_illness_severity_free)

ElSbarIllnessSeverity *
el_sbar_illness_severity_new (ElIllnessSeverity value)
{
  ElSbarIllnessSeverity *self = g_new0 (ElSbarIllnessSeverity, 1);

  self->value = value;
  return self;
}

ElSbarIllnessSeverity *
el_sbar_illness_severity_copy (const ElSbarIllnessSeverity *self)
{
  ElSbarIllnessSeverity *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = el_sbar_illness_severity_new (self->value);
  copy->span = copy_span (self->span);
  return copy;
}

void
el_sbar_illness_severity_free (ElSbarIllnessSeverity *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->span, el_span_free);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (ElSbarMeasure, el_sbar_measure, el_sbar_measure_copy, el_sbar_measure_free)

ElSbarMeasure *
el_sbar_measure_new (double value)
{
  ElSbarMeasure *self = g_new0 (ElSbarMeasure, 1);

  self->value = value;
  return self;
}

ElSbarMeasure *
el_sbar_measure_copy (const ElSbarMeasure *self)
{
  ElSbarMeasure *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = el_sbar_measure_new (self->value);
  copy->span = copy_span (self->span);
  return copy;
}

void
el_sbar_measure_free (ElSbarMeasure *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->span, el_span_free);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (ElSbarBloodPressure,
                     el_sbar_blood_pressure,
                     el_sbar_blood_pressure_copy,
                     el_sbar_blood_pressure_free)

ElSbarBloodPressure *
el_sbar_blood_pressure_new (int systolic, int diastolic)
{
  ElSbarBloodPressure *self = g_new0 (ElSbarBloodPressure, 1);

  self->systolic = systolic;
  self->diastolic = diastolic;
  return self;
}

ElSbarBloodPressure *
el_sbar_blood_pressure_copy (const ElSbarBloodPressure *self)
{
  ElSbarBloodPressure *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = el_sbar_blood_pressure_new (self->systolic, self->diastolic);
  copy->span = copy_span (self->span);
  return copy;
}

void
el_sbar_blood_pressure_free (ElSbarBloodPressure *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->span, el_span_free);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (ElSbarSpo2, el_sbar_spo2, el_sbar_spo2_copy, el_sbar_spo2_free)

ElSbarSpo2 *
el_sbar_spo2_new (double value)
{
  ElSbarSpo2 *self = g_new0 (ElSbarSpo2, 1);

  self->value = value;
  return self;
}

/**
 * el_sbar_spo2_set_o2:
 * @self: an SpO2 reading
 * @device: (nullable): the oxygen device, %NULL on room air or when unknown
 * @has_flow: whether @flow_l_min is known
 * @flow_l_min: the oxygen flow in litres per minute
 */
void
el_sbar_spo2_set_o2 (ElSbarSpo2 *self, const char *device, gboolean has_flow, double flow_l_min)
{
  g_return_if_fail (self != NULL);

  g_free (self->o2_device);
  self->o2_device = g_strdup (device);
  self->has_o2_flow = has_flow;
  self->o2_flow_l_min = has_flow ? flow_l_min : 0;
}

ElSbarSpo2 *
el_sbar_spo2_copy (const ElSbarSpo2 *self)
{
  ElSbarSpo2 *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = el_sbar_spo2_new (self->value);
  el_sbar_spo2_set_o2 (copy, self->o2_device, self->has_o2_flow, self->o2_flow_l_min);
  copy->span = copy_span (self->span);
  return copy;
}

void
el_sbar_spo2_free (ElSbarSpo2 *self)
{
  if (self == NULL)
    return;
  g_free (self->o2_device);
  g_clear_pointer (&self->span, el_span_free);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (ElSbarVitals, el_sbar_vitals, el_sbar_vitals_copy, el_sbar_vitals_free)

ElSbarVitals *
el_sbar_vitals_new (void)
{
  return g_new0 (ElSbarVitals, 1);
}

ElSbarVitals *
el_sbar_vitals_copy (const ElSbarVitals *self)
{
  ElSbarVitals *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = el_sbar_vitals_new ();
  copy->taken_at = self->taken_at != NULL ? g_date_time_ref (self->taken_at) : NULL;
  copy->temperature_c = self->temperature_c != NULL ? el_sbar_measure_copy (self->temperature_c) : NULL;
  copy->heart_rate = self->heart_rate != NULL ? el_sbar_measure_copy (self->heart_rate) : NULL;
  copy->respiratory_rate =
      self->respiratory_rate != NULL ? el_sbar_measure_copy (self->respiratory_rate) : NULL;
  copy->blood_pressure =
      self->blood_pressure != NULL ? el_sbar_blood_pressure_copy (self->blood_pressure) : NULL;
  copy->spo2 = self->spo2 != NULL ? el_sbar_spo2_copy (self->spo2) : NULL;
  copy->pain = self->pain != NULL ? el_sbar_measure_copy (self->pain) : NULL;
  copy->span = copy_span (self->span);
  return copy;
}

void
el_sbar_vitals_free (ElSbarVitals *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->taken_at, g_date_time_unref);
  g_clear_pointer (&self->temperature_c, el_sbar_measure_free);
  g_clear_pointer (&self->heart_rate, el_sbar_measure_free);
  g_clear_pointer (&self->respiratory_rate, el_sbar_measure_free);
  g_clear_pointer (&self->blood_pressure, el_sbar_blood_pressure_free);
  g_clear_pointer (&self->spo2, el_sbar_spo2_free);
  g_clear_pointer (&self->pain, el_sbar_measure_free);
  g_clear_pointer (&self->span, el_span_free);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (ElSbarItem, el_sbar_item, el_sbar_item_copy, el_sbar_item_free)

ElSbarItem *
el_sbar_item_new (const char *description)
{
  ElSbarItem *self = g_new0 (ElSbarItem, 1);

  self->description = g_strdup (description);
  return self;
}

ElSbarItem *
el_sbar_item_copy (const ElSbarItem *self)
{
  ElSbarItem *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = el_sbar_item_new (self->description);
  copy->span = copy_span (self->span);
  return copy;
}

void
el_sbar_item_free (ElSbarItem *self)
{
  if (self == NULL)
    return;
  g_free (self->description);
  g_clear_pointer (&self->span, el_span_free);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (ElSbarMedDue, el_sbar_med_due, el_sbar_med_due_copy, el_sbar_med_due_free)

/**
 * el_sbar_med_due_new:
 * @name: the medication
 * @dose: (nullable): the dose
 * @route: (nullable): the route
 * @time: (nullable): `HH:MM`
 *
 * Returns: (transfer full): a medication due
 */
ElSbarMedDue *
el_sbar_med_due_new (const char *name, const char *dose, const char *route, const char *time)
{
  ElSbarMedDue *self = g_new0 (ElSbarMedDue, 1);

  self->name = g_strdup (name);
  self->dose = g_strdup (dose);
  self->route = g_strdup (route);
  self->time = g_strdup (time);
  return self;
}

ElSbarMedDue *
el_sbar_med_due_copy (const ElSbarMedDue *self)
{
  ElSbarMedDue *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = el_sbar_med_due_new (self->name, self->dose, self->route, self->time);
  copy->span = copy_span (self->span);
  return copy;
}

void
el_sbar_med_due_free (ElSbarMedDue *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self->dose);
  g_free (self->route);
  g_free (self->time);
  g_clear_pointer (&self->span, el_span_free);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (ElSbarPending, el_sbar_pending, el_sbar_pending_copy, el_sbar_pending_free)

ElSbarPending *
el_sbar_pending_new (ElPendingKind kind, const char *description)
{
  ElSbarPending *self = g_new0 (ElSbarPending, 1);

  self->kind = kind;
  self->description = g_strdup (description);
  return self;
}

ElSbarPending *
el_sbar_pending_copy (const ElSbarPending *self)
{
  ElSbarPending *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = el_sbar_pending_new (self->kind, self->description);
  copy->span = copy_span (self->span);
  return copy;
}

void
el_sbar_pending_free (ElSbarPending *self)
{
  if (self == NULL)
    return;
  g_free (self->description);
  g_clear_pointer (&self->span, el_span_free);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (ElSbarTodo, el_sbar_todo, el_sbar_todo_copy, el_sbar_todo_free)

/**
 * el_sbar_todo_new:
 * @description: what to do
 * @owner: (nullable): who does it
 * @due: (nullable): `HH:MM`
 *
 * Returns: (transfer full): a to-do
 */
ElSbarTodo *
el_sbar_todo_new (const char *description, const char *owner, const char *due)
{
  ElSbarTodo *self = g_new0 (ElSbarTodo, 1);

  self->description = g_strdup (description);
  self->owner = g_strdup (owner);
  self->due = g_strdup (due);
  return self;
}

ElSbarTodo *
el_sbar_todo_copy (const ElSbarTodo *self)
{
  ElSbarTodo *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = el_sbar_todo_new (self->description, self->owner, self->due);
  copy->span = copy_span (self->span);
  return copy;
}

void
el_sbar_todo_free (ElSbarTodo *self)
{
  if (self == NULL)
    return;
  g_free (self->description);
  g_free (self->owner);
  g_free (self->due);
  g_clear_pointer (&self->span, el_span_free);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (ElSbarContingency,
                     el_sbar_contingency,
                     el_sbar_contingency_copy,
                     el_sbar_contingency_free)

ElSbarContingency *
el_sbar_contingency_new (const char *condition, const char *action)
{
  ElSbarContingency *self = g_new0 (ElSbarContingency, 1);

  self->condition = g_strdup (condition);
  self->action = g_strdup (action);
  return self;
}

ElSbarContingency *
el_sbar_contingency_copy (const ElSbarContingency *self)
{
  ElSbarContingency *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = el_sbar_contingency_new (self->condition, self->action);
  copy->span = copy_span (self->span);
  return copy;
}

void
el_sbar_contingency_free (ElSbarContingency *self)
{
  if (self == NULL)
    return;
  g_free (self->condition);
  g_free (self->action);
  g_clear_pointer (&self->span, el_span_free);
  g_free (self);
}

/* JSON of the field structs. Readers get the node of the field and its path; writers return a
 * new object node. */

static gboolean
read_span (JsonObject *obj, const ElJsonPath *obj_path, ElSpan **out, GError **error)
{
  ElJsonPath path = { obj_path, "span", 0 };
  g_autoptr (ElSpan) span = NULL;
  JsonObject *span_obj = NULL;
  gint64 start = 0, end = 0;

  if (!el_json_read_object (obj, obj_path, "span", EL_JSON_OPTIONAL, &span_obj, error))
    return FALSE;
  if (span_obj == NULL)
    return TRUE;

  if (!el_json_read_int (span_obj, &path, "start", EL_JSON_REQUIRED, 0, EL_MODEL_MAX_INTEGER, &start, NULL,
                         error) ||
      !el_json_read_int (span_obj, &path, "end", EL_JSON_REQUIRED, 0, EL_MODEL_MAX_INTEGER, &end, NULL,
                         error))
    return FALSE;
  span = el_span_new (start, end);
  if (!el_json_read_int (span_obj, &path, "audio_start_ms", EL_JSON_OPTIONAL, 0, EL_MODEL_MAX_INTEGER,
                         &span->audio_start_ms, &span->has_audio_start_ms, error) ||
      !el_json_read_int (span_obj, &path, "audio_end_ms", EL_JSON_OPTIONAL, 0, EL_MODEL_MAX_INTEGER,
                         &span->audio_end_ms, &span->has_audio_end_ms, error) ||
      !el_json_read_double (span_obj, &path, "confidence", EL_JSON_OPTIONAL, 0, 1, &span->confidence,
                            &span->has_confidence, error))
    return FALSE;

  if (span->end < span->start)
    {
      ElJsonPath end_path = { &path, "end", 0 };

      el_json_set_error (error, EL_MODEL_ERROR_OUT_OF_RANGE, &end_path, "before start");
      return FALSE;
    }
  if (span->has_audio_start_ms && span->has_audio_end_ms && span->audio_end_ms < span->audio_start_ms)
    {
      ElJsonPath end_path = { &path, "audio_end_ms", 0 };

      el_json_set_error (error, EL_MODEL_ERROR_OUT_OF_RANGE, &end_path, "before audio_start_ms");
      return FALSE;
    }

  *out = g_steal_pointer (&span);
  return TRUE;
}

static void
put_span (JsonObject *obj, const ElSpan *span)
{
  JsonObject *span_obj;

  if (span == NULL)
    return;

  span_obj = json_object_new ();
  json_object_set_int_member (span_obj, "start", span->start);
  json_object_set_int_member (span_obj, "end", span->end);
  if (span->has_audio_start_ms)
    json_object_set_int_member (span_obj, "audio_start_ms", span->audio_start_ms);
  if (span->has_audio_end_ms)
    json_object_set_int_member (span_obj, "audio_end_ms", span->audio_end_ms);
  if (span->has_confidence)
    el_json_put_number (span_obj, "confidence", span->confidence);
  json_object_set_object_member (obj, "span", span_obj);
}

static JsonNode *
object_node (JsonObject *obj)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, obj);
  return node;
}

typedef gpointer (*ReadFunc) (JsonNode *node, const ElJsonPath *path, GError **error);
typedef JsonNode *(*WriteFunc) (gconstpointer value);

static gpointer
read_identifiers (JsonNode *node, const ElJsonPath *path, GError **error)
{
  g_autoptr (ElSbarIdentifiers) self = el_sbar_identifiers_new (NULL, NULL, NULL);
  JsonObject *obj;

  if (!el_json_node_get_object (node, path, &obj, error) ||
      !el_json_read_string (obj, path, "name", EL_JSON_REQUIRED, EL_MODEL_MAX_SHORT_STRING_BYTES, &self->name,
                            error) ||
      !el_json_read_string (obj, path, "mrn", EL_JSON_OPTIONAL, EL_MODEL_MAX_SHORT_STRING_BYTES, &self->mrn,
                            error) ||
      !el_json_read_date (obj, path, "date_of_birth", EL_JSON_OPTIONAL, &self->date_of_birth, error) ||
      !read_span (obj, path, &self->span, error))
    return NULL;

  if (self->mrn == NULL && !g_date_valid (&self->date_of_birth))
    {
      ElJsonPath mrn_path = { path, "mrn", 0 };

      el_json_set_error (error, EL_MODEL_ERROR_MISSING_FIELD, &mrn_path, "mrn or date_of_birth is required");
      return NULL;
    }
  return g_steal_pointer (&self);
}

static JsonNode *
write_identifiers (gconstpointer value)
{
  const ElSbarIdentifiers *self = value;
  JsonObject *obj = json_object_new ();

  el_json_put_string (obj, "name", self->name);
  el_json_put_string (obj, "mrn", self->mrn);
  el_json_put_date (obj, "date_of_birth", &self->date_of_birth);
  put_span (obj, self->span);
  return object_node (obj);
}

static ElSbarText *
read_text (JsonNode *node, const ElJsonPath *path, gsize max_bytes, GError **error)
{
  g_autoptr (ElSbarText) self = el_sbar_text_new (NULL);
  JsonObject *obj;

  if (!el_json_node_get_object (node, path, &obj, error) ||
      !el_json_read_string (obj, path, "value", EL_JSON_REQUIRED, max_bytes, &self->value, error) ||
      !read_span (obj, path, &self->span, error))
    return NULL;
  return g_steal_pointer (&self);
}

static gpointer
read_short_text (JsonNode *node, const ElJsonPath *path, GError **error)
{
  return read_text (node, path, EL_MODEL_MAX_SHORT_STRING_BYTES, error);
}

static gpointer
read_free_text (JsonNode *node, const ElJsonPath *path, GError **error)
{
  return read_text (node, path, EL_MODEL_MAX_TEXT_BYTES, error);
}

static JsonNode *
write_text (gconstpointer value)
{
  const ElSbarText *self = value;
  JsonObject *obj = json_object_new ();

  el_json_put_string (obj, "value", self->value);
  put_span (obj, self->span);
  return object_node (obj);
}

/* The three fields that are an enum value and a span. */
static gboolean
read_choice (JsonNode *node, const ElJsonPath *path, GType type, int *value, ElSpan **span, GError **error)
{
  JsonObject *obj;

  return el_json_node_get_object (node, path, &obj, error) &&
         el_json_read_enum (obj, path, "value", EL_JSON_REQUIRED, type, value, NULL, error) &&
         read_span (obj, path, span, error);
}

static JsonNode *
write_choice (GType type, int value, const ElSpan *span)
{
  JsonObject *obj = json_object_new ();

  el_json_put_enum (obj, "value", type, value);
  put_span (obj, span);
  return object_node (obj);
}

static gpointer
read_code_status (JsonNode *node, const ElJsonPath *path, GError **error)
{
  g_autoptr (ElSbarCodeStatus) self = el_sbar_code_status_new (EL_CODE_STATUS_FULL_CODE);
  int value;

  if (!read_choice (node, path, EL_TYPE_CODE_STATUS, &value, &self->span, error))
    return NULL;
  self->value = (ElCodeStatus) value;
  return g_steal_pointer (&self);
}

static JsonNode *
write_code_status (gconstpointer value)
{
  const ElSbarCodeStatus *self = value;

  return write_choice (EL_TYPE_CODE_STATUS, (int) self->value, self->span);
}

static gpointer
read_fall_risk (JsonNode *node, const ElJsonPath *path, GError **error)
{
  g_autoptr (ElSbarFallRisk) self = el_sbar_fall_risk_new (EL_FALL_RISK_LOW);
  int value;

  if (!read_choice (node, path, EL_TYPE_FALL_RISK, &value, &self->span, error))
    return NULL;
  self->value = (ElFallRisk) value;
  return g_steal_pointer (&self);
}

static JsonNode *
write_fall_risk (gconstpointer value)
{
  const ElSbarFallRisk *self = value;

  return write_choice (EL_TYPE_FALL_RISK, (int) self->value, self->span);
}

static gpointer
read_illness_severity (JsonNode *node, const ElJsonPath *path, GError **error)
{
  g_autoptr (ElSbarIllnessSeverity) self = el_sbar_illness_severity_new (EL_ILLNESS_SEVERITY_STABLE);
  int value;

  if (!read_choice (node, path, EL_TYPE_ILLNESS_SEVERITY, &value, &self->span, error))
    return NULL;
  self->value = (ElIllnessSeverity) value;
  return g_steal_pointer (&self);
}

static JsonNode *
write_illness_severity (gconstpointer value)
{
  const ElSbarIllnessSeverity *self = value;

  return write_choice (EL_TYPE_ILLNESS_SEVERITY, (int) self->value, self->span);
}

static gpointer
read_isolation (JsonNode *node, const ElJsonPath *path, GError **error)
{
  g_autoptr (ElSbarIsolation) self = el_sbar_isolation_new (EL_ISOLATION_NONE, NULL);
  JsonObject *obj;
  int value;

  if (!el_json_node_get_object (node, path, &obj, error) ||
      !el_json_read_enum (obj, path, "value", EL_JSON_REQUIRED, EL_TYPE_ISOLATION, &value, NULL, error) ||
      !el_json_read_string (obj, path, "detail", EL_JSON_OPTIONAL, EL_MODEL_MAX_TEXT_BYTES, &self->detail,
                            error) ||
      !read_span (obj, path, &self->span, error))
    return NULL;
  self->value = (ElIsolation) value;
  return g_steal_pointer (&self);
}

static JsonNode *
write_isolation (gconstpointer value)
{
  const ElSbarIsolation *self = value;
  JsonObject *obj = json_object_new ();

  el_json_put_enum (obj, "value", EL_TYPE_ISOLATION, (int) self->value);
  el_json_put_string (obj, "detail", self->detail);
  put_span (obj, self->span);
  return object_node (obj);
}

static gpointer
read_allergy (JsonNode *node, const ElJsonPath *path, GError **error)
{
  g_autoptr (ElSbarAllergy) self = el_sbar_allergy_new (NULL, NULL);
  JsonObject *obj;

  if (!el_json_node_get_object (node, path, &obj, error) ||
      !el_json_read_string (obj, path, "substance", EL_JSON_REQUIRED, EL_MODEL_MAX_SHORT_STRING_BYTES,
                            &self->substance, error) ||
      !el_json_read_string (obj, path, "reaction", EL_JSON_OPTIONAL, EL_MODEL_MAX_TEXT_BYTES, &self->reaction,
                            error) ||
      !read_span (obj, path, &self->span, error))
    return NULL;
  if (el_allergy_is_none_marker (self->substance))
    {
      ElJsonPath substance_path = { path, "substance", 0 };

      el_json_set_error (error, EL_MODEL_ERROR_OUT_OF_RANGE, &substance_path,
                         "use no_known_allergies, not an item");
      return NULL;
    }
  return g_steal_pointer (&self);
}

static JsonNode *
write_allergy (gconstpointer value)
{
  const ElSbarAllergy *self = value;
  JsonObject *obj = json_object_new ();

  el_json_put_string (obj, "substance", self->substance);
  el_json_put_string (obj, "reaction", self->reaction);
  put_span (obj, self->span);
  return object_node (obj);
}

/* Reads the items of a list into a new array, or NULL on error. */
static GPtrArray *
read_list (
    JsonNode *node, const ElJsonPath *path, ReadFunc read_item, GDestroyNotify free_item, GError **error)
{
  g_autoptr (GPtrArray) items = NULL;
  JsonArray *array;
  guint n;

  if (!el_json_node_get_array (node, path, EL_MODEL_MAX_ARRAY_ITEMS, &array, error))
    return NULL;

  n = json_array_get_length (array);
  items = g_ptr_array_new_full (n, free_item);
  for (guint i = 0; i < n; i++)
    {
      ElJsonPath item_path = { path, NULL, i };
      gpointer item = read_item (json_array_get_element (array, i), &item_path, error);

      if (item == NULL)
        return NULL;
      g_ptr_array_add (items, item);
    }
  return g_steal_pointer (&items);
}

static JsonNode *
write_list (GPtrArray *items, WriteFunc write_item)
{
  JsonArray *array = json_array_sized_new (items->len);
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < items->len; i++)
    json_array_add_element (array, write_item (g_ptr_array_index (items, i)));
  json_node_take_array (node, array);
  return node;
}

static gpointer
read_allergies (JsonNode *node, const ElJsonPath *path, GError **error)
{
  g_autoptr (ElSbarAllergies) self = el_sbar_allergies_new (FALSE);
  ElJsonPath items_path = { path, "items", 0 };
  JsonObject *obj;
  JsonNode *items_node;

  if (!el_json_node_get_object (node, path, &obj, error) ||
      !el_json_read_boolean (obj, path, "no_known_allergies", EL_JSON_REQUIRED, &self->no_known_allergies,
                             NULL, error))
    return NULL;

  items_node = json_object_get_member (obj, "items");
  if (items_node == NULL)
    {
      el_json_set_error (error, EL_MODEL_ERROR_MISSING_FIELD, &items_path, "required member is missing");
      return NULL;
    }
  g_clear_pointer (&self->items, g_ptr_array_unref);
  self->items =
      read_list (items_node, &items_path, read_allergy, (GDestroyNotify) el_sbar_allergy_free, error);
  if (self->items == NULL || !read_span (obj, path, &self->span, error))
    return NULL;

  if (self->no_known_allergies && self->items->len > 0)
    {
      el_json_set_error (error, EL_MODEL_ERROR_OUT_OF_RANGE, &items_path,
                         "must be empty when no_known_allergies is true");
      return NULL;
    }
  if (!self->no_known_allergies && self->items->len == 0)
    {
      el_json_set_error (error, EL_MODEL_ERROR_MISSING_FIELD, &items_path,
                         "needs an allergy when no_known_allergies is false");
      return NULL;
    }
  return g_steal_pointer (&self);
}

static JsonNode *
write_allergies (gconstpointer value)
{
  const ElSbarAllergies *self = value;
  JsonObject *obj = json_object_new ();

  json_object_set_boolean_member (obj, "no_known_allergies", self->no_known_allergies);
  json_object_set_member (obj, "items", write_list (self->items, write_allergy));
  put_span (obj, self->span);
  return object_node (obj);
}

/* A Measure member of vitals, if present. */
static gboolean
read_measure (JsonObject *vitals,
              const ElJsonPath *vitals_path,
              const char *member,
              double min,
              double max,
              gboolean integral,
              ElSbarMeasure **out,
              GError **error)
{
  ElJsonPath path = { vitals_path, member, 0 };
  ElJsonPath value_path = { &path, "value", 0 };
  g_autoptr (ElSbarMeasure) self = el_sbar_measure_new (0);
  JsonObject *obj = NULL;

  if (!el_json_read_object (vitals, vitals_path, member, EL_JSON_OPTIONAL, &obj, error))
    return FALSE;
  if (obj == NULL)
    return TRUE;

  if (!el_json_read_double (obj, &path, "value", EL_JSON_REQUIRED, min, max, &self->value, NULL, error) ||
      !read_span (obj, &path, &self->span, error))
    return FALSE;
  if (integral && !el_double_is_integral (self->value))
    {
      el_json_set_error (error, EL_MODEL_ERROR_OUT_OF_RANGE, &value_path, "not a whole number");
      return FALSE;
    }
  *out = g_steal_pointer (&self);
  return TRUE;
}

static void
put_measure (JsonObject *obj, const char *member, const ElSbarMeasure *measure)
{
  JsonObject *measure_obj;

  if (measure == NULL)
    return;
  measure_obj = json_object_new ();
  el_json_put_number (measure_obj, "value", measure->value);
  put_span (measure_obj, measure->span);
  json_object_set_object_member (obj, member, measure_obj);
}

static gboolean
read_blood_pressure (JsonObject *vitals,
                     const ElJsonPath *vitals_path,
                     ElSbarBloodPressure **out,
                     GError **error)
{
  ElJsonPath path = { vitals_path, "blood_pressure", 0 };
  g_autoptr (ElSbarBloodPressure) self = el_sbar_blood_pressure_new (0, 0);
  JsonObject *obj = NULL;
  gint64 systolic, diastolic;

  if (!el_json_read_object (vitals, vitals_path, "blood_pressure", EL_JSON_OPTIONAL, &obj, error))
    return FALSE;
  if (obj == NULL)
    return TRUE;

  if (!el_json_read_int (obj, &path, "systolic", EL_JSON_REQUIRED, 40, 300, &systolic, NULL, error) ||
      !el_json_read_int (obj, &path, "diastolic", EL_JSON_REQUIRED, 10, 200, &diastolic, NULL, error) ||
      !read_span (obj, &path, &self->span, error))
    return FALSE;
  if (diastolic >= systolic)
    {
      ElJsonPath diastolic_path = { &path, "diastolic", 0 };

      el_json_set_error (error, EL_MODEL_ERROR_OUT_OF_RANGE, &diastolic_path, "not below systolic");
      return FALSE;
    }
  self->systolic = (int) systolic;
  self->diastolic = (int) diastolic;
  *out = g_steal_pointer (&self);
  return TRUE;
}

static gboolean
read_spo2 (JsonObject *vitals, const ElJsonPath *vitals_path, ElSbarSpo2 **out, GError **error)
{
  ElJsonPath path = { vitals_path, "spo2", 0 };
  g_autoptr (ElSbarSpo2) self = el_sbar_spo2_new (0);
  JsonObject *obj = NULL;

  if (!el_json_read_object (vitals, vitals_path, "spo2", EL_JSON_OPTIONAL, &obj, error))
    return FALSE;
  if (obj == NULL)
    return TRUE;

  if (!el_json_read_double (obj, &path, "value", EL_JSON_REQUIRED, 50, 100, &self->value, NULL, error) ||
      !el_json_read_string (obj, &path, "o2_device", EL_JSON_OPTIONAL, EL_MODEL_MAX_SHORT_STRING_BYTES,
                            &self->o2_device, error) ||
      !el_json_read_double (obj, &path, "o2_flow_l_min", EL_JSON_OPTIONAL, 0, 80, &self->o2_flow_l_min,
                            &self->has_o2_flow, error) ||
      !read_span (obj, &path, &self->span, error))
    return FALSE;
  *out = g_steal_pointer (&self);
  return TRUE;
}

static gpointer
read_vitals (JsonNode *node, const ElJsonPath *path, GError **error)
{
  g_autoptr (ElSbarVitals) self = el_sbar_vitals_new ();
  JsonObject *obj;

  if (!el_json_node_get_object (node, path, &obj, error) ||
      !el_json_read_timestamp (obj, path, "taken_at", EL_JSON_OPTIONAL, &self->taken_at, error) ||
      !read_measure (obj, path, "temperature_c", 25, 45, FALSE, &self->temperature_c, error) ||
      !read_measure (obj, path, "heart_rate", 20, 300, FALSE, &self->heart_rate, error) ||
      !read_measure (obj, path, "respiratory_rate", 2, 80, FALSE, &self->respiratory_rate, error) ||
      !read_blood_pressure (obj, path, &self->blood_pressure, error) ||
      !read_spo2 (obj, path, &self->spo2, error) ||
      !read_measure (obj, path, "pain", 0, 10, TRUE, &self->pain, error) ||
      !read_span (obj, path, &self->span, error))
    return NULL;
  return g_steal_pointer (&self);
}

static JsonNode *
write_vitals (gconstpointer value)
{
  const ElSbarVitals *self = value;
  JsonObject *obj = json_object_new ();

  el_json_put_timestamp (obj, "taken_at", self->taken_at);
  put_measure (obj, "temperature_c", self->temperature_c);
  put_measure (obj, "heart_rate", self->heart_rate);
  put_measure (obj, "respiratory_rate", self->respiratory_rate);
  if (self->blood_pressure != NULL)
    {
      JsonObject *bp = json_object_new ();

      json_object_set_int_member (bp, "systolic", self->blood_pressure->systolic);
      json_object_set_int_member (bp, "diastolic", self->blood_pressure->diastolic);
      put_span (bp, self->blood_pressure->span);
      json_object_set_object_member (obj, "blood_pressure", bp);
    }
  if (self->spo2 != NULL)
    {
      JsonObject *spo2 = json_object_new ();

      el_json_put_number (spo2, "value", self->spo2->value);
      el_json_put_string (spo2, "o2_device", self->spo2->o2_device);
      if (self->spo2->has_o2_flow)
        el_json_put_number (spo2, "o2_flow_l_min", self->spo2->o2_flow_l_min);
      put_span (spo2, self->spo2->span);
      json_object_set_object_member (obj, "spo2", spo2);
    }
  put_measure (obj, "pain", self->pain);
  put_span (obj, self->span);
  return object_node (obj);
}

static gpointer
read_item (JsonNode *node, const ElJsonPath *path, GError **error)
{
  g_autoptr (ElSbarItem) self = el_sbar_item_new (NULL);
  JsonObject *obj;

  if (!el_json_node_get_object (node, path, &obj, error) ||
      !el_json_read_string (obj, path, "description", EL_JSON_REQUIRED, EL_MODEL_MAX_TEXT_BYTES,
                            &self->description, error) ||
      !read_span (obj, path, &self->span, error))
    return NULL;
  return g_steal_pointer (&self);
}

static JsonNode *
write_item (gconstpointer value)
{
  const ElSbarItem *self = value;
  JsonObject *obj = json_object_new ();

  el_json_put_string (obj, "description", self->description);
  put_span (obj, self->span);
  return object_node (obj);
}

static gpointer
read_med_due (JsonNode *node, const ElJsonPath *path, GError **error)
{
  g_autoptr (ElSbarMedDue) self = el_sbar_med_due_new (NULL, NULL, NULL, NULL);
  JsonObject *obj;

  if (!el_json_node_get_object (node, path, &obj, error) ||
      !el_json_read_string (obj, path, "name", EL_JSON_REQUIRED, EL_MODEL_MAX_SHORT_STRING_BYTES, &self->name,
                            error) ||
      !el_json_read_string (obj, path, "dose", EL_JSON_OPTIONAL, EL_MODEL_MAX_SHORT_STRING_BYTES, &self->dose,
                            error) ||
      !el_json_read_string (obj, path, "route", EL_JSON_OPTIONAL, EL_MODEL_MAX_SHORT_STRING_BYTES,
                            &self->route, error) ||
      !el_json_read_clock_time (obj, path, "time", EL_JSON_OPTIONAL, &self->time, error) ||
      !read_span (obj, path, &self->span, error))
    return NULL;
  return g_steal_pointer (&self);
}

static JsonNode *
write_med_due (gconstpointer value)
{
  const ElSbarMedDue *self = value;
  JsonObject *obj = json_object_new ();

  el_json_put_string (obj, "name", self->name);
  el_json_put_string (obj, "dose", self->dose);
  el_json_put_string (obj, "route", self->route);
  el_json_put_string (obj, "time", self->time);
  put_span (obj, self->span);
  return object_node (obj);
}

static gpointer
read_pending (JsonNode *node, const ElJsonPath *path, GError **error)
{
  g_autoptr (ElSbarPending) self = el_sbar_pending_new (EL_PENDING_KIND_OTHER, NULL);
  JsonObject *obj;
  int kind;

  if (!el_json_node_get_object (node, path, &obj, error) ||
      !el_json_read_enum (obj, path, "kind", EL_JSON_REQUIRED, EL_TYPE_PENDING_KIND, &kind, NULL, error) ||
      !el_json_read_string (obj, path, "description", EL_JSON_REQUIRED, EL_MODEL_MAX_TEXT_BYTES,
                            &self->description, error) ||
      !read_span (obj, path, &self->span, error))
    return NULL;
  self->kind = (ElPendingKind) kind;
  return g_steal_pointer (&self);
}

static JsonNode *
write_pending (gconstpointer value)
{
  const ElSbarPending *self = value;
  JsonObject *obj = json_object_new ();

  el_json_put_enum (obj, "kind", EL_TYPE_PENDING_KIND, (int) self->kind);
  el_json_put_string (obj, "description", self->description);
  put_span (obj, self->span);
  return object_node (obj);
}

static gpointer
read_todo (JsonNode *node, const ElJsonPath *path, GError **error)
{
  g_autoptr (ElSbarTodo) self = el_sbar_todo_new (NULL, NULL, NULL);
  JsonObject *obj;

  if (!el_json_node_get_object (node, path, &obj, error) ||
      !el_json_read_string (obj, path, "description", EL_JSON_REQUIRED, EL_MODEL_MAX_TEXT_BYTES,
                            &self->description, error) ||
      !el_json_read_string (obj, path, "owner", EL_JSON_OPTIONAL, EL_MODEL_MAX_SHORT_STRING_BYTES,
                            &self->owner, error) ||
      !el_json_read_clock_time (obj, path, "due", EL_JSON_OPTIONAL, &self->due, error) ||
      !read_span (obj, path, &self->span, error))
    return NULL;
  return g_steal_pointer (&self);
}

static JsonNode *
write_todo (gconstpointer value)
{
  const ElSbarTodo *self = value;
  JsonObject *obj = json_object_new ();

  el_json_put_string (obj, "description", self->description);
  el_json_put_string (obj, "owner", self->owner);
  el_json_put_string (obj, "due", self->due);
  put_span (obj, self->span);
  return object_node (obj);
}

static gpointer
read_contingency (JsonNode *node, const ElJsonPath *path, GError **error)
{
  g_autoptr (ElSbarContingency) self = el_sbar_contingency_new (NULL, NULL);
  JsonObject *obj;

  if (!el_json_node_get_object (node, path, &obj, error) ||
      !el_json_read_string (obj, path, "if", EL_JSON_REQUIRED, EL_MODEL_MAX_TEXT_BYTES, &self->condition,
                            error) ||
      !el_json_read_string (obj, path, "then", EL_JSON_REQUIRED, EL_MODEL_MAX_TEXT_BYTES, &self->action,
                            error) ||
      !read_span (obj, path, &self->span, error))
    return NULL;
  return g_steal_pointer (&self);
}

static JsonNode *
write_contingency (gconstpointer value)
{
  const ElSbarContingency *self = value;
  JsonObject *obj = json_object_new ();

  el_json_put_string (obj, "if", self->condition);
  el_json_put_string (obj, "then", self->action);
  put_span (obj, self->span);
  return object_node (obj);
}

/* ElSbarFields */

struct ElSbarFields
{
  ElSbarIdentifiers *patient_identifiers;
  ElSbarText *room_bed;
  ElSbarCodeStatus *code_status;
  ElSbarAllergies *allergies;
  ElSbarIsolation *isolation;
  ElSbarFallRisk *fall_risk;
  ElSbarIllnessSeverity *illness_severity;
  ElSbarText *diagnosis;
  ElSbarText *history;
  ElSbarVitals *vitals;
  GPtrArray *lines_drains_airways;
  GPtrArray *infusions;
  ElSbarText *diet;
  ElSbarText *mobility;
  GPtrArray *meds_due;
  GPtrArray *pending;
  GPtrArray *todos;
  GPtrArray *contingencies;
  ElSbarText *family_discharge;
};

/* Every field, in the order of the spec (and of the encoder's output). A list field's functions
 * apply to its items. */
typedef struct
{
  const char *name;
  gsize offset;
  gboolean is_list;
  ReadFunc read;
  WriteFunc write;
  GBoxedCopyFunc copy;
  GDestroyNotify free;
} FieldInfo;

#define FIELD(name, is_list, read, write, type)                                                     \
  {                                                                                                 \
#name, G_STRUCT_OFFSET(ElSbarFields, name), is_list, read, write, (GBoxedCopyFunc) type##_copy, \
        (GDestroyNotify) type##_free                                                                \
  }

static const FieldInfo field_infos[] = {
  FIELD (patient_identifiers, FALSE, read_identifiers, write_identifiers, el_sbar_identifiers),
  FIELD (room_bed, FALSE, read_short_text, write_text, el_sbar_text),
  FIELD (code_status, FALSE, read_code_status, write_code_status, el_sbar_code_status),
  FIELD (allergies, FALSE, read_allergies, write_allergies, el_sbar_allergies),
  FIELD (isolation, FALSE, read_isolation, write_isolation, el_sbar_isolation),
  FIELD (fall_risk, FALSE, read_fall_risk, write_fall_risk, el_sbar_fall_risk),
  FIELD (illness_severity, FALSE, read_illness_severity, write_illness_severity, el_sbar_illness_severity),
  FIELD (diagnosis, FALSE, read_free_text, write_text, el_sbar_text),
  FIELD (history, FALSE, read_free_text, write_text, el_sbar_text),
  FIELD (vitals, FALSE, read_vitals, write_vitals, el_sbar_vitals),
  FIELD (lines_drains_airways, TRUE, read_item, write_item, el_sbar_item),
  FIELD (infusions, TRUE, read_item, write_item, el_sbar_item),
  FIELD (diet, FALSE, read_free_text, write_text, el_sbar_text),
  FIELD (mobility, FALSE, read_free_text, write_text, el_sbar_text),
  FIELD (meds_due, TRUE, read_med_due, write_med_due, el_sbar_med_due),
  FIELD (pending, TRUE, read_pending, write_pending, el_sbar_pending),
  FIELD (todos, TRUE, read_todo, write_todo, el_sbar_todo),
  FIELD (contingencies, TRUE, read_contingency, write_contingency, el_sbar_contingency),
  FIELD (family_discharge, FALSE, read_free_text, write_text, el_sbar_text),
};

#undef FIELD

static gpointer *
field_slot (const ElSbarFields *self, const FieldInfo *info)
{
  return (gpointer *) G_STRUCT_MEMBER_P (self, info->offset);
}

static void
clear_field (ElSbarFields *self, const FieldInfo *info)
{
  gpointer *slot = field_slot (self, info);

  if (*slot == NULL)
    return;
  if (info->is_list)
    g_ptr_array_unref (*slot);
  else
    info->free (*slot);
  *slot = NULL;
}

G_DEFINE_BOXED_TYPE (ElSbarFields, el_sbar_fields, el_sbar_fields_copy, el_sbar_fields_free)

/**
 * el_sbar_fields_new:
 *
 * Returns: (transfer full): fields with nothing known (JSON `{}`)
 */
ElSbarFields *
el_sbar_fields_new (void)
{
  return g_new0 (ElSbarFields, 1);
}

ElSbarFields *
el_sbar_fields_copy (const ElSbarFields *self)
{
  ElSbarFields *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = el_sbar_fields_new ();
  for (guint i = 0; i < G_N_ELEMENTS (field_infos); i++)
    {
      const FieldInfo *info = &field_infos[i];
      gpointer value = *field_slot (self, info);

      if (value == NULL)
        continue;
      if (info->is_list)
        *field_slot (copy, info) = copy_list (value, info->copy, info->free);
      else
        *field_slot (copy, info) = info->copy (value);
    }
  return copy;
}

void
el_sbar_fields_free (ElSbarFields *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (field_infos); i++)
    clear_field (self, &field_infos[i]);
  g_free (self);
}

/**
 * el_sbar_fields_is_empty:
 * @self: fields
 *
 * Returns: %TRUE if no field is present
 */
gboolean
el_sbar_fields_is_empty (const ElSbarFields *self)
{
  g_return_val_if_fail (self != NULL, TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (field_infos); i++)
    if (*field_slot (self, &field_infos[i]) != NULL)
      return FALSE;
  return TRUE;
}

/**
 * el_sbar_fields_equal:
 * @a: fields
 * @b: fields
 *
 * Returns: %TRUE if both hold the same fields, spans included
 */
gboolean
el_sbar_fields_equal (const ElSbarFields *a, const ElSbarFields *b)
{
  g_autoptr (JsonNode) node_a = NULL;
  g_autoptr (JsonNode) node_b = NULL;
  g_autofree char *text_a = NULL;
  g_autofree char *text_b = NULL;

  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  node_a = el_sbar_fields_to_json (a);
  node_b = el_sbar_fields_to_json (b);
  text_a = el_json_generate (node_a, NULL);
  text_b = el_json_generate (node_b, NULL);
  return g_str_equal (text_a, text_b);
}

ElSbarFields *
el_sbar_fields_read (JsonNode *node, const ElJsonPath *path, GError **error)
{
  g_autoptr (ElSbarFields) self = el_sbar_fields_new ();
  JsonObject *obj;

  if (!el_json_node_get_object (node, path, &obj, error))
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (field_infos); i++)
    {
      const FieldInfo *info = &field_infos[i];
      ElJsonPath field_path = { path, info->name, 0 };
      JsonNode *member = json_object_get_member (obj, info->name);
      gpointer value;

      if (member == NULL)
        continue;
      if (info->is_list)
        value = read_list (member, &field_path, info->read, info->free, error);
      else
        value = info->read (member, &field_path, error);
      if (value == NULL)
        return NULL;
      *field_slot (self, info) = value;
    }
  return g_steal_pointer (&self);
}

/**
 * el_sbar_fields_new_from_json:
 * @node: the `fields` object of an SBAR version
 * @error: return location for an %EL_MODEL_ERROR
 *
 * Error paths start with `fields.`.
 *
 * Returns: (transfer full) (nullable): the fields, or %NULL with @error set
 */
ElSbarFields *
el_sbar_fields_new_from_json (JsonNode *node, GError **error)
{
  ElJsonPath path = { NULL, "fields", 0 };

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return el_sbar_fields_read (node, &path, error);
}

/**
 * el_sbar_fields_to_json:
 * @self: fields
 *
 * Returns: (transfer full): the `fields` object; absent fields are omitted
 */
JsonNode *
el_sbar_fields_to_json (const ElSbarFields *self)
{
  JsonObject *obj;

  g_return_val_if_fail (self != NULL, NULL);

  obj = json_object_new ();
  for (guint i = 0; i < G_N_ELEMENTS (field_infos); i++)
    {
      const FieldInfo *info = &field_infos[i];
      gpointer value = *field_slot (self, info);

      if (value == NULL)
        continue;
      if (info->is_list)
        json_object_set_member (obj, info->name, write_list (value, info->write));
      else
        json_object_set_member (obj, info->name, info->write (value));
    }
  return object_node (obj);
}

/* Accessors */

#define DEFINE_FIELD(Type, type, name)                                             \
  Type *el_sbar_fields_get_##name (const ElSbarFields *self)                       \
  {                                                                                \
    g_return_val_if_fail (self != NULL, NULL);                                     \
    return self->name;                                                             \
  }                                                                                \
                                                                                   \
  void el_sbar_fields_take_##name (ElSbarFields *self, Type *value)                \
  {                                                                                \
    g_return_if_fail (self != NULL);                                               \
    if (self->name == value)                                                       \
      return;                                                                      \
    g_clear_pointer (&self->name, type##_free);                                    \
    self->name = value;                                                            \
  }                                                                                \
                                                                                   \
  void el_sbar_fields_set_##name (ElSbarFields *self, const Type *value)           \
  {                                                                                \
    g_return_if_fail (self != NULL);                                               \
    el_sbar_fields_take_##name (self, value != NULL ? type##_copy (value) : NULL); \
  }

#define DEFINE_LIST(Type, type, name, add_name)                                                          \
  GPtrArray *el_sbar_fields_get_##name (const ElSbarFields *self)                                        \
  {                                                                                                      \
    g_return_val_if_fail (self != NULL, NULL);                                                           \
    return self->name;                                                                                   \
  }                                                                                                      \
                                                                                                         \
  void el_sbar_fields_set_##name (ElSbarFields *self, GPtrArray *items)                                  \
  {                                                                                                      \
    GPtrArray *copy;                                                                                     \
                                                                                                         \
    g_return_if_fail (self != NULL);                                                                     \
    copy = items != NULL ? copy_list (items, (GBoxedCopyFunc) type##_copy, (GDestroyNotify) type##_free) \
                         : NULL;                                                                         \
    g_clear_pointer (&self->name, g_ptr_array_unref);                                                    \
    self->name = copy;                                                                                   \
  }                                                                                                      \
                                                                                                         \
  void el_sbar_fields_add_##add_name (ElSbarFields *self, Type *item)                                    \
  {                                                                                                      \
    g_return_if_fail (self != NULL);                                                                     \
    g_return_if_fail (item != NULL);                                                                     \
    if (self->name == NULL)                                                                              \
      self->name = g_ptr_array_new_with_free_func ((GDestroyNotify) type##_free);                        \
    g_ptr_array_add (self->name, item);                                                                  \
  }

DEFINE_FIELD (ElSbarIdentifiers, el_sbar_identifiers, patient_identifiers)
DEFINE_FIELD (ElSbarText, el_sbar_text, room_bed)
DEFINE_FIELD (ElSbarCodeStatus, el_sbar_code_status, code_status)
DEFINE_FIELD (ElSbarAllergies, el_sbar_allergies, allergies)
DEFINE_FIELD (ElSbarIsolation, el_sbar_isolation, isolation)
DEFINE_FIELD (ElSbarFallRisk, el_sbar_fall_risk, fall_risk)
DEFINE_FIELD (ElSbarIllnessSeverity, el_sbar_illness_severity, illness_severity)
DEFINE_FIELD (ElSbarText, el_sbar_text, diagnosis)
DEFINE_FIELD (ElSbarText, el_sbar_text, history)
DEFINE_FIELD (ElSbarVitals, el_sbar_vitals, vitals)
DEFINE_LIST (ElSbarItem, el_sbar_item, lines_drains_airways, line_drain_airway)
DEFINE_LIST (ElSbarItem, el_sbar_item, infusions, infusion)
DEFINE_FIELD (ElSbarText, el_sbar_text, diet)
DEFINE_FIELD (ElSbarText, el_sbar_text, mobility)
DEFINE_LIST (ElSbarMedDue, el_sbar_med_due, meds_due, med_due)
DEFINE_LIST (ElSbarPending, el_sbar_pending, pending, pending)
DEFINE_LIST (ElSbarTodo, el_sbar_todo, todos, todo)
DEFINE_LIST (ElSbarContingency, el_sbar_contingency, contingencies, contingency)
DEFINE_FIELD (ElSbarText, el_sbar_text, family_discharge)
