/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "el-recorder.h"
#include "el-sealed-audio.h"

G_BEGIN_DECLS

/*
 * Helpers of the media tests (tests/media): a fixed test vault, decoding a sealed recording with
 * GStreamer entirely in memory (giostreamsrc on the decrypting stream), scanning folders for Ogg
 * bytes, and waiting for a recorder.
 */

ElVault *el_media_test_vault (void);

/* Decodes the plaintext of @audio to 16 kHz mono S16; returns the number of samples (and, when
 * @peak is not NULL, the largest absolute sample value). Fails the test on a decoding error. */
guint64 el_media_test_decode (ElSealedAudio *audio, gint *peak);
double el_media_test_samples_to_s (guint64 samples);

/* Every regular file under @dir, byte by byte: the path of the first holding "OggS", or NULL. */
char *el_media_test_find_ogg (const char *dir);

/* Runs the main context until @recorder is stopped or failed (or @timeout_ms passed). */
ElRecorderState el_media_test_wait_done (ElRecorder *recorder, guint timeout_ms);

G_END_DECLS
