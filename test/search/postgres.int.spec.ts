import { suite } from '../support/suite.js';
import { PostgresSearchIndex } from '../../src/search/postgres/index.js';
import { createTestDatabase } from '../support/database.js';
import { searchContract } from './contract.js';
import { checkRelevance } from './relevance.js';

searchContract('PostgreSQL full-text search', async () => {
  const database = await createTestDatabase();
  const index = new PostgresSearchIndex(database.db.knex);
  await index.create(database.db.knex);
  return { index, knex: database.db.knex, close: () => database.drop() };
});

const relevance = suite('search relevance: PostgreSQL full-text search');

relevance('holds precision@3 of at least 0.8 on the shipped relevance set', async () => {
  const database = await createTestDatabase();
  try {
    const index = new PostgresSearchIndex(database.db.knex);
    await index.create(database.db.knex);
    await checkRelevance('PostgreSQL full-text search', { index, knex: database.db.knex, close: () => Promise.resolve() });
  } finally {
    await database.drop();
  }
});

relevance.run();
