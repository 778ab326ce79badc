import { randomUUID } from 'node:crypto';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { LOG_START } from '../../src/eventstore/types.js';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import type { TenantFixture } from '../support/identity-fixtures.js';
import { bearer, expectStatus, login, setUpTenant } from '../support/identity-fixtures.js';

/**
 * Issue 10, fault 9: every route of the route table, called by a signed-in admin with broken and
 * hostile input in the path, the query and the body. Whatever comes back is never a 5xx, never a
 * stack trace or a database message, and a refused request appends nothing (its correlation id
 * is on no event).
 */

const HUGE = 'x'.repeat(60_000);
const HOSTILE_STRINGS = [
  "' OR 1=1; DROP TABLE es_events; --",
  '<script>alert(document.cookie)</script><img src=x onerror=alert(1)>',
  '\u202eevil\u202d 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🎫 ẞ ｆｕｌｌ \ud800 ',
  HUGE,
  '../../../../etc/passwd',
  '{{constructor.constructor("return process")()}} %s%n ${7*7}',
];
const HOSTILE_VALUES: unknown[] = [...HOSTILE_STRINGS, -1, -1e308, 1e308, 2 ** 63, 0.5, null, true, [], {}, [[[[{ a: [] }]]]]];
/** The names fields go by across the API: a hostile value in each reaches past "unknown field". */
const FIELD_NAMES = [
  'title', 'name', 'description', 'body', 'email', 'password', 'currentPassword', 'newPassword', 'role', 'type', 'impact', 'urgency', 'priority', 'status', 'reason', 'notes', 'code',
  'assigneeId', 'teamId', 'userId', 'targetId', 'kind', 'articleId', 'requesterId', 'categoryId', 'serviceId', 'parentId', 'ownerUserId', 'limit', 'version', 'tenant', 'organization',
  'tag', 'tags', 'serial', 'vendor', 'location', 'attributes', 'subject', 'text', 'helpful', 'comment', 'timezone', 'hours', 'holidays', 'targets', 'answers', 'fields', 'ids', 'action',
  'params', 'internal', 'audience', 'scheduledFor', 'plannedStart', 'plannedEnd', 'risk', 'refreshToken', 'token', 'ticketIds', 'commentIds', 'to', 'from', 'conditions', 'order',
];
const RAW_BODIES = ['{"title": ', '{"limit": 9007199254740993, "version": 1e400, "priority": -0}', '{"a":1}{"b":2}', 'null', '[]', '12345678901234567890', '{"__proto__": {"role": "admin"}, "constructor": {"prototype": {"admin": true}}}'];
const BODIES_PER_ROUTE = 4;
const QUERIES = [
  'limit=-1',
  'limit=1e309',
  'limit=99999999999999999999',
  `cursor=${encodeURIComponent(HOSTILE_STRINGS[0]!)}`,
  `sort=${encodeURIComponent("title; DROP TABLE tickets")}`,
  `q=${encodeURIComponent(HOSTILE_STRINGS[1]!)}&status=${encodeURIComponent('\u202eevil 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🎫')}`,
  `asOf=${encodeURIComponent('-271821-04-20T00:00:00Z')}&asOfVersion=-5`,
  `from=${encodeURIComponent("' OR ''='")}&to=9999999999999999&kind=%E2%80%AE&unknown=1&__proto__=x&constructor[prototype]=y&limit=1&limit=2`,
];
const HOSTILE_PATH_VALUES = [
  encodeURIComponent("' OR 1=1 --"),
  encodeURIComponent('<script>🎫\u202e</script>'),
  'z'.repeat(3_000),
  'INC-99999999999',
  '%E0%A4%A',
  '..%2F..%2Fetc%2Fpasswd',
];

/** Stack frames, source paths and database messages: none of it may reach a client. */
const LEAK = /\n\s+at\s|\bat .+:\d+:\d+\)|node_modules|\/work\/|\.ts:\d+|relation ".+" does not exist|violates .+ constraint|syntax error at or near|invalid input syntax|duplicate key value|knex|pg_/i;

interface Probe {
  readonly method: string;
  readonly path: string;
  readonly body?: string;
  readonly contentType?: string;
}

interface Finding {
  readonly probe: string;
  readonly status: number;
  readonly problem: string;
}

const test = suite<{ api?: RunningApi; tenant?: TenantFixture; ticketId?: string }>('faults: hostile input on every route', {});

test.before(async (context) => {
  context.api = await startApi({ environment: { RATE_LIMIT_PER_MINUTE: '1000000', LOGIN_LIMIT_PER_ADDRESS: '100000', LOGIN_LIMIT_PER_ACCOUNT: '10000' } });
  context.tenant = await setUpTenant(context.api.baseUrl, 'Fuzz');
  const opened = await call<{ id: string }>(context.api.baseUrl, '/api/v1/tickets', {
    method: 'POST',
    headers: bearer(context.tenant.sessions.admin.accessToken),
    json: { type: 'incident', title: 'Fuzz target', impact: 'low', urgency: 'low' },
  });
  context.ticketId = expectStatus(opened, 201, 'opening the target ticket').body.id;
});
test.after(async (context) => {
  await context.api?.close();
});

/** Real ids where the route names a resource we made, so the probes reach past "not found". */
function realPath(template: string, tenant: TenantFixture, ticketId: string): string {
  return template.replace(/:(\w+)/g, (_, name: string) => {
    if (name === 'id') {
      if (template.startsWith('/api/v1/tickets')) return ticketId;
      if (template.startsWith('/api/v1/users')) return tenant.subject.id;
      if (template.startsWith('/api/v1/teams')) return tenant.team;
      if (template.startsWith('/api/v1/departments')) return tenant.department;
    }
    if (name === 'userId') return tenant.member.id;
    if (name === 'kind') return 'ticket-created';
    if (name === 'n' || name === 'version') return '1';
    return randomUUID();
  });
}

function probesFor(route: { method: string; path: string }, tenant: TenantFixture, ticketId: string): Probe[] {
  const path = realPath(route.path, tenant, ticketId);
  const probes: Probe[] = [];
  const parameters = route.path.match(/:\w+/g) ?? [];
  for (const value of parameters.length > 0 ? HOSTILE_PATH_VALUES : []) {
    for (const parameter of parameters) probes.push({ method: route.method, path: realPath(route.path.replace(parameter, value), tenant, ticketId) });
  }
  if (route.method === 'GET') {
    for (const query of QUERIES) probes.push({ method: 'GET', path: `${path}?${query}` });
    return probes;
  }
  for (const raw of RAW_BODIES) probes.push({ method: route.method, path, body: raw, contentType: 'application/json' });
  // Each body gives every field a different hostile value; over the bodies each field meets many.
  for (let turn = 0; turn < BODIES_PER_ROUTE; turn += 1) {
    const body = Object.fromEntries(FIELD_NAMES.map((name, index) => [name, HOSTILE_VALUES[(index + turn * 3) % HOSTILE_VALUES.length]]));
    probes.push({ method: route.method, path, body: JSON.stringify(body), contentType: 'application/json' });
  }
  probes.push({ method: route.method, path, body: JSON.stringify(Object.fromEntries(HOSTILE_STRINGS.map((value) => [value.slice(0, 200), value]))), contentType: 'application/json' });
  probes.push({ method: route.method, path, body: '<xml>not json</xml>', contentType: 'text/xml' });
  probes.push({ method: route.method, path, body: '{}', contentType: 'application/json; charset=utf-16' });
  probes.push({ method: route.method, path: `${path}?${QUERIES[0]}&${QUERIES.at(-1)}`, body: '{}', contentType: 'application/json' });
  return probes;
}

const CONCURRENCY = 6;

test('no probe on any route answers 5xx, leaks internals, or changes the log when refused', async ({ api, tenant, ticketId }) => {
  const admin = tenant!.sessions.admin;
  let token = admin.accessToken;
  const findings: Finding[] = [];
  const statuses = new Map<number, number>();
  /** Correlation id of every refused probe: none may appear on an event. */
  const refused = new Map<string, string>();
  let probesSent = 0;

  async function send(probe: Probe): Promise<void> {
    const correlationId = randomUUID();
    const headers: Record<string, string> = { ...bearer(token), 'X-Correlation-Id': correlationId };
    if (probe.contentType) headers['Content-Type'] = probe.contentType;
    const response = await fetch(`${api!.baseUrl}${probe.path}`, { method: probe.method, headers, ...(probe.body !== undefined ? { body: probe.body } : {}) });
    const text = await response.text();
    probesSent += 1;
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    const label = `${probe.method} ${probe.path.slice(0, 160)} ${probe.body?.slice(0, 80) ?? ''}`;
    if (response.status >= 500) findings.push({ probe: label, status: response.status, problem: text.slice(0, 300) });
    if (LEAK.test(text) && !(probe.body !== undefined && text.includes(probe.body.slice(0, 40)))) findings.push({ probe: label, status: response.status, problem: `leak: ${text.slice(0, 300)}` });
    if (response.status >= 400) {
      refused.set(correlationId, label);
      if (!/^application\/problem\+json/.test(response.headers.get('content-type') ?? '')) findings.push({ probe: label, status: response.status, problem: `not problem+json: ${response.headers.get('content-type')}` });
    }
  }

  const started = Date.now();
  const routes = api!.system.routeTable();
  // Sign-in routes may end the admin's session: they go last, one at a time, with a fresh sign-in after each.
  const signIn = routes.filter((route) => route.path.startsWith('/api/v1/auth/'));
  const queue = routes.filter((route) => !signIn.includes(route)).flatMap((route) => probesFor(route, tenant!, ticketId!));
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let probe = queue.shift(); probe; probe = queue.shift()) await send(probe);
    }),
  );
  for (const route of signIn) {
    for (const probe of probesFor(route, tenant!, ticketId!)) await send(probe);
    if ((await call(api!.baseUrl, '/api/v1/me', { headers: bearer(token) })).status === 401) token = (await login(api!.baseUrl, admin.tenantSlug, admin.email, admin.password)).accessToken;
  }
  const elapsedMs = Date.now() - started;

  let after = LOG_START;
  for (;;) {
    const page = await api!.system.store.readAll({ after, maxCount: 1000 });
    for (const event of page.events) {
      const correlationId = event.metadata.correlationId;
      const label = typeof correlationId === 'string' ? refused.get(correlationId) : undefined;
      if (label) findings.push({ probe: label, status: 0, problem: `refused, yet ${event.type} was appended to ${event.streamId}` });
    }
    if (page.isEnd) break;
    after = page.cursor;
  }

  console.log(`    ${probesSent} probes over ${routes.length} routes in ${elapsedMs} ms: ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`);
  if (findings.length > 0) console.log(JSON.stringify(findings.slice(0, 40), null, 1));
  assert.equal(findings, []);
});

test.run();
