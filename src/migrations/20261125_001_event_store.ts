import type { Knex } from 'knex';

/**
 * The PostgreSQL event store. `es_streams` holds each stream's head revision (the compare-and-set
 * target of an append) and its soft-delete mark; `es_events` is the log.
 *
 * The log is ordered by (txid, seq), not by seq alone: seq is taken at insert but becomes visible at
 * commit, so a reader following seq would skip an event whose transaction commits after a
 * later-numbered one. Readers only look below the oldest transaction still running
 * (pg_snapshot_xmin), where every (txid, seq) is final. The index matches that order exactly.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE es_streams (
      stream_id   text PRIMARY KEY,
      category    text NOT NULL,
      revision    bigint NOT NULL,
      deleted_at  timestamptz,
      created_at  timestamptz NOT NULL DEFAULT now(),
      updated_at  timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE es_events (
      seq          bigserial NOT NULL,
      -- The appending transaction's xid8, stored as bigint so positions bind and compare as plain integers.
      txid         bigint NOT NULL DEFAULT pg_current_xact_id()::text::bigint,
      stream_id    text NOT NULL,
      revision     bigint NOT NULL,
      event_id     uuid NOT NULL,
      event_type   text NOT NULL,
      category     text NOT NULL,
      data         jsonb NOT NULL,
      metadata     jsonb NOT NULL,
      recorded_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (stream_id, revision)
    );
    CREATE UNIQUE INDEX es_events_log_order ON es_events (txid, seq);

  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS es_events; DROP TABLE IF EXISTS es_streams;');
}
