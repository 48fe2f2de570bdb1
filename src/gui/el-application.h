/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define EL_TYPE_APPLICATION (el_application_get_type ())

G_DECLARE_FINAL_TYPE (ElApplication, el_application, EL, APPLICATION, AdwApplication)

ElApplication *el_application_new (void);

G_END_DECLS
