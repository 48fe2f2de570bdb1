/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "el-census-row.h"
#include "el-gui-labels.h"

struct _ElCensusRow
{
  GtkWidget parent_instance;

  ElCensusItem *item;

  GtkLabel *room_label;
  GtkLabel *name_label;
  GtkLabel *age_sex_label;
  GtkWidget *badges;
  GtkWidget *status_badge;
  GtkWidget *code_badge;
  GtkWidget *allergy_badge;
  GtkWidget *isolation_badge;
  GtkWidget *acuity_badge;
  GtkWidget *unsynced_badge;
};

G_DEFINE_FINAL_TYPE (ElCensusRow, el_census_row, GTK_TYPE_WIDGET)

static void
el_census_row_dispose (GObject *object)
{
  ElCensusRow *self = EL_CENSUS_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), EL_TYPE_CENSUS_ROW);
  {
    GtkWidget *child;

    /* template children that are not bound to a field are not unparented by dispose_template */
    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
      gtk_widget_unparent (child);
  }
  g_clear_object (&self->item);

  G_OBJECT_CLASS (el_census_row_parent_class)->dispose (object);
}

static void
el_census_row_class_init (ElCensusRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = el_census_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/ai/eclipselink/Handoff/el-census-row.ui");
  gtk_widget_class_bind_template_child (widget_class, ElCensusRow, room_label);
  gtk_widget_class_bind_template_child (widget_class, ElCensusRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, ElCensusRow, age_sex_label);
  gtk_widget_class_bind_template_child (widget_class, ElCensusRow, badges);
  gtk_widget_class_bind_template_child (widget_class, ElCensusRow, status_badge);
  gtk_widget_class_bind_template_child (widget_class, ElCensusRow, code_badge);
  gtk_widget_class_bind_template_child (widget_class, ElCensusRow, allergy_badge);
  gtk_widget_class_bind_template_child (widget_class, ElCensusRow, isolation_badge);
  gtk_widget_class_bind_template_child (widget_class, ElCensusRow, acuity_badge);
  gtk_widget_class_bind_template_child (widget_class, ElCensusRow, unsynced_badge);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
el_census_row_init (ElCensusRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
el_census_row_new (void)
{
  return g_object_new (EL_TYPE_CENSUS_ROW, NULL);
}

ElCensusItem *
el_census_row_get_item (ElCensusRow *self)
{
  g_return_val_if_fail (EL_IS_CENSUS_ROW (self), NULL);
  return self->item;
}

/* The badge of the latest handoff's status: the words, and a style class that repeats them. */
static const char *
status_class (gboolean has_handoff, ElHandoffStatus status)
{
  if (!has_handoff)
    return "dim-label";
  switch (status)
    {
      case EL_HANDOFF_STATUS_SIGNED:
        return "accent";
      case EL_HANDOFF_STATUS_ACKNOWLEDGED:
        return "success";
      case EL_HANDOFF_STATUS_FAILED:
        return "error";
      case EL_HANDOFF_STATUS_CANCELLED:
        return "dim-label";
      case EL_HANDOFF_STATUS_DRAFT:
      case EL_HANDOFF_STATUS_PROCESSING:
      case EL_HANDOFF_STATUS_READY:
      default:
        return NULL;
    }
}

void
el_census_row_set_item (ElCensusRow *self, ElCensusItem *item, GDateTime *now)
{
  g_autoptr (GDateTime) local_now = NULL;
  g_autoptr (GString) spoken = NULL;
  g_autofree char *age_sex = NULL;
  g_autofree char *age_sex_spoken = NULL;
  ElPatient *patient;
  ElHandoffStatus status = EL_HANDOFF_STATUS_DRAFT;
  gboolean has_handoff;
  const char *text;
  g_autofree char *a11y = NULL;
  int age;

  g_return_if_fail (EL_IS_CENSUS_ROW (self));
  g_return_if_fail (item == NULL || EL_IS_CENSUS_ITEM (item));

  g_set_object (&self->item, item);
  if (item == NULL)
    {
      gtk_label_set_text (self->room_label, "");
      gtk_label_set_text (self->name_label, "");
      gtk_label_set_text (self->age_sex_label, "");
      gtk_widget_set_visible (self->badges, FALSE);
      return;
    }
  gtk_widget_set_visible (self->badges, TRUE);

  if (now == NULL)
    now = local_now = g_date_time_new_now_local ();
  patient = el_census_item_get_patient (item);
  spoken = g_string_new (NULL);

  gtk_label_set_text (self->room_label, el_census_item_get_room_bed (item));
  gtk_label_set_text (self->name_label, el_census_item_get_display_name (item));
  /* Translators: the room and bed of a census row, read by a screen reader */
  g_string_append_printf (spoken, _ ("Room %s"), el_census_item_get_room_bed (item));
  g_string_append_printf (spoken, ", %s", el_census_item_get_display_name (item));

  age = el_patient_get_date_of_birth (patient) != NULL ? el_patient_get_age (patient, now) : -1;
  if (age >= 0)
    {
      /* Translators: age in years and sex abbreviation in the census, e.g. "72 F" */
      age_sex = g_strdup_printf (C_ ("census age sex", "%d %s"), age,
                                 el_gui_sex_short (el_patient_get_sex (patient)));
      /* Translators: read by a screen reader, e.g. "72 years, Female" */
      age_sex_spoken =
          g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d year, %s", "%d years, %s", (gulong) age), age,
                           el_gui_sex_label (el_patient_get_sex (patient)));
    }
  else
    {
      age_sex = g_strdup (el_gui_sex_short (el_patient_get_sex (patient)));
      age_sex_spoken = g_strdup (el_gui_sex_label (el_patient_get_sex (patient)));
    }
  gtk_label_set_text (self->age_sex_label, age_sex);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->age_sex_label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  age_sex_spoken, -1);
  g_string_append_printf (spoken, ", %s", age_sex_spoken);

  /* handoff status */
  has_handoff = el_census_item_get_handoff_status (item, &status);
  text = has_handoff ? el_gui_handoff_status_label (status) : _ ("No handoff");
  {
    /* Translators: accessible text of the census handoff status badge */
    g_autofree char *desc = g_strdup_printf (_ ("Handoff: %s"), text);

    el_gui_badge_set (self->status_badge, text, status_class (has_handoff, status), desc);
    g_string_append_printf (spoken, ", %s", desc);
  }

  /* code status */
  if (el_patient_has_code_status (patient))
    {
      ElCodeStatus code = el_patient_get_code_status (patient);
      const char *label = el_gui_code_status_label (code);
      /* Translators: accessible text of the code status badge, e.g. "Code status: DNR" */
      g_autofree char *desc = g_strdup_printf (_ ("Code status: %s"), label);

      el_gui_badge_set (self->code_badge, label, code == EL_CODE_STATUS_FULL_CODE ? NULL : "warning", desc);
      g_string_append_printf (spoken, ", %s", desc);
    }
  else
    el_gui_badge_set (self->code_badge, NULL, NULL, NULL);

  /* allergies */
  {
    const char *const *allergies = el_patient_get_allergies (patient);
    guint n = allergies != NULL ? g_strv_length ((char **) allergies) : 0;
    g_autofree char *label = NULL;
    g_autofree char *desc = NULL;
    const char *css = NULL;

    if (n > 0)
      {
        /* Translators: the allergy badge of a census row: how many allergies the patient has */
        label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u allergy", "%u allergies", n), n);
        /* Translators: accessible text of the allergy badge */
        desc =
            g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u known allergy", "%u known allergies", n), n);
        css = "error";
      }
    else if (el_patient_get_no_known_allergies (patient))
      {
        /* Translators: "no known drug allergies", as charted */
        label = g_strdup (C_ ("allergies", "NKDA"));
        desc = g_strdup (_ ("No known drug allergies"));
      }
    else
      {
        label = g_strdup (_ ("Allergies unknown"));
        desc = g_strdup (_ ("Allergies not recorded"));
        css = "warning";
      }
    el_gui_badge_set (self->allergy_badge, label, css, desc);
    g_string_append_printf (spoken, ", %s", desc);
  }

  /* isolation */
  if (el_patient_has_isolation (patient) && el_patient_get_isolation (patient) != EL_ISOLATION_NONE)
    {
      const char *label = el_gui_isolation_label (el_patient_get_isolation (patient));
      /* Translators: accessible text of the isolation badge, e.g. "Isolation: Contact" */
      g_autofree char *desc = g_strdup_printf (_ ("Isolation: %s"), label);

      el_gui_badge_set (self->isolation_badge, label, "warning", desc);
      g_string_append_printf (spoken, ", %s", desc);
    }
  else
    el_gui_badge_set (self->isolation_badge, NULL, NULL, NULL);

  /* acuity */
  if (el_patient_get_acuity (patient) > 0)
    {
      int acuity = el_patient_get_acuity (patient);
      /* Translators: the acuity badge of a census row (1 to 5) */
      g_autofree char *label = g_strdup_printf (_ ("Acuity %d"), acuity);
      /* Translators: accessible text of the acuity badge */
      g_autofree char *desc = g_strdup_printf (_ ("Acuity %d of 5"), acuity);

      el_gui_badge_set (self->acuity_badge, label, acuity >= 4 ? "warning" : NULL, desc);
      g_string_append_printf (spoken, ", %s", desc);
    }
  else
    el_gui_badge_set (self->acuity_badge, NULL, NULL, NULL);

  /* local changes not yet on the server */
  if (el_census_item_get_has_pending_ops (item))
    {
      el_gui_badge_set (self->unsynced_badge, _ ("Not synced"), "dim-label",
                        _ ("Changes not yet sent to the server"));
      g_string_append_printf (spoken, ", %s", _ ("Changes not yet sent to the server"));
    }
  else
    el_gui_badge_set (self->unsynced_badge, NULL, NULL, NULL);

  a11y = g_string_free (g_steal_pointer (&spoken), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, a11y, -1);
}
