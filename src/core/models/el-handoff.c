/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "el-handoff.h"
#include "el-json-private.h"
#include "el-model-types.h"

struct _ElHandoff
{
  GObject parent_instance;

  char *id;
  char *patient_id;
  char *unit_id;
  ElHandoffStatus status;
  GDate shift_date;
  ElShift shift;
  char *outgoing_nurse_id;
  char *receiving_nurse_id;
  char *created_by;
  GDateTime *created_at;
  GDateTime *updated_at;
  int latest_version;
  char *etag;
  char *signed_by;
  GDateTime *signed_at;
  char *acknowledged_by;
  GDateTime *acknowledged_at;
  char *readback_note;
  char *failure_reason;
};

G_DEFINE_FINAL_TYPE (ElHandoff, el_handoff, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_PATIENT_ID,
  PROP_UNIT_ID,
  PROP_STATUS,
  PROP_SHIFT_DATE,
  PROP_SHIFT,
  PROP_OUTGOING_NURSE_ID,
  PROP_RECEIVING_NURSE_ID,
  PROP_CREATED_BY,
  PROP_CREATED_AT,
  PROP_UPDATED_AT,
  PROP_LATEST_VERSION,
  PROP_ETAG,
  PROP_SIGNED_BY,
  PROP_SIGNED_AT,
  PROP_ACKNOWLEDGED_BY,
  PROP_ACKNOWLEDGED_AT,
  PROP_READBACK_NOTE,
  PROP_FAILURE_REASON,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The state machine of the spec: a bit per allowed target status. */
#define TO(status) (1u << (EL_HANDOFF_STATUS_##status))

static const guint transitions[] = {
  [EL_HANDOFF_STATUS_DRAFT] = TO (PROCESSING) | TO (READY) | TO (CANCELLED),
  [EL_HANDOFF_STATUS_PROCESSING] = TO (READY) | TO (FAILED) | TO (CANCELLED),
  [EL_HANDOFF_STATUS_READY] = TO (PROCESSING) | TO (SIGNED) | TO (CANCELLED),
  [EL_HANDOFF_STATUS_SIGNED] = TO (ACKNOWLEDGED) | TO (READY),
  [EL_HANDOFF_STATUS_ACKNOWLEDGED] = 0,
  [EL_HANDOFF_STATUS_FAILED] = TO (PROCESSING) | TO (CANCELLED),
  [EL_HANDOFF_STATUS_CANCELLED] = 0,
};

#undef TO

/**
 * el_handoff_status_can_transition:
 * @from: the current status
 * @to: the wanted status
 *
 * Returns: %TRUE if the spec's state machine allows @from -> @to (never for @from == @to)
 */
gboolean
el_handoff_status_can_transition (ElHandoffStatus from, ElHandoffStatus to)
{
  if ((guint) from >= G_N_ELEMENTS (transitions) || (guint) to >= G_N_ELEMENTS (transitions))
    return FALSE;
  return (transitions[from] & (1u << to)) != 0;
}

/**
 * el_handoff_status_is_final:
 * @status: a status
 *
 * Returns: %TRUE for acknowledged and cancelled, which allow no transition
 */
gboolean
el_handoff_status_is_final (ElHandoffStatus status)
{
  return (guint) status < G_N_ELEMENTS (transitions) && transitions[status] == 0;
}

static void
el_handoff_finalize (GObject *object)
{
  ElHandoff *self = EL_HANDOFF (object);

  g_free (self->id);
  g_free (self->patient_id);
  g_free (self->unit_id);
  g_free (self->outgoing_nurse_id);
  g_free (self->receiving_nurse_id);
  g_free (self->created_by);
  g_clear_pointer (&self->created_at, g_date_time_unref);
  g_clear_pointer (&self->updated_at, g_date_time_unref);
  g_free (self->etag);
  g_free (self->signed_by);
  g_clear_pointer (&self->signed_at, g_date_time_unref);
  g_free (self->acknowledged_by);
  g_clear_pointer (&self->acknowledged_at, g_date_time_unref);
  g_free (self->readback_note);
  g_free (self->failure_reason);

  G_OBJECT_CLASS (el_handoff_parent_class)->finalize (object);
}

static void
el_handoff_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElHandoff *self = EL_HANDOFF (object);

  switch (prop_id)
    {
      case PROP_ID:
        g_value_set_string (value, self->id);
        break;
      case PROP_PATIENT_ID:
        g_value_set_string (value, self->patient_id);
        break;
      case PROP_UNIT_ID:
        g_value_set_string (value, self->unit_id);
        break;
      case PROP_STATUS:
        g_value_set_enum (value, self->status);
        break;
      case PROP_SHIFT_DATE:
        g_value_set_boxed (value, el_date_or_null (&self->shift_date));
        break;
      case PROP_SHIFT:
        g_value_set_enum (value, self->shift);
        break;
      case PROP_OUTGOING_NURSE_ID:
        g_value_set_string (value, self->outgoing_nurse_id);
        break;
      case PROP_RECEIVING_NURSE_ID:
        g_value_set_string (value, self->receiving_nurse_id);
        break;
      case PROP_CREATED_BY:
        g_value_set_string (value, self->created_by);
        break;
      case PROP_CREATED_AT:
        g_value_set_boxed (value, self->created_at);
        break;
      case PROP_UPDATED_AT:
        g_value_set_boxed (value, self->updated_at);
        break;
      case PROP_LATEST_VERSION:
        g_value_set_int (value, self->latest_version);
        break;
      case PROP_ETAG:
        g_value_set_string (value, self->etag);
        break;
      case PROP_SIGNED_BY:
        g_value_set_string (value, self->signed_by);
        break;
      case PROP_SIGNED_AT:
        g_value_set_boxed (value, self->signed_at);
        break;
      case PROP_ACKNOWLEDGED_BY:
        g_value_set_string (value, self->acknowledged_by);
        break;
      case PROP_ACKNOWLEDGED_AT:
        g_value_set_boxed (value, self->acknowledged_at);
        break;
      case PROP_READBACK_NOTE:
        g_value_set_string (value, self->readback_note);
        break;
      case PROP_FAILURE_REASON:
        g_value_set_string (value, self->failure_reason);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_handoff_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElHandoff *self = EL_HANDOFF (object);

  switch (prop_id)
    {
      case PROP_ID:
        el_handoff_set_id (self, g_value_get_string (value));
        break;
      case PROP_PATIENT_ID:
        el_handoff_set_patient_id (self, g_value_get_string (value));
        break;
      case PROP_UNIT_ID:
        el_handoff_set_unit_id (self, g_value_get_string (value));
        break;
      case PROP_STATUS:
        el_handoff_set_status (self, g_value_get_enum (value));
        break;
      case PROP_SHIFT_DATE:
        el_handoff_set_shift_date (self, g_value_get_boxed (value));
        break;
      case PROP_SHIFT:
        el_handoff_set_shift (self, g_value_get_enum (value));
        break;
      case PROP_OUTGOING_NURSE_ID:
        el_handoff_set_outgoing_nurse_id (self, g_value_get_string (value));
        break;
      case PROP_RECEIVING_NURSE_ID:
        el_handoff_set_receiving_nurse_id (self, g_value_get_string (value));
        break;
      case PROP_CREATED_BY:
        el_handoff_set_created_by (self, g_value_get_string (value));
        break;
      case PROP_CREATED_AT:
        el_handoff_set_created_at (self, g_value_get_boxed (value));
        break;
      case PROP_UPDATED_AT:
        el_handoff_set_updated_at (self, g_value_get_boxed (value));
        break;
      case PROP_LATEST_VERSION:
        el_handoff_set_latest_version (self, g_value_get_int (value));
        break;
      case PROP_ETAG:
        el_handoff_set_etag (self, g_value_get_string (value));
        break;
      case PROP_SIGNED_BY:
        el_handoff_set_signed_by (self, g_value_get_string (value));
        break;
      case PROP_SIGNED_AT:
        el_handoff_set_signed_at (self, g_value_get_boxed (value));
        break;
      case PROP_ACKNOWLEDGED_BY:
        el_handoff_set_acknowledged_by (self, g_value_get_string (value));
        break;
      case PROP_ACKNOWLEDGED_AT:
        el_handoff_set_acknowledged_at (self, g_value_get_boxed (value));
        break;
      case PROP_READBACK_NOTE:
        el_handoff_set_readback_note (self, g_value_get_string (value));
        break;
      case PROP_FAILURE_REASON:
        el_handoff_set_failure_reason (self, g_value_get_string (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_handoff_class_init (ElHandoffClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = el_handoff_finalize;
  object_class->get_property = el_handoff_get_property;
  object_class->set_property = el_handoff_set_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_PATIENT_ID] = g_param_spec_string ("patient-id", NULL, NULL, NULL, flags);
  properties[PROP_UNIT_ID] = g_param_spec_string ("unit-id", NULL, NULL, NULL, flags);
  properties[PROP_STATUS] =
      g_param_spec_enum ("status", NULL, NULL, EL_TYPE_HANDOFF_STATUS, EL_HANDOFF_STATUS_DRAFT, flags);
  properties[PROP_SHIFT_DATE] = g_param_spec_boxed ("shift-date", NULL, NULL, G_TYPE_DATE, flags);
  properties[PROP_SHIFT] = g_param_spec_enum ("shift", NULL, NULL, EL_TYPE_SHIFT, EL_SHIFT_DAY, flags);
  properties[PROP_OUTGOING_NURSE_ID] = g_param_spec_string ("outgoing-nurse-id", NULL, NULL, NULL, flags);
  properties[PROP_RECEIVING_NURSE_ID] = g_param_spec_string ("receiving-nurse-id", NULL, NULL, NULL, flags);
  properties[PROP_CREATED_BY] = g_param_spec_string ("created-by", NULL, NULL, NULL, flags);
  properties[PROP_CREATED_AT] = g_param_spec_boxed ("created-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_UPDATED_AT] = g_param_spec_boxed ("updated-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_LATEST_VERSION] = g_param_spec_int ("latest-version", NULL, NULL, 0, G_MAXINT, 0, flags);
  properties[PROP_ETAG] = g_param_spec_string ("etag", NULL, NULL, NULL, flags);
  properties[PROP_SIGNED_BY] = g_param_spec_string ("signed-by", NULL, NULL, NULL, flags);
  properties[PROP_SIGNED_AT] = g_param_spec_boxed ("signed-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_ACKNOWLEDGED_BY] = g_param_spec_string ("acknowledged-by", NULL, NULL, NULL, flags);
  properties[PROP_ACKNOWLEDGED_AT] =
      g_param_spec_boxed ("acknowledged-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_READBACK_NOTE] = g_param_spec_string ("readback-note", NULL, NULL, NULL, flags);
  properties[PROP_FAILURE_REASON] = g_param_spec_string ("failure-reason", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
el_handoff_init (ElHandoff *self)
{
  g_date_clear (&self->shift_date, 1);
  self->status = EL_HANDOFF_STATUS_DRAFT;
  self->shift = EL_SHIFT_DAY;
}

/**
 * el_handoff_new:
 *
 * Returns: (transfer full): an empty draft handoff (day shift, latest version 0); set at least
 *   id, patient_id, unit_id, shift_date, created_by, created_at and updated_at
 */
ElHandoff *
el_handoff_new (void)
{
  return g_object_new (EL_TYPE_HANDOFF, NULL);
}

static gboolean
etag_is_valid (const char *etag)
{
  for (const char *p = etag; *p != '\0'; p++)
    if (*p < 0x21 || *p > 0x7e || *p == '"')
      return FALSE;
  return TRUE;
}

/**
 * el_handoff_new_from_json:
 * @node: a Handoff object
 * @error: return location for an %EL_MODEL_ERROR
 *
 * Returns: (transfer full) (nullable): the handoff, or %NULL with @error set
 */
ElHandoff *
el_handoff_new_from_json (JsonNode *node, GError **error)
{
  g_autoptr (ElHandoff) self = NULL;
  JsonObject *obj;
  int status, shift;
  gint64 latest_version;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!el_json_node_get_object (node, NULL, &obj, error))
    return NULL;

  self = el_handoff_new ();
  if (!el_json_read_uuid (obj, NULL, "id", EL_JSON_REQUIRED, &self->id, error) ||
      !el_json_read_uuid (obj, NULL, "patient_id", EL_JSON_REQUIRED, &self->patient_id, error) ||
      !el_json_read_uuid (obj, NULL, "unit_id", EL_JSON_REQUIRED, &self->unit_id, error) ||
      !el_json_read_enum (obj, NULL, "status", EL_JSON_REQUIRED, EL_TYPE_HANDOFF_STATUS, &status, NULL,
                          error) ||
      !el_json_read_date (obj, NULL, "shift_date", EL_JSON_REQUIRED, &self->shift_date, error) ||
      !el_json_read_enum (obj, NULL, "shift", EL_JSON_REQUIRED, EL_TYPE_SHIFT, &shift, NULL, error) ||
      !el_json_read_uuid (obj, NULL, "outgoing_nurse_id", EL_JSON_OPTIONAL, &self->outgoing_nurse_id,
                          error) ||
      !el_json_read_uuid (obj, NULL, "receiving_nurse_id", EL_JSON_OPTIONAL, &self->receiving_nurse_id,
                          error) ||
      !el_json_read_uuid (obj, NULL, "created_by", EL_JSON_REQUIRED, &self->created_by, error) ||
      !el_json_read_timestamp (obj, NULL, "created_at", EL_JSON_REQUIRED, &self->created_at, error) ||
      !el_json_read_timestamp (obj, NULL, "updated_at", EL_JSON_REQUIRED, &self->updated_at, error) ||
      !el_json_read_int (obj, NULL, "latest_version", EL_JSON_REQUIRED, 0, G_MAXINT, &latest_version, NULL,
                         error) ||
      !el_json_read_string (obj, NULL, "etag", EL_JSON_OPTIONAL, EL_MODEL_MAX_SHORT_STRING_BYTES, &self->etag,
                            error) ||
      !el_json_read_uuid (obj, NULL, "signed_by", EL_JSON_OPTIONAL, &self->signed_by, error) ||
      !el_json_read_timestamp (obj, NULL, "signed_at", EL_JSON_OPTIONAL, &self->signed_at, error) ||
      !el_json_read_uuid (obj, NULL, "acknowledged_by", EL_JSON_OPTIONAL, &self->acknowledged_by, error) ||
      !el_json_read_timestamp (obj, NULL, "acknowledged_at", EL_JSON_OPTIONAL, &self->acknowledged_at,
                               error) ||
      !el_json_read_string (obj, NULL, "readback_note", EL_JSON_OPTIONAL, EL_MODEL_MAX_TEXT_BYTES,
                            &self->readback_note, error) ||
      !el_json_read_string (obj, NULL, "failure_reason", EL_JSON_OPTIONAL, EL_MODEL_MAX_TEXT_BYTES,
                            &self->failure_reason, error))
    return NULL;
  self->status = (ElHandoffStatus) status;
  self->shift = (ElShift) shift;
  self->latest_version = (int) latest_version;

  if (self->etag != NULL && !etag_is_valid (self->etag))
    {
      ElJsonPath path = { NULL, "etag", 0 };

      el_json_set_error (error, EL_MODEL_ERROR_OUT_OF_RANGE, &path,
                         "not printable ASCII without space or quote");
      return NULL;
    }

  /* Consistency of the status with the signature and the acknowledgment. */
  if (self->status == EL_HANDOFF_STATUS_SIGNED || self->status == EL_HANDOFF_STATUS_ACKNOWLEDGED)
    {
      const char *missing = self->signed_by == NULL   ? "signed_by"
                            : self->signed_at == NULL ? "signed_at"
                                                      : NULL;

      if (missing != NULL)
        {
          ElJsonPath path = { NULL, missing, 0 };

          el_json_set_error (error, EL_MODEL_ERROR_MISSING_FIELD, &path,
                             "required when status is signed or acknowledged");
          return NULL;
        }
    }
  if (self->status == EL_HANDOFF_STATUS_ACKNOWLEDGED)
    {
      const char *missing = self->acknowledged_by == NULL   ? "acknowledged_by"
                            : self->acknowledged_at == NULL ? "acknowledged_at"
                                                            : NULL;

      if (missing != NULL)
        {
          ElJsonPath path = { NULL, missing, 0 };

          el_json_set_error (error, EL_MODEL_ERROR_MISSING_FIELD, &path,
                             "required when status is acknowledged");
          return NULL;
        }
    }

  return g_steal_pointer (&self);
}

/**
 * el_handoff_new_from_data:
 * @data: JSON text
 * @len: length of @data in bytes, or -1 if it is NUL-terminated
 * @error: return location for an %EL_MODEL_ERROR
 *
 * Returns: (transfer full) (nullable): the handoff, or %NULL with @error set
 */
ElHandoff *
el_handoff_new_from_data (const char *data, gssize len, GError **error)
{
  g_autoptr (JsonNode) root = el_json_parse_document (data, len, error);

  if (root == NULL)
    return NULL;
  return el_handoff_new_from_json (root, error);
}

/**
 * el_handoff_to_json:
 * @self: a handoff
 *
 * Returns: (transfer full): the Handoff object; unset optional members are omitted
 */
JsonNode *
el_handoff_to_json (ElHandoff *self)
{
  JsonObject *obj;
  JsonNode *node;

  g_return_val_if_fail (EL_IS_HANDOFF (self), NULL);

  obj = json_object_new ();
  el_json_put_string (obj, "id", self->id);
  el_json_put_string (obj, "patient_id", self->patient_id);
  el_json_put_string (obj, "unit_id", self->unit_id);
  el_json_put_enum (obj, "status", EL_TYPE_HANDOFF_STATUS, (int) self->status);
  el_json_put_date (obj, "shift_date", &self->shift_date);
  el_json_put_enum (obj, "shift", EL_TYPE_SHIFT, (int) self->shift);
  el_json_put_string (obj, "outgoing_nurse_id", self->outgoing_nurse_id);
  el_json_put_string (obj, "receiving_nurse_id", self->receiving_nurse_id);
  el_json_put_string (obj, "created_by", self->created_by);
  el_json_put_timestamp (obj, "created_at", self->created_at);
  el_json_put_timestamp (obj, "updated_at", self->updated_at);
  json_object_set_int_member (obj, "latest_version", self->latest_version);
  el_json_put_string (obj, "etag", self->etag);
  el_json_put_string (obj, "signed_by", self->signed_by);
  el_json_put_timestamp (obj, "signed_at", self->signed_at);
  el_json_put_string (obj, "acknowledged_by", self->acknowledged_by);
  el_json_put_timestamp (obj, "acknowledged_at", self->acknowledged_at);
  el_json_put_string (obj, "readback_note", self->readback_note);
  el_json_put_string (obj, "failure_reason", self->failure_reason);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, obj);
  return node;
}

/**
 * el_handoff_to_data:
 * @self: a handoff
 * @len: (out) (optional): length of the text
 *
 * Returns: (transfer full): compact JSON text
 */
char *
el_handoff_to_data (ElHandoff *self, gsize *len)
{
  g_autoptr (JsonNode) node = NULL;

  g_return_val_if_fail (EL_IS_HANDOFF (self), NULL);

  node = el_handoff_to_json (self);
  return el_json_generate (node, len);
}

/**
 * el_handoff_validate:
 * @self: a handoff
 * @error: return location for an %EL_MODEL_ERROR
 *
 * Returns: %TRUE if el_handoff_to_json() would be accepted by el_handoff_new_from_json()
 */
gboolean
el_handoff_validate (ElHandoff *self, GError **error)
{
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (ElHandoff) copy = NULL;

  g_return_val_if_fail (EL_IS_HANDOFF (self), FALSE);

  node = el_handoff_to_json (self);
  copy = el_handoff_new_from_json (node, error);
  return copy != NULL;
}

static void
set_string_member (ElHandoff *self, char **field, const char *value, guint prop_id)
{
  if (el_set_string (field, value))
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_timestamp_member (ElHandoff *self, GDateTime **field, GDateTime *value, guint prop_id)
{
  if (el_set_timestamp (field, value))
    g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

/**
 * el_handoff_transition:
 * @self: a handoff
 * @to: the new status
 * @error: return location for %EL_MODEL_ERROR_INVALID_TRANSITION
 *
 * Changes the status if the state machine allows it. Going from signed back to ready (a new SBAR
 * version after signing) voids the signature: signed_by and signed_at are cleared. Nothing else
 * changes; the caller sets signed_by/signed_at, acknowledged_by/acknowledged_at and updated_at.
 *
 * Returns: %TRUE if the status changed
 */
gboolean
el_handoff_transition (ElHandoff *self, ElHandoffStatus to, GError **error)
{
  g_return_val_if_fail (EL_IS_HANDOFF (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!el_handoff_status_can_transition (self->status, to))
    {
      const char *to_name = el_handoff_status_to_string (to);

      g_set_error (error, EL_MODEL_ERROR, EL_MODEL_ERROR_INVALID_TRANSITION,
                   "status: cannot change from %s to %s", el_handoff_status_to_string (self->status),
                   to_name != NULL ? to_name : "an unknown status");
      return FALSE;
    }

  g_object_freeze_notify (G_OBJECT (self));
  if (self->status == EL_HANDOFF_STATUS_SIGNED && to == EL_HANDOFF_STATUS_READY)
    {
      set_string_member (self, &self->signed_by, NULL, PROP_SIGNED_BY);
      set_timestamp_member (self, &self->signed_at, NULL, PROP_SIGNED_AT);
    }
  self->status = to;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

const char *
el_handoff_get_id (ElHandoff *self)
{
  g_return_val_if_fail (EL_IS_HANDOFF (self), NULL);
  return self->id;
}

void
el_handoff_set_id (ElHandoff *self, const char *id)
{
  g_return_if_fail (EL_IS_HANDOFF (self));
  g_return_if_fail (id == NULL || el_uuid_is_valid (id));

  set_string_member (self, &self->id, id, PROP_ID);
}

const char *
el_handoff_get_patient_id (ElHandoff *self)
{
  g_return_val_if_fail (EL_IS_HANDOFF (self), NULL);
  return self->patient_id;
}

void
el_handoff_set_patient_id (ElHandoff *self, const char *patient_id)
{
  g_return_if_fail (EL_IS_HANDOFF (self));
  g_return_if_fail (patient_id == NULL || el_uuid_is_valid (patient_id));

  set_string_member (self, &self->patient_id, patient_id, PROP_PATIENT_ID);
}

const char *
el_handoff_get_unit_id (ElHandoff *self)
{
  g_return_val_if_fail (EL_IS_HANDOFF (self), NULL);
  return self->unit_id;
}

void
el_handoff_set_unit_id (ElHandoff *self, const char *unit_id)
{
  g_return_if_fail (EL_IS_HANDOFF (self));
  g_return_if_fail (unit_id == NULL || el_uuid_is_valid (unit_id));

  set_string_member (self, &self->unit_id, unit_id, PROP_UNIT_ID);
}

ElHandoffStatus
el_handoff_get_status (ElHandoff *self)
{
  g_return_val_if_fail (EL_IS_HANDOFF (self), EL_HANDOFF_STATUS_DRAFT);
  return self->status;
}

/**
 * el_handoff_set_status:
 * @self: a handoff
 * @status: the status
 *
 * Sets the status without checking the state machine, e.g. when loading a stored handoff. Use
 * el_handoff_transition() for a change of state.
 */
void
el_handoff_set_status (ElHandoff *self, ElHandoffStatus status)
{
  g_return_if_fail (EL_IS_HANDOFF (self));
  g_return_if_fail (el_handoff_status_to_string (status) != NULL);

  if (self->status == status)
    return;
  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

/**
 * el_handoff_get_shift_date:
 * @self: a handoff
 *
 * Returns: (transfer none) (nullable): the date of the shift, or %NULL if unset
 */
const GDate *
el_handoff_get_shift_date (ElHandoff *self)
{
  g_return_val_if_fail (EL_IS_HANDOFF (self), NULL);
  return el_date_or_null (&self->shift_date);
}

void
el_handoff_set_shift_date (ElHandoff *self, const GDate *shift_date)
{
  g_return_if_fail (EL_IS_HANDOFF (self));

  if (el_set_date (&self->shift_date, shift_date))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHIFT_DATE]);
}

ElShift
el_handoff_get_shift (ElHandoff *self)
{
  g_return_val_if_fail (EL_IS_HANDOFF (self), EL_SHIFT_DAY);
  return self->shift;
}

void
el_handoff_set_shift (ElHandoff *self, ElShift shift)
{
  g_return_if_fail (EL_IS_HANDOFF (self));
  g_return_if_fail (el_shift_to_string (shift) != NULL);

  if (self->shift == shift)
    return;
  self->shift = shift;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHIFT]);
}

const char *
el_handoff_get_outgoing_nurse_id (ElHandoff *self)
{
  g_return_val_if_fail (EL_IS_HANDOFF (self), NULL);
  return self->outgoing_nurse_id;
}

void
el_handoff_set_outgoing_nurse_id (ElHandoff *self, const char *outgoing_nurse_id)
{
  g_return_if_fail (EL_IS_HANDOFF (self));
  g_return_if_fail (outgoing_nurse_id == NULL || el_uuid_is_valid (outgoing_nurse_id));

  set_string_member (self, &self->outgoing_nurse_id, outgoing_nurse_id, PROP_OUTGOING_NURSE_ID);
}

const char *
el_handoff_get_receiving_nurse_id (ElHandoff *self)
{
  g_return_val_if_fail (EL_IS_HANDOFF (self), NULL);
  return self->receiving_nurse_id;
}

void
el_handoff_set_receiving_nurse_id (ElHandoff *self, const char *receiving_nurse_id)
{
  g_return_if_fail (EL_IS_HANDOFF (self));
  g_return_if_fail (receiving_nurse_id == NULL || el_uuid_is_valid (receiving_nurse_id));

  set_string_member (self, &self->receiving_nurse_id, receiving_nurse_id, PROP_RECEIVING_NURSE_ID);
}

const char *
el_handoff_get_created_by (ElHandoff *self)
{
  g_return_val_if_fail (EL_IS_HANDOFF (self), NULL);
  return self->created_by;
}

void
el_handoff_set_created_by (ElHandoff *self, const char *created_by)
{
  g_return_if_fail (EL_IS_HANDOFF (self));
  g_return_if_fail (created_by == NULL || el_uuid_is_valid (created_by));

  set_string_member (self, &self->created_by, created_by, PROP_CREATED_BY);
}

/**
 * el_handoff_get_created_at:
 * @self: a handoff
 *
 * Returns: (transfer none) (nullable): creation time (UTC)
 */
GDateTime *
el_handoff_get_created_at (ElHandoff *self)
{
  g_return_val_if_fail (EL_IS_HANDOFF (self), NULL);
  return self->created_at;
}

void
el_handoff_set_created_at (ElHandoff *self, GDateTime *created_at)
{
  g_return_if_fail (EL_IS_HANDOFF (self));

  set_timestamp_member (self, &self->created_at, created_at, PROP_CREATED_AT);
}

/**
 * el_handoff_get_updated_at:
 * @self: a handoff
 *
 * Returns: (transfer none) (nullable): time of the last change (UTC)
 */
GDateTime *
el_handoff_get_updated_at (ElHandoff *self)
{
  g_return_val_if_fail (EL_IS_HANDOFF (self), NULL);
  return self->updated_at;
}

void
el_handoff_set_updated_at (ElHandoff *self, GDateTime *updated_at)
{
  g_return_if_fail (EL_IS_HANDOFF (self));

  set_timestamp_member (self, &self->updated_at, updated_at, PROP_UPDATED_AT);
}

/**
 * el_handoff_get_latest_version:
 * @self: a handoff
 *
 * Returns: the number of the latest SBAR version, 0 if there is none yet
 */
int
el_handoff_get_latest_version (ElHandoff *self)
{
  g_return_val_if_fail (EL_IS_HANDOFF (self), 0);
  return self->latest_version;
}

void
el_handoff_set_latest_version (ElHandoff *self, int latest_version)
{
  g_return_if_fail (EL_IS_HANDOFF (self));
  g_return_if_fail (latest_version >= 0);

  if (self->latest_version == latest_version)
    return;
  self->latest_version = latest_version;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LATEST_VERSION]);
}

const char *
el_handoff_get_etag (ElHandoff *self)
{
  g_return_val_if_fail (EL_IS_HANDOFF (self), NULL);
  return self->etag;
}

void
el_handoff_set_etag (ElHandoff *self, const char *etag)
{
  g_return_if_fail (EL_IS_HANDOFF (self));

  set_string_member (self, &self->etag, etag, PROP_ETAG);
}

const char *
el_handoff_get_signed_by (ElHandoff *self)
{
  g_return_val_if_fail (EL_IS_HANDOFF (self), NULL);
  return self->signed_by;
}

void
el_handoff_set_signed_by (ElHandoff *self, const char *signed_by)
{
  g_return_if_fail (EL_IS_HANDOFF (self));
  g_return_if_fail (signed_by == NULL || el_uuid_is_valid (signed_by));

  set_string_member (self, &self->signed_by, signed_by, PROP_SIGNED_BY);
}

/**
 * el_handoff_get_signed_at:
 * @self: a handoff
 *
 * Returns: (transfer none) (nullable): when the outgoing nurse signed (UTC)
 */
GDateTime *
el_handoff_get_signed_at (ElHandoff *self)
{
  g_return_val_if_fail (EL_IS_HANDOFF (self), NULL);
  return self->signed_at;
}

void
el_handoff_set_signed_at (ElHandoff *self, GDateTime *signed_at)
{
  g_return_if_fail (EL_IS_HANDOFF (self));

  set_timestamp_member (self, &self->signed_at, signed_at, PROP_SIGNED_AT);
}

const char *
el_handoff_get_acknowledged_by (ElHandoff *self)
{
  g_return_val_if_fail (EL_IS_HANDOFF (self), NULL);
  return self->acknowledged_by;
}

void
el_handoff_set_acknowledged_by (ElHandoff *self, const char *acknowledged_by)
{
  g_return_if_fail (EL_IS_HANDOFF (self));
  g_return_if_fail (acknowledged_by == NULL || el_uuid_is_valid (acknowledged_by));

  set_string_member (self, &self->acknowledged_by, acknowledged_by, PROP_ACKNOWLEDGED_BY);
}

/**
 * el_handoff_get_acknowledged_at:
 * @self: a handoff
 *
 * Returns: (transfer none) (nullable): when the receiving nurse acknowledged (UTC)
 */
GDateTime *
el_handoff_get_acknowledged_at (ElHandoff *self)
{
  g_return_val_if_fail (EL_IS_HANDOFF (self), NULL);
  return self->acknowledged_at;
}

void
el_handoff_set_acknowledged_at (ElHandoff *self, GDateTime *acknowledged_at)
{
  g_return_if_fail (EL_IS_HANDOFF (self));

  set_timestamp_member (self, &self->acknowledged_at, acknowledged_at, PROP_ACKNOWLEDGED_AT);
}

const char *
el_handoff_get_readback_note (ElHandoff *self)
{
  g_return_val_if_fail (EL_IS_HANDOFF (self), NULL);
  return self->readback_note;
}

void
el_handoff_set_readback_note (ElHandoff *self, const char *readback_note)
{
  g_return_if_fail (EL_IS_HANDOFF (self));

  set_string_member (self, &self->readback_note, readback_note, PROP_READBACK_NOTE);
}

const char *
el_handoff_get_failure_reason (ElHandoff *self)
{
  g_return_val_if_fail (EL_IS_HANDOFF (self), NULL);
  return self->failure_reason;
}

void
el_handoff_set_failure_reason (ElHandoff *self, const char *failure_reason)
{
  g_return_if_fail (EL_IS_HANDOFF (self));

  set_string_member (self, &self->failure_reason, failure_reason, PROP_FAILURE_REASON);
}
