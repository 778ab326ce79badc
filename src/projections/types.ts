import type { Knex } from 'knex';
import type { LogFilter, RecordedEvent } from '../eventstore/types.js';
import type { DeferredWrites } from '../db/deferred-writes.js';
import type { JsonRows } from '../db/combined-reads.js';

/**
 * A read model fed from the log. It owns its tables: it can create and drop them, and the engine
 * rebuilds it from the log whenever `version` changes. It turns events into rows and never decides.
 */
export interface Projection {
  readonly name: string;
  /** Bump when the tables or the row mapping change; the engine then rebuilds from the log. */
  readonly version: number;
  /**
   * `inline`: written in the transaction of every append (PostgreSQL), so a command's answer and
   * its client's next read see it at once: what answers read (tickets, users, groups, catalog…).
   * `async`: fed from the log after the commit, in groups (search, reporting, notifications,
   * timers), so their cost never lands on a request; a client that needs its write there sends
   * Wait-For-Position. Either way the same `apply` writes the rows, live or rebuilt. With
   * EventStoreDB every projection is fed from the log, and answers wait for the inline ones.
   */
  readonly runs: 'inline' | 'async';
  /** Only these events reach `apply`; others still move the checkpoint. */
  readonly filter?: LogFilter;
  createTables(knex: Knex): Promise<void>;
  dropTables(knex: Knex): Promise<void>;
  /**
   * The reads `apply` starts with, built but not sent: the runner sends those of every member of a
   * batch with its claim, in one statement, and hands `apply` their rows as `preread` (one list
   * per query, rows as json_agg gives them). Without `preread` (inline, time travel), `apply`
   * reads for itself.
   */
  readonly reads?: (knex: Knex, events: readonly RecordedEvent[]) => ReadonlyArray<Knex.QueryBuilder | Knex.Raw>;
  /**
   * Called inside the transaction that also moves the checkpoint: write only through `trx`, or
   * leave writes to `writes`, which the caller sends once every projection of the batch has applied
   * (with the checkpoint's move, in one statement). Reads see nothing deferred.
   */
  apply(trx: Knex.Transaction, events: readonly RecordedEvent[], writes: DeferredWrites, preread?: ReadonlyArray<JsonRows>): Promise<void>;
}

export interface ProjectionLag {
  readonly name: string;
  readonly version: number;
  readonly checkpoint: string;
  readonly head: string;
  /** Events of interest to this projection still to apply, counted up to a cap. */
  readonly eventsBehind: number;
  readonly eventsBehindCapped: boolean;
  /** Age of the oldest event not yet applied; 0 when caught up. */
  readonly secondsBehind: number;
}
