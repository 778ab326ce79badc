import { randomUUID } from 'node:crypto';
import type { BusinessCalendar, BusinessCalendarCommand } from '../../domain/sla/index.js';
import { businessCalendarDecider, businessCalendarStream } from '../../domain/sla/index.js';
import type { LogPosition } from '../../eventstore/types.js';
import { handleCommand } from '../handle.js';
import type { Actor } from '../identity/actor.js';
import { authorize } from '../identity/actor.js';
import type { CommandContext } from '../metadata.js';
import { policiesUsingCalendar } from '../../projections/sla/queries.js';
import { loadTenantCalendar } from './access.js';
import type { SlaDependencies } from './dependencies.js';

export interface SlaWritten {
  readonly id: string;
  readonly position: LogPosition | null;
}

export interface CalendarInput {
  readonly name?: string;
  /** Replaces the calendar whole. */
  readonly calendar?: BusinessCalendar;
}

export async function defineCalendar(deps: SlaDependencies, actor: Actor, input: CalendarInput & { name: string; calendar: BusinessCalendar }, context: CommandContext): Promise<SlaWritten> {
  authorize(actor, 'sla.manage');
  const id = randomUUID();
  const command: BusinessCalendarCommand = { type: 'DefineCalendar', calendarId: id, tenantId: actor.tenantId, name: input.name, calendar: input.calendar, now: context.now };
  const result = await handleCommand(deps.commands, businessCalendarDecider, businessCalendarStream(id), command, context);
  return { id, position: result.position };
}

/** `basedOn` is the client's If-Match: the calendar version it edited. */
export async function reviseCalendar(deps: SlaDependencies, actor: Actor, id: string, input: CalendarInput, context: CommandContext, basedOn?: number): Promise<SlaWritten> {
  authorize(actor, 'sla.read');
  await loadTenantCalendar(deps.commands.store, actor.tenantId, id);
  authorize(actor, 'sla.manage');
  const command: BusinessCalendarCommand = {
    type: 'ReviseCalendar',
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.calendar !== undefined ? { calendar: input.calendar } : {}),
    ...(basedOn !== undefined ? { basedOn } : {}),
    now: context.now,
  };
  const result = await handleCommand(deps.commands, businessCalendarDecider, businessCalendarStream(id), command, context, { mustExist: true });
  return { id, position: result.position };
}

export async function retireCalendar(deps: SlaDependencies, actor: Actor, id: string, context: CommandContext, basedOn?: number): Promise<SlaWritten> {
  authorize(actor, 'sla.read');
  await loadTenantCalendar(deps.commands.store, actor.tenantId, id);
  authorize(actor, 'sla.manage');
  // Which policies name the calendar is known from the read model only: let it catch up before asking it.
  await deps.readModelsCaughtUp();
  const usedByPolicyIds = await policiesUsingCalendar(deps.knex, actor.tenantId, id);
  const command: BusinessCalendarCommand = { type: 'RetireCalendar', usedByPolicyIds, ...(basedOn !== undefined ? { basedOn } : {}), now: context.now };
  const result = await handleCommand(deps.commands, businessCalendarDecider, businessCalendarStream(id), command, context, { mustExist: true });
  return { id, position: result.position };
}
