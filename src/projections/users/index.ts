import type { Knex } from 'knex';
import type { UserEvent } from '../../domain/identity/index.js';
import { FORGOTTEN_NAME, forgottenEmail } from '../../domain/identity/index.js';
import type { RecordedEvent } from '../../eventstore/types.js';
import type { Projection } from '../types.js';

const TABLE = 'users';

/** The tenant's people: who they are, their role, whether they may sign in. No secrets. */
export const usersProjection: Projection = {
  name: 'users',
  version: 1,
  runs: 'inline',
  filter: { categories: ['user'] },
  async createTables(knex: Knex) {
    await knex.schema.createTable(TABLE, (table) => {
      table.uuid('id').primary();
      table.uuid('tenant_id').notNullable();
      table.text('email').notNullable();
      table.text('name').notNullable();
      table.text('role').notNullable();
      table.text('status').notNullable();
      table.boolean('mfa_enabled').notNullable();
      table.timestamp('registered_at', { useTz: true }).notNullable();
      table.timestamp('updated_at', { useTz: true }).notNullable();
      table.integer('version').notNullable();
      table.unique(['tenant_id', 'email']);
      table.index(['tenant_id', 'name', 'id']);
    });
  },
  async dropTables(knex: Knex) {
    await knex.schema.dropTableIfExists(TABLE);
  },
  async apply(trx, events) {
    for (const recorded of events) await applyOne(trx, recorded, { type: recorded.type, data: recorded.data } as UserEvent);
  },
};

async function applyOne(trx: Knex.Transaction, recorded: RecordedEvent, event: UserEvent): Promise<void> {
  const id = recorded.streamId.slice('user-'.length);
  const at = recorded.metadata.occurredAt ?? recorded.recordedAt.toISOString();
  const change = (fields: Record<string, unknown>) =>
    trx(TABLE).where({ id }).andWhere('version', '<', recorded.revision).update({ ...fields, updated_at: at, version: recorded.revision });
  switch (event.type) {
    case 'UserRegistered': {
      const d = event.data;
      await trx(TABLE)
        .insert({ id, tenant_id: d.tenantId, email: d.email, name: d.name, role: d.role, status: 'active', mfa_enabled: false, registered_at: d.registeredAt, updated_at: d.registeredAt, version: recorded.revision })
        .onConflict('id')
        .ignore();
      return;
    }
    case 'UserProfileUpdated':
      await change({ name: event.data.name, email: event.data.email });
      return;
    case 'UserRoleChanged':
      await change({ role: event.data.role });
      return;
    case 'UserDeactivated':
      await change({ status: 'deactivated' });
      return;
    case 'UserReactivated':
      await change({ status: 'active' });
      return;
    case 'MfaEnabled':
      await change({ mfa_enabled: true });
      return;
    case 'MfaDisabled':
      await change({ mfa_enabled: false });
      return;
    // The same markers a replay gets once the key is gone, so live rows and a rebuild agree.
    case 'UserForgotten':
      await change({ name: FORGOTTEN_NAME, email: forgottenEmail(id), status: 'deactivated' });
      return;
    case 'UserPasswordChanged':
    case 'MfaSetupStarted':
    case 'MfaCodeAccepted':
    case 'MfaRecoveryCodeUsed':
      await change({});
      return;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
