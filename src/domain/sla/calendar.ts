import { DateTime, IANAZone } from 'luxon';
import { ValidationError } from '../errors.js';
import { cover, dayOf, emptyLayout, firstAbove, firstAtOrAbove, localDayOf } from './working-time.js';
import type { WorkingLayout, WorkingWeek } from './working-time.js';

/**
 * Business calendars and business-time arithmetic. Pure: every instant comes in as an argument.
 * Working hours are wall-clock times in the calendar's zone, expanded day by local day, so a
 * 09:00–17:00 day is always 8 hours and a 00:00–24:00 day lasts 23 or 25 hours across DST.
 * See wall-time.ts for how times that do not exist, or exist twice, are placed, and working-time.ts
 * for how the hours are laid out once per calendar, so a question is a binary search, not a walk.
 */

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** In Luxon's weekday order (1 = Monday), which the expansion below indexes into. */
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export interface WorkingHours {
  /** 'HH:mm', 00:00–23:59. */
  readonly start: string;
  /** 'HH:mm', after `start`; '24:00' means until the end of the day. */
  readonly end: string;
}

export interface BusinessCalendar {
  /** IANA zone, e.g. 'Europe/Berlin'. */
  readonly timeZone: string;
  /** Several ordered, non-overlapping intervals a day; an empty list is a day off. */
  readonly week: Readonly<Record<Weekday, readonly WorkingHours[]>>;
  /** 'YYYY-MM-DD' local dates, each a whole day off. */
  readonly holidays: readonly string[];
}

export interface TimeInterval {
  readonly start: Date;
  readonly end: Date;
}

const MINUTE_MS = 60_000;

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function minuteOfDay(time: string, endOfDayAllowed: boolean): number | null {
  if (endOfDayAllowed && time === '24:00') return 24 * 60;
  const match = TIME.exec(time);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

/** Everything wrong with a calendar, in words a service-desk admin can act on; [] when usable. */
export function validateCalendar(calendar: BusinessCalendar): string[] {
  // Clocks validate their calendar on every evaluation; Luxon's zone and date checks dominated that.
  const same = problemsByObject.get(calendar);
  if (same) return [...same];
  const text = JSON.stringify(calendar);
  const problems = problemsByCalendar.get(text) ?? calendarProblemsOf(calendar);
  remember(problemsByCalendar, text, problems);
  problemsByObject.set(calendar, problems);
  return [...problems];
}

/** Keyed by the calendar's JSON: calendars read from rows or requests are fresh objects each time, and a few distinct ones are in use. */
const problemsByCalendar = new Map<string, readonly string[]>();
const problemsByObject = new WeakMap<BusinessCalendar, readonly string[]>();
const compiledByCalendar = new Map<string, Compiled>();
const compiledByObject = new WeakMap<BusinessCalendar, Compiled>();
const REMEMBERED_CALENDARS = 256;

function remember<Value>(cache: Map<string, Value>, key: string, value: Value): void {
  if (cache.size >= REMEMBERED_CALENDARS) cache.clear();
  cache.set(key, value);
}

function calendarProblemsOf(calendar: BusinessCalendar): string[] {
  const problems: string[] = [];
  if (!IANAZone.isValidZone(calendar.timeZone)) problems.push(`timeZone: "${calendar.timeZone}" is not a known IANA time zone`);
  let weeklyMinutes = 0;
  for (const day of WEEKDAYS) {
    let previous: { start: number; end: number; text: WorkingHours } | null = null;
    calendar.week[day].forEach((hours, index) => {
      const path = `week.${day}[${index}]`;
      const start = minuteOfDay(hours.start, false);
      const end = minuteOfDay(hours.end, true);
      if (start === null) problems.push(`${path}.start: "${hours.start}" is not a time between 00:00 and 23:59`);
      if (end === null) problems.push(`${path}.end: "${hours.end}" is not a time between 00:00 and 24:00`);
      if (start === null || end === null) return;
      if (end <= start) problems.push(`${path}: ends at ${hours.end}, which is not after its start ${hours.start}`);
      else if (previous && start < previous.start) problems.push(`${path}: starts at ${hours.start}, before the interval listed ahead of it (${previous.text.start}); list intervals in order`);
      else if (previous && start < previous.end) problems.push(`${path}: starts at ${hours.start}, overlapping the interval ahead of it, which ends at ${previous.text.end}`);
      else weeklyMinutes += end - start;
      previous = { start, end, text: hours };
    });
  }
  calendar.holidays.forEach((date, index) => {
    if (!DATE.test(date) || !DateTime.fromISO(date).isValid) problems.push(`holidays[${index}]: "${date}" is not a date YYYY-MM-DD`);
  });
  if (weeklyMinutes === 0) problems.push('week: there is no working time on any day');
  return problems;
}

/**
 * A validated calendar in the shape the arithmetic wants: minutes of the day, a holiday set, and
 * its working time laid out in epoch ms (working-time.ts), extended as questions reach further.
 */
interface Compiled extends WorkingWeek {
  readonly layout: WorkingLayout;
  /** Nominal working ms of a week, to guess how far ahead a target lies. */
  readonly weeklyMs: number;
}

function compile(calendar: BusinessCalendar): Compiled {
  // Calendars are never changed in place (readonly all the way down), so the same object may skip even the JSON.
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
  const week = WEEKDAYS.map((day) => calendar.week[day].map((hours) => [minuteOfDay(hours.start, false) ?? 0, minuteOfDay(hours.end, true) ?? 0] as const));
  const holidays = new Set(calendar.holidays);
  const compiled: Compiled = {
    zone: IANAZone.create(calendar.timeZone),
    week,
    holidays,
    // Every 7 days hold working time unless it falls on holidays (or, twice a year, inside a DST gap),
    // so a longer run of idle days means the calendar can never reach the target.
    idleDaysAllowed: 7 * (holidays.size + 3),
    layout: emptyLayout(),
    weeklyMs: week.flat().reduce((sum, [start, end]) => sum + (end - start) * MINUTE_MS, 0),
  };
  remember(compiledByCalendar, text, compiled);
  compiledByObject.set(calendar, compiled);
  return compiled;
}

/**
 * The laid-out intervals [first, last) that overlap [from, to). The layout covers a day either side
 * of both instants' local dates: a fall-back around midnight can put part of a neighbouring local day inside the span.
 */
function overlapping(compiled: Compiled, from: number, to: number): { first: number; last: number } {
  cover(compiled, compiled.layout, dayOf(from) - 2, dayOf(to) + 3);
  return { first: firstAbove(compiled.layout.ends, from), last: firstAtOrAbove(compiled.layout.starts, to) };
}

/** The working time between two instants, as UTC instants, merged where back to back. */
export function workingIntervals(calendar: BusinessCalendar, from: Date, to: Date): TimeInterval[] {
  if (to <= from) return [];
  const compiled = compile(calendar);
  const [fromMs, toMs] = [from.getTime(), to.getTime()];
  if (!(fromMs < toMs)) return [];
  const { first, last } = overlapping(compiled, fromMs, toMs);
  const { starts, ends } = compiled.layout;
  const merged: Array<[number, number]> = [];
  for (let index = first; index < last; index++) {
    const start = Math.max(starts[index]!, fromMs);
    const end = Math.min(ends[index]!, toMs);
    const tail = merged.at(-1);
    // Back-to-back intervals (00:00–24:00 on consecutive days) read better as one.
    if (tail && tail[1] === start) tail[1] = end;
    else merged.push([start, end]);
  }
  return merged.map(([start, end]) => ({ start: new Date(start), end: new Date(end) }));
}

/** Business minutes in [from, to); fractions of a minute are kept; 0 when `from` is not before `to`. */
export function businessMinutesBetween(calendar: BusinessCalendar, from: Date, to: Date): number {
  if (to <= from) return 0;
  const compiled = compile(calendar);
  const [fromMs, toMs] = [from.getTime(), to.getTime()];
  if (!(fromMs < toMs)) return 0;
  const { first, last } = overlapping(compiled, fromMs, toMs);
  if (last <= first) return 0;
  const { starts, ends, before } = compiled.layout;
  // Whole intervals by their running totals, less what the span cuts off the first and the last.
  const total = before[last]! - before[first]! - Math.max(0, fromMs - starts[first]!) - Math.max(0, ends[last - 1]! - toMs);
  return total / MINUTE_MS;
}

function noWorkingTimeLeft(): ValidationError {
  return new ValidationError('The business calendar has no working time left to count the target in');
}

/**
 * The earliest instant by which `minutes` of business time have elapsed after `start`: a target
 * used up exactly at 17:00 is due at 17:00, not at the next morning's opening. Counting from
 * outside working hours begins at the next working interval; 0 minutes is `start` itself.
 */
export function addBusinessTime(calendar: BusinessCalendar, start: Date, minutes: number): Date {
  if (!Number.isFinite(minutes) || minutes < 0) throw new ValidationError(`Business minutes to add must be a finite number of at least 0, not ${minutes}`);
  const compiled = compile(calendar);
  const target = minutes * MINUTE_MS;
  if (target === 0) return start;
  const startMs = start.getTime();
  if (!Number.isFinite(startMs)) throw noWorkingTimeLeft();
  const startDay = dayOf(startMs);
  // Counting begins on the day before the start's local date; a guess at how far the target lies, doubled until it is reached.
  let horizon = startDay + 10 + Math.ceil(target / compiled.weeklyMs) * 7;
  for (;;) {
    cover(compiled, compiled.layout, startDay - 2, horizon);
    const { starts, ends, days, before, barriers, endDay } = compiled.layout;
    const first = firstAbove(ends, startMs);
    const from = first < starts.length ? Math.max(starts[first]!, startMs) : startMs;
    const available = first < starts.length ? ends[first]! - from : 0;
    // The first interval k by whose end the target is used up; each guess's total is whole ms, compared exactly.
    const usedBy = (index: number): number => available + (before[index + 1]! - before[first + 1]!);
    let low = first;
    let high = starts.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (usedBy(middle) >= target) high = middle;
      else low = middle + 1;
    }
    const reached = low < starts.length;
    const lastLooked = reached ? low : starts.length - 1;
    // A run of idle days longer than allowed ahead of the interval reached means the count never gets there.
    const idleBefore = (index: number): number => days[index]! - localDayOf(compiled, startMs) + 1;
    if (first < starts.length && first <= lastLooked && days[first]! - startDay + 2 > compiled.idleDaysAllowed && idleBefore(first) > compiled.idleDaysAllowed) throw noWorkingTimeLeft();
    const barrier = barriers[firstAbove(barriers, first)];
    if (barrier !== undefined && barrier <= lastLooked) throw noWorkingTimeLeft();
    if (reached) {
      const counted = low === first ? 0 : usedBy(low - 1);
      return new Date(Math.round((low === first ? from : starts[low]!) + (target - counted)));
    }
    const lastWorkedDay = first < starts.length ? days[starts.length - 1]! : localDayOf(compiled, startMs) - 2;
    if (endDay - 1 - lastWorkedDay > compiled.idleDaysAllowed) throw noWorkingTimeLeft();
    horizon = startDay + 2 * (horizon - startDay);
  }
}
