/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "el-vault.h"

G_BEGIN_DECLS

/*
 * ElRecorder: records a verbal handoff from a microphone into a sealed recording (FORMAT.md).
 *
 * Pipeline (el_recorder_build_pipeline_description()):
 *
 *   SOURCE ! audioconvert ! audioresample ! capsfilter (S16LE, 16 kHz, mono)
 *     ! level (every 50 ms) ! opusenc (24 kbps, voice, 20 ms frames)
 *     ! oggmux (a page at least every 0.4 s) ! queue ! appsink
 *
 * SOURCE is the construct-only `source` property, a gst-launch description: "autoaudiosrc" by
 * default, el_recorder_source_for_device() for a microphone chosen by its PulseAudio name, or any
 * test source ("audiotestsrc is-live=true wave=sine freq=440").
 *
 * Audio reaches the disk only sealed: the appsink's streaming thread hands the Ogg pages to an
 * ElSealedAudioWriter, which seals and fdatasync()s a chunk every two pages (~0.8 s of audio).
 * Sealing and syncing happen on that streaming thread (a queue separates it from the capture
 * thread), never on the caller's main context. A process killed while recording leaves an
 * interrupted file that el_sealed_audio_open() reads up to its last chunk: at most a chunk (0.8 s)
 * plus the encoder's and muxer's latency is lost, i.e. less than the last second.
 * el_recorder_recover() then makes it a complete recording (it ends the Ogg stream).
 *
 * Pause drops the audio at the capsfilter and restamps what follows, so the Ogg stream has no gap
 * and paused time is not in the file. `duration-ms` counts recorded audio only.
 *
 * Stop sends EOS through the pipeline; when the EOS message arrives (or after `stop-timeout-ms`
 * without it: then the recorder ends the Ogg stream itself) the pipeline is shut down and the final
 * chunk sealed in a worker thread, then the recorder is `stopped` and emits `finished`. A GStreamer
 * or disk error makes it `failed` and emits `failed`; the file then stays an interrupted recording
 * (el_recorder_discard() it, or el_recorder_recover() it to keep it). Reaching `max-duration-ms`
 * stops by itself (a `warning` NEAR_MAX_LENGTH comes at `warn-duration-ms`); `warning`
 * SILENT_MICROPHONE comes after `silence-ms` of recorded audio below `silence-threshold-db` RMS
 * (again after the sound came back and went again). Levels (`level-peak-db`, `level-rms-db`, in
 * [-200, 0] dB) are notified on every level message, 20 per second while recording.
 *
 * A stopped recording may hold no audio at all (stopped within its first page): check
 * `duration-ms` and discard empty ones.
 *
 * Signals and notifications are emitted on the thread-default main context of the thread that
 * constructed the recorder. A recorder records once: make a new one for the next recording.
 *
 * Typical use (the caller wires the result into upload / transcription):
 *
 *   rec = el_recorder_new (audio_vault, recordings_dir, NULL);      // "autoaudiosrc"
 *   el_recorder_start (rec, &error);
 *   ...                                                             // bind level/duration in the UI
 *   el_recorder_stop_async (rec, cancellable, stopped_cb, data);    // -> el_recorder_stop_finish
 *   // then el_recorder_get_recording_id (), _get_path (), _get_duration_ms () and
 *   // el_sealed_audio_open (audio_vault, path, id, ...) + el_sealed_audio_open_stream ()
 */

typedef enum
{
  EL_RECORDER_STATE_IDLE,
  EL_RECORDER_STATE_RECORDING,
  EL_RECORDER_STATE_PAUSED,
  EL_RECORDER_STATE_STOPPING,
  EL_RECORDER_STATE_STOPPED,
  EL_RECORDER_STATE_FAILED,
} ElRecorderState;

typedef enum
{
  EL_RECORDER_WARNING_NEAR_MAX_LENGTH,
  EL_RECORDER_WARNING_SILENT_MICROPHONE,
} ElRecorderWarning;

#define EL_RECORDER_ERROR (el_recorder_error_quark ())

typedef enum
{
  EL_RECORDER_ERROR_PIPELINE,  /* the source description does not parse, or an element is missing */
  EL_RECORDER_ERROR_STREAM,    /* GStreamer failed while recording (no microphone, device lost) */
  EL_RECORDER_ERROR_STORAGE,   /* the sealed file could not be written (see the message) */
  EL_RECORDER_ERROR_STATE,     /* the call does not fit the recorder's state */
  EL_RECORDER_ERROR_DISCARDED, /* a stop_async whose recording was discarded */
} ElRecorderError;

#define EL_RECORDER_DEFAULT_SOURCE          "autoaudiosrc"
#define EL_RECORDER_RATE                    16000
#define EL_RECORDER_DEFAULT_MAX_MS          (15 * 60 * 1000)
#define EL_RECORDER_DEFAULT_WARN_MS         (10 * 60 * 1000)
#define EL_RECORDER_DEFAULT_SILENCE_DB      (-60.0)
#define EL_RECORDER_DEFAULT_SILENCE_MS      5000
#define EL_RECORDER_DEFAULT_STOP_TIMEOUT_MS 3000
#define EL_RECORDER_LEVEL_INTERVAL_MS       50
#define EL_RECORDER_PAGE_DELAY_MS           400      /* oggmux max-page-delay */
#define EL_RECORDER_CHUNK_MS                700      /* seal once this much audio is collected: 2 pages */
#define EL_RECORDER_MIN_DB                  (-200.0) /* levels are clamped to [-200, 0] dB */

GType el_recorder_state_get_type (void);
GType el_recorder_warning_get_type (void);
#define EL_TYPE_RECORDER_STATE   (el_recorder_state_get_type ())
#define EL_TYPE_RECORDER_WARNING (el_recorder_warning_get_type ())

#define EL_TYPE_RECORDER (el_recorder_get_type ())
G_DECLARE_FINAL_TYPE (ElRecorder, el_recorder, EL, RECORDER, GObject)

GQuark el_recorder_error_quark (void);

/* "pulsesrc device=NAME"; NULL for a name that is empty or holds quotes, backslashes or control
 * characters. */
char *el_recorder_source_for_device (const char *device_name);
/* What to record from: @override (a source description, tests) when given, else the chosen
 * microphone @device_name (nullable; the "microphone" setting) when it makes a source, else
 * EL_RECORDER_DEFAULT_SOURCE. */
char *el_recorder_choose_source (const char *override, const char *device_name);
/* The pipeline from SOURCE to oggmux (no sink), as ElRecorder runs it; for benchmarks. */
char *el_recorder_build_pipeline_description (const char *source);

/* @source: NULL for "autoaudiosrc". A fresh recording id (UUID) is chosen; see also
 * the construct-only `recording-id` property (g_object_new) to record under a known id. */
ElRecorder *el_recorder_new (ElVault *audio_vault, const char *directory, const char *source);

/* Parses the pipeline, creates the sealed file, starts capturing. IDLE -> RECORDING. */
gboolean el_recorder_start (ElRecorder *self, GError **error);
void el_recorder_pause (ElRecorder *self);  /* RECORDING -> PAUSED */
void el_recorder_resume (ElRecorder *self); /* PAUSED -> RECORDING */
/* RECORDING/PAUSED -> STOPPING -> STOPPED (`finished`) or FAILED (`failed`). Returns at once. */
void el_recorder_stop (ElRecorder *self);
void el_recorder_stop_async (ElRecorder *self,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data);
gboolean el_recorder_stop_finish (ElRecorder *self, GAsyncResult *result, GError **error);
/* Stops and deletes the file: nothing is left on disk. Ends STOPPED with `path` NULL and emits
 * `discarded` once the file is gone (asynchronously unless the recorder never started). */
void el_recorder_discard (ElRecorder *self);

/* After a crash: makes an interrupted recording (e.g. <directory>/<id>.elrec found at start-up)
 * complete, so it plays, transcribes and uploads like any other (blocking / in a thread). */
gboolean el_recorder_recover (ElVault *audio_vault,
                              const char *path,
                              const char *recording_id,
                              GCancellable *cancellable,
                              GError **error);
void el_recorder_recover_async (ElVault *audio_vault,
                                const char *path,
                                const char *recording_id,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
gboolean el_recorder_recover_finish (GAsyncResult *result, GError **error);

ElRecorderState el_recorder_get_state (ElRecorder *self);
const char *el_recorder_get_recording_id (ElRecorder *self);
const char *el_recorder_get_path (ElRecorder *self); /* NULL before start and after discard */
guint64 el_recorder_get_duration_ms (ElRecorder *self);
double el_recorder_get_level_peak_db (ElRecorder *self);
double el_recorder_get_level_rms_db (ElRecorder *self);
guint64 el_recorder_get_max_duration_ms (ElRecorder *self);
void el_recorder_set_max_duration_ms (ElRecorder *self, guint64 max_ms);
guint64 el_recorder_get_warn_duration_ms (ElRecorder *self);
void el_recorder_set_warn_duration_ms (ElRecorder *self, guint64 warn_ms);
void el_recorder_set_silence (ElRecorder *self, double threshold_db, guint silence_ms);
void el_recorder_set_stop_timeout_ms (ElRecorder *self, guint timeout_ms);

G_END_DECLS
