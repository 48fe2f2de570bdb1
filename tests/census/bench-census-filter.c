/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "el-census-model.h"
#include "el-test-util.h"

/*
 * Census filtering at 1,000 patients (issue 6: <= 16 ms per keystroke, one frame at 60 Hz).
 * Queries are typed keystroke by keystroke (and then erased) into:
 *   - ElCensusModel: el_census_model_set_search(), ::items-changed included, with a handler that
 *     fetches the added rows a list view would bind (at most 40);
 *   - baseline "naive": re-filtering from scratch at each keystroke, normalizing (case-folding and
 *     stripping accents from) each row's name, room/bed and MRN every time, as a GtkCustomFilter
 *     callback without precomputed keys would;
 *   - baseline "strstr": a plain strstr of the ASCII-lowercased query over 1,000 precomputed
 *     ASCII-lowercased display strings (a lower bound: no accents, no words, no list model).
 * Prints the median and the max ms per keystroke of each, and the goal. Asserts nothing about time;
 * it checks that the model and the naive baseline find the same number of rows at every keystroke.
 */

#define N_PATIENTS 1000
#define GOAL_MS    16.0

static const char *const given[] = { "José",  "Ana",   "Zoë", "John", "Mary", "Chloé", "Renée", "Ali",
                                     "Björn", "Grace", "Ada", "Sam",  "Noël", "Iñaki", "Li",    "Omar" };
static const char *const family[] = { "Núñez", "Smith",  "Carter", "López", "Müller", "Ito",    "Fischer",
                                      "Osei",  "Martin", "Silva",  "Ahmed", "Brontë", "O'Neil", "Dvořák" };
static const char *const queries[] = { "smith", "lopez ana", "4w-12", "mrn00045", "zoe", "muller 5e", "xq" };

static GPtrArray *
synthetic_entries (void)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) el_store_census_entry_free);
  static const char *const units[] = { "4W", "5E", "6N", "7S" };

  for (guint i = 0; i < N_PATIENTS; i++)
    {
      ElStoreCensusEntry *e = g_new0 (ElStoreCensusEntry, 1);
      g_autofree char *id = g_strdup_printf ("33333333-3333-4333-8333-%012u", i);
      g_autofree char *room = g_strdup_printf ("%s-%u", units[i % 4], i / 8 + 1);
      g_autofree char *mrn = g_strdup_printf ("MRN%07u", (i * 7919) % 1000000);

      e->patient = el_patient_new ();
      el_patient_set_id (e->patient, id);
      el_patient_set_given_name (e->patient, given[i % G_N_ELEMENTS (given)]);
      el_patient_set_family_name (e->patient, family[(i / 3) % G_N_ELEMENTS (family)]);
      el_patient_set_room (e->patient, room);
      el_patient_set_bed (e->patient, (i & 1) ? "B" : "A");
      el_patient_set_mrn (e->patient, mrn);
      e->completeness = -1;
      g_ptr_array_add (entries, e);
    }
  return entries;
}

static void
bound_rows_cb (GListModel *model, guint position, guint removed, guint added, gpointer user_data)
{
  guint *fetched = user_data;

  (void) removed;
  for (guint i = 0; i < added && i < 40; i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (model, position + i);

      (*fetched) += item != NULL;
    }
}

/* The naive baseline: one row's text normalized at each keystroke. */
static gboolean
naive_match (const char *row_text, const char *query)
{
  g_autofree char *hay = el_census_normalize (row_text);
  g_autofree char *norm = el_census_normalize (query);
  g_auto (GStrv) words = g_strsplit (norm, " ", -1);

  for (char **w = words; *w != NULL; w++)
    if (**w != '\0' && strstr (hay, *w) == NULL)
      return FALSE;
  return TRUE;
}

static double
now_ms (void)
{
  return (double) g_get_monotonic_time () / 1000.0;
}

static void
print_row (const char *name, GArray *ms)
{
  double max = 0;

  for (guint i = 0; i < ms->len; i++)
    max = MAX (max, g_array_index (ms, double, i));
  g_print ("  %-44s median %8.3f ms   max %8.3f ms   (%u keystrokes)\n", name, el_test_median (ms), max,
           ms->len);
}

int
main (void)
{
  g_autoptr (GPtrArray) entries = synthetic_entries ();
  g_autoptr (ElCensusModel) model = el_census_model_new (NULL, NULL);
  g_autoptr (GPtrArray) row_texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) row_lower = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) model_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) naive_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) strstr_ms = g_array_new (FALSE, FALSE, sizeof (double));
  guint rounds = el_test_env_uint ("EL_BENCH_ROUNDS", 20);
  guint fetched = 0;
  double t0, load_ms;
  gsize sink = 0;

  t0 = now_ms ();
  el_census_model_set_entries (model, entries);
  load_ms = now_ms () - t0;
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_PATIENTS);
  g_signal_connect (model, "items-changed", G_CALLBACK (bound_rows_cb), &fetched);

  for (guint i = 0; i < entries->len; i++)
    {
      ElStoreCensusEntry *e = entries->pdata[i];
      char *text = g_strdup_printf ("%s, %s %s-%s %s", el_patient_get_family_name (e->patient),
                                    el_patient_get_given_name (e->patient), el_patient_get_room (e->patient),
                                    el_patient_get_bed (e->patient), el_patient_get_mrn (e->patient));

      g_ptr_array_add (row_texts, text);
      g_ptr_array_add (row_lower, g_ascii_strdown (text, -1));
    }

  for (guint round = 0; round < rounds; round++)
    for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
      {
        const char *query = queries[q];
        gsize len = strlen (query);

        /* type it, then erase it, one keystroke at a time */
        for (gsize k = 1; k <= 2 * len; k++)
          {
            gsize typed = k <= len ? k : 2 * len - k;
            g_autofree char *prefix = g_strndup (query, typed);
            g_autofree char *lower = g_ascii_strdown (prefix, -1);
            g_autoptr (GPtrArray) naive = g_ptr_array_new ();
            guint model_n;
            double t;

            t = now_ms ();
            el_census_model_set_search (model, prefix);
            g_array_append_vals (model_ms, (double[]){ now_ms () - t }, 1);
            model_n = g_list_model_get_n_items (G_LIST_MODEL (model));

            t = now_ms ();
            for (guint i = 0; i < row_texts->len; i++)
              if (naive_match (row_texts->pdata[i], prefix))
                g_ptr_array_add (naive, row_texts->pdata[i]);
            g_array_append_vals (naive_ms, (double[]){ now_ms () - t }, 1);
            g_assert_cmpuint (naive->len, ==, model_n);

            t = now_ms ();
            for (guint i = 0; i < row_lower->len; i++)
              if (strstr (row_lower->pdata[i], lower) != NULL)
                sink++;
            g_array_append_vals (strstr_ms, (double[]){ now_ms () - t }, 1);
          }
      }

  g_print ("bench-census-filter: %u patients, queries typed and erased keystroke by keystroke, %u rounds\n",
           N_PATIENTS, rounds);
  g_print ("  loading 1,000 entries into the model (sort, keys): %.3f ms\n", load_ms);
  print_row ("ElCensusModel set_search (+ items-changed)", model_ms);
  print_row ("baseline: naive re-filter, normalize per row", naive_ms);
  print_row ("baseline: plain strstr, ASCII lowercase", strstr_ms);
  {
    double max = 0;

    for (guint i = 0; i < model_ms->len; i++)
      max = MAX (max, g_array_index (model_ms, double, i));
    g_print ("  goal: <= %.0f ms per keystroke at 1,000 patients: %s (ElCensusModel max %.3f ms)\n", GOAL_MS,
             max <= GOAL_MS ? "met" : "NOT met", max);
  }
  g_print ("  (rows fetched by the items-changed handler: %u; strstr hits: %" G_GSIZE_FORMAT ")\n", fetched,
           sink);
  return 0;
}
