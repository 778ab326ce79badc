import { call } from './api.js';
import { bearer, expectStatus, uniqueSuffix } from './identity-fixtures.js';

/** Catalog entries set up over the real HTTP API by an admin, for tests that need some to exist. */

export type CatalogCollection = 'categories' | 'services';

export interface CatalogEntry {
  readonly id: string;
  readonly name: string;
  readonly active: boolean;
  readonly version: number;
}

/** A valid creation body; `extra` adds or overrides fields. */
export function catalogBody(collection: CatalogCollection, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const name = `${collection === 'categories' ? 'Category' : 'Service'} ${uniqueSuffix()}`;
  return collection === 'categories' ? { name, description: 'made by a test', ...extra } : { name, description: 'made by a test', criticality: 'high', ...extra };
}

export async function createCatalogEntry(baseUrl: string, token: string, collection: CatalogCollection, extra: Record<string, unknown> = {}): Promise<CatalogEntry> {
  const response = await call<CatalogEntry>(baseUrl, `/api/v1/${collection}`, { method: 'POST', json: catalogBody(collection, extra), headers: bearer(token) });
  return expectStatus(response, 201, `creating one of ${collection}`).body;
}

export async function setCatalogEntryActive(baseUrl: string, token: string, collection: CatalogCollection, id: string, active: boolean): Promise<CatalogEntry> {
  const response = await call<CatalogEntry>(baseUrl, `/api/v1/${collection}/${id}/${active ? 'reactivate' : 'deactivate'}`, { method: 'POST', headers: bearer(token) });
  return expectStatus(response, 200, `${active ? 'reactivating' : 'deactivating'} one of ${collection}`).body;
}

/** Created and then retired at once. */
export async function createRetiredEntry(baseUrl: string, token: string, collection: CatalogCollection): Promise<CatalogEntry> {
  const entry = await createCatalogEntry(baseUrl, token, collection);
  return setCatalogEntryActive(baseUrl, token, collection, entry.id, false);
}
