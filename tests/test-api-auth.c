/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The auth endpoints (login, refresh, logout, me) and the bearer authenticator, on a real
 * `eclipselink-server serve` seeded with `seed-demo`. */
#include "config.h"

#include <argon2.h>
#include <libsoup/soup.h>
#include <string.h>

#include "el-audit.h"
#include "el-db.h"
#include "el-jwt.h"
#include "el-model-types.h"
#include "el-password.h"
#include "el-repo.h"
#include "el-test-server.h"
#include "el-tokens.h"

#define PASSWORD     "test-password-42"
#define NURSE_A      "nurse.a@demo.eclipselink.ai"
#define NURSE_B      "nurse.b@demo.eclipselink.ai"
#define CHARGE_5E    "charge.nurse.5e@demo.eclipselink.ai"
#define CHARGE_4W    "charge.nurse@demo.eclipselink.ai"
#define ADMIN        "admin@demo.eclipselink.ai"
#define UNKNOWN_USER "nobody@demo.eclipselink.ai"

static ElTestServer *server;
static SoupSession *session;

typedef struct
{
  guint status;
  SoupMessageHeaders *headers;
  GBytes *body;
} Response;

static void
response_free (Response *response)
{
  if (response == NULL)
    return;
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_clear_pointer (&response->body, g_bytes_unref);
  g_free (response);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Response, response_free)

static Response *
http (const char *method, const char *path, const char *bearer, const char *content_type, const char *body)
{
  g_autofree char *url = el_test_server_url (server, path);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  g_autoptr (GError) error = NULL;
  Response *response = g_new0 (Response, 1);

  g_assert_nonnull (msg);
  if (bearer != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", bearer, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  if (body != NULL)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, content_type, bytes);
    }
  response->body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  response->status = soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  return response;
}

static Response *
post_json (const char *path, const char *body)
{
  return http ("POST", path, NULL, "application/json", body);
}

static const char *
header (Response *response, const char *name)
{
  return soup_message_headers_get_one (response->headers, name);
}

static JsonObject *
body_object (Response *response)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data (response->body, &len);

  json_parser_load_from_data (parser, data, (gssize) len, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
assert_problem (Response *response, guint status, const char *code)
{
  g_autoptr (JsonObject) problem = NULL;

  g_assert_cmpuint (response->status, ==, status);
  g_assert_cmpstr (header (response, "Content-Type"), ==, "application/problem+json");
  problem = body_object (response);
  g_assert_cmpstr (json_object_get_string_member (problem, "code"), ==, code);
  g_assert_cmpint (json_object_get_int_member (problem, "status"), ==, status);
}

static Response *
login (const char *email, const char *password)
{
  g_autofree char *body = g_strdup_printf ("{\"email\":\"%s\",\"password\":\"%s\"}", email, password);

  return post_json ("/api/v1/auth/login", body);
}

/* Signs in and returns the TokenResponse. */
static JsonObject *
login_ok (const char *email)
{
  g_autoptr (Response) r = login (email, PASSWORD);

  g_assert_cmpuint (r->status, ==, 200);
  return body_object (r);
}

static Response *
refresh (const char *token)
{
  g_autofree char *body = g_strdup_printf ("{\"refresh_token\":\"%s\"}", token);

  return post_json ("/api/v1/auth/refresh", body);
}

/* The body with this response's request id (the problem's `instance`) blanked out. */
static char *
body_without_request_id (Response *response)
{
  gsize len = 0;
  const char *data = g_bytes_get_data (response->body, &len);
  g_autofree char *text = g_strndup (data, len);
  const char *id = header (response, "X-Request-Id");
  g_auto (GStrv) parts = NULL;

  g_assert_nonnull (id);
  g_assert_nonnull (strstr (text, id));
  parts = g_strsplit (text, id, -1);
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
  db = el_db_open (el_test_server_get_database_path (server), vault, &error);
  g_assert_no_error (error);
  return db;
}

/* ------------------------------------------------------------------------------------------------ */

static void
test_login (void)
{
  g_autoptr (Response) r = login (NURSE_A, PASSWORD);
  g_autoptr (JsonObject) tokens = NULL;
  g_autoptr (Response) me = NULL;
  g_autoptr (JsonObject) me_body = NULL;
  JsonObject *user;

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (header (r, "Content-Type"), ==, "application/json");
  g_assert_cmpstr (header (r, "Cache-Control"), ==, "no-store");
  tokens = body_object (r);
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
    g_autoptr (Response) upper = login ("Nurse.A@Demo.EclipseLink.ai", PASSWORD);

    g_assert_cmpuint (upper->status, ==, 200);
  }

  me = http ("GET", "/api/v1/me", json_object_get_string_member (tokens, "access_token"), NULL, NULL);
  g_assert_cmpuint (me->status, ==, 200);
  g_assert_cmpstr (header (me, "Cache-Control"), ==, "no-store");
  me_body = body_object (me);
  g_assert_cmpstr (json_object_get_string_member (me_body, "id"), ==,
                   json_object_get_string_member (user, "id"));
  g_assert_cmpstr (json_object_get_string_member (me_body, "email"), ==, NURSE_A);
  g_assert_false (json_object_has_member (me_body, "password_hash"));
}

static void
test_invalid_credentials (void)
{
  g_autoptr (Response) wrong = login (NURSE_B, "not-the-password");
  g_autoptr (Response) unknown = login (UNKNOWN_USER, PASSWORD);
  g_autofree char *wrong_body = NULL;
  g_autofree char *unknown_body = NULL;

  assert_problem (wrong, 401, "invalid_credentials");
  assert_problem (unknown, 401, "invalid_credentials");
  wrong_body = body_without_request_id (wrong);
  unknown_body = body_without_request_id (unknown);
  g_assert_cmpstr (wrong_body, ==, unknown_body);
  g_assert_null (strstr (wrong_body, NURSE_B));
  g_assert_cmpstr (header (wrong, "Content-Type"), ==, header (unknown, "Content-Type"));
  g_assert_null (header (wrong, "WWW-Authenticate"));
}

static void
test_disabled (void)
{
  g_autoptr (JsonObject) tokens = login_ok (CHARGE_4W);
  JsonObject *user = json_object_get_object_member (tokens, "user");
  const char *access = json_object_get_string_member (tokens, "access_token");
  g_autoptr (ElDb) db = open_db ();
  g_autoptr (GError) error = NULL;
  g_autoptr (Response) me = NULL;
  g_autoptr (Response) again = NULL;
  g_autoptr (Response) unknown = NULL;
  g_autoptr (Response) renewed = NULL;
  g_autofree char *again_body = NULL;
  g_autofree char *unknown_body = NULL;

  el_repo_user_set_disabled (db, json_object_get_string_member (user, "id"), TRUE, NULL, &error);
  g_assert_no_error (error);

  /* the access token stops working at once, the refresh token too, and login is refused with
   * the body of an unknown account */
  me = http ("GET", "/api/v1/me", access, NULL, NULL);
  assert_problem (me, 401, "unauthorized");
  renewed = refresh (json_object_get_string_member (tokens, "refresh_token"));
  assert_problem (renewed, 401, "unauthorized");
  again = login (CHARGE_4W, PASSWORD);
  unknown = login (UNKNOWN_USER, PASSWORD);
  assert_problem (again, 401, "invalid_credentials");
  again_body = body_without_request_id (again);
  unknown_body = body_without_request_id (unknown);
  g_assert_cmpstr (again_body, ==, unknown_body);

  el_repo_user_set_disabled (db, json_object_get_string_member (user, "id"), FALSE, NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr (JsonObject) back = login_ok (CHARGE_4W);

    g_assert_nonnull (back);
  }
}

static void
test_throttle (void)
{
  g_autoptr (Response) refused = NULL;
  g_autoptr (Response) right = NULL;
  guint64 retry_after = 0;

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr (Response) r = login (CHARGE_5E, "wrong-password");

      assert_problem (r, 401, "invalid_credentials");
    }
  refused = login (CHARGE_5E, "wrong-password");
  assert_problem (refused, 429, "rate_limited");
  g_assert_nonnull (header (refused, "Retry-After"));
  g_assert_true (
      g_ascii_string_to_unsigned (header (refused, "Retry-After"), 10, 1, 15 * 60, &retry_after, NULL));
  /* locked: even the right password is refused, before it is checked */
  right = login (CHARGE_5E, PASSWORD);
  assert_problem (right, 429, "rate_limited");
  /* another account from the same address still signs in */
  {
    g_autoptr (JsonObject) other = login_ok (NURSE_B);

    g_assert_nonnull (other);
  }
}

static void
test_refresh (void)
{
  g_autoptr (JsonObject) first = login_ok (NURSE_A);
  g_autofree char *r1 = g_strdup (json_object_get_string_member (first, "refresh_token"));
  g_autofree char *r2 = NULL;
  g_autofree char *r3 = NULL;
  g_autoptr (Response) a = refresh (r1);
  g_autoptr (Response) b = NULL;
  g_autoptr (Response) reuse = NULL;
  g_autoptr (Response) after = NULL;
  g_autoptr (JsonObject) second = NULL;
  g_autoptr (JsonObject) third = NULL;

  g_assert_cmpuint (a->status, ==, 200);
  g_assert_cmpstr (header (a, "Cache-Control"), ==, "no-store");
  second = body_object (a);
  r2 = g_strdup (json_object_get_string_member (second, "refresh_token"));
  g_assert_cmpstr (r2, !=, r1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (second, "user"), "email"),
                   ==, NURSE_A);
  {
    g_autoptr (Response) me =
        http ("GET", "/api/v1/me", json_object_get_string_member (second, "access_token"), NULL, NULL);

    g_assert_cmpuint (me->status, ==, 200);
  }

  b = refresh (r2);
  g_assert_cmpuint (b->status, ==, 200);
  third = body_object (b);
  r3 = g_strdup (json_object_get_string_member (third, "refresh_token"));

  /* r1 comes back after its child was used: reuse, the family is revoked */
  reuse = refresh (r1);
  assert_problem (reuse, 401, "unauthorized");
  after = refresh (r3);
  assert_problem (after, 401, "unauthorized");

  /* garbage and unknown tokens */
  {
    g_autoptr (Response) garbage = refresh ("not-a-token");
    g_autoptr (Response) unknown = refresh ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    g_autoptr (Response) extra = post_json ("/api/v1/auth/refresh", "{\"refresh_token\":\"x\",\"more\":1}");
    g_autoptr (Response) number = post_json ("/api/v1/auth/refresh", "{\"refresh_token\":42}");

    assert_problem (garbage, 401, "unauthorized");
    assert_problem (unknown, 401, "unauthorized");
    assert_problem (extra, 422, "validation_failed");
    assert_problem (number, 422, "validation_failed");
  }
}

/* The one immediate retry: the client crashed before it stored the child. */
static void
test_refresh_retry (void)
{
  g_autoptr (JsonObject) first = login_ok (NURSE_A);
  const char *r1 = json_object_get_string_member (first, "refresh_token");
  g_autoptr (Response) a = refresh (r1);
  g_autoptr (Response) retry = NULL;

  g_assert_cmpuint (a->status, ==, 200);
  retry = refresh (r1);
  g_assert_cmpuint (retry->status, ==, 200);
}

static void
test_logout (void)
{
  g_autoptr (JsonObject) tokens = login_ok (NURSE_A);
  g_autofree char *body =
      g_strdup_printf ("{\"refresh_token\":\"%s\"}", json_object_get_string_member (tokens, "refresh_token"));
  g_autoptr (Response) out = post_json ("/api/v1/auth/logout", body);
  g_autoptr (Response) again = post_json ("/api/v1/auth/logout", body);
  g_autoptr (Response) garbage = post_json ("/api/v1/auth/logout", "{\"refresh_token\":\"garbage\"}");
  g_autoptr (Response) renewed = refresh (json_object_get_string_member (tokens, "refresh_token"));
  g_autoptr (Response) bad = post_json ("/api/v1/auth/logout", "{}");

  g_assert_cmpuint (out->status, ==, 204);
  g_assert_cmpuint (g_bytes_get_size (out->body), ==, 0);
  g_assert_cmpuint (again->status, ==, 204);
  g_assert_cmpuint (garbage->status, ==, 204);
  assert_problem (renewed, 401, "unauthorized");
  assert_problem (bad, 422, "validation_failed");
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

  {
    g_autoptr (JsonObject) tokens = login_ok ("old.hash@demo.eclipselink.ai");

    g_assert_nonnull (tokens);
  }
  read_back = el_repo_user_get (db, "6b1e2f4a-7c3d-4e5f-8a9b-0c1d2e3f4a5b", &hash, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (read_back);
  g_assert_cmpstr (hash, !=, encoded);
  g_assert_false (el_password_needs_rehash (hash));
  g_assert_true (g_str_has_prefix (hash, "$argon2id$v=19$m=19456,t=2,p=1$"));
  /* the new hash still verifies */
  {
    g_autoptr (JsonObject) again = login_ok ("old.hash@demo.eclipselink.ai");

    g_assert_nonnull (again);
  }
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
  g_autoptr (JsonObject) tokens = login_ok (ADMIN);
  const char *id = json_object_get_string_member (json_object_get_object_member (tokens, "user"), "id");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *good = sign (EL_TEST_JWT_SECRET, id, EL_ROLE_ADMIN, now, 600);
  g_autofree char *forged =
      sign ("another-secret-0123456789abcdef0123456789abcdef", id, EL_ROLE_ADMIN, now, 600);
  g_autofree char *expired = sign (EL_TEST_JWT_SECRET, id, EL_ROLE_ADMIN, now - 7200, 3600);
  g_autofree char *stranger =
      sign (EL_TEST_JWT_SECRET, "00000000-0000-4000-8000-000000000000", EL_ROLE_ADMIN, now, 600);
  g_autoptr (Response) ok = http ("GET", "/api/v1/me", good, NULL, NULL);
  g_autoptr (Response) r_forged = http ("GET", "/api/v1/me", forged, NULL, NULL);
  g_autoptr (Response) r_expired = http ("GET", "/api/v1/me", expired, NULL, NULL);
  g_autoptr (Response) r_stranger = http ("GET", "/api/v1/me", stranger, NULL, NULL);
  g_autoptr (Response) none = http ("GET", "/api/v1/me", NULL, NULL, NULL);
  g_autoptr (Response) junk = http ("GET", "/api/v1/me", "junk", NULL, NULL);

  g_assert_cmpuint (ok->status, ==, 200);
  assert_problem (r_forged, 401, "unauthorized");
  assert_problem (r_expired, 401, "token_expired");
  assert_problem (r_stranger, 401, "unauthorized");
  assert_problem (none, 401, "unauthorized");
  g_assert_nonnull (header (none, "WWW-Authenticate"));
  assert_problem (junk, 401, "unauthorized");
}

static void
test_bad_bodies (void)
{
  g_autoptr (Response) extra =
      post_json ("/api/v1/auth/login", "{\"email\":\"a@b\",\"password\":\"p\",\"role\":\"admin\"}");
  g_autoptr (Response) missing = post_json ("/api/v1/auth/login", "{\"email\":\"a@b\",\"pass\":\"p\"}");
  g_autoptr (Response) no_at = post_json ("/api/v1/auth/login", "{\"email\":\"ab\",\"password\":\"p\"}");
  g_autoptr (Response) empty_pw = post_json ("/api/v1/auth/login", "{\"email\":\"a@b\",\"password\":\"\"}");
  g_autoptr (Response) array = post_json ("/api/v1/auth/login", "[]");
  g_autoptr (Response) malformed = post_json ("/api/v1/auth/login", "{\"email\":");
  g_autoptr (Response) text = http ("POST", "/api/v1/auth/login", NULL, "text/plain", "{}");
  /* a NUL would cut the password short in C: refused, not a sign-in with its prefix */
  g_autoptr (Response) nul = post_json ("/api/v1/auth/login", "{\"email\":\"" NURSE_A
                                                              "\",\"password\":\"" PASSWORD "\\u0000tail\"}");

  assert_problem (extra, 422, "validation_failed");
  assert_problem (missing, 422, "validation_failed");
  assert_problem (no_at, 422, "validation_failed");
  assert_problem (empty_pw, 422, "validation_failed");
  assert_problem (array, 422, "validation_failed");
  assert_problem (malformed, 400, "invalid_request");
  assert_problem (text, 415, "unsupported_media_type");
  if (nul->status != 400)
    assert_problem (nul, 422, "validation_failed");
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
  g_autoptr (GProxyResolver) direct = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *seed[] = { "seed-demo",  "--units", "2", "--patients-per-unit", "2", "--days", "1",
                         "--password", PASSWORD,  NULL };
  int status;

  g_test_init (&argc, &argv, NULL);

  server = el_test_server_new ();
  el_test_server_start (server);
  status = el_test_server_run (server, seed, &out, &err);
  g_assert_cmpint (status, ==, 0);
  direct = g_simple_proxy_resolver_new (NULL, NULL);
  session = soup_session_new_with_options ("timeout", 30, "proxy-resolver", direct, NULL);

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
  status = g_test_run ();

  g_object_unref (session);
  g_assert_cmpint (el_test_server_stop (server), ==, 0);
  el_test_server_free (server);
  return status;
}
