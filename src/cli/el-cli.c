/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-cli.h"

#include <glib/gstdio.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* ---- ending a command ---- */

static void
context_closed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElCli *cli = user_data;
  g_autoptr (GError) error = NULL;

  if (!el_context_close_finish (EL_CONTEXT (source), result, &error) && cli->exit_code == EL_CLI_EXIT_OK)
    {
      g_printerr ("eclipselink-cli: closing the cache: %s\n", error->message);
      cli->exit_code = EL_CLI_EXIT_LOCAL;
    }
  g_main_loop_quit (cli->loop);
}

/* Closes the cache (checkpointing its WAL) and quits the loop. */
static void
finish (ElCli *cli)
{
  if (cli->context != NULL && el_context_get_store (cli->context) != NULL)
    {
      g_set_object (&cli->closed_store, el_context_get_store (cli->context));
      el_context_close_async (cli->context, NULL, context_closed_cb, cli);
      return;
    }
  g_main_loop_quit (cli->loop);
}

void
el_cli_done (ElCli *cli)
{
  cli->exit_code = EL_CLI_EXIT_OK;
  finish (cli);
}

/* One line on stderr; with --json also {"ok": false, "exit_code": N, "error": "..."} on stdout. */
static void
report (ElCli *cli, int exit_code, const char *message)
{
  g_autofree char *line = g_strdup (message);

  /* one line, whatever the message holds */
  g_strdelimit (line, "\r\n", ' ');
  g_printerr ("eclipselink-cli: %s\n", line);
  if (cli->json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      g_autoptr (JsonNode) node = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "ok");
      json_builder_add_boolean_value (b, FALSE);
      json_builder_set_member_name (b, "exit_code");
      json_builder_add_int_value (b, exit_code);
      json_builder_set_member_name (b, "error");
      json_builder_add_string_value (b, line);
      json_builder_end_object (b);
      node = json_builder_get_root (b);
      el_cli_print_json (cli, node);
    }
  cli->exit_code = exit_code;
}

void
el_cli_fail (ElCli *cli, int exit_code, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  report (cli, exit_code, message);
  finish (cli);
}

/* Exit code of a service's error: see main.c. */
int
el_cli_exit_code_for_error (const GError *error)
{
  if (error == NULL)
    return EL_CLI_EXIT_OK;
  if (error->domain == EL_API_ERROR)
    {
      switch ((ElApiError) error->code)
        {
          case EL_API_ERROR_NETWORK:
          case EL_API_ERROR_TIMEOUT:
          case EL_API_ERROR_CIRCUIT_OPEN:
            return EL_CLI_EXIT_OFFLINE;
          case EL_API_ERROR_UNAUTHORIZED:
          case EL_API_ERROR_TOKEN_EXPIRED:
            return EL_CLI_EXIT_SIGNED_OUT;
          case EL_API_ERROR_INVALID_ARGUMENT:
            return EL_CLI_EXIT_USAGE;
          default:
            return EL_CLI_EXIT_FAILED;
        }
    }
  if (error->domain == EL_SYNC_ERROR)
    {
      switch ((ElSyncError) error->code)
        {
          case EL_SYNC_ERROR_OFFLINE:
            return EL_CLI_EXIT_OFFLINE;
          case EL_SYNC_ERROR_NOT_SIGNED_IN:
            return EL_CLI_EXIT_SIGNED_OUT;
          case EL_SYNC_ERROR_STORE:
            return EL_CLI_EXIT_LOCAL;
          default:
            return EL_CLI_EXIT_FAILED;
        }
    }
  if (error->domain == EL_CONTEXT_ERROR)
    {
      switch ((ElContextError) error->code)
        {
          case EL_CONTEXT_ERROR_NOT_SIGNED_IN:
          case EL_CONTEXT_ERROR_NOT_OPEN:
            return EL_CLI_EXIT_SIGNED_OUT;
          case EL_CONTEXT_ERROR_INVALID_ARGUMENT:
            return EL_CLI_EXIT_USAGE;
          case EL_CONTEXT_ERROR_PENDING_CHANGES:
            return EL_CLI_EXIT_FAILED;
          default:
            return EL_CLI_EXIT_LOCAL;
        }
    }
  if (error->domain == EL_STORE_ERROR && error->code == EL_STORE_ERROR_NOT_FOUND)
    return EL_CLI_EXIT_FAILED;
  /* the cache, the keyring, files */
  return EL_CLI_EXIT_LOCAL;
}

/* "WHAT: message" plus a hint for the errors a person can do something about. Service messages
 * carry no PHI and no secret (their headers promise it). */
void
el_cli_fail_error (ElCli *cli, const char *what, const GError *error)
{
  const char *hint = "";
  int code = el_cli_exit_code_for_error (error);

  if (code == EL_CLI_EXIT_SIGNED_OUT)
    hint = " (sign in: eclipselink-cli login EMAIL)";
  else if (g_error_matches (error, EL_STORE_ERROR, EL_STORE_ERROR_CORRUPT))
    hint = " (the cache is damaged: sign out with `logout --force` and sign in again to rebuild it)";
  else if (g_error_matches (error, EL_STORE_ERROR, EL_STORE_ERROR_WRONG_KEY))
    hint = " (the keyring's key does not open this cache: `logout --force`, then sign in again)";
  else if (g_error_matches (error, EL_SECRETS_ERROR, EL_SECRETS_ERROR_UNAVAILABLE))
    hint = " (no unlocked keyring: start or unlock the Secret Service, e.g. gnome-keyring)";
  else if (code == EL_CLI_EXIT_OFFLINE)
    hint = " (the server cannot be reached; local commands keep working)";
  el_cli_fail (cli, code, "%s: %s%s", what, error->message, hint);
}

/* ---- output ---- */

void
el_cli_print_json (ElCli *cli, JsonNode *node)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (gen, node);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

void
el_cli_print (const char *format, ...)
{
  va_list args;

  va_start (args, format);
  vfprintf (stdout, format, args);
  va_end (args);
}

/* ---- cli.ini: the remembered account of each server (no secret in it) ---- */

static GKeyFile *
load_config (ElCli *cli)
{
  GKeyFile *kf = g_key_file_new ();

  /* A missing or unreadable file is "no account remembered". */
  (void) g_key_file_load_from_file (kf, cli->config_path, G_KEY_FILE_NONE, NULL);
  return kf;
}

static gboolean
save_config (ElCli *cli, GKeyFile *kf, GError **error)
{
  if (g_mkdir_with_parents (cli->data_dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot create the data folder");
      return FALSE;
    }
  /* g_key_file_save_to_file () writes a temporary file and renames it: never half a file. The
   * file names the account: readable by its owner only. */
  if (!g_key_file_save_to_file (kf, cli->config_path, error))
    return FALSE;
  (void) g_chmod (cli->config_path, 0600);
  return TRUE;
}

gboolean
el_cli_load_account (ElCli *cli)
{
  g_autoptr (GKeyFile) kf = load_config (cli);

  g_clear_pointer (&cli->account, g_free);
  g_clear_pointer (&cli->user_id, g_free);
  g_clear_pointer (&cli->unit_id, g_free);
  cli->account = g_key_file_get_string (kf, cli->server_url, "account", NULL);
  cli->user_id = g_key_file_get_string (kf, cli->server_url, "user-id", NULL);
  cli->unit_id = g_key_file_get_string (kf, cli->server_url, "unit-id", NULL);
  if (cli->account != NULL && cli->account[0] == '\0')
    g_clear_pointer (&cli->account, g_free);
  return cli->account != NULL;
}

gboolean
el_cli_save_account (ElCli *cli, ElUser *user, GError **error)
{
  g_autoptr (GKeyFile) kf = load_config (cli);
  g_autofree char *account = el_context_canonical_account (el_user_get_email (user));

  (void) g_key_file_remove_group (kf, cli->server_url, NULL);
  g_key_file_set_string (kf, cli->server_url, "account",
                         account != NULL ? account : el_context_get_account (cli->context));
  g_key_file_set_string (kf, cli->server_url, "user-id", el_user_get_id (user));
  if (el_user_get_unit_id (user) != NULL)
    g_key_file_set_string (kf, cli->server_url, "unit-id", el_user_get_unit_id (user));
  return save_config (cli, kf, error);
}

gboolean
el_cli_forget_account (ElCli *cli, GError **error)
{
  g_autoptr (GKeyFile) kf = load_config (cli);

  if (!g_key_file_has_group (kf, cli->server_url))
    return TRUE;
  (void) g_key_file_remove_group (kf, cli->server_url, NULL);
  return save_config (cli, kf, error);
}

gboolean
el_cli_save_last_sync (ElCli *cli, GDateTime *when, GError **error)
{
  g_autoptr (GKeyFile) kf = load_config (cli);
  g_autofree char *text = g_date_time_format_iso8601 (when);

  g_key_file_set_string (kf, cli->server_url, "last-sync", text);
  return save_config (cli, kf, error);
}

char *
el_cli_load_last_sync (ElCli *cli)
{
  g_autoptr (GKeyFile) kf = load_config (cli);

  return g_key_file_get_string (kf, cli->server_url, "last-sync", NULL);
}

/* ---- the context ---- */

gboolean
el_cli_make_context (ElCli *cli)
{
  g_autoptr (GError) error = NULL;

  if (cli->context != NULL)
    return TRUE;
  cli->context = el_context_new (cli->server_url, cli->data_dir, &error);
  if (cli->context == NULL)
    {
      el_cli_fail (cli, EL_CLI_EXIT_USAGE, "%s", error->message);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  ElCli *cli;
  ElCliCommandFunc next;
} OpenData;

static void
opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OpenData *data = user_data;
  ElCli *cli = data->cli;
  ElCliCommandFunc next = data->next;
  g_autoptr (GError) error = NULL;

  g_free (data);
  if (!el_context_open_finish (EL_CONTEXT (source), result, &error))
    {
      el_cli_fail_error (cli, "opening the cache", error);
      return;
    }
  next (cli);
}

void
el_cli_open (ElCli *cli, ElCliCommandFunc next)
{
  OpenData *data;

  if (!el_cli_load_account (cli))
    {
      el_cli_fail (cli, EL_CLI_EXIT_SIGNED_OUT, "not signed in to %s (sign in: eclipselink-cli login EMAIL)",
                   cli->server_url);
      return;
    }
  if (!el_cli_make_context (cli))
    return;
  data = g_new0 (OpenData, 1);
  data->cli = cli;
  data->next = next;
  el_context_open_async (cli->context, cli->account, cli->cancellable, opened_cb, data);
}

/* ---- small helpers ---- */

void
el_cli_wipe_string (char *secret)
{
  if (secret != NULL)
    OPENSSL_cleanse (secret, strlen (secret));
}

#define PASSWORD_MAX 1024

char *
el_cli_read_password (GError **error)
{
  char buf[PASSWORD_MAX + 2];
  struct termios saved, quiet;
  gboolean tty = isatty (STDIN_FILENO) && tcgetattr (STDIN_FILENO, &saved) == 0;
  char *result = NULL;
  gsize len;

  if (tty)
    {
      g_printerr ("Password: ");
      quiet = saved;
      quiet.c_lflag &= ~(tcflag_t) ECHO;
      quiet.c_lflag |= ECHONL;
      (void) tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
    }
  if (fgets (buf, sizeof buf, stdin) != NULL)
    {
      len = strlen (buf);
      if (len > PASSWORD_MAX && buf[len - 1] != '\n')
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the password is too long");
      else
        {
          while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
            buf[--len] = '\0';
          result = g_strdup (buf);
        }
    }
  else
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "no password on standard input");
  if (tty)
    (void) tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
  OPENSSL_cleanse (buf, sizeof buf);
  if (result != NULL && result[0] == '\0')
    {
      g_free (result);
      result = NULL;
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the password is empty");
    }
  return result;
}

#define STDIN_MAX (1024 * 1024)

char *
el_cli_read_stdin (GError **error)
{
  GString *text = g_string_new (NULL);
  char buf[4096];
  size_t n;

  while ((n = fread (buf, 1, sizeof buf, stdin)) > 0)
    {
      g_string_append_len (text, buf, (gssize) n);
      if (text->len > STDIN_MAX)
        {
          g_string_free (text, TRUE);
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "more than 1 MiB on stdin");
          return NULL;
        }
    }
  if (text->len > 0 && text->str[text->len - 1] == '\n')
    g_string_truncate (text, text->len - 1);
  if (memchr (text->str, '\0', text->len) != NULL || !g_utf8_validate (text->str, (gssize) text->len, NULL))
    {
      g_string_free (text, TRUE);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "stdin is not UTF-8 text");
      return NULL;
    }
  return g_string_free (text, FALSE);
}

gboolean
el_cli_is_uuid (const char *text)
{
  return text != NULL && g_uuid_string_is_valid (text);
}
