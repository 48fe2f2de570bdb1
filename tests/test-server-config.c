/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "el-server-config.h"

#define SECRET "0123456789abcdef0123456789abcdef-long-enough"
#define KEY    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=" /* bytes 0..31 */

static ElServerConfig *
load (ElServerConfigFlags flags, GError **error, ...)
{
  g_autoptr (GPtrArray) env = g_ptr_array_new_with_free_func (g_free);
  va_list args;
  const char *entry;

  va_start (args, error);
  while ((entry = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (env, g_strdup (entry));
  va_end (args);
  g_ptr_array_add (env, NULL);

  return el_server_config_new_from_environ ((const char *const *) env->pdata, flags, error);
}

static void
test_defaults (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElServerConfig) config = load (EL_SERVER_CONFIG_DATABASE, &error, NULL);

  g_assert_no_error (error);
  g_assert_cmpstr (config->host, ==, "127.0.0.1");
  g_assert_cmpuint (config->port, ==, 8080);
  g_assert_cmpstr (config->database_path, ==, "eclipselink.db");
  g_assert_cmpint (config->jwt_expires_seconds, ==, 3600);
  g_assert_cmpint (config->refresh_expires_seconds, ==, 30 * 86400);
  g_assert_true (config->rate_limit_enabled);
  g_assert_cmpuint (config->rate_limit_max_requests, ==, 100);
  g_assert_cmpuint (config->rate_limit_window_ms, ==, 60000);
  g_assert_null (config->cors_origin);
  g_assert_cmpstr (config->storage_dir, ==, "storage");
  g_assert_cmpstr (config->app_version, ==, PACKAGE_VERSION);
  g_assert_null (config->jwt_secret);
  g_assert_false (config->has_encryption_key);
}

static void
test_values (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElServerConfig) config = load (
      EL_SERVER_CONFIG_SECRETS, &error, "PORT=0", "DATABASE_URL=sqlite:///var/lib/el/handoff.db",
      "JWT_SECRET=" SECRET, "ENCRYPTION_KEY=" KEY, "JWT_EXPIRES_IN=15m", "REFRESH_TOKEN_EXPIRES_IN=12h",
      "LOG_LEVEL=debug", "RATE_LIMIT_ENABLED=false", "RATE_LIMIT_MAX_REQUESTS=5", "RATE_LIMIT_WINDOW_MS=1000",
      "CORS_ORIGIN=https://handoff.example.org", "STORAGE_DIR=/srv/audio", "APP_VERSION=9.9.9", NULL);

  g_assert_no_error (error);
  g_assert_cmpuint (config->port, ==, 0);
  g_assert_cmpstr (config->database_path, ==, "/var/lib/el/handoff.db");
  g_assert_cmpmem (config->jwt_secret, config->jwt_secret_len, SECRET, strlen (SECRET));
  g_assert_true (config->has_encryption_key);
  for (guint i = 0; i < EL_SERVER_KEY_BYTES; i++)
    g_assert_cmpuint (config->encryption_key[i], ==, i);
  g_assert_false (config->generated_secrets);
  g_assert_cmpint (config->jwt_expires_seconds, ==, 900);
  g_assert_cmpint (config->refresh_expires_seconds, ==, 12 * 3600);
  g_assert_cmpint (config->log_level, ==, G_LOG_LEVEL_DEBUG);
  g_assert_false (config->rate_limit_enabled);
  g_assert_cmpuint (config->rate_limit_max_requests, ==, 5);
  g_assert_cmpuint (config->rate_limit_window_ms, ==, 1000);
  g_assert_cmpstr (config->cors_origin, ==, "https://handoff.example.org");
  g_assert_cmpstr (config->storage_dir, ==, "/srv/audio");
  g_assert_cmpstr (config->app_version, ==, "9.9.9");
}

/* Every bad value names its variable, never echoes the value, and gives no config. */
static void
test_invalid (void)
{
  const struct
  {
    const char *entry;
    const char *name;
  } cases[] = {
    { "PORT=65536", "PORT" },
    { "PORT=http", "PORT" },
    { "DATABASE_URL=postgres://db/handoff", "DATABASE_URL" },
    { "DATABASE_URL=sqlite://db?mode=ro", "DATABASE_URL" },
    { "JWT_EXPIRES_IN=1w", "JWT_EXPIRES_IN" },
    { "JWT_EXPIRES_IN=0", "JWT_EXPIRES_IN" },
    { "JWT_EXPIRES_IN=-5", "JWT_EXPIRES_IN" },
    { "REFRESH_TOKEN_EXPIRES_IN=99999d", "REFRESH_TOKEN_EXPIRES_IN" },
    { "LOG_LEVEL=verbose", "LOG_LEVEL" },
    { "RATE_LIMIT_ENABLED=maybe", "RATE_LIMIT_ENABLED" },
    { "RATE_LIMIT_MAX_REQUESTS=0", "RATE_LIMIT_MAX_REQUESTS" },
    { "RATE_LIMIT_WINDOW_MS=10", "RATE_LIMIT_WINDOW_MS" },
    { "CORS_ORIGIN=*", "CORS_ORIGIN" },
    { "JWT_SECRET=short-secret", "JWT_SECRET" },
    { "ENCRYPTION_KEY=AAEC", "ENCRYPTION_KEY" },
    { "ENCRYPTION_KEY=not base64 at all!", "ENCRYPTION_KEY" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (ElServerConfig) config = NULL;
      const char *value = strchr (cases[i].entry, '=') + 1;
      gboolean secret = g_str_has_prefix (cases[i].entry, "JWT_SECRET") ||
                        g_str_has_prefix (cases[i].entry, "ENCRYPTION_KEY");

      /* The case comes first: the first of two equal names wins, as in a real environment. */
      config = secret ? load (EL_SERVER_CONFIG_SECRETS, &error, cases[i].entry, "JWT_SECRET=" SECRET,
                              "ENCRYPTION_KEY=" KEY, NULL)
                      : load (EL_SERVER_CONFIG_DATABASE, &error, cases[i].entry, NULL);
      g_assert_null (config);
      g_assert_error (error, EL_SERVER_CONFIG_ERROR, EL_SERVER_CONFIG_ERROR_INVALID);
      g_assert_true (g_str_has_prefix (error->message, cases[i].name));
      if (strlen (value) >= 4) /* "0" or "*" may occur in the explanation itself */
        g_assert_null (strstr (error->message, value));
    }
}

static void
test_missing_secrets (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElServerConfig) config = load (EL_SERVER_CONFIG_SECRETS, &error, "ENCRYPTION_KEY=" KEY, NULL);
  g_autoptr (ElServerConfig) no_key = NULL;

  g_assert_null (config);
  g_assert_error (error, EL_SERVER_CONFIG_ERROR, EL_SERVER_CONFIG_ERROR_MISSING);
  g_assert_nonnull (strstr (error->message, "JWT_SECRET"));
  g_clear_error (&error);

  no_key = load (EL_SERVER_CONFIG_SECRETS, &error, "JWT_SECRET=" SECRET, NULL);
  g_assert_null (no_key);
  g_assert_error (error, EL_SERVER_CONFIG_ERROR, EL_SERVER_CONFIG_ERROR_MISSING);
  g_assert_nonnull (strstr (error->message, "ENCRYPTION_KEY"));
}

/* EL_SERVER_CONFIG_KEY: ENCRYPTION_KEY required and checked, JWT_SECRET neither. */
static void
test_key_only (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElServerConfig) config = load (EL_SERVER_CONFIG_KEY, &error, "ENCRYPTION_KEY=" KEY, NULL);
  g_autoptr (ElServerConfig) missing = NULL;
  g_autoptr (ElServerConfig) invalid = NULL;
  g_autoptr (ElServerConfig) plain = NULL;

  g_assert_no_error (error);
  g_assert_true (config->has_encryption_key);
  for (guint i = 0; i < EL_SERVER_KEY_BYTES; i++)
    g_assert_cmpuint (config->encryption_key[i], ==, i);
  g_assert_null (config->jwt_secret);
  g_assert_false (config->generated_secrets);

  missing = load (EL_SERVER_CONFIG_KEY, &error, "JWT_SECRET=" SECRET, NULL);
  g_assert_null (missing);
  g_assert_error (error, EL_SERVER_CONFIG_ERROR, EL_SERVER_CONFIG_ERROR_MISSING);
  g_assert_nonnull (strstr (error->message, "ENCRYPTION_KEY"));
  g_clear_error (&error);

  invalid = load (EL_SERVER_CONFIG_KEY, &error, "ENCRYPTION_KEY=AAEC", NULL);
  g_assert_null (invalid);
  g_assert_error (error, EL_SERVER_CONFIG_ERROR, EL_SERVER_CONFIG_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "ENCRYPTION_KEY"));
  g_clear_error (&error);

  /* Without the flag the key is not even read. */
  plain = load (EL_SERVER_CONFIG_DATABASE, &error, "ENCRYPTION_KEY=AAEC", NULL);
  g_assert_no_error (error);
  g_assert_false (plain->has_encryption_key);
}

/* serve --dev makes throwaway secrets, different every time, and says so through the flag. */
static void
test_dev (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElServerConfig) a = load (EL_SERVER_CONFIG_SECRETS | EL_SERVER_CONFIG_DEV, &error, NULL);
  g_autoptr (ElServerConfig) b = load (EL_SERVER_CONFIG_SECRETS | EL_SERVER_CONFIG_DEV, &error, NULL);
  g_autoptr (ElServerConfig) given = load (EL_SERVER_CONFIG_SECRETS | EL_SERVER_CONFIG_DEV, &error,
                                           "JWT_SECRET=" SECRET, "ENCRYPTION_KEY=" KEY, NULL);

  g_assert_no_error (error);
  g_assert_true (a->generated_secrets);
  g_assert_cmpuint (a->jwt_secret_len, >=, EL_SERVER_JWT_SECRET_MIN_BYTES);
  g_assert_true (a->has_encryption_key);
  g_assert_true (memcmp (a->jwt_secret, b->jwt_secret, a->jwt_secret_len) != 0);
  g_assert_true (memcmp (a->encryption_key, b->encryption_key, EL_SERVER_KEY_BYTES) != 0);
  g_assert_false (given->generated_secrets);
  g_assert_cmpmem (given->jwt_secret, given->jwt_secret_len, SECRET, strlen (SECRET));
}

static void
test_durations (void)
{
  gint64 s = 0;

  g_assert_true (el_server_parse_duration ("90", &s));
  g_assert_cmpint (s, ==, 90);
  g_assert_true (el_server_parse_duration ("30s", &s));
  g_assert_cmpint (s, ==, 30);
  g_assert_true (el_server_parse_duration ("15m", &s));
  g_assert_cmpint (s, ==, 900);
  g_assert_true (el_server_parse_duration ("1h", &s));
  g_assert_cmpint (s, ==, 3600);
  g_assert_true (el_server_parse_duration ("30d", &s));
  g_assert_cmpint (s, ==, 30 * 86400);
  g_assert_false (el_server_parse_duration ("", &s));
  g_assert_false (el_server_parse_duration ("h", &s));
  g_assert_false (el_server_parse_duration ("1hh", &s));
  g_assert_false (el_server_parse_duration ("1.5h", &s));
  g_assert_false (el_server_parse_duration (" 1h", &s));
  g_assert_false (el_server_parse_duration ("4000d", &s));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/el/server/config/defaults", test_defaults);
  g_test_add_func ("/el/server/config/values", test_values);
  g_test_add_func ("/el/server/config/invalid", test_invalid);
  g_test_add_func ("/el/server/config/missing-secrets", test_missing_secrets);
  g_test_add_func ("/el/server/config/dev", test_dev);
  g_test_add_func ("/el/server/config/key-only", test_key_only);
  g_test_add_func ("/el/server/config/durations", test_durations);

  return g_test_run ();
}
