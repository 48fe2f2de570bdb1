/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * GET /api/v1/changes?since=&limit=: one page of the change feed (schema ChangeFeed), limited to
 * what the caller may see: a nurse and a charge nurse their unit's rows (and rows of no unit), an
 * administrator everything.
 */
#include "config.h"

#include <libsoup/soup.h>

#include "el-api.h"
#include "el-repo.h"

static gboolean
parse_unsigned (const char *str, guint64 min, guint64 max, guint64 *out)
{
  return str[0] != '\0' && g_ascii_isdigit (str[0]) &&
         g_ascii_string_to_unsigned (str, 10, min, max, out, NULL);
}

static void
get_changes (ElHttpRequest *req, gpointer user_data)
{
  ElServerContext *ctx = user_data;
  const char *since_str = el_http_request_get_query (req, "since");
  const char *limit_str = el_http_request_get_query (req, "limit");
  g_autofree char *scope = NULL;
  g_autoptr (GBytes) page = NULL;
  g_autoptr (GError) error = NULL;
  guint64 since = 0, limit = EL_REPO_CHANGES_DEFAULT_LIMIT;
  gint64 next_cursor = 0;
  gboolean has_more = FALSE;
  const char *units[2] = { NULL, NULL };

  if (since_str != NULL && !parse_unsigned (since_str, 0, G_MAXINT64, &since))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_INVALID_REQUEST, "since must be an integer >= 0");
      return;
    }
  if (limit_str != NULL && !parse_unsigned (limit_str, 1, EL_REPO_MAX_LIMIT, &limit))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_INVALID_REQUEST, "limit must be 1 to 200");
      return;
    }
  scope = el_api_user_unit (ctx, req);
  units[0] = scope;
  page = el_repo_changes_since (el_server_context_get_db (ctx), (gint64) since, scope != NULL ? units : NULL,
                                (guint) limit, &next_cursor, &has_more, &error);
  if (page == NULL)
    {
      el_api_respond_repo_error (req, error, NULL);
      return;
    }
  el_http_request_respond_bytes (req, SOUP_STATUS_OK, "application/json", page);
}

void
el_api_changes_register (ElServerContext *ctx)
{
  /* on a worker thread (read-only, no request header) */
  el_http_server_add_route (ctx->server, "GET", "/api/v1/changes",
                            EL_HTTP_ROUTE_AUTH | EL_HTTP_ROUTE_PHI | EL_HTTP_ROUTE_WORKER, get_changes, ctx,
                            NULL);
}
