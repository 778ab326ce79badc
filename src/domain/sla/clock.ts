import { ValidationError } from '../errors.js';
import type { FieldError } from '../errors.js';
import { addBusinessTime, businessMinutesBetween, validateCalendar } from './calendar.js';
import type { BusinessCalendar } from './calendar.js';

/**
 * One SLA clock (first response, resolution) evaluated from its timeline at `now`. Pure.
 *
 * Choices worth knowing:
 * - 'restart' (a reopen) continues the SAME clock from the business time it had already used, not
 *   from zero: the customer's wait is cumulative, and a fresh clock would reward a hasty resolve.
 *   Time between the stop and the restart counts neither as elapsed nor as paused.
 * - A segment that does not fit the clock's position (pause while paused, stop before start,
 *   restart while running) is ignored and left out of `explain`, so a timeline built from events
 *   can repeat itself harmlessly. Segments after `now` are ignored: the clock is evaluated as of now.
 * - The target (or warning) instant is the earliest instant at which elapsed business time reaches
 *   it. It counts as crossed only once the clock has run at some instant after it: a stop exactly at
 *   the due instant is met, while a stop at 18:00 after a 17:00 due (elapsed no longer growing out
 *   of hours) is breached, because the ticket was still open after its due time.
 * - Once crossed, the state stays 'breached' whether the clock runs on, pauses or stops; `phase`
 *   says which.
 */

/** Where a segment came from; carried through to `explain` untouched. */
export interface Provenance {
  readonly revision: number;
  readonly at: string;
}

export type ClockSegmentKind = 'start' | 'pause' | 'resume' | 'stop' | 'restart';

export interface ClockSegment {
  readonly kind: ClockSegmentKind;
  readonly at: Date;
  readonly ref: Provenance;
}

export interface ClockInput {
  readonly calendar: BusinessCalendar;
  readonly targetMinutes: number;
  /** Share of the target at which to warn, 0 < share < 1; 0.8 when left out. */
  readonly warningShare?: number;
  /** In time order. */
  readonly segments: readonly ClockSegment[];
  readonly now: Date;
}

export type ClockState = 'not_started' | 'running' | 'paused' | 'met' | 'breached';
export type ClockPhase = 'not_started' | 'running' | 'paused' | 'stopped';
export type ExplainKind = 'started' | 'paused' | 'resumed' | 'stopped' | 'restarted' | 'warning' | 'breach';

export interface ExplainEntry {
  readonly kind: ExplainKind;
  readonly at: Date;
  /** Absent on computed instants (warning, breach). */
  readonly ref?: Provenance;
}

export interface ClockEvaluation {
  /** The SLA verdict. */
  readonly state: ClockState;
  /** Where the clock mechanically is; tells a breached clock that still runs from one that stopped. */
  readonly phase: ClockPhase;
  readonly elapsedMinutes: number;
  readonly pausedMinutes: number;
  /** Target minus elapsed, never below 0. */
  readonly remainingMinutes: number;
  /** Running: when the target is reached if the clock keeps running. Breached: when it fell due. Otherwise null. */
  readonly dueAt: Date | null;
  /** Once passed, when the warning share was reached; while running, when it will be; otherwise null. */
  readonly warningAt: Date | null;
  readonly breachedAt: Date | null;
  readonly metAt: Date | null;
  readonly explain: readonly ExplainEntry[];
}

export const DEFAULT_WARNING_SHARE = 0.8;

const MINUTE_MS = 60_000;

/** Which segments move the clock, and how; anything else is ignored. */
const TRANSITIONS: Readonly<Record<ClockPhase, Partial<Record<ClockSegmentKind, readonly [ClockPhase, ExplainKind]>>>> = {
  not_started: { start: ['running', 'started'] },
  running: { pause: ['paused', 'paused'], stop: ['stopped', 'stopped'] },
  paused: { resume: ['running', 'resumed'], stop: ['stopped', 'stopped'] },
  stopped: { restart: ['running', 'restarted'] },
};

interface Span {
  readonly kind: 'running' | 'paused';
  readonly start: Date;
  /** null while still open at `now`. */
  end: Date | null;
}

interface Timeline {
  readonly phase: ClockPhase;
  readonly spans: readonly Span[];
  readonly entries: readonly ExplainEntry[];
  readonly lastStop: Date | null;
}

function foldSegments(segments: readonly ClockSegment[], now: Date): Timeline {
  let phase: ClockPhase = 'not_started';
  let lastStop: Date | null = null;
  const spans: Span[] = [];
  const entries: ExplainEntry[] = [];
  for (const segment of segments) {
    if (segment.at > now) break;
    const move: readonly [ClockPhase, ExplainKind] | undefined = TRANSITIONS[phase][segment.kind];
    if (!move) continue;
    const next: ClockPhase = move[0];
    const kind: ExplainKind = move[1];
    const open = spans.at(-1);
    if (open && open.end === null) open.end = segment.at;
    if (next === 'running' || next === 'paused') spans.push({ kind: next, start: segment.at, end: null });
    if (next === 'stopped') lastStop = segment.at;
    phase = next;
    entries.push({ kind, at: segment.at, ref: segment.ref });
  }
  return { phase, spans, entries, lastStop };
}

const businessMs = (calendar: BusinessCalendar, from: Date, to: Date): number => Math.round(businessMinutesBetween(calendar, from, to) * MINUTE_MS);

interface Crossing {
  readonly at: Date;
  /** The clock has run at some instant after `at` (by `now`). */
  readonly passed: boolean;
}

/** When running time reaches `thresholdMs`, projecting an open running span forward; null if it never does. */
function crossing(calendar: BusinessCalendar, spans: readonly Span[], thresholdMs: number, now: Date): Crossing | null {
  const running = spans.filter((span) => span.kind === 'running');
  let before = 0;
  for (const span of running) {
    const length = span.end === null ? Infinity : businessMs(calendar, span.start, span.end);
    if (before + length >= thresholdMs) {
      const at = addBusinessTime(calendar, span.start, (thresholdMs - before) / MINUTE_MS);
      return { at, passed: running.some((other) => (other.end ?? now) > at) };
    }
    before += length;
  }
  return null;
}

function validateInput(input: ClockInput, warningShare: number): void {
  const errors: FieldError[] = validateCalendar(input.calendar).map((message) => ({ path: '/calendar', message }));
  if (!Number.isFinite(input.targetMinutes) || input.targetMinutes <= 0) errors.push({ path: '/targetMinutes', message: 'must be a number of minutes above 0' });
  if (!(warningShare > 0 && warningShare < 1)) errors.push({ path: '/warningShare', message: 'must be between 0 and 1, exclusive' });
  input.segments.forEach((segment, index) => {
    const previous = input.segments[index - 1];
    if (previous && segment.at < previous.at) errors.push({ path: `/segments/${index}`, message: 'is earlier than the segment before it; segments must be in time order' });
  });
  if (errors.length > 0) throw new ValidationError('The SLA clock cannot be evaluated', errors);
}

export function evaluateClock(input: ClockInput): ClockEvaluation {
  const warningShare = input.warningShare ?? DEFAULT_WARNING_SHARE;
  validateInput(input, warningShare);
  const { calendar, now } = input;
  const { phase, spans, entries, lastStop } = foldSegments(input.segments, now);

  const total = (kind: Span['kind']): number => spans.filter((span) => span.kind === kind).reduce((sum, span) => sum + businessMs(calendar, span.start, span.end ?? now), 0);
  const elapsedMs = total('running');
  const targetMs = input.targetMinutes * MINUTE_MS;
  const breach = crossing(calendar, spans, targetMs, now);
  const warning = crossing(calendar, spans, targetMs * warningShare, now);
  const breached = breach?.passed === true;

  const state: ClockState = phase === 'not_started' ? 'not_started' : breached ? 'breached' : phase === 'stopped' ? 'met' : phase;
  const computed: ExplainEntry[] = [
    ...(warning?.passed ? [{ kind: 'warning' as const, at: warning.at }] : []),
    ...(breached ? [{ kind: 'breach' as const, at: breach.at }] : []),
  ];

  return {
    state,
    phase,
    elapsedMinutes: elapsedMs / MINUTE_MS,
    pausedMinutes: total('paused') / MINUTE_MS,
    remainingMinutes: Math.max(0, targetMs - elapsedMs) / MINUTE_MS,
    dueAt: breached || phase === 'running' ? (breach?.at ?? null) : null,
    warningAt: warning?.passed || phase === 'running' ? (warning?.at ?? null) : null,
    breachedAt: breached ? breach.at : null,
    metAt: state === 'met' ? lastStop : null,
    // Computed instants go first so that, at a tie, the breach reads before a pause at the same instant (sort is stable).
    explain: [...computed, ...entries].sort((a, b) => a.at.getTime() - b.at.getTime()),
  };
}
