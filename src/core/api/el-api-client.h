/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "el-handoff.h"
#include "el-patient.h"
#include "el-recording.h"
#include "el-sbar-version.h"
#include "el-unit.h"
#include "el-user.h"

G_BEGIN_DECLS

/*
 * ElApiClient: the app's only way to the cloud API (data/openapi.json), on libsoup 3.
 *
 * One client per server (base URL, e.g. "https://api.example.org" or "http://127.0.0.1:8080",
 * given to the constructor: the app reads it from its configuration). It owns one SoupSession
 * (I/O timeout 30 s, user agent "EclipseLink-Handoff/<version>") and is used from ONE thread: the
 * one whose thread-default GMainContext was current when it was made; every callback runs there.
 *
 * Every call is an _async/_finish pair with a GCancellable. A call is one logical request that
 * may take several attempts:
 *
 * - Deadline: each attempt has a deadline (property "request-timeout", 60 s by default; uploads
 *   use "upload-timeout") enforced with its own GCancellable and a timeout source; a missed
 *   deadline is %EL_API_ERROR_TIMEOUT. Cancelling the caller's GCancellable ends the call at once
 *   with G_IO_ERROR_CANCELLED (also while it waits for a retry or a refresh).
 * - Retries: only after a network error or a timeout, or a 408, 429, 502, 503 or 504 answer; and
 *   only for GET/HEAD/PUT/DELETE, or a POST/PATCH that carries an Idempotency-Key (the caller
 *   passes it: the outbox op id). Full-jitter exponential backoff: before attempt n+1 the client
 *   waits a random time in [0, min(cap, base * 2^(n-1))] (properties "backoff-base-ms", 500 ms,
 *   and "backoff-cap-ms", 60 s), at most "max-attempts" attempts (4). A `Retry-After` answer
 *   (delta-seconds or HTTP-date) replaces the backoff; when it asks for more than the cap, the
 *   call fails at once with the status's error and el_api_problem_get_retry_after() says when
 *   (ElSync schedules the op then). Signal ::retrying announces each wait.
 * - Short bodies: an answer whose body ends before its Content-Length (the connection closed
 *   inside the body; libsoup 3.2 can return such a body without an error) is a network error,
 *   %EL_API_ERROR_NETWORK, retried and counted by the breaker like any other. Not checked for a
 *   content-encoded body (its decoded length differs) nor for answers without a body (HEAD, 204,
 *   304); a chunked answer cut short is an error in libsoup itself.
 * - Circuit breaker: after "circuit-threshold" (5) consecutive calls that ended in a network
 *   error or timeout, the circuit opens: "online" becomes %FALSE (notify::online) and calls fail
 *   at once with %EL_API_ERROR_CIRCUIT_OPEN. While open, the client probes GET /api/health with
 *   the same jittered backoff (base "backoff-base-ms", cap "backoff-cap-ms"); a 200 closes it
 *   ("online" %TRUE). el_api_client_probe_async() probes now (call it on a GNetworkMonitor
 *   change). Any answer from the server (even a 4xx/5xx) resets the count of failures; "online"
 *   is %TRUE until the first time the circuit opens.
 *
 * Session (ElApiTokenStore below; the app's is ElApiSecretsTokenStore, el-api-secrets-token-store.h,
 * the keyring through ElSecrets): el_api_client_login_async() signs in; the access token lives
 * in this object's memory only (wiped with OPENSSL_cleanse); the refresh token is handed to the
 * token store and the call completes only after the store said it was saved — the same for every
 * rotation: a new refresh token is saved before it is used or the call that got it returns. If
 * the store fails, the session ends (signed out) and the call fails with the store's error.
 * el_api_client_resume_async() signs in again at start from the stored refresh token.
 * Refresh is single-flight (one POST /auth/refresh at a time; every call that needs it waits for
 * it): before a request when the access token expires within "refresh-margin" seconds (300, at
 * most half the token's life; the expiry comes from `expires_in`; if that early refresh fails for
 * a network reason, the call goes on with the still valid token), and once per call after a 401 `token_expired`/`unauthorized`
 * answer, after which the call is sent again. A refresh the server refuses (401) ends the
 * session: "signed-in" becomes %FALSE, the token store's copy is cleared, and every waiting call
 * fails with %EL_API_ERROR_UNAUTHORIZED (or %EL_API_ERROR_TOKEN_EXPIRED when the refresh token
 * expired). "refresh-count" counts the refreshes sent (tests).
 *
 * Errors: EL_API_ERROR below, or G_IO_ERROR_CANCELLED, or the token store's error. Messages say
 * what failed — method, route template ("/api/v1/handoffs/{handoff_id}", never the ids), status,
 * the problem's `code` and `title` — and never hold PHI, tokens, passwords or request bodies.
 * An error answer's problem document (RFC 9457) travels WITH the GError (an extended error
 * domain): el_api_error_get_problem() returns it, e.g. the `latest` SBAR version of a 409
 * `version_conflict` (el_api_problem_get_latest()). Answers are decoded with core's strict
 * model decoders; anything that does not decode is %EL_API_ERROR_INVALID_RESPONSE.
 */

/* ------------------------------------------------------------------------------------------------
 * Errors
 */

#define EL_API_ERROR (el_api_error_quark ())

typedef enum
{
  EL_API_ERROR_NETWORK, /* no connection, connection reset, DNS, TLS, a body short of its Content-Length */
  EL_API_ERROR_TIMEOUT, /* the request's deadline passed (also 408 after the last attempt) */
  EL_API_ERROR_UNAUTHORIZED,  /* 401 (not signed in, session ended or refused) */
  EL_API_ERROR_TOKEN_EXPIRED, /* 401 token_expired that a refresh could not cure */
  EL_API_ERROR_FORBIDDEN,     /* 403 */
  EL_API_ERROR_NOT_FOUND,     /* 404 */
  EL_API_ERROR_CONFLICT, /* 409: conflict, version_conflict (see the problem's latest), invalid_transition */
  EL_API_ERROR_PRECONDITION_FAILED,   /* 412: If-Match is stale */
  EL_API_ERROR_PRECONDITION_REQUIRED, /* 428: If-Match is missing */
  EL_API_ERROR_LOCKED,                /* 423: acknowledged or cancelled handoff */
  EL_API_ERROR_UNPROCESSABLE,         /* 422: validation_failed, idempotency_key_reused */
  EL_API_ERROR_PAYLOAD_TOO_LARGE,     /* 413 */
  EL_API_ERROR_RATE_LIMITED,          /* 429 after the last attempt (or a Retry-After beyond the cap) */
  EL_API_ERROR_SERVER,                /* 5xx (500, 501, and 502/503/504 after the last attempt) */
  EL_API_ERROR_INVALID_RESPONSE,      /* an answer that is not what the contract says (bad JSON, bad model) */
  EL_API_ERROR_CIRCUIT_OPEN,          /* the circuit breaker is open: offline, not sent */
  EL_API_ERROR_INVALID_CREDENTIALS, /* 401 on login, 403 on sign: invalid_credentials (same for unknown user) */
  EL_API_ERROR_BAD_REQUEST,         /* 400, 415 and any other 4xx: a bug of the client */
  EL_API_ERROR_INVALID_ARGUMENT, /* the caller passed something unusable (bad base URL, file) — nothing sent */
} ElApiError;

GQuark el_api_error_quark (void);

/*
 * ElApiProblem: an RFC 9457 problem answer (or, for an answer that was not problem+json, just the
 * status). Immutable, reference counted (boxed).
 */
typedef struct _ElApiProblem ElApiProblem;

#define EL_TYPE_API_PROBLEM (el_api_problem_get_type ())
GType el_api_problem_get_type (void);

ElApiProblem *el_api_problem_ref (ElApiProblem *self);
void el_api_problem_unref (ElApiProblem *self);

guint el_api_problem_get_status (ElApiProblem *self);          /* HTTP status */
const char *el_api_problem_get_code (ElApiProblem *self);      /* ErrorCode, or NULL */
const char *el_api_problem_get_title (ElApiProblem *self);     /* or NULL */
const char *el_api_problem_get_detail (ElApiProblem *self);    /* or NULL (developer text, no PHI) */
JsonObject *el_api_problem_get_json (ElApiProblem *self);      /* the whole document, or NULL */
ElSbarVersion *el_api_problem_get_latest (ElApiProblem *self); /* version_conflict: theirs, or NULL */
gint64 el_api_problem_get_retry_after (ElApiProblem *self);    /* Retry-After in ms, or -1 */

/* The problem carried by an EL_API_ERROR from an answer of the server (transfer none: valid as
 * long as @error), or %NULL (network errors, other domains). */
ElApiProblem *el_api_error_get_problem (const GError *error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElApiProblem, el_api_problem_unref)

/* ------------------------------------------------------------------------------------------------
 * ElApiTokenStore: where the refresh token is kept between runs (the app plugs ElSecrets in; tests
 * and scripts may use ElApiMemoryTokenStore). @account is the user's email in lower case. Load
 * returns %NULL without an error when nothing is stored. The client awaits save before it uses or
 * returns a new refresh token, and clears the account on logout and when the server refuses it.
 */

#define EL_TYPE_API_TOKEN_STORE (el_api_token_store_get_type ())
G_DECLARE_INTERFACE (ElApiTokenStore, el_api_token_store, EL, API_TOKEN_STORE, GObject)

struct _ElApiTokenStoreInterface
{
  GTypeInterface g_iface;

  void (*save_refresh_token_async) (ElApiTokenStore *self,
                                    const char *account,
                                    const char *refresh_token,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
  gboolean (*save_refresh_token_finish) (ElApiTokenStore *self, GAsyncResult *result, GError **error);
  void (*load_refresh_token_async) (ElApiTokenStore *self,
                                    const char *account,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
  char *(*load_refresh_token_finish) (ElApiTokenStore *self, GAsyncResult *result, GError **error);
  void (*clear_refresh_token_async) (ElApiTokenStore *self,
                                     const char *account,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
  gboolean (*clear_refresh_token_finish) (ElApiTokenStore *self, GAsyncResult *result, GError **error);
};

void el_api_token_store_save_refresh_token_async (ElApiTokenStore *self,
                                                  const char *account,
                                                  const char *refresh_token,
                                                  GCancellable *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer user_data);
gboolean
el_api_token_store_save_refresh_token_finish (ElApiTokenStore *self, GAsyncResult *result, GError **error);
void el_api_token_store_load_refresh_token_async (ElApiTokenStore *self,
                                                  const char *account,
                                                  GCancellable *cancellable,
                                                  GAsyncReadyCallback callback,
                                                  gpointer user_data);
char *
el_api_token_store_load_refresh_token_finish (ElApiTokenStore *self, GAsyncResult *result, GError **error);
void el_api_token_store_clear_refresh_token_async (ElApiTokenStore *self,
                                                   const char *account,
                                                   GCancellable *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer user_data);
gboolean
el_api_token_store_clear_refresh_token_finish (ElApiTokenStore *self, GAsyncResult *result, GError **error);

/* An ElApiTokenStore in memory (tokens wiped when replaced or finalized). For tests and for
 * `eclipselink-cli --no-keyring`-style runs; "fail-saves" makes every save fail (tests). */
#define EL_TYPE_API_MEMORY_TOKEN_STORE (el_api_memory_token_store_get_type ())
G_DECLARE_FINAL_TYPE (ElApiMemoryTokenStore, el_api_memory_token_store, EL, API_MEMORY_TOKEN_STORE, GObject)

ElApiMemoryTokenStore *el_api_memory_token_store_new (void);
/* A copy of what is stored for @account (a test looks), or %NULL. */
char *el_api_memory_token_store_dup (ElApiMemoryTokenStore *self, const char *account);
guint el_api_memory_token_store_get_save_count (ElApiMemoryTokenStore *self);
void el_api_memory_token_store_set_fail_saves (ElApiMemoryTokenStore *self, gboolean fail);

/* ------------------------------------------------------------------------------------------------
 * ElApiResponse: a successful (2xx/304) answer of el_api_client_call_async(). Immutable, boxed.
 */
typedef struct _ElApiResponse ElApiResponse;

#define EL_TYPE_API_RESPONSE (el_api_response_get_type ())
GType el_api_response_get_type (void);

ElApiResponse *el_api_response_ref (ElApiResponse *self);
void el_api_response_unref (ElApiResponse *self);
guint el_api_response_get_status (ElApiResponse *self);
const char *el_api_response_get_header (ElApiResponse *self, const char *name); /* or NULL */
const char *el_api_response_get_etag (ElApiResponse *self);         /* unquoted entity tag, or NULL */
const char *el_api_response_get_location (ElApiResponse *self);     /* or NULL */
gboolean el_api_response_get_replayed (ElApiResponse *self);        /* Idempotent-Replayed: true */
const char *el_api_response_get_content_type (ElApiResponse *self); /* media type, or NULL */
GBytes *el_api_response_get_body (ElApiResponse *self);             /* never NULL (maybe empty) */
JsonNode *el_api_response_get_json (ElApiResponse *self);           /* parsed JSON body, or NULL */
guint el_api_response_get_attempts (ElApiResponse *self);           /* attempts it took (1 = no retry) */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElApiResponse, el_api_response_unref)

/* ------------------------------------------------------------------------------------------------
 * ElApiChangePage: one page of GET /api/v1/changes (schema ChangeFeed), decoded.
 */
typedef enum
{
  EL_API_ENTITY_UNITS,         /* ElUnit */
  EL_API_ENTITY_USERS,         /* ElUser */
  EL_API_ENTITY_PATIENTS,      /* ElPatient */
  EL_API_ENTITY_HANDOFFS,      /* ElHandoff */
  EL_API_ENTITY_RECORDINGS,    /* ElRecording */
  EL_API_ENTITY_SBAR_VERSIONS, /* ElSbarVersion */
  EL_API_ENTITY_N_KINDS,
} ElApiEntityKind;

const char *el_api_entity_kind_to_string (ElApiEntityKind kind); /* "units", ..., "sbar_versions" */

typedef struct
{
  char *id;
  GDateTime *deleted_at;
} ElApiTombstone;

typedef struct _ElApiChangePage ElApiChangePage;

#define EL_TYPE_API_CHANGE_PAGE (el_api_change_page_get_type ())
GType el_api_change_page_get_type (void);

ElApiChangePage *el_api_change_page_ref (ElApiChangePage *self);
void el_api_change_page_unref (ElApiChangePage *self);
gint64 el_api_change_page_get_next_cursor (ElApiChangePage *self);
gboolean el_api_change_page_get_has_more (ElApiChangePage *self);
/* (transfer none) (element-type GObject): the upserts of one kind, in the order sent (maybe empty) */
GPtrArray *el_api_change_page_get_upserts (ElApiChangePage *self, ElApiEntityKind kind);
/* (transfer none) (element-type ElApiTombstone): the tombstones of one kind (maybe empty) */
GPtrArray *el_api_change_page_get_tombstones (ElApiChangePage *self, ElApiEntityKind kind);
/* (transfer none): the page as received */
JsonNode *el_api_change_page_get_json (ElApiChangePage *self);
/* the number of upserts and tombstones of every kind */
guint el_api_change_page_get_n_entities (ElApiChangePage *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElApiChangePage, el_api_change_page_unref)

/* ------------------------------------------------------------------------------------------------
 * ElApiClient
 */

#define EL_API_USER_AGENT_PRODUCT "EclipseLink-Handoff"

#define EL_TYPE_API_CLIENT (el_api_client_get_type ())
G_DECLARE_FINAL_TYPE (ElApiClient, el_api_client, EL, API_CLIENT, GObject)

/*
 * Properties (all with notify; the tunables are read when a call starts an attempt):
 *   base-url           (string, construct-only)          "http://127.0.0.1:8080", no trailing '/'
 *   token-store        (ElApiTokenStore, construct-only) nullable: then the session is not kept
 *   online             (boolean, read-only)              the circuit is closed
 *   signed-in          (boolean, read-only)
 *   user               (ElUser, read-only)               the signed-in user, or NULL
 *   refresh-count      (uint, read-only)                 POST /auth/refresh sent by this client
 *   max-attempts       (uint, 1..100, default 4)
 *   backoff-base-ms    (uint, default 500)
 *   backoff-cap-ms     (uint, default 60000)
 *   request-timeout    (uint seconds, 1..3600, default 60)   per-attempt deadline
 *   upload-timeout     (uint seconds, 1..86400, default 900) per-attempt deadline of uploads
 *   refresh-margin     (int seconds, -3600..86400, default 300) refresh this long before expiry;
 *                      negative: only after expiry + |margin| (tests that want real 401s)
 *   circuit-threshold  (uint, 1..1000, default 5)
 *   proxy-resolver     (GProxyResolver, nullable)     the session's; NULL: the system default
 *
 * Signals:
 *   ::retrying (const char *method, const char *route, guint next_attempt, guint delay_ms,
 *               const GError *reason) — a call waits delay_ms before attempt next_attempt.
 *   ::session-ended (const GError *reason) — the session ended without el_api_client_logout_async()
 *               (a refused refresh, a failed token save): the app shows its sign-in page.
 */

ElApiClient *el_api_client_new (const char *base_url, ElApiTokenStore *token_store, GError **error);

const char *el_api_client_get_base_url (ElApiClient *self);
gboolean el_api_client_get_online (ElApiClient *self);
gboolean el_api_client_get_signed_in (ElApiClient *self);
ElUser *el_api_client_get_user (ElApiClient *self); /* (transfer none) (nullable) */
guint el_api_client_get_refresh_count (ElApiClient *self);
void el_api_client_set_max_attempts (ElApiClient *self, guint max_attempts);
void el_api_client_set_backoff (ElApiClient *self, guint base_ms, guint cap_ms);
/* The proxy resolver of the session: %NULL (default) = the system's (GProxyResolver default);
 * tests pass g_simple_proxy_resolver_new (NULL, NULL) (libproxy throws C++ exceptions under ASan). */
void el_api_client_set_proxy_resolver (ElApiClient *self, GProxyResolver *resolver);

/* Session --------------------------------------------------------------------------------------- */

/* POST /api/v1/auth/login. Bad email or password (the same for an unknown account):
 * %EL_API_ERROR_INVALID_CREDENTIALS. Returns (transfer full) the user. */
void el_api_client_login_async (ElApiClient *self,
                                const char *email,
                                const char *password,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
ElUser *el_api_client_login_finish (ElApiClient *self, GAsyncResult *result, GError **error);

/* Loads @account's refresh token from the token store and refreshes with it. Nothing stored:
 * %EL_API_ERROR_UNAUTHORIZED. Returns (transfer full) the user. */
void el_api_client_resume_async (ElApiClient *self,
                                 const char *account,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
ElUser *el_api_client_resume_finish (ElApiClient *self, GAsyncResult *result, GError **error);

/* POST /api/v1/auth/refresh now (single-flight: joins a refresh in flight). */
void el_api_client_refresh_async (ElApiClient *self,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data);
gboolean el_api_client_refresh_finish (ElApiClient *self, GAsyncResult *result, GError **error);

/* POST /api/v1/auth/logout, then clears the token store's copy and the session — the local part
 * always happens; FALSE (with the error) only says the server could not be told. */
void el_api_client_logout_async (ElApiClient *self,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
gboolean el_api_client_logout_finish (ElApiClient *self, GAsyncResult *result, GError **error);

/* Generic call ---------------------------------------------------------------------------------- */

typedef enum
{
  EL_API_CALL_NONE = 0,
  EL_API_CALL_AUTH = 1 << 0,     /* send the bearer token (refresh as needed) */
  EL_API_CALL_NO_RETRY = 1 << 1, /* one attempt only */
} ElApiCallFlags;

/*
 * One request, with everything above (retries, deadline, breaker, refresh, problem mapping).
 * @route: the route template, for messages and logs ("/api/v1/handoffs/{handoff_id}");
 * @path: the path and query to send ("/api/v1/handoffs/3f0e...?x=1"), already escaped;
 * @body: (nullable): a JSON body (Content-Type @content_type, or application/json when NULL);
 * @idempotency_key, @if_match: (nullable): headers (@if_match unquoted: the client quotes it).
 * Returns a response for a 2xx/304 answer, else an error with its problem.
 */
void el_api_client_call_async (ElApiClient *self,
                               const char *method,
                               const char *route,
                               const char *path,
                               ElApiCallFlags flags,
                               JsonNode *body,
                               const char *content_type,
                               const char *idempotency_key,
                               const char *if_match,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
ElApiResponse *el_api_client_call_finish (ElApiClient *self, GAsyncResult *result, GError **error);

/* System ---------------------------------------------------------------------------------------- */

/* GET /api/health: (transfer full) the Health document of a 200 `healthy` answer; a 503
 * `degraded` answer is %EL_API_ERROR_SERVER. Not affected by the breaker (does not fail fast). */
void el_api_client_health_async (ElApiClient *self,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
JsonNode *el_api_client_health_finish (ElApiClient *self, GAsyncResult *result, GError **error);

/* Probes GET /api/health now; a 200 closes the circuit. Returns whether the client is online. */
void el_api_client_probe_async (ElApiClient *self,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
gboolean el_api_client_probe_finish (ElApiClient *self, GAsyncResult *result, GError **error);

/* Users and census ------------------------------------------------------------------------------ */

void el_api_client_get_me_async (ElApiClient *self,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
ElUser *el_api_client_get_me_finish (ElApiClient *self, GAsyncResult *result, GError **error);

/* (transfer full) (element-type ElUnit) */
void el_api_client_list_units_async (ElApiClient *self,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
GPtrArray *el_api_client_list_units_finish (ElApiClient *self, GAsyncResult *result, GError **error);

/* The census of @unit_id: (transfer full) (element-type ElPatient) */
void el_api_client_list_patients_async (ElApiClient *self,
                                        const char *unit_id,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
GPtrArray *el_api_client_list_patients_finish (ElApiClient *self, GAsyncResult *result, GError **error);

/* Handoffs -------------------------------------------------------------------------------------- */

/* GET /api/v1/handoffs?unit_id=&patient_id=&cursor=&limit= (each nullable / 0 = server default).
 * Returns (transfer full) (element-type ElHandoff); @next_cursor (out) (nullable) is set when
 * @has_more. */
void el_api_client_list_handoffs_async (ElApiClient *self,
                                        const char *unit_id,
                                        const char *patient_id,
                                        const char *cursor,
                                        guint limit,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
GPtrArray *el_api_client_list_handoffs_finish (
    ElApiClient *self, GAsyncResult *result, char **next_cursor, gboolean *has_more, GError **error);

/* The handoff calls return the handoff; @etag (out) (optional) gets its ETag, unquoted (the same
 * as el_handoff_get_etag() when the server put it in the body). */
void el_api_client_get_handoff_async (ElApiClient *self,
                                      const char *handoff_id,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
ElHandoff *
el_api_client_get_handoff_finish (ElApiClient *self, GAsyncResult *result, char **etag, GError **error);

/* POST /api/v1/handoffs with @handoff's id, patient, unit, shift and nurses (HandoffCreate). */
void el_api_client_create_handoff_async (ElApiClient *self,
                                         ElHandoff *handoff,
                                         const char *idempotency_key,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
ElHandoff *
el_api_client_create_handoff_finish (ElApiClient *self, GAsyncResult *result, char **etag, GError **error);

/* PATCH /api/v1/handoffs/{id}: @patch is a HandoffPatch merge patch; @if_match is required
 * (unquoted ETag); @idempotency_key nullable (without it the PATCH is never retried). */
void el_api_client_patch_handoff_async (ElApiClient *self,
                                        const char *handoff_id,
                                        JsonNode *patch,
                                        const char *if_match,
                                        const char *idempotency_key,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
ElHandoff *
el_api_client_patch_handoff_finish (ElApiClient *self, GAsyncResult *result, char **etag, GError **error);

/* POST .../sign (the outgoing nurse re-enters @password) and .../acknowledge. */
void el_api_client_sign_handoff_async (ElApiClient *self,
                                       const char *handoff_id,
                                       int version,
                                       const char *password,
                                       const char *idempotency_key,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
ElHandoff *
el_api_client_sign_handoff_finish (ElApiClient *self, GAsyncResult *result, char **etag, GError **error);
void el_api_client_acknowledge_handoff_async (ElApiClient *self,
                                              const char *handoff_id,
                                              int version,
                                              const char *readback_note,
                                              const char *idempotency_key,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer user_data);
ElHandoff *el_api_client_acknowledge_handoff_finish (ElApiClient *self,
                                                     GAsyncResult *result,
                                                     char **etag,
                                                     GError **error);

/* SBAR ------------------------------------------------------------------------------------------ */

/* GET .../sbar: the latest version */
void el_api_client_get_sbar_async (ElApiClient *self,
                                   const char *handoff_id,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
ElSbarVersion *el_api_client_get_sbar_finish (ElApiClient *self, GAsyncResult *result, GError **error);

/* GET .../sbar/versions: (transfer full) (element-type ElSbarVersion), oldest first */
void el_api_client_list_sbar_versions_async (ElApiClient *self,
                                             const char *handoff_id,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer user_data);
GPtrArray *el_api_client_list_sbar_versions_finish (ElApiClient *self, GAsyncResult *result, GError **error);

/* GET .../sbar/versions/{version} */
void el_api_client_get_sbar_version_async (ElApiClient *self,
                                           const char *handoff_id,
                                           int version,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer user_data);
ElSbarVersion *
el_api_client_get_sbar_version_finish (ElApiClient *self, GAsyncResult *result, GError **error);

/* POST .../sbar/versions: @content's source, sections and fields (SbarVersionCreate) on
 * @base_version (0 for the first). A stale base: %EL_API_ERROR_CONFLICT whose problem has the
 * latest version (el_api_problem_get_latest()); a locked handoff: %EL_API_ERROR_LOCKED.
 * Returns the new version; @etag (out) (optional) the handoff's new ETag. */
void el_api_client_create_sbar_version_async (ElApiClient *self,
                                              const char *handoff_id,
                                              ElSbarVersion *content,
                                              int base_version,
                                              const char *idempotency_key,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer user_data);
ElSbarVersion *el_api_client_create_sbar_version_finish (ElApiClient *self,
                                                         GAsyncResult *result,
                                                         char **etag,
                                                         GError **error);

/* Change feed ----------------------------------------------------------------------------------- */

/* GET /api/v1/changes?since=&limit= (limit 0: the server's default). */
void el_api_client_get_changes_async (ElApiClient *self,
                                      gint64 since,
                                      guint limit,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
ElApiChangePage *el_api_client_get_changes_finish (ElApiClient *self, GAsyncResult *result, GError **error);

/* Recordings ------------------------------------------------------------------------------------ */

/* Opens the recording's bytes from the start (called once per attempt, and once more first when
 * the digest is not given); (transfer full) a stream, or %NULL with @error set. Called on the
 * client's thread. */
typedef GInputStream *(*ElApiOpenStreamFunc) (gpointer user_data, GCancellable *cancellable, GError **error);

/*
 * POST /api/v1/handoffs/{id}/recordings?recording_id=: streams the bytes (never all in memory)
 * with `Content-Digest: sha-256=:<base64>:` and @idempotency_key (required). The server has no
 * range uploads, so a retry sends the whole body again with the same key: the server applies it
 * once. @content_type "audio/ogg" or "audio/wav"; @recording_id nullable (the server picks one);
 * @size the byte count (-1: unknown, sent chunked); @sha256 (nullable): the 32-byte digest, else
 * the client reads the stream once to compute it. Returns the recording (status queued).
 */
void el_api_client_upload_recording_async (ElApiClient *self,
                                           const char *handoff_id,
                                           const char *recording_id,
                                           const char *content_type,
                                           ElApiOpenStreamFunc open_stream,
                                           gpointer open_data,
                                           GDestroyNotify open_data_destroy,
                                           gint64 size,
                                           const guint8 *sha256,
                                           const char *idempotency_key,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer user_data);
ElRecording *el_api_client_upload_recording_finish (ElApiClient *self, GAsyncResult *result, GError **error);

/* The same from a file (size and digest computed off the main thread). */
void el_api_client_upload_recording_file_async (ElApiClient *self,
                                                const char *handoff_id,
                                                const char *recording_id,
                                                const char *content_type,
                                                GFile *file,
                                                const char *idempotency_key,
                                                GCancellable *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer user_data);
ElRecording *
el_api_client_upload_recording_file_finish (ElApiClient *self, GAsyncResult *result, GError **error);

/* GET /api/v1/recordings/{id} */
void el_api_client_get_recording_async (ElApiClient *self,
                                        const char *recording_id,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
ElRecording *el_api_client_get_recording_finish (ElApiClient *self, GAsyncResult *result, GError **error);

/* The largest audio a download takes (the server's upload limit, EL_AUDIO_MAX_BYTES). */
#define EL_API_RECORDING_AUDIO_MAX_BYTES G_GINT64_CONSTANT (52428800)

/*
 * GET /api/v1/recordings/{id}/audio: the recording's audio as uploaded, in memory only (the caller
 * must never write it to disk as plaintext: seal it, ElSealedAudioWriter). An idempotent GET: the
 * usual refresh, retries and breaker; the per-attempt deadline is "upload-timeout" (a transfer).
 * A body over EL_API_RECORDING_AUDIO_MAX_BYTES is not read (its Content-Length says so):
 * %EL_API_ERROR_INVALID_RESPONSE, as is an answer that is not audio/ogg or audio/wav. A recording
 * of another unit, or whose audio the server no longer has: %EL_API_ERROR_NOT_FOUND.
 * @content_type (out) (optional): "audio/ogg" or "audio/wav".
 */
void el_api_client_download_recording_audio_async (ElApiClient *self,
                                                   const char *recording_id,
                                                   GCancellable *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer user_data);
GBytes *el_api_client_download_recording_audio_finish (ElApiClient *self,
                                                       GAsyncResult *result,
                                                       char **content_type,
                                                       GError **error);

G_END_DECLS
