/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * EL_AUDIO_ERROR: the one error domain of src/server/storage (probe, store, Content-Digest).
 * Messages name what is wrong with the bytes ("Ogg page 7: CRC mismatch"), never the bytes
 * themselves, so they may be returned in a problem+json `detail` and logged.
 *
 * el_audio_error_http_status() maps a code to the status an upload should answer with.
 */

#define EL_AUDIO_ERROR (el_audio_error_quark ())

typedef enum
{
  EL_AUDIO_ERROR_UNSUPPORTED_TYPE,   /* 415: the declared Content-Type is not audio/ogg or audio/wav */
  EL_AUDIO_ERROR_UNSUPPORTED_FORMAT, /* 415: the body is not WAV/PCM or Ogg/Opus (another codec or container) */
  EL_AUDIO_ERROR_CONTENT_TYPE_MISMATCH, /* 415: the body's container is not the declared Content-Type */
  EL_AUDIO_ERROR_MALFORMED,             /* 400: broken header, CRC mismatch, missing page, truncated stream */
  EL_AUDIO_ERROR_TOO_LONG,              /* 413: the audio lasts longer than the duration limit */
  EL_AUDIO_ERROR_TOO_LARGE,             /* 413: the body has more bytes than the size limit */
  EL_AUDIO_ERROR_BAD_DIGEST_HEADER,     /* 400: Content-Digest is malformed or has no sha-256 */
  EL_AUDIO_ERROR_DIGEST_MISMATCH,       /* 400: the body's SHA-256 is not the one Content-Digest declared */
  EL_AUDIO_ERROR_EXISTS,                /* 409: a file is already stored for this recording id */
  EL_AUDIO_ERROR_INVALID_ARGUMENT,      /* 400: not a canonical recording UUID, or an unsafe storage path */
  EL_AUDIO_ERROR_NOT_FOUND,             /* 500 on read: the row names a file that is not there */
  EL_AUDIO_ERROR_CORRUPT,   /* 500 on read: not an .elaudio file, or a chunk frame out of bounds */
  EL_AUDIO_ERROR_TRUNCATED, /* 500 on read: the file ends inside its header or a chunk */
  EL_AUDIO_ERROR_TAMPERED,  /* 500 on read: a chunk fails authentication (modified, reordered,
                                           moved from another recording, final chunk missing) */
  EL_AUDIO_ERROR_IO,        /* 500: the file system failed (full disk, permissions) */
  EL_AUDIO_ERROR_FAILED,    /* 500: OpenSSL failed */
} ElAudioError;

GQuark el_audio_error_quark (void);
guint el_audio_error_http_status (const GError *error);

G_END_DECLS
