/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-speech-jobs.h"

#include "el-jobs.h"
#include "el-log.h"
#include "el-pocketsphinx-transcriber.h"
#include "el-repo-handoffs.h"
#include "el-repo-recordings.h"
#include "el-repo-sbar.h"
#include "el-repo.h"
#include "el-speech-engines.h"
#include "el-voice-profile.h"

#include <string.h>

/* Largest recording the transcribe job reads into memory (the upload limit is lower). */
#define SPEECH_JOBS_MAX_AUDIO_BYTES (256 * 1024 * 1024)
/* Site adaptation reads the latest transcribed recordings up to this much speech (a build takes
 * about 1.5 s per minute of it) and this many recordings. */
#define SITE_ADAPT_MAX_MS         (10 * 60 * 1000)
#define SITE_ADAPT_MAX_RECORDINGS 500
/* Nurses' voice profiles kept loaded (each transcriber holds its own copy of the models). */
#define MAX_SPEAKERS_LOADED 8

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

  GMutex lock;            /* transcriber: replaced on the job thread, read by the health check */
  char *site_dir;         /* the site's voice profile; NULL: no site adaptation */
  gboolean site_in_use;   /* the transcriber decodes with it */
  guint64 adapt_ms;       /* audio transcribed before the first build */
  guint64 next_ms;        /* ... before the next one: as much as the last build used */
  guint64 heard_ms;       /* transcribed offline since the last build (by this process) */
  char *voices_dir;       /* each nurse's voice profile, in a folder named by her user id; NULL: off */
  guint64 speaker_min_ms; /* her transcribed audio before her profile is built */
  GHashTable *speakers;   /* user id -> ElTranscriber decoding with her profile (under lock) */
  GHashTable *failed;     /* user ids whose last build failed: not tried again by this process */
  ElMetric *decodes_total;
};

void
el_speech_jobs_add_metrics (ElMetrics *metrics, ElSpeechJobs *self)
{
  static const double score_buckets[] = { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 };
  static const char *const outcome_labels[] = { "kind", "outcome", NULL };
  static const char *const model_labels[] = { "model", NULL };
  ElMetric *transcription, *generation, *quality, *runs, *decodes;

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
  decodes = el_metrics_add_counter (
      metrics, "el_speech_decodes_total",
      "Recordings transcribed offline, by acoustic model (stock, site, or the nurse's own voice: speaker).",
      model_labels);
  if (self != NULL)
    {
      self->decodes_total = decodes;
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
  g_mutex_init (&self->lock);
  self->speakers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->failed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
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
  g_free (self->site_dir);
  g_free (self->voices_dir);
  g_hash_table_unref (self->speakers);
  g_hash_table_unref (self->failed);
  g_mutex_clear (&self->lock);
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

static ElTranscriber *
get_transcriber (ElSpeechJobs *self)
{
  ElTranscriber *transcriber;

  g_mutex_lock (&self->lock);
  transcriber = g_object_ref (self->transcriber);
  g_mutex_unlock (&self->lock);
  return transcriber;
}

static gboolean
decodes_with (ElTranscriber *transcriber, const char *profile_dir)
{
  g_autofree char *model = NULL;

  if (profile_dir == NULL || !EL_IS_POCKETSPHINX_TRANSCRIBER (transcriber))
    return FALSE;
  g_object_get (transcriber, "acoustic-model", &model, NULL);
  return g_strcmp0 (model, profile_dir) == 0;
}

/**
 * el_speech_jobs_set_site_adaptation:
 * @self: the speech jobs
 * @profile_dir: (nullable): where the site's voice profile is kept (%NULL: no adaptation)
 * @seconds: audio transcribed by the offline engine before the first build (0: no adaptation)
 *
 * Unsupervised adaptation to the site: once the offline engine has transcribed @seconds of uploads,
 * the transcribe job builds a voice profile (el-voice-profile.h) from the latest transcribed
 * recordings (at most 10 minutes of speech) with their transcripts as texts, in a folder held in
 * memory, and decodes with it from then on; it rebuilds whenever as much audio again has been
 * transcribed. It adapts the model to the site's microphones, rooms and voices, not to one nurse.
 */
void
el_speech_jobs_set_site_adaptation (ElSpeechJobs *self, const char *profile_dir, guint seconds)
{
  g_return_if_fail (self != NULL);

  g_free (self->site_dir);
  self->site_dir = seconds > 0 && profile_dir != NULL ? g_strdup (profile_dir) : NULL;
  self->adapt_ms = self->next_ms = (guint64) seconds * 1000;
  self->heard_ms = 0;
  {
    g_autoptr (ElTranscriber) current = get_transcriber (self);

    self->site_in_use = decodes_with (current, self->site_dir);
  }
}

/* The latest recordings @engine transcribed (only @speaker's, if not NULL), up to 10 minutes of
 * speech: their audio and transcripts, or FALSE when they add up to less than @min_ms (nothing
 * is read then). */
static gboolean
gather_heard (ElSpeechJobs *self,
              ElDb *db,
              const char *engine,
              const char *speaker,
              guint64 min_ms,
              GPtrArray *recordings,
              GPtrArray *texts,
              guint64 *total_ms,
              GCancellable *cancellable)
{
  g_autoptr (GPtrArray) ids =
      el_repo_recordings_latest_transcribed (db, engine, speaker, SITE_ADAPT_MAX_RECORDINGS, NULL);
  g_autoptr (GPtrArray) heard = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  guint64 listed_ms = 0;

  *total_ms = 0;
  for (guint i = 0; ids != NULL && i < ids->len && listed_ms < SITE_ADAPT_MAX_MS; i++)
    {
      char *storage_path = NULL;
      ElRecording *recording = el_repo_recording_get (db, ids->pdata[i], NULL, &storage_path, NULL);
      const char *transcript = recording != NULL ? el_recording_get_transcript (recording) : NULL;

      if (transcript == NULL || transcript[0] == '\0' || el_recording_get_duration_ms (recording) <= 0)
        {
          g_clear_object (&recording);
          g_free (storage_path);
          continue;
        }
      listed_ms += (guint64) el_recording_get_duration_ms (recording);
      g_ptr_array_add (heard, recording);
      g_ptr_array_add (paths, storage_path);
    }
  if (listed_ms < min_ms)
    return FALSE;
  for (guint i = 0; i < heard->len; i++)
    {
      ElRecording *recording = heard->pdata[i];
      GBytes *audio = read_audio (self, paths->pdata[i], el_recording_get_id (recording), cancellable, NULL);

      if (audio == NULL)
        continue;
      g_ptr_array_add (recordings, audio);
      g_ptr_array_add (texts, g_strdup (el_recording_get_transcript (recording)));
      *total_ms += (guint64) el_recording_get_duration_ms (recording);
    }
  return *total_ms >= min_ms;
}

/* A voice profile in @dir from what gather_heard() collected, in a folder held in memory (the
 * transcripts are PHI), and a transcriber decoding with it. Failures are logged (without their
 * messages: a tool's words may quote a transcript) and counted. */
static ElTranscriber *
build_profile (ElSpeechJobs *self,
               const char *what,
               const char *dir,
               GPtrArray *recordings,
               GPtrArray *texts,
               guint64 total_ms,
               GCancellable *cancellable)
{
  g_autoptr (ElTranscriber) adapted = NULL;
  g_autoptr (GError) error = NULL;
  gint64 started = g_get_monotonic_time ();

  g_ptr_array_add (texts, NULL);
  if (!el_voice_profile_build_installed (recordings, (const char *const *) texts->pdata, dir, TRUE,
                                         cancellable, &error) ||
      !el_speech_engines_new_transcriber_for_speaker (dir, &adapted, &error) || adapted == NULL)
    {
      g_autofree char *message =
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED)
              ? g_strdup_printf ("%s needs a folder held in memory (XDG_RUNTIME_DIR or /dev/shm on tmpfs)",
                                 what)
              : g_strdup_printf ("%s failed (%s #%d)", what,
                                 error != NULL ? g_quark_to_string (error->domain) : "no engine",
                                 error != NULL ? error->code : 0);

      el_log_message (EL_LOG_WARN, "speech", message);
      count_run (self, "adapt", "failed");
      return NULL;
    }
  count_run (self, "adapt", "ok");
  {
    g_autofree char *message =
        g_strdup_printf ("%s: built from %u recordings (%.0f s of speech) in %.1f s; in use", what,
                         recordings->len, total_ms / 1000.0, seconds_since (started));

    el_log_message (EL_LOG_INFO, "speech", message);
  }
  return g_steal_pointer (&adapted);
}

/* After a recording was transcribed offline: a new site profile when enough audio was heard. Its
 * failures never fail the job. */
static void
adapt_to_site (ElSpeechJobs *self, ElDb *db, gint64 audio_ms, GCancellable *cancellable)
{
  g_autoptr (ElTranscriber) current = get_transcriber (self);
  g_autoptr (ElTranscriber) adapted = NULL;
  g_autoptr (GPtrArray) recordings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  guint64 total_ms = 0;

  if (self->site_dir == NULL || !EL_IS_POCKETSPHINX_TRANSCRIBER (current))
    return;
  self->heard_ms += (guint64) MAX (audio_ms, 0);
  if (self->heard_ms < self->next_ms)
    return;
  self->heard_ms = 0;

  if (!gather_heard (self, db, el_transcriber_get_engine_name (current), NULL, self->adapt_ms, recordings,
                     texts, &total_ms, cancellable))
    {
      el_log_message (EL_LOG_WARN, "speech", "site adaptation: not enough transcribed audio could be read");
      count_run (self, "adapt", "failed");
      return;
    }
  adapted = build_profile (self, "site adaptation", self->site_dir, recordings, texts, total_ms, cancellable);
  if (adapted == NULL)
    return;
  g_mutex_lock (&self->lock);
  g_set_object (&self->transcriber, adapted);
  self->site_in_use = TRUE;
  g_mutex_unlock (&self->lock);
  self->next_ms = MAX (self->adapt_ms, total_ms);
}

/**
 * el_speech_jobs_set_speaker_adaptation:
 * @self: the speech jobs
 * @voices_dir: (nullable): where each nurse's voice profile is kept, in a folder named by her user
 *   id (%NULL: no speaker adaptation)
 * @seconds: her uploads transcribed by the offline engine before her profile is built (0: none)
 *
 * Unsupervised adaptation to each nurse: once the offline engine has transcribed @seconds of the
 * recordings she uploaded (recordings.created_by: the nurse who recorded her handoff), the
 * transcribe job builds her voice profile from them (at most 10 minutes, the latest) with their
 * transcripts as texts, in a folder held in memory, and decodes her uploads with it from then on,
 * from whichever PC they come; it is built again each time twice as much of her speech has been
 * heard, up to the 10 minutes a build reads. Her profile serves no one else: a profile learned from other
 * voices recognises a voice worse than the stock model does (bench-speech-quality).
 */
void
el_speech_jobs_set_speaker_adaptation (ElSpeechJobs *self, const char *voices_dir, guint seconds)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->lock);
  g_free (self->voices_dir);
  self->voices_dir = seconds > 0 && voices_dir != NULL ? g_strdup (voices_dir) : NULL;
  self->speaker_min_ms = (guint64) seconds * 1000;
  g_hash_table_remove_all (self->speakers);
  g_mutex_unlock (&self->lock);
}

/* The folder of @speaker's voice profile, or NULL (speaker adaptation off, no uploader, or an id that
 * is not a plain folder name). */
static char *
speaker_dir (ElSpeechJobs *self, const char *speaker)
{
  if (self->voices_dir == NULL || speaker == NULL || speaker[0] == '\0' || speaker[0] == '.' ||
      strspn (speaker, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") !=
          strlen (speaker))
    return NULL;
  return g_build_filename (self->voices_dir, speaker, NULL);
}

/* The transcriber for a recording @speaker uploaded: one decoding with her profile when she has one
 * (offline engine only), else the site's or the stock one. @model: "speaker", "site" or "stock". */
static ElTranscriber *
transcriber_for (ElSpeechJobs *self, const char *speaker, const char **model)
{
  g_autoptr (ElTranscriber) current = get_transcriber (self);
  g_autofree char *dir = EL_IS_POCKETSPHINX_TRANSCRIBER (current) ? speaker_dir (self, speaker) : NULL;
  ElTranscriber *hers = NULL;

  g_mutex_lock (&self->lock);
  *model = self->site_in_use ? "site" : "stock";
  if (dir != NULL)
    hers = g_hash_table_lookup (self->speakers, speaker);
  if (hers != NULL)
    g_object_ref (hers);
  g_mutex_unlock (&self->lock);
  if (hers == NULL && dir != NULL && el_voice_profile_is_present (dir) &&
      el_speech_engines_new_transcriber_for_speaker (dir, &hers, NULL) && hers != NULL)
    {
      g_mutex_lock (&self->lock);
      if (g_hash_table_size (self->speakers) >= MAX_SPEAKERS_LOADED)
        g_hash_table_remove_all (self->speakers);
      g_hash_table_replace (self->speakers, g_strdup (speaker), g_object_ref (hers));
      g_mutex_unlock (&self->lock);
    }
  if (hers != NULL)
    {
      *model = "speaker";
      return hers;
    }
  return g_steal_pointer (&current);
}

/* After a recording @speaker uploaded was transcribed offline: her profile when enough of her
 * speech was heard, rebuilt whenever twice as much as it was built from has been heard, up to the
 * 10 minutes a build reads. Its failures never fail the job. */
static void
adapt_to_speaker (ElSpeechJobs *self, ElDb *db, const char *speaker, GCancellable *cancellable)
{
  g_autoptr (ElTranscriber) current = get_transcriber (self);
  g_autofree char *dir = EL_IS_POCKETSPHINX_TRANSCRIBER (current) ? speaker_dir (self, speaker) : NULL;
  g_autoptr (ElTranscriber) adapted = NULL;
  g_autoptr (GPtrArray) recordings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  guint64 total_ms = 0, min_ms;
  gint64 built_ms;

  /* the job thread alone touches the failed set */
  if (dir == NULL || g_hash_table_contains (self->failed, speaker))
    return;
  built_ms = el_voice_profile_get_audio_ms (dir);
  if (built_ms >= SITE_ADAPT_MAX_MS * 9 / 10)
    return; /* built from about as much as a build reads */
  /* twice as much, give or take 5 % (an upload's stated duration and its decoded length differ a little) */
  min_ms = built_ms >= 0 ? MIN (MAX (2 * (guint64) built_ms - (guint64) built_ms / 20, self->speaker_min_ms),
                                (guint64) SITE_ADAPT_MAX_MS)
                         : self->speaker_min_ms;
  if (!gather_heard (self, db, el_transcriber_get_engine_name (current), speaker, min_ms, recordings, texts,
                     &total_ms, cancellable))
    return; /* not enough (more) of her speech yet */
  adapted = build_profile (self, "speaker adaptation", dir, recordings, texts, total_ms, cancellable);
  if (adapted == NULL)
    {
      /* a build that failed would fail again on each of her uploads: not before a restart */
      g_hash_table_add (self->failed, g_strdup (speaker));
      return;
    }
  g_mutex_lock (&self->lock);
  if (g_hash_table_size (self->speakers) >= MAX_SPEAKERS_LOADED)
    g_hash_table_remove_all (self->speakers);
  g_hash_table_replace (self->speakers, g_strdup (speaker), g_steal_pointer (&adapted));
  g_mutex_unlock (&self->lock);
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
  g_autoptr (ElTranscriber) transcriber = NULL;
  g_autoptr (GPtrArray) words = NULL;
  g_autoptr (ElDbTransaction) txn = NULL;
  g_autofree char *speaker = NULL;
  const char *model = NULL;
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
  speaker = el_repo_recording_get_created_by (db, job->recording_id, NULL);
  transcriber = transcriber_for (self, speaker, &model);
  transcript = el_transcriber_transcribe_sync (
      transcriber, audio, el_audio_mime_type_to_string (el_recording_get_mime_type (recording)), cancellable,
      error);
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
  if (self->decodes_total != NULL && EL_IS_POCKETSPHINX_TRANSCRIBER (transcriber))
    el_metric_inc (self->decodes_total, (const char *[]){ model, NULL }, 1);
  g_clear_pointer (&txn, el_db_transaction_free);
  adapt_to_speaker (self, db, speaker, cancellable);
  adapt_to_site (self, db,
                 el_recording_get_duration_ms (recording) > 0 ? el_recording_get_duration_ms (recording)
                                                              : el_transcript_get_audio_ms (transcript),
                 cancellable);
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
  g_autoptr (ElTranscriber) transcriber = get_transcriber (self);
  gboolean adapted;

  g_mutex_lock (&self->lock);
  adapted = self->site_in_use;
  g_mutex_unlock (&self->lock);
  *detail = g_strdup_printf (
      "transcription: %s%s, extraction: %s", el_transcriber_get_engine_name (transcriber),
      adapted ? " (adapted to this site)" : "", el_sbar_extractor_get_engine_name (self->extractor));
  return self->store != NULL ? EL_HEALTH_OK : EL_HEALTH_DEGRADED;
}
