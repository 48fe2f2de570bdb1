/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ElSync: the sync engine (see el-sync.h for the design). Everything here runs on the thread of the
 * GMainContext the engine was made in; a cycle is a chain of the store's and the client's _async
 * calls held together by one Cycle.
 */
#include "config.h"

#include "el-sync.h"

#include <string.h>

#include "el-recording.h"
#include "el-sealed-audio.h"
#include "el-secrets.h"

G_DEFINE_QUARK (el - sync - error - quark, el_sync_error)

G_DEFINE_ENUM_TYPE (ElSyncState,
                    el_sync_state,
                    G_DEFINE_ENUM_VALUE (EL_SYNC_STATE_IDLE, "idle"),
                    G_DEFINE_ENUM_VALUE (EL_SYNC_STATE_PUSHING, "pushing"),
                    G_DEFINE_ENUM_VALUE (EL_SYNC_STATE_PULLING, "pulling"),
                    G_DEFINE_ENUM_VALUE (EL_SYNC_STATE_OFFLINE, "offline"),
                    G_DEFINE_ENUM_VALUE (EL_SYNC_STATE_ERROR, "error"))

const char *
el_sync_state_to_string (ElSyncState state)
{
  switch (state)
    {
      case EL_SYNC_STATE_IDLE:
        return "idle";
      case EL_SYNC_STATE_PUSHING:
        return "pushing";
      case EL_SYNC_STATE_PULLING:
        return "pulling";
      case EL_SYNC_STATE_OFFLINE:
        return "offline";
      case EL_SYNC_STATE_ERROR:
        return "error";
      default:
        return "unknown";
    }
}

typedef struct Cycle Cycle;

struct _ElSync
{
  GObject parent_instance;

  ElStore *store;
  ElApiClient *client;
  GNetworkMonitor *monitor;
  GMainContext *context;
  ElVault *audio_vault; /* opens sealed recordings (.elrec) for upload; NULL: none */
  ElSecrets *secrets;   /* the passwords of signatures made offline ("pending-signature"); NULL: none */
  char *account;        /* their account */
  gulong removed_handler;

  guint interval;
  guint push_delay_ms;
  guint page_limit;
  guint retry_base_ms;
  guint retry_cap_ms;

  ElSyncState state;
  double progress;
  gint64 pending_count;
  gint64 needs_attention_count;
  gint64 conflict_count;
  GDateTime *last_sync;
  char *last_error;

  gint64 rate_limited_until; /* real time (µs) before which nothing is sent (a 429's Retry-After) */

  gboolean started;
  GSource *timer;
  GSource *delay;
  gulong network_handler;
  gulong online_handler;
  gulong outbox_handler;

  Cycle *running;
  Cycle *queued;
};

G_DEFINE_FINAL_TYPE (ElSync, el_sync, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_CLIENT,
  PROP_NETWORK_MONITOR,
  PROP_INTERVAL,
  PROP_PUSH_DELAY_MS,
  PROP_PAGE_LIMIT,
  PROP_RETRY_BASE_MS,
  PROP_RETRY_CAP_MS,
  PROP_STATE,
  PROP_RUNNING,
  PROP_PROGRESS,
  PROP_PENDING_COUNT,
  PROP_NEEDS_ATTENTION_COUNT,
  PROP_CONFLICT_COUNT,
  PROP_LAST_SYNC,
  PROP_LAST_ERROR,
  PROP_SECRETS,
  PROP_ACCOUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_CYCLE_FINISHED,
  SIGNAL_CONFLICT_DETECTED,
  SIGNAL_OP_REJECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------------------------------------
 * Properties that notify only on change
 */

static void
set_state (ElSync *self, ElSyncState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_progress (ElSync *self, double progress)
{
  progress = CLAMP (progress, 0.0, 1.0);
  if (self->progress == progress)
    return;
  self->progress = progress;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

static void
set_count (ElSync *self, gint64 *field, gint64 value, int prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_last_error (ElSync *self, const char *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static void
set_last_sync_now (ElSync *self)
{
  g_clear_pointer (&self->last_sync, g_date_time_unref);
  self->last_sync = g_date_time_new_now_utc ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNC]);
}

static GSource *
attach_timeout (ElSync *self, guint ms, GSourceFunc func)
{
  GSource *source = g_timeout_source_new (ms);

  g_source_set_callback (source, func, self, NULL);
  g_source_set_static_name (source, "[el-sync] timer");
  g_source_attach (source, self->context);
  return source;
}

static void
clear_source (GSource **source)
{
  if (*source == NULL)
    return;
  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

/* ------------------------------------------------------------------------------------------------
 * Counts
 */

static void
counts_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ElSync) self = user_data;
  ElStoreCounts counts = { 0 };
  g_autoptr (GError) error = NULL;

  if (!el_store_get_counts_finish (EL_STORE (source), result, &counts, &error))
    {
      g_debug ("sync: counts not read: %s", error->message);
      return;
    }
  g_object_freeze_notify (G_OBJECT (self));
  set_count (self, &self->pending_count, counts.pending_ops, PROP_PENDING_COUNT);
  set_count (self, &self->needs_attention_count, counts.needs_attention, PROP_NEEDS_ATTENTION_COUNT);
  set_count (self, &self->conflict_count, counts.conflicts, PROP_CONFLICT_COUNT);
  g_object_thaw_notify (G_OBJECT (self));
}

void
el_sync_refresh_counts (ElSync *self)
{
  g_return_if_fail (EL_IS_SYNC (self));
  el_store_get_counts_async (self->store, NULL, counts_cb, g_object_ref (self));
}

/* ------------------------------------------------------------------------------------------------
 * Waiters and cycles
 */

typedef struct
{
  GTask *task;
  GCancellable *cancellable;
  gulong handler;
} Waiter;

struct Cycle
{
  ElSync *self; /* strong while it runs */
  ElSyncRunFlags flags;
  GPtrArray *waiters; /* Waiter* */
  GCancellable *cancellable;
  ElSyncStats stats;
  GError *error; /* what ended the cycle, or NULL */

  GHashTable *blocked; /* resource keys not pushed any more this cycle */
  GPtrArray *ops;      /* ElStoreOp*, pushable, in seq order */
  guint op_index;
  guint ops_handled;
  ElStoreOp *op; /* the op being pushed (borrowed from ops) */
  gboolean stop_push;

  gint64 since; /* the cursor of the next page to fetch */
  gboolean fetching;
  gboolean applying;
  gboolean fetch_done;
  JsonNode *held;      /* a fetched page waiting for the one before it to be applied */
  JsonNode *sign_body; /* a signature's body while its password is looked up */
  GError *pull_error;
};

static void
waiter_free (Waiter *w)
{
  g_clear_object (&w->task);
  g_clear_object (&w->cancellable);
  g_free (w);
}

static void
waiter_complete (Waiter *w, const ElSyncStats *stats, const GError *error)
{
  if (w->cancellable != NULL && w->handler != 0)
    g_cancellable_disconnect (w->cancellable, w->handler);
  w->handler = 0;
  g_task_set_task_data (w->task, g_memdup2 (stats, sizeof *stats), g_free);
  if (error != NULL)
    g_task_return_error (w->task, g_error_copy (error));
  else
    g_task_return_boolean (w->task, TRUE);
}

static Cycle *
cycle_new (ElSync *self, ElSyncRunFlags flags)
{
  Cycle *c = g_new0 (Cycle, 1);

  c->self = self; /* the reference is taken when it starts */
  c->flags = flags;
  c->waiters = g_ptr_array_new_with_free_func ((GDestroyNotify) waiter_free);
  c->cancellable = g_cancellable_new ();
  c->blocked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  c->stats.cursor = -1;
  return c;
}

static void
cycle_free (Cycle *c)
{
  g_ptr_array_unref (c->waiters);
  g_clear_object (&c->cancellable);
  g_hash_table_unref (c->blocked);
  g_clear_pointer (&c->ops, g_ptr_array_unref);
  g_clear_error (&c->error);
  g_clear_error (&c->pull_error);
  g_clear_pointer (&c->held, json_node_unref);
  g_clear_pointer (&c->sign_body, json_node_unref);
  g_free (c);
}

/* Completes every waiter of @c with @error (the cycle never ran: the engine stopped). */
static void
cycle_abandon (Cycle *c, const GError *error)
{
  for (guint i = 0; i < c->waiters->len; i++)
    waiter_complete (g_ptr_array_index (c->waiters, i), &c->stats, error);
  cycle_free (c);
}

static void cycle_start (Cycle *c);

/* A caller's cancellable fired: end its wait (on the engine's thread). */
static gboolean
waiter_cancelled_idle (gpointer user_data)
{
  GTask *task = user_data;
  ElSync *self = g_task_get_source_object (task);
  Cycle *cycles[2] = { self->running, self->queued };

  for (guint c = 0; c < G_N_ELEMENTS (cycles); c++)
    {
      if (cycles[c] == NULL)
        continue;
      for (guint i = 0; i < cycles[c]->waiters->len; i++)
        {
          Waiter *w = g_ptr_array_index (cycles[c]->waiters, i);

          if (w->task == task)
            {
              g_autoptr (GError) error =
                  g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled");

              g_ptr_array_steal_index (cycles[c]->waiters, i);
              waiter_complete (w, &cycles[c]->stats, error);
              waiter_free (w);
              return G_SOURCE_REMOVE;
            }
        }
    }
  return G_SOURCE_REMOVE;
}

static void
waiter_cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  GTask *task = user_data;
  ElSync *self = g_task_get_source_object (task);
  GSource *idle = g_idle_source_new ();

  (void) cancellable;
  /* never synchronously: this may run inside g_cancellable_connect() or on another thread */
  g_source_set_callback (idle, waiter_cancelled_idle, g_object_ref (task), g_object_unref);
  g_source_set_static_name (idle, "[el-sync] cancelled");
  g_source_attach (idle, self->context);
  g_source_unref (idle);
}

void
el_sync_run_async (ElSync *self,
                   ElSyncRunFlags flags,
                   GCancellable *cancellable,
                   GAsyncReadyCallback callback,
                   gpointer user_data)
{
  Waiter *w;
  Cycle *target;

  g_return_if_fail (EL_IS_SYNC (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  w = g_new0 (Waiter, 1);
  w->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (w->task, el_sync_run_async);
  g_task_set_check_cancellable (w->task, FALSE);

  if (cancellable != NULL)
    {
      w->cancellable = g_object_ref (cancellable);
      w->handler = g_cancellable_connect (cancellable, G_CALLBACK (waiter_cancelled_cb), w->task, NULL);
    }

  if (self->running == NULL)
    {
      target = cycle_new (self, flags);
      g_ptr_array_add (target->waiters, w);
      self->running = target;
      cycle_start (target);
      return;
    }
  if (self->queued == NULL)
    self->queued = cycle_new (self, flags);
  target = self->queued;
  target->flags |= flags;
  g_ptr_array_add (target->waiters, w);
}

gboolean
el_sync_run_finish (ElSync *self, GAsyncResult *result, ElSyncStats *stats, GError **error)
{
  ElSyncStats *data;

  g_return_val_if_fail (EL_IS_SYNC (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (stats != NULL)
    {
      if (data != NULL)
        *stats = *data;
      else
        memset (stats, 0, sizeof *stats);
    }
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
el_sync_request (ElSync *self, ElSyncRunFlags flags)
{
  g_return_if_fail (EL_IS_SYNC (self));
  el_sync_run_async (self, flags, NULL, NULL, NULL);
}

/* ------------------------------------------------------------------------------------------------
 * The end of a cycle
 */

static void
cycle_counts_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Cycle *c = user_data;
  ElSync *self = c->self;
  ElStoreCounts counts = { 0 };
  g_autoptr (GError) error = NULL;
  gboolean succeeded = c->error == NULL;

  if (el_store_get_counts_finish (EL_STORE (source), result, &counts, &error))
    {
      set_count (self, &self->pending_count, counts.pending_ops, PROP_PENDING_COUNT);
      set_count (self, &self->needs_attention_count, counts.needs_attention, PROP_NEEDS_ATTENTION_COUNT);
      set_count (self, &self->conflict_count, counts.conflicts, PROP_CONFLICT_COUNT);
    }

  if (succeeded)
    {
      set_progress (self, 1.0);
      if (c->stats.pulled)
        set_last_sync_now (self);
      set_last_error (self, NULL);
      set_state (self, el_api_client_get_online (self->client) ? EL_SYNC_STATE_IDLE : EL_SYNC_STATE_OFFLINE);
    }
  else
    {
      set_last_error (self, c->error->message);
      if (g_error_matches (c->error, EL_SYNC_ERROR, EL_SYNC_ERROR_OFFLINE))
        set_state (self, EL_SYNC_STATE_OFFLINE);
      else if (g_error_matches (c->error, EL_SYNC_ERROR, EL_SYNC_ERROR_STOPPED))
        set_state (self, EL_SYNC_STATE_IDLE);
      else
        set_state (self, EL_SYNC_STATE_ERROR);
    }

  self->running = NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  g_signal_emit (self, signals[SIGNAL_CYCLE_FINISHED], 0, &c->stats, c->error);

  for (guint i = 0; i < c->waiters->len; i++)
    waiter_complete (g_ptr_array_index (c->waiters, i), &c->stats, c->error);

  if (self->queued != NULL)
    {
      Cycle *next = self->queued;

      self->queued = NULL;
      self->running = next;
      cycle_start (next);
    }

  cycle_free (c);
  g_object_unref (self);
}

/* Ends the cycle; takes @error (nullable). */
static void
cycle_end (Cycle *c, GError *error)
{
  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_clear_error (&error);
          error = g_error_new_literal (EL_SYNC_ERROR, EL_SYNC_ERROR_STOPPED, "sync stopped");
        }
      g_clear_error (&c->error);
      c->error = error;
    }
  if (c->ops != NULL)
    c->stats.skipped += c->ops->len - MIN (c->op_index, c->ops->len);
  el_store_get_counts_async (c->self->store, NULL, cycle_counts_cb, c);
}

static GError *
store_error (const char *step, const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);
  return g_error_new (EL_SYNC_ERROR, EL_SYNC_ERROR_STORE, "sync: %s: %s", step, error->message);
}

/* ------------------------------------------------------------------------------------------------
 * Pull
 */

static gint64 next_attempt (Cycle *c, guint attempts, gint64 retry_after_ms);

/*
 * The pull is pipelined: page N+1 is fetched while page N is applied (the next cursor is in page
 * N's JSON), but pages are applied strictly one after the other — page N+1 is handed to the store
 * only after page N's transaction succeeded, so a failed page never lets a later cursor be stored.
 * At most one fetched page waits (`held`).
 */
static void pull_fetch (Cycle *c);

static void
pull_maybe_end (Cycle *c)
{
  if (c->fetching || c->applying)
    return;
  if (c->pull_error != NULL)
    {
      g_clear_pointer (&c->held, json_node_unref);
      cycle_end (c, g_steal_pointer (&c->pull_error));
      return;
    }
  if (c->fetch_done && c->held == NULL)
    {
      c->stats.pulled = TRUE;
      cycle_end (c, NULL);
    }
}

static void
pull_fail (Cycle *c, GError *error)
{
  if (c->pull_error == NULL)
    c->pull_error = error;
  else
    g_error_free (error);
  pull_maybe_end (c);
}

static void pull_apply (Cycle *c, JsonNode *page);

static void
pull_applied_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Cycle *c = user_data;
  ElStoreApplyResult applied = { 0 };
  g_autoptr (GError) error = NULL;

  c->applying = FALSE;
  if (!el_store_apply_changes_page_finish (EL_STORE (source), result, &applied, &error))
    {
      if (g_error_matches (error, EL_STORE_ERROR, EL_STORE_ERROR_INVALID))
        pull_fail (c, g_error_new (EL_SYNC_ERROR, EL_SYNC_ERROR_SERVER,
                                   "sync: a change-feed page was refused: %s", error->message));
      else
        pull_fail (c, store_error ("apply changes", error));
      return;
    }
  c->stats.pages++;
  c->stats.applied += applied.applied;
  c->stats.deferred += applied.deferred;
  c->stats.cursor = applied.next_cursor;
  /* the feed has no total: each page halves what is left of the pull's half */
  set_progress (c->self, 1.0 - 0.5 / (double) (1u << MIN (c->stats.pages, 30u)));

  if (c->pull_error == NULL && c->held != NULL)
    {
      JsonNode *page = g_steal_pointer (&c->held);

      pull_apply (c, page);
      json_node_unref (page);
      pull_fetch (c);
      return;
    }
  pull_maybe_end (c);
}

static void
pull_apply (Cycle *c, JsonNode *page)
{
  c->applying = TRUE;
  /* the store validates every item with the models' strict decoders, in one transaction */
  el_store_apply_changes_page_async (c->self->store, page, c->cancellable, pull_applied_cb, c);
}

static GError *
api_error_to_sync (const char *step, const GError *error)
{
  int code = EL_SYNC_ERROR_FAILED;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);
  if (error->domain == EL_API_ERROR)
    switch (error->code)
      {
        case EL_API_ERROR_NETWORK:
        case EL_API_ERROR_TIMEOUT:
        case EL_API_ERROR_CIRCUIT_OPEN:
          code = EL_SYNC_ERROR_OFFLINE;
          break;
        case EL_API_ERROR_UNAUTHORIZED:
        case EL_API_ERROR_TOKEN_EXPIRED:
          code = EL_SYNC_ERROR_NOT_SIGNED_IN;
          break;
        case EL_API_ERROR_RATE_LIMITED:
          code = EL_SYNC_ERROR_RATE_LIMITED;
          break;
        case EL_API_ERROR_SERVER:
        case EL_API_ERROR_INVALID_RESPONSE:
          code = EL_SYNC_ERROR_SERVER;
          break;
        default:
          break;
      }
  return g_error_new (EL_SYNC_ERROR, code, "sync: %s: %s", step, error->message);
}

static void
pull_fetched_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Cycle *c = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElApiResponse) response = el_api_client_call_finish (EL_API_CLIENT (source), result, &error);
  JsonNode *page;
  JsonObject *obj;
  JsonNode *more;
  JsonNode *next;

  c->fetching = FALSE;
  if (response == NULL)
    {
      if (g_error_matches (error, EL_API_ERROR, EL_API_ERROR_RATE_LIMITED))
        {
          ElApiProblem *problem = el_api_error_get_problem (error);
          gint64 retry_after = problem != NULL ? el_api_problem_get_retry_after (problem) : -1;

          c->self->rate_limited_until = next_attempt (c, 1, retry_after);
        }
      pull_fail (c, api_error_to_sync ("pull", error));
      return;
    }
  page = el_api_response_get_json (response);
  obj = page != NULL && JSON_NODE_HOLDS_OBJECT (page) ? json_node_get_object (page) : NULL;
  more = obj != NULL ? json_object_get_member (obj, "has_more") : NULL;
  next = obj != NULL ? json_object_get_member (obj, "next_cursor") : NULL;
  if (more == NULL || next == NULL || json_node_get_value_type (more) != G_TYPE_BOOLEAN ||
      json_node_get_value_type (next) != G_TYPE_INT64)
    {
      pull_fail (
          c, g_error_new_literal (EL_SYNC_ERROR, EL_SYNC_ERROR_SERVER,
                                  "sync: pull: the change feed answered something that is not a ChangeFeed"));
      return;
    }
  if (json_node_get_boolean (more))
    {
      if (json_node_get_int (next) <= c->since)
        {
          pull_fail (c, g_error_new_literal (EL_SYNC_ERROR, EL_SYNC_ERROR_SERVER,
                                             "sync: the change feed has more but its cursor did not move"));
          return;
        }
      c->since = json_node_get_int (next);
    }
  else
    c->fetch_done = TRUE;

  if (c->pull_error != NULL)
    {
      pull_maybe_end (c);
      return;
    }
  if (c->applying)
    c->held = json_node_ref (page);
  else
    {
      pull_apply (c, page);
      pull_fetch (c);
    }
  pull_maybe_end (c);
}

static void
pull_fetch (Cycle *c)
{
  g_autofree char *path = NULL;

  if (c->fetch_done || c->fetching || c->held != NULL || c->pull_error != NULL)
    return;
  path =
      g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT "&limit=%u", c->since, c->self->page_limit);
  c->fetching = TRUE;
  el_api_client_call_async (c->self->client, "GET", "/api/v1/changes", path, EL_API_CALL_AUTH, NULL, NULL,
                            NULL, NULL, c->cancellable, pull_fetched_cb, c);
}

static void
pull_cursor_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Cycle *c = user_data;
  g_autoptr (GError) error = NULL;
  gint64 cursor = el_store_get_cursor_finish (EL_STORE (source), result, &error);

  if (cursor < 0)
    {
      cycle_end (c, store_error ("read the cursor", error));
      return;
    }
  c->since = cursor;
  c->stats.cursor = cursor;
  pull_fetch (c);
}

static void
pull_start (Cycle *c)
{
  set_progress (c->self, 0.5);
  if (c->flags & EL_SYNC_RUN_PUSH_ONLY)
    {
      cycle_end (c, NULL);
      return;
    }
  set_state (c->self, EL_SYNC_STATE_PULLING);
  el_store_get_cursor_async (c->self->store, c->cancellable, pull_cursor_cb, c);
}

/* ------------------------------------------------------------------------------------------------
 * Signatures made offline: `handoff.sign` ops carry {"version": N} only; the password waits in the
 * keyring (kind "pending-signature", item = the op id) and joins the body in memory when the op is
 * sent. The item goes when the op is done, refused for a wrong password, or dropped (a sweep after
 * every removal from the outbox clears the items whose op is gone).
 */

static void
signature_cleared_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *op_id = user_data;

  if (!el_secrets_clear_finish (EL_SECRETS (source), result, &error))
    g_debug ("sync: the signature of op %s was not cleared: %s", op_id, error->message);
}

static void
clear_signature (ElSync *self, const char *op_id)
{
  if (self->secrets == NULL || self->account == NULL)
    return;
  el_secrets_clear_item_async (self->secrets, self->account, EL_SECRET_KIND_PENDING_SIGNATURE, op_id, NULL,
                               signature_cleared_cb, g_strdup (op_id));
}

typedef struct
{
  ElSync *self; /* a ref */
  char **items;
} Sweep;

static void
sweep_ops_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Sweep *sweep = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ops = el_store_list_ops_finish (EL_STORE (source), result, &error);

  if (ops == NULL)
    g_debug ("sync: signatures not swept: %s", error->message);
  else
    for (guint i = 0; sweep->items[i] != NULL; i++)
      {
        gboolean found = FALSE;

        for (guint j = 0; j < ops->len && !found; j++)
          found = g_strcmp0 (((ElStoreOp *) g_ptr_array_index (ops, j))->op_id, sweep->items[i]) == 0;
        if (!found)
          clear_signature (sweep->self, sweep->items[i]);
      }
  g_object_unref (sweep->self);
  g_strfreev (sweep->items);
  g_free (sweep);
}

static void
sweep_items_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ElSync) self = user_data;
  g_autoptr (GError) error = NULL;
  char **items = el_secrets_list_items_finish (EL_SECRETS (source), result, &error);
  Sweep *sweep;

  if (items == NULL || items[0] == NULL)
    {
      if (items == NULL)
        g_debug ("sync: signatures not listed: %s", error->message);
      g_strfreev (items);
      return;
    }
  /* items first, then the outbox: an item is stored only after its op is queued */
  sweep = g_new0 (Sweep, 1);
  sweep->self = g_object_ref (self);
  sweep->items = items;
  el_store_list_ops_async (self->store, EL_STORE_OP_FILTER_ALL, NULL, sweep_ops_cb, sweep);
}

static void
sweep_signatures (ElSync *self)
{
  if (self->secrets == NULL || self->account == NULL)
    return;
  el_secrets_list_items_async (self->secrets, self->account, EL_SECRET_KIND_PENDING_SIGNATURE, NULL,
                               sweep_items_cb, g_object_ref (self));
}

/* ------------------------------------------------------------------------------------------------
 * Push
 */

typedef enum
{
  OUTCOME_RETRY_STOP,  /* network: op_failed with backoff, stop the push, skip the pull (offline) */
  OUTCOME_RATE_LIMIT,  /* 429: op_failed with Retry-After, stop the push and the cycle */
  OUTCOME_RETRY_BLOCK, /* 5xx, bad answer: op_failed with backoff, block the resource */
  OUTCOME_CONFLICT,    /* 409 version_conflict on sbar.create */
  OUTCOME_REJECT,      /* other 4xx: needs attention */
  OUTCOME_SESSION,     /* the session ended: op_failed without backoff, stop the cycle */
  OUTCOME_CANCELLED,   /* el_sync_stop(): op_failed without backoff, stop the cycle */
} Outcome;

static void push_next (Cycle *c);

static char *
resource_key (const ElStoreOp *op)
{
  return g_strconcat (op->resource_type != NULL ? op->resource_type : "", "/",
                      op->resource_id != NULL ? op->resource_id : "", NULL);
}

static void
block_resource (Cycle *c, const ElStoreOp *op)
{
  g_hash_table_add (c->blocked, resource_key (op));
}

static gboolean
resource_blocked (Cycle *c, const ElStoreOp *op)
{
  g_autofree char *key = resource_key (op);

  return g_hash_table_contains (c->blocked, key);
}

static void
op_handled (Cycle *c)
{
  c->ops_handled++;
  c->op = NULL;
  set_progress (c->self, 0.5 * (double) c->ops_handled / (double) MAX (c->ops->len, 1u));
  push_next (c);
}

/* The op's next attempt: full jitter on its attempts, or what the server asked for. */
static gint64
next_attempt (Cycle *c, guint attempts, gint64 retry_after_ms)
{
  guint64 ceiling = c->self->retry_base_ms;
  gint64 delay_ms;

  if (retry_after_ms >= 0)
    delay_ms = retry_after_ms;
  else
    {
      for (guint i = 1; i < attempts && ceiling < c->self->retry_cap_ms; i++)
        ceiling *= 2;
      ceiling = MIN (ceiling, (guint64) c->self->retry_cap_ms);
      delay_ms = ceiling == 0
                     ? 0
                     : (gint64) g_random_int_range (0, (gint32) MIN (ceiling, (guint64) G_MAXINT32 - 1) + 1);
    }
  return g_get_real_time () + delay_ms * 1000;
}

static void
op_done_retry_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Cycle *c = user_data;
  g_autoptr (GError) error = NULL;

  if (!el_store_op_done_finish (EL_STORE (source), result, &error))
    {
      cycle_end (c, store_error ("record a pushed op", error));
      return;
    }
  c->stats.pushed++;
  op_handled (c);
}

static void
op_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Cycle *c = user_data;
  g_autoptr (GError) error = NULL;

  if (!el_store_op_done_finish (EL_STORE (source), result, &error))
    {
      if (g_error_matches (error, EL_STORE_ERROR, EL_STORE_ERROR_INVALID))
        {
          /* the server applied it, but its answer does not decode: record the op as done without
           * the entity (the pull brings the server's copy) rather than pushing it forever */
          g_debug ("sync: %s accepted; its answer was not stored: %s", c->op->kind, error->message);
          el_store_op_done_async (c->self->store, c->op->op_id, NULL, NULL, op_done_retry_cb, c);
          return;
        }
      cycle_end (c, store_error ("record a pushed op", error));
      return;
    }
  c->stats.pushed++;
  op_handled (c);
}

static void
op_succeeded (Cycle *c, JsonNode *entity)
{
  if (g_strcmp0 (c->op->kind, EL_STORE_OP_HANDOFF_SIGN) == 0)
    clear_signature (c->self, c->op->op_id);
  el_store_op_done_async (c->self->store, c->op->op_id, entity, NULL, op_done_cb, c);
}

static Outcome
classify (const ElStoreOp *op, const GError *error, ElApiProblem *problem)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return OUTCOME_CANCELLED;
  if (error->domain != EL_API_ERROR)
    return OUTCOME_REJECT; /* e.g. the recording file is gone */
  switch ((ElApiError) error->code)
    {
      case EL_API_ERROR_NETWORK:
      case EL_API_ERROR_TIMEOUT:
      case EL_API_ERROR_CIRCUIT_OPEN:
        return OUTCOME_RETRY_STOP;
      case EL_API_ERROR_RATE_LIMITED:
        return OUTCOME_RATE_LIMIT;
      case EL_API_ERROR_SERVER:
      case EL_API_ERROR_INVALID_RESPONSE:
        return OUTCOME_RETRY_BLOCK;
      case EL_API_ERROR_UNAUTHORIZED:
      case EL_API_ERROR_TOKEN_EXPIRED:
        return OUTCOME_SESSION;
      case EL_API_ERROR_CONFLICT:
        /* the same op's earlier attempt still holds its Idempotency-Key (an upload cut mid-body
         * keeps it until the server's lease ends): transient, try again after Retry-After */
        if (problem != NULL && g_strcmp0 (el_api_problem_get_code (problem), "idempotency_in_progress") == 0)
          return OUTCOME_RETRY_BLOCK;
        if (g_strcmp0 (op->kind, EL_STORE_OP_SBAR_CREATE) == 0 && problem != NULL &&
            g_strcmp0 (el_api_problem_get_code (problem), "version_conflict") == 0 &&
            el_api_problem_get_json (problem) != NULL &&
            json_object_has_member (el_api_problem_get_json (problem), "latest"))
          return OUTCOME_CONFLICT;
        return OUTCOME_REJECT;
      case EL_API_ERROR_FORBIDDEN:
      case EL_API_ERROR_NOT_FOUND:
      case EL_API_ERROR_PRECONDITION_FAILED:
      case EL_API_ERROR_PRECONDITION_REQUIRED:
      case EL_API_ERROR_LOCKED:
      case EL_API_ERROR_UNPROCESSABLE:
      case EL_API_ERROR_PAYLOAD_TOO_LARGE:
      case EL_API_ERROR_INVALID_CREDENTIALS:
      case EL_API_ERROR_BAD_REQUEST:
      case EL_API_ERROR_INVALID_ARGUMENT:
      default:
        return OUTCOME_REJECT;
    }
}

static void
mark_conflict_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Cycle *c = user_data;
  g_autoptr (GError) error = NULL;

  if (!el_store_mark_conflict_finish (EL_STORE (source), result, &error))
    {
      cycle_end (c, store_error ("keep a conflicted copy", error));
      return;
    }
  c->stats.conflicts++;
  block_resource (c, c->op);
  g_signal_emit (c->self, signals[SIGNAL_CONFLICT_DETECTED], 0, c->op->resource_id, c->op->op_id);
  op_handled (c);
}

static void
needs_attention_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Cycle *c = user_data;
  g_autoptr (GError) error = NULL;

  if (!el_store_op_needs_attention_finish (EL_STORE (source), result, &error))
    {
      cycle_end (c, store_error ("set an op aside", error));
      return;
    }
  c->stats.needs_attention++;
  g_signal_emit (c->self, signals[SIGNAL_OP_REJECTED], 0, c->op->op_id, c->op->kind, c->op->http_status);
  op_handled (c);
}

static void
op_failed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Cycle *c = user_data;
  g_autoptr (GError) error = NULL;

  if (!el_store_op_failed_finish (EL_STORE (source), result, &error))
    {
      cycle_end (c, store_error ("reschedule an op", error));
      return;
    }
  if (c->stop_push)
    {
      cycle_end (c, NULL);
      return;
    }
  op_handled (c);
}

static void
op_errored (Cycle *c, const GError *error)
{
  ElSync *self = c->self;
  ElStoreOp *op = c->op;
  ElApiProblem *problem = el_api_error_get_problem (error);
  guint status = problem != NULL ? el_api_problem_get_status (problem) : 0;
  gint64 retry_after = problem != NULL ? el_api_problem_get_retry_after (problem) : -1;
  Outcome outcome = classify (op, error, problem);
  g_autofree char *message = NULL;

  if (problem != NULL && el_api_problem_get_code (problem) != NULL)
    message = g_strdup_printf ("%s: HTTP %u %s", op->kind, status, el_api_problem_get_code (problem));
  else if (status != 0)
    message = g_strdup_printf ("%s: HTTP %u", op->kind, status);
  else
    message = g_strdup_printf ("%s: %s", op->kind, error->message);

  switch (outcome)
    {
      case OUTCOME_CONFLICT:
        {
          JsonNode *theirs = json_object_get_member (el_api_problem_get_json (problem), "latest");

          el_store_mark_conflict_async (self->store, op->op_id, theirs, NULL, mark_conflict_cb, c);
          return;
        }
      case OUTCOME_REJECT:
        if (g_strcmp0 (op->kind, EL_STORE_OP_HANDOFF_SIGN) == 0 &&
            g_error_matches (error, EL_API_ERROR, EL_API_ERROR_INVALID_CREDENTIALS))
          {
            /* the password given when signing on this PC is not (any more) the nurse's: no use
             * keeping it; she signs again */
            g_free (message);
            message = g_strdup_printf ("%s: HTTP %u invalid_credentials: the password given when signing "
                                       "on this PC is no longer valid; sign again",
                                       op->kind, status);
            clear_signature (self, op->op_id);
          }
        op->http_status = status;
        el_store_op_needs_attention_async (self->store, op->op_id, message, status, NULL, needs_attention_cb,
                                           c);
        return;
      case OUTCOME_RETRY_BLOCK:
        c->stats.failed++;
        block_resource (c, op);
        el_store_op_failed_async (self->store, op->op_id, message, status,
                                  next_attempt (c, op->attempts + 1, retry_after), NULL, op_failed_cb, c);
        return;
      case OUTCOME_RETRY_STOP:
      case OUTCOME_RATE_LIMIT:
        if (outcome == OUTCOME_RATE_LIMIT)
          self->rate_limited_until = next_attempt (c, op->attempts + 1, retry_after);
        c->stats.failed++;
        c->stop_push = TRUE;
        g_clear_error (&c->error);
        c->error = api_error_to_sync ("push", error);
        el_store_op_failed_async (self->store, op->op_id, message, status,
                                  next_attempt (c, op->attempts + 1, retry_after), NULL, op_failed_cb, c);
        return;
      case OUTCOME_SESSION:
      case OUTCOME_CANCELLED:
      default:
        c->stop_push = TRUE;
        g_clear_error (&c->error);
        c->error = outcome == OUTCOME_CANCELLED
                       ? g_error_new_literal (EL_SYNC_ERROR, EL_SYNC_ERROR_STOPPED, "sync stopped")
                       : api_error_to_sync ("push", error);
        el_store_op_failed_async (self->store, op->op_id, message, status, 0, NULL, op_failed_cb, c);
        return;
    }
}

static void
op_sent_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Cycle *c = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElApiResponse) response = el_api_client_call_finish (EL_API_CLIENT (source), result, &error);

  if (response == NULL)
    {
      op_errored (c, error);
      return;
    }
  op_succeeded (c, el_api_response_get_json (response));
}

static void
recording_sent_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Cycle *c = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElRecording) recording = NULL;
  g_autoptr (JsonNode) node = NULL;

  if (g_task_get_source_tag (G_TASK (result)) == el_api_client_upload_recording_async)
    recording = el_api_client_upload_recording_finish (EL_API_CLIENT (source), result, &error);
  else
    recording = el_api_client_upload_recording_file_finish (EL_API_CLIENT (source), result, &error);
  if (recording == NULL)
    {
      op_errored (c, error);
      return;
    }
  node = el_recording_to_json (recording);
  op_succeeded (c, node);
}

/* Needs attention without sending anything (an op this engine cannot send). */
static void
op_unsendable (Cycle *c, const char *why)
{
  g_autofree char *message = g_strdup_printf ("%s: %s", c->op->kind, why);

  c->op->http_status = 0;
  el_store_op_needs_attention_async (c->self->store, c->op->op_id, message, 0, NULL, needs_attention_cb, c);
}

/* A sealed recording streams to the server decrypted chunk by chunk: plaintext only in memory. */
static GInputStream *
open_sealed_stream (gpointer user_data, GCancellable *cancellable, GError **error)
{
  return el_sealed_audio_open_stream (EL_SEALED_AUDIO (user_data), error);
}

typedef struct
{
  Cycle *c;
  char *recording_id;
  char *content_type;
} SealedUpload;

static void
sealed_opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SealedUpload *up = user_data;
  Cycle *c = up->c;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElSealedAudio) audio = el_sealed_audio_open_finish (result, &error);

  if (audio == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        op_errored (c, error);
      else
        op_unsendable (c, "the recording on this PC cannot be read (missing, damaged or another key)");
    }
  else
    {
      guint64 size = el_sealed_audio_get_size (audio);

      el_api_client_upload_recording_async (c->self->client, c->op->resource_id, up->recording_id,
                                            up->content_type, open_sealed_stream, g_object_ref (audio),
                                            g_object_unref, (gint64) size, NULL, c->op->op_id, c->cancellable,
                                            recording_sent_cb, c);
    }
  g_free (up->recording_id);
  g_free (up->content_type);
  g_free (up);
}

static void
send_recording (Cycle *c, JsonObject *payload)
{
  const char *recording_id = json_object_get_string_member_with_default (payload, "recording_id", NULL);
  const char *content_type = json_object_get_string_member_with_default (payload, "content_type", NULL);
  const char *path = json_object_get_string_member_with_default (payload, "path", NULL);
  g_autoptr (GFile) file = NULL;

  if (content_type == NULL || path == NULL || c->op->resource_id == NULL)
    {
      op_unsendable (c, "the payload lacks content_type or path");
      return;
    }
  if (g_str_has_suffix (path, EL_SEALED_AUDIO_SUFFIX))
    {
      SealedUpload *up;

      if (c->self->audio_vault == NULL || recording_id == NULL)
        {
          op_unsendable (c, "a sealed recording needs the account's audio key and the recording id");
          return;
        }
      up = g_new0 (SealedUpload, 1);
      up->c = c;
      up->recording_id = g_strdup (recording_id);
      up->content_type = g_strdup (content_type);
      el_sealed_audio_open_async (c->self->audio_vault, path, recording_id, c->cancellable, sealed_opened_cb,
                                  up);
      return;
    }
  file = g_file_new_for_path (path);
  el_api_client_upload_recording_file_async (c->self->client, c->op->resource_id, recording_id, content_type,
                                             file, c->op->op_id, c->cancellable, recording_sent_cb, c);
}

static void
signature_found_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Cycle *c = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) password = el_secrets_lookup_finish (EL_SECRETS (source), result, &error);
  g_autoptr (JsonNode) body = g_steal_pointer (&c->sign_body);
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;
  const char *data;

  if (password == NULL)
    {
      if (error != NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        op_errored (c, error);
      else if (error != NULL)
        {
          /* the keyring is locked or gone: try again later, the op keeps its place */
          g_autoptr (GError) retry = g_error_new (EL_API_ERROR, EL_API_ERROR_SERVER,
                                                  "the keyring cannot be read: %s", error->message);

          op_errored (c, retry);
        }
      else if (g_get_real_time () - c->op->created_at < 60 * G_USEC_PER_SEC)
        {
          /* just queued: its password is on its way to the keyring */
          g_autoptr (GError) retry = g_error_new_literal (EL_API_ERROR, EL_API_ERROR_SERVER,
                                                          "the signature's password is not stored yet");

          op_errored (c, retry);
        }
      else
        op_unsendable (
            c, "the password given when signing on this PC is not in the keyring any more; sign again");
      return;
    }
  data = g_bytes_get_data (password, &len);
  text = g_strndup (data, len); /* the keyring holds the password's UTF-8 bytes */
  json_object_set_string_member (json_node_get_object (body), "password", text);
  memset (text, 0, len);
  escaped = g_uri_escape_string (c->op->resource_id, NULL, FALSE);
  path = g_strdup_printf ("/api/v1/handoffs/%s/sign", escaped);
  el_api_client_call_async (c->self->client, "POST", "/api/v1/handoffs/{handoff_id}/sign", path,
                            EL_API_CALL_AUTH, body, NULL, c->op->op_id, NULL, c->cancellable, op_sent_cb, c);
}

/* The body {"version": N} plus the password from the keyring, in memory only. */
static void
send_signature (Cycle *c, JsonNode *body)
{
  if (c->self->secrets == NULL || c->self->account == NULL)
    {
      op_unsendable (c, "no keyring to read the signature's password from");
      return;
    }
  g_clear_pointer (&c->sign_body, json_node_unref);
  c->sign_body = json_node_copy (body);
  el_secrets_lookup_item_async (c->self->secrets, c->self->account, EL_SECRET_KIND_PENDING_SIGNATURE,
                                c->op->op_id, c->cancellable, signature_found_cb, c);
}

static void
send_op (Cycle *c)
{
  ElStoreOp *op = c->op;
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  const char *method = "POST";
  const char *route = NULL;
  const char *if_match = NULL;

  if (op->payload != NULL && g_bytes_get_size (op->payload) > 0)
    {
      gsize len = 0;
      const char *data = g_bytes_get_data (op->payload, &len);
      g_autoptr (JsonParser) parser = json_parser_new_immutable ();

      if (!json_parser_load_from_data (parser, data, (gssize) len, NULL))
        {
          op_unsendable (c, "the payload is not JSON");
          return;
        }
      body = json_parser_steal_root (parser);
    }

  if (g_strcmp0 (op->kind, EL_STORE_OP_HANDOFF_CREATE) != 0 && op->resource_id == NULL)
    {
      op_unsendable (c, "no resource id");
      return;
    }
  if (op->resource_id != NULL)
    escaped = g_uri_escape_string (op->resource_id, NULL, FALSE);

  if (g_strcmp0 (op->kind, EL_STORE_OP_SBAR_CREATE) == 0)
    {
      route = "/api/v1/handoffs/{handoff_id}/sbar/versions";
      path = g_strdup_printf ("/api/v1/handoffs/%s/sbar/versions", escaped);
    }
  else if (g_strcmp0 (op->kind, EL_STORE_OP_HANDOFF_CREATE) == 0)
    {
      route = "/api/v1/handoffs";
      path = g_strdup (route);
    }
  else if (g_strcmp0 (op->kind, EL_STORE_OP_HANDOFF_PATCH) == 0)
    {
      method = "PATCH";
      route = "/api/v1/handoffs/{handoff_id}";
      path = g_strdup_printf ("/api/v1/handoffs/%s", escaped);
      if_match = op->etag;
    }
  else if (g_strcmp0 (op->kind, EL_STORE_OP_HANDOFF_SIGN) == 0)
    {
      if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
        {
          op_unsendable (c, "the payload is not a JSON object");
          return;
        }
      send_signature (c, body);
      return;
    }
  else if (g_strcmp0 (op->kind, "handoff.acknowledge") == 0)
    {
      route = "/api/v1/handoffs/{handoff_id}/acknowledge";
      path = g_strdup_printf ("/api/v1/handoffs/%s/acknowledge", escaped);
    }
  else if (g_strcmp0 (op->kind, EL_STORE_OP_RECORDING_UPLOAD) == 0)
    {
      if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
        {
          op_unsendable (c, "the payload is not a JSON object");
          return;
        }
      send_recording (c, json_node_get_object (body));
      return;
    }
  else
    {
      op_unsendable (c, "unknown op kind");
      return;
    }

  if (body == NULL)
    {
      op_unsendable (c, "no payload");
      return;
    }
  el_api_client_call_async (c->self->client, method, route, path, EL_API_CALL_AUTH, body, NULL, op->op_id,
                            if_match, c->cancellable, op_sent_cb, c);
}

static void
op_begun_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Cycle *c = user_data;
  g_autoptr (GError) error = NULL;

  if (!el_store_op_begin_finish (EL_STORE (source), result, &error))
    {
      if (g_error_matches (error, EL_STORE_ERROR, EL_STORE_ERROR_STATE) ||
          g_error_matches (error, EL_STORE_ERROR, EL_STORE_ERROR_NOT_FOUND))
        {
          /* discarded or resolved meanwhile: nothing to send */
          c->stats.skipped++;
          op_handled (c);
          return;
        }
      cycle_end (c, store_error ("begin an op", error));
      return;
    }
  send_op (c);
}

static void
push_next (Cycle *c)
{
  gint64 now = g_get_real_time ();

  if (g_cancellable_is_cancelled (c->cancellable))
    {
      cycle_end (c, g_error_new_literal (EL_SYNC_ERROR, EL_SYNC_ERROR_STOPPED, "sync stopped"));
      return;
    }

  while (c->op_index < c->ops->len)
    {
      ElStoreOp *op = g_ptr_array_index (c->ops, c->op_index++);
      gboolean network_backoff = op->http_status == 0;

      if (resource_blocked (c, op))
        {
          c->stats.skipped++;
          c->ops_handled++;
          continue;
        }
      if (op->next_attempt_at > now && !((c->flags & EL_SYNC_RUN_IGNORE_BACKOFF) && network_backoff))
        {
          /* strictly in order: the later ops of this resource wait too */
          block_resource (c, op);
          c->stats.skipped++;
          c->ops_handled++;
          continue;
        }
      c->op = op;
      el_store_op_begin_async (c->self->store, op->op_id, c->cancellable, op_begun_cb, c);
      return;
    }
  pull_start (c);
}

static void
pushable_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Cycle *c = user_data;
  g_autoptr (GError) error = NULL;

  c->ops = el_store_list_ops_finish (EL_STORE (source), result, &error);
  if (c->ops == NULL)
    {
      cycle_end (c, store_error ("list the outbox", error));
      return;
    }
  push_next (c);
}

static void
conflicts_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Cycle *c = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ops = el_store_list_ops_finish (EL_STORE (source), result, &error);

  if (ops == NULL)
    {
      cycle_end (c, store_error ("list the conflicts", error));
      return;
    }
  /* later ops of a resource with an unresolved conflict were made on top of the refused version */
  for (guint i = 0; i < ops->len; i++)
    block_resource (c, g_ptr_array_index (ops, i));
  el_store_list_ops_async (c->self->store, EL_STORE_OP_FILTER_PUSHABLE, c->cancellable, pushable_cb, c);
}

static void
cycle_start (Cycle *c)
{
  ElSync *self = c->self;

  g_object_ref (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  set_progress (self, 0.0);

  if (!el_api_client_get_signed_in (self->client))
    {
      cycle_end (c, g_error_new_literal (EL_SYNC_ERROR, EL_SYNC_ERROR_NOT_SIGNED_IN, "sync: not signed in"));
      return;
    }
  if (g_get_real_time () < self->rate_limited_until)
    {
      gint64 wait_s = (self->rate_limited_until - g_get_real_time ()) / G_USEC_PER_SEC + 1;

      cycle_end (c, g_error_new (EL_SYNC_ERROR, EL_SYNC_ERROR_RATE_LIMITED,
                                 "sync: the server asked to wait (rate limited) %" G_GINT64_FORMAT " s more",
                                 wait_s));
      return;
    }
  set_state (self, EL_SYNC_STATE_PUSHING);
  el_store_list_ops_async (self->store, EL_STORE_OP_FILTER_CONFLICT, c->cancellable, conflicts_cb, c);
}

/* ------------------------------------------------------------------------------------------------
 * Triggers
 */

static gboolean
timer_cb (gpointer user_data)
{
  ElSync *self = user_data;

  el_sync_request (self, EL_SYNC_RUN_NONE);
  return G_SOURCE_CONTINUE;
}

static void
restart_timer (ElSync *self)
{
  clear_source (&self->timer);
  if (self->started && self->interval > 0)
    self->timer = attach_timeout (self, self->interval * 1000, timer_cb);
}

static gboolean
delay_cb (gpointer user_data)
{
  ElSync *self = user_data;

  g_clear_pointer (&self->delay, g_source_unref);
  el_sync_request (self, EL_SYNC_RUN_NONE);
  return G_SOURCE_REMOVE;
}

void
el_sync_notify_local_change (ElSync *self)
{
  g_return_if_fail (EL_IS_SYNC (self));

  el_sync_refresh_counts (self);
  if (self->started && self->delay == NULL)
    self->delay = attach_timeout (self, self->push_delay_ms, delay_cb);
}

static void
probe_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (ElSync) self = user_data;

  (void) el_api_client_probe_finish (EL_API_CLIENT (source), result, NULL);
  if (self->started)
    el_sync_request (self, EL_SYNC_RUN_IGNORE_BACKOFF);
}

static void
network_changed_cb (GNetworkMonitor *monitor, gboolean available, gpointer user_data)
{
  ElSync *self = user_data;

  (void) monitor;
  if (!self->started || !available)
    return;
  el_api_client_probe_async (self->client, NULL, probe_cb, g_object_ref (self));
}

static void
online_changed_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  ElSync *self = user_data;

  (void) object;
  (void) pspec;
  if (el_api_client_get_online (self->client))
    {
      if (self->started)
        el_sync_request (self, EL_SYNC_RUN_IGNORE_BACKOFF);
      else if (self->running == NULL && self->state == EL_SYNC_STATE_OFFLINE)
        set_state (self, EL_SYNC_STATE_IDLE);
    }
  else if (self->running == NULL)
    set_state (self, EL_SYNC_STATE_OFFLINE);
}

void
el_sync_start (ElSync *self)
{
  g_return_if_fail (EL_IS_SYNC (self));

  if (self->started)
    return;
  self->started = TRUE;
  restart_timer (self);
  if (self->monitor != NULL)
    self->network_handler =
        g_signal_connect (self->monitor, "network-changed", G_CALLBACK (network_changed_cb), self);
  el_sync_request (self, EL_SYNC_RUN_NONE);
}

void
el_sync_stop (ElSync *self)
{
  g_return_if_fail (EL_IS_SYNC (self));

  self->started = FALSE;
  clear_source (&self->timer);
  clear_source (&self->delay);
  if (self->network_handler != 0)
    g_clear_signal_handler (&self->network_handler, self->monitor);
  if (self->queued != NULL)
    {
      Cycle *queued = self->queued;
      g_autoptr (GError) error = g_error_new_literal (EL_SYNC_ERROR, EL_SYNC_ERROR_STOPPED, "sync stopped");

      self->queued = NULL;
      cycle_abandon (queued, error);
    }
  if (self->running != NULL)
    g_cancellable_cancel (self->running->cancellable);
}

gboolean
el_sync_get_started (ElSync *self)
{
  g_return_val_if_fail (EL_IS_SYNC (self), FALSE);
  return self->started;
}

/* ------------------------------------------------------------------------------------------------
 * Recording payloads
 */

GBytes *
el_sync_recording_payload_new (const char *recording_id,
                               const char *content_type,
                               const char *path,
                               GError **error)
{
  g_autoptr (JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  char *text;
  gsize len = 0;

  if (content_type == NULL ||
      (g_strcmp0 (content_type, "audio/ogg") != 0 && g_strcmp0 (content_type, "audio/wav") != 0))
    {
      g_set_error_literal (error, EL_SYNC_ERROR, EL_SYNC_ERROR_FAILED,
                           "recording payload: content_type must be audio/ogg or audio/wav");
      return NULL;
    }
  if (path == NULL || !g_path_is_absolute (path))
    {
      g_set_error_literal (error, EL_SYNC_ERROR, EL_SYNC_ERROR_FAILED,
                           "recording payload: path must be absolute");
      return NULL;
    }
  if (recording_id != NULL && !g_uuid_string_is_valid (recording_id))
    {
      g_set_error_literal (error, EL_SYNC_ERROR, EL_SYNC_ERROR_FAILED,
                           "recording payload: recording_id must be a UUID");
      return NULL;
    }
  json_builder_begin_object (builder);
  if (recording_id != NULL)
    {
      json_builder_set_member_name (builder, "recording_id");
      json_builder_add_string_value (builder, recording_id);
    }
  json_builder_set_member_name (builder, "content_type");
  json_builder_add_string_value (builder, content_type);
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, path);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &len);
  return g_bytes_new_take (text, len);
}

/* ------------------------------------------------------------------------------------------------
 * GObject
 */

ElSync *
el_sync_new (ElStore *store, ElApiClient *client)
{
  return el_sync_new_with_monitor (store, client, NULL);
}

ElSync *
el_sync_new_with_monitor (ElStore *store, ElApiClient *client, GNetworkMonitor *monitor)
{
  g_return_val_if_fail (EL_IS_STORE (store), NULL);
  g_return_val_if_fail (EL_IS_API_CLIENT (client), NULL);
  g_return_val_if_fail (monitor == NULL || G_IS_NETWORK_MONITOR (monitor), NULL);

  return g_object_new (EL_TYPE_SYNC, "store", store, "client", client, "network-monitor", monitor, NULL);
}

ElStore *
el_sync_get_store (ElSync *self)
{
  g_return_val_if_fail (EL_IS_SYNC (self), NULL);
  return self->store;
}

ElApiClient *
el_sync_get_client (ElSync *self)
{
  g_return_val_if_fail (EL_IS_SYNC (self), NULL);
  return self->client;
}

ElSyncState
el_sync_get_state (ElSync *self)
{
  g_return_val_if_fail (EL_IS_SYNC (self), EL_SYNC_STATE_IDLE);
  return self->state;
}

gboolean
el_sync_get_running (ElSync *self)
{
  g_return_val_if_fail (EL_IS_SYNC (self), FALSE);
  return self->running != NULL;
}

double
el_sync_get_progress (ElSync *self)
{
  g_return_val_if_fail (EL_IS_SYNC (self), 0.0);
  return self->progress;
}

gint64
el_sync_get_pending_count (ElSync *self)
{
  g_return_val_if_fail (EL_IS_SYNC (self), -1);
  return self->pending_count;
}

gint64
el_sync_get_needs_attention_count (ElSync *self)
{
  g_return_val_if_fail (EL_IS_SYNC (self), -1);
  return self->needs_attention_count;
}

gint64
el_sync_get_conflict_count (ElSync *self)
{
  g_return_val_if_fail (EL_IS_SYNC (self), -1);
  return self->conflict_count;
}

GDateTime *
el_sync_get_last_sync (ElSync *self)
{
  g_return_val_if_fail (EL_IS_SYNC (self), NULL);
  return self->last_sync;
}

const char *
el_sync_get_last_error (ElSync *self)
{
  g_return_val_if_fail (EL_IS_SYNC (self), NULL);
  return self->last_error;
}

guint
el_sync_get_interval (ElSync *self)
{
  g_return_val_if_fail (EL_IS_SYNC (self), 0);
  return self->interval;
}

void
el_sync_set_audio_vault (ElSync *self, ElVault *audio_vault)
{
  g_return_if_fail (EL_IS_SYNC (self));
  g_return_if_fail (audio_vault == NULL || EL_IS_VAULT (audio_vault));
  g_set_object (&self->audio_vault, audio_vault);
}

void
el_sync_set_interval (ElSync *self, guint seconds)
{
  g_return_if_fail (EL_IS_SYNC (self));
  if (self->interval == seconds)
    return;
  self->interval = seconds;
  restart_timer (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVAL]);
}

void
el_sync_set_retry_backoff (ElSync *self, guint base_ms, guint cap_ms)
{
  g_return_if_fail (EL_IS_SYNC (self));
  g_object_set (self, "retry-base-ms", base_ms, "retry-cap-ms", cap_ms, NULL);
}

static void
el_sync_constructed (GObject *object)
{
  ElSync *self = EL_SYNC (object);

  G_OBJECT_CLASS (el_sync_parent_class)->constructed (object);

  g_assert (self->store != NULL && self->client != NULL);
  self->context = g_main_context_ref_thread_default ();
  if (self->monitor == NULL)
    self->monitor = g_object_ref (g_network_monitor_get_default ());
  self->online_handler =
      g_signal_connect (self->client, "notify::online", G_CALLBACK (online_changed_cb), self);
  /* a local save (ops "added"; ElSync's own pushes only change or remove ops) */
  self->outbox_handler = g_signal_connect_swapped (self->store, "outbox-changed::added",
                                                   G_CALLBACK (el_sync_notify_local_change), self);
  self->removed_handler =
      g_signal_connect_swapped (self->store, "outbox-changed::removed", G_CALLBACK (sweep_signatures), self);
  if (!el_api_client_get_online (self->client))
    self->state = EL_SYNC_STATE_OFFLINE;
}

static void
el_sync_dispose (GObject *object)
{
  ElSync *self = EL_SYNC (object);

  el_sync_stop (self);
  if (self->online_handler != 0)
    g_clear_signal_handler (&self->online_handler, self->client);
  if (self->outbox_handler != 0)
    g_clear_signal_handler (&self->outbox_handler, self->store);
  if (self->removed_handler != 0)
    g_clear_signal_handler (&self->removed_handler, self->store);
  G_OBJECT_CLASS (el_sync_parent_class)->dispose (object);
}

static void
el_sync_finalize (GObject *object)
{
  ElSync *self = EL_SYNC (object);

  g_clear_object (&self->store);
  g_clear_object (&self->client);
  g_clear_object (&self->monitor);
  g_clear_object (&self->audio_vault);
  g_clear_object (&self->secrets);
  g_clear_pointer (&self->account, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->last_sync, g_date_time_unref);
  g_clear_pointer (&self->last_error, g_free);
  G_OBJECT_CLASS (el_sync_parent_class)->finalize (object);
}

static void
el_sync_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElSync *self = EL_SYNC (object);

  switch (prop_id)
    {
      case PROP_STORE:
        g_value_set_object (value, self->store);
        break;
      case PROP_CLIENT:
        g_value_set_object (value, self->client);
        break;
      case PROP_NETWORK_MONITOR:
        g_value_set_object (value, self->monitor);
        break;
      case PROP_INTERVAL:
        g_value_set_uint (value, self->interval);
        break;
      case PROP_PUSH_DELAY_MS:
        g_value_set_uint (value, self->push_delay_ms);
        break;
      case PROP_PAGE_LIMIT:
        g_value_set_uint (value, self->page_limit);
        break;
      case PROP_RETRY_BASE_MS:
        g_value_set_uint (value, self->retry_base_ms);
        break;
      case PROP_RETRY_CAP_MS:
        g_value_set_uint (value, self->retry_cap_ms);
        break;
      case PROP_STATE:
        g_value_set_enum (value, self->state);
        break;
      case PROP_RUNNING:
        g_value_set_boolean (value, self->running != NULL);
        break;
      case PROP_PROGRESS:
        g_value_set_double (value, self->progress);
        break;
      case PROP_PENDING_COUNT:
        g_value_set_int64 (value, self->pending_count);
        break;
      case PROP_NEEDS_ATTENTION_COUNT:
        g_value_set_int64 (value, self->needs_attention_count);
        break;
      case PROP_CONFLICT_COUNT:
        g_value_set_int64 (value, self->conflict_count);
        break;
      case PROP_LAST_SYNC:
        g_value_set_boxed (value, self->last_sync);
        break;
      case PROP_LAST_ERROR:
        g_value_set_string (value, self->last_error);
        break;
      case PROP_SECRETS:
        g_value_set_object (value, self->secrets);
        break;
      case PROP_ACCOUNT:
        g_value_set_string (value, self->account);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_sync_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElSync *self = EL_SYNC (object);

  switch (prop_id)
    {
      case PROP_STORE:
        self->store = g_value_dup_object (value);
        break;
      case PROP_CLIENT:
        self->client = g_value_dup_object (value);
        break;
      case PROP_NETWORK_MONITOR:
        self->monitor = g_value_dup_object (value);
        break;
      case PROP_INTERVAL:
        el_sync_set_interval (self, g_value_get_uint (value));
        break;
      case PROP_PUSH_DELAY_MS:
        self->push_delay_ms = g_value_get_uint (value);
        break;
      case PROP_PAGE_LIMIT:
        self->page_limit = g_value_get_uint (value);
        break;
      case PROP_RETRY_BASE_MS:
        self->retry_base_ms = g_value_get_uint (value);
        break;
      case PROP_RETRY_CAP_MS:
        self->retry_cap_ms = g_value_get_uint (value);
        break;
      case PROP_SECRETS:
        g_set_object (&self->secrets, g_value_get_object (value));
        if (self->store != NULL)
          sweep_signatures (self);
        break;
      case PROP_ACCOUNT:
        g_free (self->account);
        self->account = g_value_dup_string (value);
        if (self->store != NULL)
          sweep_signatures (self);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_sync_class_init (ElSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags rw =
      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_CONSTRUCT;
  const GParamFlags co = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_CONSTRUCT_ONLY;

  object_class->constructed = el_sync_constructed;
  object_class->dispose = el_sync_dispose;
  object_class->finalize = el_sync_finalize;
  object_class->get_property = el_sync_get_property;
  object_class->set_property = el_sync_set_property;

  properties[PROP_STORE] = g_param_spec_object ("store", NULL, NULL, EL_TYPE_STORE, co);
  properties[PROP_CLIENT] = g_param_spec_object ("client", NULL, NULL, EL_TYPE_API_CLIENT, co);
  properties[PROP_NETWORK_MONITOR] =
      g_param_spec_object ("network-monitor", NULL, NULL, G_TYPE_NETWORK_MONITOR, co);
  properties[PROP_INTERVAL] = g_param_spec_uint ("interval", NULL, NULL, 0, 86400, 60, rw);
  properties[PROP_PUSH_DELAY_MS] = g_param_spec_uint ("push-delay-ms", NULL, NULL, 0, 3600000, 500, rw);
  properties[PROP_PAGE_LIMIT] = g_param_spec_uint ("page-limit", NULL, NULL, 1, 200, 200, rw);
  properties[PROP_RETRY_BASE_MS] = g_param_spec_uint ("retry-base-ms", NULL, NULL, 0, 3600000, 2000, rw);
  properties[PROP_RETRY_CAP_MS] = g_param_spec_uint ("retry-cap-ms", NULL, NULL, 0, 86400000, 300000, rw);
  properties[PROP_STATE] =
      g_param_spec_enum ("state", NULL, NULL, EL_TYPE_SYNC_STATE, EL_SYNC_STATE_IDLE, ro);
  properties[PROP_RUNNING] = g_param_spec_boolean ("running", NULL, NULL, FALSE, ro);
  properties[PROP_PROGRESS] = g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0, ro);
  properties[PROP_PENDING_COUNT] = g_param_spec_int64 ("pending-count", NULL, NULL, -1, G_MAXINT64, -1, ro);
  properties[PROP_NEEDS_ATTENTION_COUNT] =
      g_param_spec_int64 ("needs-attention-count", NULL, NULL, -1, G_MAXINT64, -1, ro);
  properties[PROP_CONFLICT_COUNT] = g_param_spec_int64 ("conflict-count", NULL, NULL, -1, G_MAXINT64, -1, ro);
  properties[PROP_LAST_SYNC] = g_param_spec_boxed ("last-sync", NULL, NULL, G_TYPE_DATE_TIME, ro);
  properties[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL, ro);
  /* Where the passwords of signatures made offline wait (ElContext sets both): without them a
   * queued `handoff.sign` cannot be sent (needs attention). */
  properties[PROP_SECRETS] = g_param_spec_object ("secrets", NULL, NULL, EL_TYPE_SECRETS,
                                                  G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCOUNT] =
      g_param_spec_string ("account", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CYCLE_FINISHED] =
      g_signal_new ("cycle-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_POINTER);
  signals[SIGNAL_CONFLICT_DETECTED] =
      g_signal_new ("conflict-detected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIGNAL_OP_REJECTED] =
      g_signal_new ("op-rejected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                    G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_UINT);
}

static void
el_sync_init (ElSync *self)
{
  self->interval = 60;
  self->push_delay_ms = 500;
  self->page_limit = 200;
  self->retry_base_ms = 2000;
  self->retry_cap_ms = 300000;
  self->pending_count = -1;
  self->needs_attention_count = -1;
  self->conflict_count = -1;
}
