/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "el-json-private.h"
#include "el-sbar-fields.h"

G_BEGIN_DECLS

ElSbarFields *el_sbar_fields_read (JsonNode *node, const ElJsonPath *path, GError **error);

G_END_DECLS
