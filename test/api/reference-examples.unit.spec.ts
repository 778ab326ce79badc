import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { JsonSchema } from '../../src/api/reference/json-schema.js';
import { openApiDocument } from '../../src/api/reference/document.js';

const test = suite('api reference: examples');

/** What Swagger UI invents when a document gives nothing: a reader learns nothing from these. */
const PLACEHOLDERS: readonly unknown[] = ['string', '00000000-0000-0000-0000-000000000000', '3fa85f64-5717-4562-b3fc-2c963f66afa6'];

interface Found {
  readonly where: string;
  readonly example: unknown;
  readonly schema: JsonSchema | null;
}

const document = openApiDocument();
const components = document.components as { schemas: Record<string, JsonSchema>; responses: Record<string, JsonSchema> };

/** Every example in the document, with the schema it must satisfy (null when it has none, such as a response's). */
function examplesOf(node: unknown, where: string, found: Found[] = []): Found[] {
  if (Array.isArray(node)) node.forEach((item, index) => examplesOf(item, `${where}/${index}`, found));
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return found;
  const object = node as JsonSchema;
  if ('example' in object) found.push({ where: `${where}/example`, example: object.example, schema: (object.schema as JsonSchema | undefined) ?? null });
  if (Array.isArray(object.examples)) object.examples.forEach((example, index) => found.push({ where: `${where}/examples/${index}`, example, schema: object }));
  for (const [key, value] of Object.entries(object)) if (key !== 'example' && key !== 'examples') examplesOf(value, `${where}/${key}`, found);
  return found;
}

function placeholdersIn(value: unknown): unknown[] {
  if (Array.isArray(value)) return value.flatMap(placeholdersIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(placeholdersIn);
  return PLACEHOLDERS.includes(value) ? [value] : [];
}

const found = examplesOf(document, '#');

test('no example is a placeholder: no "string", no zero or Swagger-default UUID', () => {
  const bad = found.filter((entry) => placeholdersIn(entry.example).length > 0).map((entry) => entry.where);
  assert.equal(bad, []);
});

test('every operation shows an example of its JSON request body, its JSON answer and its path parameters', () => {
  const missing: string[] = [];
  for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, JsonSchema>>)) {
    for (const [method, operation] of Object.entries(item)) {
      const name = `${method.toUpperCase()} ${path}`;
      const body = ((operation.requestBody as JsonSchema | undefined)?.content as Record<string, JsonSchema> | undefined)?.['application/json'];
      if (body && !('example' in body)) missing.push(`${name} request`);
      for (const [status, response] of Object.entries(operation.responses as Record<string, JsonSchema>)) {
        const media = (response.content as Record<string, JsonSchema> | undefined)?.['application/json'];
        if (status.startsWith('2') && media && !('example' in media)) missing.push(`${name} ${status}`);
      }
      for (const parameter of (operation.parameters ?? []) as JsonSchema[]) if (parameter.in === 'path' && !('example' in parameter)) missing.push(`${name} :${String(parameter.name)}`);
    }
  }
  assert.equal(missing, []);
  assert.ok(found.length > 300, `${found.length} examples`);
});

test('every example validates against its schema', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: false });
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
  ajv.addFormat('email', /^[^\s@]+@[^\s@]+$/);
  ajv.addFormat('uri', /^[a-z][a-z0-9+.-]*:\S+$/i);
  ajv.addFormat('uri-reference', /^\S*$/);
  ajv.addSchema({ $id: 'urn:itsm:openapi', components: { schemas: components.schemas } });
  // Refs point into the document's components: resolve them in the copy added above.
  const rooted = (schema: JsonSchema): JsonSchema => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"urn:itsm:openapi#/components/')) as JsonSchema;
  const failures: string[] = [];
  for (const entry of found) {
    if (!entry.schema) continue;
    const { examples: _examples, ...schema } = entry.schema;
    const validate = ajv.compile(rooted(schema));
    if (!validate(entry.example)) failures.push(`${entry.where}: ${ajv.errorsText(validate.errors)} — ${JSON.stringify(entry.example).slice(0, 160)}`);
  }
  if (failures.length > 0) console.log(failures.join("\n"));
  assert.equal(failures.length, 0);
});

test.run();
