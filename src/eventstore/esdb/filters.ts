import type { Filter } from '@kurrent/kurrentdb-client';
import { eventTypeFilter, excludeSystemEvents, streamNameFilter } from '@kurrent/kurrentdb-client';
import type { LogFilter } from '../types.js';
import { matchesLogFilter } from '../types.js';

/**
 * The server filters on one thing only (stream name or event type) and by prefix, so it gets the
 * coarser half of a LogFilter and `matchesFilter` decides exactly. What the server let through
 * and we drop still moves a reader's cursor, so nothing is scanned twice.
 */
export function serverFilter(filter: LogFilter | undefined): Filter {
  if (filter?.categories && filter.categories.length > 0) {
    return streamNameFilter({ prefixes: filter.categories.map((category) => `${category}-`) });
  }
  if (filter?.eventTypes && filter.eventTypes.length > 0) {
    return eventTypeFilter({ prefixes: [...filter.eventTypes] });
  }
  return excludeSystemEvents();
}

/** EventStoreDB's own records: metadata, projections' links, statistics, settings. */
export function isSystemRecord(record: { readonly streamId: string; readonly type: string }): boolean {
  return record.type.startsWith('$') || record.streamId.startsWith('$');
}

export function matchesFilter(record: { readonly streamId: string; readonly type: string }, filter: LogFilter | undefined): boolean {
  return !isSystemRecord(record) && matchesLogFilter(record, filter);
}
