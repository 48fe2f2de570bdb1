/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The plaintext of an .elaudio file, chunk by chunk, each authenticated before a byte of it is
 * returned (FORMAT.md). */
#include "config.h"

#include "el-audio-store-private.h"

#include <openssl/crypto.h>
#include <string.h>

#define EL_TYPE_AUDIO_READ_STREAM (el_audio_read_stream_get_type ())
G_DECLARE_FINAL_TYPE (ElAudioReadStream, el_audio_read_stream, EL, AUDIO_READ_STREAM, GInputStream)

struct _ElAudioReadStream
{
  GInputStream parent_instance;

  GInputStream *base;
  ElVault *vault;
  char *recording_id;
  guint32 chunk_bytes;
  guint64 index;      /* of the next chunk to open */
  guint8 next_len[4]; /* the frame header of the next chunk, read ahead */
  gboolean final_read;
  guint8 *sealed;
  guint8 *plain;
  gsize plain_len;
  gsize plain_pos;
  GError *error; /* sticky: a stream that failed once never returns bytes again */
};

G_DEFINE_FINAL_TYPE (ElAudioReadStream, el_audio_read_stream, G_TYPE_INPUT_STREAM)

static void
wipe_plain (ElAudioReadStream *self)
{
  if (self->plain != NULL)
    {
      OPENSSL_cleanse (self->plain, self->plain_len);
      g_clear_pointer (&self->plain, g_free);
    }
  self->plain_len = 0;
  self->plain_pos = 0;
}

static void
el_audio_read_stream_finalize (GObject *object)
{
  ElAudioReadStream *self = EL_AUDIO_READ_STREAM (object);

  wipe_plain (self);
  g_clear_object (&self->base);
  g_clear_object (&self->vault);
  g_free (self->recording_id);
  g_free (self->sealed);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (el_audio_read_stream_parent_class)->finalize (object);
}

static guint32
read_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | (guint32) p[3];
}

static gboolean
set_error (GError **error, ElAudioError code, const char *message)
{
  g_set_error_literal (error, EL_AUDIO_ERROR, code, message);
  return FALSE;
}

/* Reads exactly @len bytes; 0 < bytes read < @len is %EL_AUDIO_ERROR_TRUNCATED. */
static gboolean
read_exactly (ElAudioReadStream *self,
              void *buffer,
              gsize len,
              gboolean eof_ok,
              gboolean *eof,
              GCancellable *c,
              GError **error)
{
  gsize n = 0;

  if (eof != NULL)
    *eof = FALSE;
  if (!g_input_stream_read_all (self->base, buffer, len, &n, c, error))
    return FALSE;
  if (n == len)
    return TRUE;
  if (n == 0 && eof_ok)
    {
      *eof = TRUE;
      return TRUE;
    }
  return set_error (error, EL_AUDIO_ERROR_TRUNCATED, "the audio file ends inside a chunk");
}

/* Opens the next chunk into self->plain. */
static gboolean
load_chunk (ElAudioReadStream *self, GCancellable *cancellable, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GBytes) plain = NULL;
  g_autofree char *ad = NULL;
  guint32 len = read_be32 (self->next_len);
  gboolean final;

  wipe_plain (self);
  if (len < EL_VAULT_OVERHEAD || len > self->chunk_bytes + EL_VAULT_OVERHEAD)
    return set_error (error, EL_AUDIO_ERROR_CORRUPT, "an audio chunk has an impossible length");
  if (!read_exactly (self, self->sealed, len, FALSE, NULL, cancellable, error) ||
      !read_exactly (self, self->next_len, sizeof self->next_len, TRUE, &final, cancellable, error))
    return FALSE;

  ad = el_audio_chunk_ad (self->chunk_bytes, self->recording_id, self->index, final);
  plain = el_vault_open (self->vault, self->sealed, len, ad, &local_error);
  if (plain == NULL)
    {
      if (g_error_matches (local_error, EL_VAULT_ERROR, EL_VAULT_ERROR_TAMPERED))
        return set_error (error, EL_AUDIO_ERROR_TAMPERED,
                          "an audio chunk does not authenticate (modified, reordered, from another "
                          "recording, or the file lost its end)");
      if (g_error_matches (local_error, EL_VAULT_ERROR, EL_VAULT_ERROR_FAILED))
        return set_error (error, EL_AUDIO_ERROR_FAILED, "could not decrypt an audio chunk");
      return set_error (error, EL_AUDIO_ERROR_CORRUPT, "an audio chunk is not a sealed value");
    }
  self->plain = g_bytes_unref_to_data (g_steal_pointer (&plain), &self->plain_len);
  if (!final && self->plain_len != self->chunk_bytes)
    {
      wipe_plain (self);
      return set_error (error, EL_AUDIO_ERROR_CORRUPT, "a chunk before the last one is not full");
    }
  self->index++;
  self->final_read = final;
  return TRUE;
}

static gssize
el_audio_read_stream_read (
    GInputStream *stream, void *buffer, gsize count, GCancellable *cancellable, GError **error)
{
  ElAudioReadStream *self = EL_AUDIO_READ_STREAM (stream);
  gsize n;

  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return -1;
    }
  while (self->plain_pos == self->plain_len)
    {
      g_autoptr (GError) local_error = NULL;

      if (self->final_read)
        {
          wipe_plain (self);
          return 0;
        }
      if (!load_chunk (self, cancellable, &local_error))
        {
          if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            self->error = g_error_copy (local_error);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return -1;
        }
    }
  n = MIN (count, self->plain_len - self->plain_pos);
  memcpy (buffer, self->plain + self->plain_pos, n);
  self->plain_pos += n;
  return (gssize) n;
}

static gboolean
el_audio_read_stream_close (GInputStream *stream, GCancellable *cancellable, GError **error)
{
  ElAudioReadStream *self = EL_AUDIO_READ_STREAM (stream);

  wipe_plain (self);
  return g_input_stream_close (self->base, cancellable, error);
}

static void
el_audio_read_stream_class_init (ElAudioReadStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = el_audio_read_stream_finalize;
  stream_class->read_fn = el_audio_read_stream_read;
  stream_class->close_fn = el_audio_read_stream_close;
}

static void
el_audio_read_stream_init (ElAudioReadStream *self)
{
}

/**
 * el_audio_read_stream_new:
 * @base: the .elaudio bytes (a file)
 * @audio_vault: the audio key (derived with EL_AUDIO_STORE_KEY_LABEL)
 * @recording_id: the recording the file must belong to
 * @cancellable: (nullable): for reading the header
 * @error: %EL_AUDIO_ERROR_CORRUPT (not .elaudio version 1), %EL_AUDIO_ERROR_TRUNCATED, or @base's
 *   error
 *
 * Reads and checks the file header and the first frame header.
 *
 * Returns: (transfer full) (nullable): the plaintext stream; it takes a reference on @base
 */
GInputStream *
el_audio_read_stream_new (GInputStream *base,
                          ElVault *audio_vault,
                          const char *recording_id,
                          GCancellable *cancellable,
                          GError **error)
{
  g_autoptr (ElAudioReadStream) self = NULL;
  guint8 header[EL_AUDIO_FILE_HEADER_BYTES];
  gboolean eof = FALSE;
  guint32 chunk_bytes;

  g_return_val_if_fail (G_IS_INPUT_STREAM (base), NULL);
  g_return_val_if_fail (EL_IS_VAULT (audio_vault), NULL);
  g_return_val_if_fail (recording_id != NULL, NULL);

  self = g_object_new (EL_TYPE_AUDIO_READ_STREAM, NULL);
  self->base = g_object_ref (base);
  self->vault = g_object_ref (audio_vault);
  self->recording_id = g_strdup (recording_id);

  if (!read_exactly (self, header, sizeof header, TRUE, &eof, cancellable, error))
    return NULL;
  if (eof)
    {
      set_error (error, EL_AUDIO_ERROR_TRUNCATED, "the audio file is empty");
      return NULL;
    }
  if (memcmp (header, EL_AUDIO_FILE_MAGIC, EL_AUDIO_FILE_MAGIC_BYTES) != 0)
    {
      set_error (error, EL_AUDIO_ERROR_CORRUPT, "not an .elaudio file");
      return NULL;
    }
  chunk_bytes = read_be32 (header + 12);
  if (header[8] != EL_AUDIO_FILE_VERSION || header[9] != 0 || header[10] != 0 || header[11] != 0 ||
      chunk_bytes == 0 || chunk_bytes > EL_AUDIO_FILE_MAX_CHUNK)
    {
      set_error (error, EL_AUDIO_ERROR_CORRUPT, "an .elaudio version or header this build does not read");
      return NULL;
    }
  self->chunk_bytes = chunk_bytes;
  self->sealed = g_malloc (chunk_bytes + EL_VAULT_OVERHEAD);

  /* A file has at least its final chunk. */
  if (!read_exactly (self, self->next_len, sizeof self->next_len, TRUE, &eof, cancellable, error))
    return NULL;
  if (eof)
    {
      set_error (error, EL_AUDIO_ERROR_TRUNCATED, "the audio file has no chunks");
      return NULL;
    }
  return G_INPUT_STREAM (g_steal_pointer (&self));
}
