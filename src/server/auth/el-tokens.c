/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-tokens.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>

#include "el-audit.h"
#include "el-jwt.h"
#include "el-model-types.h"

G_DEFINE_QUARK (el_tokens_error_quark, el_tokens_error)

/**
 * el_tokens_new_refresh_token:
 *
 * Makes a refresh token from the system's random generator (OpenSSL RAND_bytes). Aborts if that
 * fails: a token must never be guessable.
 *
 * Returns: (transfer full): 43 base64url characters; wipe with OPENSSL_cleanse() before freeing
 */
char *
el_tokens_new_refresh_token (void)
{
  guint8 bytes[EL_TOKENS_REFRESH_TOKEN_BYTES];
  char *token;

  if (RAND_bytes (bytes, sizeof bytes) != 1)
    g_error ("The system's random generator failed");
  token = el_base64url_encode (bytes, sizeof bytes);
  OPENSSL_cleanse (bytes, sizeof bytes);
  return token;
}

/**
 * el_tokens_refresh_token_is_well_formed:
 * @token: (nullable): a string from a request
 *
 * Returns: %TRUE if @token has the shape of a refresh token: 43 canonical base64url characters
 */
gboolean
el_tokens_refresh_token_is_well_formed (const char *token)
{
  g_autofree guint8 *bytes = NULL;
  gsize len = 0;

  if (token == NULL || strnlen (token, EL_TOKENS_REFRESH_TOKEN_LEN + 1) != EL_TOKENS_REFRESH_TOKEN_LEN)
    return FALSE;
  bytes = el_base64url_decode (token, EL_TOKENS_REFRESH_TOKEN_LEN, &len);
  if (bytes == NULL)
    return FALSE;
  OPENSSL_cleanse (bytes, len);
  return len == EL_TOKENS_REFRESH_TOKEN_BYTES;
}

/**
 * el_tokens_hash:
 * @token: a refresh token
 * @out: (out caller-allocates): SHA-256 of the token's characters, what the database stores
 */
void
el_tokens_hash (const char *token, guint8 out[EL_TOKENS_HASH_LEN])
{
  unsigned int len = 0;

  g_return_if_fail (token != NULL);

  if (EVP_Digest (token, strlen (token), out, &len, EVP_sha256 (), NULL) != 1 || len != EL_TOKENS_HASH_LEN)
    g_error ("SHA-256 failed");
}

/**
 * el_tokens_equal:
 * @a: (array length=len): bytes
 * @b: (array length=len): bytes
 * @len: their length
 *
 * Returns: %TRUE if @a and @b are equal, in a time that depends only on @len
 */
gboolean
el_tokens_equal (const guint8 *a, const guint8 *b, gsize len)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return CRYPTO_memcmp (a, b, len) == 0;
}

/**
 * el_tokens_str_equal:
 * @a: (nullable): a secret string
 * @b: (nullable): another
 *
 * Compares two secrets without leaking where they differ: strings of different lengths are
 * unequal (their lengths are not secret), strings of the same length are compared in constant
 * time.
 *
 * Returns: %TRUE if both are non-%NULL and equal
 */
gboolean
el_tokens_str_equal (const char *a, const char *b)
{
  gsize len;

  if (a == NULL || b == NULL)
    return FALSE;
  len = strlen (a);
  if (strlen (b) != len)
    return FALSE;
  return CRYPTO_memcmp (a, b, len) == 0;
}

/* Refresh-token families */

struct ElRefreshStore
{
  ElDb *db;
  gint64 ttl_seconds;
};

/**
 * el_refresh_grant_free:
 * @grant: (nullable): a grant; its token is wiped
 */
void
el_refresh_grant_free (ElRefreshGrant *grant)
{
  if (grant == NULL)
    return;
  if (grant->token != NULL)
    OPENSSL_cleanse (grant->token, strlen (grant->token));
  g_free (grant->token);
  g_free (grant->token_id);
  g_free (grant->family_id);
  g_free (grant->user_id);
  g_clear_pointer (&grant->expires_at, g_date_time_unref);
  g_free (grant);
}

/**
 * el_refresh_store_new:
 * @db: the database of the calling thread
 * @ttl_seconds: a refresh token's lifetime (REFRESH_TOKEN_EXPIRES_IN), at least 1
 *
 * Returns: (transfer full): a store on @db
 */
ElRefreshStore *
el_refresh_store_new (ElDb *db, gint64 ttl_seconds)
{
  ElRefreshStore *self;

  g_return_val_if_fail (EL_IS_DB (db), NULL);
  g_return_val_if_fail (ttl_seconds > 0, NULL);

  self = g_new0 (ElRefreshStore, 1);
  self->db = g_object_ref (db);
  self->ttl_seconds = ttl_seconds;
  return self;
}

void
el_refresh_store_free (ElRefreshStore *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->db);
  g_free (self);
}

static GDateTime *
now_utc (GDateTime *now)
{
  return now != NULL ? g_date_time_to_utc (now) : g_date_time_new_now_utc ();
}

static gboolean
tokens_error (GError **error, ElTokensError code, const char *message)
{
  g_set_error_literal (error, EL_TOKENS_ERROR, code, message);
  return FALSE;
}

static gpointer
refresh_fail (GError **error, ElTokensError code, const char *message)
{
  tokens_error (error, code, message);
  return NULL;
}

/* Inserts a new token of @family_id; called inside a transaction. */
static ElRefreshGrant *
insert_token (ElRefreshStore *self,
              const char *user_id,
              const char *family_id,
              const char *parent_id,
              GDateTime *now,
              GError **error)
{
  g_autoptr (ElRefreshGrant) grant = g_new0 (ElRefreshGrant, 1);
  g_autoptr (ElDbStmt) stmt = NULL;
  g_autofree char *created_at = el_timestamp_format (now);
  g_autofree char *expires_at = NULL;
  guint8 hash[EL_TOKENS_HASH_LEN];

  grant->token = el_tokens_new_refresh_token ();
  grant->token_id = g_uuid_string_random ();
  grant->family_id = g_strdup (family_id);
  grant->user_id = g_strdup (user_id);
  grant->expires_at = g_date_time_add_seconds (now, (gdouble) self->ttl_seconds);
  expires_at = el_timestamp_format (grant->expires_at);
  el_tokens_hash (grant->token, hash);

  stmt =
      el_db_prepare (self->db,
                     "INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, parent_id, created_at, "
                     "expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                     error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, grant->token_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, user_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, family_id, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 4, hash, sizeof hash, SQLITE_TRANSIENT);
  if (parent_id != NULL)
    sqlite3_bind_text (stmt, 5, parent_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, created_at, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, expires_at, -1, SQLITE_STATIC);
  if (el_db_step (self->db, stmt, error) != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&grant);
}

/* Runs one UPDATE or DELETE with text parameters; returns the rows changed, or -1. */
static gint64
run (ElRefreshStore *self, const char *sql, GError **error, const char *p1, const char *p2, const char *p3)
{
  g_autoptr (ElDbStmt) stmt = el_db_prepare (self->db, sql, error);

  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, p1, -1, SQLITE_STATIC);
  if (p2 != NULL)
    sqlite3_bind_text (stmt, 2, p2, -1, SQLITE_STATIC);
  if (p3 != NULL)
    sqlite3_bind_text (stmt, 3, p3, -1, SQLITE_STATIC);
  if (el_db_step (self->db, stmt, error) != SQLITE_DONE)
    return -1;
  return sqlite3_changes64 (el_db_get_handle (self->db));
}

static gint64
revoke_family (ElRefreshStore *self, const char *family_id, const char *now, GError **error)
{
  return run (self, "UPDATE refresh_tokens SET revoked_at = ?2 WHERE family_id = ?1 AND revoked_at IS NULL",
              error, family_id, now, NULL);
}

/**
 * el_refresh_store_issue:
 * @self: a store
 * @user_id: the user who just signed in
 * @now: (nullable): the current time (%NULL: now)
 * @error: an EL_DB_ERROR
 *
 * Starts a new family for a login, in the caller's transaction if one is open.
 *
 * Returns: (transfer full) (nullable): the family's first token
 */
ElRefreshGrant *
el_refresh_store_issue (ElRefreshStore *self, const char *user_id, GDateTime *now, GError **error)
{
  g_autoptr (ElDbTransaction) txn = NULL;
  g_autoptr (ElRefreshGrant) grant = NULL;
  g_autoptr (GDateTime) at = NULL;
  g_autofree char *family_id = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (el_uuid_is_valid (user_id), NULL);

  if (!el_db_in_transaction (self->db))
    {
      txn = el_db_transaction_begin (self->db, error);
      if (txn == NULL)
        return NULL;
    }
  at = now_utc (now);
  family_id = g_uuid_string_random ();
  grant = insert_token (self, user_id, family_id, NULL, at, error);
  if (grant == NULL)
    return NULL;
  if (txn != NULL && !el_db_transaction_commit (txn, error))
    return NULL;
  return g_steal_pointer (&grant);
}

typedef struct
{
  char *id;
  char *user_id;
  char *family_id;
  char *expires_at;
  char *used_at;
  char *revoked_at;
  char *replaced_by;
  gboolean user_disabled;
} TokenRow;

static void
token_row_clear (TokenRow *row)
{
  g_free (row->id);
  g_free (row->user_id);
  g_free (row->family_id);
  g_free (row->expires_at);
  g_free (row->used_at);
  g_free (row->revoked_at);
  g_free (row->replaced_by);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TokenRow, token_row_clear)

/* Looks up a token by its hash. Returns SQLITE_ROW (found), SQLITE_DONE (unknown) or an error. */
static int
find_token (ElRefreshStore *self, const char *token, TokenRow *row, GError **error)
{
  g_autoptr (ElDbStmt) stmt = NULL;
  guint8 hash[EL_TOKENS_HASH_LEN];
  int rc;

  el_tokens_hash (token, hash);
  stmt = el_db_prepare (self->db,
                        "SELECT t.id, t.user_id, t.family_id, t.expires_at, t.used_at, t.revoked_at, "
                        "t.replaced_by, u.disabled_at IS NOT NULL "
                        "FROM refresh_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?1",
                        error);
  if (stmt == NULL)
    return SQLITE_ERROR;
  sqlite3_bind_blob (stmt, 1, hash, sizeof hash, SQLITE_TRANSIENT);
  rc = el_db_step (self->db, stmt, error);
  if (rc != SQLITE_ROW)
    return rc;
  row->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  row->user_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  row->family_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  row->expires_at = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  row->used_at = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  row->revoked_at = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  row->replaced_by = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  row->user_disabled = sqlite3_column_int (stmt, 7) != 0;
  return SQLITE_ROW;
}

/* The one immediate retry: @row was used less than EL_REFRESH_RETRY_SECONDS ago, its child was
 * neither used nor revoked, and it has no other child. */
static gboolean
is_immediate_retry (
    ElRefreshStore *self, const TokenRow *row, GDateTime *now, gboolean *retry, GError **error)
{
  g_autoptr (GDateTime) used_at = el_timestamp_parse (row->used_at);
  g_autoptr (ElDbStmt) stmt = NULL;
  int rc;

  *retry = FALSE;
  if (used_at == NULL || row->replaced_by == NULL ||
      g_date_time_difference (now, used_at) >= EL_REFRESH_RETRY_SECONDS * G_TIME_SPAN_SECOND)
    return TRUE;

  stmt = el_db_prepare (
      self->db,
      "SELECT (SELECT used_at IS NULL AND revoked_at IS NULL FROM refresh_tokens WHERE id = ?2), "
      "(SELECT count(*) FROM refresh_tokens WHERE parent_id = ?1)",
      error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, row->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, row->replaced_by, -1, SQLITE_STATIC);
  rc = el_db_step (self->db, stmt, error);
  if (rc != SQLITE_ROW)
    return FALSE;
  *retry = sqlite3_column_int (stmt, 0) == 1 && sqlite3_column_int64 (stmt, 1) == 1;
  return TRUE;
}

/* Records a detected reuse in the audit log, in the transaction that revokes the family. */
static gboolean
audit_reuse (ElRefreshStore *self, const TokenRow *row, GError **error)
{
  g_autofree char *detail = g_strdup_printf ("{\"family_id\":\"%s\"}", row->family_id);

  return el_audit_append (self->db, NULL, "auth.refresh_reuse", "user", row->user_id, detail, error) > 0;
}

/**
 * el_refresh_store_rotate:
 * @self: a store whose database is not in a transaction
 * @token: (nullable): the refresh token the client presented
 * @now: (nullable): the current time (%NULL: now)
 * @error: an %EL_TOKENS_ERROR (see the top of el-tokens.h) or an EL_DB_ERROR
 *
 * Exchanges @token for the next token of its family, in one transaction.
 *
 * Returns: (transfer full) (nullable): the new token
 */
ElRefreshGrant *
el_refresh_store_rotate (ElRefreshStore *self, const char *token, GDateTime *now, GError **error)
{
  g_autoptr (ElDbTransaction) txn = NULL;
  g_autoptr (ElRefreshGrant) grant = NULL;
  g_autoptr (GDateTime) at = NULL;
  g_autofree char *at_str = NULL;
  g_auto (TokenRow) row = { NULL };
  gboolean retry = FALSE;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (!el_db_in_transaction (self->db), NULL);

  if (!el_tokens_refresh_token_is_well_formed (token))
    return refresh_fail (error, EL_TOKENS_ERROR_INVALID, "Not a refresh token");

  at = now_utc (now);
  at_str = el_timestamp_format (at);
  txn = el_db_transaction_begin (self->db, error);
  if (txn == NULL)
    return NULL;

  rc = find_token (self, token, &row, error);
  if (rc == SQLITE_DONE)
    return refresh_fail (error, EL_TOKENS_ERROR_INVALID, "Unknown refresh token");
  if (rc != SQLITE_ROW)
    return NULL;

  if (row.revoked_at != NULL)
    {
      gint64 live = revoke_family (self, row.family_id, at_str, error);

      if (live < 0)
        return NULL;
      if (live == 0)
        return refresh_fail (error, EL_TOKENS_ERROR_REVOKED, "The refresh token was revoked");
      /* A revoked token of a live family: the child a retry replaced is back. */
      if (!audit_reuse (self, &row, error) || !el_db_transaction_commit (txn, error))
        return NULL;
      return refresh_fail (error, EL_TOKENS_ERROR_REUSED,
                           "A revoked refresh token was reused: its family is revoked");
    }

  if (row.user_disabled)
    {
      if (revoke_family (self, row.family_id, at_str, error) < 0 || !el_db_transaction_commit (txn, error))
        return NULL;
      return refresh_fail (error, EL_TOKENS_ERROR_REVOKED, "The account is disabled");
    }

  if (row.used_at != NULL)
    {
      if (!is_immediate_retry (self, &row, at, &retry, error))
        return NULL;
      if (!retry)
        {
          if (revoke_family (self, row.family_id, at_str, error) < 0 || !audit_reuse (self, &row, error) ||
              !el_db_transaction_commit (txn, error))
            return NULL;
          return refresh_fail (error, EL_TOKENS_ERROR_REUSED,
                               "A used refresh token was reused: its family is revoked");
        }
      if (run (self, "UPDATE refresh_tokens SET revoked_at = ?2 WHERE id = ?1", error, row.replaced_by,
               at_str, NULL) != 1)
        return NULL;
    }
  else if (g_strcmp0 (row.expires_at, at_str) <= 0)
    {
      return refresh_fail (error, EL_TOKENS_ERROR_EXPIRED, "The refresh token has expired");
    }

  grant = insert_token (self, row.user_id, row.family_id, row.id, at, error);
  if (grant == NULL)
    return NULL;
  /* A retry keeps the first used_at, so the retry window does not move. */
  if (run (self, "UPDATE refresh_tokens SET used_at = coalesce (used_at, ?2), replaced_by = ?3 WHERE id = ?1",
           error, row.id, at_str, grant->token_id) != 1 ||
      !el_db_transaction_commit (txn, error))
    return NULL;
  return g_steal_pointer (&grant);
}

/**
 * el_refresh_store_revoke:
 * @self: a store whose database is not in a transaction
 * @token: (nullable): a refresh token (logout)
 * @now: (nullable): the current time (%NULL: now)
 * @error: %EL_TOKENS_ERROR_INVALID for a token we do not know, or an EL_DB_ERROR
 *
 * Revokes the whole family of @token. Revoking a revoked family again succeeds.
 *
 * Returns: %TRUE if the family is revoked
 */
gboolean
el_refresh_store_revoke (ElRefreshStore *self, const char *token, GDateTime *now, GError **error)
{
  g_autoptr (ElDbTransaction) txn = NULL;
  g_autoptr (GDateTime) at = NULL;
  g_autofree char *at_str = NULL;
  g_auto (TokenRow) row = { NULL };
  int rc;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (!el_db_in_transaction (self->db), FALSE);

  if (!el_tokens_refresh_token_is_well_formed (token))
    return tokens_error (error, EL_TOKENS_ERROR_INVALID, "Not a refresh token");

  at = now_utc (now);
  at_str = el_timestamp_format (at);
  txn = el_db_transaction_begin (self->db, error);
  if (txn == NULL)
    return FALSE;
  rc = find_token (self, token, &row, error);
  if (rc == SQLITE_DONE)
    return tokens_error (error, EL_TOKENS_ERROR_INVALID, "Unknown refresh token");
  if (rc != SQLITE_ROW)
    return FALSE;
  if (revoke_family (self, row.family_id, at_str, error) < 0)
    return FALSE;
  return el_db_transaction_commit (txn, error);
}

/**
 * el_refresh_store_revoke_user:
 * @self: a store
 * @user_id: a user (password changed, account disabled, "sign out everywhere")
 * @now: (nullable): the current time (%NULL: now)
 * @error: an EL_DB_ERROR
 *
 * Revokes every family of @user_id, in the caller's transaction if one is open.
 *
 * Returns: the number of families that had live tokens, or -1 on error
 */
gint64
el_refresh_store_revoke_user (ElRefreshStore *self, const char *user_id, GDateTime *now, GError **error)
{
  g_autoptr (ElDbTransaction) txn = NULL;
  g_autoptr (ElDbStmt) stmt = NULL;
  g_autoptr (GDateTime) at = NULL;
  g_autofree char *at_str = NULL;
  gint64 families;

  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (user_id != NULL, -1);

  if (!el_db_in_transaction (self->db))
    {
      txn = el_db_transaction_begin (self->db, error);
      if (txn == NULL)
        return -1;
    }
  at = now_utc (now);
  at_str = el_timestamp_format (at);

  stmt = el_db_prepare (
      self->db,
      "SELECT count (DISTINCT family_id) FROM refresh_tokens WHERE user_id = ?1 AND revoked_at IS NULL",
      error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, user_id, -1, SQLITE_STATIC);
  if (el_db_step (self->db, stmt, error) != SQLITE_ROW)
    return -1;
  families = sqlite3_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, el_db_stmt_release);

  if (run (self, "UPDATE refresh_tokens SET revoked_at = ?2 WHERE user_id = ?1 AND revoked_at IS NULL", error,
           user_id, at_str, NULL) < 0)
    return -1;
  if (txn != NULL && !el_db_transaction_commit (txn, error))
    return -1;
  return families;
}

/**
 * el_refresh_store_purge:
 * @self: a store whose database is not in a transaction
 * @now: (nullable): the current time (%NULL: now)
 * @error: an EL_DB_ERROR
 *
 * Deletes the families whose every token has expired (whole families only, so parent and
 * successor links stay whole). Run it now and then, like the idempotency-key purge.
 *
 * Returns: the number of rows deleted, or -1 on error
 */
gint64
el_refresh_store_purge (ElRefreshStore *self, GDateTime *now, GError **error)
{
  g_autoptr (ElDbTransaction) txn = NULL;
  g_autoptr (GDateTime) at = NULL;
  g_autofree char *at_str = NULL;
  gint64 deleted;

  g_return_val_if_fail (self != NULL, -1);

  at = now_utc (now);
  at_str = el_timestamp_format (at);
  txn = el_db_transaction_begin (self->db, error);
  if (txn == NULL)
    return -1;
  deleted = run (self,
                 "DELETE FROM refresh_tokens WHERE family_id IN (SELECT family_id FROM refresh_tokens "
                 "GROUP BY family_id HAVING max (expires_at) <= ?1)",
                 error, at_str, NULL, NULL);
  if (deleted < 0 || !el_db_transaction_commit (txn, error))
    return -1;
  return deleted;
}
