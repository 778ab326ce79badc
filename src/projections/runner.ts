import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Database } from '../db/types.js';
import type { EventStore, LogPosition, ReadAllPage } from '../eventstore/types.js';
import { comparePositions, formatPosition } from '../eventstore/types.js';
import { advanceCheckpoint, claimBatch, lockProjection, readAllCheckpoints, readCheckpoint, resetCheckpoint } from './checkpoints.js';
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

  constructor(private readonly options: ProjectionRunnerOptions) {
    this.byName = new Map(options.projections.map((projection) => [projection.name, projection]));
    this.batchSize = options.batchSize ?? 500;
    this.catchUpBatchSize = options.catchUpBatchSize ?? options.batchSize ?? 2_000;
    this.idleWaitMs = options.idleWaitMs ?? 1_000;
    this.progress.setMaxListeners(0);
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  /** The projections command responses read from: what read-your-writes waits for. */
  get awaitedNames(): string[] {
    return [...this.byName.values()].filter((projection) => projection.readYourWrites !== false).map((projection) => projection.name);
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
        await projection.dropTables(trx);
        await projection.createTables(trx);
        await resetCheckpoint(trx, projection.name, projection.version);
      });
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
      applyPage: (projection, from, page) => this.applyPage(projection, from, page),
      onMoved: (projection, events, cursor, seconds) => {
        this.progress.emit('progress');
        this.options.onBatch?.({ projection: projection.name, events, cursor, seconds });
      },
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
      applyPage: (projection, from, page) => this.applyPage(projection, from, page),
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
    const reached = (projection: Projection) => {
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
    return projections.every(reached);
  }

  /** Drops the projections' tables and replays the whole log into fresh ones, all in one pass. */
  async rebuild(names: string | readonly string[], onProgress?: (progress: CatchUpProgress) => void): Promise<void> {
    const projections = (typeof names === 'string' ? [names] : names).map((name) => this.projection(name));
    for (const projection of projections) {
      await this.options.db.knex.transaction(async (trx) => {
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
  async waitFor(position: LogPosition, timeoutMs: number, names: readonly string[] = this.awaitedNames): Promise<boolean> {
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
        const done = names.every((name) => {
          const checkpoint = checkpoints.get(name);
          return checkpoint !== undefined && comparePositions(checkpoint.position, position) >= 0;
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

  /** Applies a page and moves the checkpoint in one transaction, unless another runner got there first. */
  private async applyPage(projection: Projection, from: LogPosition, page: ReadAllPage): Promise<boolean> {
    try {
      return await this.options.db.knex.transaction(async (trx) => {
        if (!(await claimBatch(trx, projection.name, projection.version, from))) return false;
        await projection.apply(trx, page.events);
        if (!(await advanceCheckpoint(trx, projection.name, projection.version, from, page.cursor, page.events.length))) throw new CheckpointMoved();
        return true;
      });
    } catch (error) {
      if (error instanceof CheckpointMoved) return false;
      throw error;
    }
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
