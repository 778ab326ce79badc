import type { Config } from '../config/config.js';
import type { Database } from '../db/types.js';
import { MeilisearchIndex } from './meilisearch/index.js';
import { PostgresSearchIndex } from './postgres/index.js';
import type { SearchIndex } from './types.js';

export type { FilterField, SearchDocument, SearchFilters, SearchHit, SearchIndex, SearchKind, SearchPage, SearchRef, SearchRequest, SearchScope, SearchWriter } from './types.js';
export { FILTER_FIELDS, SEARCH_KINDS } from './types.js';

/** The configured adapter: Meilisearch when MEILI_URL is set, otherwise full-text search in the database. */
export function openSearchIndex(config: Config['search'], db: Database): SearchIndex {
  switch (config.kind) {
    case 'postgres':
      return new PostgresSearchIndex(db.knex);
    case 'meilisearch':
      return new MeilisearchIndex({ url: config.url, ...(config.key !== undefined ? { key: config.key } : {}) });
  }
}
