/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-pocketsphinx-transcriber.h"

#include <pocketsphinx.h>
#include <sphinxbase/ckd_alloc.h>
#include <sphinxbase/cmn.h>
#include <sphinxbase/err.h>
#include <string.h>

#include "el-audio-decode.h"
#include "el-speech-model.h"
#include "el-voice-profile.h"

#define FRAME_SAMPLES     (EL_AUDIO_PCM_RATE / 100) /* 10 ms, pocketsphinx's frame rate */
#define BLOCK_SAMPLES     4096
#define PAUSE_FRAMES      30   /* a pause this long (300 ms) ends an utterance */
#define MAX_UTT_FRAMES    3000 /* 30 s */
#define MIN_SPEECH_FRAMES 5
#define MAX_DECODERS      4 /* decoding threads at most, whatever the processor count */
/* Frame energies are mean squares of the samples (full scale = 32768^2); no libm needed. */
#define SILENCE_FLOOR      (1e-9 * 32768.0 * 32768.0) /* -90 dBFS */
#define SPEECH_ABOVE_FLOOR 31.6                       /* +15 dB over the quietest tenth of the frames */
#define SPEECH_MIN         (1e-5 * 32768.0 * 32768.0) /* -50 dBFS */

struct _ElPocketsphinxTranscriber
{
  GObject parent_instance;

  char *acoustic_model;
  char *language_model;
  char *dictionary;

  guint n_threads; /* decoders (and threads) a call uses at most */

  GMutex lock; /* guards decoders */
  ps_decoder_t *decoders[MAX_DECODERS];
};

enum
{
  PROP_0,
  PROP_ACOUSTIC_MODEL,
  PROP_LANGUAGE_MODEL,
  PROP_DICTIONARY,
  PROP_THREADS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void el_pocketsphinx_transcriber_iface_init (ElTranscriberInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ElPocketsphinxTranscriber,
                               el_pocketsphinx_transcriber,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (EL_TYPE_TRANSCRIBER,
                                                      el_pocketsphinx_transcriber_iface_init))

typedef struct
{
  GBytes *audio;
  char *content_type;
} TranscribeData;

static void
transcribe_data_free (TranscribeData *data)
{
  g_bytes_unref (data->audio);
  g_free (data->content_type);
  g_free (data);
}

/* Called with self->lock held: loads self->decoders[index]. */
static gboolean
ensure_decoder (ElPocketsphinxTranscriber *self, guint index, GError **error)
{
  const char *files[] = { self->language_model, self->dictionary };
  g_autofree char *mdef = NULL;
  cmd_ln_t *config;

  if (self->decoders[index] != NULL)
    return TRUE;

  mdef = g_build_filename (self->acoustic_model, "mdef", NULL);
  if (!g_file_test (mdef, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_ENGINE,
                   "The speech acoustic model is missing (%s)", self->acoustic_model);
      return FALSE;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    if (!g_file_test (files[i], G_FILE_TEST_IS_REGULAR))
      {
        g_set_error (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_ENGINE,
                     "The speech model file %s is missing", files[i]);
        return FALSE;
      }

  /* Process-wide, pocketsphinx's log would otherwise go to stderr (it can print hypotheses). */
  err_set_logfp (NULL);
  config = cmd_ln_init (NULL, ps_args (), TRUE, "-hmm", self->acoustic_model, "-lm", self->language_model,
                        "-dict", self->dictionary, "-logfn", "/dev/null", "-remove_silence", "no",
                        "-bestpath", "yes", "-cmn", "live", "-seed", "1", NULL);
  if (config == NULL)
    {
      g_set_error_literal (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_ENGINE,
                           "The speech recogniser could not be configured");
      return FALSE;
    }
  /* A voice profile fits the speaker well enough for a wider search in one pass: no second
   * (flat-lexicon) pass, wider beams. Chosen by 2-fold cross-validation on the tuning handoffs
   * (held-out WER 20.6 % -> 15.2 %), and faster than the defaults with the adapted model; with the
   * stock model the same settings cost 40 % more time for a point or two. */
  if (el_voice_profile_is_present (self->acoustic_model))
    {
      cmd_ln_set_boolean_r (config, "-fwdflat", FALSE);
      cmd_ln_set_float_r (config, "-beam", 1e-60);
      cmd_ln_set_float_r (config, "-pbeam", 1e-60);
      cmd_ln_set_float_r (config, "-wbeam", 1e-40);
      cmd_ln_set_float_r (config, "-lpbeam", 1e-50);
      cmd_ln_set_float_r (config, "-lponlybeam", 1e-40);
    }
  self->decoders[index] = ps_init (config);
  cmd_ln_free_r (config); /* the decoder keeps its own reference */
  if (self->decoders[index] == NULL)
    {
      g_set_error_literal (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_ENGINE,
                           "The speech models could not be loaded");
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  gsize start; /* samples */
  gsize end;
} Utterance;

static double
frame_energy (const gint16 *samples, gsize n)
{
  double sum = 0;

  for (gsize i = 0; i < n; i++)
    sum += (double) samples[i] * samples[i];
  return MAX (sum / n, SILENCE_FLOOR);
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Cuts the audio into utterances at pauses; drops stretches without speech. */
static GArray *
split_utterances (const gint16 *samples, gsize n_samples)
{
  gsize n_frames = n_samples / FRAME_SAMPLES;
  g_autofree double *db = g_new (double, MAX (n_frames, 1));
  g_autofree double *sorted = NULL;
  GArray *utterances = g_array_new (FALSE, FALSE, sizeof (Utterance));
  double threshold;
  gsize start = 0, run = 0, speech = 0;

  if (n_frames == 0)
    return utterances;
  for (gsize f = 0; f < n_frames; f++)
    db[f] = frame_energy (samples + f * FRAME_SAMPLES, FRAME_SAMPLES);
  sorted = g_memdup2 (db, n_frames * sizeof (double));
  qsort (sorted, n_frames, sizeof (double), compare_double);
  threshold = MAX (sorted[n_frames / 10] * SPEECH_ABOVE_FLOOR, SPEECH_MIN);

  for (gsize f = 0; f < n_frames; f++)
    {
      gboolean is_speech = db[f] > threshold;
      gsize cut = 0;

      if (is_speech)
        {
          if (run >= PAUSE_FRAMES && speech >= MIN_SPEECH_FRAMES)
            cut = f - run / 2;
          else if (run >= PAUSE_FRAMES)
            start = f - MIN (run / 2, (gsize) PAUSE_FRAMES); /* no speech before: drop it */
          run = 0;
          speech++;
        }
      else
        {
          run++;
        }
      if (cut == 0 && f - start >= MAX_UTT_FRAMES)
        {
          /* Too long without a pause: cut at the quietest frame of the last third. */
          gsize best = f;

          for (gsize g = start + MAX_UTT_FRAMES * 2 / 3; g <= f; g++)
            if (db[g] < db[best])
              best = g;
          cut = MAX (best, start + 1);
        }
      if (cut > start)
        {
          Utterance u = { start * FRAME_SAMPLES, cut * FRAME_SAMPLES };

          g_array_append_val (utterances, u);
          start = cut;
          speech = is_speech ? 1 : 0;
          for (gsize g = cut; g < f; g++)
            if (db[g] > threshold)
              speech++;
        }
    }
  if (speech >= MIN_SPEECH_FRAMES)
    {
      Utterance u = { start * FRAME_SAMPLES, n_samples };

      g_array_append_val (utterances, u);
    }
  return utterances;
}

static gboolean
is_filler (const char *word)
{
  return word[0] == '<' || word[0] == '[' || word[0] == '+' || word[0] == '\0';
}

/* One recognised word, before it goes into the transcript. */
typedef struct
{
  char *word;
  gint64 start_ms;
  gint64 end_ms;
  double confidence;
} DecodedWord;

static void
decoded_word_clear (gpointer data)
{
  DecodedWord *w = data;

  /* PHI: wipe the word before it goes back to the allocator. */
  if (w->word != NULL)
    memset (w->word, 0, strlen (w->word));
  g_clear_pointer (&w->word, g_free);
}

/* Appends @word, or the letters of an abbreviation token ("d_n_r": the language model's one word
 * for "d n r", data/speech/gen-corpus.py) as words of their own sharing its time. */
static void
append_word (GArray *words, const char *word, gint64 start_ms, gint64 end_ms, double confidence)
{
  g_auto (GStrv) letters = strchr (word, '_') != NULL ? g_strsplit (word, "_", -1) : NULL;
  guint n = letters != NULL ? g_strv_length (letters) : 1;

  for (guint i = 0; i < n; i++)
    {
      const char *text = letters != NULL ? letters[i] : word;
      DecodedWord w = { g_strdup (text), start_ms + (end_ms - start_ms) * i / n,
                        start_ms + (end_ms - start_ms) * (i + 1) / n, confidence };

      if (*text != '\0')
        g_array_append_val (words, w);
      else
        g_free (w.word);
    }
  /* the letters are PHI as much as the word: wipe them (@word is the caller's) */
  for (guint i = 0; letters != NULL && letters[i] != NULL; i++)
    memset (letters[i], 0, strlen (letters[i]));
}

/* Called with self->lock held, on one decoder by one thread at a time. Appends the words of one
 * utterance to @words (DecodedWord). */
static gboolean
decode_utterance (ps_decoder_t *decoder,
                  const gint16 *samples,
                  const Utterance *utt,
                  GArray *words,
                  GCancellable *cancellable,
                  GError **error)
{
  logmath_t *lmath = ps_get_logmath (decoder);
  gint64 offset_ms = (gint64) (utt->start / (EL_AUDIO_PCM_RATE / 1000));
  gint64 utt_end_ms = (gint64) (utt->end / (EL_AUDIO_PCM_RATE / 1000));
  int first_frame = -1;
  ps_seg_t *seg;

  if (ps_start_utt (decoder) < 0)
    {
      g_set_error_literal (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_ENGINE,
                           "The speech recogniser could not start");
      return FALSE;
    }
  for (gsize pos = utt->start; pos < utt->end; pos += BLOCK_SAMPLES)
    {
      gsize n = MIN ((gsize) BLOCK_SAMPLES, utt->end - pos);

      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          ps_process_raw (decoder, samples + pos, n, FALSE, FALSE) < 0)
        {
          ps_end_utt (decoder);
          if (error != NULL && *error == NULL)
            g_set_error_literal (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_ENGINE,
                                 "The speech recogniser failed");
          return FALSE;
        }
    }
  ps_end_utt (decoder);

  /* Segment frames count on from the decoder's earlier utterances: the first segment (the
   * utterance start, "<s>") gives the utterance's frame 0. */
  for (seg = ps_seg_iter (decoder); seg != NULL; seg = ps_seg_next (seg))
    {
      const char *word = ps_seg_word (seg);
      g_autofree char *clean = NULL;
      char *paren;
      int sf = 0, ef = 0;
      double confidence;
      gint64 start_ms, end_ms;

      if (first_frame < 0)
        ps_seg_frames (seg, &first_frame, &ef);
      if (word == NULL || is_filler (word))
        continue;
      clean = g_strdup (word);
      paren = strchr (clean, '(');
      if (paren != NULL && paren != clean)
        *paren = '\0'; /* "word(2)": an alternative pronunciation */
      ps_seg_frames (seg, &sf, &ef);
      sf -= first_frame;
      ef -= first_frame;
      confidence = logmath_exp (lmath, ps_seg_prob (seg, NULL, NULL, NULL));
      if (!(confidence >= 0.0)) /* NaN */
        confidence = 0;
      /* The last frames can reach past the audio (feature windows): keep times inside the utterance. */
      start_ms = CLAMP (offset_ms + (gint64) MAX (sf, 0) * 10, offset_ms, utt_end_ms);
      end_ms = CLAMP (offset_ms + (gint64) (MAX (ef, sf) + 1) * 10, start_ms, utt_end_ms);
      append_word (words, clean, start_ms, end_ms, CLAMP (confidence, 0.0, 1.0));
      memset (clean, 0, strlen (clean));
    }
  return TRUE;
}

/* The mean cepstrum of the recording's utterances (@mean: @veclen values), from @decoder's front
 * end between utterances. Every decoder's live cepstral mean starts from it: a run of utterances
 * decoded on its own then starts as well adapted as the first, and a call's result no longer
 * depends on the recordings decoded before it. FALSE if there is no speech. */
static gboolean
recording_mean_cepstrum (ps_decoder_t *decoder, const gint16 *samples, const GArray *utterances, mfcc_t *mean)
{
  enum
  {
    BLOCK_FRAMES = 256
  };
  fe_t *fe = ps_get_fe (decoder);
  int veclen = fe_get_output_size (fe);
  mfcc_t **cep = (mfcc_t **) ckd_calloc_2d (BLOCK_FRAMES + 1, veclen, sizeof (mfcc_t));
  g_autofree double *sum = g_new0 (double, veclen);
  gsize total = 0;

  for (guint i = 0; i < utterances->len; i++)
    {
      const Utterance *u = &g_array_index (utterances, Utterance, i);
      const int16 *p = samples + u->start;
      size_t left = u->end - u->start;
      int32 n = 0;

      fe_start_utt (fe);
      while (left > 0)
        {
          n = BLOCK_FRAMES;
          if (fe_process_frames (fe, &p, &left, cep, &n, NULL) < 0 || n == 0)
            break;
          for (int32 f = 0; f < n; f++)
            for (int k = 0; k < veclen; k++)
              sum[k] += MFCC2FLOAT (cep[f][k]);
          total += (gsize) n;
        }
      n = 0;
      fe_end_utt (fe, cep[0], &n);
      for (int32 f = 0; f < n; f++)
        for (int k = 0; k < veclen; k++)
          sum[k] += MFCC2FLOAT (cep[f][k]);
      total += (gsize) MAX (n, 0);
    }
  ckd_free_2d (cep);
  if (total == 0)
    return FALSE;
  for (int k = 0; k < veclen; k++)
    mean[k] = FLOAT2MFCC (sum[k] / (double) total);
  return TRUE;
}

/* A contiguous run of utterances, decoded by one decoder on one thread. */
typedef struct
{
  ps_decoder_t *decoder;
  const gint16 *samples;
  const Utterance *utterances;
  guint first;
  guint last; /* one past */
  GCancellable *cancellable;
  GArray *words; /* DecodedWord, in order */
  GError *error;
} DecodeJob;

static gpointer
decode_job_run (gpointer data)
{
  DecodeJob *job = data;

  for (guint i = job->first; i < job->last && job->error == NULL; i++)
    decode_utterance (job->decoder, job->samples, &job->utterances[i], job->words, job->cancellable,
                      &job->error);
  return NULL;
}

/* Splits @utterances into at most @n_jobs contiguous runs of about the same length of audio. */
static guint
plan_jobs (const GArray *utterances, guint n_jobs, DecodeJob *jobs)
{
  gsize total = 0, done = 0;
  guint n = 0, first = 0;

  for (guint i = 0; i < utterances->len; i++)
    total += g_array_index (utterances, Utterance, i).end - g_array_index (utterances, Utterance, i).start;
  for (guint i = 0; i < utterances->len; i++)
    {
      const Utterance *u = &g_array_index (utterances, Utterance, i);

      done += u->end - u->start;
      /* close run n once it holds its share of the audio (the last run takes the rest) */
      if (i + 1 == utterances->len || (n + 1 < n_jobs && done * n_jobs >= total * (n + 1)))
        {
          jobs[n].first = first;
          jobs[n].last = i + 1;
          first = i + 1;
          n++;
        }
    }
  return n;
}

/* Audio decoded by every transcriber of the process (el_pocketsphinx_transcriber_get_audio_ms_decoded()). */
static gint64 audio_ms_decoded;
G_LOCK_DEFINE_STATIC (audio_ms_decoded);

gint64
el_pocketsphinx_transcriber_get_audio_ms_decoded (void)
{
  gint64 ms;

  G_LOCK (audio_ms_decoded);
  ms = audio_ms_decoded;
  G_UNLOCK (audio_ms_decoded);
  return ms;
}

static void
transcribe_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  ElPocketsphinxTranscriber *self = source_object;
  TranscribeData *data = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) pcm = NULL;
  g_autoptr (GArray) utterances = NULL;
  g_autoptr (ElTranscript) transcript = NULL;
  g_autoptr (GMutexLocker) locker = NULL;
  DecodeJob jobs[MAX_DECODERS] = { { 0 } };
  GThread *threads[MAX_DECODERS] = { 0 };
  const gint16 *samples;
  gsize size;
  gint64 duration_ms = 0;
  gint64 started;
  guint n_jobs;

  /* Load the models first, so the processing time excludes the one-time load. */
  locker = g_mutex_locker_new (&self->lock);
  for (guint i = 0; i < self->n_threads; i++)
    if (!ensure_decoder (self, i, &error))
      {
        g_task_return_error (task, g_steal_pointer (&error));
        return;
      }
  started = g_get_monotonic_time ();
  pcm = el_audio_decode_to_pcm (data->audio, data->content_type, &duration_ms, cancellable, &error);
  if (pcm == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  samples = g_bytes_get_data (pcm, &size);
  utterances = split_utterances (samples, size / 2);
  transcript = el_transcript_new ("pocketsphinx");

  /* The utterances in contiguous runs, one per decoder, decoded in parallel (this thread takes the
   * first run); the words are put together in order afterwards. */
  n_jobs = plan_jobs (utterances, self->n_threads, jobs);
  if (n_jobs > 0)
    {
      g_autofree mfcc_t *mean = g_new0 (mfcc_t, fe_get_output_size (ps_get_fe (self->decoders[0])));

      if (recording_mean_cepstrum (self->decoders[0], samples, utterances, mean))
        for (guint i = 0; i < n_jobs; i++)
          cmn_live_set (ps_get_feat (self->decoders[i])->cmn_struct, mean);
    }
  for (guint i = 0; i < n_jobs; i++)
    {
      jobs[i].decoder = self->decoders[i];
      jobs[i].samples = samples;
      jobs[i].utterances = (const Utterance *) (gpointer) utterances->data;
      jobs[i].cancellable = cancellable;
      jobs[i].words = g_array_new (FALSE, FALSE, sizeof (DecodedWord));
      g_array_set_clear_func (jobs[i].words, decoded_word_clear);
    }
  for (guint i = 1; i < n_jobs; i++)
    threads[i] = g_thread_try_new ("el-speech", decode_job_run, &jobs[i], NULL);
  if (n_jobs > 0)
    decode_job_run (&jobs[0]);
  for (guint i = 1; i < n_jobs; i++)
    {
      if (threads[i] != NULL)
        g_thread_join (threads[i]);
      else
        decode_job_run (&jobs[i]); /* no thread: decode it here */
    }
  for (guint i = 0; i < n_jobs; i++)
    {
      if (error == NULL && jobs[i].error != NULL)
        error = g_steal_pointer (&jobs[i].error);
      g_clear_error (&jobs[i].error);
      for (guint k = 0; error == NULL && k < jobs[i].words->len; k++)
        {
          const DecodedWord *w = &g_array_index (jobs[i].words, DecodedWord, k);

          el_transcript_append_word (transcript, w->word, w->start_ms, w->end_ms, w->confidence);
        }
      g_array_unref (jobs[i].words);
    }
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  el_transcript_set_timing (transcript, duration_ms, (g_get_monotonic_time () - started) / 1e6);
  G_LOCK (audio_ms_decoded);
  audio_ms_decoded += duration_ms;
  G_UNLOCK (audio_ms_decoded);
  g_task_return_pointer (task, g_steal_pointer (&transcript), (GDestroyNotify) el_transcript_unref);
}

static const char *
el_pocketsphinx_transcriber_get_engine_name (ElTranscriber *transcriber)
{
  return "pocketsphinx";
}

static void
el_pocketsphinx_transcriber_transcribe_async (ElTranscriber *transcriber,
                                              GBytes *audio,
                                              const char *content_type,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (transcriber, cancellable, callback, user_data);
  TranscribeData *data = g_new0 (TranscribeData, 1);

  g_task_set_source_tag (task, el_pocketsphinx_transcriber_transcribe_async);
  data->audio = g_bytes_ref (audio);
  data->content_type = g_strdup (content_type);
  g_task_set_task_data (task, data, (GDestroyNotify) transcribe_data_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, transcribe_thread);
}

static ElTranscript *
el_pocketsphinx_transcriber_transcribe_finish (ElTranscriber *transcriber,
                                               GAsyncResult *result,
                                               GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, transcriber), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
el_pocketsphinx_transcriber_iface_init (ElTranscriberInterface *iface)
{
  iface->get_engine_name = el_pocketsphinx_transcriber_get_engine_name;
  iface->transcribe_async = el_pocketsphinx_transcriber_transcribe_async;
  iface->transcribe_finish = el_pocketsphinx_transcriber_transcribe_finish;
}

static void
el_pocketsphinx_transcriber_constructed (GObject *object)
{
  ElPocketsphinxTranscriber *self = EL_POCKETSPHINX_TRANSCRIBER (object);

  G_OBJECT_CLASS (el_pocketsphinx_transcriber_parent_class)->constructed (object);
  if (self->acoustic_model == NULL)
    self->acoustic_model = el_speech_acoustic_model_dir ();
  if (self->language_model == NULL)
    self->language_model = el_speech_language_model_path ();
  if (self->dictionary == NULL)
    self->dictionary = el_speech_dictionary_path ();
  if (self->n_threads == 0)
    self->n_threads = CLAMP (g_get_num_processors (), 1, MAX_DECODERS);
}

static void
el_pocketsphinx_transcriber_finalize (GObject *object)
{
  ElPocketsphinxTranscriber *self = EL_POCKETSPHINX_TRANSCRIBER (object);

  for (guint i = 0; i < MAX_DECODERS; i++)
    if (self->decoders[i] != NULL)
      ps_free (self->decoders[i]);
  g_mutex_clear (&self->lock);
  g_free (self->acoustic_model);
  g_free (self->language_model);
  g_free (self->dictionary);
  G_OBJECT_CLASS (el_pocketsphinx_transcriber_parent_class)->finalize (object);
}

static void
el_pocketsphinx_transcriber_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElPocketsphinxTranscriber *self = EL_POCKETSPHINX_TRANSCRIBER (object);

  switch (prop_id)
    {
      case PROP_ACOUSTIC_MODEL:
        g_value_set_string (value, self->acoustic_model);
        break;
      case PROP_LANGUAGE_MODEL:
        g_value_set_string (value, self->language_model);
        break;
      case PROP_DICTIONARY:
        g_value_set_string (value, self->dictionary);
        break;
      case PROP_THREADS:
        g_value_set_uint (value, self->n_threads);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_pocketsphinx_transcriber_set_property (GObject *object,
                                          guint prop_id,
                                          const GValue *value,
                                          GParamSpec *pspec)
{
  ElPocketsphinxTranscriber *self = EL_POCKETSPHINX_TRANSCRIBER (object);

  switch (prop_id)
    {
      case PROP_ACOUSTIC_MODEL:
        g_free (self->acoustic_model);
        self->acoustic_model = g_value_dup_string (value);
        break;
      case PROP_LANGUAGE_MODEL:
        g_free (self->language_model);
        self->language_model = g_value_dup_string (value);
        break;
      case PROP_DICTIONARY:
        g_free (self->dictionary);
        self->dictionary = g_value_dup_string (value);
        break;
      case PROP_THREADS:
        self->n_threads = g_value_get_uint (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_pocketsphinx_transcriber_class_init (ElPocketsphinxTranscriberClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = el_pocketsphinx_transcriber_constructed;
  object_class->finalize = el_pocketsphinx_transcriber_finalize;
  object_class->get_property = el_pocketsphinx_transcriber_get_property;
  object_class->set_property = el_pocketsphinx_transcriber_set_property;

  properties[PROP_ACOUSTIC_MODEL] =
      g_param_spec_string ("acoustic-model", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LANGUAGE_MODEL] =
      g_param_spec_string ("language-model", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DICTIONARY] = g_param_spec_string (
      "dictionary", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* 0: one per processor, at most MAX_DECODERS */
  properties[PROP_THREADS] =
      g_param_spec_uint ("threads", NULL, NULL, 0, MAX_DECODERS, 0,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
el_pocketsphinx_transcriber_init (ElPocketsphinxTranscriber *self)
{
  g_mutex_init (&self->lock);
}

ElTranscriber *
el_pocketsphinx_transcriber_new (void)
{
  return g_object_new (EL_TYPE_POCKETSPHINX_TRANSCRIBER, NULL);
}

ElTranscriber *
el_pocketsphinx_transcriber_new_with_models (const char *acoustic_model_dir,
                                             const char *language_model,
                                             const char *dictionary)
{
  return g_object_new (EL_TYPE_POCKETSPHINX_TRANSCRIBER, "acoustic-model", acoustic_model_dir,
                       "language-model", language_model, "dictionary", dictionary, NULL);
}
