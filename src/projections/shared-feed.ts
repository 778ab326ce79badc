import type { Logger } from 'pino';
import { pause } from '../background/pause.js';
import type { Database } from '../db/types.js';
import type { EventStore, LogPosition, ReadAllPage } from '../eventstore/types.js';
import { comparePositions, formatPosition, matchesLogFilter } from '../eventstore/types.js';
import type { Checkpoint } from './checkpoints.js';
import { readAllCheckpoints, skipManyToCheckpoint } from './checkpoints.js';
import type { Projection } from './types.js';

/** One projection's share of a page. */
export interface GroupMember {
  readonly projection: Projection;
  readonly events: ReadAllPage['events'];
}

/** What applying a group's page came to: who applied it (the others were contended), and how long each took. */
export interface GroupOutcome {
  readonly applied: ReadonlySet<string>;
  readonly seconds: ReadonlyMap<string, number>;
}

export interface SharedFeedOptions {
  readonly db: Database;
  readonly store: EventStore;
  readonly projections: readonly Projection[];
  readonly logger: Logger;
  readonly batchSize: number;
  readonly idleWaitMs: number;
  /**
   * Applies each member's events and moves their checkpoints, all in one transaction (the
   * runner's): one commit for the group, not one per read model. `passengers` have nothing in the
   * page: their checkpoints move in the same statement if still where they were read (no claim).
   */
  readonly applyGroup: (members: readonly GroupMember[], from: LogPosition, to: LogPosition, passengers: readonly Projection[]) => Promise<GroupOutcome>;
  /** Told whenever a checkpoint moved (read-your-writes waiters, metrics). */
  readonly onMoved: (projection: Projection, events: number, cursor: LogPosition, seconds: number) => void;
  /**
   * Told of every failure (a projection's batch, or a read of the log) before the feed backs off
   * and tries again: a catch-up stops at the first one rather than retrying until its deadline.
   */
  readonly onFailure?: (error: unknown, projection: Projection | null) => void;
  /**
   * Catch-up: once the kept pages are full, projections ahead of the slowest wait for it rather
   * than read pages it will have to read again; the slowest read model sets the pace anyway. The
   * live feed never holds a projection back for another (one failing read model would stall all).
   */
  readonly paced?: boolean;
  /** Told what every read of the checkpoints table found (which projections are written inline). */
  readonly onCheckpoints?: (checkpoints: ReadonlyMap<string, Checkpoint>) => void;
  /** Told when a projection fed here has reached the end of the visible log. */
  readonly onReachedEnd?: (projection: Projection) => void;
}

/** After another runner took a projection's batch: look again soon, it may have gone away. */
const CONTENDED_PAUSE_MS = 200;
/** Full pages kept for projections that trail the one that read them (a few MB each at catch-up size). */
const KEPT_PAGES = 24;
/**
 * A group whose batch took longer than this sends its slowest member to be fed on its own, and
 * a group that failed sends every member, for ALONE_MS: one slow or failing read model holds the
 * others back for one batch, not for good.
 */
const SLOW_GROUP_MS = 1_000;
const ALONE_MS = 60_000;
/**
 * How often the table is read again even when nothing contradicts what the feed knows: another
 * process may have taken a projection out of the appends (a rebuild) and died before it finished.
 */
const REFRESH_MS = 30_000;

/**
 * Feeds every projection of this process from one read of the log per position, instead of each
 * projection reading the log, its checkpoint and the head on its own: with twenty read models,
 * every command woke twenty loops and their hundred-odd statements competed with the requests for
 * the pool. Checkpoints are kept in memory between batches and trusted only as a hint: every
 * write re-checks them in the database, so other runners (another process, a CLI rebuild, a
 * catch-up) always win, and a mismatch only sends the feed back to read the table.
 *
 * Projections with nothing in a page move together in one statement; those with events apply
 * them together, in one transaction (one commit per batch for the group). A read model that
 * fails in a group, or is slow in it, is fed on its own for a minute, so it holds the others
 * back for at most that one batch.
 */
export class SharedFeed {
  private readonly known = new Map<string, Checkpoint>();
  /** When each known checkpoint was learnt (ms since epoch). */
  private readonly knownSince = new Map<string, number>();
  private readonly busy = new Map<string, Promise<void>>();
  private readonly resumeAt = new Map<string, number>();
  private readonly failures = new Map<string, number>();
  private readonly aloneUntil = new Map<string, number>();
  private refreshedAt = 0;
  private wake: AbortController | null = null;
  private pokedWhileBusy = false;
  /**
   * Where a read last found the end of the visible log, until an append is seen: a projection
   * finishing its batch there has nothing to read yet, and asking again would cost a round trip
   * per finished batch.
   */
  private endSeen: LogPosition | null = null;
  /**
   * Full pages read lately, by the position they were read after. Projections apply a page at
   * their own pace, so after a few pages they stand at as many positions as there are busy read
   * models; without these, each of them read the same page again (a rebuild read its log 7.7
   * times over, and parsing those rows was the largest part of its CPU).
   */
  private readonly pages = new Map<string, ReadAllPage>();

  constructor(private readonly options: SharedFeedOptions) {}

  /**
   * Forgets what the table contradicts: a checkpoint behind what this feed committed was reset
   * (a rebuild elsewhere) and must be read again before anyone relies on it.
   */
  reconcile(checkpoints: ReadonlyMap<string, Checkpoint>, readStartedAt: number): void {
    let forgot = false;
    for (const [name, known] of this.known) {
      const current = checkpoints.get(name);
      // A read begun before this feed's last commit shows the older checkpoint: no news.
      if (this.busy.has(name) || (this.knownSince.get(name) ?? Infinity) >= readStartedAt) continue;
      if (!current || current.version !== known.version || comparePositions(current.position, known.position) < 0) {
        this.known.delete(name);
        forgot = true;
      }
    }
    if (forgot) this.poke();
  }

  /** Where this feed last committed the projection's checkpoint (undefined when it does not know). */
  standsAt(name: string): LogPosition | undefined {
    return this.known.get(name)?.position;
  }

  async run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        const outcome = await this.feedOnce();
        failures = 0;
        if (outcome) await this.idle(outcome.idleAt, signal);
      } catch (error) {
        failures += 1;
        const delay = Math.min(30_000, 100 * 2 ** Math.min(failures, 8));
        this.options.onFailure?.(error, null);
        this.options.logger.error({ err: error, retryInMs: delay }, 'projection feed failed');
        this.known.clear();
        await pause(delay, signal);
      }
    }
    await Promise.allSettled([...this.busy.values()]);
  }

  /**
   * Reads once per distinct checkpoint and hands each waiting projection its share. Returns where
   * the idle projections stand when there was nothing to read (time to wait for an append; null
   * when none is idle), or null when it should look again straight away.
   */
  private async feedOnce(): Promise<{ readonly idleAt: LogPosition | null } | null> {
    this.pokedWhileBusy = false;
    const now = Date.now();
    const ready = this.options.projections.filter((projection) => !this.busy.has(projection.name) && (this.resumeAt.get(projection.name) ?? 0) <= now);
    if (now - this.refreshedAt > REFRESH_MS || ready.some((projection) => !this.known.has(projection.name))) await this.refreshCheckpoints();
    const groups = new Map<string, { position: LogPosition; projections: Projection[] }>();
    for (const projection of ready) {
      const checkpoint = this.known.get(projection.name);
      // Not prepared yet, or being re-created under another version: the runner's prepare() owns
      // that. Written inline: the appends feed it.
      if (!checkpoint || checkpoint.version !== projection.version || checkpoint.inline) continue;
      const key = formatPosition(checkpoint.position);
      const group = groups.get(key) ?? { position: checkpoint.position, projections: [] };
      group.projections.push(projection);
      groups.set(key, group);
    }
    let head: LogPosition | null = null;
    let moved = false;
    const slowest = this.options.paced ? this.slowestKnown() : null;
    for (const { position, projections } of groups.values()) {
      const atEnd = this.endSeen !== null && comparePositions(position, this.endSeen) === 0;
      // Held back: finishing a batch of the slowest pokes the feed, and this group goes on then.
      if (slowest && !atEnd && this.pages.size >= KEPT_PAGES && !this.pages.has(formatPosition(position)) && comparePositions(position, slowest) > 0) continue;
      const page = atEnd ? null : await this.readPage(position);
      if (!page || comparePositions(page.cursor, position) === 0) {
        this.sawEnd(position);
        if (!head || comparePositions(position, head) > 0) head = position;
        for (const projection of projections) this.options.onReachedEnd?.(projection);
        continue;
      }
      if (page.isEnd) this.sawEnd(page.cursor);
      moved = true;
      const idle: Projection[] = [];
      const grouped: GroupMember[] = [];
      for (const projection of projections) {
        const events = projection.filter ? page.events.filter((event) => matchesLogFilter(event, projection.filter)) : page.events;
        if (events.length === 0) idle.push(projection);
        else if ((this.aloneUntil.get(projection.name) ?? 0) > now) this.launch([{ projection, events }], position, page.cursor, page.isEnd);
        else grouped.push({ projection, events });
      }
      // Those with nothing in the page ride along with the group's batch: no statement of their own.
      if (grouped.length > 0) this.launch(grouped, position, page.cursor, page.isEnd, idle);
      else if (idle.length > 0) await this.skip(idle, position, page.cursor, page.isEnd);
    }
    this.forgetPagesBehind();
    if (moved) return null;
    // Nothing ready at all (every projection busy or pausing): wait for one to finish.
    return { idleAt: head };
  }

  private async readPage(after: LogPosition): Promise<ReadAllPage> {
    const key = formatPosition(after);
    const kept = this.pages.get(key);
    if (kept) return kept;
    const page = await this.options.store.readAll({ after, maxCount: this.options.batchSize });
    // A full page lies below the read horizon, so it never changes; the last page of the log may
    // still grow and is read afresh.
    if (!page.isEnd && page.events.length > 0) {
      // Paced, the slowest reads past full pages only for itself: nobody behind it needs them.
      if (this.options.paced && this.pages.size >= KEPT_PAGES) return page;
      this.pages.set(key, page);
      if (this.pages.size > KEPT_PAGES) this.pages.delete(this.pages.keys().next().value as string);
    }
    return page;
  }

  /**
   * Where the projection furthest behind stands; null when one of them is not known. One being
   * re-created under another version does not count: it starts over from a read of its own, and
   * holding the others for it would stall them.
   */
  private slowestKnown(): LogPosition | null {
    let slowest: LogPosition | null = null;
    for (const projection of this.options.projections) {
      const checkpoint = this.known.get(projection.name);
      if (!checkpoint) return null;
      if (checkpoint.version !== projection.version) continue;
      if (!slowest || comparePositions(checkpoint.position, slowest) < 0) slowest = checkpoint.position;
    }
    return slowest;
  }

  /** Drops the pages every projection of this feed has passed (one it does not know keeps them all). */
  private forgetPagesBehind(): void {
    if (this.pages.size === 0) return;
    const slowest = this.slowestKnown();
    if (!slowest) return;
    for (const [key, page] of this.pages) if (comparePositions(page.cursor, slowest) <= 0) this.pages.delete(key);
  }

  private sawEnd(position: LogPosition): void {
    if (!this.endSeen || comparePositions(position, this.endSeen) > 0) this.endSeen = position;
  }

  /** Moves every projection with nothing in the page past it, in one conditional statement. */
  private async skip(projections: readonly Projection[], from: LogPosition, to: LogPosition, atEnd: boolean): Promise<void> {
    const started = process.hrtime.bigint();
    const movedNames = await skipManyToCheckpoint(
      this.options.db.knex,
      projections.map((projection) => ({ name: projection.name, version: projection.version })),
      from,
      to,
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    for (const projection of projections) {
      if (movedNames.has(projection.name)) {
        this.learn(projection.name, { version: projection.version, position: to, eventsApplied: this.known.get(projection.name)?.eventsApplied ?? 0, inline: false }, Date.now());
        this.options.onMoved(projection, 0, to, seconds);
        if (atEnd) this.options.onReachedEnd?.(projection);
      } else {
        // Someone else moved it: read where it stands before going on.
        this.known.delete(projection.name);
      }
    }
  }

  private launch(members: readonly GroupMember[], from: LogPosition, to: LogPosition, atEnd: boolean, passengers: readonly Projection[] = []): void {
    const started = process.hrtime.bigint();
    const work = this.options
      .applyGroup(members, from, to, passengers)
      .then((outcome) => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        for (const projection of passengers) {
          if (outcome.applied.has(projection.name)) {
            this.learn(projection.name, { version: projection.version, position: to, eventsApplied: this.known.get(projection.name)?.eventsApplied ?? 0, inline: false }, Date.now());
            this.options.onMoved(projection, 0, to, seconds);
            if (atEnd) this.options.onReachedEnd?.(projection);
          } else {
            // Moved by someone else, or the batch was not applied: read where it stands before going on.
            this.known.delete(projection.name);
          }
        }
        for (const { projection, events } of members) {
          this.failures.delete(projection.name);
          if (outcome.applied.has(projection.name)) {
            this.learn(projection.name, { version: projection.version, position: to, eventsApplied: (this.known.get(projection.name)?.eventsApplied ?? 0) + events.length, inline: false }, Date.now());
            this.options.onMoved(projection, events.length, to, outcome.seconds.get(projection.name) ?? seconds);
            if (atEnd) this.options.onReachedEnd?.(projection);
          } else {
            this.known.delete(projection.name);
            this.resumeAt.set(projection.name, Date.now() + CONTENDED_PAUSE_MS);
          }
        }
        if (members.length > 1 && seconds * 1000 > SLOW_GROUP_MS) {
          const slowest = [...outcome.seconds.entries()].sort((a, b) => b[1] - a[1])[0];
          if (slowest) {
            this.aloneUntil.set(slowest[0], Date.now() + ALONE_MS);
            this.options.logger.warn({ projection: slowest[0], seconds: slowest[1] }, 'projection slow in its group: fed on its own for a while');
          }
        }
      })
      .catch((error: unknown) => {
        for (const projection of passengers) this.known.delete(projection.name);
        if (members.length > 1) {
          // Which member failed is not known: each goes on alone, straight away, and only the failing one backs off.
          for (const { projection } of members) {
            this.aloneUntil.set(projection.name, Date.now() + ALONE_MS);
            this.known.delete(projection.name);
          }
          this.options.onFailure?.(error, null);
          this.options.logger.warn({ err: error, projections: members.map((member) => member.projection.name) }, 'projection group batch failed: each is fed on its own for a while');
          return;
        }
        const projection = members[0]!.projection;
        const failures = (this.failures.get(projection.name) ?? 0) + 1;
        this.failures.set(projection.name, failures);
        const delay = Math.min(30_000, 100 * 2 ** Math.min(failures, 8));
        this.options.onFailure?.(error, projection);
        this.options.logger.error({ err: error, projection: projection.name, retryInMs: delay }, 'projection batch failed');
        this.known.delete(projection.name);
        this.resumeAt.set(projection.name, Date.now() + delay);
      })
      .finally(() => {
        for (const { projection } of members) this.busy.delete(projection.name);
        for (const projection of passengers) this.busy.delete(projection.name);
        this.poke();
      });
    for (const { projection } of members) this.busy.set(projection.name, work);
    for (const projection of passengers) this.busy.set(projection.name, work);
  }

  private learn(name: string, checkpoint: Checkpoint, at: number): void {
    this.known.set(name, checkpoint);
    this.knownSince.set(name, at);
  }

  /** Forgets what it knew of a projection (its checkpoint changed elsewhere, e.g. it went inline). */
  forget(name: string): void {
    if (this.busy.has(name)) return;
    this.known.delete(name);
    this.poke();
  }

  private async refreshCheckpoints(): Promise<void> {
    const startedAt = Date.now();
    const checkpoints = await readAllCheckpoints(this.options.db.knex);
    this.refreshedAt = startedAt;
    this.options.onCheckpoints?.(checkpoints);
    for (const projection of this.options.projections) {
      if (this.busy.has(projection.name)) continue;
      const checkpoint = checkpoints.get(projection.name);
      if (checkpoint) this.learn(projection.name, checkpoint, startedAt);
      else this.known.delete(projection.name);
    }
  }

  /** Waits for an append past `head` (if any projection waits for one), a finished batch, or the end of a pause. */
  private async idle(head: LogPosition | null, signal: AbortSignal): Promise<void> {
    if (this.pokedWhileBusy) {
      this.pokedWhileBusy = false;
      return;
    }
    const wake = new AbortController();
    const stop = () => wake.abort();
    signal.addEventListener('abort', stop, { once: true });
    this.wake = wake;
    try {
      const now = Date.now();
      const nextResume = Math.min(...[...this.resumeAt.values()].filter((at) => at > now), now + this.options.idleWaitMs);
      const timeoutMs = Math.max(1, nextResume - now);
      if (wake.signal.aborted || signal.aborted) return;
      if (head) {
        // Woken by a finished batch, the end seen still holds; an append or a timeout ends it.
        const appended = await this.options.store.waitForAppend(head, timeoutMs, wake.signal);
        if (appended || !wake.signal.aborted) this.endSeen = null;
      } else {
        await pause(timeoutMs, wake.signal);
      }
    } finally {
      this.wake = null;
      signal.removeEventListener('abort', stop);
    }
  }

  private poke(): void {
    if (this.wake) this.wake.abort();
    else this.pokedWhileBusy = true;
  }
}
