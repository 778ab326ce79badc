import { randomUUID } from 'node:crypto';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { WrongExpectedRevisionError } from '../../src/eventstore/errors.js';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import { bearer, expectStatus, signupTenant } from '../support/identity-fixtures.js';
import type { Sample } from './exposition.js';
import { parseExposition, samplesOf } from './exposition.js';

const test = suite<{ api?: RunningApi; token?: string }>('observability: /metrics', {});

test.before(async (context) => {
  // A thousand reads in a minute is past the per-user default; this suite counts, it does not limit.
  context.api = await startApi({ environment: { RATE_LIMIT_PER_USER_PER_MINUTE: '100000', READ_YOUR_WRITES_TIMEOUT_MS: '20000' } });
  context.token = (await signupTenant(context.api.baseUrl, 'Metrics')).tokens.accessToken;
});
test.after(async (context) => {
  await context.api?.close();
});

async function scrape(baseUrl: string, headers: Record<string, string> = {}): Promise<Sample[]> {
  const response = await fetch(`${baseUrl}/metrics`, { headers });
  assert.is(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
  return parseExposition(await response.text());
}

const count = (samples: readonly Sample[], labels: Record<string, string>) => samplesOf(samples, 'http_request_duration_seconds_count', labels).reduce((sum, sample) => sum + sample.value, 0);

test('after a scripted workload: request histograms by route template, appends by category, projection lag and batch times', async ({ api, token }) => {
  const { baseUrl } = api!;
  const opened = expectStatus(
    await call<{ id: string }>(baseUrl, '/api/v1/tickets', { method: 'POST', headers: bearer(token!), json: { type: 'incident', title: 'Printer on fire', impact: 'low', urgency: 'low' } }),
    201,
    'opening a ticket',
  );
  for (let i = 0; i < 3; i += 1) expectStatus(await call(baseUrl, `/api/v1/tickets/${opened.body.id}`, { headers: bearer(token!) }), 200, 'reading the ticket');
  await call(baseUrl, '/api/v1/no-such-thing');
  // A lost race, straight at the store: the command layer retries these, so HTTP seldom shows one.
  await api!.system.store.appendToStream(`ticket-${randomUUID()}`, [{ id: randomUUID(), type: 'Probe', data: {}, metadata: {} }], 5).catch((error: unknown) => {
    if (!(error instanceof WrongExpectedRevisionError)) throw error;
  });

  const samples = await scrape(baseUrl);
  assert.is(count(samples, { method: 'GET', route: '/api/v1/tickets/:id', status: '200' }), 3);
  assert.is(count(samples, { method: 'POST', route: '/api/v1/tickets', status: '201' }), 1);
  assert.is(count(samples, { route: 'unmatched', status: '404' }), 1);
  assert.ok(samplesOf(samples, 'http_request_duration_seconds_bucket', { route: '/api/v1/tickets/:id', le: '+Inf' }).length === 1, 'histogram buckets for the route');
  // The scrape itself is in flight while it is answered.
  assert.equal(samplesOf(samples, 'http_requests_in_flight').map((sample) => sample.value), [1]);
  assert.ok((samplesOf(samples, 'itsm_events_appended_total', { category: 'ticket' })[0]?.value ?? 0) >= 1, 'ticket appends counted');
  assert.ok((samplesOf(samples, 'itsm_events_appended_total', { category: 'user' })[0]?.value ?? 0) >= 1, 'the signup appended a user');
  assert.equal(samplesOf(samples, 'itsm_append_conflicts_total', { category: 'ticket' }).map((sample) => sample.value), [1]);
  const projections = api!.system.projections.names;
  for (const name of ['itsm_projection_lag_events', 'itsm_projection_lag_seconds']) {
    assert.equal(samplesOf(samples, name).map((sample) => sample.labels.projection).sort(), [...projections].sort(), `${name} for every projection`);
  }
  // Tickets are written inline with each append; the read models fed from the log time their batches.
  assert.ok((samplesOf(samples, 'itsm_projection_batch_duration_seconds_count', { projection: 'search' })[0]?.value ?? 0) >= 1, 'search batches timed');
  assert.equal(samplesOf(samples, 'itsm_search_indexing_lag_seconds').length, 1);
  assert.equal(samplesOf(samples, 'itsm_outbox_depth').length, 1);
  assert.ok(samplesOf(samples, 'process_cpu_user_seconds_total').length === 1, 'process metrics');
  assert.ok(samplesOf(samples, 'nodejs_eventloop_lag_seconds').length === 1, 'Node metrics');
});

test('1,000 distinct ticket ids stay under one route label', async ({ api, token }) => {
  const { baseUrl } = api!;
  for (let i = 0; i < 1_000; i += 50) {
    await Promise.all(Array.from({ length: 50 }, () => fetch(`${baseUrl}/api/v1/tickets/${randomUUID()}`, { headers: bearer(token!) }).then((response) => response.arrayBuffer())));
  }
  const samples = await scrape(baseUrl);
  assert.is(count(samples, { method: 'GET', route: '/api/v1/tickets/:id', status: '404' }), 1_000);
  const routes = new Set(samplesOf(samples, 'http_request_duration_seconds_count').map((sample) => sample.labels.route));
  assert.ok(routes.size < 20, `route labels: ${[...routes].join(', ')}`);
  assert.not.ok([...routes].some((route) => route !== undefined && /[0-9a-f]{8}-/.test(route)), 'no raw ids in labels');
});

test('with METRICS_TOKEN set, /metrics wants that bearer token', async () => {
  const guarded = await startApi({ environment: { METRICS_TOKEN: 'scrape-token-0123456789' } });
  try {
    assert.is((await call(guarded.baseUrl, '/metrics')).status, 401);
    assert.is((await call(guarded.baseUrl, '/metrics', { headers: bearer('scrape-token-wrong-000') })).status, 401);
    await scrape(guarded.baseUrl, bearer('scrape-token-0123456789'));
  } finally {
    await guarded.close();
  }
});

test.run();
