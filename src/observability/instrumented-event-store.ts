import { WrongExpectedRevisionError } from '../eventstore/errors.js';
import { DecoratedEventStore } from '../eventstore/decorated.js';
import type {
  AppendOptions, AppendResult, EventStore, ExpectedRevision, NewEvent, StreamAppend, StreamAppendOutcome } from '../eventstore/types.js';
import { streamCategory } from '../eventstore/types.js';
import type { Metrics } from './metrics.js';

/**
 * Counts appends and lost races by stream category around any adapter. The category, not the
 * stream id, is the label: there are a handful of categories and millions of streams.
 * An idempotent repeat of an append is counted again: the port does not say it wrote nothing.
 */
export function instrumentEventStore(store: EventStore, metrics: Metrics): EventStore {
  return new InstrumentedEventStore(store, metrics);
}

class InstrumentedEventStore extends DecoratedEventStore {
  constructor(
    inner: EventStore,
    private readonly metrics: Metrics,
  ) {
    super(inner);
  }

  override async appendToStream(streamId: string, events: readonly NewEvent[], expected: ExpectedRevision, options?: AppendOptions): Promise<AppendResult> {
    try {
      const result = await this.inner.appendToStream(streamId, events, expected, options);
      this.metrics.eventsAppended.inc({ category: streamCategory(streamId) }, events.length);
      return result;
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) this.metrics.appendConflicts.inc({ category: streamCategory(streamId) });
      throw error;
    }
  }

  override async appendToStreams(appends: readonly StreamAppend[]): Promise<StreamAppendOutcome[]> {
    const outcomes = await this.inner.appendToStreams(appends);
    outcomes.forEach((outcome, index) => {
      const append = appends[index];
      if (!append) return;
      const category = streamCategory(append.streamId);
      if (outcome.ok) this.metrics.eventsAppended.inc({ category }, append.events.length);
      else if (outcome.error instanceof WrongExpectedRevisionError) this.metrics.appendConflicts.inc({ category });
    });
    return outcomes;
  }
}
