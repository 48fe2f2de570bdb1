/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "el-vault.h"
#include "el-handoff.h"
#include "el-patient.h"
#include "el-recording.h"
#include "el-sbar-version.h"
#include "el-unit.h"
#include "el-user.h"

G_BEGIN_DECLS

/*
 * ElStore: the app's encrypted offline cache of what the server sent (units, users, patients,
 * handoffs, every SBAR version, recording metadata), the outbox of local changes waiting to be
 * pushed, the conflicts waiting for a nurse, and the sync cursor of GET /api/v1/changes.
 *
 * Files and durability
 * - One SQLite file per signed-in user; el_store_path_for_account() names it from a hash of the
 *   server URL and the account (no e-mail address in the name). The file, its -wal and -shm are
 *   mode 0600 whatever the umask (created 0600, chmod()ed after open); the parent folder is
 *   created 0700 if missing.
 * - PRAGMAs at open: journal_mode=WAL, synchronous=FULL, secure_delete=ON, foreign_keys=ON,
 *   busy_timeout=5000. Every write is one transaction: when a `_finish` says a save succeeded, the
 *   change is on disk and survives a crash or power loss.
 * - Schema migrations by `PRAGMA user_version`, each in one transaction. A file newer than this build
 *   fails with %EL_STORE_ERROR_TOO_NEW.
 * - `PRAGMA quick_check` runs at every open; a damaged file fails with %EL_STORE_ERROR_CORRUPT.
 *   Recovery path: el_store_recover_async() renames the damaged file (and its -wal/-shm) to
 *   `<path>.corrupt-<UTC timestamp>` (`...-wal`, `...-shm` beside it, so SQLite can still open the
 *   pair for forensics) and creates a fresh, empty cache; a full pull rebuilds it. Outbox ops in the
 *   damaged file are NOT replayed (their payloads may be damaged too): their number is reported as
 *   `lost_ops` when it can still be read (-1 when it cannot), so the UI can tell the nurse that
 *   changes made offline must be checked and re-entered. The renamed files stay on disk, sealed.
 * - A wrong key (another account's, or an old key after a rekey) fails the open with
 *   %EL_STORE_ERROR_WRONG_KEY (a sealed check value in table `meta` does not open).
 *
 * Threads: every SQL statement runs on one worker thread owned by the store, fed through a queue;
 * each call is an `_async/_finish` pair whose callback runs in the thread-default main context of
 * the caller, in the order the calls were made (calls on one store are serialized). Nothing blocks
 * the caller. A cancelled call that has not started yet returns %G_IO_ERROR_CANCELLED; once started,
 * a write completes (it is one transaction: all or nothing). The store can be dropped at any time;
 * calls already queued still run (each holds a reference) and the worker closes the database after
 * the last one. el_store_close_async() closes it explicitly (checkpointing the WAL); later calls fail
 * with %EL_STORE_ERROR_CLOSED.
 *
 * Encryption: the store derives its own vault, el_vault_new_derived (vault, "store-phi"), from the
 * vault it is given (the data key from the keyring). Every entity is stored as its canonical JSON
 * document (the models' encoders) sealed in a `doc` column with associated data
 * "<table>|<row id>|<column>|1", so a sealed value copied to another row fails to open
 * (%EL_STORE_ERROR_SEALED). Clear columns hold only what identifies no patient, as the server does
 * (src/server/db/el-db-schema.c): ids, unit ids, room, bed, acuity, statuses, shift and dates,
 * version numbers, ETags, completeness scores, timestamps. Sealed: every entity document (patient
 * identity, MRN, DOB, allergies, diagnosis; SBAR sections and fields; transcripts; handoff read-back
 * notes; user names and e-mails), outbox payloads, conflict copies and deferred server rows.
 * Reads decode documents with the models' strict decoders. Nothing here logs PHI; GError messages
 * name tables, ids and SQLite's message, never a value.
 *
 * The outbox: a local change is written together with its outbox op in ONE transaction
 * (el_store_save_sbar_draft_async(), el_store_create_handoff_async(), el_store_patch_handoff_async(),
 * el_store_enqueue_async() for other kinds), so "saved" means "will be pushed". Each op has an
 * op id (a UUID: send it as `Idempotency-Key`), a `seq` (global order: push ops of one resource in
 * seq order), a kind (ElStoreOp.kind, `sbar.create`, `handoff.create`, `handoff.patch`,
 * `handoff.sign`, `handoff.acknowledge`, `recording.upload`, ...), the resource it changes
 * (resource_type "handoff" + the handoff id for every kind above), the payload to send (the request
 * body; plaintext in ElStoreOp, sealed on disk), base_version / etag, `digest` (lowercase hex
 * SHA-256 of the payload bytes), attempts, next_attempt_at, last_error and a state:
 *
 *   pending --op_begin--> in_flight --op_done--> (deleted; the server's entity applied)
 *      ^                      |  \--op_failed (network, 5xx)--> pending (next_attempt_at)
 *      |                      |---op_needs_attention (4xx)--> needs_attention --op_retry--> pending
 *      |                      |                                           \--op_discard--> (deleted)
 *      |                      \---mark_conflict (409 on sbar.create)--> conflict (see below)
 *   (an in_flight op found at open, after a crash, is still listed by el_store_list_ops_async() with
 *    EL_STORE_OP_FILTER_PUSHABLE: push it again with the same Idempotency-Key)
 *
 * Rows with pending local changes: while a handoff has an op in state pending, in_flight or
 * needs_attention, pulled upserts and tombstones of that handoff row never overwrite it. The server's
 * state is kept aside instead (table `deferred`, sealed: the newest server document, or a deletion);
 * when the handoff's last active op ends (done, discarded, conflict), the deferred state is applied
 * — so the cursor can move on and nothing pulled is lost. op_done's entity goes the same way if
 * other ops on the handoff are still active. SBAR versions are immutable and keyed by the server's
 * id, so pulled versions are always stored; a local pending version has its own local id, is marked
 * `pending` and is shown as the latest until its op is done (then replaced by the server's copy).
 *
 * Conflicts: el_store_mark_conflict_async() on a rejected `sbar.create` (409 version_conflict) keeps
 * base (the version the nurse edited, if cached), theirs (the server's latest, from the problem's
 * `latest`) and mine (the local draft), removes the local pending version, stores theirs as a server
 * version, and leaves the op in state `conflict` (not pushed). el_store_resolve_conflict_async():
 * KEEP_MINE queues a new `sbar.create` rebased on theirs (base_version = theirs' number; optionally
 * with merged content) and returns its op id; TAKE_THEIRS drops mine.
 *
 * Saves held behind a conflict: the `sbar.create` ops of the same handoff queued after the one that
 * went to conflict were made on top of the refused version (the first one's base_version is the
 * refused local number, which is theirs' number too: pushed as-is, the server would accept it on
 * top of theirs, silently overwriting the other nurse's version). So mark_conflict moves every later
 * active (pending, in_flight, needs_attention) `sbar.create` of that handoff to state `conflict`
 * too, and a save made while the handoff has a conflict (el_store_save_sbar_draft_async(), or
 * el_store_enqueue_async() of an `sbar.create`) is stored in state `conflict` at once — even one
 * whose base is theirs, since an editor opened before the conflict was recorded gives the same
 * number. These held ops have no conflict of their own: el_store_list_conflicts_async() lists one
 * conflict per refused op (ElStoreCounts.conflicts counts those), whose `mine` is the NEWEST held
 * draft (what the nurse last saved); EL_STORE_OP_FILTER_CONFLICT lists both; they are never
 * pushable, op_begin refuses them (%EL_STORE_ERROR_STATE) and resolving one of them is
 * %EL_STORE_ERROR_NOT_FOUND. Their pending versions stay visible (the newest is shown as latest).
 * On resolution, KEEP_MINE folds them: the held ops and their pending versions are deleted and ONE
 * new `sbar.create` on top of theirs carries the newest draft (or @merged); the intermediate drafts
 * are superseded. TAKE_THEIRS, and el_store_op_discard_async() of the conflicted op, delete them
 * all. Discarding a held op deletes only that one (`mine` becomes the next newest).
 *
 * ETags of queued ops: a `handoff.patch` or `handoff.acknowledge` queued behind another op on the
 * same handoff carries the etag of the state it was made from. When el_store_op_done_async() stores
 * the server's answer (a Handoff with its new etag) to a handoff op that carried an etag, the later
 * queued (pending or needs_attention) `handoff.patch` / `handoff.acknowledge` ops of that handoff
 * whose etag EQUALS that op's etag get the new etag: they were made from the same server state,
 * plus local changes the server has now applied — and the server checked that If-Match, so
 * nothing else came in between. An op whose etag is older (or different) is left alone, so the
 * server's 412 still catches a real conflict. The same for the ops queued behind a
 * `handoff.create` (no etag: they were made from the local-only handoff). An op done without an
 * etag (`handoff.sign`, ...) says nothing about what came in between: later ops keep theirs. The
 * cached row, which still shows the pending local changes when other ops are active, gets the new
 * etag too when its etag was the done op's, so a patch queued afterwards with @etag %NULL takes it.
 *
 * Sync cursor: el_store_apply_changes_page_async() applies one ChangeFeed page and stores its
 * next_cursor in the same transaction; a page with any invalid item changes nothing.
 *
 * Retention: el_store_purge_async() deletes handoffs (with their SBAR versions and recordings) last
 * updated more than N days ago, except any handoff with an op in any state. Patients are not aged
 * out (a patient still on the census must stay visible offline); they leave with the server's
 * tombstones (discharge, transfer).
 *
 * Key rotation: el_store_rekey_async() re-seals every sealed column under a new vault in one
 * transaction; afterwards the old key fails with %EL_STORE_ERROR_WRONG_KEY.
 *
 * Signal ::outbox-changed (no arguments; detailed): emitted on the store after a call that added,
 * removed or changed the state of outbox ops has completed successfully — in the thread-default
 * main context of the caller of that call, right after its callback has run (also when it was
 * given no callback). Details: "added" (el_store_save_sbar_draft_async(),
 * el_store_create_handoff_async(), el_store_patch_handoff_async(), el_store_enqueue_async(),
 * el_store_resolve_conflict_async() with KEEP_MINE), "state" (op_begin, op_failed,
 * op_needs_attention, op_retry, mark_conflict), "removed" (op_done, op_discard,
 * el_store_resolve_conflict_async() with TAKE_THEIRS). Connect to "outbox-changed" for all, to
 * "outbox-changed::added" for new local changes only. ElSync's own pushes emit it too ("state",
 * "removed"). Not emitted by failed calls, reads, pulled pages, purge, backup or rekey.
 */

#define EL_STORE_ERROR (el_store_error_quark ())

/**
 * ElStoreError:
 * @EL_STORE_ERROR_FAILED: SQLite failed (message: SQLite's, without values), or the disk is full
 * @EL_STORE_ERROR_CORRUPT: the file is damaged (quick_check failed, SQLITE_CORRUPT/NOTADB): recover
 * @EL_STORE_ERROR_WRONG_KEY: the vault is not the one this cache was written with
 * @EL_STORE_ERROR_TOO_NEW: the file's schema is newer than this build
 * @EL_STORE_ERROR_BUSY: another process holds the file locked past busy_timeout
 * @EL_STORE_ERROR_IO: a file could not be created, renamed or chmod()ed
 * @EL_STORE_ERROR_CLOSED: the store was closed
 * @EL_STORE_ERROR_NOT_FOUND: no such row or op
 * @EL_STORE_ERROR_SEALED: a sealed value does not open (moved to another row, tampered)
 * @EL_STORE_ERROR_INVALID: bad input: a document the models' decoder rejects, a bad page, a bad
 *   argument (the message names the member, never its value)
 * @EL_STORE_ERROR_STATE: the op is not in a state that allows this transition
 */
typedef enum
{
  EL_STORE_ERROR_FAILED,
  EL_STORE_ERROR_CORRUPT,
  EL_STORE_ERROR_WRONG_KEY,
  EL_STORE_ERROR_TOO_NEW,
  EL_STORE_ERROR_BUSY,
  EL_STORE_ERROR_IO,
  EL_STORE_ERROR_CLOSED,
  EL_STORE_ERROR_NOT_FOUND,
  EL_STORE_ERROR_SEALED,
  EL_STORE_ERROR_INVALID,
  EL_STORE_ERROR_STATE,
} ElStoreError;

GQuark el_store_error_quark (void);

/* The schema version this build writes (PRAGMA user_version). */
#define EL_STORE_SCHEMA_VERSION 1

/* The label of the store's vault: el_vault_new_derived (data_key_vault, EL_STORE_VAULT_LABEL). */
#define EL_STORE_VAULT_LABEL "store-phi"

/* Op kinds used by the store's own helpers (ElStoreOp.kind is a free string for el_store_enqueue_async). */
#define EL_STORE_OP_SBAR_CREATE         "sbar.create"
#define EL_STORE_OP_HANDOFF_CREATE      "handoff.create"
#define EL_STORE_OP_HANDOFF_PATCH       "handoff.patch"
#define EL_STORE_OP_HANDOFF_SIGN        "handoff.sign"
#define EL_STORE_OP_HANDOFF_ACKNOWLEDGE "handoff.acknowledge"
#define EL_STORE_OP_RECORDING_UPLOAD    "recording.upload"

/**
 * ElStoreOpState:
 * @EL_STORE_OP_PENDING: waiting to be pushed (maybe not before next_attempt_at)
 * @EL_STORE_OP_IN_FLIGHT: being pushed (after a crash: push again with the same op id)
 * @EL_STORE_OP_NEEDS_ATTENTION: the server rejected it (4xx); a person must retry or discard it
 * @EL_STORE_OP_CONFLICT: an SBAR save hit a newer version; see el_store_list_conflicts_async(). Also
 *   the later SBAR saves of that handoff, held behind it until it is resolved ("Saves held behind a
 *   conflict" above)
 */
typedef enum
{
  EL_STORE_OP_PENDING,
  EL_STORE_OP_IN_FLIGHT,
  EL_STORE_OP_NEEDS_ATTENTION,
  EL_STORE_OP_CONFLICT,
} ElStoreOpState;

const char *el_store_op_state_to_string (ElStoreOpState state);

/**
 * ElStoreOpFilter:
 * @EL_STORE_OP_FILTER_PUSHABLE: pending and in_flight ops (what a push sends), in seq order
 * @EL_STORE_OP_FILTER_NEEDS_ATTENTION: ops in state needs_attention, in seq order
 * @EL_STORE_OP_FILTER_CONFLICT: ops in state conflict (refused saves and the saves held behind them)
 * @EL_STORE_OP_FILTER_ALL: every op
 */
typedef enum
{
  EL_STORE_OP_FILTER_PUSHABLE,
  EL_STORE_OP_FILTER_NEEDS_ATTENTION,
  EL_STORE_OP_FILTER_CONFLICT,
  EL_STORE_OP_FILTER_ALL,
} ElStoreOpFilter;

/**
 * ElStoreOp: one outbox op (a copy; changing it changes nothing in the store).
 * @op_id: UUID; send as `Idempotency-Key`
 * @seq: global order of creation (push one resource's ops in this order)
 * @kind: e.g. "sbar.create"
 * @resource_type: "handoff" for every kind the store's helpers write
 * @resource_id: the id of that resource
 * @payload: (nullable): the request body, plaintext (PHI: never log it)
 * @base_version: the SBAR version the edit started from (sbar.create), -1 when not used
 * @etag: (nullable): the ETag for If-Match (handoff.patch), without quotes
 * @digest: lowercase hex SHA-256 of @payload (empty payload: of no bytes)
 * @state: see #ElStoreOpState
 * @attempts: how many times el_store_op_begin_async() marked it in flight
 * @next_attempt_at: unix time in microseconds before which it should not be pushed again (0: now)
 * @last_error: (nullable): the last failure, as given to the store (must contain no PHI)
 * @http_status: the last HTTP status given with a failure, 0 when none
 * @local_id: (nullable): the local row the op created (the pending SBAR version's local id)
 * @created_at: unix time in microseconds
 */
typedef struct
{
  char *op_id;
  gint64 seq;
  char *kind;
  char *resource_type;
  char *resource_id;
  GBytes *payload;
  int base_version;
  char *etag;
  char *digest;
  ElStoreOpState state;
  guint attempts;
  gint64 next_attempt_at;
  char *last_error;
  guint http_status;
  char *local_id;
  gint64 created_at;
} ElStoreOp;

#define EL_TYPE_STORE_OP (el_store_op_get_type ())
GType el_store_op_get_type (void) G_GNUC_CONST;
ElStoreOp *el_store_op_copy (const ElStoreOp *op);
void el_store_op_free (ElStoreOp *op);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElStoreOp, el_store_op_free)

/**
 * ElStoreSbar: an SBAR version as the UI shows it.
 * @version: the version (a local pending one has a local id and number base_version + 1)
 * @pending: %TRUE when it is a local save not yet accepted by the server
 * @op_id: (nullable): the op that pushes it, when @pending
 * @is_latest: %TRUE for the version shown as current (the newest pending one, else the server's latest)
 */
typedef struct
{
  ElSbarVersion *version;
  gboolean pending;
  char *op_id;
  gboolean is_latest;
} ElStoreSbar;

#define EL_TYPE_STORE_SBAR (el_store_sbar_get_type ())
GType el_store_sbar_get_type (void) G_GNUC_CONST;
ElStoreSbar *el_store_sbar_copy (const ElStoreSbar *sbar);
void el_store_sbar_free (ElStoreSbar *sbar);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElStoreSbar, el_store_sbar_free)

/**
 * ElStoreCensusEntry: one census row.
 * @patient: the patient. Read-only: the store keeps decoded census patients and hands out the same
 *   object again while the row is unchanged (to edit one, decode a copy: el_patient_to_json() then
 *   el_patient_new_from_json(), or el_store_get_patient_async())
 * @handoff: (nullable): a summary of the patient's most recent handoff (by created_at) built from the
 *   clear columns: id, patient_id, unit_id, status, shift_date, shift, latest_version, etag,
 *   created_at, updated_at; when its status is signed also outgoing_nurse_id, receiving_nurse_id,
 *   signed_by and signed_at (who must acknowledge it). Otherwise no nurses, signatures or read-back
 *   note: el_store_get_handoff_async(). %NULL when none is cached
 * @sbar_version: the number of the handoff's latest SBAR version shown locally (pending included), 0: none
 * @sbar_pending: %TRUE when that version is a local pending save
 * @completeness: its completeness score 0..100, -1 when unknown
 * @has_pending_ops: %TRUE when the handoff has an op pending, in flight or needing attention
 */
typedef struct
{
  ElPatient *patient;
  ElHandoff *handoff;
  int sbar_version;
  gboolean sbar_pending;
  double completeness;
  gboolean has_pending_ops;
} ElStoreCensusEntry;

#define EL_TYPE_STORE_CENSUS_ENTRY (el_store_census_entry_get_type ())
GType el_store_census_entry_get_type (void) G_GNUC_CONST;
ElStoreCensusEntry *el_store_census_entry_copy (const ElStoreCensusEntry *entry);
void el_store_census_entry_free (ElStoreCensusEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElStoreCensusEntry, el_store_census_entry_free)

/**
 * ElStoreConflict: an SBAR save the server refused because someone saved first.
 * @op_id: the op in state conflict
 * @handoff_id: the handoff
 * @base_version: the version the nurse edited
 * @base: (nullable): that version, when cached
 * @theirs: the server's latest version
 * @mine: the nurse's draft (only source, sections and fields are meaningful)
 * @created_at: unix time in microseconds when the conflict was recorded
 */
typedef struct
{
  char *op_id;
  char *handoff_id;
  int base_version;
  ElSbarVersion *base;
  ElSbarVersion *theirs;
  ElSbarVersion *mine;
  gint64 created_at;
} ElStoreConflict;

#define EL_TYPE_STORE_CONFLICT (el_store_conflict_get_type ())
GType el_store_conflict_get_type (void) G_GNUC_CONST;
ElStoreConflict *el_store_conflict_copy (const ElStoreConflict *conflict);
void el_store_conflict_free (ElStoreConflict *conflict);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElStoreConflict, el_store_conflict_free)

/**
 * ElStoreCounts: row counts for status screens and `eclipselink-cli status`.
 * @pending_ops: ops pending or in flight
 */
typedef struct
{
  guint units;
  guint users;
  guint patients;
  guint handoffs;
  guint sbar_versions; /* server versions and local pending ones */
  guint recordings;
  guint pending_ops;
  guint needs_attention;
  guint conflicts;
  guint deferred; /* server rows kept aside behind local changes */
} ElStoreCounts;

/**
 * ElStoreApplyResult: what el_store_apply_changes_page_async() did.
 * @applied: upserts and tombstones written
 * @deferred: items kept aside because their row has local changes
 * @next_cursor: the cursor now stored
 * @has_more: the page's has_more
 */
typedef struct
{
  guint applied;
  guint deferred;
  gint64 next_cursor;
  gboolean has_more;
} ElStoreApplyResult;

/**
 * ElStoreResolution:
 * @EL_STORE_RESOLVE_KEEP_MINE: push mine (or the merged version given) on top of theirs
 * @EL_STORE_RESOLVE_TAKE_THEIRS: drop mine; theirs stays the latest
 */
typedef enum
{
  EL_STORE_RESOLVE_KEEP_MINE,
  EL_STORE_RESOLVE_TAKE_THEIRS,
} ElStoreResolution;

#define EL_TYPE_STORE (el_store_get_type ())
G_DECLARE_FINAL_TYPE (ElStore, el_store, EL, STORE, GObject)

/* Pure: "<data_dir>/cache-<32 hex of SHA-256 (server_url '\n' lowercase account)>.db". */
char *el_store_path_for_account (const char *data_dir, const char *server_url, const char *account);

/* Open (create, migrate, check). */
/* Waits for the workers of stores finalized on their own worker thread (see el-store.c); call it
 * before the process exits. */
void el_store_join_exiting_workers (void);

void el_store_open_async (const char *path,
                          ElVault *vault,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data);
ElStore *el_store_open_finish (GAsyncResult *result, GError **error);

/* Move a damaged cache aside and open a fresh one; @lost_ops: (out) (optional): ops that were in the
 * damaged outbox, -1 when unreadable. */
void el_store_recover_async (const char *path,
                             ElVault *vault,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data);
ElStore *el_store_recover_finish (GAsyncResult *result, int *lost_ops, GError **error);

void el_store_close_async (ElStore *self,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data);
gboolean el_store_close_finish (ElStore *self, GAsyncResult *result, GError **error);

const char *el_store_get_path (ElStore *self);

/* The value of one of the store's connection settings, as SQLite reports it: @name is one of
 * "journal_mode", "synchronous", "secure_delete", "foreign_keys", "busy_timeout", "user_version",
 * "temp_store" (anything else: %EL_STORE_ERROR_INVALID). For status screens and tests. */
void el_store_get_pragma_async (ElStore *self,
                                const char *name,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
char *el_store_get_pragma_finish (ElStore *self, GAsyncResult *result, GError **error);

/* `PRAGMA integrity_check` (the full one, slower than the quick_check at open): TRUE when "ok",
 * else %EL_STORE_ERROR_CORRUPT. */
void el_store_integrity_check_async (ElStore *self,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
gboolean el_store_integrity_check_finish (ElStore *self, GAsyncResult *result, GError **error);

/* ---- Sync cursor and pulled pages ---- */

void el_store_get_cursor_async (ElStore *self,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
/* Returns the stored cursor (0 before the first page), -1 on error. */
gint64 el_store_get_cursor_finish (ElStore *self, GAsyncResult *result, GError **error);

/* @page: a ChangeFeed object exactly as GET /api/v1/changes returned it (next_cursor, has_more,
 * upserts { units, users, patients, handoffs, recordings, sbar_versions }, tombstones { same }).
 * Applied in the contract's order with its next_cursor, in one transaction; any invalid item
 * (%EL_STORE_ERROR_INVALID) or a next_cursor below the stored one leaves the store unchanged.
 * The store takes a REFERENCE to @page (no copy) and reads it on its worker thread: the caller may
 * unref it at once but must not modify it (nor anything inside it) after this call, even after the
 * callback — treat it as immutable (a parser's root used once, as ElSync does, is fine; or
 * json_node_seal() it). */
void el_store_apply_changes_page_async (ElStore *self,
                                        JsonNode *page,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
gboolean el_store_apply_changes_page_finish (ElStore *self,
                                             GAsyncResult *result,
                                             ElStoreApplyResult *out_result,
                                             GError **error);

/* ---- Queries (results are new objects owned by the caller) ---- */

/* (element-type ElUnit), by code. */
void el_store_list_units_async (ElStore *self,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
GPtrArray *el_store_list_units_finish (ElStore *self, GAsyncResult *result, GError **error);

/* (element-type ElStoreCensusEntry): the unit's patients by room and bed, with their latest handoff. */
void el_store_census_async (ElStore *self,
                            const char *unit_id,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data);
GPtrArray *el_store_census_finish (ElStore *self, GAsyncResult *result, GError **error);

void el_store_get_patient_async (ElStore *self,
                                 const char *patient_id,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
ElPatient *el_store_get_patient_finish (ElStore *self, GAsyncResult *result, GError **error);

/* A cached user (a colleague on the unit: who signed, who acknowledged). NOT_FOUND when not cached. */
void el_store_get_user_async (ElStore *self,
                              const char *user_id,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data);
ElUser *el_store_get_user_finish (ElStore *self, GAsyncResult *result, GError **error);

void el_store_get_handoff_async (ElStore *self,
                                 const char *handoff_id,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
ElHandoff *el_store_get_handoff_finish (ElStore *self, GAsyncResult *result, GError **error);

/* (element-type ElHandoff): a patient's handoffs, newest created first. */
void el_store_list_handoffs_async (ElStore *self,
                                   const char *patient_id,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
GPtrArray *el_store_list_handoffs_finish (ElStore *self, GAsyncResult *result, GError **error);

/* @version: 0 = the latest shown locally (a pending local save first); N = the server's version N
 * (or the pending one numbered N when no server version N is cached). NOT_FOUND when none. */
void el_store_get_sbar_async (ElStore *self,
                              const char *handoff_id,
                              int version,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data);
ElStoreSbar *el_store_get_sbar_finish (ElStore *self, GAsyncResult *result, GError **error);

/* (element-type ElStoreSbar): every version of a handoff, server versions by number, then pending ones. */
void el_store_list_sbar_versions_async (ElStore *self,
                                        const char *handoff_id,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
GPtrArray *el_store_list_sbar_versions_finish (ElStore *self, GAsyncResult *result, GError **error);

/* (element-type ElRecording): a handoff's recordings, oldest first. */
void el_store_list_recordings_async (ElStore *self,
                                     const char *handoff_id,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
GPtrArray *el_store_list_recordings_finish (ElStore *self, GAsyncResult *result, GError **error);

void el_store_get_counts_async (ElStore *self,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
gboolean
el_store_get_counts_finish (ElStore *self, GAsyncResult *result, ElStoreCounts *counts, GError **error);

/* ---- Local changes (each: the local effect + its outbox op in one durable transaction) ---- */

/* A new SBAR version of @handoff_id from @content (source, sections, fields; author_id and
 * author_name when set) edited from @base_version (0: none yet). Stores a local pending version
 * numbered base_version + 1 (completeness computed, diff against the base when cached) and an
 * `sbar.create` op whose payload is the SbarVersionCreate body. Returns the op id. */
void el_store_save_sbar_draft_async (ElStore *self,
                                     const char *handoff_id,
                                     int base_version,
                                     ElSbarVersion *content,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
char *el_store_save_sbar_draft_finish (ElStore *self, GAsyncResult *result, GError **error);

/* A handoff created on this client (@handoff: id chosen by the client, patient_id, unit_id,
 * shift_date, shift, created_by, created_at/updated_at, status draft; nurse ids optional): stored
 * locally and queued as `handoff.create` with the HandoffCreate body. Returns the op id. */
void el_store_create_handoff_async (ElStore *self,
                                    ElHandoff *handoff,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
char *el_store_create_handoff_finish (ElStore *self, GAsyncResult *result, GError **error);

/* A HandoffPatch (JSON merge patch: shift_date, shift, outgoing_nurse_id, receiving_nurse_id,
 * status "cancelled") applied to the cached handoff and queued as `handoff.patch` with @etag
 * (nullable: the cached handoff's etag). Returns the op id. */
void el_store_patch_handoff_async (ElStore *self,
                                   const char *handoff_id,
                                   JsonNode *patch,
                                   const char *etag,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
char *el_store_patch_handoff_finish (ElStore *self, GAsyncResult *result, GError **error);

/* Any other op (sign, acknowledge, recording upload metadata...) without a local effect.
 * @base_version: -1 when not used. Returns the op id. */
void el_store_enqueue_async (ElStore *self,
                             const char *kind,
                             const char *resource_type,
                             const char *resource_id,
                             GBytes *payload,
                             int base_version,
                             const char *etag,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data);
char *el_store_enqueue_finish (ElStore *self, GAsyncResult *result, GError **error);

/* A `handoff.sign` or `handoff.acknowledge` (@kind) made on this PC: @handoff (the cached handoff with
 * the change applied: status signed with signed_by/signed_at, or acknowledged with acknowledged_by,
 * acknowledged_at and readback_note) replaces the cached row and the op is queued with @payload (the
 * request body, WITHOUT any password: ElSync adds the signature's password from the keyring when it
 * sends it) in one transaction. Like a patch, the server's copy is kept aside, so discarding the op
 * restores it. Returns the op id. */
void el_store_enqueue_handoff_change_async (ElStore *self,
                                            const char *kind,
                                            ElHandoff *handoff,
                                            JsonNode *payload,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback,
                                            gpointer user_data);
char *el_store_enqueue_handoff_change_finish (ElStore *self, GAsyncResult *result, GError **error);

/* ---- The outbox, for ElSync ---- */

/* (element-type ElStoreOp), in seq order. */
void el_store_list_ops_async (ElStore *self,
                              ElStoreOpFilter filter,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data);
GPtrArray *el_store_list_ops_finish (ElStore *self, GAsyncResult *result, GError **error);

/* ops pending or in flight */
void el_store_get_pending_count_async (ElStore *self,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
/* Returns -1 on error. */
gint64 el_store_get_pending_count_finish (ElStore *self, GAsyncResult *result, GError **error);

/* pending (or in_flight) -> in_flight, attempts + 1. */
void el_store_op_begin_async (ElStore *self,
                              const char *op_id,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data);
gboolean el_store_op_begin_finish (ElStore *self, GAsyncResult *result, GError **error);

/* in_flight or pending -> pending, to be tried again from @next_attempt_at (unix µs);
 * @error_message: no PHI (e.g. "HTTP 503", a GIO error message); @http_status: 0 for none. */
void el_store_op_failed_async (ElStore *self,
                               const char *op_id,
                               const char *error_message,
                               guint http_status,
                               gint64 next_attempt_at,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
gboolean el_store_op_failed_finish (ElStore *self, GAsyncResult *result, GError **error);

/* The server accepted the op: deletes it, drops its local pending row and stores @entity (nullable:
 * the response body — a Handoff for handoff.*, an SbarVersion for sbar.create, a Recording for
 * recording.upload; validated by the models' decoders) in the same transaction. */
void el_store_op_done_async (ElStore *self,
                             const char *op_id,
                             JsonNode *entity,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data);
gboolean el_store_op_done_finish (ElStore *self, GAsyncResult *result, GError **error);

/* The server rejected the op (a 4xx other than a 409 version conflict): -> needs_attention. */
void el_store_op_needs_attention_async (ElStore *self,
                                        const char *op_id,
                                        const char *error_message,
                                        guint http_status,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data);
gboolean el_store_op_needs_attention_finish (ElStore *self, GAsyncResult *result, GError **error);

/* needs_attention -> pending (attempts and next attempt reset). */
void el_store_op_retry_async (ElStore *self,
                              const char *op_id,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data);
gboolean el_store_op_retry_finish (ElStore *self, GAsyncResult *result, GError **error);

/* Drops an op in state needs_attention or conflict and its local effect (pending version, local-only
 * handoff); the server's state kept aside is applied. Dropping a refused save (a conflict) drops the
 * saves held behind it too. */
void el_store_op_discard_async (ElStore *self,
                                const char *op_id,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
gboolean el_store_op_discard_finish (ElStore *self, GAsyncResult *result, GError **error);

/* ---- Conflicts ---- */

/* @theirs: the server's latest SbarVersion (the 409 problem's `latest`). The op must be an
 * sbar.create in state in_flight, pending or needs_attention. */
void el_store_mark_conflict_async (ElStore *self,
                                   const char *op_id,
                                   JsonNode *theirs,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data);
gboolean el_store_mark_conflict_finish (ElStore *self, GAsyncResult *result, GError **error);

/* (element-type ElStoreConflict), oldest first. */
void el_store_list_conflicts_async (ElStore *self,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
GPtrArray *el_store_list_conflicts_finish (ElStore *self, GAsyncResult *result, GError **error);

/* @merged: (nullable): with KEEP_MINE, the content to push (NULL: mine as listed — the newest draft
 * held behind the conflict, else the refused one); ignored with TAKE_THEIRS. Either way the saves
 * held behind the conflict are deleted (folded into the one new op, or dropped). @new_op_id: (out)
 * (optional): the new op (KEEP_MINE), NULL with TAKE_THEIRS. */
void el_store_resolve_conflict_async (ElStore *self,
                                      const char *op_id,
                                      ElStoreResolution resolution,
                                      ElSbarVersion *merged,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
gboolean
el_store_resolve_conflict_finish (ElStore *self, GAsyncResult *result, char **new_op_id, GError **error);

/* ---- Maintenance ---- */

/* Deletes handoffs last updated more than @retention_days days ago (with their versions and
 * recordings), never one with an op. Returns the number of handoffs deleted, -1 on error. */
void el_store_purge_async (ElStore *self,
                           guint retention_days,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data);
gint64 el_store_purge_finish (ElStore *self, GAsyncResult *result, GError **error);

/* A consistent copy through sqlite3_backup to @dest_path (created 0600; replaced if it exists). It
 * opens with the same vault. */
void el_store_backup_async (ElStore *self,
                            const char *dest_path,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data);
gboolean el_store_backup_finish (ElStore *self, GAsyncResult *result, GError **error);

/* Re-seals everything under @new_vault (the new data key; the store derives "store-phi" from it)
 * in one transaction; the store uses it from then on. */
void el_store_rekey_async (ElStore *self,
                           ElVault *new_vault,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data);
gboolean el_store_rekey_finish (ElStore *self, GAsyncResult *result, GError **error);

G_END_DECLS
