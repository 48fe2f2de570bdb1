/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "el-context.h"

G_BEGIN_DECLS

/*
 * ElLockPage: what the window shows while locked — no patient data, only who is signed in and a
 * password field. The password is checked against the keyring's offline session
 * (el_context_verify_password_async), so unlocking works without the server.
 *
 * Signal "unlocked". The "Switch Nurse" button activates win.switch-nurse.
 */
#define EL_TYPE_LOCK_PAGE (el_lock_page_get_type ())
G_DECLARE_FINAL_TYPE (ElLockPage, el_lock_page, EL, LOCK_PAGE, AdwBin)

GtkWidget *el_lock_page_new (void);

/* The context to unlock (NULL: none); shows the user's name. Clears the password field. */
void el_lock_page_set_context (ElLockPage *self, ElContext *context);

G_END_DECLS
