#!/usr/bin/env node
// SPDX-License-Identifier: GPL-3.0-or-later
// Validates the API contract: node validate-openapi.mjs <openapi.json>   (TAP on stdout)
//  1. swagger-parser: OpenAPI 3.1 structure and every $ref;
//  2. every endpoint of ARCHITECTURE.md "The cloud API contract (v1)" exists with its method;
//  3. project rules: operationId, tags, 2xx, problem+json errors, idempotency, preconditions, ETag,
//     Retry-After, Cache-Control on PHI, strict request bodies;
//  4. every schema under components compiles with ajv (JSON Schema 2020-12, strict mode);
//  5. the models, enums and error codes match the lead's data-model spec.
import { DOC_ID, Tap, bailOut, loadDeps, makeAjv, readJson, schemaRef } from './lib.mjs';

// ---------------------------------------------------------------- what the contract must contain
// ARCHITECTURE.md, "The cloud API contract (v1)". Path parameters are written {} (any name).
const ENDPOINTS = [
  ['get', '/api/health'],
  ['get', '/api/docs'],
  ['get', '/api/metrics'],
  ['post', '/api/v1/auth/login'],
  ['post', '/api/v1/auth/refresh'],
  ['post', '/api/v1/auth/logout'],
  ['get', '/api/v1/me'],
  ['get', '/api/v1/units'],
  ['get', '/api/v1/patients'],
  ['get', '/api/v1/handoffs'],
  ['post', '/api/v1/handoffs'],
  ['get', '/api/v1/handoffs/{}'],
  ['patch', '/api/v1/handoffs/{}'],
  ['post', '/api/v1/handoffs/{}/recordings'],
  ['get', '/api/v1/recordings/{}'],
  ['get', '/api/v1/recordings/{}/audio'], // issue 7: listening on another PC
  ['get', '/api/v1/handoffs/{}/sbar'],
  ['get', '/api/v1/handoffs/{}/sbar/versions'],
  ['get', '/api/v1/handoffs/{}/sbar/versions/{}'],
  ['post', '/api/v1/handoffs/{}/sbar/versions'],
  ['post', '/api/v1/handoffs/{}/sign'],
  ['post', '/api/v1/handoffs/{}/acknowledge'],
  ['get', '/api/v1/changes'],
];

// The lead's data-model spec (issue 2): error codes, enums, members and required members.
const ERROR_CODES = [
  'invalid_request', 'validation_failed', 'unauthorized', 'invalid_credentials', 'token_expired',
  'forbidden', 'not_found', 'conflict', 'version_conflict', 'precondition_failed',
  'precondition_required', 'locked', 'payload_too_large', 'unsupported_media_type', 'rate_limited',
  'idempotency_key_reused', 'idempotency_in_progress', 'invalid_transition', 'internal_error',
  'service_unavailable',
];
const ENUMS = {
  ErrorCode: ERROR_CODES,
  Role: ['nurse', 'charge_nurse', 'admin'],
  Sex: ['female', 'male', 'other', 'unknown'],
  CodeStatus: ['full_code', 'dnr', 'dnr_dni', 'dni', 'comfort_care'],
  Isolation: ['none', 'contact', 'contact_plus', 'droplet', 'airborne', 'neutropenic'],
  FallRisk: ['low', 'moderate', 'high'],
  IllnessSeverity: ['stable', 'watcher', 'unstable'],
  Shift: ['day', 'evening', 'night'],
  HandoffStatus: ['draft', 'processing', 'ready', 'signed', 'acknowledged', 'failed', 'cancelled'],
  RecordingStatus: ['queued', 'transcribing', 'extracting', 'completed', 'failed'],
  AudioMimeType: ['audio/ogg', 'audio/wav'],
  SbarSource: ['ai', 'nurse', 'on-device'],
};
const SECTIONS = ['situation', 'background', 'assessment', 'recommendation'];
const MODELS = {
  User: {
    members: ['id', 'email', 'name', 'role', 'unit_id', 'created_at'],
    required: ['id', 'email', 'name', 'role'],
  },
  Unit: { members: ['id', 'name', 'code', 'floor', 'bed_count'], required: ['id', 'name', 'code'] },
  Patient: {
    members: [
      'id', 'unit_id', 'mrn', 'given_name', 'family_name', 'date_of_birth', 'sex', 'room', 'bed',
      'code_status', 'allergies', 'no_known_allergies', 'isolation', 'acuity', 'fall_risk', 'diagnosis',
      'attending', 'admitted_at', 'handoff_status', 'updated_at',
    ],
    required: ['id', 'unit_id', 'mrn', 'given_name', 'family_name', 'date_of_birth', 'sex', 'room'],
  },
  Handoff: {
    members: [
      'id', 'patient_id', 'unit_id', 'status', 'shift_date', 'shift', 'outgoing_nurse_id',
      'receiving_nurse_id', 'created_by', 'created_at', 'updated_at', 'latest_version', 'etag',
      'signed_by', 'signed_at', 'acknowledged_by', 'acknowledged_at', 'readback_note', 'failure_reason',
    ],
    required: [
      'id', 'patient_id', 'unit_id', 'status', 'shift_date', 'shift', 'created_by', 'created_at',
      'updated_at', 'latest_version',
    ],
  },
  Recording: {
    members: [
      'id', 'handoff_id', 'status', 'mime_type', 'duration_ms', 'size_bytes', 'sha256', 'engine',
      'transcript', 'words', 'error', 'created_at', 'updated_at',
    ],
    required: ['id', 'handoff_id', 'status', 'mime_type', 'created_at', 'updated_at'],
  },
  SbarVersion: {
    members: [
      'id', 'handoff_id', 'version', 'previous_version_id', 'author_id', 'author_name', 'source',
      'created_at', ...SECTIONS, 'fields', 'completeness', 'changes_since_last_version',
    ],
    required: ['id', 'handoff_id', 'version', 'previous_version_id', 'author_id', 'source', 'created_at', 'fields'],
  },
  SbarVersionCreate: { members: ['base_version', 'source', ...SECTIONS, 'fields'], required: ['base_version', 'source', 'fields'] },
  SbarFields: {
    members: [
      'patient_identifiers', 'room_bed', 'code_status', 'allergies', 'isolation', 'fall_risk',
      'illness_severity', 'diagnosis', 'history', 'vitals', 'lines_drains_airways', 'infusions', 'diet',
      'mobility', 'meds_due', 'pending', 'todos', 'contingencies', 'family_discharge',
    ],
    required: [],
  },
  Vitals: {
    members: ['taken_at', 'temperature_c', 'heart_rate', 'respiratory_rate', 'blood_pressure', 'spo2', 'pain'],
    required: [],
  },
  Span: { members: ['start', 'end', 'audio_start_ms', 'audio_end_ms', 'confidence'], required: ['start', 'end'] },
  Completeness: {
    members: ['score', 'complete', 'missing', 'missing_critical'],
    required: ['score', 'complete', 'missing', 'missing_critical'],
  },
  Changes: {
    members: ['from_version', 'to_version', 'sections', 'fields', 'summary'],
    required: ['from_version', 'to_version', 'sections', 'fields', 'summary'],
  },
  Problem: {
    members: ['type', 'title', 'status', 'detail', 'instance', 'code', 'errors', 'latest'],
    required: ['type', 'title', 'status', 'code'],
  },
};
// 4xx/5xx responses that deliberately do not carry a Problem (operationId status -> schema).
const PROBLEM_EXCEPTIONS = { 'getHealth 503': 'Health' };
const PROBLEM_REF = '#/components/schemas/Problem';

// ---------------------------------------------------------------- helpers
const file = process.argv[2];
if (!file) bailOut('usage: node validate-openapi.mjs <openapi.json>');
const deps = await loadDeps();
const doc = readJson(file, 'OpenAPI document');
const tap = new Tap();

function pointer(ref) {
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return undefined;
  let node = doc;
  for (const raw of ref.slice(2).split('/')) {
    const part = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (node === null || typeof node !== 'object' || !(part in node)) return undefined;
    node = node[part];
  }
  return node;
}
function deref(node) {
  const seen = new Set();
  while (node && typeof node === 'object' && typeof node.$ref === 'string' && !seen.has(node.$ref)) {
    seen.add(node.$ref);
    node = pointer(node.$ref);
  }
  return node;
}
const normalize = (path) => path.replace(/\{[^}]+\}/g, '{}');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const operations = [];
for (const [path, item] of Object.entries(doc.paths ?? {})) {
  for (const method of METHODS) {
    if (item?.[method]) operations.push({ path, method, item, op: item[method], key: `${method} ${normalize(path)}` });
  }
}
const findOp = (method, path) => operations.find((o) => o.key === `${method} ${path}`);
const label = (o) => `${o.method.toUpperCase()} ${o.path}`;
function paramsOf(o) {
  const all = new Map();
  for (const p of [...(o.item.parameters ?? []), ...(o.op.parameters ?? [])].map(deref)) {
    if (p) all.set(`${p.in}:${String(p.name).toLowerCase()}`, p);
  }
  return all;
}
const header = (o, name) => paramsOf(o).get(`header:${name.toLowerCase()}`);
const response = (o, status) => deref(o.op.responses?.[status]);
function responseHeader(res, name) {
  const entry = Object.entries(res?.headers ?? {}).find(([k]) => k.toLowerCase() === name.toLowerCase());
  return entry ? deref(entry[1]) : undefined;
}
const isProblem = (res) => {
  const content = res?.content ?? {};
  const types = Object.keys(content);
  return types.length === 1 && types[0] === 'application/problem+json' && content[types[0]]?.schema?.$ref === PROBLEM_REF;
};
const sameSet = (a, b) => a.length === b.length && [...a].sort().join('\0') === [...b].sort().join('\0');
const diffSets = (want, have) => {
  const out = [];
  const missing = want.filter((x) => !have.includes(x));
  const extra = have.filter((x) => !want.includes(x));
  if (missing.length) out.push(`missing: ${missing.join(', ')}`);
  if (extra.length) out.push(`not in the spec: ${extra.join(', ')}`);
  return out;
};
const opOrFail = (method, path) => {
  const o = findOp(method, path);
  if (!o) throw new Error(`${method.toUpperCase()} ${path} is not in the document`);
  return o;
};
const effectiveSecurity = (o) => o.op.security ?? doc.security ?? [];
const isSecured = (o) => {
  const sec = effectiveSecurity(o);
  return sec.length > 0 && !sec.some((req) => Object.keys(req).length === 0);
};

// ---------------------------------------------------------------- 1. structure and $refs
await tap.check('swagger-parser validates the document (OpenAPI 3.1 structure, every $ref resolves)', async () => {
  await deps.SwaggerParser.validate(structuredClone(doc));
  return [];
});
await tap.check('every internal $ref points at an existing object', () => {
  const bad = [];
  const walk = (node, where) => {
    if (Array.isArray(node)) node.forEach((v, i) => walk(v, `${where}/${i}`));
    else if (node && typeof node === 'object') {
      if (typeof node.$ref === 'string' && pointer(node.$ref) === undefined) bad.push(`${where}: ${node.$ref}`);
      for (const [k, v] of Object.entries(node)) walk(v, `${where}/${k}`);
    }
  };
  walk(doc, '#');
  return bad;
});
await tap.check('openapi is 3.1.0; info has title, version 1.0.0 and license GPL-3.0-or-later', () => {
  const p = [];
  if (doc.openapi !== '3.1.0') p.push(`openapi is ${JSON.stringify(doc.openapi)}`);
  if (!doc.info?.title) p.push('info.title missing');
  if (doc.info?.version !== '1.0.0') p.push(`info.version is ${JSON.stringify(doc.info?.version)}`);
  if (doc.info?.license?.identifier !== 'GPL-3.0-or-later') p.push('info.license.identifier is not GPL-3.0-or-later');
  return p;
});
await tap.check('servers include http://127.0.0.1:8080', () =>
  (doc.servers ?? []).some((s) => s.url === 'http://127.0.0.1:8080') ? [] : ['no such server']);
await tap.check('security: bearerAuth is HTTP bearer (JWT) and required by default', () => {
  const s = doc.components?.securitySchemes?.bearerAuth;
  const p = [];
  if (s?.type !== 'http' || s?.scheme?.toLowerCase() !== 'bearer' || s?.bearerFormat !== 'JWT') p.push('components.securitySchemes.bearerAuth must be {type: http, scheme: bearer, bearerFormat: JWT}');
  if (!(doc.security ?? []).some((r) => 'bearerAuth' in r)) p.push('top-level security does not require bearerAuth');
  return p;
});

// ---------------------------------------------------------------- 2. the endpoint table
for (const [method, path] of ENDPOINTS) {
  tap.ok(Boolean(findOp(method, path)), `endpoint ${method.toUpperCase()} ${path} exists`, [
    `ARCHITECTURE.md lists ${method.toUpperCase()} ${path}; the document has no such operation`,
  ]);
}

// ---------------------------------------------------------------- 3. every operation
const declaredTags = new Set((doc.tags ?? []).map((t) => t.name));
const opIds = operations.map((o) => o.op.operationId).filter(Boolean);
await tap.check('operationIds are unique', () => opIds.filter((id, i) => opIds.indexOf(id) !== i).map((id) => `duplicate ${id}`));
for (const o of operations) {
  await tap.check(`${label(o)}: operationId, tags, 2xx, Problem errors, 401/404/429/5xx, no-store`, () => {
    const p = [];
    const id = o.op.operationId;
    if (!id) p.push('no operationId');
    if (!o.op.tags?.length) p.push('no tags');
    for (const t of o.op.tags ?? []) if (!declaredTags.has(t)) p.push(`tag ${t} is not declared in the top-level tags`);
    const statuses = Object.keys(o.op.responses ?? {});
    if (!statuses.some((s) => /^2\d\d$/.test(s))) p.push('no 2xx response');
    const errorStatuses = statuses.filter((s) => /^[45]\d\d$|^[45]XX$/.test(s));
    if (o.path.startsWith('/api/v1/') && !errorStatuses.some((s) => s.startsWith('4'))) p.push('no 4xx response');
    if (!errorStatuses.some((s) => s.startsWith('5'))) p.push('no 5xx response');
    if (!errorStatuses.some((s) => isProblem(response(o, s)))) p.push('no application/problem+json error response');
    for (const s of errorStatuses) {
      const res = response(o, s);
      const exception = PROBLEM_EXCEPTIONS[`${id} ${s}`];
      if (exception) {
        const schema = res?.content?.['application/json']?.schema?.$ref;
        if (schema !== `#/components/schemas/${exception}`) p.push(`${s}: expected the documented exception, application/json ${exception}`);
      } else if (!isProblem(res)) {
        p.push(`${s}: must have exactly one content type, application/problem+json, with schema $ref ${PROBLEM_REF}`);
      }
      if (!res?.description) p.push(`${s}: no description`);
    }
    if (statuses.includes('429') && !responseHeader(response(o, '429'), 'Retry-After')) p.push('429 without a Retry-After header');
    if (isSecured(o) && !statuses.includes('401')) p.push('secured operation without 401');
    if (/\{[^}]+\}/.test(o.path) && !statuses.includes('404')) p.push('path parameter but no 404');
    if (o.path.startsWith('/api/v1/') && !statuses.includes('429')) p.push('/api/v1 operation without 429 (rate limit)');
    if (o.path.startsWith('/api/v1/')) {
      for (const s of statuses.filter((x) => /^2\d\d$/.test(x))) {
        const res = response(o, s);
        if (!res?.content) continue;
        const cc = responseHeader(res, 'Cache-Control');
        if (!cc || !cc.schema || !(deref(cc.schema).enum ?? [deref(cc.schema).const]).includes('no-store')) {
          p.push(`${s}: no Cache-Control header with the value no-store`);
        }
      }
    }
    const body = deref(o.op.requestBody);
    if (body) {
      for (const [type, media] of Object.entries(body.content ?? {})) {
        if (!type.includes('json')) continue;
        const target = deref(media.schema);
        if (!media.schema?.$ref) p.push(`request body ${type}: schema must be a $ref to a components schema`);
        else if (target?.additionalProperties !== false) p.push(`request body ${type}: ${media.schema.$ref} must set additionalProperties: false`);
      }
      if (!statuses.includes('415')) p.push('request body but no 415');
      if (!statuses.includes('413')) p.push('request body but no 413');
    }
    return p;
  });
}

// ---------------------------------------------------------------- 3b. the specific rules
const requiredHeader = (o, name) => {
  const h = header(o, name);
  if (!h) return [`no ${name} header parameter`];
  return h.required === true ? [] : [`${name} is not required: true`];
};
const problemAt = (o, status) => (isProblem(response(o, status)) ? [] : [`no ${status} application/problem+json Problem response`]);
const schemaOf = (res, type = 'application/json') => res?.content?.[type]?.schema?.$ref;

await tap.check('POST /api/v1/handoffs: client id in HandoffCreate, required Idempotency-Key, 201 Handoff', () => {
  const o = opOrFail('post', '/api/v1/handoffs');
  const p = requiredHeader(o, 'Idempotency-Key');
  const body = deref(deref(o.op.requestBody)?.content?.['application/json']?.schema);
  if (!body?.required?.includes('id')) p.push('request body does not require a client-chosen id');
  if (schemaOf(response(o, '201')) !== '#/components/schemas/Handoff') p.push('201 is not a Handoff');
  return p;
});
await tap.check('POST recordings: required Idempotency-Key and Content-Digest (sha-256), audio/ogg + audio/wav, 202 Recording', () => {
  const o = opOrFail('post', '/api/v1/handoffs/{}/recordings');
  const p = [...requiredHeader(o, 'Idempotency-Key'), ...requiredHeader(o, 'Content-Digest')];
  const digest = header(o, 'Content-Digest');
  const pattern = deref(digest?.schema)?.pattern;
  if (!pattern || !new RegExp(pattern, 'u').test('sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:')) p.push('Content-Digest pattern does not accept an RFC 9530 sha-256 value');
  else if (new RegExp(pattern, 'u').test('sha-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=')) p.push('Content-Digest pattern accepts a value without the :base64: byte sequence');
  const types = Object.keys(deref(o.op.requestBody)?.content ?? {});
  if (!sameSet(types, ['audio/ogg', 'audio/wav'])) p.push(`request body types are ${types.join(', ')}; want audio/ogg, audio/wav`);
  if (schemaOf(response(o, '202')) !== '#/components/schemas/Recording') p.push('202 is not a Recording');
  return [...p, ...problemAt(o, '413'), ...problemAt(o, '415')];
});
await tap.check('PATCH /api/v1/handoffs/{id}: required If-Match, 412 and 428 Problem, 200 with ETag', () => {
  const o = opOrFail('patch', '/api/v1/handoffs/{}');
  const p = [...requiredHeader(o, 'If-Match'), ...problemAt(o, '412'), ...problemAt(o, '428')];
  if (!responseHeader(response(o, '200'), 'ETag')) p.push('200 has no ETag header');
  return p;
});
await tap.check('GET /api/v1/handoffs/{id}: 200 Handoff with an ETag header', () => {
  const o = opOrFail('get', '/api/v1/handoffs/{}');
  const res = response(o, '200');
  const p = [];
  if (schemaOf(res) !== '#/components/schemas/Handoff') p.push('200 is not a Handoff');
  if (!responseHeader(res, 'ETag')) p.push('200 has no ETag header');
  return p;
});
await tap.check('GET /api/v1/handoffs: filters unit_id, patient_id, status, shift_date; cursor + limit; HandoffList', () => {
  const o = opOrFail('get', '/api/v1/handoffs');
  const params = paramsOf(o);
  const p = ['unit_id', 'patient_id', 'status', 'shift_date', 'cursor', 'limit']
    .filter((n) => !params.has(`query:${n}`)).map((n) => `no query parameter ${n}`);
  const list = deref(pointer(schemaOf(response(o, '200')) ?? '#/x'));
  for (const m of ['items', 'next_cursor', 'has_more']) if (!list?.properties?.[m]) p.push(`200 body has no ${m}`);
  return p;
});
await tap.check('GET /api/v1/patients: required unit_id query parameter', () => {
  const q = paramsOf(opOrFail('get', '/api/v1/patients')).get('query:unit_id');
  return q?.required === true ? [] : ['unit_id is missing or not required'];
});
await tap.check('POST sbar/versions: SbarVersionCreate with base_version, 201 SbarVersion, 409 and 423 Problem', () => {
  const o = opOrFail('post', '/api/v1/handoffs/{}/sbar/versions');
  const p = [...problemAt(o, '409'), ...problemAt(o, '423')];
  if (deref(o.op.requestBody)?.content?.['application/json']?.schema?.$ref !== '#/components/schemas/SbarVersionCreate') p.push('request body is not SbarVersionCreate');
  if (!doc.components?.schemas?.SbarVersionCreate?.required?.includes('base_version')) p.push('SbarVersionCreate does not require base_version');
  if (schemaOf(response(o, '201')) !== '#/components/schemas/SbarVersion') p.push('201 is not an SbarVersion');
  if (doc.components?.schemas?.Problem?.properties?.latest?.$ref !== '#/components/schemas/SbarVersion') p.push('Problem.latest is not an SbarVersion');
  return p;
});
await tap.check('POST sign needs a re-entered password; POST acknowledge needs read-back confirmation + optional note', () => {
  const p = [];
  const body = (path) => deref(deref(deref(opOrFail('post', path).op.requestBody)?.content?.['application/json']?.schema));
  const sign = body('/api/v1/handoffs/{}/sign');
  if (!sign?.required?.includes('password')) p.push('sign: password not required');
  const ack = body('/api/v1/handoffs/{}/acknowledge');
  const confirm = Object.keys(ack?.properties ?? {}).find((k) => k.includes('confirm'));
  if (!confirm || !ack.required?.includes(confirm)) p.push('acknowledge: no required read-back confirmation member');
  if (!Object.keys(ack?.properties ?? {}).some((k) => k.includes('note')) || (ack?.required ?? []).some((k) => k.includes('note'))) p.push('acknowledge: no optional note');
  return p;
});
await tap.check('GET /api/v1/changes: since + limit; ChangeFeed with upserts, tombstones, next_cursor, has_more', () => {
  const o = opOrFail('get', '/api/v1/changes');
  const params = paramsOf(o);
  const p = ['since', 'limit'].filter((n) => !params.has(`query:${n}`)).map((n) => `no query parameter ${n}`);
  const feed = deref(pointer(schemaOf(response(o, '200')) ?? '#/x'));
  for (const m of ['upserts', 'tombstones', 'next_cursor', 'has_more']) if (!feed?.required?.includes(m)) p.push(`ChangeFeed does not require ${m}`);
  return p;
});
await tap.check('auth: login -> TokenResponse (Bearer), 401 Problem; refresh -> TokenResponse; logout -> 204', () => {
  const p = [];
  const login = opOrFail('post', '/api/v1/auth/login');
  if (schemaOf(response(login, '200')) !== '#/components/schemas/TokenResponse') p.push('login 200 is not a TokenResponse');
  p.push(...problemAt(login, '401'));
  const tr = doc.components?.schemas?.TokenResponse;
  for (const m of ['access_token', 'refresh_token', 'token_type', 'expires_in', 'user']) if (!tr?.required?.includes(m)) p.push(`TokenResponse does not require ${m}`);
  if (JSON.stringify(tr?.properties?.token_type?.enum ?? [tr?.properties?.token_type?.const]) !== '["Bearer"]') p.push('token_type is not exactly "Bearer"');
  if (schemaOf(response(opOrFail('post', '/api/v1/auth/refresh'), '200')) !== '#/components/schemas/TokenResponse') p.push('refresh 200 is not a TokenResponse');
  if (!response(opOrFail('post', '/api/v1/auth/logout'), '204')) p.push('logout has no 204');
  for (const path of ['/api/v1/auth/login', '/api/v1/auth/refresh']) {
    if (isSecured(opOrFail('post', path))) p.push(`${path} must not require a bearer token`);
  }
  return p;
});
await tap.check('GET /api/health: 200 and 503 Health, no authentication', () => {
  const o = opOrFail('get', '/api/health');
  const p = [];
  for (const s of ['200', '503']) if (schemaOf(response(o, s)) !== '#/components/schemas/Health') p.push(`${s} is not Health`);
  if (isSecured(o)) p.push('health must not require authentication');
  const checks = doc.components?.schemas?.Health?.properties?.checks;
  for (const c of ['database', 'storage', 'speech']) if (!checks?.required?.includes(c)) p.push(`Health.checks does not require ${c}`);
  return p;
});
await tap.check('every 429 response declares Retry-After (and RateLimit-* headers)', () => {
  const p = [];
  for (const o of operations) {
    const res = response(o, '429');
    if (!res) continue;
    for (const h of ['Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']) {
      if (!responseHeader(res, h)) p.push(`${label(o)} 429: no ${h}`);
    }
  }
  return p;
});

// ---------------------------------------------------------------- 4. schemas compile
const ajv = makeAjv(deps, doc);
const schemaNames = Object.keys(doc.components?.schemas ?? {});
tap.ok(schemaNames.length > 0, 'components.schemas is not empty');
for (const name of schemaNames) {
  await tap.check(`components.schemas.${name} compiles (ajv, JSON Schema 2020-12, strict)`, () => {
    if (!ajv.getSchema(schemaRef(name))) return ['ajv could not resolve it'];
    return [];
  });
}
await tap.check('every parameter and header schema under components compiles', () => {
  const p = [];
  for (const kind of ['parameters', 'headers']) {
    for (const [name, obj] of Object.entries(doc.components?.[kind] ?? {})) {
      try {
        if (obj.schema && !ajv.getSchema(`${DOC_ID}#/components/${kind}/${name}/schema`)) p.push(`${kind}.${name}: not resolved`);
      } catch (e) {
        p.push(`${kind}.${name}: ${e.message}`);
      }
    }
  }
  return p;
});
await tap.check('every component schema is used', () => {
  const text = JSON.stringify(doc);
  return schemaNames.filter((n) => !text.includes(`"#/components/schemas/${n}"`)).map((n) => `${n} is never referenced`);
});

// ---------------------------------------------------------------- 5. the lead's spec
await tap.check(`ErrorCode enum has exactly the ${ERROR_CODES.length} codes of the spec; Problem.code uses it`, () => {
  const p = diffSets(ERROR_CODES, doc.components?.schemas?.ErrorCode?.enum ?? []);
  if (doc.components?.schemas?.Problem?.properties?.code?.$ref !== '#/components/schemas/ErrorCode') p.push('Problem.code is not a $ref to ErrorCode');
  return p;
});
for (const [name, values] of Object.entries(ENUMS)) {
  if (name === 'ErrorCode') continue;
  await tap.check(`enum ${name} matches the spec`, () => diffSets(values, doc.components?.schemas?.[name]?.enum ?? []));
}
for (const [name, want] of Object.entries(MODELS)) {
  await tap.check(`${name}: members and required members match the spec`, () => {
    const s = doc.components?.schemas?.[name];
    if (!s) return [`components.schemas.${name} is missing`];
    const p = diffSets(want.members, Object.keys(s.properties ?? {})).map((x) => `members ${x}`);
    p.push(...diffSets(want.required, s.required ?? []).map((x) => `required ${x}`));
    return p;
  });
}

tap.finish();
