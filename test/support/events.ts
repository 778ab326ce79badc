import { randomUUID } from 'node:crypto';
import type { JsonObject, NewEvent } from '../../src/eventstore/types.js';

export function newEvent(type: string, data: JsonObject = {}, metadata: JsonObject = {}): NewEvent {
  return { id: randomUUID(), type, data, metadata };
}

export function streamName(category = 'test'): string {
  return `${category}-${randomUUID()}`;
}

/** Collects what an async function throws, so a test can assert on it. */
export async function caught(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, and it succeeded');
}
