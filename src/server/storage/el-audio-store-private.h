/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "el-audio-store.h"

G_BEGIN_DECLS

/* The .elaudio format, version 1 (FORMAT.md). */
#define EL_AUDIO_FILE_MAGIC         "ELAUDIO\0"
#define EL_AUDIO_FILE_MAGIC_BYTES   8
#define EL_AUDIO_FILE_VERSION       1
#define EL_AUDIO_FILE_HEADER_BYTES  16
#define EL_AUDIO_FRAME_HEADER_BYTES 4
#define EL_AUDIO_FILE_MAX_CHUNK     (1024 * 1024) /* the most plaintext per chunk a reader accepts */

void el_audio_file_header_write (guint8 out[EL_AUDIO_FILE_HEADER_BYTES], guint32 chunk_bytes);
char *el_audio_chunk_ad (guint32 chunk_bytes, const char *recording_id, guint64 index, gboolean final);

GInputStream *el_audio_read_stream_new (GInputStream *base,
                                        ElVault *audio_vault,
                                        const char *recording_id,
                                        GCancellable *cancellable,
                                        GError **error);

G_END_DECLS
