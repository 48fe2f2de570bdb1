/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <libsecret/secret.h>
#include <string.h>
#include <unistd.h>

#include "crypto/el-secrets.h"
#include "el-vault.h"

/* ElSecrets against the real session keyring (run under dbus-run-session with an unlocked
 * gnome-keyring, see TESTING.md). Every test uses its own server URL, unique to this run, and
 * clears what it stored. */

static char *run_id;

static char *
server_url (const char *name)
{
  return g_strdup_printf ("https://%s.%s.test.invalid", name, run_id);
}

/* ---- running the async calls to completion ---- */

static void
result_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static gboolean
store (ElSecrets *secrets, const char *account, ElSecretKind kind, const char *value, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GBytes) bytes = g_bytes_new (value, strlen (value));

  el_secrets_store_async (secrets, account, kind, bytes, NULL, result_cb, &result);
  return el_secrets_store_finish (secrets, wait_for (&result), error);
}

static GBytes *
lookup (ElSecrets *secrets, const char *account, ElSecretKind kind, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  el_secrets_lookup_async (secrets, account, kind, NULL, result_cb, &result);
  return el_secrets_lookup_finish (secrets, wait_for (&result), error);
}

static gboolean
clear (ElSecrets *secrets, const char *account, ElSecretKind kind, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  el_secrets_clear_async (secrets, account, kind, NULL, result_cb, &result);
  return el_secrets_clear_finish (secrets, wait_for (&result), error);
}

static gboolean
clear_account (ElSecrets *secrets, const char *account, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  el_secrets_clear_account_async (secrets, account, NULL, result_cb, &result);
  return el_secrets_clear_account_finish (secrets, wait_for (&result), error);
}

static GBytes *
data_key (ElSecrets *secrets, const char *account, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  el_secrets_get_or_create_data_key_async (secrets, account, NULL, result_cb, &result);
  return el_secrets_get_or_create_data_key_finish (secrets, wait_for (&result), error);
}

static void
assert_stored (ElSecrets *secrets, const char *account, ElSecretKind kind, const char *expected)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) found = lookup (secrets, account, kind, &error);

  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpmem (g_bytes_get_data (found, NULL), g_bytes_get_size (found), expected, strlen (expected));
}

static void
assert_absent (ElSecrets *secrets, const char *account, ElSecretKind kind)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) found = lookup (secrets, account, kind, &error);

  g_assert_no_error (error);
  g_assert_null (found);
}

static void
assert_ok (gboolean ok, GError *error)
{
  g_assert_no_error (error);
  g_assert_true (ok);
}

/* ---- tests ---- */

static void
test_store_lookup_clear (void)
{
  g_autofree char *url = server_url ("store");
  g_autoptr (ElSecrets) secrets = el_secrets_new (url);
  const char *account = "nurse.a@demo.eclipselink.ai";
  g_autoptr (GError) error = NULL;

  g_assert_cmpstr (el_secrets_get_server_url (secrets), ==, url);
  assert_absent (secrets, account, EL_SECRET_KIND_REFRESH_TOKEN);

  assert_ok (store (secrets, account, EL_SECRET_KIND_REFRESH_TOKEN, "refresh-token-one", &error), error);
  assert_stored (secrets, account, EL_SECRET_KIND_REFRESH_TOKEN, "refresh-token-one");
  assert_absent (secrets, account, EL_SECRET_KIND_DATA_KEY); /* kinds are separate items */

  /* Storing again replaces (a refresh token rotates at every refresh). */
  assert_ok (store (secrets, account, EL_SECRET_KIND_REFRESH_TOKEN, "refresh-token-two", &error), error);
  assert_stored (secrets, account, EL_SECRET_KIND_REFRESH_TOKEN, "refresh-token-two");

  assert_ok (clear (secrets, account, EL_SECRET_KIND_REFRESH_TOKEN, &error), error);
  assert_absent (secrets, account, EL_SECRET_KIND_REFRESH_TOKEN);
  /* Clearing what is not there succeeds. */
  assert_ok (clear (secrets, account, EL_SECRET_KIND_REFRESH_TOKEN, &error), error);
}

/* Binary values survive (they are stored as base64), including NUL bytes. */
static void
test_binary (void)
{
  g_autofree char *url = server_url ("binary");
  g_autoptr (ElSecrets) secrets = el_secrets_new (url);
  guint8 value[256];
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GBytes) found = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < sizeof value; i++)
    value[i] = (guint8) (255 - i);
  bytes = g_bytes_new (value, sizeof value);
  el_secrets_store_async (secrets, "a@x", EL_SECRET_KIND_REFRESH_TOKEN, bytes, NULL, result_cb, &result);
  assert_ok (el_secrets_store_finish (secrets, wait_for (&result), &error), error);
  found = lookup (secrets, "a@x", EL_SECRET_KIND_REFRESH_TOKEN, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (found, NULL), g_bytes_get_size (found), value, sizeof value);
  assert_ok (clear_account (secrets, "a@x", &error), error);
}

static void
test_accounts (void)
{
  g_autofree char *url = server_url ("accounts");
  g_autoptr (ElSecrets) secrets = el_secrets_new (url);
  g_autoptr (GError) error = NULL;

  assert_ok (store (secrets, "nurse.a@x", EL_SECRET_KIND_REFRESH_TOKEN, "token-a", &error), error);
  assert_ok (store (secrets, "nurse.b@x", EL_SECRET_KIND_REFRESH_TOKEN, "token-b", &error), error);
  assert_stored (secrets, "nurse.a@x", EL_SECRET_KIND_REFRESH_TOKEN, "token-a");
  assert_stored (secrets, "nurse.b@x", EL_SECRET_KIND_REFRESH_TOKEN, "token-b");

  assert_ok (clear (secrets, "nurse.a@x", EL_SECRET_KIND_REFRESH_TOKEN, &error), error);
  assert_absent (secrets, "nurse.a@x", EL_SECRET_KIND_REFRESH_TOKEN);
  assert_stored (secrets, "nurse.b@x", EL_SECRET_KIND_REFRESH_TOKEN, "token-b");
  assert_ok (clear_account (secrets, "nurse.b@x", &error), error);
  assert_absent (secrets, "nurse.b@x", EL_SECRET_KIND_REFRESH_TOKEN);
}

static void
test_servers (void)
{
  g_autofree char *url_one = server_url ("one");
  g_autofree char *url_two = server_url ("two");
  g_autofree char *url_one_slash = g_strconcat (url_one, "/", NULL);
  g_autoptr (ElSecrets) one = el_secrets_new (url_one);
  g_autoptr (ElSecrets) two = el_secrets_new (url_two);
  g_autoptr (ElSecrets) one_again = el_secrets_new (url_one_slash);
  g_autoptr (GError) error = NULL;

  g_assert_cmpstr (el_secrets_get_server_url (one_again), ==, url_one);
  assert_ok (store (one, "nurse.a@x", EL_SECRET_KIND_REFRESH_TOKEN, "token-on-one", &error), error);
  assert_absent (two, "nurse.a@x", EL_SECRET_KIND_REFRESH_TOKEN);
  assert_ok (store (two, "nurse.a@x", EL_SECRET_KIND_REFRESH_TOKEN, "token-on-two", &error), error);
  assert_stored (one, "nurse.a@x", EL_SECRET_KIND_REFRESH_TOKEN, "token-on-one");
  assert_stored (two, "nurse.a@x", EL_SECRET_KIND_REFRESH_TOKEN, "token-on-two");
  /* A trailing slash names the same server. */
  assert_stored (one_again, "nurse.a@x", EL_SECRET_KIND_REFRESH_TOKEN, "token-on-one");

  /* Logging out of one server leaves the other signed in. */
  assert_ok (clear_account (one, "nurse.a@x", &error), error);
  assert_absent (one, "nurse.a@x", EL_SECRET_KIND_REFRESH_TOKEN);
  assert_stored (two, "nurse.a@x", EL_SECRET_KIND_REFRESH_TOKEN, "token-on-two");
  assert_ok (clear_account (two, "nurse.a@x", &error), error);
}

static void
test_clear_account (void)
{
  g_autofree char *url = server_url ("logout");
  g_autoptr (ElSecrets) secrets = el_secrets_new (url);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) key = NULL;
  g_autoptr (GBytes) stored_key = NULL;

  assert_ok (store (secrets, "nurse.a@x", EL_SECRET_KIND_REFRESH_TOKEN, "token-a", &error), error);
  key = data_key (secrets, "nurse.a@x", &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);
  assert_ok (store (secrets, "nurse.b@x", EL_SECRET_KIND_REFRESH_TOKEN, "token-b", &error), error);
  stored_key = lookup (secrets, "nurse.a@x", EL_SECRET_KIND_DATA_KEY, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (key, stored_key));

  assert_ok (clear_account (secrets, "nurse.a@x", &error), error);
  assert_absent (secrets, "nurse.a@x", EL_SECRET_KIND_REFRESH_TOKEN);
  assert_absent (secrets, "nurse.a@x", EL_SECRET_KIND_DATA_KEY);
  assert_stored (secrets, "nurse.b@x", EL_SECRET_KIND_REFRESH_TOKEN, "token-b");
  /* Logging out twice is fine. */
  assert_ok (clear_account (secrets, "nurse.a@x", &error), error);
  assert_ok (clear_account (secrets, "nurse.b@x", &error), error);
  assert_absent (secrets, "nurse.b@x", EL_SECRET_KIND_REFRESH_TOKEN);
}

static void
test_data_key (void)
{
  g_autofree char *url = server_url ("data-key");
  g_autoptr (ElSecrets) secrets = el_secrets_new (url);
  g_autoptr (ElSecrets) again = el_secrets_new (url);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) first = NULL;
  g_autoptr (GBytes) second = NULL;
  g_autoptr (GBytes) third = NULL;
  g_autoptr (GBytes) stored = NULL;
  g_autoptr (GBytes) other = NULL;
  g_autoptr (ElVault) vault = NULL;
  g_autoptr (ElVault) vault_again = NULL;
  g_autoptr (GBytes) sealed = NULL;
  g_autoptr (GBytes) opened = NULL;
  static const guint8 zero[EL_SECRETS_DATA_KEY_BYTES] = { 0 };

  assert_absent (secrets, "nurse.a@x", EL_SECRET_KIND_DATA_KEY);
  first = data_key (secrets, "nurse.a@x", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (first), ==, EL_SECRETS_DATA_KEY_BYTES);
  g_assert_true (memcmp (g_bytes_get_data (first, NULL), zero, sizeof zero) != 0);

  /* Created once: the next call, another instance and a plain lookup all see the same key. */
  second = data_key (secrets, "nurse.a@x", &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (first, second));
  third = data_key (again, "nurse.a@x", &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (first, third));
  stored = lookup (secrets, "nurse.a@x", EL_SECRET_KIND_DATA_KEY, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (first, stored));

  /* Another account gets its own key. */
  other = data_key (secrets, "nurse.b@x", &error);
  g_assert_no_error (error);
  g_assert_false (g_bytes_equal (first, other));

  /* The key works as a vault key across instances: what one sealed, the other opens. */
  vault = el_vault_new (g_bytes_get_data (first, NULL));
  vault_again = el_vault_new (g_bytes_get_data (third, NULL));
  sealed = el_vault_seal (vault, "x", 1, "t|1|c|1", &error);
  g_assert_no_error (error);
  opened = el_vault_open (vault_again, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed), "t|1|c|1",
                          &error);
  g_assert_no_error (error);
  g_assert_nonnull (opened);

  assert_ok (clear_account (secrets, "nurse.a@x", &error), error);
  assert_ok (clear_account (secrets, "nurse.b@x", &error), error);
}

/* Ten callers at once at first sign-in: one key, the same for all. */
static void
test_data_key_concurrent (void)
{
  g_autofree char *url = server_url ("data-key-concurrent");
  g_autoptr (ElSecrets) secrets = el_secrets_new (url);
  GAsyncResult *results[10] = { NULL };
  g_autoptr (GBytes) first = NULL;
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    el_secrets_get_or_create_data_key_async (secrets, "nurse.a@x", NULL, result_cb, &results[i]);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr (GBytes) key =
          el_secrets_get_or_create_data_key_finish (secrets, wait_for (&results[i]), &error);

      g_assert_no_error (error);
      g_assert_cmpuint (g_bytes_get_size (key), ==, EL_SECRETS_DATA_KEY_BYTES);
      if (first == NULL)
        first = g_bytes_ref (key);
      g_assert_true (g_bytes_equal (first, key));
      g_clear_object (&results[i]);
    }
  {
    g_autoptr (GBytes) stored = lookup (secrets, "nurse.a@x", EL_SECRET_KIND_DATA_KEY, &error);

    g_assert_no_error (error);
    g_assert_true (g_bytes_equal (first, stored));
  }
  assert_ok (clear_account (secrets, "nurse.a@x", &error), error);
}

static void
test_absent (void)
{
  g_autofree char *url = server_url ("absent");
  g_autoptr (ElSecrets) secrets = el_secrets_new (url);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) found = lookup (secrets, "nobody@x", EL_SECRET_KIND_REFRESH_TOKEN, &error);

  g_assert_no_error (error);
  g_assert_null (found);
  g_clear_pointer (&found, g_bytes_unref);
  found = lookup (secrets, "nobody@x", EL_SECRET_KIND_DATA_KEY, &error);
  g_assert_no_error (error);
  g_assert_null (found);
}

static const SecretSchema raw_schema = {
  .name = EL_SECRETS_SCHEMA_NAME,
  .flags = SECRET_SCHEMA_NONE,
  .attributes = {
    { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

#define CANARY "CANARY-7f3a9c01-SECRET"

static void
assert_no_canary (const GError *error)
{
  g_autofree char *encoded = g_base64_encode ((const guchar *) CANARY, strlen (CANARY));

  g_assert_nonnull (error);
  g_test_message ("error: %s", error->message);
  g_assert_null (strstr (error->message, CANARY));
  g_assert_null (strstr (error->message, encoded));
  g_assert_null (strstr (error->message, "7f3a9c01"));
}

/* Values this client did not write give CORRUPT, and no message quotes them. */
static void
test_no_secret_in_errors (void)
{
  g_autofree char *url = server_url ("canary");
  g_autoptr (ElSecrets) secrets = el_secrets_new (url);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) found = NULL;
  g_autofree char *short_key = g_base64_encode ((const guchar *) CANARY, strlen (CANARY));

  /* Not base64 at all. */
  g_assert_true (secret_password_store_sync (&raw_schema, SECRET_COLLECTION_DEFAULT, "test", CANARY, NULL,
                                             &error, "server", url, "account", "a@x", "kind", "refresh-token",
                                             NULL));
  g_assert_no_error (error);
  found = lookup (secrets, "a@x", EL_SECRET_KIND_REFRESH_TOKEN, &error);
  g_assert_null (found);
  g_assert_error (error, EL_SECRETS_ERROR, EL_SECRETS_ERROR_CORRUPT);
  assert_no_canary (error);
  g_clear_error (&error);

  /* Base64, but 20 bytes where a data key has 32: never silently replaced. */
  g_assert_true (secret_password_store_sync (&raw_schema, SECRET_COLLECTION_DEFAULT, "test", short_key, NULL,
                                             &error, "server", url, "account", "a@x", "kind", "data-key",
                                             NULL));
  g_assert_no_error (error);
  found = data_key (secrets, "a@x", &error);
  g_assert_null (found);
  g_assert_error (error, EL_SECRETS_ERROR, EL_SECRETS_ERROR_CORRUPT);
  assert_no_canary (error);
  g_clear_error (&error);
  found = lookup (secrets, "a@x", EL_SECRET_KIND_DATA_KEY, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (found, NULL), g_bytes_get_size (found), CANARY, strlen (CANARY));
  g_clear_pointer (&found, g_bytes_unref);

  assert_ok (clear_account (secrets, "a@x", &error), error);
}

/* No session bus: UNAVAILABLE, for every call, without the secret in the message. */
static void
test_unavailable (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr (ElSecrets) secrets = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) found = NULL;
      g_autofree char *address = g_strdup_printf ("unix:path=%s/no-such-bus", g_get_tmp_dir ());

      g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);
      secrets = el_secrets_new ("https://unavailable.test.invalid");
      g_assert_false (store (secrets, "a@x", EL_SECRET_KIND_REFRESH_TOKEN, CANARY, &error));
      g_assert_error (error, EL_SECRETS_ERROR, EL_SECRETS_ERROR_UNAVAILABLE);
      assert_no_canary (error);
      g_clear_error (&error);
      found = lookup (secrets, "a@x", EL_SECRET_KIND_REFRESH_TOKEN, &error);
      g_assert_null (found);
      g_assert_error (error, EL_SECRETS_ERROR, EL_SECRETS_ERROR_UNAVAILABLE);
      g_clear_error (&error);
      found = data_key (secrets, "a@x", &error);
      g_assert_null (found);
      g_assert_error (error, EL_SECRETS_ERROR, EL_SECRETS_ERROR_UNAVAILABLE);
      g_clear_error (&error);
      g_assert_false (clear_account (secrets, "a@x", &error));
      g_assert_error (error, EL_SECRETS_ERROR, EL_SECRETS_ERROR_UNAVAILABLE);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_cancel (void)
{
  g_autofree char *url = server_url ("cancel");
  g_autoptr (ElSecrets) secrets = el_secrets_new (url);
  g_autoptr (GCancellable) cancelled = g_cancellable_new ();
  g_autoptr (GBytes) value = g_bytes_new_static ("token", 5);
  g_autoptr (GError) error = NULL;

  g_cancellable_cancel (cancelled);

  /* Cancelled before the call. */
  {
    g_autoptr (GAsyncResult) result = NULL;

    el_secrets_store_async (secrets, "a@x", EL_SECRET_KIND_REFRESH_TOKEN, value, cancelled, result_cb,
                            &result);
    g_assert_false (el_secrets_store_finish (secrets, wait_for (&result), &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
  }
  {
    g_autoptr (GAsyncResult) result = NULL;
    g_autoptr (GBytes) found = NULL;

    el_secrets_lookup_async (secrets, "a@x", EL_SECRET_KIND_REFRESH_TOKEN, cancelled, result_cb, &result);
    found = el_secrets_lookup_finish (secrets, wait_for (&result), &error);
    g_assert_null (found);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
  }
  {
    g_autoptr (GAsyncResult) result = NULL;

    el_secrets_clear_account_async (secrets, "a@x", cancelled, result_cb, &result);
    g_assert_false (el_secrets_clear_account_finish (secrets, wait_for (&result), &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
  }
  {
    g_autoptr (GAsyncResult) result = NULL;
    g_autoptr (GBytes) key = NULL;

    el_secrets_get_or_create_data_key_async (secrets, "a@x", cancelled, result_cb, &result);
    key = el_secrets_get_or_create_data_key_finish (secrets, wait_for (&result), &error);
    g_assert_null (key);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    /* Nothing was created. */
    assert_absent (secrets, "a@x", EL_SECRET_KIND_DATA_KEY);
  }

  /* Cancelled while in flight (right after the call, before any reply): the caller gets
   * CANCELLED, whatever the keyring did meanwhile. */
  {
    g_autoptr (GCancellable) cancellable = g_cancellable_new ();
    g_autoptr (GAsyncResult) result = NULL;
    g_autoptr (GBytes) found = NULL;

    assert_ok (store (secrets, "a@x", EL_SECRET_KIND_REFRESH_TOKEN, "token", &error), error);
    el_secrets_lookup_async (secrets, "a@x", EL_SECRET_KIND_REFRESH_TOKEN, cancellable, result_cb, &result);
    g_cancellable_cancel (cancellable);
    found = el_secrets_lookup_finish (secrets, wait_for (&result), &error);
    g_assert_null (found);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
  }
  {
    g_autoptr (GCancellable) cancellable = g_cancellable_new ();
    g_autoptr (GAsyncResult) result = NULL;
    g_autoptr (GAsyncResult) other_result = NULL;
    g_autoptr (GBytes) key = NULL;
    g_autoptr (GBytes) other_key = NULL;

    /* Two callers share one flight: cancelling one does not cancel the other. */
    el_secrets_get_or_create_data_key_async (secrets, "a@x", cancellable, result_cb, &result);
    el_secrets_get_or_create_data_key_async (secrets, "a@x", NULL, result_cb, &other_result);
    g_cancellable_cancel (cancellable);
    key = el_secrets_get_or_create_data_key_finish (secrets, wait_for (&result), &error);
    g_assert_null (key);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    other_key = el_secrets_get_or_create_data_key_finish (secrets, wait_for (&other_result), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_bytes_get_size (other_key), ==, EL_SECRETS_DATA_KEY_BYTES);
  }

  /* Still usable afterwards. */
  assert_stored (secrets, "a@x", EL_SECRET_KIND_REFRESH_TOKEN, "token");
  assert_ok (clear_account (secrets, "a@x", &error), error);
  assert_absent (secrets, "a@x", EL_SECRET_KIND_REFRESH_TOKEN);
  assert_absent (secrets, "a@x", EL_SECRET_KIND_DATA_KEY);
}

static void
test_kind_names (void)
{
  g_assert_cmpstr (el_secret_kind_to_string (EL_SECRET_KIND_REFRESH_TOKEN), ==, "refresh-token");
  g_assert_cmpstr (el_secret_kind_to_string (EL_SECRET_KIND_DATA_KEY), ==, "data-key");
}

/* The wiping GBytes holds an independent copy. */
static void
test_wiped_bytes (void)
{
  char data[] = "abc";
  g_autoptr (GBytes) bytes = el_secrets_bytes_new_wiped (data, 3);
  g_autoptr (GBytes) empty = el_secrets_bytes_new_wiped (NULL, 0);

  data[0] = 'x';
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "abc", 3);
  g_assert_cmpuint (g_bytes_get_size (empty), ==, 0);
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  /* Without a session bus the keyring tests cannot run: say so and fail (TESTING.md). */
  if (!g_test_subprocess () && g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      g_printerr ("test-secrets needs the session keyring: run it under dbus-run-session with an "
                  "unlocked gnome-keyring-daemon (see TESTING.md)\n");
      return 1;
    }

  run_id = g_strdup_printf ("%d-%08x", (int) getpid (), g_random_int ());

  g_test_add_func ("/el/client/secrets/kind-names", test_kind_names);
  g_test_add_func ("/el/client/secrets/wiped-bytes", test_wiped_bytes);
  g_test_add_func ("/el/client/secrets/store-lookup-clear", test_store_lookup_clear);
  g_test_add_func ("/el/client/secrets/binary", test_binary);
  g_test_add_func ("/el/client/secrets/accounts", test_accounts);
  g_test_add_func ("/el/client/secrets/servers", test_servers);
  g_test_add_func ("/el/client/secrets/clear-account", test_clear_account);
  g_test_add_func ("/el/client/secrets/data-key", test_data_key);
  g_test_add_func ("/el/client/secrets/data-key-concurrent", test_data_key_concurrent);
  g_test_add_func ("/el/client/secrets/absent", test_absent);
  g_test_add_func ("/el/client/secrets/no-secret-in-errors", test_no_secret_in_errors);
  g_test_add_func ("/el/client/secrets/unavailable", test_unavailable);
  g_test_add_func ("/el/client/secrets/cancel", test_cancel);

  status = g_test_run ();
  g_free (run_id);
  return status;
}
