/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The database administration commands (el-cmd-db.c), for the table in main.c. */
int el_cmd_migrate (int argc, char **argv);
int el_cmd_check (int argc, char **argv);
int el_cmd_backup (int argc, char **argv);
int el_cmd_restore (int argc, char **argv);
