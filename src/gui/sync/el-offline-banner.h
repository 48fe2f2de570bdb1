/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "el-context.h"

G_BEGIN_DECLS

/*
 * ElOfflineBanner: a banner under the header bar (a GtkRevealer; libadwaita 1.2 has no AdwBanner),
 * revealed while the server cannot be reached: "Offline — changes are saved on this PC and sent when
 * the server is back." with a "Retry" button. While offline it asks the server every
 * "retry-interval-ms" whether it is back, and runs a sync cycle when it is.
 *
 * Properties:
 *   context            (ElContext, construct-only)
 *   revealed           (boolean, read-only) whether the banner is (being) shown
 *   retry-interval-ms  (uint, default 5000; 0: off)
 */
#define EL_TYPE_OFFLINE_BANNER (el_offline_banner_get_type ())
G_DECLARE_FINAL_TYPE (ElOfflineBanner, el_offline_banner, EL, OFFLINE_BANNER, GtkWidget)

GtkWidget *el_offline_banner_new (ElContext *ctx);

gboolean el_offline_banner_get_revealed (ElOfflineBanner *self);

G_END_DECLS
