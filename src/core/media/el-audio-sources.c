/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The microphones PulseAudio offers, through GStreamer's device provider (el-audio-sources.h). */
#include "config.h"

#include "el-audio-sources.h"

#include <gst/gst.h>

void
el_audio_source_free (ElAudioSource *source)
{
  if (source == NULL)
    return;
  g_free (source->display_name);
  g_free (source->device_name);
  g_free (source);
}

static int
compare_sources (gconstpointer a, gconstpointer b)
{
  const ElAudioSource *sa = *(const ElAudioSource *const *) a;
  const ElAudioSource *sb = *(const ElAudioSource *const *) b;
  int cmp = g_utf8_collate (sa->display_name, sb->display_name);

  return cmp != 0 ? cmp : g_strcmp0 (sa->device_name, sb->device_name);
}

/* A monitor of an output (what the speakers play) is no microphone. */
static gboolean
is_monitor (GstDevice *device)
{
  g_autoptr (GstStructure) props = gst_device_get_properties (device);
  const char *klass;

  if (props == NULL)
    return FALSE;
  klass = gst_structure_get_string (props, "device.class");
  return g_strcmp0 (klass, "monitor") == 0;
}

static ElAudioSource *
source_from_device (GstDevice *device)
{
  g_autofree char *device_name = NULL;
  g_autofree char *display_name = NULL;
  ElAudioSource *source;

  if (!gst_device_has_classes (device, "Audio/Source") || is_monitor (device))
    return NULL;
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (device), "internal-name") == NULL)
    return NULL;
  g_object_get (device, "internal-name", &device_name, NULL);
  if (device_name == NULL || *device_name == '\0')
    return NULL;
  display_name = gst_device_get_display_name (device);

  source = g_new0 (ElAudioSource, 1);
  source->device_name = g_steal_pointer (&device_name);
  source->display_name = (display_name != NULL && *display_name != '\0') ? g_steal_pointer (&display_name)
                                                                         : g_strdup (source->device_name);
  return source;
}

/**
 * el_audio_sources_list:
 * @pulse_server: (nullable): the PulseAudio server; %NULL for the default one
 * @cancellable: (nullable): checked before probing
 * @error: GStreamer could not be initialized, or cancelled
 *
 * Returns: (transfer full) (element-type ElAudioSource): the microphones by display name; empty
 * without a sound server or without GStreamer's pulseaudio plugin.
 */
GPtrArray *
el_audio_sources_list (const char *pulse_server, GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) sources = g_ptr_array_new_with_free_func ((GDestroyNotify) el_audio_source_free);
  g_autoptr (GstDeviceProvider) provider = NULL;
  GList *devices;

  if (!gst_init_check (NULL, NULL, error))
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  provider = gst_device_provider_factory_get_by_name ("pulsedeviceprovider");
  if (provider == NULL)
    {
      g_debug ("audio sources: GStreamer has no pulsedeviceprovider");
      return g_steal_pointer (&sources);
    }
  if (pulse_server != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS (provider), "server") != NULL)
    g_object_set (provider, "server", pulse_server, NULL);

  /* Not started: get_devices() probes once (connects, lists, disconnects). */
  devices = gst_device_provider_get_devices (provider);
  for (GList *l = devices; l != NULL; l = l->next)
    {
      ElAudioSource *source = source_from_device (GST_DEVICE (l->data));

      if (source != NULL)
        g_ptr_array_add (sources, source);
    }
  g_list_free_full (devices, gst_object_unref);
  g_ptr_array_sort (sources, compare_sources);
  g_debug ("audio sources: %u found", sources->len);
  return g_steal_pointer (&sources);
}

static void
list_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *sources = el_audio_sources_list (task_data, cancellable, &error);

  if (sources == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, sources, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * el_audio_sources_list_async:
 *
 * el_audio_sources_list() in a worker thread.
 */
void
el_audio_sources_list_async (const char *pulse_server,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, el_audio_sources_list_async);
  g_task_set_task_data (task, g_strdup (pulse_server), g_free);
  g_task_run_in_thread (task, list_thread);
}

/**
 * el_audio_sources_list_finish:
 *
 * Returns: (transfer full) (element-type ElAudioSource): as el_audio_sources_list()
 */
GPtrArray *
el_audio_sources_list_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
