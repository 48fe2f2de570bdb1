/* SPDX-License-Identifier: GPL-3.0-or-later */
/* serve: the HTTP API, until SIGTERM or SIGINT. */
#include "config.h"

#include <gio/gio.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>

#include "el-api.h"
#include "el-cmd-serve.h"
#include "el-commands.h"
#include "el-db.h"
#include "el-http-server.h"
#include "el-idempotency.h"
#include "el-job-runner.h"
#include "el-log.h"
#include "el-speech-engines.h"
#include "el-speech-jobs.h"
#include "el-server-config.h"
#include "el-vault.h"

/* In-flight requests get this long to finish after SIGTERM/SIGINT. */
#define DRAIN_TIMEOUT_S 10
/* Threads for the read-only GET handlers (EL_HTTP_ROUTE_WORKER); the main loop does the rest. */
#define SERVE_WORKERS 2

typedef struct
{
  GMainLoop *loop;
  ElHttpServer *server;
  guint drain_timeout_id;
  gboolean stopping;
} Serve;

/* ------------------------------------------------------------------------------------------------
 * Health checks.
 */

typedef struct
{
  ElDb *db;
  char *path;
} DatabaseCheck;

static void
database_check_free (DatabaseCheck *check)
{
  g_object_unref (check->db);
  g_free (check->path);
  g_free (check);
}

/* The serving connection answers, and the file itself is still there, readable and migrated (a
 * fresh connection reads its header, so a file made unreadable or replaced is noticed). */
static ElHealthStatus
check_database (char **detail, gpointer user_data)
{
  DatabaseCheck *check = user_data;
  g_autoptr (GError) error = NULL;
  int version;

  if (!el_db_exec (check->db, "SELECT 1", &error))
    {
      *detail = g_strdup ("the database does not answer");
      return EL_HEALTH_DOWN;
    }
  if (!g_file_test (check->path, G_FILE_TEST_IS_REGULAR))
    {
      *detail = g_strdup ("the database file is missing");
      return EL_HEALTH_DOWN;
    }
  version = el_db_read_schema_version (check->path, &error);
  if (version < 0)
    {
      *detail = g_strdup ("the database file cannot be read");
      return EL_HEALTH_DOWN;
    }
  if (version != EL_DB_SCHEMA_VERSION)
    {
      *detail = g_strdup_printf ("the database is at schema version %d, this server needs %d", version,
                                 EL_DB_SCHEMA_VERSION);
      return EL_HEALTH_DOWN;
    }
  return EL_HEALTH_OK;
}

/* ------------------------------------------------------------------------------------------------
 * Idempotency keys: those older than the retention are purged at start and then every hour.
 */

#define PURGE_INTERVAL_S 3600

static gboolean
purge_idempotency_keys_cb (gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  gint64 n = el_db_purge_idempotency_keys (user_data, NULL, &error);

  if (n < 0)
    el_log_message (EL_LOG_ERROR, "idempotency_purge_failed", error->message);
  else
    {
      GString *line = el_log_line_new (EL_LOG_INFO, "idempotency_purged");

      if (line != NULL)
        {
          el_log_line_add_int (line, "deleted", n);
          el_log_line_write (line);
        }
    }
  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------------------------------------------
 * Shutdown.
 */

static void
checkpoint_database (gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!el_db_checkpoint (user_data, &error))
    el_log_message (EL_LOG_ERROR, "checkpoint_failed", error->message);
  else
    el_log_message (EL_LOG_INFO, "checkpoint", "WAL checkpointed");
}

static void
server_drained_cb (ElHttpServer *server, gpointer user_data)
{
  Serve *serve = user_data;

  el_log_message (EL_LOG_INFO, "drained", "no request in flight");
  g_main_loop_quit (serve->loop);
}

static gboolean
drain_timeout_cb (gpointer user_data)
{
  Serve *serve = user_data;
  GString *line = el_log_line_new (EL_LOG_WARN, "drain_timeout");

  serve->drain_timeout_id = 0;
  if (line != NULL)
    {
      el_log_line_add_int (line, "in_flight", el_http_server_get_n_in_flight (serve->server));
      el_log_line_write (line);
    }
  g_main_loop_quit (serve->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
stop_signal_cb (gpointer user_data)
{
  Serve *serve = user_data;

  if (serve->stopping)
    {
      /* a second signal: stop now */
      g_main_loop_quit (serve->loop);
      return G_SOURCE_CONTINUE;
    }
  serve->stopping = TRUE;
  serve->drain_timeout_id = g_timeout_add_seconds (DRAIN_TIMEOUT_S, drain_timeout_cb, serve);
  el_http_server_drain (serve->server);
  return G_SOURCE_CONTINUE;
}

/* ------------------------------------------------------------------------------------------------
 * The database: the shared server lock (so that `restore` refuses while this process serves), then
 * the connection. `serve --dev` also migrates a new or old database first, under the exclusive
 * lock, as `migrate` does.
 */

static gboolean
migrate_for_dev (const char *path, GError **error)
{
  g_autoptr (ElDbLock) lock = NULL;
  g_autoptr (ElDb) db = NULL;
  int version = el_db_read_schema_version (path, error);

  if (version < 0)
    return FALSE;
  if (version >= EL_DB_SCHEMA_VERSION)
    return TRUE;
  lock = el_db_lock_acquire (path, EL_DB_LOCK_EXCLUSIVE, error);
  if (lock == NULL)
    return FALSE;
  db = el_db_open_full (path, NULL, EL_DB_OPEN_MIGRATE, error);
  if (db == NULL)
    return FALSE;
  el_log_message (EL_LOG_INFO, "migrated", "--dev: the database was created or migrated");
  return TRUE;
}

static ElDb *
open_database (ElServerConfig *config, gboolean dev, ElDbLock **lock, int *status)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (ElVault) vault = NULL;
  ElDb *db;

  if (dev && !migrate_for_dev (config->database_path, &error))
    {
      *status = el_command_fail (EL_EXIT_FAILURE, "%s", error->message);
      return NULL;
    }
  *lock = el_db_lock_acquire (config->database_path, EL_DB_LOCK_SHARED, &error);
  if (*lock == NULL)
    {
      *status = el_command_fail (EL_EXIT_FAILURE, "cannot serve: %s", error->message);
      return NULL;
    }
  vault = el_vault_new (config->encryption_key);
  db = el_db_open (config->database_path, vault, &error);
  if (db == NULL)
    {
      *status = el_command_fail (EL_EXIT_FAILURE, "%s", error->message);
      return NULL;
    }
  return db;
}

/* ------------------------------------------------------------------------------------------------
 * Test routes: only in builds with -Dtest_routes=true, only with EL_TEST_ROUTES=1.
 */

static gboolean
setup_test_routes (ElHttpServer *server, int *status)
{
  g_autoptr (GError) error = NULL;
  const char *timeout = g_getenv ("EL_TEST_IO_TIMEOUT_MS");
  guint64 ms = 0;

  if (g_strcmp0 (g_getenv ("EL_TEST_ROUTES"), "1") != 0)
    return TRUE;
  if (!el_http_server_add_test_routes (server, &error))
    {
      *status = el_command_fail (EL_EXIT_USAGE, "EL_TEST_ROUTES=1: %s", error->message);
      return FALSE;
    }
  if (timeout != NULL && g_ascii_string_to_unsigned (timeout, 10, 1, 600000, &ms, NULL))
    el_http_server_set_io_timeout (server, (guint) ms);
  el_log_message (EL_LOG_WARN, "test_routes", "test routes are enabled: never in production");
  return TRUE;
}

static char *
listening_url (const char *host, guint port)
{
  g_autoptr (GInetAddress) address = g_inet_address_new_from_string (host);
  g_autofree char *text = g_inet_address_to_string (address);

  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("http://[%s]:%u/", text, port);
  return g_strdup_printf ("http://%s:%u/", text, port);
}

/* ------------------------------------------------------------------------------------------------
 * Speech jobs: transcribe -> extract -> SBAR version "ai" (el-speech-jobs.h), on the job runner's
 * worker thread. SPEECH_ENGINE=none leaves uploads queued (health: speech down).
 */

static ElHealthStatus
check_speech_disabled (char **detail, gpointer unused)
{
  *detail = g_strdup ("disabled: SPEECH_ENGINE=none (uploads stay queued)");
  return EL_HEALTH_DOWN;
}

/* Audio the offline engine transcribes before it adapts to the site (SPEECH_ADAPTATION_SECONDS).
 * Off unless set: a profile learned from a few voices recognises the voices it never heard worse
 * than the stock model (bench-speech-quality: WER 8.1 % -> 13.0 %, critical-field precision
 * 100 % -> 94 % on voices built from recordings of people), and at a site most nurses' voices
 * are not among the latest ten minutes. */
#define DEFAULT_SPEECH_ADAPTATION_SECONDS 0
/* ... and of one nurse's uploads before her own voice profile is built
 * (SPEECH_SPEAKER_ADAPTATION_SECONDS): as long as the app gathers on a PC. */
#define DEFAULT_SPEECH_SPEAKER_ADAPTATION_SECONDS 240

/* A number of seconds from @name (unset or empty: @fallback); FALSE when it is not one. */
static gboolean
seconds_from_env (const char *name, guint64 fallback, guint64 *out)
{
  const char *text = g_getenv (name);

  *out = fallback;
  return text == NULL || *text == '\0' || g_ascii_string_to_unsigned (text, 10, 0, 24 * 3600, out, NULL);
}

static ElJobRunner *
start_speech_jobs (ElServerConfig *config, ElHttpServer *server, ElSpeechJobs **speech_out, int *status)
{
  g_autoptr (ElTranscriber) transcriber = NULL;
  g_autoptr (ElSbarExtractor) extractor = NULL;
  g_autoptr (ElVault) vault = NULL;
  g_autoptr (ElAudioStore) store = NULL;
  g_autoptr (ElJobRunner) runner = NULL;
  g_autoptr (GError) error = NULL;
  ElHealth *health = el_http_server_get_health (server);

  guint64 adapt_s = 0, speaker_s = 0;
  g_autofree char *site_dir = g_build_filename (config->storage_dir, "site-voice", NULL);
  g_autofree char *voices_dir = g_build_filename (config->storage_dir, "voices", NULL);

  *status = EL_EXIT_OK;
  if (!seconds_from_env ("SPEECH_ADAPTATION_SECONDS", DEFAULT_SPEECH_ADAPTATION_SECONDS, &adapt_s))
    {
      *status = el_command_fail (EL_EXIT_USAGE,
                                 "SPEECH_ADAPTATION_SECONDS must be a number of seconds, 0 to 86400");
      return NULL;
    }
  if (!seconds_from_env ("SPEECH_SPEAKER_ADAPTATION_SECONDS", DEFAULT_SPEECH_SPEAKER_ADAPTATION_SECONDS,
                         &speaker_s))
    {
      *status = el_command_fail (EL_EXIT_USAGE,
                                 "SPEECH_SPEAKER_ADAPTATION_SECONDS must be a number of seconds, 0 to 86400");
      return NULL;
    }
  /* the offline engine decodes with the site's voice profile once one was built (unless adaptation
   * is off) */
  if (!el_speech_engines_new_transcriber_for_speaker (adapt_s > 0 ? site_dir : NULL, &transcriber, &error))
    {
      *status = el_command_fail (EL_EXIT_USAGE, "%s", error->message);
      return NULL;
    }
  if (transcriber == NULL)
    {
      el_speech_jobs_add_metrics (el_http_server_get_metrics (server), NULL);
      el_health_set_check (health, "speech", FALSE, check_speech_disabled, NULL, NULL);
      return NULL;
    }
  extractor = el_speech_engines_new_extractor (&error);
  if (extractor == NULL)
    {
      *status = el_command_fail (EL_EXIT_USAGE, "%s", error->message);
      return NULL;
    }
  if (config->has_encryption_key)
    {
      vault = el_vault_new (config->encryption_key);
      store = el_audio_store_new (config->storage_dir, vault, &error);
      if (store == NULL)
        {
          el_log_message (EL_LOG_ERROR, "speech", "audio storage cannot be opened; speech jobs will retry");
          g_clear_error (&error);
        }
    }
  *speech_out = el_speech_jobs_new (store, transcriber, extractor, el_http_server_get_metrics (server));
  el_speech_jobs_set_site_adaptation (*speech_out, site_dir, (guint) adapt_s);
  el_speech_jobs_set_speaker_adaptation (*speech_out, voices_dir, (guint) speaker_s);
  el_health_set_check (health, "speech", FALSE, el_speech_jobs_check_health, el_speech_jobs_ref (*speech_out),
                       (GDestroyNotify) el_speech_jobs_unref);
  runner = el_job_runner_new (config->database_path, vault, &error);
  if (runner == NULL)
    {
      *status = el_command_fail (EL_EXIT_FAILURE, "jobs: %s", error->message);
      return NULL;
    }
  el_speech_jobs_register (*speech_out, runner);
#ifdef EL_TEST_ROUTES
  /* tests only (a -Dtest_routes=true build with EL_TEST_ROUTES=1): fast retries, 3 attempts */
  if (g_strcmp0 (g_getenv ("EL_TEST_ROUTES"), "1") == 0)
    {
      const char *retry = g_getenv ("EL_TEST_JOB_RETRY_MS");
      guint64 ms = 0;

      if (retry != NULL && g_ascii_string_to_unsigned (retry, 10, 1, 600000, &ms, NULL))
        el_job_runner_set_timing (runner, 3, (guint) ms, (guint) ms * 4, 50);
    }
#endif
  if (!el_job_runner_start (runner, &error))
    {
      *status = el_command_fail (EL_EXIT_FAILURE, "jobs: %s", error->message);
      return NULL;
    }
  return g_steal_pointer (&runner);
}

int
el_cmd_serve (int argc, char **argv)
{
  g_autofree char *host = NULL;
  g_autofree char *port = NULL;
  gboolean dev = FALSE;
  const GOptionEntry entries[] = {
    { "host", 0, 0, G_OPTION_ARG_STRING, &host, "IPv4 or IPv6 address to listen on (default 127.0.0.1)",
      "ADDRESS" },
    { "port", 0, 0, G_OPTION_ARG_STRING, &port, "Port (default PORT, else 8080; 0 picks a free one)", "N" },
    { "dev", 0, 0, G_OPTION_ARG_NONE, &dev,
      "Development: generate throwaway JWT_SECRET and ENCRYPTION_KEY when unset, migrate the database",
      NULL },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) env = NULL;
  g_autoptr (ElServerConfig) config = NULL;
  g_autoptr (GInetAddress) address = NULL;
  g_autoptr (ElDbLock) lock = NULL;
  g_autoptr (ElDb) db = NULL;
  g_autoptr (ElHttpServer) server = NULL;
  g_autoptr (ElServerContext) api = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autoptr (ElJobRunner) runner = NULL;
  g_autoptr (ElSpeechJobs) speech = NULL;
  g_autofree char *url = NULL;
  DatabaseCheck *database_check;
  Serve serve = { NULL, NULL, 0, FALSE };
  ElHealth *health;
  guint sigterm_id, sigint_id, purge_id;
  int status = EL_EXIT_OK;

  g_option_context_set_summary (context,
                                "Serves the API until SIGTERM or SIGINT. Configuration comes from the "
                                "environment (see .env.example).\nOnce ready, prints one line on "
                                "stdout: listening on http://HOST:PORT/");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return el_command_fail (EL_EXIT_USAGE, "serve: %s", error->message);
  if (argc != 1)
    return el_command_fail (EL_EXIT_USAGE, "serve takes no arguments");

  env = g_get_environ ();
  config = el_server_config_new_from_environ (
      (const char *const *) env, EL_SERVER_CONFIG_SECRETS | (dev ? EL_SERVER_CONFIG_DEV : 0), &error);
  if (config == NULL)
    return el_command_fail (EL_EXIT_USAGE, "%s", error->message);
  if (host != NULL)
    {
      g_free (config->host);
      config->host = g_steal_pointer (&host);
    }
  if (port != NULL)
    {
      guint64 value = 0;

      if (!g_ascii_string_to_unsigned (port, 10, 0, 65535, &value, NULL))
        return el_command_fail (EL_EXIT_USAGE, "--port must be a number from 0 to 65535");
      config->port = (guint) value;
    }
  address = g_inet_address_new_from_string (config->host);
  if (address == NULL)
    return el_command_fail (EL_EXIT_USAGE, "--host must be an IPv4 or IPv6 address, not a name");

  el_log_set_threshold (el_log_level_from_glib (config->log_level));
  el_log_install_glib_writer ();
  /* a client closing early must not kill the server on the next write */
  signal (SIGPIPE, SIG_IGN);

  if (config->generated_secrets)
    el_log_message (
        EL_LOG_WARN, "dev_secrets",
        "--dev: generated a throwaway JWT_SECRET and/or ENCRYPTION_KEY; tokens and encrypted data "
        "will not survive a restart");

  if (g_mkdir_with_parents (config->storage_dir, 0700) != 0)
    el_log_message (EL_LOG_ERROR, "storage", "STORAGE_DIR cannot be created; /api/health reports it");

  db = open_database (config, dev, &lock, &status);
  if (db == NULL)
    return status;

  server = el_http_server_new (config->app_version);
  el_http_server_set_rate_limit (server, config->rate_limit_enabled, config->rate_limit_max_requests,
                                 config->rate_limit_window_ms);
  el_http_server_set_cors_origin (server, config->cors_origin);

  health = el_http_server_get_health (server);
  database_check = g_new0 (DatabaseCheck, 1);
  database_check->db = g_object_ref (db);
  database_check->path = g_strdup (config->database_path);
  el_health_set_check (health, "database", TRUE, check_database, database_check,
                       (GDestroyNotify) database_check_free);
  el_health_set_check (health, "storage", TRUE, el_health_check_writable_dir, g_strdup (config->storage_dir),
                       g_free);
  runner = start_speech_jobs (config, server, &speech, &status);
  if (status != EL_EXIT_OK)
    return status;

  el_http_server_add_system_routes (server);
  /* The API endpoints (/api/v1/...) are added here, with the database and the configuration. */
  api = el_server_context_new (config, db, server);
  api->jobs = runner;
  el_api_auth_register (api);
  el_api_census_register (api);
  el_idempotency_add_test_route (api);
  el_api_handoffs_register (api);
  el_api_sbar_register (api);
  el_api_changes_register (api);
  el_api_recordings_register (api);
  if (!setup_test_routes (server, &status))
    return status;

  /* the read-only list endpoints run on worker threads, each with its own connection (WAL lets
   * readers work side by side); writes and everything else stay on the main loop */
  if (!el_server_context_start_workers (api, SERVE_WORKERS, &error))
    return el_command_fail (EL_EXIT_FAILURE, "%s", error->message);

  el_http_server_add_shutdown_hook (server, checkpoint_database, g_object_ref (db), g_object_unref);

  if (!el_http_server_listen (server, config->host, config->port, &error))
    return el_command_fail (EL_EXIT_FAILURE, "%s", error->message);

  purge_idempotency_keys_cb (db);
  purge_id = g_timeout_add_seconds (PURGE_INTERVAL_S, purge_idempotency_keys_cb, db);

  loop = g_main_loop_new (NULL, FALSE);
  serve.loop = loop;
  serve.server = server;
  g_signal_connect (server, "drained", G_CALLBACK (server_drained_cb), &serve);
  sigterm_id = g_unix_signal_add (SIGTERM, stop_signal_cb, &serve);
  sigint_id = g_unix_signal_add (SIGINT, stop_signal_cb, &serve);

  el_http_server_set_ready (server, TRUE);
  url = listening_url (config->host, el_http_server_get_port (server));
  {
    GString *line = el_log_line_new (EL_LOG_INFO, "listening");

    if (line != NULL)
      {
        el_log_line_add_string (line, "url", url);
        el_log_line_add_string (line, "version", config->app_version);
        el_log_line_write (line);
      }
  }
  /* the only line on stdout */
  fprintf (stdout, "listening on %s\n", url);
  fflush (stdout);

  g_main_loop_run (loop);

  g_source_remove (sigterm_id);
  g_source_remove (sigint_id);
  g_source_remove (purge_id);
  g_clear_handle_id (&serve.drain_timeout_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (server, &serve);
  el_http_server_stop_workers (server);
  el_http_server_run_shutdown_hooks (server);
  if (runner != NULL && !el_job_runner_stop (runner, EL_JOB_RUNNER_STOP_WAIT_MS))
    el_log_message (EL_LOG_WARN, "jobs",
                    "a speech job did not stop in time; it runs again at the next start");
  el_log_message (EL_LOG_INFO, "stopped", NULL);
  return EL_EXIT_OK;
}
