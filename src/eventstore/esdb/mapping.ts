import type { AppendStreamState, CurrentStreamState, EventData, Position, ReadPosition } from '@kurrent/kurrentdb-client';
import { ANY, jsonEvent, NO_STREAM, START, STREAM_EXISTS } from '@kurrent/kurrentdb-client';
import type { ActualRevision } from '../errors.js';
import type { ExpectedRevision, JsonObject, LogPosition, NewEvent, RecordedEvent } from '../types.js';
import { eventDigest, linkHash } from '../chain.js';
import { comparePositions, LOG_START } from '../types.js';

/** The fields of a client record the adapter reads; records from stream reads, $all reads and subscriptions all have them. */
export interface ClientRecord {
  readonly streamId: string;
  readonly id: string;
  readonly type: string;
  readonly revision: bigint;
  readonly created: Date;
  readonly isJson: boolean;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly position?: Position | undefined;
}

/** What the server sends as "no position" (a ulong -1), e.g. for events of explicit transactions read from a stream. */
const NO_POSITION = 0xffff_ffff_ffff_ffffn;

export function toLogPosition(position: Position | undefined): LogPosition | null {
  if (!position) return null;
  const commit = BigInt(position.commit);
  const prepare = BigInt(position.prepare);
  if (commit < 0n || prepare < 0n || commit === NO_POSITION || prepare === NO_POSITION) return null;
  return { commit, prepare };
}

/** The log's start is the client's START: position 0/0 is not guaranteed to be a record boundary. */
export function toReadPosition(after: LogPosition | undefined): ReadPosition {
  if (!after || comparePositions(after, LOG_START) <= 0) return START;
  return { commit: after.commit, prepare: after.prepare };
}

export function laterOf(a: LogPosition, b: LogPosition | null): LogPosition {
  return b !== null && comparePositions(b, a) > 0 ? b : a;
}

export function toStreamState(expected: ExpectedRevision): AppendStreamState {
  switch (expected) {
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    case 'any':
      return ANY;
    default:
      if (!Number.isSafeInteger(expected) || expected < 0) throw new RangeError(`expected revision must be a non-negative integer, got ${expected}`);
      return BigInt(expected);
  }
}

export function toActualRevision(current: CurrentStreamState): ActualRevision {
  if (current === NO_STREAM || current < 0n) return 'no_stream';
  return Number(current);
}

/**
 * The metadata key holding an event's chain link on EventStoreDB, which has no column for it (not a
 * `$` key: those belong to the server). It is not part of what the link hashes, and reads hand it
 * out as `hash`, never inside `metadata`.
 */
export const CHAIN_KEY = 'itsm.chain';

/** The batch as the server stores it: each event's metadata carrying its link, chained onto `last`. */
export function chainOnto(last: ClientRecord | undefined, events: readonly NewEvent[]): EventData[] {
  let previous = last ? chainLinkOf(last) : null;
  return events.map((event) => {
    previous = linkHash(previous, eventDigest(event));
    // The id is ours: the server's duplicate check then makes a retried append a no-op.
    return jsonEvent({ id: event.id, type: event.type, data: event.data, metadata: { ...event.metadata, [CHAIN_KEY]: previous } });
  });
}

function chainLinkOf(record: ClientRecord): string | null {
  const link = isJsonObject(record.metadata) ? record.metadata[CHAIN_KEY] : undefined;
  return typeof link === 'string' ? link : null;
}

/** JSON.parse output: an object that is not an array (binary payloads arrive as Uint8Array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

export function toRecordedEvent(record: ClientRecord, position: LogPosition): RecordedEvent {
  const { [CHAIN_KEY]: _link, ...metadata } = isJsonObject(record.metadata) ? record.metadata : {};
  const hash = chainLinkOf(record);
  return {
    ...(hash ? { hash } : {}),
    id: record.id,
    type: record.type,
    data: record.isJson && isJsonObject(record.data) ? record.data : {},
    metadata,
    streamId: record.streamId,
    revision: Number(record.revision),
    position,
    recordedAt: record.created,
  };
}
