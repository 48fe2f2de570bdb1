/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Signing and acknowledging through ElContext, online and offline: the password re-entered to sign
 * offline waits in the keyring (never in the cache), ElSync sends it when the server is back and
 * clears it; acknowledged handoffs are locked. Real server, real keyring, real SQLite. */
#include "config.h"

#include <string.h>

#include "el-context.h"
#include "el-test-api.h"
#include "el-test-util.h"

#define PASSWORD "Sign-Offline-7q!"

#define RUN(async, ...)                               \
  ({                                                  \
    g_clear_object (&r);                              \
    async (__VA_ARGS__, NULL, el_test_result_cb, &r); \
    el_test_wait_for (&r);                            \
  })

typedef struct
{
  ElTestServer *server; /* the first one (its database, port) */
  ElTestServer *again;  /* after a restart */
  ElTestApi *api;
  const ElTestLogin *nurse_a;
  const ElTestLogin *charge;
  char *patient;
  guint port;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  (void) data;
  f->server = el_test_server_new ();
  el_test_demo_prepare (f->server, PASSWORD);
  el_test_server_start (f->server);
  f->port = el_test_server_get_port (f->server);
  f->api = el_test_api_new (f->server);
  f->nurse_a = el_test_api_login (f->api, EL_TEST_DEMO_NURSE_A, PASSWORD);
  f->charge = el_test_api_login (f->api, EL_TEST_DEMO_CHARGE, PASSWORD);
  f->patient = el_test_api_patient_id (f->api, f->nurse_a, 0);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  (void) data;
  if (f->again != NULL)
    {
      el_test_server_stop (f->again);
      el_test_server_free (f->again);
    }
  el_test_api_free (f->api);
  el_test_server_stop (f->server);
  el_test_server_free (f->server);
  g_free (f->patient);
}

static void
server_down (Fixture *f)
{
  g_assert_cmpint (el_test_server_stop (f->again != NULL ? f->again : f->server), ==, 0);
  if (f->again != NULL)
    {
      el_test_server_free (f->again);
      f->again = NULL;
    }
}

static void
server_up (Fixture *f, ElContext *ctx)
{
  g_autoptr (GAsyncResult) r = NULL;

  f->again = el_test_demo_start_again (f->server, f->port, NULL);
  (void) el_api_client_probe_finish (el_context_get_api_client (ctx),
                                     RUN (el_api_client_probe_async, el_context_get_api_client (ctx)), NULL);
}

static ElContext *
signed_in (Fixture *f, const char *data_dir, const char *email)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElUser) user = NULL;
  ElContext *ctx = el_context_new (el_test_server_get_url (f->server), data_dir, &error);

  g_assert_no_error (error);
  user = el_context_sign_in_finish (ctx, RUN (el_context_sign_in_async, ctx, email, PASSWORD), NULL, &error);
  g_assert_no_error (error);
  g_object_set (el_context_get_sync (ctx), "retry-base-ms", 0u, NULL);
  return ctx;
}

static void
sync_ok (ElContext *ctx, ElSyncStats *stats)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  ElSync *sync = el_context_get_sync (ctx);

  g_assert_true (
      el_sync_run_finish (sync, RUN (el_sync_run_async, sync, EL_SYNC_RUN_IGNORE_BACKOFF), stats, &error));
  g_assert_no_error (error);
}

/* A handoff of the first 4W patient with SBAR version 1 (status ready), made by nurse A. */
static char *
ready_handoff (Fixture *f)
{
  g_autofree char *id = el_test_api_create_handoff (f->api, f->nurse_a, f->patient, NULL, NULL);
  g_autofree char *path = el_test_handoff_path (id, "/sbar/versions");
  g_autofree char *body = el_test_sbar_version_body (0, "Stable overnight");
  g_autofree char *key = g_uuid_string_random ();
  g_autoptr (ElTestResponse) resp =
      el_test_api_call (f->api, "POST", path, f->nurse_a, body, "Idempotency-Key", key, EL_TEST_END);

  g_assert_cmpuint (resp->status, ==, 201);
  return g_steal_pointer (&id);
}

static char *
server_status (Fixture *f, const char *id)
{
  g_autofree char *path = el_test_handoff_path (id, NULL);
  g_autoptr (ElTestResponse) resp = el_test_api_call (f->api, "GET", path, f->nurse_a, NULL, EL_TEST_END);

  g_assert_cmpuint (resp->status, ==, 200);
  return g_strdup (el_test_response_get_string (resp, "status"));
}

static ElHandoff *
cached (ElContext *ctx, const char *id)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  ElHandoff *h = el_store_get_handoff_finish (
      el_context_get_store (ctx), RUN (el_store_get_handoff_async, el_context_get_store (ctx), id), &error);

  g_assert_no_error (error);
  return h;
}

static char **
signature_items (ElContext *ctx)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  char **items =
      el_secrets_list_items_finish (el_context_get_secrets (ctx),
                                    RUN (el_secrets_list_items_async, el_context_get_secrets (ctx),
                                         el_context_get_account (ctx), EL_SECRET_KIND_PENDING_SIGNATURE),
                                    &error);

  g_assert_no_error (error);
  return items;
}

static GPtrArray *
ops (ElContext *ctx, ElStoreOpFilter filter)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *list = el_store_list_ops_finish (
      el_context_get_store (ctx), RUN (el_store_list_ops_async, el_context_get_store (ctx), filter), &error);

  g_assert_no_error (error);
  return list;
}

/* Whether @needle is in any of the cache's files (the database, its WAL, its shm). */
static gboolean
cache_contains (ElContext *ctx, const char *needle)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (el_store_get_path (el_context_get_store (ctx)), suffixes[i], NULL);

      if (el_test_file_contains (path, needle))
        return TRUE;
    }
  return FALSE;
}

static void
test_online (Fixture *f, gconstpointer data)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir_a = el_test_make_dir ("el-sign-a-XXXXXX");
  g_autofree char *dir_c = el_test_make_dir ("el-sign-c-XXXXXX");
  g_autoptr (ElContext) a = signed_in (f, dir_a, EL_TEST_DEMO_NURSE_A);
  g_autoptr (ElContext) charge = signed_in (f, dir_c, EL_TEST_DEMO_CHARGE);
  g_autofree char *id = ready_handoff (f);
  g_autofree char *status = NULL;
  g_autoptr (ElHandoff) signed_h = NULL;
  g_autoptr (ElHandoff) acked = NULL;
  g_autoptr (ElHandoff) local = NULL;
  g_autoptr (ElSbarVersion) draft = NULL;
  g_autoptr (GPtrArray) attention = NULL;
  g_autofree char *op_id = NULL;
  gboolean queued = TRUE;
  ElApiProblem *problem;

  (void) data;
  sync_ok (a, NULL);
  sync_ok (charge, NULL);

  /* a wrong password: refused by the server, in words the GUI can map */
  g_assert_null (
      el_context_sign_finish (a, RUN (el_context_sign_async, a, id, 1, "not-her-password"), NULL, &error));
  g_assert_error (error, EL_API_ERROR, EL_API_ERROR_INVALID_CREDENTIALS);
  g_clear_error (&error);

  /* a stale version: the conflict names the latest */
  g_assert_null (el_context_sign_finish (a, RUN (el_context_sign_async, a, id, 2, PASSWORD), NULL, &error));
  g_assert_error (error, EL_API_ERROR, EL_API_ERROR_CONFLICT);
  problem = el_api_error_get_problem (error);
  g_assert_nonnull (problem);
  g_clear_error (&error);
  status = server_status (f, id);
  g_assert_cmpstr (status, ==, "ready");

  signed_h = el_context_sign_finish (a, RUN (el_context_sign_async, a, id, 1, PASSWORD), &queued, &error);
  g_assert_no_error (error);
  g_assert_false (queued);
  g_assert_cmpint (el_handoff_get_status (signed_h), ==, EL_HANDOFF_STATUS_SIGNED);
  g_assert_cmpstr (el_handoff_get_signed_by (signed_h), ==, f->nurse_a->id);
  g_free (status);
  status = server_status (f, id);
  g_assert_cmpstr (status, ==, "signed");
  /* the cache has the server's answer at once */
  local = cached (a, id);
  g_assert_cmpint (el_handoff_get_status (local), ==, EL_HANDOFF_STATUS_SIGNED);
  g_clear_object (&local);
  g_assert_false (cache_contains (a, PASSWORD));

  /* the signer cannot acknowledge her own handoff */
  g_assert_null (
      el_context_acknowledge_finish (a, RUN (el_context_acknowledge_async, a, id, 1, NULL), NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* the charge nurse acknowledges with a read-back note */
  sync_ok (charge, NULL);
  acked = el_context_acknowledge_finish (
      charge, RUN (el_context_acknowledge_async, charge, id, 1, "Read back: allergies, code status"), &queued,
      &error);
  g_assert_no_error (error);
  g_assert_false (queued);
  g_assert_cmpint (el_handoff_get_status (acked), ==, EL_HANDOFF_STATUS_ACKNOWLEDGED);
  g_assert_cmpstr (el_handoff_get_acknowledged_by (acked), ==, f->charge->id);
  g_assert_cmpstr (el_handoff_get_readback_note (acked), ==, "Read back: allergies, code status");
  local = cached (charge, id);
  g_assert_cmpint (el_handoff_get_status (local), ==, EL_HANDOFF_STATUS_ACKNOWLEDGED);
  g_clear_object (&local);

  /* locked: a later save on nurse A's PC is refused (423) and needs attention */
  sync_ok (a, NULL);
  local = cached (a, id);
  g_assert_cmpint (el_handoff_get_status (local), ==, EL_HANDOFF_STATUS_ACKNOWLEDGED);
  draft = el_sbar_version_new ();
  el_sbar_version_set_situation (draft, "Too late");
  op_id = el_store_save_sbar_draft_finish (
      el_context_get_store (a), RUN (el_store_save_sbar_draft_async, el_context_get_store (a), id, 1, draft),
      &error);
  g_assert_no_error (error);
  sync_ok (a, NULL);
  attention = ops (a, EL_STORE_OP_FILTER_NEEDS_ATTENTION);
  g_assert_cmpuint (attention->len, ==, 1);
  g_assert_cmpuint (((ElStoreOp *) g_ptr_array_index (attention, 0))->http_status, ==, 423);

  el_test_remove_tree (dir_a);
  el_test_remove_tree (dir_c);
}

static void
test_offline (Fixture *f, gconstpointer data)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir_a = el_test_make_dir ("el-sign-a-XXXXXX");
  g_autofree char *dir_c = el_test_make_dir ("el-sign-c-XXXXXX");
  g_autoptr (ElContext) a = signed_in (f, dir_a, EL_TEST_DEMO_NURSE_A);
  g_autoptr (ElContext) charge = signed_in (f, dir_c, EL_TEST_DEMO_CHARGE);
  g_autofree char *id = ready_handoff (f);
  g_autofree char *status = NULL;
  g_autoptr (ElHandoff) signed_h = NULL;
  g_autoptr (ElHandoff) acked = NULL;
  g_autoptr (ElHandoff) local = NULL;
  g_autoptr (GBytes) kept = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_auto (GStrv) items = NULL;
  ElSyncStats stats = { 0 };
  gboolean queued = FALSE;
  ElStoreOp *op;

  (void) data;
  sync_ok (a, NULL);
  sync_ok (charge, NULL);
  server_down (f);

  /* offline: a wrong password is caught by the offline session */
  g_assert_null (
      el_context_sign_finish (a, RUN (el_context_sign_async, a, id, 1, "not-her-password"), NULL, &error));
  g_assert_error (error, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_WRONG_PASSWORD);
  g_clear_error (&error);
  all = ops (a, EL_STORE_OP_FILTER_ALL);
  g_assert_cmpuint (all->len, ==, 0);
  g_clear_pointer (&all, g_ptr_array_unref);

  signed_h = el_context_sign_finish (a, RUN (el_context_sign_async, a, id, 1, PASSWORD), &queued, &error);
  g_assert_no_error (error);
  g_assert_true (queued);
  g_assert_cmpint (el_handoff_get_status (signed_h), ==, EL_HANDOFF_STATUS_SIGNED);
  g_assert_cmpstr (el_handoff_get_signed_by (signed_h), ==, f->nurse_a->id);
  local = cached (a, id);
  g_assert_cmpint (el_handoff_get_status (local), ==, EL_HANDOFF_STATUS_SIGNED);
  g_assert_nonnull (el_handoff_get_signed_at (local));
  g_clear_object (&local);

  /* one op, {"version": 1} only; its password in the keyring under the op id; none in the cache */
  all = ops (a, EL_STORE_OP_FILTER_ALL);
  g_assert_cmpuint (all->len, ==, 1);
  op = g_ptr_array_index (all, 0);
  g_assert_cmpstr (op->kind, ==, "handoff.sign");
  g_assert_cmpmem (g_bytes_get_data (op->payload, NULL), g_bytes_get_size (op->payload), "{\"version\":1}",
                   13);
  items = signature_items (a);
  g_assert_cmpuint (g_strv_length (items), ==, 1);
  g_assert_cmpstr (items[0], ==, op->op_id);
  kept =
      el_secrets_lookup_finish (el_context_get_secrets (a),
                                RUN (el_secrets_lookup_item_async, el_context_get_secrets (a),
                                     el_context_get_account (a), EL_SECRET_KIND_PENDING_SIGNATURE, op->op_id),
                                &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (kept, NULL), g_bytes_get_size (kept), PASSWORD, strlen (PASSWORD));
  g_assert_false (cache_contains (a, PASSWORD));
  g_clear_pointer (&items, g_strfreev);
  g_clear_pointer (&all, g_ptr_array_unref);

  /* the server is back: the signature is pushed, the keyring item is gone */
  server_up (f, a);
  sync_ok (a, &stats);
  g_assert_cmpuint (stats.pushed, ==, 1);
  status = server_status (f, id);
  g_assert_cmpstr (status, ==, "signed");
  all = ops (a, EL_STORE_OP_FILTER_ALL);
  g_assert_cmpuint (all->len, ==, 0);
  g_clear_pointer (&all, g_ptr_array_unref);
  for (guint i = 0; i < 100; i++)
    {
      items = signature_items (a);
      if (g_strv_length (items) == 0)
        break;
      g_clear_pointer (&items, g_strfreev);
      el_test_sleep_main (20);
    }
  g_assert_cmpuint (g_strv_length (items), ==, 0);
  g_assert_false (cache_contains (a, PASSWORD));

  /* the charge nurse acknowledges offline; it reaches the server later */
  sync_ok (charge, NULL);
  server_down (f);
  acked = el_context_acknowledge_finish (
      charge, RUN (el_context_acknowledge_async, charge, id, 1, "Read back"), &queued, &error);
  g_assert_no_error (error);
  g_assert_true (queued);
  local = cached (charge, id);
  g_assert_cmpint (el_handoff_get_status (local), ==, EL_HANDOFF_STATUS_ACKNOWLEDGED);
  g_assert_cmpstr (el_handoff_get_readback_note (local), ==, "Read back");
  g_clear_object (&local);
  server_up (f, charge);
  sync_ok (charge, &stats);
  g_assert_cmpuint (stats.pushed, ==, 1);
  g_free (status);
  status = server_status (f, id);
  g_assert_cmpstr (status, ==, "acknowledged");
  local = cached (charge, id);
  g_assert_cmpint (el_handoff_get_status (local), ==, EL_HANDOFF_STATUS_ACKNOWLEDGED);
  g_assert_cmpstr (el_handoff_get_acknowledged_by (local), ==, f->charge->id);

  el_test_remove_tree (dir_a);
  el_test_remove_tree (dir_c);
}

/* The password changed since she signed offline: 403 → needs attention with the reason, item gone.
 * A refused signature that is discarded: the keyring item is swept and the handoff is ready again. */
static void
test_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir_a = el_test_make_dir ("el-sign-a-XXXXXX");
  g_autoptr (ElContext) a = signed_in (f, dir_a, EL_TEST_DEMO_NURSE_A);
  g_autofree char *id = ready_handoff (f);
  g_autofree char *id2 = ready_handoff (f);
  g_autoptr (ElHandoff) h = NULL;
  g_autoptr (ElHandoff) local = NULL;
  g_autoptr (GPtrArray) attention = NULL;
  g_autoptr (GBytes) other = el_secrets_bytes_new_wiped ("an-old-password", 15);
  g_auto (GStrv) items = NULL;
  g_autofree char *op1 = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  g_autofree char *key = NULL;
  g_autoptr (ElTestResponse) resp = NULL;
  ElStoreOp *op;

  (void) data;
  sync_ok (a, NULL);
  server_down (f);
  h = el_context_sign_finish (a, RUN (el_context_sign_async, a, id, 1, PASSWORD), NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&h);
  h = el_context_sign_finish (a, RUN (el_context_sign_async, a, id2, 1, PASSWORD), NULL, &error);
  g_assert_no_error (error);
  items = signature_items (a);
  g_assert_cmpuint (g_strv_length (items), ==, 2);
  {
    g_autoptr (GPtrArray) all = ops (a, EL_STORE_OP_FILTER_ALL);

    op = g_ptr_array_index (all, 0);
    g_assert_cmpstr (op->resource_id, ==, id);
    op1 = g_strdup (op->op_id);
  }
  /* as if her password had changed on the server since */
  g_assert_true (
      el_secrets_store_finish (el_context_get_secrets (a),
                               RUN (el_secrets_store_item_async, el_context_get_secrets (a),
                                    el_context_get_account (a), EL_SECRET_KIND_PENDING_SIGNATURE, op1, other),
                               &error));
  g_assert_no_error (error);

  server_up (f, a);
  /* and someone saved a version 2 of the second handoff meanwhile */
  path = el_test_handoff_path (id2, "/sbar/versions");
  body = el_test_sbar_version_body (1, "Changed meanwhile");
  key = g_uuid_string_random ();
  resp = el_test_api_call (f->api, "POST", path, f->charge, body, "Idempotency-Key", key, EL_TEST_END);
  g_assert_cmpuint (resp->status, ==, 201);

  sync_ok (a, NULL);
  attention = ops (a, EL_STORE_OP_FILTER_NEEDS_ATTENTION);
  g_assert_cmpuint (attention->len, ==, 2);
  op = g_ptr_array_index (attention, 0);
  g_assert_cmpstr (op->op_id, ==, op1);
  g_assert_cmpuint (op->http_status, ==, 403);
  g_assert_nonnull (strstr (op->last_error, "invalid_credentials"));
  g_assert_nonnull (strstr (op->last_error, "sign again"));
  op = g_ptr_array_index (attention, 1);
  g_assert_cmpuint (op->http_status, ==, 409);

  /* the wrong one is cleared at once; the other waits until the op is dropped */
  g_clear_pointer (&items, g_strfreev);
  for (guint i = 0; i < 100; i++)
    {
      items = signature_items (a);
      if (g_strv_length (items) == 1)
        break;
      g_clear_pointer (&items, g_strfreev);
      el_test_sleep_main (20);
    }
  g_assert_cmpuint (g_strv_length (items), ==, 1);
  g_assert_cmpstr (items[0], ==, op->op_id);
  g_clear_pointer (&items, g_strfreev);

  g_assert_true (el_store_op_discard_finish (
      el_context_get_store (a), RUN (el_store_op_discard_async, el_context_get_store (a), op->op_id),
      &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 100; i++)
    {
      items = signature_items (a);
      if (g_strv_length (items) == 0)
        break;
      g_clear_pointer (&items, g_strfreev);
      el_test_sleep_main (20);
    }
  g_assert_cmpuint (g_strv_length (items), ==, 0);
  /* the local "signed" is undone: the server's copy is back */
  local = cached (a, id2);
  g_assert_cmpint (el_handoff_get_status (local), !=, EL_HANDOFF_STATUS_SIGNED);

  el_test_remove_tree (dir_a);
}

int
main (int argc, char *argv[])
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/el/client/sign/online", Fixture, NULL, fixture_set_up, test_online, fixture_tear_down);
  g_test_add ("/el/client/sign/offline", Fixture, NULL, fixture_set_up, test_offline, fixture_tear_down);
  g_test_add ("/el/client/sign/refused", Fixture, NULL, fixture_set_up, test_refused, fixture_tear_down);
  return g_test_run ();
}
