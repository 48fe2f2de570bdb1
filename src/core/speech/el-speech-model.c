/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-speech-model.h"

static char *
env_or (const char *name, const char *fallback)
{
  const char *value = g_getenv (name);

  return g_strdup (value != NULL && value[0] != '\0' ? value : fallback);
}

char *
el_speech_model_dir (void)
{
  return env_or ("EL_SPEECH_MODEL_DIR", PKGDATADIR "/speech");
}

char *
el_speech_acoustic_model_dir (void)
{
  return env_or ("EL_SPEECH_ACOUSTIC_MODEL", EL_SPEECH_DEFAULT_ACOUSTIC_MODEL);
}

char *
el_speech_language_model_path (void)
{
  g_autofree char *dir = el_speech_model_dir ();

  return g_build_filename (dir, EL_SPEECH_LANGUAGE_MODEL_NAME, NULL);
}

char *
el_speech_dictionary_path (void)
{
  g_autofree char *dir = el_speech_model_dir ();

  return g_build_filename (dir, EL_SPEECH_DICTIONARY_NAME, NULL);
}
