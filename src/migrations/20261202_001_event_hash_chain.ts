import type { Knex } from 'knex';
import { eventDigest, linkHash } from '../eventstore/chain.js';
import type { JsonObject } from '../eventstore/types.js';

/**
 * Tamper evidence for the PostgreSQL event store (see src/eventstore/chain.ts). Every event keeps
 * its link in its stream's hash chain; the stream row keeps the head link, so an append chains
 * onto it in the same statement that moves the head, under the row lock: concurrent appends to
 * one stream chain in the order they commit, with no extra round trip.
 *
 * `es_chain(previous, digests)` returns the links of a batch. `prev_head_hash` exists because an
 * UPDATE's RETURNING shows only new values, and the inserted events need the link before them.
 *
 * Events written before this migration are chained here, in revision order.
 *
 * `audit_anchor_checkpoint` is how far the anchoring job (src/audit/anchors.ts) has read the log.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE es_streams ADD COLUMN head_hash bytea, ADD COLUMN prev_head_hash bytea;
    ALTER TABLE es_events ADD COLUMN hash bytea;
    CREATE FUNCTION es_chain(previous bytea, digests text[]) RETURNS bytea[]
    LANGUAGE plpgsql IMMUTABLE AS $$
    DECLARE
      link bytea := coalesce(previous, decode(repeat('00', 32), 'hex'));
      links bytea[] := '{}';
      digest text;
    BEGIN
      FOREACH digest IN ARRAY digests LOOP
        link := sha256(link || decode(digest, 'hex'));
        links := links || link;
      END LOOP;
      RETURN links;
    END $$;
    CREATE TABLE audit_anchor_checkpoint (
      id                integer PRIMARY KEY CHECK (id = 1),
      commit_position   text NOT NULL,
      prepare_position  text NOT NULL,
      updated_at        timestamptz NOT NULL DEFAULT now()
    );
    INSERT INTO audit_anchor_checkpoint (id, commit_position, prepare_position) VALUES (1, '0', '0');
  `);
  await chainExistingEvents(knex);
}

async function chainExistingEvents(knex: Knex): Promise<void> {
  let after: { stream: string; revision: number } | null = null;
  let previous: { stream: string; hash: string } | null = null;
  for (;;) {
    const query = knex('es_events').select('stream_id', 'revision', 'event_type', 'data', 'metadata').orderBy([{ column: 'stream_id' }, { column: 'revision' }]).limit(1000);
    if (after) query.whereRaw('(stream_id, revision) > (?, ?)', [after.stream, after.revision]);
    const rows = (await query) as Array<{ stream_id: string; revision: string | number; event_type: string; data: JsonObject | string; metadata: JsonObject | string }>;
    if (rows.length === 0) break;
    for (const row of rows) {
      const parse = (value: JsonObject | string): JsonObject => (typeof value === 'string' ? (JSON.parse(value) as JsonObject) : value);
      const link = linkHash(previous?.stream === row.stream_id ? previous.hash : null, eventDigest({ type: row.event_type, data: parse(row.data), metadata: parse(row.metadata) }));
      await knex('es_events').where({ stream_id: row.stream_id, revision: row.revision }).update({ hash: Buffer.from(link, 'hex') });
      await knex('es_streams').where({ stream_id: row.stream_id }).update({ head_hash: Buffer.from(link, 'hex') });
      previous = { stream: row.stream_id, hash: link };
      after = { stream: row.stream_id, revision: Number(row.revision) };
    }
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE IF EXISTS audit_anchor_checkpoint;
    DROP FUNCTION IF EXISTS es_chain(bytea, text[]);
    ALTER TABLE es_events DROP COLUMN IF EXISTS hash;
    ALTER TABLE es_streams DROP COLUMN IF EXISTS head_hash, DROP COLUMN IF EXISTS prev_head_hash;
  `);
}
