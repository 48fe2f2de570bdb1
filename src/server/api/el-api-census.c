/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The census: GET /api/v1/units (a nurse or charge nurse sees her unit, an administrator every
 * unit) and GET /api/v1/patients?unit_id= (required, a UUID: 400; an unknown unit: 404; a unit
 * the user may not see: 403). Both are PHI routes (Cache-Control: no-store).
 */
#include "config.h"

#include <libsoup/soup.h>

#include "el-api.h"
#include "el-model-types.h"
#include "el-repo.h"

static JsonNode *
list_node (JsonArray *items)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_array_member (object, "items", items);
  json_node_take_object (node, object);
  return node;
}

static void
units_cb (ElHttpRequest *request, gpointer user_data)
{
  ElServerContext *ctx = user_data;
  const ElHttpUser *user = el_http_request_get_user (request);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) units = el_repo_units_list (ctx->db, &error);
  g_autoptr (JsonNode) node = NULL;
  JsonArray *items;

  if (units == NULL)
    {
      el_api_respond_internal_error (request, "units: list", error);
      return;
    }
  items = json_array_new ();
  for (guint i = 0; i < units->len; i++)
    {
      ElUnit *unit = g_ptr_array_index (units, i);

      if (el_repo_user_can_see_unit (user->role, user->unit_id, el_unit_get_id (unit)))
        json_array_add_element (items, el_unit_to_json (unit));
    }
  node = list_node (items);
  el_http_request_respond_json (request, SOUP_STATUS_OK, node);
}

static void
patients_cb (ElHttpRequest *request, gpointer user_data)
{
  ElServerContext *ctx = user_data;
  const ElHttpUser *user = el_http_request_get_user (request);
  const char *unit_id = el_http_request_get_query (request, "unit_id");
  g_autoptr (GError) error = NULL;
  g_autoptr (ElUnit) unit = NULL;
  g_autoptr (GPtrArray) patients = NULL;
  g_autoptr (JsonNode) node = NULL;
  JsonArray *items;

  if (unit_id == NULL)
    {
      el_http_request_respond_problem (request, EL_HTTP_PROBLEM_INVALID_REQUEST, "the query needs unit_id");
      return;
    }
  if (!el_uuid_is_valid (unit_id))
    {
      el_http_request_respond_problem (request, EL_HTTP_PROBLEM_INVALID_REQUEST, "unit_id must be a UUID");
      return;
    }
  unit = el_repo_unit_get (ctx->db, unit_id, &error);
  if (unit == NULL && g_error_matches (error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND))
    {
      el_http_request_respond_problem (request, EL_HTTP_PROBLEM_NOT_FOUND, "no such unit");
      return;
    }
  if (unit == NULL)
    {
      el_api_respond_internal_error (request, "patients: unit", error);
      return;
    }
  if (!el_repo_user_can_see_unit (user->role, user->unit_id, el_unit_get_id (unit)))
    {
      el_http_request_respond_problem (request, EL_HTTP_PROBLEM_FORBIDDEN, "this unit is not yours");
      return;
    }

  patients = el_repo_patients_list (ctx->db, el_unit_get_id (unit), NULL, &error);
  if (patients == NULL)
    {
      el_api_respond_internal_error (request, "patients: list", error);
      return;
    }
  items = json_array_new ();
  for (guint i = 0; i < patients->len; i++)
    json_array_add_element (items, el_patient_to_json (g_ptr_array_index (patients, i)));
  node = list_node (items);
  el_http_request_respond_json (request, SOUP_STATUS_OK, node);
}

void
el_api_census_register (ElServerContext *ctx)
{
  el_http_server_add_route (ctx->server, "GET", "/api/v1/units", EL_HTTP_ROUTE_AUTH | EL_HTTP_ROUTE_PHI,
                            units_cb, ctx, NULL);
  el_http_server_add_route (ctx->server, "GET", "/api/v1/patients", EL_HTTP_ROUTE_AUTH | EL_HTTP_ROUTE_PHI,
                            patients_cb, ctx, NULL);
}
