import type { IANAZone } from 'luxon';
import { firstInstantShowing } from './wall-time.js';

/**
 * A calendar's working time laid out as plain epoch milliseconds: the sorted [start, end)
 * intervals of a run of local days, with running totals, so that "how much business time between
 * two instants" and "when has so much business time passed" are two binary searches and a
 * subtraction. The time-zone conversion (the dear part) is done once per local day when the run
 * is extended, never per question.
 *
 * Days are numbered as their UTC-anchored local midnight / DAY_MS. Day d's hours map to instants
 * through firstInstantShowing, which never goes backwards, so the intervals of successive days
 * stay sorted and do not overlap (they may touch). Intervals of no length (wholly inside a
 * spring-forward gap) are left out: no question counts them.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** 1970-01-01, day 0, was a Thursday: index 3 in the week (Monday first). */
const EPOCH_WEEKDAY = 3;
/** Laid out beyond what a question needs, so questions about neighbouring instants find it there. */
const MARGIN_DAYS = 62;
/** About twenty years; a run that would grow past it starts afresh around the question. */
const MAX_LAYOUT_DAYS = 7_320;
/** A question further than this from the run starts it afresh rather than laying out every day in between. */
const BRIDGE_DAYS = 400;

export interface WorkingWeek {
  readonly zone: IANAZone;
  /** Per weekday, Monday first: [start, end) minutes of the local day. */
  readonly week: ReadonlyArray<ReadonlyArray<readonly [number, number]>>;
  readonly holidays: ReadonlySet<string>;
  /** How many days in a row without working time mean the target can never be reached. */
  readonly idleDaysAllowed: number;
}

export interface WorkingLayout {
  /** The laid-out local days: [firstDay, endDay). Empty while firstDay === endDay. */
  firstDay: number;
  endDay: number;
  starts: number[];
  ends: number[];
  /** The local day each interval belongs to. */
  days: number[];
  /** before[i]: working ms of the intervals ahead of i; one longer than the intervals. */
  before: number[];
  /** Intervals that follow a longer run of idle days than idleDaysAllowed, in order. */
  barriers: number[];
}

export function emptyLayout(): WorkingLayout {
  return { firstDay: 0, endDay: 0, starts: [], ends: [], days: [], before: [0], barriers: [] };
}

export const dayOf = (instant: number): number => Math.floor(instant / DAY_MS);

/** The local day an instant falls on in the calendar's zone. */
export const localDayOf = (week: WorkingWeek, instant: number): number => Math.floor((instant + week.zone.offset(instant) * MINUTE_MS) / DAY_MS);

function layOutDays(week: WorkingWeek, from: number, to: number, into: Pick<WorkingLayout, 'starts' | 'ends' | 'days'>): void {
  for (let day = from; day < to; day++) {
    const midnight = day * DAY_MS;
    if (week.holidays.size > 0 && week.holidays.has(new Date(midnight).toISOString().slice(0, 10))) continue;
    for (const [startMinute, endMinute] of week.week[(((day + EPOCH_WEEKDAY) % 7) + 7) % 7] ?? []) {
      const start = firstInstantShowing(week.zone, midnight + startMinute * MINUTE_MS);
      const end = firstInstantShowing(week.zone, midnight + endMinute * MINUTE_MS);
      if (end <= start) continue;
      into.starts.push(start);
      into.ends.push(end);
      into.days.push(day);
    }
  }
}

function totalUp(week: WorkingWeek, layout: WorkingLayout): void {
  const before = [0];
  const barriers: number[] = [];
  for (let index = 0; index < layout.starts.length; index++) {
    before.push(before[index]! + (layout.ends[index]! - layout.starts[index]!));
    if (index > 0 && layout.days[index]! - layout.days[index - 1]! - 1 > week.idleDaysAllowed) barriers.push(index);
  }
  layout.before = before;
  layout.barriers = barriers;
}

/** Makes sure days [from, to) are laid out, extending the run with a margin, or starting afresh when it would grow too long. */
export function cover(week: WorkingWeek, layout: WorkingLayout, from: number, to: number): void {
  if (layout.firstDay < layout.endDay && from >= layout.firstDay && to <= layout.endDay) return;
  const fresh =
    layout.firstDay === layout.endDay ||
    Math.max(to, layout.endDay) - Math.min(from, layout.firstDay) > MAX_LAYOUT_DAYS ||
    from > layout.endDay + BRIDGE_DAYS ||
    to < layout.firstDay - BRIDGE_DAYS;
  if (fresh) {
    const laid = { starts: [] as number[], ends: [] as number[], days: [] as number[] };
    layOutDays(week, from - MARGIN_DAYS, to + MARGIN_DAYS, laid);
    Object.assign(layout, laid, { firstDay: from - MARGIN_DAYS, endDay: to + MARGIN_DAYS });
  } else {
    if (from < layout.firstDay) {
      const laid = { starts: [] as number[], ends: [] as number[], days: [] as number[] };
      layOutDays(week, from - MARGIN_DAYS, layout.firstDay, laid);
      layout.starts = laid.starts.concat(layout.starts);
      layout.ends = laid.ends.concat(layout.ends);
      layout.days = laid.days.concat(layout.days);
      layout.firstDay = from - MARGIN_DAYS;
    }
    if (to > layout.endDay) {
      layOutDays(week, layout.endDay, to + MARGIN_DAYS, layout);
      layout.endDay = to + MARGIN_DAYS;
    }
  }
  totalUp(week, layout);
}

/** The first index whose value is above `instant` (values sorted ascending); the length when none is. */
export function firstAbove(values: readonly number[], instant: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (values[middle]! > instant) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** The first index whose value is at or above `instant`. */
export function firstAtOrAbove(values: readonly number[], instant: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (values[middle]! >= instant) high = middle;
    else low = middle + 1;
  }
  return low;
}
