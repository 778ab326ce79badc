import type { EventStore, LogPosition, RecordedEvent } from '../eventstore/types.js';
import { LOG_START } from '../eventstore/types.js';

/**
 * The global log holds every tenant's events; a tenant's auditors see theirs, told apart by the
 * tenantId every command writes into event metadata. A stream is judged by its first event:
 * one without a tenant belongs to no tenant and is shown to none.
 */
export async function streamBelongsTo(store: EventStore, streamId: string, tenantId: string): Promise<boolean> {
  const [first] = await store.readStream(streamId, { maxCount: 1, includeDeleted: true });
  return first !== undefined && first.metadata.tenantId === tenantId;
}

export interface TenantLogPage {
  readonly events: RecordedEvent[];
  /** Where the next page starts; also where an exporter resumes once more has been written. */
  readonly cursor: LogPosition;
  /** Nothing of any tenant lies after `cursor` yet. */
  readonly isEnd: boolean;
}

const SCAN_PAGE = 1000;
/** A request scans at most this much of the log, so a tenant with little activity in a busy log still gets a bounded answer (and a cursor to go on). */
const SCAN_BUDGET = 20_000;

export async function readTenantLog(store: EventStore, tenantId: string, after: LogPosition | null, limit: number): Promise<TenantLogPage> {
  const events: RecordedEvent[] = [];
  let cursor = after ?? LOG_START;
  let scanned = 0;
  for (;;) {
    const page = await store.readAll({ after: cursor, maxCount: SCAN_PAGE });
    for (const event of page.events) {
      scanned++;
      cursor = event.position;
      if (event.metadata.tenantId !== tenantId) continue;
      events.push(event);
      if (events.length === limit) return { events, cursor, isEnd: false };
    }
    if (page.isEnd) return { events, cursor: page.cursor, isEnd: true };
    cursor = page.cursor;
    if (scanned >= SCAN_BUDGET) return { events, cursor, isEnd: false };
  }
}
