import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { ValidationError } from '../../src/domain/errors.js';
import { evaluateClock } from '../../src/domain/sla/index.js';
import type { BusinessCalendar, ClockEvaluation, ClockInput, ClockPhase, ClockSegment, ClockSegmentKind, ClockState, ExplainKind, Weekday } from '../../src/domain/sla/index.js';

// Instants are written as local wall time with the offset worked out by hand, and compared as UTC ISO strings.
const iso = (instant: string): string => new Date(instant).toISOString();
const isoOrNull = (instant: string | null): string | null => (instant === null ? null : iso(instant));

const calendar = (timeZone: string, days: readonly Weekday[], hours: Array<[string, string]>, holidays: string[] = []): BusinessCalendar => {
  const day = (weekday: Weekday) => (days.includes(weekday) ? hours.map(([start, end]) => ({ start, end })) : []);
  return { timeZone, holidays, week: { mon: day('mon'), tue: day('tue'), wed: day('wed'), thu: day('thu'), fri: day('fri'), sat: day('sat'), sun: day('sun') } };
};
const workdays: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];
const office = calendar('Europe/Berlin', workdays, [['09:00', '17:00']]);
const issueCalendar = calendar('Europe/Berlin', workdays, [['08:00', '17:00']], ['2026-11-30']);
const berlin24 = calendar('Europe/Berlin', [...workdays, 'sat', 'sun'], [['00:00', '24:00']]);

const segments = (steps: Array<[ClockSegmentKind, string]>): ClockSegment[] =>
  steps.map(([kind, at], index) => ({ kind, at: new Date(at), ref: { revision: index + 1, at: iso(at) } }));

interface Expected {
  state: ClockState;
  phase: ClockPhase;
  elapsed: number;
  paused: number;
  remaining: number;
  due: string | null;
  warning: string | null;
  breached: string | null;
  met: string | null;
  explain: Array<[ExplainKind, string]>;
}

interface Row {
  name: string;
  how: string;
  calendar?: BusinessCalendar;
  target: number;
  share?: number;
  steps: Array<[ClockSegmentKind, string]>;
  now: string;
  expected: Expected;
}

const view = (clock: ClockEvaluation): Expected => ({
  state: clock.state,
  phase: clock.phase,
  elapsed: clock.elapsedMinutes,
  paused: clock.pausedMinutes,
  remaining: clock.remainingMinutes,
  due: clock.dueAt?.toISOString() ?? null,
  warning: clock.warningAt?.toISOString() ?? null,
  breached: clock.breachedAt?.toISOString() ?? null,
  met: clock.metAt?.toISOString() ?? null,
  explain: clock.explain.map(({ kind, at }) => [kind, at.toISOString()]),
});

// Office: Europe/Berlin, Mon–Fri 09:00–17:00, winter (+01:00). Tue 24 Nov, Wed 25 Nov, Fri 27 Nov, Mon 30 Nov 2026.
// Default warning share 0.8: of 480 min that is 384 min (6h24), of 120 min 96 min (1h36), of 60 min 48 min.
const rows: Row[] = [
  {
    name: 'not started', how: 'no start segment, nothing counts',
    target: 480, steps: [], now: '2026-11-24T10:00+01:00',
    expected: { state: 'not_started', phase: 'not_started', elapsed: 0, paused: 0, remaining: 480, due: null, warning: null, breached: null, met: null, explain: [] },
  },
  {
    name: 'running within the day', how: '09–11 = 120 used; due 09:00 + 8h = 17:00; warning 09:00 + 6h24',
    target: 480, steps: [['start', '2026-11-24T09:00+01:00']], now: '2026-11-24T11:00+01:00',
    expected: { state: 'running', phase: 'running', elapsed: 120, paused: 0, remaining: 360, due: '2026-11-24T17:00+01:00', warning: '2026-11-24T15:24+01:00', breached: null, met: null, explain: [['started', '2026-11-24T09:00+01:00']] },
  },
  {
    name: 'warning at 80% has passed', how: '09–16 = 420 ≥ 384; the warning entry sits at 15:24',
    target: 480, steps: [['start', '2026-11-24T09:00+01:00']], now: '2026-11-24T16:00+01:00',
    expected: { state: 'running', phase: 'running', elapsed: 420, paused: 0, remaining: 60, due: '2026-11-24T17:00+01:00', warning: '2026-11-24T15:24+01:00', breached: null, met: null, explain: [['started', '2026-11-24T09:00+01:00'], ['warning', '2026-11-24T15:24+01:00']] },
  },
  {
    name: 'a configured warning share', how: '50% of 480 = 240: 09:00 + 4h = 13:00',
    target: 480, share: 0.5, steps: [['start', '2026-11-24T09:00+01:00']], now: '2026-11-24T10:00+01:00',
    expected: { state: 'running', phase: 'running', elapsed: 60, paused: 0, remaining: 420, due: '2026-11-24T17:00+01:00', warning: '2026-11-24T13:00+01:00', breached: null, met: null, explain: [['started', '2026-11-24T09:00+01:00']] },
  },
  {
    name: 'started at closing time runs overnight', how: 'nothing counts after 17:00; Wed 09:00 + 2h = 11:00, warning + 1h36 = 10:36',
    target: 120, steps: [['start', '2026-11-24T17:00+01:00']], now: '2026-11-24T18:00+01:00',
    expected: { state: 'running', phase: 'running', elapsed: 0, paused: 0, remaining: 120, due: '2026-11-25T11:00+01:00', warning: '2026-11-25T10:36+01:00', breached: null, met: null, explain: [['started', '2026-11-24T17:00+01:00']] },
  },
  {
    name: "the issue's P1 created Friday 17:55", how: 'Mon–Fri 08–17, Mon 30 Nov holiday: Tue 08:00 + 8h = 16:00; warning 08:00 + 6h24 = 14:24',
    calendar: issueCalendar, target: 480, steps: [['start', '2026-11-27T17:55+01:00']], now: '2026-11-27T18:00+01:00',
    expected: { state: 'running', phase: 'running', elapsed: 0, paused: 0, remaining: 480, due: '2026-12-01T16:00+01:00', warning: '2026-12-01T14:24+01:00', breached: null, met: null, explain: [['started', '2026-11-27T17:55+01:00']] },
  },
  {
    name: 'pause and resume move the due time by the paused amount', how: 'used 09–10 + 12–13 = 120, paused 10–12 = 120; 360 left from 13:00: 4h today + Wed 09–11; warning 264 left → Wed 09:24',
    target: 480, steps: [['start', '2026-11-24T09:00+01:00'], ['pause', '2026-11-24T10:00+01:00'], ['resume', '2026-11-24T12:00+01:00']], now: '2026-11-24T13:00+01:00',
    expected: { state: 'running', phase: 'running', elapsed: 120, paused: 120, remaining: 360, due: '2026-11-25T11:00+01:00', warning: '2026-11-25T09:24+01:00', breached: null, met: null, explain: [['started', '2026-11-24T09:00+01:00'], ['paused', '2026-11-24T10:00+01:00'], ['resumed', '2026-11-24T12:00+01:00']] },
  },
  {
    name: 'a paused clock has no due time', how: 'used 09–10 = 60, paused 10–15 = 300; nothing is due while paused',
    target: 480, steps: [['start', '2026-11-24T09:00+01:00'], ['pause', '2026-11-24T10:00+01:00']], now: '2026-11-24T15:00+01:00',
    expected: { state: 'paused', phase: 'paused', elapsed: 60, paused: 300, remaining: 420, due: null, warning: null, breached: null, met: null, explain: [['started', '2026-11-24T09:00+01:00'], ['paused', '2026-11-24T10:00+01:00']] },
  },
  {
    name: 'a pause across a weekend counts only business minutes as paused', how: 'used Fri 09–15 + Mon 10–11 = 420; paused Fri 15–17 + Mon 09–10 = 180; 540 left: Mon 11–17 + Tue 09–12; warning 768 − 420 = 348 → Mon 16:48',
    target: 960, steps: [['start', '2026-11-27T09:00+01:00'], ['pause', '2026-11-27T15:00+01:00'], ['resume', '2026-11-30T10:00+01:00']], now: '2026-11-30T11:00+01:00',
    expected: { state: 'running', phase: 'running', elapsed: 420, paused: 180, remaining: 540, due: '2026-12-01T12:00+01:00', warning: '2026-11-30T16:48+01:00', breached: null, met: null, explain: [['started', '2026-11-27T09:00+01:00'], ['paused', '2026-11-27T15:00+01:00'], ['resumed', '2026-11-30T10:00+01:00']] },
  },
  {
    name: 'stopped in time is met', how: '09–11 = 120 < 480 when stopped',
    target: 480, steps: [['start', '2026-11-24T09:00+01:00'], ['stop', '2026-11-24T11:00+01:00']], now: '2026-11-25T12:00+01:00',
    expected: { state: 'met', phase: 'stopped', elapsed: 120, paused: 0, remaining: 360, due: null, warning: null, breached: null, met: '2026-11-24T11:00+01:00', explain: [['started', '2026-11-24T09:00+01:00'], ['stopped', '2026-11-24T11:00+01:00']] },
  },
  {
    name: 'a reopen continues the same clock from its elapsed time', how: 'Tue 09–11 = 120, stopped until Wed 10:00 (uncounted), Wed 10–12 = 120; 240 left → Wed 16:00; warning 144 left → 14:24',
    target: 480, steps: [['start', '2026-11-24T09:00+01:00'], ['stop', '2026-11-24T11:00+01:00'], ['restart', '2026-11-25T10:00+01:00']], now: '2026-11-25T12:00+01:00',
    expected: { state: 'running', phase: 'running', elapsed: 240, paused: 0, remaining: 240, due: '2026-11-25T16:00+01:00', warning: '2026-11-25T14:24+01:00', breached: null, met: null, explain: [['started', '2026-11-24T09:00+01:00'], ['stopped', '2026-11-24T11:00+01:00'], ['restarted', '2026-11-25T10:00+01:00']] },
  },
  {
    name: 'a reopen that runs past the target breaches', how: 'target 180: Tue 09–11 = 120, reopened Wed 09:00, 60 more → 10:00; warning 144 → Wed 09:24',
    target: 180, steps: [['start', '2026-11-24T09:00+01:00'], ['stop', '2026-11-24T11:00+01:00'], ['restart', '2026-11-25T09:00+01:00']], now: '2026-11-25T12:00+01:00',
    expected: { state: 'breached', phase: 'running', elapsed: 300, paused: 0, remaining: 0, due: '2026-11-25T10:00+01:00', warning: '2026-11-25T09:24+01:00', breached: '2026-11-25T10:00+01:00', met: null, explain: [['started', '2026-11-24T09:00+01:00'], ['stopped', '2026-11-24T11:00+01:00'], ['restarted', '2026-11-25T09:00+01:00'], ['warning', '2026-11-25T09:24+01:00'], ['breach', '2026-11-25T10:00+01:00']] },
  },
  {
    name: 'breached before the stop stays breached', how: 'target 120 from 09:00 → 11:00; stopped 12:00; warning 09:00 + 1h36',
    target: 120, steps: [['start', '2026-11-24T09:00+01:00'], ['stop', '2026-11-24T12:00+01:00']], now: '2026-11-25T12:00+01:00',
    expected: { state: 'breached', phase: 'stopped', elapsed: 180, paused: 0, remaining: 0, due: '2026-11-24T11:00+01:00', warning: '2026-11-24T10:36+01:00', breached: '2026-11-24T11:00+01:00', met: null, explain: [['started', '2026-11-24T09:00+01:00'], ['warning', '2026-11-24T10:36+01:00'], ['breach', '2026-11-24T11:00+01:00'], ['stopped', '2026-11-24T12:00+01:00']] },
  },
  {
    name: 'stopped out of hours after the due time is breached', how: 'target 120 from 15:00 → due 17:00; elapsed stays 120 after 17:00 but the ticket stayed open until 18:00',
    target: 120, steps: [['start', '2026-11-24T15:00+01:00'], ['stop', '2026-11-24T18:00+01:00']], now: '2026-11-25T12:00+01:00',
    expected: { state: 'breached', phase: 'stopped', elapsed: 120, paused: 0, remaining: 0, due: '2026-11-24T17:00+01:00', warning: '2026-11-24T16:36+01:00', breached: '2026-11-24T17:00+01:00', met: null, explain: [['started', '2026-11-24T15:00+01:00'], ['warning', '2026-11-24T16:36+01:00'], ['breach', '2026-11-24T17:00+01:00'], ['stopped', '2026-11-24T18:00+01:00']] },
  },
  {
    name: 'stopped exactly at the due time is met', how: 'target 120 from 15:00 → 17:00, stopped 17:00; the warning at 16:36 had passed',
    target: 120, steps: [['start', '2026-11-24T15:00+01:00'], ['stop', '2026-11-24T17:00+01:00']], now: '2026-11-25T12:00+01:00',
    expected: { state: 'met', phase: 'stopped', elapsed: 120, paused: 0, remaining: 0, due: null, warning: '2026-11-24T16:36+01:00', breached: null, met: '2026-11-24T17:00+01:00', explain: [['started', '2026-11-24T15:00+01:00'], ['warning', '2026-11-24T16:36+01:00'], ['stopped', '2026-11-24T17:00+01:00']] },
  },
  {
    name: 'still running past the target is breached', how: 'target 60 from 09:00 → 10:00; warning 09:48; 120 used by 11:00',
    target: 60, steps: [['start', '2026-11-24T09:00+01:00']], now: '2026-11-24T11:00+01:00',
    expected: { state: 'breached', phase: 'running', elapsed: 120, paused: 0, remaining: 0, due: '2026-11-24T10:00+01:00', warning: '2026-11-24T09:48+01:00', breached: '2026-11-24T10:00+01:00', met: null, explain: [['started', '2026-11-24T09:00+01:00'], ['warning', '2026-11-24T09:48+01:00'], ['breach', '2026-11-24T10:00+01:00']] },
  },
  {
    name: 'a stop while paused stops it', how: 'used 09–10 = 60, paused 10–11 = 60, stopped 11:00; nothing after counts',
    target: 480, steps: [['start', '2026-11-24T09:00+01:00'], ['pause', '2026-11-24T10:00+01:00'], ['stop', '2026-11-24T11:00+01:00']], now: '2026-11-24T12:00+01:00',
    expected: { state: 'met', phase: 'stopped', elapsed: 60, paused: 60, remaining: 420, due: null, warning: null, breached: null, met: '2026-11-24T11:00+01:00', explain: [['started', '2026-11-24T09:00+01:00'], ['paused', '2026-11-24T10:00+01:00'], ['stopped', '2026-11-24T11:00+01:00']] },
  },
  {
    name: 'paused exactly as the target is used up is not yet breached', how: 'target 60 used 09–10, paused at 10:00: 0 left, but the clock has not run past it',
    target: 60, steps: [['start', '2026-11-24T09:00+01:00'], ['pause', '2026-11-24T10:00+01:00']], now: '2026-11-24T12:00+01:00',
    expected: { state: 'paused', phase: 'paused', elapsed: 60, paused: 120, remaining: 0, due: null, warning: '2026-11-24T09:48+01:00', breached: null, met: null, explain: [['started', '2026-11-24T09:00+01:00'], ['warning', '2026-11-24T09:48+01:00'], ['paused', '2026-11-24T10:00+01:00']] },
  },
  {
    name: 'resuming after that pause breaches at the instant the target was used up', how: 'as above, resumed 11:00: the target was reached at 10:00; the breach entry reads before the pause at the same instant',
    target: 60, steps: [['start', '2026-11-24T09:00+01:00'], ['pause', '2026-11-24T10:00+01:00'], ['resume', '2026-11-24T11:00+01:00']], now: '2026-11-24T12:00+01:00',
    expected: { state: 'breached', phase: 'running', elapsed: 120, paused: 60, remaining: 0, due: '2026-11-24T10:00+01:00', warning: '2026-11-24T09:48+01:00', breached: '2026-11-24T10:00+01:00', met: null, explain: [['started', '2026-11-24T09:00+01:00'], ['warning', '2026-11-24T09:48+01:00'], ['breach', '2026-11-24T10:00+01:00'], ['paused', '2026-11-24T10:00+01:00'], ['resumed', '2026-11-24T11:00+01:00']] },
  },
  {
    name: 'a 24h clock over Berlin spring forward', how: '1440 min = 24 real hours from 11:00Z → Sun 11:00Z = 13:00 CEST; warning 1152 min = 19h12 → 06:12Z = 08:12 CEST',
    calendar: berlin24, target: 1440, steps: [['start', '2026-03-28T12:00+01:00']], now: '2026-03-28T13:00+01:00',
    expected: { state: 'running', phase: 'running', elapsed: 60, paused: 0, remaining: 1380, due: '2026-03-29T13:00+02:00', warning: '2026-03-29T08:12+02:00', breached: null, met: null, explain: [['started', '2026-03-28T12:00+01:00']] },
  },
  {
    name: 'segments after now are ignored', how: 'the 12:00 stop has not happened at 11:00, so this reads like "running within the day"',
    target: 480, steps: [['start', '2026-11-24T09:00+01:00'], ['stop', '2026-11-24T12:00+01:00']], now: '2026-11-24T11:00+01:00',
    expected: { state: 'running', phase: 'running', elapsed: 120, paused: 0, remaining: 360, due: '2026-11-24T17:00+01:00', warning: '2026-11-24T15:24+01:00', breached: null, met: null, explain: [['started', '2026-11-24T09:00+01:00']] },
  },
  {
    name: 'repeated segments are ignored', how: 'second pause, second resume and second start change nothing: used 09–10 + 11–13 = 180, paused 10–11; 300 left → Wed 10:00; warning 204 left → 16:24',
    target: 480,
    steps: [['start', '2026-11-24T09:00+01:00'], ['pause', '2026-11-24T10:00+01:00'], ['pause', '2026-11-24T10:30+01:00'], ['resume', '2026-11-24T11:00+01:00'], ['resume', '2026-11-24T11:30+01:00'], ['start', '2026-11-24T12:00+01:00']],
    now: '2026-11-24T13:00+01:00',
    expected: { state: 'running', phase: 'running', elapsed: 180, paused: 60, remaining: 300, due: '2026-11-25T10:00+01:00', warning: '2026-11-24T16:24+01:00', breached: null, met: null, explain: [['started', '2026-11-24T09:00+01:00'], ['paused', '2026-11-24T10:00+01:00'], ['resumed', '2026-11-24T11:00+01:00']] },
  },
];

const input = (row: Row): ClockInput => ({ calendar: row.calendar ?? office, targetMinutes: row.target, segments: segments(row.steps), now: new Date(row.now), ...(row.share === undefined ? {} : { warningShare: row.share }) });

const clock = suite('sla clock');
for (const row of rows) {
  clock(`${row.name}: ${row.how}`, () => {
    const { expected } = row;
    assert.equal(view(evaluateClock(input(row))), {
      ...expected,
      due: isoOrNull(expected.due),
      warning: isoOrNull(expected.warning),
      breached: isoOrNull(expected.breached),
      met: isoOrNull(expected.met),
      explain: expected.explain.map(([kind, at]) => [kind, iso(at)]),
    });
  });
}

clock('carries each segment provenance into explain and leaves computed entries without one', () => {
  const timeline = segments([['start', '2026-11-24T09:00+01:00'], ['stop', '2026-11-24T12:00+01:00']]);
  const result = evaluateClock({ calendar: office, targetMinutes: 60, segments: timeline, now: new Date('2026-11-24T13:00+01:00') });
  assert.equal(result.explain.map((entry) => entry.ref ?? null), [timeline[0]?.ref, null, null, timeline[1]?.ref]);
});

const refusals: Array<{ name: string; input: ClockInput; path: string }> = [
  { name: 'a target of zero', input: { calendar: office, targetMinutes: 0, segments: [], now: new Date('2026-11-24T10:00Z') }, path: '/targetMinutes' },
  { name: 'a warning share of 1', input: { calendar: office, targetMinutes: 60, warningShare: 1, segments: [], now: new Date('2026-11-24T10:00Z') }, path: '/warningShare' },
  { name: 'segments out of time order', input: { calendar: office, targetMinutes: 60, segments: segments([['start', '2026-11-24T10:00Z'], ['stop', '2026-11-24T09:00Z']]), now: new Date('2026-11-24T11:00Z') }, path: '/segments/1' },
  { name: 'an unusable calendar', input: { calendar: calendar('Europe/Berlin', [], []), targetMinutes: 60, segments: [], now: new Date('2026-11-24T10:00Z') }, path: '/calendar' },
];
for (const row of refusals) {
  clock(`refuses ${row.name}`, () => {
    try {
      evaluateClock(row.input);
    } catch (error) {
      assert.instance(error, ValidationError);
      assert.equal((error as ValidationError).errors.map((field) => field.path), [row.path]);
      return;
    }
    assert.unreachable('expected the clock to be refused');
  });
}

clock.run();
