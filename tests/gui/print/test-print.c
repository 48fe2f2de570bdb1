/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The printed shift report on a real eclipselink-server (demo hospital) and a real signed-in
 * ElContext: a GtkPrintOperation export to PDF read back with poppler's pdftotext and pdfinfo (one
 * patient, the whole unit, a situation long enough to flow onto a second page), and the page
 * renderer of the print preview into a cairo image.
 */
#include "config.h"

#include "el-gui-labels.h"
#include "el-gui-test.h"
#include "el-shift-report.h"

static ElTestServer *shared_server;

/* Helpers --------------------------------------------------------------------------------------- */

/* Fails the test (no skip) when poppler-utils is missing. */
static gboolean
require_poppler (void)
{
  g_autofree char *pdftotext = g_find_program_in_path ("pdftotext");
  g_autofree char *pdfinfo = g_find_program_in_path ("pdfinfo");

  if (pdftotext != NULL && pdfinfo != NULL)
    return TRUE;
  g_test_fail_printf ("pdftotext and pdfinfo are needed to read the exported PDF: install poppler-utils "
                      "(it is in .ci/install-deps)");
  return FALSE;
}

static char *
run_tool (const char *const *argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
  return out;
}

static char *
pdf_text (const char *path)
{
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", path, "-", NULL };

  return run_tool (argv);
}

static guint
pdf_pages (const char *path)
{
  const char *argv[] = { "pdfinfo", path, NULL };
  g_autofree char *out = run_tool (argv);
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "Pages:"))
      return (guint) g_ascii_strtoull (lines[i] + strlen ("Pages:"), NULL, 10);
  g_error ("pdfinfo printed no page count");
  return 0;
}

/* Whitespace (line breaks of the wrapped text) collapsed to single spaces. */
static char *
normalize (const char *text)
{
  GString *out = g_string_new (NULL);
  gboolean space = FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        space = TRUE;
      else
        {
          if (space && out->len > 0)
            g_string_append_c (out, ' ');
          space = FALSE;
          g_string_append_c (out, *p);
        }
    }
  return g_string_free (out, FALSE);
}

/* The body text of the pages: header, continuation and footer lines removed, then normalized. */
static char *
body_text (const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  GString *kept = g_string_new (NULL);
  g_autofree char *joined = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (strstr (line, "(4W)") != NULL || strstr (line, "Shift report printed by") != NULL ||
          strstr (line, "(continued)") != NULL || strstr (line, "Confidential") != NULL ||
          (g_str_has_prefix (g_strchug (lines[i]), "Page ") && strstr (line, " of ") != NULL))
        continue;
      g_string_append (kept, line);
      g_string_append_c (kept, '\n');
    }
  joined = g_string_free (kept, FALSE);
  return normalize (joined);
}

/* The first @n words of @text. */
static char *
first_words (const char *text, guint n)
{
  g_autofree char *norm = normalize (text);
  g_auto (GStrv) words = g_strsplit (norm, " ", -1);

  if (g_strv_length (words) > n)
    {
      g_free (words[n]);
      words[n] = NULL;
    }
  return g_strjoinv (" ", words);
}

static void
assert_contains (const char *haystack, const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("the PDF text does not hold “%s”", needle);
}

static GPtrArray *
census (ElContext *ctx)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  ElStore *store = el_context_get_store (ctx);
  GPtrArray *entries;

  el_store_census_async (store, el_user_get_unit_id (el_context_get_user (ctx)), NULL, el_test_result_cb,
                         &result);
  entries = el_store_census_finish (store, el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, >, 3);
  return entries;
}

static ElStoreSbar *
store_latest (ElContext *ctx, const char *handoff_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  ElStore *store = el_context_get_store (ctx);
  ElStoreSbar *sbar;

  el_store_get_sbar_async (store, handoff_id, 0, NULL, el_test_result_cb, &result);
  sbar = el_store_get_sbar_finish (store, el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  return sbar;
}

/* The first census entry with a handoff and an SBAR version. */
static ElStoreCensusEntry *
entry_with_sbar (GPtrArray *entries)
{
  for (guint i = 0; i < entries->len; i++)
    {
      ElStoreCensusEntry *entry = g_ptr_array_index (entries, i);

      if (entry->handoff != NULL && entry->sbar_version >= 1)
        return entry;
    }
  g_error ("no patient of the demo unit has an SBAR report");
  return NULL;
}

/* The last census entry with a handoff and an SBAR version (the test that changes it on the server
 * uses this one; the others use the first). */
static ElStoreCensusEntry *
last_entry_with_sbar (GPtrArray *entries)
{
  for (guint i = entries->len; i > 0; i--)
    {
      ElStoreCensusEntry *entry = g_ptr_array_index (entries, i - 1);

      if (entry->handoff != NULL && entry->sbar_version >= 1)
        return entry;
    }
  g_error ("no patient of the demo unit has an SBAR report");
  return NULL;
}

static void
export_pdf (ElContext *ctx, GtkWindow *parent, const char *patient_id, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;

  el_shift_report_print_async (ctx, parent, el_user_get_unit_id (el_context_get_user (ctx)), patient_id,
                               GTK_PRINT_OPERATION_ACTION_EXPORT, path, NULL, el_test_result_cb, &result);
  g_assert_true (el_shift_report_print_finish (el_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

static ElShiftReport *
load (ElContext *ctx, const char *patient_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  ElShiftReport *report;

  el_shift_report_load_async (ctx, el_user_get_unit_id (el_context_get_user (ctx)), patient_id,
                              EL_SHIFT_PATTERN_TWELVE_HOUR, NULL, el_test_result_cb, &result);
  report = el_shift_report_load_finish (el_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

static const char *
code_status_words (ElPatient *patient, ElStoreSbar *sbar)
{
  ElSbarCodeStatus *code = el_sbar_fields_get_code_status (el_sbar_version_get_fields (sbar->version));

  if (el_patient_has_code_status (patient))
    return el_gui_code_status_label (el_patient_get_code_status (patient));
  g_assert_nonnull (code);
  return el_gui_code_status_label (code->value);
}

/* Tests ----------------------------------------------------------------------------------------- */

static void
test_export_patient (void)
{
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (shared_server, EL_TEST_DEMO_NURSE_A, &data_dir);
  g_autoptr (GPtrArray) entries = census (ctx);
  ElStoreCensusEntry *entry = entry_with_sbar (entries);
  g_autoptr (ElStoreSbar) sbar = store_latest (ctx, el_handoff_get_id (entry->handoff));
  g_autofree char *dir = el_test_make_dir ("el-print-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "one patient.pdf", NULL);
  GtkWidget *content = gtk_label_new ("Ward");
  GtkWindow *window = el_gui_test_window_new (content);
  g_autofree char *text = NULL;
  g_autofree char *body = NULL;

  if (!require_poppler ())
    return;

  export_pdf (ctx, window, el_patient_get_id (entry->patient), path);
  text = pdf_text (path);
  body = body_text (text);

  assert_contains (text, el_patient_get_family_name (entry->patient));
  assert_contains (text, el_patient_get_given_name (entry->patient));
  assert_contains (text, el_patient_get_mrn (entry->patient));
  for (ElSbarSection s = EL_SBAR_SECTION_SITUATION; s <= EL_SBAR_SECTION_RECOMMENDATION; s++)
    {
      const char *section = el_sbar_version_get_section (sbar->version, s);
      g_autofree char *words = NULL;

      assert_contains (text, el_gui_section_label (s));
      g_assert_nonnull (section);
      words = first_words (section, 8);
      assert_contains (body, words);
    }
  assert_contains (text, "Situation");
  assert_contains (text, "Background");
  assert_contains (text, "Assessment");
  assert_contains (text, "Recommendation");
  assert_contains (text, code_status_words (entry->patient, sbar));
  assert_contains (text, "Code status");
  assert_contains (text, "Allergies");
  assert_contains (text, "Page 1 of");
  assert_contains (text, "Confidential — contains patient information");
  assert_contains (text, "4 West Medical-Surgical (4W)");
  assert_contains (text, el_user_get_name (el_context_get_user (ctx)));
  {
    g_autofree char *version = g_strdup_printf ("Version %d", el_sbar_version_get_version (sbar->version));
    assert_contains (text, version);
  }
  assert_contains (text, "Completeness");
  assert_contains (text, "Vital signs");
  /* The list fields, each item as the report words it: at least one of them is filled in */
  {
    ElSbarFields *fields = el_sbar_version_get_fields (sbar->version);
    GPtrArray *contingencies = el_sbar_fields_get_contingencies (fields);
    GPtrArray *todos = el_sbar_fields_get_todos (fields);
    GPtrArray *pending = el_sbar_fields_get_pending (fields);
    guint checked = 0;

    for (guint i = 0; contingencies != NULL && i < contingencies->len; i++, checked++)
      {
        ElSbarContingency *c = g_ptr_array_index (contingencies, i);
        g_autofree char *words = g_strdup_printf ("if %s, then", c->condition);
        g_autofree char *start = first_words (words, 6);

        assert_contains (body, start);
      }
    for (guint i = 0; todos != NULL && i < todos->len; i++, checked++)
      {
        g_autofree char *start = first_words (((ElSbarTodo *) g_ptr_array_index (todos, i))->description, 6);

        assert_contains (body, start);
      }
    for (guint i = 0; pending != NULL && i < pending->len; i++, checked++)
      {
        ElSbarPending *item = g_ptr_array_index (pending, i);
        g_autofree char *start = first_words (item->description, 6);

        assert_contains (body, start);
      }
    g_test_message ("%u list items checked on the printed report", checked);
    g_assert_cmpuint (checked, >, 0);
  }
  /* One patient only: nobody else's name. */
  for (guint i = 0; i < entries->len; i++)
    {
      ElStoreCensusEntry *other = g_ptr_array_index (entries, i);

      if (other != entry && g_strcmp0 (el_patient_get_family_name (other->patient),
                                       el_patient_get_family_name (entry->patient)) != 0)
        g_assert_null (strstr (text, el_patient_get_mrn (other->patient)));
    }
  g_assert_cmpuint (pdf_pages (path), >=, 1);

  el_gui_test_assert_accessible (GTK_WIDGET (window));
  el_gui_test_destroy (window, G_OBJECT (content));
  el_test_remove_tree (dir);
  el_gui_test_close_context (ctx, data_dir);
}

static void
test_export_unit (void)
{
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (shared_server, EL_TEST_DEMO_CHARGE, &data_dir);
  g_autoptr (GPtrArray) entries = census (ctx);
  g_autofree char *dir = el_test_make_dir ("el-print-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "unit.pdf", NULL);
  g_autofree char *text = NULL;
  g_auto (GStrv) pages = NULL;
  guint n_pages;
  guint previous_page = 0;

  if (!require_poppler ())
    return;

  export_pdf (ctx, NULL, NULL, path);
  text = pdf_text (path);
  n_pages = pdf_pages (path);
  g_assert_cmpuint (n_pages, >=, entries->len);

  /* pdftotext ends each page with a form feed. */
  pages = g_strsplit (text, "\f", -1);
  g_assert_cmpuint (g_strv_length (pages), >=, n_pages);
  {
    g_autofree char *last = g_strdup_printf ("Page %u of %u", n_pages, n_pages);
    assert_contains (pages[n_pages - 1], last);
  }

  /* Every patient has a page of her own, in census (room) order. */
  for (guint i = 0; i < entries->len; i++)
    {
      ElStoreCensusEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *name = g_strdup_printf ("%s, %s", el_patient_get_family_name (entry->patient),
                                               el_patient_get_given_name (entry->patient));
      guint found = G_MAXUINT;

      for (guint p = previous_page; p < n_pages && found == G_MAXUINT; p++)
        if (strstr (pages[p], el_patient_get_mrn (entry->patient)) != NULL && strstr (pages[p], name) != NULL)
          found = p;
      if (found == G_MAXUINT)
        g_error ("patient %u of the census has no page of her own after page %u", i, previous_page + 1);
      g_assert_true (i == 0 || found > previous_page);
      previous_page = found;
    }

  el_test_remove_tree (dir);
  el_gui_test_close_context (ctx, data_dir);
}

static void
test_long_situation (void)
{
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (shared_server, EL_TEST_DEMO_NURSE_A, &data_dir);
  g_autoptr (GPtrArray) entries = census (ctx);
  ElStoreCensusEntry *entry = entry_with_sbar (entries);
  g_autoptr (ElStoreSbar) latest = store_latest (ctx, el_handoff_get_id (entry->handoff));
  g_autoptr (ElSbarVersion) content = el_sbar_version_new ();
  g_autoptr (GString) situation = g_string_new (NULL);
  g_autoptr (GPtrArray) sentences = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *dir = el_test_make_dir ("el-print-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "long.pdf", NULL);
  g_autofree char *text = NULL;
  g_autofree char *body = NULL;
  g_autofree char *after_first_page = NULL;
  g_autoptr (ElStoreSbar) saved = NULL;
  const char *last_sentence =
      "Last of all, the daughter asks for a call before the evening medication round.";
  char *ff;

  if (!require_poppler ())
    return;

  /* About 6,000 characters of distinct sentences, then a last one to find. */
  for (guint i = 1; situation->len < 5900; i++)
    {
      char *sentence = g_strdup_printf ("Note %u: the patient rested, vitals were checked and the plan for "
                                        "item %u was reviewed with the team.",
                                        i, i);

      g_string_append_printf (situation, "%s ", sentence);
      g_ptr_array_add (sentences, sentence);
    }
  g_string_append (situation, last_sentence);
  g_assert_cmpuint (situation->len, >=, 6000);

  el_sbar_version_set_source (content, EL_SBAR_SOURCE_NURSE);
  el_sbar_version_set_author_id (content, el_user_get_id (el_context_get_user (ctx)));
  el_sbar_version_set_author_name (content, el_user_get_name (el_context_get_user (ctx)));
  el_sbar_version_set_situation (content, situation->str);
  el_sbar_version_set_background (content, el_sbar_version_get_background (latest->version));
  el_sbar_version_set_assessment (content, el_sbar_version_get_assessment (latest->version));
  el_sbar_version_set_recommendation (content, el_sbar_version_get_recommendation (latest->version));
  el_sbar_version_set_fields (content, el_sbar_version_get_fields (latest->version));
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GAsyncResult) result = NULL;
    g_autofree char *op_id = NULL;
    ElStore *store = el_context_get_store (ctx);

    el_store_save_sbar_draft_async (store, el_handoff_get_id (entry->handoff),
                                    el_sbar_version_get_version (latest->version), content, NULL,
                                    el_test_result_cb, &result);
    op_id = el_store_save_sbar_draft_finish (store, el_test_wait_for (&result), &error);
    g_assert_no_error (error);
    g_assert_nonnull (op_id);
  }
  saved = store_latest (ctx, el_handoff_get_id (entry->handoff));
  g_assert_cmpstr (el_sbar_version_get_situation (saved->version), ==, situation->str);

  export_pdf (ctx, NULL, el_patient_get_id (entry->patient), path);
  text = pdf_text (path);
  body = body_text (text);

  g_assert_cmpuint (pdf_pages (path), >=, 2);
  assert_contains (text, "Page 2 of");
  /* Never cut: every sentence is there, and the last one on a later page than the first. */
  for (guint i = 0; i < sentences->len; i++)
    assert_contains (body, g_ptr_array_index (sentences, i));
  assert_contains (body, last_sentence);
  ff = strchr (text, '\f');
  g_assert_nonnull (ff);
  after_first_page = body_text (ff + 1);
  assert_contains (after_first_page, last_sentence);
  /* Later pages name the patient too. */
  assert_contains (ff + 1, el_patient_get_family_name (entry->patient));
  assert_contains (ff + 1, "(continued)");
  /* The other sections follow the long one. */
  assert_contains (after_first_page, "Recommendation");
  {
    g_autofree char *version = g_strdup_printf ("Version %d", el_sbar_version_get_version (saved->version));
    assert_contains (text, version);
  }

  el_test_remove_tree (dir);
  el_gui_test_close_context (ctx, data_dir);
}

static void
test_signed_acknowledged (void)
{
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (shared_server, EL_TEST_DEMO_NURSE_A, &data_dir);
  g_autoptr (GPtrArray) entries = census (ctx);
  ElStoreCensusEntry *entry = last_entry_with_sbar (entries);
  g_autofree char *patient_id = g_strdup (el_patient_get_id (entry->patient));
  g_autofree char *handoff_id = g_strdup (el_handoff_get_id (entry->handoff));
  int version = entry->sbar_version;
  g_autoptr (ElTestApi) api = el_test_api_new (shared_server);
  const ElTestLogin *nurse = el_test_api_login (api, EL_TEST_DEMO_NURSE_A, EL_GUI_TEST_PASSWORD);
  const ElTestLogin *charge = el_test_api_login (api, EL_TEST_DEMO_CHARGE, EL_GUI_TEST_PASSWORD);
  g_autofree char *sign_path = el_test_handoff_path (handoff_id, "/sign");
  g_autofree char *ack_path = el_test_handoff_path (handoff_id, "/acknowledge");
  g_autofree char *sign_body =
      g_strdup_printf ("{\"version\": %d, \"password\": \"%s\"}", version, EL_GUI_TEST_PASSWORD);
  g_autofree char *ack_body = g_strdup_printf (
      "{\"version\": %d, \"readback_confirmed\": true, \"readback_note\": \"Read back the oxygen plan.\"}",
      version);
  g_autofree char *dir = el_test_make_dir ("el-print-XXXXXX");
  g_autofree char *signed_path = g_build_filename (dir, "signed.pdf", NULL);
  g_autofree char *ack_path_pdf = g_build_filename (dir, "acknowledged.pdf", NULL);
  g_autofree char *text = NULL;
  g_autofree char *by = g_strdup_printf ("by %s", el_user_get_name (el_context_get_user (ctx)));

  if (!require_poppler ())
    return;

  /* Before: not signed. */
  {
    g_autofree char *before = g_build_filename (dir, "before.pdf", NULL);
    export_pdf (ctx, NULL, patient_id, before);
    text = pdf_text (before);
    assert_contains (text, "Not signed");
    g_clear_pointer (&text, g_free);
  }

  /* Signed by the outgoing nurse (this context's user: her name is printed). */
  {
    g_autoptr (ElTestResponse) resp =
        el_test_api_call (api, "POST", sign_path, nurse, sign_body, EL_TEST_END);
    g_assert_cmpuint (resp->status, ==, 200);
  }
  el_gui_test_sync (ctx);
  export_pdf (ctx, NULL, patient_id, signed_path);
  text = pdf_text (signed_path);
  assert_contains (text, "Handoff: Signed");
  assert_contains (text, "Signed:");
  assert_contains (text, by);
  assert_contains (text, "Not yet acknowledged");
  g_assert_null (strstr (text, "Not signed"));
  g_clear_pointer (&text, g_free);

  /* Acknowledged with read-back by the receiving nurse, with her note. */
  {
    g_autoptr (ElTestResponse) resp = el_test_api_call (api, "POST", ack_path, charge, ack_body, EL_TEST_END);
    g_assert_cmpuint (resp->status, ==, 200);
  }
  el_gui_test_sync (ctx);
  export_pdf (ctx, NULL, patient_id, ack_path_pdf);
  text = pdf_text (ack_path_pdf);
  assert_contains (text, "Handoff: Acknowledged");
  assert_contains (text, "Acknowledged with read-back:");
  assert_contains (text, "Read-back note: Read back the oxygen plan.");
  g_assert_null (strstr (text, "Not yet acknowledged"));

  el_test_remove_tree (dir);
  el_gui_test_close_context (ctx, data_dir);
}

/* The file chooser's dialog (GtkFileChooserNative falls back to a GtkFileChooserDialog without the
 * portal), or NULL while it is not shown. */
static GtkWidget *
find_chooser (void)
{
  GListModel *toplevels = gtk_window_get_toplevels (); /* (transfer none) */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER (window) && gtk_widget_get_visible (window))
        return window;
    }
  return NULL;
}

static void
test_export_dialog (void)
{
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (shared_server, EL_TEST_DEMO_NURSE_A, &data_dir);
  g_autofree char *dir = el_test_make_dir ("el-print-XXXXXX");
  GtkWidget *content = gtk_label_new ("Ward");
  GtkWindow *window = el_gui_test_window_new (content);
  const char *unit_id = el_user_get_unit_id (el_context_get_user (ctx));
  GtkWidget *chooser;
  g_autofree char *current = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *text = NULL;

  if (!require_poppler ())
    return;

  /* Cancelled: nothing written, G_IO_ERROR_CANCELLED. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GAsyncResult) result = NULL;

    el_shift_report_export_pdf_dialog_async (ctx, window, unit_id, NULL, NULL, el_test_result_cb, &result);
    EL_GUI_WAIT_FOR (find_chooser () != NULL);
    chooser = find_chooser ();
    g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (chooser)) == window);
    g_assert_cmpint (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser)), ==,
                     GTK_FILE_CHOOSER_ACTION_SAVE);
    current = gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (chooser));
    g_assert_true (
        g_regex_match_simple ("^Handoff 4W \\d{4}-\\d\\d-\\d\\d (Day|Night)\\.pdf$", current, 0, 0));
    g_assert_nonnull (gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (chooser)));
    g_assert_cmpstr (gtk_file_filter_get_name (gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (chooser))), ==,
                     "PDF documents");
    gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
    g_assert_null (el_shift_report_export_pdf_dialog_finish (el_test_wait_for (&result), &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  }

  /* Accepted in a folder, a name without the suffix: the PDF gets ".pdf". */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GAsyncResult) result = NULL;
    g_autofree char *path = NULL;
    g_autofree char *typed = NULL;

    el_shift_report_export_pdf_dialog_async (ctx, window, unit_id, NULL, NULL, el_test_result_cb, &result);
    EL_GUI_WAIT_FOR (find_chooser () != NULL);
    chooser = find_chooser ();
    /* Typed as a path in the name entry (changing the folder while GTK 4.8's fallback dialog still
     * loads its first one makes it report the cancelled load in a dialog of its own). */
    typed = g_build_filename (dir, "chosen report", NULL);
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), typed);
    gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
    path = el_shift_report_export_pdf_dialog_finish (el_test_wait_for (&result), &error);
    g_assert_no_error (error);
    expected = g_build_filename (dir, "chosen report.pdf", NULL);
    g_assert_cmpstr (path, ==, expected);
    text = pdf_text (path);
    assert_contains (text, "Situation");
    assert_contains (text, "Page 1 of");
  }
  EL_GUI_WAIT_FOR (find_chooser () == NULL);

  el_gui_test_assert_accessible (GTK_WIDGET (window));
  el_gui_test_destroy (window, G_OBJECT (content));
  el_test_remove_tree (dir);
  el_gui_test_close_context (ctx, data_dir);
}

/* The print dialog path: GTK's print dialog opens on the window without blocking; closing it
 * cancels. */
static void
test_print_dialog (void)
{
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (shared_server, EL_TEST_DEMO_NURSE_A, &data_dir);
  g_autoptr (GPtrArray) entries = census (ctx);
  ElStoreCensusEntry *entry = entry_with_sbar (entries);
  GtkWidget *content = gtk_label_new ("Ward");
  GtkWindow *window = el_gui_test_window_new (content);
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  GtkWidget *dialog = NULL;

  el_shift_report_print_async (ctx, window, el_user_get_unit_id (el_context_get_user (ctx)),
                               el_patient_get_id (entry->patient), GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                               NULL, NULL, el_test_result_cb, &result);
  while (dialog == NULL)
    {
      GListModel *toplevels = gtk_window_get_toplevels (); /* (transfer none) */

      g_assert_null (result);
      for (guint i = 0; i < g_list_model_get_n_items (toplevels) && dialog == NULL; i++)
        {
          g_autoptr (GtkWidget) w = g_list_model_get_item (toplevels, i);

          if (g_str_equal (G_OBJECT_TYPE_NAME (w), "GtkPrintUnixDialog") && gtk_widget_get_visible (w))
            dialog = w;
        }
      if (dialog == NULL)
        g_main_context_iteration (NULL, TRUE);
    }
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == window);
  /* The main loop runs while the dialog is open. */
  el_gui_test_spin (100);
  g_assert_null (result);
  gtk_dialog_response (GTK_DIALOG (dialog), GTK_RESPONSE_CANCEL);
  g_assert_false (el_shift_report_print_finish (el_test_wait_for (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  el_gui_test_assert_accessible (GTK_WIDGET (window));
  el_gui_test_destroy (window, G_OBJECT (content));
  el_gui_test_close_context (ctx, data_dir);
}

static guint
count_inked (cairo_surface_t *surface)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guchar *data;
  guint inked = 0;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  for (int y = 0; y < height; y++)
    {
      const guint32 *row = (const guint32 *) (data + y * stride);

      for (int x = 0; x < width; x++)
        if ((row[x] & 0x00ffffff) != 0x00ffffff)
          inked++;
    }
  return inked;
}

static void
test_render_page (void)
{
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (shared_server, EL_TEST_DEMO_NURSE_A, &data_dir);
  g_autoptr (GPtrArray) entries = census (ctx);
  g_autoptr (ElShiftReport) unit = load (ctx, NULL);
  ElStoreCensusEntry *entry = entry_with_sbar (entries);
  g_autoptr (ElShiftReport) one = load (ctx, el_patient_get_id (entry->patient));
  cairo_surface_t *surface;
  cairo_t *cr;
  guint inked;
  guint a4, letter, narrow;
  g_autofree char *name = NULL;
  const char *shots = g_getenv ("EL_GUI_TEST_SHOTS");

  g_assert_cmpuint (el_shift_report_get_n_patients (unit), ==, entries->len);
  g_assert_cmpuint (el_shift_report_get_n_patients (one), ==, 1);

  /* A4 and Letter (points, inside GTK's default margins) both hold a page per patient. */
  a4 = el_shift_report_get_n_pages (unit, 595.28 - 2 * 18, 841.89 - 2 * 18);
  letter = el_shift_report_get_n_pages (unit, 612 - 2 * 18, 792 - 2 * 18);
  g_assert_cmpuint (a4, >=, entries->len);
  g_assert_cmpuint (letter, >=, entries->len);
  /* A narrow page wraps into more pages, never fewer. */
  narrow = el_shift_report_get_n_pages (one, 200, 400);
  g_assert_cmpuint (narrow, >, el_shift_report_get_n_pages (one, 559, 805));

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 595, 842);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  g_assert_cmpuint (count_inked (surface), ==, 0);
  cairo_translate (cr, 18, 18);
  el_shift_report_render_page (one, cr, 595 - 36, 842 - 36, 0);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  inked = count_inked (surface);
  g_assert_cmpuint (inked, >, 2000);
  g_assert_cmpuint (inked, <, 595 * 842 / 2);
  if (shots != NULL)
    {
      g_autofree char *png = g_build_filename (shots, "print-preview.png", NULL);
      g_assert_cmpint (cairo_surface_write_to_png (surface, png), ==, CAIRO_STATUS_SUCCESS);
    }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  /* The default file name: unit, room, shift; no name, no MRN. */
  name = el_shift_report_get_default_filename (one);
  g_assert_true (g_str_has_prefix (name, "Handoff 4W "));
  g_assert_true (g_str_has_suffix (name, " Day.pdf") || g_str_has_suffix (name, " Night.pdf"));
  g_assert_nonnull (strstr (name, el_patient_get_room (entry->patient)));
  g_assert_null (strstr (name, el_patient_get_family_name (entry->patient)));
  g_assert_null (strstr (name, el_patient_get_mrn (entry->patient)));
  g_clear_pointer (&name, g_free);
  name = el_shift_report_get_default_filename (unit);
  g_assert_true (g_regex_match_simple ("^Handoff 4W \\d{4}-\\d\\d-\\d\\d (Day|Night)\\.pdf$", name, 0, 0));

  el_gui_test_close_context (ctx, data_dir);
}

static void
test_errors (void)
{
  g_autofree char *data_dir = NULL;
  g_autoptr (ElContext) ctx = el_gui_test_sign_in (shared_server, EL_TEST_DEMO_NURSE_A, &data_dir);
  g_autofree char *missing_dir =
      g_build_filename (g_get_tmp_dir (), "el-print-no-such-dir", "x", "r.pdf", NULL);
  g_autofree char *unknown = g_uuid_string_random ();

  /* A patient who is not on the unit. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GAsyncResult) result = NULL;

    el_shift_report_print_async (ctx, NULL, el_user_get_unit_id (el_context_get_user (ctx)), unknown,
                                 GTK_PRINT_OPERATION_ACTION_EXPORT, missing_dir, NULL, el_test_result_cb,
                                 &result);
    g_assert_false (el_shift_report_print_finish (el_test_wait_for (&result), &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  }
  /* An unknown unit. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GAsyncResult) result = NULL;

    el_shift_report_load_async (ctx, unknown, NULL, EL_SHIFT_PATTERN_EIGHT_HOUR, NULL, el_test_result_cb,
                                &result);
    g_assert_null (el_shift_report_load_finish (el_test_wait_for (&result), &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  }
  /* A cancelled load. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GAsyncResult) result = NULL;
    g_autoptr (GCancellable) cancellable = g_cancellable_new ();

    el_shift_report_load_async (ctx, el_user_get_unit_id (el_context_get_user (ctx)), NULL,
                                EL_SHIFT_PATTERN_TWELVE_HOUR, cancellable, el_test_result_cb, &result);
    g_cancellable_cancel (cancellable);
    g_assert_null (el_shift_report_load_finish (el_test_wait_for (&result), &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  }

  /* Without a callback, a failure is told in a message dialog on the window. */
  {
    GtkWidget *content = gtk_label_new ("Ward");
    GtkWindow *window = el_gui_test_window_new (content);
    GtkWidget *dialog = NULL;

    el_shift_report_export_pdf_dialog (ctx, window, unknown, NULL);
    while (dialog == NULL)
      {
        GListModel *toplevels = gtk_window_get_toplevels (); /* (transfer none) */

        for (guint i = 0; i < g_list_model_get_n_items (toplevels) && dialog == NULL; i++)
          {
            g_autoptr (GtkWidget) w = g_list_model_get_item (toplevels, i);

            if (ADW_IS_MESSAGE_DIALOG (w))
              dialog = w;
          }
        if (dialog == NULL)
          g_main_context_iteration (NULL, TRUE);
      }
    g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == window);
    g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                     "Could Not Export the Shift Report");
    g_assert_cmpstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), ==,
                     "The report could not be read from this computer's cache.");
    el_gui_test_assert_accessible (dialog);
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");
    el_gui_test_assert_accessible (GTK_WIDGET (window));
    el_gui_test_destroy (window, G_OBJECT (content));
  }

  el_gui_test_close_context (ctx, data_dir);
}

int
main (int argc, char **argv)
{
  int status;

  el_gui_test_init (&argc, &argv);
  g_test_add_func ("/el/gui/print/export-patient", test_export_patient);
  g_test_add_func ("/el/gui/print/export-unit", test_export_unit);
  g_test_add_func ("/el/gui/print/long-situation", test_long_situation);
  g_test_add_func ("/el/gui/print/signed-acknowledged", test_signed_acknowledged);
  g_test_add_func ("/el/gui/print/export-dialog", test_export_dialog);
  g_test_add_func ("/el/gui/print/print-dialog", test_print_dialog);
  g_test_add_func ("/el/gui/print/render-page", test_render_page);
  g_test_add_func ("/el/gui/print/errors", test_errors);

  shared_server = el_gui_test_start_demo ();
  status = g_test_run ();
  g_assert_cmpint (el_test_server_stop (shared_server), ==, 0);
  g_clear_pointer (&shared_server, el_test_server_free);
  return status;
}
