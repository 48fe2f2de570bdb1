/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The server's speech jobs end to end: a spoken handoff (espeak-ng) uploaded to a real
 * eclipselink-server with the offline engines -> transcript with word timings -> SBAR version 1
 * "ai" with grounded spans -> handoff ready; no speech -> failed with a reason; health and metrics. */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "el-models.h"
#include "el-test-api.h"
#include "el-test-server.h"
#include "el-test-util.h"
#include "el-voice-profile.h"

#define PASSWORD "handoff-demo"

static const char *const spoken_handoff =
    "Situation. This is Maria Lopez in room twelve, admitted for pneumonia. "
    "She is full code. She is allergic to penicillin, it causes hives. "
    "Background. History of diabetes and high blood pressure. "
    "Assessment. Temperature thirty eight point four. Heart rate one hundred and ten. "
    "Blood pressure one hundred thirty two over eighty four. Oxygen saturation ninety one percent on two "
    "liters nasal cannula. "
    "Recommendation. Vancomycin one gram I V due at twenty two hundred. "
    "If her temperature goes above thirty nine, call the resident.";

typedef struct
{
  ElTestServer *server;
  ElTestApi *api;
  const ElTestLogin *nurse;
  char *patient;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->server = el_test_server_new ();
  el_test_server_setenv (f->server, "SPEECH_ENGINE", "pocketsphinx");
  el_test_server_setenv (f->server, "SBAR_EXTRACTOR", "rules");
  el_test_demo_prepare (f->server, PASSWORD);
  el_test_server_start (f->server);
  f->api = el_test_api_new (f->server);
  f->nurse = el_test_api_login (f->api, EL_TEST_DEMO_NURSE_A, PASSWORD);
  f->patient = el_test_api_patient_id (f->api, f->nurse, 0);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_free (f->patient);
  g_clear_pointer (&f->api, el_test_api_free);
  g_assert_cmpint (el_test_server_stop (f->server), ==, 0);
  g_clear_pointer (&f->server, el_test_server_free);
}

/* espeak-ng + sox: 16 kHz mono 16-bit WAV of @text, in memory (the files live in a temp dir). */
static GBytes *
speak (const char *text)
{
  g_autofree char *dir = el_test_make_dir ("el-speech-XXXXXX");
  g_autofree char *txt = g_build_filename (dir, "text.txt", NULL);
  g_autofree char *raw = g_build_filename (dir, "espeak.wav", NULL);
  g_autofree char *wav = g_build_filename (dir, "speech16k.wav", NULL);
  g_autoptr (GError) error = NULL;
  const char *espeak[] = { "espeak-ng", "-v", "en-us", "-s", "150", "-f", txt, "-w", raw, NULL };
  const char *sox[] = { "sox", "-R", raw, "-r", "16000", "-c", "1", "-b", "16", wav, NULL };
  int status = -1;
  char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_set_contents (txt, text, -1, &error));
  g_assert_no_error (error);
  if (!g_spawn_sync (NULL, (char **) espeak, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                     NULL, NULL, NULL, &status, &error))
    g_error ("espeak-ng is needed for this test (Debian package espeak-ng): %s", error->message);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  if (!g_spawn_sync (NULL, (char **) sox, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                     NULL, NULL, &status, &error))
    g_error ("sox is needed for this test (Debian package sox): %s", error->message);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_file_get_contents (wav, &contents, &len, &error));
  el_test_remove_tree (dir);
  return g_bytes_new_take (contents, len);
}

static char *
digest_of (GBytes *bytes)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 raw[32];
  gsize len = sizeof raw;
  g_autofree char *b64 = NULL;

  g_checksum_update (sum, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_checksum_get_digest (sum, raw, &len);
  b64 = g_base64_encode (raw, len);
  return g_strdup_printf ("sha-256=:%s:", b64);
}

/* Uploads @audio to a new handoff of the fixture's patient; returns the recording id. */
static char *
upload (Fixture *f, GBytes *audio, char **handoff_id)
{
  g_autofree char *etag = NULL;
  g_autofree char *id = el_test_api_create_handoff (f->api, f->nurse, f->patient, NULL, &etag);
  g_autofree char *path = g_strdup_printf ("/api/v1/handoffs/%s/recordings", id);
  g_autofree char *digest = digest_of (audio);
  g_autofree char *key = g_uuid_string_random ();
  const char *const headers[] = {
    "Content-Type", "audio/wav", "Content-Digest", digest, "Idempotency-Key", key, NULL
  };
  g_autoptr (ElTestResponse) resp =
      el_test_api_send (f->api, "POST", path, f->nurse->token, audio, headers, NULL);

  g_assert_cmpuint (resp->status, ==, 202);
  g_assert_cmpstr (el_test_response_get_string (resp, "status"), ==, "queued");
  *handoff_id = g_steal_pointer (&id);
  return g_strdup (el_test_response_get_string (resp, "id"));
}

/* Polls the recording until it is completed or failed (the job runs in the server). */
static ElRecording *
wait_recording (Fixture *f, const char *recording_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/recordings/%s", recording_id);

  for (guint i = 0; i < 1200; i++)
    {
      g_autoptr (ElTestResponse) resp = el_test_api_call (f->api, "GET", path, f->nurse, NULL, EL_TEST_END);
      const char *status;

      g_assert_cmpuint (resp->status, ==, 200);
      status = el_test_response_get_string (resp, "status");
      if (g_strcmp0 (status, "completed") == 0 || g_strcmp0 (status, "failed") == 0)
        {
          g_autoptr (GError) error = NULL;
          ElRecording *recording = el_recording_new_from_data (resp->text, -1, &error);

          g_assert_no_error (error);
          return recording;
        }
      g_usleep (100 * 1000);
    }
  g_error ("the recording was not processed within 120 s");
  return NULL;
}

static void
assert_span_in (JsonObject *field, gint64 transcript_len, guint *with_audio)
{
  JsonObject *span;

  if (field == NULL || !json_object_has_member (field, "span"))
    return;
  span = json_object_get_object_member (field, "span");
  g_assert_cmpint (json_object_get_int_member (span, "start"), >=, 0);
  g_assert_cmpint (json_object_get_int_member (span, "end"), <=, transcript_len);
  g_assert_cmpint (json_object_get_int_member (span, "start"), <=, json_object_get_int_member (span, "end"));
  if (json_object_has_member (span, "audio_start_ms"))
    (*with_audio)++;
}

static void
test_spoken_handoff (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) wav = speak (spoken_handoff);
  g_autofree char *handoff_id = NULL;
  g_autofree char *recording_id = upload (f, wav, &handoff_id);
  g_autoptr (ElRecording) recording = wait_recording (f, recording_id);
  g_autofree char *sbar_path = el_test_handoff_path (handoff_id, "/sbar");
  g_autofree char *handoff_path = el_test_handoff_path (handoff_id, NULL);
  GPtrArray *words;
  gint64 transcript_len;
  guint spans = 0, with_audio = 0;

  g_assert_cmpint (el_recording_get_status (recording), ==, EL_RECORDING_STATUS_COMPLETED);
  g_assert_cmpstr (el_recording_get_engine (recording), ==, "pocketsphinx");
  g_assert_nonnull (el_recording_get_transcript (recording));
  transcript_len = g_utf8_strlen (el_recording_get_transcript (recording), -1);
  g_assert_cmpint (transcript_len, >, 100);
  words = el_recording_get_words (recording);
  g_assert_nonnull (words);
  g_assert_cmpuint (words->len, >, 40);
  for (guint i = 1; i < words->len; i++)
    {
      const ElRecordingWord *a = g_ptr_array_index (words, i - 1);
      const ElRecordingWord *b = g_ptr_array_index (words, i);

      g_assert_cmpint (a->start_ms, <=, b->start_ms);
      g_assert_cmpint (b->start_ms, <=, b->end_ms);
    }

  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (f->api, "GET", sbar_path, f->nurse, NULL, EL_TEST_END);
    JsonObject *version, *fields;

    g_assert_cmpuint (resp->status, ==, 200);
    version = el_test_response_get_object (resp);
    g_assert_cmpint (json_object_get_int_member (version, "version"), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (version, "source"), ==, "ai");
    /* the author of an AI version is the nurse who uploaded the recording */
    g_assert_cmpstr (json_object_get_string_member (version, "author_id"), ==, f->nurse->id);
    g_assert_true (json_object_has_member (version, "completeness"));
    fields = json_object_get_object_member (version, "fields");
    g_assert_nonnull (fields);
    /* what the speaker said clearly comes back, each with its span in the transcript */
    g_assert_true (json_object_has_member (fields, "code_status"));
    g_assert_cmpstr (
        json_object_get_string_member (json_object_get_object_member (fields, "code_status"), "value"), ==,
        "full_code");
    g_assert_true (json_object_has_member (fields, "allergies"));
    for (GList *l = json_object_get_members (fields); l != NULL; l = g_list_delete_link (l, l))
      {
        JsonNode *node = json_object_get_member (fields, l->data);

        if (JSON_NODE_HOLDS_OBJECT (node))
          {
            assert_span_in (json_node_get_object (node), transcript_len, &with_audio);
            spans++;
          }
      }
    g_assert_cmpuint (spans, >=, 3);
    g_assert_cmpuint (with_audio, >=, 1);
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (f->api, "GET", handoff_path, f->nurse, NULL, EL_TEST_END);
    g_assert_cmpstr (el_test_response_get_string (resp, "status"), ==, "ready");
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (f->api, "GET", "/api/health", NULL, NULL, EL_TEST_END);
    JsonObject *speech = json_object_get_object_member (
        json_object_get_object_member (el_test_response_get_object (resp), "checks"), "speech");

    g_assert_cmpstr (json_object_get_string_member (speech, "status"), ==, "ok");
    g_assert_nonnull (strstr (json_object_get_string_member (speech, "detail"), "pocketsphinx"));
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (f->api, "GET", "/api/metrics", NULL, NULL, EL_TEST_END);

    g_assert_nonnull (strstr (resp->text, "\nel_transcription_duration_seconds_count 1\n"));
    g_assert_nonnull (strstr (resp->text, "\nel_sbar_generation_duration_seconds_count 1\n"));
    g_assert_nonnull (strstr (resp->text, "\nel_sbar_quality_score_count 1\n"));
  }
}

/* Silence: nothing was said, so no draft is invented; the nurse is told why. */
static void
test_no_speech (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) wav = el_test_make_wav (3000);
  g_autofree char *handoff_id = NULL;
  g_autofree char *recording_id = upload (f, wav, &handoff_id);
  g_autoptr (ElRecording) recording = wait_recording (f, recording_id);
  g_autofree char *sbar_path = el_test_handoff_path (handoff_id, "/sbar");
  g_autofree char *handoff_path = el_test_handoff_path (handoff_id, NULL);

  g_assert_cmpint (el_recording_get_status (recording), ==, EL_RECORDING_STATUS_FAILED);
  g_assert_nonnull (strstr (el_recording_get_error (recording), "no speech"));
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (f->api, "GET", sbar_path, f->nurse, NULL, EL_TEST_END);
    el_test_assert_problem (resp, 404, "not_found");
  }
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (f->api, "GET", handoff_path, f->nurse, NULL, EL_TEST_END);
    g_assert_cmpstr (el_test_response_get_string (resp, "status"), ==, "failed");
    g_assert_nonnull (strstr (el_test_response_get_string (resp, "failure_reason"), "no speech"));
  }
}

/* ------------------------------------------------------------------------------------------------
 * An OpenAI-compatible transcription endpoint (POST /v1/audio/transcriptions, verbose_json, as
 * OpenAI documents it) in its own thread: it fails the first @failures calls with 503, then answers.
 */

typedef struct
{
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  SoupServer *server;
  guint port;
  int failures; /* < 0: always fail */
  gint calls;
  GMutex lock;
  GCond ready;
} FakeOpenAi;

static void
transcriptions_cb (
    SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
{
  FakeOpenAi *fake = data;
  int call = g_atomic_int_add (&fake->calls, 1);
  static const char reply[] =
      "{\"task\":\"transcribe\",\"language\":\"english\",\"duration\":4.0,"
      "\"text\":\"She is full code. Allergic to penicillin.\","
      "\"words\":[{\"word\":\"She\",\"start\":0.0,\"end\":0.2},{\"word\":\"is\",\"start\":0.2,\"end\":0.4},"
      "{\"word\":\"full\",\"start\":0.4,\"end\":0.7},{\"word\":\"code\",\"start\":0.7,\"end\":1.0},"
      "{\"word\":\"Allergic\",\"start\":1.2,\"end\":1.7},{\"word\":\"to\",\"start\":1.7,\"end\":1.8},"
      "{\"word\":\"penicillin\",\"start\":1.8,\"end\":2.5}],"
      "\"segments\":[{\"id\":0,\"start\":0.0,\"end\":2.5,\"text\":\"She is full code. Allergic to "
      "penicillin.\","
      "\"avg_logprob\":-0.1}]}";

  if (g_strcmp0 (path, "/v1/audio/transcriptions") != 0 ||
      g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0)
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }
  if (fake->failures < 0 || call < fake->failures)
    {
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        "{\"error\":{\"message\":\"overloaded\"}}", 33);
      soup_server_message_set_status (msg, 503, NULL);
      return;
    }
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, reply, strlen (reply));
  soup_server_message_set_status (msg, 200, NULL);
}

static gpointer
fake_thread (gpointer data)
{
  FakeOpenAi *fake = data;
  g_autoptr (GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (fake->context);
  fake->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fake->server, "/v1", transcriptions_cb, fake, NULL);
  g_assert_true (soup_server_listen_local (fake->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (fake->server);
  g_mutex_lock (&fake->lock);
  fake->port = g_uri_get_port (uris->data);
  g_cond_signal (&fake->ready);
  g_mutex_unlock (&fake->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_main_loop_run (fake->loop);
  soup_server_disconnect (fake->server);
  g_clear_object (&fake->server);
  g_main_context_pop_thread_default (fake->context);
  return NULL;
}

static FakeOpenAi *
fake_openai_start (int failures)
{
  FakeOpenAi *fake = g_new0 (FakeOpenAi, 1);

  fake->failures = failures;
  fake->context = g_main_context_new ();
  fake->loop = g_main_loop_new (fake->context, FALSE);
  g_mutex_init (&fake->lock);
  g_cond_init (&fake->ready);
  g_mutex_lock (&fake->lock);
  fake->thread = g_thread_new ("fake-openai", fake_thread, fake);
  while (fake->port == 0)
    g_cond_wait (&fake->ready, &fake->lock);
  g_mutex_unlock (&fake->lock);
  return fake;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
fake_openai_stop (FakeOpenAi *fake)
{
  g_main_context_invoke (fake->context, quit_cb, fake->loop);
  g_thread_join (fake->thread);
  g_main_loop_unref (fake->loop);
  g_main_context_unref (fake->context);
  g_mutex_clear (&fake->lock);
  g_cond_clear (&fake->ready);
  g_free (fake);
}

/* A cloud engine that fails @failures times (-1: always), with fast retries (3 attempts). */
static void
cloud_set_up (Fixture *f, int failures, FakeOpenAi **fake)
{
  g_autofree char *base = NULL;

  *fake = fake_openai_start (failures);
  base = g_strdup_printf ("http://127.0.0.1:%u/v1", (*fake)->port);
  f->server = el_test_server_new ();
  el_test_server_setenv (f->server, "SPEECH_ENGINE", "openai");
  el_test_server_setenv (f->server, "SBAR_EXTRACTOR", "rules");
  el_test_server_setenv (f->server, "OPENAI_BASE_URL", base);
  /* direct connections to 127.0.0.1: no system proxy lookup (libproxy throws C++ exceptions that an
   * ASan build of the server cannot unwind) */
  el_test_server_setenv (f->server, "GIO_USE_PROXY_RESOLVER", "dummy");
  el_test_server_setenv (f->server, "EL_TEST_ROUTES", "1");
  el_test_server_setenv (f->server, "EL_TEST_JOB_RETRY_MS", "200");
  el_test_demo_prepare (f->server, PASSWORD);
  el_test_server_start (f->server);
  f->api = el_test_api_new (f->server);
  f->nurse = el_test_api_login (f->api, EL_TEST_DEMO_NURSE_A, PASSWORD);
  f->patient = el_test_api_patient_id (f->api, f->nurse, 0);
}

/* The engine is down twice: the job is retried with backoff and then succeeds. */
static void
test_retried (void)
{
  Fixture fixture = { 0 }, *f = &fixture;
  FakeOpenAi *fake = NULL;
  g_autoptr (GBytes) wav = el_test_make_wav (3000);
  g_autofree char *handoff_id = NULL;
  g_autofree char *recording_id = NULL;
  g_autoptr (ElRecording) recording = NULL;

  cloud_set_up (f, 2, &fake);
  recording_id = upload (f, wav, &handoff_id);
  recording = wait_recording (f, recording_id);
  g_assert_cmpint (el_recording_get_status (recording), ==, EL_RECORDING_STATUS_COMPLETED);
  g_assert_cmpstr (el_recording_get_engine (recording), ==, "openai");
  g_assert_cmpint (g_atomic_int_get (&fake->calls), ==, 3);
  {
    g_autofree char *sbar_path = el_test_handoff_path (handoff_id, "/sbar");
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (f->api, "GET", sbar_path, f->nurse, NULL, EL_TEST_END);
    JsonObject *fields;

    g_assert_cmpuint (resp->status, ==, 200);
    fields = json_object_get_object_member (el_test_response_get_object (resp), "fields");
    g_assert_cmpstr (
        json_object_get_string_member (json_object_get_object_member (fields, "code_status"), "value"), ==,
        "full_code");
  }
  fixture_tear_down (f, NULL);
  fake_openai_stop (fake);
}

/* The engine never answers: after the last attempt the recording and the handoff fail, with why. */
static void
test_failed_for_good (void)
{
  Fixture fixture = { 0 }, *f = &fixture;
  FakeOpenAi *fake = NULL;
  g_autoptr (GBytes) wav = el_test_make_wav (3000);
  g_autofree char *handoff_id = NULL;
  g_autofree char *recording_id = NULL;
  g_autoptr (ElRecording) recording = NULL;

  cloud_set_up (f, -1, &fake);
  recording_id = upload (f, wav, &handoff_id);
  recording = wait_recording (f, recording_id);
  g_assert_cmpint (el_recording_get_status (recording), ==, EL_RECORDING_STATUS_FAILED);
  g_assert_nonnull (strstr (el_recording_get_error (recording), "transcription failed"));
  g_assert_cmpint (g_atomic_int_get (&fake->calls), ==, 3);
  {
    g_autofree char *handoff_path = el_test_handoff_path (handoff_id, NULL);
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (f->api, "GET", handoff_path, f->nurse, NULL, EL_TEST_END);

    g_assert_cmpstr (el_test_response_get_string (resp, "status"), ==, "failed");
    g_assert_nonnull (strstr (el_test_response_get_string (resp, "failure_reason"), "transcription failed"));
  }
  fixture_tear_down (f, NULL);
  fake_openai_stop (fake);
}

static const char *
speech_detail (Fixture *f, ElTestResponse **keep)
{
  JsonObject *speech;

  *keep = el_test_api_call (f->api, "GET", "/api/health", NULL, NULL, EL_TEST_END);
  speech = json_object_get_object_member (
      json_object_get_object_member (el_test_response_get_object (*keep), "checks"), "speech");
  g_assert_cmpstr (json_object_get_string_member (speech, "status"), ==, "ok");
  return json_object_get_string_member (speech, "detail");
}

static gboolean
site_profile_present (Fixture *f)
{
  g_autofree char *info =
      g_build_filename (el_test_server_get_storage_dir (f->server), "site-voice", "profile.json", NULL);

  return g_file_test (info, G_FILE_TEST_IS_REGULAR);
}

/* Starts the server again on @first's database and storage with @env: does its health say it is
 * adapted to the site? */
static gboolean
restarted_adapted (ElTestServer *first, const char *const *env)
{
  g_autoptr (ElTestServer) server = el_test_demo_start_again (first, 0, env);
  g_autoptr (ElTestResponse) health = NULL;
  Fixture f = { .server = server };
  gboolean adapted;

  f.api = el_test_api_new (server);
  adapted = strstr (speech_detail (&f, &health), "(adapted to this site)") != NULL;
  g_clear_pointer (&f.api, el_test_api_free);
  g_assert_cmpint (el_test_server_stop (server), ==, 0);
  return adapted;
}

/* A server with @env (name, value pairs) and the demo; nurse A signed in, her first patient. */
static void
start_with (Fixture *f, const char *const *env)
{
  f->server = el_test_server_new ();
  for (guint i = 0; env[i] != NULL; i += 2)
    el_test_server_setenv (f->server, env[i], env[i + 1]);
  el_test_demo_prepare (f->server, PASSWORD);
  el_test_server_start (f->server);
  f->api = el_test_api_new (f->server);
  f->nurse = el_test_api_login (f->api, EL_TEST_DEMO_NURSE_A, PASSWORD);
  f->patient = el_test_api_patient_id (f->api, f->nurse, 0);
}

/* Stops the fixture's server; its log (stdout and stderr), which holds nothing of the spoken
 * handoff. */
static char *
stop_for_log (Fixture *f)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  char *log;

  g_clear_pointer (&f->api, el_test_api_free);
  g_assert_cmpint (el_test_server_stop (f->server), ==, 0);
  out = el_test_server_get_stdout (f->server);
  err = el_test_server_get_stderr (f->server);
  log = g_strconcat (out, err, NULL);
  g_assert_null (strstr (log, "penicillin"));
  g_assert_null (strstr (log, "Lopez"));
  return log;
}

/* serve refuses @name=@value at start: exit 2, naming the variable. */
static void
assert_refused_at_start (const char *name, const char *value)
{
  g_autoptr (ElTestServer) bad = el_test_server_new ();
  const char *const migrate[] = { "migrate", NULL };
  const char *const args[] = { "serve", "--port", "0", NULL };
  g_autofree char *err = NULL;

  el_test_server_setenv (bad, "SPEECH_ENGINE", "pocketsphinx");
  el_test_server_setenv (bad, name, value);
  g_assert_cmpint (el_test_server_run (bad, migrate, NULL, NULL), ==, 0);
  g_assert_cmpint (el_test_server_run (bad, args, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, name));
}

/* Site adaptation: once the offline engine has transcribed SPEECH_ADAPTATION_SECONDS of uploads, it
 * adapts to them (their transcripts as texts, nothing read) and decodes with the site's profile,
 * also after a restart; nothing of the transcripts reaches the log. */
static void
test_site_adaptation (void)
{
  static const char *const env[] = { "SPEECH_ENGINE",
                                     "pocketsphinx",
                                     "SBAR_EXTRACTOR",
                                     "rules",
                                     "SPEECH_ADAPTATION_SECONDS",
                                     "40",
                                     "SPEECH_SPEAKER_ADAPTATION_SECONDS",
                                     "0",
                                     NULL };
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autoptr (GBytes) wav = speak (spoken_handoff); /* about 30 s */
  g_autofree char *log = NULL;

  start_with (f, env);

  /* the first upload: not enough heard yet */
  {
    g_autofree char *handoff_id = NULL;
    g_autofree char *id = upload (f, wav, &handoff_id);
    g_autoptr (ElRecording) recording = wait_recording (f, id);
    g_autoptr (ElTestResponse) health = NULL;

    g_assert_cmpint (el_recording_get_status (recording), ==, EL_RECORDING_STATUS_COMPLETED);
    g_assert_false (site_profile_present (f));
    g_assert_null (strstr (speech_detail (f, &health), "adapted"));
  }
  /* the second: built from both, in use at once */
  {
    g_autofree char *handoff_id = NULL;
    g_autofree char *id = upload (f, wav, &handoff_id);
    g_autoptr (ElRecording) recording = wait_recording (f, id);
    g_autoptr (ElTestResponse) health = NULL;
    g_autoptr (ElTestResponse) metrics =
        el_test_api_call (f->api, "GET", "/api/metrics", NULL, NULL, EL_TEST_END);

    g_assert_cmpint (el_recording_get_status (recording), ==, EL_RECORDING_STATUS_COMPLETED);
    g_assert_true (site_profile_present (f));
    g_assert_nonnull (strstr (speech_detail (f, &health), "pocketsphinx (adapted to this site)"));
    g_assert_nonnull (strstr (metrics->text, "el_speech_jobs_total{kind=\"adapt\",outcome=\"ok\"} 1\n"));
  }
  /* the third is transcribed with it */
  {
    g_autofree char *handoff_id = NULL;
    g_autofree char *id = upload (f, wav, &handoff_id);
    g_autoptr (ElRecording) recording = wait_recording (f, id);

    g_assert_cmpint (el_recording_get_status (recording), ==, EL_RECORDING_STATUS_COMPLETED);
    g_assert_nonnull (strstr (el_recording_get_transcript (recording), "penicillin"));
  }
  log = stop_for_log (f);
  g_assert_nonnull (strstr (log, "site adaptation: built from 2 recordings"));

  /* after a restart: the site's profile from the start; with adaptation off, the stock model */
  g_assert_true (restarted_adapted (f->server, env));
  {
    static const char *const off[] = {
      "SPEECH_ENGINE", "pocketsphinx", "SBAR_EXTRACTOR", "rules", "SPEECH_ADAPTATION_SECONDS", "0", NULL
    };

    g_assert_false (restarted_adapted (f->server, off));
  }
  /* off unless set, even with a site profile on disk */
  {
    static const char *const unset[] = { "SPEECH_ENGINE", "pocketsphinx", "SBAR_EXTRACTOR", "rules", NULL };

    g_assert_false (restarted_adapted (f->server, unset));
  }
  g_free (f->patient);
  g_clear_pointer (&f->server, el_test_server_free);

  /* a value that is not a number of seconds: refused at start, exit 2 */
  assert_refused_at_start ("SPEECH_ADAPTATION_SECONDS", "ten minutes");
}

static guint
decodes_with (Fixture *f, const char *model)
{
  g_autoptr (ElTestResponse) metrics =
      el_test_api_call (f->api, "GET", "/api/metrics", NULL, NULL, EL_TEST_END);
  g_autofree char *series = g_strdup_printf ("el_speech_decodes_total{model=\"%s\"} ", model);
  const char *at = strstr (metrics->text, series);

  return at != NULL ? (guint) g_ascii_strtoull (at + strlen (series), NULL, 10) : 0;
}

/* Uploads @wav as the fixture's nurse and waits for its draft. */
static void
upload_and_wait (Fixture *f, GBytes *wav)
{
  g_autofree char *handoff_id = NULL;
  g_autofree char *id = upload (f, wav, &handoff_id);
  g_autoptr (ElRecording) recording = wait_recording (f, id);

  g_assert_cmpint (el_recording_get_status (recording), ==, EL_RECORDING_STATUS_COMPLETED);
}

/* Speaker adaptation: once the offline engine has transcribed SPEECH_SPEAKER_ADAPTATION_SECONDS of one
 * nurse's uploads, her voice profile is built from them and decodes her uploads (also after a
 * restart), and no one else's; nothing of the transcripts reaches the log. */
static void
test_speaker_adaptation (void)
{
  static const char *const env[] = { "SPEECH_ENGINE",
                                     "pocketsphinx",
                                     "SBAR_EXTRACTOR",
                                     "rules",
                                     "SPEECH_SPEAKER_ADAPTATION_SECONDS",
                                     "40",
                                     NULL };
  Fixture fixture = { 0 };
  Fixture *f = &fixture;
  g_autoptr (GBytes) wav = speak (spoken_handoff); /* about 30 s */
  g_autofree char *profile = NULL;
  g_autofree char *log = NULL;
  g_autofree char *patient_b = NULL;
  const ElTestLogin *nurse_a, *nurse_b;
  gint64 built_ms;

  start_with (f, env);
  nurse_a = f->nurse;
  nurse_b = el_test_api_login (f->api, EL_TEST_DEMO_NURSE_B, PASSWORD);
  patient_b = el_test_api_patient_id (f->api, nurse_b, 0);
  profile = g_build_filename (el_test_server_get_storage_dir (f->server), "voices", nurse_a->id, NULL);

  /* her first upload: stock model, not enough of her speech yet */
  upload_and_wait (f, wav);
  g_assert_cmpuint (decodes_with (f, "stock"), ==, 1);
  g_assert_false (el_voice_profile_is_present (profile));
  /* the second: her profile is built from both (the site's model is untouched) */
  upload_and_wait (f, wav);
  g_assert_cmpuint (decodes_with (f, "stock"), ==, 2);
  g_assert_true (el_voice_profile_is_present (profile));
  {
    g_autoptr (ElTestResponse) health = NULL;

    g_assert_null (strstr (speech_detail (f, &health), "adapted"));
    g_assert_false (site_profile_present (f));
  }
  /* her third is decoded with it */
  upload_and_wait (f, wav);
  g_assert_cmpuint (decodes_with (f, "speaker"), ==, 1);
  /* another nurse's upload is not */
  f->nurse = nurse_b;
  g_free (f->patient);
  f->patient = g_strdup (patient_b);
  upload_and_wait (f, wav);
  g_assert_cmpuint (decodes_with (f, "stock"), ==, 3);
  g_assert_cmpuint (decodes_with (f, "speaker"), ==, 1);
  {
    g_autofree char *profile_b =
        g_build_filename (el_test_server_get_storage_dir (f->server), "voices", nurse_b->id, NULL);

    g_assert_false (g_file_test (profile_b, G_FILE_TEST_EXISTS));
  }
  log = stop_for_log (f);
  g_assert_nonnull (strstr (log, "speaker adaptation: built from 2 recordings"));
  built_ms = el_voice_profile_get_audio_ms (profile);
  g_assert_cmpint (built_ms, >, 40000);

  /* after a restart: her profile is read from the storage; with twice as much of her speech heard
   * (this is her fourth upload), it is built again from all of it */
  {
    g_autoptr (ElTestServer) again = el_test_demo_start_again (f->server, 0, env);
    Fixture second = { .server = again };

    second.api = el_test_api_new (again);
    second.nurse = el_test_api_login (second.api, EL_TEST_DEMO_NURSE_A, PASSWORD);
    second.patient = el_test_api_patient_id (second.api, second.nurse, 0);
    upload_and_wait (&second, wav);
    g_assert_cmpuint (decodes_with (&second, "speaker"), ==, 1);
    for (guint i = 0; i < 600 && el_voice_profile_get_audio_ms (profile) == built_ms; i++)
      g_usleep (100 * 1000);
    g_assert_cmpint (el_voice_profile_get_audio_ms (profile), >=, 2 * built_ms);
    g_free (second.patient);
    g_clear_pointer (&second.api, el_test_api_free);
    g_assert_cmpint (el_test_server_stop (again), ==, 0);
  }
  g_free (f->patient);
  g_clear_pointer (&f->server, el_test_server_free);

  /* a value that is not a number of seconds: refused at start, exit 2 */
  assert_refused_at_start ("SPEECH_SPEAKER_ADAPTATION_SECONDS", "-1");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/el/server/speech/spoken-handoff", Fixture, NULL, fixture_set_up, test_spoken_handoff,
              fixture_tear_down);
  g_test_add ("/el/server/speech/no-speech", Fixture, NULL, fixture_set_up, test_no_speech,
              fixture_tear_down);
  g_test_add_func ("/el/server/speech/retried", test_retried);
  g_test_add_func ("/el/server/speech/failed-for-good", test_failed_for_good);
  g_test_add_func ("/el/server/speech/site-adaptation", test_site_adaptation);
  g_test_add_func ("/el/server/speech/speaker-adaptation", test_speaker_adaptation);
  return g_test_run ();
}
