/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "el-completeness.h"
#include "el-sbar-extractor.h"

/*
 * ElExtraction (the result both engines produce) and the ElSbarExtractor interface with its
 * blocking helper. The result is plain data, reference counted, so a worker thread can hand it to
 * the main thread.
 */

struct _ElExtraction
{
  gatomicrefcount ref_count;
  char *engine;
  gboolean fell_back;
  char *sections[4];
  ElSbarFields *fields;
  GPtrArray *flags; /* ElExtractionFlag */
};

G_DEFINE_BOXED_TYPE (ElExtraction, el_extraction, el_extraction_ref, el_extraction_unref)

/* Spelled out rather than G_DEFINE_QUARK (): cppcheck cannot parse that macro. */
GQuark
el_sbar_extractor_error_quark (void)
{
  static GQuark quark = 0;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("el-sbar-extractor-error-quark");
  return quark;
}

static void
flag_free (gpointer data)
{
  ElExtractionFlag *flag = data;

  g_free (flag->field);
  if (flag->detail != NULL)
    memset (flag->detail, 0, strlen (flag->detail)); /* may quote the transcript */
  g_free (flag->detail);
  g_clear_pointer (&flag->span, el_span_free);
  g_free (flag);
}

static void
wipe_free (char *text)
{
  if (text == NULL)
    return;
  memset (text, 0, strlen (text));
  g_free (text);
}

ElExtraction *
el_extraction_new (const char *engine)
{
  ElExtraction *self = g_new0 (ElExtraction, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->engine = g_strdup (engine != NULL ? engine : "");
  self->fields = el_sbar_fields_new ();
  self->flags = g_ptr_array_new_with_free_func (flag_free);
  return self;
}

ElExtraction *
el_extraction_ref (ElExtraction *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
el_extraction_unref (ElExtraction *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (self->sections); i++)
    wipe_free (self->sections[i]);
  el_sbar_fields_free (self->fields);
  g_ptr_array_unref (self->flags);
  g_free (self->engine);
  g_free (self);
}

const char *
el_extraction_get_engine (const ElExtraction *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->engine;
}

gboolean
el_extraction_get_fell_back (const ElExtraction *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->fell_back;
}

void
el_extraction_set_fell_back (ElExtraction *self, gboolean fell_back)
{
  g_return_if_fail (self != NULL);
  self->fell_back = !!fell_back;
}

const char *
el_extraction_get_section (const ElExtraction *self, ElSbarSection section)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail ((guint) section < G_N_ELEMENTS (self->sections), NULL);
  return self->sections[section];
}

void
el_extraction_set_section (ElExtraction *self, ElSbarSection section, const char *text)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail ((guint) section < G_N_ELEMENTS (self->sections));
  g_return_if_fail (text == NULL || g_utf8_validate (text, -1, NULL));

  wipe_free (self->sections[section]);
  self->sections[section] = g_strdup (text);
}

ElSbarFields *
el_extraction_get_fields (const ElExtraction *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->fields;
}

void
el_extraction_take_fields (ElExtraction *self, ElSbarFields *fields)
{
  g_return_if_fail (self != NULL);

  el_sbar_fields_free (self->fields);
  self->fields = fields != NULL ? fields : el_sbar_fields_new ();
}

void
el_extraction_add_flag (
    ElExtraction *self, ElExtractionFlagKind kind, const char *field, const char *detail, const ElSpan *span)
{
  ElExtractionFlag *flag;

  g_return_if_fail (self != NULL);

  flag = g_new0 (ElExtractionFlag, 1);
  flag->kind = kind;
  flag->field = g_strdup (field != NULL ? field : "");
  flag->detail = g_strdup (detail);
  flag->span = span != NULL ? el_span_copy (span) : NULL;
  g_ptr_array_add (self->flags, flag);
}

guint
el_extraction_get_n_flags (const ElExtraction *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->flags->len;
}

const ElExtractionFlag *
el_extraction_get_flag (const ElExtraction *self, guint index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->flags->len, NULL);
  return g_ptr_array_index (self->flags, index);
}

const char *
el_extraction_flag_kind_to_string (ElExtractionFlagKind kind)
{
  switch (kind)
    {
      case EL_EXTRACTION_FLAG_LOW_CONFIDENCE:
        return "low_confidence";
      case EL_EXTRACTION_FLAG_IMPLAUSIBLE:
        return "implausible";
      case EL_EXTRACTION_FLAG_UNGROUNDED:
        return "ungrounded";
      case EL_EXTRACTION_FLAG_CORRECTED:
        return "corrected";
      case EL_EXTRACTION_FLAG_OTHER_PATIENT:
        return "other_patient";
      default:
        return NULL;
    }
}

ElSbarVersion *
el_extraction_to_sbar_version (const ElExtraction *self, ElSbarSource source)
{
  g_autoptr (ElSbarVersion) version = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (ElCompleteness) completeness = NULL;
  g_autoptr (JsonNode) completeness_json = NULL;
  g_autoptr (GError) error = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  version = el_sbar_version_new ();
  el_sbar_version_set_source (version, source);
  for (guint i = 0; i < G_N_ELEMENTS (self->sections); i++)
    if (self->sections[i] != NULL)
      el_sbar_version_set_section (version, (ElSbarSection) i, self->sections[i]);
  el_sbar_version_set_fields (version, self->fields);

  node = el_sbar_version_to_json (version);
  completeness = el_completeness_compute (json_node_get_object (node));
  completeness_json = el_completeness_to_json (completeness);
  if (!el_sbar_version_set_completeness_json (version, completeness_json, &error))
    g_warning ("completeness rejected by the model: %s", error->message);
  return g_steal_pointer (&version);
}

double
el_extraction_get_score (const ElExtraction *self)
{
  g_autoptr (ElSbarVersion) version = NULL;
  JsonNode *completeness;
  double score = 0;

  g_return_val_if_fail (self != NULL, 0);

  version = el_extraction_to_sbar_version (self, EL_SBAR_SOURCE_AI);
  completeness = el_sbar_version_get_completeness_json (version);
  if (completeness != NULL && JSON_NODE_HOLDS_OBJECT (completeness))
    score = json_object_get_double_member_with_default (json_node_get_object (completeness), "score", 0);
  return score;
}

static JsonNode *
span_to_json (const ElSpan *span)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "start");
  json_builder_add_int_value (b, span->start);
  json_builder_set_member_name (b, "end");
  json_builder_add_int_value (b, span->end);
  if (span->has_audio_start_ms)
    {
      json_builder_set_member_name (b, "audio_start_ms");
      json_builder_add_int_value (b, span->audio_start_ms);
    }
  if (span->has_audio_end_ms)
    {
      json_builder_set_member_name (b, "audio_end_ms");
      json_builder_add_int_value (b, span->audio_end_ms);
    }
  if (span->has_confidence)
    {
      json_builder_set_member_name (b, "confidence");
      json_builder_add_double_value (b, span->confidence);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

JsonNode *
el_extraction_to_json (const ElExtraction *self)
{
  g_autoptr (ElSbarVersion) version = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  JsonNode *completeness;

  g_return_val_if_fail (self != NULL, NULL);

  version = el_extraction_to_sbar_version (self, EL_SBAR_SOURCE_AI);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "engine");
  json_builder_add_string_value (b, self->engine);
  json_builder_set_member_name (b, "fell_back");
  json_builder_add_boolean_value (b, self->fell_back);
  for (guint i = 0; i < G_N_ELEMENTS (self->sections); i++)
    {
      if (self->sections[i] == NULL)
        continue;
      json_builder_set_member_name (b, el_sbar_section_to_string ((ElSbarSection) i));
      json_builder_add_string_value (b, self->sections[i]);
    }
  json_builder_set_member_name (b, "fields");
  json_builder_add_value (b, el_sbar_fields_to_json (self->fields));
  json_builder_set_member_name (b, "flags");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->flags->len; i++)
    {
      const ElExtractionFlag *flag = g_ptr_array_index (self->flags, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, el_extraction_flag_kind_to_string (flag->kind));
      json_builder_set_member_name (b, "field");
      json_builder_add_string_value (b, flag->field);
      if (flag->detail != NULL)
        {
          json_builder_set_member_name (b, "detail");
          json_builder_add_string_value (b, flag->detail);
        }
      if (flag->span != NULL)
        {
          json_builder_set_member_name (b, "span");
          json_builder_add_value (b, span_to_json (flag->span));
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  completeness = el_sbar_version_get_completeness_json (version);
  if (completeness != NULL)
    {
      json_builder_set_member_name (b, "completeness");
      json_builder_add_value (b, json_node_copy (completeness));
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* The interface. */

G_DEFINE_INTERFACE (ElSbarExtractor, el_sbar_extractor, G_TYPE_OBJECT)

static void
el_sbar_extractor_default_init (ElSbarExtractorInterface *iface)
{
  (void) iface;
}

const char *
el_sbar_extractor_get_engine_name (ElSbarExtractor *self)
{
  g_return_val_if_fail (EL_IS_SBAR_EXTRACTOR (self), NULL);
  return EL_SBAR_EXTRACTOR_GET_IFACE (self)->get_engine_name (self);
}

void
el_sbar_extractor_extract_async (ElSbarExtractor *self,
                                 ElTranscript *transcript,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_return_if_fail (EL_IS_SBAR_EXTRACTOR (self));
  g_return_if_fail (transcript != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  EL_SBAR_EXTRACTOR_GET_IFACE (self)->extract_async (self, transcript, cancellable, callback, user_data);
}

ElExtraction *
el_sbar_extractor_extract_finish (ElSbarExtractor *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (EL_IS_SBAR_EXTRACTOR (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return EL_SBAR_EXTRACTOR_GET_IFACE (self)->extract_finish (self, result, error);
}

static void
sync_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  (void) source;
  *out = g_object_ref (result);
}

ElExtraction *
el_sbar_extractor_extract_sync (ElSbarExtractor *self,
                                ElTranscript *transcript,
                                GCancellable *cancellable,
                                GError **error)
{
  g_autoptr (GMainContext) context = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  ElExtraction *extraction;

  g_return_val_if_fail (EL_IS_SBAR_EXTRACTOR (self), NULL);
  g_return_val_if_fail (transcript != NULL, NULL);

  /* A private context: the async call's callbacks (and libsoup's I/O for a cloud engine) run
   * here, never on whatever main loop the calling thread may also serve. */
  context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  el_sbar_extractor_extract_async (self, transcript, cancellable, sync_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  /* Finish and drop the result while the context is still the thread's default (a cloud engine's
   * HTTP message completes when its task data goes; libsoup asserts it is the sending context). */
  extraction = el_sbar_extractor_extract_finish (self, result, error);
  g_clear_object (&result);
  while (g_main_context_pending (context))
    g_main_context_iteration (context, FALSE);
  g_main_context_pop_thread_default (context);
  return extraction;
}
