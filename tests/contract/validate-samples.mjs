#!/usr/bin/env node
// SPDX-License-Identifier: GPL-3.0-or-later
// Validates JSON documents against the schemas of the API contract (TAP on stdout):
//   node validate-samples.mjs <openapi.json> <samples-dir> [--expect=User,Unit,...]
// Each file <Schema>.json or <Schema>-<variant>.json in <samples-dir> is checked against
// components/schemas/<Schema> (JSON Schema 2020-12 + formats). --expect names schemas that must
// have at least one sample. Built-in checks then make sure the schemas still REJECT wrong
// documents (missing required member, wrong enum, too long string, bad uuid, ...), so this test
// fails if the contract became permissive.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Tap, bailOut, formatAjvErrors, loadDeps, makeAjv, readJson, schemaRef } from './lib.mjs';

const args = process.argv.slice(2);
const expect = [];
const positional = [];
for (const a of args) {
  if (a.startsWith('--expect=')) expect.push(...a.slice('--expect='.length).split(',').filter(Boolean));
  else positional.push(a);
}
const [docPath, dir] = positional;
if (!docPath || !dir) bailOut('usage: node validate-samples.mjs <openapi.json> <samples-dir> [--expect=Schema,...]');

const deps = await loadDeps();
const doc = readJson(docPath, 'OpenAPI document');
const schemas = doc.components?.schemas ?? {};
const ajv = makeAjv(deps, doc);
const tap = new Tap();

function validator(name) {
  if (!(name in schemas)) return undefined;
  return ajv.getSchema(schemaRef(name));
}

// ---------------------------------------------------------------- the samples
let files = [];
try {
  if (!statSync(dir).isDirectory()) bailOut(`${dir} is not a directory`);
  files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
} catch (e) {
  bailOut(`cannot read samples directory ${dir}: ${e.message}`);
}
tap.ok(files.length > 0, `samples directory has <Schema>[-variant].json files`, [`no .json file in ${dir}`]);

const seen = new Set();
for (const f of files) {
  const name = f.slice(0, -'.json'.length).split('-')[0];
  seen.add(name);
  const validate = (() => {
    try {
      return validator(name);
    } catch (e) {
      return e;
    }
  })();
  if (!validate || validate instanceof Error) {
    tap.ok(false, `${f} validates against ${name}`, [
      validate instanceof Error ? `schema ${name} does not compile: ${validate.message}` : `components/schemas has no ${name}`,
    ]);
    continue;
  }
  let data;
  try {
    data = JSON.parse(readFileSync(join(dir, f), 'utf8'));
  } catch (e) {
    tap.ok(false, `${f} validates against ${name}`, [`not valid JSON: ${e.message}`]);
    continue;
  }
  const valid = validate(data);
  tap.ok(valid, `${f} validates against ${name}`, formatAjvErrors(validate.errors));
}
for (const name of expect) {
  tap.ok(seen.has(name), `a sample of ${name} is present`, [`expected ${name}.json or ${name}-<variant>.json in ${dir}`]);
}

// ---------------------------------------------------------------- built-in checks
const U = (n) => `${'0123456'[n % 7]}f0c1b6e-8d2a-4c1e-9b7a-2e5d4f6a8b9${n % 10}`;
const TS = '2026-11-25T07:15:00.000Z';
const good = {
  User: { id: U(1), email: 'a.nurse@hospital.example', name: 'Alex Nurse', role: 'nurse' },
  Patient: {
    id: U(2), unit_id: U(3), mrn: 'MRN-0042', given_name: 'Maria', family_name: 'Lopez',
    date_of_birth: '1948-02-29', sex: 'female', room: '412', bed: 'B', acuity: 3, no_known_allergies: true,
  },
  Handoff: {
    id: U(4), patient_id: U(2), unit_id: U(3), status: 'signed', shift_date: '2026-11-25', shift: 'night',
    created_by: U(1), created_at: TS, updated_at: TS, latest_version: 2, signed_by: U(1), signed_at: TS,
  },
  Recording: {
    id: U(5), handoff_id: U(4), status: 'completed', mime_type: 'audio/ogg', duration_ms: 44000,
    sha256: 'a'.repeat(64), transcript: 'Maria Lopez, seventy eight.', created_at: TS, updated_at: TS,
  },
  SbarVersion: {
    id: U(6), handoff_id: U(4), version: 1, previous_version_id: null, author_id: U(1), source: 'ai',
    created_at: TS, situation: 'Stable overnight.',
    fields: {
      patient_identifiers: { name: 'Maria Lopez', mrn: 'MRN-0042', span: { start: 0, end: 11 } },
      allergies: { no_known_allergies: false, items: [{ substance: 'penicillin', reaction: 'rash' }] },
      vitals: { heart_rate: { value: 88 }, blood_pressure: { systolic: 128, diastolic: 76 }, pain: { value: 2 } },
      meds_due: [{ name: 'metoprolol', dose: '25 mg', route: 'PO', time: '21:00' }],
      contingencies: [{ if: 'SBP below 90', then: 'call the rapid response team' }],
    },
  },
  SbarVersionCreate: { base_version: 1, source: 'nurse', situation: 'Stable.', fields: { lines_drains_airways: [] } },
  Problem: { type: 'about:blank', title: 'Not found', status: 404, code: 'not_found' },
};
const mutate = (name, fn) => {
  const copy = structuredClone(good[name]);
  fn(copy);
  return copy;
};
const NEGATIVE = [
  ['User', 'without required role', (d) => delete d.role],
  ['User', 'with role "doctor" (not in the enum)', (d) => { d.role = 'doctor'; }],
  ['User', 'with a 257-character name', (d) => { d.name = 'x'.repeat(257); }],
  ['User', 'with id "not-a-uuid"', (d) => { d.id = 'not-a-uuid'; }],
  ['User', 'with an uppercase UUID', (d) => { d.id = d.id.toUpperCase(); }],
  ['User', 'with an email without @', (d) => { d.email = 'a.nurse.hospital.example'; }],
  ['User', 'with role of the wrong type (number)', (d) => { d.role = 1; }],
  ['Patient', 'with acuity 6', (d) => { d.acuity = 6; }],
  ['Patient', 'with date_of_birth 2026-02-30', (d) => { d.date_of_birth = '2026-02-30'; }],
  ['Patient', 'without mrn', (d) => delete d.mrn],
  ['Handoff', 'with status "done"', (d) => { d.status = 'done'; }],
  ['Handoff', 'signed without signed_by', (d) => delete d.signed_by],
  ['Handoff', 'acknowledged without acknowledged_by/acknowledged_at', (d) => { d.status = 'acknowledged'; }],
  ['Handoff', 'with a timestamp without time zone', (d) => { d.created_at = '2026-11-25T07:15:00'; }],
  ['Handoff', 'with latest_version -1', (d) => { d.latest_version = -1; }],
  ['Recording', 'with duration_ms over one hour', (d) => { d.duration_ms = 3600001; }],
  ['Recording', 'with an uppercase sha256', (d) => { d.sha256 = 'A'.repeat(64); }],
  ['Recording', 'with mime_type audio/mpeg', (d) => { d.mime_type = 'audio/mpeg'; }],
  ['SbarVersion', 'without fields', (d) => delete d.fields],
  ['SbarVersion', 'without previous_version_id (required, null for version 1)', (d) => delete d.previous_version_id],
  ['SbarVersion', 'with version 0', (d) => { d.version = 0; }],
  ['SbarVersion', 'with a 16385-character situation', (d) => { d.situation = 's'.repeat(16385); }],
  ['SbarVersion', 'with heart rate 500', (d) => { d.fields.vitals.heart_rate.value = 500; }],
  ['SbarVersion', 'with a non-integer pain score', (d) => { d.fields.vitals.pain.value = 2.5; }],
  ['SbarVersion', 'with no_known_allergies true and an item', (d) => { d.fields.allergies.no_known_allergies = true; }],
  ['SbarVersion', 'with patient_identifiers without mrn and date_of_birth', (d) => delete d.fields.patient_identifiers.mrn],
  ['SbarVersion', 'with a span without end', (d) => delete d.fields.patient_identifiers.span.end],
  ['SbarVersion', 'with med time 25:00', (d) => { d.fields.meds_due[0].time = '25:00'; }],
  ['SbarVersion', 'with source "gpt"', (d) => { d.source = 'gpt'; }],
  ['SbarVersionCreate', 'with an unknown member (requests are strict)', (d) => { d.completeness = {}; }],
  ['SbarVersionCreate', 'with base_version -1', (d) => { d.base_version = -1; }],
  ['SbarVersionCreate', 'without base_version', (d) => delete d.base_version],
  ['Problem', 'with code "teapot"', (d) => { d.code = 'teapot'; }],
  ['Problem', 'without code', (d) => delete d.code],
];
const POSITIVE_EXTRA = [
  ['User', 'with an unknown member (decoders ignore unknown members)', (d) => { d.future_member = 1; }],
  ['Handoff', 'acknowledged with acknowledged_by/acknowledged_at', (d) => {
    Object.assign(d, { status: 'acknowledged', acknowledged_by: U(7), acknowledged_at: TS });
  }],
];

for (const [name, doc0] of Object.entries(good)) {
  let validate;
  try {
    validate = validator(name);
  } catch (e) {
    tap.ok(false, `built-in: a valid ${name} is accepted`, [`schema ${name} does not compile: ${e.message}`]);
    continue;
  }
  if (!validate) {
    tap.ok(false, `built-in: a valid ${name} is accepted`, [`components/schemas has no ${name}`]);
    continue;
  }
  tap.ok(validate(doc0), `built-in: a valid ${name} is accepted`, formatAjvErrors(validate.errors));
}
for (const [name, what, fn] of POSITIVE_EXTRA) {
  const validate = (() => { try { return validator(name); } catch { return undefined; } })();
  const pass = Boolean(validate) && validate(mutate(name, fn));
  tap.ok(pass, `built-in: ${name} ${what} is accepted`, validate ? formatAjvErrors(validate.errors) : [`no schema ${name}`]);
}
for (const [name, what, fn] of NEGATIVE) {
  const validate = (() => { try { return validator(name); } catch { return undefined; } })();
  const rejected = Boolean(validate) && !validate(mutate(name, fn));
  tap.ok(rejected, `built-in: ${name} ${what} is rejected`, validate ? ['the schema accepted it: it is too permissive'] : [`no schema ${name}`]);
}

tap.finish();
