/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "el-user.h"
#include "el-json-private.h"
#include "el-model-types.h"

#include <string.h>

struct _ElUser
{
  GObject parent_instance;

  char *id;
  char *email;
  char *name;
  ElRole role;
  char *unit_id;
  GDateTime *created_at;
};

G_DEFINE_FINAL_TYPE (ElUser, el_user, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_EMAIL,
  PROP_NAME,
  PROP_ROLE,
  PROP_UNIT_ID,
  PROP_CREATED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
el_user_finalize (GObject *object)
{
  ElUser *self = EL_USER (object);

  g_free (self->id);
  g_free (self->email);
  g_free (self->name);
  g_free (self->unit_id);
  g_clear_pointer (&self->created_at, g_date_time_unref);

  G_OBJECT_CLASS (el_user_parent_class)->finalize (object);
}

static void
el_user_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElUser *self = EL_USER (object);

  switch (prop_id)
    {
      case PROP_ID:
        g_value_set_string (value, self->id);
        break;
      case PROP_EMAIL:
        g_value_set_string (value, self->email);
        break;
      case PROP_NAME:
        g_value_set_string (value, self->name);
        break;
      case PROP_ROLE:
        g_value_set_enum (value, self->role);
        break;
      case PROP_UNIT_ID:
        g_value_set_string (value, self->unit_id);
        break;
      case PROP_CREATED_AT:
        g_value_set_boxed (value, self->created_at);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_user_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElUser *self = EL_USER (object);

  switch (prop_id)
    {
      case PROP_ID:
        el_user_set_id (self, g_value_get_string (value));
        break;
      case PROP_EMAIL:
        el_user_set_email (self, g_value_get_string (value));
        break;
      case PROP_NAME:
        el_user_set_name (self, g_value_get_string (value));
        break;
      case PROP_ROLE:
        el_user_set_role (self, g_value_get_enum (value));
        break;
      case PROP_UNIT_ID:
        el_user_set_unit_id (self, g_value_get_string (value));
        break;
      case PROP_CREATED_AT:
        el_user_set_created_at (self, g_value_get_boxed (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_user_class_init (ElUserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = el_user_finalize;
  object_class->get_property = el_user_get_property;
  object_class->set_property = el_user_set_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_EMAIL] = g_param_spec_string ("email", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_ROLE] = g_param_spec_enum ("role", NULL, NULL, EL_TYPE_ROLE, EL_ROLE_NURSE, flags);
  properties[PROP_UNIT_ID] = g_param_spec_string ("unit-id", NULL, NULL, NULL, flags);
  properties[PROP_CREATED_AT] = g_param_spec_boxed ("created-at", NULL, NULL, G_TYPE_DATE_TIME, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
el_user_init (ElUser *self)
{
  self->role = EL_ROLE_NURSE;
}

/**
 * el_user_new:
 *
 * Returns: (transfer full): an empty user (role nurse); set at least id, email and name
 */
ElUser *
el_user_new (void)
{
  return g_object_new (EL_TYPE_USER, NULL);
}

/**
 * el_user_new_from_json:
 * @node: a User object
 * @error: return location for an %EL_MODEL_ERROR
 *
 * Returns: (transfer full) (nullable): the user, or %NULL with @error set
 */
ElUser *
el_user_new_from_json (JsonNode *node, GError **error)
{
  g_autoptr (ElUser) self = NULL;
  JsonObject *obj;
  int role;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!el_json_node_get_object (node, NULL, &obj, error))
    return NULL;

  self = el_user_new ();
  if (!el_json_read_uuid (obj, NULL, "id", EL_JSON_REQUIRED, &self->id, error) ||
      !el_json_read_string (obj, NULL, "email", EL_JSON_REQUIRED, EL_MODEL_MAX_EMAIL_BYTES, &self->email,
                            error) ||
      !el_json_read_string (obj, NULL, "name", EL_JSON_REQUIRED, EL_MODEL_MAX_SHORT_STRING_BYTES, &self->name,
                            error) ||
      !el_json_read_enum (obj, NULL, "role", EL_JSON_REQUIRED, EL_TYPE_ROLE, &role, NULL, error) ||
      !el_json_read_uuid (obj, NULL, "unit_id", EL_JSON_OPTIONAL, &self->unit_id, error) ||
      !el_json_read_timestamp (obj, NULL, "created_at", EL_JSON_OPTIONAL, &self->created_at, error))
    return NULL;
  self->role = (ElRole) role;

  if (strchr (self->email, '@') == NULL)
    {
      ElJsonPath path = { NULL, "email", 0 };

      el_json_set_error (error, EL_MODEL_ERROR_OUT_OF_RANGE, &path, "not an e-mail address");
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * el_user_new_from_data:
 * @data: JSON text
 * @len: length of @data in bytes, or -1 if it is NUL-terminated
 * @error: return location for an %EL_MODEL_ERROR
 *
 * Returns: (transfer full) (nullable): the user, or %NULL with @error set
 */
ElUser *
el_user_new_from_data (const char *data, gssize len, GError **error)
{
  g_autoptr (JsonNode) root = el_json_parse_document (data, len, error);

  if (root == NULL)
    return NULL;
  return el_user_new_from_json (root, error);
}

/**
 * el_user_to_json:
 * @self: a user
 *
 * Returns: (transfer full): the User object; unset optional members are omitted
 */
JsonNode *
el_user_to_json (ElUser *self)
{
  JsonObject *obj;
  JsonNode *node;

  g_return_val_if_fail (EL_IS_USER (self), NULL);

  obj = json_object_new ();
  el_json_put_string (obj, "id", self->id);
  el_json_put_string (obj, "email", self->email);
  el_json_put_string (obj, "name", self->name);
  el_json_put_enum (obj, "role", EL_TYPE_ROLE, (int) self->role);
  el_json_put_string (obj, "unit_id", self->unit_id);
  el_json_put_timestamp (obj, "created_at", self->created_at);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, obj);
  return node;
}

/**
 * el_user_to_data:
 * @self: a user
 * @len: (out) (optional): length of the text
 *
 * Returns: (transfer full): compact JSON text
 */
char *
el_user_to_data (ElUser *self, gsize *len)
{
  g_autoptr (JsonNode) node = NULL;

  g_return_val_if_fail (EL_IS_USER (self), NULL);

  node = el_user_to_json (self);
  return el_json_generate (node, len);
}

/**
 * el_user_validate:
 * @self: a user
 * @error: return location for an %EL_MODEL_ERROR
 *
 * Checks @self against the rules its decoder applies (required members, ranges, limits).
 *
 * Returns: %TRUE if el_user_to_json() would be accepted by el_user_new_from_json()
 */
gboolean
el_user_validate (ElUser *self, GError **error)
{
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (ElUser) copy = NULL;

  g_return_val_if_fail (EL_IS_USER (self), FALSE);

  node = el_user_to_json (self);
  copy = el_user_new_from_json (node, error);
  return copy != NULL;
}

const char *
el_user_get_id (ElUser *self)
{
  g_return_val_if_fail (EL_IS_USER (self), NULL);
  return self->id;
}

void
el_user_set_id (ElUser *self, const char *id)
{
  g_return_if_fail (EL_IS_USER (self));
  g_return_if_fail (id == NULL || el_uuid_is_valid (id));

  if (el_set_string (&self->id, id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

const char *
el_user_get_email (ElUser *self)
{
  g_return_val_if_fail (EL_IS_USER (self), NULL);
  return self->email;
}

void
el_user_set_email (ElUser *self, const char *email)
{
  g_return_if_fail (EL_IS_USER (self));

  if (el_set_string (&self->email, email))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EMAIL]);
}

const char *
el_user_get_name (ElUser *self)
{
  g_return_val_if_fail (EL_IS_USER (self), NULL);
  return self->name;
}

void
el_user_set_name (ElUser *self, const char *name)
{
  g_return_if_fail (EL_IS_USER (self));

  if (el_set_string (&self->name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

ElRole
el_user_get_role (ElUser *self)
{
  g_return_val_if_fail (EL_IS_USER (self), EL_ROLE_NURSE);
  return self->role;
}

void
el_user_set_role (ElUser *self, ElRole role)
{
  g_return_if_fail (EL_IS_USER (self));
  g_return_if_fail (el_role_to_string (role) != NULL);

  if (self->role == role)
    return;
  self->role = role;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLE]);
}

const char *
el_user_get_unit_id (ElUser *self)
{
  g_return_val_if_fail (EL_IS_USER (self), NULL);
  return self->unit_id;
}

void
el_user_set_unit_id (ElUser *self, const char *unit_id)
{
  g_return_if_fail (EL_IS_USER (self));
  g_return_if_fail (unit_id == NULL || el_uuid_is_valid (unit_id));

  if (el_set_string (&self->unit_id, unit_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNIT_ID]);
}

/**
 * el_user_get_created_at:
 * @self: a user
 *
 * Returns: (transfer none) (nullable): when the account was created (UTC)
 */
GDateTime *
el_user_get_created_at (ElUser *self)
{
  g_return_val_if_fail (EL_IS_USER (self), NULL);
  return self->created_at;
}

void
el_user_set_created_at (ElUser *self, GDateTime *created_at)
{
  g_return_if_fail (EL_IS_USER (self));

  if (el_set_timestamp (&self->created_at, created_at))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}
