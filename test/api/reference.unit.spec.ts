import type { Format } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { z } from 'zod';
import { DOCS_ASSETS, DOCS_CONTENT_SECURITY_POLICY, DOCS_PAGE } from '../../src/api/reference/docs-page.js';
import { AREAS, openApiDocument } from '../../src/api/reference/document.js';
import { requestSchema } from '../../src/api/reference/json-schema.js';
import * as tickets from '../../src/api/tickets/schemas.js';

/**
 * The OpenAPI document checked for what a reader (and a client generator) relies on: every
 * reference resolves, every path parameter is declared, every schema is valid JSON Schema 2020-12,
 * and the schemas generated from zod accept and refuse what the routers accept and refuse. The
 * OpenAPI 3.1 meta-schema itself cannot be fetched here (no network), so its rules that matter are
 * checked one by one.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const document = JSON.parse(JSON.stringify(openApiDocument())) as { [key: string]: Json };
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const formats: Record<string, Format> = { uuid: UUID, 'date-time': (value: string) => !Number.isNaN(Date.parse(value)) && /T/.test(value), 'uri-reference': true, binary: true };

const isObject = (value: Json | undefined): value is { [key: string]: Json } => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: Json | undefined): string => (typeof value === 'string' ? value : JSON.stringify(value ?? null));
const objectAt = (value: Json | undefined): { [key: string]: Json } => (isObject(value) ? value : {});

interface Operation {
  readonly key: string;
  readonly path: string;
  readonly method: string;
  readonly operation: { [key: string]: Json };
}
const operations: Operation[] = Object.entries(objectAt(document.paths)).flatMap(([path, item]) =>
  Object.entries(objectAt(item))
    .filter(([method]) => METHODS.includes(method))
    .map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, path, method, operation: objectAt(operation) })),
);

function resolvePointer(pointer: string): Json | undefined {
  if (!pointer.startsWith('#/')) return undefined;
  let node: Json | undefined = document;
  for (const raw of pointer.slice(2).split('/')) {
    const segment = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = isObject(node) ? node[segment] : Array.isArray(node) ? node[Number(segment)] : undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

/** Every value under `node`, with where it is. */
function* walk(node: Json, at = '#'): Generator<{ at: string; value: Json }> {
  yield { at, value: node };
  if (Array.isArray(node)) for (const [index, child] of node.entries()) yield* walk(child, `${at}/${index}`);
  else if (isObject(node)) for (const [key, child] of Object.entries(node)) yield* walk(child, `${at}/${key}`);
}

const resolved = (value: Json | undefined): { [key: string]: Json } => {
  const node = objectAt(value);
  return typeof node.$ref === 'string' ? objectAt(resolvePointer(node.$ref)) : node;
};

const parametersOf = (operation: Operation) => (Array.isArray(operation.operation.parameters) ? operation.operation.parameters : []).map(resolved);

const test = suite('OpenAPI document');

test('is an OpenAPI 3.1 document with info, tags and one tag per operation', () => {
  assert.is(document.openapi, '3.1.0');
  const info = objectAt(document.info);
  assert.type(info.title, 'string');
  assert.type(info.version, 'string');
  const tags = (Array.isArray(document.tags) ? document.tags : []).map((tag) => objectAt(tag).name);
  assert.equal(tags, AREAS.map((area) => area.tag));
  assert.ok(operations.length > 100, `only ${operations.length} operations`);
  for (const { key, operation } of operations) {
    assert.ok(Array.isArray(operation.tags) && operation.tags.length === 1 && tags.includes(operation.tags[0] ?? ''), `${key}: tag`);
    assert.ok(typeof operation.summary === 'string' && operation.summary.length > 0, `${key}: summary`);
  }
});

test('every operation id is unique', () => {
  const ids = operations.map(({ operation }) => operation.operationId);
  const repeated = ids.filter((id, index) => ids.indexOf(id) !== index);
  assert.equal(repeated, []);
});

test('every $ref resolves inside the document', () => {
  const broken = [...walk(document)].flatMap(({ at, value }) => (isObject(value) && typeof value.$ref === 'string' && resolvePointer(value.$ref) === undefined ? [`${at}: ${value.$ref}`] : []));
  assert.equal(broken, []);
});

test('every path parameter is declared, required, and named in its path', () => {
  const problems: string[] = [];
  for (const operation of operations) {
    const inPath = [...operation.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
    const declared = parametersOf(operation).filter((parameter) => parameter.in === 'path');
    for (const name of inPath) if (!declared.some((parameter) => parameter.name === name && parameter.required === true)) problems.push(`${operation.key}: {${name}} not declared as a required path parameter`);
    for (const parameter of declared) if (!inPath.includes(text(parameter.name))) problems.push(`${operation.key}: declares path parameter ${text(parameter.name)} the path lacks`);
    const names = parametersOf(operation).map((parameter) => `${text(parameter.in)}:${text(parameter.name)}`);
    if (new Set(names).size !== names.length) problems.push(`${operation.key}: a parameter declared twice`);
    for (const parameter of parametersOf(operation)) if (!isObject(parameter.schema)) problems.push(`${operation.key}: parameter ${text(parameter.name)} without a schema`);
  }
  assert.equal(problems, []);
});

test('every operation answers a success and problem+json for its errors, and says how to authenticate', () => {
  const problems: string[] = [];
  const schemes = Object.keys(objectAt(objectAt(document.components).securitySchemes));
  for (const { key, operation } of operations) {
    const responses = objectAt(operation.responses);
    const statuses = Object.keys(responses);
    if (!statuses.some((status) => /^2\d\d$/.test(status))) problems.push(`${key}: no success response`);
    if (!statuses.includes('default')) problems.push(`${key}: no default response`);
    for (const status of statuses.filter((candidate) => candidate === 'default' || Number(candidate) >= 400)) {
      const content = objectAt(resolved(responses[status]).content);
      if (!isObject(content['application/problem+json'])) problems.push(`${key}: ${status} is not problem+json`);
    }
    if (!Array.isArray(operation.security)) problems.push(`${key}: no security requirement`);
    else for (const requirement of operation.security) for (const scheme of Object.keys(objectAt(requirement))) if (!schemes.includes(scheme)) problems.push(`${key}: unknown scheme ${scheme}`);
    const signedIn = Array.isArray(operation.security) && operation.security.length > 0;
    if (signedIn && !statuses.includes('401')) problems.push(`${key}: signed in, but no 401`);
  }
  assert.equal(problems, []);
});

test('every schema in the document is valid JSON Schema 2020-12', () => {
  const ajv = new Ajv2020({ strict: false, formats });
  const schemas = [
    ...Object.entries(objectAt(objectAt(document.components).schemas)).map(([name, schema]) => ({ at: `components/schemas/${name}`, schema: objectAt(schema) })),
    ...[...walk(document)].flatMap(({ at, value }) => (isObject(value) && isObject(value.schema) && !at.includes('/components/schemas') ? [{ at: `${at}/schema`, schema: value.schema }] : [])),
  ];
  assert.ok(schemas.length > 200, `only ${schemas.length} schemas`);
  const invalid = schemas.flatMap(({ at, schema }) => (ajv.validateSchema(schema) ? [] : [`${at}: ${ajv.errorsText(ajv.errors)}`]));
  assert.equal(invalid, []);
});

test('public routes carry no security; the rest need a bearer token', () => {
  const publicRoutes = operations.filter(({ operation }) => Array.isArray(operation.security) && operation.security.length === 0).map(({ key }) => key);
  assert.equal(publicRoutes.sort(), [
    'GET /api/v1/openapi.json',
    'GET /docs',
    'GET /docs/assets/{file}',
    'GET /healthz',
    'GET /metrics',
    'GET /openapi.json',
    'GET /readyz',
    'POST /api/v1/auth/login',
    'POST /api/v1/auth/logout',
    'POST /api/v1/auth/mfa/verify',
    'POST /api/v1/auth/refresh',
    'POST /api/v1/signup',
  ]);
});

function operation(key: string): { [key: string]: Json } {
  const found = operations.find((candidate) => candidate.key === key);
  if (!found) throw new Error(`${key} is not documented`);
  return found.operation;
}

test('the tickets list documents its filters, paging, sort and text search', () => {
  const names = parametersOf({ key: '', path: '', method: '', operation: operation('GET /api/v1/tickets') }).map((parameter) => parameter.name);
  for (const name of ['limit', 'cursor', 'sort', 'count', 'status', 'type', 'priority', 'assigneeId', 'teamId', 'requesterId', 'categoryId', 'tag', 'createdFrom', 'createdTo', 'updatedFrom', 'updatedTo', 'q']) {
    assert.ok(names.includes(name), `GET /api/v1/tickets lacks ?${name}`);
  }
});

test('ticket writes document If-Match (412), Idempotency-Key, the 202 of a lagging projection, and the ETag', () => {
  const patch = operation('PATCH /api/v1/tickets/{id}');
  const parameters = (Array.isArray(patch.parameters) ? patch.parameters : []).map((parameter) => objectAt(parameter).$ref);
  assert.ok(parameters.includes('#/components/parameters/IfMatch'));
  assert.ok(parameters.includes('#/components/parameters/IdempotencyKey'));
  const responses = objectAt(patch.responses);
  for (const status of ['200', '202', '400', '401', '403', '404', '409', '412', '422']) assert.ok(isObject(responses[status]), `PATCH /api/v1/tickets/{id} lacks ${status}`);
  assert.ok(isObject(objectAt(objectAt(responses['200']).headers).ETag));
  const created = objectAt(objectAt(operation('POST /api/v1/tickets').responses)['201']);
  assert.ok(isObject(objectAt(created.headers).Location));
  assert.equal(objectAt(objectAt(objectAt(created.content)['application/json']).schema), { $ref: '#/components/schemas/TicketDetail' });
});

/** The generated schema and the zod schema must agree on what they accept. */
function agree(name: string, schema: z.ZodType, samples: ReadonlyArray<{ body: unknown; valid: boolean }>): void {
  const ajv = new Ajv2020({ strict: false, formats });
  const validate = ajv.compile(requestSchema(schema));
  for (const { body, valid } of samples) {
    assert.is(schema.safeParse(body).success, valid, `${name}: zod on ${JSON.stringify(body)}`);
    assert.is(validate(body), valid, `${name}: JSON Schema on ${JSON.stringify(body)} ${ajv.errorsText(validate.errors)}`);
  }
}

test('the JSON Schemas generated from zod accept and refuse what the routers do', () => {
  const id = '6f1c2b1e-8d4e-4f6a-9c1b-2a3d4e5f6a7b';
  agree('openBody', tickets.openBody, [
    { body: { type: 'incident', title: 'Printer on fire', impact: 'high', urgency: 'high' }, valid: true },
    { body: { type: 'change', title: 'Patch', impact: 'low', urgency: 'low', plannedStart: '2026-01-01T10:00:00Z', assetIds: [id], tags: ['x'] }, valid: true },
    { body: { type: 'incident', title: 'No urgency', impact: 'high' }, valid: false },
    { body: { type: 'outage', title: 'Unknown type', impact: 'high', urgency: 'high' }, valid: false },
    { body: { type: 'incident', title: 'Smuggled field', impact: 'high', urgency: 'high', status: 'closed' }, valid: false },
    { body: { type: 'incident', title: 'x'.repeat(301), impact: 'high', urgency: 'high' }, valid: false },
    { body: { type: 'incident', title: 'Bad id', impact: 'high', urgency: 'high', requesterId: 'not-a-uuid' }, valid: false },
  ]);
  agree('assignBody', tickets.assignBody, [
    { body: { assigneeId: id }, valid: true },
    { body: { assigneeId: null, teamId: null }, valid: true },
    { body: {}, valid: false },
  ]);
  agree('bulkBody', tickets.bulkBody, [
    { body: { ids: [id], action: 'start' }, valid: true },
    { body: { ids: [], action: 'start' }, valid: false },
    { body: { ids: [id], action: 'explode' }, valid: false },
  ]);
});

test('the page loads nothing inline and nothing from another host', () => {
  assert.not.match(DOCS_PAGE, /https?:\/\//);
  assert.not.match(DOCS_PAGE, /<script(?![^>]*\bsrc=)[^>]*>/);
  assert.not.match(DOCS_PAGE, /\sstyle=|\son[a-z]+=/i);
  for (const [name, asset] of Object.entries(DOCS_ASSETS)) if ('text' in asset.source) assert.not.match(asset.source.text, /https?:\/\//, name);
  assert.match(DOCS_CONTENT_SECURITY_POLICY, /script-src 'self'/);
});

test.run();
