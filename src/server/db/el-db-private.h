/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "el-db.h"

G_BEGIN_DECLS

/* One migration: the SQL that takes the schema from version - 1 to version (el-db-schema.c). */
typedef struct
{
  int version;
  const char *sql;
} ElDbMigration;

const ElDbMigration *el_db_get_migrations (guint *n_migrations);

/* Sealed columns that `check` opens with the key: "<table>", the SQL of the row id, "<column>". */
typedef struct
{
  const char *table;
  const char *row_id_sql;
  const char *column;
} ElDbSealedColumn;

const ElDbSealedColumn *el_db_get_sealed_columns (guint *n_columns);

/* For connections that are not an ElDb (copies being made or replaced). */
gboolean el_db_set_sqlite_error (sqlite3 *handle, int rc, const char *context, GError **error);
gboolean el_db_exec_raw (sqlite3 *handle, const char *sql, GError **error);

G_END_DECLS
