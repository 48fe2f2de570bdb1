/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sliding-window limiter and the login policy on top of it. Times are given by the tests, so
 * every figure is exact. */
#include "config.h"

#include "el-throttle.h"

typedef struct
{
  gboolean allowed;
  guint remaining;
  gint64 reset_ms;
} Answer;

static Answer
hit (ElThrottle *throttle, const char *key, gint64 now_ms)
{
  Answer a = { FALSE, 999, -1 };

  a.allowed = el_throttle_hit (throttle, key, now_ms, &a.remaining, &a.reset_ms);
  return a;
}

static Answer
peek (ElThrottle *throttle, const char *key, gint64 now_ms)
{
  Answer a = { FALSE, 999, -1 };

  a.allowed = el_throttle_peek (throttle, key, now_ms, &a.remaining, &a.reset_ms);
  return a;
}

#define assert_answer(a, ok, rem, reset)        \
  G_STMT_START                                  \
  {                                             \
    Answer a_ = (a);                            \
    g_assert_cmpint (a_.allowed, ==, (ok));     \
    g_assert_cmpuint (a_.remaining, ==, (rem)); \
    g_assert_cmpint (a_.reset_ms, ==, (reset)); \
  }                                             \
  G_STMT_END

static void
test_window_slides (void)
{
  g_autoptr (ElThrottle) t = el_throttle_new (3, 1000);

  g_assert_cmpuint (el_throttle_get_max (t), ==, 3);
  g_assert_cmpuint (el_throttle_get_window_ms (t), ==, 1000);

  assert_answer (hit (t, "k", 0), TRUE, 2, 1000);
  assert_answer (hit (t, "k", 100), TRUE, 1, 900);
  assert_answer (hit (t, "k", 200), TRUE, 0, 800);
  assert_answer (hit (t, "k", 300), FALSE, 0, 700);
  assert_answer (hit (t, "k", 999), FALSE, 0, 1);
  /* At 1000 the hit of 0 has left the window; the next one to leave is that of 100. */
  assert_answer (hit (t, "k", 1000), TRUE, 0, 100);
  assert_answer (hit (t, "k", 1050), FALSE, 0, 50);
  assert_answer (hit (t, "k", 1100), TRUE, 0, 100);
  /* Refused hits were not counted: the hit of 200 leaves at 1200. */
  for (gint64 now = 1101; now < 1200; now++)
    g_assert_false (el_throttle_hit (t, "k", now, NULL, NULL));
  assert_answer (hit (t, "k", 1200), TRUE, 0, 800);
  /* Long after, the whole quota is back. */
  assert_answer (peek (t, "k", 5000), TRUE, 3, 0);
  assert_answer (hit (t, "k", 5000), TRUE, 2, 1000);
}

static void
test_peek (void)
{
  g_autoptr (ElThrottle) t = el_throttle_new (2, 1000);

  assert_answer (peek (t, "k", 0), TRUE, 2, 0);
  assert_answer (peek (t, "k", 0), TRUE, 2, 0);
  g_assert_cmpuint (el_throttle_get_n_keys (t), ==, 0);
  assert_answer (hit (t, "k", 10), TRUE, 1, 1000);
  assert_answer (peek (t, "k", 20), TRUE, 1, 990);
  assert_answer (hit (t, "k", 20), TRUE, 0, 990);
  assert_answer (peek (t, "k", 30), FALSE, 0, 980);
  assert_answer (peek (t, "k", 1010), TRUE, 1, 10);
}

static void
test_reset_and_unhit (void)
{
  g_autoptr (ElThrottle) t = el_throttle_new (2, 1000);

  assert_answer (hit (t, "k", 0), TRUE, 1, 1000);
  assert_answer (hit (t, "k", 10), TRUE, 0, 990);
  assert_answer (hit (t, "k", 20), FALSE, 0, 980);

  el_throttle_unhit (t, "k");
  assert_answer (peek (t, "k", 30), TRUE, 1, 970);
  el_throttle_unhit (t, "k");
  g_assert_cmpuint (el_throttle_get_n_keys (t), ==, 0);
  el_throttle_unhit (t, "k"); /* nothing left: no effect */
  el_throttle_unhit (t, "unknown");
  assert_answer (peek (t, "k", 30), TRUE, 2, 0);

  assert_answer (hit (t, "k", 40), TRUE, 1, 1000);
  assert_answer (hit (t, "k", 50), TRUE, 0, 990);
  el_throttle_reset (t, "k");
  g_assert_cmpuint (el_throttle_get_n_keys (t), ==, 0);
  assert_answer (hit (t, "k", 60), TRUE, 1, 1000);
  el_throttle_reset (t, "unknown");
  g_assert_cmpuint (el_throttle_get_n_keys (t), ==, 1);
}

static void
test_keys_independent (void)
{
  g_autoptr (ElThrottle) t = el_throttle_new (1, 1000);

  assert_answer (hit (t, "a", 0), TRUE, 0, 1000);
  assert_answer (hit (t, "a", 1), FALSE, 0, 999);
  assert_answer (hit (t, "b", 2), TRUE, 0, 1000);
  assert_answer (hit (t, "A", 3), TRUE, 0, 1000);
  assert_answer (hit (t, "", 4), TRUE, 0, 1000);
  g_assert_cmpuint (el_throttle_get_n_keys (t), ==, 4);
  el_throttle_reset (t, "a");
  assert_answer (hit (t, "b", 5), FALSE, 0, 997);
  assert_answer (hit (t, "a", 5), TRUE, 0, 1000);
}

/* Times older than a key's newest hit (threads reading the clock in another order than they
 * take the lock) count as that newest time. */
static void
test_time_going_back (void)
{
  g_autoptr (ElThrottle) t = el_throttle_new (2, 1000);

  assert_answer (hit (t, "k", 500), TRUE, 1, 1000);
  assert_answer (hit (t, "k", 400), TRUE, 0, 1100);
  assert_answer (peek (t, "k", 1499), FALSE, 0, 1);
  assert_answer (hit (t, "k", 1500), TRUE, 1, 1000);
}

static void
test_idle_keys_expire (void)
{
  g_autoptr (ElThrottle) t = el_throttle_new (5, 1000);

  for (guint i = 0; i < 500; i++)
    {
      g_autofree char *key = g_strdup_printf ("192.0.2.%u", i);

      g_assert_true (el_throttle_hit (t, key, i, NULL, NULL));
    }
  g_assert_cmpuint (el_throttle_get_n_keys (t), ==, 500);
  /* One window after the first hit the periodic sweep drops the keys that have gone idle. */
  g_assert_true (el_throttle_hit (t, "late", 1250, NULL, NULL));
  g_assert_cmpuint (el_throttle_get_n_keys (t), ==, 500 - 251 + 1);
  g_assert_true (el_throttle_hit (t, "later", 2600, NULL, NULL));
  g_assert_cmpuint (el_throttle_get_n_keys (t), ==, 1);
}

static void
test_key_cap_deny (void)
{
  g_autoptr (ElThrottle) t = el_throttle_new_full (5, 1000, 3, EL_THROTTLE_FULL_DENY);

  g_assert_true (el_throttle_hit (t, "a", 0, NULL, NULL));
  g_assert_true (el_throttle_hit (t, "b", 100, NULL, NULL));
  g_assert_true (el_throttle_hit (t, "c", 200, NULL, NULL));
  g_assert_cmpuint (el_throttle_get_n_keys (t), ==, 3);

  /* Full: a new key is refused until the first key ("a", idle after 1000) can be dropped. */
  assert_answer (hit (t, "d", 300), FALSE, 0, 700);
  assert_answer (peek (t, "d", 300), FALSE, 0, 700);
  g_assert_cmpuint (el_throttle_get_n_keys (t), ==, 3);
  /* Known keys are served as usual. */
  assert_answer (hit (t, "a", 400), TRUE, 3, 600);
  /* "a" was hit again: it is idle only at 1400, "b" at 1100. */
  assert_answer (hit (t, "d", 1000), FALSE, 0, 100);
  assert_answer (hit (t, "d", 1100), TRUE, 4, 1000);
  g_assert_cmpuint (el_throttle_get_n_keys (t), ==, 3);
  assert_answer (hit (t, "e", 1100), FALSE, 0, 100);

  /* A reset frees a place at once. */
  el_throttle_reset (t, "c");
  assert_answer (hit (t, "e", 1150), TRUE, 4, 1000);
}

static void
test_key_cap_allow (void)
{
  g_autoptr (ElThrottle) t = el_throttle_new_full (2, 1000, 2, EL_THROTTLE_FULL_ALLOW);

  g_assert_true (el_throttle_hit (t, "a", 0, NULL, NULL));
  g_assert_true (el_throttle_hit (t, "b", 0, NULL, NULL));
  /* Full: new keys pass, uncounted. */
  for (guint i = 0; i < 10; i++)
    assert_answer (hit (t, "c", 10 + i), TRUE, 1, 0);
  assert_answer (peek (t, "c", 50), TRUE, 2, 0);
  g_assert_cmpuint (el_throttle_get_n_keys (t), ==, 2);
  /* Keys in the table are still limited. */
  g_assert_true (el_throttle_hit (t, "a", 60, NULL, NULL));
  g_assert_false (el_throttle_hit (t, "a", 70, NULL, NULL));
}

#define N_THREADS 8
#define N_KEYS    2000

typedef struct
{
  ElThrottle *throttle;
  gint *start;
  guint allowed;
  guint per_key[N_KEYS];
} Worker;

static gpointer
worker_run (gpointer data)
{
  Worker *w = data;

  /* All threads start together and walk the same keys: they meet on every key. */
  while (!g_atomic_int_get (w->start))
    ;
  for (guint k = 0; k < N_KEYS; k++)
    {
      char key[32];

      g_snprintf (key, sizeof key, "user-%u", k);
      for (guint i = 0; i < 3; i++)
        if (el_throttle_hit (w->throttle, key, 1000 + i, NULL, NULL))
          {
            w->allowed++;
            w->per_key[k]++;
          }
    }
  return NULL;
}

static void
test_threads (void)
{
  g_autoptr (ElThrottle) t = el_throttle_new_full (5, 60000, N_KEYS, EL_THROTTLE_FULL_DENY);
  g_autofree Worker *workers = g_new0 (Worker, N_THREADS);
  GThread *threads[N_THREADS];
  gint start = 0;
  guint total = 0;

  for (guint i = 0; i < N_THREADS; i++)
    {
      workers[i].throttle = t;
      workers[i].start = &start;
      threads[i] = g_thread_new ("throttle", worker_run, &workers[i]);
    }
  g_atomic_int_set (&start, 1);
  for (guint i = 0; i < N_THREADS; i++)
    {
      g_thread_join (threads[i]);
      total += workers[i].allowed;
    }
  /* 24 attempts on each key from 8 threads: exactly 5 allowed on each. */
  for (guint k = 0; k < N_KEYS; k++)
    {
      guint n = 0;

      for (guint i = 0; i < N_THREADS; i++)
        n += workers[i].per_key[k];
      g_assert_cmpuint (n, ==, 5);
    }
  g_assert_cmpuint (total, ==, 5 * N_KEYS);
  g_assert_cmpuint (el_throttle_get_n_keys (t), ==, N_KEYS);
  g_assert_false (el_throttle_peek (t, "user-0", 1010, NULL, NULL));
}

/* Login guard */

#define WINDOW (15 * 60 * 1000)

static void
test_login_account (void)
{
  g_autoptr (ElLoginGuard) guard = el_login_guard_new ();
  guint retry = 99;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *ip = g_strdup_printf ("198.51.100.%u", i);

      g_assert_true (el_login_guard_check (guard, "Nurse.A@demo.eclipselink.ai", ip, i * 1000, &retry));
      g_assert_cmpuint (retry, ==, 0);
      el_login_guard_record_failure (guard, "Nurse.A@demo.eclipselink.ai", ip, i * 1000);
    }
  /* Sixth failure, from yet another IP and another spelling of the email: refused until the first
   * failure (at 0) is 15 minutes old. */
  g_assert_false (
      el_login_guard_check (guard, "nurse.a@DEMO.eclipselink.ai", "198.51.100.99", 10000, &retry));
  g_assert_cmpuint (retry, ==, (WINDOW - 10000) / 1000);
  g_assert_false (
      el_login_guard_check (guard, "nurse.a@demo.eclipselink.ai", "198.51.100.99", 10500, &retry));
  g_assert_cmpuint (retry, ==, (WINDOW - 10500 + 999) / 1000);
  /* Another account is not affected. */
  g_assert_true (el_login_guard_check (guard, "nurse.b@demo.eclipselink.ai", "198.51.100.99", 11000, &retry));
  el_login_guard_record_success (guard, "nurse.b@demo.eclipselink.ai", "198.51.100.99", 11000);
  /* Once the window has slid past the first failure, one more attempt. */
  g_assert_true (
      el_login_guard_check (guard, "nurse.a@demo.eclipselink.ai", "198.51.100.99", WINDOW, &retry));
  g_assert_false (
      el_login_guard_check (guard, "nurse.a@demo.eclipselink.ai", "198.51.100.99", WINDOW, &retry));
  g_assert_cmpuint (retry, ==, 1);
}

static void
test_login_success_resets_account (void)
{
  g_autoptr (ElLoginGuard) guard = el_login_guard_new ();
  const char *email = "charge.nurse@demo.eclipselink.ai";

  for (guint i = 0; i < 4; i++)
    {
      g_assert_true (el_login_guard_check (guard, email, "203.0.113.7", i, NULL));
      el_login_guard_record_failure (guard, email, "203.0.113.7", i);
    }
  g_assert_true (el_login_guard_check (guard, email, "203.0.113.7", 10, NULL));
  el_login_guard_record_success (guard, email, "203.0.113.7", 10);
  /* The account starts again from zero: 5 more failures before a refusal. */
  for (guint i = 0; i < 5; i++)
    {
      g_assert_true (
          el_login_guard_check (guard, "CHARGE.NURSE@demo.eclipselink.ai", "203.0.113.8", 20 + i, NULL));
      el_login_guard_record_failure (guard, "CHARGE.NURSE@demo.eclipselink.ai", "203.0.113.8", 20 + i);
    }
  g_assert_false (el_login_guard_check (guard, email, "203.0.113.9", 30, NULL));
}

static void
test_login_ip (void)
{
  g_autoptr (ElLoginGuard) guard = el_login_guard_new ();
  guint retry = 0;

  /* 20 failures from one IP, each on another account (password spraying). */
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *email = g_strdup_printf ("user%u@example.org", i);

      g_assert_true (el_login_guard_check (guard, email, "192.0.2.1", 1000 + i, &retry));
      el_login_guard_record_failure (guard, email, "192.0.2.1", 1000 + i);
    }
  g_assert_false (el_login_guard_check (guard, "fresh@example.org", "192.0.2.1", 2000, &retry));
  g_assert_cmpuint (retry, ==, (1000 + WINDOW - 2000) / 1000);
  /* The same account from another IP is fine: the refusal above counted nothing on it. */
  for (guint i = 0; i < 5; i++)
    {
      g_assert_true (el_login_guard_check (guard, "fresh@example.org", "192.0.2.2", 3000, &retry));
      el_login_guard_record_failure (guard, "fresh@example.org", "192.0.2.2", 3000);
    }
  g_assert_false (el_login_guard_check (guard, "fresh@example.org", "192.0.2.2", 3000, &retry));
}

static void
test_login_success_gives_ip_attempt_back (void)
{
  g_autoptr (ElLoginGuard) guard = el_login_guard_new ();

  for (guint i = 0; i < 19; i++)
    {
      g_autofree char *email = g_strdup_printf ("user%u@example.org", i);

      g_assert_true (el_login_guard_check (guard, email, "192.0.2.1", i, NULL));
      el_login_guard_record_failure (guard, email, "192.0.2.1", i);
    }
  /* Successes do not use up the IP's failures... */
  for (guint i = 0; i < 10; i++)
    {
      g_assert_true (el_login_guard_check (guard, "nurse.a@example.org", "192.0.2.1", 100 + i, NULL));
      el_login_guard_record_success (guard, "nurse.a@example.org", "192.0.2.1", 100 + i);
    }
  /* ...nor wipe them: one failure left. */
  g_assert_true (el_login_guard_check (guard, "x@example.org", "192.0.2.1", 200, NULL));
  el_login_guard_record_failure (guard, "x@example.org", "192.0.2.1", 200);
  g_assert_false (el_login_guard_check (guard, "nurse.a@example.org", "192.0.2.1", 201, NULL));
}

static void
test_login_key_cap (void)
{
  g_autoptr (ElLoginGuard) guard = el_login_guard_new_full (5, 20, WINDOW, 2);
  guint retry = 0;

  g_assert_true (el_login_guard_check (guard, "a@example.org", "192.0.2.1", 0, NULL));
  g_assert_true (el_login_guard_check (guard, "b@example.org", "192.0.2.1", 0, NULL));
  /* The account table is full: a third account is refused (fail closed), and that refusal gives
   * the IP its attempt back. */
  g_assert_false (el_login_guard_check (guard, "c@example.org", "192.0.2.1", 10, &retry));
  g_assert_cmpuint (retry, ==, (WINDOW - 10 + 999) / 1000);
  /* The IP table is full too. */
  g_assert_true (el_login_guard_check (guard, "a@example.org", "192.0.2.2", 20, NULL));
  g_assert_false (el_login_guard_check (guard, "a@example.org", "192.0.2.3", 30, NULL));
  /* 192.0.2.1 has two attempts counted, not three: 18 more (IP only), then no more. */
  for (guint i = 0; i < 18; i++)
    g_assert_true (el_login_guard_check (guard, NULL, "192.0.2.1", 40, NULL));
  g_assert_false (el_login_guard_check (guard, NULL, "192.0.2.1", 40, NULL));
}

typedef struct
{
  ElLoginGuard *guard;
  guint passed;
} LoginWorker;

static gpointer
login_worker_run (gpointer data)
{
  LoginWorker *w = data;

  for (guint i = 0; i < 50; i++)
    if (el_login_guard_check (w->guard, "target@example.org", "192.0.2.50", 5000, NULL))
      {
        w->passed++;
        el_login_guard_record_failure (w->guard, "target@example.org", "192.0.2.50", 5000);
      }
  return NULL;
}

static void
test_login_threads (void)
{
  g_autoptr (ElLoginGuard) guard = el_login_guard_new ();
  LoginWorker workers[8];
  GThread *threads[8];
  guint total = 0;

  for (guint i = 0; i < G_N_ELEMENTS (workers); i++)
    {
      workers[i] = (LoginWorker){ guard, 0 };
      threads[i] = g_thread_new ("login", login_worker_run, &workers[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (workers); i++)
    {
      g_thread_join (threads[i]);
      total += workers[i].passed;
    }
  /* However many try at once, exactly 5 password checks happen. */
  g_assert_cmpuint (total, ==, 5);
}

static void
test_login_without_ip_or_email (void)
{
  g_autoptr (ElLoginGuard) guard = el_login_guard_new_full (1, 2, 1000, 10);

  g_assert_true (el_login_guard_check (guard, NULL, "192.0.2.1", 0, NULL));
  g_assert_true (el_login_guard_check (guard, NULL, "192.0.2.1", 0, NULL));
  g_assert_false (el_login_guard_check (guard, NULL, "192.0.2.1", 0, NULL));
  g_assert_true (el_login_guard_check (guard, "a@example.org", NULL, 0, NULL));
  g_assert_false (el_login_guard_check (guard, "a@example.org", NULL, 0, NULL));
  g_assert_true (el_login_guard_check (guard, NULL, NULL, 0, NULL));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/el/server/throttle/window-slides", test_window_slides);
  g_test_add_func ("/el/server/throttle/peek", test_peek);
  g_test_add_func ("/el/server/throttle/reset-unhit", test_reset_and_unhit);
  g_test_add_func ("/el/server/throttle/keys-independent", test_keys_independent);
  g_test_add_func ("/el/server/throttle/time-going-back", test_time_going_back);
  g_test_add_func ("/el/server/throttle/idle-keys-expire", test_idle_keys_expire);
  g_test_add_func ("/el/server/throttle/key-cap-deny", test_key_cap_deny);
  g_test_add_func ("/el/server/throttle/key-cap-allow", test_key_cap_allow);
  g_test_add_func ("/el/server/throttle/threads", test_threads);
  g_test_add_func ("/el/server/login-guard/account", test_login_account);
  g_test_add_func ("/el/server/login-guard/success-resets-account", test_login_success_resets_account);
  g_test_add_func ("/el/server/login-guard/ip", test_login_ip);
  g_test_add_func ("/el/server/login-guard/success-gives-ip-attempt-back",
                   test_login_success_gives_ip_attempt_back);
  g_test_add_func ("/el/server/login-guard/key-cap", test_login_key_cap);
  g_test_add_func ("/el/server/login-guard/threads", test_login_threads);
  g_test_add_func ("/el/server/login-guard/no-ip-or-email", test_login_without_ip_or_email);

  return g_test_run ();
}
