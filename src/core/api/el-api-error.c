/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * EL_API_ERROR (an extended error domain: each GError carries its ElApiProblem), ElApiProblem,
 * ElApiResponse, ElApiChangePage and the JSON and Retry-After parsing they share.
 */
#include "config.h"

#include <string.h>

#include "el-api-private.h"
#include "el-model-error.h"

/* Answers larger than this are refused before parsing (a change page stays under 1 MiB). */
#define MAX_JSON_BYTES (8 * 1024 * 1024)

/* ------------------------------------------------------------------------------------------------
 * ElApiProblem
 */

struct _ElApiProblem
{
  gatomicrefcount ref;
  guint status;
  char *code;
  char *title;
  char *detail;
  JsonObject *json;
  ElSbarVersion *latest;
  gint64 retry_after_ms;
};

G_DEFINE_BOXED_TYPE (ElApiProblem, el_api_problem, el_api_problem_ref, el_api_problem_unref)

ElApiProblem *
el_api_problem_ref (ElApiProblem *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
el_api_problem_unref (ElApiProblem *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref))
    return;
  g_free (self->code);
  g_free (self->title);
  g_free (self->detail);
  g_clear_pointer (&self->json, json_object_unref);
  g_clear_object (&self->latest);
  g_free (self);
}

static char *
dup_string_member (JsonObject *object, const char *name, gsize max_len)
{
  JsonNode *node = json_object_get_member (object, name);
  const char *value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  value = json_node_get_string (node);
  if (strlen (value) > max_len || !g_utf8_validate (value, -1, NULL))
    return NULL;
  return g_strdup (value);
}

/* The code must look like an ErrorCode (lower case letters and '_'), so that it can go into an
 * error message without carrying anything else the server might have put there. */
static gboolean
is_code (const char *code)
{
  if (code == NULL || code[0] == '\0' || strlen (code) > 64)
    return FALSE;
  for (const char *p = code; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && *p != '_')
      return FALSE;
  return TRUE;
}

/**
 * el_api_problem_new:
 * @status: the HTTP status
 * @content_type: (nullable): the answer's media type
 * @body: (nullable): the answer's body
 * @retry_after_ms: the Retry-After delay, or -1
 *
 * Returns: (transfer full): the problem; when the body is not a problem+json (or JSON) object, a
 *   problem with the status only
 */
ElApiProblem *
el_api_problem_new (guint status, const char *content_type, GBytes *body, gint64 retry_after_ms)
{
  ElApiProblem *self = g_new0 (ElApiProblem, 1);

  g_atomic_ref_count_init (&self->ref);
  self->status = status;
  self->retry_after_ms = retry_after_ms;
  if (body != NULL && content_type != NULL &&
      (g_str_equal (content_type, "application/problem+json") ||
       g_str_equal (content_type, "application/json")))
    {
      g_autoptr (JsonNode) node = el_api_parse_json (body, NULL);

      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        {
          JsonObject *object = json_node_get_object (node);
          JsonNode *latest = json_object_get_member (object, "latest");

          self->json = json_object_ref (object);
          self->code = dup_string_member (object, "code", 64);
          if (!is_code (self->code))
            g_clear_pointer (&self->code, g_free);
          self->title = dup_string_member (object, "title", 256);
          self->detail = dup_string_member (object, "detail", 16384);
          if (latest != NULL && JSON_NODE_HOLDS_OBJECT (latest))
            self->latest = el_sbar_version_new_from_json (latest, NULL);
        }
    }
  return self;
}

guint
el_api_problem_get_status (ElApiProblem *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->status;
}

const char *
el_api_problem_get_code (ElApiProblem *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->code;
}

const char *
el_api_problem_get_title (ElApiProblem *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->title;
}

const char *
el_api_problem_get_detail (ElApiProblem *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->detail;
}

JsonObject *
el_api_problem_get_json (ElApiProblem *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->json;
}

ElSbarVersion *
el_api_problem_get_latest (ElApiProblem *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->latest;
}

gint64
el_api_problem_get_retry_after (ElApiProblem *self)
{
  g_return_val_if_fail (self != NULL, -1);
  return self->retry_after_ms;
}

/* ------------------------------------------------------------------------------------------------
 * EL_API_ERROR: an extended error domain whose private part is the problem.
 */

typedef struct
{
  ElApiProblem *problem;
} ElApiErrorPrivate;

static void
el_api_error_private_init (ElApiErrorPrivate *priv)
{
  if (priv != NULL)
    priv->problem = NULL;
}

static void
el_api_error_private_copy (const ElApiErrorPrivate *src, ElApiErrorPrivate *dest)
{
  if (src != NULL && dest != NULL)
    dest->problem = src->problem != NULL ? el_api_problem_ref (src->problem) : NULL;
}

static void
el_api_error_private_clear (ElApiErrorPrivate *priv)
{
  if (priv != NULL)
    g_clear_pointer (&priv->problem, el_api_problem_unref);
}

// cppcheck-suppress unknownMacro
G_DEFINE_EXTENDED_ERROR (ElApiError, el_api_error)

ElApiProblem *
el_api_error_get_problem (const GError *error)
{
  ElApiErrorPrivate *priv;

  if (error == NULL || error->domain != EL_API_ERROR)
    return NULL;
  priv = el_api_error_get_private (error);
  return priv != NULL ? priv->problem : NULL;
}

/**
 * el_api_set_error:
 * @error: (nullable): where to put the error
 * @code: the code
 * @problem: (nullable): the problem it carries (a reference is taken)
 * @format: the message (no PHI, no secret)
 */
void
el_api_set_error (GError **error, ElApiError code, ElApiProblem *problem, const char *format, ...)
{
  g_autofree char *message = NULL;
  GError *new_error;
  ElApiErrorPrivate *priv;
  va_list args;

  if (error == NULL)
    return;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  new_error = g_error_new_literal (EL_API_ERROR, (int) code, message);
  priv = el_api_error_get_private (new_error);
  if (problem != NULL && priv != NULL)
    priv->problem = el_api_problem_ref (problem);
  g_propagate_error (error, new_error);
}

/* ------------------------------------------------------------------------------------------------
 * JSON and Retry-After
 */

/**
 * el_api_parse_json:
 * @body: the bytes
 * @error: an %EL_MODEL_ERROR_MALFORMED or %EL_MODEL_ERROR_TOO_LONG
 *
 * Parses one JSON document: valid UTF-8, no NUL byte, at most 8 MiB.
 *
 * Returns: (transfer full): the root, or %NULL
 */
JsonNode *
el_api_parse_json (GBytes *body, GError **error)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GError) local = NULL;
  gsize len = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;
  JsonNode *root;

  if (len > MAX_JSON_BYTES)
    {
      g_set_error (error, EL_MODEL_ERROR, EL_MODEL_ERROR_TOO_LONG, "the document is larger than %d bytes",
                   MAX_JSON_BYTES);
      return NULL;
    }
  if (data == NULL || len == 0 || memchr (data, '\0', len) != NULL ||
      !g_utf8_validate (data, (gssize) len, NULL))
    {
      g_set_error_literal (error, EL_MODEL_ERROR, EL_MODEL_ERROR_MALFORMED, "the document is not UTF-8 JSON");
      return NULL;
    }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) len, &local))
    {
      /* json-glib's message quotes the input: keep only that it failed */
      g_set_error_literal (error, EL_MODEL_ERROR, EL_MODEL_ERROR_MALFORMED, "the document is not valid JSON");
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, EL_MODEL_ERROR, EL_MODEL_ERROR_MALFORMED, "the document is empty");
      return NULL;
    }
  return json_node_ref (root);
}

/**
 * el_api_parse_retry_after:
 * @value: (nullable): a Retry-After header: delta-seconds or an HTTP-date
 * @now: the current time (UTC)
 *
 * Returns: the delay in milliseconds (0 for a date in the past), or -1 when absent or invalid
 */
gint64
el_api_parse_retry_after (const char *value, GDateTime *now)
{
  g_autofree char *text = NULL;
  g_autoptr (GDateTime) date = NULL;
  guint64 seconds = 0;

  if (value == NULL)
    return -1;
  text = g_strstrip (g_strdup (value));
  if (text[0] == '\0')
    return -1;
  if (g_ascii_isdigit (text[0]))
    {
      /* delta-seconds: 1*DIGIT; absurdly large values are clamped to a day */
      for (const char *p = text; *p != '\0'; p++)
        if (!g_ascii_isdigit (*p))
          return -1;
      if (strlen (text) > 9)
        return 86400 * G_GINT64_CONSTANT (1000);
      seconds = g_ascii_strtoull (text, NULL, 10);
      return (gint64) MIN (seconds, 86400) * 1000;
    }
  date = soup_date_time_new_from_http_string (text);
  if (date == NULL)
    return -1;
  {
    GTimeSpan span = g_date_time_difference (date, now);

    if (span <= 0)
      return 0;
    return MIN (span / 1000, 86400 * G_GINT64_CONSTANT (1000));
  }
}

/* ------------------------------------------------------------------------------------------------
 * ElApiResponse
 */

struct _ElApiResponse
{
  gatomicrefcount ref;
  guint status;
  SoupMessageHeaders *headers;
  GBytes *body;
  JsonNode *json;
  char *etag;
  guint attempts;
};

G_DEFINE_BOXED_TYPE (ElApiResponse, el_api_response, el_api_response_ref, el_api_response_unref)

static char *
unquote_etag (const char *value)
{
  g_autofree char *text = NULL;
  const char *p;
  gsize len;

  if (value == NULL)
    return NULL;
  text = g_strstrip (g_strdup (value));
  p = text;
  if (g_str_has_prefix (p, "W/"))
    p += 2;
  len = strlen (p);
  if (len >= 2 && p[0] == '"' && p[len - 1] == '"')
    return g_strndup (p + 1, len - 2);
  return len > 0 ? g_strdup (p) : NULL;
}

ElApiResponse *
el_api_response_new (guint status, SoupMessageHeaders *headers, GBytes *body, JsonNode *json, guint attempts)
{
  ElApiResponse *self = g_new0 (ElApiResponse, 1);

  g_atomic_ref_count_init (&self->ref);
  self->status = status;
  self->headers = headers != NULL ? soup_message_headers_ref (headers)
                                  : soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  self->body = body != NULL ? g_bytes_ref (body) : g_bytes_new (NULL, 0);
  self->json = json != NULL ? json_node_ref (json) : NULL;
  self->etag = unquote_etag (soup_message_headers_get_one (self->headers, "ETag"));
  self->attempts = attempts;
  return self;
}

ElApiResponse *
el_api_response_ref (ElApiResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
el_api_response_unref (ElApiResponse *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref))
    return;
  soup_message_headers_unref (self->headers);
  g_bytes_unref (self->body);
  g_clear_pointer (&self->json, json_node_unref);
  g_free (self->etag);
  g_free (self);
}

guint
el_api_response_get_status (ElApiResponse *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->status;
}

const char *
el_api_response_get_header (ElApiResponse *self, const char *name)
{
  g_return_val_if_fail (self != NULL && name != NULL, NULL);
  return soup_message_headers_get_one (self->headers, name);
}

const char *
el_api_response_get_etag (ElApiResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->etag;
}

const char *
el_api_response_get_location (ElApiResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return soup_message_headers_get_one (self->headers, "Location");
}

gboolean
el_api_response_get_replayed (ElApiResponse *self)
{
  const char *value;

  g_return_val_if_fail (self != NULL, FALSE);
  value = soup_message_headers_get_one (self->headers, "Idempotent-Replayed");
  return value != NULL && g_ascii_strcasecmp (value, "true") == 0;
}

const char *
el_api_response_get_content_type (ElApiResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return soup_message_headers_get_content_type (self->headers, NULL);
}

GBytes *
el_api_response_get_body (ElApiResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->body;
}

JsonNode *
el_api_response_get_json (ElApiResponse *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->json;
}

guint
el_api_response_get_attempts (ElApiResponse *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->attempts;
}

/* ------------------------------------------------------------------------------------------------
 * ElApiChangePage
 */

static const char *const entity_names[EL_API_ENTITY_N_KINDS] = {
  "units", "users", "patients", "handoffs", "recordings", "sbar_versions",
};

const char *
el_api_entity_kind_to_string (ElApiEntityKind kind)
{
  g_return_val_if_fail (kind < EL_API_ENTITY_N_KINDS, NULL);
  return entity_names[kind];
}

struct _ElApiChangePage
{
  gatomicrefcount ref;
  gint64 next_cursor;
  gboolean has_more;
  JsonNode *json;
  GPtrArray *upserts[EL_API_ENTITY_N_KINDS];
  GPtrArray *tombstones[EL_API_ENTITY_N_KINDS];
};

G_DEFINE_BOXED_TYPE (ElApiChangePage, el_api_change_page, el_api_change_page_ref, el_api_change_page_unref)

static void
tombstone_free (ElApiTombstone *tombstone)
{
  g_free (tombstone->id);
  g_clear_pointer (&tombstone->deleted_at, g_date_time_unref);
  g_free (tombstone);
}

ElApiChangePage *
el_api_change_page_ref (ElApiChangePage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
el_api_change_page_unref (ElApiChangePage *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref))
    return;
  for (guint i = 0; i < EL_API_ENTITY_N_KINDS; i++)
    {
      g_ptr_array_unref (self->upserts[i]);
      g_ptr_array_unref (self->tombstones[i]);
    }
  g_clear_pointer (&self->json, json_node_unref);
  g_free (self);
}

static GObject *
decode_entity (ElApiEntityKind kind, JsonNode *node, GError **error)
{
  switch (kind)
    {
      case EL_API_ENTITY_UNITS:
        return G_OBJECT (el_unit_new_from_json (node, error));
      case EL_API_ENTITY_USERS:
        return G_OBJECT (el_user_new_from_json (node, error));
      case EL_API_ENTITY_PATIENTS:
        return G_OBJECT (el_patient_new_from_json (node, error));
      case EL_API_ENTITY_HANDOFFS:
        return G_OBJECT (el_handoff_new_from_json (node, error));
      case EL_API_ENTITY_RECORDINGS:
        return G_OBJECT (el_recording_new_from_json (node, error));
      case EL_API_ENTITY_SBAR_VERSIONS:
        return G_OBJECT (el_sbar_version_new_from_json (node, error));
      case EL_API_ENTITY_N_KINDS:
      default:
        break;
    }
  g_assert_not_reached ();
  return NULL;
}

static gboolean
kind_from_name (const char *name, ElApiEntityKind *kind)
{
  for (guint i = 0; i < EL_API_ENTITY_N_KINDS; i++)
    if (g_str_equal (entity_names[i], name))
      {
        *kind = (ElApiEntityKind) i;
        return TRUE;
      }
  return FALSE;
}

static gboolean
malformed (GError **error, const char *what)
{
  g_set_error (error, EL_MODEL_ERROR, EL_MODEL_ERROR_WRONG_TYPE, "ChangeFeed: %s", what);
  return FALSE;
}

static gboolean
read_group (JsonObject *root, const char *member, gboolean tombstones, ElApiChangePage *page, GError **error)
{
  JsonNode *node = json_object_get_member (root, member);
  JsonObject *group;
  g_autoptr (GList) names = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return malformed (error, tombstones ? "tombstones must be an object" : "upserts must be an object");
  group = json_node_get_object (node);
  names = json_object_get_members (group);
  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonNode *list = json_object_get_member (group, l->data);
      ElApiEntityKind kind;
      JsonArray *array;

      if (!kind_from_name (l->data, &kind))
        continue; /* a newer server's kind: ignored by this client */
      if (!JSON_NODE_HOLDS_ARRAY (list))
        return malformed (error, "each kind must be an array");
      array = json_node_get_array (list);
      if (json_array_get_length (array) > 200)
        {
          g_set_error (error, EL_MODEL_ERROR, EL_MODEL_ERROR_TOO_LONG, "ChangeFeed: more than 200 %s",
                       (const char *) l->data);
          return FALSE;
        }
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);

          if (tombstones)
            {
              JsonObject *object = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
              const char *id =
                  object != NULL ? json_object_get_string_member_with_default (object, "id", NULL) : NULL;
              const char *at = object != NULL
                                   ? json_object_get_string_member_with_default (object, "deleted_at", NULL)
                                   : NULL;
              ElApiTombstone *tombstone;
              GDateTime *deleted_at;

              if (id == NULL || !g_uuid_string_is_valid (id) || at == NULL ||
                  (deleted_at = g_date_time_new_from_iso8601 (at, NULL)) == NULL)
                return malformed (error, "a tombstone needs a UUID id and a deleted_at timestamp");
              tombstone = g_new0 (ElApiTombstone, 1);
              tombstone->id = g_ascii_strdown (id, -1);
              tombstone->deleted_at = deleted_at;
              g_ptr_array_add (page->tombstones[kind], tombstone);
            }
          else
            {
              GObject *object = decode_entity (kind, item, error);

              if (object == NULL)
                {
                  g_prefix_error (error, "ChangeFeed %s[%u]: ", (const char *) l->data, i);
                  return FALSE;
                }
              g_ptr_array_add (page->upserts[kind], object);
            }
        }
    }
  return TRUE;
}

/**
 * el_api_change_page_new_from_json:
 * @node: a ChangeFeed document
 * @error: an EL_MODEL_ERROR
 *
 * Returns: (transfer full) (nullable): the decoded page
 */
ElApiChangePage *
el_api_change_page_new_from_json (JsonNode *node, GError **error)
{
  g_autoptr (ElApiChangePage) page = g_new0 (ElApiChangePage, 1);
  JsonObject *root;
  JsonNode *cursor, *has_more;

  g_atomic_ref_count_init (&page->ref);
  for (guint i = 0; i < EL_API_ENTITY_N_KINDS; i++)
    {
      page->upserts[i] = g_ptr_array_new_with_free_func (g_object_unref);
      page->tombstones[i] = g_ptr_array_new_with_free_func ((GDestroyNotify) tombstone_free);
    }
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      malformed (error, "the page must be an object");
      return NULL;
    }
  page->json = json_node_ref (node);
  root = json_node_get_object (node);
  cursor = json_object_get_member (root, "next_cursor");
  has_more = json_object_get_member (root, "has_more");
  if (cursor == NULL || !JSON_NODE_HOLDS_VALUE (cursor) ||
      json_node_get_value_type (cursor) != G_TYPE_INT64 || json_node_get_int (cursor) < 0)
    {
      malformed (error, "next_cursor must be an integer >= 0");
      return NULL;
    }
  if (has_more == NULL || !JSON_NODE_HOLDS_VALUE (has_more) ||
      json_node_get_value_type (has_more) != G_TYPE_BOOLEAN)
    {
      malformed (error, "has_more must be a boolean");
      return NULL;
    }
  page->next_cursor = json_node_get_int (cursor);
  page->has_more = json_node_get_boolean (has_more);
  if (!read_group (root, "upserts", FALSE, page, error) ||
      !read_group (root, "tombstones", TRUE, page, error))
    return NULL;
  return g_steal_pointer (&page);
}

gint64
el_api_change_page_get_next_cursor (ElApiChangePage *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->next_cursor;
}

gboolean
el_api_change_page_get_has_more (ElApiChangePage *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->has_more;
}

GPtrArray *
el_api_change_page_get_upserts (ElApiChangePage *self, ElApiEntityKind kind)
{
  g_return_val_if_fail (self != NULL && kind < EL_API_ENTITY_N_KINDS, NULL);
  return self->upserts[kind];
}

GPtrArray *
el_api_change_page_get_tombstones (ElApiChangePage *self, ElApiEntityKind kind)
{
  g_return_val_if_fail (self != NULL && kind < EL_API_ENTITY_N_KINDS, NULL);
  return self->tombstones[kind];
}

JsonNode *
el_api_change_page_get_json (ElApiChangePage *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->json;
}

guint
el_api_change_page_get_n_entities (ElApiChangePage *self)
{
  guint n = 0;

  g_return_val_if_fail (self != NULL, 0);
  for (guint i = 0; i < EL_API_ENTITY_N_KINDS; i++)
    n += self->upserts[i]->len + self->tombstones[i]->len;
  return n;
}
