import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import knexFactory from 'knex';
import pg from 'pg';
import { lockDataDirectory } from './data-directory-lock.js';
import { inSharedTransaction, inTransaction } from './transaction.js';
import { PgliteSessionPool } from './pglite-pool.js';
import { StatementTap, statementText } from './statement-tap.js';
import type { Database, SqlPool } from './types.js';

export type DatabaseTarget =
  | { readonly kind: 'postgres'; readonly url: string; readonly poolSize: number }
  /** `dataDir: null` keeps everything in memory (tests). */
  | { readonly kind: 'pglite'; readonly dataDir: string | null; readonly template?: Blob };

const INT8 = 20;

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  return target.kind === 'postgres' ? openPostgres(target.url, target.poolSize) : openPglite(target.dataDir, target.template);
}

function openPostgres(url: string, poolSize: number): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 10_000,
    // A deadline on every statement: nothing a client sends may hold a connection forever.
    statement_timeout: 60_000,
    idle_in_transaction_session_timeout: 60_000,
  });
  // An idle client that loses its server emits here; without a listener Node would crash.
  pool.on('error', () => undefined);
  // So does a checked-out client between two statements (a transaction in progress) when the
  // server goes away; the pool drops it on release, and its next statement fails as unavailable.
  const statements = new StatementTap();
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    // Every statement of the pool, Knex's included, goes through a client's query.
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      statements.heard(statementText(args[0]));
      return query(...args);
    };
  });
  const sqlPool = pool as unknown as SqlPool;
  const knex = knexFactory({ client: 'pg', connectionPool: pool });
  return {
    kind: 'postgres',
    pool: sqlPool,
    knex,
    statements,
    transaction: (work) => inTransaction(sqlPool, work),
    sharedTransaction: (work) => inSharedTransaction(sqlPool, knex, work),
    async listen(channel, onNotify) {
      const client = new pg.Client({ connectionString: url });
      client.on('error', () => onNotify());
      client.on('notification', (message) => {
        if (message.channel === channel) onNotify(message.payload ?? '');
      });
      await client.connect();
      await client.query(`LISTEN ${quoteIdentifier(channel)}`);
      return async () => {
        await client.end().catch(() => undefined);
      };
    },
    close: once(async () => {
      await knex.destroy();
      await pool.end();
    }),
  };
}

/**
 * `template` is a dumped data directory to start from instead of running initdb (tests: 4x faster).
 * A directory is this process's alone until close (see data-directory-lock.ts); in memory there is
 * nothing to share.
 */
async function openPglite(dataDir: string | null, template?: Blob): Promise<Database> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const lock = dataDir ? lockDataDirectory(dataDir) : null;
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      ...(dataDir ? { dataDir } : {}),
      ...(template ? { loadDataDir: template } : {}),
      extensions: { pg_trgm },
      // Match node-postgres: 64-bit integers arrive as strings, never as lossy numbers.
      parsers: { [INT8]: (value: string) => value },
    });
  } catch (error) {
    lock?.release();
    throw error;
  }
  const statements = new StatementTap();
  const pool = new PgliteSessionPool(pglite, statements);
  const knex = knexFactory({ client: 'pg', connectionPool: pool, version: '17' });
  return {
    kind: 'pglite',
    pool,
    knex,
    statements,
    dumpDataDir: () => pglite.dumpDataDir('none'),
    transaction: (work) => inTransaction(pool, work),
    sharedTransaction: (work) => inSharedTransaction(pool, knex, work),
    async listen(channel, onNotify) {
      return pglite.listen(channel, (payload) => onNotify(payload));
    },
    close: once(async () => {
      await knex.destroy();
      await pool.end();
      // Only once PGlite has closed its files; after a failed close the process's exit releases it.
      lock?.release();
    }),
  };
}

/** Closing twice (a test's cleanup after the system's own) must not fail. */
function once(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | null = null;
  return () => (closing ??= close());
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
