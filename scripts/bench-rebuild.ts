/**
 * Rebuild benchmark: a log of `tickets × events-per-ticket` events appended to a throw-away
 * PostgreSQL database, then every read model built over it twice, as operators meet it: the
 * catch-up from empty that follows a bulk load, and `itsm rebuild all` (drop, replay, ANALYZE).
 * Prints a Markdown section with events/s of log and when each projection finished. Figures move
 * with the machine; nothing is asserted.
 *
 *   npm run bench:rebuild -- [--tickets N] [--events-per-ticket E]      (default 100,000 × 10 = 1,000,000 events)
 *
 * DATABASE_URL names the server (default postgres://postgres@127.0.0.1:5432/test). The database
 * (itsm_bench_<hex>) is dropped at the end, error or not.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadConfig } from '../src/config/config.js';
import { comparePositions } from '../src/eventstore/types.js';
import { openSystem } from '../src/system.js';
import { machineFacts } from './bench/machine.js';
import { seedDesk } from './bench/seed.js';
import { formatNumber, formatRate, markdownTable, perSecond } from './bench/stats.js';
import { adminQuery, withDatabase } from './bench/admin.js';
import { countOption } from './bench/options.js';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';

const progress = (message: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);

function parseOptions(argv: readonly string[]): { tickets: number; eventsPerTicket: number } {
  const { values } = parseArgs({ args: [...argv], options: { tickets: { type: 'string', default: '100000' }, 'events-per-ticket': { type: 'string', default: '10' } }, strict: true });
  return { tickets: countOption('tickets', values.tickets), eventsPerTicket: countOption('events-per-ticket', values['events-per-ticket']) };
}

type Finished = ReadonlyArray<{ readonly name: string; readonly ms: number }>;

function slowest(finished: Finished, events: number): string {
  const rows = [...finished]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 8)
    .map((entry) => [entry.name, formatNumber(entry.ms / 1000, 1), formatRate(perSecond(events, entry.ms))]);
  return markdownTable(['projection', 'finished after (s)', 'log events/s'], ['l', 'r', 'r'], rows);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const serverUrl = process.env.DATABASE_URL ?? DEFAULT_URL;
  const database = `itsm_bench_${randomBytes(4).toString('hex')}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'itsm-bench-rebuild-'));
  // Before the run: the load average says how busy the machine was without us.
  const machine = await machineFacts(serverUrl, process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  await adminQuery(serverUrl, `CREATE DATABASE ${database}`);
  try {
    const env = { DATABASE_URL: withDatabase(serverUrl, database), DATA_DIR: dataDir, LOG_LEVEL: 'silent', SEED_DEMO: 'false', AUTH_SIGNING_KEYS: `bench:${randomBytes(32).toString('base64')}` };
    progress(`seeding ${formatNumber(options.tickets)} tickets × ${options.eventsPerTicket} events`);
    const seeded = await seedDesk(env, options.tickets, options.eventsPerTicket, progress);
    progress(`catch-up from empty: ${Math.round(seeded.projection.ms)} ms`);

    const system = await openSystem(loadConfig(env), pino({ level: 'silent' }));
    let rebuild: { ms: number; byName: Finished };
    try {
      progress('itsm rebuild all');
      const started = performance.now();
      const finished = new Map<string, number>();
      await system.projections.rebuild(system.projections.names, (batch) => {
        if (!finished.has(batch.projection) && comparePositions(batch.cursor, batch.target) >= 0) finished.set(batch.projection, performance.now() - started);
      });
      rebuild = { ms: performance.now() - started, byName: system.projections.names.map((name) => ({ name, ms: finished.get(name) ?? 0 })) };
      progress(`rebuild all: ${Math.round(rebuild.ms)} ms`);
    } finally {
      await system.close();
    }

    const events = seeded.events;
    process.stdout.write(
      [
        `## Rebuild of ${formatNumber(events)} events`,
        '',
        `- ${machine.cores} × ${machine.cpu}, ${formatNumber(machine.memoryGiB, 1)} GiB, ${machine.os}; load average ${machine.loadAverage.map((value) => value.toFixed(2)).join(' / ')} at ${machine.at}`,
        `- node ${machine.node}; PostgreSQL ${machine.postgres}`,
        `- log: ${formatNumber(options.tickets)} tickets × ${options.eventsPerTicket} events, appended at ${formatRate(seeded.appendRate)} events/s`,
        `- catch-up from empty (all ${seeded.projection.byName.length} read models fed together, then ANALYZE): ${formatNumber(seeded.projection.ms / 1000, 1)} s, **${formatRate(perSecond(events, seeded.projection.ms))} events/s** of log`,
        `- \`itsm rebuild all\` (drop, replay, ANALYZE): ${formatNumber(rebuild.ms / 1000, 1)} s, **${formatRate(perSecond(events, rebuild.ms))} events/s** of log`,
        '',
        'The slowest projections of the rebuild (when each finished; all started together):',
        '',
        slowest(rebuild.byName, events),
        '',
      ].join('\n'),
    );
  } finally {
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
