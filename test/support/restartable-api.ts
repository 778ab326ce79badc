import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.js';
import { openDatabase } from '../../src/db/open.js';
import type { System } from '../../src/system.js';
import { openSystem } from '../../src/system.js';
import { serverUrl } from './database.js';
import { silentLogger } from './logger.js';
import { createTestDatabase } from './database.js';
import { forgetWrites } from './api.js';

/**
 * The real system over HTTP, like `startApi()`, but on a database that outlives it: `restart()`
 * closes the process's whole system (pools, projections, listener) and opens a new one on the same
 * data, port and signing keys, as a redeploy would. On PGlite the data lives in a directory of its own.
 */
export interface RestartableApi {
  readonly baseUrl: string;
  readonly system: System;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface RestartableApiOptions {
  /** A server to run on instead of the test run's (a private cluster); its database must exist. */
  readonly databaseUrl?: string;
  readonly environment?: Record<string, string>;
}

export async function startRestartableApi(options: RestartableApiOptions = {}): Promise<RestartableApi> {
  const owned = options.databaseUrl ? null : await ownDatabase();
  const databaseUrl = options.databaseUrl ?? owned?.url ?? null;
  const blobDir = await mkdtemp(join(tmpdir(), 'itsm-blobs-'));
  const environment: Record<string, string> = {
    LOG_LEVEL: 'silent',
    BLOB_DIR: blobDir,
    AUTH_SIGNING_KEYS: `test:${randomBytes(32).toString('base64')}`,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: '10' } : {}),
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL, REDIS_KEY_PREFIX: `itsm-test-${randomBytes(4).toString('hex')}:` } : {}),
    ...options.environment,
  };
  let port = 0;
  let running = await serve();
  // A port an earlier server of this run had: its positions belong to another log.
  forgetWrites(`http://127.0.0.1:${port}`);

  async function serve(): Promise<{ system: System; server: Server }> {
    const config = loadConfig(environment);
    const database = databaseUrl ? await openDatabase({ kind: 'postgres', url: databaseUrl, poolSize: 10 }) : await openDatabase({ kind: 'pglite', dataDir: owned!.pgliteDir });
    const system = await openSystem(config, silentLogger, { database });
    system.projections.start();
    const server: Server = await new Promise((resolve) => {
      const listening = system.createApi().listen(port, '127.0.0.1', () => resolve(listening));
    });
    server.keepAliveTimeout = 65_000;
    port = (server.address() as AddressInfo).port;
    return { system, server };
  }

  async function stop(): Promise<void> {
    running.server.closeAllConnections();
    await new Promise<void>((resolve) => running.server.close(() => resolve()));
    await running.system.close();
  }

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    get system() {
      return running.system;
    },
    async restart() {
      await stop();
      running = await serve();
    },
    async close() {
      forgetWrites(`http://127.0.0.1:${port}`);
      await stop();
      await owned?.drop();
      await rm(blobDir, { recursive: true, force: true });
    },
  };
}

/** A throw-away database that survives the system closing: a database on the test server, or a PGlite directory. */
async function ownDatabase(): Promise<{ url: string | null; pgliteDir: string | null; drop(): Promise<void> }> {
  if (serverUrl) {
    const database = await createTestDatabase({ poolSize: 1 });
    // The test database's own pool is not the one the system will use.
    const { url } = database;
    await database.db.close();
    return { url, pgliteDir: null, drop: () => database.drop() };
  }
  const pgliteDir = await mkdtemp(join(tmpdir(), 'itsm-pglite-'));
  return { url: null, pgliteDir, drop: () => rm(pgliteDir, { recursive: true, force: true }) };
}
