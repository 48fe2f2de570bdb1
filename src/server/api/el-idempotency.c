/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Idempotency-Key: see el-idempotency.h. */
#include "config.h"

#include <libsoup/soup.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>

#include "el-api.h"
#include "el-audit.h"
#include "el-idempotency.h"
#include "el-log.h"
#include "el-model-types.h"

#define TABLE  "idempotency_keys"
#define COLUMN "response_body"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_MD_CTX, EVP_MD_CTX_free)

/* Stored and replayed; nothing else (no Set-Cookie, no RateLimit, no request id). */
static const char *const kept_headers[] = { "Content-Type", "ETag", "Location", NULL };

void
el_idempotency_response_free (ElIdempotencyResponse *response)
{
  if (response == NULL)
    return;
  g_free (response->headers_json);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_free (response);
}

/* 1 to 255 visible ASCII characters (the contract's pattern ^[\x21-\x7e]+$). */
gboolean
el_idempotency_key_is_valid (const char *key)
{
  gsize len;

  if (key == NULL)
    return FALSE;
  len = strlen (key);
  if (len == 0 || len > EL_IDEMPOTENCY_KEY_MAX_LEN)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if ((guchar) key[i] < 0x21 || (guchar) key[i] > 0x7e)
      return FALSE;
  return TRUE;
}

static gboolean
misuse (GError **error, const char *message)
{
  g_set_error_literal (error, EL_DB_ERROR, EL_DB_ERROR_MISUSE, message);
  return FALSE;
}

/* ------------------------------------------------------------------------------------------------
 * Storage
 */

/**
 * el_idempotency_claim:
 * @db: the connection, outside any transaction
 * @scope: "user:<uuid>" or "ip:<address>"
 * @key: the Idempotency-Key (el_idempotency_key_is_valid())
 * @method: the request's method
 * @route: the request's route template
 * @request_hash: SHA-256 of the request
 * @now: the time (UTC)
 * @outcome: (out): what to do
 * @stored: (out) (transfer full) (nullable): with %EL_IDEMPOTENCY_REPLAY, the stored response
 * @error: an EL_DB_ERROR
 *
 * Looks the key up and, when it is new (or its claim is older than the lease), claims it
 * (state in_progress), in one IMMEDIATE transaction committed before returning.
 *
 * Returns: %FALSE on a database error
 */
gboolean
el_idempotency_claim (ElDb *db,
                      const char *scope,
                      const char *key,
                      const char *method,
                      const char *route,
                      const guint8 request_hash[EL_IDEMPOTENCY_HASH_LEN],
                      GDateTime *now,
                      ElIdempotencyOutcome *outcome,
                      ElIdempotencyResponse **stored,
                      GError **error)
{
  g_autoptr (ElDbTransaction) txn = NULL;
  g_autoptr (GDateTime) lease_start = g_date_time_add_seconds (now, -EL_IDEMPOTENCY_LEASE_SECONDS);
  g_autofree char *now_str = el_timestamp_format (now);
  g_autofree char *lease_str = el_timestamp_format (lease_start);
  g_autofree char *row_id = g_strdup_printf ("%s|%s", scope, key);
  int rc;

  g_return_val_if_fail (scope != NULL && key != NULL && outcome != NULL, FALSE);
  *outcome = EL_IDEMPOTENCY_IN_PROGRESS;
  if (stored != NULL)
    *stored = NULL;
  if (el_db_in_transaction (db))
    return misuse (error, "an idempotency key is claimed outside the handler's transaction");

  txn = el_db_transaction_begin (db, error);
  if (txn == NULL)
    return FALSE;

  {
    g_autoptr (ElDbStmt) stmt =
        el_db_prepare (db,
                       "SELECT request_hash, state, status, response_headers, response_body, "
                       "updated_at FROM idempotency_keys WHERE scope = ?1 AND key = ?2",
                       error);
    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_text (stmt, 1, scope, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (stmt, 2, key, -1, SQLITE_TRANSIENT);
    rc = el_db_step (db, stmt, error);
    if (rc == SQLITE_ROW)
      {
        const void *hash = sqlite3_column_blob (stmt, 0);
        const char *state = (const char *) sqlite3_column_text (stmt, 1);
        const char *updated_at = (const char *) sqlite3_column_text (stmt, 5);

        if (sqlite3_column_bytes (stmt, 0) != EL_IDEMPOTENCY_HASH_LEN || hash == NULL ||
            CRYPTO_memcmp (hash, request_hash, EL_IDEMPOTENCY_HASH_LEN) != 0)
          {
            *outcome = EL_IDEMPOTENCY_REUSED;
            return TRUE; /* txn rolled back: nothing was written */
          }
        if (g_strcmp0 (state, "done") == 0)
          {
            g_autoptr (ElIdempotencyResponse) response = g_new0 (ElIdempotencyResponse, 1);

            response->status = (guint) sqlite3_column_int (stmt, 2);
            if (sqlite3_column_type (stmt, 3) != SQLITE_NULL)
              response->headers_json = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
            if (sqlite3_column_type (stmt, 4) != SQLITE_NULL)
              {
                response->body = el_db_unseal (db, TABLE, row_id, COLUMN, sqlite3_column_blob (stmt, 4),
                                               (gsize) sqlite3_column_bytes (stmt, 4), error);
                if (response->body == NULL)
                  return FALSE;
              }
            *outcome = EL_IDEMPOTENCY_REPLAY;
            if (stored != NULL)
              *stored = g_steal_pointer (&response);
            return TRUE;
          }
        if (g_strcmp0 (updated_at, lease_str) >= 0)
          {
            *outcome = EL_IDEMPOTENCY_IN_PROGRESS;
            return TRUE;
          }
        /* an abandoned claim (its process died before COMMIT): take it over */
      }
    else if (rc != SQLITE_DONE)
      return FALSE;
  }

  {
    g_autoptr (ElDbStmt) stmt =
        el_db_prepare (db,
                       "INSERT INTO idempotency_keys (scope, key, method, route, request_hash, state, "
                       "created_at, updated_at) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, 'in_progress', ?6, ?6) "
                       "ON CONFLICT (scope, key) DO UPDATE SET state = 'in_progress', updated_at = ?6",
                       error);
    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_text (stmt, 1, scope, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (stmt, 2, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (stmt, 3, method, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (stmt, 4, route, -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob (stmt, 5, request_hash, EL_IDEMPOTENCY_HASH_LEN, SQLITE_TRANSIENT);
    sqlite3_bind_text (stmt, 6, now_str, -1, SQLITE_TRANSIENT);
    if (el_db_step (db, stmt, error) != SQLITE_DONE)
      return FALSE;
  }
  if (!el_db_transaction_commit (txn, error))
    return FALSE;
  *outcome = EL_IDEMPOTENCY_NEW;
  return TRUE;
}

/**
 * el_idempotency_store:
 * @db: the connection, inside the transaction that makes the request's effect
 * @scope: as claimed
 * @key: as claimed
 * @status: the response's status
 * @headers_json: (nullable): a JSON object of headers to replay (no PHI)
 * @body: (nullable): the response body (sealed at rest)
 * @now: the time (UTC)
 * @error: an EL_DB_ERROR (MISUSE outside a transaction or without a claim in progress)
 *
 * Stores the response of a claimed key (state done). It commits with the caller's transaction.
 *
 * Returns: %FALSE on error
 */
gboolean
el_idempotency_store (ElDb *db,
                      const char *scope,
                      const char *key,
                      guint status,
                      const char *headers_json,
                      GBytes *body,
                      GDateTime *now,
                      GError **error)
{
  g_autoptr (ElDbStmt) stmt = NULL;
  g_autoptr (GBytes) sealed = NULL;
  g_autofree char *row_id = g_strdup_printf ("%s|%s", scope, key);
  g_autofree char *now_str = el_timestamp_format (now);

  g_return_val_if_fail (status >= 100 && status <= 599, FALSE);
  if (!el_db_in_transaction (db))
    return misuse (error, "an idempotent response must be stored in the handler's transaction");
  if (body != NULL)
    {
      gsize len = 0;
      const void *data = g_bytes_get_data (body, &len);

      sealed = el_db_seal (db, TABLE, row_id, COLUMN, data, len, error);
      if (sealed == NULL)
        return FALSE;
    }
  stmt = el_db_prepare (
      db,
      "UPDATE idempotency_keys SET state = 'done', status = ?3, response_headers = ?4, "
      "response_body = ?5, updated_at = ?6 WHERE scope = ?1 AND key = ?2 AND state = 'in_progress'",
      error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, scope, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 3, (int) status);
  if (headers_json != NULL)
    sqlite3_bind_text (stmt, 4, headers_json, -1, SQLITE_TRANSIENT);
  if (sealed != NULL)
    {
      gsize len = 0;
      const void *data = g_bytes_get_data (sealed, &len);

      sqlite3_bind_blob (stmt, 5, data, (int) len, SQLITE_TRANSIENT);
    }
  sqlite3_bind_text (stmt, 6, now_str, -1, SQLITE_TRANSIENT);
  if (el_db_step (db, stmt, error) != SQLITE_DONE)
    return FALSE;
  if (sqlite3_changes (el_db_get_handle (db)) != 1)
    return misuse (error, "no idempotency claim in progress for this key");
  return TRUE;
}

/**
 * el_idempotency_release:
 * @db: the connection, outside any transaction
 * @scope: as claimed
 * @key: as claimed
 * @error: an EL_DB_ERROR
 *
 * Drops a claim still in progress (the handler failed and rolled back), so a retry runs again.
 * A stored response is left alone.
 *
 * Returns: %FALSE on error
 */
gboolean
el_idempotency_release (ElDb *db, const char *scope, const char *key, GError **error)
{
  g_autoptr (ElDbStmt) stmt = NULL;

  if (el_db_in_transaction (db))
    return misuse (error, "release an idempotency claim after the handler's transaction has ended");
  stmt = el_db_prepare (
      db, "DELETE FROM idempotency_keys WHERE scope = ?1 AND key = ?2 AND state = 'in_progress'", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, scope, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, key, -1, SQLITE_TRANSIENT);
  return el_db_step (db, stmt, error) == SQLITE_DONE;
}

/* ------------------------------------------------------------------------------------------------
 * Middleware
 */

static char *request_scope (ElHttpRequest *request);

/**
 * el_idempotency_request_scope:
 * @request: a request
 *
 * Returns: (transfer full): the scope its Idempotency-Key is kept under (for
 *   el_idempotency_release() after the request itself is gone)
 */
char *
el_idempotency_request_scope (ElHttpRequest *request)
{
  return request_scope (request);
}

static char *
request_scope (ElHttpRequest *request)
{
  const ElHttpUser *user = el_http_request_get_user (request);

  if (user != NULL && user->id != NULL)
    return g_strdup_printf ("user:%s", user->id);
  return g_strdup_printf ("ip:%s", el_http_request_get_client_ip (request));
}

static void
hash_field (EVP_MD_CTX *md, const void *data, gsize len)
{
  guint8 prefix[8];

  for (guint i = 0; i < 8; i++)
    prefix[i] = (guint8) (((guint64) len) >> (56 - 8 * i));
  EVP_DigestUpdate (md, prefix, sizeof prefix);
  if (len > 0)
    EVP_DigestUpdate (md, data, len);
}

static void
hash_string (EVP_MD_CTX *md, const char *text)
{
  if (text == NULL)
    hash_field (md, "\xff", 1);
  else
    hash_field (md, text, strlen (text));
}

/* SHA-256 of method, route, the path parameters named in the route, and the body. */
static void
request_hash (ElHttpRequest *request, guint8 out[EL_IDEMPOTENCY_HASH_LEN])
{
  g_autoptr (EVP_MD_CTX) md = EVP_MD_CTX_new ();
  const char *route = el_http_request_get_route (request);
  GBytes *body = el_http_request_get_body (request);
  unsigned int len = 0;

  g_assert (md != NULL);
  EVP_DigestInit_ex (md, EVP_sha256 (), NULL);
  hash_string (md, el_http_request_get_method (request));
  hash_string (md, route);
  for (const char *p = route; p != NULL && (p = strchr (p, '{')) != NULL;)
    {
      const char *end = strchr (p, '}');
      g_autofree char *name = NULL;

      if (end == NULL)
        break;
      name = g_strndup (p + 1, (gsize) (end - p - 1));
      hash_string (md, el_http_request_get_param (request, name));
      p = end;
    }
  if (body != NULL)
    {
      gsize body_len = 0;
      const void *data = g_bytes_get_data (body, &body_len);

      hash_string (md, "body");
      hash_field (md, data, body_len);
    }
  else
    {
      hash_string (md, "digest");
      hash_string (md, el_http_request_get_header (request, "Content-Digest"));
    }
  EVP_DigestFinal_ex (md, out, &len);
  g_assert (len == EL_IDEMPOTENCY_HASH_LEN);
}

static void
replay (ElHttpRequest *request, ElIdempotencyResponse *stored)
{
  g_autoptr (JsonNode) headers = NULL;
  const char *content_type = NULL;

  if (stored->headers_json != NULL)
    headers = json_from_string (stored->headers_json, NULL);
  if (headers != NULL && JSON_NODE_HOLDS_OBJECT (headers))
    {
      JsonObject *object = json_node_get_object (headers);

      for (guint i = 0; kept_headers[i] != NULL; i++)
        {
          const char *value = json_object_has_member (object, kept_headers[i])
                                  ? json_object_get_string_member (object, kept_headers[i])
                                  : NULL;

          if (value == NULL)
            continue;
          if (g_str_equal (kept_headers[i], "Content-Type"))
            content_type = value;
          else
            el_http_request_set_header (request, kept_headers[i], value);
        }
    }
  el_http_request_set_header (request, EL_IDEMPOTENCY_REPLAYED_HEADER, "true");
  if (stored->body == NULL || stored->status == SOUP_STATUS_NO_CONTENT)
    el_http_request_respond_empty (request, stored->status);
  else
    el_http_request_respond_bytes (request, stored->status,
                                   content_type != NULL ? content_type : "application/json", stored->body);
}

/**
 * el_idempotency_begin:
 * @ctx: the server context
 * @request: a POST or PATCH request (its body complete)
 * @replayed: (out) (optional): %TRUE when the stored response was sent again
 *
 * Returns: %TRUE when the handler should make its effect (the key is claimed); %FALSE when a
 *   response was sent: the replay, 400 (missing or invalid key), 409, 422 or 500
 */
gboolean
el_idempotency_begin (ElServerContext *ctx, ElHttpRequest *request, gboolean *replayed)
{
  const char *key = el_http_request_get_header (request, "Idempotency-Key");
  g_autofree char *scope = NULL;
  g_autoptr (ElIdempotencyResponse) stored = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autoptr (GError) error = NULL;
  ElIdempotencyOutcome outcome;
  guint8 hash[EL_IDEMPOTENCY_HASH_LEN];

  if (replayed != NULL)
    *replayed = FALSE;
  if (key == NULL)
    {
      el_http_request_respond_problem (request, EL_HTTP_PROBLEM_INVALID_REQUEST,
                                       "this request needs an Idempotency-Key header");
      return FALSE;
    }
  if (!el_idempotency_key_is_valid (key))
    {
      el_http_request_respond_problem (request, EL_HTTP_PROBLEM_INVALID_REQUEST,
                                       "Idempotency-Key must be 1 to 255 visible ASCII characters");
      return FALSE;
    }
  scope = request_scope (request);
  request_hash (request, hash);
  now = g_date_time_new_now_utc ();
  if (!el_idempotency_claim (ctx->db, scope, key, el_http_request_get_method (request),
                             el_http_request_get_route (request), hash, now, &outcome, &stored, &error))
    {
      el_api_respond_internal_error (request, "idempotency: claim", error);
      return FALSE;
    }
  switch (outcome)
    {
      case EL_IDEMPOTENCY_NEW:
        return TRUE;
      case EL_IDEMPOTENCY_REPLAY:
        if (replayed != NULL)
          *replayed = TRUE;
        replay (request, stored);
        return FALSE;
      case EL_IDEMPOTENCY_REUSED:
        el_http_request_respond_problem (request, EL_HTTP_PROBLEM_IDEMPOTENCY_KEY_REUSED,
                                         "this Idempotency-Key was used for another request");
        return FALSE;
      case EL_IDEMPOTENCY_IN_PROGRESS:
      default:
        /* transient: the first request finishes, or its claim expires after the lease */
        el_http_request_set_header (request, "Retry-After", G_STRINGIFY (EL_IDEMPOTENCY_RETRY_AFTER_SECONDS));
        el_http_request_respond_problem (request, EL_HTTP_PROBLEM_IDEMPOTENCY_IN_PROGRESS,
                                         "a request with this Idempotency-Key is still running");
        return FALSE;
    }
}

/**
 * el_idempotency_finish:
 * @ctx: the server context
 * @request: the request given to el_idempotency_begin()
 * @status: the response's status
 * @headers: (nullable): name, value, ... NULL: Content-Type, ETag, Location (others are ignored)
 * @body: (nullable): the response body
 * @error: an EL_DB_ERROR
 *
 * Stores the response, inside the handler's open transaction (commit it afterwards).
 *
 * Returns: %FALSE on error (roll back, then el_idempotency_abort())
 */
gboolean
el_idempotency_finish (ElServerContext *ctx,
                       ElHttpRequest *request,
                       guint status,
                       const char *const *headers,
                       GBytes *body,
                       GError **error)
{
  g_autofree char *scope = request_scope (request);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *headers_json = NULL;
  const char *key = el_http_request_get_header (request, "Idempotency-Key");

  if (!el_idempotency_key_is_valid (key))
    return misuse (error, "el_idempotency_finish() without a valid Idempotency-Key");
  json_builder_begin_object (builder);
  for (guint i = 0; headers != NULL && headers[i] != NULL && headers[i + 1] != NULL; i += 2)
    if (g_strv_contains (kept_headers, headers[i]))
      {
        json_builder_set_member_name (builder, headers[i]);
        json_builder_add_string_value (builder, headers[i + 1]);
      }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  headers_json = json_to_string (root, FALSE);
  return el_idempotency_store (ctx->db, scope, key, status, headers_json, body, now, error);
}

/* Drops the claim after a failure (outside the transaction, rolled back first). */
void
el_idempotency_abort (ElServerContext *ctx, ElHttpRequest *request)
{
  g_autofree char *scope = request_scope (request);
  g_autoptr (GError) error = NULL;
  const char *key = el_http_request_get_header (request, "Idempotency-Key");

  if (!el_idempotency_key_is_valid (key))
    return;
  if (!el_idempotency_release (ctx->db, scope, key, &error))
    el_log_message (EL_LOG_ERROR, "idempotency_release", error->message);
}

/* ------------------------------------------------------------------------------------------------
 * Test route (only in -Dtest_routes=true builds, only with EL_TEST_ROUTES=1):
 *
 *   POST /api/_test/idempotent   {"fail":bool,"delay_ms":N}  Idempotency-Key required
 *
 * The effect is an audit event "test.idempotent"; the answer is 201 {"effects":N} (the number of
 * such events after this one) with an ETag, stored with the effect. "fail" makes the effect,
 * rolls it back, drops the claim and answers 422; "delay_ms" (at most 5000) answers later, so a
 * duplicate can arrive meanwhile.
 */

#ifdef EL_TEST_ROUTES

typedef struct
{
  ElServerContext *ctx;
  ElHttpRequest *request;
  gboolean fail;
} TestCall;

static void
test_call_free (TestCall *call)
{
  el_http_request_unref (call->request);
  g_free (call);
}

static TestCall *
test_call_new (ElServerContext *ctx, ElHttpRequest *request, gboolean fail)
{
  TestCall *call = g_new0 (TestCall, 1);

  call->ctx = ctx;
  call->request = el_http_request_ref (request);
  call->fail = fail;
  return call;
}

static gint64
count_test_effects (ElDb *db, GError **error)
{
  g_autoptr (ElDbStmt) stmt =
      el_db_prepare (db, "SELECT count(*) FROM audit_events WHERE action = 'test.idempotent'", error);

  if (stmt == NULL || el_db_step (db, stmt, error) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

static gboolean
test_run_cb (gpointer user_data)
{
  TestCall *call = user_data;
  ElServerContext *ctx = call->ctx;
  ElHttpRequest *request = call->request;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDbTransaction) txn = el_db_transaction_begin (ctx->db, &error);
  g_autoptr (GBytes) body = NULL;
  g_autofree char *text = NULL;
  gint64 n;
  const char *headers[] = { "Content-Type", "application/json", "ETag", "\"test-etag\"", NULL };

  if (txn == NULL || el_audit_append (ctx->db, NULL, "test.idempotent", "test", NULL, NULL, &error) <= 0 ||
      (n = count_test_effects (ctx->db, &error)) < 0)
    {
      g_clear_pointer (&txn, el_db_transaction_free);
      el_idempotency_abort (ctx, request);
      el_api_respond_internal_error (request, "test: effect", error);
      return G_SOURCE_REMOVE;
    }
  if (call->fail)
    {
      g_clear_pointer (&txn, el_db_transaction_free);
      el_idempotency_abort (ctx, request);
      el_http_request_respond_problem (request, EL_HTTP_PROBLEM_VALIDATION_FAILED, "told to fail");
      return G_SOURCE_REMOVE;
    }
  text = g_strdup_printf ("{\"effects\":%" G_GINT64_FORMAT "}", n);
  body = g_bytes_new (text, strlen (text));
  if (!el_idempotency_finish (ctx, request, SOUP_STATUS_CREATED, headers, body, &error) ||
      !el_db_transaction_commit (txn, &error))
    {
      g_clear_pointer (&txn, el_db_transaction_free);
      el_idempotency_abort (ctx, request);
      el_api_respond_internal_error (request, "test: store", error);
      return G_SOURCE_REMOVE;
    }
  el_http_request_set_header (request, "ETag", "\"test-etag\"");
  el_http_request_respond_bytes (request, SOUP_STATUS_CREATED, "application/json", body);
  return G_SOURCE_REMOVE;
}

static void
test_idempotent_cb (ElHttpRequest *request, gpointer user_data)
{
  ElServerContext *ctx = user_data;
  g_autoptr (JsonNode) node = el_http_request_read_json (request);
  JsonObject *object;
  gint64 delay_ms = 0;

  if (node == NULL)
    return;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      el_http_request_respond_problem (request, EL_HTTP_PROBLEM_VALIDATION_FAILED, "an object");
      return;
    }
  if (!el_idempotency_begin (ctx, request, NULL))
    return;
  object = json_node_get_object (node);
  delay_ms = CLAMP (json_object_get_int_member_with_default (object, "delay_ms", 0), 0, 5000);
  g_timeout_add_full (
      G_PRIORITY_DEFAULT, (guint) delay_ms, test_run_cb,
      test_call_new (ctx, request, json_object_get_boolean_member_with_default (object, "fail", FALSE)),
      (GDestroyNotify) test_call_free);
}

void
el_idempotency_add_test_route (ElServerContext *ctx)
{
  if (g_strcmp0 (g_getenv ("EL_TEST_ROUTES"), "1") != 0)
    return;
  el_http_server_add_route (ctx->server, "POST", "/api/_test/idempotent", EL_HTTP_ROUTE_JSON,
                            test_idempotent_cb, ctx, NULL);
}

#else

void
el_idempotency_add_test_route (ElServerContext *ctx)
{
}

#endif
