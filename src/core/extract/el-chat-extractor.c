/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <openssl/crypto.h>

#include "el-chat-extractor.h"
#include "el-drug-lexicon.h"
#include "el-extract-private.h"
#include "el-grounding.h"
#include "el-model-limits.h"
#include "el-rules-extractor.h"

struct _ElChatExtractor
{
  GObject parent_instance;
  ElOpenAiConfig *config;
  SoupSession *session;
};

enum
{
  PROP_0,
  PROP_CONFIG,
  PROP_SESSION,
  N_PROPS,
};

static GParamSpec *properties[N_PROPS];

static void el_chat_extractor_iface_init (ElSbarExtractorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ElChatExtractor,
                               el_chat_extractor,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (EL_TYPE_SBAR_EXTRACTOR, el_chat_extractor_iface_init))

/* Windows longer than this many tokens are not accepted as a field's source. */
#define MAX_WINDOW_TOKENS 80

static const char system_prompt[] =
    "You turn a nurse's verbal shift handoff (a speech transcript) into an SBAR report.\n"
    "Answer with ONE JSON object and nothing else:\n"
    "{\"situation\": string|null, \"background\": string|null, \"assessment\": string|null,\n"
    " \"recommendation\": string|null, \"fields\": {...}}\n"
    "\"fields\" follows this schema; every member is optional, leave out what was not said:\n"
    "  patient_identifiers {name, mrn}; room_bed {value}; code_status {value: full_code|dnr|dni|dnr_dni|"
    "comfort_care};\n"
    "  allergies {no_known_allergies: bool, items: [{substance, reaction?}]} (items empty when "
    "no_known_allergies);\n"
    "  isolation {value: none|contact|contact_plus|droplet|airborne|neutropenic, detail?};\n"
    "  fall_risk {value: low|moderate|high}; illness_severity {value: stable|watcher|unstable};\n"
    "  diagnosis {value}; history {value}; diet {value}; mobility {value}; family_discharge {value};\n"
    "  vitals {temperature_c {value}, heart_rate {value}, respiratory_rate {value},\n"
    "          blood_pressure {systolic, diastolic}, spo2 {value, o2_device?, o2_flow_l_min?}, pain {value "
    "0-10}};\n"
    "  lines_drains_airways [{description}]; infusions [{description}];\n"
    "  meds_due [{name, dose?, route?, time? \"HH:MM\"}]; pending [{kind: lab|imaging|consult|other, "
    "description}];\n"
    "  todos [{description, owner?, due? \"HH:MM\"}]; contingencies [{\"if\", \"then\"}].\n"
    "RULES: use ONLY values stated in the transcript. Never add a number, drug, dose or allergy that "
    "was not said.\n"
    "Copy names, drugs, substances and descriptions with the transcript's own words; write numbers as "
    "digits.\n"
    "A temperature is in degrees Celsius; convert only if the speaker said Fahrenheit. If the speaker "
    "corrected a value, use the correction. \"Denies pain\" is not a pain score. Do not invent spans.";

const char *
el_chat_extractor_get_system_prompt (void)
{
  return system_prompt;
}

/* Grounding of the model's answer */

typedef struct
{
  const ElForms *forms;
  ElTranscript *tr;
  ElExtraction *ex;
} Grounder;

static gboolean
token_has (const ElForms *forms, guint t, GPtrArray *group)
{
  GPtrArray *f = forms->forms[t];

  for (guint a = 0; a < group->len; a++)
    for (guint k = 0; k < f->len; k++)
      if (strcmp (g_ptr_array_index (f, k), g_ptr_array_index (group, a)) == 0)
        return TRUE;
  return FALSE;
}

/* The span of the smallest stretch of tokens (greedy around the rarest claim) that holds all
 * @claims, or NULL. */
static ElSpan *
locate (const Grounder *g, ElClaims *claims)
{
  guint n = g->forms->tokens->len, n_groups = claims->len;
  g_autofree GArray **positions = NULL;
  guint rarest = 0, best_lo = 0, best_hi = 0;
  gboolean found = FALSE;
  ElSpan *span;

  if (n_groups == 0 || n == 0)
    return NULL;
  positions = g_new0 (GArray *, n_groups);
  for (guint c = 0; c < n_groups; c++)
    {
      positions[c] = g_array_new (FALSE, FALSE, sizeof (guint));
      for (guint t = 0; t < n; t++)
        if (token_has (g->forms, t, g_ptr_array_index (claims, c)))
          g_array_append_val (positions[c], t);
      if (positions[c]->len < positions[rarest]->len)
        rarest = c;
    }
  for (guint c = 0; c < n_groups; c++)
    if (positions[c]->len == 0)
      goto out;

  for (guint i = 0; i < positions[rarest]->len; i++)
    {
      guint lo = g_array_index (positions[rarest], guint, i), hi = lo;

      for (guint c = 0; c < n_groups; c++)
        {
          guint best_q = 0, best_w = G_MAXUINT;

          if (c == rarest)
            continue;
          for (guint k = 0; k < positions[c]->len; k++)
            {
              guint q = g_array_index (positions[c], guint, k);
              guint w = MAX (hi, q) - MIN (lo, q);
              if (w < best_w)
                {
                  best_w = w;
                  best_q = q;
                }
            }
          lo = MIN (lo, best_q);
          hi = MAX (hi, best_q);
        }
      if (!found || hi - lo < best_hi - best_lo)
        {
          found = TRUE;
          best_lo = lo;
          best_hi = hi;
        }
    }

out:
  for (guint c = 0; c < n_groups; c++)
    g_array_unref (positions[c]);
  if (!found || best_hi - best_lo >= MAX_WINDOW_TOKENS)
    return NULL;
  {
    const ElSpokenToken *a = &g_array_index (g->forms->tokens, ElSpokenToken, best_lo);
    const ElSpokenToken *b = &g_array_index (g->forms->tokens, ElSpokenToken, best_hi);

    if (!el_claims_hold_in (claims, g->forms, a->start, b->end))
      return NULL;
    span = el_transcript_make_span (g->tr, a->start, b->end);
  }
  return span;
}

/* Locates @claims (consumed); on success replaces *@slot with the span. */
static gboolean
ground (const Grounder *g, const char *path, ElClaims *claims, ElSpan **slot)
{
  ElSpan *span = locate (g, claims);

  g_ptr_array_unref (claims);
  if (span == NULL)
    {
      el_extraction_add_flag (g->ex, EL_EXTRACTION_FLAG_UNGROUNDED, path,
                              "the cloud engine gave a value that is not in the transcript: dropped", NULL);
      return FALSE;
    }
  if (span->confidence < EL_SPEECH_LOW_CONFIDENCE)
    el_extraction_add_flag (g->ex, EL_EXTRACTION_FLAG_LOW_CONFIDENCE, path,
                            "recognised with low confidence: please confirm", span);
  g_clear_pointer (slot, el_span_free);
  *slot = span;
  return TRUE;
}

static ElClaims *
words_claims (const char *a, const char *b, const char *c, const char *d)
{
  ElClaims *claims = el_claims_new ();

  el_claims_add_words (claims, a);
  el_claims_add_words (claims, b);
  el_claims_add_words (claims, c);
  el_claims_add_words (claims, d);
  return claims;
}

static void
ground_text (const Grounder *g,
             ElSbarFields *f,
             ElSbarText *(*get) (const ElSbarFields *),
             void (*set) (ElSbarFields *, const ElSbarText *),
             const char *path)
{
  ElSbarText *t = get (f);

  if (t != NULL && !ground (g, path, words_claims (t->value, NULL, NULL, NULL), &t->span))
    set (f, NULL);
}

static void
ground_items (const Grounder *g,
              ElSbarFields *f,
              GPtrArray *(*get) (const ElSbarFields *),
              void (*set) (ElSbarFields *, GPtrArray *),
              const char *name)
{
  GPtrArray *items = get (f);
  g_autoptr (GPtrArray) kept = NULL;

  if (items == NULL)
    return;
  kept = g_ptr_array_new ();
  for (guint i = 0; i < items->len; i++)
    {
      ElSbarItem *item = g_ptr_array_index (items, i);
      g_autofree char *path = g_strdup_printf ("%s[%u]", name, i);

      if (ground (g, path, words_claims (item->description, NULL, NULL, NULL), &item->span))
        g_ptr_array_add (kept, item);
    }
  /* an empty list ("none") is a claim of absence, which no span can back: left out */
  if (kept->len == items->len && kept->len > 0)
    return;
  if (kept->len == 0)
    set (f, NULL);
  else
    set (f, kept); /* copies the kept items before freeing the old list */
}

static void
ground_vitals (const Grounder *g, ElSbarFields *f)
{
  ElSbarVitals *v = el_sbar_fields_get_vitals (f);
  ElClaims *c;
  ElSpan *spans[6];
  guint n = 0;
  gint64 lo = G_MAXINT64, hi = -1;

  if (v == NULL)
    return;
  g_clear_pointer (&v->taken_at, g_date_time_unref);
  if (v->temperature_c != NULL)
    {
      c = el_claims_new ();
      el_claims_add_temperature (c, v->temperature_c->value);
      if (!ground (g, "vitals.temperature_c", c, &v->temperature_c->span))
        g_clear_pointer (&v->temperature_c, el_sbar_measure_free);
    }
  if (v->heart_rate != NULL)
    {
      c = el_claims_new ();
      el_claims_add_number (c, v->heart_rate->value);
      if (!ground (g, "vitals.heart_rate", c, &v->heart_rate->span))
        g_clear_pointer (&v->heart_rate, el_sbar_measure_free);
    }
  if (v->respiratory_rate != NULL)
    {
      c = el_claims_new ();
      el_claims_add_number (c, v->respiratory_rate->value);
      if (!ground (g, "vitals.respiratory_rate", c, &v->respiratory_rate->span))
        g_clear_pointer (&v->respiratory_rate, el_sbar_measure_free);
    }
  if (v->blood_pressure != NULL)
    {
      c = el_claims_new ();
      el_claims_add_number (c, v->blood_pressure->systolic);
      el_claims_add_number (c, v->blood_pressure->diastolic);
      if (!ground (g, "vitals.blood_pressure", c, &v->blood_pressure->span))
        g_clear_pointer (&v->blood_pressure, el_sbar_blood_pressure_free);
    }
  if (v->spo2 != NULL)
    {
      c = el_claims_new ();
      el_claims_add_number (c, v->spo2->value);
      if (v->spo2->has_o2_flow)
        el_claims_add_number (c, v->spo2->o2_flow_l_min);
      el_claims_add_words (c, v->spo2->o2_device);
      if (!ground (g, "vitals.spo2", c, &v->spo2->span))
        g_clear_pointer (&v->spo2, el_sbar_spo2_free);
    }
  if (v->pain != NULL)
    {
      c = el_claims_new ();
      el_claims_add_number (c, v->pain->value);
      if (!ground (g, "vitals.pain", c, &v->pain->span))
        g_clear_pointer (&v->pain, el_sbar_measure_free);
    }
  if (v->temperature_c != NULL)
    spans[n++] = v->temperature_c->span;
  if (v->heart_rate != NULL)
    spans[n++] = v->heart_rate->span;
  if (v->respiratory_rate != NULL)
    spans[n++] = v->respiratory_rate->span;
  if (v->blood_pressure != NULL)
    spans[n++] = v->blood_pressure->span;
  if (v->spo2 != NULL)
    spans[n++] = v->spo2->span;
  if (v->pain != NULL)
    spans[n++] = v->pain->span;
  if (n == 0)
    {
      el_sbar_fields_set_vitals (f, NULL);
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      lo = MIN (lo, spans[i]->start);
      hi = MAX (hi, spans[i]->end);
    }
  g_clear_pointer (&v->span, el_span_free);
  v->span = el_transcript_make_span (g->tr, lo, hi);
}

static void
ground_allergies (const Grounder *g, ElSbarFields *f)
{
  ElSbarAllergies *a = el_sbar_fields_get_allergies (f);
  g_autoptr (ElSbarAllergies) kept = NULL;
  gint64 lo = G_MAXINT64, hi = -1;

  if (a == NULL)
    return;
  if (a->no_known_allergies)
    {
      ElClaims *c = el_claims_new ();
      el_claims_add_no_known_allergies (c);
      if (!ground (g, "allergies", c, &a->span))
        el_sbar_fields_set_allergies (f, NULL);
      return;
    }
  kept = el_sbar_allergies_new (FALSE);
  for (guint i = 0; i < a->items->len; i++)
    {
      ElSbarAllergy *item = g_ptr_array_index (a->items, i);
      g_autofree char *path = g_strdup_printf ("allergies.items[%u]", i);

      if (ground (g, path, words_claims (item->substance, item->reaction, NULL, NULL), &item->span))
        {
          el_sbar_allergies_add (kept, el_sbar_allergy_copy (item));
          lo = MIN (lo, item->span->start);
          hi = MAX (hi, item->span->end);
        }
    }
  if (kept->items->len == 0)
    {
      el_sbar_fields_set_allergies (f, NULL);
      return;
    }
  kept->span = el_transcript_make_span (g->tr, lo, hi);
  el_sbar_fields_take_allergies (f, g_steal_pointer (&kept));
}

static void
ground_fields (const Grounder *g, ElSbarFields *f)
{
  ElSbarIdentifiers *ids = el_sbar_fields_get_patient_identifiers (f);
  ElSbarCodeStatus *code = el_sbar_fields_get_code_status (f);
  ElSbarIsolation *iso = el_sbar_fields_get_isolation (f);
  ElSbarFallRisk *fall = el_sbar_fields_get_fall_risk (f);
  ElSbarIllnessSeverity *sev = el_sbar_fields_get_illness_severity (f);
  GPtrArray *list;
  ElClaims *c;

  if (ids != NULL)
    {
      /* a date of birth is not something a handoff grounds: only name + MRN are kept */
      g_date_clear (&ids->date_of_birth, 1);
      if (ids->mrn == NULL)
        {
          el_extraction_add_flag (g->ex, EL_EXTRACTION_FLAG_UNGROUNDED, "patient_identifiers",
                                  "identifiers without an MRN said in the transcript: dropped", NULL);
          el_sbar_fields_set_patient_identifiers (f, NULL);
        }
      else if (!ground (g, "patient_identifiers", words_claims (ids->name, ids->mrn, NULL, NULL), &ids->span))
        el_sbar_fields_set_patient_identifiers (f, NULL);
    }
  ground_text (g, f, el_sbar_fields_get_room_bed, el_sbar_fields_set_room_bed, "room_bed");
  if (code != NULL)
    {
      c = el_claims_new ();
      el_claims_add_code_status (c, code->value);
      if (!ground (g, "code_status", c, &code->span))
        el_sbar_fields_set_code_status (f, NULL);
    }
  ground_allergies (g, f);
  if (iso != NULL)
    {
      c = el_claims_new ();
      el_claims_add_isolation (c, iso->value);
      el_claims_add_words (c, iso->detail);
      if (!ground (g, "isolation", c, &iso->span))
        el_sbar_fields_set_isolation (f, NULL);
    }
  if (fall != NULL)
    {
      c = el_claims_new ();
      el_claims_add_fall_risk (c, fall->value);
      if (!ground (g, "fall_risk", c, &fall->span))
        el_sbar_fields_set_fall_risk (f, NULL);
    }
  if (sev != NULL)
    {
      c = el_claims_new ();
      el_claims_add_illness_severity (c, sev->value);
      if (!ground (g, "illness_severity", c, &sev->span))
        el_sbar_fields_set_illness_severity (f, NULL);
    }
  ground_text (g, f, el_sbar_fields_get_diagnosis, el_sbar_fields_set_diagnosis, "diagnosis");
  ground_text (g, f, el_sbar_fields_get_history, el_sbar_fields_set_history, "history");
  ground_vitals (g, f);
  ground_items (g, f, el_sbar_fields_get_lines_drains_airways, el_sbar_fields_set_lines_drains_airways,
                "lines_drains_airways");
  ground_items (g, f, el_sbar_fields_get_infusions, el_sbar_fields_set_infusions, "infusions");
  ground_text (g, f, el_sbar_fields_get_diet, el_sbar_fields_set_diet, "diet");
  ground_text (g, f, el_sbar_fields_get_mobility, el_sbar_fields_set_mobility, "mobility");
  ground_text (g, f, el_sbar_fields_get_family_discharge, el_sbar_fields_set_family_discharge,
               "family_discharge");

  list = el_sbar_fields_get_meds_due (f);
  if (list != NULL)
    {
      g_autoptr (GPtrArray) kept = g_ptr_array_new ();
      for (guint i = 0; i < list->len; i++)
        {
          ElSbarMedDue *m = g_ptr_array_index (list, i);
          g_autofree char *path = g_strdup_printf ("meds_due[%u]", i);
          if (ground (g, path, words_claims (m->name, m->dose, m->route, m->time), &m->span))
            g_ptr_array_add (kept, m);
        }
      if (kept->len != list->len || kept->len == 0)
        el_sbar_fields_set_meds_due (f, kept->len > 0 ? kept : NULL);
    }
  list = el_sbar_fields_get_pending (f);
  if (list != NULL)
    {
      g_autoptr (GPtrArray) kept = g_ptr_array_new ();
      for (guint i = 0; i < list->len; i++)
        {
          ElSbarPending *p = g_ptr_array_index (list, i);
          g_autofree char *path = g_strdup_printf ("pending[%u]", i);
          if (ground (g, path, words_claims (p->description, NULL, NULL, NULL), &p->span))
            g_ptr_array_add (kept, p);
        }
      if (kept->len != list->len || kept->len == 0)
        el_sbar_fields_set_pending (f, kept->len > 0 ? kept : NULL);
    }
  list = el_sbar_fields_get_todos (f);
  if (list != NULL)
    {
      g_autoptr (GPtrArray) kept = g_ptr_array_new ();
      for (guint i = 0; i < list->len; i++)
        {
          ElSbarTodo *t = g_ptr_array_index (list, i);
          g_autofree char *path = g_strdup_printf ("todos[%u]", i);
          if (ground (g, path, words_claims (t->description, t->owner, t->due, NULL), &t->span))
            g_ptr_array_add (kept, t);
        }
      if (kept->len != list->len || kept->len == 0)
        el_sbar_fields_set_todos (f, kept->len > 0 ? kept : NULL);
    }
  list = el_sbar_fields_get_contingencies (f);
  if (list != NULL)
    {
      g_autoptr (GPtrArray) kept = g_ptr_array_new ();
      for (guint i = 0; i < list->len; i++)
        {
          ElSbarContingency *k = g_ptr_array_index (list, i);
          g_autofree char *path = g_strdup_printf ("contingencies[%u]", i);
          if (ground (g, path, words_claims (k->condition, k->action, NULL, NULL), &k->span))
            g_ptr_array_add (kept, k);
        }
      if (kept->len != list->len || kept->len == 0)
        el_sbar_fields_set_contingencies (f, kept->len > 0 ? kept : NULL);
    }
}

/* TRUE when every number and drug of @text is in the transcript. */
static gboolean
section_grounded (const ElForms *forms, const char *text)
{
  g_autoptr (GPtrArray) words = el_split_claim_words (text);

  for (guint i = 0; i < words->len; i++)
    {
      const char *w = g_ptr_array_index (words, i);
      if ((g_ascii_isdigit (w[0]) || el_drug_lexicon_contains (w)) && !el_forms_contains (forms, w))
        return FALSE;
    }
  return TRUE;
}

/* Parses the reply; NULL (and a reason without PHI) when it is not what was asked for. */
static ElExtraction *
parse_reply (GBytes *body, ElTranscript *tr, const char **reason)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonParser) content_parser = json_parser_new ();
  g_autoptr (ElSbarFields) fields = NULL;
  g_autoptr (ElExtraction) ex = NULL;
  g_autoptr (ElExtraction) rules = NULL;
  g_autoptr (ElForms) forms = NULL;
  g_autoptr (GError) error = NULL;
  JsonObject *root, *choice, *message, *answer;
  JsonArray *choices;
  JsonNode *node;
  const char *content, *finish;
  gsize size;
  const char *data = g_bytes_get_data (body, &size);
  Grounder g;

  if (size == 0 || size > EL_MODEL_MAX_DOCUMENT_BYTES ||
      !json_parser_load_from_data (parser, data, size, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      *reason = "the reply is not a JSON object";
      return NULL;
    }
  root = json_node_get_object (json_parser_get_root (parser));
  node = json_object_get_member (root, "choices");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) ||
      json_array_get_length (choices = json_node_get_array (node)) == 0 ||
      !JSON_NODE_HOLDS_OBJECT (json_array_get_element (choices, 0)))
    {
      *reason = "the reply has no choices";
      return NULL;
    }
  choice = json_array_get_object_element (choices, 0);
  finish = json_object_get_string_member_with_default (choice, "finish_reason", NULL);
  if (g_strcmp0 (finish, "content_filter") == 0)
    {
      *reason = "the reply was filtered (content_filter)";
      return NULL;
    }
  node = json_object_get_member (choice, "message");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      *reason = "the reply has no message";
      return NULL;
    }
  message = json_node_get_object (node);
  node = json_object_get_member (message, "content");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      *reason = "the reply has no content";
      return NULL;
    }
  content = json_node_get_string (node);
  if (!json_parser_load_from_data (content_parser, content, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (content_parser)))
    {
      *reason = "the content is not a JSON object";
      return NULL;
    }
  answer = json_node_get_object (json_parser_get_root (content_parser));
  node = json_object_get_member (answer, "fields");
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    fields = el_sbar_fields_new ();
  else if ((fields = el_sbar_fields_new_from_json (node, &error)) == NULL)
    {
      *reason = "the content's fields do not follow the SbarFields schema";
      return NULL;
    }

  ex = el_extraction_new ("openai");
  forms = el_forms_new (el_transcript_get_text (tr));
  g.forms = forms;
  g.tr = tr;
  g.ex = ex;
  for (guint s = EL_SBAR_SECTION_SITUATION; s <= EL_SBAR_SECTION_RECOMMENDATION; s++)
    {
      const char *name = el_sbar_section_to_string ((ElSbarSection) s);
      const char *text;

      node = json_object_get_member (answer, name);
      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        continue;
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          *reason = "a section of the content is not a string";
          return NULL;
        }
      text = json_node_get_string (node);
      if (strlen (text) > EL_MODEL_MAX_TEXT_BYTES || !g_utf8_validate (text, -1, NULL))
        {
          *reason = "a section of the content is too long";
          return NULL;
        }
      if (section_grounded (forms, text))
        el_extraction_set_section (ex, (ElSbarSection) s, text);
      else
        {
          if (rules == NULL)
            rules = el_rules_extractor_extract (tr);
          el_extraction_add_flag (
              ex, EL_EXTRACTION_FLAG_UNGROUNDED, name,
              "the cloud engine's section held a number or drug that is not in the transcript: "
              "replaced by the rules engine's",
              NULL);
          el_extraction_set_section (ex, (ElSbarSection) s,
                                     el_extraction_get_section (rules, (ElSbarSection) s));
        }
    }
  ground_fields (&g, fields);
  el_extraction_take_fields (ex, g_steal_pointer (&fields));
  /* the same rules as the check, so this holds; if it ever did not, the result is not used */
  if (!el_extraction_check_grounded (ex, tr, &error))
    {
      *reason = "the grounded reply failed the grounding check";
      return NULL;
    }
  return g_steal_pointer (&ex);
}

/* The request */

typedef struct
{
  ElTranscript *tr;
  SoupMessage *msg;
  GCancellable *internal;
  GCancellable *user;
  gulong user_handler;
  GSource *timeout;
  gboolean timed_out;
} Request;

static void
request_free (gpointer data)
{
  Request *r = data;

  if (r->timeout != NULL)
    {
      g_source_destroy (r->timeout);
      g_source_unref (r->timeout);
    }
  if (r->user != NULL)
    {
      g_cancellable_disconnect (r->user, r->user_handler);
      g_object_unref (r->user);
    }
  g_clear_object (&r->internal);
  g_clear_object (&r->msg);
  el_transcript_unref (r->tr);
  g_free (r);
}

static void
return_rules (GTask *task, Request *r, const char *reason)
{
  ElExtraction *ex;

  g_debug ("chat extractor: %s; using the rules engine", reason);
  ex = el_rules_extractor_extract (r->tr);
  el_extraction_set_fell_back (ex, TRUE);
  g_task_return_pointer (task, ex, (GDestroyNotify) el_extraction_unref);
}

static void
send_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Request *r = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  const char *reason = NULL;
  ElExtraction *ex;
  guint status;

  if (r->timeout != NULL)
    {
      g_source_destroy (r->timeout);
      g_clear_pointer (&r->timeout, g_source_unref);
    }
  if (r->user != NULL && g_cancellable_is_cancelled (r->user))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "the extraction was cancelled");
      return;
    }
  if (body == NULL)
    {
      return_rules (task, r,
                    r->timed_out ? "the cloud engine timed out" : "the cloud engine cannot be reached");
      return;
    }
  status = soup_message_get_status (r->msg);
  if (status != SOUP_STATUS_OK)
    {
      g_autofree char *why = g_strdup_printf ("the cloud engine answered HTTP %u", status);
      return_rules (task, r, why);
      return;
    }
  ex = parse_reply (body, r->tr, &reason);
  if (ex == NULL)
    {
      return_rules (task, r, reason);
      return;
    }
  g_task_return_pointer (task, ex, (GDestroyNotify) el_extraction_unref);
}

static gboolean
timeout_cb (gpointer user_data)
{
  Request *r = user_data;

  r->timed_out = TRUE;
  g_cancellable_cancel (r->internal);
  return G_SOURCE_REMOVE;
}

static void
user_cancelled_cb (GCancellable *cancellable, gpointer user_data)
{
  GCancellable *internal = user_data;

  (void) cancellable;
  g_cancellable_cancel (internal);
}

static GBytes *
build_body (const ElOpenAiConfig *config, ElTranscript *tr)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *user = g_strdup_printf ("Transcript of the handoff:\n%s", el_transcript_get_text (tr));
  char *data;
  gsize len;

  json_builder_begin_object (b);
  if (config->flavor == EL_OPENAI_FLAVOR_COMPATIBLE)
    {
      json_builder_set_member_name (b, "model");
      json_builder_add_string_value (b, config->chat_model);
    }
  json_builder_set_member_name (b, "messages");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, "system");
  json_builder_set_member_name (b, "content");
  json_builder_add_string_value (b, system_prompt);
  json_builder_end_object (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, "user");
  json_builder_set_member_name (b, "content");
  json_builder_add_string_value (b, user);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "response_format");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "json_object");
  json_builder_end_object (b);
  json_builder_set_member_name (b, "temperature");
  json_builder_add_int_value (b, 0);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  data = json_generator_to_data (gen, &len);
  memset (user, 0, strlen (user));
  return g_bytes_new_take (data, len);
}

static void
el_chat_extractor_extract_async (ElSbarExtractor *extractor,
                                 ElTranscript *transcript,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  ElChatExtractor *self = EL_CHAT_EXTRACTOR (extractor);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Request *r = g_new0 (Request, 1);
  g_autofree char *url = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GUri) uri = NULL;
  SoupMessageHeaders *headers;

  g_task_set_source_tag (task, el_chat_extractor_extract_async);
  r->tr = el_transcript_ref (transcript);
  g_task_set_task_data (task, r, request_free);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  if (self->config != NULL)
    url = el_openai_config_build_url (self->config, "chat/completions");
  if (url != NULL)
    uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL)
    {
      return_rules (task, r, "the chat engine is not configured");
      g_object_unref (task);
      return;
    }

  r->msg = soup_message_new_from_uri (SOUP_METHOD_POST, uri);
  headers = soup_message_get_request_headers (r->msg);
  if (self->config->api_key != NULL && self->config->api_key[0] != '\0')
    {
      if (self->config->flavor == EL_OPENAI_FLAVOR_AZURE)
        soup_message_headers_replace (headers, "api-key", self->config->api_key);
      else
        {
          g_autofree char *bearer = g_strdup_printf ("Bearer %s", self->config->api_key);
          soup_message_headers_replace (headers, "Authorization", bearer);
          OPENSSL_cleanse (bearer, strlen (bearer));
        }
    }
  soup_message_headers_replace (headers, "Accept", "application/json");
  body = build_body (self->config, transcript);
  soup_message_set_request_body_from_bytes (r->msg, "application/json", body);

  r->internal = g_cancellable_new ();
  if (cancellable != NULL)
    {
      r->user = g_object_ref (cancellable);
      r->user_handler =
          g_cancellable_connect (cancellable, G_CALLBACK (user_cancelled_cb), r->internal, NULL);
    }
  r->timeout = g_timeout_source_new_seconds (MAX (self->config->timeout_seconds, 1));
  g_source_set_callback (r->timeout, timeout_cb, r, NULL);
  g_source_attach (r->timeout, g_main_context_get_thread_default ());

  soup_session_send_and_read_async (self->session, r->msg, G_PRIORITY_DEFAULT, r->internal, send_done_cb,
                                    task);
}

static ElExtraction *
el_chat_extractor_extract_finish (ElSbarExtractor *extractor, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, extractor), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static const char *
el_chat_extractor_get_engine_name (ElSbarExtractor *extractor)
{
  (void) extractor;
  return "openai";
}

static void
el_chat_extractor_iface_init (ElSbarExtractorInterface *iface)
{
  iface->get_engine_name = el_chat_extractor_get_engine_name;
  iface->extract_async = el_chat_extractor_extract_async;
  iface->extract_finish = el_chat_extractor_extract_finish;
}

static void
el_chat_extractor_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElChatExtractor *self = EL_CHAT_EXTRACTOR (object);

  switch (prop_id)
    {
      case PROP_CONFIG:
        g_clear_pointer (&self->config, el_openai_config_free);
        self->config = g_value_dup_boxed (value);
        break;
      case PROP_SESSION:
        g_clear_object (&self->session);
        self->session = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        break;
    }
}

static void
el_chat_extractor_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElChatExtractor *self = EL_CHAT_EXTRACTOR (object);

  switch (prop_id)
    {
      case PROP_CONFIG:
        g_value_set_boxed (value, self->config);
        break;
      case PROP_SESSION:
        g_value_set_object (value, self->session);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        break;
    }
}

static void
el_chat_extractor_constructed (GObject *object)
{
  ElChatExtractor *self = EL_CHAT_EXTRACTOR (object);

  G_OBJECT_CLASS (el_chat_extractor_parent_class)->constructed (object);
  if (self->session == NULL)
    self->session =
        soup_session_new_with_options ("timeout", self->config != NULL ? self->config->timeout_seconds : 60,
                                       "user-agent", "eclipselink", NULL);
}

static void
el_chat_extractor_dispose (GObject *object)
{
  ElChatExtractor *self = EL_CHAT_EXTRACTOR (object);

  g_clear_object (&self->session);
  G_OBJECT_CLASS (el_chat_extractor_parent_class)->dispose (object);
}

static void
el_chat_extractor_finalize (GObject *object)
{
  ElChatExtractor *self = EL_CHAT_EXTRACTOR (object);

  g_clear_pointer (&self->config, el_openai_config_free);
  G_OBJECT_CLASS (el_chat_extractor_parent_class)->finalize (object);
}

static void
el_chat_extractor_class_init (ElChatExtractorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->set_property = el_chat_extractor_set_property;
  object_class->get_property = el_chat_extractor_get_property;
  object_class->constructed = el_chat_extractor_constructed;
  object_class->dispose = el_chat_extractor_dispose;
  object_class->finalize = el_chat_extractor_finalize;

  properties[PROP_CONFIG] = g_param_spec_boxed ("config", NULL, NULL, EL_TYPE_OPENAI_CONFIG,
                                                G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                                    G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SESSION] = g_param_spec_object ("session", NULL, NULL, SOUP_TYPE_SESSION,
                                                  G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                                      G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
el_chat_extractor_init (ElChatExtractor *self)
{
  (void) self;
}

ElSbarExtractor *
el_chat_extractor_new (const ElOpenAiConfig *config, SoupSession *session)
{
  g_return_val_if_fail (session == NULL || SOUP_IS_SESSION (session), NULL);
  return g_object_new (EL_TYPE_CHAT_EXTRACTOR, "config", config, "session", session, NULL);
}
