/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ElOpenAiConfig and ElOpenAiTranscriber against an in-test SoupServer on 127.0.0.1 that checks
 * requests the way Azure OpenAI documents them (deployment + api-version in the path, `api-key`
 * header, multipart fields) and answers with OpenAI's verbose_json, or errors, stalls, floods. */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "el-openai-config.h"
#include "el-openai-transcriber.h"
#include "el-test-util.h"
#include "speech-test-util.h"

#define KEY "sk-test-secret-key-123"

typedef enum
{
  REPLY_WORDS,
  REPLY_SEGMENTS,
  REPLY_TEXT_ONLY,
  REPLY_MALFORMED,
  REPLY_NO_TEXT,
  REPLY_UNGROUNDED,
  REPLY_401,
  REPLY_429,
  REPLY_500,
  REPLY_STALL,
  REPLY_HUGE,
} ReplyMode;

typedef struct
{
  SoupServer *server;
  char *base; /* http://127.0.0.1:PORT */
  ReplyMode mode;
  gboolean compatible;
  guint requests;
  GPtrArray *problems; /* what the server found wrong in a request */
  GBytes *audio;
} Fixture;

static const char good_words_reply[] =
    "{\"task\":\"transcribe\",\"language\":\"english\",\"duration\":4.25,"
    "\"text\":\"Temperature thirty eight point four, sats ninety one percent.\","
    "\"segments\":[{\"id\":0,\"seek\":0,\"start\":0.0,\"end\":2.0,\"text\":\" Temperature thirty eight point "
    "four,\","
    "\"tokens\":[1,2],\"temperature\":0.0,\"avg_logprob\":-0.2,\"compression_ratio\":1.1,\"no_speech_prob\":"
    "0.01},"
    "{\"id\":1,\"seek\":0,\"start\":2.0,\"end\":4.2,\"text\":\" sats ninety one percent.\",\"tokens\":[3],"
    "\"temperature\":0.0,\"avg_logprob\":-1.5,\"compression_ratio\":1.1,\"no_speech_prob\":0.01}],"
    "\"words\":[{\"word\":\"Temperature\",\"start\":0.0,\"end\":0.62},{\"word\":\"thirty\",\"start\":0.62,"
    "\"end\":0.9},"
    "{\"word\":\"eight\",\"start\":0.9,\"end\":1.1},{\"word\":\"point\",\"start\":1.1,\"end\":1.4},"
    "{\"word\":\"four\",\"start\":1.4,\"end\":1.8},{\"word\":\"sats\",\"start\":2.1,\"end\":2.5},"
    "{\"word\":\"ninety\",\"start\":2.5,\"end\":2.9},{\"word\":\"one\",\"start\":2.9,\"end\":3.1},"
    "{\"word\":\"percent\",\"start\":3.1,\"end\":3.6}]}";

static const char segments_reply[] =
    "{\"task\":\"transcribe\",\"language\":\"english\",\"duration\":3.0,"
    "\"text\":\"Fièvre à trente huit. Pain six out of ten.\","
    "\"segments\":[{\"id\":0,\"start\":0.0,\"end\":1.0,\"text\":\" Fièvre à trente "
    "huit.\",\"avg_logprob\":-0.1},"
    "{\"id\":1,\"start\":1.5,\"end\":3.0,\"text\":\" Pain six out of ten.\",\"avg_logprob\":-0.3}]}";

static void
problem (Fixture *f, const char *what)
{
  g_ptr_array_add (f->problems, g_strdup (what));
}

static void
check_request (Fixture *f, SoupServerMessage *msg, const char *path, GHashTable *query)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) flat = soup_message_body_flatten (body);
  g_autoptr (SoupMultipart) multipart = soup_multipart_new_from_message (headers, flat);
  gboolean file = FALSE, format = FALSE, word = FALSE, segment = FALSE, language = FALSE, model = FALSE;

  if (g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0)
    problem (f, "not a POST");
  if (f->compatible)
    {
      if (g_strcmp0 (path, "/v1/audio/transcriptions") != 0)
        problem (f, "compatible path");
      if (g_strcmp0 (soup_message_headers_get_one (headers, "Authorization"), "Bearer " KEY) != 0)
        problem (f, "bearer header");
      if (soup_message_headers_get_one (headers, "api-key") != NULL)
        problem (f, "api-key sent to a compatible server");
    }
  else
    {
      if (g_strcmp0 (path, "/openai/deployments/whisper-test/audio/transcriptions") != 0)
        problem (f, "azure path");
      if (query == NULL || g_strcmp0 (g_hash_table_lookup (query, "api-version"), "2024-06-01") != 0)
        problem (f, "api-version");
      if (g_strcmp0 (soup_message_headers_get_one (headers, "api-key"), KEY) != 0)
        problem (f, "api-key header");
      if (soup_message_headers_get_one (headers, "Authorization") != NULL)
        problem (f, "Authorization sent to Azure");
    }
  if (multipart == NULL)
    {
      problem (f, "not multipart");
      return;
    }
  for (int i = 0; i < soup_multipart_get_length (multipart); i++)
    {
      SoupMessageHeaders *part_headers;
      GBytes *part_body;
      g_autoptr (GHashTable) params = NULL;
      g_autofree char *disposition = NULL;
      const char *name, *value;

      soup_multipart_get_part (multipart, i, &part_headers, &part_body);
      if (!soup_message_headers_get_content_disposition (part_headers, &disposition, &params))
        {
          problem (f, "part without Content-Disposition");
          continue;
        }
      name = g_hash_table_lookup (params, "name");
      value = g_bytes_get_size (part_body) < 64
                  ? g_strndup (g_bytes_get_data (part_body, NULL), g_bytes_get_size (part_body))
                  : NULL;
      if (g_strcmp0 (name, "file") == 0)
        file = g_strcmp0 (g_hash_table_lookup (params, "filename"), "recording.wav") == 0 &&
               g_strcmp0 (soup_message_headers_get_content_type (part_headers, NULL), "audio/wav") == 0 &&
               g_bytes_equal (part_body, f->audio);
      else if (g_strcmp0 (name, "response_format") == 0)
        format = g_strcmp0 (value, "verbose_json") == 0;
      else if (g_strcmp0 (name, "timestamp_granularities[]") == 0)
        {
          word |= g_strcmp0 (value, "word") == 0;
          segment |= g_strcmp0 (value, "segment") == 0;
        }
      else if (g_strcmp0 (name, "language") == 0)
        language = g_strcmp0 (value, "en") == 0;
      else if (g_strcmp0 (name, "model") == 0)
        model = g_strcmp0 (value, "whisper-1") == 0;
      g_free ((char *) value);
    }
  if (!file)
    problem (f, "file part");
  if (!format)
    problem (f, "response_format");
  if (!word || !segment)
    problem (f, "timestamp_granularities[]");
  if (!language)
    problem (f, "language");
  if (model != f->compatible)
    problem (f, "model field");
}

static void
handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer user_data)
{
  Fixture *f = user_data;
  const char *reply = NULL;

  f->requests++;
  check_request (f, msg, path, query);
  switch (f->mode)
    {
      case REPLY_WORDS:
        reply = good_words_reply;
        break;
      case REPLY_SEGMENTS:
        reply = segments_reply;
        break;
      case REPLY_TEXT_ONLY:
        reply = "{\"text\":\"No known allergies.\"}";
        break;
      case REPLY_MALFORMED:
        reply = "{\"text\": \"Temperature thirty eight\", \"words\": [";
        break;
      case REPLY_NO_TEXT:
        reply = "{\"task\":\"transcribe\",\"duration\":1.0,\"segments\":[]}";
        break;
      case REPLY_UNGROUNDED:
        reply = "{\"text\":\"Pain six out of ten.\",\"words\":[{\"word\":\"Pain\",\"start\":0,\"end\":0.3},"
                "{\"word\":\"vancomycin\",\"start\":0.3,\"end\":0.9}]}";
        break;
      case REPLY_401:
        soup_server_message_set_status (msg, 401, NULL);
        soup_server_message_set_response (
            msg, "application/json", SOUP_MEMORY_STATIC,
            "{\"error\":{\"code\":\"401\",\"message\":\"Access denied due to invalid "
            "subscription key sk-test-secret-key-123\"}}",
            strlen ("{\"error\":{\"code\":\"401\",\"message\":\"Access denied due to invalid "
                    "subscription key sk-test-secret-key-123\"}}"));
        return;
      case REPLY_429:
        soup_server_message_set_status (msg, 429, NULL);
        soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", "7");
        return;
      case REPLY_500:
        soup_server_message_set_status (msg, 500, NULL);
        return;
      case REPLY_STALL:
        soup_server_message_pause (msg);
        return;
      case REPLY_HUGE:
        {
          gsize n = 5 * 1024 * 1024;
          char *huge = g_malloc (n);

          memset (huge, ' ', n);
          memcpy (huge, "{\"text\":\"", 9);
          soup_server_message_set_status (msg, 200, NULL);
          soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, huge, n);
          return;
        }
    }
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, reply, strlen (reply));
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  GSList *uris;

  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, NULL, handler, f, NULL);
  g_assert_true (soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  f->base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  f->problems = g_ptr_array_new_with_free_func (g_free);
  f->audio = speech_test_sine_wav (16000, 1, 300);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  soup_server_disconnect (f->server);
  g_object_unref (f->server);
  g_free (f->base);
  g_ptr_array_unref (f->problems);
  g_bytes_unref (f->audio);
}

/* The engine with a direct connection (no system proxy lookup, as the API client tests do). */
static ElTranscriber *
engine_new (const ElOpenAiConfig *config)
{
  g_autoptr (GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

  return g_object_new (EL_TYPE_OPENAI_TRANSCRIBER, "config", config, "proxy-resolver", direct, NULL);
}

static ElTranscriber *
azure_engine (Fixture *f, guint timeout)
{
  g_autoptr (ElOpenAiConfig) config = el_openai_config_new (EL_OPENAI_FLAVOR_AZURE, f->base, KEY);

  config->transcription_model = g_strdup ("whisper-test");
  config->timeout_seconds = timeout;
  return engine_new (config);
}

static ElTranscript *
transcribe (Fixture *f, ElTranscriber *engine, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  el_transcriber_transcribe_async (engine, f->audio, "audio/wav", NULL, el_test_result_cb, &result);
  return el_transcriber_transcribe_finish (engine, el_test_wait_for (&result), error);
}

static void
assert_request_ok (Fixture *f)
{
  g_autofree char *joined = NULL;

  g_ptr_array_add (f->problems, NULL);
  joined = g_strjoinv (", ", (char **) f->problems->pdata);
  g_ptr_array_remove_index (f->problems, f->problems->len - 1);
  g_assert_cmpstr (joined, ==, "");
  g_assert_cmpuint (f->requests, ==, 1);
}

static char *
word_text (ElTranscript *t, guint i)
{
  const ElTranscriptWord *w = el_transcript_get_word (t, i);
  const char *text = el_transcript_get_text (t);
  const char *a = g_utf8_offset_to_pointer (text, w->start);
  const char *b = g_utf8_offset_to_pointer (text, w->end);

  return g_strndup (a, b - a);
}

static void
test_words (Fixture *f, gconstpointer data)
{
  g_autoptr (ElTranscriber) engine = azure_engine (f, 10);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElTranscript) t = NULL;
  g_autofree char *first = NULL, *last = NULL;
  const ElTranscriptWord *w;

  f->mode = REPLY_WORDS;
  t = transcribe (f, engine, &error);
  g_assert_no_error (error);
  assert_request_ok (f);
  g_assert_cmpstr (el_transcriber_get_engine_name (engine), ==, "openai");
  g_assert_cmpstr (el_transcript_get_engine (t), ==, "openai");
  g_assert_cmpstr (el_transcript_get_text (t), ==,
                   "Temperature thirty eight point four, sats ninety one percent.");
  g_assert_cmpuint (el_transcript_get_n_words (t), ==, 9);
  first = word_text (t, 0);
  last = word_text (t, 8);
  g_assert_cmpstr (first, ==, "Temperature");
  g_assert_cmpstr (last, ==, "percent");
  w = el_transcript_get_word (t, 4); /* "four": segment 1, exp(-0.2) */
  g_assert_cmpint (w->start_ms, ==, 1400);
  g_assert_cmpint (w->end_ms, ==, 1800);
  g_assert_cmpfloat_with_epsilon (w->confidence, 0.8187, 0.001);
  w = el_transcript_get_word (t, 6); /* "ninety": segment 2, exp(-1.5) */
  g_assert_cmpfloat_with_epsilon (w->confidence, 0.2231, 0.001);
  g_assert_cmpint (el_transcript_get_audio_ms (t), ==, 4250);
  g_assert_cmpfloat (el_transcript_get_processing_s (t), >=, 0.0);
}

static void
test_segments_only (Fixture *f, gconstpointer data)
{
  g_autoptr (ElTranscriber) engine = azure_engine (f, 10);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElTranscript) t = NULL;
  g_autofree char *w0 = NULL, *w1 = NULL, *w4 = NULL;
  gint64 previous = 0;

  f->mode = REPLY_SEGMENTS;
  t = transcribe (f, engine, &error);
  g_assert_no_error (error);
  assert_request_ok (f);
  /* "Fièvre" "à" "trente" "huit." "Pain" "six" "out" "of" "ten." */
  g_assert_cmpuint (el_transcript_get_n_words (t), ==, 9);
  w0 = word_text (t, 0);
  w1 = word_text (t, 1);
  w4 = word_text (t, 4);
  g_assert_cmpstr (w0, ==, "Fièvre");
  g_assert_cmpstr (w1, ==, "à");
  g_assert_cmpstr (w4, ==, "Pain");
  g_assert_cmpint (el_transcript_get_word (t, 1)->start, ==, 7); /* code points, not bytes */
  g_assert_cmpint (el_transcript_get_word (t, 0)->start_ms, ==, 0);
  g_assert_cmpint (el_transcript_get_word (t, 3)->end_ms, ==, 1000);
  g_assert_cmpint (el_transcript_get_word (t, 4)->start_ms, ==, 1500);
  g_assert_cmpint (el_transcript_get_word (t, 8)->end_ms, ==, 3000);
  for (guint i = 0; i < el_transcript_get_n_words (t); i++)
    {
      const ElTranscriptWord *w = el_transcript_get_word (t, i);

      g_assert_cmpint (w->start_ms, >=, previous);
      g_assert_cmpint (w->start_ms, <=, w->end_ms);
      previous = w->end_ms;
    }
  g_assert_cmpfloat_with_epsilon (el_transcript_get_word (t, 5)->confidence, 0.7408, 0.001);
}

static void
test_text_only (Fixture *f, gconstpointer data)
{
  g_autoptr (ElTranscriber) engine = azure_engine (f, 10);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElTranscript) t = NULL;

  f->mode = REPLY_TEXT_ONLY;
  t = transcribe (f, engine, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (el_transcript_get_n_words (t), ==, 3);
  g_assert_cmpint (el_transcript_get_word (t, 0)->start_ms, ==, -1);
  g_assert_cmpint (el_transcript_get_audio_ms (t), ==, -1);
}

static void
expect_error (Fixture *f, ReplyMode mode, guint timeout, int code)
{
  g_autoptr (ElTranscriber) engine = azure_engine (f, timeout);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElTranscript) t = NULL;

  f->mode = mode;
  t = transcribe (f, engine, &error);
  g_assert_null (t);
  g_assert_error (error, EL_TRANSCRIBER_ERROR, code);
  g_assert_null (strstr (error->message, KEY));
  g_assert_null (strstr (error->message, "Temperature"));
  g_test_message ("mode %d: %s", mode, error->message);
  assert_request_ok (f);
}

static void
test_malformed (Fixture *f, gconstpointer data)
{
  expect_error (f, REPLY_MALFORMED, 10, EL_TRANSCRIBER_ERROR_ENGINE);
}

static void
test_no_text (Fixture *f, gconstpointer data)
{
  expect_error (f, REPLY_NO_TEXT, 10, EL_TRANSCRIBER_ERROR_ENGINE);
}

static void
test_ungrounded (Fixture *f, gconstpointer data)
{
  expect_error (f, REPLY_UNGROUNDED, 10, EL_TRANSCRIBER_ERROR_ENGINE);
}

static void
test_401 (Fixture *f, gconstpointer data)
{
  expect_error (f, REPLY_401, 10, EL_TRANSCRIBER_ERROR_ENGINE);
}

static void
test_429 (Fixture *f, gconstpointer data)
{
  g_autoptr (ElTranscriber) engine = azure_engine (f, 10);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElTranscript) t = NULL;

  f->mode = REPLY_429;
  t = transcribe (f, engine, &error);
  g_assert_null (t);
  g_assert_error (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_UNAVAILABLE);
  g_assert_cmpuint (el_openai_transcriber_error_get_retry_after (error), ==, 7);
}

static void
test_500 (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) unrelated = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "x Retry after 3 s.");

  expect_error (f, REPLY_500, 10, EL_TRANSCRIBER_ERROR_UNAVAILABLE);
  g_assert_cmpuint (el_openai_transcriber_error_get_retry_after (unrelated), ==, 0);
}

static void
test_stall (Fixture *f, gconstpointer data)
{
  expect_error (f, REPLY_STALL, 1, EL_TRANSCRIBER_ERROR_UNAVAILABLE);
}

static void
test_huge (Fixture *f, gconstpointer data)
{
  expect_error (f, REPLY_HUGE, 20, EL_TRANSCRIBER_ERROR_ENGINE);
}

static void
test_compatible (Fixture *f, gconstpointer data)
{
  g_autofree char *base = g_strdup_printf ("%s/v1/", f->base);
  g_autoptr (ElOpenAiConfig) config = el_openai_config_new (EL_OPENAI_FLAVOR_COMPATIBLE, base, KEY);
  g_autoptr (ElTranscriber) engine = engine_new (config);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElTranscript) t = NULL;

  f->mode = REPLY_WORDS;
  f->compatible = TRUE;
  t = transcribe (f, engine, &error);
  g_assert_no_error (error);
  assert_request_ok (f);
  g_assert_cmpuint (el_transcript_get_n_words (t), ==, 9);
}

static void
test_bad_audio_and_unconfigured (Fixture *f, gconstpointer data)
{
  g_autoptr (ElTranscriber) engine = azure_engine (f, 10);
  g_autoptr (ElOpenAiConfig) config = el_openai_config_new (EL_OPENAI_FLAVOR_AZURE, f->base, KEY);
  g_autoptr (ElTranscriber) unconfigured = el_openai_transcriber_new (config); /* no deployment */
  g_autoptr (GBytes) garbage = g_bytes_new_static ("hello, not audio", 16);
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) error2 = NULL;
  g_autoptr (ElTranscript) t = NULL;
  g_autoptr (ElTranscript) t2 = NULL;

  t = el_transcriber_transcribe_sync (engine, garbage, "audio/ogg", NULL, &error);
  g_assert_null (t);
  g_assert_error (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_UNSUPPORTED_AUDIO);
  t2 = el_transcriber_transcribe_sync (unconfigured, f->audio, "audio/wav", NULL, &error2);
  g_assert_null (t2);
  g_assert_error (error2, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_UNAVAILABLE);
  g_assert_cmpuint (f->requests, ==, 0);
}

static void
test_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr (ElTranscriber) engine = azure_engine (f, 30);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElTranscript) t = NULL;

  f->mode = REPLY_STALL;
  el_transcriber_transcribe_async (engine, f->audio, "audio/wav", cancellable, el_test_result_cb, &result);
  while (f->requests == 0)
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (cancellable);
  t = el_transcriber_transcribe_finish (engine, el_test_wait_for (&result), &error);
  g_assert_null (t);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* --- ElOpenAiConfig --- */

static const char *const env_names[] = { "AZURE_OPENAI_ENDPOINT",
                                         "AZURE_OPENAI_API_KEY",
                                         "AZURE_OPENAI_WHISPER_DEPLOYMENT",
                                         "AZURE_OPENAI_GPT4_DEPLOYMENT",
                                         "AZURE_OPENAI_API_VERSION",
                                         "OPENAI_BASE_URL",
                                         "OPENAI_API_KEY",
                                         "OPENAI_TRANSCRIPTION_MODEL",
                                         "OPENAI_CHAT_MODEL",
                                         "OPENAI_TIMEOUT_SECONDS" };

static void
clear_env (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (env_names); i++)
    g_unsetenv (env_names[i]);
}

static void
expect_config_error (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElOpenAiConfig) config = el_openai_config_new_from_environment (&error);

  g_assert_null (config);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_null (strstr (error->message, KEY));
}

static void
test_config_environment (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElOpenAiConfig) none = NULL;
  g_autoptr (ElOpenAiConfig) azure = NULL;
  g_autoptr (ElOpenAiConfig) copy = NULL;
  g_autoptr (ElOpenAiConfig) compatible = NULL;
  g_autofree char *url = NULL, *chat = NULL, *curl = NULL;

  clear_env ();
  none = el_openai_config_new_from_environment (&error);
  g_assert_no_error (error);
  g_assert_null (none);

  g_setenv ("AZURE_OPENAI_ENDPOINT", "https://demo.openai.azure.com/", TRUE);
  expect_config_error (); /* no key */
  g_setenv ("AZURE_OPENAI_API_KEY", KEY, TRUE);
  g_setenv ("AZURE_OPENAI_WHISPER_DEPLOYMENT", "whisper", TRUE);
  g_setenv ("OPENAI_TIMEOUT_SECONDS", "soon", TRUE);
  expect_config_error ();
  g_setenv ("OPENAI_TIMEOUT_SECONDS", "15", TRUE);
  azure = el_openai_config_new_from_environment (&error);
  g_assert_no_error (error);
  g_assert_nonnull (azure);
  g_assert_cmpint (azure->flavor, ==, EL_OPENAI_FLAVOR_AZURE);
  g_assert_cmpstr (azure->endpoint, ==, "https://demo.openai.azure.com");
  g_assert_cmpuint (azure->timeout_seconds, ==, 15);
  url = el_openai_config_build_url (azure, "audio/transcriptions");
  g_assert_cmpstr (url, ==,
                   "https://demo.openai.azure.com/openai/deployments/whisper/audio/transcriptions"
                   "?api-version=2024-06-01");
  chat = el_openai_config_build_url (azure, "chat/completions");
  g_assert_null (chat); /* no GPT-4 deployment */
  copy = el_openai_config_copy (azure);
  g_assert_cmpstr (copy->api_key, ==, KEY);
  g_assert_true (copy->api_key != azure->api_key);

  g_setenv ("AZURE_OPENAI_ENDPOINT", "ftp://demo.openai.azure.com", TRUE);
  expect_config_error ();
  g_setenv ("AZURE_OPENAI_ENDPOINT", "https://user:pw@demo.openai.azure.com", TRUE);
  expect_config_error ();

  clear_env ();
  g_setenv ("OPENAI_BASE_URL", "http://127.0.0.1:8080/v1", TRUE);
  compatible = el_openai_config_new_from_environment (&error);
  g_assert_no_error (error);
  g_assert_cmpint (compatible->flavor, ==, EL_OPENAI_FLAVOR_COMPATIBLE);
  g_assert_null (compatible->api_key);
  g_assert_cmpstr (compatible->transcription_model, ==, "whisper-1");
  g_assert_cmpstr (compatible->chat_model, ==, "gpt-4o-mini");
  g_assert_cmpuint (compatible->timeout_seconds, ==, 60);
  curl = el_openai_config_build_url (compatible, "chat/completions");
  g_assert_cmpstr (curl, ==, "http://127.0.0.1:8080/v1/chat/completions");
  g_assert_null (el_openai_config_build_url (compatible, "files"));
  clear_env ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  /* First, before any test starts a thread: it changes the environment. */
  g_test_add_func ("/el/speech/openai/config-environment", test_config_environment);
#define ADD(path, fn) \
  g_test_add ("/el/speech/openai/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("words", test_words);
  ADD ("segments-only", test_segments_only);
  ADD ("text-only", test_text_only);
  ADD ("malformed-json", test_malformed);
  ADD ("no-text", test_no_text);
  ADD ("words-not-in-text", test_ungrounded);
  ADD ("401", test_401);
  ADD ("429-retry-after", test_429);
  ADD ("500", test_500);
  ADD ("stalled-reply", test_stall);
  ADD ("huge-reply", test_huge);
  ADD ("compatible", test_compatible);
  ADD ("bad-audio-unconfigured", test_bad_audio_and_unconfigured);
  ADD ("cancel", test_cancel);
#undef ADD
  return g_test_run ();
}
