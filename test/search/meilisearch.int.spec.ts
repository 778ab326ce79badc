import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { MeilisearchIndex } from '../../src/search/meilisearch/index.js';
import { suite } from '../support/suite.js';
import { searchContract } from './contract.js';
import { checkRelevance } from './relevance.js';

// No Meilisearch on the test machines: the suite runs wherever MEILI_URL points at one. Each run
// uses indexes of its own (a random prefix), removed at the end.
const url = process.env.MEILI_URL;

if (url) {
  const open = async () => {
    const index = new MeilisearchIndex({ url, ...(process.env.MEILI_KEY ? { key: process.env.MEILI_KEY } : {}), indexPrefix: `itsm_test_${randomBytes(4).toString('hex')}_` });
    // The adapter ignores the transaction it is handed; an unconnected Knex stands in for it.
    const knex = knexFactory({ client: 'pg' });
    await index.create(knex);
    return {
      index,
      knex,
      async close() {
        await index.drop(knex);
        await knex.destroy();
      },
    };
  };
  searchContract('Meilisearch', open);
  const relevance = suite('search relevance: Meilisearch');
  relevance('holds precision@3 of at least 0.8 on the shipped relevance set', async () => {
    const harness = await open();
    try {
      await checkRelevance('Meilisearch', harness);
    } finally {
      await harness.close();
    }
  });
  relevance.run();
} else {
  console.log('SKIPPED: Meilisearch search contract (MEILI_URL unset)');
}
