import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JsonObject, NewEvent } from '../../src/eventstore/types.js';

/**
 * Runs `operations` calls of `work` spread over `writers` concurrent loops and returns the wall time
 * in ms. Writers take the next operation from a shared counter rather than a fixed share each, so a
 * writer that happens to be slow does not leave the others idle at the end and stretch the figure.
 */
export async function runConcurrent(
  writers: number,
  operations: number,
  work: (writer: number) => Promise<void>,
): Promise<number> {
  let taken = 0;
  const loop = async (writer: number): Promise<void> => {
    while (taken < operations) {
      taken += 1;
      await work(writer);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: writers }, (_, writer) => loop(writer)));
  return performance.now() - started;
}

/**
 * Runs `total` calls of `work` at a fixed overall rate, spread over `writers` loops. Each call has a
 * due time computed from the start, so one slow call does not shift every later one (no drift); a
 * writer that falls behind fires its overdue calls at once, which is what real clients do too.
 */
export async function runAtRate(
  writers: number,
  total: number,
  ratePerSecond: number,
  work: (writer: number, index: number) => Promise<void>,
): Promise<void> {
  const gapMs = 1000 / ratePerSecond;
  const started = performance.now();
  const loop = async (writer: number): Promise<void> => {
    for (let index = writer; index < total; index += writers) {
      const wait = started + index * gapMs - performance.now();
      if (wait > 0) await sleep(wait);
      await work(writer, index);
    }
  };
  await Promise.all(Array.from({ length: writers }, (_, writer) => loop(writer)));
}

/**
 * Shapes of a typical ticket event (about 600 bytes of JSON with its metadata), so that the store and
 * the baseline table move the same volume of jsonb per row.
 */
const TENANT = randomUUID();
const ACTOR = randomUUID();
const DESCRIPTION =
  'The printer on floor 3 prints blank pages since this morning; toner replaced, issue persists. ' +
  'Affects the whole finance team during month-end close.';

export function ticketEvent(): NewEvent {
  const id = randomUUID();
  const data: JsonObject = {
    title: 'Printer on floor 3 prints blank pages',
    description: DESCRIPTION,
    priority: 'P3',
    impact: 'department',
    urgency: 'high',
    category: 'hardware/printer',
    assignmentGroup: 'desk-side-support',
    tags: ['printer', 'floor-3', 'finance'],
  };
  const metadata: JsonObject = {
    tenantId: TENANT,
    actorId: ACTOR,
    correlationId: id,
    causationId: id,
    occurredAt: new Date().toISOString(),
  };
  return { id, type: 'TicketUpdated', data, metadata };
}

/** The baseline's row: the same event, as one jsonb document. */
export function baselinePayload(): string {
  const event = ticketEvent();
  return JSON.stringify({ type: event.type, data: event.data, metadata: event.metadata });
}
