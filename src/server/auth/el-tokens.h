/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "el-db.h"

G_BEGIN_DECLS

/*
 * Refresh tokens: 32 random bytes (256 bits) in base64url without padding, 43 characters. The
 * server stores only their SHA-256 (el_tokens_hash()), so a copy of the database gives no token;
 * looking a token up by its hash needs no constant-time comparison, and el_tokens_equal() is there
 * for every other comparison of secrets.
 */

#define EL_TOKENS_ERROR (el_tokens_error_quark ())

typedef enum
{
  EL_TOKENS_ERROR_INVALID, /* not a refresh token we issued (unknown, or not 43 base64url characters) */
  EL_TOKENS_ERROR_EXPIRED, /* the token's lifetime is over */
  EL_TOKENS_ERROR_REVOKED, /* the token was revoked (logout, reuse detected earlier, account disabled) */
  EL_TOKENS_ERROR_REUSED,  /* a used or revoked token came back: its whole family is now revoked */
} ElTokensError;

#define EL_TOKENS_REFRESH_TOKEN_BYTES 32
#define EL_TOKENS_REFRESH_TOKEN_LEN   43 /* base64url characters of 32 bytes */
#define EL_TOKENS_HASH_LEN            32 /* SHA-256 */

GQuark el_tokens_error_quark (void);

char *el_tokens_new_refresh_token (void);
gboolean el_tokens_refresh_token_is_well_formed (const char *token);
void el_tokens_hash (const char *token, guint8 out[EL_TOKENS_HASH_LEN]);
gboolean el_tokens_equal (const guint8 *a, const guint8 *b, gsize len);
gboolean el_tokens_str_equal (const char *a, const char *b);

/*
 * ElRefreshStore: refresh-token families in the database (table refresh_tokens).
 *
 * A login starts a family (el_refresh_store_issue()). Each refresh rotates (el_refresh_store_rotate(),
 * one IMMEDIATE transaction): the presented token is marked used and replaced by a new child in
 * the same family, valid for the store's TTL from now (REFRESH_TOKEN_EXPIRES_IN; a family lives as
 * long as it keeps being used). A token comes back after it was used:
 * - the one immediate retry: it was used less than %EL_REFRESH_RETRY_SECONDS ago, its child has
 *   never been used nor revoked, and it has no other child: the client likely crashed before it
 *   stored the child. The child is revoked and a fresh child issued (the old token's used_at stays,
 *   so the retry window does not move);
 * - anything else: the whole family is revoked, an audit event "auth.refresh_reuse" (entity the
 *   user, detail the family id) is committed with the revocation, and %EL_TOKENS_ERROR_REUSED
 *   returned. A revoked token presented while its family still has live tokens (the child revoked
 *   by a retry coming back) counts as reuse too.
 * Rotation checks, in this order: shape (INVALID), known hash (INVALID), revoked (REVOKED, or
 * REUSED as above), account disabled (the family is revoked: REVOKED), used (retry or REUSED),
 * expired (EXPIRED).
 *
 * The store holds one ElDb (one thread at a time, like the ElDb). issue() and revoke_user() join
 * the caller's transaction when one is open (so a login can commit its audit event with the new
 * family); rotate() and revoke() need their own, because a detected reuse must be committed even
 * though the call fails. Database failures come back as EL_DB_ERROR.
 */

#define EL_REFRESH_RETRY_SECONDS 30

typedef struct ElRefreshStore ElRefreshStore;

/**
 * ElRefreshGrant:
 * @token: the refresh token for the client (secret: never logged, never stored)
 * @token_id: its row id
 * @family_id: its family
 * @user_id: the user it belongs to
 * @expires_at: when it expires (UTC)
 */
typedef struct
{
  char *token;
  char *token_id;
  char *family_id;
  char *user_id;
  GDateTime *expires_at;
} ElRefreshGrant;

void el_refresh_grant_free (ElRefreshGrant *grant);

ElRefreshStore *el_refresh_store_new (ElDb *db, gint64 ttl_seconds);
void el_refresh_store_free (ElRefreshStore *self);

ElRefreshGrant *
el_refresh_store_issue (ElRefreshStore *self, const char *user_id, GDateTime *now, GError **error);
ElRefreshGrant *
el_refresh_store_rotate (ElRefreshStore *self, const char *token, GDateTime *now, GError **error);
gboolean el_refresh_store_revoke (ElRefreshStore *self, const char *token, GDateTime *now, GError **error);
gint64
el_refresh_store_revoke_user (ElRefreshStore *self, const char *user_id, GDateTime *now, GError **error);
gint64 el_refresh_store_purge (ElRefreshStore *self, GDateTime *now, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElRefreshGrant, el_refresh_grant_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElRefreshStore, el_refresh_store_free)

G_END_DECLS
