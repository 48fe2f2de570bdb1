/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A private PulseAudio for the microphone list (the recipe of tests/media/test-media-vmic.c,
 * TESTING.md): a null sink "speech_sink" and the virtual microphone "speechmic" (a remap of the
 * sink's monitor) described as PREFS_TEST_MIC_DESCRIPTION. It dies with the test process. Fails the
 * test when pulseaudio or pactl is missing (CI installs them).
 */
#define PREFS_TEST_MIC_NAME        "speechmic"
#define PREFS_TEST_MIC_DESCRIPTION "Handoff Test Microphone"

typedef struct _PrefsTestPulse PrefsTestPulse;

/* Starts it; returns its address ("unix:DIR/pulse/native") in *server (free it). */
PrefsTestPulse *prefs_test_pulse_start (char **server);
/* Stops it and removes its folder. */
void prefs_test_pulse_stop (PrefsTestPulse *pulse);

G_END_DECLS
