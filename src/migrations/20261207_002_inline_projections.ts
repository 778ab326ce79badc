import type { Knex } from 'knex';

/**
 * Read models written in the transaction of each append (src/projections/inline.ts). `inline`
 * marks a projection that appends now write; until then (new, rebuilt) it is fed from the log.
 *
 * Every append that writes inline asks this function which projections it must write (as
 * `name:version`). The
 * function takes the switch lock shared, for the rest of the append's transaction: a projection
 * goes inline under the same lock taken exclusively, so it never misses an append that read the
 * flag before the switch, nor gets one twice.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE projection_checkpoints ADD COLUMN inline boolean NOT NULL DEFAULT false');
  await knex.raw(`
    CREATE FUNCTION projections_written_inline() RETURNS text[] LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_advisory_xact_lock_shared(7412, 0);
      RETURN ARRAY(SELECT name || ':' || version FROM projection_checkpoints WHERE inline ORDER BY name);
    END
    $$
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP FUNCTION IF EXISTS projections_written_inline()');
  await knex.raw('ALTER TABLE projection_checkpoints DROP COLUMN IF EXISTS inline');
}
