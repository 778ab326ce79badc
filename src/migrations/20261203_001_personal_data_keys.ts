import type { Knex } from 'knex';

/**
 * One data key per person whose name and email the log holds (crypto-shredding, src/privacy/).
 * A migration rather than a projection's table: the keys are not derived from the log, and a
 * rebuild must never drop them. Forgetting someone clears `wrapped_key` and stamps `forgotten_at`;
 * the row stays so that no later write can mint a fresh key for them.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE personal_data_keys (
      subject_id     text PRIMARY KEY,
      master_key_id  text,
      wrapped_key    text,
      created_at     timestamptz NOT NULL,
      forgotten_at   timestamptz,
      CHECK ((wrapped_key IS NULL) = (forgotten_at IS NOT NULL)),
      CHECK ((wrapped_key IS NULL) = (master_key_id IS NULL))
    )
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS personal_data_keys');
}
