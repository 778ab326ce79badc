import type { ClientRecord } from './mapping.js';
import { isJsonObject } from './mapping.js';

/**
 * Our soft delete is a mark in the stream's metadata, never the client's deleteStream: EventStoreDB's
 * own soft delete truncates the stream and scavenging then removes its events for good. The server
 * ignores metadata keys it does not know, so the mark changes nothing about how it stores the stream.
 */
export const DELETED_KEY = 'itsmDeleted';

export interface StreamMeta {
  /** Revision of the metadata stream's last event (null: none yet), for an optimistic rewrite. */
  readonly revision: bigint | null;
  /** The metadata as stored (`$maxAge`, `$acl`, … under their wire names), kept on every rewrite. */
  readonly data: Readonly<Record<string, unknown>>;
  readonly deleted: boolean;
}

/** From the last event of `$$<stream>`, or its absence. */
export function streamMetaOf(record: ClientRecord | undefined): StreamMeta {
  if (!record) return { revision: null, data: {}, deleted: false };
  const data = record.isJson && isJsonObject(record.data) ? record.data : {};
  return { revision: record.revision, data, deleted: data[DELETED_KEY] === true };
}

export function withDeletedMark(data: Readonly<Record<string, unknown>>, deleted: boolean): Record<string, unknown> {
  const { [DELETED_KEY]: _previous, ...rest } = data;
  return deleted ? { ...rest, [DELETED_KEY]: true } : rest;
}
