import { IANAZone } from 'luxon';
import { ValidationError } from '../../src/domain/errors.js';
import { WEEKDAYS, validateCalendar } from '../../src/domain/sla/calendar.js';
import type { BusinessCalendar, TimeInterval } from '../../src/domain/sla/calendar.js';
import { firstInstantShowing } from '../../src/domain/sla/wall-time.js';

/**
 * The business-time arithmetic as it was before the working-time layout: every question walks the
 * calendar day by local day, converting wall time to instants as it goes. Kept only as the
 * reference the layout is checked against (property test) and measured against (scripts/bench/calendar.ts).
 * Its memos are its own, so timing it is not helped by the code it is compared with.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const REMEMBERED_CALENDARS = 256;
const REMEMBERED_DAYS = 1_100;
const REMEMBERED_INSTANTS = 10_000;
const EPOCH_WEEKDAY = 3;

interface Compiled {
  readonly zone: IANAZone;
  readonly week: ReadonlyArray<ReadonlyArray<readonly [number, number]>>;
  readonly holidays: ReadonlySet<string>;
  readonly days: Map<number, ReadonlyArray<readonly [number, number]>>;
  readonly localDates: Map<number, number>;
}

const compiledByCalendar = new Map<string, Compiled>();
const compiledByObject = new WeakMap<BusinessCalendar, Compiled>();

const minuteOfDay = (time: string): number => (time === '24:00' ? 24 * 60 : Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5)));

function compile(calendar: BusinessCalendar): Compiled {
  const same = compiledByObject.get(calendar);
  if (same) return same;
  const text = JSON.stringify(calendar);
  const known = compiledByCalendar.get(text);
  if (known) {
    compiledByObject.set(calendar, known);
    return known;
  }
  const problems = validateCalendar(calendar);
  if (problems.length > 0) throw new ValidationError(`The business calendar cannot be used: ${problems.join('; ')}`);
  const compiled: Compiled = {
    zone: IANAZone.create(calendar.timeZone),
    week: WEEKDAYS.map((day) => calendar.week[day].map((hours) => [minuteOfDay(hours.start), minuteOfDay(hours.end)] as const)),
    holidays: new Set(calendar.holidays),
    days: new Map(),
    localDates: new Map(),
  };
  if (compiledByCalendar.size >= REMEMBERED_CALENDARS) compiledByCalendar.clear();
  compiledByCalendar.set(text, compiled);
  compiledByObject.set(calendar, compiled);
  return compiled;
}

function localDate(compiled: Compiled, instant: number): number {
  const known = compiled.localDates.get(instant);
  if (known !== undefined) return known;
  const date = Math.floor((instant + compiled.zone.offset(instant) * MINUTE_MS) / DAY_MS) * DAY_MS;
  if (compiled.localDates.size >= REMEMBERED_INSTANTS) compiled.localDates.clear();
  compiled.localDates.set(instant, date);
  return date;
}

function workingTimeOn(compiled: Compiled, day: number): ReadonlyArray<readonly [number, number]> {
  const known = compiled.days.get(day);
  if (known) return known;
  const dayNumber = Math.floor(day / DAY_MS);
  const hours = Number.isFinite(day) && !compiled.holidays.has(new Date(day).toISOString().slice(0, 10)) ? (compiled.week[(((dayNumber + EPOCH_WEEKDAY) % 7) + 7) % 7] ?? []) : [];
  const working = hours.map(([start, end]) => [firstInstantShowing(compiled.zone, day + start * MINUTE_MS), firstInstantShowing(compiled.zone, day + end * MINUTE_MS)] as const);
  if (compiled.days.size >= REMEMBERED_DAYS) compiled.days.clear();
  compiled.days.set(day, working);
  return working;
}

function intervalsBetween(compiled: Compiled, from: number, to: number): Array<[number, number]> {
  const merged: Array<[number, number]> = [];
  const last = localDate(compiled, to) + DAY_MS;
  for (let day = localDate(compiled, from) - DAY_MS; day <= last; day += DAY_MS) {
    for (const [start, end] of workingTimeOn(compiled, day)) {
      const clippedStart = Math.max(start, from);
      const clippedEnd = Math.min(end, to);
      if (clippedEnd <= clippedStart) continue;
      const tail = merged.at(-1);
      if (tail && tail[1] === clippedStart) tail[1] = clippedEnd;
      else merged.push([clippedStart, clippedEnd]);
    }
  }
  return merged;
}

export function referenceWorkingIntervals(calendar: BusinessCalendar, from: Date, to: Date): TimeInterval[] {
  if (to <= from) return [];
  return intervalsBetween(compile(calendar), from.getTime(), to.getTime()).map(([start, end]) => ({ start: new Date(start), end: new Date(end) }));
}

export function referenceBusinessMinutesBetween(calendar: BusinessCalendar, from: Date, to: Date): number {
  if (to <= from) return 0;
  const total = intervalsBetween(compile(calendar), from.getTime(), to.getTime()).reduce((sum, [start, end]) => sum + (end - start), 0);
  return total / MINUTE_MS;
}

export function referenceAddBusinessTime(calendar: BusinessCalendar, start: Date, minutes: number): Date {
  if (!Number.isFinite(minutes) || minutes < 0) throw new ValidationError(`Business minutes to add must be a finite number of at least 0, not ${minutes}`);
  const compiled = compile(calendar);
  let remaining = minutes * MINUTE_MS;
  if (remaining === 0) return start;
  const idleDaysAllowed = 7 * (compiled.holidays.size + 3);
  let idleDays = 0;
  for (let day = localDate(compiled, start.getTime()) - DAY_MS; ; day += DAY_MS) {
    let worked = false;
    for (const [intervalStart, end] of workingTimeOn(compiled, day)) {
      const from = Math.max(intervalStart, start.getTime());
      if (end <= from) continue;
      worked = true;
      if (end - from >= remaining) return new Date(Math.round(from + remaining));
      remaining -= end - from;
    }
    idleDays = worked ? 0 : idleDays + 1;
    if (idleDays > idleDaysAllowed) throw new ValidationError('The business calendar has no working time left to count the target in');
  }
}
