/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "el-models.h"

G_BEGIN_DECLS

/*
 * The demo hospital that `eclipselink-server seed-demo` writes: two units of twelve patients with
 * realistic census fields and handoff stories. Every person in it is fictional. Larger sizes (for
 * benchmarks) repeat the stories with other names, rooms and record numbers, deterministically.
 */

typedef struct
{
  const char *code;
  const char *name;
  const char *floor;
  int bed_count;
} ElDemoUnit;

typedef struct
{
  const char *given_name;
  const char *family_name;
  const char *date_of_birth; /* YYYY-MM-DD */
  ElSex sex;
  ElCodeStatus code_status;
  const char *allergies[3]; /* {NULL}: no known allergies */
  ElIsolation isolation;
  int acuity;
  ElFallRisk fall_risk;
  const char *diagnosis;
  const char *attending;
  int admitted_days_ago;
  /* The outgoing nurse's SBAR for this patient (what a handoff recording would say). */
  const char *situation;
  const char *background;
  const char *assessment;
  const char *recommendation;
  double temperature_c;
  int heart_rate, systolic, diastolic, respiratory_rate;
  double spo2;
  const char *o2_device; /* NULL: room air */
  double o2_flow_l_min;
  int pain;
  const char *med_name, *med_dose, *med_route, *med_time;
  const char *contingency_if, *contingency_then;
} ElDemoPatient;

#define EL_DEMO_UNITS             2
#define EL_DEMO_PATIENTS_PER_UNIT 12

const ElDemoUnit *el_demo_unit (guint index);
const ElDemoPatient *el_demo_patient (guint index);
guint el_demo_n_patients (void);

/* A deterministic UUID (v4 layout) from a namespace word and numbers, so reseeding gives the same ids. */
char *el_demo_uuid (const char *kind, guint a, guint b, guint c);

/* The census row of patient @index (0-based over the whole hospital, any size) on @unit_id, in
 * @room; @replica > 0 varies the name and record number of repeated stories. */
ElPatient *
el_demo_make_patient (guint story, guint replica, const char *unit_id, const char *room, GDateTime *now);

/* The SBAR content (sections + fields) of @story's handoff, as a nurse-reviewed version. */
ElSbarFields *el_demo_make_fields (guint story, ElPatient *patient);

G_END_DECLS
