/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "el-model-enums.h"

G_BEGIN_DECLS

/*
 * ElRecording: an uploaded audio recording of a verbal handoff and its transcription state. PHI.
 * JSON (schema Recording): { "id": Uuid, "handoff_id": Uuid, "status": RecordingStatus,
 *   "mime_type": "audio/ogg"|"audio/wav", "duration_ms": int 0..3600000?, "size_bytes": int >= 0?,
 *   "sha256": 64 lowercase hex?, "engine": string?, "transcript": string (<= 262144 bytes)?,
 *   "words": [RecordingWord] (<= 20000 items)?, "error": string?, "created_at": Timestamp,
 *   "updated_at": Timestamp }
 * RecordingWord: { "word": string, "start_ms": int >= 0, "end_ms": int >= start_ms,
 *   "confidence": number 0..1 }, all required.
 *
 * In C, duration_ms and size_bytes are -1 when unset; the word list is %NULL when absent.
 */

/**
 * ElRecordingWord:
 * @word: the recognized word
 * @start_ms: where it starts in the audio
 * @end_ms: where it ends, >= @start_ms
 * @confidence: 0..1
 */
typedef struct ElRecordingWord ElRecordingWord;
struct ElRecordingWord
{
  char *word;
  gint64 start_ms;
  gint64 end_ms;
  double confidence;
};

#define EL_TYPE_RECORDING_WORD (el_recording_word_get_type ())
GType el_recording_word_get_type (void) G_GNUC_CONST;
ElRecordingWord *el_recording_word_new (const char *word, gint64 start_ms, gint64 end_ms, double confidence);
ElRecordingWord *el_recording_word_copy (const ElRecordingWord *self);
void el_recording_word_free (ElRecordingWord *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElRecordingWord, el_recording_word_free)

#define EL_TYPE_RECORDING (el_recording_get_type ())
G_DECLARE_FINAL_TYPE (ElRecording, el_recording, EL, RECORDING, GObject)

ElRecording *el_recording_new (void);
ElRecording *el_recording_new_from_json (JsonNode *node, GError **error);
ElRecording *el_recording_new_from_data (const char *data, gssize len, GError **error);
JsonNode *el_recording_to_json (ElRecording *self);
char *el_recording_to_data (ElRecording *self, gsize *len);
gboolean el_recording_validate (ElRecording *self, GError **error);

const char *el_recording_get_id (ElRecording *self);
void el_recording_set_id (ElRecording *self, const char *id);
const char *el_recording_get_handoff_id (ElRecording *self);
void el_recording_set_handoff_id (ElRecording *self, const char *handoff_id);
ElRecordingStatus el_recording_get_status (ElRecording *self);
void el_recording_set_status (ElRecording *self, ElRecordingStatus status);
ElAudioMimeType el_recording_get_mime_type (ElRecording *self);
void el_recording_set_mime_type (ElRecording *self, ElAudioMimeType mime_type);
gint64 el_recording_get_duration_ms (ElRecording *self);
void el_recording_set_duration_ms (ElRecording *self, gint64 duration_ms);
gint64 el_recording_get_size_bytes (ElRecording *self);
void el_recording_set_size_bytes (ElRecording *self, gint64 size_bytes);
const char *el_recording_get_sha256 (ElRecording *self);
void el_recording_set_sha256 (ElRecording *self, const char *sha256);
const char *el_recording_get_engine (ElRecording *self);
void el_recording_set_engine (ElRecording *self, const char *engine);
const char *el_recording_get_transcript (ElRecording *self);
void el_recording_set_transcript (ElRecording *self, const char *transcript);
GPtrArray *el_recording_get_words (ElRecording *self);
void el_recording_set_words (ElRecording *self, GPtrArray *words);
void el_recording_add_word (ElRecording *self, ElRecordingWord *word);
const char *el_recording_get_error (ElRecording *self);
void el_recording_set_error (ElRecording *self, const char *message);
GDateTime *el_recording_get_created_at (ElRecording *self);
void el_recording_set_created_at (ElRecording *self, GDateTime *created_at);
GDateTime *el_recording_get_updated_at (ElRecording *self);
void el_recording_set_updated_at (ElRecording *self, GDateTime *updated_at);

G_END_DECLS
