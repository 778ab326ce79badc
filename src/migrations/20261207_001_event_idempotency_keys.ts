import type { Knex } from 'knex';

/**
 * Events appended by a request with an Idempotency-Key carry the key's digest in their metadata
 * (src/commands/metadata.ts). A retry after a crash looks its key up here to learn whether the
 * first attempt's command committed; partial, since most events carry no key.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE INDEX es_events_idempotency_key ON es_events ((metadata->>'idempotencyKey'))
      WHERE metadata->>'idempotencyKey' IS NOT NULL
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS es_events_idempotency_key');
}
