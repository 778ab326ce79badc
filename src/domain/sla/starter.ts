import { IANAZone } from 'luxon';
import { ValidationError } from '../errors.js';
import type { BusinessCalendar } from './calendar.js';
import type { PolicyTargets } from './policy.js';

/**
 * What a new tenant starts with, so SLA clocks run from its first ticket: office hours and a
 * policy covering every ticket. Both are ordinary definitions, edited or replaced like any other.
 */

export const STARTER_CALENDAR_NAME = 'Office hours';
export const STARTER_POLICY_NAME = 'Standard';

/** Monday to Friday, 09:00–17:00 in the tenant's zone, no holidays (the admin adds their own). */
export function starterCalendar(timeZone: string): BusinessCalendar {
  const office = [{ start: '09:00', end: '17:00' }];
  return { timeZone, week: { mon: office, tue: office, wed: office, thu: office, fri: office, sat: [], sun: [] }, holidays: [] };
}

const target = (firstResponseMinutes: number, resolutionMinutes: number) => ({ firstResponseMinutes, resolutionMinutes });

/**
 * Business minutes (a working day is 480): P1 answered in 30 minutes, resolved in 4 hours; P2 1 h / 1 day;
 * P3 4 h / 3 days; P4 1 day / 5 days; P5 2 days / 10 days.
 */
export const STARTER_TARGETS: PolicyTargets = {
  P1: target(30, 240),
  P2: target(60, 480),
  P3: target(240, 1_440),
  P4: target(480, 2_400),
  P5: target(960, 4_800),
};

/** The zone a tenant's office hours are kept in: an IANA name such as 'Europe/Berlin'; UTC when none is given. */
export function requireTimeZone(raw: string | undefined, path = '/timeZone'): string {
  if (raw === undefined) return 'UTC';
  const timeZone = raw.trim();
  if (!IANAZone.isValidZone(timeZone)) {
    throw new ValidationError('unknown time zone', [{ path, message: `"${raw}" is not an IANA time zone name such as "Europe/Berlin" or "UTC"` }]);
  }
  return timeZone;
}
