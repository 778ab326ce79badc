import type { Knex } from 'knex';
import type { RecordedEvent } from '../../src/eventstore/types.js';
import type { Projection } from '../../src/projections/types.js';

export interface TallyOptions {
  readonly name?: string;
  readonly version?: number;
  /** Stream categories it reads (default: `test`). */
  readonly categories?: readonly string[];
  /** Holds each batch open this long inside its transaction (crash tests kill it there). */
  readonly slowMs?: number;
  readonly onApply?: (events: readonly RecordedEvent[]) => void;
  /**
   * Default inline: what answers wait for. Runners in tests write inline only when told to
   * (`inlineWrites`); otherwise an inline-declared projection is fed from the log and awaited.
   */
  readonly runs?: Projection['runs'];
}

/**
 * A test read model that makes double application visible: every event gets a ledger row whose
 * `times` counts how often it was applied, and every stream a running tally.
 */
export function tallyProjection(options: TallyOptions = {}): Projection {
  const name = options.name ?? 'test_tally';
  const ledger = `${name}_ledger`;
  const streams = `${name}_streams`;
  return {
    name,
    version: options.version ?? 1,
    runs: options.runs ?? 'inline',
    filter: { categories: options.categories ?? ['test'] },
    async createTables(knex: Knex) {
      await knex.schema.createTable(ledger, (table) => {
        table.uuid('event_id').primary();
        table.text('stream_id').notNullable();
        table.text('type').notNullable();
        table.integer('times').notNullable();
      });
      await knex.schema.createTable(streams, (table) => {
        table.text('stream_id').primary();
        table.integer('events').notNullable();
        table.text('last_type').notNullable();
      });
    },
    async dropTables(knex: Knex) {
      await knex.schema.dropTableIfExists(ledger);
      await knex.schema.dropTableIfExists(streams);
    },
    async apply(trx, events) {
      options.onApply?.(events);
      for (const event of events) {
        await trx(ledger)
          .insert({ event_id: event.id, stream_id: event.streamId, type: event.type, times: 1 })
          .onConflict('event_id')
          .merge({ times: trx.raw(`${ledger}.times + 1`) });
        await trx(streams)
          .insert({ stream_id: event.streamId, events: 1, last_type: event.type })
          .onConflict('stream_id')
          .merge({ events: trx.raw(`${streams}.events + 1`), last_type: event.type });
      }
      if (options.slowMs) await trx.raw('SELECT pg_sleep(?)', [options.slowMs / 1000]);
    },
  };
}

export async function tallyRows(knex: Knex, name = 'test_tally'): Promise<{ ledger: unknown[]; streams: unknown[] }> {
  return {
    ledger: await knex(`${name}_ledger`).select().orderBy('event_id'),
    streams: await knex(`${name}_streams`).select().orderBy('stream_id'),
  };
}
