/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "el-sbar-version.h"
#include "el-json-private.h"
#include "el-model-types.h"
#include "el-sbar-fields-private.h"

struct _ElSbarVersion
{
  GObject parent_instance;

  char *id;
  char *handoff_id;
  int version;
  char *previous_version_id;
  char *author_id;
  char *author_name;
  ElSbarSource source;
  GDateTime *created_at;
  char *sections[4];
  ElSbarFields *fields;
  JsonNode *completeness;
  JsonNode *changes;
};

G_DEFINE_FINAL_TYPE (ElSbarVersion, el_sbar_version, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_HANDOFF_ID,
  PROP_VERSION,
  PROP_PREVIOUS_VERSION_ID,
  PROP_AUTHOR_ID,
  PROP_AUTHOR_NAME,
  PROP_SOURCE,
  PROP_CREATED_AT,
  PROP_SITUATION,
  PROP_BACKGROUND,
  PROP_ASSESSMENT,
  PROP_RECOMMENDATION,
  PROP_FIELDS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* JSON member names of the sections, indexed by ElSbarSection. */
static const char *const section_names[] = { "situation", "background", "assessment", "recommendation" };

G_STATIC_ASSERT (G_N_ELEMENTS (section_names) == EL_SBAR_SECTION_RECOMMENDATION + 1);

/* The item names of the OpenAPI document (CompletenessItem, CriticalItem). */
static const char *const completeness_items[] = {
  "situation",
  "background",
  "assessment",
  "recommendation",
  "patient_identifiers",
  "room_bed",
  "code_status",
  "allergies",
  "isolation",
  "fall_risk",
  "illness_severity",
  "diagnosis",
  "history",
  "vitals",
  "lines_drains_airways",
  "infusions",
  "diet",
  "mobility",
  "meds_due",
  "pending",
  "todos",
  "contingencies",
  "family_discharge",
  "vitals.temperature_c",
  "vitals.heart_rate",
  "vitals.blood_pressure",
  "vitals.respiratory_rate",
  "vitals.spo2",
  NULL,
};

static const char *const critical_items[] = {
  "patient_identifiers", "code_status", "allergies", "isolation", "vitals", "contingencies", NULL,
};

static const char *const section_ops[] = { "insert", "delete", "replace", NULL };
static const char *const field_ops[] = { "added", "removed", "changed", NULL };

static void
el_sbar_version_finalize (GObject *object)
{
  ElSbarVersion *self = EL_SBAR_VERSION (object);

  g_free (self->id);
  g_free (self->handoff_id);
  g_free (self->previous_version_id);
  g_free (self->author_id);
  g_free (self->author_name);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  for (guint i = 0; i < G_N_ELEMENTS (self->sections); i++)
    g_free (self->sections[i]);
  g_clear_pointer (&self->fields, el_sbar_fields_free);
  g_clear_pointer (&self->completeness, json_node_unref);
  g_clear_pointer (&self->changes, json_node_unref);

  G_OBJECT_CLASS (el_sbar_version_parent_class)->finalize (object);
}

static void
el_sbar_version_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElSbarVersion *self = EL_SBAR_VERSION (object);

  switch (prop_id)
    {
      case PROP_ID:
        g_value_set_string (value, self->id);
        break;
      case PROP_HANDOFF_ID:
        g_value_set_string (value, self->handoff_id);
        break;
      case PROP_VERSION:
        g_value_set_int (value, self->version);
        break;
      case PROP_PREVIOUS_VERSION_ID:
        g_value_set_string (value, self->previous_version_id);
        break;
      case PROP_AUTHOR_ID:
        g_value_set_string (value, self->author_id);
        break;
      case PROP_AUTHOR_NAME:
        g_value_set_string (value, self->author_name);
        break;
      case PROP_SOURCE:
        g_value_set_enum (value, self->source);
        break;
      case PROP_CREATED_AT:
        g_value_set_boxed (value, self->created_at);
        break;
      case PROP_SITUATION:
      case PROP_BACKGROUND:
      case PROP_ASSESSMENT:
      case PROP_RECOMMENDATION:
        g_value_set_string (value, self->sections[prop_id - PROP_SITUATION]);
        break;
      case PROP_FIELDS:
        g_value_set_boxed (value, self->fields);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_sbar_version_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElSbarVersion *self = EL_SBAR_VERSION (object);

  switch (prop_id)
    {
      case PROP_ID:
        el_sbar_version_set_id (self, g_value_get_string (value));
        break;
      case PROP_HANDOFF_ID:
        el_sbar_version_set_handoff_id (self, g_value_get_string (value));
        break;
      case PROP_VERSION:
        el_sbar_version_set_version (self, g_value_get_int (value));
        break;
      case PROP_PREVIOUS_VERSION_ID:
        el_sbar_version_set_previous_version_id (self, g_value_get_string (value));
        break;
      case PROP_AUTHOR_ID:
        el_sbar_version_set_author_id (self, g_value_get_string (value));
        break;
      case PROP_AUTHOR_NAME:
        el_sbar_version_set_author_name (self, g_value_get_string (value));
        break;
      case PROP_SOURCE:
        el_sbar_version_set_source (self, g_value_get_enum (value));
        break;
      case PROP_CREATED_AT:
        el_sbar_version_set_created_at (self, g_value_get_boxed (value));
        break;
      case PROP_SITUATION:
      case PROP_BACKGROUND:
      case PROP_ASSESSMENT:
      case PROP_RECOMMENDATION:
        el_sbar_version_set_section (self, (ElSbarSection) (prop_id - PROP_SITUATION),
                                     g_value_get_string (value));
        break;
      case PROP_FIELDS:
        el_sbar_version_set_fields (self, g_value_get_boxed (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_sbar_version_class_init (ElSbarVersionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = el_sbar_version_finalize;
  object_class->get_property = el_sbar_version_get_property;
  object_class->set_property = el_sbar_version_set_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_HANDOFF_ID] = g_param_spec_string ("handoff-id", NULL, NULL, NULL, flags);
  properties[PROP_VERSION] = g_param_spec_int ("version", NULL, NULL, 0, G_MAXINT, 0, flags);
  properties[PROP_PREVIOUS_VERSION_ID] = g_param_spec_string ("previous-version-id", NULL, NULL, NULL, flags);
  properties[PROP_AUTHOR_ID] = g_param_spec_string ("author-id", NULL, NULL, NULL, flags);
  properties[PROP_AUTHOR_NAME] = g_param_spec_string ("author-name", NULL, NULL, NULL, flags);
  properties[PROP_SOURCE] =
      g_param_spec_enum ("source", NULL, NULL, EL_TYPE_SBAR_SOURCE, EL_SBAR_SOURCE_NURSE, flags);
  properties[PROP_CREATED_AT] = g_param_spec_boxed ("created-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_SITUATION] = g_param_spec_string ("situation", NULL, NULL, NULL, flags);
  properties[PROP_BACKGROUND] = g_param_spec_string ("background", NULL, NULL, NULL, flags);
  properties[PROP_ASSESSMENT] = g_param_spec_string ("assessment", NULL, NULL, NULL, flags);
  properties[PROP_RECOMMENDATION] = g_param_spec_string ("recommendation", NULL, NULL, NULL, flags);
  properties[PROP_FIELDS] = g_param_spec_boxed ("fields", NULL, NULL, EL_TYPE_SBAR_FIELDS, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
el_sbar_version_init (ElSbarVersion *self)
{
  self->source = EL_SBAR_SOURCE_NURSE;
  self->fields = el_sbar_fields_new ();
}

/**
 * el_sbar_version_new:
 *
 * Returns: (transfer full): an empty version (source nurse, version 0 = not set, empty fields)
 */
ElSbarVersion *
el_sbar_version_new (void)
{
  return g_object_new (EL_TYPE_SBAR_VERSION, NULL);
}

/* Completeness and changes */

static JsonNode *
object_node (JsonObject *obj)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, obj);
  return node;
}

/* A required array of names from @allowed; returns a copy, or NULL on error. */
static JsonArray *
read_names (JsonObject *obj,
            const ElJsonPath *obj_path,
            const char *member,
            const char *const *allowed,
            GError **error)
{
  ElJsonPath path = { obj_path, member, 0 };
  g_autoptr (JsonArray) copy = NULL;
  JsonArray *array = NULL;
  guint n;

  if (!el_json_read_array (obj, obj_path, member, EL_JSON_REQUIRED, EL_MODEL_MAX_ARRAY_ITEMS, &array, error))
    return NULL;

  n = json_array_get_length (array);
  copy = json_array_sized_new (n);
  for (guint i = 0; i < n; i++)
    {
      ElJsonPath item_path = { &path, NULL, i };
      const char *name;

      if (!el_json_node_get_string (json_array_get_element (array, i), &item_path,
                                    EL_MODEL_MAX_SHORT_STRING_BYTES, &name, error))
        return NULL;
      if (!g_strv_contains (allowed, name))
        {
          el_json_set_error (error, EL_MODEL_ERROR_OUT_OF_RANGE, &item_path, "not one of the allowed values");
          return NULL;
        }
      json_array_add_string_element (copy, name);
    }
  return g_steal_pointer (&copy);
}

static JsonNode *
read_completeness (JsonNode *node, const ElJsonPath *path, GError **error)
{
  g_autoptr (JsonArray) missing = NULL;
  g_autoptr (JsonArray) missing_critical = NULL;
  JsonObject *obj;
  JsonObject *copy;
  double score, tenths;
  gboolean complete;

  if (!el_json_node_get_object (node, path, &obj, error) ||
      !el_json_read_double (obj, path, "score", EL_JSON_REQUIRED, 0, 100, &score, NULL, error) ||
      !el_json_read_boolean (obj, path, "complete", EL_JSON_REQUIRED, &complete, NULL, error) ||
      (missing = read_names (obj, path, "missing", completeness_items, error)) == NULL ||
      (missing_critical = read_names (obj, path, "missing_critical", critical_items, error)) == NULL)
    return NULL;

  /* score is 0..100: tenths are 0..1000, the nearest one is (gint64) (tenths + 0.5). */
  tenths = score * 10;
  if (tenths - (double) (gint64) (tenths + 0.5) > 1e-6 || (double) (gint64) (tenths + 0.5) - tenths > 1e-6)
    {
      ElJsonPath score_path = { path, "score", 0 };

      el_json_set_error (error, EL_MODEL_ERROR_OUT_OF_RANGE, &score_path, "more than one decimal");
      return NULL;
    }
  if (complete != (json_array_get_length (missing_critical) == 0))
    {
      ElJsonPath complete_path = { path, "complete", 0 };

      el_json_set_error (error, EL_MODEL_ERROR_OUT_OF_RANGE, &complete_path,
                         "disagrees with missing_critical");
      return NULL;
    }

  copy = json_object_new ();
  el_json_put_number (copy, "score", score);
  json_object_set_boolean_member (copy, "complete", complete);
  json_object_set_array_member (copy, "missing", g_steal_pointer (&missing));
  json_object_set_array_member (copy, "missing_critical", g_steal_pointer (&missing_critical));
  return object_node (copy);
}

/* Reads a required string member that must be one of @allowed. */
static gboolean
read_op (
    JsonObject *obj, const ElJsonPath *obj_path, const char *const *allowed, const char **out, GError **error)
{
  ElJsonPath path = { obj_path, "op", 0 };
  JsonNode *node = json_object_get_member (obj, "op");

  if (node == NULL)
    {
      el_json_set_error (error, EL_MODEL_ERROR_MISSING_FIELD, &path, "required member is missing");
      return FALSE;
    }
  if (!el_json_node_get_string (node, &path, EL_MODEL_MAX_SHORT_STRING_BYTES, out, error))
    return FALSE;
  if (!g_strv_contains (allowed, *out))
    {
      el_json_set_error (error, EL_MODEL_ERROR_OUT_OF_RANGE, &path, "not one of the allowed values");
      return FALSE;
    }
  return TRUE;
}

static JsonArray *
read_section_edits (JsonNode *node, const ElJsonPath *path, GError **error)
{
  g_autoptr (JsonArray) copy = NULL;
  JsonArray *array;
  guint n;

  if (!el_json_node_get_array (node, path, EL_MODEL_MAX_ARRAY_ITEMS, &array, error))
    return NULL;

  n = json_array_get_length (array);
  copy = json_array_sized_new (n);
  for (guint i = 0; i < n; i++)
    {
      ElJsonPath item_path = { path, NULL, i };
      g_autofree char *old_text = NULL;
      g_autofree char *new_text = NULL;
      JsonObject *edit;
      JsonObject *edit_copy;
      const char *op;
      gint64 at;

      if (!el_json_node_get_object (json_array_get_element (array, i), &item_path, &edit, error) ||
          !read_op (edit, &item_path, section_ops, &op, error) ||
          !el_json_read_int (edit, &item_path, "at", EL_JSON_REQUIRED, 0, EL_MODEL_MAX_INTEGER, &at, NULL,
                             error) ||
          !el_json_read_string (edit, &item_path, "old", EL_JSON_REQUIRED, EL_MODEL_MAX_TEXT_BYTES, &old_text,
                                error) ||
          !el_json_read_string (edit, &item_path, "new", EL_JSON_REQUIRED, EL_MODEL_MAX_TEXT_BYTES, &new_text,
                                error))
        return NULL;

      edit_copy = json_object_new ();
      json_object_set_string_member (edit_copy, "op", op);
      json_object_set_int_member (edit_copy, "at", at);
      json_object_set_string_member (edit_copy, "old", old_text);
      json_object_set_string_member (edit_copy, "new", new_text);
      json_array_add_object_element (copy, edit_copy);
    }
  return g_steal_pointer (&copy);
}

static JsonArray *
read_field_changes (JsonObject *obj, const ElJsonPath *obj_path, GError **error)
{
  ElJsonPath path = { obj_path, "fields", 0 };
  g_autoptr (JsonArray) copy = NULL;
  JsonArray *array = NULL;
  guint n;

  if (!el_json_read_array (obj, obj_path, "fields", EL_JSON_REQUIRED, EL_MODEL_MAX_ARRAY_ITEMS, &array,
                           error))
    return NULL;

  n = json_array_get_length (array);
  copy = json_array_sized_new (n);
  for (guint i = 0; i < n; i++)
    {
      ElJsonPath item_path = { &path, NULL, i };
      g_autofree char *field_path = NULL;
      JsonObject *change;
      JsonObject *change_copy;
      const char *op;

      if (!el_json_node_get_object (json_array_get_element (array, i), &item_path, &change, error) ||
          !el_json_read_string (change, &item_path, "path", EL_JSON_REQUIRED, EL_MODEL_MAX_SHORT_STRING_BYTES,
                                &field_path, error) ||
          !read_op (change, &item_path, field_ops, &op, error))
        return NULL;
      if (*field_path == '\0')
        {
          ElJsonPath field_path_path = { &item_path, "path", 0 };

          el_json_set_error (error, EL_MODEL_ERROR_OUT_OF_RANGE, &field_path_path, "empty");
          return NULL;
        }

      change_copy = json_object_new ();
      json_object_set_string_member (change_copy, "path", field_path);
      json_object_set_string_member (change_copy, "op", op);
      for (guint k = 0; k < 2; k++)
        {
          const char *member = k == 0 ? "old" : "new";
          ElJsonPath value_path = { &item_path, member, 0 };
          JsonNode *value = json_object_get_member (change, member);

          if (value == NULL)
            continue;
          if (!el_json_node_check_any (value, &value_path, error))
            {
              json_object_unref (change_copy);
              return NULL;
            }
          json_object_set_member (change_copy, member, json_node_copy (value));
        }
      json_array_add_object_element (copy, change_copy);
    }
  return g_steal_pointer (&copy);
}

static JsonNode *
read_changes (JsonNode *node, const ElJsonPath *path, GError **error)
{
  ElJsonPath sections_path = { path, "sections", 0 };
  ElJsonPath summary_path = { path, "summary", 0 };
  g_autoptr (JsonObject) sections_copy = json_object_new ();
  g_autoptr (JsonArray) fields_copy = NULL;
  JsonObject *obj;
  JsonObject *sections = NULL;
  JsonObject *summary = NULL;
  JsonObject *summary_copy;
  JsonObject *copy;
  gint64 from_version, to_version, words_inserted, words_deleted, fields_changed;

  if (!el_json_node_get_object (node, path, &obj, error) ||
      !el_json_read_int (obj, path, "from_version", EL_JSON_REQUIRED, 1, G_MAXINT, &from_version, NULL,
                         error) ||
      !el_json_read_int (obj, path, "to_version", EL_JSON_REQUIRED, 1, G_MAXINT, &to_version, NULL, error) ||
      !el_json_read_object (obj, path, "sections", EL_JSON_REQUIRED, &sections, error))
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (section_names); i++)
    {
      ElJsonPath section_path = { &sections_path, section_names[i], 0 };
      JsonNode *edits = json_object_get_member (sections, section_names[i]);
      JsonArray *edits_copy;

      if (edits == NULL)
        continue;
      edits_copy = read_section_edits (edits, &section_path, error);
      if (edits_copy == NULL)
        return NULL;
      json_object_set_array_member (sections_copy, section_names[i], edits_copy);
    }

  fields_copy = read_field_changes (obj, path, error);
  if (fields_copy == NULL || !el_json_read_object (obj, path, "summary", EL_JSON_REQUIRED, &summary, error) ||
      !el_json_read_int (summary, &summary_path, "words_inserted", EL_JSON_REQUIRED, 0, EL_MODEL_MAX_INTEGER,
                         &words_inserted, NULL, error) ||
      !el_json_read_int (summary, &summary_path, "words_deleted", EL_JSON_REQUIRED, 0, EL_MODEL_MAX_INTEGER,
                         &words_deleted, NULL, error) ||
      !el_json_read_int (summary, &summary_path, "fields_changed", EL_JSON_REQUIRED, 0, EL_MODEL_MAX_INTEGER,
                         &fields_changed, NULL, error))
    return NULL;

  if (to_version <= from_version)
    {
      ElJsonPath to_path = { path, "to_version", 0 };

      el_json_set_error (error, EL_MODEL_ERROR_OUT_OF_RANGE, &to_path, "not after from_version");
      return NULL;
    }

  summary_copy = json_object_new ();
  json_object_set_int_member (summary_copy, "words_inserted", words_inserted);
  json_object_set_int_member (summary_copy, "words_deleted", words_deleted);
  json_object_set_int_member (summary_copy, "fields_changed", fields_changed);

  copy = json_object_new ();
  json_object_set_int_member (copy, "from_version", from_version);
  json_object_set_int_member (copy, "to_version", to_version);
  json_object_set_object_member (copy, "sections", g_steal_pointer (&sections_copy));
  json_object_set_array_member (copy, "fields", g_steal_pointer (&fields_copy));
  json_object_set_object_member (copy, "summary", summary_copy);
  return object_node (copy);
}

/* Decoding */

static gboolean
read_content (ElSbarVersion *self, JsonObject *obj, GError **error)
{
  ElJsonPath fields_path = { NULL, "fields", 0 };
  JsonNode *fields_node;
  int source;

  if (!el_json_read_enum (obj, NULL, "source", EL_JSON_REQUIRED, EL_TYPE_SBAR_SOURCE, &source, NULL, error))
    return FALSE;
  self->source = (ElSbarSource) source;

  for (guint i = 0; i < G_N_ELEMENTS (section_names); i++)
    if (!el_json_read_string (obj, NULL, section_names[i], EL_JSON_OPTIONAL, EL_MODEL_MAX_TEXT_BYTES,
                              &self->sections[i], error))
      return FALSE;

  fields_node = json_object_get_member (obj, "fields");
  if (fields_node == NULL)
    {
      el_json_set_error (error, EL_MODEL_ERROR_MISSING_FIELD, &fields_path, "required member is missing");
      return FALSE;
    }
  g_clear_pointer (&self->fields, el_sbar_fields_free);
  self->fields = el_sbar_fields_read (fields_node, &fields_path, error);
  return self->fields != NULL;
}

/**
 * el_sbar_version_new_from_json:
 * @node: an SbarVersion object
 * @error: return location for an %EL_MODEL_ERROR
 *
 * Returns: (transfer full) (nullable): the version, or %NULL with @error set
 */
ElSbarVersion *
el_sbar_version_new_from_json (JsonNode *node, GError **error)
{
  ElJsonPath completeness_path = { NULL, "completeness", 0 };
  ElJsonPath changes_path = { NULL, "changes_since_last_version", 0 };
  g_autoptr (ElSbarVersion) self = NULL;
  JsonObject *obj;
  JsonNode *member;
  gint64 version;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!el_json_node_get_object (node, NULL, &obj, error))
    return NULL;

  self = el_sbar_version_new ();
  if (!el_json_read_uuid (obj, NULL, "id", EL_JSON_REQUIRED, &self->id, error) ||
      !el_json_read_uuid (obj, NULL, "handoff_id", EL_JSON_REQUIRED, &self->handoff_id, error) ||
      !el_json_read_int (obj, NULL, "version", EL_JSON_REQUIRED, 1, G_MAXINT, &version, NULL, error) ||
      !el_json_read_nullable_uuid (obj, NULL, "previous_version_id", &self->previous_version_id, error) ||
      !el_json_read_uuid (obj, NULL, "author_id", EL_JSON_REQUIRED, &self->author_id, error) ||
      !el_json_read_string (obj, NULL, "author_name", EL_JSON_OPTIONAL, EL_MODEL_MAX_SHORT_STRING_BYTES,
                            &self->author_name, error) ||
      !el_json_read_timestamp (obj, NULL, "created_at", EL_JSON_REQUIRED, &self->created_at, error) ||
      !read_content (self, obj, error))
    return NULL;
  self->version = (int) version;

  member = json_object_get_member (obj, "completeness");
  if (member != NULL && (self->completeness = read_completeness (member, &completeness_path, error)) == NULL)
    return NULL;
  member = json_object_get_member (obj, "changes_since_last_version");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member) &&
      (self->changes = read_changes (member, &changes_path, error)) == NULL)
    return NULL;

  if (self->version == 1 && self->previous_version_id != NULL)
    {
      ElJsonPath path = { NULL, "previous_version_id", 0 };

      el_json_set_error (error, EL_MODEL_ERROR_OUT_OF_RANGE, &path, "must be null for version 1");
      return NULL;
    }
  if (self->version > 1 && self->previous_version_id == NULL)
    {
      ElJsonPath path = { NULL, "previous_version_id", 0 };

      el_json_set_error (error, EL_MODEL_ERROR_MISSING_FIELD, &path, "required after version 1");
      return NULL;
    }
  if (self->version == 1 && self->changes != NULL)
    {
      el_json_set_error (error, EL_MODEL_ERROR_OUT_OF_RANGE, &changes_path,
                         "must be null or absent for version 1");
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * el_sbar_version_new_from_data:
 * @data: JSON text
 * @len: length of @data in bytes, or -1 if it is NUL-terminated
 * @error: return location for an %EL_MODEL_ERROR
 *
 * Returns: (transfer full) (nullable): the version, or %NULL with @error set
 */
ElSbarVersion *
el_sbar_version_new_from_data (const char *data, gssize len, GError **error)
{
  g_autoptr (JsonNode) root = el_json_parse_document (data, len, error);

  if (root == NULL)
    return NULL;
  return el_sbar_version_new_from_json (root, error);
}

static void
put_content (ElSbarVersion *self, JsonObject *obj)
{
  el_json_put_enum (obj, "source", EL_TYPE_SBAR_SOURCE, (int) self->source);
  for (guint i = 0; i < G_N_ELEMENTS (section_names); i++)
    el_json_put_string (obj, section_names[i], self->sections[i]);
  json_object_set_member (obj, "fields", el_sbar_fields_to_json (self->fields));
}

/**
 * el_sbar_version_to_json:
 * @self: a version
 *
 * Returns: (transfer full): the SbarVersion object; unset optional members are omitted,
 *   previous_version_id is null when unset, completeness and changes only when set
 */
JsonNode *
el_sbar_version_to_json (ElSbarVersion *self)
{
  JsonObject *obj;

  g_return_val_if_fail (EL_IS_SBAR_VERSION (self), NULL);

  obj = json_object_new ();
  el_json_put_string (obj, "id", self->id);
  el_json_put_string (obj, "handoff_id", self->handoff_id);
  if (self->version > 0)
    json_object_set_int_member (obj, "version", self->version);
  if (self->previous_version_id != NULL)
    json_object_set_string_member (obj, "previous_version_id", self->previous_version_id);
  else
    json_object_set_null_member (obj, "previous_version_id");
  el_json_put_string (obj, "author_id", self->author_id);
  el_json_put_string (obj, "author_name", self->author_name);
  el_json_put_enum (obj, "source", EL_TYPE_SBAR_SOURCE, (int) self->source);
  el_json_put_timestamp (obj, "created_at", self->created_at);
  for (guint i = 0; i < G_N_ELEMENTS (section_names); i++)
    el_json_put_string (obj, section_names[i], self->sections[i]);
  json_object_set_member (obj, "fields", el_sbar_fields_to_json (self->fields));
  if (self->completeness != NULL)
    json_object_set_member (obj, "completeness", json_node_copy (self->completeness));
  if (self->changes != NULL)
    json_object_set_member (obj, "changes_since_last_version", json_node_copy (self->changes));

  return object_node (obj);
}

/**
 * el_sbar_version_to_data:
 * @self: a version
 * @len: (out) (optional): length of the text
 *
 * Returns: (transfer full): compact JSON text
 */
char *
el_sbar_version_to_data (ElSbarVersion *self, gsize *len)
{
  g_autoptr (JsonNode) node = NULL;

  g_return_val_if_fail (EL_IS_SBAR_VERSION (self), NULL);

  node = el_sbar_version_to_json (self);
  return el_json_generate (node, len);
}

/**
 * el_sbar_version_validate:
 * @self: a version
 * @error: return location for an %EL_MODEL_ERROR
 *
 * Returns: %TRUE if el_sbar_version_to_json() would be accepted by
 *   el_sbar_version_new_from_json()
 */
gboolean
el_sbar_version_validate (ElSbarVersion *self, GError **error)
{
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (ElSbarVersion) copy = NULL;

  g_return_val_if_fail (EL_IS_SBAR_VERSION (self), FALSE);

  node = el_sbar_version_to_json (self);
  copy = el_sbar_version_new_from_json (node, error);
  return copy != NULL;
}

/* SbarVersionCreate */

/**
 * el_sbar_version_create_request_from_json:
 * @node: an SbarVersionCreate object
 * @base_version: (out) (optional): the version the edit started from
 * @error: return location for an %EL_MODEL_ERROR
 *
 * Returns: (transfer full) (nullable): a version holding source, sections and fields, or %NULL
 *   with @error set
 */
ElSbarVersion *
el_sbar_version_create_request_from_json (JsonNode *node, int *base_version, GError **error)
{
  g_autoptr (ElSbarVersion) self = NULL;
  JsonObject *obj;
  gint64 base;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!el_json_node_get_object (node, NULL, &obj, error))
    return NULL;

  self = el_sbar_version_new ();
  if (!el_json_read_int (obj, NULL, "base_version", EL_JSON_REQUIRED, 0, G_MAXINT, &base, NULL, error) ||
      !read_content (self, obj, error))
    return NULL;

  if (base_version != NULL)
    *base_version = (int) base;
  return g_steal_pointer (&self);
}

/**
 * el_sbar_version_create_request_from_data:
 * @data: JSON text
 * @len: length of @data in bytes, or -1 if it is NUL-terminated
 * @base_version: (out) (optional): the version the edit started from
 * @error: return location for an %EL_MODEL_ERROR
 *
 * Returns: (transfer full) (nullable): a version holding source, sections and fields, or %NULL
 *   with @error set
 */
ElSbarVersion *
el_sbar_version_create_request_from_data (const char *data, gssize len, int *base_version, GError **error)
{
  g_autoptr (JsonNode) root = el_json_parse_document (data, len, error);

  if (root == NULL)
    return NULL;
  return el_sbar_version_create_request_from_json (root, base_version, error);
}

/**
 * el_sbar_version_create_request_to_json:
 * @self: the content of the new version
 * @base_version: the version the edit started from, 0 when there is none yet
 *
 * Returns: (transfer full): the SbarVersionCreate object (base_version, source, sections, fields)
 */
JsonNode *
el_sbar_version_create_request_to_json (ElSbarVersion *self, int base_version)
{
  JsonObject *obj;

  g_return_val_if_fail (EL_IS_SBAR_VERSION (self), NULL);
  g_return_val_if_fail (base_version >= 0, NULL);

  obj = json_object_new ();
  json_object_set_int_member (obj, "base_version", base_version);
  put_content (self, obj);
  return object_node (obj);
}

/**
 * el_sbar_version_create_request_to_data:
 * @self: the content of the new version
 * @base_version: the version the edit started from
 * @len: (out) (optional): length of the text
 *
 * Returns: (transfer full): compact JSON text
 */
char *
el_sbar_version_create_request_to_data (ElSbarVersion *self, int base_version, gsize *len)
{
  g_autoptr (JsonNode) node = NULL;

  g_return_val_if_fail (EL_IS_SBAR_VERSION (self), NULL);
  g_return_val_if_fail (base_version >= 0, NULL);

  node = el_sbar_version_create_request_to_json (self, base_version);
  return el_json_generate (node, len);
}

/* Accessors */

static void
set_string_member (ElSbarVersion *self, char **field, const char *value, guint prop_id)
{
  if (el_set_string (field, value))
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

const char *
el_sbar_version_get_id (ElSbarVersion *self)
{
  g_return_val_if_fail (EL_IS_SBAR_VERSION (self), NULL);
  return self->id;
}

void
el_sbar_version_set_id (ElSbarVersion *self, const char *id)
{
  g_return_if_fail (EL_IS_SBAR_VERSION (self));
  g_return_if_fail (id == NULL || el_uuid_is_valid (id));

  set_string_member (self, &self->id, id, PROP_ID);
}

const char *
el_sbar_version_get_handoff_id (ElSbarVersion *self)
{
  g_return_val_if_fail (EL_IS_SBAR_VERSION (self), NULL);
  return self->handoff_id;
}

void
el_sbar_version_set_handoff_id (ElSbarVersion *self, const char *handoff_id)
{
  g_return_if_fail (EL_IS_SBAR_VERSION (self));
  g_return_if_fail (handoff_id == NULL || el_uuid_is_valid (handoff_id));

  set_string_member (self, &self->handoff_id, handoff_id, PROP_HANDOFF_ID);
}

/**
 * el_sbar_version_get_version:
 * @self: a version
 *
 * Returns: the version number (1, 2, ...), or 0 if not set
 */
int
el_sbar_version_get_version (ElSbarVersion *self)
{
  g_return_val_if_fail (EL_IS_SBAR_VERSION (self), 0);
  return self->version;
}

void
el_sbar_version_set_version (ElSbarVersion *self, int version)
{
  g_return_if_fail (EL_IS_SBAR_VERSION (self));
  g_return_if_fail (version >= 0);

  if (self->version == version)
    return;
  self->version = version;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERSION]);
}

const char *
el_sbar_version_get_previous_version_id (ElSbarVersion *self)
{
  g_return_val_if_fail (EL_IS_SBAR_VERSION (self), NULL);
  return self->previous_version_id;
}

void
el_sbar_version_set_previous_version_id (ElSbarVersion *self, const char *previous_version_id)
{
  g_return_if_fail (EL_IS_SBAR_VERSION (self));
  g_return_if_fail (previous_version_id == NULL || el_uuid_is_valid (previous_version_id));

  set_string_member (self, &self->previous_version_id, previous_version_id, PROP_PREVIOUS_VERSION_ID);
}

const char *
el_sbar_version_get_author_id (ElSbarVersion *self)
{
  g_return_val_if_fail (EL_IS_SBAR_VERSION (self), NULL);
  return self->author_id;
}

void
el_sbar_version_set_author_id (ElSbarVersion *self, const char *author_id)
{
  g_return_if_fail (EL_IS_SBAR_VERSION (self));
  g_return_if_fail (author_id == NULL || el_uuid_is_valid (author_id));

  set_string_member (self, &self->author_id, author_id, PROP_AUTHOR_ID);
}

const char *
el_sbar_version_get_author_name (ElSbarVersion *self)
{
  g_return_val_if_fail (EL_IS_SBAR_VERSION (self), NULL);
  return self->author_name;
}

void
el_sbar_version_set_author_name (ElSbarVersion *self, const char *author_name)
{
  g_return_if_fail (EL_IS_SBAR_VERSION (self));

  set_string_member (self, &self->author_name, author_name, PROP_AUTHOR_NAME);
}

ElSbarSource
el_sbar_version_get_source (ElSbarVersion *self)
{
  g_return_val_if_fail (EL_IS_SBAR_VERSION (self), EL_SBAR_SOURCE_NURSE);
  return self->source;
}

void
el_sbar_version_set_source (ElSbarVersion *self, ElSbarSource source)
{
  g_return_if_fail (EL_IS_SBAR_VERSION (self));
  g_return_if_fail (el_sbar_source_to_string (source) != NULL);

  if (self->source == source)
    return;
  self->source = source;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SOURCE]);
}

/**
 * el_sbar_version_get_created_at:
 * @self: a version
 *
 * Returns: (transfer none) (nullable): when the version was saved (UTC)
 */
GDateTime *
el_sbar_version_get_created_at (ElSbarVersion *self)
{
  g_return_val_if_fail (EL_IS_SBAR_VERSION (self), NULL);
  return self->created_at;
}

void
el_sbar_version_set_created_at (ElSbarVersion *self, GDateTime *created_at)
{
  g_return_if_fail (EL_IS_SBAR_VERSION (self));

  if (el_set_timestamp (&self->created_at, created_at))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}

/**
 * el_sbar_version_get_section:
 * @self: a version
 * @section: which section
 *
 * Returns: (nullable): the text of @section, %NULL if absent
 */
const char *
el_sbar_version_get_section (ElSbarVersion *self, ElSbarSection section)
{
  g_return_val_if_fail (EL_IS_SBAR_VERSION (self), NULL);
  g_return_val_if_fail ((guint) section < G_N_ELEMENTS (self->sections), NULL);

  return self->sections[section];
}

/**
 * el_sbar_version_set_section:
 * @self: a version
 * @section: which section
 * @text: (nullable): the text, or %NULL to remove the section
 */
void
el_sbar_version_set_section (ElSbarVersion *self, ElSbarSection section, const char *text)
{
  g_return_if_fail (EL_IS_SBAR_VERSION (self));
  g_return_if_fail ((guint) section < G_N_ELEMENTS (self->sections));

  set_string_member (self, &self->sections[section], text, PROP_SITUATION + section);
}

const char *
el_sbar_version_get_situation (ElSbarVersion *self)
{
  return el_sbar_version_get_section (self, EL_SBAR_SECTION_SITUATION);
}

void
el_sbar_version_set_situation (ElSbarVersion *self, const char *situation)
{
  el_sbar_version_set_section (self, EL_SBAR_SECTION_SITUATION, situation);
}

const char *
el_sbar_version_get_background (ElSbarVersion *self)
{
  return el_sbar_version_get_section (self, EL_SBAR_SECTION_BACKGROUND);
}

void
el_sbar_version_set_background (ElSbarVersion *self, const char *background)
{
  el_sbar_version_set_section (self, EL_SBAR_SECTION_BACKGROUND, background);
}

const char *
el_sbar_version_get_assessment (ElSbarVersion *self)
{
  return el_sbar_version_get_section (self, EL_SBAR_SECTION_ASSESSMENT);
}

void
el_sbar_version_set_assessment (ElSbarVersion *self, const char *assessment)
{
  el_sbar_version_set_section (self, EL_SBAR_SECTION_ASSESSMENT, assessment);
}

const char *
el_sbar_version_get_recommendation (ElSbarVersion *self)
{
  return el_sbar_version_get_section (self, EL_SBAR_SECTION_RECOMMENDATION);
}

void
el_sbar_version_set_recommendation (ElSbarVersion *self, const char *recommendation)
{
  el_sbar_version_set_section (self, EL_SBAR_SECTION_RECOMMENDATION, recommendation);
}

/**
 * el_sbar_version_get_fields:
 * @self: a version
 *
 * Returns: (transfer none): the structured fields, never %NULL; they may be edited in place
 *   (no notification is emitted then)
 */
ElSbarFields *
el_sbar_version_get_fields (ElSbarVersion *self)
{
  g_return_val_if_fail (EL_IS_SBAR_VERSION (self), NULL);
  return self->fields;
}

/**
 * el_sbar_version_set_fields:
 * @self: a version
 * @fields: (nullable): fields to copy; %NULL for none (`{}`)
 */
void
el_sbar_version_set_fields (ElSbarVersion *self, const ElSbarFields *fields)
{
  g_return_if_fail (EL_IS_SBAR_VERSION (self));

  el_sbar_version_take_fields (self, fields != NULL ? el_sbar_fields_copy (fields) : el_sbar_fields_new ());
}

/**
 * el_sbar_version_take_fields:
 * @self: a version
 * @fields: (transfer full): the new fields
 */
void
el_sbar_version_take_fields (ElSbarVersion *self, ElSbarFields *fields)
{
  g_return_if_fail (EL_IS_SBAR_VERSION (self));
  g_return_if_fail (fields != NULL);

  if (self->fields == fields)
    return;
  if (el_sbar_fields_equal (self->fields, fields))
    {
      el_sbar_fields_free (fields);
      return;
    }
  el_sbar_fields_free (self->fields);
  self->fields = fields;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIELDS]);
}

/**
 * el_sbar_version_get_completeness_json:
 * @self: a version
 *
 * Returns: (transfer none) (nullable): the Completeness object, or %NULL if not set
 */
JsonNode *
el_sbar_version_get_completeness_json (ElSbarVersion *self)
{
  g_return_val_if_fail (EL_IS_SBAR_VERSION (self), NULL);
  return self->completeness;
}

/**
 * el_sbar_version_set_completeness_json:
 * @self: a version
 * @completeness: (nullable): a Completeness object, or %NULL to remove it
 * @error: return location for an %EL_MODEL_ERROR (paths start with `completeness`)
 *
 * Validates @completeness and keeps a copy with its members in the spec's order.
 *
 * Returns: %TRUE if it was valid and is now set; on error nothing changes
 */
gboolean
el_sbar_version_set_completeness_json (ElSbarVersion *self, JsonNode *completeness, GError **error)
{
  ElJsonPath path = { NULL, "completeness", 0 };
  JsonNode *copy = NULL;

  g_return_val_if_fail (EL_IS_SBAR_VERSION (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (completeness != NULL && (copy = read_completeness (completeness, &path, error)) == NULL)
    return FALSE;
  g_clear_pointer (&self->completeness, json_node_unref);
  self->completeness = copy;
  return TRUE;
}

/**
 * el_sbar_version_get_changes_json:
 * @self: a version
 *
 * Returns: (transfer none) (nullable): the Changes object (`changes_since_last_version`), or
 *   %NULL if not set
 */
JsonNode *
el_sbar_version_get_changes_json (ElSbarVersion *self)
{
  g_return_val_if_fail (EL_IS_SBAR_VERSION (self), NULL);
  return self->changes;
}

/**
 * el_sbar_version_set_changes_json:
 * @self: a version
 * @changes: (nullable): a Changes object, or %NULL (or a JSON null) to remove it
 * @error: return location for an %EL_MODEL_ERROR (paths start with `changes_since_last_version`)
 *
 * Validates @changes and keeps a copy with its members in the spec's order.
 *
 * Returns: %TRUE if it was valid and is now set; on error nothing changes
 */
gboolean
el_sbar_version_set_changes_json (ElSbarVersion *self, JsonNode *changes, GError **error)
{
  ElJsonPath path = { NULL, "changes_since_last_version", 0 };
  JsonNode *copy = NULL;

  g_return_val_if_fail (EL_IS_SBAR_VERSION (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (changes != NULL && !JSON_NODE_HOLDS_NULL (changes) &&
      (copy = read_changes (changes, &path, error)) == NULL)
    return FALSE;
  g_clear_pointer (&self->changes, json_node_unref);
  self->changes = copy;
  return TRUE;
}
