/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "el-drug-lexicon.h"
#include "el-extract-private.h"
#include "el-grounding.h"

/* Spelled out rather than G_DEFINE_QUARK (): cppcheck cannot parse that macro. */
GQuark
el_grounding_error_quark (void)
{
  static GQuark quark = 0;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("el-grounding-error-quark");
  return quark;
}

/* Claim words */

static gboolean
is_claim_char (gunichar c)
{
  return g_unichar_isalnum (c) || g_unichar_ismark (c);
}

/* Splits @value into claim words; with @starts, also their first code point. */
static GPtrArray *
split_words (const char *value, GArray *starts)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  const char *p = value, *tok = NULL;
  gunichar prev = 0;
  gint64 pos = 0, tok_pos = 0;

  if (value == NULL || !g_utf8_validate (value, -1, NULL))
    return out;
  while (TRUE)
    {
      gunichar c = g_utf8_get_char (p);
      const char *next = c != 0 ? g_utf8_next_char (p) : p;
      gunichar after = (c != 0 && *next != '\0') ? g_utf8_get_char (next) : 0;

      if (c != 0 && is_claim_char (c))
        {
          if (tok == NULL)
            {
              tok = p;
              tok_pos = pos;
            }
        }
      else if (c != 0 && tok != NULL && after != 0 &&
               (((c == '.' || c == ':') && g_unichar_isdigit (prev) && g_unichar_isdigit (after)) ||
                (c == '/' && is_claim_char (prev) && is_claim_char (after)) ||
                ((c == '\'' || c == 0x2019) && g_unichar_isalpha (prev) && g_unichar_isalpha (after))))
        {
        }
      else if (tok != NULL)
        {
          g_ptr_array_add (out, g_utf8_strdown (tok, p - tok));
          if (starts != NULL)
            g_array_append_val (starts, tok_pos);
          tok = NULL;
        }
      if (c == 0)
        break;
      prev = c;
      p = next;
      pos++;
    }
  return out;
}

GPtrArray *
el_split_claim_words (const char *value)
{
  return split_words (value, NULL);
}

/* Forms */

static void
ptr_array_unref0 (gpointer data)
{
  if (data != NULL)
    g_ptr_array_unref (data);
}

ElForms *
el_forms_new (const char *text)
{
  ElForms *forms = g_new0 (ElForms, 1);
  g_autoptr (GArray) starts = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GPtrArray) words = NULL;
  guint t_index = 0;

  g_return_val_if_fail (text != NULL, NULL);

  forms->text = g_strdup (text);
  forms->length = g_utf8_strlen (text, -1);
  forms->tokens = el_spoken_normalize (text);
  forms->forms = g_new0 (GPtrArray *, forms->tokens->len + 1);
  for (guint i = 0; i < forms->tokens->len; i++)
    {
      const ElSpokenToken *t = &g_array_index (forms->tokens, ElSpokenToken, i);
      GPtrArray *f = g_ptr_array_new_with_free_func (g_free);

      el_spoken_token_add_forms (t, f);
      /* a number said in Fahrenheit also grounds its Celsius value */
      if (t->kind == EL_SPOKEN_KIND_NUMBER)
        for (guint k = i + 1; k < forms->tokens->len && k <= i + 2; k++)
          {
            const ElSpokenToken *u = &g_array_index (forms->tokens, ElSpokenToken, k);
            if (u->kind == EL_SPOKEN_KIND_UNIT && strcmp (u->text, "°F") == 0)
              {
                char buf[G_ASCII_DTOSTR_BUF_SIZE];
                double c = round ((t->value - 32) * 5 / 9 * 10) / 10;
                g_ptr_array_add (f, g_strdup_printf ("c:%s", g_ascii_formatd (buf, sizeof buf, "%.1f", c)));
                break;
              }
          }
      forms->forms[i] = f;
    }
  /* the raw words ("nasal", "cannula" of "NC"; "2l" of "2" + "L"), each with the token it starts in */
  words = split_words (text, starts);
  for (guint w = 0; w < words->len; w++)
    {
      gint64 start = g_array_index (starts, gint64, w);

      while (t_index < forms->tokens->len &&
             g_array_index (forms->tokens, ElSpokenToken, t_index).end <= start)
        t_index++;
      if (t_index >= forms->tokens->len)
        break;
      g_ptr_array_add (forms->forms[t_index], g_strdup (g_ptr_array_index (words, w)));
    }
  forms->all = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < forms->tokens->len; i++)
    for (guint k = 0; k < forms->forms[i]->len; k++)
      g_hash_table_add (forms->all, g_ptr_array_index (forms->forms[i], k));
  return forms;
}

void
el_forms_free (ElForms *forms)
{
  if (forms == NULL)
    return;
  g_clear_pointer (&forms->all, g_hash_table_unref);
  for (guint i = 0; i < forms->tokens->len; i++)
    ptr_array_unref0 (forms->forms[i]);
  g_free (forms->forms);
  g_array_unref (forms->tokens);
  memset (forms->text, 0, strlen (forms->text));
  g_free (forms->text);
  g_free (forms);
}

static guint
first_token_from (const ElForms *forms, gint64 start)
{
  guint lo = 0, hi = forms->tokens->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (g_array_index (forms->tokens, ElSpokenToken, mid).start < start)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static gboolean
strv_ptr_contains (GPtrArray *array, const char *s)
{
  for (guint i = 0; i < array->len; i++)
    if (strcmp (g_ptr_array_index (array, i), s) == 0)
      return TRUE;
  return FALSE;
}

gboolean
el_forms_contains (const ElForms *forms, const char *form)
{
  return g_hash_table_contains (forms->all, form);
}

gboolean
el_forms_contains_in (const ElForms *forms, gint64 start, gint64 end, const char *form)
{
  for (guint i = first_token_from (forms, start); i < forms->tokens->len; i++)
    {
      const ElSpokenToken *t = &g_array_index (forms->tokens, ElSpokenToken, i);

      if (t->start >= end)
        break;
      if (t->end > end)
        continue;
      if (strv_ptr_contains (forms->forms[i], form))
        return TRUE;
    }
  return FALSE;
}

/* Claims */

ElClaims *
el_claims_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
}

static GPtrArray *
group_new (void)
{
  return g_ptr_array_new_with_free_func (g_free);
}

void
el_claims_add_words (ElClaims *claims, const char *value)
{
  g_autoptr (GPtrArray) words = el_split_claim_words (value);

  for (guint i = 0; i < words->len; i++)
    {
      GPtrArray *group = group_new ();
      g_ptr_array_add (group, g_strdup (g_ptr_array_index (words, i)));
      g_ptr_array_add (claims, group);
    }
}

static void
add_number_alternatives (GPtrArray *group, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    {
      g_ptr_array_add (group, g_strdup ("\x01never"));
      return;
    }
  if (value == floor (value) && fabs (value) < 1e15)
    g_ptr_array_add (group, g_strdup (g_ascii_formatd (buf, sizeof buf, "%.0f", value)));
  for (int d = 1; d <= 6; d++)
    {
      char fmt[8];
      g_snprintf (fmt, sizeof fmt, "%%.%df", d);
      g_ascii_formatd (buf, sizeof buf, fmt, value);
      if (fabs (g_ascii_strtod (buf, NULL) - value) < 1e-9)
        g_ptr_array_add (group, g_strdup (buf));
    }
}

void
el_claims_add_number (ElClaims *claims, double value)
{
  GPtrArray *group = group_new ();

  add_number_alternatives (group, value);
  g_ptr_array_add (claims, group);
}

void
el_claims_add_temperature (ElClaims *claims, double celsius)
{
  GPtrArray *group = group_new ();
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  add_number_alternatives (group, celsius);
  if (isfinite (celsius))
    g_ptr_array_add (group, g_strdup_printf ("c:%s", g_ascii_formatd (buf, sizeof buf, "%.1f", celsius)));
  g_ptr_array_add (claims, group);
}

void
el_claims_add_any (ElClaims *claims, const char *const *alternatives)
{
  GPtrArray *group = group_new ();

  for (guint i = 0; alternatives[i] != NULL; i++)
    g_ptr_array_add (group, g_strdup (alternatives[i]));
  g_ptr_array_add (claims, group);
}

gboolean
el_claims_hold_in (const ElClaims *claims, const ElForms *forms, gint64 start, gint64 end)
{
  for (guint g = 0; g < claims->len; g++)
    {
      GPtrArray *group = g_ptr_array_index (claims, g);
      gboolean found = FALSE;

      for (guint a = 0; a < group->len && !found; a++)
        found = el_forms_contains_in (forms, start, end, g_ptr_array_index (group, a));
      if (!found)
        return FALSE;
    }
  return TRUE;
}

void
el_claims_add_code_status (ElClaims *claims, ElCodeStatus value)
{
  switch (value)
    {
      case EL_CODE_STATUS_FULL_CODE:
        el_claims_add_any (claims, ALTS ("full"));
        el_claims_add_any (claims, ALTS ("code"));
        break;
      case EL_CODE_STATUS_DNR:
        el_claims_add_any (claims, ALTS ("dnr", "resuscitate", "dnr/dni"));
        break;
      case EL_CODE_STATUS_DNI:
        el_claims_add_any (claims, ALTS ("dni", "intubate", "dnr/dni"));
        break;
      case EL_CODE_STATUS_DNR_DNI:
        el_claims_add_any (claims, ALTS ("dnr", "resuscitate", "dnr/dni"));
        el_claims_add_any (claims, ALTS ("dni", "intubate", "dnr/dni"));
        break;
      case EL_CODE_STATUS_COMFORT_CARE:
        el_claims_add_any (claims, ALTS ("comfort", "cmo"));
        break;
      default:
        el_claims_add_any (claims, ALTS ("\x01never"));
        break;
    }
}

void
el_claims_add_isolation (ElClaims *claims, ElIsolation value)
{
  switch (value)
    {
      case EL_ISOLATION_NONE:
        el_claims_add_any (claims, ALTS ("isolation", "precautions"));
        break;
      case EL_ISOLATION_CONTACT:
        el_claims_add_any (claims, ALTS ("contact"));
        break;
      case EL_ISOLATION_CONTACT_PLUS:
        el_claims_add_any (claims, ALTS ("contact", "enteric"));
        el_claims_add_any (claims, ALTS ("plus", "enteric"));
        break;
      case EL_ISOLATION_DROPLET:
        el_claims_add_any (claims, ALTS ("droplet"));
        break;
      case EL_ISOLATION_AIRBORNE:
        el_claims_add_any (claims, ALTS ("airborne"));
        break;
      case EL_ISOLATION_NEUTROPENIC:
        el_claims_add_any (claims, ALTS ("neutropenic"));
        break;
      default:
        el_claims_add_any (claims, ALTS ("\x01never"));
        break;
    }
}

void
el_claims_add_fall_risk (ElClaims *claims, ElFallRisk value)
{
  el_claims_add_any (claims, ALTS ("fall", "falls"));
  switch (value)
    {
      case EL_FALL_RISK_LOW:
        el_claims_add_any (claims, ALTS ("low"));
        break;
      case EL_FALL_RISK_MODERATE:
        el_claims_add_any (claims, ALTS ("moderate", "medium"));
        break;
      case EL_FALL_RISK_HIGH:
        el_claims_add_any (claims, ALTS ("high"));
        break;
      default:
        el_claims_add_any (claims, ALTS ("\x01never"));
        break;
    }
}

void
el_claims_add_illness_severity (ElClaims *claims, ElIllnessSeverity value)
{
  switch (value)
    {
      case EL_ILLNESS_SEVERITY_STABLE:
        el_claims_add_any (claims, ALTS ("stable"));
        break;
      case EL_ILLNESS_SEVERITY_WATCHER:
        el_claims_add_any (claims, ALTS ("watcher"));
        break;
      case EL_ILLNESS_SEVERITY_UNSTABLE:
        el_claims_add_any (claims, ALTS ("unstable"));
        break;
      default:
        el_claims_add_any (claims, ALTS ("\x01never"));
        break;
    }
}

void
el_claims_add_no_known_allergies (ElClaims *claims)
{
  el_claims_add_any (claims, ALTS ("nkda", "nka", "allergies", "allergy", "allergic"));
  el_claims_add_any (claims, ALTS ("nkda", "nka", "no", "none", "denies"));
}

/* Fields */

typedef struct
{
  ElFieldClaimsFunc func;
  gpointer user_data;
} Walk;

static gboolean
emit (Walk *w, const char *path, ElClaims *claims, ElSpan *span)
{
  gboolean go = w->func (path, claims, span, w->user_data);
  g_ptr_array_unref (claims);
  return go;
}

static gboolean
walk_text (Walk *w, const char *path, ElSbarText *text)
{
  ElClaims *c;

  if (text == NULL)
    return TRUE;
  c = el_claims_new ();
  el_claims_add_words (c, text->value);
  return emit (w, path, c, text->span);
}

static gboolean
walk_items (Walk *w, const char *name, GPtrArray *items)
{
  if (items == NULL)
    return TRUE;
  for (guint i = 0; i < items->len; i++)
    {
      ElSbarItem *item = g_ptr_array_index (items, i);
      g_autofree char *path = g_strdup_printf ("%s[%u]", name, i);
      ElClaims *c = el_claims_new ();

      el_claims_add_words (c, item->description);
      if (!emit (w, path, c, item->span))
        return FALSE;
    }
  return TRUE;
}

static ElSpan *
member_span (ElSpan *own, ElSpan *parent)
{
  return own != NULL ? own : parent;
}

static gboolean
walk_vitals (Walk *w, ElSbarVitals *v)
{
  ElClaims *c;

  if (v == NULL)
    return TRUE;
  if (v->temperature_c != NULL)
    {
      c = el_claims_new ();
      el_claims_add_temperature (c, v->temperature_c->value);
      if (!emit (w, "vitals.temperature_c", c, member_span (v->temperature_c->span, v->span)))
        return FALSE;
    }
  if (v->heart_rate != NULL)
    {
      c = el_claims_new ();
      el_claims_add_number (c, v->heart_rate->value);
      if (!emit (w, "vitals.heart_rate", c, member_span (v->heart_rate->span, v->span)))
        return FALSE;
    }
  if (v->respiratory_rate != NULL)
    {
      c = el_claims_new ();
      el_claims_add_number (c, v->respiratory_rate->value);
      if (!emit (w, "vitals.respiratory_rate", c, member_span (v->respiratory_rate->span, v->span)))
        return FALSE;
    }
  if (v->blood_pressure != NULL)
    {
      c = el_claims_new ();
      el_claims_add_number (c, v->blood_pressure->systolic);
      el_claims_add_number (c, v->blood_pressure->diastolic);
      if (!emit (w, "vitals.blood_pressure", c, member_span (v->blood_pressure->span, v->span)))
        return FALSE;
    }
  if (v->spo2 != NULL)
    {
      c = el_claims_new ();
      el_claims_add_number (c, v->spo2->value);
      if (v->spo2->has_o2_flow)
        el_claims_add_number (c, v->spo2->o2_flow_l_min);
      el_claims_add_words (c, v->spo2->o2_device);
      if (!emit (w, "vitals.spo2", c, member_span (v->spo2->span, v->span)))
        return FALSE;
    }
  if (v->pain != NULL)
    {
      c = el_claims_new ();
      el_claims_add_number (c, v->pain->value);
      if (!emit (w, "vitals.pain", c, member_span (v->pain->span, v->span)))
        return FALSE;
    }
  return TRUE;
}

gboolean
el_fields_foreach_claims (ElSbarFields *fields, ElFieldClaimsFunc func, gpointer user_data)
{
  Walk w = { func, user_data };
  ElSbarIdentifiers *ids = el_sbar_fields_get_patient_identifiers (fields);
  ElSbarCodeStatus *code = el_sbar_fields_get_code_status (fields);
  ElSbarAllergies *allergies = el_sbar_fields_get_allergies (fields);
  ElSbarIsolation *isolation = el_sbar_fields_get_isolation (fields);
  ElSbarFallRisk *fall = el_sbar_fields_get_fall_risk (fields);
  ElSbarIllnessSeverity *severity = el_sbar_fields_get_illness_severity (fields);
  GPtrArray *list;
  ElClaims *c;

  if (ids != NULL)
    {
      c = el_claims_new ();
      el_claims_add_words (c, ids->name);
      el_claims_add_words (c, ids->mrn);
      if (g_date_valid (&ids->date_of_birth))
        el_claims_add_number (c, g_date_get_year (&ids->date_of_birth));
      if (!emit (&w, "patient_identifiers", c, ids->span))
        return FALSE;
    }
  if (!walk_text (&w, "room_bed", el_sbar_fields_get_room_bed (fields)))
    return FALSE;
  if (code != NULL)
    {
      c = el_claims_new ();
      el_claims_add_code_status (c, code->value);
      if (!emit (&w, "code_status", c, code->span))
        return FALSE;
    }
  if (allergies != NULL)
    {
      if (allergies->no_known_allergies || allergies->items->len == 0)
        {
          c = el_claims_new ();
          el_claims_add_no_known_allergies (c);
          if (!emit (&w, "allergies", c, allergies->span))
            return FALSE;
        }
      for (guint i = 0; i < allergies->items->len; i++)
        {
          ElSbarAllergy *a = g_ptr_array_index (allergies->items, i);
          g_autofree char *path = g_strdup_printf ("allergies.items[%u]", i);

          c = el_claims_new ();
          el_claims_add_words (c, a->substance);
          el_claims_add_words (c, a->reaction);
          if (!emit (&w, path, c, member_span (a->span, allergies->span)))
            return FALSE;
        }
    }
  if (isolation != NULL)
    {
      c = el_claims_new ();
      el_claims_add_isolation (c, isolation->value);
      el_claims_add_words (c, isolation->detail);
      if (!emit (&w, "isolation", c, isolation->span))
        return FALSE;
    }
  if (fall != NULL)
    {
      c = el_claims_new ();
      el_claims_add_fall_risk (c, fall->value);
      if (!emit (&w, "fall_risk", c, fall->span))
        return FALSE;
    }
  if (severity != NULL)
    {
      c = el_claims_new ();
      el_claims_add_illness_severity (c, severity->value);
      if (!emit (&w, "illness_severity", c, severity->span))
        return FALSE;
    }
  if (!walk_text (&w, "diagnosis", el_sbar_fields_get_diagnosis (fields)) ||
      !walk_text (&w, "history", el_sbar_fields_get_history (fields)) ||
      !walk_vitals (&w, el_sbar_fields_get_vitals (fields)) ||
      !walk_items (&w, "lines_drains_airways", el_sbar_fields_get_lines_drains_airways (fields)) ||
      !walk_items (&w, "infusions", el_sbar_fields_get_infusions (fields)) ||
      !walk_text (&w, "diet", el_sbar_fields_get_diet (fields)) ||
      !walk_text (&w, "mobility", el_sbar_fields_get_mobility (fields)))
    return FALSE;
  list = el_sbar_fields_get_meds_due (fields);
  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      ElSbarMedDue *m = g_ptr_array_index (list, i);
      g_autofree char *path = g_strdup_printf ("meds_due[%u]", i);

      c = el_claims_new ();
      el_claims_add_words (c, m->name);
      el_claims_add_words (c, m->dose);
      el_claims_add_words (c, m->route);
      el_claims_add_words (c, m->time);
      if (!emit (&w, path, c, m->span))
        return FALSE;
    }
  list = el_sbar_fields_get_pending (fields);
  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      ElSbarPending *p = g_ptr_array_index (list, i);
      g_autofree char *path = g_strdup_printf ("pending[%u]", i);

      c = el_claims_new ();
      el_claims_add_words (c, p->description);
      if (!emit (&w, path, c, p->span))
        return FALSE;
    }
  list = el_sbar_fields_get_todos (fields);
  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      ElSbarTodo *t = g_ptr_array_index (list, i);
      g_autofree char *path = g_strdup_printf ("todos[%u]", i);

      c = el_claims_new ();
      el_claims_add_words (c, t->description);
      el_claims_add_words (c, t->owner);
      el_claims_add_words (c, t->due);
      if (!emit (&w, path, c, t->span))
        return FALSE;
    }
  list = el_sbar_fields_get_contingencies (fields);
  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      ElSbarContingency *k = g_ptr_array_index (list, i);
      g_autofree char *path = g_strdup_printf ("contingencies[%u]", i);

      c = el_claims_new ();
      el_claims_add_words (c, k->condition);
      el_claims_add_words (c, k->action);
      if (!emit (&w, path, c, k->span))
        return FALSE;
    }
  return walk_text (&w, "family_discharge", el_sbar_fields_get_family_discharge (fields));
}

char *
el_extract_truncate (const char *text, gsize max_bytes)
{
  gsize len;
  const char *cut;

  if (text == NULL)
    return NULL;
  len = strlen (text);
  if (len <= max_bytes)
    return g_strdup (text);
  cut = g_utf8_find_prev_char (text, text + max_bytes + 1);
  while (cut != NULL && cut > text && !g_unichar_isspace (g_utf8_get_char (cut)))
    cut = g_utf8_find_prev_char (text, cut);
  if (cut == NULL || cut == text)
    {
      cut = g_utf8_find_prev_char (text, text + max_bytes + 1);
      if (cut == NULL)
        return g_strdup ("");
    }
  return g_strndup (text, cut - text);
}

/* The check */

typedef struct
{
  const ElForms *forms;
  GError **error;
  gboolean ok;
} Check;

static gboolean
check_field_cb (const char *path, ElClaims *claims, ElSpan *span, gpointer user_data)
{
  Check *check = user_data;

  if (span == NULL)
    {
      g_set_error (check->error, EL_GROUNDING_ERROR, EL_GROUNDING_ERROR_BAD_SPAN, "%s has no span", path);
      check->ok = FALSE;
      return FALSE;
    }
  if (span->start < 0 || span->end < span->start || span->end > check->forms->length)
    {
      g_set_error (check->error, EL_GROUNDING_ERROR, EL_GROUNDING_ERROR_BAD_SPAN,
                   "the span of %s is outside the transcript", path);
      check->ok = FALSE;
      return FALSE;
    }
  if (!el_claims_hold_in (claims, check->forms, span->start, span->end))
    {
      g_set_error (check->error, EL_GROUNDING_ERROR, EL_GROUNDING_ERROR_UNGROUNDED,
                   "%s holds a value that is not in its span of the transcript", path);
      check->ok = FALSE;
      return FALSE;
    }
  return TRUE;
}

gboolean
el_extraction_check_grounded (const ElExtraction *extraction, const ElTranscript *transcript, GError **error)
{
  g_autoptr (ElForms) forms = NULL;
  Check check;

  g_return_val_if_fail (extraction != NULL, FALSE);
  g_return_val_if_fail (transcript != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  forms = el_forms_new (el_transcript_get_text (transcript));
  check.forms = forms;
  check.error = error;
  check.ok = TRUE;
  el_fields_foreach_claims (el_extraction_get_fields (extraction), check_field_cb, &check);
  if (!check.ok)
    return FALSE;

  for (guint s = EL_SBAR_SECTION_SITUATION; s <= EL_SBAR_SECTION_RECOMMENDATION; s++)
    {
      const char *text = el_extraction_get_section (extraction, (ElSbarSection) s);
      g_autoptr (GPtrArray) words = NULL;

      if (text == NULL)
        continue;
      words = el_split_claim_words (text);
      for (guint i = 0; i < words->len; i++)
        {
          const char *w = g_ptr_array_index (words, i);

          if ((g_ascii_isdigit (w[0]) || el_drug_lexicon_contains (w)) && !el_forms_contains (forms, w))
            {
              g_set_error (error, EL_GROUNDING_ERROR, EL_GROUNDING_ERROR_UNGROUNDED,
                           "the %s section holds a number or drug that is not in the transcript",
                           el_sbar_section_to_string ((ElSbarSection) s));
              return FALSE;
            }
        }
    }
  return TRUE;
}
