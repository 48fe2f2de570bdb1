/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ElContext's offline session: kept at sign-in, checked to open offline and to unlock, cleared at
 * sign-out; the keyring holds a hash, never the password. Real server, real keyring. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "el-context.h"
#include "el-test-api.h"
#include "el-test-util.h"

#define PASSWORD "handoff-demo"

#define RUN(async, ...)                               \
  ({                                                  \
    g_clear_object (&r);                              \
    async (__VA_ARGS__, NULL, el_test_result_cb, &r); \
    el_test_wait_for (&r);                            \
  })

static ElTestServer *server;

static ElContext *
new_context (const char *data_dir)
{
  g_autoptr (GError) error = NULL;
  ElContext *ctx = el_context_new (el_test_server_get_url (server), data_dir, &error);

  g_assert_no_error (error);
  return ctx;
}

static void
test_offline_session (void)
{
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElContext) ctx = NULL;
  g_autoptr (ElContext) other = NULL;
  g_autoptr (ElUser) user = NULL;
  g_autoptr (ElUser) offline_user = NULL;
  g_autoptr (GBytes) item = NULL;
  g_autofree char *data_dir = el_test_make_dir ("el-context-data-XXXXXX");
  g_autofree char *item_text = NULL;
  g_autofree char *recordings_dir = NULL;
  g_autofree char *readings_dir = NULL;
  g_autofree char *profile_info = NULL;

  ctx = new_context (data_dir);

  /* nobody signed in here yet */
  g_assert_false (el_context_has_offline_session_finish (
      ctx, RUN (el_context_has_offline_session_async, ctx, EL_TEST_DEMO_NURSE_A), &error));
  g_assert_no_error (error);
  g_assert_null (el_context_get_user (ctx));

  user = el_context_sign_in_finish (ctx, RUN (el_context_sign_in_async, ctx, EL_TEST_DEMO_NURSE_A, PASSWORD),
                                    NULL, &error);
  g_assert_no_error (error);
  g_assert_true (el_context_get_user (ctx) != NULL);
  g_assert_cmpstr (el_user_get_id (el_context_get_user (ctx)), ==, el_user_get_id (user));
  g_assert_true (el_context_has_offline_session_finish (
      ctx, RUN (el_context_has_offline_session_async, ctx, "Nurse.A@demo.eclipselink.ai"), &error));
  g_assert_no_error (error);

  /* the keyring item is a hash and the profile, never the password */
  item = el_secrets_lookup_finish (el_context_get_secrets (ctx),
                                   RUN (el_secrets_lookup_async, el_context_get_secrets (ctx),
                                        EL_TEST_DEMO_NURSE_A, EL_SECRET_KIND_OFFLINE_SESSION),
                                   &error);
  g_assert_no_error (error);
  g_assert_nonnull (item);
  item_text = g_strndup (g_bytes_get_data (item, NULL), g_bytes_get_size (item));
  g_assert_null (strstr (item_text, PASSWORD));
  g_assert_nonnull (strstr (item_text, "$argon2id$"));

  /* unlocking: hers, and not another */
  g_assert_true (
      el_context_verify_password_finish (ctx, RUN (el_context_verify_password_async, ctx, PASSWORD), &error));
  g_assert_no_error (error);
  g_assert_false (el_context_verify_password_finish (
      ctx, RUN (el_context_verify_password_async, ctx, "handoff-demo "), &error));
  g_assert_error (error, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_WRONG_PASSWORD);
  g_clear_error (&error);

  /* closed: no user, nothing to verify */
  g_assert_true (el_context_close_finish (ctx, RUN (el_context_close_async, ctx), &error));
  g_assert_no_error (error);
  g_assert_null (el_context_get_user (ctx));
  g_assert_null (el_context_get_store (ctx));
  g_assert_false (
      el_context_verify_password_finish (ctx, RUN (el_context_verify_password_async, ctx, PASSWORD), &error));
  g_assert_error (error, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_NOT_OPEN);
  g_clear_error (&error);

  /* the server is down: a wrong password opens nothing; hers opens her cache, user and all */
  g_assert_cmpint (el_test_server_stop (server), ==, 0);
  other = new_context (data_dir);
  g_assert_null (el_context_open_offline_finish (
      other, RUN (el_context_open_offline_async, other, EL_TEST_DEMO_NURSE_A, "wrong"), &error));
  g_assert_error (error, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_WRONG_PASSWORD);
  g_clear_error (&error);
  g_assert_null (el_context_get_store (other));
  g_assert_null (el_context_open_offline_finish (
      other, RUN (el_context_open_offline_async, other, EL_TEST_DEMO_NURSE_B, PASSWORD), &error));
  g_assert_error (error, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_NOT_SIGNED_IN);
  g_clear_error (&error);

  offline_user = el_context_open_offline_finish (
      other, RUN (el_context_open_offline_async, other, EL_TEST_DEMO_NURSE_A, PASSWORD), &error);
  g_assert_no_error (error);
  g_assert_nonnull (offline_user);
  g_assert_cmpstr (el_user_get_id (offline_user), ==, el_user_get_id (user));
  g_assert_cmpstr (el_user_get_name (offline_user), ==, el_user_get_name (user));
  g_assert_true (el_context_get_user (other) != NULL);
  g_assert_nonnull (el_context_get_store (other));
  g_assert_cmpstr (el_context_get_account (other), ==, EL_TEST_DEMO_NURSE_A);

  /* the account's sealed recordings (and downloaded copies) go with her cache at sign-out */
  recordings_dir = g_strdup (el_context_get_recordings_dir (other));
  {
    g_autofree char *downloaded = g_build_filename (recordings_dir, "downloaded", NULL);
    g_autofree char *one = g_build_filename (recordings_dir, "one.elrec", NULL);
    g_autofree char *two = g_build_filename (downloaded, "two.elrec", NULL);

    g_assert_cmpint (g_mkdir_with_parents (downloaded, 0700), ==, 0);
    g_assert_true (g_file_set_contents (one, "sealed", -1, NULL));
    g_assert_true (g_file_set_contents (two, "sealed", -1, NULL));
  }

  /* readings for a voice profile that was never built go too; the profile stays */
  readings_dir = g_strconcat (el_context_get_voice_profile_dir (other), ".readings", NULL);
  {
    g_autofree char *reading = g_build_filename (readings_dir, "three.elrec", NULL);
    g_autofree char *info = g_build_filename (el_context_get_voice_profile_dir (other), "profile.json", NULL);

    g_assert_cmpint (g_mkdir_with_parents (readings_dir, 0700), ==, 0);
    g_assert_cmpint (g_mkdir_with_parents (el_context_get_voice_profile_dir (other), 0700), ==, 0);
    g_assert_true (g_file_set_contents (reading, "sealed", -1, NULL));
    g_assert_true (g_file_set_contents (info, "{}", -1, NULL));
    profile_info = g_steal_pointer (&info);
  }

  /* signing out (offline, forced) clears the offline session with the other items */
  g_assert_true (el_context_sign_out_finish (
      other, RUN (el_context_sign_out_async, other, EL_CONTEXT_SIGN_OUT_FORCE), NULL, &error));
  g_assert_no_error (error);
  g_assert_false (el_context_has_offline_session_finish (
      other, RUN (el_context_has_offline_session_async, other, EL_TEST_DEMO_NURSE_A), &error));
  g_assert_no_error (error);
  g_assert_null (el_context_get_user (other));
  g_assert_false (g_file_test (recordings_dir, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (readings_dir, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (profile_info, G_FILE_TEST_EXISTS));

  el_test_remove_tree (data_dir);
}

int
main (int argc, char *argv[])
{
  int status;

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, NULL);
  server = el_test_server_new ();
  el_test_demo_prepare (server, PASSWORD);
  el_test_server_start (server);

  g_test_add_func ("/el/client/context/offline-session", test_offline_session);

  status = g_test_run ();
  el_test_server_free (server);
  return status;
}
