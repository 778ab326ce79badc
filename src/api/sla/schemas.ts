import { z } from 'zod';
import { NotFoundError } from '../../domain/errors.js';
import { MAX_NOTIFIED_USERS } from '../../domain/sla/index.js';
import { TICKET_TYPES } from '../../domain/ticket/index.js';
import type { AppContext } from '../context.js';
import { listQuery } from '../http.js';

/**
 * Request shapes shared by the SLA admin routes. They check types and sizes only: what makes a
 * calendar or a policy usable (times, zones, target order, shares) is the domain's to say, so the
 * messages and paths are the same whoever sends the command.
 */

const uuid = z.uuid().transform((id) => id.toLowerCase());
export const name = z.string().max(120);

const workingHours = z.object({ start: z.string().max(5), end: z.string().max(5) }).strict();
/** A day left out is a day off. */
const day = z.array(workingHours).max(12).default([]);
export const calendar = z
  .object({
    timeZone: z.string().min(1).max(64),
    week: z.object({ mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day }).strict(),
    holidays: z.array(z.string().max(10)).max(1000).default([]),
  })
  .strict();

const target = z.object({ firstResponseMinutes: z.number(), resolutionMinutes: z.number() }).strict();
export const targets = z.object({ P1: target, P2: target, P3: target, P4: target, P5: target }).strict();
export const scope = z.object({ ticketType: z.enum(TICKET_TYPES).optional(), categoryId: uuid.optional(), serviceId: uuid.optional() }).strict();
const step = z.object({ notifyUserIds: z.array(uuid).max(MAX_NOTIFIED_USERS).optional(), reassignTeamId: uuid.optional() }).strict();
/** `{}` escalates nothing. */
export const escalation = z.object({ onWarning: step.optional(), onBreach: step.optional() }).strict();
export const calendarId = uuid;

/** `?retired=true|false`; absent lists both. */
export const slaListQuery = listQuery.extend({ retired: z.enum(['true', 'false']).transform((value) => value === 'true').optional() });

/** Retiring takes no body; anything sent must at least be empty. */
export const noBody = z.object({}).strict().optional();

/** A path version that is not a version number cannot name anything: 404. */
export function versionParam(ctx: AppContext): number {
  const value = (ctx.params as Record<string, string | undefined>).version ?? '';
  if (!/^[1-9]\d{0,8}$/.test(value)) throw new NotFoundError('no such version');
  return Number(value);
}
