/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Core (no GTK): el_audio_sources_list() on a private PulseAudio with a virtual microphone. */
#include "config.h"

#include "el-audio-sources.h"
#include "el-test-util.h"
#include "prefs-test-pulse.h"

static const ElAudioSource *
find_source (GPtrArray *sources, const char *device_name)
{
  for (guint i = 0; i < sources->len; i++)
    {
      const ElAudioSource *source = g_ptr_array_index (sources, i);

      if (g_strcmp0 (source->device_name, device_name) == 0)
        return source;
    }
  return NULL;
}

static void
assert_test_microphone (GPtrArray *sources)
{
  const ElAudioSource *mic;

  g_assert_nonnull (sources);
  mic = find_source (sources, PREFS_TEST_MIC_NAME);
  if (mic == NULL)
    g_error ("the virtual microphone is not listed");
  g_assert_cmpstr (mic->display_name, ==, PREFS_TEST_MIC_DESCRIPTION);
  /* the null sink's monitor (what the speakers would play) is no microphone */
  g_assert_null (find_source (sources, "speech_sink.monitor"));
  g_assert_cmpuint (sources->len, ==, 1);
}

static void
test_list (void)
{
  g_autofree char *server = NULL;
  PrefsTestPulse *pulse = prefs_test_pulse_start (&server);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) sources = el_audio_sources_list (server, NULL, &error);

  g_assert_no_error (error);
  assert_test_microphone (sources);
  prefs_test_pulse_stop (pulse);
}

static void
test_list_async (void)
{
  g_autofree char *server = NULL;
  PrefsTestPulse *pulse = prefs_test_pulse_start (&server);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) sources = NULL;

  el_audio_sources_list_async (server, NULL, el_test_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  sources = el_audio_sources_list_finish (result, &error);
  g_assert_no_error (error);
  assert_test_microphone (sources);
  prefs_test_pulse_stop (pulse);
}

/* No sound server: an empty list, not an error (the nurse keeps the system default). */
static void
test_no_server (void)
{
  g_autofree char *dir = el_test_make_dir ("test-audio-sources-XXXXXX");
  g_autofree char *server = g_strdup_printf ("unix:%s/no-such-socket", dir);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) sources = el_audio_sources_list (server, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (sources);
  g_assert_cmpuint (sources->len, ==, 0);
  el_test_remove_tree (dir);
}

static void
test_cancelled (void)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) sources = NULL;

  g_cancellable_cancel (cancellable);
  el_audio_sources_list_async ("unix:/nonexistent/pulse/native", cancellable, el_test_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  sources = el_audio_sources_list_finish (result, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (sources);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/el/media/audio-sources/list", test_list);
  g_test_add_func ("/el/media/audio-sources/list-async", test_list_async);
  g_test_add_func ("/el/media/audio-sources/no-server", test_no_server);
  g_test_add_func ("/el/media/audio-sources/cancelled", test_cancelled);
  return g_test_run ();
}
