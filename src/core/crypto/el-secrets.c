/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-secrets.h"
#include "el-vault.h"

#include <libsecret/secret.h>
#include <openssl/crypto.h>
#include <string.h>

G_STATIC_ASSERT (EL_SECRETS_DATA_KEY_BYTES == EL_VAULT_KEY_BYTES);

struct _ElSecrets
{
  GObject parent_instance;

  char *server_url;
  GHashTable *flights; /* account -> Flight: el_secrets_get_or_create_data_key_async() in progress */
};

enum
{
  PROP_0,
  PROP_SERVER_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Designated initializers: the reserved fields stay zero. */
static const SecretSchema el_secrets_schema = {
  .name = EL_SECRETS_SCHEMA_NAME,
  .flags = SECRET_SCHEMA_NONE,
  .attributes = {
    { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "item", SECRET_SCHEMA_ATTRIBUTE_STRING }, /* one of several items of a kind (an op id) */
    { NULL, 0 },
  },
};

/* Spelled out rather than G_DEFINE_QUARK (): cppcheck cannot parse that macro next to a type
 * definition. */
GQuark
el_secrets_error_quark (void)
{
  static GQuark quark = 0;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("el-secrets-error-quark");
  return quark;
}

G_DEFINE_FINAL_TYPE (ElSecrets, el_secrets, G_TYPE_OBJECT)

/**
 * el_secret_kind_to_string:
 * @kind: a kind
 *
 * Returns: the value of the "kind" attribute: "refresh-token" or "data-key"
 */
const char *
el_secret_kind_to_string (ElSecretKind kind)
{
  switch (kind)
    {
      case EL_SECRET_KIND_REFRESH_TOKEN:
        return "refresh-token";
      case EL_SECRET_KIND_DATA_KEY:
        return "data-key";
      case EL_SECRET_KIND_OFFLINE_SESSION:
        return "offline-session";
      case EL_SECRET_KIND_PENDING_SIGNATURE:
        return "pending-signature";
      default:
        g_return_val_if_reached (NULL);
    }
}

static const char *
kind_label (ElSecretKind kind)
{
  switch (kind)
    {
      case EL_SECRET_KIND_DATA_KEY:
        return "cache key";
      case EL_SECRET_KIND_OFFLINE_SESSION:
        return "offline session";
      case EL_SECRET_KIND_PENDING_SIGNATURE:
        return "signature waiting to be sent";
      case EL_SECRET_KIND_REFRESH_TOKEN:
      default:
        return "refresh token";
    }
}

/* ---- wiped bytes ---------------------------------------------------------------------------- */

typedef struct
{
  gsize capacity;
  guint8 data[];
} WipedBlock;

static void
wiped_block_free (gpointer data)
{
  WipedBlock *block = data;

  OPENSSL_cleanse (block->data, block->capacity);
  g_free (block);
}

static WipedBlock *
wiped_block_new (gsize capacity)
{
  WipedBlock *block = g_malloc0 (sizeof (WipedBlock) + MAX (capacity, 1));

  block->capacity = MAX (capacity, 1);
  return block;
}

/**
 * el_secrets_bytes_new_wiped:
 * @data: (array length=len) (nullable): bytes to copy
 * @len: their number
 *
 * Returns: (transfer full): a GBytes holding a copy of @data that wipes it with OPENSSL_cleanse()
 *   when its last reference goes
 */
GBytes *
el_secrets_bytes_new_wiped (const void *data, gsize len)
{
  WipedBlock *block;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  block = wiped_block_new (len);
  if (len > 0)
    memcpy (block->data, data, len);
  return g_bytes_new_with_free_func (block->data, len, wiped_block_free, block);
}

static gboolean
is_base64 (const char *text, gsize len)
{
  gsize pad = 0;

  if (len == 0 || len % 4 != 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];

      if (c == '=')
        pad++;
      else if (pad > 0 || !(g_ascii_isalnum (c) || c == '+' || c == '/'))
        return FALSE;
    }
  return pad <= 2;
}

/* Decodes the text the keyring gave back into wiped bytes; %NULL if it is not our base64. */
static GBytes *
decode_secret (const char *text)
{
  gsize len = strlen (text);
  gint state = 0;
  guint save = 0;
  gsize n;
  WipedBlock *block;

  if (!is_base64 (text, len))
    return NULL;
  block = wiped_block_new (len / 4 * 3 + 3);
  n = g_base64_decode_step (text, len, block->data, &state, &save);
  return g_bytes_new_with_free_func (block->data, n, wiped_block_free, block);
}

/* ---- errors --------------------------------------------------------------------------------- */

/* Turns what libsecret, D-Bus or the bus connection reported into an EL_SECRETS_ERROR (cancellation
 * stays G_IO_ERROR_CANCELLED). Their messages name D-Bus objects and collections, never values. */
static GError *
convert_error (GError *error, const char *what)
{
  ElSecretsError code = EL_SECRETS_ERROR_FAILED;
  GError *converted;

  if (error == NULL)
    return g_error_new (EL_SECRETS_ERROR, EL_SECRETS_ERROR_UNAVAILABLE, "%s: the keyring refused", what);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;

  if (error->domain == SECRET_ERROR)
    {
      if (error->code == SECRET_ERROR_IS_LOCKED || error->code == SECRET_ERROR_NO_SUCH_OBJECT)
        code = EL_SECRETS_ERROR_UNAVAILABLE;
    }
  else if (error->domain == G_DBUS_ERROR)
    {
      switch (error->code)
        {
          case G_DBUS_ERROR_SERVICE_UNKNOWN:
          case G_DBUS_ERROR_NAME_HAS_NO_OWNER:
          case G_DBUS_ERROR_NO_SERVER:
          case G_DBUS_ERROR_DISCONNECTED:
          case G_DBUS_ERROR_NO_REPLY:
          case G_DBUS_ERROR_TIMEOUT:
          case G_DBUS_ERROR_TIMED_OUT:
          case G_DBUS_ERROR_ACCESS_DENIED:
          case G_DBUS_ERROR_AUTH_FAILED:
          case G_DBUS_ERROR_UNKNOWN_OBJECT:
          case G_DBUS_ERROR_UNKNOWN_METHOD:
          case G_DBUS_ERROR_UNKNOWN_INTERFACE:
          case G_DBUS_ERROR_SPAWN_EXEC_FAILED:
          case G_DBUS_ERROR_SPAWN_FORK_FAILED:
          case G_DBUS_ERROR_SPAWN_FAILED:
          case G_DBUS_ERROR_SPAWN_SERVICE_INVALID:
          case G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND:
          case G_DBUS_ERROR_SPAWN_PERMISSIONS_INVALID:
          case G_DBUS_ERROR_SPAWN_FILE_INVALID:
          case G_DBUS_ERROR_SPAWN_NO_MEMORY:
          case G_DBUS_ERROR_SPAWN_CHILD_EXITED:
          case G_DBUS_ERROR_SPAWN_CHILD_SIGNALED:
          case G_DBUS_ERROR_SPAWN_CONFIG_INVALID:
            code = EL_SECRETS_ERROR_UNAVAILABLE;
            break;
          default:
            break;
        }
      g_dbus_error_strip_remote_error (error);
    }
  else if (error->domain == G_IO_ERROR || error->domain == G_SPAWN_ERROR)
    {
      /* No session bus: no address, nothing listening, no autolaunch. */
      code = EL_SECRETS_ERROR_UNAVAILABLE;
    }

  converted =
      g_error_new (EL_SECRETS_ERROR, code, "%s: %s%s", what,
                   code == EL_SECRETS_ERROR_UNAVAILABLE ? "keyring unavailable: " : "", error->message);
  g_error_free (error);
  return converted;
}

/* ---- object --------------------------------------------------------------------------------- */

static void
el_secrets_finalize (GObject *object)
{
  ElSecrets *self = EL_SECRETS (object);

  g_free (self->server_url);
  g_hash_table_unref (self->flights);

  G_OBJECT_CLASS (el_secrets_parent_class)->finalize (object);
}

static void
el_secrets_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  ElSecrets *self = EL_SECRETS (object);

  switch (prop_id)
    {
      case PROP_SERVER_URL:
        g_value_set_string (value, self->server_url);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_secrets_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  ElSecrets *self = EL_SECRETS (object);

  switch (prop_id)
    {
      case PROP_SERVER_URL:
        {
          const char *url = g_value_get_string (value);
          gsize len = url != NULL ? strlen (url) : 0;

          /* One spelling per server: "https://h/" and "https://h" are the same items. */
          while (len > 0 && url[len - 1] == '/')
            len--;
          g_free (self->server_url);
          self->server_url = g_strndup (url != NULL ? url : "", len);
        }
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
el_secrets_class_init (ElSecretsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = el_secrets_finalize;
  object_class->get_property = el_secrets_get_property;
  object_class->set_property = el_secrets_set_property;

  /**
   * ElSecrets:server-url:
   *
   * The API base URL, the "server" attribute of every item (trailing slashes removed).
   */
  properties[PROP_SERVER_URL] = g_param_spec_string (
      "server-url", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
el_secrets_init (ElSecrets *self)
{
  self->flights = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, NULL);
}

/**
 * el_secrets_new:
 * @server_url: the API base URL, e.g. "https://api.example.org"
 *
 * Returns: (transfer full): the secrets of the users of that server
 */
ElSecrets *
el_secrets_new (const char *server_url)
{
  g_return_val_if_fail (server_url != NULL && *server_url != '\0', NULL);

  return g_object_new (EL_TYPE_SECRETS, "server-url", server_url, NULL);
}

const char *
el_secrets_get_server_url (ElSecrets *self)
{
  g_return_val_if_fail (EL_IS_SECRETS (self), NULL);

  return self->server_url;
}

/* The attributes of one item (kind given) or of all items of an account (kind NULL). The table
 * owns copies of the values and lives as long as the task. */
static GHashTable *
make_attributes (ElSecrets *self, const char *account, const char *kind)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (attributes, (gpointer) "server", g_strdup (self->server_url));
  g_hash_table_insert (attributes, (gpointer) "account", g_strdup (account));
  if (kind != NULL)
    g_hash_table_insert (attributes, (gpointer) "kind", g_strdup (kind));
  return attributes;
}

/* The attributes of one item of a kind that has several (@item: e.g. an op id). */
static GHashTable *
make_item_attributes (ElSecrets *self, const char *account, const char *kind, const char *item)
{
  GHashTable *attributes = make_attributes (self, account, kind);

  if (item != NULL)
    g_hash_table_insert (attributes, (gpointer) "item", g_strdup (item));
  return attributes;
}

static void
store_item (ElSecrets *self,
            GHashTable *attributes,
            ElSecretKind kind,
            const char *account,
            GBytes *secret,
            GCancellable *cancellable,
            GAsyncReadyCallback callback,
            gpointer user_data)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (secret, &len);
  char *encoded = g_base64_encode (data, len);
  g_autofree char *label =
      g_strdup_printf ("EclipseLink Handoff %s for %s (%s)", kind_label (kind), account, self->server_url);

  /* libsecret copies the password into its own (non-pageable) SecretValue before returning. */
  secret_password_storev (&el_secrets_schema, attributes, SECRET_COLLECTION_DEFAULT, label, encoded,
                          cancellable, callback, user_data);
  OPENSSL_cleanse (encoded, strlen (encoded));
  g_free (encoded);
}

/* ---- store ---------------------------------------------------------------------------------- */

static void
store_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, convert_error (error, "could not store the secret"));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * el_secrets_store_async:
 * @self: secrets
 * @account: the user
 * @kind: which secret
 * @secret: its bytes (not empty); ElSecrets keeps no copy after the call completes
 * @cancellable: (nullable): cancels the call (the item may or may not have been written)
 * @callback: called on the thread-default main context of the caller
 * @user_data: for @callback
 *
 * Stores or replaces the item (server, @account, @kind) in the default collection.
 */
void
el_secrets_store_async (ElSecrets *self,
                        const char *account,
                        ElSecretKind kind,
                        GBytes *secret,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  GHashTable *attributes;

  g_return_if_fail (EL_IS_SECRETS (self));
  g_return_if_fail (account != NULL && *account != '\0');
  g_return_if_fail (el_secret_kind_to_string (kind) != NULL);
  g_return_if_fail (secret != NULL && g_bytes_get_size (secret) > 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_secrets_store_async);
  attributes = make_attributes (self, account, el_secret_kind_to_string (kind));
  g_task_set_task_data (task, attributes, (GDestroyNotify) g_hash_table_unref);
  store_item (self, attributes, kind, account, secret, cancellable, store_done_cb, g_object_ref (task));
}

/**
 * el_secrets_store_finish:
 * @self: secrets
 * @result: the result
 * @error: %EL_SECRETS_ERROR_UNAVAILABLE, %EL_SECRETS_ERROR_FAILED or G_IO_ERROR_CANCELLED
 *
 * Returns: %TRUE once the keyring holds the secret
 */
gboolean
el_secrets_store_finish (ElSecrets *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == el_secrets_store_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- lookup --------------------------------------------------------------------------------- */

/* What a lookup found: *found = NULL and TRUE when absent. */
static gboolean
finish_lookup (GAsyncResult *result, GBytes **found, GError **error)
{
  GError *local_error = NULL;
  char *text = secret_password_lookup_finish (result, &local_error);

  *found = NULL;
  if (local_error != NULL)
    {
      secret_password_free (text);
      g_propagate_error (error, convert_error (local_error, "could not look up the secret"));
      return FALSE;
    }
  if (text == NULL)
    return TRUE;
  *found = decode_secret (text);
  secret_password_free (text); /* wipes */
  if (*found == NULL || g_bytes_get_size (*found) == 0)
    {
      g_clear_pointer (found, g_bytes_unref);
      g_set_error_literal (error, EL_SECRETS_ERROR, EL_SECRETS_ERROR_CORRUPT,
                           "the keyring item is not a value this client stored");
      return FALSE;
    }
  return TRUE;
}

static void
lookup_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  GBytes *found = NULL;

  if (!finish_lookup (result, &found, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, found, (GDestroyNotify) g_bytes_unref);
}

/**
 * el_secrets_lookup_async:
 * @self: secrets
 * @account: the user
 * @kind: which secret
 * @cancellable: (nullable): cancels the call
 * @callback: called on the thread-default main context of the caller
 * @user_data: for @callback
 */
void
el_secrets_lookup_async (ElSecrets *self,
                         const char *account,
                         ElSecretKind kind,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  GHashTable *attributes;

  g_return_if_fail (EL_IS_SECRETS (self));
  g_return_if_fail (account != NULL && *account != '\0');
  g_return_if_fail (el_secret_kind_to_string (kind) != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_secrets_lookup_async);
  attributes = make_attributes (self, account, el_secret_kind_to_string (kind));
  g_task_set_task_data (task, attributes, (GDestroyNotify) g_hash_table_unref);
  secret_password_lookupv (&el_secrets_schema, attributes, cancellable, lookup_done_cb, g_object_ref (task));
}

/**
 * el_secrets_lookup_finish:
 * @self: secrets
 * @result: the result
 * @error: %EL_SECRETS_ERROR_UNAVAILABLE, %EL_SECRETS_ERROR_CORRUPT, %EL_SECRETS_ERROR_FAILED or
 *   G_IO_ERROR_CANCELLED; never set when the item is simply absent
 *
 * Returns: (transfer full) (nullable): the secret (its memory is wiped when freed), or %NULL: absent
 *   when @error is not set
 */
GBytes *
el_secrets_lookup_finish (ElSecrets *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == el_secrets_lookup_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- clear ---------------------------------------------------------------------------------- */

static void
clear_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  /* FALSE without an error: there was nothing to remove, which is success. */
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, convert_error (error, "could not clear the secret"));
  else
    g_task_return_boolean (task, TRUE);
}

static void
clear_items (ElSecrets *self,
             const char *account,
             const char *kind,
             gpointer tag,
             GCancellable *cancellable,
             GAsyncReadyCallback callback,
             gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  GHashTable *attributes = make_attributes (self, account, kind);

  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, attributes, (GDestroyNotify) g_hash_table_unref);
  secret_password_clearv (&el_secrets_schema, attributes, cancellable, clear_done_cb, g_object_ref (task));
}

/**
 * el_secrets_clear_async:
 * @self: secrets
 * @account: the user
 * @kind: which secret
 * @cancellable: (nullable): cancels the call
 * @callback: called on the thread-default main context of the caller
 * @user_data: for @callback
 *
 * Removes the item (server, @account, @kind); removing an absent item succeeds.
 */
void
el_secrets_clear_async (ElSecrets *self,
                        const char *account,
                        ElSecretKind kind,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_return_if_fail (EL_IS_SECRETS (self));
  g_return_if_fail (account != NULL && *account != '\0');
  g_return_if_fail (el_secret_kind_to_string (kind) != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  clear_items (self, account, el_secret_kind_to_string (kind), el_secrets_clear_async, cancellable, callback,
               user_data);
}

gboolean
el_secrets_clear_finish (ElSecrets *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == el_secrets_clear_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * el_secrets_clear_account_async:
 * @self: secrets
 * @account: the user signing out
 * @cancellable: (nullable): cancels the call
 * @callback: called on the thread-default main context of the caller
 * @user_data: for @callback
 *
 * Logout: removes every item of @account on this server (refresh token and data key). Without
 * the data key the user's cache can no longer be read: the caller deletes the cache file too.
 */
void
el_secrets_clear_account_async (ElSecrets *self,
                                const char *account,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data)
{
  g_return_if_fail (EL_IS_SECRETS (self));
  g_return_if_fail (account != NULL && *account != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  clear_items (self, account, NULL, el_secrets_clear_account_async, cancellable, callback, user_data);
}

gboolean
el_secrets_clear_account_finish (ElSecrets *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == el_secrets_clear_account_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- data key ------------------------------------------------------------------------------- */

/* One look-up-or-create in progress for an account; every caller meanwhile waits for its result.
 * The flight itself is not cancellable (a few D-Bus round trips); a caller that cancelled gets
 * G_IO_ERROR_CANCELLED when it ends (GTask checks its cancellable). */
typedef struct
{
  ElSecrets *self; /* a ref */
  char *account;
  GHashTable *attributes;
  GPtrArray *waiters; /* GTask */
} Flight;

static void
flight_finish (Flight *flight, GBytes *key, GError *error)
{
  g_hash_table_remove (flight->self->flights, flight->account);
  for (guint i = 0; i < flight->waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (flight->waiters, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_pointer (task, g_bytes_ref (key), (GDestroyNotify) g_bytes_unref);
    }
  g_clear_error (&error);
  g_clear_pointer (&key, g_bytes_unref);
  g_ptr_array_unref (flight->waiters);
  g_hash_table_unref (flight->attributes);
  g_free (flight->account);
  g_object_unref (flight->self);
  g_free (flight);
}

static gboolean
check_key (GBytes *key, GError **error)
{
  if (g_bytes_get_size (key) != EL_SECRETS_DATA_KEY_BYTES)
    {
      g_set_error (error, EL_SECRETS_ERROR, EL_SECRETS_ERROR_CORRUPT,
                   "the stored data key has %" G_GSIZE_FORMAT " bytes instead of %d", g_bytes_get_size (key),
                   EL_SECRETS_DATA_KEY_BYTES);
      return FALSE;
    }
  return TRUE;
}

static void
flight_read_back_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Flight *flight = user_data;
  GError *error = NULL;
  GBytes *found = NULL;

  if (!finish_lookup (result, &found, &error))
    flight_finish (flight, NULL, error);
  else if (found == NULL)
    flight_finish (flight, NULL,
                   g_error_new_literal (EL_SECRETS_ERROR, EL_SECRETS_ERROR_FAILED,
                                        "the data key was stored but cannot be found again"));
  else if (!check_key (found, &error))
    {
      g_bytes_unref (found);
      flight_finish (flight, NULL, error);
    }
  else
    /* Normally the key just made; another process's if it stored one in between (last wins). */
    flight_finish (flight, found, NULL);
}

static void
flight_stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Flight *flight = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    {
      flight_finish (flight, NULL, convert_error (error, "could not store the data key"));
      return;
    }
  secret_password_lookupv (&el_secrets_schema, flight->attributes, NULL, flight_read_back_cb, flight);
}

static void
flight_looked_up_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Flight *flight = user_data;
  GError *error = NULL;
  GBytes *found = NULL;
  g_autoptr (GBytes) created = NULL;
  guint8 key[EL_VAULT_KEY_BYTES];

  if (!finish_lookup (result, &found, &error))
    {
      flight_finish (flight, NULL, error);
      return;
    }
  if (found != NULL)
    {
      if (!check_key (found, &error))
        {
          g_bytes_unref (found);
          flight_finish (flight, NULL, error);
        }
      else
        flight_finish (flight, found, NULL);
      return;
    }

  /* First sign-in of this account on this server: a new random key. */
  if (!el_vault_generate_key (key, NULL))
    {
      flight_finish (
          flight, NULL,
          g_error_new_literal (EL_SECRETS_ERROR, EL_SECRETS_ERROR_FAILED, "the random generator failed"));
      return;
    }
  created = el_secrets_bytes_new_wiped (key, sizeof key);
  OPENSSL_cleanse (key, sizeof key);
  /* The read-back after storing returns the key; store_item() keeps no copy. */
  store_item (flight->self, flight->attributes, EL_SECRET_KIND_DATA_KEY, flight->account, created, NULL,
              flight_stored_cb, flight);
}

/**
 * el_secrets_get_or_create_data_key_async:
 * @self: secrets
 * @account: the user
 * @cancellable: (nullable): the caller stops waiting (a key may still be created and stored)
 * @callback: called on the thread-default main context of the caller
 * @user_data: for @callback
 *
 * Returns the data key of @account, creating it (el_vault_generate_key()) and storing it first if
 * the keyring has none. Concurrent calls for one account share one look-up (and one creation).
 * Two processes signing the same account in for the first time at the same moment could each
 * create a key; the key read back after storing is the one returned, so both end up with the
 * key the keyring kept unless one of them already used its own.
 */
void
el_secrets_get_or_create_data_key_async (ElSecrets *self,
                                         const char *account,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  Flight *flight;

  g_return_if_fail (EL_IS_SECRETS (self));
  g_return_if_fail (account != NULL && *account != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_secrets_get_or_create_data_key_async);
  if (g_task_return_error_if_cancelled (task))
    return;

  flight = g_hash_table_lookup (self->flights, account);
  if (flight != NULL)
    {
      g_ptr_array_add (flight->waiters, g_steal_pointer (&task));
      return;
    }

  flight = g_new0 (Flight, 1);
  flight->self = g_object_ref (self);
  flight->account = g_strdup (account);
  flight->attributes = make_attributes (self, account, el_secret_kind_to_string (EL_SECRET_KIND_DATA_KEY));
  flight->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (flight->waiters, g_steal_pointer (&task));
  g_hash_table_insert (self->flights, flight->account, flight);
  secret_password_lookupv (&el_secrets_schema, flight->attributes, NULL, flight_looked_up_cb, flight);
}

/**
 * el_secrets_get_or_create_data_key_finish:
 * @self: secrets
 * @result: the result
 * @error: %EL_SECRETS_ERROR_UNAVAILABLE, %EL_SECRETS_ERROR_CORRUPT (a stored key that is not 32
 *   bytes of base64), %EL_SECRETS_ERROR_FAILED or G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer full) (nullable): %EL_SECRETS_DATA_KEY_BYTES bytes, wiped when freed: give
 *   them to el_vault_new()
 */
GBytes *
el_secrets_get_or_create_data_key_finish (ElSecrets *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == el_secrets_get_or_create_data_key_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- items of a kind that has several (pending signatures) ---------------------------------- */

/**
 * el_secrets_store_item_async:
 * @self: secrets
 * @account: the user
 * @kind: which secret (e.g. %EL_SECRET_KIND_PENDING_SIGNATURE)
 * @item: which one of @kind (attribute "item", e.g. an outbox op id)
 * @secret: its bytes (not empty)
 * @cancellable: (nullable): cancels the call
 * @callback: called on the thread-default main context of the caller
 * @user_data: for @callback
 *
 * Like el_secrets_store_async() for the item (server, @account, @kind, @item). Finish with
 * el_secrets_store_finish().
 */
void
el_secrets_store_item_async (ElSecrets *self,
                             const char *account,
                             ElSecretKind kind,
                             const char *item,
                             GBytes *secret,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  GHashTable *attributes;

  g_return_if_fail (EL_IS_SECRETS (self));
  g_return_if_fail (account != NULL && *account != '\0');
  g_return_if_fail (item != NULL && *item != '\0');
  g_return_if_fail (el_secret_kind_to_string (kind) != NULL);
  g_return_if_fail (secret != NULL && g_bytes_get_size (secret) > 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_secrets_store_async);
  attributes = make_item_attributes (self, account, el_secret_kind_to_string (kind), item);
  g_task_set_task_data (task, attributes, (GDestroyNotify) g_hash_table_unref);
  store_item (self, attributes, kind, account, secret, cancellable, store_done_cb, g_object_ref (task));
}

/**
 * el_secrets_lookup_item_async:
 *
 * Like el_secrets_lookup_async() for the item (server, @account, @kind, @item). Finish with
 * el_secrets_lookup_finish() (%NULL without an error: absent).
 */
void
el_secrets_lookup_item_async (ElSecrets *self,
                              const char *account,
                              ElSecretKind kind,
                              const char *item,
                              GCancellable *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  GHashTable *attributes;

  g_return_if_fail (EL_IS_SECRETS (self));
  g_return_if_fail (account != NULL && *account != '\0');
  g_return_if_fail (item != NULL && *item != '\0');
  g_return_if_fail (el_secret_kind_to_string (kind) != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_secrets_lookup_async);
  attributes = make_item_attributes (self, account, el_secret_kind_to_string (kind), item);
  g_task_set_task_data (task, attributes, (GDestroyNotify) g_hash_table_unref);
  secret_password_lookupv (&el_secrets_schema, attributes, cancellable, lookup_done_cb, g_object_ref (task));
}

/**
 * el_secrets_clear_item_async:
 *
 * Removes the item (server, @account, @kind, @item); an absent item is success. Finish with
 * el_secrets_clear_finish().
 */
void
el_secrets_clear_item_async (ElSecrets *self,
                             const char *account,
                             ElSecretKind kind,
                             const char *item,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  GHashTable *attributes;

  g_return_if_fail (EL_IS_SECRETS (self));
  g_return_if_fail (account != NULL && *account != '\0');
  g_return_if_fail (item != NULL && *item != '\0');
  g_return_if_fail (el_secret_kind_to_string (kind) != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_secrets_clear_async);
  attributes = make_item_attributes (self, account, el_secret_kind_to_string (kind), item);
  g_task_set_task_data (task, attributes, (GDestroyNotify) g_hash_table_unref);
  secret_password_clearv (&el_secrets_schema, attributes, cancellable, clear_done_cb, g_object_ref (task));
}

static void
search_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  GList *found = secret_password_search_finish (result, &error);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  (void) source;
  if (error != NULL)
    {
      g_autofree char *remote = g_dbus_error_get_remote_error (error);
      guint attempts = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "el-search-attempts"));

      /* An item deleted by another program (another nurse's session, another app) between the
       * search and reading its attributes: search again rather than fail. */
      if ((g_strcmp0 (remote, "org.freedesktop.Secret.Error.NoSuchObject") == 0 ||
           strstr (error->message, "No such secret item") != NULL) &&
          attempts < 3 && !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
        {
          g_clear_error (&error);
          g_object_set_data (G_OBJECT (task), "el-search-attempts", GUINT_TO_POINTER (attempts + 1));
          secret_password_searchv (&el_secrets_schema, g_task_get_task_data (task), SECRET_SEARCH_ALL,
                                   g_task_get_cancellable (task), search_done_cb, g_object_ref (task));
          return;
        }
      g_task_return_error (task, convert_error (error, "could not search the keyring"));
      return;
    }
  for (GList *l = found; l != NULL; l = l->next)
    {
      g_autoptr (GHashTable) attributes = secret_retrievable_get_attributes (SECRET_RETRIEVABLE (l->data));
      const char *item = attributes != NULL ? g_hash_table_lookup (attributes, "item") : NULL;

      if (item != NULL && *item != '\0')
        g_strv_builder_add (builder, item);
    }
  g_list_free_full (found, g_object_unref);
  g_task_return_pointer (task, g_strv_builder_end (builder), (GDestroyNotify) g_strfreev);
}

/**
 * el_secrets_list_items_async:
 * @self: secrets
 * @account: the user
 * @kind: which kind
 * @cancellable: (nullable): cancels the call
 * @callback: called on the thread-default main context of the caller
 * @user_data: for @callback
 *
 * The "item" attributes of @account's items of @kind (no secret is read or unlocked).
 */
void
el_secrets_list_items_async (ElSecrets *self,
                             const char *account,
                             ElSecretKind kind,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  GHashTable *attributes;

  g_return_if_fail (EL_IS_SECRETS (self));
  g_return_if_fail (account != NULL && *account != '\0');
  g_return_if_fail (el_secret_kind_to_string (kind) != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, el_secrets_list_items_async);
  attributes = make_attributes (self, account, el_secret_kind_to_string (kind));
  g_task_set_task_data (task, attributes, (GDestroyNotify) g_hash_table_unref);
  secret_password_searchv (&el_secrets_schema, attributes, SECRET_SEARCH_ALL, cancellable, search_done_cb,
                           g_object_ref (task));
}

/**
 * el_secrets_list_items_finish:
 *
 * Returns: (transfer full): the item ids (possibly empty), %NULL on error
 */
char **
el_secrets_list_items_finish (ElSecrets *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == el_secrets_list_items_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
