import { EsdbEventStore } from '../../src/eventstore/esdb/store.js';
import { eventStoreContract } from './contract.js';

// No EventStoreDB on the test machines: the suite runs wherever EVENTSTORE_URL points at one. Contract
// streams have random ids, so runs can share a server.
const url = process.env.EVENTSTORE_URL;

if (url) {
  eventStoreContract('EventStoreDB', () => {
    const store = EsdbEventStore.connect(url);
    return Promise.resolve({ store, close: () => store.close() });
  });
} else {
  console.log('SKIPPED: EventStoreDB contract (EVENTSTORE_URL unset)');
}
