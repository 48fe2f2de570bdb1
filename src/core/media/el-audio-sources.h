/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * The microphones this computer offers, as PulseAudio (or PipeWire's PulseAudio server) lists
 * them through GStreamer's device provider: each with a name to show and the PulseAudio source
 * name that el_recorder_source_for_device() records from. Monitors of outputs are left out.
 *
 * Probing talks to the sound server, which may take a moment: the async variant runs it in a
 * worker thread. Without a sound server (or without GStreamer's pulseaudio plugin) the list is
 * empty, not an error: the nurse can still use the system default.
 */

typedef struct
{
  char *display_name; /* "Built-in Audio Analog Stereo" */
  char *device_name;  /* "alsa_input.pci-0000_00_1f.3.analog-stereo" */
} ElAudioSource;

void el_audio_source_free (ElAudioSource *source);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElAudioSource, el_audio_source_free)

/* @pulse_server: NULL for the default server (PULSE_SERVER, the user's), or an address such as
 * "unix:/run/user/1000/pulse/native". Returns: (transfer full) (element-type ElAudioSource): the
 * microphones, sorted by display name; NULL with @error only when GStreamer cannot start. */
GPtrArray *el_audio_sources_list (const char *pulse_server, GCancellable *cancellable, GError **error);

void el_audio_sources_list_async (const char *pulse_server,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data);
GPtrArray *el_audio_sources_list_finish (GAsyncResult *result, GError **error);

G_END_DECLS
