/**
 * Rebuild benchmark: a log of `tickets × events-per-ticket` events appended to a throw-away
 * PostgreSQL database, then every read model built over it as operators meet it: the catch-up
 * from empty that follows a bulk load, and `runs` × `itsm rebuild all` (drop, replay, ANALYZE).
 * Prints a Markdown section with events/s of log and when each projection finished. Figures move
 * with the machine; nothing is asserted. `npm run bench` runs the same measurement.
 *
 *   npm run bench:rebuild -- [--tickets N] [--events-per-ticket E] [--runs R]
 *                            (default 100,000 × 10 = 1,000,000 events, 1 run)
 *
 * DATABASE_URL names the server (default postgres://postgres@127.0.0.1:5432/test). The database
 * (itsm_bench_<hex>) is dropped at the end, error or not.
 */
import { parseArgs } from 'node:util';
import { machineFacts } from './bench/machine.js';
import { countOption } from './bench/options.js';
import { measureRebuild, REBUILD_EVENTS_PER_TICKET, rebuildLines } from './bench/rebuild.js';
import { formatNumber } from './bench/stats.js';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';

const progress = (message: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);

function parseOptions(argv: readonly string[]): { tickets: number; eventsPerTicket: number; runs: number } {
  const { values } = parseArgs({
    args: [...argv],
    options: { tickets: { type: 'string', default: '100000' }, 'events-per-ticket': { type: 'string', default: String(REBUILD_EVENTS_PER_TICKET) }, runs: { type: 'string', default: '1' } },
    strict: true,
  });
  return { tickets: countOption('tickets', values.tickets), eventsPerTicket: countOption('events-per-ticket', values['events-per-ticket']), runs: countOption('runs', values.runs) };
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const serverUrl = process.env.DATABASE_URL ?? DEFAULT_URL;
  // Before the run: the load average says how busy the machine was without us.
  const machine = await machineFacts(serverUrl, process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const figures = await measureRebuild(serverUrl, options, progress);
  process.stdout.write(
    [
      `## Rebuild of ${formatNumber(figures.events)} events`,
      '',
      `- ${machine.cores} × ${machine.cpu}, ${formatNumber(machine.memoryGiB, 1)} GiB, ${machine.os}; load average ${machine.loadAverage.map((value) => value.toFixed(2)).join(' / ')} at ${machine.at}`,
      `- node ${machine.node}; PostgreSQL ${machine.postgres}`,
      ...rebuildLines(figures),
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
