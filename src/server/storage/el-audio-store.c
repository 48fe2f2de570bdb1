/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Recordings in STORAGE_DIR, sealed in chunks while they stream in (el-audio-store.h, FORMAT.md). */
#include "config.h"

#include "el-audio-store-private.h"
#include "el-model-types.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TEMP_SUFFIX ".tmp"

struct _ElAudioStore
{
  GObject parent_instance;

  char *dir;      /* STORAGE_DIR */
  ElVault *vault; /* the audio key */
};

G_DEFINE_FINAL_TYPE (ElAudioStore, el_audio_store, G_TYPE_OBJECT)

struct ElAudioWriter
{
  ElAudioStore *store;
  char *recording_id;
  char *storage_path; /* relative */
  char *final_path;
  char *temp_path;
  char *dir_path;
  int fd;
  guint8 expected[EL_SHA256_BYTES];
  gint64 max_bytes;
  ElAudioContainer container;
  ElAudioProbe *probe;
  EVP_MD_CTX *sha256;
  guint8 *buffer; /* EL_AUDIO_STORE_CHUNK_BYTES of plaintext waiting to be sealed */
  gsize buffered;
  guint64 chunk_index;
  guint64 received;
  GError *error; /* sticky: set once the writer failed (and removed its file) */
  gboolean finished;
};

static void
el_audio_store_finalize (GObject *object)
{
  ElAudioStore *self = EL_AUDIO_STORE (object);

  g_free (self->dir);
  g_clear_object (&self->vault);

  G_OBJECT_CLASS (el_audio_store_parent_class)->finalize (object);
}

static void
el_audio_store_class_init (ElAudioStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = el_audio_store_finalize;
}

static void
el_audio_store_init (ElAudioStore *self)
{
}

static gboolean
set_io_error (GError **error, int saved_errno, const char *what)
{
  g_set_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_IO, "%s: %s", what, g_strerror (saved_errno));
  return FALSE;
}

/* Format helpers (el-audio-store-private.h) ----------------------------------------------------- */

static void
write_be32 (guint8 *p, guint32 v)
{
  p[0] = (guint8) (v >> 24);
  p[1] = (guint8) (v >> 16);
  p[2] = (guint8) (v >> 8);
  p[3] = (guint8) v;
}

void
el_audio_file_header_write (guint8 out[EL_AUDIO_FILE_HEADER_BYTES], guint32 chunk_bytes)
{
  memcpy (out, EL_AUDIO_FILE_MAGIC, EL_AUDIO_FILE_MAGIC_BYTES);
  out[8] = EL_AUDIO_FILE_VERSION;
  out[9] = 0;
  out[10] = 0;
  out[11] = 0;
  write_be32 (out + 12, chunk_bytes);
}

/**
 * el_audio_chunk_ad:
 * @chunk_bytes: the file header's chunk size
 * @recording_id: the recording the file belongs to
 * @index: the chunk's position in the file, from 0
 * @final: whether it is the file's last chunk
 *
 * Returns: (transfer full): the GCM associated data of a chunk,
 *   "eclipselink-audio|1|<chunk_bytes>|<recording_id>|<index>|<final 0 or 1>"
 */
char *
el_audio_chunk_ad (guint32 chunk_bytes, const char *recording_id, guint64 index, gboolean final)
{
  return g_strdup_printf ("eclipselink-audio|%d|%u|%s|%" G_GUINT64_FORMAT "|%d", EL_AUDIO_FILE_VERSION,
                          chunk_bytes, recording_id, index, final ? 1 : 0);
}

/* Store ----------------------------------------------------------------------------------------- */

/**
 * el_audio_store_new:
 * @storage_dir: STORAGE_DIR (created, mode 0700, when missing)
 * @master: the master key (ENCRYPTION_KEY); the store derives its audio key from it
 * @error: %EL_AUDIO_ERROR_IO or %EL_AUDIO_ERROR_FAILED
 *
 * Returns: (transfer full) (nullable): the store
 */
ElAudioStore *
el_audio_store_new (const char *storage_dir, ElVault *master, GError **error)
{
  g_autoptr (ElAudioStore) self = NULL;
  g_autofree char *recordings = NULL;

  g_return_val_if_fail (storage_dir != NULL && *storage_dir != '\0', NULL);
  g_return_val_if_fail (EL_IS_VAULT (master), NULL);

  self = g_object_new (EL_TYPE_AUDIO_STORE, NULL);
  self->dir = g_canonicalize_filename (storage_dir, NULL);
  self->vault = el_vault_new_derived (master, EL_AUDIO_STORE_KEY_LABEL);
  if (self->vault == NULL)
    {
      g_set_error_literal (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_FAILED, "could not derive the audio key");
      return NULL;
    }
  recordings = g_build_filename (self->dir, EL_AUDIO_STORE_SUBDIR, NULL);
  if (g_mkdir_with_parents (recordings, 0700) != 0)
    {
      set_io_error (error, errno, "cannot create the storage directory");
      return NULL;
    }
  return g_steal_pointer (&self);
}

const char *
el_audio_store_get_dir (ElAudioStore *self)
{
  g_return_val_if_fail (EL_IS_AUDIO_STORE (self), NULL);
  return self->dir;
}

/**
 * el_audio_store_check:
 * @self: a store
 * @error: %EL_AUDIO_ERROR_IO
 *
 * For /api/health: the recordings directory exists and this process may create files in it.
 */
gboolean
el_audio_store_check (ElAudioStore *self, GError **error)
{
  g_autofree char *recordings = NULL;

  g_return_val_if_fail (EL_IS_AUDIO_STORE (self), FALSE);

  recordings = g_build_filename (self->dir, EL_AUDIO_STORE_SUBDIR, NULL);
  if (g_access (recordings, W_OK | X_OK) != 0)
    return set_io_error (error, errno, "the storage directory is not writable");
  return TRUE;
}

/**
 * el_audio_store_path_for:
 * @recording_id: a canonical recording UUID
 *
 * Returns: (transfer full) (nullable): "recordings/<first 2 hex>/<id>.elaudio", or %NULL when
 *   @recording_id is not a canonical UUID
 */
char *
el_audio_store_path_for (const char *recording_id)
{
  if (recording_id == NULL || !el_uuid_is_valid (recording_id))
    return NULL;
  return g_strdup_printf (EL_AUDIO_STORE_SUBDIR "/%.2s/%s" EL_AUDIO_STORE_SUFFIX, recording_id, recording_id);
}

/* A storage path from the database: relative, under recordings/, no "..", plain characters. */
static gboolean
storage_path_is_safe (const char *path)
{
  g_auto (GStrv) parts = NULL;

  if (path == NULL || *path == '\0' || strlen (path) > 256 ||
      !g_str_has_prefix (path, EL_AUDIO_STORE_SUBDIR "/"))
    return FALSE;
  for (const char *p = path; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("/._-", *p) == NULL)
      return FALSE;
  parts = g_strsplit (path, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] == '\0' || *parts[i] == '.')
      return FALSE; /* "//", "..", ".", and hidden (temporary) files */
  return TRUE;
}

static char *
resolve (ElAudioStore *self, const char *storage_path, GError **error)
{
  if (!storage_path_is_safe (storage_path))
    {
      g_set_error_literal (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_INVALID_ARGUMENT, "not a storage path");
      return NULL;
    }
  return g_build_filename (self->dir, storage_path, NULL);
}

static gboolean
check_recording_id (const char *recording_id, GError **error)
{
  if (recording_id == NULL || !el_uuid_is_valid (recording_id))
    {
      g_set_error_literal (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_INVALID_ARGUMENT,
                           "a recording id is a canonical lowercase UUID");
      return FALSE;
    }
  return TRUE;
}

static gboolean
fsync_dir (const char *path, GError **error)
{
  int fd = g_open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  int saved_errno;

  if (fd < 0)
    return set_io_error (error, errno, "cannot open the storage directory");
  if (fsync (fd) != 0)
    {
      saved_errno = errno;
      close (fd);
      return set_io_error (error, saved_errno, "cannot sync the storage directory");
    }
  close (fd);
  return TRUE;
}

/* Writer ---------------------------------------------------------------------------------------- */

static void
writer_discard (ElAudioWriter *self)
{
  if (self->fd >= 0)
    {
      close (self->fd);
      self->fd = -1;
    }
  if (self->temp_path != NULL)
    {
      if (g_unlink (self->temp_path) != 0 && errno != ENOENT)
        g_message ("could not remove a temporary audio file: %s", g_strerror (errno));
      g_clear_pointer (&self->temp_path, g_free);
    }
  if (self->buffer != NULL)
    OPENSSL_cleanse (self->buffer, EL_AUDIO_STORE_CHUNK_BYTES);
  self->buffered = 0;
}

/* Records @error as the writer's fate, removes the temporary file, returns FALSE. */
static gboolean
writer_fail (ElAudioWriter *self, GError *error, GError **out)
{
  writer_discard (self);
  if (self->error == NULL)
    self->error = error;
  else
    g_error_free (error);
  g_propagate_error (out, g_error_copy (self->error));
  return FALSE;
}

static gboolean
write_all (int fd, const guint8 *data, gsize len, GError **error)
{
  while (len > 0)
    {
      gssize n = write (fd, data, len);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return set_io_error (error, errno, "cannot write the audio file");
        }
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

static gboolean
seal_chunk (ElAudioWriter *self, gboolean final, GError **error)
{
  g_autofree char *ad =
      el_audio_chunk_ad (EL_AUDIO_STORE_CHUNK_BYTES, self->recording_id, self->chunk_index, final);
  g_autoptr (GBytes) sealed = NULL;
  guint8 frame_header[EL_AUDIO_FRAME_HEADER_BYTES];
  gsize len;

  sealed = el_vault_seal (self->store->vault, self->buffer, self->buffered, ad, error);
  OPENSSL_cleanse (self->buffer, self->buffered);
  self->buffered = 0;
  if (sealed == NULL)
    return FALSE;
  len = g_bytes_get_size (sealed);
  write_be32 (frame_header, (guint32) len);
  if (!write_all (self->fd, frame_header, sizeof frame_header, error) ||
      !write_all (self->fd, g_bytes_get_data (sealed, NULL), len, error))
    return FALSE;
  self->chunk_index++;
  return TRUE;
}

/**
 * el_audio_store_begin:
 * @self: a store
 * @recording_id: the recording's canonical UUID (bound into every chunk)
 * @content_type: the request's Content-Type (el_audio_content_type_parse())
 * @expected_sha256: the digest from Content-Digest (el_content_digest_parse_sha256())
 * @max_bytes: the largest body accepted (%EL_AUDIO_MAX_BYTES)
 * @max_duration_ms: the longest audio accepted (%EL_AUDIO_MAX_DURATION_MS)
 * @error: %EL_AUDIO_ERROR_INVALID_ARGUMENT, %EL_AUDIO_ERROR_UNSUPPORTED_TYPE, %EL_AUDIO_ERROR_IO
 *
 * Creates the recording's directory and a temporary file in it, and writes the file header.
 *
 * Returns: (transfer full) (nullable): a writer; free it with el_audio_writer_free() (which
 *   aborts it unless it finished)
 */
ElAudioWriter *
el_audio_store_begin (ElAudioStore *self,
                      const char *recording_id,
                      const char *content_type,
                      const guint8 expected_sha256[EL_SHA256_BYTES],
                      gint64 max_bytes,
                      gint64 max_duration_ms,
                      GError **error)
{
  g_autoptr (ElAudioWriter) writer = NULL;
  g_autofree char *temp_name = NULL;
  guint8 header[EL_AUDIO_FILE_HEADER_BYTES];
  ElAudioContainer container;

  g_return_val_if_fail (EL_IS_AUDIO_STORE (self), NULL);
  g_return_val_if_fail (expected_sha256 != NULL, NULL);
  g_return_val_if_fail (max_bytes >= 0 && max_duration_ms >= 0, NULL);

  if (!check_recording_id (recording_id, error) ||
      !el_audio_content_type_parse (content_type, &container, error))
    return NULL;

  writer = g_new0 (ElAudioWriter, 1);
  writer->fd = -1;
  writer->store = g_object_ref (self);
  writer->recording_id = g_strdup (recording_id);
  writer->storage_path = el_audio_store_path_for (recording_id);
  writer->final_path = g_build_filename (self->dir, writer->storage_path, NULL);
  writer->dir_path = g_path_get_dirname (writer->final_path);
  memcpy (writer->expected, expected_sha256, EL_SHA256_BYTES);
  writer->max_bytes = max_bytes;
  writer->container = container;
  writer->probe = el_audio_probe_new (container, max_duration_ms);
  writer->buffer = g_malloc (EL_AUDIO_STORE_CHUNK_BYTES);

  writer->sha256 = EVP_MD_CTX_new ();
  if (writer->sha256 == NULL || EVP_DigestInit_ex (writer->sha256, EVP_sha256 (), NULL) != 1)
    {
      g_set_error_literal (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_FAILED, "SHA-256 is not available");
      return NULL;
    }

  if (g_mkdir_with_parents (writer->dir_path, 0700) != 0)
    {
      set_io_error (error, errno, "cannot create the recording's directory");
      return NULL;
    }
  temp_name = g_strdup_printf (".%s.XXXXXX" TEMP_SUFFIX, recording_id);
  writer->temp_path = g_build_filename (writer->dir_path, temp_name, NULL);
  writer->fd = g_mkstemp_full (writer->temp_path, O_RDWR | O_CLOEXEC, 0600);
  if (writer->fd < 0)
    {
      set_io_error (error, errno, "cannot create the audio file");
      g_clear_pointer (&writer->temp_path, g_free);
      return NULL;
    }

  el_audio_file_header_write (header, EL_AUDIO_STORE_CHUNK_BYTES);
  if (!write_all (writer->fd, header, sizeof header, error))
    return NULL; /* the autoptr aborts: the temporary file goes */
  return g_steal_pointer (&writer);
}

/**
 * el_audio_writer_write:
 * @writer: a writer
 * @data: (array length=len): the next bytes of the body
 * @len: how many
 * @error: %EL_AUDIO_ERROR_TOO_LARGE, the probe's errors (%EL_AUDIO_ERROR_TOO_LONG, ...),
 *   %EL_AUDIO_ERROR_IO; after any, the writer has removed its file
 *
 * Checks the bytes (size, probe), hashes them, and seals every full chunk to the file.
 */
gboolean
el_audio_writer_write (ElAudioWriter *writer, const void *data, gsize len, GError **error)
{
  GError *local_error = NULL;
  const guint8 *p = data;

  g_return_val_if_fail (writer != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (!writer->finished, FALSE);

  if (writer->error != NULL)
    {
      g_propagate_error (error, g_error_copy (writer->error));
      return FALSE;
    }
  if (len > (guint64) writer->max_bytes - writer->received)
    return writer_fail (writer,
                        g_error_new (EL_AUDIO_ERROR, EL_AUDIO_ERROR_TOO_LARGE,
                                     "the audio is larger than %" G_GINT64_FORMAT " bytes",
                                     writer->max_bytes),
                        error);
  if (!el_audio_probe_feed (writer->probe, data, len, &local_error))
    return writer_fail (writer, local_error, error);
  if (EVP_DigestUpdate (writer->sha256, data, len) != 1)
    return writer_fail (writer, g_error_new_literal (EL_AUDIO_ERROR, EL_AUDIO_ERROR_FAILED, "SHA-256 failed"),
                        error);
  writer->received += len;

  while (len > 0)
    {
      gsize n;

      /* A full buffer is sealed only once more bytes arrive: until then it may be the last chunk. */
      if (writer->buffered == EL_AUDIO_STORE_CHUNK_BYTES && !seal_chunk (writer, FALSE, &local_error))
        return writer_fail (writer, local_error, error);
      n = MIN (len, EL_AUDIO_STORE_CHUNK_BYTES - writer->buffered);
      memcpy (writer->buffer + writer->buffered, p, n);
      writer->buffered += n;
      p += n;
      len -= n;
    }
  return TRUE;
}

static void
hex_encode (const guint8 *bytes, gsize len, char *out)
{
  static const char digits[] = "0123456789abcdef";

  for (gsize i = 0; i < len; i++)
    {
      out[2 * i] = digits[bytes[i] >> 4];
      out[2 * i + 1] = digits[bytes[i] & 0xf];
    }
  out[2 * len] = '\0';
}

/* Gives the temporary file the final name, unless that name exists. */
static gboolean
publish (ElAudioWriter *writer, GError **error)
{
  if (link (writer->temp_path, writer->final_path) == 0)
    {
      g_unlink (writer->temp_path);
    }
  else if (errno == EEXIST)
    {
      g_set_error_literal (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_EXISTS,
                           "an audio file is already stored for this recording");
      return FALSE;
    }
  else if (errno == EPERM || errno == EOPNOTSUPP || errno == EMLINK)
    {
      /* A file system without hard links: check, then rename (a race only between two uploads of
       * one recording id at the same instant). */
      if (g_file_test (writer->final_path, G_FILE_TEST_EXISTS))
        {
          g_set_error_literal (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_EXISTS,
                               "an audio file is already stored for this recording");
          return FALSE;
        }
      if (g_rename (writer->temp_path, writer->final_path) != 0)
        return set_io_error (error, errno, "cannot rename the audio file");
    }
  else
    return set_io_error (error, errno, "cannot link the audio file");
  g_clear_pointer (&writer->temp_path, g_free);
  return TRUE;
}

/**
 * el_audio_writer_finish:
 * @writer: a writer
 * @info: (out caller-allocates): what was stored; clear it with el_audio_info_clear()
 * @error: %EL_AUDIO_ERROR_DIGEST_MISMATCH, the probe's errors (%EL_AUDIO_ERROR_MALFORMED for a
 *   truncated file, ...), %EL_AUDIO_ERROR_EXISTS, %EL_AUDIO_ERROR_IO
 *
 * Ends the upload: checks the digest and that the audio is complete, seals the final chunk,
 * fsyncs the file, gives it its final name (atomically) and fsyncs the directory. On failure
 * nothing of the upload stays on disk.
 */
gboolean
el_audio_writer_finish (ElAudioWriter *writer, ElAudioInfo *info, GError **error)
{
  GError *local_error = NULL;
  guint8 digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;

  g_return_val_if_fail (writer != NULL, FALSE);
  g_return_val_if_fail (info != NULL, FALSE);
  g_return_val_if_fail (!writer->finished, FALSE);

  if (writer->error != NULL)
    {
      g_propagate_error (error, g_error_copy (writer->error));
      return FALSE;
    }
  if (EVP_DigestFinal_ex (writer->sha256, digest, &digest_len) != 1 || digest_len != EL_SHA256_BYTES)
    return writer_fail (writer, g_error_new_literal (EL_AUDIO_ERROR, EL_AUDIO_ERROR_FAILED, "SHA-256 failed"),
                        error);
  if (CRYPTO_memcmp (digest, writer->expected, EL_SHA256_BYTES) != 0)
    return writer_fail (writer,
                        g_error_new_literal (EL_AUDIO_ERROR, EL_AUDIO_ERROR_DIGEST_MISMATCH,
                                             "the body does not match its Content-Digest"),
                        error);
  if (!el_audio_probe_finish (writer->probe, &local_error))
    return writer_fail (writer, local_error, error);
  if (!seal_chunk (writer, TRUE, &local_error))
    return writer_fail (writer, local_error, error);
  if (fsync (writer->fd) != 0)
    {
      set_io_error (&local_error, errno, "cannot sync the audio file");
      return writer_fail (writer, local_error, error);
    }
  if (close (writer->fd) != 0)
    {
      writer->fd = -1;
      set_io_error (&local_error, errno, "cannot close the audio file");
      return writer_fail (writer, local_error, error);
    }
  writer->fd = -1;
  if (!publish (writer, &local_error))
    return writer_fail (writer, local_error, error);
  /* The directory entry, and the recording's directory itself in recordings/ (it may be new). */
  {
    g_autofree char *parent = g_path_get_dirname (writer->dir_path);

    if (!fsync_dir (writer->dir_path, &local_error) || !fsync_dir (parent, &local_error))
      {
        g_unlink (writer->final_path);
        return writer_fail (writer, local_error, error);
      }
  }

  writer->finished = TRUE;
  memset (info, 0, sizeof *info);
  info->storage_path = g_strdup (writer->storage_path);
  info->size_bytes = (gint64) writer->received;
  info->duration_ms = el_audio_probe_get_duration_ms (writer->probe);
  hex_encode (digest, EL_SHA256_BYTES, info->sha256);
  info->container = writer->container;
  info->mime_type = el_audio_container_to_mime_type (writer->container);
  return TRUE;
}

/**
 * el_audio_writer_abort:
 * @writer: a writer
 *
 * Gives the upload up: closes and removes the temporary file. Idempotent; does nothing to a
 * finished writer.
 */
void
el_audio_writer_abort (ElAudioWriter *writer)
{
  g_return_if_fail (writer != NULL);

  if (writer->finished)
    return;
  writer_discard (writer);
  if (writer->error == NULL)
    writer->error = g_error_new_literal (EL_AUDIO_ERROR, EL_AUDIO_ERROR_IO, "the upload was aborted");
}

void
el_audio_writer_free (ElAudioWriter *writer)
{
  if (writer == NULL)
    return;
  el_audio_writer_abort (writer);
  g_clear_object (&writer->store);
  g_free (writer->recording_id);
  g_free (writer->storage_path);
  g_free (writer->final_path);
  g_free (writer->temp_path);
  g_free (writer->dir_path);
  el_audio_probe_free (writer->probe);
  if (writer->sha256 != NULL)
    EVP_MD_CTX_free (writer->sha256);
  if (writer->buffer != NULL)
    {
      OPENSSL_cleanse (writer->buffer, EL_AUDIO_STORE_CHUNK_BYTES);
      g_free (writer->buffer);
    }
  g_clear_error (&writer->error);
  g_free (writer);
}

guint64
el_audio_writer_get_bytes_received (ElAudioWriter *writer)
{
  g_return_val_if_fail (writer != NULL, 0);
  return writer->received;
}

gint64
el_audio_writer_get_duration_ms (ElAudioWriter *writer)
{
  g_return_val_if_fail (writer != NULL, 0);
  return el_audio_probe_get_duration_ms (writer->probe);
}

/* Reading and housekeeping ---------------------------------------------------------------------- */

/**
 * el_audio_store_open_read:
 * @self: a store
 * @storage_path: the recordings.storage_path column
 * @recording_id: the recording's id (its chunks must have been sealed for it)
 * @error: %EL_AUDIO_ERROR_INVALID_ARGUMENT, %EL_AUDIO_ERROR_NOT_FOUND, %EL_AUDIO_ERROR_CORRUPT,
 *   %EL_AUDIO_ERROR_TRUNCATED, %EL_AUDIO_ERROR_IO
 *
 * Returns: (transfer full) (nullable): a stream of the plaintext audio (see el-audio-store.h for
 *   its errors)
 */
GInputStream *
el_audio_store_open_read (ElAudioStore *self,
                          const char *storage_path,
                          const char *recording_id,
                          GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GFileInputStream) base = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (EL_IS_AUDIO_STORE (self), NULL);

  if (!check_recording_id (recording_id, error))
    return NULL;
  path = resolve (self, storage_path, error);
  if (path == NULL)
    return NULL;
  file = g_file_new_for_path (path);
  base = g_file_read (file, NULL, &local_error);
  if (base == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_set_error_literal (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_NOT_FOUND, "the audio file is missing");
      else
        g_set_error (error, EL_AUDIO_ERROR, EL_AUDIO_ERROR_IO, "cannot open the audio file: %s",
                     local_error->message);
      return NULL;
    }
  return el_audio_read_stream_new (G_INPUT_STREAM (base), self->vault, recording_id, NULL, error);
}

/**
 * el_audio_store_exists:
 * @self: a store
 * @storage_path: a storage path
 *
 * Returns: %TRUE when a file is stored there
 */
gboolean
el_audio_store_exists (ElAudioStore *self, const char *storage_path)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (EL_IS_AUDIO_STORE (self), FALSE);

  path = resolve (self, storage_path, NULL);
  return path != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

/**
 * el_audio_store_delete:
 * @self: a store
 * @storage_path: a storage path
 * @error: %EL_AUDIO_ERROR_INVALID_ARGUMENT, %EL_AUDIO_ERROR_IO
 *
 * Removes a stored file (a missing one is not an error).
 */
gboolean
el_audio_store_delete (ElAudioStore *self, const char *storage_path, GError **error)
{
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (EL_IS_AUDIO_STORE (self), FALSE);

  path = resolve (self, storage_path, error);
  if (path == NULL)
    return FALSE;
  if (g_unlink (path) != 0)
    {
      if (errno == ENOENT)
        return TRUE;
      return set_io_error (error, errno, "cannot remove the audio file");
    }
  dir = g_path_get_dirname (path);
  return fsync_dir (dir, error);
}

/**
 * el_audio_store_remove_stale_temp_files:
 * @self: a store
 * @older_than_seconds: leave younger files alone (another process may be writing them)
 *
 * Removes the temporary files of uploads that a crash interrupted (encrypted, but useless). Call
 * it at startup, e.g. with 3600.
 *
 * Returns: how many files were removed
 */
guint
el_audio_store_remove_stale_temp_files (ElAudioStore *self, gint64 older_than_seconds)
{
  g_autofree char *recordings = NULL;
  g_autoptr (GDir) top = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;
  guint removed = 0;

  g_return_val_if_fail (EL_IS_AUDIO_STORE (self), 0);

  recordings = g_build_filename (self->dir, EL_AUDIO_STORE_SUBDIR, NULL);
  top = g_dir_open (recordings, 0, NULL);
  while (top != NULL && (name = g_dir_read_name (top)) != NULL)
    {
      g_autofree char *sub = g_build_filename (recordings, name, NULL);
      g_autoptr (GDir) dir = g_dir_open (sub, 0, NULL);
      const char *file;

      while (dir != NULL && (file = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = NULL;
          GStatBuf st;

          if (file[0] != '.' || !g_str_has_suffix (file, TEMP_SUFFIX))
            continue;
          path = g_build_filename (sub, file, NULL);
          if (g_lstat (path, &st) == 0 && S_ISREG (st.st_mode) &&
              now - (gint64) st.st_mtime >= older_than_seconds && g_unlink (path) == 0)
            removed++;
        }
    }
  return removed;
}

/**
 * el_audio_info_clear:
 * @info: an info filled by el_audio_writer_finish()
 */
void
el_audio_info_clear (ElAudioInfo *info)
{
  g_clear_pointer (&info->storage_path, g_free);
}
