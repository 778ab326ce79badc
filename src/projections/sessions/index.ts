import type { Knex } from 'knex';
import type { SessionEvent } from '../../domain/identity/index.js';
import type { RecordedEvent } from '../../eventstore/types.js';
import type { Projection } from '../types.js';

const TABLE = 'auth_sessions';

/** Sign-in sessions per user, so that a password change or deactivation can end the others. */
export const sessionsProjection: Projection = {
  name: 'sessions',
  version: 1,
  runs: 'inline',
  filter: { categories: ['session'] },
  async createTables(knex: Knex) {
    await knex.schema.createTable(TABLE, (table) => {
      table.uuid('id').primary();
      table.uuid('tenant_id').notNullable();
      table.uuid('user_id').notNullable();
      table.text('method').notNullable();
      table.timestamp('started_at', { useTz: true }).notNullable();
      table.timestamp('refreshed_at', { useTz: true });
      table.timestamp('expires_at', { useTz: true }).notNullable();
      table.timestamp('revoked_at', { useTz: true });
      table.text('revoked_reason');
      table.integer('version').notNullable();
      table.index(['user_id', 'revoked_at']);
    });
  },
  async dropTables(knex: Knex) {
    await knex.schema.dropTableIfExists(TABLE);
  },
  async apply(trx, events) {
    for (const recorded of events) await applyOne(trx, recorded, { type: recorded.type, data: recorded.data } as SessionEvent);
  },
};

async function applyOne(trx: Knex.Transaction, recorded: RecordedEvent, event: SessionEvent): Promise<void> {
  const id = recorded.streamId.slice('session-'.length);
  const guarded = () => trx(TABLE).where({ id }).andWhere('version', '<', recorded.revision);
  switch (event.type) {
    case 'SessionStarted': {
      const d = event.data;
      await trx(TABLE)
        .insert({ id, tenant_id: d.tenantId, user_id: d.userId, method: d.method, started_at: d.startedAt, expires_at: d.expiresAt, version: recorded.revision })
        .onConflict('id')
        .ignore();
      return;
    }
    case 'SessionRefreshed':
      await guarded().update({ refreshed_at: event.data.at, expires_at: event.data.expiresAt, version: recorded.revision });
      return;
    case 'SessionRevoked':
      await guarded().update({ revoked_at: event.data.at, revoked_reason: event.data.reason, version: recorded.revision });
      return;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
