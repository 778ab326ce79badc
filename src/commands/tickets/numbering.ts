import { setTimeout as sleep } from 'node:timers/promises';
import { ConflictError } from '../../domain/errors.js';
import type { TicketType } from '../../domain/ticket/index.js';
import { formatTicketNumber, numberStream } from '../../domain/ticket/index.js';
import { WrongExpectedRevisionError } from '../../eventstore/errors.js';
import type { EventStore } from '../../eventstore/types.js';
import type { CommandContext } from '../metadata.js';
import { metadataFor } from '../metadata.js';

const ATTEMPTS = 200;
/** One append of reservations stays a small transaction even in a burst. */
const MOST_PER_APPEND = 100;

interface Reservation {
  readonly ticketId: string;
  readonly context: CommandContext;
  readonly resolve: (number: string) => void;
  readonly reject: (error: unknown) => void;
}

interface CounterQueue {
  readonly waiting: Reservation[];
  flushing: boolean;
  /** The counter as this process last wrote it: the next append expects it without reading first. */
  last: { readonly revision: number; readonly sequence: number } | null;
}

/**
 * Reservations on one counter stream from this process are written together: whoever asks while
 * an append is in flight joins the next one, which takes as many numbers as there are askers in
 * one append (one event each). Racing them instead made all but one read again and retry, and
 * taking turns made creation one round trip at a time per tenant. Other processes still race,
 * and the expected revision keeps that correct.
 */
const counters = new WeakMap<EventStore, Map<string, CounterQueue>>();

/**
 * Takes the next number of the tenant's counter for this type. The counter's last event is known
 * from this process's previous append, or read (only that event, not the whole stream), and the
 * append expects exactly that revision, so concurrent creators never share a number and never
 * skip one.
 */
export function reserveTicketNumber(store: EventStore, type: TicketType, ticketId: string, newId: () => string, context: CommandContext): Promise<string> {
  const stream = numberStream(context.tenantId, type);
  const queues = counters.get(store) ?? new Map<string, CounterQueue>();
  counters.set(store, queues);
  const queue = queues.get(stream) ?? { waiting: [], flushing: false, last: null };
  queues.set(stream, queue);
  const reserved = new Promise<string>((resolve, reject) => queue.waiting.push({ ticketId, context, resolve, reject }));
  if (!queue.flushing) void flush(store, stream, type, newId, queue);
  return reserved;
}

async function flush(store: EventStore, stream: string, type: TicketType, newId: () => string, queue: CounterQueue): Promise<void> {
  queue.flushing = true;
  try {
    while (queue.waiting.length > 0) {
      const batch = queue.waiting.splice(0, MOST_PER_APPEND);
      try {
        const numbers = await reserveMany(store, stream, type, batch, newId, queue);
        batch.forEach((reservation, index) => reservation.resolve(numbers[index]!));
      } catch (error) {
        for (const reservation of batch) reservation.reject(error);
      }
    }
  } finally {
    queue.flushing = false;
  }
}

async function reserveMany(store: EventStore, stream: string, type: TicketType, batch: readonly Reservation[], newId: () => string, queue: CounterQueue): Promise<string[]> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    const last = queue.last ?? (await lastReservation(store, stream));
    const first = (last?.sequence ?? 0) + 1;
    const numbers = batch.map((_, index) => formatTicketNumber(type, first + index));
    const events = batch.map((reservation, index) => ({
      id: newId(),
      type: 'TicketNumberReserved',
      data: { sequence: first + index, number: numbers[index]!, ticketId: reservation.ticketId },
      metadata: metadataFor(reservation.context),
    }));
    try {
      const appended = await store.appendToStream(stream, events, last ? last.revision : 'no_stream');
      queue.last = { revision: appended.nextExpectedRevision, sequence: first + batch.length - 1 };
      return numbers;
    } catch (error) {
      queue.last = null;
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      // Only another process's reservation can have moved it: no pause when this one just had stale news.
      if (attempt > 0) await sleep(Math.floor(Math.random() * Math.min(50, 2 + attempt * 2)));
    }
  }
  throw new ConflictError('too many tickets are being created at once; try again');
}

async function lastReservation(store: EventStore, stream: string): Promise<{ revision: number; sequence: number } | null> {
  const [last] = await store.readStream(stream, { direction: 'backwards', maxCount: 1 });
  return last ? { revision: last.revision, sequence: typeof last.data.sequence === 'number' ? last.data.sequence : 0 } : null;
}
