/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-openai-transcriber.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <math.h>
#include <openssl/crypto.h>
#include <string.h>

#define READ_CHUNK 65536
/* The retry delay travels in the message (GError has no payload): "... Retry after N s." */
#define RETRY_AFTER_FORMAT " Retry after %u s."

struct _ElOpenAiTranscriber
{
  GObject parent_instance;
  ElOpenAiConfig *config;
  GProxyResolver *proxy_resolver; /* NULL: the system default */
};

enum
{
  PROP_0,
  PROP_CONFIG,
  PROP_PROXY_RESOLVER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void el_openai_transcriber_iface_init (ElTranscriberInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ElOpenAiTranscriber,
                               el_openai_transcriber,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (EL_TYPE_TRANSCRIBER, el_openai_transcriber_iface_init))

typedef struct
{
  SoupSession *session;
  SoupMessage *message;
  GInputStream *stream;
  GCancellable *internal; /* cancelled by the caller's cancellable or by the deadline */
  GCancellable *caller;
  gulong caller_handler;
  GSource *deadline;
  gboolean timed_out;
  guint timeout_seconds;
  GByteArray *body;
  gint64 started;
} Request;

static void
request_free (Request *r)
{
  if (r->deadline != NULL)
    {
      g_source_destroy (r->deadline);
      g_source_unref (r->deadline);
    }
  if (r->caller != NULL)
    {
      g_cancellable_disconnect (r->caller, r->caller_handler);
      g_object_unref (r->caller);
    }
  g_clear_object (&r->stream);
  g_clear_object (&r->message);
  g_clear_object (&r->session);
  g_clear_object (&r->internal);
  if (r->body != NULL)
    {
      if (r->body->data != NULL && r->body->len > 0)
        memset (r->body->data, 0, r->body->len); /* PHI */
      g_byte_array_unref (r->body);
    }
  g_free (r);
}

static void
caller_cancelled_cb (GCancellable *caller, gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static gboolean
deadline_cb (gpointer user_data)
{
  Request *r = user_data;

  r->timed_out = TRUE;
  g_cancellable_cancel (r->internal);
  return G_SOURCE_REMOVE;
}

/* An error of the transport (send or read): cancelled, timed out or unreachable. */
static void
return_transport_error (GTask *task, Request *r, GError *error)
{
  if (r->caller != NULL && g_cancellable_is_cancelled (r->caller))
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Transcription cancelled");
  else if (r->timed_out || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_task_return_new_error (task, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_UNAVAILABLE,
                             "The transcription service did not answer within %u s", r->timeout_seconds);
  else
    g_task_return_new_error (task, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_UNAVAILABLE,
                             "The transcription service could not be reached");
  g_error_free (error);
}

/* --- parsing verbose_json --- */

static gboolean
get_number (JsonObject *object, const char *name, double *out)
{
  JsonNode *node = json_object_get_member (object, name);
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *out = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  else
    return FALSE;
  return isfinite (*out);
}

static const char *
get_string (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonArray *
get_array (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return (node != NULL && JSON_NODE_HOLDS_ARRAY (node)) ? json_node_get_array (node) : NULL;
}

typedef struct
{
  double start, end; /* seconds */
  double confidence;
  const char *text;
} Segment;

static gint64
seconds_to_ms (double s)
{
  return (gint64) llround (CLAMP (s, 0.0, EL_TRANSCRIBER_MAX_AUDIO_MS / 1000.0) * 1000.0);
}

/* Finds @needle in @text from byte @from: exact first, then ignoring ASCII case. */
static const char *
find_word (const char *text, gsize from, const char *needle)
{
  const char *hit = strstr (text + from, needle);
  gsize n = strlen (needle);

  if (hit != NULL)
    return hit;
  for (const char *p = text + from; *p != '\0'; p++)
    if (g_ascii_strncasecmp (p, needle, n) == 0)
      return p;
  return NULL;
}

static double
segment_confidence (GArray *segments, double start, double end)
{
  double middle = (start + end) / 2;

  for (guint i = 0; i < segments->len; i++)
    {
      const Segment *s = &g_array_index (segments, Segment, i);

      if (middle >= s->start && middle <= s->end)
        return s->confidence;
    }
  return 1.0;
}

/* Adds @word (trimmed of spaces) found in the text after *@pos. */
static gboolean
add_word (ElTranscript *transcript,
          const char *text,
          gsize *pos,
          const char *word,
          gint64 start_ms,
          gint64 end_ms,
          double confidence,
          GError **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (word));
  const char *hit;
  gint64 start, end;

  if (trimmed[0] == '\0')
    return TRUE;
  hit = find_word (text, *pos, trimmed);
  if (hit == NULL)
    {
      g_set_error_literal (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_ENGINE,
                           "The transcription service returned words that are not in its text");
      return FALSE;
    }
  start = g_utf8_pointer_to_offset (text, hit);
  end = start + g_utf8_strlen (trimmed, -1);
  if (!el_transcript_add_word_at (transcript, start, end, start_ms, end_ms, confidence))
    {
      g_set_error_literal (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_ENGINE,
                           "The transcription service returned words out of order");
      return FALSE;
    }
  *pos = (gsize) (hit - text) + strlen (trimmed);
  return TRUE;
}

static ElTranscript *
parse_reply (GBytes *body, gint64 *audio_ms, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (ElTranscript) transcript = el_transcript_new ("openai");
  g_autoptr (GArray) segments = g_array_new (FALSE, FALSE, sizeof (Segment));
  JsonNode *root;
  JsonObject *object;
  JsonArray *words, *segs;
  const char *text;
  gsize size;
  const char *data = g_bytes_get_data (body, &size);
  gsize pos = 0;
  double duration = -1, last_end = 0;

  if (!json_parser_load_from_data (parser, data, (gssize) size, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_ENGINE,
                           "The transcription service returned malformed JSON");
      return NULL;
    }
  object = json_node_get_object (root);
  text = get_string (object, "text");
  if (text == NULL)
    {
      g_set_error_literal (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_ENGINE,
                           "The transcription service returned no text");
      return NULL;
    }
  el_transcript_set_text (transcript, text);
  if (get_number (object, "duration", &duration) && duration < 0)
    duration = -1;

  segs = get_array (object, "segments");
  for (guint i = 0; segs != NULL && i < json_array_get_length (segs); i++)
    {
      JsonNode *node = json_array_get_element (segs, i);
      Segment s = { 0, 0, 1.0, NULL };
      double logprob;

      if (!JSON_NODE_HOLDS_OBJECT (node) || !get_number (json_node_get_object (node), "start", &s.start) ||
          !get_number (json_node_get_object (node), "end", &s.end) || s.start < 0 || s.end < s.start)
        {
          g_set_error_literal (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_ENGINE,
                               "The transcription service returned a malformed segment");
          return NULL;
        }
      if (get_number (json_node_get_object (node), "avg_logprob", &logprob))
        s.confidence = CLAMP (exp (logprob), 0.0, 1.0);
      s.text = get_string (json_node_get_object (node), "text");
      g_array_append_val (segments, s);
    }

  words = get_array (object, "words");
  if (words != NULL && json_array_get_length (words) > 0)
    {
      for (guint i = 0; i < json_array_get_length (words); i++)
        {
          JsonNode *node = json_array_get_element (words, i);
          JsonObject *w;
          const char *word;
          double start, end;

          if (!JSON_NODE_HOLDS_OBJECT (node) || (w = json_node_get_object (node)) == NULL ||
              (word = get_string (w, "word")) == NULL || !get_number (w, "start", &start) ||
              !get_number (w, "end", &end) || start < 0 || end < start)
            {
              g_set_error_literal (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_ENGINE,
                                   "The transcription service returned a malformed word");
              return NULL;
            }
          if (!add_word (transcript, text, &pos, word, seconds_to_ms (start), seconds_to_ms (end),
                         segment_confidence (segments, start, end), error))
            return NULL;
          last_end = MAX (last_end, end);
        }
    }
  else if (segments->len > 0)
    {
      for (guint i = 0; i < segments->len; i++)
        {
          const Segment *s = &g_array_index (segments, Segment, i);
          g_auto (GStrv) parts = NULL;
          glong total = 0, done = 0;

          if (s->text == NULL)
            continue;
          parts = g_strsplit_set (s->text, " \t\n\r", -1);
          for (guint j = 0; parts[j] != NULL; j++)
            total += g_utf8_strlen (parts[j], -1);
          for (guint j = 0; parts[j] != NULL; j++)
            {
              glong n = g_utf8_strlen (parts[j], -1);
              double a, b;

              if (n == 0)
                continue;
              a = s->start + (s->end - s->start) * done / MAX (total, 1);
              b = s->start + (s->end - s->start) * (done + n) / MAX (total, 1);
              done += n;
              if (!add_word (transcript, text, &pos, parts[j], seconds_to_ms (a), seconds_to_ms (b),
                             s->confidence, error))
                return NULL;
            }
          last_end = MAX (last_end, s->end);
        }
    }
  else
    {
      /* Text only: words without audio times. */
      g_autoptr (ElTranscript) plain = el_transcript_new_from_text (text, "openai");

      for (guint i = 0; i < el_transcript_get_n_words (plain); i++)
        {
          const ElTranscriptWord *w = el_transcript_get_word (plain, i);

          el_transcript_add_word_at (transcript, w->start, w->end, -1, -1, 1.0);
        }
    }
  *audio_ms = duration >= 0 ? seconds_to_ms (duration) : (last_end > 0 ? seconds_to_ms (last_end) : -1);
  return g_steal_pointer (&transcript);
}

/* --- the request --- */

static void read_cb (GObject *source, GAsyncResult *result, gpointer user_data);

static void
finish_reply (GTask *task, Request *r)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = g_bytes_new_static (r->body->data, r->body->len);
  gint64 audio_ms = -1;
  ElTranscript *transcript = parse_reply (body, &audio_ms, &error);

  if (transcript == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  el_transcript_set_timing (transcript, audio_ms, (g_get_monotonic_time () - r->started) / 1e6);
  g_task_return_pointer (task, transcript, (GDestroyNotify) el_transcript_unref);
}

static void
read_next (GTask *task)
{
  Request *r = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (r->stream, READ_CHUNK, G_PRIORITY_DEFAULT, r->internal, read_cb, task);
}

static void
read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Request *r = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (GBytes) chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);

  if (chunk == NULL)
    {
      return_transport_error (task, r, error);
      return;
    }
  if (g_bytes_get_size (chunk) == 0)
    {
      finish_reply (task, r);
      return;
    }
  if (r->body->len + g_bytes_get_size (chunk) > EL_OPENAI_TRANSCRIBER_MAX_REPLY)
    {
      g_task_return_new_error (task, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_ENGINE,
                               "The transcription service's reply is larger than %d MiB",
                               EL_OPENAI_TRANSCRIBER_MAX_REPLY / (1024 * 1024));
      return;
    }
  g_byte_array_append (r->body, g_bytes_get_data (chunk, NULL), (guint) g_bytes_get_size (chunk));
  read_next (g_steal_pointer (&task));
}

static guint
parse_retry_after (const char *value)
{
  guint64 seconds;

  if (value == NULL)
    return 0;
  if (g_ascii_string_to_unsigned (value, 10, 0, 24 * 3600, &seconds, NULL))
    return (guint) seconds;
  {
    g_autoptr (GDateTime) when = soup_date_time_new_from_http_string (value);
    g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
    GTimeSpan diff;

    if (when == NULL)
      return 0;
    diff = g_date_time_difference (when, now) / G_TIME_SPAN_SECOND;
    return (guint) CLAMP (diff, 1, 24 * 3600);
  }
}

static void
send_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Request *r = g_task_get_task_data (task);
  GError *error = NULL;
  guint status;

  r->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (r->stream == NULL)
    {
      return_transport_error (task, r, error);
      return;
    }
  status = soup_message_get_status (r->message);
  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    {
      g_task_return_new_error (task, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_ENGINE,
                               "The transcription service says the engine is not authorised (HTTP %u); "
                               "check the API key",
                               status);
      return;
    }
  if (status == 429 || status >= 500)
    {
      guint retry = parse_retry_after (
          soup_message_headers_get_one (soup_message_get_response_headers (r->message), "Retry-After"));
      g_autoptr (GString) message = g_string_new (NULL);

      g_string_printf (message, "The transcription service is unavailable (HTTP %u).", status);
      if (retry > 0)
        g_string_append_printf (message, RETRY_AFTER_FORMAT, retry);
      g_task_return_new_error (task, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_UNAVAILABLE, "%s",
                               message->str);
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_new_error (task, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_ENGINE,
                               "The transcription service refused the request (HTTP %u)", status);
      return;
    }
  read_next (g_steal_pointer (&task));
}

static const char *
file_name_for (const char *content_type, const guint8 *data, gsize size, const char **mime)
{
  if (size >= 4 && memcmp (data, "OggS", 4) == 0)
    {
      *mime = "audio/ogg";
      return "recording.ogg";
    }
  if (size >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WAVE", 4) == 0)
    {
      *mime = "audio/wav";
      return "recording.wav";
    }
  return NULL;
}

static const char *
el_openai_transcriber_get_engine_name (ElTranscriber *transcriber)
{
  return "openai";
}

static void
el_openai_transcriber_transcribe_async (ElTranscriber *transcriber,
                                        GBytes *audio,
                                        const char *content_type,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data)
{
  ElOpenAiTranscriber *self = EL_OPENAI_TRANSCRIBER (transcriber);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *url = NULL;
  g_autoptr (SoupMultipart) multipart = NULL;
  SoupMessageHeaders *headers;
  const char *file_name, *mime = NULL;
  const guint8 *data;
  gsize size;
  Request *r;

  g_task_set_source_tag (task, el_openai_transcriber_transcribe_async);
  if (g_task_return_error_if_cancelled (task))
    return;
  data = g_bytes_get_data (audio, &size);
  file_name = file_name_for (content_type, data, size, &mime);
  if (file_name == NULL)
    {
      g_task_return_new_error (task, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_UNSUPPORTED_AUDIO,
                               "Only Ogg/Opus and WAV recordings can be transcribed");
      return;
    }
  url = el_openai_config_build_url (self->config, "audio/transcriptions");
  if (url == NULL || !g_uri_is_valid (url, G_URI_FLAGS_NONE, NULL))
    {
      g_task_return_new_error (task, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_UNAVAILABLE,
                               "No transcription model or deployment is configured");
      return;
    }

  multipart = soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);
  soup_multipart_append_form_file (multipart, "file", file_name, mime, audio);
  if (self->config->flavor == EL_OPENAI_FLAVOR_COMPATIBLE)
    soup_multipart_append_form_string (multipart, "model", self->config->transcription_model);
  soup_multipart_append_form_string (multipart, "response_format", "verbose_json");
  soup_multipart_append_form_string (multipart, "timestamp_granularities[]", "word");
  soup_multipart_append_form_string (multipart, "timestamp_granularities[]", "segment");
  soup_multipart_append_form_string (multipart, "language", "en");

  r = g_new0 (Request, 1);
  g_task_set_task_data (task, r, (GDestroyNotify) request_free);
  r->started = g_get_monotonic_time ();
  r->timeout_seconds = MAX (self->config->timeout_seconds, 1);
  r->body = g_byte_array_new ();
  r->session =
      soup_session_new_with_options ("timeout", r->timeout_seconds, "idle-timeout", r->timeout_seconds,
                                     "user-agent", "EclipseLink-Handoff/" PACKAGE_VERSION, NULL);
  if (self->proxy_resolver != NULL)
    soup_session_set_proxy_resolver (r->session, self->proxy_resolver);
  r->message = soup_message_new_from_multipart (url, multipart);
  headers = soup_message_get_request_headers (r->message);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (self->config->api_key != NULL && self->config->api_key[0] != '\0')
    {
      if (self->config->flavor == EL_OPENAI_FLAVOR_AZURE)
        soup_message_headers_replace (headers, "api-key", self->config->api_key);
      else
        {
          g_autofree char *bearer = g_strconcat ("Bearer ", self->config->api_key, NULL);

          soup_message_headers_replace (headers, "Authorization", bearer);
          OPENSSL_cleanse (bearer, strlen (bearer));
        }
    }
  r->internal = g_cancellable_new ();
  if (cancellable != NULL)
    {
      r->caller = g_object_ref (cancellable);
      r->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                                 g_object_ref (r->internal), g_object_unref);
    }
  r->deadline = g_timeout_source_new_seconds (r->timeout_seconds);
  g_source_set_callback (r->deadline, deadline_cb, r, NULL);
  g_source_attach (r->deadline, g_main_context_get_thread_default ());

  soup_session_send_async (r->session, r->message, G_PRIORITY_DEFAULT, r->internal, send_cb,
                           g_steal_pointer (&task));
}

static ElTranscript *
el_openai_transcriber_transcribe_finish (ElTranscriber *transcriber, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, transcriber), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
el_openai_transcriber_iface_init (ElTranscriberInterface *iface)
{
  iface->get_engine_name = el_openai_transcriber_get_engine_name;
  iface->transcribe_async = el_openai_transcriber_transcribe_async;
  iface->transcribe_finish = el_openai_transcriber_transcribe_finish;
}

guint
el_openai_transcriber_error_get_retry_after (const GError *error)
{
  const char *at;
  guint64 seconds;
  g_autofree char *digits = NULL;
  gsize n = 0;

  if (error == NULL || !g_error_matches (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_UNAVAILABLE))
    return 0;
  at = strstr (error->message, " Retry after ");
  if (at == NULL)
    return 0;
  at += strlen (" Retry after ");
  while (g_ascii_isdigit (at[n]))
    n++;
  digits = g_strndup (at, n);
  if (!g_ascii_string_to_unsigned (digits, 10, 0, G_MAXUINT, &seconds, NULL))
    return 0;
  return (guint) seconds;
}

static void
el_openai_transcriber_finalize (GObject *object)
{
  ElOpenAiTranscriber *self = EL_OPENAI_TRANSCRIBER (object);

  g_clear_pointer (&self->config, el_openai_config_free);
  g_clear_object (&self->proxy_resolver);
  G_OBJECT_CLASS (el_openai_transcriber_parent_class)->finalize (object);
}

static void
el_openai_transcriber_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElOpenAiTranscriber *self = EL_OPENAI_TRANSCRIBER (object);

  switch (prop_id)
    {
      case PROP_CONFIG:
        g_value_set_boxed (value, self->config);
        break;
      case PROP_PROXY_RESOLVER:
        g_value_set_object (value, self->proxy_resolver);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_openai_transcriber_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElOpenAiTranscriber *self = EL_OPENAI_TRANSCRIBER (object);

  switch (prop_id)
    {
      case PROP_CONFIG:
        g_clear_pointer (&self->config, el_openai_config_free);
        self->config = g_value_dup_boxed (value);
        break;
      case PROP_PROXY_RESOLVER:
        g_set_object (&self->proxy_resolver, g_value_get_object (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_openai_transcriber_constructed (GObject *object)
{
  ElOpenAiTranscriber *self = EL_OPENAI_TRANSCRIBER (object);

  G_OBJECT_CLASS (el_openai_transcriber_parent_class)->constructed (object);
  if (self->config == NULL) /* unusable, but never a crash: every call fails with UNAVAILABLE */
    self->config = el_openai_config_new (EL_OPENAI_FLAVOR_COMPATIBLE, "", NULL);
}

static void
el_openai_transcriber_class_init (ElOpenAiTranscriberClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = el_openai_transcriber_constructed;
  object_class->finalize = el_openai_transcriber_finalize;
  object_class->get_property = el_openai_transcriber_get_property;
  object_class->set_property = el_openai_transcriber_set_property;

  properties[PROP_CONFIG] =
      g_param_spec_boxed ("config", NULL, NULL, EL_TYPE_OPENAI_CONFIG,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROXY_RESOLVER] =
      g_param_spec_object ("proxy-resolver", NULL, NULL, G_TYPE_PROXY_RESOLVER,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
el_openai_transcriber_init (ElOpenAiTranscriber *self)
{
}

ElTranscriber *
el_openai_transcriber_new (const ElOpenAiConfig *config)
{
  return g_object_new (EL_TYPE_OPENAI_TRANSCRIBER, "config", config, NULL);
}
