/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "el-audio-error.h"

G_BEGIN_DECLS

/*
 * Content-Digest (RFC 9530): a Structured Field Dictionary (RFC 8941) of algorithm = byte
 * sequence, e.g. `sha-512=:...:, sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:`.
 *
 * el_content_digest_parse_sha256() parses the whole dictionary (strings, tokens, numbers,
 * booleans, inner lists, parameters: anything RFC 8941 allows, so another algorithm's member cannot
 * hide or fake a sha-256 member) and returns the `sha-256` member: a byte sequence of exactly 32
 * bytes in canonical base64. Algorithm names compare case-insensitively; spaces and tabs are
 * allowed around members. Fails with %EL_AUDIO_ERROR_BAD_DIGEST_HEADER when the header is missing,
 * longer than EL_CONTENT_DIGEST_MAX_LEN, not a dictionary, has no sha-256 member, has it twice, or
 * its value is not such a byte sequence. Other algorithms are ignored.
 */

#define EL_SHA256_BYTES           32
#define EL_CONTENT_DIGEST_MAX_LEN 1024

gboolean el_content_digest_parse_sha256 (const char *header, guint8 out[EL_SHA256_BYTES], GError **error);

G_END_DECLS
