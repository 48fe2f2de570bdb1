/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-context.h"

#include "el-api-secrets-token-store.h"
#include "el-password.h"
#include "el-pocketsphinx-transcriber.h"
#include "el-sealed-audio.h"
#include "el-speech-engines.h"
#include "el-vault.h"
#include "el-voice-profile.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

struct _ElContext
{
  GObject parent_instance;

  char *server_url;
  char *data_dir;
  char *account;

  ElSecrets *secrets;
  ElApiTokenStore *token_store;
  ElApiClient *client;
  ElStore *store;
  ElSync *sync;
  ElVault *audio_vault;  /* after open: el_vault_new_derived (data key, "audio") */
  char *recordings_dir;  /* after open: <cache file>.recordings */
  char *voice_dir;       /* after open: <cache file>.voice */
  ElDrafter *drafter;    /* nullable: on-device drafts */
  gboolean drafter_auto; /* made by el_context_ensure_drafter(): remade when the voice profile changes */
  gboolean drafter_for_speaker; /* ...with the nurse's voice profile */
  ElUser *user;                 /* the open account's user (nullable) */
  guint voice_learning_seconds; /* of her handoffs heard before a profile is built from them */
  GMutex learn_lock;            /* one learning step at a time: counting and building */
  GCancellable *learn_stop;     /* cancelled at sign-out: learning stops before its files go */
  /* What the stock model heard in the last recording drafted here, kept for learning her voice from it
   * (el_context_learn_voice_async()) so that it is not decoded twice; taken by it, or dropped by
   * the next draft and at sign-out. */
  char *heard_id;
  ElTranscript *heard;
};

enum
{
  PROP_0,
  PROP_SERVER_URL,
  PROP_DATA_DIR,
  PROP_ACCOUNT,
  PROP_SECRETS,
  PROP_API_CLIENT,
  PROP_STORE,
  PROP_SYNC,
  PROP_USER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_VOICE_PROFILE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define DEFAULT_VOICE_LEARNING_SECONDS 240

/* Spelled out rather than G_DEFINE_QUARK (): cppcheck cannot parse that macro next to a type
 * definition. */
GQuark
el_context_error_quark (void)
{
  static GQuark quark = 0;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("el-context-error-quark");
  return quark;
}

G_DEFINE_FINAL_TYPE (ElContext, el_context, G_TYPE_OBJECT)

static void
forget_heard (ElContext *self)
{
  g_clear_pointer (&self->heard_id, g_free);
  g_clear_pointer (&self->heard, el_transcript_unref);
}

static void
el_context_dispose (GObject *object)
{
  ElContext *self = EL_CONTEXT (object);

  if (self->sync != NULL)
    el_sync_stop (self->sync);
  g_clear_object (&self->sync);
  g_clear_object (&self->store);
  g_clear_object (&self->audio_vault);
  g_clear_object (&self->drafter);
  forget_heard (self);
  g_clear_object (&self->user);
  g_clear_object (&self->client);
  g_clear_object (&self->token_store);
  g_clear_object (&self->secrets);
  G_OBJECT_CLASS (el_context_parent_class)->dispose (object);
}

static void
el_context_finalize (GObject *object)
{
  ElContext *self = EL_CONTEXT (object);

  g_free (self->server_url);
  g_free (self->data_dir);
  g_free (self->recordings_dir);
  g_free (self->voice_dir);
  g_free (self->account);
  g_mutex_clear (&self->learn_lock);
  g_clear_object (&self->learn_stop);
  G_OBJECT_CLASS (el_context_parent_class)->finalize (object);
}

static void
el_context_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElContext *self = EL_CONTEXT (object);

  switch (prop_id)
    {
      case PROP_SERVER_URL:
        g_value_set_string (value, self->server_url);
        break;
      case PROP_DATA_DIR:
        g_value_set_string (value, self->data_dir);
        break;
      case PROP_ACCOUNT:
        g_value_set_string (value, self->account);
        break;
      case PROP_SECRETS:
        g_value_set_object (value, self->secrets);
        break;
      case PROP_API_CLIENT:
        g_value_set_object (value, self->client);
        break;
      case PROP_STORE:
        g_value_set_object (value, self->store);
        break;
      case PROP_SYNC:
        g_value_set_object (value, self->sync);
        break;
      case PROP_USER:
        g_value_set_object (value, self->user);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_context_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElContext *self = EL_CONTEXT (object);

  switch (prop_id)
    {
      case PROP_SERVER_URL:
        g_free (self->server_url);
        self->server_url = g_value_dup_string (value);
        break;
      case PROP_DATA_DIR:
        g_free (self->data_dir);
        self->data_dir = g_value_dup_string (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_context_class_init (ElContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = el_context_dispose;
  object_class->finalize = el_context_finalize;
  object_class->get_property = el_context_get_property;
  object_class->set_property = el_context_set_property;

  properties[PROP_SERVER_URL] = g_param_spec_string (
      "server-url", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DATA_DIR] = g_param_spec_string (
      "data-dir", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACCOUNT] = g_param_spec_string ("account", NULL, NULL, NULL, ro);
  properties[PROP_SECRETS] = g_param_spec_object ("secrets", NULL, NULL, EL_TYPE_SECRETS, ro);
  properties[PROP_API_CLIENT] = g_param_spec_object ("api-client", NULL, NULL, EL_TYPE_API_CLIENT, ro);
  properties[PROP_STORE] = g_param_spec_object ("store", NULL, NULL, EL_TYPE_STORE, ro);
  properties[PROP_SYNC] = g_param_spec_object ("sync", NULL, NULL, EL_TYPE_SYNC, ro);
  properties[PROP_USER] = g_param_spec_object ("user", NULL, NULL, EL_TYPE_USER, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* a voice profile was built (enrollment, or learned from her handoffs); the drafter made by
   * el_context_ensure_drafter() already uses it */
  signals[SIGNAL_VOICE_PROFILE_CHANGED] =
      g_signal_new ("voice-profile-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 0);
}

static void
el_context_init (ElContext *self)
{
  self->voice_learning_seconds = DEFAULT_VOICE_LEARNING_SECONDS;
  g_mutex_init (&self->learn_lock);
  self->learn_stop = g_cancellable_new ();
}

/**
 * el_context_new:
 * @server_url: the API base URL (http:// or https://); a trailing '/' is dropped
 * @data_dir: the folder of the cache files
 * @error: where to put an error
 *
 * Makes the context's ElSecrets and ElApiClient (with an ElApiSecretsTokenStore on them).
 *
 * Returns: (transfer full): the context, or %NULL with %EL_CONTEXT_ERROR_INVALID_ARGUMENT
 */
ElContext *
el_context_new (const char *server_url, const char *data_dir, GError **error)
{
  g_autofree char *url = NULL;
  g_autoptr (ElContext) self = NULL;
  g_autoptr (GError) local_error = NULL;
  gsize len;

  if (server_url == NULL || data_dir == NULL || data_dir[0] == '\0')
    {
      g_set_error_literal (error, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_INVALID_ARGUMENT,
                           "a context needs a server URL and a data folder");
      return NULL;
    }
  url = g_strdup (server_url);
  len = strlen (url);
  while (len > 0 && url[len - 1] == '/')
    url[--len] = '\0';

  self = g_object_new (EL_TYPE_CONTEXT, "server-url", url, "data-dir", data_dir, NULL);
  self->secrets = el_secrets_new (url);
  self->token_store = EL_API_TOKEN_STORE (el_api_secrets_token_store_new (self->secrets));
  self->client = el_api_client_new (url, self->token_store, &local_error);
  if (self->client == NULL)
    {
      g_set_error (error, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_INVALID_ARGUMENT, "bad server URL: %s",
                   local_error->message);
      return NULL;
    }
  return g_steal_pointer (&self);
}

const char *
el_context_get_server_url (ElContext *self)
{
  g_return_val_if_fail (EL_IS_CONTEXT (self), NULL);
  return self->server_url;
}

const char *
el_context_get_data_dir (ElContext *self)
{
  g_return_val_if_fail (EL_IS_CONTEXT (self), NULL);
  return self->data_dir;
}

const char *
el_context_get_account (ElContext *self)
{
  g_return_val_if_fail (EL_IS_CONTEXT (self), NULL);
  return self->account;
}

ElSecrets *
el_context_get_secrets (ElContext *self)
{
  g_return_val_if_fail (EL_IS_CONTEXT (self), NULL);
  return self->secrets;
}

ElApiClient *
el_context_get_api_client (ElContext *self)
{
  g_return_val_if_fail (EL_IS_CONTEXT (self), NULL);
  return self->client;
}

ElStore *
el_context_get_store (ElContext *self)
{
  g_return_val_if_fail (EL_IS_CONTEXT (self), NULL);
  return self->store;
}

ElSync *
el_context_get_sync (ElContext *self)
{
  g_return_val_if_fail (EL_IS_CONTEXT (self), NULL);
  return self->sync;
}

/**
 * el_context_canonical_account:
 * @email: an e-mail address as typed
 *
 * Returns: (transfer full) (nullable): @email in lower case, or %NULL when it is not an address
 *   (empty, no '@', control characters or spaces, not UTF-8, longer than 254 bytes)
 */
char *
el_context_canonical_account (const char *email)
{
  const char *at;

  if (email == NULL || email[0] == '\0' || strlen (email) > 254 || !g_utf8_validate (email, -1, NULL))
    return NULL;
  for (const char *p = email; *p != '\0'; p++)
    if ((guchar) *p <= ' ' || *p == 0x7f)
      return NULL;
  at = strchr (email, '@');
  if (at == NULL || at == email || at[1] == '\0' || strchr (at + 1, '@') != NULL)
    return NULL;
  return g_utf8_strdown (email, -1);
}

/* The open account's services: store, sync and account set together (one notify each). */
static void
install (ElContext *self,
         const char *account,
         ElStore *store,
         ElVault *data_vault,
         const char *store_path,
         ElUser *user)
{
  g_autoptr (ElSync) sync = el_sync_new (store, self->client);

  g_clear_object (&self->audio_vault);
  self->audio_vault = el_vault_new_derived (data_vault, "audio");
  g_free (self->recordings_dir);
  self->recordings_dir = g_strconcat (store_path, ".recordings", NULL);
  g_free (self->voice_dir);
  self->voice_dir = g_strconcat (store_path, ".voice", NULL);
  el_sync_set_audio_vault (sync, self->audio_vault);
  /* queued signatures find their password in the keyring (never in the cache) */
  g_object_set (sync, "secrets", self->secrets, "account", account, NULL);

  if (self->sync != NULL)
    el_sync_stop (self->sync);
  g_free (self->account);
  self->account = g_strdup (account);
  g_set_object (&self->store, store);
  g_set_object (&self->sync, sync);
  g_set_object (&self->user, user);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER]);
}

static void
uninstall (ElContext *self)
{
  gboolean had = self->store != NULL || self->account != NULL;

  if (self->sync != NULL)
    el_sync_stop (self->sync);
  g_clear_object (&self->sync);
  g_clear_object (&self->store);
  g_clear_object (&self->audio_vault);
  g_clear_pointer (&self->recordings_dir, g_free);
  g_clear_pointer (&self->voice_dir, g_free);
  g_clear_pointer (&self->account, g_free);
  g_clear_object (&self->user);
  if (had)
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCOUNT]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER]);
    }
}

/* ---- opening a cache (sign-in and open share it) ---- */

typedef struct
{
  char *account;
  gboolean sign_in; /* may make the data key */
  ElUser *user;
  ElVault *vault;
  char *path;
  gboolean key_created; /* the data key was not in the keyring before this sign-in */
  int lost_ops;
  GBytes *password; /* sign-in and open-offline: wiped when freed */
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_free (data->account);
  g_clear_object (&data->user);
  g_clear_object (&data->vault);
  g_free (data->path);
  g_clear_pointer (&data->password, g_bytes_unref);
  g_free (data);
}

static gboolean
check_key (GBytes *key, GError **error)
{
  if (g_bytes_get_size (key) != EL_VAULT_KEY_BYTES)
    {
      g_set_error_literal (error, EL_SECRETS_ERROR, EL_SECRETS_ERROR_CORRUPT,
                           "the keyring's data key has the wrong size");
      return FALSE;
    }
  return TRUE;
}

/* ---- the offline session (keyring kind "offline-session") ----
 * {"version": 1, "password": "<Argon2id PHC string>", "user": <User>}: written at every online
 * sign-in, read to open the cache and to unlock without the server. */

static void
hash_password_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GBytes *password = task_data;
  GError *error = NULL;
  char *phc = el_password_hash (g_bytes_get_data (password, NULL), g_bytes_get_size (password), &error);

  if (phc == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, phc, g_free);
}

static GBytes *
offline_session_encode (const char *phc, ElUser *user)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  char *text;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, phc);
  json_builder_set_member_name (builder, "user");
  json_builder_add_value (builder, el_user_to_json (user));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  return g_bytes_new_take (text, strlen (text));
}

/* (transfer full) the PHC string and the user, or FALSE with EL_SECRETS_ERROR_CORRUPT. */
static gboolean
offline_session_decode (GBytes *bytes, char **phc, ElUser **user, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *object;
  JsonNode *user_node;
  const char *password;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    goto corrupt;
  object = json_node_get_object (json_parser_get_root (parser));
  password = json_object_get_string_member_with_default (object, "password", NULL);
  user_node = json_object_get_member (object, "user");
  if (json_object_get_int_member_with_default (object, "version", 0) != 1 || password == NULL ||
      user_node == NULL)
    goto corrupt;
  *user = el_user_new_from_json (user_node, NULL);
  if (*user == NULL)
    goto corrupt;
  *phc = g_strdup (password);
  return TRUE;

corrupt:
  g_set_error_literal (error, EL_SECRETS_ERROR, EL_SECRETS_ERROR_CORRUPT,
                       "the keyring's offline session cannot be read");
  return FALSE;
}

static void
offline_session_stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  /* Not fatal: the nurse is signed in; only offline sign-in and offline unlock are unavailable. */
  if (!el_secrets_store_finish (EL_SECRETS (source), result, &error))
    g_warning ("could not keep the offline session in the keyring: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

static void
password_hashed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ElContext *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *phc = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr (GBytes) session = NULL;

  if (phc == NULL)
    {
      g_warning ("could not hash the password for offline unlock: %s", error->message);
      g_task_return_boolean (task, TRUE);
      return;
    }
  session = offline_session_encode (phc, data->user);
  el_secrets_store_async (self->secrets, data->account, EL_SECRET_KIND_OFFLINE_SESSION, session, NULL,
                          offline_session_stored_cb, g_steal_pointer (&task));
}

/* The cache is open (install() done): a sign-in also keeps the offline session, then completes. */
static void
opened (GTask *task)
{
  OpenData *data = g_task_get_task_data (task);
  g_autoptr (GTask) hash = NULL;

  if (!data->sign_in || data->password == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  hash = g_task_new (NULL, NULL, password_hashed_cb, task);
  g_task_set_task_data (hash, g_bytes_ref (data->password), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (hash, hash_password_thread);
}

static void
store_recovered_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ElContext *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElStore) store = el_store_recover_finish (result, &data->lost_ops, &error);

  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  install (self, data->account, store, data->vault, data->path, data->user);
  opened (g_steal_pointer (&task));
}

static void
store_opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ElContext *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElStore) store = el_store_open_finish (result, &error);

  if (store == NULL)
    {
      /* A key made just now cannot open an old cache: the old key left the keyring (signed out
       * with --force elsewhere, or the keyring was reset), so the file is unreadable for good. */
      if (data->key_created && g_error_matches (error, EL_STORE_ERROR, EL_STORE_ERROR_WRONG_KEY))
        {
          /* (the cancellable first: arguments are evaluated in no set order, and the task is stolen) */
          GCancellable *cancellable = g_task_get_cancellable (task);

          el_store_recover_async (data->path, data->vault, cancellable, store_recovered_cb,
                                  g_steal_pointer (&task));
          return;
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  install (self, data->account, store, data->vault, data->path, data->user);
  opened (g_steal_pointer (&task));
}

static void
open_with_key (GTask *task, GBytes *key)
{
  ElContext *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);
  g_autoptr (ElVault) vault = NULL;

  vault = el_vault_new (g_bytes_get_data (key, NULL));
  data->vault = g_steal_pointer (&vault);
  data->path = el_store_path_for_account (self->data_dir, self->server_url, data->account);
  el_store_open_async (data->path, data->vault, g_task_get_cancellable (task), store_opened_cb, task);
}

static void
key_created_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) key = el_secrets_get_or_create_data_key_finish (EL_SECRETS (source), result, &error);

  if (key == NULL || !check_key (key, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  open_with_key (task, key);
}

static void
key_looked_up_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  OpenData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) key = el_secrets_lookup_finish (EL_SECRETS (source), result, &error);

  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (key == NULL && !data->sign_in)
    {
      /* open: never make a key (an open without one would create an empty cache nobody signed in to) */
      g_task_return_new_error (task, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_NOT_SIGNED_IN,
                               "this account is not signed in on this computer");
      g_object_unref (task);
      return;
    }
  if (key == NULL)
    {
      data->key_created = TRUE;
      el_secrets_get_or_create_data_key_async (EL_SECRETS (source), data->account,
                                               g_task_get_cancellable (task), key_created_cb, task);
      return;
    }
  if (!check_key (key, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  open_with_key (task, key);
}

static void
look_up_key (GTask *task)
{
  ElContext *self = g_task_get_source_object (task);
  OpenData *data = g_task_get_task_data (task);

  el_secrets_lookup_async (self->secrets, data->account, EL_SECRET_KIND_DATA_KEY,
                           g_task_get_cancellable (task), key_looked_up_cb, task);
}

/* ---- sign in ---- */

static void
logged_in_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  OpenData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  data->user = el_api_client_login_finish (EL_API_CLIENT (source), result, &error);
  if (data->user == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  look_up_key (task);
}

void
el_context_sign_in_async (ElContext *self,
                          const char *email,
                          const char *password,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  OpenData *data;

  g_return_if_fail (EL_IS_CONTEXT (self));
  g_return_if_fail (password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_context_sign_in_async);
  data = g_new0 (OpenData, 1);
  data->account = el_context_canonical_account (email);
  data->sign_in = TRUE;
  data->password = el_secrets_bytes_new_wiped (password, strlen (password));
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  if (data->account == NULL)
    {
      g_task_return_new_error (task, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_INVALID_ARGUMENT,
                               "the account must be an e-mail address");
      return;
    }
  if (self->store != NULL)
    uninstall (self);
  el_api_client_login_async (self->client, data->account, password, cancellable, logged_in_cb,
                             g_steal_pointer (&task));
}

ElUser *
el_context_sign_in_finish (ElContext *self, GAsyncResult *result, int *lost_ops, GError **error)
{
  OpenData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  data = g_task_get_task_data (G_TASK (result));
  if (lost_ops != NULL)
    *lost_ops = 0;
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  if (lost_ops != NULL)
    *lost_ops = data->lost_ops;
  return g_object_ref (data->user);
}

/* ---- open ---- */

void
el_context_open_async (ElContext *self,
                       const char *account,
                       GCancellable *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  OpenData *data;

  g_return_if_fail (EL_IS_CONTEXT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_context_open_async);
  data = g_new0 (OpenData, 1);
  data->account = el_context_canonical_account (account);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  if (data->account == NULL)
    {
      g_task_return_new_error (task, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_INVALID_ARGUMENT,
                               "the account must be an e-mail address");
      return;
    }
  if (self->store != NULL && g_strcmp0 (self->account, data->account) == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (self->store != NULL)
    uninstall (self);
  look_up_key (g_steal_pointer (&task));
}

gboolean
el_context_open_finish (ElContext *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- resume ---- */

static void
resumed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ElContext *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;
  ElUser *user = el_api_client_resume_finish (EL_API_CLIENT (source), result, &error);

  if (user == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (self->account != NULL && g_set_object (&self->user, user))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER]);
  g_task_return_pointer (task, user, g_object_unref);
}

void
el_context_resume_async (ElContext *self,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (EL_IS_CONTEXT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_context_resume_async);
  if (self->account == NULL)
    {
      g_task_return_new_error (task, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_NOT_OPEN, "no account is open");
      return;
    }
  if (el_api_client_get_signed_in (self->client) && el_api_client_get_user (self->client) != NULL)
    {
      g_task_return_pointer (task, g_object_ref (el_api_client_get_user (self->client)), g_object_unref);
      return;
    }
  el_api_client_resume_async (self->client, self->account, cancellable, resumed_cb, g_steal_pointer (&task));
}

ElUser *
el_context_resume_finish (ElContext *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- offline session: has, open offline, verify ---- */

typedef struct
{
  char *account;
  GBytes *password; /* wiped */
  char *phc;
  ElUser *user;
} OfflineData;

static void
offline_data_free (OfflineData *data)
{
  g_free (data->account);
  g_clear_pointer (&data->password, g_bytes_unref);
  g_free (data->phc);
  g_clear_object (&data->user);
  g_free (data);
}

static void
has_session_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) session = el_secrets_lookup_finish (EL_SECRETS (source), result, &error);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, session != NULL);
}

void
el_context_has_offline_session_async (ElContext *self,
                                      const char *email,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *account = el_context_canonical_account (email);

  g_return_if_fail (EL_IS_CONTEXT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_context_has_offline_session_async);
  if (account == NULL)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }
  el_secrets_lookup_async (self->secrets, account, EL_SECRET_KIND_OFFLINE_SESSION, cancellable,
                           has_session_cb, g_steal_pointer (&task));
}

gboolean
el_context_has_offline_session_finish (ElContext *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
verify_password_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  OfflineData *data = task_data;
  GError *error = NULL;
  gboolean ok = el_password_verify (data->phc, g_bytes_get_data (data->password, NULL),
                                    g_bytes_get_size (data->password), &error);

  if (error != NULL)
    g_task_return_error (task, error);
  else if (!ok)
    g_task_return_new_error (task, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_WRONG_PASSWORD, "wrong password");
  else
    g_task_return_boolean (task, TRUE);
}

/* Looks up @data->account's offline session, then checks @data->password in a thread; @task
 * completes with the check's result. */
static void
session_looked_up_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  OfflineData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) session = el_secrets_lookup_finish (EL_SECRETS (source), result, &error);

  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (session == NULL)
    {
      g_task_return_new_error (task, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_NOT_SIGNED_IN,
                               "this account has no offline session on this computer");
      return;
    }
  if (!offline_session_decode (session, &data->phc, &data->user, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_run_in_thread (task, verify_password_thread);
}

static GTask *
check_password_task (ElContext *self,
                     const char *account,
                     const char *password,
                     GCancellable *cancellable,
                     GAsyncReadyCallback callback,
                     gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  OfflineData *data = g_new0 (OfflineData, 1);

  data->account = g_strdup (account);
  data->password = el_secrets_bytes_new_wiped (password, strlen (password));
  g_task_set_task_data (task, data, (GDestroyNotify) offline_data_free);
  return task;
}

static void
offline_checked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ElContext *self = g_task_get_source_object (task);
  OpenData *open = g_task_get_task_data (task);
  OfflineData *check = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  open->user = g_object_ref (check->user);
  if (self->store != NULL)
    uninstall (self);
  look_up_key (g_steal_pointer (&task));
}

void
el_context_open_offline_async (ElContext *self,
                               const char *email,
                               const char *password,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GTask) check = NULL;
  OpenData *data;

  g_return_if_fail (EL_IS_CONTEXT (self));
  g_return_if_fail (password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_context_open_offline_async);
  data = g_new0 (OpenData, 1);
  data->account = el_context_canonical_account (email);
  g_task_set_task_data (task, data, (GDestroyNotify) open_data_free);
  if (data->account == NULL)
    {
      g_task_return_new_error (task, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_INVALID_ARGUMENT,
                               "the account must be an e-mail address");
      return;
    }
  check = check_password_task (self, data->account, password, cancellable, offline_checked_cb,
                               g_steal_pointer (&task));
  el_secrets_lookup_async (self->secrets, data->account, EL_SECRET_KIND_OFFLINE_SESSION, cancellable,
                           session_looked_up_cb, g_steal_pointer (&check));
}

ElUser *
el_context_open_offline_finish (ElContext *self, GAsyncResult *result, GError **error)
{
  OpenData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  data = g_task_get_task_data (G_TASK (result));
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  return g_object_ref (data->user);
}

void
el_context_verify_password_async (ElContext *self,
                                  const char *password,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (EL_IS_CONTEXT (self));
  g_return_if_fail (password != NULL);

  task = check_password_task (self, self->account, password, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_context_verify_password_async);
  if (self->account == NULL)
    {
      g_task_return_new_error (task, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_NOT_OPEN, "no account is open");
      return;
    }
  el_secrets_lookup_async (self->secrets, self->account, EL_SECRET_KIND_OFFLINE_SESSION, cancellable,
                           session_looked_up_cb, g_steal_pointer (&task));
}

gboolean
el_context_verify_password_finish (ElContext *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

ElUser *
el_context_get_user (ElContext *self)
{
  g_return_val_if_fail (EL_IS_CONTEXT (self), NULL);
  return self->user;
}

/* ---- sign out ---- */

typedef struct
{
  ElContextSignOutFlags flags;
  char *account;
  char *path;
  ElStore *store;
  gboolean server_told;
  guint n_files;
} SignOutData;

static void
sign_out_data_free (SignOutData *data)
{
  g_free (data->account);
  g_free (data->path);
  g_clear_object (&data->store);
  g_free (data);
}

/* One of the deletes of delete_files() ended: remember the first failure; the last one completes
 * the task. */
static void
one_delete_done (GTask *task, const char *what, GError *error)
{
  SignOutData *data = g_task_get_task_data (task);

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) &&
      g_object_get_data (G_OBJECT (task), "delete-error") == NULL)
    g_object_set_data_full (G_OBJECT (task), "delete-error",
                            g_strdup_printf ("could not delete %s: %s", what, error->message), g_free);
  if (--data->n_files > 0)
    return;
  if (g_object_get_data (G_OBJECT (task), "delete-error") != NULL)
    g_task_return_new_error (task, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_FAILED, "%s",
                             (const char *) g_object_get_data (G_OBJECT (task), "delete-error"));
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
file_deleted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *name = g_file_get_basename (G_FILE (source));
  g_autofree char *what = g_strconcat ("the cache file ", name, NULL);

  g_file_delete_finish (G_FILE (source), result, &error);
  one_delete_done (user_data, what, error);
}

/* Removes @path and everything under it (no symbolic link is followed); a missing @path is fine. */
static gboolean
remove_tree (const char *path, GError **error)
{
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      if (g_remove (path) != 0 && errno != ENOENT)
        {
          int saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s", g_strerror (saved));
          return FALSE;
        }
      return TRUE;
    }
  dir = g_dir_open (path, 0, &local_error);
  if (dir == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (!remove_tree (child, error))
        return FALSE;
    }
  if (g_rmdir (path) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s", g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static void
remove_tree_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GMutex *learning = &EL_CONTEXT (source)->learn_lock;
  GError *error = NULL;
  gboolean removed;

  /* after the learning step under way (cancelled by now) has ended: none writes after this */
  g_mutex_lock (learning);
  removed = remove_tree (task_data, &error);
  g_mutex_unlock (learning);
  if (!removed)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
recordings_deleted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  one_delete_done (user_data, "the account's recordings", error);
}

/* The cache file with its -wal, -shm and -journal, and the account's sealed recordings (its
 * `.recordings` folder, downloaded copies included, readings for a voice profile that was never
 * built, and what was heard in her handoffs for one that was not learned yet): without the key none
 * can be read any more, and none is left behind. The voice profile itself stays: it holds no audio
 * and no patient data, and she need not read the texts again. */
static void
delete_files (GTask *task)
{
  ElContext *self = g_task_get_source_object (task);
  SignOutData *data = g_task_get_task_data (task);
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
  static const char *const folders[] = { ".recordings", ".voice.readings", ".voice.learn" };

  /* learning her voice stops first: nothing it keeps may outlive the folder */
  forget_heard (self);
  g_cancellable_cancel (self->learn_stop);
  g_set_object (&self->learn_stop, g_cancellable_new ());
  data->n_files = G_N_ELEMENTS (suffixes) + G_N_ELEMENTS (folders);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *name = g_strconcat (data->path, suffixes[i], NULL);
      g_autoptr (GFile) file = g_file_new_for_path (name);

      g_file_delete_async (file, G_PRIORITY_DEFAULT, NULL, file_deleted_cb, task);
    }
  for (guint i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autoptr (GTask) folder = g_task_new (self, NULL, recordings_deleted_cb, task);

      g_task_set_task_data (folder, g_strconcat (data->path, folders[i], NULL), g_free);
      g_task_run_in_thread (folder, remove_tree_thread);
    }
}

static void
sign_out_store_closed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr (GError) error = NULL;

  /* A close that fails (disk trouble) leaves nothing to keep: the key is gone. */
  if (!el_store_close_finish (EL_STORE (source), result, &error))
    g_debug ("closing the cache before deleting it: %s", error->message);
  delete_files (task);
}

static void
secrets_cleared_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  SignOutData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!el_secrets_clear_account_finish (EL_SECRETS (source), result, &error))
    {
      /* The keyring still holds the key: keep the cache (it is still readable) and say so. */
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (data->store != NULL)
    el_store_close_async (data->store, NULL, sign_out_store_closed_cb, task);
  else
    delete_files (task);
}

static void
clear_secrets (GTask *task)
{
  ElContext *self = g_task_get_source_object (task);
  SignOutData *data = g_task_get_task_data (task);

  if (self->store != NULL && g_strcmp0 (self->account, data->account) == 0)
    {
      data->store = g_steal_pointer (&self->store);
      uninstall (self);
    }
  el_secrets_clear_account_async (self->secrets, data->account, NULL, secrets_cleared_cb, task);
}

static void
logged_out_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  SignOutData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  data->server_told = el_api_client_logout_finish (EL_API_CLIENT (source), result, &error);
  clear_secrets (task);
}

static void
sign_out_resumed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (ElUser) user = el_api_client_resume_finish (EL_API_CLIENT (source), result, &error);

  if (user == NULL)
    {
      /* Offline or already refused: the local part happens anyway. */
      clear_secrets (task);
      return;
    }
  el_api_client_logout_async (EL_API_CLIENT (source), NULL, logged_out_cb, task);
}

static void
tell_server (GTask *task)
{
  ElContext *self = g_task_get_source_object (task);
  SignOutData *data = g_task_get_task_data (task);

  if (el_api_client_get_signed_in (self->client))
    el_api_client_logout_async (self->client, NULL, logged_out_cb, task);
  else
    el_api_client_resume_async (self->client, data->account, NULL, sign_out_resumed_cb, task);
}

static void
sign_out_counted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  ElStoreCounts counts = { 0 };
  g_autoptr (GError) error = NULL;

  if (!el_store_get_counts_finish (EL_STORE (source), result, &counts, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (counts.pending_ops + counts.needs_attention + counts.conflicts > 0)
    {
      g_task_return_new_error (task, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_PENDING_CHANGES,
                               "%u change(s) are not on the server yet (%u waiting, %u needing attention, "
                               "%u in conflict); sync them first or force the sign-out to drop them",
                               counts.pending_ops + counts.needs_attention + counts.conflicts,
                               counts.pending_ops, counts.needs_attention, counts.conflicts);
      g_object_unref (task);
      return;
    }
  tell_server (task);
}

void
el_context_sign_out_async (ElContext *self,
                           ElContextSignOutFlags flags,
                           GCancellable *cancellable,
                           GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  SignOutData *data;

  g_return_if_fail (EL_IS_CONTEXT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_context_sign_out_async);
  if (self->store == NULL)
    {
      g_task_return_new_error (task, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_NOT_OPEN, "no account is open");
      return;
    }
  data = g_new0 (SignOutData, 1);
  data->flags = flags;
  data->account = g_strdup (self->account);
  data->path = g_strdup (el_store_get_path (self->store));
  g_task_set_task_data (task, data, (GDestroyNotify) sign_out_data_free);
  if (self->sync != NULL)
    el_sync_stop (self->sync);
  if (flags & EL_CONTEXT_SIGN_OUT_FORCE)
    tell_server (g_steal_pointer (&task));
  else
    el_store_get_counts_async (self->store, cancellable, sign_out_counted_cb, g_steal_pointer (&task));
}

gboolean
el_context_sign_out_finish (ElContext *self, GAsyncResult *result, gboolean *server_told, GError **error)
{
  SignOutData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  data = g_task_get_task_data (G_TASK (result));
  if (server_told != NULL)
    *server_told = data != NULL && data->server_told;
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- forget ---- */

void
el_context_forget_account_async (ElContext *self,
                                 const char *account,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  SignOutData *data;

  g_return_if_fail (EL_IS_CONTEXT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_context_forget_account_async);
  data = g_new0 (SignOutData, 1);
  data->flags = EL_CONTEXT_SIGN_OUT_FORCE;
  data->account = el_context_canonical_account (account);
  g_task_set_task_data (task, data, (GDestroyNotify) sign_out_data_free);
  if (data->account == NULL)
    {
      g_task_return_new_error (task, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_INVALID_ARGUMENT,
                               "the account must be an e-mail address");
      return;
    }
  data->path = el_store_path_for_account (self->data_dir, self->server_url, data->account);
  clear_secrets (g_steal_pointer (&task));
}

gboolean
el_context_forget_account_finish (ElContext *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- close ---- */

static void
store_closed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!el_store_close_finish (EL_STORE (source), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
el_context_close_async (ElContext *self,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (ElStore) store = NULL;

  g_return_if_fail (EL_IS_CONTEXT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_context_close_async);
  if (self->store == NULL)
    {
      uninstall (self);
      g_task_return_boolean (task, TRUE);
      return;
    }
  store = g_object_ref (self->store);
  uninstall (self);
  el_store_close_async (store, NULL, store_closed_cb, g_steal_pointer (&task));
}

gboolean
el_context_close_finish (ElContext *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------------------
 * Recordings
 */

ElVault *
el_context_get_audio_vault (ElContext *self)
{
  g_return_val_if_fail (EL_IS_CONTEXT (self), NULL);
  return self->audio_vault;
}

const char *
el_context_get_recordings_dir (ElContext *self)
{
  g_return_val_if_fail (EL_IS_CONTEXT (self), NULL);
  return self->recordings_dir;
}

const char *
el_context_get_voice_profile_dir (ElContext *self)
{
  g_return_val_if_fail (EL_IS_CONTEXT (self), NULL);
  return self->voice_dir;
}

gboolean
el_context_has_voice_profile (ElContext *self)
{
  g_return_val_if_fail (EL_IS_CONTEXT (self), FALSE);
  return el_voice_profile_is_present (self->voice_dir);
}

typedef struct
{
  ElVault *vault;
  GStrv paths;
  GStrv recording_ids;
  GStrv texts;
  char *out_dir;
} EnrollData;

static void
enroll_data_free (EnrollData *data)
{
  g_clear_object (&data->vault);
  g_strfreev (data->paths);
  g_strfreev (data->recording_ids);
  g_strfreev (data->texts);
  g_free (data->out_dir);
  g_free (data);
}

/* A new profile is in place: a drafter made from the environment picks it up. */
static gboolean
voice_profile_changed (ElContext *self, GError **error)
{
  if (self->drafter_auto)
    {
      g_clear_object (&self->drafter);
      self->drafter_auto = FALSE;
      self->drafter_for_speaker = FALSE;
      if (!el_context_ensure_drafter (self, error))
        return FALSE;
    }
  g_signal_emit (self, signals[SIGNAL_VOICE_PROFILE_CHANGED], 0);
  return TRUE;
}

/* The end of a voice task's worker (an int: 1 when it built a profile), back on the caller's
 * thread: the drafter is remade there before @task completes. */
static void
voice_task_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ElContext *self = EL_CONTEXT (source);
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  gssize built = g_task_propagate_int (G_TASK (result), &error);

  if (built < 0 || (built > 0 && !voice_profile_changed (self, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_int (task, built);
}

/* Runs @func with @data (freed with @free_data) on a worker; @task completes after it. */
static void
run_voice_task (ElContext *self, GTask *task, gpointer data, GDestroyNotify free_data, GTaskThreadFunc func)
{
  GTask *inner = g_task_new (self, g_task_get_cancellable (task), voice_task_done_cb, g_object_ref (task));

  g_task_set_task_data (inner, data, free_data);
  g_task_run_in_thread (inner, func);
  g_object_unref (inner);
}

/* A sealed recording of the account, decrypted in memory; @duration_ms (optional): its length. */
static GBytes *
read_sealed (ElVault *vault,
             const char *path,
             const char *recording_id,
             guint64 *duration_ms,
             GCancellable *cancellable,
             GError **error)
{
  g_autoptr (ElSealedAudio) sealed = el_sealed_audio_open (vault, path, recording_id, cancellable, error);

  if (sealed == NULL)
    return NULL;
  if (duration_ms != NULL)
    *duration_ms = el_sealed_audio_get_duration_ms (sealed);
  return el_sealed_audio_read_all (sealed, cancellable, error);
}

static void
enroll_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  EnrollData *data = task_data;
  g_autoptr (GPtrArray) recordings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  GError *error = NULL;

  for (guint i = 0; data->paths[i] != NULL; i++)
    {
      GBytes *audio =
          read_sealed (data->vault, data->paths[i], data->recording_ids[i], NULL, cancellable, &error);

      if (audio == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      g_ptr_array_add (recordings, audio);
    }
  /* the texts she read are the app's own, not PHI */
  if (!el_voice_profile_build_installed (recordings, (const char *const *) data->texts, data->out_dir, FALSE,
                                         cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* what she read has served: the profile holds no audio */
  for (guint i = 0; data->paths[i] != NULL; i++)
    g_unlink (data->paths[i]);
  g_task_return_int (task, 1);
}

void
el_context_enroll_voice_async (ElContext *self,
                               const char *const *paths,
                               const char *const *recording_ids,
                               const char *const *texts,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  EnrollData *data;

  g_return_if_fail (EL_IS_CONTEXT (self));
  g_return_if_fail (paths != NULL && recording_ids != NULL && texts != NULL);

  g_task_set_source_tag (task, el_context_enroll_voice_async);
  if (self->audio_vault == NULL || self->voice_dir == NULL)
    {
      g_task_return_new_error (task, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_NOT_OPEN, "no account is open");
      return;
    }
  if (g_strv_length ((char **) paths) != g_strv_length ((char **) recording_ids))
    {
      g_task_return_new_error (task, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_INVALID_ARGUMENT,
                               "every recording needs its recording id");
      return;
    }
  data = g_new0 (EnrollData, 1);
  data->vault = g_object_ref (self->audio_vault);
  data->paths = g_strdupv ((char **) paths);
  data->recording_ids = g_strdupv ((char **) recording_ids);
  data->texts = g_strdupv ((char **) texts);
  data->out_dir = g_strdup (self->voice_dir);
  run_voice_task (self, task, data, (GDestroyNotify) enroll_data_free, enroll_thread);
}

gboolean
el_context_enroll_voice_finish (ElContext *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_int (G_TASK (result), error) > 0;
}

/* ---- Learning her voice from her handoffs ---- */

#define HEARD_SUFFIX ".heard"

typedef struct
{
  ElVault *vault;
  char *recording_id;
  char *path;
  char *voice_dir;
  char *learn_dir;
  guint64 min_ms;
  GMutex *lock;        /* the context's; the task holds a reference to it */
  GCancellable *stop;  /* the context's learn_stop when the call began */
  ElTranscript *heard; /* nullable: what the on-device draft of this recording heard */
} LearnData;

static void
learn_data_free (LearnData *data)
{
  g_clear_object (&data->vault);
  g_free (data->recording_id);
  g_free (data->path);
  g_free (data->voice_dir);
  g_free (data->learn_dir);
  g_clear_object (&data->stop);
  g_clear_pointer (&data->heard, el_transcript_unref);
  g_free (data);
}

/* The sidecar's associated data: it opens only as the sidecar of that recording. */
static char *
heard_ad (const char *recording_id)
{
  return g_strdup_printf ("voice-learn|%s|1", recording_id);
}

/* What was heard in one recording, sealed: {"path", "audio_ms", "text"}. */
static gboolean
write_heard (LearnData *data, guint64 audio_ms, const char *text, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *json = NULL;
  g_autofree char *ad = heard_ad (data->recording_id);
  g_autofree char *name = g_strconcat (data->recording_id, HEARD_SUFFIX, NULL);
  g_autofree char *file = g_build_filename (data->learn_dir, name, NULL);
  g_autoptr (GBytes) sealed = NULL;
  gsize len = 0;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "path");
  json_builder_add_string_value (b, data->path);
  json_builder_set_member_name (b, "audio_ms");
  json_builder_add_int_value (b, (gint64) audio_ms);
  json_builder_set_member_name (b, "text");
  json_builder_add_string_value (b, text);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json = json_to_string (root, FALSE);
  len = strlen (json);
  sealed = el_vault_seal (data->vault, json, len, ad, error);
  explicit_bzero (json, len);
  if (sealed == NULL)
    return FALSE;
  if (g_mkdir_with_parents (data->learn_dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "could not create the voice learning folder");
      return FALSE;
    }
  return g_file_set_contents_full (file, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed),
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

typedef struct
{
  char *sidecar;
  char *recording_id;
  char *path;
  guint64 audio_ms;
  char *text;
} Heard;

static void
heard_free (Heard *h)
{
  g_free (h->sidecar);
  g_free (h->recording_id);
  g_free (h->path);
  if (h->text != NULL)
    explicit_bzero (h->text, strlen (h->text));
  g_free (h->text);
  g_free (h);
}

/* Every sidecar whose recording is still there (a sidecar that does not open, or whose recording
 * is gone, is deleted). */
static GPtrArray *
read_heard (LearnData *data, guint64 *total_ms)
{
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) heard_free);
  g_autoptr (GDir) dir = g_dir_open (data->learn_dir, 0, NULL);
  const char *name;

  *total_ms = 0;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (data->learn_dir, name, NULL);
      g_autofree char *id = NULL;
      g_autofree char *ad = NULL;
      g_autofree char *contents = NULL;
      g_autoptr (GBytes) plain = NULL;
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonObject *obj;
      gsize len = 0;
      Heard *h;

      if (!g_str_has_suffix (name, HEARD_SUFFIX))
        continue;
      id = g_strndup (name, strlen (name) - strlen (HEARD_SUFFIX));
      ad = heard_ad (id);
      if (!g_file_get_contents (file, &contents, &len, NULL) ||
          (plain = el_vault_open (data->vault, contents, len, ad, NULL)) == NULL ||
          !json_parser_load_from_data (parser, g_bytes_get_data (plain, NULL),
                                       (gssize) g_bytes_get_size (plain), NULL) ||
          !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          g_unlink (file);
          continue;
        }
      obj = json_node_get_object (json_parser_get_root (parser));
      h = g_new0 (Heard, 1);
      h->sidecar = g_steal_pointer (&file);
      h->recording_id = g_steal_pointer (&id);
      h->path = g_strdup (json_object_get_string_member_with_default (obj, "path", ""));
      h->audio_ms = (guint64) MAX (0, json_object_get_int_member_with_default (obj, "audio_ms", 0));
      h->text = g_strdup (json_object_get_string_member_with_default (obj, "text", ""));
      if (!g_file_test (h->path, G_FILE_TEST_IS_REGULAR) || h->text[0] == '\0')
        {
          g_unlink (h->sidecar);
          heard_free (h);
          continue;
        }
      *total_ms += h->audio_ms;
      g_ptr_array_add (all, h);
    }
  return all;
}

/* Builds the profile from everything heard, in a folder held in memory; the sidecars go once it
 * is in place. */
static gboolean
learn_build (LearnData *data, GPtrArray *heard, GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) recordings = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GPtrArray) texts = g_ptr_array_new ();

  for (guint i = 0; i < heard->len; i++)
    {
      Heard *h = heard->pdata[i];
      g_autoptr (GError) local_error = NULL;
      GBytes *audio = read_sealed (data->vault, h->path, h->recording_id, NULL, cancellable, &local_error);

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (audio == NULL)
        {
          /* a recording that no longer opens is left out for good, rather than stopping every build */
          g_unlink (h->sidecar);
          continue;
        }
      g_ptr_array_add (recordings, audio);
      g_ptr_array_add (texts, h->text);
    }
  if (recordings->len == 0)
    return TRUE;
  g_ptr_array_add (texts, NULL);
  if (!el_voice_profile_build_installed (recordings, (const char *const *) texts->pdata, data->voice_dir,
                                         TRUE, cancellable, error))
    return FALSE;
  for (guint i = 0; i < heard->len; i++)
    g_unlink (((Heard *) heard->pdata[i])->sidecar);
  g_rmdir (data->learn_dir);
  return TRUE;
}

static void
learn_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *task_cancellable)
{
  LearnData *data = task_data;
  /* sign-out's; the caller's is checked where it matters (one cancellable per operation) */
  GCancellable *cancellable = data->stop;
  g_autoptr (GBytes) audio = NULL;
  g_autoptr (ElTranscriber) stock = NULL;
  guint64 audio_ms = 0;
  g_autoptr (ElTranscript) heard = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GMutexLocker) locker = NULL;
  guint64 total_ms = 0;
  GError *error = NULL;

  /* One recording at a time, from hearing it to building: several handed over together are heard
   * one after the other, on one processor (the nurse is working on this PC), and only one build
   * happens. */
  locker = g_mutex_locker_new (data->lock);
  if (el_voice_profile_is_present (data->voice_dir))
    {
      g_task_return_int (task, 0); /* she has a profile: nothing to learn */
      return;
    }
  if (data->heard != NULL)
    {
      /* drafted on this PC just now with the stock model: that is what it heard */
      heard = g_steal_pointer (&data->heard);
      audio_ms = (guint64) MAX (el_transcript_get_audio_ms (heard), 0);
    }
  else
    {
      audio = read_sealed (data->vault, data->path, data->recording_id, &audio_ms, cancellable, &error);
      if (audio == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      stock = g_object_new (EL_TYPE_POCKETSPHINX_TRANSCRIBER, "threads", 1, NULL);
      heard = el_transcriber_transcribe_sync (stock, audio, "audio/ogg", cancellable, &error);
      if (heard == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, &error) ||
      g_cancellable_set_error_if_cancelled (task_cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (el_transcript_get_text (heard)[0] != '\0' &&
      !write_heard (data, audio_ms, el_transcript_get_text (heard), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  all = read_heard (data, &total_ms);
  if (total_ms < data->min_ms)
    {
      g_task_return_int (task, 0);
      return;
    }
  if (!learn_build (data, all, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_int (task, el_voice_profile_is_present (data->voice_dir) ? 1 : 0);
}

void
el_context_learn_voice_async (ElContext *self,
                              const char *recording_id,
                              const char *path,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  LearnData *data;

  g_return_if_fail (EL_IS_CONTEXT (self));
  g_return_if_fail (recording_id != NULL && path != NULL);

  g_task_set_source_tag (task, el_context_learn_voice_async);
  if (self->audio_vault == NULL || self->voice_dir == NULL)
    {
      g_task_return_new_error (task, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_NOT_OPEN, "no account is open");
      return;
    }
  /* a profile serves the offline engine only: none to learn for a cloud engine, or with none */
  if (self->drafter == NULL || !EL_IS_POCKETSPHINX_TRANSCRIBER (el_drafter_get_transcriber (self->drafter)))
    {
      g_task_return_int (task, 0);
      return;
    }
  data = g_new0 (LearnData, 1);
  data->vault = g_object_ref (self->audio_vault);
  data->recording_id = g_strdup (recording_id);
  data->path = g_strdup (path);
  data->voice_dir = g_strdup (self->voice_dir);
  data->learn_dir = g_strconcat (self->voice_dir, ".learn", NULL);
  data->min_ms = (guint64) self->voice_learning_seconds * 1000;
  data->lock = &self->learn_lock;
  data->stop = g_object_ref (self->learn_stop);
  if (g_strcmp0 (self->heard_id, recording_id) == 0)
    {
      data->heard = g_steal_pointer (&self->heard);
      forget_heard (self);
    }
  run_voice_task (self, task, data, (GDestroyNotify) learn_data_free, learn_thread);
}

gboolean
el_context_learn_voice_finish (ElContext *self, GAsyncResult *result, gboolean *built, GError **error)
{
  GError *local_error = NULL;
  gssize n;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  n = g_task_propagate_int (G_TASK (result), &local_error);
  if (built != NULL)
    *built = n > 0;
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

void
el_context_set_voice_learning_seconds (ElContext *self, guint seconds)
{
  g_return_if_fail (EL_IS_CONTEXT (self));
  self->voice_learning_seconds = seconds;
}

gboolean
el_context_ensure_drafter (ElContext *self, GError **error)
{
  g_autoptr (ElTranscriber) transcriber = NULL;
  g_autoptr (ElSbarExtractor) extractor = NULL;
  g_autoptr (ElDrafter) drafter = NULL;

  g_return_val_if_fail (EL_IS_CONTEXT (self), FALSE);

  if (self->drafter != NULL)
    return TRUE;
  if (!el_speech_engines_new_transcriber_for_speaker (self->voice_dir, &transcriber, error))
    return FALSE;
  if (transcriber == NULL)
    return TRUE; /* SPEECH_ENGINE=none: no on-device drafts */
  if ((extractor = el_speech_engines_new_extractor (error)) == NULL)
    return FALSE;
  drafter = el_drafter_new (transcriber, extractor);
  g_set_object (&self->drafter, drafter);
  self->drafter_auto = TRUE;
  self->drafter_for_speaker =
      EL_IS_POCKETSPHINX_TRANSCRIBER (transcriber) && el_voice_profile_is_present (self->voice_dir);
  return TRUE;
}

void
el_context_set_drafter (ElContext *self, ElDrafter *drafter)
{
  g_return_if_fail (EL_IS_CONTEXT (self));
  g_return_if_fail (drafter == NULL || EL_IS_DRAFTER (drafter));
  g_set_object (&self->drafter, drafter);
  self->drafter_auto = FALSE;
  self->drafter_for_speaker = FALSE;
}

ElDrafter *
el_context_get_drafter (ElContext *self)
{
  g_return_val_if_fail (EL_IS_CONTEXT (self), NULL);
  return self->drafter;
}

typedef struct
{
  char *handoff_id;
  char *recording_id;
  char *path;
  int base_version;
  char *author_id;
  char *author_name;
  ElExtraction *draft;
  GError *draft_error;
} SubmitData;

static void
submit_data_free (SubmitData *data)
{
  g_free (data->handoff_id);
  g_free (data->recording_id);
  g_free (data->path);
  g_free (data->author_id);
  g_free (data->author_name);
  g_clear_pointer (&data->draft, el_extraction_unref);
  g_clear_error (&data->draft_error);
  g_free (data);
}

static void
submit_enqueued_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  g_autofree char *op_id = el_store_enqueue_finish (EL_STORE (source), result, &error);

  if (op_id == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* The upload goes into the outbox after the on-device version, so the server receives version 1
 * before the audio and keeps it (it adds an "ai" version only to a handoff without versions). */
static void
submit_enqueue_upload (GTask *task)
{
  ElContext *self = g_task_get_source_object (task);
  SubmitData *data = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (GBytes) payload =
      el_sync_recording_payload_new (data->recording_id, "audio/ogg", data->path, &error);

  if (payload == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  el_store_enqueue_async (self->store, EL_STORE_OP_RECORDING_UPLOAD, "handoff", data->handoff_id, payload, -1,
                          NULL, g_task_get_cancellable (task), submit_enqueued_cb, task);
}

static void
submit_drafted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  ElContext *self = g_task_get_source_object (task);
  SubmitData *data = g_task_get_task_data (task);
  g_autoptr (ElTranscript) heard = NULL;

  /* the op id of the version is not needed: the store's outbox has it */
  g_free (el_drafter_draft_handoff_finish (EL_DRAFTER (source), result, &data->draft, &heard,
                                           &data->draft_error));
  /* the stock offline model's transcript is what learning her voice would decode again */
  forget_heard (self);
  if (heard != NULL && !self->drafter_for_speaker &&
      EL_IS_POCKETSPHINX_TRANSCRIBER (el_drafter_get_transcriber (EL_DRAFTER (source))))
    {
      self->heard_id = g_strdup (data->recording_id);
      self->heard = g_steal_pointer (&heard);
    }
  submit_enqueue_upload (task);
}

static void
submit_opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  ElContext *self = g_task_get_source_object (task);
  SubmitData *data = g_task_get_task_data (task);
  g_autoptr (ElSealedAudio) audio = el_sealed_audio_open_finish (result, &data->draft_error);

  if (audio == NULL || self->store == NULL)
    {
      submit_enqueue_upload (task);
      return;
    }
  el_drafter_draft_handoff_async (self->drafter, self->store, audio, data->handoff_id, data->base_version,
                                  data->author_id, data->author_name, g_task_get_cancellable (task),
                                  submit_drafted_cb, task);
}

void
el_context_submit_recording_async (ElContext *self,
                                   const char *handoff_id,
                                   const char *recording_id,
                                   const char *path,
                                   ElTranscriptionMode mode,
                                   int base_version,
                                   const char *author_id,
                                   const char *author_name,
                                   GCancellable *cancellable,
                                   GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  GTask *task;
  SubmitData *data;
  gboolean on_device;

  g_return_if_fail (EL_IS_CONTEXT (self));
  g_return_if_fail (handoff_id != NULL && recording_id != NULL && path != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_context_submit_recording_async);
  if (self->store == NULL || self->audio_vault == NULL)
    {
      g_task_return_new_error (task, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_NOT_OPEN, "no account is open");
      g_object_unref (task);
      return;
    }
  data = g_new0 (SubmitData, 1);
  data->handoff_id = g_strdup (handoff_id);
  data->recording_id = g_strdup (recording_id);
  data->path = g_strdup (path);
  data->base_version = MAX (base_version, 0);
  data->author_id = g_strdup (author_id);
  data->author_name = g_strdup (author_name);
  g_task_set_task_data (task, data, (GDestroyNotify) submit_data_free);

  /* automatic: on this PC when the server cannot be reached, or when this PC knows the nurse's voice
   * (her profile recognises her better than the server's stock model; the server keeps her version
   * and stores its own transcript beside it) */
  on_device =
      self->drafter != NULL && (mode == EL_TRANSCRIPTION_MODE_ON_DEVICE ||
                                (mode == EL_TRANSCRIPTION_MODE_AUTO &&
                                 (!el_api_client_get_online (self->client) || self->drafter_for_speaker)));
  if (!on_device)
    {
      submit_enqueue_upload (task);
      return;
    }
  el_sealed_audio_open_async (self->audio_vault, path, recording_id, cancellable, submit_opened_cb, task);
}

gboolean
el_context_submit_recording_finish (
    ElContext *self, GAsyncResult *result, ElExtraction **draft, GError **draft_error, GError **error)
{
  SubmitData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == el_context_submit_recording_async, FALSE);

  data = g_task_get_task_data (G_TASK (result));
  if (draft != NULL)
    *draft = data != NULL && data->draft != NULL ? el_extraction_ref (data->draft) : NULL;
  if (draft_error != NULL)
    *draft_error = data != NULL && data->draft_error != NULL ? g_error_copy (data->draft_error) : NULL;
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------------------
 * Sign and acknowledge
 */

typedef struct
{
  gboolean sign;
  char *handoff_id;
  int version;
  GBytes *password;   /* wiped when freed; sign only */
  char *note;         /* acknowledge only (nullable) */
  ElHandoff *handoff; /* the result */
  gboolean queued;
  char *op_id;
  int apply_tries;
  JsonNode *entity; /* the server's answer */
} ChangeData;

static void
change_data_free (ChangeData *data)
{
  g_free (data->handoff_id);
  g_clear_pointer (&data->password, g_bytes_unref);
  g_free (data->note);
  g_clear_object (&data->handoff);
  g_free (data->op_id);
  g_clear_pointer (&data->entity, json_node_unref);
  g_free (data);
}

static void change_queue (GTask *task);

static JsonNode *
change_body (ChangeData *data, gboolean with_password)
{
  JsonObject *obj = json_object_new ();
  JsonNode *node;

  json_object_set_int_member (obj, "version", data->version);
  if (data->sign && with_password)
    {
      g_autofree char *text =
          g_strndup (g_bytes_get_data (data->password, NULL), g_bytes_get_size (data->password));

      json_object_set_string_member (obj, "password", text);
      memset (text, 0, strlen (text));
    }
  if (!data->sign)
    {
      json_object_set_boolean_member (obj, "readback_confirmed", TRUE);
      if (data->note != NULL && data->note[0] != '\0')
        json_object_set_string_member (obj, "readback_note", data->note);
    }
  node = json_node_init_object (json_node_alloc (), obj);
  json_object_unref (obj);
  return node;
}

static void change_apply (GTask *task);

static void
change_applied_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ChangeData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!el_store_apply_changes_page_finish (EL_STORE (source), result, NULL, &error))
    {
      if (g_error_matches (error, EL_STORE_ERROR, EL_STORE_ERROR_INVALID) && data->apply_tries < 3)
        {
          /* a pull moved the cursor meanwhile: read it again */
          change_apply (g_steal_pointer (&task));
          return;
        }
      /* the server has it; the next pull brings it to the cache */
      g_debug ("context: handoff %s not stored after %s: %s", data->handoff_id,
               data->sign ? "sign" : "acknowledge", error->message);
    }
  g_task_return_boolean (task, TRUE);
}

static void
change_cursor_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ChangeData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  gint64 cursor = el_store_get_cursor_finish (EL_STORE (source), result, &error);
  g_autoptr (JsonNode) page = NULL;
  JsonObject *obj, *upserts;
  JsonArray *handoffs;
  GCancellable *cancellable;

  if (cursor < 0)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* the server's answer goes in like a pulled change (a one-item page at the stored cursor), so a
   * handoff with local changes keeps it aside as usual */
  obj = json_object_new ();
  upserts = json_object_new ();
  handoffs = json_array_new ();
  json_array_add_element (handoffs, json_node_copy (data->entity));
  json_object_set_array_member (upserts, "handoffs", handoffs);
  json_object_set_int_member (obj, "next_cursor", cursor);
  json_object_set_boolean_member (obj, "has_more", FALSE);
  json_object_set_object_member (obj, "upserts", upserts);
  json_object_set_object_member (obj, "tombstones", json_object_new ());
  page = json_node_init_object (json_node_alloc (), obj);
  json_object_unref (obj);
  json_node_seal (page);
  cancellable = g_task_get_cancellable (task);
  el_store_apply_changes_page_async (EL_STORE (source), page, cancellable, change_applied_cb,
                                     g_steal_pointer (&task));
}

static void
change_apply (GTask *task)
{
  ElContext *self = g_task_get_source_object (task);
  ChangeData *data = g_task_get_task_data (task);

  data->apply_tries++;
  if (self->store == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  el_store_get_cursor_async (self->store, g_task_get_cancellable (task), change_cursor_cb, task);
}

static void
change_sent_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ChangeData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElApiResponse) response = el_api_client_call_finish (EL_API_CLIENT (source), result, &error);
  JsonNode *json;

  if (response == NULL)
    {
      if (g_error_matches (error, EL_API_ERROR, EL_API_ERROR_NETWORK) ||
          g_error_matches (error, EL_API_ERROR, EL_API_ERROR_TIMEOUT) ||
          g_error_matches (error, EL_API_ERROR, EL_API_ERROR_CIRCUIT_OPEN))
        {
          /* the server cannot be reached: keep it on this PC and send it later */
          change_queue (g_steal_pointer (&task));
          return;
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  json = el_api_response_get_json (response);
  data->handoff = json != NULL ? el_handoff_new_from_json (json, &error) : NULL;
  if (data->handoff == NULL)
    {
      g_task_return_new_error (task, EL_API_ERROR, EL_API_ERROR_INVALID_RESPONSE,
                               "the answer is not a handoff%s%s", error != NULL ? ": " : "",
                               error != NULL ? error->message : "");
      return;
    }
  data->entity = el_handoff_to_json (data->handoff);
  change_apply (g_steal_pointer (&task));
}

static void
change_send (GTask *task)
{
  ElContext *self = g_task_get_source_object (task);
  ChangeData *data = g_task_get_task_data (task);
  g_autoptr (JsonNode) body = change_body (data, TRUE);
  g_autofree char *escaped = g_uri_escape_string (data->handoff_id, NULL, FALSE);
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *path = NULL;
  const char *route;

  if (data->sign)
    {
      route = "/api/v1/handoffs/{handoff_id}/sign";
      path = g_strdup_printf ("/api/v1/handoffs/%s/sign", escaped);
    }
  else
    {
      route = "/api/v1/handoffs/{handoff_id}/acknowledge";
      path = g_strdup_printf ("/api/v1/handoffs/%s/acknowledge", escaped);
    }
  el_api_client_call_async (self->client, "POST", route, path, EL_API_CALL_AUTH, body, NULL, key, NULL,
                            g_task_get_cancellable (task), change_sent_cb, task);
}

static void
signature_stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ElContext *self = g_task_get_source_object (task);
  ChangeData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!el_secrets_store_finish (EL_SECRETS (source), result, &error))
    {
      /* the op cannot be sent without it: set it aside for the nurse (sign again) */
      if (self->store != NULL)
        el_store_op_needs_attention_async (
            self->store, data->op_id, "handoff.sign: the keyring could not keep the password; sign again", 0,
            NULL, NULL, NULL);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
change_queued_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ElContext *self = g_task_get_source_object (task);
  ChangeData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  data->op_id = el_store_enqueue_handoff_change_finish (EL_STORE (source), result, &error);
  if (data->op_id == NULL)
    {
      g_clear_object (&data->handoff);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->queued = TRUE;
  if (!data->sign)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  el_secrets_store_item_async (self->secrets, self->account, EL_SECRET_KIND_PENDING_SIGNATURE, data->op_id,
                               data->password, NULL, signature_stored_cb, g_steal_pointer (&task));
}

static void
change_local_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ElContext *self = g_task_get_source_object (task);
  ChangeData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElHandoff) cached = el_store_get_handoff_finish (EL_STORE (source), result, &error);
  g_autoptr (JsonNode) doc = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  const char *me = el_user_get_id (self->user);

  if (cached == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  doc = el_handoff_to_json (cached);
  data->handoff = el_handoff_new_from_json (doc, &error);
  if (data->handoff == NULL ||
      !el_handoff_transition (data->handoff,
                              data->sign ? EL_HANDOFF_STATUS_SIGNED : EL_HANDOFF_STATUS_ACKNOWLEDGED, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!data->sign && g_strcmp0 (el_handoff_get_signed_by (cached), me) == 0)
    {
      g_task_return_new_error (task, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_INVALID_ARGUMENT,
                               "the nurse who signed a handoff cannot acknowledge it");
      return;
    }
  if (data->sign)
    {
      el_handoff_set_signed_by (data->handoff, me);
      el_handoff_set_signed_at (data->handoff, now);
    }
  else
    {
      el_handoff_set_acknowledged_by (data->handoff, me);
      el_handoff_set_acknowledged_at (data->handoff, now);
      el_handoff_set_readback_note (data->handoff,
                                    data->note != NULL && data->note[0] != '\0' ? data->note : NULL);
    }
  el_handoff_set_updated_at (data->handoff, now);
  body = change_body (data, FALSE); /* never the password */
  el_store_enqueue_handoff_change_async (
      self->store, data->sign ? EL_STORE_OP_HANDOFF_SIGN : EL_STORE_OP_HANDOFF_ACKNOWLEDGE, data->handoff,
      body, NULL, change_queued_cb, g_steal_pointer (&task));
}

static void
change_verified_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ElContext *self = EL_CONTEXT (source);
  ChangeData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!el_context_verify_password_finish (self, result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (self->store == NULL)
    {
      g_task_return_new_error (task, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_NOT_OPEN, "no cache is open");
      return;
    }
  el_store_get_handoff_async (self->store, data->handoff_id, NULL, change_local_cb, g_steal_pointer (&task));
}

/* Offline (or the server unreachable, or the handoff has changes waiting): the change on this PC
 * and in the outbox; a signature's password checked against the offline session and kept in the
 * keyring until ElSync sends it. */
static void
change_queue (GTask *task)
{
  ElContext *self = g_task_get_source_object (task);
  ChangeData *data = g_task_get_task_data (task);

  if (data->sign)
    {
      g_autofree char *text =
          g_strndup (g_bytes_get_data (data->password, NULL), g_bytes_get_size (data->password));

      el_context_verify_password_async (self, text, NULL, change_verified_cb, task);
      memset (text, 0, strlen (text));
      return;
    }
  el_store_get_handoff_async (self->store, data->handoff_id, NULL, change_local_cb, task);
}

static void
change_ops_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ElContext *self = g_task_get_source_object (task);
  ChangeData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ops = el_store_list_ops_finish (EL_STORE (source), result, &error);
  gboolean waiting = FALSE;

  if (ops == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  for (guint i = 0; i < ops->len && !waiting; i++)
    {
      ElStoreOp *op = g_ptr_array_index (ops, i);

      waiting =
          g_strcmp0 (op->resource_type, "handoff") == 0 && g_strcmp0 (op->resource_id, data->handoff_id) == 0;
    }
  /* with changes of this handoff still in the outbox (a save not yet sent), this one goes after them */
  if (!waiting && el_api_client_get_online (self->client) && el_api_client_get_signed_in (self->client))
    change_send (g_steal_pointer (&task));
  else
    change_queue (g_steal_pointer (&task));
}

static void
change_start (ElContext *self,
              ChangeData *data,
              gpointer tag,
              GCancellable *cancellable,
              GAsyncReadyCallback callback,
              gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, data, (GDestroyNotify) change_data_free);
  if (self->store == NULL || self->user == NULL || self->account == NULL)
    {
      g_task_return_new_error (task, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_NOT_OPEN, "no account is open");
      return;
    }
  if (data->handoff_id == NULL || data->version < 1 || (data->sign && g_bytes_get_size (data->password) == 0))
    {
      g_task_return_new_error (task, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_INVALID_ARGUMENT,
                               "a handoff id, a version >= 1 (and for signing a password) are required");
      return;
    }
  el_store_list_ops_async (self->store, EL_STORE_OP_FILTER_ALL, cancellable, change_ops_cb,
                           g_steal_pointer (&task));
}

void
el_context_sign_async (ElContext *self,
                       const char *handoff_id,
                       int version,
                       const char *password,
                       GCancellable *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer user_data)
{
  ChangeData *data;

  g_return_if_fail (EL_IS_CONTEXT (self));
  g_return_if_fail (password != NULL);

  data = g_new0 (ChangeData, 1);
  data->sign = TRUE;
  data->handoff_id = g_strdup (handoff_id);
  data->version = version;
  data->password = el_secrets_bytes_new_wiped (password, strlen (password));
  change_start (self, data, el_context_sign_async, cancellable, callback, user_data);
}

static ElHandoff *
change_finish (ElContext *self, GAsyncResult *result, gboolean *queued, GError **error)
{
  ChangeData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  data = g_task_get_task_data (G_TASK (result));
  if (queued != NULL)
    *queued = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  if (queued != NULL)
    *queued = data->queued;
  return g_object_ref (data->handoff);
}

ElHandoff *
el_context_sign_finish (ElContext *self, GAsyncResult *result, gboolean *queued, GError **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == el_context_sign_async, NULL);
  return change_finish (self, result, queued, error);
}

void
el_context_acknowledge_async (ElContext *self,
                              const char *handoff_id,
                              int version,
                              const char *readback_note,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  ChangeData *data;

  g_return_if_fail (EL_IS_CONTEXT (self));

  data = g_new0 (ChangeData, 1);
  data->handoff_id = g_strdup (handoff_id);
  data->version = version;
  data->note = g_strdup (readback_note);
  change_start (self, data, el_context_acknowledge_async, cancellable, callback, user_data);
}

ElHandoff *
el_context_acknowledge_finish (ElContext *self, GAsyncResult *result, gboolean *queued, GError **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == el_context_acknowledge_async, NULL);
  return change_finish (self, result, queued, error);
}
