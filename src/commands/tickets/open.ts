import { randomUUID } from 'node:crypto';
import { serviceDecider, serviceStream } from '../../domain/catalog/index.js';
import { ValidationError } from '../../domain/errors.js';
import type { Level, Risk, TicketType } from '../../domain/ticket/index.js';
import { formatTicketNumber, numberStream, ticketDecider, ticketStream } from '../../domain/ticket/index.js';
import type { AppendNumbering, JsonObject, LogPosition } from '../../eventstore/types.js';
import { handleCommandSequence, loadAggregate } from '../handle.js';
import type { CommandContext } from '../metadata.js';
import type { Actor } from '../identity/actor.js';
import { authorize } from '../identity/actor.js';
import type { TicketDependencies } from './dependencies.js';
import { teamExists } from '../../projections/groups/queries.js';
import { isActiveUser } from '../../projections/users/queries.js';
import { reserveTicketNumber } from './numbering.js';
import { checkCatalogReferences } from './catalog-references.js';
import { slaTermsFor } from './sla.js';
import { routeNewTicket } from './routing.js';

export interface OpenTicketInput {
  readonly type: TicketType;
  readonly title: string;
  readonly description: string;
  readonly impact: Level;
  readonly urgency: Level;
  readonly categoryId?: string | undefined;
  readonly serviceId?: string | undefined;
  readonly teamId?: string | undefined;
  readonly assetIds?: string[] | undefined;
  readonly tags?: string[] | undefined;
  readonly requesterId?: string | undefined;
  readonly risk?: Risk | undefined;
  readonly plannedStart?: string | undefined;
  readonly plannedEnd?: string | undefined;
  /** A service request's answers to its service's request form. */
  readonly answers?: JsonObject | undefined;
}

export interface TicketWritten {
  readonly ticketId: string;
  readonly position: LogPosition | null;
}

/**
 * Validates the ticket before taking a number (so a refused ticket leaves no gap), then takes the
 * next number of its type and opens the ticket with it.
 */
export async function openTicket(deps: TicketDependencies, actor: Actor, input: OpenTicketInput, context: CommandContext): Promise<TicketWritten & { number: string }> {
  authorize(actor, 'ticket.create');
  const requesterId = input.requesterId ?? actor.userId;
  if (requesterId !== actor.userId) {
    authorize(actor, 'ticket.onBehalf');
    if (!(await isActiveUser(deps.knex, actor.tenantId, requesterId))) throw new ValidationError('no such requester', [{ path: '/requesterId', message: 'not an active user of this tenant' }]);
  }
  if (input.teamId !== undefined) {
    authorize(actor, 'ticket.work');
    if (!(await teamExists(deps.knex, actor.tenantId, input.teamId))) throw new ValidationError('no such team', [{ path: '/teamId', message: 'not a team of this tenant' }]);
  }
  // Planning fields belong to the agents who run a change.
  if (input.risk !== undefined || input.plannedStart !== undefined || input.plannedEnd !== undefined) authorize(actor, 'ticket.work');
  await checkCatalogReferences(deps, actor, input);
  const requestForm = input.type === 'service_request' && input.serviceId !== undefined ? await requestFormOf(deps, actor.tenantId, input.serviceId) : null;
  const ticketId = randomUUID();
  const command = (number: string) => ({
    type: 'OpenTicket' as const,
    ticketId,
    tenantId: actor.tenantId,
    number,
    ticketType: input.type,
    title: input.title,
    description: input.description,
    impact: input.impact,
    urgency: input.urgency,
    requesterId,
    teamId: input.teamId ?? null,
    categoryId: input.categoryId ?? null,
    serviceId: input.serviceId ?? null,
    tags: input.tags ?? [],
    assetIds: input.assetIds ?? [],
    risk: input.risk ?? null,
    plannedStart: input.plannedStart ?? null,
    plannedEnd: input.plannedEnd ?? null,
    answers: input.answers ?? {},
    requestForm,
    actorId: actor.userId,
    now: context.now,
  });
  ticketDecider.decide(command(PENDING_NUMBER), ticketDecider.initialState());
  // PostgreSQL takes the number in the ticket's own append; EventStoreDB reserves it on the counter stream first.
  const numbering = deps.commands.store.sharesTransactions ? ticketNumbering(actor.tenantId, input.type) : null;
  const reserved = numbering ? null : await reserveTicketNumber(deps.commands.store, input.type, ticketId, deps.commands.newId, context);
  // Routed before the SLA is applied: no SLA scope names a team today, but the terms should see
  // the ticket as routed if one ever does.
  const routing = input.teamId === undefined ? await routeNewTicket(deps, actor, ticketId, { type: input.type, categoryId: input.categoryId ?? null, serviceId: input.serviceId ?? null }, context) : null;
  // The opening, its routing and its SLA terms are one append: the ticket is never seen without them.
  const result = await handleCommandSequence(
    deps.commands,
    ticketDecider,
    ticketStream(ticketId),
    [
      () => command(reserved ?? PENDING_NUMBER),
      () => routing,
      async (ticket) => (ticket.exists ? { type: 'ApplySla' as const, terms: await slaTermsFor(deps, actor.tenantId, ticket), reason: 'opened', now: context.now } : null),
    ],
    context,
    // A new random id: its stream is known to be empty without reading it (a clash would only fail the append, which then reads).
    { loaded: { state: ticketDecider.initialState(), version: -1 }, ...(numbering ? { numbering } : {}) },
  );
  const number = reserved ?? result.number;
  if (number === undefined) throw new Error(`the opening of ticket ${ticketId} came back without a number`);
  return { ticketId, number, position: result.position };
}

/** What a ticket is decided with until its append takes the number (never stored). */
const PENDING_NUMBER = 'XXX-000000';

/** The tenant's counter for the type, shared with the counter stream's name (the migration seeded one from the other). */
function ticketNumbering(tenantId: string, type: TicketType): AppendNumbering {
  return { counter: numberStream(tenantId, type), field: 'number', placeholder: PENDING_NUMBER, format: (sequence) => formatTicketNumber(type, sequence) };
}

/** Read from the log, so a form changed a moment ago is the one the answers are checked against. */
async function requestFormOf(deps: TicketDependencies, tenantId: string, serviceId: string): Promise<JsonObject | null> {
  const { state } = await loadAggregate(deps.commands.store, serviceDecider, serviceStream(serviceId));
  return state.status !== 'none' && state.tenantId === tenantId ? state.requestForm : null;
}
