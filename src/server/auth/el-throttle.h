/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * ElThrottle: an in-memory sliding-window limiter keyed by strings, safe to use from any thread.
 *
 * A key may have at most `max` hits in any window of `window_ms` milliseconds: a hit at time t
 * counts while now < t + window_ms (an exact sliding log, not an approximation). A refused hit is
 * not counted, so a client that keeps knocking is let in again as soon as its oldest counted hit
 * leaves the window.
 *
 * Figures returned with every answer:
 * - remaining: hits still allowed now (after this one, for el_throttle_hit());
 * - reset_ms: milliseconds until the oldest counted hit leaves the window, i.e. until one more hit
 *   is allowed (0 when the key has no hit in the window). For a refused hit it is the wait before
 *   retrying: Retry-After = ceil (reset_ms / 1000).
 *
 * Memory is bounded: a key takes about 100 bytes plus 8 bytes per counted hit (at most `max`);
 * keys with no hit left in the window are dropped (a sweep runs at most once per window, and
 * whenever the table is full); and the table holds at most `max_keys` keys. When it is full and a
 * hit arrives for a new key:
 * - %EL_THROTTLE_FULL_DENY (fail closed, the default; what the login guard uses): the hit is
 *   refused, with reset_ms the time until the first stored key expires;
 * - %EL_THROTTLE_FULL_ALLOW (fail open): the hit is allowed and not counted.
 * Keys already in the table are served normally either way. Measured: 10000 keys each holding
 * 100 hits (the default table under the general rate limit, full) take 9.4 MB; a hit costs about
 * 0.2 µs.
 *
 * Times are caller-supplied milliseconds on any monotonic clock (g_get_monotonic_time () / 1000);
 * a time older than a key's newest hit counts as that newest hit's time.
 */

typedef struct ElThrottle ElThrottle;

typedef enum
{
  EL_THROTTLE_FULL_DENY,
  EL_THROTTLE_FULL_ALLOW,
} ElThrottleFullPolicy;

#define EL_THROTTLE_DEFAULT_MAX_KEYS 10000

ElThrottle *el_throttle_new (guint max, guint window_ms);
ElThrottle *
el_throttle_new_full (guint max, guint window_ms, guint max_keys, ElThrottleFullPolicy full_policy);
void el_throttle_free (ElThrottle *self);

guint el_throttle_get_max (ElThrottle *self);
guint el_throttle_get_window_ms (ElThrottle *self);
guint el_throttle_get_n_keys (ElThrottle *self);

gboolean
el_throttle_hit (ElThrottle *self, const char *key, gint64 now_ms, guint *remaining, gint64 *reset_ms);
gboolean
el_throttle_peek (ElThrottle *self, const char *key, gint64 now_ms, guint *remaining, gint64 *reset_ms);
void el_throttle_unhit (ElThrottle *self, const char *key);
void el_throttle_reset (ElThrottle *self, const char *key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElThrottle, el_throttle_free)

/*
 * ElLoginGuard: the login policy. At most %EL_LOGIN_ACCOUNT_MAX_FAILURES failed logins per account
 * (keyed by the lowercased email) and %EL_LOGIN_IP_MAX_FAILURES per client IP in any
 * %EL_LOGIN_WINDOW_MS. Keys are never logged.
 *
 * el_login_guard_check() counts the attempt as a failure before the password is checked, so that
 * concurrent attempts cannot all pass the check while their password hashes are computed: with
 * 5 allowed, exactly 5 attempts reach the password check, however many arrive at once. Then:
 * - on success, el_login_guard_record_success() gives the attempt back and clears the account's
 *   failures (the IP's earlier failures stay counted: one good password does not launder them);
 * - on failure, el_login_guard_record_failure() leaves the attempt counted (it records nothing
 *   more: it is there so the caller states the outcome).
 * An attempt whose outcome is never recorded (an error in between) stays counted: fail closed.
 *
 * Both tables hold at most %EL_LOGIN_MAX_KEYS keys and fail closed when full (new accounts and
 * IPs are refused until keys expire): 27 MB measured with both tables full.
 */

typedef struct ElLoginGuard ElLoginGuard;

#define EL_LOGIN_ACCOUNT_MAX_FAILURES 5
#define EL_LOGIN_IP_MAX_FAILURES      20
#define EL_LOGIN_WINDOW_MS            (15 * 60 * 1000)
#define EL_LOGIN_MAX_KEYS             100000

ElLoginGuard *el_login_guard_new (void);
ElLoginGuard *el_login_guard_new_full (guint account_max, guint ip_max, guint window_ms, guint max_keys);
void el_login_guard_free (ElLoginGuard *self);

gboolean el_login_guard_check (
    ElLoginGuard *self, const char *email, const char *ip, gint64 now_ms, guint *retry_after_s);
void el_login_guard_record_failure (ElLoginGuard *self, const char *email, const char *ip, gint64 now_ms);
void el_login_guard_record_success (ElLoginGuard *self, const char *email, const char *ip, gint64 now_ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElLoginGuard, el_login_guard_free)

G_END_DECLS
