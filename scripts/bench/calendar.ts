/**
 * Business-time micro-benchmark: the laid-out working time (src/domain/sla/calendar.ts) against
 * the day-by-day walk it replaced (test/support/sla-calendar-reference.ts), on the same questions
 * a rebuild's reporting projection asks: per ticket, business minutes between its events and the
 * due instants of its targets, with tickets a minute apart from 2026-01-01 (as scripts/bench/corpus.ts).
 * Each side runs on fresh calendar objects (as read from rows), so its own memos are all it gets.
 * Prints ops/s of each and their ratio. Figures move with the machine; nothing is asserted.
 *
 *   node --import tsx scripts/bench/calendar.ts [--tickets N]   (default 20,000)
 */
import { parseArgs } from 'node:util';
import { addBusinessTime, businessMinutesBetween, starterCalendar } from '../../src/domain/sla/index.js';
import type { BusinessCalendar } from '../../src/domain/sla/index.js';
import { referenceAddBusinessTime, referenceBusinessMinutesBetween } from '../../test/support/sla-calendar-reference.js';
import { countOption } from './options.js';

interface Arithmetic {
  readonly between: (calendar: BusinessCalendar, from: Date, to: Date) => number;
  readonly add: (calendar: BusinessCalendar, start: Date, minutes: number) => Date;
}

const TARGETS = [240, 1_440, 2_400, 4_800];

/** Calendars as a multi-tenant desk has them: starter hours in a few zones, one with holidays. */
function calendars(): BusinessCalendar[] {
  const withHolidays = { ...starterCalendar('Europe/Berlin'), holidays: ['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-01', '2026-12-25', '2026-12-26'] };
  return [starterCalendar('Europe/Berlin'), starterCalendar('America/New_York'), starterCalendar('UTC'), withHolidays];
}

/** Questions a rebuild of `tickets` tickets asks; returns the ops run and a checksum so nothing is optimised away. */
function run(arithmetic: Arithmetic, tickets: number): { ops: number; seconds: number; checksum: number } {
  const shapes = calendars();
  let ops = 0;
  let checksum = 0;
  const began = performance.now();
  for (let n = 0; n < tickets; n++) {
    const calendar = JSON.parse(JSON.stringify(shapes[n % shapes.length])) as BusinessCalendar;
    const opened = Date.UTC(2026, 0, 1) + n * 60_000;
    for (let event = 1; event <= 9; event++) {
      checksum += arithmetic.between(calendar, new Date(opened), new Date(opened + event * 1_000 + (n % 7) * 3_600_000));
      ops++;
    }
    for (const minutes of TARGETS) {
      checksum += arithmetic.add(calendar, new Date(opened), minutes).getTime() % 1_000_003;
      ops++;
    }
  }
  return { ops, seconds: (performance.now() - began) / 1_000, checksum };
}

function main(): void {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { tickets: { type: 'string', default: '20000' } }, strict: true });
  const tickets = countOption('tickets', values.tickets);
  // A warm-up of each, so both are measured with compiled code.
  run({ between: businessMinutesBetween, add: addBusinessTime }, 200);
  run({ between: referenceBusinessMinutesBetween, add: referenceAddBusinessTime }, 200);
  const laid = run({ between: businessMinutesBetween, add: addBusinessTime }, tickets);
  const walked = run({ between: referenceBusinessMinutesBetween, add: referenceAddBusinessTime }, tickets);
  if (laid.checksum !== walked.checksum) throw new Error(`the two disagree: checksum ${laid.checksum} against ${walked.checksum}`);
  const rate = (figures: { ops: number; seconds: number }) => figures.ops / figures.seconds;
  process.stdout.write(
    [
      `## Business-time arithmetic, ${tickets} tickets (${laid.ops} questions)`,
      '',
      `- day-by-day walk (reference): ${Math.round(rate(walked)).toLocaleString('en')} ops/s`,
      `- laid-out intervals:          ${Math.round(rate(laid)).toLocaleString('en')} ops/s`,
      `- ratio new/old: ${(rate(laid) / rate(walked)).toFixed(1)}×`,
      '',
    ].join('\n'),
  );
}

main();
