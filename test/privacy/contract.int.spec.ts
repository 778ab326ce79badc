import { randomBytes } from 'node:crypto';
import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
import { MasterKeyRing } from '../../src/privacy/master-keys.js';
import { PersonalDataKeys } from '../../src/privacy/personal-data-keys.js';
import { PersonalDataEventStore } from '../../src/privacy/personal-data-store.js';
import { createTestDatabase, serverUrl } from '../support/database.js';
import { eventStoreContract } from '../eventstore/contract.js';

// The decorator is an event store too: everything the port promises must still hold through it.
eventStoreContract(`personal data sealing over ${serverUrl ? 'PostgreSQL server' : 'PGlite'}`, async () => {
  const database = await createTestDatabase();
  const sealedLog = new PostgresEventStore(database.db);
  const store = new PersonalDataEventStore(sealedLog, new PersonalDataKeys(database.db.pool, new MasterKeyRing([{ id: 'm1', secret: randomBytes(32) }]), () => new Date()));
  return {
    store,
    async close() {
      await store.close();
      await database.drop();
    },
  };
});
