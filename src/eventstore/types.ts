/**
 * The event store port. Two adapters implement it (PostgreSQL/PGlite and EventStoreDB) and both
 * must pass test/eventstore/contract.ts.
 */

import type { Knex } from 'knex';
import type { SqlSession } from '../db/types.js';
import type { JsonObject, JsonValue } from '../domain/json.js';
import type { StreamDeletedError, WrongExpectedRevisionError } from './errors.js';

export type { JsonObject, JsonValue };

/**
 * A place in the global log, compared lexicographically: first `commit`, then `prepare`.
 * PostgreSQL: commit = the appending transaction's id (xid8), prepare = the event's sequence number.
 * EventStoreDB: its own commit/prepare positions. Events of one transaction share `commit`.
 */
export interface LogPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export const LOG_START: LogPosition = Object.freeze({ commit: 0n, prepare: 0n });

export function comparePositions(a: LogPosition, b: LogPosition): -1 | 0 | 1 {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

export function formatPosition(p: LogPosition): string {
  return `${p.commit}/${p.prepare}`;
}

/** The text of `formatPosition`; null for anything else, including numbers past 64 bits (no store has them). */
export function parsePosition(text: string): LogPosition | null {
  const match = /^(\d{1,20})\/(\d{1,20})$/.exec(text);
  if (!match) return null;
  const position = { commit: BigInt(match[1]!), prepare: BigInt(match[2]!) };
  return position.commit < 2n ** 64n && position.prepare < 2n ** 64n ? position : null;
}

/** When the event happened, as its command said; the store's recording time for events without it. */
export function occurredAt(event: RecordedEvent): string {
  return typeof event.metadata.occurredAt === 'string' ? event.metadata.occurredAt : event.recordedAt.toISOString();
}

/** What a stream must look like for an append to go through. */
export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | number;

export interface NewEvent {
  /** A UUID chosen by the caller; appending the same ids again is a no-op (idempotent append). */
  readonly id: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
}

export interface RecordedEvent {
  readonly id: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
  readonly streamId: string;
  /** 0-based index of the event within its stream. */
  readonly revision: number;
  readonly position: LogPosition;
  readonly recordedAt: Date;
  /** The event's link in its stream's tamper-evidence chain (hex SHA-256; see chain.ts). */
  readonly hash?: string;
}

export interface AppendResult {
  /** Revision of the last event of the stream after the append. */
  readonly nextExpectedRevision: number;
  /** Position of the last event appended (or already there, for an idempotent repeat). */
  readonly position: LogPosition;
  /** The number an append with `numbering` took (absent for a repeat: its events keep theirs). */
  readonly number?: string;
}

/** One append of a batch: a stream, its new events, and what the stream must look like. */
export interface StreamAppend {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly expected: ExpectedRevision;
  /** The same events as read models see them (see AppendOptions.opened). */
  readonly opened?: readonly NewEvent[];
}

export interface AppendOptions {
  /**
   * The same events, one for one, as read models see them: a decorator that changes events on
   * the way in (sealing people's data) hands the inline read models what it was given, since the
   * store must not call back into it from inside its transaction.
   */
  readonly opened?: readonly NewEvent[];
  /** Number the append from a gap-free counter taken in its own transaction (PostgreSQL only; see AppendNumbering). */
  readonly numbering?: AppendNumbering;
}

/**
 * A number taken for an append in its own transaction: the next value of `counter`, formatted,
 * replaces `placeholder` in the `field` of the events' data. A refused or failed append gives
 * the number back, so the numbers stay gap-free and unique.
 */
export interface AppendNumbering {
  readonly counter: string;
  readonly field: string;
  readonly placeholder: string;
  format(sequence: number): string;
}

/** The events with the number in place of the placeholder (what the store writes, and what the decider must fold). */
export function numbered<Event extends { readonly data: JsonObject }>(events: readonly Event[], numbering: AppendNumbering, value: string): Event[] {
  return events.map((event) => (event.data[numbering.field] === numbering.placeholder ? { ...event, data: { ...event.data, [numbering.field]: value } } : event));
}

/**
 * Writes read models in the transaction of an append, from the events it recorded (in log
 * order). A failure rolls the append back. `written` is what the append's own statement asked of
 * projections_written_inline() (migration 20261207_002), `name:version` entries: the read models
 * the appends write now, under the switch lock it took shared for the rest of the transaction.
 */
export type InlineWriter = (trx: Knex.Transaction, events: readonly RecordedEvent[], written: readonly string[]) => Promise<void>;

/** Each append of a batch goes through or is refused on its own, as `appendToStream` would. */
export type StreamAppendOutcome =
  | { readonly ok: true; readonly result: AppendResult }
  | { readonly ok: false; readonly error: WrongExpectedRevisionError | StreamDeletedError };

export interface ReadStreamOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** Inclusive start; defaults to the first event (forwards) or the last (backwards). */
  readonly fromRevision?: number;
  readonly maxCount?: number;
  /** Soft-deleted streams read as empty unless this is set (what auditors use). */
  readonly includeDeleted?: boolean;
}

export interface LogFilter {
  /** Stream category: the part of the stream id before the first '-' (`ticket-<uuid>` → `ticket`). */
  readonly categories?: readonly string[];
  readonly eventTypes?: readonly string[];
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Defaults to the start of the log. */
  readonly after?: LogPosition;
  readonly maxCount: number;
  readonly filter?: LogFilter;
  /**
   * Read inside this transaction, every committed event included, none held back behind an older
   * open transaction: only for a caller that holds appends off (a projection going inline).
   */
  readonly within?: SqlSession;
}

export interface ReadAllPage {
  readonly events: RecordedEvent[];
  /**
   * Where the next read continues from. With a filter this moves past events that did not match,
   * so a filtered reader never rescans them.
   */
  readonly cursor: LogPosition;
  /** True when nothing visible lies after `cursor` yet. */
  readonly isEnd: boolean;
}

export interface SubscribeOptions {
  readonly after?: LogPosition;
  readonly filter?: LogFilter;
  readonly signal: AbortSignal;
}

/** A subscription yields events in log order and says once when it has caught up with the head. */
export type SubscriptionItem =
  | { readonly kind: 'event'; readonly event: RecordedEvent }
  | { readonly kind: 'caught_up'; readonly position: LogPosition };

/**
 * An event appended under a request's idempotency key (the metadata's `idempotencyKey`, see
 * src/commands/metadata.ts): where it sits, and the fingerprint of the request that appended it.
 */
export interface KeyedEvent {
  readonly streamId: string;
  readonly revision: number;
  readonly type: string;
  readonly position: LogPosition;
  readonly requestFingerprint: string | null;
}

export interface StreamInfo {
  readonly revision: number;
  readonly deleted: boolean;
}

export interface EventStore {
  readonly name: string;
  /** Whether an append can write read models in its own transaction (PostgreSQL: yes; EventStoreDB: no). */
  readonly sharesTransactions: boolean;
  /**
   * Every append from now on also runs `writer` in its transaction (null: none). Only where
   * `sharesTransactions`; elsewhere it throws.
   */
  writeInline(writer: InlineWriter | null): void;
  appendToStream(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision, options?: AppendOptions): Promise<AppendResult>;
  /**
   * Many appends in one call, for bulk writers (an import): each is checked against its own
   * expectation and written or refused on its own, exactly as `appendToStream` would do it, and
   * followers are woken once for the lot rather than once per stream. Not atomic across streams:
   * only an error other than a refusal fails the call (PostgreSQL then writes none of them).
   * Outcomes come in the order of `appends`; a stream may appear at most once.
   */
  appendToStreams(appends: readonly StreamAppend[]): Promise<StreamAppendOutcome[]>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** null when the stream has never been written. */
  streamInfo(streamId: string): Promise<StreamInfo | null>;
  readAll(options: ReadAllOptions): Promise<ReadAllPage>;
  subscribe(options: SubscribeOptions): AsyncIterable<SubscriptionItem>;
  /** Position of the last visible event of the log (LOG_START when empty). */
  headPosition(): Promise<LogPosition>;
  /**
   * Position of the last committed event, visible to followers or not yet (PostgreSQL holds back
   * events behind an older open transaction). What "caught up with everything written so far" means.
   */
  committedHeadPosition(): Promise<LogPosition>;
  /**
   * Every committed event whose metadata carries this `idempotencyKey`, in log order, deleted
   * streams included: how a retry after a crash learns that the first attempt's command committed.
   */
  findByIdempotencyKey(key: string): Promise<KeyedEvent[]>;
  /** Hides the stream from normal reads; its events stay in the log. Never a tombstone. */
  softDeleteStream(streamId: string, expected: ExpectedRevision): Promise<void>;
  undeleteStream(streamId: string): Promise<void>;
  /**
   * Resolves true as soon as the visible log extends past `after`, false after `timeoutMs` (or on abort).
   * Followers call it when a read came back empty, instead of polling in a tight loop.
   */
  waitForAppend(after: LogPosition, timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
  close(): Promise<void>;
}

/** What both adapters refuse in a batch before writing any of it. */
export function checkStreamAppends(appends: readonly StreamAppend[]): void {
  const seen = new Set<string>();
  for (const { streamId, events } of appends) {
    if (events.length === 0) throw new RangeError(`the append to ${streamId} needs at least one event`);
    if (seen.has(streamId)) throw new RangeError(`${streamId} appears twice in one batch`);
    seen.add(streamId);
  }
}

export function streamCategory(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash === -1 ? streamId : streamId.slice(0, dash);
}

/** Whether an event passes a log filter: the same test the stores apply when reading with one. */
export function matchesLogFilter(record: { readonly streamId: string; readonly type: string }, filter: LogFilter | undefined): boolean {
  if (filter?.categories && filter.categories.length > 0 && !filter.categories.includes(streamCategory(record.streamId))) return false;
  if (filter?.eventTypes && filter.eventTypes.length > 0 && !filter.eventTypes.includes(record.type)) return false;
  return true;
}
