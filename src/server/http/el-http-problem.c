/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-http-problem.h"

#include "el-model-types.h"

typedef struct
{
  const char *code;
  guint status;
  const char *title;
} ProblemInfo;

static const ProblemInfo problems[EL_HTTP_PROBLEM_N_CODES] = {
  [EL_HTTP_PROBLEM_INVALID_REQUEST] = { "invalid_request", 400, "Invalid request" },
  [EL_HTTP_PROBLEM_VALIDATION_FAILED] = { "validation_failed", 422, "Validation failed" },
  [EL_HTTP_PROBLEM_UNAUTHORIZED] = { "unauthorized", 401, "Authentication required" },
  [EL_HTTP_PROBLEM_INVALID_CREDENTIALS] = { "invalid_credentials", 401, "Invalid email or password" },
  [EL_HTTP_PROBLEM_TOKEN_EXPIRED] = { "token_expired", 401, "Access token expired" },
  [EL_HTTP_PROBLEM_FORBIDDEN] = { "forbidden", 403, "Forbidden" },
  [EL_HTTP_PROBLEM_NOT_FOUND] = { "not_found", 404, "Not found" },
  [EL_HTTP_PROBLEM_CONFLICT] = { "conflict", 409, "Conflict" },
  [EL_HTTP_PROBLEM_VERSION_CONFLICT] = { "version_conflict", 409, "Version conflict" },
  [EL_HTTP_PROBLEM_PRECONDITION_FAILED] = { "precondition_failed", 412, "Precondition failed" },
  [EL_HTTP_PROBLEM_PRECONDITION_REQUIRED] = { "precondition_required", 428, "Precondition required" },
  [EL_HTTP_PROBLEM_LOCKED] = { "locked", 423, "Locked" },
  [EL_HTTP_PROBLEM_PAYLOAD_TOO_LARGE] = { "payload_too_large", 413, "Payload too large" },
  [EL_HTTP_PROBLEM_UNSUPPORTED_MEDIA_TYPE] = { "unsupported_media_type", 415, "Unsupported media type" },
  [EL_HTTP_PROBLEM_RATE_LIMITED] = { "rate_limited", 429, "Too many requests" },
  [EL_HTTP_PROBLEM_IDEMPOTENCY_KEY_REUSED] = { "idempotency_key_reused", 422, "Idempotency key reused" },
  [EL_HTTP_PROBLEM_IDEMPOTENCY_IN_PROGRESS] = { "idempotency_in_progress", 409, "Request still in progress" },
  [EL_HTTP_PROBLEM_INVALID_TRANSITION] = { "invalid_transition", 409, "Invalid status transition" },
  [EL_HTTP_PROBLEM_INTERNAL_ERROR] = { "internal_error", 500, "Internal server error" },
  [EL_HTTP_PROBLEM_SERVICE_UNAVAILABLE] = { "service_unavailable", 503, "Service unavailable" },
};

const char *
el_http_problem_code_to_string (ElHttpProblemCode code)
{
  g_return_val_if_fail (code < EL_HTTP_PROBLEM_N_CODES, NULL);
  return problems[code].code;
}

gboolean
el_http_problem_code_from_string (const char *str, ElHttpProblemCode *out)
{
  for (guint i = 0; i < EL_HTTP_PROBLEM_N_CODES; i++)
    if (g_strcmp0 (str, problems[i].code) == 0)
      {
        *out = (ElHttpProblemCode) i;
        return TRUE;
      }
  return FALSE;
}

/* The status a code usually goes with (a handler may use another, e.g. 405 with invalid_request). */
guint
el_http_problem_code_get_status (ElHttpProblemCode code)
{
  g_return_val_if_fail (code < EL_HTTP_PROBLEM_N_CODES, 500);
  return problems[code].status;
}

const char *
el_http_problem_code_get_title (ElHttpProblemCode code)
{
  g_return_val_if_fail (code < EL_HTTP_PROBLEM_N_CODES, NULL);
  return problems[code].title;
}

/**
 * el_http_problem_new:
 * @status: the HTTP status (400..599)
 * @code: the stable code
 * @detail: (nullable): developer-facing explanation, without PHI
 * @request_id: (nullable): the request id, written as `instance` (`urn:uuid:<id>`)
 *
 * Returns: (transfer full): the problem object; add `errors` or `latest` before encoding
 */
JsonObject *
el_http_problem_new (guint status, ElHttpProblemCode code, const char *detail, const char *request_id)
{
  JsonObject *obj = json_object_new ();
  g_autofree char *type = NULL;

  g_return_val_if_fail (code < EL_HTTP_PROBLEM_N_CODES, obj);

  type = g_strconcat (EL_HTTP_PROBLEM_TYPE_BASE, problems[code].code, NULL);
  json_object_set_string_member (obj, "type", type);
  json_object_set_string_member (obj, "title", problems[code].title);
  json_object_set_int_member (obj, "status", status);
  json_object_set_string_member (obj, "code", problems[code].code);
  if (detail != NULL)
    json_object_set_string_member (obj, "detail", detail);
  if (request_id != NULL)
    {
      g_autofree char *instance = g_strconcat ("urn:uuid:", request_id, NULL);
      json_object_set_string_member (obj, "instance", instance);
    }
  return obj;
}

GBytes *
el_http_problem_to_bytes (JsonObject *problem)
{
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), problem);
  gsize len = 0;
  char *data = el_json_node_to_data (node, &len);

  return g_bytes_new_take (data, len);
}
