/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The account commands (el-cmd-users.c), for the table in main.c. */
int el_cmd_create_user (int argc, char **argv);
int el_cmd_create_unit (int argc, char **argv);
