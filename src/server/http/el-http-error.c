/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-http-error.h"

G_DEFINE_QUARK (el_http_error_quark, el_http_error)
