/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "el-model-error.h"

G_DEFINE_QUARK (el_model_error_quark, el_model_error)

G_DEFINE_ENUM_TYPE (ElModelError,
                    el_model_error,
                    G_DEFINE_ENUM_VALUE (EL_MODEL_ERROR_MALFORMED, "malformed"),
                    G_DEFINE_ENUM_VALUE (EL_MODEL_ERROR_WRONG_TYPE, "wrong-type"),
                    G_DEFINE_ENUM_VALUE (EL_MODEL_ERROR_MISSING_FIELD, "missing-field"),
                    G_DEFINE_ENUM_VALUE (EL_MODEL_ERROR_OUT_OF_RANGE, "out-of-range"),
                    G_DEFINE_ENUM_VALUE (EL_MODEL_ERROR_TOO_LONG, "too-long"),
                    G_DEFINE_ENUM_VALUE (EL_MODEL_ERROR_INVALID_TRANSITION, "invalid-transition"))
