import type { EventStore, LogPosition, SubscribeOptions, SubscriptionItem } from './types.js';
import { LOG_START } from './types.js';

const PAGE_SIZE = 500;
const IDLE_WAIT_MS = 1_000;

/**
 * A catch-up subscription built on paged reads of the global log: read pages until the end, say
 * `caught_up` once, then wait for appends and go on. Used by adapters without a native push.
 */
export async function* catchUpSubscription(store: EventStore, options: SubscribeOptions): AsyncGenerator<SubscriptionItem> {
  let cursor: LogPosition = options.after ?? LOG_START;
  let caughtUp = false;
  while (!options.signal.aborted) {
    const page = await store.readAll({ after: cursor, maxCount: PAGE_SIZE, ...(options.filter ? { filter: options.filter } : {}) });
    for (const event of page.events) {
      if (options.signal.aborted) return;
      yield { kind: 'event', event };
    }
    cursor = page.cursor;
    if (!page.isEnd) continue;
    if (!caughtUp) {
      caughtUp = true;
      yield { kind: 'caught_up', position: cursor };
    }
    await store.waitForAppend(cursor, IDLE_WAIT_MS, options.signal);
  }
}
