/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Small helpers of every test program and benchmark (core, server, client): temporary folders,
 * running the main context until an async call is done, and the figures of the benchmarks. Only
 * GLib and GIO (test_util_dep), so the core tests can link it too.
 */

char *el_test_make_dir (const char *tmpl);
void el_test_remove_tree (const char *path);

/* Canary checks: whether the file at @path holds the bytes of @needle (binary files too), and every
 * regular file under @dir that does (paths added to @found; @n_files counts the files read). */
gboolean el_test_file_contains (const char *path, const char *needle);
void el_test_find_in_tree (const char *dir, const char *needle, GPtrArray *found, guint *n_files);

void el_test_result_cb (GObject *source, GAsyncResult *result, gpointer user_data);
GAsyncResult *el_test_wait_for (GAsyncResult **result);
void el_test_sleep_main (guint ms);

guint el_test_env_uint (const char *name, guint fallback);
double el_test_median (GArray *values);

G_END_DECLS
