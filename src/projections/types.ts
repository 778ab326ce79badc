import type { Knex } from 'knex';
import type { LogFilter, RecordedEvent } from '../eventstore/types.js';

/**
 * A read model fed from the log. It owns its tables: it can create and drop them, and the engine
 * rebuilds it from the log whenever `version` changes. It turns events into rows and never decides.
 */
export interface Projection {
  readonly name: string;
  /** Bump when the tables or the row mapping change; the engine then rebuilds from the log. */
  readonly version: number;
  /**
   * False for read models no command response reads (analysts' tables, side effects): answers
   * then never wait for them (read-your-writes), and a slow one cannot hold up every command.
   */
  readonly readYourWrites?: boolean;
  /** Only these events reach `apply`; others still move the checkpoint. */
  readonly filter?: LogFilter;
  createTables(knex: Knex): Promise<void>;
  dropTables(knex: Knex): Promise<void>;
  /** Called inside the transaction that also moves the checkpoint: write only through `trx`. */
  apply(trx: Knex.Transaction, events: readonly RecordedEvent[]): Promise<void>;
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
