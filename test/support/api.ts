import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type Router from '@koa/router';
import type { AppState } from '../../src/api/context.js';
import type { PasswordHasher } from '../../src/auth/passwords.js';
import { loadConfig } from '../../src/config/config.js';
import type { System } from '../../src/system.js';
import { openSystem } from '../../src/system.js';
import type { LogPosition } from '../../src/eventstore/types.js';
import { comparePositions, formatPosition, parsePosition } from '../../src/eventstore/types.js';
import { createTestDatabase } from './database.js';
import { silentLogger } from './logger.js';

export interface RunningApi {
  readonly baseUrl: string;
  readonly system: System;
  close(): Promise<void>;
}

/** The real system on a throw-away database, listening on a random port, with projections running. */
export async function startApi(options: { environment?: Record<string, string>; routers?: readonly Router<AppState>[]; clock?: () => Date; hasher?: PasswordHasher } = {}): Promise<RunningApi> {
  const database = await createTestDatabase();
  // Uploaded files go to a directory of this run's own, removed on close.
  const blobDir = await mkdtemp(join(tmpdir(), 'itsm-blobs-'));
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    BLOB_DIR: blobDir,
    AUTH_SIGNING_KEYS: `test:${randomBytes(32).toString('base64')}`,
    // Tests read what they just wrote; on a loaded CI machine the projections can trail by more than
    // the production default, and a 202 in place of the answer is not what these tests are about.
    // Tests of the timeout itself set their own.
    READ_YOUR_WRITES_TIMEOUT_MS: '20000',
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    // The second CI pass shares the machine's Redis: a prefix per test run keeps runs apart.
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL, REDIS_KEY_PREFIX: `itsm-test-${randomBytes(4).toString('hex')}:` } : {}),
    ...options.environment,
  });
  const system = await openSystem(config, silentLogger, { database: database.db, ...(options.routers ? { routers: options.routers } : {}), ...(options.clock ? { clock: options.clock } : {}), ...(options.hasher ? { hasher: options.hasher } : {}) });
  system.projections.start();
  const server: Server = await new Promise((resolve) => {
    const listening = system.createApi().listen(0, '127.0.0.1', () => resolve(listening));
  });
  // Node closes idle keep-alive sockets after 5 s; on a loaded machine that close can cross a
  // request the client already sent on the socket ("fetch failed"). Clients idle less than this.
  server.keepAliveTimeout = 65_000;
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  // A port an earlier server of this run had: its positions belong to another log.
  forgetWrites(baseUrl);
  return {
    baseUrl,
    system,
    async close() {
      forgetWrites(baseUrl);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await system.close();
      await database.drop();
      await rm(blobDir, { recursive: true, force: true });
    },
  };
}

export interface JsonResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/**
 * The furthest Log-Position each API under test has answered: reads send it back, as a client that
 * needs its writes would. Keyed by address, so forgotten when a server goes and comes: a new server
 * on a port an earlier one had must not be asked to wait for a position of the other's log (it
 * never gets there: every read answered 503 after the wait).
 */
const lastWrites = new Map<string, LogPosition>();

export function forgetWrites(baseUrl: string): void {
  lastWrites.delete(baseUrl);
}

/**
 * A request to the API under test. Like a careful client, it sends the furthest Log-Position
 * that API answered back on reads of /api as Wait-For-Position (unless the test sets its own, or
 * an empty one to send none), so a read of search or reporting sees the writes before it.
 */
export async function call<T = Record<string, unknown>>(baseUrl: string, path: string, init: RequestInit & { json?: unknown } = {}): Promise<JsonResponse<T>> {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined) headers.set('Content-Type', 'application/json');
  const method = (rest.method ?? 'GET').toUpperCase();
  const last = lastWrites.get(baseUrl);
  if ((method === 'GET' || method === 'HEAD') && path.startsWith('/api/') && last && !headers.has('Wait-For-Position')) headers.set('Wait-For-Position', formatPosition(last));
  if (headers.get('Wait-For-Position') === '') headers.delete('Wait-For-Position');
  const response = await fetch(`${baseUrl}${path}`, { ...rest, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) });
  const written = parsePosition(response.headers.get('Log-Position') ?? '');
  // Compared with the furthest now, not the one this request read: answers of concurrent writes
  // arrive in any order, and a nearer one must not replace a further one.
  const furthest = lastWrites.get(baseUrl);
  if (written && (!furthest || comparePositions(written, furthest) > 0)) lastWrites.set(baseUrl, written);
  const text = await response.text();
  // A download (an attachment's bytes) is not JSON: it comes back as the text it is.
  const isJson = /\bjson\b/i.test(response.headers.get('content-type') ?? 'application/json');
  return { status: response.status, headers: response.headers, body: (text ? (isJson ? JSON.parse(text) : text) : undefined) as T };
}
