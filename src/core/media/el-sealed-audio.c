/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sealed recordings on the PC: writer, reader, plaintext stream (el-sealed-audio.h, FORMAT.md). */
#include "config.h"

#include "el-sealed-audio.h"

#include "el-model-types.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <openssl/crypto.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

G_DEFINE_QUARK (el - sealed - audio - error - quark, el_sealed_audio_error)

#define FRAME_LEN_BYTES 8 /* L, then L xor 0xffffffff */
#define MIN_SEALED      (EL_VAULT_OVERHEAD + EL_SEALED_AUDIO_MEDIA_BYTES)

static gboolean
set_error (GError **error, ElSealedAudioError code, const char *message)
{
  g_set_error_literal (error, EL_SEALED_AUDIO_ERROR, code, message);
  return FALSE;
}

static gboolean
set_io_error (GError **error, int saved_errno, const char *what)
{
  g_set_error (error, EL_SEALED_AUDIO_ERROR, EL_SEALED_AUDIO_ERROR_IO, "%s: %s", what,
               g_strerror (saved_errno));
  return FALSE;
}

static void
write_be32 (guint8 *p, guint32 v)
{
  p[0] = (guint8) (v >> 24);
  p[1] = (guint8) (v >> 16);
  p[2] = (guint8) (v >> 8);
  p[3] = (guint8) v;
}

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | (guint32) p[3];
}

static void
write_be64 (guint8 *p, guint64 v)
{
  write_be32 (p, (guint32) (v >> 32));
  write_be32 (p + 4, (guint32) v);
}

static guint64
read_be64 (const guint8 *p)
{
  return ((guint64) read_be32 (p) << 32) | read_be32 (p + 4);
}

static char *
chunk_ad (guint32 max_payload, const char *recording_id, guint64 index, gboolean final)
{
  return g_strdup_printf ("eclipselink-recording|%d|%u|%s|%" G_GUINT64_FORMAT "|%d", EL_SEALED_AUDIO_VERSION,
                          max_payload, recording_id, index, final ? 1 : 0);
}

static gboolean
check_recording_id (const char *recording_id, GError **error)
{
  if (recording_id == NULL || !el_uuid_is_valid (recording_id))
    return set_error (error, EL_SEALED_AUDIO_ERROR_INVALID_ARGUMENT,
                      "a recording id is a canonical lowercase UUID");
  return TRUE;
}

/**
 * el_sealed_audio_path_for:
 * @directory: the recorder's directory
 * @recording_id: a canonical recording UUID
 *
 * Returns: (transfer full) (nullable): "<directory>/<recording_id>.elrec", or %NULL when
 *   @recording_id is not a canonical UUID
 */
char *
el_sealed_audio_path_for (const char *directory, const char *recording_id)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (directory != NULL, NULL);
  if (recording_id == NULL || !el_uuid_is_valid (recording_id))
    return NULL;
  name = g_strconcat (recording_id, EL_SEALED_AUDIO_SUFFIX, NULL);
  return g_build_filename (directory, name, NULL);
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
          return set_io_error (error, errno, "cannot write the recording");
        }
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

static gboolean
fsync_dir (const char *path, GError **error)
{
  int fd = g_open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  int saved_errno;

  if (fd < 0)
    return set_io_error (error, errno, "cannot open the recordings directory");
  if (fsync (fd) != 0)
    {
      saved_errno = errno;
      close (fd);
      return set_io_error (error, saved_errno, "cannot sync the recordings directory");
    }
  close (fd);
  return TRUE;
}

/* Writer ------------------------------------------------------------------------------------- */

struct _ElSealedAudioWriter
{
  GObject parent_instance;

  ElVault *vault;
  char *recording_id;
  char *path;
  int fd;
  guint chunk_ms;
  guint8 *buffer;         /* EL_SEALED_AUDIO_MEDIA_BYTES + P: media end, then the payload collected */
  gsize buffered;         /* payload bytes in buffer */
  guint64 media_start_ms; /* media end of the last sealed chunk */
  guint64 media_end_ms;   /* of the bytes collected */
  guint n_chunks;
  guint64 sealed_bytes;
  GError *error; /* sticky */
  gboolean closed;
  gboolean dir_synced; /* the file's directory entry is durable */
};

G_DEFINE_FINAL_TYPE (ElSealedAudioWriter, el_sealed_audio_writer, G_TYPE_OBJECT)

static void
writer_close_fd (ElSealedAudioWriter *self)
{
  if (self->fd >= 0)
    {
      close (self->fd);
      self->fd = -1;
    }
}

static void
writer_wipe (ElSealedAudioWriter *self)
{
  if (self->buffer != NULL)
    OPENSSL_cleanse (self->buffer, EL_SEALED_AUDIO_MEDIA_BYTES + EL_SEALED_AUDIO_MAX_PAYLOAD);
  self->buffered = 0;
}

static void
el_sealed_audio_writer_finalize (GObject *object)
{
  ElSealedAudioWriter *self = EL_SEALED_AUDIO_WRITER (object);

  /* A writer dropped without finish or discard leaves an interrupted file, like a crash would. */
  writer_wipe (self);
  writer_close_fd (self);
  g_free (self->buffer);
  g_clear_object (&self->vault);
  g_free (self->recording_id);
  g_free (self->path);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (el_sealed_audio_writer_parent_class)->finalize (object);
}

static void
el_sealed_audio_writer_class_init (ElSealedAudioWriterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = el_sealed_audio_writer_finalize;
}

static void
el_sealed_audio_writer_init (ElSealedAudioWriter *self)
{
  self->fd = -1;
  self->chunk_ms = EL_SEALED_AUDIO_DEFAULT_CHUNK_MS;
}

/**
 * el_sealed_audio_writer_new:
 * @vault: the account's audio vault
 * @directory: where recordings go (created with mode 0700 when missing)
 * @recording_id: the recording's canonical lowercase UUID
 * @error: %EL_SEALED_AUDIO_ERROR_INVALID_ARGUMENT or %EL_SEALED_AUDIO_ERROR_IO (also when the
 *   file exists already)
 *
 * Creates the recording's file (O_EXCL) and writes its header; the first sealed chunk syncs both
 * the file and its directory. Only open() and a 16-byte write(): cheap enough for a main loop.
 *
 * Returns: (transfer full) (nullable): the writer
 */
ElSealedAudioWriter *
el_sealed_audio_writer_new (ElVault *vault, const char *directory, const char *recording_id, GError **error)
{
  g_autoptr (ElSealedAudioWriter) self = NULL;
  guint8 header[EL_SEALED_AUDIO_HEADER_BYTES];

  g_return_val_if_fail (EL_IS_VAULT (vault), NULL);
  g_return_val_if_fail (directory != NULL && *directory != '\0', NULL);

  if (!check_recording_id (recording_id, error))
    return NULL;
  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      set_io_error (error, errno, "cannot create the recordings directory");
      return NULL;
    }

  self = g_object_new (EL_TYPE_SEALED_AUDIO_WRITER, NULL);
  self->vault = g_object_ref (vault);
  self->recording_id = g_strdup (recording_id);
  self->path = el_sealed_audio_path_for (directory, recording_id);
  self->buffer = g_malloc (EL_SEALED_AUDIO_MEDIA_BYTES + EL_SEALED_AUDIO_MAX_PAYLOAD);
  self->fd = g_open (self->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (self->fd < 0)
    {
      set_io_error (error, errno, "cannot create the recording");
      return NULL;
    }

  memcpy (header, EL_SEALED_AUDIO_MAGIC, 8);
  header[8] = EL_SEALED_AUDIO_VERSION;
  header[9] = header[10] = header[11] = 0;
  write_be32 (header + 12, EL_SEALED_AUDIO_MAX_PAYLOAD);
  if (!write_all (self->fd, header, sizeof header, error))
    {
      writer_close_fd (self);
      g_unlink (self->path);
      return NULL;
    }
  /* No sync here (the caller may be on a main loop): the first chunk's fdatasync() makes the header
   * durable, and the directory is synced with it. A crash before that loses no audio. */
  self->dir_synced = FALSE;
  return g_steal_pointer (&self);
}

void
el_sealed_audio_writer_set_chunk_ms (ElSealedAudioWriter *self, guint chunk_ms)
{
  g_return_if_fail (EL_IS_SEALED_AUDIO_WRITER (self));
  self->chunk_ms = MAX (chunk_ms, 1);
}

static gboolean
writer_check (ElSealedAudioWriter *self, GError **error)
{
  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }
  if (self->closed)
    return set_error (error, EL_SEALED_AUDIO_ERROR_INVALID_ARGUMENT, "the recording is finished");
  return TRUE;
}

static gboolean
writer_fail (ElSealedAudioWriter *self, GError *local_error, GError **error)
{
  if (self->error == NULL)
    self->error = g_error_copy (local_error);
  g_propagate_error (error, local_error);
  writer_wipe (self);
  return FALSE;
}

/* Seals buffer[0 .. 8 + buffered) as the next chunk, appends it with one write and syncs. */
static gboolean
seal_chunk (ElSealedAudioWriter *self, gboolean final, GError **error)
{
  g_autofree char *ad = chunk_ad (EL_SEALED_AUDIO_MAX_PAYLOAD, self->recording_id, self->n_chunks, final);
  g_autoptr (GBytes) sealed = NULL;
  g_autofree guint8 *frame = NULL;
  GError *local_error = NULL;
  gsize len;

  write_be64 (self->buffer, self->media_end_ms);
  sealed = el_vault_seal (self->vault, self->buffer, EL_SEALED_AUDIO_MEDIA_BYTES + self->buffered, ad,
                          &local_error);
  OPENSSL_cleanse (self->buffer, EL_SEALED_AUDIO_MEDIA_BYTES + self->buffered);
  if (sealed == NULL)
    {
      g_clear_error (&local_error);
      return writer_fail (self,
                          g_error_new_literal (EL_SEALED_AUDIO_ERROR, EL_SEALED_AUDIO_ERROR_FAILED,
                                               "could not seal a recording chunk"),
                          error);
    }
  len = g_bytes_get_size (sealed);
  frame = g_malloc (FRAME_LEN_BYTES + len);
  write_be32 (frame, (guint32) len);
  write_be32 (frame + 4, ~(guint32) len);
  memcpy (frame + FRAME_LEN_BYTES, g_bytes_get_data (sealed, NULL), len);
  if (!write_all (self->fd, frame, FRAME_LEN_BYTES + len, &local_error))
    return writer_fail (self, local_error, error);
  if (fdatasync (self->fd) != 0)
    {
      set_io_error (&local_error, errno, "cannot sync the recording");
      return writer_fail (self, local_error, error);
    }
  if (!self->dir_synced)
    {
      g_autofree char *dir = g_path_get_dirname (self->path);

      if (!fsync_dir (dir, &local_error))
        return writer_fail (self, local_error, error);
      self->dir_synced = TRUE;
    }
  self->sealed_bytes += self->buffered;
  self->buffered = 0;
  self->media_start_ms = self->media_end_ms;
  self->n_chunks++;
  return TRUE;
}

/**
 * el_sealed_audio_writer_append:
 * @self: a writer
 * @data: (array length=len): bytes of the Ogg stream (whole pages)
 * @len: their length
 * @media_end_ms: the audio position at the end of @data
 * @error: %EL_SEALED_AUDIO_ERROR_IO, %EL_SEALED_AUDIO_ERROR_FAILED,
 *   %EL_SEALED_AUDIO_ERROR_INVALID_ARGUMENT (finished, or @media_end_ms went back)
 *
 * Collects @data; seals a chunk once the collected bytes span chunk-ms or would exceed P bytes.
 * Once a writer failed, every call fails with the same error.
 */
gboolean
el_sealed_audio_writer_append (
    ElSealedAudioWriter *self, const void *data, gsize len, guint64 media_end_ms, GError **error)
{
  const guint8 *p = data;

  g_return_val_if_fail (EL_IS_SEALED_AUDIO_WRITER (self), FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (!writer_check (self, error))
    return FALSE;
  if (media_end_ms < self->media_end_ms)
    return set_error (error, EL_SEALED_AUDIO_ERROR_INVALID_ARGUMENT, "the media position went back");

  while (len > 0)
    {
      gsize room = EL_SEALED_AUDIO_MAX_PAYLOAD - self->buffered;
      gsize n;

      /* Keep appended blocks whole when they fit in a chunk of their own: seal first. */
      if (room < len && self->buffered > 0 && len <= EL_SEALED_AUDIO_MAX_PAYLOAD)
        {
          if (!seal_chunk (self, FALSE, error))
            return FALSE;
          continue;
        }
      n = MIN (room, len);
      memcpy (self->buffer + EL_SEALED_AUDIO_MEDIA_BYTES + self->buffered, p, n);
      self->buffered += n;
      p += n;
      len -= n;
      if (len > 0 && !seal_chunk (self, FALSE, error))
        return FALSE;
    }
  self->media_end_ms = media_end_ms;
  if (self->buffered > 0 && (self->media_end_ms - self->media_start_ms >= self->chunk_ms ||
                             self->buffered == EL_SEALED_AUDIO_MAX_PAYLOAD))
    return seal_chunk (self, FALSE, error);
  return TRUE;
}

/**
 * el_sealed_audio_writer_flush:
 * @self: a writer
 * @error: as el_sealed_audio_writer_append()
 *
 * Seals the collected bytes, if any, as a (non-final) chunk.
 */
gboolean
el_sealed_audio_writer_flush (ElSealedAudioWriter *self, GError **error)
{
  g_return_val_if_fail (EL_IS_SEALED_AUDIO_WRITER (self), FALSE);

  if (!writer_check (self, error))
    return FALSE;
  if (self->buffered == 0)
    return TRUE;
  return seal_chunk (self, FALSE, error);
}

/**
 * el_sealed_audio_writer_finish:
 * @self: a writer
 * @error: as el_sealed_audio_writer_append()
 *
 * Seals the collected bytes (possibly none) as the final chunk, syncs and closes the file.
 */
gboolean
el_sealed_audio_writer_finish (ElSealedAudioWriter *self, GError **error)
{
  g_return_val_if_fail (EL_IS_SEALED_AUDIO_WRITER (self), FALSE);

  if (!writer_check (self, error))
    return FALSE;
  if (!seal_chunk (self, TRUE, error))
    return FALSE;
  self->closed = TRUE;
  if (close (self->fd) != 0)
    {
      self->fd = -1;
      return set_io_error (error, errno, "cannot close the recording");
    }
  self->fd = -1;
  return TRUE;
}

/**
 * el_sealed_audio_writer_discard:
 * @self: a writer
 *
 * Wipes what was collected, closes and deletes the file. The writer is finished afterwards.
 */
void
el_sealed_audio_writer_discard (ElSealedAudioWriter *self)
{
  g_autofree char *dir = NULL;

  g_return_if_fail (EL_IS_SEALED_AUDIO_WRITER (self));

  writer_wipe (self);
  writer_close_fd (self);
  self->closed = TRUE;
  if (self->path == NULL)
    return;
  if (g_unlink (self->path) != 0 && errno != ENOENT)
    g_message ("could not remove a discarded recording: %s", g_strerror (errno));
  dir = g_path_get_dirname (self->path);
  fsync_dir (dir, NULL);
}

const char *
el_sealed_audio_writer_get_path (ElSealedAudioWriter *self)
{
  g_return_val_if_fail (EL_IS_SEALED_AUDIO_WRITER (self), NULL);
  return self->path;
}

const char *
el_sealed_audio_writer_get_recording_id (ElSealedAudioWriter *self)
{
  g_return_val_if_fail (EL_IS_SEALED_AUDIO_WRITER (self), NULL);
  return self->recording_id;
}

guint
el_sealed_audio_writer_get_n_chunks (ElSealedAudioWriter *self)
{
  g_return_val_if_fail (EL_IS_SEALED_AUDIO_WRITER (self), 0);
  return self->n_chunks;
}

guint64
el_sealed_audio_writer_get_sealed_ms (ElSealedAudioWriter *self)
{
  g_return_val_if_fail (EL_IS_SEALED_AUDIO_WRITER (self), 0);
  return self->media_start_ms;
}

guint64
el_sealed_audio_writer_get_sealed_bytes (ElSealedAudioWriter *self)
{
  g_return_val_if_fail (EL_IS_SEALED_AUDIO_WRITER (self), 0);
  return self->sealed_bytes;
}

/* Source: the sealed bytes, from a file descriptor or from memory ---------------------------- */

typedef struct
{
  int fd;       /* or -1 */
  GBytes *data; /* when fd is -1 */
  guint64 size;
} Source;

static void
source_clear (Source *s)
{
  if (s->fd >= 0)
    close (s->fd);
  s->fd = -1;
  g_clear_pointer (&s->data, g_bytes_unref);
}

/* Reads up to @len bytes at @offset; returns how many (fewer only at the end), or -1. */
static gssize
source_read_at (Source *s, guint64 offset, void *buffer, gsize len, GError **error)
{
  gsize done = 0;

  if (s->fd < 0)
    {
      gsize size = 0;
      const guint8 *data = g_bytes_get_data (s->data, &size);

      if (offset >= size)
        return 0;
      done = MIN (len, size - offset);
      memcpy (buffer, data + offset, done);
      return (gssize) done;
    }
  while (done < len)
    {
      gssize n = pread (s->fd, (guint8 *) buffer + done, len - done, (off_t) (offset + done));

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          set_io_error (error, errno, "cannot read the recording");
          return -1;
        }
      if (n == 0)
        break;
      done += (gsize) n;
    }
  return (gssize) done;
}

/* Reader ------------------------------------------------------------------------------------- */

typedef struct
{
  guint64 file_offset;    /* of the sealed value (after its length) */
  guint32 sealed_len;     /* L */
  guint32 payload_len;    /* N */
  guint64 payload_offset; /* in the plaintext stream */
  guint64 media_end_ms;
  gboolean final;
} ChunkInfo;

struct _ElSealedAudio
{
  GObject parent_instance;

  ElVault *vault;
  char *recording_id;
  char *path;    /* or NULL */
  GBytes *bytes; /* when opened from memory */
  guint32 max_payload;
  GArray *chunks; /* ChunkInfo */
  guint64 size;
  gboolean complete;
  gboolean partial_tail;
};

G_DEFINE_FINAL_TYPE (ElSealedAudio, el_sealed_audio, G_TYPE_OBJECT)

static void
el_sealed_audio_finalize (GObject *object)
{
  ElSealedAudio *self = EL_SEALED_AUDIO (object);

  g_clear_object (&self->vault);
  g_free (self->recording_id);
  g_free (self->path);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_pointer (&self->chunks, g_array_unref);

  G_OBJECT_CLASS (el_sealed_audio_parent_class)->finalize (object);
}

static void
el_sealed_audio_class_init (ElSealedAudioClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = el_sealed_audio_finalize;
}

static void
el_sealed_audio_init (ElSealedAudio *self)
{
  self->chunks = g_array_new (FALSE, TRUE, sizeof (ChunkInfo));
}

/* Opens one sealed chunk with the final flag it must have; the plaintext (8 + N bytes) or NULL. */
static GBytes *
open_chunk (ElVault *vault,
            guint32 max_payload,
            const char *recording_id,
            guint64 index,
            const guint8 *sealed,
            gsize len,
            gboolean final,
            GError **error)
{
  g_autofree char *ad = chunk_ad (max_payload, recording_id, index, final);

  return el_vault_open (vault, sealed, len, ad, error);
}

static void
wipe_bytes (GBytes *plain)
{
  gsize len = 0;
  gconstpointer data = g_bytes_get_data (plain, &len);

  if (data != NULL)
    OPENSSL_cleanse ((gpointer) data, len);
}

static gboolean
vault_error_to_sealed (GError *vault_error, GError **error)
{
  if (g_error_matches (vault_error, EL_VAULT_ERROR, EL_VAULT_ERROR_FAILED))
    return set_error (error, EL_SEALED_AUDIO_ERROR_FAILED, "could not decrypt a recording chunk");
  if (g_error_matches (vault_error, EL_VAULT_ERROR, EL_VAULT_ERROR_BAD_VERSION))
    return set_error (error, EL_SEALED_AUDIO_ERROR_CORRUPT, "a recording chunk is not a sealed value");
  return set_error (error, EL_SEALED_AUDIO_ERROR_TAMPERED,
                    "a recording chunk does not authenticate (modified, reordered, removed, from another "
                    "recording or another key)");
}

/* Walks the file: header, then every chunk, authenticating each (FORMAT.md, "Reading"). */
static gboolean
scan (ElSealedAudio *self, Source *src, GCancellable *cancellable, GError **error)
{
  guint8 header[EL_SEALED_AUDIO_HEADER_BYTES];
  g_autofree guint8 *sealed = NULL;
  guint64 offset = EL_SEALED_AUDIO_HEADER_BYTES;
  guint64 media = 0;
  gssize n;

  n = source_read_at (src, 0, header, sizeof header, error);
  if (n < 0)
    return FALSE;
  if ((gsize) n < sizeof header)
    {
      if (n >= 8 && memcmp (header, EL_SEALED_AUDIO_MAGIC, 8) != 0)
        return set_error (error, EL_SEALED_AUDIO_ERROR_CORRUPT, "not an .elrec file");
      return set_error (error, EL_SEALED_AUDIO_ERROR_TRUNCATED, "the recording ends inside its header");
    }
  if (memcmp (header, EL_SEALED_AUDIO_MAGIC, 8) != 0)
    return set_error (error, EL_SEALED_AUDIO_ERROR_CORRUPT, "not an .elrec file");
  self->max_payload = read_be32 (header + 12);
  if (header[8] != EL_SEALED_AUDIO_VERSION || header[9] != 0 || header[10] != 0 || header[11] != 0 ||
      self->max_payload == 0 || self->max_payload > EL_SEALED_AUDIO_READ_MAX_P)
    return set_error (error, EL_SEALED_AUDIO_ERROR_CORRUPT,
                      "an .elrec version or header this build does not read");

  sealed = g_malloc (self->max_payload + MIN_SEALED);
  for (;;)
    {
      g_autoptr (GBytes) plain = NULL;
      g_autoptr (GError) first_error = NULL;
      g_autoptr (GError) second_error = NULL;
      guint8 len_bytes[FRAME_LEN_BYTES];
      ChunkInfo info = { 0 };
      const guint8 *p;
      gsize plain_len;
      guint64 index = self->chunks->len;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      n = source_read_at (src, offset, len_bytes, sizeof len_bytes, error);
      if (n < 0)
        return FALSE;
      if (n == 0)
        return TRUE; /* ends after a non-final chunk (or the header): interrupted */
      if ((gsize) n < sizeof len_bytes)
        {
          self->partial_tail = TRUE;
          return TRUE;
        }
      info.sealed_len = read_be32 (len_bytes);
      if (read_be32 (len_bytes + 4) != ~info.sealed_len)
        return set_error (error, EL_SEALED_AUDIO_ERROR_TAMPERED,
                          "the length of a recording chunk was modified");
      if (info.sealed_len < MIN_SEALED || info.sealed_len > self->max_payload + MIN_SEALED)
        return set_error (error, EL_SEALED_AUDIO_ERROR_CORRUPT, "a recording chunk has an impossible length");
      info.file_offset = offset + FRAME_LEN_BYTES;
      n = source_read_at (src, info.file_offset, sealed, info.sealed_len, error);
      if (n < 0)
        return FALSE;
      if ((gsize) n < info.sealed_len)
        {
          self->partial_tail = TRUE; /* a torn last write */
          return TRUE;
        }

      plain = open_chunk (self->vault, self->max_payload, self->recording_id, index, sealed, info.sealed_len,
                          FALSE, &first_error);
      if (plain == NULL)
        {
          plain = open_chunk (self->vault, self->max_payload, self->recording_id, index, sealed,
                              info.sealed_len, TRUE, &second_error);
          if (plain == NULL)
            return vault_error_to_sealed (second_error, error);
          info.final = TRUE;
        }
      p = g_bytes_get_data (plain, &plain_len);
      info.media_end_ms = read_be64 (p);
      info.payload_len = (guint32) (plain_len - EL_SEALED_AUDIO_MEDIA_BYTES);
      info.payload_offset = self->size;
      wipe_bytes (plain);
      if (info.media_end_ms < media)
        return set_error (error, EL_SEALED_AUDIO_ERROR_CORRUPT,
                          "the media position of a recording goes back");
      media = info.media_end_ms;
      self->size += info.payload_len;
      g_array_append_val (self->chunks, info);
      offset = info.file_offset + info.sealed_len;

      if (info.final)
        {
          guint8 extra;

          n = source_read_at (src, offset, &extra, 1, error);
          if (n < 0)
            return FALSE;
          if (n > 0)
            return set_error (error, EL_SEALED_AUDIO_ERROR_TAMPERED,
                              "bytes follow the final chunk of a recording");
          self->complete = TRUE;
          return TRUE;
        }
    }
}

static ElSealedAudio *
reader_new (ElVault *vault, const char *recording_id)
{
  ElSealedAudio *self = g_object_new (EL_TYPE_SEALED_AUDIO, NULL);

  self->vault = g_object_ref (vault);
  self->recording_id = g_strdup (recording_id);
  return self;
}

/**
 * el_sealed_audio_open:
 * @vault: the account's audio vault
 * @path: an .elrec file
 * @recording_id: the recording the file must belong to
 * @cancellable: (nullable): checked between chunks
 * @error: %EL_SEALED_AUDIO_ERROR_TAMPERED, %EL_SEALED_AUDIO_ERROR_CORRUPT,
 *   %EL_SEALED_AUDIO_ERROR_TRUNCATED, %EL_SEALED_AUDIO_ERROR_IO,
 *   %EL_SEALED_AUDIO_ERROR_INVALID_ARGUMENT, %EL_SEALED_AUDIO_ERROR_FAILED or cancelled
 *
 * Reads and authenticates the whole file and indexes its chunks (blocking).
 *
 * Returns: (transfer full) (nullable): the recording
 */
ElSealedAudio *
el_sealed_audio_open (
    ElVault *vault, const char *path, const char *recording_id, GCancellable *cancellable, GError **error)
{
  g_autoptr (ElSealedAudio) self = NULL;
  Source src = { -1, NULL, 0 };
  gboolean ok;

  g_return_val_if_fail (EL_IS_VAULT (vault), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  if (!check_recording_id (recording_id, error))
    return NULL;
  src.fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (src.fd < 0)
    {
      set_io_error (error, errno, "cannot open the recording");
      return NULL;
    }
  self = reader_new (vault, recording_id);
  self->path = g_strdup (path);
  ok = scan (self, &src, cancellable, error);
  source_clear (&src);
  return ok ? g_steal_pointer (&self) : NULL;
}

/**
 * el_sealed_audio_open_bytes:
 * @vault: the account's audio vault
 * @file: the bytes of an .elrec file
 * @recording_id: the recording the file must belong to
 * @error: as el_sealed_audio_open()
 *
 * Returns: (transfer full) (nullable): the recording; it keeps a reference on @file
 */
ElSealedAudio *
el_sealed_audio_open_bytes (ElVault *vault, GBytes *file, const char *recording_id, GError **error)
{
  g_autoptr (ElSealedAudio) self = NULL;
  Source src = { -1, NULL, 0 };
  gboolean ok;

  g_return_val_if_fail (EL_IS_VAULT (vault), NULL);
  g_return_val_if_fail (file != NULL, NULL);

  if (!check_recording_id (recording_id, error))
    return NULL;
  src.data = g_bytes_ref (file);
  self = reader_new (vault, recording_id);
  self->bytes = g_bytes_ref (file);
  ok = scan (self, &src, NULL, error);
  source_clear (&src);
  return ok ? g_steal_pointer (&self) : NULL;
}

typedef struct
{
  ElVault *vault;
  char *path;
  char *recording_id;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_clear_object (&data->vault);
  g_free (data->path);
  g_free (data->recording_id);
  g_free (data);
}

static void
open_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  OpenData *data = task_data;
  GError *error = NULL;
  ElSealedAudio *audio =
      el_sealed_audio_open (data->vault, data->path, data->recording_id, cancellable, &error);

  if (audio == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, audio, g_object_unref);
}

/**
 * el_sealed_audio_open_async:
 * @vault: the account's audio vault
 * @path: an .elrec file
 * @recording_id: the recording the file must belong to
 * @cancellable: (nullable): a cancellable
 * @callback: called on the caller's thread-default main context
 * @user_data: for @callback
 *
 * el_sealed_audio_open() in a worker thread.
 */
void
el_sealed_audio_open_async (ElVault *vault,
                            const char *path,
                            const char *recording_id,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  OpenData *data;

  g_return_if_fail (EL_IS_VAULT (vault));
  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_sealed_audio_open_async);
  data = g_new0 (OpenData, 1);
  data->vault = g_object_ref (vault);
  data->path = g_strdup (path);
  data->recording_id = g_strdup (recording_id);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  g_task_run_in_thread (task, open_thread);
}

ElSealedAudio *
el_sealed_audio_open_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
el_sealed_audio_get_recording_id (ElSealedAudio *self)
{
  g_return_val_if_fail (EL_IS_SEALED_AUDIO (self), NULL);
  return self->recording_id;
}

gboolean
el_sealed_audio_is_complete (ElSealedAudio *self)
{
  g_return_val_if_fail (EL_IS_SEALED_AUDIO (self), FALSE);
  return self->complete;
}

gboolean
el_sealed_audio_had_partial_tail (ElSealedAudio *self)
{
  g_return_val_if_fail (EL_IS_SEALED_AUDIO (self), FALSE);
  return self->partial_tail;
}

guint
el_sealed_audio_get_n_chunks (ElSealedAudio *self)
{
  g_return_val_if_fail (EL_IS_SEALED_AUDIO (self), 0);
  return self->chunks->len;
}

guint64
el_sealed_audio_get_size (ElSealedAudio *self)
{
  g_return_val_if_fail (EL_IS_SEALED_AUDIO (self), 0);
  return self->size;
}

guint64
el_sealed_audio_get_duration_ms (ElSealedAudio *self)
{
  g_return_val_if_fail (EL_IS_SEALED_AUDIO (self), 0);
  if (self->chunks->len == 0)
    return 0;
  return g_array_index (self->chunks, ChunkInfo, self->chunks->len - 1).media_end_ms;
}

/* Plaintext stream ----------------------------------------------------------------------------- */

#define EL_TYPE_SEALED_AUDIO_STREAM (el_sealed_audio_stream_get_type ())
G_DECLARE_FINAL_TYPE (ElSealedAudioStream, el_sealed_audio_stream, EL, SEALED_AUDIO_STREAM, GInputStream)

struct _ElSealedAudioStream
{
  GInputStream parent_instance;

  ElSealedAudio *audio;
  Source src;
  guint8 *sealed;
  GBytes *plain;     /* the current chunk's plaintext (8 + N bytes), or NULL */
  guint plain_index; /* its chunk */
  guint64 position;  /* in the plaintext stream */
  GError *error;     /* sticky: a chunk failed to authenticate */
};

static void el_sealed_audio_stream_seekable_iface_init (GSeekableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ElSealedAudioStream,
                               el_sealed_audio_stream,
                               G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_SEEKABLE,
                                                      el_sealed_audio_stream_seekable_iface_init))

static void
stream_drop_plain (ElSealedAudioStream *self)
{
  if (self->plain != NULL)
    {
      wipe_bytes (self->plain);
      g_clear_pointer (&self->plain, g_bytes_unref);
    }
}

static void
el_sealed_audio_stream_finalize (GObject *object)
{
  ElSealedAudioStream *self = EL_SEALED_AUDIO_STREAM (object);

  stream_drop_plain (self);
  source_clear (&self->src);
  g_free (self->sealed);
  g_clear_object (&self->audio);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (el_sealed_audio_stream_parent_class)->finalize (object);
}

/* The chunk holding payload offset @pos (binary search over the index); chunks->len when none. */
static guint
find_chunk (ElSealedAudio *audio, guint64 pos)
{
  guint lo = 0, hi = audio->chunks->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const ChunkInfo *c = &g_array_index (audio->chunks, ChunkInfo, mid);

      if (pos < c->payload_offset)
        hi = mid;
      else if (pos >= c->payload_offset + c->payload_len)
        lo = mid + 1;
      else
        return mid;
    }
  return audio->chunks->len;
}

static gboolean
stream_load (ElSealedAudioStream *self, guint index, GError **error)
{
  const ChunkInfo *c = &g_array_index (self->audio->chunks, ChunkInfo, index);
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GBytes) plain = NULL;
  gssize n;

  stream_drop_plain (self);
  n = source_read_at (&self->src, c->file_offset, self->sealed, c->sealed_len, error);
  if (n < 0)
    return FALSE;
  if ((gsize) n < c->sealed_len)
    return set_error (error, EL_SEALED_AUDIO_ERROR_TAMPERED, "the recording changed since it was opened");
  plain = open_chunk (self->audio->vault, self->audio->max_payload, self->audio->recording_id, index,
                      self->sealed, c->sealed_len, c->final, &local_error);
  if (plain == NULL)
    return vault_error_to_sealed (local_error, error);
  if (g_bytes_get_size (plain) != EL_SEALED_AUDIO_MEDIA_BYTES + (gsize) c->payload_len)
    {
      wipe_bytes (plain);
      return set_error (error, EL_SEALED_AUDIO_ERROR_TAMPERED, "the recording changed since it was opened");
    }
  self->plain = g_steal_pointer (&plain);
  self->plain_index = index;
  return TRUE;
}

static gssize
el_sealed_audio_stream_read (
    GInputStream *stream, void *buffer, gsize count, GCancellable *cancellable, GError **error)
{
  ElSealedAudioStream *self = EL_SEALED_AUDIO_STREAM (stream);
  const ChunkInfo *c;
  const guint8 *data;
  guint index;
  gsize n, skip;

  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return -1;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return -1;
  if (count == 0 || self->position >= self->audio->size)
    return 0;
  index = find_chunk (self->audio, self->position);
  if (index >= self->audio->chunks->len)
    return 0;
  if (self->plain == NULL || self->plain_index != index)
    {
      g_autoptr (GError) local_error = NULL;

      if (!stream_load (self, index, &local_error))
        {
          self->error = g_error_copy (local_error);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return -1;
        }
    }
  c = &g_array_index (self->audio->chunks, ChunkInfo, index);
  data = g_bytes_get_data (self->plain, NULL);
  skip = (gsize) (self->position - c->payload_offset);
  n = MIN (count, c->payload_len - skip);
  memcpy (buffer, data + EL_SEALED_AUDIO_MEDIA_BYTES + skip, n);
  self->position += n;
  return (gssize) n;
}

static gboolean
el_sealed_audio_stream_close (GInputStream *stream, GCancellable *cancellable, GError **error)
{
  ElSealedAudioStream *self = EL_SEALED_AUDIO_STREAM (stream);

  stream_drop_plain (self);
  source_clear (&self->src);
  return TRUE;
}

static void
el_sealed_audio_stream_class_init (ElSealedAudioStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = el_sealed_audio_stream_finalize;
  stream_class->read_fn = el_sealed_audio_stream_read;
  stream_class->close_fn = el_sealed_audio_stream_close;
}

static void
el_sealed_audio_stream_init (ElSealedAudioStream *self)
{
  self->src.fd = -1;
}

static goffset
el_sealed_audio_stream_tell (GSeekable *seekable)
{
  return (goffset) EL_SEALED_AUDIO_STREAM (seekable)->position;
}

static gboolean
el_sealed_audio_stream_can_seek (GSeekable *seekable)
{
  return TRUE;
}

static gboolean
el_sealed_audio_stream_seek (
    GSeekable *seekable, goffset offset, GSeekType type, GCancellable *cancellable, GError **error)
{
  ElSealedAudioStream *self = EL_SEALED_AUDIO_STREAM (seekable);
  gint64 base;
  gint64 target;

  switch (type)
    {
      case G_SEEK_SET:
        base = 0;
        break;
      case G_SEEK_CUR:
        base = (gint64) self->position;
        break;
      case G_SEEK_END:
        base = (gint64) self->audio->size;
        break;
      default:
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "invalid seek type");
        return FALSE;
    }
  if ((offset > 0 && base > G_MAXINT64 - offset) || base + offset < 0 ||
      (guint64) (base + offset) > self->audio->size)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "seek outside the recording");
      return FALSE;
    }
  target = base + offset;
  self->position = (guint64) target;
  return TRUE;
}

static gboolean
el_sealed_audio_stream_can_truncate (GSeekable *seekable)
{
  return FALSE;
}

static gboolean
el_sealed_audio_stream_truncate (GSeekable *seekable,
                                 goffset offset,
                                 GCancellable *cancellable,
                                 GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "a recording is read-only");
  return FALSE;
}

static void
el_sealed_audio_stream_seekable_iface_init (GSeekableIface *iface)
{
  iface->tell = el_sealed_audio_stream_tell;
  iface->can_seek = el_sealed_audio_stream_can_seek;
  iface->seek = el_sealed_audio_stream_seek;
  iface->can_truncate = el_sealed_audio_stream_can_truncate;
  iface->truncate_fn = el_sealed_audio_stream_truncate;
}

/**
 * el_sealed_audio_open_stream:
 * @self: an open recording
 * @error: %EL_SEALED_AUDIO_ERROR_IO when the file cannot be opened again
 *
 * Returns: (transfer full) (nullable): a seekable stream of the plaintext, with its own file
 *   descriptor; every chunk is authenticated again as it is read
 */
GInputStream *
el_sealed_audio_open_stream (ElSealedAudio *self, GError **error)
{
  g_autoptr (ElSealedAudioStream) stream = NULL;

  g_return_val_if_fail (EL_IS_SEALED_AUDIO (self), NULL);

  stream = g_object_new (EL_TYPE_SEALED_AUDIO_STREAM, NULL);
  stream->audio = g_object_ref (self);
  if (self->path != NULL)
    {
      stream->src.fd = g_open (self->path, O_RDONLY | O_CLOEXEC, 0);
      if (stream->src.fd < 0)
        {
          set_io_error (error, errno, "cannot open the recording");
          return NULL;
        }
    }
  else
    stream->src.data = g_bytes_ref (self->bytes);
  stream->sealed = g_malloc (self->max_payload + MIN_SEALED);
  return G_INPUT_STREAM (g_steal_pointer (&stream));
}

/**
 * el_sealed_audio_read_all:
 * @self: an open recording
 * @cancellable: (nullable): a cancellable
 * @error: as the stream's reads
 *
 * Returns: (transfer full) (nullable): the whole plaintext (el_sealed_audio_get_size() bytes)
 */
GBytes *
el_sealed_audio_read_all (ElSealedAudio *self, GCancellable *cancellable, GError **error)
{
  g_autoptr (GInputStream) stream = NULL;
  guint8 *data;
  gsize n = 0;

  g_return_val_if_fail (EL_IS_SEALED_AUDIO (self), NULL);

  stream = el_sealed_audio_open_stream (self, error);
  if (stream == NULL)
    return NULL;
  data = g_malloc (MAX (self->size, 1));
  if (!g_input_stream_read_all (stream, data, self->size, &n, cancellable, error) || n != self->size)
    {
      OPENSSL_cleanse (data, MAX (self->size, 1));
      g_free (data);
      if (error != NULL && *error == NULL)
        set_error (error, EL_SEALED_AUDIO_ERROR_TAMPERED, "the recording changed since it was opened");
      return NULL;
    }
  return g_bytes_new_take (data, self->size);
}

/* Reopening an interrupted recording ---------------------------------------------------------- */

/**
 * el_sealed_audio_writer_reopen:
 * @vault: the account's audio vault
 * @path: an interrupted .elrec file
 * @recording_id: the recording the file belongs to
 * @error: %EL_SEALED_AUDIO_ERROR_INVALID_ARGUMENT when the file is complete already, or any error of
 *   el_sealed_audio_open()
 *
 * Continues an interrupted recording (blocking): authenticates the file, cuts a torn tail off
 * (ftruncate, synced) and returns a writer that appends after its last chunk, e.g. to seal a final
 * chunk with el_sealed_audio_writer_finish().
 *
 * Returns: (transfer full) (nullable): the writer
 */
ElSealedAudioWriter *
el_sealed_audio_writer_reopen (ElVault *vault, const char *path, const char *recording_id, GError **error)
{
  g_autoptr (ElSealedAudio) audio = NULL;
  g_autoptr (ElSealedAudioWriter) self = NULL;
  guint64 end = EL_SEALED_AUDIO_HEADER_BYTES;

  g_return_val_if_fail (EL_IS_VAULT (vault), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  audio = el_sealed_audio_open (vault, path, recording_id, NULL, error);
  if (audio == NULL)
    return NULL;
  if (audio->complete)
    {
      set_error (error, EL_SEALED_AUDIO_ERROR_INVALID_ARGUMENT, "the recording is complete already");
      return NULL;
    }
  if (audio->max_payload != EL_SEALED_AUDIO_MAX_PAYLOAD)
    {
      set_error (error, EL_SEALED_AUDIO_ERROR_CORRUPT, "the recording was written with another chunk size");
      return NULL;
    }
  if (audio->chunks->len > 0)
    {
      const ChunkInfo *last = &g_array_index (audio->chunks, ChunkInfo, audio->chunks->len - 1);

      end = last->file_offset + last->sealed_len;
    }

  self = g_object_new (EL_TYPE_SEALED_AUDIO_WRITER, NULL);
  self->vault = g_object_ref (vault);
  self->recording_id = g_strdup (recording_id);
  self->path = g_strdup (path);
  self->buffer = g_malloc (EL_SEALED_AUDIO_MEDIA_BYTES + EL_SEALED_AUDIO_MAX_PAYLOAD);
  self->n_chunks = audio->chunks->len;
  self->media_start_ms = self->media_end_ms = el_sealed_audio_get_duration_ms (audio);
  self->sealed_bytes = audio->size;
  self->dir_synced = TRUE;
  self->fd = g_open (path, O_WRONLY | O_CLOEXEC, 0);
  if (self->fd < 0)
    {
      set_io_error (error, errno, "cannot open the recording");
      return NULL;
    }
  if (ftruncate (self->fd, (off_t) end) != 0 || lseek (self->fd, (off_t) end, SEEK_SET) < 0 ||
      fdatasync (self->fd) != 0)
    {
      set_io_error (error, errno, "cannot cut the torn end of the recording");
      return NULL;
    }
  return g_steal_pointer (&self);
}
