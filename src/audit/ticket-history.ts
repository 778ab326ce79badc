import type { Actor } from '../commands/identity/actor.js';
import { NotFoundError } from '../domain/errors.js';
import type { UserEvent } from '../domain/identity/index.js';
import { userStream } from '../domain/identity/index.js';
import { can } from '../domain/permissions.js';
import type { FieldChange } from '../domain/ticket/history.js';
import { describeTicketEvent, isPublicTicketEvent } from '../domain/ticket/history.js';
import type { Ticket, TicketEvent } from '../domain/ticket/index.js';
import { ticketDecider, ticketStream } from '../domain/ticket/index.js';
import type { EventStore } from '../eventstore/types.js';
import { formatPosition, occurredAt } from '../eventstore/types.js';
import { readWholeStream } from '../eventstore/whole-stream.js';

export interface TicketHistoryEntry {
  readonly revision: number;
  readonly position: string;
  readonly eventId: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  /** Who did it, named as they were named when they did it; null for the system (scheduler, queues). */
  readonly actor: { readonly id: string; readonly name: string | null } | null;
  readonly summary: string;
  readonly changes: readonly FieldChange[];
}

/**
 * A ticket's whole history from its stream, deleted tickets included: every event in order, with
 * what it changed. Agents see every event; a requester sees only their own ticket's public part
 * (no internal notes, SLA bookkeeping, approvals or watchers), and never a deleted ticket.
 */
export async function ticketHistory(store: EventStore, actor: Actor, ticketId: string): Promise<TicketHistoryEntry[]> {
  const recorded = await readWholeStream(store, ticketStream(ticketId));
  const first = recorded[0];
  if (!first || first.metadata.tenantId !== actor.tenantId) throw new NotFoundError('ticket not found');
  const agent = can(actor.role, 'ticket.readAll');
  const names = new ActorNames(store, actor.tenantId);
  const entries: TicketHistoryEntry[] = [];
  let state: Ticket = ticketDecider.initialState();
  for (const event of recorded) {
    const domainEvent = { type: event.type, data: event.data } as TicketEvent;
    const before = state;
    state = ticketDecider.evolve(state, domainEvent);
    if (!agent && !isPublicTicketEvent(domainEvent, before)) continue;
    const line = describeTicketEvent(before, state, domainEvent);
    const at = occurredAt(event);
    const actorId = typeof event.metadata.actorId === 'string' ? event.metadata.actorId : null;
    entries.push({
      revision: event.revision,
      position: formatPosition(event.position),
      eventId: event.id,
      type: event.type,
      occurredAt: at,
      recordedAt: event.recordedAt.toISOString(),
      actor: actorId ? { id: actorId, name: await names.nameAt(actorId, at) } : null,
      summary: line.summary,
      changes: line.changes,
    });
  }
  if (!agent && (!state.exists || state.requesterId !== actor.userId || state.deleted)) throw new NotFoundError('ticket not found');
  return entries;
}


/** Names from each user's own stream, as of a moment: a renamed agent's old work shows their old name. */
class ActorNames {
  private readonly histories = new Map<string, Promise<Array<{ at: string; name: string }>>>();

  constructor(
    private readonly store: EventStore,
    private readonly tenantId: string,
  ) {}

  async nameAt(userId: string, at: string): Promise<string | null> {
    let history = this.histories.get(userId);
    if (!history) this.histories.set(userId, (history = this.load(userId)));
    let name: string | null = null;
    for (const change of await history) {
      if (change.at > at) break;
      name = change.name;
    }
    // Renamed before any record of the name we hold (clock skew): the earliest name is the best guess.
    return name ?? (await history)[0]?.name ?? null;
  }

  private async load(userId: string): Promise<Array<{ at: string; name: string }>> {
    const events = await readWholeStream(this.store, userStream(userId));
    if (events[0]?.metadata.tenantId !== undefined && events[0].metadata.tenantId !== this.tenantId) return [];
    const names: Array<{ at: string; name: string }> = [];
    for (const event of events) {
      const domainEvent = { type: event.type, data: event.data } as UserEvent;
      const at = occurredAt(event);
      if (domainEvent.type === 'UserRegistered' || domainEvent.type === 'UserProfileUpdated') names.push({ at, name: domainEvent.data.name });
    }
    return names;
  }
}
