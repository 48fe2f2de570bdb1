/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit statuses of every command. */
#define EL_EXIT_OK      0
#define EL_EXIT_FAILURE 1 /* the command ran and failed (database unreadable, check found damage, ...) */
#define EL_EXIT_USAGE   2 /* bad arguments or configuration; one clear line on stderr */

/**
 * ElCommand:
 * @name: the word on the command line
 * @summary: one line for `eclipselink-server --help`
 * @run: runs the command; argv[0] is the command's name, options follow
 *
 * One subcommand of eclipselink-server. Each lives in its own el-cmd-*.c file and parses its own
 * options with GOptionContext; configuration comes from the environment (el-server-config.h).
 */
typedef struct
{
  const char *name;
  const char *summary;
  int (*run) (int argc, char **argv);
} ElCommand;

/* Prints "eclipselink-server: MESSAGE" on stderr and returns @status (for `return el_command_fail (...)`). */
int el_command_fail (int status, const char *format, ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
