import type { Knex } from 'knex';
import type { Actor } from '../commands/identity/actor.js';
import { authorize } from '../commands/identity/actor.js';
import { NotFoundError } from '../domain/errors.js';
import { ticketStream } from '../domain/ticket/index.js';
import type { EventStore } from '../eventstore/types.js';
import { occurredAt } from '../eventstore/types.js';
import { readWholeStream } from '../eventstore/whole-stream.js';
import { DeferredWrites } from '../db/deferred-writes.js';
import { ticketsProjection } from '../projections/tickets/index.js';
import type { TicketDetailView } from '../projections/tickets/queries.js';
import { getTicket } from '../projections/tickets/queries.js';

export type HistoryPoint = { readonly asOf: Date } | { readonly asOfVersion: number };

class Discard extends Error {}

/**
 * The ticket as it was at a moment or a version. The stream is replayed up to that point through
 * the tickets projection itself, into temporary tables that shadow the real ones for one
 * transaction that is then rolled back: the answer is exactly what the read model showed then,
 * by construction, with no second copy of the projection's logic to drift from it.
 */
export async function ticketAsOf(knex: Knex, store: EventStore, actor: Actor, ticketId: string, point: HistoryPoint): Promise<TicketDetailView> {
  authorize(actor, 'ticket.timeTravel');
  const events = await readWholeStream(store, ticketStream(ticketId));
  if (events[0]?.metadata.tenantId !== actor.tenantId) throw new NotFoundError('ticket not found');
  const upTo = events.filter((event) => ('asOfVersion' in point ? event.revision <= point.asOfVersion : Date.parse(occurredAt(event)) <= point.asOf.getTime()));
  if (upTo.length === 0) throw new NotFoundError('the ticket did not exist yet at that point');
  let view: TicketDetailView | null = null;
  try {
    await knex.transaction(async (trx) => {
      // Temporary tables are created in, and looked up from, the session's own schema first.
      await trx.raw('SET LOCAL search_path = pg_temp, public');
      await ticketsProjection.createTables(trx);
      const writes = new DeferredWrites();
      await ticketsProjection.apply(trx, upTo, writes);
      await writes.run(trx);
      view = await getTicket(trx, { tenantId: actor.tenantId, requesterId: null }, ticketId);
      throw new Discard();
    });
  } catch (error) {
    if (!(error instanceof Discard)) throw error;
  }
  if (!view) throw new NotFoundError('the ticket was deleted at that point');
  return view;
}
