/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-transcript.h"

struct _ElTranscript
{
  gatomicrefcount ref_count;
  char *engine;
  GString *text;
  gint64 length; /* code points in text */
  GArray *words; /* ElTranscriptWord */
  gint64 audio_ms;
  double processing_s;
};

G_DEFINE_BOXED_TYPE (ElTranscript, el_transcript, el_transcript_ref, el_transcript_unref)

ElTranscript *
el_transcript_new (const char *engine)
{
  ElTranscript *self = g_new0 (ElTranscript, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->engine = g_strdup (engine != NULL ? engine : "");
  self->text = g_string_new (NULL);
  self->words = g_array_new (FALSE, FALSE, sizeof (ElTranscriptWord));
  self->audio_ms = -1;
  self->processing_s = -1;
  return self;
}

ElTranscript *
el_transcript_ref (ElTranscript *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
el_transcript_unref (ElTranscript *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  /* PHI: wipe the text before it goes back to the allocator. */
  memset (self->text->str, 0, self->text->allocated_len);
  g_string_free (self->text, TRUE);
  g_array_unref (self->words);
  g_free (self->engine);
  g_free (self);
}

void
el_transcript_append_word (
    ElTranscript *self, const char *word, gint64 start_ms, gint64 end_ms, double confidence)
{
  ElTranscriptWord w;
  glong n;

  g_return_if_fail (self != NULL);
  g_return_if_fail (word != NULL && g_utf8_validate (word, -1, NULL));

  n = g_utf8_strlen (word, -1);
  if (n == 0)
    return;
  if (self->text->len > 0)
    {
      g_string_append_c (self->text, ' ');
      self->length++;
    }
  w.start = self->length;
  w.end = self->length + n;
  w.start_ms = start_ms;
  w.end_ms = end_ms >= start_ms ? end_ms : start_ms;
  w.confidence = CLAMP (confidence, 0.0, 1.0);
  g_string_append (self->text, word);
  self->length += n;
  g_array_append_val (self->words, w);
}

void
el_transcript_set_text (ElTranscript *self, const char *text)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (text != NULL && g_utf8_validate (text, -1, NULL));

  memset (self->text->str, 0, self->text->allocated_len);
  g_string_assign (self->text, text);
  self->length = g_utf8_strlen (text, -1);
  g_array_set_size (self->words, 0);
}

gboolean
el_transcript_add_word_at (
    ElTranscript *self, gint64 start, gint64 end, gint64 start_ms, gint64 end_ms, double confidence)
{
  ElTranscriptWord w;

  g_return_val_if_fail (self != NULL, FALSE);

  if (start < 0 || end <= start || end > self->length)
    return FALSE;
  if (self->words->len > 0 && g_array_index (self->words, ElTranscriptWord, self->words->len - 1).end > start)
    return FALSE;
  w.start = start;
  w.end = end;
  w.start_ms = start_ms;
  w.end_ms = (start_ms >= 0 && end_ms < start_ms) ? start_ms : end_ms;
  w.confidence = CLAMP (confidence, 0.0, 1.0);
  g_array_append_val (self->words, w);
  return TRUE;
}

ElTranscript *
el_transcript_new_from_text (const char *text, const char *engine)
{
  ElTranscript *self;
  const char *p;
  gint64 pos = 0, word_start = -1;

  g_return_val_if_fail (text != NULL && g_utf8_validate (text, -1, NULL), NULL);

  self = el_transcript_new (engine);
  el_transcript_set_text (self, text);
  for (p = text;; p = g_utf8_next_char (p), pos++)
    {
      gunichar c = g_utf8_get_char (p);
      gboolean space = (c == 0) || g_unichar_isspace (c);

      if (space && word_start >= 0)
        {
          el_transcript_add_word_at (self, word_start, pos, -1, -1, 1.0);
          word_start = -1;
        }
      else if (!space && word_start < 0)
        word_start = pos;
      if (c == 0)
        break;
    }
  return self;
}

/* Code point offset of byte pointer @p in @text. */
static gint64
cp_offset (const char *text, const char *p)
{
  return g_utf8_pointer_to_offset (text, p);
}

ElTranscript *
el_transcript_new_from_recording (ElRecording *recording, GError **error)
{
  const char *text;
  GPtrArray *words;
  ElTranscript *self;
  const char *cursor;

  g_return_val_if_fail (EL_IS_RECORDING (recording), NULL);

  text = el_recording_get_transcript (recording);
  if (text == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "the recording has no transcript");
      return NULL;
    }
  words = el_recording_get_words (recording);
  if (words == NULL || words->len == 0)
    return el_transcript_new_from_text (text, el_recording_get_engine (recording));

  self = el_transcript_new (el_recording_get_engine (recording));
  el_transcript_set_text (self, text);
  cursor = text;
  for (guint i = 0; i < words->len; i++)
    {
      const ElRecordingWord *w = g_ptr_array_index (words, i);
      const char *found;

      if (w->word == NULL || w->word[0] == '\0')
        continue;
      found = strstr (cursor, w->word);
      if (found == NULL)
        continue; /* a word the text does not hold (should not happen): no link for it */
      el_transcript_add_word_at (self, cp_offset (text, found), cp_offset (text, found + strlen (w->word)),
                                 w->start_ms, w->end_ms, w->confidence);
      cursor = found + strlen (w->word);
    }
  if (el_recording_get_duration_ms (recording) >= 0)
    self->audio_ms = el_recording_get_duration_ms (recording);
  return self;
}

const char *
el_transcript_get_text (const ElTranscript *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->text->str;
}

gint64
el_transcript_get_length (const ElTranscript *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->length;
}

const char *
el_transcript_get_engine (const ElTranscript *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->engine;
}

guint
el_transcript_get_n_words (const ElTranscript *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->words->len;
}

const ElTranscriptWord *
el_transcript_get_word (const ElTranscript *self, guint index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->words->len, NULL);
  return &g_array_index (self->words, ElTranscriptWord, index);
}

/* First word whose end is after @start (binary search). */
static guint
first_word_ending_after (const ElTranscript *self, gint64 start)
{
  guint lo = 0, hi = self->words->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (g_array_index (self->words, ElTranscriptWord, mid).end <= start)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

gboolean
el_transcript_span_audio (const ElTranscript *self,
                          gint64 start,
                          gint64 end,
                          gint64 *audio_start_ms,
                          gint64 *audio_end_ms,
                          double *min_confidence)
{
  gint64 a_start = -1, a_end = -1;
  double min_conf = 1.0;
  gboolean any = FALSE, timed = TRUE;

  g_return_val_if_fail (self != NULL, FALSE);

  if (end <= start)
    end = start + 1;
  for (guint i = first_word_ending_after (self, start); i < self->words->len; i++)
    {
      const ElTranscriptWord *w = &g_array_index (self->words, ElTranscriptWord, i);

      if (w->start >= end)
        break;
      any = TRUE;
      min_conf = MIN (min_conf, w->confidence);
      if (w->start_ms < 0 || w->end_ms < 0)
        {
          timed = FALSE;
          continue;
        }
      if (a_start < 0 || w->start_ms < a_start)
        a_start = w->start_ms;
      a_end = MAX (a_end, w->end_ms);
    }
  if (min_confidence != NULL)
    *min_confidence = min_conf;
  if (!any || !timed || a_start < 0)
    return FALSE;
  if (audio_start_ms != NULL)
    *audio_start_ms = a_start;
  if (audio_end_ms != NULL)
    *audio_end_ms = a_end;
  return TRUE;
}

ElSpan *
el_transcript_make_span (const ElTranscript *self, gint64 start, gint64 end)
{
  ElSpan *span;
  gint64 a_start = 0, a_end = 0;
  double conf = 1.0;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (start >= 0 && end >= start, NULL);

  span = el_span_new (start, end);
  if (el_transcript_span_audio (self, start, end, &a_start, &a_end, &conf))
    el_span_set_audio (span, a_start, a_end);
  el_span_set_confidence (span, conf);
  return span;
}

void
el_transcript_set_timing (ElTranscript *self, gint64 audio_ms, double processing_s)
{
  g_return_if_fail (self != NULL);
  self->audio_ms = audio_ms;
  self->processing_s = processing_s;
}

gint64
el_transcript_get_audio_ms (const ElTranscript *self)
{
  g_return_val_if_fail (self != NULL, -1);
  return self->audio_ms;
}

double
el_transcript_get_processing_s (const ElTranscript *self)
{
  g_return_val_if_fail (self != NULL, -1);
  return self->processing_s;
}

double
el_transcript_get_real_time_factor (const ElTranscript *self)
{
  g_return_val_if_fail (self != NULL, -1);
  if (self->audio_ms <= 0 || self->processing_s < 0)
    return -1;
  return self->processing_s / (self->audio_ms / 1000.0);
}

GPtrArray *
el_transcript_to_recording_words (const ElTranscript *self)
{
  GPtrArray *out;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_ptr_array_new_with_free_func ((GDestroyNotify) el_recording_word_free);
  for (guint i = 0; i < self->words->len; i++)
    {
      const ElTranscriptWord *w = &g_array_index (self->words, ElTranscriptWord, i);
      const char *s = g_utf8_offset_to_pointer (self->text->str, w->start);
      const char *e = g_utf8_offset_to_pointer (self->text->str, w->end);
      g_autofree char *word = g_strndup (s, e - s);
      gint64 start_ms = MAX (w->start_ms, 0);
      gint64 end_ms = MAX (w->end_ms, start_ms);

      g_ptr_array_add (out, el_recording_word_new (word, start_ms, end_ms, w->confidence));
    }
  return out;
}
