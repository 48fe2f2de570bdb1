/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "el-context.h"
#include "el-secrets.h"
#include "el-store.h"
#include "el-test-api.h"
#include "el-test-cli.h"
#include "speech-test-util.h"
#include "el-test-proxy.h"
#include "el-test-server.h"
#include "el-test-util.h"

/*
 * eclipselink-cli end to end: the real binary, a real eclipselink-server with the demo data (behind
 * an ElTestProxy, so the server can stop and come back on another port at the same URL), and the
 * session keyring (run under dbus-run-session with an unlocked gnome-keyring, see TESTING.md).
 * Every test uses its own data folder and signs out at its end.
 */

#define PASSWORD "handoff-demo"
#define CANARY   "CANARY-ZQX-4471"

static ElTestServer *server; /* the running one */
static GPtrArray *servers;   /* every server started (their folders hold the shared database) */
static ElTestProxy *proxy;
static char *server_url;   /* the proxy's URL: what the CLI talks to */
static char *child_tmpdir; /* TMPDIR of the CLI processes, when set */
static GString *logs;      /* stdout and stderr of the commands that must not print PHI */

/* ---- the server ---- */

static void
start_server (void)
{
  ElTestServer *first = servers->len > 0 ? g_ptr_array_index (servers, 0) : NULL;

  if (first == NULL)
    {
      server = el_test_server_new ();
      el_test_demo_prepare (server, PASSWORD);
      el_test_server_start (server);
    }
  else /* the same database and audio folder: the server "comes back" */
    server = el_test_demo_start_again (first, 0, NULL);
  g_ptr_array_add (servers, server);
  if (proxy != NULL)
    el_test_proxy_set_upstream_port (proxy, (guint16) el_test_server_get_port (server));
}

static void
stop_server (void)
{
  g_assert_cmpint (el_test_server_stop (server), ==, 0);
  el_test_proxy_drop_connections (proxy);
}

static const ElTestLogin *
api_login (ElTestApi **api)
{
  *api = el_test_api_new (server);
  return el_test_api_login (*api, EL_TEST_DEMO_NURSE_A, PASSWORD);
}

static GBytes *
el_test_secrets_lookup (ElSecrets *secrets, const char *account, ElSecretKind kind)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  GBytes *value;

  el_secrets_lookup_async (secrets, account, kind, NULL, el_test_result_cb, &result);
  value = el_secrets_lookup_finish (secrets, el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  return value;
}

/* ---- running the CLI ---- */

static CliRun *
cli_runv (const char *data_dir, const char *input, const char *const *args)
{
  g_autoptr (GSubprocess) proc = cli_spawn (server_url, data_dir, args, child_tmpdir);
  CliRun *run = cli_communicate (proc, input);
  gboolean prints_phi = FALSE;

  /* the user asked to see the report: its text on stdout is no leak */
  for (guint i = 0; args[i] != NULL; i++)
    if (strcmp (args[i], "sbar") == 0 || strcmp (args[i], "export") == 0 ||
        strcmp (args[i], "conflicts") == 0 || strcmp (args[i], "transcribe") == 0 ||
        strcmp (args[i], "extract") == 0)
      prints_phi = TRUE;
  if (!prints_phi)
    {
      g_string_append (logs, run->out);
      g_string_append (logs, run->err);
    }
  else
    g_string_append (logs, run->err);
  return run;
}

#define cli_run(dir, input, ...) cli_runv ((dir), (input), (const char *const[]){ __VA_ARGS__, NULL })

/* Runs and asserts the exit status, printing the output when it is not the expected one. */
#define assert_cli_status(run, expected)                                                              \
  G_STMT_START                                                                                        \
  {                                                                                                   \
    if ((run)->status != (expected))                                                                  \
      g_printerr ("eclipselink-cli exited %d (signal %d)\nstdout:\n%s\nstderr:\n%s\n", (run)->status, \
                  (run)->signal, (run)->out, (run)->err);                                             \
    g_assert_cmpint ((run)->status, ==, (expected));                                                  \
  }                                                                                                   \
  G_STMT_END

static char *
new_data_dir (void)
{
  return el_test_make_dir ("el-cli-XXXXXX");
}

static void
login (const char *dir)
{
  g_autoptr (CliRun) run = cli_run (dir, PASSWORD "\n", "login", EL_TEST_DEMO_NURSE_A);

  assert_cli_status (run, 0);
  g_assert_nonnull (strstr (run->out, "signed in as nurse.a@demo.eclipselink.ai"));
}

static void
sync_ok (const char *dir)
{
  g_autoptr (CliRun) run = cli_run (dir, NULL, "sync");

  assert_cli_status (run, 0);
}

static void
logout_force (const char *dir)
{
  g_autoptr (CliRun) run = cli_run (dir, NULL, "logout", "--force");

  assert_cli_status (run, 0);
}

/* The first census entry whose handoff may be edited: its handoff id (and patient id). */
static char *
editable_handoff (const char *dir, char **patient_id)
{
  g_autoptr (CliRun) run = cli_run (dir, NULL, "--json", "census");
  g_autoptr (JsonNode) root = NULL;
  JsonObject *obj;
  JsonArray *patients;
  JsonObject *handoff;
  guint i = 0;

  assert_cli_status (run, 0);
  obj = parse_object (run->out, &root);
  patients = json_object_get_array_member (obj, "patients");
  handoff = cli_next_editable_handoff (patients, &i);
  if (handoff != NULL)
    {
      if (patient_id != NULL)
        *patient_id = g_strdup (json_object_get_string_member (handoff, "patient_id"));
      return g_strdup (json_object_get_string_member (handoff, "id"));
    }
  g_assert_not_reached ();
  return NULL;
}

/* How many of the server's versions of @handoff_id have @situation (each version fetched by number). */
static guint
server_count_situation (const char *handoff_id, const char *situation, int *latest)
{
  g_autoptr (ElTestApi) api = NULL;
  const ElTestLogin *who = api_login (&api);
  g_autofree char *path = el_test_handoff_path (handoff_id, "");
  g_autoptr (ElTestResponse) resp = el_test_api_call (api, "GET", path, who, NULL, EL_TEST_END);
  int n;
  guint count = 0;

  g_assert_cmpuint (resp->status, ==, 200);
  n = (int) json_object_get_int_member (el_test_response_get_object (resp), "latest_version");
  for (int v = 1; v <= n; v++)
    {
      g_autofree char *suffix = g_strdup_printf ("/sbar/versions/%d", v);
      g_autofree char *vpath = el_test_handoff_path (handoff_id, suffix);
      g_autoptr (ElTestResponse) vresp = el_test_api_call (api, "GET", vpath, who, NULL, EL_TEST_END);

      g_assert_cmpuint (vresp->status, ==, 200);
      if (g_strcmp0 (el_test_response_get_string (vresp, "situation"), situation) == 0)
        count++;
    }
  if (latest != NULL)
    *latest = n;
  return count;
}

/* ---- tests ---- */

static void
test_usage (void)
{
  g_autofree char *dir = new_data_dir ();
  g_autofree char *path = cli_path ();
  const char *handoff = "00000000-0000-4000-8000-000000000001";

  {
    g_autoptr (CliRun) run = cli_run (dir, NULL, "--help");

    assert_cli_status (run, 0);
    g_assert_nonnull (strstr (run->out, "Exit codes"));
    g_assert_nonnull (strstr (run->out, "3  not signed in"));
  }
  {
    const char *const *cases[] = {
      (const char *const[]){ "bogus", NULL },
      (const char *const[]){ "status", "--bogus", NULL },
      (const char *const[]){ "status", "extra", NULL },
      (const char *const[]){ "login", NULL },
      (const char *const[]){ "login", "not-an-email", NULL },
      (const char *const[]){ "edit", handoff, NULL },
      (const char *const[]){ "edit", "not-a-uuid", "--situation", "x", NULL },
      (const char *const[]){ "edit", handoff, "--situation", NULL },
      (const char *const[]){ "sbar", handoff, "--version", "0", NULL },
      (const char *const[]){ "sbar", handoff, "--version", "x", NULL },
      (const char *const[]){ "handoffs", NULL },
      (const char *const[]){ "census", "--unit", "4W", NULL },
      (const char *const[]){ "export", handoff, "--format", "pdf", NULL },
      (const char *const[]){ "smoke", NULL },
      (const char *const[]){ "smoke", "ftp://example.org", NULL },
      (const char *const[]){ "logout", "--force=yes", NULL },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr (CliRun) run = cli_runv (dir, "", cases[i]);

        assert_cli_status (run, 2);
        /* one clear line */
        g_assert_true (g_str_has_prefix (run->err, "eclipselink-cli: "));
        g_assert_cmpint (strchr (run->err, '\n') - run->err, ==, (int) strlen (run->err) - 1);
      }
  }
  {
    /* no command at all */
    const char *argv[] = { path, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int wait_status = 0;
    g_autoptr (GError) error = NULL;

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &wait_status, &error);
    g_assert_no_error (error);
    g_assert_true (WIFEXITED (wait_status));
    g_assert_cmpint (WEXITSTATUS (wait_status), ==, 2);
  }
  {
    /* --json: the usage error is a document too */
    g_autoptr (CliRun) run = cli_run (dir, NULL, "--json", "bogus");
    g_autoptr (JsonNode) root = NULL;
    JsonObject *obj;

    assert_cli_status (run, 2);
    obj = parse_object (run->out, &root);
    g_assert_false (json_object_get_boolean_member (obj, "ok"));
    g_assert_cmpint (json_object_get_int_member (obj, "exit_code"), ==, 2);
  }
  {
    /* not signed in: 3, for every command that needs an account */
    const char *const *cases[] = {
      (const char *const[]){ "status", NULL },
      (const char *const[]){ "sync", NULL },
      (const char *const[]){ "census", NULL },
      (const char *const[]){ "edit", handoff, "--situation", "x", NULL },
      (const char *const[]){ "logout", NULL },
      (const char *const[]){ "--json", "conflicts", NULL },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr (CliRun) run = cli_runv (dir, NULL, cases[i]);

        assert_cli_status (run, 3);
        g_assert_nonnull (strstr (run->err, "not signed in"));
      }
  }
  el_test_remove_tree (dir);
}

static void
test_login_logout (void)
{
  g_autofree char *dir = new_data_dir ();
  g_autofree char *ini_path = g_build_filename (dir, "cli.ini", NULL);
  g_autoptr (ElSecrets) secrets = el_secrets_new (server_url);
  g_autofree char *cache = el_store_path_for_account (dir, server_url, "nurse.a@demo.eclipselink.ai");
  g_autofree char *wrong_message = NULL;

  {
    g_autoptr (CliRun) run = cli_run (dir, "not-the-password\n", "login", EL_TEST_DEMO_NURSE_A);

    assert_cli_status (run, 1);
    wrong_message = g_strdup (run->err);
    g_assert_nonnull (strstr (run->err, "wrong e-mail address or password"));
    g_assert_null (strstr (run->err, "not-the-password"));
    g_assert_false (g_file_test (cache, G_FILE_TEST_EXISTS));
  }
  {
    /* an unknown account gets the very same answer */
    g_autoptr (CliRun) run = cli_run (dir, PASSWORD "\n", "login", "nobody.here@demo.eclipselink.ai");

    assert_cli_status (run, 1);
    g_assert_cmpstr (run->err, ==, wrong_message);
  }
  {
    /* no password at all */
    g_autoptr (CliRun) run = cli_run (dir, "", "login", EL_TEST_DEMO_NURSE_A);

    assert_cli_status (run, 2);
  }
  {
    g_autoptr (CliRun) run = cli_run (dir, PASSWORD "\n", "--json", "login", "Nurse.A@demo.eclipselink.ai");
    g_autoptr (JsonNode) root = NULL;
    JsonObject *obj;

    assert_cli_status (run, 0);
    obj = parse_object (run->out, &root);
    g_assert_cmpstr (json_object_get_string_member (obj, "account"), ==, "nurse.a@demo.eclipselink.ai");
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (obj, "user"), "email"), ==,
                     EL_TEST_DEMO_NURSE_A);
    g_assert_null (strstr (run->out, PASSWORD));
    g_assert_null (strstr (run->err, PASSWORD));
  }
  g_assert_true (g_file_test (cache, G_FILE_TEST_IS_REGULAR));

  /* the keyring holds the refresh token and the data key; cli.ini holds neither */
  {
    g_autoptr (GBytes) token = NULL;
    g_autoptr (GBytes) key = NULL;
    g_autofree char *ini = NULL;
    GStatBuf st;

    token = el_test_secrets_lookup (secrets, "nurse.a@demo.eclipselink.ai", EL_SECRET_KIND_REFRESH_TOKEN);
    key = el_test_secrets_lookup (secrets, "nurse.a@demo.eclipselink.ai", EL_SECRET_KIND_DATA_KEY);
    g_assert_nonnull (token);
    g_assert_nonnull (key);
    g_assert_cmpuint (g_bytes_get_size (key), ==, EL_SECRETS_DATA_KEY_BYTES);
    g_assert_true (g_file_get_contents (ini_path, &ini, NULL, NULL));
    g_assert_nonnull (strstr (ini, "account=nurse.a@demo.eclipselink.ai"));
    g_assert_null (g_strstr_len (ini, -1, g_bytes_get_data (token, NULL)));
    g_assert_null (strstr (ini, PASSWORD));
    g_assert_cmpint (g_stat (ini_path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }
  {
    g_autoptr (CliRun) run = cli_run (dir, NULL, "--json", "status");
    g_autoptr (JsonNode) root = NULL;
    JsonObject *obj;

    assert_cli_status (run, 0);
    obj = parse_object (run->out, &root);
    g_assert_true (json_object_get_boolean_member (obj, "online"));
    g_assert_cmpint (json_object_get_int_member (obj, "pending_ops"), ==, 0);
    g_assert_true (json_object_get_null_member (obj, "last_sync"));
  }
  {
    g_autoptr (CliRun) run = cli_run (dir, NULL, "--json", "logout");
    g_autoptr (JsonNode) root = NULL;
    JsonObject *obj;

    assert_cli_status (run, 0);
    obj = parse_object (run->out, &root);
    g_assert_true (json_object_get_boolean_member (obj, "server_told"));
  }
  /* everything is gone: keyring items, the cache, the remembered account */
  {
    g_autoptr (GBytes) token =
        el_test_secrets_lookup (secrets, "nurse.a@demo.eclipselink.ai", EL_SECRET_KIND_REFRESH_TOKEN);
    g_autoptr (GBytes) key =
        el_test_secrets_lookup (secrets, "nurse.a@demo.eclipselink.ai", EL_SECRET_KIND_DATA_KEY);
    g_autoptr (CliRun) run = cli_run (dir, NULL, "status");

    g_assert_null (token);
    g_assert_null (key);
    g_assert_false (g_file_test (cache, G_FILE_TEST_EXISTS));
    assert_cli_status (run, 3);
  }
  el_test_remove_tree (dir);
}

static void
test_read_after_sync (void)
{
  g_autofree char *dir = new_data_dir ();
  g_autofree char *handoff = NULL;
  g_autofree char *patient = NULL;
  g_autoptr (ElTestApi) api = NULL;
  const ElTestLogin *who = NULL;

  login (dir);
  {
    JsonObject *parsed;
    /* before the first sync the cache is empty */
    g_autoptr (CliRun) run = cli_run (dir, NULL, "--json", "census");
    g_autoptr (JsonNode) root = NULL;

    assert_cli_status (run, 0);
    parsed = parse_object (run->out, &root);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (parsed, "patients")), ==, 0);
  }
  {
    g_autoptr (CliRun) run = cli_run (dir, NULL, "--json", "sync");
    g_autoptr (JsonNode) root = NULL;
    JsonObject *obj;

    assert_cli_status (run, 0);
    obj = parse_object (run->out, &root);
    g_assert_true (json_object_get_boolean_member (obj, "pulled"));
    g_assert_cmpint (json_object_get_int_member (obj, "applied"), >, 0);
  }
  who = api_login (&api);

  /* census: the same patients as the server's census of the unit */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/patients?unit_id=%s", who->unit_id);
    g_autoptr (ElTestResponse) resp = el_test_api_call (api, "GET", path, who, NULL, EL_TEST_END);
    JsonArray *items = json_object_get_array_member (el_test_response_get_object (resp), "items");
    g_autoptr (CliRun) run = cli_run (dir, NULL, "--json", "census");
    g_autoptr (CliRun) text = cli_run (dir, NULL, "census");
    g_autoptr (JsonNode) root = NULL;
    JsonArray *patients;
    g_autoptr (GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);

    assert_cli_status (run, 0);
    assert_cli_status (text, 0);
    patients = json_object_get_array_member (parse_object (run->out, &root), "patients");
    g_assert_cmpuint (json_array_get_length (patients), ==, json_array_get_length (items));
    g_assert_cmpuint (json_array_get_length (patients), >, 0);
    for (guint i = 0; i < json_array_get_length (patients); i++)
      g_hash_table_add (
          ids,
          (gpointer) json_object_get_string_member (
              json_object_get_object_member (json_array_get_object_element (patients, i), "patient"), "id"));
    for (guint i = 0; i < json_array_get_length (items); i++)
      {
        const char *id = json_object_get_string_member (json_array_get_object_element (items, i), "id");

        g_assert_true (g_hash_table_contains (ids, id));
        /* the text census lists the same rows, by MRN */
        g_assert_nonnull (strstr (
            text->out, json_object_get_string_member (json_array_get_object_element (items, i), "mrn")));
      }
    /* --unit with the same unit gives the same census */
    {
      JsonObject *parsed;
      g_autoptr (CliRun) unit = cli_run (dir, NULL, "--json", "census", "--unit", who->unit_id);
      g_autoptr (JsonNode) unit_root = NULL;

      assert_cli_status (unit, 0);
      parsed = parse_object (unit->out, &unit_root);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (parsed, "patients")), ==,
                        json_array_get_length (items));
    }
  }

  handoff = editable_handoff (dir, &patient);

  /* handoffs --patient: the server's list of that patient */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/handoffs?patient_id=%s", patient);
    g_autoptr (ElTestResponse) resp = el_test_api_call (api, "GET", path, who, NULL, EL_TEST_END);
    JsonArray *items = json_object_get_array_member (el_test_response_get_object (resp), "items");
    g_autoptr (CliRun) run = cli_run (dir, NULL, "--json", "handoffs", "--patient", patient);
    g_autoptr (JsonNode) root = NULL;
    JsonArray *handoffs;
    gboolean found = FALSE;

    assert_cli_status (run, 0);
    handoffs = json_object_get_array_member (parse_object (run->out, &root), "handoffs");
    g_assert_cmpuint (json_array_get_length (handoffs), ==, json_array_get_length (items));
    for (guint i = 0; i < json_array_get_length (handoffs); i++)
      found |= g_strcmp0 (json_object_get_string_member (json_array_get_object_element (handoffs, i), "id"),
                          handoff) == 0;
    g_assert_true (found);
  }

  /* sbar: the server's latest version, the same text */
  {
    JsonObject *parsed;
    g_autofree char *path = el_test_handoff_path (handoff, "/sbar");
    g_autoptr (ElTestResponse) resp = el_test_api_call (api, "GET", path, who, NULL, EL_TEST_END);
    g_autoptr (CliRun) run = cli_run (dir, NULL, "--json", "sbar", handoff);
    g_autoptr (CliRun) text = cli_run (dir, NULL, "sbar", handoff);
    g_autoptr (JsonNode) root = NULL;
    JsonObject *version;

    g_assert_cmpuint (resp->status, ==, 200);
    assert_cli_status (run, 0);
    assert_cli_status (text, 0);
    parsed = parse_object (run->out, &root);
    version = json_object_get_object_member (parsed, "version");
    g_assert_cmpstr (json_object_get_string_member (version, "id"), ==,
                     el_test_response_get_string (resp, "id"));
    g_assert_cmpint (json_object_get_int_member (version, "version"), ==,
                     json_object_get_int_member (el_test_response_get_object (resp), "version"));
    g_assert_cmpstr (json_object_get_string_member_with_default (version, "situation", NULL), ==,
                     el_test_response_get_string (resp, "situation"));
    g_assert_false (json_object_get_boolean_member (parsed, "pending"));
    if (el_test_response_get_string (resp, "situation") != NULL)
      g_assert_nonnull (strstr (text->out, el_test_response_get_string (resp, "situation")));
  }
  /* sbar --version 1, and a version that does not exist */
  {
    JsonObject *parsed;
    g_autoptr (CliRun) run = cli_run (dir, NULL, "--json", "sbar", handoff, "--version", "1");
    g_autoptr (CliRun) missing = cli_run (dir, NULL, "sbar", handoff, "--version", "999");
    g_autoptr (CliRun) unknown = cli_run (dir, NULL, "sbar", "00000000-0000-4000-8000-000000000001");
    g_autoptr (JsonNode) root = NULL;

    assert_cli_status (run, 0);
    parsed = parse_object (run->out, &root);
    g_assert_cmpint (
        json_object_get_int_member (json_object_get_object_member (parsed, "version"), "version"), ==, 1);
    assert_cli_status (missing, 1);
    assert_cli_status (unknown, 1);
  }
  /* history: every version the server has */
  {
    g_autofree char *path = el_test_handoff_path (handoff, "/sbar/versions");
    g_autoptr (ElTestResponse) resp = el_test_api_call (api, "GET", path, who, NULL, EL_TEST_END);
    JsonArray *items = json_object_get_array_member (el_test_response_get_object (resp), "items");
    g_autoptr (CliRun) run = cli_run (dir, NULL, "--json", "history", handoff);
    g_autoptr (CliRun) text = cli_run (dir, NULL, "history", handoff);
    g_autoptr (JsonNode) root = NULL;
    JsonArray *versions;

    assert_cli_status (run, 0);
    assert_cli_status (text, 0);
    versions = json_object_get_array_member (parse_object (run->out, &root), "versions");
    g_assert_cmpuint (json_array_get_length (versions), ==, json_array_get_length (items));
    for (guint i = 0; i < json_array_get_length (versions); i++)
      g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (versions, i), "version"),
                       ==, json_object_get_int_member (json_array_get_object_element (items, i), "version"));
    g_assert_nonnull (strstr (text->out, "v1"));
  }
  {
    JsonObject *parsed;
    g_autoptr (CliRun) run = cli_run (dir, NULL, "--json", "conflicts");
    g_autoptr (JsonNode) root = NULL;

    assert_cli_status (run, 0);
    parsed = parse_object (run->out, &root);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (parsed, "conflicts")), ==, 0);
  }
  logout_force (dir);
  el_test_remove_tree (dir);
}

/* Edits saved while the server is down reach it exactly once when it is back. */
static void
test_edit_offline (void)
{
  g_autofree char *dir = new_data_dir ();
  g_autofree char *handoff = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *text = g_strdup_printf ("offline edit %s", uuid);
  g_autofree char *op_id = NULL;
  int latest_before = 0;

  login (dir);
  sync_ok (dir);
  handoff = editable_handoff (dir, NULL);
  g_assert_cmpuint (server_count_situation (handoff, text, &latest_before), ==, 0);

  stop_server ();
  {
    g_autoptr (CliRun) run = cli_run (dir, NULL, "--json", "edit", handoff, "--situation", text);
    g_autoptr (JsonNode) root = NULL;
    JsonObject *obj;

    assert_cli_status (run, 0);
    obj = parse_object (run->out, &root);
    g_assert_true (json_object_get_boolean_member (obj, "saved"));
    g_assert_cmpint (json_object_get_int_member (obj, "version"), ==, latest_before + 1);
    op_id = g_strdup (json_object_get_string_member (obj, "op_id"));
    g_assert_true (g_uuid_string_is_valid (op_id));
  }
  {
    /* the pending version is what the nurse sees now, offline */
    g_autoptr (CliRun) run = cli_run (dir, NULL, "--json", "sbar", handoff);
    g_autoptr (JsonNode) root = NULL;
    JsonObject *obj;

    assert_cli_status (run, 0);
    obj = parse_object (run->out, &root);
    g_assert_true (json_object_get_boolean_member (obj, "pending"));
    g_assert_cmpstr (json_object_get_string_member (obj, "op_id"), ==, op_id);
    g_assert_cmpstr (
        json_object_get_string_member (json_object_get_object_member (obj, "version"), "situation"), ==,
        text);
  }
  {
    g_autoptr (CliRun) run = cli_run (dir, NULL, "sync");

    assert_cli_status (run, 4);
    g_assert_null (strstr (run->err, text));
  }
  {
    g_autoptr (CliRun) run = cli_run (dir, NULL, "--json", "status");
    g_autoptr (JsonNode) root = NULL;
    JsonObject *obj;

    assert_cli_status (run, 0);
    obj = parse_object (run->out, &root);
    g_assert_false (json_object_get_boolean_member (obj, "online"));
    g_assert_cmpint (json_object_get_int_member (obj, "pending_ops"), ==, 1);
  }
  {
    /* signing out now would lose the edit */
    g_autoptr (CliRun) run = cli_run (dir, NULL, "logout");

    assert_cli_status (run, 1);
  }

  start_server ();
  g_assert_cmpuint (server_count_situation (handoff, text, NULL), ==, 0);
  sync_ok (dir);
  {
    int latest = 0;

    g_assert_cmpuint (server_count_situation (handoff, text, &latest), ==, 1);
    g_assert_cmpint (latest, ==, latest_before + 1);
  }
  /* a second sync sends nothing again */
  sync_ok (dir);
  g_assert_cmpuint (server_count_situation (handoff, text, NULL), ==, 1);
  {
    JsonObject *parsed;
    g_autoptr (CliRun) run = cli_run (dir, NULL, "--json", "sbar", handoff);
    g_autoptr (JsonNode) root = NULL;

    assert_cli_status (run, 0);
    parsed = parse_object (run->out, &root);
    g_assert_false (json_object_get_boolean_member (parsed, "pending"));
  }
  {
    g_autoptr (CliRun) run = cli_run (dir, NULL, "--json", "status");
    g_autoptr (JsonNode) root = NULL;
    JsonObject *obj;

    assert_cli_status (run, 0);
    obj = parse_object (run->out, &root);
    g_assert_cmpint (json_object_get_int_member (obj, "pending_ops"), ==, 0);
    g_assert_false (json_object_get_null_member (obj, "last_sync"));
  }
  {
    /* nothing pending: a plain logout works */
    g_autoptr (CliRun) run = cli_run (dir, NULL, "logout");

    assert_cli_status (run, 0);
  }
  el_test_remove_tree (dir);
}

/* Another client saved first: the CLI's push gets a 409, keeps base / theirs / mine. */
static void
test_conflict (void)
{
  g_autofree char *dir = new_data_dir ();
  g_autofree char *handoff = NULL;
  g_autoptr (ElTestApi) api = NULL;
  const ElTestLogin *who;
  int latest = 0;

  login (dir);
  sync_ok (dir);
  handoff = editable_handoff (dir, NULL);
  (void) server_count_situation (handoff, "", &latest);
  who = api_login (&api);
  {
    g_autofree char *path = el_test_handoff_path (handoff, "/sbar/versions");
    g_autofree char *body = el_test_sbar_version_body (latest, "theirs: saved first on another station");
    g_autoptr (ElTestResponse) resp = el_test_api_call (api, "POST", path, who, body, EL_TEST_END);

    g_assert_cmpuint (resp->status, ==, 201);
  }
  {
    g_autoptr (CliRun) run =
        cli_run (dir, NULL, "edit", handoff, "--situation", "mine: edited from the old version");

    assert_cli_status (run, 0);
  }
  {
    JsonObject *parsed;
    g_autoptr (CliRun) run = cli_run (dir, NULL, "--json", "sync");
    g_autoptr (JsonNode) root = NULL;

    assert_cli_status (run, 1);
    parsed = parse_object (run->out, &root);
    g_assert_cmpint (json_object_get_int_member (parsed, "conflicts"), ==, 1);
  }
  {
    g_autoptr (CliRun) run = cli_run (dir, NULL, "--json", "conflicts");
    g_autoptr (CliRun) text = cli_run (dir, NULL, "conflicts");
    g_autoptr (JsonNode) root = NULL;
    JsonArray *conflicts;
    JsonObject *c;

    assert_cli_status (run, 0);
    assert_cli_status (text, 0);
    conflicts = json_object_get_array_member (parse_object (run->out, &root), "conflicts");
    g_assert_cmpuint (json_array_get_length (conflicts), ==, 1);
    c = json_array_get_object_element (conflicts, 0);
    g_assert_cmpstr (json_object_get_string_member (c, "handoff_id"), ==, handoff);
    g_assert_cmpint (json_object_get_int_member (c, "base_version"), ==, latest);
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (c, "theirs"), "version"), ==,
                     latest + 1);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (c, "theirs"), "situation"),
                     ==, "theirs: saved first on another station");
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (c, "mine"), "situation"),
                     ==, "mine: edited from the old version");
    g_assert_nonnull (strstr (text->out, "mine: edited from the old version"));
  }
  /* the server has theirs once and mine not at all */
  g_assert_cmpuint (server_count_situation (handoff, "mine: edited from the old version", NULL), ==, 0);
  {
    JsonObject *parsed;
    g_autoptr (CliRun) run = cli_run (dir, NULL, "--json", "status");
    g_autoptr (JsonNode) root = NULL;

    assert_cli_status (run, 0);
    parsed = parse_object (run->out, &root);
    g_assert_cmpint (json_object_get_int_member (parsed, "conflicts"), ==, 1);
  }
  {
    /* an unresolved conflict is a change not on the server: logout refuses without --force */
    g_autoptr (CliRun) run = cli_run (dir, NULL, "logout");

    assert_cli_status (run, 1);
  }
  logout_force (dir);
  el_test_remove_tree (dir);
}

static void
test_export (void)
{
  g_autofree char *dir = new_data_dir ();
  g_autofree char *handoff = NULL;
  g_autofree char *patient = NULL;

  login (dir);
  sync_ok (dir);
  handoff = editable_handoff (dir, &patient);
  {
    g_autoptr (CliRun) run =
        cli_run (dir, NULL, "edit", handoff, "--recommendation", "Recheck potassium at 06:00");

    assert_cli_status (run, 0);
  }
  {
    g_autoptr (CliRun) run = cli_run (dir, NULL, "export", handoff, "--format", "json");
    g_autoptr (JsonNode) root = NULL;
    JsonObject *obj;

    assert_cli_status (run, 0);
    obj = parse_object (run->out, &root);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (obj, "handoff"), "id"), ==,
                     handoff);
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (obj, "patient"), "id"), ==,
                     patient);
    g_assert_cmpstr (
        json_object_get_string_member (json_object_get_object_member (obj, "sbar"), "recommendation"), ==,
        "Recheck potassium at 06:00");
    g_assert_true (json_object_get_boolean_member (obj, "sbar_pending"));
  }
  {
    g_autoptr (CliRun) run = cli_run (dir, NULL, "export", handoff, "--format", "text");

    assert_cli_status (run, 0);
    g_assert_nonnull (strstr (run->out, "Recommendation:\n  Recheck potassium at 06:00"));
    g_assert_nonnull (strstr (run->out, handoff));
    g_assert_nonnull (strstr (run->out, "Situation:"));
    /* text, not JSON */
    g_assert_null (json_from_string (run->out, NULL));
  }
  {
    JsonObject *parsed;
    /* --json without --format: the JSON export */
    g_autoptr (CliRun) run = cli_run (dir, NULL, "--json", "export", handoff);
    g_autoptr (JsonNode) root = NULL;

    assert_cli_status (run, 0);
    parsed = parse_object (run->out, &root);
    g_assert_true (json_object_has_member (parsed, "sbar"));
  }
  {
    g_autoptr (CliRun) run =
        cli_run (dir, NULL, "export", "00000000-0000-4000-8000-000000000001", "--format", "text");

    assert_cli_status (run, 1);
  }
  logout_force (dir);
  el_test_remove_tree (dir);
}

/* Answers every request with a 404 until the listening socket is closed. */
static gpointer
serve_not_found (gpointer user_data)
{
  GSocket *listener = user_data;
  static const char answer[] = "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n"
                               "Connection: close\r\n\r\nnot found";

  for (;;)
    {
      g_autoptr (GSocket) conn = g_socket_accept (listener, NULL, NULL);
      char buf[4096];

      if (conn == NULL)
        return NULL;
      /* the request head (small requests: one read is enough for a test) */
      (void) g_socket_receive (conn, buf, sizeof buf, NULL, NULL);
      (void) g_socket_send (conn, answer, sizeof answer - 1, NULL, NULL);
      g_socket_shutdown (conn, FALSE, TRUE, NULL);
      g_socket_close (conn, NULL);
    }
}

static void
test_smoke (void)
{
  g_autofree char *dir = new_data_dir ();
  guint16 closed_port;

  {
    g_autoptr (CliRun) run = cli_run (dir, NULL, "--json", "smoke", el_test_server_get_url (server));
    g_autoptr (JsonNode) root = NULL;
    JsonObject *obj;
    JsonArray *checks;

    assert_cli_status (run, 0);
    obj = parse_object (run->out, &root);
    g_assert_true (json_object_get_boolean_member (obj, "ok"));
    checks = json_object_get_array_member (obj, "checks");
    g_assert_cmpuint (json_array_get_length (checks), ==, 3);
    for (guint i = 0; i < 3; i++)
      g_assert_true (json_object_get_boolean_member (json_array_get_object_element (checks, i), "ok"));
  }
  {
    g_autoptr (CliRun) run = cli_run (dir, NULL, "smoke", server_url);

    assert_cli_status (run, 0);
    g_assert_nonnull (strstr (run->out, "smoke test passed"));
  }
  /* a port nobody listens on */
  {
    g_autoptr (GSocket) sock =
        g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
    g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr (GSocketAddress) any = g_inet_socket_address_new (lo, 0);
    g_autoptr (GSocketAddress) bound = NULL;

    g_assert_true (g_socket_bind (sock, any, FALSE, NULL));
    bound = g_socket_get_local_address (sock, NULL);
    closed_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
    g_socket_close (sock, NULL);
  }
  {
    JsonObject *parsed;
    g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", closed_port);
    g_autoptr (CliRun) run = cli_run (dir, NULL, "--json", "smoke", url);
    g_autoptr (JsonNode) root = NULL;

    g_assert_cmpint (run->status, !=, 0);
    assert_cli_status (run, 4);
    parsed = parse_object (run->out, &root);
    g_assert_false (json_object_get_boolean_member (parsed, "ok"));
  }
  /* a web server that answers 404 to everything (not the API): every check fails, exit 1 */
  {
    g_autoptr (GSocket) listener =
        g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
    g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr (GSocketAddress) any = g_inet_socket_address_new (lo, 0);
    g_autoptr (GSocketAddress) bound = NULL;
    g_autofree char *url = NULL;
    GThread *thread;

    g_assert_true (g_socket_bind (listener, any, FALSE, NULL));
    g_assert_true (g_socket_listen (listener, NULL));
    bound = g_socket_get_local_address (listener, NULL);
    url = g_strdup_printf ("http://127.0.0.1:%u",
                           g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
    thread = g_thread_new ("not-found", serve_not_found, listener);
    {
      g_autoptr (CliRun) run = cli_run (dir, NULL, "smoke", url);

      assert_cli_status (run, 1);
      g_assert_nonnull (strstr (run->out, "FAILED GET /api/health"));
      g_assert_nonnull (strstr (run->out, "FAILED GET /api/docs"));
    }
    g_socket_shutdown (listener, TRUE, TRUE, NULL);
    g_socket_close (listener, NULL);
    g_thread_join (thread);
  }
  el_test_remove_tree (dir);
}

/* A PHI canary typed through `edit` is never on disk in plaintext (cache, -wal, -shm, temp files,
 * cli.ini) nor in any output but the report the user asked for. */
static void
test_phi_canary (void)
{
  g_autofree char *dir = new_data_dir ();
  g_autofree char *tmp = new_data_dir ();
  g_autofree char *handoff = NULL;
  g_autofree char *situation = g_strdup_printf ("Chest pain since 02:00, %s, troponin pending", CANARY);
  g_autofree char *cache = el_store_path_for_account (dir, server_url, "nurse.a@demo.eclipselink.ai");
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  guint n_files = 0;

  child_tmpdir = tmp;
  g_string_truncate (logs, 0);
  login (dir);
  sync_ok (dir);
  handoff = editable_handoff (dir, NULL);
  {
    g_autoptr (CliRun) run = cli_run (dir, NULL, "edit", handoff, "--situation", situation);

    assert_cli_status (run, 0);
  }
  {
    /* a second edit, so the canary version is also a base (diffs) */
    g_autoptr (CliRun) run = cli_run (dir, "Stable, pain 2/10\n", "edit", handoff, "--assessment", "-");
    g_autoptr (CliRun) shown = cli_run (dir, NULL, "--json", "sbar", handoff);
    JsonObject *version;
    g_autoptr (JsonNode) root = NULL;

    assert_cli_status (run, 0);
    /* "-" read the text from stdin */
    assert_cli_status (shown, 0);
    version = json_object_get_object_member (parse_object (shown->out, &root), "version");
    g_assert_cmpstr (json_object_get_string_member (version, "assessment"), ==, "Stable, pain 2/10");
    g_assert_cmpstr (json_object_get_string_member (version, "situation"), ==, situation);
  }
  {
    g_autoptr (CliRun) a = cli_run (dir, NULL, "status");
    g_autoptr (CliRun) b = cli_run (dir, NULL, "--json", "history", handoff);
    g_autoptr (CliRun) c = cli_run (dir, NULL, "census");
    g_autoptr (CliRun) d = cli_run (dir, NULL, "--json", "status");

    assert_cli_status (a, 0);
    assert_cli_status (b, 0);
    assert_cli_status (c, 0);
    assert_cli_status (d, 0);
  }
  /* with the server down: the offline error messages */
  stop_server ();
  {
    g_autoptr (CliRun) run = cli_run (dir, NULL, "sync");

    assert_cli_status (run, 4);
  }
  start_server ();
  sync_ok (dir);
  {
    /* the positive control of the output check: the report the user asks for shows it */
    g_autoptr (CliRun) latest = cli_run (dir, NULL, "--json", "history", handoff);
    g_autoptr (JsonNode) root = NULL;
    JsonArray *versions;
    g_autofree char *number = NULL;

    assert_cli_status (latest, 0);
    versions = json_object_get_array_member (parse_object (latest->out, &root), "versions");
    number = g_strdup_printf (
        "%" G_GINT64_FORMAT,
        json_object_get_int_member (
            json_array_get_object_element (versions, json_array_get_length (versions) - 2), "version"));
    {
      g_autoptr (CliRun) shown = cli_run (dir, NULL, "sbar", handoff, "--version", number);

      assert_cli_status (shown, 0);
      g_assert_nonnull (strstr (shown->out, CANARY));
    }
  }
  /* the canary version and the next one (it edited only the assessment) */
  g_assert_cmpuint (server_count_situation (handoff, situation, NULL), ==, 2);

  /* the files: the scan must see the cache (a clear column, the handoff id, is there) */
  g_assert_true (g_file_test (cache, G_FILE_TEST_IS_REGULAR));
  {
    g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
    guint n = 0;

    el_test_find_in_tree (dir, handoff, ids, &n);
    g_assert_cmpuint (ids->len, >, 0);
  }
  el_test_find_in_tree (dir, CANARY, found, &n_files);
  el_test_find_in_tree (tmp, CANARY, found, &n_files);
  for (guint i = 0; i < found->len; i++)
    g_printerr ("the canary is in plaintext in %s\n", (const char *) g_ptr_array_index (found, i));
  g_assert_cmpuint (found->len, ==, 0);
  g_assert_cmpuint (n_files, >=, 2); /* cache + cli.ini at least */

  /* the outputs */
  g_assert_cmpuint (logs->len, >, 0);
  g_assert_nonnull (strstr (logs->str, handoff)); /* the logs are what the commands printed */
  g_assert_null (strstr (logs->str, CANARY));

  logout_force (dir);
  child_tmpdir = NULL;
  el_test_remove_tree (dir);
  el_test_remove_tree (tmp);
}

/* ---- ElContext directly ---- */

static ElUser *
context_sign_in (ElContext *ctx, const char *email, const char *password, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  el_context_sign_in_async (ctx, email, password, NULL, el_test_result_cb, &result);
  return el_context_sign_in_finish (ctx, el_test_wait_for (&result), NULL, error);
}

static gboolean
context_open (ElContext *ctx, const char *account, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  el_context_open_async (ctx, account, NULL, el_test_result_cb, &result);
  return el_context_open_finish (ctx, el_test_wait_for (&result), error);
}

static gboolean
context_sign_out (ElContext *ctx, ElContextSignOutFlags flags, gboolean *told, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  el_context_sign_out_async (ctx, flags, NULL, el_test_result_cb, &result);
  return el_context_sign_out_finish (ctx, el_test_wait_for (&result), told, error);
}

static void
context_close (ElContext *ctx)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  el_context_close_async (ctx, NULL, el_test_result_cb, &result);
  g_assert_true (el_context_close_finish (ctx, el_test_wait_for (&result), &error));
  g_assert_no_error (error);
}

static void
context_sync (ElContext *ctx)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  ElSyncStats stats = { 0 };

  el_sync_run_async (el_context_get_sync (ctx), EL_SYNC_RUN_NONE, NULL, el_test_result_cb, &result);
  g_assert_true (el_sync_run_finish (el_context_get_sync (ctx), el_test_wait_for (&result), &stats, &error));
  g_assert_no_error (error);
  g_assert_true (stats.pulled);
}

static ElStoreCounts
context_counts (ElContext *ctx)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  ElStoreCounts counts = { 0 };

  el_store_get_counts_async (el_context_get_store (ctx), NULL, el_test_result_cb, &result);
  g_assert_true (
      el_store_get_counts_finish (el_context_get_store (ctx), el_test_wait_for (&result), &counts, &error));
  g_assert_no_error (error);
  return counts;
}

static void
count_notify_cb (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  (*(guint *) user_data)++;
}

static void
test_context (void)
{
  g_autofree char *dir = new_data_dir ();
  const char *account = "charge.nurse@demo.eclipselink.ai";
  g_autofree char *cache = el_store_path_for_account (dir, server_url, account);
  g_autoptr (GError) error = NULL;
  g_autoptr (ElContext) bad = el_context_new ("ftp://example.org", dir, &error);
  g_autoptr (ElContext) ctx = NULL;
  g_autoptr (ElUser) user = NULL;
  g_autofree char *handoff = NULL;
  guint store_notifies = 0;

  g_assert_null (bad);
  g_assert_error (error, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (el_context_new (server_url, "", &error));
  g_assert_error (error, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  {
    g_autofree char *canonical = el_context_canonical_account ("Charge.Nurse@Demo.EclipseLink.ai");

    g_assert_cmpstr (canonical, ==, account);
  }
  g_assert_null (el_context_canonical_account ("no-at-sign"));
  g_assert_null (el_context_canonical_account ("two@@x"));
  g_assert_null (el_context_canonical_account ("sp ace@x"));

  {
    g_autofree char *slash = g_strconcat (server_url, "/", NULL);

    ctx = el_context_new (slash, dir, &error);
    g_assert_no_error (error);
  }
  g_assert_cmpstr (el_context_get_server_url (ctx), ==, server_url);
  g_assert_nonnull (el_context_get_secrets (ctx));
  g_assert_nonnull (el_context_get_api_client (ctx));
  g_assert_null (el_context_get_store (ctx));
  g_signal_connect (ctx, "notify::store", G_CALLBACK (count_notify_cb), &store_notifies);

  /* never signed in here: no key, so no cache is made */
  g_assert_false (context_open (ctx, account, &error));
  g_assert_error (error, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_NOT_SIGNED_IN);
  g_clear_error (&error);
  g_assert_false (g_file_test (cache, G_FILE_TEST_EXISTS));

  g_assert_null (context_sign_in (ctx, account, "wrong password", &error));
  g_assert_error (error, EL_API_ERROR, EL_API_ERROR_INVALID_CREDENTIALS);
  g_clear_error (&error);
  g_assert_null (el_context_get_store (ctx));

  user = context_sign_in (ctx, "Charge.Nurse@demo.eclipselink.ai", PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_nonnull (user);
  g_assert_cmpstr (el_context_get_account (ctx), ==, account);
  g_assert_nonnull (el_context_get_store (ctx));
  g_assert_nonnull (el_context_get_sync (ctx));
  g_assert_true (el_sync_get_store (el_context_get_sync (ctx)) == el_context_get_store (ctx));
  g_assert_true (el_sync_get_client (el_context_get_sync (ctx)) == el_context_get_api_client (ctx));
  g_assert_cmpuint (store_notifies, ==, 1);
  g_assert_true (g_file_test (cache, G_FILE_TEST_IS_REGULAR));
  context_sync (ctx);
  g_assert_cmpuint (context_counts (ctx).handoffs, >, 0);

  /* a local change, then sign-out is refused and changes nothing */
  {
    g_autoptr (GAsyncResult) result = NULL;
    g_autoptr (GPtrArray) entries = NULL;
    g_autoptr (ElSbarVersion) content = el_sbar_version_new ();
    g_autofree char *op_id = NULL;

    el_store_census_async (el_context_get_store (ctx), el_user_get_unit_id (user), NULL, el_test_result_cb,
                           &result);
    entries = el_store_census_finish (el_context_get_store (ctx), el_test_wait_for (&result), &error);
    g_assert_no_error (error);
    for (guint i = 0; i < entries->len && handoff == NULL; i++)
      {
        ElStoreCensusEntry *e = g_ptr_array_index (entries, i);

        if (e->handoff != NULL && el_handoff_get_status (e->handoff) != EL_HANDOFF_STATUS_ACKNOWLEDGED &&
            el_handoff_get_status (e->handoff) != EL_HANDOFF_STATUS_CANCELLED)
          handoff = g_strdup (el_handoff_get_id (e->handoff));
      }
    g_assert_nonnull (handoff);
    g_clear_object (&result);
    el_sbar_version_set_source (content, EL_SBAR_SOURCE_NURSE);
    el_sbar_version_set_situation (content, "saved through ElContext's store");
    el_store_save_sbar_draft_async (el_context_get_store (ctx), handoff, 0, content, NULL, el_test_result_cb,
                                    &result);
    op_id = el_store_save_sbar_draft_finish (el_context_get_store (ctx), el_test_wait_for (&result), &error);
    g_assert_no_error (error);
    g_assert_nonnull (op_id);
  }
  g_assert_false (context_sign_out (ctx, EL_CONTEXT_SIGN_OUT_NONE, NULL, &error));
  g_assert_error (error, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_PENDING_CHANGES);
  g_clear_error (&error);
  g_assert_nonnull (el_context_get_store (ctx));
  g_assert_true (g_file_test (cache, G_FILE_TEST_IS_REGULAR));

  context_close (ctx);
  g_assert_null (el_context_get_store (ctx));
  g_assert_null (el_context_get_account (ctx));
  g_clear_object (&ctx);

  /* a new context finds the account offline: key from the keyring, the change still queued */
  ctx = el_context_new (server_url, dir, &error);
  g_assert_no_error (error);
  g_assert_true (context_open (ctx, account, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (context_counts (ctx).pending_ops, ==, 1);
  g_assert_false (el_api_client_get_signed_in (el_context_get_api_client (ctx)));
  {
    g_autoptr (GAsyncResult) result = NULL;
    g_autoptr (ElUser) resumed = NULL;

    el_context_resume_async (ctx, NULL, el_test_result_cb, &result);
    resumed = el_context_resume_finish (ctx, el_test_wait_for (&result), &error);
    g_assert_no_error (error);
    g_assert_cmpstr (el_user_get_id (resumed), ==, el_user_get_id (user));
  }
  context_sync (ctx); /* the base version was 0 on a handoff with versions: the server refuses it */
  {
    ElStoreCounts counts = context_counts (ctx);

    g_assert_cmpuint (counts.pending_ops, ==, 0);
    g_assert_cmpuint (counts.conflicts + counts.needs_attention, ==, 1);
  }
  {
    gboolean told = FALSE;
    g_autoptr (GBytes) key = NULL;

    /* still a change the server does not have: refused, then forced */
    g_assert_false (context_sign_out (ctx, EL_CONTEXT_SIGN_OUT_NONE, NULL, &error));
    g_assert_error (error, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_PENDING_CHANGES);
    g_clear_error (&error);
    g_assert_true (context_sign_out (ctx, EL_CONTEXT_SIGN_OUT_FORCE, &told, &error));
    g_assert_no_error (error);
    g_assert_true (told);
    g_assert_null (el_context_get_store (ctx));
    g_assert_false (g_file_test (cache, G_FILE_TEST_EXISTS));
    key = el_test_secrets_lookup (el_context_get_secrets (ctx), account, EL_SECRET_KIND_DATA_KEY);
    g_assert_null (key);
  }
  g_assert_false (context_open (ctx, account, &error));
  g_assert_error (error, EL_CONTEXT_ERROR, EL_CONTEXT_ERROR_NOT_SIGNED_IN);
  g_clear_error (&error);

  /* a damaged cache: open fails with CORRUPT, forget clears the keyring and deletes the files */
  g_clear_object (&user);
  user = context_sign_in (ctx, account, PASSWORD, &error);
  g_assert_no_error (error);
  context_close (ctx);
  {
    g_autofree char *wal = g_strconcat (cache, "-wal", NULL);
    FILE *f = fopen (cache, "r+b");
    static const char garbage[4096] = "this is not an SQLite database";

    g_assert_nonnull (f);
    g_assert_cmpuint (fwrite (garbage, 1, sizeof garbage, f), ==, sizeof garbage);
    fclose (f);
    (void) g_remove (wal);
  }
  g_assert_false (context_open (ctx, account, &error));
  g_assert_error (error, EL_STORE_ERROR, EL_STORE_ERROR_CORRUPT);
  g_clear_error (&error);
  {
    g_autoptr (GAsyncResult) result = NULL;
    g_autoptr (GBytes) key = NULL;
    g_autoptr (GBytes) token = NULL;

    el_context_forget_account_async (ctx, account, NULL, el_test_result_cb, &result);
    g_assert_true (el_context_forget_account_finish (ctx, el_test_wait_for (&result), &error));
    g_assert_no_error (error);
    g_assert_false (g_file_test (cache, G_FILE_TEST_EXISTS));
    key = el_test_secrets_lookup (el_context_get_secrets (ctx), account, EL_SECRET_KIND_DATA_KEY);
    token = el_test_secrets_lookup (el_context_get_secrets (ctx), account, EL_SECRET_KIND_REFRESH_TOKEN);
    g_assert_null (key);
    g_assert_null (token);
  }
  g_clear_object (&ctx);
  el_test_remove_tree (dir);
}

/* ---- transcribe, extract: offline, no account ---- */

static void
test_speech (void)
{
  g_autofree char *dir = new_data_dir ();
  g_autofree char *tmp = el_test_make_dir ("el-cli-speech-XXXXXX");
  g_autofree char *text_path = g_build_filename (tmp, "handoff.txt", NULL);
  g_autofree char *wav_path = g_build_filename (tmp, "handoff.wav", NULL);
  g_autofree char *bad_path = g_build_filename (tmp, "bad.txt", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) wav = NULL;
  const char *text = "Situation. She is full code. She is allergic to penicillin, it causes hives. "
                     "Her temperature is thirty eight point four. If she spikes again, call the resident.";

  g_assert_true (g_file_set_contents (text_path, text, -1, &error));
  {
    g_autoptr (CliRun) run = cli_run (dir, NULL, "extract", text_path, "--json");
    g_autoptr (JsonNode) keep = NULL;
    JsonObject *doc, *fields;

    assert_cli_status (run, 0);
    doc = parse_object (run->out, &keep);
    g_assert_cmpstr (json_object_get_string_member (doc, "engine"), ==, "rules");
    fields = json_object_get_object_member (doc, "fields");
    g_assert_cmpstr (
        json_object_get_string_member (json_object_get_object_member (fields, "code_status"), "value"), ==,
        "full_code");
    g_assert_cmpfloat (
        json_object_get_double_member (
            json_object_get_object_member (json_object_get_object_member (fields, "vitals"), "temperature_c"),
            "value"),
        ==, 38.4);
    g_assert_true (json_object_has_member (doc, "completeness"));
  }
  {
    /* a file that is not text: usage error, nothing printed on stdout */
    g_autoptr (CliRun) run = NULL;

    g_assert_true (g_file_set_contents (bad_path, "\xff\xfe\x00junk", 6, &error));
    run = cli_run (dir, NULL, "extract", bad_path);
    assert_cli_status (run, 2);
    g_assert_cmpstr (run->out, ==, "");
  }
  {
    g_autoptr (CliRun) run = cli_run (dir, NULL, "transcribe", text_path);

    assert_cli_status (run, 2); /* not a WAV or Ogg file */
  }
  wav = speech_test_synthesise (text, tmp, "cli", &error);
  g_assert_no_error (error);
  g_assert_true (
      g_file_set_contents (wav_path, g_bytes_get_data (wav, NULL), g_bytes_get_size (wav), &error));
  {
    g_autoptr (CliRun) run = cli_run (dir, NULL, "transcribe", wav_path, "--json");
    g_autoptr (JsonNode) keep = NULL;
    JsonObject *doc;
    JsonArray *words;

    assert_cli_status (run, 0);
    doc = parse_object (run->out, &keep);
    g_assert_cmpstr (json_object_get_string_member (doc, "engine"), ==, "pocketsphinx");
    g_assert_nonnull (strstr (json_object_get_string_member (doc, "text"), "penicillin"));
    words = json_object_get_array_member (doc, "words");
    g_assert_cmpuint (json_array_get_length (words), >, 15);
    g_assert_cmpfloat (json_object_get_double_member (doc, "real_time_factor"), >, 0);
    g_assert_cmpint (json_object_get_int_member (doc, "audio_ms"), >, 5000);
  }
  el_test_remove_tree (tmp);
  el_test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int status;

  /* ElContext's client in this process (and the CLI processes, see cli_runv ()): direct connections to
   * 127.0.0.1, no system proxy lookup (libproxy throws C++ exceptions under ASan) */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, NULL);
  logs = g_string_new (NULL);
  servers = g_ptr_array_new_with_free_func ((GDestroyNotify) el_test_server_free);
  start_server ();
  proxy = el_test_proxy_new ((guint16) el_test_server_get_port (server), &error);
  g_assert_no_error (error);
  {
    g_autofree char *url = el_test_proxy_url (proxy, "/");

    server_url = g_strndup (url, strlen (url) - 1);
  }

  g_test_add_func ("/el/client/cli/usage", test_usage);
  g_test_add_func ("/el/client/cli/login-logout", test_login_logout);
  g_test_add_func ("/el/client/cli/read-after-sync", test_read_after_sync);
  g_test_add_func ("/el/client/cli/edit-offline", test_edit_offline);
  g_test_add_func ("/el/client/cli/conflict", test_conflict);
  g_test_add_func ("/el/client/cli/export", test_export);
  g_test_add_func ("/el/client/cli/smoke", test_smoke);
  g_test_add_func ("/el/client/cli/phi-canary", test_phi_canary);
  g_test_add_func ("/el/client/cli/speech", test_speech);
  g_test_add_func ("/el/client/context/lifecycle", test_context);
  status = g_test_run ();

  g_assert_cmpint (el_test_server_stop (server), ==, 0);
  g_clear_pointer (&proxy, el_test_proxy_free);
  g_clear_pointer (&servers, g_ptr_array_unref);
  g_string_free (logs, TRUE);
  g_free (server_url);
  return status;
}
