import { call } from './api.js';
import { bearer, expectStatus, uniqueSuffix } from './identity-fixtures.js';

/** Business calendars and SLA policies set up over the real HTTP API by an admin. */

export interface SlaEntry {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly retired: boolean;
}

const officeHours = [{ start: '08:00', end: '17:00' }];

/** Europe/Berlin, Monday to Friday 08:00–17:00, German Unity Day off; `extra` overrides fields. */
export function calendarBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: `Berlin office ${uniqueSuffix()}`,
    calendar: { timeZone: 'Europe/Berlin', week: { mon: officeHours, tue: officeHours, wed: officeHours, thu: officeHours, fri: officeHours }, holidays: ['2026-10-03'] },
    ...extra,
  };
}

/** Targets that tighten with priority, each first response well inside its resolution. */
export function targetsBody(scale = 1): Record<string, { firstResponseMinutes: number; resolutionMinutes: number }> {
  const minutes = (first: number, resolve: number) => ({ firstResponseMinutes: first * scale, resolutionMinutes: resolve * scale });
  return { P1: minutes(15, 240), P2: minutes(30, 480), P3: minutes(60, 1440), P4: minutes(240, 2880), P5: minutes(480, 4800) };
}

export function policyBody(calendarId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: `Policy ${uniqueSuffix()}`, calendarId, targets: targetsBody(), ...extra };
}

export async function createCalendar(baseUrl: string, token: string, extra: Record<string, unknown> = {}): Promise<SlaEntry> {
  return expectStatus(await call<SlaEntry>(baseUrl, '/api/v1/business-calendars', { method: 'POST', json: calendarBody(extra), headers: bearer(token) }), 201, 'creating a business calendar').body;
}

export async function createPolicy(baseUrl: string, token: string, calendarId: string, extra: Record<string, unknown> = {}): Promise<SlaEntry> {
  return expectStatus(await call<SlaEntry>(baseUrl, '/api/v1/sla-policies', { method: 'POST', json: policyBody(calendarId, extra), headers: bearer(token) }), 201, 'creating an SLA policy').body;
}
