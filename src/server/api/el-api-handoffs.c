/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * /api/v1/handoffs: list, create, read, patch, sign, acknowledge.
 *
 * Visibility: a nurse and a charge nurse see their unit's handoffs only, an administrator every
 * unit. A list filtered on another unit is 403; a single handoff of another unit is 404, exactly as
 * an unknown id, so that ids of other units cannot be probed.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <openssl/crypto.h>
#include <string.h>

#include "el-api.h"
#include "el-idempotency.h"
#include "el-json-private.h"
#include "el-log.h"
#include "el-model-error.h"
#include "el-model-types.h"
#include "el-password.h"
#include "el-repo.h"

/* ------------------------------------------------------------------------------------------------
 * Shared helpers (el-api.h).
 */

/**
 * el_api_user_unit:
 * @ctx: the server context
 * @req: an authenticated request
 *
 * Returns: (transfer full) (nullable): the unit the caller's visibility is limited to, or %NULL
 *   for an administrator (every unit)
 */
char *
el_api_user_unit (ElServerContext *ctx, ElHttpRequest *req)
{
  const ElHttpUser *user = el_http_request_get_user (req);
  g_autoptr (ElUser) row = NULL;

  if (user == NULL)
    return g_strdup ("");
  if (user->role == EL_ROLE_ADMIN)
    return NULL;
  if (user->unit_id != NULL)
    return g_strdup (user->unit_id);
  /* A token without a unit: look the user up (a nurse without a unit sees nothing). */
  row = el_repo_user_get (el_server_context_get_db (ctx), user->id, NULL, NULL, NULL);
  if (row != NULL && el_user_get_unit_id (row) != NULL)
    return g_strdup (el_user_get_unit_id (row));
  return g_strdup ("");
}

gboolean
el_api_user_can_see_unit (ElServerContext *ctx, ElHttpRequest *req, const char *unit_id)
{
  g_autofree char *scope = el_api_user_unit (ctx, req);

  return scope == NULL || (unit_id != NULL && g_str_equal (scope, unit_id));
}

void
el_api_set_etag (ElHttpRequest *req, const char *etag)
{
  g_autofree char *quoted = g_strdup_printf ("\"%s\"", etag);

  el_http_request_set_header (req, "ETag", quoted);
}

/**
 * el_api_respond_repo_error:
 * @req: the request
 * @error: an error of the repository, the models or the database
 * @latest: (nullable): the latest SBAR version, for %EL_REPO_ERROR_CONFLICT_VERSION
 *
 * Answers the problem that matches @error; anything unexpected is a 500 (logged without PHI: repo
 * messages name ids and fields only).
 */
void
el_api_respond_repo_error (ElHttpRequest *req, const GError *error, ElSbarVersion *latest)
{
  if (error->domain == EL_REPO_ERROR)
    {
      switch ((ElRepoError) error->code)
        {
          case EL_REPO_ERROR_NOT_FOUND:
            el_http_request_respond_problem (req, EL_HTTP_PROBLEM_NOT_FOUND, "no such resource");
            return;
          case EL_REPO_ERROR_CONFLICT_VERSION:
            {
              g_autoptr (JsonObject) extra = json_object_new ();

              if (latest != NULL)
                json_object_set_member (extra, "latest", el_sbar_version_to_json (latest));
              el_http_request_respond_problem_full (req, SOUP_STATUS_CONFLICT,
                                                    EL_HTTP_PROBLEM_VERSION_CONFLICT,
                                                    "the version is not the latest", extra);
              return;
            }
          case EL_REPO_ERROR_LOCKED:
            el_http_request_respond_problem (req, EL_HTTP_PROBLEM_LOCKED,
                                             "the handoff is acknowledged or cancelled");
            return;
          case EL_REPO_ERROR_INVALID_TRANSITION:
            el_http_request_respond_problem (req, EL_HTTP_PROBLEM_INVALID_TRANSITION, error->message);
            return;
          case EL_REPO_ERROR_DUPLICATE:
          case EL_REPO_ERROR_CONFLICT:
            el_http_request_respond_problem (req, EL_HTTP_PROBLEM_CONFLICT, error->message);
            return;
          case EL_REPO_ERROR_STALE:
            el_http_request_respond_problem (req, EL_HTTP_PROBLEM_PRECONDITION_FAILED,
                                             "If-Match is stale; read the handoff again");
            return;
          case EL_REPO_ERROR_FORBIDDEN:
            el_http_request_respond_problem (req, EL_HTTP_PROBLEM_FORBIDDEN, error->message);
            return;
          case EL_REPO_ERROR_INVALID:
            el_http_request_respond_problem (req, EL_HTTP_PROBLEM_VALIDATION_FAILED, error->message);
            return;
          default:
            break;
        }
    }
  else if (error->domain == EL_MODEL_ERROR)
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_VALIDATION_FAILED, error->message);
      return;
    }
  el_api_respond_internal_error (req, "repository", error);
}

/**
 * el_api_idempotency_begin:
 * @ctx: the server context
 * @req: a POST or PATCH request
 * @required: the route requires an Idempotency-Key (400 without one)
 * @claimed: (out): %TRUE when a key was claimed (finish or abort it)
 *
 * Returns: %TRUE when the handler goes on; %FALSE when a response was sent (a replay, or a problem)
 */
gboolean
el_api_idempotency_begin (ElServerContext *ctx, ElHttpRequest *req, gboolean required, gboolean *claimed)
{
  *claimed = FALSE;
  if (el_http_request_get_header (req, "Idempotency-Key") == NULL && !required)
    return TRUE;
  if (!el_idempotency_begin (ctx, req, NULL))
    return FALSE;
  *claimed = TRUE;
  return TRUE;
}

/**
 * el_api_fail:
 * @ctx: the server context
 * @req: the request
 * @claimed: whether el_api_idempotency_begin() claimed a key
 * @txn: (inout) (nullable): the open transaction, rolled back here
 * @error: the error to answer
 * @latest: (nullable): the latest SBAR version, for a version conflict
 *
 * Rolls back, drops the idempotency claim (a retry runs again), answers the error.
 */
void
el_api_fail (ElServerContext *ctx,
             ElHttpRequest *req,
             gboolean claimed,
             ElDbTransaction **txn,
             const GError *error,
             ElSbarVersion *latest)
{
  if (txn != NULL)
    g_clear_pointer (txn, el_db_transaction_free);
  if (claimed)
    el_idempotency_abort (ctx, req);
  el_api_respond_repo_error (req, error, latest);
}

#ifdef EL_FAULT_INJECTION
#include <signal.h>

/* -Dfault_injection=true only: EL_FAULT=kill-after-commit:ROUTE dies here, the effect and its
 * stored response committed and no reply sent (the idempotency crash tests). */
static void
fault_after_commit (ElHttpRequest *req)
{
  const char *fault = g_getenv ("EL_FAULT");

  if (fault != NULL && g_str_has_prefix (fault, "kill-after-commit:") &&
      g_strcmp0 (fault + strlen ("kill-after-commit:"), el_http_request_get_route (req)) == 0)
    raise (SIGKILL);
}
#else
#define fault_after_commit(req) ((void) 0)
#endif

/**
 * el_api_finish_json:
 * @ctx: the server context
 * @req: the request
 * @claimed: whether el_api_idempotency_begin() claimed a key
 * @txn: (inout): the open transaction holding the effect; committed (or rolled back) and cleared
 * @status: the status
 * @node: the body
 * @etag: (nullable): the entity tag (unquoted)
 * @location: (nullable): the Location header
 *
 * Stores the response for the Idempotency-Key in the effect's transaction, commits, answers.
 *
 * Returns: %TRUE when the effect was committed (and answered), %FALSE when it was rolled back (a
 *   500 answered)
 */
gboolean
el_api_finish_json (ElServerContext *ctx,
                    ElHttpRequest *req,
                    gboolean claimed,
                    ElDbTransaction **txn,
                    guint status,
                    JsonNode *node,
                    const char *etag,
                    const char *location)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *quoted = etag != NULL ? g_strdup_printf ("\"%s\"", etag) : NULL;
  g_autoptr (GBytes) body = NULL;
  const char *headers[7] = { NULL };
  gsize len = 0, n = 0;
  char *data = el_json_node_to_data (node, &len);

  body = g_bytes_new_take (data, len);
  headers[n++] = "Content-Type";
  headers[n++] = "application/json";
  if (quoted != NULL)
    {
      headers[n++] = "ETag";
      headers[n++] = quoted;
    }
  if (location != NULL)
    {
      headers[n++] = "Location";
      headers[n++] = location;
    }
  if ((claimed && !el_idempotency_finish (ctx, req, status, headers, body, &error)) ||
      !el_db_transaction_commit (*txn, &error))
    {
      g_clear_pointer (txn, el_db_transaction_free);
      if (claimed)
        el_idempotency_abort (ctx, req);
      el_api_respond_internal_error (req, "commit", error);
      return FALSE;
    }
  g_clear_pointer (txn, el_db_transaction_free);
  if (claimed)
    fault_after_commit (req);
  if (quoted != NULL)
    el_http_request_set_header (req, "ETag", quoted);
  if (location != NULL)
    el_http_request_set_header (req, "Location", location);
  el_http_request_respond_bytes (req, status, "application/json", body);
  return TRUE;
}

/**
 * el_api_load_handoff:
 * @ctx: the server context
 * @req: the request, with a `handoff_id` path parameter
 *
 * Reads the handoff the path names, if the caller may see it. Answers 400 (not a UUID) or 404
 * (unknown, or of another unit) itself.
 *
 * Returns: (transfer full) (nullable): the handoff, or %NULL when the problem is sent
 */
ElHandoff *
el_api_load_handoff (ElServerContext *ctx, ElHttpRequest *req)
{
  const char *id = el_http_request_get_param (req, "handoff_id");
  g_autoptr (GError) error = NULL;
  g_autoptr (ElHandoff) handoff = NULL;

  if (id == NULL || !el_uuid_is_valid (id))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_INVALID_REQUEST, "handoff_id is not a UUID");
      return NULL;
    }
  handoff = el_repo_handoff_get (ctx->db, id, &error);
  if (handoff == NULL)
    {
      el_api_respond_repo_error (req, error, NULL);
      return NULL;
    }
  if (!el_api_user_can_see_unit (ctx, req, el_handoff_get_unit_id (handoff)))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_NOT_FOUND, "no such resource");
      return NULL;
    }
  return g_steal_pointer (&handoff);
}

/* ------------------------------------------------------------------------------------------------
 * Body decoding (strict: known members only, right types).
 */

static gboolean
check_members (JsonObject *obj, const char *const *allowed, char **bad)
{
  g_autoptr (GList) members = json_object_get_members (obj);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        *bad = g_strdup_printf ("unknown member %s", (const char *) l->data);
        return FALSE;
      }
  return TRUE;
}

static const char *
get_string_member (JsonObject *obj, const char *name, gboolean *ok)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      *ok = FALSE;
      return NULL;
    }
  return json_node_get_string (node);
}

static gboolean
get_uuid_member (JsonObject *obj, const char *name, gboolean required, const char **out, char **bad)
{
  gboolean ok = TRUE;
  const char *value = get_string_member (obj, name, &ok);

  *out = value;
  if (!ok || (value == NULL && required) || (value != NULL && !el_uuid_is_valid (value)))
    {
      *bad = g_strdup_printf ("%s must be a UUID", name);
      return FALSE;
    }
  return TRUE;
}

static ElHandoff *
decode_create (JsonNode *node, char **bad)
{
  static const char *const allowed[] = {
    "id", "patient_id", "unit_id", "shift_date", "shift", "outgoing_nurse_id", "receiving_nurse_id", NULL
  };
  g_autoptr (ElHandoff) handoff = el_handoff_new ();
  JsonObject *obj;
  const char *id, *patient_id, *unit_id, *outgoing, *receiving, *str;
  gboolean ok = TRUE;
  GDate date;
  ElShift shift;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      *bad = g_strdup ("the body must be a JSON object");
      return NULL;
    }
  obj = json_node_get_object (node);
  if (!check_members (obj, allowed, bad) || !get_uuid_member (obj, "id", TRUE, &id, bad) ||
      !get_uuid_member (obj, "patient_id", TRUE, &patient_id, bad) ||
      !get_uuid_member (obj, "unit_id", FALSE, &unit_id, bad) ||
      !get_uuid_member (obj, "outgoing_nurse_id", FALSE, &outgoing, bad) ||
      !get_uuid_member (obj, "receiving_nurse_id", FALSE, &receiving, bad))
    return NULL;
  str = get_string_member (obj, "shift_date", &ok);
  if (!ok || str == NULL || !el_date_parse (str, &date))
    {
      *bad = g_strdup ("shift_date must be a date (YYYY-MM-DD)");
      return NULL;
    }
  str = get_string_member (obj, "shift", &ok);
  if (!ok || str == NULL || !el_shift_from_string (str, &shift))
    {
      *bad = g_strdup ("shift must be day, evening or night");
      return NULL;
    }
  el_handoff_set_id (handoff, id);
  el_handoff_set_patient_id (handoff, patient_id);
  el_handoff_set_unit_id (handoff, unit_id);
  el_handoff_set_shift_date (handoff, &date);
  el_handoff_set_shift (handoff, shift);
  el_handoff_set_outgoing_nurse_id (handoff, outgoing);
  el_handoff_set_receiving_nurse_id (handoff, receiving);
  return g_steal_pointer (&handoff);
}

/* A nurse member of a merge patch: a UUID, or null to clear it. */
static gboolean
decode_patch_nurse (JsonObject *obj, const char *name, gboolean *set, const char **out, char **bad)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL)
    return TRUE;
  *set = TRUE;
  if (JSON_NODE_HOLDS_NULL (node))
    {
      *out = NULL;
      return TRUE;
    }
  return get_uuid_member (obj, name, TRUE, out, bad);
}

static gboolean
decode_patch (JsonNode *node, ElRepoHandoffPatch *patch, GDate *date, char **bad)
{
  static const char *const allowed[] = { "shift_date",         "shift",  "outgoing_nurse_id",
                                         "receiving_nurse_id", "status", NULL };
  JsonObject *obj;
  const char *str;
  gboolean ok = TRUE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      *bad = g_strdup ("the body must be a JSON object");
      return FALSE;
    }
  obj = json_node_get_object (node);
  if (json_object_get_size (obj) == 0)
    {
      *bad = g_strdup ("the patch is empty");
      return FALSE;
    }
  if (!check_members (obj, allowed, bad))
    return FALSE;
  if (json_object_has_member (obj, "shift_date"))
    {
      str = get_string_member (obj, "shift_date", &ok);
      if (!ok || str == NULL || !el_date_parse (str, date))
        {
          *bad = g_strdup ("shift_date must be a date (YYYY-MM-DD)");
          return FALSE;
        }
      patch->shift_date = date;
    }
  if (json_object_has_member (obj, "shift"))
    {
      str = get_string_member (obj, "shift", &ok);
      if (!ok || str == NULL || !el_shift_from_string (str, &patch->shift))
        {
          *bad = g_strdup ("shift must be day, evening or night");
          return FALSE;
        }
      patch->set_shift = TRUE;
    }
  if (!decode_patch_nurse (obj, "outgoing_nurse_id", &patch->set_outgoing_nurse_id, &patch->outgoing_nurse_id,
                           bad) ||
      !decode_patch_nurse (obj, "receiving_nurse_id", &patch->set_receiving_nurse_id,
                           &patch->receiving_nurse_id, bad))
    return FALSE;
  if (json_object_has_member (obj, "status"))
    {
      str = get_string_member (obj, "status", &ok);
      if (!ok || g_strcmp0 (str, "cancelled") != 0)
        {
          *bad = g_strdup ("status: the only status a patch may set is cancelled");
          return FALSE;
        }
      patch->cancel = TRUE;
    }
  return TRUE;
}

/* The version member of sign and acknowledge: an integer >= 1. */
static gboolean
get_version_member (JsonObject *obj, int *version)
{
  JsonNode *node = json_object_get_member (obj, "version");
  gint64 v;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  v = json_node_get_int (node);
  if (v < 1 || v > G_MAXINT)
    return FALSE;
  *version = (int) v;
  return TRUE;
}

/* ------------------------------------------------------------------------------------------------
 * Handlers.
 */

static void
respond_handoff (ElHttpRequest *req, guint status, ElHandoff *handoff)
{
  g_autoptr (JsonNode) node = el_handoff_to_json (handoff);

  el_api_set_etag (req, el_handoff_get_etag (handoff));
  el_http_request_respond_json (req, status, node);
}

static void
list_handoffs (ElHttpRequest *req, gpointer user_data)
{
  ElServerContext *ctx = user_data;
  ElRepoHandoffFilter filter = { 0 };
  g_autofree char *scope = el_api_user_unit (ctx, req);
  g_autofree char *next_cursor = NULL;
  g_autoptr (GString) body = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  const char *unit_id = el_http_request_get_query (req, "unit_id");
  const char *patient_id = el_http_request_get_query (req, "patient_id");
  const char *status = el_http_request_get_query (req, "status");
  const char *shift_date = el_http_request_get_query (req, "shift_date");
  const char *cursor = el_http_request_get_query (req, "cursor");
  const char *limit_str = el_http_request_get_query (req, "limit");
  guint64 limit = EL_REPO_DEFAULT_LIMIT;
  gboolean has_more = FALSE;
  GDate date;

  if ((unit_id != NULL && !el_uuid_is_valid (unit_id)) ||
      (patient_id != NULL && !el_uuid_is_valid (patient_id)))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_INVALID_REQUEST,
                                       "unit_id and patient_id are UUIDs");
      return;
    }
  if (status != NULL && !el_handoff_status_from_string (status, &filter.status))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_INVALID_REQUEST,
                                       "status is not a handoff status");
      return;
    }
  filter.has_status = status != NULL;
  if (shift_date != NULL)
    {
      if (!el_date_parse (shift_date, &date))
        {
          el_http_request_respond_problem (req, EL_HTTP_PROBLEM_INVALID_REQUEST, "shift_date is not a date");
          return;
        }
      filter.shift_date = &date;
    }
  if (limit_str != NULL && (!g_ascii_string_to_unsigned (limit_str, 10, 1, EL_REPO_MAX_LIMIT, &limit, NULL) ||
                            limit_str[0] == '+'))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_INVALID_REQUEST, "limit must be 1 to 200");
      return;
    }
  if (cursor != NULL && (cursor[0] == '\0' || strlen (cursor) > 512))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_INVALID_REQUEST, "cursor is not valid");
      return;
    }
  if (unit_id != NULL && scope != NULL && !g_str_equal (scope, unit_id))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_FORBIDDEN, "this unit is not yours");
      return;
    }
  filter.unit_id = unit_id;
  filter.scope_unit_id = scope;
  filter.patient_id = patient_id;

  /* The body is written straight from the rows (el_repo_handoffs_list_json()): no model objects. */
  body = g_string_sized_new (16384);
  g_string_append (body, "{\"items\":[");
  if (!el_repo_handoffs_list_json (el_server_context_get_db (ctx), &filter, cursor, (guint) limit, body,
                                   &next_cursor, &has_more, &error))
    {
      if (g_error_matches (error, EL_REPO_ERROR, EL_REPO_ERROR_INVALID))
        el_http_request_respond_problem (req, EL_HTTP_PROBLEM_INVALID_REQUEST, "cursor is not valid");
      else
        el_api_respond_repo_error (req, error, NULL);
      return;
    }
  g_string_append (body, has_more ? "],\"has_more\":true" : "],\"has_more\":false");
  if (has_more && next_cursor != NULL)
    {
      g_string_append (body, ",\"next_cursor\":");
      el_json_append_string (body, next_cursor);
    }
  g_string_append_c (body, '}');
  bytes = g_string_free_to_bytes (g_steal_pointer (&body));
  el_http_request_respond_bytes (req, SOUP_STATUS_OK, "application/json", bytes);
}

/* el_handoffs_created_total{unit}: the unit's id (units are few and fixed; names may be renamed). */
static ElMetric *
handoffs_created_metric (ElServerContext *ctx)
{
  return el_metrics_add_counter (ctx->metrics, "el_handoffs_created_total", "Handoffs created, by unit id.",
                                 (const char *[]){ "unit", NULL });
}

static void
create_handoff (ElHttpRequest *req, gpointer user_data)
{
  ElServerContext *ctx = user_data;
  const ElHttpUser *user = el_http_request_get_user (req);
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (ElHandoff) request = NULL;
  g_autoptr (ElHandoff) handoff = NULL;
  g_autoptr (ElPatient) patient = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *location = NULL;
  g_autoptr (ElDbTransaction) txn = NULL;
  g_autoptr (JsonNode) node = NULL;
  gboolean existed = FALSE, claimed = FALSE;

  if (el_http_request_get_header (req, "Idempotency-Key") == NULL)
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_INVALID_REQUEST, "Idempotency-Key is required");
      return;
    }
  body = el_http_request_read_json (req);
  if (body == NULL)
    return;
  request = decode_create (body, &bad);
  if (request == NULL)
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_VALIDATION_FAILED, bad);
      return;
    }

  now = el_repo_get_now (ctx->db);
  patient = el_repo_patient_get (ctx->db, el_handoff_get_patient_id (request), now, NULL, &error);
  if (patient == NULL)
    {
      if (g_error_matches (error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND))
        el_http_request_respond_problem (req, EL_HTTP_PROBLEM_VALIDATION_FAILED,
                                         "patient_id: no such patient");
      else
        el_api_respond_repo_error (req, error, NULL);
      return;
    }
  if (!el_api_user_can_see_unit (ctx, req, el_patient_get_unit_id (patient)))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_FORBIDDEN, "this patient is not on your unit");
      return;
    }

  if (!el_api_idempotency_begin (ctx, req, TRUE, &claimed))
    return;
  txn = el_db_transaction_begin (ctx->db, &error);
  if (txn != NULL)
    handoff = el_repo_handoff_create (ctx->db, request, user->id, &existed, &error);
  if (handoff == NULL)
    {
      el_api_fail (ctx, req, claimed, &txn, error, NULL);
      return;
    }
  location = g_strdup_printf ("/api/v1/handoffs/%s", el_handoff_get_id (handoff));
  node = el_handoff_to_json (handoff);
  if (el_api_finish_json (ctx, req, claimed, &txn, existed ? SOUP_STATUS_OK : SOUP_STATUS_CREATED, node,
                          el_handoff_get_etag (handoff), location) &&
      !existed)
    el_metric_inc (handoffs_created_metric (ctx), (const char *[]){ el_handoff_get_unit_id (handoff), NULL },
                   1);
}

static void
get_handoff (ElHttpRequest *req, gpointer user_data)
{
  g_autoptr (ElHandoff) handoff = el_api_load_handoff (user_data, req);

  if (handoff != NULL)
    respond_handoff (req, SOUP_STATUS_OK, handoff);
}

/* If-Match: one entity tag, quoted (a weak one or a bare value is tolerated). */
static char *
parse_if_match (const char *header)
{
  g_autofree char *value = g_strstrip (g_strdup (header));
  const char *p = value;
  gsize len;

  if (g_str_has_prefix (p, "W/"))
    p += 2;
  len = strlen (p);
  if (len >= 2 && p[0] == '"' && p[len - 1] == '"')
    return g_strndup (p + 1, len - 2);
  return g_strdup (p);
}

static JsonNode *
read_patch_body (ElHttpRequest *req)
{
  const char *type = el_http_request_get_header (req, "Content-Type");
  g_autofree char *media = NULL;
  g_autoptr (GError) error = NULL;
  GBytes *body;
  gsize len = 0;
  const char *data;
  JsonNode *node;

  if (type != NULL)
    media = g_strstrip (g_strndup (type, strcspn (type, ";")));
  if (media == NULL || (g_ascii_strcasecmp (media, "application/json") != 0 &&
                        g_ascii_strcasecmp (media, "application/merge-patch+json") != 0))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_UNSUPPORTED_MEDIA_TYPE,
                                       "send the body as application/merge-patch+json or application/json");
      return NULL;
    }
  body = el_http_request_get_body (req);
  data = body != NULL ? g_bytes_get_data (body, &len) : NULL;
  if (len == 0)
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_INVALID_REQUEST, "the request body is empty");
      return NULL;
    }
  node = el_json_parse_document (data, (gssize) len, &error);
  if (node == NULL)
    el_http_request_respond_problem (req, EL_HTTP_PROBLEM_INVALID_REQUEST, "the body is not valid JSON");
  return node;
}

static void
patch_handoff (ElHttpRequest *req, gpointer user_data)
{
  ElServerContext *ctx = user_data;
  const ElHttpUser *user = el_http_request_get_user (req);
  g_autoptr (ElHandoff) handoff = NULL;
  g_autoptr (ElHandoff) updated = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *if_match = NULL;
  const char *if_match_header;
  g_autoptr (ElDbTransaction) txn = NULL;
  g_autoptr (JsonNode) node = NULL;
  ElRepoHandoffPatch patch = { 0 };
  gboolean claimed = FALSE;
  GDate date;

  handoff = el_api_load_handoff (ctx, req);
  if (handoff == NULL)
    return;
  if_match_header = el_http_request_get_header (req, "If-Match");
  if (if_match_header == NULL)
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_PRECONDITION_REQUIRED, "If-Match is required");
      return;
    }
  body = read_patch_body (req);
  if (body == NULL)
    return;
  if (!decode_patch (body, &patch, &date, &bad))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_VALIDATION_FAILED, bad);
      return;
    }
  if_match = parse_if_match (if_match_header);
  if (!el_api_idempotency_begin (ctx, req, FALSE, &claimed))
    return;
  txn = el_db_transaction_begin (ctx->db, &error);
  if (txn != NULL)
    updated =
        el_repo_handoff_update (ctx->db, el_handoff_get_id (handoff), if_match, &patch, user->id, &error);
  if (updated == NULL)
    {
      g_clear_pointer (&txn, el_db_transaction_free);
      if (g_error_matches (error, EL_REPO_ERROR, EL_REPO_ERROR_STALE))
        {
          g_autoptr (ElHandoff) current = el_repo_handoff_get (ctx->db, el_handoff_get_id (handoff), NULL);

          el_api_set_etag (req, el_handoff_get_etag (current != NULL ? current : handoff));
        }
      el_api_fail (ctx, req, claimed, &txn, error, NULL);
      return;
    }
  node = el_handoff_to_json (updated);
  el_api_finish_json (ctx, req, claimed, &txn, SOUP_STATUS_OK, node, el_handoff_get_etag (updated), NULL);
}

static void
sign_handoff (ElHttpRequest *req, gpointer user_data)
{
  ElServerContext *ctx = user_data;
  const ElHttpUser *user = el_http_request_get_user (req);
  static const char *const allowed[] = { "version", "password", NULL };
  g_autoptr (ElHandoff) handoff = NULL;
  g_autoptr (ElHandoff) signed_handoff = NULL;
  g_autoptr (ElSbarVersion) latest = NULL;
  g_autoptr (ElUser) signer = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *phc = NULL;
  const char *password;
  g_autoptr (ElDbTransaction) txn = NULL;
  g_autoptr (JsonNode) node = NULL;
  gboolean ok = TRUE, disabled = FALSE, verified, claimed = FALSE;
  JsonObject *obj;
  int version = 0;

  handoff = el_api_load_handoff (ctx, req);
  if (handoff == NULL)
    return;
  body = el_http_request_read_json (req);
  if (body == NULL)
    return;
  if (!JSON_NODE_HOLDS_OBJECT (body))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_VALIDATION_FAILED,
                                       "the body must be a JSON object");
      return;
    }
  obj = json_node_get_object (body);
  if (!check_members (obj, allowed, &bad))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_VALIDATION_FAILED, bad);
      return;
    }
  password = get_string_member (obj, "password", &ok);
  if (!get_version_member (obj, &version) || !ok || password == NULL || password[0] == '\0' ||
      strlen (password) > 1024)
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_VALIDATION_FAILED,
                                       "version (an integer >= 1) and password are required");
      return;
    }

  signer = el_repo_user_get (ctx->db, user->id, &phc, &disabled, &error);
  if (signer == NULL && !g_error_matches (error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND))
    {
      el_api_respond_repo_error (req, error, NULL);
      return;
    }
  if (signer == NULL || disabled || phc == NULL)
    {
      el_password_verify_dummy (password, strlen (password));
      verified = FALSE;
    }
  else
    verified = el_password_verify (phc, password, strlen (password), NULL);
  if (phc != NULL)
    OPENSSL_cleanse (phc, strlen (phc));
  if (!verified)
    {
      el_http_request_respond_problem_full (req, SOUP_STATUS_FORBIDDEN, EL_HTTP_PROBLEM_INVALID_CREDENTIALS,
                                            "the password is not correct", NULL);
      return;
    }

  g_clear_error (&error);
  if (!el_api_idempotency_begin (ctx, req, FALSE, &claimed))
    return;
  txn = el_db_transaction_begin (ctx->db, &error);
  if (txn != NULL)
    signed_handoff =
        el_repo_handoff_sign (ctx->db, el_handoff_get_id (handoff), version, user->id, &latest, &error);
  if (signed_handoff == NULL)
    {
      el_api_fail (ctx, req, claimed, &txn, error, latest);
      return;
    }
  node = el_handoff_to_json (signed_handoff);
  el_api_finish_json (ctx, req, claimed, &txn, SOUP_STATUS_OK, node, el_handoff_get_etag (signed_handoff),
                      NULL);
}

static void
acknowledge_handoff (ElHttpRequest *req, gpointer user_data)
{
  ElServerContext *ctx = user_data;
  const ElHttpUser *user = el_http_request_get_user (req);
  static const char *const allowed[] = { "version", "readback_confirmed", "readback_note", NULL };
  g_autoptr (ElHandoff) handoff = NULL;
  g_autoptr (ElHandoff) acknowledged = NULL;
  g_autoptr (ElSbarVersion) latest = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *bad = NULL;
  g_autoptr (ElDbTransaction) txn = NULL;
  g_autoptr (JsonNode) node = NULL;
  const char *note;
  gboolean ok = TRUE, claimed = FALSE;
  JsonObject *obj;
  JsonNode *confirmed;
  int version = 0;

  handoff = el_api_load_handoff (ctx, req);
  if (handoff == NULL)
    return;
  body = el_http_request_read_json (req);
  if (body == NULL)
    return;
  if (!JSON_NODE_HOLDS_OBJECT (body))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_VALIDATION_FAILED,
                                       "the body must be a JSON object");
      return;
    }
  obj = json_node_get_object (body);
  if (!check_members (obj, allowed, &bad))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_VALIDATION_FAILED, bad);
      return;
    }
  confirmed = json_object_get_member (obj, "readback_confirmed");
  note = get_string_member (obj, "readback_note", &ok);
  if (!get_version_member (obj, &version) || !ok || (note != NULL && g_utf8_strlen (note, -1) > 16384) ||
      confirmed == NULL || !JSON_NODE_HOLDS_VALUE (confirmed) ||
      json_node_get_value_type (confirmed) != G_TYPE_BOOLEAN || !json_node_get_boolean (confirmed))
    {
      el_http_request_respond_problem (req, EL_HTTP_PROBLEM_VALIDATION_FAILED,
                                       "version and readback_confirmed: true are required");
      return;
    }

  if (!el_api_idempotency_begin (ctx, req, FALSE, &claimed))
    return;
  txn = el_db_transaction_begin (ctx->db, &error);
  if (txn != NULL)
    acknowledged = el_repo_handoff_acknowledge (ctx->db, el_handoff_get_id (handoff), version, note, user->id,
                                                &latest, &error);
  if (acknowledged == NULL)
    {
      el_api_fail (ctx, req, claimed, &txn, error, latest);
      return;
    }
  node = el_handoff_to_json (acknowledged);
  el_api_finish_json (ctx, req, claimed, &txn, SOUP_STATUS_OK, node, el_handoff_get_etag (acknowledged),
                      NULL);
}

void
el_api_handoffs_register (ElServerContext *ctx)
{
  const ElHttpRouteFlags flags = EL_HTTP_ROUTE_AUTH | EL_HTTP_ROUTE_PHI;

  /* the list runs on a worker thread (read-only, no request header) */
  el_http_server_add_route (ctx->server, "GET", "/api/v1/handoffs", flags | EL_HTTP_ROUTE_WORKER,
                            list_handoffs, ctx, NULL);
  el_http_server_add_route (ctx->server, "POST", "/api/v1/handoffs", flags | EL_HTTP_ROUTE_JSON,
                            create_handoff, ctx, NULL);
  el_http_server_add_route (ctx->server, "GET", "/api/v1/handoffs/{handoff_id}", flags, get_handoff, ctx,
                            NULL);
  el_http_server_add_route (ctx->server, "PATCH", "/api/v1/handoffs/{handoff_id}", flags, patch_handoff, ctx,
                            NULL);
  el_http_server_add_route (ctx->server, "POST", "/api/v1/handoffs/{handoff_id}/sign",
                            flags | EL_HTTP_ROUTE_JSON, sign_handoff, ctx, NULL);
  el_http_server_add_route (ctx->server, "POST", "/api/v1/handoffs/{handoff_id}/acknowledge",
                            flags | EL_HTTP_ROUTE_JSON, acknowledge_handoff, ctx, NULL);
  handoffs_created_metric (ctx);
#ifdef EL_FAULT_INJECTION
  if (g_getenv ("EL_FAULT") != NULL)
    el_log_message (EL_LOG_WARN, "fault_injection", "EL_FAULT is armed: never in production");
#endif
}
