import type { Knex } from 'knex';
import type { CategoryEvent, ServiceEvent } from '../../domain/catalog/index.js';
import type { TeamEvent, UserEvent } from '../../domain/identity/index.js';
import { FORGOTTEN_NAME } from '../../domain/identity/index.js';
import type { RecordedEvent } from '../../eventstore/types.js';
import { NAMES } from './tables.js';

/** What a row of `reporting.names` names: the things reports group by. */
export type NamedKind = 'team' | 'category' | 'service' | 'user';

/**
 * The current name of each team, category, service and person, so that report rows can show a
 * name beside an id without leaving the reporting schema. A person's name is personal data: on
 * UserForgotten it becomes the same marker the users read model shows, and a rebuild reads the
 * forgotten person's sealed name as that marker too, so live rows and a rebuild agree.
 */
export async function keepName(trx: Knex.Transaction, recorded: RecordedEvent, kind: NamedKind): Promise<void> {
  const id = recorded.streamId.slice(recorded.streamId.indexOf('-') + 1);
  const named = nameOf(kind, recorded);
  if (named === null) return;
  if ('tenantId' in named) {
    await trx(NAMES).insert({ id, kind, tenant_id: named.tenantId, name: named.name, revision: recorded.revision }).onConflict('id').ignore();
    return;
  }
  await trx(NAMES).where({ id }).andWhere('revision', '<', recorded.revision).update({ name: named.name, revision: recorded.revision });
}

type Named = { readonly tenantId: string; readonly name: string } | { readonly name: string };

/** Each category's writers are its command handlers only, so the casts hold; other events name nothing. */
function nameOf(kind: NamedKind, recorded: RecordedEvent): Named | null {
  const event = { type: recorded.type, data: recorded.data };
  switch (kind) {
    case 'team': {
      const team = event as TeamEvent;
      if (team.type === 'TeamCreated') return { tenantId: team.data.tenantId, name: team.data.name };
      return team.type === 'TeamUpdated' ? { name: team.data.name } : null;
    }
    case 'category': {
      const category = event as CategoryEvent;
      if (category.type === 'CategoryCreated') return { tenantId: category.data.tenantId, name: category.data.name };
      return category.type === 'CategoryUpdated' ? { name: category.data.name } : null;
    }
    case 'service': {
      const service = event as ServiceEvent;
      if (service.type === 'ServiceCreated') return { tenantId: service.data.tenantId, name: service.data.name };
      return service.type === 'ServiceUpdated' ? { name: service.data.name } : null;
    }
    case 'user': {
      const user = event as UserEvent;
      if (user.type === 'UserRegistered') return { tenantId: user.data.tenantId, name: user.data.name };
      if (user.type === 'UserProfileUpdated') return { name: user.data.name };
      return user.type === 'UserForgotten' ? { name: FORGOTTEN_NAME } : null;
    }
    default: {
      const _exhaustive: never = kind;
      return _exhaustive;
    }
  }
}
