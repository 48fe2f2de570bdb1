/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Database administration: migrate, check, backup FILE, restore FILE. */
#include "config.h"

#include <gio/gio.h>
#include <openssl/crypto.h>

#include "el-cmd-db.h"
#include "el-commands.h"
#include "el-db-admin.h"
#include "el-db.h"
#include "el-server-config.h"

/* Parses the command's options; FALSE with @status set on a usage error or --help. */
static gboolean
parse_options (int *argc,
               char ***argv,
               const char *parameters,
               const char *summary,
               const GOptionEntry *entries,
               int n_args,
               int *status)
{
  g_autoptr (GOptionContext) context = g_option_context_new (parameters);
  g_autoptr (GError) error = NULL;

  g_option_context_set_summary (context, summary);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *status = el_command_fail (EL_EXIT_USAGE, "%s: %s", (*argv)[0], error->message);
      return FALSE;
    }
  if (*argc != n_args + 1)
    {
      *status = n_args == 0 ? el_command_fail (EL_EXIT_USAGE, "%s takes no arguments", (*argv)[0])
                            : el_command_fail (EL_EXIT_USAGE, "usage: eclipselink-server %s %s", (*argv)[0],
                                               parameters);
      return FALSE;
    }
  return TRUE;
}

/* The configuration; with ENCRYPTION_KEY set (optional for these commands), also the vault. */
static ElServerConfig *
load_config (gboolean want_key, ElVault **vault, int *status)
{
  g_auto (GStrv) env = g_get_environ ();
  g_autoptr (GError) error = NULL;
  const char *key = g_environ_getenv (env, "ENCRYPTION_KEY");
  ElServerConfigFlags flags = EL_SERVER_CONFIG_DATABASE;
  ElServerConfig *config;

  if (want_key && key != NULL && *key != '\0')
    flags |= EL_SERVER_CONFIG_KEY;
  config = el_server_config_new_from_environ ((const char *const *) env, flags, &error);
  if (config == NULL)
    {
      *status = el_command_fail (EL_EXIT_USAGE, "%s", error->message);
      return NULL;
    }
  if (vault != NULL)
    *vault = config->has_encryption_key ? el_vault_new (config->encryption_key) : NULL;
  return config;
}

static void
print_report (const ElDbCheckReport *report)
{
  g_print ("integrity: %s\n", report->integrity);
  if (g_strcmp0 (report->integrity, "ok") != 0)
    return;
  if (report->foreign_key_violations == 0)
    g_print ("foreign keys: ok\n");
  else
    g_print ("foreign keys: %" G_GINT64_FORMAT " violations (first: %s)\n", report->foreign_key_violations,
             report->foreign_key_first);
  if (report->audit_problem == NULL)
    g_print ("audit chain: ok (%" G_GINT64_FORMAT " events)\n", report->audit_events);
  else
    g_print ("audit chain: BROKEN at event %" G_GINT64_FORMAT "\n", report->audit_first_bad_id);
  if (report->sealed_values < 0)
    g_print ("sealed values: not checked (ENCRYPTION_KEY not set)\n");
  else if (report->sealed_first_bad == NULL)
    g_print ("sealed values: ok (%" G_GINT64_FORMAT " values)\n", report->sealed_values);
  else
    g_print ("sealed values: %s does not open\n", report->sealed_first_bad);
}

int
el_cmd_migrate (int argc, char **argv)
{
  g_autoptr (ElServerConfig) config = NULL;
  g_autoptr (ElDbLock) lock = NULL;
  g_autoptr (ElDb) db = NULL;
  g_autoptr (GError) error = NULL;
  int status = EL_EXIT_OK;
  int version;

  if (!parse_options (&argc, &argv, "", "Creates the database at DATABASE_URL or applies pending migrations.",
                      NULL, 0, &status))
    return status;
  if ((config = load_config (FALSE, NULL, &status)) == NULL)
    return status;

  version = el_db_read_schema_version (config->database_path, &error);
  if (version < 0)
    return el_command_fail (EL_EXIT_FAILURE, "%s", error->message);
  if (version < EL_DB_SCHEMA_VERSION)
    {
      /* Changing the schema under a running server would pull the floor from under it. */
      lock = el_db_lock_acquire (config->database_path, EL_DB_LOCK_EXCLUSIVE, &error);
      if (lock == NULL)
        return el_command_fail (EL_EXIT_FAILURE, "cannot migrate now: %s", error->message);
    }
  db = el_db_open_full (config->database_path, NULL, EL_DB_OPEN_MIGRATE, &error);
  if (db == NULL)
    return el_command_fail (EL_EXIT_FAILURE, "%s", error->message);

  if (version < EL_DB_SCHEMA_VERSION)
    g_print ("migrated %s from schema version %d to %d\n", config->database_path, version,
             EL_DB_SCHEMA_VERSION);
  else
    g_print ("%s is at schema version %d (up to date)\n", config->database_path, EL_DB_SCHEMA_VERSION);
  return EL_EXIT_OK;
}

int
el_cmd_check (int argc, char **argv)
{
  g_autoptr (ElServerConfig) config = NULL;
  g_autoptr (ElVault) vault = NULL;
  g_autoptr (ElDb) db = NULL;
  g_autoptr (ElDbCheckReport) report = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *problem = NULL;
  int status = EL_EXIT_OK;

  if (!parse_options (
          &argc, &argv, "",
          "Checks the database: integrity, foreign keys, the audit chain, and with ENCRYPTION_KEY "
          "set every sealed value.\nExit status 0 when all pass, 1 otherwise.",
          NULL, 0, &status))
    return status;
  if ((config = load_config (TRUE, &vault, &status)) == NULL)
    return status;

  db = el_db_open (config->database_path, vault, &error);
  if (db == NULL)
    return el_command_fail (EL_EXIT_FAILURE, "check failed: %s", error->message);
  report = el_db_check (db, &error);
  if (report == NULL)
    return el_command_fail (EL_EXIT_FAILURE, "check failed: %s", error->message);
  print_report (report);
  problem = el_db_check_report_problem (report);
  if (problem != NULL)
    return el_command_fail (EL_EXIT_FAILURE, "check failed: %s", problem);
  return EL_EXIT_OK;
}

int
el_cmd_backup (int argc, char **argv)
{
  gboolean force = FALSE;
  const GOptionEntry entries[] = {
    { "force", 'f', 0, G_OPTION_ARG_NONE, &force, "Replace FILE if it exists", NULL },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr (ElServerConfig) config = NULL;
  g_autoptr (ElDb) db = NULL;
  g_autoptr (ElDbCheckReport) report = NULL;
  g_autoptr (GError) error = NULL;
  int status = EL_EXIT_OK;

  if (!parse_options (&argc, &argv, "FILE",
                      "Copies the database to FILE with SQLite's online backup, safe while a server is "
                      "writing, then checks the copy.",
                      entries, 1, &status))
    return status;
  if ((config = load_config (FALSE, NULL, &status)) == NULL)
    return status;

  db = el_db_open (config->database_path, NULL, &error);
  if (db == NULL)
    return el_command_fail (EL_EXIT_FAILURE, "backup failed: %s", error->message);
  if (!el_db_backup (db, argv[1], force, &report, &error))
    return el_command_fail (EL_EXIT_FAILURE, "backup failed: %s", error->message);
  g_print ("backed up %s to %s\n", config->database_path, argv[1]);
  print_report (report);
  return EL_EXIT_OK;
}

int
el_cmd_restore (int argc, char **argv)
{
  g_autoptr (ElServerConfig) config = NULL;
  g_autoptr (ElVault) vault = NULL;
  g_autoptr (ElDbCheckReport) report = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *previous = NULL;
  int status = EL_EXIT_OK;

  if (!parse_options (&argc, &argv, "FILE",
                      "Replaces the database with FILE (made by `backup`). Refuses while a server uses the "
                      "database; checks FILE before and the database after.",
                      NULL, 1, &status))
    return status;
  if ((config = load_config (TRUE, &vault, &status)) == NULL)
    return status;

  if (!el_db_restore (config->database_path, argv[1], vault, &previous, &report, &error))
    return el_command_fail (EL_EXIT_FAILURE, "restore refused: %s", error->message);
  g_print ("restored %s from %s\n", config->database_path, argv[1]);
  if (previous != NULL)
    g_print ("the replaced database is kept as %s\n", previous);
  print_report (report);
  return EL_EXIT_OK;
}
