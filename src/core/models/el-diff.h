/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define EL_TYPE_DIFF_OP (el_diff_op_get_type ())

/**
 * ElDiffOpKind:
 * @EL_DIFF_OP_EQUAL: a run of words both texts share (only from el_diff_words_full())
 * @EL_DIFF_OP_INSERT: words of the new text that the old one lacks
 * @EL_DIFF_OP_DELETE: words of the old text that the new one lacks
 * @EL_DIFF_OP_REPLACE: a deletion directly followed by an insertion at the same place
 */
typedef enum
{
  EL_DIFF_OP_EQUAL,
  EL_DIFF_OP_INSERT,
  EL_DIFF_OP_DELETE,
  EL_DIFF_OP_REPLACE,
} ElDiffOpKind;

/**
 * ElDiffOp:
 * @kind: what happened
 * @old_index: index of the first affected word in the old text: the spec's `at`. For an
 *   insertion, the index of the old word the new words go before (the old word count at the end)
 * @old_count: number of old words deleted or replaced (0 for an insertion)
 * @new_index: the same position in the new text's words
 * @new_count: number of new words inserted (0 for a deletion)
 * @old_offset: byte offset in the old text of the first affected word (for an insertion: of the
 *   word at @old_index, or the text's length at the end)
 * @old_length: bytes from the first to the end of the last affected old word (0 for an insertion)
 * @new_offset: the same in the new text
 * @new_length: the same in the new text (0 for a deletion)
 * @old_text: the old words as written in the old text, from the first word's start to the last
 *   word's end (so inner white space is kept as it was); "" for an insertion
 * @new_text: the same for the new words; "" for a deletion
 *
 * One step of a word diff. "Words" are the tokens el_diff_split_words() returns: words and
 * punctuation marks; white space separates tokens but is never one.
 */
typedef struct
{
  ElDiffOpKind kind;
  guint old_index;
  guint old_count;
  guint new_index;
  guint new_count;
  gsize old_offset;
  gsize old_length;
  gsize new_offset;
  gsize new_length;
  char *old_text;
  char *new_text;
} ElDiffOp;

GType el_diff_op_get_type (void) G_GNUC_CONST;
ElDiffOp *el_diff_op_copy (const ElDiffOp *op);
void el_diff_op_free (ElDiffOp *op);
const char *el_diff_op_kind_to_string (ElDiffOpKind kind);

char **el_diff_split_words (const char *text);

GPtrArray *el_diff_words (const char *old_text, const char *new_text);
GPtrArray *el_diff_words_full (const char *old_text, const char *new_text);

JsonNode *el_diff_versions (JsonObject *old_version, JsonObject *new_version);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElDiffOp, el_diff_op_free)

G_END_DECLS
