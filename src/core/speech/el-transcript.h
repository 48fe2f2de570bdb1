/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "el-recording.h"
#include "el-sbar-fields.h"

G_BEGIN_DECLS

/*
 * ElTranscript: what a speech engine heard — the text and, for each recognised word, where it is in
 * the text (Unicode code point offsets, the unit of ElSpan) and in the audio. PHI: never log it.
 *
 * Words are in order and do not overlap; text between them (spaces, punctuation a cloud engine
 * adds) belongs to no word. A transcript made from plain text (el_transcript_new_from_text(), the
 * CLI's `extract FILE.txt`) has words without audio times (start_ms = end_ms = -1, confidence 1).
 *
 * Immutable once built; reference counted (boxed type), so it can cross threads.
 */

/* Values (numbers, drug names) whose words were recognised below this confidence are flagged for
 * the nurse to confirm (ElSpan.confidence is set below it). */
#define EL_SPEECH_LOW_CONFIDENCE 0.6

typedef struct
{
  gint64 start;      /* first code point of the word in the text */
  gint64 end;        /* one past its last code point */
  gint64 start_ms;   /* -1 when unknown */
  gint64 end_ms;     /* -1 when unknown; >= start_ms otherwise */
  double confidence; /* 0..1 */
} ElTranscriptWord;

typedef struct _ElTranscript ElTranscript;

#define EL_TYPE_TRANSCRIPT (el_transcript_get_type ())
GType el_transcript_get_type (void) G_GNUC_CONST;

/* A builder-style constructor: append words, then use. @engine e.g. "pocketsphinx", "openai". */
ElTranscript *el_transcript_new (const char *engine);
/* Appends @word (UTF-8, no spaces needed) separated from the previous word by one space. */
void el_transcript_append_word (
    ElTranscript *self, const char *word, gint64 start_ms, gint64 end_ms, double confidence);
/* For engines that return text with punctuation plus a separate word list: set the text first,
 * then add each word at its code point range (ranges in order, inside the text, not overlapping;
 * returns FALSE and adds nothing otherwise). */
void el_transcript_set_text (ElTranscript *self, const char *text);
gboolean el_transcript_add_word_at (
    ElTranscript *self, gint64 start, gint64 end, gint64 start_ms, gint64 end_ms, double confidence);
/* Text without audio: every maximal run of non-space characters is a word (confidence 1, no times). */
ElTranscript *el_transcript_new_from_text (const char *text, const char *engine);
/* From a server Recording's transcript + words (words matched in order in the text). NULL with
 * @error if the transcript is missing. */
ElTranscript *el_transcript_new_from_recording (ElRecording *recording, GError **error);

ElTranscript *el_transcript_ref (ElTranscript *self);
void el_transcript_unref (ElTranscript *self);

const char *el_transcript_get_text (const ElTranscript *self);
/* Length of the text in code points. */
gint64 el_transcript_get_length (const ElTranscript *self);
const char *el_transcript_get_engine (const ElTranscript *self);
guint el_transcript_get_n_words (const ElTranscript *self);
const ElTranscriptWord *el_transcript_get_word (const ElTranscript *self, guint index);
/* The audio covered by the words overlapping [start, end) and their lowest confidence. FALSE when
 * no word overlaps or the words have no audio times (*min_confidence is still set when words
 * overlap; 1.0 when none does). Any out pointer may be NULL. */
gboolean el_transcript_span_audio (const ElTranscript *self,
                                   gint64 start,
                                   gint64 end,
                                   gint64 *audio_start_ms,
                                   gint64 *audio_end_ms,
                                   double *min_confidence);
/* An ElSpan for [start, end) with audio times and confidence filled from the words. */
ElSpan *el_transcript_make_span (const ElTranscript *self, gint64 start, gint64 end);
/* Duration of the audio the engine processed (ms; -1 unknown) and the processing time (seconds),
 * for the real-time factor. */
void el_transcript_set_timing (ElTranscript *self, gint64 audio_ms, double processing_s);
gint64 el_transcript_get_audio_ms (const ElTranscript *self);
double el_transcript_get_processing_s (const ElTranscript *self);
/* processing_s / (audio_ms / 1000); -1 when unknown. */
double el_transcript_get_real_time_factor (const ElTranscript *self);
/* (element-type ElRecordingWord): the words as the Recording model carries them (word text from the
 * transcript; words without audio times get 0/0). */
GPtrArray *el_transcript_to_recording_words (const ElTranscript *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElTranscript, el_transcript_unref)

G_END_DECLS
