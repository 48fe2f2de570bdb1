/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-speech-engines.h"

#include "el-chat-extractor.h"
#include "el-openai-config.h"
#include "el-openai-transcriber.h"
#include "el-pocketsphinx-transcriber.h"
#include "el-rules-extractor.h"
#include "el-speech-model.h"
#include "el-voice-profile.h"

static const char *
choice (const char *name)
{
  const char *value = g_getenv (name);

  return value != NULL && value[0] != '\0' ? value : "auto";
}

static gboolean
pocketsphinx_models_present (GError **error)
{
  g_autofree char *acoustic = el_speech_acoustic_model_dir ();
  g_autofree char *lm = el_speech_language_model_path ();
  g_autofree char *dict = el_speech_dictionary_path ();

  if (!g_file_test (acoustic, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_ENGINE,
                   "the acoustic model %s is missing (Debian package pocketsphinx-en-us, or set "
                   "EL_SPEECH_ACOUSTIC_MODEL)",
                   acoustic);
      return FALSE;
    }
  if (!g_file_test (lm, G_FILE_TEST_IS_REGULAR) || !g_file_test (dict, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_ENGINE,
                   "the handoff language model or dictionary is missing in %s (install the project, or set "
                   "EL_SPEECH_MODEL_DIR)",
                   lm);
      return FALSE;
    }
  return TRUE;
}

gboolean
el_speech_engines_new_transcriber (ElTranscriber **transcriber, GError **error)
{
  return el_speech_engines_new_transcriber_for_speaker (NULL, transcriber, error);
}

gboolean
el_speech_engines_new_transcriber_for_speaker (const char *voice_profile,
                                               ElTranscriber **transcriber,
                                               GError **error)
{
  const char *engine = choice ("SPEECH_ENGINE");
  g_autoptr (ElOpenAiConfig) config = NULL;
  g_autofree char *url = NULL;

  g_return_val_if_fail (transcriber != NULL, FALSE);
  *transcriber = NULL;

  if (g_str_equal (engine, "none"))
    return TRUE;
  if (!g_str_equal (engine, "auto") && !g_str_equal (engine, "pocketsphinx") &&
      !g_str_equal (engine, "openai"))
    {
      g_set_error (error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_ENGINE,
                   "SPEECH_ENGINE must be auto, pocketsphinx, openai or none");
      return FALSE;
    }
  if (!g_str_equal (engine, "pocketsphinx"))
    {
      GError *config_error = NULL;

      config = el_openai_config_new_from_environment (&config_error);
      if (config_error != NULL)
        {
          g_propagate_prefixed_error (error, config_error, "SPEECH_ENGINE=%s: ", engine);
          return FALSE;
        }
      url = config != NULL ? el_openai_config_build_url (config, "audio/transcriptions") : NULL;
      if (url == NULL && g_str_equal (engine, "openai"))
        {
          g_set_error (
              error, EL_TRANSCRIBER_ERROR, EL_TRANSCRIBER_ERROR_UNAVAILABLE,
              "SPEECH_ENGINE=openai needs AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_WHISPER_DEPLOYMENT, "
              "or OPENAI_BASE_URL");
          return FALSE;
        }
      if (url != NULL)
        {
          *transcriber = el_openai_transcriber_new (config);
          return TRUE;
        }
    }
  if (!pocketsphinx_models_present (error))
    return FALSE;
  if (el_voice_profile_is_present (voice_profile))
    *transcriber = g_object_new (EL_TYPE_POCKETSPHINX_TRANSCRIBER, "acoustic-model", voice_profile, NULL);
  else
    *transcriber = el_pocketsphinx_transcriber_new ();
  return TRUE;
}

ElSbarExtractor *
el_speech_engines_new_extractor (GError **error)
{
  const char *engine = choice ("SBAR_EXTRACTOR");
  g_autoptr (ElOpenAiConfig) config = NULL;
  g_autofree char *url = NULL;
  GError *config_error = NULL;

  if (g_str_equal (engine, "rules"))
    return el_rules_extractor_new ();
  if (!g_str_equal (engine, "auto") && !g_str_equal (engine, "openai"))
    {
      g_set_error (error, EL_SBAR_EXTRACTOR_ERROR, EL_SBAR_EXTRACTOR_ERROR_ENGINE,
                   "SBAR_EXTRACTOR must be auto, rules or openai");
      return NULL;
    }
  config = el_openai_config_new_from_environment (&config_error);
  if (config_error != NULL)
    {
      g_propagate_prefixed_error (error, config_error, "SBAR_EXTRACTOR=%s: ", engine);
      return NULL;
    }
  url = config != NULL ? el_openai_config_build_url (config, "chat/completions") : NULL;
  if (url != NULL)
    return el_chat_extractor_new (config, NULL);
  if (g_str_equal (engine, "openai"))
    {
      g_set_error (error, EL_SBAR_EXTRACTOR_ERROR, EL_SBAR_EXTRACTOR_ERROR_UNAVAILABLE,
                   "SBAR_EXTRACTOR=openai needs AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_GPT4_DEPLOYMENT, or "
                   "OPENAI_BASE_URL");
      return NULL;
    }
  return el_rules_extractor_new ();
}
