import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { openDatabase } from '../../src/db/open.js';
import type { Database } from '../../src/db/types.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
import { migrateToLatest } from '../../src/migrations/index.js';
import { ProjectionRunner } from '../../src/projections/runner.js';
import { serverUrl, withDatabase } from '../support/database.js';
import { newEvent, streamName } from '../support/events.js';
import { silentLogger } from '../support/logger.js';
import type { PrivatePostgres } from '../support/private-services.js';
import { startPrivatePostgres } from '../support/private-services.js';
import { tallyProjection } from '../support/tally-projection.js';

/**
 * Issue 10, fault 3: a projector process is killed with SIGKILL at random moments, 20 times,
 * while 20,000 events are being written. After a final catch-up its read model must equal a full
 * rebuild from the log, checksum for checksum, with no event applied twice or skipped.
 * (test/projections/crash.int.spec.ts kills once, mid-batch, over 100 events.)
 */

const EVENTS = 20_000;
const STREAMS = 100;
const EVENTS_PER_APPEND = 20;
const WRITERS = 4;
const KILLS = 20;

const fixture = fileURLToPath(new URL('./fixtures/tally-projector.ts', import.meta.url));

const test = suite<{ postgres?: PrivatePostgres; url?: string; db?: Database; drop?: () => Promise<void> }>('faults: projector killed 20 times under load', {});

test.before(async (context) => {
  const name = `itsm_kills_${randomBytes(4).toString('hex')}`;
  if (serverUrl) {
    const admin = await openDatabase({ kind: 'postgres', url: serverUrl, poolSize: 1 });
    await admin.pool.query(`CREATE DATABASE ${name}`);
    context.url = withDatabase(serverUrl, name);
    context.drop = async () => {
      await admin.pool.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.close();
    };
  } else {
    // The projector runs in processes of its own: PGlite (one process's) cannot be shared, a private cluster can.
    context.postgres = await startPrivatePostgres();
    context.url = await context.postgres.createDatabase(name);
  }
  context.db = await openDatabase({ kind: 'postgres', url: context.url, poolSize: WRITERS + 2 });
  await migrateToLatest(context.db.knex);
});
test.after(async (context) => {
  await context.db?.close();
  await context.drop?.();
  await context.postgres?.close();
});

/** Runs the projector until `ready`, lets it work for a random while, then SIGKILLs it. Returns the batches it began. */
async function runAndKill(url: string): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], { env: { ...process.env, PROJECTOR_DATABASE_URL: url }, stdio: ['ignore', 'pipe', 'pipe'] });
  let batches = 0;
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = chunk.toString().split('\n');
      batches += lines.filter((line) => line === 'applying').length;
      if (lines.includes('ready')) resolve();
    });
    void exited.then(() => reject(new Error(`projector exited before it was ready: ${stderr}`)));
  });
  await new Promise((resolve) => setTimeout(resolve, 100 + randomInt(900)));
  child.kill('SIGKILL');
  await exited;
  return batches;
}

/** Writes the events in step with the kills, so that the load lasts as long as they do. */
async function write(db: Database, streams: string[], counter: { written: number; kills: number }): Promise<void> {
  const store = new PostgresEventStore(db);
  try {
    while (counter.written < EVENTS) {
      if (counter.written / EVENTS >= (counter.kills + 1) / KILLS) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      counter.written += EVENTS_PER_APPEND;
      const streamId = streams[randomInt(streams.length)]!;
      await store.appendToStream(streamId, Array.from({ length: EVENTS_PER_APPEND }, (_, index) => newEvent(`Load${index % 5}`)), 'any');
    }
  } finally {
    await store.close();
  }
}

async function checksums(db: Database): Promise<{ ledger: string; streams: string; events: number; maxTimes: number }> {
  const ledger = await db.pool.query<{ sum: string; count: string; max: number }>(
    `SELECT md5(string_agg(event_id::text || ':' || stream_id || ':' || type || ':' || times, ',' ORDER BY event_id)) AS sum, count(*)::text AS count, max(times) AS max FROM test_tally_ledger`,
  );
  const streams = await db.pool.query<{ sum: string }>(`SELECT md5(string_agg(stream_id || ':' || events || ':' || last_type, ',' ORDER BY stream_id)) AS sum FROM test_tally_streams`);
  return { ledger: ledger.rows[0]!.sum, streams: streams.rows[0]!.sum, events: Number(ledger.rows[0]!.count), maxTimes: ledger.rows[0]!.max };
}

test(`given ${EVENTS} events being written, when the projector is SIGKILLed ${KILLS} times, then its rows equal a rebuild`, async ({ db, url }) => {
  const streams = Array.from({ length: STREAMS }, () => streamName());
  const counter = { written: 0, kills: 0 };
  const started = Date.now();
  const writing = Promise.all(Array.from({ length: WRITERS }, () => write(db!, streams, counter)));
  const batchesPerRun: number[] = [];
  let killedWhileWriting = 0;
  for (let kill = 0; kill < KILLS; kill += 1) {
    batchesPerRun.push(await runAndKill(url!));
    if (counter.written < EVENTS) killedWhileWriting += 1;
    counter.kills += 1;
  }
  await writing;
  const writtenMs = Date.now() - started;

  const store = new PostgresEventStore(db!);
  const runner = new ProjectionRunner({ db: db!, store, projections: [tallyProjection()], logger: silentLogger, batchSize: 500 });
  const [lagAfterKills] = await runner.lag();
  await runner.prepare();
  const catchUpStarted = Date.now();
  await runner.catchUp();
  const catchUpMs = Date.now() - catchUpStarted;
  const resumed = await checksums(db!);
  const rebuildStarted = Date.now();
  await runner.rebuild('test_tally');
  const rebuildMs = Date.now() - rebuildStarted;
  const rebuilt = await checksums(db!);
  await store.close();

  console.log(
    `    ${KILLS} kills (${killedWhileWriting} while writing) over ${writtenMs} ms; batches begun per run ${batchesPerRun.join(',')}; ${lagAfterKills?.eventsBehind ?? '?'}${lagAfterKills?.eventsBehindCapped ? '+' : ''} events left after the last kill, caught up in ${catchUpMs} ms; rebuild ${rebuildMs} ms; ledger md5 ${resumed.ledger}`,
  );
  assert.is(resumed.events, EVENTS);
  assert.is(resumed.maxTimes, 1, 'no event applied twice');
  assert.ok(killedWhileWriting >= KILLS - 1, 'the kills came while events were being written');
  assert.ok(batchesPerRun.filter((batches) => batches > 0).length >= KILLS / 2, 'most runs were killed after they had begun work');
  assert.equal(resumed, rebuilt);
});

test.run();
