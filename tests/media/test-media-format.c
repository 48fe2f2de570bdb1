/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sealed recording format (src/core/media/FORMAT.md): round trip, interrupted files, tampering. */
#include "config.h"

#include "el-sealed-audio.h"
#include "el-test-util.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#define RID   "3f2a1b0c-9d8e-4f70-a1b2-c3d4e5f60001"
#define RID_2 "3f2a1b0c-9d8e-4f70-a1b2-c3d4e5f60002"

static ElVault *
make_vault (guint8 fill)
{
  guint8 key[EL_VAULT_KEY_BYTES];

  memset (key, fill, sizeof key);
  return el_vault_new (key);
}

/* Deterministic "audio": byte i of the stream is (i * 7 + i / 251) & 0xff. */
static guint8
stream_byte (gsize i)
{
  return (guint8) ((i * 7 + i / 251) & 0xff);
}

typedef struct
{
  char *dir;
  char *rec_dir;
  char *path;
  GByteArray *plain; /* everything appended */
} Written;

static void
written_free (Written *w)
{
  el_test_remove_tree (w->dir);
  g_free (w->dir);
  g_free (w->rec_dir);
  g_free (w->path);
  g_byte_array_unref (w->plain);
  g_free (w);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Written, written_free)

/* Appends @n_appends blocks of varying sizes, 250 ms of media each, with chunk-ms 1000; finishes
 * when @finish. */
static Written *
write_recording (ElVault *vault, guint n_appends, gboolean finish)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElSealedAudioWriter) writer = NULL;
  Written *w = g_new0 (Written, 1);
  gsize pos = 0;

  w->dir = el_test_make_dir ("test-media-format-XXXXXX");
  w->plain = g_byte_array_new ();
  w->rec_dir = g_build_filename (w->dir, "recordings", NULL); /* made by the writer */
  writer = el_sealed_audio_writer_new (vault, w->rec_dir, RID, &error);
  g_assert_no_error (error);
  w->path = g_strdup (el_sealed_audio_writer_get_path (writer));
  for (guint i = 0; i < n_appends; i++)
    {
      gsize len = 37 + (i * 53) % 400;
      g_autofree guint8 *block = g_malloc (len);

      for (gsize j = 0; j < len; j++)
        block[j] = stream_byte (pos + j);
      pos += len;
      g_byte_array_append (w->plain, block, (guint) len);
      g_assert_true (el_sealed_audio_writer_append (writer, block, len, (guint64) (i + 1) * 250, &error));
      g_assert_no_error (error);
    }
  if (finish)
    g_assert_true (el_sealed_audio_writer_finish (writer, &error));
  else
    g_assert_true (el_sealed_audio_writer_flush (writer, &error));
  g_assert_no_error (error);
  return w;
}

static gboolean
contains (const guint8 *hay, gsize hay_len, const guint8 *needle, gsize needle_len)
{
  for (gsize i = 0; i + needle_len <= hay_len; i++)
    if (memcmp (hay + i, needle, needle_len) == 0)
      return TRUE;
  return FALSE;
}

static GBytes *
file_bytes (const char *path)
{
  char *data = NULL;
  gsize len = 0;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

static void
assert_plain_equals (ElSealedAudio *audio, const guint8 *expected, gsize len)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) plain = el_sealed_audio_read_all (audio, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (plain);
  g_assert_cmpmem (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), expected, len);
}

static void
test_round_trip (void)
{
  g_autoptr (ElVault) vault = make_vault (0x11);
  g_autoptr (Written) w = write_recording (vault, 20, TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElSealedAudio) audio = NULL;
  g_autoptr (GInputStream) stream = NULL;
  g_autofree char *dir_name = NULL;
  GStatBuf st;

  /* 20 appends of 250 ms with chunk-ms 1000: chunks at 1, 2, 3, 4, 5 s, then an empty final one. */
  audio = el_sealed_audio_open (vault, w->path, RID, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (el_sealed_audio_is_complete (audio));
  g_assert_false (el_sealed_audio_had_partial_tail (audio));
  g_assert_cmpuint (el_sealed_audio_get_n_chunks (audio), ==, 6);
  g_assert_cmpuint (el_sealed_audio_get_duration_ms (audio), ==, 5000);
  g_assert_cmpuint (el_sealed_audio_get_size (audio), ==, w->plain->len);
  assert_plain_equals (audio, w->plain->data, w->plain->len);

  /* Modes: 0600 file, 0700 directory. */
  g_assert_cmpint (g_stat (w->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (w->rec_dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  /* The file holds no run of the plaintext: a 16-byte window of it never appears. */
  {
    g_autoptr (GBytes) file = file_bytes (w->path);
    gsize flen;
    const guint8 *f = g_bytes_get_data (file, &flen);

    g_assert_false (contains (f, flen, w->plain->data + 100, 16));
  }

  /* Random access: seek anywhere, read, compare. */
  stream = el_sealed_audio_open_stream (audio, &error);
  g_assert_no_error (error);
  g_assert_true (G_IS_SEEKABLE (stream));
  for (guint i = 0; i < 200; i++)
    {
      gsize off = g_test_rand_int_range (0, (gint32) w->plain->len);
      guint8 buf[300];
      gsize want = MIN (sizeof buf, w->plain->len - off);
      gsize got = 0;

      g_assert_true (g_seekable_seek (G_SEEKABLE (stream), (goffset) off, G_SEEK_SET, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (g_input_stream_read_all (stream, buf, want, &got, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (buf, got, w->plain->data + off, want);
    }
  g_assert_true (g_seekable_seek (G_SEEKABLE (stream), 0, G_SEEK_END, NULL, &error));
  g_assert_cmpint (g_seekable_tell (G_SEEKABLE (stream)), ==, (goffset) w->plain->len);
  g_assert_false (g_seekable_seek (G_SEEKABLE (stream), 1, G_SEEK_CUR, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);

  /* An existing recording is never overwritten. */
  g_clear_error (&error);
  {
    g_autoptr (ElSealedAudioWriter) again = el_sealed_audio_writer_new (vault, w->rec_dir, RID, &error);

    g_assert_null (again);
    g_assert_error (error, EL_SEALED_AUDIO_ERROR, EL_SEALED_AUDIO_ERROR_IO);
  }
  dir_name = g_path_get_dirname (w->path);
  g_assert_cmpstr (dir_name, ==, w->rec_dir);
}

static void
test_async_open (void)
{
  g_autoptr (ElVault) vault = make_vault (0x11);
  g_autoptr (Written) w = write_recording (vault, 8, TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElSealedAudio) audio = NULL;
  GAsyncResult *result = NULL;

  el_sealed_audio_open_async (vault, w->path, RID, NULL, el_test_result_cb, &result);
  audio = el_sealed_audio_open_finish (el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_true (el_sealed_audio_is_complete (audio));
  g_assert_cmpuint (el_sealed_audio_get_duration_ms (audio), ==, 2000);
  g_clear_object (&result);
}

static void
test_big_and_empty (void)
{
  g_autoptr (ElVault) vault = make_vault (0x12);
  g_autofree char *dir = el_test_make_dir ("test-media-format-XXXXXX");
  g_autoptr (GError) error = NULL;
  g_autoptr (ElSealedAudioWriter) writer = NULL;
  g_autoptr (ElSealedAudio) audio = NULL;
  g_autofree guint8 *big = g_malloc (200000);
  g_autofree char *path = NULL;

  for (gsize i = 0; i < 200000; i++)
    big[i] = stream_byte (i);
  /* A block larger than P is split into P-sized chunks. */
  writer = el_sealed_audio_writer_new (vault, dir, RID, &error);
  g_assert_no_error (error);
  path = g_strdup (el_sealed_audio_writer_get_path (writer));
  g_assert_true (el_sealed_audio_writer_append (writer, big, 200000, 10, &error));
  g_assert_cmpuint (el_sealed_audio_writer_get_n_chunks (writer), ==, 3);
  /* The media position never goes back. */
  g_assert_false (el_sealed_audio_writer_append (writer, big, 1, 5, &error));
  g_assert_error (error, EL_SEALED_AUDIO_ERROR, EL_SEALED_AUDIO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (el_sealed_audio_writer_finish (writer, &error));
  g_assert_no_error (error);
  g_assert_false (el_sealed_audio_writer_append (writer, big, 1, 20, &error));
  g_assert_error (error, EL_SEALED_AUDIO_ERROR, EL_SEALED_AUDIO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  audio = el_sealed_audio_open (vault, path, RID, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (el_sealed_audio_is_complete (audio));
  assert_plain_equals (audio, big, 200000);
  g_clear_object (&audio);
  g_clear_object (&writer);
  g_assert_cmpint (g_unlink (path), ==, 0);

  /* An empty finished recording: one empty final chunk. */
  writer = el_sealed_audio_writer_new (vault, dir, RID, &error);
  g_assert_no_error (error);
  g_assert_true (el_sealed_audio_writer_finish (writer, &error));
  audio = el_sealed_audio_open (vault, path, RID, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (el_sealed_audio_is_complete (audio));
  g_assert_cmpuint (el_sealed_audio_get_size (audio), ==, 0);
  g_clear_object (&audio);
  g_clear_object (&writer);
  g_assert_cmpint (g_unlink (path), ==, 0);

  /* Discard leaves nothing. */
  writer = el_sealed_audio_writer_new (vault, dir, RID, &error);
  g_assert_no_error (error);
  g_assert_true (el_sealed_audio_writer_append (writer, big, 5000, 2000, &error));
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  el_sealed_audio_writer_discard (writer);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* Bad recording ids. */
  g_clear_object (&writer);
  writer = el_sealed_audio_writer_new (vault, dir, "../etc/passwd", &error);
  g_assert_null (writer);
  g_assert_error (error, EL_SEALED_AUDIO_ERROR, EL_SEALED_AUDIO_ERROR_INVALID_ARGUMENT);
  el_test_remove_tree (dir);
}

/* Interrupted: no final chunk; truncated at every byte of the last chunk. */
static void
test_interrupted (void)
{
  g_autoptr (ElVault) vault = make_vault (0x13);
  g_autoptr (Written) w = write_recording (vault, 20, FALSE); /* 5 chunks, none final */
  g_autoptr (GBytes) file = file_bytes (w->path);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElSealedAudio) whole = NULL;
  gsize flen;
  const guint8 *f = g_bytes_get_data (file, &flen);
  gsize last_start, prefix_len;

  whole = el_sealed_audio_open_bytes (vault, file, RID, &error);
  g_assert_no_error (error);
  g_assert_false (el_sealed_audio_is_complete (whole));
  g_assert_false (el_sealed_audio_had_partial_tail (whole));
  g_assert_cmpuint (el_sealed_audio_get_n_chunks (whole), ==, 5);
  g_assert_cmpuint (el_sealed_audio_get_duration_ms (whole), ==, 5000);
  assert_plain_equals (whole, w->plain->data, w->plain->len);

  /* Where the last chunk starts: the size of the file minus 8 + L of the last chunk. Find it by
   * walking the lengths. */
  last_start = EL_SEALED_AUDIO_HEADER_BYTES;
  for (guint i = 0; i < 4; i++)
    {
      guint32 l = ((guint32) f[last_start] << 24) | ((guint32) f[last_start + 1] << 16) |
                  ((guint32) f[last_start + 2] << 8) | f[last_start + 3];

      last_start += 8 + l;
    }
  g_assert_cmpuint (last_start, <, flen);

  /* The first four chunks' plaintext: everything up to the 16th append. */
  prefix_len = 0;
  {
    g_autoptr (ElSealedAudio) four = NULL;
    g_autoptr (GBytes) cut = g_bytes_new (f, last_start);

    four = el_sealed_audio_open_bytes (vault, cut, RID, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (el_sealed_audio_get_n_chunks (four), ==, 4);
    g_assert_false (el_sealed_audio_had_partial_tail (four));
    prefix_len = el_sealed_audio_get_size (four);
    g_assert_cmpuint (prefix_len, <, w->plain->len);
  }

  for (gsize cut_at = last_start + 1; cut_at < flen; cut_at++)
    {
      g_autoptr (GBytes) cut = g_bytes_new (f, cut_at);
      g_autoptr (ElSealedAudio) audio = el_sealed_audio_open_bytes (vault, cut, RID, &error);

      g_assert_no_error (error);
      g_assert_nonnull (audio);
      g_assert_false (el_sealed_audio_is_complete (audio));
      g_assert_true (el_sealed_audio_had_partial_tail (audio));
      g_assert_cmpuint (el_sealed_audio_get_n_chunks (audio), ==, 4);
      g_assert_cmpuint (el_sealed_audio_get_duration_ms (audio), ==, 4000);
      assert_plain_equals (audio, w->plain->data, prefix_len);
    }

  /* Only the header: an empty, interrupted recording. Less than a header: TRUNCATED. */
  {
    g_autoptr (GBytes) cut = g_bytes_new (f, EL_SEALED_AUDIO_HEADER_BYTES);
    g_autoptr (ElSealedAudio) audio = el_sealed_audio_open_bytes (vault, cut, RID, &error);

    g_assert_no_error (error);
    g_assert_false (el_sealed_audio_is_complete (audio));
    g_assert_cmpuint (el_sealed_audio_get_size (audio), ==, 0);
  }
  for (gsize cut_at = 0; cut_at < EL_SEALED_AUDIO_HEADER_BYTES; cut_at++)
    {
      g_autoptr (GBytes) cut = g_bytes_new (f, cut_at);
      g_autoptr (ElSealedAudio) audio = el_sealed_audio_open_bytes (vault, cut, RID, &error);

      g_assert_null (audio);
      g_assert_error (error, EL_SEALED_AUDIO_ERROR, EL_SEALED_AUDIO_ERROR_TRUNCATED);
      g_clear_error (&error);
    }
}

/* A complete file cut inside its final chunk reads as interrupted, never as complete. */
static void
test_complete_cut (void)
{
  g_autoptr (ElVault) vault = make_vault (0x14);
  g_autoptr (Written) w = write_recording (vault, 9, TRUE); /* chunks at 1 s, 2 s, then final (250 ms) */
  g_autoptr (GBytes) file = file_bytes (w->path);
  g_autoptr (GError) error = NULL;
  gsize flen;
  const guint8 *f = g_bytes_get_data (file, &flen);

  for (gsize cut_at = flen - 1; cut_at > flen - 40; cut_at--)
    {
      g_autoptr (GBytes) cut = g_bytes_new (f, cut_at);
      g_autoptr (ElSealedAudio) audio = el_sealed_audio_open_bytes (vault, cut, RID, &error);

      g_assert_no_error (error);
      g_assert_false (el_sealed_audio_is_complete (audio));
      g_assert_cmpuint (el_sealed_audio_get_n_chunks (audio), ==, 2);
    }
}

static void
assert_refused (ElVault *vault, GBytes *file, const char *rid, const char *what)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElSealedAudio) audio = el_sealed_audio_open_bytes (vault, file, rid, &error);

  if (audio != NULL)
    g_error ("%s: a damaged recording opened", what);
  g_assert_nonnull (error);
  if (!g_error_matches (error, EL_SEALED_AUDIO_ERROR, EL_SEALED_AUDIO_ERROR_TAMPERED) &&
      !g_error_matches (error, EL_SEALED_AUDIO_ERROR, EL_SEALED_AUDIO_ERROR_CORRUPT))
    g_error ("%s: unexpected error %s", what, error->message);
}

static void
assert_tampered (ElVault *vault, GBytes *file, const char *rid)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElSealedAudio) audio = el_sealed_audio_open_bytes (vault, file, rid, &error);

  g_assert_null (audio);
  g_assert_error (error, EL_SEALED_AUDIO_ERROR, EL_SEALED_AUDIO_ERROR_TAMPERED);
  g_assert_null (strstr (error->message, rid));
}

/* Chunk boundaries of a file: offsets of each chunk's frame, plus the end. */
static GArray *
chunk_offsets (const guint8 *f, gsize flen)
{
  GArray *offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  gsize off = EL_SEALED_AUDIO_HEADER_BYTES;

  while (off + 8 <= flen)
    {
      guint32 l =
          ((guint32) f[off] << 24) | ((guint32) f[off + 1] << 16) | ((guint32) f[off + 2] << 8) | f[off + 3];

      g_array_append_val (offsets, off);
      off += 8 + l;
    }
  g_assert_cmpuint (off, ==, flen);
  g_array_append_val (offsets, off);
  return offsets;
}

static GBytes *
splice (const guint8 *f, GArray *offs, const guint *order, guint n)
{
  GByteArray *out = g_byte_array_new ();

  g_byte_array_append (out, f, EL_SEALED_AUDIO_HEADER_BYTES);
  for (guint i = 0; i < n; i++)
    {
      gsize a = g_array_index (offs, gsize, order[i]);
      gsize b = g_array_index (offs, gsize, order[i] + 1);

      g_byte_array_append (out, f + a, (guint) (b - a));
    }
  return g_byte_array_free_to_bytes (out);
}

static void
test_tampered (void)
{
  g_autoptr (ElVault) vault = make_vault (0x15);
  g_autoptr (ElVault) other = make_vault (0x16);
  g_autoptr (Written) w = write_recording (vault, 20, TRUE); /* 5 chunks + an empty final */
  g_autoptr (GBytes) file = file_bytes (w->path);
  g_autoptr (GArray) offs = NULL;
  gsize flen;
  const guint8 *f = g_bytes_get_data (file, &flen);

  offs = chunk_offsets (f, flen);
  g_assert_cmpuint (offs->len, ==, 7);

  /* Every byte flipped, one at a time. */
  for (gsize i = 0; i < flen; i++)
    {
      g_autofree guint8 *copy = g_memdup2 (f, flen);
      g_autoptr (GBytes) bad = NULL;
      g_autofree char *what = g_strdup_printf ("byte %" G_GSIZE_FORMAT " flipped", i);

      copy[i] ^= 0x5a;
      bad = g_bytes_new (copy, flen);
      assert_refused (vault, bad, RID, what);
    }

  /* Swapped, duplicated, dropped chunks. */
  {
    const guint swapped[] = { 0, 2, 1, 3, 4, 5 };
    const guint duplicated[] = { 0, 1, 1, 2, 3, 4, 5 };
    const guint dropped[] = { 0, 1, 3, 4, 5 };
    const guint first_dropped[] = { 1, 2, 3, 4, 5 };
    const guint appended[] = { 0, 1, 2, 3, 4, 5, 4 };
    const guint final_in_middle[] = { 0, 1, 5, 2 };
    g_autoptr (GBytes) b1 = splice (f, offs, swapped, G_N_ELEMENTS (swapped));
    g_autoptr (GBytes) b2 = splice (f, offs, duplicated, G_N_ELEMENTS (duplicated));
    g_autoptr (GBytes) b3 = splice (f, offs, dropped, G_N_ELEMENTS (dropped));
    g_autoptr (GBytes) b4 = splice (f, offs, first_dropped, G_N_ELEMENTS (first_dropped));
    g_autoptr (GBytes) b5 = splice (f, offs, appended, G_N_ELEMENTS (appended));
    g_autoptr (GBytes) b6 = splice (f, offs, final_in_middle, G_N_ELEMENTS (final_in_middle));

    assert_tampered (vault, b1, RID);
    assert_tampered (vault, b2, RID);
    assert_tampered (vault, b3, RID);
    assert_tampered (vault, b4, RID);
    assert_tampered (vault, b5, RID);
    assert_tampered (vault, b6, RID);
  }

  /* Anything after the final chunk, even one byte or a torn-looking tail. */
  for (gsize extra = 1; extra < 12; extra++)
    {
      g_autofree guint8 *longer = g_malloc0 (flen + extra);
      g_autoptr (GBytes) bad = NULL;

      memcpy (longer, f, flen);
      bad = g_bytes_new (longer, flen + extra);
      assert_tampered (vault, bad, RID);
    }

  /* Wrong key, wrong recording id. */
  assert_tampered (other, file, RID);
  assert_tampered (vault, file, RID_2);

  /* The reader from a file on disk says the same. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (ElSealedAudio) audio = el_sealed_audio_open (other, w->path, RID, NULL, &error);

    g_assert_null (audio);
    g_assert_error (error, EL_SEALED_AUDIO_ERROR, EL_SEALED_AUDIO_ERROR_TAMPERED);
    g_clear_error (&error);
    audio = el_sealed_audio_open (vault, w->path, "not-a-uuid", NULL, &error);
    g_assert_null (audio);
    g_assert_error (error, EL_SEALED_AUDIO_ERROR, EL_SEALED_AUDIO_ERROR_INVALID_ARGUMENT);
  }
}

/* A file changed after it was opened: the stream refuses the changed chunk. */
static void
test_changed_under_stream (void)
{
  g_autoptr (ElVault) vault = make_vault (0x17);
  g_autoptr (Written) w = write_recording (vault, 20, TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElSealedAudio) audio = el_sealed_audio_open (vault, w->path, RID, NULL, &error);
  g_autoptr (GInputStream) stream = NULL;
  g_autoptr (GBytes) file = file_bytes (w->path);
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (file, NULL), g_bytes_get_size (file));
  guint8 buf[64];

  g_assert_no_error (error);
  copy[EL_SEALED_AUDIO_HEADER_BYTES + 8 + 20] ^= 1;
  g_assert_true (
      g_file_set_contents (w->path, (const char *) copy, (gssize) g_bytes_get_size (file), &error));
  stream = el_sealed_audio_open_stream (audio, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_input_stream_read (stream, buf, sizeof buf, NULL, &error), ==, -1);
  g_assert_error (error, EL_SEALED_AUDIO_ERROR, EL_SEALED_AUDIO_ERROR_TAMPERED);
  g_clear_error (&error);
  /* Sticky. */
  g_assert_cmpint (g_input_stream_read (stream, buf, sizeof buf, NULL, &error), ==, -1);
  g_assert_error (error, EL_SEALED_AUDIO_ERROR, EL_SEALED_AUDIO_ERROR_TAMPERED);
}

/* Random garbage and random damage never crash the reader. */
static void
test_garbage (void)
{
  g_autoptr (ElVault) vault = make_vault (0x18);
  g_autoptr (Written) w = write_recording (vault, 12, TRUE);
  g_autoptr (GBytes) file = file_bytes (w->path);
  gsize flen;
  const guint8 *f = g_bytes_get_data (file, &flen);

  for (guint round = 0; round < 2000; round++)
    {
      g_autofree guint8 *copy = g_memdup2 (f, flen);
      gsize len = (gsize) g_test_rand_int_range (0, (gint32) flen + 1);
      g_autoptr (GBytes) bad = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (ElSealedAudio) audio = NULL;
      guint flips = (guint) g_test_rand_int_range (0, 4);

      for (guint k = 0; k < flips && len > 0; k++)
        copy[g_test_rand_int_range (0, (gint32) len)] = (guint8) g_test_rand_int_range (0, 256);
      bad = g_bytes_new (copy, len);
      audio = el_sealed_audio_open_bytes (vault, bad, RID, &error);
      g_assert_true ((audio == NULL) != (error == NULL));
      if (audio != NULL)
        {
          /* Whatever opened is a prefix of the truth. */
          g_autoptr (GBytes) plain = el_sealed_audio_read_all (audio, NULL, &error);

          g_assert_no_error (error);
          g_assert_cmpuint (g_bytes_get_size (plain), <=, w->plain->len);
          g_assert_cmpmem (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), w->plain->data,
                           g_bytes_get_size (plain));
        }
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/el/media/format/round-trip", test_round_trip);
  g_test_add_func ("/el/media/format/open-async", test_async_open);
  g_test_add_func ("/el/media/format/big-empty-discard", test_big_and_empty);
  g_test_add_func ("/el/media/format/interrupted", test_interrupted);
  g_test_add_func ("/el/media/format/complete-cut", test_complete_cut);
  g_test_add_func ("/el/media/format/tampered", test_tampered);
  g_test_add_func ("/el/media/format/changed-under-stream", test_changed_under_stream);
  g_test_add_func ("/el/media/format/garbage", test_garbage);

  return g_test_run ();
}
