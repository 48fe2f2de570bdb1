/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "el-db.h"

G_BEGIN_DECLS

/*
 * Database administration behind the `check`, `backup` and `restore` commands.
 *
 * el_db_check(): PRAGMA integrity_check, PRAGMA foreign_key_check, the audit chain, and, when the
 * database was opened with a vault, every sealed value (each must open where it is).
 *
 * el_db_backup(): the SQLite online backup API, a few pages per step, from one read snapshot of
 * the source (WAL: a server keeps writing meanwhile and the copy is the state at the start). The
 * copy is written next to FILE, switched to a rollback journal (one self-contained file), checked
 * with el_db_check(), flushed, and only then renamed to FILE.
 *
 * el_db_restore(): takes the server lock exclusively (so no server runs or starts), copies FILE
 * next to the database, migrates and checks the copy (integrity, foreign keys, audit chain, and
 * sealed values and the key check when a vault is given) BEFORE touching the live database; then
 * switches the live database out of WAL mode (which fails while any other connection has it open,
 * a server that does not take the lock included), keeps it as "<db>.before-restore-<UTC time>"
 * (a hard link), renames the copy over it (atomic), and checks the result again.
 */

typedef struct
{
  char *integrity;               /* "ok", or the first problem integrity_check reported */
  gint64 foreign_key_violations; /* rows whose parent is missing */
  char *foreign_key_first;       /* "<table> row <rowid> refers to a missing <parent> row" */
  gint64 audit_events;           /* events that verified */
  gint64 audit_first_bad_id;     /* 0 when the whole chain verifies */
  char *audit_problem;           /* NULL when the chain verifies */
  gint64 sealed_values;          /* values that opened; -1 when not checked (no key) */
  char *sealed_first_bad;        /* "<table>.<column> of row <id>", NULL when all opened */
} ElDbCheckReport;

ElDbCheckReport *el_db_check (ElDb *db, GError **error);
gboolean el_db_check_report_ok (const ElDbCheckReport *report);
char *el_db_check_report_problem (const ElDbCheckReport *report);
void el_db_check_report_free (ElDbCheckReport *report);

gboolean
el_db_backup (ElDb *db, const char *dest_path, gboolean overwrite, ElDbCheckReport **report, GError **error);
gboolean el_db_restore (const char *db_path,
                        const char *backup_path,
                        ElVault *vault,
                        char **previous_path,
                        ElDbCheckReport **report,
                        GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElDbCheckReport, el_db_check_report_free)

G_END_DECLS
