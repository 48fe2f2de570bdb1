/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * ElOpenAiConfig: where the OpenAI-compatible cloud engines send audio and transcripts.
 *
 * Two flavours, one struct:
 * - Azure OpenAI (the seed's deployment): endpoint "https://NAME.openai.azure.com", header
 *   `api-key: KEY`, URLs `{endpoint}/openai/deployments/{deployment}/audio/transcriptions?api-version=V`
 *   and `.../chat/completions?api-version=V`; the deployment names the model.
 * - OpenAI-compatible (api.openai.com, a local whisper.cpp or llama.cpp server): base URL
 *   "http://host:port/v1", header `Authorization: Bearer KEY` (omitted when no key),
 *   URLs `{base}/audio/transcriptions` and `{base}/chat/completions` with "model" in the request.
 *
 * From the environment (el_openai_config_new_from_environment()), the seed's names:
 *   AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY, AZURE_OPENAI_WHISPER_DEPLOYMENT,
 *   AZURE_OPENAI_GPT4_DEPLOYMENT, AZURE_OPENAI_API_VERSION (default "2024-06-01");
 * or, when AZURE_OPENAI_ENDPOINT is unset: OPENAI_BASE_URL, OPENAI_API_KEY,
 *   OPENAI_TRANSCRIPTION_MODEL (default "whisper-1"), OPENAI_CHAT_MODEL (default "gpt-4o-mini").
 * Shared: OPENAI_TIMEOUT_SECONDS (default 60).
 * The key is a secret: it is never logged, never in an error message, and wiped on free.
 */

typedef enum
{
  EL_OPENAI_FLAVOR_AZURE,
  EL_OPENAI_FLAVOR_COMPATIBLE,
} ElOpenAiFlavor;

typedef struct
{
  ElOpenAiFlavor flavor;
  char *endpoint;            /* Azure endpoint or compatible base URL, no trailing slash */
  char *api_key;             /* may be NULL for a compatible local server */
  char *api_version;         /* Azure only */
  char *transcription_model; /* Azure: the Whisper deployment; compatible: the model */
  char *chat_model;          /* Azure: the GPT-4 deployment; compatible: the model */
  guint timeout_seconds;
} ElOpenAiConfig;

#define EL_TYPE_OPENAI_CONFIG (el_openai_config_get_type ())
GType el_openai_config_get_type (void) G_GNUC_CONST;

/* Azure: api_version "2024-06-01", no deployments (set them); compatible: "whisper-1" and
 * "gpt-4o-mini". Both: timeout 60 s. Trailing slashes of @endpoint are dropped; "" key = no key. */
ElOpenAiConfig *el_openai_config_new (ElOpenAiFlavor flavor, const char *endpoint, const char *api_key);
/* NULL (and no error) when neither AZURE_OPENAI_ENDPOINT nor OPENAI_BASE_URL is set; NULL with
 * @error when the values are unusable (not http(s), an Azure endpoint without a key, ...).
 * The error is G_IO_ERROR_INVALID_ARGUMENT; its message names the variable, never its value. */
ElOpenAiConfig *el_openai_config_new_from_environment (GError **error);
ElOpenAiConfig *el_openai_config_copy (const ElOpenAiConfig *self);
void el_openai_config_free (ElOpenAiConfig *self);
/* The URL of an operation: "audio/transcriptions" or "chat/completions" (NULL when the model or
 * deployment for it is not configured). */
char *el_openai_config_build_url (const ElOpenAiConfig *self, const char *operation);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElOpenAiConfig, el_openai_config_free)

G_END_DECLS
