/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-audio-error.h"

/* Spelled out rather than G_DEFINE_QUARK (): cppcheck cannot parse that macro. */
GQuark
el_audio_error_quark (void)
{
  static GQuark quark = 0;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("el-audio-error-quark");
  return quark;
}

/**
 * el_audio_error_http_status:
 * @error: (nullable): an error from an upload (probe, store, Content-Digest)
 *
 * Returns: the HTTP status an upload answers with: 400, 409, 413, 415, or 500 for anything
 *   that is not the client's fault (including errors of other domains)
 */
guint
el_audio_error_http_status (const GError *error)
{
  if (error == NULL || error->domain != EL_AUDIO_ERROR)
    return 500;
  switch ((ElAudioError) error->code)
    {
      case EL_AUDIO_ERROR_UNSUPPORTED_TYPE:
      case EL_AUDIO_ERROR_UNSUPPORTED_FORMAT:
      case EL_AUDIO_ERROR_CONTENT_TYPE_MISMATCH:
        return 415;
      case EL_AUDIO_ERROR_MALFORMED:
      case EL_AUDIO_ERROR_BAD_DIGEST_HEADER:
      case EL_AUDIO_ERROR_DIGEST_MISMATCH:
      case EL_AUDIO_ERROR_INVALID_ARGUMENT:
        return 400;
      case EL_AUDIO_ERROR_TOO_LONG:
      case EL_AUDIO_ERROR_TOO_LARGE:
        return 413;
      case EL_AUDIO_ERROR_EXISTS:
        return 409;
      case EL_AUDIO_ERROR_NOT_FOUND:
      case EL_AUDIO_ERROR_CORRUPT:
      case EL_AUDIO_ERROR_TRUNCATED:
      case EL_AUDIO_ERROR_TAMPERED:
      case EL_AUDIO_ERROR_IO:
      case EL_AUDIO_ERROR_FAILED:
      default:
        return 500;
    }
}
