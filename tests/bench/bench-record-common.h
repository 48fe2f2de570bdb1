/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "el-context.h"

G_BEGIN_DECLS

/*
 * What the recording benchmarks (bench-record-draft, bench-record-cpu) share: failing loudly (no
 * skips), an X server (the given DISPLAY, or an Xvfb of their own), a private PulseAudio with the
 * virtual microphone "speechmic" (a null sink whose monitor is remapped into a source, kept busy
 * with digital silence like a real microphone; see tests/media/test-media-vmic.c), a spoken
 * handoff of a given length (espeak-ng + sox on tests/data/speech, as bench-speech-quality) and
 * playing it into the microphone.
 *
 * Every process started here (and by the benchmarks through bench_record_child_setup) gets SIGKILL
 * when the benchmark dies, so an assertion or a FAILED exit leaves nothing running.
 */

typedef struct
{
  char *runtime; /* its XDG_RUNTIME_DIR */
  char *server;  /* unix:RUNTIME/pulse/native, for PULSE_SERVER or pulsesrc server= */
  char *source;  /* the GStreamer description of the microphone for ElRecordView */
  GSubprocess *pulse;
  GSubprocess *zeros; /* pacat of /dev/zero into the sink */
} BenchPulse;

/* Prints "PROGRAM: FAILED: message" and exits 1 (the child setup kills what was started). */
G_NORETURN void bench_record_die (const char *format, ...) G_GNUC_PRINTF (1, 2);
/* Prints a line and flushes stdout. */
void bench_record_say (const char *format, ...) G_GNUC_PRINTF (1, 2);
/* Fails unless @program is in PATH; names the Debian @package to install. */
char *bench_record_require (const char *program, const char *package);

/* The program name used in messages (set once in main). */
void bench_record_set_name (const char *name);

/* GSubprocessLauncher child setup: SIGKILL when the benchmark dies; @data non-NULL: also a
 * process group of its own. */
void bench_record_child_setup (gpointer data);

/* DISPLAY when set; otherwise starts `Xvfb -displayfd` on a free display (1280x1024x24), sets
 * DISPLAY in this process's environment and returns it. */
char *bench_record_ensure_display (void);
void bench_record_stop_display (void);

/* A private PulseAudio under @base_dir with the virtual microphone; fails loudly when a tool is
 * missing or it does not come up. */
BenchPulse *bench_pulse_start (const char *base_dir);
/* A launcher whose children talk to this PulseAudio (PULSE_SERVER, XDG_RUNTIME_DIR). */
GSubprocessLauncher *bench_pulse_launcher (BenchPulse *pulse, GSubprocessFlags flags);
/* Runs `pactl ARGS...` against it; fails unless it exits 0. */
void bench_pulse_pactl (BenchPulse *pulse, const char *const *args);
/* Starts paplay of @wav_path into the microphone (asynchronous; wait with bench_pulse_wait_play). */
GSubprocess *bench_pulse_play (BenchPulse *pulse, const char *wav_path);
/* Iterates the default main context until @paplay exits; fails unless it exits 0. */
void bench_pulse_wait_play (GSubprocess *paplay);
void bench_pulse_stop (BenchPulse *pulse);

/* espeak-ng (en-us, 150 wpm) + sox speaking tests/data/speech/handoff-NN.txt one after the other
 * (again from the first when needed), written as 16 kHz mono 16-bit WAV to @wav_path: @exact, cut
 * to @target_s seconds; otherwise whole texts, as many as come nearest to @target_s (at least one).
 * Returns its length in seconds; *@n_texts: how many texts were spoken (in part, when cut). */
double bench_record_make_handoff_wav (
    const char *tmp, double target_s, gboolean exact, const char *wav_path, guint *n_texts);

/* A new day-shift draft handoff of @patient_id for the signed-in nurse, created in the cache (sync
 * pushes it). Returns its id. */
char *bench_record_create_handoff (ElContext *ctx, const char *patient_id);

/* Runs the default main context for @ms milliseconds. */
void bench_record_spin (guint ms);

G_END_DECLS
