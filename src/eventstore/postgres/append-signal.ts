type Unlisten = () => Promise<void>;

const RECHECK_FIRST_MS = 5;
const RECHECK_MAX_MS = 200;
const POLL_WITHOUT_LISTEN_MS = 100;

/**
 * Turns NOTIFY wake-ups into "wait until the log has moved". A notification can arrive while the
 * new event is still held back by an older open transaction, so after one we re-check on a short,
 * growing interval rather than waiting for the next notification. Without LISTEN we poll.
 */
export class AppendSignal {
  private generation = 0;
  /** Appends made in this process: their commit is known, so a waiter need not ask the log. */
  private localAppends = 0;
  private readonly waiters = new Set<() => void>();
  private listening: Promise<Unlisten | null> | null = null;
  private closed = false;

  constructor(private readonly listen: (onNotify: () => void) => Promise<Unlisten>) {}

  /** Notifications (and local appends) so far: a reader notes it before it reads. */
  get notifications(): number {
    return this.generation;
  }

  /**
   * `quietSince`: the count of notifications before a read that found the log's end with nothing
   * held back; while no notification has come since, the first look at `hasMoved` is skipped.
   */
  async waitUntil(hasMoved: () => Promise<boolean>, timeoutMs: number, signal?: AbortSignal, quietSince: number | null = null): Promise<boolean> {
    const canListen = (await this.ensureListening()) !== null;
    const deadline = Date.now() + timeoutMs;
    let recheckMs = canListen ? 0 : POLL_WITHOUT_LISTEN_MS;
    const localBefore = this.localAppends;
    let trustQuiet = canListen && quietSince !== null && quietSince === this.generation;
    while (!signal?.aborted && !this.closed) {
      const seen = this.generation;
      // Our own append committed since the wait began: the log has moved (a follower that finds
      // it still held back behind an older transaction just waits again).
      if (this.localAppends !== localBefore) return true;
      if (!trustQuiet && (await hasMoved())) return true;
      trustQuiet = false;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return false;
      if (this.generation !== seen) continue;
      const notified = await this.nextNotification(recheckMs > 0 ? Math.min(recheckMs, remaining) : remaining, signal);
      if (notified) recheckMs = RECHECK_FIRST_MS;
      else if (recheckMs > 0) recheckMs = Math.min(recheckMs * 2, canListen ? RECHECK_MAX_MS : POLL_WITHOUT_LISTEN_MS);
    }
    return false;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wake of this.waiters) wake();
    const unlisten = await this.listening;
    if (unlisten) await unlisten();
  }

  private ensureListening(): Promise<Unlisten | null> {
    this.listening ??= this.listen(() => this.notify()).catch(() => null);
    return this.listening;
  }

  /** An append in this process: wake local followers without a round trip. */
  poke(): void {
    this.localAppends += 1;
    this.notify();
  }

  private notify(): void {
    this.generation += 1;
    for (const wake of this.waiters) wake();
  }

  private nextNotification(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const finish = (notified: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(onNotify);
        signal?.removeEventListener('abort', onAbort);
        resolve(notified);
      };
      const onNotify = () => finish(true);
      const onAbort = () => finish(false);
      const timer = setTimeout(() => finish(false), timeoutMs);
      this.waiters.add(onNotify);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
