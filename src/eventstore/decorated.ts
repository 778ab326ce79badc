import type {
  AppendOptions,
  AppendResult,
  InlineWriter,
  EventStore,
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
} from './types.js';

/**
 * An event store wrapped around another one (metrics, encryption of personal data): everything is
 * handed to the inner store unless the wrapper overrides it, so a wrapper states only what it adds.
 */
export abstract class DecoratedEventStore implements EventStore {
  constructor(protected readonly inner: EventStore) {}

  get name(): string {
    return this.inner.name;
  }

  get sharesTransactions(): boolean {
    return this.inner.sharesTransactions;
  }

  writeInline(writer: InlineWriter | null): void {
    this.inner.writeInline(writer);
  }

  appendToStream(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision, options?: AppendOptions): Promise<AppendResult> {
    return this.inner.appendToStream(streamId, events, expected, options);
  }

  appendToStreams(appends: readonly StreamAppend[]): Promise<StreamAppendOutcome[]> {
    return this.inner.appendToStreams(appends);
  }

  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.inner.readStream(streamId, options);
  }

  streamInfo(streamId: string): Promise<StreamInfo | null> {
    return this.inner.streamInfo(streamId);
  }

  readAll(options: ReadAllOptions): Promise<ReadAllPage> {
    return this.inner.readAll(options);
  }

  subscribe(options: SubscribeOptions): AsyncIterable<SubscriptionItem> {
    return this.inner.subscribe(options);
  }

  headPosition(): Promise<LogPosition> {
    return this.inner.headPosition();
  }

  committedHeadPosition(): Promise<LogPosition> {
    return this.inner.committedHeadPosition();
  }

  findByIdempotencyKey(key: string): Promise<KeyedEvent[]> {
    return this.inner.findByIdempotencyKey(key);
  }

  softDeleteStream(streamId: string, expected: ExpectedRevision): Promise<void> {
    return this.inner.softDeleteStream(streamId, expected);
  }

  undeleteStream(streamId: string): Promise<void> {
    return this.inner.undeleteStream(streamId);
  }

  waitForAppend(after: LogPosition, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return this.inner.waitForAppend(after, timeoutMs, signal);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
