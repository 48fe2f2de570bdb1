/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer harness of the models' decoders: every input goes to every decoder. A decoder must
 * either fail with an EL_MODEL_ERROR or return a model whose encoding decodes again (from text and
 * from a JsonNode) and encodes to the same text, that validates, and that copies. Warnings and
 * criticals abort (they count as crashes). */
#include "config.h"

#include "el-models.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

typedef GObject *(*DecodeDataFunc) (const char *data, gssize len, GError **error);
typedef GObject *(*DecodeNodeFunc) (JsonNode *node, GError **error);
typedef char *(*EncodeDataFunc) (GObject *model, gsize *len);
typedef JsonNode *(*EncodeNodeFunc) (GObject *model);
typedef gboolean (*ValidateFunc) (GObject *model, GError **error);

typedef struct
{
  const char *name;
  DecodeDataFunc decode_data;
  DecodeNodeFunc decode_node;
  EncodeDataFunc encode_data;
  EncodeNodeFunc encode_node;
  ValidateFunc validate;
} Codec;

#define DEFINE_CODEC(prefix, Type)                                                    \
  static GObject *prefix##_decode_data (const char *data, gssize len, GError **error) \
  {                                                                                   \
    return G_OBJECT (prefix##_new_from_data (data, len, error));                      \
  }                                                                                   \
                                                                                      \
  static GObject *prefix##_decode_node (JsonNode *node, GError **error)               \
  {                                                                                   \
    return G_OBJECT (prefix##_new_from_json (node, error));                           \
  }                                                                                   \
                                                                                      \
  static char *prefix##_encode_data (GObject *model, gsize *len)                      \
  {                                                                                   \
    return prefix##_to_data ((Type *) model, len);                                    \
  }                                                                                   \
                                                                                      \
  static JsonNode *prefix##_encode_node (GObject *model)                              \
  {                                                                                   \
    return prefix##_to_json ((Type *) model);                                         \
  }                                                                                   \
                                                                                      \
  static gboolean prefix##_check (GObject *model, GError **error)                     \
  {                                                                                   \
    return prefix##_validate ((Type *) model, error);                                 \
  }

DEFINE_CODEC (el_user, ElUser)
DEFINE_CODEC (el_unit, ElUnit)
DEFINE_CODEC (el_patient, ElPatient)
DEFINE_CODEC (el_handoff, ElHandoff)
DEFINE_CODEC (el_recording, ElRecording)
DEFINE_CODEC (el_sbar_version, ElSbarVersion)

/* The create request keeps its base_version on the object. */
static GObject *
create_decode_data (const char *data, gssize len, GError **error)
{
  int base_version = -1;
  ElSbarVersion *version = el_sbar_version_create_request_from_data (data, len, &base_version, error);

  if (version != NULL)
    g_object_set_data (G_OBJECT (version), "base-version", GINT_TO_POINTER (base_version));
  return G_OBJECT (version);
}

static GObject *
create_decode_node (JsonNode *node, GError **error)
{
  int base_version = -1;
  ElSbarVersion *version = el_sbar_version_create_request_from_json (node, &base_version, error);

  if (version != NULL)
    g_object_set_data (G_OBJECT (version), "base-version", GINT_TO_POINTER (base_version));
  return G_OBJECT (version);
}

static char *
create_encode_data (GObject *model, gsize *len)
{
  int base_version = GPOINTER_TO_INT (g_object_get_data (model, "base-version"));

  return el_sbar_version_create_request_to_data (EL_SBAR_VERSION (model), base_version, len);
}

static JsonNode *
create_encode_node (GObject *model)
{
  int base_version = GPOINTER_TO_INT (g_object_get_data (model, "base-version"));

  return el_sbar_version_create_request_to_json (EL_SBAR_VERSION (model), base_version);
}

static const Codec codecs[] = {
  { "User", el_user_decode_data, el_user_decode_node, el_user_encode_data, el_user_encode_node,
    el_user_check },
  { "Unit", el_unit_decode_data, el_unit_decode_node, el_unit_encode_data, el_unit_encode_node,
    el_unit_check },
  { "Patient", el_patient_decode_data, el_patient_decode_node, el_patient_encode_data, el_patient_encode_node,
    el_patient_check },
  { "Handoff", el_handoff_decode_data, el_handoff_decode_node, el_handoff_encode_data, el_handoff_encode_node,
    el_handoff_check },
  { "Recording", el_recording_decode_data, el_recording_decode_node, el_recording_encode_data,
    el_recording_encode_node, el_recording_check },
  { "SbarVersion", el_sbar_version_decode_data, el_sbar_version_decode_node, el_sbar_version_encode_data,
    el_sbar_version_encode_node, el_sbar_version_check },
  { "SbarVersionCreate", create_decode_data, create_decode_node, create_encode_data, create_encode_node,
    NULL },
};

G_GNUC_NORETURN static void
fail (const Codec *codec, const char *what, const char *first, const char *second)
{
  fprintf (stderr, "fuzz-models: %s: %s\n", codec->name, what);
  if (first != NULL)
    fprintf (stderr, "  first:  %s\n", first);
  if (second != NULL)
    fprintf (stderr, "  second: %s\n", second);
  abort ();
}

static void
check_codec (const Codec *codec, const char *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GObject) model = codec->decode_data (data, (gssize) size, &error);
  g_autoptr (GObject) again = NULL;
  g_autoptr (GObject) from_node = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *third = NULL;
  gsize first_len;

  if (model == NULL)
    {
      if (error == NULL || error->domain != EL_MODEL_ERROR || error->code > EL_MODEL_ERROR_TOO_LONG)
        fail (codec, "failed without an EL_MODEL_ERROR decode error", NULL, NULL);
      if (error->message == NULL || strstr (error->message, ": ") == NULL)
        fail (codec, "an error message without a path", error->message, NULL);
      return;
    }
  if (error != NULL)
    fail (codec, "returned a model and set an error", error->message, NULL);

  first = codec->encode_data (model, &first_len);
  if (first == NULL || strlen (first) != first_len)
    fail (codec, "bad encoder output length", first, NULL);

  again = codec->decode_data (first, (gssize) first_len, &error);
  if (again == NULL)
    fail (codec, "its own encoding does not decode", first, error->message);
  second = codec->encode_data (again, NULL);
  if (strcmp (first, second) != 0)
    fail (codec, "the round trip differs", first, second);

  node = codec->encode_node (model);
  from_node = codec->decode_node (node, &error);
  if (from_node == NULL)
    fail (codec, "its own JsonNode does not decode", first, error->message);
  third = codec->encode_data (from_node, NULL);
  if (strcmp (first, third) != 0)
    fail (codec, "the JsonNode round trip differs", first, third);

  if (codec->validate != NULL && !codec->validate (model, &error))
    fail (codec, "a decoded model does not validate", first, error->message);
}

static void
check_copies (const char *data, size_t size)
{
  g_autoptr (ElSbarVersion) version = el_sbar_version_new_from_data (data, (gssize) size, NULL);
  g_autoptr (ElSbarFields) copy = NULL;
  g_autoptr (ElSbarVersion) other = NULL;

  if (version == NULL)
    return;

  /* Deep copies and the setters of computed members keep everything equal. */
  copy = el_sbar_fields_copy (el_sbar_version_get_fields (version));
  if (!el_sbar_fields_equal (copy, el_sbar_version_get_fields (version)))
    fail (&codecs[5], "a copy of the fields differs", NULL, NULL);
  other = el_sbar_version_new ();
  el_sbar_version_take_fields (other, g_steal_pointer (&copy));
  if (!el_sbar_version_set_completeness_json (other, el_sbar_version_get_completeness_json (version), NULL) ||
      !el_sbar_version_set_changes_json (other, el_sbar_version_get_changes_json (version), NULL))
    fail (&codecs[5], "stored computed members are refused by their setters", NULL, NULL);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_always_fatal (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  for (guint i = 0; i < G_N_ELEMENTS (codecs); i++)
    check_codec (&codecs[i], (const char *) data, size);
  check_copies ((const char *) data, size);
  return 0;
}
