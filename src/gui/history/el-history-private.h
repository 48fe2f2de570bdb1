/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "el-models.h"

G_BEGIN_DECLS

/*
 * Helpers shared by the history and conflict views (this folder only): structured-field changes
 * in words, and the word-diff text tags.
 */

/* A field path of el_diff_versions() ("vitals.heart_rate.value", "meds_due[1].dose") in words:
 * "Heart rate", "Medications due 2: dose". (transfer full) */
char *el_history_field_path_label (const char *path);

/* A field value of el_diff_versions() ("old"/"new") as text, enums in words; @path gives the
 * field. NULL: "" . (transfer full) */
char *el_history_field_value_text (const char *path, JsonNode *value);

/* The changes between the structured fields of @old_version and @new_version (either may be NULL),
 * one line per change, in words: "Heart rate: 88 → 96". (element-type utf8) (transfer full) */
GPtrArray *el_history_field_changes (ElSbarVersion *old_version, ElSbarVersion *new_version);

/* The text tags "el-diff-insert" (underlined, and a success-coloured background when the theme has
 * one and high contrast is off) and "el-diff-delete" (struck through, an error-coloured
 * background likewise), created in @buffer's tag table if missing, coloured for @widget. */
void el_history_diff_tags_ensure (GtkTextBuffer *buffer, GtkWidget *widget);

/* Fills @buffer with the word diff of @old_text → @new_text: unchanged words plain, deleted words
 * tagged "el-diff-delete", inserted words "el-diff-insert" (deleted words come before the words
 * that replace them). Returns FALSE (and leaves @buffer empty) when no word changed.
 * @n_inserted, @n_deleted: (out) (optional): word counts. */
gboolean el_history_diff_render (
    GtkTextBuffer *buffer, const char *old_text, const char *new_text, guint *n_inserted, guint *n_deleted);

G_END_DECLS
