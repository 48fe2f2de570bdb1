/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-health.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

typedef struct
{
  char *name;
  gboolean critical;
  ElHealthCheckFunc func;
  gpointer user_data;
  GDestroyNotify destroy;
} Check;

struct ElHealth
{
  char *version;
  gint64 started_us;
  GPtrArray *checks; /* Check */
};

/* The members the OpenAPI document requires, in this order, critical unless registered otherwise. */
static const char *const required_checks[] = { "database", "storage", "speech" };

static void
check_free (Check *check)
{
  if (check->destroy != NULL)
    check->destroy (check->user_data);
  g_free (check->name);
  g_free (check);
}

ElHealth *
el_health_new (const char *version)
{
  ElHealth *self = g_new0 (ElHealth, 1);

  self->version = g_strdup (version);
  self->started_us = g_get_monotonic_time ();
  self->checks = g_ptr_array_new_with_free_func ((GDestroyNotify) check_free);
  return self;
}

void
el_health_free (ElHealth *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->checks);
  g_free (self->version);
  g_free (self);
}

const char *
el_health_status_to_string (ElHealthStatus status)
{
  switch (status)
    {
      case EL_HEALTH_OK:
        return "ok";
      case EL_HEALTH_DEGRADED:
        return "degraded";
      case EL_HEALTH_DOWN:
      default:
        return "down";
    }
}

/**
 * el_health_set_check:
 * @self: the registry
 * @name: the member of `checks` (`database`, `storage`, `speech`, or another one)
 * @critical: whether a non-`ok` answer makes the server `degraded` (503)
 * @func: the check
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data
 *
 * Registers or replaces a check.
 */
void
el_health_set_check (ElHealth *self,
                     const char *name,
                     gboolean critical,
                     ElHealthCheckFunc func,
                     gpointer user_data,
                     GDestroyNotify destroy)
{
  Check *check;

  g_return_if_fail (self != NULL && name != NULL && func != NULL);

  for (guint i = 0; i < self->checks->len; i++)
    if (g_str_equal (((Check *) g_ptr_array_index (self->checks, i))->name, name))
      {
        g_ptr_array_remove_index (self->checks, i);
        break;
      }

  check = g_new0 (Check, 1);
  check->name = g_strdup (name);
  check->critical = critical;
  check->func = func;
  check->user_data = user_data;
  check->destroy = destroy;
  g_ptr_array_add (self->checks, check);
}

static Check *
find_check (ElHealth *self, const char *name)
{
  for (guint i = 0; i < self->checks->len; i++)
    {
      Check *check = g_ptr_array_index (self->checks, i);

      if (g_str_equal (check->name, name))
        return check;
    }
  return NULL;
}

static gboolean
add_result (JsonObject *checks, Check *check, const char *name)
{
  JsonObject *result = json_object_new ();
  ElHealthStatus status;
  g_autofree char *detail = NULL;
  gint64 start = g_get_monotonic_time ();

  if (check != NULL)
    {
      status = check->func (&detail, check->user_data);
      json_object_set_string_member (result, "status", el_health_status_to_string (status));
      json_object_set_double_member (result, "latency_ms",
                                     (double) (g_get_monotonic_time () - start) / 1000.0);
    }
  else
    {
      status = EL_HEALTH_DOWN;
      json_object_set_string_member (result, "status", el_health_status_to_string (status));
      detail = g_strdup ("not configured");
    }
  if (detail != NULL)
    {
      if (!g_utf8_validate (detail, -1, NULL) || g_utf8_strlen (detail, -1) > 256)
        g_clear_pointer (&detail, g_free);
      else
        json_object_set_string_member (result, "detail", detail);
    }
  json_object_set_object_member (checks, name, result);

  return status == EL_HEALTH_OK || (check != NULL && !check->critical);
}

/**
 * el_health_run:
 * @self: the registry
 * @serving: %FALSE while the server starts or drains (the answer is then `degraded`)
 * @healthy: (out): %TRUE for 200 `healthy`, %FALSE for 503 `degraded`
 *
 * Runs every check.
 *
 * Returns: (transfer full): the `Health` document
 */
JsonNode *
el_health_run (ElHealth *self, gboolean serving, gboolean *healthy)
{
  JsonObject *root = json_object_new ();
  JsonObject *checks = json_object_new ();
  JsonNode *node;
  gboolean ok = serving;

  for (guint i = 0; i < G_N_ELEMENTS (required_checks); i++)
    ok = add_result (checks, find_check (self, required_checks[i]), required_checks[i]) && ok;
  for (guint i = 0; i < self->checks->len; i++)
    {
      Check *check = g_ptr_array_index (self->checks, i);

      if (!g_strv_contains (required_checks, check->name))
        ok = add_result (checks, check, check->name) && ok;
    }

  json_object_set_string_member (root, "status", ok ? "healthy" : "degraded");
  json_object_set_string_member (root, "version", self->version);
  json_object_set_int_member (root, "uptime_seconds",
                              (g_get_monotonic_time () - self->started_us) / G_USEC_PER_SEC);
  json_object_set_object_member (root, "checks", checks);
  *healthy = ok;
  /* the node takes its own reference on @root */
  node = json_node_init_object (json_node_alloc (), root);
  json_object_unref (root);
  return node;
}

/* @dir_path: a directory that must exist and take a new file (STORAGE_DIR). */
ElHealthStatus
el_health_check_writable_dir (char **detail, gpointer dir_path)
{
  g_autofree char *probe = NULL;
  int fd;

  if (!g_file_test (dir_path, G_FILE_TEST_IS_DIR))
    {
      *detail = g_strdup ("storage directory is missing or not a directory");
      return EL_HEALTH_DOWN;
    }
  probe = g_build_filename (dir_path, ".health-XXXXXX", NULL);
  fd = g_mkstemp_full (probe, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      *detail = g_strdup_printf ("storage directory is not writable (%s)", g_strerror (errno));
      return EL_HEALTH_DOWN;
    }
  close (fd);
  g_unlink (probe);
  return EL_HEALTH_OK;
}
