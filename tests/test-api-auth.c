/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The auth endpoints (login, refresh, logout, me) and the bearer authenticator, on a real
 * `eclipselink-server serve` seeded with `seed-demo`. */
#include "config.h"

#include <argon2.h>
#include <string.h>

#include "el-audit.h"
#include "el-db.h"
#include "el-jwt.h"
#include "el-model-types.h"
#include "el-password.h"
#include "el-repo.h"
#include "el-test-api.h"
#include "el-tokens.h"

#define PASSWORD     "test-password-42"
#define NURSE_A      "nurse.a@demo.eclipselink.ai"
#define NURSE_B      "nurse.b@demo.eclipselink.ai"
#define CHARGE_5E    "charge.nurse.5e@demo.eclipselink.ai"
#define CHARGE_4W    "charge.nurse@demo.eclipselink.ai"
#define ADMIN        "admin@demo.eclipselink.ai"
#define UNKNOWN_USER "nobody@demo.eclipselink.ai"

static ElTestDemo *demo;

static ElTestResponse *
post_json (const char *path, const char *body)
{
  return el_test_api_call (demo->api, "POST", path, NULL, body, EL_TEST_END);
}

/* GET /api/v1/me with this bearer token, or none. */
static ElTestResponse *
get_me (const char *token)
{
  return el_test_api_send (demo->api, "GET", "/api/v1/me", token, NULL, NULL, NULL);
}

static ElTestResponse *
refresh (const char *token)
{
  g_autofree char *body = g_strdup_printf ("{\"refresh_token\":\"%s\"}", token);

  return post_json ("/api/v1/auth/refresh", body);
}

/* The body with this response's request id (the problem's `instance`) blanked out. */
static char *
body_without_request_id (ElTestResponse *response)
{
  const char *id = el_test_response_get_header (response, "X-Request-Id");
  g_auto (GStrv) parts = NULL;

  g_assert_nonnull (id);
  g_assert_nonnull (strstr (response->text, id));
  parts = g_strsplit (response->text, id, -1);
  return g_strjoinv ("<request-id>", parts);
}

static ElDb *
open_db (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElVault) vault = NULL;
  g_autofree guchar *key = NULL;
  gsize len = 0;
  ElDb *db;

  key = g_base64_decode (EL_TEST_ENCRYPTION_KEY, &len);
  g_assert_cmpuint (len, ==, EL_VAULT_KEY_BYTES);
  vault = el_vault_new (key);
  db = el_db_open (el_test_server_get_database_path (demo->server), vault, &error);
  g_assert_no_error (error);
  return db;
}

/* ------------------------------------------------------------------------------------------------ */

static void
test_login (void)
{
  g_autoptr (ElTestResponse) r = el_test_api_login_request (demo->api, NURSE_A, PASSWORD);
  JsonObject *tokens;
  g_autoptr (ElTestResponse) me = NULL;
  JsonObject *me_body;
  JsonObject *user;

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (el_test_response_get_header (r, "Content-Type"), ==, "application/json");
  g_assert_cmpstr (el_test_response_get_header (r, "Cache-Control"), ==, "no-store");
  tokens = el_test_response_get_object (r);
  g_assert_cmpstr (json_object_get_string_member (tokens, "token_type"), ==, "Bearer");
  g_assert_cmpint (json_object_get_int_member (tokens, "expires_in"), ==, 3600);
  g_assert_true (
      el_tokens_refresh_token_is_well_formed (json_object_get_string_member (tokens, "refresh_token")));
  user = json_object_get_object_member (tokens, "user");
  g_assert_cmpstr (json_object_get_string_member (user, "email"), ==, NURSE_A);
  g_assert_cmpstr (json_object_get_string_member (user, "role"), ==, "nurse");
  g_assert_true (el_uuid_is_valid (json_object_get_string_member (user, "id")));
  g_assert_true (el_uuid_is_valid (json_object_get_string_member (user, "unit_id")));

  /* the email is matched whatever its case */
  {
    g_autoptr (ElTestResponse) upper =
        el_test_api_login_request (demo->api, "Nurse.A@Demo.EclipseLink.ai", PASSWORD);

    g_assert_cmpuint (upper->status, ==, 200);
  }

  me = get_me (json_object_get_string_member (tokens, "access_token"));
  g_assert_cmpuint (me->status, ==, 200);
  g_assert_cmpstr (el_test_response_get_header (me, "Cache-Control"), ==, "no-store");
  me_body = el_test_response_get_object (me);
  g_assert_cmpstr (json_object_get_string_member (me_body, "id"), ==,
                   json_object_get_string_member (user, "id"));
  g_assert_cmpstr (json_object_get_string_member (me_body, "email"), ==, NURSE_A);
  g_assert_false (json_object_has_member (me_body, "password_hash"));
}

static void
test_invalid_credentials (void)
{
  g_autoptr (ElTestResponse) wrong = el_test_api_login_request (demo->api, NURSE_B, "not-the-password");
  g_autoptr (ElTestResponse) unknown = el_test_api_login_request (demo->api, UNKNOWN_USER, PASSWORD);
  g_autofree char *wrong_body = NULL;
  g_autofree char *unknown_body = NULL;

  el_test_assert_problem_strict (wrong, 401, "invalid_credentials");
  el_test_assert_problem_strict (unknown, 401, "invalid_credentials");
  wrong_body = body_without_request_id (wrong);
  unknown_body = body_without_request_id (unknown);
  g_assert_cmpstr (wrong_body, ==, unknown_body);
  g_assert_null (strstr (wrong_body, NURSE_B));
  g_assert_cmpstr (el_test_response_get_header (wrong, "Content-Type"), ==,
                   el_test_response_get_header (unknown, "Content-Type"));
  g_assert_null (el_test_response_get_header (wrong, "WWW-Authenticate"));
}

static void
test_disabled (void)
{
  const ElTestLogin *login = el_test_api_login (demo->api, CHARGE_4W, PASSWORD);
  g_autoptr (ElDb) db = open_db ();
  g_autoptr (GError) error = NULL;
  g_autoptr (ElTestResponse) me = NULL;
  g_autoptr (ElTestResponse) again = NULL;
  g_autoptr (ElTestResponse) unknown = NULL;
  g_autoptr (ElTestResponse) renewed = NULL;
  g_autofree char *again_body = NULL;
  g_autofree char *unknown_body = NULL;

  el_repo_user_set_disabled (db, login->id, TRUE, NULL, &error);
  g_assert_no_error (error);

  /* the access token stops working at once, the refresh token too, and login is refused with
   * the body of an unknown account */
  me = get_me (login->token);
  el_test_assert_problem_strict (me, 401, "unauthorized");
  renewed = refresh (login->refresh_token);
  el_test_assert_problem_strict (renewed, 401, "unauthorized");
  again = el_test_api_login_request (demo->api, CHARGE_4W, PASSWORD);
  unknown = el_test_api_login_request (demo->api, UNKNOWN_USER, PASSWORD);
  el_test_assert_problem_strict (again, 401, "invalid_credentials");
  again_body = body_without_request_id (again);
  unknown_body = body_without_request_id (unknown);
  g_assert_cmpstr (again_body, ==, unknown_body);

  el_repo_user_set_disabled (db, login->id, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (el_test_api_login (demo->api, CHARGE_4W, PASSWORD));
}

static void
test_throttle (void)
{
  g_autoptr (ElTestResponse) refused = NULL;
  g_autoptr (ElTestResponse) right = NULL;
  guint64 retry_after = 0;

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr (ElTestResponse) r = el_test_api_login_request (demo->api, CHARGE_5E, "wrong-password");

      el_test_assert_problem_strict (r, 401, "invalid_credentials");
    }
  refused = el_test_api_login_request (demo->api, CHARGE_5E, "wrong-password");
  el_test_assert_problem_strict (refused, 429, "rate_limited");
  g_assert_nonnull (el_test_response_get_header (refused, "Retry-After"));
  g_assert_true (g_ascii_string_to_unsigned (el_test_response_get_header (refused, "Retry-After"), 10, 1,
                                             15 * 60, &retry_after, NULL));
  /* locked: even the right password is refused, before it is checked */
  right = el_test_api_login_request (demo->api, CHARGE_5E, PASSWORD);
  el_test_assert_problem_strict (right, 429, "rate_limited");
  /* another account from the same address still signs in */
  g_assert_nonnull (el_test_api_login (demo->api, NURSE_B, PASSWORD));
}

static void
test_refresh (void)
{
  const ElTestLogin *first = el_test_api_login (demo->api, NURSE_A, PASSWORD);
  g_autofree char *r1 = g_strdup (first->refresh_token);
  g_autofree char *r2 = NULL;
  g_autofree char *r3 = NULL;
  g_autoptr (ElTestResponse) a = refresh (r1);
  g_autoptr (ElTestResponse) b = NULL;
  g_autoptr (ElTestResponse) reuse = NULL;
  g_autoptr (ElTestResponse) after = NULL;
  JsonObject *second;
  JsonObject *third;

  g_assert_cmpuint (a->status, ==, 200);
  g_assert_cmpstr (el_test_response_get_header (a, "Cache-Control"), ==, "no-store");
  second = el_test_response_get_object (a);
  r2 = g_strdup (json_object_get_string_member (second, "refresh_token"));
  g_assert_cmpstr (r2, !=, r1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (second, "user"), "email"),
                   ==, NURSE_A);
  {
    g_autoptr (ElTestResponse) me = get_me (json_object_get_string_member (second, "access_token"));

    g_assert_cmpuint (me->status, ==, 200);
  }

  b = refresh (r2);
  g_assert_cmpuint (b->status, ==, 200);
  third = el_test_response_get_object (b);
  r3 = g_strdup (json_object_get_string_member (third, "refresh_token"));

  /* r1 comes back after its child was used: reuse, the family is revoked */
  reuse = refresh (r1);
  el_test_assert_problem_strict (reuse, 401, "unauthorized");
  after = refresh (r3);
  el_test_assert_problem_strict (after, 401, "unauthorized");

  /* garbage and unknown tokens */
  {
    g_autoptr (ElTestResponse) garbage = refresh ("not-a-token");
    g_autoptr (ElTestResponse) unknown = refresh ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    g_autoptr (ElTestResponse) extra =
        post_json ("/api/v1/auth/refresh", "{\"refresh_token\":\"x\",\"more\":1}");
    g_autoptr (ElTestResponse) number = post_json ("/api/v1/auth/refresh", "{\"refresh_token\":42}");

    el_test_assert_problem_strict (garbage, 401, "unauthorized");
    el_test_assert_problem_strict (unknown, 401, "unauthorized");
    el_test_assert_problem_strict (extra, 422, "validation_failed");
    el_test_assert_problem_strict (number, 422, "validation_failed");
  }
}

/* The one immediate retry: the client crashed before it stored the child. */
static void
test_refresh_retry (void)
{
  const char *r1 = el_test_api_login (demo->api, NURSE_A, PASSWORD)->refresh_token;
  g_autoptr (ElTestResponse) a = refresh (r1);
  g_autoptr (ElTestResponse) retry = NULL;

  g_assert_cmpuint (a->status, ==, 200);
  retry = refresh (r1);
  g_assert_cmpuint (retry->status, ==, 200);
}

static void
test_logout (void)
{
  const ElTestLogin *login = el_test_api_login (demo->api, NURSE_A, PASSWORD);
  g_autofree char *body = g_strdup_printf ("{\"refresh_token\":\"%s\"}", login->refresh_token);
  g_autoptr (ElTestResponse) out = post_json ("/api/v1/auth/logout", body);
  g_autoptr (ElTestResponse) again = post_json ("/api/v1/auth/logout", body);
  g_autoptr (ElTestResponse) garbage = post_json ("/api/v1/auth/logout", "{\"refresh_token\":\"garbage\"}");
  g_autoptr (ElTestResponse) renewed = refresh (login->refresh_token);
  g_autoptr (ElTestResponse) bad = post_json ("/api/v1/auth/logout", "{}");

  g_assert_cmpuint (out->status, ==, 204);
  g_assert_cmpuint (g_bytes_get_size (out->body), ==, 0);
  g_assert_cmpuint (again->status, ==, 204);
  g_assert_cmpuint (garbage->status, ==, 204);
  el_test_assert_problem_strict (renewed, 401, "unauthorized");
  el_test_assert_problem_strict (bad, 422, "validation_failed");
}

static char *
sign (const char *secret, const char *sub, ElRole role, gint64 iat, gint64 ttl)
{
  g_autoptr (ElJwtClaims) claims = el_jwt_claims_new (sub, role, NULL, iat, ttl);

  return el_jwt_sign ((const guint8 *) secret, strlen (secret), claims);
}

/* A hash made with older (cheaper) parameters is replaced on a successful login. */
static void
test_rehash (void)
{
  g_autoptr (ElDb) db = open_db ();
  g_autoptr (GError) error = NULL;
  g_autoptr (ElUser) user = el_user_new ();
  g_autoptr (ElUser) read_back = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *old_hash = NULL;
  const guint8 salt[16] = "0123456789abcdef";
  char encoded[256];

  g_assert_cmpint (argon2id_hash_encoded (1, 4096, 1, PASSWORD, strlen (PASSWORD), salt, sizeof salt, 32,
                                          encoded, sizeof encoded),
                   ==, ARGON2_OK);
  g_assert_true (el_password_needs_rehash (encoded));
  el_user_set_id (user, "6b1e2f4a-7c3d-4e5f-8a9b-0c1d2e3f4a5b");
  el_user_set_email (user, "old.hash@demo.eclipselink.ai");
  el_user_set_name (user, "Old Hash");
  el_user_set_role (user, EL_ROLE_ADMIN);
  g_assert_true (el_repo_user_insert (db, user, encoded, NULL, &error));
  g_assert_no_error (error);

  g_assert_nonnull (el_test_api_login (demo->api, "old.hash@demo.eclipselink.ai", PASSWORD));
  read_back = el_repo_user_get (db, "6b1e2f4a-7c3d-4e5f-8a9b-0c1d2e3f4a5b", &hash, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (read_back);
  g_assert_cmpstr (hash, !=, encoded);
  g_assert_false (el_password_needs_rehash (hash));
  g_assert_true (g_str_has_prefix (hash, "$argon2id$v=19$m=19456,t=2,p=1$"));
  /* the new hash still verifies */
  g_assert_nonnull (el_test_api_login (demo->api, "old.hash@demo.eclipselink.ai", PASSWORD));
  old_hash = g_strdup (hash);
  g_clear_object (&read_back);
  g_clear_pointer (&hash, g_free);
  read_back = el_repo_user_get (db, "6b1e2f4a-7c3d-4e5f-8a9b-0c1d2e3f4a5b", &hash, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hash, ==, old_hash); /* not rehashed again */
}

static void
test_me_tokens (void)
{
  const char *id = el_test_api_login (demo->api, ADMIN, PASSWORD)->id;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *good = sign (EL_TEST_JWT_SECRET, id, EL_ROLE_ADMIN, now, 600);
  g_autofree char *forged =
      sign ("another-secret-0123456789abcdef0123456789abcdef", id, EL_ROLE_ADMIN, now, 600);
  g_autofree char *expired = sign (EL_TEST_JWT_SECRET, id, EL_ROLE_ADMIN, now - 7200, 3600);
  g_autofree char *stranger =
      sign (EL_TEST_JWT_SECRET, "00000000-0000-4000-8000-000000000000", EL_ROLE_ADMIN, now, 600);
  g_autoptr (ElTestResponse) ok = get_me (good);
  g_autoptr (ElTestResponse) r_forged = get_me (forged);
  g_autoptr (ElTestResponse) r_expired = get_me (expired);
  g_autoptr (ElTestResponse) r_stranger = get_me (stranger);
  g_autoptr (ElTestResponse) none = get_me (NULL);
  g_autoptr (ElTestResponse) junk = get_me ("junk");

  g_assert_cmpuint (ok->status, ==, 200);
  el_test_assert_problem_strict (r_forged, 401, "unauthorized");
  el_test_assert_problem_strict (r_expired, 401, "token_expired");
  el_test_assert_problem_strict (r_stranger, 401, "unauthorized");
  el_test_assert_problem_strict (none, 401, "unauthorized");
  g_assert_nonnull (el_test_response_get_header (none, "WWW-Authenticate"));
  el_test_assert_problem_strict (junk, 401, "unauthorized");
}

static void
test_bad_bodies (void)
{
  g_autoptr (ElTestResponse) extra =
      post_json ("/api/v1/auth/login", "{\"email\":\"a@b\",\"password\":\"p\",\"role\":\"admin\"}");
  g_autoptr (ElTestResponse) missing = post_json ("/api/v1/auth/login", "{\"email\":\"a@b\",\"pass\":\"p\"}");
  g_autoptr (ElTestResponse) no_at =
      post_json ("/api/v1/auth/login", "{\"email\":\"ab\",\"password\":\"p\"}");
  g_autoptr (ElTestResponse) empty_pw =
      post_json ("/api/v1/auth/login", "{\"email\":\"a@b\",\"password\":\"\"}");
  g_autoptr (ElTestResponse) array = post_json ("/api/v1/auth/login", "[]");
  g_autoptr (ElTestResponse) malformed = post_json ("/api/v1/auth/login", "{\"email\":");
  g_autoptr (ElTestResponse) text = el_test_api_call (demo->api, "POST", "/api/v1/auth/login", NULL, "{}",
                                                      "Content-Type", "text/plain", EL_TEST_END);
  /* a NUL would cut the password short in C: refused, not a sign-in with its prefix */
  g_autoptr (ElTestResponse) nul = post_json (
      "/api/v1/auth/login", "{\"email\":\"" NURSE_A "\",\"password\":\"" PASSWORD "\\u0000tail\"}");

  el_test_assert_problem_strict (extra, 422, "validation_failed");
  el_test_assert_problem_strict (missing, 422, "validation_failed");
  el_test_assert_problem_strict (no_at, 422, "validation_failed");
  el_test_assert_problem_strict (empty_pw, 422, "validation_failed");
  el_test_assert_problem_strict (array, 422, "validation_failed");
  el_test_assert_problem_strict (malformed, 400, "invalid_request");
  el_test_assert_problem_strict (text, 415, "unsupported_media_type");
  if (nul->status != 400)
    el_test_assert_problem_strict (nul, 422, "validation_failed");
}

/* Audit: successes and failures are recorded, never with an email. */
static void
test_audit (void)
{
  g_autoptr (ElDb) db = open_db ();
  g_autoptr (GError) error = NULL;
  g_autoptr (ElDbStmt) stmt = NULL;
  guint n_ok = 0, n_failed = 0;
  int rc;

  stmt = el_db_prepare (
      db, "SELECT action, entity_id, detail FROM audit_events WHERE action LIKE 'auth.login%'", &error);
  g_assert_no_error (error);
  while ((rc = el_db_step (db, stmt, &error)) == SQLITE_ROW)
    {
      const char *action = (const char *) sqlite3_column_text (stmt, 0);
      const char *detail = (const char *) sqlite3_column_text (stmt, 2);

      g_assert_null (strchr (detail, '@'));
      if (g_str_equal (action, "auth.login"))
        n_ok++;
      else if (g_str_equal (action, "auth.login_failed"))
        n_failed++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n_ok, >=, 5);
  g_assert_cmpuint (n_failed, >=, 8);
  {
    gint64 bad = 0;

    g_assert_true (el_audit_verify (db, &bad, &error));
    g_assert_no_error (error);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  demo = el_test_demo_new_small (PASSWORD);

  g_test_add_func ("/el/server/api/auth/login", test_login);
  g_test_add_func ("/el/server/api/auth/invalid-credentials", test_invalid_credentials);
  g_test_add_func ("/el/server/api/auth/disabled", test_disabled);
  g_test_add_func ("/el/server/api/auth/throttle", test_throttle);
  g_test_add_func ("/el/server/api/auth/refresh", test_refresh);
  g_test_add_func ("/el/server/api/auth/refresh-retry", test_refresh_retry);
  g_test_add_func ("/el/server/api/auth/logout", test_logout);
  g_test_add_func ("/el/server/api/auth/rehash", test_rehash);
  g_test_add_func ("/el/server/api/auth/me-tokens", test_me_tokens);
  g_test_add_func ("/el/server/api/auth/bad-bodies", test_bad_bodies);
  g_test_add_func ("/el/server/api/auth/audit", test_audit);
  return el_test_demo_run (&demo);
}
