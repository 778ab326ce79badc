/**
 * `npm run bench`: the whole benchmark, written to BENCHMARKS.md.
 *
 *   npm run bench                 full run (100,000 tickets, 3 runs of 10 s each)
 *   npm run bench -- --quick      smoke run (2,000 tickets, 1 run of 3 s), printed, BENCHMARKS.md untouched
 *   flags: --tickets N --events-per-ticket N --runs R --seconds S --connections C --embedded-scale K
 *          --rebuild-tickets N --no-rebuild --no-embedded --no-eventstore --no-profile --out FILE
 *
 * The rebuild figure is measured on a log of its own: --rebuild-tickets × 10 events (1,000,000 by
 * default), `itsm rebuild all` R times.
 *
 * DATABASE_URL names the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/test) and
 * REDIS_URL the Redis (default redis://127.0.0.1:6379). Every database it makes (itsm_bench_<hex>)
 * is dropped at the end, error or not. The API and the baselines run in processes of their own;
 * this process only generates load and reads figures.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { SelfTime } from './cpu-profile.js';
import type { HttpFigures } from './http-load.js';
import type { ApiRun, BaselineWorkload, OurWorkload, RunOptions } from './http-target.js';
import { BASELINE_WORKLOADS, OUR_WORKLOADS, profileWorkload, runApiWorkloads, runBaselineWorkloads, startApi } from './http-target.js';
import { BASELINE_ROWS } from './baseline-rows.js';
import { machineFacts } from './machine.js';
import type { Machine } from './machine.js';
import { freePort, residentBytes, startServer } from './processes.js';
import { NOTES_MARKER, renderReport } from './report.js';
import type { TargetResult } from './report.js';
import { seedDesk } from './seed.js';
import type { Seeded } from './seed.js';
import { adminQuery, withDatabase } from './admin.js';
import { countOption } from './options.js';
import { measureRebuild, REBUILD_EVENTS_PER_TICKET } from './rebuild.js';
import type { RebuildFigures } from './rebuild.js';

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const ROOT = resolve(import.meta.dirname, '../..');

export interface BenchOptions {
  readonly quick: boolean;
  readonly tickets: number;
  readonly eventsPerTicket: number;
  readonly runs: number;
  readonly seconds: number;
  readonly connections: number;
  readonly embeddedScale: number;
  readonly embedded: boolean;
  readonly eventStore: boolean;
  /** Tickets of the rebuild's own log (10 events each); 0 skips the rebuild. */
  readonly rebuildTickets: number;
  readonly profile: boolean;
  readonly out: string | null;
}

function parseOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      tickets: { type: 'string' },
      'events-per-ticket': { type: 'string', default: '1' },
      runs: { type: 'string' },
      seconds: { type: 'string' },
      connections: { type: 'string', default: '50' },
      // PGlite builds read models at a few dozen events a second: 1/100 keeps its part of a full run to minutes.
      'embedded-scale': { type: 'string', default: '100' },
      'rebuild-tickets': { type: 'string' },
      'no-rebuild': { type: 'boolean', default: false },
      'no-embedded': { type: 'boolean', default: false },
      'no-eventstore': { type: 'boolean', default: false },
      'no-profile': { type: 'boolean', default: false },
      out: { type: 'string' },
    },
    strict: true,
  });
  const quick = values.quick;
  return {
    quick,
    tickets: countOption('tickets', values.tickets ?? (quick ? '2000' : '100000')),
    eventsPerTicket: countOption('events-per-ticket', values['events-per-ticket']),
    runs: countOption('runs', values.runs ?? (quick ? '1' : '3')),
    seconds: countOption('seconds', values.seconds ?? (quick ? '3' : '10')),
    connections: countOption('connections', values.connections),
    embeddedScale: countOption('embedded-scale', values['embedded-scale']),
    embedded: !values['no-embedded'],
    rebuildTickets: values['no-rebuild'] ? 0 : countOption('rebuild-tickets', values['rebuild-tickets'] ?? (quick ? '1000' : '100000')),
    eventStore: !values['no-eventstore'],
    profile: !values['no-profile'],
    // A quick run is a smoke test: it must not replace the figures of the last full run.
    out: values.out ?? (quick ? null : 'BENCHMARKS.md'),
  };
}

const progress = (message: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);

/** Settings of the API process under test: quiet, no demo data, limits far above the load. */
function apiEnvironment(base: Record<string, string>): Record<string, string> {
  return {
    ...base,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'false',
    AUTH_SIGNING_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    // Still limited (one Redis round trip a request for both limits and the deny list, as in production), only far above the load.
    RATE_LIMIT_PER_MINUTE: '1000000',
    RATE_LIMIT_PER_USER_PER_MINUTE: '1000000',
    LOGIN_LIMIT_PER_ACCOUNT: '10000',
    LOGIN_LIMIT_PER_ADDRESS: '100000',
  };
}

function medianOf<T>(runs: readonly T[], pickValue: (run: T) => number): number {
  const sorted = runs.map(pickValue).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function medianFigures(runs: readonly HttpFigures[]): HttpFigures {
  return {
    rate: medianOf(runs, (run) => run.rate),
    p50: medianOf(runs, (run) => run.p50),
    p99: medianOf(runs, (run) => run.p99),
    errors: medianOf(runs, (run) => run.errors),
    accepted: medianOf(runs, (run) => run.accepted),
    total: medianOf(runs, (run) => run.total),
  };
}

/** Our target workloads that fall short, as the issue states them; these get a CPU profile. */
function shortfalls(result: TargetResult): OurWorkload[] {
  const out: OurWorkload[] = [];
  const ours = result.ours;
  const base = result.baselines;
  if (!base) return out;
  if (!(ours.ticketById.rate >= 0.6 * base.primaryKey.rate && ours.ticketById.p99 < 20)) out.push('ticketById');
  if (!(ours.openTicket.rate >= 0.5 * base.insert.rate && ours.openTicket.p99 < 50) || !(result.lag && result.lag.p99 < 100)) out.push('openTicket');
  if (!(ours.search.p99 < 30)) out.push('search');
  return out;
}

interface TargetPlan {
  readonly label: string;
  readonly env: Record<string, string>;
  readonly tickets: number;
  /** The database the lag sampler and the baselines use; null for embedded PGlite. */
  readonly databaseUrl: string | null;
}

async function measureTarget(plan: TargetPlan, options: BenchOptions): Promise<TargetResult> {
  progress(`${plan.label}: seeding ${plan.tickets.toLocaleString('en-US')} tickets × ${options.eventsPerTicket} events`);
  const seeded: Seeded = await seedDesk(plan.env, plan.tickets, options.eventsPerTicket, progress);
  progress(`${plan.label}: read models built in ${Math.round(seeded.projection.ms)} ms`);
  const runOptions: RunOptions = { connections: options.connections, seconds: options.seconds };

  let baseline: Awaited<ReturnType<typeof startServer>> | null = null;
  if (plan.databaseUrl) {
    await fillBaselineRows(plan.databaseUrl, plan.tickets);
    const port = await freePort();
    baseline = await startServer({
      script: 'scripts/bench/baseline-server.ts',
      args: [],
      env: { BASELINE_DATABASE_URL: plan.databaseUrl, BASELINE_PORT: String(port), BASELINE_POOL_SIZE: '10' },
      port,
      readyPath: '/hello',
    });
  }
  const api = await startApi(plan.env, await freePort());
  const idleRss = await residentBytes(api.pid);
  const apiRuns: ApiRun[] = [];
  const baselineRuns: Array<Record<BaselineWorkload, HttpFigures>> = [];
  try {
    for (let run = 0; run < options.runs; run += 1) {
      if (baseline) baselineRuns.push(await runBaselineWorkloads(baseline, plan.tickets, runOptions));
      apiRuns.push(await runApiWorkloads(api, seeded.desk, seeded.ticketIds, runOptions, plan.databaseUrl));
      const last = apiRuns.at(-1)!;
      progress(
        `${plan.label} run ${run + 1}: ` +
          OUR_WORKLOADS.map((name) => `${name} ${Math.round(last.figures[name].rate)}/s p99 ${last.figures[name].p99} ms`).join('; ') +
          (baselineRuns.at(-1) ? `; baselines ${BASELINE_WORKLOADS.map((name) => `${name} ${Math.round(baselineRuns.at(-1)![name].rate)}/s`).join(', ')}` : ''),
      );
    }
  } finally {
    progress(`${plan.label}: the API wrote ${api.stderrBytes().toLocaleString('en-US')} bytes to stderr; last lines:\n${api.stderrTail().split('\n').slice(-4).join('\n')}`);
    await api.stop();
    await baseline?.stop();
  }

  const ours = Object.fromEntries(OUR_WORKLOADS.map((name) => [name, medianFigures(apiRuns.map((run) => run.figures[name]))])) as Record<OurWorkload, HttpFigures>;
  const ratios = Object.fromEntries(
    OUR_WORKLOADS.map((name) => {
      const against: BaselineWorkload = name === 'openTicket' || name === 'comment' ? 'insert' : 'primaryKey';
      // Median of each run's own ratio: both sides ran back to back, so machine-wide slowdowns cancel.
      if (name === 'searchAlone') return [name, Number.NaN];
      return [name, baselineRuns.length > 0 ? medianOf(apiRuns.map((run, index) => run.figures[name].rate / baselineRuns[index]![against].rate), (value) => value) : Number.NaN];
    }),
  ) as Record<OurWorkload, number>;
  const result: TargetResult = {
    label: plan.label,
    tickets: plan.tickets,
    connections: options.connections,
    seeded,
    ours,
    ratios,
    baselines: baselineRuns.length > 0 ? (Object.fromEntries(BASELINE_WORKLOADS.map((name) => [name, medianFigures(baselineRuns.map((run) => run[name]))])) as Record<BaselineWorkload, HttpFigures>) : null,
    rss: {
      idle: idleRss ?? Number.NaN,
      byWorkload: Object.fromEntries(OUR_WORKLOADS.map((name) => [name, medianOf(apiRuns, (run) => run.rss[name])])) as Record<OurWorkload, number>,
    },
    lag: apiRuns[0]?.lag ? { p50: medianOf(apiRuns, (run) => run.lag?.p50 ?? Number.NaN), p99: medianOf(apiRuns, (run) => run.lag?.p99 ?? Number.NaN), samples: medianOf(apiRuns, (run) => run.lag?.samples ?? 0) } : null,
    profiles: [],
  };
  if (!options.profile || !plan.databaseUrl) return result;
  const profiles: Array<{ workload: OurWorkload; top: SelfTime[] }> = [];
  for (const workload of shortfalls(result)) {
    progress(`${plan.label}: profiling the API under ${workload}`);
    profiles.push({ workload, top: await profileWorkload(plan.env, ROOT, seeded.desk, seeded.ticketIds, workload, runOptions) });
  }
  return { ...result, profiles };
}

/** The baseline's table: as many rows as there are tickets, each the size of a ticket's JSON. */
async function fillBaselineRows(databaseUrl: string, rows: number): Promise<void> {
  await adminQuery(
    databaseUrl,
    `CREATE TABLE IF NOT EXISTS ${BASELINE_ROWS} (id bigserial PRIMARY KEY, payload jsonb NOT NULL);
     INSERT INTO ${BASELINE_ROWS} (payload)
       SELECT jsonb_build_object('title', 'broken printer does not start ' || n, 'description', repeat('The printer on floor 2 does not start. ', 4), 'status', 'in_progress', 'priority', 'P3')
       FROM generate_series(1, ${rows}) AS n`,
  );
  // On its own: VACUUM cannot run inside the implicit transaction of a multi-statement query.
  await adminQuery(databaseUrl, `VACUUM ANALYZE ${BASELINE_ROWS}`);
}

/** The event store benchmark in a child process; its Markdown section is included as it prints it. */
function eventStoreSection(options: BenchOptions, databaseUrl: string): Promise<string> {
  const args = options.quick ? ['--events', '1000', '--runs', '1', '--lag-events', '300'] : ['--runs', String(options.runs)];
  if (options.embedded) args.push('--embedded');
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench-eventstore.ts', ...args], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolvePromise(out.trim()) : reject(new Error(`bench-eventstore exited with ${code}`))));
  });
}

function commitOf(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const changed = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter((line) => line.trim() !== '').length;
    return changed > 0 ? `${head} with ${changed} uncommitted changes in the work tree` : head;
  } catch {
    return 'unknown (no git)';
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const serverUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const redisUrl = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
  const started = Date.now();
  const machineAtStart: Machine = await machineFacts(serverUrl, redisUrl);
  const name = `itsm_bench_${randomBytes(6).toString('hex')}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'itsm-bench-embedded-'));
  const cleanup = async () => {
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch((error: unknown) => progress(`could not drop ${name}: ${String(error)}`));
    await rm(dataDir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    progress(`${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const targets: TargetResult[] = [];
  let eventStore: string | null = null;
  let rebuild: RebuildFigures | null = null;
  try {
    await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
    const databaseUrl = withDatabase(serverUrl, name);
    targets.push(
      await measureTarget(
        {
          label: 'PostgreSQL + Redis',
          env: apiEnvironment({ DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, REDIS_KEY_PREFIX: `${name}:`, DATA_DIR: join(dataDir, 'server') }),
          tickets: options.tickets,
          databaseUrl,
        },
        options,
      ),
    );
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    if (options.rebuildTickets > 0) {
      rebuild = await measureRebuild(serverUrl, { tickets: options.rebuildTickets, eventsPerTicket: REBUILD_EVENTS_PER_TICKET, runs: options.runs }, progress);
    }
    if (options.embedded) {
      targets.push(
        await measureTarget(
          { label: 'PGlite (embedded default)', env: apiEnvironment({ DATA_DIR: join(dataDir, 'embedded') }), tickets: Math.max(200, Math.round(options.tickets / options.embeddedScale)), databaseUrl: null },
          options,
        ),
      );
    }
    if (options.eventStore) {
      progress('event store benchmark');
      eventStore = await eventStoreSection(options, serverUrl);
    }
  } finally {
    await cleanup();
  }
  const machineAtEnd = await machineFacts(serverUrl, redisUrl);
  const report = renderReport({ options, machineAtStart, machineAtEnd, commit: commitOf(), targets, rebuild, eventStore, minutes: (Date.now() - started) / 60_000 });
  if (options.out) {
    const path = resolve(ROOT, options.out);
    const previous = await readFile(path, 'utf8').catch(() => '');
    const notes = previous.includes(NOTES_MARKER) ? previous.slice(previous.indexOf(NOTES_MARKER) + NOTES_MARKER.length).replace(/^\n+/, '') : '';
    await writeFile(path, notes ? `${report}\n${notes}` : report);
    progress(`wrote ${options.out}`);
  } else {
    process.stdout.write(report);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
