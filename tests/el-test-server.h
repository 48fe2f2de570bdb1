/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * ElTestServer: a real `eclipselink-server serve --host 127.0.0.1 --port 0` for tests.
 *
 * Each server gets its own temporary directory with the database (DATABASE_URL), STORAGE_DIR and
 * the captured stderr, and a fixed test JWT_SECRET and ENCRYPTION_KEY; the rest of the environment
 * is the test's (G_DEBUG=fatal-warnings included). el_test_server_start() runs `migrate` first,
 * then `serve`, and waits for the `listening on http://HOST:PORT/` line.
 *
 *   g_autoptr (ElTestServer) server = el_test_server_new ();
 *   el_test_server_setenv (server, "RATE_LIMIT_MAX_REQUESTS", "100");
 *   el_test_server_start (server);                      // asserts it started
 *   g_autofree char *url = el_test_server_url (server, "/api/health");
 *   ...
 *   g_assert_cmpint (el_test_server_stop (server), ==, 0); // SIGTERM, exit status
 *
 * Everything asserts (g_assert) rather than returning errors: a server that does not start fails
 * the test with its stderr in the message.
 */

#define EL_TEST_JWT_SECRET     "test-jwt-secret-0123456789abcdef0123456789abcdef"
#define EL_TEST_ENCRYPTION_KEY "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

typedef struct ElTestServer ElTestServer;

ElTestServer *el_test_server_new (void);
void el_test_server_free (ElTestServer *self);

void el_test_server_setenv (ElTestServer *self, const char *name, const char *value);
void el_test_server_add_arg (ElTestServer *self, const char *arg);
void el_test_server_set_migrate (ElTestServer *self, gboolean migrate);

void el_test_server_start (ElTestServer *self);
const char *el_test_server_get_url (ElTestServer *self);
char *el_test_server_url (ElTestServer *self, const char *path);
guint el_test_server_get_port (ElTestServer *self);
const char *el_test_server_get_pid (ElTestServer *self);
guint el_test_server_count_fds (ElTestServer *self);
gboolean el_test_server_require_fault_hook (ElTestServer *self);
const char *el_test_server_get_dir (ElTestServer *self);
const char *el_test_server_get_database_path (ElTestServer *self);
const char *el_test_server_get_storage_dir (ElTestServer *self);

void el_test_server_send_signal (ElTestServer *self, int signum);
int el_test_server_wait (ElTestServer *self);
int el_test_server_stop (ElTestServer *self);
char *el_test_server_get_stdout (ElTestServer *self);
char *el_test_server_get_stderr (ElTestServer *self);

int el_test_server_run (ElTestServer *self, const char *const *args, char **out, char **err);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElTestServer, el_test_server_free)

G_END_DECLS
