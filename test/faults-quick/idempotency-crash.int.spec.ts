import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../src/config/config.js';
import type { System } from '../../src/system.js';
import { openSystem } from '../../src/system.js';
import type { JsonResponse } from '../support/api.js';
import { call } from '../support/api.js';
import { createTestDatabase, serverUrl } from '../support/database.js';
import { bearer, expectStatus, signupTenant } from '../support/identity-fixtures.js';
import { silentLogger } from '../support/logger.js';
import { suite } from '../support/suite.js';

/**
 * Issue 18, item 3: a process killed with SIGKILL while it opens a ticket under an Idempotency-Key.
 * Killed after the append (the answer never kept), the retry gets that ticket, at once and
 * however late; killed before the append, the retry opens the ticket, once the lease is over.
 */

const fixture = fileURLToPath(new URL('./fixtures/crashing-api.ts', import.meta.url));

interface Ticket {
  id: string;
  number: string;
  title: string;
  version: number;
}

interface Crashing {
  readonly baseUrl: string;
  /** Resolves once the process has stopped where CRASH_AT says. */
  readonly stopped: Promise<void>;
  kill(): Promise<void>;
}

/** Starts the API process; resolves once it listens. */
function startCrashingApi(environment: Record<string, string>, crashAt: 'after-append' | 'before-append'): Promise<Crashing> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], { env: { ...process.env, ...environment, CRASH_AT: crashAt }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stop = () => {};
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the API process exited early (${code}): ${stderr}`)));
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(crashAt === 'after-append' ? 'answer-pending\n' : 'append-pending\n')) stop();
      const port = /listening (\d+)\n/.exec(output)?.[1];
      if (port) {
        resolve({
          baseUrl: `http://127.0.0.1:${port}`,
          stopped,
          async kill() {
            child.kill('SIGKILL');
            await exited;
          },
        });
      }
    });
  });
}

/** The same system in this process, on the same data, as the restarted server would be. */
async function serve(environment: Record<string, string>): Promise<{ baseUrl: string; system: System; close(): Promise<void> }> {
  const system = await openSystem(loadConfig(environment), silentLogger);
  system.projections.start();
  const server: Server = await new Promise((resolve) => {
    const listening = system.createApi().listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    system,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await system.close();
    },
  };
}

const open = (baseUrl: string, token: string, key: string, title: string): Promise<JsonResponse<Ticket>> =>
  call<Ticket>(baseUrl, '/api/v1/tickets', { method: 'POST', headers: { ...bearer(token), 'Idempotency-Key': key }, json: { type: 'incident', title, impact: 'low', urgency: 'medium' } });

async function ticketsTitled(baseUrl: string, token: string, title: string): Promise<Ticket[]> {
  const list = expectStatus(await call<{ data: Ticket[] }>(baseUrl, '/api/v1/tickets?limit=100', { headers: bearer(token) }), 200, 'listing tickets');
  return list.body.data.filter((ticket) => ticket.title === title);
}

/** Lets the clock run past a claim's lease, as minutes of waiting would. */
async function leaseRunsOut(system: System, key: string): Promise<void> {
  await system.db.knex('idempotency_keys').where({ key }).update({ expires_at: new Date(Date.now() - 1000) });
}

/** Sends the request the process was killed in; answers once the process stopped where it was told. */
async function sendAndKill(api: Crashing, token: string, key: string, title: string): Promise<void> {
  const lost = open(api.baseUrl, token, key, title).catch(() => null);
  await api.stopped;
  await api.kill();
  assert.is(await lost, null, 'the killed request got no answer');
}

const test = suite<{ environment?: Record<string, string>; cleanUp?: () => Promise<void> }>('faults: a server killed with SIGKILL in the middle of an opening under an Idempotency-Key', {});

test.before(async (context) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'itsm-idempotency-crash-'));
  const database = serverUrl ? await createTestDatabase({ poolSize: 1 }) : null;
  await database?.db.close();
  context.environment = {
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    AUTH_SIGNING_KEYS: `test:${randomBytes(32).toString('base64')}`,
    READ_YOUR_WRITES_TIMEOUT_MS: '20000',
    ...(database?.url ? { DATABASE_URL: database.url, DATABASE_POOL_SIZE: '2' } : {}),
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL, REDIS_KEY_PREFIX: `itsm-test-${randomBytes(4).toString('hex')}:` } : {}),
  };
  context.cleanUp = async () => {
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  };
});
test.after(async (context) => {
  await context.cleanUp?.();
});

test('the retry gets the ticket a killed opening committed, at once and after its key expired; a killed opening that never appended runs again, once', async ({ environment }) => {
  const committedKey = randomUUID();
  const committedTitle = `Printer on fire ${committedKey.slice(0, 8)}`;
  const first = await startCrashingApi(environment!, 'after-append');
  const { tokens } = await signupTenant(first.baseUrl, 'Crashing');
  await sendAndKill(first, tokens.accessToken, committedKey, committedTitle);

  const uncommittedKey = randomUUID();
  const uncommittedTitle = `VPN down ${uncommittedKey.slice(0, 8)}`;
  const second = await startCrashingApi(environment!, 'before-append');
  await sendAndKill(second, tokens.accessToken, uncommittedKey, uncommittedTitle);

  const api = await serve(environment!);
  try {
    const token = tokens.accessToken;
    const [committed] = await ticketsTitled(api.baseUrl, token, committedTitle);
    assert.ok(committed, 'the killed opening had committed its ticket');

    // At once: the claim's lease is still running, but the log already holds the ticket.
    const retried = expectStatus(await open(api.baseUrl, token, committedKey, committedTitle), 201, 'the retry right after the crash');
    assert.is(retried.headers.get('idempotent-replayed'), 'true');
    assert.is(retried.body.id, committed.id);
    assert.is(retried.body.number, committed.number);
    assert.is(retried.headers.get('location'), `/api/v1/tickets/${committed.id}`);
    assert.is(retried.headers.get('etag'), `"${committed.version}"`);
    const otherBody = await open(api.baseUrl, token, committedKey, `${committedTitle} (another body)`);
    assert.is(otherBody.status, 422);

    // However late: the claim expired and was purged, and the log still answers.
    await leaseRunsOut(api.system, committedKey);
    await api.system.idempotency.purgeExpired();
    assert.is((await open(api.baseUrl, token, committedKey, `${committedTitle} (another body)`)).status, 422, 'the log keeps the key for its request');
    for (const attempt of ['after the purge', 'once more']) {
      const late = expectStatus(await open(api.baseUrl, token, committedKey, committedTitle), 201, `the retry ${attempt}`);
      assert.is(late.headers.get('idempotent-replayed'), 'true');
      assert.is(late.body.id, committed.id);
    }
    assert.is((await ticketsTitled(api.baseUrl, token, committedTitle)).length, 1);
    assert.is((await api.system.store.readStream(`ticket-${committed.id}`)).length, committed.version + 1, 'nothing appended again');

    // Never appended: nothing proves a commit, so the live lease still holds retries off ...
    assert.is((await open(api.baseUrl, token, uncommittedKey, uncommittedTitle)).status, 409);
    assert.is((await ticketsTitled(api.baseUrl, token, uncommittedTitle)).length, 0);
    // ... and past it the request runs, once.
    await leaseRunsOut(api.system, uncommittedKey);
    const ran = expectStatus(await open(api.baseUrl, token, uncommittedKey, uncommittedTitle), 201, 'the retry past the lease');
    assert.is(ran.headers.get('idempotent-replayed'), null);
    const again = expectStatus(await open(api.baseUrl, token, uncommittedKey, uncommittedTitle), 201, 'the retry after it ran');
    assert.is(again.headers.get('idempotent-replayed'), 'true');
    assert.is(again.body.id, ran.body.id);
    assert.equal((await ticketsTitled(api.baseUrl, token, uncommittedTitle)).map((ticket) => ticket.id), [ran.body.id]);
  } finally {
    await api.close();
  }
});

test.run();
