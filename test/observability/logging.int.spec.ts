import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import Router from '@koa/router';
import { pino } from 'pino';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { AppState } from '../../src/api/context.js';
import { loadConfig } from '../../src/config/config.js';
import type { System } from '../../src/system.js';
import { openSystem } from '../../src/system.js';
import { call } from '../support/api.js';
import { createTestDatabase } from '../support/database.js';
import type { TestDatabase } from '../support/database.js';
import { bearer, expectStatus, signupTenant } from '../support/identity-fixtures.js';

type LogLine = Record<string, unknown> & { level: number; msg: string };

// A failure of ours, with a message a client must never see.
const failing = new Router<AppState>();
failing.get('/api/v1/test-failure', () => {
  throw new Error('relation "secret_table" does not exist');
});

interface Context {
  baseUrl?: string;
  system?: System;
  server?: Server;
  database?: TestDatabase;
  dataDir?: string;
  lines: LogLine[];
}

const test = suite<Context>('observability: logs and correlation', { lines: [] });

test.before(async (context) => {
  // The real system with a logger whose JSON lines the test reads back.
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') context.lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  context.database = await createTestDatabase();
  context.dataDir = await mkdtemp(join(tmpdir(), 'itsm-logging-'));
  const config = loadConfig({
    LOG_LEVEL: 'info',
    READ_YOUR_WRITES_TIMEOUT_MS: '20000',
    AUTH_SIGNING_KEYS: `test:${randomBytes(32).toString('base64')}`,
    DATA_DIR: context.dataDir,
    ...(context.database.url ? { DATABASE_URL: context.database.url } : {}),
  });
  context.system = await openSystem(config, pino({ level: 'info' }, sink), { database: context.database.db, routers: [failing] });
  context.system.projections.start();
  const server = context.system.createApi().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  context.server = server;
  context.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.after(async (context) => {
  context.server?.closeAllConnections();
  await new Promise<void>((resolve) => (context.server ? context.server.close(() => resolve()) : resolve()));
  await context.system?.close();
  await context.database?.drop();
  if (context.dataDir) await rm(context.dataDir, { recursive: true, force: true });
});

const linesOf = (lines: readonly LogLine[], requestId: string | null) => lines.filter((line) => line.requestId === requestId);

test('the caller’s correlation id reaches the metadata of the events its command appends', async ({ baseUrl, system }) => {
  const { tokens } = await signupTenant(baseUrl!, 'Correlation');
  const opened = expectStatus(
    await call<{ id: string }>(baseUrl!, '/api/v1/tickets', {
      method: 'POST',
      headers: { ...bearer(tokens.accessToken), 'X-Correlation-Id': 'change-4711', 'X-Request-Id': 'req-open-1' },
      json: { type: 'incident', title: 'Correlated', impact: 'low', urgency: 'low' },
    }),
    201,
    'opening a ticket',
  );
  const events = await system!.store.readStream(`ticket-${opened.body.id}`);
  assert.ok(events.length > 0);
  for (const event of events) {
    assert.is(event.metadata.correlationId, 'change-4711');
    assert.is(event.metadata.causationId, 'req-open-1');
  }
  const uncorrelated = expectStatus(
    await call<{ id: string }>(baseUrl!, '/api/v1/tickets', { method: 'POST', headers: { ...bearer(tokens.accessToken), 'X-Request-Id': 'req-open-2' }, json: { type: 'incident', title: 'On its own', impact: 'low', urgency: 'low' } }),
    201,
    'opening another',
  );
  const [first] = await system!.store.readStream(`ticket-${uncorrelated.body.id}`);
  assert.is(first?.metadata.correlationId, 'req-open-2', 'without one, the request id correlates');
});

test('a 5xx is logged at error with the error and its stack; the client sees neither', async ({ baseUrl, lines }) => {
  const response = await call(baseUrl!, '/api/v1/test-failure', { headers: { 'X-Request-Id': 'req-fail-1' } });
  assert.is(response.status, 500);
  assert.not.match(JSON.stringify(response.body), /secret_table|at .*\.ts/);
  const logged = linesOf(lines, 'req-fail-1');
  const failure = logged.find((line) => line.level === 50 && typeof line.err === 'object');
  assert.ok(failure, 'an error line with err');
  const err = failure.err as { message?: string; stack?: string };
  assert.match(err.message ?? '', /secret_table/);
  assert.match(err.stack ?? '', /logging\.int\.spec\.ts/);
  const access = logged.find((line) => line.msg === 'request failed');
  assert.is(access?.level, 50);
  assert.is(access?.status, 500);
});

test('a 4xx is logged at info, without a stack', async ({ baseUrl, lines }) => {
  await call(baseUrl!, '/api/v1/me', { headers: { 'X-Request-Id': 'req-refused-1' } });
  const logged = linesOf(lines, 'req-refused-1');
  assert.ok(logged.length > 0);
  assert.ok(logged.every((line) => line.level === 30 && line.err === undefined), JSON.stringify(logged));
  assert.ok(logged.some((line) => line.status === 401));
});

test('a method nobody serves (TRACE, PROPFIND) is the client’s: logged at info, without a stack', async ({ baseUrl, lines }) => {
  for (const [method, path] of [['TRACE', '/healthz'], ['PROPFIND', '/api/v1/me'], ['PATCH', '/healthz']] as const) {
    const requestId = `req-odd-${method}`;
    const status = await new Promise<number>((resolve, reject) => {
      // fetch refuses to send TRACE; node:http sends any method.
      const sent = request(`${baseUrl!}${path}`, { method, headers: { 'X-Request-Id': requestId } }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      });
      sent.on('error', reject);
      sent.end();
    });
    assert.ok(status === 405 || status === 501, `${method} ${path}: ${status}`);
    const logged = linesOf(lines, requestId);
    assert.ok(logged.length > 0);
    assert.ok(logged.every((line) => line.level === 30 && line.err === undefined), JSON.stringify(logged));
  }
});

test.run();
