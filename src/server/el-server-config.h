/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define EL_SERVER_CONFIG_ERROR (el_server_config_error_quark ())

typedef enum
{
  EL_SERVER_CONFIG_ERROR_INVALID, /* a variable has a value that cannot be used */
  EL_SERVER_CONFIG_ERROR_MISSING, /* a required variable is not set */
} ElServerConfigError;

typedef enum
{
  EL_SERVER_CONFIG_DATABASE = 0,     /* only DATABASE_URL and the plain settings */
  EL_SERVER_CONFIG_SECRETS = 1 << 0, /* also JWT_SECRET and ENCRYPTION_KEY (serve, seed-demo) */
  EL_SERVER_CONFIG_DEV = 1 << 1,     /* serve --dev: generate throwaway secrets when unset */
  EL_SERVER_CONFIG_KEY = 1 << 2,     /* ENCRYPTION_KEY only, no JWT_SECRET (check, restore) */
} ElServerConfigFlags;

#define EL_SERVER_JWT_SECRET_MIN_BYTES 32
#define EL_SERVER_KEY_BYTES            32

/**
 * ElServerConfig:
 *
 * The server's configuration, read from the environment with the seed's variable names
 * (documented in `.env.example`). Secrets are wiped when the config is freed; they never appear
 * in an error message or a log line.
 */
typedef struct
{
  char *host;          /* --host, default 127.0.0.1 */
  guint port;          /* PORT, default 8080; 0 picks a free port */
  char *database_path; /* from DATABASE_URL=sqlite:///abs/path or sqlite://relative/path */
  guint8 *jwt_secret;  /* JWT_SECRET, at least 32 bytes */
  gsize jwt_secret_len;
  gint64 jwt_expires_seconds;                 /* JWT_EXPIRES_IN, default 1h */
  gint64 refresh_expires_seconds;             /* REFRESH_TOKEN_EXPIRES_IN, default 30d */
  GLogLevelFlags log_level;                   /* LOG_LEVEL: error, warn, info (default), debug */
  gboolean rate_limit_enabled;                /* RATE_LIMIT_ENABLED, default true */
  guint rate_limit_max_requests;              /* RATE_LIMIT_MAX_REQUESTS, default 100 */
  guint rate_limit_window_ms;                 /* RATE_LIMIT_WINDOW_MS, default 60000 */
  char *cors_origin;                          /* CORS_ORIGIN, NULL = no cross-origin access */
  char *storage_dir;                          /* STORAGE_DIR, default ./storage */
  char *app_version;                          /* APP_VERSION, default the build's version */
  guint8 encryption_key[EL_SERVER_KEY_BYTES]; /* ENCRYPTION_KEY (base64 of 32 bytes): audio and PHI at rest */
  gboolean has_encryption_key;
  gboolean generated_secrets; /* --dev made throwaway JWT_SECRET / ENCRYPTION_KEY */
} ElServerConfig;

GQuark el_server_config_error_quark (void);

ElServerConfig *
el_server_config_new_from_environ (const char *const *envp, ElServerConfigFlags flags, GError **error);
void el_server_config_free (ElServerConfig *config);
gboolean el_server_parse_duration (const char *text, gint64 *seconds);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElServerConfig, el_server_config_free)

G_END_DECLS
