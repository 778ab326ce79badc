import { suite } from '../support/suite.js';
import * as assert from 'uvu/assert';
import { ValidationError } from '../../src/domain/errors.js';
import { addBusinessTime, businessMinutesBetween, validateCalendar, workingIntervals } from '../../src/domain/sla/index.js';
import type { BusinessCalendar, Weekday } from '../../src/domain/sla/index.js';

// Instants are written as local wall time with the offset worked out by hand, and compared as UTC ISO strings.
const iso = (instant: string): string => new Date(instant).toISOString();

type Hours = Array<[string, string]>;
const calendar = (timeZone: string, week: Partial<Record<Weekday, Hours>>, holidays: string[] = []): BusinessCalendar => {
  const day = (weekday: Weekday) => (week[weekday] ?? []).map(([start, end]) => ({ start, end }));
  return { timeZone, holidays, week: { mon: day('mon'), tue: day('tue'), wed: day('wed'), thu: day('thu'), fri: day('fri'), sat: day('sat'), sun: day('sun') } };
};
const weekdays = (timeZone: string, hours: Hours, holidays: string[] = []) => calendar(timeZone, { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours }, holidays);
const everyDay = (timeZone: string) => {
  const hours: Hours = [['00:00', '24:00']];
  return calendar(timeZone, { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours, sat: hours, sun: hours });
};

const office = weekdays('Europe/Berlin', [['09:00', '17:00']]);
const officeNewYork = weekdays('America/New_York', [['09:00', '17:00']]);
const officeWithHoliday = weekdays('Europe/Berlin', [['09:00', '17:00']], ['2026-11-30']);
const issueCalendar = weekdays('Europe/Berlin', [['08:00', '17:00']], ['2026-11-30']);
const lunchBreak = weekdays('Europe/Berlin', [['08:00', '12:00'], ['13:00', '17:00']]);
const berlin24 = everyDay('Europe/Berlin');
const newYork24 = everyDay('America/New_York');
const sundayNight = calendar('Europe/Berlin', { sun: [['02:00', '04:00']] });
const sundayInTheGap = calendar('Europe/Berlin', { sun: [['02:15', '02:45']] });

// 2026: Mon 23 Nov … Fri 27 Nov, Mon 30 Nov, Tue 1 Dec. DST: Berlin 29 Mar / 25 Oct, New York 8 Mar / 1 Nov (all Sundays).
const addCases: Array<{ name: string; calendar: BusinessCalendar; start: string; minutes: number; due: string; how: string }> = [
  { name: 'same day within hours', calendar: office, start: '2026-11-24T10:00+01:00', minutes: 120, due: '2026-11-24T12:00+01:00', how: 'Tue 10:00 + 2h, all inside 09–17' },
  { name: 'overnight', calendar: office, start: '2026-11-24T17:00+01:00', minutes: 120, due: '2026-11-25T11:00+01:00', how: '17:00 is closing time, so counting starts Wed 09:00; + 2h = 11:00' },
  { name: 'before opening', calendar: office, start: '2026-11-24T06:30+01:00', minutes: 60, due: '2026-11-24T10:00+01:00', how: 'nothing counts before 09:00; 09:00 + 1h' },
  { name: 'used up exactly at closing', calendar: office, start: '2026-11-24T09:00+01:00', minutes: 480, due: '2026-11-24T17:00+01:00', how: '8h from 09:00 end at 17:00 that day, not at the next opening' },
  { name: 'weekend skip', calendar: office, start: '2026-11-27T16:00+01:00', minutes: 120, due: '2026-11-30T10:00+01:00', how: 'Fri 16–17 = 1h, Sat/Sun off, Mon 09:00 + 1h' },
  { name: 'holiday skip', calendar: officeWithHoliday, start: '2026-11-27T16:00+01:00', minutes: 120, due: '2026-12-01T10:00+01:00', how: 'Fri 16–17 = 1h, weekend, Mon 30 Nov holiday, Tue 09:00 + 1h' },
  { name: "the issue's P1: Friday 17:55, 8h, Monday holiday", calendar: issueCalendar, start: '2026-11-27T17:55+01:00', minutes: 480, due: '2026-12-01T16:00+01:00', how: 'Fri 17:55 is after 17:00 so nothing counts Friday; weekend; Mon holiday; Tue 08:00 + 8h = 16:00 (not 16:55)' },
  { name: 'two intervals a day, across lunch', calendar: lunchBreak, start: '2026-11-24T11:00+01:00', minutes: 120, due: '2026-11-24T14:00+01:00', how: '11–12 = 1h, lunch 12–13 skipped, 13:00 + 1h' },
  { name: 'starting during lunch', calendar: lunchBreak, start: '2026-11-24T12:30+01:00', minutes: 60, due: '2026-11-24T14:00+01:00', how: 'counting starts at 13:00; + 1h' },
  { name: '24h calendar over Berlin spring forward', calendar: berlin24, start: '2026-03-28T12:00+01:00', minutes: 1440, due: '2026-03-29T13:00+02:00', how: '24 business hours = 24 real hours, 11:00Z → 11:00Z, which is 13:00 CEST after the jump' },
  { name: '24h calendar over New York spring forward', calendar: newYork24, start: '2026-03-07T12:00-05:00', minutes: 1440, due: '2026-03-08T13:00-04:00', how: '17:00Z → 17:00Z, 13:00 EDT after the jump' },
  { name: '24h calendar over Berlin fall back', calendar: berlin24, start: '2026-10-24T12:00+02:00', minutes: 1440, due: '2026-10-25T11:00+01:00', how: '10:00Z → 10:00Z, 11:00 CET after the hour repeats' },
  { name: '24h calendar over New York fall back', calendar: newYork24, start: '2026-10-31T12:00-04:00', minutes: 1440, due: '2026-11-01T11:00-05:00', how: '16:00Z → 16:00Z, 11:00 EST after the hour repeats' },
  { name: '09–17 across Berlin spring forward is still 8h a day', calendar: office, start: '2026-03-27T13:00+01:00', minutes: 480, due: '2026-03-30T13:00+02:00', how: 'Fri 13–17 = 4h; Mon 09:00 CEST + 4h = 13:00 CEST (11:00Z, not 12:00Z)' },
  { name: '09–17 across New York spring forward is still 8h a day', calendar: officeNewYork, start: '2026-03-06T13:00-05:00', minutes: 480, due: '2026-03-09T13:00-04:00', how: 'Fri 13–17 = 4h; Mon 09:00 EDT + 4h = 13:00 EDT' },
  { name: '09–17 across Berlin fall back is still 8h a day', calendar: office, start: '2026-10-23T13:00+02:00', minutes: 480, due: '2026-10-26T13:00+01:00', how: 'Fri 13–17 = 4h; Mon 09:00 CET + 4h = 13:00 CET' },
  { name: 'a long target (10,000 minutes)', calendar: office, start: '2026-11-23T09:00+01:00', minutes: 10_000, due: '2026-12-21T15:40+01:00', how: '10000 = 20 × 480 + 400: four full weeks end Fri 18 Dec 17:00; Mon 21 Dec 09:00 + 6h40' },
  { name: 'zero minutes is the start itself, even out of hours', calendar: office, start: '2026-11-28T12:00+01:00', minutes: 0, due: '2026-11-28T12:00+01:00', how: 'nothing to count' },
  { name: 'half a minute', calendar: office, start: '2026-11-24T10:00+01:00', minutes: 0.5, due: '2026-11-24T10:00:30+01:00', how: '30 seconds inside hours' },
];

const add = suite('sla calendar: adding business time');
for (const row of addCases) {
  add(`${row.name}: ${row.how}`, () => {
    assert.is(addBusinessTime(row.calendar, new Date(row.start), row.minutes).toISOString(), iso(row.due));
  });
}
add('refuses a calendar with no working time instead of looping', () => {
  assert.throws(() => addBusinessTime(calendar('Europe/Berlin', {}), new Date('2026-11-24T10:00Z'), 60), (error: unknown) => error instanceof ValidationError);
});
add('refuses a negative number of minutes', () => {
  assert.throws(() => addBusinessTime(office, new Date('2026-11-24T10:00Z'), -1), (error: unknown) => error instanceof ValidationError);
});
add.run();

const betweenCases: Array<{ name: string; calendar: BusinessCalendar; from: string; to: string; minutes: number; how: string }> = [
  { name: 'Berlin spring-forward day has 23 business hours', calendar: berlin24, from: '2026-03-29T00:00+01:00', to: '2026-03-30T00:00+02:00', minutes: 1380, how: '23:00Z → 22:00Z' },
  { name: 'New York spring-forward day has 23 business hours', calendar: newYork24, from: '2026-03-08T00:00-05:00', to: '2026-03-09T00:00-04:00', minutes: 1380, how: '05:00Z → 04:00Z next day' },
  { name: 'Berlin fall-back day has 25 business hours', calendar: berlin24, from: '2026-10-25T00:00+02:00', to: '2026-10-26T00:00+01:00', minutes: 1500, how: '22:00Z → 23:00Z next day' },
  { name: 'New York fall-back day has 25 business hours', calendar: newYork24, from: '2026-11-01T00:00-04:00', to: '2026-11-02T00:00-05:00', minutes: 1500, how: '04:00Z → 05:00Z next day' },
  { name: 'two 09–17 weeks around Berlin spring forward', calendar: office, from: '2026-03-23T00:00+01:00', to: '2026-04-06T00:00+02:00', minutes: 4800, how: '10 working days × 480, DST or not' },
  { name: 'over a weekend', calendar: office, from: '2026-11-27T16:00+01:00', to: '2026-11-30T10:00+01:00', minutes: 120, how: 'Fri 16–17 + Mon 09–10' },
  { name: "the issue's P1 window", calendar: issueCalendar, from: '2026-11-27T17:55+01:00', to: '2026-12-01T16:00+01:00', minutes: 480, how: 'only Tue 08–16 counts' },
  { name: 'a day with lunch', calendar: lunchBreak, from: '2026-11-24T00:00+01:00', to: '2026-11-25T00:00+01:00', minutes: 480, how: '4h + 4h' },
  { name: 'fractions of a minute', calendar: office, from: '2026-11-24T10:00:30+01:00', to: '2026-11-24T10:01+01:00', minutes: 0.5, how: '30 seconds' },
  { name: 'from after to', calendar: office, from: '2026-11-24T12:00+01:00', to: '2026-11-24T10:00+01:00', minutes: 0, how: 'an empty span' },
];

const between = suite('sla calendar: business minutes between two instants');
for (const row of betweenCases) {
  between(`${row.name}: ${row.how}`, () => {
    assert.is(businessMinutesBetween(row.calendar, new Date(row.from), new Date(row.to)), row.minutes);
  });
}
between.run();

const intervalCases: Array<{ name: string; calendar: BusinessCalendar; from: string; to: string; intervals: Array<[string, string]>; how: string }> = [
  { name: 'clipped to the span asked for', calendar: office, from: '2026-11-24T10:00+01:00', to: '2026-11-24T12:00+01:00', intervals: [['2026-11-24T10:00+01:00', '2026-11-24T12:00+01:00']], how: 'inside 09–17' },
  { name: '09–17 keeps its wall-clock hours across Berlin spring forward', calendar: office, from: '2026-03-27T00:00+01:00', to: '2026-03-31T00:00+02:00', intervals: [['2026-03-27T09:00+01:00', '2026-03-27T17:00+01:00'], ['2026-03-30T09:00+02:00', '2026-03-30T17:00+02:00']], how: 'Fri 08:00Z–16:00Z, Mon 07:00Z–15:00Z' },
  { name: 'a 24h calendar reads as one interval across days', calendar: berlin24, from: '2026-03-28T12:00+01:00', to: '2026-03-30T12:00+02:00', intervals: [['2026-03-28T12:00+01:00', '2026-03-30T12:00+02:00']], how: 'back-to-back days merge' },
  { name: 'an interval starting in the spring-forward gap starts when the clocks jump', calendar: sundayNight, from: '2026-03-29T00:00+01:00', to: '2026-03-30T00:00+02:00', intervals: [['2026-03-29T03:00+02:00', '2026-03-29T04:00+02:00']], how: '02:00 never shows; the clock jumps 02:00 CET → 03:00 CEST at 01:00Z; 1h to 04:00 CEST' },
  { name: 'an interval wholly inside the gap is empty that day', calendar: sundayInTheGap, from: '2026-03-22T00:00+01:00', to: '2026-03-30T00:00+02:00', intervals: [['2026-03-22T02:15+01:00', '2026-03-22T02:45+01:00']], how: 'the Sunday before has its 30 minutes; 29 Mar has none' },
  { name: 'a time shown twice at fall back is taken at its first showing', calendar: sundayNight, from: '2026-10-25T00:00+02:00', to: '2026-10-26T00:00+01:00', intervals: [['2026-10-25T02:00+02:00', '2026-10-25T04:00+01:00']], how: '02:00 CEST = 00:00Z to 04:00 CET = 03:00Z: 3 real hours' },
];

const intervals = suite('sla calendar: working intervals');
for (const row of intervalCases) {
  intervals(`${row.name}: ${row.how}`, () => {
    const actual = workingIntervals(row.calendar, new Date(row.from), new Date(row.to)).map(({ start, end }) => [start.toISOString(), end.toISOString()]);
    assert.equal(actual, row.intervals.map(([start, end]) => [iso(start), iso(end)]));
  });
}
intervals('refuses an unknown time zone', () => {
  assert.throws(() => workingIntervals(weekdays('Mars/Olympus_Mons', [['09:00', '17:00']]), new Date('2026-11-24T00:00Z'), new Date('2026-11-25T00:00Z')), (error: unknown) => error instanceof ValidationError);
});
intervals.run();

const validationCases: Array<{ name: string; calendar: BusinessCalendar; problems: string[]; how: string }> = [
  { name: 'a sound calendar', calendar: calendar('Europe/Berlin', { mon: [['08:00', '12:00'], ['12:00', '24:00']] }, ['2026-12-24']), problems: [], how: 'touching intervals and 24:00 as an end are fine' },
  { name: 'an unknown zone', calendar: weekdays('Mars/Olympus_Mons', [['09:00', '17:00']]), problems: ['timeZone: "Mars/Olympus_Mons" is not a known IANA time zone'], how: 'Luxon does not know it' },
  { name: 'overlapping intervals', calendar: calendar('Europe/Berlin', { mon: [['09:00', '12:00'], ['11:00', '13:00']] }), problems: ['week.mon[1]: starts at 11:00, overlapping the interval ahead of it, which ends at 12:00'], how: '11:00 < 12:00' },
  { name: 'unordered intervals', calendar: calendar('Europe/Berlin', { mon: [['13:00', '17:00'], ['08:00', '12:00']] }), problems: ['week.mon[1]: starts at 08:00, before the interval listed ahead of it (13:00); list intervals in order'], how: '08:00 < 13:00' },
  {
    name: 'bad times',
    calendar: calendar('Europe/Berlin', { mon: [['09:00', '17:00']], tue: [['9:00', '17:00'], ['24:00', '25:00']] }),
    problems: ['week.tue[0].start: "9:00" is not a time between 00:00 and 23:59', 'week.tue[1].start: "24:00" is not a time between 00:00 and 23:59', 'week.tue[1].end: "25:00" is not a time between 00:00 and 24:00'],
    how: 'HH:mm needs two digits; 24:00 may only end a day',
  },
  { name: 'an interval ending before it starts', calendar: calendar('Europe/Berlin', { mon: [['09:00', '17:00']], wed: [['17:00', '09:00']] }), problems: ['week.wed[0]: ends at 09:00, which is not after its start 17:00'], how: 'overnight shifts are two intervals on two days' },
  {
    name: 'bad holiday dates',
    calendar: weekdays('Europe/Berlin', [['09:00', '17:00']], ['2026-02-30', '2026/12/01', '2026-12-24']),
    problems: ['holidays[0]: "2026-02-30" is not a date YYYY-MM-DD', 'holidays[1]: "2026/12/01" is not a date YYYY-MM-DD'],
    how: 'no 30 February; slashes are not ISO',
  },
  { name: 'no working time at all', calendar: calendar('Europe/Berlin', {}), problems: ['week: there is no working time on any day'], how: 'every day empty' },
];

const validation = suite('sla calendar: validation');
for (const row of validationCases) {
  validation(`${row.name}: ${row.how}`, () => {
    assert.equal(validateCalendar(row.calendar), row.problems);
  });
}
validation.run();
