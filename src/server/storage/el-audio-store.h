/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "el-audio-error.h"
#include "el-audio-probe.h"
#include "el-content-digest.h"
#include "el-vault.h"

G_BEGIN_DECLS

/*
 * ElAudioStore: uploaded recordings in STORAGE_DIR, encrypted while they stream in (AES-256-GCM
 * chunks sealed with ElVault, key = el_vault_new_derived (ENCRYPTION_KEY, "audio")): plaintext
 * audio never reaches the disk. The file format is in FORMAT.md next to this file.
 *
 *   STORAGE_DIR/recordings/<first 2 hex digits of the id>/<recording id>.elaudio   (0600, dirs 0700)
 *
 * Upload (one request):
 *
 *   guint8 digest[EL_SHA256_BYTES];
 *   if (!el_content_digest_parse_sha256 (content_digest_header, digest, &error)) -> 400
 *   g_autoptr (ElAudioWriter) w = el_audio_store_begin (store, recording_id, content_type, digest,
 *                                                       EL_AUDIO_MAX_BYTES, EL_AUDIO_MAX_DURATION_MS, &error);
 *   for each body chunk:                       // never the whole body in memory
 *     if (!el_audio_writer_write (w, chunk, len, &error)) -> stop reading, answer
 *                                                          el_audio_error_http_status (error)
 *   g_auto (ElAudioInfo) info = { 0 };
 *   if (!el_audio_writer_finish (w, &info, &error)) -> answer el_audio_error_http_status (error)
 *   INSERT the recordings row (info.storage_path, size_bytes, duration_ms, sha256, mime_type) and
 *   el_jobs_enqueue () in one transaction; if that fails: el_audio_store_delete (store, info.storage_path)
 *
 * Every failure of write() or finish() removes the temporary file at once (the writer is then
 * dead; freeing it is all that is left), and freeing an unfinished writer aborts it, so nothing
 * partial stays on disk. finish() publishes the file under its final name only if no file has that
 * name yet (%EL_AUDIO_ERROR_EXISTS otherwise: 409), so two uploads of one recording id cannot
 * replace each other's audio. Call finish() and commit the row without returning to the main loop
 * in between: then a final file without a row is an orphan of a crash, which the upload handler may
 * el_audio_store_delete() when a retry meets %EL_AUDIO_ERROR_EXISTS and no row has the id.
 * Temporary files of a crashed upload (".<id>.<random>.tmp", encrypted like the rest) are removed by
 * el_audio_store_remove_stale_temp_files().
 *
 * Reading: el_audio_store_open_read() returns a GInputStream of the plaintext that fails with
 * %EL_AUDIO_ERROR_TAMPERED as soon as a chunk was modified, moved (to another place in the file, or
 * from another recording's file) or the final chunk is missing, and with %EL_AUDIO_ERROR_TRUNCATED
 * when the file ends inside a chunk. Bytes it returned before an error are authentic but the
 * recording is not: discard them.
 *
 * A store may be shared by threads; one writer or one read stream is used by one thread at a time.
 * Writers block on the disk (write, fsync): run them off the main loop when that matters.
 */

#define EL_AUDIO_MAX_BYTES         G_GINT64_CONSTANT (52428800) /* 50 MiB */
#define EL_AUDIO_STORE_CHUNK_BYTES 65536
#define EL_AUDIO_STORE_KEY_LABEL   "audio"
#define EL_AUDIO_STORE_SUBDIR      "recordings"
#define EL_AUDIO_STORE_SUFFIX      ".elaudio"

#define EL_TYPE_AUDIO_STORE (el_audio_store_get_type ())
G_DECLARE_FINAL_TYPE (ElAudioStore, el_audio_store, EL, AUDIO_STORE, GObject)

typedef struct ElAudioWriter ElAudioWriter;

/**
 * ElAudioInfo:
 * @storage_path: where the file is, relative to STORAGE_DIR (the recordings.storage_path column)
 * @size_bytes: the plaintext size (the upload's body)
 * @duration_ms: from el_audio_probe_get_duration_ms()
 * @sha256: lowercase hex SHA-256 of the plaintext, NUL-terminated
 * @mime_type: "audio/ogg" or "audio/wav" (static)
 * @container: the same as an enum
 */
typedef struct
{
  char *storage_path;
  gint64 size_bytes;
  gint64 duration_ms;
  char sha256[2 * EL_SHA256_BYTES + 1];
  const char *mime_type;
  ElAudioContainer container;
} ElAudioInfo;

ElAudioStore *el_audio_store_new (const char *storage_dir, ElVault *master, GError **error);
const char *el_audio_store_get_dir (ElAudioStore *self);
gboolean el_audio_store_check (ElAudioStore *self, GError **error);
char *el_audio_store_path_for (const char *recording_id);

ElAudioWriter *el_audio_store_begin (ElAudioStore *self,
                                     const char *recording_id,
                                     const char *content_type,
                                     const guint8 expected_sha256[EL_SHA256_BYTES],
                                     gint64 max_bytes,
                                     gint64 max_duration_ms,
                                     GError **error);
gboolean el_audio_writer_write (ElAudioWriter *writer, const void *data, gsize len, GError **error);
gboolean el_audio_writer_finish (ElAudioWriter *writer, ElAudioInfo *info, GError **error);
void el_audio_writer_abort (ElAudioWriter *writer);
void el_audio_writer_free (ElAudioWriter *writer);
guint64 el_audio_writer_get_bytes_received (ElAudioWriter *writer);
gint64 el_audio_writer_get_duration_ms (ElAudioWriter *writer);

GInputStream *el_audio_store_open_read (ElAudioStore *self,
                                        const char *storage_path,
                                        const char *recording_id,
                                        GError **error);
gboolean el_audio_store_exists (ElAudioStore *self, const char *storage_path);
gboolean el_audio_store_delete (ElAudioStore *self, const char *storage_path, GError **error);
guint el_audio_store_remove_stale_temp_files (ElAudioStore *self, gint64 older_than_seconds);

void el_audio_info_clear (ElAudioInfo *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElAudioWriter, el_audio_writer_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ElAudioInfo, el_audio_info_clear)

G_END_DECLS
