/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * /api/v1/handoffs/{handoff_id}/sbar: the latest version, the list, one version, a new version.
 *
 * Visibility is the handoff's (el_api_load_handoff(): 404 for another unit's handoff). A new
 * version is decoded with core's strict SbarVersionCreate decoder and accepted only on the latest
 * base_version (409 `version_conflict` with `latest`); the response carries the handoff's new ETag.
 */
#include "config.h"

#include <libsoup/soup.h>

#include "el-api.h"
#include "el-repo.h"

/* SbarVersionCreate has additionalProperties: false; core's decoder ignores unknown top-level
 * members, so they are refused here. */
static gboolean
has_only_create_members (JsonNode *body, char **bad)
{
  static const char *const allowed[] = { "base_version", "source",         "situation", "background",
                                         "assessment",   "recommendation", "fields",    NULL };
  g_autoptr (GList) members = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (body))
    return TRUE; /* the decoder explains */
  members = json_object_get_members (json_node_get_object (body));
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        *bad = g_strdup_printf ("unknown member %s", (const char *) l->data);
        return FALSE;
      }
  return TRUE;
}

static void
respond_version (ElHttpRequest *req, ElSbarVersion *version)
{
  g_autoptr (JsonNode) node = el_sbar_version_to_json (version);

  el_http_request_respond_json (req, SOUP_STATUS_OK, node);
}

static void
get_latest (ElHttpRequest *req, gpointer user_data)
{
  ElServerContext *ctx = user_data;
  g_autoptr (ElHandoff) handoff = el_api_load_handoff (ctx, req);
  g_autoptr (ElSbarVersion) version = NULL;
  g_autoptr (GError) error = NULL;

  if (handoff == NULL)
    return;
  version = el_repo_sbar_get_latest (ctx->db, el_handoff_get_id (handoff), &error);
  if (version == NULL)
    {
      el_api_respond_repo_error (req, error, NULL);
      return;
    }
  respond_version (req, version);
}

static void
list_versions (ElHttpRequest *req, gpointer user_data)
{
  ElServerContext *ctx = user_data;
  g_autoptr (ElHandoff) handoff = el_api_load_handoff (ctx, req);
  g_autoptr (GPtrArray) versions = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) node = NULL;

  if (handoff == NULL)
    return;
  versions = el_repo_sbar_list (ctx->db, el_handoff_get_id (handoff), &error);
  if (versions == NULL)
    {
      el_api_respond_repo_error (req, error, NULL);
      return;
    }
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (guint i = 0; i < versions->len; i++)
    json_builder_add_value (builder, el_sbar_version_to_json (g_ptr_array_index (versions, i)));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  el_http_request_respond_json (req, SOUP_STATUS_OK, node);
}

static void
get_version (ElHttpRequest *req, gpointer user_data)
{
  ElServerContext *ctx = user_data;
  const char *param = el_http_request_get_param (req, "version");
  g_autoptr (ElHandoff) handoff = NULL;
  g_autoptr (ElSbarVersion) version = NULL;
  g_autoptr (GError) error = NULL;
  guint64 number = 0;

  if (param == NULL || !g_ascii_isdigit (param[0]) ||
      !g_ascii_string_to_unsigned (param, 10, 1, G_MAXINT, &number, NULL))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_INVALID_REQUEST,
                                       "version must be an integer >= 1");
      return;
    }
  handoff = el_api_load_handoff (ctx, req);
  if (handoff == NULL)
    return;
  version = el_repo_sbar_get (ctx->db, el_handoff_get_id (handoff), (int) number, &error);
  if (version == NULL)
    {
      el_api_respond_repo_error (req, error, NULL);
      return;
    }
  respond_version (req, version);
}

/* el_sbar_versions_created_total{source} and el_sbar_completeness_score (no labels: the score of
 * each new version). */
static const double completeness_buckets[] = { 0, 25, 50, 75, 90, 100 };

static ElMetric *
versions_created_metric (ElServerContext *ctx)
{
  return el_metrics_add_counter (ctx->metrics, "el_sbar_versions_created_total",
                                 "SBAR versions created, by source.", (const char *[]){ "source", NULL });
}

static ElMetric *
completeness_metric (ElServerContext *ctx)
{
  return el_metrics_add_histogram (ctx->metrics, "el_sbar_completeness_score",
                                   "Completeness score (0 to 100) of each new SBAR version.", NULL,
                                   completeness_buckets, G_N_ELEMENTS (completeness_buckets));
}

static void
count_version (ElServerContext *ctx, ElSbarVersion *version)
{
  JsonNode *completeness = el_sbar_version_get_completeness_json (version);

  el_metric_inc (versions_created_metric (ctx),
                 (const char *[]){ el_sbar_source_to_string (el_sbar_version_get_source (version)), NULL },
                 1);
  if (completeness != NULL && JSON_NODE_HOLDS_OBJECT (completeness) &&
      json_object_has_member (json_node_get_object (completeness), "score"))
    el_metric_observe (completeness_metric (ctx), NULL,
                       json_object_get_double_member (json_node_get_object (completeness), "score"));
}

static void
create_version (ElHttpRequest *req, gpointer user_data)
{
  ElServerContext *ctx = user_data;
  const ElHttpUser *user = el_http_request_get_user (req);
  g_autoptr (ElHandoff) handoff = NULL;
  g_autoptr (ElHandoff) updated = NULL;
  g_autoptr (ElSbarVersion) content = NULL;
  g_autoptr (ElSbarVersion) version = NULL;
  g_autoptr (ElSbarVersion) latest = NULL;
  g_autoptr (ElDbTransaction) txn = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *location = NULL;
  g_autofree char *bad = NULL;
  gboolean claimed = FALSE;
  int base_version = -1;

  handoff = el_api_load_handoff (ctx, req);
  if (handoff == NULL)
    return;
  body = el_http_request_read_json (req);
  if (body == NULL)
    return;
  if (!has_only_create_members (body, &bad))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_VALIDATION_FAILED, bad);
      return;
    }
  content = el_sbar_version_create_request_from_json (body, &base_version, &error);
  if (content == NULL)
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_VALIDATION_FAILED, error->message);
      return;
    }
  if (!el_api_idempotency_begin (ctx, req, FALSE, &claimed))
    return;
  txn = el_db_transaction_begin (ctx->db, &error);
  if (txn != NULL)
    version = el_repo_sbar_append (ctx->db, el_handoff_get_id (handoff), base_version, content, user->id,
                                   &latest, &updated, &error);
  if (version == NULL)
    {
      el_api_fail (ctx, req, claimed, &txn, error, latest);
      return;
    }
  location = g_strdup_printf ("/api/v1/handoffs/%s/sbar/versions/%d", el_handoff_get_id (handoff),
                              el_sbar_version_get_version (version));
  node = el_sbar_version_to_json (version);
  if (el_api_finish_json (ctx, req, claimed, &txn, SOUP_STATUS_CREATED, node,
                          updated != NULL ? el_handoff_get_etag (updated) : NULL, location))
    count_version (ctx, version);
}

void
el_api_sbar_register (ElServerContext *ctx)
{
  const ElHttpRouteFlags flags = EL_HTTP_ROUTE_AUTH | EL_HTTP_ROUTE_PHI;

  el_http_server_add_route (ctx->server, "GET", "/api/v1/handoffs/{handoff_id}/sbar", flags, get_latest, ctx,
                            NULL);
  el_http_server_add_route (ctx->server, "GET", "/api/v1/handoffs/{handoff_id}/sbar/versions", flags,
                            list_versions, ctx, NULL);
  el_http_server_add_route (ctx->server, "POST", "/api/v1/handoffs/{handoff_id}/sbar/versions",
                            flags | EL_HTTP_ROUTE_JSON, create_version, ctx, NULL);
  el_http_server_add_route (ctx->server, "GET", "/api/v1/handoffs/{handoff_id}/sbar/versions/{version}",
                            flags, get_version, ctx, NULL);
  versions_created_metric (ctx);
  completeness_metric (ctx);
}
