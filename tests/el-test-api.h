/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "el-test-server.h"

G_BEGIN_DECLS

/*
 * ElTestApi: the HTTP client of the API tests, on an ElTestServer.
 *
 * An ElTestApi holds the server it talks to (not owned), its own SoupSession (no proxy, 30 s
 * timeout) and the users it signed in. Each request returns an ElTestResponse that the caller owns:
 * a test may keep several to compare them.
 *
 *   g_autoptr (ElTestApi) api = el_test_api_new (server);
 *   const ElTestLogin *nurse = el_test_api_login (api, EL_TEST_DEMO_NURSE_A, PASSWORD);
 *   g_autoptr (ElTestResponse) resp =
 *       el_test_api_call (api, "POST", "/api/v1/handoffs", nurse, body, "Idempotency-Key", key,
 *                         EL_TEST_END);
 *   el_test_assert_problem (resp, 422, "validation_failed");
 *
 * ElTestDemo: a server with demo data (`seed-demo`) and an ElTestApi on it, for a test program's
 * main():
 *
 *   g_test_add_func (...);
 *   demo = el_test_demo_new (PASSWORD);
 *   return el_test_demo_run (&demo); // g_test_run (), then the server must exit with status 0
 *
 * Everything asserts (g_assert) rather than returning errors, except el_test_api_send() when asked
 * for the transport error.
 */

#define EL_TEST_DEMO_ADMIN   "admin@demo.eclipselink.ai"
#define EL_TEST_DEMO_CHARGE  "charge.nurse@demo.eclipselink.ai"
#define EL_TEST_DEMO_NURSE_A "nurse.a@demo.eclipselink.ai"
#define EL_TEST_DEMO_NURSE_B "nurse.b@demo.eclipselink.ai"

/* The end of el_test_api_call()'s headers: NULL as a pointer, as a variadic function wants it. */
#define EL_TEST_END ((const char *) NULL)

typedef struct ElTestApi ElTestApi;

/* An answer: everything is set, but for @json. */
typedef struct
{
  guint status;
  SoupMessageHeaders *headers;
  GBytes *body;
  char *text;     /* the body as a string */
  JsonNode *json; /* the body parsed when its Content-Type is application/json or
                   * application/problem+json (asserted to parse); NULL otherwise */
} ElTestResponse;

/* A user signed in through POST /api/v1/auth/login; owned by the ElTestApi that signed in. */
typedef struct
{
  char *token; /* the access token */
  char *refresh_token;
  char *id;      /* the user's id */
  char *unit_id; /* NULL for a user without a unit (an administrator) */
} ElTestLogin;

ElTestApi *el_test_api_new (ElTestServer *server);
void el_test_api_free (ElTestApi *self);

ElTestResponse *el_test_api_send (ElTestApi *self,
                                  const char *method,
                                  const char *path,
                                  const char *token,
                                  GBytes *body,
                                  const char *const *headers,
                                  GError **error);
ElTestResponse *el_test_api_call (ElTestApi *self,
                                  const char *method,
                                  const char *path,
                                  const ElTestLogin *who,
                                  const char *body,
                                  ...) G_GNUC_NULL_TERMINATED;

ElTestResponse *el_test_api_login_request (ElTestApi *self, const char *email, const char *password);
const ElTestLogin *el_test_api_login (ElTestApi *self, const char *email, const char *password);
char *el_test_api_patient_id (ElTestApi *self, const ElTestLogin *who, guint index);
char *el_test_api_create_handoff (
    ElTestApi *self, const ElTestLogin *who, const char *patient_id, const char *extra_members, char **etag);

void el_test_response_free (ElTestResponse *self);
const char *el_test_response_get_header (ElTestResponse *self, const char *name);
JsonObject *el_test_response_get_object (ElTestResponse *self);
const char *el_test_response_get_string (ElTestResponse *self, const char *member);

/* A problem (RFC 9457) with this status and `code`; in the caller, so a failure names its line. */
#define el_test_assert_problem(resp, st, code)                                  \
  G_STMT_START                                                                  \
  {                                                                             \
    g_assert_cmpuint ((resp)->status, ==, (st));                                \
    g_assert_cmpstr (el_test_response_get_string ((resp), "code"), ==, (code)); \
  }                                                                             \
  G_STMT_END

/* The same, and the document itself: its Content-Type and its own `status` member. */
#define el_test_assert_problem_strict(resp, st, code)                                                       \
  G_STMT_START                                                                                              \
  {                                                                                                         \
    g_assert_cmpuint ((resp)->status, ==, (st));                                                            \
    g_assert_cmpstr (el_test_response_get_header ((resp), "Content-Type"), ==, "application/problem+json"); \
    g_assert_cmpstr (el_test_response_get_string ((resp), "code"), ==, (code));                             \
    g_assert_cmpint (json_object_get_int_member (el_test_response_get_object (resp), "status"), ==, (st));  \
  }                                                                                                         \
  G_STMT_END

char *el_test_handoff_path (const char *handoff_id, const char *suffix);
char *
el_test_handoff_body (const char *id, const char *patient_id, const char *shift, const char *extra_members);
char *el_test_sbar_version_body (int base_version, const char *situation);
GBytes *el_test_make_wav (guint ms);

void el_test_demo_prepare (ElTestServer *server, const char *password);
void el_test_demo_prepare_full (ElTestServer *server, const char *password, const char *const *env);
ElTestServer *el_test_demo_start_again (ElTestServer *first, guint port, const char *const *env);

typedef struct
{
  ElTestServer *server;
  ElTestApi *api;
  /* el_test_demo_new() only; NULL in a small demo: */
  const ElTestLogin *admin;   /* EL_TEST_DEMO_ADMIN */
  const ElTestLogin *charge;  /* EL_TEST_DEMO_CHARGE, on nurse_a's unit (4W) */
  const ElTestLogin *nurse_a; /* EL_TEST_DEMO_NURSE_A */
  const ElTestLogin *nurse_b; /* EL_TEST_DEMO_NURSE_B, on another unit (5E) */
  char *patient_4w;           /* the first two patients of nurse_a's unit */
  char *patient_4w_2;
  char *patient_5e; /* the first of nurse_b's */
} ElTestDemo;

ElTestDemo *el_test_demo_new (const char *password);
ElTestDemo *el_test_demo_new_small (const char *password);
int el_test_demo_run (ElTestDemo **demo);
void el_test_demo_free (ElTestDemo *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElTestApi, el_test_api_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElTestResponse, el_test_response_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElTestDemo, el_test_demo_free)

G_END_DECLS
