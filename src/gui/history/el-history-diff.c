/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "el-diff.h"
#include "el-gui-labels.h"
#include "el-history-private.h"

#define TAG_INSERT "el-diff-insert"
#define TAG_DELETE "el-diff-delete"

typedef struct
{
  const char *name;
  const char *label;
} MemberLabel;

/* Members inside a field (the field itself is named by el_gui_completeness_item_label()). */
static const MemberLabel member_labels[] = {
  { "name", N_ ("name") },
  { "mrn", N_ ("MRN") },
  { "date_of_birth", N_ ("date of birth") },
  { "no_known_allergies", N_ ("no known allergies") },
  { "items", N_ ("items") },
  { "substance", N_ ("substance") },
  { "reaction", N_ ("reaction") },
  { "detail", N_ ("detail") },
  { "taken_at", N_ ("time taken") },
  { "systolic", N_ ("systolic") },
  { "diastolic", N_ ("diastolic") },
  { "o2_device", N_ ("oxygen device") },
  { "o2_flow_l_min", N_ ("oxygen flow") },
  { "dose", N_ ("dose") },
  { "route", N_ ("route") },
  { "time", N_ ("time") },
  { "due", N_ ("due") },
  { "description", N_ ("description") },
  { "kind", N_ ("kind") },
  { "if", N_ ("if") },
  { "then", N_ ("then") },
  { "rate", N_ ("rate") },
  { "site", N_ ("site") },
  { "type", N_ ("type") },
  { "text", N_ ("text") },
};

static const char *
member_label (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (member_labels); i++)
    if (g_str_equal (member_labels[i].name, name))
      return _ (member_labels[i].label);
  return NULL;
}

/* The completeness label of @name, or NULL when it has none. */
static const char *
item_label (const char *name)
{
  const char *label = el_gui_completeness_item_label (name);

  if (label == NULL || g_strcmp0 (label, name) == 0)
    return NULL;
  return label;
}

/* Splits "meds_due[1].dose" into "meds_due", "[1]", "dose". */
static GPtrArray *
split_path (const char *path)
{
  GPtrArray *parts = g_ptr_array_new_with_free_func (g_free);
  const char *p = path;

  while (*p != '\0')
    {
      const char *start = p;

      if (*p == '.')
        {
          p++;
          continue;
        }
      if (*p == '[')
        {
          while (*p != '\0' && *p != ']')
            p++;
          if (*p == ']')
            p++;
        }
      else
        {
          while (*p != '\0' && *p != '.' && *p != '[')
            p++;
        }
      g_ptr_array_add (parts, g_strndup (start, p - start));
    }
  return parts;
}

char *
el_history_field_path_label (const char *path)
{
  g_autoptr (GPtrArray) parts = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  guint i = 0;

  g_return_val_if_fail (path != NULL, NULL);

  parts = split_path (path);
  if (parts->len == 0)
    return g_strdup (path);
  /* "…value" is the field's value itself. */
  if (parts->len > 1 && g_str_equal (parts->pdata[parts->len - 1], "value"))
    g_ptr_array_remove_index (parts, parts->len - 1);

  if (parts->len > 1)
    {
      g_autofree char *two = g_strconcat (parts->pdata[0], ".", parts->pdata[1], NULL);
      const char *label = item_label (two);

      if (label != NULL)
        {
          g_string_append (out, label);
          i = 2;
        }
    }
  if (i == 0)
    {
      const char *label = item_label (parts->pdata[0]);

      g_string_append (out, label != NULL ? label : (const char *) parts->pdata[0]);
      i = 1;
    }

  for (; i < parts->len; i++)
    {
      const char *part = parts->pdata[i];

      if (part[0] == '[')
        {
          guint index = (guint) MIN (g_ascii_strtoull (part + 1, NULL, 10), G_MAXUINT - 1);

          /* Translators: the position of an item in a list field, e.g. "Medications due 2". */
          g_string_append_printf (out, _ (" %u"), index + 1);
        }
      else
        {
          const char *label = member_label (part);
          g_autofree char *plain = NULL;

          if (label == NULL)
            {
              plain = g_strdup (part);
              g_strdelimit (plain, "_", ' ');
              label = plain;
            }
          /* Translators: a part of a field, e.g. "Medications due 2: dose". */
          g_string_append_printf (out, _ (": %s"), label);
        }
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* An enum value of the field @top ("code_status", ...) in words, or NULL. */
static const char *
enum_label (const char *top, const char *value)
{
  if (g_strcmp0 (top, "code_status") == 0)
    {
      ElCodeStatus v;
      if (el_code_status_from_string (value, &v))
        return el_gui_code_status_label (v);
    }
  else if (g_strcmp0 (top, "isolation") == 0)
    {
      ElIsolation v;
      if (el_isolation_from_string (value, &v))
        return el_gui_isolation_label (v);
    }
  else if (g_strcmp0 (top, "fall_risk") == 0)
    {
      ElFallRisk v;
      if (el_fall_risk_from_string (value, &v))
        return el_gui_fall_risk_label (v);
    }
  else if (g_strcmp0 (top, "illness_severity") == 0)
    {
      ElIllnessSeverity v;
      if (el_illness_severity_from_string (value, &v))
        return el_gui_illness_severity_label (v);
    }
  return NULL;
}

static void append_value (GString *out, const char *top, JsonNode *node);

static void
append_scalar (GString *out, const char *top, JsonNode *node)
{
  GType type = json_node_get_value_type (node);

  if (type == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (node);
      const char *label = enum_label (top, s);

      g_string_append (out, label != NULL ? label : s);
    }
  else if (type == G_TYPE_INT64)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
  else if (type == G_TYPE_DOUBLE)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      /* Locale-aware: "38,4" where a comma is the decimal mark. */
      g_snprintf (buf, sizeof buf, "%.10g", json_node_get_double (node));
      g_string_append (out, buf);
    }
  else if (type == G_TYPE_BOOLEAN)
    g_string_append (out, json_node_get_boolean (node) ? _ ("yes") : _ ("no"));
}

static void
append_object (GString *out, const char *top, JsonObject *object)
{
  JsonNode *value = json_object_get_member (object, "value");
  gsize start = out->len;
  g_autoptr (GList) members = NULL;

  if (json_object_has_member (object, "no_known_allergies") &&
      json_object_get_boolean_member_with_default (object, "no_known_allergies", FALSE))
    {
      g_string_append (out, _ ("No known allergies"));
      return;
    }
  if (json_object_has_member (object, "systolic") && json_object_has_member (object, "diastolic"))
    {
      g_string_append_printf (out, "%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                              json_object_get_int_member (object, "systolic"),
                              json_object_get_int_member (object, "diastolic"));
      return;
    }
  if (value != NULL)
    {
      append_value (out, top, value);
      if (json_object_has_member (object, "detail"))
        {
          g_string_append (out, " (");
          append_value (out, top, json_object_get_member (object, "detail"));
          g_string_append (out, ")");
        }
      return;
    }
  if (json_object_has_member (object, "items"))
    {
      append_value (out, top, json_object_get_member (object, "items"));
      return;
    }

  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;

      if (g_str_equal (name, "span"))
        continue;
      if (out->len > start)
        g_string_append (out, ", ");
      append_value (out, top, json_object_get_member (object, name));
    }
}

static void
append_value (GString *out, const char *top, JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      /* Translators: a field value that is not known. */
      g_string_append (out, C_ ("field value", "none"));
      return;
    }
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      append_scalar (out, top, node);
      return;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);
      guint n = json_array_get_length (array);

      if (n == 0)
        g_string_append (out, C_ ("field value", "none"));
      for (guint i = 0; i < n; i++)
        {
          if (i > 0)
            g_string_append (out, "; ");
          append_value (out, top, json_array_get_element (array, i));
        }
      return;
    }
  append_object (out, top, json_node_get_object (node));
}

char *
el_history_field_value_text (const char *path, JsonNode *value)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autofree char *top = NULL;

  if (value == NULL)
    return g_strdup ("");
  top = g_strndup (path, strcspn (path, ".["));
  append_value (out, top, value);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static JsonObject *
version_object (ElSbarVersion *version, JsonNode **owner)
{
  if (version == NULL)
    {
      *owner = NULL;
      return NULL;
    }
  *owner = el_sbar_version_to_json (version);
  return json_node_get_object (*owner);
}

GPtrArray *
el_history_field_changes (ElSbarVersion *old_version, ElSbarVersion *new_version)
{
  g_autoptr (JsonNode) old_node = NULL;
  g_autoptr (JsonNode) new_node = NULL;
  g_autoptr (JsonNode) diff = NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  JsonArray *fields;

  diff = el_diff_versions (version_object (old_version, &old_node), version_object (new_version, &new_node));
  fields = json_object_get_array_member (json_node_get_object (diff), "fields");
  for (guint i = 0; i < json_array_get_length (fields); i++)
    {
      JsonObject *change = json_array_get_object_element (fields, i);
      const char *path = json_object_get_string_member (change, "path");
      const char *op = json_object_get_string_member (change, "op");
      g_autofree char *label = el_history_field_path_label (path);
      g_autofree char *old_text = el_history_field_value_text (path, json_object_get_member (change, "old"));
      g_autofree char *new_text = el_history_field_value_text (path, json_object_get_member (change, "new"));

      if (g_strcmp0 (op, "added") == 0)
        /* Translators: a structured field that was added: "Heart rate: added 96". */
        g_ptr_array_add (out, g_strdup_printf (_ ("%s: added %s"), label, new_text));
      else if (g_strcmp0 (op, "removed") == 0)
        /* Translators: a structured field that was removed: "Heart rate: removed 96". */
        g_ptr_array_add (out, g_strdup_printf (_ ("%s: removed %s"), label, old_text));
      else
        /* Translators: a changed structured field: "Heart rate: 88 → 96". */
        g_ptr_array_add (out, g_strdup_printf (_ ("%s: %s → %s"), label, old_text, new_text));
    }
  return out;
}

/* A theme colour with @alpha, when the theme names it. */
static gboolean
lookup_color (GtkWidget *widget, const char *name, double alpha, GdkRGBA *color)
{
  gboolean found;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  found = gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), name, color);
  G_GNUC_END_IGNORE_DEPRECATIONS
  if (found)
    color->alpha = alpha;
  return found;
}

static void
color_tag (GtkTextTag *tag, GtkWidget *widget, const char *color_name, double alpha)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  GdkRGBA color;

  /* High contrast: the lines alone (underline, strikethrough), no tinted background. */
  if (!adw_style_manager_get_high_contrast (manager) && lookup_color (widget, color_name, alpha, &color))
    g_object_set (tag, "background-rgba", &color, NULL);
  else
    g_object_set (tag, "background-set", FALSE, NULL);
}

void
el_history_diff_tags_ensure (GtkTextBuffer *buffer, GtkWidget *widget)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);
  GtkTextTag *insert = gtk_text_tag_table_lookup (table, TAG_INSERT);
  GtkTextTag *delete = gtk_text_tag_table_lookup (table, TAG_DELETE);

  if (insert == NULL)
    insert = gtk_text_buffer_create_tag (buffer, TAG_INSERT, "underline", PANGO_UNDERLINE_SINGLE, NULL);
  if (delete == NULL)
    delete = gtk_text_buffer_create_tag (buffer, TAG_DELETE, "strikethrough", TRUE, NULL);
  color_tag (insert, widget, "success_color", 0.25);
  color_tag (delete, widget, "error_color", 0.2);
}

static void
append_text (GtkTextBuffer *buffer, const char *text, gssize len, const char *tag)
{
  GtkTextIter end;

  if (len == 0 || (len < 0 && *text == '\0'))
    return;
  gtk_text_buffer_get_end_iter (buffer, &end);
  if (tag != NULL)
    gtk_text_buffer_insert_with_tags_by_name (buffer, &end, text, len, tag, NULL);
  else
    gtk_text_buffer_insert (buffer, &end, text, len);
}

gboolean
el_history_diff_render (
    GtkTextBuffer *buffer, const char *old_text, const char *new_text, guint *n_inserted, guint *n_deleted)
{
  g_autoptr (GPtrArray) ops = NULL;
  gboolean changed = FALSE;
  guint inserted = 0, deleted = 0;
  gsize pos = 0;
  gsize new_len;

  if (old_text == NULL)
    old_text = "";
  if (new_text == NULL)
    new_text = "";
  new_len = strlen (new_text);

  gtk_text_buffer_set_text (buffer, "", 0);
  ops = el_diff_words_full (old_text, new_text);
  for (guint i = 0; i < ops->len; i++)
    {
      const ElDiffOp *op = ops->pdata[i];

      if (op->kind == EL_DIFF_OP_EQUAL)
        continue;
      inserted += op->new_count;
      deleted += op->old_count;
      changed = TRUE;
    }
  if (n_inserted != NULL)
    *n_inserted = inserted;
  if (n_deleted != NULL)
    *n_deleted = deleted;
  if (!changed)
    return FALSE;

  /* The new text as written (its white space kept), with the deleted words put back in place. */
  for (guint i = 0; i < ops->len; i++)
    {
      const ElDiffOp *op = ops->pdata[i];
      gboolean last = i + 1 == ops->len;

      if (op->new_offset > pos)
        append_text (buffer, new_text + pos, op->new_offset - pos, NULL);
      pos = MAX (pos, op->new_offset);

      switch (op->kind)
        {
          case EL_DIFF_OP_EQUAL:
            append_text (buffer, new_text + op->new_offset, op->new_length, NULL);
            pos = op->new_offset + op->new_length;
            break;
          case EL_DIFF_OP_INSERT:
            append_text (buffer, op->new_text, -1, TAG_INSERT);
            pos = op->new_offset + op->new_length;
            break;
          case EL_DIFF_OP_DELETE:
            if (last && op->new_offset >= new_len && pos > 0 && !g_ascii_isspace (new_text[pos - 1]))
              append_text (buffer, " ", 1, NULL);
            append_text (buffer, op->old_text, -1, TAG_DELETE);
            if (!last || op->new_offset < new_len)
              append_text (buffer, " ", 1, NULL);
            break;
          case EL_DIFF_OP_REPLACE:
            append_text (buffer, op->old_text, -1, TAG_DELETE);
            append_text (buffer, " ", 1, NULL);
            append_text (buffer, op->new_text, -1, TAG_INSERT);
            pos = op->new_offset + op->new_length;
            break;
          default:
            g_assert_not_reached ();
        }
    }
  if (pos < new_len)
    append_text (buffer, new_text + pos, new_len - pos, NULL);
  return TRUE;
}
