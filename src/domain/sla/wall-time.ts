import type { IANAZone } from 'luxon';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * Turns a local wall-clock reading into a UTC instant. `wallMs` is the local date-time written as
 * if it were UTC (Date.UTC(y, m - 1, d, h, min)), so "24:00" is simply the next day's 00:00.
 *
 * The rule, one for every case: the answer is the FIRST instant at which a clock on the wall in
 * `zone` shows `wallMs` or later.
 * - An ordinary time has exactly one such instant.
 * - A time inside a spring-forward gap (Berlin 2026-03-29 02:30) is never shown; the first instant
 *   showing a later time is the moment the clocks jump, so it maps to the end of the gap (03:00
 *   CEST). An interval lying wholly inside the gap therefore has zero length that day.
 * - A time shown twice at fall-back (Berlin 2026-10-25 02:30) maps to its first showing (CEST).
 * Because the rule is "first instant showing at least", the mapping never goes backwards, so
 * ordered, non-overlapping wall intervals stay ordered and non-overlapping as instants.
 *
 * Assumes a zone changes offset at most once within a day either side of the reading, which holds
 * for every zone in the tz database in modern times.
 */
export function firstInstantShowing(zone: IANAZone, wallMs: number): number {
  const shown = (instant: number): number => instant + zone.offset(instant) * MINUTE_MS;
  const offsets = [...new Set([zone.offset(wallMs - DAY_MS), zone.offset(wallMs), zone.offset(wallMs + DAY_MS)])];
  const exact = offsets.map((offset) => wallMs - offset * MINUTE_MS).filter((instant) => shown(instant) === wallMs);
  if (exact.length > 0) return Math.min(...exact);

  // A gap: before the jump the clock shows less than wallMs, after it more. Bisect for the jump.
  let before = wallMs - Math.max(...offsets) * MINUTE_MS;
  let after = wallMs - Math.min(...offsets) * MINUTE_MS;
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (shown(middle) >= wallMs) after = middle;
    else before = middle;
  }
  return after;
}
