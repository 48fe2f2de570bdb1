/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* `serve`: the HTTP API (el-cmd-serve.c), for the table in main.c. */
int el_cmd_serve (int argc, char **argv);
