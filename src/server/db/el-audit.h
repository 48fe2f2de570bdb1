/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "el-db.h"

G_BEGIN_DECLS

/*
 * ElAudit: the append-only, hash-chained audit log (table audit_events).
 *
 * Each row stores prev_hash (the hash of the row before it; 32 zero bytes for the first row) and
 * hash = SHA-256 (prev_hash || canonical content), where the canonical content is, for each of
 * id (decimal), at, actor_id, action, entity_type, entity_id and detail in that order, a 4-byte
 * big-endian length followed by the UTF-8 bytes (0xFFFFFFFF and nothing for NULL). Ids count up
 * from 1 without gaps (AUTOINCREMENT, and triggers RAISE(ABORT) on every UPDATE and DELETE).
 *
 * el_audit_append() must run inside the caller's write transaction (el_db_begin_immediate() or
 * an ElDbTransaction), so the event is committed with its effect or not at all, and the write
 * lock orders the chain. @detail_json is a JSON object (or %NULL for {}) that never holds PHI,
 * tokens or passwords: ids, roles, statuses, field names, counts.
 *
 * el_audit_verify() walks the whole chain and returns FALSE with %EL_AUDIT_ERROR_BROKEN and the
 * id of the first row that does not verify (an edited row, the row after a deleted one, or the id
 * after the last row when rows were cut off the end), or with an EL_DB_ERROR.
 */

#define EL_AUDIT_HASH_BYTES 32

#define EL_AUDIT_ERROR (el_audit_error_quark ())

typedef enum
{
  EL_AUDIT_ERROR_BROKEN,  /* the chain does not verify */
  EL_AUDIT_ERROR_INVALID, /* a bad argument: detail is not a JSON object, an empty action, ... */
} ElAuditError;

GQuark el_audit_error_quark (void);

gint64 el_audit_append (ElDb *db,
                        const char *actor_id,
                        const char *action,
                        const char *entity_type,
                        const char *entity_id,
                        const char *detail_json,
                        GError **error);
gboolean el_audit_verify (ElDb *db, gint64 *first_bad_id, GError **error);
gboolean el_audit_verify_full (ElDb *db, gint64 *first_bad_id, gint64 *n_events, GError **error);

G_END_DECLS
