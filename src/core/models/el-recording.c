/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "el-recording.h"
#include "el-json-private.h"
#include "el-model-types.h"

#define MAX_DURATION_MS 3600000

/* ElRecordingWord */

G_DEFINE_BOXED_TYPE (ElRecordingWord, el_recording_word, el_recording_word_copy, el_recording_word_free)

ElRecordingWord *
el_recording_word_new (const char *word, gint64 start_ms, gint64 end_ms, double confidence)
{
  ElRecordingWord *self = g_new0 (ElRecordingWord, 1);

  self->word = g_strdup (word);
  self->start_ms = start_ms;
  self->end_ms = end_ms;
  self->confidence = confidence;
  return self;
}

ElRecordingWord *
el_recording_word_copy (const ElRecordingWord *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return el_recording_word_new (self->word, self->start_ms, self->end_ms, self->confidence);
}

void
el_recording_word_free (ElRecordingWord *self)
{
  if (self == NULL)
    return;
  g_free (self->word);
  g_free (self);
}

/* ElRecording */

struct _ElRecording
{
  GObject parent_instance;

  char *id;
  char *handoff_id;
  ElRecordingStatus status;
  ElAudioMimeType mime_type;
  gint64 duration_ms;
  gint64 size_bytes;
  char *sha256;
  char *engine;
  char *transcript;
  GPtrArray *words;
  char *error;
  GDateTime *created_at;
  GDateTime *updated_at;
};

G_DEFINE_FINAL_TYPE (ElRecording, el_recording, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_HANDOFF_ID,
  PROP_STATUS,
  PROP_MIME_TYPE,
  PROP_DURATION_MS,
  PROP_SIZE_BYTES,
  PROP_SHA256,
  PROP_ENGINE,
  PROP_TRANSCRIPT,
  PROP_ERROR,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
el_recording_finalize (GObject *object)
{
  ElRecording *self = EL_RECORDING (object);

  g_free (self->id);
  g_free (self->handoff_id);
  g_free (self->sha256);
  g_free (self->engine);
  g_free (self->transcript);
  g_clear_pointer (&self->words, g_ptr_array_unref);
  g_free (self->error);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  g_clear_pointer (&self->updated_at, g_date_time_unref);

  G_OBJECT_CLASS (el_recording_parent_class)->finalize (object);
}

static void
el_recording_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElRecording *self = EL_RECORDING (object);

  switch (prop_id)
    {
      case PROP_ID:
        g_value_set_string (value, self->id);
        break;
      case PROP_HANDOFF_ID:
        g_value_set_string (value, self->handoff_id);
        break;
      case PROP_STATUS:
        g_value_set_enum (value, self->status);
        break;
      case PROP_MIME_TYPE:
        g_value_set_enum (value, self->mime_type);
        break;
      case PROP_DURATION_MS:
        g_value_set_int64 (value, self->duration_ms);
        break;
      case PROP_SIZE_BYTES:
        g_value_set_int64 (value, self->size_bytes);
        break;
      case PROP_SHA256:
        g_value_set_string (value, self->sha256);
        break;
      case PROP_ENGINE:
        g_value_set_string (value, self->engine);
        break;
      case PROP_TRANSCRIPT:
        g_value_set_string (value, self->transcript);
        break;
      case PROP_ERROR:
        g_value_set_string (value, self->error);
        break;
      case PROP_CREATED_AT:
        g_value_set_boxed (value, self->created_at);
        break;
      case PROP_UPDATED_AT:
        g_value_set_boxed (value, self->updated_at);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_recording_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElRecording *self = EL_RECORDING (object);

  switch (prop_id)
    {
      case PROP_ID:
        el_recording_set_id (self, g_value_get_string (value));
        break;
      case PROP_HANDOFF_ID:
        el_recording_set_handoff_id (self, g_value_get_string (value));
        break;
      case PROP_STATUS:
        el_recording_set_status (self, g_value_get_enum (value));
        break;
      case PROP_MIME_TYPE:
        el_recording_set_mime_type (self, g_value_get_enum (value));
        break;
      case PROP_DURATION_MS:
        el_recording_set_duration_ms (self, g_value_get_int64 (value));
        break;
      case PROP_SIZE_BYTES:
        el_recording_set_size_bytes (self, g_value_get_int64 (value));
        break;
      case PROP_SHA256:
        el_recording_set_sha256 (self, g_value_get_string (value));
        break;
      case PROP_ENGINE:
        el_recording_set_engine (self, g_value_get_string (value));
        break;
      case PROP_TRANSCRIPT:
        el_recording_set_transcript (self, g_value_get_string (value));
        break;
      case PROP_ERROR:
        el_recording_set_error (self, g_value_get_string (value));
        break;
      case PROP_CREATED_AT:
        el_recording_set_created_at (self, g_value_get_boxed (value));
        break;
      case PROP_UPDATED_AT:
        el_recording_set_updated_at (self, g_value_get_boxed (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_recording_class_init (ElRecordingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = el_recording_finalize;
  object_class->get_property = el_recording_get_property;
  object_class->set_property = el_recording_set_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_HANDOFF_ID] = g_param_spec_string ("handoff-id", NULL, NULL, NULL, flags);
  properties[PROP_STATUS] =
      g_param_spec_enum ("status", NULL, NULL, EL_TYPE_RECORDING_STATUS, EL_RECORDING_STATUS_QUEUED, flags);
  properties[PROP_MIME_TYPE] =
      g_param_spec_enum ("mime-type", NULL, NULL, EL_TYPE_AUDIO_MIME_TYPE, EL_AUDIO_MIME_TYPE_OGG, flags);
  properties[PROP_DURATION_MS] =
      g_param_spec_int64 ("duration-ms", NULL, NULL, -1, MAX_DURATION_MS, -1, flags);
  properties[PROP_SIZE_BYTES] =
      g_param_spec_int64 ("size-bytes", NULL, NULL, -1, EL_MODEL_MAX_INTEGER, -1, flags);
  properties[PROP_SHA256] = g_param_spec_string ("sha256", NULL, NULL, NULL, flags);
  properties[PROP_ENGINE] = g_param_spec_string ("engine", NULL, NULL, NULL, flags);
  properties[PROP_TRANSCRIPT] = g_param_spec_string ("transcript", NULL, NULL, NULL, flags);
  properties[PROP_ERROR] = g_param_spec_string ("error", NULL, NULL, NULL, flags);
  properties[PROP_CREATED_AT] = g_param_spec_boxed ("created-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_UPDATED_AT] = g_param_spec_boxed ("updated-at", NULL, NULL, G_TYPE_DATE_TIME, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
el_recording_init (ElRecording *self)
{
  self->status = EL_RECORDING_STATUS_QUEUED;
  self->mime_type = EL_AUDIO_MIME_TYPE_OGG;
  self->duration_ms = -1;
  self->size_bytes = -1;
}

/**
 * el_recording_new:
 *
 * Returns: (transfer full): an empty queued Ogg recording; set at least id, handoff_id,
 *   created_at and updated_at
 */
ElRecording *
el_recording_new (void)
{
  return g_object_new (EL_TYPE_RECORDING, NULL);
}

static GPtrArray *
read_words (JsonArray *array, GError **error)
{
  ElJsonPath path = { NULL, "words", 0 };
  g_autoptr (GPtrArray) words = NULL;
  guint n = json_array_get_length (array);

  words = g_ptr_array_new_full (n, (GDestroyNotify) el_recording_word_free);
  for (guint i = 0; i < n; i++)
    {
      ElJsonPath item_path = { &path, NULL, i };
      g_autoptr (ElRecordingWord) word = el_recording_word_new (NULL, 0, 0, 0);
      JsonObject *obj;

      if (!el_json_node_get_object (json_array_get_element (array, i), &item_path, &obj, error) ||
          !el_json_read_string (obj, &item_path, "word", EL_JSON_REQUIRED, EL_MODEL_MAX_SHORT_STRING_BYTES,
                                &word->word, error) ||
          !el_json_read_int (obj, &item_path, "start_ms", EL_JSON_REQUIRED, 0, EL_MODEL_MAX_INTEGER,
                             &word->start_ms, NULL, error) ||
          !el_json_read_int (obj, &item_path, "end_ms", EL_JSON_REQUIRED, 0, EL_MODEL_MAX_INTEGER,
                             &word->end_ms, NULL, error) ||
          !el_json_read_double (obj, &item_path, "confidence", EL_JSON_REQUIRED, 0, 1, &word->confidence,
                                NULL, error))
        return NULL;
      if (word->end_ms < word->start_ms)
        {
          ElJsonPath end_path = { &item_path, "end_ms", 0 };

          el_json_set_error (error, EL_MODEL_ERROR_OUT_OF_RANGE, &end_path, "before start_ms");
          return NULL;
        }
      g_ptr_array_add (words, g_steal_pointer (&word));
    }
  return g_steal_pointer (&words);
}

/**
 * el_recording_new_from_json:
 * @node: a Recording object
 * @error: return location for an %EL_MODEL_ERROR
 *
 * Returns: (transfer full) (nullable): the recording, or %NULL with @error set
 */
ElRecording *
el_recording_new_from_json (JsonNode *node, GError **error)
{
  g_autoptr (ElRecording) self = NULL;
  JsonObject *obj;
  JsonArray *words = NULL;
  int status, mime_type;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!el_json_node_get_object (node, NULL, &obj, error))
    return NULL;

  self = el_recording_new ();
  if (!el_json_read_uuid (obj, NULL, "id", EL_JSON_REQUIRED, &self->id, error) ||
      !el_json_read_uuid (obj, NULL, "handoff_id", EL_JSON_REQUIRED, &self->handoff_id, error) ||
      !el_json_read_enum (obj, NULL, "status", EL_JSON_REQUIRED, EL_TYPE_RECORDING_STATUS, &status, NULL,
                          error) ||
      !el_json_read_enum (obj, NULL, "mime_type", EL_JSON_REQUIRED, EL_TYPE_AUDIO_MIME_TYPE, &mime_type, NULL,
                          error) ||
      !el_json_read_int (obj, NULL, "duration_ms", EL_JSON_OPTIONAL, 0, MAX_DURATION_MS, &self->duration_ms,
                         NULL, error) ||
      !el_json_read_int (obj, NULL, "size_bytes", EL_JSON_OPTIONAL, 0, EL_MODEL_MAX_INTEGER,
                         &self->size_bytes, NULL, error) ||
      !el_json_read_string (obj, NULL, "sha256", EL_JSON_OPTIONAL, EL_MODEL_MAX_SHORT_STRING_BYTES,
                            &self->sha256, error) ||
      !el_json_read_string (obj, NULL, "engine", EL_JSON_OPTIONAL, EL_MODEL_MAX_SHORT_STRING_BYTES,
                            &self->engine, error) ||
      !el_json_read_string (obj, NULL, "transcript", EL_JSON_OPTIONAL, EL_MODEL_MAX_TRANSCRIPT_BYTES,
                            &self->transcript, error) ||
      !el_json_read_array (obj, NULL, "words", EL_JSON_OPTIONAL, EL_MODEL_MAX_WORDS, &words, error) ||
      (words != NULL && (self->words = read_words (words, error)) == NULL) ||
      !el_json_read_string (obj, NULL, "error", EL_JSON_OPTIONAL, EL_MODEL_MAX_TEXT_BYTES, &self->error,
                            error) ||
      !el_json_read_timestamp (obj, NULL, "created_at", EL_JSON_REQUIRED, &self->created_at, error) ||
      !el_json_read_timestamp (obj, NULL, "updated_at", EL_JSON_REQUIRED, &self->updated_at, error))
    return NULL;
  self->status = (ElRecordingStatus) status;
  self->mime_type = (ElAudioMimeType) mime_type;

  if (self->sha256 != NULL && !el_sha256_is_valid (self->sha256))
    {
      ElJsonPath path = { NULL, "sha256", 0 };

      el_json_set_error (error, EL_MODEL_ERROR_OUT_OF_RANGE, &path, "not 64 lowercase hex digits");
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * el_recording_new_from_data:
 * @data: JSON text
 * @len: length of @data in bytes, or -1 if it is NUL-terminated
 * @error: return location for an %EL_MODEL_ERROR
 *
 * Returns: (transfer full) (nullable): the recording, or %NULL with @error set
 */
ElRecording *
el_recording_new_from_data (const char *data, gssize len, GError **error)
{
  g_autoptr (JsonNode) root = el_json_parse_document (data, len, error);

  if (root == NULL)
    return NULL;
  return el_recording_new_from_json (root, error);
}

/**
 * el_recording_to_json:
 * @self: a recording
 *
 * Returns: (transfer full): the Recording object; unset optional members are omitted
 */
JsonNode *
el_recording_to_json (ElRecording *self)
{
  JsonObject *obj;
  JsonNode *node;

  g_return_val_if_fail (EL_IS_RECORDING (self), NULL);

  obj = json_object_new ();
  el_json_put_string (obj, "id", self->id);
  el_json_put_string (obj, "handoff_id", self->handoff_id);
  el_json_put_enum (obj, "status", EL_TYPE_RECORDING_STATUS, (int) self->status);
  el_json_put_enum (obj, "mime_type", EL_TYPE_AUDIO_MIME_TYPE, (int) self->mime_type);
  if (self->duration_ms >= 0)
    json_object_set_int_member (obj, "duration_ms", self->duration_ms);
  if (self->size_bytes >= 0)
    json_object_set_int_member (obj, "size_bytes", self->size_bytes);
  el_json_put_string (obj, "sha256", self->sha256);
  el_json_put_string (obj, "engine", self->engine);
  el_json_put_string (obj, "transcript", self->transcript);
  if (self->words != NULL)
    {
      JsonArray *array = json_array_sized_new (self->words->len);

      for (guint i = 0; i < self->words->len; i++)
        {
          const ElRecordingWord *word = g_ptr_array_index (self->words, i);
          JsonObject *word_obj = json_object_new ();

          el_json_put_string (word_obj, "word", word->word);
          json_object_set_int_member (word_obj, "start_ms", word->start_ms);
          json_object_set_int_member (word_obj, "end_ms", word->end_ms);
          el_json_put_number (word_obj, "confidence", word->confidence);
          json_array_add_object_element (array, word_obj);
        }
      json_object_set_array_member (obj, "words", array);
    }
  el_json_put_string (obj, "error", self->error);
  el_json_put_timestamp (obj, "created_at", self->created_at);
  el_json_put_timestamp (obj, "updated_at", self->updated_at);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, obj);
  return node;
}

/**
 * el_recording_to_data:
 * @self: a recording
 * @len: (out) (optional): length of the text
 *
 * Returns: (transfer full): compact JSON text
 */
char *
el_recording_to_data (ElRecording *self, gsize *len)
{
  g_autoptr (JsonNode) node = NULL;

  g_return_val_if_fail (EL_IS_RECORDING (self), NULL);

  node = el_recording_to_json (self);
  return el_json_generate (node, len);
}

/**
 * el_recording_validate:
 * @self: a recording
 * @error: return location for an %EL_MODEL_ERROR
 *
 * Returns: %TRUE if el_recording_to_json() would be accepted by el_recording_new_from_json()
 */
gboolean
el_recording_validate (ElRecording *self, GError **error)
{
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (ElRecording) copy = NULL;

  g_return_val_if_fail (EL_IS_RECORDING (self), FALSE);

  node = el_recording_to_json (self);
  copy = el_recording_new_from_json (node, error);
  return copy != NULL;
}

static void
set_string_member (ElRecording *self, char **field, const char *value, guint prop_id)
{
  if (el_set_string (field, value))
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

const char *
el_recording_get_id (ElRecording *self)
{
  g_return_val_if_fail (EL_IS_RECORDING (self), NULL);
  return self->id;
}

void
el_recording_set_id (ElRecording *self, const char *id)
{
  g_return_if_fail (EL_IS_RECORDING (self));
  g_return_if_fail (id == NULL || el_uuid_is_valid (id));

  set_string_member (self, &self->id, id, PROP_ID);
}

const char *
el_recording_get_handoff_id (ElRecording *self)
{
  g_return_val_if_fail (EL_IS_RECORDING (self), NULL);
  return self->handoff_id;
}

void
el_recording_set_handoff_id (ElRecording *self, const char *handoff_id)
{
  g_return_if_fail (EL_IS_RECORDING (self));
  g_return_if_fail (handoff_id == NULL || el_uuid_is_valid (handoff_id));

  set_string_member (self, &self->handoff_id, handoff_id, PROP_HANDOFF_ID);
}

ElRecordingStatus
el_recording_get_status (ElRecording *self)
{
  g_return_val_if_fail (EL_IS_RECORDING (self), EL_RECORDING_STATUS_QUEUED);
  return self->status;
}

void
el_recording_set_status (ElRecording *self, ElRecordingStatus status)
{
  g_return_if_fail (EL_IS_RECORDING (self));
  g_return_if_fail (el_recording_status_to_string (status) != NULL);

  if (self->status == status)
    return;
  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

ElAudioMimeType
el_recording_get_mime_type (ElRecording *self)
{
  g_return_val_if_fail (EL_IS_RECORDING (self), EL_AUDIO_MIME_TYPE_OGG);
  return self->mime_type;
}

void
el_recording_set_mime_type (ElRecording *self, ElAudioMimeType mime_type)
{
  g_return_if_fail (EL_IS_RECORDING (self));
  g_return_if_fail (el_audio_mime_type_to_string (mime_type) != NULL);

  if (self->mime_type == mime_type)
    return;
  self->mime_type = mime_type;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MIME_TYPE]);
}

/**
 * el_recording_get_duration_ms:
 * @self: a recording
 *
 * Returns: the duration in milliseconds, or -1 if unknown
 */
gint64
el_recording_get_duration_ms (ElRecording *self)
{
  g_return_val_if_fail (EL_IS_RECORDING (self), -1);
  return self->duration_ms;
}

/**
 * el_recording_set_duration_ms:
 * @self: a recording
 * @duration_ms: 0..3600000, or -1 to unset
 */
void
el_recording_set_duration_ms (ElRecording *self, gint64 duration_ms)
{
  g_return_if_fail (EL_IS_RECORDING (self));
  g_return_if_fail (duration_ms >= -1 && duration_ms <= MAX_DURATION_MS);

  if (self->duration_ms == duration_ms)
    return;
  self->duration_ms = duration_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION_MS]);
}

/**
 * el_recording_get_size_bytes:
 * @self: a recording
 *
 * Returns: the size of the audio in bytes, or -1 if unknown
 */
gint64
el_recording_get_size_bytes (ElRecording *self)
{
  g_return_val_if_fail (EL_IS_RECORDING (self), -1);
  return self->size_bytes;
}

/**
 * el_recording_set_size_bytes:
 * @self: a recording
 * @size_bytes: the size in bytes, or -1 to unset
 */
void
el_recording_set_size_bytes (ElRecording *self, gint64 size_bytes)
{
  g_return_if_fail (EL_IS_RECORDING (self));
  g_return_if_fail (size_bytes >= -1 && size_bytes <= EL_MODEL_MAX_INTEGER);

  if (self->size_bytes == size_bytes)
    return;
  self->size_bytes = size_bytes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIZE_BYTES]);
}

const char *
el_recording_get_sha256 (ElRecording *self)
{
  g_return_val_if_fail (EL_IS_RECORDING (self), NULL);
  return self->sha256;
}

/**
 * el_recording_set_sha256:
 * @self: a recording
 * @sha256: (nullable): 64 lowercase hex digits, or %NULL
 */
void
el_recording_set_sha256 (ElRecording *self, const char *sha256)
{
  g_return_if_fail (EL_IS_RECORDING (self));
  g_return_if_fail (sha256 == NULL || el_sha256_is_valid (sha256));

  set_string_member (self, &self->sha256, sha256, PROP_SHA256);
}

const char *
el_recording_get_engine (ElRecording *self)
{
  g_return_val_if_fail (EL_IS_RECORDING (self), NULL);
  return self->engine;
}

void
el_recording_set_engine (ElRecording *self, const char *engine)
{
  g_return_if_fail (EL_IS_RECORDING (self));

  set_string_member (self, &self->engine, engine, PROP_ENGINE);
}

const char *
el_recording_get_transcript (ElRecording *self)
{
  g_return_val_if_fail (EL_IS_RECORDING (self), NULL);
  return self->transcript;
}

void
el_recording_set_transcript (ElRecording *self, const char *transcript)
{
  g_return_if_fail (EL_IS_RECORDING (self));

  set_string_member (self, &self->transcript, transcript, PROP_TRANSCRIPT);
}

/**
 * el_recording_get_words:
 * @self: a recording
 *
 * Returns: (transfer none) (nullable) (element-type ElRecordingWord): the recognized words, or
 *   %NULL if absent; may be edited in place
 */
GPtrArray *
el_recording_get_words (ElRecording *self)
{
  g_return_val_if_fail (EL_IS_RECORDING (self), NULL);
  return self->words;
}

/**
 * el_recording_set_words:
 * @self: a recording
 * @words: (nullable) (element-type ElRecordingWord): words to copy, or %NULL to remove the list
 */
void
el_recording_set_words (ElRecording *self, GPtrArray *words)
{
  GPtrArray *copy = NULL;

  g_return_if_fail (EL_IS_RECORDING (self));

  if (words != NULL)
    {
      copy = g_ptr_array_new_full (words->len, (GDestroyNotify) el_recording_word_free);
      for (guint i = 0; i < words->len; i++)
        g_ptr_array_add (copy, el_recording_word_copy (g_ptr_array_index (words, i)));
    }
  g_clear_pointer (&self->words, g_ptr_array_unref);
  self->words = copy;
}

/**
 * el_recording_add_word:
 * @self: a recording
 * @word: (transfer full): a word, appended (the list is created if absent)
 */
void
el_recording_add_word (ElRecording *self, ElRecordingWord *word)
{
  g_return_if_fail (EL_IS_RECORDING (self));
  g_return_if_fail (word != NULL);

  if (self->words == NULL)
    self->words = g_ptr_array_new_with_free_func ((GDestroyNotify) el_recording_word_free);
  g_ptr_array_add (self->words, word);
}

const char *
el_recording_get_error (ElRecording *self)
{
  g_return_val_if_fail (EL_IS_RECORDING (self), NULL);
  return self->error;
}

/**
 * el_recording_set_error:
 * @self: a recording
 * @message: (nullable): why processing failed; contains no PHI
 */
void
el_recording_set_error (ElRecording *self, const char *message)
{
  g_return_if_fail (EL_IS_RECORDING (self));

  set_string_member (self, &self->error, message, PROP_ERROR);
}

/**
 * el_recording_get_created_at:
 * @self: a recording
 *
 * Returns: (transfer none) (nullable): upload time (UTC)
 */
GDateTime *
el_recording_get_created_at (ElRecording *self)
{
  g_return_val_if_fail (EL_IS_RECORDING (self), NULL);
  return self->created_at;
}

void
el_recording_set_created_at (ElRecording *self, GDateTime *created_at)
{
  g_return_if_fail (EL_IS_RECORDING (self));

  if (el_set_timestamp (&self->created_at, created_at))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}

/**
 * el_recording_get_updated_at:
 * @self: a recording
 *
 * Returns: (transfer none) (nullable): time of the last status change (UTC)
 */
GDateTime *
el_recording_get_updated_at (ElRecording *self)
{
  g_return_val_if_fail (EL_IS_RECORDING (self), NULL);
  return self->updated_at;
}

void
el_recording_set_updated_at (ElRecording *self, GDateTime *updated_at)
{
  g_return_if_fail (EL_IS_RECORDING (self));

  if (el_set_timestamp (&self->updated_at, updated_at))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATED_AT]);
}
