import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictError } from '../../domain/errors.js';
import type { TicketType } from '../../domain/ticket/index.js';
import { formatTicketNumber, numberStream } from '../../domain/ticket/index.js';
import { WrongExpectedRevisionError } from '../../eventstore/errors.js';
import type { EventStore } from '../../eventstore/types.js';
import type { CommandContext } from '../metadata.js';
import { metadataFor } from '../metadata.js';

const ATTEMPTS = 200;

/**
 * Reservations on one counter stream from this process take turns: racing them only makes all but
 * one read again and retry, which under 50 concurrent creators cost more than the appends (seen in
 * the benchmark's CPU profile). Other processes still race, and the expected revision keeps that correct.
 */
const turns = new WeakMap<EventStore, Map<string, Promise<void>>>();

async function inTurn<T>(store: EventStore, stream: string, work: () => Promise<T>): Promise<T> {
  const queues = turns.get(store) ?? new Map<string, Promise<void>>();
  turns.set(store, queues);
  const previous = queues.get(stream) ?? Promise.resolve();
  const result = previous.then(work);
  const done = result.then(
    () => undefined,
    () => undefined,
  );
  queues.set(stream, done);
  try {
    return await result;
  } finally {
    if (queues.get(stream) === done) queues.delete(stream);
  }
}

/**
 * Takes the next number of the tenant's counter for this type. Only the counter's last event is
 * read (not the whole stream), and the append expects exactly that revision, so concurrent
 * creators never share a number and never skip one; losers retry with a little jitter.
 */
export function reserveTicketNumber(store: EventStore, type: TicketType, ticketId: string, newId: () => string, context: CommandContext): Promise<string> {
  const stream = numberStream(context.tenantId, type);
  return inTurn(store, stream, () => reserve(store, stream, type, ticketId, newId, context));
}

async function reserve(store: EventStore, stream: string, type: TicketType, ticketId: string, newId: () => string, context: CommandContext): Promise<string> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
    const sequence = (typeof last?.data.sequence === 'number' ? last.data.sequence : 0) + 1;
    const number = formatTicketNumber(type, sequence);
    try {
      await store.appendToStream(stream, [{ id: newId(), type: 'TicketNumberReserved', data: { sequence, number, ticketId }, metadata: metadataFor(context) }], last ? last.revision : 'no_stream');
      return number;
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      await sleep(Math.floor(Math.random() * Math.min(50, 2 + attempt * 2)));
    }
  }
  throw new ConflictError('too many tickets are being created at once; try again');
}
