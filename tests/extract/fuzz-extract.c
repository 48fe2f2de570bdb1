/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "el-grounding.h"
#include "el-rules-extractor.h"
#include "el-spoken-normalize.h"

/*
 * libFuzzer harness: the input (made valid UTF-8 with g_utf8_make_valid(), at most 64 KiB) is a
 * transcript; it is normalised (tokens must be in order and inside the text), extracted by the rules
 * engine, and the result must be grounded (el_extraction_check_grounded()) and accepted by the
 * model's strict SbarFields decoder. Any failure aborts.
 */

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = NULL;
  g_autoptr (GArray) tokens = NULL;
  g_autoptr (ElTranscript) tr = NULL;
  g_autoptr (ElExtraction) ex = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) json = NULL;
  g_autoptr (ElSbarFields) decoded = NULL;
  gint64 length, prev = 0;

  if (size > 65536)
    return 0;
  text = g_utf8_make_valid ((const char *) data, (gssize) size);
  length = g_utf8_strlen (text, -1);
  tokens = el_spoken_normalize (text);
  for (guint i = 0; i < tokens->len; i++)
    {
      const ElSpokenToken *t = &g_array_index (tokens, ElSpokenToken, i);
      if (t->start < prev || t->end <= t->start || t->end > length)
        abort ();
      prev = t->end;
    }
  tr = el_transcript_new_from_text (text, "fuzz");
  ex = el_rules_extractor_extract (tr);
  if (!el_extraction_check_grounded (ex, tr, &error))
    {
      g_printerr ("not grounded: %s\n", error->message);
      abort ();
    }
  json = el_sbar_fields_to_json (el_extraction_get_fields (ex));
  decoded = el_sbar_fields_new_from_json (json, &error);
  if (decoded == NULL)
    {
      g_printerr ("rejected by the model: %s\n", error->message);
      abort ();
    }
  return 0;
}
