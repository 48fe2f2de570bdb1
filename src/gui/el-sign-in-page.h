/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "el-context.h"

G_BEGIN_DECLS

/*
 * ElSignInPage: server address (GSettings "api-url"), email, password, "Keep me signed in".
 * It makes the nurse's ElContext (data dir given at construction) and signs in; when the server
 * cannot be reached and this nurse has an offline session on this PC, it offers "Open Offline"
 * (her password is checked against the keyring's offline session). Errors are plain words.
 *
 * Signal "signed-in" (ElContext *context, gboolean offline, gboolean keep_signed_in): the context
 * is open (cache and sync); the page keeps no reference to it afterwards.
 */
#define EL_TYPE_SIGN_IN_PAGE (el_sign_in_page_get_type ())
G_DECLARE_FINAL_TYPE (ElSignInPage, el_sign_in_page, EL, SIGN_IN_PAGE, AdwBin)

GtkWidget *el_sign_in_page_new (GSettings *settings, const char *data_dir);

/* Back to an empty form (password and error cleared; @email prefilled when not NULL). */
void el_sign_in_page_reset (ElSignInPage *self, const char *email);
gboolean el_sign_in_page_get_busy (ElSignInPage *self);

/* The words shown for a sign-in or open error (translated). */
char *el_sign_in_page_describe_error (const GError *error, const char *server_url);

G_END_DECLS
