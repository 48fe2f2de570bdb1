/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "el-api-client.h"

G_BEGIN_DECLS

/* Helpers shared inside src/core/api (not installed, not for other folders). */

ElApiProblem *
el_api_problem_new (guint status, const char *content_type, GBytes *body, gint64 retry_after_ms);

void el_api_set_error (GError **error, ElApiError code, ElApiProblem *problem, const char *format, ...)
    G_GNUC_PRINTF (4, 5);

ElApiResponse *
el_api_response_new (guint status, SoupMessageHeaders *headers, GBytes *body, JsonNode *json, guint attempts);

ElApiChangePage *el_api_change_page_new_from_json (JsonNode *node, GError **error);

JsonNode *el_api_parse_json (GBytes *body, GError **error);

gint64 el_api_parse_retry_after (const char *value, GDateTime *now);

G_END_DECLS

G_BEGIN_DECLS

/* One request as el-api-client.c sends it (el-api-calls.c builds these). */
typedef struct
{
  const char *method;
  const char *route; /* template, for messages */
  const char *path;  /* path and query, escaped */
  ElApiCallFlags flags;
  GBytes *body; /* nullable; a secret body is a GBytes that wipes itself */
  const char *content_type;
  const char *idempotency_key;
  const char *if_match; /* unquoted */
  /* uploads: a fresh stream per attempt */
  ElApiOpenStreamFunc open_stream;
  gpointer open_data;
  GDestroyNotify open_data_destroy;
  gint64 size;
  const char *content_digest;
  gboolean system; /* /api/health: not stopped by an open circuit, not counted by it */
  /* downloads: the Accept header (NULL: JSON), and the largest body taken (0: no limit; a larger
   * Content-Length stops the attempt before the body is read: EL_API_ERROR_INVALID_RESPONSE, no
   * retry). A call with a limit is a transfer: its deadline is "upload-timeout". */
  const char *accept;
  gint64 max_body;
} ElApiCallSpec;

void el_api_client_send_async (ElApiClient *self,
                               const ElApiCallSpec *spec,
                               GCancellable *cancellable,
                               gpointer source_tag,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
ElApiResponse *
el_api_client_send_finish (ElApiClient *self, GAsyncResult *result, gpointer source_tag, GError **error);

GBytes *el_api_bytes_new_secret (char *data, gsize len);
void el_api_json_append_string (GString *out, const char *value);

G_END_DECLS
