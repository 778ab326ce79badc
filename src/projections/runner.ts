import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Database } from '../db/types.js';
import type { EventStore, LogPosition } from '../eventstore/types.js';
import { comparePositions, formatPosition } from '../eventstore/types.js';
import type { Checkpoint } from './checkpoints.js';
import { advanceManyStatement, claimGroupBatch, lockProjection, readAllCheckpoints, readCheckpoint, resetCheckpoint } from './checkpoints.js';
import { DeferredWrites } from '../db/deferred-writes.js';
import { InlineProjections } from './inline.js';
import type { GroupMember, GroupOutcome } from './shared-feed.js';
import { SharedFeed } from './shared-feed.js';
import type { Projection, ProjectionLag } from './types.js';

export interface ProjectionRunnerOptions {
  readonly db: Database;
  readonly store: EventStore;
  readonly projections: readonly Projection[];
  readonly logger: Logger;
  readonly batchSize?: number;
  /** Events per page when catching up (rebuild, start-up of a CLI): larger pages, fewer statements per event. */
  readonly catchUpBatchSize?: number;
  /** How long an idle runner waits for an append before looking again anyway. */
  readonly idleWaitMs?: number;
  /** Told about every committed batch (metrics). */
  readonly onBatch?: (batch: AppliedBatch) => void;
  /**
   * The store can write read models in the transaction of an append (PostgreSQL): projections
   * declared `runs: 'inline'` are then written by every append, through `inlineWriter`, which the
   * caller installs on the store. Without it every projection is fed from the log.
   */
  readonly inlineWrites?: boolean;
}

/** A batch whose rows and checkpoint committed. */
export interface AppliedBatch {
  readonly projection: string;
  readonly events: number;
  /** The checkpoint after the batch. */
  readonly cursor: LogPosition;
  readonly seconds: number;
}

/** Where a catch-up stands: what long CLI runs (rebuild, reindex) show as progress. */
export interface CatchUpProgress extends AppliedBatch {
  /** The committed head the catch-up runs to. */
  readonly target: LogPosition;
}

/** Thrown to roll a batch back when its checkpoint moved underneath it. */
class CheckpointMoved extends Error {}

const LAG_COUNT_CAP = 10_000;
/**
 * Requests waiting for their writes to be projected share one read of the checkpoints started
 * within this window: fifty waiters polling on their own took the pool from the projections
 * they were waiting for. A shared read may be a little old; checkpoints only move forward, so
 * the waiter just looks again.
 */
const SHARED_CHECKPOINT_READ_MS = 20;

/**
 * Feeds each projection from the global log in batches. A batch's rows and its checkpoint commit
 * in one transaction, so a crash never applies an event twice nor skips one; a batch whose
 * checkpoint moved underneath it (another runner) is thrown away and re-read.
 */
export class ProjectionRunner {
  private readonly byName: ReadonlyMap<string, Projection>;
  private readonly progress = new EventEmitter();
  private checkpointRead: { readonly startedAt: number; readonly result: ReturnType<typeof readAllCheckpoints> } | null = null;
  private readonly batchSize: number;
  private readonly catchUpBatchSize: number;
  private readonly idleWaitMs: number;
  private controller: AbortController | null = null;
  private loops: Promise<void>[] = [];
  private feed: SharedFeed | null = null;
  private readonly inline: InlineProjections | null;

  constructor(private readonly options: ProjectionRunnerOptions) {
    this.byName = new Map(options.projections.map((projection) => [projection.name, projection]));
    this.inline = options.inlineWrites
      ? new InlineProjections({ db: options.db, store: options.store, projections: options.projections.filter((projection) => projection.runs === 'inline'), logger: options.logger })
      : null;
    this.batchSize = options.batchSize ?? 500;
    this.catchUpBatchSize = options.catchUpBatchSize ?? options.batchSize ?? 2_000;
    this.idleWaitMs = options.idleWaitMs ?? 1_000;
    this.progress.setMaxListeners(0);
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  /**
   * The projections command responses read from (declared inline): what an answer waits for
   * where they are fed from the log (EventStoreDB, or one being rebuilt). Written inline, they
   * cost the wait nothing.
   */
  get awaitedNames(): string[] {
    return [...this.byName.values()].filter((projection) => projection.runs === 'inline').map((projection) => projection.name);
  }

  /** What the event store calls in the transaction of every append; null unless `inlineWrites`. */
  get inlineWriter(): InlineProjections['write'] | null {
    return this.inline?.write ?? null;
  }

  /** Creates missing tables and rebuilds any projection whose version changed. */
  async prepare(): Promise<void> {
    const { knex } = this.options.db;
    for (const projection of this.byName.values()) {
      await knex.transaction(async (trx) => {
        await lockProjection(trx, projection.name);
        const checkpoint = await readCheckpoint(trx, projection.name, true);
        if (checkpoint?.version === projection.version) return;
        this.options.logger.info({ projection: projection.name, from: checkpoint?.version ?? null, to: projection.version }, 'projection (re)created');
        if (this.inline?.declares(projection.name)) await this.inline.holdOff(trx, projection.name);
        await projection.dropTables(trx);
        await projection.createTables(trx);
        await resetCheckpoint(trx, projection.name, projection.version);
      });
    }
    // A fresh database, or one whose read models were caught up: the switch applies what little
    // is left under the lock. A long log is left to the feed, which switches them once near.
    // One that cannot switch now (its tail fails to apply) stays fed from the log, where the failure
    // is retried with backoff and reported, instead of keeping the whole process from starting.
    if (this.inline) {
      for (const name of this.inline.names) {
        try {
          await this.inline.goInline(name);
        } catch (error) {
          this.options.logger.error({ err: error, projection: name }, 'projection could not go inline at start: fed from the log until it can');
        }
      }
      this.learnInline(await readAllCheckpoints(this.options.db.knex));
    }
  }

  /** Runs every projection until stop(). */
  start(): void {
    if (this.controller) return;
    const controller = new AbortController();
    this.controller = controller;
    const feed = new SharedFeed({
      db: this.options.db,
      store: this.options.store,
      projections: [...this.byName.values()],
      logger: this.options.logger,
      batchSize: this.batchSize,
      idleWaitMs: this.idleWaitMs,
      applyGroup: (members, from, to, passengers) => this.applyGroup(members, from, to, passengers),
      onMoved: (projection, events, cursor, seconds) => {
        this.progress.emit('progress');
        this.options.onBatch?.({ projection: projection.name, events, cursor, seconds });
      },
      onCheckpoints: (checkpoints) => this.learnInline(checkpoints),
      onReachedEnd: (projection) => this.switchWhenCaughtUp(projection),
    });
    this.feed = feed;
    this.loops = [feed.run(controller.signal)];
  }

  /**
   * Lets the running feed apply everything committed up to now, for at most `timeoutMs`; true when
   * every projection got there. Nothing to do when the feed is not running in this process.
   */
  async settle(timeoutMs: number): Promise<boolean> {
    if (!this.feed) return true;
    return this.waitFor(await this.options.store.committedHeadPosition(), timeoutMs, this.names);
  }

  /** Lets the batch in flight commit, then stops. */
  async stop(): Promise<void> {
    this.controller?.abort();
    this.controller = null;
    await Promise.allSettled(this.loops);
    this.loops = [];
    this.feed = null;
  }

  /**
   * Applies everything committed when asked, then returns: what a CLI rebuild, the demo seed and
   * tests use. The named projections are fed together, by a feed of their own reading the log once
   * per position in large pages, so a rebuild of all twenty read models reads the log about once,
   * not twenty times. The first failure stops it (rejects); past `timeoutMs` it stops where it stands.
   * True when every named projection reached the target.
   */
  async catchUp(names: readonly string[] = this.names, timeoutMs = 60_000, onProgress?: (progress: CatchUpProgress) => void): Promise<boolean> {
    const projections = names.map((name) => this.projection(name));
    // Everything committed when asked, including events still held back behind an older open
    // transaction elsewhere: "nothing visible yet" is not "caught up".
    const target = await this.options.store.committedHeadPosition();
    const checkpoints = await readAllCheckpoints(this.options.db.knex);
    for (const projection of projections) if (!checkpoints.has(projection.name)) throw new Error(`projection ${projection.name} is not prepared`);
    const deadline = Date.now() + timeoutMs;
    const controller = new AbortController();
    const moved = new EventEmitter();
    let failure: { readonly error: unknown } | null = null;
    const feed = new SharedFeed({
      db: this.options.db,
      store: this.options.store,
      projections,
      logger: this.options.logger,
      batchSize: this.catchUpBatchSize,
      // Events held back behind an open transaction show up without an append: look again soon.
      idleWaitMs: 100,
      paced: true,
      applyGroup: (members, from, to, passengers) => this.applyGroup(members, from, to, passengers),
      onCheckpoints: (found) => this.learnInline(found),
      onMoved: (projection, events, cursor, seconds) => {
        this.progress.emit('progress');
        const batch: AppliedBatch = { projection: projection.name, events, cursor, seconds };
        this.options.onBatch?.(batch);
        onProgress?.({ ...batch, target });
        moved.emit('moved');
      },
      onFailure: (error) => {
        failure ??= { error };
        controller.abort();
        moved.emit('moved');
      },
    });
    const running = feed.run(controller.signal);
    // Written inline, a projection is always where the log is.
    const alreadyInline = new Set([...checkpoints].filter(([, checkpoint]) => checkpoint.inline).map(([name]) => name));
    const reached = (projection: Projection) => {
      if (alreadyInline.has(projection.name) || this.inline?.isLive(projection.name)) return true;
      const position = feed.standsAt(projection.name);
      return position !== undefined && comparePositions(position, target) >= 0;
    };
    try {
      while (!failure && !projections.every(reached) && Date.now() < deadline) {
        // The feed learns checkpoints that were already there without moving them: look anyway.
        await emittedWithin(moved, 'moved', Math.max(1, Math.min(50, deadline - Date.now())));
      }
    } finally {
      controller.abort();
      await running;
    }
    if (failure) throw (failure as { readonly error: unknown }).error;
    const done = projections.every(reached);
    // Caught up: what the appends wrote since the target is the short tail the switch applies.
    if (done && this.inline) {
      for (const projection of projections) if (this.inline.declares(projection.name)) await this.inline.goInline(projection.name, Number.POSITIVE_INFINITY);
    }
    return done;
  }

  /** Drops the projections' tables and replays the whole log into fresh ones, all in one pass. */
  async rebuild(names: string | readonly string[], onProgress?: (progress: CatchUpProgress) => void): Promise<void> {
    const projections = (typeof names === 'string' ? [names] : names).map((name) => this.projection(name));
    for (const projection of projections) {
      await this.options.db.knex.transaction(async (trx) => {
        // Out of the appends first: an append writing rows into the tables being dropped waits.
        if (this.inline?.declares(projection.name)) await this.inline.holdOff(trx, projection.name);
        await lockProjection(trx, projection.name);
        await projection.dropTables(trx);
        await projection.createTables(trx);
        await resetCheckpoint(trx, projection.name, projection.version);
      });
    }
    // No deadline: a rebuild that stopped early would leave read models missing part of the log.
    await this.catchUp(
      projections.map((projection) => projection.name),
      Number.POSITIVE_INFINITY,
      onProgress,
    );
    // Freshly filled tables have no statistics: without them the planner scans where it should
    // use an index (search queries were 3x slower after a bulk load).
    await this.options.db.knex.raw('ANALYZE');
  }

  /**
   * Resolves true once every named projection (by default those command responses read) has
   * passed `position` (read-your-writes), false after `timeoutMs`. Reads the checkpoints table, so
   * it also sees runners in other processes.
   */
  async waitFor(position: LogPosition, timeoutMs: number, awaited: readonly string[] = this.awaitedNames): Promise<boolean> {
    // Written inline, a read model has every committed event: nothing to wait for, nothing to read.
    const names = this.inline ? awaited.filter((name) => !this.inline!.isLive(name)) : awaited;
    if (names.length === 0) return true;
    const deadline = Date.now() + timeoutMs;
    // What this process's own feed committed answers most waits without a read of the table.
    const passedHere = (name: string) => {
      const local = this.feed?.standsAt(name);
      return local !== undefined && comparePositions(local, position) >= 0;
    };
    let readTable = true;
    // The first look shares only a read begun since this wait began: one begun before it may
    // predate a rebuild that the caller already knows started over (checkpoints moved back).
    let notBefore = Date.now();
    for (;;) {
      // The table also sees runners in other processes, and a rebuild that started over; with a
      // feed here it is read at the start and whenever a wait ends without a batch landing.
      if (readTable || !this.feed) {
        const { startedAt, result } = this.sharedCheckpoints(notBefore);
        notBefore = 0;
        const checkpoints = await result;
        this.feed?.reconcile(checkpoints, startedAt);
        this.learnInline(checkpoints);
        const done = names.every((name) => {
          const checkpoint = checkpoints.get(name);
          return checkpoint !== undefined && (checkpoint.inline || comparePositions(checkpoint.position, position) >= 0);
        });
        if (done) return true;
      }
      if (names.every(passedHere)) return true;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return false;
      readTable = !(await this.nextProgress(Math.min(remaining, 50)));
    }
  }

  async lag(): Promise<ProjectionLag[]> {
    const head = await this.options.store.headPosition();
    const checkpoints = await readAllCheckpoints(this.options.db.knex);
    const report: ProjectionLag[] = [];
    for (const projection of this.byName.values()) {
      const checkpoint = checkpoints.get(projection.name);
      if (checkpoint?.inline) {
        report.push({ name: projection.name, version: projection.version, checkpoint: formatPosition(head), head: formatPosition(head), eventsBehind: 0, eventsBehindCapped: false, secondsBehind: 0 });
        continue;
      }
      const position = checkpoint?.position ?? { commit: 0n, prepare: 0n };
      const pending = await this.options.store.readAll({
        after: position,
        maxCount: LAG_COUNT_CAP,
        ...(projection.filter ? { filter: projection.filter } : {}),
      });
      const oldest = pending.events[0];
      report.push({
        name: projection.name,
        version: projection.version,
        checkpoint: formatPosition(position),
        head: formatPosition(head),
        eventsBehind: pending.events.length,
        eventsBehindCapped: !pending.isEnd,
        secondsBehind: oldest ? Math.max(0, (Date.now() - oldest.recordedAt.getTime()) / 1000) : 0,
      });
    }
    return report;
  }

  /**
   * Applies a group's page and moves their checkpoints in one transaction; a member another
   * runner holds (or moved) is left out, and the rest go ahead.
   */
  private async applyGroup(members: readonly GroupMember[], from: LogPosition, to: LogPosition, passengers: readonly Projection[]): Promise<GroupOutcome> {
    const seconds = new Map<string, number>();
    try {
      const applied = await this.options.db.knex.transaction(async (trx) => {
        const reads = members.map(({ projection, events }) => projection.reads?.(trx, events) ?? []);
        const { claimed, rows } = await claimGroupBatch(
          trx,
          members.map((member) => member.projection),
          from,
          reads,
        );
        const mine = members.filter((member) => claimed.has(member.projection.name));
        if (mine.length === 0) return new Set<string>();
        const writes = new DeferredWrites();
        for (const [index, { projection, events }] of members.entries()) {
          if (!claimed.has(projection.name)) continue;
          const started = process.hrtime.bigint();
          await projection.apply(trx, events, writes, projection.reads ? rows[index] : undefined);
          seconds.set(projection.name, Number(process.hrtime.bigint() - started) / 1e9);
        }
        // The members' deferred writes and the checkpoints' move (the passengers' too), in one statement.
        const moves = [...mine.map(({ projection, events }) => ({ name: projection.name, version: projection.version, applied: events.length })), ...passengers.map((projection) => ({ name: projection.name, version: projection.version, applied: 0 }))];
        const moved = new Set((await writes.run<{ name: string }>(trx, advanceManyStatement(moves, from, to))).map((row) => row.name));
        if (!mine.every(({ projection }) => moved.has(projection.name))) throw new CheckpointMoved();
        return moved;
      });
      return { applied, seconds };
    } catch (error) {
      if (error instanceof CheckpointMoved) return { applied: new Set(), seconds };
      throw error;
    }
  }

  private learnInline(checkpoints: ReadonlyMap<string, Checkpoint>): void {
    if (!this.inline) return;
    for (const name of this.inline.names) this.inline.learn(name, checkpoints.get(name)?.inline === true);
  }

  /** A projection declared inline that the live feed brought to the end of the log goes inline. */
  private switchWhenCaughtUp(projection: Projection): void {
    if (!this.inline?.declares(projection.name) || this.inline.isLive(projection.name)) return;
    this.inline.goInline(projection.name).then(
      (switched) => {
        if (switched) this.feed?.forget(projection.name);
      },
      (error: unknown) => this.options.logger.warn({ err: error, projection: projection.name }, 'projection could not go inline yet'),
    );
  }

  private projection(name: string): Projection {
    const projection = this.byName.get(name);
    if (!projection) throw new Error(`unknown projection ${name}; known: ${this.names.join(', ')}`);
    return projection;
  }

  private sharedCheckpoints(notBefore: number): { readonly startedAt: number; readonly result: ReturnType<typeof readAllCheckpoints> } {
    const now = Date.now();
    if (this.checkpointRead && this.checkpointRead.startedAt >= notBefore && now - this.checkpointRead.startedAt < SHARED_CHECKPOINT_READ_MS) return this.checkpointRead;
    const result = readAllCheckpoints(this.options.db.knex);
    const read = { startedAt: now, result };
    this.checkpointRead = read;
    // A failed read is not shared with later waiters.
    result.catch(() => {
      if (this.checkpointRead === read) this.checkpointRead = null;
    });
    return read;
  }

  /** True when a batch landed, false when the time ran out first. */
  private nextProgress(timeoutMs: number): Promise<boolean> {
    return emittedWithin(this.progress, 'progress', timeoutMs);
  }
}

/** True when `emitter` emits `event` within `timeoutMs`, false when the time runs out first. */
function emittedWithin(emitter: EventEmitter, event: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (emitted: boolean) => {
      clearTimeout(timer);
      emitter.off(event, onEvent);
      resolve(emitted);
    };
    const onEvent = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    emitter.on(event, onEvent);
  });
}
