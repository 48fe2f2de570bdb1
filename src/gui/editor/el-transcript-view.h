/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/*
 * ElTranscriptView: the transcript of a handoff recording, read-only, with the words that fields
 * came from highlighted (a text tag per span: the theme's accent background and an underline, so
 * not by colour alone) and the fields named (the tooltip of a highlighted word, and a summary line
 * under the text). Clicking a highlighted word, or pressing Enter or Space with the cursor in one,
 * emits ::span-activated with the span's index (the smallest span there when spans overlap).
 *
 * Spans are in Unicode code points of the transcript (the unit of ElSpan). PHI: the transcript is
 * never logged.
 *
 * Signals:
 *   span-activated (guint index)  the index el_transcript_view_add_span() returned
 */

#define EL_TYPE_TRANSCRIPT_VIEW (el_transcript_view_get_type ())
G_DECLARE_FINAL_TYPE (ElTranscriptView, el_transcript_view, EL, TRANSCRIPT_VIEW, AdwBin)

GtkWidget *el_transcript_view_new (void);

/* Shows @text (nullable: empty) and drops every span. */
void el_transcript_view_set_transcript (ElTranscriptView *self, const char *text);
void el_transcript_view_clear_spans (ElTranscriptView *self);
/* Highlights [@start, @end) (code points, clamped to the text) as where @field came from ("Heart
 * rate"). Returns the span's index (0, 1, … in the order added since the last clear). */
guint el_transcript_view_add_span (ElTranscriptView *self, gint64 start, gint64 end, const char *field);
guint el_transcript_view_get_n_spans (ElTranscriptView *self);
/* The tag of span @index (transfer none), for tests. */
GtkTextTag *el_transcript_view_get_span_tag (ElTranscriptView *self, guint index);
/* (transfer full) (nullable): the fields whose spans hold code point @offset, ", "-joined. */
char *el_transcript_view_dup_fields_at (ElTranscriptView *self, gint64 offset);
/* Emits ::span-activated for the smallest span holding @offset; FALSE when there is none. */
gboolean el_transcript_view_activate_at (ElTranscriptView *self, gint64 offset);
GtkTextView *el_transcript_view_get_text_view (ElTranscriptView *self);
/* A short status line under the text (e.g. why the audio cannot play); NULL hides it. */
void el_transcript_view_set_message (ElTranscriptView *self, const char *message);

G_END_DECLS
