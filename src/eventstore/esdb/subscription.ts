import type { AllStreamResolvedEvent, AllStreamSubscription, CaughtUp } from '@kurrent/kurrentdb-client';
import type { LogPosition, SubscribeOptions, SubscriptionItem } from '../types.js';
import { comparePositions, LOG_START } from '../types.js';
import { matchesFilter } from './filters.js';
import { laterOf, toLogPosition, toRecordedEvent } from './mapping.js';

/**
 * Turns the client's push subscription to $all into our pull-based items.
 *
 * The client reports "caught up" as an out-of-band event while the events the server sent before it
 * may still wait in the stream's buffer; we note how many items precede the signal and say
 * `caught_up` once exactly that many have been taken, so it lands between the right two events.
 * The stream is read in paused mode, so a slow consumer holds back the server (backpressure).
 */
export async function* pumpSubscription(
  subscription: AllStreamSubscription,
  options: SubscribeOptions,
  release: (subscription: AllStreamSubscription) => Promise<void>,
): AsyncGenerator<SubscriptionItem> {
  const { after, filter, signal } = options;
  // Written by listeners, so kept in one object: TypeScript would narrow plain `let`s to their initial values.
  const state: {
    taken: number;
    caughtUpAt: number | null;
    serverCaughtUpPosition: LogPosition | null;
    failure: Error | null;
    ended: boolean;
  } = { taken: 0, caughtUpAt: null, serverCaughtUpPosition: null, failure: null, ended: false };
  let caughtUpSaid = false;
  let lastSeen: LogPosition = after ?? LOG_START;
  let wake: (() => void) | null = null;

  const poke = () => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  const onCaughtUp = (info: CaughtUp) => {
    if (state.caughtUpAt === null) {
      state.caughtUpAt = state.taken + subscription.readableLength;
      state.serverCaughtUpPosition = toLogPosition(info.position);
    }
    poke();
  };
  const onError = (error: Error) => {
    state.failure ??= error;
    poke();
  };
  const onEnd = () => {
    state.ended = true;
    poke();
  };

  subscription.on('caughtUp', onCaughtUp);
  subscription.on('readable', poke);
  subscription.on('error', onError);
  subscription.on('end', onEnd);
  signal.addEventListener('abort', poke);
  try {
    while (!signal.aborted) {
      if (state.caughtUpAt !== null && !caughtUpSaid && state.taken >= state.caughtUpAt) {
        caughtUpSaid = true;
        // The server's position (newer servers send one) may lie past events its filter skipped.
        yield { kind: 'caught_up', position: laterOf(lastSeen, state.serverCaughtUpPosition) };
        continue;
      }
      // Readable.read() is typed `any`; in object mode it hands back one pushed item or null.
      const chunk: unknown = subscription.read();
      if (chunk !== null) {
        state.taken += 1;
        const record = (chunk as AllStreamResolvedEvent).event;
        const position = record ? toLogPosition(record.position) : null;
        // `after` is exclusive whatever the server does with the start position.
        if (!record || !position || (after && comparePositions(position, after) <= 0)) continue;
        lastSeen = laterOf(lastSeen, position);
        if (matchesFilter(record, filter)) yield { kind: 'event', event: toRecordedEvent(record, position) };
        continue;
      }
      if (state.failure) throw state.failure;
      // A subscription has no natural end: the server closing it is a drop the consumer must see.
      if (state.ended) throw new Error('EventStoreDB closed the $all subscription');
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    signal.removeEventListener('abort', poke);
    subscription.removeListener('caughtUp', onCaughtUp);
    subscription.removeListener('readable', poke);
    subscription.removeListener('end', onEnd);
    subscription.removeListener('error', onError);
    // An error emitted after we let go would otherwise be unhandled and crash the process.
    subscription.on('error', () => undefined);
    await release(subscription);
  }
}
