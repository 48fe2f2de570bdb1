/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "el-unit.h"
#include "el-json-private.h"
#include "el-model-types.h"

struct _ElUnit
{
  GObject parent_instance;

  char *id;
  char *name;
  char *code;
  char *floor;
  int bed_count;
};

G_DEFINE_FINAL_TYPE (ElUnit, el_unit, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_CODE,
  PROP_FLOOR,
  PROP_BED_COUNT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
el_unit_finalize (GObject *object)
{
  ElUnit *self = EL_UNIT (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->code);
  g_free (self->floor);

  G_OBJECT_CLASS (el_unit_parent_class)->finalize (object);
}

static void
el_unit_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElUnit *self = EL_UNIT (object);

  switch (prop_id)
    {
      case PROP_ID:
        g_value_set_string (value, self->id);
        break;
      case PROP_NAME:
        g_value_set_string (value, self->name);
        break;
      case PROP_CODE:
        g_value_set_string (value, self->code);
        break;
      case PROP_FLOOR:
        g_value_set_string (value, self->floor);
        break;
      case PROP_BED_COUNT:
        g_value_set_int (value, self->bed_count);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_unit_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElUnit *self = EL_UNIT (object);

  switch (prop_id)
    {
      case PROP_ID:
        el_unit_set_id (self, g_value_get_string (value));
        break;
      case PROP_NAME:
        el_unit_set_name (self, g_value_get_string (value));
        break;
      case PROP_CODE:
        el_unit_set_code (self, g_value_get_string (value));
        break;
      case PROP_FLOOR:
        el_unit_set_floor (self, g_value_get_string (value));
        break;
      case PROP_BED_COUNT:
        el_unit_set_bed_count (self, g_value_get_int (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_unit_class_init (ElUnitClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = el_unit_finalize;
  object_class->get_property = el_unit_get_property;
  object_class->set_property = el_unit_set_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_CODE] = g_param_spec_string ("code", NULL, NULL, NULL, flags);
  properties[PROP_FLOOR] = g_param_spec_string ("floor", NULL, NULL, NULL, flags);
  properties[PROP_BED_COUNT] = g_param_spec_int ("bed-count", NULL, NULL, -1, 1000, -1, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
el_unit_init (ElUnit *self)
{
  self->bed_count = -1;
}

/**
 * el_unit_new:
 *
 * Returns: (transfer full): an empty unit; set at least id, name and code
 */
ElUnit *
el_unit_new (void)
{
  return g_object_new (EL_TYPE_UNIT, NULL);
}

/**
 * el_unit_new_from_json:
 * @node: a Unit object
 * @error: return location for an %EL_MODEL_ERROR
 *
 * Returns: (transfer full) (nullable): the unit, or %NULL with @error set
 */
ElUnit *
el_unit_new_from_json (JsonNode *node, GError **error)
{
  g_autoptr (ElUnit) self = NULL;
  JsonObject *obj;
  gint64 bed_count = -1;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!el_json_node_get_object (node, NULL, &obj, error))
    return NULL;

  self = el_unit_new ();
  if (!el_json_read_uuid (obj, NULL, "id", EL_JSON_REQUIRED, &self->id, error) ||
      !el_json_read_string (obj, NULL, "name", EL_JSON_REQUIRED, EL_MODEL_MAX_SHORT_STRING_BYTES, &self->name,
                            error) ||
      !el_json_read_string (obj, NULL, "code", EL_JSON_REQUIRED, EL_MODEL_MAX_SHORT_STRING_BYTES, &self->code,
                            error) ||
      !el_json_read_string (obj, NULL, "floor", EL_JSON_OPTIONAL, EL_MODEL_MAX_SHORT_STRING_BYTES,
                            &self->floor, error) ||
      !el_json_read_int (obj, NULL, "bed_count", EL_JSON_OPTIONAL, 0, 1000, &bed_count, NULL, error))
    return NULL;
  self->bed_count = (int) bed_count;

  return g_steal_pointer (&self);
}

/**
 * el_unit_new_from_data:
 * @data: JSON text
 * @len: length of @data in bytes, or -1 if it is NUL-terminated
 * @error: return location for an %EL_MODEL_ERROR
 *
 * Returns: (transfer full) (nullable): the unit, or %NULL with @error set
 */
ElUnit *
el_unit_new_from_data (const char *data, gssize len, GError **error)
{
  g_autoptr (JsonNode) root = el_json_parse_document (data, len, error);

  if (root == NULL)
    return NULL;
  return el_unit_new_from_json (root, error);
}

/**
 * el_unit_to_json:
 * @self: a unit
 *
 * Returns: (transfer full): the Unit object; unset optional members are omitted
 */
JsonNode *
el_unit_to_json (ElUnit *self)
{
  JsonObject *obj;
  JsonNode *node;

  g_return_val_if_fail (EL_IS_UNIT (self), NULL);

  obj = json_object_new ();
  el_json_put_string (obj, "id", self->id);
  el_json_put_string (obj, "name", self->name);
  el_json_put_string (obj, "code", self->code);
  el_json_put_string (obj, "floor", self->floor);
  if (self->bed_count >= 0)
    json_object_set_int_member (obj, "bed_count", self->bed_count);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, obj);
  return node;
}

/**
 * el_unit_to_data:
 * @self: a unit
 * @len: (out) (optional): length of the text
 *
 * Returns: (transfer full): compact JSON text
 */
char *
el_unit_to_data (ElUnit *self, gsize *len)
{
  g_autoptr (JsonNode) node = NULL;

  g_return_val_if_fail (EL_IS_UNIT (self), NULL);

  node = el_unit_to_json (self);
  return el_json_generate (node, len);
}

/**
 * el_unit_validate:
 * @self: a unit
 * @error: return location for an %EL_MODEL_ERROR
 *
 * Returns: %TRUE if el_unit_to_json() would be accepted by el_unit_new_from_json()
 */
gboolean
el_unit_validate (ElUnit *self, GError **error)
{
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (ElUnit) copy = NULL;

  g_return_val_if_fail (EL_IS_UNIT (self), FALSE);

  node = el_unit_to_json (self);
  copy = el_unit_new_from_json (node, error);
  return copy != NULL;
}

const char *
el_unit_get_id (ElUnit *self)
{
  g_return_val_if_fail (EL_IS_UNIT (self), NULL);
  return self->id;
}

void
el_unit_set_id (ElUnit *self, const char *id)
{
  g_return_if_fail (EL_IS_UNIT (self));
  g_return_if_fail (id == NULL || el_uuid_is_valid (id));

  if (el_set_string (&self->id, id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

const char *
el_unit_get_name (ElUnit *self)
{
  g_return_val_if_fail (EL_IS_UNIT (self), NULL);
  return self->name;
}

void
el_unit_set_name (ElUnit *self, const char *name)
{
  g_return_if_fail (EL_IS_UNIT (self));

  if (el_set_string (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

const char *
el_unit_get_code (ElUnit *self)
{
  g_return_val_if_fail (EL_IS_UNIT (self), NULL);
  return self->code;
}

void
el_unit_set_code (ElUnit *self, const char *code)
{
  g_return_if_fail (EL_IS_UNIT (self));

  if (el_set_string (&self->code, code))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CODE]);
}

const char *
el_unit_get_floor (ElUnit *self)
{
  g_return_val_if_fail (EL_IS_UNIT (self), NULL);
  return self->floor;
}

void
el_unit_set_floor (ElUnit *self, const char *floor)
{
  g_return_if_fail (EL_IS_UNIT (self));

  if (el_set_string (&self->floor, floor))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FLOOR]);
}

/**
 * el_unit_get_bed_count:
 * @self: a unit
 *
 * Returns: the number of beds, or -1 if not set
 */
int
el_unit_get_bed_count (ElUnit *self)
{
  g_return_val_if_fail (EL_IS_UNIT (self), -1);
  return self->bed_count;
}

/**
 * el_unit_set_bed_count:
 * @self: a unit
 * @bed_count: 0..1000, or -1 to unset
 */
void
el_unit_set_bed_count (ElUnit *self, int bed_count)
{
  g_return_if_fail (EL_IS_UNIT (self));
  g_return_if_fail (bed_count >= -1 && bed_count <= 1000);

  if (self->bed_count == bed_count)
    return;
  self->bed_count = bed_count;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BED_COUNT]);
}
