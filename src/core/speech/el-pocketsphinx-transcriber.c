/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-pocketsphinx-transcriber.h"

#include <pocketsphinx.h>
#include <sphinxbase/err.h>
#include <string.h>

#include "el-audio-decode.h"
#include "el-speech-model.h"

#define FRAME_SAMPLES     (EL_AUDIO_PCM_RATE / 100) /* 10 ms, pocketsphinx's frame rate */
#define BLOCK_SAMPLES     4096
#define PAUSE_FRAMES      30   /* a pause this long (300 ms) ends an utterance */
#define MAX_UTT_FRAMES    3000 /* 30 s */
#define MIN_SPEECH_FRAMES 5
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

  GMutex lock; /* guards decoder */
  ps_decoder_t *decoder;
};

enum
{
  PROP_0,
  PROP_ACOUSTIC_MODEL,
  PROP_LANGUAGE_MODEL,
  PROP_DICTIONARY,
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

/* Called with self->lock held. */
static gboolean
ensure_decoder (ElPocketsphinxTranscriber *self, GError **error)
{
  const char *files[] = { self->language_model, self->dictionary };
  g_autofree char *mdef = NULL;
  cmd_ln_t *config;

  if (self->decoder != NULL)
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
  self->decoder = ps_init (config);
  cmd_ln_free_r (config); /* the decoder keeps its own reference */
  if (self->decoder == NULL)
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

/* Called with self->lock held. Appends the words of one utterance to @transcript. */
static gboolean
decode_utterance (ElPocketsphinxTranscriber *self,
                  const gint16 *samples,
                  const Utterance *utt,
                  ElTranscript *transcript,
                  GCancellable *cancellable,
                  GError **error)
{
  logmath_t *lmath = ps_get_logmath (self->decoder);
  gint64 offset_ms = (gint64) (utt->start / (EL_AUDIO_PCM_RATE / 1000));
  gint64 utt_end_ms = (gint64) (utt->end / (EL_AUDIO_PCM_RATE / 1000));
  ps_seg_t *seg;

  if (ps_start_utt (self->decoder) < 0)
    {
      g_set_error_literal (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_ENGINE,
                           "The speech recogniser could not start");
      return FALSE;
    }
  for (gsize pos = utt->start; pos < utt->end; pos += BLOCK_SAMPLES)
    {
      gsize n = MIN ((gsize) BLOCK_SAMPLES, utt->end - pos);

      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          ps_process_raw (self->decoder, samples + pos, n, FALSE, FALSE) < 0)
        {
          ps_end_utt (self->decoder);
          if (error != NULL && *error == NULL)
            g_set_error_literal (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_ENGINE,
                                 "The speech recogniser failed");
          return FALSE;
        }
    }
  ps_end_utt (self->decoder);

  for (seg = ps_seg_iter (self->decoder); seg != NULL; seg = ps_seg_next (seg))
    {
      const char *word = ps_seg_word (seg);
      g_autofree char *clean = NULL;
      char *paren;
      int sf = 0, ef = 0;
      double confidence;
      gint64 start_ms, end_ms;

      if (word == NULL || is_filler (word))
        continue;
      clean = g_strdup (word);
      paren = strchr (clean, '(');
      if (paren != NULL && paren != clean)
        *paren = '\0'; /* "word(2)": an alternative pronunciation */
      ps_seg_frames (seg, &sf, &ef);
      confidence = logmath_exp (lmath, ps_seg_prob (seg, NULL, NULL, NULL));
      if (!(confidence >= 0.0)) /* NaN */
        confidence = 0;
      /* The last frames can reach past the audio (feature windows): keep times inside the utterance. */
      start_ms = CLAMP (offset_ms + (gint64) MAX (sf, 0) * 10, offset_ms, utt_end_ms);
      end_ms = CLAMP (offset_ms + (gint64) (MAX (ef, sf) + 1) * 10, start_ms, utt_end_ms);
      el_transcript_append_word (transcript, clean, start_ms, end_ms, CLAMP (confidence, 0.0, 1.0));
    }
  return TRUE;
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
  const gint16 *samples;
  gsize size;
  gint64 duration_ms = 0;
  gint64 started;

  /* Load the models first, so the processing time excludes the one-time load. */
  locker = g_mutex_locker_new (&self->lock);
  if (!ensure_decoder (self, &error))
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
  for (guint i = 0; i < utterances->len; i++)
    if (!decode_utterance (self, samples, &g_array_index (utterances, Utterance, i), transcript, cancellable,
                           &error))
      {
        g_task_return_error (task, g_steal_pointer (&error));
        return;
      }
  el_transcript_set_timing (transcript, duration_ms, (g_get_monotonic_time () - started) / 1e6);
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
}

static void
el_pocketsphinx_transcriber_finalize (GObject *object)
{
  ElPocketsphinxTranscriber *self = EL_POCKETSPHINX_TRANSCRIBER (object);

  if (self->decoder != NULL)
    ps_free (self->decoder);
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
