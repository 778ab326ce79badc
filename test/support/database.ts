import { randomBytes } from 'node:crypto';
import { openDatabase } from '../../src/db/open.js';
import type { Database } from '../../src/db/types.js';
import { migrateToLatest } from '../../src/migrations/index.js';
import { adminQuery as onServer, withDatabase } from '../../scripts/bench/admin.js';

export interface TestDatabase {
  readonly db: Database;
  /** Connection string of a real server's throw-away database; null on PGlite. */
  readonly url: string | null;
  drop(): Promise<void>;
}

/** The real server under test, when the run was given one (the second CI pass). */
export const serverUrl: string | null = process.env.DATABASE_URL ?? null;

/**
 * A fresh, migrated database: a database of its own (random name) on the real server when
 * DATABASE_URL is set, so runs on one machine never collide; otherwise an in-memory PGlite.
 */
export async function createTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  if (!serverUrl) {
    const db = await openDatabase({ kind: 'pglite', dataDir: null, template: await migratedPgliteTemplate() });
    return { db, url: null, drop: () => db.close() };
  }
  const name = `itsm_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = withDatabase(serverUrl, name);
  const db = await openDatabase({ kind: 'postgres', url, poolSize: options.poolSize ?? 10 });
  await migrateToLatest(db.knex);
  return {
    db,
    url,
    async drop() {
      await db.close();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

let template: Promise<Blob> | null = null;

/** initdb and migrations run once per test process; every test database starts as a copy. */
function migratedPgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const db = await openDatabase({ kind: 'pglite', dataDir: null });
    try {
      await migrateToLatest(db.knex);
      return await db.dumpDataDir!();
    } finally {
      await db.close();
    }
  })();
  return template;
}

async function adminQuery(sql: string): Promise<void> {
  await onServer(serverUrl ?? '', sql);
}

export { withDatabase };
