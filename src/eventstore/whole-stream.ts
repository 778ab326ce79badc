import type { EventStore, RecordedEvent } from './types.js';

const PAGE = 1000;

/**
 * Every event of a stream, soft-deleted streams included (an auditor's view), read a page at a
 * time so a long stream never arrives as one result.
 */
export async function* wholeStream(store: EventStore, streamId: string): AsyncGenerator<RecordedEvent> {
  for (let from = 0; ; ) {
    const page = await store.readStream(streamId, { fromRevision: from, maxCount: PAGE, includeDeleted: true });
    yield* page;
    if (page.length < PAGE) return;
    from = page.at(-1)!.revision + 1;
  }
}

/** The whole stream as one array, for callers that fold it in memory anyway. */
export async function readWholeStream(store: EventStore, streamId: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of wholeStream(store, streamId)) events.push(event);
  return events;
}
