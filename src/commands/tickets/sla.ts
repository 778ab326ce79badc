import { NotFoundError } from '../../domain/errors.js';
import type { ClockEvaluation } from '../../domain/sla/index.js';
import { evaluateClock, selectPolicy } from '../../domain/sla/index.js';
import { ticketClockSegments } from '../../domain/sla/ticket-clocks.js';
import type { AssignTicket, OpenTicketState, SlaTerms } from '../../domain/ticket/index.js';
import { ticketStream } from '../../domain/ticket/index.js';
import { serviceSlaPolicyId } from '../../projections/catalog/queries.js';
import { getCalendarVersion, policyChoices } from '../../projections/sla/queries.js';
import type { CommandContext } from '../metadata.js';
import type { Actor } from '../identity/actor.js';
import { authorize } from '../identity/actor.js';
import { loadTicketFor } from './access.js';
import type { TicketDependencies } from './dependencies.js';
import { isTeamMember } from '../../projections/groups/queries.js';
import type { FollowUp } from './on-ticket.js';

type TicketFacts = Pick<OpenTicketState, 'type' | 'categoryId' | 'serviceId' | 'priority'>;

/**
 * The terms a ticket would run under: the policy its service names if that one is in force, else
 * the most specific policy in force (or, for a what-if, the one named), at its current version,
 * with its calendar's current version and the targets for the ticket's priority.
 */
export async function slaTermsFor(deps: TicketDependencies, tenantId: string, ticket: TicketFacts, policyId?: string): Promise<SlaTerms | null> {
  const candidates = await policyChoices(deps.knex, tenantId);
  const servicePolicyId = policyId === undefined && ticket.serviceId !== null ? await serviceSlaPolicyId(deps.knex, tenantId, ticket.serviceId) : null;
  const chosen = policyId === undefined ? selectPolicy(candidates, ticket, servicePolicyId) : (candidates.find((candidate) => candidate.id === policyId) ?? null);
  if (!chosen) return null;
  const { definition: policy, calendar } = chosen;
  if (!calendar) return null;
  const target = policy.targets[ticket.priority];
  return {
    policyId: chosen.id,
    policyVersion: chosen.version,
    calendarId: calendar.id,
    calendarVersion: calendar.version,
    priority: ticket.priority,
    firstResponseMinutes: target.firstResponseMinutes,
    resolutionMinutes: target.resolutionMinutes,
    warningShare: policy.warningShare,
  };
}

/**
 * Records the terms that apply now, in the same append as the command it follows, when that
 * command changed the ticket (its priority or scope may have moved them): the ticket is never
 * stored with the change but not its terms.
 */
export function reapplySla(deps: TicketDependencies, tenantId: string, context: CommandContext): FollowUp {
  return async (ticket, changed) => (changed && ticket.exists ? { type: 'ApplySla', terms: await slaTermsFor(deps, tenantId, ticket), reason: 'ticket_changed', now: context.now } : null);
}

/**
 * What an escalation "reassign to team" does to the ticket as it stands: a ticket already with the
 * team stays as it is (the command repeats its assignment, which the decider takes as no change);
 * one with another team moves, and its assignee goes with it only if they belong to the new team.
 */
export async function escalationAssignment(deps: TicketDependencies, ticket: OpenTicketState, teamId: string, now: Date): Promise<AssignTicket> {
  const assigneeId = ticket.assigneeId;
  const keepsAssignee = ticket.teamId === teamId || (assigneeId !== null && (await isTeamMember(deps.knex, teamId, assigneeId)));
  return { type: 'AssignTicket', assigneeId: keepsAssignee ? assigneeId : null, teamId, assigneeEligible: true, assigneeInTeam: true, now };
}

export interface SlaReport {
  readonly policy: { readonly id: string; readonly version: number; readonly calendarId: string; readonly calendarVersion: number; readonly priority: string } | null;
  readonly clocks: { readonly firstResponse: ClockReport; readonly resolution: ClockReport } | null;
}
export type ClockReport = ClockEvaluation & { readonly targetMinutes: number };

/**
 * A ticket's SLA clocks, computed from its own events under the policy and calendar versions it
 * recorded (or, for a what-if, under another policy's current version) — nothing is changed.
 */
export async function ticketSla(deps: TicketDependencies, actor: Actor, ticketId: string, now: Date, whatIfPolicyId?: string): Promise<SlaReport> {
  if (whatIfPolicyId !== undefined) authorize(actor, 'sla.read');
  const { ticket } = await loadTicketFor(deps.commands.store, actor, ticketId);
  const terms = whatIfPolicyId === undefined ? ticket.sla : await slaTermsFor(deps, actor.tenantId, ticket, whatIfPolicyId);
  if (whatIfPolicyId !== undefined && !terms) throw new NotFoundError('no SLA policy in force with this id');
  if (!terms) return { policy: null, clocks: null };
  const calendar = await getCalendarVersion(deps.knex, actor.tenantId, terms.calendarId, terms.calendarVersion);
  if (!calendar) throw new NotFoundError('the business calendar this ticket runs under is missing');
  const events = await deps.commands.store.readStream(ticketStream(ticketId));
  const segments = ticketClockSegments(events);
  const clock = (targetMinutes: number, which: 'firstResponse' | 'resolution'): ClockReport => ({
    ...evaluateClock({ calendar: calendar.calendar, targetMinutes, warningShare: terms.warningShare, segments: segments[which], now }),
    targetMinutes,
  });
  return {
    policy: { id: terms.policyId, version: terms.policyVersion, calendarId: terms.calendarId, calendarVersion: terms.calendarVersion, priority: terms.priority },
    clocks: { firstResponse: clock(terms.firstResponseMinutes, 'firstResponse'), resolution: clock(terms.resolutionMinutes, 'resolution') },
  };
}
