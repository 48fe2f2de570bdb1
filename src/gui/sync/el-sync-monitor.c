/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "el-sync-monitor.h"

struct _ElSyncMonitor
{
  GObject parent_instance;

  ElContext *context;
  ElApiClient *client;
  ElSync *sync;
  GCancellable *cancellable;

  /* what is shown */
  ElSyncIndicatorStatus status;
  char *status_text;
  const char *icon_name;
  gboolean offline;
  gint64 pending;
  gint64 needs_attention;
  gint64 conflicts;
  GDateTime *last_sync;
  const char *error_text;
  char *error_details;

  /* the code of the last cycle's EL_SYNC_ERROR, -1 when it succeeded or none ended yet */
  int last_error_code;

  guint retry_interval;
  guint retry_source;
  gboolean probing;
};

enum
{
  PROP_0,
  PROP_CONTEXT,
  PROP_RETRY_INTERVAL_MS,
  N_PROPS
};

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ElSyncMonitor, el_sync_monitor, G_TYPE_OBJECT)

static void update_retry_timer (ElSyncMonitor *self);

static const char *
error_words (int code, ElSyncState state)
{
  switch (code)
    {
      case EL_SYNC_ERROR_OFFLINE:
        return _ ("The server could not be reached. Changes are kept on this PC.");
      case EL_SYNC_ERROR_NOT_SIGNED_IN:
        return _ ("Your session has ended. Sign in again to send changes.");
      case EL_SYNC_ERROR_RATE_LIMITED:
        return _ ("The server asked to wait a moment. Sync will go on by itself.");
      case EL_SYNC_ERROR_SERVER:
        return _ ("The server had a problem. Sync will try again.");
      case EL_SYNC_ERROR_STORE:
        return _ ("The cache on this PC could not be read or written.");
      case EL_SYNC_ERROR_STOPPED:
        return NULL;
      case EL_SYNC_ERROR_FAILED:
        return _ ("The last sync failed.");
      default:
        break;
    }
  if (state == EL_SYNC_STATE_OFFLINE)
    return _ ("The server could not be reached. Changes are kept on this PC.");
  if (state == EL_SYNC_STATE_ERROR)
    return _ ("The last sync failed.");
  return NULL;
}

static char *
format_status_text (
    ElSyncIndicatorStatus status, gint64 pending, gint64 attention, gint64 conflicts, gboolean synced)
{
  switch (status)
    {
      case EL_SYNC_INDICATOR_NEEDS_ATTENTION:
        /* Translators: the header bar's sync state; %d is a number of rejected changes */
        return g_strdup_printf (_ ("Needs attention (%d)"), (int) attention);
      case EL_SYNC_INDICATOR_CONFLICT:
        if (conflicts == 1)
          return g_strdup (_ ("Conflict"));
        return g_strdup_printf (ngettext ("%d conflict", "%d conflicts", (gulong) conflicts),
                                (int) conflicts);
      case EL_SYNC_INDICATOR_OFFLINE:
        if (pending > 0)
          /* Translators: the header bar's sync state; %d is a number of changes waiting to be sent */
          return g_strdup_printf (ngettext ("Offline · %d pending", "Offline · %d pending", (gulong) pending),
                                  (int) pending);
        return g_strdup (_ ("Offline"));
      case EL_SYNC_INDICATOR_SYNCING:
        return g_strdup (_ ("Syncing…"));
      case EL_SYNC_INDICATOR_PENDING:
        /* Translators: the header bar's sync state; %d is a number of changes waiting to be sent */
        return g_strdup_printf (ngettext ("%d pending", "%d pending", (gulong) pending), (int) pending);
      case EL_SYNC_INDICATOR_ONLINE:
      default:
        return g_strdup (synced ? _ ("Up to date") : _ ("Online"));
    }
}

static const char *
status_icon (ElSyncIndicatorStatus status)
{
  switch (status)
    {
      case EL_SYNC_INDICATOR_NEEDS_ATTENTION:
        return "dialog-warning-symbolic";
      case EL_SYNC_INDICATOR_CONFLICT:
        return "emblem-important-symbolic";
      case EL_SYNC_INDICATOR_OFFLINE:
        return "network-offline-symbolic";
      case EL_SYNC_INDICATOR_SYNCING:
        return "emblem-synchronizing-symbolic";
      case EL_SYNC_INDICATOR_PENDING:
        return "document-send-symbolic";
      case EL_SYNC_INDICATOR_ONLINE:
      default:
        return "emblem-ok-symbolic";
    }
}

static void
recompute (ElSyncMonitor *self)
{
  gboolean client_online = el_api_client_get_online (self->client);
  gboolean running = FALSE;
  ElSyncState state = EL_SYNC_STATE_IDLE;
  ElSyncIndicatorStatus status;
  g_autofree char *text = NULL;

  if (self->sync != NULL)
    {
      running = el_sync_get_running (self->sync);
      state = el_sync_get_state (self->sync);
      self->pending = MAX (el_sync_get_pending_count (self->sync), 0);
      self->needs_attention = MAX (el_sync_get_needs_attention_count (self->sync), 0);
      self->conflicts = MAX (el_sync_get_conflict_count (self->sync), 0);
      if (self->last_sync != el_sync_get_last_sync (self->sync))
        {
          g_clear_pointer (&self->last_sync, g_date_time_unref);
          if (el_sync_get_last_sync (self->sync) != NULL)
            self->last_sync = g_date_time_ref (el_sync_get_last_sync (self->sync));
        }
      g_free (self->error_details);
      self->error_details = g_strdup (el_sync_get_last_error (self->sync));
    }
  else
    {
      self->pending = self->needs_attention = self->conflicts = 0;
      g_clear_pointer (&self->last_sync, g_date_time_unref);
      g_clear_pointer (&self->error_details, g_free);
    }

  /* a cycle that runs keeps the previous answer (no flicker while it retries), unless the client
   * itself says the server is gone */
  if (!client_online)
    self->offline = TRUE;
  else if (!running)
    self->offline = state == EL_SYNC_STATE_OFFLINE;

  if (self->offline)
    self->error_text = error_words (EL_SYNC_ERROR_OFFLINE, state);
  else if (!running)
    self->error_text = state == EL_SYNC_STATE_ERROR ? error_words (self->last_error_code, state) : NULL;

  if (self->needs_attention > 0)
    status = EL_SYNC_INDICATOR_NEEDS_ATTENTION;
  else if (self->conflicts > 0)
    status = EL_SYNC_INDICATOR_CONFLICT;
  else if (self->offline)
    status = EL_SYNC_INDICATOR_OFFLINE;
  else if (running)
    status = EL_SYNC_INDICATOR_SYNCING;
  else if (self->pending > 0)
    status = EL_SYNC_INDICATOR_PENDING;
  else
    status = EL_SYNC_INDICATOR_ONLINE;

  text = format_status_text (status, self->pending, self->needs_attention, self->conflicts,
                             self->last_sync != NULL);
  self->status = status;
  self->icon_name = status_icon (status);
  g_free (self->status_text);
  self->status_text = g_steal_pointer (&text);

  update_retry_timer (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* ------------------------------------------------------------------------------------------------
 * Asking the server whether it is back
 */

static void
health_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElSyncMonitor *self;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) health = el_api_client_health_finish (EL_API_CLIENT (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = EL_SYNC_MONITOR (user_data);
  self->probing = FALSE;
  if (health == NULL)
    {
      g_debug ("the server is still unreachable (%s %d)", g_quark_to_string (error->domain), error->code);
      return;
    }
  g_debug ("the server answers again: requesting a sync cycle");
  if (self->sync != NULL)
    el_sync_request (self->sync, EL_SYNC_RUN_IGNORE_BACKOFF);
}

static void
probe_server (ElSyncMonitor *self)
{
  if (self->probing)
    return;
  self->probing = TRUE;
  el_api_client_health_async (self->client, self->cancellable, health_cb, self);
}

static gboolean
retry_timeout_cb (gpointer user_data)
{
  ElSyncMonitor *self = user_data;

  probe_server (self);
  return G_SOURCE_CONTINUE;
}

static void
update_retry_timer (ElSyncMonitor *self)
{
  gboolean wanted = self->offline && self->retry_interval > 0 && self->cancellable != NULL;

  if (wanted && self->retry_source == 0)
    self->retry_source = g_timeout_add (self->retry_interval, retry_timeout_cb, self);
  else if (!wanted)
    g_clear_handle_id (&self->retry_source, g_source_remove);
}

void
el_sync_monitor_sync_now (ElSyncMonitor *self)
{
  g_return_if_fail (EL_IS_SYNC_MONITOR (self));

  if (self->offline)
    probe_server (self);
  else if (self->sync != NULL)
    el_sync_request (self->sync, EL_SYNC_RUN_IGNORE_BACKOFF);
}

/* ------------------------------------------------------------------------------------------------
 * Following the context, its sync and its client
 */

static void
something_changed_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  (void) object;
  (void) pspec;
  recompute (EL_SYNC_MONITOR (user_data));
}

static void
sync_cycle_finished_cb (ElSync *sync, const ElSyncStats *stats, const GError *error, gpointer user_data)
{
  ElSyncMonitor *self = user_data;

  (void) sync;
  (void) stats;
  if (error == NULL)
    self->last_error_code = -1;
  else if (error->domain == EL_SYNC_ERROR)
    self->last_error_code = error->code;
  else
    self->last_error_code = EL_SYNC_ERROR_FAILED;
  recompute (self);
}

static void
bind_sync (ElSyncMonitor *self, ElSync *sync)
{
  static const char *const notifications[] = {
    "notify::state",          "notify::running",   "notify::pending-count", "notify::needs-attention-count",
    "notify::conflict-count", "notify::last-sync", "notify::last-error",
  };

  if (self->sync == sync)
    return;
  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  g_set_object (&self->sync, sync);
  self->last_error_code = -1;
  if (sync == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (notifications); i++)
    g_signal_connect (sync, notifications[i], G_CALLBACK (something_changed_cb), self);
  g_signal_connect (sync, "cycle-finished", G_CALLBACK (sync_cycle_finished_cb), self);
  el_sync_refresh_counts (sync);
}

static void
context_sync_changed_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  ElSyncMonitor *self = user_data;

  (void) pspec;
  bind_sync (self, el_context_get_sync (EL_CONTEXT (object)));
  recompute (self);
}

static void
el_sync_monitor_constructed (GObject *object)
{
  ElSyncMonitor *self = EL_SYNC_MONITOR (object);

  G_OBJECT_CLASS (el_sync_monitor_parent_class)->constructed (object);

  g_return_if_fail (EL_IS_CONTEXT (self->context));
  self->client = g_object_ref (el_context_get_api_client (self->context));
  g_signal_connect (self->client, "notify::online", G_CALLBACK (something_changed_cb), self);
  g_signal_connect (self->context, "notify::sync", G_CALLBACK (context_sync_changed_cb), self);
  bind_sync (self, el_context_get_sync (self->context));
  recompute (self);
}

static void
el_sync_monitor_dispose (GObject *object)
{
  ElSyncMonitor *self = EL_SYNC_MONITOR (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  bind_sync (self, NULL);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  if (self->context != NULL)
    g_signal_handlers_disconnect_by_data (self->context, self);
  g_clear_object (&self->client);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (el_sync_monitor_parent_class)->dispose (object);
}

static void
el_sync_monitor_finalize (GObject *object)
{
  ElSyncMonitor *self = EL_SYNC_MONITOR (object);

  g_free (self->status_text);
  g_free (self->error_details);
  g_clear_pointer (&self->last_sync, g_date_time_unref);

  G_OBJECT_CLASS (el_sync_monitor_parent_class)->finalize (object);
}

static void
el_sync_monitor_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElSyncMonitor *self = EL_SYNC_MONITOR (object);

  switch (prop_id)
    {
      case PROP_CONTEXT:
        g_value_set_object (value, self->context);
        break;
      case PROP_RETRY_INTERVAL_MS:
        g_value_set_uint (value, self->retry_interval);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_sync_monitor_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElSyncMonitor *self = EL_SYNC_MONITOR (object);

  switch (prop_id)
    {
      case PROP_CONTEXT:
        self->context = g_value_dup_object (value);
        break;
      case PROP_RETRY_INTERVAL_MS:
        el_sync_monitor_set_retry_interval (self, g_value_get_uint (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_sync_monitor_class_init (ElSyncMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = el_sync_monitor_constructed;
  object_class->dispose = el_sync_monitor_dispose;
  object_class->finalize = el_sync_monitor_finalize;
  object_class->get_property = el_sync_monitor_get_property;
  object_class->set_property = el_sync_monitor_set_property;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, EL_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RETRY_INTERVAL_MS] =
      g_param_spec_uint ("retry-interval-ms", NULL, NULL, 0, G_MAXUINT, EL_SYNC_MONITOR_DEFAULT_RETRY_MS,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                          NULL, NULL, G_TYPE_NONE, 0);
}

static void
el_sync_monitor_init (ElSyncMonitor *self)
{
  self->cancellable = g_cancellable_new ();
  self->retry_interval = EL_SYNC_MONITOR_DEFAULT_RETRY_MS;
  self->last_error_code = -1;
  self->status = EL_SYNC_INDICATOR_ONLINE;
  self->status_text = g_strdup ("");
  self->icon_name = "emblem-ok-symbolic";
}

ElSyncMonitor *
el_sync_monitor_new (ElContext *context)
{
  g_return_val_if_fail (EL_IS_CONTEXT (context), NULL);

  return g_object_new (EL_TYPE_SYNC_MONITOR, "context", context, NULL);
}

ElContext *
el_sync_monitor_get_context (ElSyncMonitor *self)
{
  g_return_val_if_fail (EL_IS_SYNC_MONITOR (self), NULL);
  return self->context;
}

ElSync *
el_sync_monitor_get_sync (ElSyncMonitor *self)
{
  g_return_val_if_fail (EL_IS_SYNC_MONITOR (self), NULL);
  return self->sync;
}

ElSyncIndicatorStatus
el_sync_monitor_get_status (ElSyncMonitor *self)
{
  g_return_val_if_fail (EL_IS_SYNC_MONITOR (self), EL_SYNC_INDICATOR_ONLINE);
  return self->status;
}

const char *
el_sync_monitor_get_status_text (ElSyncMonitor *self)
{
  g_return_val_if_fail (EL_IS_SYNC_MONITOR (self), NULL);
  return self->status_text;
}

const char *
el_sync_monitor_get_icon_name (ElSyncMonitor *self)
{
  g_return_val_if_fail (EL_IS_SYNC_MONITOR (self), NULL);
  return self->icon_name;
}

gboolean
el_sync_monitor_get_offline (ElSyncMonitor *self)
{
  g_return_val_if_fail (EL_IS_SYNC_MONITOR (self), FALSE);
  return self->offline;
}

gint64
el_sync_monitor_get_pending (ElSyncMonitor *self)
{
  g_return_val_if_fail (EL_IS_SYNC_MONITOR (self), 0);
  return self->pending;
}

gint64
el_sync_monitor_get_needs_attention (ElSyncMonitor *self)
{
  g_return_val_if_fail (EL_IS_SYNC_MONITOR (self), 0);
  return self->needs_attention;
}

gint64
el_sync_monitor_get_conflicts (ElSyncMonitor *self)
{
  g_return_val_if_fail (EL_IS_SYNC_MONITOR (self), 0);
  return self->conflicts;
}

GDateTime *
el_sync_monitor_get_last_sync (ElSyncMonitor *self)
{
  g_return_val_if_fail (EL_IS_SYNC_MONITOR (self), NULL);
  return self->last_sync;
}

const char *
el_sync_monitor_get_error_text (ElSyncMonitor *self)
{
  g_return_val_if_fail (EL_IS_SYNC_MONITOR (self), NULL);
  return self->error_text;
}

const char *
el_sync_monitor_get_error_details (ElSyncMonitor *self)
{
  g_return_val_if_fail (EL_IS_SYNC_MONITOR (self), NULL);
  return self->error_details;
}

guint
el_sync_monitor_get_retry_interval (ElSyncMonitor *self)
{
  g_return_val_if_fail (EL_IS_SYNC_MONITOR (self), 0);
  return self->retry_interval;
}

void
el_sync_monitor_set_retry_interval (ElSyncMonitor *self, guint ms)
{
  g_return_if_fail (EL_IS_SYNC_MONITOR (self));

  if (self->retry_interval == ms)
    return;
  self->retry_interval = ms;
  g_clear_handle_id (&self->retry_source, g_source_remove);
  update_retry_timer (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRY_INTERVAL_MS]);
}
