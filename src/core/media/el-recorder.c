/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ElRecorder: microphone -> Opus/Ogg -> sealed chunks on disk (el-recorder.h, FORMAT.md). */
#include "config.h"

#include "el-recorder.h"

#include "el-model-types.h"
#include "el-sealed-audio.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <math.h>
#include <openssl/crypto.h>
#include <string.h>

G_DEFINE_QUARK (el - recorder - error - quark, el_recorder_error)

G_DEFINE_ENUM_TYPE (ElRecorderState,
                    el_recorder_state,
                    G_DEFINE_ENUM_VALUE (EL_RECORDER_STATE_IDLE, "idle"),
                    G_DEFINE_ENUM_VALUE (EL_RECORDER_STATE_RECORDING, "recording"),
                    G_DEFINE_ENUM_VALUE (EL_RECORDER_STATE_PAUSED, "paused"),
                    G_DEFINE_ENUM_VALUE (EL_RECORDER_STATE_STOPPING, "stopping"),
                    G_DEFINE_ENUM_VALUE (EL_RECORDER_STATE_STOPPED, "stopped"),
                    G_DEFINE_ENUM_VALUE (EL_RECORDER_STATE_FAILED, "failed"))

G_DEFINE_ENUM_TYPE (ElRecorderWarning,
                    el_recorder_warning,
                    G_DEFINE_ENUM_VALUE (EL_RECORDER_WARNING_NEAR_MAX_LENGTH, "near-max-length"),
                    G_DEFINE_ENUM_VALUE (EL_RECORDER_WARNING_SILENT_MICROPHONE, "silent-microphone"))

#define LEVEL_NAME "el-level"
#define CAPS_NAME  "el-caps"
#define SINK_NAME  "el-sink"
#define OPUS_RATE  48000 /* Opus granule positions count 48 kHz samples */

typedef enum
{
  TEARDOWN_FINISH,
  TEARDOWN_FAIL,
  TEARDOWN_DISCARD,
} TeardownMode;

struct _ElRecorder
{
  GObject parent_instance;

  /* construct-only */
  ElVault *vault;
  char *directory;
  char *source;
  char *recording_id;
  GMainContext *context;

  char *path;
  GstElement *pipeline;
  GSource *bus_source;
  GSource *timeout_source;
  ElSealedAudioWriter *writer;

  /* shared with the streaming threads, under lock */
  GMutex lock;
  gboolean paused;
  guint64 samples;     /* recorded (not paused) samples let through */
  guint64 max_samples; /* from max-duration-ms */
  gboolean max_reached;
  gint64 preskip;     /* Opus pre-skip from OpusHead, -1 until seen */
  guint32 ogg_serial; /* of the last whole page handed to the writer */
  guint32 ogg_sequence;
  gint64 ogg_granule; /* the last granule position that was not -1 */
  guint ogg_pages;
  gboolean ogg_eos;      /* the last page ended the stream */
  guint64 media_end_ms;  /* of the last Ogg page handed to the writer */
  GError *write_error;   /* the writer failed */
  gboolean first_buffer; /* the next buffer through the probe starts the stream */

  /* main context only */
  ElRecorderState state;
  guint64 duration_ms;
  double peak_db;
  double rms_db;
  guint64 max_ms;
  guint64 warn_ms;
  gboolean warned_near_max;
  double silence_db;
  guint silence_ms;
  gint64 silent_since_ms; /* recorded ms when the current silence began, -1 if not silent */
  gboolean warned_silent;
  guint stop_timeout_ms;
  gboolean discard_requested;
  gboolean start_failed; /* remove the file once the pipeline is down */
  gboolean discarded;
  GError *failure;
  GList *stop_tasks; /* GTask */
};

G_DEFINE_FINAL_TYPE (ElRecorder, el_recorder, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_VAULT,
  PROP_DIRECTORY,
  PROP_SOURCE,
  PROP_RECORDING_ID,
  PROP_PATH,
  PROP_STATE,
  PROP_LEVEL_PEAK_DB,
  PROP_LEVEL_RMS_DB,
  PROP_DURATION_MS,
  PROP_MAX_DURATION_MS,
  PROP_WARN_DURATION_MS,
  PROP_SILENCE_THRESHOLD_DB,
  PROP_SILENCE_MS,
  PROP_STOP_TIMEOUT_MS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_WARNING,
  SIGNAL_FINISHED,
  SIGNAL_FAILED,
  SIGNAL_DISCARDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void teardown (ElRecorder *self, TeardownMode mode, GError *error);

/* Helpers -------------------------------------------------------------------------------------- */

/**
 * el_recorder_source_for_device:
 * @device_name: a PulseAudio source name (pactl list short sources)
 *
 * Returns: (transfer full) (nullable): "pulsesrc device=\"NAME\"", or %NULL for an empty name or
 *   one holding quotes, backslashes or control characters
 */
char *
el_recorder_source_for_device (const char *device_name)
{
  if (device_name == NULL || *device_name == '\0' || !g_utf8_validate (device_name, -1, NULL))
    return NULL;
  for (const char *p = device_name; *p != '\0'; p++)
    if (*p == '"' || *p == '\\' || g_ascii_iscntrl (*p))
      return NULL;
  return g_strdup_printf ("pulsesrc device=\"%s\"", device_name);
}

char *
el_recorder_choose_source (const char *override, const char *device_name)
{
  char *source;

  if (override != NULL)
    return g_strdup (override);
  source = el_recorder_source_for_device (device_name);
  return source != NULL ? source : g_strdup (EL_RECORDER_DEFAULT_SOURCE);
}

/**
 * el_recorder_build_pipeline_description:
 * @source: (nullable): a gst-launch source description; %NULL for "autoaudiosrc"
 *
 * Returns: (transfer full): the recorder's pipeline from the source to oggmux, without a sink
 */
char *
el_recorder_build_pipeline_description (const char *source)
{
  return g_strdup_printf ("%s ! audioconvert ! audioresample ! "
                          "capsfilter name=" CAPS_NAME " caps=audio/x-raw,format=S16LE,rate=%d,channels=1 ! "
                          "level name=" LEVEL_NAME " interval=%d post-messages=true ! "
                          "opusenc bitrate=24000 audio-type=voice frame-size=20 ! "
                          "oggmux max-delay=400000000 max-page-delay=400000000",
                          source != NULL ? source : EL_RECORDER_DEFAULT_SOURCE, EL_RECORDER_RATE,
                          EL_RECORDER_LEVEL_INTERVAL_MS * 1000000);
}

static guint64
samples_to_ms (guint64 samples)
{
  return samples * 1000 / EL_RECORDER_RATE;
}

static void
set_state (ElRecorder *self, ElRecorderState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
update_duration (ElRecorder *self)
{
  guint64 ms;

  g_mutex_lock (&self->lock);
  ms = samples_to_ms (self->samples);
  g_mutex_unlock (&self->lock);
  if (ms == self->duration_ms)
    return;
  self->duration_ms = ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION_MS]);
}

/* Streaming threads --------------------------------------------------------------------------- */

static gboolean
max_reached_cb (gpointer user_data)
{
  ElRecorder *self = user_data;

  if (self->state == EL_RECORDER_STATE_RECORDING || self->state == EL_RECORDER_STATE_PAUSED)
    el_recorder_stop (self);
  return G_SOURCE_REMOVE;
}

/* On the capsfilter's source pad: drops paused audio and audio past the maximum, and stamps what
 * passes with the count of recorded samples, so the stream is continuous. */
static GstPadProbeReturn
audio_probe_cb (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  ElRecorder *self = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  gsize size = gst_buffer_get_size (buffer);
  guint64 n = size / 2;
  gboolean reached = FALSE;

  g_mutex_lock (&self->lock);
  if (self->paused || self->samples >= self->max_samples || n == 0)
    {
      g_mutex_unlock (&self->lock);
      return GST_PAD_PROBE_DROP;
    }
  buffer = gst_buffer_make_writable (buffer);
  if (self->samples + n >= self->max_samples)
    {
      n = self->max_samples - self->samples;
      gst_buffer_resize (buffer, 0, (gssize) (n * 2));
      reached = !self->max_reached;
      self->max_reached = TRUE;
    }
  GST_BUFFER_PTS (buffer) = gst_util_uint64_scale (self->samples, GST_SECOND, EL_RECORDER_RATE);
  GST_BUFFER_DURATION (buffer) = gst_util_uint64_scale (n, GST_SECOND, EL_RECORDER_RATE);
  GST_BUFFER_DTS (buffer) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_OFFSET (buffer) = self->samples;
  GST_BUFFER_OFFSET_END (buffer) = self->samples + n;
  if (self->first_buffer)
    GST_BUFFER_FLAG_SET (buffer, GST_BUFFER_FLAG_DISCONT);
  else
    GST_BUFFER_FLAG_UNSET (buffer, GST_BUFFER_FLAG_DISCONT);
  self->first_buffer = FALSE;
  self->samples += n;
  g_mutex_unlock (&self->lock);
  GST_PAD_PROBE_INFO_DATA (info) = buffer;

  if (reached)
    g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, max_reached_cb, g_object_ref (self),
                                g_object_unref);
  return GST_PAD_PROBE_OK;
}

static gint64
read_le64 (const guint8 *p)
{
  guint64 v = 0;

  for (int i = 7; i >= 0; i--)
    v = (v << 8) | p[i];
  return (gint64) v;
}

/* Walks the Ogg pages of @data: learns the Opus pre-skip, and the position at the end of the last
 * page that completes a packet. Bytes that are not whole pages are ignored here (the writer still
 * stores them). Appsink streaming thread. */
static void
scan_pages (ElRecorder *self, const guint8 *data, gsize len)
{
  gsize off = 0;

  while (off + 27 <= len && memcmp (data + off, "OggS", 4) == 0)
    {
      guint nsegs = data[off + 26];
      gsize body = 0;
      gint64 granule = read_le64 (data + off + 6);
      const guint8 *payload;

      if (off + 27 + nsegs > len)
        return;
      for (guint i = 0; i < nsegs; i++)
        body += data[off + 27 + i];
      if (off + 27 + nsegs + body > len)
        return;
      payload = data + off + 27 + nsegs;
      if (self->preskip < 0 && body >= 12 && memcmp (payload, "OpusHead", 8) == 0)
        self->preskip = payload[10] | (payload[11] << 8);
      self->ogg_serial = (guint32) data[off + 14] | ((guint32) data[off + 15] << 8) |
                         ((guint32) data[off + 16] << 16) | ((guint32) data[off + 17] << 24);
      self->ogg_sequence = (guint32) data[off + 18] | ((guint32) data[off + 19] << 8) |
                           ((guint32) data[off + 20] << 16) | ((guint32) data[off + 21] << 24);
      if (granule != -1)
        self->ogg_granule = granule;
      self->ogg_eos = (data[off + 5] & 0x04) != 0;
      self->ogg_pages++;
      if (granule > 0 && self->preskip >= 0 && granule > self->preskip)
        {
          guint64 ms = (guint64) (granule - self->preskip) * 1000 / OPUS_RATE;

          self->media_end_ms = MAX (self->media_end_ms, ms);
        }
      off += 27 + nsegs + body;
    }
}

static GstFlowReturn
sink_new_sample_cb (GstAppSink *sink, gpointer user_data)
{
  ElRecorder *self = user_data;
  g_autoptr (GstSample) sample = gst_app_sink_pull_sample (sink);
  GstBuffer *buffer;
  GstMapInfo map;
  GError *error = NULL;
  gboolean ok;

  if (sample == NULL)
    return GST_FLOW_EOS;
  buffer = gst_sample_get_buffer (sample);
  if (buffer == NULL || !gst_buffer_map (buffer, &map, GST_MAP_READ))
    return GST_FLOW_OK;

  g_mutex_lock (&self->lock);
  ok = self->write_error == NULL;
  g_mutex_unlock (&self->lock);
  if (!ok)
    {
      gst_buffer_unmap (buffer, &map);
      return GST_FLOW_ERROR;
    }
  /* Only this thread uses the writer, preskip and media_end_ms until the pipeline has stopped (then
   * the teardown thread does): no lock while sealing and syncing. */
  scan_pages (self, map.data, map.size);
  ok = el_sealed_audio_writer_append (self->writer, map.data, map.size, self->media_end_ms, &error);
  gst_buffer_unmap (buffer, &map);
  if (!ok)
    {
      g_mutex_lock (&self->lock);
      self->write_error = error;
      g_mutex_unlock (&self->lock);
    }
  if (!ok)
    {
      GST_ELEMENT_ERROR (sink, RESOURCE, WRITE, ("cannot write the sealed recording"), (NULL));
      return GST_FLOW_ERROR;
    }
  return GST_FLOW_OK;
}

/* Main context: bus ------------------------------------------------------------------------------ */

static double
clamp_db (double db)
{
  if (isnan (db) || db < EL_RECORDER_MIN_DB)
    return EL_RECORDER_MIN_DB;
  return MIN (db, 0.0);
}

static double
first_db (const GstStructure *s, const char *field)
{
  const GValue *v = gst_structure_get_value (s, field);
  GValueArray *array;
  double db = EL_RECORDER_MIN_DB;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (v == NULL || !G_VALUE_HOLDS (v, g_value_array_get_type ()))
    return db;
  array = g_value_get_boxed (v);
  if (array != NULL && array->n_values > 0 && G_VALUE_HOLDS_DOUBLE (g_value_array_get_nth (array, 0)))
    db = g_value_get_double (g_value_array_get_nth (array, 0));
  G_GNUC_END_IGNORE_DEPRECATIONS
  return clamp_db (db);
}

static void
check_warnings (ElRecorder *self)
{
  if (!self->warned_near_max && self->warn_ms > 0 && self->duration_ms >= self->warn_ms)
    {
      self->warned_near_max = TRUE;
      g_signal_emit (self, signals[SIGNAL_WARNING], 0, EL_RECORDER_WARNING_NEAR_MAX_LENGTH);
    }
  if (self->rms_db < self->silence_db)
    {
      if (self->silent_since_ms < 0)
        self->silent_since_ms = (gint64) self->duration_ms;
      if (!self->warned_silent && self->duration_ms - (guint64) self->silent_since_ms >= self->silence_ms)
        {
          self->warned_silent = TRUE;
          g_signal_emit (self, signals[SIGNAL_WARNING], 0, EL_RECORDER_WARNING_SILENT_MICROPHONE);
        }
    }
  else
    {
      self->silent_since_ms = -1;
      self->warned_silent = FALSE;
    }
}

static void
handle_level (ElRecorder *self, const GstStructure *s)
{
  if (self->state != EL_RECORDER_STATE_RECORDING && self->state != EL_RECORDER_STATE_PAUSED &&
      self->state != EL_RECORDER_STATE_STOPPING)
    return;
  self->peak_db = first_db (s, "peak");
  self->rms_db = first_db (s, "rms");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LEVEL_PEAK_DB]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LEVEL_RMS_DB]);
  update_duration (self);
  if (self->state == EL_RECORDER_STATE_RECORDING)
    check_warnings (self);
}

static GError *
error_from_message (ElRecorder *self, GstMessage *message)
{
  g_autoptr (GError) gst_error = NULL;
  g_autofree char *debug = NULL;

  g_mutex_lock (&self->lock);
  if (self->write_error != NULL)
    {
      GError *error = g_error_new (EL_RECORDER_ERROR, EL_RECORDER_ERROR_STORAGE,
                                   "cannot store the recording: %s", self->write_error->message);

      g_mutex_unlock (&self->lock);
      return error;
    }
  g_mutex_unlock (&self->lock);
  gst_message_parse_error (message, &gst_error, &debug);
  return g_error_new (EL_RECORDER_ERROR, EL_RECORDER_ERROR_STREAM, "recording failed in %s: %s",
                      GST_MESSAGE_SRC_NAME (message),
                      gst_error != NULL ? gst_error->message : "unknown error");
}

static gboolean
bus_message_cb (GstBus *bus, GstMessage *message, gpointer user_data)
{
  ElRecorder *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
      case GST_MESSAGE_ELEMENT:
        {
          const GstStructure *s = gst_message_get_structure (message);

          if (s != NULL && gst_structure_has_name (s, "level"))
            handle_level (self, s);
          break;
        }
      case GST_MESSAGE_EOS:
        teardown (self, TEARDOWN_FINISH, NULL);
        break;
      case GST_MESSAGE_ERROR:
        teardown (self, TEARDOWN_FAIL, error_from_message (self, message));
        break;
      default:
        break;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
stop_timeout_cb (gpointer user_data)
{
  ElRecorder *self = user_data;

  g_clear_pointer (&self->timeout_source, g_source_unref);
  /* EOS did not come through in time: finish with what the writer has. */
  teardown (self, TEARDOWN_FINISH, NULL);
  return G_SOURCE_REMOVE;
}

/* The Ogg page checksum (RFC 3533): CRC-32, polynomial 0x04c11db7, initial 0, not reflected. */
static guint32
ogg_crc32 (const guint8 *data, gsize len)
{
  guint32 crc = 0;

  for (gsize i = 0; i < len; i++)
    {
      crc ^= (guint32) data[i] << 24;
      for (int bit = 0; bit < 8; bit++)
        crc = (crc & 0x80000000u) != 0 ? (crc << 1) ^ 0x04c11db7u : crc << 1;
    }
  return crc;
}

static void
write_le32 (guint8 *p, guint32 v)
{
  for (int i = 0; i < 4; i++)
    p[i] = (guint8) (v >> (8 * i));
}

static void
write_le64 (guint8 *p, guint64 v)
{
  for (int i = 0; i < 8; i++)
    p[i] = (guint8) (v >> (8 * i));
}

/* An Ogg page with no segments that ends logical stream @serial (RFC 3533 allows empty pages). */
static void
build_eos_page (guint32 serial, guint32 sequence, gint64 granule, guint8 page[27])
{
  memcpy (page, "OggS", 4);
  page[4] = 0;    /* version */
  page[5] = 0x04; /* end of stream */
  write_le64 (page + 6, (guint64) granule);
  write_le32 (page + 14, serial);
  write_le32 (page + 18, sequence);
  write_le32 (page + 22, 0);
  page[26] = 0; /* no segments */
  write_le32 (page + 22, ogg_crc32 (page, 27));
}

/* Teardown: stop the pipeline and close the file in a worker thread --------------------------- */

typedef struct
{
  GstElement *pipeline;
  ElSealedAudioWriter *writer;
  TeardownMode mode;
} TeardownData;

static void
teardown_data_free (TeardownData *data)
{
  g_clear_object (&data->pipeline);
  g_clear_object (&data->writer);
  g_free (data);
}

static void
teardown_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  ElRecorder *self = source_object;
  TeardownData *data = task_data;
  GError *error = NULL;

  /* Joins the streaming threads: nothing appends to the writer after this. */
  if (data->pipeline != NULL)
    gst_element_set_state (data->pipeline, GST_STATE_NULL);
  switch (data->mode)
    {
      case TEARDOWN_FINISH:
        /* Without EOS (the stop timeout) oggmux never wrote the stream's last page: end it here, or
         * the recording would not be a whole Ogg stream (the server refuses those). */
        if (self->ogg_pages >= 2 && !self->ogg_eos)
          {
            guint8 page[27];

            build_eos_page (self->ogg_serial, self->ogg_sequence + 1, self->ogg_granule, page);
            if (!el_sealed_audio_writer_append (data->writer, page, sizeof page, self->media_end_ms, &error))
              {
                g_task_return_new_error (task, EL_RECORDER_ERROR, EL_RECORDER_ERROR_STORAGE,
                                         "cannot store the recording: %s", error->message);
                g_error_free (error);
                return;
              }
          }
        if (!el_sealed_audio_writer_finish (data->writer, &error))
          {
            g_task_return_new_error (task, EL_RECORDER_ERROR, EL_RECORDER_ERROR_STORAGE,
                                     "cannot store the recording: %s", error->message);
            g_error_free (error);
            return;
          }
        break;
      case TEARDOWN_FAIL:
        /* Keep what was collected: the file stays an interrupted recording. */
        if (!el_sealed_audio_writer_flush (data->writer, &error))
          g_clear_error (&error);
        break;
      case TEARDOWN_DISCARD:
        el_sealed_audio_writer_discard (data->writer);
        break;
      default:
        g_assert_not_reached ();
    }
  g_task_return_boolean (task, TRUE);
}

static void
complete_stop_tasks (ElRecorder *self)
{
  GList *tasks = g_steal_pointer (&self->stop_tasks);

  for (GList *l = tasks; l != NULL; l = l->next)
    {
      GTask *task = l->data;

      if (self->discarded)
        g_task_return_new_error (task, EL_RECORDER_ERROR, EL_RECORDER_ERROR_DISCARDED,
                                 "the recording was discarded");
      else if (self->failure != NULL)
        g_task_return_error (task, g_error_copy (self->failure));
      else
        g_task_return_boolean (task, TRUE);
    }
  g_list_free_full (tasks, g_object_unref);
}

static void
remove_file (ElRecorder *self)
{
  if (self->path != NULL)
    {
      if (g_unlink (self->path) != 0 && errno != ENOENT)
        g_message ("could not remove a discarded recording: %s", g_strerror (errno));
      g_clear_pointer (&self->path, g_free);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
    }
}

static void
discard_file_now (ElRecorder *self)
{
  remove_file (self);
  self->discarded = TRUE;
}

static void
teardown_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElRecorder *self = EL_RECORDER (source);
  TeardownData *data = g_task_get_task_data (G_TASK (result));
  TeardownMode mode = data->mode;
  g_autoptr (GError) error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  g_clear_object (&self->pipeline);
  g_clear_object (&self->writer);
  update_duration (self);

  if (mode == TEARDOWN_DISCARD || self->discard_requested)
    {
      discard_file_now (self);
      set_state (self, EL_RECORDER_STATE_STOPPED);
      g_signal_emit (self, signals[SIGNAL_DISCARDED], 0);
    }
  else if (mode == TEARDOWN_FAIL || error != NULL)
    {
      if (self->failure == NULL)
        self->failure = error != NULL ? g_steal_pointer (&error)
                                      : g_error_new_literal (EL_RECORDER_ERROR, EL_RECORDER_ERROR_STREAM,
                                                             "recording failed");
      if (self->start_failed)
        remove_file (self);
      set_state (self, EL_RECORDER_STATE_FAILED);
      g_signal_emit (self, signals[SIGNAL_FAILED], 0, self->failure);
    }
  else
    {
      set_state (self, EL_RECORDER_STATE_STOPPED);
      g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
    }
  complete_stop_tasks (self);
}

/* Ends the recording: stops listening to the bus, hands the pipeline and the writer to a worker
 * thread. @error (taken) is the failure for TEARDOWN_FAIL. */
static void
teardown (ElRecorder *self, TeardownMode mode, GError *error)
{
  g_autoptr (GTask) task = NULL;
  TeardownData *data;

  if (self->bus_source == NULL)
    {
      /* Already tearing down. */
      if (error != NULL)
        g_error_free (error);
      return;
    }
  if (mode == TEARDOWN_FAIL && self->failure == NULL)
    self->failure = error;
  else if (error != NULL)
    g_error_free (error);

  g_source_destroy (self->bus_source);
  g_clear_pointer (&self->bus_source, g_source_unref);
  if (self->timeout_source != NULL)
    {
      g_source_destroy (self->timeout_source);
      g_clear_pointer (&self->timeout_source, g_source_unref);
    }
  if (self->state == EL_RECORDER_STATE_RECORDING || self->state == EL_RECORDER_STATE_PAUSED)
    set_state (self, EL_RECORDER_STATE_STOPPING);

  data = g_new0 (TeardownData, 1);
  data->pipeline = self->pipeline != NULL ? g_object_ref (self->pipeline) : NULL;
  data->writer = g_object_ref (self->writer);
  data->mode = mode;
  task = g_task_new (self, NULL, teardown_done_cb, NULL);
  g_task_set_source_tag (task, teardown);
  g_task_set_task_data (task, data, (GDestroyNotify) teardown_data_free);
  g_task_run_in_thread (task, teardown_thread);
}

/* Public API ----------------------------------------------------------------------------------- */

/**
 * el_recorder_new:
 * @audio_vault: the account's audio vault (el_vault_new_derived (data_key_vault, "audio"))
 * @directory: where the sealed recordings go (created, mode 0700)
 * @source: (nullable): a gst-launch source description, %NULL for "autoaudiosrc"
 *
 * Returns: (transfer full): a recorder with a new recording id, in state idle
 */
ElRecorder *
el_recorder_new (ElVault *audio_vault, const char *directory, const char *source)
{
  g_return_val_if_fail (EL_IS_VAULT (audio_vault), NULL);
  g_return_val_if_fail (directory != NULL, NULL);

  return g_object_new (EL_TYPE_RECORDER, "vault", audio_vault, "directory", directory, "source", source,
                       NULL);
}

/**
 * el_recorder_start:
 * @self: an idle recorder
 * @error: %EL_RECORDER_ERROR_STATE, %EL_RECORDER_ERROR_PIPELINE, %EL_RECORDER_ERROR_STORAGE or
 *   %EL_RECORDER_ERROR_STREAM
 *
 * Builds the pipeline, creates the sealed file (open and a 16-byte header, no sync) and starts
 * capturing. Errors that come later (a microphone lost) end in state failed with `failed`. When the
 * pipeline cannot start at all, returns %FALSE and the recorder also ends failed (asynchronously,
 * with `failed`, once the pipeline is down; the file is removed).
 */
gboolean
el_recorder_start (ElRecorder *self, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *description = NULL;
  g_autofree char *full = NULL;
  g_autoptr (GstElement) caps = NULL;
  g_autoptr (GstElement) sink = NULL;
  g_autoptr (GstPad) pad = NULL;
  g_autoptr (GstBus) bus = NULL;
  GstAppSinkCallbacks callbacks = { 0 };

  g_return_val_if_fail (EL_IS_RECORDER (self), FALSE);

  if (self->state != EL_RECORDER_STATE_IDLE)
    {
      g_set_error_literal (error, EL_RECORDER_ERROR, EL_RECORDER_ERROR_STATE, "a recorder records once");
      return FALSE;
    }
  if (!gst_init_check (NULL, NULL, &local_error))
    {
      g_set_error (error, EL_RECORDER_ERROR, EL_RECORDER_ERROR_PIPELINE, "GStreamer: %s",
                   local_error->message);
      return FALSE;
    }

  description = el_recorder_build_pipeline_description (self->source);
  /* The queue gives the appsink its own streaming thread: sealing and fdatasync never hold up the
   * capture thread. */
  full = g_strconcat (description,
                      " ! queue max-size-buffers=0 max-size-bytes=0 max-size-time=0"
                      " ! appsink name=" SINK_NAME " sync=false async=false",
                      NULL);
  self->pipeline = gst_parse_launch_full (full, NULL, GST_PARSE_FLAG_FATAL_ERRORS, &local_error);
  if (self->pipeline == NULL)
    {
      g_set_error (error, EL_RECORDER_ERROR, EL_RECORDER_ERROR_PIPELINE,
                   "cannot build the recording pipeline: %s",
                   local_error != NULL ? local_error->message : "unknown error");
      set_state (self, EL_RECORDER_STATE_FAILED);
      return FALSE;
    }
  gst_object_ref_sink (self->pipeline);
  caps = gst_bin_get_by_name (GST_BIN (self->pipeline), CAPS_NAME);
  sink = gst_bin_get_by_name (GST_BIN (self->pipeline), SINK_NAME);
  if (caps == NULL || sink == NULL)
    {
      g_set_error_literal (error, EL_RECORDER_ERROR, EL_RECORDER_ERROR_PIPELINE,
                           "the source description must not name elements el-caps or el-sink");
      g_clear_object (&self->pipeline);
      set_state (self, EL_RECORDER_STATE_FAILED);
      return FALSE;
    }

  self->writer = el_sealed_audio_writer_new (self->vault, self->directory, self->recording_id, &local_error);
  if (self->writer == NULL)
    {
      g_set_error (error, EL_RECORDER_ERROR, EL_RECORDER_ERROR_STORAGE, "cannot create the recording: %s",
                   local_error->message);
      g_clear_object (&self->pipeline);
      set_state (self, EL_RECORDER_STATE_FAILED);
      return FALSE;
    }
  el_sealed_audio_writer_set_chunk_ms (self->writer, EL_RECORDER_CHUNK_MS);
  self->path = g_strdup (el_sealed_audio_writer_get_path (self->writer));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);

  g_mutex_lock (&self->lock);
  self->max_samples = self->max_ms * EL_RECORDER_RATE / 1000;
  self->first_buffer = TRUE;
  g_mutex_unlock (&self->lock);

  pad = gst_element_get_static_pad (caps, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, audio_probe_cb, self, NULL);
  callbacks.new_sample = sink_new_sample_cb;
  gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, self, NULL);

  bus = gst_element_get_bus (self->pipeline);
  self->bus_source = gst_bus_create_watch (bus);
  g_source_set_callback (self->bus_source, G_SOURCE_FUNC (bus_message_cb), self, NULL);
  g_source_attach (self->bus_source, self->context);

  set_state (self, EL_RECORDER_STATE_RECORDING);
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_autoptr (GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
      GError *failure = message != NULL ? error_from_message (self, message)
                                        : g_error_new_literal (EL_RECORDER_ERROR, EL_RECORDER_ERROR_STREAM,
                                                               "the recording pipeline does not start");

      g_propagate_error (error, g_error_copy (failure));
      /* Nothing was recorded: leave nothing behind. */
      self->start_failed = TRUE;
      teardown (self, TEARDOWN_FAIL, failure);
      return FALSE;
    }
  return TRUE;
}

/**
 * el_recorder_pause:
 * @self: a recording recorder
 *
 * Audio from now on until el_recorder_resume() is dropped (not in the file, not in duration-ms).
 */
void
el_recorder_pause (ElRecorder *self)
{
  g_return_if_fail (EL_IS_RECORDER (self));

  if (self->state != EL_RECORDER_STATE_RECORDING)
    return;
  g_mutex_lock (&self->lock);
  self->paused = TRUE;
  g_mutex_unlock (&self->lock);
  set_state (self, EL_RECORDER_STATE_PAUSED);
}

void
el_recorder_resume (ElRecorder *self)
{
  g_return_if_fail (EL_IS_RECORDER (self));

  if (self->state != EL_RECORDER_STATE_PAUSED)
    return;
  g_mutex_lock (&self->lock);
  self->paused = FALSE;
  g_mutex_unlock (&self->lock);
  self->silent_since_ms = -1;
  set_state (self, EL_RECORDER_STATE_RECORDING);
}

/**
 * el_recorder_stop:
 * @self: a recorder
 *
 * Sends EOS through the pipeline and returns. The recorder becomes stopped (and emits `finished`)
 * once the final chunk is sealed, or failed. Does nothing unless recording or paused.
 */
void
el_recorder_stop (ElRecorder *self)
{
  gboolean no_audio;

  g_return_if_fail (EL_IS_RECORDER (self));

  if (self->state != EL_RECORDER_STATE_RECORDING && self->state != EL_RECORDER_STATE_PAUSED)
    return;
  set_state (self, EL_RECORDER_STATE_STOPPING);
  g_mutex_lock (&self->lock);
  no_audio = self->samples == 0;
  g_mutex_unlock (&self->lock);
  /* Stopped before the source delivered anything (Stop pressed at once, a microphone still
   * connecting): there is nothing to drain, and an EOS ahead of the stream's first segment makes
   * GStreamer's level element fail an assertion. */
  if (no_audio || !gst_element_send_event (self->pipeline, gst_event_new_eos ()))
    {
      teardown (self, TEARDOWN_FINISH, NULL);
      return;
    }
  self->timeout_source = g_timeout_source_new (self->stop_timeout_ms);
  g_source_set_callback (self->timeout_source, stop_timeout_cb, self, NULL);
  g_source_attach (self->timeout_source, self->context);
}

/**
 * el_recorder_stop_async:
 * @self: a recorder
 * @cancellable: (nullable): a cancellable (the recording still stops)
 * @callback: called once the recording is finished, failed or discarded
 * @user_data: for @callback
 *
 * el_recorder_stop(), and a result when it is done. Stopping a stopped recorder succeeds at once;
 * a failed one returns its error; an idle one %EL_RECORDER_ERROR_STATE.
 */
void
el_recorder_stop_async (ElRecorder *self,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (EL_IS_RECORDER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_recorder_stop_async);
  switch (self->state)
    {
      case EL_RECORDER_STATE_IDLE:
        g_task_return_new_error (task, EL_RECORDER_ERROR, EL_RECORDER_ERROR_STATE,
                                 "the recorder has not started");
        return;
      case EL_RECORDER_STATE_STOPPED:
        if (self->discarded)
          g_task_return_new_error (task, EL_RECORDER_ERROR, EL_RECORDER_ERROR_DISCARDED,
                                   "the recording was discarded");
        else
          g_task_return_boolean (task, TRUE);
        return;
      case EL_RECORDER_STATE_FAILED:
        g_task_return_error (task, self->failure != NULL
                                       ? g_error_copy (self->failure)
                                       : g_error_new_literal (EL_RECORDER_ERROR, EL_RECORDER_ERROR_STREAM,
                                                              "recording failed"));
        return;
      case EL_RECORDER_STATE_RECORDING:
      case EL_RECORDER_STATE_PAUSED:
      case EL_RECORDER_STATE_STOPPING:
      default:
        self->stop_tasks = g_list_append (self->stop_tasks, g_steal_pointer (&task));
        el_recorder_stop (self);
        return;
    }
}

gboolean
el_recorder_stop_finish (ElRecorder *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * el_recorder_discard:
 * @self: a recorder
 *
 * Stops (if needed) and deletes the recording's file. Emits `discarded` when the file is gone;
 * the state ends stopped and `path` %NULL.
 */
void
el_recorder_discard (ElRecorder *self)
{
  g_return_if_fail (EL_IS_RECORDER (self));

  switch (self->state)
    {
      case EL_RECORDER_STATE_IDLE:
        self->discarded = TRUE;
        set_state (self, EL_RECORDER_STATE_STOPPED);
        g_signal_emit (self, signals[SIGNAL_DISCARDED], 0);
        break;
      case EL_RECORDER_STATE_RECORDING:
      case EL_RECORDER_STATE_PAUSED:
        self->discard_requested = TRUE;
        set_state (self, EL_RECORDER_STATE_STOPPING);
        teardown (self, TEARDOWN_DISCARD, NULL);
        break;
      case EL_RECORDER_STATE_STOPPING:
        self->discard_requested = TRUE;
        if (self->bus_source != NULL)
          teardown (self, TEARDOWN_DISCARD, NULL); /* waiting for EOS: no need to wait longer */
        break;
      case EL_RECORDER_STATE_STOPPED:
      case EL_RECORDER_STATE_FAILED:
      default:
        if (self->discarded)
          break;
        discard_file_now (self);
        g_clear_error (&self->failure);
        set_state (self, EL_RECORDER_STATE_STOPPED);
        g_signal_emit (self, signals[SIGNAL_DISCARDED], 0);
        break;
    }
}

ElRecorderState
el_recorder_get_state (ElRecorder *self)
{
  g_return_val_if_fail (EL_IS_RECORDER (self), EL_RECORDER_STATE_IDLE);
  return self->state;
}

const char *
el_recorder_get_recording_id (ElRecorder *self)
{
  g_return_val_if_fail (EL_IS_RECORDER (self), NULL);
  return self->recording_id;
}

const char *
el_recorder_get_path (ElRecorder *self)
{
  g_return_val_if_fail (EL_IS_RECORDER (self), NULL);
  return self->path;
}

guint64
el_recorder_get_duration_ms (ElRecorder *self)
{
  g_return_val_if_fail (EL_IS_RECORDER (self), 0);
  return self->duration_ms;
}

double
el_recorder_get_level_peak_db (ElRecorder *self)
{
  g_return_val_if_fail (EL_IS_RECORDER (self), EL_RECORDER_MIN_DB);
  return self->peak_db;
}

double
el_recorder_get_level_rms_db (ElRecorder *self)
{
  g_return_val_if_fail (EL_IS_RECORDER (self), EL_RECORDER_MIN_DB);
  return self->rms_db;
}

guint64
el_recorder_get_max_duration_ms (ElRecorder *self)
{
  g_return_val_if_fail (EL_IS_RECORDER (self), 0);
  return self->max_ms;
}

void
el_recorder_set_max_duration_ms (ElRecorder *self, guint64 max_ms)
{
  g_return_if_fail (EL_IS_RECORDER (self));
  g_return_if_fail (max_ms > 0);

  if (self->max_ms == max_ms)
    return;
  self->max_ms = max_ms;
  g_mutex_lock (&self->lock);
  self->max_samples = max_ms * EL_RECORDER_RATE / 1000;
  g_mutex_unlock (&self->lock);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_DURATION_MS]);
}

guint64
el_recorder_get_warn_duration_ms (ElRecorder *self)
{
  g_return_val_if_fail (EL_IS_RECORDER (self), 0);
  return self->warn_ms;
}

void
el_recorder_set_warn_duration_ms (ElRecorder *self, guint64 warn_ms)
{
  g_return_if_fail (EL_IS_RECORDER (self));

  if (self->warn_ms == warn_ms)
    return;
  self->warn_ms = warn_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WARN_DURATION_MS]);
}

void
el_recorder_set_silence (ElRecorder *self, double threshold_db, guint silence_ms)
{
  g_return_if_fail (EL_IS_RECORDER (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (self->silence_db != threshold_db)
    {
      self->silence_db = threshold_db;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SILENCE_THRESHOLD_DB]);
    }
  if (self->silence_ms != silence_ms)
    {
      self->silence_ms = silence_ms;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SILENCE_MS]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

void
el_recorder_set_stop_timeout_ms (ElRecorder *self, guint timeout_ms)
{
  g_return_if_fail (EL_IS_RECORDER (self));

  if (self->stop_timeout_ms == timeout_ms)
    return;
  self->stop_timeout_ms = timeout_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STOP_TIMEOUT_MS]);
}

/* Recovery of interrupted recordings ----------------------------------------------------------- */

/* The empty page that ends the Ogg stream of @plain (whole pages of one logical stream). */
static gboolean
make_eos_page (const guint8 *plain, gsize len, guint8 page[27], GError **error)
{
  gsize off = 0;
  guint n_pages = 0;
  guint32 serial = 0, sequence = 0;
  gint64 granule = 0;

  while (off + 27 <= len && memcmp (plain + off, "OggS", 4) == 0)
    {
      guint nsegs = plain[off + 26];
      gsize body = 0;
      gint64 g = read_le64 (plain + off + 6);

      if (off + 27 + nsegs > len)
        break;
      for (guint i = 0; i < nsegs; i++)
        body += plain[off + 27 + i];
      if (off + 27 + nsegs + body > len)
        break;
      serial = (guint32) plain[off + 14] | ((guint32) plain[off + 15] << 8) |
               ((guint32) plain[off + 16] << 16) | ((guint32) plain[off + 17] << 24);
      sequence = (guint32) plain[off + 18] | ((guint32) plain[off + 19] << 8) |
                 ((guint32) plain[off + 20] << 16) | ((guint32) plain[off + 21] << 24);
      if (g != -1)
        granule = g;
      n_pages++;
      off += 27 + nsegs + body;
    }
  if (off != len)
    {
      g_set_error_literal (error, EL_RECORDER_ERROR, EL_RECORDER_ERROR_STORAGE,
                           "the recording does not end on an Ogg page");
      return FALSE;
    }
  if (n_pages < 2)
    {
      /* Not even the Opus headers: nothing was recorded. */
      g_set_error_literal (error, EL_RECORDER_ERROR, EL_RECORDER_ERROR_STORAGE,
                           "the interrupted recording holds no audio");
      return FALSE;
    }
  build_eos_page (serial, sequence + 1, granule, page);
  return TRUE;
}

/**
 * el_recorder_recover:
 * @audio_vault: the account's audio vault
 * @path: a recording file (e.g. found in the recorder's directory after a crash)
 * @recording_id: its recording id (the file's name without .elrec)
 * @cancellable: (nullable): a cancellable
 * @error: an %EL_SEALED_AUDIO_ERROR of opening the file (tampered, corrupt, ...), or
 *   %EL_RECORDER_ERROR_STORAGE (no audio at all: discard the file; or it cannot be written)
 *
 * Makes an interrupted recording complete (blocking): cuts a torn tail and seals a final chunk
 * holding the page that ends the Ogg stream, so the recording plays, transcribes and uploads like
 * any other (the server refuses an Ogg stream without its last page). A complete recording is left
 * as it is.
 *
 * Returns: %TRUE when the file is a complete recording now
 */
gboolean
el_recorder_recover (ElVault *audio_vault,
                     const char *path,
                     const char *recording_id,
                     GCancellable *cancellable,
                     GError **error)
{
  g_autoptr (ElSealedAudio) audio = NULL;
  g_autoptr (ElSealedAudioWriter) writer = NULL;
  g_autoptr (GBytes) plain = NULL;
  guint8 page[27];
  gboolean ok;
  gsize len = 0;
  const guint8 *data;

  g_return_val_if_fail (EL_IS_VAULT (audio_vault), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  audio = el_sealed_audio_open (audio_vault, path, recording_id, cancellable, error);
  if (audio == NULL)
    return FALSE;
  if (el_sealed_audio_is_complete (audio))
    return TRUE;
  plain = el_sealed_audio_read_all (audio, cancellable, error);
  if (plain == NULL)
    return FALSE;
  data = g_bytes_get_data (plain, &len);
  ok = make_eos_page (data, len, page, error);
  if (data != NULL)
    OPENSSL_cleanse ((gpointer) data, len);
  if (!ok)
    return FALSE;

  writer = el_sealed_audio_writer_reopen (audio_vault, path, recording_id, error);
  if (writer == NULL)
    return FALSE;
  return el_sealed_audio_writer_append (writer, page, sizeof page, el_sealed_audio_get_duration_ms (audio),
                                        error) &&
         el_sealed_audio_writer_finish (writer, error);
}

typedef struct
{
  ElVault *vault;
  char *path;
  char *recording_id;
} RecoverData;

static void
recover_data_free (RecoverData *data)
{
  g_clear_object (&data->vault);
  g_free (data->path);
  g_free (data->recording_id);
  g_free (data);
}

static void
recover_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  RecoverData *data = task_data;
  GError *error = NULL;

  if (el_recorder_recover (data->vault, data->path, data->recording_id, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * el_recorder_recover_async:
 * @audio_vault: the account's audio vault
 * @path: a recording file
 * @recording_id: its recording id
 * @cancellable: (nullable): a cancellable
 * @callback: called on the caller's thread-default main context
 * @user_data: for @callback
 *
 * el_recorder_recover() in a worker thread.
 */
void
el_recorder_recover_async (ElVault *audio_vault,
                           const char *path,
                           const char *recording_id,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  RecoverData *data;

  g_return_if_fail (EL_IS_VAULT (audio_vault));
  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_recorder_recover_async);
  data = g_new0 (RecoverData, 1);
  data->vault = g_object_ref (audio_vault);
  data->path = g_strdup (path);
  data->recording_id = g_strdup (recording_id);
  g_task_set_task_data (task, data, (GDestroyNotify) recover_data_free);
  g_task_run_in_thread (task, recover_thread);
}

gboolean
el_recorder_recover_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* GObject -------------------------------------------------------------------------------------- */

static void
el_recorder_constructed (GObject *object)
{
  ElRecorder *self = EL_RECORDER (object);

  G_OBJECT_CLASS (el_recorder_parent_class)->constructed (object);

  g_return_if_fail (EL_IS_VAULT (self->vault));
  g_return_if_fail (self->directory != NULL);
  if (self->source == NULL)
    self->source = g_strdup (EL_RECORDER_DEFAULT_SOURCE);
  if (self->recording_id == NULL)
    self->recording_id = g_uuid_string_random ();
}

static void
el_recorder_dispose (GObject *object)
{
  ElRecorder *self = EL_RECORDER (object);

  if (self->bus_source != NULL)
    {
      g_source_destroy (self->bus_source);
      g_clear_pointer (&self->bus_source, g_source_unref);
    }
  if (self->timeout_source != NULL)
    {
      g_source_destroy (self->timeout_source);
      g_clear_pointer (&self->timeout_source, g_source_unref);
    }
  /* Dropped while recording: stop the streaming threads before they see a dead recorder. The file
   * stays as an interrupted recording, as after a crash. */
  if (self->pipeline != NULL)
    gst_element_set_state (self->pipeline, GST_STATE_NULL);
  g_clear_object (&self->pipeline);
  if (self->writer != NULL)
    {
      g_autoptr (GError) error = NULL;

      if (!el_sealed_audio_writer_flush (self->writer, &error))
        g_message ("could not seal the last chunk of a dropped recording: %s", error->message);
    }
  g_clear_object (&self->writer);
  complete_stop_tasks (self);

  G_OBJECT_CLASS (el_recorder_parent_class)->dispose (object);
}

static void
el_recorder_finalize (GObject *object)
{
  ElRecorder *self = EL_RECORDER (object);

  g_clear_object (&self->vault);
  g_free (self->directory);
  g_free (self->source);
  g_free (self->recording_id);
  g_free (self->path);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_error (&self->write_error);
  g_clear_error (&self->failure);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (el_recorder_parent_class)->finalize (object);
}

static void
el_recorder_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElRecorder *self = EL_RECORDER (object);

  switch (prop_id)
    {
      case PROP_VAULT:
        g_value_set_object (value, self->vault);
        break;
      case PROP_DIRECTORY:
        g_value_set_string (value, self->directory);
        break;
      case PROP_SOURCE:
        g_value_set_string (value, self->source);
        break;
      case PROP_RECORDING_ID:
        g_value_set_string (value, self->recording_id);
        break;
      case PROP_PATH:
        g_value_set_string (value, self->path);
        break;
      case PROP_STATE:
        g_value_set_enum (value, self->state);
        break;
      case PROP_LEVEL_PEAK_DB:
        g_value_set_double (value, self->peak_db);
        break;
      case PROP_LEVEL_RMS_DB:
        g_value_set_double (value, self->rms_db);
        break;
      case PROP_DURATION_MS:
        g_value_set_uint64 (value, self->duration_ms);
        break;
      case PROP_MAX_DURATION_MS:
        g_value_set_uint64 (value, self->max_ms);
        break;
      case PROP_WARN_DURATION_MS:
        g_value_set_uint64 (value, self->warn_ms);
        break;
      case PROP_SILENCE_THRESHOLD_DB:
        g_value_set_double (value, self->silence_db);
        break;
      case PROP_SILENCE_MS:
        g_value_set_uint (value, self->silence_ms);
        break;
      case PROP_STOP_TIMEOUT_MS:
        g_value_set_uint (value, self->stop_timeout_ms);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_recorder_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElRecorder *self = EL_RECORDER (object);

  switch (prop_id)
    {
      case PROP_VAULT:
        self->vault = g_value_dup_object (value);
        break;
      case PROP_DIRECTORY:
        self->directory = g_value_dup_string (value);
        break;
      case PROP_SOURCE:
        self->source = g_value_dup_string (value);
        break;
      case PROP_RECORDING_ID:
        {
          const char *id = g_value_get_string (value);

          if (id != NULL && !el_uuid_is_valid (id))
            g_critical ("ElRecorder: recording-id must be a canonical lowercase UUID");
          else
            self->recording_id = g_strdup (id);
          break;
        }
      case PROP_MAX_DURATION_MS:
        el_recorder_set_max_duration_ms (self, MAX (g_value_get_uint64 (value), 1));
        break;
      case PROP_WARN_DURATION_MS:
        el_recorder_set_warn_duration_ms (self, g_value_get_uint64 (value));
        break;
      case PROP_SILENCE_THRESHOLD_DB:
        el_recorder_set_silence (self, g_value_get_double (value), self->silence_ms);
        break;
      case PROP_SILENCE_MS:
        el_recorder_set_silence (self, self->silence_db, g_value_get_uint (value));
        break;
      case PROP_STOP_TIMEOUT_MS:
        el_recorder_set_stop_timeout_ms (self, g_value_get_uint (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_recorder_class_init (ElRecorderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags co = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = el_recorder_constructed;
  object_class->dispose = el_recorder_dispose;
  object_class->finalize = el_recorder_finalize;
  object_class->get_property = el_recorder_get_property;
  object_class->set_property = el_recorder_set_property;

  properties[PROP_VAULT] = g_param_spec_object ("vault", NULL, NULL, EL_TYPE_VAULT, co);
  properties[PROP_DIRECTORY] = g_param_spec_string ("directory", NULL, NULL, NULL, co);
  properties[PROP_SOURCE] = g_param_spec_string ("source", NULL, NULL, NULL, co);
  properties[PROP_RECORDING_ID] = g_param_spec_string ("recording-id", NULL, NULL, NULL, co);
  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, ro);
  properties[PROP_STATE] =
      g_param_spec_enum ("state", NULL, NULL, EL_TYPE_RECORDER_STATE, EL_RECORDER_STATE_IDLE, ro);
  properties[PROP_LEVEL_PEAK_DB] =
      g_param_spec_double ("level-peak-db", NULL, NULL, EL_RECORDER_MIN_DB, 0.0, EL_RECORDER_MIN_DB, ro);
  properties[PROP_LEVEL_RMS_DB] =
      g_param_spec_double ("level-rms-db", NULL, NULL, EL_RECORDER_MIN_DB, 0.0, EL_RECORDER_MIN_DB, ro);
  properties[PROP_DURATION_MS] = g_param_spec_uint64 ("duration-ms", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_MAX_DURATION_MS] = g_param_spec_uint64 (
      "max-duration-ms", NULL, NULL, 1, G_MAXUINT64 / EL_RECORDER_RATE, EL_RECORDER_DEFAULT_MAX_MS, rw);
  properties[PROP_WARN_DURATION_MS] =
      g_param_spec_uint64 ("warn-duration-ms", NULL, NULL, 0, G_MAXUINT64, EL_RECORDER_DEFAULT_WARN_MS, rw);
  properties[PROP_SILENCE_THRESHOLD_DB] = g_param_spec_double (
      "silence-threshold-db", NULL, NULL, EL_RECORDER_MIN_DB, 0.0, EL_RECORDER_DEFAULT_SILENCE_DB, rw);
  properties[PROP_SILENCE_MS] =
      g_param_spec_uint ("silence-ms", NULL, NULL, 0, G_MAXUINT, EL_RECORDER_DEFAULT_SILENCE_MS, rw);
  properties[PROP_STOP_TIMEOUT_MS] = g_param_spec_uint ("stop-timeout-ms", NULL, NULL, 0, G_MAXUINT,
                                                        EL_RECORDER_DEFAULT_STOP_TIMEOUT_MS, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_WARNING] = g_signal_new ("warning", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                          NULL, NULL, G_TYPE_NONE, 1, EL_TYPE_RECORDER_WARNING);
  signals[SIGNAL_FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                           NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                         NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[SIGNAL_DISCARDED] = g_signal_new ("discarded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                            NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
el_recorder_init (ElRecorder *self)
{
  g_mutex_init (&self->lock);
  self->context = g_main_context_ref_thread_default ();
  self->preskip = -1;
  self->peak_db = EL_RECORDER_MIN_DB;
  self->rms_db = EL_RECORDER_MIN_DB;
  self->max_ms = EL_RECORDER_DEFAULT_MAX_MS;
  self->max_samples = (guint64) EL_RECORDER_DEFAULT_MAX_MS * EL_RECORDER_RATE / 1000;
  self->warn_ms = EL_RECORDER_DEFAULT_WARN_MS;
  self->silence_db = EL_RECORDER_DEFAULT_SILENCE_DB;
  self->silence_ms = EL_RECORDER_DEFAULT_SILENCE_MS;
  self->silent_since_ms = -1;
  self->stop_timeout_ms = EL_RECORDER_DEFAULT_STOP_TIMEOUT_MS;
}
