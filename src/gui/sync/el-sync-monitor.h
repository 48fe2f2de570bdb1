/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "el-context.h"
#include "el-sync-indicator.h"

G_BEGIN_DECLS

/*
 * ElSyncMonitor (private to src/gui/sync): what the sync indicator and the offline banner show,
 * computed from the context's ElSync (which may come and go: notify::sync) and its ElApiClient's
 * "online". Emits ::changed when anything it reports may have changed.
 *
 * Offline: the client's circuit is open, or the last sync cycle could not reach the server. While a
 * cycle runs the previous answer is kept, so a retry does not make the banner flicker.
 *
 * Prompt recovery: the client only notices the server is back on its next request (or its own
 * probes, whose backoff grows to a minute), so while offline the monitor asks GET /api/health every
 * "retry-interval-ms" (0: never) and, when the server answers, requests a sync cycle (ignoring the
 * ops' network backoff).
 */

#define EL_TYPE_SYNC_MONITOR (el_sync_monitor_get_type ())
G_DECLARE_FINAL_TYPE (ElSyncMonitor, el_sync_monitor, EL, SYNC_MONITOR, GObject)

#define EL_SYNC_MONITOR_DEFAULT_RETRY_MS 5000

ElSyncMonitor *el_sync_monitor_new (ElContext *context);

ElContext *el_sync_monitor_get_context (ElSyncMonitor *self);
ElSync *el_sync_monitor_get_sync (ElSyncMonitor *self); /* (nullable) */
ElSyncIndicatorStatus el_sync_monitor_get_status (ElSyncMonitor *self);
const char *el_sync_monitor_get_status_text (ElSyncMonitor *self);
const char *el_sync_monitor_get_icon_name (ElSyncMonitor *self);
gboolean el_sync_monitor_get_offline (ElSyncMonitor *self);
gint64 el_sync_monitor_get_pending (ElSyncMonitor *self);
gint64 el_sync_monitor_get_needs_attention (ElSyncMonitor *self);
gint64 el_sync_monitor_get_conflicts (ElSyncMonitor *self);
GDateTime *el_sync_monitor_get_last_sync (ElSyncMonitor *self); /* (nullable) */
/* The last failure in plain translated words, or NULL. */
const char *el_sync_monitor_get_error_text (ElSyncMonitor *self);
/* core's message of the last failure (developer text, no PHI), or NULL. */
const char *el_sync_monitor_get_error_details (ElSyncMonitor *self);

guint el_sync_monitor_get_retry_interval (ElSyncMonitor *self);
void el_sync_monitor_set_retry_interval (ElSyncMonitor *self, guint ms);

/* "Sync Now": a cycle ignoring the network backoff; when offline, the server is asked first. */
void el_sync_monitor_sync_now (ElSyncMonitor *self);

G_END_DECLS
