/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ElCensusModel and ElCensusItem: sort order, search, filters, the needs-ack rule, items-changed
 * correctness against a mirror list, and reloads from a real ElStore (SQLite file, sealed). */
#include "config.h"

#include <string.h>

#include "el-census-model.h"
#include "el-test-util.h"

#define UNIT  "11111111-1111-4111-8111-111111111111"
#define UNIT2 "11111111-1111-4111-8111-111111111112"
#define ME    "22222222-2222-4222-8222-000000000001"
#define OTHER "22222222-2222-4222-8222-000000000002"
#define THIRD "22222222-2222-4222-8222-000000000003"

/* ---- building entries ---- */

static ElPatient *
make_patient (
    guint n, const char *given, const char *family, const char *room, const char *bed, const char *mrn)
{
  ElPatient *p = el_patient_new ();
  g_autofree char *id = g_strdup_printf ("33333333-3333-4333-8333-%012u", n);

  el_patient_set_id (p, id);
  el_patient_set_unit_id (p, UNIT);
  el_patient_set_given_name (p, given);
  el_patient_set_family_name (p, family);
  el_patient_set_room (p, room);
  el_patient_set_bed (p, bed);
  el_patient_set_mrn (p, mrn);
  return p;
}

static ElHandoff *
make_handoff (ElPatient *patient, ElHandoffStatus status, const char *outgoing, const char *receiving)
{
  ElHandoff *h = el_handoff_new ();
  g_autofree char *id = g_strdup_printf ("44444444%s", el_patient_get_id (patient) + 8);

  el_handoff_set_id (h, id);
  el_handoff_set_patient_id (h, el_patient_get_id (patient));
  el_handoff_set_unit_id (h, UNIT);
  el_handoff_set_status (h, status);
  el_handoff_set_outgoing_nurse_id (h, outgoing);
  el_handoff_set_receiving_nurse_id (h, receiving);
  if (status == EL_HANDOFF_STATUS_SIGNED)
    el_handoff_set_signed_by (h, outgoing);
  return h;
}

/* (transfer full) an entry owning @patient and @handoff */
static ElStoreCensusEntry *
make_entry (ElPatient *patient, ElHandoff *handoff)
{
  ElStoreCensusEntry *e = g_new0 (ElStoreCensusEntry, 1);

  e->patient = patient;
  e->handoff = handoff;
  e->completeness = -1;
  return e;
}

static GPtrArray *
new_entries (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) el_store_census_entry_free);
}

/* ---- a mirror of the model kept by ::items-changed only ---- */

typedef struct
{
  GPtrArray *items; /* ElCensusItem refs */
  guint signals;
} Mirror;

static void
mirror_items_changed_cb (GListModel *model, guint position, guint removed, guint added, gpointer user_data)
{
  Mirror *m = user_data;

  m->signals++;
  g_assert_cmpuint (position + removed, <=, m->items->len);
  g_ptr_array_remove_range (m->items, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (m->items, (int) (position + i), g_list_model_get_item (model, position + i));
  g_assert_cmpuint (m->items->len, ==, g_list_model_get_n_items (model));
}

static void
mirror_init (Mirror *m, ElCensusModel *model)
{
  m->items = g_ptr_array_new_with_free_func (g_object_unref);
  m->signals = 0;
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    g_ptr_array_add (m->items, g_list_model_get_item (G_LIST_MODEL (model), i));
  g_signal_connect (model, "items-changed", G_CALLBACK (mirror_items_changed_cb), m);
}

static void
mirror_check (Mirror *m, ElCensusModel *model)
{
  g_assert_cmpuint (m->items->len, ==, g_list_model_get_n_items (G_LIST_MODEL (model)));
  for (guint i = 0; i < m->items->len; i++)
    {
      g_autoptr (ElCensusItem) item = g_list_model_get_item (G_LIST_MODEL (model), i);

      g_assert_true (item == m->items->pdata[i]);
    }
}

static void
mirror_clear (Mirror *m, ElCensusModel *model)
{
  g_signal_handlers_disconnect_by_data (model, m);
  g_ptr_array_unref (m->items);
}

/* The display names of the visible rows, joined with '|'. */
static char *
visible_names (ElCensusModel *model)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    {
      g_autoptr (ElCensusItem) item = g_list_model_get_item (G_LIST_MODEL (model), i);

      if (i > 0)
        g_string_append_c (s, '|');
      g_string_append (s, el_census_item_get_display_name (item));
    }
  return g_string_free (s, FALSE);
}

static char *
visible_rooms (ElCensusModel *model)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    {
      g_autoptr (ElCensusItem) item = g_list_model_get_item (G_LIST_MODEL (model), i);

      if (i > 0)
        g_string_append_c (s, '|');
      g_string_append (s, el_census_item_get_room_bed (item));
    }
  return g_string_free (s, FALSE);
}

/* A small unit: names with accents, rooms that sort naturally, each handoff status. */
static GPtrArray *
small_unit (void)
{
  GPtrArray *e = new_entries ();
  ElPatient *p;

  p = make_patient (1, "José", "Núñez", "4W-10", "A", "MRN0001010");
  g_ptr_array_add (e, make_entry (p, make_handoff (p, EL_HANDOFF_STATUS_READY, OTHER, ME)));
  p = make_patient (2, "Ada", "Lovelace", "4W-2", "B", "MRN0002020");
  g_ptr_array_add (e, make_entry (p, make_handoff (p, EL_HANDOFF_STATUS_SIGNED, OTHER, ME)));
  p = make_patient (3, "Grace", "Hopper", "4W-2", "A", "MRN0003030");
  g_ptr_array_add (e, make_entry (p, NULL));
  p = make_patient (4, "Zoë", "Smith", "4W-1", NULL, "MRN0004040");
  g_ptr_array_add (e, make_entry (p, make_handoff (p, EL_HANDOFF_STATUS_SIGNED, ME, NULL)));
  p = make_patient (5, "John", "Smith", "4W-9", "A", "MRN0005050");
  g_ptr_array_add (e, make_entry (p, make_handoff (p, EL_HANDOFF_STATUS_SIGNED, OTHER, NULL)));
  p = make_patient (6, "Mary", "Ames", "4W-20", "A", "MRN0006060");
  g_ptr_array_add (e, make_entry (p, make_handoff (p, EL_HANDOFF_STATUS_ACKNOWLEDGED, OTHER, ME)));
  p = make_patient (7, "Bo", "Failer", "4W-3", "A", "MRN0007070");
  g_ptr_array_add (e, make_entry (p, make_handoff (p, EL_HANDOFF_STATUS_FAILED, OTHER, ME)));
  p = make_patient (8, "Cy", "Cancel", "4W-4", "A", "MRN0008080");
  g_ptr_array_add (e, make_entry (p, make_handoff (p, EL_HANDOFF_STATUS_CANCELLED, OTHER, ME)));
  p = make_patient (9, "Di", "Draft", "4W-5", "A", "MRN0009090");
  g_ptr_array_add (e, make_entry (p, make_handoff (p, EL_HANDOFF_STATUS_DRAFT, OTHER, THIRD)));
  p = make_patient (10, "Pat", "Processing", "4W-6", "A", "MRN0010100");
  g_ptr_array_add (e, make_entry (p, make_handoff (p, EL_HANDOFF_STATUS_PROCESSING, OTHER, ME)));
  return e;
}

static ElCensusModel *
small_model (void)
{
  ElCensusModel *model = el_census_model_new (NULL, NULL);
  g_autoptr (GPtrArray) e = small_unit ();

  el_census_model_set_entries (model, e);
  return model;
}

/* ---- tests ---- */

static void
test_normalize (void)
{
  const struct
  {
    const char *in;
    const char *out;
  } cases[] = {
    { "José Núñez", "jose nunez" },
    { "ZOË", "zoe" },
    { "Straße", "strasse" },
    { "4W-10", "4w-10" },
    { "", "" },
    { "Ångström", "angstrom" },
    { "ﬁsh", "fish" },
    { "Çağlar", "caglar" },
    { "MRN0001010", "mrn0001010" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = el_census_normalize (cases[i].in);

      g_assert_cmpstr (got, ==, cases[i].out);
    }
  {
    g_autofree char *got = el_census_normalize (NULL);

    g_assert_cmpstr (got, ==, "");
  }
  {
    /* invalid UTF-8 does not crash and keeps the valid part */
    g_autofree char *got = el_census_normalize ("Ab\xff"
                                                "c");

    g_assert_true (g_str_has_prefix (got, "ab"));
    g_assert_true (g_utf8_validate (got, -1, NULL));
  }
}

static void
test_shift (void)
{
  const struct
  {
    int y, mo, d, h, mi;
    ElShift shift;
    int sy, smo, sd;
  } cases[] = {
    { 2024, 5, 1, 7, 0, EL_SHIFT_DAY, 2024, 5, 1 },      { 2024, 5, 1, 14, 59, EL_SHIFT_DAY, 2024, 5, 1 },
    { 2024, 5, 1, 15, 0, EL_SHIFT_EVENING, 2024, 5, 1 }, { 2024, 5, 1, 22, 59, EL_SHIFT_EVENING, 2024, 5, 1 },
    { 2024, 5, 1, 23, 0, EL_SHIFT_NIGHT, 2024, 5, 1 },   { 2024, 5, 2, 0, 30, EL_SHIFT_NIGHT, 2024, 5, 1 },
    { 2024, 5, 2, 6, 59, EL_SHIFT_NIGHT, 2024, 5, 1 },   { 2024, 3, 1, 3, 0, EL_SHIFT_NIGHT, 2024, 2, 29 },
    { 2025, 1, 1, 0, 0, EL_SHIFT_NIGHT, 2024, 12, 31 },  { 2025, 1, 1, 12, 0, EL_SHIFT_DAY, 2025, 1, 1 },
  };
  g_autoptr (GTimeZone) tz = g_time_zone_new_utc ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GDateTime) at =
          g_date_time_new (tz, cases[i].y, cases[i].mo, cases[i].d, cases[i].h, cases[i].mi, 0);
      GDate date;
      ElShift shift = el_census_shift_at (at, EL_SHIFT_PATTERN_EIGHT_HOUR, &date);

      g_assert_cmpint (shift, ==, cases[i].shift);
      g_assert_true (g_date_valid (&date));
      g_assert_cmpint (g_date_get_year (&date), ==, cases[i].sy);
      g_assert_cmpint (g_date_get_month (&date), ==, cases[i].smo);
      g_assert_cmpint (g_date_get_day (&date), ==, cases[i].sd);
      g_assert_cmpint (el_census_shift_at (at, EL_SHIFT_PATTERN_EIGHT_HOUR, NULL), ==, cases[i].shift);
    }

  /* twelve-hour shifts (the demo hospital's): day 07:00-18:59, night 19:00-06:59 */
  {
    const struct
    {
      int d, h, mi;
      ElShift shift;
      int sd;
    } twelve[] = {
      { 1, 7, 0, EL_SHIFT_DAY, 1 },    { 1, 15, 30, EL_SHIFT_DAY, 1 },   { 1, 18, 59, EL_SHIFT_DAY, 1 },
      { 1, 19, 0, EL_SHIFT_NIGHT, 1 }, { 1, 23, 30, EL_SHIFT_NIGHT, 1 }, { 2, 6, 59, EL_SHIFT_NIGHT, 1 },
    };

    for (guint i = 0; i < G_N_ELEMENTS (twelve); i++)
      {
        g_autoptr (GDateTime) at = g_date_time_new (tz, 2024, 5, twelve[i].d, twelve[i].h, twelve[i].mi, 0);
        GDate date;

        g_assert_cmpint (el_census_shift_at (at, EL_SHIFT_PATTERN_TWELVE_HOUR, &date), ==, twelve[i].shift);
        g_assert_cmpint (g_date_get_day (&date), ==, twelve[i].sd);
      }
  }
}

static void
test_item (void)
{
  g_autoptr (ElPatient) p = make_patient (1, "José", "Núñez", "4W-10", "A", "MRN0001010");
  g_autoptr (ElPatient) q = make_patient (2, "Ada", "Lovelace", "401", NULL, "MRN2");
  ElStoreCensusEntry e = { .patient = p, .completeness = 80, .sbar_version = 3, .has_pending_ops = TRUE };
  ElStoreCensusEntry f = { .patient = q, .completeness = -1 };
  g_autoptr (ElCensusItem) a = el_census_item_new (&e);
  g_autoptr (ElCensusItem) b = el_census_item_new (&f);
  ElHandoffStatus status;

  g_assert_cmpstr (el_census_item_get_display_name (a), ==, "Núñez, José");
  g_assert_cmpstr (el_census_item_get_room_bed (a), ==, "4W-10-A");
  g_assert_cmpstr (el_census_item_get_room_bed (b), ==, "401");
  g_assert_cmpstr (el_census_item_get_patient_id (a), ==, el_patient_get_id (p));
  g_assert_true (el_census_item_get_patient (a) == p);
  g_assert_null (el_census_item_get_handoff (a));
  g_assert_false (el_census_item_get_handoff_status (a, &status));
  g_assert_cmpfloat (el_census_item_get_completeness (a), ==, 80);
  g_assert_cmpint (el_census_item_get_sbar_version (a), ==, 3);
  g_assert_true (el_census_item_get_has_pending_ops (a));
  g_assert_false (el_census_item_get_sbar_pending (a));
  g_assert_nonnull (strstr (el_census_item_get_search_key (a), "nunez"));
  g_assert_nonnull (strstr (el_census_item_get_search_key (a), "jose"));
  g_assert_nonnull (strstr (el_census_item_get_search_key (a), "4w-10"));
  g_assert_nonnull (strstr (el_census_item_get_search_key (a), "mrn0001010"));
  g_assert_null (strstr (el_census_item_get_search_key (a), "José"));
}

static void
test_sort (void)
{
  g_autoptr (ElCensusModel) model = small_model ();
  g_autofree char *rooms = visible_rooms (model);

  g_assert_cmpstr (rooms, ==, "4W-1|4W-2-A|4W-2-B|4W-3-A|4W-4-A|4W-5-A|4W-6-A|4W-9-A|4W-10-A|4W-20-A");
  g_assert_cmpuint (el_census_model_get_n_total (model), ==, 10);

  /* same room and bed: by name, then id */
  {
    g_autoptr (GPtrArray) e = new_entries ();
    g_autofree char *names = NULL;

    g_ptr_array_add (e, make_entry (make_patient (1, "B", "Zed", "401", NULL, "1"), NULL));
    g_ptr_array_add (e, make_entry (make_patient (2, "A", "Zed", "401", NULL, "2"), NULL));
    g_ptr_array_add (e, make_entry (make_patient (3, "C", "Abe", "401", NULL, "3"), NULL));
    g_ptr_array_add (e, make_entry (make_patient (4, "D", "Abe", "400", NULL, "4"), NULL));
    el_census_model_set_entries (model, e);
    names = visible_names (model);
    g_assert_cmpstr (names, ==, "Abe, D|Abe, C|Zed, A|Zed, B");
  }
}

static void
check_search (ElCensusModel *model, const char *query, const char *expected_names)
{
  g_autofree char *names = NULL;

  el_census_model_set_search (model, query);
  g_assert_cmpstr (el_census_model_get_search (model), ==, query);
  names = visible_names (model);
  g_assert_cmpstr (names, ==, expected_names);
}

static void
test_search (void)
{
  g_autoptr (ElCensusModel) model = small_model ();
  Mirror m;

  mirror_init (&m, model);
  check_search (model, "smith", "Smith, Zoë|Smith, John");
  check_search (model, "SMITH", "Smith, Zoë|Smith, John");
  check_search (model, "smith zoe", "Smith, Zoë");      /* accents and all words */
  check_search (model, "  zoe   smith ", "Smith, Zoë"); /* any order, extra spaces */
  check_search (model, "smith nobody", "");
  check_search (model, "nunez", "Núñez, José");
  check_search (model, "NÚÑEZ", "Núñez, José");
  check_search (model, "núñez, josé", "Núñez, José");
  check_search (model, "4w-2", "Hopper, Grace|Lovelace, Ada|Ames, Mary"); /* and 4W-20 */
  check_search (model, "4w-2-b", "Lovelace, Ada");
  check_search (model, "4w-1", "Smith, Zoë|Núñez, José"); /* substring: 4W-1 and 4W-10 */
  check_search (model, "mrn0005050", "Smith, John");
  check_search (model, "0003030", "Hopper, Grace");
  check_search (model, "zzz", "");
  check_search (model, "",
                "Smith, Zoë|Hopper, Grace|Lovelace, Ada|Failer, Bo|Cancel, Cy|Draft, Di|"
                "Processing, Pat|Smith, John|Núñez, José|Ames, Mary");
  mirror_check (&m, model);
  mirror_clear (&m, model);
}

static void
check_status (ElCensusModel *model, ElCensusStatusFilter filter, const char *expected_names)
{
  g_autofree char *names = NULL;

  el_census_model_set_status_filter (model, filter);
  g_assert_cmpint (el_census_model_get_status_filter (model), ==, filter);
  names = visible_names (model);
  g_assert_cmpstr (names, ==, expected_names);
}

static void
test_status_filter (void)
{
  g_autoptr (ElCensusModel) model = small_model ();

  check_status (model, EL_CENSUS_STATUS_FILTER_NO_HANDOFF, "Hopper, Grace|Cancel, Cy");
  check_status (model, EL_CENSUS_STATUS_FILTER_IN_PROGRESS, "Draft, Di|Processing, Pat|Núñez, José");
  check_status (model, EL_CENSUS_STATUS_FILTER_SIGNED, "Smith, Zoë|Lovelace, Ada|Smith, John");
  check_status (model, EL_CENSUS_STATUS_FILTER_ACKNOWLEDGED, "Ames, Mary");
  check_status (model, EL_CENSUS_STATUS_FILTER_FAILED, "Failer, Bo");

  /* combined with search */
  el_census_model_set_search (model, "smith");
  check_status (model, EL_CENSUS_STATUS_FILTER_SIGNED, "Smith, Zoë|Smith, John");
  check_status (model, EL_CENSUS_STATUS_FILTER_ALL, "Smith, Zoë|Smith, John");
  g_assert_cmpuint (el_census_model_get_n_total (model), ==, 10);
}

static void
test_needs_ack (void)
{
  g_autoptr (ElCensusModel) model = small_model ();
  g_autofree char *mine = NULL;
  g_autofree char *others = NULL;
  g_autofree char *third = NULL;

  /* ME: Lovelace (signed, receiving ME); John Smith (signed, no receiving nurse, given by OTHER).
   * Not: Zoë Smith (signed, no receiving nurse, but ME is the outgoing nurse), Ames (acknowledged),
   * Núñez (ready, receiving ME). */
  el_census_model_set_needs_ack_user (model, ME);
  g_assert_cmpstr (el_census_model_get_needs_ack_user (model), ==, ME);
  mine = visible_names (model);
  g_assert_cmpstr (mine, ==, "Lovelace, Ada|Smith, John");

  /* OTHER gave every handoff but Zoë's, and no one named OTHER as receiver. */
  el_census_model_set_needs_ack_user (model, OTHER);
  others = visible_names (model);
  g_assert_cmpstr (others, ==, "Smith, Zoë");

  el_census_model_set_needs_ack_user (model, THIRD);
  third = visible_names (model);
  g_assert_cmpstr (third, ==, "Smith, Zoë|Smith, John");

  el_census_model_set_needs_ack_user (model, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 10);
  el_census_model_set_needs_ack_user (model, "");
  g_assert_null (el_census_model_get_needs_ack_user (model));

  /* the item function itself */
  {
    g_autoptr (ElPatient) p = make_patient (1, "A", "B", "1", NULL, "1");
    g_autoptr (ElHandoff) h = make_handoff (p, EL_HANDOFF_STATUS_SIGNED, OTHER, NULL);
    ElStoreCensusEntry e = { .patient = p, .handoff = h, .completeness = -1 };
    g_autoptr (ElCensusItem) item = NULL;

    el_handoff_set_signed_by (h, THIRD); /* signed by someone else than the outgoing nurse */
    item = el_census_item_new (&e);
    g_assert_true (el_census_item_needs_ack_by (item, ME));
    g_assert_false (el_census_item_needs_ack_by (item, OTHER));
    g_assert_false (el_census_item_needs_ack_by (item, THIRD));
    g_assert_false (el_census_item_needs_ack_by (item, NULL));
  }
}

/* Random filter changes and reloads; the mirror built from ::items-changed always equals the model,
 * and each change is at most one signal. */
static void
test_items_changed (void)
{
  g_autoptr (ElCensusModel) model = el_census_model_new (NULL, NULL);
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  const char *queries[] = { "",     "s",   "sm",  "smi", "smith", "smith j", "4w",
                            "4w-1", "4w-", "mrn", "a",   "an",    "x" };
  Mirror m;

  mirror_init (&m, model);
  for (guint round = 0; round < 400; round++)
    {
      guint before = m.signals;
      guint op = (guint) g_rand_int_range (rand, 0, 5);

      switch (op)
        {
          case 0:
            el_census_model_set_search (model, queries[g_rand_int_range (rand, 0, G_N_ELEMENTS (queries))]);
            break;
          case 1:
            el_census_model_set_status_filter (model, (ElCensusStatusFilter) g_rand_int_range (rand, 0, 6));
            break;
          case 2:
            el_census_model_set_needs_ack_user (model, g_rand_boolean (rand) ? ME : NULL);
            break;
          default:
            {
              /* a new census: a random subset of the small unit, some rows replaced */
              g_autoptr (GPtrArray) all = small_unit ();
              g_autoptr (GPtrArray) some = new_entries ();

              for (guint i = 0; i < all->len; i++)
                if (g_rand_int_range (rand, 0, 4) != 0)
                  g_ptr_array_add (some, el_store_census_entry_copy (all->pdata[i]));
              el_census_model_set_entries (model, some);
              break;
            }
        }
      g_assert_cmpuint (m.signals - before, <=, 1);
      mirror_check (&m, model);
    }
  mirror_clear (&m, model);
}

/* Typing a longer query is one splice removing only what stopped matching; unchanged rows keep
 * their item objects across set_entries (a selection survives a reload). */
static void
test_minimal_splice_and_reuse (void)
{
  g_autoptr (ElCensusModel) model = el_census_model_new (NULL, NULL);
  g_autoptr (GPtrArray) e = small_unit ();
  g_autoptr (ElCensusItem) hopper = NULL;
  g_autoptr (ElCensusItem) ames = NULL;
  Mirror m;
  guint pos = 0;

  el_census_model_set_entries (model, e);
  mirror_init (&m, model);
  hopper = g_object_ref (el_census_model_find (model, "33333333-3333-4333-8333-000000000003", &pos));
  g_assert_cmpuint (pos, ==, 1);
  ames = g_object_ref (el_census_model_lookup (model, "33333333-3333-4333-8333-000000000006"));

  /* same entries again (copies holding the same patient objects): no signal, same items */
  {
    g_autoptr (GPtrArray) again = new_entries ();

    for (guint i = 0; i < e->len; i++)
      g_ptr_array_add (again, el_store_census_entry_copy (e->pdata[i]));
    el_census_model_set_entries (model, again);
    g_assert_cmpuint (m.signals, ==, 0);
    g_assert_true (el_census_model_find (model, "33333333-3333-4333-8333-000000000003", NULL) == hopper);
  }

  /* one changed row: one splice of that row only */
  {
    g_autoptr (GPtrArray) changed = new_entries ();

    for (guint i = 0; i < e->len; i++)
      {
        ElStoreCensusEntry *copy = el_store_census_entry_copy (e->pdata[i]);

        if (copy->patient == ((ElStoreCensusEntry *) e->pdata[5])->patient) /* Ames, last row */
          copy->completeness = 50;
        g_ptr_array_add (changed, copy);
      }
    el_census_model_set_entries (model, changed);
    g_assert_cmpuint (m.signals, ==, 1);
    mirror_check (&m, model);
    g_assert_true (el_census_model_find (model, "33333333-3333-4333-8333-000000000003", NULL) == hopper);
    g_assert_true (el_census_model_lookup (model, "33333333-3333-4333-8333-000000000006") != ames);
    g_assert_cmpfloat (el_census_item_get_completeness (
                           el_census_model_lookup (model, "33333333-3333-4333-8333-000000000006")),
                       ==, 50);
  }

  /* "smith" then "smith " (same words): no signal; "smith z": one splice */
  el_census_model_set_search (model, "smith");
  mirror_check (&m, model);
  m.signals = 0;
  el_census_model_set_search (model, "smith ");
  g_assert_cmpuint (m.signals, ==, 0);
  el_census_model_set_search (model, "smith z");
  g_assert_cmpuint (m.signals, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  mirror_check (&m, model);
  /* deleting back widens again */
  el_census_model_set_search (model, "smit");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 2);
  mirror_check (&m, model);
  mirror_clear (&m, model);
}

/* ---- against a real ElStore ---- */

static void
got_result_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  (void) source;
  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

#define RUN(call_async, ...)                                \
  ({                                                        \
    GAsyncResult *run_r_ = NULL;                            \
    call_async (__VA_ARGS__, NULL, got_result_cb, &run_r_); \
    wait_for (&run_r_);                                     \
  })

static ElStore *
open_store (const char *path)
{
  guint8 key[EL_VAULT_KEY_BYTES];
  g_autoptr (ElVault) vault = NULL;
  g_autoptr (GAsyncResult) r = NULL;
  g_autoptr (GError) error = NULL;
  ElStore *store;

  for (guint i = 0; i < sizeof key; i++)
    key[i] = (guint8) (7 + i);
  vault = el_vault_new (key);
  r = RUN (el_store_open_async, path, vault);
  store = el_store_open_finish (r, &error);
  g_assert_no_error (error);
  return store;
}

static void
close_store (ElStore *store)
{
  g_autoptr (GAsyncResult) r = RUN (el_store_close_async, store);
  g_autoptr (GError) error = NULL;

  g_assert_true (el_store_close_finish (store, r, &error));
  g_assert_no_error (error);
}

static void
apply_page (ElStore *store, const char *json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) page = json_from_string (json, &error);
  g_autoptr (GAsyncResult) r = NULL;
  ElStoreApplyResult res;

  g_assert_no_error (error);
  r = RUN (el_store_apply_changes_page_async, store, page);
  g_assert_true (el_store_apply_changes_page_finish (store, r, &res, &error));
  g_assert_no_error (error);
}

static char *
patient_json (guint n, const char *unit, const char *room, const char *given, const char *family)
{
  return g_strdup_printf ("{\"id\":\"33333333-3333-4333-8333-%012u\",\"unit_id\":\"%s\",\"mrn\":\"MRN%07u\","
                          "\"given_name\":\"%s\",\"family_name\":\"%s\",\"date_of_birth\":\"1950-01-02\","
                          "\"sex\":\"female\",\"room\":\"%s\",\"updated_at\":\"2024-05-01T08:00:00.000Z\"}",
                          n, unit, n, given, family, room);
}

static char *
handoff_json (guint n, const char *status, const char *extra)
{
  return g_strdup_printf (
      "{\"id\":\"44444444-4444-4444-8444-%012u\",\"patient_id\":\"33333333-3333-4333-8333-%012u\","
      "\"unit_id\":\"" UNIT "\",\"status\":\"%s\",\"shift_date\":\"2024-05-01\",\"shift\":\"day\","
      "\"created_by\":\"" OTHER "\",\"created_at\":\"2024-05-01T08:00:00.000Z\","
      "\"updated_at\":\"2024-05-01T09:00:00.000Z\",\"latest_version\":1,\"etag\":\"e%u\"%s}",
      n, n, status, n, extra);
}

typedef struct
{
  guint reloaded;
} ReloadCount;

static void
model_reloaded_cb (ElCensusModel *model, gpointer user_data)
{
  (void) model;
  ((ReloadCount *) user_data)->reloaded++;
}

static void
test_store_reload (void)
{
  g_autofree char *dir = el_test_make_dir ("el-census-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "cache.db", NULL);
  g_autoptr (ElStore) store = open_store (path);
  g_autoptr (ElCensusModel) model = NULL;
  g_autofree char *p1 = patient_json (1, UNIT, "4W-10", "Ana", "Álvarez");
  g_autofree char *p2 = patient_json (2, UNIT, "4W-2", "Ben", "Brown");
  g_autofree char *p3 = patient_json (3, UNIT, "4W-1", "Cy", "Chen");
  g_autofree char *p4 = patient_json (4, UNIT2, "5E-1", "Dee", "Other-Unit");
  g_autofree char *h1 = handoff_json (1, "ready", "");
  g_autofree char *h2 =
      handoff_json (2, "signed",
                    ",\"outgoing_nurse_id\":\"" OTHER "\",\"receiving_nurse_id\":\"" ME
                    "\",\"signed_by\":\"" OTHER "\",\"signed_at\":\"2024-05-01T09:00:00.000Z\"");
  g_autofree char *page = g_strdup_printf (
      "{\"next_cursor\":1,\"has_more\":false,\"upserts\":{\"units\":[{\"id\":\"" UNIT
      "\",\"name\":\"4 West\",\"code\":\"4W\"},{\"id\":\"" UNIT2 "\",\"name\":\"5 East\",\"code\":\"5E\"}],"
      "\"patients\":[%s,%s,%s,%s],\"handoffs\":[%s,%s]},\"tombstones\":{}}",
      p1, p2, p3, p4, h1, h2);
  ReloadCount count = { 0 };
  g_autoptr (ElCensusItem) brown = NULL;

  apply_page (store, page);

  model = el_census_model_new (store, NULL);
  g_assert_true (el_census_model_get_store (model) == store);
  g_assert_null (el_census_model_get_sync (model));
  g_signal_connect (model, "reloaded", G_CALLBACK (model_reloaded_cb), &count);

  /* no unit: reload refuses */
  {
    g_autoptr (GAsyncResult) r = RUN (el_census_model_reload_async, model);
    g_autoptr (GError) error = NULL;

    g_assert_false (el_census_model_reload_finish (model, r, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED);
  }

  el_census_model_set_unit_id (model, UNIT);
  g_assert_cmpstr (el_census_model_get_unit_id (model), ==, UNIT);
  g_assert_true (el_census_model_get_loading (model));
  while (count.reloaded == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (el_census_model_get_loading (model));
  {
    g_autofree char *names = visible_names (model);

    g_assert_cmpstr (names, ==, "Chen, Cy|Brown, Ben|Álvarez, Ana");
  }

  /* the signed handoff's nurses come with the census: needs-ack works on store data */
  brown = g_object_ref (el_census_model_find (model, "33333333-3333-4333-8333-000000000002", NULL));
  g_assert_nonnull (el_census_item_get_handoff (brown));
  g_assert_cmpstr (el_handoff_get_receiving_nurse_id (el_census_item_get_handoff (brown)), ==, ME);
  el_census_model_set_needs_ack_user (model, ME);
  {
    g_autofree char *names = visible_names (model);

    g_assert_cmpstr (names, ==, "Brown, Ben");
  }
  el_census_model_set_needs_ack_user (model, NULL);
  el_census_model_set_search (model, "alvarez");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  el_census_model_set_search (model, NULL);

  /* a local save (outbox-changed) reloads by itself: the row shows the pending version */
  {
    g_autoptr (ElSbarVersion) v = el_sbar_version_new ();
    g_autoptr (GAsyncResult) r = NULL;
    g_autoptr (GError) error = NULL;
    g_autofree char *op = NULL;
    guint before = count.reloaded;
    ElCensusItem *ana;

    el_sbar_version_set_source (v, EL_SBAR_SOURCE_NURSE);
    el_sbar_version_set_situation (v, "draft");
    r = RUN (el_store_save_sbar_draft_async, store, "44444444-4444-4444-8444-000000000001", 1, v);
    op = el_store_save_sbar_draft_finish (store, r, &error);
    g_assert_no_error (error);
    while (count.reloaded == before)
      g_main_context_iteration (NULL, TRUE);
    ana = el_census_model_find (model, "33333333-3333-4333-8333-000000000001", NULL);
    g_assert_nonnull (ana);
    g_assert_true (el_census_item_get_has_pending_ops (ana));
    g_assert_true (el_census_item_get_sbar_pending (ana));
    g_assert_cmpint (el_census_item_get_sbar_version (ana), ==, 2);
    /* unchanged rows kept their items */
    g_assert_true (el_census_model_find (model, "33333333-3333-4333-8333-000000000002", NULL) == brown);
  }

  /* another unit */
  {
    guint before = count.reloaded;

    el_census_model_set_unit_id (model, UNIT2);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
    while (count.reloaded == before)
      g_main_context_iteration (NULL, TRUE);
    g_assert_cmpuint (el_census_model_get_n_total (model), ==, 1);
  }

  /* an explicit reload */
  {
    g_autoptr (GAsyncResult) r = RUN (el_census_model_reload_async, model);
    g_autoptr (GError) error = NULL;

    g_assert_true (el_census_model_reload_finish (model, r, &error));
    g_assert_no_error (error);
  }

  g_clear_object (&brown);
  g_assert_finalize_object (g_steal_pointer (&model));
  close_store (store);
  el_test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/el/census/normalize", test_normalize);
  g_test_add_func ("/el/census/shift", test_shift);
  g_test_add_func ("/el/census/item", test_item);
  g_test_add_func ("/el/census/sort", test_sort);
  g_test_add_func ("/el/census/search", test_search);
  g_test_add_func ("/el/census/status-filter", test_status_filter);
  g_test_add_func ("/el/census/needs-ack", test_needs_ack);
  g_test_add_func ("/el/census/items-changed", test_items_changed);
  g_test_add_func ("/el/census/minimal-splice-and-reuse", test_minimal_splice_and_reuse);
  g_test_add_func ("/el/census/store-reload", test_store_reload);

  status = g_test_run ();
  el_store_join_exiting_workers ();
  return status;
}
