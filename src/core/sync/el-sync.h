/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "el-api-client.h"
#include "el-store.h"
#include "el-vault.h"

G_BEGIN_DECLS

/*
 * ElSync: the sync engine. It moves the outbox of an ElStore to the server through an ElApiClient
 * and pulls the server's change feed into the store. Both services are injected; ElSync owns no
 * file, no socket and no secret of its own, so everything it promises rests on two facts:
 * the store writes a local change and its outbox op in ONE transaction, and every op is sent with
 * `Idempotency-Key: <op id>` so the server applies it at most once however often it is re-sent.
 *
 * Threads: ElSync lives on the thread whose thread-default GMainContext was current when it was
 * made (the same as its client's); it only chains the store's and the client's _async calls and
 * never blocks that thread. Signals and notifications are emitted there.
 *
 * One cycle (el_sync_run_async()):
 *  1. Push. The store's pushable ops (pending, and in_flight ones left by a crash) are sent in seq
 *     order; ops of one resource (resource_type + resource_id) strictly in order, one at a time.
 *     Each op: el_store_op_begin_async(), then the request (below) with `Idempotency-Key` = op id
 *     and `If-Match` = the op's ETag when it has one, then:
 *     - 2xx: el_store_op_done_async() with the server's entity (the response body).
 *     - network error, timeout, circuit open: el_store_op_failed_async() with a backoff
 *       (full-jitter exponential on the op's attempts, "retry-base-ms" .. "retry-cap-ms"); the push
 *       stops (the other ops are left untouched: no attempt is burnt on them), the pull is skipped,
 *       "state" becomes %EL_SYNC_STATE_OFFLINE and the cycle fails with %EL_SYNC_ERROR_OFFLINE.
 *     - 429: op_failed (the server's `Retry-After` when it gave one, else the backoff); the push
 *       stops and the pull is skipped (%EL_SYNC_ERROR_RATE_LIMITED). The limit is the user's, not
 *       the op's: until that time every cycle ends at once with %EL_SYNC_ERROR_RATE_LIMITED and sends
 *       nothing, whatever its flags (a 429 on the pull does the same).
 *     - 5xx, or a 2xx whose body does not decode: op_failed with the backoff (or `Retry-After`);
 *       that resource's later ops wait for the next cycle; other resources go on.
 *     - 409 `version_conflict` on `sbar.create`: el_store_mark_conflict_async() with the problem's
 *       `latest` (theirs); the store keeps base / theirs / mine (el_store_list_conflicts_async());
 *       ::conflict-detected is emitted; that resource's later ops wait until the conflict is
 *       resolved (they were edited on top of the refused version). The UI resolves it
 *       (el_store_resolve_conflict_async()), then calls el_sync_request().
 *     - any other 4xx (404, 409 invalid_transition, 412, 422, 423, 428, 403, 413, 400...):
 *       el_store_op_needs_attention_async() with the status and the problem's code; later ops —
 *       of that resource too — go on.
 *     - 401 that the client's refresh could not cure (session ended): op_failed without backoff,
 *       the cycle stops with %EL_SYNC_ERROR_NOT_SIGNED_IN.
 *     An op whose next_attempt_at is still in the future is not sent and blocks its resource for
 *     this cycle — except with %EL_SYNC_RUN_IGNORE_BACKOFF when its last failure was a network
 *     error (http_status 0): the network came back, so the backoff no longer means anything. A delay
 *     the server asked for (5xx, 429, Retry-After) is always honoured.
 *     Resources with an op in state conflict are not pushed at all.
 *  2. Pull. From the store's cursor: GET /api/v1/changes?since=<cursor>&limit=<"page-limit">, each
 *     page applied with its next_cursor in one store transaction (el_store_apply_changes_page_async;
 *     the store keeps aside rows that have pending local ops), until has_more is false. Page N+1 is
 *     fetched while page N is applied, but handed to the store only after page N's transaction
 *     succeeded (a failed page never lets a later cursor be stored).
 *  3. Counts. "pending-count", "needs-attention-count", "conflict-count" are re-read from the store;
 *     "last-sync" is set when the pull completed; ::cycle-finished is emitted.
 *
 * Requests per op kind (the op's payload is the request body, sent as it is):
 *   sbar.create          POST  /api/v1/handoffs/{id}/sbar/versions   (SbarVersionCreate)
 *   handoff.create       POST  /api/v1/handoffs                      (HandoffCreate)
 *   handoff.patch        PATCH /api/v1/handoffs/{id}, If-Match       (HandoffPatch)
 *   handoff.sign         POST  /api/v1/handoffs/{id}/sign            (SignRequest)
 *   handoff.acknowledge  POST  /api/v1/handoffs/{id}/acknowledge     (AcknowledgeRequest)
 *   recording.upload     POST  /api/v1/handoffs/{id}/recordings?recording_id=  with the bytes of a
 *                        file, `Content-Digest` and the Idempotency-Key; the op's payload is the
 *                        JSON object of el_sync_recording_payload_new(): { "recording_id",
 *                        "content_type" ("audio/ogg" | "audio/wav"), "path" }. A failed upload is
 *                        sent again whole with the same key (the server has no ranges and applies
 *                        it once); a missing file is a needs-attention op.
 *   anything else        needs attention ("unknown op kind"), nothing sent.
 *
 * Coalescing: one cycle runs at a time. A run asked for while a cycle runs is queued: at most ONE
 * follow-up cycle (its flags are the union of what was asked), which every later caller joins;
 * it starts when the running cycle ends. Every caller gets the result of the cycle it joined.
 *
 * Triggers (after el_sync_start(), until el_sync_stop()): at once; every "interval" seconds
 * (0: no timer); on GNetworkMonitor::network-changed when the network is available (the client is
 * probed, then a cycle runs with %EL_SYNC_RUN_IGNORE_BACKOFF); when the client's "online" becomes
 * %TRUE (the same); after a local save (the store's ::outbox-changed::added, or an explicit
 * el_sync_notify_local_change()) a cycle runs "push-delay-ms" later, so a burst of saves goes in one
 * cycle; on demand:
 * el_sync_request() / el_sync_run_async().
 *
 * Progress ("progress", 0..1): the push goes from 0 to 0.5 by ops handled / ops to push, the pull
 * from 0.5 towards 1 (the feed has no total: each page halves what is left), 1 at the end.
 *
 * Errors and PHI: GError messages and "last-error" name the step, the op kind, the route template,
 * HTTP status and problem code — never a payload, an id of a patient, a token or a password.
 */

#define EL_SYNC_ERROR (el_sync_error_quark ())

/**
 * ElSyncError:
 * @EL_SYNC_ERROR_FAILED: anything else (the message says what)
 * @EL_SYNC_ERROR_OFFLINE: the server could not be reached (network, timeout, circuit open)
 * @EL_SYNC_ERROR_NOT_SIGNED_IN: the client has no session (sign in again)
 * @EL_SYNC_ERROR_RATE_LIMITED: the server said 429; the ops wait for its Retry-After
 * @EL_SYNC_ERROR_SERVER: the pull got a 5xx or an answer that does not decode
 * @EL_SYNC_ERROR_STORE: the store failed (its error's message is kept)
 * @EL_SYNC_ERROR_STOPPED: el_sync_stop() (or the last reference) ended the cycle
 */
typedef enum
{
  EL_SYNC_ERROR_FAILED,
  EL_SYNC_ERROR_OFFLINE,
  EL_SYNC_ERROR_NOT_SIGNED_IN,
  EL_SYNC_ERROR_RATE_LIMITED,
  EL_SYNC_ERROR_SERVER,
  EL_SYNC_ERROR_STORE,
  EL_SYNC_ERROR_STOPPED,
} ElSyncError;

GQuark el_sync_error_quark (void);

/**
 * ElSyncState:
 * @EL_SYNC_STATE_IDLE: nothing running; the last cycle succeeded (or none ran yet)
 * @EL_SYNC_STATE_PUSHING: a cycle is sending the outbox
 * @EL_SYNC_STATE_PULLING: a cycle is reading the change feed
 * @EL_SYNC_STATE_OFFLINE: the server could not be reached (last cycle, or the client's "online" is
 *   %FALSE); local saves still work and wait in the outbox
 * @EL_SYNC_STATE_ERROR: the last cycle failed for another reason ("last-error" says which)
 */
typedef enum
{
  EL_SYNC_STATE_IDLE,
  EL_SYNC_STATE_PUSHING,
  EL_SYNC_STATE_PULLING,
  EL_SYNC_STATE_OFFLINE,
  EL_SYNC_STATE_ERROR,
} ElSyncState;

#define EL_TYPE_SYNC_STATE (el_sync_state_get_type ())
GType el_sync_state_get_type (void) G_GNUC_CONST;
/* "idle", "pushing", "pulling", "offline", "error" */
const char *el_sync_state_to_string (ElSyncState state);

/**
 * ElSyncRunFlags:
 * @EL_SYNC_RUN_NONE: honour every op's next attempt time
 * @EL_SYNC_RUN_IGNORE_BACKOFF: send ops now whose last failure was a network error, even before
 *   their next attempt time ("Sync now", the network came back)
 * @EL_SYNC_RUN_PUSH_ONLY: skip the pull
 */
typedef enum
{
  EL_SYNC_RUN_NONE = 0,
  EL_SYNC_RUN_IGNORE_BACKOFF = 1 << 0,
  EL_SYNC_RUN_PUSH_ONLY = 1 << 1,
} ElSyncRunFlags;

/**
 * ElSyncStats: what one cycle did (also when it failed part-way).
 * @pushed: ops the server accepted (op_done)
 * @failed: ops put back to pending with a backoff (network, 5xx, 429)
 * @needs_attention: ops moved to needs attention (4xx)
 * @conflicts: ops that became SBAR conflicts (409)
 * @skipped: pushable ops not sent (backoff, their resource blocked, the push stopped)
 * @pages: change-feed pages applied
 * @applied: upserts and tombstones written by the pull
 * @deferred: pulled items kept aside behind local changes
 * @cursor: the stored cursor after the cycle
 * @pulled: %TRUE when the pull reached has_more = false
 */
typedef struct
{
  guint pushed;
  guint failed;
  guint needs_attention;
  guint conflicts;
  guint skipped;
  guint pages;
  guint applied;
  guint deferred;
  gint64 cursor;
  gboolean pulled;
} ElSyncStats;

#define EL_TYPE_SYNC (el_sync_get_type ())
G_DECLARE_FINAL_TYPE (ElSync, el_sync, EL, SYNC, GObject)

/*
 * Properties (notify only when the value changes):
 *   store                  (ElStore, construct-only)
 *   client                 (ElApiClient, construct-only)
 *   network-monitor        (GNetworkMonitor, construct-only, nullable: g_network_monitor_get_default())
 *   interval               (uint seconds, default 60; 0 = no timer)
 *   push-delay-ms          (uint, default 500) delay of the cycle after el_sync_notify_local_change()
 *   page-limit             (uint 1..200, default 200) `limit` of GET /api/v1/changes
 *   retry-base-ms          (uint, default 2000)   op backoff: random in [0, min(cap, base*2^(attempts-1))]
 *   retry-cap-ms           (uint, default 300000)
 *   state                  (ElSyncState, read-only)
 *   running                (boolean, read-only)   a cycle is running
 *   progress               (double 0..1, read-only)
 *   pending-count          (int64, read-only)     ops pending or in flight (-1 before the first read)
 *   needs-attention-count  (int64, read-only)
 *   conflict-count         (int64, read-only)
 *   last-sync              (GDateTime, read-only, nullable) end of the last cycle whose pull completed
 *   last-error             (string, read-only, nullable) the last cycle's error message (no PHI);
 *                          NULL after a cycle that succeeded
 *
 * Signals:
 *   ::cycle-finished (const ElSyncStats *stats, const GError *error) — after every cycle; @error is
 *       NULL when it succeeded.
 *   ::conflict-detected (const char *handoff_id, const char *op_id) — an SBAR save became a
 *       conflict (el_store_list_conflicts_async() has base / theirs / mine).
 *   ::op-rejected (const char *op_id, const char *kind, guint http_status) — an op went to needs
 *       attention.
 */

ElSync *el_sync_new (ElStore *store, ElApiClient *client);
/* @monitor: (nullable): the GNetworkMonitor to watch (tests inject one); NULL: the default one */
ElSync *el_sync_new_with_monitor (ElStore *store, ElApiClient *client, GNetworkMonitor *monitor);

ElStore *el_sync_get_store (ElSync *self);      /* (transfer none) */
ElApiClient *el_sync_get_client (ElSync *self); /* (transfer none) */
ElSyncState el_sync_get_state (ElSync *self);
gboolean el_sync_get_running (ElSync *self);
double el_sync_get_progress (ElSync *self);
gint64 el_sync_get_pending_count (ElSync *self);
gint64 el_sync_get_needs_attention_count (ElSync *self);
gint64 el_sync_get_conflict_count (ElSync *self);
GDateTime *el_sync_get_last_sync (ElSync *self);   /* (transfer none) (nullable) */
const char *el_sync_get_last_error (ElSync *self); /* (nullable) */
guint el_sync_get_interval (ElSync *self);
void el_sync_set_interval (ElSync *self, guint seconds);
/* The account's audio vault (el_vault_new_derived (data key, "audio")): a `recording.upload` op
 * whose payload path ends in ".elrec" is a sealed recording (el-sealed-audio.h), decrypted while it
 * streams. Without it such an op needs attention. */
void el_sync_set_audio_vault (ElSync *self, ElVault *audio_vault);
void el_sync_set_retry_backoff (ElSync *self, guint base_ms, guint cap_ms);

/*
 * One full cycle (push, pull, counts), coalesced as described above. The callback runs when the
 * cycle this call joined has ended. Cancelling @cancellable ends this caller's wait at once
 * (G_IO_ERROR_CANCELLED), not the cycle (others may wait for it): el_sync_stop() ends a cycle.
 * @stats: (out) (optional) of _finish: filled also when it fails.
 */
void el_sync_run_async (ElSync *self,
                        ElSyncRunFlags flags,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer user_data);
gboolean el_sync_run_finish (ElSync *self, GAsyncResult *result, ElSyncStats *stats, GError **error);

/* Starts the triggers (timer, network monitor, client "online") and runs a cycle now. Idempotent. */
void el_sync_start (ElSync *self);
/* Stops the triggers and ends the running cycle (its callers get %EL_SYNC_ERROR_STOPPED; an op in
 * flight is put back to pending, to be sent again with the same key). Idempotent. */
void el_sync_stop (ElSync *self);
gboolean el_sync_get_started (ElSync *self);

/* A cycle soon (fire and forget; coalesced). "Sync now" passes IGNORE_BACKOFF. */
void el_sync_request (ElSync *self, ElSyncRunFlags flags);

/* Tell the engine a local change was saved: the counts are re-read now and, when started, a cycle
 * runs "push-delay-ms" later. The store's ::outbox-changed::added does this by itself; call it for
 * changes the store does not signal. */
void el_sync_notify_local_change (ElSync *self);

/* Re-reads the three counts from the store (fire and forget; notify when they change). */
void el_sync_refresh_counts (ElSync *self);

/*
 * The payload of a `recording.upload` op (for el_store_enqueue_async (store, "recording.upload",
 * "handoff", handoff_id, payload, -1, NULL, ...)): (transfer full) JSON bytes, or %NULL with
 * %EL_SYNC_ERROR_FAILED when an argument is unusable. @recording_id: the client's UUID for it
 * (the server uses it, so a retried upload names the same recording); @content_type "audio/ogg"
 * or "audio/wav"; @path: the audio file, kept until the op is done.
 */
GBytes *el_sync_recording_payload_new (const char *recording_id,
                                       const char *content_type,
                                       const char *path,
                                       GError **error);

G_END_DECLS
