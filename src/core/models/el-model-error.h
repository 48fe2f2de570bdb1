/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define EL_MODEL_ERROR      (el_model_error_quark ())
#define EL_TYPE_MODEL_ERROR (el_model_error_get_type ())

/**
 * ElModelError:
 * @EL_MODEL_ERROR_MALFORMED: the input is not JSON, or not valid UTF-8
 * @EL_MODEL_ERROR_WRONG_TYPE: a member has the wrong JSON type
 * @EL_MODEL_ERROR_MISSING_FIELD: a required member is absent
 * @EL_MODEL_ERROR_OUT_OF_RANGE: a number, date or enum value is outside what the contract allows
 * @EL_MODEL_ERROR_TOO_LONG: a string, array or the whole document is larger than its documented limit
 * @EL_MODEL_ERROR_INVALID_TRANSITION: a handoff status change the state machine forbids
 *
 * Errors of the data model's decoders and rules. Messages name the member (a JSON path such as
 * `fields.vitals.heart_rate.value`) but never its value: values may be PHI.
 *
 * The #GEnumValue nicks of %EL_TYPE_MODEL_ERROR are `malformed`, `wrong-type`, `missing-field`,
 * `out-of-range`, `too-long` and `invalid-transition`.
 */
typedef enum
{
  EL_MODEL_ERROR_MALFORMED,
  EL_MODEL_ERROR_WRONG_TYPE,
  EL_MODEL_ERROR_MISSING_FIELD,
  EL_MODEL_ERROR_OUT_OF_RANGE,
  EL_MODEL_ERROR_TOO_LONG,
  EL_MODEL_ERROR_INVALID_TRANSITION,
} ElModelError;

GQuark el_model_error_quark (void);
GType el_model_error_get_type (void) G_GNUC_CONST;

G_END_DECLS
