import type { Actor } from '../commands/identity/actor.js';
import { NotFoundError } from '../domain/errors.js';
import type { TeamEvent, UserEvent } from '../domain/identity/index.js';
import { teamStream, userStream } from '../domain/identity/index.js';
import type { QueueEvent } from '../domain/queue/index.js';
import { queueStream } from '../domain/queue/index.js';
import { can } from '../domain/permissions.js';
import type { FieldChange, Reference } from '../domain/ticket/history.js';
import { describeTicketEvent, isPublicTicketEvent, referencesOf } from '../domain/ticket/history.js';
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
  const names = new NamesAsOf(store, actor.tenantId);
  const entries: TicketHistoryEntry[] = [];
  let state: Ticket = ticketDecider.initialState();
  for (const event of recorded) {
    const domainEvent = { type: event.type, data: event.data } as TicketEvent;
    const before = state;
    state = ticketDecider.evolve(state, domainEvent);
    if (!agent && !isPublicTicketEvent(domainEvent, before)) continue;
    const at = occurredAt(event);
    const actorId = typeof event.metadata.actorId === 'string' ? event.metadata.actorId : null;
    await names.load([...referencesOf(before, state, domainEvent), ...(actorId ? [{ kind: 'user' as const, id: actorId }] : [])]);
    const line = describeTicketEvent(before, state, domainEvent, (reference) => names.nameAt(reference, at));
    entries.push({
      revision: event.revision,
      position: formatPosition(event.position),
      eventId: event.id,
      type: event.type,
      occurredAt: at,
      recordedAt: event.recordedAt.toISOString(),
      actor: actorId ? { id: actorId, name: names.nameAt({ kind: 'user', id: actorId }, at) } : null,
      summary: line.summary,
      changes: line.changes,
    });
  }
  if (!agent && (!state.exists || state.requesterId !== actor.userId || state.deleted)) throw new NotFoundError('ticket not found');
  return entries;
}


/**
 * Names from each person's, team's and queue's own stream, as of a moment: a renamed agent's old
 * work shows their old name, a team renamed since shows the name it had. A forgotten person's
 * events read with their name redacted, so they are named as forgotten however far back.
 */
class NamesAsOf {
  private readonly histories = new Map<string, Promise<NameHistory>>();
  private readonly loaded = new Map<string, NameHistory>();

  constructor(
    private readonly store: EventStore,
    private readonly tenantId: string,
  ) {}

  /** Reads each stream once per history, however many events name it. */
  async load(references: readonly Reference[]): Promise<void> {
    await Promise.all(
      references.map(async (reference) => {
        const key = streamOf(reference);
        let history = this.histories.get(key);
        if (!history) this.histories.set(key, (history = this.read(reference)));
        this.loaded.set(key, await history);
      }),
    );
  }

  /** The name as of `at`, of a reference loaded before; null for an id of nothing this tenant named. */
  nameAt(reference: Reference, at: string): string | null {
    const history = this.loaded.get(streamOf(reference)) ?? [];
    let name: string | null = null;
    for (const change of history) {
      if (change.at > at) break;
      name = change.name;
    }
    // Renamed before any record of the name we hold (clock skew): the earliest name is the best guess.
    return name ?? history[0]?.name ?? null;
  }

  private async read(reference: Reference): Promise<NameHistory> {
    const events = await readWholeStream(this.store, streamOf(reference));
    if (events[0]?.metadata.tenantId !== undefined && events[0].metadata.tenantId !== this.tenantId) return [];
    const names: Array<{ at: string; name: string }> = [];
    for (const event of events) {
      const name = nameSet({ type: event.type, data: event.data } as NamingEvent);
      if (name !== null) names.push({ at: occurredAt(event), name });
    }
    return names;
  }
}

type NameHistory = ReadonlyArray<{ readonly at: string; readonly name: string }>;
type NamingEvent = UserEvent | TeamEvent | QueueEvent;

function streamOf(reference: Reference): string {
  switch (reference.kind) {
    case 'user':
      return userStream(reference.id);
    case 'team':
      return teamStream(reference.id);
    case 'queue':
      return queueStream(reference.id);
    default: {
      const _exhaustive: never = reference.kind;
      return _exhaustive;
    }
  }
}

/** The name an event gives its stream's person, team or queue; null for the events that name nothing. */
function nameSet(event: NamingEvent): string | null {
  switch (event.type) {
    case 'UserRegistered':
    case 'UserProfileUpdated':
    case 'TeamCreated':
    case 'TeamUpdated':
    case 'QueueCreated':
    case 'QueueUpdated':
      return event.data.name;
    default:
      return null;
  }
}
