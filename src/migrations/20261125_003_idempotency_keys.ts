import type { Knex } from 'knex';

/**
 * Idempotency keys of command requests: one row per (scope, key). A row is first an
 * `in_progress` claim, leased until `expires_at` so that a crashed request does not block its
 * retries for the whole retention; then `done` with the response to replay until `expires_at`.
 * `claim_token` fences completion and release, so a request whose lease was taken over cannot
 * overwrite the newer claim. Expired rows are ignored on read and deleted lazily, hence the index.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE idempotency_keys (
      scope        text NOT NULL,
      key          text NOT NULL,
      fingerprint  text NOT NULL,
      claim_token  text NOT NULL,
      state        text NOT NULL CHECK (state IN ('in_progress', 'done')),
      status       integer,
      headers      jsonb,
      body         jsonb,
      created_at   timestamptz NOT NULL,
      expires_at   timestamptz NOT NULL,
      PRIMARY KEY (scope, key)
    );
    CREATE INDEX idempotency_keys_expires_at ON idempotency_keys (expires_at);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS idempotency_keys');
}
