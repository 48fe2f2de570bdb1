/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The data model of EclipseLink Handoff and its JSON (the v1 contract): include this one header. */

#include "el-handoff.h"
#include "el-model-enums.h"
#include "el-model-error.h"
#include "el-model-limits.h"
#include "el-model-types.h"
#include "el-patient.h"
#include "el-recording.h"
#include "el-sbar-fields.h"
#include "el-sbar-version.h"
#include "el-unit.h"
#include "el-user.h"
