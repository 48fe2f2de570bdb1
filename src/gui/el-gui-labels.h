/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "el-models.h"

G_BEGIN_DECLS

/*
 * Translated words for core's enums and names (core translates nothing). Every function returns a
 * static translated string (never NULL: an unknown value gives "Unknown").
 */
const char *el_gui_code_status_label (ElCodeStatus value);       /* "Full code", "DNR", ... */
const char *el_gui_isolation_label (ElIsolation value);          /* "Contact", ... "None" */
const char *el_gui_fall_risk_label (ElFallRisk value);           /* "Low fall risk", ... */
const char *el_gui_handoff_status_label (ElHandoffStatus value); /* "Draft", "Ready", "Signed", ... */
const char *el_gui_shift_label (ElShift value);                  /* "Day", "Evening", "Night" */
const char *el_gui_sex_label (ElSex value);                      /* "Female", ... */
const char *el_gui_sex_short (ElSex value);                      /* "F", "M", "X", "?" */
const char *el_gui_source_label (ElSbarSource value);            /* "AI draft", "Nurse", "On this PC" */
const char *el_gui_section_label (ElSbarSection value);          /* "Situation", ... */
const char *el_gui_illness_severity_label (ElIllnessSeverity value);
/* A completeness item's name (el-completeness.h: "situation", "code_status", "vitals.spo2", ...)
 * as words: "Code status", "SpO₂". Unknown names are returned as given (not translated). */
const char *el_gui_completeness_item_label (const char *name);

/* "14:05", "Yesterday 22:10", "3 Nov 07:00" in local time; (transfer full). */
char *el_gui_format_time (GDateTime *when);

/* Add @css_class to @widget and set its accessible description, so a state shown by colour is
 * also given in words (e.g. a red "DNR" badge says "Code status: DNR"). */
void
el_gui_badge_set (GtkWidget *label, const char *text, const char *css_class, const char *accessible_text);

/* A text view that always shows all its text: GTK 4.8's GtkTextView keeps a stale height (one
 * pixel at first) after it wraps its lines at a new width; this makes it ask for a new size after
 * a frame in which its lines need another height than it has. Idempotent. */
void el_gui_text_view_fit (GtkTextView *view);
/* el_gui_text_view_fit() on every text view under @root (included). */
void el_gui_fit_text_views (GtkWidget *root);

G_END_DECLS
