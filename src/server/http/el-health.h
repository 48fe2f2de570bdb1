/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * ElHealth: the checks behind GET /api/health.
 *
 * Each check is a callback returning ok / degraded / down with an optional short detail (no
 * secrets, no PHI, no paths). The document always lists `database`, `storage` and `speech`; one
 * nobody registered is reported `down` ("not configured"). A check is either critical (database,
 * storage) or optional (speech, until the speech engine ships): the answer is 200 `healthy` when
 * the server is serving and every critical check is `ok`, else 503 `degraded` (optional checks are
 * still reported, they just do not take the server out of a load balancer).
 *
 * Checks run on the main loop when the probe arrives, one after the other, and must return within
 * a few milliseconds: no network, at most a small read or write on a local file.
 */

typedef enum
{
  EL_HEALTH_OK,
  EL_HEALTH_DEGRADED,
  EL_HEALTH_DOWN,
} ElHealthStatus;

typedef ElHealthStatus (*ElHealthCheckFunc) (char **detail, gpointer user_data);

typedef struct ElHealth ElHealth;

ElHealth *el_health_new (const char *version);
void el_health_free (ElHealth *self);

void el_health_set_check (ElHealth *self,
                          const char *name,
                          gboolean critical,
                          ElHealthCheckFunc func,
                          gpointer user_data,
                          GDestroyNotify destroy);
JsonNode *el_health_run (ElHealth *self, gboolean serving, gboolean *healthy);

const char *el_health_status_to_string (ElHealthStatus status);

/* Built-in checks. */
ElHealthStatus el_health_check_writable_dir (char **detail, gpointer dir_path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElHealth, el_health_free)

G_END_DECLS
