import type { AllStreamSubscription, AppendResult as ClientAppendResult, ReadRevision } from '@kurrent/kurrentdb-client';
import {
  BACKWARDS,
  StreamDeletedError as ClientStreamDeletedError,
  END,
  excludeSystemEvents,
  FORWARDS,
  KurrentDBClient,
  metastreamOf,
  NO_STREAM,
  START,
  StreamTombstonedError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import { StreamDeletedError, StreamNotFoundError, WrongExpectedRevisionError } from '../errors.js';
import type {
  AppendResult,
  EventStore,
  InlineWriter,
  ExpectedRevision,
  KeyedEvent,
  LogPosition,
  NewEvent,
  ReadAllOptions,
  ReadAllPage,
  ReadStreamOptions,
  RecordedEvent,
  StreamAppend,
  StreamAppendOutcome,
  StreamInfo,
  SubscribeOptions,
  SubscriptionItem,
} from '../types.js';
import { checkStreamAppends, comparePositions, LOG_START } from '../types.js';
import { settleWithin, withDeadline } from './deadline.js';
import { isSystemRecord, matchesFilter, serverFilter } from './filters.js';
import { LiveHead } from './live-head.js';
import type { ClientRecord } from './mapping.js';
import { chainOnto, laterOf, toActualRevision, toLogPosition, toReadPosition, toRecordedEvent, toStreamState } from './mapping.js';
import type { StreamMeta } from './metadata.js';
import { streamMetaOf, withDeletedMark } from './metadata.js';
import { EsdbReader } from './reader.js';
import { pumpSubscription } from './subscription.js';

const DEFAULT_DEADLINE_MS = 10_000;
/** Our timer on calls whose deadline the server enforces runs this much longer, so the server's answer wins. */
const SERVER_DEADLINE_GRACE_MS = 1_000;
/** How far back the head search looks past records of `$` streams whose type lacks the `$`. */
const HEAD_SCAN = 16;
const METADATA_ATTEMPTS = 3;
/** Appends that lose the race for the head they chained onto try again this often. */
const CHAIN_ATTEMPTS = 25;

export interface EsdbEventStoreOptions {
  /** Longest any single call to the server may take, in milliseconds (default 10 s). */
  readonly deadlineMs?: number;
}

/**
 * Event store on EventStoreDB / KurrentDB through the official client.
 *
 * Streams, revisions, optimistic concurrency, idempotent appends and the $all order are the server's.
 * Two things are ours: soft delete (a mark in the stream's metadata, see metadata.ts) and the exclusive
 * `after` of global reads (the server starts a read at the given position, not past it).
 */
export class EsdbEventStore implements EventStore {
  readonly name = 'eventstoredb';
  /** No transaction spans the server and PostgreSQL: read models are all fed from the log. */
  readonly sharesTransactions = false;
  private readonly deadlineMs: number;
  private readonly reader: EsdbReader;
  private readonly liveHead: LiveHead;

  static connect(url: string, options: EsdbEventStoreOptions = {}): EsdbEventStore {
    return new EsdbEventStore(KurrentDBClient.connectionString(url), options);
  }

  constructor(
    private readonly client: KurrentDBClient,
    options: EsdbEventStoreOptions = {},
  ) {
    this.deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    this.reader = new EsdbReader(client, this.deadlineMs);
    this.liveHead = new LiveHead({
      subscribeFromEnd: () => client.subscribeToAll({ fromPosition: END, filter: excludeSystemEvents() }),
      release: (subscription) => this.release(subscription),
      readHead: (withinMs) => settleWithin(this.headPosition(), withinMs),
    });
  }

  writeInline(writer: InlineWriter | null): void {
    if (writer) throw new Error('EventStoreDB cannot write read models in the transaction of an append');
  }

  async appendToStream(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError('append needs at least one event');
    // Check-then-append: the server cannot see our mark, so a delete racing this append can lose.
    if ((await this.metaOf(streamId)).deleted) throw new StreamDeletedError(streamId);
    for (let attempt = 1; ; attempt++) {
      const last = await this.reader.lastOf(streamId);
      const chained = chainOnto(last, events);
      const repeat = last !== undefined && last.id === events.at(-1)!.id;
      // The chain needs the link the batch follows, so an `any` or `stream_exists` append is sent
      // as an exact one at the head it chained onto; losing that race re-reads the head and tries
      // again. A repeat of an append already made goes out as `any`, where the server's duplicate
      // check makes it a no-op. Exact expectations go out as they came, conflicts and repeats included.
      const pinned = (expected === 'any' || expected === 'stream_exists') && !repeat;
      if (pinned && expected === 'stream_exists' && !last) throw new WrongExpectedRevisionError(streamId, expected, 'no_stream');
      const streamState = pinned ? (last ? last.revision : NO_STREAM) : repeat && (expected === 'any' || expected === 'stream_exists') ? toStreamState('any') : toStreamState(expected);
      let result: ClientAppendResult;
      try {
        result = await this.serverCall(this.client.appendToStream(streamId, chained, { streamState, deadline: this.deadlineMs }), `append to ${streamId}`);
      } catch (error) {
        if (pinned && error instanceof WrongExpectedVersionError && attempt < CHAIN_ATTEMPTS) continue;
        throw toPortAppendError(error, streamId, expected);
      }
      if (!result.success) {
        // Only when the connection string turns throwOnAppendFailure off; the revision it then reports is unreliable.
        const head = await this.reader.lastOf(streamId);
        throw new WrongExpectedRevisionError(streamId, expected, head ? Number(head.revision) : 'no_stream');
      }
      const position = (await this.positionAt(streamId, result.nextExpectedRevision)) ?? toLogPosition(result.position);
      if (!position) throw new Error(`EventStoreDB reported no position for the append to ${streamId}`);
      return { nextExpectedRevision: Number(result.nextExpectedRevision), position };
    }
  }

  /**
   * One append after another: the server has no batch across streams that keeps our chain links and
   * JSON metadata, and the port promises no atomicity, only that each append stands on its own.
   */
  async appendToStreams(appends: readonly StreamAppend[]): Promise<StreamAppendOutcome[]> {
    checkStreamAppends(appends);
    const outcomes: StreamAppendOutcome[] = [];
    for (const { streamId, events, expected } of appends) {
      try {
        outcomes.push({ ok: true, result: await this.appendToStream(streamId, events, expected) });
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError || error instanceof StreamDeletedError)) throw error;
        outcomes.push({ ok: false, error });
      }
    }
    return outcomes;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const direction = options.direction === 'backwards' ? BACKWARDS : FORWARDS;
    if (options.maxCount !== undefined && options.maxCount <= 0) return [];
    let fromRevision: ReadRevision = direction === BACKWARDS ? END : START;
    if (options.fromRevision !== undefined && options.fromRevision >= 0) fromRevision = BigInt(options.fromRevision);
    else if (options.fromRevision !== undefined && direction === BACKWARDS) return [];
    // Both reads at once: a stream is rarely deleted, and commands load streams on their hot path.
    const [deleted, records] = await Promise.all([
      options.includeDeleted === true ? false : this.metaOf(streamId).then((meta) => meta.deleted),
      this.reader.stream(streamId, { direction, fromRevision, maxCount: options.maxCount }),
    ]);
    if (deleted) return [];
    // Servers before 22.6 leave stream reads without $all positions; such events carry LOG_START.
    return records.map((record) => toRecordedEvent(record, toLogPosition(record.position) ?? LOG_START));
  }

  async streamInfo(streamId: string): Promise<StreamInfo | null> {
    const [last, meta] = await Promise.all([this.reader.lastOf(streamId), this.metaOf(streamId)]);
    return last ? { revision: Number(last.revision), deleted: meta.deleted } : null;
  }

  async readAll(options: ReadAllOptions): Promise<ReadAllPage> {
    const after = options.after ?? LOG_START;
    if (options.maxCount <= 0) return { events: [], cursor: after, isEnd: false };
    const filtered = Boolean(options.filter?.categories?.length || options.filter?.eventTypes?.length);
    // Taken before the read, so a filtered read that reaches the end may move its cursor this far.
    const headBefore = filtered ? await this.headPosition() : null;
    const fromPosition = toReadPosition(options.after);
    // One more than asked for when starting from a position: the server includes the record at it.
    const requested = fromPosition === START ? options.maxCount : options.maxCount + 1;
    const records = await this.reader.all({ direction: FORWARDS, fromPosition, maxCount: requested, filter: serverFilter(options.filter) });
    const page: Array<{ record: ClientRecord; position: LogPosition }> = [];
    for (const record of records) {
      const position = toLogPosition(record.position);
      if (!position) throw new Error(`EventStoreDB returned a record of ${record.streamId} from $all without a position`);
      if (comparePositions(position, after) > 0 && page.length < options.maxCount) page.push({ record, position });
    }
    const isEnd = records.length < requested;
    const cursor = page.at(-1)?.position ?? after;
    return {
      events: page.filter(({ record }) => matchesFilter(record, options.filter)).map(({ record, position }) => toRecordedEvent(record, position)),
      cursor: isEnd ? laterOf(cursor, headBefore) : cursor,
      isEnd,
    };
  }

  async *subscribe(options: SubscribeOptions): AsyncGenerator<SubscriptionItem> {
    if (options.signal.aborted) return;
    const subscription = this.client.subscribeToAll({ fromPosition: toReadPosition(options.after), filter: serverFilter(options.filter) });
    yield* pumpSubscription(subscription, options, (done) => this.release(done));
  }

  /** The server's $all order is its commit order: what is committed is what followers see. */
  committedHeadPosition(): Promise<LogPosition> {
    return this.headPosition();
  }

  async headPosition(): Promise<LogPosition> {
    const records = await this.reader.all({ direction: BACKWARDS, fromPosition: END, maxCount: HEAD_SCAN, filter: excludeSystemEvents() });
    const newest = records.find((record) => !isSystemRecord(record)) ?? records[0];
    return (newest && toLogPosition(newest.position)) ?? LOG_START;
  }

  /**
   * Not supported: EventStoreDB indexes no metadata field, and a $all scan per retried request is
   * out of the question. A lookup would need a server-side projection linking each event with an
   * `idempotencyKey` into an `idempotency-<key>` stream (eventually consistent, so a retry right
   * after a crash could still miss it). Until then nothing is found and, on this adapter, the
   * claim's lease alone decides when a crashed request's key may run again (see
   * src/api/middleware/idempotency.ts).
   */
  findByIdempotencyKey(_key: string): Promise<KeyedEvent[]> {
    return Promise.resolve([]);
  }

  async softDeleteStream(streamId: string, expected: ExpectedRevision): Promise<void> {
    await this.rewriteMeta(streamId, (meta, last) => {
      if (!last) {
        if (expected === 'any' || expected === 'no_stream') return null;
        throw new WrongExpectedRevisionError(streamId, expected, 'no_stream');
      }
      if (meta.deleted) throw new StreamDeletedError(streamId);
      const revision = Number(last.revision);
      if (expected === 'no_stream' || (typeof expected === 'number' && expected !== revision)) {
        throw new WrongExpectedRevisionError(streamId, expected, revision);
      }
      return withDeletedMark(meta.data, true);
    });
  }

  async undeleteStream(streamId: string): Promise<void> {
    await this.rewriteMeta(streamId, (meta, last) => {
      if (!last) throw new StreamNotFoundError(streamId);
      return meta.deleted ? withDeletedMark(meta.data, false) : null;
    });
  }

  waitForAppend(after: LogPosition, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return this.liveHead.waitPast(after, timeoutMs, signal);
  }

  async close(): Promise<void> {
    await this.liveHead.close();
    await this.client.dispose();
  }

  /**
   * The position reads report for the event at `revision`. The append's own answer is not used
   * first: an idempotent repeat is answered without a position or with another one, and the port
   * promises a repeat the same result as the original.
   */
  private async positionAt(streamId: string, revision: bigint): Promise<LogPosition | null> {
    const [record] = await this.reader.stream(streamId, { direction: BACKWARDS, fromRevision: revision, maxCount: 1 });
    return record && record.revision === revision ? toLogPosition(record.position) : null;
  }

  private async metaOf(streamId: string): Promise<StreamMeta> {
    return streamMetaOf(await this.reader.lastOf(metastreamOf(streamId)));
  }

  /**
   * Read-modify-write of the stream's metadata, guarded by the metadata stream's revision and
   * retried when another writer got in between. `decide` returns the new metadata, or null for "leave it".
   */
  private async rewriteMeta(
    streamId: string,
    decide: (meta: StreamMeta, last: ClientRecord | undefined) => Record<string, unknown> | null,
  ): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const [meta, last] = await Promise.all([this.metaOf(streamId), this.reader.lastOf(streamId)]);
      const data = decide(meta, last);
      if (data === null) return;
      try {
        const result = await this.serverCall(
          this.client.setStreamMetadata(streamId, data, { expectedRevision: meta.revision ?? NO_STREAM, deadline: this.deadlineMs }),
          `metadata of ${streamId}`,
        );
        if (result.success) return;
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
      }
      if (attempt >= METADATA_ATTEMPTS) throw new Error(`metadata of ${streamId} kept changing under us; gave up after ${attempt} attempts`);
    }
  }

  private serverCall<T>(work: Promise<T>, what: string): Promise<T> {
    return withDeadline(work, this.deadlineMs + SERVER_DEADLINE_GRACE_MS, what);
  }

  private async release(subscription: AllStreamSubscription): Promise<void> {
    try {
      await withDeadline(subscription.unsubscribe(), this.deadlineMs, 'ending a subscription');
    } catch {
      // Already gone with its connection, or never got one: nothing left to end.
    }
    subscription.destroy();
  }
}

function toPortAppendError(error: unknown, streamId: string, expected: ExpectedRevision): unknown {
  if (error instanceof WrongExpectedVersionError) {
    return new WrongExpectedRevisionError(streamId, expected, toActualRevision(error.actualState));
  }
  if (error instanceof ClientStreamDeletedError || error instanceof StreamTombstonedError) return new StreamDeletedError(streamId);
  return error;
}
