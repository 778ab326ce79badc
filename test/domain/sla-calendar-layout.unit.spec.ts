import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { ValidationError } from '../../src/domain/errors.js';
import { addBusinessTime, businessMinutesBetween, workingIntervals } from '../../src/domain/sla/index.js';
import type { BusinessCalendar } from '../../src/domain/sla/index.js';
import { referenceAddBusinessTime, referenceBusinessMinutesBetween, referenceWorkingIntervals } from '../support/sla-calendar-reference.js';
import { sampleCalendar, sampleInstant, sampleMinutes, sampleSpanMs, seeded } from '../support/sla-calendar-samples.js';

// The laid-out working time must answer exactly as the day-by-day walk it replaced: same ms, same minutes, same errors.

const CALENDARS = 40;
const QUESTIONS = 40;

const outcome = <T>(run: () => T): T | { error: string } => {
  try {
    return run();
  } catch (error) {
    return { error: error instanceof ValidationError ? `ValidationError: ${error.message}` : String(error) };
  }
};
const isoOf = (date: Date): string => (Number.isNaN(date.getTime()) ? 'Invalid Date' : date.toISOString());
const intervalsOf = (intervals: ReadonlyArray<{ start: Date; end: Date }>) => intervals.map(({ start, end }) => [isoOf(start), isoOf(end)]);
const describe = (calendar: BusinessCalendar, ...rest: unknown[]): string => JSON.stringify([calendar, ...rest]);

const layout = suite('sla calendar: laid-out working time answers as the day-by-day walk');

for (let seed = 1; seed <= CALENDARS; seed++) {
  layout(`random calendar #${seed}, ${QUESTIONS} instants across 1995–2045`, () => {
    const random = seeded(seed);
    const calendar = sampleCalendar(random);
    // Questions jump about in time, so the layout is extended both ways and started afresh past its bound.
    let previous = sampleInstant(random);
    for (let question = 0; question < QUESTIONS; question++) {
      // Every other question lands near the one before, either side, so the run is extended rather than started afresh.
      const from = question % 2 === 0 ? sampleInstant(random) : new Date(previous.getTime() + Math.round((random() - 0.5) * 400 * 86_400_000));
      previous = from;
      const to = new Date(from.getTime() + (random() < 0.1 ? -1 : 1) * sampleSpanMs(random));
      assert.is(businessMinutesBetween(calendar, from, to), referenceBusinessMinutesBetween(calendar, from, to), describe(calendar, 'between', isoOf(from), isoOf(to)));
      if (question % 4 === 0) assert.equal(intervalsOf(workingIntervals(calendar, from, to)), intervalsOf(referenceWorkingIntervals(calendar, from, to)), describe(calendar, 'intervals', isoOf(from), isoOf(to)));
      const minutes = sampleMinutes(random);
      const due = outcome(() => isoOf(addBusinessTime(calendar, from, minutes)));
      assert.equal(due, outcome(() => isoOf(referenceAddBusinessTime(calendar, from, minutes))), describe(calendar, 'add', isoOf(from), minutes));
    }
  });
}

layout('a fresh copy of a calendar (read from a row) answers as the object it was copied from', () => {
  const calendar = sampleCalendar(seeded(99));
  const copy = JSON.parse(JSON.stringify(calendar)) as BusinessCalendar;
  const from = new Date('2026-03-27T10:00Z');
  const to = new Date('2026-04-30T10:00Z');
  assert.is(businessMinutesBetween(copy, from, to), businessMinutesBetween(calendar, from, to));
  assert.is(addBusinessTime(copy, from, 4_800).getTime(), referenceAddBusinessTime(calendar, from, 4_800).getTime());
});

layout('an instant that is not a date counts nothing and reaches no target, as before', () => {
  const calendar = sampleCalendar(seeded(7));
  const invalid = new Date(Number.NaN);
  const valid = new Date('2026-11-24T10:00Z');
  assert.is(businessMinutesBetween(calendar, invalid, valid), referenceBusinessMinutesBetween(calendar, invalid, valid));
  assert.is(businessMinutesBetween(calendar, valid, invalid), 0);
  assert.equal(workingIntervals(calendar, invalid, valid), []);
  assert.throws(() => addBusinessTime(calendar, invalid, 60), (error: unknown) => error instanceof ValidationError);
  assert.throws(() => referenceAddBusinessTime(calendar, invalid, 60), (error: unknown) => error instanceof ValidationError);
});

layout.run();
