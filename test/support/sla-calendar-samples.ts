import { WEEKDAYS, validateCalendar } from '../../src/domain/sla/calendar.js';
import type { BusinessCalendar, Weekday, WorkingHours } from '../../src/domain/sla/calendar.js';

/**
 * Seeded random calendars and instants for comparing the business-time arithmetic with its
 * reference: zones with DST either way round (and half-hour DST, a skipped day, no DST), hours
 * that start or end inside the night's DST changes, night shifts split over midnight, holidays.
 */

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export const SAMPLE_ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'Europe/London',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Pacific/Auckland',
  'America/Santiago',
  'Pacific/Apia',
  'Asia/Kolkata',
  'America/St_Johns',
  'UTC',
] as const;

const YEAR_MS = 365.25 * 86_400_000;
/** From 1995 to 2045: past the twenty-year layout, so a calendar's layout restarts and extends both ways. */
export const SAMPLE_FROM = Date.UTC(1995, 0, 1);
export const SAMPLE_TO = Date.UTC(2045, 0, 1);

const integer = (random: () => number, below: number): number => Math.floor(random() * below);
const pick = <T>(random: () => number, values: readonly T[]): T => values[integer(random, values.length)]!;
const time = (minute: number): string => (minute === 1_440 ? '24:00' : `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`);

/** Minutes of the day, drawn so that the small hours (where DST changes happen) and whole hours come up often. */
function minuteOfDay(random: () => number): number {
  const roll = random();
  if (roll < 0.3) return 60 + integer(random, 180);
  if (roll < 0.6) return 60 * integer(random, 25);
  return integer(random, 1_441);
}

function dayHours(random: () => number): WorkingHours[] {
  const roll = random();
  if (roll < 0.25) return [];
  if (roll < 0.35) return [{ start: '00:00', end: '24:00' }];
  if (roll < 0.45) return [{ start: '00:00', end: time(60 + integer(random, 420)) }, { start: time(1_080 + integer(random, 300)), end: '24:00' }];
  const bounds = [...new Set(Array.from({ length: 2 * (1 + integer(random, 3)) }, () => minuteOfDay(random)))].sort((a, b) => a - b);
  const hours: WorkingHours[] = [];
  for (let index = 0; index + 1 < bounds.length; index += 2) {
    if (bounds[index]! < 1_440) hours.push({ start: time(bounds[index]!), end: time(bounds[index + 1]!) });
  }
  return hours;
}

function holidays(random: () => number): string[] {
  const dates: string[] = [];
  const count = integer(random, 4) === 0 ? 0 : integer(random, 40);
  for (let index = 0; index < count; index++) {
    const first = SAMPLE_FROM + random() * (SAMPLE_TO - SAMPLE_FROM);
    // Sometimes a run of days off (a works holiday), mostly single days.
    const run = random() < 0.2 ? 1 + integer(random, 20) : 1;
    for (let day = 0; day < run; day++) dates.push(new Date(first + day * 86_400_000).toISOString().slice(0, 10));
  }
  return [...new Set(dates)].sort();
}

/** A calendar validateCalendar accepts. */
export function sampleCalendar(random: () => number): BusinessCalendar {
  for (;;) {
    const week = Object.fromEntries(WEEKDAYS.map((day) => [day, dayHours(random)])) as Record<Weekday, WorkingHours[]>;
    const calendar: BusinessCalendar = { timeZone: pick(random, SAMPLE_ZONES), week, holidays: holidays(random) };
    if (validateCalendar(calendar).length === 0) return calendar;
  }
}

/** An instant in the sample years, now and then close to a DST change or to midnight, to the millisecond or the minute. */
export function sampleInstant(random: () => number): Date {
  const year = 1995 + integer(random, 50);
  const roll = random();
  // Late March / October / early November nights (European and American changes), or anywhere in the year.
  const base =
    roll < 0.4
      ? Date.UTC(year, pick(random, [2, 3, 8, 9, 10]), 1 + integer(random, 31), integer(random, 24), integer(random, 60))
      : SAMPLE_FROM + random() * (SAMPLE_TO - SAMPLE_FROM);
  return new Date(random() < 0.5 ? Math.floor(base / 60_000) * 60_000 : Math.floor(base));
}

/** A span length: seconds to two years, mostly days to weeks. */
export function sampleSpanMs(random: () => number): number {
  const roll = random();
  if (roll < 0.3) return integer(random, 3_600_000);
  if (roll < 0.95) return integer(random, 30 * 86_400_000);
  return integer(random, 2 * YEAR_MS);
}

/** Business minutes to add: 0, fractions, the starter targets' sizes, up to a year's worth. */
export function sampleMinutes(random: () => number): number {
  const roll = random();
  if (roll < 0.05) return 0;
  if (roll < 0.3) return integer(random, 600_000) / 1_000;
  if (roll < 0.6) return pick(random, [30, 60, 240, 480, 1_440, 2_400, 4_800]);
  if (roll < 0.97) return 1 + integer(random, 20_000);
  return integer(random, 525_600) + random();
}
