/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ElApiClient against a real `eclipselink-server` (tests/el-test-server.h) seeded with the demo
 * hospital: sign-in, refresh rotation, logout, resume, single-flight refresh under 50 concurrent
 * 401s, typed calls decoded with core's models, a 409 on SBAR that carries the latest version, the
 * circuit breaker across a server stop and restart, retry with an Idempotency-Key across a server
 * killed right after its COMMIT (applied once), deadlines and cancellation.
 *
 * One small in-test SoupServer on 127.0.0.1:0 serves only what the real server cannot be made to
 * send on demand: 503 with `Retry-After` (delta-seconds and HTTP-date), to count attempts of a POST
 * with and without an Idempotency-Key, and known fake tokens to prove that no error message holds
 * one.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#include "el-api-client.h"
#include "el-api-secrets-token-store.h"
#include "el-model-error.h"
#include "el-test-api.h"
#include "el-test-proxy.h"
#include "el-test-server.h"
#include "el-test-util.h"

#define PASSWORD     "handoff-demo-test"
#define CHARGE_EMAIL "charge.nurse@demo.eclipselink.ai"
#define NURSE_EMAIL  "nurse.a@demo.eclipselink.ai"

/* The JWT leeway of the server (EL_JWT_LEEWAY_SECONDS) plus a margin: an access token made with
 * JWT_EXPIRES_IN=1s is refused this long after it was issued. */
#define EXPIRED_AFTER_S 63

static ElTestServer *server;       /* seeded, test routes, no rate limit */
static ElTestServer *short_server; /* the same with JWT_EXPIRES_IN=1s */
static ElApiClient *expiring;      /* signed in to short_server at start */
static ElApiMemoryTokenStore *expiring_store;
static gint64 expiring_login_time;

/* ------------------------------------------------------------------------------------------------
 * Helpers
 */

/* Direct connections: no system proxy lookup (libproxy throws C++ exceptions under ASan). */
static SoupSession *
direct_session (void)
{
  g_autoptr (GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

  return soup_session_new_with_options ("proxy-resolver", direct, NULL);
}

static void
make_direct (ElApiClient *client)
{
  g_autoptr (GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

  el_api_client_set_proxy_resolver (client, direct);
}

static ElTestServer *
seeded_server_new (const char *jwt_expires_in)
{
  const char *env[] = { "EL_TEST_ROUTES", "1", jwt_expires_in != NULL ? "JWT_EXPIRES_IN" : NULL,
                        jwt_expires_in, NULL };
  ElTestServer *srv = el_test_server_new ();

  el_test_demo_prepare_full (srv, PASSWORD, env);
  return srv;
}

/* A second server process on @first's database and storage, on @port (0: any). */
static ElTestServer *
server_on_same_database (ElTestServer *first, guint port)
{
  static const char *const env[] = { "EL_TEST_ROUTES", "1", NULL };

  return el_test_demo_start_again (first, port, env);
}

static ElApiClient *
client_new (ElTestServer *srv, ElApiMemoryTokenStore *store)
{
  g_autoptr (GError) error = NULL;
  ElApiClient *client = el_api_client_new (el_test_server_get_url (srv), EL_API_TOKEN_STORE (store), &error);

  g_assert_no_error (error);
  g_assert_nonnull (client);
  make_direct (client);
  /* fast retries in tests */
  el_api_client_set_backoff (client, 20, 500);
  return client;
}

static ElUser *
login (ElApiClient *client, const char *email, const char *password, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  el_api_client_login_async (client, email, password, NULL, el_test_result_cb, &result);
  return el_api_client_login_finish (client, el_test_wait_for (&result), error);
}

static void
login_ok (ElApiClient *client, const char *email)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElUser) user = login (client, email, PASSWORD, &error);

  g_assert_no_error (error);
  g_assert_nonnull (user);
}

static ElUser *
get_me (ElApiClient *client, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  el_api_client_get_me_async (client, NULL, el_test_result_cb, &result);
  return el_api_client_get_me_finish (client, el_test_wait_for (&result), error);
}

static gboolean
refresh (ElApiClient *client, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  el_api_client_refresh_async (client, NULL, el_test_result_cb, &result);
  return el_api_client_refresh_finish (client, el_test_wait_for (&result), error);
}

/* POST /api/v1/auth/refresh with @token straight through libsoup: the status. */
static guint
raw_refresh (ElTestServer *srv, const char *token)
{
  g_autoptr (SoupSession) session = direct_session ();
  g_autofree char *url = el_test_server_url (srv, "/api/v1/auth/refresh");
  g_autoptr (SoupMessage) msg = soup_message_new ("POST", url);
  g_autofree char *body = g_strdup_printf ("{\"refresh_token\":\"%s\"}", token);
  g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr (GBytes) reply = NULL;
  g_autoptr (GError) error = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  return soup_message_get_status (msg);
}

/* The value of one counter line of GET /api/metrics (0 when absent). */
static guint64
metric (ElTestServer *srv, const char *series)
{
  g_autoptr (SoupSession) session = direct_session ();
  g_autofree char *url = el_test_server_url (srv, "/api/metrics");
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_autofree char *text = NULL;
  g_autofree char *needle = g_strconcat ("\n", series, " ", NULL);
  const char *at;

  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  text = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
  at = strstr (text, needle);
  if (at == NULL)
    return 0;
  return g_ascii_strtoull (at + strlen (needle), NULL, 10);
}

static char *
first_patient_id (ElApiClient *client)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray) patients = NULL;
  g_autoptr (GError) error = NULL;
  ElUser *user = el_api_client_get_user (client);

  g_assert_nonnull (user);
  el_api_client_list_patients_async (client, el_user_get_unit_id (user), NULL, el_test_result_cb, &result);
  patients = el_api_client_list_patients_finish (client, el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (patients->len, >, 0);
  return g_strdup (el_patient_get_id (g_ptr_array_index (patients, 0)));
}

/* A new handoff of the first patient of the signed-in user's unit. */
static ElHandoff *
create_handoff (ElApiClient *client, char **etag)
{
  g_autofree char *patient = first_patient_id (client);
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *key = g_uuid_string_random ();
  g_autoptr (ElHandoff) request = el_handoff_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDate) date = g_date_new_dmy (20, G_DATE_NOVEMBER, 2026);
  ElHandoff *handoff;

  el_handoff_set_id (request, id);
  el_handoff_set_patient_id (request, patient);
  el_handoff_set_shift_date (request, date);
  el_handoff_set_shift (request, EL_SHIFT_DAY);
  el_api_client_create_handoff_async (client, request, key, NULL, el_test_result_cb, &result);
  handoff = el_api_client_create_handoff_finish (client, el_test_wait_for (&result), etag, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (el_handoff_get_id (handoff), ==, id);
  return handoff;
}

static ElSbarVersion *
sbar_content (const char *situation)
{
  ElSbarVersion *content = el_sbar_version_new ();

  el_sbar_version_set_source (content, EL_SBAR_SOURCE_NURSE);
  el_sbar_version_set_situation (content, situation);
  return content;
}

static ElSbarVersion *
create_version (ElApiClient *client,
                const char *handoff_id,
                int base,
                const char *situation,
                const char *key,
                GError **error)
{
  g_autoptr (ElSbarVersion) content = sbar_content (situation);
  g_autoptr (GAsyncResult) result = NULL;

  el_api_client_create_sbar_version_async (client, handoff_id, content, base, key, NULL, el_test_result_cb,
                                           &result);
  return el_api_client_create_sbar_version_finish (client, el_test_wait_for (&result), NULL, error);
}

static GPtrArray *
list_versions (ElApiClient *client, const char *handoff_id)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *versions;

  el_api_client_list_sbar_versions_async (client, handoff_id, NULL, el_test_result_cb, &result);
  versions = el_api_client_list_sbar_versions_finish (client, el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  return versions;
}

static void
assert_no_secret (const char *message, const char *const *secrets)
{
  for (guint i = 0; secrets[i] != NULL; i++)
    if (secrets[i][0] != '\0' && strstr (message, secrets[i]) != NULL)
      g_error ("an error message holds a secret: %s", message);
}

/* ------------------------------------------------------------------------------------------------
 * Construction
 */

static void
test_bad_base_url (void)
{
  static const char *const bad[] = { "",        "ftp://example.org", "example.org",
                                     "http://", "http://u:p@host",   "http://host/?q=1" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (ElApiClient) client = el_api_client_new (bad[i], NULL, &error);

      g_assert_null (client);
      g_assert_error (error, EL_API_ERROR, EL_API_ERROR_INVALID_ARGUMENT);
    }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (ElApiClient) client = el_api_client_new ("https://api.example.org/", NULL, &error);

    g_assert_no_error (error);
    make_direct (client);
    g_assert_cmpstr (el_api_client_get_base_url (client), ==, "https://api.example.org");
    g_assert_true (el_api_client_get_online (client));
    g_assert_false (el_api_client_get_signed_in (client));
  }
}

/* ------------------------------------------------------------------------------------------------
 * Session
 */

static void
test_login_ok (void)
{
  g_autoptr (ElApiMemoryTokenStore) store = el_api_memory_token_store_new ();
  g_autoptr (ElApiClient) client = client_new (server, store);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElUser) user = login (client, "Charge.Nurse@demo.eclipselink.ai", PASSWORD, &error);
  g_autoptr (ElUser) me = NULL;
  g_autofree char *stored = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (el_user_get_email (user), ==, CHARGE_EMAIL);
  g_assert_true (el_api_client_get_signed_in (client));
  g_assert_true (el_api_client_get_user (client) != NULL);
  /* the refresh token went to the store, under the lower-case email */
  g_assert_cmpuint (el_api_memory_token_store_get_save_count (store), ==, 1);
  stored = el_api_memory_token_store_dup (store, CHARGE_EMAIL);
  g_assert_nonnull (stored);
  g_assert_cmpuint (strlen (stored), >, 16);

  me = get_me (client, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (el_user_get_id (me), ==, el_user_get_id (user));
  g_assert_cmpuint (el_api_client_get_refresh_count (client), ==, 0);
}

static void
test_login_bad (void)
{
  g_autoptr (ElApiMemoryTokenStore) store = el_api_memory_token_store_new ();
  g_autoptr (ElApiClient) client = client_new (server, store);
  g_autoptr (GError) unknown = NULL;
  g_autoptr (GError) wrong = NULL;
  g_autoptr (ElUser) user1 = login (client, "nobody@demo.eclipselink.ai", PASSWORD, &unknown);
  g_autoptr (ElUser) user2 = login (client, CHARGE_EMAIL, "wrong-password-123", &wrong);
  const char *const secrets[] = { PASSWORD, "wrong-password-123", "nobody@", NULL };

  g_assert_null (user1);
  g_assert_null (user2);
  g_assert_error (unknown, EL_API_ERROR, EL_API_ERROR_INVALID_CREDENTIALS);
  g_assert_error (wrong, EL_API_ERROR, EL_API_ERROR_INVALID_CREDENTIALS);
  /* the same answer for an unknown account and a wrong password */
  g_assert_cmpstr (unknown->message, ==, wrong->message);
  g_assert_cmpuint (el_api_problem_get_status (el_api_error_get_problem (unknown)), ==, 401);
  g_assert_cmpstr (el_api_problem_get_code (el_api_error_get_problem (unknown)), ==, "invalid_credentials");
  g_assert_cmpstr (el_api_problem_get_code (el_api_error_get_problem (wrong)), ==, "invalid_credentials");
  assert_no_secret (unknown->message, secrets);
  assert_no_secret (wrong->message, secrets);
  g_assert_false (el_api_client_get_signed_in (client));
  g_assert_cmpuint (el_api_memory_token_store_get_save_count (store), ==, 0);

  /* not signed in: an authenticated call fails without being sent */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (ElUser) me = get_me (client, &error);

    g_assert_null (me);
    g_assert_error (error, EL_API_ERROR, EL_API_ERROR_UNAUTHORIZED);
  }
}

static void
test_login_store_fails (void)
{
  g_autoptr (ElApiMemoryTokenStore) store = el_api_memory_token_store_new ();
  g_autoptr (ElApiClient) client = client_new (server, store);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElUser) user = NULL;

  /* the refresh token must be kept before the sign-in counts */
  el_api_memory_token_store_set_fail_saves (store, TRUE);
  user = login (client, CHARGE_EMAIL, PASSWORD, &error);
  g_assert_null (user);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_false (el_api_client_get_signed_in (client));
}

static void
session_ended_cb (ElApiClient *client, const GError *reason, gpointer user_data)
{
  guint *count = user_data;

  g_assert_nonnull (reason);
  (*count)++;
}

static void
test_refresh_rotation (void)
{
  g_autoptr (ElApiMemoryTokenStore) store = el_api_memory_token_store_new ();
  g_autoptr (ElApiClient) client = client_new (server, store);
  g_autoptr (GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  guint ended = 0;

  g_signal_connect (client, "session-ended", G_CALLBACK (session_ended_cb), &ended);
  login_ok (client, CHARGE_EMAIL);
  first = el_api_memory_token_store_dup (store, CHARGE_EMAIL);

  g_assert_true (refresh (client, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (el_api_client_get_refresh_count (client), ==, 1);
  /* rotated, and the new one was saved before the refresh completed */
  second = el_api_memory_token_store_dup (store, CHARGE_EMAIL);
  g_assert_nonnull (second);
  g_assert_cmpstr (first, !=, second);
  g_assert_cmpuint (el_api_memory_token_store_get_save_count (store), ==, 2);
  {
    g_autoptr (ElUser) me = get_me (client, &error);

    g_assert_no_error (error);
    g_assert_nonnull (me);
  }

  /* once the new token was used in turn, the old one is refused, and its reuse revokes the whole
   * family (the server's rule; right after a rotation the server forgives one retry of the old) */
  g_assert_true (refresh (client, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (el_api_client_get_refresh_count (client), ==, 2);
  g_assert_cmpuint (raw_refresh (server, first), ==, 401);
  g_assert_cmpuint (raw_refresh (server, second), ==, 401);
  g_assert_false (refresh (client, &error));
  g_assert_error (error, EL_API_ERROR, EL_API_ERROR_UNAUTHORIZED);
  g_assert_nonnull (el_api_error_get_problem (error));
  g_assert_cmpuint (el_api_problem_get_status (el_api_error_get_problem (error)), ==, 401);
  /* the client noticed: signed out, store cleared, signal */
  g_assert_false (el_api_client_get_signed_in (client));
  g_assert_cmpuint (ended, ==, 1);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  {
    g_autofree char *left = el_api_memory_token_store_dup (store, CHARGE_EMAIL);

    g_assert_null (left);
  }
}

static void
test_logout (void)
{
  g_autoptr (ElApiMemoryTokenStore) store = el_api_memory_token_store_new ();
  g_autoptr (ElApiClient) client = client_new (server, store);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  guint ended = 0;

  g_signal_connect (client, "session-ended", G_CALLBACK (session_ended_cb), &ended);
  login_ok (client, NURSE_EMAIL);
  token = el_api_memory_token_store_dup (store, NURSE_EMAIL);
  g_assert_nonnull (token);

  el_api_client_logout_async (client, NULL, el_test_result_cb, &result);
  g_assert_true (el_api_client_logout_finish (client, el_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_false (el_api_client_get_signed_in (client));
  g_assert_null (el_api_client_get_user (client));
  g_assert_cmpuint (ended, ==, 0); /* a logout is not an unexpected end */
  {
    g_autofree char *left = el_api_memory_token_store_dup (store, NURSE_EMAIL);

    g_assert_null (left);
  }
  /* revoked on the server */
  g_assert_cmpuint (raw_refresh (server, token), ==, 401);
  {
    g_autoptr (ElUser) me = get_me (client, &error);

    g_assert_null (me);
    g_assert_error (error, EL_API_ERROR, EL_API_ERROR_UNAUTHORIZED);
  }
}

static void
test_resume (void)
{
  g_autoptr (ElApiMemoryTokenStore) store = el_api_memory_token_store_new ();
  g_autoptr (ElApiClient) first = client_new (server, store);
  g_autoptr (ElApiClient) second = client_new (server, store);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElUser) user = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  login_ok (first, NURSE_EMAIL);
  before = el_api_memory_token_store_dup (store, NURSE_EMAIL);

  /* a second run of the app: the stored refresh token signs in again */
  el_api_client_resume_async (second, "Nurse.A@demo.eclipselink.ai", NULL, el_test_result_cb, &result);
  user = el_api_client_resume_finish (second, el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (el_user_get_email (user), ==, NURSE_EMAIL);
  g_assert_true (el_api_client_get_signed_in (second));
  after = el_api_memory_token_store_dup (store, NURSE_EMAIL);
  g_assert_cmpstr (before, !=, after);
  {
    g_autoptr (ElUser) me = get_me (second, &error);

    g_assert_no_error (error);
    g_assert_nonnull (me);
  }

  /* nothing stored for another account */
  g_clear_object (&result);
  el_api_client_resume_async (second, "nobody@demo.eclipselink.ai", NULL, el_test_result_cb, &result);
  g_clear_object (&user);
  user = el_api_client_resume_finish (second, el_test_wait_for (&result), &error);
  g_assert_null (user);
  g_assert_error (error, EL_API_ERROR, EL_API_ERROR_UNAUTHORIZED);
}

/* Proactive refresh: with 1 s tokens, a call made when the token is about to expire refreshes
 * first (one refresh for ten concurrent calls) and never sees a 401. */
static void
test_refresh_proactive (void)
{
  g_autoptr (ElApiMemoryTokenStore) store = el_api_memory_token_store_new ();
  g_autoptr (ElApiClient) client = client_new (short_server, store);
  GAsyncResult *results[10] = { NULL };
  guint64 unauthorized_before =
      metric (short_server, "el_http_requests_total{route=\"/api/v1/me\",method=\"GET\","
                            "status=\"401\"}");

  login_ok (client, CHARGE_EMAIL);
  el_test_sleep_main (700); /* past half the token's life: the margin of a 1 s token */
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    el_api_client_get_me_async (client, NULL, el_test_result_cb, &results[i]);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (ElUser) me = el_api_client_get_me_finish (client, el_test_wait_for (&results[i]), &error);

      g_assert_no_error (error);
      g_assert_nonnull (me);
      g_clear_object (&results[i]);
    }
  g_assert_cmpuint (el_api_client_get_refresh_count (client), ==, 1);
  g_assert_cmpuint (el_api_memory_token_store_get_save_count (store), ==, 2);
  g_assert_cmpuint (
      metric (short_server, "el_http_requests_total{route=\"/api/v1/me\",method=\"GET\",status=\"401\"}"), ==,
      unauthorized_before);
}

/* 50 concurrent calls with an expired access token: all 50 get a 401 `token_expired`, exactly one
 * refresh is sent, and all 50 succeed after it. */
static void
test_refresh_single_flight (void)
{
  GAsyncResult *results[50] = { NULL };
  const char *const me_401 = "el_http_requests_total{route=\"/api/v1/me\",method=\"GET\",status=\"401\"}";
  const char *const me_200 = "el_http_requests_total{route=\"/api/v1/me\",method=\"GET\",status=\"200\"}";
  const char *const refresh_200 =
      "el_http_requests_total{route=\"/api/v1/auth/refresh\",method=\"POST\",status=\"200\"}";
  guint64 before_401, before_200, before_refresh;
  gint64 wait_until = expiring_login_time + (gint64) EXPIRED_AFTER_S * G_USEC_PER_SEC;

  /* the client signed in when the program started; wait for the server to refuse its token */
  while (g_get_monotonic_time () < wait_until)
    el_test_sleep_main (250);
  before_401 = metric (short_server, me_401);
  before_200 = metric (short_server, me_200);
  before_refresh = metric (short_server, refresh_200);
  g_assert_cmpuint (el_api_client_get_refresh_count (expiring), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    el_api_client_get_me_async (expiring, NULL, el_test_result_cb, &results[i]);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (ElUser) me = el_api_client_get_me_finish (expiring, el_test_wait_for (&results[i]), &error);

      g_assert_no_error (error);
      g_assert_cmpstr (el_user_get_email (me), ==, CHARGE_EMAIL);
      g_clear_object (&results[i]);
    }
  g_assert_cmpuint (el_api_client_get_refresh_count (expiring), ==, 1);
  g_assert_cmpuint (metric (short_server, refresh_200) - before_refresh, ==, 1);
  g_assert_cmpuint (metric (short_server, me_401) - before_401, ==, 50);
  g_assert_cmpuint (metric (short_server, me_200) - before_200, ==, 50);
  g_assert_cmpuint (el_api_memory_token_store_get_save_count (expiring_store), ==, 2);
}

/* ------------------------------------------------------------------------------------------------
 * Typed calls
 */

static void
test_census_and_handoffs (void)
{
  g_autoptr (ElApiMemoryTokenStore) store = el_api_memory_token_store_new ();
  g_autoptr (ElApiClient) client = client_new (server, store);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) units = NULL;
  g_autoptr (GPtrArray) page1 = NULL;
  g_autoptr (GPtrArray) page2 = NULL;
  g_autoptr (ElHandoff) created = NULL;
  g_autoptr (ElHandoff) got = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *cursor2 = NULL;
  g_autofree char *etag = NULL;
  g_autofree char *etag_get = NULL;
  gboolean more = FALSE;

  login_ok (client, CHARGE_EMAIL);
  el_api_client_list_units_async (client, NULL, el_test_result_cb, &result);
  units = el_api_client_list_units_finish (client, el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (units->len, ==, 1); /* a charge nurse sees her unit */
  g_assert_cmpstr (el_unit_get_id (g_ptr_array_index (units, 0)), ==,
                   el_user_get_unit_id (el_api_client_get_user (client)));

  created = create_handoff (client, &etag);
  g_assert_nonnull (etag);
  g_assert_cmpstr (etag, ==, el_handoff_get_etag (created));
  g_object_unref (create_handoff (client, NULL)); /* two more for paging */
  g_object_unref (create_handoff (client, NULL));

  /* paging */
  g_clear_object (&result);
  el_api_client_list_handoffs_async (client, NULL, el_handoff_get_patient_id (created), NULL, 1, NULL,
                                     el_test_result_cb, &result);
  page1 = el_api_client_list_handoffs_finish (client, el_test_wait_for (&result), &cursor, &more, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page1->len, ==, 1);
  g_assert_true (more);
  g_assert_nonnull (cursor);
  g_clear_object (&result);
  el_api_client_list_handoffs_async (client, NULL, el_handoff_get_patient_id (created), cursor, 1, NULL,
                                     el_test_result_cb, &result);
  page2 = el_api_client_list_handoffs_finish (client, el_test_wait_for (&result), &cursor2, &more, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page2->len, ==, 1);
  g_assert_cmpstr (el_handoff_get_id (g_ptr_array_index (page1, 0)), !=,
                   el_handoff_get_id (g_ptr_array_index (page2, 0)));

  /* get with its ETag */
  g_clear_object (&result);
  el_api_client_get_handoff_async (client, el_handoff_get_id (created), NULL, el_test_result_cb, &result);
  got = el_api_client_get_handoff_finish (client, el_test_wait_for (&result), &etag_get, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (etag_get, ==, etag);

  /* unknown id: 404 */
  {
    g_autofree char *unknown = g_uuid_string_random ();
    g_autoptr (ElHandoff) none = NULL;

    g_clear_object (&result);
    el_api_client_get_handoff_async (client, unknown, NULL, el_test_result_cb, &result);
    none = el_api_client_get_handoff_finish (client, el_test_wait_for (&result), NULL, &error);
    g_assert_null (none);
    g_assert_error (error, EL_API_ERROR, EL_API_ERROR_NOT_FOUND);
    /* the message names the route template, never the id */
    g_assert_null (strstr (error->message, unknown));
    g_assert_nonnull (strstr (error->message, "GET /api/v1/handoffs/{handoff_id}: HTTP 404 not_found"));
    g_clear_error (&error);
  }
}

static void
test_patch_if_match (void)
{
  g_autoptr (ElApiMemoryTokenStore) store = el_api_memory_token_store_new ();
  g_autoptr (ElApiClient) client = client_new (server, store);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElHandoff) handoff = NULL;
  g_autoptr (ElHandoff) patched = NULL;
  g_autoptr (ElHandoff) stale = NULL;
  g_autoptr (JsonNode) patch = json_from_string ("{\"shift\":\"night\"}", NULL);
  g_autofree char *etag = NULL;
  g_autofree char *etag2 = NULL;

  login_ok (client, CHARGE_EMAIL);
  handoff = create_handoff (client, &etag);

  el_api_client_patch_handoff_async (client, el_handoff_get_id (handoff), patch, etag, NULL, NULL,
                                     el_test_result_cb, &result);
  patched = el_api_client_patch_handoff_finish (client, el_test_wait_for (&result), &etag2, &error);
  g_assert_no_error (error);
  g_assert_cmpint (el_handoff_get_shift (patched), ==, EL_SHIFT_NIGHT);
  g_assert_cmpstr (etag2, !=, etag);

  /* the old ETag is stale: 412 */
  g_clear_object (&result);
  el_api_client_patch_handoff_async (client, el_handoff_get_id (handoff), patch, etag, NULL, NULL,
                                     el_test_result_cb, &result);
  stale = el_api_client_patch_handoff_finish (client, el_test_wait_for (&result), NULL, &error);
  g_assert_null (stale);
  g_assert_error (error, EL_API_ERROR, EL_API_ERROR_PRECONDITION_FAILED);
  g_clear_error (&error);

  /* no If-Match: 428 */
  g_clear_object (&result);
  el_api_client_patch_handoff_async (client, el_handoff_get_id (handoff), patch, NULL, NULL, NULL,
                                     el_test_result_cb, &result);
  stale = el_api_client_patch_handoff_finish (client, el_test_wait_for (&result), NULL, &error);
  g_assert_null (stale);
  g_assert_error (error, EL_API_ERROR, EL_API_ERROR_PRECONDITION_REQUIRED);
}

static void
test_sbar_conflict (void)
{
  g_autoptr (ElApiMemoryTokenStore) store = el_api_memory_token_store_new ();
  g_autoptr (ElApiClient) client = client_new (server, store);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElHandoff) handoff = NULL;
  g_autoptr (ElSbarVersion) v1 = NULL;
  g_autoptr (ElSbarVersion) v2 = NULL;
  g_autoptr (ElSbarVersion) mine = NULL;
  g_autoptr (ElSbarVersion) latest = NULL;
  g_autoptr (ElSbarVersion) one = NULL;
  g_autoptr (GPtrArray) versions = NULL;
  const char *theirs_text = "Theirs: PHI-CANARY-THEIRS stable overnight";
  const char *const secrets[] = { "PHI-CANARY", NULL };
  ElApiProblem *problem;

  login_ok (client, CHARGE_EMAIL);
  handoff = create_handoff (client, NULL);
  v1 = create_version (client, el_handoff_get_id (handoff), 0, "Base text", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (el_sbar_version_get_version (v1), ==, 1);
  v2 = create_version (client, el_handoff_get_id (handoff), 1, theirs_text, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (el_sbar_version_get_version (v2), ==, 2);

  /* mine, on base 1: 409 with the latest version (theirs) in the problem */
  mine = create_version (client, el_handoff_get_id (handoff), 1, "Mine: PHI-CANARY-MINE", NULL, &error);
  g_assert_null (mine);
  g_assert_error (error, EL_API_ERROR, EL_API_ERROR_CONFLICT);
  problem = el_api_error_get_problem (error);
  g_assert_nonnull (problem);
  g_assert_cmpuint (el_api_problem_get_status (problem), ==, 409);
  g_assert_cmpstr (el_api_problem_get_code (problem), ==, "version_conflict");
  g_assert_nonnull (el_api_problem_get_json (problem));
  g_assert_nonnull (el_api_problem_get_latest (problem));
  g_assert_cmpint (el_sbar_version_get_version (el_api_problem_get_latest (problem)), ==, 2);
  g_assert_cmpstr (el_sbar_version_get_situation (el_api_problem_get_latest (problem)), ==, theirs_text);
  assert_no_secret (error->message, secrets);
  g_assert_null (strstr (error->message, el_handoff_get_id (handoff)));
  /* a copy of the error keeps its problem */
  {
    g_autoptr (GError) copy = g_error_copy (error);

    g_assert_true (el_api_error_get_problem (copy) == problem);
  }

  el_api_client_get_sbar_async (client, el_handoff_get_id (handoff), NULL, el_test_result_cb, &result);
  latest = el_api_client_get_sbar_finish (client, el_test_wait_for (&result), &error);
  g_clear_error (&error);
  g_assert_nonnull (latest);
  g_assert_cmpint (el_sbar_version_get_version (latest), ==, 2);
  g_clear_object (&result);
  el_api_client_get_sbar_version_async (client, el_handoff_get_id (handoff), 1, NULL, el_test_result_cb,
                                        &result);
  one = el_api_client_get_sbar_version_finish (client, el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (el_sbar_version_get_situation (one), ==, "Base text");
  versions = list_versions (client, el_handoff_get_id (handoff));
  g_assert_cmpuint (versions->len, ==, 2);
}

static void
test_changes (void)
{
  g_autoptr (ElApiMemoryTokenStore) store = el_api_memory_token_store_new ();
  g_autoptr (ElApiClient) client = client_new (server, store);
  g_autoptr (ElHandoff) handoff = NULL;
  gint64 since = 0;
  guint pages = 0, handoffs = 0, patients = 0;
  gboolean found = FALSE, more = TRUE;

  login_ok (client, CHARGE_EMAIL);
  handoff = create_handoff (client, NULL);
  while (more)
    {
      g_autoptr (GAsyncResult) result = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (ElApiChangePage) page = NULL;
      GPtrArray *items;

      el_api_client_get_changes_async (client, since, 50, NULL, el_test_result_cb, &result);
      page = el_api_client_get_changes_finish (client, el_test_wait_for (&result), &error);
      g_assert_no_error (error);
      g_assert_cmpint (el_api_change_page_get_next_cursor (page), >=, since);
      g_assert_cmpuint (el_api_change_page_get_n_entities (page), <=, 50);
      items = el_api_change_page_get_upserts (page, EL_API_ENTITY_HANDOFFS);
      for (guint i = 0; i < items->len; i++)
        {
          g_assert_true (EL_IS_HANDOFF (g_ptr_array_index (items, i)));
          if (g_str_equal (el_handoff_get_id (g_ptr_array_index (items, i)), el_handoff_get_id (handoff)))
            found = TRUE;
        }
      handoffs += items->len;
      patients += el_api_change_page_get_upserts (page, EL_API_ENTITY_PATIENTS)->len;
      g_assert_nonnull (el_api_change_page_get_json (page));
      more = el_api_change_page_get_has_more (page);
      since = el_api_change_page_get_next_cursor (page);
      pages++;
      g_assert_cmpuint (pages, <, 1000);
    }
  g_assert_true (found);
  g_assert_cmpuint (handoffs, >, 0);
  g_assert_cmpuint (patients, >, 0);
  g_assert_cmpuint (pages, >, 1);
}

static GInputStream *
open_bytes (gpointer user_data, GCancellable *cancellable, GError **error)
{
  guint *opened = g_object_get_data (G_OBJECT (user_data), "opened");

  (*opened)++;
  return g_memory_input_stream_new_from_bytes (g_object_get_data (G_OBJECT (user_data), "bytes"));
}

static void
test_recording_upload (void)
{
  g_autoptr (ElApiMemoryTokenStore) store = el_api_memory_token_store_new ();
  g_autoptr (ElApiClient) client = client_new (server, store);
  g_autoptr (ElHandoff) handoff = NULL;
  g_autoptr (GBytes) wav = el_test_make_wav (500);
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (ElRecording) recording = NULL;
  g_autoptr (ElRecording) again = NULL;
  g_autoptr (ElRecording) status = NULL;
  g_autofree char *dir = g_dir_make_tmp ("el-api-client-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "handoff.wav", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autofree char *recording_id = g_uuid_string_random ();
  g_autofree char *key = g_uuid_string_random ();

  g_assert_no_error (error);
  g_assert_true (
      g_file_set_contents (path, g_bytes_get_data (wav, NULL), (gssize) g_bytes_get_size (wav), NULL));
  login_ok (client, CHARGE_EMAIL);
  handoff = create_handoff (client, NULL);

  /* from a file: size and digest computed by the client */
  el_api_client_upload_recording_file_async (client, el_handoff_get_id (handoff), recording_id, "audio/wav",
                                             file, key, NULL, el_test_result_cb, &result);
  recording = el_api_client_upload_recording_file_finish (client, el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (el_recording_get_id (recording), ==, recording_id);
  g_assert_cmpint (el_recording_get_status (recording), ==, EL_RECORDING_STATUS_QUEUED);
  g_assert_cmpint (el_recording_get_size_bytes (recording), ==, (gint64) g_bytes_get_size (wav));

  /* the same upload again from a stream (the digest read from it first): the same recording */
  {
    g_autoptr (GObject) holder = g_object_new (G_TYPE_OBJECT, NULL);
    guint opened = 0;

    g_object_set_data (holder, "opened", &opened);
    g_object_set_data (holder, "bytes", wav);
    g_clear_object (&result);
    el_api_client_upload_recording_async (client, el_handoff_get_id (handoff), recording_id, "audio/wav",
                                          open_bytes, g_object_ref (holder), g_object_unref, -1, NULL, key,
                                          NULL, el_test_result_cb, &result);
    again = el_api_client_upload_recording_finish (client, el_test_wait_for (&result), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (el_recording_get_id (again), ==, recording_id);
    g_assert_cmpuint (opened, ==, 2); /* once for the digest, once for the body */
  }

  /* no Idempotency-Key: refused before anything is sent */
  {
    g_autoptr (ElRecording) none = NULL;

    g_clear_object (&result);
    el_api_client_upload_recording_file_async (client, el_handoff_get_id (handoff), NULL, "audio/wav", file,
                                               NULL, NULL, el_test_result_cb, &result);
    none = el_api_client_upload_recording_file_finish (client, el_test_wait_for (&result), &error);
    g_assert_null (none);
    g_assert_error (error, EL_API_ERROR, EL_API_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
  }

  g_clear_object (&result);
  el_api_client_get_recording_async (client, recording_id, NULL, el_test_result_cb, &result);
  status = el_api_client_get_recording_finish (client, el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (el_recording_get_id (status), ==, recording_id);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_health (void)
{
  g_autoptr (ElApiClient) client = client_new (server, NULL);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) health = NULL;

  el_api_client_health_async (client, NULL, el_test_result_cb, &result);
  health = el_api_client_health_finish (client, el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (health), "status"), ==, "healthy");
}

/* ------------------------------------------------------------------------------------------------
 * Deadlines and cancellation (the server's /api/_test/slow)
 */

static void
test_deadline (void)
{
  g_autoptr (ElApiClient) client = client_new (server, NULL);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElApiResponse) response = NULL;

  g_object_set (client, "request-timeout", 1, "max-attempts", 1, NULL);
  el_api_client_call_async (client, "GET", "/api/_test/slow", "/api/_test/slow?ms=5000", EL_API_CALL_NONE,
                            NULL, NULL, NULL, NULL, NULL, el_test_result_cb, &result);
  response = el_api_client_call_finish (client, el_test_wait_for (&result), &error);
  g_assert_null (response);
  g_assert_error (error, EL_API_ERROR, EL_API_ERROR_TIMEOUT);
  g_assert_null (el_api_error_get_problem (error));
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (void)
{
  g_autoptr (ElApiClient) client = client_new (server, NULL);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElApiResponse) response = NULL;

  el_api_client_call_async (client, "GET", "/api/_test/slow", "/api/_test/slow?ms=5000", EL_API_CALL_NONE,
                            NULL, NULL, NULL, NULL, cancellable, el_test_result_cb, &result);
  g_timeout_add (100, cancel_cb, cancellable);
  response = el_api_client_call_finish (client, el_test_wait_for (&result), &error);
  g_assert_null (response);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (el_api_client_get_online (client));
}

/* ------------------------------------------------------------------------------------------------
 * The in-test fake: only for shapes the real server cannot be asked for.
 */

typedef struct
{
  SoupServer *soup;
  char *url;
  guint hits;
  gint64 last_hit_us;
  gint64 gap_us;    /* between the last two hits */
  guint fail_first; /* answer 503 to this many hits */
  char *retry_after;
  gboolean retry_after_date; /* compute an HTTP-date 3 s ahead */
} Fake;

static void
fake_cb (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer user_data)
{
  Fake *fake = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  gint64 now = g_get_monotonic_time ();

  if (g_str_equal (path, "/api/v1/auth/login"))
    {
      const char *body =
          "{\"access_token\":\"acc.SECRET-ACCESS-TOKEN\",\"refresh_token\":\"SECRET-REFRESH-TOKEN\","
          "\"token_type\":\"Bearer\",\"expires_in\":900,\"user\":{\"id\":"
          "\"0b6f7a52-5d8a-4f8c-9a0e-3f1f4d2b7c11\",\"email\":\"fake@example.org\",\"name\":\"Fake\","
          "\"role\":\"nurse\"}}";

      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
      soup_server_message_set_status (msg, 200, NULL);
      return;
    }
  if (g_str_equal (path, "/api/v1/me"))
    {
      const char *problem = "{\"type\":\"about:blank\",\"title\":\"Internal error\",\"status\":500,"
                            "\"code\":\"internal_error\"}";

      soup_server_message_set_response (msg, "application/problem+json", SOUP_MEMORY_COPY, problem,
                                        strlen (problem));
      soup_server_message_set_status (msg, 500, NULL);
      return;
    }
  if (g_str_equal (path, "/api/v1/auth/refresh"))
    {
      const char *problem = "{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,"
                            "\"code\":\"unauthorized\"}";

      soup_server_message_set_response (msg, "application/problem+json", SOUP_MEMORY_COPY, problem,
                                        strlen (problem));
      soup_server_message_set_status (msg, 401, NULL);
      return;
    }

  fake->hits++;
  if (fake->last_hit_us != 0)
    fake->gap_us = now - fake->last_hit_us;
  fake->last_hit_us = now;
  if (fake->hits <= fake->fail_first)
    {
      const char *problem = "{\"type\":\"about:blank\",\"title\":\"Service unavailable\",\"status\":503,"
                            "\"code\":\"service_unavailable\"}";

      if (fake->retry_after_date)
        {
          g_autoptr (GDateTime) now_utc = g_date_time_new_now_utc ();
          g_autoptr (GDateTime) later = g_date_time_add_seconds (now_utc, 3);
          g_autofree char *date = soup_date_time_to_string (later, SOUP_DATE_HTTP);

          soup_message_headers_replace (headers, "Retry-After", date);
        }
      else if (fake->retry_after != NULL)
        soup_message_headers_replace (headers, "Retry-After", fake->retry_after);
      soup_server_message_set_response (msg, "application/problem+json", SOUP_MEMORY_COPY, problem,
                                        strlen (problem));
      soup_server_message_set_status (msg, 503, NULL);
      return;
    }
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, "{\"ok\":true}", 11);
  soup_server_message_set_status (msg, 200, NULL);
}

static Fake *
fake_new (guint fail_first, const char *retry_after)
{
  Fake *fake = g_new0 (Fake, 1);
  g_autoptr (GError) error = NULL;
  g_autoslist (GUri) uris = NULL;

  fake->soup = soup_server_new (NULL, NULL);
  fake->fail_first = fail_first;
  fake->retry_after = g_strdup (retry_after);
  soup_server_add_handler (fake->soup, NULL, fake_cb, fake, NULL);
  g_assert_true (soup_server_listen_local (fake->soup, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (fake->soup);
  fake->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  return fake;
}

static void
fake_free (Fake *fake)
{
  soup_server_disconnect (fake->soup);
  g_object_unref (fake->soup);
  g_free (fake->url);
  g_free (fake->retry_after);
  g_free (fake);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fake, fake_free)

typedef struct
{
  guint count;
  guint delay_ms;
  guint next_attempt;
} Retrying;

static void
retrying_cb (ElApiClient *client,
             const char *method,
             const char *route,
             guint next_attempt,
             guint delay_ms,
             const GError *reason,
             gpointer user_data)
{
  Retrying *seen = user_data;

  g_assert_nonnull (reason);
  seen->count++;
  seen->delay_ms = delay_ms;
  seen->next_attempt = next_attempt;
}

static ElApiResponse *
fake_call (ElApiClient *client, const char *method, const char *key, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (JsonNode) body = json_from_string ("{\"n\":1}", NULL);

  el_api_client_call_async (client, method, "/flaky", "/flaky", EL_API_CALL_NONE,
                            g_str_equal (method, "GET") ? NULL : body, NULL, key, NULL, NULL,
                            el_test_result_cb, &result);
  return el_api_client_call_finish (client, el_test_wait_for (&result), error);
}

static ElApiClient *
fake_client (Fake *fake)
{
  g_autoptr (GError) error = NULL;
  ElApiClient *client = el_api_client_new (fake->url, NULL, &error);

  g_assert_no_error (error);
  make_direct (client);
  /* backoff far longer than any Retry-After of these tests: a wait of exactly Retry-After proves it
   * replaced the backoff */
  el_api_client_set_backoff (client, 30000, 60000);
  return client;
}

static void
test_retry_after_seconds (void)
{
  g_autoptr (Fake) fake = fake_new (1, "1");
  g_autoptr (ElApiClient) client = fake_client (fake);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElApiResponse) response = NULL;
  Retrying seen = { 0 };

  g_signal_connect (client, "retrying", G_CALLBACK (retrying_cb), &seen);
  response = fake_call (client, "GET", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (el_api_response_get_status (response), ==, 200);
  g_assert_cmpuint (el_api_response_get_attempts (response), ==, 2);
  g_assert_cmpuint (fake->hits, ==, 2);
  g_assert_cmpuint (seen.count, ==, 1);
  g_assert_cmpuint (seen.next_attempt, ==, 2);
  g_assert_cmpuint (seen.delay_ms, ==, 1000);
  /* the retry came no earlier than the server asked */
  g_assert_cmpint (fake->gap_us, >=, 1000 * 1000);
}

static void
test_retry_after_date (void)
{
  g_autoptr (Fake) fake = fake_new (1, NULL);
  g_autoptr (ElApiClient) client = fake_client (fake);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElApiResponse) response = NULL;
  Retrying seen = { 0 };

  fake->retry_after_date = TRUE;
  g_signal_connect (client, "retrying", G_CALLBACK (retrying_cb), &seen);
  response = fake_call (client, "GET", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fake->hits, ==, 2);
  g_assert_cmpuint (seen.count, ==, 1);
  /* an HTTP-date 3 s ahead, to the second: between 1 and 3 s from when the client read it */
  g_assert_cmpuint (seen.delay_ms, >=, 1000);
  g_assert_cmpuint (seen.delay_ms, <=, 3000);
  g_assert_cmpint (fake->gap_us, >=, (gint64) seen.delay_ms * 1000);
}

static void
test_retry_after_beyond_cap (void)
{
  g_autoptr (Fake) fake = fake_new (5, "120");
  g_autoptr (ElApiClient) client = fake_client (fake);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElApiResponse) response = NULL;

  /* the server asks for 120 s, more than the cap (60 s): the caller gets it back at once */
  response = fake_call (client, "GET", NULL, &error);
  g_assert_null (response);
  g_assert_error (error, EL_API_ERROR, EL_API_ERROR_SERVER);
  g_assert_cmpuint (fake->hits, ==, 1);
  g_assert_cmpint (el_api_problem_get_retry_after (el_api_error_get_problem (error)), ==, 120000);
  g_assert_cmpstr (el_api_problem_get_code (el_api_error_get_problem (error)), ==, "service_unavailable");
}

static void
test_retry_post_needs_key (void)
{
  g_autoptr (Fake) fake = fake_new (1, "0");
  g_autoptr (ElApiClient) client = fake_client (fake);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElApiResponse) response = NULL;
  g_autoptr (ElApiResponse) with_key = NULL;

  /* a POST without an Idempotency-Key is sent once, whatever the answer */
  response = fake_call (client, "POST", NULL, &error);
  g_assert_null (response);
  g_assert_error (error, EL_API_ERROR, EL_API_ERROR_SERVER);
  g_assert_cmpuint (fake->hits, ==, 1);
  g_clear_error (&error);

  /* with one it is retried */
  fake->hits = 0;
  with_key = fake_call (client, "POST", "op-7d1c", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fake->hits, ==, 2);
  g_assert_cmpuint (el_api_response_get_attempts (with_key), ==, 2);

  /* the attempts are bounded */
  {
    g_autoptr (ElApiResponse) none = NULL;

    fake->hits = 0;
    fake->fail_first = 100;
    el_api_client_set_max_attempts (client, 3);
    none = fake_call (client, "GET", NULL, &error);
    g_assert_null (none);
    g_assert_error (error, EL_API_ERROR, EL_API_ERROR_SERVER);
    g_assert_cmpuint (fake->hits, ==, 3);
  }
}

/* Error messages never hold a token: known fake tokens, then every kind of failure. */
static void
test_errors_hold_no_token (void)
{
  g_autoptr (Fake) fake = fake_new (0, NULL);
  g_autoptr (ElApiMemoryTokenStore) store = el_api_memory_token_store_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (ElApiClient) client = el_api_client_new (fake->url, EL_API_TOKEN_STORE (store), &error);
  const char *const secrets[] = { "SECRET-ACCESS-TOKEN", "SECRET-REFRESH-TOKEN", "acc.", PASSWORD, NULL };
  g_autoptr (ElUser) user = NULL;
  g_autoptr (ElUser) me = NULL;

  g_assert_no_error (error);
  make_direct (client);
  el_api_client_set_backoff (client, 10, 50);
  user = login (client, "fake@example.org", PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_true (el_api_client_get_signed_in (client));

  /* 500 */
  me = get_me (client, &error);
  g_assert_error (error, EL_API_ERROR, EL_API_ERROR_SERVER);
  assert_no_secret (error->message, secrets);
  g_clear_error (&error);

  /* a refused refresh */
  g_assert_false (refresh (client, &error));
  g_assert_error (error, EL_API_ERROR, EL_API_ERROR_UNAUTHORIZED);
  assert_no_secret (error->message, secrets);
  g_clear_error (&error);

  /* network errors: the fake is gone */
  g_clear_object (&user);
  user = login (client, "fake@example.org", PASSWORD, &error);
  g_assert_no_error (error);
  soup_server_disconnect (fake->soup);
  me = get_me (client, &error);
  g_assert_null (me);
  g_assert_error (error, EL_API_ERROR, EL_API_ERROR_NETWORK);
  assert_no_secret (error->message, secrets);
}

/* ------------------------------------------------------------------------------------------------
 * Server stopped and restarted: the circuit breaker, and a retried POST applied once
 */

static void
online_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  GArray *changes = user_data;
  gboolean online = el_api_client_get_online (EL_API_CLIENT (object));

  g_array_append_val (changes, online);
}

static void
test_circuit_breaker (void)
{
  g_autoptr (ElTestServer) first = seeded_server_new (NULL);
  g_autoptr (ElTestServer) second = NULL;
  g_autoptr (ElApiMemoryTokenStore) store = el_api_memory_token_store_new ();
  g_autoptr (ElApiClient) client = NULL;
  g_autoptr (GArray) changes = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_autoptr (GError) error = NULL;
  guint port;

  el_test_server_start (first);
  port = el_test_server_get_port (first);
  client = client_new (first, store);
  g_object_set (client, "circuit-threshold", 3, "max-attempts", 1, NULL);
  el_api_client_set_backoff (client, 50, 400);
  g_signal_connect (client, "notify::online", G_CALLBACK (online_cb), changes);
  login_ok (client, CHARGE_EMAIL);

  g_assert_cmpint (el_test_server_stop (first), ==, 0);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (ElUser) me = get_me (client, &error);

      g_assert_null (me);
      g_assert_error (error, EL_API_ERROR, EL_API_ERROR_NETWORK);
      g_clear_error (&error);
    }
  g_assert_false (el_api_client_get_online (client));
  g_assert_cmpuint (changes->len, ==, 1);
  g_assert_false (g_array_index (changes, gboolean, 0));
  /* open: fails fast, nothing sent */
  {
    g_autoptr (ElUser) me = get_me (client, &error);

    g_assert_null (me);
    g_assert_error (error, EL_API_ERROR, EL_API_ERROR_CIRCUIT_OPEN);
    g_clear_error (&error);
  }
  /* the probes keep failing while the server is down */
  el_test_sleep_main (500);
  g_assert_false (el_api_client_get_online (client));

  /* the server comes back on the same port and database: a probe closes the circuit */
  second = server_on_same_database (first, port);
  {
    gint64 guard = g_get_monotonic_time () + 60 * G_USEC_PER_SEC; /* a hang guard, not a timing goal */

    while (!el_api_client_get_online (client) && g_get_monotonic_time () < guard)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_true (el_api_client_get_online (client));
  g_assert_cmpuint (changes->len, ==, 2);
  g_assert_true (g_array_index (changes, gboolean, 1));
  {
    g_autoptr (ElUser) me = get_me (client, &error);

    g_assert_no_error (error);
    g_assert_nonnull (me);
  }
  g_assert_cmpint (el_test_server_stop (second), ==, 0);
}

typedef struct
{
  ElTestServer *first;
  ElTestServer *second;
  guint port;
  guint retries;
} Restart;

static void
restart_on_retry_cb (ElApiClient *client,
                     const char *method,
                     const char *route,
                     guint next_attempt,
                     guint delay_ms,
                     const GError *reason,
                     gpointer user_data)
{
  Restart *restart = user_data;

  restart->retries++;
  g_assert_error (reason, EL_API_ERROR, EL_API_ERROR_NETWORK);
  if (restart->second == NULL)
    {
      /* the first server died right after its COMMIT; bring the database back on the same port */
      /* (it died by SIGKILL, and its sockets with it: the connection the client saw closed) */
      restart->second = server_on_same_database (restart->first, restart->port);
    }
}

static void
test_retry_applied_once (void)
{
  g_autoptr (ElTestServer) first = seeded_server_new (NULL);
  g_autoptr (ElApiMemoryTokenStore) store = el_api_memory_token_store_new ();
  g_autoptr (ElApiClient) client = NULL;
  g_autoptr (ElHandoff) handoff = NULL;
  g_autoptr (ElSbarVersion) v1 = NULL;
  g_autoptr (ElSbarVersion) v2 = NULL;
  g_autoptr (GPtrArray) versions = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *key = g_uuid_string_random ();
  Restart restart = { 0 };

  el_test_server_setenv (first, "EL_FAULT", "kill-after-commit:/api/v1/handoffs/{handoff_id}/sbar/versions");
  el_test_server_start (first);
  if (!el_test_server_require_fault_hook (first))
    return;
  restart.first = first;
  restart.port = el_test_server_get_port (first);
  client = client_new (first, store);
  g_object_set (client, "circuit-threshold", 100, "max-attempts", 5, NULL);
  el_api_client_set_backoff (client, 200, 400);
  login_ok (client, CHARGE_EMAIL);
  handoff = create_handoff (client, NULL);
  /* without a key the fault does not fire (nothing to replay): version 1 */
  v1 = create_version (client, el_handoff_get_id (handoff), 0, "Base text", NULL, &error);
  g_assert_no_error (error);

  /* with a key: the server commits version 2 and dies before answering; the client retries, the
   * restarted server replays the stored answer */
  g_signal_connect (client, "retrying", G_CALLBACK (restart_on_retry_cb), &restart);
  v2 = create_version (client, el_handoff_get_id (handoff), 1, "Second text", key, &error);
  g_assert_no_error (error);
  g_assert_nonnull (v2);
  g_assert_cmpint (el_sbar_version_get_version (v2), ==, 2);
  g_assert_cmpuint (restart.retries, >=, 1);
  g_assert_nonnull (restart.second);

  /* applied once: two versions, not three */
  versions = list_versions (client, el_handoff_get_id (handoff));
  g_assert_cmpuint (versions->len, ==, 2);
  g_assert_cmpint (el_test_server_stop (restart.second), ==, 0);
  el_test_server_free (restart.second);
}

/* ------------------------------------------------------------------------------------------------
 * The real keyring (ElSecrets): the refresh token lives there, rotates there, leaves with logout
 */

static GBytes *
keyring_lookup (ElSecrets *secrets, const char *account)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  GBytes *secret;

  el_secrets_lookup_async (secrets, account, EL_SECRET_KIND_REFRESH_TOKEN, NULL, el_test_result_cb, &result);
  secret = el_secrets_lookup_finish (secrets, el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  return secret;
}

static void
test_keyring_store (void)
{
  const char *account = "nurse.b@demo.eclipselink.ai";
  g_autoptr (ElSecrets) secrets = el_secrets_new (el_test_server_get_url (server));
  g_autoptr (ElApiSecretsTokenStore) store = el_api_secrets_token_store_new (secrets);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElApiClient) first =
      el_api_client_new (el_test_server_get_url (server), EL_API_TOKEN_STORE (store), &error);
  g_autoptr (ElApiClient) second =
      el_api_client_new (el_test_server_get_url (server), EL_API_TOKEN_STORE (store), &error);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GBytes) token1 = NULL;
  g_autoptr (GBytes) token2 = NULL;
  g_autoptr (GBytes) gone = NULL;
  g_autoptr (ElUser) user = NULL;

  g_assert_no_error (error);
  make_direct (first);
  make_direct (second);
  login_ok (first, account);
  token1 = keyring_lookup (secrets, account);
  g_assert_nonnull (token1);
  g_assert_cmpuint (g_bytes_get_size (token1), >, 16);

  /* the next run of the app resumes from the keyring, which then holds the rotated token */
  el_api_client_resume_async (second, account, NULL, el_test_result_cb, &result);
  user = el_api_client_resume_finish (second, el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (el_user_get_email (user), ==, account);
  token2 = keyring_lookup (secrets, account);
  g_assert_nonnull (token2);
  g_assert_false (g_bytes_equal (token1, token2));

  /* logout clears the keyring */
  g_clear_object (&result);
  el_api_client_logout_async (second, NULL, el_test_result_cb, &result);
  g_assert_true (el_api_client_logout_finish (second, el_test_wait_for (&result), &error));
  g_assert_no_error (error);
  gone = keyring_lookup (secrets, account);
  g_assert_null (gone);
}

/* ------------------------------------------------------------------------------------------------
 * A bad network (tests/el-test-proxy.h): reset mid-answer, and a black hole
 */

typedef struct
{
  ElTestProxy *proxy;
  guint count;
} Heal;

static void
heal_on_retry_cb (ElApiClient *client,
                  const char *method,
                  const char *route,
                  guint next_attempt,
                  guint delay_ms,
                  const GError *reason,
                  gpointer user_data)
{
  Heal *heal = user_data;

  g_assert_error (reason, EL_API_ERROR, EL_API_ERROR_NETWORK);
  heal->count++;
  el_test_proxy_set_mode (heal->proxy, EL_TEST_PROXY_PASS, 0);
}

static ElApiClient *
proxied_client (ElTestProxy *proxy, ElApiMemoryTokenStore *store)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *url = el_test_proxy_url (proxy, "");
  ElApiClient *client = el_api_client_new (url, EL_API_TOKEN_STORE (store), &error);

  g_assert_no_error (error);
  make_direct (client);
  el_api_client_set_backoff (client, 20, 200);
  return client;
}

static void
test_network_reset (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElTestProxy) proxy = el_test_proxy_new ((guint16) el_test_server_get_port (server), &error);
  g_autoptr (ElApiMemoryTokenStore) store = el_api_memory_token_store_new ();
  g_autoptr (ElApiClient) client = NULL;
  g_autoptr (ElHandoff) handoff = NULL;
  g_autoptr (ElSbarVersion) lost = NULL;
  g_autoptr (ElSbarVersion) kept = NULL;
  g_autoptr (GPtrArray) versions = NULL;
  g_autofree char *key = g_uuid_string_random ();
  Heal heal = { 0 };

  g_assert_no_error (error);
  client = proxied_client (proxy, store);
  heal.proxy = proxy;
  g_signal_connect (client, "retrying", G_CALLBACK (heal_on_retry_cb), &heal);
  login_ok (client, CHARGE_EMAIL);
  handoff = create_handoff (client, NULL);

  /* a GET whose answer is reset: retried (the proxy heals at the retry), succeeds */
  el_test_proxy_set_mode (proxy, EL_TEST_PROXY_RESET, 100);
  {
    g_autoptr (ElUser) me = get_me (client, &error);

    g_assert_no_error (error);
    g_assert_nonnull (me);
    g_assert_cmpuint (heal.count, ==, 1);
  }

  /* a POST without an Idempotency-Key whose answer is reset: not retried, the caller is told */
  heal.count = 0;
  el_test_proxy_set_mode (proxy, EL_TEST_PROXY_RESET, 100);
  lost = create_version (client, el_handoff_get_id (handoff), 0, "First text", NULL, &error);
  g_assert_null (lost);
  g_assert_error (error, EL_API_ERROR, EL_API_ERROR_NETWORK);
  g_assert_cmpuint (heal.count, ==, 0);
  g_clear_error (&error);
  el_test_proxy_set_mode (proxy, EL_TEST_PROXY_PASS, 0);
  versions = list_versions (client, el_handoff_get_id (handoff));
  g_assert_cmpuint (versions->len, ==, 1); /* the server had applied it: why it is not retried */
  g_clear_pointer (&versions, g_ptr_array_unref);

  /* with a key: retried after the reset, applied once */
  el_test_proxy_set_mode (proxy, EL_TEST_PROXY_RESET, 100);
  kept = create_version (client, el_handoff_get_id (handoff), 1, "Second text", key, &error);
  g_assert_no_error (error);
  g_assert_cmpint (el_sbar_version_get_version (kept), ==, 2);
  g_assert_cmpuint (heal.count, ==, 1);
  versions = list_versions (client, el_handoff_get_id (handoff));
  g_assert_cmpuint (versions->len, ==, 2);
}

static void
test_network_blackhole (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElTestProxy) proxy = el_test_proxy_new ((guint16) el_test_server_get_port (server), &error);
  g_autoptr (ElApiMemoryTokenStore) store = el_api_memory_token_store_new ();
  g_autoptr (ElApiClient) client = NULL;
  g_autoptr (ElUser) me = NULL;

  g_assert_no_error (error);
  client = proxied_client (proxy, store);
  login_ok (client, CHARGE_EMAIL);
  g_object_set (client, "request-timeout", 1, "max-attempts", 2, NULL);
  el_test_proxy_set_mode (proxy, EL_TEST_PROXY_BLACKHOLE, 0);
  el_test_proxy_drop_connections (proxy);
  me = get_me (client, &error);
  g_assert_null (me);
  g_assert_error (error, EL_API_ERROR, EL_API_ERROR_TIMEOUT);
  /* both attempts went into the hole */
  g_assert_cmpuint (el_test_proxy_get_n_connections (proxy), >=, 3);
}

/* GET @path through @proxy with a plain session: the bytes of the whole answer on the wire
 * (status line and headers included) and of its body, to put a cut inside the body. */
static void
measure_answer (ElTestProxy *proxy, const char *path, guint64 *wire_len, gsize *body_len)
{
  g_autoptr (SoupSession) session = direct_session ();
  g_autofree char *url = el_test_proxy_url (proxy, path);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr (GError) error = NULL;
  guint64 before = el_test_proxy_get_n_response_bytes (proxy);
  g_autoptr (GBytes) body = soup_session_send_and_read (session, msg, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  *body_len = g_bytes_get_size (body);
  *wire_len = el_test_proxy_get_n_response_bytes (proxy) - before;
  g_assert_cmpuint (*body_len, >=, 10);
  g_assert_cmpuint (*wire_len, >, *body_len);
}

static void
call_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  el_test_result_cb (source, result, user_data);
}

static ElApiResponse *
call_get (ElApiClient *client, const char *path, ElApiCallFlags flags, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  el_api_client_call_async (client, "GET", path, path, flags, NULL, NULL, NULL, NULL, NULL, call_done_cb,
                            &result);
  return el_api_client_call_finish (client, el_test_wait_for (&result), error);
}

/* The answer stops inside its body (the proxy closes the connection there): libsoup 3.2 may hand
 * over the short body without an error. The client compares it with Content-Length: a network
 * error, retried like any other; without retries the caller gets EL_API_ERROR_NETWORK. */
static void
test_network_short_body (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElTestProxy) proxy = el_test_proxy_new ((guint16) el_test_server_get_port (server), &error);
  g_autoptr (ElApiMemoryTokenStore) store = el_api_memory_token_store_new ();
  g_autoptr (ElApiClient) client = NULL;
  guint64 wire_len = 0;
  gsize body_len = 0;
  guint cut;
  Heal heal = { 0 };

  g_assert_no_error (error);
  measure_answer (proxy, "/api/health", &wire_len, &body_len);
  /* about half the body (headers such as RateLimit-Remaining may differ by a few bytes) */
  cut = (guint) (wire_len - body_len / 2);

  /* retried: the proxy heals at the retry */
  client = proxied_client (proxy, store);
  heal.proxy = proxy;
  g_signal_connect (client, "retrying", G_CALLBACK (heal_on_retry_cb), &heal);
  el_test_proxy_set_mode (proxy, EL_TEST_PROXY_CUT, cut);
  {
    guint64 before = el_test_proxy_get_n_response_bytes (proxy);
    g_autoptr (ElApiResponse) response = call_get (client, "/api/health", EL_API_CALL_NONE, &error);
    GBytes *body;

    g_assert_no_error (error);
    g_assert_nonnull (response);
    g_assert_cmpuint (heal.count, ==, 1);
    body = el_api_response_get_body (response);
    g_assert_cmpuint (g_bytes_get_size (body), >=, body_len - 8);
    g_assert_nonnull (
        g_strstr_len (g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body), "healthy"));
    /* the first answer was really cut: `cut` bytes, then a whole one */
    g_assert_cmpuint (el_test_proxy_get_n_response_bytes (proxy) - before, >=, cut + wire_len - 8);
  }

  /* one attempt only: the caller is told it was the network, whatever the media type */
  el_test_proxy_set_mode (proxy, EL_TEST_PROXY_CUT, cut);
  el_test_proxy_drop_connections (proxy);
  heal.count = 0;
  {
    g_autoptr (ElApiResponse) response = call_get (client, "/api/health", EL_API_CALL_NO_RETRY, &error);

    g_assert_null (response);
    g_assert_error (error, EL_API_ERROR, EL_API_ERROR_NETWORK);
    g_assert_cmpuint (heal.count, ==, 0);
    g_clear_error (&error);
  }
  {
    g_autoptr (GAsyncResult) result = NULL;
    g_autoptr (JsonNode) health = NULL;

    el_test_proxy_drop_connections (proxy);
    el_api_client_health_async (client, NULL, el_test_result_cb, &result);
    health = el_api_client_health_finish (client, el_test_wait_for (&result), &error);
    g_assert_null (health);
    g_assert_error (error, EL_API_ERROR, EL_API_ERROR_NETWORK);
    g_clear_error (&error);
  }
  el_test_proxy_set_mode (proxy, EL_TEST_PROXY_PASS, 0);
}

static GBytes *
download_audio (ElApiClient *client, const char *recording_id, char **content_type, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  el_api_client_download_recording_audio_async (client, recording_id, NULL, el_test_result_cb, &result);
  return el_api_client_download_recording_audio_finish (client, el_test_wait_for (&result), content_type,
                                                        error);
}

/* GET /api/v1/recordings/{id}/audio: the uploaded bytes; cut short once, retried; the unit rule. */
static void
test_recording_download (void)
{
  g_autoptr (ElApiMemoryTokenStore) store = el_api_memory_token_store_new ();
  g_autoptr (ElApiClient) client = client_new (server, store);
  g_autoptr (ElHandoff) handoff = NULL;
  g_autoptr (GBytes) wav = el_test_make_wav (700);
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (ElRecording) recording = NULL;
  g_autoptr (GObject) holder = g_object_new (G_TYPE_OBJECT, NULL);
  g_autofree char *recording_id = g_uuid_string_random ();
  g_autofree char *key = g_uuid_string_random ();
  guint opened = 0;

  login_ok (client, CHARGE_EMAIL);
  handoff = create_handoff (client, NULL);
  g_object_set_data (holder, "opened", &opened);
  g_object_set_data (holder, "bytes", wav);
  el_api_client_upload_recording_async (client, el_handoff_get_id (handoff), recording_id, "audio/wav",
                                        open_bytes, g_object_ref (holder), g_object_unref, -1, NULL, key,
                                        NULL, el_test_result_cb, &result);
  recording = el_api_client_upload_recording_finish (client, el_test_wait_for (&result), &error);
  g_assert_no_error (error);

  /* the very bytes, and their type */
  {
    g_autofree char *type = NULL;
    g_autoptr (GBytes) audio = download_audio (client, recording_id, &type, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (type, ==, "audio/wav");
    g_assert_true (g_bytes_equal (audio, wav));
  }
  /* a nurse of the unit on another client gets them too; the connection cut inside the body the
   * first time: the GET is retried */
  {
    g_autoptr (ElTestProxy) proxy = el_test_proxy_new ((guint16) el_test_server_get_port (server), &error);
    g_autoptr (ElApiMemoryTokenStore) nurse_store = el_api_memory_token_store_new ();
    g_autoptr (ElApiClient) nurse = NULL;
    g_autoptr (GBytes) audio = NULL;
    Heal heal = { 0 };

    g_assert_no_error (error);
    nurse = proxied_client (proxy, nurse_store);
    login_ok (nurse, NURSE_EMAIL);
    heal.proxy = proxy;
    g_signal_connect (nurse, "retrying", G_CALLBACK (heal_on_retry_cb), &heal);
    el_test_proxy_drop_connections (proxy);
    el_test_proxy_set_mode (proxy, EL_TEST_PROXY_CUT, (guint) g_bytes_get_size (wav) / 2);
    audio = download_audio (nurse, recording_id, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (heal.count, ==, 1);
    g_assert_true (g_bytes_equal (audio, wav));
  }
  /* a nurse of another unit: not found (never forbidden) */
  {
    g_autoptr (ElApiMemoryTokenStore) other_store = el_api_memory_token_store_new ();
    g_autoptr (ElApiClient) other = client_new (server, other_store);
    g_autoptr (GBytes) audio = NULL;

    login_ok (other, "nurse.b@demo.eclipselink.ai");
    audio = download_audio (other, recording_id, NULL, &error);
    g_assert_null (audio);
    g_assert_error (error, EL_API_ERROR, EL_API_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
  /* an unknown recording */
  {
    g_autofree char *unknown = g_uuid_string_random ();
    g_autoptr (GBytes) audio = download_audio (client, unknown, NULL, &error);

    g_assert_null (audio);
    g_assert_error (error, EL_API_ERROR, EL_API_ERROR_NOT_FOUND);
    g_assert_cmpuint (el_api_problem_get_status (el_api_error_get_problem (error)), ==, 404);
    g_clear_error (&error);
  }
  /* not signed in: nothing is sent */
  {
    g_autoptr (ElApiClient) anonymous = client_new (server, NULL);
    g_autoptr (GBytes) audio = download_audio (anonymous, recording_id, NULL, &error);

    g_assert_null (audio);
    g_assert_error (error, EL_API_ERROR, EL_API_ERROR_UNAUTHORIZED);
    g_clear_error (&error);
  }
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  server = seeded_server_new (NULL);
  el_test_server_start (server);

  /* the single-flight test needs a token the server refuses: sign in now, test it last */
  short_server = seeded_server_new ("1s");
  el_test_server_start (short_server);
  expiring_store = el_api_memory_token_store_new ();
  expiring = client_new (short_server, expiring_store);
  g_object_set (expiring, "refresh-margin", -3600, NULL); /* no proactive refresh: real 401s */
  login_ok (expiring, CHARGE_EMAIL);
  expiring_login_time = g_get_monotonic_time ();

  g_test_add_func ("/el/client/api/base-url", test_bad_base_url);
  g_test_add_func ("/el/client/api/login/ok", test_login_ok);
  g_test_add_func ("/el/client/api/login/bad", test_login_bad);
  g_test_add_func ("/el/client/api/login/store-fails", test_login_store_fails);
  g_test_add_func ("/el/client/api/refresh/rotation", test_refresh_rotation);
  g_test_add_func ("/el/client/api/refresh/proactive", test_refresh_proactive);
  g_test_add_func ("/el/client/api/logout", test_logout);
  g_test_add_func ("/el/client/api/resume", test_resume);
  g_test_add_func ("/el/client/api/handoffs", test_census_and_handoffs);
  g_test_add_func ("/el/client/api/handoffs/patch-if-match", test_patch_if_match);
  g_test_add_func ("/el/client/api/sbar/conflict", test_sbar_conflict);
  g_test_add_func ("/el/client/api/changes", test_changes);
  g_test_add_func ("/el/client/api/recordings/upload", test_recording_upload);
  g_test_add_func ("/el/client/api/recordings/download", test_recording_download);
  g_test_add_func ("/el/client/api/health", test_health);
  g_test_add_func ("/el/client/api/deadline", test_deadline);
  g_test_add_func ("/el/client/api/cancel", test_cancel);
  g_test_add_func ("/el/client/api/retry/retry-after-seconds", test_retry_after_seconds);
  g_test_add_func ("/el/client/api/retry/retry-after-date", test_retry_after_date);
  g_test_add_func ("/el/client/api/retry/retry-after-beyond-cap", test_retry_after_beyond_cap);
  g_test_add_func ("/el/client/api/retry/post-needs-key", test_retry_post_needs_key);
  g_test_add_func ("/el/client/api/retry/applied-once", test_retry_applied_once);
  g_test_add_func ("/el/client/api/errors/no-token", test_errors_hold_no_token);
  g_test_add_func ("/el/client/api/circuit-breaker", test_circuit_breaker);
  g_test_add_func ("/el/client/api/keyring", test_keyring_store);
  g_test_add_func ("/el/client/api/network/reset", test_network_reset);
  g_test_add_func ("/el/client/api/network/blackhole", test_network_blackhole);
  g_test_add_func ("/el/client/api/network/short-body", test_network_short_body);
  g_test_add_func ("/el/client/api/refresh/single-flight-50", test_refresh_single_flight);

  status = g_test_run ();

  g_clear_object (&expiring);
  g_clear_object (&expiring_store);
  g_assert_cmpint (el_test_server_stop (short_server), ==, 0);
  el_test_server_free (short_server);
  g_assert_cmpint (el_test_server_stop (server), ==, 0);
  el_test_server_free (server);
  return status;
}
