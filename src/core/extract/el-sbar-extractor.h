/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "el-sbar-version.h"
#include "el-transcript.h"

G_BEGIN_DECLS

/*
 * ElSbarExtractor: turns a transcript into an SBAR draft. One interface, two engines:
 * ElRulesExtractor (grounded rules, offline, the default) and ElChatExtractor (Azure OpenAI / any
 * OpenAI-compatible /v1/chat/completions; validates the reply, drops every value it cannot find in
 * the transcript, falls back to the rules engine on error or timeout).
 *
 * Grounding: every field value in the result comes from the transcript — each field carries the
 * ElSpan of the words it came from (with audio times and the words' lowest confidence when the
 * transcript has them). A number, drug, dose or allergy that is not in the transcript is never
 * emitted. Values the engine is unsure of (words under EL_SPEECH_LOW_CONFIDENCE, a drug name that
 * only approximately matches the lexicon, a vital outside its plausible range) are kept only when
 * grounded and are listed in the flags so the nurse confirms them.
 */

typedef enum
{
  EL_EXTRACTION_FLAG_LOW_CONFIDENCE, /* recognised with low confidence: the nurse confirms it */
  EL_EXTRACTION_FLAG_IMPLAUSIBLE,    /* a vital outside its plausible range: not emitted */
  EL_EXTRACTION_FLAG_UNGROUNDED,     /* a cloud engine's value not found in the transcript: dropped */
  EL_EXTRACTION_FLAG_CORRECTED,      /* the speaker corrected it ("38, sorry, 37.8"): the last value kept */
  EL_EXTRACTION_FLAG_OTHER_PATIENT,  /* the transcript seems to mention more than one patient */
} ElExtractionFlagKind;

typedef struct
{
  ElExtractionFlagKind kind;
  char *field;  /* the field's path in SbarFields JSON, e.g. "vitals.temperature_c", "meds_due" */
  char *detail; /* for the nurse (may quote the transcript: PHI, never log it) */
  ElSpan *span; /* nullable */
} ElExtractionFlag;

typedef struct _ElExtraction ElExtraction;

#define EL_TYPE_EXTRACTION (el_extraction_get_type ())
GType el_extraction_get_type (void) G_GNUC_CONST;

ElExtraction *el_extraction_new (const char *engine);
ElExtraction *el_extraction_ref (ElExtraction *self);
void el_extraction_unref (ElExtraction *self);

const char *el_extraction_get_engine (const ElExtraction *self);
/* TRUE when a cloud engine failed and the rules engine produced this result. */
gboolean el_extraction_get_fell_back (const ElExtraction *self);
void el_extraction_set_fell_back (ElExtraction *self, gboolean fell_back);
const char *el_extraction_get_section (const ElExtraction *self, ElSbarSection section);
void el_extraction_set_section (ElExtraction *self, ElSbarSection section, const char *text);
/* (transfer none): never NULL */
ElSbarFields *el_extraction_get_fields (const ElExtraction *self);
void el_extraction_take_fields (ElExtraction *self, ElSbarFields *fields);
void el_extraction_add_flag (
    ElExtraction *self, ElExtractionFlagKind kind, const char *field, const char *detail, const ElSpan *span);
guint el_extraction_get_n_flags (const ElExtraction *self);
const ElExtractionFlag *el_extraction_get_flag (const ElExtraction *self, guint index);
const char *el_extraction_flag_kind_to_string (ElExtractionFlagKind kind);
/* A new SbarVersion (no id, version or author yet) with the sections, fields and completeness
 * (core's el_completeness_compute()) of this extraction and @source ("ai" on the server,
 * "on-device" on the PC). */
ElSbarVersion *el_extraction_to_sbar_version (const ElExtraction *self, ElSbarSource source);
/* The completeness score 0..100 of to_sbar_version's document. */
double el_extraction_get_score (const ElExtraction *self);
/* {"engine", "fell_back", "situation"..., "fields", "flags": [{kind, field, detail, span}],
 * "completeness"} — the CLI's `extract --json`. */
JsonNode *el_extraction_to_json (const ElExtraction *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElExtraction, el_extraction_unref)

#define EL_SBAR_EXTRACTOR_ERROR (el_sbar_extractor_error_quark ())
GQuark el_sbar_extractor_error_quark (void);

typedef enum
{
  EL_SBAR_EXTRACTOR_ERROR_ENGINE,      /* the engine failed (bad reply, timeout) */
  EL_SBAR_EXTRACTOR_ERROR_UNAVAILABLE, /* a cloud engine that cannot be reached or is not configured */
} ElSbarExtractorError;

#define EL_TYPE_SBAR_EXTRACTOR (el_sbar_extractor_get_type ())
G_DECLARE_INTERFACE (ElSbarExtractor, el_sbar_extractor, EL, SBAR_EXTRACTOR, GObject)

struct _ElSbarExtractorInterface
{
  GTypeInterface parent_iface;

  const char *(*get_engine_name) (ElSbarExtractor *self); /* "rules", "openai" */
  void (*extract_async) (ElSbarExtractor *self,
                         ElTranscript *transcript,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data);
  ElExtraction *(*extract_finish) (ElSbarExtractor *self, GAsyncResult *result, GError **error);
};

const char *el_sbar_extractor_get_engine_name (ElSbarExtractor *self);
void el_sbar_extractor_extract_async (ElSbarExtractor *self,
                                      ElTranscript *transcript,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
ElExtraction *el_sbar_extractor_extract_finish (ElSbarExtractor *self, GAsyncResult *result, GError **error);
/* Blocking convenience for worker threads (job runner, CLI); never on the GTK main thread. */
ElExtraction *el_sbar_extractor_extract_sync (ElSbarExtractor *self,
                                              ElTranscript *transcript,
                                              GCancellable *cancellable,
                                              GError **error);

G_END_DECLS
