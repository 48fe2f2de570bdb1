/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ElStore on real SQLite files in a temporary folder, with a vault from a fixed test key. */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "el-model-types.h"
#include "el-store.h"
#include "el-test-util.h"

#define CANARY "CANARY-PATIENT-ZQX"
#define UNIT   "11111111-1111-4111-8111-111111111111"
#define USER   "22222222-2222-4222-8222-222222222222"

/* ---- helpers: run the async calls to completion on the default main context ---- */

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

static ElVault *
test_vault (guint8 seed)
{
  guint8 key[EL_VAULT_KEY_BYTES];

  for (guint i = 0; i < sizeof key; i++)
    key[i] = (guint8) (seed + i);
  return el_vault_new (key);
}

static ElStore *
open_store (const char *path, ElVault *vault, GError **error)
{
  g_autoptr (GAsyncResult) r = NULL;

  r = RUN (el_store_open_async, path, vault);
  return el_store_open_finish (r, error);
}

static ElStore *
open_ok (const char *path, ElVault *vault)
{
  g_autoptr (GError) error = NULL;
  ElStore *store = open_store (path, vault, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
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

static JsonNode *
parse (const char *json)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  g_assert_no_error (error);
  return node;
}

static gboolean
apply_page (ElStore *store, const char *json, ElStoreApplyResult *out, GError **error)
{
  g_autoptr (JsonNode) page = parse (json);
  g_autoptr (GAsyncResult) r = RUN (el_store_apply_changes_page_async, store, page);

  return el_store_apply_changes_page_finish (store, r, out, error);
}

static void
apply_ok (ElStore *store, const char *json)
{
  g_autoptr (GError) error = NULL;
  ElStoreApplyResult res;

  g_assert_true (apply_page (store, json, &res, &error));
  g_assert_no_error (error);
}

static gint64
get_cursor (ElStore *store)
{
  g_autoptr (GAsyncResult) r = RUN (el_store_get_cursor_async, store);
  g_autoptr (GError) error = NULL;
  gint64 c = el_store_get_cursor_finish (store, r, &error);

  g_assert_no_error (error);
  return c;
}

static ElStoreCounts
get_counts (ElStore *store)
{
  g_autoptr (GAsyncResult) r = RUN (el_store_get_counts_async, store);
  g_autoptr (GError) error = NULL;
  ElStoreCounts c;

  g_assert_true (el_store_get_counts_finish (store, r, &c, &error));
  g_assert_no_error (error);
  return c;
}

static GPtrArray *
list_ops (ElStore *store, ElStoreOpFilter filter)
{
  g_autoptr (GAsyncResult) r = RUN (el_store_list_ops_async, store, filter);
  g_autoptr (GError) error = NULL;
  GPtrArray *ops = el_store_list_ops_finish (store, r, &error);

  g_assert_no_error (error);
  return ops;
}

static guint
count_ops (ElStore *store, ElStoreOpFilter filter)
{
  g_autoptr (GPtrArray) ops = list_ops (store, filter);

  return ops->len;
}

static ElSbarVersion *
draft (const char *situation)
{
  ElSbarVersion *v = el_sbar_version_new ();

  el_sbar_version_set_source (v, EL_SBAR_SOURCE_NURSE);
  el_sbar_version_set_situation (v, situation);
  el_sbar_version_set_author_id (v, USER);
  return v;
}

static char *
save_draft (ElStore *store, const char *handoff_id, int base, const char *situation)
{
  g_autoptr (ElSbarVersion) v = draft (situation);
  g_autoptr (GAsyncResult) r = RUN (el_store_save_sbar_draft_async, store, handoff_id, base, v);
  g_autoptr (GError) error = NULL;
  char *op_id = el_store_save_sbar_draft_finish (store, r, &error);

  g_assert_no_error (error);
  g_assert_nonnull (op_id);
  return op_id;
}

static ElStoreSbar *
get_sbar (ElStore *store, const char *handoff_id, int version, GError **error)
{
  g_autoptr (GAsyncResult) r = RUN (el_store_get_sbar_async, store, handoff_id, version);

  return el_store_get_sbar_finish (store, r, error);
}

static ElHandoff *
get_handoff (ElStore *store, const char *id)
{
  g_autoptr (GAsyncResult) r = RUN (el_store_get_handoff_async, store, id);
  g_autoptr (GError) error = NULL;
  ElHandoff *h = el_store_get_handoff_finish (store, r, &error);

  g_assert_no_error (error);
  return h;
}

#define BOOL_CALL(name, st, ...)                                                    \
  G_STMT_START                                                                      \
  {                                                                                 \
    g_autoptr (GAsyncResult) r_ = RUN (el_store_##name##_async, st, ##__VA_ARGS__); \
    g_autoptr (GError) e_ = NULL;                                                   \
    gboolean ok_ = el_store_##name##_finish (st, r_, &e_);                          \
    g_assert_no_error (e_);                                                         \
    g_assert_true (ok_);                                                            \
  }                                                                                 \
  G_STMT_END

/* ---- JSON of the server's entities ---- */

static char *
unit_json (const char *id, const char *code)
{
  return g_strdup_printf ("{\"id\":\"%s\",\"name\":\"Unit %s\",\"code\":\"%s\"}", id, code, code);
}

static char *
patient_json (const char *id, const char *room, const char *name)
{
  return g_strdup_printf (
      "{\"id\":\"%s\",\"unit_id\":\"" UNIT "\",\"mrn\":\"MRN-%s\",\"given_name\":\"%s\","
      "\"family_name\":\"Doe\",\"date_of_birth\":\"1950-01-02\",\"sex\":\"female\","
      "\"room\":\"%s\",\"bed\":\"A\",\"allergies\":[\"%s penicillin\"],\"diagnosis\":\"%s "
      "pneumonia\",\"updated_at\":\"2024-05-01T08:00:00.000Z\"}",
      id, name, name, room, name, name);
}

static char *
handoff_json (
    const char *id, const char *patient_id, const char *status, const char *shift, const char *updated_at)
{
  return g_strdup_printf (
      "{\"id\":\"%s\",\"patient_id\":\"%s\",\"unit_id\":\"" UNIT "\",\"status\":\"%s\","
      "\"shift_date\":\"2024-05-01\",\"shift\":\"%s\",\"created_by\":\"" USER "\","
      "\"created_at\":\"%s\",\"updated_at\":\"%s\",\"latest_version\":1,\"etag\":\"e-%s\"}",
      id, patient_id, status, shift, updated_at, updated_at, updated_at);
}

static char *
sbar_json (const char *id, const char *handoff_id, int version, const char *prev_id, const char *situation)
{
  g_autofree char *prev = prev_id != NULL ? g_strdup_printf ("\"%s\"", prev_id) : g_strdup ("null");

  return g_strdup_printf ("{\"id\":\"%s\",\"handoff_id\":\"%s\",\"version\":%d,\"previous_version_id\":%s,"
                          "\"author_id\":\"" USER "\",\"source\":\"nurse\",\"created_at\":"
                          "\"2024-05-01T09:0%d:00.000Z\",\"situation\":\"%s\",\"fields\":{}}",
                          id, handoff_id, version, prev, version % 10, situation);
}

static char *
recording_json (const char *id, const char *handoff_id, const char *transcript)
{
  return g_strdup_printf ("{\"id\":\"%s\",\"handoff_id\":\"%s\",\"status\":\"completed\",\"mime_type\":"
                          "\"audio/ogg\",\"transcript\":\"%s\",\"created_at\":\"2024-05-01T08:30:00.000Z\","
                          "\"updated_at\":\"2024-05-01T08:31:00.000Z\"}",
                          id, handoff_id, transcript);
}

/* A ChangeFeed page: groups is the inside of "upserts" (e.g. "\"units\":[...]"). */
static char *
page_json (gint64 cursor, const char *upserts, const char *tombstones)
{
  return g_strdup_printf ("{\"next_cursor\":%" G_GINT64_FORMAT ",\"has_more\":false,\"upserts\":{%s},"
                          "\"tombstones\":{%s}}",
                          cursor, upserts != NULL ? upserts : "", tombstones != NULL ? tombstones : "");
}

#define P1 "33333333-3333-4333-8333-000000000001"
#define P2 "33333333-3333-4333-8333-000000000002"
#define H1 "44444444-4444-4444-8444-000000000001"
#define H2 "44444444-4444-4444-8444-000000000002"
#define H3 "44444444-4444-4444-8444-000000000003"
#define V1 "55555555-5555-4555-8555-000000000001"
#define V2 "55555555-5555-4555-8555-000000000002"
#define R1 "66666666-6666-4666-8666-000000000001"

/* Unit, two patients (P1 carries the canary), H1 for P1 with version 1, a recording. */
static void
seed_basic (ElStore *store, gint64 cursor)
{
  g_autofree char *u = unit_json (UNIT, "4W");
  g_autofree char *p1 = patient_json (P1, "401", CANARY);
  g_autofree char *p2 = patient_json (P2, "402", "Other");
  g_autofree char *h1 = handoff_json (H1, P1, "ready", "day", "2024-05-01T08:00:00.000Z");
  g_autofree char *v1 = sbar_json (V1, H1, 1, NULL, CANARY " is short of breath");
  g_autofree char *r1 = recording_json (R1, H1, CANARY " transcript");
  g_autofree char *groups = g_strdup_printf ("\"units\":[%s],\"patients\":[%s,%s],\"handoffs\":[%s],"
                                             "\"recordings\":[%s],\"sbar_versions\":[%s]",
                                             u, p1, p2, h1, r1, v1);
  g_autofree char *page = page_json (cursor, groups, NULL);

  apply_ok (store, page);
}

typedef struct
{
  char *dir;
  char *path;
  ElVault *vault;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  (void) data;
  f->dir = el_test_make_dir ("el-store-XXXXXX");
  f->path = g_build_filename (f->dir, "cache.db", NULL);
  f->vault = test_vault (1);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  (void) data;
  el_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
  g_object_unref (f->vault);
}

static int
raw_int (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;
  int v = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &s, NULL), ==, SQLITE_OK);
  if (sqlite3_step (s) == SQLITE_ROW)
    v = sqlite3_column_int (s, 0);
  sqlite3_finalize (s);
  sqlite3_close (db);
  return v;
}

static void
raw_exec (const char *path, const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* ---- tests ---- */

static void
test_path_for_account (void)
{
  g_autofree char *a =
      el_store_path_for_account ("/data", "https://h.example/", "Nurse.A@demo.eclipselink.ai");
  g_autofree char *b =
      el_store_path_for_account ("/data", "https://h.example", "nurse.a@demo.eclipselink.ai");
  g_autofree char *c =
      el_store_path_for_account ("/data", "https://h.example", "nurse.b@demo.eclipselink.ai");
  g_autofree char *d =
      el_store_path_for_account ("/data", "https://other.example", "nurse.a@demo.eclipselink.ai");

  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, !=, c);
  g_assert_cmpstr (a, !=, d);
  g_assert_true (g_str_has_prefix (a, "/data/cache-"));
  g_assert_true (g_str_has_suffix (a, ".db"));
  g_assert_null (strstr (a, "nurse"));
  g_assert_null (strstr (a, "demo"));
}

static void
test_open_migrate_reopen (Fixture *f, gconstpointer data)
{
  static const struct
  {
    const char *name, *value;
  } expected[] = {
    { "journal_mode", "wal" }, { "synchronous", "2" },     { "secure_delete", "1" },
    { "foreign_keys", "1" },   { "busy_timeout", "5000" }, { "user_version", "1" },
  };
  g_autoptr (ElStore) store = NULL;
  g_autoptr (ElStore) again = NULL;
  g_autoptr (GError) error = NULL;

  (void) data;
  store = open_ok (f->path, f->vault);
  g_assert_cmpstr (el_store_get_path (store), ==, f->path);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr (GAsyncResult) r = RUN (el_store_get_pragma_async, store, expected[i].name);
      g_autofree char *value = el_store_get_pragma_finish (store, r, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (value, ==, expected[i].value);
    }
  {
    g_autoptr (GAsyncResult) r = RUN (el_store_get_pragma_async, store, "key");
    g_autofree char *value = el_store_get_pragma_finish (store, r, &error);

    g_assert_error (error, EL_STORE_ERROR, EL_STORE_ERROR_INVALID);
    g_assert_null (value);
    g_clear_error (&error);
  }
  seed_basic (store, 7);
  close_store (store);
  {
    /* Closed: later calls say so. */
    g_autoptr (GAsyncResult) r = RUN (el_store_get_cursor_async, store);

    g_assert_cmpint (el_store_get_cursor_finish (store, r, &error), ==, -1);
    g_assert_error (error, EL_STORE_ERROR, EL_STORE_ERROR_CLOSED);
    g_clear_error (&error);
  }
  g_assert_cmpint (raw_int (f->path, "PRAGMA user_version"), ==, EL_STORE_SCHEMA_VERSION);

  again = open_ok (f->path, f->vault);
  g_assert_cmpint (get_cursor (again), ==, 7);
  g_assert_cmpuint (get_counts (again).patients, ==, 2);
  BOOL_CALL (integrity_check, again);
  close_store (again);

  /* A file from a newer build is refused. */
  raw_exec (f->path, "PRAGMA user_version = 99");
  g_assert_null (open_store (f->path, f->vault, &error));
  g_assert_error (error, EL_STORE_ERROR, EL_STORE_ERROR_TOO_NEW);
}

static void
assert_mode_0600 (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_file_mode (Fixture *f, gconstpointer data)
{
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->path, "-shm", NULL);
  g_autofree char *nested = g_build_filename (f->dir, "sub", "cache.db", NULL);
  g_autofree char *nested_dir = g_path_get_dirname (nested);
  g_autoptr (ElStore) store = NULL;
  g_autoptr (ElStore) store2 = NULL;
  mode_t old = umask (0);
  GStatBuf st;

  (void) data;
  store = open_ok (f->path, f->vault);
  seed_basic (store, 1);
  assert_mode_0600 (f->path);
  assert_mode_0600 (wal);
  assert_mode_0600 (shm);
  close_store (store);

  /* A file left world-readable is fixed at open; a missing folder is created 0700. */
  g_assert_cmpint (g_chmod (f->path, 0644), ==, 0);
  store2 = open_ok (f->path, f->vault);
  assert_mode_0600 (f->path);
  close_store (store2);
  g_clear_object (&store2);
  store2 = open_ok (nested, f->vault);
  assert_mode_0600 (nested);
  g_assert_cmpint (g_stat (nested_dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  umask (old);
}

static void
assert_no_canary (const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *p = g_strconcat (path, suffixes[i], NULL);

      g_assert_false (el_test_file_contains (p, CANARY));
      g_assert_false (el_test_file_contains (p, "MRN-" CANARY));
    }
}

static void
test_sealed_canary (Fixture *f, gconstpointer data)
{
  g_autoptr (ElStore) store = NULL;
  g_autoptr (ElPatient) patient = NULL;
  g_autoptr (ElStoreSbar) sbar = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *op_id = NULL;
  g_autofree char *theirs = sbar_json (V2, H1, 2, V1, CANARY " theirs");
  g_autoptr (JsonNode) theirs_node = parse (theirs);
  g_autoptr (JsonNode) patch = parse ("{\"shift\":\"night\"}");
  g_autoptr (GBytes) payload = g_bytes_new_static ("{\"readback_note\":\"" CANARY "\"}", 36);
  g_autofree char *ack_id = NULL;
  g_autofree char *positive = g_build_filename (f->dir, "positive.db", NULL);

  (void) data;
  store = open_ok (f->path, f->vault);
  seed_basic (store, 1);
  op_id = save_draft (store, H1, 1, CANARY " mine");
  {
    g_autoptr (GAsyncResult) r = RUN (el_store_mark_conflict_async, store, op_id, theirs_node);

    g_assert_true (el_store_mark_conflict_finish (store, r, &error));
    g_assert_no_error (error);
  }
  g_free (save_draft (store, H1, 2, CANARY " second draft"));
  {
    g_autoptr (GAsyncResult) r = RUN (el_store_patch_handoff_async, store, H1, patch, NULL);
    g_autofree char *id = el_store_patch_handoff_finish (store, r, &error);

    g_assert_no_error (error);
    g_assert_nonnull (id);
  }
  {
    g_autoptr (GAsyncResult) r =
        RUN (el_store_enqueue_async, store, "handoff.acknowledge", "handoff", H1, payload, -1, NULL);

    ack_id = el_store_enqueue_finish (store, r, &error);
    g_assert_no_error (error);
  }
  {
    /* A pulled change of H1 while it has ops: kept aside, sealed too. */
    g_autofree char *h1 = NULL;
    g_autofree char *groups = NULL;
    g_autofree char *page = NULL;
    ElStoreApplyResult res;

    h1 = g_strdup_printf (
        "{\"id\":\"" H1 "\",\"patient_id\":\"" P1 "\",\"unit_id\":\"" UNIT "\",\"status\":"
        "\"ready\",\"shift_date\":\"2024-05-01\",\"shift\":\"day\",\"created_by\":\"" USER "\","
        "\"created_at\":\"2024-05-01T08:00:00.000Z\",\"updated_at\":\"2024-05-01T10:00:00.000Z\","
        "\"latest_version\":2,\"readback_note\":\"" CANARY " note\"}");
    groups = g_strdup_printf ("\"handoffs\":[%s]", h1);
    page = page_json (2, groups, NULL);
    g_assert_true (apply_page (store, page, &res, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (res.deferred, ==, 1);
  }

  /* Positive control: the canary went in and reads back. */
  {
    g_autoptr (GAsyncResult) r = RUN (el_store_get_patient_async, store, P1);

    patient = el_store_get_patient_finish (store, r, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (el_patient_get_given_name (patient), ==, CANARY);
  }
  sbar = get_sbar (store, H1, 0, &error);
  g_assert_no_error (error);
  g_assert_true (sbar->pending);
  g_assert_cmpstr (el_sbar_version_get_situation (sbar->version), ==, CANARY " second draft");

  /* While open (data in the WAL), after a backup, and after close (checkpointed). */
  assert_no_canary (f->path);
  BOOL_CALL (backup, store, positive);
  assert_no_canary (positive);
  close_store (store);
  assert_no_canary (f->path);

  /* The grep itself can fail: a plaintext SQLite file with the canary is caught. */
  raw_exec (positive, "CREATE TABLE t (x); INSERT INTO t VALUES ('" CANARY "')");
  g_assert_true (el_test_file_contains (positive, CANARY));
}

static void
test_sealed_swap (Fixture *f, gconstpointer data)
{
  g_autoptr (ElStore) store = NULL;
  g_autoptr (ElStore) again = NULL;
  g_autoptr (GError) error = NULL;

  (void) data;
  store = open_ok (f->path, f->vault);
  seed_basic (store, 1);
  close_store (store);

  raw_exec (f->path,
            "UPDATE patients SET doc = (SELECT doc FROM patients WHERE id = '" P2 "') WHERE id = '" P1 "'");
  again = open_ok (f->path, f->vault);
  {
    g_autoptr (GAsyncResult) r = RUN (el_store_get_patient_async, again, P1);
    g_autoptr (ElPatient) p = el_store_get_patient_finish (again, r, &error);

    g_assert_null (p);
    g_assert_error (error, EL_STORE_ERROR, EL_STORE_ERROR_SEALED);
    g_assert_nonnull (strstr (error->message, "patients.doc"));
    g_assert_null (strstr (error->message, CANARY));
    g_clear_error (&error);
  }
  {
    /* The census reads every patient of the unit: it fails the same way. */
    g_autoptr (GAsyncResult) r = RUN (el_store_census_async, again, UNIT);
    g_autoptr (GPtrArray) rows = el_store_census_finish (again, r, &error);

    g_assert_null (rows);
    g_assert_error (error, EL_STORE_ERROR, EL_STORE_ERROR_SEALED);
    g_clear_error (&error);
  }
  {
    g_autoptr (GAsyncResult) r = RUN (el_store_get_patient_async, again, P2);
    g_autoptr (ElPatient) p = el_store_get_patient_finish (again, r, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (el_patient_get_given_name (p), ==, "Other");
  }
}

static void
test_outbox_order (Fixture *f, gconstpointer data)
{
  g_autoptr (ElStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ops = NULL;
  g_autoptr (GPtrArray) attention = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *digest = NULL;
  gint64 when = g_get_real_time () + 60 * G_USEC_PER_SEC;

  (void) data;
  store = open_ok (f->path, f->vault);
  seed_basic (store, 1);
  a = save_draft (store, H1, 1, "first");
  b = save_draft (store, H2, 0, "other handoff");
  c = save_draft (store, H1, 2, "second");

  ops = list_ops (store, EL_STORE_OP_FILTER_PUSHABLE);
  g_assert_cmpuint (ops->len, ==, 3);
  g_assert_cmpstr (((ElStoreOp *) ops->pdata[0])->op_id, ==, a);
  g_assert_cmpstr (((ElStoreOp *) ops->pdata[1])->op_id, ==, b);
  g_assert_cmpstr (((ElStoreOp *) ops->pdata[2])->op_id, ==, c);
  for (guint i = 0; i < ops->len; i++)
    {
      ElStoreOp *op = ops->pdata[i];

      g_assert_cmpstr (op->kind, ==, EL_STORE_OP_SBAR_CREATE);
      g_assert_cmpstr (op->resource_type, ==, "handoff");
      g_assert_cmpint (op->state, ==, EL_STORE_OP_PENDING);
      g_assert_true (g_uuid_string_is_valid (op->op_id));
      if (i > 0)
        g_assert_cmpint (op->seq, >, ((ElStoreOp *) ops->pdata[i - 1])->seq);
    }
  /* Payload = the SbarVersionCreate body; digest = its SHA-256. */
  {
    ElStoreOp *op = ops->pdata[2];
    g_autoptr (JsonNode) body = json_from_string (g_bytes_get_data (op->payload, NULL), &error);

    g_assert_no_error (error);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (body), "base_version"), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (body), "situation"), ==, "second");
    digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, op->payload);
    g_assert_cmpstr (op->digest, ==, digest);
    g_assert_cmpint (op->base_version, ==, 2);
  }

  /* begin -> failed (retry later) -> begin -> needs attention; the others keep their order. */
  BOOL_CALL (op_begin, store, a);
  BOOL_CALL (op_failed, store, a, "HTTP 503", 503, when);
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = list_ops (store, EL_STORE_OP_FILTER_PUSHABLE);
  g_assert_cmpuint (((ElStoreOp *) ops->pdata[0])->attempts, ==, 1);
  g_assert_cmpint (((ElStoreOp *) ops->pdata[0])->next_attempt_at, ==, when);
  g_assert_cmpstr (((ElStoreOp *) ops->pdata[0])->last_error, ==, "HTTP 503");
  BOOL_CALL (op_begin, store, a);
  BOOL_CALL (op_needs_attention, store, a, "HTTP 422 validation_failed", 422);
  attention = list_ops (store, EL_STORE_OP_FILTER_NEEDS_ATTENTION);
  g_assert_cmpuint (attention->len, ==, 1);
  g_assert_cmpstr (((ElStoreOp *) attention->pdata[0])->op_id, ==, a);
  g_assert_cmpuint (((ElStoreOp *) attention->pdata[0])->http_status, ==, 422);
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = list_ops (store, EL_STORE_OP_FILTER_PUSHABLE);
  g_assert_cmpuint (ops->len, ==, 2);
  g_assert_cmpstr (((ElStoreOp *) ops->pdata[0])->op_id, ==, b);
  {
    g_autoptr (GAsyncResult) r = RUN (el_store_get_pending_count_async, store);

    g_assert_cmpint (el_store_get_pending_count_finish (store, r, &error), ==, 2);
    g_assert_no_error (error);
  }
  /* Wrong transitions are refused. */
  {
    g_autoptr (GAsyncResult) r = RUN (el_store_op_begin_async, store, a);

    g_assert_false (el_store_op_begin_finish (store, r, &error));
    g_assert_error (error, EL_STORE_ERROR, EL_STORE_ERROR_STATE);
    g_clear_error (&error);
  }
  {
    g_autoptr (GAsyncResult) r = RUN (el_store_op_retry_async, store, b);

    g_assert_false (el_store_op_retry_finish (store, r, &error));
    g_assert_error (error, EL_STORE_ERROR, EL_STORE_ERROR_STATE);
    g_clear_error (&error);
  }
  {
    g_autoptr (GAsyncResult) r =
        RUN (el_store_op_done_async, store, "00000000-0000-4000-8000-000000000000", NULL);

    g_assert_false (el_store_op_done_finish (store, r, &error));
    g_assert_error (error, EL_STORE_ERROR, EL_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
  /* retry puts it back in line at its original place (seq). */
  BOOL_CALL (op_retry, store, a);
  g_clear_pointer (&ops, g_ptr_array_unref);
  ops = list_ops (store, EL_STORE_OP_FILTER_PUSHABLE);
  g_assert_cmpuint (ops->len, ==, 3);
  g_assert_cmpstr (((ElStoreOp *) ops->pdata[0])->op_id, ==, a);
  g_assert_cmpuint (((ElStoreOp *) ops->pdata[0])->attempts, ==, 0);

  /* done with the server's version: the op leaves, the pending copy is replaced by the server's. */
  {
    g_autofree char *v2 = sbar_json (V2, H1, 2, V1, "first");
    g_autoptr (JsonNode) entity = parse (v2);
    g_autoptr (ElStoreSbar) v = NULL;

    BOOL_CALL (op_begin, store, a);
    BOOL_CALL (op_done, store, a, entity);
    v = get_sbar (store, H1, 2, &error);
    g_assert_no_error (error);
    g_assert_false (v->pending);
    g_assert_cmpstr (el_sbar_version_get_id (v->version), ==, V2);
  }
  g_assert_cmpuint (get_counts (store).pending_ops, ==, 2);
  /* discard: only from needs attention. */
  BOOL_CALL (op_needs_attention, store, b, "HTTP 404", 404);
  BOOL_CALL (op_discard, store, b);
  g_assert_cmpuint (get_counts (store).pending_ops, ==, 1);
  g_assert_cmpuint (get_counts (store).needs_attention, ==, 0);
  {
    g_autoptr (ElStoreSbar) gone = get_sbar (store, H2, 0, &error);

    g_assert_null (gone);
    g_assert_error (error, EL_STORE_ERROR, EL_STORE_ERROR_NOT_FOUND);
  }
}

/* The crash test: a child saves and _exit()s without closing anything. */
static void
test_outbox_survives_crash (Fixture *f, gconstpointer data)
{
  g_autoptr (ElStore) store = NULL;
  g_autoptr (GPtrArray) ops = NULL;
  g_autoptr (GError) error = NULL;
  const char *crash_dir = g_getenv ("EL_STORE_CRASH_DIR");
  g_autofree char *idfile = g_build_filename (crash_dir, "op-id", NULL);
  g_autofree char *crash_path = g_build_filename (crash_dir, "cache.db", NULL);
  g_autofree char *op_id = NULL;
  g_autofree char *digest = NULL;

  (void) data;
  if (g_test_subprocess ())
    {
      const char *dir = g_getenv ("EL_STORE_CRASH_DIR");
      g_autofree char *path = g_build_filename (dir, "cache.db", NULL);
      g_autofree char *file = g_build_filename (dir, "op-id", NULL);
      ElStore *child = open_ok (path, f->vault);
      char *id;

      seed_basic (child, 1);
      id = save_draft (child, H1, 1, "saved before the crash");
      /* "Saved" was reported: now die without closing, checkpointing or freeing. */
      g_file_set_contents (file, id, -1, NULL);
      g_rmdir (f->dir);
      _exit (0);
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  g_assert_true (g_file_get_contents (idfile, &op_id, NULL, NULL));

  store = open_ok (crash_path, f->vault);
  BOOL_CALL (integrity_check, store);
  ops = list_ops (store, EL_STORE_OP_FILTER_PUSHABLE);
  g_assert_cmpuint (ops->len, ==, 1);
  g_assert_cmpstr (((ElStoreOp *) ops->pdata[0])->op_id, ==, op_id);
  digest = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, ((ElStoreOp *) ops->pdata[0])->payload);
  g_assert_cmpstr (((ElStoreOp *) ops->pdata[0])->digest, ==, digest);
  {
    g_autoptr (ElStoreSbar) v = get_sbar (store, H1, 0, &error);

    g_assert_no_error (error);
    g_assert_true (v->pending);
    g_assert_cmpstr (v->op_id, ==, op_id);
    g_assert_cmpstr (el_sbar_version_get_situation (v->version), ==, "saved before the crash");
    g_assert_cmpint (el_sbar_version_get_version (v->version), ==, 2);
  }
}

static void
test_changes_atomic (Fixture *f, gconstpointer data)
{
  g_autoptr (ElStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *h2 = handoff_json (H2, P2, "ready", "day", "2024-05-02T08:00:00.000Z");
  g_autofree char *bad = g_strdup ("{\"id\":\"" H3 "\",\"patient_id\":\"" P2 "\"}");
  g_autofree char *groups = g_strdup_printf ("\"handoffs\":[%s,%s]", h2, bad);
  g_autofree char *page = page_json (20, groups, NULL);
  g_autofree char *tomb =
      page_json (30, NULL, "\"patients\":[{\"id\":\"" P2 "\",\"deleted_at\":\"2024-05-03T00:00:00Z\"}]");
  g_autofree char *back = page_json (5, NULL, NULL);
  ElStoreApplyResult res;

  (void) data;
  store = open_ok (f->path, f->vault);
  g_assert_cmpint (get_cursor (store), ==, 0);
  seed_basic (store, 10);
  g_assert_cmpint (get_cursor (store), ==, 10);
  g_assert_cmpuint (get_counts (store).handoffs, ==, 1);

  /* One bad item: nothing of the page, cursor unchanged. */
  g_assert_false (apply_page (store, page, &res, &error));
  g_assert_error (error, EL_STORE_ERROR, EL_STORE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "upserts.handoffs[1]"));
  g_clear_error (&error);
  g_assert_cmpint (get_cursor (store), ==, 10);
  g_assert_cmpuint (get_counts (store).handoffs, ==, 1);

  /* Bad envelopes and a cursor going back. */
  g_assert_false (apply_page (
      store, "{\"next_cursor\":-1,\"has_more\":false,\"upserts\":{},\"tombstones\":{}}", &res, &error));
  g_assert_error (error, EL_STORE_ERROR, EL_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (apply_page (store, "[1,2]", &res, &error));
  g_assert_error (error, EL_STORE_ERROR, EL_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (apply_page (store, back, &res, &error));
  g_assert_error (error, EL_STORE_ERROR, EL_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (get_cursor (store), ==, 10);

  /* A tombstone removes, and moves the cursor. */
  g_assert_true (apply_page (store, tomb, &res, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (res.applied, ==, 1);
  g_assert_cmpint (res.next_cursor, ==, 30);
  g_assert_cmpint (get_cursor (store), ==, 30);
  g_assert_cmpuint (get_counts (store).patients, ==, 1);
}

static void
test_pending_not_overwritten (Fixture *f, gconstpointer data)
{
  g_autoptr (ElStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) patch = parse ("{\"shift\":\"night\"}");
  g_autoptr (ElHandoff) h = NULL;
  g_autofree char *op_id = NULL;
  g_autofree char *draft_op = NULL;
  ElStoreApplyResult res;

  (void) data;
  store = open_ok (f->path, f->vault);
  seed_basic (store, 1);
  {
    g_autoptr (GAsyncResult) r = RUN (el_store_patch_handoff_async, store, H1, patch, NULL);

    op_id = el_store_patch_handoff_finish (store, r, &error);
    g_assert_no_error (error);
  }
  h = get_handoff (store, H1);
  g_assert_cmpint (el_handoff_get_shift (h), ==, EL_SHIFT_NIGHT);
  g_clear_object (&h);
  {
    g_autoptr (GPtrArray) ops = list_ops (store, EL_STORE_OP_FILTER_PUSHABLE);

    g_assert_cmpstr (((ElStoreOp *) ops->pdata[0])->etag, ==, "e-2024-05-01T08:00:00.000Z");
  }

  /* Someone else changes H1 (evening) and saves version 2; we pull both. */
  {
    g_autofree char *h1 = handoff_json (H1, P1, "ready", "evening", "2024-05-01T11:00:00.000Z");
    g_autofree char *v2 = sbar_json (V2, H1, 2, V1, "theirs");
    g_autofree char *groups = g_strdup_printf ("\"handoffs\":[%s],\"sbar_versions\":[%s]", h1, v2);
    g_autofree char *page = page_json (2, groups, NULL);

    draft_op = save_draft (store, H1, 1, "mine");
    g_assert_true (apply_page (store, page, &res, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (res.deferred, ==, 1);
    g_assert_cmpuint (res.applied, ==, 1);
    g_assert_cmpint (get_cursor (store), ==, 2);
  }
  h = get_handoff (store, H1);
  g_assert_cmpint (el_handoff_get_shift (h), ==, EL_SHIFT_NIGHT);
  g_clear_object (&h);
  {
    g_autoptr (ElStoreSbar) latest = get_sbar (store, H1, 0, &error);
    g_autoptr (ElStoreSbar) theirs = get_sbar (store, H1, 2, &error);

    g_assert_no_error (error);
    g_assert_true (latest->pending);
    g_assert_true (latest->is_latest);
    g_assert_cmpstr (el_sbar_version_get_situation (latest->version), ==, "mine");
    g_assert_false (theirs->pending);
    g_assert_cmpstr (el_sbar_version_get_situation (theirs->version), ==, "theirs");
  }
  g_assert_cmpuint (get_counts (store).deferred, ==, 1);

  /* The patch is pushed; the server answers with H1 at 12:00 (night). The draft is still pending,
   * so the answer waits too. */
  {
    g_autofree char *answer = handoff_json (H1, P1, "ready", "night", "2024-05-01T12:00:00.000Z");
    g_autoptr (JsonNode) entity = parse (answer);

    BOOL_CALL (op_begin, store, op_id);
    BOOL_CALL (op_done, store, op_id, entity);
  }
  g_assert_cmpuint (get_counts (store).deferred, ==, 1);
  /* The draft is rejected, then discarded: H1 settles on the newest server state (12:00, night). */
  BOOL_CALL (op_needs_attention, store, draft_op, "HTTP 423 locked", 423);
  g_assert_cmpuint (get_counts (store).deferred, ==, 1);
  BOOL_CALL (op_discard, store, draft_op);
  g_assert_cmpuint (get_counts (store).deferred, ==, 0);
  h = get_handoff (store, H1);
  g_assert_cmpint (el_handoff_get_shift (h), ==, EL_SHIFT_NIGHT);
  g_assert_cmpstr (el_handoff_get_etag (h), ==, "e-2024-05-01T12:00:00.000Z");
  g_clear_object (&h);

  /* A local patch that is discarded gives back the server's row. */
  {
    g_autoptr (JsonNode) cancel = parse ("{\"status\":\"cancelled\",\"receiving_nurse_id\":null}");
    g_autoptr (GAsyncResult) r = RUN (el_store_patch_handoff_async, store, H1, cancel, NULL);
    g_autofree char *cancel_op = el_store_patch_handoff_finish (store, r, &error);

    g_assert_no_error (error);
    h = get_handoff (store, H1);
    g_assert_cmpint (el_handoff_get_status (h), ==, EL_HANDOFF_STATUS_CANCELLED);
    g_clear_object (&h);
    BOOL_CALL (op_needs_attention, store, cancel_op, "HTTP 409 invalid_transition", 409);
    BOOL_CALL (op_discard, store, cancel_op);
    h = get_handoff (store, H1);
    g_assert_cmpint (el_handoff_get_status (h), ==, EL_HANDOFF_STATUS_READY);
  }
  {
    /* A bad patch is refused. */
    g_autoptr (JsonNode) bad = parse ("{\"status\":\"signed\"}");
    g_autoptr (GAsyncResult) r = RUN (el_store_patch_handoff_async, store, H1, bad, NULL);
    g_autofree char *bad_op = el_store_patch_handoff_finish (store, r, &error);

    g_assert_null (bad_op);
    g_assert_error (error, EL_STORE_ERROR, EL_STORE_ERROR_INVALID);
  }
}

static void
test_handoff_create (Fixture *f, gconstpointer data)
{
  g_autoptr (ElStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *json = handoff_json (H3, P2, "draft", "day", "2024-05-02T08:00:00.000Z");
  g_autoptr (JsonNode) node = parse (json);
  g_autoptr (ElHandoff) h = el_handoff_new_from_json (node, &error);
  g_autofree char *op_id = NULL;
  g_autofree char *op2 = NULL;

  (void) data;
  g_assert_no_error (error);
  store = open_ok (f->path, f->vault);
  seed_basic (store, 1);
  {
    g_autoptr (GAsyncResult) r = RUN (el_store_create_handoff_async, store, h);

    op_id = el_store_create_handoff_finish (store, r, &error);
    g_assert_no_error (error);
  }
  {
    g_autoptr (GPtrArray) ops = list_ops (store, EL_STORE_OP_FILTER_PUSHABLE);
    ElStoreOp *op = ops->pdata[0];
    g_autoptr (JsonNode) body = json_from_string (g_bytes_get_data (op->payload, NULL), &error);
    JsonObject *obj = json_node_get_object (body);

    g_assert_cmpstr (op->kind, ==, EL_STORE_OP_HANDOFF_CREATE);
    g_assert_cmpstr (json_object_get_string_member (obj, "id"), ==, H3);
    g_assert_false (json_object_has_member (obj, "status"));
  }
  {
    g_autoptr (GAsyncResult) r = RUN (el_store_list_handoffs_async, store, P2);
    g_autoptr (GPtrArray) list = el_store_list_handoffs_finish (store, r, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (list->len, ==, 1);
  }
  /* Rejected and discarded: the local-only handoff goes away. */
  BOOL_CALL (op_needs_attention, store, op_id, "HTTP 422", 422);
  BOOL_CALL (op_discard, store, op_id);
  g_assert_cmpuint (get_counts (store).handoffs, ==, 1);

  /* Created again and accepted: it stays, now as a server row. */
  {
    g_autoptr (GAsyncResult) r = RUN (el_store_create_handoff_async, store, h);

    op2 = el_store_create_handoff_finish (store, r, &error);
    g_assert_no_error (error);
  }
  BOOL_CALL (op_begin, store, op2);
  BOOL_CALL (op_done, store, op2, NULL);
  g_assert_cmpuint (get_counts (store).handoffs, ==, 2);
}

static void
test_conflicts (Fixture *f, gconstpointer data)
{
  g_autoptr (ElStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) conflicts = NULL;
  g_autofree char *op_id = NULL;
  g_autofree char *new_op = NULL;
  g_autofree char *theirs = sbar_json (V2, H1, 2, V1, "theirs");
  g_autoptr (JsonNode) theirs_node = parse (theirs);

  (void) data;
  store = open_ok (f->path, f->vault);
  seed_basic (store, 1);
  op_id = save_draft (store, H1, 1, "mine");
  BOOL_CALL (op_begin, store, op_id);
  {
    /* theirs must be a valid version of this handoff */
    g_autoptr (JsonNode) wrong = parse ("{\"id\":\"x\"}");
    g_autoptr (GAsyncResult) r = RUN (el_store_mark_conflict_async, store, op_id, wrong);

    g_assert_false (el_store_mark_conflict_finish (store, r, &error));
    g_assert_error (error, EL_STORE_ERROR, EL_STORE_ERROR_INVALID);
    g_clear_error (&error);
  }
  BOOL_CALL (mark_conflict, store, op_id, theirs_node);

  {
    g_autoptr (GAsyncResult) r = RUN (el_store_list_conflicts_async, store);
    ElStoreConflict *c;

    conflicts = el_store_list_conflicts_finish (store, r, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (conflicts->len, ==, 1);
    c = conflicts->pdata[0];
    g_assert_cmpstr (c->op_id, ==, op_id);
    g_assert_cmpstr (c->handoff_id, ==, H1);
    g_assert_cmpint (c->base_version, ==, 1);
    g_assert_nonnull (c->base);
    g_assert_cmpstr (el_sbar_version_get_id (c->base), ==, V1);
    g_assert_cmpstr (el_sbar_version_get_situation (c->theirs), ==, "theirs");
    g_assert_cmpstr (el_sbar_version_get_situation (c->mine), ==, "mine");
  }
  g_assert_cmpuint (count_ops (store, EL_STORE_OP_FILTER_PUSHABLE), ==, 0);
  g_assert_cmpuint (get_counts (store).conflicts, ==, 1);
  {
    g_autoptr (ElStoreSbar) latest = get_sbar (store, H1, 0, &error);

    g_assert_no_error (error);
    g_assert_false (latest->pending);
    g_assert_cmpint (el_sbar_version_get_version (latest->version), ==, 2);
  }

  /* Keep mine (merged): a new op on top of theirs. */
  {
    g_autoptr (ElSbarVersion) merged = draft ("theirs + mine");
    g_autoptr (GAsyncResult) r =
        RUN (el_store_resolve_conflict_async, store, op_id, EL_STORE_RESOLVE_KEEP_MINE, merged);
    g_autoptr (GPtrArray) ops = NULL;
    g_autoptr (ElStoreSbar) latest = NULL;

    g_assert_true (el_store_resolve_conflict_finish (store, r, &new_op, &error));
    g_assert_no_error (error);
    g_assert_nonnull (new_op);
    g_assert_cmpstr (new_op, !=, op_id);
    ops = list_ops (store, EL_STORE_OP_FILTER_PUSHABLE);
    g_assert_cmpuint (ops->len, ==, 1);
    g_assert_cmpint (((ElStoreOp *) ops->pdata[0])->base_version, ==, 2);
    latest = get_sbar (store, H1, 0, &error);
    g_assert_true (latest->pending);
    g_assert_cmpint (el_sbar_version_get_version (latest->version), ==, 3);
    g_assert_cmpstr (el_sbar_version_get_previous_version_id (latest->version), ==, V2);
    g_assert_cmpstr (el_sbar_version_get_situation (latest->version), ==, "theirs + mine");
    g_assert_nonnull (el_sbar_version_get_changes_json (latest->version));
  }
  g_assert_cmpuint (get_counts (store).conflicts, ==, 0);

  /* A second conflict, resolved by taking theirs: nothing left to push. */
  {
    g_autofree char *v3 = sbar_json ("55555555-5555-4555-8555-000000000003", H1, 3, V2, "theirs again");
    g_autoptr (JsonNode) v3_node = parse (v3);
    g_autofree char *none = NULL;
    g_autoptr (GAsyncResult) r = NULL;
    g_autoptr (GPtrArray) history = NULL;

    BOOL_CALL (mark_conflict, store, new_op, v3_node);
    r = RUN (el_store_resolve_conflict_async, store, new_op, EL_STORE_RESOLVE_TAKE_THEIRS, NULL);
    g_assert_true (el_store_resolve_conflict_finish (store, r, &none, &error));
    g_assert_no_error (error);
    g_assert_null (none);
    g_assert_cmpuint (get_counts (store).conflicts, ==, 0);
    g_assert_cmpuint (get_counts (store).pending_ops, ==, 0);
    g_clear_object (&r);
    r = RUN (el_store_list_sbar_versions_async, store, H1);
    history = el_store_list_sbar_versions_finish (store, r, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (history->len, ==, 3);
    for (guint i = 0; i < history->len; i++)
      {
        ElStoreSbar *e = history->pdata[i];

        g_assert_cmpint (el_sbar_version_get_version (e->version), ==, (int) i + 1);
        g_assert_false (e->pending);
        g_assert_true (e->is_latest == (i == 2));
      }
  }
}

static void
test_retention (Fixture *f, gconstpointer data)
{
  g_autoptr (ElStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *recent = el_timestamp_format (now);
  g_autofree char *h2 = NULL;
  g_autofree char *h3 = handoff_json (H3, P2, "ready", "day", recent);
  g_autofree char *old_pending = handoff_json (H1, P1, "ready", "day", "2020-01-01T08:00:00.000Z");
  g_autofree char *groups = NULL;
  g_autofree char *page = NULL;
  g_autofree char *op = NULL;

  (void) data;
  h2 = handoff_json (H2, P2, "cancelled", "day", "2020-01-01T08:00:00.000Z");
  groups = g_strdup_printf ("\"handoffs\":[%s,%s,%s]", h2, h3, old_pending);
  page = page_json (5, groups, NULL);
  store = open_ok (f->path, f->vault);
  seed_basic (store, 1);
  apply_ok (store, page);
  op = save_draft (store, H1, 1, "still pending");
  g_assert_cmpuint (get_counts (store).handoffs, ==, 3);
  {
    g_autoptr (GAsyncResult) r = RUN (el_store_purge_async, store, 30);

    g_assert_cmpint (el_store_purge_finish (store, r, &error), ==, 1);
    g_assert_no_error (error);
  }
  g_assert_cmpuint (get_counts (store).handoffs, ==, 2);
  g_clear_object (&store);
  store = open_ok (f->path, f->vault);
  {
    g_autoptr (ElStoreSbar) v = get_sbar (store, H1, 0, &error);

    g_assert_no_error (error);
    g_assert_true (v->pending);
  }
  /* Even needing attention, H1 stays; once its op is gone, it ages out. */
  BOOL_CALL (op_needs_attention, store, op, "HTTP 400", 400);
  {
    g_autoptr (GAsyncResult) r = RUN (el_store_purge_async, store, 30);

    g_assert_cmpint (el_store_purge_finish (store, r, &error), ==, 0);
  }
  BOOL_CALL (op_discard, store, op);
  {
    g_autoptr (GAsyncResult) r = RUN (el_store_purge_async, store, 30);

    g_assert_cmpint (el_store_purge_finish (store, r, &error), ==, 1);
  }
  g_assert_cmpuint (get_counts (store).handoffs, ==, 1);
  g_assert_cmpuint (get_counts (store).sbar_versions, ==, 0);
  g_assert_cmpuint (get_counts (store).recordings, ==, 0);
}

static void
test_census (Fixture *f, gconstpointer data)
{
  g_autoptr (ElStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GPtrArray) units = NULL;
  g_autofree char *op = NULL;

  (void) data;
  store = open_ok (f->path, f->vault);
  seed_basic (store, 1);
  op = save_draft (store, H1, 1, "pending");
  {
    g_autoptr (GAsyncResult) r = RUN (el_store_census_async, store, UNIT);

    rows = el_store_census_finish (store, r, &error);
    g_assert_no_error (error);
  }
  g_assert_cmpuint (rows->len, ==, 2);
  {
    ElStoreCensusEntry *e0 = rows->pdata[0];
    ElStoreCensusEntry *e1 = rows->pdata[1];

    g_assert_cmpstr (el_patient_get_room (e0->patient), ==, "401");
    g_assert_nonnull (e0->handoff);
    g_assert_cmpstr (el_handoff_get_id (e0->handoff), ==, H1);
    g_assert_cmpint (e0->sbar_version, ==, 2);
    g_assert_true (e0->sbar_pending);
    g_assert_true (e0->has_pending_ops);
    g_assert_cmpfloat (e0->completeness, >=, 0);
    g_assert_cmpstr (el_patient_get_room (e1->patient), ==, "402");
    g_assert_null (e1->handoff);
    g_assert_cmpint (e1->sbar_version, ==, 0);
  }
  {
    g_autoptr (GAsyncResult) r = RUN (el_store_list_units_async, store);

    units = el_store_list_units_finish (store, r, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (units->len, ==, 1);
    g_assert_cmpstr (el_unit_get_code (units->pdata[0]), ==, "4W");
  }
  {
    g_autoptr (GAsyncResult) r = RUN (el_store_list_recordings_async, store, H1);
    g_autoptr (GPtrArray) recs = el_store_list_recordings_finish (store, r, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (recs->len, ==, 1);
    g_assert_cmpstr (el_recording_get_transcript (recs->pdata[0]), ==, CANARY " transcript");
  }
}

static void
test_backup (Fixture *f, gconstpointer data)
{
  g_autoptr (ElStore) store = NULL;
  g_autoptr (ElStore) copy = NULL;
  g_autofree char *dest = g_build_filename (f->dir, "backup.db", NULL);
  g_autofree char *op = NULL;
  ElStoreCounts a, b;

  (void) data;
  store = open_ok (f->path, f->vault);
  seed_basic (store, 42);
  op = save_draft (store, H1, 1, "in the backup");
  g_assert_true (g_file_set_contents (dest, "old junk", -1, NULL));
  g_assert_cmpint (g_chmod (dest, 0644), ==, 0);
  BOOL_CALL (backup, store, dest);
  assert_mode_0600 (dest);
  a = get_counts (store);

  copy = open_ok (dest, f->vault);
  b = get_counts (copy);
  g_assert_cmpmem (&a, sizeof a, &b, sizeof b);
  g_assert_cmpint (get_cursor (copy), ==, 42);
  {
    g_autoptr (GPtrArray) ops = list_ops (copy, EL_STORE_OP_FILTER_PUSHABLE);

    g_assert_cmpuint (ops->len, ==, 1);
    g_assert_cmpstr (((ElStoreOp *) ops->pdata[0])->op_id, ==, op);
  }
  BOOL_CALL (integrity_check, copy);
}

static void
test_rekey (Fixture *f, gconstpointer data)
{
  g_autoptr (ElStore) store = NULL;
  g_autoptr (ElVault) new_vault = test_vault (100);
  g_autoptr (GError) error = NULL;
  g_autofree char *op = NULL;
  g_autofree char *theirs = sbar_json (V2, H1, 2, V1, "theirs");
  g_autoptr (JsonNode) theirs_node = parse (theirs);
  g_autoptr (JsonNode) patch = parse ("{\"shift\":\"night\"}");

  (void) data;
  store = open_ok (f->path, f->vault);
  seed_basic (store, 3);
  op = save_draft (store, H1, 1, "mine");
  BOOL_CALL (mark_conflict, store, op, theirs_node);
  g_free (save_draft (store, H1, 2, "draft"));
  {
    g_autoptr (GAsyncResult) r = RUN (el_store_patch_handoff_async, store, H1, patch, NULL);
    g_autofree char *id = el_store_patch_handoff_finish (store, r, &error);

    g_assert_no_error (error);
    g_assert_nonnull (id);
  }
  g_assert_cmpuint (get_counts (store).deferred, ==, 1);
  BOOL_CALL (rekey, store, new_vault);
  /* Still readable in the same session: the patch is pushable, the draft saved while the conflict
   * is open waits behind it (conflicts/followers-*). */
  g_assert_cmpuint (count_ops (store, EL_STORE_OP_FILTER_PUSHABLE), ==, 1);
  g_assert_cmpuint (count_ops (store, EL_STORE_OP_FILTER_ALL), ==, 3);
  close_store (store);
  g_clear_object (&store);

  g_assert_null (open_store (f->path, f->vault, &error));
  g_assert_error (error, EL_STORE_ERROR, EL_STORE_ERROR_WRONG_KEY);
  g_clear_error (&error);

  store = open_ok (f->path, new_vault);
  {
    g_autoptr (GAsyncResult) r = RUN (el_store_get_patient_async, store, P1);
    g_autoptr (ElPatient) p = el_store_get_patient_finish (store, r, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (el_patient_get_given_name (p), ==, CANARY);
  }
  {
    g_autoptr (GAsyncResult) r = RUN (el_store_list_conflicts_async, store);
    g_autoptr (GPtrArray) c = el_store_list_conflicts_finish (store, r, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (c->len, ==, 1);
  }
  {
    g_autoptr (GPtrArray) ops = list_ops (store, EL_STORE_OP_FILTER_ALL);

    g_assert_cmpuint (ops->len, ==, 3);
    for (guint i = 0; i < ops->len; i++)
      g_assert_nonnull (((ElStoreOp *) ops->pdata[i])->payload);
  }
  {
    g_autoptr (GAsyncResult) r = RUN (el_store_list_recordings_async, store, H1);
    g_autoptr (GPtrArray) recs = el_store_list_recordings_finish (store, r, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (recs->len, ==, 1);
  }
  /* The deferred server row re-sealed too: discarding the patch restores it. */
  {
    g_autoptr (GPtrArray) ops = list_ops (store, EL_STORE_OP_FILTER_PUSHABLE);
    ElStoreOp *patch_op = NULL;
    g_autoptr (ElHandoff) h = NULL;

    g_assert_cmpuint (ops->len, ==, 1);
    patch_op = ops->pdata[0];
    g_assert_cmpstr (patch_op->kind, ==, EL_STORE_OP_HANDOFF_PATCH);
    BOOL_CALL (op_needs_attention, store, patch_op->op_id, "HTTP 400", 400);
    BOOL_CALL (op_discard, store, patch_op->op_id);
    h = get_handoff (store, H1);
    g_assert_cmpint (el_handoff_get_shift (h), ==, EL_SHIFT_DAY);
  }
}

static void
test_corrupt_recover (Fixture *f, gconstpointer data)
{
  g_autoptr (ElStore) store = NULL;
  g_autoptr (ElStore) fresh = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) patients = g_string_new (NULL);
  g_autofree char *groups = NULL;
  g_autofree char *page = NULL;
  g_autofree char *junk = NULL;
  GStatBuf st;
  int fd, lost = -2;
  gboolean moved = FALSE;

  (void) data;
  store = open_ok (f->path, f->vault);
  for (int i = 0; i < 300; i++)
    {
      g_autofree char *id = g_strdup_printf ("33333333-3333-4333-8333-%012d", 100 + i);
      g_autofree char *room = g_strdup_printf ("%d", 100 + i);
      g_autofree char *p = patient_json (id, room, "Somebody");

      g_string_append_printf (patients, "%s%s", i > 0 ? "," : "", p);
    }
  groups = g_strdup_printf ("\"patients\":[%s]", patients->str);
  page = page_json (9, groups, NULL);
  apply_ok (store, page);
  seed_basic (store, 10);
  g_free (save_draft (store, H1, 1, "lost draft"));
  close_store (store);

  /* Overwrite pages in the middle of the file. */
  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 64 * 1024);
  fd = open (f->path, O_WRONLY);
  g_assert_cmpint (fd, >=, 0);
  junk = g_malloc (16384);
  memset (junk, 0xA5, 16384);
  g_assert_cmpint (pwrite (fd, junk, 16384, (st.st_size / 2) & ~4095), ==, 16384);
  close (fd);

  g_assert_null (open_store (f->path, f->vault, &error));
  g_assert_error (error, EL_STORE_ERROR, EL_STORE_ERROR_CORRUPT);
  g_clear_error (&error);

  {
    g_autoptr (GAsyncResult) r = RUN (el_store_recover_async, f->path, f->vault);

    fresh = el_store_recover_finish (r, &lost, &error);
    g_assert_no_error (error);
    g_assert_nonnull (fresh);
  }
  /* The damaged outbox held one op (or could not be read). */
  g_assert_true (lost == 1 || lost == -1);
  g_assert_cmpuint (get_counts (fresh).patients, ==, 0);
  g_assert_cmpint (get_cursor (fresh), ==, 0);
  seed_basic (fresh, 1);
  BOOL_CALL (integrity_check, fresh);
  {
    g_autoptr (GDir) d = g_dir_open (f->dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (d)) != NULL)
      if (g_str_has_prefix (name, "cache.db.corrupt-") && !g_str_has_suffix (name, "-wal") &&
          !g_str_has_suffix (name, "-shm"))
        {
          g_autofree char *p = g_build_filename (f->dir, name, NULL);

          assert_mode_0600 (p);
          moved = TRUE;
        }
  }
  g_assert_true (moved);
}

/* ---- ops queued behind a conflict, ETags of queued ops, the outbox-changed signal ---- */

static ElStoreOp *
find_op (GPtrArray *ops, const char *op_id)
{
  for (guint i = 0; i < ops->len; i++)
    if (g_strcmp0 (((ElStoreOp *) ops->pdata[i])->op_id, op_id) == 0)
      return ops->pdata[i];
  return NULL;
}

/* The op @op_id of @ops (aborts the test when it is missing). */
static ElStoreOp *
get_op (GPtrArray *ops, const char *op_id)
{
  ElStoreOp *op = find_op (ops, op_id);

  if (op == NULL)
    g_error ("op %s is not listed", op_id);
  return op;
}

static GPtrArray *
list_conflicts (ElStore *store)
{
  g_autoptr (GAsyncResult) r = RUN (el_store_list_conflicts_async, store);
  g_autoptr (GError) error = NULL;
  GPtrArray *conflicts = el_store_list_conflicts_finish (store, r, &error);

  g_assert_no_error (error);
  g_assert_nonnull (conflicts);
  return conflicts;
}

static GPtrArray *
list_versions (ElStore *store, const char *handoff_id)
{
  g_autoptr (GAsyncResult) r = RUN (el_store_list_sbar_versions_async, store, handoff_id);
  g_autoptr (GError) error = NULL;
  GPtrArray *versions = el_store_list_sbar_versions_finish (store, r, &error);

  g_assert_no_error (error);
  g_assert_nonnull (versions);
  return versions;
}

/* H1 at version 1; the nurse saves 2 ("mine 2") then 3 ("mine 3") offline; the first push meets
 * another nurse's version 2 (409): the store holds op1 in conflict. Returns theirs' node. */
static void
conflict_with_follower (ElStore *store, char **op1, char **op2)
{
  g_autofree char *theirs = sbar_json (V2, H1, 2, V1, "theirs");
  g_autoptr (JsonNode) theirs_node = parse (theirs);

  seed_basic (store, 1);
  *op1 = save_draft (store, H1, 1, "mine 2");
  *op2 = save_draft (store, H1, 2, "mine 3");
  BOOL_CALL (op_begin, store, *op1);
  BOOL_CALL (mark_conflict, store, *op1, theirs_node);
}

/* An sbar.create queued behind a conflicted one has base_version 2 = theirs' number: pushed as-is
 * the server would accept it on top of theirs without a conflict. It must wait for the resolution,
 * and taking theirs drops it. */
static void
test_conflict_followers_take_theirs (Fixture *f, gconstpointer data)
{
  g_autoptr (ElStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *op1 = NULL;
  g_autofree char *op2 = NULL;
  g_autofree char *none = NULL;

  (void) data;
  store = open_ok (f->path, f->vault);
  conflict_with_follower (store, &op1, &op2);

  {
    g_autoptr (GPtrArray) pushable = list_ops (store, EL_STORE_OP_FILTER_PUSHABLE);
    g_autoptr (GPtrArray) all = list_ops (store, EL_STORE_OP_FILTER_ALL);
    g_autoptr (GPtrArray) conflicts = list_conflicts (store);
    ElStoreConflict *c;

    g_assert_null (find_op (pushable, op2));
    g_assert_cmpuint (pushable->len, ==, 0);
    g_assert_nonnull (find_op (all, op2));
    g_assert_cmpint (get_op (all, op2)->state, ==, EL_STORE_OP_CONFLICT);
    /* one conflict for the nurse, and "mine" is her newest draft */
    g_assert_cmpuint (conflicts->len, ==, 1);
    c = conflicts->pdata[0];
    g_assert_cmpstr (c->op_id, ==, op1);
    g_assert_cmpstr (el_sbar_version_get_situation (c->mine), ==, "mine 3");
    g_assert_cmpuint (get_counts (store).conflicts, ==, 1);
    g_assert_cmpuint (get_counts (store).pending_ops, ==, 0);
  }
  {
    /* begin refuses the held op (ElSync skips it) */
    g_autoptr (GAsyncResult) r = RUN (el_store_op_begin_async, store, op2);

    g_assert_false (el_store_op_begin_finish (store, r, &error));
    g_assert_error (error, EL_STORE_ERROR, EL_STORE_ERROR_STATE);
    g_clear_error (&error);
  }
  {
    /* a save made while the conflict is open waits too */
    g_autofree char *op3 = save_draft (store, H1, 2, "mine after the conflict");
    g_autoptr (GPtrArray) all = list_ops (store, EL_STORE_OP_FILTER_ALL);

    g_assert_cmpint (get_op (all, op3)->state, ==, EL_STORE_OP_CONFLICT);
    g_assert_cmpuint (count_ops (store, EL_STORE_OP_FILTER_PUSHABLE), ==, 0);
  }

  {
    g_autoptr (GAsyncResult) r =
        RUN (el_store_resolve_conflict_async, store, op1, EL_STORE_RESOLVE_TAKE_THEIRS, NULL);

    g_assert_true (el_store_resolve_conflict_finish (store, r, &none, &error));
    g_assert_no_error (error);
    g_assert_null (none);
  }
  g_assert_cmpuint (count_ops (store, EL_STORE_OP_FILTER_ALL), ==, 0);
  g_assert_cmpuint (get_counts (store).conflicts, ==, 0);
  {
    g_autoptr (ElStoreSbar) latest = get_sbar (store, H1, 0, &error);
    g_autoptr (GPtrArray) versions = list_versions (store, H1);

    g_assert_no_error (error);
    g_assert_false (latest->pending);
    g_assert_cmpstr (el_sbar_version_get_situation (latest->version), ==, "theirs");
    g_assert_cmpuint (versions->len, ==, 2);
  }
}

/* Keeping mine folds the queued drafts: one op, rebased on theirs, with the newest draft. */
static void
test_conflict_followers_keep_mine (Fixture *f, gconstpointer data)
{
  g_autoptr (ElStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *op1 = NULL;
  g_autofree char *op2 = NULL;
  g_autofree char *new_op = NULL;

  (void) data;
  store = open_ok (f->path, f->vault);
  conflict_with_follower (store, &op1, &op2);
  g_assert_cmpuint (count_ops (store, EL_STORE_OP_FILTER_PUSHABLE), ==, 0);
  {
    g_autoptr (GAsyncResult) r =
        RUN (el_store_resolve_conflict_async, store, op1, EL_STORE_RESOLVE_KEEP_MINE, NULL);

    g_assert_true (el_store_resolve_conflict_finish (store, r, &new_op, &error));
    g_assert_no_error (error);
    g_assert_nonnull (new_op);
  }
  {
    g_autoptr (GPtrArray) all = list_ops (store, EL_STORE_OP_FILTER_ALL);
    g_autoptr (ElStoreSbar) latest = get_sbar (store, H1, 0, &error);
    g_autoptr (GPtrArray) versions = list_versions (store, H1);

    g_assert_cmpuint (all->len, ==, 1);
    g_assert_cmpstr (((ElStoreOp *) all->pdata[0])->op_id, ==, new_op);
    g_assert_cmpint (((ElStoreOp *) all->pdata[0])->state, ==, EL_STORE_OP_PENDING);
    g_assert_cmpint (((ElStoreOp *) all->pdata[0])->base_version, ==, 2);
    g_assert_no_error (error);
    g_assert_true (latest->pending);
    g_assert_cmpint (el_sbar_version_get_version (latest->version), ==, 3);
    g_assert_cmpstr (el_sbar_version_get_situation (latest->version), ==, "mine 3");
    g_assert_cmpstr (el_sbar_version_get_previous_version_id (latest->version), ==, V2);
    /* V1, V2 and the one pending save: the intermediate draft is gone */
    g_assert_cmpuint (versions->len, ==, 3);
  }
  g_assert_cmpuint (get_counts (store).conflicts, ==, 0);
}

/* Discarding the conflicted op discards what was queued on top of it. */
static void
test_conflict_followers_discard (Fixture *f, gconstpointer data)
{
  g_autoptr (ElStore) store = NULL;
  g_autofree char *op1 = NULL;
  g_autofree char *op2 = NULL;
  g_autoptr (GPtrArray) versions = NULL;

  (void) data;
  store = open_ok (f->path, f->vault);
  conflict_with_follower (store, &op1, &op2);
  BOOL_CALL (op_discard, store, op1);
  g_assert_cmpuint (count_ops (store, EL_STORE_OP_FILTER_ALL), ==, 0);
  versions = list_versions (store, H1);
  g_assert_cmpuint (versions->len, ==, 2);
}

static char *
patch_handoff (ElStore *store, const char *handoff_id, const char *patch_json, const char *etag)
{
  g_autoptr (JsonNode) patch = parse (patch_json);
  g_autoptr (GAsyncResult) r = RUN (el_store_patch_handoff_async, store, handoff_id, patch, etag);
  g_autoptr (GError) error = NULL;
  char *op_id = el_store_patch_handoff_finish (store, r, &error);

  g_assert_no_error (error);
  g_assert_nonnull (op_id);
  return op_id;
}

static char *
enqueue (ElStore *store, const char *kind, const char *handoff_id, const char *etag)
{
  g_autoptr (GBytes) payload = g_bytes_new_static ("{\"version\":1}", 13);
  g_autoptr (GAsyncResult) r =
      RUN (el_store_enqueue_async, store, kind, "handoff", handoff_id, payload, -1, etag);
  g_autoptr (GError) error = NULL;
  char *op_id = el_store_enqueue_finish (store, r, &error);

  g_assert_no_error (error);
  g_assert_nonnull (op_id);
  return op_id;
}

#define E0 "e-2024-05-01T08:00:00.000Z"
#define E1 "e-2024-05-01T12:00:00.000Z"

/* Two patches and an acknowledgement queued on H1 from its etag E0: when the first patch is done
 * (the server answers E1), the later ones now go with E1 — but an op made from an older etag keeps
 * it, so the server's 412 still catches a real conflict. */
static void
test_etag_rebased_after_done (Fixture *f, gconstpointer data)
{
  g_autoptr (ElStore) store = NULL;
  g_autofree char *p1 = NULL;
  g_autofree char *p2 = NULL;
  g_autofree char *ack = NULL;
  g_autofree char *old = NULL;
  g_autofree char *sign = NULL;
  g_autofree char *answer = handoff_json (H1, P1, "ready", "night", "2024-05-01T12:00:00.000Z");
  g_autoptr (JsonNode) entity = parse (answer);

  (void) data;
  store = open_ok (f->path, f->vault);
  seed_basic (store, 1);
  p1 = patch_handoff (store, H1, "{\"shift\":\"night\"}", NULL);
  old = patch_handoff (store, H1, "{\"shift\":\"evening\"}", "e-older");
  p2 = patch_handoff (store, H1, "{\"shift_date\":\"2024-05-02\"}", NULL);
  ack = enqueue (store, "handoff.acknowledge", H1, E0);
  sign = enqueue (store, "handoff.sign", H1, NULL);
  {
    g_autoptr (GPtrArray) ops = list_ops (store, EL_STORE_OP_FILTER_ALL);

    g_assert_cmpstr (get_op (ops, p1)->etag, ==, E0);
    g_assert_cmpstr (get_op (ops, p2)->etag, ==, E0);
  }
  BOOL_CALL (op_begin, store, p1);
  BOOL_CALL (op_done, store, p1, entity);
  {
    g_autoptr (GPtrArray) ops = list_ops (store, EL_STORE_OP_FILTER_ALL);
    g_autoptr (ElHandoff) h = get_handoff (store, H1);

    g_assert_cmpuint (ops->len, ==, 4);
    g_assert_cmpstr (get_op (ops, p2)->etag, ==, E1);
    g_assert_cmpstr (get_op (ops, ack)->etag, ==, E1);
    g_assert_cmpstr (get_op (ops, old)->etag, ==, "e-older");
    g_assert_null (get_op (ops, sign)->etag);
    /* the cached row (still showing the local changes) now says which server state it is based on */
    g_assert_cmpstr (el_handoff_get_etag (h), ==, E1);
    g_assert_cmpint (g_date_get_day (el_handoff_get_shift_date (h)), ==, 2);
  }
  {
    /* a patch queued now takes the new etag from the row */
    g_autofree char *p3 = patch_handoff (store, H1, "{\"shift\":\"day\"}", NULL);
    g_autoptr (GPtrArray) ops = list_ops (store, EL_STORE_OP_FILTER_ALL);

    g_assert_cmpstr (get_op (ops, p3)->etag, ==, E1);
  }

  /* An answer to an op made without an etag (sign): nothing can be said about later ops. */
  {
    g_autofree char *after_sign = handoff_json (H1, P1, "ready", "night", "2024-05-01T13:00:00.000Z");
    g_autoptr (JsonNode) signed_entity = parse (after_sign);
    g_autoptr (GPtrArray) ops = NULL;

    BOOL_CALL (op_needs_attention, store, old, "HTTP 412", 412);
    BOOL_CALL (op_discard, store, old);
    BOOL_CALL (op_begin, store, p2);
    BOOL_CALL (op_done, store, p2, NULL);
    BOOL_CALL (op_begin, store, ack);
    BOOL_CALL (op_done, store, ack, NULL);
    BOOL_CALL (op_begin, store, sign);
    BOOL_CALL (op_done, store, sign, signed_entity);
    ops = list_ops (store, EL_STORE_OP_FILTER_ALL);
    g_assert_cmpuint (ops->len, ==, 1);
    g_assert_cmpstr (((ElStoreOp *) ops->pdata[0])->etag, ==, E1);
  }
}

/* A handoff created here has no etag: patches queued behind its creation take the created one's. */
static void
test_etag_after_create (Fixture *f, gconstpointer data)
{
  g_autoptr (ElStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *json = g_strdup_printf (
      "{\"id\":\"%s\",\"patient_id\":\"%s\",\"unit_id\":\"" UNIT "\",\"status\":\"draft\","
      "\"shift_date\":\"2024-05-02\",\"shift\":\"day\",\"created_by\":\"" USER "\","
      "\"created_at\":\"2024-05-02T08:00:00.000Z\",\"updated_at\":\"2024-05-02T08:00:00.000Z\","
      "\"latest_version\":0}",
      H3, P2);
  g_autoptr (JsonNode) node = parse (json);
  g_autoptr (ElHandoff) h = el_handoff_new_from_json (node, &error);
  g_autofree char *answer = handoff_json (H3, P2, "draft", "day", "2024-05-02T08:00:01.000Z");
  g_autoptr (JsonNode) created = parse (answer);
  g_autofree char *create_op = NULL;
  g_autofree char *p1 = NULL;

  (void) data;
  g_assert_no_error (error);
  store = open_ok (f->path, f->vault);
  seed_basic (store, 1);
  {
    g_autoptr (GAsyncResult) r = RUN (el_store_create_handoff_async, store, h);

    create_op = el_store_create_handoff_finish (store, r, &error);
    g_assert_no_error (error);
  }
  p1 = patch_handoff (store, H3, "{\"shift\":\"night\"}", NULL);
  BOOL_CALL (op_begin, store, create_op);
  BOOL_CALL (op_done, store, create_op, created);
  {
    g_autoptr (GPtrArray) ops = list_ops (store, EL_STORE_OP_FILTER_ALL);

    g_assert_cmpuint (ops->len, ==, 1);
    g_assert_cmpstr (get_op (ops, p1)->etag, ==, "e-2024-05-02T08:00:01.000Z");
  }
}

typedef struct
{
  guint all;
  guint added;
  guint removed;
  GThread *thread;
} SignalCount;

static void
outbox_changed_cb (ElStore *store, gpointer user_data)
{
  SignalCount *count = user_data;

  (void) store;
  count->all++;
  count->thread = g_thread_self ();
}

static void
count_cb (ElStore *store, guint *n)
{
  (void) store;
  (*n)++;
}

/* outbox-changed: after each call that adds, removes or changes the state of ops, in the caller's
 * context; not after reads, pulls or failed calls. */
static void
test_outbox_changed_signal (Fixture *f, gconstpointer data)
{
  g_autoptr (ElStore) store = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *op1 = NULL;
  g_autofree char *op2 = NULL;
  g_autofree char *theirs = sbar_json (V2, H1, 2, V1, "theirs");
  g_autoptr (JsonNode) theirs_node = parse (theirs);
  SignalCount count = { 0 };

  (void) data;
  store = open_ok (f->path, f->vault);
  g_signal_connect (store, "outbox-changed", G_CALLBACK (outbox_changed_cb), &count);
  g_signal_connect (store, "outbox-changed::added", G_CALLBACK (count_cb), &count.added);
  g_signal_connect (store, "outbox-changed::removed", G_CALLBACK (count_cb), &count.removed);
  seed_basic (store, 1);
  g_assert_cmpuint (count.all, ==, 0);

  op1 = save_draft (store, H1, 1, "mine");
  g_assert_cmpuint (count.all, ==, 1);
  g_assert_cmpuint (count.added, ==, 1);
  g_assert_true (count.thread == g_thread_self ());
  BOOL_CALL (op_begin, store, op1);
  g_assert_cmpuint (count.all, ==, 2);
  BOOL_CALL (op_failed, store, op1, "HTTP 503", 503, 0);
  g_assert_cmpuint (count.all, ==, 3);
  /* reads and pulls change no op */
  g_assert_cmpuint (count_ops (store, EL_STORE_OP_FILTER_ALL), ==, 1);
  (void) get_counts (store);
  seed_basic (store, 2);
  g_assert_cmpuint (count.all, ==, 3);
  {
    /* a failed call changes nothing */
    g_autoptr (GAsyncResult) r = RUN (el_store_op_retry_async, store, op1);

    g_assert_false (el_store_op_retry_finish (store, r, &error));
    g_assert_error (error, EL_STORE_ERROR, EL_STORE_ERROR_STATE);
    g_clear_error (&error);
  }
  g_assert_cmpuint (count.all, ==, 3);
  BOOL_CALL (op_begin, store, op1);
  BOOL_CALL (mark_conflict, store, op1, theirs_node);
  g_assert_cmpuint (count.all, ==, 5);
  {
    g_autoptr (GAsyncResult) r =
        RUN (el_store_resolve_conflict_async, store, op1, EL_STORE_RESOLVE_KEEP_MINE, NULL);

    g_assert_true (el_store_resolve_conflict_finish (store, r, &op2, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpuint (count.all, ==, 6);
  g_assert_cmpuint (count.added, ==, 2);
  BOOL_CALL (op_begin, store, op2);
  BOOL_CALL (op_done, store, op2, NULL);
  g_assert_cmpuint (count.all, ==, 8);
  g_assert_cmpuint (count.removed, ==, 1);
  {
    /* a call made without a callback is announced too */
    g_autoptr (ElSbarVersion) v = draft ("fire and forget");

    el_store_save_sbar_draft_async (store, H1, 3, v, NULL, NULL, NULL);
    while (count.all < 9)
      g_main_context_iteration (NULL, TRUE);
    g_assert_cmpuint (count.added, ==, 3);
  }
}

static void
test_drop_while_busy (Fixture *f, gconstpointer data)
{
  ElStore *store;
  GAsyncResult *results[20] = { NULL };

  (void) data;
  /* Calls queued and the store dropped at once: every call still completes, in order. */
  store = open_ok (f->path, f->vault);
  seed_basic (store, 1);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr (ElSbarVersion) v = draft ("queued");

      el_store_save_sbar_draft_async (store, H1, 1 + (int) i, v, NULL, got_result_cb, &results[i]);
    }
  g_object_unref (store);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *op = NULL;

      wait_for (&results[i]);
      op = el_store_save_sbar_draft_finish (EL_STORE (g_async_result_get_source_object (results[i])),
                                            results[i], &error);
      g_object_unref (g_async_result_get_source_object (results[i]));
      g_assert_no_error (error);
      g_clear_object (&results[i]);
    }
  store = open_ok (f->path, f->vault);
  g_assert_cmpuint (get_counts (store).pending_ops, ==, G_N_ELEMENTS (results));
  g_object_unref (store);
}

int
main (int argc, char **argv)
{
  g_autofree char *crash_dir = NULL;
  int rc;

  g_test_init (&argc, &argv, NULL);
  /* The crash test's child and parent share this folder; set before any thread exists. */
  if (!g_test_subprocess ())
    {
      crash_dir = g_dir_make_tmp ("el-store-crash-XXXXXX", NULL);
      g_assert_nonnull (crash_dir);
      g_setenv ("EL_STORE_CRASH_DIR", crash_dir, TRUE);
    }

  g_test_add_func ("/el/store/path-for-account", test_path_for_account);
#define ADD(path, fn) g_test_add ("/el/store/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("open/migrate-reopen", test_open_migrate_reopen);
  ADD ("open/file-mode-0600", test_file_mode);
  ADD ("open/drop-while-busy", test_drop_while_busy);
  ADD ("sealed/canary-never-plaintext", test_sealed_canary);
  ADD ("sealed/swapped-doc-fails", test_sealed_swap);
  ADD ("outbox/order-and-states", test_outbox_order);
  ADD ("outbox/survives-crash", test_outbox_survives_crash);
  ADD ("outbox/handoff-create", test_handoff_create);
  ADD ("changes/page-and-cursor-atomic", test_changes_atomic);
  ADD ("changes/pending-not-overwritten", test_pending_not_overwritten);
  ADD ("conflicts/lifecycle", test_conflicts);
  ADD ("conflicts/followers-take-theirs", test_conflict_followers_take_theirs);
  ADD ("conflicts/followers-keep-mine", test_conflict_followers_keep_mine);
  ADD ("conflicts/followers-discard", test_conflict_followers_discard);
  ADD ("outbox/etag-rebased-after-done", test_etag_rebased_after_done);
  ADD ("outbox/etag-after-create", test_etag_after_create);
  ADD ("outbox/changed-signal", test_outbox_changed_signal);
  ADD ("query/census", test_census);
  ADD ("retention/never-pending", test_retention);
  ADD ("backup/opens-and-matches", test_backup);
  ADD ("rekey/old-key-fails", test_rekey);
  ADD ("corrupt/detected-and-recovered", test_corrupt_recover);
#undef ADD
  rc = g_test_run ();
  el_store_join_exiting_workers ();
  if (crash_dir != NULL)
    el_test_remove_tree (crash_dir);
  return rc;
}
