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

export async function relateAssets(baseUrl: string, token: string, sourceAssetId: string, body: Record<string, unknown>): Promise<string> {
  const response = await call<{ id: string }>(baseUrl, `/api/v1/assets/${sourceAssetId}/relations`, { method: 'POST', json: body, headers: bearer(token) });
  return expectStatus(response, 201, 'relating assets').body.id;
}

export function maintenanceBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { kind: 'service', title: `Check-up ${uniqueSuffix()}`, plannedFor: '2099-01-01', ...extra };
}

export async function planMaintenance(baseUrl: string, token: string, assetId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const response = await call<{ id: string }>(baseUrl, `/api/v1/assets/${assetId}/maintenance`, { method: 'POST', json: maintenanceBody(extra), headers: bearer(token) });
  return expectStatus(response, 201, 'planning a maintenance').body.id;
}
