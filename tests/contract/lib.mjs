// SPDX-License-Identifier: GPL-3.0-or-later
// Shared by the contract validators: TAP output, the npm dependency check and the ajv setup.
import { existsSync, readFileSync } from 'node:fs';

// Base URI under which the OpenAPI document is registered with ajv, so that
// `${DOC_ID}#/components/schemas/<Name>` resolves and internal `#/...` $refs work.
export const DOC_ID = 'https://eclipselink.invalid/openapi.json';

// Top-level OpenAPI members and OpenAPI-only Schema Object keywords. ajv must know them as
// (annotation) keywords: the whole document is added as one schema, and strict mode rejects
// unknown keywords. Everything inside components/schemas is still checked strictly.
const OPENAPI_KEYWORDS = [
  'openapi', 'info', 'jsonSchemaDialect', 'servers', 'paths', 'webhooks', 'components', 'security',
  'tags', 'externalDocs', 'discriminator', 'xml', 'example',
];

export class Tap {
  constructor() {
    this.n = 0;
    this.failed = 0;
  }

  ok(pass, name, diag = []) {
    this.n += 1;
    if (!pass) this.failed += 1;
    console.log(`${pass ? 'ok' : 'not ok'} ${this.n} - ${name}`);
    if (!pass) {
      // TAP diagnostics on stdout; the same on stderr, which `meson test --print-errorlogs` shows.
      console.error(`not ok ${this.n} - ${name}`);
      for (const line of [].concat(diag)) {
        console.log(`# ${String(line).replaceAll('\n', '\n# ')}`);
        console.error(`    ${String(line).replaceAll('\n', '\n    ')}`);
      }
    }
    return pass;
  }

  // Runs fn(); a thrown error is a failure with its message as the diagnostic.
  async check(name, fn) {
    try {
      const problems = (await fn()) ?? [];
      return this.ok(problems.length === 0, name, problems);
    } catch (e) {
      return this.ok(false, name, [e?.message ?? String(e)]);
    }
  }

  comment(text) {
    console.log(`# ${text}`);
  }

  // Prints the plan and exits: 0 only if every test passed.
  finish() {
    console.log(`1..${this.n}`);
    if (this.failed) console.log(`# ${this.failed} of ${this.n} failed`);
    process.exit(this.failed ? 1 : 0);
  }
}

export function bailOut(message) {
  console.log(`Bail out! ${message}`);
  console.error(message);
  process.exit(1);
}

// The validators come from the npm registry, pinned in package-lock.json.
export async function loadDeps() {
  const nm = new URL('./node_modules/', import.meta.url);
  for (const pkg of ['@apidevtools/swagger-parser', 'ajv', 'ajv-formats']) {
    if (!existsSync(new URL(`${pkg}/package.json`, nm))) {
      bailOut(`tests/contract/node_modules lacks ${pkg}: run \`npm ci --prefix tests/contract\` (from the source root) first`);
    }
  }
  const [swagger, ajv2020, formats] = await Promise.all([
    import('@apidevtools/swagger-parser'),
    import('ajv/dist/2020.js'),
    import('ajv-formats'),
  ]);
  return {
    SwaggerParser: swagger.default,
    Ajv2020: ajv2020.default.default ?? ajv2020.default,
    addFormats: formats.default.default ?? formats.default,
  };
}

export function readJson(path, what = 'file') {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    bailOut(`cannot read ${what} ${path}: ${e.message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    bailOut(`${what} ${path} is not valid JSON: ${e.message}`);
  }
  return undefined;
}

// ajv for JSON Schema 2020-12 (the OpenAPI 3.1 dialect). Strict mode, except strictRequired,
// which wrongly flags `required` inside if/then/anyOf when the properties are declared by the
// enclosing schema (e.g. Handoff's signed -> signed_by rule).
export function makeAjv(deps, doc) {
  const ajv = new deps.Ajv2020({
    strict: true,
    strictRequired: false,
    allErrors: true,
    allowMatchingProperties: false,
  });
  deps.addFormats(ajv);
  ajv.addVocabulary(OPENAPI_KEYWORDS);
  if (doc) ajv.addSchema(doc, DOC_ID);
  return ajv;
}

export function schemaRef(name) {
  return `${DOC_ID}#/components/schemas/${name}`;
}

export function formatAjvErrors(errors, max = 12) {
  const lines = (errors ?? []).slice(0, max).map((e) => {
    const where = e.instancePath || '(document)';
    const params = e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : '';
    return `${where} ${e.message}${params}  [${e.schemaPath}]`;
  });
  if ((errors?.length ?? 0) > max) lines.push(`... and ${errors.length - max} more`);
  return lines;
}
