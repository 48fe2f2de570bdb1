/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Refresh tokens: the token helpers, and ElRefreshStore's families on a real SQLite file. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "el-audit.h"
#include "el-db.h"
#include "el-jwt.h"
#include "el-tokens.h"

#define UNIT_ID   "6f1c0f7e-2c7a-4d5e-9a51-0d3c2b1a0001"
#define USER_ID   "0b7a4c1e-8f2d-4e3a-b5c6-d7e8f9a0b001"
#define USER2_ID  "0b7a4c1e-8f2d-4e3a-b5c6-d7e8f9a0b002"
#define TTL       (30 * 86400)
#define N_THREADS 8

static gboolean
contains (const char *haystack, gsize len, const void *needle, gsize needle_len)
{
  for (gsize i = 0; i + needle_len <= len; i++)
    if (memcmp (haystack + i, needle, needle_len) == 0)
      return TRUE;
  return FALSE;
}

/* Helpers */

static void
test_refresh_token_shape (void)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < 1000; i++)
    {
      char *token = el_tokens_new_refresh_token ();
      g_autofree guint8 *bytes = NULL;
      gsize len = 0;

      g_assert_cmpuint (strlen (token), ==, EL_TOKENS_REFRESH_TOKEN_LEN);
      g_assert_true (el_tokens_refresh_token_is_well_formed (token));
      bytes = el_base64url_decode (token, strlen (token), &len);
      g_assert_nonnull (bytes);
      g_assert_cmpuint (len, ==, EL_TOKENS_REFRESH_TOKEN_BYTES);
      g_assert_true (g_hash_table_add (seen, token));
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 1000);

  g_assert_false (el_tokens_refresh_token_is_well_formed (NULL));
  g_assert_false (el_tokens_refresh_token_is_well_formed (""));
  g_assert_false (
      el_tokens_refresh_token_is_well_formed ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")); /* 42 */
  g_assert_false (
      el_tokens_refresh_token_is_well_formed ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")); /* 44 */
  g_assert_true (
      el_tokens_refresh_token_is_well_formed ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")); /* 43 */
  g_assert_false (
      el_tokens_refresh_token_is_well_formed ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB")); /* bits */
  g_assert_false (el_tokens_refresh_token_is_well_formed ("+AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
  g_assert_false (el_tokens_refresh_token_is_well_formed ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
}

static void
test_hash_and_compare (void)
{
  /* SHA-256 ("abc"), FIPS 180-2 */
  static const guint8 abc[32] = { 0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
                                  0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
                                  0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad };
  guint8 hash[EL_TOKENS_HASH_LEN];
  guint8 other[EL_TOKENS_HASH_LEN];

  el_tokens_hash ("abc", hash);
  g_assert_cmpmem (hash, sizeof hash, abc, sizeof abc);
  g_assert_true (el_tokens_equal (hash, abc, sizeof hash));
  el_tokens_hash ("abd", other);
  g_assert_false (el_tokens_equal (hash, other, sizeof hash));
  memcpy (other, hash, sizeof other - 1);
  g_assert_false (el_tokens_equal (hash, other, sizeof hash));
  g_assert_true (el_tokens_equal (hash, other, sizeof hash - 1));

  g_assert_true (el_tokens_str_equal ("secret", "secret"));
  g_assert_false (el_tokens_str_equal ("secret", "secreT"));
  g_assert_false (el_tokens_str_equal ("secret", "secret2"));
  g_assert_false (el_tokens_str_equal ("", "x"));
  g_assert_true (el_tokens_str_equal ("", ""));
  g_assert_false (el_tokens_str_equal (NULL, "x"));
  g_assert_false (el_tokens_str_equal (NULL, NULL));
}

/* The store, on a real database file */

typedef struct
{
  char *dir;
  char *path;
  ElDb *db;
  ElRefreshStore *store;
  GDateTime *t0;
} Fixture;

static void
exec_ok (ElDb *db, const char *sql)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (el_db_exec (db, sql, &error));
  g_assert_no_error (error);
}

static gint64
query_int (ElDb *db, const char *sql, const char *param)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDbStmt) stmt = el_db_prepare (db, sql, &error);

  g_assert_no_error (error);
  if (param != NULL)
    sqlite3_bind_text (stmt, 1, param, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (el_db_step (db, stmt, &error), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static char *
query_text (ElDb *db, const char *sql, const char *param)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDbStmt) stmt = el_db_prepare (db, sql, &error);

  g_assert_no_error (error);
  if (param != NULL)
    sqlite3_bind_text (stmt, 1, param, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (el_db_step (db, stmt, &error), ==, SQLITE_ROW);
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("el-test-tokens-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "handoff.db", NULL);
  f->db = el_db_open_full (f->path, NULL, EL_DB_OPEN_MIGRATE, &error);
  g_assert_no_error (error);
  exec_ok (f->db, "INSERT INTO units (id, code, name, created_at, updated_at) VALUES ('" UNIT_ID
                  "', '4W', 'Ward 4 West', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')");
  exec_ok (f->db, "INSERT INTO users (id, email, name, role, unit_id, password_hash, created_at, updated_at) "
                  "VALUES ('" USER_ID "', 'nurse.a@example.org', 'A', 'nurse', '" UNIT_ID "', 'x', "
                  "'2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'), ('" USER2_ID
                  "', 'nurse.b@example.org', 'B', 'nurse', '" UNIT_ID "', 'x', "
                  "'2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')");
  f->store = el_refresh_store_new (f->db, TTL);
  f->t0 = g_date_time_new_utc (2026, 11, 25, 7, 15, 0);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  el_refresh_store_free (f->store);
  g_assert_finalize_object (f->db);
  dir = g_dir_open (f->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (f->dir, name, NULL);

      g_unlink (child);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->path);
  g_date_time_unref (f->t0);
}

static GDateTime *
at (Fixture *f, gint64 seconds)
{
  return g_date_time_add_seconds (f->t0, (gdouble) seconds);
}

static ElRefreshGrant *
issue_ok (Fixture *f, const char *user_id, gint64 t)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = at (f, t);
  ElRefreshGrant *grant = el_refresh_store_issue (f->store, user_id, now, &error);

  g_assert_no_error (error);
  g_assert_nonnull (grant);
  return grant;
}

static ElRefreshGrant *
rotate_ok (Fixture *f, const char *token, gint64 t)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = at (f, t);
  ElRefreshGrant *grant = el_refresh_store_rotate (f->store, token, now, &error);

  g_assert_no_error (error);
  g_assert_nonnull (grant);
  return grant;
}

static void
rotate_fails (Fixture *f, const char *token, gint64 t, int code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = at (f, t);
  g_autoptr (ElRefreshGrant) grant = el_refresh_store_rotate (f->store, token, now, &error);

  g_assert_null (grant);
  g_assert_error (error, EL_TOKENS_ERROR, code);
  if (token != NULL && strlen (token) > 8)
    g_assert_null (strstr (error->message, token));
}

static gint64
live_tokens (Fixture *f, const char *family_id)
{
  return query_int (f->db, "SELECT count(*) FROM refresh_tokens WHERE family_id = ?1 AND revoked_at IS NULL",
                    family_id);
}

static gint64
reuse_events (Fixture *f)
{
  return query_int (f->db, "SELECT count(*) FROM audit_events WHERE action = 'auth.refresh_reuse'", NULL);
}

static void
assert_audit_chain (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  gint64 bad = -1;

  g_assert_true (el_audit_verify (f->db, &bad, &error));
  g_assert_no_error (error);
}

static void
test_issue_stores_only_hash (Fixture *f, gconstpointer data)
{
  g_autoptr (ElRefreshGrant) grant = issue_ok (f, USER_ID, 0);
  g_autoptr (GDateTime) expected_expiry = at (f, TTL);
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;
  guint8 hash[EL_TOKENS_HASH_LEN];
  g_autoptr (ElDbStmt) stmt = NULL;

  g_assert_true (el_tokens_refresh_token_is_well_formed (grant->token));
  g_assert_cmpstr (grant->user_id, ==, USER_ID);
  g_assert_true (g_date_time_equal (grant->expires_at, expected_expiry));
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM refresh_tokens", NULL), ==, 1);
  g_assert_cmpint (live_tokens (f, grant->family_id), ==, 1);

  /* The row holds the SHA-256 of the token ... */
  el_tokens_hash (grant->token, hash);
  stmt = el_db_prepare (
      f->db, "SELECT id, family_id, parent_id, expires_at FROM refresh_tokens WHERE token_hash = ?1", &error);
  g_assert_no_error (error);
  sqlite3_bind_blob (stmt, 1, hash, sizeof hash, SQLITE_TRANSIENT);
  g_assert_cmpint (el_db_step (f->db, stmt, &error), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, grant->token_id);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 1), ==, grant->family_id);
  g_assert_cmpint (sqlite3_column_type (stmt, 2), ==, SQLITE_NULL);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 3), ==, "2026-12-25T07:15:00.000Z");
  g_clear_pointer (&stmt, el_db_stmt_release);

  /* ... and the token itself is nowhere in the database files. */
  exec_ok (f->db, "PRAGMA wal_checkpoint(TRUNCATE)");
  g_assert_true (g_file_get_contents (f->path, &contents, &len, &error));
  g_assert_cmpuint (len, >, 0);
  g_assert_false (contains (contents, len, grant->token, strlen (grant->token)));
  g_assert_true (contains (contents, len, hash, sizeof hash));
}

static void
test_rotate_chain (Fixture *f, gconstpointer data)
{
  g_autoptr (ElRefreshGrant) first = issue_ok (f, USER_ID, 0);
  g_autofree char *token = g_strdup (first->token);
  g_autofree char *previous_id = g_strdup (first->token_id);

  for (guint i = 1; i <= 5; i++)
    {
      g_autoptr (ElRefreshGrant) next = rotate_ok (f, token, i * 3600);
      g_autoptr (GDateTime) expiry = at (f, i * 3600 + TTL);
      g_autofree char *parent = NULL;
      g_autofree char *replaced_by = NULL;
      g_autofree char *used_at = NULL;

      g_assert_cmpstr (next->token, !=, token);
      g_assert_cmpstr (next->family_id, ==, first->family_id);
      g_assert_cmpstr (next->user_id, ==, USER_ID);
      g_assert_true (g_date_time_equal (next->expires_at, expiry));
      parent = query_text (f->db, "SELECT parent_id FROM refresh_tokens WHERE id = ?1", next->token_id);
      g_assert_cmpstr (parent, ==, previous_id);
      replaced_by = query_text (f->db, "SELECT replaced_by FROM refresh_tokens WHERE id = ?1", previous_id);
      g_assert_cmpstr (replaced_by, ==, next->token_id);
      used_at = query_text (f->db, "SELECT used_at FROM refresh_tokens WHERE id = ?1", previous_id);
      g_assert_nonnull (used_at);
      g_assert_cmpint (live_tokens (f, first->family_id), ==, i + 1);
      g_assert_cmpint (
          query_int (f->db, "SELECT count(*) FROM refresh_tokens WHERE family_id = ?1 AND used_at IS NULL",
                     first->family_id),
          ==, 1);

      g_free (token);
      token = g_strdup (next->token);
      g_free (previous_id);
      previous_id = g_strdup (next->token_id);
    }
  g_assert_cmpint (reuse_events (f), ==, 0);
}

static void
test_reuse_revokes_family (Fixture *f, gconstpointer data)
{
  g_autoptr (ElRefreshGrant) a = issue_ok (f, USER_ID, 0);
  g_autoptr (ElRefreshGrant) b = rotate_ok (f, a->token, 100);
  g_autoptr (ElRefreshGrant) other = issue_ok (f, USER_ID, 100);
  g_autofree char *detail = NULL;

  /* A again, 30 s after it was used: the retry window (less than 30 s) is over. */
  rotate_fails (f, a->token, 130, EL_TOKENS_ERROR_REUSED);
  g_assert_cmpint (live_tokens (f, a->family_id), ==, 0);
  rotate_fails (f, b->token, 132, EL_TOKENS_ERROR_REVOKED);
  rotate_fails (f, a->token, 133, EL_TOKENS_ERROR_REVOKED);
  /* One audit event, naming the family, no token. */
  g_assert_cmpint (reuse_events (f), ==, 1);
  detail = query_text (f->db, "SELECT detail FROM audit_events WHERE action = 'auth.refresh_reuse'", NULL);
  g_assert_nonnull (strstr (detail, a->family_id));
  g_assert_null (strstr (detail, a->token));
  assert_audit_chain (f);
  /* Another family of the same user (another device) is not touched. */
  g_assert_cmpint (live_tokens (f, other->family_id), ==, 1);
  {
    g_autoptr (ElRefreshGrant) next = rotate_ok (f, other->token, 200);

    g_assert_cmpstr (next->family_id, ==, other->family_id);
  }
}

static void
test_reuse_after_child_used (Fixture *f, gconstpointer data)
{
  g_autoptr (ElRefreshGrant) a = issue_ok (f, USER_ID, 0);
  g_autoptr (ElRefreshGrant) b = rotate_ok (f, a->token, 10);
  g_autoptr (ElRefreshGrant) c = rotate_ok (f, b->token, 12);

  /* Within 30 s of A's use, but its child B has been used: no retry. */
  rotate_fails (f, a->token, 15, EL_TOKENS_ERROR_REUSED);
  rotate_fails (f, c->token, 16, EL_TOKENS_ERROR_REVOKED);
  g_assert_cmpint (live_tokens (f, a->family_id), ==, 0);
  g_assert_cmpint (reuse_events (f), ==, 1);
}

static void
test_immediate_retry (Fixture *f, gconstpointer data)
{
  g_autoptr (ElRefreshGrant) a = issue_ok (f, USER_ID, 0);
  g_autoptr (ElRefreshGrant) b = rotate_ok (f, a->token, 100);
  g_autoptr (ElRefreshGrant) c = NULL;
  g_autoptr (ElRefreshGrant) d = NULL;
  g_autofree char *replaced_by = NULL;
  g_autofree char *used_at = NULL;

  /* The client never stored B and retries with A 29 s later: it gets C, and B is revoked. */
  c = rotate_ok (f, a->token, 129);
  g_assert_cmpstr (c->family_id, ==, a->family_id);
  g_assert_cmpstr (c->token, !=, b->token);
  g_assert_cmpint (
      query_int (f->db, "SELECT revoked_at IS NOT NULL FROM refresh_tokens WHERE id = ?1", b->token_id), ==,
      1);
  replaced_by = query_text (f->db, "SELECT replaced_by FROM refresh_tokens WHERE id = ?1", a->token_id);
  g_assert_cmpstr (replaced_by, ==, c->token_id);
  used_at = query_text (f->db, "SELECT used_at FROM refresh_tokens WHERE id = ?1", a->token_id);
  g_assert_cmpstr (used_at, ==, "2026-11-25T07:16:40.000Z"); /* the first use, t0 + 100 s */
  g_assert_cmpint (reuse_events (f), ==, 0);

  /* The family goes on from C. */
  d = rotate_ok (f, c->token, 140);
  g_assert_cmpstr (d->family_id, ==, a->family_id);
  g_assert_cmpint (live_tokens (f, a->family_id), ==, 3); /* A, C (used) and D */
}

static void
test_only_one_retry (Fixture *f, gconstpointer data)
{
  g_autoptr (ElRefreshGrant) a = issue_ok (f, USER_ID, 0);
  g_autoptr (ElRefreshGrant) b = rotate_ok (f, a->token, 100);
  g_autoptr (ElRefreshGrant) c = rotate_ok (f, a->token, 105);

  /* A second retry, still within 30 s and with C unused: that is reuse. */
  rotate_fails (f, a->token, 110, EL_TOKENS_ERROR_REUSED);
  rotate_fails (f, c->token, 111, EL_TOKENS_ERROR_REVOKED);
  rotate_fails (f, b->token, 112, EL_TOKENS_ERROR_REVOKED);
  g_assert_cmpint (live_tokens (f, a->family_id), ==, 0);
  g_assert_cmpint (reuse_events (f), ==, 1);
}

static void
test_replaced_child_comes_back (Fixture *f, gconstpointer data)
{
  g_autoptr (ElRefreshGrant) a = issue_ok (f, USER_ID, 0);
  g_autoptr (ElRefreshGrant) b = rotate_ok (f, a->token, 100);
  g_autoptr (ElRefreshGrant) c = rotate_ok (f, a->token, 110);

  /* B, revoked by the retry, is presented: someone else had it. The family goes. */
  rotate_fails (f, b->token, 120, EL_TOKENS_ERROR_REUSED);
  g_assert_cmpint (live_tokens (f, a->family_id), ==, 0);
  rotate_fails (f, c->token, 121, EL_TOKENS_ERROR_REVOKED);
  g_assert_cmpint (reuse_events (f), ==, 1);
  assert_audit_chain (f);
}

static void
test_expiry (Fixture *f, gconstpointer data)
{
  g_autoptr (ElRefreshGrant) a = issue_ok (f, USER_ID, 0);
  g_autoptr (ElRefreshGrant) b = issue_ok (f, USER_ID, 0);
  g_autoptr (ElRefreshGrant) next = NULL;

  rotate_fails (f, a->token, TTL, EL_TOKENS_ERROR_EXPIRED);
  rotate_fails (f, a->token, TTL + 1, EL_TOKENS_ERROR_EXPIRED);
  /* An expired token is not "used": no family revoked, no audit event. */
  g_assert_cmpint (live_tokens (f, a->family_id), ==, 1);
  g_assert_cmpint (reuse_events (f), ==, 0);
  next = rotate_ok (f, b->token, TTL - 1);
  /* The child lives TTL from its own issue. */
  {
    g_autoptr (ElRefreshGrant) again = rotate_ok (f, next->token, 2 * TTL - 2);

    g_assert_nonnull (again);
  }
}

static void
test_revoke_logout (Fixture *f, gconstpointer data)
{
  g_autoptr (ElRefreshGrant) a = issue_ok (f, USER_ID, 0);
  g_autoptr (ElRefreshGrant) b = rotate_ok (f, a->token, 10);
  g_autoptr (ElRefreshGrant) other = issue_ok (f, USER_ID, 10);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = at (f, 20);
  g_autofree char *unknown = el_tokens_new_refresh_token ();

  g_assert_true (el_refresh_store_revoke (f->store, b->token, now, &error));
  g_assert_no_error (error);
  g_assert_cmpint (live_tokens (f, a->family_id), ==, 0);
  rotate_fails (f, b->token, 30, EL_TOKENS_ERROR_REVOKED);
  /* Again: still fine. */
  g_assert_true (el_refresh_store_revoke (f->store, b->token, now, &error));
  g_assert_no_error (error);
  g_assert_false (el_refresh_store_revoke (f->store, unknown, now, &error));
  g_assert_error (error, EL_TOKENS_ERROR, EL_TOKENS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (el_refresh_store_revoke (f->store, "not a token", now, &error));
  g_assert_error (error, EL_TOKENS_ERROR, EL_TOKENS_ERROR_INVALID);
  /* Logout of one device leaves the other signed in, and is not reuse. */
  g_assert_cmpint (live_tokens (f, other->family_id), ==, 1);
  g_assert_cmpint (reuse_events (f), ==, 0);
}

static void
test_revoke_user (Fixture *f, gconstpointer data)
{
  g_autoptr (ElRefreshGrant) a = issue_ok (f, USER_ID, 0);
  g_autoptr (ElRefreshGrant) a2 = rotate_ok (f, a->token, 5);
  g_autoptr (ElRefreshGrant) b = issue_ok (f, USER_ID, 10);
  g_autoptr (ElRefreshGrant) c = issue_ok (f, USER2_ID, 10);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = at (f, 20);

  g_assert_cmpint (el_refresh_store_revoke_user (f->store, USER_ID, now, &error), ==, 2);
  g_assert_no_error (error);
  rotate_fails (f, a2->token, 30, EL_TOKENS_ERROR_REVOKED);
  rotate_fails (f, b->token, 30, EL_TOKENS_ERROR_REVOKED);
  g_assert_cmpint (el_refresh_store_revoke_user (f->store, USER_ID, now, &error), ==, 0);
  g_assert_no_error (error);
  {
    g_autoptr (ElRefreshGrant) next = rotate_ok (f, c->token, 30);

    g_assert_cmpstr (next->user_id, ==, USER2_ID);
  }
}

static void
test_disabled_user (Fixture *f, gconstpointer data)
{
  g_autoptr (ElRefreshGrant) a = issue_ok (f, USER_ID, 0);

  exec_ok (f->db, "UPDATE users SET disabled_at = '2026-11-25T07:15:05.000Z' WHERE id = '" USER_ID "'");
  rotate_fails (f, a->token, 10, EL_TOKENS_ERROR_REVOKED);
  g_assert_cmpint (live_tokens (f, a->family_id), ==, 0);
  exec_ok (f->db, "UPDATE users SET disabled_at = NULL WHERE id = '" USER_ID "'");
  rotate_fails (f, a->token, 20, EL_TOKENS_ERROR_REVOKED);
}

static void
test_invalid_tokens (Fixture *f, gconstpointer data)
{
  g_autoptr (ElRefreshGrant) a = issue_ok (f, USER_ID, 0);
  g_autofree char *unknown = el_tokens_new_refresh_token ();
  g_autofree char *truncated = g_strndup (a->token, 42);
  g_autofree char *padded = g_strconcat (a->token, "=", NULL);

  rotate_fails (f, NULL, 1, EL_TOKENS_ERROR_INVALID);
  rotate_fails (f, "", 1, EL_TOKENS_ERROR_INVALID);
  rotate_fails (f, unknown, 1, EL_TOKENS_ERROR_INVALID);
  rotate_fails (f, truncated, 1, EL_TOKENS_ERROR_INVALID);
  rotate_fails (f, padded, 1, EL_TOKENS_ERROR_INVALID);
  /* None of that touched the real family. */
  {
    g_autoptr (ElRefreshGrant) next = rotate_ok (f, a->token, 2);

    g_assert_nonnull (next);
  }
  g_assert_cmpint (reuse_events (f), ==, 0);
}

static void
test_issue_in_caller_transaction (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElRefreshGrant) rolled_back = NULL;
  g_autoptr (ElRefreshGrant) committed = NULL;

  g_assert_true (el_db_begin_immediate (f->db, &error));
  rolled_back = issue_ok (f, USER_ID, 0);
  g_assert_true (el_db_in_transaction (f->db));
  g_assert_true (el_db_rollback (f->db, &error));
  rotate_fails (f, rolled_back->token, 1, EL_TOKENS_ERROR_INVALID);

  g_assert_true (el_db_begin_immediate (f->db, &error));
  committed = issue_ok (f, USER_ID, 0);
  g_assert_true (el_db_commit (f->db, &error));
  g_assert_no_error (error);
  {
    g_autoptr (ElRefreshGrant) next = rotate_ok (f, committed->token, 1);

    g_assert_nonnull (next);
  }
}

static void
test_purge (Fixture *f, gconstpointer data)
{
  g_autoptr (ElRefreshGrant) old = issue_ok (f, USER_ID, 0);
  g_autoptr (ElRefreshGrant) old2 = rotate_ok (f, old->token, 10);
  g_autoptr (ElRefreshGrant) live = issue_ok (f, USER_ID, 0);
  g_autoptr (ElRefreshGrant) live2 = rotate_ok (f, live->token, TTL - 100);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = at (f, TTL + 20);

  /* "old" ended at TTL + 10; "live" has a token valid until 2 TTL - 100. */
  g_assert_cmpint (el_refresh_store_purge (f->store, now, &error), ==, 2);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM refresh_tokens", NULL), ==, 2);
  rotate_fails (f, old2->token, TTL + 30, EL_TOKENS_ERROR_INVALID);
  {
    g_autoptr (ElRefreshGrant) next = rotate_ok (f, live2->token, TTL + 30);

    g_assert_nonnull (next);
  }
  exec_ok (f->db, "PRAGMA foreign_key_check");
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM pragma_foreign_key_check", NULL), ==, 0);
}

/* Eight connections rotate the same token at once. The write lock orders them: one rotation, one
 * immediate retry, then reuse (the family is revoked), then revoked. */
typedef struct
{
  Fixture *f;
  const char *token;
  gint *start;
  gboolean ok;
  int code;
} Racer;

static gpointer
racer_run (gpointer data)
{
  Racer *r = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDb) db = el_db_open (r->f->path, NULL, &error);
  g_autoptr (ElRefreshStore) store = NULL;
  g_autoptr (ElRefreshGrant) grant = NULL;
  g_autoptr (GDateTime) now = at (r->f, 100);

  g_assert_no_error (error);
  store = el_refresh_store_new (db, TTL);
  while (!g_atomic_int_get (r->start))
    g_thread_yield ();
  grant = el_refresh_store_rotate (store, r->token, now, &error);
  r->ok = grant != NULL;
  if (!r->ok)
    {
      g_assert_true (error->domain == EL_TOKENS_ERROR);
      r->code = error->code;
    }
  return NULL;
}

static void
test_concurrent_rotations (Fixture *f, gconstpointer data)
{
  g_autoptr (ElRefreshGrant) a = issue_ok (f, USER_ID, 0);
  Racer racers[N_THREADS];
  GThread *threads[N_THREADS];
  gint start = 0;
  guint ok = 0;
  guint reused = 0;
  guint revoked = 0;

  for (guint i = 0; i < N_THREADS; i++)
    {
      racers[i] = (Racer){ f, a->token, &start, FALSE, -1 };
      threads[i] = g_thread_new ("racer", racer_run, &racers[i]);
    }
  g_atomic_int_set (&start, 1);
  for (guint i = 0; i < N_THREADS; i++)
    {
      g_thread_join (threads[i]);
      if (racers[i].ok)
        ok++;
      else if (racers[i].code == EL_TOKENS_ERROR_REUSED)
        reused++;
      else if (racers[i].code == EL_TOKENS_ERROR_REVOKED)
        revoked++;
    }
  g_assert_cmpuint (ok, ==, 2);
  g_assert_cmpuint (reused, ==, 1);
  g_assert_cmpuint (revoked, ==, N_THREADS - 3);
  g_assert_cmpint (live_tokens (f, a->family_id), ==, 0);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM refresh_tokens", NULL), ==, 3);
  g_assert_cmpint (reuse_events (f), ==, 1);
  assert_audit_chain (f);
}

#define ADD(path, func) g_test_add ((path), Fixture, NULL, fixture_set_up, (func), fixture_tear_down)

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/el/server/tokens/refresh-token-shape", test_refresh_token_shape);
  g_test_add_func ("/el/server/tokens/hash-and-compare", test_hash_and_compare);
  ADD ("/el/server/tokens/store/issue-stores-only-hash", test_issue_stores_only_hash);
  ADD ("/el/server/tokens/store/rotate-chain", test_rotate_chain);
  ADD ("/el/server/tokens/store/reuse-revokes-family", test_reuse_revokes_family);
  ADD ("/el/server/tokens/store/reuse-after-child-used", test_reuse_after_child_used);
  ADD ("/el/server/tokens/store/immediate-retry", test_immediate_retry);
  ADD ("/el/server/tokens/store/only-one-retry", test_only_one_retry);
  ADD ("/el/server/tokens/store/replaced-child-comes-back", test_replaced_child_comes_back);
  ADD ("/el/server/tokens/store/expiry", test_expiry);
  ADD ("/el/server/tokens/store/revoke-logout", test_revoke_logout);
  ADD ("/el/server/tokens/store/revoke-user", test_revoke_user);
  ADD ("/el/server/tokens/store/disabled-user", test_disabled_user);
  ADD ("/el/server/tokens/store/invalid-tokens", test_invalid_tokens);
  ADD ("/el/server/tokens/store/issue-in-caller-transaction", test_issue_in_caller_transaction);
  ADD ("/el/server/tokens/store/purge", test_purge);
  ADD ("/el/server/tokens/store/concurrent-rotations", test_concurrent_rotations);

  return g_test_run ();
}
