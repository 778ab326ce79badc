import { randomUUID } from 'node:crypto';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import type { CatalogEntry } from '../support/catalog-fixtures.js';
import { catalogBody, createCatalogEntry } from '../support/catalog-fixtures.js';
import type { TenantFixture } from '../support/identity-fixtures.js';
import { bearer, expectStatus, setUpTenant } from '../support/identity-fixtures.js';
import { openTicket } from '../support/queue-fixtures.js';
import { createCalendar, createPolicy } from '../support/sla-fixtures.js';

interface Service extends CatalogEntry {
  readonly slaPolicyId: string | null;
  readonly requestForm: Record<string, unknown> | null;
}
interface Ticket {
  readonly id: string;
  readonly type: string;
  readonly answers: Record<string, unknown>;
}
interface Problem {
  readonly status: number;
  readonly errors?: Array<{ path: string; message: string }>;
}

const test = suite<{ api?: RunningApi; a?: TenantFixture; b?: TenantFixture }>('service requests over HTTP', {});

test.before(async (context) => {
  context.api = await startApi({ environment: { LOGIN_LIMIT_PER_ADDRESS: '10000', RATE_LIMIT_PER_MINUTE: '100000', READ_YOUR_WRITES_TIMEOUT_MS: '10000' } });
  [context.a, context.b] = await Promise.all([setUpTenant(context.api.baseUrl, 'Requests A'), setUpTenant(context.api.baseUrl, 'Requests B')]);
});
test.after(async (context) => {
  await context.api?.close();
});

const as = (tenant: TenantFixture, role: keyof TenantFixture['sessions'] = 'admin') => bearer(tenant.sessions[role].accessToken);
const token = (tenant: TenantFixture, role: keyof TenantFixture['sessions'] = 'admin') => tenant.sessions[role].accessToken;

const laptopForm = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    model: { type: 'string', enum: ['13-inch', '15-inch'] },
    neededBy: { type: 'string', format: 'date' },
    accessories: { type: 'array', items: { type: 'string', maxLength: 50 }, maxItems: 5 },
  },
  required: ['model'],
  additionalProperties: false,
};

/** An array nested `depth` levels deep, as JSON text: small on the wire, deep enough to overflow a recursive walk. */
const deeplyNested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
/** Sent as text: the client's own JSON.stringify would overflow on such a body before the server saw it. */
const postRaw = (api: RunningApi, path: string, text: string, headers: Record<string, string>) =>
  call<Problem>(api.baseUrl, path, { method: 'POST', body: text, headers: { ...headers, 'Content-Type': 'application/json' } });

const pathsOf = (response: { status: number; body: Problem }) => response.body.errors?.map((error) => error.path) ?? [];

test('an admin gives a service a request form; the form is returned and can be taken away', async ({ api, a }) => {
  const created = await call<Service>(api!.baseUrl, '/api/v1/services', { method: 'POST', json: catalogBody('services', { requestForm: laptopForm }), headers: as(a!) });
  assert.is(created.status, 201, JSON.stringify(created.body));
  assert.equal([created.body.requestForm, created.body.slaPolicyId], [laptopForm, null]);
  const read = await call<Service>(api!.baseUrl, `/api/v1/services/${created.body.id}`, { headers: as(a!, 'user') });
  assert.equal(read.body.requestForm, laptopForm, 'requesters read the form they fill in');
  const removed = await call<Service>(api!.baseUrl, `/api/v1/services/${created.body.id}`, { method: 'PATCH', json: { requestForm: null }, headers: as(a!) });
  assert.equal([removed.status, removed.body.requestForm], [200, null]);
});

test('refuses a form outside the sane subset with field errors, and appends nothing', async ({ api, a }) => {
  const before = await api!.system.store.headPosition();
  const post = (requestForm: unknown) => call<Problem>(api!.baseUrl, '/api/v1/services', { method: 'POST', json: catalogBody('services', { requestForm }), headers: as(a!) });
  const cases: Array<[unknown, string]> = [
    [{ type: 'array' }, '/requestForm/type'],
    [{ type: 'object', properties: { a: { $ref: 'https://evil.example/schema.json' } } }, '/requestForm/properties/a/$ref'],
    [{ type: 'object', properties: { a: { type: 'text' } } }, '/requestForm/properties/a/type'],
    [{ type: 'object', properties: { a: { type: 'string', widget: 'slider' } } }, '/requestForm'],
    [{ type: 'object', $schema: 'http://json-schema.org/draft-04/schema#' }, '/requestForm/$schema'],
    [['not', 'an', 'object'], '/requestForm'],
  ];
  for (const [form, path] of cases) {
    const response = await post(form);
    assert.is(response.status, 400, JSON.stringify(form));
    assert.ok(pathsOf(response).length > 0 && pathsOf(response).every((p) => p.startsWith(path)), `${JSON.stringify(form)} → ${JSON.stringify(response.body.errors)}`);
  }
  const deepForm = await postRaw(api!, '/api/v1/services', `{"name":"Deep","requestForm":{"type":"object","properties":{"a":${deeplyNested(2_000)}}}}`, as(a!));
  assert.equal([deepForm.status, pathsOf(deepForm)], [400, ['/requestForm']], 'an absurdly deep form is a 400, not a crash');
  assert.equal(await api!.system.store.headPosition(), before);
});

test('a service names an SLA policy in force of its own tenant only', async ({ api, a, b }) => {
  const calendar = await createCalendar(api!.baseUrl, token(a!));
  const retired = await createPolicy(api!.baseUrl, token(a!), calendar.id);
  expectStatus(await call(api!.baseUrl, `/api/v1/sla-policies/${retired.id}/retire`, { method: 'POST', headers: as(a!) }), 200, 'retiring a policy');
  const foreignCalendar = await createCalendar(api!.baseUrl, token(b!));
  const foreign = await createPolicy(api!.baseUrl, token(b!), foreignCalendar.id);
  for (const slaPolicyId of [retired.id, foreign.id, randomUUID()]) {
    const response = await call<Problem>(api!.baseUrl, '/api/v1/services', { method: 'POST', json: catalogBody('services', { slaPolicyId }), headers: as(a!) });
    assert.equal([response.status, pathsOf(response)], [400, ['/slaPolicyId']]);
  }
  const policy = await createPolicy(api!.baseUrl, token(a!), calendar.id);
  const service = await call<Service>(api!.baseUrl, '/api/v1/services', { method: 'POST', json: catalogBody('services', { slaPolicyId: policy.id }), headers: as(a!) });
  assert.equal([service.status, service.body.slaPolicyId], [201, policy.id]);
  const cleared = await call<Service>(api!.baseUrl, `/api/v1/services/${service.body.id}`, { method: 'PATCH', json: { slaPolicyId: null }, headers: as(a!, 'admin') });
  assert.is(cleared.body.slaPolicyId, null);
  const byManager = await call(api!.baseUrl, `/api/v1/services/${service.body.id}`, { method: 'PATCH', json: { slaPolicyId: policy.id }, headers: as(a!, 'manager') });
  assert.is(byManager.status, 403);
});

test('a service request answers the form: stored, and returned to the requester and to agents', async ({ api, a }) => {
  const service = await createCatalogEntry(api!.baseUrl, token(a!), 'services', { requestForm: laptopForm });
  const answers = { model: '15-inch', neededBy: '2026-12-01', accessories: ['dock'] };
  const opened = await openTicket(api!.baseUrl, token(a!, 'user'), { type: 'service_request', serviceId: service.id, answers });
  assert.is(opened.status, 201, JSON.stringify(opened.body));
  for (const role of ['user', 'technician'] as const) {
    const read = await call<Ticket>(api!.baseUrl, `/api/v1/tickets/${opened.body.id}`, { headers: as(a!, role) });
    assert.equal([read.status, read.body.answers], [200, answers], role);
  }
  const events = await api!.system.store.readStream(`ticket-${opened.body.id}`);
  assert.equal(events[0]?.data.answers, answers);
  // Tickets without answers read as {}.
  const incident = await openTicket(api!.baseUrl, token(a!, 'user'), {});
  assert.equal((await call<Ticket>(api!.baseUrl, `/api/v1/tickets/${incident.body.id}`, { headers: as(a!, 'user') })).body.answers, {});
});

test('answers that do not fit the form are refused with paths into /answers, and no ticket is opened', async ({ api, a }) => {
  const service = await createCatalogEntry(api!.baseUrl, token(a!), 'services', { requestForm: laptopForm });
  const before = await api!.system.store.headPosition();
  const open = (answers?: unknown) => openTicket(api!.baseUrl, token(a!, 'user'), { type: 'service_request', serviceId: service.id, ...(answers !== undefined ? { answers } : {}) }) as unknown as Promise<{ status: number; body: Problem }>;
  assert.equal(pathsOf(await open()), ['/answers/model'], 'a required answer missing');
  assert.equal(pathsOf(await open({ model: '17-inch' })), ['/answers/model']);
  assert.equal(pathsOf(await open({ model: '13-inch', neededBy: 'next week' })), ['/answers/neededBy']);
  assert.equal(pathsOf(await open({ model: '13-inch', colour: 'pink' })), ['/answers/colour']);
  assert.equal(pathsOf(await open({ model: '13-inch', accessories: ['x'.repeat(51)] })), ['/answers/accessories/0']);
  const deep = await postRaw(api!, '/api/v1/tickets', `{"type":"service_request","title":"Deep","impact":"low","urgency":"low","serviceId":"${service.id}","answers":{"model":"13-inch","accessories":${deeplyNested(2_000)}}}`, as(a!, 'user'));
  assert.equal([deep.status, pathsOf(deep)], [400, ['/answers']], 'absurdly deep answers are a 400, not a crash');
  const notObject = await open(['13-inch']);
  assert.equal([notObject.status, pathsOf(notObject)[0]], [400, '/answers']);
  assert.equal(await api!.system.store.headPosition(), before, 'no ticket number taken, nothing appended');
});

test('answers where nothing asks for them: only {} is accepted', async ({ api, a }) => {
  const formless = await createCatalogEntry(api!.baseUrl, token(a!), 'services');
  const empty = await openTicket(api!.baseUrl, token(a!, 'user'), { type: 'service_request', serviceId: formless.id, answers: {} });
  assert.is(empty.status, 201);
  const unasked = (await openTicket(api!.baseUrl, token(a!, 'user'), { type: 'service_request', serviceId: formless.id, answers: { model: '13-inch' } })) as unknown as { status: number; body: Problem };
  assert.equal([unasked.status, pathsOf(unasked)], [400, ['/answers']]);
  const withForm = await createCatalogEntry(api!.baseUrl, token(a!), 'services', { requestForm: laptopForm });
  const incident = (await openTicket(api!.baseUrl, token(a!, 'user'), { type: 'incident', serviceId: withForm.id, answers: { model: '13-inch' } })) as unknown as { status: number; body: Problem };
  assert.equal([incident.status, pathsOf(incident)], [400, ['/answers']], 'an incident answers no form');
});

test("the SLA policy a service names wins over the scope rules, and the rules decide again once it is cleared", async ({ api, a }) => {
  const calendar = await createCalendar(api!.baseUrl, token(a!));
  const service = await createCatalogEntry(api!.baseUrl, token(a!), 'services');
  // By the rules, the policy scoped to the service is the most specific one.
  const scoped = await createPolicy(api!.baseUrl, token(a!), calendar.id, { scope: { serviceId: service.id } });
  const named = await createPolicy(api!.baseUrl, token(a!), calendar.id, { scope: { ticketType: 'problem' } });
  const slaOf = async (ticketId: string) => (await call<{ policy: { id: string } | null }>(api!.baseUrl, `/api/v1/tickets/${ticketId}/sla`, { headers: as(a!, 'technician') })).body.policy?.id;

  const byRules = await openTicket(api!.baseUrl, token(a!, 'user'), { type: 'service_request', serviceId: service.id });
  assert.is(await slaOf(byRules.body.id), scoped.id);
  expectStatus(await call(api!.baseUrl, `/api/v1/services/${service.id}`, { method: 'PATCH', json: { slaPolicyId: named.id }, headers: as(a!) }), 200, 'naming a policy');
  const byService = await openTicket(api!.baseUrl, token(a!, 'user'), { type: 'service_request', serviceId: service.id });
  assert.is(await slaOf(byService.body.id), named.id, "the service's own policy wins, though its scope would not even cover the ticket");
  expectStatus(await call(api!.baseUrl, `/api/v1/sla-policies/${named.id}/retire`, { method: 'POST', headers: as(a!) }), 200, 'retiring the named policy');
  const afterRetire = await openTicket(api!.baseUrl, token(a!, 'user'), { type: 'service_request', serviceId: service.id });
  assert.is(await slaOf(afterRetire.body.id), scoped.id, 'a named policy no longer in force falls back to the rules');
});

test.run();
