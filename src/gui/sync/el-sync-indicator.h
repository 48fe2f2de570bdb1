/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "el-context.h"

G_BEGIN_DECLS

/**
 * ElSyncIndicatorStatus: the one state the header bar shows, by priority (highest first):
 * @EL_SYNC_INDICATOR_NEEDS_ATTENTION: the server rejected changes ("Needs attention (n)")
 * @EL_SYNC_INDICATOR_CONFLICT: SBAR saves conflict with newer versions ("Conflict", "n conflicts")
 * @EL_SYNC_INDICATOR_OFFLINE: the server cannot be reached ("Offline", "Offline · n pending")
 * @EL_SYNC_INDICATOR_SYNCING: a sync cycle runs ("Syncing…")
 * @EL_SYNC_INDICATOR_PENDING: local changes wait to be sent ("n pending")
 * @EL_SYNC_INDICATOR_ONLINE: nothing waits ("Up to date" after a sync, else "Online")
 */
typedef enum
{
  EL_SYNC_INDICATOR_ONLINE,
  EL_SYNC_INDICATOR_OFFLINE,
  EL_SYNC_INDICATOR_SYNCING,
  EL_SYNC_INDICATOR_PENDING,
  EL_SYNC_INDICATOR_NEEDS_ATTENTION,
  EL_SYNC_INDICATOR_CONFLICT,
} ElSyncIndicatorStatus;

#define EL_TYPE_SYNC_INDICATOR_STATUS (el_sync_indicator_status_get_type ())
GType el_sync_indicator_status_get_type (void) G_GNUC_CONST;

/*
 * ElSyncIndicator: the sync state in the header bar — a menu button with an icon and a short label
 * (the state in words), whose popover says when the last sync was, what went wrong in plain words,
 * and offers "Sync Now", "Review Changes…" (opens ElAttentionDialog) and "Resolve Conflicts…".
 *
 * Properties:
 *   context            (ElContext, construct-only)
 *   status             (ElSyncIndicatorStatus, read-only)
 *   status-text        (string, read-only) the words shown
 *   retry-interval-ms  (uint, default 5000; 0: off) while offline, how often the server is asked
 *                      whether it is back (then a sync cycle runs)
 *
 * Actions: sync.now, sync.review, sync.resolve-conflicts.
 *
 * Signals:
 *   ::show-conflicts () — "Resolve Conflicts…" was chosen: the window opens the conflict view.
 */
#define EL_TYPE_SYNC_INDICATOR (el_sync_indicator_get_type ())
G_DECLARE_FINAL_TYPE (ElSyncIndicator, el_sync_indicator, EL, SYNC_INDICATOR, GtkWidget)

GtkWidget *el_sync_indicator_new (ElContext *ctx);

ElSyncIndicatorStatus el_sync_indicator_get_status (ElSyncIndicator *self);
const char *el_sync_indicator_get_status_text (ElSyncIndicator *self);

G_END_DECLS
