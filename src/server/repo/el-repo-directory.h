/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "el-db.h"

G_BEGIN_DECLS

/* The change feed's per-connection cache of unit and user JSON (el-repo-directory.c). */
typedef enum
{
  EL_REPO_DIRECTORY_UNIT,
  EL_REPO_DIRECTORY_USER,
  EL_REPO_DIRECTORY_N_KINDS
} ElRepoDirectoryKind;

typedef struct _ElRepoDirectory ElRepoDirectory;

ElRepoDirectory *el_repo_directory_begin (ElDb *db, GError **error);
gboolean el_repo_directory_write_json (
    ElRepoDirectory *dir, ElDb *db, ElRepoDirectoryKind kind, const char *id, GString *out, GError **error);
guint el_repo_directory_size (ElDb *db, ElRepoDirectoryKind kind);

G_END_DECLS
