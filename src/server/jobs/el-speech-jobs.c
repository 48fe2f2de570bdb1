/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-speech-jobs.h"

#include "el-jobs.h"
#include "el-repo-handoffs.h"
#include "el-repo-recordings.h"
#include "el-repo-sbar.h"
#include "el-repo.h"

/* Largest recording the transcribe job reads into memory (the upload limit is lower). */
#define SPEECH_JOBS_MAX_AUDIO_BYTES (256 * 1024 * 1024)

struct ElSpeechJobs
{
  gatomicrefcount ref_count;
  ElAudioStore *store;
  ElTranscriber *transcriber;
  ElSbarExtractor *extractor;
  ElMetric *transcription_duration; /* borrowed from the metrics */
  ElMetric *extraction_duration;
  ElMetric *quality_score;
  ElMetric *jobs_total;
};

void
el_speech_jobs_add_metrics (ElMetrics *metrics, ElSpeechJobs *self)
{
  static const double score_buckets[] = { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 };
  static const char *const outcome_labels[] = { "kind", "outcome", NULL };
  ElMetric *transcription, *generation, *quality, *runs;

  transcription = el_metrics_add_histogram (metrics, "el_transcription_duration_seconds",
                                            "Time to transcribe a recording.", NULL,
                                            el_metrics_latency_buckets, EL_METRICS_N_LATENCY_BUCKETS);
  generation = el_metrics_add_histogram (metrics, "el_sbar_generation_duration_seconds",
                                         "Time to extract an SBAR draft from a transcript.", NULL,
                                         el_metrics_latency_buckets, EL_METRICS_N_LATENCY_BUCKETS);
  quality = el_metrics_add_histogram (metrics, "el_sbar_quality_score",
                                      "Completeness score (0-100) of the SBAR drafts made from recordings.",
                                      NULL, score_buckets, G_N_ELEMENTS (score_buckets));
  runs = el_metrics_add_counter (metrics, "el_speech_jobs_total",
                                 "Speech job runs by kind and outcome (ok, retry, no_speech, failed).",
                                 outcome_labels);
  if (self != NULL)
    {
      self->transcription_duration = transcription;
      self->extraction_duration = generation;
      self->quality_score = quality;
      self->jobs_total = runs;
    }
}

ElSpeechJobs *
el_speech_jobs_new (ElAudioStore *store,
                    ElTranscriber *transcriber,
                    ElSbarExtractor *extractor,
                    ElMetrics *metrics)
{
  ElSpeechJobs *self;

  g_return_val_if_fail (store == NULL || EL_IS_AUDIO_STORE (store), NULL);
  g_return_val_if_fail (EL_IS_TRANSCRIBER (transcriber), NULL);
  g_return_val_if_fail (EL_IS_SBAR_EXTRACTOR (extractor), NULL);

  self = g_new0 (ElSpeechJobs, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->store = store != NULL ? g_object_ref (store) : NULL;
  self->transcriber = g_object_ref (transcriber);
  self->extractor = g_object_ref (extractor);
  if (metrics != NULL)
    el_speech_jobs_add_metrics (metrics, self);
  return self;
}

ElSpeechJobs *
el_speech_jobs_ref (ElSpeechJobs *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
el_speech_jobs_unref (ElSpeechJobs *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_clear_object (&self->store);
  g_clear_object (&self->transcriber);
  g_clear_object (&self->extractor);
  g_free (self);
}

static void
count_run (ElSpeechJobs *self, const char *kind, const char *outcome)
{
  if (self->jobs_total != NULL)
    el_metric_inc (self->jobs_total, (const char *[]){ kind, outcome, NULL }, 1);
}

static double
seconds_since (gint64 start_us)
{
  return (g_get_monotonic_time () - start_us) / (double) G_USEC_PER_SEC;
}

/* The whole (decrypted) upload, in memory. */
static GBytes *
read_audio (ElSpeechJobs *self,
            const char *storage_path,
            const char *recording_id,
            GCancellable *cancellable,
            GError **error)
{
  g_autoptr (GInputStream) stream = NULL;
  g_autoptr (GOutputStream) memory = NULL;
  gssize copied;

  if (self->store == NULL)
    {
      g_set_error_literal (error, EL_JOB_ERROR, EL_JOB_ERROR_FAILED,
                           "audio storage is not available (no ENCRYPTION_KEY)");
      return NULL;
    }
  stream = el_audio_store_open_read (self->store, storage_path, recording_id, error);
  if (stream == NULL)
    return NULL;
  memory = g_memory_output_stream_new_resizable ();
  copied = g_output_stream_splice (memory, stream,
                                   G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                   cancellable, error);
  if (copied < 0)
    return NULL;
  if (copied > SPEECH_JOBS_MAX_AUDIO_BYTES)
    {
      g_set_error_literal (error, EL_JOB_ERROR, EL_JOB_ERROR_FAILED,
                           "the recording is too large to transcribe");
      return NULL;
    }
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

static gboolean
set_recording_status (ElDb *db, ElRecording *recording, ElRecordingStatus status, GError **error)
{
  if (el_recording_get_status (recording) == status)
    return TRUE;
  el_recording_set_status (recording, status);
  return el_repo_recording_update (db, recording, NULL, error);
}

static gboolean
transcribe_job (ElDb *db, const ElJob *job, GCancellable *cancellable, gpointer user_data, GError **error)
{
  ElSpeechJobs *self = user_data;
  g_autoptr (ElRecording) recording = NULL;
  g_autofree char *storage_path = NULL;
  g_autoptr (GBytes) audio = NULL;
  g_autoptr (ElTranscript) transcript = NULL;
  g_autoptr (GPtrArray) words = NULL;
  g_autoptr (ElDbTransaction) txn = NULL;
  ElRecordingStatus status;
  gint64 started;

  recording = el_repo_recording_get (db, job->recording_id, NULL, &storage_path, error);
  if (recording == NULL)
    return FALSE;
  status = el_recording_get_status (recording);
  if (status == EL_RECORDING_STATUS_EXTRACTING || status == EL_RECORDING_STATUS_COMPLETED)
    return TRUE; /* an earlier run got this far and the server stopped before the job was marked done */
  if (!set_recording_status (db, recording, EL_RECORDING_STATUS_TRANSCRIBING, error))
    return FALSE;

  audio = read_audio (self, storage_path, job->recording_id, cancellable, error);
  if (audio == NULL)
    {
      count_run (self, EL_JOB_KIND_TRANSCRIBE, "retry");
      return FALSE;
    }
  started = g_get_monotonic_time ();
  transcript = el_transcriber_transcribe_sync (
      self->transcriber, audio, el_audio_mime_type_to_string (el_recording_get_mime_type (recording)),
      cancellable, error);
  if (transcript == NULL)
    {
      count_run (self, EL_JOB_KIND_TRANSCRIBE, "retry");
      return FALSE;
    }
  if (self->transcription_duration != NULL)
    el_metric_observe (self->transcription_duration, NULL, seconds_since (started));

  words = el_transcript_to_recording_words (transcript);
  el_recording_set_transcript (recording, el_transcript_get_text (transcript));
  el_recording_set_words (recording, words);
  el_recording_set_engine (recording, el_transcript_get_engine (transcript));
  el_recording_set_error (recording, NULL);
  el_recording_set_status (recording, EL_RECORDING_STATUS_EXTRACTING);

  txn = el_db_transaction_begin (db, error);
  if (txn == NULL || !el_repo_recording_update (db, recording, NULL, error) ||
      el_jobs_enqueue (db, EL_JOB_KIND_EXTRACT, job->recording_id, error) <= 0 ||
      !el_db_transaction_commit (txn, error))
    {
      count_run (self, EL_JOB_KIND_TRANSCRIBE, "retry");
      return FALSE;
    }
  count_run (self, EL_JOB_KIND_TRANSCRIBE, "ok");
  return TRUE;
}

/* The recording and its handoff fail at once (retrying cannot help), with a reason for the nurse. */
static gboolean
fail_recording (ElDb *db, ElRecording *recording, const char *message, GError **error)
{
  g_autoptr (ElHandoff) handoff = NULL;

  el_recording_set_status (recording, EL_RECORDING_STATUS_FAILED);
  el_recording_set_error (recording, message);
  if (!el_repo_recording_update (db, recording, NULL, error))
    return FALSE;
  handoff = el_repo_handoff_get (db, el_recording_get_handoff_id (recording), error);
  if (handoff == NULL)
    return FALSE;
  if (el_handoff_get_status (handoff) == EL_HANDOFF_STATUS_PROCESSING)
    {
      g_autoptr (ElHandoff) failed = el_repo_handoff_set_status (
          db, el_recording_get_handoff_id (recording), EL_HANDOFF_STATUS_FAILED, message, NULL, error);
      if (failed == NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
no_speech (ElSpeechJobs *self, ElDb *db, ElRecording *recording, GError **error)
{
  g_autoptr (ElDbTransaction) txn = el_db_transaction_begin (db, error);

  if (txn == NULL || !fail_recording (db, recording, "no speech was recognised in the recording", error) ||
      !el_db_transaction_commit (txn, error))
    return FALSE;
  count_run (self, EL_JOB_KIND_EXTRACT, "no_speech");
  return TRUE;
}

static gboolean
extract_job (ElDb *db, const ElJob *job, GCancellable *cancellable, gpointer user_data, GError **error)
{
  ElSpeechJobs *self = user_data;
  g_autoptr (ElRecording) recording = NULL;
  g_autoptr (ElTranscript) transcript = NULL;
  g_autoptr (ElExtraction) extraction = NULL;
  g_autoptr (ElSbarVersion) draft = NULL;
  g_autoptr (ElSbarVersion) saved = NULL;
  g_autoptr (ElHandoff) handoff = NULL;
  g_autoptr (ElDbTransaction) txn = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *author_id = NULL;
  const char *handoff_id;
  gint64 started;

  recording = el_repo_recording_get (db, job->recording_id, NULL, NULL, error);
  if (recording == NULL)
    return FALSE;
  if (el_recording_get_status (recording) == EL_RECORDING_STATUS_COMPLETED)
    return TRUE;
  transcript = el_transcript_new_from_recording (recording, error);
  if (transcript == NULL)
    return FALSE;
  if (el_transcript_get_n_words (transcript) == 0)
    return no_speech (self, db, recording, error);

  started = g_get_monotonic_time ();
  extraction = el_sbar_extractor_extract_sync (self->extractor, transcript, cancellable, error);
  if (extraction == NULL)
    {
      count_run (self, EL_JOB_KIND_EXTRACT, "retry");
      return FALSE;
    }
  if (self->extraction_duration != NULL)
    el_metric_observe (self->extraction_duration, NULL, seconds_since (started));

  handoff_id = el_recording_get_handoff_id (recording);
  author_id = el_repo_recording_get_created_by (db, job->recording_id, error);
  if (author_id == NULL)
    return FALSE;
  draft = el_extraction_to_sbar_version (extraction, EL_SBAR_SOURCE_AI);

  txn = el_db_transaction_begin (db, error);
  if (txn == NULL)
    return FALSE;
  handoff = el_repo_handoff_get (db, handoff_id, error);
  if (handoff == NULL)
    return FALSE;
  /* The AI draft is version 1 only: when a nurse (or the PC, on-device, while the server could not
   * be reached) saved a version before the job ran, hers stands and no AI version goes on top of
   * it; the transcript is still stored with the recording. A locked handoff gets none either. */
  if (el_handoff_get_latest_version (handoff) == 0)
    {
      saved = el_repo_sbar_append (db, handoff_id, 0, draft, author_id, NULL, NULL, &local_error);
      if (saved == NULL && !g_error_matches (local_error, EL_REPO_ERROR, EL_REPO_ERROR_LOCKED) &&
          !g_error_matches (local_error, EL_REPO_ERROR, EL_REPO_ERROR_CONFLICT_VERSION))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          count_run (self, EL_JOB_KIND_EXTRACT, "retry");
          return FALSE;
        }
      g_clear_error (&local_error);
    }
  el_recording_set_status (recording, EL_RECORDING_STATUS_COMPLETED);
  el_recording_set_error (recording, NULL);
  if (!el_repo_recording_update (db, recording, NULL, error))
    return FALSE;
  g_clear_object (&handoff);
  handoff = el_repo_handoff_get (db, handoff_id, error);
  if (handoff == NULL)
    return FALSE;
  if (el_handoff_get_status (handoff) == EL_HANDOFF_STATUS_PROCESSING)
    {
      g_autoptr (ElHandoff) ready =
          el_repo_handoff_set_status (db, handoff_id, EL_HANDOFF_STATUS_READY, NULL, NULL, error);

      if (ready == NULL)
        return FALSE;
    }
  if (!el_db_transaction_commit (txn, error))
    return FALSE;
  if (self->quality_score != NULL && saved != NULL)
    el_metric_observe (self->quality_score, NULL, el_extraction_get_score (extraction));
  count_run (self, EL_JOB_KIND_EXTRACT, "ok");
  return TRUE;
}

/* In the transaction that marks the job failed for good: the recording and its handoff fail too. */
static gboolean
job_failed (ElDb *db, const ElJob *job, const char *reason, gpointer user_data, GError **error)
{
  ElSpeechJobs *self = user_data;
  g_autoptr (ElRecording) recording = NULL;
  g_autofree char *message = NULL;

  count_run (self, job->kind, "failed");
  recording = el_repo_recording_get (db, job->recording_id, NULL, NULL, error);
  if (recording == NULL)
    return FALSE;
  message = g_strdup_printf (
      "%s failed: %s", g_str_equal (job->kind, EL_JOB_KIND_TRANSCRIBE) ? "transcription" : "SBAR extraction",
      reason != NULL ? reason : "unknown error");
  return fail_recording (db, recording, message, error);
}

void
el_speech_jobs_register (ElSpeechJobs *self, ElJobRunner *runner)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (EL_IS_JOB_RUNNER (runner));

  el_job_runner_register_full (runner, EL_JOB_KIND_TRANSCRIBE, transcribe_job, job_failed,
                               el_speech_jobs_ref (self), (GDestroyNotify) el_speech_jobs_unref);
  el_job_runner_register_full (runner, EL_JOB_KIND_EXTRACT, extract_job, job_failed,
                               el_speech_jobs_ref (self), (GDestroyNotify) el_speech_jobs_unref);
}

ElHealthStatus
el_speech_jobs_check_health (char **detail, gpointer speech_jobs)
{
  ElSpeechJobs *self = speech_jobs;

  *detail = g_strdup_printf ("transcription: %s, extraction: %s",
                             el_transcriber_get_engine_name (self->transcriber),
                             el_sbar_extractor_get_engine_name (self->extractor));
  return self->store != NULL ? EL_HEALTH_OK : EL_HEALTH_DEGRADED;
}
