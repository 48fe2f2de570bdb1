/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-throttle.h"

/* The hits of one key, oldest first, in a ring that grows up to the throttle's max. */
typedef struct
{
  gint64 *hits;
  guint capacity;
  guint head;
  guint len;
} Bucket;

struct ElThrottle
{
  GMutex mutex;
  guint max;
  gint64 window_ms;
  guint max_keys;
  ElThrottleFullPolicy full_policy;
  GHashTable *buckets;   /* key (owned) → Bucket */
  gint64 next_sweep_ms;  /* the periodic sweep of idle keys */
  gint64 next_expiry_ms; /* no key can become idle before this (an underestimate is harmless) */
};

static void
bucket_free (gpointer data)
{
  Bucket *bucket = data;

  g_free (bucket->hits);
  g_free (bucket);
}

static gint64
bucket_oldest (const Bucket *bucket)
{
  return bucket->hits[bucket->head];
}

static gint64
bucket_newest (const Bucket *bucket)
{
  return bucket->hits[(bucket->head + bucket->len - 1) % bucket->capacity];
}

static void
bucket_prune (Bucket *bucket, gint64 window_ms, gint64 now_ms)
{
  while (bucket->len > 0 && bucket_oldest (bucket) + window_ms <= now_ms)
    {
      bucket->head = (bucket->head + 1) % bucket->capacity;
      bucket->len--;
    }
}

static void
bucket_push (Bucket *bucket, guint max, gint64 now_ms)
{
  if (bucket->len > 0)
    now_ms = MAX (now_ms, bucket_newest (bucket));

  if (bucket->len == bucket->capacity)
    {
      guint capacity = MIN (MAX (bucket->capacity * 2, 4u), max);
      gint64 *hits = g_new (gint64, capacity);

      g_assert (capacity > bucket->len);
      for (guint i = 0; i < bucket->len; i++)
        hits[i] = bucket->hits[(bucket->head + i) % bucket->capacity];
      g_free (bucket->hits);
      bucket->hits = hits;
      bucket->capacity = capacity;
      bucket->head = 0;
    }
  bucket->hits[(bucket->head + bucket->len) % bucket->capacity] = now_ms;
  bucket->len++;
}

/**
 * el_throttle_new:
 * @max: hits allowed per key in a window, at least 1
 * @window_ms: the window's length in milliseconds, at least 1
 *
 * Returns: (transfer full): a throttle of at most %EL_THROTTLE_DEFAULT_MAX_KEYS keys that fails
 *   closed when full
 */
ElThrottle *
el_throttle_new (guint max, guint window_ms)
{
  return el_throttle_new_full (max, window_ms, EL_THROTTLE_DEFAULT_MAX_KEYS, EL_THROTTLE_FULL_DENY);
}

/**
 * el_throttle_new_full:
 * @max: hits allowed per key in a window, at least 1
 * @window_ms: the window's length in milliseconds, at least 1
 * @max_keys: the most keys held at once, at least 1
 * @full_policy: what a new key gets while @max_keys keys are held
 *
 * Returns: (transfer full): a throttle
 */
ElThrottle *
el_throttle_new_full (guint max, guint window_ms, guint max_keys, ElThrottleFullPolicy full_policy)
{
  ElThrottle *self;

  g_return_val_if_fail (max > 0 && window_ms > 0 && max_keys > 0, NULL);
  g_return_val_if_fail (full_policy == EL_THROTTLE_FULL_DENY || full_policy == EL_THROTTLE_FULL_ALLOW, NULL);

  self = g_new0 (ElThrottle, 1);
  g_mutex_init (&self->mutex);
  self->max = max;
  self->window_ms = window_ms;
  self->max_keys = max_keys;
  self->full_policy = full_policy;
  self->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, bucket_free);
  self->next_sweep_ms = G_MININT64;
  self->next_expiry_ms = G_MININT64;
  return self;
}

void
el_throttle_free (ElThrottle *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->buckets);
  g_mutex_clear (&self->mutex);
  g_free (self);
}

guint
el_throttle_get_max (ElThrottle *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->max;
}

guint
el_throttle_get_window_ms (ElThrottle *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return (guint) self->window_ms;
}

/**
 * el_throttle_get_n_keys:
 * @self: a throttle
 *
 * Returns: the number of keys held, idle keys not swept yet included
 */
guint
el_throttle_get_n_keys (ElThrottle *self)
{
  guint n;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->mutex);
  n = g_hash_table_size (self->buckets);
  g_mutex_unlock (&self->mutex);
  return n;
}

/* Drops the keys without a hit in the window; called with the mutex held. */
static void
sweep (ElThrottle *self, gint64 now_ms)
{
  GHashTableIter iter;
  gpointer value;
  gint64 next_expiry = G_MAXINT64;

  g_hash_table_iter_init (&iter, self->buckets);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Bucket *bucket = value;

      bucket_prune (bucket, self->window_ms, now_ms);
      if (bucket->len == 0)
        g_hash_table_iter_remove (&iter);
      else
        next_expiry = MIN (next_expiry, bucket_newest (bucket) + self->window_ms);
    }
  self->next_expiry_ms = next_expiry;
  self->next_sweep_ms = now_ms + self->window_ms;
}

static gboolean
decide (ElThrottle *self, const char *key, gint64 now_ms, gboolean record, guint *remaining, gint64 *reset_ms)
{
  Bucket *bucket;
  gboolean allowed;
  guint left;
  gint64 reset;

  g_mutex_lock (&self->mutex);

  if (now_ms >= self->next_sweep_ms)
    sweep (self, now_ms);

  bucket = g_hash_table_lookup (self->buckets, key);
  if (bucket == NULL && g_hash_table_size (self->buckets) >= self->max_keys && now_ms >= self->next_expiry_ms)
    sweep (self, now_ms);

  if (bucket == NULL && g_hash_table_size (self->buckets) >= self->max_keys)
    {
      /* Full: the policy decides, nothing is stored. */
      allowed = self->full_policy == EL_THROTTLE_FULL_ALLOW;
      left = allowed ? self->max - (record ? 1 : 0) : 0;
      reset = allowed ? 0 : MAX (self->next_expiry_ms - now_ms, 1);
      g_mutex_unlock (&self->mutex);
      goto out;
    }

  if (bucket != NULL)
    bucket_prune (bucket, self->window_ms, now_ms);
  allowed = bucket == NULL || bucket->len < self->max;

  if (allowed && record)
    {
      if (bucket == NULL)
        {
          bucket = g_new0 (Bucket, 1);
          g_hash_table_insert (self->buckets, g_strdup (key), bucket);
          self->next_expiry_ms = MIN (self->next_expiry_ms, now_ms + self->window_ms);
        }
      bucket_push (bucket, self->max, now_ms);
    }

  left = self->max - (bucket != NULL ? bucket->len : 0);
  reset = bucket != NULL && bucket->len > 0 ? MAX (bucket_oldest (bucket) + self->window_ms - now_ms, 1) : 0;

  if (bucket != NULL && bucket->len == 0)
    g_hash_table_remove (self->buckets, key);

  g_mutex_unlock (&self->mutex);

out:
  if (remaining != NULL)
    *remaining = left;
  if (reset_ms != NULL)
    *reset_ms = reset;
  return allowed;
}

/**
 * el_throttle_hit:
 * @self: a throttle
 * @key: what is limited (a user id, an IP, ...)
 * @now_ms: the current time in milliseconds
 * @remaining: (out) (optional): hits still allowed after this one
 * @reset_ms: (out) (optional): milliseconds until one more hit is allowed
 *
 * Counts a hit on @key if it is allowed.
 *
 * Returns: %TRUE if the hit is allowed (and counted)
 */
gboolean
el_throttle_hit (ElThrottle *self, const char *key, gint64 now_ms, guint *remaining, gint64 *reset_ms)
{
  g_return_val_if_fail (self != NULL && key != NULL, FALSE);
  return decide (self, key, now_ms, TRUE, remaining, reset_ms);
}

/**
 * el_throttle_peek:
 * @self: a throttle
 * @key: what is limited
 * @now_ms: the current time in milliseconds
 * @remaining: (out) (optional): hits allowed now
 * @reset_ms: (out) (optional): milliseconds until one more hit is allowed
 *
 * Like el_throttle_hit() but counts nothing.
 *
 * Returns: %TRUE if a hit would be allowed now
 */
gboolean
el_throttle_peek (ElThrottle *self, const char *key, gint64 now_ms, guint *remaining, gint64 *reset_ms)
{
  g_return_val_if_fail (self != NULL && key != NULL, FALSE);
  return decide (self, key, now_ms, FALSE, remaining, reset_ms);
}

/**
 * el_throttle_unhit:
 * @self: a throttle
 * @key: what is limited
 *
 * Takes back the newest hit counted on @key (an attempt that turned out not to count).
 */
void
el_throttle_unhit (ElThrottle *self, const char *key)
{
  Bucket *bucket;

  g_return_if_fail (self != NULL && key != NULL);

  g_mutex_lock (&self->mutex);
  bucket = g_hash_table_lookup (self->buckets, key);
  if (bucket != NULL && bucket->len > 0)
    bucket->len--;
  if (bucket != NULL && bucket->len == 0)
    g_hash_table_remove (self->buckets, key);
  g_mutex_unlock (&self->mutex);
}

/**
 * el_throttle_reset:
 * @self: a throttle
 * @key: what is limited
 *
 * Forgets every hit on @key (e.g. an account's failures after a successful login).
 */
void
el_throttle_reset (ElThrottle *self, const char *key)
{
  g_return_if_fail (self != NULL && key != NULL);

  g_mutex_lock (&self->mutex);
  g_hash_table_remove (self->buckets, key);
  g_mutex_unlock (&self->mutex);
}

/* Login guard */

struct ElLoginGuard
{
  ElThrottle *accounts; /* lowercased email → failures */
  ElThrottle *ips;      /* client IP → failures */
};

ElLoginGuard *
el_login_guard_new (void)
{
  return el_login_guard_new_full (EL_LOGIN_ACCOUNT_MAX_FAILURES, EL_LOGIN_IP_MAX_FAILURES, EL_LOGIN_WINDOW_MS,
                                  EL_LOGIN_MAX_KEYS);
}

/**
 * el_login_guard_new_full:
 * @account_max: failed logins allowed per account in a window
 * @ip_max: failed logins allowed per client IP in a window
 * @window_ms: the window
 * @max_keys: the most accounts, and the most IPs, tracked at once (fail closed beyond)
 *
 * Returns: (transfer full): a login guard
 */
ElLoginGuard *
el_login_guard_new_full (guint account_max, guint ip_max, guint window_ms, guint max_keys)
{
  ElLoginGuard *self;

  g_return_val_if_fail (account_max > 0 && ip_max > 0 && window_ms > 0 && max_keys > 0, NULL);

  self = g_new0 (ElLoginGuard, 1);
  self->accounts = el_throttle_new_full (account_max, window_ms, max_keys, EL_THROTTLE_FULL_DENY);
  self->ips = el_throttle_new_full (ip_max, window_ms, max_keys, EL_THROTTLE_FULL_DENY);
  return self;
}

void
el_login_guard_free (ElLoginGuard *self)
{
  if (self == NULL)
    return;
  el_throttle_free (self->accounts);
  el_throttle_free (self->ips);
  g_free (self);
}

/* Emails are compared without case; the key is never logged. */
static char *
account_key (const char *email)
{
  if (g_utf8_validate (email, -1, NULL))
    return g_utf8_strdown (email, -1);
  return g_ascii_strdown (email, -1);
}

static guint
retry_after_seconds (gint64 reset_ms)
{
  return (guint) MAX ((reset_ms + 999) / 1000, 1);
}

/**
 * el_login_guard_check:
 * @self: a login guard
 * @email: (nullable): the email the client gave (%NULL: no per-account limit)
 * @ip: (nullable): the client's IP address (%NULL: no per-IP limit)
 * @now_ms: the current time in milliseconds
 * @retry_after_s: (out) (optional): when refused, seconds to wait (for Retry-After); else 0
 *
 * Decides whether a login attempt may check its password, and if so counts it as a failure until
 * el_login_guard_record_success() says otherwise.
 *
 * Returns: %TRUE if the attempt may go on
 */
gboolean
el_login_guard_check (
    ElLoginGuard *self, const char *email, const char *ip, gint64 now_ms, guint *retry_after_s)
{
  g_autofree char *account = NULL;
  gboolean account_ok = TRUE;
  gboolean ip_ok = TRUE;
  gint64 account_reset = 0;
  gint64 ip_reset = 0;
  gint64 wait_ms = 0;

  g_return_val_if_fail (self != NULL, FALSE);

  if (email != NULL)
    {
      account = account_key (email);
      account_ok = el_throttle_hit (self->accounts, account, now_ms, NULL, &account_reset);
    }
  if (ip != NULL)
    ip_ok = el_throttle_hit (self->ips, ip, now_ms, NULL, &ip_reset);

  if (account_ok && ip_ok)
    {
      if (retry_after_s != NULL)
        *retry_after_s = 0;
      return TRUE;
    }

  /* Refused: give back whichever hit was counted. */
  if (account != NULL && account_ok)
    el_throttle_unhit (self->accounts, account);
  if (ip != NULL && ip_ok)
    el_throttle_unhit (self->ips, ip);
  if (!account_ok)
    wait_ms = MAX (wait_ms, account_reset);
  if (!ip_ok)
    wait_ms = MAX (wait_ms, ip_reset);
  if (retry_after_s != NULL)
    *retry_after_s = retry_after_seconds (wait_ms);
  return FALSE;
}

/**
 * el_login_guard_record_failure:
 * @self: a login guard
 * @email: (nullable): the email given to el_login_guard_check()
 * @ip: (nullable): the IP given to el_login_guard_check()
 * @now_ms: the current time in milliseconds
 *
 * The attempt allowed by el_login_guard_check() failed: it stays counted.
 */
void
el_login_guard_record_failure (ElLoginGuard *self, const char *email, const char *ip, gint64 now_ms)
{
  g_return_if_fail (self != NULL);
  /* Nothing to do: el_login_guard_check() counted the attempt as a failure already. */
}

/**
 * el_login_guard_record_success:
 * @self: a login guard
 * @email: (nullable): the email given to el_login_guard_check()
 * @ip: (nullable): the IP given to el_login_guard_check()
 * @now_ms: the current time in milliseconds
 *
 * The attempt allowed by el_login_guard_check() succeeded: the account's failures are forgotten
 * and the IP gets this attempt back.
 */
void
el_login_guard_record_success (ElLoginGuard *self, const char *email, const char *ip, gint64 now_ms)
{
  g_return_if_fail (self != NULL);

  if (email != NULL)
    {
      g_autofree char *account = account_key (email);

      el_throttle_reset (self->accounts, account);
    }
  if (ip != NULL)
    el_throttle_unhit (self->ips, ip);
}
