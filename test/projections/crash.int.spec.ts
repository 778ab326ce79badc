import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { openDatabase } from '../../src/db/open.js';
import type { Database } from '../../src/db/types.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
import { migrateToLatest } from '../../src/migrations/index.js';
import { ProjectionRunner } from '../../src/projections/runner.js';
import { createTestDatabase } from '../support/database.js';
import { newEvent, streamName } from '../support/events.js';
import { silentLogger } from '../support/logger.js';
import { tallyProjection, tallyRows } from '../support/tally-projection.js';

const fixture = fileURLToPath(new URL('./fixtures/crash-projector.ts', import.meta.url));
const test = suite('projection runner: crash');

/** Starts the projector process and resolves once it has begun its `batches`-th batch. */
function runProjectorUntilBatch(environment: Record<string, string>, batches: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], { env: { ...process.env, ...environment }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const reached = new Promise<void>((resolve, reject) => {
    let seen = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString().split('\n').filter((line) => line === 'applying').length;
      if (seen >= batches) resolve();
    });
    child.on('exit', (code) => reject(new Error(`projector exited early (${code}): ${stderr}`)));
  });
  return { child, reached };
}

async function writeEvents(db: Database): Promise<void> {
  const store = new PostgresEventStore(db);
  for (let s = 0; s < 20; s += 1) {
    await store.appendToStream(streamName(), Array.from({ length: 5 }, (_, i) => newEvent(`E${i}`)), 'no_stream');
  }
  await store.close();
}

test('a projector killed with SIGKILL mid-batch resumes to the same rows as a rebuild', async () => {
  const database = await createTestDatabase();
  // PGlite is one process's at a time: the test closes it while the projector runs, then reopens it.
  const pgliteDir = database.url ? null : await mkdtemp(join(tmpdir(), 'itsm-crash-'));
  let db: Database = database.db;
  if (pgliteDir) {
    await database.drop();
    db = await openDatabase({ kind: 'pglite', dataDir: pgliteDir });
    await migrateToLatest(db.knex);
  }
  try {
    await writeEvents(db);
    if (pgliteDir) await db.close();
    const { child, reached } = runProjectorUntilBatch(database.url ? { CRASH_DATABASE_URL: database.url } : { CRASH_PGLITE_DIR: pgliteDir! }, 4);
    await reached;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    if (pgliteDir) db = await openDatabase({ kind: 'pglite', dataDir: pgliteDir });

    const store = new PostgresEventStore(db);
    const runner = new ProjectionRunner({ db, store, projections: [tallyProjection()], logger: silentLogger, batchSize: 10 });
    const [before] = await runner.lag();
    assert.ok((before?.eventsBehind ?? 0) > 0, 'the kill left work undone');
    assert.ok((before?.eventsBehind ?? 0) < 100, 'the kill came after some batches had committed');
    await runner.prepare();
    await runner.catchUp();
    const resumed = await tallyRows(db.knex);
    assert.is(resumed.ledger.length, 100);
    assert.ok(resumed.ledger.every((row) => (row as { times: number }).times === 1), 'no event applied twice');
    await runner.rebuild('test_tally');
    assert.equal(await tallyRows(db.knex), resumed);
    await store.close();
  } finally {
    await db.close();
    if (pgliteDir) await rm(pgliteDir, { recursive: true, force: true });
    else await database.drop();
  }
});

test.run();
