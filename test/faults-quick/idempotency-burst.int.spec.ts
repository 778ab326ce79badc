import { randomUUID } from 'node:crypto';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { call } from '../support/api.js';
import type { TenantFixture } from '../support/identity-fixtures.js';
import { bearer, expectStatus, setUpTenant } from '../support/identity-fixtures.js';
import type { RestartableApi } from '../support/restartable-api.js';
import { startRestartableApi } from '../support/restartable-api.js';

/**
 * Issue 10, fault 2, on a real command route (test/api/idempotency.int.spec.ts covers the
 * middleware's rules on a test route: 20 concurrent requests, replay, reuse with another body,
 * lapsed leases): one ticket opened 50 times at once under one key, and the key still holding
 * after the whole system restarted.
 */

const PARALLEL = 50;

interface Ticket {
  id: string;
  number: string;
  version: number;
}

const test = suite<{ api?: RestartableApi; tenant?: TenantFixture }>('faults: one Idempotency-Key sent 50 times at once', {});

test.before(async (context) => {
  context.api = await startRestartableApi({ environment: { RATE_LIMIT_PER_MINUTE: '1000000', LOGIN_LIMIT_PER_ADDRESS: '100000' } });
  context.tenant = await setUpTenant(context.api.baseUrl, 'Idempotent');
});
test.after(async (context) => {
  await context.api?.close();
});

const openTicket = (api: RestartableApi, token: string, key: string, title: string) =>
  call<Ticket & { type?: string }>(api.baseUrl, '/api/v1/tickets', { method: 'POST', headers: { ...bearer(token), 'Idempotency-Key': key }, json: { type: 'incident', title, impact: 'low', urgency: 'medium' } });

async function ticketsTitled(api: RestartableApi, token: string, title: string): Promise<Ticket[]> {
  const list = expectStatus(await call<{ data: Array<Ticket & { title: string }> }>(api.baseUrl, '/api/v1/tickets?limit=100', { headers: bearer(token) }), 200, 'listing tickets');
  return list.body.data.filter((ticket) => ticket.title === title);
}

test(`given ${PARALLEL} identical requests under one key, then one ticket is opened, the same key with another body is 422, and the key survives a restart`, async ({ api, tenant }) => {
  const token = tenant!.sessions.technician.accessToken;
  const key = randomUUID();
  const title = `VPN drops every hour ${key.slice(0, 8)}`;

  const started = Date.now();
  const responses = await Promise.all(Array.from({ length: PARALLEL }, () => openTicket(api!, token, key, title)));
  const elapsedMs = Date.now() - started;
  const seen = new Map<string, number>();
  for (const response of responses) {
    const label = `${response.status}${response.headers.get('idempotent-replayed') ? ' replayed' : ''}`;
    seen.set(label, (seen.get(label) ?? 0) + 1);
  }
  console.log(`    ${PARALLEL} requests under one key in ${elapsedMs} ms: ${JSON.stringify(Object.fromEntries(seen))}`);

  const originals = responses.filter((response) => response.status === 201 && response.headers.get('idempotent-replayed') === null);
  assert.is(originals.length, 1, JSON.stringify(Object.fromEntries(seen)));
  const original = originals[0]!;
  for (const response of responses) {
    if (response === original) continue;
    if (response.status === 409) assert.is(response.body.type, 'urn:itsm:problem:idempotency-key-in-progress');
    else {
      assert.is(response.status, 201);
      assert.is(response.headers.get('idempotent-replayed'), 'true');
      assert.equal(response.body, original.body);
    }
  }
  const opened = await ticketsTitled(api!, token, title);
  assert.is(opened.length, 1);
  // The opening's one append (with its SLA terms where a policy applies) and nothing after it.
  assert.is((await api!.system.store.readStream(`ticket-${original.body.id}`)).length, original.body.version + 1);

  const reused = await openTicket(api!, token, key, `${title} (another body)`);
  assert.is(reused.status, 422);
  assert.is(reused.body.type, 'urn:itsm:problem:idempotency-key-reused');
  assert.is((await ticketsTitled(api!, token, `${title} (another body)`)).length, 0);

  const restartStarted = Date.now();
  await api!.restart();
  console.log(`    system restarted in ${Date.now() - restartStarted} ms`);
  const afterRestart = await openTicket(api!, token, key, title);
  assert.is(afterRestart.status, 201);
  assert.is(afterRestart.headers.get('idempotent-replayed'), 'true');
  assert.equal(afterRestart.body, original.body);
  assert.is((await openTicket(api!, token, key, `${title} (another body)`)).status, 422);
  assert.is((await ticketsTitled(api!, token, title)).length, 1);
});

test.run();
