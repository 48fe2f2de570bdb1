/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * GET /api/health while the database file goes bad under a running server: 503 with Retry-After
 * and checks.database.status "down", then 200 again once the file is back.
 *
 * The database check (el-cmd-serve.c) asks the serving connection, then opens a fresh connection
 * on the path and reads the header (application_id, user_version): the serving connection alone
 * would keep answering from its page cache and open descriptors. The file is spoiled three ways:
 * its header overwritten with garbage (after a checkpoint, so that page 1 is read from the file
 * and not from the WAL), the file and its WAL moved away, and (only when not root, since root
 * ignores permissions, as in CI) chmod 000.
 */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "el-test-server.h"

#define HEADER_LEN 100

static SoupSession *
new_session (void)
{
  g_autoptr (GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

  return soup_session_new_with_options ("timeout", 30, "proxy-resolver", direct, NULL);
}

/* GET /api/health: asserts the status, returns checks.database.status. */
static char *
health (SoupSession *session, ElTestServer *server, guint expected_status)
{
  g_autofree char *url = el_test_server_url (server, "/api/health");
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = soup_session_send_and_read (session, msg, NULL, &error);
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *text = NULL;
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  JsonObject *doc, *database;

  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, expected_status);
  text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  node = json_from_string (text, &error);
  g_assert_no_error (error);
  doc = json_node_get_object (node);
  database = json_object_get_object_member (json_object_get_object_member (doc, "checks"), "database");
  if (expected_status == 503)
    {
      guint64 retry_after = 0;

      g_assert_true (g_ascii_string_to_unsigned (soup_message_headers_get_one (headers, "Retry-After"), 10, 1,
                                                 3600, &retry_after, NULL));
      g_assert_cmpstr (json_object_get_string_member (doc, "status"), ==, "degraded");
    }
  else
    {
      g_assert_null (soup_message_headers_get_one (headers, "Retry-After"));
      g_assert_cmpstr (json_object_get_string_member (doc, "status"), ==, "healthy");
    }
  return g_strdup (json_object_get_string_member (database, "status"));
}

static void
assert_database (SoupSession *session, ElTestServer *server, guint status, const char *database)
{
  g_autofree char *got = health (session, server, status);

  g_assert_cmpstr (got, ==, database);
}

/* Empties the WAL into the file (the server's connection is idle), so page 1 lives in the file. */
static void
checkpoint (const char *path)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, &message), ==, SQLITE_OK);
  sqlite3_free (message);
  sqlite3_close (db);
}

static void
write_header (const char *path, const guint8 *bytes)
{
  int fd = g_open (path, O_WRONLY, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pwrite (fd, bytes, HEADER_LEN, 0), ==, HEADER_LEN);
  g_assert_cmpint (fsync (fd), ==, 0);
  g_assert_true (g_close (fd, NULL));
}

static void
read_header (const char *path, guint8 *bytes)
{
  int fd = g_open (path, O_RDONLY, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pread (fd, bytes, HEADER_LEN, 0), ==, HEADER_LEN);
  g_assert_true (g_close (fd, NULL));
}

static void
move_database (const char *from, const char *to)
{
  static const char *const suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *a = g_strconcat (from, suffixes[i], NULL);
      g_autofree char *b = g_strconcat (to, suffixes[i], NULL);

      if (g_file_test (a, G_FILE_TEST_EXISTS))
        g_assert_cmpint (g_rename (a, b), ==, 0);
    }
}

static void
test_health_database_unreadable (void)
{
  g_autoptr (ElTestServer) server = el_test_server_new ();
  g_autoptr (SoupSession) session = new_session ();
  const char *path;
  g_autofree char *moved = NULL;
  guint8 original[HEADER_LEN];
  guint8 garbage[HEADER_LEN];

  el_test_server_setenv (server, "RATE_LIMIT_ENABLED", "false");
  el_test_server_start (server);
  path = el_test_server_get_database_path (server);
  moved = g_strconcat (path, ".moved", NULL);
  assert_database (session, server, 200, "ok");

  /* 1. the header overwritten with garbage (page 1 of the file) */
  checkpoint (path);
  read_header (path, original);
  g_assert_cmpint (memcmp (original, "SQLite format 3", 16), ==, 0);
  memset (garbage, 0xa5, sizeof garbage);
  write_header (path, garbage);
  assert_database (session, server, 503, "down");
  write_header (path, original);
  assert_database (session, server, 200, "ok");

  /* 2. the file and its WAL gone */
  move_database (path, moved);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  assert_database (session, server, 503, "down");
  move_database (moved, path);
  assert_database (session, server, 200, "ok");

  /* 3. unreadable: only meaningful when not root (root, as in CI, ignores the mode) */
  if (geteuid () != 0)
    {
      g_assert_cmpint (g_chmod (path, 0), ==, 0);
      assert_database (session, server, 503, "down");
      g_assert_cmpint (g_chmod (path, 0600), ==, 0);
      assert_database (session, server, 200, "ok");
    }

  g_assert_cmpint (el_test_server_stop (server), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/el/server/health/database-unreadable", test_health_database_unreadable);
  return g_test_run ();
}
