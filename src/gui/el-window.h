/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "el-application.h"
#include "el-context.h"

G_BEGIN_DECLS

/*
 * ElWindow: the charge nurse's window for a shift.
 *
 *   sign-in ──signed in──> main (AdwLeaflet: census sidebar | patient, report, history, conflicts)
 *      ^                     │  idle for auto-lock-minutes, the desktop locking, Ctrl+L
 *      │                     v
 *      └──switch nurse─── locked (no patient data; her password, checked on this PC)
 *
 * The window owns at most one ElContext, the signed-in nurse's; the main page's widgets are made
 * for her and destroyed when she leaves, so the next nurse never sees them. A nurse who chose
 * "Keep me signed in" is resumed at start (GSettings "remembered-account" + the keyring).
 *
 * Properties: "data-dir" (construct-only; the nurses' caches), "context" (read-only, nullable),
 * "locked" (read-only), "page" (read-only: "starting", "sign-in", "main", "locked"),
 * "auto-lock-seconds" (0: GSettings auto-lock-minutes; tests set a few seconds).
 */
#define EL_TYPE_WINDOW (el_window_get_type ())
G_DECLARE_FINAL_TYPE (ElWindow, el_window, EL, WINDOW, AdwApplicationWindow)

ElWindow *el_window_new (ElApplication *application);
ElWindow *el_window_new_with_data_dir (ElApplication *application, const char *data_dir);

ElContext *el_window_get_context (ElWindow *self); /* (nullable) */
gboolean el_window_get_locked (ElWindow *self);
const char *el_window_get_page (ElWindow *self);
void el_window_lock (ElWindow *self);
void el_window_set_auto_lock_seconds (ElWindow *self, guint seconds);

/* The views of the main page (NULL while nobody is signed in), for tests. */
GtkWidget *el_window_get_census_panel (ElWindow *self);
GtkWidget *el_window_get_patient_pane (ElWindow *self);
GtkWidget *el_window_get_editor (ElWindow *self);
GtkWidget *el_window_get_history (ElWindow *self);
GtkWidget *el_window_get_record_view (ElWindow *self); /* (nullable): the recording shown */
/* Where Ctrl+R records from, as a GStreamer source description (tests); NULL: the microphone setting. */
void el_window_set_record_source (ElWindow *self, const char *source_description);
GtkWidget *el_window_get_sign_in_page (ElWindow *self);
GtkWidget *el_window_get_lock_page (ElWindow *self);

/* Open a handoff in the report editor (the unsaved-changes guard runs first). */
void el_window_open_handoff (ElWindow *self, const char *handoff_id);

G_END_DECLS
