import { NotFoundError } from '../../domain/errors.js';
import type { OpenTicketState } from '../../domain/ticket/index.js';
import { ticketDecider, ticketStream } from '../../domain/ticket/index.js';
import { can } from '../../domain/permissions.js';
import type { EventStore } from '../../eventstore/types.js';
import type { Actor } from '../identity/actor.js';
import { loadAggregate } from '../handle.js';

/**
 * The ticket as the actor may see it: another tenant's ticket, a requester's look at someone
 * else's ticket and a deleted ticket (unless asked for) are all simply not found.
 */
export async function loadTicketFor(store: EventStore, actor: Actor, ticketId: string, options: { includeDeleted?: boolean } = {}): Promise<{ ticket: OpenTicketState; version: number }> {
  const { state, version } = await loadAggregate(store, ticketDecider, ticketStream(ticketId));
  if (!state.exists || state.tenantId !== actor.tenantId) throw new NotFoundError('ticket not found');
  if (!can(actor.role, 'ticket.readAll') && state.requesterId !== actor.userId) throw new NotFoundError('ticket not found');
  if (state.deleted && !options.includeDeleted) throw new NotFoundError('ticket not found');
  return { ticket: state, version };
}
