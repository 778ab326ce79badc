/**
 * Event store benchmark: the PostgreSQL adapter against plain PostgreSQL on the same server, in the
 * same run. Absolute figures move with the machine; the ratios to the baseline are what to compare.
 *
 *   npm run bench:eventstore -- [--events N] [--batched-events N] [--runs R] [--writers W]
 *                               [--lag-events N] [--lag-rate N] [--embedded] [--embedded-scale K]
 *
 * DATABASE_URL names the server (default postgres://postgres@127.0.0.1:5432/test). The script makes
 * a throw-away database of its own there (itsm_bench_<hex>) and drops it at the end, error or not.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/db/open.js';
import type { Database } from '../src/db/types.js';
import { PostgresEventStore } from '../src/eventstore/postgres/store.js';
import type { EventStore } from '../src/eventstore/types.js';
import { migrateToLatest } from '../src/migrations/index.js';
import { EmmettPeer } from './bench/emmett.js';
import { formatMs, formatNumber, formatRate, formatRatio, markdownTable, median } from './bench/stats.js';
import { adminQuery, withDatabase } from './bench/admin.js';
import {
  appendRate,
  BASELINE_TABLE,
  createBaselineTable,
  insertRate,
  pageBaselineRate,
  readAllRate,
  subscriptionLag,
} from './bench/workloads.js';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';
const BATCH = 100;

interface Options {
  readonly events: number;
  readonly batchedEvents: number;
  readonly runs: number;
  readonly writers: number;
  readonly lagEvents: number;
  readonly lagRate: number;
  readonly embedded: boolean;
  readonly embeddedScale: number;
}

interface Counts {
  readonly events: number;
  readonly batchedEvents: number;
  readonly lagEvents: number;
  readonly lagRate: number;
}

/** One database to measure: a real server, or PGlite for comparison. */
interface Target {
  readonly label: string;
  readonly counts: Counts;
  readonly store: EventStore;
  /** A store of its own on a pool of its own, like a projector process, where the target allows one. */
  readonly subscriberStore: EventStore;
  /** Where the store lives; also used for housekeeping between runs. */
  readonly storeDb: Database;
  /** Plain SQL for the baseline: its own pool of the same size, on the same server. */
  readonly baselineDb: Database;
  readonly canCheckpoint: boolean;
  /** Emmett's PostgreSQL event store on the same database, as a peer; null where it cannot run (PGlite). */
  readonly emmett: EmmettPeer | null;
}

interface RunFigures {
  readonly append1: number;
  readonly insert1: number;
  readonly append100: number;
  readonly insert100: number;
  readonly emmett1: number;
  readonly emmett100: number;
  readonly read: number;
  readonly page: number;
  readonly lagP50: number;
  readonly lagP99: number;
  readonly lagMax: number;
  readonly notes: readonly string[];
}

const USAGE = `usage: tsx scripts/bench-eventstore.ts [options]
  --events N           single-event appends per run (default 10000); also the 1-row INSERT count
  --batched-events N   events appended 100 per transaction per run (default 10 x --events)
  --runs R             runs per workload; the median is reported (default 3)
  --writers W          concurrent writers, and the pool size of store and baseline (default 10)
  --lag-events N       events appended while measuring subscription lag (default 2000)
  --lag-rate N         total append rate during the lag workload, events/s (default 500)
  --embedded           also run everything on in-memory PGlite, with counts divided by --embedded-scale
  --embedded-scale K   (default 10)
env DATABASE_URL       server to use (default ${DEFAULT_URL})`;

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      // Sized so that three runs finish within about two minutes on two cores: single-event appends
      // dominate (each one waits for its own WAL flush), so 20,000 of them would take a minute alone.
      events: { type: 'string', default: '10000' },
      'batched-events': { type: 'string' },
      runs: { type: 'string', default: '3' },
      writers: { type: 'string', default: '10' },
      'lag-events': { type: 'string', default: '2000' },
      'lag-rate': { type: 'string', default: '500' },
      embedded: { type: 'boolean', default: false },
      'embedded-scale': { type: 'string', default: '10' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const events = positiveInteger('events', values.events);
  return {
    events,
    batchedEvents: values['batched-events'] === undefined ? events * 10 : positiveInteger('batched-events', values['batched-events']),
    runs: positiveInteger('runs', values.runs),
    writers: positiveInteger('writers', values.writers),
    lagEvents: positiveInteger('lag-events', values['lag-events']),
    lagRate: positiveInteger('lag-rate', values['lag-rate']),
    embedded: values.embedded,
    embeddedScale: positiveInteger('embedded-scale', values['embedded-scale']),
  };
}

function positiveInteger(name: string, text: string): number {
  // Underscores and commas allowed so that 200_000 can be typed the way it is read.
  const value = Number(text.replace(/[_,]/g, ''));
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`--${name} must be a positive integer, got ${JSON.stringify(text)}\n\n${USAGE}`);
    process.exit(2);
  }
  return value;
}

function progress(message: string): void {
  // Progress goes to stderr so that stdout is the report alone and can be redirected into a file.
  process.stderr.write(`${message}\n`);
}

/**
 * A pool whose clients are still busy (an interrupted run) can take long to end; the database must
 * still be dropped, and DROP … WITH (FORCE) ends whatever connections remain.
 */
const CLEANUP_STEP_MS = 10_000;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`gave up after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Cleanups run last-registered first, once, whether the run ends, fails or is interrupted. */
class Cleanup {
  private readonly steps: Array<() => Promise<void>> = [];
  private running: Promise<void> | null = null;

  add(step: () => Promise<void>): void {
    this.steps.push(step);
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await withTimeout(step(), CLEANUP_STEP_MS);
        } catch (error) {
          progress(`cleanup step failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })();
    return this.running;
  }
}

/** Opens every connection of the pool now, so that no timed workload pays for connecting. */
async function warmPool(db: Database, size: number): Promise<void> {
  await Promise.all(Array.from({ length: size }, () => db.pool.query('SELECT pg_sleep(0.01)')));
}

async function serverTarget(serverUrl: string, options: Options, cleanup: Cleanup): Promise<Target> {
  const name = `itsm_bench_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
  // Registered first so that it runs last, after every pool on the database has been closed.
  cleanup.add(async () => {
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    progress(`dropped database ${name}`);
  });
  progress(`created database ${name}`);
  const url = withDatabase(serverUrl, name);

  const storeDb = await openDatabase({ kind: 'postgres', url, poolSize: options.writers });
  cleanup.add(() => storeDb.close());
  await migrateToLatest(storeDb.knex);
  await createBaselineTable(storeDb);
  const baselineDb = await openDatabase({ kind: 'postgres', url, poolSize: options.writers });
  cleanup.add(() => baselineDb.close());
  const subscriberDb = await openDatabase({ kind: 'postgres', url, poolSize: 2 });
  cleanup.add(() => subscriberDb.close());

  const store = new PostgresEventStore(storeDb);
  cleanup.add(() => store.close());
  const subscriberStore = new PostgresEventStore(subscriberDb);
  cleanup.add(() => subscriberStore.close());

  const emmett = await EmmettPeer.open(url);
  cleanup.add(() => emmett.close());

  await Promise.all([warmPool(storeDb, options.writers), warmPool(baselineDb, options.writers), warmPool(subscriberDb, 2)]);
  return { label: '', counts: options, store, subscriberStore, storeDb, baselineDb, canCheckpoint: true, emmett };
}

async function embeddedTarget(options: Options, cleanup: Cleanup): Promise<Target> {
  const db = await openDatabase({ kind: 'pglite', dataDir: null });
  cleanup.add(() => db.close());
  await migrateToLatest(db.knex);
  await createBaselineTable(db);
  // PGlite is one connection: the subscriber, the writers and the baseline all share it.
  const store = new PostgresEventStore(db);
  cleanup.add(() => store.close());
  const scale = options.embeddedScale;
  const counts: Counts = {
    events: Math.max(BATCH, Math.round(options.events / scale)),
    batchedEvents: Math.max(BATCH, Math.round(options.batchedEvents / scale)),
    lagEvents: Math.max(10, Math.round(options.lagEvents / scale)),
    lagRate: Math.max(10, Math.round(options.lagRate / scale)),
  };
  return { label: 'PGlite: ', counts, store, subscriberStore: store, storeDb: db, baselineDb: db, canCheckpoint: false, emmett: null };
}

/**
 * Starts each run from empty tables and a fresh checkpoint, so that run 3 does not insert into a
 * larger index than run 1, and so that a checkpoint forced by the previous run's WAL does not land
 * in the middle of this one's timings.
 */
async function resetTables(target: Target): Promise<void> {
  await target.storeDb.pool.query(`TRUNCATE es_events, es_streams, ${BASELINE_TABLE} RESTART IDENTITY`);
  await target.emmett?.truncate();
  if (target.canCheckpoint) {
    await target.storeDb.pool.query('CHECKPOINT').catch(() => progress('CHECKPOINT refused (not superuser); runs may be noisier'));
  }
}

/** Both sides read tables in the same state: statistics fresh, hint bits set, visibility map built. */
async function settleTables(target: Target): Promise<void> {
  await target.storeDb.pool.query(`VACUUM (ANALYZE) es_events, es_streams, ${BASELINE_TABLE}`);
}

/**
 * Runs a pair of measurements in alternating order, so that neither side always gets the warmer
 * caches or always runs just before a background checkpoint or autovacuum.
 */
async function pair<T>(run: number, first: () => Promise<T>, second: () => Promise<T>): Promise<[T, T]> {
  if (run % 2 === 0) {
    const a = await first();
    return [a, await second()];
  }
  const b = await second();
  return [await first(), b];
}

async function measureRun(target: Target, writers: number, run: number): Promise<RunFigures> {
  const { counts, store, baselineDb } = target;
  const notes: string[] = [];
  await resetTables(target);

  const [append1, insert1] = await pair(
    run,
    () => appendRate(store, writers, counts.events, 1),
    () => insertRate(baselineDb, writers, counts.events, 1),
  );
  const [append100, insert100] = await pair(
    run,
    () => appendRate(store, writers, counts.batchedEvents, BATCH),
    () => insertRate(baselineDb, writers, counts.batchedEvents, BATCH),
  );

  // The peer runs after ours rather than interleaved: its tables are its own, so neither side's
  // writes land in the other's indexes; alternating the order would not change that.
  const emmett1 = target.emmett ? (await target.emmett.appendRate(writers, counts.events, 1)).rate : Number.NaN;
  const emmett100 = target.emmett ? (await target.emmett.appendRate(writers, counts.batchedEvents, BATCH)).rate : Number.NaN;

  await settleTables(target);
  const written = append1.count + append100.count;
  const [read, page] = await pair(
    run,
    () => readAllRate(store),
    () => pageBaselineRate(baselineDb),
  );
  if (read.count !== written) notes.push(`readAll returned ${read.count} of ${written} appended events`);
  if (page.count !== insert1.count + insert100.count) notes.push(`baseline paging returned ${page.count} of ${insert1.count + insert100.count} rows`);

  const lag = await subscriptionLag(store, target.subscriberStore, writers, counts.lagEvents, counts.lagRate);
  if (lag.missing > 0) notes.push(`subscription delivered ${lag.delivered} of ${counts.lagEvents} events`);

  progress(
    `  ${target.label}run ${run + 1}: append×1 ${formatRate(append1.rate)}/s vs insert×1 ${formatRate(insert1.rate)}/s; ` +
      `append×100 ${formatRate(append100.rate)}/s vs insert×100 ${formatRate(insert100.rate)}/s; ` +
      (target.emmett ? `Emmett append×1 ${formatRate(emmett1)}/s, ×100 ${formatRate(emmett100)}/s; ` : '') +
      `readAll ${formatRate(read.rate)}/s vs paging ${formatRate(page.rate)}/s; ` +
      `lag p50 ${formatMs(lag.p50)} ms p99 ${formatMs(lag.p99)} ms max ${formatMs(lag.max)} ms`,
  );
  for (const note of notes) progress(`  ${target.label}run ${run + 1}: WARNING ${note}`);
  return {
    append1: append1.rate,
    insert1: insert1.rate,
    append100: append100.rate,
    insert100: insert100.rate,
    emmett1,
    emmett100,
    read: read.rate,
    page: page.rate,
    lagP50: lag.p50,
    lagP99: lag.p99,
    lagMax: lag.max,
    notes,
  };
}

/**
 * Ratios are the median of each run's own ratio, not a ratio of medians: both sides of a pair ran
 * back to back, so noise that slowed the whole machine during one run cancels out within it.
 */
function tableRows(target: Target, runs: readonly RunFigures[], writers: number): string[][] {
  const pick = (key: keyof Omit<RunFigures, 'notes'>) => median(runs.map((run) => run[key]));
  const ratio = (of: keyof Omit<RunFigures, 'notes'>, to: keyof Omit<RunFigures, 'notes'>) =>
    median(runs.map((run) => run[of] / run[to]));
  const { counts, label } = target;
  return [
    [
      `${label}append, 1 event/txn, ${writers} writers (${formatNumber(counts.events)} events)`,
      formatRate(pick('append1')),
      'events/s',
      `${formatRate(pick('insert1'))} rows/s (1-row INSERT, autocommit)`,
      formatRatio(ratio('append1', 'insert1')),
    ],
    [
      `${label}append, ${BATCH} events/txn, ${writers} writers (${formatNumber(counts.batchedEvents)} events)`,
      formatRate(pick('append100')),
      'events/s',
      `${formatRate(pick('insert100'))} rows/s (${BATCH}-row INSERT txn)`,
      formatRatio(ratio('append100', 'insert100')),
    ],
    ...(target.emmett
      ? [
          [
            `${label}append, 1 event/txn vs Emmett PostgreSQL (peer event store)`,
            formatRate(pick('append1')),
            'events/s',
            `${formatRate(pick('emmett1'))} events/s (Emmett appendToStream)`,
            formatRatio(ratio('append1', 'emmett1')),
          ],
          [
            `${label}append, ${BATCH} events/txn vs Emmett PostgreSQL (peer event store)`,
            formatRate(pick('append100')),
            'events/s',
            `${formatRate(pick('emmett100'))} events/s (Emmett appendToStream)`,
            formatRatio(ratio('append100', 'emmett100')),
          ],
        ]
      : []),
    [
      `${label}global log read, readAll pages of 1000 from LOG_START`,
      formatRate(pick('read')),
      'events/s',
      `${formatRate(pick('page'))} rows/s (keyset SELECT … ORDER BY id LIMIT 1000)`,
      formatRatio(ratio('read', 'page')),
    ],
    [
      `${label}subscription lag p50 (${formatNumber(counts.lagRate)} events/s steady, ${formatNumber(counts.lagEvents)} events)`,
      formatMs(pick('lagP50')),
      'ms',
      '—',
      '—',
    ],
    [`${label}subscription lag p99`, formatMs(pick('lagP99')), 'ms', '—', '—'],
    [`${label}subscription lag max`, formatMs(pick('lagMax')), 'ms', '—', '—'],
  ];
}

async function measureTarget(target: Target, options: Options): Promise<{ rows: string[][]; notes: string[] }> {
  const runs: RunFigures[] = [];
  for (let run = 0; run < options.runs; run += 1) runs.push(await measureRun(target, options.writers, run));
  const notes = runs.flatMap((figures, run) => figures.notes.map((note) => `${target.label}run ${run + 1}: ${note}`));
  return { rows: tableRows(target, runs, options.writers), notes };
}

async function machineInfo(serverUrl: string): Promise<string[]> {
  const cpus = os.cpus();
  const settings = await adminQuery(
    serverUrl,
    `SELECT current_setting('server_version') AS version, current_setting('fsync') AS fsync,
            current_setting('synchronous_commit') AS synchronous_commit, current_setting('shared_buffers') AS shared_buffers`,
  );
  const row = settings.rows[0] as Record<string, string> | undefined;
  const server = new URL(serverUrl);
  return [
    `- cpus: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown'}; memory ${formatNumber(os.totalmem() / 2 ** 30, 1)} GiB; ${os.type()} ${os.release()} ${os.arch()}`,
    `- node: ${process.version}`,
    `- postgres: ${row?.version ?? 'unknown'} at ${server.host} (fsync ${row?.fsync ?? '?'}, synchronous_commit ${row?.synchronous_commit ?? '?'}, shared_buffers ${row?.shared_buffers ?? '?'})`,
  ];
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const serverUrl = process.env.DATABASE_URL ?? DEFAULT_URL;
  const cleanup = new Cleanup();
  // Ctrl-C must not leave an itsm_bench_* database behind on the server.
  const onSignal = (signal: NodeJS.Signals) => {
    progress(`${signal}: cleaning up`);
    void cleanup.run().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const info = await machineInfo(serverUrl);
    const started = Date.now();
    const server = await serverTarget(serverUrl, options, cleanup);
    progress(`PostgreSQL: ${options.runs} runs`);
    const results = [await measureTarget(server, options)];
    if (options.embedded) {
      const embedded = await embeddedTarget(options, cleanup);
      const version = await embedded.storeDb.pool.query<{ version: string }>("SELECT current_setting('server_version') AS version");
      info.push(`- embedded: PGlite (PostgreSQL ${version.rows[0]?.version ?? '?'}, in memory), counts ÷ ${options.embeddedScale}`);
      progress(`PGlite: ${options.runs} runs`);
      results.push(await measureTarget(embedded, options));
    }

    const lines = [
      '## Event store benchmark',
      '',
      ...info,
      `- ${options.writers} writers, ${options.runs} runs, median reported; ratio = median of per-run ratios to the baseline measured in the same run; ${formatNumber((Date.now() - started) / 1000, 1)} s total`,
      '',
      markdownTable(
        ['workload', 'figure', 'unit', 'baseline', 'ratio'],
        ['l', 'r', 'l', 'r', 'r'],
        results.flatMap((result) => result.rows),
      ),
    ];
    const notes = results.flatMap((result) => result.notes);
    if (notes.length > 0) lines.push('', '**Warnings**', '', ...notes.map((note) => `- ${note}`));
    console.log(lines.join('\n'));
  } finally {
    await cleanup.run();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
