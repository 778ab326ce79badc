import { randomBytes } from 'node:crypto';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { LOG_START } from '../../src/eventstore/types.js';
import type { EventStore } from '../../src/eventstore/types.js';
import type { TenantFixture } from '../support/identity-fixtures.js';
import { bearer, setUpTenant } from '../support/identity-fixtures.js';
import type { PrivatePostgres } from '../support/private-services.js';
import { startPrivatePostgres } from '../support/private-services.js';
import type { RestartableApi } from '../support/restartable-api.js';
import { startRestartableApi } from '../support/restartable-api.js';

/**
 * Issue 10, fault 5: the database crashes (pg_ctl stop -m immediate) under a steady load of
 * commands and queries, stays down for a while, and comes back. While it is down the API answers
 * 503 with Retry-After and nothing else of the 5xx kind; it serves again within 30 s of the
 * database's return; and every command that was answered 2xx left its event in the log.
 */

const CLIENTS = 6;
const LOAD_BEFORE_MS = 3_000;
const DOWN_MS = 5_000;
const LOAD_AFTER_RECOVERY_MS = 2_000;
const RECOVERY_LIMIT_MS = 30_000;

interface Outcome {
  readonly at: number;
  readonly kind: 'command' | 'query';
  readonly status: number;
  readonly retryAfter: string | null;
  readonly title: string | null;
}

const test = suite<{ postgres?: PrivatePostgres; api?: RestartableApi; tenant?: TenantFixture }>('faults: PostgreSQL crashes and restarts under load', {});

test.before(async (context) => {
  context.postgres = await startPrivatePostgres();
  const databaseUrl = await context.postgres.createDatabase(`itsm_fault_${randomBytes(4).toString('hex')}`);
  context.api = await startRestartableApi({ databaseUrl, environment: { RATE_LIMIT_PER_MINUTE: '1000000', LOGIN_LIMIT_PER_ADDRESS: '100000', READ_YOUR_WRITES_TIMEOUT_MS: '2000' } });
  context.tenant = await setUpTenant(context.api.baseUrl, 'Outage');
});
test.after(async (context) => {
  await context.api?.close();
  await context.postgres?.close();
});

async function client(baseUrl: string, token: string, number: number, outcomes: Outcome[], stop: { now: boolean }): Promise<void> {
  for (let turn = 0; !stop.now; turn += 1) {
    const isCommand = turn % 2 === 0;
    const title = isCommand ? `Outage load ${number}-${turn}-${randomBytes(3).toString('hex')}` : null;
    let status = 0;
    let retryAfter: string | null = null;
    try {
      const response = isCommand
        ? await fetch(`${baseUrl}/api/v1/tickets`, { method: 'POST', headers: { ...bearer(token), 'Content-Type': 'application/json' }, body: JSON.stringify({ type: 'incident', title, impact: 'low', urgency: 'low' }) })
        : await fetch(`${baseUrl}/api/v1/tickets?limit=5`, { headers: bearer(token) });
      await response.arrayBuffer();
      status = response.status;
      retryAfter = response.headers.get('retry-after');
    } catch {
      // status 0: the API itself did not answer (it must always answer).
    }
    outcomes.push({ at: Date.now(), kind: isCommand ? 'command' : 'query', status, retryAfter, title });
    // A client told to retry later waits a little, as a well-behaved one would (not the whole Retry-After: the test measures recovery).
    if (status === 503) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The titles of every ticket opened in the log. */
async function openedTitles(store: EventStore): Promise<Set<string>> {
  const titles = new Set<string>();
  let after = LOG_START;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 1000, filter: { eventTypes: ['TicketOpened'] } });
    for (const event of page.events) titles.add(String((event.data as { title?: unknown }).title));
    if (page.isEnd) return titles;
    after = page.cursor;
  }
}

test('given load, when the database crashes for a while and returns, then only 503s with Retry-After, recovery within 30 s, and no acknowledged command lost', async ({ postgres, api, tenant }) => {
  const token = tenant!.sessions.technician.accessToken;
  const outcomes: Outcome[] = [];
  const stop = { now: false };
  const clients = Array.from({ length: CLIENTS }, (_, number) => client(api!.baseUrl, token, number, outcomes, stop));

  await new Promise((resolve) => setTimeout(resolve, LOAD_BEFORE_MS));
  const downAt = Date.now();
  await postgres!.stopImmediately();
  const stoppedAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
  const startingAt = Date.now();
  await postgres!.start();
  const upAt = Date.now();

  // Recovered: a command and a query both answered 2xx after the database was back.
  const deadline = upAt + RECOVERY_LIMIT_MS + 5_000;
  let recoveredAt: number | null = null;
  while (Date.now() < deadline) {
    const recent = outcomes.filter((outcome) => outcome.at > upAt && outcome.status >= 200 && outcome.status < 300);
    if (recent.some((outcome) => outcome.kind === 'command') && recent.some((outcome) => outcome.kind === 'query')) {
      recoveredAt = Math.max(...['command', 'query'].map((kind) => recent.find((outcome) => outcome.kind === kind)!.at));
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, LOAD_AFTER_RECOVERY_MS));
  stop.now = true;
  await Promise.all(clients);

  const count = (filter: (outcome: Outcome) => boolean) => outcomes.filter(filter).length;
  const byStatus = new Map<number, number>();
  for (const outcome of outcomes) byStatus.set(outcome.status, (byStatus.get(outcome.status) ?? 0) + 1);
  const unavailable = outcomes.filter((outcome) => outcome.status === 503);
  const lastUnavailable = unavailable.length > 0 ? Math.max(...unavailable.map((outcome) => outcome.at)) : null;
  console.log(
    `    ${outcomes.length} requests; statuses ${JSON.stringify(Object.fromEntries(byStatus))}; database stopped in ${stoppedAt - downAt} ms, down ${startingAt - stoppedAt} ms, started in ${upAt - startingAt} ms; ` +
      `recovered ${recoveredAt === null ? 'never' : `${recoveredAt - upAt} ms`} after start; last 503 ${lastUnavailable === null ? '-' : `${lastUnavailable - upAt} ms`} after start; ` +
      `2xx while down: ${count((outcome) => outcome.at > stoppedAt && outcome.at < startingAt && outcome.status < 300)}`,
  );

  const strays = outcomes.filter((outcome) => ![200, 201, 202, 503].includes(outcome.status));
  assert.equal(strays.slice(0, 5), [], 'every answer is a success or a 503');
  assert.ok(unavailable.length > 0, 'the outage was seen');
  assert.ok(unavailable.every((outcome) => outcome.retryAfter !== null && Number(outcome.retryAfter) > 0), 'every 503 says when to retry');
  assert.ok(recoveredAt !== null && recoveredAt - upAt <= RECOVERY_LIMIT_MS, `recovered within ${RECOVERY_LIMIT_MS} ms`);

  const acknowledged = outcomes.filter((outcome) => outcome.kind === 'command' && outcome.status >= 200 && outcome.status < 300).map((outcome) => outcome.title!);
  const inLog = await openedTitles(api!.system.store);
  const lost = acknowledged.filter((title) => !inLog.has(title));
  console.log(`    ${acknowledged.length} commands acknowledged, ${lost.length} missing from the log`);
  assert.equal(lost, [], 'every acknowledged command has its event');
});

test.run();
