/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "el-db.h"
#include "el-models.h"

G_BEGIN_DECLS

/*
 * Units and users (see el-repo.h for the common rules).
 *
 * Units: listed by name; codes are unique whatever their case. Change feed: entity "unit",
 * visible to every unit. Users: emails unique whatever their case (store them lowercased);
 * the password hash is an Argon2id PHC string (el-password.h) and never leaves the repository
 * except through the @password_hash out arguments. Change feed: entity "user", visible to the
 * user's unit (an administrator: to everyone).
 */

GPtrArray *el_repo_units_list (ElDb *db, GError **error);
ElUnit *el_repo_unit_get (ElDb *db, const char *unit_id, GError **error);
ElUnit *el_repo_unit_get_by_code (ElDb *db, const char *code, GError **error);
gboolean el_repo_unit_insert (ElDb *db, ElUnit *unit, const char *actor_id, GError **error);
gint64 el_repo_units_count (ElDb *db, GError **error);
gboolean el_repo_unit_write_json (ElDb *db, const char *unit_id, GString *out, GError **error);

ElUser *
el_repo_user_get (ElDb *db, const char *user_id, char **password_hash, gboolean *disabled, GError **error);
gboolean el_repo_user_get_access (
    ElDb *db, const char *user_id, ElRole *role, char **unit_id, gboolean *disabled, GError **error);
ElUser *el_repo_user_get_by_email (
    ElDb *db, const char *email, char **password_hash, gboolean *disabled, GError **error);
GPtrArray *el_repo_users_list_by_unit (ElDb *db, const char *unit_id, GError **error);
gboolean el_repo_user_write_json (ElDb *db, const char *user_id, GString *out, GError **error);
gboolean
el_repo_user_insert (ElDb *db, ElUser *user, const char *password_hash, const char *actor_id, GError **error);
gboolean el_repo_user_set_password_hash (
    ElDb *db, const char *user_id, const char *password_hash, const char *actor_id, GError **error);
gboolean el_repo_user_set_disabled (
    ElDb *db, const char *user_id, gboolean disabled, const char *actor_id, GError **error);

G_END_DECLS
