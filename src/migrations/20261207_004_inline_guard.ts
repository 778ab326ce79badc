import type { Knex } from 'knex';

/**
 * The database refuses an append that skips the read models written inline. Once a read model is
 * written inline (projection_checkpoints.inline) the feed no longer brings it events, so an append
 * made by something that does not write it (an older release, a script with a bare event store)
 * would be missing from it for good. Every append that writes inline asks
 * projections_written_inline(), which now marks its transaction; an insert into es_events in a
 * transaction not so marked, while any read model is inline, fails and appends nothing (an
 * append that inserts nothing, refused by its expected revision, is not checked). The check
 * takes the switch lock shared first, as the function does, so an append racing a read model's
 * switch to inline either is in the switch's tail or sees the switch and is refused.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE OR REPLACE FUNCTION projections_written_inline() RETURNS text[] LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_advisory_xact_lock_shared(7412, 0);
      PERFORM set_config('itsm.writes_inline', 'on', true);
      RETURN ARRAY(SELECT name || ':' || version FROM projection_checkpoints WHERE inline ORDER BY name);
    END
    $$
  `);
  await knex.raw(`
    CREATE FUNCTION es_events_inline_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      -- A statement trigger fires for an insert of no rows too (an append refused by its expected
      -- revision): only one that inserted events needs the check.
      IF current_setting('itsm.writes_inline', true) IS DISTINCT FROM 'on' AND EXISTS (SELECT 1 FROM inserted) THEN
        PERFORM pg_advisory_xact_lock_shared(7412, 0);
        IF EXISTS (SELECT 1 FROM projection_checkpoints WHERE inline) THEN
          RAISE EXCEPTION 'this append writes none of the read models that every append must write (%): append through a process that writes them inline',
            (SELECT string_agg(name, ', ' ORDER BY name) FROM projection_checkpoints WHERE inline)
            USING ERRCODE = 'P0001', HINT = 'itsm_inline_guard';
        END IF;
      END IF;
      RETURN NULL;
    END
    $$
  `);
  await knex.raw('CREATE TRIGGER es_events_inline_guard AFTER INSERT ON es_events REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION es_events_inline_guard()');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS es_events_inline_guard ON es_events');
  await knex.raw('DROP FUNCTION IF EXISTS es_events_inline_guard()');
  await knex.raw(`
    CREATE OR REPLACE FUNCTION projections_written_inline() RETURNS text[] LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_advisory_xact_lock_shared(7412, 0);
      RETURN ARRAY(SELECT name || ':' || version FROM projection_checkpoints WHERE inline ORDER BY name);
    END
    $$
  `);
}
