/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-speech-model.h"

#include <string.h>

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

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

GPtrArray *
el_speech_enrollment_texts (GError **error)
{
  g_autofree char *dir_path = el_speech_model_dir ();
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, error);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    return NULL;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, EL_SPEECH_ENROLLMENT_PREFIX) && g_str_has_suffix (name, ".txt"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir_path, g_ptr_array_index (names, i), NULL);
      char *text = NULL;

      if (!g_file_get_contents (path, &text, NULL, error))
        return NULL;
      g_ptr_array_add (texts, g_strstrip (text));
    }
  if (texts->len == 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "no enrollment texts in %s", dir_path);
      return NULL;
    }
  return g_steal_pointer (&texts);
}
