/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The typed endpoint calls of ElApiClient: each builds an ElApiCallSpec, sends it with
 * el_api_client_send_async() and decodes the answer in its _finish with core's strict model
 * decoders (anything that does not decode: EL_API_ERROR_INVALID_RESPONSE).
 */
#include "config.h"

#include <openssl/crypto.h>
#include <string.h>

#include "el-api-private.h"

#define SHA256_BYTES 32

typedef GObject *(*DecodeFunc) (JsonNode *node, GError **error);

/* Core's decoders, as one function type (no calls through a cast function pointer). */
static GObject *
decode_user (JsonNode *node, GError **error)
{
  return (GObject *) el_user_new_from_json (node, error);
}

static GObject *
decode_unit (JsonNode *node, GError **error)
{
  return (GObject *) el_unit_new_from_json (node, error);
}

static GObject *
decode_patient (JsonNode *node, GError **error)
{
  return (GObject *) el_patient_new_from_json (node, error);
}

static GObject *
decode_handoff (JsonNode *node, GError **error)
{
  return (GObject *) el_handoff_new_from_json (node, error);
}

static GObject *
decode_sbar_version (JsonNode *node, GError **error)
{
  return (GObject *) el_sbar_version_new_from_json (node, error);
}

static GObject *
decode_recording (JsonNode *node, GError **error)
{
  return (GObject *) el_recording_new_from_json (node, error);
}

static char *
escape (const char *segment)
{
  return g_uri_escape_string (segment != NULL ? segment : "", NULL, FALSE);
}

static gboolean
invalid_answer (GError **error, const char *method, const char *route, const char *what, const GError *cause)
{
  g_set_error (error, EL_API_ERROR, EL_API_ERROR_INVALID_RESPONSE, "%s %s: the answer is not a valid %s%s%s",
               method, route, what, cause != NULL ? ": " : "", cause != NULL ? cause->message : "");
  return FALSE;
}

static GObject *
decode_object (ElApiResponse *response,
               const char *method,
               const char *route,
               const char *what,
               DecodeFunc decode,
               GError **error)
{
  g_autoptr (GError) cause = NULL;
  JsonNode *json = el_api_response_get_json (response);
  GObject *object;

  if (json == NULL)
    {
      invalid_answer (error, method, route, what, NULL);
      return NULL;
    }
  object = decode (json, &cause);
  if (object == NULL)
    invalid_answer (error, method, route, what, cause);
  return object;
}

static GPtrArray *
decode_items (ElApiResponse *response,
              const char *method,
              const char *route,
              const char *what,
              DecodeFunc decode,
              GError **error)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  JsonNode *json = el_api_response_get_json (response);
  JsonNode *member;
  JsonArray *array;

  if (json == NULL || !JSON_NODE_HOLDS_OBJECT (json) ||
      (member = json_object_get_member (json_node_get_object (json), "items")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (member))
    {
      invalid_answer (error, method, route, what, NULL);
      return NULL;
    }
  array = json_node_get_array (member);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr (GError) cause = NULL;
      GObject *object = decode (json_array_get_element (array, i), &cause);

      if (object == NULL)
        {
          invalid_answer (error, method, route, what, cause);
          return NULL;
        }
      g_ptr_array_add (items, object);
    }
  return g_steal_pointer (&items);
}

static void
send (ElApiClient *self,
      const ElApiCallSpec *spec,
      GCancellable *cancellable,
      gpointer tag,
      GAsyncReadyCallback callback,
      gpointer user_data)
{
  el_api_client_send_async (self, spec, cancellable, tag, callback, user_data);
}

static void
send_get (ElApiClient *self,
          const char *route,
          const char *path,
          GCancellable *cancellable,
          gpointer tag,
          GAsyncReadyCallback callback,
          gpointer user_data)
{
  ElApiCallSpec spec = {
    .method = "GET", .route = route, .path = path, .flags = EL_API_CALL_AUTH, .size = -1
  };

  send (self, &spec, cancellable, tag, callback, user_data);
}

static GBytes *
node_body (JsonNode *node)
{
  char *data = json_to_string (node, FALSE);

  return el_api_bytes_new_secret (data, strlen (data));
}

/* The handoff of an answer, with its ETag (header, else the body's). */
static ElHandoff *
finish_handoff (ElApiClient *self,
                GAsyncResult *result,
                gpointer tag,
                const char *method,
                const char *route,
                char **etag,
                GError **error)
{
  g_autoptr (ElApiResponse) response = el_api_client_send_finish (self, result, tag, error);
  ElHandoff *handoff;

  if (response == NULL)
    return NULL;
  handoff = EL_HANDOFF (decode_object (response, method, route, "Handoff", decode_handoff, error));
  if (handoff != NULL && etag != NULL)
    *etag = g_strdup (el_api_response_get_etag (response) != NULL ? el_api_response_get_etag (response)
                                                                  : el_handoff_get_etag (handoff));
  return handoff;
}

/* ------------------------------------------------------------------------------------------------
 * Users and census
 */

void
el_api_client_get_me_async (ElApiClient *self,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data)
{
  send_get (self, "/api/v1/me", "/api/v1/me", cancellable, el_api_client_get_me_async, callback, user_data);
}

ElUser *
el_api_client_get_me_finish (ElApiClient *self, GAsyncResult *result, GError **error)
{
  g_autoptr (ElApiResponse) response =
      el_api_client_send_finish (self, result, el_api_client_get_me_async, error);

  if (response == NULL)
    return NULL;
  return EL_USER (decode_object (response, "GET", "/api/v1/me", "User", decode_user, error));
}

void
el_api_client_list_units_async (ElApiClient *self,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  send_get (self, "/api/v1/units", "/api/v1/units", cancellable, el_api_client_list_units_async, callback,
            user_data);
}

GPtrArray *
el_api_client_list_units_finish (ElApiClient *self, GAsyncResult *result, GError **error)
{
  g_autoptr (ElApiResponse) response =
      el_api_client_send_finish (self, result, el_api_client_list_units_async, error);

  if (response == NULL)
    return NULL;
  return decode_items (response, "GET", "/api/v1/units", "UnitList", decode_unit, error);
}

void
el_api_client_list_patients_async (ElApiClient *self,
                                   const char *unit_id,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_autofree char *id = escape (unit_id);
  g_autofree char *path = g_strdup_printf ("/api/v1/patients?unit_id=%s", id);

  send_get (self, "/api/v1/patients", path, cancellable, el_api_client_list_patients_async, callback,
            user_data);
}

GPtrArray *
el_api_client_list_patients_finish (ElApiClient *self, GAsyncResult *result, GError **error)
{
  g_autoptr (ElApiResponse) response =
      el_api_client_send_finish (self, result, el_api_client_list_patients_async, error);

  if (response == NULL)
    return NULL;
  return decode_items (response, "GET", "/api/v1/patients", "PatientList", decode_patient, error);
}

/* ------------------------------------------------------------------------------------------------
 * Handoffs
 */

void
el_api_client_list_handoffs_async (ElApiClient *self,
                                   const char *unit_id,
                                   const char *patient_id,
                                   const char *cursor,
                                   guint limit,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_autoptr (GString) path = g_string_new ("/api/v1/handoffs");
  char sep = '?';

  if (unit_id != NULL)
    {
      g_autofree char *value = escape (unit_id);

      g_string_append_printf (path, "%cunit_id=%s", sep, value);
      sep = '&';
    }
  if (patient_id != NULL)
    {
      g_autofree char *value = escape (patient_id);

      g_string_append_printf (path, "%cpatient_id=%s", sep, value);
      sep = '&';
    }
  if (cursor != NULL)
    {
      g_autofree char *value = escape (cursor);

      g_string_append_printf (path, "%ccursor=%s", sep, value);
      sep = '&';
    }
  if (limit > 0)
    g_string_append_printf (path, "%climit=%u", sep, limit);
  send_get (self, "/api/v1/handoffs", path->str, cancellable, el_api_client_list_handoffs_async, callback,
            user_data);
}

GPtrArray *
el_api_client_list_handoffs_finish (
    ElApiClient *self, GAsyncResult *result, char **next_cursor, gboolean *has_more, GError **error)
{
  g_autoptr (ElApiResponse) response =
      el_api_client_send_finish (self, result, el_api_client_list_handoffs_async, error);
  g_autoptr (GPtrArray) items = NULL;
  JsonObject *object;
  JsonNode *more, *cursor;

  if (response == NULL)
    return NULL;
  items = decode_items (response, "GET", "/api/v1/handoffs", "HandoffList", decode_handoff, error);
  if (items == NULL)
    return NULL;
  object = json_node_get_object (el_api_response_get_json (response));
  more = json_object_get_member (object, "has_more");
  cursor = json_object_get_member (object, "next_cursor");
  if (more == NULL || !JSON_NODE_HOLDS_VALUE (more) || json_node_get_value_type (more) != G_TYPE_BOOLEAN ||
      (json_node_get_boolean (more) && (cursor == NULL || !JSON_NODE_HOLDS_VALUE (cursor) ||
                                        json_node_get_value_type (cursor) != G_TYPE_STRING)))
    {
      invalid_answer (error, "GET", "/api/v1/handoffs", "HandoffList (has_more, next_cursor)", NULL);
      return NULL;
    }
  if (has_more != NULL)
    *has_more = json_node_get_boolean (more);
  if (next_cursor != NULL)
    *next_cursor = json_node_get_boolean (more) ? g_strdup (json_node_get_string (cursor)) : NULL;
  return g_steal_pointer (&items);
}

#define ROUTE_HANDOFF "/api/v1/handoffs/{handoff_id}"

void
el_api_client_get_handoff_async (ElApiClient *self,
                                 const char *handoff_id,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autofree char *id = escape (handoff_id);
  g_autofree char *path = g_strdup_printf ("/api/v1/handoffs/%s", id);

  send_get (self, ROUTE_HANDOFF, path, cancellable, el_api_client_get_handoff_async, callback, user_data);
}

ElHandoff *
el_api_client_get_handoff_finish (ElApiClient *self, GAsyncResult *result, char **etag, GError **error)
{
  return finish_handoff (self, result, el_api_client_get_handoff_async, "GET", ROUTE_HANDOFF, etag, error);
}

static JsonNode *
handoff_create_json (ElHandoff *handoff)
{
  static const char *const members[] = {
    "id", "patient_id", "unit_id", "shift_date", "shift", "outgoing_nurse_id", "receiving_nurse_id", NULL
  };
  g_autoptr (JsonNode) full = el_handoff_to_json (handoff);
  JsonObject *out = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  for (guint i = 0; members[i] != NULL; i++)
    {
      JsonNode *member = json_object_get_member (json_node_get_object (full), members[i]);

      if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
        json_object_set_member (out, members[i], json_node_copy (member));
    }
  json_node_take_object (node, out);
  return node;
}

void
el_api_client_create_handoff_async (ElApiClient *self,
                                    ElHandoff *handoff,
                                    const char *idempotency_key,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GBytes) body = NULL;
  ElApiCallSpec spec = { .method = "POST",
                         .route = "/api/v1/handoffs",
                         .path = "/api/v1/handoffs",
                         .flags = EL_API_CALL_AUTH,
                         .idempotency_key = idempotency_key,
                         .size = -1 };

  g_return_if_fail (EL_IS_HANDOFF (handoff));
  node = handoff_create_json (handoff);
  body = node_body (node);
  spec.body = body;
  send (self, &spec, cancellable, el_api_client_create_handoff_async, callback, user_data);
}

ElHandoff *
el_api_client_create_handoff_finish (ElApiClient *self, GAsyncResult *result, char **etag, GError **error)
{
  return finish_handoff (self, result, el_api_client_create_handoff_async, "POST", "/api/v1/handoffs", etag,
                         error);
}

void
el_api_client_patch_handoff_async (ElApiClient *self,
                                   const char *handoff_id,
                                   JsonNode *patch,
                                   const char *if_match,
                                   const char *idempotency_key,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_autofree char *id = escape (handoff_id);
  g_autofree char *path = g_strdup_printf ("/api/v1/handoffs/%s", id);
  g_autoptr (GBytes) body = NULL;
  ElApiCallSpec spec = { .method = "PATCH",
                         .route = ROUTE_HANDOFF,
                         .path = path,
                         .flags = EL_API_CALL_AUTH,
                         .content_type = "application/merge-patch+json",
                         .idempotency_key = idempotency_key,
                         .if_match = if_match,
                         .size = -1 };

  g_return_if_fail (patch != NULL);
  body = node_body (patch);
  spec.body = body;
  send (self, &spec, cancellable, el_api_client_patch_handoff_async, callback, user_data);
}

ElHandoff *
el_api_client_patch_handoff_finish (ElApiClient *self, GAsyncResult *result, char **etag, GError **error)
{
  return finish_handoff (self, result, el_api_client_patch_handoff_async, "PATCH", ROUTE_HANDOFF, etag,
                         error);
}

void
el_api_client_sign_handoff_async (ElApiClient *self,
                                  const char *handoff_id,
                                  int version,
                                  const char *password,
                                  const char *idempotency_key,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_autofree char *id = escape (handoff_id);
  g_autofree char *path = g_strdup_printf ("/api/v1/handoffs/%s/sign", id);
  GString *out;
  gsize len;
  g_autoptr (GBytes) body = NULL;
  ElApiCallSpec spec = { .method = "POST",
                         .route = ROUTE_HANDOFF "/sign",
                         .path = path,
                         .flags = EL_API_CALL_AUTH,
                         .idempotency_key = idempotency_key,
                         .size = -1 };

  g_return_if_fail (password != NULL);
  out = g_string_sized_new (64 + 6 * strlen (password)); /* never grows: no stray copy of the password */
  g_string_append_printf (out, "{\"version\":%d,\"password\":", version);
  el_api_json_append_string (out, password);
  g_string_append_c (out, '}');
  len = out->len;
  body = el_api_bytes_new_secret (g_string_free (out, FALSE), len);
  spec.body = body;
  send (self, &spec, cancellable, el_api_client_sign_handoff_async, callback, user_data);
}

ElHandoff *
el_api_client_sign_handoff_finish (ElApiClient *self, GAsyncResult *result, char **etag, GError **error)
{
  return finish_handoff (self, result, el_api_client_sign_handoff_async, "POST", ROUTE_HANDOFF "/sign", etag,
                         error);
}

void
el_api_client_acknowledge_handoff_async (ElApiClient *self,
                                         const char *handoff_id,
                                         int version,
                                         const char *readback_note,
                                         const char *idempotency_key,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data)
{
  g_autofree char *id = escape (handoff_id);
  g_autofree char *path = g_strdup_printf ("/api/v1/handoffs/%s/acknowledge", id);
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GBytes) body = NULL;
  gsize len;
  ElApiCallSpec spec = { .method = "POST",
                         .route = ROUTE_HANDOFF "/acknowledge",
                         .path = path,
                         .flags = EL_API_CALL_AUTH,
                         .idempotency_key = idempotency_key,
                         .size = -1 };

  g_string_append_printf (out, "{\"version\":%d,\"readback_confirmed\":true", version);
  if (readback_note != NULL)
    {
      g_string_append (out, ",\"readback_note\":");
      el_api_json_append_string (out, readback_note);
    }
  g_string_append_c (out, '}');
  len = out->len;
  body = el_api_bytes_new_secret (g_string_free (g_steal_pointer (&out), FALSE), len);
  spec.body = body;
  send (self, &spec, cancellable, el_api_client_acknowledge_handoff_async, callback, user_data);
}

ElHandoff *
el_api_client_acknowledge_handoff_finish (ElApiClient *self,
                                          GAsyncResult *result,
                                          char **etag,
                                          GError **error)
{
  return finish_handoff (self, result, el_api_client_acknowledge_handoff_async, "POST",
                         ROUTE_HANDOFF "/acknowledge", etag, error);
}

/* ------------------------------------------------------------------------------------------------
 * SBAR
 */

#define ROUTE_SBAR     ROUTE_HANDOFF "/sbar"
#define ROUTE_VERSIONS ROUTE_HANDOFF "/sbar/versions"
#define ROUTE_VERSION  ROUTE_HANDOFF "/sbar/versions/{version}"

void
el_api_client_get_sbar_async (ElApiClient *self,
                              const char *handoff_id,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autofree char *id = escape (handoff_id);
  g_autofree char *path = g_strdup_printf ("/api/v1/handoffs/%s/sbar", id);

  send_get (self, ROUTE_SBAR, path, cancellable, el_api_client_get_sbar_async, callback, user_data);
}

ElSbarVersion *
el_api_client_get_sbar_finish (ElApiClient *self, GAsyncResult *result, GError **error)
{
  g_autoptr (ElApiResponse) response =
      el_api_client_send_finish (self, result, el_api_client_get_sbar_async, error);

  if (response == NULL)
    return NULL;
  return EL_SBAR_VERSION (
      decode_object (response, "GET", ROUTE_SBAR, "SbarVersion", decode_sbar_version, error));
}

void
el_api_client_list_sbar_versions_async (ElApiClient *self,
                                        const char *handoff_id,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data)
{
  g_autofree char *id = escape (handoff_id);
  g_autofree char *path = g_strdup_printf ("/api/v1/handoffs/%s/sbar/versions", id);

  send_get (self, ROUTE_VERSIONS, path, cancellable, el_api_client_list_sbar_versions_async, callback,
            user_data);
}

GPtrArray *
el_api_client_list_sbar_versions_finish (ElApiClient *self, GAsyncResult *result, GError **error)
{
  g_autoptr (ElApiResponse) response =
      el_api_client_send_finish (self, result, el_api_client_list_sbar_versions_async, error);

  if (response == NULL)
    return NULL;
  return decode_items (response, "GET", ROUTE_VERSIONS, "SbarVersionList", decode_sbar_version, error);
}

void
el_api_client_get_sbar_version_async (ElApiClient *self,
                                      const char *handoff_id,
                                      int version,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  g_autofree char *id = escape (handoff_id);
  g_autofree char *path = g_strdup_printf ("/api/v1/handoffs/%s/sbar/versions/%d", id, version);

  send_get (self, ROUTE_VERSION, path, cancellable, el_api_client_get_sbar_version_async, callback,
            user_data);
}

ElSbarVersion *
el_api_client_get_sbar_version_finish (ElApiClient *self, GAsyncResult *result, GError **error)
{
  g_autoptr (ElApiResponse) response =
      el_api_client_send_finish (self, result, el_api_client_get_sbar_version_async, error);

  if (response == NULL)
    return NULL;
  return EL_SBAR_VERSION (
      decode_object (response, "GET", ROUTE_VERSION, "SbarVersion", decode_sbar_version, error));
}

void
el_api_client_create_sbar_version_async (ElApiClient *self,
                                         const char *handoff_id,
                                         ElSbarVersion *content,
                                         int base_version,
                                         const char *idempotency_key,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data)
{
  g_autofree char *id = escape (handoff_id);
  g_autofree char *path = g_strdup_printf ("/api/v1/handoffs/%s/sbar/versions", id);
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GBytes) body = NULL;
  ElApiCallSpec spec = { .method = "POST",
                         .route = ROUTE_VERSIONS,
                         .path = path,
                         .flags = EL_API_CALL_AUTH,
                         .idempotency_key = idempotency_key,
                         .size = -1 };

  g_return_if_fail (EL_IS_SBAR_VERSION (content));
  node = el_sbar_version_create_request_to_json (content, base_version);
  body = node_body (node);
  spec.body = body;
  send (self, &spec, cancellable, el_api_client_create_sbar_version_async, callback, user_data);
}

ElSbarVersion *
el_api_client_create_sbar_version_finish (ElApiClient *self,
                                          GAsyncResult *result,
                                          char **etag,
                                          GError **error)
{
  g_autoptr (ElApiResponse) response =
      el_api_client_send_finish (self, result, el_api_client_create_sbar_version_async, error);
  ElSbarVersion *version;

  if (response == NULL)
    return NULL;
  version = EL_SBAR_VERSION (
      decode_object (response, "POST", ROUTE_VERSIONS, "SbarVersion", decode_sbar_version, error));
  if (version != NULL && etag != NULL)
    *etag = g_strdup (el_api_response_get_etag (response));
  return version;
}

/* ------------------------------------------------------------------------------------------------
 * Change feed
 */

void
el_api_client_get_changes_async (ElApiClient *self,
                                 gint64 since,
                                 guint limit,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autofree char *path = NULL;

  if (limit > 0)
    path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT "&limit=%u", MAX (since, 0), limit);
  else
    path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT, MAX (since, 0));
  send_get (self, "/api/v1/changes", path, cancellable, el_api_client_get_changes_async, callback, user_data);
}

ElApiChangePage *
el_api_client_get_changes_finish (ElApiClient *self, GAsyncResult *result, GError **error)
{
  g_autoptr (ElApiResponse) response =
      el_api_client_send_finish (self, result, el_api_client_get_changes_async, error);
  g_autoptr (GError) cause = NULL;
  ElApiChangePage *page;

  if (response == NULL)
    return NULL;
  page = el_api_change_page_new_from_json (el_api_response_get_json (response), &cause);
  if (page == NULL)
    invalid_answer (error, "GET", "/api/v1/changes", "ChangeFeed", cause);
  return page;
}

/* ------------------------------------------------------------------------------------------------
 * Recordings
 */

#define ROUTE_UPLOAD "/api/v1/handoffs/{handoff_id}/recordings"

typedef struct
{
  char *handoff_id;
  char *recording_id;
  char *content_type;
  char *idempotency_key;
  ElApiOpenStreamFunc open_stream;
  gpointer open_data;
  GDestroyNotify open_data_destroy;
  gint64 size;
  guint8 sha256[SHA256_BYTES];
  /* digest computation */
  GInputStream *stream;
  GChecksum *checksum;
} Upload;

static void
upload_free (Upload *upload)
{
  g_free (upload->handoff_id);
  g_free (upload->recording_id);
  g_free (upload->content_type);
  g_free (upload->idempotency_key);
  if (upload->open_data_destroy != NULL)
    upload->open_data_destroy (upload->open_data);
  g_clear_object (&upload->stream);
  g_clear_pointer (&upload->checksum, g_checksum_free);
  g_free (upload);
}

static void
upload_sent_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  ElApiResponse *response = el_api_client_send_finish (EL_API_CLIENT (source), result,
                                                       el_api_client_upload_recording_async, &error);

  if (response == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, response, (GDestroyNotify) el_api_response_unref);
}

static void
upload_send (GTask *task)
{
  ElApiClient *self = g_task_get_source_object (task);
  Upload *upload = g_task_get_task_data (task);
  g_autofree char *digest64 = g_base64_encode (upload->sha256, SHA256_BYTES);
  g_autofree char *digest = g_strdup_printf ("sha-256=:%s:", digest64);
  g_autofree char *id = escape (upload->handoff_id);
  g_autofree char *path = NULL;
  ElApiCallSpec spec = { .method = "POST",
                         .route = ROUTE_UPLOAD,
                         .flags = EL_API_CALL_AUTH,
                         .content_type = upload->content_type,
                         .idempotency_key = upload->idempotency_key,
                         .open_stream = upload->open_stream,
                         .open_data = upload->open_data,
                         .open_data_destroy = upload->open_data_destroy,
                         .size = upload->size,
                         .content_digest = digest };

  if (upload->recording_id != NULL)
    {
      g_autofree char *rid = escape (upload->recording_id);

      path = g_strdup_printf ("/api/v1/handoffs/%s/recordings?recording_id=%s", id, rid);
    }
  else
    path = g_strdup_printf ("/api/v1/handoffs/%s/recordings", id);
  spec.path = path;
  /* the call owns the opener's data now */
  upload->open_data_destroy = NULL;
  el_api_client_send_async (self, &spec, g_task_get_cancellable (task), el_api_client_upload_recording_async,
                            upload_sent_cb, g_object_ref (task));
}

static void
digest_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Upload *upload = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  gsize len = SHA256_BYTES;

  if (bytes == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_bytes_get_size (bytes) > 0)
    {
      g_checksum_update (upload->checksum, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes));
      g_input_stream_read_bytes_async (upload->stream, 64 * 1024, G_PRIORITY_DEFAULT,
                                       g_task_get_cancellable (task), digest_read_cb, g_object_ref (task));
      return;
    }
  g_checksum_get_digest (upload->checksum, upload->sha256, &len);
  g_input_stream_close (upload->stream, NULL, NULL);
  g_clear_object (&upload->stream);
  upload_send (task);
}

void
el_api_client_upload_recording_async (ElApiClient *self,
                                      const char *handoff_id,
                                      const char *recording_id,
                                      const char *content_type,
                                      ElApiOpenStreamFunc open_stream,
                                      gpointer open_data,
                                      GDestroyNotify open_data_destroy,
                                      gint64 size,
                                      const guint8 *sha256,
                                      const char *idempotency_key,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;
  Upload *upload;

  g_return_if_fail (EL_IS_API_CLIENT (self));
  g_return_if_fail (handoff_id != NULL && content_type != NULL && open_stream != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_api_client_upload_recording_async);
  upload = g_new0 (Upload, 1);
  upload->handoff_id = g_strdup (handoff_id);
  upload->recording_id = g_strdup (recording_id);
  upload->content_type = g_strdup (content_type);
  upload->idempotency_key = g_strdup (idempotency_key);
  upload->open_stream = open_stream;
  upload->open_data = open_data;
  upload->open_data_destroy = open_data_destroy;
  upload->size = size;
  g_task_set_task_data (task, upload, (GDestroyNotify) upload_free);

  if (idempotency_key == NULL)
    {
      g_task_return_new_error (task, EL_API_ERROR, EL_API_ERROR_INVALID_ARGUMENT,
                               "POST " ROUTE_UPLOAD ": an upload needs an Idempotency-Key");
      return;
    }
  if (sha256 != NULL)
    {
      memcpy (upload->sha256, sha256, SHA256_BYTES);
      upload_send (task);
      return;
    }
  upload->stream = open_stream (open_data, cancellable, &error);
  if (upload->stream == NULL)
    {
      if (error == NULL)
        g_set_error_literal (&error, EL_API_ERROR, EL_API_ERROR_INVALID_ARGUMENT,
                             "POST " ROUTE_UPLOAD ": the recording cannot be read");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  upload->checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_input_stream_read_bytes_async (upload->stream, 64 * 1024, G_PRIORITY_DEFAULT, cancellable, digest_read_cb,
                                   g_object_ref (task));
}

static ElRecording *
finish_recording (GAsyncResult *result, GError **error)
{
  g_autoptr (ElApiResponse) response = g_task_propagate_pointer (G_TASK (result), error);

  if (response == NULL)
    return NULL;
  return EL_RECORDING (decode_object (response, "POST", ROUTE_UPLOAD, "Recording", decode_recording, error));
}

ElRecording *
el_api_client_upload_recording_finish (ElApiClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == el_api_client_upload_recording_async,
                        NULL);
  return finish_recording (result, error);
}

/* From a file ------------------------------------------------------------------------------------- */

typedef struct
{
  GFile *file;
  char *handoff_id;
  char *recording_id;
  char *content_type;
  char *idempotency_key;
  gint64 size;
  guint8 sha256[SHA256_BYTES];
} FileUpload;

static void
file_upload_free (FileUpload *upload)
{
  g_object_unref (upload->file);
  g_free (upload->handoff_id);
  g_free (upload->recording_id);
  g_free (upload->content_type);
  g_free (upload->idempotency_key);
  g_free (upload);
}

static GInputStream *
open_file (gpointer user_data, GCancellable *cancellable, GError **error)
{
  return G_INPUT_STREAM (g_file_read (G_FILE (user_data), cancellable, error));
}

/* In a worker thread: size and SHA-256 of the file. */
static void
file_digest_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  FileUpload *upload = task_data;
  g_autoptr (GFileInputStream) stream = NULL;
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (64 * 1024);
  GError *error = NULL;
  gint64 size = 0;
  gssize n;
  gsize len = SHA256_BYTES;

  stream = g_file_read (upload->file, cancellable, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  while ((n = g_input_stream_read (G_INPUT_STREAM (stream), buffer, 64 * 1024, cancellable, &error)) > 0)
    {
      g_checksum_update (checksum, buffer, n);
      size += n;
    }
  if (n < 0)
    {
      g_task_return_error (task, error);
      return;
    }
  g_checksum_get_digest (checksum, upload->sha256, &len);
  upload->size = size;
  g_task_return_boolean (task, TRUE);
}

static void
file_uploaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  g_autoptr (ElApiResponse) response = g_task_propagate_pointer (G_TASK (result), &error);

  if (response == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&response), (GDestroyNotify) el_api_response_unref);
}

static void
file_digested_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  FileUpload *upload = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  el_api_client_upload_recording_async (EL_API_CLIENT (source), upload->handoff_id, upload->recording_id,
                                        upload->content_type, open_file, g_object_ref (upload->file),
                                        g_object_unref, upload->size, upload->sha256, upload->idempotency_key,
                                        g_task_get_cancellable (task), file_uploaded_cb, g_object_ref (task));
}

void
el_api_client_upload_recording_file_async (ElApiClient *self,
                                           const char *handoff_id,
                                           const char *recording_id,
                                           const char *content_type,
                                           GFile *file,
                                           const char *idempotency_key,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GTask) digest = NULL;
  FileUpload *upload;

  g_return_if_fail (EL_IS_API_CLIENT (self));
  g_return_if_fail (handoff_id != NULL && content_type != NULL && G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_api_client_upload_recording_file_async);
  upload = g_new0 (FileUpload, 1);
  upload->file = g_object_ref (file);
  upload->handoff_id = g_strdup (handoff_id);
  upload->recording_id = g_strdup (recording_id);
  upload->content_type = g_strdup (content_type);
  upload->idempotency_key = g_strdup (idempotency_key);
  g_task_set_task_data (task, upload, (GDestroyNotify) file_upload_free);

  digest = g_task_new (self, cancellable, file_digested_cb, g_object_ref (task));
  g_task_set_source_tag (digest, file_digest_thread);
  g_task_set_task_data (digest, upload, NULL);
  g_task_run_in_thread (digest, file_digest_thread);
}

ElRecording *
el_api_client_upload_recording_file_finish (ElApiClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == el_api_client_upload_recording_file_async,
                        NULL);
  return finish_recording (result, error);
}

void
el_api_client_get_recording_async (ElApiClient *self,
                                   const char *recording_id,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_autofree char *id = escape (recording_id);
  g_autofree char *path = g_strdup_printf ("/api/v1/recordings/%s", id);

  send_get (self, "/api/v1/recordings/{recording_id}", path, cancellable, el_api_client_get_recording_async,
            callback, user_data);
}

ElRecording *
el_api_client_get_recording_finish (ElApiClient *self, GAsyncResult *result, GError **error)
{
  g_autoptr (ElApiResponse) response =
      el_api_client_send_finish (self, result, el_api_client_get_recording_async, error);

  if (response == NULL)
    return NULL;
  return EL_RECORDING (decode_object (response, "GET", "/api/v1/recordings/{recording_id}", "Recording",
                                      decode_recording, error));
}

#define ROUTE_AUDIO "/api/v1/recordings/{recording_id}/audio"

void
el_api_client_download_recording_audio_async (ElApiClient *self,
                                              const char *recording_id,
                                              GCancellable *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer user_data)
{
  g_autofree char *id = escape (recording_id);
  g_autofree char *path = g_strdup_printf ("/api/v1/recordings/%s/audio", id);
  ElApiCallSpec spec = {
    .method = "GET",
    .route = ROUTE_AUDIO,
    .path = path,
    .flags = EL_API_CALL_AUTH,
    .size = -1,
    .accept = "audio/ogg, audio/wav, application/problem+json",
    .max_body = EL_API_RECORDING_AUDIO_MAX_BYTES,
  };

  send (self, &spec, cancellable, el_api_client_download_recording_audio_async, callback, user_data);
}

GBytes *
el_api_client_download_recording_audio_finish (ElApiClient *self,
                                               GAsyncResult *result,
                                               char **content_type,
                                               GError **error)
{
  g_autoptr (ElApiResponse) response =
      el_api_client_send_finish (self, result, el_api_client_download_recording_audio_async, error);
  const char *type;

  if (response == NULL)
    return NULL;
  type = el_api_response_get_content_type (response);
  if (el_api_response_get_status (response) != 200 || type == NULL ||
      (!g_str_equal (type, "audio/ogg") && !g_str_equal (type, "audio/wav")))
    {
      invalid_answer (error, "GET", ROUTE_AUDIO, "recording audio (audio/ogg or audio/wav)", NULL);
      return NULL;
    }
  if (content_type != NULL)
    *content_type = g_strdup (type);
  return g_bytes_ref (el_api_response_get_body (response));
}
