/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "el-application.h"

G_BEGIN_DECLS

#define EL_TYPE_WINDOW (el_window_get_type ())

G_DECLARE_FINAL_TYPE (ElWindow, el_window, EL, WINDOW, AdwApplicationWindow)

ElWindow *el_window_new (ElApplication *application);

G_END_DECLS
