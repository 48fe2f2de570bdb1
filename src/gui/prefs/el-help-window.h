/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define EL_TYPE_HELP_WINDOW (el_help_window_get_type ())
G_DECLARE_FINAL_TYPE (ElHelpWindow, el_help_window, EL, HELP_WINDOW, AdwWindow)

/*
 * ElHelpWindow: the short user guide (F1): one section per task, in a scrollable list (Up/Down
 * move from section to section), with a search entry (Ctrl+F) that shows only the sections
 * holding every word typed. Escape clears the search, then closes the window.
 * Widget names (tests): help-search, help-sections (the GtkListBox), help-section-ID (each
 * section's row: signing-in, census, recording, reviewing, saving, conflicts, signing, printing,
 * locking, sync), help-no-results.
 */
GtkWidget *el_help_window_new (void);

/* The number of sections (el_help_window_get_section_title() for 0 … n-1), and how many the
 * search shows now. */
guint el_help_window_get_n_sections (void);
const char *el_help_window_get_section_title (guint index); /* translated */
guint el_help_window_get_n_shown (ElHelpWindow *self);

/* Sets the search text (as typing in the entry). */
void el_help_window_search (ElHelpWindow *self, const char *text);

G_END_DECLS
