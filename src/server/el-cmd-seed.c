/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * seed-demo: the demo hospital, or a larger one for benchmarks.
 *
 * What it writes (every person is fictional, src/server/demo/el-demo-data.c):
 * - units: 4W and 5E (the demo), then "6N", "7N", ... for --units beyond 2 (floor = 4 + index);
 * - users, all with the password P (hashed once with Argon2id, the PHC string reused):
 *   admin@demo.eclipselink.ai (admin); per unit a nurse and a charge nurse: 4W
 *   nurse.a@demo.eclipselink.ai and charge.nurse@demo.eclipselink.ai, 5E nurse.b@demo.eclipselink.ai
 *   and charge.nurse.5e@demo.eclipselink.ai, further units nurse.<code>@ and charge.nurse.<code>@
 *   (so users = 2 x units + 1; the demo has 5);
 * - patients: --patients-per-unit per unit in rooms <floor>01, <floor>02, ... (401..412, 501..512);
 *   patient g (counting over the whole hospital) tells story g % 24 of the demo, with another name
 *   and record number from g >= 24 on;
 * - handoffs: for every patient, one per shift of the last --days days (day 07:00-19:00 and night
 *   19:00-07:00, local time; the newest is the current shift), so 2 x days per patient. Version 1
 *   is the story's SBAR written by the unit's nurse (source "nurse"; there is no speech pipeline
 *   yet), with vitals that vary a little from shift to shift. Handoff k of patient g (k = 0 for the
 *   oldest shift) also gets a version 2 by the charge nurse (newer vitals, an added recommendation)
 *   when (g + k) % 3 == 0. Every handoff but the current shift's is signed by the nurse and
 *   acknowledged by the charge nurse; the current shift's stays ready.
 *
 * Sizes: the demo is --units 2 --patients-per-unit 12 --days 3 (2 units, 5 users, 24 patients, 144
 * handoffs, 192 SBAR versions). --scale N goes from the demo (N = 1) to the issue's benchmark
 * hospital (N = 15: 30 units x 30 patients x 90 days): units = 2N, patients per unit =
 * 12 + 18 (N - 1) / 14, days = 3 + 87 (N - 1) / 14 (integer division); explicit options win.
 *
 * It refuses a database that has units (exit 1) unless --force: then existing units (same code),
 * users (same email) and patients (same demo id) are kept as they are and not seeded again.
 * Everything goes through the repository (audit events and change feed included), one
 * transaction per unit.
 */
#include "config.h"

#include <openssl/crypto.h>
#include <string.h>

#include "el-cmd-seed.h"
#include "el-commands.h"
#include "el-db.h"
#include "el-demo-data.h"
#include "el-password.h"
#include "el-repo.h"
#include "el-server-config.h"

#define DEFAULT_PASSWORD   "handoff-demo"
#define MIN_PASSWORD_CHARS 12
#define MAX_UNITS          200
#define MAX_PER_UNIT       1000
#define MAX_DAYS           3650
#define MAX_SCALE          100
#define DEMO_DOMAIN        "demo.eclipselink.ai"

typedef struct
{
  char *id;
  char *code;
  guint floor;
  char *nurse_id;
  char *charge_id;
} SeedUnit;

typedef struct
{
  GDate date;
  ElShift shift;
} SeedShift;

typedef struct
{
  ElDb *db;
  guint n_units;
  guint per_unit;
  guint days;
  gboolean force;
  char *password_hash;
  GTimeZone *tz;
  GDateTime *now;     /* local time */
  GArray *shifts;     /* SeedShift, oldest first; the last is the current shift */
  GDateTime *history; /* when the patients are created: before the oldest shift */
  SeedUnit *units;
  guint64 n_users, n_patients, n_handoffs, n_versions, n_units_created, n_skipped;
} Seed;

static void
seed_clear (Seed *seed)
{
  for (guint u = 0; seed->units != NULL && u < seed->n_units; u++)
    {
      g_free (seed->units[u].id);
      g_free (seed->units[u].code);
      g_free (seed->units[u].nurse_id);
      g_free (seed->units[u].charge_id);
    }
  g_free (seed->units);
  g_clear_pointer (&seed->shifts, g_array_unref);
  g_clear_pointer (&seed->now, g_date_time_unref);
  g_clear_pointer (&seed->history, g_date_time_unref);
  g_clear_pointer (&seed->tz, g_time_zone_unref);
  g_free (seed->password_hash);
  g_clear_object (&seed->db);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Seed, seed_clear)

static double
elapsed_since (gint64 start)
{
  return (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
}

static void
set_clock (Seed *seed, GDateTime *at)
{
  el_repo_set_clock (seed->db, at);
}

/* Options --------------------------------------------------------------------------------------- */

static void
apply_scale (int scale, int *units, int *per_unit, int *days)
{
  if (*units < 0)
    *units = 2 * scale;
  if (*per_unit < 0)
    *per_unit = 12 + 18 * (scale - 1) / 14;
  if (*days < 0)
    *days = 3 + 87 * (scale - 1) / 14;
}

/* Shifts ---------------------------------------------------------------------------------------- */

static void
compute_shifts (Seed *seed)
{
  SeedShift current;
  guint n = 2 * seed->days;
  g_autoptr (GDateTime) oldest_start = NULL;

  el_repo_shift_at (seed->now, &current.date, &current.shift);
  seed->shifts = g_array_sized_new (FALSE, FALSE, sizeof (SeedShift), n);
  g_array_set_size (seed->shifts, n);
  for (guint i = 0; i < n; i++)
    {
      g_array_index (seed->shifts, SeedShift, n - 1 - i) = current;
      if (current.shift == EL_SHIFT_DAY)
        {
          current.shift = EL_SHIFT_NIGHT;
          g_date_subtract_days (&current.date, 1);
        }
      else
        current.shift = EL_SHIFT_DAY;
    }
  oldest_start = el_repo_shift_start (&g_array_index (seed->shifts, SeedShift, 0).date,
                                      g_array_index (seed->shifts, SeedShift, 0).shift, seed->tz);
  seed->history = g_date_time_add_hours (oldest_start, -1);
}

/* Units and users ------------------------------------------------------------------------------- */

static gboolean
seed_unit (Seed *seed, guint u, GError **error)
{
  SeedUnit *unit = &seed->units[u];
  g_autoptr (ElUnit) model = el_unit_new ();
  g_autoptr (ElUnit) existing = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *id = el_demo_uuid ("unit", u, 0, 0);
  g_autofree char *name = NULL;
  g_autofree char *floor = NULL;
  int beds;

  if (u < EL_DEMO_UNITS)
    {
      const ElDemoUnit *demo = el_demo_unit (u);

      unit->code = g_strdup (demo->code);
      name = g_strdup (demo->name);
      floor = g_strdup (demo->floor);
      beds = MAX (demo->bed_count, (int) seed->per_unit);
    }
  else
    {
      unit->code = g_strdup_printf ("%uN", 4 + u);
      name = g_strdup_printf ("%u North Medical", 4 + u);
      floor = g_strdup_printf ("%u", 4 + u);
      beds = MAX (24, (int) seed->per_unit);
    }
  unit->floor = (guint) g_ascii_strtoull (floor, NULL, 10);

  existing = el_repo_unit_get_by_code (seed->db, unit->code, &local_error);
  if (existing != NULL)
    {
      unit->id = g_strdup (el_unit_get_id (existing));
      g_printerr ("seed-demo: unit %s exists: kept as it is\n", unit->code);
      return TRUE;
    }
  if (!g_error_matches (local_error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  el_unit_set_id (model, id);
  el_unit_set_code (model, unit->code);
  el_unit_set_name (model, name);
  el_unit_set_floor (model, floor);
  el_unit_set_bed_count (model, MIN (beds, 1000));
  if (!el_repo_unit_insert (seed->db, model, NULL, error))
    return FALSE;
  unit->id = g_steal_pointer (&id);
  seed->n_units_created++;
  return TRUE;
}

/* Creates the account, or finds the one with this email (kept as it is). */
static char *
seed_user (Seed *seed,
           const char *email,
           const char *name,
           ElRole role,
           const char *unit_id,
           guint a,
           guint b,
           GError **error)
{
  g_autoptr (ElUser) existing = NULL;
  g_autoptr (ElUser) user = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *id = NULL;

  existing = el_repo_user_get_by_email (seed->db, email, NULL, NULL, &local_error);
  if (existing != NULL)
    {
      g_printerr ("seed-demo: account %s exists: kept as it is (its password is unchanged)\n", email);
      return g_strdup (el_user_get_id (existing));
    }
  if (!g_error_matches (local_error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  id = el_demo_uuid ("user", a, b, 0);
  user = el_user_new ();
  el_user_set_id (user, id);
  el_user_set_email (user, email);
  el_user_set_name (user, name);
  el_user_set_role (user, role);
  el_user_set_unit_id (user, unit_id);
  if (!el_repo_user_insert (seed->db, user, seed->password_hash, NULL, error))
    return NULL;
  seed->n_users++;
  return g_steal_pointer (&id);
}

static gboolean
seed_staff (Seed *seed, GError **error)
{
  g_autoptr (ElDbTransaction) txn = el_db_transaction_begin (seed->db, error);
  g_autofree char *admin = NULL;

  if (txn == NULL)
    return FALSE;
  set_clock (seed, seed->history);
  for (guint u = 0; u < seed->n_units; u++)
    {
      SeedUnit *unit = &seed->units[u];
      g_autofree char *lower = NULL;
      g_autofree char *nurse_email = NULL;
      g_autofree char *charge_email = NULL;
      g_autofree char *nurse_name = NULL;
      g_autofree char *charge_name = NULL;

      if (!seed_unit (seed, u, error))
        return FALSE;
      lower = g_ascii_strdown (unit->code, -1);
      switch (u)
        {
          case 0:
            nurse_email = g_strdup ("nurse.a@" DEMO_DOMAIN);
            charge_email = g_strdup ("charge.nurse@" DEMO_DOMAIN);
            nurse_name = g_strdup ("Avery Brooks");
            charge_name = g_strdup ("Carmen Diaz");
            break;
          case 1:
            nurse_email = g_strdup ("nurse.b@" DEMO_DOMAIN);
            charge_email = g_strdup ("charge.nurse.5e@" DEMO_DOMAIN);
            nurse_name = g_strdup ("Blake Harper");
            charge_name = g_strdup ("Dana Whitfield");
            break;
          default:
            nurse_email = g_strdup_printf ("nurse.%s@" DEMO_DOMAIN, lower);
            charge_email = g_strdup_printf ("charge.nurse.%s@" DEMO_DOMAIN, lower);
            nurse_name = g_strdup_printf ("Nurse %s", unit->code);
            charge_name = g_strdup_printf ("Charge Nurse %s", unit->code);
            break;
        }
      unit->nurse_id = seed_user (seed, nurse_email, nurse_name, EL_ROLE_NURSE, unit->id, u, 1, error);
      if (unit->nurse_id == NULL)
        return FALSE;
      unit->charge_id =
          seed_user (seed, charge_email, charge_name, EL_ROLE_CHARGE_NURSE, unit->id, u, 2, error);
      if (unit->charge_id == NULL)
        return FALSE;
    }
  admin = seed_user (seed, "admin@" DEMO_DOMAIN, "Demo Administrator", EL_ROLE_ADMIN, NULL, 0, 0, error);
  if (admin == NULL)
    return FALSE;
  return el_db_transaction_commit (txn, error);
}

/* Handoffs -------------------------------------------------------------------------------------- */

static double
round1 (double value)
{
  return (double) (gint64) (value * 10.0 + (value >= 0 ? 0.5 : -0.5)) / 10.0;
}

/* The story's fields with vitals that drift a little from shift to shift (deterministic). */
static ElSbarFields *
make_fields (guint story, ElPatient *patient, guint k, GDateTime *taken_at, gboolean updated)
{
  ElSbarFields *fields = el_demo_make_fields (story, patient);
  ElSbarVitals *vitals = el_sbar_fields_get_vitals (fields);
  int drift = (int) ((k * 7 + story) % 9) - 4; /* -4 .. 4 */

  if (vitals == NULL)
    return fields;
  g_clear_pointer (&vitals->taken_at, g_date_time_unref);
  vitals->taken_at = g_date_time_ref (taken_at);
  if (vitals->heart_rate != NULL)
    vitals->heart_rate->value = CLAMP (vitals->heart_rate->value + drift + (updated ? 6 : 0), 40, 180);
  if (vitals->temperature_c != NULL)
    vitals->temperature_c->value =
        CLAMP (round1 (vitals->temperature_c->value + drift * 0.1 + (updated ? 0.4 : 0.0)), 35.0, 41.0);
  if (vitals->respiratory_rate != NULL && updated)
    vitals->respiratory_rate->value = CLAMP (vitals->respiratory_rate->value + 2, 8, 40);
  return fields;
}

static ElSbarVersion *
make_content (
    Seed *seed, guint story, guint replica, guint key, guint v, ElSbarFields *fields, gboolean updated)
{
  const ElDemoPatient *p = el_demo_patient (story);
  ElSbarVersion *content = el_sbar_version_new ();
  g_autofree char *id = el_demo_uuid ("sbar", story, replica, key * 4 + v);
  g_autofree char *recommendation = NULL;

  el_sbar_version_set_id (content, id);
  el_sbar_version_set_source (content, EL_SBAR_SOURCE_NURSE);
  el_sbar_version_set_situation (content, p->situation);
  el_sbar_version_set_background (content, p->background);
  el_sbar_version_set_assessment (content, p->assessment);
  if (updated)
    recommendation =
        g_strdup_printf ("%s Repeat vitals in two hours and tell the covering physician if the heart "
                         "rate stays above the new reading.",
                         p->recommendation);
  el_sbar_version_set_recommendation (content, updated ? recommendation : p->recommendation);
  el_sbar_version_take_fields (content, fields);
  return content;
}

static GDateTime *
min_time (GDateTime *a, GDateTime *b)
{
  return g_date_time_ref (g_date_time_compare (a, b) <= 0 ? a : b);
}

static gboolean
seed_handoff (Seed *seed,
              SeedUnit *unit,
              ElPatient *patient,
              guint g,
              guint story,
              guint replica,
              guint k,
              GError **error)
{
  const SeedShift *shift = &g_array_index (seed->shifts, SeedShift, k);
  gboolean current = k == seed->shifts->len - 1;
  gboolean second = (g + k) % 3 == 0;
  guint key = g_date_get_julian (&shift->date) * 2 + (shift->shift == EL_SHIFT_NIGHT ? 1 : 0);
  g_autoptr (GDateTime) start = el_repo_shift_start (&shift->date, shift->shift, seed->tz);
  g_autoptr (GDateTime) end = g_date_time_add_hours (start, 12);
  g_autoptr (GDateTime) anchor = current ? g_date_time_ref (seed->now) : g_date_time_ref (end);
  g_autoptr (GDateTime) t_create = g_date_time_add_minutes (anchor, current ? -30 : -45);
  g_autoptr (GDateTime) t_v1 = g_date_time_add_minutes (anchor, current ? -25 : -40);
  g_autoptr (GDateTime) t_v2 = g_date_time_add_minutes (anchor, current ? -10 : -25);
  g_autoptr (GDateTime) t_sign = g_date_time_add_minutes (anchor, -10);
  g_autoptr (GDateTime) t_ack_planned = g_date_time_add_minutes (anchor, 5);
  g_autoptr (GDateTime) t_ack = min_time (t_ack_planned, seed->now);
  g_autoptr (GDateTime) t_vitals = g_date_time_add_minutes (t_v1, -20);
  g_autoptr (ElHandoff) request = el_handoff_new ();
  g_autoptr (ElHandoff) handoff = NULL;
  g_autoptr (ElSbarVersion) v1 = NULL;
  g_autoptr (ElSbarVersion) content = NULL;
  g_autofree char *id = el_demo_uuid ("handoff", story, replica, key);
  int latest = 1;

  el_handoff_set_id (request, id);
  el_handoff_set_patient_id (request, el_patient_get_id (patient));
  el_handoff_set_shift_date (request, &shift->date);
  el_handoff_set_shift (request, shift->shift);
  el_handoff_set_outgoing_nurse_id (request, unit->nurse_id);
  el_handoff_set_receiving_nurse_id (request, unit->charge_id);
  el_handoff_set_created_by (request, unit->nurse_id);
  set_clock (seed, t_create);
  handoff = el_repo_handoff_create (seed->db, request, unit->nurse_id, NULL, error);
  if (handoff == NULL)
    return FALSE;
  seed->n_handoffs++;

  content =
      make_content (seed, story, replica, key, 1, make_fields (story, patient, k, t_vitals, FALSE), FALSE);
  set_clock (seed, t_v1);
  v1 = el_repo_sbar_append (seed->db, id, 0, content, unit->nurse_id, NULL, NULL, error);
  if (v1 == NULL)
    return FALSE;
  seed->n_versions++;

  if (second)
    {
      g_autoptr (ElSbarVersion) edit = NULL;
      g_autoptr (ElSbarVersion) v2 = NULL;
      g_autoptr (GDateTime) t_vitals2 = g_date_time_add_minutes (t_v2, -5);

      edit =
          make_content (seed, story, replica, key, 2, make_fields (story, patient, k, t_vitals2, TRUE), TRUE);
      set_clock (seed, t_v2);
      v2 = el_repo_sbar_append (seed->db, id, 1, edit, unit->charge_id, NULL, NULL, error);
      if (v2 == NULL)
        return FALSE;
      seed->n_versions++;
      latest = 2;
    }

  if (!current)
    {
      g_autoptr (ElHandoff) signed_handoff = NULL;
      g_autoptr (ElHandoff) acknowledged = NULL;

      set_clock (seed, t_sign);
      signed_handoff = el_repo_handoff_sign (seed->db, id, latest, unit->nurse_id, NULL, error);
      if (signed_handoff == NULL)
        return FALSE;
      set_clock (seed, t_ack);
      acknowledged = el_repo_handoff_acknowledge (
          seed->db, id, latest, k % 4 == 0 ? "Read back complete, no open questions." : NULL, unit->charge_id,
          NULL, error);
      if (acknowledged == NULL)
        return FALSE;
    }
  return TRUE;
}

/* Patients -------------------------------------------------------------------------------------- */

static gboolean
seed_patient (Seed *seed, SeedUnit *unit, guint u, guint i, GError **error)
{
  guint g = u * seed->per_unit + i;
  guint n_stories = el_demo_n_patients ();
  guint story = g % n_stories, replica = g / n_stories;
  g_autofree char *room = g_strdup_printf ("%u%02u", unit->floor, i + 1);
  g_autoptr (ElPatient) patient = el_demo_make_patient (story, replica, unit->id, room, seed->now);
  g_autoptr (ElPatient) existing = NULL;
  g_autoptr (GError) local_error = NULL;
  GDateTime *admitted = el_patient_get_admitted_at (patient);

  if (admitted != NULL && g_date_time_compare (admitted, seed->history) > 0)
    el_patient_set_admitted_at (patient, seed->history);

  existing = el_repo_patient_get (seed->db, el_patient_get_id (patient), NULL, NULL, &local_error);
  if (existing != NULL)
    {
      seed->n_skipped++;
      return TRUE;
    }
  if (!g_error_matches (local_error, EL_REPO_ERROR, EL_REPO_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_clear_error (&local_error);

  set_clock (seed, seed->history);
  if (!el_repo_patient_upsert (seed->db, patient, unit->nurse_id, NULL, &local_error))
    {
      if (seed->force && g_error_matches (local_error, EL_REPO_ERROR, EL_REPO_ERROR_CONFLICT))
        {
          seed->n_skipped++;
          return TRUE;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  seed->n_patients++;
  for (guint k = 0; k < seed->shifts->len; k++)
    if (!seed_handoff (seed, unit, patient, g, story, replica, k, error))
      return FALSE;
  return TRUE;
}

static gboolean
seed_units (Seed *seed, GError **error)
{
  for (guint u = 0; u < seed->n_units; u++)
    {
      SeedUnit *unit = &seed->units[u];
      g_autoptr (ElDbTransaction) txn = el_db_transaction_begin (seed->db, error);
      guint64 handoffs = seed->n_handoffs, versions = seed->n_versions, patients = seed->n_patients;
      gint64 start = g_get_monotonic_time ();

      if (txn == NULL)
        return FALSE;
      for (guint i = 0; i < seed->per_unit; i++)
        if (!seed_patient (seed, unit, u, i, error))
          {
            g_prefix_error (error, "unit %s: ", unit->code);
            return FALSE;
          }
      if (!el_db_transaction_commit (txn, error))
        return FALSE;
      g_printerr ("seed-demo: unit %s (%u/%u): %" G_GUINT64_FORMAT " patients, %" G_GUINT64_FORMAT
                  " handoffs, %" G_GUINT64_FORMAT " SBAR versions in %.1f s\n",
                  unit->code, u + 1, seed->n_units, seed->n_patients - patients, seed->n_handoffs - handoffs,
                  seed->n_versions - versions, elapsed_since (start));
    }
  return TRUE;
}

/* The command ----------------------------------------------------------------------------------- */

int
el_cmd_seed_demo (int argc, char **argv)
{
  g_autofree char *password = NULL;
  int n_units = -1, per_unit = -1, days = -1, scale = 1;
  gboolean force = FALSE;
  const GOptionEntry entries[] = {
    { "password", 'p', 0, G_OPTION_ARG_STRING, &password,
      "Password of every demo account (default handoff-demo)", "P" },
    { "units", 0, 0, G_OPTION_ARG_INT, &n_units, "Number of units (default 2)", "N" },
    { "patients-per-unit", 0, 0, G_OPTION_ARG_INT, &per_unit, "Patients per unit (default 12)", "N" },
    { "days", 0, 0, G_OPTION_ARG_INT, &days, "Days of handoff history, two shifts a day (default 3)", "N" },
    { "scale", 0, 0, G_OPTION_ARG_INT, &scale,
      "Benchmark size: 2N units, 12+18(N-1)/14 patients each, 3+87(N-1)/14 days (15: 30 x 30 x 90)", "N" },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, "Seed even if the database has units (keeps existing rows)",
      NULL },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("");
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) env = NULL;
  g_autoptr (ElServerConfig) config = NULL;
  g_autoptr (ElVault) vault = NULL;
  g_autoptr (ElDbLock) lock = NULL;
  g_auto (Seed) seed = { 0 };
  gint64 start = g_get_monotonic_time ();
  gint64 existing_units;

  g_option_context_set_summary (
      context, "Seeds the demo hospital (units 4W and 5E, 24 fictional patients, staff accounts, "
               "three days of handoffs with SBAR histories), or a larger one for benchmarks.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return el_command_fail (EL_EXIT_USAGE, "seed-demo: %s", error->message);
  if (argc != 1)
    return el_command_fail (EL_EXIT_USAGE, "seed-demo takes no arguments");
  if (scale < 1 || scale > MAX_SCALE)
    return el_command_fail (EL_EXIT_USAGE, "--scale must be from 1 to %d", MAX_SCALE);
  apply_scale (scale, &n_units, &per_unit, &days);
  if (n_units < 1 || n_units > MAX_UNITS)
    return el_command_fail (EL_EXIT_USAGE, "--units must be from 1 to %d", MAX_UNITS);
  if (per_unit < 1 || per_unit > MAX_PER_UNIT)
    return el_command_fail (EL_EXIT_USAGE, "--patients-per-unit must be from 1 to %d", MAX_PER_UNIT);
  if (days < 1 || days > MAX_DAYS)
    return el_command_fail (EL_EXIT_USAGE, "--days must be from 1 to %d", MAX_DAYS);
  if (password == NULL)
    password = g_strdup (DEFAULT_PASSWORD);
  if (!g_utf8_validate (password, -1, NULL) || g_utf8_strlen (password, -1) < MIN_PASSWORD_CHARS ||
      strlen (password) > EL_PASSWORD_MAX_BYTES)
    {
      OPENSSL_cleanse (password, strlen (password));
      return el_command_fail (EL_EXIT_USAGE, "--password must be UTF-8 text of %d characters to %d bytes",
                              MIN_PASSWORD_CHARS, EL_PASSWORD_MAX_BYTES);
    }

  env = g_get_environ ();
  config = el_server_config_new_from_environ ((const char *const *) env, EL_SERVER_CONFIG_KEY, &error);
  if (config == NULL)
    {
      OPENSSL_cleanse (password, strlen (password));
      return el_command_fail (EL_EXIT_USAGE, "%s", error->message);
    }

  lock = el_db_lock_acquire (config->database_path, EL_DB_LOCK_SHARED, &error);
  if (lock == NULL)
    {
      OPENSSL_cleanse (password, strlen (password));
      return el_command_fail (EL_EXIT_FAILURE, "%s", error->message);
    }
  vault = el_vault_new (config->encryption_key);
  seed.db = el_db_open_full (config->database_path, vault, EL_DB_OPEN_MIGRATE, &error);
  if (seed.db == NULL)
    {
      OPENSSL_cleanse (password, strlen (password));
      return el_command_fail (EL_EXIT_FAILURE, "%s", error->message);
    }
  /* Big transactions: keep their pages in memory (256 MiB) rather than spilling them to the WAL. */
  if (!el_db_exec (seed.db, "PRAGMA cache_size = -262144", &error))
    {
      OPENSSL_cleanse (password, strlen (password));
      return el_command_fail (EL_EXIT_FAILURE, "%s", error->message);
    }
  existing_units = el_repo_units_count (seed.db, &error);
  if (existing_units < 0)
    {
      OPENSSL_cleanse (password, strlen (password));
      return el_command_fail (EL_EXIT_FAILURE, "%s", error->message);
    }
  if (existing_units > 0 && !force)
    {
      OPENSSL_cleanse (password, strlen (password));
      return el_command_fail (EL_EXIT_FAILURE,
                              "the database already has %" G_GINT64_FORMAT
                              " units: seed-demo only fills an empty database (--force adds the demo anyway)",
                              existing_units);
    }

  /* One Argon2id hash (about 30 ms) for every demo account. */
  seed.password_hash = el_password_hash (password, strlen (password), &error);
  OPENSSL_cleanse (password, strlen (password));
  if (seed.password_hash == NULL)
    return el_command_fail (EL_EXIT_FAILURE, "%s", error->message);

  seed.n_units = (guint) n_units;
  seed.per_unit = (guint) per_unit;
  seed.days = (guint) days;
  seed.force = force;
  seed.tz = g_time_zone_new_local ();
  seed.now = g_date_time_new_now (seed.tz);
  seed.units = g_new0 (SeedUnit, seed.n_units);
  compute_shifts (&seed);
  g_printerr ("seed-demo: %u units x %u patients x %u days (%u shifts of handoffs per patient)\n",
              seed.n_units, seed.per_unit, seed.days, seed.shifts->len);

  if (!seed_staff (&seed, &error) || !seed_units (&seed, &error))
    {
      el_repo_set_clock (seed.db, NULL);
      return el_command_fail (EL_EXIT_FAILURE, "seeding failed: %s", error->message);
    }
  el_repo_set_clock (seed.db, NULL);
  if (!el_db_checkpoint (seed.db, &error))
    {
      g_printerr ("seed-demo: %s (the data is committed)\n", error->message);
      g_clear_error (&error);
    }

  if (seed.n_skipped > 0)
    g_printerr ("seed-demo: %" G_GUINT64_FORMAT " patients existed and were kept as they are\n",
                seed.n_skipped);
  g_print ("seeded %" G_GUINT64_FORMAT " units, %" G_GUINT64_FORMAT " users, %" G_GUINT64_FORMAT
           " patients, %" G_GUINT64_FORMAT " handoffs and %" G_GUINT64_FORMAT " SBAR versions in %.1f s\n",
           seed.n_units_created, seed.n_users, seed.n_patients, seed.n_handoffs, seed.n_versions,
           elapsed_since (start));
  return EL_EXIT_OK;
}
