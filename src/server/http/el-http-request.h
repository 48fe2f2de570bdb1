/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "el-http-problem.h"
#include "el-model-enums.h"

G_BEGIN_DECLS

/*
 * ElHttpRequest: what a route handler gets (see el-http-server.h for routes).
 *
 * A handler answers with exactly one el_http_request_respond_*() call, either before it returns
 * or later (keep a reference with el_http_request_ref() and answer from a callback: the message
 * stays paused meanwhile). The framework adds the common headers to every answer (security
 * headers, X-Request-Id, Cache-Control, CORS, RateLimit) and logs one line per request.
 *
 *   static void
 *   get_handoff (ElHttpRequest *req, gpointer user_data)
 *   {
 *     const char *id = el_http_request_get_param (req, "handoff_id");
 *     ...
 *     el_http_request_respond_json (req, SOUP_STATUS_OK, node);
 *   }
 *
 *   static void
 *   create_handoff (ElHttpRequest *req, gpointer user_data)
 *   {
 *     g_autoptr (JsonNode) body = el_http_request_read_json (req);
 *     if (body == NULL)
 *       return; // 415 or 400 problem already sent
 *     ...
 *   }
 *
 * Everything returned by the getters belongs to the request and lives as long as it does. Query
 * parameters, path parameters and header values come from the client: validate them, and never
 * log them.
 */

typedef struct ElHttpRequest ElHttpRequest;

/**
 * ElHttpUser:
 * @id: the user's id (canonical UUID)
 * @role: the user's role
 * @unit_id: (nullable): the user's unit
 *
 * The authenticated user of a request, as the authenticator (el_http_server_set_authenticator())
 * filled it in.
 */
typedef struct
{
  char *id;
  ElRole role;
  char *unit_id;
} ElHttpUser;

ElHttpRequest *el_http_request_ref (ElHttpRequest *self);
void el_http_request_unref (ElHttpRequest *self);

const char *el_http_request_get_id (ElHttpRequest *self);
const char *el_http_request_get_method (ElHttpRequest *self);
const char *el_http_request_get_route (ElHttpRequest *self);
const char *el_http_request_get_param (ElHttpRequest *self, const char *name);
const char *el_http_request_get_query (ElHttpRequest *self, const char *name);
GHashTable *el_http_request_get_query_params (ElHttpRequest *self);
const char *el_http_request_get_header (ElHttpRequest *self, const char *name);
const char *el_http_request_get_client_ip (ElHttpRequest *self);
const ElHttpUser *el_http_request_get_user (ElHttpRequest *self);
GCancellable *el_http_request_get_cancellable (ElHttpRequest *self);

GBytes *el_http_request_get_body (ElHttpRequest *self);
JsonNode *el_http_request_read_json (ElHttpRequest *self);

void el_http_request_set_data (ElHttpRequest *self, gpointer data, GDestroyNotify destroy);
gpointer el_http_request_get_data (ElHttpRequest *self);

void el_http_request_pause_body (ElHttpRequest *self);
void el_http_request_resume_body (ElHttpRequest *self);

void el_http_request_set_header (ElHttpRequest *self, const char *name, const char *value);
gboolean el_http_request_has_responded (ElHttpRequest *self);
void el_http_request_respond_json (ElHttpRequest *self, guint status, JsonNode *node);
void
el_http_request_respond_bytes (ElHttpRequest *self, guint status, const char *content_type, GBytes *body);
void el_http_request_respond_empty (ElHttpRequest *self, guint status);
void el_http_request_respond_problem (ElHttpRequest *self, ElHttpProblemCode code, const char *detail);
void el_http_request_respond_problem_full (
    ElHttpRequest *self, guint status, ElHttpProblemCode code, const char *detail, JsonObject *extra);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElHttpRequest, el_http_request_unref)

G_END_DECLS
