/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <pango/pangocairo.h>

#include "el-completeness.h"
#include "el-gui-labels.h"
#include "el-model-types.h"
#include "el-shift-report.h"

/* Page geometry, in points. */
#define BODY_FONT       "Sans 10"
#define SMALL_FONT      "Sans 8.5"
#define TITLE_FONT      "Sans Bold 15"
#define HEADING_FONT    "Sans Bold 12"
#define HEADER_FONT     "Sans 9"
#define FOOTER_FONT     "Sans 8"
#define HEADER_GAP      10.0
#define FOOTER_GAP      8.0
#define SECTION_SPACE   10.0
#define PARAGRAPH_SPACE 3.0
#define DETAIL_INDENT   0.0
#define RULE_WIDTH      0.6

/* ---- The loaded report ------------------------------------------------------------------------- */

typedef struct
{
  ElPatient *patient;
  ElHandoff *handoff; /* nullable */
  ElStoreSbar *sbar;  /* nullable */
} ReportEntry;

static void
report_entry_free (ReportEntry *entry)
{
  g_clear_object (&entry->patient);
  g_clear_object (&entry->handoff);
  g_clear_pointer (&entry->sbar, el_store_sbar_free);
  g_free (entry);
}

struct _ElShiftReport
{
  GObject parent_instance;

  char *unit_name;
  char *unit_code;
  char *printed_by;      /* nullable */
  char *printed_by_id;   /* nullable */
  GDateTime *printed_at; /* local time */
  ElShift shift;
  GDate shift_date;
  gboolean single_patient;
  GPtrArray *entries; /* (element-type ReportEntry) */
};

G_DEFINE_FINAL_TYPE (ElShiftReport, el_shift_report, G_TYPE_OBJECT)

static void
el_shift_report_finalize (GObject *object)
{
  ElShiftReport *self = EL_SHIFT_REPORT (object);

  g_free (self->unit_name);
  g_free (self->unit_code);
  g_free (self->printed_by);
  g_free (self->printed_by_id);
  g_clear_pointer (&self->printed_at, g_date_time_unref);
  g_clear_pointer (&self->entries, g_ptr_array_unref);

  G_OBJECT_CLASS (el_shift_report_parent_class)->finalize (object);
}

static void
el_shift_report_class_init (ElShiftReportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = el_shift_report_finalize;
}

static void
el_shift_report_init (ElShiftReport *self)
{
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) report_entry_free);
  g_date_clear (&self->shift_date, 1);
}

guint
el_shift_report_get_n_patients (ElShiftReport *self)
{
  g_return_val_if_fail (EL_IS_SHIFT_REPORT (self), 0);

  return self->entries->len;
}

static char *
format_date (const GDate *date)
{
  if (date == NULL || !g_date_valid (date))
    return g_strdup (C_ ("date", "unknown"));
  return el_date_format (date);
}

static char *
room_bed (ElPatient *patient)
{
  const char *room = el_patient_get_room (patient);
  const char *bed = el_patient_get_bed (patient);

  if (bed != NULL && *bed != '\0')
    return g_strdup_printf ("%s-%s", room != NULL ? room : "", bed);
  return g_strdup (room != NULL ? room : "");
}

char *
el_shift_report_get_default_filename (ElShiftReport *self)
{
  g_autofree char *date = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (EL_IS_SHIFT_REPORT (self), NULL);

  date = format_date (&self->shift_date);
  if (self->single_patient && self->entries->len == 1)
    {
      ReportEntry *entry = g_ptr_array_index (self->entries, 0);
      g_autofree char *room = room_bed (entry->patient);

      /* Translators: the default file name of one patient's exported shift report: unit code, room,
       * shift date, shift ("Handoff 4W 412-A 2026-11-26 Day.pdf"). No patient names here. */
      name = g_strdup_printf (_ ("Handoff %s %s %s %s.pdf"), self->unit_code, room, date,
                              el_gui_shift_label (self->shift));
    }
  else
    {
      /* Translators: the default file name of a unit's exported shift report: unit code, shift date,
       * shift ("Handoff 4W 2026-11-26 Day.pdf"). */
      name = g_strdup_printf (_ ("Handoff %s %s %s.pdf"), self->unit_code, date,
                              el_gui_shift_label (self->shift));
    }
  g_strdelimit (name, "/\\:", '-');
  return g_steal_pointer (&name);
}

/* ---- Loading ------------------------------------------------------------------------------------ */

typedef struct
{
  ElStore *store;
  char *unit_id;
  char *patient_id;
  ElShiftReport *report;
  GPtrArray *census; /* (element-type ElStoreCensusEntry) */
  guint index;
  ReportEntry *current;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->store);
  g_free (data->unit_id);
  g_free (data->patient_id);
  g_clear_object (&data->report);
  g_clear_pointer (&data->census, g_ptr_array_unref);
  g_clear_pointer (&data->current, report_entry_free);
  g_free (data);
}

static void load_next (GTask *task);

static void
sbar_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  LoadData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  ElStoreSbar *sbar = el_store_get_sbar_finish (EL_STORE (source), result, &error);

  if (sbar == NULL && !g_error_matches (error, EL_STORE_ERROR, EL_STORE_ERROR_NOT_FOUND))
    {
      g_debug ("shift report: SBAR of handoff %s not loaded: %s", el_handoff_get_id (data->current->handoff),
               error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->current->sbar = sbar;
  g_ptr_array_add (data->report->entries, g_steal_pointer (&data->current));
  data->index++;
  load_next (task);
}

static void
handoff_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  LoadData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  ElHandoff *handoff = el_store_get_handoff_finish (EL_STORE (source), result, &error);

  if (handoff == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->current->handoff = handoff;
  el_store_get_sbar_async (data->store, el_handoff_get_id (handoff), 0, g_task_get_cancellable (task),
                           sbar_cb, g_object_ref (task));
}

static void
patient_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  LoadData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  ElPatient *patient = el_store_get_patient_finish (EL_STORE (source), result, &error);
  ElStoreCensusEntry *entry = g_ptr_array_index (data->census, data->index);

  if (patient == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->current = g_new0 (ReportEntry, 1);
  data->current->patient = patient;
  if (entry->handoff == NULL)
    {
      g_ptr_array_add (data->report->entries, g_steal_pointer (&data->current));
      data->index++;
      load_next (task);
      return;
    }
  el_store_get_handoff_async (data->store, el_handoff_get_id (entry->handoff), g_task_get_cancellable (task),
                              handoff_cb, g_object_ref (task));
}

static void
load_next (GTask *task)
{
  LoadData *data = g_task_get_task_data (task);
  ElStoreCensusEntry *entry;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (data->index >= data->census->len)
    {
      g_task_return_pointer (task, g_steal_pointer (&data->report), g_object_unref);
      return;
    }
  entry = g_ptr_array_index (data->census, data->index);
  el_store_get_patient_async (data->store, el_patient_get_id (entry->patient), g_task_get_cancellable (task),
                              patient_cb, g_object_ref (task));
}

static void
census_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  LoadData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) census = el_store_census_finish (EL_STORE (source), result, &error);

  if (census == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (data->patient_id != NULL)
    {
      g_autoptr (GPtrArray) one =
          g_ptr_array_new_with_free_func ((GDestroyNotify) el_store_census_entry_free);

      for (guint i = 0; i < census->len; i++)
        {
          ElStoreCensusEntry *entry = g_ptr_array_index (census, i);

          if (g_strcmp0 (el_patient_get_id (entry->patient), data->patient_id) == 0)
            {
              g_ptr_array_add (one, el_store_census_entry_copy (entry));
              break;
            }
        }
      if (one->len == 0)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "patient %s is not on unit %s",
                                   data->patient_id, data->unit_id);
          return;
        }
      data->census = g_steal_pointer (&one);
    }
  else
    data->census = g_steal_pointer (&census);

  load_next (task);
}

static void
units_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  LoadData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) units = el_store_list_units_finish (EL_STORE (source), result, &error);

  if (units == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  for (guint i = 0; i < units->len; i++)
    {
      ElUnit *unit = g_ptr_array_index (units, i);

      if (g_strcmp0 (el_unit_get_id (unit), data->unit_id) == 0)
        {
          data->report->unit_name = g_strdup (el_unit_get_name (unit));
          data->report->unit_code = g_strdup (el_unit_get_code (unit));
        }
    }
  if (data->report->unit_name == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "unit %s is not in the cache",
                               data->unit_id);
      return;
    }
  el_store_census_async (data->store, data->unit_id, g_task_get_cancellable (task), census_cb,
                         g_object_ref (task));
}

void
el_shift_report_load_async (ElContext *ctx,
                            const char *unit_id,
                            const char *patient_id,
                            ElShiftPattern pattern,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  LoadData *data;
  ElStore *store;
  ElUser *user;

  g_return_if_fail (EL_IS_CONTEXT (ctx));
  g_return_if_fail (unit_id != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_shift_report_load_async);
  store = el_context_get_store (ctx);
  if (store == NULL)
    {
      g_task_return_new_error (task, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_NOT_OPEN, "no cache is open");
      return;
    }

  data = g_new0 (LoadData, 1);
  data->store = g_object_ref (store);
  data->unit_id = g_strdup (unit_id);
  data->patient_id = g_strdup (patient_id);
  data->report = g_object_new (EL_TYPE_SHIFT_REPORT, NULL);
  data->report->single_patient = patient_id != NULL;
  data->report->printed_at = g_date_time_new_now_local ();
  data->report->shift = el_census_shift_at (data->report->printed_at, pattern, &data->report->shift_date);
  user = el_context_get_user (ctx);
  if (user != NULL)
    {
      data->report->printed_by = g_strdup (el_user_get_name (user));
      data->report->printed_by_id = g_strdup (el_user_get_id (user));
    }
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);

  el_store_list_units_async (store, cancellable, units_cb, g_object_ref (task));
}

ElShiftReport *
el_shift_report_load_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- Text of a patient's page ------------------------------------------------------------------ */

static const char *
pending_kind_label (ElPendingKind kind)
{
  switch (kind)
    {
      case EL_PENDING_KIND_LAB:
        return C_ ("pending kind", "Lab");
      case EL_PENDING_KIND_IMAGING:
        return C_ ("pending kind", "Imaging");
      case EL_PENDING_KIND_CONSULT:
        return C_ ("pending kind", "Consult");
      case EL_PENDING_KIND_OTHER:
      default:
        return C_ ("pending kind", "Other");
    }
}

static char *
format_local_time (GDateTime *when)
{
  g_autoptr (GDateTime) local = NULL;

  if (when == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (when);
  /* Translators: a date and time on the printed report (strftime format). */
  return g_date_time_format (local, _ ("%Y-%m-%d %H:%M"));
}

/* "<b>Label:</b> value" with the value escaped. */
static char *
labelled (const char *label, const char *value)
{
  /* Translators: a label and its value on the printed report ("Code status: Full code"). */
  return g_markup_printf_escaped (_ ("<b>%s:</b> %s"), label, value);
}

static char *
not_recorded (void)
{
  return g_strdup (_ ("Not recorded"));
}

static char *
join_items (GPtrArray *parts)
{
  g_ptr_array_add (parts, NULL);
  /* Translators: separates the items of a list on the printed report. */
  return g_strjoinv (_ ("; "), (char **) parts->pdata);
}

static char *
format_vitals (ElSbarVitals *vitals)
{
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (vitals == NULL)
    return not_recorded ();
  if (vitals->temperature_c != NULL)
    /* Translators: temperature on the printed report. */
    g_ptr_array_add (parts, g_strdup_printf (_ ("Temperature %.1f °C"), vitals->temperature_c->value));
  if (vitals->heart_rate != NULL)
    g_ptr_array_add (parts, g_strdup_printf (_ ("Heart rate %.0f/min"), vitals->heart_rate->value));
  if (vitals->respiratory_rate != NULL)
    g_ptr_array_add (parts,
                     g_strdup_printf (_ ("Respiratory rate %.0f/min"), vitals->respiratory_rate->value));
  if (vitals->blood_pressure != NULL)
    g_ptr_array_add (parts,
                     g_strdup_printf (_ ("Blood pressure %d/%d mmHg"), vitals->blood_pressure->systolic,
                                      vitals->blood_pressure->diastolic));
  if (vitals->spo2 != NULL)
    {
      g_autofree char *o2 = NULL;

      if (vitals->spo2->o2_device != NULL && vitals->spo2->has_o2_flow)
        o2 = g_strdup_printf (_ (" on %s at %.1f L/min"), vitals->spo2->o2_device,
                              vitals->spo2->o2_flow_l_min);
      else if (vitals->spo2->o2_device != NULL)
        o2 = g_strdup_printf (_ (" on %s"), vitals->spo2->o2_device);
      else if (vitals->spo2->has_o2_flow)
        o2 = g_strdup_printf (_ (" on %.1f L/min oxygen"), vitals->spo2->o2_flow_l_min);
      g_ptr_array_add (parts,
                       g_strdup_printf (_ ("SpO₂ %.0f %%%s"), vitals->spo2->value, o2 != NULL ? o2 : ""));
    }
  if (vitals->pain != NULL)
    g_ptr_array_add (parts, g_strdup_printf (_ ("Pain %.0f/10"), vitals->pain->value));
  if (vitals->taken_at != NULL)
    {
      g_autofree char *when = format_local_time (vitals->taken_at);

      g_ptr_array_add (parts, g_strdup_printf (_ ("taken %s"), when));
    }
  if (parts->len == 0)
    return not_recorded ();
  return join_items (parts);
}

/* A list field: "not recorded" when absent, "None" when empty, else each item as @format_item
 * writes it, joined. */
static char *
format_list (GPtrArray *items, char *(*format_item) (gconstpointer item))
{
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (items == NULL)
    return not_recorded ();
  if (items->len == 0)
    return g_strdup (C_ ("list", "None"));
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (parts, format_item (g_ptr_array_index (items, i)));
  return join_items (parts);
}

static char *
format_item (gconstpointer data)
{
  return g_strdup (((const ElSbarItem *) data)->description);
}

static char *
format_med (gconstpointer data)
{
  const ElSbarMedDue *med = data;
  GString *text = g_string_new (med->name);

  if (med->dose != NULL)
    g_string_append_printf (text, " %s", med->dose);
  if (med->route != NULL)
    g_string_append_printf (text, " %s", med->route);
  if (med->time != NULL)
    /* Translators: when a medication is due on the printed report (" at 21:00"). */
    g_string_append_printf (text, _ (" at %s"), med->time);
  return g_string_free (text, FALSE);
}

static char *
format_pending (gconstpointer data)
{
  const ElSbarPending *pending = data;

  /* Translators: a pending result: its kind and what it is ("Lab: potassium"). */
  return g_strdup_printf (_ ("%s: %s"), pending_kind_label (pending->kind), pending->description);
}

static char *
format_todo (gconstpointer data)
{
  const ElSbarTodo *todo = data;
  GString *text = g_string_new (todo->description);

  if (todo->owner != NULL)
    g_string_append_printf (text, _ (" (%s)"), todo->owner);
  if (todo->due != NULL)
    /* Translators: when a to-do is due on the printed report (" by 18:00"). */
    g_string_append_printf (text, _ (" by %s"), todo->due);
  return g_string_free (text, FALSE);
}

static char *
format_contingency (gconstpointer data)
{
  const ElSbarContingency *c = data;

  /* Translators: an if/then plan on the printed report. */
  return g_strdup_printf (_ ("if %s, then %s"), c->condition, c->action);
}

static char *
format_allergies (ElPatient *patient, ElSbarFields *fields)
{
  const char *const *list = el_patient_get_allergies (patient);
  ElSbarAllergies *allergies = fields != NULL ? el_sbar_fields_get_allergies (fields) : NULL;
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (list != NULL && list[0] != NULL)
    {
      /* The patient's list, with the reactions the SBAR report names for the same substances. */
      for (guint i = 0; list[i] != NULL; i++)
        {
          const char *reaction = NULL;

          for (guint j = 0; allergies != NULL && j < allergies->items->len; j++)
            {
              ElSbarAllergy *a = g_ptr_array_index (allergies->items, j);

              if (a->reaction != NULL && g_utf8_collate (a->substance, list[i]) == 0)
                reaction = a->reaction;
            }
          if (reaction != NULL)
            g_ptr_array_add (parts, g_strdup_printf (_ ("%s (%s)"), list[i], reaction));
          else
            g_ptr_array_add (parts, g_strdup (list[i]));
        }
      return join_items (parts);
    }
  if (el_patient_has_no_known_allergies (patient) && el_patient_get_no_known_allergies (patient))
    /* Translators: no known drug allergies, as printed on the report. */
    return g_strdup (_ ("NKDA"));
  if (allergies != NULL)
    {
      if (allergies->no_known_allergies)
        return g_strdup (_ ("NKDA"));
      for (guint i = 0; i < allergies->items->len; i++)
        {
          ElSbarAllergy *a = g_ptr_array_index (allergies->items, i);

          if (a->reaction != NULL)
            g_ptr_array_add (parts, g_strdup_printf (_ ("%s (%s)"), a->substance, a->reaction));
          else
            g_ptr_array_add (parts, g_strdup (a->substance));
        }
      if (parts->len > 0)
        return join_items (parts);
    }
  return not_recorded ();
}

/* The badges in words: code status, allergies, isolation, fall risk, acuity. */
static char *
badges_markup (ElPatient *patient, ElSbarFields *fields)
{
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *allergies = format_allergies (patient, fields);
  ElSbarCodeStatus *code = fields != NULL ? el_sbar_fields_get_code_status (fields) : NULL;
  ElSbarIsolation *isolation = fields != NULL ? el_sbar_fields_get_isolation (fields) : NULL;
  ElSbarFallRisk *fall = fields != NULL ? el_sbar_fields_get_fall_risk (fields) : NULL;
  g_autofree char *code_text = NULL;
  g_autofree char *isolation_text = NULL;
  const char *fall_text = NULL;

  if (el_patient_has_code_status (patient))
    code_text = g_strdup (el_gui_code_status_label (el_patient_get_code_status (patient)));
  else if (code != NULL)
    code_text = g_strdup (el_gui_code_status_label (code->value));
  else
    code_text = not_recorded ();
  g_ptr_array_add (parts, labelled (el_gui_completeness_item_label ("code_status"), code_text));

  g_ptr_array_add (parts, labelled (el_gui_completeness_item_label ("allergies"), allergies));

  if (isolation != NULL && isolation->detail != NULL)
    isolation_text =
        g_strdup_printf (_ ("%s (%s)"), el_gui_isolation_label (isolation->value), isolation->detail);
  else if (el_patient_has_isolation (patient))
    isolation_text = g_strdup (el_gui_isolation_label (el_patient_get_isolation (patient)));
  else if (isolation != NULL)
    isolation_text = g_strdup (el_gui_isolation_label (isolation->value));
  else
    isolation_text = not_recorded ();
  g_ptr_array_add (parts, labelled (el_gui_completeness_item_label ("isolation"), isolation_text));

  if (el_patient_has_fall_risk (patient))
    fall_text = el_gui_fall_risk_label (el_patient_get_fall_risk (patient));
  else if (fall != NULL)
    fall_text = el_gui_fall_risk_label (fall->value);
  if (fall_text != NULL)
    g_ptr_array_add (parts, g_markup_printf_escaped ("<b>%s</b>", fall_text));
  else
    {
      g_autofree char *none = not_recorded ();
      g_ptr_array_add (parts, labelled (el_gui_completeness_item_label ("fall_risk"), none));
    }

  if (el_patient_get_acuity (patient) > 0)
    {
      /* Translators: the patient's acuity on the printed report ("3 of 5"). */
      g_autofree char *acuity = g_strdup_printf (_ ("%d of 5"), el_patient_get_acuity (patient));
      g_ptr_array_add (parts, labelled (_ ("Acuity"), acuity));
    }
  else
    {
      g_autofree char *none = not_recorded ();
      g_ptr_array_add (parts, labelled (_ ("Acuity"), none));
    }

  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **) parts->pdata);
}

static char *
identifiers_markup (ElShiftReport *self, ElPatient *patient)
{
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  const GDate *dob = el_patient_get_date_of_birth (patient);
  g_autofree char *dob_text = format_date (dob);
  g_autofree char *room = room_bed (patient);
  int age = el_patient_get_age (patient, self->printed_at);

  g_ptr_array_add (parts, labelled (_ ("MRN"), el_patient_get_mrn (patient)));
  if (age >= 0)
    {
      g_autofree char *text =
          g_strdup_printf (ngettext ("%s (%d year)", "%s (%d years)", age), dob_text, age);
      g_ptr_array_add (parts, labelled (_ ("Born"), text));
    }
  else
    g_ptr_array_add (parts, labelled (_ ("Born"), dob_text));
  g_ptr_array_add (parts, labelled (_ ("Sex"), el_gui_sex_label (el_patient_get_sex (patient))));
  g_ptr_array_add (parts, labelled (_ ("Room"), room));
  if (el_patient_get_diagnosis (patient) != NULL)
    g_ptr_array_add (
        parts, labelled (el_gui_completeness_item_label ("diagnosis"), el_patient_get_diagnosis (patient)));
  if (el_patient_get_attending (patient) != NULL)
    g_ptr_array_add (parts, labelled (_ ("Attending"), el_patient_get_attending (patient)));
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **) parts->pdata);
}

/* The version: number, author, source, time, completeness and missing critical items. */
static char *
version_markup (ElStoreSbar *sbar)
{
  ElSbarVersion *version = sbar->version;
  GString *text = g_string_new (NULL);
  g_autoptr (JsonNode) computed = NULL;
  JsonNode *completeness = el_sbar_version_get_completeness_json (version);
  g_autofree char *when = format_local_time (el_sbar_version_get_created_at (version));
  g_autofree char *line = NULL;
  const char *author = el_sbar_version_get_author_name (version);
  double score = -1;
  g_autoptr (GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);

  /* Translators: the SBAR version on the printed report: number, author, where it came from,
   * when it was saved ("Version 3 by Anna Berg · Nurse · 2026-11-26 14:05"). */
  line =
      g_markup_printf_escaped (_ ("<b>Version %d</b> by %s · %s · %s"), el_sbar_version_get_version (version),
                               author != NULL ? author : _ ("unknown author"),
                               el_gui_source_label (el_sbar_version_get_source (version)), when);
  g_string_append (text, line);
  if (sbar->pending)
    g_string_append_printf (text, " · %s", _ ("saved on this PC, not yet sent"));

  if (completeness == NULL)
    {
      g_autoptr (JsonNode) node = el_sbar_version_to_json (version);
      g_autoptr (ElCompleteness) c = el_completeness_compute (json_node_get_object (node));

      computed = el_completeness_to_json (c);
      completeness = computed;
    }
  if (completeness != NULL && JSON_NODE_HOLDS_OBJECT (completeness))
    {
      JsonObject *obj = json_node_get_object (completeness);
      JsonArray *critical = json_object_get_array_member (obj, "missing_critical");

      score = json_object_get_double_member (obj, "score");
      for (guint i = 0; critical != NULL && i < json_array_get_length (critical); i++)
        g_ptr_array_add (
            missing, g_strdup (el_gui_completeness_item_label (json_array_get_string_element (critical, i))));
    }
  if (score >= 0)
    {
      g_autofree char *score_text = g_strdup_printf (_ ("%.0f %%"), score);
      g_autofree char *part = labelled (_ ("Completeness"), score_text);

      g_string_append_printf (text, "\n%s", part);
      if (missing->len > 0)
        {
          g_autofree char *list = join_items (missing);
          g_autofree char *missing_part = labelled (_ ("Missing critical items"), list);

          g_string_append_printf (text, " · %s", missing_part);
        }
      else
        g_string_append_printf (text, " · %s", _ ("No critical item missing"));
    }
  return g_string_free (text, FALSE);
}

static const char *
signer_name (ElShiftReport *self, ElStoreSbar *sbar, const char *user_id)
{
  if (user_id == NULL)
    return NULL;
  if (g_strcmp0 (user_id, self->printed_by_id) == 0)
    return self->printed_by;
  if (sbar != NULL && g_strcmp0 (user_id, el_sbar_version_get_author_id (sbar->version)) == 0)
    return el_sbar_version_get_author_name (sbar->version);
  return NULL;
}

/* The handoff: status, shift, signature, acknowledgment with its read-back note. */
static char *
handoff_markup (ElShiftReport *self, ElHandoff *handoff, ElStoreSbar *sbar)
{
  GString *text = g_string_new (NULL);
  g_autofree char *date = format_date (el_handoff_get_shift_date (handoff));
  g_autofree char *shift =
      g_strdup_printf (_ ("%s shift %s"), el_gui_shift_label (el_handoff_get_shift (handoff)), date);
  g_autofree char *status =
      labelled (_ ("Handoff"), el_gui_handoff_status_label (el_handoff_get_status (handoff)));
  g_autofree char *escaped_shift = g_markup_escape_text (shift, -1);
  GDateTime *signed_at = el_handoff_get_signed_at (handoff);
  GDateTime *acknowledged_at = el_handoff_get_acknowledged_at (handoff);

  g_string_append_printf (text, "%s · %s", status, escaped_shift);
  if (signed_at != NULL)
    {
      g_autofree char *when = format_local_time (signed_at);
      const char *who = signer_name (self, sbar, el_handoff_get_signed_by (handoff));
      g_autofree char *value = who != NULL ? g_strdup_printf (_ ("%s by %s"), when, who) : g_strdup (when);
      g_autofree char *part = labelled (_ ("Signed"), value);

      g_string_append_printf (text, "\n%s", part);
    }
  else
    g_string_append_printf (text, "\n<b>%s</b>", _ ("Not signed"));

  if (acknowledged_at != NULL)
    {
      g_autofree char *when = format_local_time (acknowledged_at);
      const char *who = signer_name (self, sbar, el_handoff_get_acknowledged_by (handoff));
      g_autofree char *value = who != NULL ? g_strdup_printf (_ ("%s by %s"), when, who) : g_strdup (when);
      g_autofree char *part = labelled (_ ("Acknowledged with read-back"), value);

      g_string_append_printf (text, " · %s", part);
      if (el_handoff_get_readback_note (handoff) != NULL)
        {
          g_autofree char *note = labelled (_ ("Read-back note"), el_handoff_get_readback_note (handoff));
          g_string_append_printf (text, "\n%s", note);
        }
    }
  else if (signed_at != NULL)
    g_string_append_printf (text, " · %s", _ ("Not yet acknowledged"));
  return g_string_free (text, FALSE);
}

/* ---- Pagination ---------------------------------------------------------------------------------- */

typedef struct
{
  double x, top, height, baseline; /* points, relative to the layout */
} LineInfo;

typedef struct
{
  PangoLayout *layout;
  GArray *lines; /* LineInfo */
  double indent;
  double space_before;
  gboolean keep_with_next;
} Block;

typedef struct
{
  Block *block;
  guint first_line;
  guint n_lines;
  double origin_y; /* where the layout's top would be on the page */
} Piece;

typedef struct
{
  guint entry;
  gboolean continued;
  GArray *pieces; /* Piece */
} Page;

typedef struct
{
  ElShiftReport *report;
  PangoContext *context;
  double width, height;
  double body_top, body_bottom;
  GPtrArray *blocks; /* Block */
  GPtrArray *pages;  /* Page */
} Paginated;

static void
block_free (Block *block)
{
  g_clear_object (&block->layout);
  g_clear_pointer (&block->lines, g_array_unref);
  g_free (block);
}

static void
page_free (Page *page)
{
  g_clear_pointer (&page->pieces, g_array_unref);
  g_free (page);
}

static void
paginated_free (Paginated *p)
{
  g_clear_object (&p->report);
  g_clear_object (&p->context);
  g_clear_pointer (&p->blocks, g_ptr_array_unref);
  g_clear_pointer (&p->pages, g_ptr_array_unref);
  g_free (p);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Paginated, paginated_free)

static PangoLayout *
new_layout (Paginated *p, const char *markup, const char *font, double width)
{
  PangoLayout *layout = pango_layout_new (p->context);
  g_autoptr (PangoFontDescription) desc = pango_font_description_from_string (font);

  pango_layout_set_font_description (layout, desc);
  pango_layout_set_width (layout, (int) (MAX (width, 10.0) * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_markup (layout, markup, -1);
  return layout;
}

static Block *
add_block (Paginated *p, const char *markup, const char *font, double space_before, gboolean keep_with_next)
{
  Block *block = g_new0 (Block, 1);
  PangoLayoutIter *iter;

  block->indent = DETAIL_INDENT;
  block->space_before = space_before;
  block->keep_with_next = keep_with_next;
  block->layout = new_layout (p, markup, font, p->width - block->indent);
  block->lines = g_array_new (FALSE, FALSE, sizeof (LineInfo));
  iter = pango_layout_get_iter (block->layout);
  do
    {
      PangoRectangle logical;
      LineInfo info;

      pango_layout_iter_get_line_extents (iter, NULL, &logical);
      info.x = (double) logical.x / PANGO_SCALE;
      info.top = (double) logical.y / PANGO_SCALE;
      info.height = (double) logical.height / PANGO_SCALE;
      info.baseline = (double) pango_layout_iter_get_baseline (iter) / PANGO_SCALE;
      g_array_append_val (block->lines, info);
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);
  g_ptr_array_add (p->blocks, block);
  return block;
}

static void
add_text_block (
    Paginated *p, const char *text, const char *font, double space_before, gboolean keep_with_next)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  add_block (p, escaped, font, space_before, keep_with_next);
}

static void
add_field (Paginated *p, const char *item_name, char *value /* transfer full */)
{
  g_autofree char *owned = value;
  g_autofree char *markup = labelled (el_gui_completeness_item_label (item_name), owned);

  add_block (p, markup, BODY_FONT, PARAGRAPH_SPACE, FALSE);
}

static void
add_text_field (Paginated *p, const char *item_name, ElSbarText *value)
{
  if (value != NULL && value->value != NULL)
    add_field (p, item_name, g_strdup (value->value));
}

/* The blocks of one patient, appended to p->blocks. */
static void
build_entry_blocks (Paginated *p, ReportEntry *entry)
{
  ElShiftReport *self = p->report;
  ElPatient *patient = entry->patient;
  ElSbarVersion *version = entry->sbar != NULL ? entry->sbar->version : NULL;
  ElSbarFields *fields = version != NULL ? el_sbar_version_get_fields (version) : NULL;
  g_autofree char *title = g_markup_printf_escaped ("%s, %s", el_patient_get_family_name (patient),
                                                    el_patient_get_given_name (patient));
  g_autofree char *ids = identifiers_markup (self, patient);
  g_autofree char *badges = badges_markup (patient, fields);

  add_block (p, title, TITLE_FONT, 0, TRUE);
  add_block (p, ids, BODY_FONT, PARAGRAPH_SPACE, FALSE);
  add_block (p, badges, BODY_FONT, PARAGRAPH_SPACE + 2, FALSE);

  if (entry->handoff == NULL)
    {
      add_text_block (p, _ ("No handoff has been started for this patient."), BODY_FONT, SECTION_SPACE,
                      FALSE);
      return;
    }
  {
    g_autofree char *handoff = handoff_markup (self, entry->handoff, entry->sbar);
    add_block (p, handoff, SMALL_FONT, SECTION_SPACE, FALSE);
  }
  if (entry->sbar == NULL)
    {
      add_text_block (p, _ ("No SBAR report has been saved for this handoff yet."), BODY_FONT, SECTION_SPACE,
                      FALSE);
      return;
    }
  {
    g_autofree char *version_text = version_markup (entry->sbar);
    add_block (p, version_text, SMALL_FONT, PARAGRAPH_SPACE, FALSE);
  }

  for (ElSbarSection section = EL_SBAR_SECTION_SITUATION; section <= EL_SBAR_SECTION_RECOMMENDATION;
       section++)
    {
      const char *text = el_sbar_version_get_section (version, section);
      g_autofree char *heading = g_markup_escape_text (el_gui_section_label (section), -1);

      add_block (p, heading, HEADING_FONT, SECTION_SPACE, TRUE);
      if (text != NULL && *text != '\0')
        add_text_block (p, text, BODY_FONT, PARAGRAPH_SPACE, FALSE);
      else
        {
          g_autofree char *none = g_markup_printf_escaped ("<i>%s</i>", _ ("Not recorded"));
          add_block (p, none, BODY_FONT, PARAGRAPH_SPACE, FALSE);
        }
    }

  {
    g_autofree char *heading = g_markup_escape_text (_ ("Details"), -1);
    add_block (p, heading, HEADING_FONT, SECTION_SPACE, TRUE);
  }
  if (el_sbar_fields_get_illness_severity (fields) != NULL)
    add_field (
        p, "illness_severity",
        g_strdup (el_gui_illness_severity_label (el_sbar_fields_get_illness_severity (fields)->value)));
  add_text_field (p, "diagnosis", el_sbar_fields_get_diagnosis (fields));
  add_text_field (p, "history", el_sbar_fields_get_history (fields));
  add_field (p, "vitals", format_vitals (el_sbar_fields_get_vitals (fields)));
  add_field (p, "lines_drains_airways",
             format_list (el_sbar_fields_get_lines_drains_airways (fields), format_item));
  if (el_sbar_fields_get_infusions (fields) != NULL)
    add_field (p, "infusions", format_list (el_sbar_fields_get_infusions (fields), format_item));
  add_text_field (p, "diet", el_sbar_fields_get_diet (fields));
  add_text_field (p, "mobility", el_sbar_fields_get_mobility (fields));
  add_field (p, "meds_due", format_list (el_sbar_fields_get_meds_due (fields), format_med));
  add_field (p, "pending", format_list (el_sbar_fields_get_pending (fields), format_pending));
  add_field (p, "todos", format_list (el_sbar_fields_get_todos (fields), format_todo));
  add_field (p, "contingencies", format_list (el_sbar_fields_get_contingencies (fields), format_contingency));
  add_text_field (p, "family_discharge", el_sbar_fields_get_family_discharge (fields));
}

static char *
header_markup (ElShiftReport *self, ReportEntry *entry, gboolean continued)
{
  g_autofree char *date = format_date (&self->shift_date);
  g_autofree char *when = g_date_time_format (self->printed_at, _ ("%Y-%m-%d %H:%M"));
  g_autofree char *line1 = NULL;
  g_autofree char *line2 = NULL;
  g_autofree char *line3 = NULL;

  /* Translators: the printed report's header: unit name, unit code, shift, shift date
   * ("4 West Medical-Surgical (4W) — Day shift 2026-11-26"). */
  line1 = g_markup_printf_escaped (_ ("<b>%s (%s)</b> — %s shift %s"), self->unit_name, self->unit_code,
                                   el_gui_shift_label (self->shift), date);
  /* Translators: who printed the report and when. */
  line2 = g_markup_printf_escaped (_ ("Shift report printed by %s at %s"),
                                   self->printed_by != NULL ? self->printed_by : _ ("unknown user"), when);
  if (continued && entry != NULL)
    {
      g_autofree char *room = room_bed (entry->patient);

      /* Translators: the header of a patient's second and later pages: name, MRN, room. */
      line3 = g_markup_printf_escaped (
          _ ("<b>%s, %s</b> · MRN %s · Room %s (continued)"), el_patient_get_family_name (entry->patient),
          el_patient_get_given_name (entry->patient), el_patient_get_mrn (entry->patient), room);
    }
  else
    line3 = g_strdup (" ");
  return g_strdup_printf ("%s\n%s\n%s", line1, line2, line3);
}

static double
layout_height (PangoLayout *layout)
{
  int height;

  pango_layout_get_size (layout, NULL, &height);
  return (double) height / PANGO_SCALE;
}

static Page *
new_page (Paginated *p, guint entry, gboolean continued)
{
  Page *page = g_new0 (Page, 1);

  page->entry = entry;
  page->continued = continued;
  page->pieces = g_array_new (FALSE, FALSE, sizeof (Piece));
  g_ptr_array_add (p->pages, page);
  return page;
}

/* Lays out every page of @self on @width x @height points with @context (transfer full). */
static Paginated *
paginate (ElShiftReport *self, PangoContext *context, double width, double height)
{
  g_autoptr (Paginated) p = g_new0 (Paginated, 1);
  double header_height, footer_height;

  p->report = g_object_ref (self);
  p->context = context; /* (transfer full) */
  p->width = width;
  p->height = height;
  p->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) block_free);
  p->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) page_free);

  {
    g_autofree char *markup = header_markup (self, NULL, FALSE);
    g_autoptr (PangoLayout) header = new_layout (p, markup, HEADER_FONT, width);
    g_autoptr (PangoLayout) footer = new_layout (p, "Page 1", FOOTER_FONT, width);

    header_height = layout_height (header);
    footer_height = layout_height (footer);
  }
  p->body_top = header_height + HEADER_GAP;
  p->body_bottom = MAX (height - footer_height - FOOTER_GAP, p->body_top + 20);

  for (guint e = 0; e < self->entries->len; e++)
    {
      guint first_block = p->blocks->len;
      Page *page = new_page (p, e, FALSE);
      double y = p->body_top;

      build_entry_blocks (p, g_ptr_array_index (self->entries, e));

      for (guint b = first_block; b < p->blocks->len; b++)
        {
          Block *block = g_ptr_array_index (p->blocks, b);
          GArray *lines = block->lines;
          guint line = 0;

          if (y > p->body_top)
            y += block->space_before;
          if (block->keep_with_next && y > p->body_top && b + 1 < p->blocks->len)
            {
              Block *next = g_ptr_array_index (p->blocks, b + 1);
              LineInfo *last = &g_array_index (lines, LineInfo, lines->len - 1);
              LineInfo *next_first = &g_array_index (next->lines, LineInfo, 0);
              double needed = last->top + last->height + next->space_before + next_first->height;

              if (y + needed > p->body_bottom)
                {
                  page = new_page (p, e, TRUE);
                  y = p->body_top;
                }
            }

          while (line < lines->len)
            {
              guint start = line;
              double offset = g_array_index (lines, LineInfo, start).top;
              Piece piece;

              while (line < lines->len)
                {
                  LineInfo *info = &g_array_index (lines, LineInfo, line);
                  double bottom = y + info->top + info->height - offset;

                  /* A line always goes on a fresh page, even one taller than the page. */
                  if (bottom > p->body_bottom && !(line == start && y <= p->body_top))
                    break;
                  line++;
                }
              if (line > start)
                {
                  LineInfo *last = &g_array_index (lines, LineInfo, line - 1);

                  piece.block = block;
                  piece.first_line = start;
                  piece.n_lines = line - start;
                  piece.origin_y = y - offset;
                  g_array_append_val (page->pieces, piece);
                  y = piece.origin_y + last->top + last->height;
                }
              if (line < lines->len)
                {
                  page = new_page (p, e, TRUE);
                  y = p->body_top;
                }
            }
        }
    }
  if (p->pages->len == 0)
    {
      /* A unit without patients: one page that says so. */
      Page *page = new_page (p, G_MAXUINT, FALSE);
      Block *block = NULL;
      Piece piece = { 0 };
      g_autofree char *text = g_markup_escape_text (_ ("No patients on this unit."), -1);

      block = add_block (p, text, BODY_FONT, 0, FALSE);
      piece.block = block;
      piece.n_lines = block->lines->len;
      piece.origin_y = p->body_top;
      g_array_append_val (page->pieces, piece);
    }
  return g_steal_pointer (&p);
}

static void
draw_rule (cairo_t *cr, double x, double y, double width)
{
  cairo_save (cr);
  cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
  cairo_rectangle (cr, x, y, width, RULE_WIDTH);
  cairo_fill (cr);
  cairo_restore (cr);
}

static void
draw_page (Paginated *p, cairo_t *cr, guint page_nr)
{
  Page *page;
  ReportEntry *entry = NULL;
  g_autofree char *header_text = NULL;
  g_autoptr (PangoLayout) header = NULL;
  g_autoptr (PangoLayout) confidential = NULL;
  g_autoptr (PangoLayout) number = NULL;
  g_autofree char *page_text = NULL;
  g_autofree char *escaped = NULL;
  int number_width;
  double footer_y;

  g_return_if_fail (page_nr < p->pages->len);
  page = g_ptr_array_index (p->pages, page_nr);
  if (page->entry < p->report->entries->len)
    entry = g_ptr_array_index (p->report->entries, page->entry);

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);

  header_text = header_markup (p->report, entry, page->continued);
  header = new_layout (p, header_text, HEADER_FONT, p->width);
  cairo_move_to (cr, 0, 0);
  pango_cairo_show_layout (cr, header);
  draw_rule (cr, 0, p->body_top - HEADER_GAP / 2, p->width);

  for (guint i = 0; i < page->pieces->len; i++)
    {
      Piece *piece = &g_array_index (page->pieces, Piece, i);

      for (guint l = piece->first_line; l < piece->first_line + piece->n_lines; l++)
        {
          LineInfo *info = &g_array_index (piece->block->lines, LineInfo, l);
          PangoLayoutLine *line = pango_layout_get_line_readonly (piece->block->layout, (int) l);

          cairo_move_to (cr, piece->block->indent + info->x, piece->origin_y + info->baseline);
          pango_cairo_show_layout_line (cr, line);
        }
    }

  footer_y = p->body_bottom + FOOTER_GAP / 2;
  draw_rule (cr, 0, footer_y, p->width);
  escaped = g_markup_escape_text (_ ("Confidential — contains patient information"), -1);
  confidential = new_layout (p, escaped, FOOTER_FONT, p->width * 0.7);
  cairo_move_to (cr, 0, footer_y + FOOTER_GAP / 2);
  pango_cairo_show_layout (cr, confidential);
  /* Translators: the printed report's page number. */
  page_text = g_strdup_printf (_ ("Page %u of %u"), page_nr + 1, p->pages->len);
  g_clear_pointer (&escaped, g_free);
  escaped = g_markup_escape_text (page_text, -1);
  number = new_layout (p, escaped, FOOTER_FONT, p->width * 0.3);
  pango_layout_set_width (number, -1);
  pango_layout_get_size (number, &number_width, NULL);
  cairo_move_to (cr, p->width - (double) number_width / PANGO_SCALE, footer_y + FOOTER_GAP / 2);
  pango_cairo_show_layout (cr, number);

  cairo_restore (cr);
}

static PangoContext *
new_point_context (void)
{
  PangoContext *context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  cairo_font_options_t *options = cairo_font_options_create ();

  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  cairo_font_options_destroy (options);
  pango_cairo_context_set_resolution (context, 72.0);
  return context;
}

guint
el_shift_report_get_n_pages (ElShiftReport *self, double width, double height)
{
  g_autoptr (Paginated) p = NULL;

  g_return_val_if_fail (EL_IS_SHIFT_REPORT (self), 0);
  g_return_val_if_fail (width > 0 && height > 0, 0);

  p = paginate (self, new_point_context (), width, height);
  return p->pages->len;
}

void
el_shift_report_render_page (ElShiftReport *self, cairo_t *cr, double width, double height, guint page_nr)
{
  g_autoptr (Paginated) p = NULL;

  g_return_if_fail (EL_IS_SHIFT_REPORT (self));
  g_return_if_fail (cr != NULL);
  g_return_if_fail (width > 0 && height > 0);

  p = paginate (self, new_point_context (), width, height);
  g_return_if_fail (page_nr < p->pages->len);
  draw_page (p, cr, page_nr);
}

/* ---- The print operation -------------------------------------------------------------------- */

typedef struct
{
  ElShiftReport *report;
  GtkPrintOperation *op;
  Paginated *paginated;
  GCancellable *cancellable;
  gulong cancelled_id;
  gboolean finished;
} RunData;

static void
run_data_free (RunData *data)
{
  if (data->cancelled_id != 0)
    g_cancellable_disconnect (data->cancellable, data->cancelled_id);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->report);
  g_clear_object (&data->op);
  g_clear_pointer (&data->paginated, paginated_free);
  g_free (data);
}

static void
begin_print_cb (GtkPrintOperation *op, GtkPrintContext *context, gpointer user_data)
{
  RunData *data = g_task_get_task_data (G_TASK (user_data));

  g_clear_pointer (&data->paginated, paginated_free);
  data->paginated = paginate (data->report, gtk_print_context_create_pango_context (context),
                              gtk_print_context_get_width (context), gtk_print_context_get_height (context));
  gtk_print_operation_set_n_pages (op, (int) data->paginated->pages->len);
}

static void
draw_page_cb (GtkPrintOperation *op, GtkPrintContext *context, int page_nr, gpointer user_data)
{
  RunData *data = g_task_get_task_data (G_TASK (user_data));

  if (data->paginated == NULL || page_nr < 0 || (guint) page_nr >= data->paginated->pages->len)
    return;
  draw_page (data->paginated, gtk_print_context_get_cairo_context (context), (guint) page_nr);
}

/* Completes the task once (GTK emits ::done once; run() may also report the result). */
static void
run_finish_with (GTask *task, GtkPrintOperationResult result, GError *error /* transfer full */)
{
  RunData *data = g_task_get_task_data (task);

  if (data->finished)
    {
      g_clear_error (&error);
      return;
    }
  data->finished = TRUE;
  g_signal_handlers_disconnect_by_data (data->op, task);

  switch (result)
    {
      case GTK_PRINT_OPERATION_RESULT_APPLY:
        g_clear_error (&error);
        g_task_return_boolean (task, TRUE);
        break;
      case GTK_PRINT_OPERATION_RESULT_CANCEL:
        g_clear_error (&error);
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "printing was cancelled");
        break;
      case GTK_PRINT_OPERATION_RESULT_ERROR:
      case GTK_PRINT_OPERATION_RESULT_IN_PROGRESS:
      default:
        if (error == NULL)
          error = g_error_new (GTK_PRINT_ERROR, GTK_PRINT_ERROR_GENERAL, "printing failed");
        g_debug ("shift report: printing failed: %s", error->message);
        g_task_return_error (task, error);
        break;
    }
  g_object_unref (task); /* the ref the operation's signals held */
}

static void
done_cb (GtkPrintOperation *op, GtkPrintOperationResult result, gpointer user_data)
{
  GError *error = NULL;

  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    gtk_print_operation_get_error (op, &error);
  run_finish_with (G_TASK (user_data), result, error);
}

static void
cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  gtk_print_operation_cancel (GTK_PRINT_OPERATION (user_data));
}

void
el_shift_report_run_async (ElShiftReport *self,
                           GtkWindow *parent,
                           GtkPrintOperationAction action,
                           const char *export_filename,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GtkPageSetup) page_setup = NULL;
  RunData *data;
  GtkPrintOperationResult result;
  GError *error = NULL;

  g_return_if_fail (EL_IS_SHIFT_REPORT (self));
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (action != GTK_PRINT_OPERATION_ACTION_EXPORT || export_filename != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_shift_report_run_async);
  if (g_task_return_error_if_cancelled (task))
    return;

  data = g_new0 (RunData, 1);
  data->report = g_object_ref (self);
  data->op = gtk_print_operation_new ();
  data->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);

  /* The job name shows in print queues: no patient names. */
  gtk_print_operation_set_job_name (data->op, _ ("Shift report"));
  gtk_print_operation_set_unit (data->op, GTK_UNIT_POINTS);
  gtk_print_operation_set_embed_page_setup (data->op, TRUE);
  gtk_print_operation_set_allow_async (data->op, TRUE);
  gtk_print_operation_set_show_progress (data->op, FALSE);
  page_setup = gtk_page_setup_new ();
  gtk_print_operation_set_default_page_setup (data->op, page_setup);
  if (action == GTK_PRINT_OPERATION_ACTION_EXPORT)
    gtk_print_operation_set_export_filename (data->op, export_filename);

  /* The signals hold a ref on the task until ::done (or run()'s result) completes it. */
  g_signal_connect (data->op, "begin-print", G_CALLBACK (begin_print_cb), task);
  g_signal_connect (data->op, "draw-page", G_CALLBACK (draw_page_cb), task);
  g_signal_connect (data->op, "done", G_CALLBACK (done_cb), task);
  g_object_ref (task);
  if (cancellable != NULL)
    data->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), data->op, NULL);

  result = gtk_print_operation_run (data->op, action, parent, &error);
  if (result != GTK_PRINT_OPERATION_RESULT_IN_PROGRESS)
    run_finish_with (task, result, error);
  else
    g_clear_error (&error);
}

gboolean
el_shift_report_run_finish (ElShiftReport *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- Load, then print ----------------------------------------------------------------------- */

static ElShiftPattern
settings_shift_pattern (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;
  g_autoptr (GSettings) settings = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "shift-pattern"))
    return EL_SHIFT_PATTERN_TWELVE_HOUR;
  settings = g_settings_new (APP_ID);
  return (ElShiftPattern) g_settings_get_enum (settings, "shift-pattern");
}

typedef struct
{
  GtkWindow *parent;
  GtkPrintOperationAction action;
  char *export_filename;
  ElShiftReport *report;
  GtkFileChooserNative *chooser;
  char *path;
} PrintData;

static void
print_data_free (PrintData *data)
{
  g_clear_object (&data->parent);
  g_free (data->export_filename);
  g_clear_object (&data->report);
  g_clear_object (&data->chooser);
  g_free (data->path);
  g_free (data);
}

static void
print_run_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (el_shift_report_run_finish (EL_SHIFT_REPORT (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
print_load_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PrintData *data = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (GtkWindow) parent = NULL;

  data->report = el_shift_report_load_finish (result, &error);
  if (data->report == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* The window is not kept alive by the result. */
  parent = g_steal_pointer (&data->parent);
  el_shift_report_run_async (data->report, parent, data->action, data->export_filename,
                             g_task_get_cancellable (task), print_run_cb, g_object_ref (task));
}

void
el_shift_report_print_async (ElContext *ctx,
                             GtkWindow *parent,
                             const char *unit_id,
                             const char *patient_id,
                             GtkPrintOperationAction action,
                             const char *export_filename,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
  GTask *task;
  PrintData *data;

  g_return_if_fail (EL_IS_CONTEXT (ctx));
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (unit_id != NULL);
  g_return_if_fail (action != GTK_PRINT_OPERATION_ACTION_EXPORT || export_filename != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_shift_report_print_async);
  data = g_new0 (PrintData, 1);
  data->parent = parent != NULL ? g_object_ref (parent) : NULL;
  data->action = action;
  data->export_filename = g_strdup (export_filename);
  g_task_set_task_data (task, data, (GDestroyNotify) print_data_free);

  el_shift_report_load_async (ctx, unit_id, patient_id, settings_shift_pattern (), cancellable, print_load_cb,
                              task);
}

gboolean
el_shift_report_print_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- Export PDF with a file chooser ------------------------------------------------------------- */

static void
export_run_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PrintData *data = g_task_get_task_data (task);
  GError *error = NULL;

  if (el_shift_report_run_finish (EL_SHIFT_REPORT (source), result, &error))
    g_task_return_pointer (task, g_strdup (data->path), g_free);
  else
    g_task_return_error (task, error);
}

static gboolean
unref_idle (gpointer object)
{
  g_object_unref (object);
  return G_SOURCE_REMOVE;
}

static void
chooser_response_cb (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  GTask *task = user_data; /* the ref the chooser held */
  PrintData *data = g_task_get_task_data (task);
  g_autoptr (GFile) file = NULL;
  g_autoptr (GtkWindow) parent = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  gtk_native_dialog_hide (dialog);
  /* Not released inside its own ::response. */
  g_signal_handlers_disconnect_by_func (dialog, chooser_response_cb, task);
  g_idle_add (unref_idle, g_steal_pointer (&data->chooser));
  if (file != NULL)
    data->path = g_file_get_path (file);
  if (data->path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "no file chosen");
      g_object_unref (task);
      return;
    }
  if (!g_str_has_suffix (data->path, ".pdf") && !g_str_has_suffix (data->path, ".PDF"))
    {
      char *with_suffix = g_strconcat (data->path, ".pdf", NULL);

      g_free (data->path);
      data->path = with_suffix;
    }
  /* The window is not kept alive by the result; @task may be gone when run_async() returns. */
  parent = g_steal_pointer (&data->parent);
  el_shift_report_run_async (data->report, parent, GTK_PRINT_OPERATION_ACTION_EXPORT, data->path,
                             g_task_get_cancellable (task), export_run_cb, task);
}

static void
export_load_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PrintData *data = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (GtkFileFilter) filter = NULL;
  g_autofree char *name = NULL;

  data->report = el_shift_report_load_finish (result, &error);
  if (data->report == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  data->chooser = gtk_file_chooser_native_new (_ ("Export PDF"), data->parent, GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _ ("_Export"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (data->chooser), TRUE);
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _ ("PDF documents"));
  gtk_file_filter_add_pattern (filter, "*.pdf");
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (data->chooser), filter);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (data->chooser), filter);
  name = el_shift_report_get_default_filename (data->report);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (data->chooser), name);
  g_signal_connect (data->chooser, "response", G_CALLBACK (chooser_response_cb), g_object_ref (task));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (data->chooser));
}

void
el_shift_report_export_pdf_dialog_async (ElContext *ctx,
                                         GtkWindow *parent,
                                         const char *unit_id,
                                         const char *patient_id,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data)
{
  GTask *task;
  PrintData *data;

  g_return_if_fail (EL_IS_CONTEXT (ctx));
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (unit_id != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_shift_report_export_pdf_dialog_async);
  data = g_new0 (PrintData, 1);
  data->parent = parent != NULL ? g_object_ref (parent) : NULL;
  data->action = GTK_PRINT_OPERATION_ACTION_EXPORT;
  g_task_set_task_data (task, data, (GDestroyNotify) print_data_free);

  el_shift_report_load_async (ctx, unit_id, patient_id, settings_shift_pattern (), cancellable,
                              export_load_cb, task);
}

char *
el_shift_report_export_pdf_dialog_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
export_dialog_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GtkWindow) parent = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = el_shift_report_export_pdf_dialog_finish (result, &error);
  GtkWidget *dialog;

  if (path != NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_debug ("shift report: export failed (%s %d)", g_quark_to_string (error->domain), error->code);
  dialog =
      adw_message_dialog_new (parent, _ ("Could Not Export the Shift Report"),
                              error->domain == GTK_PRINT_ERROR
                                  ? _ ("The PDF could not be written. Check that the folder exists and that "
                                       "you may save files in it.")
                                  : _ ("The report could not be read from this computer's cache."));
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

void
el_shift_report_export_pdf_dialog (ElContext *ctx,
                                   GtkWindow *parent,
                                   const char *unit_id,
                                   const char *patient_id)
{
  el_shift_report_export_pdf_dialog_async (ctx, parent, unit_id, patient_id, NULL, export_dialog_done_cb,
                                           parent != NULL ? g_object_ref (parent) : NULL);
}
