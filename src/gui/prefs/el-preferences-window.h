/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define EL_TYPE_PREFERENCES_WINDOW (el_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (
    ElPreferencesWindow, el_preferences_window, EL, PREFERENCES_WINDOW, AdwPreferencesWindow)

/*
 * ElPreferencesWindow: the app's preferences, each row bound to a key of @settings (the
 * ai.eclipselink.Handoff schema) both ways:
 *   server address      "api-url"               (AdwEntryRow, applied on Apply/Enter; http/https
 *                                                only, else an error under it and the key unchanged;
 *                                                used at the next sign-in)
 *   lock after          "auto-lock-minutes"     (spin button 1–60)
 *   keep handoffs       "cache-retention-days"  (spin button 1–90)
 *   transcription       "transcription-mode"    (Automatic / On the server / On this PC)
 *   microphone          "microphone"            ("System default" = "", then the microphones
 *                                                PulseAudio lists, stored by PulseAudio name)
 *   shift pattern       "shift-pattern"         (twelve-hour / eight-hour)
 * Widget names (tests): prefs-server-url, prefs-server-error, prefs-auto-lock,
 * prefs-cache-retention, prefs-transcription-mode, prefs-microphone, prefs-shift-pattern.
 */
GtkWidget *el_preferences_window_new (GSettings *settings);

/* Whether the microphone list is still being probed ("microphones-loading" notifies). */
gboolean el_preferences_window_get_microphones_loading (ElPreferencesWindow *self);

/* FALSE and a translated reason in @message when @url is no http:// or https:// address with a
 * host; TRUE for a usable one. */
gboolean el_preferences_check_server_url (const char *url, char **message);

/* The About window (AdwAboutWindow) transient for @parent (nullable), presented; (transfer none). */
GtkWindow *el_show_about (GtkWindow *parent);

/* Names the keyboard shortcuts window's icon-only controls (GTK 4.8 leaves its search toggle
 * unnamed). el_prefs_install_actions() does it for every application window's help overlay. */
void el_prefs_fix_shortcuts_window (GtkShortcutsWindow *window);

/* Adds app.preferences (Ctrl+comma), app.about and app.help (F1) to @app; each opens its window
 * transient for the active window, and names the shortcuts window's controls
 * (el_prefs_fix_shortcuts_window()) as windows are added. Call once, in startup. */
void el_prefs_install_actions (GtkApplication *app);

G_END_DECLS
