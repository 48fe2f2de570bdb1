/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-audio-decode.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/gst.h>
#include <string.h>

#include "el-transcriber.h"

#define PULL_TIMEOUT_NS (100 * GST_MSECOND)
/* Decoding runs far faster than real time; the deadline only stops a pipeline that is stuck. */
#define DEADLINE_BASE_US    (20 * G_USEC_PER_SEC)
#define DEADLINE_US_PER_MIB (5 * G_USEC_PER_SEC)
#define PCM_BYTES_PER_MS    (EL_AUDIO_PCM_RATE * 2 / 1000)

typedef struct
{
  GstElement *convert;
  gboolean linked;
  gboolean video;
} PadState;

static gboolean
looks_like_ogg (const guint8 *data, gsize size)
{
  return size >= 4 && memcmp (data, "OggS", 4) == 0;
}

static gboolean
looks_like_wav (const guint8 *data, gsize size)
{
  return size >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WAVE", 4) == 0;
}

static gboolean
content_type_supported (const char *content_type)
{
  static const char *const types[] = { "audio/ogg",  "audio/opus",     "audio/wav",      "audio/x-wav",
                                       "audio/wave", "audio/vnd.wave", "application/ogg" };
  g_autofree char *base = NULL;
  const char *semicolon;

  if (content_type == NULL)
    return TRUE;
  semicolon = strchr (content_type, ';');
  base = g_strstrip (semicolon != NULL ? g_strndup (content_type, semicolon - content_type)
                                       : g_strdup (content_type));
  for (gsize i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_ascii_strcasecmp (base, types[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
on_pad_added (GstElement *decodebin, GstPad *pad, gpointer user_data)
{
  PadState *state = user_data;
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
  const char *name;
  g_autoptr (GstPad) sink = NULL;

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  name = (caps != NULL && gst_caps_get_size (caps) > 0)
             ? gst_structure_get_name (gst_caps_get_structure (caps, 0))
             : "";
  if (!g_str_has_prefix (name, "audio/"))
    {
      if (g_str_has_prefix (name, "video/"))
        g_atomic_int_set (&state->video, TRUE);
      return;
    }
  if (g_atomic_int_get (&state->linked))
    return; /* only the first audio stream */
  sink = gst_element_get_static_pad (state->convert, "sink");
  if (gst_pad_link (pad, sink) == GST_PAD_LINK_OK)
    g_atomic_int_set (&state->linked, TRUE);
}

/* A GBytes free function: PCM is PHI, wipe it before it goes back to the allocator. */
static void
wipe_byte_array (gpointer data)
{
  GByteArray *array = data;

  if (array->data != NULL && array->len > 0)
    memset (array->data, 0, array->len);
  g_byte_array_unref (array);
}

static void
set_unsupported (GError **error, const char *message)
{
  g_set_error_literal (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_UNSUPPORTED_AUDIO, message);
}

/* Error messages from GStreamer name elements and formats, never content: still, only our own
 * wording goes into the GError. */
static gboolean
check_bus (GstBus *bus, gboolean *eos, GError **error)
{
  for (;;)
    {
      g_autoptr (GstMessage) msg =
          gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR | GST_MESSAGE_EOS | GST_MESSAGE_WARNING);

      if (msg == NULL)
        return TRUE;
      if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS)
        {
          *eos = TRUE;
          return TRUE;
        }
      if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
        {
          g_autoptr (GError) gst_error = NULL;

          gst_message_parse_error (msg, &gst_error, NULL);
          g_debug ("audio decode: pipeline error %s:%d", g_quark_to_string (gst_error->domain),
                   gst_error->code);
          set_unsupported (error, "The recording could not be decoded (not valid Ogg/Opus or WAV audio)");
          return FALSE;
        }
    }
}

GBytes *
el_audio_decode_to_pcm (GBytes *audio,
                        const char *content_type,
                        gint64 *out_duration_ms,
                        GCancellable *cancellable,
                        GError **error)
{
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GError) init_error = NULL;
  GstElement *src, *decodebin, *convert, *resample, *filter, *sink;
  g_autoptr (GstCaps) caps = NULL;
  PadState state = { 0 };
  const guint8 *data;
  gsize size;
  GByteArray *pcm = NULL;
  gboolean eos = FALSE;
  gint64 deadline;
  gboolean ok = FALSE;

  g_return_val_if_fail (audio != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (audio, &size);
  if (size == 0)
    {
      set_unsupported (error, "The recording is empty");
      return NULL;
    }
  if (!content_type_supported (content_type))
    {
      set_unsupported (error, "Only Ogg/Opus and WAV recordings can be transcribed");
      return NULL;
    }
  if (!looks_like_ogg (data, size) && !looks_like_wav (data, size))
    {
      set_unsupported (error, "The recording is neither Ogg nor WAV audio");
      return NULL;
    }
  if (!gst_init_check (NULL, NULL, &init_error))
    {
      g_set_error (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_ENGINE, "GStreamer is not usable: %s",
                   init_error->message);
      return NULL;
    }

  pipeline = gst_object_ref_sink (gst_pipeline_new ("el-audio-decode"));
  src = gst_element_factory_make ("appsrc", NULL);
  decodebin = gst_element_factory_make ("decodebin", NULL);
  convert = gst_element_factory_make ("audioconvert", NULL);
  resample = gst_element_factory_make ("audioresample", NULL);
  filter = gst_element_factory_make ("capsfilter", NULL);
  sink = gst_element_factory_make ("appsink", NULL);
  if (src == NULL || decodebin == NULL || convert == NULL || resample == NULL || filter == NULL ||
      sink == NULL)
    {
      g_clear_pointer (&src, gst_object_unref);
      g_clear_pointer (&decodebin, gst_object_unref);
      g_clear_pointer (&convert, gst_object_unref);
      g_clear_pointer (&resample, gst_object_unref);
      g_clear_pointer (&filter, gst_object_unref);
      g_clear_pointer (&sink, gst_object_unref);
      g_set_error_literal (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_ENGINE,
                           "A GStreamer element needed to decode audio is missing");
      return NULL;
    }
  caps = gst_caps_new_simple ("audio/x-raw", "format", G_TYPE_STRING, "S16LE", "rate", G_TYPE_INT,
                              EL_AUDIO_PCM_RATE, "channels", G_TYPE_INT, 1, "layout", G_TYPE_STRING,
                              "interleaved", NULL);
  g_object_set (filter, "caps", caps, NULL);
  g_object_set (src, "format", GST_FORMAT_BYTES, "stream-type", 0 /* GST_APP_STREAM_TYPE_STREAM */,
                "max-bytes", (guint64) 0, NULL);
  g_object_set (sink, "sync", FALSE, "max-buffers", (guint) 64, "emit-signals", FALSE, NULL);
  gst_bin_add_many (GST_BIN (pipeline), src, decodebin, convert, resample, filter, sink, NULL);
  if (!gst_element_link (src, decodebin) || !gst_element_link_many (convert, resample, filter, sink, NULL))
    {
      g_set_error_literal (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_ENGINE,
                           "The audio decoding pipeline could not be built");
      return NULL;
    }
  state.convert = convert;
  g_signal_connect (decodebin, "pad-added", G_CALLBACK (on_pad_added), &state);

  bus = gst_element_get_bus (pipeline);
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      if (!check_bus (bus, &eos, error))
        goto out;
      set_unsupported (error, "The recording could not be decoded");
      goto out;
    }
  /* The whole recording in one buffer, without a copy, then end of stream. */
  if (gst_app_src_push_buffer (GST_APP_SRC (src), gst_buffer_new_wrapped_bytes (audio)) != GST_FLOW_OK ||
      gst_app_src_end_of_stream (GST_APP_SRC (src)) != GST_FLOW_OK)
    {
      set_unsupported (error, "The recording could not be decoded");
      goto out;
    }

  pcm = g_byte_array_new ();
  deadline = g_get_monotonic_time () + DEADLINE_BASE_US + (gint64) (size >> 20) * DEADLINE_US_PER_MIB;
  for (;;)
    {
      g_autoptr (GstSample) sample = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto out;
      if (!check_bus (bus, &eos, error))
        goto out;
      if (g_atomic_int_get (&state.video))
        {
          set_unsupported (error, "The recording is a video; only audio can be transcribed");
          goto out;
        }
      sample = gst_app_sink_try_pull_sample (GST_APP_SINK (sink), PULL_TIMEOUT_NS);
      if (sample != NULL)
        {
          GstBuffer *buffer = gst_sample_get_buffer (sample);
          GstMapInfo map;

          if (buffer != NULL && gst_buffer_map (buffer, &map, GST_MAP_READ))
            {
              g_byte_array_append (pcm, map.data, (guint) (map.size & ~(gsize) 1));
              gst_buffer_unmap (buffer, &map);
            }
          if ((gint64) pcm->len / PCM_BYTES_PER_MS > EL_TRANSCRIBER_MAX_AUDIO_MS)
            {
              g_set_error (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_TOO_LONG,
                           "The recording is longer than %d minutes", EL_TRANSCRIBER_MAX_AUDIO_MS / 60000);
              goto out;
            }
          continue;
        }
      if (eos || gst_app_sink_is_eos (GST_APP_SINK (sink)))
        break;
      if (g_get_monotonic_time () > deadline)
        {
          set_unsupported (error, "Decoding the recording did not finish in time");
          goto out;
        }
    }
  if (pcm->len == 0)
    {
      set_unsupported (error, "The recording contains no audio");
      goto out;
    }
  ok = TRUE;

out:
  if (pipeline != NULL)
    gst_element_set_state (pipeline, GST_STATE_NULL);
  if (!ok)
    {
      if (pcm != NULL)
        wipe_byte_array (pcm);
      return NULL;
    }
  if (out_duration_ms != NULL)
    *out_duration_ms = (gint64) pcm->len / PCM_BYTES_PER_MS;
  return g_bytes_new_with_free_func (pcm->data, pcm->len, wipe_byte_array, pcm);
}
