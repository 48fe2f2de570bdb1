/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "el-chat-extractor.h"
#include "el-grounding.h"
#include "el-test-util.h"

/*
 * ElChatExtractor against an in-test SoupServer on 127.0.0.1 (port 0) that follows Azure OpenAI's
 * documented chat completions shapes: POST {endpoint}/openai/deployments/{deployment}/chat/
 * completions?api-version=V with an `api-key` header and a JSON body {messages, response_format,
 * temperature}; reply {id, object: "chat.completion", created, model, choices: [{index, message:
 * {role, content}, finish_reason}], usage}. The replies: a grounded answer, one with an invented dose
 * and allergy, malformed content, a body that is not JSON, HTTP 500, a content filter, no answer
 * at all (timeout); plus the OpenAI-compatible flavour (Bearer + model) and cancellation.
 */

#define KEY        "test-key-not-a-secret-0123456789"
#define DEPLOYMENT "gpt-4-handoff"

static const char *transcript_text =
    "This is John Smith, MRN 4 5 6 7 8. Allergic to penicillin, causes hives. Full code. Heart rate one "
    "twelve, BP one thirty two over eighty four, temp thirty eight point four. Metoprolol twenty five "
    "milligrams PO due at twenty two hundred. If his pressure drops below ninety call the rapid response "
    "team.";

typedef enum
{
  REPLY_GOOD,
  REPLY_INVENTED,
  REPLY_BAD_CONTENT,
  REPLY_NOT_JSON,
  REPLY_500,
  REPLY_FILTERED,
  REPLY_NEVER,
} Reply;

typedef struct
{
  SoupServer *server;
  char *base;
  Reply reply;
  guint requests;
  char *path;
  char *query;
  char *api_key;
  char *authorization;
  JsonNode *body;
  GPtrArray *paused;
} Fixture;

static const char *good_content =
    "{\"situation\": \"John Smith, full code.\", \"background\": \"Allergic to penicillin.\","
    " \"assessment\": \"HR 112, BP 132/84, temp 38.4.\", \"recommendation\": \"Metoprolol 25 mg PO at "
    "22:00.\","
    " \"fields\": {"
    "  \"patient_identifiers\": {\"name\": \"John Smith\", \"mrn\": \"45678\", \"span\": {\"start\": 0, "
    "\"end\": 1}},"
    "  \"code_status\": {\"value\": \"full_code\"},"
    "  \"allergies\": {\"no_known_allergies\": false, \"items\": [{\"substance\": \"penicillin\", "
    "\"reaction\": \"hives\"}]},"
    "  \"vitals\": {\"heart_rate\": {\"value\": 112}, \"blood_pressure\": {\"systolic\": 132, \"diastolic\": "
    "84},"
    "              \"temperature_c\": {\"value\": 38.4}, \"taken_at\": \"2026-11-26T04:00:00.000Z\"},"
    "  \"meds_due\": [{\"name\": \"metoprolol\", \"dose\": \"25 mg\", \"route\": \"PO\", \"time\": "
    "\"22:00\"}],"
    "  \"contingencies\": [{\"if\": \"his pressure drops below ninety\", \"then\": \"call the rapid response "
    "team\"}]"
    " }}";

static const char *invented_content =
    "{\"situation\": \"John Smith, gave 40 mg furosemide.\", \"assessment\": \"HR 112.\","
    " \"fields\": {"
    "  \"allergies\": {\"no_known_allergies\": false, \"items\": [{\"substance\": \"penicillin\", "
    "\"reaction\": \"hives\"},"
    "                                                        {\"substance\": \"latex\"}]},"
    "  \"vitals\": {\"heart_rate\": {\"value\": 112}, \"respiratory_rate\": {\"value\": 18}},"
    "  \"meds_due\": [{\"name\": \"metoprolol\", \"dose\": \"50 mg\", \"route\": \"PO\"},"
    "                {\"name\": \"metoprolol\", \"dose\": \"25 mg\"}]"
    " }}";

static char *
completion (const char *content, const char *finish_reason)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, "chatcmpl-test");
  json_builder_set_member_name (b, "object");
  json_builder_add_string_value (b, "chat.completion");
  json_builder_set_member_name (b, "created");
  json_builder_add_int_value (b, 1764130000);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, "gpt-4");
  json_builder_set_member_name (b, "choices");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "index");
  json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "finish_reason");
  json_builder_add_string_value (b, finish_reason);
  json_builder_set_member_name (b, "message");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, "assistant");
  json_builder_set_member_name (b, "content");
  if (content != NULL)
    json_builder_add_string_value (b, content);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "usage");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "total_tokens");
  json_builder_add_int_value (b, 100);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static void
handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer user_data)
{
  Fixture *fx = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *request = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) bytes = soup_message_body_flatten (request);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *reply = NULL;

  (void) server;
  (void) query;
  fx->requests++;
  g_free (fx->path);
  fx->path = g_strdup (path);
  g_free (fx->query);
  fx->query = g_strdup (g_uri_get_query (soup_server_message_get_uri (msg)));
  g_free (fx->api_key);
  fx->api_key = g_strdup (soup_message_headers_get_one (headers, "api-key"));
  g_free (fx->authorization);
  fx->authorization = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
  g_clear_pointer (&fx->body, json_node_unref);
  if (json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL))
    fx->body = json_node_copy (json_parser_get_root (parser));

  if (strcmp (soup_server_message_get_method (msg), "POST") != 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }
  switch (fx->reply)
    {
      case REPLY_GOOD:
        reply = completion (good_content, "stop");
        break;
      case REPLY_INVENTED:
        reply = completion (invented_content, "stop");
        break;
      case REPLY_BAD_CONTENT:
        reply = completion ("Here is the SBAR: {\"situation\": ", "stop");
        break;
      case REPLY_NOT_JSON:
        soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
        soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, "<html>oops</html>", 17);
        return;
      case REPLY_500:
        soup_server_message_set_status (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{\"error\":{}}", 11);
        return;
      case REPLY_FILTERED:
        reply = completion (NULL, "content_filter");
        break;
      case REPLY_NEVER:
      default:
        soup_server_message_pause (msg);
        g_ptr_array_add (fx->paused, g_object_ref (msg));
        return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  {
    gsize len = strlen (reply);
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, g_steal_pointer (&reply),
                                      len);
  }
}

static void
fixture_setup (Fixture *fx, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  GSList *uris;

  (void) data;
  memset (fx, 0, sizeof *fx);
  fx->paused = g_ptr_array_new_with_free_func (g_object_unref);
  fx->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fx->server, NULL, handler, fx, NULL);
  soup_server_listen_local (fx->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fx->server);
  fx->base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static void
fixture_teardown (Fixture *fx, gconstpointer data)
{
  (void) data;
  for (guint i = 0; i < fx->paused->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (fx->paused, i);
      soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
      soup_server_message_unpause (msg);
    }
  g_ptr_array_unref (fx->paused);
  soup_server_disconnect (fx->server);
  g_object_unref (fx->server);
  g_free (fx->base);
  g_free (fx->path);
  g_free (fx->query);
  g_free (fx->api_key);
  g_free (fx->authorization);
  g_clear_pointer (&fx->body, json_node_unref);
}

static ElOpenAiConfig *
azure_config (Fixture *fx, guint timeout)
{
  ElOpenAiConfig *config = el_openai_config_new (EL_OPENAI_FLAVOR_AZURE, fx->base, KEY);

  g_free (config->chat_model);
  config->chat_model = g_strdup (DEPLOYMENT);
  g_free (config->api_version);
  config->api_version = g_strdup ("2024-06-01");
  config->timeout_seconds = timeout;
  return config;
}

/* Direct connections to 127.0.0.1, no system proxy lookup (libproxy throws C++ exceptions that
 * ASan cannot intercept); the session is the extractor's injected service. */
static SoupSession *
direct_session (void)
{
  g_autoptr (GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

  return soup_session_new_with_options ("timeout", 30, "proxy-resolver", direct, NULL);
}

static ElExtraction *
run (ElSbarExtractor *extractor, ElTranscript *tr, GCancellable *cancellable, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  el_sbar_extractor_extract_async (extractor, tr, cancellable, el_test_result_cb, &result);
  return el_sbar_extractor_extract_finish (extractor, el_test_wait_for (&result), error);
}

static guint
count_flags (ElExtraction *ex, ElExtractionFlagKind kind, const char *field)
{
  guint n = 0;

  for (guint i = 0; i < el_extraction_get_n_flags (ex); i++)
    {
      const ElExtractionFlag *flag = el_extraction_get_flag (ex, i);
      if (flag->kind == kind && (field == NULL || g_strcmp0 (flag->field, field) == 0))
        n++;
    }
  return n;
}

static char *
span_text (const ElSpan *span)
{
  const char *s = g_utf8_offset_to_pointer (transcript_text, span->start);
  const char *e = g_utf8_offset_to_pointer (transcript_text, span->end);
  return g_strndup (s, e - s);
}

static void
test_good (Fixture *fx, gconstpointer data)
{
  g_autoptr (ElOpenAiConfig) config = azure_config (fx, 10);
  g_autoptr (SoupSession) session = direct_session ();
  g_autoptr (ElSbarExtractor) chat = el_chat_extractor_new (config, session);
  g_autoptr (ElTranscript) tr = el_transcript_new_from_text (transcript_text, "test");
  g_autoptr (ElExtraction) ex = NULL;
  g_autoptr (GError) error = NULL;
  JsonObject *body;
  JsonArray *messages;
  ElSbarFields *f;
  ElSbarIdentifiers *ids;
  ElSbarMedDue *med;
  g_autofree char *hr = NULL;
  g_autofree char *ids_text = NULL;

  (void) data;
  fx->reply = REPLY_GOOD;
  g_assert_cmpstr (el_sbar_extractor_get_engine_name (chat), ==, "openai");
  ex = run (chat, tr, NULL, &error);
  g_assert_no_error (error);

  /* the request, as Azure documents it */
  g_assert_cmpuint (fx->requests, ==, 1);
  g_assert_cmpstr (fx->path, ==, "/openai/deployments/" DEPLOYMENT "/chat/completions");
  g_assert_cmpstr (fx->query, ==, "api-version=2024-06-01");
  g_assert_cmpstr (fx->api_key, ==, KEY);
  g_assert_null (fx->authorization);
  g_assert_nonnull (fx->body);
  body = json_node_get_object (fx->body);
  g_assert_false (json_object_has_member (body, "model"));
  messages = json_object_get_array_member (body, "messages");
  g_assert_cmpuint (json_array_get_length (messages), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 0), "role"), ==,
                   "system");
  g_assert_nonnull (
      strstr (json_object_get_string_member (json_array_get_object_element (messages, 0), "content"),
              "ONLY values stated in the transcript"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (messages, 1), "role"), ==,
                   "user");
  g_assert_nonnull (
      strstr (json_object_get_string_member (json_array_get_object_element (messages, 1), "content"),
              transcript_text));
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (body, "response_format"), "type"), ==,
      "json_object");
  g_assert_cmpint (json_object_get_int_member (body, "temperature"), ==, 0);

  /* the answer, grounded */
  g_assert_cmpstr (el_extraction_get_engine (ex), ==, "openai");
  g_assert_false (el_extraction_get_fell_back (ex));
  g_assert_cmpuint (count_flags (ex, EL_EXTRACTION_FLAG_UNGROUNDED, NULL), ==, 0);
  g_assert_true (el_extraction_check_grounded (ex, tr, &error));
  g_assert_cmpstr (el_extraction_get_section (ex, EL_SBAR_SECTION_ASSESSMENT), ==,
                   "HR 112, BP 132/84, temp 38.4.");
  f = el_extraction_get_fields (ex);
  ids = el_sbar_fields_get_patient_identifiers (f);
  g_assert_cmpstr (ids->mrn, ==, "45678");
  /* the model's span (0..1) is not trusted: ours covers the name and the MRN */
  ids_text = span_text (ids->span);
  g_assert_cmpstr (ids_text, ==, "John Smith, MRN 4 5 6 7 8");
  hr = span_text (el_sbar_fields_get_vitals (f)->heart_rate->span);
  g_assert_cmpstr (hr, ==, "one twelve");
  g_assert_null (el_sbar_fields_get_vitals (f)->taken_at);
  g_assert_cmpfloat_with_epsilon (el_sbar_fields_get_vitals (f)->temperature_c->value, 38.4, 1e-9);
  med = g_ptr_array_index (el_sbar_fields_get_meds_due (f), 0);
  g_assert_cmpstr (med->dose, ==, "25 mg");
  g_assert_nonnull (med->span);
  g_assert_cmpint (el_sbar_fields_get_code_status (f)->value, ==, EL_CODE_STATUS_FULL_CODE);
  g_assert_cmpuint (el_sbar_fields_get_contingencies (f)->len, ==, 1);
}

static void
test_invented (Fixture *fx, gconstpointer data)
{
  g_autoptr (ElOpenAiConfig) config = azure_config (fx, 10);
  g_autoptr (SoupSession) session = direct_session ();
  g_autoptr (ElSbarExtractor) chat = el_chat_extractor_new (config, session);
  g_autoptr (ElTranscript) tr = el_transcript_new_from_text (transcript_text, "test");
  g_autoptr (ElExtraction) ex = NULL;
  g_autoptr (GError) error = NULL;
  ElSbarFields *f;
  GPtrArray *meds;
  ElSbarAllergies *al;

  (void) data;
  fx->reply = REPLY_INVENTED;
  ex = run (chat, tr, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (el_extraction_get_fell_back (ex));
  g_assert_true (el_extraction_check_grounded (ex, tr, &error));
  g_assert_no_error (error);
  f = el_extraction_get_fields (ex);

  /* 50 mg was never said: that med is dropped, the 25 mg one is kept */
  meds = el_sbar_fields_get_meds_due (f);
  g_assert_cmpuint (meds->len, ==, 1);
  g_assert_cmpstr (((ElSbarMedDue *) g_ptr_array_index (meds, 0))->dose, ==, "25 mg");
  g_assert_cmpuint (count_flags (ex, EL_EXTRACTION_FLAG_UNGROUNDED, "meds_due[0]"), ==, 1);
  /* latex was never said: dropped, penicillin kept */
  al = el_sbar_fields_get_allergies (f);
  g_assert_cmpuint (al->items->len, ==, 1);
  g_assert_cmpstr (((ElSbarAllergy *) g_ptr_array_index (al->items, 0))->substance, ==, "penicillin");
  g_assert_cmpuint (count_flags (ex, EL_EXTRACTION_FLAG_UNGROUNDED, "allergies.items[1]"), ==, 1);
  /* a respiratory rate of 18 was never said */
  g_assert_null (el_sbar_fields_get_vitals (f)->respiratory_rate);
  g_assert_cmpfloat (el_sbar_fields_get_vitals (f)->heart_rate->value, ==, 112);
  g_assert_cmpuint (count_flags (ex, EL_EXTRACTION_FLAG_UNGROUNDED, "vitals.respiratory_rate"), ==, 1);
  /* "gave 40 mg furosemide" in a section: replaced by the rules engine's situation */
  g_assert_cmpuint (count_flags (ex, EL_EXTRACTION_FLAG_UNGROUNDED, "situation"), ==, 1);
  g_assert_null (strstr (el_extraction_get_section (ex, EL_SBAR_SECTION_SITUATION), "furosemide"));
  g_assert_cmpstr (el_extraction_get_section (ex, EL_SBAR_SECTION_ASSESSMENT), ==, "HR 112.");
}

static void
check_fell_back (Fixture *fx, Reply reply, guint timeout)
{
  g_autoptr (ElOpenAiConfig) config = azure_config (fx, timeout);
  g_autoptr (SoupSession) session = direct_session ();
  g_autoptr (ElSbarExtractor) chat = el_chat_extractor_new (config, session);
  g_autoptr (ElTranscript) tr = el_transcript_new_from_text (transcript_text, "test");
  g_autoptr (ElExtraction) ex = NULL;
  g_autoptr (GError) error = NULL;

  fx->reply = reply;
  ex = run (chat, tr, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fx->requests, ==, 1);
  g_assert_true (el_extraction_get_fell_back (ex));
  g_assert_cmpstr (el_extraction_get_engine (ex), ==, "rules");
  /* the rules engine's result, grounded */
  g_assert_true (el_extraction_check_grounded (ex, tr, &error));
  g_assert_cmpfloat (el_sbar_fields_get_vitals (el_extraction_get_fields (ex))->heart_rate->value, ==, 112);
  for (guint i = 0; i < el_extraction_get_n_flags (ex); i++)
    g_assert_null (strstr (el_extraction_get_flag (ex, i)->detail, KEY));
}

static void
test_bad_content (Fixture *fx, gconstpointer data)
{
  (void) data;
  check_fell_back (fx, REPLY_BAD_CONTENT, 10);
}

static void
test_not_json (Fixture *fx, gconstpointer data)
{
  (void) data;
  check_fell_back (fx, REPLY_NOT_JSON, 10);
}

static void
test_500 (Fixture *fx, gconstpointer data)
{
  (void) data;
  check_fell_back (fx, REPLY_500, 10);
}

static void
test_filtered (Fixture *fx, gconstpointer data)
{
  (void) data;
  check_fell_back (fx, REPLY_FILTERED, 10);
}

static void
test_timeout (Fixture *fx, gconstpointer data)
{
  (void) data;
  check_fell_back (fx, REPLY_NEVER, 1);
  g_assert_cmpuint (fx->paused->len, ==, 1);
}

static void
test_not_configured (void)
{
  g_autoptr (ElSbarExtractor) chat = el_chat_extractor_new (NULL, NULL);
  g_autoptr (ElTranscript) tr = el_transcript_new_from_text (transcript_text, "test");
  g_autoptr (ElExtraction) ex = NULL;
  g_autoptr (GError) error = NULL;

  ex = run (chat, tr, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (el_extraction_get_fell_back (ex));
}

static void
test_unreachable (void)
{
  g_autoptr (ElOpenAiConfig) config =
      el_openai_config_new (EL_OPENAI_FLAVOR_COMPATIBLE, "http://127.0.0.1:9/v1", NULL);
  g_autoptr (SoupSession) session = direct_session ();
  g_autoptr (ElSbarExtractor) chat = el_chat_extractor_new (config, session);
  g_autoptr (ElTranscript) tr = el_transcript_new_from_text (transcript_text, "test");
  g_autoptr (ElExtraction) ex = NULL;
  g_autoptr (GError) error = NULL;

  ex = run (chat, tr, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (el_extraction_get_fell_back (ex));
}

static void
test_compatible (Fixture *fx, gconstpointer data)
{
  g_autofree char *base = g_strdup_printf ("%s/v1/", fx->base);
  g_autoptr (ElOpenAiConfig) config = el_openai_config_new (EL_OPENAI_FLAVOR_COMPATIBLE, base, KEY);
  g_autoptr (SoupSession) session = direct_session ();
  g_autoptr (ElSbarExtractor) chat = el_chat_extractor_new (config, session);
  g_autoptr (ElTranscript) tr = el_transcript_new_from_text (transcript_text, "test");
  g_autoptr (ElExtraction) ex = NULL;
  g_autoptr (GError) error = NULL;

  (void) data;
  fx->reply = REPLY_GOOD;
  ex = run (chat, tr, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (el_extraction_get_fell_back (ex));
  g_assert_cmpstr (fx->path, ==, "/v1/chat/completions");
  g_assert_cmpstr (fx->authorization, ==, "Bearer " KEY);
  g_assert_null (fx->api_key);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (fx->body), "model"), ==,
                   config->chat_model);
}

static void
cancel_soon (GCancellable *cancellable)
{
  g_cancellable_cancel (cancellable);
}

static void
test_cancel (Fixture *fx, gconstpointer data)
{
  g_autoptr (ElOpenAiConfig) config = azure_config (fx, 30);
  g_autoptr (SoupSession) session = direct_session ();
  g_autoptr (ElSbarExtractor) chat = el_chat_extractor_new (config, session);
  g_autoptr (ElTranscript) tr = el_transcript_new_from_text (transcript_text, "test");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (ElExtraction) ex = NULL;
  g_autoptr (GError) error = NULL;

  (void) data;
  fx->reply = REPLY_NEVER;
  g_timeout_add_once (200, (GSourceOnceFunc) cancel_soon, cancellable);
  ex = run (chat, tr, cancellable, &error);
  g_assert_null (ex);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

typedef struct
{
  ElSbarExtractor *extractor;
  ElTranscript *tr;
  ElExtraction *result;
  gboolean done;
} SyncJob;

static gpointer
sync_thread (gpointer data)
{
  SyncJob *job = data;
  g_autoptr (GError) error = NULL;

  job->result = el_sbar_extractor_extract_sync (job->extractor, job->tr, NULL, &error);
  g_assert_no_error (error);
  g_atomic_int_set (&job->done, TRUE);
  g_main_context_wakeup (NULL);
  return NULL;
}

/* The blocking form from a worker thread (the job runner's way), the server on the main thread. */
static void
test_sync_in_thread (Fixture *fx, gconstpointer data)
{
  g_autoptr (ElOpenAiConfig) config = azure_config (fx, 10);
  g_autoptr (SoupSession) session = direct_session ();
  g_autoptr (ElSbarExtractor) chat = el_chat_extractor_new (config, session);
  g_autoptr (ElTranscript) tr = el_transcript_new_from_text (transcript_text, "test");
  SyncJob job = { chat, tr, NULL, FALSE };
  GThread *thread;

  (void) data;
  fx->reply = REPLY_GOOD;
  thread = g_thread_new ("extract", sync_thread, &job);
  while (!g_atomic_int_get (&job.done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);
  g_assert_nonnull (job.result);
  g_assert_false (el_extraction_get_fell_back (job.result));
  g_assert_cmpuint (fx->requests, ==, 1);
  el_extraction_unref (job.result);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) \
  g_test_add ("/el/extract/chat/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("good", test_good);
  ADD ("invented-values", test_invented);
  ADD ("malformed-content", test_bad_content);
  ADD ("not-json", test_not_json);
  ADD ("http-500", test_500);
  ADD ("content-filter", test_filtered);
  ADD ("timeout", test_timeout);
  ADD ("compatible", test_compatible);
  ADD ("cancel", test_cancel);
  ADD ("sync-in-thread", test_sync_in_thread);
#undef ADD
  g_test_add_func ("/el/extract/chat/not-configured", test_not_configured);
  g_test_add_func ("/el/extract/chat/unreachable", test_unreachable);
  return g_test_run ();
}
