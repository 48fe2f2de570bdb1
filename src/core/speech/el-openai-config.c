/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-openai-config.h"

#include <gio/gio.h>
#include <openssl/crypto.h>
#include <string.h>

G_DEFINE_BOXED_TYPE (ElOpenAiConfig, el_openai_config, el_openai_config_copy, el_openai_config_free)

#define DEFAULT_API_VERSION         "2024-06-01"
#define DEFAULT_TRANSCRIPTION_MODEL "whisper-1"
#define DEFAULT_CHAT_MODEL          "gpt-4o-mini"
#define DEFAULT_TIMEOUT_SECONDS     60
#define MAX_TIMEOUT_SECONDS         3600

static char *
strip_trailing_slashes (const char *endpoint)
{
  char *s = g_strstrip (g_strdup (endpoint));
  gsize len = strlen (s);

  while (len > 0 && s[len - 1] == '/')
    s[--len] = '\0';
  return s;
}

static void
wipe_free (char *secret)
{
  if (secret == NULL)
    return;
  OPENSSL_cleanse (secret, strlen (secret));
  g_free (secret);
}

ElOpenAiConfig *
el_openai_config_new (ElOpenAiFlavor flavor, const char *endpoint, const char *api_key)
{
  ElOpenAiConfig *self;

  g_return_val_if_fail (flavor == EL_OPENAI_FLAVOR_AZURE || flavor == EL_OPENAI_FLAVOR_COMPATIBLE, NULL);
  g_return_val_if_fail (endpoint != NULL, NULL);

  self = g_new0 (ElOpenAiConfig, 1);
  self->flavor = flavor;
  self->endpoint = strip_trailing_slashes (endpoint);
  self->api_key = (api_key != NULL && api_key[0] != '\0') ? g_strdup (api_key) : NULL;
  self->timeout_seconds = DEFAULT_TIMEOUT_SECONDS;
  if (flavor == EL_OPENAI_FLAVOR_AZURE)
    {
      self->api_version = g_strdup (DEFAULT_API_VERSION);
    }
  else
    {
      self->transcription_model = g_strdup (DEFAULT_TRANSCRIPTION_MODEL);
      self->chat_model = g_strdup (DEFAULT_CHAT_MODEL);
    }
  return self;
}

ElOpenAiConfig *
el_openai_config_copy (const ElOpenAiConfig *self)
{
  ElOpenAiConfig *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (ElOpenAiConfig, 1);
  copy->flavor = self->flavor;
  copy->endpoint = g_strdup (self->endpoint);
  copy->api_key = g_strdup (self->api_key);
  copy->api_version = g_strdup (self->api_version);
  copy->transcription_model = g_strdup (self->transcription_model);
  copy->chat_model = g_strdup (self->chat_model);
  copy->timeout_seconds = self->timeout_seconds;
  return copy;
}

void
el_openai_config_free (ElOpenAiConfig *self)
{
  if (self == NULL)
    return;
  wipe_free (self->api_key);
  g_free (self->endpoint);
  g_free (self->api_version);
  g_free (self->transcription_model);
  g_free (self->chat_model);
  g_free (self);
}

/* An environment variable, NULL when unset or blank. */
static const char *
env_value (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL)
    return NULL;
  for (const char *p = value; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return value;
  return NULL;
}

/* Messages name the variable, never its value (the endpoint may carry credentials in userinfo). */
static gboolean
check_endpoint (const char *name, const char *endpoint, GError **error)
{
  g_autoptr (GUri) uri = g_uri_parse (endpoint, G_URI_FLAGS_NONE, NULL);
  const char *scheme;
  const char *host;

  if (uri == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s is not a valid URL", name);
      return FALSE;
    }
  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s must be an http or https URL", name);
      return FALSE;
    }
  if (host == NULL || host[0] == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s has no host", name);
      return FALSE;
    }
  if (g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "%s must not contain credentials; use the API key variable", name);
      return FALSE;
    }
  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s must not have a query or fragment",
                   name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_timeout (guint *out, GError **error)
{
  const char *value = env_value ("OPENAI_TIMEOUT_SECONDS");
  guint64 seconds;

  if (value == NULL)
    {
      *out = DEFAULT_TIMEOUT_SECONDS;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (value, 10, 1, MAX_TIMEOUT_SECONDS, &seconds, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "OPENAI_TIMEOUT_SECONDS must be a whole number of seconds from 1 to %d",
                   MAX_TIMEOUT_SECONDS);
      return FALSE;
    }
  *out = (guint) seconds;
  return TRUE;
}

static void
set_string (char **field, const char *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

ElOpenAiConfig *
el_openai_config_new_from_environment (GError **error)
{
  const char *azure_endpoint = env_value ("AZURE_OPENAI_ENDPOINT");
  const char *base_url = env_value ("OPENAI_BASE_URL");
  g_autoptr (ElOpenAiConfig) self = NULL;
  guint timeout = DEFAULT_TIMEOUT_SECONDS;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (azure_endpoint == NULL && base_url == NULL)
    return NULL;
  if (!parse_timeout (&timeout, error))
    return NULL;

  if (azure_endpoint != NULL)
    {
      const char *key = env_value ("AZURE_OPENAI_API_KEY");
      const char *version = env_value ("AZURE_OPENAI_API_VERSION");

      if (!check_endpoint ("AZURE_OPENAI_ENDPOINT", azure_endpoint, error))
        return NULL;
      if (key == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "AZURE_OPENAI_ENDPOINT is set but AZURE_OPENAI_API_KEY is not");
          return NULL;
        }
      self = el_openai_config_new (EL_OPENAI_FLAVOR_AZURE, azure_endpoint, key);
      if (version != NULL)
        set_string (&self->api_version, version);
      set_string (&self->transcription_model, env_value ("AZURE_OPENAI_WHISPER_DEPLOYMENT"));
      set_string (&self->chat_model, env_value ("AZURE_OPENAI_GPT4_DEPLOYMENT"));
    }
  else
    {
      const char *transcription = env_value ("OPENAI_TRANSCRIPTION_MODEL");
      const char *chat = env_value ("OPENAI_CHAT_MODEL");

      if (!check_endpoint ("OPENAI_BASE_URL", base_url, error))
        return NULL;
      self = el_openai_config_new (EL_OPENAI_FLAVOR_COMPATIBLE, base_url, env_value ("OPENAI_API_KEY"));
      if (transcription != NULL)
        set_string (&self->transcription_model, transcription);
      if (chat != NULL)
        set_string (&self->chat_model, chat);
    }
  self->timeout_seconds = timeout;
  return g_steal_pointer (&self);
}

char *
el_openai_config_build_url (const ElOpenAiConfig *self, const char *operation)
{
  const char *model;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (operation != NULL, NULL);

  if (g_strcmp0 (operation, "audio/transcriptions") == 0)
    model = self->transcription_model;
  else if (g_strcmp0 (operation, "chat/completions") == 0)
    model = self->chat_model;
  else
    return NULL;
  if (model == NULL || model[0] == '\0' || self->endpoint == NULL)
    return NULL;

  if (self->flavor == EL_OPENAI_FLAVOR_AZURE)
    {
      g_autofree char *deployment = g_uri_escape_string (model, NULL, FALSE);
      g_autofree char *version = g_uri_escape_string (
          self->api_version != NULL ? self->api_version : DEFAULT_API_VERSION, NULL, FALSE);

      return g_strdup_printf ("%s/openai/deployments/%s/%s?api-version=%s", self->endpoint, deployment,
                              operation, version);
    }
  return g_strdup_printf ("%s/%s", self->endpoint, operation);
}
