/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "el-context.h"

G_BEGIN_DECLS

/*
 * eclipselink-cli's runtime, shared by main.c and the commands (el-cli-commands.c).
 *
 * A command is a chain of async calls on the services of an ElContext, running in the GMainLoop of
 * main(); it ends with el_cli_done() (output written) or el_cli_fail() (one line on stderr and, with
 * --json, an error document on stdout), which close the context and quit the loop. Exit codes are
 * the ElCliExit values (see main.c and `eclipselink-cli --help`).
 */

typedef enum
{
  EL_CLI_EXIT_OK = 0,
  EL_CLI_EXIT_FAILED = 1,     /* the operation failed: the server said no, a conflict, a smoke check */
  EL_CLI_EXIT_USAGE = 2,      /* bad command line */
  EL_CLI_EXIT_SIGNED_OUT = 3, /* not signed in (or the server ended the session) */
  EL_CLI_EXIT_OFFLINE = 4,    /* the server could not be reached */
  EL_CLI_EXIT_LOCAL = 5,      /* a local data problem: the cache, the keyring, a file */
} ElCliExit;

typedef struct ElCli ElCli;

typedef void (*ElCliCommandFunc) (ElCli *cli);

struct ElCli
{
  GMainLoop *loop;
  int exit_code;
  gboolean json;
  char *server_url;
  char *data_dir;
  char *config_path; /* DATA_DIR/cli.ini */

  /* the command line after the command name */
  char *command;
  char **args;         /* positional arguments */
  GHashTable *options; /* option name ("unit", "force"...) -> value ("" for a flag) */

  ElContext *context;
  GCancellable *cancellable;
  ElStore *closed_store; /* see main(): released last, on the main thread */

  /* from cli.ini (group = server URL) once el_cli_open_async() ran */
  char *account;
  char *user_id;
  char *unit_id;
};

/* main.c */
const char *el_cli_option (ElCli *cli, const char *name); /* NULL when not given */
gboolean el_cli_flag (ElCli *cli, const char *name);

/* el-cli.c */
void el_cli_done (ElCli *cli);
void el_cli_fail (ElCli *cli, int exit_code, const char *format, ...) G_GNUC_PRINTF (3, 4);
void el_cli_fail_error (ElCli *cli, const char *what, const GError *error);
int el_cli_exit_code_for_error (const GError *error);

void el_cli_print_json (ElCli *cli, JsonNode *node);
void el_cli_print (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* The remembered account of cli->server_url (cli.ini); FALSE when none. */
gboolean el_cli_load_account (ElCli *cli);
gboolean el_cli_save_account (ElCli *cli, ElUser *user, GError **error);
gboolean el_cli_forget_account (ElCli *cli, GError **error);
gboolean el_cli_save_last_sync (ElCli *cli, GDateTime *when, GError **error);
char *el_cli_load_last_sync (ElCli *cli);

/* Makes cli->context (no account open). FALSE: failed (el_cli_fail() was called). */
gboolean el_cli_make_context (ElCli *cli);

/* Opens the remembered account's cache, offline; on failure calls el_cli_fail() and never the
 * callback; then @next runs. */
void el_cli_open (ElCli *cli, ElCliCommandFunc next);

/* Reads the password: from the terminal without echo, or the first line of stdin. NULL: none. */
char *el_cli_read_password (GError **error);
void el_cli_wipe_string (char *secret);
/* All of stdin as UTF-8 text, one trailing newline dropped (at most 1 MiB). */
char *el_cli_read_stdin (GError **error);

gboolean el_cli_is_uuid (const char *text);

/* el-cli-commands.c */
typedef struct
{
  const char *name;
  const char *usage;          /* after the command name */
  const char *summary;        /* one line */
  const char *const *options; /* the options it takes ("unit=", "force": '=' means a value) */
  guint min_args;
  guint max_args;
  ElCliCommandFunc run;
} ElCliCommand;

const ElCliCommand *el_cli_commands (guint *n_commands);

G_END_DECLS
