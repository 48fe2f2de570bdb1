/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ElPlayer: a sealed recording -> decrypting stream -> appsrc -> decodebin -> sink (el-player.h). */
#include "config.h"

#include "el-player.h"

#include <gst/app/gstappsrc.h>

G_DEFINE_QUARK (el - player - error - quark, el_player_error)

G_DEFINE_ENUM_TYPE (ElPlayerState,
                    el_player_state,
                    G_DEFINE_ENUM_VALUE (EL_PLAYER_STATE_STOPPED, "stopped"),
                    G_DEFINE_ENUM_VALUE (EL_PLAYER_STATE_PAUSED, "paused"),
                    G_DEFINE_ENUM_VALUE (EL_PLAYER_STATE_PLAYING, "playing"))

#define SRC_NAME         "el-src"
#define SINK_NAME        "el-sink"
#define READ_CHUNK       4096
#define POSITION_POLL_MS 100
#define NO_STOP          G_MAXUINT64

struct _ElPlayer
{
  GObject parent_instance;

  ElSealedAudio *audio;
  char *sink_description;
  GMainContext *context;

  GstElement *pipeline;
  GstElement *sink;
  GSource *bus_source;
  GSource *poll_source;

  GMutex lock; /* the stream, used by GStreamer's threads */
  GInputStream *stream;

  ElPlayerState state;
  gboolean prerolled;
  gboolean want_playing;
  gboolean at_eos;
  gboolean seek_pending;
  guint64 seek_start_ms;
  guint64 seek_stop_ms; /* NO_STOP for none */
  guint64 position_ms;
};

G_DEFINE_FINAL_TYPE (ElPlayer, el_player, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_AUDIO,
  PROP_SINK,
  PROP_STATE,
  PROP_POSITION_MS,
  PROP_DURATION_MS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_EOS,
  SIGNAL_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_state (ElPlayer *self, ElPlayerState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_position (ElPlayer *self, guint64 ms)
{
  if (self->position_ms == ms)
    return;
  self->position_ms = ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION_MS]);
}

/* appsrc callbacks (GStreamer's threads) ---------------------------------------------------- */

static void
src_need_data_cb (GstAppSrc *src, guint length, gpointer user_data)
{
  ElPlayer *self = user_data;
  g_autoptr (GError) error = NULL;
  GstBuffer *buffer;
  GstMapInfo map;
  gsize want = length > 0 ? length : READ_CHUNK;
  gsize n = 0;
  gboolean ok = FALSE;

  buffer = gst_buffer_new_allocate (NULL, want, NULL);
  if (!gst_buffer_map (buffer, &map, GST_MAP_WRITE))
    {
      gst_buffer_unref (buffer);
      gst_app_src_end_of_stream (src);
      return;
    }
  g_mutex_lock (&self->lock);
  /* Random access wants exactly @length bytes (fewer only at the end): read across chunks. */
  if (self->stream != NULL)
    ok = g_input_stream_read_all (self->stream, map.data, want, &n, NULL, &error);
  g_mutex_unlock (&self->lock);
  gst_buffer_unmap (buffer, &map);
  if (self->stream != NULL && !ok)
    {
      gst_buffer_unref (buffer);
      GST_ELEMENT_ERROR (src, RESOURCE, READ, ("cannot read the recording"), ("%s", error->message));
      gst_app_src_end_of_stream (src);
      return;
    }
  if (n == 0)
    {
      gst_buffer_unref (buffer);
      gst_app_src_end_of_stream (src);
      return;
    }
  gst_buffer_set_size (buffer, n);
  gst_app_src_push_buffer (src, buffer);
}

static gboolean
src_seek_data_cb (GstAppSrc *src, guint64 offset, gpointer user_data)
{
  ElPlayer *self = user_data;
  gboolean ok;

  g_mutex_lock (&self->lock);
  ok = self->stream != NULL && offset <= G_MAXINT64 &&
       g_seekable_seek (G_SEEKABLE (self->stream), (goffset) offset, G_SEEK_SET, NULL, NULL);
  g_mutex_unlock (&self->lock);
  return ok;
}

/* Main context ------------------------------------------------------------------------------- */

static gboolean
do_seek (ElPlayer *self, guint64 start_ms, guint64 stop_ms)
{
  GstSeekFlags flags = GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE;

  self->at_eos = FALSE;
  set_position (self, start_ms);
  return gst_element_seek (
      self->pipeline, 1.0, GST_FORMAT_TIME, flags, GST_SEEK_TYPE_SET, (gint64) (start_ms * GST_MSECOND),
      stop_ms == NO_STOP ? GST_SEEK_TYPE_NONE : GST_SEEK_TYPE_SET,
      stop_ms == NO_STOP ? (gint64) GST_CLOCK_TIME_NONE : (gint64) (stop_ms * GST_MSECOND));
}

static gboolean
poll_position_cb (gpointer user_data)
{
  ElPlayer *self = user_data;
  gint64 pos = 0;

  if (self->pipeline != NULL && gst_element_query_position (self->pipeline, GST_FORMAT_TIME, &pos) &&
      pos >= 0)
    set_position (self, (guint64) pos / GST_MSECOND);
  return G_SOURCE_CONTINUE;
}

static void
start_polling (ElPlayer *self)
{
  if (self->poll_source != NULL)
    return;
  self->poll_source = g_timeout_source_new (POSITION_POLL_MS);
  g_source_set_callback (self->poll_source, poll_position_cb, self, NULL);
  g_source_attach (self->poll_source, self->context);
}

static void
stop_polling (ElPlayer *self)
{
  if (self->poll_source == NULL)
    return;
  g_source_destroy (self->poll_source);
  g_clear_pointer (&self->poll_source, g_source_unref);
}

static void
release_pipeline (ElPlayer *self)
{
  stop_polling (self);
  if (self->bus_source != NULL)
    {
      g_source_destroy (self->bus_source);
      g_clear_pointer (&self->bus_source, g_source_unref);
    }
  if (self->pipeline != NULL)
    gst_element_set_state (self->pipeline, GST_STATE_NULL);
  g_clear_object (&self->sink);
  g_clear_object (&self->pipeline);
  g_mutex_lock (&self->lock);
  if (self->stream != NULL)
    g_input_stream_close (self->stream, NULL, NULL);
  g_clear_object (&self->stream);
  g_mutex_unlock (&self->lock);
  self->prerolled = FALSE;
  self->want_playing = FALSE;
  self->seek_pending = FALSE;
  self->at_eos = FALSE;
}

static void
fail (ElPlayer *self, GError *error)
{
  release_pipeline (self);
  set_state (self, EL_PLAYER_STATE_STOPPED);
  g_signal_emit (self, signals[SIGNAL_FAILED], 0, error);
  g_error_free (error);
}

static void
async_done (ElPlayer *self)
{
  self->prerolled = TRUE;
  if (self->seek_pending)
    {
      self->seek_pending = FALSE;
      if (!do_seek (self, self->seek_start_ms, self->seek_stop_ms))
        {
          fail (self,
                g_error_new_literal (EL_PLAYER_ERROR, EL_PLAYER_ERROR_STREAM, "the recording cannot seek"));
          return;
        }
      /* The flushing seek prerolls again and posts another ASYNC_DONE. */
      if (!self->want_playing)
        return;
    }
  if (self->want_playing)
    {
      gst_element_set_state (self->pipeline, GST_STATE_PLAYING);
      start_polling (self);
    }
}

static gboolean
bus_message_cb (GstBus *bus, GstMessage *message, gpointer user_data)
{
  ElPlayer *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
      case GST_MESSAGE_ASYNC_DONE:
        async_done (self);
        break;
      case GST_MESSAGE_EOS:
        {
          gint64 pos = 0;

          stop_polling (self);
          if (gst_element_query_position (self->pipeline, GST_FORMAT_TIME, &pos) && pos >= 0)
            set_position (self, (guint64) pos / GST_MSECOND);
          self->want_playing = FALSE;
          self->at_eos = TRUE;
          gst_element_set_state (self->pipeline, GST_STATE_PAUSED);
          set_state (self, EL_PLAYER_STATE_PAUSED);
          g_signal_emit (self, signals[SIGNAL_EOS], 0);
          break;
        }
      case GST_MESSAGE_ERROR:
        {
          g_autoptr (GError) gst_error = NULL;

          gst_message_parse_error (message, &gst_error, NULL);
          fail (self, g_error_new (EL_PLAYER_ERROR, EL_PLAYER_ERROR_STREAM, "playback failed in %s: %s",
                                   GST_MESSAGE_SRC_NAME (message),
                                   gst_error != NULL ? gst_error->message : "unknown"));
          return G_SOURCE_REMOVE;
        }
      default:
        break;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
ensure_pipeline (ElPlayer *self, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *description = NULL;
  g_autoptr (GstElement) src = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GInputStream) stream = NULL;
  GstAppSrcCallbacks callbacks = { 0 };

  if (self->pipeline != NULL)
    return TRUE;
  if (!gst_init_check (NULL, NULL, &local_error))
    {
      g_set_error (error, EL_PLAYER_ERROR, EL_PLAYER_ERROR_PIPELINE, "GStreamer: %s", local_error->message);
      return FALSE;
    }
  stream = el_sealed_audio_open_stream (self->audio, &local_error);
  if (stream == NULL)
    {
      g_set_error (error, EL_PLAYER_ERROR, EL_PLAYER_ERROR_STREAM, "cannot read the recording: %s",
                   local_error->message);
      return FALSE;
    }
  description =
      g_strdup_printf ("appsrc name=" SRC_NAME " format=bytes ! decodebin ! audioconvert ! audioresample "
                       "! %s",
                       self->sink_description);
  self->pipeline = gst_parse_launch_full (description, NULL, GST_PARSE_FLAG_FATAL_ERRORS, &local_error);
  if (self->pipeline == NULL)
    {
      g_set_error (error, EL_PLAYER_ERROR, EL_PLAYER_ERROR_PIPELINE, "cannot build the playback pipeline: %s",
                   local_error != NULL ? local_error->message : "unknown error");
      return FALSE;
    }
  gst_object_ref_sink (self->pipeline);
  src = gst_bin_get_by_name (GST_BIN (self->pipeline), SRC_NAME);
  self->sink = gst_bin_get_by_name (GST_BIN (self->pipeline), SINK_NAME);
  if (self->sink == NULL)
    {
      /* The sink description did not name its element: the last element of the pipeline. */
      GstIterator *it = gst_bin_iterate_sinks (GST_BIN (self->pipeline));
      GValue item = G_VALUE_INIT;

      if (gst_iterator_next (it, &item) == GST_ITERATOR_OK)
        self->sink = g_value_dup_object (&item);
      g_value_unset (&item);
      gst_iterator_free (it);
    }
  g_mutex_lock (&self->lock);
  self->stream = g_steal_pointer (&stream);
  g_mutex_unlock (&self->lock);

  gst_app_src_set_stream_type (GST_APP_SRC (src), GST_APP_STREAM_TYPE_RANDOM_ACCESS);
  gst_app_src_set_size (GST_APP_SRC (src), (gint64) el_sealed_audio_get_size (self->audio));
  callbacks.need_data = src_need_data_cb;
  callbacks.seek_data = src_seek_data_cb;
  gst_app_src_set_callbacks (GST_APP_SRC (src), &callbacks, self, NULL);

  bus = gst_element_get_bus (self->pipeline);
  self->bus_source = gst_bus_create_watch (bus);
  g_source_set_callback (self->bus_source, G_SOURCE_FUNC (bus_message_cb), self, NULL);
  g_source_attach (self->bus_source, self->context);

  if (gst_element_set_state (self->pipeline, GST_STATE_PAUSED) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error_literal (error, EL_PLAYER_ERROR, EL_PLAYER_ERROR_STREAM,
                           "the playback pipeline does not start");
      release_pipeline (self);
      return FALSE;
    }
  return TRUE;
}

/**
 * el_player_new:
 * @audio: an open sealed recording
 * @sink: (nullable): a gst-launch sink description, %NULL for "autoaudiosink"
 *
 * Returns: (transfer full): a stopped player
 */
ElPlayer *
el_player_new (ElSealedAudio *audio, const char *sink)
{
  g_return_val_if_fail (EL_IS_SEALED_AUDIO (audio), NULL);
  return g_object_new (EL_TYPE_PLAYER, "audio", audio, "sink", sink, NULL);
}

/**
 * el_player_play:
 * @self: a player
 * @error: %EL_PLAYER_ERROR_PIPELINE or %EL_PLAYER_ERROR_STREAM
 *
 * Starts playing (from the start, or where it was paused or sought to). After `eos` it plays
 * again from the start.
 */
gboolean
el_player_play (ElPlayer *self, GError **error)
{
  g_return_val_if_fail (EL_IS_PLAYER (self), FALSE);

  if (self->state == EL_PLAYER_STATE_PLAYING)
    return TRUE;
  if (!ensure_pipeline (self, error))
    return FALSE;
  self->want_playing = TRUE;
  set_state (self, EL_PLAYER_STATE_PLAYING);
  if (self->at_eos)
    {
      self->seek_start_ms = 0;
      self->seek_stop_ms = NO_STOP;
      if (self->prerolled)
        do_seek (self, 0, NO_STOP);
      else
        self->seek_pending = TRUE;
    }
  if (self->prerolled && !self->seek_pending)
    {
      gst_element_set_state (self->pipeline, GST_STATE_PLAYING);
      start_polling (self);
    }
  return TRUE;
}

void
el_player_pause (ElPlayer *self)
{
  g_return_if_fail (EL_IS_PLAYER (self));

  if (self->state != EL_PLAYER_STATE_PLAYING)
    return;
  self->want_playing = FALSE;
  stop_polling (self);
  poll_position_cb (self);
  gst_element_set_state (self->pipeline, GST_STATE_PAUSED);
  set_state (self, EL_PLAYER_STATE_PAUSED);
}

void
el_player_stop (ElPlayer *self)
{
  g_return_if_fail (EL_IS_PLAYER (self));

  release_pipeline (self);
  set_position (self, 0);
  set_state (self, EL_PLAYER_STATE_STOPPED);
}

static gboolean
request_seek (ElPlayer *self, guint64 start_ms, guint64 stop_ms, GError **error)
{
  guint64 duration = el_sealed_audio_get_duration_ms (self->audio);

  if (start_ms > duration || (stop_ms != NO_STOP && stop_ms <= start_ms))
    {
      g_set_error (error, EL_PLAYER_ERROR, EL_PLAYER_ERROR_RANGE,
                   "no range %" G_GUINT64_FORMAT " .. %" G_GUINT64_FORMAT
                   " ms in a recording of %" G_GUINT64_FORMAT " ms",
                   start_ms, stop_ms == NO_STOP ? duration : stop_ms, duration);
      return FALSE;
    }
  if (!ensure_pipeline (self, error))
    return FALSE;
  if (self->prerolled && !self->seek_pending)
    {
      if (!do_seek (self, start_ms, stop_ms))
        {
          g_set_error_literal (error, EL_PLAYER_ERROR, EL_PLAYER_ERROR_STREAM, "the recording cannot seek");
          return FALSE;
        }
      return TRUE;
    }
  self->seek_pending = TRUE;
  self->seek_start_ms = start_ms;
  self->seek_stop_ms = stop_ms;
  set_position (self, start_ms);
  return TRUE;
}

/**
 * el_player_seek:
 * @self: a player
 * @position_ms: where to go (at most the duration)
 * @error: %EL_PLAYER_ERROR_RANGE, or as el_player_play()
 *
 * Moves there and keeps playing or paused; clears a range's end. A stopped player becomes paused
 * at @position_ms.
 */
gboolean
el_player_seek (ElPlayer *self, guint64 position_ms, GError **error)
{
  g_return_val_if_fail (EL_IS_PLAYER (self), FALSE);

  if (!request_seek (self, position_ms, NO_STOP, error))
    return FALSE;
  if (self->state == EL_PLAYER_STATE_STOPPED)
    set_state (self, EL_PLAYER_STATE_PAUSED);
  return TRUE;
}

/**
 * el_player_play_range:
 * @self: a player
 * @start_ms: where to start
 * @end_ms: where to stop (after @start_ms; beyond the duration means the end)
 * @error: %EL_PLAYER_ERROR_RANGE, or as el_player_play()
 *
 * Plays [@start_ms, @end_ms) and emits `eos` there.
 */
gboolean
el_player_play_range (ElPlayer *self, guint64 start_ms, guint64 end_ms, GError **error)
{
  g_return_val_if_fail (EL_IS_PLAYER (self), FALSE);

  if (!request_seek (self, start_ms, end_ms, error))
    return FALSE;
  self->want_playing = TRUE;
  set_state (self, EL_PLAYER_STATE_PLAYING);
  if (self->prerolled && !self->seek_pending)
    {
      gst_element_set_state (self->pipeline, GST_STATE_PLAYING);
      start_polling (self);
    }
  return TRUE;
}

ElPlayerState
el_player_get_state (ElPlayer *self)
{
  g_return_val_if_fail (EL_IS_PLAYER (self), EL_PLAYER_STATE_STOPPED);
  return self->state;
}

guint64
el_player_get_position_ms (ElPlayer *self)
{
  g_return_val_if_fail (EL_IS_PLAYER (self), 0);
  return self->position_ms;
}

guint64
el_player_get_duration_ms (ElPlayer *self)
{
  g_return_val_if_fail (EL_IS_PLAYER (self), 0);
  return el_sealed_audio_get_duration_ms (self->audio);
}

ElSealedAudio *
el_player_get_audio (ElPlayer *self)
{
  g_return_val_if_fail (EL_IS_PLAYER (self), NULL);
  return self->audio;
}

GstElement *
el_player_get_sink (ElPlayer *self)
{
  g_return_val_if_fail (EL_IS_PLAYER (self), NULL);
  return self->sink;
}

/* GObject -------------------------------------------------------------------------------------- */

static void
el_player_dispose (GObject *object)
{
  release_pipeline (EL_PLAYER (object));
  G_OBJECT_CLASS (el_player_parent_class)->dispose (object);
}

static void
el_player_finalize (GObject *object)
{
  ElPlayer *self = EL_PLAYER (object);

  g_clear_object (&self->audio);
  g_free (self->sink_description);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (el_player_parent_class)->finalize (object);
}

static void
el_player_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElPlayer *self = EL_PLAYER (object);

  switch (prop_id)
    {
      case PROP_AUDIO:
        g_value_set_object (value, self->audio);
        break;
      case PROP_SINK:
        g_value_set_string (value, self->sink_description);
        break;
      case PROP_STATE:
        g_value_set_enum (value, self->state);
        break;
      case PROP_POSITION_MS:
        g_value_set_uint64 (value, self->position_ms);
        break;
      case PROP_DURATION_MS:
        g_value_set_uint64 (value, el_player_get_duration_ms (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_player_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElPlayer *self = EL_PLAYER (object);

  switch (prop_id)
    {
      case PROP_AUDIO:
        self->audio = g_value_dup_object (value);
        break;
      case PROP_SINK:
        {
          const char *sink = g_value_get_string (value);

          self->sink_description = g_strdup (sink != NULL ? sink : EL_PLAYER_DEFAULT_SINK);
          break;
        }
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_player_class_init (ElPlayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags co = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = el_player_dispose;
  object_class->finalize = el_player_finalize;
  object_class->get_property = el_player_get_property;
  object_class->set_property = el_player_set_property;

  properties[PROP_AUDIO] = g_param_spec_object ("audio", NULL, NULL, EL_TYPE_SEALED_AUDIO, co);
  properties[PROP_SINK] = g_param_spec_string ("sink", NULL, NULL, NULL, co);
  properties[PROP_STATE] =
      g_param_spec_enum ("state", NULL, NULL, EL_TYPE_PLAYER_STATE, EL_PLAYER_STATE_STOPPED, ro);
  properties[PROP_POSITION_MS] = g_param_spec_uint64 ("position-ms", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_DURATION_MS] = g_param_spec_uint64 ("duration-ms", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_EOS] =
      g_signal_new ("eos", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                         NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
el_player_init (ElPlayer *self)
{
  g_mutex_init (&self->lock);
  self->context = g_main_context_ref_thread_default ();
  self->seek_stop_ms = NO_STOP;
}
