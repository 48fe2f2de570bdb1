/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "el-db.h"
#include "el-http-request.h"
#include "el-server-context.h"

G_BEGIN_DECLS

/*
 * Idempotency-Key for POST and PATCH (table idempotency_keys; the contract's IdempotencyKey
 * parameter): a retry with the same key and the same request gets the first response again and
 * changes nothing; the same key with another request is 422 `idempotency_key_reused`; a retry
 * while the first is still running is 409 `idempotency_in_progress` with `Retry-After` (a
 * transient answer: the client retries later with the same key).
 *
 * In a handler:
 *
 *   gboolean replayed;
 *   if (!el_idempotency_begin (ctx, req, &replayed))
 *     return;                              // replayed, or 400/409/422/500 already sent
 *   txn = el_db_transaction_begin (ctx->db, &error);
 *   ... the effect (repository writes) ...
 *   if (!el_idempotency_finish (ctx, req, 201, headers, body, &error) ||  // in the same transaction
 *       !el_db_transaction_commit (txn, &error))
 *     {
 *       g_clear_pointer (&txn, el_db_transaction_free);   // roll back first
 *       el_idempotency_abort (ctx, req);                  // then drop the claim: a retry runs again
 *       ... answer the error ...
 *       return;
 *     }
 *   el_http_request_respond_bytes (req, 201, "application/json", body);
 *
 * Every path out of a handler after a successful begin must call finish (and commit) or abort.
 * A crash between COMMIT and the reply leaves the stored response, which the retry gets; a crash
 * before COMMIT leaves the claim `in_progress`: a retry gets 409 until the claim is older than
 * %EL_IDEMPOTENCY_LEASE_SECONDS, then runs again (nothing of the first attempt was committed).
 *
 * Scope: "user:<uuid>" for an authenticated request, else "ip:<client address>". The request hash
 * is SHA-256 over the method, the route template, the path parameters' values and the body (for a
 * streaming route, which keeps no body, its Content-Digest header instead). The stored body is
 * sealed (el_db_seal(), row id "<scope>|<key>"); the stored headers (JSON object) hold only
 * Content-Type, ETag and Location.
 */

#define EL_IDEMPOTENCY_KEY_MAX_LEN         255
#define EL_IDEMPOTENCY_HASH_LEN            32
#define EL_IDEMPOTENCY_LEASE_SECONDS       60
#define EL_IDEMPOTENCY_RETRY_AFTER_SECONDS 5 /* Retry-After of a 409 idempotency_in_progress */
#define EL_IDEMPOTENCY_REPLAYED_HEADER     "Idempotent-Replayed"

typedef enum
{
  EL_IDEMPOTENCY_NEW,         /* claimed (in_progress): run the handler */
  EL_IDEMPOTENCY_REPLAY,      /* done with the same request: replay the stored response */
  EL_IDEMPOTENCY_REUSED,      /* the key was used for another request: 422 */
  EL_IDEMPOTENCY_IN_PROGRESS, /* the same request is still running: 409 */
} ElIdempotencyOutcome;

/**
 * ElIdempotencyResponse:
 * @status: the HTTP status
 * @headers_json: (nullable): a JSON object of header names and values
 * @body: (nullable): the body (opened)
 */
typedef struct
{
  guint status;
  char *headers_json;
  GBytes *body;
} ElIdempotencyResponse;

void el_idempotency_response_free (ElIdempotencyResponse *response);

gboolean el_idempotency_key_is_valid (const char *key);

/* The storage, on an ElDb (tests call these directly). */
gboolean el_idempotency_claim (ElDb *db,
                               const char *scope,
                               const char *key,
                               const char *method,
                               const char *route,
                               const guint8 request_hash[EL_IDEMPOTENCY_HASH_LEN],
                               GDateTime *now,
                               ElIdempotencyOutcome *outcome,
                               ElIdempotencyResponse **stored,
                               GError **error);
gboolean el_idempotency_store (ElDb *db,
                               const char *scope,
                               const char *key,
                               guint status,
                               const char *headers_json,
                               GBytes *body,
                               GDateTime *now,
                               GError **error);
gboolean el_idempotency_release (ElDb *db, const char *scope, const char *key, GError **error);

/* The middleware, for handlers. */
gboolean el_idempotency_begin (ElServerContext *ctx, ElHttpRequest *request, gboolean *replayed);
gboolean el_idempotency_finish (ElServerContext *ctx,
                                ElHttpRequest *request,
                                guint status,
                                const char *const *headers,
                                GBytes *body,
                                GError **error);
void el_idempotency_abort (ElServerContext *ctx, ElHttpRequest *request);
char *el_idempotency_request_scope (ElHttpRequest *request);

/* POST /api/_test/idempotent, with EL_TEST_ROUTES=1 in -Dtest_routes=true builds (tests). */
void el_idempotency_add_test_route (ElServerContext *ctx);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElIdempotencyResponse, el_idempotency_response_free)

G_END_DECLS
