import { call } from './api.js';
import { bearer, expectStatus, uniqueSuffix } from './identity-fixtures.js';

/** Asset categories and assets set up over the real HTTP API, for tests that need some to exist. */

export const LAPTOP_SCHEMA = { type: 'object', properties: { ramGb: { type: 'integer', minimum: 1 } }, required: ['ramGb'], additionalProperties: false };

export async function createAssetCategory(baseUrl: string, token: string, attributesSchema: Record<string, unknown> = LAPTOP_SCHEMA): Promise<string> {
  const response = await call<{ id: string }>(baseUrl, '/api/v1/asset-categories', { method: 'POST', json: { name: `Laptops ${uniqueSuffix()}`, attributesSchema }, headers: bearer(token) });
  return expectStatus(response, 201, 'creating an asset category').body.id;
}

export function assetBody(categoryId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { tag: `LT-${uniqueSuffix()}`, name: `Laptop ${uniqueSuffix()}`, categoryId, attributes: { ramGb: 16 }, ...extra };
}

export async function createAsset(baseUrl: string, token: string, categoryId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const response = await call<{ id: string }>(baseUrl, '/api/v1/assets', { method: 'POST', json: assetBody(categoryId, extra), headers: bearer(token) });
  return expectStatus(response, 201, 'creating an asset').body.id;
}
