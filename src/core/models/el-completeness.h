/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define EL_TYPE_COMPLETENESS (el_completeness_get_type ())

/**
 * ElCompleteness:
 * @score: weighted share of the scored items that are present, 0.0 .. 100.0, rounded to one decimal
 * @complete: %TRUE when @missing_critical is empty, whatever the score
 * @missing: names of the missing items, in the order of el_completeness_items(); a partial
 *   `vitals` adds one `vitals.<member>` entry per absent vital sign right after `vitals`
 * @missing_critical: the subset of @missing that are critical items (never a `vitals.<member>`)
 *
 * How complete one SBAR version is (the spec's `Completeness` object). Both string vectors are
 * %NULL-terminated and never %NULL themselves.
 */
typedef struct
{
  double score;
  gboolean complete;
  GStrv missing;
  GStrv missing_critical;
} ElCompleteness;

/**
 * ElCompletenessItem:
 * @name: the JSON member name: a section (`situation`) or a member of `fields` (`code_status`)
 * @weight: 1.0, or 1.5 for a critical item
 * @critical: %TRUE when a missing value makes the report incomplete
 * @is_section: %TRUE for the four free-text sections, which live at the top level of a version
 *   rather than inside `fields`
 *
 * One scored item. Names only: core translates nothing, a UI maps names to labels.
 */
typedef struct
{
  const char *name;
  double weight;
  gboolean critical;
  gboolean is_section;
} ElCompletenessItem;

GType el_completeness_get_type (void) G_GNUC_CONST;

ElCompleteness *el_completeness_compute (JsonObject *version);
ElCompleteness *el_completeness_copy (const ElCompleteness *self);
void el_completeness_free (ElCompleteness *self);
JsonNode *el_completeness_to_json (const ElCompleteness *self);

const ElCompletenessItem *el_completeness_items (guint *n_items);
const char *const *el_completeness_vital_signs (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ElCompleteness, el_completeness_free)

G_END_DECLS
