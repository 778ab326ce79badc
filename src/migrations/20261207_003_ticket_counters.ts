import type { Knex } from 'knex';

/**
 * Gap-free counters taken in the transaction of the append they number (a ticket's opening): a
 * failed or refused append gives its number back by rolling back, and creates of one tenant and
 * type wait on the counter's row only for the rest of that one transaction, not for a round trip
 * to a counter stream. Seeded from the counter streams numbers came from until now; with
 * EventStoreDB those streams stay the counter.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE es_counters (
      name  text PRIMARY KEY,
      value bigint NOT NULL CHECK (value >= 0)
    )
  `);
  await knex.raw(`
    INSERT INTO es_counters (name, value)
    SELECT stream_id, max((data->>'sequence')::bigint)
      FROM es_events
     WHERE category = 'ticketnumber' AND event_type = 'TicketNumberReserved'
     GROUP BY stream_id
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS es_counters');
}
