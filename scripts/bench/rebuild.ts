import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { loadConfig } from '../../src/config/config.js';
import { comparePositions } from '../../src/eventstore/types.js';
import { openSystem } from '../../src/system.js';
import { adminQuery, withDatabase } from './admin.js';
import { seedDesk } from './seed.js';
import { formatNumber, formatRate, markdownTable, perSecond } from './stats.js';

/** The rebuild's log: openings, comments and work started, as months of use would leave it. */
export const REBUILD_EVENTS_PER_TICKET = 10;

type Finished = ReadonlyArray<{ readonly name: string; readonly ms: number }>;

export interface RebuildPass {
  readonly ms: number;
  /** When each read model reached the head of the log; all started together. */
  readonly byName: Finished;
}

export interface RebuildFigures {
  readonly tickets: number;
  readonly eventsPerTicket: number;
  readonly events: number;
  readonly appendRate: number;
  /** Every read model built from empty straight after the bulk append. */
  readonly catchUp: RebuildPass;
  /** `itsm rebuild all` (drop, replay, ANALYZE) on the same log, one pass per run. */
  readonly rebuilds: readonly RebuildPass[];
}

/**
 * A log of `tickets × eventsPerTicket` events appended to a throw-away PostgreSQL database, then
 * every read model built over it as operators meet it: the catch-up from empty that follows a bulk
 * load, then `runs` × `itsm rebuild all`. The database is dropped at the end, error or not.
 */
export async function measureRebuild(
  serverUrl: string,
  options: { readonly tickets: number; readonly eventsPerTicket: number; readonly runs: number },
  progress: (message: string) => void,
): Promise<RebuildFigures> {
  const database = `itsm_bench_${randomBytes(4).toString('hex')}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'itsm-bench-rebuild-'));
  await adminQuery(serverUrl, `CREATE DATABASE ${database}`);
  try {
    const env = { DATABASE_URL: withDatabase(serverUrl, database), DATA_DIR: dataDir, LOG_LEVEL: 'silent', SEED_DEMO: 'false', AUTH_SIGNING_KEYS: `bench:${randomBytes(32).toString('base64')}` };
    progress(`rebuild: seeding ${formatNumber(options.tickets)} tickets × ${options.eventsPerTicket} events`);
    const seeded = await seedDesk(env, options.tickets, options.eventsPerTicket, progress);
    progress(`rebuild: catch-up from empty ${Math.round(seeded.projection.ms)} ms`);
    const system = await openSystem(loadConfig(env), pino({ level: 'silent' }));
    const rebuilds: RebuildPass[] = [];
    try {
      for (let run = 0; run < options.runs; run += 1) {
        const started = performance.now();
        const finished = new Map<string, number>();
        await system.projections.rebuild(system.projections.names, (batch) => {
          if (!finished.has(batch.projection) && comparePositions(batch.cursor, batch.target) >= 0) finished.set(batch.projection, performance.now() - started);
        });
        const ms = performance.now() - started;
        rebuilds.push({ ms, byName: system.projections.names.map((name) => ({ name, ms: finished.get(name) ?? 0 })) });
        progress(`rebuild all, run ${run + 1} of ${options.runs}: ${Math.round(ms)} ms, ${formatRate(perSecond(seeded.events, ms))} events/s`);
      }
    } finally {
      await system.close();
    }
    return {
      tickets: options.tickets,
      eventsPerTicket: options.eventsPerTicket,
      events: seeded.events,
      appendRate: seeded.appendRate,
      catchUp: { ms: seeded.projection.ms, byName: seeded.projection.byName },
      rebuilds,
    };
  } finally {
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The run whose time is the median (the lower middle one of an even count): the rate of record and its per-projection times. */
function medianRebuild(figures: RebuildFigures): RebuildPass | null {
  if (figures.rebuilds.length === 0) return null;
  const sorted = [...figures.rebuilds].sort((a, b) => a.ms - b.ms);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** Events per second of log for `rebuild all`, in the median run. */
export function rebuildRate(figures: RebuildFigures): number {
  const pass = medianRebuild(figures);
  return pass ? perSecond(figures.events, pass.ms) : Number.NaN;
}

/** Markdown lines: the log, the catch-up, the rebuilds and the slowest read models of the median one. */
export function rebuildLines(figures: RebuildFigures): string[] {
  const runs = figures.rebuilds.map((pass) => `${formatNumber(pass.ms / 1000, 1)} s`).join(', ');
  const shown = medianRebuild(figures);
  const lines = [
    `- log: ${formatNumber(figures.tickets)} tickets × ${figures.eventsPerTicket} events = ${formatNumber(figures.events)} events (openings, comments, work started), appended at ${formatRate(figures.appendRate)} events/s`,
    `- catch-up from empty straight after the bulk append (all ${figures.catchUp.byName.length} read models fed together, then ANALYZE): ${formatNumber(figures.catchUp.ms / 1000, 1)} s, ${formatRate(perSecond(figures.events, figures.catchUp.ms))} events/s of log`,
    `- \`itsm rebuild all\` (drop, replay, ANALYZE), ${figures.rebuilds.length} run${figures.rebuilds.length === 1 ? '' : 's'} (${runs}): median **${formatRate(rebuildRate(figures))} events/s** of log`,
  ];
  if (shown) {
    const slowest = [...shown.byName].sort((a, b) => b.ms - a.ms).slice(0, 6);
    lines.push(
      '',
      'The slowest read models of the median rebuild (when each finished; all started together):',
      '',
      markdownTable(['projection', 'finished after (s)', 'log events/s'], ['l', 'r', 'r'], slowest.map((entry) => [entry.name, formatNumber(entry.ms / 1000, 1), formatRate(perSecond(figures.events, entry.ms))])),
    );
  }
  return lines;
}
