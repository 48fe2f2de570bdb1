/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SIGKILL mid-recording: a child process records from audiotestsrc and is killed; the file it
 * leaves is an interrupted recording that decodes to at least the recorded time minus a second. */
#include "config.h"

#include "el-audio-probe.h" /* the server's upload check */
#include "el-media-test.h"
#include "el-test-util.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <signal.h>
#include <sys/wait.h>

/* The plaintext through the server's upload check (ElAudioProbe, Ogg/Opus, 15 min). */
static gboolean
probe_accepts (ElSealedAudio *audio, gint64 *duration_ms)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) plain = el_sealed_audio_read_all (audio, NULL, &error);
  g_autoptr (ElAudioProbe) probe = el_audio_probe_new (EL_AUDIO_CONTAINER_OGG, EL_AUDIO_MAX_DURATION_MS);
  gsize len;
  const guint8 *data;

  g_assert_no_error (error);
  data = g_bytes_get_data (plain, &len);
  if (!el_audio_probe_feed (probe, data, len, &error) || !el_audio_probe_finish (probe, &error))
    {
      g_test_message ("server probe: %s", error->message);
      return FALSE;
    }
  if (duration_ms != NULL)
    *duration_ms = el_audio_probe_get_duration_ms (probe);
  return TRUE;
}

static void
test_sigkill (gconstpointer data)
{
  guint record_ms = GPOINTER_TO_UINT (data);
  g_autoptr (ElVault) vault = el_media_test_vault ();
  g_autofree char *base = el_test_make_dir ("test-media-crash-XXXXXX");
  g_autofree char *dir = g_build_filename (base, "recordings", NULL);
  const char *helper = EL_MEDIA_RECORD_HELPER;
  g_autofree char *rid = g_uuid_string_random ();
  g_autofree char *path = el_sealed_audio_path_for (dir, rid);
  g_autofree char *line = NULL;
  g_autofree char *ogg = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) child = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autoptr (ElSealedAudio) audio = NULL;
  const char *argv[] = { helper, dir, rid, NULL };
  gint64 t0, t1;
  double recorded_s, file_s, decoded_s;

  child = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "recording");
  t0 = g_get_monotonic_time ();
  g_usleep ((gulong) record_ms * 1000);
  t1 = g_get_monotonic_time ();
  g_subprocess_send_signal (child, SIGKILL);
  g_assert_true (g_subprocess_wait (child, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_signaled (child));
  g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);
  recorded_s = (double) (t1 - t0) / G_USEC_PER_SEC;

  audio = el_sealed_audio_open (vault, path, rid, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (el_sealed_audio_is_complete (audio));
  file_s = el_sealed_audio_get_duration_ms (audio) / 1000.0;
  decoded_s = el_media_test_samples_to_s (el_media_test_decode (audio, NULL));
  g_test_message ("killed after %.3f s: %u chunks, file %.3f s, decoded %.3f s%s", recorded_s,
                  el_sealed_audio_get_n_chunks (audio), file_s, decoded_s,
                  el_sealed_audio_had_partial_tail (audio) ? " (torn tail ignored)" : "");
  g_assert_cmpfloat (decoded_s, >=, recorded_s - 1.0);
  g_assert_cmpfloat (decoded_s, <=, recorded_s + 0.3);
  g_assert_cmpfloat (ABS (file_s - decoded_s), <=, 0.05);

  /* The server refuses it as it is (no last Ogg page); recovered, it is complete, decodes to the
   * same audio, and passes the server's upload check. */
  g_assert_false (probe_accepts (audio, NULL));
  {
    GAsyncResult *result = NULL;
    g_autoptr (ElSealedAudio) recovered = NULL;
    gint64 probe_ms = 0;
    double recovered_s;

    el_recorder_recover_async (vault, path, rid, NULL, el_test_result_cb, &result);
    g_assert_true (el_recorder_recover_finish (el_test_wait_for (&result), &error));
    g_assert_no_error (error);
    g_clear_object (&result);
    recovered = el_sealed_audio_open (vault, path, rid, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (el_sealed_audio_is_complete (recovered));
    g_assert_false (el_sealed_audio_had_partial_tail (recovered));
    g_assert_cmpuint (el_sealed_audio_get_n_chunks (recovered), ==, el_sealed_audio_get_n_chunks (audio) + 1);
    recovered_s = el_media_test_samples_to_s (el_media_test_decode (recovered, NULL));
    g_assert_cmpfloat (ABS (recovered_s - decoded_s), <=, 0.001);
    g_assert_true (probe_accepts (recovered, &probe_ms));
    g_test_message ("recovered: %.3f s decoded, server probe %" G_GINT64_FORMAT " ms", recovered_s, probe_ms);
    g_assert_cmpint (ABS (probe_ms - (gint64) el_sealed_audio_get_duration_ms (recovered)), <=, 1);
    /* Recovering again changes nothing. */
    g_assert_true (el_recorder_recover (vault, path, rid, NULL, &error));
    g_assert_no_error (error);
  }

  ogg = el_media_test_find_ogg (base);
  g_assert_null (ogg);
  el_test_remove_tree (base);
}

/* Files that cannot be recovered: only a header (nothing recorded), tampered, another key. */
static void
test_recover_refused (void)
{
  g_autoptr (ElVault) vault = el_media_test_vault ();
  g_autofree char *base = el_test_make_dir ("test-media-crash-XXXXXX");
  g_autofree char *rid = g_uuid_string_random ();
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElSealedAudioWriter) writer = el_sealed_audio_writer_new (vault, base, rid, &error);
  g_autoptr (ElVault) other = NULL;
  guint8 key[EL_VAULT_KEY_BYTES] = { 1 };

  g_assert_no_error (error);
  path = g_strdup (el_sealed_audio_writer_get_path (writer));
  g_clear_object (&writer); /* dropped before its first chunk, as a crash */
  g_assert_false (el_recorder_recover (vault, path, rid, NULL, &error));
  g_assert_error (error, EL_RECORDER_ERROR, EL_RECORDER_ERROR_STORAGE);
  g_clear_error (&error);

  /* Some bytes that are not Ogg pages, sealed properly: refused, not "repaired". */
  writer = el_sealed_audio_writer_new (vault, base, rid, &error);
  g_assert_null (writer);
  g_assert_error (error, EL_SEALED_AUDIO_ERROR, EL_SEALED_AUDIO_ERROR_IO); /* exists */
  g_clear_error (&error);
  g_assert_cmpint (g_unlink (path), ==, 0);
  writer = el_sealed_audio_writer_new (vault, base, rid, &error);
  g_assert_true (el_sealed_audio_writer_append (writer, "not ogg at all", 14, 100, &error));
  g_assert_true (el_sealed_audio_writer_flush (writer, &error));
  g_clear_object (&writer);
  g_assert_false (el_recorder_recover (vault, path, rid, NULL, &error));
  g_assert_error (error, EL_RECORDER_ERROR, EL_RECORDER_ERROR_STORAGE);
  g_clear_error (&error);

  other = el_vault_new (key);
  g_assert_false (el_recorder_recover (other, path, rid, NULL, &error));
  g_assert_error (error, EL_SEALED_AUDIO_ERROR, EL_SEALED_AUDIO_ERROR_TAMPERED);
  el_test_remove_tree (base);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);

  g_test_add_data_func ("/el/media/crash/sigkill-3s", GUINT_TO_POINTER (3000), test_sigkill);
  g_test_add_data_func ("/el/media/crash/sigkill-1.7s", GUINT_TO_POINTER (1700), test_sigkill);
  g_test_add_data_func ("/el/media/crash/sigkill-2.35s", GUINT_TO_POINTER (2350), test_sigkill);
  g_test_add_func ("/el/media/crash/recover-refused", test_recover_refused);

  return g_test_run ();
}
