/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "el-patient.h"
#include "el-json-private.h"
#include "el-model-types.h"

struct _ElPatient
{
  GObject parent_instance;

  char *id;
  char *unit_id;
  char *mrn;
  char *given_name;
  char *family_name;
  GDate date_of_birth;
  ElSex sex;
  char *room;
  char *bed;
  ElCodeStatus code_status;
  GStrv allergies;
  gboolean no_known_allergies;
  ElIsolation isolation;
  int acuity;
  ElFallRisk fall_risk;
  char *diagnosis;
  char *attending;
  GDateTime *admitted_at;
  ElHandoffStatus handoff_status;
  GDateTime *updated_at;

  guint has_code_status : 1;
  guint has_no_known_allergies : 1;
  guint has_isolation : 1;
  guint has_fall_risk : 1;
  guint has_handoff_status : 1;
};

G_DEFINE_FINAL_TYPE (ElPatient, el_patient, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_UNIT_ID,
  PROP_MRN,
  PROP_GIVEN_NAME,
  PROP_FAMILY_NAME,
  PROP_DATE_OF_BIRTH,
  PROP_SEX,
  PROP_ROOM,
  PROP_BED,
  PROP_CODE_STATUS,
  PROP_ALLERGIES,
  PROP_NO_KNOWN_ALLERGIES,
  PROP_ISOLATION,
  PROP_ACUITY,
  PROP_FALL_RISK,
  PROP_DIAGNOSIS,
  PROP_ATTENDING,
  PROP_ADMITTED_AT,
  PROP_HANDOFF_STATUS,
  PROP_UPDATED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
el_patient_finalize (GObject *object)
{
  ElPatient *self = EL_PATIENT (object);

  g_free (self->id);
  g_free (self->unit_id);
  g_free (self->mrn);
  g_free (self->given_name);
  g_free (self->family_name);
  g_free (self->room);
  g_free (self->bed);
  g_strfreev (self->allergies);
  g_free (self->diagnosis);
  g_free (self->attending);
  g_clear_pointer (&self->admitted_at, g_date_time_unref);
  g_clear_pointer (&self->updated_at, g_date_time_unref);

  G_OBJECT_CLASS (el_patient_parent_class)->finalize (object);
}

static void
el_patient_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElPatient *self = EL_PATIENT (object);

  switch (prop_id)
    {
      case PROP_ID:
        g_value_set_string (value, self->id);
        break;
      case PROP_UNIT_ID:
        g_value_set_string (value, self->unit_id);
        break;
      case PROP_MRN:
        g_value_set_string (value, self->mrn);
        break;
      case PROP_GIVEN_NAME:
        g_value_set_string (value, self->given_name);
        break;
      case PROP_FAMILY_NAME:
        g_value_set_string (value, self->family_name);
        break;
      case PROP_DATE_OF_BIRTH:
        g_value_set_boxed (value, el_date_or_null (&self->date_of_birth));
        break;
      case PROP_SEX:
        g_value_set_enum (value, self->sex);
        break;
      case PROP_ROOM:
        g_value_set_string (value, self->room);
        break;
      case PROP_BED:
        g_value_set_string (value, self->bed);
        break;
      case PROP_CODE_STATUS:
        g_value_set_enum (value, self->code_status);
        break;
      case PROP_ALLERGIES:
        g_value_set_boxed (value, self->allergies);
        break;
      case PROP_NO_KNOWN_ALLERGIES:
        g_value_set_boolean (value, self->no_known_allergies);
        break;
      case PROP_ISOLATION:
        g_value_set_enum (value, self->isolation);
        break;
      case PROP_ACUITY:
        g_value_set_int (value, self->acuity);
        break;
      case PROP_FALL_RISK:
        g_value_set_enum (value, self->fall_risk);
        break;
      case PROP_DIAGNOSIS:
        g_value_set_string (value, self->diagnosis);
        break;
      case PROP_ATTENDING:
        g_value_set_string (value, self->attending);
        break;
      case PROP_ADMITTED_AT:
        g_value_set_boxed (value, self->admitted_at);
        break;
      case PROP_HANDOFF_STATUS:
        g_value_set_enum (value, self->handoff_status);
        break;
      case PROP_UPDATED_AT:
        g_value_set_boxed (value, self->updated_at);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_patient_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElPatient *self = EL_PATIENT (object);

  switch (prop_id)
    {
      case PROP_ID:
        el_patient_set_id (self, g_value_get_string (value));
        break;
      case PROP_UNIT_ID:
        el_patient_set_unit_id (self, g_value_get_string (value));
        break;
      case PROP_MRN:
        el_patient_set_mrn (self, g_value_get_string (value));
        break;
      case PROP_GIVEN_NAME:
        el_patient_set_given_name (self, g_value_get_string (value));
        break;
      case PROP_FAMILY_NAME:
        el_patient_set_family_name (self, g_value_get_string (value));
        break;
      case PROP_DATE_OF_BIRTH:
        el_patient_set_date_of_birth (self, g_value_get_boxed (value));
        break;
      case PROP_SEX:
        el_patient_set_sex (self, g_value_get_enum (value));
        break;
      case PROP_ROOM:
        el_patient_set_room (self, g_value_get_string (value));
        break;
      case PROP_BED:
        el_patient_set_bed (self, g_value_get_string (value));
        break;
      case PROP_CODE_STATUS:
        el_patient_set_code_status (self, g_value_get_enum (value));
        break;
      case PROP_ALLERGIES:
        el_patient_set_allergies (self, g_value_get_boxed (value));
        break;
      case PROP_NO_KNOWN_ALLERGIES:
        el_patient_set_no_known_allergies (self, g_value_get_boolean (value));
        break;
      case PROP_ISOLATION:
        el_patient_set_isolation (self, g_value_get_enum (value));
        break;
      case PROP_ACUITY:
        el_patient_set_acuity (self, g_value_get_int (value));
        break;
      case PROP_FALL_RISK:
        el_patient_set_fall_risk (self, g_value_get_enum (value));
        break;
      case PROP_DIAGNOSIS:
        el_patient_set_diagnosis (self, g_value_get_string (value));
        break;
      case PROP_ATTENDING:
        el_patient_set_attending (self, g_value_get_string (value));
        break;
      case PROP_ADMITTED_AT:
        el_patient_set_admitted_at (self, g_value_get_boxed (value));
        break;
      case PROP_HANDOFF_STATUS:
        el_patient_set_handoff_status (self, g_value_get_enum (value));
        break;
      case PROP_UPDATED_AT:
        el_patient_set_updated_at (self, g_value_get_boxed (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_patient_class_init (ElPatientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = el_patient_finalize;
  object_class->get_property = el_patient_get_property;
  object_class->set_property = el_patient_set_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_UNIT_ID] = g_param_spec_string ("unit-id", NULL, NULL, NULL, flags);
  properties[PROP_MRN] = g_param_spec_string ("mrn", NULL, NULL, NULL, flags);
  properties[PROP_GIVEN_NAME] = g_param_spec_string ("given-name", NULL, NULL, NULL, flags);
  properties[PROP_FAMILY_NAME] = g_param_spec_string ("family-name", NULL, NULL, NULL, flags);
  properties[PROP_DATE_OF_BIRTH] = g_param_spec_boxed ("date-of-birth", NULL, NULL, G_TYPE_DATE, flags);
  properties[PROP_SEX] = g_param_spec_enum ("sex", NULL, NULL, EL_TYPE_SEX, EL_SEX_UNKNOWN, flags);
  properties[PROP_ROOM] = g_param_spec_string ("room", NULL, NULL, NULL, flags);
  properties[PROP_BED] = g_param_spec_string ("bed", NULL, NULL, NULL, flags);
  properties[PROP_CODE_STATUS] =
      g_param_spec_enum ("code-status", NULL, NULL, EL_TYPE_CODE_STATUS, EL_CODE_STATUS_FULL_CODE, flags);
  properties[PROP_ALLERGIES] = g_param_spec_boxed ("allergies", NULL, NULL, G_TYPE_STRV, flags);
  properties[PROP_NO_KNOWN_ALLERGIES] = g_param_spec_boolean ("no-known-allergies", NULL, NULL, FALSE, flags);
  properties[PROP_ISOLATION] =
      g_param_spec_enum ("isolation", NULL, NULL, EL_TYPE_ISOLATION, EL_ISOLATION_NONE, flags);
  properties[PROP_ACUITY] = g_param_spec_int ("acuity", NULL, NULL, 0, 5, 0, flags);
  properties[PROP_FALL_RISK] =
      g_param_spec_enum ("fall-risk", NULL, NULL, EL_TYPE_FALL_RISK, EL_FALL_RISK_LOW, flags);
  properties[PROP_DIAGNOSIS] = g_param_spec_string ("diagnosis", NULL, NULL, NULL, flags);
  properties[PROP_ATTENDING] = g_param_spec_string ("attending", NULL, NULL, NULL, flags);
  properties[PROP_ADMITTED_AT] = g_param_spec_boxed ("admitted-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_HANDOFF_STATUS] = g_param_spec_enum ("handoff-status", NULL, NULL, EL_TYPE_HANDOFF_STATUS,
                                                       EL_HANDOFF_STATUS_DRAFT, flags);
  properties[PROP_UPDATED_AT] = g_param_spec_boxed ("updated-at", NULL, NULL, G_TYPE_DATE_TIME, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
el_patient_init (ElPatient *self)
{
  g_date_clear (&self->date_of_birth, 1);
  self->sex = EL_SEX_UNKNOWN;
}

/**
 * el_patient_new:
 *
 * Returns: (transfer full): an empty patient (sex unknown); set at least id, unit_id, mrn,
 *   given_name, family_name, date_of_birth and room
 */
ElPatient *
el_patient_new (void)
{
  return g_object_new (EL_TYPE_PATIENT, NULL);
}

static gboolean
read_allergies (JsonObject *obj, GStrv *out, GError **error)
{
  ElJsonPath path = { NULL, "allergies", 0 };
  g_autoptr (GStrvBuilder) builder = NULL;
  JsonArray *array = NULL;
  guint n;

  if (!el_json_read_array (obj, NULL, "allergies", EL_JSON_OPTIONAL, EL_MODEL_MAX_ARRAY_ITEMS, &array, error))
    return FALSE;
  if (array == NULL)
    return TRUE;

  builder = g_strv_builder_new ();
  n = json_array_get_length (array);
  for (guint i = 0; i < n; i++)
    {
      ElJsonPath item_path = { &path, NULL, i };
      const char *str;

      if (!el_json_node_get_string (json_array_get_element (array, i), &item_path,
                                    EL_MODEL_MAX_SHORT_STRING_BYTES, &str, error))
        return FALSE;
      if (el_allergy_is_none_marker (str))
        {
          el_json_set_error (error, EL_MODEL_ERROR_OUT_OF_RANGE, &item_path,
                             "use no_known_allergies, not an item");
          return FALSE;
        }
      g_strv_builder_add (builder, str);
    }
  *out = g_strv_builder_end (builder);
  return TRUE;
}

/**
 * el_patient_new_from_json:
 * @node: a Patient object
 * @error: return location for an %EL_MODEL_ERROR
 *
 * Returns: (transfer full) (nullable): the patient, or %NULL with @error set
 */
ElPatient *
el_patient_new_from_json (JsonNode *node, GError **error)
{
  g_autoptr (ElPatient) self = NULL;
  JsonObject *obj;
  int sex, code_status = 0, isolation = 0, fall_risk = 0, handoff_status = 0;
  gboolean has_code_status, has_nkda, has_isolation, has_fall_risk, has_handoff_status;
  gboolean nkda = FALSE;
  gint64 acuity = 0;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!el_json_node_get_object (node, NULL, &obj, error))
    return NULL;

  self = el_patient_new ();
  if (!el_json_read_uuid (obj, NULL, "id", EL_JSON_REQUIRED, &self->id, error) ||
      !el_json_read_uuid (obj, NULL, "unit_id", EL_JSON_REQUIRED, &self->unit_id, error) ||
      !el_json_read_string (obj, NULL, "mrn", EL_JSON_REQUIRED, EL_MODEL_MAX_SHORT_STRING_BYTES, &self->mrn,
                            error) ||
      !el_json_read_string (obj, NULL, "given_name", EL_JSON_REQUIRED, EL_MODEL_MAX_SHORT_STRING_BYTES,
                            &self->given_name, error) ||
      !el_json_read_string (obj, NULL, "family_name", EL_JSON_REQUIRED, EL_MODEL_MAX_SHORT_STRING_BYTES,
                            &self->family_name, error) ||
      !el_json_read_date (obj, NULL, "date_of_birth", EL_JSON_REQUIRED, &self->date_of_birth, error) ||
      !el_json_read_enum (obj, NULL, "sex", EL_JSON_REQUIRED, EL_TYPE_SEX, &sex, NULL, error) ||
      !el_json_read_string (obj, NULL, "room", EL_JSON_REQUIRED, EL_MODEL_MAX_SHORT_STRING_BYTES, &self->room,
                            error) ||
      !el_json_read_string (obj, NULL, "bed", EL_JSON_OPTIONAL, EL_MODEL_MAX_SHORT_STRING_BYTES, &self->bed,
                            error) ||
      !el_json_read_enum (obj, NULL, "code_status", EL_JSON_OPTIONAL, EL_TYPE_CODE_STATUS, &code_status,
                          &has_code_status, error) ||
      !read_allergies (obj, &self->allergies, error) ||
      !el_json_read_boolean (obj, NULL, "no_known_allergies", EL_JSON_OPTIONAL, &nkda, &has_nkda, error) ||
      !el_json_read_enum (obj, NULL, "isolation", EL_JSON_OPTIONAL, EL_TYPE_ISOLATION, &isolation,
                          &has_isolation, error) ||
      !el_json_read_int (obj, NULL, "acuity", EL_JSON_OPTIONAL, 1, 5, &acuity, NULL, error) ||
      !el_json_read_enum (obj, NULL, "fall_risk", EL_JSON_OPTIONAL, EL_TYPE_FALL_RISK, &fall_risk,
                          &has_fall_risk, error) ||
      !el_json_read_string (obj, NULL, "diagnosis", EL_JSON_OPTIONAL, EL_MODEL_MAX_TEXT_BYTES,
                            &self->diagnosis, error) ||
      !el_json_read_string (obj, NULL, "attending", EL_JSON_OPTIONAL, EL_MODEL_MAX_SHORT_STRING_BYTES,
                            &self->attending, error) ||
      !el_json_read_timestamp (obj, NULL, "admitted_at", EL_JSON_OPTIONAL, &self->admitted_at, error) ||
      !el_json_read_enum (obj, NULL, "handoff_status", EL_JSON_OPTIONAL, EL_TYPE_HANDOFF_STATUS,
                          &handoff_status, &has_handoff_status, error) ||
      !el_json_read_timestamp (obj, NULL, "updated_at", EL_JSON_OPTIONAL, &self->updated_at, error))
    return NULL;

  self->sex = (ElSex) sex;
  self->code_status = (ElCodeStatus) code_status;
  self->has_code_status = has_code_status;
  self->no_known_allergies = nkda;
  self->has_no_known_allergies = has_nkda;
  self->isolation = (ElIsolation) isolation;
  self->has_isolation = has_isolation;
  self->acuity = (int) acuity;
  self->fall_risk = (ElFallRisk) fall_risk;
  self->has_fall_risk = has_fall_risk;
  self->handoff_status = (ElHandoffStatus) handoff_status;
  self->has_handoff_status = has_handoff_status;

  if (nkda && self->allergies != NULL && self->allergies[0] != NULL)
    {
      ElJsonPath path = { NULL, "allergies", 0 };

      el_json_set_error (error, EL_MODEL_ERROR_OUT_OF_RANGE, &path,
                         "must be empty when no_known_allergies is true");
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * el_patient_new_from_data:
 * @data: JSON text
 * @len: length of @data in bytes, or -1 if it is NUL-terminated
 * @error: return location for an %EL_MODEL_ERROR
 *
 * Returns: (transfer full) (nullable): the patient, or %NULL with @error set
 */
ElPatient *
el_patient_new_from_data (const char *data, gssize len, GError **error)
{
  g_autoptr (JsonNode) root = el_json_parse_document (data, len, error);

  if (root == NULL)
    return NULL;
  return el_patient_new_from_json (root, error);
}

/**
 * el_patient_to_json:
 * @self: a patient
 *
 * Returns: (transfer full): the Patient object; unset optional members are omitted
 */
JsonNode *
el_patient_to_json (ElPatient *self)
{
  JsonObject *obj;
  JsonNode *node;

  g_return_val_if_fail (EL_IS_PATIENT (self), NULL);

  obj = json_object_new ();
  el_json_put_string (obj, "id", self->id);
  el_json_put_string (obj, "unit_id", self->unit_id);
  el_json_put_string (obj, "mrn", self->mrn);
  el_json_put_string (obj, "given_name", self->given_name);
  el_json_put_string (obj, "family_name", self->family_name);
  el_json_put_date (obj, "date_of_birth", &self->date_of_birth);
  el_json_put_enum (obj, "sex", EL_TYPE_SEX, (int) self->sex);
  el_json_put_string (obj, "room", self->room);
  el_json_put_string (obj, "bed", self->bed);
  if (self->has_code_status)
    el_json_put_enum (obj, "code_status", EL_TYPE_CODE_STATUS, (int) self->code_status);
  if (self->allergies != NULL)
    {
      JsonArray *array = json_array_new ();

      for (guint i = 0; self->allergies[i] != NULL; i++)
        json_array_add_string_element (array, self->allergies[i]);
      json_object_set_array_member (obj, "allergies", array);
    }
  if (self->has_no_known_allergies)
    json_object_set_boolean_member (obj, "no_known_allergies", self->no_known_allergies);
  if (self->has_isolation)
    el_json_put_enum (obj, "isolation", EL_TYPE_ISOLATION, (int) self->isolation);
  if (self->acuity > 0)
    json_object_set_int_member (obj, "acuity", self->acuity);
  if (self->has_fall_risk)
    el_json_put_enum (obj, "fall_risk", EL_TYPE_FALL_RISK, (int) self->fall_risk);
  el_json_put_string (obj, "diagnosis", self->diagnosis);
  el_json_put_string (obj, "attending", self->attending);
  el_json_put_timestamp (obj, "admitted_at", self->admitted_at);
  if (self->has_handoff_status)
    el_json_put_enum (obj, "handoff_status", EL_TYPE_HANDOFF_STATUS, (int) self->handoff_status);
  el_json_put_timestamp (obj, "updated_at", self->updated_at);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, obj);
  return node;
}

/**
 * el_patient_to_data:
 * @self: a patient
 * @len: (out) (optional): length of the text
 *
 * Returns: (transfer full): compact JSON text
 */
char *
el_patient_to_data (ElPatient *self, gsize *len)
{
  g_autoptr (JsonNode) node = NULL;

  g_return_val_if_fail (EL_IS_PATIENT (self), NULL);

  node = el_patient_to_json (self);
  return el_json_generate (node, len);
}

/**
 * el_patient_validate:
 * @self: a patient
 * @error: return location for an %EL_MODEL_ERROR
 *
 * Returns: %TRUE if el_patient_to_json() would be accepted by el_patient_new_from_json()
 */
gboolean
el_patient_validate (ElPatient *self, GError **error)
{
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (ElPatient) copy = NULL;

  g_return_val_if_fail (EL_IS_PATIENT (self), FALSE);

  node = el_patient_to_json (self);
  copy = el_patient_new_from_json (node, error);
  return copy != NULL;
}

/**
 * el_patient_get_age:
 * @self: a patient
 * @at: the moment to compute the age at; its calendar date in its own time zone counts
 *
 * A patient born on 29 February turns a year older on 1 March in common years.
 *
 * Returns: the age in whole years, or -1 if the date of birth is unset or after @at
 */
int
el_patient_get_age (ElPatient *self, GDateTime *at)
{
  int year, month, day, age;

  g_return_val_if_fail (EL_IS_PATIENT (self), -1);
  g_return_val_if_fail (at != NULL, -1);

  if (!g_date_valid (&self->date_of_birth))
    return -1;

  g_date_time_get_ymd (at, &year, &month, &day);
  age = year - (int) g_date_get_year (&self->date_of_birth);
  if (month < (int) g_date_get_month (&self->date_of_birth) ||
      (month == (int) g_date_get_month (&self->date_of_birth) &&
       day < (int) g_date_get_day (&self->date_of_birth)))
    age--;
  return age >= 0 ? age : -1;
}

/* Strings */

const char *
el_patient_get_id (ElPatient *self)
{
  g_return_val_if_fail (EL_IS_PATIENT (self), NULL);
  return self->id;
}

void
el_patient_set_id (ElPatient *self, const char *id)
{
  g_return_if_fail (EL_IS_PATIENT (self));
  g_return_if_fail (id == NULL || el_uuid_is_valid (id));

  if (el_set_string (&self->id, id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

const char *
el_patient_get_unit_id (ElPatient *self)
{
  g_return_val_if_fail (EL_IS_PATIENT (self), NULL);
  return self->unit_id;
}

void
el_patient_set_unit_id (ElPatient *self, const char *unit_id)
{
  g_return_if_fail (EL_IS_PATIENT (self));
  g_return_if_fail (unit_id == NULL || el_uuid_is_valid (unit_id));

  if (el_set_string (&self->unit_id, unit_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNIT_ID]);
}

const char *
el_patient_get_mrn (ElPatient *self)
{
  g_return_val_if_fail (EL_IS_PATIENT (self), NULL);
  return self->mrn;
}

void
el_patient_set_mrn (ElPatient *self, const char *mrn)
{
  g_return_if_fail (EL_IS_PATIENT (self));

  if (el_set_string (&self->mrn, mrn))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MRN]);
}

const char *
el_patient_get_given_name (ElPatient *self)
{
  g_return_val_if_fail (EL_IS_PATIENT (self), NULL);
  return self->given_name;
}

void
el_patient_set_given_name (ElPatient *self, const char *given_name)
{
  g_return_if_fail (EL_IS_PATIENT (self));

  if (el_set_string (&self->given_name, given_name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GIVEN_NAME]);
}

const char *
el_patient_get_family_name (ElPatient *self)
{
  g_return_val_if_fail (EL_IS_PATIENT (self), NULL);
  return self->family_name;
}

void
el_patient_set_family_name (ElPatient *self, const char *family_name)
{
  g_return_if_fail (EL_IS_PATIENT (self));

  if (el_set_string (&self->family_name, family_name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAMILY_NAME]);
}

/**
 * el_patient_get_date_of_birth:
 * @self: a patient
 *
 * Returns: (transfer none) (nullable): the date of birth, or %NULL if unset
 */
const GDate *
el_patient_get_date_of_birth (ElPatient *self)
{
  g_return_val_if_fail (EL_IS_PATIENT (self), NULL);
  return el_date_or_null (&self->date_of_birth);
}

/**
 * el_patient_set_date_of_birth:
 * @self: a patient
 * @date_of_birth: (nullable): a valid date, or %NULL to unset
 */
void
el_patient_set_date_of_birth (ElPatient *self, const GDate *date_of_birth)
{
  g_return_if_fail (EL_IS_PATIENT (self));

  if (el_set_date (&self->date_of_birth, date_of_birth))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATE_OF_BIRTH]);
}

ElSex
el_patient_get_sex (ElPatient *self)
{
  g_return_val_if_fail (EL_IS_PATIENT (self), EL_SEX_UNKNOWN);
  return self->sex;
}

void
el_patient_set_sex (ElPatient *self, ElSex sex)
{
  g_return_if_fail (EL_IS_PATIENT (self));
  g_return_if_fail (el_sex_to_string (sex) != NULL);

  if (self->sex == sex)
    return;
  self->sex = sex;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEX]);
}

const char *
el_patient_get_room (ElPatient *self)
{
  g_return_val_if_fail (EL_IS_PATIENT (self), NULL);
  return self->room;
}

void
el_patient_set_room (ElPatient *self, const char *room)
{
  g_return_if_fail (EL_IS_PATIENT (self));

  if (el_set_string (&self->room, room))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROOM]);
}

const char *
el_patient_get_bed (ElPatient *self)
{
  g_return_val_if_fail (EL_IS_PATIENT (self), NULL);
  return self->bed;
}

void
el_patient_set_bed (ElPatient *self, const char *bed)
{
  g_return_if_fail (EL_IS_PATIENT (self));

  if (el_set_string (&self->bed, bed))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BED]);
}

/* Code status (optional) */

gboolean
el_patient_has_code_status (ElPatient *self)
{
  g_return_val_if_fail (EL_IS_PATIENT (self), FALSE);
  return self->has_code_status;
}

/**
 * el_patient_get_code_status:
 * @self: a patient
 *
 * Returns: the code status; %EL_CODE_STATUS_FULL_CODE when unset (see
 *   el_patient_has_code_status())
 */
ElCodeStatus
el_patient_get_code_status (ElPatient *self)
{
  g_return_val_if_fail (EL_IS_PATIENT (self), EL_CODE_STATUS_FULL_CODE);
  return self->code_status;
}

void
el_patient_set_code_status (ElPatient *self, ElCodeStatus code_status)
{
  g_return_if_fail (EL_IS_PATIENT (self));
  g_return_if_fail (el_code_status_to_string (code_status) != NULL);

  if (self->has_code_status && self->code_status == code_status)
    return;
  self->code_status = code_status;
  self->has_code_status = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CODE_STATUS]);
}

void
el_patient_unset_code_status (ElPatient *self)
{
  g_return_if_fail (EL_IS_PATIENT (self));

  if (!self->has_code_status)
    return;
  self->has_code_status = FALSE;
  if (self->code_status != EL_CODE_STATUS_FULL_CODE)
    {
      self->code_status = EL_CODE_STATUS_FULL_CODE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CODE_STATUS]);
    }
}

/* Allergies */

/**
 * el_patient_get_allergies:
 * @self: a patient
 *
 * Returns: (transfer none) (nullable) (array zero-terminated=1): the allergy substances, %NULL
 *   when unknown
 */
const char *const *
el_patient_get_allergies (ElPatient *self)
{
  g_return_val_if_fail (EL_IS_PATIENT (self), NULL);
  return (const char *const *) self->allergies;
}

/**
 * el_patient_set_allergies:
 * @self: a patient
 * @allergies: (nullable) (array zero-terminated=1): substances; %NULL when unknown, an empty
 *   vector for an empty list (prefer el_patient_set_no_known_allergies() for "none")
 */
void
el_patient_set_allergies (ElPatient *self, const char *const *allergies)
{
  g_return_if_fail (EL_IS_PATIENT (self));

  if (self->allergies == NULL && allergies == NULL)
    return;
  if (self->allergies != NULL && allergies != NULL &&
      g_strv_equal ((const char *const *) self->allergies, allergies))
    return;
  g_strfreev (self->allergies);
  self->allergies = g_strdupv ((char **) allergies);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLERGIES]);
}

gboolean
el_patient_has_no_known_allergies (ElPatient *self)
{
  g_return_val_if_fail (EL_IS_PATIENT (self), FALSE);
  return self->has_no_known_allergies;
}

gboolean
el_patient_get_no_known_allergies (ElPatient *self)
{
  g_return_val_if_fail (EL_IS_PATIENT (self), FALSE);
  return self->no_known_allergies;
}

void
el_patient_set_no_known_allergies (ElPatient *self, gboolean no_known_allergies)
{
  g_return_if_fail (EL_IS_PATIENT (self));

  no_known_allergies = !!no_known_allergies;
  if (self->has_no_known_allergies && self->no_known_allergies == no_known_allergies)
    return;
  self->no_known_allergies = no_known_allergies;
  self->has_no_known_allergies = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NO_KNOWN_ALLERGIES]);
}

void
el_patient_unset_no_known_allergies (ElPatient *self)
{
  g_return_if_fail (EL_IS_PATIENT (self));

  if (!self->has_no_known_allergies)
    return;
  self->has_no_known_allergies = FALSE;
  if (self->no_known_allergies)
    {
      self->no_known_allergies = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NO_KNOWN_ALLERGIES]);
    }
}

/* Isolation (optional) */

gboolean
el_patient_has_isolation (ElPatient *self)
{
  g_return_val_if_fail (EL_IS_PATIENT (self), FALSE);
  return self->has_isolation;
}

/**
 * el_patient_get_isolation:
 * @self: a patient
 *
 * Returns: the isolation precautions; %EL_ISOLATION_NONE when unset (see
 *   el_patient_has_isolation())
 */
ElIsolation
el_patient_get_isolation (ElPatient *self)
{
  g_return_val_if_fail (EL_IS_PATIENT (self), EL_ISOLATION_NONE);
  return self->isolation;
}

void
el_patient_set_isolation (ElPatient *self, ElIsolation isolation)
{
  g_return_if_fail (EL_IS_PATIENT (self));
  g_return_if_fail (el_isolation_to_string (isolation) != NULL);

  if (self->has_isolation && self->isolation == isolation)
    return;
  self->isolation = isolation;
  self->has_isolation = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ISOLATION]);
}

void
el_patient_unset_isolation (ElPatient *self)
{
  g_return_if_fail (EL_IS_PATIENT (self));

  if (!self->has_isolation)
    return;
  self->has_isolation = FALSE;
  if (self->isolation != EL_ISOLATION_NONE)
    {
      self->isolation = EL_ISOLATION_NONE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ISOLATION]);
    }
}

/**
 * el_patient_get_acuity:
 * @self: a patient
 *
 * Returns: the acuity 1..5, or 0 if unset
 */
int
el_patient_get_acuity (ElPatient *self)
{
  g_return_val_if_fail (EL_IS_PATIENT (self), 0);
  return self->acuity;
}

/**
 * el_patient_set_acuity:
 * @self: a patient
 * @acuity: 1..5, or 0 to unset
 */
void
el_patient_set_acuity (ElPatient *self, int acuity)
{
  g_return_if_fail (EL_IS_PATIENT (self));
  g_return_if_fail (acuity >= 0 && acuity <= 5);

  if (self->acuity == acuity)
    return;
  self->acuity = acuity;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACUITY]);
}

/* Fall risk (optional) */

gboolean
el_patient_has_fall_risk (ElPatient *self)
{
  g_return_val_if_fail (EL_IS_PATIENT (self), FALSE);
  return self->has_fall_risk;
}

/**
 * el_patient_get_fall_risk:
 * @self: a patient
 *
 * Returns: the fall risk; %EL_FALL_RISK_LOW when unset (see el_patient_has_fall_risk())
 */
ElFallRisk
el_patient_get_fall_risk (ElPatient *self)
{
  g_return_val_if_fail (EL_IS_PATIENT (self), EL_FALL_RISK_LOW);
  return self->fall_risk;
}

void
el_patient_set_fall_risk (ElPatient *self, ElFallRisk fall_risk)
{
  g_return_if_fail (EL_IS_PATIENT (self));
  g_return_if_fail (el_fall_risk_to_string (fall_risk) != NULL);

  if (self->has_fall_risk && self->fall_risk == fall_risk)
    return;
  self->fall_risk = fall_risk;
  self->has_fall_risk = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FALL_RISK]);
}

void
el_patient_unset_fall_risk (ElPatient *self)
{
  g_return_if_fail (EL_IS_PATIENT (self));

  if (!self->has_fall_risk)
    return;
  self->has_fall_risk = FALSE;
  if (self->fall_risk != EL_FALL_RISK_LOW)
    {
      self->fall_risk = EL_FALL_RISK_LOW;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FALL_RISK]);
    }
}

const char *
el_patient_get_diagnosis (ElPatient *self)
{
  g_return_val_if_fail (EL_IS_PATIENT (self), NULL);
  return self->diagnosis;
}

void
el_patient_set_diagnosis (ElPatient *self, const char *diagnosis)
{
  g_return_if_fail (EL_IS_PATIENT (self));

  if (el_set_string (&self->diagnosis, diagnosis))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIAGNOSIS]);
}

const char *
el_patient_get_attending (ElPatient *self)
{
  g_return_val_if_fail (EL_IS_PATIENT (self), NULL);
  return self->attending;
}

void
el_patient_set_attending (ElPatient *self, const char *attending)
{
  g_return_if_fail (EL_IS_PATIENT (self));

  if (el_set_string (&self->attending, attending))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTENDING]);
}

/**
 * el_patient_get_admitted_at:
 * @self: a patient
 *
 * Returns: (transfer none) (nullable): when the patient was admitted (UTC)
 */
GDateTime *
el_patient_get_admitted_at (ElPatient *self)
{
  g_return_val_if_fail (EL_IS_PATIENT (self), NULL);
  return self->admitted_at;
}

void
el_patient_set_admitted_at (ElPatient *self, GDateTime *admitted_at)
{
  g_return_if_fail (EL_IS_PATIENT (self));

  if (el_set_timestamp (&self->admitted_at, admitted_at))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ADMITTED_AT]);
}

/* Handoff status (optional) */

gboolean
el_patient_has_handoff_status (ElPatient *self)
{
  g_return_val_if_fail (EL_IS_PATIENT (self), FALSE);
  return self->has_handoff_status;
}

/**
 * el_patient_get_handoff_status:
 * @self: a patient
 *
 * Returns: the status of this shift's handoff; %EL_HANDOFF_STATUS_DRAFT when unset (see
 *   el_patient_has_handoff_status())
 */
ElHandoffStatus
el_patient_get_handoff_status (ElPatient *self)
{
  g_return_val_if_fail (EL_IS_PATIENT (self), EL_HANDOFF_STATUS_DRAFT);
  return self->handoff_status;
}

void
el_patient_set_handoff_status (ElPatient *self, ElHandoffStatus handoff_status)
{
  g_return_if_fail (EL_IS_PATIENT (self));
  g_return_if_fail (el_handoff_status_to_string (handoff_status) != NULL);

  if (self->has_handoff_status && self->handoff_status == handoff_status)
    return;
  self->handoff_status = handoff_status;
  self->has_handoff_status = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HANDOFF_STATUS]);
}

void
el_patient_unset_handoff_status (ElPatient *self)
{
  g_return_if_fail (EL_IS_PATIENT (self));

  if (!self->has_handoff_status)
    return;
  self->has_handoff_status = FALSE;
  if (self->handoff_status != EL_HANDOFF_STATUS_DRAFT)
    {
      self->handoff_status = EL_HANDOFF_STATUS_DRAFT;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HANDOFF_STATUS]);
    }
}

/**
 * el_patient_get_updated_at:
 * @self: a patient
 *
 * Returns: (transfer none) (nullable): when the census row last changed (UTC)
 */
GDateTime *
el_patient_get_updated_at (ElPatient *self)
{
  g_return_val_if_fail (EL_IS_PATIENT (self), NULL);
  return self->updated_at;
}

void
el_patient_set_updated_at (ElPatient *self, GDateTime *updated_at)
{
  g_return_if_fail (EL_IS_PATIENT (self));

  if (el_set_timestamp (&self->updated_at, updated_at))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATED_AT]);
}
