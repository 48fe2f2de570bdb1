/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-server-config.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <string.h>

G_DEFINE_QUARK (el_server_config_error_quark, el_server_config_error)

/**
 * el_server_parse_duration:
 * @text: "90" (seconds), "30s", "15m", "1h" or "30d"
 * @seconds: (out): the duration in seconds, at least 1
 *
 * Returns: %TRUE if @text is a positive duration of at most ten years
 */
gboolean
el_server_parse_duration (const char *text, gint64 *seconds)
{
  guint64 value = 0;
  const char *end = NULL;
  gint64 unit = 1;

  if (text == NULL || !g_ascii_isdigit (*text))
    return FALSE;
  value = g_ascii_strtoull (text, (char **) &end, 10);
  if (end == text || value == 0 || value > G_MAXINT32)
    return FALSE;
  if (*end != '\0')
    {
      if (end[1] != '\0')
        return FALSE;
      switch (*end)
        {
          case 's':
            unit = 1;
            break;
          case 'm':
            unit = 60;
            break;
          case 'h':
            unit = 3600;
            break;
          case 'd':
            unit = 86400;
            break;
          default:
            return FALSE;
        }
    }
  if (value * (guint64) unit > 10ULL * 366 * 86400)
    return FALSE;
  *seconds = (gint64) value * unit;
  return TRUE;
}

static gboolean
parse_uint (const char *text, guint min, guint max, guint *out)
{
  guint64 value = 0;

  if (!g_ascii_string_to_unsigned (text, 10, min, max, &value, NULL))
    return FALSE;
  *out = (guint) value;
  return TRUE;
}

static gboolean
parse_bool (const char *text, gboolean *out)
{
  if (g_ascii_strcasecmp (text, "true") == 0 || g_str_equal (text, "1") ||
      g_ascii_strcasecmp (text, "yes") == 0)
    *out = TRUE;
  else if (g_ascii_strcasecmp (text, "false") == 0 || g_str_equal (text, "0") ||
           g_ascii_strcasecmp (text, "no") == 0)
    *out = FALSE;
  else
    return FALSE;
  return TRUE;
}

static gboolean
parse_log_level (const char *text, GLogLevelFlags *out)
{
  if (g_ascii_strcasecmp (text, "error") == 0)
    *out = G_LOG_LEVEL_CRITICAL;
  else if (g_ascii_strcasecmp (text, "warn") == 0 || g_ascii_strcasecmp (text, "warning") == 0)
    *out = G_LOG_LEVEL_WARNING;
  else if (g_ascii_strcasecmp (text, "info") == 0)
    *out = G_LOG_LEVEL_INFO;
  else if (g_ascii_strcasecmp (text, "debug") == 0)
    *out = G_LOG_LEVEL_DEBUG;
  else
    return FALSE;
  return TRUE;
}

static gboolean
parse_database_url (const char *url, char **path)
{
  const char *rest;

  if (!g_str_has_prefix (url, "sqlite://"))
    return FALSE;
  rest = url + strlen ("sqlite://");
  if (*rest == '\0' || strchr (rest, '?') != NULL)
    return FALSE;
  *path = g_strdup (rest);
  return TRUE;
}

static gboolean
invalid (GError **error, const char *name, const char *what)
{
  g_set_error (error, EL_SERVER_CONFIG_ERROR, EL_SERVER_CONFIG_ERROR_INVALID, "%s: %s", name, what);
  return FALSE;
}

static ElServerConfig *
config_invalid (GError **error, const char *name, const char *what)
{
  invalid (error, name, what);
  return NULL;
}

static void
set_str (char **field, const char *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

static gboolean
read_key (ElServerConfig *self, const char *const *envp, ElServerConfigFlags flags, GError **error)
{
  const char *key = g_environ_getenv ((char **) envp, "ENCRYPTION_KEY");
  gboolean dev = (flags & EL_SERVER_CONFIG_DEV) != 0;

  if (key != NULL && *key != '\0')
    {
      gsize len = 0;
      g_autofree guchar *raw = NULL;

      /* g_base64_decode() accepts garbage silently; check the alphabet first. */
      for (const char *p = key; *p != '\0'; p++)
        if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/' && *p != '=')
          return invalid (error, "ENCRYPTION_KEY", "must be base64 (try: openssl rand -base64 32)");
      raw = g_base64_decode (key, &len);
      if (len != EL_SERVER_KEY_BYTES)
        {
          OPENSSL_cleanse (raw, len);
          return invalid (error, "ENCRYPTION_KEY",
                          "must be 32 bytes, base64-encoded (try: openssl rand -base64 32)");
        }
      memcpy (self->encryption_key, raw, EL_SERVER_KEY_BYTES);
      OPENSSL_cleanse (raw, len);
      self->has_encryption_key = TRUE;
    }
  else if (dev)
    {
      if (RAND_bytes (self->encryption_key, EL_SERVER_KEY_BYTES) != 1)
        return invalid (error, "ENCRYPTION_KEY", "could not generate a throwaway key");
      self->has_encryption_key = TRUE;
      self->generated_secrets = TRUE;
    }
  else
    {
      g_set_error (error, EL_SERVER_CONFIG_ERROR, EL_SERVER_CONFIG_ERROR_MISSING,
                   "ENCRYPTION_KEY is not set (base64 of 32 bytes, for audio and patient data at rest; "
                   "`serve --dev` generates a throwaway one)");
      return FALSE;
    }

  return TRUE;
}

static gboolean
read_secrets (ElServerConfig *self, const char *const *envp, ElServerConfigFlags flags, GError **error)
{
  const char *secret = g_environ_getenv ((char **) envp, "JWT_SECRET");
  gboolean dev = (flags & EL_SERVER_CONFIG_DEV) != 0;

  if (secret != NULL && *secret != '\0')
    {
      if (strlen (secret) < EL_SERVER_JWT_SECRET_MIN_BYTES)
        return invalid (error, "JWT_SECRET", "must be at least 32 bytes long (try: openssl rand -base64 48)");
      self->jwt_secret_len = strlen (secret);
      self->jwt_secret = g_memdup2 (secret, self->jwt_secret_len);
    }
  else if (dev)
    {
      self->jwt_secret_len = 48;
      self->jwt_secret = g_malloc (self->jwt_secret_len);
      if (RAND_bytes (self->jwt_secret, (int) self->jwt_secret_len) != 1)
        return invalid (error, "JWT_SECRET", "could not generate a throwaway secret");
      self->generated_secrets = TRUE;
    }
  else
    {
      g_set_error (error, EL_SERVER_CONFIG_ERROR, EL_SERVER_CONFIG_ERROR_MISSING,
                   "JWT_SECRET is not set (at least 32 bytes; `serve --dev` generates a throwaway one)");
      return FALSE;
    }

  return read_key (self, envp, flags, error);
}

/**
 * el_server_config_new_from_environ:
 * @envp: the environment, as g_get_environ() returns it
 * @flags: what the command needs
 * @error: an %EL_SERVER_CONFIG_ERROR naming the variable (never its value)
 *
 * Returns: (transfer full) (nullable): the configuration
 */
ElServerConfig *
el_server_config_new_from_environ (const char *const *envp, ElServerConfigFlags flags, GError **error)
{
  g_autoptr (ElServerConfig) self = g_new0 (ElServerConfig, 1);
  const char *value;

  self->host = g_strdup ("127.0.0.1");
  self->port = 8080;
  self->jwt_expires_seconds = 3600;
  self->refresh_expires_seconds = 30 * 86400;
  self->log_level = G_LOG_LEVEL_INFO;
  self->rate_limit_enabled = TRUE;
  self->rate_limit_max_requests = 100;
  self->rate_limit_window_ms = 60000;
  self->storage_dir = g_strdup ("storage");
  self->app_version = g_strdup (PACKAGE_VERSION);

  if ((value = g_environ_getenv ((char **) envp, "PORT")) != NULL &&
      !parse_uint (value, 0, 65535, &self->port))
    return config_invalid (error, "PORT", "must be a port number from 0 to 65535");

  value = g_environ_getenv ((char **) envp, "DATABASE_URL");
  if (value == NULL || *value == '\0')
    value = "sqlite://eclipselink.db";
  if (!parse_database_url (value, &self->database_path))
    return config_invalid (error, "DATABASE_URL", "must look like sqlite:///path/to/eclipselink.db");

  if ((value = g_environ_getenv ((char **) envp, "JWT_EXPIRES_IN")) != NULL &&
      !el_server_parse_duration (value, &self->jwt_expires_seconds))
    return config_invalid (error, "JWT_EXPIRES_IN", "must be a duration such as 900, 15m, 1h");
  if ((value = g_environ_getenv ((char **) envp, "REFRESH_TOKEN_EXPIRES_IN")) != NULL &&
      !el_server_parse_duration (value, &self->refresh_expires_seconds))
    return config_invalid (error, "REFRESH_TOKEN_EXPIRES_IN", "must be a duration such as 12h, 30d");
  if ((value = g_environ_getenv ((char **) envp, "LOG_LEVEL")) != NULL &&
      !parse_log_level (value, &self->log_level))
    return config_invalid (error, "LOG_LEVEL", "must be one of error, warn, info, debug");
  if ((value = g_environ_getenv ((char **) envp, "RATE_LIMIT_ENABLED")) != NULL &&
      !parse_bool (value, &self->rate_limit_enabled))
    return config_invalid (error, "RATE_LIMIT_ENABLED", "must be true or false");
  if ((value = g_environ_getenv ((char **) envp, "RATE_LIMIT_MAX_REQUESTS")) != NULL &&
      !parse_uint (value, 1, 1000000, &self->rate_limit_max_requests))
    return config_invalid (error, "RATE_LIMIT_MAX_REQUESTS", "must be a whole number from 1 to 1000000");
  if ((value = g_environ_getenv ((char **) envp, "RATE_LIMIT_WINDOW_MS")) != NULL &&
      !parse_uint (value, 1000, 86400000, &self->rate_limit_window_ms))
    return config_invalid (error, "RATE_LIMIT_WINDOW_MS", "must be milliseconds from 1000 to 86400000");
  if ((value = g_environ_getenv ((char **) envp, "CORS_ORIGIN")) != NULL && *value != '\0')
    {
      if (!g_str_has_prefix (value, "https://") && !g_str_has_prefix (value, "http://"))
        return config_invalid (error, "CORS_ORIGIN", "must be an origin such as https://handoff.example.org");
      self->cors_origin = g_strdup (value);
    }
  if ((value = g_environ_getenv ((char **) envp, "STORAGE_DIR")) != NULL && *value != '\0')
    set_str (&self->storage_dir, value);
  if ((value = g_environ_getenv ((char **) envp, "APP_VERSION")) != NULL && *value != '\0')
    set_str (&self->app_version, value);

  if ((flags & EL_SERVER_CONFIG_SECRETS) != 0 && !read_secrets (self, envp, flags, error))
    return NULL;
  if ((flags & (EL_SERVER_CONFIG_SECRETS | EL_SERVER_CONFIG_KEY)) == EL_SERVER_CONFIG_KEY &&
      !read_key (self, envp, flags, error))
    return NULL;

  return g_steal_pointer (&self);
}

void
el_server_config_free (ElServerConfig *self)
{
  if (self == NULL)
    return;
  if (self->jwt_secret != NULL)
    OPENSSL_cleanse (self->jwt_secret, self->jwt_secret_len);
  OPENSSL_cleanse (self->encryption_key, sizeof self->encryption_key);
  g_free (self->jwt_secret);
  g_free (self->host);
  g_free (self->database_path);
  g_free (self->cors_origin);
  g_free (self->storage_dir);
  g_free (self->app_version);
  g_free (self);
}
