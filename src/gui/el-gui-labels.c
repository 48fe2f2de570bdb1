/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "el-gui-labels.h"

const char *
el_gui_code_status_label (ElCodeStatus value)
{
  switch (value)
    {
      case EL_CODE_STATUS_FULL_CODE:
        return _ ("Full code");
      case EL_CODE_STATUS_DNR:
        return C_ ("code status", "DNR");
      case EL_CODE_STATUS_DNR_DNI:
        return C_ ("code status", "DNR/DNI");
      case EL_CODE_STATUS_DNI:
        return C_ ("code status", "DNI");
      case EL_CODE_STATUS_COMFORT_CARE:
        return _ ("Comfort care");
      default:
        return _ ("Unknown");
    }
}

const char *
el_gui_isolation_label (ElIsolation value)
{
  switch (value)
    {
      case EL_ISOLATION_NONE:
        return C_ ("isolation", "None");
      case EL_ISOLATION_CONTACT:
        return _ ("Contact");
      case EL_ISOLATION_CONTACT_PLUS:
        return _ ("Contact plus");
      case EL_ISOLATION_DROPLET:
        return _ ("Droplet");
      case EL_ISOLATION_AIRBORNE:
        return _ ("Airborne");
      case EL_ISOLATION_NEUTROPENIC:
        return _ ("Neutropenic");
      default:
        return _ ("Unknown");
    }
}

const char *
el_gui_fall_risk_label (ElFallRisk value)
{
  switch (value)
    {
      case EL_FALL_RISK_LOW:
        return _ ("Low fall risk");
      case EL_FALL_RISK_MODERATE:
        return _ ("Moderate fall risk");
      case EL_FALL_RISK_HIGH:
        return _ ("High fall risk");
      default:
        return _ ("Unknown");
    }
}

const char *
el_gui_handoff_status_label (ElHandoffStatus value)
{
  switch (value)
    {
      case EL_HANDOFF_STATUS_DRAFT:
        return C_ ("handoff status", "Draft");
      case EL_HANDOFF_STATUS_PROCESSING:
        return C_ ("handoff status", "Processing");
      case EL_HANDOFF_STATUS_READY:
        return C_ ("handoff status", "Ready to sign");
      case EL_HANDOFF_STATUS_SIGNED:
        return C_ ("handoff status", "Signed");
      case EL_HANDOFF_STATUS_ACKNOWLEDGED:
        return C_ ("handoff status", "Acknowledged");
      case EL_HANDOFF_STATUS_FAILED:
        return C_ ("handoff status", "Failed");
      case EL_HANDOFF_STATUS_CANCELLED:
        return C_ ("handoff status", "Cancelled");
      default:
        return _ ("Unknown");
    }
}

const char *
el_gui_shift_label (ElShift value)
{
  switch (value)
    {
      case EL_SHIFT_DAY:
        return C_ ("shift", "Day");
      case EL_SHIFT_EVENING:
        return C_ ("shift", "Evening");
      case EL_SHIFT_NIGHT:
        return C_ ("shift", "Night");
      default:
        return _ ("Unknown");
    }
}

const char *
el_gui_sex_label (ElSex value)
{
  switch (value)
    {
      case EL_SEX_FEMALE:
        return _ ("Female");
      case EL_SEX_MALE:
        return _ ("Male");
      case EL_SEX_OTHER:
        return C_ ("sex", "Other");
      case EL_SEX_UNKNOWN:
      default:
        return _ ("Unknown");
    }
}

const char *
el_gui_sex_short (ElSex value)
{
  switch (value)
    {
      /* Translators: one-letter abbreviations of female, male, other, unknown (census rows). */
      case EL_SEX_FEMALE:
        return C_ ("sex abbreviation", "F");
      case EL_SEX_MALE:
        return C_ ("sex abbreviation", "M");
      case EL_SEX_OTHER:
        return C_ ("sex abbreviation", "X");
      case EL_SEX_UNKNOWN:
      default:
        return C_ ("sex abbreviation", "?");
    }
}

const char *
el_gui_source_label (ElSbarSource value)
{
  switch (value)
    {
      case EL_SBAR_SOURCE_AI:
        return _ ("AI draft");
      case EL_SBAR_SOURCE_NURSE:
        return C_ ("version source", "Nurse");
      case EL_SBAR_SOURCE_ON_DEVICE:
        return _ ("Drafted on this PC");
      default:
        return _ ("Unknown");
    }
}

const char *
el_gui_section_label (ElSbarSection value)
{
  switch (value)
    {
      case EL_SBAR_SECTION_SITUATION:
        return _ ("Situation");
      case EL_SBAR_SECTION_BACKGROUND:
        return _ ("Background");
      case EL_SBAR_SECTION_ASSESSMENT:
        return _ ("Assessment");
      case EL_SBAR_SECTION_RECOMMENDATION:
        return _ ("Recommendation");
      default:
        return _ ("Unknown");
    }
}

const char *
el_gui_illness_severity_label (ElIllnessSeverity value)
{
  switch (value)
    {
      case EL_ILLNESS_SEVERITY_STABLE:
        return _ ("Stable");
      case EL_ILLNESS_SEVERITY_WATCHER:
        return _ ("Watcher");
      case EL_ILLNESS_SEVERITY_UNSTABLE:
        return _ ("Unstable");
      default:
        return _ ("Unknown");
    }
}

typedef struct
{
  const char *name;
  const char *label;
} ElItemLabel;

/* N_() marks the words for translation; they are translated when returned. */
static const ElItemLabel item_labels[] = {
  { "situation", N_ ("Situation") },
  { "background", N_ ("Background") },
  { "assessment", N_ ("Assessment") },
  { "recommendation", N_ ("Recommendation") },
  { "patient_identifiers", N_ ("Patient identifiers") },
  { "room_bed", N_ ("Room and bed") },
  { "code_status", N_ ("Code status") },
  { "allergies", N_ ("Allergies") },
  { "isolation", N_ ("Isolation") },
  { "fall_risk", N_ ("Fall risk") },
  { "illness_severity", N_ ("Illness severity") },
  { "diagnosis", N_ ("Diagnosis") },
  { "history", N_ ("Medical history") },
  { "vitals", N_ ("Vital signs") },
  { "vitals.temperature_c", N_ ("Temperature") },
  { "vitals.heart_rate", N_ ("Heart rate") },
  { "vitals.respiratory_rate", N_ ("Respiratory rate") },
  { "vitals.blood_pressure", N_ ("Blood pressure") },
  { "vitals.spo2", N_ ("SpO₂") },
  { "vitals.pain", N_ ("Pain") },
  { "lines_drains_airways", N_ ("Lines, drains and airways") },
  { "infusions", N_ ("Infusions") },
  { "diet", N_ ("Diet") },
  { "mobility", N_ ("Mobility") },
  { "meds_due", N_ ("Medications due") },
  { "pending", N_ ("Pending results") },
  { "todos", N_ ("To do") },
  { "contingencies", N_ ("If/then plans") },
  { "family_discharge", N_ ("Family and discharge") },
};

const char *
el_gui_completeness_item_label (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (item_labels); i++)
    if (g_str_equal (item_labels[i].name, name))
      return _ (item_labels[i].label);

  return name;
}

char *
el_gui_format_time (GDateTime *when)
{
  g_autoptr (GDateTime) local = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *clock = NULL;
  int days;

  g_return_val_if_fail (when != NULL, NULL);

  local = g_date_time_to_local (when);
  now = g_date_time_new_now_local ();
  clock = g_date_time_format (local, "%H:%M");
  days = g_date_time_get_day_of_year (now) - g_date_time_get_day_of_year (local);
  if (g_date_time_get_year (now) != g_date_time_get_year (local))
    days = -1;

  if (days == 0)
    return g_steal_pointer (&clock);
  if (days == 1)
    /* Translators: %s is a time of day such as 22:10 */
    return g_strdup_printf (_ ("Yesterday %s"), clock);

  /* Translators: a date and time in lists, e.g. "3 Nov 07:00"; strftime format */
  return g_date_time_format (local, _ ("%-d %b %H:%M"));
}

void
el_gui_badge_set (GtkWidget *label, const char *text, const char *css_class, const char *accessible_text)
{
  const char *previous;

  g_return_if_fail (GTK_IS_LABEL (label));

  previous = g_object_get_data (G_OBJECT (label), "el-badge-class");

  gtk_label_set_text (GTK_LABEL (label), text != NULL ? text : "");
  gtk_widget_add_css_class (label, "el-badge");
  /* a recycled list row's badge drops the class of the value it showed before */
  if (previous != NULL)
    gtk_widget_remove_css_class (label, previous);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  g_object_set_data_full (G_OBJECT (label), "el-badge-class", g_strdup (css_class), g_free);
  gtk_widget_set_visible (label, text != NULL && *text != '\0');
  if (accessible_text != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                    accessible_text, -1);
}

/* ---- text views that grow with their text ------------------------------------------------------
 * GTK 4.8's GtkTextView reports the height of its text as laid out at its *previous* width and
 * does not ask for a new size once it has wrapped its lines anew: outside a scrolled window it
 * stays one pixel high after its first layout, or keeps a stale height after a resize, and clips
 * what it holds. A text view that shows a report must never hide words: after each frame, when
 * the height its lines need is not the height it got, it asks once for a new size. */

static void
refit_after_paint_cb (GdkFrameClock *clock, GtkWidget *view)
{
  GtkTextView *text_view = GTK_TEXT_VIEW (view);
  GtkTextIter end;
  int y = 0, line_height = 0, min_height = -1, needed;

  gtk_text_buffer_get_end_iter (gtk_text_view_get_buffer (text_view), &end);
  gtk_text_view_get_line_yrange (text_view, &end, &y, &line_height);
  gtk_widget_get_size_request (view, NULL, &min_height);
  needed = MAX (y + line_height + gtk_text_view_get_top_margin (text_view) +
                    gtk_text_view_get_bottom_margin (text_view),
                min_height);
  if (needed == gtk_widget_get_height (view))
    return;
  /* once per needed height: a view GTK will not give that height (a scrolled one, say) is left be */
  if (GPOINTER_TO_INT (g_object_get_data (G_OBJECT (view), "el-refit-needed")) == needed)
    return;
  g_object_set_data (G_OBJECT (view), "el-refit-needed", GINT_TO_POINTER (needed));
  gtk_widget_queue_resize (view);
}

static void
refit_realize_cb (GtkWidget *view)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (view);

  if (clock != NULL)
    g_signal_connect_object (clock, "after-paint", G_CALLBACK (refit_after_paint_cb), view, 0);
}

static void
refit_unrealize_cb (GtkWidget *view)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (view);

  if (clock != NULL)
    g_signal_handlers_disconnect_by_func (clock, refit_after_paint_cb, view);
  g_object_set_data (G_OBJECT (view), "el-refit-needed", NULL);
}

void
el_gui_text_view_fit (GtkTextView *view)
{
  g_return_if_fail (GTK_IS_TEXT_VIEW (view));

  if (g_object_get_data (G_OBJECT (view), "el-refit") != NULL)
    return;
  g_object_set_data (G_OBJECT (view), "el-refit", GINT_TO_POINTER (1));
  g_signal_connect (view, "realize", G_CALLBACK (refit_realize_cb), NULL);
  g_signal_connect (view, "unrealize", G_CALLBACK (refit_unrealize_cb), NULL);
  if (gtk_widget_get_realized (GTK_WIDGET (view)))
    refit_realize_cb (GTK_WIDGET (view));
}

void
el_gui_fit_text_views (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  if (GTK_IS_TEXT_VIEW (root))
    el_gui_text_view_fit (GTK_TEXT_VIEW (root));
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    el_gui_fit_text_views (child);
}
