/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "el-cli.h"

G_BEGIN_DECLS

/* `transcribe FILE.wav|FILE.ogg` and `extract TRANSCRIPT.txt`: offline, no account. */
void el_cli_cmd_transcribe (ElCli *cli);
void el_cli_cmd_extract (ElCli *cli);
/* `enroll PROFILE_DIR RECORDING TEXT.txt [RECORDING TEXT.txt ...]`: a voice profile, offline. */
void el_cli_cmd_enroll (ElCli *cli);

G_END_DECLS
