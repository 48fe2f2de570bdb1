/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* seed-demo (el-cmd-seed.c), for the table in main.c. */
int el_cmd_seed_demo (int argc, char **argv);
