/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "el-model-error.h"

G_DEFINE_QUARK (el_model_error_quark, el_model_error)
