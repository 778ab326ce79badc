import { AsyncLocalStorage } from 'node:async_hooks';
import { DecoratedEventStore } from './decorated.js';
import type { AppendOptions, AppendResult, EventStore, ExpectedRevision, LogPosition, NewEvent, StreamAppend, StreamAppendOutcome } from './types.js';
import { comparePositions } from './types.js';

interface Receipt {
  last: LogPosition | null;
}

/**
 * Where the appends of one unit of work (a request) landed in the log, whichever command made
 * them: the API hands the furthest back as Log-Position, so a client can ask a later read to wait
 * until the read models fed from the log have passed its write.
 */
export class WriteReceipts {
  private readonly scope = new AsyncLocalStorage<Receipt>();

  /** Runs `work` with receipts of its own; answers the furthest position it appended at (null: none). */
  async collect(work: () => Promise<void>): Promise<LogPosition | null> {
    const receipt: Receipt = { last: null };
    await this.scope.run(receipt, work);
    return receipt.last;
  }

  record(position: LogPosition): void {
    const receipt = this.scope.getStore();
    if (receipt && (!receipt.last || comparePositions(position, receipt.last) > 0)) receipt.last = position;
  }
}

/** Tells the receipts of the unit of work in progress where each append landed. */
export class ReceiptingEventStore extends DecoratedEventStore {
  constructor(
    inner: EventStore,
    private readonly receipts: WriteReceipts,
  ) {
    super(inner);
  }

  override async appendToStream(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision, options?: AppendOptions): Promise<AppendResult> {
    const result = await this.inner.appendToStream(streamId, events, expected, options);
    this.receipts.record(result.position);
    return result;
  }

  override async appendToStreams(appends: readonly StreamAppend[]): Promise<StreamAppendOutcome[]> {
    const outcomes = await this.inner.appendToStreams(appends);
    for (const outcome of outcomes) if (outcome.ok) this.receipts.record(outcome.result.position);
    return outcomes;
  }
}
