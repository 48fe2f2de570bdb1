/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "el-completeness.h"

/*
 * The completeness score of an SBAR version, computed on its JSON form (an object shaped like the
 * spec's SbarVersion), so the server and the app score exactly the same document.
 *
 * Rules (spec, "Completeness"):
 * - a section counts when its text has a character that is neither white space nor an invisible
 *   format character (U+200B ZERO WIDTH SPACE, U+FEFF, ...);
 * - a list field counts when it is present as an array, even [];
 * - a value field counts when it is an object whose "value" is a non-blank string;
 * - patient_identifiers needs a non-blank "name" and a non-blank "mrn" or "date_of_birth";
 * - allergies counts when "no_known_allergies" is true, or "items" holds at least one object with a
 *   non-blank "substance";
 * - vitals counts when temperature_c, heart_rate, blood_pressure, respiratory_rate and spo2 all
 *   carry their numbers; when vitals is an object that lacks some, `missing` lists "vitals" followed
 *   by "vitals.<member>" for each absent one.
 * Anything of the wrong JSON type (null, a string where an object belongs, a string "88" where a
 * number belongs, invalid UTF-8) counts as missing.
 *
 * The score is computed in integers (weights in halves) so that it rounds the same everywhere:
 * score = round_half_up (1000 * present / total) / 10.
 */

typedef enum
{
  RULE_SECTION,
  RULE_VALUE,
  RULE_LIST,
  RULE_IDENTIFIERS,
  RULE_ALLERGIES,
  RULE_VITALS,
} Rule;

static const ElCompletenessItem completeness_items[] = {
  { "situation", 1.0, FALSE, TRUE },
  { "background", 1.0, FALSE, TRUE },
  { "assessment", 1.0, FALSE, TRUE },
  { "recommendation", 1.0, FALSE, TRUE },
  { "patient_identifiers", 1.5, TRUE, FALSE },
  { "room_bed", 1.0, FALSE, FALSE },
  { "code_status", 1.5, TRUE, FALSE },
  { "allergies", 1.5, TRUE, FALSE },
  { "isolation", 1.5, TRUE, FALSE },
  { "fall_risk", 1.0, FALSE, FALSE },
  { "illness_severity", 1.0, FALSE, FALSE },
  { "diagnosis", 1.0, FALSE, FALSE },
  { "history", 1.0, FALSE, FALSE },
  { "vitals", 1.5, TRUE, FALSE },
  { "lines_drains_airways", 1.0, FALSE, FALSE },
  { "infusions", 1.0, FALSE, FALSE },
  { "diet", 1.0, FALSE, FALSE },
  { "mobility", 1.0, FALSE, FALSE },
  { "meds_due", 1.0, FALSE, FALSE },
  { "pending", 1.0, FALSE, FALSE },
  { "todos", 1.0, FALSE, FALSE },
  { "contingencies", 1.5, TRUE, FALSE },
  { "family_discharge", 1.0, FALSE, FALSE },
};

/* The array-valued fields (spec, "SbarFields"): present, even empty, is known. */
static const char *const list_fields[] = {
  "lines_drains_airways", "infusions", "meds_due", "pending", "todos", "contingencies", NULL,
};

/* In the order of the spec's "Completeness" paragraph (T, HR, BP, RR, SpO2). */
static const char *const vital_signs[] = {
  "temperature_c", "heart_rate", "blood_pressure", "respiratory_rate", "spo2", NULL,
};

G_DEFINE_BOXED_TYPE (ElCompleteness, el_completeness, el_completeness_copy, el_completeness_free)

/**
 * el_completeness_items:
 * @n_items: (out) (optional): the number of items
 *
 * The scored items in the spec's order, which is also the order of `missing`.
 *
 * Returns: (transfer none) (array length=n_items): a static table
 */
const ElCompletenessItem *
el_completeness_items (guint *n_items)
{
  if (n_items != NULL)
    *n_items = G_N_ELEMENTS (completeness_items);
  return completeness_items;
}

/**
 * el_completeness_vital_signs:
 *
 * The members of `vitals` that a complete set needs, in the order partial vitals list them.
 *
 * Returns: (transfer none): a static %NULL-terminated array
 */
const char *const *
el_completeness_vital_signs (void)
{
  return vital_signs;
}

static Rule
rule_of (const ElCompletenessItem *item)
{
  if (item->is_section)
    return RULE_SECTION;
  if (g_str_equal (item->name, "patient_identifiers"))
    return RULE_IDENTIFIERS;
  if (g_str_equal (item->name, "allergies"))
    return RULE_ALLERGIES;
  if (g_str_equal (item->name, "vitals"))
    return RULE_VITALS;
  if (g_strv_contains (list_fields, item->name))
    return RULE_LIST;
  return RULE_VALUE;
}

static guint
weight_in_halves (const ElCompletenessItem *item)
{
  return (guint) (item->weight * 2.0 + 0.5);
}

static gboolean
is_blank_char (gunichar c)
{
  return g_unichar_isspace (c) || g_unichar_type (c) == G_UNICODE_FORMAT;
}

/* %TRUE for a valid UTF-8 string with at least one visible character. */
static gboolean
string_has_text (const char *s)
{
  if (s == NULL || !g_utf8_validate (s, -1, NULL))
    return FALSE;
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p))
    if (!is_blank_char (g_utf8_get_char (p)))
      return TRUE;
  return FALSE;
}

static JsonNode *
get_member_of_type (JsonObject *object, const char *name, JsonNodeType type)
{
  JsonNode *node;

  if (object == NULL)
    return NULL;
  node = json_object_get_member (object, name);
  if (node == NULL || JSON_NODE_TYPE (node) != type)
    return NULL;
  return node;
}

static JsonObject *
get_object (JsonObject *object, const char *name)
{
  JsonNode *node = get_member_of_type (object, name, JSON_NODE_OBJECT);
  return node != NULL ? json_node_get_object (node) : NULL;
}

static JsonArray *
get_array (JsonObject *object, const char *name)
{
  JsonNode *node = get_member_of_type (object, name, JSON_NODE_ARRAY);
  return node != NULL ? json_node_get_array (node) : NULL;
}

static gboolean
member_has_text (JsonObject *object, const char *name)
{
  JsonNode *node = get_member_of_type (object, name, JSON_NODE_VALUE);
  return node != NULL && json_node_get_value_type (node) == G_TYPE_STRING &&
         string_has_text (json_node_get_string (node));
}

static gboolean
member_is_number (JsonObject *object, const char *name)
{
  JsonNode *node = get_member_of_type (object, name, JSON_NODE_VALUE);
  GType type;

  if (node == NULL)
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

static gboolean
member_is_true (JsonObject *object, const char *name)
{
  JsonNode *node = get_member_of_type (object, name, JSON_NODE_VALUE);
  return node != NULL && json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

static gboolean
vital_sign_present (JsonObject *vitals, const char *name)
{
  JsonObject *sign = get_object (vitals, name);

  if (sign == NULL)
    return FALSE;
  if (g_str_equal (name, "blood_pressure"))
    return member_is_number (sign, "systolic") && member_is_number (sign, "diastolic");
  return member_is_number (sign, "value");
}

static gboolean
allergies_present (JsonObject *allergies)
{
  JsonArray *items;

  if (allergies == NULL)
    return FALSE;
  if (member_is_true (allergies, "no_known_allergies"))
    return TRUE;
  items = get_array (allergies, "items");
  if (items == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *item = json_array_get_element (items, i);
      if (JSON_NODE_HOLDS_OBJECT (item) && member_has_text (json_node_get_object (item), "substance"))
        return TRUE;
    }
  return FALSE;
}

static gboolean
identifiers_present (JsonObject *ids)
{
  return ids != NULL && member_has_text (ids, "name") &&
         (member_has_text (ids, "mrn") || member_has_text (ids, "date_of_birth"));
}

static GStrv
steal_strv (GPtrArray *array)
{
  GStrv strv;

  g_ptr_array_add (array, NULL);
  strv = (GStrv) g_ptr_array_free (array, FALSE);
  return strv;
}

/**
 * el_completeness_compute:
 * @version: an SBAR version in its JSON form (the spec's SbarVersion, or SbarVersionCreate)
 *
 * Scores @version. Only the four sections and `fields` are read; members of the wrong type count
 * as missing, so any object can be passed.
 *
 * Returns: (transfer full): the completeness
 */
ElCompleteness *
el_completeness_compute (JsonObject *version)
{
  g_autoptr (GPtrArray) missing = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) missing_critical = g_ptr_array_new_with_free_func (g_free);
  ElCompleteness *self;
  JsonObject *fields;
  guint total = 0;
  guint present = 0;

  g_return_val_if_fail (version != NULL, NULL);

  fields = get_object (version, "fields");

  for (guint i = 0; i < G_N_ELEMENTS (completeness_items); i++)
    {
      const ElCompletenessItem *item = &completeness_items[i];
      JsonObject *vitals = NULL;
      gboolean ok = FALSE;

      switch (rule_of (item))
        {
          case RULE_SECTION:
            ok = member_has_text (version, item->name);
            break;
          case RULE_VALUE:
            ok = member_has_text (get_object (fields, item->name), "value");
            break;
          case RULE_LIST:
            ok = get_array (fields, item->name) != NULL;
            break;
          case RULE_IDENTIFIERS:
            ok = identifiers_present (get_object (fields, item->name));
            break;
          case RULE_ALLERGIES:
            ok = allergies_present (get_object (fields, item->name));
            break;
          case RULE_VITALS:
            vitals = get_object (fields, item->name);
            ok = vitals != NULL;
            for (guint v = 0; vital_signs[v] != NULL; v++)
              ok = ok && vital_sign_present (vitals, vital_signs[v]);
            break;
          default:
            g_assert_not_reached ();
        }

      total += weight_in_halves (item);
      if (ok)
        {
          present += weight_in_halves (item);
          continue;
        }

      g_ptr_array_add (missing, g_strdup (item->name));
      if (item->critical)
        g_ptr_array_add (missing_critical, g_strdup (item->name));
      if (vitals != NULL)
        {
          for (guint v = 0; vital_signs[v] != NULL; v++)
            if (!vital_sign_present (vitals, vital_signs[v]))
              g_ptr_array_add (missing, g_strconcat (item->name, ".", vital_signs[v], NULL));
        }
    }

  self = g_new0 (ElCompleteness, 1);
  self->score = ((present * 1000u + total / 2u) / total) / 10.0;
  self->complete = missing_critical->len == 0;
  self->missing = steal_strv (g_steal_pointer (&missing));
  self->missing_critical = steal_strv (g_steal_pointer (&missing_critical));
  return self;
}

ElCompleteness *
el_completeness_copy (const ElCompleteness *self)
{
  ElCompleteness *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (ElCompleteness, 1);
  copy->score = self->score;
  copy->complete = self->complete;
  copy->missing = g_strdupv (self->missing);
  copy->missing_critical = g_strdupv (self->missing_critical);
  return copy;
}

void
el_completeness_free (ElCompleteness *self)
{
  if (self == NULL)
    return;
  g_strfreev (self->missing);
  g_strfreev (self->missing_critical);
  g_free (self);
}

static JsonArray *
strv_to_array (const char *const *strv)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_array_add_string_element (array, strv[i]);
  return array;
}

/**
 * el_completeness_to_json:
 * @self: a completeness
 *
 * Returns: (transfer full): the spec's `Completeness` object:
 *   `{ "score", "complete", "missing", "missing_critical" }`
 */
JsonNode *
el_completeness_to_json (const ElCompleteness *self)
{
  JsonObject *object;
  JsonNode *node;

  g_return_val_if_fail (self != NULL, NULL);

  object = json_object_new ();
  json_object_set_double_member (object, "score", self->score);
  json_object_set_boolean_member (object, "complete", self->complete);
  json_object_set_array_member (object, "missing", strv_to_array ((const char *const *) self->missing));
  json_object_set_array_member (object, "missing_critical",
                                strv_to_array ((const char *const *) self->missing_critical));
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);
  return node;
}
