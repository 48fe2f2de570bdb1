/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>

static char *
run_server (const char *const *args, int *exit_status, char **err_out)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  char *out = NULL;

  g_ptr_array_add (argv, (gpointer) EL_SERVER_PATH);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_newv ((const char *const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, err_out, &error);
  g_assert_no_error (error);
  *exit_status = g_subprocess_get_exit_status (proc);
  return out;
}

static void
test_version (void)
{
  const char *args[] = { "--version", NULL };
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_autofree char *expected = g_strdup_printf ("eclipselink-server %s\n", PACKAGE_VERSION);
  int status = -1;

  out = run_server (args, &status, &err);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (out, ==, expected);
  g_assert_cmpstr (err, ==, "");
}

static void
test_help (void)
{
  const char *args[] = { "--help", NULL };
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  int status = -1;

  out = run_server (args, &status, &err);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "Usage:"));
  g_assert_nonnull (strstr (out, "--version"));
}

static void
test_bad_option (void)
{
  const char *args[] = { "--no-such-option", NULL };
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  int status = -1;

  out = run_server (args, &status, &err);
  g_assert_cmpint (status, ==, 2);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "--no-such-option"));
}

static void
test_unknown_command (void)
{
  const char *args[] = { "frobnicate", NULL };
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  int status = -1;

  out = run_server (args, &status, &err);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, "unknown command"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/el/server/cli/version", test_version);
  g_test_add_func ("/el/server/cli/help", test_help);
  g_test_add_func ("/el/server/cli/bad-option", test_bad_option);
  g_test_add_func ("/el/server/cli/unknown-command", test_unknown_command);

  return g_test_run ();
}
