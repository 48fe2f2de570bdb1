/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

#include "el-sealed-audio.h"

G_BEGIN_DECLS

/*
 * ElPlayer: plays a sealed recording (FORMAT.md) without writing its plaintext anywhere.
 *
 * Pipeline:  appsrc (random access) ! decodebin ! audioconvert ! audioresample ! SINK
 *
 * The appsrc is fed from el_sealed_audio_open_stream(): GStreamer's demuxer asks for bytes at
 * offsets (seek-data / need-data) and the stream decrypts only the chunk holding them. SINK is the
 * construct-only `sink` description: "autoaudiosink" by default; tests use "fakesink sync=true".
 *
 * play() / pause() / seek(ms) as usual; play_range(start, end) plays "what was said for this
 * field": it seeks to @start_ms and stops by itself at @end_ms (a GStreamer segment stop, so the
 * sink receives nothing past it), then emits `eos`. `position-ms` is notified every 100 ms while
 * playing; `duration-ms` comes from the file. Errors end in state `stopped` with a `failed` signal.
 * Everything happens on the thread-default main context of the thread that made the player.
 */

typedef enum
{
  EL_PLAYER_STATE_STOPPED,
  EL_PLAYER_STATE_PAUSED,
  EL_PLAYER_STATE_PLAYING,
} ElPlayerState;

GType el_player_state_get_type (void);
#define EL_TYPE_PLAYER_STATE (el_player_state_get_type ())

#define EL_PLAYER_ERROR (el_player_error_quark ())

typedef enum
{
  EL_PLAYER_ERROR_PIPELINE, /* the sink description does not parse, or an element is missing */
  EL_PLAYER_ERROR_STREAM,   /* decoding or output failed (includes a recording that fails to authenticate) */
  EL_PLAYER_ERROR_RANGE,    /* a range outside the recording, or end before start */
} ElPlayerError;

GQuark el_player_error_quark (void);

#define EL_PLAYER_DEFAULT_SINK "autoaudiosink"

#define EL_TYPE_PLAYER (el_player_get_type ())
G_DECLARE_FINAL_TYPE (ElPlayer, el_player, EL, PLAYER, GObject)

/* @sink: NULL for "autoaudiosink". */
ElPlayer *el_player_new (ElSealedAudio *audio, const char *sink);

/* Builds the pipeline (once) and starts or continues playing. */
gboolean el_player_play (ElPlayer *self, GError **error);
void el_player_pause (ElPlayer *self);
/* Back to the start, pipeline released. */
void el_player_stop (ElPlayer *self);
/* Moves to @position_ms (kept when paused; applied as soon as the pipeline is ready). */
gboolean el_player_seek (ElPlayer *self, guint64 position_ms, GError **error);
/* Plays [start_ms, end_ms) and stops there (`eos`). */
gboolean el_player_play_range (ElPlayer *self, guint64 start_ms, guint64 end_ms, GError **error);

ElPlayerState el_player_get_state (ElPlayer *self);
guint64 el_player_get_position_ms (ElPlayer *self);
guint64 el_player_get_duration_ms (ElPlayer *self);
ElSealedAudio *el_player_get_audio (ElPlayer *self);
/* The sink element (for tests), NULL before the first play. (transfer none) */
GstElement *el_player_get_sink (ElPlayer *self);

G_END_DECLS
