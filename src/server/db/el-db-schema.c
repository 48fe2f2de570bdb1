/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The server's database schema, one migration per version (PRAGMA user_version). */
#include "config.h"

#include "el-db-private.h"

/*
 * Schema version 1 (version 2 below replaces one index; version 3 adds the directory generation).
 *
 * Conventions
 * - Connections run with trusted_schema=OFF, so the schema calls no function that SQLite does not
 *   mark innocuous (json_valid() is not): JSON columns are validated by the code that writes them.
 * - Ids are the models' canonical lowercase UUID strings (TEXT), except the integer keys of
 *   audit_events, changes and jobs.
 * - Timestamps are the models' canonical UTC strings, "2026-11-25T07:15:00.000Z" (they sort as
 *   text); dates "YYYY-MM-DD".
 * - PHI lives only in BLOB columns sealed with ElVault (PHI key, associated data
 *   "<table>|<row id>|<column>|1", see el-db.h). Columns in clear hold nothing that identifies a
 *   patient: unit, room, bed, acuity, statuses, ids, timestamps, sizes, completeness scores.
 *   handoffs.failure_reason, recordings.error and jobs.last_error are system messages: they must
 *   never quote a transcript or a name.
 * - Every table has the indexes its queries need: the seed's (users(email), patients(unit_id, room,
 *   bed), handoffs(unit_id, shift_date) (since version 2 the prefix of handoffs_unit_list),
 *   handoffs(patient_id, created_at), sbar_versions(handoff_id, version), recordings(handoff_id),
 *   refresh_tokens(user_id), refresh_tokens(family_id), audit_events(entity_type, entity_id)) plus
 *   the change feed's and the job queue's.
 *
 * Tables
 * - meta: key/value of the database itself ("key_check": a value sealed with the PHI key, so a
 *   server started with another ENCRYPTION_KEY refuses to run).
 * - units: nursing units; code unique (case-insensitive).
 * - users: staff accounts; email unique case-insensitive; role nurse|charge_nurse|admin (a nurse and
 *   a charge nurse belong to a unit); password_hash an Argon2id PHC string; disabled_at set = may
 *   not sign in.
 * - patients: the census. unit_id, room, bed, acuity in clear for the census queries; mrn_index =
 *   HMAC-SHA256 (MRN key, normalized MRN) (el_db_mrn_index()), unique; doc = the sealed Patient
 *   JSON (names, MRN, date of birth, allergies, ...); discharged_at set = no longer on the census.
 * - handoffs: every Handoff member in its own column; readback_note sealed; etag = the current
 *   entity tag (If-Match); latest_version = the number of the latest SBAR version (0 = none).
 * - sbar_versions: immutable versions (a trigger refuses changes to anything but is_latest).
 *   version counts from 1 per handoff (UNIQUE (handoff_id, version)); previous_version_id is NULL
 *   exactly for version 1; is_latest = 1 on one row per handoff at most (partial unique index);
 *   doc = sealed JSON { situation, background, assessment, recommendation, fields }; completeness
 *   = the Completeness JSON in clear (score and field names only); changes = the sealed
 *   changes_since_last_version (NULL for version 1).
 * - recordings: an uploaded audio file (storage_path relative to STORAGE_DIR, sealed chunks with
 *   the audio key) and its transcription; transcript and words (JSON array) sealed.
 * - refresh_tokens: one row per issued refresh token, only its SHA-256 (token_hash). family_id
 *   groups a login's rotations; parent_id = the token it replaced, replaced_by = its successor;
 *   used_at = rotated, revoked_at = revoked (logout, reuse).
 * - idempotency_keys: PRIMARY KEY (scope, key), scope "user:<uuid>" or "ip:<address>";
 *   request_hash = SHA-256 of the request (method, route, body) to tell a replay from a reuse;
 *   state in_progress (the effect is being made) | done (status, response_headers JSON without
 *   PHI, response_body sealed). Purged after 30 days (el_db_purge_idempotency_keys()).
 * - audit_events: append-only, hash-chained (el-audit.h); UPDATE and DELETE abort.
 * - changes: the change feed. seq (AUTOINCREMENT: never reused) orders every upsert or delete of
 *   an entity; el_db_next_change() keeps only the newest row per entity, so a client that syncs
 *   from any cursor gets each changed entity once, with tombstones for deletions.
 *   unit_id NULL = visible to every unit.
 * - jobs: the durable job queue (transcription, extraction): state queued|running|done|failed,
 *   attempts, run_after (not before), last_error.
 */
static const char schema_v1[] =
    "PRAGMA application_id = 1162628683;\n" /* EL_DB_APPLICATION_ID, "ELNK" */
    "\n"
    "CREATE TABLE meta (\n"
    "  key   TEXT PRIMARY KEY,\n"
    "  value BLOB NOT NULL\n"
    ") WITHOUT ROWID;\n"
    "\n"
    "CREATE TABLE units (\n"
    "  id         TEXT PRIMARY KEY,\n"
    "  code       TEXT NOT NULL COLLATE NOCASE UNIQUE,\n"
    "  name       TEXT NOT NULL,\n"
    "  floor      TEXT,\n"
    "  bed_count  INTEGER CHECK (bed_count IS NULL OR bed_count BETWEEN 0 AND 1000),\n"
    "  created_at TEXT NOT NULL,\n"
    "  updated_at TEXT NOT NULL\n"
    ");\n"
    "\n"
    "CREATE TABLE users (\n"
    "  id            TEXT PRIMARY KEY,\n"
    "  email         TEXT NOT NULL COLLATE NOCASE,\n"
    "  name          TEXT NOT NULL,\n"
    "  role          TEXT NOT NULL CHECK (role IN ('nurse', 'charge_nurse', 'admin')),\n"
    "  unit_id       TEXT REFERENCES units (id),\n"
    "  password_hash TEXT NOT NULL,\n"
    "  created_at    TEXT NOT NULL,\n"
    "  updated_at    TEXT NOT NULL,\n"
    "  disabled_at   TEXT,\n"
    "  CHECK (role = 'admin' OR unit_id IS NOT NULL)\n"
    ");\n"
    "CREATE UNIQUE INDEX users_email ON users (email);\n"
    "CREATE INDEX users_unit ON users (unit_id);\n"
    "\n"
    "CREATE TABLE patients (\n"
    "  id            TEXT PRIMARY KEY,\n"
    "  unit_id       TEXT NOT NULL REFERENCES units (id),\n"
    "  room          TEXT NOT NULL,\n"
    "  bed           TEXT,\n"
    "  acuity        INTEGER CHECK (acuity IS NULL OR acuity BETWEEN 1 AND 5),\n"
    "  mrn_index     BLOB NOT NULL UNIQUE CHECK (length (mrn_index) = 32),\n"
    "  doc           BLOB NOT NULL,\n"
    "  created_at    TEXT NOT NULL,\n"
    "  updated_at    TEXT NOT NULL,\n"
    "  discharged_at TEXT\n"
    ");\n"
    "CREATE INDEX patients_unit_room_bed ON patients (unit_id, room, bed);\n"
    "\n"
    "CREATE TABLE handoffs (\n"
    "  id                 TEXT PRIMARY KEY,\n"
    "  patient_id         TEXT NOT NULL REFERENCES patients (id),\n"
    "  unit_id            TEXT NOT NULL REFERENCES units (id),\n"
    "  status             TEXT NOT NULL CHECK (status IN ('draft', 'processing', 'ready', 'signed',\n"
    "                                                     'acknowledged', 'failed', 'cancelled')),\n"
    "  shift_date         TEXT NOT NULL,\n"
    "  shift              TEXT NOT NULL CHECK (shift IN ('day', 'evening', 'night')),\n"
    "  outgoing_nurse_id  TEXT REFERENCES users (id),\n"
    "  receiving_nurse_id TEXT REFERENCES users (id),\n"
    "  created_by         TEXT NOT NULL REFERENCES users (id),\n"
    "  created_at         TEXT NOT NULL,\n"
    "  updated_at         TEXT NOT NULL,\n"
    "  latest_version     INTEGER NOT NULL DEFAULT 0 CHECK (latest_version >= 0),\n"
    "  etag               TEXT NOT NULL,\n"
    "  signed_by          TEXT REFERENCES users (id),\n"
    "  signed_at          TEXT,\n"
    "  acknowledged_by    TEXT REFERENCES users (id),\n"
    "  acknowledged_at    TEXT,\n"
    "  readback_note      BLOB,\n"
    "  failure_reason     TEXT\n"
    ");\n"
    "CREATE INDEX handoffs_unit_shift_date ON handoffs (unit_id, shift_date);\n"
    "CREATE INDEX handoffs_patient_created ON handoffs (patient_id, created_at);\n"
    "\n"
    "CREATE TABLE sbar_versions (\n"
    "  id                  TEXT PRIMARY KEY,\n"
    "  handoff_id          TEXT NOT NULL REFERENCES handoffs (id),\n"
    "  version             INTEGER NOT NULL CHECK (version >= 1),\n"
    "  previous_version_id TEXT REFERENCES sbar_versions (id),\n"
    "  is_latest           INTEGER NOT NULL DEFAULT 1 CHECK (is_latest IN (0, 1)),\n"
    "  author_id           TEXT NOT NULL REFERENCES users (id),\n"
    "  source              TEXT NOT NULL CHECK (source IN ('ai', 'nurse', 'on-device')),\n"
    "  created_at          TEXT NOT NULL,\n"
    "  doc                 BLOB NOT NULL,\n"
    "  completeness        TEXT NOT NULL,\n"
    "  changes             BLOB,\n"
    "  UNIQUE (handoff_id, version),\n"
    "  CHECK ((version = 1) = (previous_version_id IS NULL))\n"
    ");\n"
    "CREATE UNIQUE INDEX sbar_versions_one_latest ON sbar_versions (handoff_id) WHERE is_latest = 1;\n"
    "CREATE TRIGGER sbar_versions_immutable\n"
    "  BEFORE UPDATE OF id, handoff_id, version, previous_version_id, author_id, source, created_at,\n"
    "                   doc, completeness, changes ON sbar_versions\n"
    "BEGIN\n"
    "  SELECT RAISE (ABORT, 'sbar_versions are immutable');\n"
    "END;\n"
    "\n"
    "CREATE TABLE recordings (\n"
    "  id           TEXT PRIMARY KEY,\n"
    "  handoff_id   TEXT NOT NULL REFERENCES handoffs (id),\n"
    "  status       TEXT NOT NULL CHECK (status IN ('queued', 'transcribing', 'extracting', 'completed',\n"
    "                                               'failed')),\n"
    "  mime_type    TEXT NOT NULL CHECK (mime_type IN ('audio/ogg', 'audio/wav')),\n"
    "  duration_ms  INTEGER CHECK (duration_ms IS NULL OR duration_ms BETWEEN 0 AND 3600000),\n"
    "  size_bytes   INTEGER CHECK (size_bytes IS NULL OR size_bytes >= 0),\n"
    "  sha256       TEXT CHECK (sha256 IS NULL OR length (sha256) = 64),\n"
    "  storage_path TEXT,\n"
    "  engine       TEXT,\n"
    "  transcript   BLOB,\n"
    "  words        BLOB,\n"
    "  error        TEXT,\n"
    "  created_by   TEXT REFERENCES users (id),\n"
    "  created_at   TEXT NOT NULL,\n"
    "  updated_at   TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX recordings_handoff ON recordings (handoff_id);\n"
    "\n"
    "CREATE TABLE refresh_tokens (\n"
    "  id          TEXT PRIMARY KEY,\n"
    "  user_id     TEXT NOT NULL REFERENCES users (id),\n"
    "  family_id   TEXT NOT NULL,\n"
    "  token_hash  BLOB NOT NULL UNIQUE CHECK (length (token_hash) = 32),\n"
    "  parent_id   TEXT REFERENCES refresh_tokens (id) DEFERRABLE INITIALLY DEFERRED,\n"
    "  created_at  TEXT NOT NULL,\n"
    "  expires_at  TEXT NOT NULL,\n"
    "  used_at     TEXT,\n"
    "  revoked_at  TEXT,\n"
    "  replaced_by TEXT REFERENCES refresh_tokens (id) DEFERRABLE INITIALLY DEFERRED\n"
    ");\n"
    "CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);\n"
    "CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);\n"
    "\n"
    "CREATE TABLE idempotency_keys (\n"
    "  scope            TEXT NOT NULL,\n"
    "  key              TEXT NOT NULL,\n"
    "  method           TEXT NOT NULL,\n"
    "  route            TEXT NOT NULL,\n"
    "  request_hash     BLOB NOT NULL CHECK (length (request_hash) = 32),\n"
    "  state            TEXT NOT NULL CHECK (state IN ('in_progress', 'done')),\n"
    "  status           INTEGER CHECK (status IS NULL OR status BETWEEN 100 AND 599),\n"
    "  response_headers TEXT,\n"
    "  response_body    BLOB,\n"
    "  created_at       TEXT NOT NULL,\n"
    "  updated_at       TEXT NOT NULL,\n"
    "  PRIMARY KEY (scope, key),\n"
    "  CHECK (state = 'in_progress' OR status IS NOT NULL)\n"
    ") WITHOUT ROWID;\n"
    "CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);\n"
    "\n"
    "CREATE TABLE audit_events (\n"
    "  id          INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  at          TEXT NOT NULL,\n"
    "  actor_id    TEXT,\n"
    "  action      TEXT NOT NULL,\n"
    "  entity_type TEXT NOT NULL,\n"
    "  entity_id   TEXT,\n"
    "  detail      TEXT NOT NULL DEFAULT '{}',\n"
    "  prev_hash   BLOB NOT NULL CHECK (length (prev_hash) = 32),\n"
    "  hash        BLOB NOT NULL CHECK (length (hash) = 32)\n"
    ");\n"
    "CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id);\n"
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events\n"
    "BEGIN\n"
    "  SELECT RAISE (ABORT, 'audit_events are append-only');\n"
    "END;\n"
    "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events\n"
    "BEGIN\n"
    "  SELECT RAISE (ABORT, 'audit_events are append-only');\n"
    "END;\n"
    "\n"
    "CREATE TABLE changes (\n"
    "  seq         INTEGER PRIMARY KEY AUTOINCREMENT,\n"
    "  entity_type TEXT NOT NULL,\n"
    "  entity_id   TEXT NOT NULL,\n"
    "  op          TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),\n"
    "  unit_id     TEXT,\n"
    "  at          TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX changes_unit_seq ON changes (unit_id, seq);\n"
    "CREATE INDEX changes_entity ON changes (entity_type, entity_id);\n"
    "\n"
    "CREATE TABLE jobs (\n"
    "  id           INTEGER PRIMARY KEY,\n"
    "  kind         TEXT NOT NULL,\n"
    "  recording_id TEXT REFERENCES recordings (id),\n"
    "  state        TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),\n"
    "  attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),\n"
    "  run_after    TEXT NOT NULL,\n"
    "  last_error   TEXT,\n"
    "  created_at   TEXT NOT NULL,\n"
    "  updated_at   TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX jobs_state_run_after ON jobs (state, run_after);\n"
    "CREATE INDEX jobs_recording ON jobs (recording_id);\n";

/*
 * Schema version 2: a unit's handoff list (newest shift first, then created_at, then id, the
 * order of GET /api/v1/handoffs and of its cursor) is read in index order. The index it replaces,
 * the seed's handoffs(unit_id, shift_date), is its prefix, so every query that used it still can;
 * with it, SQLite sorted each shift date's handoffs in a temporary B-tree on every page.
 */
static const char schema_v2[] =
    "CREATE INDEX handoffs_unit_list ON handoffs (unit_id, shift_date, created_at, id);\n"
    "DROP INDEX handoffs_unit_shift_date;\n";

/*
 * Schema version 3: the staff directory's generation. directory_generation holds one row whose n
 * every insert, update or delete of a unit or a user raises, in the transaction that makes it, so
 * a reader that sees the same n in its snapshot sees the same units and users (the change feed's
 * per-connection cache of their JSON, el-repo-directory.c, is keyed by it).
 */
static const char schema_v3[] = "CREATE TABLE directory_generation (\n"
                                "  id INTEGER PRIMARY KEY CHECK (id = 1),\n"
                                "  n  INTEGER NOT NULL\n"
                                ");\n"
                                "INSERT INTO directory_generation (id, n) VALUES (1, 0);\n"
                                "CREATE TRIGGER units_directory_insert AFTER INSERT ON units\n"
                                "  BEGIN UPDATE directory_generation SET n = n + 1 WHERE id = 1; END;\n"
                                "CREATE TRIGGER units_directory_update AFTER UPDATE ON units\n"
                                "  BEGIN UPDATE directory_generation SET n = n + 1 WHERE id = 1; END;\n"
                                "CREATE TRIGGER units_directory_delete AFTER DELETE ON units\n"
                                "  BEGIN UPDATE directory_generation SET n = n + 1 WHERE id = 1; END;\n"
                                "CREATE TRIGGER users_directory_insert AFTER INSERT ON users\n"
                                "  BEGIN UPDATE directory_generation SET n = n + 1 WHERE id = 1; END;\n"
                                "CREATE TRIGGER users_directory_update AFTER UPDATE ON users\n"
                                "  BEGIN UPDATE directory_generation SET n = n + 1 WHERE id = 1; END;\n"
                                "CREATE TRIGGER users_directory_delete AFTER DELETE ON users\n"
                                "  BEGIN UPDATE directory_generation SET n = n + 1 WHERE id = 1; END;\n";

static const ElDbMigration migrations[] = {
  { 1, schema_v1 },
  { 2, schema_v2 },
  { 3, schema_v3 },
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == EL_DB_SCHEMA_VERSION);

const ElDbMigration *
el_db_get_migrations (guint *n_migrations)
{
  *n_migrations = G_N_ELEMENTS (migrations);
  return migrations;
}

static const ElDbSealedColumn sealed_columns[] = {
  { "patients", "id", "doc" },
  { "handoffs", "id", "readback_note" },
  { "sbar_versions", "id", "doc" },
  { "sbar_versions", "id", "changes" },
  { "recordings", "id", "transcript" },
  { "recordings", "id", "words" },
  { "idempotency_keys", "scope || '|' || key", "response_body" },
};

const ElDbSealedColumn *
el_db_get_sealed_columns (guint *n_columns)
{
  *n_columns = G_N_ELEMENTS (sealed_columns);
  return sealed_columns;
}
