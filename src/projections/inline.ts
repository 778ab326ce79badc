import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Database } from '../db/types.js';
import type { EventStore, InlineWriter, LogPosition } from '../eventstore/types.js';
import { matchesLogFilter } from '../eventstore/types.js';
import { holdOffAppends, lockProjection, markInline, readCheckpoint } from './checkpoints.js';
import { DeferredWrites } from '../db/deferred-writes.js';
import type { Projection } from './types.js';

export interface InlineProjectionsOptions {
  readonly db: Database;
  /** The log as read models see it (people's data opened). */
  readonly store: EventStore;
  /** The projections declared `runs: 'inline'`. */
  readonly projections: readonly Projection[];
  readonly logger: Logger;
}

/** Thrown inside a switch to roll it back: more of the log is left than a switch may apply under the lock. */
class TailTooLong extends Error {}

const TAIL_PAGE = 1_000;

/**
 * The read models written in the transaction of every append (Marten's and Emmett's inline
 * projections). A projection is inline once its checkpoint says so: until then (new, or being
 * rebuilt) it is fed from the log like any other, and switches over when it has caught up.
 *
 * The switch and the appends meet at one advisory lock: an append takes it shared when it asks
 * which projections to write (projections_written_inline()), the switch takes it exclusively,
 * so it waits for every append in flight to commit, applies what the log holds past its
 * checkpoint, and marks the projection inline before any later append asks. No event is written
 * twice nor missed.
 */
export class InlineProjections {
  private readonly byName: ReadonlyMap<string, Projection>;
  /** What this process last learnt to be written inline: answers need not wait for those. */
  private readonly live = new Set<string>();
  private readonly switching = new Map<string, Promise<boolean>>();

  constructor(private readonly options: InlineProjectionsOptions) {
    this.byName = new Map(options.projections.map((projection) => [projection.name, projection]));
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  declares(name: string): boolean {
    return this.byName.has(name);
  }

  isLive(name: string): boolean {
    return this.live.has(name);
  }

  /** What a read of the checkpoints table says: the table is the truth across processes. */
  learn(name: string, inline: boolean): void {
    if (inline && this.byName.has(name)) this.live.add(name);
    else this.live.delete(name);
  }

  /** Installed on the event store: writes the projections that are inline now, in the append's transaction. */
  readonly write: InlineWriter = async (trx, events, written) => {
    const writes = new DeferredWrites();
    for (const entry of written) {
      const [name, versionText] = splitEntry(entry);
      const projection = this.byName.get(name);
      // Another release's read model, or ours under another version: writing it would corrupt it
      // and skipping it would lose the event. Refuse the append instead (nothing is written).
      if (!projection || projection.version !== Number(versionText)) {
        throw new Error(`read model ${name} is written inline at version ${versionText}, which this process does not have (${projection ? `it has ${projection.version}` : 'unknown here'}); run one release against a database`);
      }
      this.live.add(name);
      const mine = projection.filter ? events.filter((event) => matchesLogFilter(event, projection.filter)) : events;
      if (mine.length > 0) await projection.apply(trx, mine, writes);
    }
    await writes.run(trx);
    for (const name of this.live) if (!written.some((entry) => splitEntry(entry)[0] === name)) this.live.delete(name);
  };

  /**
   * Switches a projection fed from the log to inline, if at most `maxTail` events of the log are
   * left for it; false (nothing changed) when more are, or when it is not at its version yet.
   * Appends wait while the tail is applied, so the feed brings it close first.
   */
  goInline(name: string, maxTail = 2_000): Promise<boolean> {
    const running = this.switching.get(name);
    if (running) return running;
    const work = this.switchOver(name, maxTail).finally(() => this.switching.delete(name));
    this.switching.set(name, work);
    return work;
  }

  /** Takes a projection out of the appends (a rebuild): the caller resets its checkpoint in the same transaction. */
  async holdOff(trx: Knex.Transaction, name: string): Promise<void> {
    await holdOffAppends(trx);
    this.live.delete(name);
  }

  private async switchOver(name: string, maxTail: number): Promise<boolean> {
    const projection = this.byName.get(name);
    if (!projection) throw new Error(`${name} is not an inline projection`);
    try {
      const switched = await this.options.db.sharedTransaction(async (session, trx) => {
        await holdOffAppends(trx);
        await lockProjection(trx, name);
        const checkpoint = await readCheckpoint(trx, name, true);
        if (!checkpoint || checkpoint.version !== projection.version) return false;
        if (checkpoint.inline) return true;
        let position: LogPosition = checkpoint.position;
        let applied = 0;
        for (;;) {
          const page = await this.options.store.readAll({ after: position, maxCount: TAIL_PAGE, within: session, ...(projection.filter ? { filter: projection.filter } : {}) });
          if (page.events.length > 0) {
            applied += page.events.length;
            if (applied > maxTail) throw new TailTooLong();
            const writes = new DeferredWrites();
            await projection.apply(trx, page.events, writes);
            await writes.run(trx);
          }
          position = page.cursor;
          if (page.isEnd) break;
        }
        await markInline(trx, name, projection.version, position, applied);
        this.options.logger.info({ projection: name, tail: applied }, 'projection written inline from now on');
        return true;
      });
      if (switched) this.live.add(name);
      return switched;
    } catch (error) {
      if (error instanceof TailTooLong) return false;
      throw error;
    }
  }
}

function splitEntry(entry: string): readonly [string, string] {
  const colon = entry.lastIndexOf(':');
  return [entry.slice(0, colon), entry.slice(colon + 1)];
}
