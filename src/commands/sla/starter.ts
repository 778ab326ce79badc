import { STARTER_CALENDAR_NAME, STARTER_POLICY_NAME, STARTER_TARGETS, starterCalendar } from '../../domain/sla/index.js';
import type { Actor } from '../identity/actor.js';
import type { CommandContext } from '../metadata.js';
import { defineCalendar } from './calendars.js';
import type { SlaDependencies } from './dependencies.js';
import { definePolicy } from './policies.js';

export interface StarterSla {
  readonly calendarId: string;
  readonly policyId: string;
}

/**
 * A new tenant's office hours and tenant-wide policy, defined by its first admin through the same
 * commands as any other (so they are edited, versioned and retired like any other). `timeZone`
 * was validated by the caller, before anything of the tenant was appended.
 */
export async function defineStarterSla(deps: SlaDependencies, admin: Actor, timeZone: string, context: CommandContext): Promise<StarterSla> {
  const calendar = await defineCalendar(deps, admin, { name: STARTER_CALENDAR_NAME, calendar: starterCalendar(timeZone) }, context);
  const policy = await definePolicy(deps, admin, { name: STARTER_POLICY_NAME, calendarId: calendar.id, targets: STARTER_TARGETS }, context);
  return { calendarId: calendar.id, policyId: policy.id };
}
