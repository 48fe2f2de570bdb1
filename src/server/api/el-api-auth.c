/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Authentication endpoints: login, refresh, logout, me, and the bearer-token authenticator.
 *
 * Login: the login guard (per account and per IP) counts the attempt before the password is
 * checked; an unknown account spends the time of a verification (el_password_verify_dummy()),
 * and an unknown account, a wrong password and a disabled account all get the same 401
 * `invalid_credentials` body. Audit events: auth.login (success) and auth.login_failed, with the
 * user id when the account exists, never the email.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <openssl/crypto.h>
#include <string.h>

#include "el-api.h"
#include "el-audit.h"
#include "el-jwt.h"
#include "el-log.h"
#include "el-model-types.h"
#include "el-password.h"
#include "el-repo.h"

#define LOGIN_EMAIL_MAX_BYTES 254
#define TOKEN_MAX_BYTES       4096
#define INVALID_CREDENTIALS   "the email or the password is wrong"

/* Sends 500 `internal_error` and logs what failed (the error message holds no PHI or secret). */
void
el_api_respond_internal_error (ElHttpRequest *request, const char *what, const GError *error)
{
  GString *line = el_log_line_new (EL_LOG_ERROR, "internal_error");

  if (line != NULL)
    {
      el_log_line_add_string (line, "request_id", el_http_request_get_id (request));
      el_log_line_add_string (line, "what", what);
      el_log_line_add_string (line, "error", error != NULL ? error->message : "unknown");
      el_log_line_write (line);
    }
  el_http_request_respond_problem (request, EL_HTTP_PROBLEM_INTERNAL_ERROR, "the server could not do this");
}

/* ------------------------------------------------------------------------------------------------
 * Request bodies: strict objects with exactly the members named (all strings).
 */

static const char *
string_member (JsonObject *object, const char *name, gsize min_len, gsize max_len)
{
  JsonNode *node = json_object_get_member (object, name);
  const char *value;
  gsize len;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  value = json_node_get_string (node);
  len = strlen (value);
  if (len < min_len || len > max_len)
    return NULL;
  return value;
}

/* TRUE if the raw body holds a \u0000 escape: C strings would cut a password or token there, so
 * "secret\u0000anything" must not sign in as "secret". */
static gboolean
body_has_nul_escape (ElHttpRequest *request)
{
  GBytes *body = el_http_request_get_body (request);
  gsize len = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;

  for (gsize i = 0; data != NULL && i + 6 <= len; i++)
    if (data[i] == '\\' && (data[i + 1] == 'u' || data[i + 1] == 'U') &&
        memcmp (data + i + 2, "0000", 4) == 0)
      return TRUE;
  return FALSE;
}

/* Returns the object when it has exactly @n_members members (and no NUL), else answers 422. */
static JsonObject *
read_object (ElHttpRequest *request, JsonNode *body, guint n_members)
{
  if (!JSON_NODE_HOLDS_OBJECT (body) || json_object_get_size (json_node_get_object (body)) != n_members ||
      body_has_nul_escape (request))
    {
      el_http_request_respond_problem (request, EL_HTTP_PROBLEM_VALIDATION_FAILED,
                                       "the body does not match the schema");
      return NULL;
    }
  return json_node_get_object (body);
}

static void
validation_failed (ElHttpRequest *request, const char *detail)
{
  el_http_request_respond_problem (request, EL_HTTP_PROBLEM_VALIDATION_FAILED, detail);
}

/* ------------------------------------------------------------------------------------------------
 * Tokens
 */

static JsonNode *
token_response (ElServerContext *ctx, ElUser *user, const char *refresh_token)
{
  g_autoptr (ElJwtClaims) claims = NULL;
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *access = NULL;
  gint64 ttl = ctx->config->jwt_expires_seconds;

  claims = el_jwt_claims_new (el_user_get_id (user), el_user_get_role (user), el_user_get_unit_id (user),
                              g_get_real_time () / G_USEC_PER_SEC, ttl);
  access = el_jwt_sign (ctx->config->jwt_secret, ctx->config->jwt_secret_len, claims);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "access_token");
  json_builder_add_string_value (builder, access);
  json_builder_set_member_name (builder, "refresh_token");
  json_builder_add_string_value (builder, refresh_token);
  json_builder_set_member_name (builder, "token_type");
  json_builder_add_string_value (builder, "Bearer");
  json_builder_set_member_name (builder, "expires_in");
  json_builder_add_int_value (builder, ttl);
  json_builder_set_member_name (builder, "user");
  json_builder_add_value (builder, el_user_to_json (user));
  json_builder_end_object (builder);
  OPENSSL_cleanse (access, strlen (access));
  return json_builder_get_root (builder);
}

/* Appends an audit event in its own transaction (a failure is logged, not fatal). */
static void
audit (
    ElServerContext *ctx, const char *actor_id, const char *action, const char *user_id, const char *detail)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDbTransaction) txn = el_db_transaction_begin (ctx->db, &error);

  if (txn == NULL || el_audit_append (ctx->db, actor_id, action, "user", user_id, detail, &error) <= 0 ||
      !el_db_transaction_commit (txn, &error))
    el_log_message (EL_LOG_ERROR, "audit_failed", error != NULL ? error->message : action);
}

/* ------------------------------------------------------------------------------------------------
 * POST /api/v1/auth/login
 */

static void
login_failed (
    ElServerContext *ctx, ElHttpRequest *request, const char *email, const char *user_id, const char *reason)
{
  g_autofree char *detail = g_strdup_printf ("{\"reason\":\"%s\"}", reason);

  el_login_guard_record_failure (ctx->login_guard, email, el_http_request_get_client_ip (request),
                                 el_server_context_now_ms ());
  audit (ctx, NULL, "auth.login_failed", user_id, detail);
  el_http_request_respond_problem (request, EL_HTTP_PROBLEM_INVALID_CREDENTIALS, INVALID_CREDENTIALS);
}

static void
login_cb (ElHttpRequest *request, gpointer user_data)
{
  ElServerContext *ctx = user_data;
  g_autoptr (JsonNode) body = el_http_request_read_json (request);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElUser) user = NULL;
  g_autoptr (ElRefreshGrant) grant = NULL;
  g_autoptr (ElDbTransaction) txn = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autoptr (JsonNode) response = NULL;
  g_autofree char *email = NULL;
  g_autofree char *hash = NULL;
  const char *ip = el_http_request_get_client_ip (request);
  JsonObject *object;
  const char *email_in, *password;
  gboolean disabled = FALSE;
  gboolean ok;
  guint retry_after = 0;
  gsize password_len;

  if (body == NULL)
    return;
  object = read_object (request, body, 2);
  if (object == NULL)
    return;
  email_in = string_member (object, "email", 3, LOGIN_EMAIL_MAX_BYTES);
  password = string_member (object, "password", 1, EL_PASSWORD_MAX_BYTES);
  if (email_in == NULL || strchr (email_in, '@') == NULL || !g_utf8_validate (email_in, -1, NULL))
    {
      validation_failed (request, "email must be an email address of at most 254 bytes");
      return;
    }
  if (password == NULL)
    {
      validation_failed (request, "password must be a string of 1 to 1024 bytes");
      return;
    }
  password_len = strlen (password);
  email = g_utf8_strdown (email_in, -1);

  if (!el_login_guard_check (ctx->login_guard, email, ip, el_server_context_now_ms (), &retry_after))
    {
      g_autofree char *value = g_strdup_printf ("%u", MAX (retry_after, 1));

      el_http_request_set_header (request, "Retry-After", value);
      el_http_request_respond_problem (request, EL_HTTP_PROBLEM_RATE_LIMITED,
                                       "too many failed sign-ins; try again later");
      return;
    }

  user = el_repo_user_get_by_email (ctx->db, email, &hash, &disabled, &error);
  if (user == NULL && !g_error_matches (error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND))
    {
      el_api_respond_internal_error (request, "login: reading the user", error);
      return;
    }
  g_clear_error (&error);
  if (user == NULL)
    {
      el_password_verify_dummy (password, password_len);
      {
        login_failed (ctx, request, email, NULL, "unknown_account");
        return;
      }
    }

  ok = el_password_verify (hash, password, password_len, &error);
  if (!ok || disabled)
    {
      if (error != NULL)
        el_log_message (EL_LOG_WARN, "password_verify", error->message);
      {
        login_failed (ctx, request, email, el_user_get_id (user), ok ? "disabled" : "wrong_password");
        return;
      }
    }
  el_login_guard_record_success (ctx->login_guard, email, ip, el_server_context_now_ms ());

  if (el_password_needs_rehash (hash))
    {
      g_autofree char *rehash = el_password_hash (password, password_len, &error);

      if (rehash == NULL || !el_repo_user_set_password_hash (ctx->db, el_user_get_id (user), rehash,
                                                             el_user_get_id (user), &error))
        el_log_message (EL_LOG_WARN, "rehash_failed", error->message);
      g_clear_error (&error);
    }

  now = g_date_time_new_now_utc ();
  txn = el_db_transaction_begin (ctx->db, &error);
  if (txn == NULL)
    {
      el_api_respond_internal_error (request, "login: begin", error);
      return;
    }
  grant = el_refresh_store_issue (ctx->refresh_store, el_user_get_id (user), now, &error);
  if (grant == NULL)
    {
      el_api_respond_internal_error (request, "login: refresh token", error);
      return;
    }
  if (el_audit_append (ctx->db, el_user_get_id (user), "auth.login", "user", el_user_get_id (user), NULL,
                       &error) <= 0 ||
      !el_db_transaction_commit (txn, &error))
    {
      el_api_respond_internal_error (request, "login: commit", error);
      return;
    }

  response = token_response (ctx, user, grant->token);
  el_http_request_respond_json (request, SOUP_STATUS_OK, response);
}

/* ------------------------------------------------------------------------------------------------
 * POST /api/v1/auth/refresh and /api/v1/auth/logout
 */

static const char *
read_refresh_token (ElHttpRequest *request, JsonNode *body)
{
  JsonObject *object = read_object (request, body, 1);
  const char *token;

  if (object == NULL)
    return NULL;
  token = string_member (object, "refresh_token", 1, TOKEN_MAX_BYTES);
  if (token == NULL)
    validation_failed (request, "refresh_token must be a string of 1 to 4096 bytes");
  return token;
}

static void
refresh_cb (ElHttpRequest *request, gpointer user_data)
{
  ElServerContext *ctx = user_data;
  g_autoptr (JsonNode) body = el_http_request_read_json (request);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElRefreshGrant) grant = NULL;
  g_autoptr (ElUser) user = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autoptr (JsonNode) response = NULL;
  gboolean disabled = FALSE;
  const char *token;

  if (body == NULL)
    return;
  token = read_refresh_token (request, body);
  if (token == NULL)
    return;

  now = g_date_time_new_now_utc ();
  grant = el_refresh_store_rotate (ctx->refresh_store, token, now, &error);
  if (grant == NULL)
    {
      if (g_error_matches (error, EL_TOKENS_ERROR, EL_TOKENS_ERROR_EXPIRED))
        {
          el_http_request_respond_problem (request, EL_HTTP_PROBLEM_TOKEN_EXPIRED,
                                           "the refresh token has expired: sign in again");
          return;
        }
      if (error->domain == EL_TOKENS_ERROR)
        {
          el_http_request_respond_problem (request, EL_HTTP_PROBLEM_UNAUTHORIZED,
                                           "the refresh token is not valid: sign in again");
          return;
        }
      {
        el_api_respond_internal_error (request, "refresh: rotate", error);
        return;
      }
    }

  user = el_repo_user_get (ctx->db, grant->user_id, NULL, &disabled, &error);
  if (user == NULL && !g_error_matches (error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND))
    {
      el_api_respond_internal_error (request, "refresh: reading the user", error);
      return;
    }
  if (user == NULL || disabled)
    {
      el_http_request_respond_problem (request, EL_HTTP_PROBLEM_UNAUTHORIZED,
                                       "the refresh token is not valid: sign in again");
      return;
    }

  response = token_response (ctx, user, grant->token);
  el_http_request_respond_json (request, SOUP_STATUS_OK, response);
}

/* 204 whatever the token: unknown, already revoked and malformed tokens are all signed out. */
static void
logout_cb (ElHttpRequest *request, gpointer user_data)
{
  ElServerContext *ctx = user_data;
  g_autoptr (JsonNode) body = el_http_request_read_json (request);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = NULL;
  const char *token;

  if (body == NULL)
    return;
  token = read_refresh_token (request, body);
  if (token == NULL)
    return;

  now = g_date_time_new_now_utc ();
  if (!el_refresh_store_revoke (ctx->refresh_store, token, now, &error) && error != NULL &&
      error->domain != EL_TOKENS_ERROR)
    {
      el_api_respond_internal_error (request, "logout: revoke", error);
      return;
    }
  el_http_request_respond_empty (request, SOUP_STATUS_NO_CONTENT);
}

/* ------------------------------------------------------------------------------------------------
 * GET /api/v1/me
 */

static void
me_cb (ElHttpRequest *request, gpointer user_data)
{
  ElServerContext *ctx = user_data;
  const ElHttpUser *who = el_http_request_get_user (request);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElUser) user = NULL;
  g_autoptr (JsonNode) node = NULL;

  user = el_repo_user_get (ctx->db, who->id, NULL, NULL, &error);
  if (user == NULL && g_error_matches (error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND))
    {
      el_http_request_respond_problem (request, EL_HTTP_PROBLEM_UNAUTHORIZED, "the account no longer exists");
      return;
    }
  if (user == NULL)
    {
      el_api_respond_internal_error (request, "me: reading the user", error);
      return;
    }
  node = el_user_to_json (user);
  el_http_request_respond_json (request, SOUP_STATUS_OK, node);
}

/* ------------------------------------------------------------------------------------------------
 * The authenticator: a genuine, unexpired HS256 JWT of a user who exists and is not disabled. The
 * role and unit come from the database, so a changed role applies at once.
 */

static ElHttpAuthResult
authenticate (const char *token, ElHttpUser *out, gpointer user_data)
{
  ElServerContext *ctx = user_data;
  g_autoptr (ElJwtClaims) claims = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *unit_id = NULL;
  ElRole role = EL_ROLE_NURSE;
  gboolean disabled = FALSE;

  /* the token's signature and claims are checked once per token (el_jwt_verify_cached()); the
   * account is read on every request */
  if (!el_jwt_verify_cached (ctx->token_cache, ctx->config->jwt_secret, ctx->config->jwt_secret_len, token,
                             g_get_real_time () / G_USEC_PER_SEC, &claims, &error))
    return g_error_matches (error, EL_JWT_ERROR, EL_JWT_ERROR_EXPIRED) ? EL_HTTP_AUTH_EXPIRED
                                                                       : EL_HTTP_AUTH_INVALID;

  if (!el_repo_user_get_access (ctx->db, claims->sub, &role, &unit_id, &disabled, &error))
    {
      if (!g_error_matches (error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND))
        el_log_message (EL_LOG_ERROR, "authenticate", error->message);
      return EL_HTTP_AUTH_INVALID;
    }
  if (disabled)
    return EL_HTTP_AUTH_INVALID;

  out->id = g_strdup (claims->sub);
  out->role = role;
  out->unit_id = g_steal_pointer (&unit_id);
  return EL_HTTP_AUTH_OK;
}

void
el_api_auth_register (ElServerContext *ctx)
{
  el_http_server_set_authenticator (ctx->server, authenticate, ctx, NULL);
  el_http_server_add_route (ctx->server, "POST", "/api/v1/auth/login", EL_HTTP_ROUTE_JSON | EL_HTTP_ROUTE_PHI,
                            login_cb, ctx, NULL);
  el_http_server_add_route (ctx->server, "POST", "/api/v1/auth/refresh",
                            EL_HTTP_ROUTE_JSON | EL_HTTP_ROUTE_PHI, refresh_cb, ctx, NULL);
  el_http_server_add_route (ctx->server, "POST", "/api/v1/auth/logout", EL_HTTP_ROUTE_JSON, logout_cb, ctx,
                            NULL);
  el_http_server_add_route (ctx->server, "GET", "/api/v1/me", EL_HTTP_ROUTE_AUTH | EL_HTTP_ROUTE_PHI, me_cb,
                            ctx, NULL);
}
