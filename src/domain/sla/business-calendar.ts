import type { DomainEvent } from '../decider.js';
import { ConcurrencyError, IllegalStateError, ValidationError } from '../errors.js';
import type { FieldError } from '../errors.js';
import type { BusinessCalendar, Weekday } from './calendar.js';
import { WEEKDAYS, validateCalendar } from './calendar.js';
import { requireName, stableJson } from './fields.js';

/**
 * A tenant's business calendar as an aggregate. Every definition is a numbered version (1, 2, …)
 * and earlier versions stay readable: a ticket records the version its clocks were started under,
 * so revising the calendar changes what new tickets get and never what running clocks counted.
 */

/** A calendar as events and read models carry it: plain JSON, all seven days listed. */
export type CalendarDefinition = {
  timeZone: string;
  week: { [Day in Weekday]: Array<{ start: string; end: string }> };
  holidays: string[];
};

export type CalendarDefined = DomainEvent<'CalendarDefined', { calendarId: string; tenantId: string; name: string; calendar: CalendarDefinition; version: number; at: string }>;
export type CalendarRevised = DomainEvent<'CalendarRevised', { name: string; calendar: CalendarDefinition; version: number; at: string }>;
export type CalendarRetired = DomainEvent<'CalendarRetired', { at: string }>;
export type BusinessCalendarEvent = CalendarDefined | CalendarRevised | CalendarRetired;

export type DefineCalendar = { type: 'DefineCalendar'; calendarId: string; tenantId: string; name: string; calendar: BusinessCalendar; now: Date };
/** `basedOn` is the version the admin edited; a revision of a version since superseded is refused. */
export type ReviseCalendar = { type: 'ReviseCalendar'; name?: string; calendar?: BusinessCalendar; basedOn?: number; now: Date };
/**
 * Retired rather than deleted: tickets keep evaluating their clocks under the versions they
 * recorded. `usedByPolicyIds` are the policies still in force that name it, looked up by the caller.
 */
export type RetireCalendar = { type: 'RetireCalendar'; usedByPolicyIds: readonly string[]; basedOn?: number; now: Date };
export type BusinessCalendarCommand = DefineCalendar | ReviseCalendar | RetireCalendar;

export type BusinessCalendarState =
  | { readonly status: 'none' }
  | {
      readonly status: 'active' | 'retired';
      readonly id: string;
      readonly tenantId: string;
      readonly name: string;
      /** The number of definitions so far; the current one is `versions[version]`. */
      readonly version: number;
      readonly versions: Readonly<Record<number, CalendarDefinition>>;
    };
export type ExistingBusinessCalendar = Exclude<BusinessCalendarState, { status: 'none' }>;

export const businessCalendarStream = (calendarId: string): string => `businesscalendar-${calendarId}`;

export function initialState(): BusinessCalendarState {
  return { status: 'none' };
}

export function evolve(state: BusinessCalendarState, event: BusinessCalendarEvent): BusinessCalendarState {
  if (event.type === 'CalendarDefined') {
    const d = event.data;
    return { status: 'active', id: d.calendarId, tenantId: d.tenantId, name: d.name, version: d.version, versions: { [d.version]: d.calendar } };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'CalendarRevised': {
      const { name, calendar, version } = event.data;
      return { ...state, name, version, versions: { ...state.versions, [version]: calendar } };
    }
    case 'CalendarRetired':
      return { ...state, status: 'retired' };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

export function decide(command: BusinessCalendarCommand, state: BusinessCalendarState): BusinessCalendarEvent[] {
  if (command.type === 'DefineCalendar') return define(command, state);
  if (state.status === 'none') throw new IllegalStateError('the business calendar does not exist');
  requireCurrentVersion(command.basedOn, state.version);
  switch (command.type) {
    case 'ReviseCalendar':
      return revise(command, state);
    case 'RetireCalendar':
      return retire(command, state);
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function define(command: DefineCalendar, state: BusinessCalendarState): BusinessCalendarEvent[] {
  if (state.status !== 'none') throw new IllegalStateError('the business calendar already exists');
  const name = requireName(command.name);
  const calendar = requireCalendar(command.calendar);
  return [{ type: 'CalendarDefined', data: { calendarId: command.calendarId, tenantId: command.tenantId, name, calendar, version: 1, at: command.now.toISOString() } }];
}

function revise(command: ReviseCalendar, state: ExistingBusinessCalendar): BusinessCalendarEvent[] {
  if (state.status === 'retired') throw new IllegalStateError('a retired business calendar cannot be revised');
  const current = currentCalendar(state);
  const name = command.name === undefined ? state.name : requireName(command.name);
  const calendar = command.calendar === undefined ? current : requireCalendar(command.calendar);
  if (name === state.name && stableJson(calendar) === stableJson(current)) return [];
  return [{ type: 'CalendarRevised', data: { name, calendar, version: state.version + 1, at: command.now.toISOString() } }];
}

function retire(command: RetireCalendar, state: ExistingBusinessCalendar): BusinessCalendarEvent[] {
  if (state.status === 'retired') return [];
  // A policy in force on a retired calendar could no longer be revised without choosing another one.
  if (command.usedByPolicyIds.length > 0) {
    throw new IllegalStateError('the business calendar is used by SLA policies in force; move or retire them first', { policyIds: [...command.usedByPolicyIds] });
  }
  return [{ type: 'CalendarRetired', data: { at: command.now.toISOString() } }];
}

export function currentCalendar(state: ExistingBusinessCalendar): CalendarDefinition {
  const current = state.versions[state.version];
  // Every version evolve counts is stored with it; a gap means the stream was written by something else.
  if (!current) throw new IllegalStateError(`business calendar ${state.id} has no definition for its version ${state.version}`);
  return current;
}

/** A stale If-Match: someone else's revision came in between. */
export function requireCurrentVersion(basedOn: number | undefined, version: number): void {
  if (basedOn !== undefined && basedOn !== version) throw new ConcurrencyError(`version ${basedOn} is stale; the current version is ${version}`, version);
}

/** Validates, then copies into the stored shape; holidays sorted and without repeats, since they are a set. */
function requireCalendar(calendar: BusinessCalendar): CalendarDefinition {
  const errors = calendarProblems(calendar);
  if (errors.length > 0) throw new ValidationError('invalid business calendar', errors);
  const week = Object.fromEntries(WEEKDAYS.map((day) => [day, calendar.week[day].map(({ start, end }) => ({ start, end }))])) as CalendarDefinition['week'];
  return { timeZone: calendar.timeZone, week, holidays: [...new Set(calendar.holidays)].sort() };
}

const PROBLEM = /^([A-Za-z]+(?:\.[A-Za-z]+|\[\d+\])*): ([\s\S]*)$/;

/** validateCalendar's problems as field errors: `week.mon[0].start: …` → `/calendar/week/mon/0/start`. */
export function calendarProblems(calendar: BusinessCalendar): FieldError[] {
  return validateCalendar(calendar).map((problem) => {
    const match = PROBLEM.exec(problem);
    if (!match) return { path: '/calendar', message: problem };
    const segments = match[1]!.replace(/\[(\d+)\]/g, '.$1').split('.');
    return { path: `/calendar/${segments.join('/')}`, message: match[2]! };
  });
}

export const businessCalendarDecider = { initialState, evolve, decide };
