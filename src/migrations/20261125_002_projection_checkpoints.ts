import type { Knex } from 'knex';

/** One row per projection: where it has read up to, written in the same transaction as its rows. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE projection_checkpoints (
      name              text PRIMARY KEY,
      version           integer NOT NULL,
      commit_position   bigint NOT NULL DEFAULT 0,
      prepare_position  bigint NOT NULL DEFAULT 0,
      events_applied    bigint NOT NULL DEFAULT 0,
      updated_at        timestamptz NOT NULL DEFAULT now()
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS projection_checkpoints');
}
