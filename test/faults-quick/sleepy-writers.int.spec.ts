import { randomInt } from 'node:crypto';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import type { Database } from '../../src/db/types.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
import { ProjectionRunner } from '../../src/projections/runner.js';
import type { TestDatabase } from '../support/database.js';
import { createTestDatabase } from '../support/database.js';
import { newEvent, streamName } from '../support/events.js';
import { silentLogger } from '../support/logger.js';
import { tallyProjection, tallyRows } from '../support/tally-projection.js';

/**
 * Issue 10, fault 4: writers whose transactions take their sequence numbers, sleep, and then
 * commit or (one in ten) roll back, while a projection follows the log live. What it projects
 * must be exactly what committed: nothing skipped behind a slow commit, nothing from a rollback.
 * (test/eventstore/concurrency.int.spec.ts covers one hand-made late commit; this is the load.)
 */

const WRITERS = 8;
const TRANSACTIONS_PER_WRITER = 40;
const ROLLBACK_SHARE = 0.1;
const MAX_SLEEP_MS = 30;

class RolledBack extends Error {}

/** The same database, except that each transaction sleeps before its end and may be rolled back. */
function sleepyDatabase(db: Database, plan: { sleepMs: number; rollBack: boolean }): Database {
  return {
    ...db,
    transaction: (work) =>
      db.transaction(async (session) => {
        const result = await work(session);
        await session.query('SELECT pg_sleep($1)', [plan.sleepMs / 1000]);
        if (plan.rollBack) throw new RolledBack('rolled back on purpose');
        return result;
      }),
  };
}

async function write(db: Database, committed: Set<string>, counts: { committed: number; rolledBack: number }): Promise<void> {
  const plan = { sleepMs: 0, rollBack: false };
  const store = new PostgresEventStore(sleepyDatabase(db, plan));
  const streams: string[] = [];
  try {
    for (let index = 0; index < TRANSACTIONS_PER_WRITER; index += 1) {
      plan.sleepMs = randomInt(MAX_SLEEP_MS + 1);
      plan.rollBack = Math.random() < ROLLBACK_SHARE;
      const existing = streams.length > 0 && Math.random() < 0.5 ? streams[randomInt(streams.length)]! : null;
      const streamId = existing ?? streamName();
      const events = Array.from({ length: 1 + randomInt(3) }, (_, n) => newEvent(`Written${n}`));
      try {
        await store.appendToStreams([{ streamId, events, expected: existing ? 'any' : 'no_stream' }]);
        for (const event of events) committed.add(event.id);
        if (!existing) streams.push(streamId);
        counts.committed += 1;
      } catch (error) {
        if (!(error instanceof RolledBack)) throw error;
        counts.rolledBack += 1;
      }
    }
  } finally {
    await store.close();
  }
}

const test = suite<{ database?: TestDatabase }>('faults: sleepy writers, some rolling back, under a live projection', {});

test.before.each(async (context) => {
  context.database = await createTestDatabase({ poolSize: WRITERS + 4 });
});
test.after.each(async (context) => {
  await context.database?.drop();
});

test(`given ${WRITERS} writers x ${TRANSACTIONS_PER_WRITER} sleeping transactions, 10% rolled back, then the projected set equals the committed set`, async ({ database }) => {
  const { db } = database!;
  const store = new PostgresEventStore(db);
  const runner = new ProjectionRunner({ db, store, projections: [tallyProjection()], logger: silentLogger, batchSize: 20, idleWaitMs: 50 });
  await runner.prepare();
  runner.start();
  const committed = new Set<string>();
  const counts = { committed: 0, rolledBack: 0 };
  const started = Date.now();
  try {
    await Promise.all(Array.from({ length: WRITERS }, () => write(db, committed, counts)));
    await runner.stop();
    await runner.catchUp();
  } finally {
    await runner.stop();
  }
  const elapsedMs = Date.now() - started;

  const inLog = await db.knex('es_events').where({ category: 'test' }).pluck('event_id');
  const { ledger } = await tallyRows(db.knex);
  const projected = (ledger as Array<{ event_id: string; times: number }>).map((row) => row.event_id);
  console.log(`    ${counts.committed} commits and ${counts.rolledBack} rollbacks (${committed.size} events) projected in ${elapsedMs} ms`);

  assert.ok(counts.rolledBack > 0, 'some transactions rolled back');
  assert.equal(new Set(inLog), committed, 'the log holds exactly what committed');
  assert.equal(new Set(projected), committed, 'the projection holds exactly what committed');
  assert.is(projected.length, committed.size);
  assert.ok((ledger as Array<{ times: number }>).every((row) => row.times === 1), 'no event applied twice');
  await store.close();
});

test.run();
