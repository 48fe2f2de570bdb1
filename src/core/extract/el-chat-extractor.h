/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

#include "el-openai-config.h"
#include "el-sbar-extractor.h"

G_BEGIN_DECLS

/*
 * ElChatExtractor: the SBAR extractor on an OpenAI-compatible chat model (engine name "openai"):
 * the seed's Azure OpenAI GPT-4 deployment (`AZURE_OPENAI_GPT4_DEPLOYMENT`) or any
 * `/v1/chat/completions` endpoint (ElOpenAiConfig says which, and how to authenticate).
 *
 * Request (POST, JSON): `messages` = a system prompt that describes the SBAR JSON (the four
 * sections plus `fields` in the SbarFields schema of data/openapi.json) and the rule "only values
 * stated in the transcript", then the transcript as the user message; `response_format:
 * {"type": "json_object"}`, `temperature: 0`; plus `model` for a compatible server. Azure gets the
 * key in `api-key`, a compatible server in `Authorization: Bearer` (none without a key).
 *
 * Reply: `choices[0].message.content` is parsed as JSON and validated with the models' strict
 * decoder (el_sbar_fields_new_from_json()). Nothing the model says about where a value came from is
 * trusted: every field is looked up in the transcript by the grounding rules (el-grounding.h) and
 * gets the span of the smallest stretch of words that holds all its values; a field that cannot
 * be found is dropped and flagged UNGROUNDED (so is a section holding a number or drug that is not
 * in the transcript: the rules engine's section replaces it). `date_of_birth` and `vitals.taken_at`
 * cannot be grounded in speech and are dropped.
 *
 * Falls back to the rules engine (ElExtraction fell_back = TRUE, engine "rules") when the engine is
 * not configured, on a network error, after the config's timeout, on an HTTP status other than
 * 200, a body or content that is not the expected JSON, or `finish_reason: "content_filter"`.
 * Only cancellation is an error (G_IO_ERROR_CANCELLED). The key never appears in a log or an error;
 * the transcript is sent to the configured endpoint only.
 */

#define EL_TYPE_CHAT_EXTRACTOR (el_chat_extractor_get_type ())
G_DECLARE_FINAL_TYPE (ElChatExtractor, el_chat_extractor, EL, CHAT_EXTRACTOR, GObject)

/* @config: (nullable): copied; NULL means "not configured" (always the rules engine).
 * @session: (nullable): the HTTP session to use (a new one when NULL). */
ElSbarExtractor *el_chat_extractor_new (const ElOpenAiConfig *config, SoupSession *session);
/* The system prompt sent with every request. */
const char *el_chat_extractor_get_system_prompt (void);

G_END_DECLS
