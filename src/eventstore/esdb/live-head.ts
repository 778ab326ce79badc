import type { AllStreamResolvedEvent, AllStreamSubscription } from '@kurrent/kurrentdb-client';
import type { LogPosition } from '../types.js';
import { comparePositions } from '../types.js';
import { isSystemRecord } from './filters.js';
import { laterOf, toLogPosition } from './mapping.js';

const POLL_FIRST_MS = 25;
const POLL_MAX_MS = 500;
const RESUBSCRIBE_AFTER_MS = 1_000;

interface Feed {
  readonly subscription: AllStreamSubscription;
  confirmed: boolean;
}

export interface LiveHeadPorts {
  /** A subscription to $all from its end, so only new appends come through. */
  readonly subscribeFromEnd: () => AllStreamSubscription;
  readonly release: (subscription: AllStreamSubscription) => Promise<void>;
  /** The store's head; resolves null when it could not be read within the time given. */
  readonly readHead: (withinMs: number) => Promise<LogPosition | null>;
}

/**
 * Wakes `waitForAppend` callers from one shared live subscription instead of each polling the head.
 * Until the server confirms that subscription (or while it is down), waiters poll the head with backoff.
 * After confirmation, one head read per waiter closes the gap between its `after` and the feed's start.
 */
export class LiveHead {
  private feed: Feed | null = null;
  private resubscribeAt = 0;
  private newest: LogPosition | null = null;
  private readonly waiters = new Set<() => void>();
  private closed = false;

  constructor(private readonly ports: LiveHeadPorts) {}

  async waitPast(after: LogPosition, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let pollMs = POLL_FIRST_MS;
    let headCheckedWhileLive = false;
    let firstRound = true;
    while (!signal?.aborted && !this.closed) {
      this.ensureFeed();
      if (this.isPast(after)) return true;
      const live = this.feed?.confirmed === true;
      if (firstRound || !live || !headCheckedWhileLive) {
        const head = await this.ports.readHead(Math.max(0, deadline - Date.now()));
        if (head !== null && comparePositions(head, after) > 0) return true;
        headCheckedWhileLive = live;
        firstRound = false;
        // The feed may have delivered while we read the head; from here to the wait nothing yields.
        if (this.isPast(after)) return true;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) return false;
      await this.nextWake(live ? remaining : Math.min(pollMs, remaining), signal);
      if (!live) pollMs = Math.min(pollMs * 2, POLL_MAX_MS);
    }
    return false;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wake of this.waiters) wake();
    const feed = this.feed;
    this.feed = null;
    if (feed) await this.ports.release(feed.subscription);
  }

  private isPast(after: LogPosition): boolean {
    return this.newest !== null && comparePositions(this.newest, after) > 0;
  }

  private ensureFeed(): void {
    if (this.closed || this.feed || Date.now() < this.resubscribeAt) return;
    const subscription = this.ports.subscribeFromEnd();
    const feed: Feed = { subscription, confirmed: false };
    this.feed = feed;
    subscription.on('confirmation', () => {
      feed.confirmed = true;
      this.wakeAll();
    });
    subscription.on('data', (resolved: AllStreamResolvedEvent) => {
      const record = resolved.event;
      const position = record && !isSystemRecord(record) ? toLogPosition(record.position) : null;
      if (!position) return;
      this.newest = this.newest === null ? position : laterOf(this.newest, position);
      this.wakeAll();
    });
    const drop = () => {
      if (this.feed !== feed) return;
      this.feed = null;
      this.resubscribeAt = Date.now() + RESUBSCRIBE_AFTER_MS;
      this.wakeAll();
      void this.ports.release(subscription);
    };
    subscription.on('error', drop);
    subscription.on('end', drop);
    subscription.on('close', drop);
  }

  private wakeAll(): void {
    for (const wake of this.waiters) wake();
  }

  private nextWake(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(finish);
        signal?.removeEventListener('abort', finish);
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.waiters.add(finish);
      signal?.addEventListener('abort', finish, { once: true });
    });
  }
}
