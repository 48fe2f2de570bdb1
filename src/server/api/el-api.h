/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "el-models.h"
#include "el-server-context.h"

G_BEGIN_DECLS

/*
 * The API endpoints (/api/v1/...), registered by `serve` on the context's server. Each function
 * adds its routes with @ctx as their user data.
 *
 * el_api_auth_register(): the bearer-token authenticator (HS256 JWT, el-jwt.h, and the user must
 *   still exist and not be disabled), POST /api/v1/auth/login, /auth/refresh, /auth/logout and
 *   GET /api/v1/me. Call it before el_http_server_add_test_routes() (the test authenticator falls
 *   back to the one set before it).
 * el_api_census_register(): GET /api/v1/units and GET /api/v1/patients?unit_id=.
 */
void el_api_auth_register (ElServerContext *ctx);
void el_api_census_register (ElServerContext *ctx);
void el_api_handoffs_register (ElServerContext *ctx);   /* el-api-handoffs.c: /api/v1/handoffs... */
void el_api_sbar_register (ElServerContext *ctx);       /* el-api-sbar.c: /api/v1/handoffs/{id}/sbar... */
void el_api_changes_register (ElServerContext *ctx);    /* el-api-changes.c: GET /api/v1/changes */
void el_api_recordings_register (ElServerContext *ctx); /* el-api-recordings.c: audio upload, GET recording */
/* el-api-handoffs.c: helpers shared by the handoff, SBAR and recording endpoints. */
char *el_api_user_unit (ElServerContext *ctx, ElHttpRequest *req);
gboolean el_api_user_can_see_unit (ElServerContext *ctx, ElHttpRequest *req, const char *unit_id);
void el_api_set_etag (ElHttpRequest *req, const char *etag);
void el_api_respond_repo_error (ElHttpRequest *req, const GError *error, ElSbarVersion *latest);
ElHandoff *el_api_load_handoff (ElServerContext *ctx, ElHttpRequest *req);
gboolean
el_api_idempotency_begin (ElServerContext *ctx, ElHttpRequest *req, gboolean required, gboolean *claimed);
void el_api_fail (ElServerContext *ctx,
                  ElHttpRequest *req,
                  gboolean claimed,
                  ElDbTransaction **txn,
                  const GError *error,
                  ElSbarVersion *latest);
gboolean el_api_finish_json (ElServerContext *ctx,
                             ElHttpRequest *req,
                             gboolean claimed,
                             ElDbTransaction **txn,
                             guint status,
                             JsonNode *node,
                             const char *etag,
                             const char *location);

/* el-api-auth.c: shared by the endpoints. */
void el_api_respond_internal_error (ElHttpRequest *request, const char *what, const GError *error);

G_END_DECLS
