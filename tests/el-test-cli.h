/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * Running the real `eclipselink-cli` (built in EL_BUILD_ROOT/src/cli) from the CLI and crash tests.
 * Header-only helpers (static functions), so each test program takes what it uses.
 */

typedef struct
{
  int status; /* exit status; -1 when a signal ended it */
  int signal; /* the signal, or 0 */
  char *out;
  char *err;
} CliRun;

static void G_GNUC_UNUSED
cli_run_free (CliRun *run)
{
  g_free (run->out);
  g_free (run->err);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliRun, cli_run_free)

static char *G_GNUC_UNUSED
cli_path (void)
{
  const char *root = g_getenv ("EL_BUILD_ROOT");

  g_assert_nonnull (root);
  return g_build_filename (root, "src", "cli", "eclipselink-cli", NULL);
}

/* Removes a folder and everything in it. */
static void G_GNUC_UNUSED
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      (void) g_remove (path);
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        (void) g_remove (child);
    }
  (void) g_rmdir (path);
}

static JsonObject *G_GNUC_UNUSED
parse_object (const char *text, JsonNode **keep)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  *keep = node;
  return json_node_get_object (node);
}

G_END_DECLS
