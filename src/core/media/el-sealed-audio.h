/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "el-vault.h"

G_BEGIN_DECLS

/*
 * Sealed recordings on the PC (`.elrec`, FORMAT.md in this folder): the file ElRecorder writes.
 *
 * Audio reaches the disk only sealed. A writer collects the encoder's Ogg bytes in memory for
 * about a second (or until flushed), seals them as one chunk with the caller's audio vault
 * (ElVault, AES-256-GCM; the associated data binds the format version, the recording id, the
 * chunk's index and whether it is the final chunk), appends the chunk and fdatasync()s the file.
 * A crash therefore loses at most the chunk being collected, and the file stays readable.
 *
 * Reading: el_sealed_audio_open() authenticates the whole file once and says whether it is
 * complete (its final chunk is there) or interrupted (the process died while recording: readable
 * up to its last complete chunk); tampering (a modified, reordered, removed or duplicated chunk,
 * bytes after the final chunk, another recording's file, another key) is an
 * %EL_SEALED_AUDIO_ERROR_TAMPERED error. Plaintext is only ever in memory:
 * el_sealed_audio_open_stream() returns a seekable GInputStream that decrypts one chunk at a time
 * (for upload, playback and transcription); el_sealed_audio_read_all() returns all of it.
 *
 * Threads: a writer is used by one thread at a time (the recorder's streaming thread); appending,
 * flushing and finishing block (write, fdatasync), so never call them on the main loop; creating
 * one only opens the file and writes its 16-byte header. An ElSealedAudio is immutable once open
 * and may be shared between threads; each stream it opens has its own file descriptor and is used
 * by one thread at a time. el_sealed_audio_open() reads the whole file: on the main loop use
 * el_sealed_audio_open_async().
 *
 * The vault is the account's audio vault: el_vault_new_derived (data_key_vault, "audio").
 */

#define EL_SEALED_AUDIO_SUFFIX           ".elrec"
#define EL_SEALED_AUDIO_MAGIC            "ELRECAUD"
#define EL_SEALED_AUDIO_VERSION          1
#define EL_SEALED_AUDIO_HEADER_BYTES     16
#define EL_SEALED_AUDIO_MAX_PAYLOAD      65536   /* the writer's P */
#define EL_SEALED_AUDIO_READ_MAX_P       1048576 /* the largest P a reader accepts */
#define EL_SEALED_AUDIO_MEDIA_BYTES      8       /* the media-end prefix of every chunk's plaintext */
#define EL_SEALED_AUDIO_DEFAULT_CHUNK_MS 1000

#define EL_SEALED_AUDIO_ERROR (el_sealed_audio_error_quark ())

typedef enum
{
  EL_SEALED_AUDIO_ERROR_TAMPERED,         /* a chunk does not authenticate, or bytes follow the final chunk */
  EL_SEALED_AUDIO_ERROR_CORRUPT,          /* not an .elrec file this build reads, or impossible framing */
  EL_SEALED_AUDIO_ERROR_TRUNCATED,        /* the file ends inside its header */
  EL_SEALED_AUDIO_ERROR_IO,               /* the file system failed */
  EL_SEALED_AUDIO_ERROR_INVALID_ARGUMENT, /* not a canonical recording id; a finished writer */
  EL_SEALED_AUDIO_ERROR_FAILED,           /* the vault failed (OpenSSL) */
} ElSealedAudioError;

GQuark el_sealed_audio_error_quark (void);

char *el_sealed_audio_path_for (const char *directory, const char *recording_id);

/* Writer ------------------------------------------------------------------------------------- */

#define EL_TYPE_SEALED_AUDIO_WRITER (el_sealed_audio_writer_get_type ())
G_DECLARE_FINAL_TYPE (ElSealedAudioWriter, el_sealed_audio_writer, EL, SEALED_AUDIO_WRITER, GObject)

/* Creates <directory>/<recording_id>.elrec (directory 0700, file 0600, O_EXCL) and writes the
 * header (no sync: the first chunk syncs the file and the directory). */
ElSealedAudioWriter *
el_sealed_audio_writer_new (ElVault *vault, const char *directory, const char *recording_id, GError **error);
/* Continues an interrupted recording: cuts a torn tail, appends after its last chunk (blocking). */
ElSealedAudioWriter *
el_sealed_audio_writer_reopen (ElVault *vault, const char *path, const char *recording_id, GError **error);
/* Payload milliseconds per chunk (default 1000); chunks are also cut at P bytes. */
void el_sealed_audio_writer_set_chunk_ms (ElSealedAudioWriter *self, guint chunk_ms);
/* Appends @len bytes of the stream; @media_end_ms is the audio position at the end of these bytes
 * (non-decreasing; pass the previous value when unknown). Seals and syncs a chunk when the
 * collected bytes span chunk-ms or reach P. Call it with whole Ogg pages. */
gboolean el_sealed_audio_writer_append (
    ElSealedAudioWriter *self, const void *data, gsize len, guint64 media_end_ms, GError **error);
/* Seals what was collected (if anything) as a non-final chunk and syncs it. */
gboolean el_sealed_audio_writer_flush (ElSealedAudioWriter *self, GError **error);
/* Seals what was collected as the final chunk (possibly empty), syncs and closes the file. */
gboolean el_sealed_audio_writer_finish (ElSealedAudioWriter *self, GError **error);
/* Closes and deletes the file (wiping what was collected): nothing is left on disk. */
void el_sealed_audio_writer_discard (ElSealedAudioWriter *self);

const char *el_sealed_audio_writer_get_path (ElSealedAudioWriter *self);
const char *el_sealed_audio_writer_get_recording_id (ElSealedAudioWriter *self);
guint el_sealed_audio_writer_get_n_chunks (ElSealedAudioWriter *self); /* sealed so far */
guint64
el_sealed_audio_writer_get_sealed_ms (ElSealedAudioWriter *self); /* media end of the last sealed chunk */
guint64 el_sealed_audio_writer_get_sealed_bytes (ElSealedAudioWriter *self); /* payload bytes sealed */

/* Reader ------------------------------------------------------------------------------------- */

#define EL_TYPE_SEALED_AUDIO (el_sealed_audio_get_type ())
G_DECLARE_FINAL_TYPE (ElSealedAudio, el_sealed_audio, EL, SEALED_AUDIO, GObject)

/* Reads and authenticates the whole file (blocking). */
ElSealedAudio *el_sealed_audio_open (
    ElVault *vault, const char *path, const char *recording_id, GCancellable *cancellable, GError **error);
void el_sealed_audio_open_async (ElVault *vault,
                                 const char *path,
                                 const char *recording_id,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
ElSealedAudio *el_sealed_audio_open_finish (GAsyncResult *result, GError **error);

/* Reads a file from memory, same checks (tests and the fuzzer). */
ElSealedAudio *
el_sealed_audio_open_bytes (ElVault *vault, GBytes *file, const char *recording_id, GError **error);

const char *el_sealed_audio_get_recording_id (ElSealedAudio *self);
/* TRUE when the final chunk is there; FALSE for an interrupted recording. */
gboolean el_sealed_audio_is_complete (ElSealedAudio *self);
/* TRUE when the file ended inside a chunk (a torn last write) whose bytes were ignored. */
gboolean el_sealed_audio_had_partial_tail (ElSealedAudio *self);
guint el_sealed_audio_get_n_chunks (ElSealedAudio *self);
guint64 el_sealed_audio_get_size (ElSealedAudio *self);        /* plaintext (Ogg) bytes */
guint64 el_sealed_audio_get_duration_ms (ElSealedAudio *self); /* media end of the last chunk */

/* A seekable GInputStream of the plaintext (G_SEEK_SET/CUR/END within get_size()). Each chunk is
 * authenticated again when read; a file changed since it was opened fails with TAMPERED. */
GInputStream *el_sealed_audio_open_stream (ElSealedAudio *self, GError **error);
/* All of the plaintext (blocking). Wipe it (OPENSSL_cleanse) when done if you can. */
GBytes *el_sealed_audio_read_all (ElSealedAudio *self, GCancellable *cancellable, GError **error);

G_END_DECLS
