import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { ConcurrencyError, IllegalStateError, ValidationError } from '../../src/domain/errors.js';
import type { BusinessCalendar, BusinessCalendarEvent, CalendarDefinition } from '../../src/domain/sla/index.js';
import { businessCalendarDecider } from '../../src/domain/sla/index.js';
import { deciderSpec } from '../support/decider-spec.js';

const now = new Date('2026-11-25T10:00:00.000Z');
const at = now.toISOString();
const tenantId = '7f1c2d6e-0000-4000-8000-000000000001';
const calendarId = '7f1c2d6e-0000-4000-8000-0000000000a1';
const policyId = '7f1c2d6e-0000-4000-8000-0000000000b1';

const office = [{ start: '08:00', end: '17:00' }];
const berlin: CalendarDefinition = { timeZone: 'Europe/Berlin', week: { mon: office, tue: office, wed: office, thu: office, fri: office, sat: [], sun: [] }, holidays: ['2026-10-03', '2026-12-25'] };
const longFridays: CalendarDefinition = { ...berlin, week: { ...berlin.week, fri: [{ start: '08:00', end: '19:00' }] } };

const defined: BusinessCalendarEvent = { type: 'CalendarDefined', data: { calendarId, tenantId, name: 'Berlin office', calendar: berlin, version: 1, at } };
const revised: BusinessCalendarEvent = { type: 'CalendarRevised', data: { name: 'Berlin office', calendar: longFridays, version: 2, at } };
const retired: BusinessCalendarEvent = { type: 'CalendarRetired', data: { at } };

const test = suite('business calendar');
const calendars = deciderSpec(businessCalendarDecider);
const define = (calendar: BusinessCalendar, name = 'Berlin office') => calendars.given([]).when({ type: 'DefineCalendar', calendarId, tenantId, name, calendar, now });

test('defines a calendar as version 1, holidays as a sorted set', () => {
  define({ ...berlin, holidays: ['2026-12-25', '2026-10-03', '2026-12-25'] }, '  Berlin office ').then([defined]);
});

test('rejects an unusable calendar, naming each problem by its path under /calendar', () => {
  const error = define({
    timeZone: 'Mars/Olympus_Mons',
    week: { ...berlin.week, mon: [{ start: '17:00', end: '08:00' }], tue: [{ start: '8am', end: '17:00' }] },
    holidays: ['2026-02-30'],
  }).thenThrows(ValidationError) as ValidationError;
  assert.equal(
    error.errors.map((problem) => problem.path),
    ['/calendar/timeZone', '/calendar/week/mon/0', '/calendar/week/tue/0/start', '/calendar/holidays/0'],
  );
  const idle = define({ ...berlin, week: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] } }).thenThrows(ValidationError) as ValidationError;
  assert.equal(idle.errors, [{ path: '/calendar/week', message: 'there is no working time on any day' }]);
});

test('rejects an empty name, and defining twice', () => {
  define(berlin, '   ').thenThrows(ValidationError, /name/);
  calendars.given([defined]).when({ type: 'DefineCalendar', calendarId, tenantId, name: 'Again', calendar: berlin, now }).thenThrows(IllegalStateError);
});

test('a revision is the next version, and the versions before it stay as they were', () => {
  calendars.given([defined]).when({ type: 'ReviseCalendar', calendar: longFridays, now }).then([revised]);
  const state = [defined, revised].reduce(businessCalendarDecider.evolve, businessCalendarDecider.initialState());
  assert.ok(state.status === 'active');
  assert.is(state.version, 2);
  assert.equal(state.versions[1], berlin);
  assert.equal(state.versions[2], longFridays);
});

test('a renaming is a revision too; restating the current definition records nothing', () => {
  calendars.given([defined]).when({ type: 'ReviseCalendar', name: 'Berlin HQ', now }).then([{ type: 'CalendarRevised', data: { name: 'Berlin HQ', calendar: berlin, version: 2, at } }]);
  calendars.given([defined]).when({ type: 'ReviseCalendar', name: 'Berlin office', calendar: { ...berlin, holidays: ['2026-12-25', '2026-10-03'] }, now }).then([]);
});

test('a revision of a superseded version is refused as stale', () => {
  const stale = calendars.given([defined, revised]).when({ type: 'ReviseCalendar', name: 'Late edit', basedOn: 1, now }).thenThrows(ConcurrencyError) as ConcurrencyError;
  assert.is(stale.currentVersion, 2);
  calendars.given([defined, revised]).when({ type: 'ReviseCalendar', name: 'Berlin HQ', basedOn: 2, now }).then([{ type: 'CalendarRevised', data: { name: 'Berlin HQ', calendar: longFridays, version: 3, at } }]);
  calendars.given([defined, revised]).when({ type: 'RetireCalendar', usedByPolicyIds: [], basedOn: 1, now }).thenThrows(ConcurrencyError);
});

test('an invalid revision is refused like an invalid definition', () => {
  calendars.given([defined]).when({ type: 'ReviseCalendar', calendar: { ...berlin, timeZone: 'Berlin' }, now }).thenThrows(ValidationError, /calendar/);
});

test('retires once, and not while policies in force count in it', () => {
  calendars.given([defined]).when({ type: 'RetireCalendar', usedByPolicyIds: [], now }).then([retired]);
  calendars.given([defined, retired]).when({ type: 'RetireCalendar', usedByPolicyIds: [], now }).then([]);
  const inUse = calendars.given([defined]).when({ type: 'RetireCalendar', usedByPolicyIds: [policyId], now }).thenThrows(IllegalStateError, /policies/) as IllegalStateError;
  assert.equal(inUse.details, { policyIds: [policyId] });
});

test('a retired calendar is not revised; one that does not exist is not changed', () => {
  calendars.given([defined, retired]).when({ type: 'ReviseCalendar', name: 'Revived', now }).thenThrows(IllegalStateError, /retired/);
  calendars.given([]).when({ type: 'ReviseCalendar', name: 'Ghost', now }).thenThrows(IllegalStateError, /does not exist/);
  calendars.given([]).when({ type: 'RetireCalendar', usedByPolicyIds: [], now }).thenThrows(IllegalStateError, /does not exist/);
});

test.run();
