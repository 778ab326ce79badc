import { DateTime, IANAZone } from 'luxon';
import { ValidationError } from '../errors.js';
import { firstInstantShowing } from './wall-time.js';

/**
 * Business calendars and business-time arithmetic. Pure: every instant comes in as an argument.
 * Working hours are wall-clock times in the calendar's zone, expanded day by local day, so a
 * 09:00–17:00 day is always 8 hours and a 00:00–24:00 day lasts 23 or 25 hours across DST.
 * See wall-time.ts for how times that do not exist, or exist twice, are placed.
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

/** A validated calendar in the shape the arithmetic wants: minutes of the day and a holiday set. */
interface Compiled {
  readonly zone: IANAZone;
  readonly week: ReadonlyArray<ReadonlyArray<readonly [number, number]>>;
  readonly holidays: ReadonlySet<string>;
  /** Each local day's working time, by the day's UTC-anchored midnight: worked out once, not per question. */
  readonly days: Map<number, ReadonlyArray<readonly [number, number]>>;
  /** Local dates of instants asked about: a clock asks about the same few instants (its events) many times, and the zone lookup is the dear part. */
  readonly localDates: Map<number, number>;
}

const DAY_MS = 86_400_000;
/** About three years of days a calendar; past that the memo starts afresh. */
const REMEMBERED_DAYS = 1_100;
const REMEMBERED_INSTANTS = 10_000;
/** 1970-01-01, day 0, was a Thursday: index 3 in WEEKDAYS. */
const EPOCH_WEEKDAY = 3;

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
  const compiled: Compiled = {
    zone: IANAZone.create(calendar.timeZone),
    week: WEEKDAYS.map((day) => calendar.week[day].map((hours) => [minuteOfDay(hours.start, false) ?? 0, minuteOfDay(hours.end, true) ?? 0] as const)),
    holidays: new Set(calendar.holidays),
    days: new Map(),
    localDates: new Map(),
  };
  remember(compiledByCalendar, text, compiled);
  compiledByObject.set(calendar, compiled);
  return compiled;
}

/**
 * The local calendar date an instant falls on, as the UTC midnight of that date in ms, so stepping
 * days (± DAY_MS) ignores DST. The same date Luxon gives for the instant in the zone: its local
 * fields are the instant shifted by the zone's offset at that instant.
 */
function localDate(compiled: Compiled, instant: number): number {
  const known = compiled.localDates.get(instant);
  if (known !== undefined) return known;
  const date = Math.floor((instant + compiled.zone.offset(instant) * MINUTE_MS) / DAY_MS) * DAY_MS;
  if (compiled.localDates.size >= REMEMBERED_INSTANTS) compiled.localDates.clear();
  compiled.localDates.set(instant, date);
  return date;
}

/** One local day's working time as [start, end) instants in ms; none on a holiday. */
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
  // One day of slack either side: a fall-back around midnight can put part of a neighbouring local day inside [from, to).
  const last = localDate(compiled, to) + DAY_MS;
  for (let day = localDate(compiled, from) - DAY_MS; day <= last; day += DAY_MS) {
    for (const [start, end] of workingTimeOn(compiled, day)) {
      const clippedStart = Math.max(start, from);
      const clippedEnd = Math.min(end, to);
      if (clippedEnd <= clippedStart) continue;
      const tail = merged.at(-1);
      // Back-to-back intervals (00:00–24:00 on consecutive days) read better as one.
      if (tail && tail[1] === clippedStart) tail[1] = clippedEnd;
      else merged.push([clippedStart, clippedEnd]);
    }
  }
  return merged;
}

/** The working time between two instants, as UTC instants, merged where back to back. */
export function workingIntervals(calendar: BusinessCalendar, from: Date, to: Date): TimeInterval[] {
  if (to <= from) return [];
  return intervalsBetween(compile(calendar), from.getTime(), to.getTime()).map(([start, end]) => ({ start: new Date(start), end: new Date(end) }));
}

/** Business minutes in [from, to); fractions of a minute are kept; 0 when `from` is not before `to`. */
export function businessMinutesBetween(calendar: BusinessCalendar, from: Date, to: Date): number {
  if (to <= from) return 0;
  const total = intervalsBetween(compile(calendar), from.getTime(), to.getTime()).reduce((sum, [start, end]) => sum + (end - start), 0);
  return total / MINUTE_MS;
}

/**
 * The earliest instant by which `minutes` of business time have elapsed after `start`: a target
 * used up exactly at 17:00 is due at 17:00, not at the next morning's opening. Counting from
 * outside working hours begins at the next working interval; 0 minutes is `start` itself.
 */
export function addBusinessTime(calendar: BusinessCalendar, start: Date, minutes: number): Date {
  if (!Number.isFinite(minutes) || minutes < 0) throw new ValidationError(`Business minutes to add must be a finite number of at least 0, not ${minutes}`);
  const compiled = compile(calendar);
  let remaining = minutes * MINUTE_MS;
  if (remaining === 0) return start;
  // Every 7 days hold working time unless it falls on holidays (or, twice a year, inside a DST gap),
  // so a longer run of idle days means the calendar can never reach the target.
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
