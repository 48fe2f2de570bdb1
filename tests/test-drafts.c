/* SPDX-License-Identifier: GPL-3.0-or-later */
/* On-device drafts (issue 5, "On the PC"): a sealed recording in the account's recordings folder is
 * handed over with el_context_submit_recording_async(); with the on-device mode the PC transcribes
 * and extracts it itself (pocketsphinx + rules, the same code as the server) and saves version 1
 * with source "on-device"; sync then pushes the handoff, that version and the audio (decrypted while
 * it streams), and the server keeps the PC's version instead of adding an "ai" one on top. Real
 * server with its speech jobs on, real keyring, real sealed files. */
#include "config.h"

#include <linux/magic.h>
#include <string.h>
#include <sys/vfs.h>

#include "el-context.h"
#include "el-drafter.h"
#include "el-models.h"
#include "el-rules-extractor.h"
#include "el-pocketsphinx-transcriber.h"
#include "el-sealed-audio.h"
#include "el-test-api.h"
#include "el-test-server.h"
#include "el-test-util.h"
#include "el-voice-profile.h"
#include "speech-test-util.h"

#define PASSWORD "handoff-demo"

#define RUN(async, ...)                               \
  ({                                                  \
    g_clear_object (&r);                              \
    async (__VA_ARGS__, NULL, el_test_result_cb, &r); \
    el_test_wait_for (&r);                            \
  })

static const char *const handoff_text =
    "Situation. Mister Hughes in room nine is full code. He is allergic to penicillin, it gives him hives. "
    "Assessment. His temperature is thirty eight point two and his heart rate is one hundred and six. "
    "Recommendation. If his pressure drops below ninety, call the resident.";

/* espeak-ng -> WAV -> Ogg/Opus, sealed into the account's recordings folder as ElRecorder would. */
static char *
seal_recording (ElContext *ctx, const char *recording_id)
{
  g_autofree char *tmp = el_test_make_dir ("el-drafts-XXXXXX");
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) wav = speech_test_synthesise (handoff_text, tmp, "drafts", &error);
  g_autoptr (GBytes) ogg = NULL;
  g_autoptr (ElSealedAudioWriter) writer = NULL;
  char *path;

  if (wav == NULL)
    g_error ("espeak-ng and sox are needed: %s", error->message);
  ogg = speech_test_wav_to_ogg_opus (wav, &error);
  g_assert_no_error (error);
  writer = el_sealed_audio_writer_new (el_context_get_audio_vault (ctx), el_context_get_recordings_dir (ctx),
                                       recording_id, &error);
  g_assert_no_error (error);
  g_assert_true (el_sealed_audio_writer_append (writer, g_bytes_get_data (ogg, NULL), g_bytes_get_size (ogg),
                                                (g_bytes_get_size (wav) - 44) / 32, &error));
  g_assert_true (el_sealed_audio_writer_finish (writer, &error));
  g_assert_no_error (error);
  path = g_strdup (el_sealed_audio_writer_get_path (writer));
  el_test_remove_tree (tmp);
  return path;
}

/* A server with its speech jobs on (pocketsphinx + rules), Nurse A signed in on a new context whose
 * cache holds her unit (one sync; the timer off). */
typedef struct
{
  ElTestServer *server;
  ElTestApi *api;
  const ElTestLogin *nurse;
  char *patient_id;
  char *data_dir;
  ElContext *ctx;
} Fixture;

static void
fixture_set_up (Fixture *f)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElUser) user = NULL;
  g_autoptr (GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

  f->server = el_test_server_new ();
  el_test_server_setenv (f->server, "SPEECH_ENGINE", "pocketsphinx");
  el_test_server_setenv (f->server, "SBAR_EXTRACTOR", "rules");
  el_test_demo_prepare (f->server, PASSWORD);
  el_test_server_start (f->server);
  f->api = el_test_api_new (f->server);
  f->nurse = el_test_api_login (f->api, EL_TEST_DEMO_NURSE_A, PASSWORD);
  f->patient_id = el_test_api_patient_id (f->api, f->nurse, 1);
  f->data_dir = el_test_make_dir ("el-drafts-data-XXXXXX");

  f->ctx = el_context_new (el_test_server_get_url (f->server), f->data_dir, &error);
  g_assert_no_error (error);
  el_api_client_set_proxy_resolver (el_context_get_api_client (f->ctx), direct);
  user = el_context_sign_in_finish (
      f->ctx, RUN (el_context_sign_in_async, f->ctx, EL_TEST_DEMO_NURSE_A, PASSWORD), NULL, &error);
  g_assert_no_error (error);
  g_object_set (el_context_get_sync (f->ctx), "interval", 0, NULL);
  g_assert_true (el_sync_run_finish (el_context_get_sync (f->ctx),
                                     RUN (el_sync_run_async, el_context_get_sync (f->ctx), EL_SYNC_RUN_NONE),
                                     NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;

  if (el_context_get_store (f->ctx) != NULL) /* not signed out by the test */
    {
      g_assert_true (el_context_sign_out_finish (
          f->ctx, RUN (el_context_sign_out_async, f->ctx, EL_CONTEXT_SIGN_OUT_FORCE), NULL, &error));
      g_assert_no_error (error);
    }
  g_clear_object (&f->ctx);
  el_test_remove_tree (f->data_dir);
  g_free (f->data_dir);
  g_free (f->patient_id);
  g_clear_pointer (&f->api, el_test_api_free);
  g_assert_cmpint (el_test_server_stop (f->server), ==, 0);
  g_clear_pointer (&f->server, el_test_server_free);
}

/* A local handoff for @patient_id, made on this PC. */
static char *
create_local_handoff (ElContext *ctx, const char *patient_id, const ElTestLogin *nurse)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElHandoff) handoff = NULL;
  char *handoff_id = g_uuid_string_random ();
  g_autofree char *json =
      g_strdup_printf ("{\"id\":\"%s\",\"patient_id\":\"%s\",\"unit_id\":\"%s\",\"status\":\"draft\","
                       "\"shift_date\":\"2026-11-25\",\"shift\":\"night\",\"created_by\":\"%s\","
                       "\"created_at\":\"2026-11-25T19:00:00.000Z\",\"updated_at\":"
                       "\"2026-11-25T19:00:00.000Z\",\"latest_version\":0}",
                       handoff_id, patient_id, nurse->unit_id, nurse->id);

  handoff = el_handoff_new_from_data (json, -1, &error);
  g_assert_no_error (error);
  g_free (el_store_create_handoff_finish (
      el_context_get_store (ctx), RUN (el_store_create_handoff_async, el_context_get_store (ctx), handoff),
      &error));
  g_assert_no_error (error);
  return handoff_id;
}

/* Hands @path over as @nurse in @mode; neither the hand-over nor a draft fails. Returns the draft made
 * on this PC (NULL: none was made here). */
static ElExtraction *
submit (ElContext *ctx,
        const char *handoff_id,
        const char *recording_id,
        const char *path,
        ElTranscriptionMode mode,
        const ElTestLogin *nurse)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) draft_error = NULL;
  ElExtraction *draft = NULL;

  g_assert_true (el_context_submit_recording_finish (ctx,
                                                     RUN (el_context_submit_recording_async, ctx, handoff_id,
                                                          recording_id, path, mode, 0, nurse->id, "Nurse A"),
                                                     &draft, &draft_error, &error));
  g_assert_no_error (error);
  g_assert_no_error (draft_error);
  return draft;
}

static void
test_on_device_draft (void)
{
  Fixture fx = { 0 };
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDrafter) drafter = NULL;
  g_autoptr (ElTranscriber) transcriber = el_pocketsphinx_transcriber_new ();
  g_autoptr (ElSbarExtractor) extractor = el_rules_extractor_new ();
  g_autoptr (ElExtraction) draft = NULL;
  g_autofree char *handoff_id = NULL;
  g_autofree char *recording_id = g_uuid_string_random ();
  g_autofree char *sealed_path = NULL;
  ElContext *ctx;
  ElTestApi *api;
  const ElTestLogin *nurse;

  fixture_set_up (&fx);
  ctx = fx.ctx;
  api = fx.api;
  nurse = fx.nurse;
  drafter = el_drafter_new (transcriber, extractor);
  el_context_set_drafter (ctx, drafter);

  /* a handoff made on this PC */
  handoff_id = create_local_handoff (ctx, fx.patient_id, nurse);

  /* the recording, sealed where ElRecorder puts it; no OggS on disk */
  sealed_path = seal_recording (ctx, recording_id);
  {
    g_autofree char *contents = NULL;
    gsize len = 0;

    g_assert_true (g_file_get_contents (sealed_path, &contents, &len, NULL));
    for (gsize i = 0; i + 4 <= len; i++)
      g_assert_false (memcmp (contents + i, "OggS", 4) == 0);
  }

  /* handed over on this PC: drafted here, version 1 "on-device" in the cache */
  draft = submit (ctx, handoff_id, recording_id, sealed_path, EL_TRANSCRIPTION_MODE_ON_DEVICE, nurse);
  g_assert_nonnull (draft);
  {
    /* what was said clearly came back (recognition is not perfect: at least two of these four) */
    ElSbarFields *fields = el_extraction_get_fields (draft);
    ElSbarVitals *vitals = el_sbar_fields_get_vitals (fields);
    guint found = 0;

    found += el_sbar_fields_get_allergies (fields) != NULL;
    found += vitals != NULL && vitals->temperature_c != NULL;
    found += vitals != NULL && vitals->heart_rate != NULL;
    found += el_sbar_fields_get_contingencies (fields) != NULL;
    g_assert_cmpuint (found, >=, 2);
  }
  {
    g_autoptr (ElStoreSbar) sbar = el_store_get_sbar_finish (
        el_context_get_store (ctx), RUN (el_store_get_sbar_async, el_context_get_store (ctx), handoff_id, 0),
        &error);

    g_assert_no_error (error);
    g_assert_true (sbar->pending);
    g_assert_cmpint (el_sbar_version_get_version (sbar->version), ==, 1);
    g_assert_cmpint (el_sbar_version_get_source (sbar->version), ==, EL_SBAR_SOURCE_ON_DEVICE);
  }

  /* sync: the handoff, the version, then the audio */
  g_assert_true (el_sync_run_finish (el_context_get_sync (ctx),
                                     RUN (el_sync_run_async, el_context_get_sync (ctx), EL_SYNC_RUN_NONE),
                                     NULL, &error));
  g_assert_no_error (error);
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/recordings/%s", recording_id);
    g_autofree char *status = NULL;

    for (guint i = 0; i < 1200; i++)
      {
        g_autoptr (ElTestResponse) resp = el_test_api_call (api, "GET", path, nurse, NULL, EL_TEST_END);

        g_assert_cmpuint (resp->status, ==, 200);
        g_free (status);
        status = g_strdup (el_test_response_get_string (resp, "status"));
        if (g_strcmp0 (status, "completed") == 0 || g_strcmp0 (status, "failed") == 0)
          {
            g_assert_cmpstr (status, ==, "completed");
            /* the server transcribed the uploaded audio too: it arrived whole and decodable */
            g_assert_nonnull (el_test_response_get_string (resp, "transcript"));
            break;
          }
        g_usleep (100 * 1000);
      }
    g_assert_cmpstr (status, ==, "completed");
  }
  {
    g_autofree char *path = el_test_handoff_path (handoff_id, "/sbar/versions");
    g_autoptr (ElTestResponse) resp = el_test_api_call (api, "GET", path, nurse, NULL, EL_TEST_END);
    JsonArray *items;

    g_assert_cmpuint (resp->status, ==, 200);
    items = json_object_get_array_member (el_test_response_get_object (resp), "items");
    /* the PC's version stands; no "ai" version was added on top of it */
    g_assert_cmpuint (json_array_get_length (items), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 0), "source"), ==,
                     "on-device");
  }

  fixture_tear_down (&fx);
}

/* Automatic mode while the server is reachable: the server drafts, unless the nurse trained speech
 * recognition on this PC: then her voice profile drafts here. The profile is built from a sealed
 * reading with el_context_enroll_voice_async(), which deletes the reading and remakes the drafter. */
static void
test_automatic_with_voice_profile (void)
{
  Fixture fx = { 0 };
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  ElContext *ctx;
  const ElTestLogin *nurse;
  const char *patient_id;

  fixture_set_up (&fx);
  ctx = fx.ctx;
  nurse = fx.nurse;
  patient_id = fx.patient_id;
  g_assert_true (el_context_ensure_drafter (ctx, &error));
  g_assert_no_error (error);
  g_assert_nonnull (el_context_get_drafter (ctx));
  g_assert_false (el_context_has_voice_profile (ctx));

  /* no profile, server reachable: nothing drafted here */
  {
    g_autofree char *handoff_id = create_local_handoff (ctx, patient_id, nurse);
    g_autofree char *recording_id = g_uuid_string_random ();
    g_autofree char *sealed_path = seal_recording (ctx, recording_id);
    g_autoptr (ElExtraction) draft = NULL;

    draft = submit (ctx, handoff_id, recording_id, sealed_path, EL_TRANSCRIPTION_MODE_AUTO, nurse);
    g_assert_null (draft);
  }

  /* enrolled from one sealed reading of the handoff text */
  {
    g_autofree char *reading_id = g_uuid_string_random ();
    g_autofree char *reading = seal_recording (ctx, reading_id);
    const char *paths[] = { reading, NULL };
    const char *ids[] = { reading_id, NULL };
    const char *texts[] = { handoff_text, NULL };
    ElDrafter *before = el_context_get_drafter (ctx);
    g_autofree char *model = NULL;

    g_assert_true (el_context_enroll_voice_finish (
        ctx, RUN (el_context_enroll_voice_async, ctx, paths, ids, texts), &error));
    g_assert_no_error (error);
    g_assert_true (el_context_has_voice_profile (ctx));
    g_assert_false (g_file_test (reading, G_FILE_TEST_EXISTS));
    g_assert_true (el_context_get_drafter (ctx) != before);
    g_object_get (el_drafter_get_transcriber (el_context_get_drafter (ctx)), "acoustic-model", &model, NULL);
    g_assert_cmpstr (model, ==, el_context_get_voice_profile_dir (ctx));

    /* recordings and ids that do not pair up */
    g_assert_false (el_context_enroll_voice_finish (
        ctx, RUN (el_context_enroll_voice_async, ctx, paths, (const char *[]){ NULL }, texts), &error));
    g_assert_error (error, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
  }

  /* with the profile, server reachable: drafted here, version 1 "on-device" */
  {
    g_autofree char *handoff_id = create_local_handoff (ctx, patient_id, nurse);
    g_autofree char *recording_id = g_uuid_string_random ();
    g_autofree char *sealed_path = seal_recording (ctx, recording_id);
    g_autoptr (ElExtraction) draft = NULL;
    g_autoptr (ElStoreSbar) sbar = NULL;

    draft = submit (ctx, handoff_id, recording_id, sealed_path, EL_TRANSCRIPTION_MODE_AUTO, nurse);
    g_assert_nonnull (draft);
    sbar = el_store_get_sbar_finish (el_context_get_store (ctx),
                                     RUN (el_store_get_sbar_async, el_context_get_store (ctx), handoff_id, 0),
                                     &error);
    g_assert_no_error (error);
    g_assert_cmpint (el_sbar_version_get_version (sbar->version), ==, 1);
    g_assert_cmpint (el_sbar_version_get_source (sbar->version), ==, EL_SBAR_SOURCE_ON_DEVICE);
  }

  fixture_tear_down (&fx);
}

static void
voice_changed_cb (ElContext *ctx, guint *count)
{
  (*count)++;
}

/* A file under @dir holds @needle in the clear. */
static gboolean
tree_contains (const char *dir, const char *needle)
{
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  guint n_files = 0;

  el_test_find_in_tree (dir, needle, found, &n_files);
  g_assert_cmpuint (n_files, >, 0); /* something to look at */
  return found->len > 0;
}

/* A nurse who never read the enrollment texts: her recordings are heard with the stock model and
 * kept sealed until they add up to the learning length; then the profile is built from them, the
 * sidecars go, the drafter drafts with it, and learning stops. */
static void
test_learn_voice (void)
{
  Fixture fx = { 0 };
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *learn_dir = NULL;
  g_autofree char *first_id = g_uuid_string_random ();
  g_autofree char *second_id = g_uuid_string_random ();
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *sidecar = NULL;
  g_autofree char *model = NULL;
  gboolean built = TRUE;
  guint changed = 0;
  ElContext *ctx;

  fixture_set_up (&fx);
  ctx = fx.ctx;
  learn_dir = g_strconcat (el_context_get_voice_profile_dir (ctx), ".learn", NULL);
  g_signal_connect (ctx, "voice-profile-changed", G_CALLBACK (voice_changed_cb), &changed);
  g_assert_true (el_context_ensure_drafter (ctx, &error));
  g_assert_no_error (error);
  g_assert_false (el_context_has_voice_profile (ctx));
  /* each recording of the handoff text is about 20 s: two are needed */
  el_context_set_voice_learning_seconds (ctx, 30);

  /* the first recording: heard and kept, sealed; no profile yet */
  first = seal_recording (ctx, first_id);
  g_assert_true (el_context_learn_voice_finish (ctx, RUN (el_context_learn_voice_async, ctx, first_id, first),
                                                &built, &error));
  g_assert_no_error (error);
  g_assert_false (built);
  g_assert_false (el_context_has_voice_profile (ctx));
  sidecar = g_strdup_printf ("%s/%s.heard", learn_dir, first_id);
  g_assert_true (g_file_test (sidecar, G_FILE_TEST_IS_REGULAR));
  g_assert_false (tree_contains (learn_dir, "\"text\""));
  g_assert_false (tree_contains (learn_dir, "penicillin"));
  g_assert_false (tree_contains (learn_dir, "resident"));
  g_assert_cmpuint (changed, ==, 0);

  /* a recording that does not open (wrong id for its file): an error, nothing kept for it */
  g_assert_false (el_context_learn_voice_finish (
      ctx, RUN (el_context_learn_voice_async, ctx, second_id, first), &built, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* the second: enough; the profile is built from both, the sidecars go, the drafter uses it */
  second = seal_recording (ctx, second_id);
  g_assert_true (el_context_learn_voice_finish (
      ctx, RUN (el_context_learn_voice_async, ctx, second_id, second), &built, &error));
  g_assert_no_error (error);
  g_assert_true (built);
  g_assert_true (el_context_has_voice_profile (ctx));
  g_assert_false (g_file_test (learn_dir, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (changed, ==, 1);
  g_object_get (el_drafter_get_transcriber (el_context_get_drafter (ctx)), "acoustic-model", &model, NULL);
  g_assert_cmpstr (model, ==, el_context_get_voice_profile_dir (ctx));
  /* her recordings stay where they were (they are uploaded and deleted at sign-out as before) */
  g_assert_true (g_file_test (first, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (second, G_FILE_TEST_IS_REGULAR));

  /* with a profile: nothing more is heard or kept */
  g_assert_true (el_context_learn_voice_finish (ctx, RUN (el_context_learn_voice_async, ctx, first_id, first),
                                                &built, &error));
  g_assert_no_error (error);
  g_assert_false (built);
  g_assert_false (g_file_test (learn_dir, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (changed, ==, 1);

  fixture_tear_down (&fx);
}

/* A recording just drafted on this PC with the stock model is learned from what that draft heard:
 * it is not decoded a second time. One that was not drafted here is. */
static void
test_learn_voice_after_draft (void)
{
  Fixture fx = { 0 };
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElExtraction) draft = NULL;
  g_autofree char *handoff_id = NULL;
  g_autofree char *drafted_id = g_uuid_string_random ();
  g_autofree char *other_id = g_uuid_string_random ();
  g_autofree char *drafted = NULL;
  g_autofree char *other = NULL;
  g_autofree char *learn_dir = NULL;
  g_autofree char *sidecar = NULL;
  gboolean built = TRUE;
  gint64 decoded;

  fixture_set_up (&fx);
  learn_dir = g_strconcat (el_context_get_voice_profile_dir (fx.ctx), ".learn", NULL);
  g_assert_true (el_context_ensure_drafter (fx.ctx, &error));
  g_assert_no_error (error);
  handoff_id = create_local_handoff (fx.ctx, fx.patient_id, fx.nurse);
  drafted = seal_recording (fx.ctx, drafted_id);
  draft = submit (fx.ctx, handoff_id, drafted_id, drafted, EL_TRANSCRIPTION_MODE_ON_DEVICE, fx.nurse);
  g_assert_nonnull (draft);

  decoded = el_pocketsphinx_transcriber_get_audio_ms_decoded ();
  g_assert_true (el_context_learn_voice_finish (
      fx.ctx, RUN (el_context_learn_voice_async, fx.ctx, drafted_id, drafted), &built, &error));
  g_assert_no_error (error);
  g_assert_false (built);
  sidecar = g_strdup_printf ("%s/%s.heard", learn_dir, drafted_id);
  g_assert_true (g_file_test (sidecar, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (el_pocketsphinx_transcriber_get_audio_ms_decoded (), ==, decoded);

  /* a recording that was not drafted here is decoded */
  other = seal_recording (fx.ctx, other_id);
  g_assert_true (el_context_learn_voice_finish (
      fx.ctx, RUN (el_context_learn_voice_async, fx.ctx, other_id, other), &built, &error));
  g_assert_no_error (error);
  g_assert_cmpint (el_pocketsphinx_transcriber_get_audio_ms_decoded (), >, decoded + 10000);

  fixture_tear_down (&fx);
}

/* Nothing is learned without the offline drafter; sign-out deletes what was heard for a profile not
 * built yet, and stops learning in progress. */
static void
test_learn_voice_sign_out (void)
{
  Fixture fx = { 0 };
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *learn_dir = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *path = NULL;
  gboolean built = TRUE;

  fixture_set_up (&fx);
  learn_dir = g_strconcat (el_context_get_voice_profile_dir (fx.ctx), ".learn", NULL);
  path = seal_recording (fx.ctx, id);
  /* no offline drafter yet: nothing to learn for */
  g_assert_null (el_context_get_drafter (fx.ctx));
  g_assert_true (el_context_learn_voice_finish (fx.ctx, RUN (el_context_learn_voice_async, fx.ctx, id, path),
                                                &built, &error));
  g_assert_no_error (error);
  g_assert_false (built);
  g_assert_false (g_file_test (learn_dir, G_FILE_TEST_EXISTS));

  g_assert_true (el_context_ensure_drafter (fx.ctx, &error));
  g_assert_no_error (error);
  g_assert_true (el_context_learn_voice_finish (fx.ctx, RUN (el_context_learn_voice_async, fx.ctx, id, path),
                                                &built, &error));
  g_assert_no_error (error);
  g_assert_false (built);
  g_assert_true (g_file_test (learn_dir, G_FILE_TEST_IS_DIR));

  /* the last handoff of her shift, and she signs out at once: learning it stops, nothing is left */
  {
    g_autofree char *last_id = g_uuid_string_random ();
    g_autofree char *last = seal_recording (fx.ctx, last_id);
    g_autoptr (GAsyncResult) learned = NULL;

    el_context_learn_voice_async (fx.ctx, last_id, last, NULL, el_test_result_cb, &learned);
    g_assert_true (el_context_sign_out_finish (
        fx.ctx, RUN (el_context_sign_out_async, fx.ctx, EL_CONTEXT_SIGN_OUT_FORCE), NULL, &error));
    g_assert_no_error (error);
    /* cancelled (learning takes longer than signing out), or done before: either way nothing stays
     * once it has ended */
    if (!el_context_learn_voice_finish (fx.ctx, el_test_wait_for (&learned), &built, &error))
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
  }
  g_assert_null (el_context_get_store (fx.ctx));
  g_assert_false (g_file_test (learn_dir, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  fixture_tear_down (&fx);
}

/* The work files of a build from what was heard (PHI) go to a folder held in memory: never to a
 * runtime folder on a disk. */
static void
test_learn_voice_work_dir (void)
{
  g_autofree char *saved = g_strdup (g_getenv ("XDG_RUNTIME_DIR"));
  g_autofree char *on_disk =
      g_build_filename (g_getenv ("EL_BUILD_ROOT") != NULL ? g_getenv ("EL_BUILD_ROOT") : ".", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  struct statfs fs;

  g_setenv ("XDG_RUNTIME_DIR", on_disk, TRUE);
  dir = el_voice_profile_private_work_dir (&error);
  if (saved != NULL)
    g_setenv ("XDG_RUNTIME_DIR", saved, TRUE);
  else
    g_unsetenv ("XDG_RUNTIME_DIR");
  g_assert_true (statfs (on_disk, &fs) == 0 && fs.f_type != TMPFS_MAGIC);
  if (dir == NULL)
    {
      /* a machine without /dev/shm on tmpfs: refused, which makes learning fail rather than write */
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
      return;
    }
  g_assert_no_error (error);
  g_assert_cmpstr (dir, !=, on_disk);
  g_assert_true (statfs (dir, &fs) == 0 && (fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/el/client/drafts/on-device", test_on_device_draft);
  g_test_add_func ("/el/client/drafts/automatic-with-voice-profile", test_automatic_with_voice_profile);
  g_test_add_func ("/el/client/drafts/learn-voice", test_learn_voice);
  g_test_add_func ("/el/client/drafts/learn-voice/after-draft", test_learn_voice_after_draft);
  g_test_add_func ("/el/client/drafts/learn-voice/sign-out", test_learn_voice_sign_out);
  g_test_add_func ("/el/client/drafts/learn-voice/work-dir", test_learn_voice_work_dir);
  return g_test_run ();
}
