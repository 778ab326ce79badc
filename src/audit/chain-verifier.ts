import { eventDigest, linkHash } from '../eventstore/chain.js';
import type { EventStore, LogPosition, RecordedEvent } from '../eventstore/types.js';
import { wholeStream } from '../eventstore/whole-stream.js';

/** Where a stream's chain stops holding, and why. */
export interface ChainBreak {
  readonly streamId: string;
  readonly revision: number;
  readonly eventId: string | null;
  readonly reason: 'altered' | 'unchained' | 'missing';
  readonly detail: string;
}

export interface StreamVerification {
  readonly streamId: string;
  readonly events: number;
  readonly intact: boolean;
  /** The last link when intact: what an anchor of this stream's head must name. */
  readonly headHash: string | null;
  readonly firstBreak: ChainBreak | null;
}

/**
 * Recomputes a chain event by event. The first event that does not fit is the break; everything
 * after it is no longer evidence, so it is not judged separately.
 */
export class ChainWalk {
  private previous: string | null = null;
  private expectedRevision = 0;
  private count = 0;
  private broken: ChainBreak | null = null;

  constructor(readonly streamId: string) {}

  take(event: RecordedEvent): void {
    this.count++;
    if (this.broken) return;
    if (event.revision !== this.expectedRevision) {
      this.broken = { streamId: this.streamId, revision: this.expectedRevision, eventId: null, reason: 'missing', detail: `revision ${this.expectedRevision} is missing; the next stored event is revision ${event.revision}` };
      return;
    }
    this.expectedRevision++;
    if (event.hash === undefined) {
      this.broken = { streamId: this.streamId, revision: event.revision, eventId: event.id, reason: 'unchained', detail: 'the event carries no chain link' };
      return;
    }
    const link = linkHash(this.previous, eventDigest(event));
    if (link !== event.hash) {
      this.broken = { streamId: this.streamId, revision: event.revision, eventId: event.id, reason: 'altered', detail: 'the stored link does not match the event and the link before it: the event, or one before it, was changed after it was written' };
      return;
    }
    this.previous = link;
  }

  result(): StreamVerification {
    return { streamId: this.streamId, events: this.count, intact: this.broken === null, headHash: this.broken ? null : this.previous, firstBreak: this.broken };
  }
}

const PAGE = 1000;

/** Verifies one stream, soft-deleted events included: an auditor's view is the whole history. */
export async function verifyStream(store: EventStore, streamId: string): Promise<StreamVerification> {
  const walk = new ChainWalk(streamId);
  for await (const event of wholeStream(store, streamId)) walk.take(event);
  return walk.result();
}

export interface LogVerification {
  readonly streams: number;
  readonly events: number;
  readonly broken: readonly ChainBreak[];
}

/**
 * Verifies every stream in one pass over the global log (which holds each stream's events in
 * revision order), for `itsm audit:verify`. `onProgress` hears the running event count.
 */
export async function verifyLog(store: EventStore, onProgress?: (events: number) => void): Promise<LogVerification> {
  const walks = new Map<string, ChainWalk>();
  let after: LogPosition | undefined;
  let events = 0;
  for (;;) {
    const page = await store.readAll({ ...(after ? { after } : {}), maxCount: PAGE });
    for (const event of page.events) {
      let walk = walks.get(event.streamId);
      if (!walk) walks.set(event.streamId, (walk = new ChainWalk(event.streamId)));
      walk.take(event);
    }
    events += page.events.length;
    onProgress?.(events);
    after = page.cursor;
    if (page.isEnd) break;
  }
  const broken = [...walks.values()].map((walk) => walk.result().firstBreak).filter((found): found is ChainBreak => found !== null);
  return { streams: walks.size, events, broken };
}
