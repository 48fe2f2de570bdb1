/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "el-census-model.h"
#include "el-gui-labels.h"
#include "el-patient-pane.h"

#define RELOAD_DEBOUNCE_MS 150

struct _ElPatientPane
{
  GtkWidget parent_instance;

  ElContext *context;
  ElShiftPattern shift_pattern;
  char *patient_id;
  ElPatient *patient;
  GPtrArray *handoffs;       /* ElHandoff, newest first */
  GCancellable *cancellable; /* loads of the current patient; replaced when the patient changes */
  GCancellable *life;        /* everything else; cancelled in dispose */
  gulong outbox_changed_id;
  gulong cycle_finished_id;
  guint reload_source;
  gboolean creating;

  GtkStack *stack;
  AdwStatusPage *empty_page;
  GtkLabel *name_label;
  GtkLabel *details_label;
  GtkLabel *diagnosis_label;
  GtkWidget *code_badge;
  GtkWidget *allergy_badge;
  GtkWidget *isolation_badge;
  GtkWidget *fall_badge;
  GtkWidget *acuity_badge;
  GtkWidget *new_handoff_button;
  GtkListBox *current_list;
  GtkListBox *earlier_list;
};

G_DEFINE_FINAL_TYPE (ElPatientPane, el_patient_pane, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_CONTEXT,
  PROP_PATIENT_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_HANDOFF_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void reload (ElPatientPane *self);

/* ---- the header ---- */

static void
show_patient (ElPatientPane *self)
{
  ElPatient *p = self->patient;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (GString) details = g_string_new (NULL);
  g_autofree char *name = NULL;
  const char *family = el_patient_get_family_name (p);
  const char *given = el_patient_get_given_name (p);
  const char *bed = el_patient_get_bed (p);

  name = g_strdup_printf ("%s, %s", family != NULL ? family : "", given != NULL ? given : "");
  gtk_label_set_text (self->name_label, name);

  /* Translators: the medical record number in the patient header */
  g_string_append_printf (details, _ ("MRN %s"),
                          el_patient_get_mrn (p) != NULL ? el_patient_get_mrn (p) : "");
  if (el_patient_get_date_of_birth (p) != NULL)
    {
      int age = el_patient_get_age (p, now);

      g_string_append (details, " · ");
      /* Translators: age and sex in the patient header, e.g. "72 years, Female" */
      g_string_append_printf (details,
                              g_dngettext (GETTEXT_PACKAGE, "%d year, %s", "%d years, %s", (gulong) age), age,
                              el_gui_sex_label (el_patient_get_sex (p)));
    }
  g_string_append (details, " · ");
  if (bed != NULL && *bed != '\0')
    /* Translators: room and bed in the patient header */
    g_string_append_printf (details, _ ("Room %s, bed %s"), el_patient_get_room (p), bed);
  else
    g_string_append_printf (details, _ ("Room %s"),
                            el_patient_get_room (p) != NULL ? el_patient_get_room (p) : "");
  gtk_label_set_text (self->details_label, details->str);

  gtk_label_set_text (self->diagnosis_label,
                      el_patient_get_diagnosis (p) != NULL ? el_patient_get_diagnosis (p) : "");
  gtk_widget_set_visible (GTK_WIDGET (self->diagnosis_label), el_patient_get_diagnosis (p) != NULL);

  if (el_patient_has_code_status (p))
    {
      ElCodeStatus code = el_patient_get_code_status (p);
      g_autofree char *desc = g_strdup_printf (_ ("Code status: %s"), el_gui_code_status_label (code));

      el_gui_badge_set (self->code_badge, el_gui_code_status_label (code),
                        code == EL_CODE_STATUS_FULL_CODE ? NULL : "warning", desc);
    }
  else
    el_gui_badge_set (self->code_badge, NULL, NULL, NULL);

  {
    const char *const *allergies = el_patient_get_allergies (p);

    if (allergies != NULL && allergies[0] != NULL)
      {
        g_autofree char *list = g_strjoinv (", ", (char **) allergies);
        /* Translators: the allergies in the patient header, e.g. "Allergies: penicillin, latex" */
        g_autofree char *text = g_strdup_printf (_ ("Allergies: %s"), list);

        el_gui_badge_set (self->allergy_badge, text, "error", text);
      }
    else if (el_patient_get_no_known_allergies (p))
      el_gui_badge_set (self->allergy_badge, C_ ("allergies", "NKDA"), NULL, _ ("No known drug allergies"));
    else
      el_gui_badge_set (self->allergy_badge, _ ("Allergies unknown"), "warning",
                        _ ("Allergies not recorded"));
  }

  if (el_patient_has_isolation (p) && el_patient_get_isolation (p) != EL_ISOLATION_NONE)
    {
      const char *label = el_gui_isolation_label (el_patient_get_isolation (p));
      g_autofree char *desc = g_strdup_printf (_ ("Isolation: %s"), label);

      el_gui_badge_set (self->isolation_badge, desc, "warning", desc);
    }
  else
    el_gui_badge_set (self->isolation_badge, NULL, NULL, NULL);

  if (el_patient_has_fall_risk (p))
    {
      const char *label = el_gui_fall_risk_label (el_patient_get_fall_risk (p));

      el_gui_badge_set (self->fall_badge, label,
                        el_patient_get_fall_risk (p) == EL_FALL_RISK_HIGH ? "warning" : NULL, label);
    }
  else
    el_gui_badge_set (self->fall_badge, NULL, NULL, NULL);

  if (el_patient_get_acuity (p) > 0)
    {
      g_autofree char *label = g_strdup_printf (_ ("Acuity %d"), el_patient_get_acuity (p));
      g_autofree char *desc = g_strdup_printf (_ ("Acuity %d of 5"), el_patient_get_acuity (p));

      el_gui_badge_set (self->acuity_badge, label, el_patient_get_acuity (p) >= 4 ? "warning" : NULL, desc);
    }
  else
    el_gui_badge_set (self->acuity_badge, NULL, NULL, NULL);
}

/* ---- the handoff lists ---- */

static void
clear_list (GtkListBox *list)
{
  GtkListBoxRow *row;

  while ((row = gtk_list_box_get_row_at_index (list, 0)) != NULL)
    gtk_list_box_remove (list, GTK_WIDGET (row));
}

static gboolean
is_current_shift (ElHandoff *handoff, const GDate *today, ElShift shift)
{
  const GDate *date = el_handoff_get_shift_date (handoff);

  return date != NULL && g_date_valid (date) && g_date_compare (date, today) == 0 &&
         el_handoff_get_shift (handoff) == shift;
}

static char *
handoff_subtitle (ElHandoff *handoff, double completeness)
{
  g_autoptr (GString) s = g_string_new (el_gui_handoff_status_label (el_handoff_get_status (handoff)));
  int version = el_handoff_get_latest_version (handoff);

  g_string_append (s, " · ");
  if (version > 0)
    /* Translators: the latest SBAR version of a handoff, in its row */
    g_string_append_printf (s, _ ("version %d"), version);
  else
    g_string_append (s, _ ("no SBAR yet"));
  if (completeness >= 0)
    {
      g_string_append (s, " · ");
      /* Translators: how complete the latest SBAR version is, e.g. "80% complete" */
      g_string_append_printf (s, _ ("%.0f%% complete"), completeness);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
row_activated_cb (AdwActionRow *row, gpointer user_data)
{
  ElPatientPane *self = EL_PATIENT_PANE (user_data);
  const char *id = g_object_get_data (G_OBJECT (row), "el-handoff-id");

  if (id != NULL)
    g_signal_emit (self, signals[SIGNAL_HANDOFF_ACTIVATED], 0, id);
}

typedef struct
{
  GWeakRef row;
  ElHandoff *handoff;
} SbarLookup;

static void
sbar_lookup_free (SbarLookup *lookup)
{
  g_weak_ref_clear (&lookup->row);
  g_clear_object (&lookup->handoff);
  g_free (lookup);
}

static void
sbar_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SbarLookup *lookup = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElStoreSbar) sbar = el_store_get_sbar_finish (EL_STORE (source), result, &error);
  g_autoptr (GtkWidget) row = g_weak_ref_get (&lookup->row);

  if (sbar != NULL && row != NULL)
    {
      JsonNode *completeness = el_sbar_version_get_completeness_json (sbar->version);
      double score = -1;

      if (completeness != NULL && JSON_NODE_HOLDS_OBJECT (completeness) &&
          json_object_has_member (json_node_get_object (completeness), "score"))
        score = json_object_get_double_member (json_node_get_object (completeness), "score");
      if (score >= 0)
        {
          g_autofree char *subtitle = handoff_subtitle (lookup->handoff, score);

          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
        }
    }
  sbar_lookup_free (lookup);
}

static GtkWidget *
handoff_row_new (ElPatientPane *self, ElHandoff *handoff)
{
  GtkWidget *row = adw_action_row_new ();
  const GDate *date = el_handoff_get_shift_date (handoff);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = handoff_subtitle (handoff, -1);
  GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");

  if (date != NULL && g_date_valid (date))
    {
      char day[64];

      /* Translators: a strftime() format of the shift date in the handoff list, e.g. "1 May 2024" */
      g_date_strftime (day, sizeof day, _ ("%-d %b %Y"), date);
      /* Translators: the title of a handoff row: shift and date, e.g. "Day shift, 1 May 2024" */
      title = g_strdup_printf (_ ("%s shift, %s"), el_gui_shift_label (el_handoff_get_shift (handoff)), day);
    }
  else
    title = g_strdup_printf (_ ("%s shift"), el_gui_shift_label (el_handoff_get_shift (handoff)));

  gtk_widget_set_name (row, "handoff-row");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (arrow), GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Open"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);
  g_object_set_data_full (G_OBJECT (row), "el-handoff-id", g_strdup (el_handoff_get_id (handoff)), g_free);
  g_signal_connect_object (row, "activated", G_CALLBACK (row_activated_cb), self, 0);

  if (el_handoff_get_latest_version (handoff) > 0 && el_context_get_store (self->context) != NULL)
    {
      SbarLookup *lookup = g_new0 (SbarLookup, 1);

      g_weak_ref_init (&lookup->row, row);
      lookup->handoff = g_object_ref (handoff);
      el_store_get_sbar_async (el_context_get_store (self->context), el_handoff_get_id (handoff), 0,
                               self->cancellable, sbar_loaded_cb, lookup);
    }
  return row;
}

static void
show_handoffs (ElPatientPane *self)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  GDate today;
  ElShift shift = el_census_shift_at (now, self->shift_pattern, &today);

  clear_list (self->current_list);
  clear_list (self->earlier_list);
  for (guint i = 0; i < self->handoffs->len; i++)
    {
      ElHandoff *handoff = g_ptr_array_index (self->handoffs, i);

      gtk_list_box_append (is_current_shift (handoff, &today, shift) ? self->current_list
                                                                     : self->earlier_list,
                           handoff_row_new (self, handoff));
    }
}

/* ---- loading ---- */

static void
handoffs_listed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElPatientPane *self;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) handoffs = el_store_list_handoffs_finish (EL_STORE (source), result, &error);

  if (handoffs == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("patient pane: handoffs not listed: %s #%d", g_quark_to_string (error->domain), error->code);
      return;
    }
  self = EL_PATIENT_PANE (user_data);
  g_ptr_array_unref (self->handoffs);
  self->handoffs = g_steal_pointer (&handoffs);
  show_handoffs (self);
}

static void
patient_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElPatientPane *self;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElPatient) patient = el_store_get_patient_finish (EL_STORE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = EL_PATIENT_PANE (user_data);
  if (patient == NULL)
    {
      g_debug ("patient pane: patient not loaded: %s #%d", g_quark_to_string (error->domain), error->code);
      g_clear_object (&self->patient);
      adw_status_page_set_title (self->empty_page, _ ("Patient Not Available"));
      adw_status_page_set_description (self->empty_page, _ ("This patient is no longer on the census."));
      gtk_stack_set_visible_child_name (self->stack, "empty");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "patient.new-handoff", FALSE);
      return;
    }
  g_set_object (&self->patient, patient);
  show_patient (self);
  gtk_stack_set_visible_child_name (self->stack, "patient");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "patient.new-handoff", !self->creating);
}

static void
reload (ElPatientPane *self)
{
  ElStore *store = el_context_get_store (self->context);

  g_clear_handle_id (&self->reload_source, g_source_remove);
  if (store == NULL || self->patient_id == NULL)
    return;
  el_store_get_patient_async (store, self->patient_id, self->cancellable, patient_loaded_cb, self);
  el_store_list_handoffs_async (store, self->patient_id, self->cancellable, handoffs_listed_cb, self);
}

static gboolean
reload_timeout_cb (gpointer user_data)
{
  ElPatientPane *self = EL_PATIENT_PANE (user_data);

  self->reload_source = 0;
  reload (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_reload (ElPatientPane *self)
{
  if (self->reload_source != 0 || self->patient_id == NULL)
    return;
  self->reload_source = g_timeout_add (RELOAD_DEBOUNCE_MS, reload_timeout_cb, self);
  g_source_set_name_by_id (self->reload_source, "[el] patient pane reload");
}

static void
store_outbox_changed_cb (ElStore *store, gpointer user_data)
{
  (void) store;
  schedule_reload (EL_PATIENT_PANE (user_data));
}

static void
sync_cycle_finished_cb (ElSync *sync, gpointer stats_ptr, gpointer error_ptr, gpointer user_data)
{
  const ElSyncStats *stats = stats_ptr;

  (void) sync;
  (void) error_ptr;
  if (stats != NULL && (stats->applied > 0 || stats->pushed > 0))
    schedule_reload (EL_PATIENT_PANE (user_data));
}

/* ---- New Handoff ---- */

typedef struct
{
  ElPatientPane *self; /* not a reference: the call is cancelled in dispose */
  char *handoff_id;
} CreateData;

static void
handoff_created_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CreateData *data = user_data;
  ElPatientPane *self = data->self;
  g_autofree char *handoff_id = data->handoff_id;
  g_autoptr (GError) error = NULL;
  g_autofree char *op_id = el_store_create_handoff_finish (EL_STORE (source), result, &error);

  g_free (data);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->creating = FALSE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "patient.new-handoff", self->patient != NULL);
  if (op_id == NULL)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

      g_debug ("patient pane: handoff not created: %s #%d", g_quark_to_string (error->domain), error->code);
      if (GTK_IS_WINDOW (root))
        {
          GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (root), _ ("Handoff Not Created"),
                                                      _ ("The handoff could not be saved on this computer."));

          adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
          gtk_window_present (GTK_WINDOW (dialog));
        }
      return;
    }
  reload (self);
  g_signal_emit (self, signals[SIGNAL_HANDOFF_ACTIVATED], 0, handoff_id);
}

/* A draft handoff of the current shift for the shown patient (the nurse going off shift). */
static ElHandoff *
new_current_handoff (ElPatientPane *self, ElUser *user)
{
  ElHandoff *handoff;
  g_autoptr (GDateTime) now_local = g_date_time_new_now_local ();
  g_autoptr (GDateTime) now_utc = g_date_time_to_utc (now_local);
  g_autofree char *id = g_uuid_string_random ();
  GDate date;
  ElShift shift;

  shift = el_census_shift_at (now_local, self->shift_pattern, &date);
  handoff = el_handoff_new ();
  el_handoff_set_id (handoff, id);
  el_handoff_set_patient_id (handoff, el_patient_get_id (self->patient));
  el_handoff_set_unit_id (handoff, el_patient_get_unit_id (self->patient));
  el_handoff_set_status (handoff, EL_HANDOFF_STATUS_DRAFT);
  el_handoff_set_shift_date (handoff, &date);
  el_handoff_set_shift (handoff, shift);
  el_handoff_set_outgoing_nurse_id (handoff, el_user_get_id (user));
  el_handoff_set_created_by (handoff, el_user_get_id (user));
  el_handoff_set_created_at (handoff, now_utc);
  el_handoff_set_updated_at (handoff, now_utc);
  return handoff;
}

static void
new_handoff_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  ElPatientPane *self = EL_PATIENT_PANE (widget);
  ElStore *store = el_context_get_store (self->context);
  ElUser *user = el_context_get_user (self->context);
  g_autoptr (ElHandoff) handoff = NULL;
  CreateData *data;

  (void) action_name;
  (void) parameter;
  if (store == NULL || user == NULL || self->patient == NULL || self->creating)
    return;

  handoff = new_current_handoff (self, user);
  self->creating = TRUE;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "patient.new-handoff", FALSE);
  data = g_new0 (CreateData, 1);
  data->self = self;
  data->handoff_id = g_strdup (el_handoff_get_id (handoff));
  el_store_create_handoff_async (store, handoff, self->life, handoff_created_cb, data);
}

/* ---- this shift's handoff, for Record ---- */

static void
ensure_created_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  g_autofree char *op_id = el_store_create_handoff_finish (EL_STORE (source), result, &error);
  ElPatientPane *self = g_task_get_source_object (task);

  if (op_id == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  reload (self);
  g_task_return_pointer (task, g_strdup (g_task_get_task_data (task)), g_free);
}

static void
ensure_listed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ElPatientPane *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr (GPtrArray) handoffs = el_store_list_handoffs_finish (EL_STORE (source), result, &error);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autoptr (ElHandoff) handoff = NULL;
  ElUser *user = el_context_get_user (self->context);
  GDate today;
  ElShift shift = el_census_shift_at (now, self->shift_pattern, &today);
  GCancellable *cancellable;

  if (handoffs == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* newest first: a handoff of this shift with no report yet (a draft waiting for its recording);
   * a recording never goes onto a report somebody already wrote (the server drafts only version 1,
   * so a nurse's words are never topped by a draft): that is a new verbal handoff, a new handoff */
  for (guint i = 0; i < handoffs->len; i++)
    {
      ElHandoff *h = g_ptr_array_index (handoffs, i);
      ElHandoffStatus status = el_handoff_get_status (h);

      if (is_current_shift (h, &today, shift) && el_handoff_get_latest_version (h) == 0 &&
          (status == EL_HANDOFF_STATUS_DRAFT || status == EL_HANDOFF_STATUS_FAILED))
        {
          g_task_return_pointer (task, g_strdup (el_handoff_get_id (h)), g_free);
          return;
        }
    }
  if (user == NULL || self->patient == NULL ||
      g_strcmp0 (el_patient_get_id (self->patient), g_task_get_task_data (task)) != 0)
    {
      g_task_return_new_error (task, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_NOT_OPEN,
                               "no patient shown or nobody signed in");
      return;
    }
  handoff = new_current_handoff (self, user);
  g_task_set_task_data (task, g_strdup (el_handoff_get_id (handoff)), g_free);
  /* (the cancellable first: arguments are evaluated in no set order, and the task is stolen) */
  cancellable = g_task_get_cancellable (task);
  el_store_create_handoff_async (EL_STORE (source), handoff, cancellable, ensure_created_cb,
                                 g_steal_pointer (&task));
}

void
el_patient_pane_ensure_current_handoff_async (ElPatientPane *self,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer user_data)
{
  GTask *task;
  ElStore *store;

  g_return_if_fail (EL_IS_PATIENT_PANE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_patient_pane_ensure_current_handoff_async);
  store = el_context_get_store (self->context);
  if (store == NULL || self->patient == NULL)
    {
      g_task_return_new_error (task, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_NOT_OPEN,
                               "no patient shown or no cache open");
      g_object_unref (task);
      return;
    }
  g_task_set_task_data (task, g_strdup (el_patient_get_id (self->patient)), g_free);
  el_store_list_handoffs_async (store, el_patient_get_id (self->patient), cancellable, ensure_listed_cb,
                                task);
}

char *
el_patient_pane_ensure_current_handoff_finish (ElPatientPane *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (
      g_task_get_source_tag (G_TASK (result)) == el_patient_pane_ensure_current_handoff_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- public ---- */

void
el_patient_pane_set_shift_pattern (ElPatientPane *self, ElShiftPattern pattern)
{
  g_return_if_fail (EL_IS_PATIENT_PANE (self));

  if (self->shift_pattern == pattern)
    return;
  self->shift_pattern = pattern;
  if (self->handoffs != NULL)
    show_handoffs (self);
}

void
el_patient_pane_set_patient_id (ElPatientPane *self, const char *patient_id)
{
  g_return_if_fail (EL_IS_PATIENT_PANE (self));

  if (g_strcmp0 (self->patient_id, patient_id) == 0)
    return;
  g_free (self->patient_id);
  self->patient_id = g_strdup (patient_id);

  /* what was loading for the previous patient must not land on this one */
  g_cancellable_cancel (self->cancellable);
  g_object_unref (self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_object (&self->patient);
  g_ptr_array_set_size (self->handoffs, 0);
  clear_list (self->current_list);
  clear_list (self->earlier_list);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "patient.new-handoff", FALSE);
  adw_status_page_set_title (self->empty_page, _ ("No Patient Selected"));
  adw_status_page_set_description (self->empty_page, _ ("Choose a patient from the census."));
  gtk_stack_set_visible_child_name (self->stack, "empty");

  reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATIENT_ID]);
}

const char *
el_patient_pane_get_patient_id (ElPatientPane *self)
{
  g_return_val_if_fail (EL_IS_PATIENT_PANE (self), NULL);
  return self->patient_id;
}

GPtrArray *
el_patient_pane_get_handoffs (ElPatientPane *self)
{
  g_return_val_if_fail (EL_IS_PATIENT_PANE (self), NULL);
  return self->handoffs;
}

GtkWidget *
el_patient_pane_new (ElContext *ctx)
{
  g_return_val_if_fail (EL_IS_CONTEXT (ctx), NULL);

  return g_object_new (EL_TYPE_PATIENT_PANE, "context", ctx, NULL);
}

/* ---- GObject ---- */

static void
el_patient_pane_constructed (GObject *object)
{
  ElPatientPane *self = EL_PATIENT_PANE (object);
  ElStore *store;
  ElSync *sync;

  G_OBJECT_CLASS (el_patient_pane_parent_class)->constructed (object);

  g_return_if_fail (self->context != NULL);
  store = el_context_get_store (self->context);
  sync = el_context_get_sync (self->context);
  if (store != NULL)
    self->outbox_changed_id =
        g_signal_connect (store, "outbox-changed", G_CALLBACK (store_outbox_changed_cb), self);
  if (sync != NULL)
    self->cycle_finished_id =
        g_signal_connect (sync, "cycle-finished", G_CALLBACK (sync_cycle_finished_cb), self);
}

static void
el_patient_pane_dispose (GObject *object)
{
  ElPatientPane *self = EL_PATIENT_PANE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->life);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  if (self->context != NULL)
    {
      ElStore *store = el_context_get_store (self->context);
      ElSync *sync = el_context_get_sync (self->context);

      if (store != NULL && self->outbox_changed_id != 0)
        g_clear_signal_handler (&self->outbox_changed_id, store);
      if (sync != NULL && self->cycle_finished_id != 0)
        g_clear_signal_handler (&self->cycle_finished_id, sync);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), EL_TYPE_PATIENT_PANE);
  {
    GtkWidget *child;

    /* template children that are not bound to a field are not unparented by dispose_template */
    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
      gtk_widget_unparent (child);
  }
  g_clear_object (&self->patient);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (el_patient_pane_parent_class)->dispose (object);
}

static void
el_patient_pane_finalize (GObject *object)
{
  ElPatientPane *self = EL_PATIENT_PANE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->life);
  g_ptr_array_unref (self->handoffs);
  g_free (self->patient_id);

  G_OBJECT_CLASS (el_patient_pane_parent_class)->finalize (object);
}

static void
el_patient_pane_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElPatientPane *self = EL_PATIENT_PANE (object);

  switch (prop_id)
    {
      case PROP_CONTEXT:
        g_value_set_object (value, self->context);
        break;
      case PROP_PATIENT_ID:
        g_value_set_string (value, self->patient_id);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_patient_pane_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElPatientPane *self = EL_PATIENT_PANE (object);

  switch (prop_id)
    {
      case PROP_CONTEXT:
        self->context = g_value_dup_object (value);
        break;
      case PROP_PATIENT_ID:
        el_patient_pane_set_patient_id (self, g_value_get_string (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_patient_pane_class_init (ElPatientPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = el_patient_pane_constructed;
  object_class->dispose = el_patient_pane_dispose;
  object_class->finalize = el_patient_pane_finalize;
  object_class->get_property = el_patient_pane_get_property;
  object_class->set_property = el_patient_pane_set_property;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, EL_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PATIENT_ID] = g_param_spec_string (
      "patient-id", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_HANDOFF_ACTIVATED] =
      g_signal_new ("handoff-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/eclipselink/Handoff/el-patient-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, ElPatientPane, stack);
  gtk_widget_class_bind_template_child (widget_class, ElPatientPane, empty_page);
  gtk_widget_class_bind_template_child (widget_class, ElPatientPane, name_label);
  gtk_widget_class_bind_template_child (widget_class, ElPatientPane, details_label);
  gtk_widget_class_bind_template_child (widget_class, ElPatientPane, diagnosis_label);
  gtk_widget_class_bind_template_child (widget_class, ElPatientPane, code_badge);
  gtk_widget_class_bind_template_child (widget_class, ElPatientPane, allergy_badge);
  gtk_widget_class_bind_template_child (widget_class, ElPatientPane, isolation_badge);
  gtk_widget_class_bind_template_child (widget_class, ElPatientPane, fall_badge);
  gtk_widget_class_bind_template_child (widget_class, ElPatientPane, acuity_badge);
  gtk_widget_class_bind_template_child (widget_class, ElPatientPane, new_handoff_button);
  gtk_widget_class_bind_template_child (widget_class, ElPatientPane, current_list);
  gtk_widget_class_bind_template_child (widget_class, ElPatientPane, earlier_list);

  gtk_widget_class_install_action (widget_class, "patient.new-handoff", NULL, new_handoff_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "patient.new-handoff", NULL);
}

/* What an empty handoff list says (its GtkListBox placeholder). */
static void
set_empty_text (GtkListBox *list, const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  gtk_list_box_set_placeholder (list, label);
}

static void
el_patient_pane_init (ElPatientPane *self)
{

  self->handoffs = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
  self->life = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "patient.new-handoff", FALSE);

  set_empty_text (self->current_list, _ ("No handoff for this shift yet"));
  set_empty_text (self->earlier_list, _ ("No earlier handoffs"));
}
