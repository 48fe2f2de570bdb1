/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "el-db.h"
#include "el-models.h"

G_BEGIN_DECLS

/*
 * The repository: typed reads and writes of every entity on top of ElDb. The HTTP handlers, the
 * job runner and the commands call these functions and never write SQL themselves.
 *
 * Functions take the connection (ElDb, one per thread) and return the core models, decrypted and
 * validated by the models' decoders. Lists are GPtrArrays that own their objects.
 *
 * Writes. Every write function
 * - runs in the caller's transaction when one is open (inside a SAVEPOINT, so a failed write
 *   leaves nothing behind and the caller's transaction stays usable: the caller can still store
 *   its idempotency record and commit), and otherwise in its own IMMEDIATE transaction;
 * - appends the entity's change-feed row (el_db_next_change(), with the unit whose members may
 *   see it) and an audit event (el_audit_append(): actor, action, entity, a detail of ids,
 *   statuses and counts, never PHI) in that same transaction;
 * - gives a handoff it changes a new random etag and updated_at.
 * @actor_id is the signed-in user (NULL for the system: the job runner, a command).
 *
 * Errors. The repository's own are EL_REPO_ERROR (below); errors of the database (EL_DB_ERROR:
 * busy, disk, a sealed value that does not open) and of the models (EL_MODEL_ERROR: a model that
 * does not validate) pass through unchanged. Messages name ids and fields, never values.
 *
 * PHI stays sealed at rest: patients.doc (the Patient JSON), sbar_versions.doc and .changes,
 * handoffs.readback_note, recordings.transcript and .words. Clear columns hold ids, unit, room,
 * bed, acuity, statuses, dates and completeness scores only.
 *
 * Time. Entities get their timestamps from the connection's clock: now, or the time set with
 * el_repo_set_clock() (the demo seed writes past shifts; tests). Audit events and change-feed rows
 * always carry the real time.
 *
 * Shifts. Two twelve-hour shifts: day 07:00-18:59 and night 19:00-06:59 local time; a night
 * belongs to the date it starts on (02:00 on the 26th is the night shift of the 25th). The census
 * shows the status of the current shift's handoff (el_repo_shift_at()).
 */

#define EL_REPO_ERROR (el_repo_error_quark ())

typedef enum
{
  EL_REPO_ERROR_NOT_FOUND,          /* no such entity (or not visible, or no SBAR version yet) */
  EL_REPO_ERROR_CONFLICT_VERSION,   /* base_version / version is not the latest; see @latest_out */
  EL_REPO_ERROR_LOCKED,             /* the handoff is acknowledged or cancelled */
  EL_REPO_ERROR_INVALID_TRANSITION, /* the handoff state machine forbids the status change */
  EL_REPO_ERROR_DUPLICATE,          /* an entity with this id exists with other content */
  EL_REPO_ERROR_CONFLICT,           /* a unique value is taken: unit code, email, MRN */
  EL_REPO_ERROR_STALE,              /* If-Match does not match the handoff's current etag */
  EL_REPO_ERROR_FORBIDDEN,          /* not the nurse the handoff names, the signer acknowledging */
  EL_REPO_ERROR_INVALID,            /* a bad argument: limit, cursor, unknown user, unit mismatch */
} ElRepoError;

/* Page sizes: lists return at most this many items (the contract's maxItems). */
#define EL_REPO_MAX_LIMIT     200
#define EL_REPO_DEFAULT_LIMIT 50

/* Shift boundaries, local time. */
#define EL_REPO_DAY_SHIFT_START_HOUR   7
#define EL_REPO_NIGHT_SHIFT_START_HOUR 19

GQuark el_repo_error_quark (void);

void el_repo_set_clock (ElDb *db, GDateTime *now);
GDateTime *el_repo_get_now (ElDb *db);

void el_repo_shift_at (GDateTime *at, GDate *shift_date, ElShift *shift);
GDateTime *el_repo_shift_start (const GDate *shift_date, ElShift shift, GTimeZone *tz);

gboolean el_repo_user_can_see_unit (ElRole role, const char *user_unit_id, const char *unit_id);
const char *el_repo_user_scope_unit (ElRole role, const char *user_unit_id);

G_END_DECLS

#include "el-repo-changes.h"
#include "el-repo-handoffs.h"
#include "el-repo-patients.h"
#include "el-repo-recordings.h"
#include "el-repo-sbar.h"
#include "el-repo-staff.h"
