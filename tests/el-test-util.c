/* SPDX-License-Identifier: GPL-3.0-or-later */
#define _GNU_SOURCE /* memmem */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "el-test-util.h"

/**
 * el_test_make_dir:
 * @tmpl: the folder's name, ending in XXXXXX (g_dir_make_tmp())
 *
 * Makes a new folder in the temporary directory; asserts that it could.
 *
 * Returns: (transfer full): its path
 */
char *
el_test_make_dir (const char *tmpl)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp (tmpl, &error);

  g_assert_no_error (error);
  g_assert_nonnull (dir);
  return dir;
}

/**
 * el_test_remove_tree:
 * @path: a folder (or a file)
 *
 * Removes a folder and everything in it; a link is removed, never followed. Nothing is asserted:
 * what cannot be removed stays.
 */
void
el_test_remove_tree (const char *path)
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
        el_test_remove_tree (child);
      else
        (void) g_remove (child);
    }
  (void) g_rmdir (path);
}

/**
 * el_test_result_cb:
 * @source: the source object
 * @result: the result
 * @user_data: a `GAsyncResult **` that must hold %NULL
 *
 * A #GAsyncReadyCallback that keeps a reference to @result in *@user_data.
 */
void
el_test_result_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  (void) source;
  g_assert_null (*out);
  *out = g_object_ref (result);
}

/**
 * el_test_wait_for:
 * @result: where el_test_result_cb() puts the result
 *
 * Runs the thread-default main context until *@result is set.
 *
 * Returns: (transfer none): *@result
 */
GAsyncResult *
el_test_wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static gboolean
set_true_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/**
 * el_test_sleep_main:
 * @ms: milliseconds
 *
 * Sleeps while the main context runs.
 */
void
el_test_sleep_main (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_true_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/**
 * el_test_env_uint:
 * @name: an environment variable
 * @fallback: the value when it is unset or not a whole number from 1 to G_MAXUINT
 *
 * Returns: the variable's value, or @fallback
 */
guint
el_test_env_uint (const char *name, guint fallback)
{
  const char *v = g_getenv (name);
  guint64 out = 0;

  if (v != NULL && g_ascii_string_to_unsigned (v, 10, 1, G_MAXUINT, &out, NULL))
    return (guint) out;
  return fallback;
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/**
 * el_test_median:
 * @values: doubles, at least one; sorted in place
 *
 * Returns: the median (the upper one of an even count)
 */
double
el_test_median (GArray *values)
{
  g_array_sort (values, cmp_double);
  return g_array_index (values, double, values->len / 2);
}

gboolean
el_test_file_contains (const char *path, const char *needle)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return FALSE;
  return memmem (contents, len, needle, strlen (needle)) != NULL;
}

void
el_test_find_in_tree (const char *dir, const char *needle, GPtrArray *found, guint *n_files)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        el_test_find_in_tree (path, needle, found, n_files);
      else if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        {
          (*n_files)++;
          if (el_test_file_contains (path, needle))
            g_ptr_array_add (found, g_steal_pointer (&path));
        }
    }
}
