/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "el-census-model.h"
#include "el-context.h"

G_BEGIN_DECLS

/*
 * ElShiftReport: the printed shift report — one patient, or every patient of a unit (by room and
 * bed), each starting on a new page: a header (unit, shift, printed by and at), the patient's
 * identifiers, badges in words (code status, allergies or NKDA, isolation, fall risk, acuity), the
 * four SBAR sections (wrapped, flowing onto further pages, never cut), the structured fields, the
 * version (number, author, source, completeness and missing critical items) and its sign and
 * acknowledgment state; a footer "Page n of m" and "Confidential — contains patient information".
 *
 * Two steps:
 * - el_shift_report_load_async() reads everything from the context's store (the unit, its census,
 *   each patient, the latest handoff per patient and its latest SBAR version), all async. The
 *   loaded report is an immutable snapshot.
 * - el_shift_report_run_async() runs a GtkPrintOperation on a loaded report: EXPORT to a PDF file
 *   without a dialog, or PRINT_DIALOG (GTK's print dialog, not blocking the main loop).
 * el_shift_report_print_async() does both. el_shift_report_render_page() draws one page into any
 * cairo context (tests, the screenshot script's "print preview").
 *
 * Sizes are in points (1/72 inch): a page of the print context's width and height (A4, Letter...).
 * Nothing here logs PHI; errors are EL_STORE_ERROR, G_IO_ERROR (G_IO_ERROR_NOT_FOUND: no such unit
 * or patient) or GTK_PRINT_ERROR; G_IO_ERROR_CANCELLED when the nurse cancels the print dialog or
 * the file chooser.
 */

#define EL_TYPE_SHIFT_REPORT (el_shift_report_get_type ())
G_DECLARE_FINAL_TYPE (ElShiftReport, el_shift_report, EL, SHIFT_REPORT, GObject)

/* Loads the report of @unit_id: @patient_id's page, or (NULL) every patient of the unit by room.
 * The header's shift is the shift of "now" under @pattern; "printed by" is the context's user. */
void el_shift_report_load_async (ElContext *ctx,
                                 const char *unit_id,
                                 const char *patient_id,
                                 ElShiftPattern pattern,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
ElShiftReport *el_shift_report_load_finish (GAsyncResult *result, GError **error);

/* How many patients the report holds (one page or more each). */
guint el_shift_report_get_n_patients (ElShiftReport *self);
/* "Handoff 4W 2026-11-26 Day.pdf" (a single patient's adds the room: "Handoff 4W 412-A 2026-11-26
 * Day.pdf"); no names, no MRN. (transfer full) */
char *el_shift_report_get_default_filename (ElShiftReport *self);

/* The number of pages on a page of @width x @height points. */
guint el_shift_report_get_n_pages (ElShiftReport *self, double width, double height);
/* Draws page @page_nr (from 0) of a @width x @height points page into @cr, from its current origin
 * (scale @cr first for a bitmap: cairo_scale (cr, 2, 2) for 144 dpi). Paints only the text and
 * rules: fill the page's background first for an image. */
void
el_shift_report_render_page (ElShiftReport *self, cairo_t *cr, double width, double height, guint page_nr);

/* Runs the print operation on a loaded report. @action: GTK_PRINT_OPERATION_ACTION_EXPORT (needs
 * @export_filename; writes a PDF without a dialog) or GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG. */
void el_shift_report_run_async (ElShiftReport *self,
                                GtkWindow *parent,
                                GtkPrintOperationAction action,
                                const char *export_filename,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
gboolean el_shift_report_run_finish (ElShiftReport *self, GAsyncResult *result, GError **error);

/* Load, then run (the shift pattern from GSettings "shift-pattern"). */
void el_shift_report_print_async (ElContext *ctx,
                                  GtkWindow *parent,
                                  const char *unit_id,
                                  const char *patient_id,
                                  GtkPrintOperationAction action,
                                  const char *export_filename,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data);
gboolean el_shift_report_print_finish (GAsyncResult *result, GError **error);

/* "Export PDF…": loads the report, asks for the file with a GtkFileChooserNative (save, a *.pdf
 * filter, the default name above), then exports. Returns (transfer full) the path written;
 * G_IO_ERROR_CANCELLED when the nurse closed the chooser. */
void el_shift_report_export_pdf_dialog_async (ElContext *ctx,
                                              GtkWindow *parent,
                                              const char *unit_id,
                                              const char *patient_id,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer user_data);
char *el_shift_report_export_pdf_dialog_finish (GAsyncResult *result, GError **error);
/* The same without a callback: a failure is shown in an AdwMessageDialog on @parent. */
void el_shift_report_export_pdf_dialog (ElContext *ctx,
                                        GtkWindow *parent,
                                        const char *unit_id,
                                        const char *patient_id);

G_END_DECLS
