import type { Knex } from 'knex';
import * as eventStore from './20261125_001_event_store.js';
import * as projectionCheckpoints from './20261125_002_projection_checkpoints.js';
import * as idempotencyKeys from './20261125_003_idempotency_keys.js';
import * as notificationOutbox from './20261201_001_notification_outbox.js';
import * as eventHashChain from './20261202_001_event_hash_chain.js';
import * as personalDataKeys from './20261203_001_personal_data_keys.js';
import * as reportingSchema from './20261203_002_reporting_schema.js';
import * as eventIdempotencyKeys from './20261207_001_event_idempotency_keys.js';
import * as inlineProjections from './20261207_002_inline_projections.js';
import * as ticketCounters from './20261207_003_ticket_counters.js';
import * as inlineGuard from './20261207_004_inline_guard.js';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** Listed here rather than read from a folder, so the same list works from src/ under tsx and from dist/. */
const migrations: ReadonlyArray<readonly [string, Migration]> = [
  ['20261125_001_event_store', eventStore],
  ['20261125_002_projection_checkpoints', projectionCheckpoints],
  ['20261125_003_idempotency_keys', idempotencyKeys],
  ['20261201_001_notification_outbox', notificationOutbox],
  ['20261202_001_event_hash_chain', eventHashChain],
  ['20261203_001_personal_data_keys', personalDataKeys],
  ['20261203_002_reporting_schema', reportingSchema],
  ['20261207_001_event_idempotency_keys', eventIdempotencyKeys],
  ['20261207_002_inline_projections', inlineProjections],
  ['20261207_003_ticket_counters', ticketCounters],
  ['20261207_004_inline_guard', inlineGuard],
];

const source: Knex.MigrationSource<readonly [string, Migration]> = {
  getMigrations: () => Promise.resolve([...migrations]),
  getMigrationName: ([name]) => name,
  getMigration: ([, migration]) => Promise.resolve(migration),
};

export async function migrateToLatest(knex: Knex): Promise<void> {
  await knex.migrate.latest({ migrationSource: source });
}
