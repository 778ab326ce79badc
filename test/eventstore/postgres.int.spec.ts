import { PostgresEventStore } from '../../src/eventstore/postgres/store.js';
import { createTestDatabase, serverUrl } from '../support/database.js';
import { eventStoreContract } from './contract.js';

eventStoreContract(serverUrl ? 'PostgreSQL server' : 'PGlite', async () => {
  const database = await createTestDatabase();
  const store = new PostgresEventStore(database.db);
  return {
    store,
    async close() {
      await store.close();
      await database.drop();
    },
  };
});
