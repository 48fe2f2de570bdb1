/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * RFC 9457 problem details. Every 4xx/5xx response of the server is `application/problem+json`:
 *
 *   {"type":"https://eclipselink.ai/problems/not_found","title":"Not found","status":404,
 *    "code":"not_found","detail":"...","instance":"urn:uuid:<request id>"}
 *
 * `code` is one of data/openapi.json's ErrorCode values (tests/test-server-http.c checks that this
 * enum and the document agree); clients branch on it. `detail` is for developers and must never
 * hold PHI, secrets or a value sent by the client.
 */

#define EL_HTTP_PROBLEM_TYPE_BASE    "https://eclipselink.ai/problems/"
#define EL_HTTP_PROBLEM_CONTENT_TYPE "application/problem+json"

typedef enum
{
  EL_HTTP_PROBLEM_INVALID_REQUEST,         /* 400 */
  EL_HTTP_PROBLEM_VALIDATION_FAILED,       /* 422 */
  EL_HTTP_PROBLEM_UNAUTHORIZED,            /* 401 */
  EL_HTTP_PROBLEM_INVALID_CREDENTIALS,     /* 401 */
  EL_HTTP_PROBLEM_TOKEN_EXPIRED,           /* 401 */
  EL_HTTP_PROBLEM_FORBIDDEN,               /* 403 */
  EL_HTTP_PROBLEM_NOT_FOUND,               /* 404 */
  EL_HTTP_PROBLEM_CONFLICT,                /* 409 */
  EL_HTTP_PROBLEM_VERSION_CONFLICT,        /* 409 */
  EL_HTTP_PROBLEM_PRECONDITION_FAILED,     /* 412 */
  EL_HTTP_PROBLEM_PRECONDITION_REQUIRED,   /* 428 */
  EL_HTTP_PROBLEM_LOCKED,                  /* 423 */
  EL_HTTP_PROBLEM_PAYLOAD_TOO_LARGE,       /* 413 */
  EL_HTTP_PROBLEM_UNSUPPORTED_MEDIA_TYPE,  /* 415 */
  EL_HTTP_PROBLEM_RATE_LIMITED,            /* 429 */
  EL_HTTP_PROBLEM_IDEMPOTENCY_KEY_REUSED,  /* 422 */
  EL_HTTP_PROBLEM_IDEMPOTENCY_IN_PROGRESS, /* 409, with Retry-After */
  EL_HTTP_PROBLEM_INVALID_TRANSITION,      /* 409 */
  EL_HTTP_PROBLEM_INTERNAL_ERROR,          /* 500 */
  EL_HTTP_PROBLEM_SERVICE_UNAVAILABLE,     /* 503 */
  EL_HTTP_PROBLEM_N_CODES,
} ElHttpProblemCode;

const char *el_http_problem_code_to_string (ElHttpProblemCode code);
gboolean el_http_problem_code_from_string (const char *str, ElHttpProblemCode *out);
guint el_http_problem_code_get_status (ElHttpProblemCode code);
const char *el_http_problem_code_get_title (ElHttpProblemCode code);

JsonObject *
el_http_problem_new (guint status, ElHttpProblemCode code, const char *detail, const char *request_id);
GBytes *el_http_problem_to_bytes (JsonObject *problem);

G_END_DECLS
