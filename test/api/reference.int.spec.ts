import type { Format } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { documentedRoutes } from '../../src/api/reference/document.js';
import type { JsonSchema } from '../../src/api/reference/json-schema.js';
import type { JsonResponse, RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import type { SignedUpTenant } from '../support/identity-fixtures.js';
import { bearer, createUser, expectStatus, signupTenant } from '../support/identity-fixtures.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const formats: Record<string, Format> = { uuid: UUID, 'date-time': (value: string) => !Number.isNaN(Date.parse(value)), 'uri-reference': true, binary: true };

const revalidate = (etag: string): Record<string, string> => ({ 'If-None-Match': etag, 'Cache-Control': 'max-age=0' });

const test = suite<{ api?: RunningApi; tenant?: SignedUpTenant; document?: JsonSchema; conforms?: (schema: string, response: JsonResponse) => string }>('API reference over HTTP', {});

test.before(async (context) => {
  // A loaded machine must not turn the answers under test into read-your-writes 202s.
  context.api = await startApi({ environment: { READ_YOUR_WRITES_TIMEOUT_MS: '10000' } });
  context.tenant = await signupTenant(context.api.baseUrl, 'Reference');
  const document = (await call<JsonSchema>(context.api.baseUrl, '/openapi.json')).body;
  context.document = document;
  // The served document is the schema store: a response conforms when it validates against the named component.
  const ajv = new Ajv2020({ strict: false, formats, allErrors: true });
  ajv.addSchema({ ...document, $id: 'https://itsm.invalid/openapi.json' });
  context.conforms = (schema, response) => {
    const validate = ajv.getSchema(`https://itsm.invalid/openapi.json#/components/schemas/${schema}`);
    if (!validate) return `no schema ${schema}`;
    return validate(response.body) ? '' : `${schema}: ${ajv.errorsText(validate.errors)}`;
  };
});
test.after(async (context) => {
  await context.api?.close();
});

test('the document covers every route the API serves, and only those', ({ api, document }) => {
  const served = api!.system.routeTable().map((route) => `${route.method} ${route.path}`);
  const documented = documentedRoutes(document!);
  // undocumented: add an operation in src/api/reference/areas; stale: the API no longer serves it.
  const undocumented = served.filter((route) => !documented.includes(route));
  const stale = documented.filter((route) => !served.includes(route));
  assert.equal({ undocumented, stale }, { undocumented: [], stale: [] });
});

test('GET /openapi.json: public JSON with a strong ETag, revalidated, 304 when unchanged; the same under /api/v1', async ({ api }) => {
  const first = await fetch(`${api!.baseUrl}/openapi.json`);
  assert.is(first.status, 200);
  assert.is(first.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.is(first.headers.get('cache-control'), 'no-cache');
  assert.is(first.headers.get('x-content-type-options'), 'nosniff');
  const etag = first.headers.get('etag') ?? '';
  assert.match(etag, /^"[A-Za-z0-9_-]+"$/);
  const text = await first.text();
  assert.is((JSON.parse(text) as { openapi: string }).openapi, '3.1.0');

  // As a browser revalidates (fetch would otherwise add Cache-Control: no-cache, which forbids a 304).
  const again = await fetch(`${api!.baseUrl}/openapi.json`, { headers: revalidate(etag) });
  assert.is(again.status, 304);
  assert.is(await again.text(), '');

  const versioned = await fetch(`${api!.baseUrl}/api/v1/openapi.json`);
  assert.is(versioned.headers.get('etag'), etag);
  assert.is(await versioned.text(), text);
});

test('GET /docs: an HTML page whose scripts and styles all come from this process, under a strict policy', async ({ api }) => {
  const page = await fetch(`${api!.baseUrl}/docs`);
  assert.is(page.status, 200);
  assert.is(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.is(page.headers.get('cache-control'), 'no-cache');
  const policy = page.headers.get('content-security-policy') ?? '';
  assert.match(policy, /default-src 'self'/);
  assert.match(policy, /script-src 'self'(;|$)/);
  const html = await page.text();
  assert.not.match(html, /https?:\/\//);
  const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
  const expectedTypes: Record<string, RegExp> = { js: /^text\/javascript; charset=utf-8$/, css: /^text\/css; charset=utf-8$/, png: /^image\/png$/, json: /^application\/json/ };
  assert.ok(urls.some((url) => url.endsWith('swagger-ui-bundle.js')));
  for (const url of urls) {
    assert.ok(url.startsWith('/'), `${url} is not on this origin`);
    const asset = await fetch(`${api!.baseUrl}${url}`);
    assert.is(asset.status, 200, url);
    const extension = url.split('.').at(-1) ?? '';
    assert.match(asset.headers.get('content-type') ?? '', expectedTypes[extension] ?? /^$/, url);
    if (url.startsWith('/docs/assets/')) {
      assert.is(asset.headers.get('cache-control'), 'public, max-age=3600', url);
      const etag = asset.headers.get('etag') ?? '';
      assert.ok(etag.length > 2, url);
      assert.is((await fetch(`${api!.baseUrl}${url}`, { headers: revalidate(etag) })).status, 304, url);
    }
    await asset.arrayBuffer();
  }
});

test('an unknown asset, or a path that climbs out, is a 404 problem', async ({ api }) => {
  for (const path of ['/docs/assets/package.json', '/docs/assets/..%2F..%2Fpackage.json', '/docs/assets/swagger-ui-bundle.js.map', '/docs/assets/constructor', '/docs/assets/__proto__']) {
    const response = await call(api!.baseUrl, path);
    assert.is(response.status, 404, path);
    assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/, path);
  }
});

test("real answers of the tickets endpoints match the document's schemas", async ({ api, tenant, conforms }) => {
  const baseUrl = api!.baseUrl;
  const headers = bearer(tenant!.tokens.accessToken);
  const mismatches: string[] = [];
  const check = (schema: string, response: JsonResponse) => {
    const problem = conforms!(schema, response);
    if (problem) mismatches.push(problem);
  };

  const opened = expectStatus(
    await call<{ id: string; number: string }>(baseUrl, '/api/v1/tickets', { method: 'POST', headers, json: { type: 'incident', title: 'Reference check', impact: 'medium', urgency: 'high', tags: ['docs'] } }),
    201,
    'opening a ticket',
  );
  check('TicketDetail', opened);
  // A change fills the fields an incident leaves null, and carries approvals.
  const change = expectStatus(
    await call<{ id: string }>(baseUrl, '/api/v1/tickets', { method: 'POST', headers, json: { type: 'change', title: 'Reference change', impact: 'low', urgency: 'low', risk: 'low', plannedStart: '2030-01-01T08:00:00Z', plannedEnd: '2030-01-01T09:00:00Z' } }),
    201,
    'opening a change',
  );
  check('TicketDetail', change);
  check('TicketDetail', expectStatus(await call(baseUrl, `/api/v1/tickets/${change.body.id}/approvals`, { method: 'POST', headers, json: { approverIds: [tenant!.admin.id] } }), 200, 'requesting approval'));
  check('TicketDetail', expectStatus(await call(baseUrl, `/api/v1/tickets/${change.body.id}/approve`, { method: 'POST', headers, json: { comment: 'fine' } }), 200, 'approving'));
  const id = opened.body.id;
  check('TicketDetail', expectStatus(await call(baseUrl, `/api/v1/tickets/${opened.body.number}`, { headers }), 200, 'reading it by number'));
  const technician = await createUser(baseUrl, tenant!.tokens.accessToken, 'technician');
  const assigned = expectStatus(await call(baseUrl, `/api/v1/tickets/${id}/assign`, { method: 'POST', headers: { ...headers, 'If-Match': opened.headers.get('etag') ?? '' }, json: { assigneeId: technician.id } }), 200, 'assigning it');
  check('TicketDetail', assigned);
  check('TicketComment', expectStatus(await call(baseUrl, `/api/v1/tickets/${id}/comments`, { method: 'POST', headers, json: { body: 'Looked into it', internal: true } }), 201, 'commenting'));
  check('TicketPage', expectStatus(await call(baseUrl, '/api/v1/tickets?count=true&status=assigned,new&sort=-priority', { headers }), 200, 'listing'));
  check('TicketDetail', expectStatus(await call(baseUrl, `/api/v1/tickets/${id}/start`, { method: 'POST', headers }), 200, 'starting work'));
  check('TicketSettled', expectStatus(await call(baseUrl, `/api/v1/tickets/${id}/resolve`, { method: 'POST', headers, json: { code: 'fixed', notes: 'done' } }), 200, 'resolving'));
  check('TicketSla', expectStatus(await call(baseUrl, `/api/v1/tickets/${id}/sla`, { headers }), 200, 'reading the SLA'));
  check('BulkResult', expectStatus(await call(baseUrl, '/api/v1/tickets/bulk', { method: 'POST', headers, json: { ids: [id, '6f1c2b1e-8d4e-4f6a-9c1b-2a3d4e5f6a7b'], action: 'close' } }), 200, 'bulk closing'));
  const history = expectStatus(await call<{ data: unknown[] }>(baseUrl, `/api/v1/tickets/${id}/history`, { headers }), 200, 'reading the history');
  for (const entry of history.body.data) check('TicketHistoryEntry', { ...history, body: entry });

  check('Problem', expectStatus(await call(baseUrl, '/api/v1/tickets', { method: 'POST', headers, json: { type: 'incident' } }), 400, 'a bad body'));
  check('Problem', expectStatus(await call(baseUrl, `/api/v1/tickets/${id}`, { method: 'PATCH', headers: { ...headers, 'If-Match': '"0"' }, json: { title: 'stale' } }), 412, 'a stale If-Match'));
  check('Problem', expectStatus(await call(baseUrl, '/api/v1/tickets'), 401, 'no token'));
  check('User', expectStatus(await call(baseUrl, `/api/v1/users/${technician.id}`, { headers }), 200, 'reading a user'));
  check('User', expectStatus(await call(baseUrl, '/api/v1/me', { headers }), 200, 'reading myself'));
  const team = expectStatus(await call<{ id: string }>(baseUrl, '/api/v1/teams', { method: 'POST', headers, json: { name: 'Reference team' } }), 201, 'creating a team');
  check('Group', team);
  check('Group', expectStatus(await call(baseUrl, `/api/v1/teams/${team.body.id}/members`, { method: 'POST', headers, json: { userId: technician.id } }), 200, 'adding a member'));
  check('Tokens', expectStatus(await call(baseUrl, '/api/v1/auth/refresh', { method: 'POST', json: { refreshToken: tenant!.tokens.refreshToken } }), 200, 'refreshing'));
  assert.equal(mismatches, []);
  // The checker itself refuses what is not a ticket, so the silence above means something.
  assert.ok(conforms!('Ticket', { ...opened, body: { ...opened.body, status: 'on_fire' } }) !== '');
  assert.ok(conforms!('TicketComment', { ...opened, body: {} }) !== '');
});

test.run();
