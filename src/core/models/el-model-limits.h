/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Limits of the data model's decoders. They are part of the API: the OpenAPI document, the
 * server and the app all rely on them. Exceeding a size limit gives %EL_MODEL_ERROR_TOO_LONG.
 *
 * | limit                              | value     | applies to                                      |
 * |------------------------------------|-----------|-------------------------------------------------|
 * | %EL_MODEL_MAX_DOCUMENT_BYTES       | 1 MiB     | the whole input of every `*_new_from_data()`     |
 * | %EL_MODEL_MAX_DEPTH                | 32        | nesting of objects and arrays (root object = 1)  |
 * | %EL_MODEL_MAX_SHORT_STRING_BYTES   | 256       | names, codes, MRN, room, bed, dose, route, time, |
 * |                                    |           | etag, engine, o2_device, owner, substance, ...   |
 * | %EL_MODEL_MAX_EMAIL_BYTES          | 254       | User.email                                       |
 * | %EL_MODEL_MAX_TEXT_BYTES           | 16384     | SBAR sections and every other free text          |
 * |                                    |           | (diagnosis, history, descriptions, readback...)  |
 * | %EL_MODEL_MAX_TRANSCRIPT_BYTES     | 262144    | Recording.transcript                             |
 * | %EL_MODEL_MAX_ARRAY_ITEMS          | 200       | every array, except Recording.words              |
 * | %EL_MODEL_MAX_WORDS                | 20000     | Recording.words                                  |
 *
 * String limits count UTF-8 bytes. Every string must be valid UTF-8 without NUL (a raw NUL byte
 * or a `\u0000` escape is %EL_MODEL_ERROR_MALFORMED).
 *
 * Numbers: integers without their own upper bound (sizes, offsets, milliseconds, counters) are
 * limited to %EL_MODEL_MAX_INTEGER (2^53 - 1, exact in every JSON implementation). An integer
 * literal outside the 64-bit range anywhere in a document, and a number that overflows to infinity,
 * are %EL_MODEL_ERROR_OUT_OF_RANGE. Integer members accept integral numbers written as `3.0` or
 * `3e0`; the encoder writes them as `3`.
 *
 * `*_new_from_data()` checks the size, UTF-8 and NUL before anything else, then the JSON syntax
 * (RFC 8259: no comments, no single quotes, no trailing commas, no leading zeros, no trailing data)
 * and the nesting depth, and only then hands the bytes to json-glib. `*_new_from_json()` trusts
 * the caller for the document size and for members it does not read.
 */
#define EL_MODEL_MAX_DOCUMENT_BYTES     (1024 * 1024)
#define EL_MODEL_MAX_DEPTH              32
#define EL_MODEL_MAX_SHORT_STRING_BYTES 256
#define EL_MODEL_MAX_EMAIL_BYTES        254
#define EL_MODEL_MAX_TEXT_BYTES         16384
#define EL_MODEL_MAX_TRANSCRIPT_BYTES   262144
#define EL_MODEL_MAX_ARRAY_ITEMS        200
#define EL_MODEL_MAX_WORDS              20000
#define EL_MODEL_MAX_INTEGER            G_GINT64_CONSTANT (9007199254740991)

G_END_DECLS
