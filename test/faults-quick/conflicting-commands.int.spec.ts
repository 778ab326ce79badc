import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { RunningApi } from '../support/api.js';
import { call, startApi } from '../support/api.js';
import type { TenantFixture } from '../support/identity-fixtures.js';
import { bearer, expectStatus, setUpTenant } from '../support/identity-fixtures.js';

/**
 * Issue 10, fault 1: many clients decide on the same version of one ticket at once. The event
 * store's expected revision must let exactly one through; the others learn the version is stale.
 */

const CONCURRENT = 500;

const test = suite<{ api?: RunningApi; tenant?: TenantFixture }>('faults: conflicting commands on one ticket', {});

test.before(async (context) => {
  context.api = await startApi({ environment: { RATE_LIMIT_PER_MINUTE: '1000000', LOGIN_LIMIT_PER_ADDRESS: '100000' } });
  context.tenant = await setUpTenant(context.api.baseUrl, 'Conflicts');
});
test.after(async (context) => {
  await context.api?.close();
});

test(`given one ticket, when ${CONCURRENT} edits carry the same If-Match at once, then one wins and the stream grows by one`, async ({ api, tenant }) => {
  const token = tenant!.sessions.technician.accessToken;
  const opened = expectStatus(
    await call<{ id: string; version: number }>(api!.baseUrl, '/api/v1/tickets', { method: 'POST', headers: bearer(token), json: { type: 'incident', title: 'Shared printer jams', impact: 'low', urgency: 'low' } }),
    201,
    'opening the ticket',
  ).body;
  const streamId = `ticket-${opened.id}`;
  const before = (await api!.system.store.readStream(streamId)).length;

  const started = Date.now();
  const responses = await Promise.all(
    Array.from({ length: CONCURRENT }, (_, index) =>
      call<{ type?: string; currentVersion?: number | null }>(api!.baseUrl, `/api/v1/tickets/${opened.id}`, {
        method: 'PATCH',
        headers: { ...bearer(token), 'If-Match': `"${opened.version}"` },
        json: { title: `Shared printer jams (edit ${index})` },
      }),
    ),
  );
  const elapsedMs = Date.now() - started;

  const statuses = new Map<number, number>();
  for (const response of responses) statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  console.log(`    ${CONCURRENT} conflicting edits in ${elapsedMs} ms: ${JSON.stringify(Object.fromEntries(statuses))}`);

  const winners = responses.filter((response) => response.status === 200 || response.status === 202);
  assert.is(winners.length, 1, JSON.stringify(Object.fromEntries(statuses)));
  for (const response of responses) {
    if (response === winners[0]) continue;
    assert.ok(response.status === 409 || response.status === 412, `status ${response.status}: ${JSON.stringify(response.body)}`);
    assert.match(response.headers.get('content-type') ?? '', /^application\/problem\+json/);
  }
  const after = await api!.system.store.readStream(streamId);
  assert.is(after.length, before + 1);
  assert.is(after.at(-1)?.type, 'TicketUpdated');
});

test.run();
