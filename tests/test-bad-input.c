/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "el-models.h"

#include <string.h>

/*
 * Every decoder must turn bad input into exactly the documented EL_MODEL_ERROR, never crash, leak
 * or warn (G_DEBUG=fatal-warnings), and never echo a value in its message.
 *
 * The stored corpus is tests/bad-input/<model>/<error-nick>--<what>.json: each file must give the
 * error whose nick starts its name (malformed, wrong-type, missing-field, out-of-range, too-long).
 * Values that stand for PHI contain the word SECRET, which no message may contain. Inputs too big
 * to store are generated below.
 */

typedef GObject *(*DecodeFunc) (const char *data, gssize len, GError **error);

static GObject *
decode_user (const char *data, gssize len, GError **error)
{
  return G_OBJECT (el_user_new_from_data (data, len, error));
}

static GObject *
decode_unit (const char *data, gssize len, GError **error)
{
  return G_OBJECT (el_unit_new_from_data (data, len, error));
}

static GObject *
decode_patient (const char *data, gssize len, GError **error)
{
  return G_OBJECT (el_patient_new_from_data (data, len, error));
}

static GObject *
decode_handoff (const char *data, gssize len, GError **error)
{
  return G_OBJECT (el_handoff_new_from_data (data, len, error));
}

static GObject *
decode_recording (const char *data, gssize len, GError **error)
{
  return G_OBJECT (el_recording_new_from_data (data, len, error));
}

static GObject *
decode_sbar_version (const char *data, gssize len, GError **error)
{
  return G_OBJECT (el_sbar_version_new_from_data (data, len, error));
}

static GObject *
decode_sbar_version_create (const char *data, gssize len, GError **error)
{
  int base_version;

  return G_OBJECT (el_sbar_version_create_request_from_data (data, len, &base_version, error));
}

typedef struct
{
  const char *folder;
  DecodeFunc decode;
} Model;

static const Model models[] = {
  { "user", decode_user },
  { "unit", decode_unit },
  { "patient", decode_patient },
  { "handoff", decode_handoff },
  { "recording", decode_recording },
  { "sbar-version", decode_sbar_version },
  { "sbar-version-create", decode_sbar_version_create },
};

static const char *const decode_error_nicks[] = {
  "malformed", "wrong-type", "missing-field", "out-of-range", "too-long", NULL,
};

/* "<folder>/<nick>" of every stored file: see test_coverage(). */
static GHashTable *stored_kinds;

static char *
corpus_dir (void)
{
  const char *srcdir = g_getenv ("G_TEST_SRCDIR");

  if (srcdir == NULL)
    g_error ("G_TEST_SRCDIR is not set: run this test through `meson test` (tests/meson.build sets it)");
  return g_build_filename (srcdir, "bad-input", NULL);
}

static void
assert_error (const Model *model, const char *data, gssize len, const char *nick, const char *what)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (EL_TYPE_MODEL_ERROR);
  GEnumValue *expected = g_enum_get_value_by_nick (klass, nick);
  g_autoptr (GError) error = NULL;
  g_autoptr (GObject) object = NULL;

  if (expected == NULL)
    g_error ("%s: \"%s\" is not an ElModelError nick", what, nick);

  object = model->decode (data, len, &error);
  if (object != NULL)
    g_error ("%s: accepted, expected %s", what, nick);
  g_assert_nonnull (error);
  if (error->domain != EL_MODEL_ERROR || error->code != expected->value)
    {
      GEnumValue *got = error->domain == EL_MODEL_ERROR ? g_enum_get_value (klass, error->code) : NULL;

      g_error ("%s: expected %s, got %s (%s)", what, nick, got != NULL ? got->value_nick : "another domain",
               error->message);
    }
  if (strstr (error->message, "SECRET") != NULL)
    g_error ("%s: the message shows a value: %s", what, error->message);
  g_assert_nonnull (strstr (error->message, ": "));
  if (g_test_verbose ())
    g_test_message ("%s: %s", what, error->message);
}

static void
test_corpus_file (gconstpointer data)
{
  const char *path = data;
  g_autofree char *dirname = g_path_get_dirname (path);
  g_autofree char *folder = g_path_get_basename (dirname);
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *contents = NULL;
  g_autofree char *nick = NULL;
  g_autoptr (GError) error = NULL;
  const Model *model = NULL;
  const char *dash;
  gsize len;

  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    if (g_str_equal (models[i].folder, folder))
      model = &models[i];
  if (model == NULL)
    g_error ("%s: no decoder for folder %s", path, folder);

  dash = strstr (name, "--");
  if (dash == NULL || !g_str_has_suffix (name, ".json"))
    g_error ("%s: the name must be <error-nick>--<what>.json", path);
  nick = g_strndup (name, (gsize) (dash - name));
  if (!g_strv_contains (decode_error_nicks, nick))
    g_error ("%s: \"%s\" is not a decoder error nick", path, nick);

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  assert_error (model, contents, (gssize) len, nick, path);

  /* No other decoder may crash on it either. */
  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    {
      g_autoptr (GError) other_error = NULL;
      g_autoptr (GObject) object = models[i].decode (contents, (gssize) len, &other_error);

      g_assert_true ((object == NULL) != (other_error == NULL));
    }
}

/* Generated inputs */

static char *
minimal_user (const char *name)
{
  return g_strdup_printf (
      "{\"id\":\"3f0c1b6e-8d2a-4c1e-9b7a-2e5d4f6a8b90\",\"email\":\"a@b\",\"name\":\"%s\","
      "\"role\":\"nurse\"}",
      name);
}

static char *
version_with (const char *member, const char *json_value)
{
  return g_strdup_printf (
      "{\"id\":\"0b7f3f0e-5a0c-4a8e-9d43-1c2f7c7f9e01\","
      "\"handoff_id\":\"c0ffee00-1234-4abc-9def-0123456789ab\",\"version\":1,"
      "\"previous_version_id\":null,\"author_id\":\"3f0c1b6e-8d2a-4c1e-9b7a-2e5d4f6a8b90\","
      "\"source\":\"ai\",\"created_at\":\"2026-11-25T07:02:00Z\",\"fields\":{},\"%s\":%s}",
      member, json_value);
}

/* @unit repeated to fill @n_bytes (a multiple of its length). */
static char *
repeat (gsize n_bytes, const char *unit)
{
  GString *str = g_string_sized_new (n_bytes + 1);
  gsize unit_len = strlen (unit);

  for (gsize i = 0; i + unit_len <= n_bytes; i += unit_len)
    g_string_append (str, unit);
  return g_string_free (str, FALSE);
}

/* The same as a JSON string. */
static char *
quoted (gsize n_bytes, const char *unit)
{
  g_autofree char *text = repeat (n_bytes, unit);

  return g_strdup_printf ("\"%s\"", text);
}

static void
assert_accepts (const Model *model, const char *data, const char *what)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GObject) object = model->decode (data, -1, &error);

  if (object == NULL)
    g_error ("%s: rejected: %s", what, error->message);
}

static void
test_string_limits (void)
{
  const Model *user = &models[0];
  const Model *version = &models[5];
  g_autofree char *s256 = repeat (256, "n");
  g_autofree char *s257 = repeat (257, "n");
  g_autofree char *utf8_256 = repeat (256, "\xc3\xa9");
  g_autofree char *utf8_258 = repeat (258, "\xc3\xa9");
  g_autofree char *t16384 = quoted (16384, "w");
  g_autofree char *t16385 = quoted (16385, "w");
  g_autofree char *t20k = quoted (20000, "word ");
  g_autofree char *email254 = NULL;
  g_autofree char *email255 = NULL;
  char *doc;

  /* Short strings: 256 bytes, counted in bytes (128 two-byte characters fit, 129 do not). */
  doc = minimal_user (s256);
  assert_accepts (user, doc, "name of 256 bytes");
  g_free (doc);
  doc = minimal_user (s257);
  assert_error (user, doc, -1, "too-long", "name of 257 bytes");
  g_free (doc);
  doc = minimal_user (utf8_256);
  assert_accepts (user, doc, "name of 128 two-byte characters");
  g_free (doc);
  doc = minimal_user (utf8_258);
  assert_error (user, doc, -1, "too-long", "name of 129 two-byte characters");
  g_free (doc);

  /* E-mail: 254 bytes. */
  email254 =
      g_strdup_printf ("{\"id\":\"3f0c1b6e-8d2a-4c1e-9b7a-2e5d4f6a8b90\",\"email\":\"%0*d@b\",\"name\":\"n\","
                       "\"role\":\"nurse\"}",
                       252, 0);
  assert_accepts (user, email254, "email of 254 bytes");
  email255 =
      g_strdup_printf ("{\"id\":\"3f0c1b6e-8d2a-4c1e-9b7a-2e5d4f6a8b90\",\"email\":\"%0*d@b\",\"name\":\"n\","
                       "\"role\":\"nurse\"}",
                       253, 0);
  assert_error (user, email255, -1, "too-long", "email of 255 bytes");

  /* Sections: 16384 bytes. */
  doc = version_with ("situation", t16384);
  assert_accepts (version, doc, "section of 16384 bytes");
  g_free (doc);
  doc = version_with ("situation", t16385);
  assert_error (version, doc, -1, "too-long", "section of 16385 bytes");
  g_free (doc);
  doc = version_with ("recommendation", t20k);
  assert_error (version, doc, -1, "too-long", "too-long--section-20k");
  g_free (doc);
}

static void
test_document_limit (void)
{
  g_autofree char *padding = quoted (EL_MODEL_MAX_DOCUMENT_BYTES, "x");
  g_autofree char *big = NULL;
  g_autofree char *fits = NULL;
  gsize overhead;

  /* An unknown member makes the document just over 1 MiB: refused before parsing. */
  big = g_strdup_printf ("{\"padding\":%s}", padding);
  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    {
      g_autofree char *what = g_strdup_printf ("%s: document of %zu bytes", models[i].folder, strlen (big));

      assert_error (&models[i], big, -1, "too-long", what);
      assert_error (&models[i], big, (gssize) strlen (big), "too-long", what);
    }

  /* Exactly 1 MiB is allowed. */
  fits = minimal_user ("n");
  overhead = strlen (fits) + strlen (",\"padding\":\"\"");
  g_free (padding);
  padding = quoted (EL_MODEL_MAX_DOCUMENT_BYTES - overhead, "x");
  g_free (fits);
  fits = g_strdup_printf ("{\"padding\":%s,\"id\":\"3f0c1b6e-8d2a-4c1e-9b7a-2e5d4f6a8b90\",\"email\":\"a@b\","
                          "\"name\":\"n\",\"role\":\"nurse\"}",
                          padding);
  g_assert_cmpuint (strlen (fits), ==, EL_MODEL_MAX_DOCUMENT_BYTES);
  assert_accepts (&models[0], fits, "document of exactly 1 MiB");
}

static void
test_transcript_and_words (void)
{
  const Model *recording = &models[4];
  const char *head = "{\"id\":\"d15ea5e0-8bad-4f00-b00b-facefeed0001\","
                     "\"handoff_id\":\"c0ffee00-1234-4abc-9def-0123456789ab\",\"status\":\"completed\","
                     "\"mime_type\":\"audio/ogg\",\"created_at\":\"2026-11-25T07:00:00Z\","
                     "\"updated_at\":\"2026-11-25T07:00:00Z\"";
  g_autofree char *t_max = quoted (EL_MODEL_MAX_TRANSCRIPT_BYTES, "a");
  g_autofree char *t_over = quoted (EL_MODEL_MAX_TRANSCRIPT_BYTES + 1, "a");
  g_autofree char *doc_max = g_strdup_printf ("%s,\"transcript\":%s}", head, t_max);
  g_autofree char *doc_over = g_strdup_printf ("%s,\"transcript\":%s}", head, t_over);

  assert_accepts (recording, doc_max, "transcript of 262144 bytes");
  assert_error (recording, doc_over, -1, "too-long", "transcript of 262145 bytes");

  /* 20000 words fit (built as a JsonNode: as text they would pass 1 MiB), 20001 do not. */
  for (guint n = EL_MODEL_MAX_WORDS; n <= EL_MODEL_MAX_WORDS + 1; n++)
    {
      g_autofree char *doc = g_strdup_printf ("%s,\"words\":[]}", head);
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autoptr (ElRecording) decoded = NULL;
      g_autoptr (GError) error = NULL;
      JsonArray *words;

      g_assert_true (json_parser_load_from_data (parser, doc, -1, NULL));
      words = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "words");
      for (guint i = 0; i < n; i++)
        {
          JsonObject *word = json_object_new ();

          json_object_set_string_member (word, "word", "a");
          json_object_set_int_member (word, "start_ms", i);
          json_object_set_int_member (word, "end_ms", i + 1);
          json_object_set_double_member (word, "confidence", 0.5);
          json_array_add_object_element (words, word);
        }
      decoded = el_recording_new_from_json (json_parser_get_root (parser), &error);
      if (n == EL_MODEL_MAX_WORDS)
        {
          g_assert_no_error (error);
          g_assert_cmpuint (el_recording_get_words (decoded)->len, ==, n);
        }
      else
        {
          g_assert_error (error, EL_MODEL_ERROR, EL_MODEL_ERROR_TOO_LONG);
          g_assert_cmpstr (error->message, ==, "words: more than 20000 items");
        }
    }
}

static void
test_deep_nesting (void)
{
  /* json-glib recurses without limit: 100000 levels would overflow its stack. */
  for (guint depth = 33; depth <= 100000; depth *= 10)
    {
      GString *doc = g_string_new (NULL);

      for (guint i = 0; i < depth; i++)
        g_string_append (doc, i % 2 == 0 ? "[" : "{\"a\":");
      for (guint i = depth; i > 0; i--)
        g_string_append (doc, (i - 1) % 2 == 0 ? "]" : "}");
      for (guint i = 0; i < G_N_ELEMENTS (models); i++)
        {
          g_autofree char *what = g_strdup_printf ("%s: %u levels", models[i].folder, depth);

          assert_error (&models[i], doc->str, (gssize) doc->len, "too-long", what);
        }
      g_string_free (doc, TRUE);
    }

  /* 32 levels are allowed (an unknown member of the root object nests 31 more). */
  {
    GString *doc =
        g_string_new ("{\"id\":\"3f0c1b6e-8d2a-4c1e-9b7a-2e5d4f6a8b90\",\"email\":\"a@b\",\"name\":\"n\","
                      "\"role\":\"nurse\",\"x\":");

    for (guint i = 0; i < 31; i++)
      g_string_append_c (doc, '[');
    for (guint i = 0; i < 31; i++)
      g_string_append_c (doc, ']');
    g_string_append_c (doc, '}');
    assert_accepts (&models[0], doc->str, "32 levels");
    g_string_free (doc, TRUE);
  }
}

static void
test_arrays (void)
{
  GString *items = g_string_new (NULL);
  g_autofree char *doc = NULL;

  for (guint i = 0; i < EL_MODEL_MAX_ARRAY_ITEMS; i++)
    g_string_append_printf (items, "%s{\"description\":\"i%u\"}", i > 0 ? "," : "", i);
  doc = g_strdup_printf ("{\"base_version\":0,\"source\":\"nurse\",\"fields\":{\"infusions\":[%s]}}",
                         items->str);
  assert_accepts (&models[6], doc, "200 infusions");
  g_free (doc);
  g_string_append (items, ",{\"description\":\"one too many\"}");
  doc = g_strdup_printf ("{\"base_version\":0,\"source\":\"nurse\",\"fields\":{\"infusions\":[%s]}}",
                         items->str);
  assert_error (&models[6], doc, -1, "too-long", "201 infusions");
  g_string_free (items, TRUE);
}

static void
test_raw_bytes (void)
{
  static const char with_nul[] =
      "{\"id\":\"3f0c1b6e-8d2a-4c1e-9b7a-2e5d4f6a8b90\",\"email\":\"a@b\",\"name\":\"a\0b\","
      "\"role\":\"nurse\"}";

  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GObject) object = models[i].decode (NULL, -1, &error);

      g_assert_null (object);
      g_assert_error (error, EL_MODEL_ERROR, EL_MODEL_ERROR_MALFORMED);
      assert_error (&models[i], "", 0, "malformed", "empty input");
      assert_error (&models[i], "{}", 1, "malformed", "input cut by its length");
      assert_error (&models[i], with_nul, sizeof with_nul - 1, "malformed", "NUL byte within the length");
      assert_error (&models[i], "\xff", 1, "malformed", "a lone 0xff byte");
    }

  /* With len = -1 the text ends at the NUL: here that cuts the document. */
  assert_error (&models[0], with_nul, -1, "malformed", "NUL ends the text");
}

/* Each model's stored corpus covers every decoder error kind (each file's own test checks that
 * it really gives the error its name says). */
static void
test_coverage (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    for (guint k = 0; decode_error_nicks[k] != NULL; k++)
      {
        g_autofree char *key = g_strdup_printf ("%s/%s", models[i].folder, decode_error_nicks[k]);

        if (!g_hash_table_contains (stored_kinds, key))
          g_error ("no stored bad input of %s gives %s", models[i].folder, decode_error_nicks[k]);
      }
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

int
main (int argc, char *argv[])
{
  g_autofree char *dir = NULL;
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  guint n_files = 0;

  g_test_init (&argc, &argv, NULL);
  stored_kinds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  dir = corpus_dir ();
  for (guint i = 0; i < G_N_ELEMENTS (models); i++)
    {
      g_autofree char *folder = g_build_filename (dir, models[i].folder, NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (GDir) gdir = g_dir_open (folder, 0, &error);
      g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      if (gdir == NULL)
        g_error ("the bad-input corpus is missing: %s", error->message);
      while ((name = g_dir_read_name (gdir)) != NULL)
        g_ptr_array_add (names, g_strdup (name));
      g_ptr_array_sort (names, compare_names);
      for (guint k = 0; k < names->len; k++)
        {
          const char *file = names->pdata[k];
          const char *dash = strstr (file, "--");
          char *path = g_build_filename (folder, file, NULL);
          g_autofree char *test_path = g_strdup_printf ("/el/models/bad-input/%s/%s", models[i].folder, file);

          if (dash != NULL)
            g_hash_table_add (stored_kinds,
                              g_strdup_printf ("%s/%.*s", models[i].folder, (int) (dash - file), file));
          g_ptr_array_add (paths, path);
          g_test_add_data_func (test_path, path, test_corpus_file);
          n_files++;
        }
    }
  if (n_files < 60)
    g_error ("the bad-input corpus has %u files, expected at least 60", n_files);

  g_test_add_func ("/el/models/bad-input/generated/string-limits", test_string_limits);
  g_test_add_func ("/el/models/bad-input/generated/document-limit", test_document_limit);
  g_test_add_func ("/el/models/bad-input/generated/transcript-and-words", test_transcript_and_words);
  g_test_add_func ("/el/models/bad-input/generated/deep-nesting", test_deep_nesting);
  g_test_add_func ("/el/models/bad-input/generated/arrays", test_arrays);
  g_test_add_func ("/el/models/bad-input/generated/raw-bytes", test_raw_bytes);
  g_test_add_func ("/el/models/bad-input/coverage", test_coverage);

  {
    int status = g_test_run ();

    g_hash_table_unref (stored_kinds);
    return status;
  }
}
